#!/bin/sh
# aka-tool's command line as a new user meets it (issue 17): explain checks
# its digest arguments as digest does; milenage has no --algo.
#   aka-tool.sh BIN_DIR
. "$(dirname "$0")/../../lib/common.sh"
TOOL=$1/aka-tool
need_exe "$TOOL" aka-tool
T=$(mktemp -d /tmp/cli-aka-tool.XXXXXX)
trap 'rm -rf "$T"' EXIT
K=465b5ce8b199b49faa5f0a2ee238a6bc OP=cdc202d5123e20f62b6d676ac72cb318
RAND=23553cbe9637a89d218ae64dae47bf35

# usage CODE LINE ARGS...: exit CODE, stderr exactly LINE and nothing on
# stdout (a usage error never leaves half a report or half a JSON object)
usage() {
	_want=$1 _line=$2
	shift 2
	"$TOOL" "$@" >"$T/out" 2>"$T/err"
	_rc=$?
	if [ "$_rc" = "$_want" ] && [ "$(cat "$T/err")" = "$_line" ] && [ ! -s "$T/out" ]; then
		ok "aka-tool $(echo "$*" | cut -c1-50)…: exit $_rc, $_line"
	else
		bad "aka-tool $*: exit $_rc (want $_want), stderr '$(cat "$T/err")' (want '$_line'), stdout '$(cat "$T/out")'"
	fi
}
DIG="digest --alg MD5 --username u --realm r --nonce n --uri sip:r --method REGISTER"
LONG=$(printf '%070d' 0)
# shellcheck disable=SC2086 # $DIG is a word list
for a in "explain --demo" "$DIG"; do
	usage 2 "aka-tool: --nc: expected 8 hex digits, got '1'" $a --password p --qop auth --nc 1 --cnonce c
	usage 2 "aka-tool: --qop: expected auth or auth-int, got 'bogus'" $a --password p --qop bogus
	usage 2 "aka-tool: --nc: required" $a --password p --qop auth-int --cnonce c
	usage 2 "aka-tool: --password: at most 64 characters" $a --password "$LONG"
done
usage 2 "aka-tool: --cnonce: only with --qop" explain --k $K --op $OP --rand $RAND --sqn 000000000001 \
	--amf 8000 --impi i --realm r --uri sip:r --method REGISTER --cnonce c
usage 2 "aka-tool: --algo: not an option of 'milenage'" milenage --k $K --op $OP --rand $RAND --algo xor
usage 2 "aka-tool: --ind-bits: expected a number in 0..8, got '9'" explain --demo --ind-bits 9
# keys and SQN_MS are checked before anything is printed, with --json too
NONCE=I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=
usage 2 "aka-tool: --op/--opc: one of them is required" nonce decode $NONCE --k $K --json
usage 2 "aka-tool: --k: required" nonce decode $NONCE --op $OP
usage 2 "aka-tool: --mac-len: AUTN and AUTS carry a 64-bit MAC (TS 33.102 §6.3.2), so this needs 8" \
	nonce decode $NONCE --algo tuak --k $K --top $OP$OP --mac-len 16 --json
usage 2 "aka-tool: --sqn-ms: required" auts make --k $K --op $OP --rand $RAND --json
usage 2 "aka-tool: --sqn-ms: expected 6 octets as 12 hex digits (wrong length)" \
	auts make --k $K --op $OP --rand $RAND --sqn-ms 00
# rspauth with qop=auth-int hashes the 200 OK's (empty) body, not the
# REGISTER's --body-hex (RFC 2617 §3.2.3); value from Python's hashlib:
# response MD5(HA1:n:00000001:c:auth-int:MD5("REGISTER:sip:r:" MD5(00ff))),
# rspauth the same with MD5(":sip:r:" MD5(""))
"$TOOL" digest --alg AKAv1-MD5 --username u --realm r --nonce n --uri sip:r --method REGISTER \
	--res a54211d5e3ba50bf --qop auth-int --nc 00000001 --cnonce c --body-hex 00ff >"$T/out" 2>&1
grep -q '^response   76339cc211dbb242782edca323a8e372$' "$T/out" &&
	grep -q '^rspauth    72dc65e3f67c93a4f5a504fdb743d606$' "$T/out" &&
	ok "digest auth-int: response over the body, rspauth over the 200 OK's empty body" ||
	bad "digest auth-int with --body-hex: $(cat "$T/out")"
"$TOOL" explain --demo --qop auth --nc 00000002 --cnonce c >"$T/out" 2>&1 &&
	grep -q 'qop=auth, nc=00000002, cnonce="c"' "$T/out" && ok "explain --demo with a valid nc" ||
	bad "explain --demo --nc 00000002: $(tail -3 "$T/out")"
[ "$FAILS" -eq 0 ]
