#!/bin/bash
# fuzz_frame.sh - runs the libFuzzer target tests/fuzz/fuzz_frame (every
# frame parser and the TCP input path, under ASan/UBSan) for a bounded
# time, starting from the seed corpus. Needs clang (CI has it).
. "$top_srcdir/tests/lib.sh"

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_CC=$(command -v clang || command -v clang-14) ||
	skip "clang is not installed (libFuzzer needs it): apt-get install clang"

log "building the fuzz target"
# FUZZ_CC given here, not only by configure: a build configured before
# clang was installed (./bootstrap demo, then ./bootstrap check) has none.
${MAKE:-make} -C "$top_builddir" FUZZ_CC="$FUZZ_CC" tests/fuzz/fuzz_frame >"$T/build.log" 2>&1 ||
	fail "cannot build tests/fuzz/fuzz_frame (see $T/build.log)"
mkdir -p "$T/corpus"
log "fuzzing for ${FUZZ_SECONDS}s"
# timeout bounds the run even if the fuzzer's own limit misbehaves.
if ! timeout $((FUZZ_SECONDS + 60)) "$top_builddir/tests/fuzz/fuzz_frame" \
	-max_total_time="$FUZZ_SECONDS" -timeout=10 -max_len=4096 \
	-print_final_stats=1 -artifact_prefix="$T/" \
	"$T/corpus" "$top_srcdir/tests/fuzz/corpus_frame" >"$T/fuzz.log" 2>&1; then
	ls "$T"/crash-* "$T"/timeout-* "$T"/leak-* 2>/dev/null
	fail "the fuzzer found a failing input (kept in $T, log $T/fuzz.log)"
fi
assert_grep "$T/fuzz.log" "^Done [0-9]+ runs" "the fuzzer did not finish its run"
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$T/fuzz.log")
[ "${runs:-0}" -gt 100 ] || fail "only ${runs:-0} inputs were run; the target is not exercising anything"
log "PASS: $runs inputs, no crash, leak or sanitizer report"
