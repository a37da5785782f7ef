/* Per-IMPI queue of unused vectors (see vqueue.h): a chained hash table
 * keyed by IMPI; entries of one IMPI sit in arrival order in its chain. */
#include "vqueue.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

struct vq_entry {
	char impi[256];
	struct cx_maa v;
	uint64_t expires_ms;
	struct vq_entry *next;
};

struct vqueue {
	struct vq_entry **b;
	size_t nb, count;
};

static size_t hash(const char *s, size_t nb)
{
	return str_hash_fnv(s) % nb;
}

struct vqueue *vqueue_new(size_t buckets)
{
	struct vqueue *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->nb = buckets ? buckets : 1024;
	q->b = calloc(q->nb, sizeof(*q->b));
	if (!q->b) {
		free(q);
		return NULL;
	}
	return q;
}

static void wipe_free(struct vq_entry *e)
{
	memset(e, 0, sizeof(*e)); /* XRES/CK/IK/HA1 */
	free(e);
}

void vqueue_free(struct vqueue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nb; i++)
		for (struct vq_entry *e = q->b[i], *n; e; e = n) {
			n = e->next;
			wipe_free(e);
		}
	free(q->b);
	free(q);
}

int vqueue_push(struct vqueue *q, const char *impi, const struct cx_maa *v,
		uint64_t expires_ms)
{
	struct vq_entry **pp = &q->b[hash(impi, q->nb)], *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	snprintf(e->impi, sizeof(e->impi), "%s", impi);
	e->v = *v;
	e->expires_ms = expires_ms;
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	q->count++;
	return 0;
}

/* Unlinks the entries of one bucket that belong to impi (NULL: any IMPI)
 * and are expired at now_ms, or all of them with all_of_impi. */
static size_t sweep_bucket(struct vqueue *q, size_t i, const char *impi, uint64_t now_ms,
			   bool all_of_impi)
{
	struct vq_entry **pp = &q->b[i];
	size_t n = 0;

	while (*pp) {
		struct vq_entry *e = *pp;
		bool mine = !impi || !strcmp(e->impi, impi);
		if (mine && (all_of_impi || e->expires_ms <= now_ms)) {
			*pp = e->next;
			wipe_free(e);
			n++;
		} else {
			pp = &e->next;
		}
	}
	q->count -= n;
	return n;
}

int vqueue_pop(struct vqueue *q, const char *impi, uint64_t now_ms, struct cx_maa *out)
{
	size_t i = hash(impi, q->nb);
	struct vq_entry **pp;

	sweep_bucket(q, i, impi, now_ms, false);
	for (pp = &q->b[i]; *pp; pp = &(*pp)->next) {
		struct vq_entry *e = *pp;
		if (strcmp(e->impi, impi))
			continue;
		*out = e->v;
		*pp = e->next;
		wipe_free(e);
		q->count--;
		return 1;
	}
	return 0;
}

size_t vqueue_del_impi(struct vqueue *q, const char *impi)
{
	return sweep_bucket(q, hash(impi, q->nb), impi, 0, true);
}

size_t vqueue_expire(struct vqueue *q, uint64_t now_ms)
{
	size_t n = 0;

	for (size_t i = 0; i < q->nb; i++)
		n += sweep_bucket(q, i, NULL, now_ms, false);
	return n;
}

size_t vqueue_count(const struct vqueue *q)
{
	return q->count;
}

size_t vqueue_count_impi(const struct vqueue *q, const char *impi)
{
	size_t n = 0;

	for (const struct vq_entry *e = q->b[hash(impi, q->nb)]; e; e = e->next)
		n += !strcmp(e->impi, impi);
	return n;
}
