#!/usr/bin/python3
"""ftpd_badinput.py - hostile and broken clients against synfin's ftpd,
on raw control connections (no FTP library in the way).

usage: ftpd_badinput.py HOST CLIENT_IP USER PASSWORD MODE [ARG]
  basic         path escapes, bounce PORT/EPRT, data connection theft
                (a passive connection from THIEF_IP), EPSV ALL, REIN,
                overlong lines, bad sequences, binary garbage; each gets
                the right reply
  fails         three failed logins: answered after 1, 2, 4 s, then the
                session is closed
  idle N        opens N sessions that never send a byte, checks each got
                its 220, prints "holding N", waits for stdin to close
  vanish        logs in, starts a 64 MiB RETR, reads 1 MiB, prints its
                control and data ports ("ports C D") and sleeps (the
                test then drops its packets and kills it)
  order         ABOR in the Telnet Synch form (IAC IP, IAC DM sent
                urgent, ABOR) during a transfer: 426 then 226; QUIT
                during a transfer: the transfer's 226 first, then 221
  rate BYTES    a download limited by anon_max_rate = BYTES/s
  uprate BYTES  an upload (STOR) limited by local_max_rate = BYTES/s
  full          a STOR into full/, a tiny file system: 452
  term          logs in, prints "ready" and waits: the server's stop
                must send 421 and close
  normal        one ordinary session with a transfer (must work)
Prints one line per step; exits 1 at the first failure.
"""
import os
import random
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftpd_pyutil import check, read_all  # noqa: E402

HOST, CLIENT_IP, USER, PW, MODE = sys.argv[1:6]
THIEF_IP = "76.88.16.105"  # a second address the test gives the client side
ARG = sys.argv[6] if len(sys.argv) > 6 else None
TIMEOUT = 20


class Ctl:
    def __init__(self):
        self.s = socket.create_connection((HOST, 21), timeout=TIMEOUT)
        self.buf = b""
        self.greeting = self.reply()

    def send(self, raw):
        self.s.sendall(raw)

    def line(self):
        while b"\n" not in self.buf:
            b = self.s.recv(65536)
            if not b:
                raise EOFError("connection closed")
            self.buf += b
        l, self.buf = self.buf.split(b"\n", 1)
        return l.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self):
        """One reply; a multi-line one joined with newlines."""
        lines = [self.line()]
        code = lines[0][:3]
        if lines[0][3:4] == "-":
            while True:
                lines.append(self.line())
                if lines[-1][:3] == code and lines[-1][3:4] == " ":
                    break
        return "\n".join(lines)

    def cmd(self, text):
        self.send(text.encode("utf-8", "surrogateescape") + b"\r\n")
        return self.reply()

    def expect(self, text, code, what):
        r = self.cmd(text)
        check(r.startswith(code), "%s -> %s (%s)" % (what, code, r[:100]))
        return r

    def login(self):
        self.expect("USER " + USER, "331", "USER")
        self.expect("PASS " + PW, "230", "PASS")

    def close(self):
        self.s.close()


def paths(c):
    c.expect("CWD ..", "250", "CWD .. at the root stays at the root")
    c.expect("PWD", '257 "/"', "PWD is still /")
    c.expect("CWD /../../..", "250", "CWD /../../.. stays inside")
    c.expect("MDTM /etc/passwd", "550", "MDTM /etc/passwd (inside the root)")
    c.expect("SIZE ../../../../etc/passwd", "550", "SIZE ../../etc/passwd")
    c.expect("CWD escape", "550", "CWD into a symlink that leads out")
    c.expect("SIZE escape/passwd", "550", "SIZE through a symlink out")
    c.expect("RNFR escape/passwd", "550", "RNFR through a symlink out")
    c.expect("MLST escape/passwd", "550", "MLST through a symlink out")
    c.expect("SIZE inlink", "213", "a symlink inside the root works")
    c.expect("CWD " + "a" * 300, "553", "a component over NAME_MAX")
    c.expect("CWD " + "/a" * 2100, "553", "a path over PATH_MAX")
    for arg in ("escape", "escape/", "escape/.", "-a escape/"):
        r = c.cmd("STAT " + arg)
        check(r[:3] in ("213", "550") and "passwd" not in r,
              "STAT %s shows nothing of what the link leads to" % arg)
    r = c.cmd("STAT escape/*")
    check("passwd" not in r, "STAT escape/* matches nothing outside")


