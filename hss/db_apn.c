/* S6a store: APN profiles, their assignment, EPS settings and serving MME
 * (db_apn.h; tables in schema step 3, statements in db_stmt.h). */
#include "db_apn.h"
#include "db_int.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

/* DB_APN_COLS starting at column col. */
static void row_apn(struct db_q *q, int col, struct db_apn *a)
{
	a->id = db_col_i64(q, col);
	db_col_text(q, col + 1, a->name, sizeof(a->name));
	a->pdn_type = (int)db_col_i64(q, col + 2);
	a->qci = (int)db_col_i64(q, col + 3);
	a->arp_priority = (int)db_col_i64(q, col + 4);
	a->preempt_cap = (int)db_col_i64(q, col + 5);
	a->preempt_vuln = (int)db_col_i64(q, col + 6);
	a->ambr_ul = (uint32_t)db_col_i64(q, col + 7);
	a->ambr_dl = (uint32_t)db_col_i64(q, col + 8);
}

static int fill_apn(struct db_q *q, void *out)
{
	row_apn(q, 0, out);
	return 0;
}

static void bind_apn(struct db_q *q, const struct db_apn *a)
{
	db_bind_text(q, "$name", a->name);
	db_bind_i64(q, "$pdn", a->pdn_type);
	db_bind_i64(q, "$qci", a->qci);
	db_bind_i64(q, "$prio", a->arp_priority);
	db_bind_i64(q, "$cap", a->preempt_cap);
	db_bind_i64(q, "$vuln", a->preempt_vuln);
	db_bind_i64(q, "$ul", a->ambr_ul);
	db_bind_i64(q, "$dl", a->ambr_dl);
}

int db_apn_add(struct db *db, struct db_apn *a)
{
	struct db_q *q = db_q(db, DB_APN_INSERT);

	if (!a->name[0])
		return -EINVAL;
	bind_apn(q, a);
	return db_q_exec(q, "apn insert", &a->id);
}

int db_apn_update(struct db *db, const struct db_apn *a)
{
	struct db_q *q = db_q(db, DB_APN_UPDATE);

	bind_apn(q, a);
	return db_q_change(q, "apn update");
}

int db_apn_by_name(struct db *db, const char *name, struct db_apn *out)
{
	struct db_q *q = db_q(db, DB_APN_BY_NAME);

	db_bind_text(q, "$name", name);
	return db_q_one(q, fill_apn, out, "apn by name");
}

int db_apn_foreach(struct db *db, db_apn_fn fn, void *arg)
{
	struct db_q *q = db_q(db, DB_APN_ALL);
	struct db_apn a;
	int rc, ret = 0;

	while (!ret && (rc = db_row(q, "apn list")) == 1) {
		row_apn(q, 0, &a);
		ret = fn(arg, &a);
	}
	if (!ret && rc < 0)
		ret = rc;
	db_q_done(q);
	return ret;
}

/* ---- assignment -------------------------------------------------------------- */
static int fill_i64(struct db_q *q, void *out)
{
	*(int64_t *)out = db_col_i64(q, 0);
	return 0;
}

/* A one-number query over ($sub, $apn); a missing row is an error. */
static int sub_apn_scalar(struct db *db, enum db_stmt st, int64_t sub_id, int64_t apn_id,
			  int64_t *v, const char *what)
{
	struct db_q *q = db_q(db, st);
	int ret;

	db_bind_i64(q, "$sub", sub_id);
	db_bind_i64(q, "$apn", apn_id);
	ret = db_q_one(q, fill_i64, v, what);
	return ret == -ENOENT ? -EIO : ret;
}

static int sub_only(struct db *db, enum db_stmt st, int64_t sub_id, const char *what)
{
	struct db_q *q = db_q(db, st);

	db_bind_i64(q, "$sub", sub_id);
	return db_q_exec(q, what, NULL);
}

