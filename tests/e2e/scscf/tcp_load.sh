#!/bin/sh
# e2e: a short `ue-sim load` over TCP (--stack nta, one connection carrying
# every UE) against scscf-stub + hssd, at concurrency 256: every full AKA
# registration must succeed (no 413/503 from the stub's TCP side); then one
# ue-sim register --hold stopped by SIGTERM must de-register.
# Usage: tcp_load.sh BIN_DIR   env: USERS=600 CONC=256 DURATION=3 PACED_RATE=1000
# Exit 0 pass, 1 fail, 77 skip. Logs kept with KEEP=1.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1
USERS=${USERS:-600} CONC=${CONC:-256} DURATION=${DURATION:-3}
for p in hssd hss-ctl scscf-stub ue-sim; do need_exe "$BIN/$p" "$p"; done

work_dir scscf-tcp-load

REALM=ims.mnc001.mcc001.3gppnetwork.org
echo "imsi,impi,impu,k,op,opc,amf,sqn,algo,password,scheme" >"$T/users.csv"
i=0
while [ $i -lt "$USERS" ]; do
	imsi=$(printf "0010100003%05d" $i)
	echo "$imsi,$imsi@$REALM,sip:$imsi@$REALM,465b5ce8b199b49faa5f0a2ee238a6bc,,cd63cb71954a9f4e48a5994e37a02baf,8000,,,," >>"$T/users.csv"
	i=$((i + 1))
done
"$BIN/hss-ctl" --db "$T/hss.db" import "$T/users.csv" >/dev/null || { bad "hss-ctl import"; exit 1; }
# one more, not in the load's CSV, for the --hold check at the end
HOLD_IMSI=001010000399999
"$BIN/hss-ctl" --db "$T/hss.db" add --imsi $HOLD_IMSI --impi $HOLD_IMSI@$REALM \
	--impu sip:$HOLD_IMSI@$REALM --k 465b5ce8b199b49faa5f0a2ee238a6bc \
	--opc cd63cb71954a9f4e48a5994e37a02baf --amf 8000 >/dev/null || { bad "hss-ctl add"; exit 1; }
start_hssd "$BIN/hssd" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer --log-level warn
PIDS="$HSSD_PID"
"$BIN/scscf-stub" --sip "sip:127.0.0.1:0;transport=tcp" --port-file "$T/sip.port" \
	--hss "tcp://127.0.0.1:$HSS_PORT" --origin-host scscf.$REALM --realm $REALM \
	--name sip:scscf.$REALM --hss-host hss.$REALM --hss-realm $REALM --log-level info \
	>"$T/scscf.log" 2>&1 &
PIDS="$PIDS $!"
wait_file "$T/sip.port" 10 || { bad "scscf-stub did not start"; cat "$T/scscf.log"; exit 1; }
# the Cx connection must be open before the first REGISTER (0.5 s was not
# always enough on a loaded 2-core machine)
wait_for 10 grep -q "open (CEA" "$T/scscf.log" || { bad "no Cx connection"; cat "$T/scscf.log"; exit 1; }
PORT=$(cat "$T/sip.port")
# The load runs are bounded: DURATION seconds plus ue-sim's own drain
# (--timeout 10 s at most). Unpaced at CONC in flight, then paced with
# --rate (a paced run once stalled: the tick timer fired only once).
for RATE in 0 ${PACED_RATE:-1000}; do
	timeout $((DURATION + 30)) "$BIN/ue-sim" load --stack nta --users "$T/users.csv" \
		--registrar "sip:127.0.0.1:$PORT;transport=tcp" --realm $REALM --timeout 10000 \
		--concurrency "$CONC" --rate "$RATE" --duration "$DURATION" --json >"$T/load.json" 2>"$T/load.err"
	rc=$?
	cat "$T/load.json"
	regs=$(sed -n 's/.*"registrations": *\([0-9]*\).*/\1/p' "$T/load.json")
	failed=$(sed -n 's/.*"failed": *\([0-9]*\).*/\1/p' "$T/load.json")
	lines=$(grep -c 'reg/s' "$T/load.err")
	if [ "$rc" -eq 0 ] && [ "${failed:-1}" -eq 0 ] && [ "${regs:-0}" -gt 0 ] && [ "$lines" -ge $((DURATION - 1)) ]; then
		ok "TCP load, concurrency $CONC, rate $RATE: $regs registrations, 0 failed, $lines progress lines"
	else
		bad "TCP load, concurrency $CONC, rate $RATE: exit $rc, registrations ${regs:-?}, failed ${failed:-?}, progress lines $lines"
		tail -5 "$T/load.err"; grep -v " 401 \| 200 " "$T/scscf.log" | tail -5
	fi
done
# ue-sim register --hold, stopped with SIGTERM (a UE switched off, TS
# 24.229 §5.1.1.6): it de-registers at once and exits 0; it used to die
# with its binding left at the S-CSCF until expiry.
IMSI=$HOLD_IMSI
"$BIN/ue-sim" register --registrar "sip:127.0.0.1:$PORT;transport=tcp" --impi "$IMSI@$REALM" \
	--impu "sip:$IMSI@$REALM" --realm $REALM --k 465b5ce8b199b49faa5f0a2ee238a6bc \
	--opc cd63cb71954a9f4e48a5994e37a02baf --hold 60 >"$T/hold.out" 2>&1 &
UE=$!
if wait_for 10 grep -q '^registered: 200' "$T/hold.out"; then
	kill -TERM "$UE"
	if wait_for 10 sh -c "! kill -0 $UE 2>/dev/null"; then
		wait "$UE"
		rc=$?
		[ "$rc" = 0 ] && grep -q '^de-registered: 200' "$T/hold.out" &&
			grep -q "impu=sip:$IMSI@$REALM -> 200 OK (de-registered)" "$T/scscf.log" &&
			ok "--hold ended by SIGTERM: de-registered, exit 0" ||
			bad "--hold and SIGTERM: exit $rc, $(tr '\n' ' ' <"$T/hold.out")"
	else
		kill "$UE"
		bad "--hold 60 still running 10 s after SIGTERM"
	fi
else
	kill "$UE"
	bad "ue-sim register --hold: $(cat "$T/hold.out")"
fi
# --expires 0 asks for no binding: reported as such, not as "registered"
out=$("$BIN/ue-sim" register --registrar "sip:127.0.0.1:$PORT;transport=tcp" --impi "$IMSI@$REALM" \
	--impu "sip:$IMSI@$REALM" --realm $REALM --k 465b5ce8b199b49faa5f0a2ee238a6bc \
	--opc cd63cb71954a9f4e48a5994e37a02baf --expires 0 --json 2>&1)
rc=$?
[ "$rc" = 0 ] && echo "$out" | grep -q '"reason": "de-registered (--expires 0)"' &&
	ok "--expires 0: 200, reported as de-registered" || bad "--expires 0: exit $rc, $out"
[ "$FAILS" -eq 0 ] && exit 0
exit 1
