/* The PostgreSQL store backend (db_driver.h) over libpq: --db
 * postgresql://USER@HOST:PORT/DB (any libpq URI, postgres:// too).
 *
 * Design note — several hssd on one PostgreSQL (docs/hssd.md):
 *  - Statements are the store's one table (db_stmt.h): "$name" parameters
 *    become $1..$n at prepare time, every statement is prepared once per
 *    connection (again after a reconnect). Values go as text, blobs as
 *    binary; results come back as text (bytea as \x hex).
 *  - The SQN is never trusted from a cache across instances: hssd takes
 *    it with a compare-and-swap UPDATE (… WHERE sqn = the SQN it read)
 *    that is *deferred* to the turn's commit, so a MAR served from the
 *    cache costs no round trip of its own. A CAS that finds another SQN
 *    (another hssd, hss-ctl set-sqn) changes nothing and marks its request
 *    (the tag the core set) as failed: the core runs that request again
 *    on fresh data and never sends its first answer. Row locks make the
 *    CAS exact: a second writer waits for the first's commit and then sees
 *    the new SQN. A commit's CAS updates go as one statement (CAS_SQL).
 *  - Group commit without stopping the loop: commit_start sends BEGIN (if
 *    no statement opened the transaction), the deferred CAS updates and
 *    COMMIT in one pipeline and returns; the socket tells when the results
 *    are in (commit_poll). synchronous_commit stays on: COMMIT returns
 *    when the WAL is flushed, so a finished commit is a durable one. One
 *    commit is in flight at a time (the turns ending meanwhile join one
 *    transaction: the next commit carries all that arrived during a
 *    flush); a statement that must run meanwhile first waits for it,
 *    except a plain SELECT that the read connection may take (rd_usable).
 *  - Caches of other instances learn of changes through LISTEN hss_store:
 *    triggers (schema_pg.sql step 4) notify at commit when identities,
 *    keys or registrations change; data_version() counts the
 *    notifications of other sessions, reading the socket once per loop
 *    turn (PG_FRESH_US).
 *  - PostgreSQL unreachable: every call fails at once with -ENOTCONN (the
 *    core answers 5012), a reconnect is tried without blocking at most
 *    once a second, one log line when the store goes away and one when it
 *    is back. TCP keepalives and tcp_user_timeout bound a frozen server. */
#include "db_driver.h"
#include "schema_sql.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

#define PG_MAX_PARAMS 24
#define PG_MAX_DEFERRED 4096
#define PG_RECONNECT_MS 1000
#define PG_FRESH_US 1000
/* The SQN compare-and-swap (db_stmt.h SUB_ADVANCE_SQN, word for word: if
 * the two differ, the updates simply run one by one) and the same for a
 * whole commit in one statement: $1 subscriber ids, $2 the SQNs read,
 * $3 the new SQNs, $4 group numbers; RETURNING names the groups whose
 * compare held. Rows are locked in the order of $1 (sorted by id: two
 * hssd lock the rows they share in the same order, no deadlock). Under
 * READ COMMITTED a row another transaction changed meanwhile is checked
 * again on its new version (EvalPlanQual), so the compare is exact as for
 * the one-row statement. */
#define CAS_ONE_SQL "UPDATE subscriber_sqn SET sqn = $sqn WHERE subscriber_id = $id AND " \
		    "sqn = $old"
#define CAS_SQL "UPDATE subscriber_sqn s SET sqn = u.new FROM unnest($1::bigint[], " \
		"$2::bigint[], $3::bigint[], $4::int[]) AS u(id, old, new, g) " \
		"WHERE s.subscriber_id = u.id AND s.sqn = u.old RETURNING u.g"
/* Bounds on a server that stops answering (libpq connection options). */
#define PG_CONN_OPTS "connect_timeout=5 keepalives=1 keepalives_idle=5 " \
		     "keepalives_interval=1 keepalives_count=3 tcp_user_timeout=5000"

struct db_handle {
	struct db_conn *c;
	struct db_handle *next;   /* the connection's statements, to re-prepare */
	char name[16];
	char *sql;                /* with $1..$n */
	int nparams;
	char pname[PG_MAX_PARAMS][32];
	const char *val[PG_MAX_PARAMS];
	int len[PG_MAX_PARAMS], fmt[PG_MAX_PARAMS];
	char num[PG_MAX_PARAMS][24];
	PGresult *res;
	int row, nrows;
	bool ran;
	bool ro;                  /* a plain SELECT: may run on the read connection */
	int cas_id, cas_old, cas_new; /* SUB_ADVANCE_SQN: its parameters (0-based), else -1 */
	unsigned rd_gen;          /* prepared on the read connection of that generation */
	/* bytea columns of the current row decoded, one after the other (each
	 * valid until the next step, as db_driver.h promises) */
	uint8_t blob[4096];
	size_t blob_used;
};

/* A CAS update run at commit time (its values copied). */
struct deferred {
	struct db_handle *h;
	uint32_t tag;
	char val[PG_MAX_PARAMS][24];
	bool null[PG_MAX_PARAMS];
};

