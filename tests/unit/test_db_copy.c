/* Copying a store whole (hss/db_copy.c, hss-ctl migrate):
 *  - the copy lists every table and column of the schema (a schema step
 *    that adds one fails here until db_copy.c copies it too);
 *  - a store with a row in every table, NULLs, blobs and large values is
 *    copied exactly: every table dumped from both stores is the same, ids
 *    and SQNs included, and ids never reused stay so (fault rules);
 *  - all or nothing: into a store that is not empty nothing is written, and
 *    a copy that fails half-way (a row the destination refuses) leaves the
 *    destination empty.
 * The source is an SQLite file; the destination another one, or, under
 * e2e/store-pg (HSS_TEST_PG), a PostgreSQL database. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "db.h"
#include "db_int.h"
#include "test_db_util.h"
#include "util/str.h"

static void test_lists_every_column(void **state)
{
	(void)state;
	char path[256];
	struct db *db;
	sqlite3 *c;
	sqlite3_stmt *st;
	size_t ntables = 0;

	tmpdb_sqlite_path(path, sizeof(path));
	assert_int_equal(db_open(path, &db), 0);
	db_close(db);
	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	/* every table of the schema is copied, with exactly its columns */
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT m.name, group_concat(p.name, ' ') FROM "
					    "sqlite_master m, pragma_table_info(m.name) p WHERE "
					    "m.type = 'table' AND m.name NOT LIKE 'sqlite_%' GROUP BY "
					    "m.name", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		const char *cols = (const char *)sqlite3_column_text(st, 1);
		const char *name, *spec;
		char mine[512] = "";
		size_t i, mlen = 0;

		for (i = 0; db_copy_table(i, &name, &spec) == 0; i++)
			if (!strcmp(name, table))
				break;
		if (db_copy_table(i, &name, &spec))
			fail_msg("table %s is not copied (hss/db_copy.c)", table);
		for (const char *p = spec; *p;) { /* "i:id t:imsi" -> "id imsi" */
			size_t l = strcspn(p, " ");

			if (mlen)
				str_append(mine, sizeof(mine), &mlen, " ");
			str_append_n(mine, sizeof(mine), &mlen, p + 2, l - 2);
			p += l + (p[l] == ' ');
		}
		if (strcmp(mine, cols))
			fail_msg("%s: the copy has columns '%s', the schema '%s'", table, mine, cols);
		ntables++;
	}
	sqlite3_finalize(st);
	sqlite3_close(c);
	assert_int_equal(ntables, DB_COPY_TABLES);
	tmpdb_sqlite_remove(path);
}

/* Every table as text, in the copy's column order (blobs in hex). */
static void dump(struct db *db, char *out, size_t sz)
{
	size_t n = 0;
	const char *name, *spec;

	out[0] = '\0';
	for (size_t i = 0; db_copy_table(i, &name, &spec) == 0; i++) {
		char sql[1024];
		size_t k = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
		struct db_handle *h;
		char types[32];
		int ncols = 0;

		for (const char *p = spec; *p;) {
			size_t l = strcspn(p, " ");

			types[ncols] = p[0];
			k += (size_t)snprintf(sql + k, sizeof(sql) - k, "%s%.*s", ncols ? ", " : "",
					      (int)l - 2, p + 2);
			ncols++;
			p += l + (p[l] == ' ');
		}
		snprintf(sql + k, sizeof(sql) - k, " FROM %s ORDER BY 1", name);
		assert_int_equal(db->drv->prepare(db->conn, sql, &h), 0);
		n += (size_t)snprintf(out + n, sz - n, "%s:\n", name);
		while (db->drv->step(db->conn, h) == 1) {
			for (int c = 0; c < ncols; c++) {
				size_t len;

				if (db->drv->col_null(h, c)) {
					n += (size_t)snprintf(out + n, sz - n, " NULL");
				} else if (types[c] == 'i') {
					n += (size_t)snprintf(out + n, sz - n, " %lld",
							      (long long)db->drv->col_i64(h, c));
				} else if (types[c] == 't') {
					n += (size_t)snprintf(out + n, sz - n, " '%s'",
							      db->drv->col_text(h, c, &len));
				} else {
					const uint8_t *b = db->drv->col_blob(h, c, &len);

					n += (size_t)snprintf(out + n, sz - n, " x");
					for (size_t j = 0; j < len; j++)
						n += (size_t)snprintf(out + n, sz - n, "%02x", b[j]);
				}
			}
			n += (size_t)snprintf(out + n, sz - n, "\n");
		}
		db->drv->finalize(h);
	}
}

