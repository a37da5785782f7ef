/* ims-trace's keys from the HSS store (tools/ims-trace/keydb.c over
 * hss/db.h, read-only): a MILENAGE subscriber provisioned with OP gives K
 * and the OPc the store derived (TS 35.208 test set 1), AMF, RES length
 * and password, by IMPI and by IMSI; a TUAK one its 256-bit K, TOPc and
 * lengths; an unknown identity falls back to the command line. A store of
 * another schema version is refused and left as it was (never upgraded);
 * unusable files and an unreachable PostgreSQL are refused with their
 * reason in one line. With HSS_TEST_PG (e2e/store-pg) the stores are
 * PostgreSQL databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "keydb.h"
#include "test_db_util.h"

#include "util/hex.h"

#define IMPI "001010000000001@ims.mnc001.mcc001.3gppnetwork.org"
#define IMSI "001010000000001"
#define TUAK_IMPI "001010000000151@ims.mnc001.mcc001.3gppnetwork.org"

static void hex(const char *h, uint8_t *out, size_t n)
{
	assert_int_equal(hex_decode_exact(h, out, n), 0);
}

static void provision(const char *path)
{
	struct db *db;
	struct db_sub s = { .keys.algo = AKA_ALGO_MILENAGE, .has_op = true, .has_password = true,
			    .amf = { 0x80, 0x00 } };
	struct db_sub t = { .keys.algo = AKA_ALGO_TUAK, .amf = { 0x80, 0x00 } };

	assert_int_equal(db_open(path, &db), 0);
	snprintf(s.imsi, sizeof(s.imsi), IMSI);
	snprintf(s.impi, sizeof(s.impi), IMPI);
	snprintf(s.password, sizeof(s.password), "sesame");
	hex("465b5ce8b199b49faa5f0a2ee238a6bc", s.keys.k, 16);
	hex("cdc202d5123e20f62b6d676ac72cb318", s.op, 16);
	assert_int_equal(db_sub_add(db, &s), 0);
	snprintf(t.imsi, sizeof(t.imsi), "001010000000151");
	snprintf(t.impi, sizeof(t.impi), TUAK_IMPI);
	t.keys.tuak = (struct aka_tuak){ .k_len = 32, .mac_len = 8, .ck_len = 16, .ik_len = 16,
					 .iterations = 2 };
	t.keys.res_len = 16;
	for (int i = 0; i < 32; i++) {
		t.keys.k[i] = (uint8_t)i;
		t.keys.opc[i] = (uint8_t)(0x20 + i);
	}
	assert_int_equal(db_sub_add(db, &t), 0);
	db_close(db);
}

static void test_keydb_store(void **state)
{
	char path[256];
	struct keysrc ks = { 0 };
	struct trace_keys k;
	uint8_t want[32];

	(void)state;
	tmpdb_path(path, sizeof(path));
	provision(path);
	assert_int_equal(keydb_open(&ks, path), 0);
	for (int by = 0; by < 2; by++) {
		assert_int_equal(keysrc_lookup(&ks, by ? IMSI : IMPI, &k), 1);
		assert_int_equal(k.algo, AKA_ALGO_MILENAGE);
		hex("465b5ce8b199b49faa5f0a2ee238a6bc", want, 16);
		assert_memory_equal(k.k, want, 16);
		/* OPc of TS 35.208 test set 1, derived by the store from OP */
		hex("cd63cb71954a9f4e48a5994e37a02baf", want, 16);
		assert_memory_equal(k.op, want, 16);
		assert_true(k.is_opc);
		assert_true(k.have_aka);
		assert_true(k.have_amf);
		assert_int_equal(k.amf[0], 0x80);
		assert_int_equal(k.res_len, 8);
		assert_true(k.have_password);
		assert_string_equal(k.password, "sesame");
		assert_string_equal(k.source, path);
	}
	assert_int_equal(keysrc_lookup(&ks, TUAK_IMPI, &k), 1);
	assert_int_equal(k.algo, AKA_ALGO_TUAK);
	assert_int_equal(k.tuak.k_len, 32);
	assert_int_equal(k.tuak.iterations, 2);
	assert_int_equal(k.res_len, 16);
	assert_int_equal(k.k[31], 31);
	assert_int_equal(k.op[31], 0x3f);
	assert_false(k.have_password);
	assert_int_equal(keysrc_lookup(&ks, "nobody@example.net", &k), 0);
	assert_int_equal(keysrc_lookup(&ks, "001019999999999", &k), 0);
	/* an identity not in the store falls back to the command-line keys */
	ks.have_cli = true;
	snprintf(ks.cli.source, sizeof(ks.cli.source), "cli");
	assert_int_equal(keysrc_lookup(&ks, "nobody@example.net", &k), 1);
	assert_string_equal(k.source, "cli");
	assert_int_equal(keysrc_lookup(&ks, IMPI, &k), 1);
	assert_string_not_equal(k.source, "cli");
	assert_string_equal(ks.err, "");
	keydb_close(&ks);
	tmpdb_remove(path);
}

