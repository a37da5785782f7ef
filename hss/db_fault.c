/* Diameter fault rules in the store (db.h): written by hss-ctl fault,
 * read by hssd (hss/fault.c) whenever fault_version moved. */
#include "db_int.h"

#include <string.h>
#include <time.h>

/* DB_FAULT_COLS */
static int fill_fault(struct db_q *q, void *out)
{
	struct db_fault *f = out;

	memset(f, 0, sizeof(*f));
	f->id = db_col_i64(q, 0);
	db_col_text(q, 1, f->command, sizeof(f->command));
	db_col_text(q, 2, f->user, sizeof(f->user));
	f->every = (unsigned)db_col_i64(q, 3);
	f->probability_ppm = (unsigned)db_col_i64(q, 4);
	f->count = (unsigned)db_col_i64(q, 5);
	db_col_text(q, 6, f->action, sizeof(f->action));
	f->fired = (uint64_t)db_col_i64(q, 7);
	return 0;
}

static int bump(struct db *db)
{
	return db_q_change(db_q(db, DB_FAULT_BUMP), "fault version");
}

int db_fault_add(struct db *db, struct db_fault *f)
{
	struct db_q *q = db_q(db, DB_FAULT_INSERT);
	int ret;

	db_bind_text(q, "$cmd", f->command);
	db_bind_text(q, "$user", f->user);
	db_bind_i64(q, "$every", f->every);
	db_bind_i64(q, "$ppm", f->probability_ppm);
	db_bind_i64(q, "$count", f->count);
	db_bind_text(q, "$action", f->action);
	db_bind_i64(q, "$now", (int64_t)time(NULL));
	ret = db_q_exec(q, "fault add", &f->id);
	return ret ? ret : bump(db);
}

int db_fault_del(struct db *db, int64_t id)
{
	struct db_q *q = db_q(db, DB_FAULT_DEL);
	int ret;

	db_bind_i64(q, "$id", id);
	ret = db_q_change(q, "fault del");
	return ret ? ret : bump(db);
}

int db_fault_clear(struct db *db)
{
	int ret = db_q_exec(db_q(db, DB_FAULT_CLEAR), "fault clear", NULL);

	return ret ? ret : bump(db);
}

int db_fault_foreach(struct db *db, db_fault_fn fn, void *arg)
{
	struct db_q *q = db_q(db, DB_FAULT_ALL);
	struct db_fault f;
	int rc, ret = 0;

	while (!ret && (rc = db_row(q, "fault list")) == 1) {
		fill_fault(q, &f);
		ret = fn(arg, &f);
	}
	if (!ret && rc < 0)
		ret = rc;
	db_q_done(q);
	return ret;
}

static int fill_version(struct db_q *q, void *out)
{
	*(int64_t *)out = db_col_i64(q, 0);
	return 0;
}

int db_fault_version(struct db *db, int64_t *version)
{
	return db_q_one(db_q(db, DB_FAULT_VERSION), fill_version, version, "fault version");
}

int db_fault_set_fired(struct db *db, int64_t id, uint64_t fired)
{
	struct db_q *q = db_q(db, DB_FAULT_SET_FIRED);

	db_bind_i64(q, "$fired", (int64_t)fired);
	db_bind_i64(q, "$id", id);
	return db_q_exec(q, "fault fired", NULL);
}
