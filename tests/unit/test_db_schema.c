/* Schema tests: the embedded schemas match hss/schema.sql and
 * hss/schema_pg.sql and carry the same steps, an old
 * (version 1, 3, 5 or 6) database is upgraded in place with its data kept
 * (the version 3 queues move into the one outbound queue; version 6
 * rebuilds subscriber for TUAK without losing what references it; version
 * 7 rebuilds fault_rule so that ids are never reused), and a database
 * newer than the program is refused without being touched.
 * With HSS_TEST_PG (e2e/store-pg) the same on PostgreSQL: a version 4
 * store (the first one the PostgreSQL backend wrote) upgraded in place. */
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

#define DB_STR_(x) #x
#define DB_STR(x) DB_STR_(x)
#define SCHEMA_DIR VECTORS_DIR "/../../hss/"

static void matches_file(const char *file, const char *embedded)
{
	char path[512];
	static char buf[65536];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), SCHEMA_DIR "%s", file);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if (strcmp(buf, embedded) != 0)
		fail_msg("hss/schema_sql.c is stale for %s: run sh hss/gen_schema_sql.sh", file);
}

static void test_embedded_matches_file(void **state)
{
	(void)state;
	matches_file("schema.sql", db_schema_sqlite);
	matches_file("schema_pg.sql", db_schema_pg);
}

/* Every backend carries every step (a step added to one schema file only
 * would leave the other backend's stores a version behind). */
static void test_backends_same_steps(void **state)
{
	(void)state;
	static char buf[16384];
	const char *schemas[] = { db_schema_sqlite, db_schema_pg };

	for (size_t i = 0; i < 2; i++) {
		for (int v = 1; v <= DB_SCHEMA_VERSION; v++)
			if (db_schema_step(schemas[i], v, buf, sizeof(buf)) != 0)
				fail_msg("%s schema: no step %d", i ? "PostgreSQL" : "SQLite", v);
		assert_int_equal(db_schema_step(schemas[i], DB_SCHEMA_VERSION + 1, buf,
						sizeof(buf)), -ENOENT);
	}
}

static int raw_exec(const char *path, const char *sql)
{
	return tmpdb_sqlite_exec(path, sql);
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

/* Writes a store at `path` as version `upto` of this schema left it
 * (steps 1..upto, user_version = upto) with the rows of `rows`, in one
 * transaction, without this program's upgrade code. */
static void old_store(const char *path, int upto, const char *rows)
{
	static char steps[65536], one[16384];

	snprintf(steps, sizeof(steps), "BEGIN;");
	for (int v = 1; v <= upto; v++) {
		assert_int_equal(db_schema_step(db_schema_sqlite, v, one, sizeof(one)), 0);
		strcat(steps, one);
	}
	snprintf(one, sizeof(one), "PRAGMA user_version = %d;", upto);
	strcat(steps, one);
	strcat(steps, rows);
	strcat(steps, "COMMIT;");
	assert_int_equal(raw_exec(path, steps), SQLITE_OK);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), upto);
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
	char path[256];
	struct db *db;
	struct db_sub s;
	struct db_impu u;
	struct db_out r = { .kind = "RTR", .user = "one@x" };

	tmpdb_path(path, sizeof(path));
	old_store(path, 1,
		  "INSERT INTO subscriber (imsi, impi, k, opc, sqn) VALUES ('001010000000001', "
		  "'one@x', x'000102030405060708090a0b0c0d0e0f', "
		  "x'101112131415161718191a1b1c1d1e1f', 77);"
		  "INSERT INTO impu (subscriber_id, uri) VALUES (1, 'sip:one@x');"
		  "INSERT INTO registration (impu_id, state, scscf_name, updated) "
		  "VALUES (1, 1, 'sip:scscf', 0);");
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
	char path[256];
	struct db *db;
	struct db_out r;

	tmpdb_path(path, sizeof(path));
	old_store(path, 3,
		  "INSERT INTO rtr_queue (impi, impu, reason_code, reason_info, state, created, "
		  "updated) VALUES ('one@x', 'sip:one@x', 2, 'moved', 'queued', 1, 1);"
		  "INSERT INTO rtr_queue (impi, state, attempts, peer, hbh, e2e, created, "
		  "updated) VALUES ('two@x', 'sent', 1, 'scscf.x', 17, 18, 1, 2);"
		  "INSERT INTO s6a_queue (kind, imsi, host, realm, cancel_type, state, created, "
		  "updated) VALUES ('CLR', '001010000000001', 'mme.x', 'epc.x', 2, 'queued', 1, 1);");
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

