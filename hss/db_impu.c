/* Public identities and their registration state (db.h). */
#include "db_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/json.h"

const char *db_reg_state_name(enum db_reg_state s)
{
	switch (s) {
	case DB_REG_NOT_REGISTERED: return "not-registered";
	case DB_REG_REGISTERED: return "registered";
	case DB_REG_UNREGISTERED: return "unregistered";
	}
	return "?";
}

/* DB_IMPU_SEL columns starting at column b; ifc_xml borrowed from q. */
static void row_to_impu(struct db_q *q, int b, struct db_impu *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_i64(q, b);
	u->sub_id = db_col_i64(q, b + 1);
	db_col_text(q, b + 2, u->uri, sizeof(u->uri));
	u->barred = db_col_i64(q, b + 3) != 0;
	u->irs = (int)db_col_i64(q, b + 4);
	u->ifc_xml = db_col_str(q, b + 5);
	u->state = (enum db_reg_state)db_col_i64(q, b + 6);
	db_col_text(q, b + 7, u->scscf_name, sizeof(u->scscf_name));
	db_col_text(q, b + 8, u->scscf_host, sizeof(u->scscf_host));
	db_col_text(q, b + 9, u->scscf_realm, sizeof(u->scscf_realm));
}

int db_impu_add(struct db *db, int64_t sub_id, const char *uri, bool barred, int irs,
		const char *ifc_xml, int64_t *id)
{
	struct db_q *q = db_q(db, DB_IMPU_INSERT);
	int64_t new_id = 0;
	int ret;

	db_bind_i64(q, "$sub", sub_id);
	db_bind_text(q, "$uri", uri);
	db_bind_i64(q, "$barred", barred);
	db_bind_i64(q, "$irs", irs);
	db_bind_text(q, "$ifc", ifc_xml);
	db_cache_drop(db);
	ret = db_q_exec(q, "insert IMPU", &new_id);
	if (!ret && id)
		*id = new_id;
	return ret;
}

int db_impu_update(struct db *db, int64_t id, bool barred, int irs, const char *ifc_xml)
{
	struct db_q *q = db_q(db, DB_IMPU_UPDATE);

	db_bind_i64(q, "$barred", barred);
	db_bind_i64(q, "$irs", irs);
	db_bind_text(q, "$ifc", ifc_xml);
	db_bind_i64(q, "$id", id);
	db_cache_drop(db);
	return db_q_change(q, "update IMPU");
}

int db_impu_del(struct db *db, int64_t id)
{
	struct db_q *q = db_q(db, DB_IMPU_DEL);

	db_bind_i64(q, "$id", id);
	db_cache_drop(db);
	return db_q_change(q, "delete IMPU");
}

static int fill_impu(struct db_q *q, void *out)
{
	row_to_impu(q, 0, out);
	((struct db_impu *)out)->ifc_xml = NULL; /* would dangle after the reset */
	return 0;
}

int db_impu_by_uri(struct db *db, const char *uri, struct db_impu *out)
{
	struct db_q *q = db_q(db, DB_IMPU_BY_URI);

	db_bind_text(q, "$uri", uri);
	return db_q_one(q, fill_impu, out, "IMPU lookup");
}

struct ident {
	struct db_sub *s;
	struct db_impu *u;
};

static int fill_ident(struct db_q *q, void *out)
{
	struct ident *x = out;
	int ret = db_row_to_sub(q, x->s);

	row_to_impu(q, DB_SUB_NCOLS, x->u);
	x->u->ifc_xml = NULL;
	return ret;
}

int db_ident_by_impu(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u)
{
	struct db_q *q = db_q(db, DB_IDENT_BY_URI);
	struct ident x = {s, u};

	db_bind_text(q, "$uri", uri);
	return db_q_one(q, fill_ident, &x, "identity lookup");
}

/* DB_AUTH_COLS from column 0 on. */
static int fill_auth_sub(struct db_q *q, struct db_auth *a)
{
	a->sub_id = db_col_i64(q, 0);
	db_col_text(q, 1, a->impi, sizeof(a->impi));
	if (db_row_keys(q, 2, &a->keys, a->amf, -1))
		return -EIO;
	a->sqn = (uint64_t)db_col_i64(q, 6);
	a->keys.res_len = (size_t)db_col_i64(q, 7);
	a->has_password = db_col_i64(q, 8) != 0;
	db_col_text(q, 9, a->auth_scheme, sizeof(a->auth_scheme));
	return 0;
}

