/* Rule tables of S6a (TS 29.272 §7.2) and its grouped AVPs. */
#include "rules_int.h"

/* TS 29.272 §7.2: as Cx but [ Vendor-Specific-Application-Id ]. */
#define S6A_REQ_HEAD                                                         \
	FIX(AVP_SESSION_ID, 0), OPT(AVP_DRMP, 0),                            \
	OPT(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0), REQ(AVP_AUTH_SESSION_STATE, 0), \
	REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0),                   \
	OPTN(AVP_CX_SUPPORTED_FEATURES, V3), OPT(621, 0)
#define S6A_ANS_HEAD                                                         \
	FIX(AVP_SESSION_ID, 0), OPT(AVP_DRMP, 0),                            \
	OPT(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0), OPT(AVP_RESULT_CODE, 0), \
	OPT(AVP_EXPERIMENTAL_RESULT, 0), REQ(AVP_AUTH_SESSION_STATE, 0),     \
	REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0),                   \
	OPTN(AVP_CX_SUPPORTED_FEATURES, V3), OPT(621, 0), OPT(623, 0)

/* ---- TS 29.272 §7.2 --------------------------------------------------- */
static const struct diam_rule air[] = {
	S6A_REQ_HEAD, OPT(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), OPT(AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3), OPT(1409, V3),
	REQ(AVP_S6A_VISITED_PLMN_ID, V3), OPT(1679, V3), REQ_TAIL,
};
static const struct diam_rule aia[] = {
	S6A_ANS_HEAD, OPT(1614, V3), OPT(AVP_S6A_AUTHENTICATION_INFO, V3), OPT(1680, V3),
	ANS_TAIL,
};
static const struct diam_rule ulr[] = {
	S6A_REQ_HEAD, OPT(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), OPT(1401, V3), REQ(1032, V3), REQ(AVP_S6A_ULR_FLAGS, V3),
	OPT(1615, V3), REQ(AVP_S6A_VISITED_PLMN_ID, V3), OPTN(1612, V3), OPT(1637, V3),
	REQ_TAIL,
};
static const struct diam_rule ula[] = {
	S6A_ANS_HEAD, OPT(1614, V3), OPT(AVP_S6A_ULA_FLAGS, V3),
	OPT(AVP_S6A_SUBSCRIPTION_DATA, V3), ANS_TAIL,
};
static const struct diam_rule pur[] = {
	S6A_REQ_HEAD, OPT(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), OPT(1635, V3), REQ_TAIL,
};
static const struct diam_rule pua[] = { S6A_ANS_HEAD, OPT(1442, V3), ANS_TAIL };
static const struct diam_rule clr[] = {
	S6A_REQ_HEAD, REQ(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), REQ(AVP_S6A_CANCELLATION_TYPE, V3), OPT(1638, V3), REQ_TAIL,
};
static const struct diam_rule cla[] = { S6A_ANS_HEAD, ANS_TAIL };
static const struct diam_rule idr[] = {
	S6A_REQ_HEAD, REQ(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), REQ(AVP_S6A_SUBSCRIPTION_DATA, V3), OPT(1490, V3), REQ_TAIL,
};
static const struct diam_rule ida[] = { S6A_ANS_HEAD, OPT(1032, V3), ANS_TAIL };
static const struct diam_rule nor[] = {
	S6A_REQ_HEAD, OPT(AVP_DESTINATION_HOST, 0), REQ(AVP_DESTINATION_REALM, 0),
	REQ(AVP_USER_NAME, 0), REQ_TAIL,
};
static const struct diam_rule noa[] = { S6A_ANS_HEAD, ANS_TAIL };

static const struct diam_cmd_rules cmds[] = {
	CMD(DIAM_APP_S6A, DIAM_CMD_AI, true, "AIR", air),
	CMD(DIAM_APP_S6A, DIAM_CMD_AI, false, "AIA", aia),
	CMD(DIAM_APP_S6A, DIAM_CMD_UL, true, "ULR", ulr),
	CMD(DIAM_APP_S6A, DIAM_CMD_UL, false, "ULA", ula),
	CMD(DIAM_APP_S6A, DIAM_CMD_PU, true, "PUR", pur),
	CMD(DIAM_APP_S6A, DIAM_CMD_PU, false, "PUA", pua),
	CMD(DIAM_APP_S6A, DIAM_CMD_CL, true, "CLR", clr),
	CMD(DIAM_APP_S6A, DIAM_CMD_CL, false, "CLA", cla),
	CMD(DIAM_APP_S6A, DIAM_CMD_ID, true, "IDR", idr),
	CMD(DIAM_APP_S6A, DIAM_CMD_ID, false, "IDA", ida),
	CMD(DIAM_APP_S6A, DIAM_CMD_NO, true, "NOR", nor),
	CMD(DIAM_APP_S6A, DIAM_CMD_NO, false, "NOA", noa),
};

/* ---- Grouped AVPs ----------------------------------------------------- */
/* TS 29.272 §7.3.11, §7.3.18. */
static const struct diam_rule g_req_eutran[] = {
	OPT(AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3), OPT(AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, V3),
	OPT(AVP_S6A_RE_SYNCHRONIZATION_INFO, V3),
};
static const struct diam_rule g_eutran_vec[] = {
	OPT(AVP_S6A_ITEM_NUMBER, V3), REQ(AVP_S6A_RAND, V3), REQ(AVP_S6A_XRES, V3),
	REQ(AVP_S6A_AUTN, V3), REQ(AVP_S6A_KASME, V3),
};

static const struct diam_group_rules groups[] = {
	GRP(AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3, g_req_eutran),
	GRP(AVP_S6A_EUTRAN_VECTOR, V3, g_eutran_vec),
};

const struct diam_rule_set diam_rules_s6a = SET("S6a", DIAM_APP_S6A, cmds, groups);
