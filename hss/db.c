/* The HSS store over SQLite.
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
 *
 *   Durability of COMMIT itself: journal_mode=WAL with synchronous=FULL
 *   fsyncs the WAL on every commit (with NORMAL a power loss could drop
 *   the last commits — exactly the SQNs already sent). busy_timeout lets
 *   hss-ctl and hssd share the file: hss-ctl queues for a few seconds,
 *   hssd only briefly (db_set_busy_timeout) since its loop waits too.
 *
 * Statements follow osmo-hlr's db.c: one enum db_stmt, one SQL table with
 * named $parameters, all prepared at open, every use ends in one reset.
 * The schema lives in hss/schema.sql, split into "-- @version N" steps;
 * db_open() runs the steps above the file's PRAGMA user_version, each in
 * its own transaction, and refuses a file newer than DB_SCHEMA_VERSION. */
#include "db.h"
#include "db_mem.h"
#include "schema_sql.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

enum db_stmt {
	DB_SUB_INSERT,
	DB_SUB_BY_IMPI,
	DB_SUB_BY_IMSI,
	DB_SUB_BY_ID,
	DB_SUB_ALL,
	DB_SUB_DEL,
	DB_SUB_SET_SQN,
	DB_IMPU_INSERT,
	DB_IMPU_BY_URI,
	DB_IMPU_BY_SUB,
	DB_IDENT_BY_URI,
	DB_REG_SET,
	DB_RTR_INSERT,
	DB_RTR_NEXT,
	DB_RTR_SENT,
	DB_RTR_RETRY,
	DB_RTR_FINISH,
	DB_RTR_BY_IDS,
	DB_RTR_BY_ID,
	DB_AUTH_BY_URI,
	DB_DATA_VERSION,
	DB_STMT_COUNT
};

#define SUB_COLS                                                                      \
	"s.id, s.imsi, s.impi, s.algo, s.k, s.op, s.opc, s.amf, s.sqn, s.res_len, s.password, " \
	"s.auth_scheme"
#define SUB_NCOLS 12
#define IMPU_SEL                                                                    \
	"i.id, i.subscriber_id, i.uri, i.barred, i.irs, i.ifc_xml, coalesce(r.state, 0), " \
	"r.scscf_name, r.scscf_host, r.scscf_realm"
#define IMPU_FROM "impu i LEFT JOIN registration r ON r.impu_id = i.id"
#define IMPU_COLS IMPU_SEL " FROM " IMPU_FROM
#define RTR_COLS "id, impi, impu, reason_code, reason_info, state, attempts, hbh, e2e"

static const char *const stmt_sql[DB_STMT_COUNT] = {
	[DB_SUB_INSERT] = "INSERT INTO subscriber (imsi, impi, algo, k, op, opc, amf, sqn, "
			  "res_len, password, auth_scheme) VALUES ($imsi, $impi, $algo, $k, "
			  "$op, $opc, $amf, $sqn, $res_len, $password, $scheme)",
	[DB_SUB_BY_IMPI] = "SELECT " SUB_COLS " FROM subscriber s WHERE s.impi = $impi",
	[DB_SUB_BY_IMSI] = "SELECT " SUB_COLS " FROM subscriber s WHERE s.imsi = $imsi",
	[DB_SUB_BY_ID] = "SELECT " SUB_COLS " FROM subscriber s WHERE s.id = $id",
	[DB_SUB_ALL] = "SELECT " SUB_COLS " FROM subscriber s ORDER BY s.imsi",
	[DB_SUB_DEL] = "DELETE FROM subscriber WHERE id = $id",
	[DB_SUB_SET_SQN] = "UPDATE subscriber SET sqn = $sqn WHERE id = $id",
	[DB_IMPU_INSERT] = "INSERT INTO impu (subscriber_id, uri, barred, irs, ifc_xml) "
			   "VALUES ($sub, $uri, $barred, $irs, $ifc)",
	[DB_IMPU_BY_URI] = "SELECT " IMPU_COLS " WHERE i.uri = $uri",
	[DB_IMPU_BY_SUB] = "SELECT " IMPU_COLS " WHERE i.subscriber_id = $sub ORDER BY i.id",
	/* The hot path of every Cx request: subscriber and IMPU in one step. */
	[DB_IDENT_BY_URI] = "SELECT " SUB_COLS ", " IMPU_SEL " FROM " IMPU_FROM
			    " JOIN subscriber s ON s.id = i.subscriber_id WHERE i.uri = $uri",
	[DB_REG_SET] = "INSERT INTO registration (impu_id, state, scscf_name, scscf_host, "
		       "scscf_realm, updated) VALUES ($impu, $state, $name, $host, $realm, $now) "
		       "ON CONFLICT (impu_id) DO UPDATE SET state = excluded.state, "
		       "scscf_name = excluded.scscf_name, scscf_host = excluded.scscf_host, "
		       "scscf_realm = excluded.scscf_realm, updated = excluded.updated",
	[DB_RTR_INSERT] = "INSERT INTO rtr_queue (impi, impu, reason_code, reason_info, created, "
			  "updated) VALUES ($impi, $impu, $code, $info, $now, $now)",
	[DB_RTR_NEXT] = "SELECT " RTR_COLS " FROM rtr_queue WHERE state = 'queued' AND id > $after "
			"ORDER BY id LIMIT 1",
	[DB_RTR_SENT] = "UPDATE rtr_queue SET state = 'sent', peer = $peer, hbh = $hbh, "
			"e2e = $e2e, attempts = attempts + 1, updated = $now WHERE id = $id",
	[DB_RTR_RETRY] = "UPDATE rtr_queue SET attempts = attempts + 1, updated = $now "
			 "WHERE id = $id",
	[DB_RTR_FINISH] = "UPDATE rtr_queue SET state = $state, result = $result, updated = $now "
			  "WHERE id = $id",
	[DB_RTR_BY_IDS] = "SELECT " RTR_COLS " FROM rtr_queue WHERE hbh = $hbh AND e2e = $e2e "
			  "AND state = 'sent'",
	[DB_RTR_BY_ID] = "SELECT " RTR_COLS " FROM rtr_queue WHERE id = $id",
	/* MAR: only what authentication needs (no IMSI, OP, password text,
	 * barring, IRS, iFC, realm); fills the cache below (mc_fill). */
	[DB_AUTH_BY_URI] = "SELECT s.id, s.impi, s.algo, s.k, s.opc, s.amf, s.sqn, s.res_len, "
			   "s.password IS NOT NULL, s.auth_scheme, i.id, coalesce(r.state, 0), "
			   "r.scscf_name, r.scscf_host FROM impu i JOIN subscriber s ON "
			   "s.id = i.subscriber_id LEFT JOIN registration r ON r.impu_id = i.id "
			   "WHERE i.uri = $uri",
	/* Changes when another connection (hss-ctl) committed to the file. */
	[DB_DATA_VERSION] = "PRAGMA data_version",
};