/* A row in every table, NULLs where allowed, a 32-octet TUAK K, an SQN
 * near 2^48, out_queue identifiers above 2^31, a fault rule id gap. */
static const char *const source_rows =
	"BEGIN;"
	"INSERT INTO subscriber (id, imsi, impi, algo, k, op, opc, amf, res_len, password, "
	"auth_scheme) VALUES (3, '001010000000003', 'three@x', 'milenage', "
	"x'465b5ce8b199b49faa5f0a2ee238a6bc', x'cdc202d5123e20f62b6d676ac72cb318', "
	"x'cd63cb71954a9f4e48a5994e37a02baf', x'b9b9', 8, 'sesame', 'Digest-AKAv1-MD5');"
	"INSERT INTO subscriber (id, imsi, impi, algo, k, opc, res_len, mac_len, ck_len, "
	"ik_len, iterations) VALUES (9, '001010000000009', 'nine@x', 'tuak', "
	"x'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', "
	"x'202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f', 32, 8, 32, 16, "
	"2);"
	"INSERT INTO subscriber_sqn (subscriber_id, sqn) VALUES (3, 281474976710000), (9, 33);"
	"INSERT INTO impu (id, subscriber_id, uri, barred, irs, ifc_xml) VALUES "
	"(5, 3, 'sip:three@x', 0, 1, '<InitialFilterCriteria><Priority>0</Priority>"
	"</InitialFilterCriteria>'), (6, 3, 'tel:+15550003', 1, 2, NULL), "
	"(7, 9, 'sip:nine@x', 0, 1, NULL);"
	"INSERT INTO registration (impu_id, state, scscf_name, updated, scscf_host, scscf_realm) "
	"VALUES (5, 1, 'sip:scscf.x:6060', 1700000000, 'scscf.x', 'x'), (7, 2, NULL, 0, NULL, "
	"NULL);"
	"INSERT INTO apn (id, name, pdn_type, qci, ambr_ul, ambr_dl) VALUES (2, 'internet', 2, 8, "
	"4294967295, 1000), (4, 'ims', 0, 5, 0, 0);"
	"INSERT INTO subscriber_apn (subscriber_id, apn_id, context_id, is_default, static_ip) "
	"VALUES (3, 2, 1, 1, '10.0.0.3'), (3, 4, 2, 0, NULL);"
	"INSERT INTO eps_subscription (subscriber_id, msisdn, mme_host, mme_realm, purged, "
	"updated) VALUES (3, '15550003', 'mme.x', 'epc.x', 1, 1700000001);"
	"INSERT INTO charging_info (subscriber_id, ecf_primary, ccf_secondary) VALUES "
	"(3, 'aaa://ecf.x', 'aaa://ccf2.x');"
	"INSERT INTO out_queue (id, kind, user_name, impu, host, realm, code, info, state, "
	"attempts, sends, hbh, e2e, result, created, updated) VALUES (12, 'RTR', 'three@x', "
	"'sip:three@x', 'scscf.x', 'x', 2, 'moved', 'sent', 1, 1, 4294967295, 3000000000, NULL, "
	"1, 2), (13, 'IDR', '001010000000003', NULL, NULL, NULL, 0, NULL, 'queued', 0, 0, NULL, "
	"NULL, NULL, 3, 3);"
	"INSERT INTO fault_rule (id, command, user_glob, every, probability_ppm, max_count, "
	"action, fired, created) VALUES (1, 'MAR', 'three@*', 2, 0, 5, 'result:5012', 4, 10), "
	"(2, 'any', NULL, 0, 500000, 0, 'drop', 0, 11);"
	"DELETE FROM fault_rule WHERE id = 2;"
	"UPDATE fault_version SET version = 7;"
	"COMMIT;";

