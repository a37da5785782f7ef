/* Diameter encoding with a sticky error (STYLE.md §5): every put checks
 * room first; after the first failure all puts are no-ops and
 * diam_wr_finish() reports it once. AVP flags come from the dictionary. */
#include "diam.h"

#include <stdio.h>
#include <string.h>
#include "util/str.h"
#include <time.h>

#include "dict.h"

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void wr24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

void diam_wr_init(struct diam_wr *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
}

/* Reserves n bytes; NULL (and the sticky error) when they do not fit. */
static uint8_t *reserve(struct diam_wr *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (n > w->cap - w->len || w->len + n > DIAM_MSG_MAX) {
		w->err = DIAM_ENOSPC;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

void diam_put_hdr(struct diam_wr *w, uint8_t flags, uint32_t code, uint32_t app_id,
		  uint32_t hbh, uint32_t e2e)
{
	uint8_t *p = reserve(w, DIAM_HDR_LEN);

	if (!p)
		return;
	p[0] = 1;
	wr24(p + 1, 0); /* patched by diam_wr_finish */
	p[4] = flags;
	wr24(p + 5, code);
	wr32(p + 8, app_id);
	wr32(p + 12, hbh);
	wr32(p + 16, e2e);
}

/* Writes an AVP header for `len` payload octets and returns where the
 * payload goes (padding already zeroed), or NULL. */
static uint8_t *put_avp_hdr(struct diam_wr *w, uint32_t code, uint8_t flags, uint32_t vendor,
			    size_t len)
{
	size_t hl = (flags & DIAM_AVP_V) ? 12 : 8;
	size_t padded = (hl + len + 3) & ~(size_t)3;
	uint8_t *p;

	if (len > DIAM_MSG_MAX) {
		if (!w->err)
			w->err = DIAM_ENOSPC;
		return NULL;
	}
	p = reserve(w, padded);
	if (!p)
		return NULL;
	wr32(p, code);
	p[4] = flags;
	wr24(p + 5, (uint32_t)(hl + len));
	if (hl == 12)
		wr32(p + 8, vendor);
	for (size_t i = hl + len; i < padded; i++) /* at most 3 octets of padding */
		p[i] = 0;
	return p + hl;
}

void diam_put_avp_flags(struct diam_wr *w, uint32_t code, uint8_t flags, uint32_t vendor,
			const void *data, size_t len)
{
	uint8_t *p = put_avp_hdr(w, code, flags, vendor, len);

	if (p && len)
		memcpy(p, data, len);
}

void diam_put_octets(struct diam_wr *w, uint32_t code, uint32_t vendor, const void *data,
		     size_t len)
{
	diam_put_avp_flags(w, code, diam_dict_flags(code, vendor), vendor, data, len);
}

void diam_put_str(struct diam_wr *w, uint32_t code, uint32_t vendor, const char *s)
{
	diam_put_octets(w, code, vendor, s, strlen(s));
}

void diam_put_u32(struct diam_wr *w, uint32_t code, uint32_t vendor, uint32_t v)
{
	uint8_t b[4];

	wr32(b, v);
	diam_put_octets(w, code, vendor, b, 4);
}

void diam_put_u64(struct diam_wr *w, uint32_t code, uint32_t vendor, uint64_t v)
{
	uint8_t b[8];

	wr32(b, (uint32_t)(v >> 32));
	wr32(b + 4, (uint32_t)v);
	diam_put_octets(w, code, vendor, b, 8);
}

void diam_put_i32(struct diam_wr *w, uint32_t code, uint32_t vendor, int32_t v)
{
	diam_put_u32(w, code, vendor, (uint32_t)v);
}

void diam_put_addr(struct diam_wr *w, uint32_t code, uint32_t vendor, uint16_t family,
		   const uint8_t *addr, size_t addr_len)
{
	uint8_t b[2 + 16];

	if (addr_len > 16) {
		if (!w->err)
			w->err = DIAM_ETYPE;
		return;
	}
	b[0] = (uint8_t)(family >> 8);
	b[1] = (uint8_t)family;
	memcpy(b + 2, addr, addr_len);
	diam_put_octets(w, code, vendor, b, 2 + addr_len);
}

void diam_put_time(struct diam_wr *w, uint32_t code, uint32_t vendor, uint32_t ntp_seconds)
{
	diam_put_u32(w, code, vendor, ntp_seconds);
}

void diam_put_raw_avp(struct diam_wr *w, const struct diam_avp *a)
{
	uint8_t *p = reserve(w, (a->raw_len + 3) & ~(size_t)3);

	if (!p)
		return;
	memcpy(p, a->raw, a->raw_len);
	memset(p + a->raw_len, 0, ((a->raw_len + 3) & ~(size_t)3) - a->raw_len);
}

void diam_group_begin(struct diam_wr *w, uint32_t code, uint32_t vendor)
{
	size_t at = w->len;

	if (w->err)
		return;
	if (w->depth >= DIAM_WR_MAX_DEPTH) {
		w->err = DIAM_EDEPTH;
		return;
	}
	if (!put_avp_hdr(w, code, diam_dict_flags(code, vendor), vendor, 0))
		return;
	w->group_at[w->depth++] = at;
}

void diam_group_end(struct diam_wr *w)
{
	size_t at;

	if (w->err)
		return;
	if (w->depth <= 0) {
		w->err = DIAM_EDEPTH;
		return;
	}
	at = w->group_at[--w->depth];
	/* Children are padded, so the group's length is already aligned. */
	wr24(w->buf + at + 5, (uint32_t)(w->len - at));
}

ssize_t diam_wr_finish(struct diam_wr *w)
{
	if (!w->err && w->depth != 0)
		w->err = DIAM_EDEPTH;
	if (!w->err && w->len < DIAM_HDR_LEN)
		w->err = DIAM_ESHORT;
	if (w->err)
		return w->err;
	wr24(w->buf + 1, (uint32_t)w->len);
	return (ssize_t)w->len;
}

void diam_put_vendor_app(struct diam_wr *w, uint32_t vendor, uint32_t auth_app)
{
	diam_group_begin(w, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
	diam_put_u32(w, AVP_VENDOR_ID, 0, vendor);
	diam_put_u32(w, AVP_AUTH_APPLICATION_ID, 0, auth_app);
	diam_group_end(w);
}

void diam_put_exp_result(struct diam_wr *w, uint32_t vendor, uint32_t code)
{
	diam_group_begin(w, AVP_EXPERIMENTAL_RESULT, 0);
	diam_put_u32(w, AVP_VENDOR_ID, 0, vendor);
	diam_put_u32(w, AVP_EXPERIMENTAL_RESULT_CODE, 0, code);
	diam_group_end(w);
}

void diam_answer_begin(struct diam_wr *w, const struct diam_msg *req)
{
	struct diam_avp sid;

	/* §6.2: same code, app id, hop-by-hop and end-to-end; P copied. */
	diam_put_hdr(w, req->hdr.flags & DIAM_FLAG_P, req->hdr.code, req->hdr.app_id,
		     req->hdr.hbh, req->hdr.e2e);
	if (diam_msg_find(req, AVP_SESSION_ID, 0, &sid) == 0)
		diam_put_raw_avp(w, &sid);
}

/* ---- Identifiers ------------------------------------------------------ */
static uint32_t sid_hi, sid_lo, hbh_next, e2e_next;
static int ids_ready;

static void ids_init(void)
{
	struct timespec ts;
	uint32_t t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = (uint32_t)ts.tv_sec;
	sid_hi = t;
	sid_lo = (uint32_t)ts.tv_nsec;
	hbh_next = (uint32_t)ts.tv_nsec ^ (t << 12);
	/* §3: high 12 bits = low 12 bits of the time, low 20 bits random. */
	e2e_next = (t & 0xfff) << 20 | ((uint32_t)ts.tv_nsec & 0xfffff);
	ids_ready = 1;
}

void diam_session_id(const char *origin_host, char *out, size_t outsz)
{
	if (!ids_ready)
		ids_init();
	char ids[24];
	size_t n = 0;

	/* by hand, not snprintf: one per MAR and SAR (issue 14) */
	ids[n++] = ';';
	n += str_u32(ids + n, sid_hi);
	ids[n++] = ';';
	str_u32(ids + n, sid_lo++);
	if (outsz && str_copy(out, outsz, origin_host) < outsz) {
		size_t len = strlen(out);
		str_append(out, outsz, &len, ids);
	}
}

uint32_t diam_next_hbh(void)
{
	if (!ids_ready)
		ids_init();
	return hbh_next++;
}

uint32_t diam_next_e2e(void)
{
	if (!ids_ready)
		ids_init();
	e2e_next = (e2e_next & 0xfff00000u) | ((e2e_next + 1) & 0xfffff);
	return e2e_next;
}
