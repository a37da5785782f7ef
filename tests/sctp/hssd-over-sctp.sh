#!/bin/sh
# hssd over SCTP: CER/CEA, MAR/MAA (vector verified), DWR/DWA, DPR/DPA with
# sctp-cx-client, on a kernel that has SCTP (natively, or in qemu through
# run-in-qemu.sh).
#
# Host side (default): provisions a subscriber with hss-ctl into a data dir,
# then hands hssd, sctp-cx-client and this script to run-in-qemu.sh, which
# runs `hssd-over-sctp.sh --guest` natively or inside the VM — after the
# harness self-test when --selftest is given, so one boot runs all SCTP tests.
#   hssd-over-sctp.sh --hssd PATH --hss-ctl PATH --client PATH [--cache DIR]
#                     [--selftest PATH] [--e2e PATH] [--probe 'CMD']
#                     [--stub PATH --ue PATH]
# --e2e adds the core e2e client's SCTP case (tests/e2e/hss: `hss_e2e ... sctp`,
# MAR rounds with SQN checks) to the same boot.
# --stub SCSCF_STUB --ue SIP_CLIENT add scscf-stub ↔ hssd over SCTP (issue 10):
# the stub's Cx connection is sctp://, a scripted UE (tests/e2e/scscf's
# sip_client) registers through it (401 from an MAA, 200 from an SAA) and
# then unregisters, and hssd's log must show the association as sctp.
# (--probe CMD exits 0 when the host kernel has SCTP.)
# Guest side: --guest (uses $SCTP_TEST_DATA/hss.db; hssd and sctp-cx-client
# on PATH), --guest-stub (hssd, scscf-stub and sip_client on PATH). POSIX
# sh: the VM has only busybox.
set -u

REALM=ims.mnc001.mcc001.3gppnetwork.org
IMPI=001010000000001@$REALM
IMPU=sip:001010000000001@$REALM
# TS 35.208 test set 1.
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
CLIENT_HOST=sctp-client.$REALM
STUB_HOST=scscf.$REALM
# The stub's UE: TS 35.208 set 1 with its OPc, AMF 8000, SQN 20 (as
# tests/e2e/scscf provisions its users).
UE_IMSI=001010000000002
OPC=cd63cb71954a9f4e48a5994e37a02baf

