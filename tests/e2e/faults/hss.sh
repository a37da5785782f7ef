#!/bin/sh
# e2e: hssd's Diameter fault rules as an operator drives them, seen from
# the UE's side (ue-sim through scscf-stub against a running hssd):
# hss-ctl fault add/list/del/clear and their errors; a running hssd picking
# a change up within its 1 s poll; --user (only the matching user gets the
# 403), --every 2 (every second SAR -> 500), --count (spent after N, its
# `fired` written back and kept across an hssd restart), --probability 1,
# `del` and `clear` taking effect; a failing scenario's `hss fault` line
# cleared at its end (ue-sim run + ims-bench's fault hook). docs/faults.md,
# docs/hss-ctl.md.
# Usage: hss.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1
for p in hssd hss-ctl scscf-stub ue-sim; do need_exe "$BIN/$p" "$p"; done
CTL=$BIN/hss-ctl

work_dir e2e-faults-hss

REALM=ims.mnc001.mcc001.3gppnetwork.org
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
for u in 801 802; do
	"$CTL" --db "$T/hss.db" add --imsi 001010000000$u --impi 001010000000$u@$REALM \
		--impu sip:001010000000$u@$REALM --k $K --opc $OPC >/dev/null ||
		{ bad "hss-ctl add $u"; exit 1; }
done

# ---- the command line, before any daemon: errors are one line, write nothing
ctl_expect 0 "" --db "$T/hss.db" fault list --json
grep -qx '{"faults": \[\]}' "$T/out" && ok "fault list --json of a new store: no rules" ||
	bad "fault list --json: $(cat "$T/out")"
ctl_expect 2 "--command: expected MAR, SAR" --db "$T/hss.db" fault add --command XYZ --action drop
ctl_expect 2 "unknown action 'nonsense'" --db "$T/hss.db" fault add --command MAR --action nonsense
ctl_expect 2 "--every and --probability: give one of them, not both" --db "$T/hss.db" fault add --command MAR --every 2 \
	--probability 0.5 --action drop
ctl_expect 2 "expected a number in (0, 1\], got '1.5'" --db "$T/hss.db" fault add --command MAR \
	--probability 1.5 --action drop
ctl_expect 2 "'No-Such-AVP' is not an AVP name" --db "$T/hss.db" fault add --command MAR \
	--action omit:No-Such-AVP
ctl_expect 2 "delay: expected milliseconds" --db "$T/hss.db" fault add --command MAR --action delay:0
ctl_expect 1 "no fault rule 99" --db "$T/hss.db" fault del 99
"$CTL" --db "$T/hss.db" fault list --json | grep -qx '{"faults": \[\]}' &&
	ok "bad command, action, every with probability, probability 1.5, unknown AVP, delay 0: exit 2, one error line each; del of no rule: exit 1; nothing written" || bad "refused commands wrote: $("$CTL" --db "$T/hss.db" fault list)"

start_hssd "$BIN/hssd" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer --log-level info
PIDS="$HSSD_PID"
start_stub() { # LOG
	rm -f "$T/sip.port"
	"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/sip.port" --hss "tcp://127.0.0.1:$HSS_PORT" \
		--origin-host scscf.$REALM --realm $REALM --name sip:scscf.$REALM --hss-host hss.$REALM \
		>"$T/$1" 2>&1 &
	PIDS="$PIDS $!"
	wait_file "$T/sip.port" 10 && wait_for 10 grep -q "open (CEA" "$T/$1" ||
		{ bad "scscf-stub did not connect"; cat "$T/$1"; exit 1; }
	REG=sip:127.0.0.1:$(cat "$T/sip.port")
}
start_stub scscf.log

# reg U: one registration of user 001010000000U through the stub; prints
# the UE's final status
reg() {
	"$BIN/ue-sim" register --registrar "$REG" --impi 001010000000$1@$REALM \
		--impu sip:001010000000$1@$REALM --realm $REALM --k $K --opc $OPC --json 2>/dev/null |
		sed -n 's/.*"status": *\([0-9]*\).*/\1/p' | tail -1
}
# regs U N: N registrations of U, their statuses on one line
regs() {
	_s=""
	for _i in $(seq "$2"); do _s="$_s $(reg "$1")"; done
	echo "${_s# }"
}
gens() { grep -c "fault rules (generation" "$T/hssd.log"; }
# change CMD...: an hss-ctl fault command; then until hssd logged the new
# rule set. Prints the milliseconds from hss-ctl's return to that line.
change() {
	_before=$(gens)
	"$CTL" --db "$T/hss.db" fault "$@" >"$T/out" 2>"$T/err" || { bad "hss-ctl fault $*: $(cat "$T/err")"; return 1; }
	_t0=$(date +%s%N)
	wait_for 5 sh -c "[ \$(grep -c 'fault rules (generation' '$T/hssd.log') -gt $_before ]" ||
		{ bad "hssd did not pick 'fault $*' up within 5 s"; return 1; }
	echo $((($(date +%s%N) - _t0) / 1000000)) >>"$T/pickup.ms"
}

[ "$(reg 801)" = 200 ] && ok "no rule: 801 registers" || bad "no rule: 801 did not register"

