#!/bin/sh
# bench/mar/run.sh — the Diameter load benchmark: Cx MAR (issue 3 §9) or,
# with --air, S6a AIR (issue 6 §6), against one hssd.
#
#   bench/mar/run.sh [-b BUILD_DIR] [-u USERS] [-c CONNECTIONS] [-w WINDOW]
#                    [-d SECONDS] [-r RUNS] [-t DIR] [-p] [-j]
#                    [--air] [--vectors N]
#
# Provisions USERS subscribers with `hss-ctl import` into a fresh store in
# a temporary directory (under DIR, default /tmp: put it on the disk whose
# fsync you want to measure — a tmpfs makes fsync free and the figure
# meaningless for durability), starts hssd on a free loopback port
# (synchronous=FULL WAL, group commit: durable SQNs, the only mode hssd
# has), runs diam-load RUNS times for SECONDS each (0.5 s warm-up left
# out), stops hssd with SIGTERM and prints every run plus the median.
# Defaults: MAR, 1000 users, 1 connection x 64 in flight, 3 s, 3 runs,
# 1 vector per request.
# --air (-a) sends S6a AIRs (as an MME) instead of Cx MARs (as an S-CSCF).
# --vectors N (-v N) asks N vectors per request (SIP-Number-Auth-Items or
#    Number-Of-Requested-Vectors); hssd gets --max-vectors N when N > 5.
# -p runs hssd and diam-load under `chrt -r 1` (SCHED_RR, needs root or
#    CAP_SYS_NICE): on a box shared with CPU-bound jobs, a woken process
#    otherwise waits for the next scheduler tick (4 ms at HZ=250 with a
#    non-preemptive kernel) — see bench/README.md, section mar.
# -j prints one JSON object per run (diam-load --json) instead of text.
# Exit 0 when every run was clean (all answers 2001 with N vectors), 1
# otherwise, 2 bad usage.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/mar/lib.sh
. "$HERE/lib.sh"
BUILD=$HERE/../../build USERS=1000 CONNS=1 WINDOW=64 DUR=3 RUNS=3 TMPBASE=/tmp JSON="" PRIO=""
MODE=mar VECTORS=1
bench_args "$@"
eval "set -- $BENCH_ARGS"
while getopts b:u:c:w:d:r:t:pjav:h o; do
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
	a) MODE=air ;;
	v) VECTORS=$OPTARG ;;
	h) . "$HERE/../../tests/lib/common.sh" && script_usage; exit 0 ;;
	*) echo "run.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
BIN=$BUILD/bin
bench_need run.sh "$BIN"
case $USERS$RUNS in *[!0-9]*) echo "run.sh: -u/-r: expected numbers" >&2; exit 2 ;; esac
bench_load_opts "$MODE" "$VECTORS"
if [ -n "$PRIO" ] && ! $PRIO true 2>/dev/null; then
	echo "run.sh: -p: chrt -r 1 is not permitted here (needs CAP_SYS_NICE)" >&2
	exit 1
fi
if [ "$MODE" = air ]; then UNIT=AIA/s; else UNIT=MAA/s; fi

T=$(mktemp -d "$TMPBASE/bench-mar.XXXXXX") || exit 1
HSSD_PID=
cleanup() {
	[ -n "$HSSD_PID" ] && kill "$HSSD_PID" 2>/dev/null && wait "$HSSD_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# All subscribers alike (the AES key schedule is redone per vector anyway,
# see bench/aka).
bench_users "$T" "$USERS" || exit 1
# shellcheck disable=SC2086 # PRIO is empty or a command prefix
bench_hssd run.sh "$T" 100 $PRIO "$BIN/hssd"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "# kernel $(uname -r), store on $(df -T "$T" | awk 'NR==2 {print $2" ("$1")"}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $MODE, $VECTORS vector(s) per request, $USERS users, $CONNS connection(s) x $WINDOW in flight, $RUNS runs of $DUR s${PRIO:+, under $PRIO}"
# hssd's CPU time (user+system) per answer: a figure that a busy shared box
# distorts far less than the rate (clock ticks from /proc/PID/stat).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$HSSD_PID/stat"; }
HZ=$(getconf CLK_TCK)
FAIL=0
r=1
while [ $r -le "$RUNS" ]; do
	c0=$(cpu_ticks)
	# shellcheck disable=SC2086 # LOAD_OPTS, JSON, PRIO are word lists
	$PRIO "$BIN/diam-load" --port "$PORT" --connections "$CONNS" --window "$WINDOW" \
		--users "$USERS" --duration "$DUR" --warmup 0.5 $LOAD_OPTS $JSON >"$T/run$r" || FAIL=1
	c1=$(cpu_ticks)
	if [ -n "$JSON" ]; then cat "$T/run$r"; else sed "s/^/run $r: /" "$T/run$r"; fi
	n=$(sed -n 's/.*"answers": \([0-9]*\).*/\1/p; s/.*, \([0-9]*\) answered;.*/\1/p' "$T/run$r")
	[ -n "$n" ] && [ "$n" -gt 0 ] &&
		echo "# run $r: hssd CPU $(( (c1 - c0) * 1000000 / HZ / n )) us per answer ($(( (c1 - c0) * 1000 / HZ )) ms)"
	r=$((r + 1))
done

# Median by answers/s; its vectors/s and latency line are reported with it.
for f in "$T"/run*; do
	if [ -n "$JSON" ]; then
		sed -n 's/.*"answers_per_s": \([0-9]*\), "vectors_per_s": \([0-9]*\), "p50_us": \([0-9]*\), "p99_us": \([0-9]*\), "max_us": \([0-9]*\).*/\1 \2 p50 \3 us, p99 \4 us, max \5 us/p' "$f"
	else
		rate=$(sed -n 's/^answers\/s *\([0-9]*\).*/\1/p' "$f")
		vrate=$(sed -n 's/^answers\/s.*, \([0-9]*\) vectors\/s).*/\1/p' "$f")
		lat=$(sed -n 's/^latency *//p' "$f")
		echo "$rate $vrate $lat"
	fi
done | sort -n >"$T/rates"
MED=$(sed -n "$(( (RUNS + 1) / 2 ))p" "$T/rates")
REST=${MED#* }
echo "median: ${MED%% *} $UNIT, ${REST%% *} vectors/s  (${REST#* })"
kill "$HSSD_PID" && wait "$HSSD_PID"
HSSD_PID=
[ $FAIL = 0 ] || echo "run.sh: a run was not clean (errors above)"
exit $FAIL
