#!/bin/sh
# e2e test of aka-tool: usage run.sh AKA_TOOL VECTORS_DIR
# Runs the binary for every MILENAGE test set (TS 35.208, all 20), every
# TUAK test set (TS 35.233, all 6) and the digest/KASME/XOR/AUTS known
# answers, compares the --json line exactly
# (keys, order, values), and checks exit codes: 0 ok, 1 failed check,
# 2 bad usage with a one-line message naming the argument.
# Needs only POSIX sh and coreutils (base64).
set -u
TOOL=$1
VEC=$2
fails=0
n=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_json WANT CMD...: stdout must be exactly WANT, exit 0
expect_json() {
	want=$1; shift
	n=$((n + 1))
	got=$("$TOOL" "$@" 2>&1); rc=$?
	[ $rc -eq 0 ] || { fail "exit $rc from: $*"; echo "  $got"; return; }
	[ "$got" = "$want" ] || { fail "$*"; echo "  want: $want"; echo "  got:  $got"; }
}

# expect_rc RC PATTERN CMD...: exit RC; with RC 2 exactly one stderr line
# naming PATTERN (the argument).
expect_rc() {
	want=$1; pat=$2; shift 2
	n=$((n + 1))
	err=$("$TOOL" "$@" 2>&1 >/dev/null); rc=$?
	[ $rc -eq "$want" ] || { fail "exit $rc (want $want) from: $*"; return; }
	if [ "$want" -eq 2 ]; then
		lines=$(printf '%s\n' "$err" | wc -l)
		[ "$lines" -eq 1 ] || fail "want one stderr line, got $lines from: $*"
		case $err in *"$pat"*) ;; *) fail "stderr '$err' does not name '$pat'";; esac
	fi
}

