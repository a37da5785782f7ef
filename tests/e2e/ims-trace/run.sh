#!/usr/bin/env bash
# e2e for ims-trace over the committed captures of tests/pcaps:
#  1. every row of tests/pcaps/expected.tsv: exit status and the expected
#     strings in the text report and in --json
#  2. --db with a database made by hss-ctl (OP provisioned as OPc; a right one)
#  3. the captures are exactly what ims-trace-testgen produces today
#  4. usage errors: one line on stderr, exit 2
# usage: run.sh IMS_TRACE PCAPS_DIR TESTGEN [HSS_CTL]
set -uo pipefail
TRACE=$1 PCAPS=$2 TESTGEN=$3 HSSCTL=${4:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
K1=465b5ce8b199b49faa5f0a2ee238a6bc OP1=cdc202d5123e20f62b6d676ac72cb318
OPC1=cd63cb71954a9f4e48a5994e37a02baf
IMPI=001010000000001@ims.mnc001.mcc001.3gppnetwork.org

bad() { echo "FAIL: $*"; fail=1; }

# check NAME EXPECTED_EXIT "STRINGS | ..." -- ARGS...
check() {
	local name=$1 want=$2 strings=$3; shift 4
	"$TRACE" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; local rc=$?
	"$TRACE" --json "$@" >"$TMP/out.json" 2>/dev/null
	[ "$rc" = "$want" ] || { bad "$name: exit $rc, want $want"; cat "$TMP/err.txt"; }
	if [ "$want" != 2 ] && command -v python3 >/dev/null &&
		! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out.json"; then
		bad "$name: --json output is not valid JSON"
	fi
	local IFS='|'
	for s in $strings; do
		s=${s# }; s=${s% }
		[ -z "$s" ] && continue
		if [[ $s == json:* ]]; then
			grep -qF -- "${s#json:}" "$TMP/out.json" || bad "$name: --json lacks '${s#json:}'"
		else
			# grep reads the files itself: "cat | grep -q" under pipefail fails
			# whenever grep exits on the match before cat has written all
			# (cat dies of SIGPIPE), which made this check fail now and then.
			grep -qF -- "$s" "$TMP/out.txt" "$TMP/err.txt" || bad "$name: lacks '$s'"
		fi
	done
}

# 1. expected verdicts
n=0
while IFS=$'\t' read -r cap args want strings; do
	[[ -z $cap || $cap == \#* ]] && continue
	[ "$args" = - ] && args=
	# shellcheck disable=SC2086
	check "$cap $args" "$want" "$strings" -- $args "$PCAPS/$cap"
	n=$((n + 1))
done <"$PCAPS/expected.tsv"
echo "checked $n expected verdicts"

# 2. keys from an hss-ctl database
if [ -n "$HSSCTL" ] && [ -x "$HSSCTL" ]; then
	"$HSSCTL" --db "$TMP/swap.sqlite" add --imsi 001010000000001 --impi "$IMPI" \
		--impu "sip:$IMPI" --k $K1 --opc $OP1 >/dev/null || bad "hss-ctl add (swap db)"
	check "db: OP stored as OPc" 1 "the OPc value treated as OP | 403 was correct | json:\"keys_source\"" \
		-- --db "$TMP/swap.sqlite" "$PCAPS/op_opc_swap.pcap"
	"$HSSCTL" --db "$TMP/good.sqlite" add --imsi 001010000000001 --impi "$IMPI" \
		--impu "sip:$IMPI" --k $K1 --op $OP1 >/dev/null || bad "hss-ctl add (good db)"
	check "db: right keys" 0 "200 OK was correct | verifies with the keys of $TMP/good.sqlite" \
		-- --db "$TMP/good.sqlite" "$PCAPS/good.pcap"
	check "db: unknown IMPI" 0 "no keys for" -- --db "$TMP/good.sqlite" "$PCAPS/ipv6_tcp_multi.pcapng"
	echo "checked --db"
else
	echo "hss-ctl not built: --db checks skipped"
fi
echo "not a database" >"$TMP/junk.sqlite"
check "db: not a database" 2 "--db" -- --db "$TMP/junk.sqlite" "$PCAPS/good.pcap"

# 3. the committed captures are the generator's output
mkdir -p "$TMP/gen"
"$TESTGEN" "$TMP/gen" >/dev/null || bad "testgen failed"
for f in "$TMP"/gen/*; do
	cmp -s "$f" "$PCAPS/$(basename "$f")" || bad "$(basename "$f") differs from testgen output (regenerate: $TESTGEN tests/pcaps)"
done

# 4. usage
check "usage: bad hex" 2 "--k:" -- --k zz --opc $OPC1 "$PCAPS/good.pcap"
check "usage: no capture" 2 "CAPTURE" --
check "usage: missing file" 2 "cannot open" -- "$TMP/nope.pcap"
check "usage: unknown option" 2 "--frobnicate" -- --frobnicate "$PCAPS/good.pcap"
check "usage: k without op" 2 "--k: needs" -- --k $K1 "$PCAPS/good.pcap"
check "not a capture" 2 "not a readable pcap" -- "$PCAPS/expected.tsv"
[ "$(wc -l <"$TMP/err.txt")" = 1 ] || bad "usage error is not one line"
"$TRACE" --help >/dev/null || bad "--help exit"

[ $fail = 0 ] && echo "ims-trace e2e: all passed"
exit $fail
