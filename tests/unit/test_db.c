/* Store unit tests (hss/db.c) over temporary database files. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db.h"
#include "db_int.h"
#include "test_db_util.h"
#include "util/hex.h"

/* TS 35.208 test set 1 (tests/vectors/milenage.tsv). */
#define SET1_K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OP "cdc202d5123e20f62b6d676ac72cb318"
#define SET1_OPC "cd63cb71954a9f4e48a5994e37a02baf"

struct fx {
	char path[256];
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	tmpdb_path(f->path, sizeof(f->path));
	assert_int_equal(db_open(f->path, &f->db), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	tmpdb_remove(f->path);
	free(f);
	return 0;
}

static void make_sub(struct db_sub *s, const char *imsi, const char *impi)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->imsi, sizeof(s->imsi), "%s", imsi);
	snprintf(s->impi, sizeof(s->impi), "%s", impi);
	s->keys.algo = AKA_ALGO_MILENAGE;
	assert_int_equal(hex_decode_exact(SET1_K, s->keys.k, 16), 0);
	assert_int_equal(hex_decode_exact(SET1_OP, s->op, 16), 0);
	s->has_op = true;
	s->amf[0] = 0x80;
	s->sqn = 0x20;
}

static void test_add_and_read_back(void **state)
{
	struct fx *f = *state;
	struct db_sub s, r;
	uint8_t opc[16];

	make_sub(&s, "001010000000001", "001010000000001@ims.example");
	s.has_password = true;
	snprintf(s.password, sizeof(s.password), "secret");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_true(s.id > 0);

	assert_int_equal(db_sub_by_impi(f->db, "001010000000001@ims.example", &r), 0);
	assert_int_equal(r.id, s.id);
	assert_string_equal(r.imsi, "001010000000001");
	/* OPc derived from OP at add time and cached (TS 35.208 set 1). */
	assert_int_equal(hex_decode_exact(SET1_OPC, opc, 16), 0);
	assert_memory_equal(r.keys.opc, opc, 16);
	assert_true(r.has_op);
	assert_memory_equal(r.op, s.op, 16);
	assert_memory_equal(r.keys.k, s.keys.k, 16);
	assert_int_equal(r.amf[0], 0x80);
	assert_int_equal(r.sqn, 0x20);
	assert_int_equal(r.keys.res_len, 8);
	assert_true(r.has_password);
	assert_string_equal(r.password, "secret");
	assert_string_equal(r.auth_scheme, "Digest-AKAv1-MD5");

	assert_int_equal(db_sub_lookup(f->db, "001010000000001", &r), 0);
	assert_int_equal(r.id, s.id);
	assert_int_equal(db_sub_lookup(f->db, "nobody@x", &r), -ENOENT);
	assert_int_equal(db_sub_by_imsi(f->db, "999", &r), -ENOENT);
}

static void test_opc_given_keeps_no_op(void **state)
{
	struct fx *f = *state;
	struct db_sub s, r;

	make_sub(&s, "001010000000002", "two@ims.example");
	s.has_op = false;
	assert_int_equal(hex_decode_exact(SET1_OPC, s.keys.opc, 16), 0);
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_sub_by_id(f->db, s.id, &r), 0);
	assert_false(r.has_op);
	assert_memory_equal(r.keys.opc, s.keys.opc, 16);
	assert_false(r.has_password);
}

static void test_duplicates(void **state)
{
	struct fx *f = *state;
	struct db_sub s, t;
	int64_t id;

	make_sub(&s, "001010000000001", "one@ims.example");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	make_sub(&t, "001010000000001", "other@ims.example");
	assert_int_equal(db_sub_add(f->db, &t), -EEXIST);
	make_sub(&t, "001010000000009", "one@ims.example");
	assert_int_equal(db_sub_add(f->db, &t), -EEXIST);

	assert_int_equal(db_impu_add(f->db, s.id, "sip:one@ims.example", false, 1, NULL, &id), 0);
	assert_int_equal(db_impu_add(f->db, s.id, "sip:one@ims.example", false, 1, NULL, &id),
			 -EEXIST);
}

