/* Batches of held answers (held.h). */
#include "held.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Batches kept for reuse. Every batch returns to the pool with its
 * buffers, so after the first turns a loaded hssd allocates nothing: the
 * number alive is the commits in flight + the open one + those released
 * in this turn, a few; the bound only caps what a burst of commits in
 * flight (a slow disk) leaves behind. A batch whose buffers grew past
 * HELD_KEEP_MAX in such a burst is freed rather than kept. Freeing batches
 * here made glibc trim and grow the heap top every few turns (brk, and a
 * page fault per new page: issue 14). */
#define HELD_POOL_MAX 64
#define HELD_KEEP_MAX (4u << 20)

static void batch_free(struct held_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->h[i].delayed);
	free(b->h);
	free(b->buf);
	free(b);
}

static struct held_batch *batch_get(struct held_queue *q)
{
	struct held_batch *b = q->pool;

	if (b) {
		q->pool = b->next;
		q->npool--;
		b->next = NULL;
		return b;
	}
	return calloc(1, sizeof(*b));
}

static int grow(void **p, size_t *cap, size_t need, size_t unit, size_t first)
{
	size_t c = *cap ? *cap : first;
	void *np;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	np = realloc(*p, c * unit);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = c;
	return 0;
}

int held_seal(struct held_queue *q, const struct held *h, const uint8_t *ans)
{
	struct held_batch *b = q->open ? q->open : (q->open = batch_get(q));
	struct held *e;

	if (!b || grow((void **)&b->h, &b->cap, b->n + 1, sizeof(*b->h), 256) ||
	    grow((void **)&b->buf, &b->bufcap, b->len + h->req_len + h->ans_len, 1, 65536))
		return -ENOMEM;
	e = &b->h[b->n++];
	*e = *h;
	e->req = NULL;
	e->req_off = b->len;
	if (h->req_len)
		memcpy(b->buf + b->len, h->req, h->req_len);
	b->len += h->req_len;
	e->ans_off = b->len;
	if (h->ans_len)
		memcpy(b->buf + b->len, ans, h->ans_len);
	b->len += h->ans_len;
	return 0;
}

void held_committing(struct held_queue *q, uint64_t seq, uint64_t now_us)
{
	struct held_batch *b = q->open ? q->open : batch_get(q);

	q->open = NULL;
	if (!b)
		return;
	b->seq = seq;
	b->commit_us = now_us;
	if (q->tail)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
	q->inflight++;
}

struct held_batch *held_pop(struct held_queue *q)
{
	struct held_batch *b = q->head;

	if (!b)
		return NULL;
	q->head = b->next;
	if (!q->head)
		q->tail = NULL;
	b->next = NULL;
	q->inflight--;
	return b;
}

struct held_batch *held_pair(struct held_queue *q, uint64_t seq, struct held_batch **unpaired)
{
	struct held_batch **tail = unpaired;

	*unpaired = NULL;
	if (!q->head || q->head->seq > seq)
		return NULL;
	while (q->head->seq < seq) {
		*tail = held_pop(q);
		tail = &(*tail)->next;
		if (!q->head)
			return NULL;
	}
	return q->head->seq == seq ? held_pop(q) : NULL;
}

enum held_fate held_fate(const struct held *h, int err, bool swap_failed)
{
	if (!h->conn)
		return HELD_NOTHING;
	if (!err && !(h->name && swap_failed))
		return HELD_SEND;
	if (!h->name)
		return HELD_NOTHING;
	return err ? HELD_5012 : HELD_RUN_AGAIN;
}

void held_put(struct held_queue *q, struct held_batch *b)
{
	if (q->npool >= HELD_POOL_MAX || b->bufcap + b->cap * sizeof(*b->h) > HELD_KEEP_MAX) {
		batch_free(b);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		free(b->h[i].delayed);
	b->n = b->len = 0;
	b->next = q->pool;
	q->pool = b;
	q->npool++;
}

static void forget(struct held_batch *b, const void *conn)
{
	for (size_t i = 0; b && i < b->n; i++)
		if (b->h[i].conn == conn)
			b->h[i].conn = NULL;
}

void held_forget_conn(struct held_queue *q, const void *conn)
{
	forget(q->open, conn);
	for (struct held_batch *b = q->head; b; b = b->next)
		forget(b, conn);
}

void held_free(struct held_queue *q)
{
	struct held_batch *lists[] = { q->open, q->head, q->pool };

	for (size_t i = 0; i < 3; i++)
		while (lists[i]) {
			struct held_batch *b = lists[i];

			lists[i] = b->next;
			batch_free(b);
		}
	*q = (struct held_queue){ 0 };
}
