/* The HSS store: one API over interchangeable backends (the SQLite file
 * is the default; db_driver.h says what a backend provides, db.c picks it
 * from the --db value).
 *
 * Files: db.c open/upgrade/transactions and statement running, db_stmt.h
 * every SQL statement, db_sub.c subscribers, db_impu.c identities and
 * registration, db_queue.c the outbound request queue, db_apn.c S6a data,
 * db_cache.c the MAR and AIR cache (above this API, any backend),
 * db_sqlite.c the SQLite backend.
 *
 * Transactions: hssd's core calls db_txn_begin() before a loop turn and
 * db_txn_commit() after it (group commit, see hss/app.h and the design note
 * in db.c); hss-ctl wraps each command in one transaction so nothing is
 * half-written. Every function returns 0 or a negative errno-style value:
 * -ENOENT not found, -EEXIST duplicate, -EINVAL bad value (or a statement
 * bound wrongly: a bug, logged), -EIO backend failure, -EBUSY another
 * writer holds the lock, -EPROTONOSUPPORT database schema newer than this
 * program, -EMEDIUMTYPE not a database. db_errmsg() gives the last
 * backend message for logs. */
#ifndef HSS_DB_H
#define HSS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aka/aka.h"

struct db;

/* The schema version this program writes (every backend's schema has
 * the same steps: hss/schema.sql for SQLite). */
#define DB_SCHEMA_VERSION 9

/* Opens (creating if needed) and upgrades the store at `where` (a file
 * path for SQLite); *out is owned by the caller (db_close). On
 * -EPROTONOSUPPORT the store was left untouched. A new SQLite file and its
 * -wal/-shm are created 0600 (the keys are in it). */
int db_open(const char *where, struct db **out);
#define DB_OPEN_READONLY 1u
/* The same with DB_OPEN_* flags: DB_OPEN_READONLY reads a
 * store this user cannot write (hss-ctl list/show); nothing is upgraded
 * and every write fails. */
int db_open_mode(const char *where, unsigned flags, struct db **out);
void db_close(struct db *db);
/* The last error text of the connection (borrowed, valid until the next
 * call), or of the last failed db_open(). */
const char *db_errmsg(struct db *db);
/* The message for a negative value returned by this module. */
const char *db_strerror(int err);

/* A write transaction (SQLite: BEGIN IMMEDIATE, the write lock at once)
 * / COMMIT (durable when it returns: one fsync). */
int db_txn_begin(struct db *db);
int db_txn_commit(struct db *db);
int db_txn_rollback(struct db *db);
/* How long a writer waits for another process's lock (default 5000 ms,
 * right for hss-ctl). hssd lowers it: its whole loop waits with it. */
void db_set_busy_timeout(struct db *db, int ms);

/* ---- Group commit without stopping the loop (hssd, server.c) -----------
 * The commit of turn N becomes durable while the loop goes on with turn
 * N+1; answers are held until theirs is. db_async_enable() once at start;
 * then per turn db_txn_begin(), the handlers, db_commit_start(): the turn's
 * transaction ends and becomes durable in the background (SQLite: a
 * thread fsyncs the WAL; PostgreSQL: COMMIT sent, its result comes on the
 * socket). db_commit_fd() is readable when db_commit_poll() may report a
 * finished commit: one per call, in order. A commit whose err is 0 is
 * durable; otherwise nothing of it may be relied on (answers become 5012).
 * failed_tags: requests (db_set_tag) whose SQN compare-and-swap found
 * another SQN: their answers must not leave; run them again. */
struct db_commit_done {
	uint64_t seq;
	int err;
	const uint32_t *failed_tags; /* borrowed until the next db_commit_start */
	size_t nfailed;
};
int db_async_enable(struct db *db);
/* 0 and *seq; -EAGAIN: the backend commits one at a time and one is in
 * flight: the transaction stays open, the next turn joins it, call again
 * when a commit finished. here: the caller has nothing else to do until
 * this commit is durable (nothing readable); a backend that can then makes
 * it durable before returning (SQLite: the WAL fsync on the calling thread,
 * instead of waking its thread and being woken by it: two hand-offs of
 * tens of µs each on a VM); db_commit_poll reports it as usual. */
int db_commit_start(struct db *db, uint64_t *seq, bool here);
int db_commit_fd(struct db *db);
/* db_commit_fd is one descriptor for the connection's life, readable only
 * when a commit finished: it may stay in an epoll set between commits. */
