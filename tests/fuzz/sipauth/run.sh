#!/usr/bin/env bash
# Builds the SIP auth libFuzzer harness (clang, ASan+UBSan) and runs it
# for SECONDS (default 60, what CI uses).
#   tests/fuzz/sipauth/run.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
exec bash "$(dirname "$0")/../../lib/fuzz-one.sh" fuzz_sipauth tests/fuzz/sipauth/corpus \
	"${1:-60}" "${2:-build-fuzz}" -max_len=5000
