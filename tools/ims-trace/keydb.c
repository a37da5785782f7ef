#include "keydb.h"

#include "util/hex.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool has_column(sqlite3 *db, const char *table, const char *col)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL))
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (!found && sqlite3_step(st) == SQLITE_ROW)
		found = !strcmp((const char *)sqlite3_column_text(st, 0), col);
	sqlite3_finalize(st);
	return found;
}

/* The real reason a store path cannot be a database, before SQLite's
 * catch-all "unable to open database file" (issue 17). */
static bool path_problem(struct keysrc *ks, const char *path)
{
	struct stat st;
	char dir[256], hdr[16];
	const char *why = NULL;

	if (stat(path, &st)) {
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		struct stat ds;
		bool nodir = errno == ENOENT && slash && (stat(dir, &ds) || !S_ISDIR(ds.st_mode));
		snprintf(ks->err, sizeof(ks->err), "--db %s: %s%s", path, nodir ? "no such directory: " :
			 errno == ENOENT ? "no such file" : strerror(errno), nodir ? dir : "");
		return true;
	}
	if (S_ISDIR(st.st_mode))
		why = "is a directory, not a store file";
	else if (!st.st_size)
		why = "empty file: not an hss-ctl store (hss-ctl creates it with its first command)";
	FILE *fp = why ? NULL : fopen(path, "rb");
	if (!why && !fp)
		why = strerror(errno);
	else if (fp) {
		if (fread(hdr, 1, 16, fp) != 16 || memcmp(hdr, "SQLite format 3", 16))
			why = "not an SQLite database (no \"SQLite format 3\" header): not an hss-ctl "
			      "store";
		fclose(fp);
	}
	if (why)
		snprintf(ks->err, sizeof(ks->err), "--db %s: %s", path, why);
	return why != NULL;
}

/* Names the tables of a foreign SQLite file, so "not an hss-ctl store"
 * says what it is instead. */