struct copy {
	char src[256], dst[256];
	struct db *from, *to;
};

static void make_source(struct copy *x)
{
	struct db *db;

	tmpdb_sqlite_path(x->src, sizeof(x->src));
	tmpdb_path(x->dst, sizeof(x->dst));
	assert_int_equal(db_open(x->src, &db), 0);
	db_close(db);
	assert_int_equal(tmpdb_sqlite_exec(x->src, source_rows), SQLITE_OK);
	assert_int_equal(db_open(x->src, &x->from), 0);
	assert_int_equal(db_open(x->dst, &x->to), 0);
}

static void done(struct copy *x)
{
	db_close(x->from);
	db_close(x->to);
	tmpdb_sqlite_remove(x->src);
	tmpdb_remove(x->dst);
}

static void test_copy_exact(void **state)
{
	(void)state;
	static char a[65536], b[65536];
	int64_t rows[DB_COPY_TABLES];
	struct copy x;
	struct db_sub s;
	struct db_fault f = { .command = "SAR", .action = "drop" };

	make_source(&x);
	assert_int_equal(db_copy(x.from, x.to, rows), 0);
	assert_int_equal(rows[0], 2); /* subscriber */
	assert_int_equal(rows[1], 3); /* impu */
	dump(x.from, a, sizeof(a));
	dump(x.to, b, sizeof(b));
	assert_string_equal(b, a);
	assert_non_null(strstr(b, "subscriber_sqn:\n 3 281474976710000\n"));
	/* what the copy means through the store API */
	assert_int_equal(db_sub_by_impi(x.to, "nine@x", &s), 0);
	assert_int_equal(s.id, 9);
	assert_int_equal(s.keys.algo, AKA_ALGO_TUAK);
	assert_int_equal(s.sqn, 33);
	/* a new rule after the copy does not take the deleted rule's id 2 */
	assert_int_equal(db_txn_begin(x.to), 0);
	assert_int_equal(db_fault_add(x.to, &f), 0);
	assert_int_equal(db_txn_commit(x.to), 0);
	assert_int_equal(f.id, 3);
	done(&x);
}

static void test_all_or_nothing(void **state)
{
	(void)state;
	static char a[65536], b[65536];
	int64_t rows[DB_COPY_TABLES];
	struct copy x;

	make_source(&x);
	/* not empty: refused, nothing written */
	assert_int_equal(db_copy(x.from, x.to, rows), 0);
	dump(x.to, a, sizeof(a));
	assert_int_equal(db_copy(x.from, x.to, rows), -ENOTEMPTY);
	assert_non_null(strstr(db_errmsg(x.to), "not empty"));
	dump(x.to, b, sizeof(b));
	assert_string_equal(b, a);
	done(&x);

	/* a row the destination refuses half-way (a registration of an IMPU
	 * that does not exist, written with foreign keys off): nothing stays */
	make_source(&x);
	assert_int_equal(tmpdb_sqlite_exec(x.src, "INSERT INTO registration (impu_id, state, updated) VALUES "
				    "(99, 1, 0)"), SQLITE_OK);
	assert_int_not_equal(db_copy(x.from, x.to, rows), 0);
	dump(x.to, a, sizeof(a));
	assert_non_null(strstr(a, "subscriber:\nimpu:\nregistration:\n"));
	assert_non_null(strstr(a, "fault_version:\n 1 0\n")); /* as a new store has it */
	done(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_every_column),
		cmocka_unit_test(test_copy_exact),
		cmocka_unit_test(test_all_or_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