struct db_conn {
	PGconn *pg;
	char *conninfo;
	struct db_handle *stmts;
	int nstmts;
	bool readonly;
	bool txn;                 /* a transaction is open (BEGIN sent) */
	bool want_txn;            /* db_txn_begin was called: BEGIN before the next statement */
	bool down;                /* logged as unreachable */
	bool lost;                /* went down holding deferred SQN updates or an open
				   * transaction: the next commit must fail (went_down) */
	bool connecting;          /* PQconnectStart in progress */
	uint64_t down_since_ms, last_try_ms, failed_calls;
	int64_t version;          /* notifications of other sessions seen (+ reconnects) */
	char err[512];
	void (*rollback_fn)(void *);
	void *rollback_arg;
	struct deferred *def;
	size_t ndef;
	/* the commit in flight: its deferred writes' tags, results read */
	bool inflight, inflight_begin;
	uint32_t *inflight_tags;
	size_t ninflight, res_i;
	/* the SQN updates of the commit in flight as one statement (CAS_SQL):
	 * per tag its group (one subscriber's chain), per group whether the
	 * statement's RETURNING named it */
	bool inflight_batch, cas_ready;
	uint32_t *inflight_grp;
	bool *grp_ok;
	size_t ngrp;
	uint64_t seq, inflight_seq;
	int inflight_err;
	uint32_t *failed_tags;
	size_t nfailed, capfailed;
	struct db_commit_done done; /* a finished commit not yet collected */
	bool done_ready;
	bool inflight_sync;       /* the commit in flight ran statements of its own */
	uint64_t fresh_us;        /* when collect last read the socket (0: consumed) */
	/* hssd's loop only: a second connection for plain SELECTs outside a
	 * transaction, so a cache miss does not wait for the WAL flush of the
	 * commit in flight (see rd_usable). */
	PGconn *rd;
	bool rd_wanted;
	unsigned rd_gen;
	uint64_t rd_last_try_ms;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static bool pg_claims(const char *where)
{
	return !strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11);
}

static const char *pg_errmsg(struct db_conn *c)
{
	return c->err;
}

/* The first line of libpq's message, into c->err. */
static void set_err(struct db_conn *c, const char *msg)
{
	snprintf(c->err, sizeof(c->err), "%s", msg && *msg ? msg : "unknown error");
	c->err[strcspn(c->err, "\n")] = '\0';
}

/* -errno for a failed result (SQLSTATE classes, PostgreSQL Appendix A). */
static int res_err(struct db_conn *c, PGresult *r)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	set_err(c, r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
	if (PQstatus(c->pg) != CONNECTION_OK)
		return -ENOTCONN;
	if (!st)
		return -EIO;
	if (!strcmp(st, "23505"))
		return -EEXIST;
	if (!strncmp(st, "23", 2))
		return -EINVAL;
	if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "55P03"))
		return -EBUSY;
	if (!strcmp(st, "25006"))
		return -EROFS; /* read-only transaction */
	return -EIO;
}

/* ---- connection, outage, reconnect ------------------------------------------ */
static void went_down(struct db_conn *c)
{
	if (c->down)
		return;
	c->down = true;
	c->down_since_ms = now_ms();
	c->failed_calls = 0;
	/* The deferred SQN updates and the open transaction's writes are gone
	 * with the connection, but the answers that rely on them are held by
	 * the core until the next commit: that commit must fail (5012 for each)
	 * even if the connection is back by then, never be "done at once"
	 * with nothing to write — their SQNs were never stored, so releasing
	 * them would hand the same SQNs out again (e2e/ha-durability). */
	c->lost = c->ndef > 0 || c->txn;
	c->txn = false;
	c->ndef = 0;
	/* A commit in flight is lost with the connection too: its outcome is
	 * an error for commit_poll to hand over, never nothing — the core
	 * pairs finished commits with held batches in order, and one outcome
	 * missing would release every later batch on the next commit's result
	 * ("commit N finished, batch N-1 expected"). */
	if (c->inflight) {
		c->inflight = false;
		c->done = (struct db_commit_done){ .seq = c->inflight_seq, .err = -ENOTCONN };
		c->done_ready = true;
	}
	LOGE(LOG_DB, "PostgreSQL unreachable (%s): answering 5012 until it is back, "
		     "reconnecting once a second", c->err);
}

static int session_setup(struct db_conn *c);

/* A reconnect without blocking: PQconnectStart, then PQconnectPoll on each
 * later call; 0 once the connection is back (session set up again). */
static int reconnect(struct db_conn *c)
{
	uint64_t t = now_ms();
	PostgresPollingStatusType st;

	if (!c->connecting) {
		if (t - c->last_try_ms < PG_RECONNECT_MS)
			return -ENOTCONN;
		c->last_try_ms = t;
		PQfinish(c->pg);
		c->pg = PQconnectStart(c->conninfo);
		if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD)
			return -ENOTCONN;
		c->connecting = true;
	}
	st = PQconnectPoll(c->pg);
	if (st == PGRES_POLLING_FAILED) {
		c->connecting = false;
		return -ENOTCONN;
	}
	if (st != PGRES_POLLING_OK)
		return -ENOTCONN;
	c->connecting = false;
	if (session_setup(c))
		return -ENOTCONN;
	LOGN(LOG_DB, "PostgreSQL reachable again after %llu s (%llu calls failed meanwhile)",
	     (unsigned long long)((now_ms() - c->down_since_ms) / 1000),
	     (unsigned long long)c->failed_calls);
	c->down = false;
	c->version++; /* notifications were missed: caches start afresh */
	return 0;
}

