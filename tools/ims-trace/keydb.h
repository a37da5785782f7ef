/* Where ims-trace gets a subscriber's keys: the command line (--k with
 * --op or --opc) and/or hss-ctl's SQLite database (--db), looked up by
 * IMPI. The database is opened read-only and queried with our own SQL
 * (tools never link hss code); schemas without the columns we need are
 * reported once, not fatal to the rest of the analysis. */
#ifndef TRACE_KEYDB_H
#define TRACE_KEYDB_H

#include "verdict.h"

struct sqlite3;

struct keysrc {
	struct trace_keys cli;
	bool have_cli;
	struct sqlite3 *db;
	char db_path[256];
	int db_version;       /* PRAGMA user_version */
	char err[256];        /* last lookup problem, for notes */
};

/* 0, or -1 with a one-line reason in ks->err. */
int keydb_open(struct keysrc *ks, const char *path);
void keydb_close(struct keysrc *ks);
/* trace_key_lookup: database row first, else the command-line keys. */
int keysrc_lookup(void *arg, const char *impi, struct trace_keys *out);

#endif
