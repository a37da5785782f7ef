/* HSS-initiated S6a requests (TS 29.272): Cancel-Location (CLR/CLA,
 * §5.2.1.2, §7.2.7-7.2.8) and Insert-Subscriber-Data (IDR/IDA, §5.2.2.1,
 * §7.2.9-7.2.10), through one queue (table s6a_queue) like the Cx RTR:
 *
 *  - a ULR from a new MME queues a CLR to the old one and tries to send it
 *    at once (s6a_out_queue, inside the ULR's turn);
 *  - `hss-ctl apn assign|unassign|set-eps` queues an IDR for a subscriber
 *    whose MME is registered; hssd's tick sends it with the whole current
 *    Subscription-Data (All-APN-Configurations-Included);
 *  - s6a_tick() retries requests whose MME was not connected, up to
 *    HSS_OUT_MAX_ATTEMPTS ticks (out_queue.h, shared with the Cx RTR);
 *    s6a_on_answer() closes a row from its answer.
 *
 * Like every gated output (hss_core_send_request), a request leaves only
 * after the turn's commit, so it never reflects state that was rolled
 * back. */
#include "s6a.h"

#include <stdio.h>
#include <string.h>

#include "out_queue.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP
#define S6A_REQ_BUF 16384

/* CLR ::= ... {User-Name} {Cancellation-Type} [CLR-Flags]; CLR-Flags
 * S6a/S6d-Indicator set: the CLR goes to an MME (§7.3.152). */
static ssize_t clr_build(struct hss_ctx *ctx, const struct db_s6a_req *r, uint32_t hbh,
			 uint32_t e2e, uint8_t *buf, size_t cap)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	hss_out_head(ctx, &w, DIAM_CMD_CL, DIAM_APP_S6A, r->host, r->realm, r->imsi, hbh, e2e);
	diam_put_u32(&w, AVP_S6A_CANCELLATION_TYPE, V3, (uint32_t)r->cancel_type);
	diam_put_u32(&w, S6A_AVP_CLR_FLAGS, V3, S6A_CLR_S6A_INDICATOR);
	return diam_wr_finish(&w);
}

/* IDR ::= ... {User-Name} {Subscription-Data} [IDR-Flags]: the whole
 * current profile replaces the MME's copy. */
static ssize_t idr_build(struct hss_ctx *ctx, const struct db_s6a_req *r,
			 const struct db_sub *s, const struct db_eps *e, uint32_t hbh,
			 uint32_t e2e, uint8_t *buf, size_t cap)
{
	struct diam_wr w;
	int ret;

	diam_wr_init(&w, buf, cap);
	hss_out_head(ctx, &w, DIAM_CMD_ID, DIAM_APP_S6A, r->host, r->realm, r->imsi, hbh, e2e);
	ret = s6a_put_subscription_data(&w, ctx->db, s, e);
	if (ret)
		return ret;
	diam_put_u32(&w, S6A_AVP_IDR_FLAGS, V3, 0);
	return diam_wr_finish(&w);
}

/* An IDR goes to the MME serving the user when it is sent. -ENOLINK when
 * none is (no ULR yet, or purged): nothing to update. */
static ssize_t build(struct hss_ctx *ctx, struct db_s6a_req *r, uint32_t hbh, uint32_t e2e,
		     uint8_t *buf, size_t cap)
{
	struct db_sub s;
	struct db_eps e;

	if (!strcmp(r->kind, "CLR"))
		return r->host[0] ? clr_build(ctx, r, hbh, e2e, buf, cap) : -ENOLINK;
	if (db_sub_by_imsi(ctx->db, r->imsi, &s))
		return -ENOENT;
	if (db_eps_get(ctx->db, s.id, &e))
		return -EIO;
	if (!e.mme_host[0] || e.purged)
		return -ENOLINK;
	snprintf(r->host, sizeof(r->host), "%s", e.mme_host);
	snprintf(r->realm, sizeof(r->realm), "%s", e.mme_realm);
	return idr_build(ctx, r, &s, &e, hbh, e2e, buf, cap);
}

static void send_one(struct hss_ctx *ctx, struct db_s6a_req *r)
{
	static uint8_t buf[S6A_REQ_BUF];
	uint32_t hbh = diam_next_hbh(), e2e = diam_next_e2e();
	ssize_t len = build(ctx, r, hbh, e2e, buf, sizeof(buf));
	int ret;

	switch (hss_out_send(ctx, r->host, buf, len, r->attempts, &ret)) {
	case HSS_OUT_SENT:
		LOGI(LOG_DIAM, "%s %lld for %s sent to %s", r->kind, (long long)r->id, r->imsi,
		     r->host);
		db_s6a_req_mark_sent(ctx->db, r->id, r->host, hbh, e2e);
		break;
	case HSS_OUT_RETRY:
		db_s6a_req_retry(ctx->db, r->id);
		break;
	case HSS_OUT_DROP:
		LOGW(LOG_DIAM, "%s %lld for %s to %s: not sent (%s), dropped", r->kind,
		     (long long)r->id, r->imsi, r->host[0] ? r->host : "-",
		     ret == -ENOLINK ? "no MME registered" : ret == -ENOTCONN ? "not connected"
		     : ret == -ENOENT ? "unknown user" : "build failed");
		db_s6a_req_finish(ctx->db, r->id, false, 0);
		break;
	}
}

int s6a_out_queue(struct hss_ctx *ctx, const char *kind, const char *imsi, const char *host,
		  const char *realm, int cancel_type)
{
	struct db_s6a_req r;
	int64_t id;
	int ret = db_s6a_req_add(ctx->db, kind, imsi, host, realm, cancel_type, &id);

	if (!ret)
		ret = db_s6a_req_get(ctx->db, id, &r);
	if (!ret)
		send_one(ctx, &r);
	return ret;
}

void s6a_tick(struct hss_ctx *ctx)
{
	struct db_s6a_req r;
	int64_t after = 0;

	for (int i = 0; i < HSS_OUT_PER_TICK && db_s6a_req_next_queued(ctx->db, after, &r) == 0; i++) {
		after = r.id;
		send_one(ctx, &r);
	}
}

/* CLA: the old MME has dropped the context; IDA: it has the new profile.
 * Either way the row is closed; a failed IDA is logged (the MME gets the
 * profile again at its next ULR). */
void s6a_on_answer(struct hss_ctx *ctx, const struct diam_msg *ans)
{
	struct db_s6a_req r;
	uint32_t result;
	bool ok;

	if (ans->hdr.app_id != DIAM_APP_S6A ||
	    (ans->hdr.code != DIAM_CMD_CL && ans->hdr.code != DIAM_CMD_ID))
		return;
	if (db_s6a_req_by_ids(ctx->db, ans->hdr.hbh, ans->hdr.e2e, &r)) {
		LOGW(LOG_DIAM, "S6a answer %u with unknown identifiers %08x/%08x ignored",
		     ans->hdr.code, ans->hdr.hbh, ans->hdr.e2e);
		return;
	}
	ok = hss_out_answer_ok(ans, &result);
	LOGN(LOG_DIAM, "%.2sA for %s %lld (%s) from %s: result %u", r.kind, r.kind,
	     (long long)r.id, r.imsi, r.host, result);
	db_s6a_req_finish(ctx->db, r.id, ok, result);
}
