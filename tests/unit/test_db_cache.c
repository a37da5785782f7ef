/* The identity cache behind db_ident_auth and db_sub_auth (hss/db_cache.c):
 * it must always answer what the database holds — after this connection's
 * SQN and registration writes, after a rollback, after another
 * connection's commits (as hss-ctl does from another process), for a
 * subscriber with several IMPUs, with more identities than the cache has
 * slots, and by IMSI (AIR) as by IMPU (MAR). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db.h"
#include "db_int.h"
#include "test_db_util.h"
#include "util/hex.h"

/* TS 35.208 test sets 1 and 2 (tests/vectors/milenage.tsv). */
#define SET1_K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OPC "cd63cb71954a9f4e48a5994e37a02baf"
#define SET2_K "0396eb317b6d1c36f19c1c84cd6ffd16"
#define SET2_OPC "53c15671c60a4b731c55b4a441c0bde2"

struct fx {
	char path[256];
	struct db *a, *b; /* b plays hss-ctl: another connection to the file */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	tmpdb_path(f->path, sizeof(f->path));
	assert_int_equal(db_open(f->path, &f->a), 0);
	assert_int_equal(db_open(f->path, &f->b), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->a);
	db_close(f->b);
	tmpdb_remove(f->path);
	free(f);
	return 0;
}

static int64_t add_sub(struct db *db, const char *imsi, const char *k, const char *opc,
		       uint64_t sqn)
{
	struct db_sub s = {0};

	snprintf(s.imsi, sizeof(s.imsi), "%s", imsi);
	snprintf(s.impi, sizeof(s.impi), "%s@cache.test", imsi);
	assert_int_equal(hex_decode_exact(k, s.keys.k, AKA_K_LEN), 0);
	assert_int_equal(hex_decode_exact(opc, s.keys.opc, AKA_OP_LEN), 0);
	s.amf[0] = 0x80;
	s.sqn = sqn;
	assert_int_equal(db_sub_add(db, &s), 0);
	return s.id;
}

static int64_t add_impu(struct db *db, int64_t sub, const char *uri)
{
	int64_t id = 0;

	assert_int_equal(db_impu_add(db, sub, uri, false, 1, NULL, &id), 0);
	return id;
}

static void assert_hex(const uint8_t *b, size_t n, const char *want)
{
	char h[65];

	hex_encode(b, n, h);
	assert_string_equal(h, want);
}

/* The cached answer equals the full lookup, field by field. */
static void test_same_as_full_lookup(void **state)
{
	struct fx *f = *state;
	struct db_sub s1, s2;
	struct db_impu u1, u2;
	int64_t sub = add_sub(f->a, "001010000000001", SET1_K, SET1_OPC, 0x20);
	int64_t impu = add_impu(f->a, sub, "sip:one@cache.test");

	assert_int_equal(db_reg_set(f->a, impu, DB_REG_REGISTERED, "sip:scscf.test", "scscf.test",
				    "test"), 0);
	for (int round = 0; round < 2; round++) { /* miss, then hit */
		assert_int_equal(db_ident_auth(f->a, "sip:one@cache.test", &s1, &u1), 0);
		assert_int_equal(db_ident_by_impu(f->a, "sip:one@cache.test", &s2, &u2), 0);
		assert_int_equal(s1.id, s2.id);
		assert_string_equal(s1.impi, "001010000000001@cache.test");
		assert_hex(s1.keys.k, AKA_K_LEN, SET1_K);
		assert_hex(s1.keys.opc, AKA_OP_LEN, SET1_OPC);
		assert_int_equal(s1.keys.algo, s2.keys.algo);
		assert_int_equal(s1.keys.res_len, 8);
		assert_hex(s1.amf, AKA_AMF_LEN, "8000");
		assert_int_equal(s1.sqn, 0x20);
		assert_false(s1.has_password);
		assert_string_equal(s1.auth_scheme, "Digest-AKAv1-MD5");
		assert_int_equal(u1.id, impu);
		assert_int_equal(u1.sub_id, sub);
		assert_string_equal(u1.uri, "sip:one@cache.test");
		assert_int_equal(u1.state, DB_REG_REGISTERED);
		assert_string_equal(u1.scscf_name, "sip:scscf.test");
		assert_string_equal(u1.scscf_host, "scscf.test");
	}
	assert_int_equal(db_ident_auth(f->a, "sip:nobody@cache.test", &s1, &u1), -ENOENT);
}

