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
 * read connection does not see the commit in flight).
 *
 * Rows read by another connection of this store (hssd's reader thread,
 * prefetch.h: a SQLite WAL reader sees every commit but not this
 * connection's open transaction) are taken only where that transaction
 * cannot have changed them (db_auth_take): not after any write of it but
 * SQN swaps and not the SQN of a subscriber it swapped whose slot no
 * longer holds it. The subscribers whose SQN it wrote are kept in a small
 * set, emptied at BEGIN (db_cache_txn_began). */
#include "db_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/str.h"

/* Slots per table: ~10 MB at most with 8,192, touched as used. A build
 * may set another power of two (cmake -DHSS_AUTH_CACHE_SLOTS=N): only
 * bench/mar/cached.sh does, to measure a cache that holds a whole block
 * of subscribers (bench/README.md, issue 14 item 3); an entry costs about
 * 1.2 KB once used. */
#ifndef MC_SLOTS
#define MC_SLOTS 8192u
#endif
_Static_assert(MC_SLOTS >= 64 && (MC_SLOTS & (MC_SLOTS - 1)) == 0, "MC_SLOTS: a power of two");
#define MC_WAYS 8u     /* identity entries per set */
#define MC_WRITTEN 4096u /* subscribers whose SQN the open transaction swapped */
#define MC_PROBES 16

/* An identity slot's tag: its set's 8 tags share two cache lines. */
struct mc_tag {
	uint64_t gen;
	uint32_t hash;
	uint32_t used; /* lookup tick of the last use: least recent is replaced */
};

/* The strings are written and read only as long as they are (a miss
 * touches the cache lines they fill, not DB_ID_MAX of each): the key,
 * the IMPI and the auth scheme one after the other in str. */
struct mc_ident {
	int64_t sub_id, impu_id;
	bool has_password;
	bool by_imsi; /* key is an IMSI (AIR), not an IMPU URI (MAR) */
	uint8_t amf[AKA_AMF_LEN];
	uint16_t impi_at, scheme_at; /* offsets in str */
	struct aka_keys keys;
	char str[2 * DB_ID_MAX + DB_SCHEME_MAX]; /* the key first */
};

struct mc_reg {
	uint64_t gen;
	int64_t impu_id;
	enum db_reg_state state;
	uint16_t host_at; /* offset in str, after the name */
	char str[2 * DB_ID_MAX];
};

struct mc_sqn {
	uint64_t gen;
	int64_t sub_id;
	uint64_t sqn;
};

struct mc_written {
	uint64_t txn; /* the entry is of this transaction, else free */
	int64_t sub_id;
};

struct mar_cache {
	uint64_t gen;
	int64_t data_version;
	bool checked; /* data_version read in this transaction */
	uint64_t lookups, fetched; /* db_auth_cache_counts */
	uint32_t tick;
	/* the open transaction (db_auth_take): its number, whether it wrote
	 * anything but SQN swaps (or more than the set holds), and the set */
	uint64_t txn;
	bool txn_dirty;
	struct mc_written written[MC_WRITTEN];
	struct mc_tag tag[MC_SLOTS];
	struct mc_ident ident[MC_SLOTS];
	struct mc_reg reg[MC_SLOTS];
	struct mc_sqn sqn[MC_SLOTS];
};

static size_t mc_slot(int64_t id)
{
	return (size_t)((uint64_t)id & (MC_SLOTS - 1));
}

/* ---- the open transaction's SQN writes (db_auth_take) -------------------- */
static size_t mc_written_at(int64_t sub_id, int probe)
{
	return (size_t)(((uint64_t)sub_id * 0x9e3779b97f4a7c15u >> 40) + (uint64_t)probe) &
	       (MC_WRITTEN - 1);
}

static void mc_written_add(struct mar_cache *c, int64_t sub_id)
{
	for (int i = 0; i < MC_PROBES; i++) {
		struct mc_written *w = &c->written[mc_written_at(sub_id, i)];

		if (w->txn != c->txn) {
			*w = (struct mc_written){ c->txn, sub_id };
			return;
		}
		if (w->sub_id == sub_id)
			return;
	}
	c->txn_dirty = true; /* the set is full: take no other connection's row */
}

static bool mc_written_has(const struct mar_cache *c, int64_t sub_id)
{
	for (int i = 0; i < MC_PROBES; i++) {
		const struct mc_written *w = &c->written[mc_written_at(sub_id, i)];

		if (w->txn != c->txn)
			return false;
		if (w->sub_id == sub_id)
			return true;
	}
	return false;
}

/* ---- hooks from the store (db_int.h) ------------------------------------ */
void db_cache_drop(struct db *db)
{
	if (db->mc) {
		db->mc->gen++;
		db->mc->txn_dirty = true;
	}
}

void db_cache_txn_edge(struct db *db)
{
	if (db->mc)
		db->mc->checked = false;
}

void db_cache_txn_began(struct db *db)
{
	if (db->mc) {
		db->mc->txn++; /* empties the set */
		db->mc->txn_dirty = false;
	}
}

/* The SQN slot of a subscriber (a row read, or this connection's write). */
static void mc_sqn_set(struct mar_cache *c, int64_t sub_id, uint64_t sqn)
{
	c->sqn[mc_slot(sub_id)] = (struct mc_sqn){ c->gen, sub_id, sqn };
}

void db_cache_sqn_written(struct db *db, int64_t sub_id, uint64_t sqn)
{
	struct mar_cache *c = db->mc;

	if (c) {
		mc_sqn_set(c, sub_id, sqn);
		mc_written_add(c, sub_id);
	}
}

void db_cache_reg_written(struct db *db, int64_t impu_id)
{
	if (db->mc) {
		db->mc->reg[mc_slot(impu_id)].gen = 0;
		db->mc->txn_dirty = true;
	}
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
/* util/hash.h's wide hash (eight octets a step: 130 instead of 156
 * instructions a key for the bench's URIs and IMSIs), whose finaliser
 * makes the low bits that pick the set depend on every octet; an IMSI
 * key starts from another seed than a URI key. */
static uint32_t mc_hash(const char *s, bool by_imsi)
{
	return str_hash_wide(s, by_imsi ? 0x9e3779b97f4a7c15u : 0xc2b2ae3d27d4eb4fu);
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
		c->txn = 1;
		c->txn_dirty = in_txn; /* begun before the cache: its writes are unknown */
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

/* The slot of key's set holding it, else -1; *victim = the slot to fill
 * (a free one, else the least recently used). The hashes first: a set's
 * tags share two cache lines, the entries are ≈ 700 octets each
 * (of which a miss writes the strings' lengths). */
static long mc_ident_find(struct mar_cache *c, const char *key, bool by_imsi, uint32_t h,
			  size_t *victim)
{
	size_t base = (h & (MC_SLOTS - 1)) & ~(size_t)(MC_WAYS - 1), v = base;
	struct mc_tag *t = &c->tag[base];
	bool vfree = false;

	for (size_t w = 0; w < MC_WAYS; w++) {
		if (t[w].gen != c->gen) {
			if (!vfree)
				v = base + w, vfree = true;
			continue;
		}
		if (t[w].hash == h && c->ident[base + w].by_imsi == by_imsi &&
		    !strcmp(c->ident[base + w].str, key)) {
			t[w].used = ++c->tick;
			return (long)(base + w);
		}
		if (!vfree && (int32_t)(t[w].used - c->tag[v].used) < 0)
			v = base + w;
	}
	*victim = v;
	return -1;
}

/* s (cut to max - 1 octets, as every writer bounds it) and its NUL at
 * dst; the octets written. */
static size_t mc_put(char *dst, const char *s, size_t max)
{
	size_t n = str_copy(dst, max, s);

	return (n < max ? n : max - 1) + 1;
}

/* One db_auth_by_uri (…_by_imsi, …_by_uris) row into slot i and the
 * registration and SQN slots. The SQN slot keeps what it holds for this
 * subscriber at this generation: that is the SQN this connection wrote
 * last (in the open transaction, or in a commit still on its way, whose
 * compare-and-swap the next one must continue) or read since nothing
 * changed, never older than the store's; a row read meanwhile may be
 * older (PostgreSQL's read connection does not see the commit in flight),
 * and a vector computed from it would only fail its compare-and-swap. */
static void mc_store(struct mar_cache *c, const char *key, bool by_imsi, uint32_t h, size_t i,
		     const struct db_auth *a)
{
	const struct mc_sqn *q = &c->sqn[mc_slot(a->sub_id)];
	struct mc_ident *e = &c->ident[i];
	struct mc_reg *r;

	if (q->gen != c->gen || q->sub_id != a->sub_id)
		mc_sqn_set(c, a->sub_id, a->sqn);
	e->sub_id = a->sub_id;
	e->impu_id = a->impu_id;
	e->by_imsi = by_imsi;
	e->keys = a->keys;
	memcpy(e->amf, a->amf, AKA_AMF_LEN);
	e->has_password = a->has_password;
	e->impi_at = (uint16_t)mc_put(e->str, key, DB_ID_MAX);
	e->scheme_at = (uint16_t)(e->impi_at + mc_put(e->str + e->impi_at, a->impi, DB_ID_MAX));
	mc_put(e->str + e->scheme_at, a->auth_scheme, DB_SCHEME_MAX);
	if (!by_imsi) {
		r = &c->reg[mc_slot(a->impu_id)];
		r->impu_id = a->impu_id;
		r->state = a->state;
		r->host_at = (uint16_t)mc_put(r->str, a->scscf_name, DB_ID_MAX);
		mc_put(r->str + r->host_at, a->scscf_host, DB_ID_MAX);
		r->gen = c->gen;
	}
	c->tag[i] = (struct mc_tag){ c->gen, h, ++c->tick };
}

/* One key from the store into slot i (left invalid on an error). */
static int mc_fill(struct db *db, const char *key, bool by_imsi, uint32_t h, size_t i)
{
	struct db_auth a;
	int ret = by_imsi ? db_auth_by_imsi(db, key, &a) : db_auth_by_uri(db, key, &a);

	db->mc->fetched++;
	db->mc->tag[i].gen = 0;
	if (!ret)
		mc_store(db->mc, key, by_imsi, h, i, &a);
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
	size_t victim = 0;
	long i;
	uint32_t h;
	int ret = mc_check(db);

	if (ret)
		return ret;
	h = mc_hash(key, by_imsi);
	db->mc->lookups++;
	i = mc_ident_find(db->mc, key, by_imsi, h, &victim);
	if (i < 0 || !mc_complete(db->mc, &db->mc->ident[i])) {
		if (i < 0)
			i = (long)victim;
		ret = mc_fill(db, key, by_imsi, h, (size_t)i);
		if (ret)
			return ret;
	}
	*out = &db->mc->ident[i];
	return 0;
}

/* ---- a loop turn's misses in one store call (db_auth_prefetch) ------------ */
/* One row into its key's entry. */
static void mc_take(struct mar_cache *c, const char *key, bool by_imsi, const struct db_auth *a)
{
	uint32_t h = mc_hash(key, by_imsi);
	size_t victim = 0;
	long i = mc_ident_find(c, key, by_imsi, h, &victim);

	if (i < 0) {
		i = (long)victim;
		c->tag[i].gen = 0;
	}
	mc_store(c, key, by_imsi, h, (size_t)i, a);
}

static int mc_take_uri(void *arg, const char *key, const struct db_auth *a)
{
	mc_take(arg, key, false, a);
	return 0;
}

static int mc_take_imsi(void *arg, const char *key, const struct db_auth *a)
{
	mc_take(arg, key, true, a);
	return 0;
}

/* The keys listed so far, by hash: index into the list, -1 free (open
 * addressing, at most half full). */
#define MC_LISTED (2 * DB_KEYS_MAX)

/* Whether key is one to read: not cached, not listed (list[0 … n-1],
 * hashes beside, found through listed: its index into *at; else listed
 * as n), not too long to be stored (db_ident_auth and db_sub_auth do not
 * look those up). */
static bool mc_want(struct mar_cache *c, const struct db_auth_key *k, const struct db_auth_key *list,
		    uint32_t *hash, int16_t *listed, size_t n, long *at)
{
	size_t victim, j;
	long e;
	uint32_t h;

	*at = -1;
	if (strlen(k->key) >= (k->by_imsi ? DB_IMSI_MAX : DB_ID_MAX))
		return false;
	h = mc_hash(k->key, k->by_imsi);
	e = mc_ident_find(c, k->key, k->by_imsi, h, &victim);
	if (e >= 0 && mc_complete(c, &c->ident[e]))
		return false;
	for (j = h & (MC_LISTED - 1); listed[j] >= 0; j = (j + 1) & (MC_LISTED - 1)) {
		size_t i = (size_t)listed[j];

		if (hash[i] == h && list[i].by_imsi == k->by_imsi && !strcmp(list[i].key, k->key)) {
			*at = (long)i;
			return false;
		}
	}
	listed[j] = (int16_t)n;
	hash[n] = h;
	*at = (long)n;
	return true;
}

int db_auth_missing(struct db *db, const struct db_auth_key *keys, size_t n,
		    struct db_auth_key *miss, size_t *nmiss, int16_t *at)
{
	uint32_t hash[DB_KEYS_MAX];
	int16_t listed[MC_LISTED];
	int ret = mc_check(db);

	*nmiss = 0;
	memset(listed, 0xff, sizeof(listed));
	for (size_t i = 0; !ret && i < n; i++) {
		long x = -1;

		if (*nmiss < DB_KEYS_MAX && mc_want(db->mc, &keys[i], miss, hash, listed, *nmiss, &x))
			miss[(*nmiss)++] = keys[i];
		if (at)
			at[i] = (int16_t)x;
	}
	if (!ret)
		db->mc->fetched += *nmiss;
	return ret;
}

int db_auth_read(struct db *db, const struct db_auth_key *keys, size_t n, db_auth_fn uri_fn,
		 db_auth_fn imsi_fn, void *arg)
{
	const char *uri[DB_KEYS_MAX], *imsi[DB_KEYS_MAX];
	size_t nu = 0, ni = 0;
	int ret = 0;

	for (size_t i = 0; i < n && i < DB_KEYS_MAX; i++)
		if (keys[i].by_imsi)
			imsi[ni++] = keys[i].key;
		else
			uri[nu++] = keys[i].key;
	if (nu)
		ret = db_auth_by_uris(db, uri, nu, uri_fn, arg);
	if (!ret && ni)
		ret = db_auth_by_imsis(db, imsi, ni, imsi_fn, arg);
	return ret;
}

int db_auth_fill(struct db *db, const struct db_auth_key *keys, size_t n)
{
	int ret = mc_check(db);

	return ret ? ret : db_auth_read(db, keys, n, mc_take_uri, mc_take_imsi, db->mc);
}

bool db_auth_take(struct db *db, const char *key, bool by_imsi, const struct db_auth *a)
{
	struct mar_cache *c = db->mc;
	const struct mc_sqn *q;

	if (!c || c->txn_dirty || strlen(key) >= (by_imsi ? DB_IMSI_MAX : DB_ID_MAX))
		return false;
	q = &c->sqn[mc_slot(a->sub_id)];
	/* An SQN this transaction swapped and the slot no longer holds: the
	 * row's is older (the other connection does not see the swap). */
	if ((q->gen != c->gen || q->sub_id != a->sub_id) && mc_written_has(c, a->sub_id))
		return false;
	mc_take(c, key, by_imsi, a);
	return true;
}

int db_auth_prefetch(struct db *db, const struct db_auth_key *keys, size_t n)
{
	struct db_auth_key miss[DB_KEYS_MAX];
	size_t nmiss;
	int ret = db_auth_missing(db, keys, n, miss, &nmiss, NULL);

	return ret || !nmiss ? ret : db_auth_fill(db, miss, nmiss);
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
		memcpy(s->imsi, e->str, e->impi_at);
	memcpy(s->impi, e->str + e->impi_at, (size_t)(e->scheme_at - e->impi_at));
	s->keys = e->keys;
	s->has_op = false;
	memcpy(s->amf, e->amf, AKA_AMF_LEN);
	s->sqn = s->sqn_read = c->sqn[mc_slot(e->sub_id)].sqn;
	s->has_password = e->has_password;
	s->password[0] = '\0';
	memcpy(s->auth_scheme, e->str + e->scheme_at, strlen(e->str + e->scheme_at) + 1);
}

static void mc_copy_impu(const struct mar_cache *c, const struct mc_ident *e,
			 struct db_impu *u)
{
	const struct mc_reg *r = &c->reg[mc_slot(e->impu_id)];

	u->id = e->impu_id;
	u->sub_id = e->sub_id;
	memcpy(u->uri, e->str, e->impi_at);
	u->barred = false;
	u->irs = 0;
	u->ifc_xml = NULL;
	u->state = r->state;
	memcpy(u->scscf_name, r->str, r->host_at);
	memcpy(u->scscf_host, r->str + r->host_at, strlen(r->str + r->host_at) + 1);
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
