#!/usr/bin/env bash
# Builds the Diameter libFuzzer harness (clang, ASan+UBSan) and runs it
# for SECONDS (default 60, what CI uses; try 3600 before a release).
#   tests/fuzz/diameter/run.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECS=${1:-60}
B=${2:-build-fuzz}
CC=clang cmake -S . -B "$B" -DFUZZ=ON -DSANITIZE=ON >/dev/null
cmake --build "$B" --target fuzz_diameter -j2 >/dev/null
mkdir -p "$B/fuzz-corpus/fuzz_diameter" "$B/fuzz-artifacts"
exec "$B/bin/fuzz_diameter" -max_total_time="$SECS" -print_final_stats=1 \
	-artifact_prefix="$B/fuzz-artifacts/fuzz_diameter-" \
	"$B/fuzz-corpus/fuzz_diameter" tests/fuzz/diameter/corpus_diameter
