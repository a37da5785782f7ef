#!/usr/bin/env bash
# Builds one libFuzzer harness (clang, ASan+UBSan) in BUILD_DIR and runs it
# for SECONDS on its seed corpus; extra arguments go to libFuzzer.
#   tests/lib/fuzz-one.sh HARNESS SEEDS_DIR SECONDS BUILD_DIR [FLAGS...]
# What tests/fuzz/<area>/run.sh call; scripts/fuzz-all.sh runs every
# harness already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
H=$1 SEEDS=$2 SECS=$3 B=$4
shift 4
CC=clang cmake -S . -B "$B" -DFUZZ=ON -DSANITIZE=ON >/dev/null
cmake --build "$B" --target "$H" -j2 >/dev/null
mkdir -p "$B/fuzz-corpus/$H" "$B/fuzz-artifacts"
exec "$B/bin/$H" -max_total_time="$SECS" -print_final_stats=1 "$@" \
	-artifact_prefix="$B/fuzz-artifacts/$H-" "$B/fuzz-corpus/$H" "$SEEDS"
