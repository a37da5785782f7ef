/* Schema tests: the embedded schema matches hss/schema.sql, an old
 * (version 1 or 3) database is upgraded in place with its data kept (the
 * version 3 queues move into the one outbound queue), and a database
 * newer than the program is refused without being touched. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "db.h"
#include "schema_sql.h"
#include "test_db_util.h"

#define SCHEMA_FILE VECTORS_DIR "/../../hss/schema.sql"

static void test_embedded_matches_file(void **state)
{
	(void)state;
	FILE *fp = fopen(SCHEMA_FILE, "rb");
	static char buf[65536];
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if (strcmp(buf, db_schema_sqlite) != 0)
		fail_msg("hss/schema_sql.c is stale: run sh hss/gen_schema_sql.sh");
}

static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *c;
	int rc;

	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	rc = sqlite3_exec(c, sql, NULL, NULL, NULL);
	sqlite3_close(c);
	return rc;
}

static int raw_int(const char *path, const char *sql)
{
	sqlite3 *c;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(c);
	return v;
}

static void test_steps_split(void **state)
{
	(void)state;
	char buf[8192];

	assert_int_equal(db_schema_step(db_schema_sqlite, 1, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "CREATE TABLE subscriber"));
	assert_null(strstr(buf, "rtr_queue"));
	assert_int_equal(db_schema_step(db_schema_sqlite, 2, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "CREATE TABLE rtr_queue"));
	assert_null(strstr(buf, "CREATE TABLE subscriber"));
	assert_int_equal(db_schema_step(db_schema_sqlite, DB_SCHEMA_VERSION + 1, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(db_schema_step(db_schema_sqlite, 1, buf, 10), -ENOSPC);
}

static void test_upgrade_from_v1(void **state)
{
	(void)state;
	char path[64], step1[8192], sql[9000];
	struct db *db;
	struct db_sub s;
	struct db_impu u;
	struct db_out r = { .kind = "RTR", .user = "one@x" };

	tmpdb_path(path, sizeof(path));
	assert_int_equal(db_schema_step(db_schema_sqlite, 1, step1, sizeof(step1)), 0);
	snprintf(sql, sizeof(sql),
		 "BEGIN; %s; PRAGMA user_version = 1;"
		 "INSERT INTO subscriber (imsi, impi, k, opc, sqn) VALUES ('001010000000001', "
		 "'one@x', x'000102030405060708090a0b0c0d0e0f', "
		 "x'101112131415161718191a1b1c1d1e1f', 77);"
		 "INSERT INTO impu (subscriber_id, uri) VALUES (1, 'sip:one@x');"
		 "INSERT INTO registration (impu_id, state, scscf_name, updated) "
		 "VALUES (1, 1, 'sip:scscf', 0); COMMIT;",
		 step1);
	assert_int_equal(raw_exec(path, sql), SQLITE_OK);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);

	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	assert_int_equal(db_sub_by_impi(db, "one@x", &s), 0);
	assert_int_equal(s.sqn, 77);
	assert_int_equal(s.amf[0], 0x80); /* column default of version 1 */
	assert_int_equal(db_impu_by_uri(db, "sip:one@x", &u), 0);
	assert_int_equal(u.state, DB_REG_REGISTERED);
	assert_string_equal(u.scscf_name, "sip:scscf");
	assert_string_equal(u.scscf_host, ""); /* column added by version 2 */
	/* Version 4's queue works. */
	assert_int_equal(db_out_add(db, &r), 0);
	assert_int_equal(db_out_get(db, r.id, &r), 0);
	db_close(db);
	/* Opening again is a no-op. */
	assert_int_equal(db_open(path, &db), 0);
	db_close(db);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	tmpdb_remove(path);
}

/* Version 3 had two queues (rtr_queue, s6a_queue); version 4 moves their
 * rows, in their states, into out_queue. */
static void test_upgrade_queues_from_v3(void **state)
{
	(void)state;
	static char steps[32768], one[16384];
	char path[64];
	struct db *db;
	struct db_out r;

	tmpdb_path(path, sizeof(path));
	snprintf(steps, sizeof(steps), "BEGIN;");
	for (int v = 1; v <= 3; v++) {
		assert_int_equal(db_schema_step(db_schema_sqlite, v, one, sizeof(one)), 0);
		strcat(steps, one);
	}
	strcat(steps, "PRAGMA user_version = 3;"
		      "INSERT INTO rtr_queue (impi, impu, reason_code, reason_info, state, created, "
		      "updated) VALUES ('one@x', 'sip:one@x', 2, 'moved', 'queued', 1, 1);"
		      "INSERT INTO rtr_queue (impi, state, attempts, peer, hbh, e2e, created, "
		      "updated) VALUES ('two@x', 'sent', 1, 'scscf.x', 17, 18, 1, 2);"
		      "INSERT INTO s6a_queue (kind, imsi, host, realm, cancel_type, state, created, "
		      "updated) VALUES ('CLR', '001010000000001', 'mme.x', 'epc.x', 2, 'queued', 1, 1);"
		      "COMMIT;");
	assert_int_equal(raw_exec(path, steps), SQLITE_OK);
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(db_out_next_queued(db, 0, &r), 0);
	assert_string_equal(r.kind, "RTR");
	assert_string_equal(r.user, "one@x");
	assert_string_equal(r.impu, "sip:one@x");
	assert_int_equal(r.code, 2);
	assert_string_equal(r.info, "moved");
	assert_int_equal(db_out_by_ids(db, 17, 18, &r), 0);
	assert_string_equal(r.user, "two@x");
	assert_string_equal(r.host, "scscf.x");
	assert_int_equal(r.sends, 1);
	assert_int_equal(db_out_next_queued(db, r.id, &r), 0);
	assert_string_equal(r.kind, "CLR");
	assert_string_equal(r.user, "001010000000001");
	assert_string_equal(r.host, "mme.x");
	assert_string_equal(r.realm, "epc.x");
	assert_int_equal(r.code, 2);
	db_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN "
				       "('rtr_queue', 's6a_queue')"), 0);
	tmpdb_remove(path);
}

static void test_newer_refused(void **state)
{
	(void)state;
	char path[64], wal[80];
	struct db *db = (struct db *)1;

	tmpdb_path(path, sizeof(path));
	assert_int_equal(raw_exec(path, "CREATE TABLE future (x); PRAGMA user_version = 99;"),
			 SQLITE_OK);
	assert_int_equal(db_open(path, &db), -EPROTONOSUPPORT);
	assert_null(db);
	assert_non_null(strstr(db_errmsg(NULL), "version 99 is newer"));
	/* Untouched: same version, still a rollback-journal file. */
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 99);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'subscriber'"),
			 0);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_int_not_equal(access(wal, F_OK), 0); /* never switched to WAL */
	tmpdb_remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded_matches_file),
		cmocka_unit_test(test_steps_split),
		cmocka_unit_test(test_upgrade_from_v1),
		cmocka_unit_test(test_upgrade_queues_from_v3),
		cmocka_unit_test(test_newer_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
