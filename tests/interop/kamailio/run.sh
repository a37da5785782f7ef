#!/bin/bash
# Kamailio 5.6 S-CSCF (cdp + ims_auth + ims_registrar_scscf) <-> hssd, and
# ue-sim registering through it.
#
#   1. provisions one subscriber with hss-ctl (TS 35.208 test set 1 keys);
#   2. starts hssd and Kamailio on free loopback ports; cdp connects to hssd;
#      `kamcmd cdp.list_peers` must show the HSS in state I_Open with Cx
#      (16777216:10415) among its applications — i.e. hssd's CEA advertised
#      Cx the way cdp needs (Vendor-Specific-Application-Id);
#   3. `ue-sim register` through Kamailio (with an answer delay: ims_auth
#      sends the 401 before it stores the vector) must end in 200 OK, with
#      Service-Route naming this S-CSCF and P-Associated-URI exactly the
#      implicit set: MAR/MAA + SAR/SAA against hssd. Then a card whose SQN
#      is far ahead (AUTS -> resync MAR -> 200 OK) and an unknown user (403);
#   4. a tshark capture of the Cx session, decoded as Diameter, must hold
#      MAA and SAA with Result-Code 2001 and what Kamailio needs in them (the
#      vector with CK/IK, echoed identities, User-Data), the resync MAR, the
#      5001 answer with echoed identities; every byte decodable, no malformed
#      packet and no Diameter expert item (note, warning or error) in what
#      hssd sent;
#   5. with --scenarios DIR: the project's scenario files that need no
#      scscf-stub settings and whose expectations hold for Kamailio too
#      (KAMAILIO_SCENARIOS below) run through it with `ue-sim run`.
# cdp resolves the HSS "FQDN" itself; an IP literal (127.0.0.1) works, so the
# test needs no /etc/hosts entry and changes nothing on the machine.
#
# usage: run.sh --hssd PATH --hss-ctl PATH [--ue-sim PATH] [--scenarios DIR]
#               [--keep] [--debug]
# Without --ue-sim only steps 1-2 run (and the output says so).
# exit: 0 pass, 1 fail, 77 skipped (kamailio not installed), 2 usage.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
TESTS_LIB="$HERE/../../lib"
# shellcheck source=../../lib/common.sh
. "$TESTS_LIB/common.sh" # ok/bad, free_port, wait_for, term_exits_0, ...
HSSD="" HSSCTL="" UESIM="" SCN_DIR="" KEEP=0 DEBUG=2
parse_opts '
	--hssd      HSSD    exe
	--hss-ctl   HSSCTL  exe
	--ue-sim    UESIM   exe?
	--scenarios SCN_DIR dir?
	--keep      KEEP    flag=1
	--debug     DEBUG   flag=3' "$@"

# Scenarios (scenarios/*.scn) that hold for Kamailio as S-CSCF. Left out, and
# why: akav2-register, md5-register, multi-vector, expiry, stale-nonce and
# hss-down configure scscf-stub (`network` lines); akav1-register and
# deregister expect a Contact in the first 200 OK, which Kamailio 5.6.3 omits;
# mac-failure and op-as-opc expect 403 after an empty response, Kamailio
# challenges again (401); wrong-realm expects 403 to the first REGISTER,
# Kamailio answers it with 403 or 401 depending on timing. tuak-register and
# tuak-resync: TUAK cards with a 256-bit K (issue 18), registration and
# resync with a 32-octet XRES through Kamailio's ims_auth.
KAMAILIO_SCENARIOS="implicit-set op-auth-int reregister resync unknown-user wrong-res xor-usim tuak-register tuak-resync"
# The Diameter-fault scenarios (docs/faults.md): hssd misbehaves towards
# Kamailio's S-CSCF through `hss fault` lines (the fault hook below); each
# records Kamailio's answer in its `[kamailio]` steps (ue-sim run --scscf
# kamailio), the table in docs/faults.md is made from them.
KAMAILIO_FAULT_SCENARIOS="fault-maa-drop fault-maa-5001 fault-saa-5012 fault-maa-delay-timer-f
	fault-maa-delay fault-maa-omit-avp fault-maa-bad-length fault-close fault-dpr"

kamailio_mpath # MPATH, or skip

REALM=ims.mnc001.mcc001.3gppnetwork.org
HSS_HOST=hss.$REALM
SCSCF_HOST=scscf.$REALM
IMSI=001010000000001
IMPI=$IMSI@$REALM
IMPU=sip:$IMSI@$REALM
IMPU_TEL=tel:+15550000001
# TS 35.208 test set 1 (K, OP); the card's AMF is the HSS default 8000.
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
XSD=/usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd
[ -f "$XSD" ] || XSD=""

