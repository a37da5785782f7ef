/* HSS-initiated de-registration: Registration-Termination RTR/RTA
 * (TS 29.228 §6.1.3, TS 29.229 §6.1.9-6.1.10).
 *
 * `hss-ctl rtr` only queues a row (rtr_queue); hssd's core calls cx_tick()
 * about once a second inside its transaction. cx_tick() sends each queued
 * RTR to the S-CSCF that registered the user (the Origin-Host stored by
 * the SAR) through hss_core_send_request(). The RTA comes back through
 * cx_on_answer(): on success the IMPUs become NOT_REGISTERED and the S-CSCF
 * name is dropped; the row is closed as done or failed either way.
 * A peer that is not connected is retried on later ticks, up to
 * HSS_OUT_MAX_ATTEMPTS times (out_queue.h, shared with S6a CLR/IDR). */
#include "cx.h"

#include <stdio.h>
#include <string.h>

#include "out_queue.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP
#define RTR_BUF 8192

struct rtr_target {
	struct db_sub sub;
	struct db_impu impu;  /* the registered IMPU whose S-CSCF we address */
	bool one_impu;        /* the RTR names a Public-Identity */
};

static int first_assigned(void *arg, const struct db_impu *u)
{
	struct db_impu *out = arg;

	if (u->state == DB_REG_NOT_REGISTERED || !u->scscf_host[0])
		return 0;
	*out = *u;
	out->ifc_xml = NULL;
	return 1;
}

/* Finds whom to send the RTR to: -ENOENT unknown user, -ENOLINK when no
 * S-CSCF is assigned (nothing to terminate). */
static int rtr_target(struct db *db, const struct db_rtr *r, struct rtr_target *t)
{
	if (db_sub_by_impi(db, r->impi, &t->sub))
		return -ENOENT;
	t->one_impu = r->impu[0] != '\0';
	if (t->one_impu) {
		if (db_impu_by_uri(db, r->impu, &t->impu) || t->impu.sub_id != t->sub.id)
			return -ENOENT;
		if (t->impu.state == DB_REG_NOT_REGISTERED || !t->impu.scscf_host[0])
			return -ENOLINK;
		return 0;
	}
	return db_impu_foreach(db, t->sub.id, first_assigned, &t->impu) == 1 ? 0 : -ENOLINK;
}

struct put_ctx {
	struct diam_wr *w;
	const char *host;
};

static int put_registered(void *arg, const struct db_impu *u)
{
	struct put_ctx *p = arg;

	if (u->state != DB_REG_NOT_REGISTERED && !strcmp(u->scscf_host, p->host))
		diam_put_str(p->w, AVP_CX_PUBLIC_IDENTITY, V3, u->uri);
	return 0;
}

/* RTR ::= < Session-Id > { Vendor-Specific-Application-Id }
 * { Auth-Session-State } { Origin-Host } { Origin-Realm } { Destination-Host }
 * { Destination-Realm } { User-Name } *[ Public-Identity ]
 * { Deregistration-Reason }. Without a named IMPU the RTR lists every IMPU
 * the S-CSCF has registered for this IMPI. Returns the length or < 0. */
static ssize_t rtr_build(struct hss_ctx *ctx, const struct db_rtr *r, const struct rtr_target *t,
			 uint32_t hbh, uint32_t e2e, uint8_t *buf, size_t cap)
{
	struct diam_wr w;
	struct put_ctx p = {&w, t->impu.scscf_host};

	diam_wr_init(&w, buf, cap);
	hss_out_head(ctx, &w, DIAM_CMD_RT, DIAM_APP_CX, t->impu.scscf_host, t->impu.scscf_realm,
		     t->sub.impi, hbh, e2e);
	if (t->one_impu)
		diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, t->impu.uri);
	else if (db_impu_foreach(ctx->db, t->sub.id, put_registered, &p))
		return -EIO;
	diam_group_begin(&w, AVP_CX_DEREGISTRATION_REASON, V3);
	diam_put_u32(&w, AVP_CX_REASON_CODE, V3, (uint32_t)r->reason_code);
	if (r->reason_info[0])
		diam_put_str(&w, AVP_CX_REASON_INFO, V3, r->reason_info);
	diam_group_end(&w);
	return diam_wr_finish(&w);
}

