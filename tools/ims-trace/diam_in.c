#include "diam_in.h"

#include "diameter/diam.h"

#include <stdio.h>
#include <string.h>

static void copy_octets(const struct diam_avp *a, uint8_t *dst, size_t want, bool *has)
{
	if (a->len == want) {
		memcpy(dst, a->data, want);
		*has = true;
	}
}

static void get_str(const struct diam_avp *a, char *dst, size_t sz)
{
	if (diam_avp_str(a, dst, sz) < 0)
		snprintf(dst, sz, "(unprintable)");
}

/* SIP-Auth-Data-Item (TS 29.229 §6.3.13). In a request the
 * SIP-Authorization is RAND ‖ AUTS (resync); in an answer it is XRES. */
static int parse_sip_item(struct diam_info *d, const struct diam_avp *g)
{
	struct diam_iter it;
	struct diam_avp a;
	struct diam_vec v;
	int rc;

	memset(&v, 0, sizeof(v));
	diam_iter_group(&it, g);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		if (a.vendor != DIAM_VENDOR_3GPP)
			continue;
		switch (a.code) {
		case AVP_CX_SIP_AUTHENTICATION_SCHEME:
			get_str(&a, d->request ? d->scheme : v.scheme,
				d->request ? sizeof(d->scheme) : sizeof(v.scheme));
			break;
		case AVP_CX_SIP_AUTHENTICATE:
			if (a.len >= 32) {
				memcpy(v.rand, a.data, 16);
				memcpy(v.autn, a.data + 16, 16);
				v.has_rand = v.has_autn = true;
			}
			break;
		case AVP_CX_SIP_AUTHORIZATION:
			if (d->request) {
				if (a.len == 30) {
					memcpy(d->resync, a.data, 30);
					d->has_resync = true;
				}
			} else if (a.len >= 4 && a.len <= AKA_RES_MAX) { /* TUAK: 32 */
				memcpy(v.xres, a.data, a.len);
				v.xres_len = a.len;
				v.has_xres = true;
			}
			break;
		case AVP_CX_CONFIDENTIALITY_KEY: copy_octets(&a, v.ck, 16, &v.has_ck); break;
		case AVP_CX_INTEGRITY_KEY: copy_octets(&a, v.ik, 16, &v.has_ik); break;
		}
	}
	if (!d->request && d->nvec < DIAM_IN_VEC_MAX)
		d->vec[d->nvec++] = v;
	return rc;
}

/* E-UTRAN-Vector / UTRAN-Vector (TS 29.272 §7.3.18-19). */
static int parse_s6a_vector(struct diam_info *d, const struct diam_avp *g)
{
	struct diam_iter it;
	struct diam_avp a;
	struct diam_vec v;
	int rc;

	memset(&v, 0, sizeof(v));
	snprintf(v.scheme, sizeof(v.scheme), "%s", g->code == AVP_S6A_EUTRAN_VECTOR ?
		 "E-UTRAN-Vector" : "UTRAN-Vector");
	diam_iter_group(&it, g);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		if (a.vendor != DIAM_VENDOR_3GPP)
			continue;
		switch (a.code) {
		case AVP_S6A_RAND: copy_octets(&a, v.rand, 16, &v.has_rand); break;
		case AVP_S6A_AUTN: copy_octets(&a, v.autn, 16, &v.has_autn); break;
		case AVP_S6A_KASME: copy_octets(&a, v.kasme, 32, &v.has_kasme); break;
		case AVP_CX_CONFIDENTIALITY_KEY: copy_octets(&a, v.ck, 16, &v.has_ck); break;
		case AVP_CX_INTEGRITY_KEY: copy_octets(&a, v.ik, 16, &v.has_ik); break;
		case AVP_S6A_XRES:
			if (a.len >= 4 && a.len <= AKA_RES_MAX) {
				memcpy(v.xres, a.data, a.len);
				v.xres_len = a.len;
				v.has_xres = true;
			}
			break;
		}
	}
	if (d->nvec < DIAM_IN_VEC_MAX)
		d->vec[d->nvec++] = v;
	return rc;
}

#define AVP_S6A_UTRAN_VECTOR 1415u

static int parse_s6a_group(struct diam_info *d, const struct diam_avp *g)
{
	struct diam_iter it;
	struct diam_avp a;
	int rc;

	diam_iter_group(&it, g);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		if (a.vendor != DIAM_VENDOR_3GPP)
			continue;
		if (a.code == AVP_S6A_EUTRAN_VECTOR || a.code == AVP_S6A_UTRAN_VECTOR)
			rc = parse_s6a_vector(d, &a);
		else if (a.code == AVP_S6A_RE_SYNCHRONIZATION_INFO && a.len == 30) {
			memcpy(d->resync, a.data, 30);
			d->has_resync = true;
		} else if (a.code == AVP_S6A_NUMBER_OF_REQUESTED_VECTORS)
			diam_avp_u32(&a, &d->num_items);
		if (rc < 0)
			return rc;
	}
	return rc;
}

