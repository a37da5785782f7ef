#!/bin/bash
# Two hssd on one PostgreSQL behind freeDiameterd (the Diameter agent of
# hss/deploy/), with Kamailio's S-CSCF and scscf-stub registering UEs
# through it. Every component is the real one: PostgreSQL (initdb + pg_ctl
# in a temporary directory, tests/lib/pg.sh), freeDiameterd with
# rt_default/rt_load_balance/acl_wl (Debian freediameterd +
# freediameter-extensions), Kamailio 5.6 (cdp, ims_auth,
# ims_registrar_scscf), hssd, scscf-stub, ue-sim.
#
#   1. the shipped configs (hss/deploy/dra.conf, rtd.conf, acl_wl.conf,
#      hssd1.conf, hssd2.conf) with only ports, paths and the store URI
#      replaced: freeDiameterd opens hss1 and hss2, then the two S-CSCFs
#      (Kamailio's cdp and scscf-stub) connect to it (acl_wl);
#   2. ue-sim registers through scscf-stub and through Kamailio: 200 OK
#      (MAR/MAA + SAR/SAA through the agent; the store records each user at
#      its own S-CSCF, by the Origin-Host the agent relayed);
#   3. hssd2 stopped: hssd1 sends an RTR to scscf-stub through the agent
#      (RTA 2001) and Kamailio still registers; hssd2 restarted, hssd1
#      stopped: hssd2 sends an RTR to Kamailio (RTA 2001) and a PPR
#      (Kamailio 5.6.3 logs it, answers nothing), and Kamailio registers
#      again — a registration succeeds with either hssd stopped, and
#      RTR/PPR reach the S-CSCF from either hssd;
#   4. hssd1 is killed with SIGKILL while hssd2 runs: Kamailio registers.
#
# usage: run.sh --hssd PATH --hss-ctl PATH --scscf-stub PATH --ue-sim PATH
#               --dra-apps PATH (the built dra_apps.fdx) [--keep]
# exit: 0 pass, 1 fail, 77 skipped (freeDiameterd with its extensions,
#       Kamailio or PostgreSQL not installed, or dra_apps.fdx not built for
#       want of libfreediameter-dev), 2 usage.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
TESTS_LIB="$HERE/../../lib"
ROOT="$HERE/../../.."
DEPLOY="$ROOT/hss/deploy"
# shellcheck source=../../lib/common.sh
. "$TESTS_LIB/common.sh" # ok/bad, free_port, wait_for, stop_pids, ...
# shellcheck source=../../lib/pg.sh
. "$TESTS_LIB/pg.sh"     # pg_start, pg_stop
HSSD="" HSSCTL="" STUB="" UESIM="" FDX_APPS="" KEEP=0
parse_opts '
	--hssd       HSSD     exe
	--hss-ctl    HSSCTL   exe
	--scscf-stub STUB     exe
	--ue-sim     UESIM    exe
	--dra-apps   FDX_APPS
	--keep       KEEP     flag=1' "$@"

FDX=/usr/lib/freeDiameter
if ! command -v freeDiameterd >/dev/null; then
	echo "skipped: freediameterd not installed (apt-get install freediameterd)"; exit 77
fi
for x in rt_default rt_load_balance acl_wl; do
	[ -f "$FDX/$x.fdx" ] || { echo "skipped: $FDX/$x.fdx missing (apt-get install freediameter-extensions)"; exit 77; }
done
if [ -z "$FDX_APPS" ] || [ ! -f "$FDX_APPS" ]; then
	echo "skipped: dra_apps.fdx not built (apt-get install libfreediameter-dev, then cmake again)"; exit 77
fi
kamailio_mpath # MPATH, or skip

REALM=ims.mnc001.mcc001.3gppnetwork.org
DRA=dra.$REALM
SCSCF=scscf.$REALM           # Kamailio
STUB_HOST=scscf-stub.$REALM  # scscf-stub
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
# user 1 registers at scscf-stub, user 2 at Kamailio.
# shellcheck disable=SC2034 # IMPU1, IMPU2: read through eval (\$IMPU$n)
IMPI1=001010000000001@$REALM IMPU1=sip:001010000000001@$REALM
# shellcheck disable=SC2034
IMPI2=001010000000002@$REALM IMPU2=sip:001010000000002@$REALM IMPU2_TEL=tel:+15550000002

