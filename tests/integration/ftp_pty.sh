#!/bin/bash
# ftp_pty.sh - synfin's ftp on a pseudo-terminal, as a person uses it:
# the `Name (host:user):` and `Password:` prompts (no echo of the
# password), tab completion of a command and of a remote file name,
# history (up-arrow repeats a line), a macdef typed at the prompt, the
# progress bar during a larger get, and Ctrl-C during that get: ABOR, and
# back at a usable `ftp>` prompt (a following ls works). The server is
# pyftpdlib on Linux TCP in another namespace.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ftp_lib.sh"

need_cmd ethtool
ftp_net_setup
SRV_ROOT="$T/srv"
mkdir -p "$SRV_ROOT" "$T/local"
make_file "$SRV_ROOT/bigfile.bin" 8
ftp_pyftpdlib_start "$SRV_ROOT" tester 'pw-not-echoed'

cd "$T/local" || fail "no $T/local"
"$PY3" - "$FTP" "$NS_CLI" "$IF_CLI" "$CLI_ADDR" "$SRV_IP" "$T/pty.out" <<'PY' ||
import os, pty, re, select, signal, struct, sys, time, fcntl, termios

ftp, ns, ifname, addr, srv, transcript = sys.argv[1:7]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execvp("ip", ["ip", "netns", "exec", ns, ftp, "--link",
                     "packet:" + ifname, "--address", addr, srv])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
seen = b""
log = open(transcript, "wb")

def fail(msg):
    log.write(b"\n--- FAIL: " + msg.encode() + b"\n")
    log.close()
    os.kill(pid, signal.SIGKILL)
    print("pty: FAIL:", msg, file=sys.stderr)
    sys.exit(1)

def expect(pattern, timeout=15):
    """Reads until pattern (a regex on the bytes) appears after the mark."""
    global seen
    deadline = time.time() + timeout
    rx = re.compile(pattern.encode())
    while True:
        m = rx.search(seen)
        if m:
            before = seen[:m.end()]
            seen = seen[m.end():]
            return before
        left = deadline - time.time()
        if left <= 0:
            fail("timed out waiting for %r; last output %r" % (pattern, seen[-300:]))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                fail("ftp exited while waiting for %r" % pattern)
            log.write(data)
            log.flush()
            seen += data

def send(s):
    os.write(fd, s.encode())

expect(r"Name \(%s:[^)]*\): " % re.escape(srv))
send("tester\r")
expect(r"Password:")
send("pw-not-echoed\r")
text = expect(r"ftp> ")
if b"pw-not-echoed" in text:
    fail("the password was echoed")
if not re.search(rb"230 ", text):
    fail("login did not succeed")

# Tab completes a command name...
send("stat\t")
expect(r"us")  # libedit redraws only the completed tail
send("\r")
expect(r"Mode: stream")
expect(r"ftp> ")
# ...and a remote file name (from the cached listing).
send("size bigf\t")
expect(r"ile\.bin")
send("\r")
expect(r"bigfile\.bin\s+8388608|213 8388608")
expect(r"ftp> ")

# History: up-arrow (ESC [ A) brings back the last line; Enter runs it.
send("pwd\r")
expect(r"257 ")
expect(r"ftp> ")
send("\x1b[A")
expect(r"pwd")
send("\r")
expect(r"257 ")
expect(r"ftp> ")

# macdef typed at the prompt (body up to an empty line), then run with
# an argument for $1.
send("macdef sz\r")
expect(r"Enter macro line by line")
send("size $1\r")
send("\r")
expect(r"ftp> ")
send("$ sz bigfile.bin\r")
expect(r"bigfile\.bin\s+8388608|213 8388608")
expect(r"ftp> ")

# The progress bar on a larger get, then Ctrl-C in the middle of it.
send("rate get 1m\r")
expect(r"ftp> ")
send("get bigfile.bin\r")
expect(r"\r\s*\d+% \|[ *]*\|", timeout=20)
time.sleep(1.0)
send("\x03")
expect(r"receive aborted", timeout=20)
expect(r"ftp> ", timeout=20)
send("ls\r")
expect(r"bigfile\.bin")
expect(r"226 ")
expect(r"ftp> ")
send("bye\r")
expect(r"221 ")
end = time.time() + 10
while time.time() < end:
    wpid, status = os.waitpid(pid, os.WNOHANG)
    if wpid == pid:
        break
    try:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            log.write(os.read(fd, 65536))
    except OSError:
        pass
else:
    fail("ftp did not exit after bye")
log.close()
sys.exit(0 if os.WIFEXITED(status) else 1)
PY
	fail "the terminal session did not go as expected; see $T/pty.out"
cd - >/dev/null || true

[ ! -e "$T/local/bigfile.bin" ] || fail "an aborted get left a file under the final name"
assert_grep "$T/pty.out" "ABOR|abort" "no abort was shown"
log "PASS"
