/* Diameter decoding (RFC 6733 §3, §4): bounded cursor parsing over a
 * borrowed buffer. Nothing here allocates or copies; every length is
 * checked against what is left before it is used (STYLE.md §3). */
#include "diam.h"

#include <string.h>

static uint32_t rd24(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const char *diam_strerror(int err)
{
	switch (err) {
	case DIAM_OK: return "ok";
	case DIAM_ESHORT: return "truncated header";
	case DIAM_EVERSION: return "unsupported version";
	case DIAM_ELENGTH: return "inconsistent length";
	case DIAM_EBITS: return "invalid flag bits";
	case DIAM_ENOENT: return "AVP not found";
	case DIAM_ETYPE: return "wrong size for type";
	case DIAM_ENOSPC: return "no space";
	case DIAM_EDEPTH: return "grouped nesting";
	}
	if (err < 0 && err >= -ERR_ERRNO_MAX)
		return strerror(-err);
	return "unknown error";
}

ssize_t diam_frame_len(const uint8_t *buf, size_t len)
{
	uint32_t n;

	if (len < 4)
		return 0;
	if (buf[0] != 1)
		return -1;
	n = rd24(buf + 1);
	if (n < DIAM_HDR_LEN || n > DIAM_MSG_MAX)
		return -1;
	return (ssize_t)n;
}

int diam_msg_parse(const uint8_t *buf, size_t len, struct diam_msg *msg)
{
	struct diam_hdr *h = &msg->hdr;

	memset(msg, 0, sizeof(*msg));
	if (len < DIAM_HDR_LEN)
		return DIAM_ESHORT;
	h->version = buf[0];
	h->length = rd24(buf + 1);
	h->flags = buf[4];
	h->code = rd24(buf + 5);
	h->app_id = rd32(buf + 8);
	h->hbh = rd32(buf + 12);
	h->e2e = rd32(buf + 16);
	msg->raw = buf;
	msg->raw_len = len;
	msg->avps = buf + DIAM_HDR_LEN;
	msg->avps_len = len - DIAM_HDR_LEN;
	if (h->version != 1)
		return DIAM_EVERSION;
	/* §3: the length includes the header and is a multiple of 4. */
	if (h->length != len || (h->length & 3))
		return DIAM_ELENGTH;
	/* §3: the four low flag bits are reserved; E is only for answers. */
	if ((h->flags & 0x0f) || ((h->flags & DIAM_FLAG_R) && (h->flags & DIAM_FLAG_E)))
		return DIAM_EBITS;
	return DIAM_OK;
}

void diam_iter_init(struct diam_iter *it, const uint8_t *area, size_t len)
{
	it->p = area;
	it->left = len;
}

void diam_iter_msg(struct diam_iter *it, const struct diam_msg *msg)
{
	diam_iter_init(it, msg->avps, msg->avps_len);
}

void diam_iter_group(struct diam_iter *it, const struct diam_avp *grouped)
{
	diam_iter_init(it, grouped->data, grouped->len);
}

int diam_iter_next(struct diam_iter *it, struct diam_avp *avp)
{
	size_t hl, alen, padded;

	memset(avp, 0, sizeof(*avp));
	if (it->left == 0)
		return 0;
	if (it->left < 8)
		return DIAM_ESHORT;
	avp->code = rd32(it->p);
	avp->flags = it->p[4];
	alen = rd24(it->p + 5);
	hl = (avp->flags & DIAM_AVP_V) ? 12 : 8;
	/* §4.1: AVP Length covers header + data, not the padding. */
	if (alen < hl || alen > it->left)
		return DIAM_ELENGTH;
	padded = (alen + 3) & ~(size_t)3;
	if (padded > it->left)
		return DIAM_ELENGTH;
	if (hl == 12)
		avp->vendor = rd32(it->p + 8);
	avp->raw = it->p;
	avp->raw_len = alen;
	avp->data = it->p + hl;
	avp->len = alen - hl;
	it->p += padded;
	it->left -= padded;
	return 1;
}

static int find_in(struct diam_iter *it, uint32_t code, uint32_t vendor, struct diam_avp *out)
{
	struct diam_avp a;
	int rc;

	while ((rc = diam_iter_next(it, &a)) == 1) {
		if (a.code == code && a.vendor == vendor) {
			*out = a;
			return 0;
		}
	}
	return rc < 0 ? rc : DIAM_ENOENT;
}

int diam_msg_find(const struct diam_msg *msg, uint32_t code, uint32_t vendor,
		  struct diam_avp *out)
{
	struct diam_iter it;

	diam_iter_msg(&it, msg);
	return find_in(&it, code, vendor, out);
}

int diam_group_find(const struct diam_avp *grouped, uint32_t code, uint32_t vendor,
		    struct diam_avp *out)
{
	struct diam_iter it;

	diam_iter_group(&it, grouped);
	return find_in(&it, code, vendor, out);
}

int diam_msg_count(const struct diam_msg *msg, uint32_t code, uint32_t vendor)
{
	struct diam_iter it;
	struct diam_avp a;
	int n = 0, rc;

	diam_iter_msg(&it, msg);
	while ((rc = diam_iter_next(&it, &a)) == 1)
		if (a.code == code && a.vendor == vendor)
			n++;
	return rc < 0 ? -1 : n;
}

int diam_avp_u32(const struct diam_avp *a, uint32_t *v)
{
	if (a->len != 4)
		return DIAM_ETYPE;
	*v = rd32(a->data);
	return 0;
}

int diam_avp_u64(const struct diam_avp *a, uint64_t *v)
{
	if (a->len != 8)
		return DIAM_ETYPE;
	*v = (uint64_t)rd32(a->data) << 32 | rd32(a->data + 4);
	return 0;
}

int diam_avp_i32(const struct diam_avp *a, int32_t *v)
{
	uint32_t u;
	int rc = diam_avp_u32(a, &u);

	if (rc == 0)
		*v = (int32_t)u;
	return rc;
}

int diam_avp_i64(const struct diam_avp *a, int64_t *v)
{
	uint64_t u;
	int rc = diam_avp_u64(a, &u);

	if (rc == 0)
		*v = (int64_t)u;
	return rc;
}

int diam_avp_str(const struct diam_avp *a, char *buf, size_t bufsz)
{
	if (memchr(a->data, 0, a->len))
		return DIAM_ETYPE;
	if (a->len + 1 > bufsz)
		return DIAM_ENOSPC;
	memcpy(buf, a->data, a->len);
	buf[a->len] = '\0';
	return 0;
}

int diam_avp_addr(const struct diam_avp *a, uint16_t *family, uint8_t *addr, size_t *addr_len)
{
	size_t want;

	if (a->len < 2)
		return DIAM_ETYPE;
	*family = (uint16_t)(a->data[0] << 8 | a->data[1]);
	/* §4.3.1 with IANA address families: 1 IPv4, 2 IPv6. */
	want = *family == 1 ? 4 : *family == 2 ? 16 : 0;
	if (!want || a->len != 2 + want)
		return DIAM_ETYPE;
	memcpy(addr, a->data + 2, want);
	*addr_len = want;
	return 0;
}

int diam_msg_u32(const struct diam_msg *msg, uint32_t code, uint32_t vendor, uint32_t *v)
{
	struct diam_avp a;
	int rc = diam_msg_find(msg, code, vendor, &a);

	return rc ? rc : diam_avp_u32(&a, v);
}

int diam_msg_str(const struct diam_msg *msg, uint32_t code, uint32_t vendor, char *buf,
		 size_t bufsz)
{
	struct diam_avp a;
	int rc = diam_msg_find(msg, code, vendor, &a);

	return rc ? rc : diam_avp_str(&a, buf, bufsz);
}
