/* Copying a store whole, any backend to any backend (db.h db_copy, hss-ctl
 * migrate): every table of the schema, every row with its ids, in one
 * transaction of the destination, so it is all or nothing.
 *
 * The tables and their columns are listed here, in an order that keeps
 * every foreign key resolvable. A schema step that adds a table or a
 * column must add it here too: test_db_copy compares this list with the
 * SQLite schema and fails until it does. */
#include "db_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Columns as "TYPE:name", TYPE i integer, t text, b blob. has_id: an id
 * handed out by the store (its high mark is carried over). */
static const struct copy_table {
	const char *name;
	const char *cols;
	bool has_id;
} tables[] = {
	{ "subscriber", "i:id t:imsi t:impi t:algo b:k b:op b:opc b:amf i:res_len "
			"t:password t:auth_scheme i:mac_len i:ck_len i:ik_len i:iterations", true },
	{ "impu", "i:id i:subscriber_id t:uri i:barred i:irs t:ifc_xml", true },
	{ "registration", "i:impu_id i:state t:scscf_name i:updated t:scscf_host t:scscf_realm",
	  false },
	{ "apn", "i:id t:name i:pdn_type i:qci i:arp_priority i:preempt_cap i:preempt_vuln "
		 "i:ambr_ul i:ambr_dl", true },
	{ "subscriber_apn", "i:subscriber_id i:apn_id i:context_id i:is_default t:static_ip",
	  false },
	{ "eps_subscription", "i:subscriber_id t:msisdn i:ambr_ul i:ambr_dl i:access_restriction "
			      "i:network_access_mode i:subscriber_status t:mme_host t:mme_realm "
			      "i:purged i:updated", false },
	{ "charging_info", "i:subscriber_id t:ecf_primary t:ecf_secondary t:ccf_primary "
			   "t:ccf_secondary", false },
	{ "out_queue", "i:id t:kind t:user_name t:impu t:host t:realm i:code t:info t:state "
		       "i:attempts i:sends i:hbh i:e2e i:result i:created i:updated", true },
	{ "fault_rule", "i:id t:command t:user_glob i:every i:probability_ppm i:max_count "
			"t:action i:fired i:created", true },
	{ "fault_version", "i:id i:version", false },
	{ "subscriber_sqn", "i:subscriber_id i:sqn", false },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))
_Static_assert(NTABLES == DB_COPY_TABLES, "db.h DB_COPY_TABLES");
#define MAX_COLS 24

int db_copy_table(size_t i, const char **name, const char **cols)
{
	if (i >= NTABLES)
		return -ENOENT;
	*name = tables[i].name;
	*cols = tables[i].cols;
	return 0;
}

struct cols {
	int n;
	char type[MAX_COLS];
	char name[MAX_COLS][32];
};

static void split_cols(const char *spec, struct cols *c)
{
	c->n = 0;
	for (const char *p = spec; *p && c->n < MAX_COLS;) {
		size_t l = strcspn(p, " ");

		c->type[c->n] = p[0];
		snprintf(c->name[c->n], sizeof(c->name[0]), "%.*s", (int)l - 2, p + 2);
		c->n++;
		p += l;
		p += *p == ' ';
	}
}

/* "SELECT a, b FROM t ORDER BY 1" and "INSERT INTO t (a, b) VALUES ($c0, $c1)". */
static void build_sql(const char *table, const struct cols *c, char *sel, char *ins, size_t sz)
{
	size_t ns = (size_t)snprintf(sel, sz, "SELECT ");
	size_t ni = (size_t)snprintf(ins, sz, "INSERT INTO %s (", table);

	for (int k = 0; k < c->n; k++) {
		ns += (size_t)snprintf(sel + ns, sz - ns, "%s%s", k ? ", " : "", c->name[k]);
		ni += (size_t)snprintf(ins + ni, sz - ni, "%s%s", k ? ", " : "", c->name[k]);
	}
	snprintf(sel + ns, sz - ns, " FROM %s ORDER BY 1", table);
	ni += (size_t)snprintf(ins + ni, sz - ni, ") VALUES (");
	for (int k = 0; k < c->n; k++)
		ni += (size_t)snprintf(ins + ni, sz - ni, "%s$c%d", k ? ", " : "", k);
	snprintf(ins + ni, sz - ni, ")");
}

