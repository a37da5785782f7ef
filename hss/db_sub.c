/* Subscribers and their charging information (db.h). */
#include "db_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int db_row_keys(struct db_q *q, int col, struct aka_keys *keys, uint8_t *amf, int op_col)
{
	char algo[16];
	int skip = op_col == col + 2; /* OP sits between K and OPc */
	int a;

	db_col_text(q, col, algo, sizeof(algo));
	a = aka_algo_parse(algo);
	keys->algo = a < 0 ? AKA_ALGO_MILENAGE : (enum aka_algo)a;
	/* TUAK's K is 16 or 32 octets: its length is the column's */
	if (keys->algo == AKA_ALGO_TUAK)
		keys->tuak.k_len = db_col_blob(q, col + 1, keys->k, 32) ? 16 : 32;
	if (db_col_blob(q, col + 1, keys->k, aka_k_len(keys)) ||
	    db_col_blob(q, col + 2 + skip, keys->opc,
			keys->algo == AKA_ALGO_TUAK ? AKA_TOP_LEN : AKA_OP_LEN) ||
	    db_col_blob(q, col + 3 + skip, amf, AKA_AMF_LEN))
		return -EIO;
	return 0;
}

int db_row_tuak(struct db_q *q, int col, struct aka_keys *keys)
{
	if (keys->algo != AKA_ALGO_TUAK)
		return 0;
	keys->tuak.mac_len = (size_t)db_col_i64(q, col);
	keys->tuak.ck_len = (size_t)db_col_i64(q, col + 1);
	keys->tuak.ik_len = (size_t)db_col_i64(q, col + 2);
	keys->tuak.iterations = (unsigned)db_col_i64(q, col + 3);
	return aka_keys_check(keys) ? -EIO : 0;
}

/* DB_SUB_COLS starting at column 0. */
int db_row_to_sub(struct db_q *q, void *out)
{
	struct db_sub *s = out;

	memset(s, 0, sizeof(*s));
	s->id = db_col_i64(q, 0);
	db_col_text(q, 1, s->imsi, sizeof(s->imsi));
	db_col_text(q, 2, s->impi, sizeof(s->impi));
	if (db_row_keys(q, 3, &s->keys, s->amf, 5))
		return -EIO;
	s->has_op = db_col_blob(q, 5, s->op,
				s->keys.algo == AKA_ALGO_TUAK ? AKA_TOP_LEN : AKA_OP_LEN) == 0;
	s->sqn = s->sqn_read = (uint64_t)db_col_i64(q, 8);
	s->keys.res_len = (size_t)db_col_i64(q, 9);
	s->has_password = !db_col_null(q, 10);
	db_col_text(q, 10, s->password, sizeof(s->password));
	db_col_text(q, 11, s->auth_scheme, sizeof(s->auth_scheme));
	return db_row_tuak(q, 12, &s->keys);
}

int db_sub_add(struct db *db, struct db_sub *s)
{
	struct db_q *q = db_q(db, DB_SUB_INSERT);
	const struct aka_tuak *t = &s->keys.tuak;
	bool tuak = s->keys.algo == AKA_ALGO_TUAK;
	size_t op_len = tuak ? AKA_TOP_LEN : AKA_OP_LEN; /* XOR: kept, unused */
	int ret;

	if (aka_keys_check(&s->keys) || s->sqn > AKA_SQN_MAX)
		return -EINVAL;
	/* OPc = f(OP) (TS 35.206 4.1), TOPc = f(TOP) (TS 35.231 6.1); XOR keeps
	 * the MILENAGE OPc of an OP it was given, as it always did */
	if (s->has_op && (tuak ? aka_keys_derive_opc(&s->keys, s->op)
			       : aka_opc_from_op(s->keys.k, s->op, s->keys.opc)) != AKA_OK)
		return -EINVAL;
	db_bind_text(q, "$imsi", s->imsi);
	db_bind_text(q, "$impi", s->impi);
	db_bind_text(q, "$algo", aka_algo_name(s->keys.algo));
	db_bind_blob(q, "$k", s->keys.k, aka_k_len(&s->keys));
	db_bind_blob(q, "$op", s->has_op ? s->op : NULL, op_len);
	db_bind_blob(q, "$opc", s->keys.opc, op_len);
	db_bind_blob(q, "$amf", s->amf, AKA_AMF_LEN);
	db_bind_i64(q, "$res_len", s->keys.res_len ? (int64_t)s->keys.res_len : 8);
	/* An empty password is a password (not NULL). */
	db_bind_str(q, "$password", s->has_password ? s->password : NULL);
	db_bind_text(q, "$scheme", s->auth_scheme[0] ? s->auth_scheme : "Digest-AKAv1-MD5");
	/* TUAK's lengths, the defaults for the others (schema version 6) */
	db_bind_i64(q, "$mac_len", (int64_t)aka_mac_len(&s->keys));
	db_bind_i64(q, "$ck_len", (int64_t)aka_ck_len(&s->keys));
	db_bind_i64(q, "$ik_len", (int64_t)aka_ik_len(&s->keys));
	db_bind_i64(q, "$iterations", t->iterations ? (int64_t)t->iterations : 1);
	db_cache_drop(db); /* writes other than SQN/registration: simply drop all */
	ret = db_q_exec(q, "insert subscriber", &s->id);
	if (ret)
		return ret;
	/* its SQN row (schema version 9), in the caller's transaction */
	q = db_q(db, DB_SUB_SQN_INSERT);
	db_bind_i64(q, "$id", s->id);
	db_bind_i64(q, "$sqn", (int64_t)s->sqn);
	return db_q_exec(q, "insert subscriber SQN", NULL);
}

