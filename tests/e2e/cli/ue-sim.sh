#!/bin/sh
# ue-sim's command line as a new user meets it (issue 17): options given
# twice or both --op and --opc refused (exit 2), OP with XOR refused, a
# JUnit report that cannot be written fails the run, what `expect usim`
# says when the USIM was not asked.
#   ue-sim.sh BIN_DIR
. "$(dirname "$0")/../../lib/common.sh"
UE=$1/ue-sim
need_exe "$UE" ue-sim
T=$(mktemp -d /tmp/cli-ue-sim.XXXXXX)
trap 'rm -rf "$T"' EXIT
K=465b5ce8b199b49faa5f0a2ee238a6bc OP=cdc202d5123e20f62b6d676ac72cb318
CLOSED=$(free_port)
REG="register --registrar sip:127.0.0.1:$CLOSED --impi a@ims.test --impu sip:a@ims.test --realm ims.test"

usage() { _c=$1 _r=$2; shift 2; usage_expect "$_c" "$_r" "$UE" "$@"; }
# shellcheck disable=SC2086 # $REG is a word list
{
usage 2 '^ue-sim: --opc: --op was given already' $REG --k $K --op $OP --opc $OP
usage 2 '^ue-sim: --op: --opc was given already' $REG --k $K --opc $OP --op $OP
usage 2 '^ue-sim: --k: given twice$' $REG --k $K --k $K --op $OP
usage 2 '^ue-sim: --impi: given twice$' $REG --impi b@ims.test --k $K --op $OP
usage 2 '^ue-sim: --op: not used by the XOR algorithm' $REG --k $K --op $OP --algo xor
usage 2 '^ue-sim: --k: given twice$' load --count 1 --registrar sip:127.0.0.1:9 --realm x --k $K --k $K --op $OP
# sip:IP:PORT as documented, checked where it is given: a host name was a
# 503 "DNS Error" later (Sofia does not read /etc/hosts), port 99999 was
# sent to, and load without a port said "cannot set up 1 UEs on sip:127.0.0.1:0"
usage 2 "^ue-sim: --registrar: expected sip:IP:PORT .*got 'sip:localhost:5060'\$" \
	register --registrar sip:localhost:5060 --impi a@ims.test --impu sip:a@ims.test --realm ims.test --k $K --op $OP
usage 2 "^ue-sim: --registrar: expected sip:IP:PORT .*got 'sip:127.0.0.1:99999'\$" \
	register --registrar sip:127.0.0.1:99999 --impi a@ims.test --impu sip:a@ims.test --realm ims.test --k $K --op $OP
usage 2 "^ue-sim: --registrar: expected sip:IP:PORT .*got 'sip:127.0.0.1'\$" \
	load --count 1 --registrar sip:127.0.0.1 --realm x --k $K --op $OP
# the generated IMSIs keep the base's digits: 999999999999999 + 3 users
# made a 16-digit "IMSI" (TS 23.003: at most 15)
usage 2 "^ue-sim: --imsi-base: 999999999999999 \\+ 3 users run to 1000000000000001, longer than the base's 15 digits\$" \
	load --count 3 --imsi-base 999999999999999 --registrar sip:127.0.0.1:9 --realm x --k $K --op $OP
usage 2 "^ue-sim: --bind: expected sip:IP:PORT .*got 'sip:127.0.0.1:70000'\$" \
	run x.scn --registrar "sip:127.0.0.1:$CLOSED" --bind sip:127.0.0.1:70000
}

# A scenario that passes without a registrar: the REGISTER to a closed port
# gets ue-sim's own 503 (TCP: connection refused).
cat >"$T/local503.scn" <<EOS
ue impi a@ims.test
ue impu sip:a@ims.test
ue realm ims.test
ue k $K
ue op $OP
register
expect status 503
EOS
cat >"$T/usim.scn" <<EOS
ue impi a@ims.test
ue impu sip:a@ims.test
ue realm ims.test
ue k $K
ue op $OP
register
expect usim ok
EOS
R="sip:127.0.0.1:$CLOSED;transport=tcp"
"$UE" run "$T/local503.scn" --registrar "$R" --junit "$T/ok.xml" >"$T/out" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q 'testcase classname="scenarios" name="local503.scn"' "$T/ok.xml" &&
	ok "run --junit FILE: exit 0, report written" || bad "run --junit: exit $rc, $(cat "$T/out")"
# an unwritable report: at once, exit 1, one line naming it
"$UE" run "$T/local503.scn" --registrar "$R" --junit "$T/no/dir/x.xml" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] && [ "$(cat "$T/err")" = "ue-sim: --junit $T/no/dir/x.xml: No such file or directory" ] &&
	! grep -q PASS "$T/out" && ok "run --junit into a missing directory: exit 1 before running" ||
	bad "run --junit missing dir: exit $rc, $(cat "$T/err") $(cat "$T/out")"
if [ -w /dev/full ]; then
	"$UE" run "$T/local503.scn" --registrar "$R" --junit /dev/full >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 1 ] && grep -q '^ue-sim: --junit /dev/full: No space left on device$' "$T/err" &&
		ok "run --junit /dev/full (scenarios passed, report lost): exit 1" ||
		bad "run --junit /dev/full: exit $rc, $(cat "$T/err")"
fi
"$UE" run "$T/usim.scn" --registrar "$R" >"$T/out" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q "usim.scn:7: expect usim: expected the USIM to report ok in the last request, it was not asked (no challenge answered)" "$T/out" &&
	ok "expect usim without a challenge says the USIM was not asked" ||
	bad "expect usim: exit $rc, $(cat "$T/out")"
[ "$FAILS" -eq 0 ]
