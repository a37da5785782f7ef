#!/bin/sh
# scscf-stub start-up as a new user meets it (issue 17): the port it
# reports when listening on the default 5060, a --port-file it cannot write.
#   scscf-stub.sh BIN_DIR
. "$(dirname "$0")/../../lib/common.sh"
STUB=$1/scscf-stub
need_exe "$STUB" scscf-stub
T=$(mktemp -d /tmp/cli-scscf.XXXXXX)
PID=
trap 'stop_pids $PID; rm -rf "$T"' EXIT

# Port 5060 on an address of lo that only this test uses (127.x.y.z, from
# our PID), so it does not collide with another test or a real registrar.
addr="127.$((100 + $$ / 65536 % 100)).$(($$ / 256 % 256)).$(($$ % 256))"
"$STUB" --sip "sip:$addr:5060" --port-file "$T/port" --hss tcp://127.0.0.1:1 >"$T/log" 2>&1 &
PID=$!
if ! wait_file "$T/port" 10; then
	if grep -qi "cannot listen" "$T/log"; then
		echo "skipped: $addr:5060 cannot be bound here: $(head -1 "$T/log")"
		exit 77
	fi
	bad "no --port-file when listening on 5060: $(cat "$T/log")"
else
	p=$(cat "$T/port")
	if [ "$p" = 5060 ]; then ok "--port-file says 5060"; else bad "--port-file says '$p', want 5060"; fi
	if grep -q "listening on sip:$addr:5060 (port 5060)" "$T/log"; then ok "the log names port 5060"
	else bad "log: $(grep listening "$T/log")"; fi
fi
stop_pids $PID
PID=

# A --port-file that cannot be written: exit 1 at once with one error line.
"$STUB" --sip sip:127.0.0.1:0 --port-file "$T/no/such/dir/port" --hss tcp://127.0.0.1:1 \
	>"$T/log2" 2>&1 &
PID=$!
if wait_for 10 sh -c "! kill -0 $PID 2>/dev/null"; then
	wait "$PID"
	rc=$?
	PID=
	[ "$rc" = 1 ] && ok "unwritable --port-file: exit 1" || bad "unwritable --port-file: exit $rc"
	grep -q "error .*--port-file $T/no/such/dir/port: No such file or directory" "$T/log2" &&
		ok "the error names the file and why" || bad "log: $(cat "$T/log2")"
else
	bad "unwritable --port-file: scscf-stub still runs after 10 s"
fi

# Config sections are honoured: a key in the wrong section is refused.
printf '[log]\nhss = tcp://127.0.0.1:3868\n' >"$T/bad.conf"
out=$("$STUB" -n -c "$T/bad.conf" 2>&1)
rc=$?
[ "$rc" = 1 ] && [ "$out" = "scscf-stub: $T/bad.conf:2: key 'hss' belongs in section [diameter]" ] &&
	ok "a key in the wrong section: $out" || bad "wrong section: exit $rc, '$out'"
# getopt says nothing itself: one line of ours
out=$("$STUB" --bogus 2>&1)
rc=$?
[ "$rc" = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && ok "unknown option: one line, exit 2" ||
	bad "unknown option: exit $rc, '$out'"
# A prefix of a long option is not that option: '--port 0' used to mean
# '--port-file 0' (getopt_long's abbreviations); now one line, exit 2.
out=$("$STUB" --sip sip:127.0.0.1:0 --port 0 2>&1)
rc=$?
[ "$rc" = 2 ] && [ "$out" = "scscf-stub: '--port' is not an option (did you mean --port-file? options are spelt out in full)" ] &&
	ok "abbreviated option refused: $out" || bad "--port 0: exit $rc, '$out'"
# A bad value of any flag is a usage error naming the flag (exit 2): --hss
# and --name were checked only after parsing (exit 1, "hss: …"), a flag
# without its value was an "unknown argument", and Sofia bound a listen
# port of 70000 as 4464.
usage_expect 2 "^scscf-stub: --hss: 'udp://127.0.0.1:3868' is not tcp://IP:PORT or sctp://IP:PORT\$" \
	"$STUB" -n --hss udp://127.0.0.1:3868
usage_expect 2 "^scscf-stub: --name: 'scscf.test' is not a SIP URI\$" "$STUB" -n --name scscf.test
usage_expect 2 '^scscf-stub: --realm: missing value$' "$STUB" -n --realm
usage_expect 2 "^scscf-stub: --sip: 'sip:127.0.0.1:70000' is not sip:IP:PORT" \
	"$STUB" -n --sip sip:127.0.0.1:70000
# min <= default <= max: a default below min-expires answered every
# REGISTER without an expiry 423
usage_expect 1 '^scscf-stub: need min_expires <= default_expires <= max_expires, got 60, 10, 3600$' \
	"$STUB" -n --default-expires 10
[ "$FAILS" -eq 0 ]
