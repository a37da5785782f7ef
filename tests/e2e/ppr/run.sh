#!/bin/sh
# e2e for Cx Push-Profile (TS 29.228 §6.1.7; docs/hss-cx.md "PPR"):
#   run.sh BIN_DIR
# Real hssd, hss-ctl, scscf-stub and ue-sim on free loopback ports:
#   1. ue-sim registers user 1 (sip: and tel: in one implicit set) through
#      scscf-stub; the stub's binding shows the profile of the SAA;
#   2. each hss-ctl change of what the S-CSCF holds queues a PPR that hssd
#      sends to the stub, the stub answers PPA 2001 and its binding (the
#      SIGUSR1 dump) shows the change: barring (set-impu --barred), a new
#      IMPU with an iFC in the registered set (add-impu), its removal
#      (del-impu), the charging names (set-charging);
#   3. a user the HSS has registered at the stub but the stub lost (its
#      restart): the stub answers Experimental-Result 5001, hssd closes the
#      row as failed with 5001;
#   4. a change for a user nobody serves queues nothing;
#   5. tshark decodes every PPR/PPA of the capture: no malformed packet,
#      no expert item in what hssd sent.
# Exit 0 pass, 1 fail, 77 skip (a program not built).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TESTS_LIB="$HERE/../../lib"
# shellcheck source=../../lib/common.sh
. "$TESTS_LIB/common.sh"
BIN=${1:-}
for p in hssd hss-ctl scscf-stub ue-sim; do need_exe "$BIN/$p" "$p"; done
CTL=$BIN/hss-ctl
T=$(mktemp -d /tmp/ppr-e2e.XXXXXX)
PIDS="" CAP_PID=""
cleanup() {
	[ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null
	# shellcheck disable=SC2086
	[ -n "$PIDS" ] && stop_pids $PIDS
	if [ -n "${KEEP:-}" ]; then echo "kept: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

R=ims.mnc001.mcc001.3gppnetwork.org
K=465b5ce8b199b49faa5f0a2ee238a6bc
OPC=cd63cb71954a9f4e48a5994e37a02baf
SCSCF=scscf.$R
impi() { echo "00101000000000$1@$R"; }
impu() { echo "sip:00101000000000$1@$R"; }
for n in 1 2 3; do
	"$CTL" --db "$T/hss.db" add --imsi 00101000000000$n --impi "$(impi $n)" --impu "$(impu $n)" \
		--impu "tel:+155500000$n" --k $K --opc $OPC >/dev/null || { bad "hss-ctl add $n"; exit 1; }
done

start_hssd "$BIN/hssd" "$T" --origin-host "hss.$R" --realm $R --accept-any-peer --log-level info
PIDS="$HSSD_PID"
CAP=""
if command -v tshark >/dev/null && command -v dumpcap >/dev/null &&
   capture_start "$T/cx.pcapng" "tcp port $HSS_PORT" "$T/dumpcap.log"; then
	CAP=$T/cx.pcapng
else
	echo "# note: no capture here (tshark/dumpcap missing or lo not capturable): step 5 not run"
fi

start_stub() {
	"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/stub.port" \
		--hss "tcp://127.0.0.1:$HSS_PORT" --realm $R --origin-host "$SCSCF" \
		--state-file "$T/stub.state" --log-file "$T/stub.log" --log-level info \
		2>>"$T/stub.stderr" &
	STUB_PID=$!
	PIDS="$PIDS $STUB_PID"
	wait_file "$T/stub.port" 10 || { bad "scscf-stub wrote no port"; exit 1; }
	STUB_PORT=$(cat "$T/stub.port")
	wait_for 10 grep -q "open (CEA" "$T/stub.log" || { bad "stub not connected"; exit 1; }
}
register() { # N
	"$BIN/ue-sim" register --registrar "sip:127.0.0.1:$STUB_PORT" --impi "$(impi "$1")" \
		--impu "$(impu "$1")" --realm $R --k $K --opc $OPC --json >"$T/reg$1.json" 2>&1
}
# dump_has PATTERN: SIGUSR1, then the state file holds PATTERN (5 s).
dump_has() {
	_i=0
	while [ $_i -lt 25 ]; do
		kill -USR1 "$STUB_PID"; sleep 0.2
		grep -q -- "$1" "$T/stub.state" 2>/dev/null && return 0
		_i=$((_i + 1))
	done
	return 1
}
check() { # DESCRIPTION COMMAND...
	_d=$1; shift
	if "$@"; then ok "$_d"; else bad "$_d"; fi
}
# ctl ARGS: hss-ctl, its output in $T/out; the PPR row it queued in $PPR.
ctl() {
	PPR=""
	"$CTL" --db "$T/hss.db" "$@" >"$T/out" 2>&1 || { bad "hss-ctl $*: $(cat "$T/out")"; return 1; }
	PPR=$(sed -n 's/^queued PPR \([0-9]*\) .*/\1/p' "$T/out")
	return 0
}
ppa_logged() { # ROW RESULT
	wait_for 10 grep -q "PPA for PPR $1 (.*) from $SCSCF: result $2" "$T/hssd.log"
}

# --- 1. registration ---------------------------------------------------------------
start_stub
register 1 || { bad "ue-sim register 1: $(cat "$T/reg1.json")"; exit 1; }
ok "user 1 registered through scscf-stub"
check "binding holds the SAA's profile: implicit set, nothing barred, no iFC" \
	dump_has "\"associated_uris\": \"<$(impu 1)>, <tel:+1555000001>\""
grep -q '"barred": "", "ifc": 0' "$T/stub.state" || bad "profile after SAA: $(cat "$T/stub.state")"

# --- 2. changes pushed -------------------------------------------------------------------
ctl set-impu tel:+1555000001 --barred yes
check "set-impu --barred queued a PPR ($(cat "$T/out"))" [ -n "$PPR" ]
check "PPA 2001 from the stub for PPR $PPR" ppa_logged "$PPR" 2001
check "binding: tel:+1555000001 barred" dump_has '"barred": "<tel:+1555000001>"'
check "binding: one push applied" dump_has '"pushed": 1'

printf '<InitialFilterCriteria><Priority>0</Priority><TriggerPoint><ConditionTypeCNF>0</ConditionTypeCNF><SPT><ConditionNegated>0</ConditionNegated><Group>0</Group><Method>INVITE</Method></SPT></TriggerPoint><ApplicationServer><ServerName>sip:as.%s</ServerName><DefaultHandling>0</DefaultHandling></ApplicationServer></InitialFilterCriteria>' \
	$R >"$T/ifc.xml"
ctl add-impu "$(impi 1)" "sip:alias1@$R" --ifc-file "$T/ifc.xml"
check "add-impu into the registered set queued a PPR" [ -n "$PPR" ]
check "PPA 2001 for PPR $PPR" ppa_logged "$PPR" 2001
check "binding: the new IMPU joined the implicit set" dump_has "<sip:alias1@$R>\""
check "binding: its iFC and Application Server" dump_has "\"ifc\": 1, \"application_servers\": \"sip:as.$R\""
"$CTL" --db "$T/hss.db" show "$(impi 1)" >"$T/show.txt"
check "hss-ctl show: the new IMPU is registered with the set" \
	grep -q "^impu: *sip:alias1@$R irs=1 registered scscf=" "$T/show.txt"

ctl del-impu "sip:alias1@$R"
check "del-impu queued a PPR" [ -n "$PPR" ]
check "PPA 2001 for PPR $PPR" ppa_logged "$PPR" 2001
check "binding: the IMPU left the set, the iFC with it" \
	dump_has "\"associated_uris\": \"<$(impu 1)>, <tel:+1555000001>\", .*\"ifc\": 0"

ctl set-charging "$(impi 1)" --ecf "aaa://ecf.$R:3868" --ccf "aaa://ccf.$R"
check "set-charging queued a PPR" [ -n "$PPR" ]
check "PPA 2001 for PPR $PPR" ppa_logged "$PPR" 2001
check "binding: the charging names" dump_has "\"ecf\": \"aaa://ecf.$R:3868\", \"ccf\": \"aaa://ccf.$R\""
check "stub log names the push" grep -q "PPR impi=$(impi 1): 1 of 1 binding record(s) updated (charging) -> PPA 2001" "$T/stub.log"

# --- 3. a user the stub does not know -------------------------------------------------
register 2 || bad "ue-sim register 2: $(cat "$T/reg2.json")"
stop_pids "$STUB_PID"
start_stub
ctl set-impu tel:+1555000002 --barred yes
check "PPR for a user the restarted stub lost" [ -n "$PPR" ]
check "stub answers Experimental-Result 5001" ppa_logged "$PPR" 5001
check "stub log: no binding of this user -> PPA 5001" \
	wait_for 5 grep -q "PPR impi=$(impi 2): no binding of this user here -> PPA 5001" "$T/stub.log"

# --- 4. nobody serves the user -----------------------------------------------------------
ctl set-impu tel:+1555000003 --barred yes
check "no PPR for a user no S-CSCF holds" [ -z "$PPR" ]

# --- 5. tshark ------------------------------------------------------------------------------
if [ -n "$CAP" ]; then
	capture_stop "$CAP"
	n=$(tshark -r "$CAP" -d "tcp.port==$HSS_PORT,diameter" \
		-Y 'diameter.cmd.code == 305 && diameter.flags.request == 1 && diameter.User-Name && diameter.Destination-Host' 2>/dev/null | wc -l)
	check "capture: PPRs decoded ($n)" [ "$n" -ge 5 ]
	n=$(tshark -r "$CAP" -d "tcp.port==$HSS_PORT,diameter" \
		-Y 'diameter.cmd.code == 305 && diameter.flags.request == 1 && diameter.Cx-User-Data' 2>/dev/null | wc -l)
	check "capture: PPRs with User-Data ($n)" [ "$n" -ge 4 ]
	n=$(tshark -r "$CAP" -d "tcp.port==$HSS_PORT,diameter" \
		-Y 'diameter.cmd.code == 305 && diameter.Primary-Event-Charging-Function-Name == "aaa://ecf.'$R':3868"' 2>/dev/null | wc -l)
	check "capture: PPR with Charging-Information" [ "$n" -ge 1 ]
	n=$(tshark -r "$CAP" -d "tcp.port==$HSS_PORT,diameter" \
		-Y 'diameter.cmd.code == 305 && diameter.flags.request == 0 && diameter.Experimental-Result-Code == 5001' 2>/dev/null | wc -l)
	check "capture: PPA with Experimental-Result 5001" [ "$n" -ge 1 ]
	diameter_capture_clean "$CAP" "$HSS_PORT" "$T"
fi

if [ "$FAILS" -ne 0 ]; then
	echo "# --- hssd log (tail) ---"; tail -20 "$T/hssd.log"
	echo "# --- stub log (tail) ---"; tail -20 "$T/stub.log"
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "ppr e2e: all checks passed"