WORK="$(mktemp -d /tmp/agent-interop.XXXXXX)"
PIDS=()
declare -A HPID HPORT
cleanup() {
	stop_pids "${PIDS[@]}" "${HPID[@]}"
	[ -n "${KAM_PGID:-}" ] && kill -9 -- "-$KAM_PGID" 2>/dev/null
	pg_stop immediate
	if [ "$KEEP" -eq 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pg_start "$WORK" || { bad "PostgreSQL did not start"; exit 1; }
for n in 1 2; do
	eval "impi=\$IMPI$n impu=\$IMPU$n"
	extra=()
	[ "$n" = 2 ] && extra=(--impu "$IMPU2_TEL")
	"$HSSCTL" --db "$PG_URI" add --imsi "00101000000000$n" --impi "$impi" --impu "$impu" \
		"${extra[@]}" --k "$K" --op "$OP" >>"$WORK/hss-ctl.log" 2>&1 ||
		{ bad "hss-ctl add on $PG_URI"; cat "$WORK/hss-ctl.log"; exit 1; }
done
ok "PostgreSQL on 127.0.0.1:$PG_PORT, 2 subscribers provisioned with hss-ctl --db $PG_URI"

# hss/deploy/hssdN.conf as shipped, with the test's store, port and log.
start_hss() { # start_hss N
	rm -f "$WORK/hssd$1.port"
	"$HSSD" -c "$DEPLOY/hssd$1.conf" --db "$PG_URI" --listen "tcp://127.0.0.1:${HPORT[$1]:-0}" \
		--port-file "$WORK/hssd$1.port" --log-file "$WORK/hssd$1.log" --log-level info &
	HPID[$1]=$!
	wait_for 10 test -s "$WORK/hssd$1.port" || { bad "hssd$1 did not start"; tail "$WORK/hssd$1.log"; exit 1; }
	HPORT[$1]=$(cat "$WORK/hssd$1.port")
}
stop_hss() { # stop_hss N [SIGNAL]
	kill "-${2:-TERM}" "${HPID[$1]}"
	wait "${HPID[$1]}" 2>/dev/null
	unset "HPID[$1]"
}
start_hss 1
start_hss 2

# freeDiameterd: the shipped dra.conf with free ports and the extension
# configs next to it.
FD_PORT=$(free_port)
while [ "$FD_PORT" = "${HPORT[1]}" ] || [ "$FD_PORT" = "${HPORT[2]}" ]; do FD_PORT=$(free_port); done
cp "$DEPLOY/rtd.conf" "$DEPLOY/acl_wl.conf" "$WORK/"
sed -e "s|^Port = 3868;|Port = $FD_PORT;|" -e "s|/etc/freeDiameter/|$WORK/|g" \
    -e "s|\"dra_apps.fdx\"|\"$FDX_APPS\"|" \
    -e "s|Port = 3869;|Port = ${HPORT[1]};|" -e "s|Port = 3870;|Port = ${HPORT[2]};|" \
    "$DEPLOY/dra.conf" >"$WORK/dra.conf"
freeDiameterd -c "$WORK/dra.conf" >"$WORK/fd.log" 2>&1 &
FD_PID=$!
PIDS+=("$FD_PID")
# The peer's last state change in freeDiameterd's log ends in STATE_OPEN.
fd_open() {
	grep -F "'$1'" "$WORK/fd.log" | grep -F -- "-> 'STATE_" | tail -1 | grep -qF -- "-> 'STATE_OPEN'"
}
for n in 1 2; do
	if wait_for 20 fd_open "hss$n.$REALM"; then ok "freeDiameterd: hss$n.$REALM open (127.0.0.1:${HPORT[$n]})"
	else bad "freeDiameterd never opened hss$n.$REALM"; tail -20 "$WORK/fd.log"; exit 1; fi
	grep -q "peer '$DRA' open" "$WORK/hssd$n.log" && ok "hssd$n: the agent $DRA is its peer" ||
		bad "hssd$n did not log the agent's connection"
done

# scscf-stub: its HSS is the agent; no Destination-Host (either hssd).
"$STUB" --sip sip:127.0.0.1:0 --port-file "$WORK/stub.port" --hss "tcp://127.0.0.1:$FD_PORT" \
	--origin-host "$STUB_HOST" --realm "$REALM" --name "sip:$STUB_HOST:5060" --hss-host "" \
	--log-level info --log-file "$WORK/stub.log" &
PIDS+=($!)
wait_for 10 test -s "$WORK/stub.port" || { bad "scscf-stub did not start"; cat "$WORK/stub.log"; exit 1; }
STUB_PORT=$(cat "$WORK/stub.port")

# Kamailio: the templates of tests/interop/kamailio, cdp's peer = the agent.
SIP_PORT=$(free_port)
CDP_PORT=$(free_port)
while [ "$CDP_PORT" = "$SIP_PORT" ]; do CDP_PORT=$(free_port); done
KAM="$HERE/../kamailio"
XSD=/usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd
[ -f "$XSD" ] || XSD=""
sed -e "s|@DEBUG@|2|; s|@SIP_PORT@|$SIP_PORT|g; s|@SCSCF_SIP_HOST@|$SCSCF|g" \
    -e "s|@REALM@|$REALM|g; s|@MPATH@|$MPATH|; s|@WORK@|$WORK|g; s|@XSD@|$XSD|" \
    "$KAM/kamailio.cfg.in" >"$WORK/kamailio.cfg"
sed -e "s|@SCSCF_HOST@|$SCSCF|; s|@REALM@|$REALM|g; s|@TC@|3|" \
    -e "s|@HSS_PEER@|127.0.0.1|g; s|@HSS_PORT@|$FD_PORT|; s|@CDP_PORT@|$CDP_PORT|" \
    "$KAM/cdp.xml.in" >"$WORK/cdp.xml"
kamailio -c -f "$WORK/kamailio.cfg" >"$WORK/kamailio-check.log" 2>&1 ||
	{ bad "kamailio -c rejects the generated config"; cat "$WORK/kamailio-check.log"; exit 1; }
setsid kamailio -f "$WORK/kamailio.cfg" -DD -E -m 64 -M 8 -Y "$WORK" -P "$WORK/kamailio.pid" \
	>"$WORK/kamailio.log" 2>&1 &
PIDS+=($!)
wait_for 20 test -s "$WORK/kamailio.pid" && KAM_PGID="$(cat "$WORK/kamailio.pid")"
echo "# agent 127.0.0.1:$FD_PORT, hssd1 :${HPORT[1]}, hssd2 :${HPORT[2]}, scscf-stub sip :$STUB_PORT, kamailio sip :$SIP_PORT, work $WORK"

for h in "$STUB_HOST" "$SCSCF"; do
	if wait_for 20 fd_open "$h"; then ok "freeDiameterd: the S-CSCF $h connected (acl_wl) and is open"
	else bad "S-CSCF $h never open at the agent"; fi
done
cdp_peers() { kamcmd -s "unix:$WORK/kamailio_ctl" cdp.list_peers 2>/dev/null; }
if wait_for 20 sh -c "kamcmd -s unix:$WORK/kamailio_ctl cdp.list_peers 2>/dev/null | grep -q 'State: I_Open'"; then
	ok "Kamailio's cdp: the agent is I_Open"
else
	bad "cdp never reached I_Open with the agent"; cdp_peers
fi
[ "$FAILS" -eq 0 ] || { tail -30 "$WORK/fd.log"; exit 1; }

# register LABEL N REGISTRAR [ue-sim options]: user N registers; 200 OK?
register() {
	local label=$1 n=$2 reg=$3 impi impu
	shift 3
	eval "impi=\$IMPI$n impu=\$IMPU$n"
	"$UESIM" register --registrar "$reg" --impi "$impi" --impu "$impu" --realm "$REALM" \
		--k "$K" --op "$OP" --json "$@" >"$WORK/ue.json" 2>"$WORK/ue.log"
	local rc=$?
	if [ $rc -eq 0 ] && grep -q '"status": *200' "$WORK/ue.json"; then
		ok "$label: 200 OK"
	else
		bad "$label (ue-sim exit $rc): $(cat "$WORK/ue.json")"; tail -5 "$WORK/ue.log"
	fi
}
kam_register() { register "$1" 2 "sip:127.0.0.1:$SIP_PORT" --answer-delay 100; }
served() { grep -c "DIAM $1 impi=" "$WORK/hssd$2.log"; }

register "user 1 through scscf-stub -> agent -> hssd" 1 "sip:127.0.0.1:$STUB_PORT"
kam_register "user 2 through Kamailio's S-CSCF -> agent -> hssd"
echo "# MAR/SAR served so far: hssd1 $(served MAR 1)/$(served SAR 1), hssd2 $(served MAR 2)/$(served SAR 2)"
"$HSSCTL" --db "$PG_URI" show "$IMPI1" --json >"$WORK/show1.json" 2>&1
"$HSSCTL" --db "$PG_URI" show "$IMPI2" --json >"$WORK/show2.json" 2>&1
grep -q "\"scscf_name\": *\"sip:$STUB_HOST:5060\"" "$WORK/show1.json" &&
	ok "store: user 1 registered at scscf-stub (Server-Name of its SAR)" || bad "store: $(cat "$WORK/show1.json")"
grep -q "\"scscf_name\": *\"sip:$SCSCF:$SIP_PORT\"" "$WORK/show2.json" &&
	ok "store: user 2 registered at Kamailio" || bad "store: $(cat "$WORK/show2.json")"

# queue KIND USER: hss-ctl queues an RTR (or a PPR via set-impu) on the
# shared store; prints the row id.
queue_rtr() { "$HSSCTL" --db "$PG_URI" rtr "$1" 2>&1 | sed -n 's/^queued RTR \([0-9]*\) .*/\1/p'; }
# sent_by ID KIND N DEST: hssd N logged sending row ID to DEST; answered ID N:
# the RTA to RTR ID came back to hssd N with 2001.
sent_by() { wait_for 10 grep -q "$2 $1 for .* sent to $4" "$WORK/hssd$3.log"; }
answered() { wait_for 10 grep -q "RTA for RTR $1 (.*) from .*: result 2001" "$WORK/hssd$2.log"; }
# rtr_check N IMPI DEST LABEL: hss-ctl queues an RTR for IMPI; hssd N sends
# it to DEST through the agent and gets RTA 2001 back.
rtr_check() {
	local id
	id=$(queue_rtr "$2")
	if [ -n "$id" ] && sent_by "$id" RTR "$1" "$3" && answered "$id" "$1"; then
		ok "RTR $id from hssd$1 reached $4 through the agent: RTA 2001"
	else
		bad "RTR ${id:-?} from hssd$1 to $4"; grep RT "$WORK/hssd$1.log" | tail -3
	fi
}

# -- hssd2 down: hssd1 serves, and sends an RTR to scscf-stub --------------
stop_hss 2
ok "hssd2 stopped (SIGTERM: DPR to the agent)"
kam_register "Kamailio re-registers user 2 with hssd2 stopped"
rtr_check 1 "$IMPI1" "$STUB_HOST" scscf-stub
grep -q "DIAM RTR impi=$IMPI1" "$WORK/stub.log" && ok "scscf-stub logged the RTR for $IMPI1" ||
	bad "scscf-stub did not log the RTR"

# -- hssd1 down, hssd2 up: hssd2 serves, RTR and PPR to Kamailio ------------
start_hss 2
wait_for 20 fd_open "hss2.$REALM" || bad "the agent did not reopen hss2"
stop_hss 1
ok "hssd2 restarted on port ${HPORT[2]}, hssd1 stopped"
kam_register "Kamailio re-registers user 2 with hssd1 stopped"
[ "$(served MAR 2)" -gt 0 ] && ok "hssd2 answered MARs ($(served MAR 2))" || bad "hssd2 answered no MAR"
out=$("$HSSCTL" --db "$PG_URI" set-impu "$IMPU2_TEL" --barred yes 2>&1)
ppr=$(echo "$out" | sed -n 's/^queued PPR \([0-9]*\) .*/\1/p')
if [ -n "$ppr" ] && sent_by "$ppr" PPR 2 "$SCSCF" &&
   wait_for 10 grep -q "unknown request for Cx/Dx command 305" "$WORK/kamailio.log"; then
	ok "PPR $ppr from hssd2 reached Kamailio through the agent (5.6.3 logs it as unknown, no PPA)"
else
	bad "PPR ${ppr:-?} from hssd2 to Kamailio: $out"
fi
rtr_check 2 "$IMPI2" "$SCSCF" Kamailio
kam_register "Kamailio registers user 2 again after the RTR"

# -- hssd1 back, then killed with SIGKILL (no DPR) --------------------------
start_hss 1
wait_for 20 fd_open "hss1.$REALM" || bad "the agent did not reopen hss1"
stop_hss 1 KILL
ok "hssd1 restarted, then killed with SIGKILL"
kam_register "Kamailio registers user 2 after hssd1 was killed"
register "user 1 through scscf-stub after hssd1 was killed" 1 "sip:127.0.0.1:$STUB_PORT"

kill -0 "$FD_PID" 2>/dev/null && ok "freeDiameterd still running" || bad "freeDiameterd died"
if [ "$FAILS" -ne 0 ]; then
	echo "# --- freeDiameterd log (tail) ---"; tail -30 "$WORK/fd.log"
	for n in 1 2; do echo "# --- hssd$n log (tail) ---"; tail -15 "$WORK/hssd$n.log"; done
	echo "# --- kamailio (errors) ---"; grep -E "ERROR|CRITICAL" "$WORK/kamailio.log" | tail -15
	echo "agent interop: FAILED ($FAILS check(s))"
	exit 1
fi
echo "agent interop: passed"
exit 0
