#!/bin/sh
# bench/mar/flat.sh — is MAR (or, with --air, AIR) as cheap with 1 M
# subscribers as with 1 k? Instructions per request in hssd (callgrind, as
# insn.sh counts them) for 1,000 subscribers and for subscribers of a large
# store that the process has not touched yet (issue 14 item 3,
# bench/README.md).
#
#   bench/mar/flat.sh [-b BUILD_DIR] [-u USERS] [-s STORE] [-d SECONDS] [--air]
#   bench/mar/flat.sh --rate ROUNDS [-o OLD_BUILD_DIR] [-b BUILD_DIR] [-u USERS] [-s STORE]
#
# The store: STORE when it exists (used through a copy, never changed),
# else USERS subscribers (default 1,000,000) imported with `hss-ctl
# import` into STORE (default /tmp/bench-flat-USERS.db; about 365 MB and
# 3 minutes for 1 M), every IMPU given the registration row a MAR of
# diam-load stores (`sqlite3`), so that a round robin's steady state is
# measured, not first registrations. Then twice, on a fresh copy each:
# hssd under callgrind, 4 s warm-up over the first 1,000 subscribers,
# then SECONDS (default 3) of 1 x 64 counted over (1) the same 1,000
# (every identity cached, every page warm) and (2) the subscribers from
# 60 % of the store on (never touched by this process: each request
# misses the identity cache and SQLite's page cache, as in a round robin
# over all of them). Prints both counts per request and their ratio.
# Needs valgrind and sqlite3. Exit 0 when both loads were clean.
#
# --rate ROUNDS: rates instead of instructions (how the lead measures
# issue 14 item 3 on a quiet machine): one hssd per build on its own copy
# of the store, no valgrind, 1,000 subscribers warmed with MAR and AIR;
# then ROUNDS rounds, each of MAR and AIR over the same 1,000 (warm) and
# over a block of (USERS - 1,000) / ROUNDS subscribers no round touched
# before (cold), 1 x 64, SECONDS (default 3) after 0.5 s, with -o the old
# build's hssd alternately in the same minutes. Prints every run with the
# load average and hssd's CPU per answer (its loop thread, and the
# others), per round and build the cold / warm ratio, MAR and AIR; then
# the medians and hssd's VmRSS. SECONDS at least 3 here.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/mar/lib.sh
. "$HERE/lib.sh"
BUILD=$HERE/../../build USERS=1000000 STORE='' DUR=3 MODE=mar ROUNDS=0 OLD=''
_args=
while [ $# -gt 0 ]; do
	case $1 in
	--rate) _args="$_args -R $(bench_quote "${2:-}")"; shift ;;
	--rate=*) _args="$_args -R $(bench_quote "${1#--rate=}")" ;;
	*) _args="$_args $(bench_quote "$1")" ;;
	esac
	shift
done
eval "set -- $_args"
bench_args "$@"
eval "set -- $BENCH_ARGS"
while getopts b:u:s:d:aho:R: o; do
	case $o in
	R) ROUNDS=$OPTARG ;;
	o) OLD=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	u) USERS=$OPTARG ;;
	s) STORE=$OPTARG ;;
	d) DUR=$OPTARG ;;
	a) MODE=air ;;
	h) . "$HERE/../../tests/lib/common.sh" && script_usage; exit 0 ;;
	*) echo "flat.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
BIN=$BUILD/bin
bench_need flat.sh "$BIN"
case $ROUNDS in *[!0-9]*|'') echo "flat.sh: --rate: expected a number of rounds" >&2; exit 2 ;; esac
[ -z "$OLD" ] || [ "$ROUNDS" -gt 0 ] || { echo "flat.sh: -o needs --rate" >&2; exit 2; }
[ -z "$OLD" ] || bench_need flat.sh "$OLD/bin"
[ "$ROUNDS" = 0 ] || [ "$DUR" -ge 3 ] || { echo "flat.sh: --rate: -d at least 3" >&2; exit 2; }
for c in $([ "$ROUNDS" -gt 0 ] || echo valgrind callgrind_control) sqlite3; do
	command -v $c >/dev/null || { echo "flat.sh: $c is not installed" >&2; exit 1; }
done
case $USERS in *[!0-9]*|'') echo "flat.sh: -u: expected a number" >&2; exit 2 ;; esac
[ "$USERS" -ge 10000 ] || { echo "flat.sh: -u: at least 10000" >&2; exit 2; }
STORE=${STORE:-/tmp/bench-flat-$USERS.db}
bench_load_opts "$MODE" 1

bench_tmp bench-flat

if [ ! -s "$STORE" ]; then
	echo "# provisioning $USERS subscribers into $STORE"
	bench_users "$T" "$USERS" || exit 1
	sqlite3 "$T/hss.db" "INSERT INTO registration (impu_id, state, scscf_name, updated,
		scscf_host, scscf_realm) SELECT id, 0, 'sip:scscf.bench:6060', 0,
		'load.bench.test', 'bench.test' FROM impu; PRAGMA wal_checkpoint(TRUNCATE);" \
		>/dev/null || exit 1
	mv "$T/hss.db" "$STORE" || exit 1
	rm -f "$T/hss.db-wal" "$T/hss.db-shm" "$T/users.csv"
