#!/bin/sh
# A new user's first hour, as issue 17's "done when" puts it: on a clean
# checkout, `bash run.sh demo` (installs what is missing, builds, one
# registration), then `cmake --install` into a prefix, then the installed
# ims-bench runs `scenarios/*.scn --junit out.xml` with the installed
# programs only (PATH without the build tree) and passes.
#
#   clean-flow.sh            clone this repository's HEAD into a temporary
#                            directory and run the flow there (a full build:
#                            minutes; by hand, not in ctest)
#   clean-flow.sh --here     run it in this checkout (.ci/run: a clean clone
#                            on a fresh machine, before `bash run.sh test`,
#                            which then reuses the build)
# Captures are made when dumpcap is there (it is not after `run.sh demo`
# alone on a fresh machine: ims-bench says so and runs without).
. "$(dirname "$0")/../../lib/common.sh"
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
T=$(mktemp -d /tmp/clean-flow.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

if [ "${1:-}" = --here ]; then
	SRC=$ROOT
else
	command -v git >/dev/null || { echo "skipped: git not installed"; exit 77; }
	git clone -q "$ROOT" "$T/src" || { bad "git clone $ROOT"; exit 1; }
	SRC=$T/src
	echo "# cloned $(git -C "$SRC" describe --always --dirty) into $SRC (committed work only)"
fi

# 1. The README's first command.
if (cd "$SRC" && bash run.sh demo) >"$T/demo.log" 2>&1 &&
	grep -q '^== registered: IMS AKA worked end to end (ue-sim exit 0)$' "$T/demo.log"; then
	ok "bash run.sh demo: $(grep '^== registered' "$T/demo.log")"
else
	bad "bash run.sh demo: $(tail -8 "$T/demo.log")"
	exit 1
fi

# 2. Install the build into a prefix (any user can).
P=$T/usr
if cmake --install "$SRC/build" --prefix "$P" >"$T/install.log" 2>&1; then
	ok "cmake --install $SRC/build --prefix $P"
else
	bad "cmake --install: $(tail -3 "$T/install.log")"
	exit 1
fi
if diff -r "$SRC/scenarios" "$P/share/ims-bench/scenarios" >"$T/diff" 2>&1; then
	ok "the installed scenarios are the source's ($(ls "$SRC"/scenarios/*.scn | wc -l) files)"
else
	bad "installed scenarios differ: $(head -3 "$T/diff")"
fi

# 3. The installed ims-bench on every scenario, the installed programs only,
# in a directory of the user's (scenarios/ as in the source tree).
mkdir "$T/work" && ln -s "$SRC/scenarios" "$T/work/scenarios" && cd "$T/work" || exit 1
n=$(ls scenarios/*.scn | wc -l)
PATH=$P/bin:/usr/sbin:/usr/bin:/sbin:/bin ims-bench run scenarios/*.scn --junit out.xml >"$T/bench.log" 2>&1
rc=$?
grep '^note:' "$T/bench.log" | sed 's/^/# /'
if [ $rc = 0 ] && grep -qx "$n passed, 0 failed" "$T/bench.log"; then
	ok "installed ims-bench run scenarios/*.scn --junit out.xml: $n passed, 0 failed, exit 0"
else
	bad "installed ims-bench (exit $rc): $(grep -E 'FAIL|failed|error' "$T/bench.log" | head -8)"
fi
if [ -s out.xml ] && [ "$(grep -c '<testcase ' out.xml)" = "$n" ] &&
	grep -q "<testsuite[^>]* tests=\"$n\"[^>]* failures=\"0\"" out.xml; then
	ok "out.xml: $n testcases, 0 failures"
else
	bad "out.xml: $(head -c 300 out.xml 2>/dev/null)"
fi
# Nothing of the build tree was used: every program came from the prefix.
grep -q "$SRC/build" "$T/bench.log" && bad "the run names the build tree: $(grep -m1 "$SRC/build" "$T/bench.log")"
[ "$FAILS" -eq 0 ]
