#!/bin/sh
# e2e (issue 16): scscf-stub against hostile or careless SIP, sent raw over
# UDP by sipudp.py. One CHECK per run, each with its own stub:
#   pending   the HSS never answers (bad_hss.py --silent): max_pending
#             REGISTERs wait, the rest get 503 + Retry-After at once, the
#             log says so once per overload (not per request); after the
#             504s the bound is free again
#   reserve   the same silent HSS: one address fills max_pending, a
#             REGISTER from another (127.0.0.2) still waits in the reserve
#             (--pending-reserve) and gets 504, not an immediate 503
#             (RESERVE_OPTS="--pending-reserve 0": the old bound, it fails)
#   expires   Expires / ;expires= of 2^31, 2^32, 2^64 and malformed: the
#             contact is bound for max-expires (3600), never de-registered
#   contacts  a binding keeps 16 contacts: a 17th is refused with 503, no
#             200 that drops it
#   ckik      ck/ik in a 401 only through a P-CSCF (a Path header), or
#             with --ck-ik-always
#   utf8      an IMPI or IMPU that is not UTF-8: 400 from the stub, no MAR
#             (hssd's 5004 was a 500)
#   late100   no 100 Trying to a REGISTER before the UE's Timer E reaches
#             T2 (RFC 4320 §4.1); with hss-timeout beyond that, the
#             retransmission after it gets one
#   logesc    control characters in a username and a method name are in
#             the log as \xHH, never raw
# Usage: hardening.sh CHECK BIN_DIR. Exit 0 pass, 1 fail, 77 skip.
# KEEP=1 keeps the logs.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
CHECK=$1 BIN=$2
need_exe "$BIN/scscf-stub" scscf-stub
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }

work_dir scscf-hard
REALM=ims.mnc001.mcc001.3gppnetwork.org
FAILS=0
: >"$T/results"

silent_hss() {
	: >"$T/cases"
	python3 "$HERE/bad_hss.py" --port-file "$T/hss.port" --cases "$T/cases" --silent \
		>"$T/bad_hss.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_file "$T/hss.port" 10 || { bad "bad_hss.py wrote no port file"; exit 1; }
	HSS_PORT=$(cat "$T/hss.port")
}

# hssd with one user USER: a SIP Digest one (password PW: no AKA card
# needed) unless AKA is given.
digest_hss() { # USER [AKA]
	need_exe "$BIN/hssd" hssd
	_u=$1
	if [ -n "${2:-}" ]; then set --; else set -- --password PW --scheme "SIP Digest"; fi
	"$BIN/hss-ctl" --db "$T/hss.db" add --imsi 001010000000077 --impi "$_u@$REALM" \
		--impu "sip:$_u@$REALM" --k 465b5ce8b199b49faa5f0a2ee238a6bc \
		--opc cd63cb71954a9f4e48a5994e37a02baf "$@" >/dev/null || { bad "hss-ctl add"; exit 1; }
	start_hssd "$BIN/hssd" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer
	PIDS="$PIDS $HSSD_PID"
}

start_stub() { # flags...
	"$BIN/scscf-stub" --sip "sip:127.0.0.1:0;transport=udp" --port-file "$T/sip.port" \
		--hss "tcp://127.0.0.1:$HSS_PORT" --origin-host scscf.$REALM --realm $REALM \
		--log-file "$T/scscf.log" "$@" 2>"$T/scscf.err" &
	STUB=$!
	PIDS="$PIDS $STUB"
	wait_file "$T/sip.port" 10 && wait_for 10 grep -q "open (CEA" "$T/scscf.log" ||
		{ bad "scscf-stub has no Cx connection"; cat "$T/scscf.log" "$T/scscf.err"; exit 1; }
	SIP=$(cat "$T/sip.port")
}

sipudp() {
	python3 "$HERE/sipudp.py" "$SIP" "$@" | tee -a "$T/results"
}

count() { # PATTERN FILE
	n=$(grep -c -- "$1" "$2")
	echo "${n:-0}"
}

