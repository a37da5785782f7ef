/* Request types of diam-load: one builder, one vector count and an
 * optional answer dump per command. To add one, write its functions and
 * add a row to req_types[]. */
#include "load.h"

#include <stdio.h>
#include <string.h>

#include "util/hex.h"

#define V3 DIAM_VENDOR_3GPP

void load_imsi(const struct load_cfg *c, unsigned u, char *out, size_t outsz)
{
	snprintf(out, outsz, "%0*llu", (int)c->imsi_digits, c->imsi_base + u);
}

/* ---- Cx MAR (TS 29.229 §6.1.8): what an S-CSCF sends for a REGISTER -- */
static void mar_build(struct diam_wr *w, const struct load_cfg *c, unsigned user, const char *sid,
		      uint32_t hbh, uint32_t e2e)
{
	char imsi[24], impi[128], impu[140];

	load_imsi(c, user, imsi, sizeof(imsi));
	snprintf(impi, sizeof(impi), "%s@%s", imsi, c->domain);
	snprintf(impu, sizeof(impu), "sip:%s@%s", imsi, c->domain);
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, hbh, e2e);
	diam_put_str(w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(w, V3, DIAM_APP_CX);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1); /* NO_STATE_MAINTAINED */
	diam_put_str(w, AVP_ORIGIN_HOST, 0, c->origin_host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, c->origin_realm);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, c->dest_realm);
	diam_put_str(w, AVP_USER_NAME, 0, impi);
	diam_put_str(w, AVP_CX_PUBLIC_IDENTITY, V3, impu);
	diam_group_begin(w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_str(w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, c->scheme);
	diam_group_end(w);
	diam_put_u32(w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, c->vectors);
	diam_put_str(w, AVP_CX_SERVER_NAME, V3, "sip:scscf.bench:6060");
}

/* One line per vector: "IMPI RAND AUTN" in hex (for the durability test,
 * which recovers each SQN from AUTN with common/aka). The IMPI is the one
 * we asked for, and the answer must echo it (TS 29.229 §6.1.8). */
static int mar_dump(FILE *fp, const struct load_cfg *c, unsigned user, const struct diam_msg *ans)
{
	struct diam_iter it;
	struct diam_avp item, a;
	char imsi[24], hex[2 * 32 + 1], want[128], got[128];

	load_imsi(c, user, imsi, sizeof(imsi));
	snprintf(want, sizeof(want), "%s@%s", imsi, c->domain);
	if (diam_msg_str(ans, AVP_USER_NAME, 0, got, sizeof(got)) != 0 || strcmp(got, want))
		return -1;
	diam_iter_msg(&it, ans);
	while (diam_iter_next(&it, &item) == 1) {
		if (item.code != AVP_CX_SIP_AUTH_DATA_ITEM || item.vendor != V3)
			continue;
		if (diam_group_find(&item, AVP_CX_SIP_AUTHENTICATE, V3, &a) != 0 || a.len != 32)
			continue;
		hex_encode(a.data, 16, hex);
		fprintf(fp, "%s@%s %s ", imsi, c->domain, hex);
		hex_encode(a.data + 16, 16, hex);
		fprintf(fp, "%s\n", hex);
	}
	return 0;
}

/* SIP-Auth-Data-Items in an MAA (hssd sends one per vector, §6.3.13). */
static int mar_count(const struct diam_msg *ans)
{
	struct diam_iter it;
	struct diam_avp a;
	int n = 0;

	diam_iter_msg(&it, ans);
	while (diam_iter_next(&it, &a) == 1)
		n += a.code == AVP_CX_SIP_AUTH_DATA_ITEM && a.vendor == V3;
	return n;
}

/* ---- S6a AIR (TS 29.272 §7.2.5): what an MME sends at attach ---------- */
static void air_build(struct diam_wr *w, const struct load_cfg *c, unsigned user, const char *sid,
		      uint32_t hbh, uint32_t e2e)
{
	char imsi[24];

	load_imsi(c, user, imsi, sizeof(imsi));
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_AI, DIAM_APP_S6A, hbh, e2e);
	diam_put_str(w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(w, V3, DIAM_APP_S6A);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1); /* NO_STATE_MAINTAINED */
	diam_put_str(w, AVP_ORIGIN_HOST, 0, c->origin_host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, c->origin_realm);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, c->dest_realm);
	diam_put_str(w, AVP_USER_NAME, 0, imsi);
	diam_group_begin(w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
	diam_put_u32(w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, c->vectors);
	/* §7.3.16: its presence is the hint, the value is irrelevant. */
	diam_put_u32(w, AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, V3, 0);
	diam_group_end(w);
	diam_put_octets(w, AVP_S6A_VISITED_PLMN_ID, V3, c->plmn, 3);
}

/* E-UTRAN-Vectors in the AIA's Authentication-Info (§7.3.18), each with
 * a 16-octet RAND and AUTN and a 32-octet KASME; -1 if one lacks them. */
static int air_count(const struct diam_msg *ans)
{
	struct diam_avp info, v, a;
	struct diam_iter it;
	int n = 0;

	if (diam_msg_find(ans, AVP_S6A_AUTHENTICATION_INFO, V3, &info))
		return 0;
	diam_iter_group(&it, &info);
	while (diam_iter_next(&it, &v) == 1) {
		if (v.code != AVP_S6A_EUTRAN_VECTOR || v.vendor != V3)
			continue;
		if (diam_group_find(&v, AVP_S6A_RAND, V3, &a) || a.len != 16 ||
		    diam_group_find(&v, AVP_S6A_AUTN, V3, &a) || a.len != 16 ||
		    diam_group_find(&v, AVP_S6A_KASME, V3, &a) || a.len != 32)
			return -1;
		n++;
	}
	return n;
}

/* One line per vector: "IMSI RAND AUTN" in hex. An AIA carries no
 * User-Name: the IMSI is the one the request (matched by hop-by-hop id)
 * asked for. */
static int air_dump(FILE *fp, const struct load_cfg *c, unsigned user, const struct diam_msg *ans)
{
	struct diam_avp info, v, r, a;
	struct diam_iter it;
	char imsi[24], hr[33], ha[33];

	load_imsi(c, user, imsi, sizeof(imsi));
	if (diam_msg_find(ans, AVP_S6A_AUTHENTICATION_INFO, V3, &info))
		return -1;
	diam_iter_group(&it, &info);
	while (diam_iter_next(&it, &v) == 1) {
		if (v.code != AVP_S6A_EUTRAN_VECTOR || v.vendor != V3 ||
		    diam_group_find(&v, AVP_S6A_RAND, V3, &r) || r.len != 16 ||
		    diam_group_find(&v, AVP_S6A_AUTN, V3, &a) || a.len != 16)
			continue;
		hex_encode(r.data, 16, hr);
		hex_encode(a.data, 16, ha);
		fprintf(fp, "%s %s %s\n", imsi, hr, ha);
	}
	return 0;
}

static const struct req_type req_types[] = {
	{ "mar", DIAM_APP_CX, V3, mar_build, mar_count, mar_dump },
	{ "air", DIAM_APP_S6A, V3, air_build, air_count, air_dump },
};

const struct req_type *req_type_find(const char *name)
{
	for (size_t i = 0; i < sizeof(req_types) / sizeof(req_types[0]); i++)
		if (!strcmp(req_types[i].name, name))
			return &req_types[i];
	return NULL;
}

const char *req_type_names(void)
{
	return "mar, air";
}