/* ---- MAR cache ------------------------------------------------------------
 * What a MAR reads (identity, keys, registration's S-CSCF, SQN), kept in
 * memory so the hot path runs one SQL statement (the SQN UPDATE) instead
 * of a three-table join. The database stays the single truth:
 *  - another process's commit (hss-ctl) changes PRAGMA data_version; it is
 *    read once per transaction (BEGIN IMMEDIATE holds the write lock, so
 *    nobody else commits until our COMMIT) or per lookup outside one, and
 *    a change drops everything;
 *  - this connection's own writes go through this file: the SQN and
 *    registration setters update/drop their slot after the statement
 *    succeeded, every other write, any failure and any rollback drop all
 *    (a rollback hook also catches those SQLite does by itself, e.g.
 *    after an I/O error in another module's statement).
 * The SQN kept is the one written in the open transaction; a vector still
 * leaves only after its COMMIT (group commit, app.h). Three direct-mapped
 * tables: IMPU URI -> identity (2-way by hash), registration by IMPU rowid,
 * SQN by subscriber rowid (rowids are dense: consecutive ids never collide).
 * Entries are valid while their generation equals the cache's. */
#define MC_SLOTS 8192u /* per table; ~10 MB at most, touched as used */

struct mc_ident {
	uint64_t gen;
	uint32_t hash;
	bool recent; /* the more recently used way of its set */
	bool has_password;
	int64_t sub_id, impu_id;
	struct aka_keys keys;
	uint8_t amf[AKA_AMF_LEN];
	char uri[DB_ID_MAX];
	char impi[DB_ID_MAX];
	char auth_scheme[DB_SCHEME_MAX];
};

struct mc_reg {
	uint64_t gen;
	int64_t impu_id;
	enum db_reg_state state;
	char name[DB_ID_MAX], host[DB_ID_MAX];
};

struct mc_sqn {
	uint64_t gen;
	int64_t sub_id;
	uint64_t sqn;
};

struct mar_cache {
	uint64_t gen;          /* 0 = never used: tables not allocated */
	int64_t data_version;
	bool checked;          /* data_version read in this transaction */
	struct mc_ident *ident;
	struct mc_reg *reg;
	struct mc_sqn *sqn;
};

struct db {
	sqlite3 *conn;
	sqlite3_stmt *stmt[DB_STMT_COUNT];
	struct mar_cache mc;
	char errmsg[256];
};

/* Drops every cached entry (a new generation; tables stay allocated). */
static void mc_clear(struct db *db)
{
	if (db->mc.gen)
		db->mc.gen++;
}

/* sqlite3_rollback_hook: whatever this connection wrote is undone. */
static void mc_on_rollback(void *arg)
{
	struct db *db = arg;

	db->mc.checked = false;
	mc_clear(db);
}

static char open_errmsg[640];

