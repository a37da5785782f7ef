#!/bin/sh
# The fault hook of ims-bench (ue-sim run --fault-hook): sets the faults a
# scenario's `hss fault ...` and `scscf fault ...` lines ask for, and
# returns once the running daemon has picked them up. POSIX sh; installed
# as libexec/ims-bench/fault-hook.
#
#   fault-hook hss fault add|del|clear ARGS   hss-ctl --db $FAULT_DB fault ...,
#                                             then waits for hssd's log line
#                                             (1.5 s without $HSSD_LOG: an
#                                             hssd not started here reads its
#                                             rules within 1 s)
#   fault-hook scscf fault RULE|clear         `fault = RULE` appended to $STUB_CONF
#                                             (its last section is [faults]), or
#                                             all removed; SIGHUP to $STUB_PID,
#                                             waits for the stub's log line
# Environment (set by ims-bench): HSS_CTL FAULT_DB [HSSD_LOG] for hss;
# STUB_CONF STUB_PID STUB_LOG for scscf. A side ims-bench did not set up
# (no scscf-stub with --registrar, no store with --hss and no --db) is an
# error: exit 3.
set -u
who=${1:-} what=${2:-}
if [ "$what" != fault ] || [ $# -lt 3 ]; then
	echo "usage: fault-hook hss|scscf fault ARGS" >&2
	exit 2
fi
shift 2

# wait_more FILE REGEX BEFORE: until FILE has more lines matching REGEX than BEFORE (5 s)
wait_more() {
	_t=250
	while [ "$_t" -gt 0 ]; do
		[ "$(grep -Ec -e "$2" "$1" 2>/dev/null)" -gt "$3" ] && return 0
		sleep 0.02
		_t=$((_t - 1))
	done
	echo "fault-hook: no '$2' line in $1 within 5 s" >&2
	return 1
}

re='fault rules \(generation [0-9]+\)'
case $who in
hss)
	if [ -z "${HSS_CTL:-}" ] || [ -z "${FAULT_DB:-}" ]; then
		echo "fault-hook: no HSS store here (an external --hss without --db)" >&2
		exit 3
	fi
	before=$(grep -Ec "$re" "${HSSD_LOG:-/dev/null}")
	"$HSS_CTL" --db "$FAULT_DB" fault "$@" >&2 || exit 1
	if [ -n "${HSSD_LOG:-}" ]; then
		wait_more "$HSSD_LOG" "$re" "$before"
	else
		sleep 1.5
	fi
	;;
scscf)
	if [ -z "${STUB_CONF:-}" ] || [ -z "${STUB_PID:-}" ] || [ -z "${STUB_LOG:-}" ]; then
		echo "fault-hook: no scscf-stub here (the S-CSCF is --registrar's)" >&2
		exit 3
	fi
	if [ "$*" = clear ]; then
		sed -i '/^fault[[:space:]]*=/d' "$STUB_CONF"
	else
		echo "fault = $*" >>"$STUB_CONF"
	fi
	before=$(grep -Ec "$re" "$STUB_LOG")
	kill -HUP "$STUB_PID" || exit 1
	wait_more "$STUB_LOG" "$re" "$before"
	;;
*)
	echo "fault-hook: unknown side '$who' (hss or scscf)" >&2
	exit 2
	;;
esac
