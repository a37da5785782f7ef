/* Nonce-keyed vector store (see vectors.h): a chained hash table. */
#include "vectors.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct vstore {
	struct vec_entry **b;
	size_t nb, count;
};

/* FNV-1a: nonces are random already, any spread will do. */
static size_t hash(const char *s, size_t nb)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h % nb;
}

struct vstore *vstore_new(size_t buckets)
{
	struct vstore *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->nb = buckets ? buckets : 1024;
	s->b = calloc(s->nb, sizeof(*s->b));
	if (!s->b) {
		free(s);
		return NULL;
	}
	return s;
}

static void wipe_free(struct vec_entry *e)
{
	/* XRES/CK/IK/HA1 are secrets: do not leave them in freed memory. */
	memset(e, 0, sizeof(*e));
	free(e);
}

void vstore_free(struct vstore *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nb; i++)
		for (struct vec_entry *e = s->b[i], *n; e; e = n) {
			n = e->next;
			wipe_free(e);
		}
	free(s->b);
	free(s);
}

static struct vec_entry **find_slot(struct vstore *s, const char *nonce)
{
	struct vec_entry **pp = &s->b[hash(nonce, s->nb)];

	while (*pp && strcmp((*pp)->nonce, nonce))
		pp = &(*pp)->next;
	return pp;
}

/* Twice the buckets once the entries outnumber them twice: a used vector
 * stays until its nonce expires and a minute more (vstore_expire), i.e.
 * ≈ 90 s of challenges — 675,000 entries at 7,500 registrations/s, where
 * 4,096 fixed buckets made every lookup a walk of ≈ 80 strcmp (24 % of the
 * stub's CPU, its p99 growing run after run: bench/README.md issue 14).
 * Without memory the table stays as it is: longer chains, still right. */
static void grow(struct vstore *s)
{
	size_t nb = s->nb * 2;
	struct vec_entry **b = calloc(nb, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < s->nb; i++)
		for (struct vec_entry *e = s->b[i], *n; e; e = n) {
			size_t h = hash(e->nonce, nb);

			n = e->next;
			e->next = b[h];
			b[h] = e;
		}
	free(s->b);
	s->b = b;
	s->nb = nb;
}

int vstore_put(struct vstore *s, const struct vec_entry *e)
{
	struct vec_entry **pp, *n;

	if (s->count >= 2 * s->nb)
		grow(s);
	pp = find_slot(s, e->nonce);

	if (*pp) {
		n = (*pp)->next;
		**pp = *e;
		(*pp)->next = n;
		return 0;
	}
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *e;
	n->next = NULL;
	*pp = n;
	s->count++;
	return 0;
}

struct vec_entry *vstore_get(struct vstore *s, const char *nonce, uint64_t now_ms)
{
	struct vec_entry *e = *find_slot(s, nonce);

	return e && e->expires_ms > now_ms ? e : NULL;
}

bool vstore_is_expired(struct vstore *s, const char *nonce, uint64_t now_ms)
{
	struct vec_entry *e = *find_slot(s, nonce);

	return e && e->expires_ms <= now_ms;
}

void vstore_del(struct vstore *s, const char *nonce)
{
	struct vec_entry **pp = find_slot(s, nonce), *e = *pp;

	if (!e)
		return;
	*pp = e->next;
	wipe_free(e);
	s->count--;
}

/* Unlinks every entry for which drop() is true. */
static size_t sweep(struct vstore *s, bool (*drop)(const struct vec_entry *, const void *),
		    const void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nb; i++) {
		struct vec_entry **pp = &s->b[i];
		while (*pp) {
			struct vec_entry *e = *pp;
			if (drop(e, arg)) {
				*pp = e->next;
				wipe_free(e);
				n++;
			} else {
				pp = &e->next;
			}
		}
	}
	s->count -= n;
	return n;
}

static bool is_impi(const struct vec_entry *e, const void *arg)
{
	return !strcmp(e->impi, arg);
}

void vstore_del_impi(struct vstore *s, const char *impi)
{
	sweep(s, is_impi, impi);
}

struct expiry {
	uint64_t now, limit;
};

/* A challenge nobody answered goes at its expiry: a flood of REGISTERs
 * that never answer their 401 (issue 16) left 90 s of them (nonce-ttl +
 * the grace, ≈ 0.85 KiB each: 38 MB at 500/s). A late answer to it still
 * gets stale=true (an unknown nonce does, RFC 2617 §3.2.1); the grace
 * only kept its log line reading "expired". */
static bool is_old(const struct vec_entry *e, const void *arg)
{
	const struct expiry *x = arg;

	return e->expires_ms <= (e->last_nc || e->consumed ? x->limit : x->now);
}

size_t vstore_expire(struct vstore *s, uint64_t now_ms, uint64_t grace_ms)
{
	struct expiry x = { now_ms, now_ms > grace_ms ? now_ms - grace_ms : 0 };

	return sweep(s, is_old, &x);
}

size_t vstore_count(const struct vstore *s)
{
	return s->count;
}
