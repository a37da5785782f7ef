/* The identity cache behind db_ident_auth (MAR, by IMPU URI) and
 * db_sub_auth (AIR, by IMSI) (db.h), above the store API: it reads through
 * db_auth_by_uri(), db_auth_by_imsi() and db_data_version(), so it serves
 * any backend the same way.
 *
 * What a MAR or an AIR reads (identity, keys, registration's S-CSCF, SQN)
 * is kept in memory so the hot path runs one SQL statement (the SQN
 * UPDATE) instead of a three-table join (MAR) or the full subscriber row
 * (AIR). The store stays the single truth:
 *  - another connection's commit (hss-ctl) changes db_data_version(); it
 *    is read once per transaction (the write lock is held from
 *    db_txn_begin, so nobody else commits until our COMMIT) or per lookup
 *    outside one, and a change drops everything;
 *  - this connection's own writes reach the cache through the store's
 *    hooks (db_int.h): the SQN and registration setters update/drop their
 *    slot after the statement succeeded; every other write, any failure
 *    and any rollback (also one the backend does by itself) drop all.
 * The SQN kept is the one written in the open transaction; a vector still
 * leaves only after its COMMIT (group commit, app.h). Three direct-mapped
 * tables: key -> identity (2-way by hash; the key is an IMPU URI or an
 * IMSI, and an entry says which, so the two never match each other),
 * registration by IMPU id (URI entries only), SQN by subscriber id (ids
 * are dense: consecutive ids never collide; a MAR and an AIR of one
 * subscriber share it). Entries are valid while their generation equals
 * the cache's.
 *
 * A miss is one store row (db_auth_by_uri/_by_imsi). hssd's loop asks
 * first, for all the requests of a turn at once (db_auth_prefetch: one
 * statement, on PostgreSQL one round trip); the handlers then hit. Rows
 * fill the identity and registration slots; a SQN slot that holds its
 * subscriber at this generation is kept (mc_store): it is the SQN this
 * connection wrote last, and a row may be older than that (PostgreSQL's
 * read connection does not see the commit in flight). */
#include "db_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MC_SLOTS 8192u /* per table; ~10 MB at most, touched as used */

struct mc_ident {
	uint64_t gen;
	uint32_t hash;
	bool recent; /* the more recently used way of its set */
	bool has_password;
	bool by_imsi; /* key is an IMSI (AIR), not an IMPU URI (MAR) */
	int64_t sub_id, impu_id;
	struct aka_keys keys;
	uint8_t amf[AKA_AMF_LEN];
	char uri[DB_ID_MAX]; /* the key */
	char impi[DB_ID_MAX];
	char auth_scheme[DB_SCHEME_MAX];
};

struct mc_reg {
	uint64_t gen;
	int64_t impu_id;
	enum db_reg_state state;
	char name[DB_ID_MAX], host[DB_ID_MAX];
};

struct mc_sqn {
	uint64_t gen;
	int64_t sub_id;
	uint64_t sqn;
};

struct mar_cache {
	uint64_t gen;
	int64_t data_version;
	bool checked; /* data_version read in this transaction */
	uint64_t lookups, fetched; /* db_auth_cache_counts */
	struct mc_ident ident[MC_SLOTS];
	struct mc_reg reg[MC_SLOTS];
	struct mc_sqn sqn[MC_SLOTS];
};

static size_t mc_slot(int64_t id)
{
	return (size_t)((uint64_t)id & (MC_SLOTS - 1));
}

/* ---- hooks from the store (db_int.h) ------------------------------------ */
void db_cache_drop(struct db *db)
{
	if (db->mc)
		db->mc->gen++;
}

void db_cache_txn_edge(struct db *db)
{
	if (db->mc)
		db->mc->checked = false;
}

void db_cache_sqn_written(struct db *db, int64_t sub_id, uint64_t sqn)
{
	struct mar_cache *c = db->mc;

	if (c)
		c->sqn[mc_slot(sub_id)] = (struct mc_sqn){ c->gen, sub_id, sqn };
}

void db_cache_reg_written(struct db *db, int64_t impu_id)
{
	if (db->mc)
		db->mc->reg[mc_slot(impu_id)].gen = 0;
}

void db_cache_free(struct db *db)
{
	if (!db->mc)
		return;
	/* K and OPc: do not leave them in freed memory. */
	explicit_bzero(db->mc->ident, sizeof(db->mc->ident));
	free(db->mc);
	db->mc = NULL;
}

