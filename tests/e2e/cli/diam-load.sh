#!/bin/sh
# diam-load's command line as a new user meets it (docs/diam-load.md):
# usage errors are exit 2 with one line naming the option; the documented
# example against a real hssd (2 connections, --dump) answers every MAR
# with a vector whose MAC-A verifies with the subscriber's keys.
#   diam-load.sh BIN_DIR
. "$(dirname "$0")/../../lib/common.sh"
BIN=$1
for p in diam-load hssd hss-ctl aka-tool; do need_exe "$BIN/$p" "$p"; done
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
T=$(mktemp -d /tmp/cli-diam-load.XXXXXX)
HSSD_PID=
trap 'stop_pids $HSSD_PID; rm -rf "$T"' EXIT
DL=$BIN/diam-load

usage() { _c=$1 _r=$2; shift 2; usage_expect "$_c" "$_r" "$DL" "$@"; }
usage 2 '^diam-load: --port: required$'
usage 2 "^diam-load: --port: expected a number in 1..65535, got '0'$" --port 0
usage 2 "^diam-load: --host: expected an IPv4 or IPv6 address, got 'hss.example.net'$" \
	--port 3868 --host hss.example.net
usage 2 "^diam-load: --request: unknown type 'sar' \(known: mar, air\)$" --port 3868 --request sar
usage 2 "^diam-load: --plmn: expected 6 hex digits, got '00f1'$" --port 3868 --plmn 00f1
usage 2 '^diam-load: --warmup: must be shorter than --duration$' --port 3868 --duration 1 --warmup 1

# the example of docs/diam-load.md: 20 subscribers with TS 35.208 set 1 keys
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
{
	echo "imsi,impi,impu,k,opc"
	for i in $(seq 1 20); do
		imsi=$(printf '0010100000%05d' "$i")
		echo "$imsi,$imsi@bench.test,sip:$imsi@bench.test,$K,$OPC"
	done
} >"$T/users.csv"
"$BIN/hss-ctl" --db "$T/hss.db" import "$T/users.csv" >/dev/null || bad "hss-ctl import"
start_hssd "$BIN/hssd" "$T" --origin-host hss.bench.test --realm bench.test \
	--accept-any-peer
"$DL" --port "$HSS_PORT" --connections 2 --window 4 --users 20 --duration 0.3 \
	--dump "$T/vectors.txt" --json >"$T/out.json" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && grep -q '"ok": true' "$T/out.json" && ok "example run: exit 0, ok true" ||
	bad "example run: exit $rc: $(cat "$T/out.json" "$T/err")"
line=$(head -1 "$T/vectors.txt")
user=${line%% *} rest=${line#* }
nonce=$(python3 -c 'import base64, sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' \
	"${rest% *}${rest#* }")
case $user in 0010100000000*@bench.test) ok "dump: USER is the IMPI ($user)" ;; *) bad "dump line '$line'" ;; esac
"$BIN/aka-tool" nonce decode "$nonce" --k $K --opc $OPC --json | grep -q '"mac_ok": true' &&
	ok "dumped RAND/AUTN verify with the subscriber's keys" || bad "dumped vector '$line' does not verify"
[ "$FAILS" -eq 0 ]
