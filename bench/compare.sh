#!/usr/bin/env bash
# bench/compare.sh — A/B of two builds in the same minutes (issue 14 §5):
# the way every performance claim in bench/README.md is made.
#
#   bench/compare.sh [-r ROUNDS] [-s "mar air load"] [-u USERS] OLD_BUILD NEW_BUILD
#
# OLD_BUILD and NEW_BUILD are CMake build directories (with bin/hssd,
# hss-ctl, diam-load, scscf-stub, ue-sim). Each round runs every selected
# benchmark once per build, alternating which build goes first (round 1
# OLD then NEW, round 2 NEW then OLD, ...), so a busy or quiet minute falls
# on both. The scripts are this tree's (bench/mar/run.sh, bench/load/run.sh)
# for both builds: same method, only the programs differ.
#   mar   1 connection x 64 in flight, 3 s, USERS subscribers (default 1000)
#   air   the same with S6a AIRs
#   load  full AKA registrations through scscf-stub (5000 users, 96 in
#         flight, 2 s warm-up (WARMUP), 5 s; its CONC through LOAD_CONC)
# Prints every run, then per benchmark and figure the median of each build
# over the rounds and the ratio NEW/OLD; rates (higher is better) and CPU
# time per request (hssd's, and scscf-stub's and ue-sim's for load: lower is better,
# from /proc, far less distorted by other load than the rates). The load
# average at each run is printed beside it. Default 5 rounds.
# Both builds must read the same store schema (each run provisions its
# own store with its own hss-ctl). Exit 1 when a run failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROUNDS=5 SUITES="mar air load" USERS=1000
export WARMUP=${WARMUP:-2} # seconds of registrations before a load run is measured
while getopts r:s:u:h o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	s) SUITES=$OPTARG ;;
	u) USERS=$OPTARG ;;
	h) . "$HERE/../tests/lib/common.sh" && script_usage; exit 0 ;;
	*) echo "compare.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || { echo "usage: bench/compare.sh [-r ROUNDS] [-s \"mar air load\"] [-u USERS] OLD_BUILD NEW_BUILD" >&2; exit 2; }
case $ROUNDS$USERS in *[!0-9]*) echo "compare.sh: -r/-u: expected numbers" >&2; exit 2 ;; esac
for s in $SUITES; do
	case $s in mar | air | load) ;; *) echo "compare.sh: -s: unknown benchmark '$s' (mar, air, load)" >&2; exit 2 ;; esac
done
OLD=$(cd "$1" && pwd) NEW=$(cd "$2" && pwd) || exit 2
for b in "$OLD" "$NEW"; do
	for p in hssd hss-ctl diam-load scscf-stub ue-sim; do
		[ -x "$b/bin/$p" ] || { echo "compare.sh: $b/bin/$p not built" >&2; exit 2; }
	done
done
T=$(mktemp -d /tmp/bench-compare.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "# OLD $OLD"
echo "# NEW $NEW"
echo "# $ROUNDS rounds of: $SUITES (alternating which build runs first)"
FAIL=0
# One run of suite $1 with build $2 labelled $3: appends "suite label figure value" lines to $T/figures.
run_one() {
	local suite=$1 build=$2 label=$3 out=$T/out la
	la=$(cut -d' ' -f1 /proc/loadavg)
	case $suite in
	mar | air)
		local air=""
		[ "$suite" = air ] && air=--air
		"$HERE/mar/run.sh" -b "$build" -u "$USERS" -r 1 $air >"$out" 2>&1 || FAIL=1
		local rate cpu
		rate=$(sed -n 's/^median: \([0-9]*\) .*/\1/p' "$out")
		cpu=$(sed -n 's/.*hssd CPU \([0-9]*\) us per answer.*/\1/p' "$out")
		echo "$suite $label: ${rate:-?} answers/s, hssd ${cpu:-?} us/answer (load avg $la)"
		printf '%s %s rate %s\n%s %s hssd_us %s\n' "$suite" "$label" "${rate:-nan}" "$suite" "$label" "${cpu:-nan}" >>"$T/figures"
		;;
	load)
		RUNS=1 CONC=${LOAD_CONC:-96} "$HERE/load/run.sh" "$build/bin" >"$out" 2>&1 || FAIL=1
		local rate h s u
		rate=$(sed -n 's/^median: \([0-9]*\) .*/\1/p' "$out")
		h=$(sed -n 's/.*CPU per registration: hssd \([0-9]*\) us.*/\1/p' "$out")
		s=$(sed -n 's/.*CPU per registration: .*scscf-stub \([0-9]*\) us.*/\1/p' "$out")
		u=$(sed -n 's/.*CPU per registration: .*ue-sim \([0-9]*\) us.*/\1/p' "$out")
		echo "load $label: ${rate:-?} registrations/s, hssd ${h:-?} us, scscf-stub ${s:-?} us, ue-sim ${u:-?} us per registration (load avg $la)"
		printf 'load %s rate %s\nload %s hssd_us %s\nload %s stub_us %s\nload %s uesim_us %s\n' "$label" "${rate:-nan}" \
			"$label" "${h:-nan}" "$label" "${s:-nan}" "$label" "${u:-nan}" >>"$T/figures"
		;;
	esac
	[ -n "${rate:-}" ] || { echo "  (failed:)"; sed 's/^/  /' "$out" | tail -5; FAIL=1; }
}
for ((r = 1; r <= ROUNDS; r++)); do
	echo "## round $r"
	for s in $SUITES; do
		if ((r % 2)); then
			run_one "$s" "$OLD" OLD
			run_one "$s" "$NEW" NEW
		else
			run_one "$s" "$NEW" NEW
			run_one "$s" "$OLD" OLD
		fi
	done
done

# Medians per suite/figure/build, and NEW/OLD.
median() { sort -n | awk '$1 != "nan" {a[n++] = $1} END {if (n) print a[int((n - 1) / 2)]; else print "nan"}'; }
echo "## medians over $ROUNDS rounds (NEW/OLD: > 1 is better for a rate, < 1 for CPU time)"
printf '%-5s %-8s %10s %10s %8s\n' bench figure OLD NEW NEW/OLD
for s in $SUITES; do
	for f in rate hssd_us stub_us uesim_us; do
		grep -q "^$s OLD $f " "$T/figures" 2>/dev/null || continue
		o=$(awk -v s="$s" -v f="$f" '$1 == s && $2 == "OLD" && $3 == f {print $4}' "$T/figures" | median)
		n=$(awk -v s="$s" -v f="$f" '$1 == s && $2 == "NEW" && $3 == f {print $4}' "$T/figures" | median)
		ratio=$(awk -v o="$o" -v n="$n" 'BEGIN { if (o + 0 > 0 && n != "nan") printf "%.2f", n / o; else print "-" }')
		printf '%-5s %-8s %10s %10s %8s\n' "$s" "$f" "$o" "$n" "$ratio"
	done
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $FAIL
