/* Where ims-trace gets a subscriber's keys: the command line (--k with
 * --op or --opc) and/or hss-ctl's SQLite database (--db), looked up by
 * IMPI or IMSI (S6a's User-Name). The database is opened read-only and
 * queried with our own SQL (tools never link hss code). A store that
 * cannot be used is refused at open with its real problem named (no such
 * file or directory, a directory, empty, not SQLite, not an hss-ctl
 * store, unreadable), issue 17. */
#ifndef TRACE_KEYDB_H
#define TRACE_KEYDB_H

#include "keys.h"

struct sqlite3;

struct keysrc {
	struct trace_keys cli;
	bool have_cli;
	struct sqlite3 *db;
	char db_path[256];
	int db_version;       /* PRAGMA user_version */
	bool has_imsi;        /* subscriber.imsi exists: S6a lookups */
	char err[768];        /* last lookup problem, for notes */
};

/* 0, or -1 with a one-line reason in ks->err. */
int keydb_open(struct keysrc *ks, const char *path);
void keydb_close(struct keysrc *ks);
/* trace_key_lookup: database row first, else the command-line keys. */
int keysrc_lookup(void *arg, const char *impi, struct trace_keys *out);

#endif