/* ---- lookups ---------------------------------------------------------------- */
/* FNV-1a; an IMSI key starts from another basis than a URI key. */
static uint32_t mc_hash(const char *s, bool by_imsi)
{
	uint32_t h = by_imsi ? 0x050c5d1fu : 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Drops the cache if another connection committed since it was filled.
 * calloc'ed on first use: pages are touched only as slots fill. */
static int mc_check(struct db *db)
{
	struct mar_cache *c = db->mc;
	bool in_txn = db_in_txn(db);
	int64_t v;
	int ret;

	if (!c) {
		c = db->mc = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		c->gen = 1;
		c->data_version = -1; /* first check drops nothing real */
	}
	if (c->checked && in_txn)
		return 0;
	ret = db_data_version(db, &v);
	if (ret)
		return ret;
	if (v != c->data_version)
		c->gen++;
	c->data_version = v;
	c->checked = in_txn;
	return 0;
}

/* The way of key's set holding it, else NULL; *victim = the way to fill. */
static struct mc_ident *mc_ident_find(struct mar_cache *c, const char *key, bool by_imsi,
				      uint32_t h, struct mc_ident **victim)
{
	struct mc_ident *set = &c->ident[(h & (MC_SLOTS - 1)) & ~1u];

	for (int w = 0; w < 2; w++)
		if (set[w].gen == c->gen && set[w].hash == h && set[w].by_imsi == by_imsi &&
		    !strcmp(set[w].uri, key)) {
			set[w].recent = true;
			set[!w].recent = false;
			return &set[w];
		}
	*victim = set[0].gen != c->gen ? &set[0] : set[1].gen != c->gen ? &set[1]
		  : set[0].recent ? &set[1] : &set[0];
	return NULL;
}

/* One db_auth_by_uri (…_by_imsi, …_by_uris) row into entry e and the
 * registration and SQN slots. The SQN slot keeps what it holds for this
 * subscriber at this generation: that is the SQN this connection wrote
 * last (in the open transaction, or in a commit still on its way, whose
 * compare-and-swap the next one must continue) or read since nothing
 * changed, never older than the store's; a row read meanwhile may be
 * older (PostgreSQL's read connection does not see the commit in flight),
 * and a vector computed from it would only fail its compare-and-swap. */
static void mc_store(struct db *db, const char *key, bool by_imsi, uint32_t h,
		     struct mc_ident *e, const struct db_auth *a)
{
	struct mar_cache *c = db->mc;
	const struct mc_sqn *q = &c->sqn[mc_slot(a->sub_id)];
	struct mc_reg *r;

	if (q->gen != c->gen || q->sub_id != a->sub_id)
		db_cache_sqn_written(db, a->sub_id, a->sqn);
	e->sub_id = a->sub_id;
	e->impu_id = a->impu_id;
	e->by_imsi = by_imsi;
	e->keys = a->keys;
	memcpy(e->amf, a->amf, AKA_AMF_LEN);
	e->has_password = a->has_password;
	memcpy(e->impi, a->impi, sizeof(e->impi));
	memcpy(e->auth_scheme, a->auth_scheme, sizeof(e->auth_scheme));
	snprintf(e->uri, sizeof(e->uri), "%s", key);
	if (!by_imsi) {
		r = &c->reg[mc_slot(a->impu_id)];
		r->impu_id = a->impu_id;
		r->state = a->state;
		memcpy(r->name, a->scscf_name, sizeof(r->name));
		memcpy(r->host, a->scscf_host, sizeof(r->host));
		r->gen = c->gen;
	}
	e->hash = h;
	e->gen = c->gen;
}

/* One key from the store into e (e left invalid on an error). */
static int mc_fill(struct db *db, const char *key, bool by_imsi, uint32_t h, struct mc_ident *e)
{
	struct db_auth a;
	int ret = by_imsi ? db_auth_by_imsi(db, key, &a) : db_auth_by_uri(db, key, &a);

	db->mc->fetched++;
	e->gen = 0;
	if (!ret)
		mc_store(db, key, by_imsi, h, e, &a);
	explicit_bzero(&a.keys, sizeof(a.keys));
	return ret;
}

/* A URI entry needs its registration slot, every entry its SQN slot. */
static bool mc_complete(const struct mar_cache *c, const struct mc_ident *e)
{
	const struct mc_reg *r = &c->reg[mc_slot(e->impu_id)];
	const struct mc_sqn *q = &c->sqn[mc_slot(e->sub_id)];

	return q->gen == c->gen && q->sub_id == e->sub_id &&
	       (e->by_imsi || (r->gen == c->gen && r->impu_id == e->impu_id));
}

/* The entry of key, filled from the store when absent or incomplete. */
static int mc_lookup(struct db *db, const char *key, bool by_imsi, const struct mc_ident **out)
{
	struct mc_ident *e, *victim = NULL;
	uint32_t h;
	int ret = mc_check(db);

	if (ret)
		return ret;
	h = mc_hash(key, by_imsi);
	db->mc->lookups++;
	e = mc_ident_find(db->mc, key, by_imsi, h, &victim);
	if (!e || !mc_complete(db->mc, e)) {
		if (!e)
			e = victim;
		ret = mc_fill(db, key, by_imsi, h, e);
		if (ret)
			return ret;
	}
	*out = e;
	return 0;
}

/* ---- a loop turn's misses in one store call (db_auth_prefetch) ------------ */
struct mc_batch {
	struct db *db;
	bool by_imsi;
};

/* db_auth_fn: one row of the batch into its key's entry. */
static int mc_take(void *arg, const char *key, const struct db_auth *a)
{
	struct mc_batch *b = arg;
	struct mc_ident *e, *victim = NULL;
	uint32_t h = mc_hash(key, b->by_imsi);

	e = mc_ident_find(b->db->mc, key, b->by_imsi, h, &victim);
	if (!e) {
		e = victim;
		e->gen = 0;
	}
	mc_store(b->db, key, b->by_imsi, h, e, a);
	return 0;
}

/* Adds key to list (n so far, hashes beside) unless cached, listed or too
 * long to be stored (db_ident_auth and db_sub_auth do not look those up). */
static void mc_want(struct mar_cache *c, const struct db_auth_key *k, const char **list,
		    uint32_t *hash, size_t *n)
{
	struct mc_ident *e, *victim;
	uint32_t h;

	if (*n == DB_KEYS_MAX || strlen(k->key) >= (k->by_imsi ? DB_IMSI_MAX : DB_ID_MAX))
		return;
	h = mc_hash(k->key, k->by_imsi);
	e = mc_ident_find(c, k->key, k->by_imsi, h, &victim);
	if (e && mc_complete(c, e))
		return;
	for (size_t i = 0; i < *n; i++)
		if (hash[i] == h && !strcmp(list[i], k->key))
			return;
	hash[*n] = h;
	list[(*n)++] = k->key;
}

int db_auth_prefetch(struct db *db, const struct db_auth_key *keys, size_t n)
{
	const char *uri[DB_KEYS_MAX], *imsi[DB_KEYS_MAX];
	uint32_t uh[DB_KEYS_MAX], ih[DB_KEYS_MAX];
	struct mc_batch bu = { db, false }, bi = { db, true };
	size_t nu = 0, ni = 0;
	int ret = mc_check(db);

	for (size_t i = 0; !ret && i < n; i++)
		if (keys[i].by_imsi)
			mc_want(db->mc, &keys[i], imsi, ih, &ni);
		else
			mc_want(db->mc, &keys[i], uri, uh, &nu);
	if (!ret)
		db->mc->fetched += nu + ni;
	if (!ret && nu)
		ret = db_auth_by_uris(db, uri, nu, mc_take, &bu);
	if (!ret && ni)
		ret = db_auth_by_imsis(db, imsi, ni, mc_take, &bi);
	return ret;
}

void db_auth_cache_counts(const struct db *db, uint64_t *lookups, uint64_t *fetched)
{
	*lookups = db->mc ? db->mc->lookups : 0;
	*fetched = db->mc ? db->mc->fetched : 0;
}

/* Only the fields db.h promises; the rest empty, not stale. */
static void mc_copy_sub(const struct mar_cache *c, const struct mc_ident *e, struct db_sub *s)
{
	s->id = e->sub_id;
	s->imsi[0] = '\0';
	if (e->by_imsi) /* shorter than DB_IMSI_MAX: db_sub_auth */
		memcpy(s->imsi, e->uri, strlen(e->uri) + 1);
	memcpy(s->impi, e->impi, strlen(e->impi) + 1);
	s->keys = e->keys;
	s->has_op = false;
	memcpy(s->amf, e->amf, AKA_AMF_LEN);
	s->sqn = s->sqn_read = c->sqn[mc_slot(e->sub_id)].sqn;
	s->has_password = e->has_password;
	s->password[0] = '\0';
	memcpy(s->auth_scheme, e->auth_scheme, sizeof(s->auth_scheme));
}

static void mc_copy_impu(const struct mar_cache *c, const struct mc_ident *e,
			 struct db_impu *u)
{
	const struct mc_reg *r = &c->reg[mc_slot(e->impu_id)];

	u->id = e->impu_id;
	u->sub_id = e->sub_id;
	memcpy(u->uri, e->uri, strlen(e->uri) + 1);
	u->barred = false;
	u->irs = 0;
	u->ifc_xml = NULL;
	u->state = r->state;
	memcpy(u->scscf_name, r->name, strlen(r->name) + 1);
	memcpy(u->scscf_host, r->host, strlen(r->host) + 1);
	u->scscf_realm[0] = '\0';
}

int db_ident_auth(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u)
{
	const struct mc_ident *e;
	int ret;

	if (strlen(uri) >= DB_ID_MAX) /* never stored (DB_ID_MAX bounds writers) */
		return db_ident_by_impu(db, uri, s, u);
	ret = mc_lookup(db, uri, false, &e);
	if (ret)
		return ret;
	mc_copy_sub(db->mc, e, s);
	mc_copy_impu(db->mc, e, u);
	return 0;
}

int db_sub_auth(struct db *db, const char *imsi, struct db_sub *s)
{
	const struct mc_ident *e;
	int ret;

	if (strlen(imsi) >= DB_IMSI_MAX) /* never stored: an IMSI has 15 digits at most */
		return -ENOENT;
	ret = mc_lookup(db, imsi, true, &e);
	if (ret)
		return ret;
	mc_copy_sub(db->mc, e, s);
	return 0;
}