/* Row i of the source into the insert of the destination. */
static void bind_row(struct db *from, struct db_handle *s, struct db *to, struct db_handle *d,
		     const struct cols *c)
{
	for (int k = 0; k < c->n; k++) {
		size_t len;
		const void *b;

		if (from->drv->col_null(s, k)) {
			to->drv->bind_null(d, k + 1);
		} else if (c->type[k] == 'i') {
			to->drv->bind_i64(d, k + 1, from->drv->col_i64(s, k));
		} else if (c->type[k] == 't') {
			to->drv->bind_text(d, k + 1, from->drv->col_text(s, k, &len));
		} else {
			b = from->drv->col_blob(s, k, &len);
			to->drv->bind_blob(d, k + 1, b ? b : "", len);
		}
	}
}

static int copy_rows(struct db *from, struct db *to, const struct copy_table *t, int64_t *rows)
{
	char sel[1024], ins[1024], sql[1024];
	struct db_handle *s = NULL, *d = NULL;
	struct cols c;
	int64_t high = 0;
	int ret;

	*rows = 0;
	split_cols(t->cols, &c);
	build_sql(t->name, &c, sel, ins, sizeof(sel));
	ret = from->drv->prepare(from->conn, sel, &s);
	if (ret)
		return db_fail(from, ret, sel);
	ret = to->drv->prepare(to->conn, ins, &d);
	if (ret) {
		from->drv->finalize(s);
		return db_fail(to, ret, ins);
	}
	while ((ret = from->drv->step(from->conn, s)) == 1) {
		int r;

		bind_row(from, s, to, d, &c);
		r = to->drv->step(to->conn, d);
		to->drv->reset(d);
		if (r < 0) {
			ret = db_fail(to, r, t->name);
			break;
		}
		(*rows)++;
	}
	if (ret < 0 && !to->errmsg[0])
		db_fail(from, ret, t->name);
	from->drv->finalize(s);
	to->drv->finalize(d);
	if (ret < 0 || !t->has_id)
		return ret < 0 ? ret : 0;
	/* ids never reused: the destination's next id after the source's mark */
	snprintf(sql, sizeof(sql), from->drv->id_high_sql, t->name);
	ret = db_scalar(from, sql, &high);
	snprintf(sql, sizeof(sql), to->drv->id_set_sql, t->name, (long long)high);
	if (!ret && (ret = to->drv->exec(to->conn, sql)) != 0)
		db_fail(to, ret, sql);
	return ret;
}

/* Empty: no row in any table but fault_version's one (every new store has it). */
static int check_empty(struct db *to)
{
	char sql[128];

	for (size_t i = 0; i < NTABLES; i++) {
		int64_t n;
		int ret;

		if (!strcmp(tables[i].name, "fault_version"))
			continue;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i].name);
		ret = db_scalar(to, sql, &n);
		if (ret)
			return ret;
		if (n) {
			snprintf(to->errmsg, sizeof(to->errmsg),
				 "the destination is not empty (%s: %lld rows): migrate copies into a "
				 "new store only", tables[i].name, (long long)n);
			return -ENOTEMPTY;
		}
	}
	return 0;
}

int db_copy(struct db *from, struct db *to, int64_t rows[DB_COPY_TABLES])
{
	int ret = from->drv->exec(from->conn, from->drv->snapshot_sql);

	if (ret)
		return db_fail(from, ret, "read snapshot");
	to->errmsg[0] = '\0';
	ret = db_txn_begin(to);
	if (!ret)
		ret = check_empty(to);
	if (!ret && (ret = to->drv->exec(to->conn, "DELETE FROM fault_version")) != 0)
		db_fail(to, ret, "fault_version");
	for (size_t i = 0; !ret && i < NTABLES; i++)
		ret = copy_rows(from, to, &tables[i], &rows[i]);
	if (!ret)
		ret = db_txn_commit(to);
	else
		db_txn_rollback(to);
	from->drv->exec(from->conn, "COMMIT");
	return ret;
}
