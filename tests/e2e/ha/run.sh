#!/bin/bash
# SQN durability of two hssd on one PostgreSQL (issue 11 §5), crashed at
# random moments. Real components: PostgreSQL (initdb + pg_ctl in a
# temporary directory, fsync and synchronous_commit on: tests/lib/pg.sh),
# two hssd on it, four diam-load generators.
#
# Each cycle (--cycles, default 10):
#   1. both hssd up; four generators for --seconds (default 2.5):
#        MAR to hssd1 and AIR to hssd2 for the same --users subscribers,
#        MAR to hssd1 and AIR to hssd2 for one hot subscriber,
#      each writing every vector it receives (diam-load --dump);
#   2. at a random moment inside the load, one crash, in turn:
#        kill -9 hssd1 | kill -9 hssd2 | pg_ctl stop -m immediate
#      (PostgreSQL is started again at once: WAL replay; a killed hssd
#      stays down until the cycle's generators end, then starts again);
#   3. the SQNs stored for every subscriber are read back (hss-ctl list on
#      PostgreSQL): all --users + 1 subscribers must still be there.
# Then one clean cycle, and each hssd alone for 1 s (both serve again). sqn_check (tests/e2e/durability) recovers every SQN
# from its AUTN with common/aka (AK = f5(K, RAND), MAC-A must verify) and
# checks per subscriber: no SQN issued twice in the whole run (both hssd,
# MAR and AIR), every SQN received in a cycle <= the SQN stored after it
# (durable), every SQN of a cycle above those of the cycles before. The
# clean cycle must hand out vectors for every subscriber (none lost).
#
# usage: run.sh --hssd PATH --hss-ctl PATH --diam-load PATH --sqn-check PATH
#               [--cycles N] [--seconds S] [--users N] [--window W] [--keep]
# exit: 0 pass, 1 fail, 77 skipped (PostgreSQL not installed), 2 usage.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
TESTS_LIB="$HERE/../../lib"
# shellcheck source=../../lib/common.sh
. "$TESTS_LIB/common.sh" # ok/bad, wait_file, stop_pids
# shellcheck source=../../lib/pg.sh
. "$TESTS_LIB/pg.sh"     # pg_start, pg_stop, pg_restart
HSSD="" CTL="" LOAD="" CHECK="" CYCLES=10 SECONDS_=2.5 USERS=20 WINDOW=16 KEEP=0
parse_opts '
	--hssd      HSSD     exe
	--hss-ctl   CTL      exe
	--diam-load LOAD     exe
	--sqn-check CHECK    exe
	--cycles    CYCLES   uint
	--seconds   SECONDS_
	--users     USERS    uint
	--window    WINDOW   uint
	--keep      KEEP     flag=1' "$@"
[ "$CYCLES" -ge 1 ] && [ "$CYCLES" -le 60 ] || usage_fail "--cycles: 1..60"

