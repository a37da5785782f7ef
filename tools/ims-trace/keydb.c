#include "keydb.h"

#include "util/hex.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

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

int keydb_open(struct keysrc *ks, const char *path)
{
	sqlite3_stmt *st;

	snprintf(ks->db_path, sizeof(ks->db_path), "%s", path);
	if (sqlite3_open_v2(path, &ks->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(ks->err, sizeof(ks->err), "--db %s: %s", path,
			 ks->db ? sqlite3_errmsg(ks->db) : "cannot open");
		keydb_close(ks);
		return -1;
	}
	if (sqlite3_prepare_v2(ks->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			ks->db_version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	/* hss/schema.sql v1+: subscriber(impi, k, opc, op, amf, algo, res_len, password) */
	if (!has_column(ks->db, "subscriber", "impi") || !has_column(ks->db, "subscriber", "k") ||
	    !has_column(ks->db, "subscriber", "opc")) {
		snprintf(ks->err, sizeof(ks->err), "--db %s: not an hss-ctl database (no "
			 "subscriber table with impi, k, opc; schema version %d)", path,
			 ks->db_version);
		keydb_close(ks);
		return -1;
	}
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
	};
	char sql[256] = "SELECT k, opc";

	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		strcat(sql, ", ");
		strcat(sql, has_column(ks->db, "subscriber", opt[i].col) ? opt[i].col
									   : opt[i].missing);
	}
	strcat(sql, " FROM subscriber WHERE impi = ?1");
	if (sqlite3_prepare_v2(ks->db, sql, -1, st, NULL)) {
		snprintf(ks->err, sizeof(ks->err), "--db: %s", sqlite3_errmsg(ks->db));
		return -1;
	}
	return 0;
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
		rc = col_octets(st, 0, out->k, 16) && col_octets(st, 1, out->op, 16) ? 1 : -1;
		if (pw)
			out->have_password = snprintf(out->password, sizeof(out->password), "%s", pw) > 0;
		snprintf(out->source, sizeof(out->source), "%.120s", ks->db_path);
		if (rc < 0)
			snprintf(ks->err, sizeof(ks->err), "--db: keys of %s are not 16 octets", impi);
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
