#!/bin/sh
# e2e: --db pointed at another program's database. hss-ctl (add, import,
# migrate --to) and hssd refuse it in one line and exit 1, and the database
# is left as it was: no HSS table, no version, no WAL switch, the same
# bytes (docs/hss-ctl.md, docs/hssd.md "Store files"):
#   1. SQLite: a file with tables (and a view) of its own, user_version 0:
#      refused; `sqlite3 FILE .schema`, its rows and its bytes unchanged, no
#      -wal/-shm left beside it;
#   2. an empty file and a new path still get the schema (as before), also
#      when four hss-ctl create one new store at the same moment, each adds
#      its subscriber (none takes the others' fresh tables for a foreign
#      database, none fails on their lock);
#   3. PostgreSQL (tests/lib/pg.sh): a database with a table of another
#      program is refused the same way (pg_dump --schema-only unchanged,
#      no hss_schema table), with a password in the URI never printed;
#      `hss-ctl list` (read-only) says it is not an HSS store; the same
#      database emptied gets the schema.
#   foreign.sh PATH/TO/hssd PATH/TO/hss-ctl
# Exit 0 pass, 1 fail, 77 skipped (sqlite3 not installed; the PostgreSQL
# part alone is skipped, saying so, when PostgreSQL is not installed).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=../../lib/pg.sh
. "$HERE/../../lib/pg.sh"
HSSD=${1:-} CTL=${2:-}
need_exe "$HSSD" hssd
need_exe "$CTL" hss-ctl
command -v sqlite3 >/dev/null || { echo "skipped: sqlite3 not installed (apt-get install sqlite3)"; exit 77; }
work_dir store-foreign
# shellcheck disable=SC2086 # PIDS is a list
trap 'stop_pids $PIDS; pg_stop; if [ -n "${KEEP:-}" ]; then echo "logs kept in $T"; else rm -rf "$T"; fi' EXIT
R=ims.mnc001.mcc001.3gppnetwork.org
WHY='not an HSS store (it has tables, but no HSS schema version); refusing to add the HSS schema to it'

add() { # STORE N: subscriber N (1..9)
	"$CTL" --db "$1" add --imsi "00101000000000$2" --impi "00101000000000$2@$R" \
		--impu "sip:00101000000000$2@$R" --k 465b5ce8b199b49faa5f0a2ee238a6bc \
		--opc cd63cb71954a9f4e48a5994e37a02baf
}

# hssd on STORE must exit 1 within 10 s, its one error line naming STORE
# (as SHOWN) and WHY.
hssd_refuses() { # WHAT STORE SHOWN
	timeout 10 "$HSSD" --db "$2" --listen tcp://127.0.0.1:0 --origin-host "hss.$R" \
		--realm $R --accept-any-peer >"$T/hssd.log" 2>&1
	_rc=$?
	if [ "$_rc" = 1 ] && [ "$(grep -c ' error ' "$T/hssd.log")" = 1 ] &&
		grep -qF "cannot open the store: $3: $WHY" "$T/hssd.log"; then
		ok "$1: hssd exits 1: $(grep ' error ' "$T/hssd.log" | cut -c 26-)"
	else
		bad "$1: hssd exit $_rc (124: still running), log: $(tr '\n' '|' <"$T/hssd.log")"
	fi
}

# hss-ctl ARGS... must exit 1 with one stderr line "hss-ctl: OPT: SHOWN: WHY".
ctl_refuses() { # WHAT OPT SHOWN ARGS...
	_what=$1 _opt=$2 _shown=$3
	shift 3
	ctl_expect 1 "" "$@"
	if [ "$(cat "$T/err")" = "hss-ctl: $_opt: $_shown: $WHY" ]; then
		ok "$_what: hss-ctl exits 1: $(cat "$T/err")"
	else
		bad "$_what: stderr '$(cat "$T/err")'"
	fi
}

# --- 1. SQLite: another program's file ------------------------------------------
F=$T/other.sqlite
sqlite3 "$F" "CREATE TABLE calls (id INTEGER PRIMARY KEY, caller TEXT NOT NULL);
	INSERT INTO calls (caller) VALUES ('alice'), ('bob');
	CREATE VIEW callers AS SELECT caller FROM calls;" || { bad "sqlite3 could not make $F"; exit 1; }
