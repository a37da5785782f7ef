/* The answer head of Cx and S6a, with Failed-AVP (see answer.h). */
#include "answer.h"

#include <string.h>

#include "diameter/base.h"
#include "util/log.h"

/* Auth-Session-State NO_STATE_MAINTAINED (RFC 6733 §8.11): Cx and S6a are
 * stateless (TS 29.229 §6.1, TS 29.272 §7.2). */
#define NO_STATE_MAINTAINED 1

static const struct hss_outcome_map unable = {
	.outcome = -1, .code = DIAM_UNABLE_TO_COMPLY, .name = "DIAMETER_UNABLE_TO_COMPLY",
};

const struct hss_outcome_map *hss_outcome_find(const struct hss_outcome_map *map, int outcome)
{
	for (; map->name; map++)
		if (map->outcome == outcome)
			return map;
	return NULL;
}

const char *hss_outcome_name(const struct hss_outcome_map *map, int outcome)
{
	const struct hss_outcome_map *m = hss_outcome_find(map, outcome);

	return m ? m->name : outcome > 0 ? "3GPP success" : unable.name;
}

void hss_failed_set(struct hss_failed *f, const struct diam_avp *avp,
		    const struct diam_avp *group)
{
	f->avp = *avp;
	f->in_group = group != NULL;
	f->group_code = group ? group->code : 0;
	f->group_vendor = group ? group->vendor : 0;
}

bool hss_result_needs_failed(uint32_t code)
{
	switch (code) {
	case DIAM_AVP_UNSUPPORTED: case DIAM_INVALID_AVP_VALUE: case DIAM_MISSING_AVP:
	case DIAM_AVP_NOT_ALLOWED: case DIAM_AVP_OCCURS_TOO_MANY_TIMES:
	case DIAM_INVALID_AVP_LENGTH:
		return true;
	default:
		return false;
	}
}

void hss_answer_head(struct diam_wr *w, const struct hss_ctx *ctx, const struct diam_msg *req,
		     uint32_t app_id, const struct hss_outcome_map *map, int outcome)
{
	const struct hss_outcome_map *m = hss_outcome_find(map, outcome);

	diam_answer_begin(w, req);
	diam_put_vendor_app(w, DIAM_VENDOR_3GPP, app_id);
	if (!m && outcome > 0)
		diam_put_exp_result(w, DIAM_VENDOR_3GPP, (uint32_t)outcome);
	else if (m && m->exp)
		diam_put_exp_result(w, DIAM_VENDOR_3GPP, m->code);
	else
		diam_put_u32(w, AVP_RESULT_CODE, 0, m ? m->code : unable.code);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, NO_STATE_MAINTAINED);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, ctx->id.origin_host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, ctx->id.origin_realm);
}

/* RFC 6733 §7.5: Failed-AVP { offending AVP } or, for an AVP inside a
 * grouped one, Failed-AVP { group { offending AVP } }. */
static void put_failed(struct diam_wr *w, const struct hss_failed *bad)
{
	diam_group_begin(w, AVP_FAILED_AVP, 0);
	if (bad->in_group)
		diam_group_begin(w, bad->group_code, bad->group_vendor);
	diam_put_failed_quote(w, &bad->avp);
	if (bad->in_group)
		diam_group_end(w);
	diam_group_end(w);
}

int hss_answer_finish(struct diam_wr *w, const struct hss_outcome_map *map, int outcome,
		      const struct hss_failed *bad, const char *cmd, const char *who)
{
	const struct hss_outcome_map *m = hss_outcome_find(map, outcome);
	ssize_t n;

	if (m && !m->exp && hss_result_needs_failed(m->code)) {
		if (bad && bad->avp.raw)
			put_failed(w, bad);
		else /* a handler bug: every such outcome must name its AVP */
			LOGE(LOG_DIAM, "%s %s: %u without Failed-AVP", cmd, who, m->code);
	}
	n = diam_wr_finish(w);
	LOGD(LOG_DIAM, "%s %s -> %s", cmd, who, hss_outcome_name(map, outcome));
	return n < 0 ? (int)n : 0;
}
