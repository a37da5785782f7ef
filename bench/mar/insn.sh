#!/bin/sh
# bench/mar/insn.sh — instructions per MAR (or, with --air, per AIR) in
# hssd, a figure that a busy shared machine does not distort
# (bench/README.md, section mar).
#
#   bench/mar/insn.sh [-b BUILD_DIR] [-u USERS] [-d SECONDS] [--air] [--vectors N]
#
# Provisions USERS subscribers (default 1000) like run.sh, starts hssd
# under `valgrind --tool=callgrind` with instrumentation off, sends one
# warm-up load of 4 s (every user gets its S-CSCF stored and its identity
# cached: the steady state), switches instrumentation on, sends SECONDS
# (default 3) of 1 x 64 in flight with diam-load, switches it off and
# prints the answers, the instructions counted and their quotient. The
# count covers everything hssd runs in user space in that window (event
# loop, validation, Cx/S6a handler, SQLite, Milenage, COMMIT), not the
# kernel. The callgrind file is kept (path printed) for callgrind_annotate.
# Needs valgrind. Exit 0 when the measured load was clean, 1 otherwise.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/mar/lib.sh
. "$HERE/lib.sh"
BUILD=$HERE/../../build USERS=1000 DUR=3 MODE=mar VECTORS=1
bench_args "$@"
eval "set -- $BENCH_ARGS"
while getopts b:u:d:av:h o; do
	case $o in
	b) BUILD=$OPTARG ;;
	u) USERS=$OPTARG ;;
	d) DUR=$OPTARG ;;
	a) MODE=air ;;
	v) VECTORS=$OPTARG ;;
	h) . "$HERE/../../tests/lib/common.sh" && script_usage; exit 0 ;;
	*) echo "insn.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
BIN=$BUILD/bin
bench_need insn.sh "$BIN"
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
	{ echo "insn.sh: valgrind is not installed" >&2; exit 1; }
case $USERS in *[!0-9]*|'') echo "insn.sh: -u: expected a number" >&2; exit 2 ;; esac
bench_load_opts "$MODE" "$VECTORS"

bench_tmp bench-insn
bench_users "$T" "$USERS" || exit 1
bench_insn insn.sh "$T" "$USERS" "$USERS" 001010000000001 "$DUR" callgrind.out
echo "$MODE, $VECTORS vector(s): answers $N, instructions $IR, per request $((IR / N))"
echo "callgrind file: $T/callgrind.out"
exit $LOAD_OK
