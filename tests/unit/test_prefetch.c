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
#include "auc.h"
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
	prefetch_done(&pf, f->db);
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
	prefetch_done(&pf, f->db);
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
	prefetch_done(&pf, f->db);
	behind(f->db, "UPDATE subscriber SET impi = 'changed' || id WHERE id > %lld", 0);
	for (int i = 0; i < DB_KEYS_MAX; i++) { /* cached (8,192 slots, ids dense) */
		assert_int_equal(db_ident_auth(f->db, uri[i], &s, &u), 0);
		assert_int_equal(s.sqn, (uint64_t)i);
		assert_int_not_equal(strncmp(s.impi, "changed", 7), 0);
	}
	assert_int_equal(db_ident_auth(f->db, uri[N - 1], &s, &u), 0); /* not batched */
	assert_int_equal(strncmp(s.impi, "changed", 7), 0);
}

/* db_auth_missing lists each missing key once, an IMSI apart from a URI
 * spelt the same, and says for every key where in the list it is: with
 * a turn's worth of keys, each asked twice (the keys found by hash). */
static void test_missing_each_once(void **state)
{
	struct hssf *f = *state;
	enum { N = DB_KEYS_MAX / 2 };
	static char text[N][40];
	static struct db_auth_key keys[2 * N], miss[DB_KEYS_MAX];
	static int16_t at[2 * N];
	size_t nmiss;

	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), i % 2 ? "sip:%d@cx.test" : "00101%010d", i / 2);
		keys[i] = (struct db_auth_key){ text[i], !(i % 2) };
		keys[2 * N - 1 - i] = keys[i];
	}
	keys[N - 1] = (struct db_auth_key){ text[0], false }; /* an IMSI's text as a URI */
	assert_int_equal(db_auth_missing(f->db, keys, 2 * N, miss, &nmiss, at), 0);
	assert_int_equal(nmiss, N + 1);
	for (size_t i = 0; i < 2 * N; i++) {
		assert_in_range(at[i], 0, (int)nmiss - 1);
		assert_string_equal(miss[at[i]].key, keys[i].key);
		assert_int_equal(miss[at[i]].by_imsi, keys[i].by_imsi);
	}
	for (size_t i = 0; i < nmiss; i++)
		for (size_t j = 0; j < i; j++)
			assert_false(miss[i].by_imsi == miss[j].by_imsi &&
				     !strcmp(miss[i].key, miss[j].key));
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

/* A subscriber whose id is a's + 8,192 (db_cache.c MC_SLOTS: the same SQN
 * slot as a), with one IMPU uri and SQN 5. */
static int64_t sub_colliding(struct db *db, int64_t a, const char *uri)
{
	char sql[512];
	long long id = (long long)a + 8192;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO subscriber (id, imsi, impi, algo, k, op, opc, amf, res_len, "
		 "auth_scheme) SELECT %lld, '001019999999999', 'collide@cx.test', algo, k, op, opc, "
		 "amf, res_len, auth_scheme FROM subscriber WHERE id = %lld; INSERT INTO "
		 "subscriber_sqn (subscriber_id, sqn) VALUES (%lld, 5); INSERT INTO impu "
		 "(subscriber_id, uri) VALUES (%lld, '%s')", id, (long long)a, id, id, uri);
	assert_int_equal(db->drv->exec(db->conn, sql), 0);
	return id;
}

static int keep_one(void *arg, const char *key, const struct db_auth *a)
{
	(void)key;
	*(struct db_auth *)arg = *a;
	return 0;
}

/* The reader's connection (prefetch.h) does not see this connection's open
 * transaction: a subscriber whose SQN it swapped, and whose SQN slot another
 * subscriber took since, comes back from the reader with the old SQN.
 * db_auth_take refuses that row, so the handler reads the swapped SQN on
 * this connection and continues from it: no SQN is issued twice. Rows of
 * subscribers the transaction did not touch are taken; after any other
 * write (a registration) none is; after the COMMIT all are again. */
