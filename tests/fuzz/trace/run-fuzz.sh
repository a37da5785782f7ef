#!/usr/bin/env bash
# Runs ims-trace's libFuzzer harnesses for SECONDS each (default 60) with
# the seed corpora of this folder. Build first:
#   CC=clang cmake -S . -B build-fuzz -DFUZZ=ON -DSANITIZE=ON
#   cmake --build build-fuzz --target fuzz
# usage: tests/fuzz/trace/run-fuzz.sh BUILD_DIR [SECONDS]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:?usage: $0 BUILD_DIR [SECONDS]}
SECS=${2:-60}
mkdir -p "$BUILD/fuzz-artifacts"
for h in fuzz_trace_pcap fuzz_trace_sip fuzz_trace_diam fuzz_trace_gtpu fuzz_trace_esp; do
	bin="$BUILD/fuzz/$h"
	[ -x "$bin" ] || { echo "$bin not built (FUZZ=ON needs clang)" >&2; exit 77; }
	work="$BUILD/fuzz-corpus/$h"
	mkdir -p "$work"
	echo "fuzz: $h for ${SECS}s"
	"$bin" -max_total_time="$SECS" -print_final_stats=0 -max_len=65536 \
		-artifact_prefix="$BUILD/fuzz-artifacts/$h-" "$work" "$HERE/corpus_${h#fuzz_}" \
		>"$BUILD/fuzz-artifacts/$h.log" 2>&1 || {
		tail -30 "$BUILD/fuzz-artifacts/$h.log"
		exit 1
	}
	grep -E "Done [0-9]+ runs" "$BUILD/fuzz-artifacts/$h.log" | tail -1 || true
done
