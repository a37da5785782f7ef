/* Rule tables of the base protocol (RFC 6733 §5: CER/CEA, DWR/DWA,
 * DPR/DPA) and its grouped AVPs, under each command's ABNF. */
#include "rules_int.h"

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

static const struct diam_cmd_rules cmds[] = {
	CMD(DIAM_APP_BASE, DIAM_CMD_CE, true, "CER", cer),
	CMD(DIAM_APP_BASE, DIAM_CMD_CE, false, "CEA", cea),
	CMD(DIAM_APP_BASE, DIAM_CMD_DW, true, "DWR", dwr),
	CMD(DIAM_APP_BASE, DIAM_CMD_DW, false, "DWA", dwa),
	CMD(DIAM_APP_BASE, DIAM_CMD_DP, true, "DPR", dpr),
	CMD(DIAM_APP_BASE, DIAM_CMD_DP, false, "DPA", dpa),
};

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

static const struct diam_group_rules groups[] = {
	GRP(AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, g_vsai),
	GRP(AVP_EXPERIMENTAL_RESULT, 0, g_exp),
	GRP(AVP_PROXY_INFO, 0, g_proxy),
};

const struct diam_rule_set diam_rules_base = SET("base", DIAM_APP_BASE, cmds, groups);
