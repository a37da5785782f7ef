/* The outbound request queue: one table (out_queue) for every
 * HSS-initiated request; hss/out_queue.c sends, retries, matches answers
 * and drops (db.h). */
#include "db_int.h"

#include <string.h>
#include <time.h>

/* DB_OUT_COLS */
static int fill_out(struct db_q *q, void *out)
{
	struct db_out *r = out;

	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(q, 0);
	db_col_text(q, 1, r->kind, sizeof(r->kind));
	db_col_text(q, 2, r->user, sizeof(r->user));
	db_col_text(q, 3, r->impu, sizeof(r->impu));
	db_col_text(q, 4, r->host, sizeof(r->host));
	db_col_text(q, 5, r->realm, sizeof(r->realm));
	r->code = (int)db_col_i64(q, 6);
	db_col_text(q, 7, r->info, sizeof(r->info));
	db_col_text(q, 8, r->state, sizeof(r->state));
	r->attempts = (int)db_col_i64(q, 9);
	r->sends = (int)db_col_i64(q, 10);
	r->hbh = (uint32_t)db_col_i64(q, 11);
	r->e2e = (uint32_t)db_col_i64(q, 12);
	r->result = (uint32_t)db_col_i64(q, 13);
	r->updated = db_col_i64(q, 14);
	return 0;
}

int db_out_add(struct db *db, struct db_out *r)
{
	struct db_q *q = db_q(db, DB_OUT_INSERT);

	db_bind_text(q, "$kind", r->kind);
	db_bind_text(q, "$user", r->user);
	db_bind_text(q, "$impu", r->impu);
	db_bind_text(q, "$host", r->host);
	db_bind_text(q, "$realm", r->realm);
	db_bind_i64(q, "$code", r->code);
	db_bind_text(q, "$info", r->info);
	db_bind_i64(q, "$now", (int64_t)time(NULL));
	return db_q_exec(q, "queue request", &r->id);
}

int db_out_next_queued(struct db *db, int64_t after_id, struct db_out *out)
{
	struct db_q *q = db_q(db, DB_OUT_NEXT);

	db_bind_i64(q, "$after", after_id);
	return db_q_one(q, fill_out, out, "queue read");
}

int db_out_next_unanswered(struct db *db, int64_t before, int64_t after_id, struct db_out *out)
{
	struct db_q *q = db_q(db, DB_OUT_UNANSWERED);

	db_bind_i64(q, "$before", before);
	db_bind_i64(q, "$after", after_id);
	return db_q_one(q, fill_out, out, "queue read");
}

int db_out_mark_sent(struct db *db, int64_t id, const char *host, const char *realm,
		     uint32_t hbh, uint32_t e2e)
{
	struct db_q *q = db_q(db, DB_OUT_SENT);

	db_bind_text(q, "$host", host);
	db_bind_text(q, "$realm", realm);
	db_bind_i64(q, "$hbh", hbh);
	db_bind_i64(q, "$e2e", e2e);
	db_bind_i64(q, "$now", (int64_t)time(NULL));
	db_bind_i64(q, "$id", id);
	return db_q_change(q, "queue sent");
}

int db_out_retry(struct db *db, int64_t id)
{
	struct db_q *q = db_q(db, DB_OUT_RETRY);

	db_bind_i64(q, "$now", (int64_t)time(NULL));
	db_bind_i64(q, "$id", id);
	return db_q_change(q, "queue retry");
}

int db_out_finish(struct db *db, int64_t id, bool ok, uint32_t result)
{
	struct db_q *q = db_q(db, DB_OUT_FINISH);

	db_bind_text(q, "$state", ok ? "done" : "failed");
	if (result)
		db_bind_i64(q, "$result", result);
	else
		db_bind_null(q, "$result");
	db_bind_i64(q, "$now", (int64_t)time(NULL));
	db_bind_i64(q, "$id", id);
	return db_q_change(q, "queue finish");
}

int db_out_by_ids(struct db *db, uint32_t hbh, uint32_t e2e, struct db_out *out)
{
	struct db_q *q = db_q(db, DB_OUT_BY_IDS);

	db_bind_i64(q, "$hbh", hbh);
	db_bind_i64(q, "$e2e", e2e);
	return db_q_one(q, fill_out, out, "queue read");
}

int db_out_get(struct db *db, int64_t id, struct db_out *out)
{
	struct db_q *q = db_q(db, DB_OUT_BY_ID);

	db_bind_i64(q, "$id", id);
	return db_q_one(q, fill_out, out, "queue read");
}

static int fill_count(struct db_q *q, void *out)
{
	*(int64_t *)out = db_col_i64(q, 0);
	return 0;
}

int db_out_count(struct db *db, const char *state, int64_t *n)
{
	struct db_q *q = db_q(db, DB_OUT_COUNT);

	db_bind_text(q, "$state", state);
	return db_q_one(q, fill_count, n, "queue count");
}
