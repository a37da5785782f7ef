#!/usr/bin/env bash
# Builds the Diameter libFuzzer harness (clang, ASan+UBSan) and runs it
# for SECONDS (default 60, what CI uses; try 3600 before a release).
#   tests/fuzz/diameter/run.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
exec bash "$(dirname "$0")/../../lib/fuzz-one.sh" fuzz_diameter \
	tests/fuzz/diameter/corpus_diameter "${1:-60}" "${2:-build-fuzz}"
