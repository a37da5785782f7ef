/* S6a store: APN profiles, their assignment, EPS settings, serving MME and
 * the CLR/IDR queue (db_apn.h; tables in schema step 3 of hss/schema.sql).
 *
 * Statements are prepared per call over the store's connection
 * (db_sqlite()): ULR, PUR and hss-ctl are not hot paths, and a cache keyed
 * on the connection would outlive it in tests that reopen files. */
#include "db_apn.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/log.h"

/* ---- statement helpers ------------------------------------------------------ */
static int fail(struct db *db, const char *what)
{
	sqlite3 *c = db_sqlite(db);
	int rc = sqlite3_extended_errcode(c);

	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return -EEXIST;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return -EINVAL;
	LOGE(LOG_DB, "%s: %s", what, sqlite3_errmsg(c));
	return -EIO;
}

static sqlite3_stmt *prep(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
		fail(db, sql);
		return NULL;
	}
	return st;
}

static void b_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void b_i64(sqlite3_stmt *st, const char *name, int64_t v)
{
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), v);
}

static void c_text(sqlite3_stmt *st, int col, char *out, size_t sz)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (n >= sz)
		n = sz - 1;
	memcpy(out, t ? (const char *)t : "", n);
	out[n] = '\0';
}

/* Runs st to completion (no rows expected) and finalizes it. */
static int run(struct db *db, sqlite3_stmt *st, const char *what)
{
	int ret = 0;

	if (!st)
		return -EIO;
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = fail(db, what);
	sqlite3_finalize(st);
	return ret;
}

/* Steps st once and finalizes it: 0 with fill(st, out) done on the row,
 * -ENOENT when there is none, or the error. */
static int one_row(struct db *db, sqlite3_stmt *st, void (*fill)(sqlite3_stmt *, void *),
		   void *out, const char *what)
{
	int rc, ret = -ENOENT;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		fill(st, out);
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = fail(db, what);
	}
	sqlite3_finalize(st);
	return ret;
}

static void fill_i64(sqlite3_stmt *st, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(st, 0);
}

/* A query that always yields one number (count, coalesce): -EIO without. */
static int scalar(struct db *db, sqlite3_stmt *st, int64_t *out, const char *what)
{
	int ret = one_row(db, st, fill_i64, out, what);

	return ret == -ENOENT ? -EIO : ret;
}

/* As run(), -ENOENT when no row changed. */
static int run_change(struct db *db, sqlite3_stmt *st, const char *what)
{
	int ret = run(db, st, what);

	return !ret && sqlite3_changes(db_sqlite(db)) == 0 ? -ENOENT : ret;
}

/* ---- APN profiles ------------------------------------------------------------ */
static const char *const pdn_names[] = {"ipv4", "ipv6", "ipv4v6", "ipv4_or_ipv6"};

const char *db_pdn_type_name(int t)
{
	return t >= 0 && t < 4 ? pdn_names[t] : "?";
}

int db_pdn_type_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, pdn_names[i]))
			return i;
	return -EINVAL;
}

void db_apn_defaults(struct db_apn *a)
{
	memset(a, 0, sizeof(*a));
	a->pdn_type = DB_PDN_IPV4;
	a->qci = 9;
	a->arp_priority = 8;
	a->preempt_cap = 1;
	a->preempt_vuln = 0;
	a->ambr_ul = 50000000;
	a->ambr_dl = 100000000;
}

#define APN_COLS "a.id, a.name, a.pdn_type, a.qci, a.arp_priority, a.preempt_cap, " \
		 "a.preempt_vuln, a.ambr_ul, a.ambr_dl"

static void row_apn(sqlite3_stmt *st, int col, struct db_apn *a)
{
	a->id = sqlite3_column_int64(st, col);
	c_text(st, col + 1, a->name, sizeof(a->name));
	a->pdn_type = sqlite3_column_int(st, col + 2);
	a->qci = sqlite3_column_int(st, col + 3);
	a->arp_priority = sqlite3_column_int(st, col + 4);
	a->preempt_cap = sqlite3_column_int(st, col + 5);
	a->preempt_vuln = sqlite3_column_int(st, col + 6);
	a->ambr_ul = (uint32_t)sqlite3_column_int64(st, col + 7);
	a->ambr_dl = (uint32_t)sqlite3_column_int64(st, col + 8);
}

