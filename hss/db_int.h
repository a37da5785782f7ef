/* Inside the store (hss/db*.c only): the connection object, running the
 * statements of db_stmt.h, and the hooks into the MAR and AIR cache.
 *
 * Running a statement:
 *
 *   struct db_q *q = db_q(db, DB_SUB_BY_ID);
 *   db_bind_i64(q, "$id", id);
 *   ret = db_q_one(q, fill_fn, out, "subscriber lookup");
 *
 * A bind names its parameter. A name the statement does not have, or a
 * parameter left unbound, makes the run fail with -EINVAL and a log line
 * naming the statement and the parameter ("SUB_BY_ID: no parameter
 * $idd"), without touching the database: a misspelt name never binds NULL
 * silently. Every run ends in db_q_done() (the db_q_* runners do it).
 * Names are string constants: a statement remembers, by pointer, the
 * names it has resolved (a buffer reused for another name would bind
 * the old name's position). */
#ifndef HSS_DB_INT_H
#define HSS_DB_INT_H

#include "db.h"
#include "db_driver.h"
#include "db_stmt.h"
#include "util/log.h"

#define DB_ENUM(name, sql) DB_##name,
enum db_stmt { DB_STMTS(DB_ENUM) DB_STMT_COUNT };
#undef DB_ENUM

#define DB_PNAME_MEMO 8 /* parameters remembered by name pointer per statement */

struct db_q {
	struct db *db;
	struct db_handle *h;
	enum db_stmt id;
	int nparams;
	uint64_t bound; /* bit i-1: parameter i bound in this run */
	int err;        /* sticky: a bind failed */
	/* Names already resolved, by position: a bind compares the caller's
	 * name pointer (a string constant) before asking the backend, which
	 * searches its parameter list by text (SQLite: ~150 instructions a
	 * bind, on every MAR's SQN update). */
	const char *pname[DB_PNAME_MEMO];
};

struct mar_cache; /* db_cache.c */

struct db {
	const struct db_driver *drv;
	struct db_conn *conn;
	unsigned flags;
	struct db_q q[DB_STMT_COUNT];
	struct mar_cache *mc;
	bool async;      /* db_async_enable: hssd's loop commits in the background */
	uint32_t tag;    /* db_set_tag */
	char errmsg[256];
	struct log_limit fail_log; /* db_fail's error lines (util/log.h) */
};

/* ---- statements ---------------------------------------------------------- */
const char *db_stmt_name(enum db_stmt id);
struct db_q *db_q(struct db *db, enum db_stmt id);
void db_bind_null(struct db_q *q, const char *name);
void db_bind_i64(struct db_q *q, const char *name, int64_t v);
/* NULL and "" bind NULL (optional text columns). */
void db_bind_text(struct db_q *q, const char *name, const char *v);
/* "" stays "" (a password may be empty); NULL binds NULL. */
void db_bind_str(struct db_q *q, const char *name, const char *v);
/* NULL binds NULL. */
void db_bind_blob(struct db_q *q, const char *name, const void *v, size_t len);

/* Steps: 1 a row is ready, 0 no (more) rows, < 0 error (recorded). */
int db_row(struct db_q *q, const char *what);
void db_q_done(struct db_q *q);
/* Runs a statement that returns no row, or one row of RETURNING id
 * (*id when non-NULL). */
int db_q_exec(struct db_q *q, const char *what, int64_t *id);
/* As db_q_exec; -ENOENT when no row changed. */
int db_q_change(struct db_q *q, const char *what);
/* A compare-and-swap UPDATE: -ESTALE when no row changed; in hssd's
 * asynchronous commit (and a backend that defers) it runs at the commit
 * and a miss fails the current tag instead. */
int db_q_cas(struct db_q *q, const char *what);
/* One row into fill(q, out): 0, -ENOENT when none, or the error. */
typedef int (*db_fill_fn)(struct db_q *q, void *out);
int db_q_one(struct db_q *q, db_fill_fn fill, void *out, const char *what);

/* Columns of the current row. */
bool db_col_null(struct db_q *q, int col);
int64_t db_col_i64(struct db_q *q, int col);
/* Copies text, cut to outsz - 1 ("" for NULL): columns are bounded by
 * their writers. */
void db_col_text(struct db_q *q, int col, char *out, size_t outsz);
/* Borrowed until the next step: NULL for NULL. */
const char *db_col_str(struct db_q *q, int col);
/* Exactly len octets, else -1 (NULL or another length). */
int db_col_blob(struct db_q *q, int col, uint8_t *out, size_t len);

/* algo, K, [OP,] OPc, AMF from column col on (op_col: OP's column when
 * the row has one, skipped; -1 otherwise), with K and OPc of the
 * algorithm's lengths (TUAK: K 16 or 32, TOPc 32). -EIO on a damaged key. */
int db_row_keys(struct db_q *q, int col, struct aka_keys *keys, uint8_t *amf, int op_col);
/* DB_TUAK_COLS from column col on into keys->tuak (TUAK rows only; the
 * others leave it zero); -EIO when they do not fit the algorithm. */
int db_row_tuak(struct db_q *q, int col, struct aka_keys *keys);
/* DB_SUB_COLS from column 0 into a struct db_sub (db_sub.c). */
int db_row_to_sub(struct db_q *q, void *out);

/* Records a failure of `what` (db_errmsg) and returns err; logs -EIO. */
int db_fail(struct db *db, int err, const char *what);
/* One integer from a query without parameters (0 when it has no row). */
int db_scalar(struct db *db, const char *sql, int64_t *v);

/* ---- MAR cache hooks (db_cache.c) ------------------------------------------ */
/* This connection wrote an SQN / a registration (after the statement
 * succeeded), or anything else the cache may hold (drop everything). */
void db_cache_sqn_written(struct db *db, int64_t sub_id, uint64_t sqn);
void db_cache_reg_written(struct db *db, int64_t impu_id);
void db_cache_drop(struct db *db);
/* A transaction begins or ends (the change counter is read again). */
void db_cache_txn_edge(struct db *db);
/* BEGIN succeeded: nothing of this connection is uncommitted (db_auth_take). */
void db_cache_txn_began(struct db *db);
void db_cache_free(struct db *db);

#endif
