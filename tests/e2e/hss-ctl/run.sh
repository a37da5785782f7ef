#!/bin/sh
# e2e for hss-ctl (docs/hss-ctl.md): usage: run.sh PATH/TO/hss-ctl
# Checks exit codes (0 ok, 1 failed check, 2 bad usage), one-line errors
# naming the argument, keys hidden without --show-keys, --json output,
# CSV import, and that a failed command leaves nothing behind.
set -u
# shellcheck source=../../lib/common.sh
. "$(dirname "$0")/../../lib/common.sh"
CTL=${1:-}
need_exe "$CTL" hss-ctl
T=$(mktemp -d /tmp/hss-ctl-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
DB=$T/hss.db
R=ims.mnc001.mcc001.3gppnetwork.org
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
OPC=cd63cb71954a9f4e48a5994e37a02baf

# expect CODE [PATTERN] -- ARGS...: hss-ctl's exit code and (PATTERN not
# empty) its one stderr line (ctl_expect in tests/lib/common.sh).
expect() { ctl_expect "$@"; }

json_ok() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" ||
			bad "not JSON: $(cat "$1")"
	fi
}

add_a() {
	expect "$@" --db "$DB" add --imsi 001010000000001 --impi "001010000000001@$R" \
		--impu "sip:001010000000001@$R" --impu tel:+15550000001 --k $K --op $OP
}

# --- help and usage -------------------------------------------------------
expect 0 "" --help
grep -q "import CSV" "$T/out" || bad "--help does not list import"
for c in add show list del set-sqn add-impu set-impu del-impu set-charging import rtr; do
	expect 0 "" "$c" --help
	grep -q "^usage: hss-ctl --db FILE $c" "$T/out" || bad "$c --help: $(cat "$T/out")"
done
# migrate names its stores with --from/--to and takes no --db: its usage says so
expect 0 "" migrate --help
grep -q "^usage: hss-ctl migrate --from STORE --to STORE" "$T/out" && ! grep -q -- "--db" "$T/out" ||
	bad "migrate --help: $(cat "$T/out")"
expect 0 "" --help
grep -q "^       hss-ctl migrate --from STORE --to STORE" "$T/out" && ! grep -q "^  migrate" "$T/out" ||
	bad "--help lists migrate under --db STORE COMMAND: $(cat "$T/out")"
expect 2 "COMMAND" --db "$DB"
expect 2 "unknown command 'frobnicate'" --db "$DB" frobnicate
expect 2 "--db" list

# --- add ------------------------------------------------------------------
add_a 0 ""
add_a 2 "^hss-ctl: --imsi: 001010000000001 already exists$"
expect 2 "^hss-ctl: --impi: 001010000000001@$R already exists$" --db "$DB" add --imsi 001010000000009 \
	--impi "001010000000001@$R" --impu "sip:new@$R" --k $K --opc $OPC
# The duplicate IMPU comes after a valid subscriber row: all rolled back.
expect 2 "^hss-ctl: --impu: tel:+15550000001 already exists$" --db "$DB" add --imsi 001010000000002 \
	--impi "two@$R" --impu "sip:two@$R" --impu tel:+15550000001 --k $K --opc $OPC
expect 1 "no subscriber" --db "$DB" show "two@$R"
expect 2 "^hss-ctl: --k: expected 16 octets as 32 hex digits (not hex)$" --db "$DB" add \
	--imsi 001010000000003 --impi "three@$R" --impu "sip:three@$R" --k zz5b5ce8b199b49faa5f0a2ee238a6bc --op $OP
expect 2 "^hss-ctl: --opc: expected 16 octets as 32 hex digits (wrong length)$" --db "$DB" add \
	--imsi 001010000000003 --impi "three@$R" --impu "sip:three@$R" --k $K --opc 00
expect 2 "^hss-ctl: --opc: give either op or opc" --db "$DB" add --imsi 001010000000003 \
	--impi "three@$R" --impu "sip:three@$R" --k $K --op $OP --opc $OPC
expect 2 "^hss-ctl: --amf:" --db "$DB" add --imsi 001010000000003 --impi "three@$R" \
	--impu "sip:three@$R" --k $K --op $OP --amf 80
expect 2 "^hss-ctl: --imsi:" --db "$DB" add --imsi 12a --impi "three@$R" --impu "sip:three@$R" --k $K --op $OP
expect 2 "^hss-ctl: --impu:" --db "$DB" add --imsi 001010000000003 --impi "three@$R" --impu "three" --k $K --op $OP
expect 2 "^hss-ctl: --algo:" --db "$DB" add --imsi 001010000000003 --impi "three@$R" \
	--impu "sip:three@$R" --k $K --op $OP --algo foo
expect 2 "^hss-ctl: --scheme: 'SIP Digest' needs a password$" --db "$DB" add --imsi 001010000000003 \
	--impi "three@$R" --impu "sip:three@$R" --k $K --op $OP --scheme "SIP Digest"
