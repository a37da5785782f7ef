#include "keydb.h"

#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int keydb_open(struct keysrc *ks, const char *where)
{
	db_where_shown(where, ks->db_path, sizeof(ks->db_path));
	/* read-only: no upgrade, no write, no lock (db.h); the store names
	 * what is wrong with a store it refuses, in one line */
	if (db_open_mode(where, DB_OPEN_READONLY, &ks->db)) {
		snprintf(ks->err, sizeof(ks->err), "--db %s", db_errmsg(NULL));
		ks->db = NULL;
		return -1;
	}
	return 0;
}

void keydb_close(struct keysrc *ks)
{
	db_close(ks->db);
	ks->db = NULL;
}

/* The store's subscriber (struct db_sub) as ims-trace's keys: K and OPc as
 * the HSS computes with them (the swap check then tries OPc as OP: the
 * card view when OP was stored as OPc), AMF, RES length, TUAK's lengths,
 * the SIP Digest password. */
static void keys_from_sub(const struct keysrc *ks, const struct db_sub *s, struct trace_keys *out)
{
	memset(out, 0, sizeof(*out));
	out->algo = s->keys.algo;
	memcpy(out->k, s->keys.k, aka_k_len(&s->keys));
	memcpy(out->op, s->keys.opc, s->keys.algo == AKA_ALGO_TUAK ? AKA_TOP_LEN : AKA_OP_LEN);
	out->is_opc = true;
	out->have_aka = true;
	out->tuak = s->keys.tuak;
	out->res_len = s->keys.res_len;
	memcpy(out->amf, s->amf, sizeof(out->amf));
	out->have_amf = true;
	if (s->has_password)
		out->have_password = snprintf(out->password, sizeof(out->password), "%s",
					      s->password) > 0;
	snprintf(out->source, sizeof(out->source), "%.120s", ks->db_path);
}

/* 1 found, 0 not in the store, -1 the store failed (ks->err). */
static int db_lookup(struct keysrc *ks, const char *id, struct db_sub *s)
{
	/* IMSI when all digits (S6a's User-Name), else IMPI; an all-digit
	 * IMPI is tried as one too */
	int ret = db_sub_lookup(ks->db, id, s);

	if (ret == -ENOENT && id[0] && !id[strspn(id, "0123456789")])
		ret = db_sub_by_impi(ks->db, id, s);
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		snprintf(ks->err, sizeof(ks->err), "--db %s: the keys of %s cannot be read: %s",
			 ks->db_path, id, ret == -EIO ? db_errmsg(ks->db) : db_strerror(ret));
		return -1;
	}
	return 1;
}

int keysrc_lookup(void *arg, const char *impi, struct trace_keys *out)
{
	struct keysrc *ks = arg;

	if (ks->db) {
		struct db_sub s;
		int rc = db_lookup(ks, impi, &s);

		if (rc == 1)
			keys_from_sub(ks, &s, out);
		explicit_bzero(&s, sizeof(s)); /* K, OP, OPc, password */
		if (rc != 0)
			return rc;
	}
	if (ks->have_cli) {
		*out = ks->cli;
		return 1;
	}
	return 0;
}