static void fill_apn(sqlite3_stmt *st, void *out)
{
	row_apn(st, 0, out);
}

static void bind_apn(sqlite3_stmt *st, const struct db_apn *a)
{
	b_text(st, "$name", a->name);
	b_i64(st, "$pdn", a->pdn_type);
	b_i64(st, "$qci", a->qci);
	b_i64(st, "$prio", a->arp_priority);
	b_i64(st, "$cap", a->preempt_cap);
	b_i64(st, "$vuln", a->preempt_vuln);
	b_i64(st, "$ul", a->ambr_ul);
	b_i64(st, "$dl", a->ambr_dl);
}

int db_apn_add(struct db *db, struct db_apn *a)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO apn (name, pdn_type, qci, arp_priority, "
				    "preempt_cap, preempt_vuln, ambr_ul, ambr_dl) VALUES ($name, "
				    "$pdn, $qci, $prio, $cap, $vuln, $ul, $dl)");
	int ret;

	if (!a->name[0])
		return -EINVAL;
	if (st)
		bind_apn(st, a);
	ret = run(db, st, "apn insert");
	if (!ret)
		a->id = sqlite3_last_insert_rowid(db_sqlite(db));
	return ret;
}

int db_apn_update(struct db *db, const struct db_apn *a)
{
	sqlite3_stmt *st = prep(db, "UPDATE apn SET pdn_type = $pdn, qci = $qci, arp_priority = "
				    "$prio, preempt_cap = $cap, preempt_vuln = $vuln, ambr_ul = $ul, "
				    "ambr_dl = $dl WHERE name = $name");

	if (st)
		bind_apn(st, a);
	return run_change(db, st, "apn update");
}

int db_apn_by_name(struct db *db, const char *name, struct db_apn *out)
{
	sqlite3_stmt *st = prep(db, "SELECT " APN_COLS " FROM apn a WHERE a.name = $name");

	if (st)
		b_text(st, "$name", name);
	return one_row(db, st, fill_apn, out, "apn by name");
}

int db_apn_foreach(struct db *db, db_apn_fn fn, void *arg)
{
	sqlite3_stmt *st = prep(db, "SELECT " APN_COLS " FROM apn a ORDER BY a.name");
	struct db_apn a;
	int rc, ret = 0;

	if (!st)
		return -EIO;
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_apn(st, 0, &a);
		ret = fn(arg, &a);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = fail(db, "apn list");
	sqlite3_finalize(st);
	return ret;
}

/* ---- assignment -------------------------------------------------------------- */
/* A one-number query over ($sub, $apn). */
static int sub_apn_scalar(struct db *db, const char *sql, int64_t sub_id, int64_t apn_id,
			  int64_t *v, const char *what)
{
	sqlite3_stmt *st = prep(db, sql);

	if (st) {
		b_i64(st, "$sub", sub_id);
		b_i64(st, "$apn", apn_id);
	}
	return scalar(db, st, v, what);
}

static int next_context_id(struct db *db, int64_t sub_id, int64_t apn_id, uint32_t *out)
{
	int64_t v = 0;
	/* Keep the APN's current identifier on re-assignment. */
	int ret = sub_apn_scalar(db, "SELECT coalesce((SELECT context_id FROM subscriber_apn "
				     "WHERE subscriber_id = $sub AND apn_id = $apn), "
				     "(SELECT coalesce(max(context_id), 0) + 1 FROM subscriber_apn "
				     "WHERE subscriber_id = $sub))",
				 sub_id, apn_id, &v, "apn context id");

	*out = (uint32_t)v;
	return ret;
}

static int count_apns(struct db *db, int64_t sub_id, int64_t except_apn, int *n)
{
	int64_t v = 0;
	int ret = sub_apn_scalar(db, "SELECT count(*) FROM subscriber_apn WHERE subscriber_id = "
				     "$sub AND apn_id != $apn",
				 sub_id, except_apn, &v, "apn count");

	*n = (int)v;
	return ret;
}

