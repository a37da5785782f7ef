#!/bin/bash
# ue-sim through a real IMS core: Kamailio P-CSCF -> I-CSCF -> S-CSCF in
# front of hssd (chain.sh), on loopback, without IPsec (secagree.sh is the
# sec-agree half: it needs a kernel with ESP).
#
#   1. the chain comes up: both cdp peers (I-CSCF, S-CSCF) open with hssd,
#      Cx learnt from its CEA;
#   2. `ue-sim register` through the P-CSCF ends in 200 OK: Service-Route
#      names the S-CSCF, P-Associated-URI is the implicit set; on the way the
#      I-CSCF asked hssd with UAR (first Server-Capabilities, then the
#      Server-Name the MAR stored), the S-CSCF with MAR and SAR;
#   3. while the UE is registered, a MESSAGE to its IMPU arrives at the
#      I-CSCF as from another network: LIR/LIA (Server-Name), the S-CSCF,
#      the P-CSCF along the Path, the UE, and its answer back; a MESSAGE to
#      an unknown user ends at the I-CSCF (LIA 5001 -> 404);
#   4. the scenario files that make sense through a real core run through it
#      (akav1-register resync unknown-user deregister reregister);
#   5. a tshark capture holds UAR/UAA, MAR/MAA, SAR/SAA and LIR/LIA with
#      the expected results, no malformed packet, nothing undecodable, no
#      Diameter expert item in hssd's frames; hssd exits 0 on SIGTERM.
#
# usage: run.sh --hssd P --hss-ctl P --ue-sim P [--scenarios DIR]
#               [--save DIR] [--keep] [--debug]
# --save DIR: keep the capture there (tests/pcaps/ims-core is made so).
# exit: 0 pass, 1 fail, 2 usage, 77 skipped (Kamailio IMS modules or
# python3 missing).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TESTS_LIB="$HERE/../../lib"
# shellcheck source=chain.sh
. "$HERE/chain.sh"
HSSD="" HSSCTL="" UESIM="" SCN_DIR="$HERE/../../../scenarios" SAVE="" KEEP=0 DEBUG=0
parse_opts '
	--hssd      HSSD    exe
	--hss-ctl   HSSCTL  exe
	--ue-sim    UESIM   exe
	--scenarios SCN_DIR dir
	--save      SAVE
	--keep      KEEP    flag=1
	--debug     DEBUG   flag=1' "$@"
