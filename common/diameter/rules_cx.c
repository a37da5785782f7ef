/* Rule tables of Cx (TS 29.229 §6.1) and its grouped AVPs, one line per
 * ABNF element; deliberate relaxations are commented where they occur. */
#include "rules_int.h"

/* TS 29.229 §6.1: < Session-Id > [DRMP] { VSAI } { Auth-Session-State }
 * { Origin-Host } { Origin-Realm } ... *[ Supported-Features ]. */
#define CX_REQ_HEAD                                                          \
	FIX(AVP_SESSION_ID, 0), OPT(AVP_DRMP, 0),                            \
	REQ(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0), REQ(AVP_AUTH_SESSION_STATE, 0), \
	REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0),                   \
	OPTN(AVP_CX_SUPPORTED_FEATURES, V3), OPT(621, 0)
#define CX_ANS_HEAD                                                          \
	FIX(AVP_SESSION_ID, 0), OPT(AVP_DRMP, 0),                            \
	REQ(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0), OPT(AVP_RESULT_CODE, 0), \
	OPT(AVP_EXPERIMENTAL_RESULT, 0), REQ(AVP_AUTH_SESSION_STATE, 0),     \
	REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0),                   \
	OPTN(AVP_CX_SUPPORTED_FEATURES, V3), OPT(621, 0), OPT(623, 0)

