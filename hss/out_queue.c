/* The outbound request queue (design and life cycle in out_queue.h). */
#include "out_queue.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "diameter/codes.h"
#include "util/log.h"

#define NO_STATE_MAINTAINED 1
/* Room for the largest request: an IDR with every APN, a PPR with the
 * whole profile (User-Data of up to 16 KiB) and charging names. */
#define OUT_BUF 24576

/* The kinds are the `originates` lists of the applications (app.h). */
#define FOR_EACH_KIND(k)                                                       \
	for (const struct hss_app *const *a_ = hss_apps; *a_; a_++)             \
		for (const struct hss_out_kind *const *k_ = (*a_)->originates;  \
		     k_ && (k = *k_) != NULL; k_++)

const struct hss_out_kind *hss_out_kind(const char *name)
{
	const struct hss_out_kind *k;

	FOR_EACH_KIND(k)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

const struct hss_out_kind *hss_out_kind_of(uint32_t app_id, uint32_t cmd)
{
	const struct hss_out_kind *k;

	FOR_EACH_KIND(k)
		if (k->app_id == app_id && k->cmd == cmd)
			return k;
	return NULL;
}

void hss_out_head(struct hss_ctx *ctx, struct diam_wr *w, uint32_t cmd, uint32_t app,
		  const char *host, const char *realm, const char *user, uint32_t hbh,
		  uint32_t e2e)
{
	char sid[DB_ID_MAX + 32];

	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, app, hbh, e2e);
	diam_session_id(ctx->id.origin_host, sid, sizeof(sid));
	diam_put_str(w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(w, DIAM_VENDOR_3GPP, app);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, NO_STATE_MAINTAINED);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, ctx->id.origin_host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, ctx->id.origin_realm);
	diam_put_str(w, AVP_DESTINATION_HOST, 0, host);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, realm[0] ? realm : ctx->id.origin_realm);
	diam_put_str(w, AVP_USER_NAME, 0, user);
}

static const char *why(int err)
{
	switch (err) {
	case -ENOENT: return "unknown user";
	case -ENOLINK: return "nobody serves the user (no S-CSCF / MME registered)";
	case -ENOTCONN: return "peer not connected";
	case -ENOSPC: return "request too large";
	default: return "build failed";
	}
}

static void drop(struct hss_ctx *ctx, const struct db_out *r, const char *reason)
{
	LOGW(LOG_DIAM, "%s %lld for %s to %s: %s, dropped", r->kind, (long long)r->id, r->user,
	     r->host[0] ? r->host : "-", reason);
	db_out_finish(ctx->db, r->id, false, 0);
}

/* Builds and hands one queued request to the core; a request sent before
 * (its answer never came) goes again with its End-to-End id and the T flag
 * (RFC 6733 §3: a possible duplicate). */
static void send_one(struct hss_ctx *ctx, const struct hss_out_kind *k, struct db_out *r)
{
	static uint8_t buf[OUT_BUF];
	uint32_t hbh = diam_next_hbh(), e2e = r->sends ? r->e2e : diam_next_e2e();
	ssize_t len = k->build(ctx, r, hbh, e2e, buf, sizeof(buf));
	int err = len < 0 ? (int)len : 0;

	if (len > 0 && r->sends)
		buf[4] |= DIAM_FLAG_T;
	if (!err)
		err = hss_core_send_request(ctx, r->host, buf, (size_t)len);
	if (!err) {
		LOGI(LOG_DIAM, "%s %lld for %s sent to %s%s", r->kind, (long long)r->id, r->user,
		     r->host, r->sends ? " (again: no answer to the last one)" : "");
		db_out_mark_sent(ctx->db, r->id, r->host, r->realm, hbh, e2e);
	} else if (err == -ENOTCONN && r->attempts + 1 < HSS_OUT_MAX_ATTEMPTS) {
		db_out_retry(ctx->db, r->id);
	} else {
		drop(ctx, r, why(err));
	}
}

/* Sent requests whose answer is overdue: queued again or dropped. */
static void overdue(struct hss_ctx *ctx)
{
	int64_t before = (int64_t)time(NULL) - HSS_OUT_ANSWER_WAIT_S, after = 0;
	struct db_out r;

	for (int i = 0; i < HSS_OUT_PER_TICK &&
			db_out_next_unanswered(ctx->db, before, after, &r) == 0; i++) {
		after = r.id;
		if (r.sends >= HSS_OUT_MAX_SENDS)
			drop(ctx, &r, "no answer");
		else
			db_out_retry(ctx->db, r.id);
	}
}

void hss_out_tick(struct hss_ctx *ctx)
{
	struct db_out r;
	int64_t after = 0;

	overdue(ctx);
	for (int i = 0; i < HSS_OUT_PER_TICK && db_out_next_queued(ctx->db, after, &r) == 0; i++) {
		const struct hss_out_kind *k = hss_out_kind(r.kind);

		after = r.id;
		if (k)
			send_one(ctx, k, &r);
		else
			drop(ctx, &r, "unknown kind");
	}
}

int hss_out_queue(struct db *db, struct hss_ctx *ctx, struct db_out *r)
{
	const struct hss_out_kind *k = hss_out_kind(r->kind);
	int ret = k ? db_out_add(db, r) : -EINVAL;

	if (!ret && ctx && (ret = db_out_get(db, r->id, r)) == 0)
		send_one(ctx, k, r);
	return ret;
}

/* A 2xxx answer (Result-Code or Experimental-Result-Code in *result). */
static bool answer_ok(const struct diam_msg *ans, uint32_t *result)
{
	*result = 0;
	if (diam_msg_result(ans, result, NULL))
		*result = 0;
	return *result >= 2000 && *result < 3000;
}

bool hss_out_answer(struct hss_ctx *ctx, const struct diam_msg *ans)
{
	const struct hss_out_kind *k = hss_out_kind_of(ans->hdr.app_id, ans->hdr.code);
	struct db_out r;
	uint32_t result;
	bool ok;

	if (!k)
		return false;
	if (db_out_by_ids(ctx->db, ans->hdr.hbh, ans->hdr.e2e, &r) || strcmp(r.kind, k->name)) {
		LOGW(LOG_DIAM, "%.2sA with unknown identifiers %08x/%08x ignored", k->name,
		     ans->hdr.hbh, ans->hdr.e2e);
		return true;
	}
	ok = answer_ok(ans, &result);
	LOGN(LOG_DIAM, "%.2sA for %s %lld (%s) from %s: result %u", k->name, k->name,
	     (long long)r.id, r.user, r.host, result);
	if (k->answered)
		k->answered(ctx, &r, ans, ok, result);
	db_out_finish(ctx->db, r.id, ok, result);
	return true;
}