chain_mpath >/dev/null || { echo "skipped: Kamailio IMS modules not installed (apt-get install kamailio kamailio-ims-modules kamailio-presence-modules)"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 (the MESSAGE sender) not installed"; exit 77; }

REALM=$CHAIN_REALM
IMSI=001010000000001
IMPI=$IMSI@$REALM
IMPU=sip:$IMSI@$REALM
IMPU_TEL=tel:+15550000001
K=465b5ce8b199b49faa5f0a2ee238a6bc # TS 35.208 test set 1
OP=cdc202d5123e20f62b6d676ac72cb318
CORE_SCENARIOS="akav1-register resync unknown-user deregister reregister"

WORK="$(mktemp -d /tmp/ims-core.XXXXXX)"
cleanup() {
	[ -n "${CAP_PID:-}" ] && kill "$CAP_PID" 2>/dev/null
	chain_down "$WORK"
	if [ "$KEEP" -eq 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The subscribers: test set 1 (sip: and tel: IMPU), and those of the scenarios.
"$HSSCTL" --db "$WORK/hss.db" add --imsi "$IMSI" --impi "$IMPI" --impu "$IMPU" --impu "$IMPU_TEL" \
	--k "$K" --op "$OP" >"$WORK/hss-ctl.log" 2>&1 || { bad "hss-ctl add"; cat "$WORK/hss-ctl.log"; exit 1; }
for n in $CORE_SCENARIOS; do
	while read -r -a args; do
		"$HSSCTL" --db "$WORK/hss.db" "${args[@]:1}" >>"$WORK/hss-ctl.log" 2>&1 || bad "provisioning $n"
	done < <(grep '^hss-ctl add ' "$SCN_DIR/$n.scn")
done

chain_up "$WORK" "$HSSD" "$WORK/hss.db" 127.0.0.1 "" "$DEBUG" --log-level debug
rc=$?
[ $rc -eq 77 ] && exit 77
if [ $rc -ne 0 ]; then bad "the chain did not come up"; exit 1; fi
. "$WORK/chain.env"
ok "chain up: P-CSCF $PCSCF, I-CSCF $ICSCF, S-CSCF $SCSCF; both cdp peers I_Open with Cx (16777216:10415)"

CAP=""
if command -v tshark >/dev/null && command -v dumpcap >/dev/null; then
	if capture_start "$WORK/ims-core.pcapng" \
		"tcp port $HSS_PORT or udp port $PCSCF_PORT or udp port $ICSCF_PORT or udp port $SCSCF_PORT" \
		"$WORK/dumpcap.log"; then
		CAP="$WORK/ims-core.pcapng"
	else
		echo "# note: dumpcap cannot capture on lo here: no capture checks"
	fi
fi

ue_register() { # extra ue-sim options...
	"$UESIM" register --registrar "$PCSCF" --impi "$IMPI" --impu "$IMPU" --realm "$REALM" \
		--k "$K" --op "$OP" --answer-delay 100 --json "$@"
}

# 2 + 3: register, hold while the MESSAGEs go through, de-register.
ue_register --hold 15 >"$WORK/ue.json" 2>"$WORK/ue.log" &
UE_PID=$!
wait_file "$WORK/ue.json" 60
echo "# ue-sim: $(cat "$WORK/ue.json")"
if grep -q '"status": *200' "$WORK/ue.json"; then
	ok "ue-sim registered through P-CSCF -> I-CSCF -> S-CSCF: 200 OK"
else
	bad "ue-sim register through the chain"; cat "$WORK/ue.log"
fi
grep -q "\"service_route\": *\[\"<sip:orig@127.0.0.1:$SCSCF_PORT;lr>\"\]" "$WORK/ue.json" &&
	ok "Service-Route names the S-CSCF (127.0.0.1:$SCSCF_PORT)" || bad "Service-Route is not the S-CSCF's"
grep -q "\"associated_uris\": *\[\"<$IMPU>\", *\"<$IMPU_TEL>\"\]" "$WORK/ue.json" &&
	ok "P-Associated-URI is the implicit set <$IMPU>, <$IMPU_TEL>" || bad "P-Associated-URI is not the implicit set"
grep -q '"expires": *[1-9]' "$WORK/ue.json" &&
	ok "the 200 OK lists the UE's binding with its expiry" || bad "no binding of the UE in the 200 OK"

msg=$(python3 "$HERE/send_message.py" 127.0.0.1 "$ICSCF_PORT" "$IMPU")
echo "# MESSAGE to $IMPU via the I-CSCF: $msg"
# ue-sim answers requests it has no dialog for with 501: the MESSAGE reached it.
[ "$msg" = "SIP/2.0 501 Not Implemented" ] &&
	ok "MESSAGE to the registered IMPU: I-CSCF (LIR) -> S-CSCF -> P-CSCF -> UE, the UE's 501 back" ||
	bad "MESSAGE to the registered IMPU did not reach the UE ($msg)"
msg=$(python3 "$HERE/send_message.py" 127.0.0.1 "$ICSCF_PORT" "sip:001019999999999@$REALM")
echo "# MESSAGE to an unknown user: $msg"
[[ "$msg" == "SIP/2.0 404"* ]] && ok "MESSAGE to an unknown user: LIA 5001 -> 404 at the I-CSCF" ||
	bad "MESSAGE to an unknown user: $msg"
wait "$UE_PID" && ok "ue-sim de-registered through the chain (exit 0)" || bad "ue-sim exit $? (de-registration)"

# 4: the scenarios, each its own UE.
files=()
for n in $CORE_SCENARIOS; do files+=("$SCN_DIR/$n.scn"); done
"$UESIM" run "${files[@]}" --registrar "$PCSCF" --answer-delay 100 --junit "$WORK/scenarios.xml" \
	>"$WORK/scenarios.log" 2>&1
rc=$?
sed 's/^/# /' "$WORK/scenarios.log"
[ $rc -eq 0 ] && ok "scenarios through the chain: $(tail -1 "$WORK/scenarios.log")" ||
	bad "scenarios through the chain (ue-sim run exit $rc)"

# 5: hssd's clean exit, then the capture.
term_exits_0 "$HSSD_PID" hssd
[ -n "$CAP" ] && capture_stop "$CAP"

check_capture() {
	local d="tcp.port==$HSS_PORT,diameter" f="$WORK/cx.tsv"
	tshark -r "$CAP" -d "$d" -Y diameter -T fields -E separator=/t -e diameter.cmd.code \
		-e diameter.flags.request -e diameter.Result-Code -e diameter.Experimental-Result-Code \
		>"$f" 2>/dev/null
	has() { # DESCRIPTION FILTER
		if [ "$(tshark -r "$CAP" -d "$d" -Y "$2" 2>/dev/null | wc -l)" -gt 0 ]; then ok "capture: $1"
		else bad "capture: no $1"; fi
	}
	local ans='diameter.flags.request == 0'
	has "UAR from the I-CSCF and UAA Exp 2001 with Server-Capabilities (no S-CSCF yet: the I-CSCF picks from its list)" \
		"diameter.cmd.code == 300 && $ans && diameter.Experimental-Result-Code == 2001 && diameter.Server-Capabilities"
	has "UAA with the Server-Name hssd stored (the answer to the 401 goes to the same S-CSCF)" \
		"diameter.cmd.code == 300 && $ans && diameter.Server-Name == \"$SCSCF_NAME\""
	has "MAR from the S-CSCF and MAA 2001 with the vector (RAND||AUTN, CK, IK)" \
		"diameter.cmd.code == 303 && $ans && diameter.Result-Code == 2001 && len(diameter.3GPP-SIP-Authenticate) == 32"
	has "resync MAR (SIP-Authorization = RAND||AUTS, 30 octets)" \
		"diameter.cmd.code == 303 && diameter.flags.request == 1 && len(diameter.3GPP-SIP-Authorization) == 30"
	has "SAR REGISTRATION and SAA 2001 with User-Data" \
		"diameter.cmd.code == 301 && $ans && diameter.Result-Code == 2001 && diameter.Cx-User-Data"
	has "SAR USER_DEREGISTRATION (5)" \
		"diameter.cmd.code == 301 && diameter.flags.request == 1 && diameter.Server-Assignment-Type == 5"
	has "LIR from the I-CSCF and LIA 2001 with the S-CSCF's Server-Name" \
		"diameter.cmd.code == 302 && $ans && diameter.Result-Code == 2001 && diameter.Server-Name == \"$SCSCF_NAME\""
	has "LIA Exp 5001 for the unknown user" \
		"diameter.cmd.code == 302 && $ans && diameter.Experimental-Result-Code == 5001"
	has "UAA Exp 5001 for the unknown user's REGISTER" \
		"diameter.cmd.code == 300 && $ans && diameter.Experimental-Result-Code == 5001"
	local n
	n=$(tshark -r "$CAP" -Y "sip && _ws.malformed" 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] && ok "no malformed SIP packet" || bad "$n malformed SIP packet(s)"
	diameter_capture_clean "$CAP" "$HSS_PORT" "$WORK"
	[ -n "$SAVE" ] && mkdir -p "$SAVE" && cp "$CAP" "$SAVE/chain.pcapng"
}
[ -n "$CAP" ] && check_capture

if [ "$FAILS" -ne 0 ]; then
	for n in pcscf icscf scscf; do
		echo "# --- $n log (errors) ---"
		grep -E "ERROR|CRITICAL" "$WORK/$n.log" | grep -v "tcp_init\|clean_sa\|clean_policy" | tail -10
	done
	echo "# --- hssd log (tail) ---"; tail -20 "$WORK/hssd.log"
	echo "ims-core chain: FAILED ($FAILS check(s))"
	exit 1
fi
echo "ims-core chain: passed"
exit 0
