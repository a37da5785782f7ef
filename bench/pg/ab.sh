#!/bin/bash
# One hssd on SQLite vs one hssd on PostgreSQL vs two hssd on PostgreSQL,
# at 1 k and at 1 M subscribers, MAR at 1 connection x WINDOW in flight per
# generator, alternately in the same minutes (issue 11 item 6; results in
# bench/README.md "One hssd, SQLite vs PostgreSQL").
#
#   SQLite      1,000,000 subscribers: hss-ctl import (bench/mar/lib.sh)
#   PostgreSQL  the same 1,000,000: bench/pg/fill.sh; a real server from
#               tests/lib/pg.sh, fsync and synchronous_commit on (defaults),
#               plus $PG_OPTS (e.g. "-c commit_delay=200 -c commit_siblings=1")
#   each round: for 1 k then 1 M subscribers, SQLite | PG x1 | PG x2 (two
#   generators, one per hssd, disjoint halves of the subscribers).
# "1 k" cycles over the first 1,000 subscribers (all cached after the first
# round); a "1 M" run cycles over its own block of (USERS_MAX - 1000) /
# (4 x ROUNDS) subscribers that no other run touched, so every request
# misses hssd's identity cache (as in a round robin over 1 M).
# Both stores are measured in steady state: before the runs every IMPU gets
# the registration row hssd itself writes on a subscriber's first MAR
# (TS 29.228 §6.3.1: the S-CSCF name of the MAR's Server-Name, with its
# Origin-Host/-Realm; diam-load sends Server-Name sip:scscf.bench:6060 and
# the generators here all use Origin-Host load.bench.test, realm bench.test;
# state stays 0, as authentication does not change it). Without that row
# every 1 M MAR would also be a registration write: its commit no longer
# only SQN swaps, the cache-miss read waiting for it, and the other hssd's
# cache dropped by the registration trigger; a network of users that
# re-register has the row already (bench/mar/flat.sh primes it likewise).
# Prints one line per run, the medians, and each hssd's RSS at the end.
#
# On each PostgreSQL run also: WAL flushes/s (pg_stat_wal.wal_sync),
# answers per flush, WAL octets and full-page images per answer
# (pg_stat_wal.wal_bytes, wal_fpi), CPU per answer of PostgreSQL and hssd.
# OLD_HSSD=PATH: another hssd build, run after each run of this one as
# "sqlite-old" (on its own copy of the SQLite store), "pg1-old" and
# "pg2-old" (on the same PostgreSQL): A/B of a change in the same minutes.
# SQ_STORE=FILE keeps the 1 M SQLite store there (import once, copy after).
#
# usage: bench/pg/ab.sh BUILD_DIR [SECONDS] [ROUNDS] [WINDOW] [USERS_MAX]
#   defaults 4 s, 3 rounds, window 64, 1000000 subscribers
set -u
BUILD=${1:?usage: ab.sh BUILD_DIR [SECONDS] [ROUNDS] [WINDOW] [USERS_MAX]}
SECS=${2:-4} ROUNDS=${3:-3} WINDOW=${4:-64} MAXU=${5:-1000000}
HERE="$(cd "$(dirname "$0")" && pwd)"
TESTS_LIB="$HERE/../../tests/lib"
. "$TESTS_LIB/common.sh"
case $BUILD in -h | --help) script_usage; exit 0 ;; esac
. "$TESTS_LIB/pg.sh"
BIN=$BUILD/bin
for c in sqlite3 psql; do
	command -v $c >/dev/null || { echo "ab.sh: $c is not installed" >&2; exit 1; }
done
. "$HERE/../mar/lib.sh"
WORK=$(mktemp -d /tmp/pg-ab.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; pg_stop fast; rm -rf "$WORK"; }
trap cleanup EXIT
BASE=001010000000001
t0=$(date +%s)
if [ -n "${SQ_STORE:-}" ] && [ -s "$SQ_STORE" ]; then
	cp "$SQ_STORE" "$WORK/hss.db" || exit 1
	echo "# SQLite store: a copy of $SQ_STORE"
else
	bench_users "$WORK" "$MAXU" || exit 1
	echo "# SQLite store: $MAXU subscribers imported in $(($(date +%s) - t0)) s"
	[ -z "${SQ_STORE:-}" ] || cp "$WORK/hss.db" "$SQ_STORE"