def nul_and_garbage(c):
    c.send(b"CWD a\x00/../..\r\n")
    check(c.reply().startswith("500"), "a NUL byte refuses the line (500)")
    c.send(b"\r\n")
    check(c.reply().startswith("500"), "an empty line (500)")
    c.send(b"NOOP\rX\r\n")
    check(c.reply().startswith("500"), "a bare CR (500)")
    rnd = random.Random(7)
    junk = bytes(rnd.randrange(256) for _ in range(20000))
    junk = junk.replace(b"\xff", b"\xfe")  # Telnet IAC: tested elsewhere
    c.send(junk + b"\r\nNOOP\r\n")
    # Each garbage line gets one 500 (or 530 for a verb that needs a
    # login); then NOOP's 200 arrives in order.
    seen = 0
    while True:
        r = c.reply()
        if r.startswith("200"):
            break
        check(r[:3] in ("500", "501", "502", "503", "530", "550", "553"),
              "garbage answered with an error, not dropped silently: " + r[:60])
        seen += 1
        if seen > 1000:
            check(False, "too many replies to garbage")
    check(True, "binary garbage: %d error replies, then NOOP works" % seen)
    c.send(b"\xff\xfb\x01NOOP\r\n")  # IAC WILL ECHO
    while b"\n" not in c.buf:
        c.buf += c.s.recv(4096)
    check(c.buf.startswith(b"\xff\xfe\x01200 "),
          "Telnet WILL ECHO answered IAC DONT ECHO, then NOOP's 200")
    c.buf = c.buf[3:]
    c.reply()


def bounce(c):
    h = CLIENT_IP.replace(".", ",")
    c.expect("PORT 76,88,16,1,7,208", "500", "PORT to another host")
    c.expect("PORT %s,0,21" % h, "500", "PORT to a port below 1024")
    c.expect("PORT 127,0,0,1,7,208", "500", "PORT to 127.0.0.1")
    c.expect("EPRT |1|76.88.16.1|2000|", "500", "EPRT to another host")
    c.expect("EPRT |1|%s|25|" % CLIENT_IP, "500", "EPRT to port 25")
    c.expect("EPRT |2|::1|2000|", "522", "EPRT for IPv6")
    c.expect("PORT 1,2,3", "501", "malformed PORT")
    c.expect("PORT 300,1,1,1,1,1", "501", "PORT number over 255")
    c.expect("RETR hello.txt", "425", "RETR after refused PORTs: 425")
    c.expect("PORT %s,7,208" % h, "200", "PORT to the client itself")


def theft(c):
    r = c.expect("EPSV", "229", "EPSV")
    port = int(re.search(r"\|\|\|(\d+)\|", r).group(1))
    try:
        # The reset may come before connect() returns (a loaded host).
        thief = socket.create_connection((HOST, port), timeout=TIMEOUT,
                                         source_address=(THIEF_IP, 0))
        try:
            got = thief.recv(100)
        finally:
            thief.close()
    except ConnectionResetError:
        got = b""
    check(got == b"", "a passive connection from another address is reset")
    d = socket.create_connection((HOST, port), timeout=TIMEOUT)
    c.expect("RETR hello.txt", "150", "the client's own connection is taken")
    check(read_all(d) == b"hello from synfin\n", "and carries the file")
    d.close()
    check(c.reply().startswith("226"), "226")


def epsv_all_and_rein(c):
    c.expect("EPSV ALL", "200", "EPSV ALL")
    c.expect("PASV", "501", "PASV after EPSV ALL")
    c.expect("PORT %s,7,208" % CLIENT_IP.replace(".", ","), "501",
             "PORT after EPSV ALL")
    c.expect("EPSV", "229", "EPSV after EPSV ALL")
    c.expect("REIN", "220", "REIN")
    c.expect("PWD", "530", "logged out after REIN")
    c.expect("USER anonymous", "331", "USER after REIN")
    c.expect("PASS guest@", "230", "PASS after REIN")
    c.expect("PASV", "227", "REIN ended EPSV ALL")


def fails():
    c = Ctl()
    for n, delay in ((1, 1), (2, 2), (3, 4)):
        c.expect("USER bob", "331", "USER bob")
        t = time.monotonic()
        r = c.cmd("PASS wrong")
        el = time.monotonic() - t
        check(r.startswith("530") and el >= delay - 0.1,
              "failure %d answered after %.2f s (>= %d s)" % (n, el, delay))
    check(c.s.recv(100) == b"", "the session is closed after 3 failures")
    c.close()


def lines(c):
    c.send(b"NOOP " + b"x" * 100000 + b"\r\n")
    r = c.reply()
    check(r.startswith("500") and "too long" in r, "overlong line: one 500")
    c.expect("NOOP", "200", "the next line is a command again")
    c.expect("RNTO x", "503", "RNTO without RNFR")
    c.expect("RNFR nothing-here", "550", "RNFR of a missing file")
    r = c.cmd("RNTO x")
    check(r[:3] in ("503", "550"), "RNTO after a failed RNFR: " + r[:60])
    c.expect("FOOBAR", "500", "unknown command")
    c.expect("PWD extra", "501", "argument to PWD")
    c.expect("REST 99999999999999999999", "501", "REST over 19 digits")
    c.expect("TYPE X", "501", "TYPE X")
    c.expect("SITE EXEC /bin/sh", "500", "SITE EXEC")
    c.expect("STOR up.bin", "550", "STOR without the write permission")


