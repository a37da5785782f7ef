/* The SQLite store backend (db_driver.h): a file in WAL mode.
 *
 * Durability (the SQN rule at the head of hss/db.c): journal_mode=WAL with
 * synchronous=FULL fsyncs the WAL at every COMMIT (with NORMAL a power
 * loss could drop the last commits: exactly the SQNs already sent).
 * busy_timeout lets hss-ctl and hssd share the file.
 *
 * Files: the store is created 0600 before SQLite opens it, and SQLite
 * gives its -wal and -shm files the mode of the store, so keys are never
 * readable by other users. A read-only store (another user's file, a
 * read-only directory or medium) opens read-only for hss-ctl list/show;
 * when SQLite cannot create the -shm beside it and no -wal exists, the
 * file is read as immutable (nothing can be changing it).
 *
 * Group commit without stopping hssd's loop (db.h db_commit_*): hssd
 * switches its connection to synchronous=NORMAL, so COMMIT writes the WAL
 * frames and returns without an fsync, and a thread fsyncs the WAL
 * (fdatasync of the -wal file) after each commit, then says so on an
 * eventfd. A commit is reported durable once an fsync that started after
 * it finished: the same state synchronous=FULL reaches inside COMMIT (the
 * commit frame and all before it on disk), while the loop meanwhile runs
 * the next turn's handlers; when the loop has nothing else to do it may
 * ask for the fsync on its own thread instead (commit_start's here), which
 * saves the two wake-ups. SQLite itself still syncs the WAL before a
 * checkpoint and the database after it (synchronous=NORMAL), and the -wal
 * inode stays while hssd's connection is open; the thread re-opens it if
 * its inode ever changes. An fsync that fails is sticky: every later
 * commit is reported failed (the page cache can no longer be trusted). */
#include "db_driver.h"
#include "db_stmt.h"
#include "db_mem.h"
#include "schema_sql.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The WAL fsync thread of the asynchronous commit. */
struct syncer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int efd;                      /* eventfd: an fsync finished */
	bool kicked;                  /* efd written, not yet read */
	uint64_t requested, synced;   /* commit numbers */
	uint64_t reported;            /* given to commit_poll */
	int err;                      /* sticky */
	bool stop;
	char wal[4200];
	int walfd;
	ino_t ino;
};

struct db_conn {
	sqlite3 *c;
	sqlite3_stmt *data_version;
	/* Prepared once: every loop turn of hssd begins and commits, and
	 * sqlite3_exec would parse the text again each time. */
	sqlite3_stmt *begin, *commit;
	void (*rollback_fn)(void *);
	void *rollback_arg;
	char path[4096];
	struct syncer *sy;
	uint64_t seq;
};

#define ST(h) ((sqlite3_stmt *)(void *)(h))

static bool sq_claims(const char *where)
{
	(void)where;
	return true; /* the default: a file path */
}

/* -errno for the connection's last error code. */
static int sq_err(sqlite3 *c, int rc)
{
	int ext = c ? sqlite3_extended_errcode(c) : rc;

	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return -EEXIST;
	if ((ext & 0xff) == SQLITE_CONSTRAINT)
		return -EINVAL;
	if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
		return -EBUSY;
	return -EIO;
}

static const char *sq_errmsg(struct db_conn *c)
{
	return sqlite3_errmsg(c->c);
}

static int sq_exec(struct db_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->c, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_err(c->c, rc);
}

/* ---- open ------------------------------------------------------------------ */
/* Why a path cannot be opened, in the words an operator needs (issue 17).
 * A read-only open (a view, ims-trace) creates nothing, so a missing or
 * empty file is refused here. */
