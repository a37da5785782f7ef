/* Nonce-keyed vector store (see vectors.h): chained hash tables whose
 * records also sit on two lists in expiry order.
 *
 * Under load it holds many entries: every REGISTER's nonce lives
 * nonce-ttl (30 s) and, once answered, a grace of 60 s more
 * (registrar_tick): ~765,000 at 8,500 registrations/s (issue 14,
 * bench/README.md). Hence:
 * - one compact record per entry, its strings at their own length
 *   (≈ 0.3 KiB, where a struct vec_entry is 0.85 KiB); past its expiry an
 *   answered one is cut down to a tombstone of its nonce and IMPI, its
 *   key material wiped: "expired" needs nothing more;
 * - the live and the grace list are in expiry order (every nonce gets the
 *   same lifetime, so that is creation order), and vstore_expire visits
 *   what it frees, not the table (a sweep of the whole table each second
 *   was ≈ 6.5 % of the stub's CPU at 7,500 registrations/s);
 * - two indexes, by nonce and (the live records) by IMPI, each a table
 *   that doubles incrementally: the old table stays until each insert has
 *   moved a few of its buckets, lookups search both; no insert rehashes a
 *   whole table at once (0.3 s at 524,288 entries). */
#include "vectors.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

/* Old buckets moved per insert: the old table is empty after onb / 8
 * inserts, long before the next doubling (2 × onb inserts away). */
#define MIGRATE_STEP 8

/* The two indexes of a record: by nonce (every record) and by IMPI (the
 * live ones: vstore_del_impi at a de-registration or an RTR found them by
 * walking all 765,000 records at 8,500 registrations/s, 64 ms). */
enum { BY_NONCE, BY_IMPI };

struct vrec {
	struct vrec *link[2];       /* hash chains */
	struct vrec **pprev[2];     /* the link pointing here: O(1) unlink */
	struct vrec *prev, *next;   /* the live or the grace list */
	uint64_t expires_ms;
	uint32_t hash[2], last_nc;
	uint16_t size;              /* octets allocated, for the wipe */
	uint16_t impi_off, impu_off, key_off; /* into s */
	uint8_t alg, xres_len;
	bool consumed, fault_reissued, tomb;
	char s[];                   /* nonce\0 impi\0 impu\0 xres ck ik ha1 */
};

struct vlist {
	struct vrec *head, *tail;
};

/* A chained table that doubles incrementally: the old one stays until
 * each insert has moved a few of its buckets; a lookup searches both. */
struct vtab {
	struct vrec **b, **ob;      /* the table; the old one while it empties */
	size_t nb, onb, moved;      /* sizes (powers of two); old buckets moved */
};

struct vstore {
	struct vtab t[2];           /* BY_NONCE, BY_IMPI */
	struct vlist live, grace;   /* before expiry; answered, past it */
	size_t count, nlive;
};

/* FNV-1a and a final mix: the table takes the low bits, which FNV alone
 * spreads poorly (util/hash.h). */
static uint32_t hash(const char *s)
{
	return hash_fmix32(str_hash_fnv(s));
}

static const char *key_of(const struct vrec *e, int ix)
{
	return e->s + (ix == BY_IMPI ? e->impi_off : 0);
}

static int tab_init(struct vtab *t, size_t buckets)
{
	for (t->nb = 1; t->nb < buckets; t->nb <<= 1)
		;
	t->b = calloc(t->nb, sizeof(*t->b));
	return t->b ? 0 : -1;
}

struct vstore *vstore_new(size_t buckets)
{
	struct vstore *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (tab_init(&s->t[BY_NONCE], buckets ? buckets : 1024) ||
	    tab_init(&s->t[BY_IMPI], buckets ? buckets : 1024)) {
		vstore_free(s);
		return NULL;
	}
	return s;
}

static void wipe_free(struct vrec *e)
{
	/* XRES/CK/IK/HA1 are secrets: do not leave them in freed memory
	 * (explicit_bzero: a memset before free may be optimised away). */
	explicit_bzero(e, e->size);
	free(e);
}

