#!/usr/bin/python3
"""conform_scapy.py - a scripted TCP peer (scapy) for conform_scapy.sh.

    conform_scapy.py CASE IFACE PORT

Runs inside the test's namespace on IFACE, as 76.88.16.104 (an address
the kernel there does not have, so it stays silent): answers the stack's
ARP itself, talks to the stack (76.88.16.16) listening on PORT, and checks
one behaviour per CASE:

  options     SYN,ACK echoes mss/sackOK/TS/wscale as RFC 7323 and 2018 ask
  sack        a hole: the duplicate ACK carries the SACK block (RFC 2018)
  challenge   in-window RST and SYN draw challenge ACKs (RFC 5961)
  zerowin     a zero window is probed, with growing intervals (RFC 9293)
  cookie      with the SYN queue full, a SYN cookie round trip (RFC 4987)
  pmtu        ICMP fragmentation-needed shrinks the segments (RFC 1191)
  urgent      urgent data is accepted in line (RFC 9293 3.8.5)

Prints "ok CASE: ..." and exits 0, or a message and exits 1. Every wait
is bounded.
"""
import queue
import random
import sys
import time

from scapy.all import (ARP, ICMP, IP, TCP, AsyncSniffer, Ether, Raw, conf,
                       get_if_hwaddr, raw, sendp, srp1)

ME, STACK = "76.88.16.104", "76.88.16.16"
WAIT = 5.0


class Peer:
    def __init__(self, iface, port):
        conf.verb = 0
        self.iface, self.port = iface, port
        self.mac = get_if_hwaddr(iface)
        self.q = queue.Queue()
        self.sniff = AsyncSniffer(iface=iface, prn=self._rx, store=False,
                                  filter="arp or (ip host %s)" % STACK)
        self.sniff.start()
        time.sleep(0.3)
        r = srp1(Ether(dst="ff:ff:ff:ff:ff:ff", src=self.mac) /
                 ARP(op=1, hwsrc=self.mac, psrc=ME, pdst=STACK),
                 iface=iface, timeout=WAIT)
        if r is None:
            fail("no ARP answer from the stack")
        self.smac = r[ARP].hwsrc
        self.sport = random.randint(20000, 60000)
        self.seq = random.getrandbits(32)
        self.ack = 0

    def _rx(self, p):
        if ARP in p and p[ARP].op == 1 and p[ARP].pdst == ME:
            sendp(Ether(dst=p[ARP].hwsrc, src=self.mac) /
                  ARP(op=2, hwsrc=self.mac, psrc=ME, hwdst=p[ARP].hwsrc,
                      pdst=p[ARP].psrc), iface=self.iface)
        elif TCP in p and p[IP].src == STACK:
            self.q.put((time.monotonic(), p))

    def send(self, l4, dst=STACK):
        sendp(Ether(dst=self.smac, src=self.mac) / IP(src=ME, dst=dst) / l4,
              iface=self.iface)

    def tcp(self, flags, data=b"", seq=None, sport=None, **kw):
        l4 = TCP(sport=sport or self.sport, dport=self.port, flags=flags,
                 seq=self.seq if seq is None else seq, ack=self.ack, **kw)
        self.send(l4 / Raw(data) if data else l4)

    def expect(self, pred=lambda p: True, wait=WAIT, what="a segment"):
        """The next segment to our port matching pred, or the test fails."""
        end = time.monotonic() + wait
        while time.monotonic() < end:
            try:
                t, p = self.q.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                break
            if p[TCP].dport == self.sport and pred(p[TCP]):
                return t, p[TCP]
        fail("no %s from the stack within %.0f s" % (what, wait))

    def handshake(self, opts=None, wnd=65535):
        self.tcp("S", window=wnd, options=opts or [("MSS", 1460)])
        _, sa = self.expect(lambda t: t.flags == "SA", what="SYN,ACK")
        self.seq += 1
        self.ack = sa.seq + 1
        self.tcp("A", window=wnd)
        return sa


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def opt(t, name):
    for k, v in t.options:
        if k == name:
            return v
    return None


LINUX_SYN = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (4242, 0)),
             ("NOP", None), ("WScale", 7)]


def case_options(p):
    sa = p.handshake(LINUX_SYN)
    mss, ts, ws = opt(sa, "MSS"), opt(sa, "Timestamp"), opt(sa, "WScale")
    if mss != 1460 or ts is None or ts[1] != 4242 or ws is None or \
            opt(sa, "SAckOK") is None:
        fail("SYN,ACK options %r" % sa.options)
    if sa.window != 65535:
        fail("window in the SYN,ACK is %d, not 65535 (unscaled)" % sa.window)
    return "mss %d, wscale %d, sackOK, TS echo %d" % (mss, ws, ts[1])


