# shellcheck shell=sh
# A real PostgreSQL for a test (../shared/reference/postgresql-testing.md):
# initdb + pg_ctl as the postgres user in a temporary directory, a free
# loopback port, its unix socket in that directory. Source after common.sh.
#
#   pg_start DIR        initdb, start, createdb hss: sets PG_URI, PG_PORT,
#                       PG_DIR; returns 1 (with the log) when it cannot;
#                       exits 77 when PostgreSQL is not installed.
#                       PG_FAST=1: fsync off (tests of behaviour only, never
#                       of durability or speed); PG_OPTS: more server options
#                       ("-c commit_delay=100 …"), benchmarks only
#   pg_stop [MODE]      pg_ctl stop -m fast (default) | immediate (a crash)
#   pg_restart          start again after a stop (WAL replay after immediate)
#   pg_psql SQL         runs SQL on the hss database, prints the rows (-At)
#
# initdb and postgres refuse to run as root: as root they run as postgres
# (runuser), which must reach DIR; as another user they run as that user.

pg_bin() {
	_b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$_b" ] && [ -x "$_b/initdb" ] || { echo "skipped: PostgreSQL is not installed (apt-get install postgresql)"; exit 77; }
	echo "$_b"
}

pg_as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
	PG_BINDIR=$(pg_bin) || exit 77
	PG_DIR=$1/pg
	mkdir -p "$PG_DIR"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$PG_DIR"
		chmod 755 "$1"
	fi
	PG_PORT=$(free_port)
	pg_as "$PG_BINDIR/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 ||
		{ echo "initdb failed:"; cat "$PG_DIR/initdb.log"; return 1; }
	pg_restart || return 1
	pg_as "$PG_BINDIR/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres hss ||
		{ echo "createdb failed"; return 1; }
	PG_URI="postgresql://postgres@127.0.0.1:$PG_PORT/hss"
	return 0
}

pg_restart() {
	_fast=""
	[ "${PG_FAST:-0}" = 1 ] && _fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	pg_as "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -t 30 \
		-o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 $_fast ${PG_OPTS:-}" start >/dev/null 2>&1 ||
		{ echo "pg_ctl start failed:"; tail -20 "$PG_DIR/pg.log"; return 1; }
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
	pg_as "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" stop -m "${1:-fast}" >/dev/null 2>&1
}

pg_psql() {
	pg_as "$PG_BINDIR/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d hss -At -c "$1"
}
