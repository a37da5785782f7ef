/* Cx message builders and parsers (see cx_msg.h). Builders follow the
 * command ABNF of TS 29.229 §6.1 line by line (the base messages CER,
 * DWR/DWA, DPR/DPA are common/diameter/base.c's); the writer's
 * sticky error is checked once by diam_wr_finish (STYLE.md §5). */
#include "cx_msg.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diameter/codes.h"
#include "util/hex.h"

#define V3GPP DIAM_VENDOR_3GPP

static void put_origin(struct diam_wr *w, const struct cx_ident *id)
{
	diam_put_str(w, AVP_ORIGIN_HOST, 0, id->origin_host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, id->origin_realm);
}

/* TS 29.229 §6.1.10 RTA. */
ssize_t cx_build_rta(uint8_t *buf, size_t cap, const struct cx_ident *id,
		     const struct diam_msg *req, uint32_t result)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_answer_begin(&w, req);
	diam_put_vendor_app(&w, V3GPP, DIAM_APP_CX);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, result);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1 /* NO_STATE_MAINTAINED */);
	put_origin(&w, id);
	return diam_wr_finish(&w);
}

/* Common head of a Cx request (TS 29.229 §6.1). */
static void put_cx_head(struct diam_wr *w, const struct cx_ident *id, const char *session,
			uint32_t cmd, uint32_t hbh, uint32_t e2e)
{
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, DIAM_APP_CX, hbh, e2e);
	diam_put_str(w, AVP_SESSION_ID, 0, session);
	diam_put_vendor_app(w, V3GPP, DIAM_APP_CX);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1 /* NO_STATE_MAINTAINED */);
	put_origin(w, id);
	if (id->dest_host && *id->dest_host)
		diam_put_str(w, AVP_DESTINATION_HOST, 0, id->dest_host);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, id->dest_realm);
}

ssize_t cx_build_mar(uint8_t *buf, size_t cap, const struct cx_ident *id, const char *session,
		     uint32_t hbh, uint32_t e2e, const char *impi, const char *impu,
		     const char *scheme, const uint8_t *sip_authorization, size_t auth_len)
{
	return cx_build_mar_n(buf, cap, id, session, hbh, e2e, impi, impu, scheme,
			      sip_authorization, auth_len, 1);
}

ssize_t cx_build_mar_n(uint8_t *buf, size_t cap, const struct cx_ident *id,
		       const char *session, uint32_t hbh, uint32_t e2e, const char *impi,
		       const char *impu, const char *scheme, const uint8_t *sip_authorization,
		       size_t auth_len, uint32_t n_items)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	put_cx_head(&w, id, session, DIAM_CMD_MA, hbh, e2e);
	diam_put_str(&w, AVP_USER_NAME, 0, impi);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3GPP, impu);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3GPP, n_items ? n_items : 1);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3GPP);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3GPP, scheme);
	if (sip_authorization) /* resync: RAND ‖ AUTS (TS 29.228 §6.3.1) */
		diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, V3GPP, sip_authorization,
				auth_len);
	diam_group_end(&w);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3GPP, id->server_name);
	return diam_wr_finish(&w);
}

ssize_t cx_build_sar(uint8_t *buf, size_t cap, const struct cx_ident *id, const char *session,
		     uint32_t hbh, uint32_t e2e, const char *impi, const char *impu,
		     uint32_t sat, uint32_t udaa)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	put_cx_head(&w, id, session, DIAM_CMD_SA, hbh, e2e);
	diam_put_str(&w, AVP_USER_NAME, 0, impi);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3GPP, impu);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3GPP, id->server_name);
	diam_put_u32(&w, AVP_CX_SERVER_ASSIGNMENT_TYPE, V3GPP, sat);
	diam_put_u32(&w, AVP_CX_USER_DATA_ALREADY_AVAILABLE, V3GPP, udaa);
	return diam_wr_finish(&w);
}

int cx_get_result(const struct diam_msg *m, struct cx_result *r)
{
	*r = (struct cx_result){ 0 };
	if (diam_msg_result(m, &r->code, &r->experimental)) {
		*r = (struct cx_result){ 0 };
		return DIAM_ENOENT;
	}
	return 0;
}

bool cx_result_ok(const struct cx_result *r)
{
	return r->code >= 2000 && r->code < 3000;
}

