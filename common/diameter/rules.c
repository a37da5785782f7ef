/* Rule tables for base (RFC 6733 §5), Cx (TS 29.229 §6.1) and S6a
 * (TS 29.272 §7.2) commands. One line per ABNF element; the shared head
 * and tail of the 3GPP commands are macros so each table reads like its
 * spec clause. Deliberate relaxations are commented where they occur. */
#include "rules.h"

#include "codes.h"

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

/* ---- RFC 6733 §5.3-5.4 ------------------------------------------------ */
/* CER: 1*{ Host-IP-Address } relaxed to optional: Kamailio's cdp sometimes
 * omits it (kamailio-interop.md), and we never use it. */
static const struct diam_rule cer[] = {
	REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0), OPTN(AVP_HOST_IP_ADDRESS, 0),
	REQ(AVP_VENDOR_ID, 0), REQ(AVP_PRODUCT_NAME, 0), OPT(AVP_ORIGIN_STATE_ID, 0),
	OPTN(AVP_SUPPORTED_VENDOR_ID, 0), OPTN(AVP_AUTH_APPLICATION_ID, 0),
	OPTN(AVP_INBAND_SECURITY_ID, 0), OPTN(AVP_ACCT_APPLICATION_ID, 0),
	OPTN(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0), OPT(AVP_FIRMWARE_REVISION, 0),
	NOT(AVP_RESULT_CODE, 0), NOT(AVP_EXPERIMENTAL_RESULT, 0),
};
static const struct diam_rule cea[] = {
	REQ(AVP_RESULT_CODE, 0), REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0),
	OPTN(AVP_HOST_IP_ADDRESS, 0), REQ(AVP_VENDOR_ID, 0), REQ(AVP_PRODUCT_NAME, 0),
	OPT(AVP_ORIGIN_STATE_ID, 0), OPT(AVP_ERROR_MESSAGE, 0), OPT(AVP_FAILED_AVP, 0),
	OPTN(AVP_SUPPORTED_VENDOR_ID, 0), OPTN(AVP_AUTH_APPLICATION_ID, 0),
	OPTN(AVP_INBAND_SECURITY_ID, 0), OPTN(AVP_ACCT_APPLICATION_ID, 0),
	OPTN(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0), OPT(AVP_FIRMWARE_REVISION, 0),
};
static const struct diam_rule dwr[] = {
	REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0), OPT(AVP_ORIGIN_STATE_ID, 0),
	NOT(AVP_RESULT_CODE, 0), NOT(AVP_EXPERIMENTAL_RESULT, 0),
};
static const struct diam_rule dwa[] = {
	REQ(AVP_RESULT_CODE, 0), REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0),
	OPT(AVP_ERROR_MESSAGE, 0), OPT(AVP_FAILED_AVP, 0), OPT(AVP_ORIGIN_STATE_ID, 0),
};
static const struct diam_rule dpr[] = {
	REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0), REQ(AVP_DISCONNECT_CAUSE, 0),
	NOT(AVP_RESULT_CODE, 0), NOT(AVP_EXPERIMENTAL_RESULT, 0),
};
static const struct diam_rule dpa[] = {
	REQ(AVP_RESULT_CODE, 0), REQ(AVP_ORIGIN_HOST, 0), REQ(AVP_ORIGIN_REALM, 0),
	OPT(AVP_ERROR_MESSAGE, 0), OPT(AVP_FAILED_AVP, 0),
};

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

#define CMD(app, code, rq, name, t) { app, code, rq, name, t, sizeof(t) / sizeof(t[0]), 0 }
#define CMDX(app, code, name, t, exp) { app, code, false, name, t, sizeof(t) / sizeof(t[0]), exp }
#define EXP(c) (1u << ((c) - 2001))
static const struct diam_cmd_rules cmds[] = {
	CMD(DIAM_APP_BASE, DIAM_CMD_CE, true, "CER", cer),
	CMD(DIAM_APP_BASE, DIAM_CMD_CE, false, "CEA", cea),
	CMD(DIAM_APP_BASE, DIAM_CMD_DW, true, "DWR", dwr),
	CMD(DIAM_APP_BASE, DIAM_CMD_DW, false, "DWA", dwa),
	CMD(DIAM_APP_BASE, DIAM_CMD_DP, true, "DPR", dpr),
	CMD(DIAM_APP_BASE, DIAM_CMD_DP, false, "DPA", dpa),
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

const struct diam_cmd_rules *diam_rules_cmd(uint32_t app_id, uint32_t code, bool request)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].app_id == app_id && cmds[i].code == code && cmds[i].request == request)
			return &cmds[i];
	return NULL;
}

/* ---- Grouped AVPs ----------------------------------------------------- */
/* RFC 6733 §6.11: { Vendor-Id } [ Auth-Application-Id ] [ Acct-Application-Id ]. */
static const struct diam_rule g_vsai[] = {
	REQ(AVP_VENDOR_ID, 0), OPT(AVP_AUTH_APPLICATION_ID, 0), OPT(AVP_ACCT_APPLICATION_ID, 0),
};
/* RFC 6733 §7.6. */
static const struct diam_rule g_exp[] = {
	REQ(AVP_VENDOR_ID, 0), REQ(AVP_EXPERIMENTAL_RESULT_CODE, 0),
};
/* RFC 6733 §6.7.2. */
static const struct diam_rule g_proxy[] = { REQ(AVP_PROXY_HOST, 0), REQ(AVP_PROXY_STATE, 0) };
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
/* TS 29.272 §7.3.11, §7.3.18. */
static const struct diam_rule g_req_eutran[] = {
	OPT(AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3), OPT(AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, V3),
	OPT(AVP_S6A_RE_SYNCHRONIZATION_INFO, V3),
};
static const struct diam_rule g_eutran_vec[] = {
	OPT(AVP_S6A_ITEM_NUMBER, V3), REQ(AVP_S6A_RAND, V3), REQ(AVP_S6A_XRES, V3),
	REQ(AVP_S6A_AUTN, V3), REQ(AVP_S6A_KASME, V3),
};

#define GRP(code, v, t) { code, v, t, sizeof(t) / sizeof(t[0]) }
static const struct diam_group_rules groups[] = {
	GRP(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, g_vsai),
	GRP(AVP_EXPERIMENTAL_RESULT, 0, g_exp),
	GRP(AVP_PROXY_INFO, 0, g_proxy),
	GRP(AVP_CX_SIP_AUTH_DATA_ITEM, V3, g_sadi),
	GRP(AVP_CX_DEREGISTRATION_REASON, V3, g_dereg),
	GRP(AVP_CX_SUPPORTED_FEATURES, V3, g_sf),
	GRP(AVP_CX_SIP_DIGEST_AUTHENTICATE, V3, g_sda),
	GRP(AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3, g_req_eutran),
	GRP(AVP_S6A_EUTRAN_VECTOR, V3, g_eutran_vec),
};

const struct diam_group_rules *diam_rules_group(uint32_t code, uint32_t vendor)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].code == code && groups[i].vendor == vendor)
			return &groups[i];
	return NULL;
}