const char *db_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case -ENOENT: return "not found";
	case -EEXIST: return "already exists";
	case -EINVAL: return "invalid value";
	case -EIO: return "database error";
	case -ENOMEM: return "out of memory";
	case -ENOSPC: return "buffer too small";
	case -EPROTONOSUPPORT: return "database schema is newer than this program";
	default: return "unknown error";
	}
}

const char *db_errmsg(struct db *db)
{
	return db ? db->errmsg : open_errmsg;
}

/* Records the connection's error and maps the SQLite code to -errno. */
static int db_fail(struct db *db, int rc, const char *what)
{
	mc_clear(db); /* SQLite may have rolled the transaction back */
	/* A long SQL text in `what` is cut short: the message is for logs. */
	if (snprintf(db->errmsg, sizeof(db->errmsg), "%s: %s", what,
		     sqlite3_errmsg(db->conn)) >= (int)sizeof(db->errmsg))
		db->errmsg[sizeof(db->errmsg) - 2] = '~';
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return -EEXIST;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return -EINVAL;
	LOGE(LOG_DB, "%s", db->errmsg);
	return -EIO;
}

static int db_exec(struct db *db, const char *sql)
{
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(db, sqlite3_extended_errcode(db->conn), sql);
}

/* ---- Binding helpers: named parameters, a missing name is a bug -------- */
static int pidx(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (!i) {
		LOGE(LOG_DB, "statement has no parameter %s", name);
		abort();
	}
	return i;
}

static void bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, pidx(st, name), v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, pidx(st, name));
}

static void bind_blob(sqlite3_stmt *st, const char *name, const void *v, int len)
{
	if (v)
		sqlite3_bind_blob(st, pidx(st, name), v, len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, pidx(st, name));
}

static void bind_i64(sqlite3_stmt *st, const char *name, int64_t v)
{
	sqlite3_bind_int64(st, pidx(st, name), v);
}

static void col_text(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (n >= outsz)
		n = outsz - 1; /* columns are bounded by the writers; never overrun */
	memcpy(out, t ? (const char *)t : "", n);
	out[n] = '\0';
}

static int col_blob(sqlite3_stmt *st, int col, uint8_t *out, size_t len)
{
	const void *b = sqlite3_column_blob(st, col);

	if (!b || (size_t)sqlite3_column_bytes(st, col) != len)
		return -1;
	memcpy(out, b, len);
	return 0;
}

static sqlite3_stmt *stmt_get(struct db *db, enum db_stmt s)
{
	return db->stmt[s];
}

static void stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Runs a statement that returns no row. */
static int step_done(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_DONE ? 0 : db_fail(db, sqlite3_extended_errcode(db->conn), what);

	stmt_done(st);
	return ret;
}

/* Runs an UPDATE/DELETE that must touch a row: -ENOENT otherwise. */
static int step_change(struct db *db, sqlite3_stmt *st, const char *what)
{
	int ret = step_done(db, st, what);

	if (!ret && sqlite3_changes(db->conn) == 0)
		return -ENOENT;
	return ret;
}

/* ---- Schema steps -------------------------------------------------------- */
#define STEP_MARK "-- @version "

/* Finds the text of step `version` inside the embedded schema. */
static const char *schema_step_find(int version, size_t *len)
{
	const char *p = db_schema_sql, *start = NULL;

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

int db_schema_step(int version, char *buf, size_t bufsz)
{
	size_t len = 0;
	const char *s = schema_step_find(version, &len);

	if (!s)
		return -ENOENT;
	if (len + 1 > bufsz)
		return -ENOSPC;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static int user_version(struct db *db, int *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->conn, "PRAGMA user_version", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, rc, "PRAGMA user_version");
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, rc, "PRAGMA user_version");
}

static int too_new(struct db *db, int v)
{
	snprintf(db->errmsg, sizeof(db->errmsg),
		 "database schema version %d is newer than this program's %d; use a newer "
		 "hssd/hss-ctl", v, DB_SCHEMA_VERSION);
	return -EPROTONOSUPPORT;
}

/* One upgrade step in one transaction; the version is re-read under the
 * write lock so two processes opening a fresh file do not both run it. */
static int schema_upgrade_step(struct db *db, int to)
{
	char sql[8192], pragma[64];
	int cur, ret;

	ret = db_schema_step(to, sql, sizeof(sql));
	if (ret)
		return ret;
	ret = db_exec(db, "BEGIN IMMEDIATE");
	if (ret)
		return ret;
	ret = user_version(db, &cur);
	if (!ret && cur < to) {
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", to);
		ret = db_exec(db, sql);
		if (!ret)
			ret = db_exec(db, pragma);
	}
	if (ret) {
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
		return ret;
	}
	return db_exec(db, "COMMIT");
}

