#!/bin/sh
# Crash durability of SQNs (issue 3 §8), see CMakeLists.txt here.
#   run.sh HSSD HSS_CTL DIAM_LOAD SQN_CHECK
# 1. 20 subscribers imported into a fresh store; hssd on a free port.
# 2. diam-load (2 connections x 32 in flight) dumps every vector it gets;
#    once at least 1500 have arrived, hssd is killed with SIGKILL mid-load.
# 3. hssd restarts on the same store; the stored SQNs are read (hss-ctl
#    list). Steps 2-3 run three times (three chances for the kill to land
#    between a commit and its answers, or inside the fsync); then
#    diam-load runs 1.5 s more, which must be clean.
# 4. sqn_check recovers each SQN from its AUTN (AK = f5(K, RAND)) and checks:
#    no SQN twice per user, every SQN received before the kill <= the SQN
#    stored after the restart, every later SQN above all earlier ones.
# 5. The checker itself is shown to catch a duplicated SQN and a stored SQN
#    below one received (tampered copies of the real data).
# Bounded: every wait has a limit; the whole test takes ~5-10 s.
set -u
HSSD=$1 CTL=$2 LOAD=$3 CHECK=$4
for p in "$HSSD" "$CTL" "$LOAD" "$CHECK"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
# shellcheck source=../../lib/common.sh
. "$(dirname "$0")/../../lib/common.sh" # wait_file
T=$(mktemp -d /tmp/durability-e2e.XXXXXX) || exit 1
HSSD_PID= LOAD_PID=
cleanup() {
	for p in $LOAD_PID $HSSD_PID; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${DURABILITY_KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; [ -f "$T/hssd.log" ] && tail -5 "$T/hssd.log"; exit 1; }

start_hssd() {
	rm -f "$T/port"
	"$HSSD" --db "$T/hss.db" --listen tcp://127.0.0.1:0 --port-file "$T/port" \
		--origin-host hss.dur.test --realm dur.test --accept-any-peer \
		--log-level notice --log-file "$T/hssd.log" &
	HSSD_PID=$!
	wait_file "$T/port" 5 || fail "hssd did not start"
	PORT=$(cat "$T/port")
}

load() { # load DUMP SECONDS
	"$LOAD" --port "$PORT" --connections 2 --window 32 --users 20 --domain dur.test \
		--realm dur.test --origin-host load.dur.test --duration "$2" --drain 1 \
		--dump "$1" >"$1.out" 2>&1
}

awk 'BEGIN { print "imsi,impi,impu,k,opc"
	for (i = 0; i < 20; i++) { imsi = sprintf("%015.0f", 1010000000001 + i)
		printf "%s,%s@dur.test,sip:%s@dur.test,'$K','$OPC'\n", imsi, imsi, imsi } }' >"$T/users.csv"
"$CTL" --db "$T/hss.db" import "$T/users.csv" >/dev/null || fail "hss-ctl import"

# -- 2./3. three lives ended by SIGKILL mid-load, each followed by a restart -
crash_phase() { # crash_phase N: load, SIGKILL hssd once >= 1500 vectors arrived
	load "$T/phase$1" 20 &
	LOAD_PID=$!
	i=0
	while [ "$(wc -l <"$T/phase$1" 2>/dev/null || echo 0)" -lt 1500 ] && [ $i -lt 150 ]; do
		sleep 0.05; i=$((i + 1))
	done
	kill -0 "$LOAD_PID" 2>/dev/null || fail "diam-load ended before the kill: $(cat "$T/phase$1.out")"
	kill -9 "$HSSD_PID"
	wait "$HSSD_PID"
	st=$?
	[ $st = 137 ] || fail "hssd did not die of SIGKILL (status $st)"
	HSSD_PID=
	i=0
	while kill -0 "$LOAD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill -0 "$LOAD_PID" 2>/dev/null && fail "diam-load did not notice the kill"
	wait "$LOAD_PID"
	LOAD_PID=
	grep -q "connections_lost=2" "$T/phase$1.out" ||
		fail "load did not lose both connections: $(cat "$T/phase$1.out")"
	echo "life $1: $(wc -l <"$T/phase$1") vectors, then SIGKILL; $(grep '^errors' "$T/phase$1.out")"
	start_hssd # same store
	"$CTL" --db "$T/hss.db" list | awk '{ print $2, $4 }' >"$T/stored$1"
	[ "$(wc -l <"$T/stored$1")" = 20 ] || fail "hss-ctl list: $(cat "$T/stored$1")"
}

start_hssd
for c in 1 2 3; do crash_phase $c; done
load "$T/phase4" 1.5 || fail "load after the last restart: $(cat "$T/phase4.out")"
echo "life 4: $(wc -l <"$T/phase4") vectors, clean; $(grep '^answers' "$T/phase4.out")"
kill "$HSSD_PID"
wait "$HSSD_PID" || fail "hssd did not stop cleanly on SIGTERM"
HSSD_PID=

# -- 4. the verdict ---------------------------------------------------------
check() { # check PHASE1 STORED1 ... PHASE4
	"$CHECK" --k $K --opc $OPC "$1" --stored "$2" "$3" --stored "$4" "$5" --stored "$6" "$7"
}
P=$T/phase
check "${P}1" "$T/stored1" "${P}2" "$T/stored2" "${P}3" "$T/stored3" "${P}4" || exit 1

# -- 5. the checker catches what it must ------------------------------------
head -1 "${P}1" | cat "${P}4" - >"$T/dup"
check "${P}1" "$T/stored1" "${P}2" "$T/stored2" "${P}3" "$T/stored3" "$T/dup" >"$T/neg1"
[ $? = 1 ] && grep -q "issued twice" "$T/neg1" || fail "checker missed a repeated SQN: $(cat "$T/neg1")"
awk 'NR == 1 { $2 = "000000000000" } { print }' "$T/stored2" >"$T/low"
check "${P}1" "$T/stored1" "${P}2" "$T/low" "${P}3" "$T/stored3" "${P}4" >"$T/neg2"
[ $? = 1 ] && grep -q "not durable" "$T/neg2" || fail "checker missed a non-durable SQN: $(cat "$T/neg2")"
echo "checker self-test: a repeated SQN and a non-durable SQN are both reported"
echo "PASS"
