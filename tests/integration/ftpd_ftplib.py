#!/usr/bin/python3
"""ftpd_ftplib.py - Python's ftplib against synfin's ftpd: every method of
ftplib.FTP, binary and ASCII transfers (line ends converted both ways),
REST (64-bit, refused in ASCII), listings (NLST, LIST, MLSD, MLST, STAT),
file operations, SITE (CHMOD, IDLE), OPTS MLST, ABOR and STAT during a
transfer, a wrong password's delay; a read-only user in local_root.

usage: ftpd_ftplib.py HOST CLIENT_IP SERVER_ROOT USER PASSWORD RO_USER RO_PW
SERVER_ROOT is the directory the server serves (this process shares the
file system, so it checks what the server wrote). RO_USER has the
permissions read,list and no root of its own: the server's local_root is
SERVER_ROOT/up. Prints one line per step; exits 1 at the first failure.
"""
import ftplib
import hashlib
import io
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftpd_pyutil import check, read_all  # noqa: E402

HOST, CLIENT_IP, ROOT, USER, PW, RO_USER, RO_PW = sys.argv[1:8]
TIMEOUT = 30


def expect_error(fn, code, what):
    try:
        r = fn()
    except ftplib.all_errors as e:
        check(str(e).startswith(code), "%s -> %s (%s)" % (what, code, e))
        return
    check(False, "%s: expected %s, got %r" % (what, code, r))


def login():
    ftp = ftplib.FTP()
    ftp.connect(HOST, 21, timeout=TIMEOUT)
    ftp.login(USER, PW)
    return ftp


def info(ftp):
    check(ftp.getwelcome().startswith("220"), "welcome")
    check(ftp.sendcmd("SYST").startswith("215"), "SYST")
    ftp.voidcmd("NOOP")
    feat = ftp.sendcmd("FEAT")
    for f in ("EPSV", "MLST", "REST STREAM", "SIZE", "MDTM", "UTF8", "HOST"):
        check(f in feat, "FEAT lists " + f)
    check(ftp.sendcmd("OPTS UTF8 ON").startswith("200"), "OPTS UTF8 ON")
    check(ftp.sendcmd("HELP").startswith("214"), "HELP")
    check("RETR" in ftp.sendcmd("HELP RETR"), "HELP RETR")
    check(ftp.sendcmd("SITE HELP").startswith("214"), "SITE HELP")
    check(ftp.sendcmd("STAT").startswith("211"), "STAT")
    check(ftp.acct("none").startswith("202"), "ACCT")
    check(ftp.sendcmd("ALLO 100").startswith("202"), "ALLO")
    check(ftp.sendcmd("STRU F").startswith("200"), "STRU F")
    check(ftp.sendcmd("MODE S").startswith("200"), "MODE S")
    check(ftp.sendcmd("TYPE L 8").startswith("200"), "TYPE L 8")
    ftp.voidcmd("TYPE I")
    check(ftp.sendcmd("SITE IDLE").startswith("200"), "SITE IDLE")
    check(ftp.sendcmd("SITE IDLE 60").startswith("200"), "SITE IDLE 60")
    check(ftp.sendcmd("SITE IDLE").startswith(
        "200 Current idle time limit is 60 seconds"), "SITE IDLE shows 60")
    expect_error(lambda: ftp.sendcmd("SITE IDLE 0"), "501", "SITE IDLE 0")
    expect_error(lambda: ftp.sendcmd("MODE B"), "504", "MODE B")
    expect_error(lambda: ftp.sendcmd("SMNT /"), "502", "SMNT")


def binary(ftp, d):
    data = os.urandom(3 * 1024 * 1024 + 17)
    ftp.storbinary("STOR b.bin", io.BytesIO(data))
    with open(os.path.join(d, "b.bin"), "rb") as f:
        check(f.read() == data, "storbinary: the server's copy is equal")
    check(ftp.size("b.bin") == len(data), "size")
    got = bytearray()
    ftp.retrbinary("RETR b.bin", got.extend)
    check(bytes(got) == data, "retrbinary")
    got = bytearray()
    ftp.retrbinary("RETR b.bin", got.extend, rest=1000001)
    check(bytes(got) == data[1000001:], "retrbinary with rest (REST)")
    ftp.storbinary("STOR r.bin", io.BytesIO(data[:500000]))
    ftp.storbinary("STOR r.bin", io.BytesIO(data[500000:]), rest=500000)
    with open(os.path.join(d, "r.bin"), "rb") as f:
        check(f.read() == data, "storbinary with rest (REST + STOR)")
    ftp.storbinary("APPE a.bin", io.BytesIO(b"abc"))
    ftp.storbinary("APPE a.bin", io.BytesIO(b"def"))
    with open(os.path.join(d, "a.bin"), "rb") as f:
        check(f.read() == b"abcdef", "APPE appends")
    check(ftp.sendcmd("REST 100").startswith("350"), "sendcmd REST")
    ftp.sendcmd("REST 0")
    check(ftp.sendcmd("SIZE b.bin") == "213 %d" % len(data), "sendcmd SIZE")
    check(re.match(r"^213 \d{14}$", ftp.sendcmd("MDTM b.bin")) is not None,
          "sendcmd MDTM")
    return data


