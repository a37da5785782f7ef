/* Nonce-keyed vector store (see vectors.h): a chained hash table whose
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
 * - the table doubles incrementally: the old table stays until each put
 *   has moved a few of its buckets, lookups search both; no put rehashes
 *   the whole table at once (at 10^6 entries a stall of tens of ms). */
#include "vectors.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Old buckets moved per put: the old table is empty after onb / 8 puts,
 * long before the next doubling (2 × onb puts away). */
#define MIGRATE_STEP 8

struct vrec {
	struct vrec *hnext;         /* hash chain */
	struct vrec *prev, *next;   /* the live or the grace list */
	uint64_t expires_ms;
	uint32_t hash, last_nc;
	uint16_t size;              /* octets allocated, for the wipe */
	uint16_t impi_off, impu_off, key_off; /* into s */
	uint8_t alg, xres_len;
	bool consumed, fault_reissued, tomb;
	char s[];                   /* nonce\0 impi\0 impu\0 xres ck ik ha1 */
};

struct vlist {
	struct vrec *head, *tail;
};

struct vstore {
	struct vrec **b, **ob;      /* the table; the old one while it empties */
	size_t nb, onb, moved;      /* sizes (powers of two); old buckets moved */
	struct vlist live, grace;   /* before expiry; answered, past it */
	size_t count;
};

/* FNV-1a and a final mix (murmur3's fmix32): the table takes the low
 * bits, which FNV alone spreads poorly. */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

struct vstore *vstore_new(size_t buckets)
{
	struct vstore *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	for (s->nb = 1; s->nb < (buckets ? buckets : 1024); s->nb <<= 1)
		;
	s->b = calloc(s->nb, sizeof(*s->b));
	if (!s->b) {
		free(s);
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
	free(s->b);
	free(s->ob);
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

static struct vrec **chain_find(struct vrec **pp, const char *nonce, uint32_t h)
{
	for (; *pp; pp = &(*pp)->hnext)
		if ((*pp)->hash == h && !strcmp((*pp)->s, nonce))
			return pp;
	return NULL;
}

/* The link that points at nonce's record, or NULL. A bucket of the old
 * table that was moved is empty. */
static struct vrec **find(struct vstore *s, const char *nonce, uint32_t h)
{
	struct vrec **pp = chain_find(&s->b[h & (s->nb - 1)], nonce, h);

	if (!pp && s->ob)
		pp = chain_find(&s->ob[h & (s->onb - 1)], nonce, h);
	return pp;
}

/* The link that points at record e (in one of the two tables). */
static struct vrec **link_of(struct vstore *s, const struct vrec *e)
{
	struct vrec **pp = &s->b[e->hash & (s->nb - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (!*pp && s->ob)
		for (pp = &s->ob[e->hash & (s->onb - 1)]; *pp != e;)
			pp = &(*pp)->hnext;
	return pp;
}

/* Unlinks and frees the record *pp points at. */
static void drop(struct vstore *s, struct vrec **pp)
{
	struct vrec *e = *pp;

	*pp = e->hnext;
	list_unlink(e->tomb ? &s->grace : &s->live, e);
	wipe_free(e);
	s->count--;
}

/* Moves up to n buckets of the old table into the new one. */
static void migrate(struct vstore *s, size_t n)
{
	while (s->ob && n--) {
		for (struct vrec *e = s->ob[s->moved], *next; e; e = next) {
			struct vrec **bp = &s->b[e->hash & (s->nb - 1)];

			next = e->hnext;
			e->hnext = *bp;
			*bp = e;
		}
		s->ob[s->moved] = NULL;
		if (++s->moved == s->onb) {
			free(s->ob);
			s->ob = NULL;
		}
	}
}

/* Twice the buckets once the entries outnumber them twice: with 4,096
 * fixed buckets and ~675,000 entries at 7,500 registrations/s every
 * lookup walked ≈ 80 nonces (24 % of the stub's CPU in strcmp). The old
 * table empties into the new one a few buckets per put (migrate); without
 * memory the table stays as it is: longer chains, still right. */
static void grow(struct vstore *s)
{
	struct vrec **b = calloc(s->nb * 2, sizeof(*b));

	if (!b)
		return;
	s->ob = s->b;
	s->onb = s->nb;
	s->moved = 0;
	s->b = b;
	s->nb *= 2;
}

static struct vrec *rec_new(const struct vec_entry *e, uint32_t h)
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
		.expires_ms = e->expires_ms, .hash = h, .last_nc = e->last_nc,
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
	uint32_t h = hash(e->nonce);
	struct vrec **pp, *r;

	if (e->xres_len > sizeof(e->xres))
		return -EINVAL;
	r = rec_new(e, h);
	if (!r)
		return -ENOMEM;
	pp = find(s, r->s, h);
	if (pp)
		drop(s, pp); /* the same nonce again: the new one replaces it */
	if (!s->ob && s->count >= 2 * s->nb)
		grow(s);
	migrate(s, MIGRATE_STEP);
	pp = &s->b[h & (s->nb - 1)];
	r->hnext = *pp;
	*pp = r;
	list_insert(&s->live, r);
	s->count++;
	return 0;
}

bool vstore_get(struct vstore *s, const char *nonce, uint64_t now_ms, struct vec_entry *out)
{
	struct vrec **pp = find(s, nonce, hash(nonce));

	if (!pp || (*pp)->tomb || (*pp)->expires_ms <= now_ms)
		return false;
	rec_out(*pp, out);
	return true;
}

void vstore_use(struct vstore *s, const char *nonce, uint32_t last_nc, bool consumed)
{
	struct vrec **pp = find(s, nonce, hash(nonce));

	if (pp && !(*pp)->tomb) {
		(*pp)->last_nc = last_nc;
		(*pp)->consumed = consumed;
	}
}

bool vstore_is_expired(struct vstore *s, const char *nonce, uint64_t now_ms)
{
	struct vrec **pp = find(s, nonce, hash(nonce));

	return pp && ((*pp)->tomb || (*pp)->expires_ms <= now_ms);
}

void vstore_del(struct vstore *s, const char *nonce)
{
	struct vrec **pp = find(s, nonce, hash(nonce));

	if (pp)
		drop(s, pp);
}

static void list_del_impi(struct vstore *s, struct vlist *l, const char *impi)
{
	for (struct vrec *e = l->head, *n; e; e = n) {
		n = e->next;
		if (!strcmp(e->s + e->impi_off, impi))
			drop(s, link_of(s, e));
	}
}

void vstore_del_impi(struct vstore *s, const char *impi)
{
	list_del_impi(s, &s->live, impi);
	list_del_impi(s, &s->grace, impi);
}

/* Past its expiry an answered entry only has to read "expired": its key
 * material (and IMPU) wiped, the record cut to its nonce and IMPI and
 * moved to the grace list (still in expiry order: entries leave the live
 * list in that order). */
static void bury(struct vstore *s, struct vrec *e)
{
	struct vrec **pp = link_of(s, e), *t;
	size_t keep = offsetof(struct vrec, s) + e->impu_off;

	list_unlink(&s->live, e);
	explicit_bzero((char *)e + keep, e->size - keep);
	e->size = (uint16_t)keep;
	e->tomb = true;
	t = realloc(e, keep);
	if (t)
		*pp = e = t; /* realloc failing to shrink keeps the wiped block */
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
			drop(s, link_of(s, e));
			n++;
		}
	}
	while ((e = s->grace.head) && e->expires_ms <= limit) {
		drop(s, link_of(s, e));
		n++;
	}
	return n;
}

size_t vstore_count(const struct vstore *s)
{
	return s->count;
}