static int schema_upgrade(struct db *db)
{
	int v, ret = user_version(db, &v);

	if (ret)
		return ret;
	if (v > DB_SCHEMA_VERSION)
		return too_new(db, v);
	for (int to = v + 1; to <= DB_SCHEMA_VERSION && !ret; to++)
		ret = schema_upgrade_step(db, to);
	if (!ret && v > 0 && v < DB_SCHEMA_VERSION)
		LOGN(LOG_DB, "database schema upgraded from version %d to %d", v,
		     DB_SCHEMA_VERSION);
	return ret;
}

/* ---- Open / close / transactions --------------------------------------- */
static int db_setup(struct db *db)
{
	int v, ret;

	sqlite3_busy_timeout(db->conn, 5000);
	/* Refuse a newer file before touching it (no journal-mode change). */
	ret = user_version(db, &v);
	if (ret)
		return ret;
	if (v > DB_SCHEMA_VERSION)
		return too_new(db, v);
	ret = db_exec(db, "PRAGMA journal_mode = WAL");
	if (!ret)
		ret = db_exec(db, "PRAGMA synchronous = FULL");
	if (!ret)
		ret = db_exec(db, "PRAGMA foreign_keys = ON");
	if (!ret)
		ret = schema_upgrade(db);
	for (int i = 0; i < DB_STMT_COUNT && !ret; i++) {
		int rc = sqlite3_prepare_v3(db->conn, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					    &db->stmt[i], NULL);
		if (rc != SQLITE_OK)
			ret = db_fail(db, rc, stmt_sql[i]);
	}
	sqlite3_rollback_hook(db->conn, mc_on_rollback, db);
	/* db_sub_set_sqn and mc_fill bind by position. */
	if (!ret && (sqlite3_bind_parameter_index(db->stmt[DB_SUB_SET_SQN], "$sqn") != 1 ||
		     sqlite3_bind_parameter_index(db->stmt[DB_SUB_SET_SQN], "$id") != 2 ||
		     sqlite3_bind_parameter_index(db->stmt[DB_AUTH_BY_URI], "$uri") != 1))
		abort();
	return ret;
}

int db_open(const char *path, struct db **out)
{
	struct db *db = calloc(1, sizeof(*db));
	int ret;

	*out = NULL;
	if (!db)
		return -ENOMEM;
	/* No global memory statistics: they cost a mutex per malloc. Only
	 * possible before SQLite initialises; later calls fail harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	db_mem_install(); /* small blocks from free lists (db_mem.c) */
	/* NOMUTEX: a connection is used by one thread only (hssd is one loop). */
	if (sqlite3_open_v2(path, &db->conn,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(open_errmsg, sizeof(open_errmsg), "%s: %s", path,
			 db->conn ? sqlite3_errmsg(db->conn) : "cannot open");
		db_close(db);
		return -EIO;
	}
	ret = db_setup(db);
	if (ret) {
		snprintf(open_errmsg, sizeof(open_errmsg), "%s: %s", path, db->errmsg);
		db_close(db);
		return ret;
	}
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < DB_STMT_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	sqlite3_close(db->conn);
	if (db->mc.ident) /* K and OPc: do not leave them in freed memory */
		explicit_bzero(db->mc.ident, MC_SLOTS * sizeof(*db->mc.ident));
	free(db->mc.ident);
	free(db->mc.reg);
	free(db->mc.sqn);
	free(db);
}

struct sqlite3 *db_sqlite(struct db *db)
{
	return db->conn;
}

int db_txn_begin(struct db *db)
{
	db->mc.checked = false;
	return db_exec(db, "BEGIN IMMEDIATE");
}

int db_txn_commit(struct db *db)
{
	db->mc.checked = false;
	return db_exec(db, "COMMIT"); /* a failure clears the cache (db_fail) */
}

int db_txn_rollback(struct db *db)
{
	db->mc.checked = false;
	mc_clear(db); /* SQN and registration writes of the turn are undone */
	return db_exec(db, "ROLLBACK");
}

/* ---- Subscribers ------------------------------------------------------- */
static int row_to_sub(sqlite3_stmt *st, struct db_sub *s)
{
	char algo[16];

	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, s->imsi, sizeof(s->imsi));
	col_text(st, 2, s->impi, sizeof(s->impi));
	col_text(st, 3, algo, sizeof(algo));
	s->keys.algo = aka_algo_parse(algo) == AKA_ALGO_XOR ? AKA_ALGO_XOR : AKA_ALGO_MILENAGE;
	if (col_blob(st, 4, s->keys.k, AKA_K_LEN) || col_blob(st, 6, s->keys.opc, AKA_OP_LEN) ||
	    col_blob(st, 7, s->amf, AKA_AMF_LEN))
		return -EIO;
	s->has_op = col_blob(st, 5, s->op, AKA_OP_LEN) == 0;
	s->sqn = (uint64_t)sqlite3_column_int64(st, 8);
	s->keys.res_len = (size_t)sqlite3_column_int(st, 9);
	s->has_password = sqlite3_column_type(st, 10) != SQLITE_NULL;
	col_text(st, 10, s->password, sizeof(s->password));
	col_text(st, 11, s->auth_scheme, sizeof(s->auth_scheme));
	return 0;
}