def ascii_mode(ftp, d):
    ftp.storlines("STOR t.txt", io.BytesIO(b"one\ntwo\r\nthree\n"))
    with open(os.path.join(d, "t.txt"), "rb") as f:
        check(f.read() == b"one\ntwo\nthree\n", "storlines: CRLF -> LF")
    lines = []
    ftp.retrlines("RETR t.txt", lines.append)
    check(lines == ["one", "two", "three"], "retrlines")
    ftp.voidcmd("TYPE A")
    conn = ftp.transfercmd("RETR t.txt")
    raw = read_all(conn)
    conn.close()
    ftp.voidresp()
    check(raw == b"one\r\ntwo\r\nthree\r\n", "TYPE A download: LF -> CRLF")
    # Many lines: CRLF pairs fall across segment and chunk boundaries.
    big = b"".join(b"%d ascii line\r\n" % i for i in range(120000))
    conn = ftp.transfercmd("STOR big.txt")
    conn.sendall(big)
    conn.close()
    ftp.voidresp()
    with open(os.path.join(d, "big.txt"), "rb") as f:
        check(f.read() == big.replace(b"\r\n", b"\n"),
              "TYPE A upload of 120000 lines: every CRLF -> LF")
    expect_error(lambda: ftp.sendcmd("REST 10"), "504", "REST in TYPE A")
    ftp.voidcmd("TYPE I")


def listings(ftp, d, data):
    names = ftp.nlst()
    check("b.bin" in names and "t.txt" in names, "nlst")
    lines = []
    ftp.dir(lines.append)
    ls = [l for l in lines if l.endswith(" b.bin")]
    check(len(ls) == 1 and re.match(
        r"^-rw-r--r-- +1 +\S+ +\S+ +%d [A-Z][a-z]{2} [ 0-9]\d [ 0-9]\d:\d\d b\.bin$"
        % len(data), ls[0]) is not None, "dir: ls -l line " + repr(ls))
    facts = dict(ftp.mlsd())
    f = facts.get("b.bin", {})
    check(f.get("type") == "file" and f.get("size") == str(len(data)) and
          "modify" in f and "perm" in f and "unique" in f, "mlsd facts")
    check(facts.get("t.txt", {}).get("type") == "file", "mlsd t.txt")
    r = ftp.sendcmd("MLST b.bin")
    check(r.startswith("250-") and "type=file;" in r and "b.bin" in r, "MLST")
    check(ftp.sendcmd("OPTS MLST type;size;") == "200 MLST OPTS type;size;",
          "OPTS MLST type;size;")
    fact = ftp.sendcmd("MLST b.bin").split("\n")[1]
    check(fact == " type=file;size=%d; /up/py/b.bin" % len(data),
          "MLST shows only the facts asked for: " + repr(fact))
    ftp.sendcmd("OPTS MLST type;size;modify;perm;unique;")
    r = ftp.sendcmd("STAT .")
    check(r.startswith("213") and "b.bin" in r, "STAT of a directory")
    ftp.set_pasv(False)
    check("b.bin" in ftp.nlst(), "nlst in active mode (PORT)")
    lsock = socket.create_server((CLIENT_IP, 0))
    port = lsock.getsockname()[1]
    check(ftp.sendeprt(CLIENT_IP, port).startswith("200"), "sendeprt")
    ftp.sendcmd("NLST")
    conn, _ = lsock.accept()
    got = read_all(conn)
    conn.close()
    lsock.close()
    ftp.voidresp()
    check(b"b.bin\r\n" in got, "NLST over EPRT")
    ftp.set_pasv(True)
    host, port = ftp.makepasv()
    check(host == HOST and port >= 1024, "makepasv")


def file_ops(ftp, d):
    ftp.rename("a.bin", "a2.bin")
    check(os.path.exists(os.path.join(d, "a2.bin")), "rename")
    ftp.delete("a2.bin")
    check(not os.path.exists(os.path.join(d, "a2.bin")), "delete")
    check(ftp.mkd("sub") == "/up/py/sub", "mkd")
    ftp.cwd("sub")
    check(ftp.pwd() == "/up/py/sub", "cwd")
    ftp.sendcmd("CDUP")
    check(ftp.pwd() == "/up/py", "CDUP")
    ftp.rmd("sub")
    check(not os.path.exists(os.path.join(d, "sub")), "rmd")
    check(ftp.sendcmd("SITE CHMOD 600 b.bin").startswith("200"), "SITE CHMOD")
    check(os.stat(os.path.join(d, "b.bin")).st_mode & 0o777 == 0o600,
          "SITE CHMOD changed the mode")
    conn, _ = ftp.ntransfercmd("STOU")
    conn.sendall(b"unique")
    conn.close()
    ftp.voidresp()
    check(os.path.exists(os.path.join(d, "ftpd.upload")), "STOU")
    expect_error(lambda: ftp.sendcmd("RNTO x"), "503", "RNTO without RNFR")


