/* Request types of diam-load: one builder (and optional answer dump) per
 * command. To add one (e.g. S6a AIR), write its two functions and add a
 * row to req_types[]. */
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
	diam_put_u32(w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, c->items);
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

static const struct req_type req_types[] = {
	{ "mar", DIAM_APP_CX, V3, mar_build, mar_dump },
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
	return "mar";
}
