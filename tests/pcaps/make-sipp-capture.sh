#!/usr/bin/env bash
# Records tests/pcaps/sipp_aka.pcapng: another implementation's UE — SIPp's
# own IMS AKA (RFC 3310 AKAv1-MD5, Debian sip-tester) — registering through
# scscf-stub and hssd on loopback, captured by dumpcap: once with the
# subscriber's keys, once with another K (SIPp answers anyway: its response
# is then no RES of the subscriber). SIPp's AKA keys pass through C strings,
# so the subscriber has printable K/OP and AMF b9b9 (as in
# tests/e2e/scscf/sipp_reg_aka.xml). Needs root (or dumpcap caps) and sipp.
#   usage: make-sipp-capture.sh BIN_DIR [OUT]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TESTS_LIB="$HERE/../lib"
# shellcheck source=../lib/common.sh
. "$TESTS_LIB/common.sh" # capture_start, capture_stop
BIN=${1:?usage: $0 BIN_DIR [OUT]}
OUT=${2:-$HERE/sipp_aka.pcapng}
REALM=ims.mnc001.mcc001.3gppnetwork.org
IMSI=001010000000006 IMPI=001010000000006@$REALM
K=534950702d414b412d6b65792d303236 OP=534950702d414b412d6f702d2d303236
WORK=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
command -v sipp >/dev/null || { echo "sipp is not installed (Debian sip-tester)" >&2; exit 1; }
wait_file() { for ((i = 0; i < $2 * 20; i++)); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

"$BIN/hss-ctl" --db "$WORK/hss.sqlite" add --imsi $IMSI --impi "$IMPI" --impu "sip:$IMPI" \
	--k $K --op $OP --amf b9b9 --sqn 20 >/dev/null || exit 1
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
capture_start "$WORK/sipp.pcapng" "port $SIP_PORT or port $HSS_PORT" "$WORK/dumpcap.log" ||
	{ echo "dumpcap cannot capture on lo: $(cat "$WORK/dumpcap.log")" >&2; exit 1; }
PIDS+=("$CAP_PID")
sipp_run() { # XML
	(cd "$WORK" && timeout 30 sipp 127.0.0.1:"$SIP_PORT" -sf "$1" -m 1 -i 127.0.0.1 -p 0 \
		-nostdin -key user $IMSI -key realm $REALM -au "$IMPI" -ap unused \
		>"$WORK/sipp.out" 2>&1)
	echo "sipp $(basename "$1"): exit $?"
}
sipp_run "$HERE/../e2e/scscf/sipp_reg_aka.xml"
# the same UE with another K (set 3's, printable stand-in): expects 403
sed 's/SIPp-AKA-key-026/SIPp-AKA-key-999/; s/recv response="200"/recv response="403"/' \
	"$HERE/../e2e/scscf/sipp_reg_aka.xml" >"$WORK/wrong_k.xml"
sipp_run "$WORK/wrong_k.xml"
capture_stop "$WORK/sipp.pcapng"
cp "$WORK/sipp.pcapng" "$OUT" && echo "wrote $OUT"
