/* HSS-initiated de-registration: Registration-Termination RTR/RTA
 * (TS 29.228 §6.1.3, TS 29.229 §6.1.9-6.1.10).
 *
 * `hss-ctl rtr` only queues a row of the outbound queue (kind RTR); the
 * queue (out_queue.h: sending, retries, answers, drops) asks this file
 * whom to send it to — the S-CSCF that registered the user, the
 * Origin-Host stored by the SAR — and what to send; on a successful RTA
 * the IMPUs become NOT_REGISTERED and the S-CSCF name is dropped
 * (TS 29.228 §6.1.3.1). */
#include "cx.h"

#include <stdio.h>
#include <string.h>

#include "out_queue.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP

struct rtr_target {
	struct db_sub sub;
	struct db_impu impu;  /* the registered IMPU whose S-CSCF we address */
	bool one_impu;        /* the RTR names a Public-Identity */
};

int cx_first_assigned(void *arg, const struct db_impu *u)
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
static int rtr_target(struct db *db, const struct db_out *r, struct rtr_target *t)
{
	if (db_sub_by_impi(db, r->user, &t->sub))
		return -ENOENT;
	t->one_impu = r->impu[0] != '\0';
	if (t->one_impu) {
		if (db_impu_by_uri(db, r->impu, &t->impu) || t->impu.sub_id != t->sub.id)
			return -ENOENT;
		if (t->impu.state == DB_REG_NOT_REGISTERED || !t->impu.scscf_host[0])
			return -ENOLINK;
		return 0;
	}
	return db_impu_foreach(db, t->sub.id, cx_first_assigned, &t->impu) == 1 ? 0 : -ENOLINK;
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
static ssize_t rtr_build(struct hss_ctx *ctx, struct db_out *r, uint32_t hbh, uint32_t e2e,
			 uint8_t *buf, size_t cap)
{
	struct rtr_target t;
	struct diam_wr w;
	struct put_ctx p = {&w, r->host};
	int ret = rtr_target(ctx->db, r, &t);

	if (ret)
		return ret;
	snprintf(r->host, sizeof(r->host), "%s", t.impu.scscf_host);
	snprintf(r->realm, sizeof(r->realm), "%s", t.impu.scscf_realm);
	diam_wr_init(&w, buf, cap);
	hss_out_head(ctx, &w, DIAM_CMD_RT, DIAM_APP_CX, r->host, r->realm, t.sub.impi, hbh, e2e);
	if (t.one_impu)
		diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, t.impu.uri);
	else if (db_impu_foreach(ctx->db, t.sub.id, put_registered, &p))
		return -EIO;
	diam_group_begin(&w, AVP_CX_DEREGISTRATION_REASON, V3);
	diam_put_u32(&w, AVP_CX_REASON_CODE, V3, (uint32_t)r->code);
	if (r->info[0])
		diam_put_str(&w, AVP_CX_REASON_INFO, V3, r->info);
	diam_group_end(&w);
	return diam_wr_finish(&w);
}

/* TS 29.228 §6.1.3.1: after a successful RTA the identities are no longer
 * registered and the S-CSCF name is removed. */
static void rtr_answered(struct hss_ctx *ctx, const struct db_out *r, const struct diam_msg *ans,
			 bool ok, uint32_t result)
{
	struct db_sub s;
	struct db_impu u;

	(void)ans;
	(void)result;
	if (!ok || db_sub_by_impi(ctx->db, r->user, &s))
		return;
	if (r->impu[0] && db_impu_by_uri(ctx->db, r->impu, &u) == 0)
		cx_set_registration(ctx->db, s.id, u.irs, DB_REG_NOT_REGISTERED, NULL, NULL, NULL);
	else if (!r->impu[0])
		cx_set_registration(ctx->db, s.id, -1, DB_REG_NOT_REGISTERED, NULL, NULL, NULL);
}

const struct hss_out_kind cx_out_rtr = {
	.name = "RTR", .app_id = DIAM_APP_CX, .cmd = DIAM_CMD_RT,
	.build = rtr_build, .answered = rtr_answered,
};