static void list_free(struct vlist *l)
{
	for (struct vrec *e = l->head, *n; e; e = n) {
		n = e->next;
		wipe_free(e);
	}
}

void vstore_free(struct vstore *s)
{
	if (!s)
		return;
	list_free(&s->live);
	list_free(&s->grace);
	for (int ix = 0; ix < 2; ix++) {
		free(s->t[ix].b);
		free(s->t[ix].ob);
	}
	free(s);
}

static void list_unlink(struct vlist *l, struct vrec *e)
{
	*(e->prev ? &e->prev->next : &l->head) = e->next;
	*(e->next ? &e->next->prev : &l->tail) = e->prev;
	e->prev = e->next = NULL;
}

/* In expiry order, from the tail: where a new entry goes, all having the
 * same lifetime; a shorter one (nonce-ttl lowered by a reload) walks back
 * past the later ones. */
static void list_insert(struct vlist *l, struct vrec *e)
{
	struct vrec *p = l->tail;

	while (p && p->expires_ms > e->expires_ms)
		p = p->prev;
	e->prev = p;
	e->next = p ? p->next : l->head;
	*(e->next ? &e->next->prev : &l->tail) = e;
	*(p ? &p->next : &l->head) = e;
}

static void chain_push(struct vrec **bp, struct vrec *e, int ix)
{
	e->link[ix] = *bp;
	e->pprev[ix] = bp;
	if (*bp)
		(*bp)->pprev[ix] = &e->link[ix];
	*bp = e;
}

static void chain_unlink(struct vrec *e, int ix)
{
	*e->pprev[ix] = e->link[ix];
	if (e->link[ix])
		e->link[ix]->pprev[ix] = e->pprev[ix];
	e->link[ix] = NULL;
	e->pprev[ix] = NULL;
}

static struct vrec *chain_find(struct vrec *e, int ix, uint32_t h, const char *k)
{
	for (; e; e = e->link[ix])
		if (e->hash[ix] == h && !strcmp(key_of(e, ix), k))
			return e;
	return NULL;
}

/* A moved bucket of the old table is empty. */
static struct vrec *tab_find(const struct vtab *t, int ix, uint32_t h, const char *k)
{
	struct vrec *e = chain_find(t->b[h & (t->nb - 1)], ix, h, k);

	if (!e && t->ob)
		e = chain_find(t->ob[h & (t->onb - 1)], ix, h, k);
	return e;
}

static struct vrec *find(struct vstore *s, const char *nonce)
{
	return tab_find(&s->t[BY_NONCE], BY_NONCE, hash(nonce), nonce);
}

/* Moves up to n buckets of the old table into the new one. */
static void tab_migrate(struct vtab *t, int ix, size_t n)
{
	while (t->ob && n--) {
		for (struct vrec *e = t->ob[t->moved], *next; e; e = next) {
			next = e->link[ix];
			chain_push(&t->b[e->hash[ix] & (t->nb - 1)], e, ix);
		}
		t->ob[t->moved] = NULL;
		if (++t->moved == t->onb) {
			free(t->ob);
			t->ob = NULL;
		}
	}
}

/* Twice the buckets once the entries outnumber them twice: with 4,096
 * fixed buckets and ~675,000 entries at 7,500 registrations/s every
 * lookup walked ≈ 80 nonces (24 % of the stub's CPU in strcmp). A whole
 * rehash in one insert was a stall of 0.3 s at 524,288 entries: the old
 * table empties into the new one a few buckets per insert instead. Without
 * memory the table stays as it is: longer chains, still right. */
static void tab_insert(struct vtab *t, int ix, size_t count, struct vrec *e)
{
	struct vrec **b;

	if (!t->ob && count >= 2 * t->nb && (b = calloc(t->nb * 2, sizeof(*b)))) {
		t->ob = t->b;
		t->onb = t->nb;
		t->moved = 0;
		t->b = b;
		t->nb *= 2;
	}
	tab_migrate(t, ix, MIGRATE_STEP);
	chain_push(&t->b[e->hash[ix] & (t->nb - 1)], e, ix);
}

