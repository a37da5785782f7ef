/* The HSS store: open and upgrade, transactions, running the statements
 * of db_stmt.h over the backend of db_driver.h.
 *
 * Design note — SQN durability (TS 33.102 §6.3.2, Annex C):
 *   A vector whose SQN is not on disk must never leave the HSS: after a
 *   crash the HSS would hand out the same SQN again with a new RAND, and a
 *   USIM would accept the replayed SQN only once — worse, an attacker
 *   holding the first vector could replay it. So the SQN update and the
 *   answer carrying the vector are tied by one rule: answers leave only
 *   after the transaction that advanced the SQN has committed.
 *
 *   Committing per request costs one fsync (about 0.5 ms on this machine,
 *   a ceiling near 2,000 MAA/s). Instead hssd's core runs *group commit*:
 *   db_txn_begin() before a loop turn, every request of that turn inside
 *   the one transaction, db_txn_commit() once, then the answers are sent
 *   (hss/app.h). One fsync is shared by everything that arrived in a turn,
 *   so throughput grows with load while each answer still waits for its
 *   own SQN to be durable. We chose this over SQN block reservation
 *   (persist SQN+N, hand out from memory) because it keeps the database
 *   the single truth (hss-ctl set-sqn and resync act immediately, no
 *   cached blocks to invalidate across processes) and needs no gaps.
 *   What "durable at COMMIT" takes is the backend's business (SQLite:
 *   WAL with synchronous=FULL, db_sqlite.c). hssd does not wait in its
 *   loop: db_commit_start() ends the turn's transaction, the commit becomes
 *   durable in the background (db_commit_poll() says when) and the answers
 *   wait for it, not the loop (server.h, held.h).
 *
 * Statements follow osmo-hlr's db.c: one table (db_stmt.h), named
 * $parameters, all prepared at open, every run ends in one reset. The
 * schema of each backend is split into "-- @version N" steps; db_open()
 * runs the steps above the store's version, each in its own transaction,
 * and refuses a store newer than DB_SCHEMA_VERSION. */
#include "db_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

/* The backends, tried in order: the first that claims the --db value
 * serves it; the last is the default (a plain path). A new backend is one
 * line here (docs/HACKING.md). */
static const struct db_driver *const drivers[] = {
	&db_driver_pg,
	&db_driver_sqlite,
};

static const char *const stmt_names[DB_STMT_COUNT] = {
#define DB_NAME(name, sql) #name,
	DB_STMTS(DB_NAME)
#undef DB_NAME
};

static const char *const stmt_sql[DB_STMT_COUNT] = {
#define DB_SQL(name, sql) sql,
	DB_STMTS(DB_SQL)
#undef DB_SQL
};

static char open_errmsg[640];

const char *db_stmt_name(enum db_stmt id)
{
	return (unsigned)id < DB_STMT_COUNT ? stmt_names[id] : "?";
}

const char *db_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case -ENOENT: return "not found";
	case -EEXIST: return "already exists";
	case -EINVAL: return "invalid value";
	case -EIO: return "database error";
	case -EBUSY: return "database locked by another writer";
	case -ENOMEM: return "out of memory";
	case -ENOSPC: return "buffer too small";
	case -EPROTONOSUPPORT: return "database schema is newer than this program";
	case -EMEDIUMTYPE: return "not a database";
	case -EROFS: return "store opened read-only";
	default: return "unknown error";
	}
}

const char *db_errmsg(struct db *db)
{
	return db ? db->errmsg : open_errmsg;
}