/* The store's schema version as another connection reads it. */
static int version_of(const char *path)
{
	char v[16] = "";

	if (tmpdb_pg()) {
		PGconn *c = PQconnectdb(path);
		PGresult *r = PQexec(c, "SELECT max(version) FROM hss_schema");

		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			snprintf(v, sizeof(v), "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		PQfinish(c);
		return atoi(v);
	}
	sqlite3 *c;
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(c);
	return n;
}

static void set_version(const char *path, int v)
{
	char sql[96];

	if (tmpdb_pg())
		snprintf(sql, sizeof(sql), "UPDATE hss_schema SET version = %d", v);
	else
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	assert_int_equal(tmpdb_exec(path, sql), 0);
	assert_int_equal(version_of(path), v);
}

/* Another schema version: refused in one line, and left as it was (a
 * read-only open never runs the upgrade steps). */
static void test_keydb_versions(void **state)
{
	char path[256];
	struct keysrc ks = { 0 };

	(void)state;
	tmpdb_path(path, sizeof(path));
	provision(path);
	set_version(path, DB_SCHEMA_VERSION - 1);
	assert_int_equal(keydb_open(&ks, path), -1);
	assert_non_null(strstr(ks.err, "is older than"));
	assert_null(strchr(ks.err, '\n'));
	assert_int_equal(version_of(path), DB_SCHEMA_VERSION - 1);
	set_version(path, DB_SCHEMA_VERSION + 1);
	assert_int_equal(keydb_open(&ks, path), -1);
	assert_non_null(strstr(ks.err, "is newer than this program's"));
	assert_int_equal(version_of(path), DB_SCHEMA_VERSION + 1);
	assert_null(ks.db);
	tmpdb_remove(path);
}

static void expect_refused(const char *path, const char *why)
{
	struct keysrc ks = { 0 };

	assert_int_equal(keydb_open(&ks, path), -1);
	if (!strstr(ks.err, why) || strchr(ks.err, '\n'))
		fail_msg("--db %s: \"%s\" does not say \"%s\" in one line", path, ks.err, why);
	assert_null(ks.db);
}

static void make_sqlite(const char *path, const char *sql)
{
	unlink(path);
	assert_int_equal(tmpdb_sqlite_exec(path, sql), SQLITE_OK);
}

/* issue 17: a store that cannot be used is refused with its real problem
 * named, not SQLite's "unable to open database file"; a PostgreSQL that
 * does not answer is named without its password. */
static void test_keydb_problems(void **state)
{
	char dir[] = "/tmp/test_trace_storeXXXXXX", p[256];
	struct keysrc ks = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/nodir/hss.sqlite", dir);
	expect_refused(p, "no such directory");
	snprintf(p, sizeof(p), "%s/hss.sqlite", dir);
	expect_refused(p, "no such file");
	assert_int_equal(access(p, F_OK), -1); /* nothing created */
	expect_refused(dir, "is a directory");
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	expect_refused(p, "empty file: not an hss-ctl store");
	f = fopen(p, "w");
	fputs("imsi,impi,k\n001010000000001,x,y\n", f);
	fclose(f);
	expect_refused(p, "not an SQLite database");
	/* a hand-made key table, no schema version: not the store's */
	make_sqlite(p, "CREATE TABLE subscriber (impi TEXT, k BLOB, opc BLOB);");
	expect_refused(p, "not an hss-ctl store (no schema version; its tables: subscriber)");
	make_sqlite(p, "CREATE TABLE users (name TEXT, secret BLOB);");
	expect_refused(p, "not an hss-ctl store (no subscriber table with impi, k, opc; its "
			  "tables: users)");
	unlink(p);
	rmdir(dir);
	/* port 1 on loopback: nothing listens, refused at once */
	assert_int_equal(keydb_open(&ks, "postgresql://hss:s3cr3t@127.0.0.1:1/hss"), -1);
	assert_non_null(strstr(ks.err, "--db postgresql://hss:***@127.0.0.1:1/hss: "));
	assert_null(strstr(ks.err, "s3cr3t"));
	assert_null(strchr(ks.err, '\n'));
	assert_int_equal(keydb_open(&ks, "postgres://127.0.0.1:1/hss"), -1);
	assert_non_null(strstr(ks.err, "--db postgres://127.0.0.1:1/hss: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keydb_store),
		cmocka_unit_test(test_keydb_versions),
		cmocka_unit_test(test_keydb_problems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
