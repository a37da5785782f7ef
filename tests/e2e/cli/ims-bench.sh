#!/bin/sh
# ims-bench's command line (issue 17 item 2): usage errors, a JUnit report
# that cannot be written, --no-capture, an external HSS (--hss --db) and an
# external registrar (--registrar --db), what a failed `expect usim`
# says, and --answer-delay on an explicit `answer` step. The full scenario set with captures is e2e/scenarios.
#   ims-bench.sh BIN_DIR SCENARIO_DIR
. "$(dirname "$0")/../../lib/common.sh"
BIN=$1 SCN=$2
need_exe "$BIN/ims-bench" ims-bench
for p in hssd hss-ctl scscf-stub ue-sim; do need_exe "$BIN/$p" "$p"; done
T=$(mktemp -d /tmp/cli-ims-bench.XXXXXX)
PIDS=""
trap 'stop_pids $PIDS; rm -rf "$T"' EXIT
cd "$T" || exit 1
IB=$BIN/ims-bench
TWO="$SCN/akav1-register.scn $SCN/mac-failure.scn"

usage() { _c=$1 _r=$2; shift 2; usage_expect "$_c" "$_r" "$IB" "$@"; }
usage 2 '^ims-bench: COMMAND: missing'
usage 2 '^ims-bench: SCENARIO: at least one' run
usage 2 "^ims-bench: SCENARIO: 'nosuch.scn': no such readable file" run nosuch.scn
usage 2 '^ims-bench: --bogus: unknown option' run --bogus "$SCN/akav1-register.scn"
usage 2 '^ims-bench: --update-golden: needs --golden' run --update-golden "$SCN/akav1-register.scn"
usage 2 '^ims-bench: --registrar: expected sip:IP:PORT' run --registrar 127.0.0.1:5060 "$SCN/akav1-register.scn"
usage 2 '^ims-bench: --db: only with --hss or --registrar' run --db x.db "$SCN/akav1-register.scn"
# checked before any scenario starts hssd and scscf-stub (was: each one FAIL, exit 1)
usage 2 "^ims-bench: --timeout: expected a number in 1..600000, got '-5'$" run --timeout -5 "$SCN/akav1-register.scn"
usage 2 "^ims-bench: --answer-delay: expected a number in 0..60000, got 'abc'$" \
	run --answer-delay abc "$SCN/akav1-register.scn"
usage 2 "^ims-bench: --answer-delay: expected a number in 0..60000, got '60001'$" \
	run --answer-delay=60001 "$SCN/akav1-register.scn"
usage 1 "^ims-bench: --junit $T/no/dir/x.xml: cannot be written" run --junit "$T/no/dir/x.xml" "$SCN/akav1-register.scn"

# --no-capture: the scenarios pass, the report holds both, nothing captured
# shellcheck disable=SC2086 # $TWO is a word list
"$IB" run $TWO --no-capture --junit "$T/two.xml" >"$T/out" 2>&1
rc=$?
if [ $rc = 0 ] && tail -1 "$T/out" | grep -q '^JUnit: ' && grep -q '^2 passed, 0 failed$' "$T/out" &&
	[ "$(grep -c '<testcase ' "$T/two.xml")" = 2 ] && grep -q 'captures: none' "$T/out" &&
	[ -s ims-bench-out/logs/akav1-register.hssd.log ] && [ ! -d ims-bench-out/pcap ]; then
	ok "run --no-capture: 2 passed, JUnit with 2 cases, logs in ./ims-bench-out, no captures"
else
	bad "run --no-capture: exit $rc: $(cat "$T/out")"
fi
if [ -w /dev/full ]; then
	"$IB" run "$SCN/akav1-register.scn" --no-capture --junit /dev/full >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 1 ] && grep -q '1 passed, 0 failed' "$T/out" && grep -q 'ims-bench: --junit /dev/full: cannot be written' "$T/err" &&
		ok "a JUnit report that cannot be written fails the run (exit 1)" ||
		bad "--junit /dev/full: exit $rc, $(cat "$T/err")"
fi

# A failed `expect usim` says what the USIM reported.
sed -e 's/^expect usim mac-failure/expect usim ok/' "$SCN/mac-failure.scn" >"$T/usim-ok.scn"
"$IB" run "$T/usim-ok.scn" --no-capture >"$T/out" 2>&1
grep -q 'expect usim: expected the USIM to report ok in the last request, it reported mac-failure' "$T/out" &&
	ok "expect usim names what the USIM reported (mac-failure)" ||
	bad "expect usim: $(grep -A1 FAIL "$T/out")"

# --answer-delay holds for a scenario's explicit `answer` step too (issue 17
# item 7: Kamailio's ims_auth stores the vector after sending the 401, and
# an answer sent at once was challenged again; the step ignored the delay).
"$IB" run "$SCN/akav1-register.scn" --no-capture --answer-delay 1000 --junit "$T/delay.xml" >"$T/out" 2>&1
rc=$?
t=$(sed -n 's/.*<testcase [^>]*name="akav1-register.scn" time="\([0-9.]*\)".*/\1/p' "$T/delay.xml" 2>/dev/null)
if [ $rc = 0 ] && [ -n "$t" ] && awk -v t="$t" 'BEGIN { exit !(t >= 1.0) }'; then
	ok "--answer-delay 1000 with an explicit answer step: passed in $t s (the answer waited)"
else
	bad "--answer-delay 1000: exit $rc, scenario time '${t}' s (want >= 1.0): $(tail -3 "$T/out")"
fi

# An external HSS: our hssd, started here; ims-bench provisions its store.
REALM=ims.mnc001.mcc001.3gppnetwork.org
mkdir "$T/ext"
start_hssd "$BIN/hssd" "$T/ext" --origin-host "hss.$REALM" --realm "$REALM" --accept-any-peer
PIDS="$PIDS $HSSD_PID"
# shellcheck disable=SC2086
"$IB" run $TWO --no-capture --hss "tcp://127.0.0.1:$HSS_PORT" --db "$T/ext/hss.db" --out "$T/o2" >"$T/out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '^2 passed, 0 failed$' "$T/out" && "$BIN/hss-ctl" --db "$T/ext/hss.db" list | grep -q 001010000000105 &&
	ok "--hss tcp://… --db: scenarios against an external hssd, provisioned into its store" ||
	bad "--hss: exit $rc: $(cat "$T/out")"

# An external registrar: a scscf-stub started here against that hssd.
"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/ext/sip.port" --hss "tcp://127.0.0.1:$HSS_PORT" \
	--name "sip:scscf.$REALM" --hss-host "hss.$REALM" >"$T/ext/stub.log" 2>&1 &
PIDS="$PIDS $!"
wait_file "$T/ext/sip.port" 10 || bad "scscf-stub did not start"
wait_for 10 grep -q 'open (CEA' "$T/ext/stub.log"
"$IB" run "$SCN/reregister.scn" --no-capture --registrar "sip:127.0.0.1:$(cat "$T/ext/sip.port")" \
	--db "$T/ext/hss.db" --out "$T/o3" >"$T/out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '^1 passed, 0 failed$' "$T/out" && grep -q 'network lines are not applied' "$T/out" &&
	ok "--registrar sip:… --db: a scenario through an external S-CSCF" ||
	bad "--registrar: exit $rc: $(cat "$T/out")"
[ "$FAILS" -eq 0 ]
