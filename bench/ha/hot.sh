#!/bin/bash
# Hot-subscriber and scaling measurement for several hssd on one PostgreSQL
# (issue 11 §6; results in bench/README.md "Two hssd on PostgreSQL"):
# a real PostgreSQL (fsync and synchronous_commit on) in a temporary
# directory, hssd instances on it, diam-load generators on the same box.
#
#   A  1 hssd,  MAR for 1000 subscribers            (the store's baseline)
#   B  2 hssd,  MAR for 1000 subscribers each, disjoint halves
#   C  1 hssd,  MAR for one hot subscriber
#   D  2 hssd,  MAR for the same hot subscriber from both
# and pg_test_fsync's fsync rate on the same disk (WAL flush ceiling).
#
# usage: bench/ha/hot.sh BUILD_DIR [SECONDS] [WINDOW]
set -u
BUILD=${1:?usage: hot.sh BUILD_DIR [SECONDS] [WINDOW]}
SECS=${2:-5} WINDOW=${3:-64}
HERE="$(cd "$(dirname "$0")" && pwd)"
TESTS_LIB="$HERE/../../tests/lib"
. "$TESTS_LIB/common.sh"
case $BUILD in -h | --help) script_usage; exit 0 ;; esac
. "$TESTS_LIB/pg.sh"
B=$BUILD/bin
WORK=$(mktemp -d /tmp/ha-hot.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; pg_stop fast; rm -rf "$WORK"; }
trap cleanup EXIT
pg_start "$WORK" || exit 1
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
awk -v k=$K -v opc=$OPC 'BEGIN { print "imsi,impi,impu,k,opc"
	for (i = 0; i < 2001; i++) { imsi = sprintf("%015.0f", 1010000000001 + i)
		printf "%s,%s@ha.test,sip:%s@ha.test,%s,%s\n", imsi, imsi, imsi, k, opc } }' >"$WORK/u.csv"
"$B/hss-ctl" --db "$PG_URI" import "$WORK/u.csv" >/dev/null || exit 1
for n in 1 2; do
	"$B/hssd" --db "$PG_URI" --listen tcp://127.0.0.1:0 --port-file "$WORK/p$n" --origin-host "hss$n.ha.test" \
		--realm ha.test --accept-any-peer --log-level warn --log-file "$WORK/hssd$n.log" 2>/dev/null &
	PIDS+=($!)
	wait_file "$WORK/p$n" 10 || exit 1
done
P1=$(cat "$WORK/p1") P2=$(cat "$WORK/p2")
gen() { # gen PORT USERS BASE OUT
	"$B/diam-load" --port "$1" --window "$WINDOW" --users "$2" --imsi-base "$3" --domain ha.test \
		--realm ha.test --origin-host "g$RANDOM.ha.test" --duration "$SECS" --drain 1 >"$4" 2>&1
}
ok2001() { sed -n 's/^results.*2001=\([0-9]*\).*/\1/p' "$1" | head -1; }
line() { # label files...
	local tot=0 all=0 f
	for f in "${@:2}"; do
		tot=$((tot + $(ok2001 "$f" || echo 0)))
		all=$((all + $(sed -n 's/^answers\/s.*(\([0-9]*\) sent.*/\1/p' "$f")))
	done
	printf '%-44s vectors/s %7.0f   answers %6d, of them 2001 %6d (%s %%); p99 %s\n' "$1" \
		"$(awk -v t=$tot -v s=$SECS "BEGIN { print t / s }")" "$all" "$tot" "$(awk -v t=$tot -v a=$all "BEGIN { printf \"%.1f\", a ? 100 * t / a : 0 }")" \
		"$(for f in "${@:2}"; do sed -n 's/^latency.*p99 \([0-9.]*\) ms.*/\1 ms/p' "$f"; done | paste -sd/)"
}
echo "# $(date -u +%F\ %H:%M) UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(pg_as "$PG_BINDIR/postgres" -V | awk '{print $3}'), fsync on; ${SECS} s x window $WINDOW per generator"
gen "$P1" 1000 001010000000001 "$WORK/a"; line "A  1 hssd, 1000 subscribers" "$WORK/a"
gen "$P1" 1000 001010000000001 "$WORK/b1" & g1=$!
gen "$P2" 1000 001010000001001 "$WORK/b2"; wait $g1
line "B  2 hssd, 1000 disjoint subscribers each" "$WORK/b1" "$WORK/b2"
gen "$P1" 1 001010000002001 "$WORK/c"; line "C  1 hssd, one hot subscriber" "$WORK/c"
gen "$P1" 1 001010000002001 "$WORK/d1" & g1=$!
gen "$P2" 1 001010000002001 "$WORK/d2"; wait $g1
line "D  2 hssd, the same hot subscriber" "$WORK/d1" "$WORK/d2"
if [ -x "$PG_BINDIR/pg_test_fsync" ]; then
	( cd "$PG_DIR" && pg_as "$PG_BINDIR/pg_test_fsync" -s 2 -f "$PG_DIR/fsync.test" 2>/dev/null ) |
		grep -E "ops/sec" | head -5 | sed 's/^ */# pg_test_fsync: /'
fi