fi
pg_start "$WORK" || exit 1
"$HERE/fill.sh" "$BUILD" "$PG_URI" "$MAXU" "$BASE" bench.test | sed 's/^/# /' || exit 1
# The registration rows (see above), the same SQL on both backends; then
# checkpointed (and, on PostgreSQL, frozen) so the runs do not write them back.
SCSCF=sip:scscf.bench:6060 GEN_HOST=load.bench.test PRIMED=$(date +%s)
PRIME="DELETE FROM registration;
INSERT INTO registration (impu_id, state, scscf_name, updated, scscf_host, scscf_realm)
	SELECT id, 0, '$SCSCF', $PRIMED, '$GEN_HOST', 'bench.test' FROM impu;"
sqlite3 "$WORK/hss.db" "$PRIME PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null || exit 1
psql "$PG_URI" -q -v ON_ERROR_STOP=1 -c "$PRIME" -c "VACUUM (FREEZE, ANALYZE) registration" \
	-c CHECKPOINT || exit 1
echo "# registration rows primed: SQLite $(sqlite3 "$WORK/hss.db" "SELECT count(*) FROM registration"), PostgreSQL $(pg_psql "SELECT count(*) FROM registration") ($SCSCF, $GEN_HOST)"
PID_pa="" PID_pb="" PID_po="" # set by start (eval)
start() { # start NAME DB [HSSD]
	"${3:-$BIN/hssd}" --db "$2" --listen tcp://127.0.0.1:0 --port-file "$WORK/$1.port" \
		--origin-host "$1.bench.test" --realm bench.test --accept-any-peer \
		--log-level warn --log-file "$WORK/$1.log" 2>>"$WORK/$1.err" &
	PIDS+=($!)
	eval "PID_$1=$!"
	wait_file "$WORK/$1.port" 20 || { echo "hssd $1 did not start"; cat "$WORK/$1.log"; exit 1; }
}
start sq "$WORK/hss.db"
start pa "$PG_URI"
start pb "$PG_URI"
if [ -n "${OLD_HSSD:-}" ]; then
	cp "$WORK/hss.db" "$WORK/hss-old.db" || exit 1
	start so "$WORK/hss-old.db" "$OLD_HSSD"
	start po "$PG_URI" "$OLD_HSSD"
	start pq "$PG_URI" "$OLD_HSSD"