# Waits up to 10 s for a non-empty file or a pattern in a file.
wait_in() { # FILE [PATTERN]
	i=0
	while [ $i -lt 100 ]; do
		if [ -z "${2:-}" ]; then [ -s "$1" ] && return 0
		else grep -q "$2" "$1" 2>/dev/null && return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

guest_stub() {
	d=/tmp/stub-sctp.$$
	mkdir -p "$d"
	hssd --db "$SCTP_TEST_DATA/hss.db" --listen "sctp://127.0.0.1:0" --port-file "$d/hss.port" \
		--origin-host "hss.$REALM" --realm "$REALM" --peer "$STUB_HOST" \
		--log-level info >"$d/hssd.log" 2>&1 &
	hpid=$!
	rc=0
	if ! wait_in "$d/hss.port"; then
		echo "FAIL - hssd wrote no --port-file"; cat "$d/hssd.log"; kill $hpid; return 1
	fi
	scscf-stub --sip sip:127.0.0.1:0 --port-file "$d/sip.port" \
		--hss "sctp://127.0.0.1:$(cat "$d/hss.port")" --realm "$REALM" \
		--origin-host "$STUB_HOST" --log-file "$d/stub.log" --log-level debug \
		>"$d/stub.out" 2>&1 &
	spid=$!
	if wait_in "$d/sip.port" && wait_in "$d/stub.log" "open (CEA"; then
		echo "ok   - scscf-stub: Cx over sctp:// open (CER/CEA)"
	else
		echo "FAIL - scscf-stub: no Cx connection over SCTP"; rc=1
	fi
	if [ $rc -eq 0 ] && grep -q "connection from .*(sctp)" "$d/hssd.log"; then
		echo "ok   - hssd: the stub's association is SCTP"
	else
		echo "FAIL - hssd: no SCTP connection from the stub"; rc=1
	fi
	if [ $rc -eq 0 ]; then
		scscf_e2e_client --server "127.0.0.1:$(cat "$d/sip.port")" --impi "$UE_IMSI@$REALM" \
			--impu "sip:$UE_IMSI@$REALM" --realm "$REALM" --k "$K" --opc "$OPC" \
			--alg AKAv1-MD5 register || rc=1
		if grep -q "REGISTER impi=$UE_IMSI@$REALM .* -> 200 OK (registered" "$d/stub.log"; then
			echo "ok   - registered through scscf-stub, MAR/SAR over SCTP"
		else
			echo "FAIL - no registration in the stub's log"; rc=1
		fi
	fi
	kill -TERM $spid $hpid 2>/dev/null
	wait $spid; wait $hpid
	if [ $rc -ne 0 ]; then
		echo "# --- scscf-stub log ---"; tail -30 "$d/stub.log"
		echo "# --- hssd log ---"; tail -20 "$d/hssd.log"
	fi
	rm -rf "$d"
	return $rc
}

guest() {
	log=/tmp/hssd-sctp.$$.log pf=/tmp/hssd-sctp.$$.port
	# Port 0: hssd binds a free port and writes it to --port-file.
	hssd --db "$SCTP_TEST_DATA/hss.db" --listen "sctp://127.0.0.1:0" --port-file "$pf" \
		--origin-host "hss.$REALM" --realm "$REALM" --peer "$CLIENT_HOST" \
		--log-level debug >"$log" 2>&1 &
	pid=$!
	i=0
	while [ ! -s "$pf" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$pf" 2>/dev/null)
	if [ -z "$port" ]; then
		echo "FAIL - hssd wrote no --port-file"
		cat "$log"
		kill "$pid" 2>/dev/null
		return 1
	fi
	sctp-cx-client --connect "127.0.0.1:$port" --wait 15 --origin-host "$CLIENT_HOST" \
		--realm "$REALM" --impi "$IMPI" --impu "$IMPU" --k "$K" --op "$OP"
	rc=$?
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		if kill -0 "$pid" 2>/dev/null; then
			echo "FAIL - hssd ignored SIGTERM"
			kill -9 "$pid"
			rc=1
		fi
		wait "$pid"
		hrc=$?
		# Issue 3 §6: SIGTERM is a clean exit (under ASan: also leak-free).
		if [ $hrc -eq 0 ]; then
			echo "ok   - hssd exits 0 on SIGTERM"
		else
			echo "FAIL - hssd exit status $hrc after SIGTERM"
			rc=1
		fi
	else
		echo "FAIL - hssd is not running at the end of the session"
		rc=1
	fi
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		echo "# --- hssd log ---"
		tail -40 "$log"
	fi
	rm -f "$log" "$pf"
	return $rc
}

host() {
	hssd="" ctl="" client="" cache="$PWD/sctp-qemu-cache" probe="" selftest="" e2e="" stub="" ue=""
	# On the host only: the VM gets this script alone.
	# shellcheck source=../lib/common.sh
	. "$(dirname "$0")/../lib/common.sh"
	parse_opts '
		--hssd     hssd     exe
		--hss-ctl  ctl      exe
		--client   client   exe
		--cache    cache
		--probe    probe
		--selftest selftest exe?
		--e2e      e2e      exe?
		--stub     stub     exe?
		--ue       ue       exe?' "$@"
	data=$(mktemp -d /tmp/hssd-sctp.XXXXXX)
	trap 'rm -rf "$data"' EXIT
	"$ctl" --db "$data/hss.db" add --imsi 001010000000001 --impi "$IMPI" --impu "$IMPU" \
		--k "$K" --op "$OP" >"$data/hss-ctl.log" 2>&1 ||
		{ echo "FAIL - hss-ctl add"; cat "$data/hss-ctl.log"; exit 1; }
	if [ -n "$stub" ]; then
		"$ctl" --db "$data/hss.db" add --imsi "$UE_IMSI" --impi "$UE_IMSI@$REALM" \
			--impu "sip:$UE_IMSI@$REALM" --k "$K" --opc "$OPC" --amf 8000 --sqn 20 \
			>"$data/hss-ctl.log" 2>&1 || { echo "FAIL - hss-ctl add (stub UE)"; exit 1; }
	fi
	rm -f "$data/hss-ctl.log"
	here=$(cd "$(dirname "$0")" && pwd)
	# Test commands run with the --bin programs on PATH, in the VM or not.
	set -- "hssd-over-sctp.sh --guest"
	[ -n "$selftest" ] && set -- --bin "$selftest" -- sctp-selftest "$@"
	[ -n "$selftest" ] || set -- -- "$@"
	if [ -n "$stub" ] && [ -n "$ue" ]; then
		set -- --bin "$stub" --bin "$ue" "$@" "hssd-over-sctp.sh --guest-stub"
	fi
	if [ -n "$e2e" ]; then
		set -- --bin "$e2e" "$@" \
			'hss_e2e --hssd "$(command -v hssd)" --hss-ctl "$(command -v hss-ctl)" sctp'
	fi
	"$here/run-in-qemu.sh" --cache "$cache" --timeout 90 ${probe:+--probe "$probe"} \
		--bin "$hssd" --bin "$ctl" --bin "$client" --bin "$here/hssd-over-sctp.sh" \
		--data "$data" "$@"
}

if [ "${1:-}" = "--guest" ]; then
	guest
	exit $?
fi
if [ "${1:-}" = "--guest-stub" ]; then
	guest_stub
	exit $?
fi
host "$@"
