#!/bin/bash
# freeDiameterd <-> hssd interop over TCP on loopback.
#
# Proves, against a standard third-party Diameter peer (Debian freediameterd):
#   CER/CEA  freeDiameterd connects and reaches STATE_OPEN (CEA 2001);
#   DWR/DWA  at least one watchdog exchange (freeDiameterd Tw = 6 s);
#   DPR/DPA  SIGTERM makes freeDiameterd send DPR (Disconnect-Cause
#            REBOOTING) and wait for hssd's DPA.
# Evidence: a tshark capture of the session decoded as Diameter
# (`-d tcp.port==PORT,diameter`) must show each message with the right result,
# every byte decodable, no malformed packet and no Diameter expert item
# (note, warning or error); freeDiameterd's log
# must show the connection open. Without tshark the logs alone are checked.
#
# usage: run.sh --hssd PATH [--hss-ctl PATH] [--keep]
# exit: 0 pass, 1 fail, 77 skipped (freediameterd not installed), 2 usage.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
TESTS_LIB="$HERE/../../lib"
# shellcheck source=../../lib/common.sh
. "$TESTS_LIB/common.sh" # ok/bad, free_port, wait_for, term_exits_0, ...
HSSD="" HSSCTL="" KEEP=0
parse_opts '
	--hssd    HSSD   exe
	--hss-ctl HSSCTL
	--keep    KEEP   flag=1' "$@"

if ! command -v freeDiameterd >/dev/null; then
	echo "skipped: freediameterd not installed (apt-get install freediameterd)"
	exit 77
fi

HSS_HOST=hss.ims.mnc001.mcc001.3gppnetwork.org
HSS_REALM=ims.mnc001.mcc001.3gppnetwork.org
FD_HOST=fd-peer.interop.test
FD_REALM=interop.test

