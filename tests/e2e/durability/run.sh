#!/bin/sh
# Crash durability of SQNs (issue 3 §8), see CMakeLists.txt here.
#   run.sh HSSD HSS_CTL DIAM_LOAD SQN_CHECK
# 1. 20 subscribers imported into a fresh store; hssd on a free port.
# 2. diam-load (2 connections x 32 in flight) dumps every vector it gets;
#    once at least 2000 have arrived, hssd is killed with SIGKILL mid-load.
# 3. hssd restarts on the same store; the stored SQNs are read (hss-ctl
#    list); diam-load runs 1.5 s more against it.
# 4. sqn_check recovers each SQN from its AUTN (AK = f5(K, RAND)) and checks:
#    no SQN twice per user, every SQN received before the kill <= the SQN
#    stored after the restart, every later SQN above all earlier ones.
# 5. The checker itself is shown to catch a duplicated SQN and a stored SQN
#    below one received (tampered copies of the real data).
# Bounded: every wait has a limit; the whole test takes ~5 s.
set -u
HSSD=$1 CTL=$2 LOAD=$3 CHECK=$4
for p in "$HSSD" "$CTL" "$LOAD" "$CHECK"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
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
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s "$T/port" ] || fail "hssd did not start"
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

# -- 2. load, then SIGKILL in the middle -----------------------------------
start_hssd
load "$T/before" 20 &
LOAD_PID=$!
i=0
while [ "$(wc -l <"$T/before" 2>/dev/null || echo 0)" -lt 2000 ] && [ $i -lt 150 ]; do
	sleep 0.05; i=$((i + 1))
done
kill -0 "$LOAD_PID" 2>/dev/null || fail "diam-load ended before the kill: $(cat "$T/before.out")"
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
grep -q "connections_lost=2" "$T/before.out" || fail "load did not lose both connections: $(cat "$T/before.out")"
echo "before the kill: $(wc -l <"$T/before") vectors; $(grep '^answers' "$T/before.out")"

# -- 3. restart on the same store, read the SQNs, load again --------------
start_hssd
"$CTL" --db "$T/hss.db" list | awk '{ print $2, $4 }' >"$T/stored"
[ "$(wc -l <"$T/stored")" = 20 ] || fail "hss-ctl list: $(cat "$T/stored")"
load "$T/after" 1.5 || fail "load after the restart: $(cat "$T/after.out")"
echo "after the restart: $(wc -l <"$T/after") vectors; $(grep '^answers' "$T/after.out")"
kill "$HSSD_PID"
wait "$HSSD_PID" || fail "hssd did not stop cleanly on SIGTERM"
HSSD_PID=

# -- 4. the verdict ---------------------------------------------------------
"$CHECK" --k $K --opc $OPC --stored "$T/stored" "$T/before" "$T/after" || exit 1

# -- 5. the checker catches what it must ------------------------------------
head -1 "$T/before" | cat "$T/after" - >"$T/after.dup"
"$CHECK" --k $K --opc $OPC --stored "$T/stored" "$T/before" "$T/after.dup" >"$T/neg1"
[ $? = 1 ] && grep -q "issued twice" "$T/neg1" || fail "checker missed a repeated SQN: $(cat "$T/neg1")"
awk 'NR == 1 { $2 = "000000000000" } { print }' "$T/stored" >"$T/stored.low"
"$CHECK" --k $K --opc $OPC --stored "$T/stored.low" "$T/before" "$T/after" >"$T/neg2"
[ $? = 1 ] && grep -q "not durable" "$T/neg2" || fail "checker missed a non-durable SQN: $(cat "$T/neg2")"
echo "checker self-test: a repeated SQN and a non-durable SQN are both reported"
echo "PASS"