/* 0 when the connection can take a statement now; -ENOTCONN fast when not. */
static int usable(struct db_conn *c)
{
	if (!c->down && PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	if (!c->down) {
		set_err(c, PQerrorMessage(c->pg));
		went_down(c);
	}
	if (reconnect(c) == 0)
		return 0;
	c->failed_calls++;
	snprintf(c->err, sizeof(c->err), "PostgreSQL unreachable");
	return -ENOTCONN;
}

static int pg_exec_raw(struct db_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	int ret = 0;
	ExecStatusType s = PQresultStatus(r);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		ret = res_err(c, r);
	PQclear(r);
	if (ret == -ENOTCONN)
		went_down(c);
	return ret;
}

static int prepare_on_server(struct db_conn *c, struct db_handle *h)
{
	PGresult *r = PQprepare(c->pg, h->name, h->sql, h->nparams, NULL);
	int ret = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : res_err(c, r);

	PQclear(r);
	return ret;
}

/* After (re)connecting: session settings, LISTEN, every statement. */
static int session_setup(struct db_conn *c)
{
	int ret = pg_exec_raw(c, "SET client_min_messages = warning");

	if (!ret)
		ret = pg_exec_raw(c, "SET synchronous_commit = on");
	if (!ret)
		ret = pg_exec_raw(c, "LISTEN hss_store");
	for (struct db_handle *h = c->stmts; h && !ret; h = h->next)
		ret = prepare_on_server(c, h);
	c->cas_ready = false; /* prepared at its first use (the schema may not exist yet) */
	c->txn = c->want_txn = false;
	return ret;
}

/* libpq's parse errors quote the URI, or the token that failed, password
 * and all ("invalid percent-encoded token: \"s3%zzcret\""): every copy of
 * the password in msg is replaced by *** (db_where_shown masks the URI the
 * same way). */
static void mask_password(const char *where, const char *msg, char *out, size_t outsz)
{
	const char *pw;
	size_t o = 0, pl = db_where_password(where, &pw);

	while (*msg && o + 4 < outsz) {
		if (pl && !strncmp(msg, pw, pl)) {
			memcpy(out + o, "***", 3);
			o += 3;
			msg += pl;
		} else {
			out[o++] = *msg++;
		}
	}
	out[o] = '\0';
}

static int pg_open(const char *where, unsigned flags, struct db_conn **out, char *err,
		   size_t errsz)
{
	struct db_conn *c = calloc(1, sizeof(*c));
	size_t n = strlen(where) + sizeof(PG_CONN_OPTS) + 8;
	char shown[512];

	*out = NULL;
	if (!c || !(c->conninfo = malloc(n)))
		return free(c), -ENOMEM;
	/* A URI takes extra options as ?key=value&...; keep the caller's. */
	snprintf(c->conninfo, n, "%s%s%s", where, strchr(where, '?') ? "&" : "?", PG_CONN_OPTS);
	for (char *p = strchr(c->conninfo, '?') + 1; *p; p++)
		if (*p == ' ')
			*p = '&';
	c->readonly = flags & DB_OPEN_READONLY;
	c->pg = PQconnectdb(c->conninfo);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		mask_password(where, PQerrorMessage(c->pg), c->err, sizeof(c->err));
		snprintf(err, errsz, "%s: %s", db_where_shown(where, shown, sizeof(shown)), c->err);
		err[strcspn(err, "\n")] = '\0';
		PQfinish(c->pg);
		free(c->conninfo);
		free(c);
		return -ENOTCONN;
	}
	if (session_setup(c)) {
		snprintf(err, errsz, "%s: %s", db_where_shown(where, shown, sizeof(shown)), c->err);
		PQfinish(c->pg);
		free(c->conninfo);
		free(c);
		return -EIO;
	}
	if (c->readonly)
		pg_exec_raw(c, "SET default_transaction_read_only = on");
	*out = c;
	return 0;
}

static void stmt_clear(struct db_handle *h)
{
	PQclear(h->res);
	h->res = NULL;
	h->ran = false;
	h->row = h->nrows = 0;
}

static void pg_close(struct db_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	PQfinish(c->rd);
	free(c->conninfo);
	free(c->def);
	free(c->inflight_tags);
	free(c->inflight_grp);
	free(c->grp_ok);
	free(c->failed_tags);
	free(c);
}

/* ---- transactions ------------------------------------------------------------- */
static int wait_inflight(struct db_conn *c);

static int pg_exec(struct db_conn *c, const char *sql)
{
	int ret = usable(c);

	if (!ret)
		ret = wait_inflight(c);
	return ret ? ret : pg_exec_raw(c, sql);
}

/* BEGIN now when db_txn_begin asked for a transaction and none is open. */
static int open_txn(struct db_conn *c)
{
	int ret;

	if (!c->want_txn || c->txn)
		return 0;
	ret = pg_exec_raw(c, "BEGIN");
	c->txn = ret == 0;
	return ret;
}

/* The transaction opens lazily: at the first statement, or with the commit
 * (a turn of cache hits costs no round trip before its commit). */
static int pg_begin(struct db_conn *c)
{
	int ret = usable(c);

	if (ret)
		return ret;
	c->want_txn = true;
	c->ndef = 0;
	return 0;
}

static void failed_tag(struct db_conn *c, uint32_t tag)
{
	if (c->nfailed == c->capfailed) {
		size_t cap = c->capfailed ? c->capfailed * 2 : 64;
		uint32_t *p = realloc(c->failed_tags, cap * sizeof(*p));

		if (!p)
			return;
		c->failed_tags = p;
		c->capfailed = cap;
	}
	c->failed_tags[c->nfailed++] = tag;
}

static int run_deferred_sync(struct db_conn *c);

/* A write that failed inside BEGIN … COMMIT leaves the server's transaction
 * aborted: in a pipeline the COMMIT after it is skipped up to the sync
 * (PostgreSQL docs, "Pipeline Mode": PGRES_PIPELINE_ABORTED), and the sync
 * path stops before COMMIT. Until a ROLLBACK every later statement of this
 * session fails with "current transaction is aborted" (25P02): end it. */
static void end_failed_txn(struct db_conn *c)
{
	PGTransactionStatusType ts;

	if (c->down || !c->pg || PQstatus(c->pg) != CONNECTION_OK)
		return;
	ts = PQtransactionStatus(c->pg);
	if (ts == PQTRANS_INERROR || ts == PQTRANS_INTRANS)
		pg_exec_raw(c, "ROLLBACK");
}