/* Version 6 rebuilds subscriber (new CHECKs for TUAK): rows keep their
 * ids, and impu, registration, eps_subscription, subscriber_apn and
 * charging_info keep pointing at them (a cascade on the DROP would have
 * emptied them); afterwards foreign keys are enforced again and the new
 * constraints hold. */
static void test_upgrade_tuak_from_v5(void **state)
{
	(void)state;
	char path[256];
	struct db *db;
	struct db_sub s;
	struct db_impu u;
	struct db_charging ch;

	tmpdb_path(path, sizeof(path));
	old_store(path, 5,
		  "INSERT INTO subscriber (id, imsi, impi, algo, k, opc, sqn, res_len) VALUES "
		  "(7, '001010000000007', 'seven@x', 'xor', x'000102030405060708090a0b0c0d0e0f', "
		  "x'101112131415161718191a1b1c1d1e1f', 99, 12);"
		  "INSERT INTO impu (id, subscriber_id, uri) VALUES (3, 7, 'sip:seven@x');"
		  "INSERT INTO registration (impu_id, state, scscf_name, updated) VALUES "
		  "(3, 1, 'sip:scscf', 0);"
		  "INSERT INTO eps_subscription (subscriber_id, msisdn) VALUES (7, '15550007');"
		  "INSERT INTO apn (id, name) VALUES (1, 'internet');"
		  "INSERT INTO subscriber_apn (subscriber_id, apn_id, context_id, is_default) "
		  "VALUES (7, 1, 1, 1);"
		  "INSERT INTO charging_info (subscriber_id, ecf_primary) VALUES (7, 'ecf.x');");
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	assert_int_equal(db_sub_by_impi(db, "seven@x", &s), 0);
	assert_int_equal(s.id, 7);
	assert_int_equal(s.keys.algo, AKA_ALGO_XOR);
	assert_int_equal(s.keys.res_len, 12);
	assert_int_equal(s.sqn, 99);
	assert_int_equal(db_impu_by_uri(db, "sip:seven@x", &u), 0);
	assert_int_equal(u.sub_id, 7);
	assert_int_equal(u.state, DB_REG_REGISTERED);
	assert_int_equal(db_charging_get(db, 7, &ch), 0);
	assert_string_equal(ch.ecf[0], "ecf.x");
	db_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM eps_subscription WHERE "
				       "subscriber_id = 7 AND msisdn = '15550007'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM subscriber_apn WHERE "
				       "subscriber_id = 7"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE "
				       "'%subscriber_v6%' OR sql LIKE '%subscriber_v6%'"), 0);
	/* the new CHECKs: 32-octet K and TOPc for TUAK only, RES 32 for TUAK only */
	assert_int_equal(raw_exec(path, "INSERT INTO subscriber (imsi, impi, algo, k, opc, res_len) "
				  "VALUES ('001010000000008', 't@x', 'tuak', zeroblob(32), "
				  "zeroblob(32), 32)"), SQLITE_OK);
	assert_int_equal(raw_exec(path, "INSERT INTO subscriber (imsi, impi, algo, k, opc) VALUES "
				  "('001010000000009', 'm@x', 'milenage', zeroblob(32), "
				  "zeroblob(16))"), SQLITE_CONSTRAINT);
	assert_int_equal(raw_exec(path, "INSERT INTO subscriber (imsi, impi, algo, k, opc) VALUES "
				  "('001010000000009', 'm@x', 'tuak', zeroblob(16), "
				  "zeroblob(16))"), SQLITE_CONSTRAINT);
	assert_int_equal(raw_exec(path, "INSERT INTO subscriber (imsi, impi, algo, k, opc, "
				  "res_len) VALUES ('001010000000009', 'm@x', 'xor', zeroblob(16), "
				  "zeroblob(16), 32)"), SQLITE_CONSTRAINT);
	/* foreign keys are on again for the store's own connection */
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(db_impu_add(db, 4242, "sip:orphan@x", false, 1, NULL, NULL) < 0, 1);
	db_close(db);
	tmpdb_remove(path);
}