/* ---- TS 29.229 §6.1 --------------------------------------------------- */
static const struct diam_rule uar[] = {
	CX_REQ_HEAD, OPT(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), REQ(AVP_CX_PUBLIC_IDENTITY, V3),
	REQ(AVP_CX_VISITED_NETWORK_IDENTIFIER, V3), OPT(AVP_CX_USER_AUTHORIZATION_TYPE, V3),
	OPT(AVP_CX_UAR_FLAGS, V3), REQ_TAIL,
};
static const struct diam_rule uaa[] = {
	CX_ANS_HEAD, OPT(AVP_CX_SERVER_NAME, V3), OPT(AVP_CX_SERVER_CAPABILITIES, V3), ANS_TAIL,
};
static const struct diam_rule sar[] = {
	CX_REQ_HEAD, OPT(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	OPT(AVP_USER_NAME, 0), OPTN(AVP_CX_PUBLIC_IDENTITY, V3),
	OPT(AVP_CX_WILDCARDED_PUBLIC_IDENTITY, V3), REQ(AVP_CX_SERVER_NAME, V3),
	REQ(AVP_CX_SERVER_ASSIGNMENT_TYPE, V3), REQ(AVP_CX_USER_DATA_ALREADY_AVAILABLE, V3),
	OPT(AVP_CX_SCSCF_RESTORATION_INFO, V3), OPT(AVP_CX_MULTIPLE_REGISTRATION_INDICATION, V3),
	OPT(650, V3), OPT(AVP_CX_SAR_FLAGS, V3), REQ_TAIL,
};
static const struct diam_rule saa[] = {
	CX_ANS_HEAD, OPT(AVP_USER_NAME, 0), OPT(AVP_CX_USER_DATA, V3),
	OPT(AVP_CX_CHARGING_INFORMATION, V3), OPT(AVP_CX_ASSOCIATED_IDENTITIES, V3),
	OPT(AVP_CX_LOOSE_ROUTE_INDICATION, V3), OPTN(AVP_CX_SCSCF_RESTORATION_INFO, V3),
	OPT(AVP_CX_ASSOCIATED_REGISTERED_IDENTITIES, V3), OPT(AVP_CX_SERVER_NAME, V3),
	OPT(AVP_CX_WILDCARDED_PUBLIC_IDENTITY, V3), OPT(652, V3), OPT(656, V3), ANS_TAIL,
};
static const struct diam_rule lir[] = {
	CX_REQ_HEAD, OPT(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	OPT(AVP_CX_ORIGINATING_REQUEST, V3), REQ(AVP_CX_PUBLIC_IDENTITY, V3),
	OPT(AVP_CX_USER_AUTHORIZATION_TYPE, V3), OPT(650, V3), REQ_TAIL,
};
static const struct diam_rule lia[] = {
	CX_ANS_HEAD, OPT(AVP_CX_SERVER_NAME, V3), OPT(AVP_CX_SERVER_CAPABILITIES, V3),
	OPT(AVP_CX_WILDCARDED_PUBLIC_IDENTITY, V3), OPT(653, V3), ANS_TAIL,
};
/* MAR: Public-Identity and Server-Name stay required as in the spec
 * (open5gs relaxes them; Kamailio sends both). */
static const struct diam_rule mar[] = {
	CX_REQ_HEAD, REQ(AVP_DESTINATION_REALM, 0), OPT(AVP_DESTINATION_HOST, 0),
	REQ(AVP_USER_NAME, 0), REQ(AVP_CX_PUBLIC_IDENTITY, V3),
	REQ(AVP_CX_SIP_AUTH_DATA_ITEM, V3), REQ(AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3),
	REQ(AVP_CX_SERVER_NAME, V3), REQ_TAIL,
};
static const struct diam_rule maa[] = {
	CX_ANS_HEAD, OPT(AVP_USER_NAME, 0), OPT(AVP_CX_PUBLIC_IDENTITY, V3),
	OPT(AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3), OPTN(AVP_CX_SIP_AUTH_DATA_ITEM, V3), ANS_TAIL,
};
static const struct diam_rule rtr[] = {
	CX_REQ_HEAD, REQ(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), OPT(AVP_CX_ASSOCIATED_IDENTITIES, V3),
	OPTN(AVP_CX_PUBLIC_IDENTITY, V3), REQ(AVP_CX_DEREGISTRATION_REASON, V3), REQ_TAIL,
};
static const struct diam_rule rta[] = {
	CX_ANS_HEAD, OPT(AVP_CX_ASSOCIATED_IDENTITIES, V3), OPTN(651, V3), ANS_TAIL,
};
static const struct diam_rule ppr[] = {
	CX_REQ_HEAD, REQ(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), OPT(AVP_CX_USER_DATA, V3), OPT(AVP_CX_CHARGING_INFORMATION, V3),
	OPT(AVP_CX_SIP_AUTH_DATA_ITEM, V3), OPT(656, V3), REQ_TAIL,
};
static const struct diam_rule ppa[] = { CX_ANS_HEAD, ANS_TAIL };

static const struct diam_cmd_rules cmds[] = {
	CMD(DIAM_APP_CX, DIAM_CMD_UA, true, "UAR", uar),
	CMDX(DIAM_APP_CX, DIAM_CMD_UA, "UAA", uaa, EXP(2001) | EXP(2002) | EXP(2003) | EXP(2004)),
	CMD(DIAM_APP_CX, DIAM_CMD_SA, true, "SAR", sar),
	CMD(DIAM_APP_CX, DIAM_CMD_SA, false, "SAA", saa),
	CMD(DIAM_APP_CX, DIAM_CMD_LI, true, "LIR", lir),
	CMDX(DIAM_APP_CX, DIAM_CMD_LI, "LIA", lia, EXP(2003)),
	CMD(DIAM_APP_CX, DIAM_CMD_MA, true, "MAR", mar),
	CMD(DIAM_APP_CX, DIAM_CMD_MA, false, "MAA", maa),
	CMD(DIAM_APP_CX, DIAM_CMD_RT, true, "RTR", rtr),
	CMD(DIAM_APP_CX, DIAM_CMD_RT, false, "RTA", rta),
	CMD(DIAM_APP_CX, DIAM_CMD_PP, true, "PPR", ppr),
	CMD(DIAM_APP_CX, DIAM_CMD_PP, false, "PPA", ppa),
};

/* ---- Grouped AVPs ----------------------------------------------------- */
/* TS 29.229 §6.3.13. */
static const struct diam_rule g_sadi[] = {
	OPT(AVP_CX_SIP_ITEM_NUMBER, V3), OPT(AVP_CX_SIP_AUTHENTICATION_SCHEME, V3),
	OPT(AVP_CX_SIP_AUTHENTICATE, V3), OPT(AVP_CX_SIP_AUTHORIZATION, V3),
	OPT(AVP_CX_SIP_AUTHENTICATION_CONTEXT, V3), OPT(AVP_CX_CONFIDENTIALITY_KEY, V3),
	OPT(AVP_CX_INTEGRITY_KEY, V3), OPT(AVP_CX_SIP_DIGEST_AUTHENTICATE, V3),
	OPT(8, 0), OPTN(97, 0), OPT(96, 0),
};
/* TS 29.229 §6.3.16, §6.3.29, §6.3.36. */
static const struct diam_rule g_dereg[] = {
	REQ(AVP_CX_REASON_CODE, V3), OPT(AVP_CX_REASON_INFO, V3),
};
static const struct diam_rule g_sf[] = {
	REQ(AVP_VENDOR_ID, 0), REQ(AVP_CX_FEATURE_LIST_ID, V3), REQ(AVP_CX_FEATURE_LIST, V3),
};
static const struct diam_rule g_sda[] = {
	REQ(AVP_DIGEST_REALM, 0), OPT(AVP_DIGEST_ALGORITHM, 0), OPT(AVP_DIGEST_QOP, 0),
	REQ(AVP_DIGEST_HA1, 0),
};

static const struct diam_group_rules groups[] = {
	GRP(AVP_CX_SIP_AUTH_DATA_ITEM, V3, g_sadi),
	GRP(AVP_CX_DEREGISTRATION_REASON, V3, g_dereg),
	GRP(AVP_CX_SUPPORTED_FEATURES, V3, g_sf),
	GRP(AVP_CX_SIP_DIGEST_AUTHENTICATE, V3, g_sda),
};

const struct diam_rule_set diam_rules_cx = SET("Cx", DIAM_APP_CX, cmds, groups);
