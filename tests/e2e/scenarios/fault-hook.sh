#!/usr/bin/env bash
# The fault hook of the scenario runners (ue-sim run --fault-hook): sets the
# faults a scenario's `hss fault ...` and `scscf fault ...` lines ask for, and
# returns once the running daemon has picked them up.
#
#   fault-hook.sh hss fault add|del|clear ARGS   hss-ctl --db $FAULT_DB fault ...,
#                                                then waits for hssd's log line
#   fault-hook.sh scscf fault RULE|clear         `fault = RULE` appended to $STUB_CONF
#                                                (its last section is [faults]), or all
#                                                removed; SIGHUP to $STUB_PID,
#                                                waits for the stub's log line
# Environment (set by the runner): HSS_CTL FAULT_DB HSSD_LOG for hss;
# STUB_CONF STUB_PID STUB_LOG for scscf. A side the runner did not set up
# (no scscf-stub when Kamailio is the S-CSCF) is an error: exit 3.
set -u
who=${1:-}; what=${2:-}
[ "$what" = fault ] && [ $# -ge 3 ] || { echo "usage: fault-hook.sh hss|scscf fault ARGS" >&2; exit 2; }
shift 2

# wait_more FILE REGEX BEFORE: until FILE has more lines matching REGEX than BEFORE (5 s)
wait_more() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -Ec -e "$2" "$1" 2>/dev/null)" -gt "$3" ] && return 0
		sleep 0.05
	done
	echo "fault-hook: no '$2' line in $1 within 5 s" >&2
	return 1
}

case $who in
hss)
	[ -n "${HSS_CTL:-}" ] && [ -n "${FAULT_DB:-}" ] && [ -n "${HSSD_LOG:-}" ] ||
		{ echo "fault-hook: no hssd here (HSS_CTL, FAULT_DB, HSSD_LOG unset)" >&2; exit 3; }
	re='fault rules \(generation [0-9]+\)'
	before=$(grep -Ec "$re" "$HSSD_LOG")
	"$HSS_CTL" --db "$FAULT_DB" fault "$@" >&2 || exit 1
	wait_more "$HSSD_LOG" "$re" "$before"
	;;
scscf)
	[ -n "${STUB_CONF:-}" ] && [ -n "${STUB_PID:-}" ] && [ -n "${STUB_LOG:-}" ] ||
		{ echo "fault-hook: no scscf-stub here (STUB_CONF, STUB_PID, STUB_LOG unset)" >&2; exit 3; }
	if [ "$*" = clear ]; then
		sed -i '/^fault[[:space:]]*=/d' "$STUB_CONF"
	else
		echo "fault = $*" >>"$STUB_CONF"
	fi
	re='fault rules \(generation [0-9]+\)'
	before=$(grep -Ec "$re" "$STUB_LOG")
	kill -HUP "$STUB_PID" || exit 1
	wait_more "$STUB_LOG" "$re" "$before"
	;;
*)
	echo "fault-hook: unknown side '$who' (hss or scscf)" >&2
	exit 2
	;;
esac
