#!/usr/bin/env bash
# Load benchmark: full AKA registrations/s through scscf-stub + hssd, all on
# this machine (issue 5 §9). Provisions USERS subscribers into a temp SQLite
# with hss-ctl import, starts hssd and scscf-stub on free loopback ports,
# runs `ue-sim load` RUNS times for DURATION seconds and prints each report
# and the median registrations/s. Everything started here is stopped on exit.
# Each run also prints the CPU time (user + system, /proc/PID/stat) that
# hssd and scscf-stub spent per registration: a figure a shared machine
# distorts far less than the rate (ue-sim's too, from this script's
# reaped children). With SYSCALLS=1 each run counts, with
# `perf stat` on the syscall tracepoints (needs root or
# perf_event_paranoid <= -1), the heap system calls (brk, mmap, munmap) per
# 100 registrations and the fdatasyncs per registration of each daemon.
#   usage: bench/load/run.sh [BIN_DIR]   env: USERS=5000 DURATION=5 RUNS=3 CONC=96 RATE=0
#          TRANSPORT=udp|tcp (tcp: ue-sim --stack nta, one TCP connection for all UEs)
#          SYSCALLS=0|1 WARMUP=0 (seconds of load before the measured runs)
#          CALLGRIND=hssd|scscf-stub|ue-sim: that program runs under valgrind's
#          callgrind with instrumentation on only during the measured runs, and
#          the instructions per registration are printed (user space only, not
#          the kernel): a figure the machine's load does not change. Use a
#          low CONC (8): the program runs ~50x slower under valgrind. ue-sim:
#          each measured run's ue-sim runs under callgrind collecting only in
#          its load loop (load_run*: not the users' set-up nor the warm-up);
#          the runs' totals are added up.
#          STUB_ARGS="...": extra scscf-stub flags (e.g. --timer-j 32000: the
#          answered transactions then outlive a short run, so their teardown
#          is not in the figures, as in the figures before Timer J was 5 s)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/common.sh
. "$ROOT/tests/lib/common.sh" # wait_file, script_usage
case ${1:-} in -h | --help) script_usage; exit 0 ;; esac
BIN=${1:-$ROOT/build/bin}
USERS=${USERS:-5000} DURATION=${DURATION:-5} RUNS=${RUNS:-3} CONC=${CONC:-96} RATE=${RATE:-0}
TRANSPORT=${TRANSPORT:-udp} SYSCALLS=${SYSCALLS:-0} WARMUP=${WARMUP:-0} CALLGRIND=${CALLGRIND:-}
case $CALLGRIND in '' | hssd | scscf-stub | ue-sim) ;; *) echo "bench/load: CALLGRIND hssd, scscf-stub or ue-sim" >&2; exit 2 ;; esac
# The prefix that runs daemon $1: callgrind for the one CALLGRIND names.
under() {
	[ "$CALLGRIND" = "$1" ] && echo "valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$WORK/callgrind.out"
}
case $TRANSPORT in udp) TP="" ;; tcp) TP=";transport=tcp" ;; *) echo "bench/load: TRANSPORT udp or tcp" >&2; exit 2 ;; esac
REALM=ims.mnc001.mcc001.3gppnetwork.org
for p in hssd hss-ctl scscf-stub ue-sim; do
	[ -x "$BIN/$p" ] || { echo "bench/load: $BIN/$p not built" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/bench-load.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

{
	echo "imsi,impi,impu,k,op,opc,amf,sqn,algo,password,scheme"
	for ((i = 0; i < USERS; i++)); do
		printf -v imsi "0010100002%05d" "$i" # no fork per user: 5,000 forks took 40 s of CPU under load
		echo "$imsi,$imsi@$REALM,sip:$imsi@$REALM,465b5ce8b199b49faa5f0a2ee238a6bc,,cd63cb71954a9f4e48a5994e37a02baf,8000,,,,"
	done
} >"$WORK/users.csv"
"$BIN/hss-ctl" --db "$WORK/hss.sqlite" import "$WORK/users.csv" >/dev/null || exit 1
$(under hssd) "$BIN/hssd" --db "$WORK/hss.sqlite" --listen tcp://127.0.0.1:0 --port-file "$WORK/hss.port" \
	--origin-host hss.$REALM --realm $REALM --accept-any-peer --log-level warn >"$WORK/hssd.log" 2>&1 &
PIDS+=($!)
HSSD_PID=$!
wait_file "$WORK/hss.port" 30 "$HSSD_PID" || { echo "hssd did not start"; exit 1; }
$(under scscf-stub) "$BIN/scscf-stub" --sip "sip:127.0.0.1:0$TP" --port-file "$WORK/sip.port" \
	--hss "tcp://127.0.0.1:$(cat "$WORK/hss.port")" --origin-host scscf.$REALM --realm $REALM \
	--name sip:scscf.$REALM --hss-host hss.$REALM --hss-realm $REALM --log-level warn ${STUB_ARGS:-} \
	>"$WORK/scscf.log" 2>&1 &
PIDS+=($!)
STUB_PID=$!
wait_file "$WORK/sip.port" 30 "$STUB_PID" || { echo "scscf-stub did not start"; exit 1; }
sleep "$([ -n "$CALLGRIND" ] && echo 3 || echo 0.5)" # Cx CER/CEA (longer under valgrind)
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load avg $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $USERS users, concurrency $CONC, rate ${RATE} (0 = unpaced), $DURATION s x $RUNS runs, $TRANSPORT"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
TRACEPOINTS=syscalls:sys_enter_brk,syscalls:sys_enter_mmap,syscalls:sys_enter_munmap,syscalls:sys_enter_fdatasync
if [ "$SYSCALLS" = 1 ] && ! perf stat -e "$TRACEPOINTS" true >/dev/null 2>&1; then
	echo "bench/load: SYSCALLS=1 needs perf with syscall tracepoints (root)" >&2
	exit 2
fi
load() { # DURATION OUT [PREFIX...]
	local d=$1 out=$2
	shift 2
	"$@" "$BIN/ue-sim" load --users "$WORK/users.csv" --registrar "sip:127.0.0.1:$(cat "$WORK/sip.port")$TP" \
		--realm $REALM --concurrency "$CONC" --rate "$RATE" --duration "$d" 2>/dev/null >"$out"
}
# perf stat's count of tracepoint $2 in file $1.
count() { awk -v e="$2" '$2 == e { gsub(",", "", $1); print $1 }' "$1"; }
# a / b with two decimals (awk: the shell has no fractions).
ratio() { awk -v a="$1" -v b="$2" -v m="${3:-1}" 'BEGIN { if (b > 0) printf "%.2f", a * m / b; else print "-" }'; }
[ "$WARMUP" != 0 ] && load "$WARMUP" "$WORK/warmup.txt"
case $CALLGRIND in
hssd) callgrind_control -i on "$HSSD_PID" >/dev/null 2>&1 ;;
scscf-stub) callgrind_control -i on "$STUB_PID" >/dev/null 2>&1 ;;
esac
total=0
rates=()
for ((r = 1; r <= RUNS; r++)); do
	h0=$(cpu_ticks "$HSSD_PID") s0=$(cpu_ticks "$STUB_PID")
	if [ "$SYSCALLS" = 1 ]; then
		perf stat -x' ' -e "$TRACEPOINTS" -p "$HSSD_PID" -o "$WORK/hssd.perf" & PH=$!
		perf stat -x' ' -e "$TRACEPOINTS" -p "$STUB_PID" -o "$WORK/stub.perf" & PS=$!
	fi
	u0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat) # children's CPU: ue-sim
	if [ "$CALLGRIND" = ue-sim ]; then
		load "$DURATION" "$WORK/run$r.txt" valgrind --tool=callgrind --collect-atstart=no \
			--toggle-collect='load_run*' --callgrind-out-file="$WORK/callgrind.ue-sim.$r" -q
	else
		load "$DURATION" "$WORK/run$r.txt"
	fi
	h1=$(cpu_ticks "$HSSD_PID") s1=$(cpu_ticks "$STUB_PID")
	u1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	cat "$WORK/run$r.txt"
	n=$(sed -n 's/^registrations: \([0-9]*\) ok.*/\1/p' "$WORK/run$r.txt")
	rates+=("$(sed -n 's/.*= \([0-9]*\) registrations\/s/\1/p' "$WORK/run$r.txt")")
	total=$((total + ${n:-0}))
	[ -n "$n" ] && [ "$n" -gt 0 ] && [ -z "$CALLGRIND" ] &&
		echo "# run $r: scscf-stub VmRSS $(awk '/^VmRSS/ { print $2 }' "/proc/$STUB_PID/status") kB, VmHWM $(awk '/^VmHWM/ { print $2 }' "/proc/$STUB_PID/status") kB"
	[ -n "$n" ] && [ "$n" -gt 0 ] &&
		echo "# run $r: load avg $(cut -d" " -f1 /proc/loadavg); CPU per registration: hssd $(( (h1 - h0) * 1000000 / HZ / n )) us, scscf-stub $(( (s1 - s0) * 1000000 / HZ / n )) us, ue-sim $(( (u1 - u0) * 1000000 / HZ / n )) us"
	if [ "$SYSCALLS" = 1 ]; then
		kill -INT "$PH" "$PS"
		wait "$PH" "$PS"
		for d in hssd stub; do
			f=$WORK/$d.perf
			heap=$(( $(count "$f" syscalls:sys_enter_brk) + $(count "$f" syscalls:sys_enter_mmap) + $(count "$f" syscalls:sys_enter_munmap) ))
			echo "# run $r: $d: brk+mmap+munmap $heap = $(ratio "$heap" "$n" 100) per 100 registrations; fdatasync $(count "$f" syscalls:sys_enter_fdatasync) = $(ratio "$(count "$f" syscalls:sys_enter_fdatasync)" "$((2 * n))") per Diameter request"
		done
	fi
