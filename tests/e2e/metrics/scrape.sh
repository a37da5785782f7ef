#!/bin/sh
# e2e: Prometheus metrics of hssd and scscf-stub, scraped with curl (a real
# HTTP client) while `ue-sim load` runs and checked with Debian's promtool;
# then, the load over, every histogram's _count against the requests
# answered (hssd's log lines, the stub's responses, ue-sim's report, the
# Cx answers the stub counted, the stub's MAR/SAR round-trip histograms),
# registrations by outcome and bindings, one set of bucket bounds in both
# daemons and ue-sim load --json, faults counted on both sides and seen by
# the UE, the HTTP corner cases, and hssd --no-faults leaving a stored rule
# unused. Usage: scrape.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BIN=$1
for p in hssd hss-ctl scscf-stub ue-sim; do need_exe "$BIN/$p" "$p"; done
for t in curl promtool; do
	command -v $t >/dev/null || { echo "skipped: $t not installed (scripts/setup.sh test installs it)"; exit 77; }
done

work_dir e2e-metrics

REALM=ims.mnc001.mcc001.3gppnetwork.org
USERS=40
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
users_csv "$T/users.csv" $USERS 1010000600000
"$BIN/hss-ctl" --db "$T/hss.db" import "$T/users.csv" >/dev/null || { bad "hss-ctl import"; exit 1; }
HM=$(free_port) SM=$(free_port)
while [ "$SM" = "$HM" ]; do SM=$(free_port); done
start_hssd "$BIN/hssd" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer \
	--log-level info --metrics "tcp://127.0.0.1:$HM"
PIDS="$HSSD_PID"
# one SIP fault from the start, for a user nobody else is
"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/sip.port" --hss "tcp://127.0.0.1:$HSS_PORT" \
	--origin-host scscf.$REALM --realm $REALM --name sip:scscf.$REALM --hss-host hss.$REALM \
	--metrics "tcp://127.0.0.1:$SM" --fault 'status:503 retry-after=0 user=*999999*' \
	>"$T/scscf.log" 2>&1 &
STUB_PID=$!
PIDS="$PIDS $STUB_PID"
wait_file "$T/sip.port" 10 || { bad "scscf-stub did not start"; cat "$T/scscf.log"; exit 1; }
wait_for 10 grep -q "open (CEA" "$T/scscf.log" || { bad "no Cx connection"; exit 1; }
REG=sip:127.0.0.1:$(cat "$T/sip.port")

# ---- under load: scrape both and validate every scrape ------------------------
"$BIN/ue-sim" load --users "$T/users.csv" --registrar "$REG" --realm $REALM \
	--concurrency 16 --duration 4 --json >"$T/load.json" 2>"$T/load.err" &
LOAD_PID=$!
n=0 lint=0 failed=0
while kill -0 $LOAD_PID 2>/dev/null; do
	for side in hssd:$HM scscf:$SM; do
		f=$T/${side%%:*}.$n.prom
		scrape "${side#*:}" "$f" || failed=$((failed + 1))
	done
	n=$((n + 1))
	sleep 0.3
done
wait $LOAD_PID
# promtool after the load: it costs more than a scrape
for f in "$T"/*.prom; do
	promtool check metrics <"$f" >"$f.lint" 2>&1 || lint=$((lint + 1))
done
regs=$(sed -n 's/.*"registrations": *\([0-9]*\).*/\1/p' "$T/load.json")
if [ "$n" -ge 2 ] && [ "$failed" -eq 0 ] && [ "$lint" -eq 0 ]; then
	ok "$n scrapes of each daemon during the load ($regs registrations): all HTTP 200, promtool check metrics clean"