WORK="$(mktemp -d /tmp/fd-interop.XXXXXX)"
PIDS=()
cleanup() {
	stop_pids "${PIDS[@]}"
	if [ "$KEEP" -eq 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ -n "$HSSCTL" ]; then
	"$HSSCTL" --db "$WORK/hss.db" add --imsi 001010000000001 \
		--impi 001010000000001@$HSS_REALM --impu sip:001010000000001@$HSS_REALM \
		--k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf \
		>"$WORK/hss-ctl.log" 2>&1 || { bad "hss-ctl add"; cat "$WORK/hss-ctl.log"; exit 1; }
fi
start_hssd "$HSSD" "$WORK" --origin-host "$HSS_HOST" --realm "$HSS_REALM" --peer "$FD_HOST" \
	--log-level debug
PIDS+=("$HSSD_PID")
FD_PORT="$(free_port)"
while [ "$FD_PORT" = "$HSS_PORT" ]; do FD_PORT="$(free_port)"; done
echo "# hssd on 127.0.0.1:$HSS_PORT, freeDiameterd on 127.0.0.1:$FD_PORT, work dir $WORK"

sed -e "s/@FD_HOST@/$FD_HOST/; s/@FD_REALM@/$FD_REALM/; s/@FD_PORT@/$FD_PORT/" \
    -e "s/@HSS_HOST@/$HSS_HOST/; s/@HSS_PORT@/$HSS_PORT/" \
    "$HERE/freediameter.conf.in" >"$WORK/fd.conf"

# Capture before the peer starts, so the CER is in it: capture_start
# returns once dumpcap provably captures ("Capturing on" comes too early).
# dumpcap needs root or the capture capabilities; without them the logs are
# the only evidence.
CAP=""
if command -v tshark >/dev/null && command -v dumpcap >/dev/null; then
	if capture_start "$WORK/session.pcapng" "tcp port $HSS_PORT" "$WORK/dumpcap.log"; then
		CAP="$WORK/session.pcapng"
		PIDS+=("$CAP_PID")
	else
		echo "# note: dumpcap cannot capture on lo here; checking logs only"
		cat "$WORK/dumpcap.log"
	fi
else
	echo "# note: tshark/dumpcap not installed; checking logs only"
fi

freeDiameterd -c "$WORK/fd.conf" >"$WORK/fd.log" 2>&1 &
FD_PID=$!
PIDS+=("$FD_PID")

if wait_for 15 grep -q "> 'STATE_OPEN'" "$WORK/fd.log"; then
	ok "CER/CEA: freeDiameterd reached STATE_OPEN with $HSS_HOST"
else
	bad "CER/CEA: freeDiameterd never reached STATE_OPEN"
fi
# freeDiameterd sends its first DWR after Tw = 6 s (± 2 s jitter, RFC 3539).
# Wait until hssd has logged it (its debug dump), at most 20 s on a loaded
# machine; hssd answers it before it reads the DPR that SIGTERM makes
# freeDiameterd send, and capture_stop waits for both answers to be in the
# file. The capture is the real check.
wait_for 20 grep -q "Device-Watchdog(280) Request" "$WORK/hssd.log" ||
	echo "# note: no DWR in hssd's log after 20 s"
kill -TERM "$FD_PID"
if wait_for 20 sh -c "! kill -0 $FD_PID 2>/dev/null"; then
	ok "freeDiameterd exited after SIGTERM"
else
	bad "freeDiameterd still running 20 s after SIGTERM (no DPA?)"
fi
sleep 0.5
kill -0 "$HSSD_PID" 2>/dev/null && ok "hssd still running after the peer left" ||
	bad "hssd died during the session"
# Issue 3 §6: SIGTERM means a clean exit, status 0 (leak-free under ASan).
term_exits_0 "$HSSD_PID" hssd
[ -n "$CAP" ] && capture_stop "$CAP"

# --- the capture -----------------------------------------------------------
check_capture() {
	local fields="$WORK/fields.tsv"
	tshark -r "$CAP" -d "tcp.port==$HSS_PORT,diameter" -Y diameter -T fields -E separator=/t \
		-e frame.number -e diameter.cmd.code -e diameter.flags.request \
		-e diameter.Result-Code -e diameter.Disconnect-Cause -e diameter.Origin-Host \
		>"$fields" 2>/dev/null
	echo "# Diameter messages in the capture (frame cmd request result cause origin):"
	sed 's/^/#   /' "$fields"
	local want
	for want in "257 1" "257 0 2001" "280 1" "280 0 2001" "282 1" "282 0 2001"; do
		set -- $want
		if awk -F'\t' -v c="$1" -v r="$2" -v rc="${3:-}" \
			'$2 == c && ($3 == r || ($3 == "True" && r == 1) || ($3 == "False" && r == 0)) && (rc == "" || $4 == rc) {f=1} END {exit !f}' "$fields"; then
			ok "capture has cmd $1 $([ "$2" = 1 ] && echo request || echo "answer Result-Code ${3:-}")"
		else
			bad "capture lacks cmd $1 $([ "$2" = 1 ] && echo request || echo "answer Result-Code ${3:-}")"
		fi
	done
	if awk -F'\t' '$2 == 282 && ($3 == 1 || $3 == "True") && $5 == 0 {f=1} END {exit !f}' "$fields"; then
		ok "DPR carries Disconnect-Cause REBOOTING (0)"
	else
		bad "no DPR with Disconnect-Cause REBOOTING"
	fi
	diameter_capture_clean "$CAP" "$HSS_PORT" "$WORK"
}
# hssd's own account of the session (notice/info lines naming the peer).
echo "# hssd log:"
grep -E "(notice|info) +DIAM .*$FD_HOST" "$WORK/hssd.log" | sed 's/^/#   /'
if [ -n "$CAP" ]; then
	check_capture
else
	# No capture: the two daemons' logs are the evidence.
	grep -q "STATE_CLOSING" "$WORK/fd.log" && ok "freeDiameterd went through CLOSING (DPR sent)" ||
		bad "freeDiameterd log shows no DPR"
	grep -q "Device-Watchdog(280) Request" "$WORK/hssd.log" && ok "hssd logged a DWR" ||
		bad "hssd logged no DWR"
	grep -q "Disconnect-Peer(282) Answer" "$WORK/hssd.log" && ok "hssd logged its DPA" ||
		bad "hssd logged no DPA"
fi

if [ "$FAILS" -ne 0 ]; then
	echo "# --- freeDiameterd log (tail) ---"; tail -25 "$WORK/fd.log"
	echo "# --- hssd log (tail) ---"; tail -40 "$WORK/hssd.log"
	echo "freediameter interop: FAILED ($FAILS check(s))"
	exit 1
fi
echo "freediameter interop: passed"
exit 0
