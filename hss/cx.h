/* Internals shared by the Cx handlers (hss/cx.c) and the HSS-initiated
 * RTR (hss/cx_rtr.c). The public seam is hss/app.h.
 *
 * Outcome convention (errors as values, STYLE.md §6): a handler step
 * returns 0 for DIAMETER_SUCCESS, a positive 3GPP success code
 * (Experimental-Result 2001..2004), or one of the negative CX_E_* values
 * below; cx_outcomes[] maps it to the answer in one table (answer.h). */
#ifndef HSS_CX_H
#define HSS_CX_H

#include <errno.h>

#include "answer.h"
#include "app.h"
#include "db.h"

enum cx_err {
	CX_E_USER_UNKNOWN = -ENOENT,        /* Exp 5001 DIAMETER_ERROR_USER_UNKNOWN */
	CX_E_IDENTITIES = -EXDEV,           /* Exp 5002 ..._IDENTITIES_DONT_MATCH */
	CX_E_NOT_REGISTERED = -ENOLINK,     /* Exp 5003 ..._IDENTITY_NOT_REGISTERED */
	CX_E_SCHEME = -EPROTONOSUPPORT,     /* Exp 5006 ..._AUTH_SCHEME_NOT_SUPPORTED */
	CX_E_ASSIGNMENT = -EPERM,           /* Exp 5007 ..._IN_ASSIGNMENT_TYPE */
	CX_E_TOO_MUCH_DATA = -E2BIG,        /* Exp 5008 ..._TOO_MUCH_DATA */
	CX_E_AUTH_REJECTED = -EKEYREJECTED, /* Result-Code 4001 (bad MAC-S on resync) */
	CX_E_BARRED = -EACCES,              /* Result-Code 5003 AUTHORIZATION_REJECTED */
	CX_E_INVALID = -EINVAL,             /* Result-Code 5004 INVALID_AVP_VALUE */
	CX_E_SERVER = -EBUSY,               /* Result-Code 5012 (SAR from another S-CSCF) */
	/* anything else (-EIO store failure, -ERANGE SQN exhausted):
	 * Result-Code 5012 DIAMETER_UNABLE_TO_COMPLY */
};

/* Not (yet) in diameter/codes.h: TS 29.229 §6.2.2.8. */
#define CX_ERROR_TOO_MUCH_DATA 5008u
/* Reason-Code of Deregistration-Reason, TS 29.229 §6.3.17. */
#define CX_REASON_PERMANENT_TERMINATION 0

/* Result-Code or Experimental-Result, and log name, of each outcome
 * (answer.h). */
extern const struct hss_outcome_map cx_outcomes[];

/* What a queued PPR pushes (out_queue.code): the profile (User-Data), the
 * charging names (Charging-Information); 0 = both. */
#define CX_PPR_USER_DATA 1
#define CX_PPR_CHARGING 2

/* Queues a PPR for the subscriber when an S-CSCF holds its profile (any
 * IMPU registered or unregistered with an S-CSCF stored): *id is the queue
 * row, 0 when nothing was queued. hss-ctl calls it inside its transaction
 * (cx_ppr.c). */
int cx_ppr_queue(struct db *db, const struct db_sub *s, int parts, int64_t *id);
/* Charging-Information (TS 29.229 §6.3.19) with the names in c; nothing
 * (false) when c is empty. For SAA and PPR. */
bool cx_put_charging(struct diam_wr *w, const struct db_charging *c);
/* A db_impu_foreach callback: copies the first IMPU with an S-CSCF
 * (registered, or unregistered with services) into arg and stops (1). */
int cx_first_assigned(void *arg, const struct db_impu *u);

/* Marks every IMPU of the subscriber that shares irs (irs < 0: every IMPU)
 * with state/name/host/realm (name NULL clears). */
int cx_set_registration(struct db *db, int64_t sub_id, int irs, enum db_reg_state state,
			const char *name, const char *host, const char *realm);

/* The Cx application (cx.c): its descriptor, the requests it serves; it
 * originates RTR (cx_rtr.c) and PPR (cx_ppr.c) through the outbound queue. */
extern const struct hss_app cx_app;
extern const struct hss_route cx_routes[];

#endif