def basic():
    c = Ctl()
    check(c.greeting.startswith("220"), "greeting")
    c.expect("PASS x", "503", "PASS before USER")
    c.expect("LIST", "530", "LIST before login")
    c.expect("USER anonymous", "331", "USER anonymous")
    c.expect("PASS guest@", "230", "anonymous login")
    c.expect("USER other", "530", "USER after login")
    paths(c)
    nul_and_garbage(c)
    bounce(c)
    theft(c)
    epsv_all_and_rein(c)
    lines(c)
    c.expect("QUIT", "221", "QUIT")
    c.close()


def idle(n):
    socks = []
    for i in range(n):
        s = socket.create_connection((HOST, 21), timeout=TIMEOUT)
        socks.append(s)
    for s in socks:
        data = b""
        while b"\n" not in data:
            b = s.recv(4096)
            if not b:
                break
            data += b
        if not data.startswith(b"220"):
            check(False, "an idle session got %r" % data[:60])
    print("holding %d" % n, flush=True)
    sys.stdin.read()
    for s in socks:
        s.close()
    check(True, "%d sessions that never sent a byte" % n)


def vanish():
    c, d = start_transfer("RETR /abort.bin", "RETR starts")
    read_all(d, 1048576)
    print("ports %d %d" % (c.s.getsockname()[1], d.getsockname()[1]),
          flush=True)
    time.sleep(120)


def start_transfer(command, what):
    """A logged-in session in TYPE I that started command (150) on a
    passive data connection: (control, data)."""
    c = Ctl()
    c.login()
    c.expect("TYPE I", "200", "TYPE I")
    d = passive_data(c)
    c.expect(command, "150", what)
    return c, d


def passive_data(c):
    r = c.expect("EPSV", "229", "EPSV")
    port = int(re.search(r"\|\|\|(\d+)\|", r).group(1))
    return socket.create_connection((HOST, port), timeout=TIMEOUT)


def order():
    c, d = start_transfer("RETR /abort.bin", "RETR starts")
    read_all(d, 65536)
    # RFC 959 4.1.3: IAC IP, then the Synch (IAC DM as urgent data),
    # then ABOR. The stack keeps urgent data inline.
    c.send(b"\xff\xf4\xff")
    c.s.send(b"\xf2", socket.MSG_OOB)
    c.send(b"ABOR\r\n")
    r = c.reply()
    check(r.startswith("426"), "Telnet-form ABOR during RETR: " + r)
    check(c.reply().startswith("226"), "then 226")
    d.close()
    c.expect("NOOP", "200", "in step after the Synch")
    d = passive_data(c)
    c.expect("RETR /abort.bin", "150", "RETR again")
    c.send(b"QUIT\r\n")
    n = len(read_all(d))
    d.close()
    check(n == 64 * 1048576, "the whole file came after QUIT (%d bytes)" % n)
    check(c.reply().startswith("226"), "the transfer's 226 first")
    check(c.reply().startswith("221"), "then QUIT's 221")
    check(c.s.recv(10) == b"", "then the server closes")
    c.close()


def rate(limit):
    c, d = start_transfer("RETR /abort.bin", "RETR")
    t = time.monotonic()
    n = len(read_all(d, 2 * limit))
    el = time.monotonic() - t
    check(n >= 2 * limit and 1.6 < el < 4, "%d bytes in %.2f s at %d bytes/s"
          % (n, el, limit))
    d.close()
    c.close()


def uprate(limit):
    c, d = start_transfer("STOR rate.bin", "STOR")
    t = time.monotonic()
    d.sendall(os.urandom(2 * limit))
    d.close()
    r = c.reply()
    el = time.monotonic() - t
    # The upper bound is the socket's timeout.
    check(r.startswith("226") and el >= 2 * 0.8,
          "upload of %d bytes in %.2f s at %d bytes/s: %s"
          % (2 * limit, el, limit, r))
    c.close()


def full():
    c, d = start_transfer("STOR full/big.bin", "STOR into a full file system")
    try:
        d.sendall(os.urandom(1048576))
    except OSError:
        pass  # the server gave up first and reset the connection
    d.close()
    r = c.reply()
    check(r.startswith("452"), "disk full: " + r)
    c.expect("NOOP", "200", "the session goes on")
    c.close()


def term():
    c = Ctl()
    c.login()
    print("ready", flush=True)
    r = c.reply()
    check(r.startswith("421"), "the server's stop: " + r)
    check(c.s.recv(10) == b"", "then it closes")
    c.close()


def normal():
    c, d = start_transfer("RETR hello.txt", "RETR")
    data = read_all(d)
    d.close()
    check(c.reply().startswith("226"), "226")
    check(data == b"hello from synfin\n", "the file arrived")
    c.expect("QUIT", "221", "QUIT")
    c.close()


MODES = {
    "basic": basic,
    "idle": lambda: idle(int(ARG)),
    "vanish": vanish,
    "fails": fails,
    "order": order,
    "rate": lambda: rate(int(ARG)),
    "uprate": lambda: uprate(int(ARG)),
    "full": full,
    "term": term,
}
MODES.get(MODE, normal)()
print("badinput %s: all ok" % MODE)
