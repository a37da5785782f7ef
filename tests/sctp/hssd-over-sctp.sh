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
# --e2e adds the core e2e client's SCTP case (tests/e2e/hss: `hss_e2e ... sctp`,
# MAR rounds with SQN checks) to the same boot.
# (--probe CMD exits 0 when the host kernel has SCTP.)
# Guest side: --guest (uses $SCTP_TEST_DATA/hss.db; hssd and sctp-cx-client
# on PATH). POSIX sh: the VM has only busybox.
set -u

REALM=ims.mnc001.mcc001.3gppnetwork.org
IMPI=001010000000001@$REALM
IMPU=sip:001010000000001@$REALM
# TS 35.208 test set 1.
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
CLIENT_HOST=sctp-client.$REALM

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
	hssd="" ctl="" client="" cache="$PWD/sctp-qemu-cache" probe="" selftest="" e2e=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--hssd) hssd="$2"; shift 2 ;;
		--hss-ctl) ctl="$2"; shift 2 ;;
		--client) client="$2"; shift 2 ;;
		--cache) cache="$2"; shift 2 ;;
		--probe) probe="$2"; shift 2 ;;
		--selftest) selftest="$2"; shift 2 ;;
		--e2e) e2e="$2"; shift 2 ;;
		--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
		*) echo "hssd-over-sctp.sh: unknown argument '$1'" >&2; exit 2 ;;
		esac
	done
	for f in "$hssd" "$ctl" "$client"; do
		[ -x "$f" ] || { echo "hssd-over-sctp.sh: '$f' is not an executable" >&2; exit 2; }
	done
	data=$(mktemp -d /tmp/hssd-sctp.XXXXXX)
	trap 'rm -rf "$data"' EXIT
	"$ctl" --db "$data/hss.db" add --imsi 001010000000001 --impi "$IMPI" --impu "$IMPU" \
		--k "$K" --op "$OP" >"$data/hss-ctl.log" 2>&1 ||
		{ echo "FAIL - hss-ctl add"; cat "$data/hss-ctl.log"; exit 1; }
	rm -f "$data/hss-ctl.log"
	here=$(cd "$(dirname "$0")" && pwd)
	# Test commands run with the --bin programs on PATH, in the VM or not.
	set -- "hssd-over-sctp.sh --guest"
	[ -n "$selftest" ] && set -- --bin "$selftest" -- sctp-selftest "$@"
	[ -n "$selftest" ] || set -- -- "$@"
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
host "$@"
