#!/bin/sh
# Issue 16 item 1: no lock-out by SQN. TS 33.102 §6.3.5 (v): after a
# verified AUTS the HSS resets SQN_HE to SQN_MS when its next SQN would not
# be accepted by the card — also downwards (hss/auc.h says why that is safe).
#  1. SQN_HE pushed more than Δ (2^28 SEQs, Annex C.2.1) ahead of the card
#     (hss-ctl set-sqn): the card refuses (Δ), sends AUTS, and registers
#     after that one resync; the store's SQN is back near the card's.
#  2. 10,000 unauthenticated REGISTERs (each consumes one SQN), then a card
#     that applies Δ still registers.
# Usage: run.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip (reason printed).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../lib/common.sh"
BIN=$1
for p in hssd hss-ctl scscf-stub ue-sim; do need_exe "$BIN/$p" "$p"; done
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }

T=$(mktemp -d /tmp/resync-e2e.XXXXXX)
cleanup() {
	stop_pids $HSSD_PID $STUB_PID
	if [ -n "$KEEP" ]; then echo "logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

REALM=ims.mnc001.mcc001.3gppnetwork.org
IMPI=001010000000001@$REALM
IMPU=sip:001010000000001@$REALM
K=465b5ce8b199b49faa5f0a2ee238a6bc
OPC=cd63cb71954a9f4e48a5994e37a02baf
CTL="$BIN/hss-ctl --db $T/hss.db"

$CTL add --imsi 001010000000001 --impi "$IMPI" --impu "$IMPU" --k $K --opc $OPC >/dev/null ||
	{ bad "hss-ctl add"; exit 1; }
start_hssd "$BIN/hssd" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer
"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/stub.port" --hss tcp://127.0.0.1:$HSS_PORT \
	--realm $REALM --log-file "$T/stub.log" 2>"$T/stub.stderr" &
STUB_PID=$!
wait_file "$T/stub.port" 10 || { bad "scscf-stub wrote no port file"; cat "$T/stub.stderr"; exit 1; }
SIP=$(cat "$T/stub.port")

sqn_he() { $CTL show "$IMPI" --json | sed -n 's/.*"sqn": *"\([0-9a-f]*\)".*/\1/p'; }
register() { # extra ue-sim args
	"$BIN/ue-sim" register --registrar sip:127.0.0.1:$SIP --impi "$IMPI" --impu "$IMPU" \
		--realm $REALM --k $K --opc $OPC --usim-state "$T/card" "$@" >"$T/ue.out" 2>&1
}

# A card that accepted SQN 0x20 once (its state file), then SQN_HE far ahead.
register || { bad "first registration failed"; cat "$T/ue.out"; exit 1; }
far=$(printf %012x $(( ((1 << 28) + 1000) << 5 )))
$CTL set-sqn "$IMPI" "$far" >/dev/null || { bad "hss-ctl set-sqn"; exit 1; }
if register --explain; then
	ok "SQN_HE > Δ ahead of the card: registered after one resync"
else
	bad "SQN_HE > Δ ahead of the card: not registered (lock-out)"; cat "$T/ue.out"
fi
grep -q "auts" "$T/ue.out" && ok "the card answered with AUTS (Δ check)" ||
	bad "no AUTS in the UE's exchange"
he=$(sqn_he)
if [ -n "$he" ] && [ $((0x$he)) -lt $((0x$far)) ]; then
	ok "SQN_HE reset down to the card's range ($he)"
else
	bad "SQN_HE not reset: '$he' (was $far)"
fi
grep -q "reset to SQN_MS" "$T/hssd.log" && ok "hssd logged the reset" || bad "hssd did not log the reset"

# 10,000 unauthenticated REGISTERs, then the same card registers.
before=$(sqn_he)
if python3 "$HERE/register_flood.py" 127.0.0.1 "$SIP" "$IMPU" $REALM 10000 >"$T/flood.out"; then
	ok "10,000 unauthenticated REGISTERs challenged ($(cat "$T/flood.out"))"
else
	bad "flood: $(cat "$T/flood.out")"
fi
after=$(sqn_he)
if [ $(( (0x$after >> 5) - (0x$before >> 5) )) -ge 10000 ]; then
	ok "each REGISTER consumed an SQN (SQN_HE $before -> $after)"
else
	bad "SQN_HE moved only $before -> $after"
fi
if register; then
	ok "a card applying Δ registers after the flood"
else
	bad "no registration after the flood"; cat "$T/ue.out"
fi
[ "$FAILS" -eq 0 ]
