# shellcheck shell=bash
# Shared by make-e2e-capture.sh and make-sipp-capture.sh: hssd (Cx over
# TCP) and scscf-stub on loopback, and dumpcap on their two ports, for
# recording a committed capture. Source it after setting BIN; it sets
# REALM, T (work dir, removed on exit), HSS_PORT, SIP_PORT.
TESTS_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)"
# shellcheck source=../lib/common.sh
. "$TESTS_LIB/common.sh" # work_dir, wait_file, capture_start, capture_stop
REALM=ims.mnc001.mcc001.3gppnetwork.org
work_dir make-capture

# core_start: hssd on $T/hss.sqlite (provisioned by the caller), then
# scscf-stub in front of it; exits 1 with a line if either does not start.
core_start() {
	"$BIN/hssd" --db "$T/hss.sqlite" --listen tcp://127.0.0.1:0 --port-file "$T/hss.port" \
		--origin-host hss.$REALM --realm $REALM --accept-any-peer --log-level notice \
		>"$T/hssd.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_file "$T/hss.port" 10 || { echo "hssd did not start" >&2; exit 1; }
	HSS_PORT=$(cat "$T/hss.port")
	# the committed captures have ck/ik in the 401 (no P-CSCF in front)
	"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/sip.port" \
		--hss tcp://127.0.0.1:$HSS_PORT --origin-host scscf.$REALM --realm $REALM \
		--name sip:scscf.$REALM --hss-host hss.$REALM --hss-realm $REALM \
		--ck-ik-always >"$T/scscf.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_file "$T/sip.port" 10 || { echo "scscf-stub did not start" >&2; exit 1; }
	SIP_PORT=$(cat "$T/sip.port")
	sleep 1 # the Cx connection is up before the capture starts
}

# core_capture FILE: dumpcap on SIP and Cx by port; returns once a probe is
# in the file ("Capturing on" comes too early).
core_capture() {
	capture_start "$1" "port $SIP_PORT or port $HSS_PORT" "$T/dumpcap.log" ||
		{ echo "dumpcap cannot capture on lo: $(cat "$T/dumpcap.log")" >&2; exit 1; }
	PIDS="$PIDS $CAP_PID"
}
