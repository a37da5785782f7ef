#include "ip_frag.h"

#include <stdlib.h>
#include <string.h>

struct ip_frag {
	struct ip_frag_key k;
	uint8_t data[IP_FRAG_LEN];
	uint8_t have[IP_FRAG_LEN / 8 / 8 + 1];  /* one bit per 8-octet block */
	size_t total;                           /* 0 until the last fragment */
	unsigned first_frame;
	struct ip_frag *next;
};

static bool key_eq(const struct ip_frag_key *a, const struct ip_frag_key *b)
{
	return a->af == b->af && a->id == b->id && a->proto == b->proto &&
	       !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16);
}

static void drop_oldest(struct trace_ctx *c)
{
	struct ip_frag **pp = &c->frags;

	while (*pp && (*pp)->next)
		pp = &(*pp)->next;
	if (*pp) {
		trace_note(c, "incomplete IP datagram (first fragment at frame %u) dropped: too many "
			   "pending", (*pp)->first_frame);
		free(*pp);
		*pp = NULL;
		c->nfrags--;
	}
}

static struct ip_frag *frag_get(struct trace_ctx *c, const struct ip_frag_key *k)
{
	for (struct ip_frag *f = c->frags; f; f = f->next)
		if (key_eq(&f->k, k))
			return f;
	if (c->nfrags == IP_FRAG_MAX)
		drop_oldest(c);
	struct ip_frag *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->k = *k;
	f->first_frame = c->cur_frame;
	f->next = c->frags; /* newest first */
	c->frags = f;
	c->nfrags++;
	return f;
}

static bool complete(const struct ip_frag *f)
{
	if (!f->total)
		return false;
	for (size_t b = 0; b < (f->total + 7) / 8; b++)
		if (!(f->have[b / 8] & (1u << (b % 8))))
			return false;
	return true;
}

static void unlink_frag(struct trace_ctx *c, struct ip_frag *f)
{
	for (struct ip_frag **pp = &c->frags; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			c->nfrags--;
			return;
		}
}

int ip_frag_add(struct trace_ctx *c, const struct ip_frag_key *k, size_t off, bool more,
		const uint8_t *p, size_t len, uint8_t **out, size_t *outlen)
{
	if (off + len > IP_FRAG_LEN || (more && len % 8))
		return -1;
	struct ip_frag *f = frag_get(c, k);
	if (!f)
		return -1;
	memcpy(f->data + off, p, len);
	for (size_t b = off / 8; b < (off + len + 7) / 8; b++)
		f->have[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!more)
		f->total = off + len;
	if (!complete(f))
		return 0;
	unlink_frag(c, f);
	*out = malloc(f->total ? f->total : 1);
	if (!*out) {
		free(f);
		return -1;
	}
	memcpy(*out, f->data, f->total);
	*outlen = f->total;
	free(f);
	return 1;
}

void ip_frag_finish(struct trace_ctx *c)
{
	while (c->frags) {
		struct ip_frag *f = c->frags;
		c->frags = f->next;
		trace_note(c, "incomplete IP datagram (first fragment at frame %u): fragments "
			   "missing from the capture", f->first_frame);
		free(f);
	}
	c->nfrags = 0;
}
