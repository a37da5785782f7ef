/* Base protocol message builders (RFC 6733 §5.3-§5.4, §7.2) and CER/CEA
 * application matching. Each builder is a short sequence of puts; the
 * sticky writer error is checked once in diam_wr_finish(). */
#include "base.h"

#include <string.h>

#include "codes.h"
#include "dict.h"
#include "util/utf8.h"

static void put_identity(struct diam_wr *w, const struct diam_local *l)
{
	diam_put_str(w, AVP_ORIGIN_HOST, 0, l->origin_host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, l->origin_realm);
}

/* §5.3.1: the capability AVPs shared by CER and CEA. */
static void put_capabilities(struct diam_wr *w, const struct diam_local *l,
			     const struct diam_host_ip *ip)
{
	bool vendor3gpp = false;

	if (ip && ip->len)
		diam_put_addr(w, AVP_HOST_IP_ADDRESS, 0, ip->family, ip->addr, ip->len);
	diam_put_u32(w, AVP_VENDOR_ID, 0, l->vendor_id);
	diam_put_str(w, AVP_PRODUCT_NAME, 0, l->product_name ? l->product_name : "hssd");
	if (l->origin_state_id)
		diam_put_u32(w, AVP_ORIGIN_STATE_ID, 0, l->origin_state_id);
	for (size_t i = 0; i < l->napps; i++)
		if (l->apps[i].vendor == DIAM_VENDOR_3GPP)
			vendor3gpp = true;
	if (vendor3gpp)
		diam_put_u32(w, AVP_SUPPORTED_VENDOR_ID, 0, DIAM_VENDOR_3GPP);
	for (size_t i = 0; i < l->napps; i++) {
		if (l->apps[i].vendor)
			diam_put_vendor_app(w, l->apps[i].vendor, l->apps[i].app_id);
		else
			diam_put_u32(w, AVP_AUTH_APPLICATION_ID, 0, l->apps[i].app_id);
	}
	if (l->firmware_revision)
		diam_put_u32(w, AVP_FIRMWARE_REVISION, 0, l->firmware_revision);
}

ssize_t diam_build_cer(uint8_t *buf, size_t cap, const struct diam_local *l,
		       const struct diam_host_ip *ip, uint32_t hbh, uint32_t e2e)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_CE, DIAM_APP_BASE, hbh, e2e);
	put_identity(&w, l);
	put_capabilities(&w, l, ip);
	return diam_wr_finish(&w);
}

ssize_t diam_build_cea(uint8_t *buf, size_t cap, const struct diam_msg *cer,
		       const struct diam_local *l, const struct diam_host_ip *ip,
		       uint32_t result, const char *error_message)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_answer_begin(&w, cer);
	if (result >= 3000 && result < 4000)
		w.buf[4] |= DIAM_FLAG_E;
	diam_put_u32(&w, AVP_RESULT_CODE, 0, result);
	put_identity(&w, l);
	put_capabilities(&w, l, ip);
	if (error_message)
		diam_put_str(&w, AVP_ERROR_MESSAGE, 0, error_message);
	return diam_wr_finish(&w);
}

ssize_t diam_build_dwr(uint8_t *buf, size_t cap, const struct diam_local *l, uint32_t hbh,
		       uint32_t e2e)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_DW, DIAM_APP_BASE, hbh, e2e);
	put_identity(&w, l);
	if (l->origin_state_id)
		diam_put_u32(&w, AVP_ORIGIN_STATE_ID, 0, l->origin_state_id);
	return diam_wr_finish(&w);
}

ssize_t diam_build_dwa(uint8_t *buf, size_t cap, const struct diam_msg *dwr,
		       const struct diam_local *l, uint32_t result)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_answer_begin(&w, dwr);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, result);
	put_identity(&w, l);
	if (l->origin_state_id)
		diam_put_u32(&w, AVP_ORIGIN_STATE_ID, 0, l->origin_state_id);
	return diam_wr_finish(&w);
}

ssize_t diam_build_dpr(uint8_t *buf, size_t cap, const struct diam_local *l, int32_t cause,
		       uint32_t hbh, uint32_t e2e)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_DP, DIAM_APP_BASE, hbh, e2e);
	put_identity(&w, l);
	diam_put_i32(&w, AVP_DISCONNECT_CAUSE, 0, cause);
	return diam_wr_finish(&w);
}

ssize_t diam_build_dpa(uint8_t *buf, size_t cap, const struct diam_msg *dpr,
		       const struct diam_local *l, uint32_t result)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_answer_begin(&w, dpr);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, result);
	put_identity(&w, l);
	return diam_wr_finish(&w);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Room for everything but the Session-Id: header, 3GPP head, our
 * identity (DiameterIdentities <= 255 octets), Result-Code, Error-Message
 * (< 160), Failed-AVP with its quote and one enclosing group. */
#define ERR_FIXED_ROOM 2048u

