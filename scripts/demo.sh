#!/usr/bin/env bash
# The README's main job: one IMS AKA registration end to end, explained.
#
# Provisions the demo subscriber (TS 35.208 test set 1 keys, the identities
# of DESIGN.md) in a temporary SQLite file, starts hssd and scscf-stub on
# free loopback ports, runs `ue-sim register --explain`, shuts everything
# down and exits with the registration's exit code (0 = 200 OK).
# Assumes a built tree: BIN (default build/bin) holds the programs.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/common.sh
. "$ROOT/tests/lib/common.sh" # wait_file, wait_for
BIN=${BIN:-$ROOT/build/bin}
for p in hssd hss-ctl scscf-stub ue-sim; do
	if [ ! -x "$BIN/$p" ]; then
		echo "demo: $BIN/$p not found: build first (cmake -S . -B build && cmake --build build)" >&2
		exit 2
	fi
done

REALM=ims.mnc001.mcc001.3gppnetwork.org
IMSI=001010000000001
IMPI=$IMSI@$REALM
IMPU=sip:$IMSI@$REALM
TEL=tel:+15550000001
K=465b5ce8b199b49faa5f0a2ee238a6bc   # TS 35.208 §4.3 test set 1
OP=cdc202d5123e20f62b6d676ac72cb318
HSS_HOST=hss.$REALM
SCSCF_HOST=scscf.$REALM

WORK=$(mktemp -d /tmp/ims-demo.XXXXXX)
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "demo: $1" >&2; [ -f "${2:-}" ] && tail -5 "$2" >&2; exit 1; }

echo "== provisioning $IMPI (K and OP of TS 35.208 test set 1; APNs internet + ims) in $WORK/hss.sqlite"
"$BIN/hss-ctl" --db "$WORK/hss.sqlite" add --imsi $IMSI --impi "$IMPI" --impu "$IMPU" \
	--impu $TEL --k $K --op $OP --amf 8000 || fail "hss-ctl add failed"
# Its EPS profile for S6a: APN internet (default, QCI 9) and ims (QCI 5),
# what an MME's Update-Location-Answer will carry (docs/hss-s6a.md).
{
	"$BIN/hss-ctl" --db "$WORK/hss.sqlite" apn add internet --pdn-type ipv4v6 --qci 9 --arp-priority 8 &&
	"$BIN/hss-ctl" --db "$WORK/hss.sqlite" apn add ims --pdn-type ipv4v6 --qci 5 --arp-priority 1 &&
	"$BIN/hss-ctl" --db "$WORK/hss.sqlite" apn assign $IMSI internet --default &&
	"$BIN/hss-ctl" --db "$WORK/hss.sqlite" apn assign $IMSI ims &&
	"$BIN/hss-ctl" --db "$WORK/hss.sqlite" set-eps $IMSI --msisdn 15550000001 \
		--ambr-ul 50000000 --ambr-dl 100000000
} >/dev/null || fail "hss-ctl apn/set-eps failed"

"$BIN/hssd" --db "$WORK/hss.sqlite" --listen tcp://127.0.0.1:0 --port-file "$WORK/hss.port" \
	--origin-host $HSS_HOST --realm $REALM --peer $SCSCF_HOST --log-level notice \
	>"$WORK/hssd.log" 2>&1 &
PIDS+=($!)
wait_file "$WORK/hss.port" 10 "$!" || fail "hssd did not start" "$WORK/hssd.log"
HSS_PORT=$(cat "$WORK/hss.port")
echo "== hssd on tcp://127.0.0.1:$HSS_PORT"

"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$WORK/sip.port" \
	--hss tcp://127.0.0.1:$HSS_PORT --origin-host $SCSCF_HOST --realm $REALM \
	--name sip:$SCSCF_HOST --hss-host $HSS_HOST --hss-realm $REALM --log-level info \
	>"$WORK/scscf.log" 2>&1 &
PIDS+=($!)
wait_file "$WORK/sip.port" 10 "$!" || fail "scscf-stub did not start" "$WORK/scscf.log"
SIP_PORT=$(cat "$WORK/sip.port")
wait_for 5 grep -Eq -e '-> OPEN|CEA' "$WORK/scscf.log" || fail "scscf-stub did not connect to hssd" "$WORK/scscf.log"
echo "== scscf-stub on sip:127.0.0.1:$SIP_PORT, Cx connection to hssd open"
echo

"$BIN/ue-sim" register --registrar sip:127.0.0.1:$SIP_PORT --impi "$IMPI" --impu "$IMPU" \
	--realm $REALM --k $K --op $OP --amf 8000 --explain
rc=$?
echo
if [ $rc -eq 0 ]; then
	echo "== registered: IMS AKA worked end to end (ue-sim exit 0)"
else
	echo "== registration failed (ue-sim exit $rc); last S-CSCF and HSS log lines:"
	tail -3 "$WORK/scscf.log"
	tail -3 "$WORK/hssd.log"
fi
exit $rc