/* AUTH_BY_URI: the subscriber's, then the IMPU's and its registration's. */
static int fill_auth(struct db_q *q, void *out)
{
	struct db_auth *a = out;
	int c = DB_AUTH_NCOLS;

	if (fill_auth_sub(q, a))
		return -EIO;
	a->impu_id = db_col_i64(q, c);
	a->state = (enum db_reg_state)db_col_i64(q, c + 1);
	db_col_text(q, c + 2, a->scscf_name, sizeof(a->scscf_name));
	db_col_text(q, c + 3, a->scscf_host, sizeof(a->scscf_host));
	return db_row_tuak(q, c + 4, &a->keys);
}

/* AUTH_BY_IMSI: the subscriber's only (no IMPU, no registration). */
static int fill_auth_imsi(struct db_q *q, void *out)
{
	struct db_auth *a = out;

	memset(a, 0, sizeof(*a));
	if (fill_auth_sub(q, a))
		return -EIO;
	return db_row_tuak(q, DB_AUTH_NCOLS, &a->keys);
}

int db_auth_by_uri(struct db *db, const char *uri, struct db_auth *out)
{
	struct db_q *q = db_q(db, DB_AUTH_BY_URI);

	db_bind_text(q, "$uri", uri);
	return db_q_one(q, fill_auth, out, "identity lookup (MAR)");
}

int db_auth_by_imsi(struct db *db, const char *imsi, struct db_auth *out)
{
	struct db_q *q = db_q(db, DB_AUTH_BY_IMSI);

	db_bind_text(q, "$imsi", imsi);
	return db_q_one(q, fill_auth_imsi, out, "subscriber lookup (AIR)");
}

static bool printable(const char *k)
{
	for (; *k; k++)
		if (*k < 0x20 || *k > 0x7e)
			return false;
	return true;
}

/* keys[*i …] as a JSON array of strings into buf, as many as fit (at most
 * DB_KEYS_MAX); *i moves past them. Keys that are not printable ASCII are
 * left out: an octet PostgreSQL's json cannot take would fail the
 * statement, and with it an open transaction. */
static size_t keys_json(char *buf, size_t sz, const char *const *keys, size_t n, size_t *i)
{
	size_t len = 1, taken = 0;

	buf[0] = '[';
	for (; *i < n && taken < DB_KEYS_MAX; ++*i) {
		const char *k = keys[*i];
		size_t l;

		if (!*k || !printable(k))
			continue;
		if (taken)
			buf[len++] = ',';
		l = json_string_buf(buf + len, sz - len - 1, k);
		if (!l) {
			len -= taken ? 1 : 0;
			break; /* the next statement takes it */
		}
		len += l;
		taken++;
	}
	buf[len++] = ']';
	buf[len] = '\0';
	return taken;
}

/* keys[*i …] bound to $k1 … $k8 of q (the rest NULL), the same keys as
 * keys_json takes; *i moves past them. */
static size_t keys_bind(struct db_q *q, const char *const *keys, size_t n, size_t *i)
{
	static const char *const name[DB_KEYS_BOUND] = { "$k1", "$k2", "$k3", "$k4",
							 "$k5", "$k6", "$k7", "$k8" };
	size_t taken = 0;

	for (; *i < n && taken < DB_KEYS_BOUND; ++*i)
		if (*keys[*i] && printable(keys[*i]))
			db_bind_text(q, name[taken++], keys[*i]);
	for (size_t k = taken; k < DB_KEYS_BOUND; k++)
		db_bind_null(q, name[k]);
	return taken;
}

/* The statement's rows to fn; 0, fn's return or the store's error. */
static int auth_rows(struct db_q *q, db_fill_fn fill, int key_col, db_auth_fn fn, void *arg,
		     struct db_auth *a, const char *what)
{
	char key[DB_ID_MAX];
	int ret = 0, rc;

	while (!ret && (rc = db_row(q, what)) == 1) {
		if (fill(q, a))
			continue; /* a damaged row: its own lookup reports it */
		db_col_text(q, key_col, key, sizeof(key));
		ret = fn(arg, key, a);
	}
	if (!ret && rc < 0)
		ret = rc;
	db_q_done(q);
	return ret;
}

