"""ftpd_pyutil.py - helpers shared by ftpd's Python test drivers
(ftpd_ftplib.py, ftpd_badinput.py): one line per checked step, and
reading a data connection."""
import sys


def check(cond, what):
    """Prints "ok: what", or "FAIL: what" and exits 1."""
    if not cond:
        print("FAIL:", what, flush=True)
        sys.exit(1)
    print("ok:", what, flush=True)


def read_all(conn, limit=None):
    """Bytes from conn until its end (or limit bytes)."""
    data = bytearray()
    while limit is None or len(data) < limit:
        b = conn.recv(65536 if limit is None else min(65536, limit - len(data)))
        if not b:
            break
        data += b
    return bytes(data)