fi

# count USERS IMSI_BASE: instructions per request over those subscribers
# (PER), on a fresh copy of the store.
count() {
	rm -f "$T/hss.db-wal" "$T/hss.db-shm"
	cp "$STORE" "$T/hss.db" || exit 1
	bench_insn flat.sh "$T" 1000 "$1" "$2" "$DUR" "callgrind.$2.out"
	[ "$LOAD_OK" = 0 ] || OK=1
	PER=$((IR / N))
}

# ---- --rate: one hssd per build, the runs alternately ----------------------
# rate_start TAG BIN: hssd of BIN on its own copy of the store in $T/TAG,
# 1,000 subscribers warmed (MAR and AIR); PID_TAG and PORT_TAG.
rate_start() {
	mkdir -p "$T/$1" && cp "$STORE" "$T/$1/hss.db" || exit 1
	bench_hssd flat.sh "$T/$1" 200 "$2/hssd"
	eval "PID_$1=$HSSD_PID PORT_$1=$PORT"
	HSSD_PID=
	for r in mar air; do
		"$2/diam-load" --port "$PORT" --window 64 --users 1000 --request $r --duration 2 \
			>/dev/null 2>&1
	done
}

# rate_run TAG BIN REQ USERS BASE: one run; its answers per second in RATE,
# and hssd's CPU per answer from /proc over 2 s of it (clock ticks of each
# thread: the loop is the thread whose id is the process's, the rest are
# the fsync thread and the identity reader thread).

rate_run() {
	eval "_rpid=\$PID_$1 _rport=\$PORT_$1"
	bench_rate "$_rpid" "$_rport" "$2" "$4" "$5" "$DUR" "$T/$1/run.json" --request "$3"
	printf '%s load %s %s %s users=%s base=%s: %s/s p99 %s us, hssd CPU per answer loop / other threads %s / %s us\n' \
		"$(date -u +%H:%M:%S)" "$(cut -d' ' -f1 /proc/loadavg)" "$1" "$3" "$4" "$5" "$RATE" \
		"${P99:-?}" "$LOOP_US" "$OTHER_US"
}


rate_mode() {
	OK=0
	BLOCK=$(((USERS - 1000) / ROUNDS))
	TAGS=new
	rate_start new "$BIN"
	[ -n "$OLD" ] && { TAGS="new old"; rate_start old "$OLD/bin"; }
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), rates, store $STORE ($USERS subscribers), $ROUNDS rounds of $BLOCK cold subscribers, new = $BUILD${OLD:+, old = $OLD}"
	for r in $(seq "$ROUNDS"); do
		far=$(awk -v o=$(((r - 1) * BLOCK)) 'BEGIN { printf "%015.0f", 1010000001001 + o }')
		for tag in $TAGS; do
			b=$BIN; [ "$tag" = old ] && b=$OLD/bin
			line="round $r $tag:"
			for req in mar air; do
				rate_run $tag "$b" $req 1000 001010000000001; warm=$RATE
				rate_run $tag "$b" $req "$BLOCK" "$far"; cold=$RATE
				ratio=$(awk -v a="$cold" -v b="$warm" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
				echo "$tag $req $warm $cold $ratio" >>"$T/ratios"
				line="$line $req 1k $warm 1M $cold ratio $ratio;"
			done
			echo "$line"
		done
	done
	for tag in $TAGS; do
		for req in mar air; do
			printf '%s %s medians: 1k %s, 1M %s, ratio %s\n' "$tag" "$req" \
				"$(awk -v t=$tag -v q=$req '$1 == t && $2 == q { print $3 }' "$T/ratios" | bench_median)" \
				"$(awk -v t=$tag -v q=$req '$1 == t && $2 == q { print $4 }' "$T/ratios" | bench_median)" \
				"$(awk -v t=$tag -v q=$req '$1 == t && $2 == q { print $5 }' "$T/ratios" | bench_median)"
		done
		eval "_pid=\$PID_$tag"
		echo "$tag hssd $(grep VmRSS "/proc/$_pid/status" | tr -s ' \t' ' ')"
		kill "$_pid" && wait "$_pid"
		grep -h 'identity reader thread' "$T/$tag/hssd.log" | sed "s/^/$tag hssd: /"
		rm -f "$T/$tag/hss.db" "$T/$tag/hss.db-wal" "$T/$tag/hss.db-shm"
	done
	exit $OK
}
[ "$ROUNDS" -gt 0 ] && rate_mode

OK=0
FAR=$(awk -v n="$USERS" 'BEGIN { printf "%015.0f", 1010000000001 + int(n * 0.6) }')
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $MODE, store $STORE ($USERS subscribers)"
count 1000 001010000000001
WARM=$PER
echo "1,000 subscribers, warm: $N answers, $IR instructions, $WARM per request"
count $((USERS * 4 / 10)) "$FAR"
echo "subscribers from $FAR on, cold: $N answers, $IR instructions, $PER per request"
echo "warm / cold: $(awk -v a="$WARM" -v b="$PER" 'BEGIN { printf "%.2f", a / b }')"
echo "callgrind files: $T/callgrind.*.out"
exit $OK
