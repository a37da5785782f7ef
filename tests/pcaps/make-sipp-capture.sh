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
BIN=${1:?usage: $0 BIN_DIR [OUT]}
OUT=${2:-$HERE/sipp_aka.pcapng}
command -v sipp >/dev/null || { echo "sipp is not installed (Debian sip-tester)" >&2; exit 1; }
# shellcheck source=record-core.sh
. "$HERE/record-core.sh" # REALM, T, core_start, core_capture
IMSI=001010000000006 IMPI=001010000000006@$REALM
K=534950702d414b412d6b65792d303236 OP=534950702d414b412d6f702d2d303236

"$BIN/hss-ctl" --db "$T/hss.sqlite" add --imsi $IMSI --impi "$IMPI" --impu "sip:$IMPI" \
	--k $K --op $OP --amf b9b9 --sqn 20 >/dev/null || exit 1
core_start
core_capture "$T/sipp.pcapng"
sipp_run() { # XML
	(cd "$T" && timeout 30 sipp 127.0.0.1:"$SIP_PORT" -sf "$1" -m 1 -i 127.0.0.1 -p 0 \
		-nostdin -key user $IMSI -key realm $REALM -au "$IMPI" -ap unused \
		>"$T/sipp.out" 2>&1)
	echo "sipp $(basename "$1"): exit $?"
}
sipp_run "$HERE/../e2e/scscf/sipp_reg_aka.xml"
# the same UE with another K (set 3's, printable stand-in): expects 403
sed 's/SIPp-AKA-key-026/SIPp-AKA-key-999/; s/recv response="200"/recv response="403"/' \
	"$HERE/../e2e/scscf/sipp_reg_aka.xml" >"$T/wrong_k.xml"
sipp_run "$T/wrong_k.xml"
capture_stop "$T/sipp.pcapng"
cp "$T/sipp.pcapng" "$OUT" && echo "wrote $OUT"
