/* Connection buffers (see conn.h). Buffers grow geometrically and are
 * compacted lazily, so a busy connection reaches a steady size and then
 * allocates nothing per message. */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diam.h"

#define INIT_CAP (4u * 1024) /* small: strangers' idle connections cost little */
#define MIN_ROOM (4u * 1024)

int diam_conn_init(struct diam_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->rbuf = malloc(INIT_CAP);
	c->wbuf = malloc(INIT_CAP);
	if (!c->rbuf || !c->wbuf) {
		diam_conn_free(c);
		return -ENOMEM;
	}
	c->rcap = c->wcap = INIT_CAP;
	return 0;
}

void diam_conn_free(struct diam_conn *c)
{
	free(c->rbuf);
	free(c->wbuf);
	memset(c, 0, sizeof(*c));
}

void diam_conn_clear(struct diam_conn *c)
{
	c->rlen = c->rpos = c->wlen = c->wpos = 0;
	c->rlimit = 0;
	c->eof = false;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : INIT_CAP;
	uint8_t *p;

	while (n < need)
		n *= 2;
	if (n == *cap)
		return 0;
	p = realloc(*buf, n);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

void diam_conn_rcompact(struct diam_conn *c)
{
	if (c->rpos == 0)
		return;
	memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
	c->rlen -= c->rpos;
	c->rpos = 0;
}

uint8_t *diam_conn_rspace(struct diam_conn *c, size_t *room)
{
	ssize_t want = diam_frame_len(c->rbuf + c->rpos, c->rlen - c->rpos);
	size_t need = MIN_ROOM;

	/* Room for the whole message being assembled, if it is long (and
	 * allowed: see rlimit). */
	if (want > 0 && (size_t)want > c->rlen - c->rpos && (!c->rlimit || (size_t)want <= c->rlimit))
		need = (size_t)want - (c->rlen - c->rpos);
	if (c->rcap - c->rlen < need)
		diam_conn_rcompact(c);
	if (c->rcap - c->rlen < need && grow(&c->rbuf, &c->rcap, c->rlen + need) < 0)
		return NULL;
	*room = c->rcap - c->rlen;
	return c->rbuf + c->rlen;
}

void diam_conn_rcommit(struct diam_conn *c, size_t n)
{
	c->rlen += n;
}

int diam_conn_next(struct diam_conn *c, const uint8_t **msg, size_t *len)
{
	size_t avail = c->rlen - c->rpos;
	ssize_t n = diam_frame_len(c->rbuf + c->rpos, avail);

	*msg = c->rbuf + c->rpos;
	if (n < 0) {
		*len = avail < DIAM_HDR_LEN ? avail : DIAM_HDR_LEN;
		return -1;
	}
	if (n == 0 || (size_t)n > avail)
		return 0;
	*len = (size_t)n;
	c->rpos += (size_t)n;
	return 1;
}

int diam_conn_peek(const struct diam_conn *c, size_t *pos, const uint8_t **msg, size_t *len)
{
	size_t at = c->rpos + *pos, avail = c->rlen - at;
	ssize_t n = at < c->rlen ? diam_frame_len(c->rbuf + at, avail) : 0;

	if (n <= 0 || (size_t)n > avail)
		return 0;
	*msg = c->rbuf + at;
	*len = (size_t)n;
	*pos += (size_t)n;
	return 1;
}

size_t diam_conn_partial(const struct diam_conn *c)
{
	return c->rlen - c->rpos;
}

uint8_t *diam_conn_wreserve(struct diam_conn *c, size_t need)
{
	if (c->wcap - c->wlen < need && c->wpos > 0) {
		memmove(c->wbuf, c->wbuf + c->wpos, c->wlen - c->wpos);
		c->wlen -= c->wpos;
		c->wpos = 0;
	}
	if (c->wcap - c->wlen < need && grow(&c->wbuf, &c->wcap, c->wlen + need) < 0)
		return NULL;
	return c->wbuf + c->wlen;
}

void diam_conn_wcommit(struct diam_conn *c, size_t n)
{
	c->wlen += n;
}

int diam_conn_queue(struct diam_conn *c, const uint8_t *buf, size_t len)
{
	uint8_t *p = diam_conn_wreserve(c, len);

	if (!p)
		return -ENOMEM;
	memcpy(p, buf, len);
	c->wlen += len;
	return 0;
}

size_t diam_conn_wpending(const struct diam_conn *c) { return c->wlen - c->wpos; }
const uint8_t *diam_conn_wdata(const struct diam_conn *c) { return c->wbuf + c->wpos; }

void diam_conn_wconsume(struct diam_conn *c, size_t n)
{
	c->wpos += n;
	if (c->wpos == c->wlen)
		c->wpos = c->wlen = 0;
}

/* Marks are offsets from wpos so they survive compaction in wreserve. */
size_t diam_conn_wmark(const struct diam_conn *c) { return c->wlen - c->wpos; }

void diam_conn_wtruncate(struct diam_conn *c, size_t mark)
{
	if (mark < c->wlen - c->wpos)
		c->wlen = c->wpos + mark;
}