def case_sack(p):
    p.handshake([("MSS", 1460), ("SAckOK", b"")])
    p.tcp("PA", b"B" * 100, seq=p.seq + 100)  # the first 100 bytes "lost"
    _, a = p.expect(lambda t: opt(t, "SAck") is not None, what="SACK")
    blk = opt(a, "SAck")
    if a.ack != p.seq or tuple(blk[:2]) != (p.seq + 100, p.seq + 200):
        fail("ack %d sack %r, want ack %d sack %d-%d" %
             (a.ack, blk, p.seq, p.seq + 100, p.seq + 200))
    p.tcp("PA", b"A" * 100)
    _, a = p.expect(lambda t: t.ack == p.seq + 200, what="ACK of the filled hole")
    return "hole reported with SACK %d-%d, filled to %d" % (blk[0], blk[1], a.ack)


def case_challenge(p):
    p.handshake()
    p.tcp("R", seq=p.seq + 1000)  # in the window, not exact
    _, a = p.expect(lambda t: t.flags == "A" and t.ack == p.seq,
                    what="challenge ACK for the RST")
    p.tcp("S", seq=p.seq + 5)
    _, b = p.expect(lambda t: t.flags == "A" and t.ack == p.seq,
                    what="challenge ACK for the SYN")
    p.tcp("PA", b"still here")
    p.expect(lambda t: t.ack == p.seq + 10, what="ACK of data after them")
    return "RST and SYN in the window answered by ACK %d, connection alive" % a.ack


def case_zerowin(p):
    p.handshake(wnd=0)
    times = []
    for _ in range(3):
        t, s = p.expect(lambda t: len(t.payload) <= 1 and t.seq == p.ack - 1
                        or len(t.payload) <= 1 and t.seq == p.ack,
                        wait=10, what="zero-window probe")
        times.append(t)
        p.tcp("A", window=0)
    gaps = [b - a for a, b in zip(times, times[1:])]
    if not gaps[1] > gaps[0] * 1.5:
        fail("probe intervals %r do not grow" % gaps)
    p.tcp("A", window=65535)
    _, d = p.expect(lambda t: len(t.payload) > 1, what="data after the window opened")
    return "probes %.2f s then %.2f s apart; data once the window opened" % tuple(gaps)


def case_cookie(p):
    for i in range(1100):  # more than TS_SYN_QUEUE_MAX half-open
        p.tcp("S", seq=random.getrandbits(32), sport=1024 + i)
    time.sleep(0.5)
    while not p.q.empty():
        p.q.get()
    p.tcp("S", window=65535, options=LINUX_SYN)
    _, sa = p.expect(lambda t: t.flags == "SA", what="SYN,ACK with a cookie")
    ts = opt(sa, "Timestamp")
    if ts is None or ts[0] & 0x3f != 0x10 | 7 or ts[1] != 4242:
        fail("cookie TSval %r does not carry sackOK|wscale 7" % (ts,))
    p.seq += 1
    p.ack = sa.seq + 1
    echo = [("NOP", None), ("NOP", None), ("Timestamp", (4243, ts[0]))]
    p.tcp("A", window=512, options=echo)  # scaled by 7: 64 KiB
    p.tcp("PA", b"cookie data\n", window=512, options=echo)
    p.expect(lambda t: t.ack == p.seq + 12, what="ACK of data on the cookie")
    p.seq += 12
    p.tcp("FA", window=512, options=echo)
    return "SYN cookie %#x (TSval options %#x) validated, data acked" % (
        sa.seq, ts[0] & 0x3f)


def case_pmtu(p):
    p.handshake([("MSS", 1460)])
    _, d = p.expect(lambda t: len(t.payload) > 1000, what="full-sized data")
    quoted = raw(IP(src=STACK, dst=ME, proto=6, len=20 + len(raw(d))))[:20]
    p.send(ICMP(type=3, code=4, nexthopmtu=1000) / Raw(quoted + raw(d)[:8]))
    _, s = p.expect(lambda t: len(t.payload) > 0 and t.seq == d.seq,
                    what="the segment sent again after the ICMP")
    if len(s.payload) > 1000 - 40:
        fail("resent %d bytes, more than MTU 1000 allows" % len(s.payload))
    return "segment of %d bytes resent as %d after MTU 1000" % (
        len(d.payload), len(s.payload))


def case_urgent(p):
    p.handshake()
    p.tcp("PAU", b"\xff\xf4\xff\xf2ABOR\r\n", urgptr=4)
    p.expect(lambda t: t.ack == p.seq + 10, what="ACK of urgent data")
    p.seq += 10
    p.tcp("FA")
    return "urgent data (pointer 4) acknowledged in line"


def main():
    case, iface, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cases = {"options": case_options, "sack": case_sack,
             "challenge": case_challenge, "zerowin": case_zerowin,
             "cookie": case_cookie, "pmtu": case_pmtu, "urgent": case_urgent}
    if case not in cases:
        fail("unknown case " + case)
    p = Peer(iface, port)
    msg = cases[case](p)
    p.sniff.stop()
    print("ok %s: %s" % (case, msg), flush=True)


if __name__ == "__main__":
    main()