static int clear_default(struct db *db, int64_t sub_id)
{
	sqlite3_stmt *st = prep(db, "UPDATE subscriber_apn SET is_default = 0 WHERE "
				    "subscriber_id = $sub");

	if (st)
		b_i64(st, "$sub", sub_id);
	return run(db, st, "apn default clear");
}

int db_sub_apn_assign(struct db *db, int64_t sub_id, int64_t apn_id, uint32_t context_id,
		      bool is_default, const char *static_ip)
{
	sqlite3_stmt *st;
	int others = 0;
	int ret = context_id ? 0 : next_context_id(db, sub_id, apn_id, &context_id);

	if (!ret)
		ret = count_apns(db, sub_id, apn_id, &others);
	if (ret)
		return ret;
	if (!others)
		is_default = true; /* a single APN is the default one */
	if (is_default && (ret = clear_default(db, sub_id)))
		return ret;
	st = prep(db, "INSERT INTO subscriber_apn (subscriber_id, apn_id, context_id, is_default, "
		      "static_ip) VALUES ($sub, $apn, $ctx, $def, $ip) ON CONFLICT (subscriber_id, "
		      "apn_id) DO UPDATE SET context_id = excluded.context_id, is_default = "
		      "max(is_default, excluded.is_default), static_ip = excluded.static_ip");
	if (st) {
		b_i64(st, "$sub", sub_id);
		b_i64(st, "$apn", apn_id);
		b_i64(st, "$ctx", context_id);
		b_i64(st, "$def", is_default);
		b_text(st, "$ip", static_ip);
	}
	return run(db, st, "apn assign");
}

int db_sub_apn_unassign(struct db *db, int64_t sub_id, int64_t apn_id)
{
	sqlite3_stmt *st = prep(db, "DELETE FROM subscriber_apn WHERE subscriber_id = $sub AND "
				    "apn_id = $apn");
	int ret;

	if (st) {
		b_i64(st, "$sub", sub_id);
		b_i64(st, "$apn", apn_id);
	}
	ret = run_change(db, st, "apn unassign");
	if (ret)
		return ret;
	st = prep(db, "UPDATE subscriber_apn SET is_default = 1 WHERE subscriber_id = $sub AND "
		      "NOT EXISTS (SELECT 1 FROM subscriber_apn WHERE subscriber_id = $sub AND "
		      "is_default = 1) AND context_id = (SELECT min(context_id) FROM "
		      "subscriber_apn WHERE subscriber_id = $sub)");
	if (st)
		b_i64(st, "$sub", sub_id);
	return run(db, st, "apn default move");
}

int db_sub_apn_foreach(struct db *db, int64_t sub_id, db_sub_apn_fn fn, void *arg)
{
	sqlite3_stmt *st = prep(db, "SELECT " APN_COLS ", s.context_id, s.is_default, s.static_ip "
				    "FROM subscriber_apn s JOIN apn a ON a.id = s.apn_id WHERE "
				    "s.subscriber_id = $sub ORDER BY s.context_id");
	struct db_sub_apn a;
	int rc, ret = 0;

	if (!st)
		return -EIO;
	b_i64(st, "$sub", sub_id);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		row_apn(st, 0, &a.apn);
		a.context_id = (uint32_t)sqlite3_column_int64(st, 9);
		a.is_default = sqlite3_column_int(st, 10) != 0;
		c_text(st, 11, a.static_ip, sizeof(a.static_ip));
		ret = fn(arg, &a);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = fail(db, "subscriber apn list");
	sqlite3_finalize(st);
	return ret;
}

/* ---- EPS settings and serving MME ------------------------------------------- */
void db_eps_defaults(struct db_eps *e)
{
	memset(e, 0, sizeof(*e));
	e->ambr_ul = 50000000;
	e->ambr_dl = 100000000;
	e->network_access_mode = DB_NAM_ONLY_PACKET;
	e->subscriber_status = DB_SUB_STATUS_GRANTED;
}

