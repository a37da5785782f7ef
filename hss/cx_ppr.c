/* HSS-initiated profile update: Push-Profile PPR/PPA (TS 29.228 §6.1.7,
 * TS 29.229 §6.1.13-6.1.14), a kind of the outbound queue (out_queue.h).
 *
 * When hss-ctl changes what a registered user's S-CSCF holds — the iFC,
 * the IMPUs of an implicit set, their barring, or the charging
 * information — it queues a PPR (cx_ppr_queue) naming what changed. When
 * the PPR leaves, it carries the profile as it is then: User-Data with one
 * ServiceProfile per implicit set assigned to that S-CSCF (the same XML as
 * an SAA's), and/or Charging-Information. The S-CSCF answers PPA 2001, or
 * Experimental-Result DIAMETER_ERROR_USER_UNKNOWN (5001) when it does not
 * hold the user (§6.1.7.1); the HSS changes nothing on either, the queue
 * logs the result and closes the row.
 *
 * PPR ::= < Session-Id > { Vendor-Specific-Application-Id }
 *   { Auth-Session-State } { Origin-Host } { Origin-Realm }
 *   { Destination-Host } { Destination-Realm } { User-Name }
 *   [ User-Data ] [ Charging-Information ] … */
#include "cx.h"

#include <stdio.h>
#include <string.h>

#include "out_queue.h"
#include "user_data.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP
#define PPR_USER_DATA_MAX 16384

bool cx_put_charging(struct diam_wr *w, const struct db_charging *c)
{
	static const uint32_t ecf[2] = {AVP_CX_PRIMARY_ECF_NAME, AVP_CX_SECONDARY_ECF_NAME};
	static const uint32_t ccf[2] = {AVP_CX_PRIMARY_CCF_NAME, AVP_CX_SECONDARY_CCF_NAME};

	if (db_charging_empty(c))
		return false;
	/* TS 29.229 §6.3.19: Charging-Information ::= [Primary-ECF-Name]
	 * [Secondary-ECF-Name] [Primary-CCF-Name] [Secondary-CCF-Name] */
	diam_group_begin(w, AVP_CX_CHARGING_INFORMATION, V3);
	for (int i = 0; i < 2; i++)
		if (c->ecf[i][0])
			diam_put_str(w, ecf[i], V3, c->ecf[i]);
	for (int i = 0; i < 2; i++)
		if (c->ccf[i][0])
			diam_put_str(w, ccf[i], V3, c->ccf[i]);
	diam_group_end(w);
	return true;
}

int cx_ppr_queue(struct db *db, const struct db_sub *s, int parts, int64_t *id)
{
	struct db_out r = { .kind = "PPR", .code = parts };
	struct db_impu u;
	int ret = db_impu_foreach(db, s->id, cx_first_assigned, &u);

	*id = 0;
	if (ret != 1)
		return ret; /* 0: no S-CSCF holds the profile, nothing to push */
	snprintf(r.user, sizeof(r.user), "%s", s->impi);
	ret = db_out_add(db, &r);
	if (!ret)
		*id = r.id;
	return ret;
}

/* The S-CSCF holding the user's profile now; its implicit sets go in
 * User-Data, the subscriber's charging names in Charging-Information. */
static ssize_t ppr_build(struct hss_ctx *ctx, struct db_out *r, uint32_t hbh, uint32_t e2e,
			 uint8_t *buf, size_t cap)
{
	static char xml[PPR_USER_DATA_MAX];
	int parts = r->code ? r->code : CX_PPR_USER_DATA | CX_PPR_CHARGING;
	struct db_charging ch = {0};
	size_t xml_len = 0;
	struct diam_wr w;
	struct db_sub s;
	struct db_impu u;
	int ret;

	if (db_sub_by_impi(ctx->db, r->user, &s))
		return -ENOENT;
	if (db_impu_foreach(ctx->db, s.id, cx_first_assigned, &u) != 1)
		return -ENOLINK;
	snprintf(r->host, sizeof(r->host), "%s", u.scscf_host);
	snprintf(r->realm, sizeof(r->realm), "%s", u.scscf_realm);
	if ((parts & CX_PPR_USER_DATA) &&
	    (ret = user_data_build_for_host(ctx->db, &s, r->host, xml, sizeof(xml), &xml_len)))
		return ret;
	if ((parts & CX_PPR_CHARGING) && db_charging_get(ctx->db, s.id, &ch))
		return -EIO;
	if (!(parts & CX_PPR_USER_DATA) && db_charging_empty(&ch))
		return -ENODATA; /* charging names removed: nothing a PPR can carry */
	diam_wr_init(&w, buf, cap);
	hss_out_head(ctx, &w, DIAM_CMD_PP, DIAM_APP_CX, r->host, r->realm, s.impi, hbh, e2e);
	if (parts & CX_PPR_USER_DATA)
		diam_put_octets(&w, AVP_CX_USER_DATA, V3, xml, xml_len);
	cx_put_charging(&w, &ch);
	return diam_wr_finish(&w);
}

const struct hss_out_kind cx_out_ppr = {
	.name = "PPR", .app_id = DIAM_APP_CX, .cmd = DIAM_CMD_PP, .build = ppr_build,
};