bool db_commit_fd_steady(const struct db *db);
int db_commit_poll(struct db *db, struct db_commit_done *out);
/* The request whose store calls follow (its SQN writes carry the tag). */
void db_set_tag(struct db *db, uint32_t tag);

/* The SQL of upgrade step `version` (1..DB_SCHEMA_VERSION) of a schema
 * text (the backend's, e.g. db_schema_sqlite), for tests that build an old
 * store. 0, -ENOENT or -ENOSPC. */
int db_schema_step(const char *schema, int version, char *buf, size_t bufsz);
/* `where` (a --db value) fit for a log line or a message: a password in a
 * URI (postgresql://USER:PASSWORD@HOST/DB) shows as "***". Returns buf. */
const char *db_where_shown(const char *where, char *buf, size_t bufsz);
/* The password of a store URI's userinfo (RFC 3986 §3.2.1), as written in
 * it: its length and *pw, or 0 and *pw NULL when there is none. */
size_t db_where_password(const char *where, const char **pw);
/* The backend's name ("sqlite"). */
const char *db_backend(const struct db *db);
/* Inside a transaction begun with db_txn_begin. */
bool db_in_txn(const struct db *db);
/* The MAR/AIR cache forgets everything and reads the store again (hssd:
 * after a commit whose outcome it cannot know, server.c unpaired()). */
void db_forget_cached(struct db *db);
/* A number that changes when another connection committed (the caches
 * above the store compare it). */
int db_data_version(struct db *db, int64_t *v);
/* Checkpoints the store's write-ahead log, when the backend has one
 * (SQLite: wal_checkpoint(TRUNCATE)); outside a transaction. 0 or -errno. */
int db_checkpoint(struct db *db);
/* Start-up write probe (issue 16 item 8): an UPDATE that matches no row
 * on each table hssd writes while it serves, so the backend checks what
 * a real write needs (SQLite: a writable file and its write lock;
 * PostgreSQL: UPDATE privilege, not a read-only transaction or a hot
 * standby) and changes nothing. 0 writable; -EBUSY another writer holds
 * the lock (no verdict); else the error, db_errmsg says why. */
int db_probe_write(struct db *db);

/* ---- Subscribers ---------------------------------------------------- */
#define DB_IMSI_MAX 16      /* 15 digits + NUL */
#define DB_ID_MAX 256       /* IMPI, IMPU, S-CSCF name, Origin-Host */
#define DB_PASSWORD_MAX 128
#define DB_SCHEME_MAX 32

struct db_sub {
	int64_t id;
	char imsi[DB_IMSI_MAX];
	char impi[DB_ID_MAX];
	struct aka_keys keys;      /* algo, K, OPc/TOPc (given or cached), res_len,
				    * TUAK's lengths */
	bool has_op;               /* OP (TUAK: TOP) was provisioned (op valid) */
	uint8_t op[AKA_TOP_LEN];   /* aka_op_len(&keys) octets */
	uint8_t amf[AKA_AMF_LEN];
	uint64_t sqn;              /* SQN_HE: the last SQN handed out */
	uint64_t sqn_read;         /* SQN_HE as read from the store (the
				    * compare-and-swap of db_sub_advance_sqn) */
	bool has_password;
	char password[DB_PASSWORD_MAX];
	char auth_scheme[DB_SCHEME_MAX]; /* default for "Unknown" */
};

/* Inserts s (s->id is set). With has_op, OPc (TUAK: TOPc) is derived from
 * OP here and cached (keys.opc is ignored on input). -EEXIST: IMSI or IMPI
 * taken; -EINVAL: keys the algorithm cannot use (aka_keys_check). */
int db_sub_add(struct db *db, struct db_sub *s);
int db_sub_by_impi(struct db *db, const char *impi, struct db_sub *out);
int db_sub_by_imsi(struct db *db, const char *imsi, struct db_sub *out);
int db_sub_by_id(struct db *db, int64_t id, struct db_sub *out);
/* IMSI when the key is all digits, else IMPI. */
int db_sub_lookup(struct db *db, const char *key, struct db_sub *out);
/* Deletes the subscriber and (cascade) its IMPUs and registrations. */
int db_sub_del(struct db *db, int64_t id);
int db_sub_set_sqn(struct db *db, int64_t id, uint64_t sqn);
/* Takes SQNs for vectors: SQN_HE from `old` (what this caller read) to
 * `sqn`, only if the store still holds `old` (compare-and-swap: another
 * hssd on the same PostgreSQL may have taken SQNs meanwhile). -ESTALE when
 * it does not; inside hssd's asynchronous commit the check happens at the
 * commit and a stale one fails the request's tag (db_commit_done). */
