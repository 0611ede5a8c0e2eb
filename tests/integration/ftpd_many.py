#!/usr/bin/python3
"""ftpd_many.py - many control connections that never send a byte.

usage: ftpd_many.py HOST N SECONDS
  Opens N connections to HOST:21 at once (non-blocking, one selector),
  checks that each gets its 220 greeting, prints "holding N" and waits
  for a line on stdin. Then a third are closed (FIN), a third reset
  (RST), and the last third are left for the server's login timeout:
  each of those must get "421 ..." and then the server's close. Prints
  "closed A reset B timed-out C" and exits 0, or "FAIL: ..." and exits
  1. Every phase is bounded by SECONDS.
"""
import errno
import resource
import selectors
import socket
import struct
import sys
import time

HOST, N, LIMIT = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])


def fail(what):
    print("FAIL:", what, flush=True)
    sys.exit(1)


def raise_fd_limit(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))


def open_all():
    """N sockets that have their greeting; fails past LIMIT seconds."""
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(N):
        s = socket.socket()
        s.setblocking(False)
        rc = s.connect_ex((HOST, 21))
        if rc not in (0, errno.EINPROGRESS):
            fail("connect: %s" % errno.errorcode.get(rc, rc))
        socks.append(s)
        sel.register(s, selectors.EVENT_READ, bytearray())
    waiting, deadline = N, time.monotonic() + LIMIT
    while waiting:
        left = deadline - time.monotonic()
        if left <= 0:
            fail("%d of %d sessions without a greeting after %g s"
                 % (waiting, N, LIMIT))
        for key, _ in sel.select(min(left, 1.0)):
            buf = key.data
            try:
                b = key.fileobj.recv(4096)
            except OSError as e:
                fail("a session failed before its greeting: %s" % e)
            if not b:
                fail("a session closed before its greeting: %r" % bytes(buf))
            buf += b
            if b"\n" in buf:
                if not buf.startswith(b"220"):
                    fail("a session was greeted with %r" % bytes(buf[:80]))
                sel.unregister(key.fileobj)
                waiting -= 1
    sel.close()
    return socks


def wait_for_server(socks):
    """Each socket must get 421 then EOF (or a reset) within LIMIT."""
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ, bytearray())
    left_open, got421 = len(socks), 0
    deadline = time.monotonic() + LIMIT
    while left_open:
        left = deadline - time.monotonic()
        if left <= 0:
            fail("%d sessions still open %g s after release" % (left_open, LIMIT))
        for key, _ in sel.select(min(left, 1.0)):
            try:
                b = key.fileobj.recv(4096)
            except ConnectionResetError:
                b = b""
            key.data.extend(b)
            if b:
                continue
            data = bytes(key.data)
            if data and not data.startswith(b"421"):
                fail("a timed-out session got %r" % data[:80])
            got421 += data.startswith(b"421")
            sel.unregister(key.fileobj)
            key.fileobj.close()
            left_open -= 1
    sel.close()
    return got421


def main():
    raise_fd_limit(N)
    t0 = time.monotonic()
    socks = open_all()
    print("holding %d (%.1f s)" % (N, time.monotonic() - t0), flush=True)
    sys.stdin.readline()
    closed = socks[0::3]
    reset = socks[1::3]
    left = socks[2::3]
    for s in closed:
        s.close()
    for s in reset:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    got421 = wait_for_server(left)
    if got421 != len(left):
        fail("%d of %d timed-out sessions got no 421" % (len(left) - got421,
                                                        len(left)))
    print("closed %d reset %d timed-out %d" % (len(closed), len(reset), len(left)),
          flush=True)


main()