# ---- --user: only the matching user
change add --command MAR --user '*0802@*' --action result:5001
id1=$(sed -n 's/^fault \([0-9]*\) added: MAR result:5001.*/\1/p' "$T/out")
a=$(reg 801) b=$(reg 802)
[ "$a" = 200 ] && [ "$b" = 403 ] && ok "--user '*0802@*' result:5001: 802 gets 403 (Experimental-Result 5001), 801 still registers" ||
	bad "--user: 801 -> $a, 802 -> $b"
grep -q "fault #$id1 injected: result:5001 on MAR user=001010000000802@" "$T/hssd.log" &&
	ok "hssd logged the injected fault #$id1 with the user" || bad "no log line for fault #$id1"

# ---- del: the rule's effect ends
change del "$id1"
[ "$(reg 802)" = 200 ] && ok "fault del $id1: 802 registers again" || bad "after del: 802 did not register"

# ---- --every 2 on SAR: the 2nd and 4th registration end in 500
change add --command SAR --every 2 --action result:5012
s=$(regs 801 4)
[ "$s" = "200 500 200 500" ] && ok "--every 2 SAR result:5012: four registrations -> $s" ||
	bad "--every 2: four registrations -> '$s' (want 200 500 200 500)"
change clear
"$CTL" --db "$T/hss.db" fault list --json | grep -qx '{"faults": \[\]}' && [ "$(reg 801)" = 200 ] &&
	ok "fault clear: no rule listed, 801 registers" || bad "fault clear"

# ---- --count 2: spent after two, `fired` written back, kept over a restart
change add --command MAR --count 2 --action result:5001
id3=$(sed -n 's/^fault \([0-9]*\) added.*/\1/p' "$T/out")
s=$(regs 801 3)
[ "$s" = "403 403 200" ] && ok "--count 2 MAR result:5001: three registrations -> $s" ||
	bad "--count 2: three registrations -> '$s' (want 403 403 200)"
# fired ID: rule ID's "fired" in fault list --json
fired() {
	"$CTL" --db "$T/hss.db" fault list --json | tr -d ' ' | grep -o "{\"id\":$1,[^}]*}" |
		sed -n 's/.*"fired":\([0-9]*\)}/\1/p'
}
fired_is() { [ "$(fired "$1")" = "$2" ]; }
# hssd writes the counts back after the answer
wait_for 3 fired_is "$id3" 2
[ "$(fired "$id3")" = 2 ] && ok "fault list --json: rule $id3 fired 2 (hssd wrote the count back)" ||
	bad "rule $id3 fired '$(fired "$id3")', want 2: $("$CTL" --db "$T/hss.db" fault list)"
kill "$HSSD_PID"
wait "$HSSD_PID" 2>/dev/null
rm -f "$T/hssd.port"
mv "$T/hssd.log" "$T/hssd.1.log"
start_hssd "$BIN/hssd" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer --log-level info
PIDS="$PIDS $HSSD_PID"
start_stub scscf2.log
[ "$(reg 801)" = 200 ] && [ "$(fired "$id3")" = 2 ] &&
	ok "after an hssd restart the spent --count 2 rule stays spent: 801 registers, fired 2" ||
	bad "after the restart: $("$CTL" --db "$T/hss.db" fault list)"

# ---- --probability 1: every match; a rule added after clear gets a new id
change clear
change add --command MAR --probability 1 --action result:5001
id4=$(sed -n 's/^fault \([0-9]*\) added.*/\1/p' "$T/out")
s=$(regs 802 2)
[ "$s" = "403 403" ] && ok "--probability 1: every MAR -> $s" || bad "--probability 1: $s"
[ "${id4:-0}" -gt "${id3:-0}" ] && ok "a rule added after clear takes a new id ($id4 > $id3)" ||
	bad "rule id after clear: $id4, before: $id3"
change clear

# ---- a scenario's `hss fault` line is cleared at its end, also when it fails
cat >"$T/fails.scn" <<EOS
scenario a fault left behind by a failing scenario
ue impi 001010000000802@$REALM
ue impu sip:001010000000802@$REALM
ue realm $REALM
ue k $K
ue opc $OPC
hss fault add --command MAR --action result:5001
register
expect status 200
EOS
# (the hook's clear returns once hssd logged the new, empty rule set)
HSS_CTL=$CTL FAULT_DB=$T/hss.db HSSD_LOG=$T/hssd.log "$BIN/ue-sim" run "$T/fails.scn" \
	--registrar "$REG" --fault-hook "$HERE/../../../tools/ims-bench/fault-hook.sh" >"$T/run.out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "expected status 200, got 403" "$T/run.out" &&
   "$CTL" --db "$T/hss.db" fault list --json | grep -qx '{"faults": \[\]}' &&
   [ "$(reg 802)" = 200 ]; then
	ok "ue-sim run: a failing scenario (403 where it expected 200) clears its hss fault: no rule left, 802 registers"
else
	bad "failing scenario: exit $rc, $(tail -3 "$T/run.out" | tr '\n' ' '); rules: $("$CTL" --db "$T/hss.db" fault list)"
fi

# ---- within a second: hssd polls the store's fault version once a second
max=$(sort -n "$T/pickup.ms" | tail -1) n=$(wc -l <"$T/pickup.ms")
# 1 s poll + 0.5 s for this shared machine's scheduling
[ "$max" -le 1500 ] && ok "$n rule changes picked up by a running hssd, the slowest in $max ms" ||
	bad "a rule change took $max ms to reach hssd ($(tr '\n' ' ' <"$T/pickup.ms"))"
[ "$FAILS" -eq 0 ] && exit 0
exit 1
