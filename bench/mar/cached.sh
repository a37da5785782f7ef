#!/bin/sh
# bench/mar/cached.sh — what would MAR (or, with --air, AIR) cost at 1 M
# subscribers if a miss of the identity cache cost nothing? (issue 14
# item 3, bench/README.md "What a miss would have to cost".) It runs a
# build whose identity cache holds a whole block of subscribers, so that
# the block's requests find every identity, key and SQN in memory, and
# compares them with the usual 1,000 in the same hssd, alternately:
#
#   cmake -S . -B /tmp/build-cached -DHSS_AUTH_CACHE_SLOTS=1048576
#   cmake --build /tmp/build-cached -j2 --target hssd hss-ctl diam-load
#   bench/mar/cached.sh -b /tmp/build-cached [-s STORE] [-n BLOCK] [-r ROUNDS] [--air]
#
# STORE: the 1 M store of bench/mar/flat.sh (default
# /tmp/bench-flat-1000000.db, made by flat.sh; used through a copy). BLOCK
# (default 50,000) subscribers from the 600,001st on, touched until every
# one is cached; then ROUNDS (default 5) rounds of 3 s at 1 x 64 over the
# 1,000 and over the block. Prints each run with the load average, hssd's
# CPU per answer (its loop thread, the others), the medians and the block's
# rate against the 1,000's, and hssd's VmRSS. The cache costs about
# 1.2 KB an identity when full, several KB while sparse (each used slot
# touches its own pages): this is a measurement, not a setting for a
# deployment (docs/hssd.md "MAR and AIR identity cache"). Exit 0 when
# every run was clean.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/mar/lib.sh
. "$HERE/lib.sh"
BUILD='' STORE=/tmp/bench-flat-1000000.db BLOCK=50000 ROUNDS=5 MODE=mar DUR=3
bench_args "$@"
eval "set -- $BENCH_ARGS"
while getopts b:s:n:r:ah o; do
	case $o in
	b) BUILD=$OPTARG ;;
	s) STORE=$OPTARG ;;
	n) BLOCK=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	a) MODE=air ;;
	h) . "$HERE/../../tests/lib/common.sh" && script_usage; exit 0 ;;
	*) echo "cached.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
[ -n "$BUILD" ] || { echo "cached.sh: -b BUILD_DIR (configured with -DHSS_AUTH_CACHE_SLOTS)" >&2; exit 2; }
BIN=$BUILD/bin
bench_need cached.sh "$BIN"
for v in "$BLOCK" "$ROUNDS"; do
	case $v in *[!0-9]*|'') echo "cached.sh: -n, -r: expected a number" >&2; exit 2 ;; esac
done
SLOTS=$(sed -n 's/^HSS_AUTH_CACHE_SLOTS:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null)
# 8-way sets filled by hash: room for the block and the 1,000 with slack.
[ "${SLOTS:-0}" -ge $((4 * (BLOCK + 1000))) ] || {
	echo "cached.sh: $BUILD has ${SLOTS:-8192} cache slots; -n $BLOCK needs at least $((4 * (BLOCK + 1000))) (cmake -DHSS_AUTH_CACHE_SLOTS=)" >&2
	exit 2
}
[ -s "$STORE" ] || { echo "cached.sh: $STORE: no store (bench/mar/flat.sh makes it)" >&2; exit 1; }
bench_load_opts "$MODE" 1
bench_tmp bench-cached
cp "$STORE" "$T/hss.db" || exit 1
bench_hssd cached.sh "$T" 200 "$BIN/hssd"
FAR=001010000600001

# run USERS BASE SECONDS: one load (bench_rate), printed
run() {
	# shellcheck disable=SC2086 # LOAD_OPTS is a word list
	bench_rate "$HSSD_PID" "$PORT" "$BIN" "$1" "$2" "$3" "$T/run.json" $LOAD_OPTS
	printf '%s load %s %s users=%s base=%s: %s/s p99 %s us, hssd CPU per answer loop / other threads %s / %s us\n' \
		"$(date -u +%H:%M:%S)" "$(cut -d' ' -f1 /proc/loadavg)" "$MODE" "$1" "$2" \
		"$RATE" "${P99:-?}" "$LOOP_US" "$OTHER_US"
}

OK=0
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $MODE, $BIN ($SLOTS cache slots), store $STORE, block of $BLOCK from $FAR"
run 1000 001010000000001 2 >/dev/null
# Every subscriber of the block asked for at least once: diam-load starts
# at the block's first each run, so one run long enough to go round it.
d=3 ANSWERS=0
while [ "${ANSWERS:-0}" -lt $((BLOCK * 3 / 2)) ]; do
	[ "$d" -le 96 ] || { echo "cached.sh: the block was not gone round in ${d} s" >&2; exit 1; }
	run "$BLOCK" "$FAR" "$d" >/dev/null
	d=$((d * 2))
done
for _ in $(seq "$ROUNDS"); do
	run 1000 001010000000001 "$DUR"
	echo "k $RATE $LOOP_US $OTHER_US" >>"$T/runs"
	run "$BLOCK" "$FAR" "$DUR"
	echo "b $RATE $LOOP_US $OTHER_US" >>"$T/runs"
done
med() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$T/runs" | bench_median; }
printf 'medians: 1,000 %s/s (loop %s, other %s us); block of %s cached %s/s (loop %s, other %s us)\n' \
	"$(med k 2)" "$(med k 3)" "$(med k 4)" "$BLOCK" "$(med b 2)" "$(med b 3)" "$(med b 4)"
awk -v a="$(med b 2)" -v b="$(med k 2)" 'BEGIN { printf "block / 1,000: rate %.2f\n", b ? a / b : 0 }'
echo "hssd $(grep VmRSS "/proc/$HSSD_PID/status" | tr -s ' \t' ' ')"
exit $OK
