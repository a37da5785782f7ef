/* The HSS store: SQLite in WAL mode (hss/db.c, schema in hss/schema.sql).
 *
 * Transactions: hssd's core calls db_txn_begin() before a loop turn and
 * db_txn_commit() after it (group commit, see hss/app.h and the design note
 * in db.c); hss-ctl wraps each command in one transaction so nothing is
 * half-written. Every function returns 0 or a negative errno-style value:
 * -ENOENT not found, -EEXIST duplicate, -EINVAL bad value, -EIO SQLite
 * failure, -EPROTONOSUPPORT database schema newer than this program.
 * db_errmsg() gives the last SQLite message for logs. */
#ifndef HSS_DB_H
#define HSS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aka/aka.h"

struct db;

/* The schema version this program writes (hss/schema.sql). */
#define DB_SCHEMA_VERSION 3

/* Opens (creating if needed) and upgrades the database at path; *out is
 * owned by the caller (db_close). On -EPROTONOSUPPORT the file was left
 * untouched. */
int db_open(const char *path, struct db **out);
void db_close(struct db *db);
/* The last error text of the connection (borrowed, valid until the next
 * call), or of the last failed db_open(). */
const char *db_errmsg(struct db *db);
/* The message for a negative value returned by this module. */
const char *db_strerror(int err);

/* BEGIN IMMEDIATE / COMMIT (one fsync: synchronous=FULL in WAL). */
int db_txn_begin(struct db *db);
int db_txn_commit(struct db *db);
int db_txn_rollback(struct db *db);
/* How long a writer waits for another process's lock (default 5000 ms,
 * right for hss-ctl). hssd lowers it: its whole loop waits with it. */
void db_set_busy_timeout(struct db *db, int ms);

/* The schema embedded in the program, split into its upgrade steps:
 * the SQL of step `version` (1..DB_SCHEMA_VERSION) in buf, for tests
 * that build an old database. 0, -ENOENT or -ENOSPC. */
int db_schema_step(int version, char *buf, size_t bufsz);

/* The underlying SQLite connection, for store modules that keep their
 * own statements (hss/db_apn.c). Borrowed; valid until db_close(). */
struct sqlite3;
struct sqlite3 *db_sqlite(struct db *db);

/* ---- Subscribers ---------------------------------------------------- */
#define DB_IMSI_MAX 16      /* 15 digits + NUL */
#define DB_ID_MAX 256       /* IMPI, IMPU, S-CSCF name, Origin-Host */
#define DB_PASSWORD_MAX 128
#define DB_SCHEME_MAX 32

struct db_sub {
	int64_t id;
	char imsi[DB_IMSI_MAX];
	char impi[DB_ID_MAX];
	struct aka_keys keys;      /* algo, K, OPc (given or cached), res_len */
	bool has_op;               /* OP was provisioned (op valid) */
	uint8_t op[AKA_OP_LEN];
	uint8_t amf[AKA_AMF_LEN];
	uint64_t sqn;              /* SQN_HE: the last SQN handed out */
	bool has_password;
	char password[DB_PASSWORD_MAX];
	char auth_scheme[DB_SCHEME_MAX]; /* default for "Unknown" */
};

/* Inserts s (s->id is set). With has_op, OPc is derived from OP here and
 * cached (keys.opc is ignored on input). -EEXIST: IMSI or IMPI taken. */
int db_sub_add(struct db *db, struct db_sub *s);
int db_sub_by_impi(struct db *db, const char *impi, struct db_sub *out);
int db_sub_by_imsi(struct db *db, const char *imsi, struct db_sub *out);
int db_sub_by_id(struct db *db, int64_t id, struct db_sub *out);
/* IMSI when the key is all digits, else IMPI. */
int db_sub_lookup(struct db *db, const char *key, struct db_sub *out);
/* Deletes the subscriber and (cascade) its IMPUs and registrations. */
int db_sub_del(struct db *db, int64_t id);
int db_sub_set_sqn(struct db *db, int64_t id, uint64_t sqn);
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
 * authentication needs, from an in-memory cache that stays exact across
 * processes (PRAGMA data_version) and this connection's writes; one SQL
 * statement on a miss. Fills s: id, impi, keys, amf, sqn, has_password,
 * auth_scheme (imsi, op and the password text left empty: fetch with
 * db_sub_by_id for SIP Digest); u: id, sub_id, uri, state, scscf_name,
 * scscf_host (barred false, irs 0, ifc_xml NULL, scscf_realm empty).
 * -ENOENT when the IMPU is unknown. */
int db_ident_auth(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u);
/* Every IMPU of a subscriber, in insertion order, with ifc_xml. */
typedef int (*db_impu_fn)(void *arg, const struct db_impu *u);
int db_impu_foreach(struct db *db, int64_t sub_id, db_impu_fn fn, void *arg);

/* Sets the registration of one IMPU. name/host/realm NULL or "" clear
 * them. */
int db_reg_set(struct db *db, int64_t impu_id, enum db_reg_state state, const char *name,
	       const char *host, const char *realm);

/* ---- RTR queue (hss-ctl rtr -> hssd) ---------------------------------- */
struct db_rtr {
	int64_t id;
	char impi[DB_ID_MAX];
	char impu[DB_ID_MAX];      /* "" = every IMPU of the IMPI */
	int reason_code;
	char reason_info[DB_ID_MAX];
	char state[8];             /* queued, sent, done, failed */
	int attempts;
	uint32_t hbh, e2e;
};
int db_rtr_add(struct db *db, const char *impi, const char *impu, int reason_code,
	       const char *reason_info, int64_t *id);
/* The oldest queued RTR. -ENOENT when none. */
int db_rtr_next_queued(struct db *db, int64_t after_id, struct db_rtr *out);
int db_rtr_mark_sent(struct db *db, int64_t id, const char *peer, uint32_t hbh, uint32_t e2e);
/* attempts+1; state stays queued. */
int db_rtr_retry(struct db *db, int64_t id);
/* state done or failed with a result code (0 = none). */
int db_rtr_finish(struct db *db, int64_t id, bool ok, uint32_t result);
/* The sent RTR matching an answer's identifiers. */
int db_rtr_by_ids(struct db *db, uint32_t hbh, uint32_t e2e, struct db_rtr *out);
int db_rtr_get(struct db *db, int64_t id, struct db_rtr *out);

#endif