/* Unlinks and frees record e. */
static void drop(struct vstore *s, struct vrec *e)
{
	chain_unlink(e, BY_NONCE);
	if (!e->tomb) {
		chain_unlink(e, BY_IMPI);
		s->nlive--;
	}
	list_unlink(e->tomb ? &s->grace : &s->live, e);
	wipe_free(e);
	s->count--;
}

static struct vrec *rec_new(const struct vec_entry *e)
{
	size_t ln = strnlen(e->nonce, sizeof(e->nonce) - 1);
	size_t li = strnlen(e->impi, sizeof(e->impi) - 1);
	size_t lu = strnlen(e->impu, sizeof(e->impu) - 1);
	size_t keys = e->xres_len + sizeof(e->ck) + sizeof(e->ik) + sizeof(e->ha1);
	size_t size = offsetof(struct vrec, s) + ln + li + lu + 3 + keys;
	struct vrec *r = malloc(size);
	char *p;

	if (!r)
		return NULL;
	*r = (struct vrec){
		.expires_ms = e->expires_ms, .last_nc = e->last_nc,
		.size = (uint16_t)size, .impi_off = (uint16_t)(ln + 1),
		.impu_off = (uint16_t)(ln + li + 2), .key_off = (uint16_t)(ln + li + lu + 3),
		.alg = (uint8_t)e->alg, .xres_len = (uint8_t)e->xres_len,
		.consumed = e->consumed, .fault_reissued = e->fault_reissued,
	};
	p = r->s;
	memcpy(p, e->nonce, ln);
	p[ln] = '\0';
	memcpy(p + r->impi_off, e->impi, li);
	p[r->impi_off + li] = '\0';
	memcpy(p + r->impu_off, e->impu, lu);
	p[r->impu_off + lu] = '\0';
	p += r->key_off;
	memcpy(p, e->xres, e->xres_len);
	p += e->xres_len;
	memcpy(p, e->ck, sizeof(e->ck));
	memcpy(p + sizeof(e->ck), e->ik, sizeof(e->ik));
	memcpy(p + sizeof(e->ck) + sizeof(e->ik), e->ha1, sizeof(e->ha1));
	r->hash[BY_NONCE] = hash(r->s);
	r->hash[BY_IMPI] = hash(r->s + r->impi_off);
	return r;
}

static void rec_out(const struct vrec *r, struct vec_entry *out)
{
	const char *k = r->s + r->key_off;

	memset(out, 0, sizeof(*out));
	memcpy(out->nonce, r->s, r->impi_off);
	memcpy(out->impi, r->s + r->impi_off, (size_t)(r->impu_off - r->impi_off));
	memcpy(out->impu, r->s + r->impu_off, (size_t)(r->key_off - r->impu_off));
	out->alg = (enum digest_alg)r->alg;
	out->xres_len = r->xres_len;
	memcpy(out->xres, k, r->xres_len);
	k += r->xres_len;
	memcpy(out->ck, k, sizeof(out->ck));
	memcpy(out->ik, k + sizeof(out->ck), sizeof(out->ik));
	memcpy(out->ha1, k + sizeof(out->ck) + sizeof(out->ik), sizeof(out->ha1));
	out->expires_ms = r->expires_ms;
	out->last_nc = r->last_nc;
	out->consumed = r->consumed;
	out->fault_reissued = r->fault_reissued;
}

int vstore_put(struct vstore *s, const struct vec_entry *e)
{
	struct vrec *r, *old;

	if (e->xres_len > sizeof(e->xres))
		return -EINVAL;
	r = rec_new(e);
	if (!r)
		return -ENOMEM;
	old = tab_find(&s->t[BY_NONCE], BY_NONCE, r->hash[BY_NONCE], r->s);
	if (old)
		drop(s, old); /* the same nonce again: the new one replaces it */
	tab_insert(&s->t[BY_NONCE], BY_NONCE, s->count, r);
	tab_insert(&s->t[BY_IMPI], BY_IMPI, s->nlive, r);
	list_insert(&s->live, r);
	s->count++;
	s->nlive++;
	return 0;
}