snap() { # FILE OUT: what must not change
	{ sqlite3 "$1" .schema; sqlite3 "$1" "PRAGMA user_version; PRAGMA journal_mode;
		SELECT * FROM calls"; md5sum <"$1"; ls "$1"*; } >"$2" 2>&1
}
snap "$F" "$T/before"
ctl_refuses "SQLite file of another program, add" --db "$F" --db "$F" add --imsi 001010000000001 \
	--impi "001010000000001@$R" --impu "sip:001010000000001@$R" \
	--k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf
printf 'imsi,impi,impu,k,opc\n001010000000002,001010000000002@%s,sip:001010000000002@%s,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf\n' \
	$R $R >"$T/users.csv"
ctl_refuses "SQLite file of another program, import" --db "$F" --db "$F" import "$T/users.csv"
add "$T/good.db" 1 >/dev/null || bad "hss-ctl add on a new store"
ctl_refuses "SQLite file of another program, migrate --to" --to "$F" migrate --from "$T/good.db" --to "$F"
hssd_refuses "SQLite file of another program" "$F" "$F"
snap "$F" "$T/after"
if cmp -s "$T/before" "$T/after"; then
	ok "the file is unchanged: .schema, user_version 0, journal mode, rows, bytes, no -wal/-shm"
else
	bad "the file changed:"
	diff "$T/before" "$T/after"
fi

# --- 2. an empty file, a new path: the schema, as before ---------------------------
V=$(sqlite3 "$T/good.db" "PRAGMA user_version")
: >"$T/empty.db"
if add "$T/empty.db" 1 >/dev/null && [ "$(sqlite3 "$T/empty.db" "PRAGMA user_version")" = "$V" ]; then
	ok "an empty file gets the schema (version $V)"
else
	bad "empty file: not made a store"
fi
# Four at once, three times: each must add its subscriber. A process that
# reads version 0, then sees the tables another one has just committed,
# must not call them foreign, nor fail on the lock another one holds.
bad_rounds=""
for round in 1 2 3; do
	rm -f "$T/race.db" "$T/race.db-wal" "$T/race.db-shm"
	RACE=""
	for n in 1 2 3 4; do
		add "$T/race.db" "$n" >"$T/race$round$n.log" 2>&1 &
		RACE="$RACE $!"
	done
	rc=0
	for p in $RACE; do wait "$p" || rc=1; done
	[ "$rc" = 0 ] && [ "$("$CTL" --db "$T/race.db" list | grep -c 00101000000000)" = 4 ] ||
		bad_rounds="$bad_rounds $round"
done
if [ -z "$bad_rounds" ]; then
	ok "four hss-ctl creating one new store at once (3 times): all four added each time"
else
	bad "four hss-ctl on one new store, round(s)$bad_rounds: $(grep -vh upgraded "$T"/race??.log | sort -u | tr '\n' '|')"
fi

# --- 3. PostgreSQL ---------------------------------------------------------------------
if ! (pg_bin >/dev/null); then
	echo "# PostgreSQL part skipped: $(pg_bin)"
	exit $((FAILS > 0))
fi
PG_FAST=1 pg_start "$T" || { bad "PostgreSQL did not start"; exit 1; }
pg_psql "CREATE TABLE calls (id serial PRIMARY KEY, caller text NOT NULL);
	INSERT INTO calls (caller) VALUES ('alice')" >/dev/null || { bad "CREATE TABLE"; exit 1; }
pg_schema() { # (\restrict lines: a random key of each pg_dump run)
	pg_as "$PG_BINDIR/pg_dump" -h "$PG_DIR" -p "$PG_PORT" -U postgres --schema-only hss |
		grep -v '^\\\(un\)\{0,1\}restrict '
	pg_psql "SELECT * FROM calls"
}
pg_schema >"$T/pg.before" 2>&1
# trust authentication: the password is not asked for, only shown (never)
URI="postgresql://postgres:s3cret@127.0.0.1:$PG_PORT/hss"
SHOWN="postgresql://postgres:***@127.0.0.1:$PG_PORT/hss"
ctl_refuses "PostgreSQL database of another program, add" --db "$SHOWN" --db "$URI" add \
	--imsi 001010000000001 --impi "001010000000001@$R" --impu "sip:001010000000001@$R" \
	--k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf
hssd_refuses "PostgreSQL database of another program" "$URI" "$SHOWN"
ctl_expect 1 "" --db "$URI" list
if [ "$(cat "$T/err")" = "hss-ctl: --db: $SHOWN: not an HSS store (it has tables, but no HSS schema version)" ]; then
	ok "PostgreSQL database of another program, list (read-only): $(cat "$T/err")"
else
	bad "PostgreSQL database of another program, list: stderr '$(cat "$T/err")'"
fi
grep -q s3cret "$T/hssd.log" "$T/err" && bad "the password was printed"
pg_schema >"$T/pg.after" 2>&1
if cmp -s "$T/pg.before" "$T/pg.after" && [ -s "$T/pg.before" ]; then
	ok "the PostgreSQL database is unchanged (pg_dump --schema-only, rows)"
else
	bad "the PostgreSQL database changed:"
	diff "$T/pg.before" "$T/pg.after"
fi
pg_psql "DROP TABLE calls" >/dev/null
if add "$PG_URI" 1 >/dev/null && [ "$(pg_psql "SELECT max(version) FROM hss_schema")" = "$V" ]; then
	ok "the same database emptied gets the schema (version $V)"
else
	bad "empty PostgreSQL database: not made a store"
fi
exit $((FAILS > 0))
