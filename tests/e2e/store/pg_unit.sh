#!/bin/sh
# The store's unit tests once more, on a real PostgreSQL (the backend of
# hss/db_pg.c): starts one (tests/lib/pg.sh), points HSS_TEST_PG at it
# (tests/unit/test_db_util.h: a fresh database per store) and runs the
# test programs that go through the store API.
#   pg_unit.sh TEST_BIN_DIR
# Exit 0 all passed, 1 a test failed, 77 PostgreSQL not installed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=../../lib/pg.sh
. "$HERE/../../lib/pg.sh"
BIN=${1:-}
TESTS="test_db test_db_cache test_prefetch test_db_schema test_db_copy test_hss_ctl test_cx_reg test_cx_mar test_s6a_ulr
test_s6a_air test_s6a_mutate test_trace_keydb"
for t in $TESTS; do need_exe "$BIN/$t" "$t"; done
T=$(mktemp -d /tmp/store-pg.XXXXXX)
trap 'pg_stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# A database per test case: fsync off keeps CREATE DATABASE quick; these
# tests judge behaviour, not durability (that is e2e/durability-pg's).
PG_FAST=1 pg_start "$T" || { bad "PostgreSQL did not start"; exit 1; }
export HSS_TEST_PG="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
for t in $TESTS; do
	if "$BIN/$t" >"$T/$t.log" 2>&1; then
		ok "$t on PostgreSQL"
	else
		bad "$t on PostgreSQL:"; grep -B2 -A4 "FAILED\|ERROR" "$T/$t.log" | head -40
	fi
done
[ "$FAILS" -eq 0 ] || exit 1
echo "store unit tests on PostgreSQL: all passed"
