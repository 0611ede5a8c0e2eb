#!/bin/bash
# ftpd_seed.sh - the seed scenario end to end, on a hub (no root needed):
# synfin's ftpd at 76.88.16.16 and synfin's ftp at 76.88.16.104, both on
# their own stacks; login, a download over a passive and over an active
# data connection, `bye`. From the server's trace (trace = all):
#   - the control handshake: SYN seq=x; SYN,ACK ack=x+1; ACK ack=y+1;
#   - the data connections' handshakes (the active one started by the
#     server, from port 20);
#   - the server closes first: FIN from 76.88.16.16:21; the client's ACK
#     of it; the client's FIN,ACK; the server's last ACK; and the
#     server's side ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT.
. "$top_srcdir/tests/lib.sh"

need_cmd "$PY3"
need_built "$FTPD" "$FTP"
SRV_IP=76.88.16.16
CLI_IP=76.88.16.104
mkdir -p "$T/pub" "$T/state" "$T/local"
printf 'Hello from synfin.\n' >"$T/pub/hello.txt"
make_file "$T/pub/file.bin" 1

bg_start "$T/ftpd.err" "$FTPD" -c "$top_srcdir/conf/ftpd.conf" \
	-o link="hub:$HUB" -o anon_root="$T/pub" -o state_dir="$T/state" \
	-o trace=all -o log_file="$T/ftpd.log" -o xferlog_enable=yes \
	-o xferlog_file="$T/xferlog"
FTPD_PID=$BG_PID
wait_until 15 grep -q "listening on $SRV_IP:21" "$T/ftpd.log"

log "login, a passive and an active download, bye"
(cd "$T/local" && exec timeout -k 5 40 "$FTP" -n --link "hub:$HUB" \
	--address "$CLI_IP/24" "$SRV_IP") >"$T/ftp.out" 2>&1 <<EOF ||
user anonymous seed@example.org
binary
passive on
get hello.txt
passive off
get file.bin
bye
EOF
	fail "ftp failed: $(tail -n 5 "$T/ftp.out")"
assert_same_file "$T/pub/hello.txt" "$T/local/hello.txt"
assert_same_file "$T/pub/file.bin" "$T/local/file.bin"
# The server's FIN, the client's answer and its FIN reach the trace at
# once; the last state lines follow within the loop's next turns.
wait_until 10 grep -q "76.88.16.16:21 <-> $CLI_IP:[0-9]* FIN_WAIT_2 -> TIME_WAIT" "$T/ftpd.err"

log "the trace shows the seed's handshake and server-first close"
"$PY3" - "$T/ftpd.err" "$SRV_IP" "$CLI_IP" >"$T/seed.out" 2>&1 <<'PYEOF' ||
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
S, C = sys.argv[2], sys.argv[3]
segs = []
for l in lines:
    m = re.match(r"^seg #\d+ \+[\d.]+ (\S+):(\d+) > (\S+):(\d+) ([A-Z,]+) "
                 r"seq=(\d+)(?: ack=(\d+))?", l)
    if m:
        segs.append(dict(src=m[1], sport=int(m[2]), dst=m[3], dport=int(m[4]),
                         flags=m[5], seq=int(m[6]),
                         ack=int(m[7]) if m[7] else None, line=l))
def find(pred, start=0, what=""):
    for i in range(start, len(segs)):
        if pred(segs[i]):
            return i, segs[i]
    print("FAIL: no segment:", what); sys.exit(1)
def ok(cond, what):
    if not cond:
        print("FAIL:", what); sys.exit(1)
    print("ok:", what)
def plus1(a, b):
    return (b - a) % 2**32 == 1
i, syn = find(lambda s: s["dst"] == S and s["dport"] == 21 and s["flags"] == "SYN",
              what="client SYN to port 21")
cp = syn["sport"]
i, sa = find(lambda s: s["src"] == S and s["sport"] == 21 and s["dport"] == cp and
             s["flags"] == "SYN,ACK", i, "SYN,ACK")