WORK="$(mktemp -d /tmp/kamailio-interop.XXXXXX)"
PIDS=()
cleanup() {
	stop_pids "${PIDS[@]}"
	# Kamailio's children stay in its process group: take down any that
	# outlived the main process (only that group: ours).
	[ -n "${KAM_PGID:-}" ] && kill -9 -- "-$KAM_PGID" 2>/dev/null
	if [ "$KEEP" -eq 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$HSSCTL" --db "$WORK/hss.db" add --imsi "$IMSI" --impi "$IMPI" --impu "$IMPU" --impu "$IMPU_TEL" \
	--k "$K" --op "$OP" >"$WORK/hss-ctl.log" 2>&1 ||
	{ bad "hss-ctl add"; cat "$WORK/hss-ctl.log"; exit 1; }
start_hssd "$HSSD" "$WORK" --origin-host "$HSS_HOST" --realm "$REALM" --peer "$SCSCF_HOST" \
	--log-level debug
PIDS+=("$HSSD_PID")

# Kamailio cannot report a port it picked: choose free ones (UDP+TCP).
SIP_PORT="$(free_port)"
CDP_PORT="$(free_port)"
# free_port runs in a subshell: keep the ports distinct by hand.
while [ "$SIP_PORT" = "$HSS_PORT" ]; do SIP_PORT="$(free_port)"; done
while [ "$CDP_PORT" = "$SIP_PORT" ] || [ "$CDP_PORT" = "$HSS_PORT" ]; do CDP_PORT="$(free_port)"; done
echo "# kamailio sip:127.0.0.1:$SIP_PORT (cdp on $CDP_PORT), hssd on 127.0.0.1:$HSS_PORT, work dir $WORK"

sed -e "s|@DEBUG@|$DEBUG|; s|@SIP_PORT@|$SIP_PORT|g; s|@SCSCF_SIP_HOST@|$SCSCF_HOST|g" \
    -e "s|@REALM@|$REALM|g; s|@MPATH@|$MPATH|; s|@WORK@|$WORK|g; s|@XSD@|$XSD|" \
    "$HERE/kamailio.cfg.in" >"$WORK/kamailio.cfg"
sed -e "s|@SCSCF_HOST@|$SCSCF_HOST|; s|@REALM@|$REALM|g; s|@TC@|3|" \
    -e "s|@HSS_PEER@|127.0.0.1|g; s|@HSS_PORT@|$HSS_PORT|; s|@CDP_PORT@|$CDP_PORT|" \
    "$HERE/cdp.xml.in" >"$WORK/cdp.xml"
if ! kamailio -c -f "$WORK/kamailio.cfg" >"$WORK/kamailio-check.log" 2>&1; then
	bad "kamailio -c rejects the generated config"; cat "$WORK/kamailio-check.log"; exit 1
fi

# Capture Cx and SIP before Kamailio starts, so the CER is in it:
# capture_start returns once dumpcap provably captures.
CAP=""
if command -v tshark >/dev/null && command -v dumpcap >/dev/null; then
	if capture_start "$WORK/cx.pcapng" "tcp port $HSS_PORT or port $SIP_PORT" "$WORK/dumpcap.log"; then
		CAP="$WORK/cx.pcapng"
		PIDS+=("$CAP_PID")
	else
		echo "# note: dumpcap cannot capture on lo here; no capture checks"
		cat "$WORK/dumpcap.log"
	fi
fi

# -DD: no daemon, main process in the foreground; -E: log to stderr.
setsid kamailio -f "$WORK/kamailio.cfg" -DD -E -m 64 -M 8 -Y "$WORK" -P "$WORK/kamailio.pid" \
	>"$WORK/kamailio.log" 2>&1 &
KAM_PID=$!
PIDS+=("$KAM_PID")
# setsid made Kamailio's main process the leader of its own process group.
wait_for 20 test -s "$WORK/kamailio.pid" && KAM_PGID="$(cat "$WORK/kamailio.pid")"

# Provisions each scenario's `hss-ctl add` lines, then runs the scenarios
# through Kamailio in one `ue-sim run` (which ends "N passed, N failed").
run_scenarios() {
	local files=() f args
	for n in $KAMAILIO_SCENARIOS $KAMAILIO_FAULT_SCENARIOS; do
		f="$SCN_DIR/$n.scn"
		[ -f "$f" ] || { bad "scenario $f missing"; continue; }
		files+=("$f")
		while read -r -a args; do
			"$HSSCTL" --db "$WORK/hss.db" "${args[@]:1}" >>"$WORK/hss-ctl.log" 2>&1 ||
				bad "provisioning $n: ${args[*]:0:4} ..."
		done < <(grep '^hss-ctl add ' "$f")
	done
	# fault lines: hss-ctl on this store, then wait for hssd's log line
	HSS_CTL=$HSSCTL FAULT_DB=$WORK/hss.db HSSD_LOG=$WORK/hssd.log \
	"$UESIM" run "${files[@]}" --registrar "sip:127.0.0.1:$SIP_PORT" --answer-delay 100 \
		--scscf kamailio --fault-hook "$HERE/../../../tools/ims-bench/fault-hook.sh" \
		--junit "$WORK/scenarios.xml" >"$WORK/scenarios.log" 2>&1
	local rc=$?
	sed 's/^/# /' "$WORK/scenarios.log"
	[ $rc -eq 0 ] && ok "${#files[@]} scenarios through Kamailio: $(tail -1 "$WORK/scenarios.log")" ||
		bad "scenarios through Kamailio (ue-sim run exit $rc)"
}

# PPR (TS 29.228 §6.1.7) to Kamailio's S-CSCF: hss-ctl bars the tel: IMPU of
# the registered set and sets charging names; hssd pushes the profile to the
# S-CSCF stored by the SAR. Kamailio 5.6.3's ims_registrar_scscf handles
# only RTR among HSS-initiated requests: it logs the PPR as an unknown Cx
# request and answers nothing, so hssd sends it once more (T flag) after
# 10 s and then closes the row as unanswered -- both checked here.
push_profile() {
	local out ppr
	out=$("$HSSCTL" --db "$WORK/hss.db" set-impu "$IMPU_TEL" --barred yes 2>&1)
	ppr=$(echo "$out" | sed -n 's/^queued PPR \([0-9]*\) .*/\1/p')
	if [ -z "$ppr" ]; then bad "hss-ctl set-impu queued no PPR: $out"; return; fi
	ok "hss-ctl set-impu --barred queued PPR $ppr for the user registered at Kamailio"
	if wait_for 10 grep -q "PPR $ppr for $IMPI sent to $SCSCF_HOST" "$WORK/hssd.log"; then
		ok "hssd sent PPR $ppr to Kamailio's S-CSCF ($SCSCF_HOST)"
	else
		bad "hssd did not send PPR $ppr"
	fi
	if wait_for 10 grep -q "unknown request for Cx/Dx command 305" "$WORK/kamailio.log"; then
		ok "Kamailio received the PPR (ims_registrar_scscf: 'unknown request for Cx/Dx command 305')"
	else
		bad "Kamailio did not log the PPR"
	fi
	if wait_for 15 grep -q "PPR $ppr for $IMPI sent to $SCSCF_HOST (again" "$WORK/hssd.log" &&
	   wait_for 15 grep -q "PPR $ppr for $IMPI to $SCSCF_HOST: no answer, dropped" "$WORK/hssd.log"; then
		ok "no PPA from Kamailio 5.6.3: PPR $ppr sent again (T flag), then dropped as unanswered"
	elif grep -q "PPA for PPR $ppr" "$WORK/hssd.log"; then
		ok "Kamailio answered the PPR: $(grep "PPA for PPR $ppr" "$WORK/hssd.log" | tail -1)"
	else
		bad "PPR $ppr neither answered nor dropped"
	fi
	PPR_SENT=1
}

cdp_peers() { kamcmd -s "unix:$WORK/kamailio_ctl" cdp.list_peers 2>/dev/null; }
cx_open() { cdp_peers >"$WORK/peers.txt" && grep -q "State: I_Open" "$WORK/peers.txt"; }
# cdp's first CER can fail (its Host-IP-Address race); it retries after Tc.
if wait_for 20 cx_open; then
	ok "CER/CEA: cdp peer 127.0.0.1:$HSS_PORT is I_Open"
	if grep -q "16777216:10415" "$WORK/peers.txt"; then
		ok "cdp learned Cx (16777216, vendor 10415) from hssd's CEA"
	else
		bad "hssd's CEA did not give cdp Cx with vendor 10415:"; cat "$WORK/peers.txt"
	fi
else
	bad "cdp never reached I_Open with hssd"; cdp_peers
fi

if [ -n "$UESIM" ] && [ "$FAILS" -eq 0 ]; then
	"$UESIM" register --registrar "sip:127.0.0.1:$SIP_PORT" --impi "$IMPI" --impu "$IMPU" \
		--realm "$REALM" --k "$K" --op "$OP" --answer-delay 100 --json \
		>"$WORK/ue-sim.json" 2>"$WORK/ue-sim.log"
	rc=$?
	echo "# ue-sim: $(cat "$WORK/ue-sim.json")"
	if [ $rc -eq 0 ] && grep -q '"status": *200' "$WORK/ue-sim.json"; then
		ok "ue-sim registered through Kamailio: 200 OK"
	else
		bad "ue-sim register exit $rc"; cat "$WORK/ue-sim.log"
	fi
	if grep -q "service_route\": *\[[^]]*@$SCSCF_HOST:$SIP_PORT" "$WORK/ue-sim.json"; then
		ok "Service-Route points at this S-CSCF ($SCSCF_HOST:$SIP_PORT)"
	else
		bad "Service-Route does not name $SCSCF_HOST:$SIP_PORT"
	fi
	if grep -q "\"associated_uris\": *\[\"<$IMPU>\", *\"<$IMPU_TEL>\"\]" "$WORK/ue-sim.json"; then
		ok "P-Associated-URI is the implicit set: <$IMPU>, <$IMPU_TEL>"
	else
		bad "P-Associated-URI is not exactly <$IMPU>, <$IMPU_TEL>"
	fi
	# Resync: the card starts far ahead of the HSS, rejects the first AUTN
	# with AUTS; Kamailio sends the resync MAR (RAND||AUTS), hssd re-bases
	# the SQN (TS 33.102 Annex C) and the second challenge succeeds.
	"$UESIM" register --registrar "sip:127.0.0.1:$SIP_PORT" --impi "$IMPI" --impu "$IMPU" \
		--realm "$REALM" --k "$K" --op "$OP" --sqn 000000400000 --answer-delay 100 --json \
		>"$WORK/ue-sim-resync.json" 2>"$WORK/ue-sim-resync.log"
	rc=$?
	echo "# ue-sim (resync): $(cat "$WORK/ue-sim-resync.json")"
	if [ $rc -eq 0 ] && grep -q '"status": *200' "$WORK/ue-sim-resync.json" &&
	   grep -q '"challenges": *2' "$WORK/ue-sim-resync.json"; then
		ok "resync through Kamailio: AUTS, resync MAR, second challenge, 200 OK"
	else
		bad "resync through Kamailio (ue-sim exit $rc)"; cat "$WORK/ue-sim-resync.log"
	fi
	# hssd's store after the SARs and the resync (hss-ctl show --json).
	"$HSSCTL" --db "$WORK/hss.db" show "$IMPI" --json >"$WORK/show.json" 2>&1
	if grep -q "\"uri\": *\"$IMPU\"[^}]*\"state\": *\"registered\"[^}]*\"scscf_name\": *\"sip:$SCSCF_HOST:$SIP_PORT\"" "$WORK/show.json"; then
		ok "hssd stored $IMPU as registered at sip:$SCSCF_HOST:$SIP_PORT (from Kamailio's SAR)"
	else
		bad "hssd's store lacks the registration:"; cat "$WORK/show.json"
	fi
	if grep -q '"sqn": *"0000004' "$WORK/show.json"; then
		ok "resync re-based the subscriber's SQN past the card's (000000400000)"
	else
		bad "SQN after resync: $(grep -o '"sqn": *"[0-9a-f]*"' "$WORK/show.json")"
	fi
	# Unknown user: hssd answers Experimental-Result 5001 (echoing the
	# identities); Kamailio turns that into 403.
	"$UESIM" register --registrar "sip:127.0.0.1:$SIP_PORT" --impi "001019999999999@$REALM" \
		--impu "sip:001019999999999@$REALM" --realm "$REALM" --k "$K" --op "$OP" \
		--answer-delay 100 --json >"$WORK/ue-sim-unknown.json" 2>"$WORK/ue-sim-unknown.log"
	rc=$?
	echo "# ue-sim (unknown user): $(cat "$WORK/ue-sim-unknown.json")"
	if [ $rc -eq 1 ] && grep -q '"status": *403' "$WORK/ue-sim-unknown.json"; then
		ok "unknown user through Kamailio: 403"
	else
		bad "unknown user: expected exit 1 with 403 (ue-sim exit $rc)"; cat "$WORK/ue-sim-unknown.log"
	fi
	push_profile
	[ -n "$SCN_DIR" ] && run_scenarios
elif [ -z "$UESIM" ]; then
	echo "# NOTE: ue-sim not given: registration through Kamailio NOT tested"
fi

kill -TERM "$KAM_PID" 2>/dev/null
wait_for 10 sh -c "! kill -0 $KAM_PID 2>/dev/null" || echo "# note: kamailio slow to stop"
kill -0 "$HSSD_PID" 2>/dev/null && ok "hssd survived Kamailio closing the connection (no DPR)" ||
	bad "hssd died"
# Issue 3 §6: SIGTERM means a clean exit, status 0 (leak-free under ASan).
term_exits_0 "$HSSD_PID" hssd
[ -n "$CAP" ] && capture_stop "$CAP"

check_capture() {
	local f="$WORK/fields.tsv" d="tcp.port==$HSS_PORT,diameter"
	tshark -r "$CAP" -d "$d" -Y diameter -T fields -E separator=/t -e frame.number \
		-e diameter.cmd.code -e diameter.flags.request -e diameter.Result-Code \
		-e diameter.Experimental-Result-Code -e diameter.Origin-Host >"$f" 2>/dev/null
	echo "# Diameter in the capture (frame cmd request result exp-result origin):"
	sed 's/^/#   /' "$f"
	local want
	for want in "257 CEA" "303 MAA" "301 SAA"; do
		set -- $want
		[ -n "$UESIM" ] || [ "$1" = 257 ] || continue
		if awk -F'\t' -v c="$1" '$2 == c && ($3 == 0 || $3 == "False") && $4 == 2001 {f=1} END {exit !f}' "$f"; then
			ok "capture: $2 with Result-Code 2001"
		else
			bad "capture: no $2 with Result-Code 2001"
		fi
	done
	# What Kamailio needs inside the answers (kamailio-interop.md), and the
	# resync MAR it sends.
	has() { [ "$(tshark -r "$CAP" -d "$d" -Y "$2" 2>/dev/null | wc -l)" -gt 0 ] && ok "capture: $1" || bad "capture: no $1"; }
	local maa='diameter.cmd.code == 303 && diameter.flags.request == 0'
	if [ -n "$UESIM" ]; then
		has "MAA 2001 with RAND||AUTN (32), CK, IK, User-Name, Public-Identity" \
			"$maa && diameter.Result-Code == 2001 && len(diameter.3GPP-SIP-Authenticate) == 32 && diameter.Confidentiality-Key && diameter.Integrity-Key && diameter.User-Name && diameter.Public-Identity && diameter.3GPP-SIP-Number-Auth-Items >= 1"
		has "SAA 2001 with User-Data" \
			"diameter.cmd.code == 301 && diameter.flags.request == 0 && diameter.Result-Code == 2001 && diameter.Cx-User-Data"
		has "resync MAR with SIP-Authorization = RAND||AUTS (30 octets)" \
			"diameter.cmd.code == 303 && diameter.flags.request == 1 && len(diameter.3GPP-SIP-Authorization) == 30"
		has "MAA Experimental-Result 5001 echoing User-Name and Public-Identity" \
			"$maa && diameter.Experimental-Result-Code == 5001 && diameter.User-Name && diameter.Public-Identity"
		[ -n "${PPR_SENT:-}" ] && has "PPR to the S-CSCF with User-Data (tel: barred), twice, the second with T" \
			"diameter.cmd.code == 305 && diameter.flags.request == 1 && diameter.flags.T == 1 && diameter.Cx-User-Data && diameter.Destination-Host == \"$SCSCF_HOST\""
	fi
	# fault-maa-bad-length's rule (--count 1) sends one malformed MAA on purpose
	local want=0
	[ -n "$UESIM" ] && [ -n "$SCN_DIR" ] && case " $KAMAILIO_FAULT_SCENARIOS " in
		*" fault-maa-bad-length "*) want=1 ;;
	esac
	diameter_capture_clean "$CAP" "$HSS_PORT" "$WORK" "$want"
}
[ -n "$CAP" ] && check_capture

if [ "$FAILS" -ne 0 ]; then
	echo "# --- kamailio log (errors) ---"
	grep -E "ERROR|CRITICAL|script" "$WORK/kamailio.log" | grep -v "qm_\|mem" | tail -30
	echo "# --- hssd log (tail) ---"; tail -40 "$WORK/hssd.log"
	echo "kamailio interop: FAILED ($FAILS check(s))"
	exit 1
fi
echo "kamailio interop: passed"
exit 0
