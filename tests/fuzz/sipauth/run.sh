#!/usr/bin/env bash
# Builds the SIP auth libFuzzer harness (clang, ASan+UBSan) and runs it
# for SECONDS (default 60, what CI uses).
#   tests/fuzz/sipauth/run.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECS=${1:-60}
B=${2:-build-fuzz}
CC=clang cmake -S . -B "$B" -DFUZZ=ON -DSANITIZE=ON >/dev/null
cmake --build "$B" --target fuzz_sipauth -j2 >/dev/null
mkdir -p "$B/fuzz-corpus/fuzz_sipauth" "$B/fuzz-artifacts"
exec "$B/bin/fuzz_sipauth" -max_total_time="$SECS" -print_final_stats=1 \
	-max_len=5000 -artifact_prefix="$B/fuzz-artifacts/fuzz_sipauth-" \
	"$B/fuzz-corpus/fuzz_sipauth" tests/fuzz/sipauth/corpus