bool vstore_get(struct vstore *s, const char *nonce, uint64_t now_ms, struct vec_entry *out)
{
	struct vrec *e = find(s, nonce);

	if (!e || e->tomb || e->expires_ms <= now_ms)
		return false;
	rec_out(e, out);
	return true;
}

void vstore_use(struct vstore *s, const char *nonce, uint32_t last_nc, bool consumed)
{
	struct vrec *e = find(s, nonce);

	if (e && !e->tomb) {
		e->last_nc = last_nc;
		e->consumed = consumed;
	}
}

bool vstore_is_expired(struct vstore *s, const char *nonce, uint64_t now_ms)
{
	struct vrec *e = find(s, nonce);

	return e && (e->tomb || e->expires_ms <= now_ms);
}

void vstore_del(struct vstore *s, const char *nonce)
{
	struct vrec *e = find(s, nonce);

	if (e)
		drop(s, e);
}

static void chain_del_impi(struct vstore *s, struct vrec *e, uint32_t h, const char *impi)
{
	for (struct vrec *n; e; e = n) {
		n = e->link[BY_IMPI];
		if (e->hash[BY_IMPI] == h && !strcmp(key_of(e, BY_IMPI), impi))
			drop(s, e);
	}
}

/* The IMPI's live records; its tombstones stay their grace (they hold no
 * vector: a REGISTER naming one gets 401 stale=true either way). */
void vstore_del_impi(struct vstore *s, const char *impi)
{
	struct vtab *t = &s->t[BY_IMPI];
	uint32_t h = hash(impi);

	chain_del_impi(s, t->b[h & (t->nb - 1)], h, impi);
	if (t->ob)
		chain_del_impi(s, t->ob[h & (t->onb - 1)], h, impi);
}

/* Past its expiry an answered entry only has to read "expired": its key
 * material (and IMPU) wiped, the record cut to its nonce and IMPI, out of
 * the IMPI index and onto the grace list (still in expiry order: entries
 * leave the live list in that order). */
static void bury(struct vstore *s, struct vrec *e)
{
	size_t keep = offsetof(struct vrec, s) + e->impu_off;
	struct vrec *t;

	chain_unlink(e, BY_NONCE);
	chain_unlink(e, BY_IMPI);
	s->nlive--;
	list_unlink(&s->live, e);
	explicit_bzero((char *)e + keep, e->size - keep);
	e->size = (uint16_t)keep;
	e->tomb = true;
	t = realloc(e, keep);
	if (t)
		e = t; /* realloc failing to shrink keeps the wiped block */
	chain_push(&s->t[BY_NONCE].b[e->hash[BY_NONCE] & (s->t[BY_NONCE].nb - 1)], e, BY_NONCE);
	list_insert(&s->grace, e);
}

/* A challenge nobody answered goes at its expiry: a flood of REGISTERs
 * that never answer their 401 (issue 16) left 90 s of them (nonce-ttl +
 * the grace, ≈ 0.85 KiB each: 38 MB at 500/s). A late answer to it still
 * gets stale=true (an unknown nonce does, RFC 2617 §3.2.1); the grace
 * only kept its log line reading "expired". */
size_t vstore_expire(struct vstore *s, uint64_t now_ms, uint64_t grace_ms)
{
	uint64_t limit = now_ms > grace_ms ? now_ms - grace_ms : 0;
	struct vrec *e;
	size_t n = 0;

	while ((e = s->live.head) && e->expires_ms <= now_ms) {
		if ((e->last_nc || e->consumed) && e->expires_ms > limit) {
			bury(s, e);
		} else {
			drop(s, e);
			n++;
		}
	}
	while ((e = s->grace.head) && e->expires_ms <= limit) {
		drop(s, e);
		n++;
	}
	return n;
}

size_t vstore_count(const struct vstore *s)
{
	return s->count;
}