static int parse_base_avp(struct diam_info *d, const struct diam_avp *a)
{
	switch (a->code) {
	case AVP_SESSION_ID: get_str(a, d->session_id, sizeof(d->session_id)); break;
	case AVP_USER_NAME: get_str(a, d->user_name, sizeof(d->user_name)); break;
	case AVP_ORIGIN_HOST: get_str(a, d->origin_host, sizeof(d->origin_host)); break;
	case AVP_RESULT_CODE:
		d->has_result = diam_avp_u32(a, &d->result_code) == 0;
		break;
	case AVP_EXPERIMENTAL_RESULT: {
		struct diam_avp c;
		if (diam_group_find(a, AVP_EXPERIMENTAL_RESULT_CODE, 0, &c) == 0)
			d->has_exp_result = diam_avp_u32(&c, &d->exp_result) == 0;
		break;
	}
	}
	return 0;
}

static int parse_3gpp_avp(struct diam_info *d, const struct diam_avp *a)
{
	switch (a->code) {
	case AVP_CX_PUBLIC_IDENTITY:
		if (!d->public_identity[0])
			get_str(a, d->public_identity, sizeof(d->public_identity));
		return 0;
	case AVP_CX_SIP_NUMBER_AUTH_ITEMS: diam_avp_u32(a, &d->num_items); return 0;
	case AVP_CX_SIP_AUTH_DATA_ITEM: return parse_sip_item(d, a);
	case AVP_S6A_VISITED_PLMN_ID:
		if (a->len == 3) {
			memcpy(d->visited_plmn, a->data, 3);
			d->has_plmn = true;
		}
		return 0;
	case AVP_S6A_REQ_EUTRAN_AUTH_INFO:
	case AVP_S6A_AUTHENTICATION_INFO: return parse_s6a_group(d, a);
	}
	return 0;
}

int diam_info_parse(const uint8_t *buf, size_t len, struct diam_info *d)
{
	struct diam_msg msg;
	struct diam_iter it;
	struct diam_avp a;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = diam_msg_parse(buf, len, &msg);
	if (rc < 0)
		return rc;
	d->code = msg.hdr.code;
	d->app = msg.hdr.app_id;
	d->hbh = msg.hdr.hbh;
	d->e2e = msg.hdr.e2e;
	d->flags = msg.hdr.flags;
	d->request = msg.hdr.flags & DIAM_FLAG_R;
	d->raw_len = len;
	diam_iter_msg(&it, &msg);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		rc = a.vendor == 0 ? parse_base_avp(d, &a)
		   : a.vendor == DIAM_VENDOR_3GPP ? parse_3gpp_avp(d, &a) : 0;
		if (rc < 0)
			break;
	}
	d->malformed = rc < 0;
	return 0;
}

static const struct { uint32_t code; const char *n; } cmd_names[] = {
	{ DIAM_CMD_CE, "CE" }, { DIAM_CMD_DW, "DW" }, { DIAM_CMD_DP, "DP" },
	{ DIAM_CMD_UA, "UA" }, { DIAM_CMD_SA, "SA" }, { DIAM_CMD_LI, "LI" },
	{ DIAM_CMD_MA, "MA" }, { DIAM_CMD_RT, "RT" }, { DIAM_CMD_PP, "PP" },
	{ DIAM_CMD_UL, "UL" }, { DIAM_CMD_CL, "CL" }, { DIAM_CMD_AI, "AI" },
	{ DIAM_CMD_ID, "ID" }, { DIAM_CMD_DS, "DS" }, { DIAM_CMD_PU, "PU" },
	{ DIAM_CMD_NO, "NO" },
};

const char *diam_info_name(const struct diam_info *d, char *buf, size_t sz)
{
	for (size_t i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (cmd_names[i].code == d->code) {
			snprintf(buf, sz, "%s%c", cmd_names[i].n, d->request ? 'R' : 'A');
			return buf;
		}
	snprintf(buf, sz, "cmd %u %s", d->code, d->request ? "request" : "answer");
	return buf;
}

uint32_t diam_info_result(const struct diam_info *d)
{
	if (d->has_exp_result)
		return d->exp_result;
	return d->has_result ? d->result_code : 0;
}

void diam_plmn_text(const uint8_t p[3], char *buf, size_t sz)
{
	static const char dig[] = "0123456789abcdef";
	char mnc[4] = { dig[p[2] & 0x0f], dig[p[2] >> 4], dig[p[1] >> 4], 0 };

	if ((p[1] >> 4) == 0x0f) /* a two-digit MNC has filler 1111 in MNC digit 3 */
		mnc[2] = '\0';
	snprintf(buf, sz, "MCC %c%c%c MNC %s", dig[p[0] & 0x0f], dig[p[0] >> 4], dig[p[1] & 0x0f],
		 mnc);
}

bool diam_looks_like(const uint8_t *buf, size_t len)
{
	if (len < DIAM_HDR_LEN || buf[0] != 1)
		return false;
	uint32_t mlen = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	/* reserved command flag bits (RFC 6733 §3) must be 0; lengths 4-aligned */
	return mlen >= DIAM_HDR_LEN && mlen <= DIAM_MSG_MAX && mlen % 4 == 0 &&
	       (buf[4] & 0x0f) == 0;
}
