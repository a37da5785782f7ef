#!/bin/sh
# AIR load run: provisions S subscribers into a temporary store, starts
# hssd on a free loopback port, runs bench-air against it, stops hssd.
#   bench/s6a/run.sh BUILD_DIR [bench-air options, e.g. --count 20000 --window 64]
# Defaults: 1000 subscribers (SUBS=...), 20000 AIRs, window 64, 1 vector.
set -eu
build=${1:?usage: run.sh BUILD_DIR [bench-air options]}
shift
bin=$build/bin
subs=${SUBS:-1000}
dir=$(mktemp -d /tmp/bench-air-XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

{
	echo "imsi,impi,impu,k,opc"
	i=1
	while [ "$i" -le "$subs" ]; do
		imsi=$(printf '00101%010d' "$i")
		echo "$imsi,$imsi@bench.test,sip:$imsi@bench.test,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf"
		i=$((i + 1))
	done
} >"$dir/subs.csv"
"$bin/hss-ctl" --db "$dir/hss.db" import "$dir/subs.csv" >/dev/null

"$bin/hssd" --db "$dir/hss.db" --listen tcp://127.0.0.1:0 --port-file "$dir/port" \
	--origin-host hss.bench.test --realm bench.test --peer mme.bench.test \
	--max-vectors 5 --log-level warn --log-file "$dir/hssd.log" &
pid=$!
i=0
while [ ! -s "$dir/port" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$dir/port" ] || { echo "run.sh: hssd did not start" >&2; cat "$dir/hssd.log" >&2; exit 1; }

"$bin/bench-air" --port "$(cat "$dir/port")" --subscribers "$subs" "$@"
