/* What the rule files (rules_base.c, rules_cx.c, rules_s6a.c …) share: the
 * ABNF notation as macros, so each table reads like its spec clause. Not
 * for use outside common/diameter (the API is rules.h). */
#ifndef DIAMETER_RULES_INT_H
#define DIAMETER_RULES_INT_H

#include "codes.h"
#include "rules.h"

#define V3 DIAM_VENDOR_3GPP
#define FIX(c, v) { c, v, DR_FIXED, 1, 1 }
#define REQ(c, v) { c, v, DR_REQUIRED, 1, 1 }
#define REQN(c, v) { c, v, DR_REQUIRED, 1, DR_UNBOUNDED }
#define OPT(c, v) { c, v, DR_OPTIONAL, 0, 1 }
#define OPTN(c, v) { c, v, DR_OPTIONAL, 0, DR_UNBOUNDED }
#define NOT(c, v) { c, v, DR_FORBIDDEN, 0, 0 }

/* Requests never carry a result; answers never carry Destination-*. */
#define REQ_TAIL                                                             \
	OPTN(AVP_PROXY_INFO, 0), OPTN(AVP_ROUTE_RECORD, 0),                  \
	NOT(AVP_RESULT_CODE, 0), NOT(AVP_EXPERIMENTAL_RESULT, 0)
#define ANS_TAIL                                                             \
	OPT(AVP_FAILED_AVP, 0), OPTN(AVP_PROXY_INFO, 0), OPTN(AVP_ROUTE_RECORD, 0), \
	OPT(AVP_ERROR_MESSAGE, 0), OPT(AVP_ERROR_REPORTING_HOST, 0)

#define CMD(app, code, rq, name, t) { app, code, rq, name, t, sizeof(t) / sizeof(t[0]), 0 }
/* An answer that may carry 2xxx Experimental-Results (rules.h exp_success). */
#define CMDX(app, code, name, t, exp) { app, code, false, name, t, sizeof(t) / sizeof(t[0]), exp }
#define EXP(c) (1u << ((c) - 2001))
#define GRP(code, v, t) { code, v, t, sizeof(t) / sizeof(t[0]) }
#define SET(name, app, c, g) { name, app, c, sizeof(c) / sizeof(c[0]), g, sizeof(g) / sizeof(g[0]) }

#endif