K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
DOMAIN=ha.test
BASE=001010000000001
HOT=$(printf '%015d' $((10#$BASE + USERS))) # the subscriber after the others
NSUB=$((USERS + 1))

WORK="$(mktemp -d /tmp/ha-durability.XXXXXX)"
declare -A HPID HPORT
LPIDS=()
cleanup() {
	for p in "${LPIDS[@]}" "${HPID[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	pg_stop immediate
	if [ "$KEEP" -eq 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; for n in 1 2; do [ -f "$WORK/hssd$n.log" ] && tail -5 "$WORK/hssd$n.log"; done; exit 1; }

pg_start "$WORK" || fail "PostgreSQL did not start"
awk -v n="$NSUB" -v base="$BASE" -v d="$DOMAIN" -v k="$K" -v opc="$OPC" 'BEGIN {
	print "imsi,impi,impu,k,opc"
	for (i = 0; i < n; i++) { imsi = sprintf("%015.0f", base + i)
		printf "%s,%s@%s,sip:%s@%s,%s,%s\n", imsi, imsi, d, imsi, d, k, opc } }' >"$WORK/users.csv"
"$CTL" --db "$PG_URI" import "$WORK/users.csv" >/dev/null || fail "hss-ctl import on $PG_URI"
echo "# PostgreSQL 127.0.0.1:$PG_PORT (fsync on), $NSUB subscribers ($USERS + hot $HOT), $CYCLES cycles x ${SECONDS_} s"

start_hss() { # start_hss N: on the port it had before, if any
	rm -f "$WORK/hssd$1.port"
	"$HSSD" --db "$PG_URI" --listen "tcp://127.0.0.1:${HPORT[$1]:-0}" --port-file "$WORK/hssd$1.port" \
		--origin-host "hss$1.$DOMAIN" --realm "$DOMAIN" --accept-any-peer \
		--log-level notice --log-file "$WORK/hssd$1.log" 2>>"$WORK/hssd$1.stderr" &
	HPID[$1]=$!
	wait_file "$WORK/hssd$1.port" 10 || fail "hssd$1 did not start"
	HPORT[$1]=$(cat "$WORK/hssd$1.port")
}

# gen NAME HSSD TYPE USERS BASE SECONDS: one generator in the background.
gen() {
	"$LOAD" --port "${HPORT[$2]}" --connections 1 --window "$WINDOW" --request "$3" \
		--users "$4" --imsi-base "$5" --domain "$DOMAIN" --realm "$DOMAIN" \
		--origin-host "$1.$DOMAIN" --duration "$6" --drain 1 \
		--dump "$WORK/$1.dump" >"$WORK/$1.out" 2>&1 &
	LPIDS+=($!)
}

# cycle N CRASH: one cycle; CRASH = hssd1 | hssd2 | pg | none.
cycle() {
	local c=$1 crash=$2 at
	for n in 1 2; do [ -n "${HPID[$n]:-}" ] || start_hss "$n"; done
	LPIDS=()
	gen mar "1" mar "$USERS" "$BASE" "$SECONDS_"
	gen air "2" air "$USERS" "$BASE" "$SECONDS_"
	gen hotmar "1" mar 1 "$HOT" "$SECONDS_"
	gen hotair "2" air 1 "$HOT" "$SECONDS_"
	# a random moment between 10 % and 85 % of the load
	at=$(awk -v s="$SECONDS_" -v r="$RANDOM" 'BEGIN { printf "%.2f", s * (0.10 + 0.75 * r / 32767) }')
	sleep "$at"
	case "$crash" in
	hssd1|hssd2)
		n=${crash#hssd}
		kill -9 "${HPID[$n]}"
		wait "${HPID[$n]}" 2>/dev/null
		[ $? = 137 ] || fail "cycle $c: hssd$n did not die of SIGKILL"
		unset "HPID[$n]" ;;
	pg)
		pg_stop immediate || fail "cycle $c: pg_ctl stop -m immediate"
		pg_restart || fail "cycle $c: PostgreSQL did not start again" ;;
	esac
	for p in "${LPIDS[@]}"; do wait "$p"; done
	LPIDS=()
	for n in 1 2; do
		[ -z "${HPID[$n]:-}" ] || kill -0 "${HPID[$n]}" 2>/dev/null ||
			fail "cycle $c: hssd$n died without being killed"
	done
	# The cycle's vectors, AIR's IMSIs turned into the IMPIs of the store.
	{ cat "$WORK/mar.dump" "$WORK/hotmar.dump"
	  awk -v d="$DOMAIN" '{ $1 = $1 "@" d; print }' "$WORK/air.dump" "$WORK/hotair.dump"; } >"$WORK/phase$c"
	"$CTL" --db "$PG_URI" list | awk '{ print $2, $4 }' >"$WORK/stored$c" ||
		fail "cycle $c: hss-ctl list on PostgreSQL"
	[ "$(wc -l <"$WORK/stored$c")" = "$NSUB" ] ||
		fail "cycle $c: $(wc -l <"$WORK/stored$c") subscribers in the store, $NSUB provisioned"
	printf '# cycle %2d: %-5s at %5ss, %6d vectors; results mar %s | air %s | hot mar %s | hot air %s\n' \
		"$c" "$crash" "$at" "$(wc -l <"$WORK/phase$c")" \
		"$(sed -n 's/^results *//p' "$WORK/mar.out")" "$(sed -n 's/^results *//p' "$WORK/air.out")" \
		"$(sed -n 's/^results *//p' "$WORK/hotmar.out")" "$(sed -n 's/^results *//p' "$WORK/hotair.out")"
}

CRASHES=(hssd1 hssd2 pg)
args=()
for c in $(seq "$CYCLES"); do
	cycle "$c" "${CRASHES[$(((c - 1) % 3))]}"
	args+=("$WORK/phase$c" --stored "$WORK/stored$c")
done
last=$((CYCLES + 1))
cycle "$last" none
# Each hssd alone (no other instance racing it for the same rows): both
# must answer with vectors again after the crashes. Their vectors join the
# clean cycle's.
for n in 1 2; do
	LPIDS=()
	gen "probe$n" "$n" mar "$NSUB" "$BASE" 1
	wait "${LPIDS[0]}"
	cat "$WORK/probe$n.dump" >>"$WORK/phase$last"
	grep -q '^results.*2001=' "$WORK/probe$n.out" ||
		fail "hssd$n alone after the crashes: no vector: $(cat "$WORK/probe$n.out")"
done
ok "after the crashes each hssd alone answers with vectors ($(sed -n 's/^results *//p' "$WORK/probe1.out") | $(sed -n 's/^results *//p' "$WORK/probe2.out"))"
args+=("$WORK/phase$last")

"$CHECK" --k "$K" --opc "$OPC" "${args[@]}" >"$WORK/verdict" 2>&1
rc=$?
tail -2 "$WORK/verdict" | sed 's/^/# /'
[ $rc = 0 ] || { grep '^FAIL' "$WORK/verdict" | head; fail "sqn_check"; }
ok "$CYCLES crash cycles: every vector decoded (MAC-A verified), no SQN issued twice, every SQN durable"
# Every finished commit pairs with its own batch of held answers: a lost
# outcome (a connection dropped with a commit in flight) shifted the pairs
# by one and released answers on the next commit's result — SQNs issued
# twice, only later and only sometimes visible above.
grep -h 'finished, batch' "$WORK"/hssd*.log | head -3 | sed 's/^/# /'
! grep -q 'finished, batch' "$WORK"/hssd*.log ||
	fail "a commit's outcome was paired with another batch (hssd log above)"
ok "every finished commit released its own batch (no 'commit N finished, batch M expected')"
seen=$(awk '{ print $1 }' "$WORK/phase$last" | sort -u | wc -l)
[ "$seen" = "$NSUB" ] && ok "clean cycle: vectors for all $NSUB subscribers (none lost)" ||
	fail "clean cycle: vectors for $seen of $NSUB subscribers"
hot=$(grep -c "^$HOT@" "$WORK/phase$last")
ok "hot subscriber $HOT: $(cat "$WORK"/phase* | grep -c "^$HOT@") vectors in the run, from both hssd"
[ "$hot" -gt 0 ] || fail "no vector for the hot subscriber in the clean cycle"
echo "PASS"