/* Names the first AVP of an item that is present but unusable. */
static void defect(struct cx_maa *out, const char *fmt, const char *what, size_t len)
{
	if (!out->defect[0])
		snprintf(out->defect, sizeof(out->defect), fmt, what, len);
}

/* Digest-HA1 (RFC 4590 §5.4, sent as hex text) inside SIP-Digest-Authenticate. */
static void parse_digest_auth(const struct diam_avp *item, struct cx_maa *out)
{
	struct diam_avp sda, ha1;
	char tmp[65];

	if (diam_group_find(item, AVP_CX_SIP_DIGEST_AUTHENTICATE, DIAM_VENDOR_3GPP, &sda))
		return;
	if (!diam_group_find(&sda, AVP_DIGEST_REALM, 0, &ha1))
		diam_avp_str(&ha1, out->digest_realm, sizeof(out->digest_realm));
	if (diam_group_find(&sda, AVP_DIGEST_HA1, 0, &ha1))
		return;
	if (ha1.len == 32 && !diam_avp_str(&ha1, tmp, sizeof(tmp))) {
		for (int i = 0; i < 32; i++)
			tmp[i] = (char)((tmp[i] >= 'A' && tmp[i] <= 'F') ? tmp[i] + 32 : tmp[i]);
		if (strspn(tmp, "0123456789abcdef") == 32) {
			memcpy(out->ha1, tmp, 33);
			out->have_ha1 = true;
		}
	} else if (ha1.len == 16) { /* some HSSes send the 16 raw octets */
		hex_encode(ha1.data, 16, out->ha1);
		out->have_ha1 = true;
	}
	if (!out->have_ha1)
		defect(out, "%s of %zu octets is not 32 hex digits", "Digest-HA1", ha1.len);
}

/* Copies an octet AVP of min..cap octets; anything else is a defect. */
static bool copy_octets(const struct diam_avp *a, uint8_t *dst, size_t min, size_t cap,
			size_t *len, const char *name, struct cx_maa *out)
{
	*len = a->len >= min && a->len <= cap ? a->len : 0;
	if (*len)
		memcpy(dst, a->data, *len);
	else
		defect(out, "%s of %zu octets", name, a->len);
	return *len != 0;
}

static void parse_auth_item(const struct diam_avp *item, struct cx_maa *out)
{
	struct diam_avp a;
	size_t n;

	if (!diam_group_find(item, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP, &a))
		diam_avp_str(&a, out->scheme, sizeof(out->scheme));
	/* RAND ‖ AUTN [‖ server data] (TS 29.229 §6.3.9); XRES 4..16 octets, 32 for a
	 * TUAK subscriber with a 256-bit RES (TS 35.231 §5.1). */
	if (!diam_group_find(item, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, &a))
		copy_octets(&a, out->authenticate, 32, sizeof(out->authenticate),
			    &out->authenticate_len, "SIP-Authenticate", out);
	if (!diam_group_find(item, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, &a))
		copy_octets(&a, out->authorization, 4, sizeof(out->authorization),
			    &out->authorization_len, "SIP-Authorization", out);
	if (!diam_group_find(item, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, &a))
		out->have_ck = copy_octets(&a, out->ck, 16, 16, &n, "Confidentiality-Key", out);
	if (!diam_group_find(item, AVP_CX_INTEGRITY_KEY, DIAM_VENDOR_3GPP, &a))
		out->have_ik = copy_octets(&a, out->ik, 16, 16, &n, "Integrity-Key", out);
	parse_digest_auth(item, out);
}

int cx_parse_maa(const struct diam_msg *m, struct cx_maa *out)
{
	struct diam_iter it;
	struct diam_avp a, best = { 0 }, num;
	uint32_t best_no = UINT32_MAX, no;
	bool found = false;
	int rc;

	memset(out, 0, sizeof(*out));
	cx_get_result(m, &out->res);
	diam_iter_msg(&it, m);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		if (a.code != AVP_CX_SIP_AUTH_DATA_ITEM || a.vendor != DIAM_VENDOR_3GPP)
			continue;
		no = UINT32_MAX - 1;
		if (!diam_group_find(&a, AVP_CX_SIP_ITEM_NUMBER, DIAM_VENDOR_3GPP, &num))
			diam_avp_u32(&num, &no);
		if (!found || no < best_no) {
			best = a;
			best_no = no;
			found = true;
		}
	}
	if (rc < 0)
		return rc;
	if (found)
		parse_auth_item(&best, out);
	return 0;
}

