#!/bin/sh
# hssd's MAR identity cache vs. hss-ctl in another process (CMakeLists.txt).
#   run.sh HSSD HSS_CTL DIAM_LOAD SQN_CHECK
# 1. Two subscribers with TS 35.208 set 1 keys; hssd; 0.5 s of MAR load
#    (every identity cached).
# 2. hss-ctl set-sqn raises user 1's SQN_HE to a000000000 while hssd runs;
#    after 0.5 s more load the stored SQN must be above it (a stale cached
#    SQN would have been advanced and written back below it).
# 3. set-sqn lowers it to 20; after more load it must be below a000000000.
# 4. hss-ctl del user 2: its MARs must now fail (5001 user unknown).
# 5. hss-ctl add user 2 again with set 2 keys: its MARs succeed and every
#    vector's MAC-A verifies with the set 2 K (sqn_check), not set 1's.
# Every vector of every phase is checked by sqn_check (MAC-A, no SQN
# twice). Bounded: ~5 s.
set -u
HSSD=$1 CTL=$2 LOAD=$3 CHECK=$4
for p in "$HSSD" "$CTL" "$LOAD" "$CHECK"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
K1=465b5ce8b199b49faa5f0a2ee238a6bc OPC1=cd63cb71954a9f4e48a5994e37a02baf
K2=0396eb317b6d1c36f19c1c84cd6ffd16 OPC2=53c15671c60a4b731c55b4a441c0bde2
U1=001010000000001 U2=001010000000002
# shellcheck source=../../lib/common.sh
. "$(dirname "$0")/../../lib/common.sh" # wait_file
T=$(mktemp -d /tmp/mar-cache-e2e.XXXXXX) || exit 1
HSSD_PID=
cleanup() {
	[ -n "$HSSD_PID" ] && kill -9 "$HSSD_PID" 2>/dev/null && wait "$HSSD_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; [ -f "$T/hssd.log" ] && tail -5 "$T/hssd.log"; exit 1; }

load() { # load NAME: 0.5 s, 1 connection x 8, both users; vectors to $T/NAME
	"$LOAD" --port "$PORT" --window 8 --users 2 --domain mc.test --realm mc.test \
		--origin-host load.mc.test --duration 0.5 --drain 1 --json \
		--dump "$T/$1" >"$T/$1.json" 2>&1
}
sqn_of() { # stored SQN of an IMSI as a decimal number
	"$CTL" --db "$T/hss.db" show "$1" --json |
		sed -n 's/.*"sqn": "\([0-9a-f]*\)".*/\1/p' | { read -r h && echo $((0x$h)); }
}
verify() { # verify NAME IMSI K OPC: every vector of that user has a good MAC-A
	f=$T/$1.$2
	grep "^$2@" "$T/$1" >"$f"
	n=$(wc -l <"$f")
	[ "$n" -ge 2 ] || fail "$1: fewer than 2 vectors for $2: $(cat "$T/$1.json")"
	# sqn_check wants two phases: the first and second half of the arrivals
	# (one connection: SQN order), with no store bound between them.
	head -n $((n / 2)) "$f" >"$f.a"
	tail -n +$((n / 2 + 1)) "$f" >"$f.b"
	echo "$2@mc.test ffffffffffff" >"$f.bound"
	"$CHECK" --k "$3" --opc "$4" "$f.a" --stored "$f.bound" "$f.b" >"$f.check" ||
		fail "$1: vectors of $2 do not verify: $(cat "$f.check")"
}

printf 'imsi,impi,impu,k,opc\n%s,%s@mc.test,sip:%s@mc.test,%s,%s\n%s,%s@mc.test,sip:%s@mc.test,%s,%s\n' \
	$U1 $U1 $U1 $K1 $OPC1 $U2 $U2 $U2 $K1 $OPC1 >"$T/users.csv"
"$CTL" --db "$T/hss.db" import "$T/users.csv" >/dev/null || fail "hss-ctl import"
"$HSSD" --db "$T/hss.db" --listen tcp://127.0.0.1:0 --port-file "$T/port" \
	--origin-host hss.mc.test --realm mc.test --accept-any-peer \
	--log-level notice --log-file "$T/hssd.log" &
HSSD_PID=$!
wait_file "$T/port" 5 || fail "hssd did not start"
PORT=$(cat "$T/port")

# 1. warm
load warm || fail "warm-up load: $(cat "$T/warm.json")"
verify warm $U1 $K1 $OPC1

# 2. raised behind hssd's back
HIGH=$((0xa000000000))
"$CTL" --db "$T/hss.db" set-sqn $U1 a000000000 >/dev/null 2>&1 || fail "set-sqn up"
load up || fail "load after set-sqn up: $(cat "$T/up.json")"
verify up $U1 $K1 $OPC1
S=$(sqn_of $U1)
[ "$S" -gt "$HIGH" ] || fail "set-sqn up not seen: stored SQN $S <= $HIGH"
echo "set-sqn up: stored SQN $(printf %x "$S") > a000000000"

# 3. lowered behind hssd's back
"$CTL" --db "$T/hss.db" set-sqn $U1 20 >/dev/null 2>&1 || fail "set-sqn down"
load down || fail "load after set-sqn down: $(cat "$T/down.json")"
verify down $U1 $K1 $OPC1
S=$(sqn_of $U1)
[ "$S" -lt "$HIGH" ] && [ "$S" -gt 32 ] || fail "set-sqn down not seen: stored SQN $S"
echo "set-sqn down: stored SQN $(printf %x "$S") < a000000000"

# 4. deleted behind hssd's back: 5001 for user 2, user 1 unaffected
"$CTL" --db "$T/hss.db" del $U2 >/dev/null || fail "hss-ctl del"
load gone
grep -q '"exp:5001": [1-9]' "$T/gone.json" || fail "deleted user still served: $(cat "$T/gone.json")"
grep -q "^$U2@" "$T/gone" && fail "vector for a deleted user"
verify gone $U1 $K1 $OPC1
echo "del: MARs for the deleted user answered 5001"

# 5. provisioned again with other keys
"$CTL" --db "$T/hss.db" add --imsi $U2 --impi $U2@mc.test --impu sip:$U2@mc.test \
	--k $K2 --opc $OPC2 >/dev/null || fail "hss-ctl add"
load back || fail "load after re-provisioning: $(cat "$T/back.json")"
verify back $U2 $K2 $OPC2
verify back $U1 $K1 $OPC1
echo "re-provisioned: vectors verify with the new K"

kill "$HSSD_PID"
wait "$HSSD_PID" || fail "hssd did not stop cleanly on SIGTERM"
HSSD_PID=
echo "PASS"
