#!/usr/bin/python3
"""synflood.py - a bounded SYN flood for tests/integration/synflood.sh.

    synflood.py IFNAME SRC_MAC DST_MAC SRC_IP DST_IP DST_PORT COUNT SEED

Sends COUNT TCP SYNs on IFNAME (an AF_PACKET socket: run it inside the
test's namespace only) from SRC_IP, each from a random source port with a
random sequence number and Linux's SYN options (MSS, SACK permitted,
timestamps, window scale). scapy builds the first frame; the others
patch its port, sequence number, timestamp and checksum, so the flood is
fast enough to overlap a transfer. Prints "sent COUNT SECONDS".

SECURITY: the addresses are the caller's; the test gives only addresses
inside 76.88.16.0/24 on a veth it created. The count is bounded.
"""
import random
import socket
import struct
import sys
import time

from scapy.all import IP, TCP, Ether, raw  # Debian's python3-scapy

MAX_COUNT = 1000000
ETH, IPH = 14, 20


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def main():
    ifname, smac, dmac, src, dst = sys.argv[1:6]
    dport, count, seed = (int(x) for x in sys.argv[6:9])
    if not 0 < count <= MAX_COUNT:
        sys.exit("synflood.py: COUNT must be 1..%d" % MAX_COUNT)
    if not (src.startswith("76.88.16.") and dst.startswith("76.88.16.")):
        sys.exit("synflood.py: addresses must be inside 76.88.16.0/24")
    rng = random.Random(seed)
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)),
            ("NOP", None), ("WScale", 7)]
    frame = bytearray(raw(Ether(src=smac, dst=dmac) /
                          IP(src=src, dst=dst, id=1) /
                          TCP(sport=1024, dport=dport, flags="S",
                              window=64240, options=opts)))
    tcp_len = len(frame) - ETH - IPH
    pseudo = (socket.inet_aton(src) + socket.inet_aton(dst) +
              struct.pack("!BBH", 0, 6, tcp_len))
    ts_off = ETH + IPH + 20 + 4 + 2 + 2  # MSS(4) SAckOK(2) TS kind/len(2)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    t0 = time.monotonic()
    for i in range(count):
        struct.pack_into("!H", frame, ETH + 4, i & 0xFFFF)          # IP id
        struct.pack_into("!H", frame, ETH + 10, 0)
        struct.pack_into("!H", frame, ETH + 10, csum(bytes(frame[ETH:ETH + IPH])))
        struct.pack_into("!HHI", frame, ETH + IPH, rng.randint(1024, 65535),
                         dport, rng.getrandbits(32))
        struct.pack_into("!I", frame, ts_off, rng.getrandbits(32))
        struct.pack_into("!H", frame, ETH + IPH + 16, 0)
        struct.pack_into("!H", frame, ETH + IPH + 16,
                         csum(pseudo + bytes(frame[ETH + IPH:])))
        s.send(frame)
    print("sent %d %.3f" % (count, time.monotonic() - t0), flush=True)


if __name__ == "__main__":
    main()
