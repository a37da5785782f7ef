/* The SQLite plans of the store's statements (issue 14): a statement that
 * builds a temporary B-tree (OpenEphemeral for an IN list or a DISTINCT,
 * a sorter, an automatic index) or scans a whole table does it on every
 * call — on the MAR/SAR/AIR path a temporary database with its own page
 * cache per request, i.e. heap growth and trimming (brk) per request.
 * Every statement of hss/db_stmt.h is EXPLAINed on a fresh store of this
 * schema; only the listed ones, which provisioning, listings or the
 * HSS-initiated queue run (never a registration or an AIR), may do either.
 * Also: a version 7 store's registrations survive step 8 and its CHECK
 * still refuses a state outside 0..2. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "db.h"
#include "db_int.h"
#include "schema_sql.h"
#include "test_db_util.h"

#define STMT_ENTRY(name, sql) { #name, sql },
static const struct {
	const char *name, *sql;
} stmts[] = { DB_STMTS(STMT_ENTRY) };

/* Allowed a temporary B-tree or a full scan, and why. */
static const char *const not_hot[] = {
	"SUB_INSERT",   /* provisioning: algo IN (3 names) CHECK */
	"SUB_ALL",      /* hss-ctl list: every row, in IMSI order */
	"IMPU_INSERT",  /* provisioning */
	"OUT_INSERT",   /* HSS-initiated queue (RTR, PPR, CLR, IDR): kind/state IN CHECKs */
	"OUT_SENT",     /* ditto */
	"OUT_RETRY",    /* ditto */
	"OUT_FINISH",   /* ditto */
	"APN_INSERT",   /* provisioning */
	"APN_ALL",      /* hss-ctl apn list */
	"FAULT_INSERT", /* hss-ctl fault add */
	"FAULT_ALL",    /* read again only when fault_version changes */
};

static bool is_not_hot(const char *name)
{
	for (size_t i = 0; i < sizeof(not_hot) / sizeof(not_hot[0]); i++)
		if (!strcmp(not_hot[i], name))
			return true;
	return false;
}

/* The first temporary structure or full scan in the plan of sql, or NULL. */
static const char *plan_problem(sqlite3 *c, const char *sql, char *buf, size_t bufsz)
{
	static const char *const ops[] = { "OpenEphemeral", "SorterOpen", "OpenAutoindex" };
	const char *modes[] = { "EXPLAIN ", "EXPLAIN QUERY PLAN " };
	char q[4096];

	for (int m = 0; m < 2; m++) {
		sqlite3_stmt *st;

		snprintf(q, sizeof(q), "%s%s", modes[m], sql);
		assert_int_equal(sqlite3_prepare_v2(c, q, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, m ? 3 : 1);

			for (size_t i = 0; !m && t && i < sizeof(ops) / sizeof(ops[0]); i++)
				if (!strcmp(t, ops[i]))
					snprintf(buf, bufsz, "opcode %s", t);
			/* "SCAN k VIRTUAL TABLE": the bound key list (db_stmt.h DB_KEYS),
			 * one row per key, each then one index lookup; "SCAN k" of
			 * "SCAN 8 CONSTANT ROWS": the same as bound keys (DB_KEYS8) */
			if (m && t && ((!strncmp(t, "SCAN ", 5) && strcmp(t, "SCAN CONSTANT ROW") &&
					strncmp(t, "SCAN k VIRTUAL TABLE ", 21) && strcmp(t, "SCAN k") &&
					strcmp(t, "SCAN 8 CONSTANT ROWS")) ||
				       strstr(t, "TEMP B-TREE") || strstr(t, "AUTOMATIC")))
				snprintf(buf, bufsz, "plan \"%s\"", t);
		}
		sqlite3_finalize(st);
		if (*buf)
			return buf;
	}
	return NULL;
}

static void test_no_temp_btree_on_hot_path(void **state)
{
	(void)state;
	char path[256], why[256];
	struct db *db;
	sqlite3 *c;
	int listed = 0;

	if (tmpdb_pg())
		skip(); /* SQLite's plans */
	tmpdb_path(path, sizeof(path));
	assert_int_equal(db_open(path, &db), 0);
	db_close(db);
	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		why[0] = '\0';
		const char *p = plan_problem(c, stmts[i].sql, why, sizeof(why));

		if (is_not_hot(stmts[i].name)) {
			listed++;
			continue;
		}
		if (p)
			fail_msg("statement %s: %s (a temporary structure or scan per call)",
				 stmts[i].name, p);
	}
	/* every listed name exists (a renamed statement must not slip out) */
	assert_int_equal(listed, (int)(sizeof(not_hot) / sizeof(not_hot[0])));
	sqlite3_close(c);
	tmpdb_remove(path);
}

static void test_registration_step8(void **state)
{
	(void)state;
	static char steps[65536], one[16384];
	char path[256];
	struct db *db;
	struct db_impu u;

	if (tmpdb_pg())
		skip(); /* the SQLite rebuild */
	tmpdb_path(path, sizeof(path));
	snprintf(steps, sizeof(steps), "BEGIN;");
	for (int v = 1; v <= 7; v++) {
		assert_int_equal(db_schema_step(db_schema_sqlite, v, one, sizeof(one)), 0);
		strcat(steps, one);
	}
	strcat(steps, "PRAGMA user_version = 7;"
		      "INSERT INTO subscriber (id, imsi, impi, k, opc) VALUES (7, '001010000000007', "
		      "'seven@x', zeroblob(16), zeroblob(16));"
		      "INSERT INTO impu (id, subscriber_id, uri) VALUES (3, 7, 'sip:seven@x');"
		      "INSERT INTO registration (impu_id, state, scscf_name, updated, scscf_host, "
		      "scscf_realm) VALUES (3, 2, 'sip:scscf', 5, 'scscf.x', 'x');"
		      "COMMIT;");
	assert_int_equal(tmpdb_exec(path, steps), 0);
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(db_impu_by_uri(db, "sip:seven@x", &u), 0);
	assert_int_equal(u.state, DB_REG_UNREGISTERED);
	assert_string_equal(u.scscf_name, "sip:scscf");
	assert_string_equal(u.scscf_host, "scscf.x");
	assert_string_equal(u.scscf_realm, "x");
	db_close(db);
	assert_int_equal(tmpdb_exec(path, "UPDATE registration SET state = 3"), -1);
	assert_int_equal(tmpdb_exec(path, "UPDATE registration SET state = 1.5"), -1);
	assert_int_equal(tmpdb_exec(path, "UPDATE registration SET state = 1"), 0);
	/* ON DELETE CASCADE still there (abs() of the smallest integer fails:
	 * the query errs unless registration is empty) */
	assert_int_equal(tmpdb_exec(path, "PRAGMA foreign_keys = ON; DELETE FROM impu"), 0);
	assert_int_equal(tmpdb_exec(path, "SELECT CASE WHEN count(*) = 0 THEN 1 ELSE "
				    "abs(-9223372036854775807 - 1) END FROM registration"), 0);
	tmpdb_remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_temp_btree_on_hot_path),
		cmocka_unit_test(test_registration_step8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