size_t db_where_password(const char *where, const char **pw)
{
	const char *scheme = strstr(where, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = NULL;

	/* userinfo ends at the first '@' before any '/' (RFC 3986 §3.2.1) */
	if (at && !memchr(scheme + 3, '/', (size_t)(at - scheme - 3)))
		colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
	*pw = colon ? colon + 1 : NULL;
	return colon ? (size_t)(at - colon - 1) : 0;
}

const char *db_where_shown(const char *where, char *buf, size_t bufsz)
{
	const char *pw;
	size_t n = db_where_password(where, &pw);

	if (pw)
		snprintf(buf, bufsz, "%.*s***%s", (int)(pw - where), where, pw + n);
	else
		snprintf(buf, bufsz, "%s", where);
	return buf;
}

const char *db_backend(const struct db *db)
{
	return db->drv->name;
}

static uint64_t db_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int db_fail(struct db *db, int err, const char *what)
{
	db_cache_drop(db); /* the backend may have rolled the transaction back */
	/* A long SQL text in `what` is cut short: the message is for logs. */
	if (snprintf(db->errmsg, sizeof(db->errmsg), "%s: %s", what,
		     db->drv->errmsg(db->conn)) >= (int)sizeof(db->errmsg))
		db->errmsg[sizeof(db->errmsg) - 2] = '~';
	/* An outage (disk full, I/O errors) fails every statement: a few
	 * lines, then a count (hssd logs the outage itself, once). */
	if (err == -EIO && log_limit_pass(&db->fail_log, 3, 60000, db_now_ms())) {
		LOGE(LOG_DB, "%s%s", db->errmsg, db->fail_log.n == 3 ? " (more such lines: "
		     "at most 3 a minute)" : "");
	}
	return err;
}

/* ---- Statements: binds by name, a wrong name is a bug ------------------ */
struct db_q *db_q(struct db *db, enum db_stmt id)
{
	return &db->q[id];
}

/* The parameter's position and its bit in q->bound; 0 (and the run
 * fails) when the statement has no such parameter. */
static int pidx(struct db_q *q, const char *name)
{
	int i;

	for (i = 0; i < DB_PNAME_MEMO && i < q->nparams; i++)
		if (q->pname[i] == name) {
			q->bound |= 1ull << i;
			return i + 1;
		}
	i = q->db->drv->param_index(q->h, name);
	if (i > 0 && i <= DB_PNAME_MEMO)
		q->pname[i - 1] = name;

	if (i <= 0 || i > 64) {
		if (!q->err)
			LOGE(LOG_DB, "statement %s has no parameter %s", db_stmt_name(q->id), name);
		snprintf(q->db->errmsg, sizeof(q->db->errmsg), "statement %s has no parameter %s",
			 db_stmt_name(q->id), name);
		q->err = -EINVAL;
		return 0;
	}
	q->bound |= 1ull << (i - 1);
	return i;
}

void db_bind_null(struct db_q *q, const char *name)
{
	int i = pidx(q, name);

	if (i)
		q->db->drv->bind_null(q->h, i);
}

void db_bind_i64(struct db_q *q, const char *name, int64_t v)
{
	int i = pidx(q, name);

	if (i)
		q->db->drv->bind_i64(q->h, i, v);
}

void db_bind_str(struct db_q *q, const char *name, const char *v)
{
	int i = pidx(q, name);

	if (i && v)
		q->db->drv->bind_text(q->h, i, v);
	else if (i)
		q->db->drv->bind_null(q->h, i);
}

void db_bind_text(struct db_q *q, const char *name, const char *v)
{
	db_bind_str(q, name, v && *v ? v : NULL);
}

void db_bind_blob(struct db_q *q, const char *name, const void *v, size_t len)
{
	int i = pidx(q, name);

	if (i && v)
		q->db->drv->bind_blob(q->h, i, v, len);
	else if (i)
		q->db->drv->bind_null(q->h, i);
}

/* Every parameter bound exactly by name, else -EINVAL before running. */
static int check_bound(struct db_q *q)
{
	uint64_t all = q->nparams >= 64 ? ~0ull : (1ull << q->nparams) - 1;

	if (q->err || q->bound == all)
		return q->err;
	for (int i = 0; i < q->nparams; i++)
		if (!(q->bound & (1ull << i))) {
			LOGE(LOG_DB, "statement %s: parameter %d left unbound", db_stmt_name(q->id),
			     i + 1);
			snprintf(q->db->errmsg, sizeof(q->db->errmsg),
				 "statement %s: parameter %d left unbound", db_stmt_name(q->id), i + 1);
			break;
		}
	return q->err = -EINVAL;
}

int db_row(struct db_q *q, const char *what)
{
	int ret = check_bound(q);

	if (ret)
		return ret;
	ret = q->db->drv->step(q->db->conn, q->h);
	return ret < 0 ? db_fail(q->db, ret, what) : ret;
}

void db_q_done(struct db_q *q)
{
	q->db->drv->reset(q->h);
	q->bound = 0;
	q->err = 0;
}

int db_q_exec(struct db_q *q, const char *what, int64_t *id)
{
	int ret = db_row(q, what);

	if (ret == 1 && id)
		*id = db_col_i64(q, 0);
	db_q_done(q);
	return ret < 0 ? ret : 0;
}

int db_q_change(struct db_q *q, const char *what)
{
	int ret = db_row(q, what);

	if (ret >= 0)
		ret = q->db->drv->changes(q->db->conn, q->h) == 0 ? -ENOENT : 0;
	db_q_done(q);
	return ret;
}

int db_q_cas(struct db_q *q, const char *what)
{
	struct db *db = q->db;
	int ret;

	if (db->async && db->drv->defer) {
		ret = check_bound(q);
		if (!ret && (ret = db->drv->defer(db->conn, q->h, db->tag)) != 0)
			db_fail(db, ret, what);
		db_q_done(q);
		return ret;
	}
	ret = db_q_change(q, what);
	return ret == -ENOENT ? -ESTALE : ret;
}

int db_q_one(struct db_q *q, db_fill_fn fill, void *out, const char *what)
{
	int ret = db_row(q, what);

	if (ret == 1)
		ret = fill(q, out);
	else if (ret == 0)
		ret = -ENOENT;
	db_q_done(q);
	return ret;
}

bool db_col_null(struct db_q *q, int col)
{
	return q->db->drv->col_null(q->h, col);
}

int64_t db_col_i64(struct db_q *q, int col)
{
	return q->db->drv->col_i64(q->h, col);
}

const char *db_col_str(struct db_q *q, int col)
{
	size_t n;

	return q->db->drv->col_text(q->h, col, &n);
}

void db_col_text(struct db_q *q, int col, char *out, size_t outsz)
{
	size_t n = 0;
	const char *t = q->db->drv->col_text(q->h, col, &n);

	if (n >= outsz)
		n = outsz - 1; /* columns are bounded by the writers; never overrun */
	memcpy(out, t ? t : "", n);
	out[n] = '\0';
}

int db_col_blob(struct db_q *q, int col, uint8_t *out, size_t len)
{
	size_t n = 0;
	const void *b = q->db->drv->col_blob(q->h, col, &n);

	if (!b || n != len)
		return -1;
	memcpy(out, b, len);
	return 0;
}

/* ---- Schema steps -------------------------------------------------------- */
#define STEP_MARK "-- @version "

/* Finds the text of step `version` inside a schema. */
static const char *schema_step_find(const char *schema, int version, size_t *len)
{
	const char *p = schema, *start = NULL;

	while ((p = strstr(p, STEP_MARK))) {
		int v = atoi(p + strlen(STEP_MARK));

		if (start) {
			*len = (size_t)(p - start);
			return start;
		}
		if (v == version)
			start = p;
		p += strlen(STEP_MARK);
	}
	if (start)
		*len = strlen(start);
	return start;
}

int db_schema_step(const char *schema, int version, char *buf, size_t bufsz)
{
	size_t len = 0;
	const char *s = schema_step_find(schema, version, &len);

	if (!s)
		return -ENOENT;
	if (len + 1 > bufsz)
		return -ENOSPC;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static int schema_version(struct db *db, int *v)
{
	int ret = db->drv->schema_version(db->conn, v);

	return ret ? db_fail(db, ret, "schema version") : 0;
}

int db_scalar(struct db *db, const char *sql, int64_t *v)
{
	struct db_handle *h;
	int ret = db->drv->prepare(db->conn, sql, &h);

	*v = 0;
	if (ret)
		return db_fail(db, ret, sql);
	ret = db->drv->step(db->conn, h);
	if (ret == 1)
		*v = db->drv->col_i64(h, 0);
	db->drv->finalize(h);
	return ret < 0 ? db_fail(db, ret, sql) : 0;
}

/* A store at version 0 with tables is another program's database (--db
 * pointed at the wrong file): refused before anything is written to it.
 * An HSS store's first step creates its tables and sets its version in
 * one transaction, so tables seen before a version re-read still 0 are not
 * ours; a version > 0 by then is another process creating the store. */
static int foreign_store(struct db *db, int *v)
{
	int64_t n;
	int ret = db_scalar(db, db->drv->tables_sql, &n);

	if (ret || !n || (ret = schema_version(db, v)) != 0 || *v)
		return ret;
	snprintf(db->errmsg, sizeof(db->errmsg), "not an HSS store (it has tables, but no HSS "
		 "schema version)%s", db->flags & DB_OPEN_READONLY ? "" :
		 "; refusing to add the HSS schema to it");
	return -EMEDIUMTYPE;
}

static int too_new(struct db *db, int v)
{
	snprintf(db->errmsg, sizeof(db->errmsg),
		 "database schema version %d is newer than this program's %d; use newer "
		 "programs (hssd, hss-ctl, ims-trace)", v, DB_SCHEMA_VERSION);
	return -EPROTONOSUPPORT;
}

/* One upgrade step in one transaction; the version is re-read under the
 * write lock so two processes opening a fresh store do not both run it. */
static int schema_upgrade_step(struct db *db, int to)
{
	static char sql[16384];
	int cur, ret;

	ret = db_schema_step(db->drv->schema_sql, to, sql, sizeof(sql));
	if (ret)
		return ret;
	ret = db->drv->begin(db->conn);
	if (ret)
		return db_fail(db, ret, "BEGIN (schema upgrade)");
	ret = schema_version(db, &cur);
	if (!ret && cur < to) {
		ret = db->drv->exec(db->conn, sql);
		if (ret)
			db_fail(db, ret, "schema upgrade step");
		else if (!ret && (ret = db->drv->set_schema_version(db->conn, to)) != 0)
			db_fail(db, ret, "set schema version");
	}
	if (ret) {
		db->drv->rollback(db->conn);
		return ret;
	}
	ret = db->drv->commit(db->conn);
	return ret ? db_fail(db, ret, "COMMIT (schema upgrade)") : 0;
}

static int schema_upgrade(struct db *db, int v)
{
	int ret = 0;

	for (int to = v + 1; to <= DB_SCHEMA_VERSION && !ret; to++)
		ret = schema_upgrade_step(db, to);
	if (!ret && v > 0 && v < DB_SCHEMA_VERSION)
		LOGN(LOG_DB, "database schema upgraded from version %d to %d", v,
		     DB_SCHEMA_VERSION);
	return ret;
}

/* ---- Open / close / transactions --------------------------------------- */
static int prepare_all(struct db *db)
{
	for (int i = 0; i < DB_STMT_COUNT; i++) {
		struct db_q *q = &db->q[i];
		int ret = db->drv->prepare(db->conn, stmt_sql[i], &q->h);

		if (ret)
			return db_fail(db, ret, stmt_names[i]);
		*q = (struct db_q){ .db = db, .h = q->h, .id = (enum db_stmt)i,
				    .nparams = db->drv->param_count(q->h) };
	}
	return 0;
}

static void on_rollback(void *arg)
{
	db_cache_drop(arg); /* whatever this connection wrote is undone */
}

static int db_setup(struct db *db)
{
	int v, ret = schema_version(db, &v);

	/* Refuse a newer store, or another program's, before touching it
	 * (db_driver.h init_rw). */
	if (!ret && v == 0)
		ret = foreign_store(db, &v);
	if (ret)
		return ret;
	if (v > DB_SCHEMA_VERSION)
		return too_new(db, v);
	if (db->flags & DB_OPEN_READONLY) {
		/* A read-only open neither creates nor upgrades (ims-trace, views) */
		if (v == 0) {
			snprintf(db->errmsg, sizeof(db->errmsg), "not an hss-ctl store (no schema "
				 "version: hss-ctl creates the store with its first command)");
			return -EMEDIUMTYPE;
		}
		if (v < DB_SCHEMA_VERSION) {
			snprintf(db->errmsg, sizeof(db->errmsg),
				 "database schema version %d is older than %d and the store is "
				 "opened read-only: open it once read-write (hssd, or any hss-ctl "
				 "command that writes) to upgrade it", v, DB_SCHEMA_VERSION);
			return -EROFS;
		}
	} else {
		ret = db->drv->init_rw(db->conn);
		if (ret)
			return db_fail(db, ret, "store settings");
		ret = schema_upgrade(db, v);
		if (!ret && db->drv->after_upgrade && (ret = db->drv->after_upgrade(db->conn)))
			db_fail(db, ret, "store settings after the upgrade");
	}
	if (!ret)
		ret = prepare_all(db);
	db->drv->on_rollback(db->conn, on_rollback, db);
	return ret;
}

static const struct db_driver *driver_for(const char *where)
{
	size_t n = sizeof(drivers) / sizeof(drivers[0]);

	for (size_t i = 0; i + 1 < n; i++)
		if (drivers[i]->claims(where))
			return drivers[i];
	return drivers[n - 1];
}

int db_open_mode(const char *where, unsigned flags, struct db **out)
{
	struct db *db = calloc(1, sizeof(*db));
	int ret;

	*out = NULL;
	if (!db)
		return -ENOMEM;
	db->drv = driver_for(where);
	db->flags = flags;
	open_errmsg[0] = '\0';
	ret = db->drv->open(where, flags, &db->conn, open_errmsg, sizeof(open_errmsg));
	if (ret) {
		free(db);
		return ret;
	}
	ret = db_setup(db);
	if (ret) {
		char shown[512]; /* never a PostgreSQL password */

		snprintf(open_errmsg, sizeof(open_errmsg), "%s: %s",
			 db_where_shown(where, shown, sizeof(shown)), db->errmsg);
		db_close(db);
		return ret;
	}
	*out = db;
	return 0;
}

int db_open(const char *where, struct db **out)
{
	return db_open_mode(where, 0, out);
}

int db_open_reader(struct db *db, struct db **out)
{
	const char *where = db->drv->reader_where ? db->drv->reader_where(db->conn) : NULL;

	*out = NULL;
	return where ? db_open_mode(where, DB_OPEN_READONLY, out) : -ENOTSUP;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < DB_STMT_COUNT; i++)
		if (db->q[i].h)
			db->drv->finalize(db->q[i].h);
	db->drv->close(db->conn);
	db_cache_free(db);
	free(db);
}

int db_txn_begin(struct db *db)
{
	int ret = db->drv->begin(db->conn);

	db_cache_txn_edge(db);
	if (!ret)
		db_cache_txn_began(db);
	return ret ? db_fail(db, ret, "BEGIN") : 0;
}

int db_txn_commit(struct db *db)
{
	int ret = db->drv->commit(db->conn);

	db_cache_txn_edge(db);
	return ret ? db_fail(db, ret, "COMMIT") : 0; /* a failure clears the cache */
}

int db_txn_rollback(struct db *db)
{
	int ret;

	db_cache_txn_edge(db);
	db_cache_drop(db); /* SQN and registration writes of the turn are undone */
	ret = db->drv->rollback(db->conn);
	return ret ? db_fail(db, ret, "ROLLBACK") : 0;
}

void db_set_busy_timeout(struct db *db, int ms)
{
	db->drv->set_busy_timeout(db->conn, ms);
}

/* ---- Group commit without stopping the loop (db.h) ---------------------- */
int db_async_enable(struct db *db)
{
	int ret = db->drv->async_enable(db->conn);

	if (ret)
		return db_fail(db, ret, "asynchronous commit");
	db->async = true;
	return 0;
}

void db_set_tag(struct db *db, uint32_t tag)
{
	db->tag = tag;
}

int db_commit_start(struct db *db, uint64_t *seq, bool here)
{
	int ret = db->drv->commit_start(db->conn, seq, here);

	if (ret != -EAGAIN)
		db_cache_txn_edge(db);
	return ret && ret != -EAGAIN ? db_fail(db, ret, "COMMIT") : ret;
}

int db_commit_fd(struct db *db)
{
	return db->drv->commit_fd(db->conn);
}

bool db_commit_fd_steady(const struct db *db)
{
	return db->drv->commit_fd_steady;
}

int db_commit_poll(struct db *db, struct db_commit_done *out)
{
	int ret = db->drv->commit_poll(db->conn, out);

	/* A commit that failed, or SQNs another writer moved: what the cache
	 * holds of them is not the store's any more. */
	if (ret == 1 && (out->err || out->nfailed))
		db_cache_drop(db);
	if (ret == 1 && out->err && out->err != -ENOTCONN)
		snprintf(db->errmsg, sizeof(db->errmsg), "COMMIT: %s", db->drv->errmsg(db->conn));
	return ret;
}

void db_forget_cached(struct db *db)
{
	db_cache_drop(db);
}

bool db_in_txn(const struct db *db)
{
	return db->drv->in_txn(db->conn);
}

int db_checkpoint(struct db *db)
{
	int ret = db->drv->checkpoint ? db->drv->checkpoint(db->conn) : 0;

	return ret ? db_fail(db, ret, "checkpoint") : 0;
}

int db_probe_write(struct db *db)
{
	/* The tables an MAR/AIR (SQN), an SAR (registration), a ULR and the
	 * RTR/PPR queue write; the columns exist in both schemas. */
	static const char *const probe[] = {
		"UPDATE subscriber_sqn SET subscriber_id = subscriber_id WHERE 1 = 0",
		"UPDATE registration SET impu_id = impu_id WHERE 1 = 0",
		"UPDATE eps_subscription SET subscriber_id = subscriber_id WHERE 1 = 0",
		"UPDATE out_queue SET id = id WHERE 1 = 0",
	};

	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		int ret = db->drv->exec(db->conn, probe[i]);

		if (ret) {
			snprintf(db->errmsg, sizeof(db->errmsg), "%s",
				 db->drv->errmsg(db->conn));
			db->errmsg[strcspn(db->errmsg, "\n")] = '\0';
			return ret;
		}
	}
	return 0;
}

int db_data_version(struct db *db, int64_t *v)
{
	int ret = db->drv->data_version(db->conn, v);

	return ret ? db_fail(db, ret, "data version") : 0;
}
