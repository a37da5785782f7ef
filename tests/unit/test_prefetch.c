/* A loop turn's identity-cache keys (hss/prefetch.h) and the cache's batch
 * fill (db.h db_auth_prefetch), without sockets: the key a route declares
 * is the one its handler looks up (MAR: the first Public-Identity; AIR:
 * the User-Name when it is an IMSI); the keys of a turn go to the store
 * in one call and the handlers then find the identities in the cache,
 * exactly as the store holds them; unknown, duplicate and odd keys change
 * nothing; and a row read for the batch never replaces a newer SQN this
 * connection wrote (db_cache.c); the keys are gathered only while the
 * cache misses enough to pay for it. Runs on SQLite, and on PostgreSQL under
 * e2e/store-pg (HSS_TEST_PG). */
#include "test_cx_util.h"

#include "db_int.h"
#include "prefetch.h"
#include "s6a.h"

static struct prefetch pf; /* 64 KiB: not on the stack */

/* The MAR of test_cx_mar.c's shape: IMPU (none when NULL), IMPI, one item. */
static size_t mar(uint8_t *buf, size_t sz, const char *impu, const char *impi)
{
	struct diam_wr w;
	ssize_t n;

	diam_wr_init(&w, buf, sz);
	req_head(&w, DIAM_CMD_MA);
	if (impu)
		diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, impu);
	diam_put_str(&w, AVP_USER_NAME, 0, impi);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, 1);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, "Digest-AKAv1-MD5");
	diam_group_end(&w);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3, SCSCF_NAME);
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static size_t air(uint8_t *buf, size_t sz, const char *user)
{
	static const uint8_t plmn[3] = { 0x00, 0xf1, 0x10 };
	struct diam_wr w;
	ssize_t n;

	diam_wr_init(&w, buf, sz);
	hssf_req_head(&w, DIAM_CMD_AI, DIAM_APP_S6A, "mme.test;1;1", "mme.test", "test");
	diam_put_str(&w, AVP_USER_NAME, 0, user);
	diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
	diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, 1);
	diam_group_end(&w);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, 3);
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static const struct hss_route *route(const struct hss_route *t, uint32_t code)
{
	for (; t->handler; t++)
		if (t->cmd_code == code)
			return t;
	fail();
	return NULL;
}

/* hss_route_key on requests as they come off the wire. */
static void test_route_keys(void **state)
{
	(void)state;
	const struct hss_route *mr = route(cx_routes, DIAM_CMD_MA), *ar = route(s6a_routes, DIAM_CMD_AI);
	const struct hss_route *sr = route(cx_routes, DIAM_CMD_SA);
	uint8_t buf[2048];
	char key[DB_ID_MAX], long_uri[300];
	struct diam_msg m;

	assert_int_equal(mr->key.kind, HSS_KEY_IMPU);
	assert_int_equal(ar->key.kind, HSS_KEY_IMSI);
	assert_int_equal(sr->key.kind, HSS_KEY_NONE);
	assert_int_equal(diam_msg_parse(buf, mar(buf, sizeof(buf), "sip:alice@cx.test",
						 "alice@cx.test"), &m), 0);
	assert_int_equal(hss_route_key(mr, &m, key, sizeof(key)), 0);
	assert_string_equal(key, "sip:alice@cx.test");
	assert_int_equal(hss_route_key(sr, &m, key, sizeof(key)), -ENOENT); /* declares none */
	assert_string_equal(key, "");
	/* no Public-Identity: the handler goes by IMPI, not through the cache */
	assert_int_equal(diam_msg_parse(buf, mar(buf, sizeof(buf), NULL, "alice@cx.test"), &m), 0);
	assert_int_equal(hss_route_key(mr, &m, key, sizeof(key)), -ENOENT);
	/* longer than the store keeps (DB_ID_MAX - 1): never cached */
	memset(long_uri, 'a', sizeof(long_uri) - 1);
	long_uri[sizeof(long_uri) - 1] = '\0';
	assert_int_equal(diam_msg_parse(buf, mar(buf, sizeof(buf), long_uri, "a@cx.test"), &m), 0);
	assert_int_equal(hss_route_key(mr, &m, key, sizeof(key)), -ENOENT);
	/* AIR: the IMSI of User-Name, TS 23.003 §2.2 */
	assert_int_equal(diam_msg_parse(buf, air(buf, sizeof(buf), "001010123456789"), &m), 0);
	assert_int_equal(hss_route_key(ar, &m, key, sizeof(key)), 0);
	assert_string_equal(key, "001010123456789");
	assert_int_equal(diam_msg_parse(buf, air(buf, sizeof(buf), "0010101234567890"), &m), 0);
	assert_int_equal(hss_route_key(ar, &m, key, sizeof(key)), -ENOENT); /* 16 digits */
	assert_int_equal(diam_msg_parse(buf, air(buf, sizeof(buf), "00101a"), &m), 0);
	assert_int_equal(hss_route_key(ar, &m, key, sizeof(key)), -ENOENT);
}