static void tables_of(sqlite3 *db, char *out, size_t sz)
{
	sqlite3_stmt *st;
	size_t o = 0;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
			       "ORDER BY name LIMIT 8", -1, &st, NULL))
		return;
	while (sqlite3_step(st) == SQLITE_ROW && o + 2 < sz)
		o += (size_t)snprintf(out + o, sz - o, "%s%s", o ? ", " : "",
				      (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static int db_refuse(struct keysrc *ks, const char *fmt, const char *path, const char *what)
{
	snprintf(ks->err, sizeof(ks->err), fmt, path, what);
	keydb_close(ks);
	return -1;
}

int keydb_open(struct keysrc *ks, const char *path)
{
	sqlite3_stmt *st;
	char tables[160];

	snprintf(ks->db_path, sizeof(ks->db_path), "%s", path);
	if (!strncmp(path, "postgres", 8) && strstr(path, "://")) {
		snprintf(ks->err, sizeof(ks->err), "--db %s: a PostgreSQL store is not supported by "
			 "this ims-trace (give the SQLite file)", path);
		return -1;
	}
	if (path_problem(ks, path))
		return -1;
	if (sqlite3_open_v2(path, &ks->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return db_refuse(ks, "--db %s: cannot open: %s", path,
				 ks->db ? sqlite3_errmsg(ks->db) : "out of memory");
	sqlite3_busy_timeout(ks->db, 2000); /* hssd may be committing */
	if (sqlite3_prepare_v2(ks->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		/* a WAL store needs its -shm file: a read-only directory refuses it */
		return db_refuse(ks, "--db %s: cannot read the store: %s", path,
				 sqlite3_errmsg(ks->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		ks->db_version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	/* hss/schema.sql v1+: subscriber(impi, k, opc, op, amf, algo, res_len, password) */
	if (!has_column(ks->db, "subscriber", "impi") || !has_column(ks->db, "subscriber", "k") ||
	    !has_column(ks->db, "subscriber", "opc")) {
		tables_of(ks->db, tables, sizeof(tables));
		snprintf(ks->err, sizeof(ks->err), "--db %s: an SQLite database but not an hss-ctl "
			 "store (no subscriber table with impi, k, opc; %s%s)", path,
			 tables[0] ? "its tables: " : "it has no tables", tables);
		keydb_close(ks);
		return -1;
	}
	ks->has_imsi = has_column(ks->db, "subscriber", "imsi");
	return 0;
}

void keydb_close(struct keysrc *ks)
{
	if (ks->db)
		sqlite3_close(ks->db);
	ks->db = NULL;
}

/* A key column as BLOB (hss-ctl) or as hex TEXT (hand-made databases). */
static bool col_octets(sqlite3_stmt *st, int i, uint8_t *out, size_t n)
{
	if (sqlite3_column_type(st, i) == SQLITE_BLOB) {
		if ((size_t)sqlite3_column_bytes(st, i) != n)
			return false;
		memcpy(out, sqlite3_column_blob(st, i), n);
		return true;
	}
	const char *t = (const char *)sqlite3_column_text(st, i);
	return t && !hex_decode_exact(t, out, n);
}

/* Older or hand-made schemas may lack the optional columns: each one is
 * read when present, else a constant stands in (the column names come from
 * this fixed table, never from input). */
static int db_prepare(struct keysrc *ks, sqlite3_stmt **st)
{
	static const struct { const char *col, *missing; } opt[] = {
		{ "amf", "NULL" }, { "algo", "NULL" }, { "res_len", "0" }, { "password", "NULL" },
		/* TUAK's lengths (schema version 5) */
		{ "mac_len", "0" }, { "ck_len", "0" }, { "ik_len", "0" }, { "iterations", "0" },
	};
	char sql[320] = "SELECT k, opc";

	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		strcat(sql, ", ");
		strcat(sql, has_column(ks->db, "subscriber", opt[i].col) ? opt[i].col
									   : opt[i].missing);
	}
	/* S6a names the subscriber by IMSI */
	strcat(sql, ks->has_imsi ? " FROM subscriber WHERE impi = ?1 OR imsi = ?1"
				 : " FROM subscriber WHERE impi = ?1");
	if (sqlite3_prepare_v2(ks->db, sql, -1, st, NULL)) {
		snprintf(ks->err, sizeof(ks->err), "--db: %s", sqlite3_errmsg(ks->db));
		return -1;
	}
	return 0;
}

/* K and OPc of the row's algorithm: 16 octets each; TUAK a K of 16 or 32
 * and TOPc of 32, with its lengths (columns 6..9) */
static bool db_keys(sqlite3_stmt *st, struct trace_keys *out)
{
	struct aka_keys ak = { .algo = out->algo, .res_len = out->res_len };

	if (out->algo != AKA_ALGO_TUAK)
		return col_octets(st, 0, out->k, 16) && col_octets(st, 1, out->op, 16);
	out->tuak = (struct aka_tuak){ .k_len = col_octets(st, 0, out->k, 32) ? 32 : 16,
				       .mac_len = (size_t)sqlite3_column_int(st, 6),
				       .ck_len = (size_t)sqlite3_column_int(st, 7),
				       .ik_len = (size_t)sqlite3_column_int(st, 8),
				       .iterations = (unsigned)sqlite3_column_int(st, 9) };
	ak.tuak = out->tuak;
	return col_octets(st, 0, out->k, out->tuak.k_len) && col_octets(st, 1, out->op, 32) &&
	       !aka_keys_check(&ak);
}

static int db_lookup(struct keysrc *ks, const char *impi, struct trace_keys *out)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (db_prepare(ks, &st))
		return -1;
	sqlite3_bind_text(st, 1, impi, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		const char *algo = (const char *)sqlite3_column_text(st, 3);
		const char *pw = (const char *)sqlite3_column_text(st, 5);
		int a = algo ? aka_algo_parse(algo) : AKA_ALGO_MILENAGE;
		out->algo = a < 0 ? AKA_ALGO_MILENAGE : (enum aka_algo)a;
		out->res_len = (size_t)sqlite3_column_int(st, 4);
		out->have_amf = col_octets(st, 2, out->amf, 2);
		/* OPc is what the HSS computes with; the swap check then tries
		 * it as OP (the card view when OP was stored as OPc). */
		out->is_opc = true;
		rc = db_keys(st, out) ? 1 : -1;
		if (pw)
			out->have_password = snprintf(out->password, sizeof(out->password), "%s", pw) > 0;
		snprintf(out->source, sizeof(out->source), "%.120s", ks->db_path);
		if (rc < 0)
			snprintf(ks->err, sizeof(ks->err), "--db: keys of %s are not of %s's "
				 "lengths", impi, aka_algo_name(out->algo));
	}
	sqlite3_finalize(st);
	return rc;
}

int keysrc_lookup(void *arg, const char *impi, struct trace_keys *out)
{
	struct keysrc *ks = arg;

	if (ks->db) {
		int rc = db_lookup(ks, impi, out);
		if (rc != 0)
			return rc;
	}
	if (ks->have_cli) {
		*out = ks->cli;
		return 1;
	}
	return 0;
}