fi
gen() { # gen NAME USERS BASE OUT
	"$BIN/diam-load" --port "$(cat "$WORK/$1.port")" --window "$WINDOW" --users "$2" \
		--imsi-base "$3" --origin-host "$GEN_HOST" --duration "$SECS" \
		--warmup 0.5 >"$4" 2>&1
}
# WAL flushes, CPU clock ticks of every PostgreSQL process, of hssd pa
# (and pb): one snapshot
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pgticks() {
	local pm t=0 p
	pm=$(head -1 "$PG_DIR/data/postmaster.pid")
	for p in $pm $(pgrep -P "$pm"); do t=$((t + $(ticks "$p"))); done
	echo $t
}
pgstat() { echo "$(pg_psql "SELECT wal_sync || ' ' || wal_bytes || ' ' || wal_fpi FROM pg_stat_wal") $(pgticks) $(ticks "$PID_pa") $(ticks "$PID_pb") $(ticks "${PID_po:-0}") $(ticks "${PID_pq:-0}")"; }
HZ=$(getconf CLK_TCK)
# WAL flushes/s, answers per flush, WAL octets and full-page images per
# answer, CPU per answer (µs) of PostgreSQL and of the hssd that ran,
# between two pgstat snapshots (the flush, WAL and CPU counts take in
# everything, the other generators included)
pgrate() { # pgrate "S0" "S1" ANSWERS
	awk -v s0="$1" -v s1="$2" -v a="$3" -v t="$SECS" -v hz="$HZ" 'BEGIN {
		split(s0, x); split(s1, y)
		f = y[1] - x[1]; pg = y[4] - x[4]
		h = y[5] - x[5] + y[6] - x[6] + y[7] - x[7] + y[8] - x[8]
		printf "flushes/s %.0f answers/flush %.1f WAL/answer %.0f B %.2f FPI CPU/answer: postgres %.0f us, hssd %.0f us", f / t, f ? a / f : 0, a ? (y[2] - x[2]) / a : 0, a ? (y[3] - x[3]) / a : 0, a ? pg * 1e6 / hz / a : 0, a ? h * 1e6 / hz / a : 0 }'
}
answers() { sed -n 's/^answers\/s.*, \([0-9]*\) answered;.*/\1/p' "$1"; }
rate() { sed -n 's/^answers\/s *\([0-9]*\).*/\1/p' "$1"; }
p99() { sed -n 's/^latency.*p99 \([0-9.]*\) ms.*/\1/p' "$1"; }
clean() { ! grep -qE '(unanswered|connections_lost|bad_answers)=[1-9]' "$1" && ! grep -qE ' [0-9]{4}=' <(sed -n 's/ 2001=[0-9]*//; /^results/p' "$1"); }
echo "# $(date -u '+%F %H:%M') UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{print $3}'), fsync on, synchronous_commit on${PG_OPTS:+, $PG_OPTS}; $SECS s x window $WINDOW per generator"
echo "# round users store MAA/s p99_ms [second generator MAA/s p99_ms] clean"
next=1000 # each 1 M run takes its own block of subscribers past the 1 k block
RUNS=3
[ -z "${OLD_HSSD:-}" ] || RUNS=6
CHUNK=$(( (MAXU - 1000) / (ROUNDS * RUNS) ))
span() { # span USERS -> sets b1 n (the run's first IMSI and count), b2 (second half)
	if [ "$1" = 1000 ]; then b1=$BASE n=1000; else
		b1=$(printf '%015d' $((10#$BASE + next))) n=$CHUNK
		next=$((next + CHUNK))
	fi
	b2=$(printf '%015d' $((10#$b1 + n / 2)))
}
ok() { clean "$1" && echo clean || echo NOT-CLEAN; }
# one run of each setting: run ROUND USERS SUFFIX SQLITE PG_A PG_B
run() {
	span "$2"
	gen "$4" "$n" "$b1" "$WORK/o"
	echo "$1 $2 sqlite$3 $(rate "$WORK/o") $(p99 "$WORK/o") $(ok "$WORK/o")"
	span "$2"
	s0=$(pgstat)
	gen "$5" "$n" "$b1" "$WORK/o"
	s1=$(pgstat)
	echo "$1 $2 pg1$3 $(rate "$WORK/o") $(p99 "$WORK/o") $(ok "$WORK/o") $(pgrate "$s0" "$s1" "$(answers "$WORK/o")")"
	span "$2"
	s0=$(pgstat)
	gen "$5" $((n / 2)) "$b1" "$WORK/o1" & g=$!
	gen "$6" $((n / 2)) "$b2" "$WORK/o2"; wait $g
	s1=$(pgstat)
	echo "$1 $2 pg2$3 $(( $(rate "$WORK/o1") + $(rate "$WORK/o2") )) $(p99 "$WORK/o1")/$(p99 "$WORK/o2") $(clean "$WORK/o1" && ok "$WORK/o2" || echo NOT-CLEAN) $(pgrate "$s0" "$s1" $(( $(answers "$WORK/o1") + $(answers "$WORK/o2") )))"
}
for r in $(seq 1 "$ROUNDS"); do
	for users in 1000 "$MAXU"; do
		run "$r" "$users" "" sq pa pb
		[ -z "${OLD_HSSD:-}" ] || run "$r" "$users" -old so po pq
	done
done | tee "$WORK/all"
echo "# medians (MAA/s):"
for users in 1000 "$MAXU"; do
	for s in sqlite pg1 pg2 ${OLD_HSSD:+sqlite-old pg1-old pg2-old}; do
		m=$(awk -v u="$users" -v s="$s" '$2 == u && $3 == s { print $4 }' "$WORK/all" | sort -n |
			awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		echo "#   $users $s $m"
	done
done
# 0 in steady state: no MAR of the runs rewrote its S-CSCF name
REWRITTEN="SELECT count(*) FROM registration WHERE updated <> $PRIMED"
echo "# registration rows written by the runs: SQLite $(sqlite3 "$WORK/hss.db" "$REWRITTEN")${OLD_HSSD:+ (old: $(sqlite3 "$WORK/hss-old.db" "$REWRITTEN"))}, PostgreSQL $(pg_psql "$REWRITTEN")"
for n in sq pa pb ${OLD_HSSD:+so po pq}; do
	eval "p=\$PID_$n"
	echo "# hssd $n RSS $(awk '/VmRSS/ { print $2 " kB" }' "/proc/$p/status"), peak $(awk '/VmHWM/ { print $2 " kB" }' "/proc/$p/status")"
done