/* id's statement for all n keys in one JSON array (as many as fit each
 * time), or, when the driver binds a few one by one and there are that
 * few, bound's. */
static int auth_many(struct db *db, enum db_stmt id, enum db_stmt bound, const char *const *keys,
		     size_t n, db_fill_fn fill, int key_col, db_auth_fn fn, void *arg,
		     const char *what)
{
	char json[DB_KEYS_MAX * 64];
	struct db_auth a;
	size_t i = 0;
	int ret = 0;

	while (!ret && i < n) {
		struct db_q *q;

		if (n <= db->drv->keys_bound) {
			q = db_q(db, bound);
			if (!keys_bind(q, keys, n, &i)) {
				db_q_done(q);
				continue;
			}
		} else {
			if (!keys_json(json, sizeof(json), keys, n, &i))
				continue;
			q = db_q(db, id);
			db_bind_text(q, "$keys", json);
		}
		ret = auth_rows(q, fill, key_col, fn, arg, &a, what);
	}
	explicit_bzero(&a.keys, sizeof(a.keys));
	return ret;
}

int db_auth_by_uris(struct db *db, const char *const *uris, size_t n, db_auth_fn fn, void *arg)
{
	return auth_many(db, DB_AUTH_BY_URIS, DB_AUTH_BY_URIS8, uris, n, fill_auth,
			 DB_AUTH_NCOLS + 8, fn, arg, "identity lookups (MAR)");
}

int db_auth_by_imsis(struct db *db, const char *const *imsis, size_t n, db_auth_fn fn,
		     void *arg)
{
	return auth_many(db, DB_AUTH_BY_IMSIS, DB_AUTH_BY_IMSIS8, imsis, n, fill_auth_imsi,
			 DB_AUTH_NCOLS + 4, fn, arg, "subscriber lookups (AIR)");
}

int db_impu_foreach(struct db *db, int64_t sub_id, db_impu_fn fn, void *arg)
{
	struct db_q *q = db_q(db, DB_IMPU_BY_SUB);
	struct db_impu u;
	int rc, ret = 0;

	db_bind_i64(q, "$sub", sub_id);
	while (!ret && (rc = db_row(q, "list IMPUs")) == 1) {
		row_to_impu(q, 0, &u);
		ret = fn(arg, &u);
	}
	if (!ret && rc < 0)
		ret = rc;
	db_q_done(q);
	return ret;
}

int db_reg_set_irs(struct db *db, int64_t sub_id, int irs, enum db_reg_state state,
		   const char *name, const char *host, const char *realm)
{
	int64_t id[DB_SET_MAX], after = 0;
	size_t n;
	int rc = 0;

	/* DB_SET_MAX ids at a time, then the next ones after the last: no
	 * write while the SELECT runs (one result at a time), and a set of
	 * any size is registered whole (TS 29.228 §6.1.2: the SAR's
	 * registration is the implicit set's). */
	do {
		struct db_q *q = db_q(db, DB_IMPU_IDS_IN_SET);

		n = 0;
		db_bind_i64(q, "$sub", sub_id);
		db_bind_i64(q, "$irs", irs);
		db_bind_i64(q, "$after", after);
		while (n < DB_SET_MAX && (rc = db_row(q, "list IMPUs")) == 1)
			id[n++] = db_col_i64(q, 0);
		db_q_done(q);
		if (n < DB_SET_MAX && rc < 0)
			return rc;
		for (size_t i = 0; i < n; i++) {
			rc = db_reg_set(db, id[i], state, name, host, realm);
			if (rc)
				return rc;
		}
		after = n ? id[n - 1] : after;
	} while (n == DB_SET_MAX);
	return 0;
}

int db_reg_set(struct db *db, int64_t impu_id, enum db_reg_state state, const char *name,
	       const char *host, const char *realm)
{
	struct db_q *q = db_q(db, DB_REG_SET);
	int ret;

	db_bind_i64(q, "$impu", impu_id);
	db_bind_i64(q, "$state", state);
	db_bind_text(q, "$name", name);
	db_bind_text(q, "$host", host);
	db_bind_text(q, "$realm", realm);
	db_bind_i64(q, "$now", (int64_t)time(NULL));
	ret = db_q_exec(q, "update registration", NULL);
	db_cache_reg_written(db, impu_id);
	return ret;
}