static void test_reader_refuses_swapped_sqn(void **state)
{
	struct hssf *f = *state;
	struct db *rd;
	struct db_auth row;
	struct db_sub s, s2;
	struct db_impu u;
	const char *ua[] = { "sip:ra@cx.test" }, *ub[] = { "sip:rb@cx.test" };
	uint64_t sqns[1];
	int64_t ib, a = sub_with_impu(f->db, "001010000000011", "sip:ra@cx.test", 0x100, NULL);
	int64_t b = sub_with_impu(f->db, "001010000000012", "sip:rb@cx.test", 0x200, &ib);

	if (db_open_reader(f->db, &rd) == -ENOTSUP) /* PostgreSQL: no side reader */
		skip();
	assert_non_null(rd);
	sub_colliding(f->db, a, "sip:collide@cx.test");
	/* the cache made before the transaction (one made inside it takes no
	 * row of the reader's until the next BEGIN: it cannot know what the
	 * transaction wrote before) */
	assert_int_equal(db_ident_auth(f->db, "sip:collide@cx.test", &s2, &u), 0);
	assert_int_equal(db_txn_begin(f->db), 0);
	assert_int_equal(db_ident_auth(f->db, "sip:ra@cx.test", &s, &u), 0);
	assert_int_equal(s.sqn, 0x100);
	assert_int_equal(auc_take_sqns(f->db, &s, 1, sqns), 0); /* the MAR's swap */
	assert_true(sqns[0] > 0x100);
	assert_int_equal(db_ident_auth(f->db, "sip:collide@cx.test", &s2, &u), 0); /* A's slot */
	assert_int_equal(s2.sqn, 5);
	/* the reader: the SQN before the swap */
	assert_int_equal(db_auth_by_uris(rd, ua, 1, keep_one, &row), 0);
	assert_int_equal(row.sub_id, a);
	assert_int_equal(row.sqn, 0x100);
	assert_false(db_auth_take(f->db, "sip:ra@cx.test", false, &row));
	explicit_bzero(&row, sizeof(row));
	assert_int_equal(db_ident_auth(f->db, "sip:ra@cx.test", &s, &u), 0);
	assert_int_equal(s.sqn, sqns[0]); /* read on this connection */
	assert_int_equal(auc_take_sqns(f->db, &s, 1, sqns + 0), 0);
	assert_true(s.sqn > 0x100);
	/* untouched by the transaction: taken, and used */
	assert_int_equal(db_auth_by_uris(rd, ub, 1, keep_one, &row), 0);
	behind(f->db, "UPDATE subscriber SET impi = 'changed' WHERE id = %lld", (long long)b);
	assert_true(db_auth_take(f->db, "sip:rb@cx.test", false, &row));
	assert_int_equal(db_ident_auth(f->db, "sip:rb@cx.test", &s2, &u), 0);
	assert_string_equal(s2.impi, "001010000000012@cx.test");
	assert_int_equal(s2.sqn, 0x200);
	/* a registration written: no row of the reader is taken */
	assert_int_equal(db_reg_set(f->db, ib, DB_REG_REGISTERED, SCSCF_NAME, SCSCF_HOST, REALM), 0);
	assert_false(db_auth_take(f->db, "sip:rb@cx.test", false, &row));
	assert_int_equal(db_txn_commit(f->db), 0);
	/* committed: the reader sees the swap, and a new transaction takes it */
	assert_int_equal(db_txn_begin(f->db), 0);
	assert_int_equal(db_auth_by_uris(rd, ua, 1, keep_one, &row), 0);
	assert_int_equal(row.sqn, s.sqn);
	assert_true(db_auth_take(f->db, "sip:ra@cx.test", false, &row));
	assert_int_equal(db_txn_commit(f->db), 0);
	explicit_bzero(&row, sizeof(row));
	db_close(rd);
}

/* A turn of 40 MARs read on both connections (the reader thread from the
 * back, this one from the front as prefetch_ready asks): every identity
 * ends up in the cache as the store holds it, the one whose SQN the open
 * transaction swapped (and lost the slot of) with the swapped SQN, and
 * the next vector continues from it. Several turns, so both threads read. */
static void test_turn_on_two_connections(void **state)
{
	struct hssf *f = *state;
	const struct hss_route *mr = route(cx_routes, DIAM_CMD_MA);
	enum { N = 40 };
	static uint8_t buf[N][512];
	static char uri[N][40];
	struct db_sub s;
	struct db_impu u;
	uint64_t sqns[1], swapped;
	int64_t first = 0;

	assert_int_equal(db_txn_begin(f->db), 0);
	for (int i = 0; i < N; i++) {
		char imsi[16];
		int64_t id;

		snprintf(imsi, sizeof(imsi), "0010300000%05d", i);
		snprintf(uri[i], sizeof(uri[i]), "sip:t%d@cx.test", i);
		id = sub_with_impu(f->db, imsi, uri[i], (uint64_t)(i + 1) * 32, NULL);
		if (!i)
			first = id;
	}
	assert_int_equal(db_txn_commit(f->db), 0);
	sub_colliding(f->db, first, "sip:t-collide@cx.test");
	/* the cache, before BEGIN */
	assert_int_equal(db_ident_auth(f->db, "sip:t-collide@cx.test", &s, &u), 0);
	for (int turn = 0; turn < 20; turn++) {
		uint64_t l0, f0, l1, f1;

		/* the last turn's ROLLBACK emptied the cache */
		assert_int_equal(db_txn_begin(f->db), 0);
		assert_int_equal(db_ident_auth(f->db, uri[0], &s, &u), 0);
		assert_int_equal(auc_take_sqns(f->db, &s, 1, sqns), 0);
		swapped = sqns[0];
		assert_int_equal(db_ident_auth(f->db, "sip:t-collide@cx.test", &s, &u), 0);
		db_auth_cache_counts(f->db, &l0, &f0);
		prefetch_reset(&pf);
		for (int i = 0; i < N; i++)
			add_req(mr, buf[i], mar(buf[i], sizeof(buf[i]), uri[i], "x"));
		assert_int_equal(prefetch_run(&pf, f->db), 0);
		for (int i = 0; i < N; i++) {
			prefetch_ready(&pf, f->db, buf[i]);
			assert_int_equal(db_ident_auth(f->db, uri[i], &s, &u), 0);
			assert_int_equal(s.sqn, i ? (uint64_t)(i + 1) * 32 : swapped);
		}
		prefetch_done(&pf, f->db);
		/* N misses read for the turn; at most the swapped one again (when
		 * the reader read it): every other row of the reader was taken */
		db_auth_cache_counts(f->db, &l1, &f1);
		assert_true(f1 - f0 == N || f1 - f0 == N + 1);
		assert_int_equal(db_ident_auth(f->db, uri[0], &s, &u), 0);
		assert_int_equal(auc_take_sqns(f->db, &s, 1, sqns), 0);
		assert_true(sqns[0] > swapped);
		assert_int_equal(db_txn_rollback(f->db), 0);
	}
	prefetch_free(&pf);
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
		cmocka_unit_test_setup_teardown(test_missing_each_once, setup, hssf_teardown),
		cmocka_unit_test_setup_teardown(test_wanted_while_missing, setup, hssf_teardown),
		cmocka_unit_test_setup_teardown(test_reader_refuses_swapped_sqn, setup, hssf_teardown),
		cmocka_unit_test_setup_teardown(test_turn_on_two_connections, setup, hssf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