/* Runs a one-row subscriber SELECT. */
static int sub_fetch(struct db *db, sqlite3_stmt *st, struct db_sub *out)
{
	int rc = sqlite3_step(st), ret;

	if (rc == SQLITE_ROW)
		ret = row_to_sub(st, out);
	else if (rc == SQLITE_DONE)
		ret = -ENOENT;
	else
		ret = db_fail(db, rc, "subscriber lookup");
	stmt_done(st);
	return ret;
}

int db_sub_add(struct db *db, struct db_sub *s)
{
	sqlite3_stmt *st = stmt_get(db, DB_SUB_INSERT);
	int ret;

	if (s->has_op && aka_opc_from_op(s->keys.k, s->op, s->keys.opc) != AKA_OK)
		return -EINVAL;
	if (s->sqn > AKA_SQN_MAX)
		return -EINVAL;
	bind_text(st, "$imsi", s->imsi);
	bind_text(st, "$impi", s->impi);
	bind_text(st, "$algo", aka_algo_name(s->keys.algo));
	bind_blob(st, "$k", s->keys.k, AKA_K_LEN);
	bind_blob(st, "$op", s->has_op ? s->op : NULL, AKA_OP_LEN);
	bind_blob(st, "$opc", s->keys.opc, AKA_OP_LEN);
	bind_blob(st, "$amf", s->amf, AKA_AMF_LEN);
	bind_i64(st, "$sqn", (int64_t)s->sqn);
	bind_i64(st, "$res_len", s->keys.res_len ? (int64_t)s->keys.res_len : 8);
	/* An empty password is a password (not NULL): bind it explicitly. */
	if (s->has_password)
		sqlite3_bind_text(st, pidx(st, "$password"), s->password, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, pidx(st, "$password"));
	bind_text(st, "$scheme", s->auth_scheme[0] ? s->auth_scheme : "Digest-AKAv1-MD5");
	mc_clear(db); /* writes other than SQN/registration: simply drop all */
	ret = step_done(db, st, "insert subscriber");
	if (!ret)
		s->id = sqlite3_last_insert_rowid(db->conn);
	return ret;
}

int db_sub_by_impi(struct db *db, const char *impi, struct db_sub *out)
{
	sqlite3_stmt *st = stmt_get(db, DB_SUB_BY_IMPI);

	bind_text(st, "$impi", impi);
	return sub_fetch(db, st, out);
}

int db_sub_by_imsi(struct db *db, const char *imsi, struct db_sub *out)
{
	sqlite3_stmt *st = stmt_get(db, DB_SUB_BY_IMSI);

	bind_text(st, "$imsi", imsi);
	return sub_fetch(db, st, out);
}

int db_sub_by_id(struct db *db, int64_t id, struct db_sub *out)
{
	sqlite3_stmt *st = stmt_get(db, DB_SUB_BY_ID);

	bind_i64(st, "$id", id);
	return sub_fetch(db, st, out);
}

int db_sub_lookup(struct db *db, const char *key, struct db_sub *out)
{
	if (*key && strspn(key, "0123456789") == strlen(key))
		return db_sub_by_imsi(db, key, out);
	return db_sub_by_impi(db, key, out);
}

int db_sub_del(struct db *db, int64_t id)
{
	sqlite3_stmt *st = stmt_get(db, DB_SUB_DEL);

	bind_i64(st, "$id", id);
	mc_clear(db); /* cascades to IMPUs and registrations; rowids may be reused */
	return step_change(db, st, "delete subscriber");
}

static void mc_sqn_put(struct db *db, int64_t sub_id, uint64_t sqn);

/* Positional parameters ($sqn is 1, $id is 2: checked at open). */
int db_sub_set_sqn(struct db *db, int64_t id, uint64_t sqn)
{
	sqlite3_stmt *st = stmt_get(db, DB_SUB_SET_SQN);
	int ret;

	if (sqn > AKA_SQN_MAX)
		return -EINVAL;
	sqlite3_bind_int64(st, 1, (int64_t)sqn);
	sqlite3_bind_int64(st, 2, id);
	ret = step_change(db, st, "update SQN");
	if (!ret)
		mc_sqn_put(db, id, sqn);
	return ret;
}

int db_sub_foreach(struct db *db, db_sub_fn fn, void *arg)
{
	sqlite3_stmt *st = stmt_get(db, DB_SUB_ALL);
	struct db_sub s;
	int rc, ret = 0;

	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = row_to_sub(st, &s);
		if (!ret)
			ret = fn(arg, &s);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(db, rc, "list subscribers");
	stmt_done(st);
	return ret;
}

/* ---- Public identities ------------------------------------------------- */
const char *db_reg_state_name(enum db_reg_state s)
{
	switch (s) {
	case DB_REG_NOT_REGISTERED: return "not-registered";
	case DB_REG_REGISTERED: return "registered";
	case DB_REG_UNREGISTERED: return "unregistered";
	}
	return "?";
}

