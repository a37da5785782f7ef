#!/bin/sh
# e2e: a real Prometheus server (Debian's prometheus) scrapes hssd's
# /metrics every second while diam-load sends MARs for a few seconds; its
# query API must give the scrape target up, a positive MAR rate, a p99
# from the histogram, and, after the load, the answers diam-load counted.
# Usage: prometheus.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BIN=$1
for p in hssd hss-ctl diam-load; do need_exe "$BIN/$p" "$p"; done
for t in curl prometheus python3; do
	command -v $t >/dev/null || { echo "skipped: $t not installed (scripts/setup.sh test installs it)"; exit 77; }
done

work_dir e2e-prometheus

REALM=ims.mnc001.mcc001.3gppnetwork.org
USERS=200
awk -v n=$USERS 'BEGIN {
	print "imsi,impi,impu,k,opc"
	for (i = 0; i < n; i++) {
		imsi = sprintf("%015.0f", 1010000700000 + i)
		printf "%s,%s@bench.test,sip:%s@bench.test,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf\n", imsi, imsi, imsi
	}
}' >"$T/users.csv"
"$BIN/hss-ctl" --db "$T/hss.db" import "$T/users.csv" >/dev/null || { bad "hss-ctl import"; exit 1; }
HM=$(free_port) PP=$(free_port)
while [ "$PP" = "$HM" ]; do PP=$(free_port); done
start_hssd "$BIN/hssd" "$T" --origin-host hss.bench.test --realm bench.test --accept-any-peer \
	--log-level warn --metrics "tcp://127.0.0.1:$HM"
PIDS="$HSSD_PID"

cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: hssd
    static_configs:
      - targets: ['127.0.0.1:$HM']
EOC
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
	--web.listen-address="127.0.0.1:$PP" --log.level=warn >"$T/prometheus.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 20 sh -c "curl -sf http://127.0.0.1:$PP/-/ready >/dev/null" ||
	{ bad "prometheus not ready on $PP"; tail -5 "$T/prometheus.log"; exit 1; }

# query EXPR: the first sample's value of an instant query ("" if none)
query() {
	curl -sf --get "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}

# Prometheus scrapes its first samples a few seconds after it is ready:
# the load starts once two of them are in.
scraped() { [ "$(query 'count_over_time(up{job="hssd"}[10s])')" -ge 2 ] 2>/dev/null; }
wait_for 20 scraped || { bad "Prometheus took no two samples of hssd in 20 s"; exit 1; }
"$BIN/diam-load" --port "$HSS_PORT" --users $USERS --imsi-base 001010000700000 --window 8 --duration 6 --json >"$T/load.json" 2>"$T/load.err" &
LOAD=$!
# Asked while the load runs, every half second from two scrapes in until
# both answers are there or the load ends: on a loaded machine the scrapes
# come late, and a rate over a window with one sample in it is empty.
sleep 2
rate="" p99=""
while kill -0 $LOAD 2>/dev/null; do
	rate=$(query 'sum(rate(hssd_diameter_requests_total{command="MAR",result="2001"}[4s]))')
	p99=$(query 'histogram_quantile(0.99, sum by (le) (rate(hssd_diameter_request_duration_seconds_bucket{command="MAR"}[4s])))')
	python3 -c "import math, sys; r = float('${rate:-0}'); v = float('${p99:-nan}'); sys.exit(not (r > 0 and v > 0 and not math.isinf(v)))" && break
	sleep 0.5
done
up=$(query 'up{job="hssd"}')
wait $LOAD || { bad "diam-load failed"; cat "$T/load.json" "$T/load.err"; }
if [ "$up" = 1 ] && python3 -c "import sys; sys.exit(not float('${rate:-0}') > 0)"; then
	ok "Prometheus scrapes hssd (up 1): MAR rate $rate/s during the load"
else
	bad "Prometheus: up '$up', rate(MAR 2001) '$rate'"; tail -5 "$T/prometheus.log"
fi
if python3 -c "import math, sys; v = float('${p99:-nan}'); sys.exit(not (v > 0 and not math.isinf(v)))"; then
	ok "histogram_quantile(0.99) of the MAR latency: ${p99} s"
else
	bad "no p99 from hssd_diameter_request_duration_seconds_bucket: '$p99'"
fi
# after the load and two more scrapes: the counter is what diam-load got
sleep 2.5
answers=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d.get("answers", d.get("answered", "")))' "$T/load.json")
total=$(query 'hssd_diameter_requests_total{command="MAR",result="2001"}')
count=$(query 'hssd_diameter_request_duration_seconds_count{command="MAR"}')
if [ -n "$answers" ] && [ "$total" = "$answers" ] && [ "$count" = "$answers" ]; then
	ok "Prometheus has $total MAR answers = diam-load's $answers = the histogram's _count"
else
	bad "MAR answers: diam-load '$answers', Prometheus counter '$total', _count '$count'"; cat "$T/load.json"
fi
[ "$FAILS" -eq 0 ] && exit 0
exit 1