/* A set 1 subscriber with one IMPU; *impu_id (may be NULL) its IMPU's row. */
static int64_t sub_with_impu(struct db *db, const char *imsi, const char *impu, uint64_t sqn,
			     int64_t *impu_id)
{
	struct db_sub s;
	char impi[64];

	snprintf(impi, sizeof(impi), "%s@cx.test", imsi);
	hssf_sub_init(&s, imsi, impi);
	s.amf[0] = 0x80;
	s.sqn = sqn;
	assert_int_equal(db_sub_add(db, &s), 0);
	assert_int_equal(db_impu_add(db, s.id, impu, false, 1, NULL, impu_id), 0);
	return s.id;
}

/* Changes the store behind the cache's back: on this connection (no other
 * connection's commit to notice) and without the store's hooks. */
static void behind(struct db *db, const char *fmt, long long id)
{
	char sql[256];

	snprintf(sql, sizeof(sql), fmt, id);
	assert_int_equal(db->drv->exec(db->conn, sql), 0);
}

static void add_req(const struct hss_route *r, const uint8_t *buf, size_t len)
{
	struct diam_msg m;

	assert_int_equal(diam_msg_parse(buf, len, &m), 0);
	prefetch_add(&pf, r, &m);
}

/* A turn of MARs and AIRs: one batch fills the cache, the handlers' own
 * lookups are then answered from it (the store changed behind it shows
 * they are), field for field what the store held. */
static void test_batch_fills_cache(void **state)
{
	struct hssf *f = *state;
	const struct hss_route *mr = route(cx_routes, DIAM_CMD_MA), *ar = route(s6a_routes, DIAM_CMD_AI);
	struct db_sub s, full;
	struct db_impu u, fu;
	uint8_t buf[2048];
	int64_t ia, a = sub_with_impu(f->db, "001010000000001", "sip:a@cx.test", 0x41, &ia);
	int64_t b = sub_with_impu(f->db, "001010000000002", "sip:\"b\\q\"@cx.test", 0x42, NULL);

	assert_int_equal(db_reg_set(f->db, ia, DB_REG_REGISTERED, SCSCF_NAME, SCSCF_HOST, REALM), 0);
	prefetch_reset(&pf);
	add_req(mr, buf, mar(buf, sizeof(buf), "sip:a@cx.test", "001010000000001@cx.test"));
	add_req(mr, buf, mar(buf, sizeof(buf), "sip:a@cx.test", "001010000000001@cx.test"));
	add_req(mr, buf, mar(buf, sizeof(buf), "sip:\"b\\q\"@cx.test", "x")); /* JSON escapes */
	add_req(mr, buf, mar(buf, sizeof(buf), "sip:nobody@cx.test", "x"));  /* unknown */
	add_req(mr, buf, mar(buf, sizeof(buf), "sip:tab\there@cx.test", "x")); /* not printable */
	add_req(mr, buf, mar(buf, sizeof(buf), NULL, "x"));                    /* no key */
	add_req(ar, buf, air(buf, sizeof(buf), "001010000000002"));
	assert_int_equal(pf.n, 6);
	assert_string_equal(pf.keys[2].key, "sip:\"b\\q\"@cx.test");
	assert_false(pf.keys[2].by_imsi);
	assert_true(pf.keys[5].by_imsi);
	assert_int_equal(db_ident_by_impu(f->db, "sip:a@cx.test", &full, &fu), 0);
	assert_int_equal(prefetch_run(&pf, f->db), 0);
	/* behind the cache: what a lookup of the store would now see */
	behind(f->db, "UPDATE subscriber SET impi = 'changed' || id WHERE id >= %lld", (long long)a);
	assert_int_equal(db_ident_auth(f->db, "sip:a@cx.test", &s, &u), 0);
	assert_int_equal(s.id, a);
	assert_string_equal(s.impi, "001010000000001@cx.test"); /* from the batch */
	assert_memory_equal(s.keys.k, full.keys.k, AKA_K_LEN);
	assert_memory_equal(s.keys.opc, full.keys.opc, AKA_OP_LEN);
	assert_int_equal(s.keys.res_len, 8);
	assert_int_equal(s.amf[0], 0x80);
	assert_int_equal(s.sqn, 0x41);
	assert_string_equal(s.auth_scheme, "Digest-AKAv1-MD5");
	assert_int_equal(u.id, fu.id);
	assert_int_equal(u.state, DB_REG_REGISTERED);
	assert_string_equal(u.scscf_name, SCSCF_NAME);
	assert_string_equal(u.scscf_host, SCSCF_HOST);
	assert_int_equal(db_ident_auth(f->db, "sip:\"b\\q\"@cx.test", &s, &u), 0);
	assert_int_equal(s.id, b);
	assert_string_equal(s.impi, "001010000000002@cx.test");
	assert_int_equal(s.sqn, 0x42);
	assert_int_equal(u.state, DB_REG_NOT_REGISTERED);
	assert_int_equal(db_sub_auth(f->db, "001010000000002", &s), 0);
	assert_string_equal(s.impi, "001010000000002@cx.test");
	assert_string_equal(s.imsi, "001010000000002");
	assert_int_equal(db_ident_auth(f->db, "sip:nobody@cx.test", &s, &u), -ENOENT);
	/* not batched: its handler's own lookup reads the store */
	assert_int_equal(db_sub_auth(f->db, "001010000000001", &s), 0);
	assert_int_equal(strncmp(s.impi, "changed", 7), 0);
}