/* IMPU_SEL columns starting at column b. */
static void row_to_impu(sqlite3_stmt *st, int b, struct db_impu *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, b);
	u->sub_id = sqlite3_column_int64(st, b + 1);
	col_text(st, b + 2, u->uri, sizeof(u->uri));
	u->barred = sqlite3_column_int(st, b + 3) != 0;
	u->irs = sqlite3_column_int(st, b + 4);
	u->ifc_xml = (const char *)sqlite3_column_text(st, b + 5);
	u->state = (enum db_reg_state)sqlite3_column_int(st, b + 6);
	col_text(st, b + 7, u->scscf_name, sizeof(u->scscf_name));
	col_text(st, b + 8, u->scscf_host, sizeof(u->scscf_host));
	col_text(st, b + 9, u->scscf_realm, sizeof(u->scscf_realm));
}

int db_impu_add(struct db *db, int64_t sub_id, const char *uri, bool barred, int irs,
		const char *ifc_xml, int64_t *id)
{
	sqlite3_stmt *st = stmt_get(db, DB_IMPU_INSERT);
	int ret;

	bind_i64(st, "$sub", sub_id);
	bind_text(st, "$uri", uri);
	bind_i64(st, "$barred", barred);
	bind_i64(st, "$irs", irs);
	bind_text(st, "$ifc", ifc_xml);
	mc_clear(db);
	ret = step_done(db, st, "insert IMPU");
	if (!ret && id)
		*id = sqlite3_last_insert_rowid(db->conn);
	return ret;
}

int db_impu_by_uri(struct db *db, const char *uri, struct db_impu *out)
{
	sqlite3_stmt *st = stmt_get(db, DB_IMPU_BY_URI);
	int rc, ret = -ENOENT;

	bind_text(st, "$uri", uri);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_to_impu(st, 0, out);
		out->ifc_xml = NULL; /* would dangle after the reset */
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = db_fail(db, rc, "IMPU lookup");
	}
	stmt_done(st);
	return ret;
}

int db_ident_by_impu(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u)
{
	sqlite3_stmt *st = stmt_get(db, DB_IDENT_BY_URI);
	int rc, ret = -ENOENT;

	bind_text(st, "$uri", uri);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret = row_to_sub(st, s);
		row_to_impu(st, SUB_NCOLS, u);
		u->ifc_xml = NULL;
	} else if (rc != SQLITE_DONE) {
		ret = db_fail(db, rc, "identity lookup");
	}
	stmt_done(st);
	return ret;
}

/* ---- MAR cache (design note at struct mar_cache) ---------------------- */
static uint32_t mc_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static size_t mc_slot(int64_t id)
{
	return (size_t)((uint64_t)id & (MC_SLOTS - 1));
}

static void mc_sqn_put(struct db *db, int64_t sub_id, uint64_t sqn)
{
	if (db->mc.gen)
		db->mc.sqn[mc_slot(sub_id)] = (struct mc_sqn){ db->mc.gen, sub_id, sqn };
}

static void mc_reg_drop(struct db *db, int64_t impu_id)
{
	if (db->mc.gen)
		db->mc.reg[mc_slot(impu_id)].gen = 0;
}

static int mc_alloc(struct db *db)
{
	struct mar_cache *c = &db->mc;

	c->ident = calloc(MC_SLOTS, sizeof(*c->ident));
	c->reg = calloc(MC_SLOTS, sizeof(*c->reg));
	c->sqn = calloc(MC_SLOTS, sizeof(*c->sqn));
	if (!c->ident || !c->reg || !c->sqn) {
		free(c->ident);
		free(c->reg);
		free(c->sqn);
		c->ident = NULL;
		c->reg = NULL;
		c->sqn = NULL;
		return -ENOMEM;
	}
	c->gen = 1;
	c->data_version = -1; /* first check drops nothing real */
	return 0;
}

/* Drops the cache if another connection committed since it was filled. */
static int mc_check(struct db *db)
{
	struct mar_cache *c = &db->mc;
	bool in_txn = !sqlite3_get_autocommit(db->conn);
	sqlite3_stmt *st;
	int64_t v;
	int rc;

	if (!c->gen && mc_alloc(db))
		return -ENOMEM;
	if (c->checked && in_txn)
		return 0;
	st = stmt_get(db, DB_DATA_VERSION);
	rc = sqlite3_step(st);
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, "PRAGMA data_version");
	if (v != c->data_version)
		mc_clear(db);
	c->data_version = v;
	c->checked = in_txn;
	return 0;
}

/* The way of uri's set holding it, else NULL; *victim = the way to fill. */
static struct mc_ident *mc_ident_find(struct mar_cache *c, const char *uri, uint32_t h,
				      struct mc_ident **victim)
{
	struct mc_ident *set = &c->ident[(h & (MC_SLOTS - 1)) & ~1u];