else
	bad "scrapes during the load: $n rounds, $failed failed, $lint rejected by promtool"
	cat "$T"/*.lint 2>/dev/null | head -5
fi
[ "${regs:-0}" -gt 0 ] || { bad "ue-sim load registered nobody"; tail -3 "$T/load.err"; exit 1; }

# ---- the load over: counts against what was answered --------------------------
sleep 0.3 # the last answers' log lines (hssd writes its log once per turn)
scrape "$HM" "$T/hssd.prom" && scrape "$SM" "$T/scscf.prom" || { bad "final scrape"; exit 1; }
for f in hssd scscf; do
	promtool check metrics <"$T/$f.prom" >"$T/$f.lint" 2>&1 && ok "promtool: $f's final scrape is clean" ||
		{ bad "promtool rejects $f's scrape"; cat "$T/$f.lint"; }
done
H=$T/hssd.prom S=$T/scscf.prom
for cmd in MAR SAR; do
	logged=$(grep -c " $cmd impi=" "$T/hssd.log")
	total=$(metric_sum "$H" "hssd_diameter_requests_total{command=\"$cmd\"")
	count=$(metric "$H" "hssd_diameter_request_duration_seconds_count{command=\"$cmd\"}")
	inf=$(metric "$H" "hssd_diameter_request_duration_seconds_bucket{command=\"$cmd\",le=\"+Inf\"}")
	stub=$(metric_sum "$S" "scscf_cx_requests_total{command=\"$cmd\"")
	if [ "$logged" -gt 0 ] && [ "$total" = "$logged" ] && [ "$count" = "$logged" ] &&
	   [ "$inf" = "$logged" ] && [ "$stub" = "$logged" ]; then
		ok "hssd $cmd: $logged answered (log lines) = requests_total = histogram _count = +Inf bucket = the stub's Cx $cmd answers"
	else
		bad "hssd $cmd: logged $logged, requests_total $total, _count $count, +Inf $inf, stub $stub"
	fi
done
resp=$(metric_sum "$S" "scscf_register_responses_total{")
rcount=$(metric "$S" "scscf_register_duration_seconds_count")
ok200=$(metric_sum "$S" 'scscf_register_responses_total{status="200"')
c401=$(metric_sum "$S" 'scscf_register_responses_total{status="401"')
ue_total=$(tr -d ' \n' <"$T/load.json" | sed -n 's/.*"latency_histograms":{.*"total":{"buckets":\[.*{"le":"+Inf","count":\([0-9]*\)}\],"count":\([0-9]*\),.*/\1 \2/p')
if [ "$resp" = "$rcount" ] && [ "$ok200" = "$regs" ] && [ "$c401" = "$regs" ] && [ "$ue_total" = "$regs $regs" ]; then
	ok "scscf-stub: $resp REGISTERs answered = register_duration _count; 200s = 401s = ue-sim's $regs registrations = its total histogram's count and +Inf bucket"
else
	bad "scscf-stub: responses $resp, _count $rcount, 200s $ok200, 401s $c401, ue-sim $regs registrations, its histogram '$ue_total'"
fi
for cmd in MAR SAR; do
	rtt=$(metric "$S" "scscf_cx_request_duration_seconds_count{command=\"$cmd\"}")
	answered=$(metric_sum "$S" "scscf_cx_requests_total{command=\"$cmd\"")
	[ "${rtt:-x}" = "$answered" ] && [ "$answered" -gt 0 ] &&
		ok "scscf-stub $cmd round trips: histogram _count $rtt = its Cx $cmd answers" ||
		bad "scscf-stub $cmd: round-trip _count '$rtt', answers $answered"
done
# registrations by outcome: each of the $USERS users registered once, then
# re-registered (ue-sim load goes round the users); every binding left
first=$(metric "$S" 'scscf_register_responses_total{status="200",outcome="registered"}')
again=$(metric "$S" 'scscf_register_responses_total{status="200",outcome="re_registered"}')
if [ "$first" = $USERS ] && [ $((first + again)) = "$ok200" ] &&
   [ "$(metric "$S" scscf_bindings)" = $USERS ] && [ "$(metric "$S" scscf_contacts)" = $USERS ]; then
	ok "scscf-stub outcomes: $first registered + $again re_registered = the 200s; scscf_bindings = scscf_contacts = $USERS"
else
	bad "scscf-stub outcomes: registered '$first', re_registered '$again', 200s $ok200, bindings $(metric "$S" scscf_bindings), contacts $(metric "$S" scscf_contacts)"
fi
# ue-sim load --json and both daemons: the same bucket bounds
les() { # FILE SERIES-PREFIX: its le values, one line
	grep "^$2" "$1" | sed -n 's/.*le="\([^"]*\)".*/\1/p' | tr '\n' ' '
}
ue_les=$(python3 -c 'import json, sys
h = json.load(open(sys.argv[1]))["latency_histograms"]
print(" ".join(" ".join(b["le"] for b in v["buckets"]) for v in h.values()))' "$T/load.json" 2>/dev/null)
hl=$(les "$H" 'hssd_diameter_request_duration_seconds_bucket{command="MAR"')
sl=$(les "$S" 'scscf_register_duration_seconds_bucket')
cl=$(les "$S" 'scscf_cx_request_duration_seconds_bucket{command="SAR"')
nh=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["latency_histograms"]))' "$T/load.json" 2>/dev/null)
rep=""
for _i in $(seq "${nh:-0}"); do rep="$rep$hl"; done
if [ -n "$hl" ] && [ "$hl" = "$sl" ] && [ "$hl" = "$cl" ] && [ "${nh:-0}" -ge 1 ] && [ "$ue_les " = "$rep" ]; then
	ok "one set of bucket bounds in hssd, scscf-stub and ue-sim load --json's $nh histograms: $hl"
else
	bad "bucket bounds differ: hssd '$hl', stub '$sl' / '$cl', ue-sim ($nh) '$ue_les'"
fi
[ "$(metric "$H" 'hssd_peers{state="OPEN"}')" = 1 ] && [ "$(metric "$S" scscf_hss_connection_up)" = 1 ] &&
	ok "hssd_peers{state=\"OPEN\"} 1, scscf_hss_connection_up 1" || bad "peer gauges: $(grep -E '^hssd_peers|^scscf_hss' "$H" "$S")"

