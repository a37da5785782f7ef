/* What a store backend provides to the store (hss/db.c): a connection,
 * statements with named $parameters, typed binds and columns, schema
 * versions, and a change counter for the caches above the store.
 *
 * The store's SQL (hss/db_stmt.h) and the concern files (db_sub.c,
 * db_impu.c, db_queue.c, db_apn.c …) are written once against this
 * interface; a backend is one driver file plus its schema:
 *
 *   SQLite      db_sqlite.c   schema.sql     the default: a file path
 *   PostgreSQL  db_pg.c       schema_pg.sql  postgresql://… or postgres://…
 *
 * A new backend = a new driver file + schema file + one line in
 * db.c's `drivers[]` (docs/HACKING.md "A new store backend").
 *
 * Conventions: every int function returns 0 or a negative errno value
 * (-EEXIST unique constraint, -EINVAL other constraint, -EBUSY locked,
 * -EIO anything else; the text through errmsg()). Statement handles and
 * the column pointers they return are owned by the driver: a column
 * pointer is valid until the next step or reset of its statement. */
#ifndef HSS_DB_DRIVER_H
#define HSS_DB_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h" /* DB_OPEN_* flags */

struct db_conn;   /* one backend connection */
struct db_handle; /* one prepared statement of that connection */

struct db_driver {
	const char *name;   /* "sqlite" */
	/* The backend's schema: "-- @version N" steps (hss/schema.sql). */
	const char *schema_sql;
	/* True when `where` (the --db value) is for this driver. The last
	 * driver of db.c's table takes whatever the others did not claim. */
	bool (*claims)(const char *where);
	/* Many keys at once (db_auth_by_uris): a call of at most this many
	 * binds them one by one (db_stmt.h DB_KEYS8); more, or 0, one JSON
	 * array for all (PostgreSQL: one round trip, whatever the count). */
	unsigned keys_bound;

	/* Connects; err gets a one-line reason naming the cause ("no such
	 * directory", "not a database"). */
	int (*open)(const char *where, unsigned flags, struct db_conn **out, char *err,
		    size_t errsz);
	void (*close)(struct db_conn *c);
	/* SQL without parameters (schema steps; a step may hold several
	 * statements). */
	int (*exec)(struct db_conn *c, const char *sql);
	const char *(*errmsg)(struct db_conn *c);

	/* Write transactions. SQLite takes the write lock at BEGIN, so two
	 * writers queue instead of failing at their first write. */
	int (*begin)(struct db_conn *c);
	int (*commit)(struct db_conn *c);
	int (*rollback)(struct db_conn *c);
	bool (*in_txn)(struct db_conn *c);
	/* Called whenever a transaction of this connection is rolled back,
	 * also when the backend does it by itself after an error. */
	void (*on_rollback)(struct db_conn *c, void (*fn)(void *arg), void *arg);
	/* How long a writer waits for another's lock. */
	void (*set_busy_timeout)(struct db_conn *c, int ms);

	/* The schema version of the store (0 = empty) and setting it inside
	 * an upgrade step's transaction. */
	int (*schema_version)(struct db_conn *c, int *v);
	int (*set_schema_version)(struct db_conn *c, int v);
	/* Counts the tables and views of the store, any program's: one with
	 * version 0 that has some is another program's database, never given
	 * the HSS schema (db.c foreign_store). */
	const char *tables_sql;
	/* Read-write opens, after the version check and before the upgrade
	 * steps: the backend's session settings (SQLite: WAL, sync). */
	int (*init_rw)(struct db_conn *c);
	/* Read-write opens, after the upgrade steps; NULL when there is
	 * nothing to do. SQLite turns foreign keys on only here: a step that
	 * rebuilds a table (its one way to change a CHECK, schema.sql
	 * version 6) must run with them off, or dropping the old table would
	 * cascade into the tables that reference it. */
	int (*after_upgrade)(struct db_conn *c);
	/* A number that changes when another connection commits (caches
	 * above the store drop what they hold when it does). */
	int (*data_version)(struct db_conn *c, int64_t *v);
	/* Optional: where another connection, opened read-only in another
	 * thread, reads beside this one and sees each of its commits at once
	 * (SQLite in WAL mode: the file). NULL: the backend has no such reader. */
	const char *(*reader_where)(struct db_conn *c);
	/* Optional: give back what a write-ahead log grew by (after an outage
	 * of the disk). NULL: nothing to do for this backend. */
	int (*checkpoint)(struct db_conn *c);

