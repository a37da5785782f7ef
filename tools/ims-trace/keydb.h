/* Where ims-trace gets a subscriber's keys: the command line (--k with
 * --op or --opc) and/or the HSS store (--db: an hss-ctl SQLite file or
 * postgresql://…), looked up by IMPI or IMSI (S6a's User-Name). The store
 * is read through its own API (hss/db.h), opened DB_OPEN_READONLY: ims-trace
 * never writes to it, never upgrades it, takes no lock. A store that
 * cannot be used is refused at open with its real problem named (the
 * store's words: no such file or directory, a directory, empty, not
 * SQLite, not an hss-ctl store, another schema version, PostgreSQL
 * unreachable), issue 17. */
#ifndef TRACE_KEYDB_H
#define TRACE_KEYDB_H

#include "keys.h"

struct db;

struct keysrc {
	struct trace_keys cli;
	bool have_cli;
	struct db *db;
	char db_path[256];    /* the --db value as shown (a password as ***) */
	char err[768];        /* last lookup problem, for notes */
};

/* 0, or -1 with a one-line reason in ks->err. */
int keydb_open(struct keysrc *ks, const char *where);
void keydb_close(struct keysrc *ks);
/* trace_key_lookup: database row first, else the command-line keys. */
int keysrc_lookup(void *arg, const char *impi, struct trace_keys *out);

#endif