case $CHECK in
pending)
	silent_hss
	start_stub --max-pending 40 --hss-timeout 2000 --retry-after 7 --log-level notice
	sipudp pending 300 40
	# the log: one line when the overload starts, one when it ends
	wait_for 5 grep -q "overload over: 260 REGISTERs answered 503" "$T/scscf.log" &&
		ok "overload end logged with its count" ||
		bad "no 'overload over: 260 …' line"
	[ "$(count "overload: 40 REGISTERs await the HSS (max_pending 40)" "$T/scscf.log")" = 1 ] &&
		ok "one overload line for 260 refusals" ||
		bad "overload lines: $(count "overload:" "$T/scscf.log")"
	[ "$(count " -> 503 " "$T/scscf.log")" = 0 ] && ok "no line per refused REGISTER" ||
		bad "$(count " -> 503 " "$T/scscf.log") per-request 503 lines"
	grep -q "Retry-After 7" "$T/scscf.log" && ok "Retry-After is retry_after (7)" ||
		bad "Retry-After not 7"
	# the waiting ones time out (504) together: the bound is free again
	wait_for 10 grep -q -- "-> 504 " "$T/scscf.log" || bad "no 504 after hss-timeout"
	sleep 0.5
	# the stall: one warning, the 504s themselves below notice
	[ "$(count "the HSS left a request unanswered" "$T/scscf.log")" = 1 ] &&
		ok "one line for the stalled HSS" ||
		bad "$(count "the HSS left a request unanswered" "$T/scscf.log") stall lines"
	[ "$(count " -> 504 " "$T/scscf.log")" = 1 ] && ok "one 504 line at notice level (the first)" ||
		bad "$(count " -> 504 " "$T/scscf.log") lines for 504s at notice level (want 1)"
	sipudp pending-after 100 40
	wait_for 5 grep -q "overload over: 60 REGISTERs" "$T/scscf.log" &&
		ok "the second overload is logged as its own" || bad "no second 'overload over: 60'"
	[ "$(wc -l <"$T/scscf.log")" -le 10 ] && ok "$(wc -l <"$T/scscf.log") log lines in all" ||
		bad "$(wc -l <"$T/scscf.log") log lines for two floods"
	;;
late100)
	silent_hss
	start_stub --hss-timeout 6000 --log-level notice
	sipudp late100 6000
	stop_pids "$STUB"
	rm -f "$T/sip.port"
	start_stub --log-level notice
	sipudp late100 3000
	;;
expires | contacts)
	digest_hss ue77
	start_stub --scheme MD5 --qop auth --max-expires 3600 --log-level info
	sipudp "$CHECK" ue77 PW
	;;
ckik)
	digest_hss ue77 aka
	start_stub --log-level info
	sipudp ckik ue77 no
	stop_pids "$STUB"
	rm -f "$T/sip.port"
	start_stub --log-level info --ck-ik-always
	sipudp ckik ue77 yes
	;;
logesc)
	digest_hss ue77 aka
	start_stub --log-level debug
	sipudp logesc ue77 -
	sleep 0.3
	raw=$(LC_ALL=C tr -d '\n' <"$T/scscf.log" | LC_ALL=C tr -dc '\000-\037\177-\377' | wc -c)
	[ "$raw" = 0 ] && ok "no control or non-ASCII octet in the log" ||
		bad "$raw control/non-ASCII octets in the log"
	grep -qF 'impi=ue77\x1b[31mRED\x07\x7f\x85\x5c@' "$T/scscf.log" &&
		ok "the username is logged escaped (\\x1b … \\x5c)" ||
		bad "no escaped username line: $(grep 'impi=ue77' "$T/scscf.log" | head -2)"
	;;
reserve)
	silent_hss
	start_stub --max-pending 40 --hss-timeout 2000 --log-level notice ${RESERVE_OPTS:-}
	sipudp reserve 300 40
	;;
utf8)
	digest_hss ue77 aka
	start_stub --log-level info
	sipudp utf8 ue77 -
	[ "$(count 'MAR' "$T/scscf.log")" = 1 ] && ok "one MAR: for the UTF-8 username only" ||
		bad "MARs sent: $(grep -c 'MAR' "$T/scscf.log")"
	;;
*)
	echo "usage: $0 pending|reserve|expires|contacts|ckik|logesc|utf8 BIN_DIR" >&2
	exit 2
	;;
esac
FAILS=$((FAILS + $(count '^FAIL' "$T/results")))
kill -0 "$STUB" 2>/dev/null && ok "scscf-stub is still running" || bad "scscf-stub died"
[ "$FAILS" -eq 0 ] || { echo "# --- scscf-stub log ---"; tail -30 "$T/scscf.log"; exit 1; }
exit 0
