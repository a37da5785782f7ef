/* The HSS store: SQLite in WAL mode (hss/db.c, schema in hss/schema.sql).
 *
 * Transactions: hssd's core calls db_txn_begin() before a loop turn and
 * db_txn_commit() after it (group commit, see hss/app.h and the design note
 * in db.c); hss-ctl wraps each command in one transaction so nothing is
 * half-written. Every function returns 0 or a negative errno-style value:
 * -ENOENT not found, -EEXIST duplicate, -EIO SQLite failure,
 * -EPROTONOSUPPORT database schema newer than this program. */
#ifndef HSS_DB_H
#define HSS_DB_H

struct db;

/* Opens (creating if needed) and upgrades the database at path; *out is
 * owned by the caller (db_close). */
int db_open(const char *path, struct db **out);
void db_close(struct db *db);

/* BEGIN IMMEDIATE / COMMIT (one fsync: synchronous=FULL in WAL). */
int db_txn_begin(struct db *db);
int db_txn_commit(struct db *db);

#endif