struct item_ref {
	struct diam_avp avp;
	uint32_t no;
	size_t pos;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item_ref *x = a, *y = b;

	if (x->no != y->no)
		return x->no < y->no ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

#define CX_MAA_MAX_ITEMS 32

int cx_parse_maa_items(const struct diam_msg *m, struct cx_maa *out, size_t max)
{
	struct item_ref refs[CX_MAA_MAX_ITEMS];
	struct diam_iter it;
	struct diam_avp a, num;
	struct cx_result res;
	size_t n = 0;
	int rc;

	cx_get_result(m, &res);
	diam_iter_msg(&it, m);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		if (a.code != AVP_CX_SIP_AUTH_DATA_ITEM || a.vendor != DIAM_VENDOR_3GPP ||
		    n == CX_MAA_MAX_ITEMS)
			continue;
		refs[n] = (struct item_ref){ .avp = a, .no = UINT32_MAX, .pos = n };
		if (!diam_group_find(&a, AVP_CX_SIP_ITEM_NUMBER, DIAM_VENDOR_3GPP, &num))
			diam_avp_u32(&num, &refs[n].no);
		n++;
	}
	if (rc < 0)
		return rc;
	qsort(refs, n, sizeof(refs[0]), item_cmp);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].res = res;
		parse_auth_item(&refs[i].avp, &out[i]);
	}
	return (int)n;
}

int cx_user_data_identities(const char *xml, size_t len, char *out, size_t outsz)
{
	static const char open_tag[] = "<Identity>", close_tag[] = "</Identity>";
	const char *p = xml, *end = xml + len;
	size_t used = 0;
	int count = 0;

	if (outsz)
		out[0] = '\0';
	while ((p = memmem(p, (size_t)(end - p), open_tag, sizeof(open_tag) - 1))) {
		const char *v = p + sizeof(open_tag) - 1, *e;
		e = memmem(v, (size_t)(end - v), close_tag, sizeof(close_tag) - 1);
		if (!e)
			break;
		while (v < e && (*v == ' ' || *v == '\n' || *v == '\r' || *v == '\t'))
			v++;
		size_t l = (size_t)(e - v);
		while (l && (v[l - 1] == ' ' || v[l - 1] == '\n' || v[l - 1] == '\r'))
			l--;
		int n = snprintf(out + used, outsz - used, "%s<%.*s>", count ? ", " : "", (int)l, v);
		if (n < 0 || (size_t)n >= outsz - used) {
			out[used] = '\0';
			break;
		}
		used += (size_t)n;
		count++;
		p = e + sizeof(close_tag) - 1;
	}
	return count;
}

int cx_parse_saa(const struct diam_msg *m, struct cx_saa *out)
{
	struct diam_avp ud;

	memset(out, 0, sizeof(*out));
	cx_get_result(m, &out->res);
	if (!diam_msg_find(m, AVP_CX_USER_DATA, DIAM_VENDOR_3GPP, &ud)) {
		out->have_user_data = true;
		cx_user_data_identities((const char *)ud.data, ud.len, out->assoc,
					sizeof(out->assoc));
	}
	return 0;
}

int cx_parse_rtr(const struct diam_msg *m, struct cx_rtr *out)
{
	struct diam_iter it;
	struct diam_avp a, c;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = diam_msg_str(m, AVP_USER_NAME, 0, out->impi, sizeof(out->impi));
	if (rc)
		return rc;
	diam_iter_msg(&it, m);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		if (a.code == AVP_CX_PUBLIC_IDENTITY && a.vendor == DIAM_VENDOR_3GPP &&
		    out->n_impu < CX_RTR_MAX_IMPU &&
		    !diam_avp_str(&a, out->impu[out->n_impu], sizeof(out->impu[0])))
			out->n_impu++;
		if (a.code == AVP_CX_DEREGISTRATION_REASON && a.vendor == DIAM_VENDOR_3GPP &&
		    !diam_group_find(&a, AVP_CX_REASON_CODE, DIAM_VENDOR_3GPP, &c))
			diam_avp_u32(&c, &out->reason);
	}
	return rc < 0 ? rc : 0;
}
