#!/bin/sh
# e2e (issue 16 item 8, at start-up): hssd refuses, with one line naming
# the store and the reason, a store it could read but not write, instead of
# starting and answering 5012 to every MAR/AIR:
#  - SQLite, a file (or its directory) this user may not write (hssd runs
#    as nobody on a store owned by root; needs root for setpriv);
#  - PostgreSQL, a role that may only SELECT;
#  - PostgreSQL, a database set default_transaction_read_only (what a hot
#    standby is too).
# The writable store next to them starts (the probe changes nothing).
# A full disk is not refused: store_full.sh starts hssd on one.
# Usage: store_readonly.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip (no
# PostgreSQL; the SQLite case alone needs root and is skipped without).
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=../../lib/pg.sh
. "$HERE/../../lib/pg.sh"
BIN=$1
need_exe "$BIN/hssd" hssd
need_exe "$BIN/hss-ctl" hss-ctl
R=ims.mnc001.mcc001.3gppnetwork.org
work_dir hssd-ro
# shellcheck disable=SC2086 # PIDS is a list
trap 'stop_pids $PIDS; pg_stop; if [ -n "${KEEP:-}" ]; then echo "logs kept in $T"; else rm -rf "$T"; fi' EXIT

provision() { # STORE
	"$BIN/hss-ctl" --db "$1" add --imsi 001010000000001 --impi 001010000000001@$R \
		--impu sip:001010000000001@$R --k 465b5ce8b199b49faa5f0a2ee238a6bc \
		--opc cd63cb71954a9f4e48a5994e37a02baf >/dev/null
}

# hssd on STORE (as the user of the command prefix before it): must exit 1
# within 10 s with "cannot write the store" or "read-only" naming why.
refused() { # WHAT LOG STORE [PREFIX...]
	_what=$1 _log=$2 _db=$3
	shift 3
	timeout 10 "$@" "$BIN/hssd" --db "$_db" --listen tcp://127.0.0.1:0 \
		--origin-host hss.$R --realm $R --peer scscf.$R >"$_log" 2>&1
	_rc=$?
	_line=$(grep " MAIN cannot " "$_log" | head -1 | cut -c 26-)
	if [ "$_rc" = 1 ] && [ -n "$_line" ] && [ "$(grep -c ' error ' "$_log")" = 1 ]; then
		ok "$_what: refused at start in one line:$_line"
	else
		bad "$_what: exit $_rc (124: still running), log: $(tr '\n' '|' <"$_log")"
	fi
}

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	if ! { mkdir "$T/sq" && provision "$T/sq/hss.db" && chmod 755 "$T" "$T/sq" &&
		chmod 644 "$T/sq/hss.db"; }; then
		bad "SQLite store"
		exit 1
	fi
	refused "SQLite store not writable by this user" "$T/sq.log" "$T/sq/hss.db" \
		setpriv --reuid=65534 --regid=65534 --clear-groups
else
	echo "# SQLite case skipped: needs root (setpriv to another user)"
fi

PG_FAST=1 pg_start "$T" || { bad "PostgreSQL did not start"; exit 1; }
provision "$PG_URI" || { bad "hss-ctl add on PostgreSQL"; exit 1; }
pg_psql "CREATE ROLE hss_ro LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO hss_ro" \
	>/dev/null || { bad "CREATE ROLE"; exit 1; }
refused "PostgreSQL role that may only SELECT" "$T/pg_ro_role.log" \
	"postgresql://hss_ro@127.0.0.1:$PG_PORT/hss"

# The writable store starts (the probe writes nothing: no row changes).
start_hssd "$BIN/hssd" "$T" --db "$PG_URI" --origin-host hss.$R --realm $R --peer scscf.$R
PIDS=$HSSD_PID
if kill -0 "$HSSD_PID" 2>/dev/null && ! grep -q " error " "$T/hssd.log"; then
	ok "the same database, writable: hssd starts"
else
	bad "writable store: $(tr '\n' '|' <"$T/hssd.log")"
fi
stop_pids "$HSSD_PID"
PIDS=""

pg_psql "ALTER DATABASE hss SET default_transaction_read_only = on" >/dev/null ||
	{ bad "ALTER DATABASE"; exit 1; }
refused "PostgreSQL database read-only (as a hot standby)" "$T/pg_ro_db.log" "$PG_URI"
[ "$FAILS" -eq 0 ] || exit 1
exit 0