static int path_problem(const char *path, unsigned flags, char *err, size_t errsz)
{
	char buf[4096];
	const char *dir;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	dir = dirname(buf); /* "." for a bare name */
	/* EACCES is not "no such file": the file may well be there */
	if (stat(dir, &st) != 0 && errno == EACCES)
		return snprintf(err, errsz, "%s: permission denied: this user may not look into "
				"a directory on the way", path), -EACCES;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return snprintf(err, errsz, "%s: no such directory: %s", path, dir), -ENOENT;
	if (stat(path, &st) != 0) {
		if (errno == EACCES)
			return snprintf(err, errsz, "%s: permission denied: this user may not "
					"look into %s", path, dir), -EACCES;
		if (!(flags & DB_OPEN_READONLY))
			return 0; /* created */
		return snprintf(err, errsz, "%s: no such file", path), -ENOENT;
	}
	if (S_ISDIR(st.st_mode))
		return snprintf(err, errsz, "%s: is a directory, not a store file", path), -EISDIR;
	if (access(path, R_OK) != 0 && errno == EACCES) /* else SQLite's "unable to open" */
		return snprintf(err, errsz, "%s: permission denied: not readable by this user "
				"(mode %04o, owner uid %u)", path, (unsigned)(st.st_mode & 07777),
				(unsigned)st.st_uid), -EACCES;
	if (!(flags & DB_OPEN_READONLY))
		return 0;
	if (st.st_size == 0)
		return snprintf(err, errsz, "%s: empty file: not an hss-ctl store (hss-ctl creates "
				"it with its first command)", path), -EMEDIUMTYPE;
	return 0;
}

/* Names the tables of a file without a schema version, so "not an hss-ctl
 * store" says what it is instead (a read-only open cannot create the
 * store's tables, and must not call another program's file old). */
static int foreign_problem(sqlite3 *db, const char *path, char *err, size_t errsz)
{
	sqlite3_stmt *st;
	char tables[160] = "";
	size_t o = 0;
	int v = -1, sub = 0;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), "
			       "(SELECT count(*) FROM pragma_table_info('subscriber') WHERE name "
			       "IN ('impi', 'k', 'opc'))", -1, &st, NULL) != SQLITE_OK)
		return 0; /* the version check that follows says more */
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = sqlite3_column_int(st, 0);
		sub = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (v != 0 || sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = "
					 "'table' ORDER BY name LIMIT 8", -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW && o + 2 < sizeof(tables))
		o += (size_t)snprintf(tables + o, sizeof(tables) - o, "%s%s", o ? ", " : "",
				      (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	snprintf(err, errsz, "%s: an SQLite database but not an hss-ctl store (%s; %s%s)", path,
		 sub == 3 ? "no schema version" : "no subscriber table with impi, k, opc",
		 o ? "its tables: " : "it has no tables", tables);
	return -EMEDIUMTYPE;
}

/* Creates a missing store file 0600 (SQLite's -wal/-shm take its mode). */
static int create_private(const char *path, char *err, size_t errsz)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0)
		return close(fd), 0;
	if (errno == EEXIST)
		return 0;
	snprintf(err, errsz, "%s: %s", path, strerror(errno));
	return -errno;
}