/* The batch reads a subscriber's SQN older than the one this connection
 * wrote (as PostgreSQL's read connection does while that commit is on its
 * way): the cache keeps the newer one for every key of the subscriber. */
static void test_batch_keeps_newer_sqn(void **state)
{
	struct hssf *f = *state;
	const struct hss_route *ar = route(s6a_routes, DIAM_CMD_AI);
	uint8_t buf[2048];
	struct db_sub s;
	struct db_impu u;
	int64_t a = sub_with_impu(f->db, "001010000000003", "sip:c@cx.test", 0x100, NULL);

	assert_int_equal(db_txn_begin(f->db), 0);
	assert_int_equal(db_ident_auth(f->db, "sip:c@cx.test", &s, &u), 0);
	assert_int_equal(s.sqn, 0x100);
	assert_int_equal(db_sub_advance_sqn(f->db, a, 0x100, 0x121), 0);
	behind(f->db, "UPDATE subscriber_sqn SET sqn = 256 WHERE subscriber_id = %lld", a); /* 0x100 */
	prefetch_reset(&pf);
	add_req(ar, buf, air(buf, sizeof(buf), "001010000000003"));
	assert_int_equal(prefetch_run(&pf, f->db), 0);
	assert_int_equal(db_sub_auth(f->db, "001010000000003", &s), 0);
	assert_int_equal(s.sqn, 0x121);
	assert_int_equal(s.sqn_read, 0x121);
	assert_int_equal(db_ident_auth(f->db, "sip:c@cx.test", &s, &u), 0);
	assert_int_equal(s.sqn, 0x121);
	assert_int_equal(db_txn_rollback(f->db), 0);
	/* the rollback dropped it all: the store's value again */
	assert_int_equal(db_sub_auth(f->db, "001010000000003", &s), 0);
	assert_int_equal(s.sqn, 0x100);
}

struct seen {
	int rows;
	bool ok;
};

/* db_auth_fn: every row is its key's subscriber (sqn = the number in the URI). */
static int count_row(void *arg, const char *key, const struct db_auth *a)
{
	struct seen *x = arg;
	int i = -1;

	sscanf(key, "sip:%d@", &i);
	x->rows++;
	x->ok = x->ok && i >= 0 && a->sqn == (uint64_t)i && a->impu_id > 0;
	return 0;
}

/* A turn takes DB_KEYS_MAX keys (the rest: their handlers' lookups); the
 * store call takes any number, DB_KEYS_MAX per statement. */