expect 2 "^hss-ctl: --opc: not used by the XOR algorithm" --db "$DB" add --imsi 001010000000003 \
	--impi "three@$R" --impu "sip:three@$R" --k $K --opc $OPC --algo xor
# an empty value (a script's unset variable) is refused, not the default
for o in --amf --sqn --algo --scheme --res-len; do
	expect 2 "^hss-ctl: $o: empty value (leave the option out for its default)$" --db "$DB" \
		add --imsi 001010000000003 --impi "three@$R" --impu "sip:three@$R" --k $K --op $OP "$o" ""
done
expect 0 "" --db "$DB" add --imsi 001010000000003 --impi "three@$R" --impu "sip:three@$R" \
	--k $K --algo xor --res-len 16 --sqn ff --amf 0000 --password pw --scheme "SIP Digest"

# --- show / list: keys hidden unless --show-keys ----------------------------
expect 0 "" --db "$DB" show 001010000000001
grep -q "$K" "$T/out" && bad "show prints K without --show-keys"
grep -q "$OPC" "$T/out" && bad "show prints OPc without --show-keys"
grep -q "^sqn: *000000000000$" "$T/out" || bad "show: sqn line: $(cat "$T/out")"
expect 0 "" --db "$DB" show "001010000000001@$R" --json
json_ok "$T/out"
grep -q '"k"' "$T/out" && bad "show --json prints k without --show-keys"
grep -q '"impus": \[{"uri": "sip:001010000000001@' "$T/out" || bad "show --json impus: $(cat "$T/out")"
expect 0 "" --db "$DB" show 001010000000001 --json --show-keys
json_ok "$T/out"
grep -q "\"k\": \"$K\"" "$T/out" || bad "--show-keys: no k"
grep -q "\"opc\": \"$OPC\"" "$T/out" || bad "--show-keys: OPc not derived from OP"
expect 0 "" --db "$DB" show "three@$R" --show-keys
grep -q "^password: *pw$" "$T/out" || bad "--show-keys: password"
expect 0 "" --db "$DB" list
[ "$(wc -l <"$T/out")" = 2 ] || bad "list: $(cat "$T/out")"
expect 0 "" --db "$DB" list --json
json_ok "$T/out"
grep -q '"subscribers": \[' "$T/out" || bad "list --json: $(cat "$T/out")"
expect 1 "no subscriber with IMPI or IMSI 'nobody@x'" --db "$DB" show nobody@x

# --- set-sqn / add-impu / del -------------------------------------------------
expect 0 "" --db "$DB" set-sqn 001010000000001 00000000abcd
expect 0 "" --db "$DB" show 001010000000001 --json
grep -q '"sqn": "00000000abcd"' "$T/out" || bad "set-sqn not stored: $(cat "$T/out")"
expect 2 "^hss-ctl: SQN:" --db "$DB" set-sqn 001010000000001 1000000000000
expect 2 "^hss-ctl: set-sqn: missing argument" --db "$DB" set-sqn 001010000000001
printf '<InitialFilterCriteria><Priority>0</Priority></InitialFilterCriteria>' >"$T/ifc.xml"
expect 0 "" --db "$DB" add-impu 001010000000001 "sip:alias@$R" --irs 2 --ifc-file "$T/ifc.xml"
expect 2 "^hss-ctl: IMPU: sip:alias@$R already exists$" --db "$DB" add-impu "three@$R" "sip:alias@$R"
expect 2 "^hss-ctl: IMPU:" --db "$DB" add-impu "three@$R" "alias"
expect 0 "" --db "$DB" show 001010000000001
grep -q "sip:alias@$R irs=2 not-registered ifc" "$T/out" || bad "add-impu: $(cat "$T/out")"

# --- set-impu / del-impu / set-charging (no S-CSCF holds the user: no PPR) --------
expect 0 "" --db "$DB" set-impu "sip:alias@$R" --barred yes --irs 3 --no-ifc
grep -q "PPR" "$T/out" && bad "set-impu queued a PPR for an unregistered user"
expect 0 "" --db "$DB" show 001010000000001
grep -q "sip:alias@$R (barred) irs=3 not-registered$" "$T/out" || bad "set-impu: $(cat "$T/out")"
expect 2 "^hss-ctl: set-impu: nothing to change" --db "$DB" set-impu "sip:alias@$R"
expect 2 "^hss-ctl: --barred: expected yes or no" --db "$DB" set-impu "sip:alias@$R" --barred maybe
expect 1 "no public identity 'sip:nobody@$R'" --db "$DB" set-impu "sip:nobody@$R" --barred no
expect 0 "" --db "$DB" del-impu "sip:alias@$R"
expect 1 "no public identity" --db "$DB" del-impu "sip:alias@$R"
expect 1 "is the only public identity of three@$R" --db "$DB" del-impu "sip:three@$R"
expect 0 "" --db "$DB" set-charging 001010000000001 --ecf "aaa://ecf.$R:3868" --ccf "aaa://ccf.$R"
grep -q "^charging of 001010000000001@$R: ecf aaa://ecf.$R:3868, ccf aaa://ccf.$R$" "$T/out" ||
	bad "set-charging: $(cat "$T/out")"