done
if [ "$CALLGRIND" = ue-sim ]; then
	ir=$(cat "$WORK"/callgrind.ue-sim.* 2>/dev/null | sed -n 's/^totals: //p' | awk '{ s += $1 } END { if (NR) print s }')
	[ "$total" -gt 0 ] && [ -n "$ir" ] &&
		echo "$CALLGRIND: $ir instructions for $total registrations = $((ir / total)) per registration"
	cp "$WORK/callgrind.ue-sim.$RUNS" "/tmp/callgrind.$CALLGRIND.$$" && echo "callgrind file (last run): /tmp/callgrind.$CALLGRIND.$$"
elif [ -n "$CALLGRIND" ]; then
	pid=$( [ "$CALLGRIND" = hssd ] && echo "$HSSD_PID" || echo "$STUB_PID")
	callgrind_control -i off "$pid" >/dev/null 2>&1
	kill "$pid"
	wait "$pid" 2>/dev/null
	ir=$(sed -n 's/^totals: //p' "$WORK/callgrind.out")
	[ "$total" -gt 0 ] && [ -n "$ir" ] &&
		echo "$CALLGRIND: $ir instructions for $total registrations = $((ir / total)) per registration"
	cp "$WORK/callgrind.out" "/tmp/callgrind.$CALLGRIND.$$" && echo "callgrind file: /tmp/callgrind.$CALLGRIND.$$"
fi
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: $median full AKA registrations/s (runs: ${rates[*]})"