static void fill_eps(sqlite3_stmt *st, void *arg)
{
	struct db_eps *out = arg;

	c_text(st, 0, out->msisdn, sizeof(out->msisdn));
	out->ambr_ul = (uint32_t)sqlite3_column_int64(st, 1);
	out->ambr_dl = (uint32_t)sqlite3_column_int64(st, 2);
	out->access_restriction = (uint32_t)sqlite3_column_int64(st, 3);
	out->network_access_mode = sqlite3_column_int(st, 4);
	out->subscriber_status = sqlite3_column_int(st, 5);
	c_text(st, 6, out->mme_host, sizeof(out->mme_host));
	c_text(st, 7, out->mme_realm, sizeof(out->mme_realm));
	out->purged = sqlite3_column_int(st, 8) != 0;
}

/* No row yet: the defaults (a subscriber without EPS settings). */
int db_eps_get(struct db *db, int64_t sub_id, struct db_eps *out)
{
	sqlite3_stmt *st = prep(db, "SELECT msisdn, ambr_ul, ambr_dl, access_restriction, "
				    "network_access_mode, subscriber_status, mme_host, mme_realm, "
				    "purged FROM eps_subscription WHERE subscriber_id = $sub");
	int ret;

	db_eps_defaults(out);
	if (st)
		b_i64(st, "$sub", sub_id);
	ret = one_row(db, st, fill_eps, out, "eps get");
	return ret == -ENOENT ? 0 : ret;
}

int db_eps_set_profile(struct db *db, int64_t sub_id, const struct db_eps *e)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO eps_subscription (subscriber_id, msisdn, ambr_ul, "
				    "ambr_dl, access_restriction, network_access_mode, "
				    "subscriber_status, updated) VALUES ($sub, $msisdn, $ul, $dl, "
				    "$ard, $nam, $status, $now) ON CONFLICT (subscriber_id) DO "
				    "UPDATE SET msisdn = excluded.msisdn, ambr_ul = excluded.ambr_ul, "
				    "ambr_dl = excluded.ambr_dl, access_restriction = "
				    "excluded.access_restriction, network_access_mode = "
				    "excluded.network_access_mode, subscriber_status = "
				    "excluded.subscriber_status, updated = excluded.updated");

	if (st) {
		b_i64(st, "$sub", sub_id);
		b_text(st, "$msisdn", e->msisdn);
		b_i64(st, "$ul", e->ambr_ul);
		b_i64(st, "$dl", e->ambr_dl);
		b_i64(st, "$ard", e->access_restriction);
		b_i64(st, "$nam", e->network_access_mode);
		b_i64(st, "$status", e->subscriber_status);
		b_i64(st, "$now", (int64_t)time(NULL));
	}
	return run(db, st, "eps set");
}

int db_eps_set_mme(struct db *db, int64_t sub_id, const char *host, const char *realm,
		   bool purged)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO eps_subscription (subscriber_id, mme_host, "
				    "mme_realm, purged, updated) VALUES ($sub, $host, $realm, "
				    "$purged, $now) ON CONFLICT (subscriber_id) DO UPDATE SET "
				    "mme_host = excluded.mme_host, mme_realm = excluded.mme_realm, "
				    "purged = excluded.purged, updated = excluded.updated");

	if (st) {
		b_i64(st, "$sub", sub_id);
		b_text(st, "$host", host);
		b_text(st, "$realm", realm);
		b_i64(st, "$purged", purged);
		b_i64(st, "$now", (int64_t)time(NULL));
	}
	return run(db, st, "eps set mme");
}

/* ---- S6a request queue ------------------------------------------------------- */
#define REQ_COLS "id, kind, imsi, host, realm, cancel_type, state, attempts, hbh, e2e"

static void fill_req(sqlite3_stmt *st, void *arg)
{
	struct db_s6a_req *r = arg;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	c_text(st, 1, r->kind, sizeof(r->kind));
	c_text(st, 2, r->imsi, sizeof(r->imsi));
	c_text(st, 3, r->host, sizeof(r->host));
	c_text(st, 4, r->realm, sizeof(r->realm));
	r->cancel_type = sqlite3_column_int(st, 5);
	c_text(st, 6, r->state, sizeof(r->state));
	r->attempts = sqlite3_column_int(st, 7);
	r->hbh = (uint32_t)sqlite3_column_int64(st, 8);
	r->e2e = (uint32_t)sqlite3_column_int64(st, 9);
}

