/* HSS-initiated S6a requests (TS 29.272): Cancel-Location (CLR/CLA,
 * §5.2.1.2, §7.2.7-7.2.8) and Insert-Subscriber-Data (IDR/IDA, §5.2.2.1,
 * §7.2.9-7.2.10), two kinds of the one outbound queue (out_queue.h, which
 * sends, retries, matches the answers and drops):
 *
 *  - a ULR from a new MME queues a CLR to the old one, sent at once inside
 *    the ULR's turn (s6a.c through hss_out_queue);
 *  - `hss-ctl apn assign|unassign|set-eps` queues an IDR for a subscriber
 *    whose MME is registered; it goes with the whole current
 *    Subscription-Data (All-APN-Configurations-Included) to the MME serving
 *    the user when it leaves;
 *  - CLA: the old MME has dropped the context; IDA: it has the new profile.
 *    Either way the row is closed; a failed IDA is logged by the queue (the
 *    MME gets the profile again at its next ULR). */
#include "s6a.h"

#include <stdio.h>
#include <string.h>

#include "out_queue.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP

/* CLR ::= ... {User-Name} {Cancellation-Type} [CLR-Flags]; CLR-Flags
 * S6a/S6d-Indicator set: the CLR goes to an MME (§7.3.152). */
static ssize_t clr_build(struct hss_ctx *ctx, struct db_out *r, uint32_t hbh, uint32_t e2e,
			 uint8_t *buf, size_t cap)
{
	struct diam_wr w;

	if (!r->host[0])
		return -ENOLINK;
	diam_wr_init(&w, buf, cap);
	hss_out_head(ctx, &w, DIAM_CMD_CL, DIAM_APP_S6A, r->host, r->realm, r->user, hbh, e2e);
	diam_put_u32(&w, AVP_S6A_CANCELLATION_TYPE, V3, (uint32_t)r->code);
	diam_put_u32(&w, S6A_AVP_CLR_FLAGS, V3, S6A_CLR_S6A_INDICATOR);
	return diam_wr_finish(&w);
}

/* IDR ::= ... {User-Name} {Subscription-Data} [IDR-Flags]: the whole
 * current profile replaces the MME's copy. */
static ssize_t idr_put(struct hss_ctx *ctx, const struct db_out *r, const struct db_sub *s,
		       const struct db_eps *e, uint32_t hbh, uint32_t e2e, uint8_t *buf,
		       size_t cap)
{
	struct diam_wr w;
	int ret;

	diam_wr_init(&w, buf, cap);
	hss_out_head(ctx, &w, DIAM_CMD_ID, DIAM_APP_S6A, r->host, r->realm, r->user, hbh, e2e);
	ret = s6a_put_subscription_data(&w, ctx->db, s, e);
	if (ret)
		return ret;
	diam_put_u32(&w, S6A_AVP_IDR_FLAGS, V3, 0);
	return diam_wr_finish(&w);
}

/* An IDR goes to the MME serving the user when it is sent. -ENOLINK when
 * none is (no ULR yet, or purged): nothing to update. */
static ssize_t idr_build(struct hss_ctx *ctx, struct db_out *r, uint32_t hbh, uint32_t e2e,
			 uint8_t *buf, size_t cap)
{
	struct db_sub s;
	struct db_eps e;

	if (db_sub_by_imsi(ctx->db, r->user, &s))
		return -ENOENT;
	if (db_eps_get(ctx->db, s.id, &e))
		return -EIO;
	if (!e.mme_host[0] || e.purged)
		return -ENOLINK;
	snprintf(r->host, sizeof(r->host), "%s", e.mme_host);
	snprintf(r->realm, sizeof(r->realm), "%s", e.mme_realm);
	return idr_put(ctx, r, &s, &e, hbh, e2e, buf, cap);
}

const struct hss_out_kind s6a_out_clr = {
	.name = "CLR", .app_id = DIAM_APP_S6A, .cmd = DIAM_CMD_CL, .build = clr_build,
};

const struct hss_out_kind s6a_out_idr = {
	.name = "IDR", .app_id = DIAM_APP_S6A, .cmd = DIAM_CMD_ID, .build = idr_build,
};