# hex -> base64 with printf octal escapes (no xxd needed)
hex2b64() {
	h=$1; esc=""
	while [ -n "$h" ]; do
		rest=${h#??}; byte=${h%"$rest"}; h=$rest
		esc="$esc\\$(printf '%03o' "0x$byte")"
	done
	printf "$esc" | base64 -w0
}

# flip the lowest bit of a hex string's last digit
flip_last() {
	s=$1; last=${s#"${s%?}"}; head=${s%?}
	printf '%s%x' "$head" $(( 0x$last ^ 1 ))
}

[ -x "$TOOL" ] || { echo "aka-tool not built at $TOOL"; exit 77; }
command -v base64 >/dev/null || { echo "base64 (coreutils) missing"; exit 77; }

# 1. every TS 35.208 set: with OP and with upper-case OPc; the challenge as
#    a nonce decoded and checked (exit 0), and with a corrupted MAC-A (exit 1)
sets=0
rows=$(grep -v '^#' "$VEC/milenage-ts35208.tsv" | tail -n +2)
TAB=$(printf '\t')
while IFS=$TAB read -r set k rand sqn amf op opc mac_a mac_s res ck ik ak ak_s; do
	sqn_ak=$(printf '%012x' $(( 0x$sqn ^ 0x$ak )))
	autn="$sqn_ak$amf$mac_a"
	want="{\"opc\": \"$opc\", \"mac_a\": \"$mac_a\", \"mac_s\": \"$mac_s\", \"res\": \"$res\", \"ck\": \"$ck\", \"ik\": \"$ik\", \"ak\": \"$ak\", \"ak_s\": \"$ak_s\", \"autn\": \"$autn\"}"
	expect_json "$want" milenage --k "$k" --op "$op" --rand "$rand" --sqn "$sqn" --amf "$amf" --json
	upper=$(printf '%s' "$opc" | tr a-f A-F)
	expect_json "$want" milenage --k "$k" --opc "$upper" --rand "$rand" --sqn "$sqn" --amf "$amf" --json
	nonce=$(hex2b64 "$rand$autn")
	want="{\"rand\": \"$rand\", \"autn\": \"$autn\", \"sqn_xor_ak\": \"$sqn_ak\", \"amf\": \"$amf\", \"mac_a\": \"$mac_a\", \"sqn\": \"$sqn\", \"mac_ok\": true, \"res\": \"$res\", \"ck\": \"$ck\", \"ik\": \"$ik\"}"
	expect_json "$want" nonce decode "$nonce" --k "$k" --opc "$opc" --json
	expect_rc 1 "" nonce decode "$(hex2b64 "$rand$sqn_ak$amf$(flip_last "$mac_a")")" --k "$k" --opc "$opc"
	# AUTS round trip over this set's keys
	auts=$("$TOOL" auts make --k "$k" --opc "$opc" --rand "$rand" --sqn-ms "$sqn" --json |
	       sed -n 's/.*"auts_b64": "\([^"]*\)".*/\1/p')
	expect_json "{\"sqn_ms\": \"$sqn\", \"mac_ok\": true}" auts check "$auts" --k "$k" --op "$op" --rand "$rand" --json
	sets=$((sets + 1))
done <<EOT
$rows
EOT
[ "$sets" -eq 20 ] || fail "expected 20 TS 35.208 sets, ran $sets"

# 1b. every TS 35.233 TUAK set: lengths from the hex widths, with TOP and
#     with upper-case TOPc; where MAC-A is 8 octets (it fits AUTN) also the
#     AUTN, the nonce decoded with TUAK keys and an AUTS round trip
tsets=0
rows=$(grep -v '^#' "$VEC/tuak-ts35233.tsv" | tail -n +2)
while IFS=$TAB read -r set k rand sqn amf top iter topc mac_a mac_s res ck ik ak ak_s; do
	L="--mac-len $((${#mac_a} / 2)) --res-len $((${#res} / 2)) --ck-len $((${#ck} / 2)) --ik-len $((${#ik} / 2)) --iterations $iter"
	sqn_ak=$(printf '%012x' $(( 0x$sqn ^ 0x$ak )))
	autn="$sqn_ak$amf$mac_a"
	tail=""
	[ ${#mac_a} -eq 16 ] && tail=", \"autn\": \"$autn\""
	want="{\"topc\": \"$topc\", \"mac_a\": \"$mac_a\", \"mac_s\": \"$mac_s\", \"res\": \"$res\", \"ck\": \"$ck\", \"ik\": \"$ik\", \"ak\": \"$ak\", \"ak_s\": \"$ak_s\"$tail}"
	# shellcheck disable=SC2086
	expect_json "$want" tuak --k "$k" --top "$top" --rand "$rand" --sqn "$sqn" --amf "$amf" $L --json
	upper=$(printf '%s' "$topc" | tr a-f A-F)
	# shellcheck disable=SC2086
	expect_json "$want" tuak --k "$k" --topc "$upper" --rand "$rand" --sqn "$sqn" --amf "$amf" $L --json
	if [ ${#mac_a} -eq 16 ]; then
		T="--algo tuak --k $k --topc $topc $L"
		nonce=$(hex2b64 "$rand$autn")
		want="{\"rand\": \"$rand\", \"autn\": \"$autn\", \"sqn_xor_ak\": \"$sqn_ak\", \"amf\": \"$amf\", \"mac_a\": \"$mac_a\", \"sqn\": \"$sqn\", \"mac_ok\": true, \"res\": \"$res\", \"ck\": \"$ck\", \"ik\": \"$ik\"}"
		# shellcheck disable=SC2086
		expect_json "$want" nonce decode "$nonce" $T --json
		# shellcheck disable=SC2086
		expect_rc 1 "" nonce decode "$(hex2b64 "$rand$sqn_ak$amf$(flip_last "$mac_a")")" $T
		# shellcheck disable=SC2086
		auts=$("$TOOL" auts make $T --rand "$rand" --sqn-ms "$sqn" --json |
		       sed -n 's/.*"auts_b64": "\([^"]*\)".*/\1/p')
		# shellcheck disable=SC2086
		expect_json "{\"sqn_ms\": \"$sqn\", \"mac_ok\": true}" auts check "$auts" $T --rand "$rand" --json
	fi
	tsets=$((tsets + 1))
done <<EOT
$rows
EOT
[ "$tsets" -eq 6 ] || fail "expected 6 TS 35.233 sets, ran $tsets"
n=$((n + 1))
"$TOOL" explain --demo --algo tuak | grep -q 'MAC-A     f9a54e6aeaa8618d' ||
	fail "explain --demo --algo tuak does not show test set 1's MAC-A"

# 2. digest worked examples (tests/vectors/digest-example.tsv), RFC 2617 §3.5
U=001010000000001@ims.mnc001.mcc001.3gppnetwork.org
R=ims.mnc001.mcc001.3gppnetwork.org
N=I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=
expect_json '{"ha1": "da00069eb0de6587da7e09ef503c29db", "ha2": "df94ff42c4e05afeddd46c372e8208b4", "response": "402ab8df9f3a4d63a9f47c2f90e02938"}' \
	digest --alg AKAv1-MD5 --username $U --realm $R --nonce $N --uri sip:$R --method REGISTER \
	--qop auth --nc 00000001 --cnonce 0a4f113b --res a54211d5e3ba50bf --json
expect_json '{"ha1": "5f16eac3c7cb97f22cbfb39ba2210495", "ha2": "df94ff42c4e05afeddd46c372e8208b4", "response": "bc339d1680122dc592b6caa7c07122db"}' \
	digest --alg AKAv2-MD5 --username $U --realm $R --nonce $N --uri sip:$R --method REGISTER \
	--qop auth --nc 00000001 --cnonce 6b8b4567 --res a54211d5e3ba50bf \
	--ik f769bcd751044604127672711c6d3441 --ck b40ba9a3c58b2a05bbf0d987b21bf8cb --json
expect_json '{"ha1": "939e7578ed9e3c518a452acee763bce9", "ha2": "39aff3a2bab6126f332b942af96d3366", "response": "6629fae49393a05397450978507c4ef1"}' \
	digest --alg MD5 --username Mufasa --realm testrealm@host.com \
	--nonce dcd98b7102dd2f0e8b11d0f600bfb0c093 --uri /dir/index.html --method GET \
	--qop auth --nc 00000001 --cnonce 0a4f113b --password "Circle Of Life" --json
expect_rc 0 "" digest --alg AKAv1-MD5 --username $U --realm $R --nonce $N --uri sip:$R \
	--method REGISTER --password ''

# 3. KASME (srsRAN known answer), XOR (TS 34.108 §8.1.2 by hand + osmo-auc-gen)
expect_json '{"kasme": "d5ef4d8f33266902295d42f322a2f2cf11fb2ccc124c09b4d88d361597037990"}' \
	kasme --ck 7bc15d69309cf3ec5d324404edd6f0f9 --ik c15d69309cf3ec5d324404edd6f0f97b \
	--mcc 001 --mnc 01 --sqn-xor-ak 5d69309ce135 --json
expect_json '{"res": "b5029e54e0a256565d141032067cc047", "ck": "029e54e0a256565d141032067cc047b5", "ik": "9e54e0a256565d141032067cc047b502", "ak": "54e0a256565d", "mac_a": "b5029e54e0a25656", "autn": "54e0a256565d0000b5029e54e0a25656"}' \
	xor --k 000102030405060708090a0b0c0d0e0f --rand b5039c57e4a75051551d1a390a71ce48 \
	--sqn 000000000000 --amf 0000 --res-len 16 --json
# the XOR RES length without --res-len is 8 octets, as in hss-ctl, ue-sim, ims-trace
expect_json '{"res": "b5029e54e0a25656", "ck": "029e54e0a256565d141032067cc047b5", "ik": "9e54e0a256565d141032067cc047b502", "ak": "54e0a256565d", "mac_a": "b5029e54e0a25656", "autn": "54e0a256565d0000b5029e54e0a25656"}' \
	xor --k 000102030405060708090a0b0c0d0e0f --rand b5039c57e4a75051551d1a390a71ce48 \
	--sqn 000000000000 --amf 0000 --json
# AUTS known answer (TS 35.208 set 20 keys, SQN_MS 1; hostap/osmo-auc-gen)
expect_json '{"sqn_ms": "000000000001", "mac_ok": true}' auts check 4f2039392ddd4bb4316ed4a14688 \
	--k 90dca4eda45b53cf0f12d7c9c3bc6a89 --opc cb9cccc4b9258e6dca4760379fb82581 \
	--rand 9fddc72092c6ad036b6e464789315b78 --json
expect_rc 1 "" auts check 4f2039392ddd4bb4316ed4a14689 --k 90dca4eda45b53cf0f12d7c9c3bc6a89 \
	--opc cb9cccc4b9258e6dca4760379fb82581 --rand 9fddc72092c6ad036b6e464789315b78

# 4. explain: --demo works, without it missing values are a usage error
expect_rc 0 "" explain --demo
expect_rc 0 "" explain --demo --alg AKAv2-MD5 --qop auth-int --nc 00000002 --cnonce abc
expect_rc 2 "--k" explain
expect_rc 2 "--impi" explain --k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf \
	--rand 23553cbe9637a89d218ae64dae47bf35 --sqn ff9bb4d0b607 --amf b9b9
n=$((n + 1))
"$TOOL" explain --demo | grep -q 'response  402ab8df9f3a4d63a9f47c2f90e02938' ||
	fail "explain --demo does not show the EX1 response"

# 5. usage errors: exit 2, one line naming the argument; --help exits 0
K="--k 465b5ce8b199b49faa5f0a2ee238a6bc"
OPC="--opc cd63cb71954a9f4e48a5994e37a02baf"
RND="--rand 23553cbe9637a89d218ae64dae47bf35"
expect_rc 2 "COMMAND"
expect_rc 2 "frobnicate" frobnicate
expect_rc 2 "--k" milenage $OPC $RND
expect_rc 2 "--k" milenage --k 465b5ce8b199b49faa5f0a2ee238a6b $OPC $RND
expect_rc 2 "--k" milenage --k 465b5ce8b199b49faa5f0a2ee238a6bg $OPC $RND
expect_rc 2 "--op/--opc" milenage $K $RND
expect_rc 2 "--op/--opc" milenage $K $OPC --op cdc202d5123e20f62b6d676ac72cb318 $RND
expect_rc 2 "--rand" milenage $K $OPC --rand 2355
expect_rc 2 "--sqn" milenage $K $OPC $RND --sqn ff9bb4d0b6
expect_rc 2 "--amf" milenage $K $OPC $RND --amf b9b9b9
expect_rc 2 "--bogus" milenage $K $OPC $RND --bogus
expect_rc 2 "--json" milenage $K $OPC $RND --json=yes
expect_rc 2 "--res-len" xor $K $RND --res-len 17
expect_rc 2 "--op" xor $K $RND --op cdc202d5123e20f62b6d676ac72cb318
expect_rc 2 "NONCE" nonce decode
expect_rc 2 "NONCE" nonce decode 'I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M'
expect_rc 2 "NONCE" nonce decode 'I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfrw=='
expect_rc 2 "nonce" nonce encode x
expect_rc 2 "AUTS" auts check $K $OPC $RND
expect_rc 2 "AUTS" auts check CjkyMzRfOiwg5CfkJ2UK= $K $OPC $RND
expect_rc 2 "--sqn-ms" auts make $K $OPC $RND
expect_rc 2 "--alg" digest --alg MD5-sess --username a --realm b --nonce c --uri d --method e --password x
expect_rc 2 "--nc" digest --alg MD5 --username a --realm b --nonce c --uri d --method e --password x --qop auth --cnonce z
expect_rc 2 "--nc" digest --alg MD5 --username a --realm b --nonce c --uri d --method e --password x --qop auth --nc 1 --cnonce z
expect_rc 2 "--res/--password" digest --alg AKAv1-MD5 --username a --realm b --nonce c --uri d --method e
expect_rc 2 "--ik" digest --alg AKAv2-MD5 --username a --realm b --nonce c --uri d --method e --res a54211d5e3ba50bf
expect_rc 2 "--mnc" kasme --ck 7bc15d69309cf3ec5d324404edd6f0f9 --ik c15d69309cf3ec5d324404edd6f0f97b --mcc 001 --mnc 1 --sqn-xor-ak 5d69309ce135
TK="--k abababababababababababababababab"
TOPC="--topc bd04d9530e87513c5d837ac2ad954623a8e2330c115305a73eb45d1f40cccbff"
expect_rc 2 "--k" tuak --k 0011 $TOPC $RND
expect_rc 2 "--top/--topc" tuak $TK $RND
expect_rc 2 "--topc" tuak $TK --topc bd04d9530e87513c $RND
expect_rc 2 "--op" tuak $TK --op cdc202d5123e20f62b6d676ac72cb318 $RND
expect_rc 2 "--mac-len" tuak $TK $TOPC $RND --mac-len 12
expect_rc 2 "--res-len" tuak $TK $TOPC $RND --res-len 12
expect_rc 2 "--ck-len" tuak $TK $TOPC $RND --ck-len 24
expect_rc 2 "--ik-len" tuak $TK $TOPC $RND --ik-len 8
expect_rc 2 "--iterations" tuak $TK $TOPC $RND --iterations 0
expect_rc 2 "--algo" tuak $TK $TOPC $RND --algo milenage
expect_rc 2 "--mac-len" milenage $K $OPC $RND --mac-len 8
expect_rc 2 "--mac-len" nonce decode "$N" --algo tuak $TK $TOPC --mac-len 16
expect_rc 2 "--mac-len" explain --demo --algo tuak --mac-len 32
expect_rc 2 "--sqn-xor-ak" kasme --ck 7bc15d69309cf3ec5d324404edd6f0f9 --ik c15d69309cf3ec5d324404edd6f0f97b --mcc 001 --mnc 01
for c in milenage xor tuak nonce auts digest kasme explain; do
	expect_rc 0 "" $c --help
done
expect_rc 0 "" --help

echo "aka-tool e2e: $n checks, $fails failed"
[ "$fails" -eq 0 ]