static int sub_by(struct db *db, enum db_stmt st, const char *param, const char *text,
		  int64_t id, struct db_sub *out)
{
	struct db_q *q = db_q(db, st);

	if (text)
		db_bind_text(q, param, text);
	else
		db_bind_i64(q, param, id);
	return db_q_one(q, db_row_to_sub, out, "subscriber lookup");
}

int db_sub_by_impi(struct db *db, const char *impi, struct db_sub *out)
{
	return sub_by(db, DB_SUB_BY_IMPI, "$impi", impi, 0, out);
}

int db_sub_by_imsi(struct db *db, const char *imsi, struct db_sub *out)
{
	return sub_by(db, DB_SUB_BY_IMSI, "$imsi", imsi, 0, out);
}

int db_sub_by_id(struct db *db, int64_t id, struct db_sub *out)
{
	return sub_by(db, DB_SUB_BY_ID, "$id", NULL, id, out);
}

int db_sub_lookup(struct db *db, const char *key, struct db_sub *out)
{
	if (*key && strspn(key, "0123456789") == strlen(key))
		return db_sub_by_imsi(db, key, out);
	return db_sub_by_impi(db, key, out);
}

int db_sub_del(struct db *db, int64_t id)
{
	struct db_q *q = db_q(db, DB_SUB_DEL);

	db_bind_i64(q, "$id", id);
	db_cache_drop(db); /* cascades to IMPUs and registrations; ids may be reused */
	return db_q_change(q, "delete subscriber");
}

int db_sub_set_sqn(struct db *db, int64_t id, uint64_t sqn)
{
	struct db_q *q = db_q(db, DB_SUB_SET_SQN);
	int ret;

	if (sqn > AKA_SQN_MAX)
		return -EINVAL;
	db_bind_i64(q, "$sqn", (int64_t)sqn);
	db_bind_i64(q, "$id", id);
	ret = db_q_change(q, "update SQN");
	if (!ret)
		db_cache_sqn_written(db, id, sqn);
	/* Set by hand (hss-ctl): other hssd re-read it at once rather than
	 * learn it from a failed compare-and-swap. */
	if (!ret && db->drv->changed)
		ret = db->drv->changed(db->conn);
	return ret;
}

int db_sub_advance_sqn(struct db *db, int64_t id, uint64_t old, uint64_t sqn)
{
	struct db_q *q = db_q(db, DB_SUB_ADVANCE_SQN);
	int ret;

	if (sqn > AKA_SQN_MAX)
		return -EINVAL;
	db_bind_i64(q, "$sqn", (int64_t)sqn);
	db_bind_i64(q, "$id", id);
	db_bind_i64(q, "$old", (int64_t)old);
	ret = db_q_cas(q, "take SQN");
	if (!ret)
		db_cache_sqn_written(db, id, sqn);
	else if (ret == -ESTALE)
		db_cache_drop(db); /* another writer moved it: read it again */
	return ret;
}

int db_sub_foreach(struct db *db, db_sub_fn fn, void *arg)
{
	struct db_q *q = db_q(db, DB_SUB_ALL);
	struct db_sub s;
	int rc, ret = 0;

	while (!ret && (rc = db_row(q, "list subscribers")) == 1) {
		ret = db_row_to_sub(q, &s);
		if (!ret)
			ret = fn(arg, &s);
	}
	if (!ret && rc < 0)
		ret = rc;
	db_q_done(q);
	return ret;
}

/* ---- Charging information -------------------------------------------------- */
bool db_charging_empty(const struct db_charging *c)
{
	return !c->ecf[0][0] && !c->ecf[1][0] && !c->ccf[0][0] && !c->ccf[1][0];
}

static int fill_charging(struct db_q *q, void *out)
{
	struct db_charging *c = out;

	db_col_text(q, 0, c->ecf[0], sizeof(c->ecf[0]));
	db_col_text(q, 1, c->ecf[1], sizeof(c->ecf[1]));
	db_col_text(q, 2, c->ccf[0], sizeof(c->ccf[0]));
	db_col_text(q, 3, c->ccf[1], sizeof(c->ccf[1]));
	return 0;
}

int db_charging_get(struct db *db, int64_t sub_id, struct db_charging *out)
{
	struct db_q *q = db_q(db, DB_CHARGING_GET);
	int ret;

	memset(out, 0, sizeof(*out));
	db_bind_i64(q, "$sub", sub_id);
	ret = db_q_one(q, fill_charging, out, "charging information");
	return ret == -ENOENT ? 0 : ret;
}

int db_charging_set(struct db *db, int64_t sub_id, const struct db_charging *c)
{
	struct db_q *q = db_q(db, db_charging_empty(c) ? DB_CHARGING_DEL : DB_CHARGING_SET);

	db_bind_i64(q, "$sub", sub_id);
	if (!db_charging_empty(c)) {
		db_bind_text(q, "$ecf1", c->ecf[0]);
		db_bind_text(q, "$ecf2", c->ecf[1]);
		db_bind_text(q, "$ccf1", c->ccf[0]);
		db_bind_text(q, "$ccf2", c->ccf[1]);
	}
	return db_q_exec(q, "set charging information", NULL);
}