static int list_fault(void *arg, const struct db_fault *f)
{
	int64_t *ids = arg;

	ids[ids[0] + 1] = f->id;
	ids[0]++;
	return 0;
}

/* Version 7 rebuilds fault_rule with AUTOINCREMENT: the rules of a version
 * 6 store keep their ids, fields and spent counts, and after they are
 * deleted a new rule takes an id above every id ever given (before, SQLite
 * reused the highest freed rowid and hssd carried its count over). */
static void test_upgrade_fault_ids_from_v6(void **state)
{
	(void)state;
	char path[256];
	struct db *db;
	struct db_fault f = { .command = "MAR", .action = "drop" };
	int64_t ids[8] = { 0 };

	tmpdb_path(path, sizeof(path));
	old_store(path, 6,
		  "INSERT INTO fault_rule (id, command, user_glob, every, max_count, action, "
		  "fired, created) VALUES (4, 'SAR', 'alice*', 3, 2, 'result:5001', 1, 1);"
		  "INSERT INTO fault_rule (id, command, action, created) VALUES "
		  "(9, 'any', 'delay:300', 2);");
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	assert_int_equal(db_fault_foreach(db, list_fault, ids), 0);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	assert_int_equal(ids[2], 9);
	assert_int_equal(raw_int(path, "SELECT fired FROM fault_rule WHERE id = 4 AND "
				       "command = 'SAR' AND user_glob = 'alice*' AND every = 3 AND "
				       "max_count = 2 AND action = 'result:5001'"), 1);
	/* every rule gone: the next one still takes a new id */
	assert_int_equal(db_fault_clear(db), 0);
	assert_int_equal(db_fault_add(db, &f), 0);
	assert_int_equal(f.id, 10);
	assert_int_equal(db_fault_del(db, f.id), 0);
	f.id = 0;
	assert_int_equal(db_fault_add(db, &f), 0);
	assert_int_equal(f.id, 11);
	db_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = "
				       "'fault_rule_v7'"), 0);
	tmpdb_remove(path);
}

/* A store file made by SQL (another program, a newer version) is refused
 * with err and a message holding msg, and left as it was: the same version
 * and table count, no HSS table, still a rollback-journal file. */
static void refused_untouched(const char *sql, int err, const char *msg)
{
	char path[256], wal[300];
	struct db *db = (struct db *)1;
	int v, n;

	tmpdb_path(path, sizeof(path));
	assert_int_equal(raw_exec(path, sql), SQLITE_OK);
	v = raw_int(path, "PRAGMA user_version");
	n = raw_int(path, "SELECT count(*) FROM sqlite_master");
	assert_int_equal(db_open(path, &db), err);
	assert_null(db);
	assert_non_null(strstr(db_errmsg(NULL), msg));
	assert_int_equal(raw_int(path, "PRAGMA user_version"), v);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master"), n);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'subscriber'"),
			 0);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_int_not_equal(access(wal, F_OK), 0); /* never switched to WAL */
	tmpdb_remove(path);
}

static void test_newer_refused(void **state)
{
	(void)state;
	refused_untouched("CREATE TABLE future (x); PRAGMA user_version = 99;", -EPROTONOSUPPORT,
			  "version 99 is newer");
}

/* Another program's database (tables, version 0) is refused read-write
 * and left as it was; an empty file still becomes a store. */