int db_sub_apn_assign(struct db *db, int64_t sub_id, int64_t apn_id, uint32_t context_id,
		      bool is_default, const char *static_ip)
{
	struct db_q *q;
	int64_t ctx = context_id, others = 0;
	int ret = context_id ? 0 : sub_apn_scalar(db, DB_SUB_APN_NEXT_CTX, sub_id, apn_id, &ctx,
						  "apn context id");

	if (!ret)
		ret = sub_apn_scalar(db, DB_SUB_APN_COUNT_OTHERS, sub_id, apn_id, &others,
				     "apn count");
	if (ret)
		return ret;
	if (!others)
		is_default = true; /* a single APN is the default one */
	if (is_default &&
	    (ret = sub_only(db, DB_SUB_APN_CLEAR_DEFAULT, sub_id, "apn default clear")))
		return ret;
	q = db_q(db, DB_SUB_APN_UPSERT);
	db_bind_i64(q, "$sub", sub_id);
	db_bind_i64(q, "$apn", apn_id);
	db_bind_i64(q, "$ctx", ctx);
	db_bind_i64(q, "$def", is_default);
	db_bind_text(q, "$ip", static_ip);
	return db_q_exec(q, "apn assign", NULL);
}

int db_sub_apn_unassign(struct db *db, int64_t sub_id, int64_t apn_id)
{
	struct db_q *q = db_q(db, DB_SUB_APN_DEL);
	int ret;

	db_bind_i64(q, "$sub", sub_id);
	db_bind_i64(q, "$apn", apn_id);
	ret = db_q_change(q, "apn unassign");
	return ret ? ret : sub_only(db, DB_SUB_APN_MOVE_DEFAULT, sub_id, "apn default move");
}

int db_sub_apn_foreach(struct db *db, int64_t sub_id, db_sub_apn_fn fn, void *arg)
{
	struct db_q *q = db_q(db, DB_SUB_APN_BY_SUB);
	struct db_sub_apn a;
	int rc, ret = 0;

	db_bind_i64(q, "$sub", sub_id);
	while (!ret && (rc = db_row(q, "subscriber apn list")) == 1) {
		memset(&a, 0, sizeof(a));
		row_apn(q, 0, &a.apn);
		a.context_id = (uint32_t)db_col_i64(q, 9);
		a.is_default = db_col_i64(q, 10) != 0;
		db_col_text(q, 11, a.static_ip, sizeof(a.static_ip));
		ret = fn(arg, &a);
	}
	if (!ret && rc < 0)
		ret = rc;
	db_q_done(q);
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

static int fill_eps(struct db_q *q, void *arg)
{
	struct db_eps *out = arg;

	db_col_text(q, 0, out->msisdn, sizeof(out->msisdn));
	out->ambr_ul = (uint32_t)db_col_i64(q, 1);
	out->ambr_dl = (uint32_t)db_col_i64(q, 2);
	out->access_restriction = (uint32_t)db_col_i64(q, 3);
	out->network_access_mode = (int)db_col_i64(q, 4);
	out->subscriber_status = (int)db_col_i64(q, 5);
	db_col_text(q, 6, out->mme_host, sizeof(out->mme_host));
	db_col_text(q, 7, out->mme_realm, sizeof(out->mme_realm));
	out->purged = db_col_i64(q, 8) != 0;
	return 0;
}

/* No row yet: the defaults (a subscriber without EPS settings). */
int db_eps_get(struct db *db, int64_t sub_id, struct db_eps *out)
{
	struct db_q *q = db_q(db, DB_EPS_GET);
	int ret;

	db_eps_defaults(out);
	db_bind_i64(q, "$sub", sub_id);
	ret = db_q_one(q, fill_eps, out, "eps get");
	return ret == -ENOENT ? 0 : ret;
}

int db_eps_set_profile(struct db *db, int64_t sub_id, const struct db_eps *e)
{
	struct db_q *q = db_q(db, DB_EPS_SET_PROFILE);

	db_bind_i64(q, "$sub", sub_id);
	db_bind_text(q, "$msisdn", e->msisdn);
	db_bind_i64(q, "$ul", e->ambr_ul);
	db_bind_i64(q, "$dl", e->ambr_dl);
	db_bind_i64(q, "$ard", e->access_restriction);
	db_bind_i64(q, "$nam", e->network_access_mode);
	db_bind_i64(q, "$status", e->subscriber_status);
	db_bind_i64(q, "$now", (int64_t)time(NULL));
	return db_q_exec(q, "eps set", NULL);
}

int db_eps_set_mme(struct db *db, int64_t sub_id, const char *host, const char *realm,
		   bool purged)
{
	struct db_q *q = db_q(db, DB_EPS_SET_MME);

	db_bind_i64(q, "$sub", sub_id);
	db_bind_text(q, "$host", host);
	db_bind_text(q, "$realm", realm);
	db_bind_i64(q, "$purged", purged);
	db_bind_i64(q, "$now", (int64_t)time(NULL));
	return db_q_exec(q, "eps set mme", NULL);
}