static int req_fetch(struct db *db, sqlite3_stmt *st, struct db_s6a_req *r)
{
	return one_row(db, st, fill_req, r, "s6a queue read");
}

int db_s6a_req_add(struct db *db, const char *kind, const char *imsi, const char *host,
		   const char *realm, int cancel_type, int64_t *id)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO s6a_queue (kind, imsi, host, realm, cancel_type, "
				    "created, updated) VALUES ($kind, $imsi, $host, $realm, $ct, "
				    "$now, $now)");
	int ret;

	if (st) {
		b_text(st, "$kind", kind);
		b_text(st, "$imsi", imsi);
		b_text(st, "$host", host);
		b_text(st, "$realm", realm);
		b_i64(st, "$ct", cancel_type);
		b_i64(st, "$now", (int64_t)time(NULL));
	}
	ret = run(db, st, "s6a queue insert");
	if (!ret && id)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return ret;
}

int db_s6a_req_next_queued(struct db *db, int64_t after_id, struct db_s6a_req *out)
{
	sqlite3_stmt *st = prep(db, "SELECT " REQ_COLS " FROM s6a_queue WHERE state = 'queued' "
				    "AND id > $after ORDER BY id LIMIT 1");

	if (st)
		b_i64(st, "$after", after_id);
	return req_fetch(db, st, out);
}

int db_s6a_req_mark_sent(struct db *db, int64_t id, const char *host, uint32_t hbh,
			 uint32_t e2e)
{
	sqlite3_stmt *st = prep(db, "UPDATE s6a_queue SET state = 'sent', host = $host, hbh = "
				    "$hbh, e2e = $e2e, attempts = attempts + 1, updated = $now "
				    "WHERE id = $id");

	if (st) {
		b_text(st, "$host", host);
		b_i64(st, "$hbh", hbh);
		b_i64(st, "$e2e", e2e);
		b_i64(st, "$now", (int64_t)time(NULL));
		b_i64(st, "$id", id);
	}
	return run_change(db, st, "s6a queue sent");
}

int db_s6a_req_retry(struct db *db, int64_t id)
{
	sqlite3_stmt *st = prep(db, "UPDATE s6a_queue SET attempts = attempts + 1, updated = $now "
				    "WHERE id = $id");

	if (st) {
		b_i64(st, "$now", (int64_t)time(NULL));
		b_i64(st, "$id", id);
	}
	return run_change(db, st, "s6a queue retry");
}

int db_s6a_req_finish(struct db *db, int64_t id, bool ok, uint32_t result)
{
	sqlite3_stmt *st = prep(db, "UPDATE s6a_queue SET state = $state, result = $result, "
				    "updated = $now WHERE id = $id");

	if (st) {
		b_text(st, "$state", ok ? "done" : "failed");
		if (result)
			b_i64(st, "$result", result);
		b_i64(st, "$now", (int64_t)time(NULL));
		b_i64(st, "$id", id);
	}
	return run_change(db, st, "s6a queue finish");
}

int db_s6a_req_by_ids(struct db *db, uint32_t hbh, uint32_t e2e, struct db_s6a_req *out)
{
	sqlite3_stmt *st = prep(db, "SELECT " REQ_COLS " FROM s6a_queue WHERE hbh = $hbh AND "
				    "e2e = $e2e AND state = 'sent'");

	if (st) {
		b_i64(st, "$hbh", hbh);
		b_i64(st, "$e2e", e2e);
	}
	return req_fetch(db, st, out);
}

int db_s6a_req_get(struct db *db, int64_t id, struct db_s6a_req *out)
{
	sqlite3_stmt *st = prep(db, "SELECT " REQ_COLS " FROM s6a_queue WHERE id = $id");

	if (st)
		b_i64(st, "$id", id);
	return req_fetch(db, st, out);
}