static void test_foreign_refused(void **state)
{
	(void)state;
	char path[256];
	struct db *db;

	refused_untouched("CREATE TABLE calls (x); INSERT INTO calls VALUES (1);", -EMEDIUMTYPE,
			  ": not an HSS store (it has tables, but no HSS schema version); "
			  "refusing to add the HSS schema");
	tmpdb_path(path, sizeof(path));
	assert_int_equal(raw_exec(path, "PRAGMA user_version = 0;"), SQLITE_OK); /* empty file */
	assert_int_equal(db_open(path, &db), 0);
	db_close(db);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	tmpdb_remove(path);
}

/* PostgreSQL: a version 4 store (steps 1-4 and hss_schema as db_pg.c
 * writes it) with a subscriber is upgraded to this version in place: the
 * subscriber keeps its id, SQN and identity, TUAK's columns have their
 * defaults, the new CHECKs hold, fault rules work. */
static void test_pg_upgrade_from_v4(void **state)
{
	(void)state;
	static char steps[49152], one[16384];
	char path[256];
	struct db *db;
	struct db_sub s;
	struct db_impu u;
	struct db_fault f = { .command = "MAR", .action = "drop" };

	tmpdb_path(path, sizeof(path));
	snprintf(steps, sizeof(steps), "BEGIN;");
	for (int v = 1; v <= 4; v++) {
		assert_int_equal(db_schema_step(db_schema_pg, v, one, sizeof(one)), 0);
		strcat(steps, one);
	}
	strcat(steps, "CREATE TABLE hss_schema (version integer NOT NULL);"
		      "INSERT INTO hss_schema VALUES (4);"
		      "INSERT INTO subscriber (id, imsi, impi, algo, k, opc, sqn, res_len) VALUES "
		      "(7, '001010000000007', 'seven@x', 'xor', "
		      "'\\x000102030405060708090a0b0c0d0e0f', "
		      "'\\x101112131415161718191a1b1c1d1e1f', 99, 12);"
		      "INSERT INTO impu (id, subscriber_id, uri) VALUES (3, 7, 'sip:seven@x');"
		      "COMMIT;");
	assert_int_equal(tmpdb_exec(path, steps), 0);
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(db_sub_by_impi(db, "seven@x", &s), 0);
	assert_int_equal(s.id, 7);
	assert_int_equal(s.keys.algo, AKA_ALGO_XOR);
	assert_int_equal(s.keys.res_len, 12);
	assert_int_equal(s.sqn, 99);
	assert_int_equal(db_impu_by_uri(db, "sip:seven@x", &u), 0);
	assert_int_equal(u.sub_id, 7);
	assert_int_equal(db_fault_add(db, &f), 0);
	db_close(db);
	assert_int_equal(tmpdb_exec(path, "SELECT 1/count(*) FROM hss_schema WHERE "
				    "version = " DB_STR(DB_SCHEMA_VERSION)), 0);
	assert_int_equal(tmpdb_exec(path, "INSERT INTO subscriber (imsi, impi, algo, k, opc, "
				    "res_len) VALUES ('001010000000008', 't@x', 'tuak', "
				    "decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), "
				    "'hex'), 32)"), 0);
	assert_int_not_equal(tmpdb_exec(path, "INSERT INTO subscriber (imsi, impi, algo, k, opc) "
					"VALUES ('001010000000009', 'm@x', 'milenage', "
					"decode(repeat('00', 32), 'hex'), decode(repeat('00', 16), "
					"'hex'))"), 0);
	tmpdb_remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded_matches_file),
		cmocka_unit_test(test_backends_same_steps),
		cmocka_unit_test(test_steps_split),
		cmocka_unit_test(test_upgrade_from_v1),
		cmocka_unit_test(test_upgrade_queues_from_v3),
		cmocka_unit_test(test_upgrade_tuak_from_v5),
		cmocka_unit_test(test_upgrade_fault_ids_from_v6),
		cmocka_unit_test(test_newer_refused),
		cmocka_unit_test(test_foreign_refused),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_embedded_matches_file),
		cmocka_unit_test(test_backends_same_steps),
		cmocka_unit_test(test_pg_upgrade_from_v4),
	};

	/* the SQLite upgrade tests write SQLite files with sqlite3 itself */
	if (tmpdb_pg())
		return cmocka_run_group_tests(pg_tests, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