/* Own writes: SQN and registration show at once; a rollback undoes both. */
static void test_own_writes_and_rollback(void **state)
{
	struct fx *f = *state;
	struct db_sub s;
	struct db_impu u;
	int64_t sub = add_sub(f->a, "001010000000002", SET1_K, SET1_OPC, 100);
	int64_t impu = add_impu(f->a, sub, "sip:two@cache.test");

	assert_int_equal(db_ident_auth(f->a, "sip:two@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 100);
	assert_int_equal(db_txn_begin(f->a), 0);
	assert_int_equal(db_sub_set_sqn(f->a, sub, 133), 0);
	assert_int_equal(db_reg_set(f->a, impu, DB_REG_UNREGISTERED, "sip:s2.test", "s2.test",
				    "test"), 0);
	assert_int_equal(db_ident_auth(f->a, "sip:two@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 133);
	assert_int_equal(u.state, DB_REG_UNREGISTERED);
	assert_string_equal(u.scscf_name, "sip:s2.test");
	assert_int_equal(db_txn_rollback(f->a), 0);
	assert_int_equal(db_ident_auth(f->a, "sip:two@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 100);
	assert_int_equal(u.state, DB_REG_NOT_REGISTERED);
	assert_string_equal(u.scscf_name, "");
	/* committed writes stay */
	assert_int_equal(db_txn_begin(f->a), 0);
	assert_int_equal(db_sub_set_sqn(f->a, sub, 165), 0);
	assert_int_equal(db_txn_commit(f->a), 0);
	assert_int_equal(db_ident_auth(f->a, "sip:two@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 165);
}

/* A rollback that does not pass through db_txn_rollback (SQLite rolls a
 * transaction back by itself after some errors) still drops the SQN the
 * transaction wrote. */
static void test_rollback_behind_the_store(void **state)
{
	struct fx *f = *state;
	struct db_sub s;
	struct db_impu u;
	int64_t sub = add_sub(f->a, "001010000000005", SET1_K, SET1_OPC, 300);

	add_impu(f->a, sub, "sip:five@cache.test");
	assert_int_equal(db_txn_begin(f->a), 0);
	assert_int_equal(db_ident_auth(f->a, "sip:five@cache.test", &s, &u), 0);
	assert_int_equal(db_sub_set_sqn(f->a, sub, 332), 0);
	assert_int_equal(f->a->drv->rollback(f->a->conn), 0); /* under the store's feet */
	assert_int_equal(db_ident_auth(f->a, "sip:five@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 300);
}

/* The store's change counter as a sees it. */
static int64_t version(struct db *a)
{
	int64_t v = 0;

	assert_int_equal(db_data_version(a, &v), 0);
	return v;
}

/* On PostgreSQL another session's change reaches a's cache through a
 * notification, which may still be on its way: wait for it (2 s at most).
 * SQLite's counter is exact at once. */
static void settle(struct db *a, int64_t before)
{
	for (int i = 0; tmpdb_pg() && i < 200 && version(a) == before; i++)
		usleep(10000);
}

/* Another connection's commits (hss-ctl set-sqn, delete, re-provision)
 * are seen at the next lookup, inside a transaction and outside one. */
static void test_other_connection(void **state)
{
	struct fx *f = *state;
	struct db_sub s;
	struct db_impu u;
	int64_t sub = add_sub(f->b, "001010000000003", SET1_K, SET1_OPC, 7), v;

	add_impu(f->b, sub, "sip:three@cache.test");
	assert_int_equal(db_ident_auth(f->a, "sip:three@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 7);
	v = version(f->a);
	assert_int_equal(db_sub_set_sqn(f->b, sub, 0x1000), 0); /* autocommit */
	settle(f->a, v);
	assert_int_equal(db_ident_auth(f->a, "sip:three@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 0x1000);

	v = version(f->a);
	assert_int_equal(db_sub_set_sqn(f->b, sub, 0x2000), 0);
	settle(f->a, v);
	assert_int_equal(db_txn_begin(f->a), 0); /* as hssd's loop turn */
	assert_int_equal(db_ident_auth(f->a, "sip:three@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 0x2000);
	assert_int_equal(db_sub_set_sqn(f->a, sub, 0x2021), 0);
	assert_int_equal(db_txn_commit(f->a), 0);

	/* b deletes the subscriber and provisions the IMPU with other keys */
	v = version(f->a);
	assert_int_equal(db_sub_del(f->b, sub), 0);
	settle(f->a, v);
	assert_int_equal(db_ident_auth(f->a, "sip:three@cache.test", &s, &u), -ENOENT);
	v = version(f->a);
	sub = add_sub(f->b, "001010000000033", SET2_K, SET2_OPC, 0);
	add_impu(f->b, sub, "sip:three@cache.test");
	settle(f->a, v);
	assert_int_equal(db_txn_begin(f->a), 0);
	assert_int_equal(db_ident_auth(f->a, "sip:three@cache.test", &s, &u), 0);
	assert_int_equal(db_txn_commit(f->a), 0);
	assert_int_equal(s.id, sub);
	assert_string_equal(s.impi, "001010000000033@cache.test");
	assert_hex(s.keys.k, AKA_K_LEN, SET2_K);
	assert_hex(s.keys.opc, AKA_OP_LEN, SET2_OPC);
	assert_int_equal(s.sqn, 0);
}

/* Two IMPUs share one SQN_HE: a write through one is seen through the
 * other (a per-IMPU copy of the SQN would hand out an SQN twice). */
static void test_shared_sqn(void **state)
{
	struct fx *f = *state;
	struct db_sub s;
	struct db_impu u;
	int64_t sub = add_sub(f->a, "001010000000004", SET1_K, SET1_OPC, 40);

	add_impu(f->a, sub, "sip:four@cache.test");
	add_impu(f->a, sub, "tel:+4444");
	assert_int_equal(db_ident_auth(f->a, "sip:four@cache.test", &s, &u), 0);
	assert_int_equal(db_ident_auth(f->a, "tel:+4444", &s, &u), 0);
	assert_int_equal(s.sqn, 40);
	assert_int_equal(db_sub_set_sqn(f->a, sub, 73), 0);
	assert_int_equal(db_ident_auth(f->a, "sip:four@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 73);
	assert_int_equal(db_ident_auth(f->a, "tel:+4444", &s, &u), 0);
	assert_int_equal(s.sqn, 73);
}

/* More identities than slots: every answer still right (evictions). */
static void test_more_than_slots(void **state)
{
	struct fx *f = *state;
	enum { N = 20000 };
	struct db_sub s;
	struct db_impu u;
	char imsi[16], uri[64];

	/* The slots are the cache's, above the store API: 120,000 round trips
	 * to PostgreSQL (e2e/store-pg) would test nothing more. */
	if (tmpdb_pg())
		skip();
	assert_int_equal(db_txn_begin(f->a), 0);
	for (int i = 0; i < N; i++) {
		snprintf(imsi, sizeof(imsi), "0010200%08d", i);
		snprintf(uri, sizeof(uri), "sip:%s@cache.test", imsi);
		add_impu(f->a, add_sub(f->a, imsi, SET1_K, SET1_OPC, (uint64_t)i * 32), uri);
	}
	assert_int_equal(db_txn_commit(f->a), 0);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(db_txn_begin(f->a), 0);
		for (int i = 0; i < N; i++) {
			uint64_t want = (uint64_t)i * 32 + (uint64_t)round;

			snprintf(imsi, sizeof(imsi), "0010200%08d", i);
			snprintf(uri, sizeof(uri), "sip:%s@cache.test", imsi);
			assert_int_equal(db_ident_auth(f->a, uri, &s, &u), 0);
			assert_int_equal(s.sqn, want);
			assert_string_equal(u.uri, uri);
			assert_int_equal(strncmp(s.impi, imsi, 15), 0);
			assert_int_equal(db_sub_set_sqn(f->a, s.id, want + 1), 0);
		}
		assert_int_equal(db_txn_commit(f->a), 0);
	}
}

/* AIR's key, the IMSI: the cached answer equals the full row, a MAR and an
 * AIR of one subscriber share its SQN both ways, another connection's
 * set-sqn is seen, and an IMPU written like an IMSI is not taken for it. */
static void test_imsi_key(void **state)
{
	struct fx *f = *state;
	struct db_sub s, full;
	struct db_impu u;
	int64_t sub = add_sub(f->a, "001010000000006", SET2_K, SET2_OPC, 0x60), v;
	int64_t other = add_sub(f->a, "001010000000007", SET1_K, SET1_OPC, 0x70);

	add_impu(f->a, sub, "sip:six@cache.test");
	add_impu(f->a, other, "001010000000006"); /* another subscriber's IMPU */
	assert_int_equal(db_sub_by_imsi(f->a, "001010000000006", &full), 0);
	for (int round = 0; round < 2; round++) { /* miss, then hit */
		assert_int_equal(db_sub_auth(f->a, "001010000000006", &s), 0);
		assert_int_equal(s.id, sub);
		assert_string_equal(s.imsi, "001010000000006");
		assert_string_equal(s.impi, full.impi);
		assert_hex(s.keys.k, AKA_K_LEN, SET2_K);
		assert_hex(s.keys.opc, AKA_OP_LEN, SET2_OPC);
		assert_int_equal(s.keys.algo, full.keys.algo);
		assert_int_equal(s.keys.res_len, full.keys.res_len);
		assert_hex(s.amf, AKA_AMF_LEN, "8000");
		assert_int_equal(s.sqn, 0x60);
		assert_int_equal(s.sqn_read, 0x60);
		assert_false(s.has_password);
		assert_string_equal(s.auth_scheme, full.auth_scheme);
	}
	/* the IMPU spelt like the IMSI belongs to the other subscriber */
	assert_int_equal(db_ident_auth(f->a, "001010000000006", &s, &u), 0);
	assert_int_equal(s.id, other);
	assert_int_equal(db_sub_auth(f->a, "001010000000006", &s), 0);
	assert_int_equal(s.id, sub);
	/* one SQN for both keys, both ways */
	assert_int_equal(db_ident_auth(f->a, "sip:six@cache.test", &s, &u), 0);
	assert_int_equal(db_sub_advance_sqn(f->a, sub, 0x60, 0x81), 0); /* a MAR */
	assert_int_equal(db_sub_auth(f->a, "001010000000006", &s), 0);
	assert_int_equal(s.sqn, 0x81);
	assert_int_equal(db_sub_advance_sqn(f->a, sub, 0x81, 0xa2), 0); /* an AIR */
	assert_int_equal(db_ident_auth(f->a, "sip:six@cache.test", &s, &u), 0);
	assert_int_equal(s.sqn, 0xa2);
	/* another connection's set-sqn and delete */
	v = version(f->a);
	assert_int_equal(db_sub_set_sqn(f->b, sub, 0x4000), 0);
	settle(f->a, v);
	assert_int_equal(db_sub_auth(f->a, "001010000000006", &s), 0);
	assert_int_equal(s.sqn, 0x4000);
	v = version(f->a);
	assert_int_equal(db_sub_del(f->b, sub), 0);
	settle(f->a, v);
	assert_int_equal(db_sub_auth(f->a, "001010000000006", &s), -ENOENT);
	assert_int_equal(db_sub_auth(f->a, "0010100000000061", &s), -ENOENT); /* too long */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_as_full_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_writes_and_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_behind_the_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_sqn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_more_than_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_imsi_key, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
