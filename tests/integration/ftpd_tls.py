#!/usr/bin/python3
"""ftpd_tls.py - Python's side of ftpd_tls.sh: ftplib.FTP_TLS and raw TLS
against synfin's ftpd.

usage: ftpd_tls.py STEP HOST CAFILE [ARGS...]
  reuse522 USER PW          FTP_TLS (no session reuse): a data transfer
                            gets 522 (require_ssl_reuse = yes)
  transfer USER PW ROOT     FTP_TLS RETR and STOR, SHA-256 checked (once
                            require_ssl_reuse = no)
  plainlogin USER PW        USER/PASS in clear text: 530 both
  protc USER PW             PROT C refused for a local login (534), and a
                            transfer under PROT C set before login: 521
  alpacca                   ALPN http/1.1 and SNI mail.example.org are
                            refused; ALPN ftp is selected
  misc USER PW              FEAT lists AUTH TLS, PBSZ, PROT, not CCC;
                            CCC: 534; AUTH twice: 503; PBSZ before AUTH:
                            503
  ccc USER PW               (allow_ccc = yes) FEAT lists CCC; CCC before
                            login: 530; after it: 200, both close_notify
                            exchanged (ssl unwrap), then PWD and HELP CCC
                            in clear text; CCC again: 533
  flood N SECONDS           N connections send AUTH TLS then garbage or
                            a stalled record, held SECONDS; prints
                            "flood up" once they are all in
Prints one line per check; exits 1 at the first failure.
"""
import ftplib
import hashlib
import io
import os
import random
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftpd_pyutil import check  # noqa: E402

TIMEOUT = 30


def context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


def tls_login(host, cafile, user, pw):
    ftp = ftplib.FTP_TLS(context=context(cafile), timeout=TIMEOUT)
    ftp.connect(host, 21)
    ftp.login(user, pw)
    ftp.prot_p()
    return ftp


def sha(data):
    return hashlib.sha256(data).hexdigest()


def reuse522(host, cafile, user, pw):
    ftp = tls_login(host, cafile, user, pw)
    buf = io.BytesIO()
    try:
        ftp.retrbinary("RETR big.bin", buf.write)
        check(False, "RETR without session reuse succeeded")
    except ftplib.error_perm as e:
        check(str(e).startswith("522"), "RETR -> %s" % e)
        return
    except (ssl.SSLError, OSError) as e:
        # The data connection closed under the reader: the reply
        # follows on the control connection.
        print("data connection closed: %s" % e)
    try:
        ftp.getresp()
        check(False, "no 522 after the refused data connection")
    except ftplib.error_perm as e:
        check(str(e).startswith("522 SSL connection failed: session "
                                "reuse required"), "reply: %s" % e)
    ftp.quit()


def transfer(host, cafile, user, pw, root):
    ftp = tls_login(host, cafile, user, pw)
    buf = io.BytesIO()
    ftp.retrbinary("RETR big.bin", buf.write)
    with open(os.path.join(root, "big.bin"), "rb") as f:
        want = f.read()
    check(sha(buf.getvalue()) == sha(want), "RETR over FTP_TLS: SHA-256 equal")
    data = os.urandom(300000)
    ftp.storbinary("STOR py.bin", io.BytesIO(data))
    with open(os.path.join(root, "py.bin"), "rb") as f:
        check(sha(f.read()) == sha(data), "STOR over FTP_TLS: SHA-256 equal")
    names = ftp.nlst()
    check("py.bin" in names, "NLST over FTP_TLS")
    ftp.quit()


def plainlogin(host, user, pw):
    ftp = ftplib.FTP(timeout=TIMEOUT)
    ftp.connect(host, 21)
    for cmd in ("USER " + user, "PASS " + pw):
        try:
            ftp.sendcmd(cmd)
            check(False, "%s in clear text accepted" % cmd.split()[0])
        except ftplib.error_perm as e:
            check(str(e) == "530 Non-anonymous sessions must use "
                  "encryption.", "%s in clear text -> %s" %
                  (cmd.split()[0], e))
    ftp.quit()


def protc(host, cafile, user, pw):
    ftp = tls_login(host, cafile, user, pw)
    try:
        ftp.prot_c()
        check(False, "PROT C accepted for a local login")
    except ftplib.error_perm as e:
        check(str(e).startswith("534"), "PROT C after login -> %s" % e)
    ftp.quit()
    ftp = ftplib.FTP_TLS(context=context(cafile), timeout=TIMEOUT)
    ftp.connect(host, 21)
    ftp.auth()
    ftp.sendcmd("PBSZ 0")
    ftp.sendcmd("PROT C")
    ftp.login(user, pw)
    try:
        ftp.nlst()
        check(False, "a clear-text listing for a local login")
    except ftplib.error_reply as e:
        check(False, "unexpected reply %s" % e)
    except ftplib.error_perm as e:
        check(str(e).startswith("521"), "NLST under PROT C -> %s" % e)
    ftp.quit()