expect 0 "" --db "$DB" show 001010000000001 --json
grep -q "\"charging\": {\"ecf\": \"aaa://ecf.$R:3868\"" "$T/out" || bad "show charging: $(cat "$T/out")"
expect 0 "" --db "$DB" set-charging 001010000000001 --ccf none
expect 0 "" --db "$DB" show 001010000000001
grep -q "^charging: *ecf=aaa://ecf.$R:3868 ccf=-$" "$T/out" || bad "set-charging none: $(cat "$T/out")"
expect 2 "^hss-ctl: --ecf: expected a DiameterURI" --db "$DB" set-charging 001010000000001 --ecf ecf.example
expect 2 "^hss-ctl: set-charging: nothing to change" --db "$DB" set-charging 001010000000001
expect 0 "" --db "$DB" set-charging 001010000000001 --clear
expect 0 "" --db "$DB" show 001010000000001
grep -q "^charging:" "$T/out" && bad "set-charging --clear: $(cat "$T/out")"

# --- rtr ----------------------------------------------------------------------
expect 0 "" --db "$DB" rtr "sip:001010000000001@$R" --reason 2 --info "moved"
grep -q "^queued RTR 1 for 001010000000001@$R sip:001010000000001@$R" "$T/out" || bad "rtr: $(cat "$T/out")"
expect 2 "^hss-ctl: --reason:" --db "$DB" rtr 001010000000001 --reason 7
expect 1 "no public identity" --db "$DB" rtr "sip:nobody@$R"

# --- import ----------------------------------------------------------------
cat >"$T/ok.csv" <<CSV
# comment lines and blank lines are skipped
imsi,impi,impu,k,op,opc,amf,sqn,algo,password,scheme

001010000000010,ten@$R,sip:ten@$R;tel:+15550000010,$K,$OP,,8000,20,milenage,,
001010000000011,eleven@$R,sip:eleven@$R,$K,,$OPC,,,,"pa,ss""word",SIP Digest
CSV
expect 0 "" --db "$DB" import "$T/ok.csv"
grep -q "^imported 2 subscribers$" "$T/out" || bad "import: $(cat "$T/out")"
expect 0 "" --db "$DB" show eleven@$R --show-keys
grep -q '^password: *pa,ss"word$' "$T/out" || bad "import: quoted password: $(cat "$T/out")"
grep -q "^impu: *tel:+15550000010" "$T/out" && bad "import: impu of the wrong subscriber"
expect 0 "" --db "$DB" show ten@$R
grep -q "^impu: *tel:+15550000010" "$T/out" || bad "import: second impu of ten: $(cat "$T/out")"
cat >"$T/bad.csv" <<CSV
impi,imsi,impu,k,opc
twelve@$R,001010000000012,sip:twelve@$R,$K,$OPC
thirteen@$R,001010000000013,sip:thirteen@$R,${K}00,$OPC
CSV
expect 2 "^hss-ctl: $T/bad.csv:3: k: expected 16 octets" --db "$DB" import "$T/bad.csv"
expect 1 "no subscriber" --db "$DB" show "twelve@$R"
printf 'imsi,impi,impu,k,colour\n' >"$T/hdr.csv"
expect 2 "header: unknown or repeated column 'colour'" --db "$DB" import "$T/hdr.csv"
printf 'imsi,impi,impu,k,op\n001010000000014,ten@%s,sip:x@%s,%s,%s\n' "$R" "$R" $K $OP >"$T/dup.csv"
expect 2 ":2: impi: ten@$R already exists$" --db "$DB" import "$T/dup.csv"
expect 2 "CSV: cannot open" --db "$DB" import "$T/none.csv"
expect 2 "^hss-ctl: $T: cannot read: Is a directory$" --db "$DB" import "$T"

# --- del ----------------------------------------------------------------------
expect 0 "" --db "$DB" del "three@$R"
expect 1 "no subscriber" --db "$DB" del "three@$R"
expect 0 "" --db "$DB" list
[ "$(wc -l <"$T/out")" = 3 ] || bad "after del: $(cat "$T/out")"

# --- a PostgreSQL URI's password is never printed, even where libpq's
# parse error quotes the URI or the token that failed (no server needed)
for u in 'postgresql://hss:s3cret@[::1/hss' 'postgresql://hss:s3%zzcret@127.0.0.1:1/hss' \
	'postgres://hss:s3cret@127.0.0.1:1/hss?bogus=1'; do
	expect 1 "^hss-ctl: --db: postgres" --db "$u" list
	grep -q "s3" "$T/err" && bad "the password of $u printed: $(cat "$T/err")"
done

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "hss-ctl e2e: all checks passed"