int db_sub_advance_sqn(struct db *db, int64_t id, uint64_t old, uint64_t sqn);
/* Calls fn for every subscriber in IMSI order; a non-zero return stops
 * the walk and is returned. */
typedef int (*db_sub_fn)(void *arg, const struct db_sub *s);
int db_sub_foreach(struct db *db, db_sub_fn fn, void *arg);

/* ---- Public identities and registration state ------------------------ */
/* TS 29.228 registration states. */
enum db_reg_state {
	DB_REG_NOT_REGISTERED = 0,
	DB_REG_REGISTERED = 1,
	DB_REG_UNREGISTERED = 2, /* S-CSCF assigned for unregistered services */
};
const char *db_reg_state_name(enum db_reg_state s);

struct db_impu {
	int64_t id;
	int64_t sub_id;
	char uri[DB_ID_MAX];
	bool barred;
	int irs;                   /* implicit registration set */
	const char *ifc_xml;       /* borrowed: valid inside a foreach callback
				    * only; NULL from db_impu_by_uri */
	/* registration */
	enum db_reg_state state;
	char scscf_name[DB_ID_MAX];  /* "" = none stored */
	char scscf_host[DB_ID_MAX];  /* Origin-Host of that S-CSCF */
	char scscf_realm[DB_ID_MAX];
};

/* Adds an IMPU to a subscriber (ifc_xml may be NULL). -EEXIST if taken. */
int db_impu_add(struct db *db, int64_t sub_id, const char *uri, bool barred, int irs,
		const char *ifc_xml, int64_t *id);
int db_impu_by_uri(struct db *db, const char *uri, struct db_impu *out);
/* The IMPU and its subscriber in one lookup (the Cx hot path); ifc_xml is
 * NULL. -ENOENT when the IMPU is unknown. */
int db_ident_by_impu(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u);
/* The MAR hot path (hss/cx.c): the IMPU and its subscriber, only what
 * authentication needs, from an in-memory cache (db_cache.c) that stays
 * exact across processes (db_data_version) and this connection's writes;
 * one db_auth_by_uri on a miss. Fills s: id, impi, keys, amf, sqn, has_password,
 * auth_scheme (imsi, op and the password text left empty: fetch with
 * db_sub_by_id for SIP Digest); u: id, sub_id, uri, state, scscf_name,
 * scscf_host (barred false, irs 0, ifc_xml NULL, scscf_realm empty).
 * -ENOENT when the IMPU is unknown. */
int db_ident_auth(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u);
/* The AIR hot path (hss/s6a.c): the subscriber by IMSI, only what
 * authentication needs, from the same cache (one SQN per subscriber,
 * whichever key found it). Fills s as db_ident_auth does, and s->imsi.
 * -ENOENT when the IMSI is unknown. */
int db_sub_auth(struct db *db, const char *imsi, struct db_sub *s);
/* Before a loop turn's handlers run (hssd, hss/prefetch.h): the cache of
 * db_ident_auth and db_sub_auth looks up every key of keys[] it lacks in
 * one store call per kind (db_auth_by_uris, db_auth_by_imsis; on
 * PostgreSQL one round trip instead of one per request), so the handlers
 * then find them. Only a hint: a key left out (unknown, evicted again,
 * an error) is looked up by its handler as before, with the same result. */
struct db_auth_key {
	const char *key; /* an IMPU URI, or an IMSI when by_imsi */
	bool by_imsi;
};
int db_auth_prefetch(struct db *db, const struct db_auth_key *keys, size_t n);
/* Since the store was opened: lookups through db_ident_auth/db_sub_auth,
 * and keys read from the store (a lookup's miss, or a key a prefetch
 * asked for). */
void db_auth_cache_counts(const struct db *db, uint64_t *lookups, uint64_t *fetched);
/* Every IMPU of a subscriber, in insertion order, with ifc_xml. */
typedef int (*db_impu_fn)(void *arg, const struct db_impu *u);
int db_impu_foreach(struct db *db, int64_t sub_id, db_impu_fn fn, void *arg);

/* Sets the registration of one IMPU. name/host/realm NULL or "" clear
 * them. */
int db_reg_set(struct db *db, int64_t impu_id, enum db_reg_state state, const char *name,
	       const char *host, const char *realm);

/* The same for every IMPU of the subscriber in implicit registration set
 * irs (irs < 0: every IMPU of the subscriber), reading only their ids,
 * DB_SET_MAX at a time. */
