#!/usr/bin/env bash
# Records tests/pcaps/ue_sim_e2e.pcapng: our own daemons end to end on
# loopback, captured by dumpcap — hssd (Cx over TCP) and scscf-stub, with
# ue-sim registering once per fault: good, wrong K on the card, OP used as
# OPc by the card, card SQN far ahead (resync), wrong realm in the
# Authorization, and auth-int over TCP. Needs root (or dumpcap caps).
#   usage: make-e2e-capture.sh BIN_DIR [OUT]
set -u
BIN=${1:?usage: $0 BIN_DIR [OUT]}
OUT=${2:-$(cd "$(dirname "$0")" && pwd)/ue_sim_e2e.pcapng}
# shellcheck source=record-core.sh
. "$(dirname "$0")/record-core.sh" # REALM, T, core_start, core_capture
IMSI=001010000000001 IMPI=001010000000001@$REALM IMPU=sip:001010000000001@$REALM
K=465b5ce8b199b49faa5f0a2ee238a6bc OP=cdc202d5123e20f62b6d676ac72cb318

"$BIN/hss-ctl" --db "$T/hss.sqlite" add --imsi $IMSI --impi "$IMPI" --impu "$IMPU" \
	--k $K --op $OP --amf 8000 >/dev/null || exit 1
core_start
core_capture "$T/e2e.pcapng"
ue() { "$BIN/ue-sim" register --registrar "sip:127.0.0.1:$SIP_PORT$1" --impi "$IMPI" \
	--impu "$IMPU" --realm $REALM --k $K --op $OP --amf 8000 --timeout 5000 "${@:2}" \
	>/dev/null 2>&1; echo "ue-sim ${*:2}: exit $?"; }
ue ""
ue "" --fault wrong-k
ue "" --fault op-as-opc
ue "" --sqn 000000400000
ue "" --auth-realm ims.example.net
ue ";transport=tcp" --qop auth-int
capture_stop "$T/e2e.pcapng" # once every packet so far is in the file
cp "$T/e2e.pcapng" "$OUT" && echo "wrote $OUT"