ok(plus1(syn["seq"], sa["ack"]) and "(%d+1)" % syn["seq"] in sa["line"],
   "SYN,ACK ack=%d (%d+1)" % (sa["ack"], syn["seq"]))
i, ack = find(lambda s: s["src"] == C and s["sport"] == cp and s["dport"] == 21 and
              s["flags"] == "ACK", i, "ACK of SYN,ACK")
ok(plus1(sa["seq"], ack["ack"]), "ACK ack=%d (%d+1)" % (ack["ack"], sa["seq"]))
# Data connections: one the client opened (passive), one the server
# opened from port 20 (active).
find(lambda s: s["src"] == C and s["dst"] == S and s["dport"] not in (21, 20) and
     s["flags"] == "SYN", i, "passive data SYN from the client")
j, dsyn = find(lambda s: s["src"] == S and s["sport"] == 20 and s["flags"] == "SYN",
               i, "active data SYN from port 20")
find(lambda s: s["dst"] == S and s["dport"] == 20 and s["flags"] == "SYN,ACK" and
     plus1(dsyn["seq"], s["ack"]), j, "SYN,ACK to port 20")
ok(True, "data handshakes: passive, and active from %s:20" % S)
# The close: the server's FIN comes first.
k, fin = find(lambda s: s["src"] == S and s["sport"] == 21 and s["dport"] == cp and
              "FIN" in s["flags"], i, "server FIN")
cfins = [s for s in segs[i:k] if s["src"] == C and s["sport"] == cp and "FIN" in s["flags"]]
ok(not cfins, "the server's FIN (seq=%d) is the first FIN" % fin["seq"])
end = fin["seq"] + 1
k, a1 = find(lambda s: s["src"] == C and s["sport"] == cp and s["flags"] == "ACK" and
             s["ack"] == end % 2**32, k, "client ACK of the FIN")
ok("(%d+1)" % fin["seq"] in a1["line"], "client ACK ack=%d (%d+1)" % (a1["ack"], fin["seq"]))
k, cf = find(lambda s: s["src"] == C and s["sport"] == cp and s["flags"] == "FIN,ACK",
             k, "client FIN,ACK")
ok(cf["ack"] == end % 2**32, "client FIN,ACK seq=%d ack=%d" % (cf["seq"], cf["ack"]))
k, last = find(lambda s: s["src"] == S and s["sport"] == 21 and s["dport"] == cp and
               s["flags"] == "ACK" and plus1(cf["seq"], s["ack"]), k, "server last ACK")
ok(True, "server ACK ack=%d (%d+1)" % (last["ack"], cf["seq"]))
states = [l for l in lines if l.startswith("state %s:21 <-> %s:%d " % (S, C, cp))]
path = [re.search(r"(\w+) -> (\w+)", l).groups() for l in states]
want = [("ESTABLISHED", "FIN_WAIT_1"), ("FIN_WAIT_1", "FIN_WAIT_2"),
        ("FIN_WAIT_2", "TIME_WAIT")]
ok(path[-3:] == want, "server states ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT")
ok(any("221" in l for l in lines if l.startswith("seg") and ":21 > " in l and "FIN" not in l),
   "221 shown on a decode line of the control connection")
print("seed: all ok")
PYEOF
	fail "trace: $(tail -n 3 "$T/seed.out")"
assert_grep "$T/seed.out" "^seed: all ok$"
assert_grep "$T/ftpd.err" "^seg #[0-9]+ .* > $SRV_IP:21 .*PASS \*\*\*\*"
assert_no_grep "$T/ftpd.err" "seed@example\.org"

bg_stop "$FTPD_PID" TERM || fail "ftpd did not stop cleanly"
assert_grep "$T/ftpd.err" "ftpd: saved [0-9]+ TIME_WAIT connections? to $T/state/state-$SRV_IP\.bin"
log "ok"