static void test_sqn(void **state)
{
	struct fx *f = *state;
	struct db_sub s, r;

	make_sub(&s, "001010000000001", "one@ims.example");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_sub_set_sqn(f->db, s.id, AKA_SQN_MAX), 0);
	assert_int_equal(db_sub_by_id(f->db, s.id, &r), 0);
	assert_int_equal(r.sqn, AKA_SQN_MAX);
	assert_int_equal(db_sub_set_sqn(f->db, s.id, AKA_SQN_MAX + 1), -EINVAL);
	assert_int_equal(db_sub_set_sqn(f->db, s.id + 100, 1), -ENOENT);
}

struct impu_list {
	int n;
	char uris[4][DB_ID_MAX];
	char ifc[4][64];
};

static int collect(void *arg, const struct db_impu *u)
{
	struct impu_list *l = arg;

	snprintf(l->uris[l->n], DB_ID_MAX, "%s", u->uri);
	snprintf(l->ifc[l->n], 64, "%s", u->ifc_xml ? u->ifc_xml : "");
	l->n++;
	return 0;
}

static void test_impus_and_registration(void **state)
{
	struct fx *f = *state;
	struct db_sub s;
	struct db_impu u;
	struct impu_list l = {0};
	int64_t id1, id2;

	make_sub(&s, "001010000000001", "one@ims.example");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_impu_add(f->db, s.id, "sip:one@ims.example", false, 1, NULL, &id1), 0);
	assert_int_equal(db_impu_add(f->db, s.id, "tel:+15550000001", true, 2, "<x/>", &id2), 0);
	assert_int_equal(db_impu_foreach(f->db, s.id, collect, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.uris[0], "sip:one@ims.example");
	assert_string_equal(l.uris[1], "tel:+15550000001");
	assert_string_equal(l.ifc[1], "<x/>");

	assert_int_equal(db_impu_by_uri(f->db, "tel:+15550000001", &u), 0);
	assert_int_equal(u.sub_id, s.id);
	assert_true(u.barred);
	assert_int_equal(u.irs, 2);
	assert_int_equal(u.state, DB_REG_NOT_REGISTERED);
	assert_string_equal(u.scscf_name, "");

	assert_int_equal(db_reg_set(f->db, id1, DB_REG_REGISTERED, "sip:scscf.example:6060",
				    "scscf.example", "example"), 0);
	assert_int_equal(db_impu_by_uri(f->db, "sip:one@ims.example", &u), 0);
	assert_int_equal(u.state, DB_REG_REGISTERED);
	assert_string_equal(u.scscf_name, "sip:scscf.example:6060");
	assert_string_equal(u.scscf_host, "scscf.example");
	assert_string_equal(u.scscf_realm, "example");
	/* Update in place (upsert), clearing the name. */
	assert_int_equal(db_reg_set(f->db, id1, DB_REG_NOT_REGISTERED, NULL, NULL, NULL), 0);
	assert_int_equal(db_impu_by_uri(f->db, "sip:one@ims.example", &u), 0);
	assert_int_equal(u.state, DB_REG_NOT_REGISTERED);
	assert_string_equal(u.scscf_name, "");

	/* Deleting the subscriber removes its IMPUs and registrations. */
	assert_int_equal(db_sub_del(f->db, s.id), 0);
	assert_int_equal(db_impu_by_uri(f->db, "sip:one@ims.example", &u), -ENOENT);
	assert_int_equal(db_sub_del(f->db, s.id), -ENOENT);
}