static void rtr_send_one(struct hss_ctx *ctx, const struct db_rtr *r)
{
	struct rtr_target t;
	uint8_t buf[RTR_BUF];
	uint32_t hbh = diam_next_hbh(), e2e = diam_next_e2e();
	ssize_t len;
	int ret = rtr_target(ctx->db, r, &t);

	if (ret) {
		LOGW(LOG_DIAM, "RTR %lld for %s: %s, dropped", (long long)r->id, r->impi,
		     ret == -ENOENT ? "unknown user" : "no S-CSCF assigned");
		db_rtr_finish(ctx->db, r->id, false, 0);
		return;
	}
	len = rtr_build(ctx, r, &t, hbh, e2e, buf, sizeof(buf));
	switch (hss_out_send(ctx, t.impu.scscf_host, buf, len, r->attempts, &ret)) {
	case HSS_OUT_SENT:
		LOGI(LOG_DIAM, "RTR %lld for %s sent to %s", (long long)r->id, r->impi,
		     t.impu.scscf_host);
		db_rtr_mark_sent(ctx->db, r->id, t.impu.scscf_host, hbh, e2e);
		break;
	case HSS_OUT_RETRY:
		db_rtr_retry(ctx->db, r->id);
		break;
	case HSS_OUT_DROP:
		LOGW(LOG_DIAM, "RTR %lld for %s to %s: not sent (%d), dropped", (long long)r->id,
		     r->impi, t.impu.scscf_host, ret);
		db_rtr_finish(ctx->db, r->id, false, 0);
		break;
	}
}

void cx_tick(struct hss_ctx *ctx)
{
	struct db_rtr r;
	int64_t after = 0;

	for (int i = 0; i < HSS_OUT_PER_TICK && db_rtr_next_queued(ctx->db, after, &r) == 0; i++) {
		after = r.id;
		rtr_send_one(ctx, &r);
	}
}

/* TS 29.228 §6.1.3.1: after a successful RTA the identities are no longer
 * registered and the S-CSCF name is removed. */
static void rtr_deregister(struct hss_ctx *ctx, const struct db_rtr *r)
{
	struct db_sub s;
	struct db_impu u;

	if (db_sub_by_impi(ctx->db, r->impi, &s))
		return;
	if (r->impu[0] && db_impu_by_uri(ctx->db, r->impu, &u) == 0)
		cx_set_registration(ctx->db, s.id, u.irs, DB_REG_NOT_REGISTERED, NULL, NULL, NULL);
	else if (!r->impu[0])
		cx_set_registration(ctx->db, s.id, -1, DB_REG_NOT_REGISTERED, NULL, NULL, NULL);
}

void cx_on_answer(struct hss_ctx *ctx, const struct diam_msg *ans)
{
	struct db_rtr r;
	uint32_t result;
	bool ok;

	if (ans->hdr.code != DIAM_CMD_RT || ans->hdr.app_id != DIAM_APP_CX)
		return;
	if (db_rtr_by_ids(ctx->db, ans->hdr.hbh, ans->hdr.e2e, &r)) {
		LOGW(LOG_DIAM, "RTA with unknown identifiers %08x/%08x ignored", ans->hdr.hbh,
		     ans->hdr.e2e);
		return;
	}
	ok = hss_out_answer_ok(ans, &result);
	LOGN(LOG_DIAM, "RTA for RTR %lld (%s): result %u", (long long)r.id, r.impi, result);
	if (ok)
		rtr_deregister(ctx, &r);
	db_rtr_finish(ctx->db, r.id, ok, result);
}