# ---- faults: counted where injected, seen by the UE ---------------------------
"$BIN/ue-sim" register --registrar "$REG" --impi 001010999999001@$REALM --impu sip:001010999999001@$REALM \
	--realm $REALM --k $K --opc $OPC --retry-after-max 0 --json >"$T/sip-fault.json" 2>/dev/null
before=$(grep -c "fault rules (generation" "$T/hssd.log")
"$BIN/hss-ctl" --db "$T/hss.db" fault add --command SAR --action result:5012 --count 2 >/dev/null
wait_for 5 sh -c "[ \$(grep -c 'fault rules (generation' '$T/hssd.log') -gt $before ]" ||
	bad "hssd did not pick the fault rule up within 5 s"
for i in 1 2; do
	"$BIN/ue-sim" register --registrar "$REG" --impi 001010000600001@$REALM --impu sip:001010000600001@$REALM \
		--realm $REALM --k $K --opc $OPC --json >"$T/diam-fault.$i.json" 2>/dev/null
done
scrape "$HM" "$H" && scrape "$SM" "$S"
if grep -q '"status": 503' "$T/sip-fault.json" && [ "$(metric "$S" 'scscf_faults_injected_total{action="status:503"}')" = 1 ]; then
	ok "SIP fault: the UE got 503, scscf_faults_injected_total{action=\"status:503\"} 1"
else
	bad "SIP fault: $(cat "$T/sip-fault.json"); $(grep scscf_faults_injected "$S")"
fi
if grep -q '"status": 500' "$T/diam-fault.1.json" && grep -q '"status": 500' "$T/diam-fault.2.json" &&
   [ "$(metric "$H" 'hssd_faults_injected_total{command="SAR",action="result"}')" = 2 ] &&
   [ "$(metric "$H" 'hssd_diameter_requests_total{command="SAR",result="5012"}')" = 2 ] &&
   [ "$(metric "$S" 'scscf_cx_requests_total{command="SAR",result="5012"}')" = 2 ]; then
	ok "Diameter fault: both UEs got 500; hssd_faults_injected_total{SAR,result} 2 = hssd's SAR 5012 answers = the stub's"
else
	bad "Diameter fault: $(cat "$T"/diam-fault.*.json | tr '\n' ' '); $(grep -E 'faults_injected|5012' "$H" "$S" | tr '\n' ' ')"
fi
grep -q '^hssd_fault_rules 1$' "$H" && ok "hssd_fault_rules 1" || bad "hssd_fault_rules: $(grep '^hssd_fault_rules' "$H")"

# ---- HTTP corner cases ---------------------------------------------------------
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
c404=$(code "http://127.0.0.1:$HM/nothing") c405=$(code -X POST "http://127.0.0.1:$HM/metrics")
ctype=$(curl -sI "http://127.0.0.1:$SM/metrics" | tr -d '\r' | sed -n 's/^Content-Type: //p')
if [ "$c404" = 404 ] && [ "$c405" = 405 ] && [ "$ctype" = "text/plain; version=0.0.4; charset=utf-8" ]; then
	ok "HTTP: /nothing 404, POST 405, HEAD gives Content-Type $ctype"
else
	bad "HTTP: 404 -> $c404, 405 -> $c405, Content-Type '$ctype'"
fi

# ---- hssd --no-faults: the stored rule stays unused -----------------------------
"$BIN/hss-ctl" --db "$T/hss.db" fault add --command MAR --action result:5001 >/dev/null
# shellcheck disable=SC2086
stop_pids $PIDS
PIDS=""
rm -f "$T/hssd.port"
start_hssd "$BIN/hssd" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer \
	--log-level info --metrics "tcp://127.0.0.1:$HM" --no-faults
PIDS="$HSSD_PID"
rm -f "$T/sip.port"
"$BIN/scscf-stub" --sip sip:127.0.0.1:0 --port-file "$T/sip.port" --hss "tcp://127.0.0.1:$HSS_PORT" \
	--origin-host scscf.$REALM --realm $REALM --name sip:scscf.$REALM --hss-host hss.$REALM \
	>"$T/scscf2.log" 2>&1 &
PIDS="$PIDS $!"
wait_file "$T/sip.port" 10 && wait_for 10 grep -q "open (CEA" "$T/scscf2.log"
"$BIN/ue-sim" register --registrar "sip:127.0.0.1:$(cat "$T/sip.port")" --impi 001010000600002@$REALM \
	--impu sip:001010000600002@$REALM --realm $REALM --k $K --opc $OPC --json >"$T/nofaults.json" 2>/dev/null
scrape "$HM" "$H"
if grep -q '"status": 200' "$T/nofaults.json" && grep -q '^hssd_fault_rules 0$' "$H" &&
   grep -q -- "--no-faults: the store's fault rules are ignored" "$T/hssd.log"; then
	ok "hssd --no-faults: a stored MAR result:5001 rule is ignored, the UE registers, hssd_fault_rules 0"
else
	bad "hssd --no-faults: $(cat "$T/nofaults.json"); $(grep '^hssd_fault_rules' "$H")"
fi
[ "$FAILS" -eq 0 ] && exit 0
exit 1