static void test_out_queue(void **state)
{
	struct fx *f = *state;
	struct db_out r, a = { .kind = "RTR", .user = "one@ims.example", .info = "bye" },
		      b = { .kind = "CLR", .user = "001010000000001", .impu = "sip:two@x",
			    .host = "mme.example", .realm = "epc.example", .code = 3 };

	assert_int_equal(db_out_next_queued(f->db, 0, &r), -ENOENT);
	assert_int_equal(db_out_add(f->db, &a), 0);
	assert_int_equal(db_out_add(f->db, &b), 0);
	assert_int_equal(db_out_next_queued(f->db, 0, &r), 0);
	assert_int_equal(r.id, a.id);
	assert_string_equal(r.kind, "RTR");
	assert_string_equal(r.impu, "");
	assert_string_equal(r.host, "");
	assert_string_equal(r.info, "bye");
	assert_int_equal(db_out_retry(f->db, a.id), 0);
	assert_int_equal(db_out_mark_sent(f->db, a.id, "scscf.example", "ims.example", 0x11,
					  0x22), 0);
	assert_int_equal(db_out_next_queued(f->db, 0, &r), 0);
	assert_int_equal(r.id, b.id);
	assert_string_equal(r.kind, "CLR");
	assert_string_equal(r.host, "mme.example");
	assert_string_equal(r.realm, "epc.example");
	assert_int_equal(r.code, 3);
	assert_int_equal(db_out_next_queued(f->db, b.id, &r), -ENOENT);

	assert_int_equal(db_out_by_ids(f->db, 0x11, 0x22, &r), 0);
	assert_int_equal(r.id, a.id);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(r.sends, 1);
	assert_string_equal(r.host, "scscf.example");
	assert_string_equal(r.state, "sent");
	/* unanswered: sent at or before a time */
	assert_int_equal(db_out_next_unanswered(f->db, r.updated - 1, 0, &r), -ENOENT);
	assert_int_equal(db_out_next_unanswered(f->db, r.updated, 0, &r), 0);
	assert_int_equal(r.id, a.id);
	assert_int_equal(db_out_finish(f->db, a.id, true, 2001), 0);
	assert_int_equal(db_out_by_ids(f->db, 0x11, 0x22, &r), -ENOENT);
	assert_int_equal(db_out_get(f->db, a.id, &r), 0);
	assert_string_equal(r.state, "done");
	assert_int_equal(r.result, 2001);
	/* the table refuses a kind nobody sends */
	a = (struct db_out){ .kind = "XYZ", .user = "x" };
	assert_int_equal(db_out_add(f->db, &a), -EINVAL);
}

/* A bind naming a parameter the statement does not have, or a parameter
 * left unbound, fails the run loudly instead of binding NULL. */
static void test_misspelt_parameter(void **state)
{
	struct fx *f = *state;
	struct db_sub s;
	struct db_q *q;

	q = db_q(f->db, DB_SUB_BY_IMPI);
	db_bind_text(q, "$imp", "one@ims.example");
	assert_int_equal(db_row(q, "test"), -EINVAL);
	assert_non_null(strstr(db_errmsg(f->db), "SUB_BY_IMPI has no parameter $imp"));
	db_q_done(q);
	q = db_q(f->db, DB_SUB_SET_SQN);
	db_bind_i64(q, "$sqn", 5);
	assert_int_equal(db_row(q, "test"), -EINVAL);
	assert_non_null(strstr(db_errmsg(f->db), "SUB_SET_SQN: parameter 2 left unbound"));
	db_q_done(q);
	/* the statements still work afterwards */
	make_sub(&s, "001010000000001", "one@ims.example");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_sub_set_sqn(f->db, s.id, 0x77), 0);
	assert_int_equal(db_sub_by_impi(f->db, "one@ims.example", &s), 0);
	assert_int_equal(s.sqn, 0x77);
}

static void test_charging_and_impu_changes(void **state)
{
	struct fx *f = *state;
	struct db_charging c = {0}, r;
	struct db_sub s;
	struct db_impu u;
	int64_t id;

	make_sub(&s, "001010000000001", "one@ims.example");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_charging_get(f->db, s.id, &r), 0);
	assert_true(db_charging_empty(&r));
	snprintf(c.ecf[0], sizeof(c.ecf[0]), "aaa://ecf.ims.example");
	snprintf(c.ccf[1], sizeof(c.ccf[1]), "aaa://ccf2.ims.example");
	assert_int_equal(db_charging_set(f->db, s.id, &c), 0);
	assert_int_equal(db_charging_get(f->db, s.id, &r), 0);
	assert_string_equal(r.ecf[0], "aaa://ecf.ims.example");
	assert_string_equal(r.ecf[1], "");
	assert_string_equal(r.ccf[1], "aaa://ccf2.ims.example");
	memset(&c, 0, sizeof(c));
	assert_int_equal(db_charging_set(f->db, s.id, &c), 0);
	assert_int_equal(db_charging_get(f->db, s.id, &r), 0);
	assert_true(db_charging_empty(&r));

	assert_int_equal(db_impu_add(f->db, s.id, "sip:one@ims.example", false, 1, NULL, &id), 0);
	assert_int_equal(db_impu_update(f->db, id, true, 2, "<InitialFilterCriteria/>"), 0);
	assert_int_equal(db_impu_by_uri(f->db, "sip:one@ims.example", &u), 0);
	assert_true(u.barred);
	assert_int_equal(u.irs, 2);
	assert_int_equal(db_impu_del(f->db, id), 0);
	assert_int_equal(db_impu_by_uri(f->db, "sip:one@ims.example", &u), -ENOENT);
	assert_int_equal(db_impu_del(f->db, id), -ENOENT);
	assert_int_equal(db_impu_update(f->db, id, false, 1, NULL), -ENOENT);
}

