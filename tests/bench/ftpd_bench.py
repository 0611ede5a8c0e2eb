#!/usr/bin/python3
"""ftpd_bench.py - the load generator of ftpd_bench.sh: many FTP clients
in one process (non-blocking sockets, one selector), so the server, not
the client, is what is measured. Each mode prints one result line, with
the generator's own CPU time beside the wall time (cpu < wall: the
generator was not the bottleneck).

usage: ftpd_bench.py HOST MODE ARGS...
  login N          N clients connect and log in (anonymous) at once, then
                   QUIT: "login N WALL_S CPU_S"
  retr N PATH SIZE N clients log in, EPSV, RETR PATH (SIZE bytes each) at
                   once: "retr N BYTES WALL_S CPU_S" (every byte counted)
  idle N SRC...    N control connections spread over the source addresses
                   SRC..., each waits for its 220; prints "holding N WALL_S"
                   and waits for a line on stdin, then closes them all
Every phase is bounded in time (BENCH_LIMIT, 600 s); exits 1 on error.
"""
import errno
import os
import re
import resource
import selectors
import socket
import sys
import time

HOST = sys.argv[1]
LIMIT = float(os.environ.get("BENCH_LIMIT", "600"))
# Connects in flight (not yet greeted) at once: vsftpd listens with a
# backlog of 32; past it Linux drops the handshake's last ACK (or a SYN
# cookie's), and a client that waits for the 220 waits forever. Both
# servers get the same pacing.
CONNECTING_MAX = 32


def fail(what):
    print("FAIL:", what, flush=True)
    sys.exit(1)


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def raise_fd_limit(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 2 * n + 64)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Client:
    """One FTP session as a small state machine driven by replies."""
    greeted = 0  # clients past their first reply (or gone)
    finished = 0  # clients done

    def __init__(self, sel, script, src=None):
        self.sel, self.script, self.step = sel, script, 0
        self.buf, self.data, self.got, self.done = b"", None, 0, False
        self.ctl_closed = False
        self.s = socket.socket()
        self.s.setblocking(False)
        if src:
            self.s.bind((src, 0))
        rc = self.s.connect_ex((HOST, 21))
        if rc not in (0, errno.EINPROGRESS):
            fail("connect: %s" % errno.errorcode.get(rc, rc))
        sel.register(self.s, selectors.EVENT_READ, self)

    def on_readable(self, sock):
        if sock is self.data:
            self.read_data()
            return
        try:
            b = self.s.recv(65536)
        except ConnectionResetError:
            b = b""
        if not b:
            if self.script[self.step][0] != "eof":
                fail("server closed the session at step %s"
                     % (self.script[self.step],))
            self.finish()
            return
        self.buf += b
        while b"\r\n" in self.buf and not self.done:
            line, self.buf = self.buf.split(b"\r\n", 1)
            if line[3:4] == b"-" or not line[:3].isdigit():
                continue  # a line of a multi-line reply
            self.reply(line.decode("latin-1"))

    def reply(self, line):
        want, send = self.script[self.step]
        if not line.startswith(want):
            fail("expected %s, got %r" % (want, line))
        if self.step == 0:
            Client.greeted += 1
        if want == "229":
            port = int(re.search(r"\|\|\|(\d+)\|", line).group(1))
            self.data = socket.create_connection((HOST, port), timeout=30)
            self.data.setblocking(False)
            self.sel.register(self.data, selectors.EVENT_READ, self)
        self.step += 1
        if send:
            self.s.sendall(send.encode() + b"\r\n")
        if self.script[self.step][0] == "hold":
            self.mark_done()

    def read_data(self):
        try:
            n = len(self.data.recv(1 << 20))
        except BlockingIOError:
            return
        self.got += n
        if n == 0:
            self.sel.unregister(self.data)
            self.data.close()
            self.data = None
            if self.ctl_closed:
                self.mark_done()

    def finish(self):
        self.sel.unregister(self.s)
        self.s.close()
        self.ctl_closed = True
        if self.data is None:
            self.mark_done()

    def mark_done(self):
        if not self.done:
            self.done = True
            Client.finished += 1


def run(clients_for, n, limit=LIMIT):
    """Starts n clients (at most CONNECTING_MAX before their first reply)
    and runs until all are done."""
    sel = selectors.DefaultSelector()
    live, started, deadline = [], 0, time.monotonic() + limit
    Client.greeted = Client.finished = 0
    while True:
        while started < n and started - Client.greeted < CONNECTING_MAX:
            live.append(clients_for(sel, started))
            started += 1
        if Client.finished == n:
            return live, sel
        if time.monotonic() > deadline:
            steps = {}
            for c in live:
                if not c.done:
                    k = c.script[c.step][0]
                    steps[k] = steps.get(k, 0) + 1
            fail("%d of %d clients not done after %g s (waiting for: %s)"
                 % (n - Client.finished, n, limit, steps))
        for key, _ in sel.select(1.0):
            key.data.on_readable(key.fileobj)


LOGIN = [("220", "USER anonymous"), ("331", "PASS bench@"), ("230", "QUIT"),
         ("221", None), ("eof", None)]


def mode_login(n):
    t0, c0 = time.monotonic(), cpu()
    run(lambda sel, i: Client(sel, LOGIN), n)
    print("login %d %.3f %.3f" % (n, time.monotonic() - t0, cpu() - c0))


def mode_retr(n, path, size):
    script = [("220", "USER anonymous"), ("331", "PASS bench@"),
              ("230", "TYPE I"), ("200", "EPSV"), ("229", "RETR " + path),
              ("150", None), ("226", "QUIT"), ("221", None), ("eof", None)]
    t0, c0 = time.monotonic(), cpu()
    live, _ = run(lambda sel, i: Client(sel, script), n)
    wall = time.monotonic() - t0
    total = sum(c.got for c in live)
    if total != n * size:
        fail("retr: %d bytes, expected %d" % (total, n * size))
    print("retr %d %d %.3f %.3f" % (n, total, wall, cpu() - c0))


def mode_idle(n, srcs):
    script = [("220", None), ("hold", None)]
    t0 = time.monotonic()
    live, sel = run(lambda sel, i: Client(sel, script, srcs[i % len(srcs)]), n)
    print("holding %d %.3f" % (n, time.monotonic() - t0), flush=True)
    sys.stdin.readline()
    for c in live:
        c.s.close()


def main():
    mode = sys.argv[2]
    if mode == "login":
        n = int(sys.argv[3])
        raise_fd_limit(n)
        mode_login(n)
    elif mode == "retr":
        n = int(sys.argv[3])
        raise_fd_limit(2 * n)
        mode_retr(n, sys.argv[4], int(sys.argv[5]))
    elif mode == "idle":
        n = int(sys.argv[3])
        raise_fd_limit(n)
        mode_idle(n, sys.argv[4:] or [None])
    else:
        fail("unknown mode " + mode)


main()
