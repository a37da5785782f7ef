#!/bin/sh
# bench/mar/flat.sh — is MAR (or, with --air, AIR) as cheap with 1 M
# subscribers as with 1 k? Instructions per request in hssd (callgrind, as
# insn.sh counts them) for 1,000 subscribers and for subscribers of a large
# store that the process has not touched yet (issue 14 item 3,
# bench/README.md).
#
#   bench/mar/flat.sh [-b BUILD_DIR] [-u USERS] [-s STORE] [-d SECONDS] [--air]
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
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/mar/lib.sh
. "$HERE/lib.sh"
BUILD=$HERE/../../build USERS=1000000 STORE='' DUR=3 MODE=mar
bench_args "$@"
eval "set -- $BENCH_ARGS"
while getopts b:u:s:d:ah o; do
	case $o in
	b) BUILD=$OPTARG ;;
	u) USERS=$OPTARG ;;
	s) STORE=$OPTARG ;;
	d) DUR=$OPTARG ;;
	a) MODE=air ;;
	h) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "flat.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
BIN=$BUILD/bin
bench_need flat.sh "$BIN"
for c in valgrind callgrind_control sqlite3; do
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