	for (int w = 0; w < 2; w++)
		if (set[w].gen == c->gen && set[w].hash == h && !strcmp(set[w].uri, uri)) {
			set[w].recent = true;
			set[!w].recent = false;
			return &set[w];
		}
	*victim = set[0].gen != c->gen ? &set[0] : set[1].gen != c->gen ? &set[1]
		  : set[0].recent ? &set[1] : &set[0];
	return NULL;
}

/* One row of DB_AUTH_BY_URI into the three tables. */
static int mc_fill(struct db *db, const char *uri, uint32_t h, struct mc_ident *e)
{
	sqlite3_stmt *st = stmt_get(db, DB_AUTH_BY_URI);
	struct mar_cache *c = &db->mc;
	int rc, ret = 0;

	sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		char algo[16];
		struct mc_reg *r;

		e->gen = 0;
		e->sub_id = sqlite3_column_int64(st, 0);
		col_text(st, 1, e->impi, sizeof(e->impi));
		col_text(st, 2, algo, sizeof(algo));
		e->keys.algo = aka_algo_parse(algo) == AKA_ALGO_XOR ? AKA_ALGO_XOR
								     : AKA_ALGO_MILENAGE;
		if (col_blob(st, 3, e->keys.k, AKA_K_LEN) ||
		    col_blob(st, 4, e->keys.opc, AKA_OP_LEN) ||
		    col_blob(st, 5, e->amf, AKA_AMF_LEN)) {
			ret = -EIO;
		} else {
			mc_sqn_put(db, e->sub_id, (uint64_t)sqlite3_column_int64(st, 6));
			e->keys.res_len = (size_t)sqlite3_column_int(st, 7);
			e->has_password = sqlite3_column_int(st, 8) != 0;
			col_text(st, 9, e->auth_scheme, sizeof(e->auth_scheme));
			e->impu_id = sqlite3_column_int64(st, 10);
			r = &c->reg[mc_slot(e->impu_id)];
			r->impu_id = e->impu_id;
			r->state = (enum db_reg_state)sqlite3_column_int(st, 11);
			col_text(st, 12, r->name, sizeof(r->name));
			col_text(st, 13, r->host, sizeof(r->host));
			r->gen = c->gen;
			snprintf(e->uri, sizeof(e->uri), "%s", uri);
			e->hash = h;
			e->gen = c->gen;
		}
	} else if (rc == SQLITE_DONE) {
		ret = -ENOENT;
	} else {
		ret = db_fail(db, rc, "identity lookup (MAR)");
	}
	sqlite3_reset(st);
	return ret;
}

int db_ident_auth(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u)
{
	struct mar_cache *c = &db->mc;
	uint32_t h;
	struct mc_ident *e, *victim = NULL;
	const struct mc_reg *r;
	const struct mc_sqn *q;
	int ret;

	if (strlen(uri) >= DB_ID_MAX) /* never stored (DB_ID_MAX bounds writers) */
		return db_ident_by_impu(db, uri, s, u);
	ret = mc_check(db);
	if (ret)
		return ret;
	h = mc_hash(uri);
	e = mc_ident_find(c, uri, h, &victim);
	r = e ? &c->reg[mc_slot(e->impu_id)] : NULL;
	q = e ? &c->sqn[mc_slot(e->sub_id)] : NULL;
	if (!e || r->gen != c->gen || r->impu_id != e->impu_id || q->gen != c->gen ||
	    q->sub_id != e->sub_id) {
		if (!e)
			e = victim;
		ret = mc_fill(db, uri, h, e);
		if (ret)
			return ret;
		r = &c->reg[mc_slot(e->impu_id)];
		q = &c->sqn[mc_slot(e->sub_id)];
	}
	/* Only the fields the header promises; the rest empty, not stale. */
	s->id = e->sub_id;
	s->imsi[0] = '\0';
	memcpy(s->impi, e->impi, strlen(e->impi) + 1);
	s->keys = e->keys;
	s->has_op = false;
	memcpy(s->amf, e->amf, AKA_AMF_LEN);
	s->sqn = q->sqn;
	s->has_password = e->has_password;
	s->password[0] = '\0';
	memcpy(s->auth_scheme, e->auth_scheme, sizeof(s->auth_scheme));
	u->id = e->impu_id;
	u->sub_id = e->sub_id;
	memcpy(u->uri, e->uri, strlen(e->uri) + 1);
	u->barred = false;
	u->irs = 0;
	u->ifc_xml = NULL;
	u->state = r->state;
	memcpy(u->scscf_name, r->name, strlen(r->name) + 1);
	memcpy(u->scscf_host, r->host, strlen(r->host) + 1);
	u->scscf_realm[0] = '\0';
	return 0;
}