static void test_rollback_and_durability(void **state)
{
	struct fx *f = *state;
	struct db_sub s, r;

	make_sub(&s, "001010000000001", "one@ims.example");
	assert_int_equal(db_txn_begin(f->db), 0);
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_txn_rollback(f->db), 0);
	assert_int_equal(db_sub_by_impi(f->db, "one@ims.example", &r), -ENOENT);

	assert_int_equal(db_txn_begin(f->db), 0);
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_sub_set_sqn(f->db, s.id, 0x1234), 0);
	assert_int_equal(db_txn_commit(f->db), 0);
	db_close(f->db);
	assert_int_equal(db_open(f->path, &f->db), 0);
	assert_int_equal(db_sub_by_impi(f->db, "one@ims.example", &r), 0);
	assert_int_equal(r.sqn, 0x1234);
}

static bool commit_fd_readable(struct db *db, int ms)
{
	struct pollfd p = { .fd = db_commit_fd(db), .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* hssd's asynchronous commit: reported when the backend says so (SQLite:
 * its fsync thread's eventfd), or, on SQLite asked to (here), made durable
 * on the caller's thread: reported at once, the eventfd quiet, as
 * db_commit_fd_steady promises. Reports come in order, and what they
 * report is in the store. */
static void test_async_commit(void **state)
{
	struct fx *f = *state;
	bool sqlite = !strcmp(db_backend(f->db), "sqlite");
	struct db_commit_done d;
	struct db_sub s, r;
	uint64_t seq;
	int ret;

	make_sub(&s, "001010000000001", "one@ims.example");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_async_enable(f->db), 0);
	assert_true(db_commit_fd_steady(f->db) == sqlite);
	for (int i = 1; i <= 4; i++) {
		bool here = i % 2 == 0;

		assert_int_equal(db_txn_begin(f->db), 0);
		assert_int_equal(db_sub_set_sqn(f->db, s.id, 0x100 + (uint64_t)i), 0);
		assert_int_equal(db_commit_start(f->db, &seq, here), 0);
		assert_int_equal(seq, (uint64_t)i);
		if (sqlite && here) {
			assert_false(commit_fd_readable(f->db, 0));
			ret = db_commit_poll(f->db, &d);
		} else {
			while ((ret = db_commit_poll(f->db, &d)) == 0)
				assert_true(commit_fd_readable(f->db, 5000));
		}
		assert_int_equal(ret, 1);
		assert_int_equal(d.seq, (uint64_t)i);
		assert_int_equal(d.err, 0);
		assert_int_equal(db_commit_poll(f->db, &d), 0);
		if (sqlite)
			assert_false(commit_fd_readable(f->db, 0));
	}
	db_close(f->db);
	assert_int_equal(db_open(f->path, &f->db), 0);
	assert_int_equal(db_sub_by_id(f->db, s.id, &r), 0);
	assert_int_equal(r.sqn, 0x104);
}

static int count_subs(void *arg, const struct db_sub *s)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

static void test_foreach_order(void **state)
{
	struct fx *f = *state;
	struct db_sub s;
	int n = 0;

	make_sub(&s, "001010000000002", "b@x");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	make_sub(&s, "001010000000001", "a@x");
	assert_int_equal(db_sub_add(f->db, &s), 0);
	assert_int_equal(db_sub_foreach(f->db, count_subs, &n), 0);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opc_given_keeps_no_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_impus_and_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misspelt_parameter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charging_and_impu_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_and_durability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreach_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_commit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
