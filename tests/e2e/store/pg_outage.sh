#!/bin/sh
# hssd on PostgreSQL when PostgreSQL goes away (docs/hssd.md "Several hssd
# on one PostgreSQL"):
#   1. MARs succeed on a running PostgreSQL;
#   2. PostgreSQL stopped: every MAR is answered, quickly, with 5012
#      (DIAMETER_UNABLE_TO_COMPLY), no vector leaves, hssd keeps running;
#   3. exactly one log line says the store is unreachable, however many
#      requests failed;
#   4. PostgreSQL back: hssd reconnects by itself within a few seconds
#      (one line says so) and MARs succeed again, with SQNs above every
#      SQN handed out before the outage.
#   pg_outage.sh HSSD HSS_CTL DIAM_LOAD SQN_CHECK
# Exit 0 pass, 1 fail, 77 PostgreSQL not installed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=../../lib/pg.sh
. "$HERE/../../lib/pg.sh"
HSSD=${1:-} CTL=${2:-} LOAD=${3:-} CHECK=${4:-}
need_exe "$HSSD" hssd
need_exe "$CTL" hss-ctl
need_exe "$LOAD" diam-load
need_exe "$CHECK" sqn_check
T=$(mktemp -d /tmp/pg-outage.XXXXXX)
HSSD_PID=
trap '[ -n "$HSSD_PID" ] && stop_pids $HSSD_PID; pg_stop immediate; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
pg_start "$T" || { bad "PostgreSQL did not start"; exit 1; }
awk 'BEGIN { print "imsi,impi,impu,k,opc"
	for (i = 0; i < 10; i++) { imsi = sprintf("%015.0f", 1010000000001 + i)
		printf "%s,%s@out.test,sip:%s@out.test,'$K','$OPC'\n", imsi, imsi, imsi } }' \
	>"$T/users.csv"
"$CTL" --db "$PG_URI" import "$T/users.csv" >/dev/null || { bad "hss-ctl import"; exit 1; }
"$HSSD" --db "$PG_URI" --listen tcp://127.0.0.1:0 --port-file "$T/port" \
	--origin-host hss.out.test --realm out.test --accept-any-peer --log-file "$T/hssd.log" &
HSSD_PID=$!
wait_file "$T/port" 10 || { bad "hssd did not start"; cat "$T/hssd.log"; exit 1; }
load() { # load NAME SECONDS
	"$LOAD" --port "$(cat "$T/port")" --connections 1 --window 8 --users 10 \
		--domain out.test --realm out.test --origin-host load.out.test --duration "$2" \
		--drain 2 --dump "$T/$1.dump" >"$T/$1.out" 2>&1
}
results() { sed -n 's/^results *//p' "$T/$1.out"; }

# --- 1 -----------------------------------------------------------------------
load before 1 && ok "MARs on a running PostgreSQL: $(grep '^answers' "$T/before.out")" ||
	bad "MARs before the outage: $(cat "$T/before.out")"

# --- 2, 3 ----------------------------------------------------------------------
pg_stop fast
load during 2
cat "$T/during.out"
if grep -q "unanswered=0" "$T/during.out" && grep -q "connections_lost=0" "$T/during.out"; then
	ok "every MAR answered while PostgreSQL is down, connection kept"
else
	bad "MARs while PostgreSQL is down: $(cat "$T/during.out")"
fi
r=$(results during)
case "$r" in
"5012="*[0-9]) ok "all of them 5012 ($r)" ;;
*) bad "answers while PostgreSQL is down: $r (5012 only expected)" ;;
esac
p99=$(sed -n 's/^latency .*p99 \([0-9.]*\) ms.*/\1/p' "$T/during.out")
awk -v p="$p99" 'BEGIN { exit !(p < 100) }' && ok "quickly: p99 $p99 ms" ||
	bad "5012s are slow: p99 $p99 ms"
[ -s "$T/during.dump" ] && bad "vectors left while PostgreSQL was down" ||
	ok "no vector left while PostgreSQL was down"
kill -0 "$HSSD_PID" 2>/dev/null && ok "hssd still running" || bad "hssd died"
n=$(grep -c "PostgreSQL unreachable" "$T/hssd.log")
w=$(grep -c " \(warn\|error\) " "$T/hssd.log")
[ "$n" = 1 ] && [ "$w" = 1 ] && ok "one log line for the outage, no other warning or error" ||
	{ bad "$n 'unreachable' lines, $w warnings and errors for one outage"
	  grep " \(warn\|error\) " "$T/hssd.log" | sort -k3 | uniq -c -f2 | head; }

# --- 4 -----------------------------------------------------------------------------
pg_restart || { bad "PostgreSQL did not start again"; exit 1; }
i=0
until load after 1 && [ -s "$T/after.dump" ]; do
	i=$((i + 1))
	[ $i -lt 10 ] || break
	sleep 0.5
done
[ $i -lt 10 ] && ok "MARs succeed again after PostgreSQL came back ($((i)) tries of 1 s)" ||
	bad "MARs after PostgreSQL came back: $(cat "$T/after.out")"
n=$(grep -c "PostgreSQL reachable again" "$T/hssd.log")
[ "$n" = 1 ] && ok "one log line when it is back: $(sed -n 's/.*\(PostgreSQL reachable.*\)/\1/p' "$T/hssd.log")" ||
	bad "$n 'reachable again' lines"
# SQNs after the outage are above those before (none reused, none lost)
"$CTL" --db "$PG_URI" list | awk '{ print $2, $4 }' >"$T/stored"
"$CHECK" --k $K --opc $OPC "$T/before.dump" --stored "$T/stored" "$T/after.dump" >"$T/check" &&
	ok "no SQN reused, those after the outage above those before" ||
	bad "SQN check: $(cat "$T/check")"
[ "$FAILS" -eq 0 ] || { tail -20 "$T/hssd.log"; exit 1; }
echo "PostgreSQL outage: all passed"
