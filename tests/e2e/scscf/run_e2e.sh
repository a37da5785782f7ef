#!/bin/sh
# e2e for scscf-stub: real hssd + hss-ctl + scscf-stub on free loopback
# ports, driven by the scripted UE sip_client. Exit 0 pass, 1 fail,
# 77 skip (with the reason). Usage: run_e2e.sh BIN_DIR CLIENT
HERE=$(cd "$(dirname "$0")" && pwd)
TESTS_LIB="$HERE/../../lib"
# shellcheck source=../../lib/common.sh
. "$TESTS_LIB/common.sh" # wait_file, wait_for, capture_start, capture_stop
BIN=$1
CLIENT=$2
for p in hssd hss-ctl scscf-stub; do
	if [ ! -x "$BIN/$p" ]; then echo "SKIP: $BIN/$p is not built"; exit 77; fi
done
[ -x "$CLIENT" ] || { echo "SKIP: $CLIENT is not built"; exit 77; }

T=$(mktemp -d /tmp/scscf-e2e.XXXXXX)
PIDS=""
CAP_PID="" CAPS=""
cleanup() {
	for p in $PIDS $CAPS; do kill "$p" 2>/dev/null; done
	for p in $PIDS $CAPS; do kill -CONT "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "$KEEP" ]; then echo "logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

REALM=ims.mnc001.mcc001.3gppnetwork.org
K=465b5ce8b199b49faa5f0a2ee238a6bc
OPC=cd63cb71954a9f4e48a5994e37a02baf
FAIL=0

add_user() { # N [extra hss-ctl args]
	n=$1; shift
	"$BIN/hss-ctl" --db "$T/hss.db" add --imsi 00101000000000$n \
		--impi 00101000000000$n@$REALM --impu sip:00101000000000$n@$REALM \
		--impu tel:+155500000$n --k $K --opc $OPC --amf 8000 --sqn 20 "$@" >/dev/null ||
		{ echo "hss-ctl add $n failed"; exit 1; }
}

start_scscf() { # NAME HSS_PORT [flags]
	name=$1 hp=$2; shift 2
	"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/$name.port" \
		--hss tcp://127.0.0.1:$hp --realm $REALM --state-file "$T/$name.state" \
		--origin-host "scscf-$name.$REALM" \
		--log-file "$T/$name.log" --log-level debug "$@" 2>"$T/$name.stderr" &
	PIDS="$PIDS $!"
	eval "${name}_PID=$!"
	wait_file "$T/$name.port" 10 "$!" || { echo "scscf-stub $name did not start"; exit 1; }
	eval "${name}_PORT=$(cat "$T/$name.port")"
}

client() { # PORT N SCENARIO [client args]
	port=$1 n=$2 sc=$3; shift 3
	if ! "$CLIENT" --server 127.0.0.1:$port --impi 00101000000000$n@$REALM \
		--impu sip:00101000000000$n@$REALM --realm $REALM --k $K --opc $OPC "$@" "$sc"; then
		FAIL=1
	fi
}

check() { # DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then echo "  [ok] $d"; else echo "  [FAIL] $d"; FAIL=1; fi
}

add_user 1
add_user 2
add_user 3 --password secret-md5 --scheme "SIP Digest"
add_user 4
add_user 5
# SIPp's AKA keys go through C strings and its keyword parser: a 00, '[' or
# ']' octet breaks them, so user 6 has printable K/OP ("SIPp-AKA-key-026",
# "SIPp-AKA-op--026", as in sipp_reg_aka.xml) and AMF b9b9.
"$BIN/hss-ctl" --db "$T/hss.db" add --imsi 001010000000006 --impi 001010000000006@$REALM \
	--impu sip:001010000000006@$REALM --k 534950702d414b412d6b65792d303236 \
	--op 534950702d414b412d6f702d2d303236 --amf b9b9 --sqn 20 >/dev/null ||
	{ echo "hss-ctl add 6 failed"; exit 1; }

"$BIN/hssd" --db "$T/hss.db" --listen tcp://127.0.0.1:0 --port-file "$T/hss.port" \
	--origin-host hss.$REALM --realm $REALM --accept-any-peer --log-level debug \
	--log-file "$T/hssd.log" &
HSS_PID=$!
PIDS="$PIDS $HSS_PID"
wait_file "$T/hss.port" 10 "$HSS_PID" || { echo "hssd did not start"; exit 1; }
HP=$(cat "$T/hss.port")

# Two captures of this test's own traffic, merged when read: Diameter on
# hssd's port from before the stubs start (their CER/CEA are judged too),
# SIP on the stubs' ports once they are known. Not all of lo's UDP: other
# programs' SIP (a load run) then filled the file, and capture.sh, which
# reads the whole file for its probe every 0.1 s, took minutes (the test
# timed out under load). capture_start returns once a probe is in the file.
CAPTURE=""
if command -v dumpcap >/dev/null 2>&1 && command -v tshark >/dev/null 2>&1 &&
	command -v mergecap >/dev/null 2>&1; then
	CAPTURE=1
fi
capture() { # NAME FILTER: capture_start into $T/NAME.pcapng (CAP_PID), or exit 1
	capture_start "$T/$1.pcapng" "$2" "$T/dumpcap-$1.log" ||
		{ echo "dumpcap cannot capture on lo:"; cat "$T/dumpcap-$1.log"; exit 1; }
	CAPS="$CAPS $CAP_PID"
}
if [ -n "$CAPTURE" ]; then
	capture diam "tcp port $HP"
	CAP_DIAM=$CAP_PID
fi

# A closed port for the "HSS down" case: bind-and-release is racy, so use
# the port of a listener we start and stop ourselves (hssd on port 0).
start_scscf AKA1 "$HP" --hss-timeout 1500
start_scscf AKA2 "$HP" --scheme AKAv2-MD5
start_scscf MD5 "$HP" --scheme MD5 --challenge initial
start_scscf DOWN 9 --hss-timeout 1000

# Wait until each stub has its Cx connection open (CEA seen in its log).
for n in AKA1 AKA2 MD5; do
	wait_for 10 grep -q "open (CEA" "$T/$n.log" || { echo "$n: no Cx connection"; cat "$T/$n.log"; exit 1; }
done
if [ -n "$CAPTURE" ]; then
	capture sip "udp port $AKA1_PORT or udp port $AKA2_PORT or udp port $MD5_PORT or udp port $DOWN_PORT"
	CAP_SIP=$CAP_PID
fi

echo "== AKAv1-MD5 (qop auth-int, digest uri sip:IP:port like SIPp)"
client "$AKA1_PORT" 1 register --alg AKAv1-MD5 --qop auth-int --uri sip:127.0.0.1:$AKA1_PORT
client "$AKA1_PORT" 1 wrong-res --alg AKAv1-MD5
client "$AKA1_PORT" 1 mac-fail --alg AKAv1-MD5
client "$AKA1_PORT" 1 bad-input --alg AKAv1-MD5
echo "== resync with a real AUTS"
client "$AKA1_PORT" 4 resync --alg AKAv1-MD5 --usim-sqn 0x100000
echo "== AKAv2-MD5"
client "$AKA2_PORT" 2 register --alg AKAv2-MD5 --fold
echo "== MD5 (SIP Digest, HA1 from the HSS)"
client "$MD5_PORT" 3 register --alg MD5 --password secret-md5
echo "== RTR from the HSS drops the bindings"
client "$AKA1_PORT" 5 register-only --alg AKAv1-MD5
# state_has PATTERN: SIGUSR1, then poll the state file (up to 5 s).
state_has() {
	i=0
	while [ $i -lt 25 ]; do
		kill -USR1 "$AKA1_PID"; sleep 0.2
		grep -q "$1" "$T/AKA1.state" 2>/dev/null && return 0
		i=$((i + 1))
	done
	return 1
}
state_lacks() {
	i=0
	while [ $i -lt 25 ]; do
		kill -USR1 "$AKA1_PID"; sleep 0.2
		[ -s "$T/AKA1.state" ] && ! grep -q "$1" "$T/AKA1.state" && return 0
		i=$((i + 1))
	done
	return 1
}
check "binding stored" state_has '"impu": "sip:001010000000005@'
"$BIN/hss-ctl" --db "$T/hss.db" rtr 001010000000005@$REALM >/dev/null 2>&1
check "RTR answered and bindings dropped" state_lacks '001010000000005'
# The stub logs a request after answering it: wait for the line (wait_for:
# common.sh) instead of reading the log the moment the peer is done.
check "RTR logged" wait_for 10 grep -q "RTR impi=001010000000005" "$T/AKA1.log"
echo "== SIPp's own IMS AKA (a real UE implementation)"
# SIPp also takes the RES as a C string (RFC 3310 §3.2: the password is the
# RES octets): a RES with a 00 octet (≈ 3 % of RANDs, 1 - (255/256)^8)
# becomes a shorter password, and the stub rightly answers 403. Only then
# is SIPp run again (a new MAR, a new RAND), at most twice; any other
# failure stays a failure.
sipp_res_has_00() {
	_n=$(sed -n 's/^WWW-Authenticate:.*nonce="\([^"]*\)".*/\1/p' "$T"/sipp_reg_aka_*_messages.log |
		tail -n 1)
	[ -n "$_n" ] || return 1
	SIPP_RES=$("$BIN/aka-tool" nonce decode "$_n" --k 534950702d414b412d6b65792d303236 \
		--op 534950702d414b412d6f702d2d303236 --json | sed -n 's/.*"res": "\([0-9a-f]*\)".*/\1/p')
	printf '%s\n' "$SIPP_RES" | grep -Eq '^(..)*00'
}
if command -v sipp >/dev/null 2>&1; then
	for attempt in 1 2 3; do
		rm -f "$T"/sipp_reg_aka_*_messages.log
		( cd "$T" && timeout 30 sipp 127.0.0.1:$AKA1_PORT -sf "$HERE/sipp_reg_aka.xml" \
			-m 1 -i 127.0.0.1 -p 0 -nostdin -key user 001010000000006 -key realm $REALM \
			-au 001010000000006@$REALM -ap unused -trace_err -trace_msg >"$T/sipp.out" 2>&1 ) &&
			break
		[ "$attempt" -lt 3 ] && sipp_res_has_00 || break
		echo "  (SIPp's RES $SIPP_RES has a 00 octet, which SIPp cuts: asking again)"
	done
	check "SIPp AKAv1-MD5 registration (auth-int, uri sip:IP:port) -> 200" \
		wait_for 10 grep -q "impi=001010000000006@.*-> 200 OK" "$T/AKA1.log"
else
	echo "  (sipp not installed: Debian package sip-tester; step skipped)"
fi
echo "== HSS down -> 5xx without a hang"
client "$DOWN_PORT" 1 hss-down --timeout 5000
echo "== HSS too slow (hssd stopped) -> 504"
kill -STOP "$HSS_PID"
client "$AKA1_PORT" 1 hss-down --timeout 5000
kill -CONT "$HSS_PID"
echo "== HSS restart: the stub reconnects (back-off) and serves again"
kill -TERM "$HSS_PID"; wait "$HSS_PID"
client "$AKA1_PORT" 1 hss-down --timeout 5000
"$BIN/hssd" --db "$T/hss.db" --listen tcp://127.0.0.1:$HP --origin-host hss.$REALM \
	--realm $REALM --accept-any-peer --log-level debug --log-file "$T/hssd2.log" &
HSS_PID=$!
PIDS="$PIDS $HSS_PID"
i=0
until [ "$(grep -c "open (CEA" "$T/AKA1.log")" -ge 2 ]; do
	i=$((i + 1)); [ $i -gt 150 ] && break
	sleep 0.1
done
check "AKA1 reconnected to the restarted hssd" [ "$(grep -c "open (CEA" "$T/AKA1.log")" -ge 2 ]
client "$AKA1_PORT" 5 register-only --alg AKAv1-MD5
check "log line for the request Sofia refused itself" grep -q "refused by the SIP parser" "$T/AKA1.log"
check "no key material in the stub logs" sh -c "! grep -qi -e 'xres' -e ' ck=' -e ' ik=' '$T/AKA1.log'"

# Clean shutdown: each stub exits 0 on SIGTERM (with ASan: no leak report).
for n in AKA1 AKA2 MD5 DOWN; do
	eval "pid=\$${n}_PID"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	check "$n exits 0 on SIGTERM (got $rc)" [ "$rc" -eq 0 ]
	PIDS=$(echo "$PIDS" | sed "s/ $pid\b//")
done

if [ -n "$CAPTURE" ]; then
	# each stopped after every packet sent so far is in it
	CAP_PID=$CAP_SIP
	capture_stop "$T/sip.pcapng"
	CAP_PID=$CAP_DIAM
	capture_stop "$T/diam.pcapng"
	mergecap -w "$T/e2e.pcapng" "$T/diam.pcapng" "$T/sip.pcapng" ||
		{ echo "mergecap failed"; exit 1; }
	DEC="-d tcp.port==$HP,diameter"
	OURS="tcp.port == $HP"
	for p in $AKA1_PORT $AKA2_PORT $MD5_PORT $DOWN_PORT; do
		DEC="$DEC -d udp.port==$p,sip"
		OURS="$OURS || udp.port == $p"
	done
	BAD="($OURS) && (_ws.malformed || _ws.expert.severity >= error)"
	# shellcheck disable=SC2086
	bad=$(tshark -r "$T/e2e.pcapng" $DEC -Y "$BAD" 2>/dev/null | wc -l)
	# shellcheck disable=SC2086
	total=$(tshark -r "$T/e2e.pcapng" $DEC -Y "($OURS) && (sip || diameter)" 2>/dev/null | wc -l)
	# shellcheck disable=SC2086
	cer=$(tshark -r "$T/e2e.pcapng" $DEC -Y "diameter.cmd.code == 257" 2>/dev/null | wc -l)
	# shellcheck disable=SC2086
	dpr=$(tshark -r "$T/e2e.pcapng" $DEC -Y "diameter.cmd.code == 282" 2>/dev/null | wc -l)
	check "tshark: $total SIP/Diameter packets ($cer CER/CEA, $dpr DPR/DPA), $bad malformed/expert errors" \
		[ "$bad" -eq 0 -a "$total" -gt 0 -a "$cer" -ge 6 -a "$dpr" -ge 3 ]
	# shellcheck disable=SC2086
	[ "$bad" -eq 0 ] || tshark -r "$T/e2e.pcapng" $DEC -Y "$BAD" | head -20
else
	echo "  (tshark/dumpcap/mergecap not installed: capture check skipped)"
fi

if [ $FAIL -ne 0 ]; then
	KEEP=1
	echo "e2e/scscf: FAILED"; exit 1
fi
echo "e2e/scscf: passed"