#define DB_SET_MAX 64
int db_reg_set_irs(struct db *db, int64_t sub_id, int irs, enum db_reg_state state,
		   const char *name, const char *host, const char *realm);

/* Changes an IMPU's barring, implicit set and iFC (ifc_xml NULL: none). */
int db_impu_update(struct db *db, int64_t id, bool barred, int irs, const char *ifc_xml);
/* Deletes an IMPU (and, cascading, its registration). */
int db_impu_del(struct db *db, int64_t id);

/* What the MAR needs of an IMPU and its subscriber in one row (the MAR
 * cache, db_cache.c, fills itself from it). */
struct db_auth {
	int64_t sub_id, impu_id;
	char impi[DB_ID_MAX];
	struct aka_keys keys;
	uint8_t amf[AKA_AMF_LEN];
	uint64_t sqn;
	bool has_password;
	char auth_scheme[DB_SCHEME_MAX];
	enum db_reg_state state;
	char scscf_name[DB_ID_MAX], scscf_host[DB_ID_MAX];
};
int db_auth_by_uri(struct db *db, const char *uri, struct db_auth *out);
/* The same by IMSI (AIR): impu_id 0, no registration. */
int db_auth_by_imsi(struct db *db, const char *imsi, struct db_auth *out);
/* Many keys at once (the identity cache fills a loop turn's misses, hssd):
 * one statement for up to DB_KEYS_MAX of them (on PostgreSQL one round
 * trip), fn(arg, key, a) for each key found, in no given order; a key
 * with no row (unknown) is not reported. Only keys of printable ASCII
 * are asked (others: the one-key lookup). A non-zero fn return stops the
 * walk and is returned; else 0 or the store's error. */
#define DB_KEYS_MAX 256
typedef int (*db_auth_fn)(void *arg, const char *key, const struct db_auth *a);
int db_auth_by_uris(struct db *db, const char *const *uris, size_t n, db_auth_fn fn, void *arg);
int db_auth_by_imsis(struct db *db, const char *const *imsis, size_t n, db_auth_fn fn,
		     void *arg);
/* db_auth_prefetch in parts, for a turn read on two connections (hssd's
 * reader thread, prefetch.h). db_auth_missing: the keys the cache lacks,
 * each once (at most DB_KEYS_MAX), into miss; at[i] (when at is not NULL)
 * the index in miss of keys[i], -1 when it is not to be read (cached, too
 * long). db_auth_read: keys read on db (any connection of the store,
 * none of its cache touched), each row to uri_fn or imsi_fn by its key's
 * kind. db_auth_fill: keys read on db into db's cache. db_auth_take: a
 * row another connection read into db's cache, unless db's open
 * transaction may have changed what it holds (a write other than SQN
 * swaps, or a swap of this subscriber's SQN whose slot it no longer has:
 * that connection does not see the open transaction); false when not
 * taken (the handler looks the key up itself, on db). */
int db_auth_missing(struct db *db, const struct db_auth_key *keys, size_t n,
		    struct db_auth_key *miss, size_t *nmiss, int16_t *at);
int db_auth_read(struct db *db, const struct db_auth_key *keys, size_t n, db_auth_fn uri_fn,
		 db_auth_fn imsi_fn, void *arg);
int db_auth_fill(struct db *db, const struct db_auth_key *keys, size_t n);
bool db_auth_take(struct db *db, const char *key, bool by_imsi, const struct db_auth *a);
/* A second, read-only connection to db's store for another thread, where
 * the backend lets one read beside the writer and see each commit at once
 * (SQLite in WAL mode); -ENOTSUP otherwise (PostgreSQL reads on a
 * connection of its own already). */
int db_open_reader(struct db *db, struct db **out);

/* ---- Charging information (TS 29.229 §6.3.19 Charging-Information) ---- */
struct db_charging {
	char ecf[2][DB_ID_MAX];    /* Primary/Secondary-Event-Charging-Function-Name */
	char ccf[2][DB_ID_MAX];    /* Primary/Secondary-Charging-Collection-Function-Name */
};
/* All "" when none is provisioned. */
int db_charging_get(struct db *db, int64_t sub_id, struct db_charging *out);
/* Stores c; all four empty removes the subscriber's charging information. */
int db_charging_set(struct db *db, int64_t sub_id, const struct db_charging *c);
bool db_charging_empty(const struct db_charging *c);

