#!/usr/bin/python3
"""linux_peer.py - the Linux kernel's side of the interop tests.

Modes (every mode is bounded by --timeout seconds):
  send HOST PORT IN            connect, send IN, close (Linux closes first)
  recv-server HOST PORT OUT    listen, accept one, read to EOF into OUT, close
  halfclose-client HOST PORT IN OUT
                               connect, send IN, shutdown(SHUT_WR), keep
                               reading to EOF into OUT, close
  halfclose-server HOST PORT IN OUT
                               listen, accept one, read to EOF into OUT,
                               then send IN (our write side still open), close
Prints one line "done BYTES_SENT BYTES_RECEIVED" on success; exits 1 with a
message otherwise. A listener prints "listening" once it listens.
"""
import argparse
import socket
import sys

CHUNK = 1 << 20


def send_file(sock, path):
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(CHUNK)
            if not b:
                return n
            sock.sendall(b)
            n += len(b)


def recv_file(sock, path):
    n = 0
    with open(path, "wb") as f:
        while True:
            b = sock.recv(CHUNK)
            if not b:
                return n
            f.write(b)
            n += len(b)


def listen(host, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(1)
    print("listening", flush=True)
    c, _ = s.accept()
    s.close()
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    socket.setdefaulttimeout(a.timeout)
    sent = got = 0
    if a.mode == "send":
        s = socket.create_connection((a.host, a.port))
        sent = send_file(s, a.files[0])
        s.close()
    elif a.mode == "recv-server":
        c = listen(a.host, a.port)
        got = recv_file(c, a.files[0])
        c.close()
    elif a.mode == "halfclose-client":
        s = socket.create_connection((a.host, a.port))
        sent = send_file(s, a.files[0])
        s.shutdown(socket.SHUT_WR)
        got = recv_file(s, a.files[1])
        s.close()
    elif a.mode == "halfclose-server":
        c = listen(a.host, a.port)
        got = recv_file(c, a.files[1])
        sent = send_file(c, a.files[0])
        c.close()
    else:
        sys.exit("linux_peer: unknown mode " + a.mode)
    print("done", sent, got, flush=True)


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        sys.exit("linux_peer: %s" % e)
