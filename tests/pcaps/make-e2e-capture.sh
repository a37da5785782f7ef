#!/usr/bin/env bash
# Records tests/pcaps/ue_sim_e2e.pcapng: our own daemons end to end on
# loopback, captured by dumpcap — hssd (Cx over TCP) and scscf-stub, with
# ue-sim registering once per fault: good, wrong K on the card, OP used as
# OPc by the card, card SQN far ahead (resync), wrong realm in the
# Authorization, and auth-int over TCP. Needs root (or dumpcap caps).
#   usage: make-e2e-capture.sh BIN_DIR [OUT]
set -u
TESTS_LIB="$(cd "$(dirname "$0")/../lib" && pwd)"
# shellcheck source=../lib/common.sh
. "$TESTS_LIB/common.sh" # capture_start, capture_stop
BIN=${1:?usage: $0 BIN_DIR [OUT]}
OUT=${2:-$(cd "$(dirname "$0")" && pwd)/ue_sim_e2e.pcapng}
REALM=ims.mnc001.mcc001.3gppnetwork.org
IMSI=001010000000001 IMPI=001010000000001@$REALM IMPU=sip:001010000000001@$REALM
K=465b5ce8b199b49faa5f0a2ee238a6bc OP=cdc202d5123e20f62b6d676ac72cb318
WORK=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
wait_file() { for ((i = 0; i < $2 * 20; i++)); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

"$BIN/hss-ctl" --db "$WORK/hss.sqlite" add --imsi $IMSI --impi "$IMPI" --impu "$IMPU" \
	--k $K --op $OP --amf 8000 >/dev/null || exit 1
"$BIN/hssd" --db "$WORK/hss.sqlite" --listen tcp://127.0.0.1:0 --port-file "$WORK/hss.port" \
	--origin-host hss.$REALM --realm $REALM --accept-any-peer --log-level notice \
	>"$WORK/hssd.log" 2>&1 &
PIDS+=($!)
wait_file "$WORK/hss.port" 10 || { echo "hssd did not start" >&2; exit 1; }
HSS_PORT=$(cat "$WORK/hss.port")
"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$WORK/sip.port" \
	--hss tcp://127.0.0.1:$HSS_PORT --origin-host scscf.$REALM --realm $REALM \
	--name sip:scscf.$REALM --hss-host hss.$REALM --hss-realm $REALM \
	--ck-ik-always >"$WORK/scscf.log" 2>&1 & # the committed capture has ck/ik (no P-CSCF)
PIDS+=($!)
wait_file "$WORK/sip.port" 10 || { echo "scscf-stub did not start" >&2; exit 1; }
SIP_PORT=$(cat "$WORK/sip.port")
sleep 1
# the Cx connection is already up: capture by port (SIP and Cx)
# (returns once a probe is in the file: "Capturing on" comes too early)
capture_start "$WORK/e2e.pcapng" "port $SIP_PORT or port $HSS_PORT" "$WORK/dumpcap.log" ||
	{ echo "dumpcap cannot capture on lo: $(cat "$WORK/dumpcap.log")" >&2; exit 1; }
PIDS+=("$CAP_PID")
ue() { "$BIN/ue-sim" register --registrar "sip:127.0.0.1:$SIP_PORT$1" --impi "$IMPI" \
	--impu "$IMPU" --realm $REALM --k $K --op $OP --amf 8000 --timeout 5000 "${@:2}" \
	>/dev/null 2>&1; echo "ue-sim ${*:2}: exit $?"; }
ue ""
ue "" --fault wrong-k
ue "" --fault op-as-opc
ue "" --sqn 000000400000
ue "" --auth-realm ims.example.net
ue ";transport=tcp" --qop auth-int
capture_stop "$WORK/e2e.pcapng" # once every packet so far is in the file
cp "$WORK/e2e.pcapng" "$OUT" && echo "wrote $OUT"