/* The Session-Id an error answer may echo (see diam_build_error_answer). */
static bool echo_sid(const uint8_t *req, size_t req_len, bool close, struct diam_avp *sid)
{
	struct diam_msg m;

	if (close || diam_msg_parse(req, req_len, &m) == DIAM_ELENGTH)
		return false;
	/* Never echo a Session-Id that is itself broken. */
	return diam_msg_find(&m, AVP_SESSION_ID, 0, sid) == 0 && !(sid->flags & 0x1f) &&
	       utf8_valid(sid->data, sid->len);
}

size_t diam_error_answer_room(const uint8_t *req, size_t req_len)
{
	struct diam_avp sid;

	if (req_len >= DIAM_HDR_LEN && echo_sid(req, req_len, false, &sid))
		return ERR_FIXED_ROOM + sid.raw_len + 4;
	return ERR_FIXED_ROOM;
}

/* A copy of a, cut to DIAM_FAILED_QUOTE_MAX octets of data. */
void diam_put_failed_quote(struct diam_wr *w, const struct diam_avp *a)
{
	const struct diam_dict_avp *d = diam_dict_avp(a->code, a->vendor);
	size_t n = a->len;

	if (n <= DIAM_FAILED_QUOTE_MAX) {
		diam_put_raw_avp(w, a);
		return;
	}
	n = DIAM_FAILED_QUOTE_MAX;
	if (d && d->type == DT_GROUPED) { /* whole children only */
		size_t off = 0;

		while (off + 8 <= n) {
			size_t cl = (size_t)a->data[off + 5] << 16 | (size_t)a->data[off + 6] << 8 |
				    a->data[off + 7];
			size_t next = off + ((cl + 3) & ~(size_t)3);

			if (cl < 8 || next > n)
				break;
			off = next;
		}
		n = off;
	}
	diam_put_avp_flags(w, a->code, a->flags, a->vendor, a->data, n);
}

ssize_t diam_build_error_answer(uint8_t *buf, size_t cap, const uint8_t *req, size_t req_len,
				const struct diam_local *l, const struct diam_verdict *v)
{
	struct diam_wr w;
	struct diam_avp sid;
	uint32_t code, app;
	uint8_t flags;

	if (req_len < DIAM_HDR_LEN)
		return DIAM_ESHORT;
	code = rd32(req + 4) & 0xffffff;
	app = rd32(req + 8);
	flags = (req[4] & DIAM_FLAG_P) | (v->e_bit ? DIAM_FLAG_E : 0);
	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, flags, code, app, rd32(req + 12), rd32(req + 16));
	/* Session-Id only when the request's framing is intact (§7.2). */
	if (echo_sid(req, req_len, v->close, &sid))
		diam_put_raw_avp(&w, &sid);
	if (!v->e_bit && (app == DIAM_APP_CX || app == DIAM_APP_S6A)) {
		diam_put_vendor_app(&w, DIAM_VENDOR_3GPP, app);
		diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	}
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, l->origin_host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, l->origin_realm);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, v->result_code);
	if (v->why[0])
		diam_put_str(&w, AVP_ERROR_MESSAGE, 0, v->why);
	if (v->has_failed) {
		diam_group_begin(&w, AVP_FAILED_AVP, 0);
		diam_put_failed_quote(&w, &v->failed);
		diam_group_end(&w);
	}
	return diam_wr_finish(&w);
}

static int match_app(const struct diam_local *l, uint32_t vendor, uint32_t app, uint32_t *mask,
		     bool *relay)
{
	int n = 0;

	if (app == DIAM_APP_RELAY) {
		*relay = true;
		return 0;
	}
	for (size_t i = 0; i < l->napps && i < 32; i++) {
		/* A bare Auth-Application-Id matches by id: Kamailio accepts
		 * "Auth-Application-Id + Supported-Vendor-Id" too. */
		if (l->apps[i].app_id == app && (vendor == 0 || l->apps[i].vendor == vendor)) {
			if (!(*mask & (1u << i)))
				n++;
			*mask |= 1u << i;
		}
	}
	return n;
}

int diam_common_apps(const struct diam_msg *ce, const struct diam_local *l, uint32_t *mask,
		     bool *relay)
{
	struct diam_iter it, git;
	struct diam_avp a, g;
	uint32_t v, vendor, app;
	int n = 0;

	*mask = 0;
	*relay = false;
	diam_iter_msg(&it, ce);
	while (diam_iter_next(&it, &a) == 1) {
		if (a.vendor != 0)
			continue;
		if (a.code == AVP_AUTH_APPLICATION_ID && diam_avp_u32(&a, &v) == 0) {
			n += match_app(l, 0, v, mask, relay);
		} else if (a.code == AVP_VENDOR_SPECIFIC_APPLICATION_ID) {
			vendor = 0;
			app = 0;
			diam_iter_group(&git, &a);
			while (diam_iter_next(&git, &g) == 1) {
				if (g.code == AVP_VENDOR_ID && g.vendor == 0)
					diam_avp_u32(&g, &vendor);
				else if (g.code == AVP_AUTH_APPLICATION_ID && g.vendor == 0)
					diam_avp_u32(&g, &app);
			}
			if (app)
				n += match_app(l, vendor, app, mask, relay);
		}
	}
	return n + (*relay ? 1 : 0);
}