static int pg_commit(struct db_conn *c)
{
	int ret = usable(c);

	if (!ret)
		ret = wait_inflight(c);
	if (!ret && c->ndef && (ret = open_txn(c)) == 0)
		ret = run_deferred_sync(c);
	if (!ret && c->txn)
		ret = pg_exec_raw(c, "COMMIT");
	if (ret)
		end_failed_txn(c);
	c->txn = c->want_txn = false;
	c->ndef = 0;
	return ret;
}

static int pg_rollback(struct db_conn *c)
{
	int ret = 0;

	if (!c->down && c->txn)
		ret = pg_exec_raw(c, "ROLLBACK");
	c->txn = c->want_txn = false;
	c->ndef = 0;
	if (c->rollback_fn)
		c->rollback_fn(c->rollback_arg);
	return ret;
}

static bool pg_in_txn(struct db_conn *c)
{
	return c->want_txn || c->txn;
}

static void pg_on_rollback(struct db_conn *c, void (*fn)(void *), void *arg)
{
	c->rollback_fn = fn;
	c->rollback_arg = arg;
}

static void pg_busy(struct db_conn *c, int ms)
{
	char sql[64];

	/* A row lock held by another writer: give up after ms (55P03). */
	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms);
	if (!usable(c))
		pg_exec_raw(c, sql);
}

/* ---- schema version, change counter ------------------------------------------ */
static int scalar(struct db_conn *c, const char *sql, int64_t *v)
{
	PGresult *r = PQexec(c->pg, sql);
	int ret = 0;

	*v = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		ret = res_err(c, r);
	else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		*v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return ret;
}

/* Under an advisory lock inside the upgrade's transaction: two processes
 * opening a fresh database run each step once. */
static int pg_schema_version(struct db_conn *c, int *v)
{
	int64_t exists = 0, x = 0;
	int ret = pg_exec(c, "SELECT 1");

	if (!ret && c->want_txn && (ret = open_txn(c)) == 0)
		ret = pg_exec_raw(c, "SELECT pg_advisory_xact_lock(4771)");
	if (!ret)
		ret = scalar(c, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = "
				"'hss_schema' AND schemaname = current_schema()", &exists);
	if (!ret && exists)
		ret = scalar(c, "SELECT max(version) FROM hss_schema", &x);
	*v = (int)x;
	return ret;
}

static int pg_set_schema_version(struct db_conn *c, int v)
{
	char sql[160];
	int ret = pg_exec_raw(c, "CREATE TABLE IF NOT EXISTS hss_schema (version integer NOT NULL)");

	snprintf(sql, sizeof(sql), "DELETE FROM hss_schema; INSERT INTO hss_schema VALUES (%d)", v);
	return ret ? ret : pg_exec_raw(c, sql);
}

static int pg_init_rw(struct db_conn *c)
{
	(void)c;
	return 0;
}

/* Notifications of other sessions (our own commits notify us too). */
static int pg_data_version(struct db_conn *c, int64_t *v)
{
	PGnotify *n;
	int ret = usable(c);

	/* The commit's results were read off the socket less than
	 * PG_FRESH_US ago (collect, at the end of the last loop turn): the
	 * notifications that came with them are in libpq's buffer. One read
	 * per turn instead of two; a notification that arrives in between is
	 * seen one turn later, as if the request had come that much earlier. */
	if (!ret && c->fresh_us && now_us() - c->fresh_us < PG_FRESH_US)
		c->fresh_us = 0;
	else if (!ret && !PQconsumeInput(c->pg)) {
		set_err(c, PQerrorMessage(c->pg));
		went_down(c);
		ret = -ENOTCONN;
	}
	while (!ret && (n = PQnotifies(c->pg)) != NULL) {
		if (n->be_pid != PQbackendPID(c->pg))
			c->version++;
		PQfreemem(n);
	}
	*v = c->version;
	return ret;
}

/* ---- statements ------------------------------------------------------------------ */
static int pg_param_index(struct db_handle *h, const char *name);

/* "$name" -> "$k" (the same name the same k); "/\*LOCK*\/" -> FOR UPDATE;
 * SQLite's json_each over an array (db_stmt.h DB_KEYS) -> PostgreSQL's
 * json_array_elements_text (the same one column, value). */