static int sq_connect(struct db_conn *c, const char *path, unsigned flags, bool immutable)
{
	char uri[4200];
	int of = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;

	/* NOMUTEX: a connection is used by one thread at a time (hssd is one
	 * loop). The URI form only to say immutable=1; a plain path otherwise
	 * (a file name may hold '?' or '%'). */
	of |= flags & DB_OPEN_READONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (immutable)
		snprintf(uri, sizeof(uri), "file:%s?immutable=1", path);
	else
		snprintf(uri, sizeof(uri), "%s", path);
	if (sqlite3_open_v2(uri, &c->c, immutable ? of : of & ~SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		return sq_err(c->c, SQLITE_CANTOPEN);
	/* From the first read on: another process creating or upgrading the
	 * store holds its lock for a moment (the first read failed at once
	 * with "database is locked" when four hss-ctl made one new store). */
	sqlite3_busy_timeout(c->c, 5000);
	return 0;
}

/* The first read: "not a database", or a read-only WAL store whose -shm
 * cannot be made. Reading user_version touches the file for real. */
static int first_read(struct db_conn *c)
{
	if (sqlite3_exec(c->c, "PRAGMA user_version", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	return sqlite3_errcode(c->c) == SQLITE_NOTADB ? -EMEDIUMTYPE : -EIO;
}

static void syncer_stop(struct db_conn *c);

static void sq_close(struct db_conn *c)
{
	if (!c)
		return;
	syncer_stop(c);
	sqlite3_finalize(c->data_version);
	sqlite3_finalize(c->begin);
	sqlite3_finalize(c->commit);
	sqlite3_close(c->c);
	free(c);
}

static void rollback_hook(void *arg)
{
	struct db_conn *c = arg;

	if (c->rollback_fn)
		c->rollback_fn(c->rollback_arg);
}

static int setup(struct db_conn *c, unsigned flags)
{
	sqlite3_rollback_hook(c->c, rollback_hook, c);
	if (sqlite3_prepare_v3(c->c, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
			       &c->data_version, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(c->c, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &c->begin,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(c->c, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &c->commit,
			       NULL) != SQLITE_OK)
		return sq_err(c->c, SQLITE_ERROR);
	if (flags & DB_OPEN_READONLY)
		return sq_exec(c, "PRAGMA foreign_keys = ON");
	return 0;
}

static int sq_open(const char *path, unsigned flags, struct db_conn **out, char *err,
		   size_t errsz)
{
	char wal[4200];
	struct db_conn *c = calloc(1, sizeof(*c));
	int ret = path_problem(path, flags, err, errsz);

	*out = NULL;
	if (!c)
		return -ENOMEM;
	/* No global memory statistics: they cost a mutex per malloc. Only
	 * possible before SQLite initialises; later calls fail harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	db_mem_install(); /* small blocks from free lists (db_mem.c) */
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (!ret && !(flags & DB_OPEN_READONLY))
		ret = create_private(path, err, errsz);
	if (!ret && (ret = sq_connect(c, path, flags, false)) != 0)
		snprintf(err, errsz, "%s: %s", path, c->c ? sqlite3_errmsg(c->c) : "cannot open");
	if (!ret && (ret = first_read(c)) == -EIO && (flags & DB_OPEN_READONLY)) {
		snprintf(wal, sizeof(wal), "%s-wal", path);
		if (access(wal, F_OK) != 0) { /* nothing uncheckpointed: read the file as is */
			sqlite3_close(c->c);
			c->c = NULL;
			ret = sq_connect(c, path, flags, true);
			if (!ret)
				ret = first_read(c);
		}
	}
	if (!ret && !(flags & DB_OPEN_READONLY) && sqlite3_db_readonly(c->c, "main") == 1)
		ret = -EROFS; /* SQLite fell back to read-only: the file is not ours to write */
	if (!ret && (flags & DB_OPEN_READONLY))
		ret = foreign_problem(c->c, path, err, errsz);
	if (ret == -EMEDIUMTYPE && !err[0])
		snprintf(err, errsz, "%s: not a database (not an SQLite database, or damaged)",
			 path);
	else if (ret == -EROFS || (ret && !(flags & DB_OPEN_READONLY) &&
				   (sqlite3_errcode(c->c) & 0xff) == SQLITE_READONLY))
		snprintf(err, errsz, "%s: read-only for this user (the file or its directory is "
			 "not writable; hss-ctl list/show still read it)", path), ret = -EROFS;
	else if (ret && !err[0])
		snprintf(err, errsz, "%s: %s", path, c->c ? sqlite3_errmsg(c->c) : "cannot open");
	if (!ret && (ret = setup(c, flags)) != 0)
		snprintf(err, errsz, "%s: %s", path, sqlite3_errmsg(c->c));
	if (ret) {
		sq_close(c);
		return ret;
	}
	*out = c;
	return 0;
}

/* ---- transactions, versions ----------------------------------------------- */
/* One of the prepared statements without parameters or rows. */
static int sq_run(struct db_conn *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st), ret = rc == SQLITE_DONE ? 0 : sq_err(c->c, rc);

	sqlite3_reset(st); /* keeps the error and its text for errmsg() */
	return ret;
}

static int sq_begin(struct db_conn *c)
{
	return sq_run(c, c->begin);
}

static int sq_commit(struct db_conn *c)
{
	return sq_run(c, c->commit);
}

static int sq_rollback(struct db_conn *c)
{
	/* A COMMIT that failed for want of space has already rolled back
	 * (SQLite ends the transaction itself): nothing left to undo. */
	if (sqlite3_get_autocommit(c->c))
		return 0;
	return sq_exec(c, "ROLLBACK");
}

/* WAL: a reader sees every COMMIT at once (db_open_reader). */
static const char *sq_reader_where(struct db_conn *c)
{
	return c->path;
}

static int sq_checkpoint(struct db_conn *c)
{
	int rc = sqlite3_wal_checkpoint_v2(c->c, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_err(c->c, rc);
}

static bool sq_in_txn(struct db_conn *c)
{
	return !sqlite3_get_autocommit(c->c);
}

static void sq_on_rollback(struct db_conn *c, void (*fn)(void *), void *arg)
{
	c->rollback_fn = fn;
	c->rollback_arg = arg;
}

static void sq_busy(struct db_conn *c, int ms)
{
	sqlite3_busy_timeout(c->c, ms);
}

static int pragma_int(struct db_conn *c, sqlite3_stmt *st, int64_t *v)
{
	int rc = sqlite3_step(st);

	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sq_err(c->c, rc);
}

static int sq_schema_version(struct db_conn *c, int *v)
{
	sqlite3_stmt *st;
	int64_t x = 0;
	int ret;

	if (sqlite3_prepare_v2(c->c, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return sq_err(c->c, SQLITE_ERROR);
	ret = pragma_int(c, st, &x);
	sqlite3_finalize(st);
	*v = (int)x;
	return ret;
}

static int sq_set_schema_version(struct db_conn *c, int v)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	return sq_exec(c, sql);
}

/* Changes when another connection committed to the file. */
static int sq_data_version(struct db_conn *c, int64_t *v)
{
	return pragma_int(c, c->data_version, v);
}

/* WAL, full sync: after the version check, so a file we refuse (newer
 * schema) is never switched to WAL. Foreign keys stay off (SQLite's
 * default) while the upgrade steps run: see sq_after_upgrade. */
static int sq_init_rw(struct db_conn *c)
{
	int ret;

	/* Switching a new file to WAL needs its exclusive lock. While another
	 * process creates the same store, SQLite may answer SQLITE_BUSY at once
	 * without calling the busy handler (its deadlock rule: our read lock
	 * against the other's pending write lock), so wait here as the busy
	 * timeout would: 5 s in 10 ms steps. A file already in WAL mode never
	 * comes here twice. */
	for (int i = 0; (ret = sq_exec(c, "PRAGMA journal_mode = WAL")) == -EBUSY && i < 500; i++)
		usleep(10000);

	if (!ret)
		ret = sq_exec(c, "PRAGMA synchronous = FULL");
	return ret;
}

/* Foreign keys on for everything after the upgrade. Off during it, as
 * SQLite's ALTER TABLE page prescribes for rebuilding a table: with them
 * on, DROP TABLE deletes the rows first and ON DELETE CASCADE empties the
 * referencing tables. A step that rebuilds checks the keys itself before
 * it commits (schema.sql version 6). */
static int sq_after_upgrade(struct db_conn *c)
{
	return sq_exec(c, "PRAGMA foreign_keys = ON");
}

/* ---- statements -------------------------------------------------------------- */
static int sq_prepare(struct db_conn *c, const char *sql, struct db_handle **out)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(c->c, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return sq_err(c->c, SQLITE_ERROR);
	*out = (struct db_handle *)(void *)st;
	return 0;
}

static void sq_finalize(struct db_handle *h)
{
	sqlite3_finalize(ST(h));
}

static int sq_param_count(struct db_handle *h)
{
	return sqlite3_bind_parameter_count(ST(h));
}

static int sq_param_index(struct db_handle *h, const char *name)
{
	return sqlite3_bind_parameter_index(ST(h), name);
}

static void sq_bind_null(struct db_handle *h, int i)
{
	sqlite3_bind_null(ST(h), i);
}

static void sq_bind_i64(struct db_handle *h, int i, int64_t v)
{
	sqlite3_bind_int64(ST(h), i, v);
}

static void sq_bind_text(struct db_handle *h, int i, const char *v)
{
	sqlite3_bind_text(ST(h), i, v, -1, SQLITE_STATIC);
}

static void sq_bind_blob(struct db_handle *h, int i, const void *v, size_t len)
{
	sqlite3_bind_blob(ST(h), i, v, (int)len, SQLITE_STATIC);
}

static int sq_step(struct db_conn *c, struct db_handle *h)
{
	int rc = sqlite3_step(ST(h));

	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : sq_err(c->c, rc);
}

/* The bindings stay (db_driver.h): clearing them cost every run, the MAR's
 * SQN update included, ~70 instructions for nothing. */
static void sq_reset(struct db_handle *h)
{
	sqlite3_reset(ST(h));
}

static bool sq_col_null(struct db_handle *h, int col)
{
	return sqlite3_column_type(ST(h), col) == SQLITE_NULL;
}

static int64_t sq_col_i64(struct db_handle *h, int col)
{
	return sqlite3_column_int64(ST(h), col);
}

static const char *sq_col_text(struct db_handle *h, int col, size_t *len)
{
	const char *t = (const char *)sqlite3_column_text(ST(h), col);

	*len = t ? (size_t)sqlite3_column_bytes(ST(h), col) : 0;
	return t;
}

static const void *sq_col_blob(struct db_handle *h, int col, size_t *len)
{
	const void *b = sqlite3_column_blob(ST(h), col);

	*len = b ? (size_t)sqlite3_column_bytes(ST(h), col) : 0;
	return b;
}

static int64_t sq_changes(struct db_conn *c, struct db_handle *h)
{
	(void)h;
	return sqlite3_changes(c->c);
}

/* ---- asynchronous commit: the WAL fsync thread ------------------------------- */
/* fdatasync of the -wal file, opened (again) when its inode is new. */
static int sync_wal(struct syncer *sy)
{
	struct stat st;

	if (stat(sy->wal, &st) != 0)
		return errno == ENOENT ? 0 : -errno; /* no WAL: nothing committed through it */
	if (sy->walfd < 0 || st.st_ino != sy->ino) {
		if (sy->walfd >= 0)
			close(sy->walfd);
		sy->walfd = open(sy->wal, O_RDONLY | O_CLOEXEC);
		if (sy->walfd < 0)
			return -errno;
		sy->ino = st.st_ino;
	}
	return fdatasync(sy->walfd) ? -errno : 0;
}

/* The thread's eventfd write, under sy->mu: the loop reads it only when
 * one is pending (no read per poll that finds nothing). */
static void kick(struct syncer *sy)
{
	uint64_t one = 1;

	if (!sy->kicked && write(sy->efd, &one, sizeof(one)) == sizeof(one))
		sy->kicked = true;
}

static void *syncer_main(void *arg)
{
	struct syncer *sy = arg;
	uint64_t target;
	int ret;

	pthread_mutex_lock(&sy->mu);
	for (;;) {
		while (sy->requested == sy->synced && !sy->stop)
			pthread_cond_wait(&sy->cv, &sy->mu);
		if (sy->stop)
			break;
		target = sy->requested;
		pthread_mutex_unlock(&sy->mu);
		ret = sync_wal(sy);
		pthread_mutex_lock(&sy->mu);
		if (ret && !sy->err)
			sy->err = ret;
		sy->synced = target;
		kick(sy);
	}
	pthread_mutex_unlock(&sy->mu);
	return NULL;
}

static int sq_async_enable(struct db_conn *c)
{
	struct syncer *sy = calloc(1, sizeof(*sy));
	int ret = sy ? sq_exec(c, "PRAGMA synchronous = NORMAL") : -ENOMEM;

	if (ret) {
		free(sy);
		return ret;
	}
	snprintf(sy->wal, sizeof(sy->wal), "%s-wal", c->path);
	sy->walfd = -1;
	sy->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&sy->mu, NULL);
	pthread_cond_init(&sy->cv, NULL);
	if (sy->efd < 0 || pthread_create(&sy->th, NULL, syncer_main, sy)) {
		if (sy->efd >= 0)
			close(sy->efd);
		free(sy);
		sq_exec(c, "PRAGMA synchronous = FULL");
		return -EAGAIN;
	}
	c->sy = sy;
	return 0;
}

static void syncer_stop(struct db_conn *c)
{
	struct syncer *sy = c->sy;

	if (!sy)
		return;
	pthread_mutex_lock(&sy->mu);
	sy->stop = true;
	pthread_cond_signal(&sy->cv);
	pthread_mutex_unlock(&sy->mu);
	pthread_join(sy->th, NULL);
	/* What was committed but not yet synced reaches the disk now. */
	sync_wal(sy);
	if (sy->walfd >= 0)
		close(sy->walfd);
	close(sy->efd);
	pthread_mutex_destroy(&sy->mu);
	pthread_cond_destroy(&sy->cv);
	free(sy);
	c->sy = NULL;
}

/* COMMIT (no fsync: synchronous=NORMAL), then the thread's fsync; or,
 * when the caller has nothing else to do (here) and the thread is idle,
 * the fsync on this thread: the same fsync started after the COMMIT, done
 * without the two wake-ups (the thread's, then the loop's by the eventfd)
 * that cost more than the fsync itself on a VM (issue 14). The thread stays
 * idle meanwhile (requested == synced), so sync_wal is never run twice at
 * once; nobody else starts commits (one loop thread). */
static int sq_commit_start(struct db_conn *c, uint64_t *seq, bool here)
{
	struct syncer *sy = c->sy;
	int ret = sqlite3_get_autocommit(c->c) ? 0 : sq_commit(c);
	bool idle;

	if (ret)
		return ret;
	*seq = ++c->seq;
	pthread_mutex_lock(&sy->mu);
	idle = sy->requested == sy->synced;
	if (!here || !idle) {
		sy->requested = *seq;
		pthread_cond_signal(&sy->cv);
		pthread_mutex_unlock(&sy->mu);
		return 0;
	}
	pthread_mutex_unlock(&sy->mu);
	ret = sync_wal(sy);
	pthread_mutex_lock(&sy->mu);
	if (ret && !sy->err)
		sy->err = ret;
	sy->requested = sy->synced = *seq;
	pthread_mutex_unlock(&sy->mu);
	return 0;
}

static int sq_commit_fd(struct db_conn *c)
{
	return c->sy ? c->sy->efd : -1;
}

/* The eventfd is readable while the thread reported an fsync the loop has
 * not taken (kicked); reports of commits fsynced here need no eventfd. */
static int sq_commit_poll(struct db_conn *c, struct db_commit_done *out)
{
	struct syncer *sy = c->sy;
	uint64_t n, synced;
	int err;

	if (!sy)
		return 0;
	pthread_mutex_lock(&sy->mu);
	if (sy->kicked) {
		if (read(sy->efd, &n, sizeof(n)) < 0) { /* EAGAIN: nothing to drain */
		}
		sy->kicked = false;
	}
	synced = sy->synced;
	err = sy->err;
	pthread_mutex_unlock(&sy->mu);
	if (sy->reported >= synced)
		return 0;
	*out = (struct db_commit_done){ .seq = ++sy->reported, .err = err ? -EIO : 0 };
	if (sy->reported < synced) { /* more to report: stay readable */
		pthread_mutex_lock(&sy->mu);
		kick(sy);
		pthread_mutex_unlock(&sy->mu);
	}
	return 1;
}

const struct db_driver db_driver_sqlite = {
	.name = "sqlite",
	.schema_sql = db_schema_sqlite,
	.claims = sq_claims,
	.keys_bound = DB_KEYS_BOUND, /* hssd's reader thread reads chunks of 8 */
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.errmsg = sq_errmsg,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_txn = sq_in_txn,
	.on_rollback = sq_on_rollback,
	.set_busy_timeout = sq_busy,
	.schema_version = sq_schema_version,
	.set_schema_version = sq_set_schema_version,
	.tables_sql = "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view')",
	.init_rw = sq_init_rw,
	.after_upgrade = sq_after_upgrade,
	.data_version = sq_data_version,
	.checkpoint = sq_checkpoint,
	.reader_where = sq_reader_where,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.param_count = sq_param_count,
	.param_index = sq_param_index,
	.bind_null = sq_bind_null,
	.bind_i64 = sq_bind_i64,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.reset = sq_reset,
	.col_null = sq_col_null,
	.col_i64 = sq_col_i64,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.changes = sq_changes,
	.async_enable = sq_async_enable,
	.commit_start = sq_commit_start,
	.commit_fd = sq_commit_fd,
	.commit_fd_steady = true,
	.commit_poll = sq_commit_poll,
	/* a deferred read transaction: its snapshot starts at the first read */
	.snapshot_sql = "BEGIN",
	/* AUTOINCREMENT tables keep their high mark in sqlite_sequence; the
	 * others hand out max(id) + 1 */
	.id_high_sql = "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = "
		       "'%1$s'), 0), coalesce((SELECT max(id) FROM %1$s), 0))",
	.id_set_sql = "UPDATE sqlite_sequence SET seq = max(seq, %2$lld) WHERE name = '%1$s'; "
		      "INSERT INTO sqlite_sequence (name, seq) SELECT '%1$s', %2$lld WHERE "
		      "%2$lld > 0 AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = "
		      "'%1$s') AND EXISTS (SELECT 1 FROM sqlite_master WHERE name = '%1$s' AND "
		      "sql LIKE '%%AUTOINCREMENT%%')",
};
