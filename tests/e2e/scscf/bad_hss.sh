#!/bin/sh
# e2e (issue 10): scscf-stub validates every answer from the HSS before it
# uses it. A stand-in HSS (bad_hss.py, raw Diameter over TCP) answers the
# stub's MARs and SARs from a case table: for each defective MAA or SAA the
# UE (ue-sim register) must get a 5xx — never 401 or 200 — the stub's log
# line must name the defect, and the stub must keep serving: good UEs
# between and after the bad ones register (401 then 200) on the same Cx
# connection, which never drops.
# Usage: bad_hss.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip. KEEP=1 keeps logs.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1
for p in scscf-stub ue-sim aka-tool; do need_exe "$BIN/$p" "$p"; done
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }

work_dir scscf-bad-hss

REALM=ims.mnc001.mcc001.3gppnetwork.org
K=465b5ce8b199b49faa5f0a2ee238a6bc
OPC=cd63cb71954a9f4e48a5994e37a02baf

# One good vector per UE that gets a 401 (each its own RAND): the UE's
# card must accept it (SQN 0x40 > its fresh SQN_MS, AMF 8000).
vector() { # N -> "RAND AUTN XRES CK IK"
	r=$(printf '%032x' "$((0x1000 + $1))")
	"$BIN/aka-tool" milenage --k $K --opc $OPC --rand "$r" --sqn 000000000040 --amf 8000 \
		--json | python3 -c 'import json,sys; v=json.load(sys.stdin);
print(sys.argv[1], v["autn"], v["res"], v["ck"], v["ik"])' "$r"
}

# IMPI MAA SAA EXPECTED-STATUS DEFECT-IN-LOG
CASES='
good1 good good 200 registered
noitem noitem - 500 success without SIP-Auth-Data-Item
badlen badlen - 500 invalid length of Result-Code
badtype badtype - 500 invalid value in SIP-Number-Auth-Items
exp2001 exp2001 - 500 MAA: success 2001 as Experimental-Result
both both - 500 MAA carries both Result-Code and Experimental-Result
noorigin noorigin - 500 missing required AVP Origin-Host
shortauth shortauth - 500 SIP-Authenticate of 20 octets
shortck shortck - 500 Confidentiality-Key of 15 octets
badutf8 badutf8 - 500 invalid value in Origin-Realm
unknownm unknownm - 500 unsupported mandatory AVP 4242
good2 good good 200 registered
saaboth good both 500 SAA carries both Result-Code and Experimental-Result
saaexp good exp2001 500 SAA: success 2001 as Experimental-Result
saanoass good nosessionstate 500 missing required AVP Auth-Session-State
saabadlen good badlen 500 invalid length of User-Data
good3 good good 200 registered
'
n=0
echo "$CASES" | while read -r name maa saa _; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	echo "$name@$REALM $maa $saa $(vector $n)"
done >"$T/cases"
[ "$(wc -l <"$T/cases")" -eq 17 ] || { bad "cannot build the case table"; cat "$T/cases"; exit 1; }

python3 "$HERE/bad_hss.py" --port-file "$T/hss.port" --cases "$T/cases" >"$T/bad_hss.log" 2>&1 &
PIDS="$!"
wait_file "$T/hss.port" 10 || { bad "bad_hss.py wrote no port file"; cat "$T/bad_hss.log"; exit 1; }
"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/sip.port" \
	--hss "tcp://127.0.0.1:$(cat "$T/hss.port")" --origin-host scscf.$REALM --realm $REALM \
	--hss-timeout 3000 --log-file "$T/scscf.log" --log-level info 2>"$T/scscf.err" &
STUB=$!
PIDS="$PIDS $STUB"
wait_file "$T/sip.port" 10 && wait_for 10 grep -q "open (CEA" "$T/scscf.log" ||
	{ bad "scscf-stub has no Cx connection to the stand-in"; cat "$T/scscf.log"; exit 1; }
SIP=$(cat "$T/sip.port")

echo "$CASES" | while read -r name maa saa want defect; do
	[ -n "$name" ] || continue
	out=$("$BIN/ue-sim" register --registrar "sip:127.0.0.1:$SIP" --impi "$name@$REALM" \
		--impu "sip:$name@$REALM" --realm $REALM --k $K --opc $OPC --timeout 5000 \
		--json 2>>"$T/ue.err")
	got=$(echo "$out" | sed -n 's/.*"status": *\([0-9]*\).*/\1/p')
	line=$(grep "REGISTER impi=$name@$REALM " "$T/scscf.log" | tail -1)
	if [ "$got" = "$want" ] && echo "$line" | grep -qF -- "$defect"; then
		ok "$name (MAA $maa, SAA $saa): $got, log names '$defect'"
	else
		bad "$name (MAA $maa, SAA $saa): status '$got' (want $want), log: $line"
	fi
done | tee "$T/results"
FAILS=$(grep -c '^FAIL' "$T/results")

if kill -0 "$STUB" 2>/dev/null; then ok "scscf-stub is still running"
else bad "scscf-stub died"; FAILS=$((FAILS + 1)); fi
if [ "$(grep -c "open (CEA" "$T/scscf.log")" -eq 1 ] && ! grep -q "connection lost" "$T/scscf.log"; then
	ok "one Cx connection throughout (a defective answer does not drop it)"
else
	bad "the Cx connection was lost or reopened"; FAILS=$((FAILS + 1))
fi
if grep -q "defective answer" "$T/scscf.log"; then ok "defective answers logged at warning"
else bad "no 'defective answer' warning"; FAILS=$((FAILS + 1)); fi
[ "$FAILS" -eq 0 ] || { echo "# --- scscf-stub log ---"; tail -40 "$T/scscf.log"; exit 1; }
exit 0