static int translate(struct db_handle *h, const char *sql)
{
	size_t n = strlen(sql);
	char *out = malloc(2 * n + 16), *o = out;
	const char *lock = "/*LOCK*/", *keys = "json_each(";

	if (!out)
		return -ENOMEM;
	for (const char *p = sql; *p;) {
		if (!strncmp(p, lock, strlen(lock))) {
			o += sprintf(o, "FOR UPDATE");
			p += strlen(lock);
		} else if (!strncmp(p, keys, strlen(keys))) {
			o += sprintf(o, "json_array_elements_text(");
			p += strlen(keys);
		} else if (*p == '$' && (p[1] == '_' || (p[1] >= 'a' && p[1] <= 'z'))) {
			size_t l = 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789_");
			int k;

			for (k = 0; k < h->nparams && (strlen(h->pname[k]) != l ||
						       strncmp(h->pname[k], p, l)); k++)
				;
			if (k == h->nparams) {
				if (k == PG_MAX_PARAMS || l >= sizeof(h->pname[0]))
					return free(out), -EINVAL;
				snprintf(h->pname[h->nparams++], sizeof(h->pname[0]), "%.*s", (int)l, p);
			}
			o += sprintf(o, "$%d", k + 1);
			p += l;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	h->sql = out;
	h->ro = !strncmp(out, "SELECT ", 7) && !strstr(out, "FOR UPDATE");
	return 0;
}

static int pg_prepare(struct db_conn *c, const char *sql, struct db_handle **out)
{
	struct db_handle *h = calloc(1, sizeof(*h));
	int ret;

	if (!h)
		return -ENOMEM;
	h->c = c;
	snprintf(h->name, sizeof(h->name), "hss_%d", c->nstmts++);
	ret = translate(h, sql);
	h->cas_id = h->cas_old = h->cas_new = -1;
	if (!ret && !strcmp(sql, CAS_ONE_SQL)) {
		h->cas_id = pg_param_index(h, "$id") - 1;
		h->cas_old = pg_param_index(h, "$old") - 1;
		h->cas_new = pg_param_index(h, "$sqn") - 1;
	}
	if (!ret)
		ret = prepare_on_server(c, h);
	if (ret) {
		free(h->sql);
		free(h);
		return ret;
	}
	h->next = c->stmts;
	c->stmts = h;
	*out = h;
	return 0;
}

static void pg_finalize(struct db_handle *h)
{
	struct db_conn *c = h->c;

	for (struct db_handle **pp = &c->stmts; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	stmt_clear(h);
	free(h->sql);
	free(h);
}

static int pg_param_count(struct db_handle *h)
{
	return h->nparams;
}

static int pg_param_index(struct db_handle *h, const char *name)
{
	for (int k = 0; k < h->nparams; k++)
		if (!strcmp(h->pname[k], name))
			return k + 1;
	return 0;
}

static void pg_bind_null(struct db_handle *h, int i)
{
	h->val[i - 1] = NULL;
	h->fmt[i - 1] = 0;
}

static void pg_bind_i64(struct db_handle *h, int i, int64_t v)
{
	snprintf(h->num[i - 1], sizeof(h->num[0]), "%lld", (long long)v);
	h->val[i - 1] = h->num[i - 1];
	h->fmt[i - 1] = 0;
}

static void pg_bind_text(struct db_handle *h, int i, const char *v)
{
	h->val[i - 1] = v;
	h->fmt[i - 1] = 0;
}

static void pg_bind_blob(struct db_handle *h, int i, const void *v, size_t len)
{
	h->val[i - 1] = v;
	h->len[i - 1] = (int)len;
	h->fmt[i - 1] = 1;
}

/* ---- the read connection ------------------------------------------------------
 * In hssd's loop a cache miss (AUTH_BY_URI at 1 M subscribers: nearly
 * every MAR) would wait on the write connection for the commit in flight,
 * i.e. for a WAL flush, with the loop stopped. A plain SELECT goes to a
 * second connection instead when that changes nothing it can see:
 *  - no transaction is open on the write connection (its own uncommitted
 *    writes are visible only there), and
 *  - the commit in flight holds only deferred SQN updates, no statement
 *    of its own: what it will change is the SQN alone, and a SQN read too
 *    old fails its compare-and-swap at the commit (the request runs again,
 *    its vector never leaves), so no SQN is issued twice. A commit that
 *    also writes (a registration, a queue row) is waited for as before:
 *    a read must see this hssd's earlier requests in order.
 * The read connection is read-only, holds no transaction (each SELECT is
 * its own), is (re)opened at most once a second while the write
 * connection is up, and any failure on it sends the statement to the
 * write connection (whose outage handling answers). */
static bool rd_usable(struct db_conn *c)
{
	PGresult *r;

	if (!c->rd_wanted || c->down || c->txn || (c->inflight && c->inflight_sync))
		return false;
	if (c->rd && PQstatus(c->rd) == CONNECTION_OK)
		return true;
	if (now_ms() - c->rd_last_try_ms < PG_RECONNECT_MS)
		return false;
	c->rd_last_try_ms = now_ms();
	PQfinish(c->rd);
	c->rd = PQconnectdb(c->conninfo);
	r = PQstatus(c->rd) == CONNECTION_OK
		    ? PQexec(c->rd, "SET client_min_messages = warning; "
				    "SET default_transaction_read_only = on") : NULL;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		PQfinish(c->rd);
		c->rd = NULL;
		return false;
	}
	PQclear(r);
	c->rd_gen++;
	return true;
}

/* 0: h ran on the read connection (h->res holds its rows). */
static int rd_step(struct db_conn *c, struct db_handle *h)
{
	PGresult *r;

	if (!rd_usable(c))
		return -EAGAIN;
	if (h->rd_gen != c->rd_gen) {
		r = PQprepare(c->rd, h->name, h->sql, h->nparams, NULL);
		h->rd_gen = PQresultStatus(r) == PGRES_COMMAND_OK ? c->rd_gen : 0;
		PQclear(r);
		if (!h->rd_gen)
			return -EIO;
	}
	r = PQexecPrepared(c->rd, h->name, h->nparams, h->val, h->len, h->fmt, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		if (PQstatus(c->rd) != CONNECTION_OK) {
			PQfinish(c->rd);
			c->rd = NULL;
		}
		return -EIO; /* the write connection runs it and reports */
	}
	h->res = r;
	return 0;
}

static int pg_step(struct db_conn *c, struct db_handle *h)
{
	int ret;

	if (!h->ran && h->ro && rd_step(c, h) == 0) {
		h->ran = true;
		h->nrows = PQntuples(h->res);
		h->row = -1;
	}
	if (!h->ran) {
		ExecStatusType s;

		ret = usable(c);
		if (!ret)
			ret = wait_inflight(c);
		if (!ret)
			ret = open_txn(c);
		if (ret)
			return ret;
		h->res = PQexecPrepared(c->pg, h->name, h->nparams, h->val, h->len, h->fmt, 0);
		h->ran = true;
		s = PQresultStatus(h->res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			ret = res_err(c, h->res);
			if (ret == -ENOTCONN)
				went_down(c);
			else if (c->txn && c->rollback_fn)
				c->rollback_fn(c->rollback_arg); /* the transaction is aborted */
			return ret;
		}
		h->nrows = s == PGRES_TUPLES_OK ? PQntuples(h->res) : 0;
		h->row = -1;
	}
	h->blob_used = 0;
	return ++h->row < h->nrows ? 1 : 0;
}

static void pg_reset(struct db_handle *h)
{
	stmt_clear(h);
	memset(h->val, 0, sizeof(h->val));
	memset(h->fmt, 0, sizeof(h->fmt));
}

static bool pg_col_null(struct db_handle *h, int col)
{
	return PQgetisnull(h->res, h->row, col);
}

static int64_t pg_col_i64(struct db_handle *h, int col)
{
	return PQgetisnull(h->res, h->row, col) ? 0 : strtoll(PQgetvalue(h->res, h->row, col), NULL, 10);
}

static const char *pg_col_text(struct db_handle *h, int col, size_t *len)
{
	if (PQgetisnull(h->res, h->row, col)) {
		*len = 0;
		return NULL;
	}
	*len = (size_t)PQgetlength(h->res, h->row, col);
	return PQgetvalue(h->res, h->row, col);
}

static int hexval(char x)
{
	return x >= '0' && x <= '9' ? x - '0' : x >= 'a' && x <= 'f' ? x - 'a' + 10
	       : x >= 'A' && x <= 'F' ? x - 'A' + 10 : -1;
}

/* bytea in its text form "\x0a1b…" (bytea_output = hex, the default). */
static const void *pg_col_blob(struct db_handle *h, int col, size_t *len)
{
	const char *t = PQgetisnull(h->res, h->row, col) ? NULL : PQgetvalue(h->res, h->row, col);
	size_t n = t ? strlen(t) : 0;
	uint8_t *out = h->blob + h->blob_used;

	*len = 0;
	if (!t || n < 2 || t[0] != '\\' || t[1] != 'x' ||
	    (n - 2) / 2 > sizeof(h->blob) - h->blob_used)
		return NULL;
	for (size_t i = 2; i + 1 < n; i += 2) {
		int a = hexval(t[i]), b = hexval(t[i + 1]);

		if (a < 0 || b < 0)
			return NULL;
		out[(*len)++] = (uint8_t)(a << 4 | b);
	}
	h->blob_used += *len;
	return out;
}

static int64_t pg_changes(struct db_conn *c, struct db_handle *h)
{
	(void)c;
	return h->res ? strtoll(PQcmdTuples(h->res), NULL, 10) : 0;
}

/* ---- deferred compare-and-swap writes, asynchronous commit ----------------- */
static int pg_defer(struct db_conn *c, struct db_handle *h, uint32_t tag)
{
	struct deferred *d;

	if (!c->def && (!(c->def = calloc(PG_MAX_DEFERRED, sizeof(*c->def))) ||
			!(c->inflight_tags = calloc(PG_MAX_DEFERRED, sizeof(uint32_t))) ||
			!(c->inflight_grp = calloc(PG_MAX_DEFERRED, sizeof(uint32_t))) ||
			!(c->grp_ok = calloc(PG_MAX_DEFERRED, sizeof(bool))))) {
		free(c->def);
		free(c->inflight_tags);
		free(c->inflight_grp);
		c->def = NULL;
		c->inflight_tags = c->inflight_grp = NULL;
		return -ENOMEM;
	}
	if (c->ndef == PG_MAX_DEFERRED)
		return -ENOSPC;
	d = &c->def[c->ndef++];
	d->h = h;
	d->tag = tag;
	for (int k = 0; k < h->nparams; k++) {
		d->null[k] = !h->val[k];
		snprintf(d->val[k], sizeof(d->val[k]), "%s", h->val[k] ? h->val[k] : "");
	}
	return 0;
}

static void deferred_args(const struct deferred *d, const char **vals)
{
	for (int k = 0; k < d->h->nparams; k++)
		vals[k] = d->null[k] ? NULL : d->val[k];
}

/* Outside hssd's loop (or when the commit is synchronous): one by one. */
static int run_deferred_sync(struct db_conn *c)
{
	for (size_t i = 0; i < c->ndef; i++) {
		const char *vals[PG_MAX_PARAMS];
		PGresult *r;
		int ret = 0;

		deferred_args(&c->def[i], vals);
		r = PQexecPrepared(c->pg, c->def[i].h->name, c->def[i].h->nparams, vals, NULL, NULL,
				   0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			ret = res_err(c, r);
		else if (!strcmp(PQcmdTuples(r), "0"))
			failed_tag(c, c->def[i].tag);
		PQclear(r);
		if (ret)
			return ret;
	}
	c->ndef = 0;
	return 0;
}

/* Nothing to set up: the pipeline needs no thread (commit_start). */
static int pg_async_enable(struct db_conn *c)
{
	if (c->readonly)
		return -EROFS;
	c->rd_wanted = true;
	return 0;
}

static int pg_commit_fd(struct db_conn *c)
{
	return c->pg && PQstatus(c->pg) == CONNECTION_OK ? PQsocket(c->pg) : -1;
}

static bool batchable(const struct db_conn *c)
{
	for (size_t i = 0; i < c->ndef; i++)
		if (c->def[i].h->cas_id < 0 || c->def[i].h->cas_old < 0 || c->def[i].h->cas_new < 0 ||
		    c->def[i].null[c->def[i].h->cas_id] || c->def[i].null[c->def[i].h->cas_old] ||
		    c->def[i].null[c->def[i].h->cas_new])
			return false;
	return true;
}

struct cas_ent {
	int64_t id, old, new;
	size_t i; /* its place in c->def */
};

static int cas_cmp(const void *a, const void *b)
{
	const struct cas_ent *x = a, *y = b;

	return x->id != y->id ? (x->id < y->id ? -1 : 1) : (x->i < y->i ? -1 : x->i > y->i);
}

/* Appends "v," to an array literal being built; false when it is full. */
static bool arr_add(char *a, size_t cap, size_t *len, int64_t v)
{
	int n = snprintf(a + *len, cap - *len, "%s%lld", *len > 1 ? "," : "", (long long)v);

	if (n < 0 || (size_t)n >= cap - *len)
		return false;
	*len += (size_t)n;
	return true;
}

/* The commit's SQN updates as one CAS_SQL. A subscriber's updates in one
 * commit form a chain (each from the SQN the one before wrote): they go
 * as one group from the first's old SQN to the last's new one, and all its
 * requests fail or hold together. An update that does not continue its
 * chain (it cannot hold if the chain did) fails at once. */
static bool send_batch(struct db_conn *c)
{
	size_t n = c->ndef, cap = n * 24 + 8, len[4] = { 1, 1, 1, 1 };
	struct cas_ent *e = malloc(n * sizeof(*e));
	char *a[4] = { malloc(cap), malloc(cap), malloc(cap), malloc(cap) };
	const char *vals[4];
	bool ok = e && a[0] && a[1] && a[2] && a[3];

	for (size_t i = 0; ok && i < n; i++) {
		const struct deferred *d = &c->def[i];

		e[i] = (struct cas_ent){ strtoll(d->val[d->h->cas_id], NULL, 10),
					 strtoll(d->val[d->h->cas_old], NULL, 10),
					 strtoll(d->val[d->h->cas_new], NULL, 10), i };
	}
	if (ok)
		qsort(e, n, sizeof(*e), cas_cmp);
	for (int k = 0; ok && k < 4; k++)
		strcpy(a[k], "{");
	c->ngrp = 0;
	for (size_t j = 0; ok && j < n;) {
		size_t g = c->ngrp, first = j, last = j;

		for (; j < n && e[j].id == e[first].id; j++) {
			if (j > first && (last != j - 1 || e[j].old != e[last].new)) {
				failed_tag(c, c->def[e[j].i].tag); /* off the chain */
				continue;
			}
			last = j;
			c->inflight_tags[c->ninflight] = c->def[e[j].i].tag;
			c->inflight_grp[c->ninflight++] = (uint32_t)g;
		}
		c->grp_ok[c->ngrp++] = false;
		ok = arr_add(a[0], cap, &len[0], e[first].id) &&
		     arr_add(a[1], cap, &len[1], e[first].old) &&
		     arr_add(a[2], cap, &len[2], e[last].new) &&
		     arr_add(a[3], cap, &len[3], (int64_t)g);
	}
	for (int k = 0; ok && k < 4; k++) {
		a[k][len[k]] = '}';
		a[k][len[k] + 1] = '\0';
		vals[k] = a[k];
	}
	ok = ok && PQsendQueryPrepared(c->pg, "hss_cas", 4, vals, NULL, NULL, 0);
	free(e);
	for (int k = 0; k < 4; k++)
		free(a[k]);
	return ok;
}

/* Sends [BEGIN] + the deferred writes + COMMIT as one pipeline (blocking
 * writes: a few hundred octets; tcp_user_timeout bounds a stuck server). */
static int send_commit(struct db_conn *c)
{
	bool ok;

	if (!c->cas_ready && c->ndef > 1 && batchable(c)) {
		PGresult *r = PQprepare(c->pg, "hss_cas", CAS_SQL, 4, NULL);

		c->cas_ready = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	ok = PQenterPipelineMode(c->pg);

	c->inflight_begin = !c->txn;
	c->res_i = 0;
	c->ninflight = 0;
	if (ok && !c->txn)
		ok = PQsendQueryParams(c->pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
	c->inflight_batch = ok && c->ndef > 1 && c->cas_ready && batchable(c);
	if (c->inflight_batch)
		ok = send_batch(c);
	for (size_t i = 0; ok && !c->inflight_batch && i < c->ndef; i++) {
		const char *vals[PG_MAX_PARAMS];

		deferred_args(&c->def[i], vals);
		ok = PQsendQueryPrepared(c->pg, c->def[i].h->name, c->def[i].h->nparams, vals,
					 NULL, NULL, 0);
		c->inflight_tags[c->ninflight++] = c->def[i].tag;
	}
	ok = ok && PQsendQueryParams(c->pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) &&
	     PQpipelineSync(c->pg) && PQflush(c->pg) >= 0;
	if (!ok) {
		set_err(c, PQerrorMessage(c->pg));
		return PQstatus(c->pg) == CONNECTION_OK ? -EIO : -ENOTCONN;
	}
	return 0;
}

static int pg_commit_start(struct db_conn *c, uint64_t *seq, bool here)
{
	int ret = usable(c);

	(void)here; /* the result comes on the socket, whichever thread waits */
	if (!ret && c->lost)
		ret = -ENOTCONN; /* back, but this transaction's writes are not (went_down) */
	if (ret) {
		c->lost = false; /* the core fails the whole open batch on this */
		c->ndef = 0;
		c->txn = c->want_txn = false;
		return ret;
	}
	if (c->inflight || c->done_ready)
		return -EAGAIN; /* one at a time; the last one's outcome not yet taken */
	*seq = ++c->seq;
	c->nfailed = 0;
	if (!c->txn && !c->ndef) { /* nothing written: done at once */
		c->want_txn = false;
		c->done = (struct db_commit_done){ .seq = *seq };
		c->done_ready = true;
		return 0;
	}
	c->inflight_sync = c->txn;
	ret = send_commit(c);
	c->txn = c->want_txn = false;
	if (ret) {
		if (ret == -ENOTCONN)
			went_down(c);
		else if (PQpipelineStatus(c->pg) == PQ_PIPELINE_OFF || PQexitPipelineMode(c->pg))
			end_failed_txn(c);
		return ret;
	}
	c->ndef = 0;
	c->inflight = true;
	c->inflight_seq = *seq;
	c->inflight_err = 0;
	return 0;
}

/* One result of the commit's pipeline: [BEGIN], the deferred writes in
 * order (an UPDATE that changed no row fails its request's tag), COMMIT. */
static void pipeline_result(struct db_conn *c, PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);
	size_t i = c->res_i++;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		if (!c->inflight_err)
			c->inflight_err = res_err(c, r);
		return;
	}
	if (c->inflight_begin)
		i = i ? i - 1 : SIZE_MAX; /* the BEGIN */
	if (c->inflight_batch && i == 0) {
		for (int row = 0; row < PQntuples(r); row++) {
			size_t g = (size_t)strtoull(PQgetvalue(r, row, 0), NULL, 10);

			if (g < c->ngrp)
				c->grp_ok[g] = true;
		}
		for (size_t t = 0; t < c->ninflight; t++)
			if (!c->grp_ok[c->inflight_grp[t]])
				failed_tag(c, c->inflight_tags[t]);
		return;
	}
	if (!c->inflight_batch && i < c->ninflight && !strcmp(PQcmdTuples(r), "0"))
		failed_tag(c, c->inflight_tags[i]);
}

/* Reads what arrived of the pipeline (all of it when block); true when
 * its sync came back or the connection broke. */
static bool collect(struct db_conn *c, bool block)
{
	for (;;) {
		PGresult *r;

		if (!block && !PQconsumeInput(c->pg)) {
			set_err(c, PQerrorMessage(c->pg));
			c->inflight_err = -ENOTCONN;
			return true;
		}
		c->fresh_us = now_us();
		if (!block && PQisBusy(c->pg))
			return false;
		r = PQgetResult(c->pg);
		if (!r) { /* between two statements' results */
			if (PQstatus(c->pg) != CONNECTION_OK) {
				set_err(c, PQerrorMessage(c->pg));
				c->inflight_err = -ENOTCONN;
				return true;
			}
			continue;
		}
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			return true;
		}
		pipeline_result(c, r);
		PQclear(r);
	}
}

static void finish_inflight(struct db_conn *c)
{
	PQexitPipelineMode(c->pg);
	c->inflight = false;
	if (c->inflight_err && c->inflight_err != -ENOTCONN)
		end_failed_txn(c);
	c->done = (struct db_commit_done){ .seq = c->inflight_seq, .err = c->inflight_err,
					   .failed_tags = c->failed_tags,
					   .nfailed = c->inflight_err ? 0 : c->nfailed };
	c->done_ready = true;
	if (c->inflight_err == -ENOTCONN)
		went_down(c);
}

/* A statement must run: the commit in flight finishes first (its outcome
 * is kept for commit_poll). */
static int wait_inflight(struct db_conn *c)
{
	if (!c->inflight)
		return 0;
	while (!collect(c, true))
		;
	finish_inflight(c);
	return c->down ? -ENOTCONN : 0;
}

static int pg_commit_poll(struct db_conn *c, struct db_commit_done *out)
{
	if (c->inflight && collect(c, false))
		finish_inflight(c);
	if (!c->done_ready)
		return 0;
	*out = c->done;
	c->done_ready = false;
	return 1;
}

static int pg_changed(struct db_conn *c)
{
	int ret = usable(c);

	if (!ret)
		ret = open_txn(c);
	return ret ? ret : pg_exec_raw(c, "NOTIFY hss_store, 'sqn'");
}

const struct db_driver db_driver_pg = {
	.name = "postgresql",
	.schema_sql = db_schema_pg,
	.claims = pg_claims,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.errmsg = pg_errmsg,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_txn = pg_in_txn,
	.on_rollback = pg_on_rollback,
	.set_busy_timeout = pg_busy,
	.schema_version = pg_schema_version,
	.set_schema_version = pg_set_schema_version,
	.tables_sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
		      "current_schema()",
	.init_rw = pg_init_rw,
	.data_version = pg_data_version,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.param_count = pg_param_count,
	.param_index = pg_param_index,
	.bind_null = pg_bind_null,
	.bind_i64 = pg_bind_i64,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.reset = pg_reset,
	.col_null = pg_col_null,
	.col_i64 = pg_col_i64,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.changes = pg_changes,
	.defer = pg_defer,
	.changed = pg_changed,
	.async_enable = pg_async_enable,
	.commit_start = pg_commit_start,
	.commit_fd = pg_commit_fd,
	.commit_poll = pg_commit_poll,
	.snapshot_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
	/* identity columns: a sequence each */
	.id_high_sql = "SELECT greatest(coalesce((SELECT max(id) FROM %1$s), 0), coalesce("
		       "pg_sequence_last_value(pg_get_serial_sequence('%1$s', 'id')), 0))",
	.id_set_sql = "SELECT setval(pg_get_serial_sequence('%1$s', 'id'), %2$lld) WHERE "
		      "%2$lld > 0",
};
