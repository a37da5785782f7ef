/* The one answer head of hssd's applications (Cx TS 29.229 §6.1, S6a
 * TS 29.272 §7.2 — the same shape):
 *   < Session-Id > { Vendor-Specific-Application-Id } [ Result-Code ]
 *   [ Experimental-Result ] { Auth-Session-State } { Origin-Host }
 *   { Origin-Realm } ... the command's AVPs ... [ Failed-AVP ]
 * A handler computes an outcome (0, a positive 3GPP success code, or its
 * application's negative *_E_* value), writes the head with
 * hss_answer_head(), its own AVPs, and closes with hss_answer_finish(),
 * which adds the Failed-AVP that RFC 6733 §7.5 requires of every answer
 * blaming an AVP (5001, 5004, 5005, 5008, 5009, 5014): the handler names
 * the offending AVP in a struct hss_failed where it finds it.
 *
 * Each application maps its outcomes in one table (the spec's result
 * tables written as tables); an outcome not listed is 5012
 * DIAMETER_UNABLE_TO_COMPLY when negative, or its own value as a 3GPP
 * Experimental-Result-Code when positive. */
#ifndef HSS_ANSWER_H
#define HSS_ANSWER_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"

struct hss_outcome_map {
	int outcome;
	uint32_t code;     /* Result-Code, or Experimental-Result-Code if exp */
	bool exp;          /* vendor 10415 */
	const char *name;  /* NULL ends the table */
};

/* The AVP an answer blames (RFC 6733 §7.5): a copy of the offending AVP
 * as received; when it sits inside a grouped AVP, that group's code and
 * vendor, so Failed-AVP holds the group around the single offending AVP. */
struct hss_failed {
	struct diam_avp avp;   /* avp.raw NULL: none named */
	bool in_group;
	uint32_t group_code, group_vendor;
};

/* Names the offending AVP (inside `group` when not NULL). */
void hss_failed_set(struct hss_failed *f, const struct diam_avp *avp,
		    const struct diam_avp *group);

const struct hss_outcome_map *hss_outcome_find(const struct hss_outcome_map *map, int outcome);
/* "DIAMETER_ERROR_USER_UNKNOWN" … for logs. */
const char *hss_outcome_name(const struct hss_outcome_map *map, int outcome);

void hss_answer_head(struct diam_wr *w, const struct hss_ctx *ctx, const struct diam_msg *req,
		     uint32_t app_id, const struct hss_outcome_map *map, int outcome);
/* Adds Failed-AVP when the outcome needs one, finishes the message, logs
 * at debug. 0, or the writer's error. */
int hss_answer_finish(struct diam_wr *w, const struct hss_outcome_map *map, int outcome,
		      const struct hss_failed *bad, const char *cmd, const char *who);

/* True for the Result-Codes that blame an AVP (RFC 6733 §7.1.5). */
bool hss_result_needs_failed(uint32_t code);

#endif