def raw_auth(host):
    s = socket.create_connection((host, 21), timeout=TIMEOUT)
    f = s.makefile("rb")
    check(f.readline().startswith(b"220"), "greeting")
    s.sendall(b"AUTH TLS\r\n")
    check(f.readline().startswith(b"234"), "234 to AUTH TLS")
    return s


def try_tls(host, cafile, alpn=None, sni=None):
    ctx = context(cafile)
    if alpn:
        ctx.set_alpn_protocols(alpn)
    if sni:
        ctx.check_hostname = False
    s = raw_auth(host)
    try:
        t = ctx.wrap_socket(s, server_hostname=sni or host)
        return t
    except (ssl.SSLError, OSError) as e:
        s.close()
        return e


def alpacca(host, cafile):
    r = try_tls(host, cafile, alpn=["http/1.1"])
    check(isinstance(r, Exception), "ALPN http/1.1 refused (%s)" % r)
    r = try_tls(host, cafile, sni="mail.example.org")
    check(isinstance(r, Exception), "SNI mail.example.org refused (%s)" % r)
    r = try_tls(host, cafile, alpn=["http/1.1", "ftp"])
    check(not isinstance(r, Exception) and
          r.selected_alpn_protocol() == "ftp", "ALPN ftp selected")
    r.close()


def refused(ftp, cmd, code, what):
    """cmd must get the error reply code."""
    try:
        ftp.sendcmd(cmd)
        check(False, "%s accepted" % what)
    except ftplib.error_perm as e:
        check(str(e).startswith(code), "%s -> %s" % (what, e))


def misc(host, cafile, user, pw):
    ftp = ftplib.FTP(timeout=TIMEOUT)
    ftp.connect(host, 21)
    feat = ftp.sendcmd("FEAT")
    for f in (" AUTH TLS", " PBSZ", " PROT"):
        check(f in feat.split("\n") or f + "\r" in feat.split("\n"),
              "FEAT lists%s" % f)
    check(" CCC" not in feat, "FEAT does not list CCC (allow_ccc = no)")
    refused(ftp, "PBSZ 0", "503", "PBSZ before AUTH")
    ftp.quit()
    ftp = tls_login(host, cafile, user, pw)
    for cmd, code in (("CCC", "534"), ("AUTH TLS", "503"), ("PROT X", "504"),
                      ("PROT S", "536")):
        refused(ftp, cmd, code, cmd)
    ftp.quit()


def ccc(host, cafile, user, pw):
    ftp = ftplib.FTP_TLS(context=context(cafile), timeout=TIMEOUT)
    ftp.connect(host, 21)
    feat = ftp.sendcmd("FEAT")
    check(" CCC" in feat, "FEAT lists CCC (allow_ccc = yes)")
    ftp.auth()
    refused(ftp, "CCC", "530", "CCC before login")
    ftp.login(user, pw)
    ftp.prot_p()
    resp = ftp.ccc()
    check(resp.startswith("200"), "CCC -> %s" % resp)
    check(not isinstance(ftp.sock, ssl.SSLSocket) or
          ftp.sock._sslobj is None, "the control connection is clear")
    check(ftp.pwd() == "/", "PWD in clear text after CCC")
    check(ftp.sendcmd("HELP CCC").startswith("214"), "HELP CCC in clear")
    refused(ftp, "CCC", "533", "CCC again")
    ftp.quit()


def ended(s):
    """True when the server closed s (after an alert, maybe)."""
    s.settimeout(0.5)
    try:
        for _ in range(16):
            if not s.recv(4096):
                return True
    except socket.timeout:
        return False
    except OSError:
        return True
    return False


def flood(host, n, seconds):
    socks = []
    for i in range(n):
        s = raw_auth(host)
        if i % 2:
            # A record header promising 16 KiB that never comes.
            s.sendall(bytes([0x16, 0x03, 0x01, 0x40, 0x00]) +
                      os.urandom(100))
        elif i % 4:
            # A whole handshake record of garbage.
            s.sendall(bytes([0x16, 0x03, 0x01, 0x00, 0x40]) +
                      os.urandom(0x40))
        else:
            # Another protocol's client.
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" +
                      os.urandom(random.randint(1, 4096)))
        socks.append(s)
    print("flood up: %d connections" % n, flush=True)
    time.sleep(seconds)
    closed = sum(1 for s in socks if ended(s))
    for s in socks:
        s.close()
    print("flood: %d of %d closed by the server" % (closed, n))
    check(closed >= n // 2, "the garbage handshakes were ended")


def main():
    step, host, cafile = sys.argv[1:4]
    a = sys.argv[4:]
    if step == "reuse522":
        reuse522(host, cafile, a[0], a[1])
    elif step == "transfer":
        transfer(host, cafile, a[0], a[1], a[2])
    elif step == "plainlogin":
        plainlogin(host, a[0], a[1])
    elif step == "protc":
        protc(host, cafile, a[0], a[1])
    elif step == "alpacca":
        alpacca(host, cafile)
    elif step == "misc":
        misc(host, cafile, a[0], a[1])
    elif step == "ccc":
        ccc(host, cafile, a[0], a[1])
    elif step == "flood":
        flood(host, int(a[0]), float(a[1]))
    else:
        check(False, "unknown step %s" % step)


main()
