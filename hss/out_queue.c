/* Shared mechanics of the HSS-initiated requests (see out_queue.h). */
#include "out_queue.h"

#include <errno.h>

#include "db.h"
#include "diameter/codes.h"

#define NO_STATE_MAINTAINED 1

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

enum hss_out_fate hss_out_send(struct hss_ctx *ctx, const char *host, const uint8_t *buf,
			       ssize_t len, int attempts, int *err)
{
	*err = len < 0 ? (int)len : hss_core_send_request(ctx, host, buf, (size_t)len);
	if (*err == 0)
		return HSS_OUT_SENT;
	if (*err == -ENOTCONN && attempts + 1 < HSS_OUT_MAX_ATTEMPTS)
		return HSS_OUT_RETRY;
	return HSS_OUT_DROP;
}

bool hss_out_answer_ok(const struct diam_msg *ans, uint32_t *result)
{
	*result = 0;
	if (diam_msg_result(ans, result, NULL))
		*result = 0;
	return *result >= 2000 && *result < 3000;
}
