#!/usr/bin/env bash
# e2e/fuzz.sh - a short fuzzing run of every fuzz/ target; fails on any
# finding (crash, leak, sanitizer report, timeout, violated property).
#
# fuzz/run builds the harnesses (clang, libFuzzer, ASan, UBSan) and fuzzes
# the decoder and the segment round trip FUZZ_TEST_SECONDS each (default
# 15), artifact_id and planner, which saturate in a second or two, a third
# of that: about 40 s in all.  Each starts from the committed seeds and
# regression inputs (fuzz/corpus) in a fresh working corpus, so that every
# run checks every reproducer of a bug fixed before.  A finding's input is
# kept in fuzz/findings/<target>/; bench/fuzz runs the same targets longer.
# Needs no cluster.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${FUZZ_TEST_SECONDS:-15}
FUZZ_WORK=$(mktemp -d /tmp/eg-fuzz-test.XXXXXX)
export FUZZ_WORK
trap 'rm -rf "$FUZZ_WORK"' EXIT

# fuzz/run: exit 1 on a finding, 2 when the harnesses do not build
rc=0
"$ROOT/fuzz/run" "$SECS" decoder roundtrip || rc=$?
[ "$rc" -eq 0 ] && { "$ROOT/fuzz/run" "$(( (SECS + 2) / 3 ))" artifact_id planner || rc=$?; }
case $rc in
	0) ;;
	2) echo "FAIL: the fuzz harnesses did not build" ;;
	*) echo "FAIL: fuzzing found something (inputs in fuzz/findings/)" ;;
esac
exit "$rc"
