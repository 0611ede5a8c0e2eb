#!/usr/bin/python3
"""fake_ftpd.py - a scripted, misbehaving FTP server for ftp_fake_server.sh.

Usage: fake_ftpd.py ADDR PORT DATAFILE LOG

The user name chosen with USER picks the misbehaviour of the session:
  pasv3rd   EPSV refused; the PASV reply names a third host (76.88.16.99,
            which the test may give to the server's side: the data
            listener takes every local address)
  replies   malformed lines, multi-line replies with wrong terminators,
            a 1 MB reply line, and a reply that never ends (STALL)
  midclose  RETR sends half the file, then closes data and control
  shortok   RETR sends half the file, closes data and says 226
  abortlate RETR sends half the file and waits for ABOR; then 226 for
            the transfer and, LATE_S seconds later, 225 for ABOR
Every data connection is written to LOG ("data from PEER to LOCAL").
Runs until killed; each session is bounded by socket timeouts.
"""
import socket
import socketserver
import sys
import threading
import time

THIRD_PARTY = "76.88.16.99"
TIMEOUT = 20
LATE_S = 2  # abortlate: the delay of ABOR's own reply

ADDR, PORT, DATAFILE, LOGFILE = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(DATAFILE, "rb") as f:
    DATA = f.read()
LOCK = threading.Lock()


def log(msg):
    with LOCK, open(LOGFILE, "a") as f:
        f.write(msg + "\n")


class Session(socketserver.StreamRequestHandler):
    def setup(self):
        super().setup()
        self.request.settimeout(TIMEOUT)
        self.user = ""
        self.listener = None

    def send(self, text):
        self.wfile.write(text.encode("latin-1"))
        self.wfile.flush()

    def open_listener(self):
        ls = socket.socket()
        ls.settimeout(TIMEOUT)
        ls.bind(("" if self.user == "pasv3rd" else ADDR, 0))
        ls.listen(1)
        self.listener = ls
        return ls.getsockname()[1]

    def data_conn(self):
        conn, peer = self.listener.accept()
        log("data from %s to %s" % (peer[0], conn.getsockname()[0]))
        self.listener.close()
        self.listener = None
        return conn

    def abort_late(self, conn):
        """Half the file, then ABOR (after Telnet IP/DM bytes) answered
        with the transfer's 226 at once and ABOR's 225 late."""
        conn.sendall(DATA[: len(DATA) // 2])
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return False
            if b"ABOR" in line:
                break
        log("cmd ABOR")
        conn.close()
        self.send("226 Transfer complete.\r\n")
        time.sleep(LATE_S)
        self.send("225 ABOR command successful.\r\n")
        return True

    def retr(self):
        self.send("150 Opening BINARY mode data connection.\r\n")
        conn = self.data_conn()
        if self.user == "abortlate":
            return self.abort_late(conn)
        if self.user in ("midclose", "shortok"):
            conn.sendall(DATA[: len(DATA) // 2])
            conn.close()
            if self.user == "midclose":
                self.request.close()
                return False
            self.send("226 Transfer complete (not really).\r\n")
            return True
        conn.sendall(DATA)
        conn.close()
        self.send("226 Transfer complete.\r\n")
        return True

    def misbehave(self, verb):
        """The `replies` user's commands; None when not one of them."""
        if verb == "PWD":
            self.send("hello, I am not an FTP reply\r\n\x1b[31mred\r\n")
            self.send('257 "/" is the current directory\r\n')
        elif verb == "HELP":
            # Lines with other codes inside a multi-line reply, then the
            # right terminator.
            self.send("214-Help follows\r\n215 not the end\r\n214-still\r\n"
                      " 214 indented, not the end\r\n214 End of help\r\n")
        elif verb == "HUGE":
            self.send("200 " + "x" * (1024 * 1024) + "\r\n")
        elif verb == "STALL":
            self.send("211-Status follows\r\n211x wrong terminator\r\n")
        else:
            return None
        return True

    def handle(self):
        self.send("220 fake FTP server ready\r\n")
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            text = line.decode("latin-1").rstrip("\r\n")
            verb, _, arg = text.partition(" ")
            verb = verb.upper()
            log("cmd %s" % (verb if verb == "PASS" else text))
            if self.user == "replies" and self.misbehave(verb):
                continue
            if not self.reply(verb, arg):
                return

    def reply(self, verb, arg):
        if verb == "USER":
            self.user = arg
            self.send("331 Password please.\r\n")
        elif verb == "PASS":
            self.send("230 Logged in.\r\n")
        elif verb == "SYST":
            self.send("215 UNIX Type: L8\r\n")
        elif verb in ("TYPE", "NOOP", "MODE", "STRU"):
            self.send("200 OK.\r\n")
        elif verb == "PWD":
            self.send('257 "/" is the current directory\r\n')
        elif verb == "SIZE":
            self.send("213 %d\r\n" % len(DATA))
        elif verb == "EPSV" and self.user != "pasv3rd":
            self.send("229 Entering Extended Passive Mode (|||%d|)\r\n"
                      % self.open_listener())
        elif verb == "PASV":
            port = self.open_listener()
            host = THIRD_PARTY if self.user == "pasv3rd" else ADDR
            self.send("227 Entering Passive Mode (%s,%d,%d).\r\n"
                      % (host.replace(".", ","), port >> 8, port & 255))
        elif verb == "RETR":
            return self.retr()
        elif verb == "QUIT":
            self.send("221 Goodbye.\r\n")
            return False
        else:
            self.send("502 %s not implemented.\r\n" % verb)
        return True


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


Server((ADDR, PORT), Session).serve_forever()