	/* Statements. SQL names parameters "$name"; param_index gives its
	 * 1-based position, 0 when the statement has none by that name. */
	int (*prepare)(struct db_conn *c, const char *sql, struct db_handle **out);
	void (*finalize)(struct db_handle *h);
	int (*param_count)(struct db_handle *h);
	int (*param_index)(struct db_handle *h, const char *name);
	void (*bind_null)(struct db_handle *h, int i);
	void (*bind_i64)(struct db_handle *h, int i, int64_t v);
	void (*bind_text)(struct db_handle *h, int i, const char *v); /* borrowed until reset */
	void (*bind_blob)(struct db_handle *h, int i, const void *v, size_t len);
	/* 1 a row is ready, 0 done, < 0 error. */
	int (*step)(struct db_conn *c, struct db_handle *h);
	/* Ends the run. The bindings may stay (SQLite keeps them) but are
	 * never used again: every run binds every parameter first (db.c
	 * refuses to run otherwise; db_copy.c binds whole rows). */
	void (*reset)(struct db_handle *h);
	bool (*col_null)(struct db_handle *h, int col);
	int64_t (*col_i64)(struct db_handle *h, int col);
	const char *(*col_text)(struct db_handle *h, int col, size_t *len); /* NULL for NULL */
	const void *(*col_blob)(struct db_handle *h, int col, size_t *len);
	/* Rows changed by the statement's last run. */
	int64_t (*changes)(struct db_conn *c, struct db_handle *h);

	/* ---- group commit without stopping hssd's loop (db.h db_commit_*) ----
	 * async_enable: once, before the loop's first transaction. commit_start
	 * ends the open transaction and starts making it durable; -EAGAIN when
	 * the backend takes one commit at a time and one is in flight (the
	 * transaction stays open). commit_fd is readable when commit_poll may
	 * have news; commit_poll reports finished commits in order, one per
	 * call (1), or none yet (0). here and commit_fd_steady: db.h
	 * db_commit_start and db_commit_fd_steady. */
	int (*async_enable)(struct db_conn *c);
	int (*commit_start)(struct db_conn *c, uint64_t *seq, bool here);
	int (*commit_fd)(struct db_conn *c);
	bool commit_fd_steady;
	int (*commit_poll)(struct db_conn *c, struct db_commit_done *out);
	/* Optional: another connection's caches must drop what they hold at
	 * this transaction's commit (a change the change counter does not see
	 * by itself: hss-ctl set-sqn on PostgreSQL). */
	int (*changed)(struct db_conn *c);
	/* Optional: runs the bound statement (an UPDATE … WHERE old value) at
	 * the commit instead of now, remembering tag; one that changes no row
	 * reports tag in its commit's failed_tags. NULL: run at once. */
	int (*defer)(struct db_conn *c, struct db_handle *h, uint32_t tag);

	/* ---- copying a store whole (db_copy.c, hss-ctl migrate) ----
	 * snapshot_sql begins a read transaction that sees one state of the
	 * store across statements. For a table whose rows have an "id"
	 * handed out by the store, id_high_sql ("%1$s" the table) reads the
	 * highest id it ever handed out (its rows' or, where ids are never
	 * reused, the counter's) and id_set_sql ("%2$lld" the id) makes the
	 * next one come after it, once rows were copied with their ids. */
	const char *snapshot_sql;
	const char *id_high_sql;
	const char *id_set_sql;
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pg;

#endif
