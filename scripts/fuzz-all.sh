#!/usr/bin/env bash
# Runs every libFuzzer harness built in BUILD_DIR (programs named fuzz_*)
# for SECONDS each, with its seed corpus from tests/fuzz/<area>/corpus*/.
# Fails on the first crash; the reproducer is left in BUILD_DIR/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
mkdir -p "$BUILD_DIR/fuzz-artifacts"
found=0
for f in $(find "$BUILD_DIR" -type f -name 'fuzz_*' -perm -u+x | sort); do
	name=$(basename "$f")
	found=1
	work="$BUILD_DIR/fuzz-corpus/$name"
	mkdir -p "$work"
	n=${name#fuzz_}
	seeds=$(find tests/fuzz -type d \( -name "corpus_$n" -o -path "tests/fuzz/$n/corpus" \) \
		2>/dev/null | head -1)
	echo "fuzz: $name for ${SECONDS_EACH}s (seeds: ${seeds:-none})"
	"$f" -max_total_time="$SECONDS_EACH" -print_final_stats=0 \
		-artifact_prefix="$BUILD_DIR/fuzz-artifacts/$name-" \
		"$work" ${seeds:+"$seeds"} >"$BUILD_DIR/fuzz-artifacts/$name.log" 2>&1 || {
		tail -40 "$BUILD_DIR/fuzz-artifacts/$name.log"
		echo "fuzz: $name FAILED" >&2
		exit 1
	}
	grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$BUILD_DIR/fuzz-artifacts/$name.log" | tail -1 || true
done
[ $found = 1 ] || echo "fuzz: no harness built (FUZZ=ON needs clang)"