def abort(ftp):
    ftp.voidcmd("TYPE I")
    conn = ftp.transfercmd("RETR /abort.bin")
    conn.recv(65536)
    expect_error(lambda: ftp.sendcmd("STAT /hello.txt"), "450",
             "STAT of a path during a transfer")
    resp = ftp.abort()
    check(resp[:3] in ("426", "225", "226"), "abort: " + resp)
    if resp.startswith("426"):
        check(ftp.getresp().startswith("226"), "226 after 426")
    conn.close()
    check(ftp.sendcmd("NOOP").startswith("200"), "in step after ABOR")
    check(ftp.abort().startswith("225"), "ABOR with no transfer: 225")


def huge(ftp):
    off = 4 * 1024 ** 3 + 512 * 1024 ** 2  # beyond 4 GiB
    check(ftp.sendcmd("SIZE /huge.bin") == "213 %d" % (5 * 1024 ** 3),
          "SIZE of a 5 GiB file")
    check(ftp.sendcmd("REST %d" % off).startswith("350"), "REST beyond 4 GiB")
    conn = ftp.transfercmd("RETR /huge.bin", rest=off)
    want = 4 * 1024 * 1024
    got = read_all(conn, want)
    with open(os.path.join(ROOT, "huge.bin"), "rb") as f:
        f.seek(off)
        ref = f.read(want)
    check(hashlib.sha256(got).digest() == hashlib.sha256(ref).digest(),
          "resumed RETR beyond 4 GiB: 4 MiB equal")
    resp = ftp.abort()
    if resp.startswith("426"):
        ftp.getresp()
    conn.close()


def virtual_host():
    ftp = ftplib.FTP(HOST, timeout=TIMEOUT)
    expect_error(lambda: ftp.sendcmd("HOST nowhere.example.org"), "504",
                 "HOST of an unknown name")
    check(ftp.sendcmd("HOST ftp.example.org").startswith("220"), "HOST")
    ftp.login()
    names = ftp.nlst()
    check("py" in names and "hello.txt" not in names,
          "HOST ftp.example.org: the virtual host's root")
    ftp.quit()
    ftp = ftplib.FTP(HOST, timeout=TIMEOUT)
    ftp.sendcmd("USER anonymous")
    expect_error(lambda: ftp.sendcmd("HOST ftp.example.org"), "503",
                 "HOST after USER")
    ftp.close()


def anonymous_and_bad_password():
    ftp = ftplib.FTP(HOST, timeout=TIMEOUT)
    check(ftp.login().startswith("230"), "anonymous login")
    check("hello.txt" in ftp.nlst(), "anonymous nlst")
    expect_error(lambda: ftp.storbinary("STOR /up/x", io.BytesIO(b"x")),
                 "550", "anonymous upload refused (read-only)")
    ftp.quit()
    ftp = ftplib.FTP(HOST, timeout=TIMEOUT)
    t = time.monotonic()
    expect_error(lambda: ftp.login(USER, "wrong"), "530", "wrong password")
    check(time.monotonic() - t >= 0.9, "a failed login is answered late")
    ftp.close()


def read_only():
    """RO_USER: read,list only, rooted at local_root (SERVER_ROOT/up)."""
    ftp = ftplib.FTP(HOST, timeout=TIMEOUT)
    check(ftp.login(RO_USER, RO_PW).startswith("230"), "read-only login")
    names = ftp.nlst()
    check("py" in names and "big.bin" not in names,
          "a user without a root of its own is in local_root")
    got = bytearray()
    ftp.retrbinary("RETR py/b.bin", got.extend)
    with open(os.path.join(ROOT, "up", "py", "b.bin"), "rb") as f:
        check(bytes(got) == f.read(), "read-only user: RETR")
    expect_error(lambda: ftp.storbinary("STOR ro.bin", io.BytesIO(b"x")),
             "550", "read-only user: STOR")
    check(not os.path.exists(os.path.join(ROOT, "up", "ro.bin")),
          "and nothing was written")
    expect_error(lambda: ftp.delete("py/b.bin"), "550",
             "read-only user: DELE")
    expect_error(lambda: ftp.mkd("ro"), "550", "read-only user: MKD")
    expect_error(lambda: ftp.sendcmd("RNFR py/b.bin"), "550",
             "read-only user: RNFR")
    check(os.path.exists(os.path.join(ROOT, "up", "py", "b.bin")),
          "b.bin is still there")
    ftp.quit()


def main():
    ftp = login()
    info(ftp)
    check(ftp.pwd() == "/", "pwd")
    ftp.cwd("up")
    check(ftp.mkd("py") == "/up/py", "mkd py")
    ftp.cwd("py")
    d = os.path.join(ROOT, "up", "py")
    data = binary(ftp, d)
    ascii_mode(ftp, d)
    listings(ftp, d, data)
    file_ops(ftp, d)
    abort(ftp)
    huge(ftp)
    check(ftp.quit().startswith("221"), "quit")
    ftp.close()
    virtual_host()
    anonymous_and_bad_password()
    read_only()
    print("ftplib: all ok")


main()