/* ---- Outbound request queue: HSS-initiated requests (out_queue.h) ----- */
#define DB_KIND_MAX 4
struct db_out {
	int64_t id;
	char kind[DB_KIND_MAX];    /* "RTR", "PPR", "CLR", "IDR" */
	char user[DB_ID_MAX];      /* User-Name: IMPI (Cx) or IMSI (S6a) */
	char impu[DB_ID_MAX];      /* RTR: the one Public-Identity; "" = all */
	char host[DB_ID_MAX];      /* Destination-Host; "" = resolved when sent */
	char realm[DB_ID_MAX];
	int code;                  /* RTR Reason-Code, CLR Cancellation-Type, PPR what changed */
	char info[DB_ID_MAX];      /* RTR Reason-Info */
	char state[8];             /* queued, sent, done, failed */
	int attempts;              /* ticks spent on it (not connected, sent) */
	int sends;                 /* times it left */
	uint32_t hbh, e2e;
	uint32_t result;           /* of the answer; 0 = none */
	int64_t updated;           /* unix time of the last change */
};
/* Queues r (kind, user, impu, host, realm, code, info); r->id is set. */
int db_out_add(struct db *db, struct db_out *r);
/* The oldest queued request with id > after_id; -ENOENT when none. */
int db_out_next_queued(struct db *db, int64_t after_id, struct db_out *out);
/* The oldest request sent at or before `before` (unix time) and still
 * unanswered, with id > after_id; -ENOENT when none. */
int db_out_next_unanswered(struct db *db, int64_t before, int64_t after_id, struct db_out *out);
/* Sent to host/realm with these identifiers (attempts and sends + 1). */
int db_out_mark_sent(struct db *db, int64_t id, const char *host, const char *realm,
		     uint32_t hbh, uint32_t e2e);
/* Back to queued for a later tick (attempts + 1). */
int db_out_retry(struct db *db, int64_t id);
/* Done or failed with a result code (0 = none). */
int db_out_finish(struct db *db, int64_t id, bool ok, uint32_t result);
/* The sent request an answer's identifiers match. */
int db_out_by_ids(struct db *db, uint32_t hbh, uint32_t e2e, struct db_out *out);
int db_out_get(struct db *db, int64_t id, struct db_out *out);
/* Requests in a state ("queued", "sent" …): hssd's queue-depth metric. */
int db_out_count(struct db *db, const char *state, int64_t *n);

/* ---- Diameter fault rules (hss/fault.h applies them, hss-ctl fault) ---- */
#define DB_FAULT_CMD_MAX 8
#define DB_FAULT_ACTION_MAX 64
struct db_fault {
	int64_t id;
	char command[DB_FAULT_CMD_MAX];   /* "MAR" … or "any" */
	char user[DB_ID_MAX];             /* fnmatch glob; "" = any user */
	unsigned every;                   /* 0 = every match */
	unsigned probability_ppm;         /* 0..1000000; 0 = not random */
	unsigned count;                   /* 0 = no limit */
	char action[DB_FAULT_ACTION_MAX]; /* as given: "delay:3000", "result:5001" … */
	uint64_t fired;                   /* as hssd last wrote it back */
};
/* Each of add/del/clear bumps the fault version (hssd reads the rules
 * again when it changes). add sets f->id; del: -ENOENT when no such rule. */
int db_fault_add(struct db *db, struct db_fault *f);
int db_fault_del(struct db *db, int64_t id);
int db_fault_clear(struct db *db);
/* Every rule in id order. */
typedef int (*db_fault_fn)(void *arg, const struct db_fault *f);
int db_fault_foreach(struct db *db, db_fault_fn fn, void *arg);
int db_fault_version(struct db *db, int64_t *version);
/* hssd's count of a rule's injected faults (no version bump). */
int db_fault_set_fired(struct db *db, int64_t id, uint64_t fired);

/* ---- Copying a store whole (hss-ctl migrate, db_copy.c) -------------- */
#define DB_COPY_TABLES 11
/* Copies every row of every table of `from` into `to` (both opened at this
 * schema version), ids and SQNs included, in one transaction of `to`: all
 * or nothing. `to` must be empty: -ENOTEMPTY (nothing written) when it
 * holds a subscriber, an APN, a queued request or a fault rule. rows[i]:
 * the rows copied into table i (db_copy_table). Errors: db_errmsg of `to`
 * (or of `from` when reading failed). */
int db_copy(struct db *from, struct db *to, int64_t rows[DB_COPY_TABLES]);
/* Table i of the copy (0..DB_COPY_TABLES-1) and its columns as "TYPE:name"
 * separated by spaces (i integer, t text, b blob); -ENOENT past the end. */
int db_copy_table(size_t i, const char **name, const char **cols);

#endif