static void test_batch_more_than_max(void **state)
{
	struct hssf *f = *state;
	const struct hss_route *mr = route(cx_routes, DIAM_CMD_MA);
	enum { N = DB_KEYS_MAX + 40 };
	static char uri[N][40];
	const char *uris[N + 1];
	struct seen x = { 0, true };
	uint8_t buf[2048];
	struct db_sub s;
	struct db_impu u;

	assert_int_equal(db_txn_begin(f->db), 0);
	for (int i = 0; i < N; i++) {
		char imsi[16];

		snprintf(imsi, sizeof(imsi), "0010100000%05d", i);
		snprintf(uri[i], sizeof(uri[i]), "sip:%d@cx.test", i);
		sub_with_impu(f->db, imsi, uri[i], (uint64_t)i, NULL);
		uris[i] = uri[i];
	}
	assert_int_equal(db_txn_commit(f->db), 0);
	uris[N] = "sip:nobody@cx.test";
	assert_int_equal(db_auth_by_uris(f->db, uris, N + 1, count_row, &x), 0);
	assert_int_equal(x.rows, N);
	assert_true(x.ok);
	prefetch_reset(&pf);
	for (int i = 0; i < N; i++)
		add_req(mr, buf, mar(buf, sizeof(buf), uri[i], "x"));
	assert_int_equal(pf.n, DB_KEYS_MAX);
	assert_int_equal(prefetch_run(&pf, f->db), 0);
	behind(f->db, "UPDATE subscriber SET impi = 'changed' || id WHERE id > %lld", 0);
	for (int i = 0; i < DB_KEYS_MAX; i++) { /* cached (8,192 slots, ids dense) */
		assert_int_equal(db_ident_auth(f->db, uri[i], &s, &u), 0);
		assert_int_equal(s.sqn, (uint64_t)i);
		assert_int_not_equal(strncmp(s.impi, "changed", 7), 0);
	}
	assert_int_equal(db_ident_auth(f->db, uri[N - 1], &s, &u), 0); /* not batched */
	assert_int_equal(strncmp(s.impi, "changed", 7), 0);
}

/* The gathering pays only while the cache misses: at least 2 and an
 * eighth of the lookups since the last turn (prefetch_wanted). */
static void test_wanted_while_missing(void **state)
{
	struct hssf *f = *state;
	struct db_sub s;
	struct db_impu u;
	char uri[16][40];

	memset(&pf, 0, sizeof(pf));
	assert_true(prefetch_wanted(&pf, f->db)); /* a fresh cache: yes */
	assert_int_equal(db_txn_begin(f->db), 0);
	for (int i = 0; i < 16; i++) {
		char imsi[16];

		snprintf(imsi, sizeof(imsi), "0010200000%05d", i);
		snprintf(uri[i], sizeof(uri[i]), "sip:w%d@cx.test", i);
		sub_with_impu(f->db, imsi, uri[i], 1, NULL);
	}
	assert_int_equal(db_txn_commit(f->db), 0);
	for (int i = 0; i < 16; i++) /* 16 lookups, 16 misses */
		assert_int_equal(db_ident_auth(f->db, uri[i], &s, &u), 0);
	assert_true(prefetch_wanted(&pf, f->db));
	assert_true(prefetch_wanted(&pf, f->db)); /* no lookup since: as before */
	for (int r = 0; r < 4; r++) /* 64 lookups, all hits */
		for (int i = 0; i < 16; i++)
			assert_int_equal(db_ident_auth(f->db, uri[i], &s, &u), 0);
	assert_false(prefetch_wanted(&pf, f->db));
	/* one miss in 16 lookups: still not worth it (fewer than 2) */
	assert_int_equal(db_ident_auth(f->db, "sip:nobody@cx.test", &s, &u), -ENOENT);
	for (int i = 0; i < 15; i++)
		assert_int_equal(db_ident_auth(f->db, uri[i], &s, &u), 0);
	assert_false(prefetch_wanted(&pf, f->db));
	/* 2 misses in 16: an eighth */
	assert_int_equal(db_ident_auth(f->db, "sip:nobody@cx.test", &s, &u), -ENOENT);
	assert_int_equal(db_ident_auth(f->db, "sip:nobody2@cx.test", &s, &u), -ENOENT);
	for (int i = 0; i < 14; i++)
		assert_int_equal(db_ident_auth(f->db, uri[i], &s, &u), 0);
	assert_true(prefetch_wanted(&pf, f->db));
}

static int setup(void **state)
{
	*state = hssf_open(HSS_HOST, REALM, SCSCF_HOST, 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_keys),
		cmocka_unit_test_setup_teardown(test_batch_fills_cache, setup, hssf_teardown),
		cmocka_unit_test_setup_teardown(test_batch_keeps_newer_sqn, setup, hssf_teardown),
		cmocka_unit_test_setup_teardown(test_batch_more_than_max, setup, hssf_teardown),
		cmocka_unit_test_setup_teardown(test_wanted_while_missing, setup, hssf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