int db_impu_foreach(struct db *db, int64_t sub_id, db_impu_fn fn, void *arg)
{
	sqlite3_stmt *st = stmt_get(db, DB_IMPU_BY_SUB);
	struct db_impu u;
	int rc, ret = 0;

	bind_i64(st, "$sub", sub_id);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_impu(st, 0, &u);
		ret = fn(arg, &u);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(db, rc, "list IMPUs");
	stmt_done(st);
	return ret;
}

static void mc_reg_drop(struct db *db, int64_t impu_id);

int db_reg_set(struct db *db, int64_t impu_id, enum db_reg_state state, const char *name,
	       const char *host, const char *realm)
{
	sqlite3_stmt *st = stmt_get(db, DB_REG_SET);
	int ret;

	bind_i64(st, "$impu", impu_id);
	bind_i64(st, "$state", state);
	bind_text(st, "$name", name);
	bind_text(st, "$host", host);
	bind_text(st, "$realm", realm);
	bind_i64(st, "$now", (int64_t)time(NULL));
	ret = step_done(db, st, "update registration");
	mc_reg_drop(db, impu_id);
	return ret;
}

/* ---- RTR queue ----------------------------------------------------------- */
static int rtr_fetch(struct db *db, sqlite3_stmt *st, struct db_rtr *r)
{
	int rc = sqlite3_step(st), ret = -ENOENT;

	if (rc == SQLITE_ROW) {
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		col_text(st, 1, r->impi, sizeof(r->impi));
		col_text(st, 2, r->impu, sizeof(r->impu));
		r->reason_code = sqlite3_column_int(st, 3);
		col_text(st, 4, r->reason_info, sizeof(r->reason_info));
		col_text(st, 5, r->state, sizeof(r->state));
		r->attempts = sqlite3_column_int(st, 6);
		r->hbh = (uint32_t)sqlite3_column_int64(st, 7);
		r->e2e = (uint32_t)sqlite3_column_int64(st, 8);
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = db_fail(db, rc, "RTR lookup");
	}
	stmt_done(st);
	return ret;
}

int db_rtr_add(struct db *db, const char *impi, const char *impu, int reason_code,
	       const char *reason_info, int64_t *id)
{
	sqlite3_stmt *st = stmt_get(db, DB_RTR_INSERT);
	int ret;

	bind_text(st, "$impi", impi);
	bind_text(st, "$impu", impu);
	bind_i64(st, "$code", reason_code);
	bind_text(st, "$info", reason_info);
	bind_i64(st, "$now", (int64_t)time(NULL));
	ret = step_done(db, st, "queue RTR");
	if (!ret && id)
		*id = sqlite3_last_insert_rowid(db->conn);
	return ret;
}

int db_rtr_next_queued(struct db *db, int64_t after_id, struct db_rtr *out)
{
	sqlite3_stmt *st = stmt_get(db, DB_RTR_NEXT);

	bind_i64(st, "$after", after_id);
	return rtr_fetch(db, st, out);
}

int db_rtr_mark_sent(struct db *db, int64_t id, const char *peer, uint32_t hbh, uint32_t e2e)
{
	sqlite3_stmt *st = stmt_get(db, DB_RTR_SENT);

	bind_text(st, "$peer", peer);
	bind_i64(st, "$hbh", hbh);
	bind_i64(st, "$e2e", e2e);
	bind_i64(st, "$now", (int64_t)time(NULL));
	bind_i64(st, "$id", id);
	return step_change(db, st, "mark RTR sent");
}

int db_rtr_retry(struct db *db, int64_t id)
{
	sqlite3_stmt *st = stmt_get(db, DB_RTR_RETRY);

	bind_i64(st, "$now", (int64_t)time(NULL));
	bind_i64(st, "$id", id);
	return step_change(db, st, "retry RTR");
}

int db_rtr_finish(struct db *db, int64_t id, bool ok, uint32_t result)
{
	sqlite3_stmt *st = stmt_get(db, DB_RTR_FINISH);

	bind_text(st, "$state", ok ? "done" : "failed");
	if (result)
		bind_i64(st, "$result", result);
	else
		sqlite3_bind_null(st, pidx(st, "$result"));
	bind_i64(st, "$now", (int64_t)time(NULL));
	bind_i64(st, "$id", id);
	return step_change(db, st, "finish RTR");
}

int db_rtr_by_ids(struct db *db, uint32_t hbh, uint32_t e2e, struct db_rtr *out)
{
	sqlite3_stmt *st = stmt_get(db, DB_RTR_BY_IDS);

	bind_i64(st, "$hbh", hbh);
	bind_i64(st, "$e2e", e2e);
	return rtr_fetch(db, st, out);
}

int db_rtr_get(struct db *db, int64_t id, struct db_rtr *out)
{
	sqlite3_stmt *st = stmt_get(db, DB_RTR_BY_ID);

	bind_i64(st, "$id", id);
	return rtr_fetch(db, st, out);
}

void db_set_busy_timeout(struct db *db, int ms)
{
	sqlite3_busy_timeout(db->conn, ms);
}
