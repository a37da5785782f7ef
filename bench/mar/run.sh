#!/bin/sh
# bench/mar/run.sh — the MAR load benchmark of issue 3 §9.
#
#   bench/mar/run.sh [-b BUILD_DIR] [-u USERS] [-c CONNECTIONS] [-w WINDOW]
#                    [-d SECONDS] [-r RUNS] [-t DIR] [-p] [-j]
#
# Provisions USERS subscribers with `hss-ctl import` into a fresh store in
# a temporary directory (under DIR, default /tmp: put it on the disk whose
# fsync you want to measure — a tmpfs makes fsync free and the figure
# meaningless for durability), starts hssd on a free loopback port
# (synchronous=FULL WAL, group commit: durable SQNs, the only mode hssd
# has), runs diam-load RUNS times for SECONDS each (0.5 s warm-up left
# out), stops hssd with SIGTERM and prints every run plus the median.
# Defaults: 1000 users, 1 connection x 64 in flight, 3 s, 3 runs.
# -p runs hssd and diam-load under `chrt -r 1` (SCHED_RR, needs root or
#    CAP_SYS_NICE): on a box shared with CPU-bound jobs, a woken process
#    otherwise waits for the next scheduler tick (4 ms at HZ=250 with a
#    non-preemptive kernel) — see bench/README.md, section mar.
# -j prints one JSON object per run (diam-load --json) instead of text.
# Exit 0 when every run was clean (all answers 2001), 1 otherwise.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$HERE/../../build USERS=1000 CONNS=1 WINDOW=64 DUR=3 RUNS=3 TMPBASE=/tmp JSON= PRIO=
while getopts b:u:c:w:d:r:t:pjh o; do
	case $o in
	b) BUILD=$OPTARG ;;
	u) USERS=$OPTARG ;;
	c) CONNS=$OPTARG ;;
	w) WINDOW=$OPTARG ;;
	d) DUR=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	t) TMPBASE=$OPTARG ;;
	p) PRIO="chrt -r 1" ;;
	j) JSON=--json ;;
	h) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
BIN=$BUILD/bin
for p in hssd hss-ctl diam-load; do
	[ -x "$BIN/$p" ] || { echo "run.sh: $BIN/$p not built (cmake --build $BUILD)" >&2; exit 1; }
done
case $USERS$RUNS in *[!0-9]*) echo "run.sh: -u/-r: expected numbers" >&2; exit 2 ;; esac
if [ -n "$PRIO" ] && ! $PRIO true 2>/dev/null; then
	echo "run.sh: -p: chrt -r 1 is not permitted here (needs CAP_SYS_NICE)" >&2
	exit 1
fi

T=$(mktemp -d "$TMPBASE/bench-mar.XXXXXX") || exit 1
HSSD_PID=
cleanup() {
	[ -n "$HSSD_PID" ] && kill "$HSSD_PID" 2>/dev/null && wait "$HSSD_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Subscribers 001010000000001.. with TS 35.208 set 1 keys (all alike:
# the AES key schedule is redone per vector anyway, see bench/aka).
awk -v n="$USERS" 'BEGIN {
	print "imsi,impi,impu,k,opc"
	for (i = 0; i < n; i++) {
		imsi = sprintf("%015.0f", 1010000000001 + i)
		printf "%s,%s@bench.test,sip:%s@bench.test,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf\n", imsi, imsi, imsi
	}
}' >"$T/users.csv"
"$BIN/hss-ctl" --db "$T/hss.db" import "$T/users.csv" >/dev/null || exit 1

$PRIO "$BIN/hssd" --db "$T/hss.db" --listen tcp://127.0.0.1:0 --port-file "$T/port" \
	--origin-host hss.bench.test --realm bench.test --accept-any-peer \
	--log-level notice --log-file "$T/hssd.log" &
HSSD_PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/port" ] || { echo "run.sh: hssd did not start:"; cat "$T/hssd.log"; exit 1; }
PORT=$(cat "$T/port")

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "# kernel $(uname -r), store on $(df -T "$T" | awk 'NR==2 {print $2" ("$1")"}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $USERS users, $CONNS connection(s) x $WINDOW in flight, $RUNS runs of $DUR s${PRIO:+, under $PRIO}"
# hssd's CPU time (user+system) per answer: a figure that a busy shared box
# distorts far less than the rate (clock ticks from /proc/PID/stat).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$HSSD_PID/stat"; }
HZ=$(getconf CLK_TCK)
FAIL=0
r=1
while [ $r -le "$RUNS" ]; do
	c0=$(cpu_ticks)
	$PRIO "$BIN/diam-load" --port "$PORT" --connections "$CONNS" --window "$WINDOW" \
		--users "$USERS" --duration "$DUR" --warmup 0.5 $JSON >"$T/run$r" || FAIL=1
	c1=$(cpu_ticks)
	if [ -n "$JSON" ]; then cat "$T/run$r"; else sed "s/^/run $r: /" "$T/run$r"; fi
	n=$(sed -n 's/.*"answers": \([0-9]*\).*/\1/p; s/.*, \([0-9]*\) answered).*/\1/p' "$T/run$r")
	[ -n "$n" ] && [ "$n" -gt 0 ] &&
		echo "# run $r: hssd CPU $(( (c1 - c0) * 1000000 / HZ / n )) us per answer ($(( (c1 - c0) * 1000 / HZ )) ms)"
	r=$((r + 1))
done

# Median by MAA/s; its latency line is reported with it.
for f in "$T"/run*; do
	if [ -n "$JSON" ]; then
		sed -n 's/.*"answers_per_s": \([0-9]*\).*"p50_us": \([0-9]*\), "p99_us": \([0-9]*\), "max_us": \([0-9]*\).*/\1 p50 \2 us, p99 \3 us, max \4 us/p' "$f"
	else
		rate=$(sed -n 's/^answers\/s *\([0-9]*\).*/\1/p' "$f")
		lat=$(sed -n 's/^latency *//p' "$f")
		echo "$rate $lat"
	fi
done | sort -n >"$T/rates"
MED=$(sed -n "$(( (RUNS + 1) / 2 ))p" "$T/rates")
echo "median: ${MED%% *} MAA/s  (${MED#* })"
kill "$HSSD_PID" && wait "$HSSD_PID"
HSSD_PID=
[ $FAIL = 0 ] || echo "run.sh: a run was not clean (errors above)"
exit $FAIL
