/* The AVP and command dictionary (see dict.h). The AVP table is written in
 * spec order for reading; a hash index is built on first use so lookups
 * on the hot path (every diam_put_*) cost about one probe. */
#include "dict.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"

#define V3 DIAM_VENDOR_3GPP
#define A(c, v, m, t, n) { c, v, DM_##m, DT_##t, n, false }
#define K(c, v, m, t, n) { c, v, DM_##m, DT_##t, n, true }

static const struct diam_dict_avp avps[] = {
	/* RFC 6733 §4.5 and friends (vendor 0). */
	A(1, 0, MUST, UTF8, "User-Name"),
	A(8, 0, MUST, OCTETS, "Framed-IP-Address"),
	A(25, 0, MUST, OCTETS, "Class"),
	A(27, 0, MUST, U32, "Session-Timeout"),
	A(33, 0, MUST, OCTETS, "Proxy-State"),
	A(96, 0, MUST, U64, "Framed-Interface-Id"),
	A(97, 0, MUST, OCTETS, "Framed-IPv6-Prefix"),
	A(104, 0, MUST, UTF8, "Digest-Realm"),
	A(110, 0, MUST, UTF8, "Digest-QoP"),
	A(111, 0, MUST, UTF8, "Digest-Algorithm"),
	K(121, 0, MUST, UTF8, "Digest-HA1"),
	A(125, 0, MUST, OCTETS, "MIP6-Home-Link-Prefix"),
	A(257, 0, MUST, ADDRESS, "Host-IP-Address"),
	A(258, 0, MUST, U32, "Auth-Application-Id"),
	A(259, 0, MUST, U32, "Acct-Application-Id"),
	A(260, 0, MUST, GROUPED, "Vendor-Specific-Application-Id"),
	A(263, 0, MUST, UTF8, "Session-Id"),
	A(264, 0, MUST, IDENTITY, "Origin-Host"),
	A(265, 0, MUST, U32, "Supported-Vendor-Id"),
	A(266, 0, MUST, U32, "Vendor-Id"),
	A(267, 0, MUSTNOT, U32, "Firmware-Revision"),
	A(268, 0, MUST, U32, "Result-Code"),
	A(269, 0, MUSTNOT, UTF8, "Product-Name"),
	A(273, 0, MUST, ENUM, "Disconnect-Cause"),
	A(274, 0, MUST, ENUM, "Auth-Request-Type"),
	A(277, 0, MUST, ENUM, "Auth-Session-State"),
	A(278, 0, MUST, U32, "Origin-State-Id"),
	A(279, 0, MUST, GROUPED, "Failed-AVP"),
	A(280, 0, MUST, IDENTITY, "Proxy-Host"),
	A(281, 0, MUSTNOT, UTF8, "Error-Message"),
	A(282, 0, MUST, IDENTITY, "Route-Record"),
	A(283, 0, MUST, IDENTITY, "Destination-Realm"),
	A(284, 0, MUST, GROUPED, "Proxy-Info"),
	A(285, 0, MUST, ENUM, "Re-Auth-Request-Type"),
	A(293, 0, MUST, IDENTITY, "Destination-Host"),
	A(294, 0, MUSTNOT, IDENTITY, "Error-Reporting-Host"),
	A(295, 0, MUST, ENUM, "Termination-Cause"),
	A(296, 0, MUST, IDENTITY, "Origin-Realm"),
	A(297, 0, MUST, GROUPED, "Experimental-Result"),
	A(298, 0, MUST, U32, "Experimental-Result-Code"),
	A(299, 0, MUST, U32, "Inband-Security-Id"),
	A(301, 0, MUSTNOT, ENUM, "DRMP"),
	A(334, 0, MUST, ADDRESS, "MIP-Home-Agent-Address"),
	A(348, 0, MUST, GROUPED, "MIP-Home-Agent-Host"),
	A(486, 0, MUST, GROUPED, "MIP6-Agent-Info"),
	A(493, 0, MUST, UTF8, "Service-Selection"),
	/* RFC 7683 overload control (vendor 0). */
	A(621, 0, MUSTNOT, GROUPED, "OC-Supported-Features"),
	A(622, 0, MUSTNOT, U64, "OC-Feature-Vector"),
	A(623, 0, MUSTNOT, GROUPED, "OC-OLR"),
	A(624, 0, MUSTNOT, U64, "OC-Sequence-Number"),
	A(625, 0, MUSTNOT, U32, "OC-Validity-Duration"),
	A(626, 0, MUSTNOT, ENUM, "OC-Report-Type"),
	A(627, 0, MUSTNOT, U32, "OC-Reduction-Percentage"),
	/* TS 29.229 §6.3 Cx/Dx (vendor 10415). */
	A(600, V3, MUST, OCTETS, "Visited-Network-Identifier"),
	A(601, V3, MUST, UTF8, "Public-Identity"),
	A(602, V3, MUST, UTF8, "Server-Name"),
	A(603, V3, MUST, GROUPED, "Server-Capabilities"),
	A(604, V3, MUST, U32, "Mandatory-Capability"),
	A(605, V3, MUST, U32, "Optional-Capability"),
	A(606, V3, MUST, OCTETS, "User-Data"),
	A(607, V3, MUST, U32, "SIP-Number-Auth-Items"),
	A(608, V3, MUST, UTF8, "SIP-Authentication-Scheme"),
	A(609, V3, MUST, OCTETS, "SIP-Authenticate"),
	K(610, V3, MUST, OCTETS, "SIP-Authorization"),
	A(611, V3, MUST, OCTETS, "SIP-Authentication-Context"),
	A(612, V3, MUST, GROUPED, "SIP-Auth-Data-Item"),
	A(613, V3, MUST, U32, "SIP-Item-Number"),
	A(614, V3, MUST, ENUM, "Server-Assignment-Type"),
	A(615, V3, MUST, GROUPED, "Deregistration-Reason"),
	A(616, V3, MUST, ENUM, "Reason-Code"),
	A(617, V3, MUST, UTF8, "Reason-Info"),
	A(618, V3, MUST, GROUPED, "Charging-Information"),
	A(619, V3, MUST, URI, "Primary-Event-Charging-Function-Name"),
	A(620, V3, MUST, URI, "Secondary-Event-Charging-Function-Name"),
	A(621, V3, MUST, URI, "Primary-Charging-Collection-Function-Name"),
	A(622, V3, MUST, URI, "Secondary-Charging-Collection-Function-Name"),
	A(623, V3, MUST, ENUM, "User-Authorization-Type"),
	A(624, V3, MUST, ENUM, "User-Data-Already-Available"),
	K(625, V3, MUST, OCTETS, "Confidentiality-Key"),
	K(626, V3, MUST, OCTETS, "Integrity-Key"),
	A(628, V3, MAY, GROUPED, "Supported-Features"),
	A(629, V3, MUSTNOT, U32, "Feature-List-ID"),
	A(630, V3, MUSTNOT, U32, "Feature-List"),
	A(632, V3, MUSTNOT, GROUPED, "Associated-Identities"),
	A(633, V3, MUST, ENUM, "Originating-Request"),
	A(634, V3, MUSTNOT, UTF8, "Wildcarded-Public-Identity"),
	A(635, V3, MUSTNOT, GROUPED, "SIP-Digest-Authenticate"),
	A(637, V3, MUSTNOT, U32, "UAR-Flags"),
	A(638, V3, MUSTNOT, ENUM, "Loose-Route-Indication"),
	A(639, V3, MUSTNOT, GROUPED, "SCSCF-Restoration-Info"),
	A(640, V3, MUSTNOT, OCTETS, "Path"),
	A(641, V3, MUSTNOT, OCTETS, "Contact"),
	A(642, V3, MUSTNOT, GROUPED, "Subscription-Info"),
	A(643, V3, MUSTNOT, OCTETS, "Call-ID-SIP-Header"),
	A(644, V3, MUSTNOT, OCTETS, "From-SIP-Header"),
	A(645, V3, MUSTNOT, OCTETS, "To-SIP-Header"),
	A(646, V3, MUSTNOT, OCTETS, "Record-Route"),
	A(647, V3, MUSTNOT, GROUPED, "Associated-Registered-Identities"),
	A(648, V3, MUSTNOT, ENUM, "Multiple-Registration-Indication"),
	A(649, V3, MUSTNOT, GROUPED, "Restoration-Info"),
	A(650, V3, MUSTNOT, ENUM, "Session-Priority"),
	A(651, V3, MUSTNOT, GROUPED, "Identity-with-Emergency-Registration"),
	A(652, V3, MUSTNOT, ENUM, "Priviledged-Sender-Indication"),
	A(653, V3, MUSTNOT, U32, "LIA-Flags"),
	A(654, V3, MUSTNOT, U32, "Initial-CSeq-Sequence-Number"),
	A(655, V3, MUSTNOT, U32, "SAR-Flags"),
	A(656, V3, MUSTNOT, GROUPED, "Allowed-WAF-WWSF-Identities"),
	A(500, 13019, MUSTNOT, OCTETS, "Line-Identifier"),
	/* TS 29.329 / 29.212 / 29.214 / 29.061 AVPs used by S6a. */
	A(701, V3, MUST, OCTETS, "MSISDN"),
	A(848, V3, MUST, ADDRESS, "Served-Party-IP-Address"), /* TS 32.299, S6a static IP */
	A(13, V3, MAY, UTF8, "3GPP-Charging-Characteristics"),
	A(1028, V3, MUST, ENUM, "QoS-Class-Identifier"),
	A(1032, V3, MUSTNOT, ENUM, "RAT-Type"),
	A(1034, V3, MAY, GROUPED, "Allocation-Retention-Priority"),
	A(1046, V3, MAY, U32, "Priority-Level"),
	A(1047, V3, MAY, ENUM, "Pre-emption-Capability"),
	A(1048, V3, MAY, ENUM, "Pre-emption-Vulnerability"),
	A(515, V3, MUST, U32, "Max-Requested-Bandwidth-DL"),
	A(516, V3, MUST, U32, "Max-Requested-Bandwidth-UL"),
	A(554, V3, MUSTNOT, U32, "Extended-Max-Requested-BW-DL"),
	A(555, V3, MUSTNOT, U32, "Extended-Max-Requested-BW-UL"),
	/* TS 29.272 §7.3 S6a/S6d (vendor 10415). */
	A(1400, V3, MUST, GROUPED, "Subscription-Data"),
	A(1401, V3, MUST, GROUPED, "Terminal-Information"),
	A(1402, V3, MUST, UTF8, "IMEI"),
	A(1403, V3, MUST, UTF8, "Software-Version"),
	A(1405, V3, MUST, U32, "ULR-Flags"),
	A(1406, V3, MUST, U32, "ULA-Flags"),
	A(1407, V3, MUST, OCTETS, "Visited-PLMN-Id"),
	A(1408, V3, MUST, GROUPED, "Requested-EUTRAN-Authentication-Info"),
	A(1409, V3, MUST, GROUPED, "Requested-UTRAN-GERAN-Authentication-Info"),
	A(1410, V3, MUST, U32, "Number-Of-Requested-Vectors"),
	A(1411, V3, MUST, OCTETS, "Re-Synchronization-Info"),
	A(1412, V3, MUST, U32, "Immediate-Response-Preferred"),
	A(1413, V3, MUST, GROUPED, "Authentication-Info"),
	A(1414, V3, MUST, GROUPED, "E-UTRAN-Vector"),
	A(1415, V3, MUST, GROUPED, "UTRAN-Vector"),
	A(1416, V3, MUST, GROUPED, "GERAN-Vector"),
	A(1417, V3, MUST, ENUM, "Network-Access-Mode"),
	A(1418, V3, MUST, U32, "HPLMN-ODB"),
	A(1419, V3, MUST, U32, "Item-Number"),
	A(1420, V3, MUST, ENUM, "Cancellation-Type"),
	A(1421, V3, MUST, U32, "DSR-Flags"),
	A(1423, V3, MUST, U32, "Context-Identifier"),
	A(1424, V3, MUST, ENUM, "Subscriber-Status"),
	A(1425, V3, MUST, U32, "Operator-Determined-Barring"),
	A(1426, V3, MUST, U32, "Access-Restriction-Data"),
	A(1427, V3, MUST, UTF8, "APN-OI-Replacement"),
	A(1428, V3, MUST, ENUM, "All-APN-Configurations-Included-Indicator"),
	A(1429, V3, MUST, GROUPED, "APN-Configuration-Profile"),
	A(1430, V3, MUST, GROUPED, "APN-Configuration"),
	A(1431, V3, MUST, GROUPED, "EPS-Subscribed-QoS-Profile"),
	A(1432, V3, MUST, ENUM, "VPLMN-Dynamic-Address-Allowed"),
	A(1433, V3, MUST, OCTETS, "STN-SR"),
	A(1435, V3, MUST, GROUPED, "AMBR"),
	A(1438, V3, MUST, ENUM, "PDN-GW-Allocation-Type"),
	A(1442, V3, MUST, U32, "PUA-Flags"),
	A(1447, V3, MUST, OCTETS, "RAND"),
	K(1448, V3, MUST, OCTETS, "XRES"),
	A(1449, V3, MUST, OCTETS, "AUTN"),
	K(1450, V3, MUST, OCTETS, "KASME"),
	K(1453, V3, MUST, OCTETS, "Kc"),
	K(1454, V3, MUST, OCTETS, "SRES"),
	A(1456, V3, MUST, ENUM, "PDN-Type"),
	A(1472, V3, MUST, GROUPED, "Specific-APN-Info"),
	A(1490, V3, MUST, U32, "IDR-Flags"),
	A(1491, V3, MUSTNOT, ENUM, "ICS-Indicator"),
	A(1612, V3, MUSTNOT, GROUPED, "Active-APN"),
	A(1614, V3, MUSTNOT, ENUM, "Error-Diagnostic"),
	A(1615, V3, MUSTNOT, ENUM, "UE-SRVCC-Capability"),
	A(1635, V3, MUSTNOT, U32, "PUR-Flags"),
	A(1637, V3, MUSTNOT, GROUPED, "Equivalent-PLMN-List"),
	A(1638, V3, MUSTNOT, U32, "CLR-Flags"),
	A(1679, V3, MUSTNOT, U32, "AIR-Flags"),
	A(1680, V3, MUSTNOT, U32, "UE-Usage-Type"),
	A(1683, V3, MUSTNOT, U32, "Additional-Context-Identifier"),
};
#define N_AVPS (sizeof(avps) / sizeof(avps[0]))

/* Open-addressing hash of (code, vendor): every diam_put_* and every
 * validated AVP looks here, so it is one multiply and usually one probe. */
#define HASH_SLOTS 1024 /* power of two, > 4 × N_AVPS */
static const struct diam_dict_avp *slots[HASH_SLOTS];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static unsigned hash_key(uint32_t code, uint32_t vendor)
{
	return ((code * 2654435761u) ^ (vendor * 40503u)) & (HASH_SLOTS - 1);
}

static void build_index(void)
{
	_Static_assert(N_AVPS * 4 < HASH_SLOTS, "dictionary hash too small");
	for (size_t i = 0; i < N_AVPS; i++) {
		unsigned h = hash_key(avps[i].code, avps[i].vendor);

		while (slots[h])
			h = (h + 1) & (HASH_SLOTS - 1);
		slots[h] = &avps[i];
	}
}

const struct diam_dict_avp *diam_dict_avp(uint32_t code, uint32_t vendor)
{
	unsigned h = hash_key(code, vendor);

	pthread_once(&index_once, build_index); /* safe for threaded users too */
	for (; slots[h]; h = (h + 1) & (HASH_SLOTS - 1))
		if (slots[h]->code == code && slots[h]->vendor == vendor)
			return slots[h];
	return NULL;
}

const struct diam_dict_avp *diam_dict_avp_by_name(const char *name)
{
	for (size_t i = 0; i < N_AVPS; i++)
		if (!strcmp(avps[i].name, name))
			return &avps[i];
	return NULL;
}

uint8_t diam_dict_flags(uint32_t code, uint32_t vendor)
{
	const struct diam_dict_avp *d = diam_dict_avp(code, vendor);
	uint8_t f = vendor ? 0x80 : 0;

	if (d && d->m == DM_MUST)
		f |= 0x40;
	return f;
}

const char *diam_type_name(enum diam_type t)
{
	static const char *const names[] = {
		"OctetString", "UTF8String", "DiameterIdentity", "DiameterURI", "Address",
		"Time", "Integer32", "Integer64", "Unsigned32", "Unsigned64", "Float32",
		"Float64", "Enumerated", "Grouped",
	};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

/* ---- Commands --------------------------------------------------------- */
static const struct diam_dict_cmd cmds[] = {
	{ DIAM_APP_BASE, DIAM_CMD_CE, "CER", "CEA", "Capabilities-Exchange", false },
	{ DIAM_APP_BASE, DIAM_CMD_DW, "DWR", "DWA", "Device-Watchdog", false },
	{ DIAM_APP_BASE, DIAM_CMD_DP, "DPR", "DPA", "Disconnect-Peer", false },
	{ DIAM_APP_CX, DIAM_CMD_UA, "UAR", "UAA", "User-Authorization", true },
	{ DIAM_APP_CX, DIAM_CMD_SA, "SAR", "SAA", "Server-Assignment", true },
	{ DIAM_APP_CX, DIAM_CMD_LI, "LIR", "LIA", "Location-Info", true },
	{ DIAM_APP_CX, DIAM_CMD_MA, "MAR", "MAA", "Multimedia-Auth", true },
	{ DIAM_APP_CX, DIAM_CMD_RT, "RTR", "RTA", "Registration-Termination", true },
	{ DIAM_APP_CX, DIAM_CMD_PP, "PPR", "PPA", "Push-Profile", true },
	{ DIAM_APP_S6A, DIAM_CMD_UL, "ULR", "ULA", "Update-Location", true },
	{ DIAM_APP_S6A, DIAM_CMD_CL, "CLR", "CLA", "Cancel-Location", true },
	{ DIAM_APP_S6A, DIAM_CMD_AI, "AIR", "AIA", "Authentication-Information", true },
	{ DIAM_APP_S6A, DIAM_CMD_ID, "IDR", "IDA", "Insert-Subscriber-Data", true },
	{ DIAM_APP_S6A, DIAM_CMD_DS, "DSR", "DSA", "Delete-Subscriber-Data", true },
	{ DIAM_APP_S6A, DIAM_CMD_PU, "PUR", "PUA", "Purge-UE", true },
	{ DIAM_APP_S6A, 322, "RSR", "RSA", "Reset", true },
	{ DIAM_APP_S6A, DIAM_CMD_NO, "NOR", "NOA", "Notify", true },
};

const struct diam_dict_cmd *diam_dict_cmd(uint32_t app_id, uint32_t code)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].app_id == app_id && cmds[i].code == code)
			return &cmds[i];
	return NULL;
}

bool diam_dict_app_known(uint32_t app_id)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].app_id == app_id)
			return true;
	return false;
}

const char *diam_dict_app_name(uint32_t app_id)
{
	switch (app_id) {
	case DIAM_APP_BASE: return "Diameter Common Messages";
	case 3: return "Diameter Base Accounting";
	case DIAM_APP_CX: return "3GPP Cx";
	case 16777217: return "3GPP Sh";
	case DIAM_APP_S6A: return "3GPP S6a/S6d";
	case DIAM_APP_RELAY: return "Relay";
	}
	return NULL;
}

const char *diam_dict_cmd_abbrev(uint32_t app_id, uint32_t code, bool request)
{
	const struct diam_dict_cmd *c = diam_dict_cmd(app_id, code);

	if (!c) /* base commands keep their meaning under any app id */
		c = diam_dict_cmd(DIAM_APP_BASE, code);
	return c ? (request ? c->req_name : c->ans_name) : NULL;
}

/* ---- Value names ------------------------------------------------------ */
struct enum_name {
	uint32_t code, vendor;
	int32_t value;
	const char *name;
};

static const struct enum_name enums[] = {
	{ 273, 0, 0, "REBOOTING" }, { 273, 0, 1, "BUSY" },
	{ 273, 0, 2, "DO_NOT_WANT_TO_TALK_TO_YOU" },
	{ 274, 0, 1, "AUTHENTICATE_ONLY" }, { 274, 0, 2, "AUTHORIZE_ONLY" },
	{ 274, 0, 3, "AUTHORIZE_AUTHENTICATE" },
	{ 277, 0, 0, "STATE_MAINTAINED" }, { 277, 0, 1, "NO_STATE_MAINTAINED" },
	{ 614, V3, 0, "NO_ASSIGNMENT" }, { 614, V3, 1, "REGISTRATION" },
	{ 614, V3, 2, "RE_REGISTRATION" }, { 614, V3, 3, "UNREGISTERED_USER" },
	{ 614, V3, 4, "TIMEOUT_DEREGISTRATION" }, { 614, V3, 5, "USER_DEREGISTRATION" },
	{ 614, V3, 6, "TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME" },
	{ 614, V3, 7, "USER_DEREGISTRATION_STORE_SERVER_NAME" },
	{ 614, V3, 8, "ADMINISTRATIVE_DEREGISTRATION" },
	{ 614, V3, 9, "AUTHENTICATION_FAILURE" }, { 614, V3, 10, "AUTHENTICATION_TIMEOUT" },
	{ 614, V3, 11, "DEREGISTRATION_TOO_MUCH_DATA" },
	{ 614, V3, 12, "AAA_USER_DATA_REQUEST" }, { 614, V3, 13, "PGW_UPDATE" },
	{ 614, V3, 14, "RESTORATION" },
	{ 616, V3, 0, "PERMANENT_TERMINATION" }, { 616, V3, 1, "NEW_SERVER_ASSIGNED" },
	{ 616, V3, 2, "SERVER_CHANGE" }, { 616, V3, 3, "REMOVE_S-CSCF" },
	{ 623, V3, 0, "REGISTRATION" }, { 623, V3, 1, "DE_REGISTRATION" },
	{ 623, V3, 2, "REGISTRATION_AND_CAPABILITIES" },
	{ 624, V3, 0, "USER_DATA_NOT_AVAILABLE" }, { 624, V3, 1, "USER_DATA_ALREADY_AVAILABLE" },
	{ 633, V3, 0, "ORIGINATING" },
	{ 648, V3, 0, "NOT_MULTIPLE_REGISTRATION" }, { 648, V3, 1, "MULTIPLE_REGISTRATION" },
	{ 1420, V3, 0, "MME_UPDATE_PROCEDURE" }, { 1420, V3, 1, "SGSN_UPDATE_PROCEDURE" },
	{ 1420, V3, 2, "SUBSCRIPTION_WITHDRAWAL" }, { 1420, V3, 3, "UPDATE_PROCEDURE_IWF" },
	{ 1420, V3, 4, "INITIAL_ATTACH_PROCEDURE" },
	{ 1424, V3, 0, "SERVICE_GRANTED" }, { 1424, V3, 1, "OPERATOR_DETERMINED_BARRING" },
	{ 1417, V3, 0, "PACKET_AND_CIRCUIT" }, { 1417, V3, 2, "ONLY_PACKET" },
	{ 1456, V3, 0, "IPv4" }, { 1456, V3, 1, "IPv6" }, { 1456, V3, 2, "IPv4v6" },
	{ 1456, V3, 3, "IPv4_OR_IPv6" },
	{ 1032, V3, 1000, "UTRAN" }, { 1032, V3, 1001, "GERAN" }, { 1032, V3, 1004, "EUTRAN" },
	{ 1032, V3, 1005, "EUTRAN-NB-IoT" },
};

const char *diam_dict_enum_name(uint32_t code, uint32_t vendor, int32_t value)
{
	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++)
		if (enums[i].code == code && enums[i].vendor == vendor && enums[i].value == value)
			return enums[i].name;
	return NULL;
}

const char *diam_result_name(uint32_t code)
{
	static const struct { uint32_t c; const char *n; } t[] = {
		{ 1001, "DIAMETER_MULTI_ROUND_AUTH" }, { 2001, "DIAMETER_SUCCESS" },
		{ 2002, "DIAMETER_LIMITED_SUCCESS" }, { 3001, "DIAMETER_COMMAND_UNSUPPORTED" },
		{ 3002, "DIAMETER_UNABLE_TO_DELIVER" }, { 3003, "DIAMETER_REALM_NOT_SERVED" },
		{ 3004, "DIAMETER_TOO_BUSY" }, { 3005, "DIAMETER_LOOP_DETECTED" },
		{ 3006, "DIAMETER_REDIRECT_INDICATION" },
		{ 3007, "DIAMETER_APPLICATION_UNSUPPORTED" }, { 3008, "DIAMETER_INVALID_HDR_BITS" },
		{ 3009, "DIAMETER_INVALID_AVP_BITS" }, { 3010, "DIAMETER_UNKNOWN_PEER" },
		{ 4001, "DIAMETER_AUTHENTICATION_REJECTED" }, { 4002, "DIAMETER_OUT_OF_SPACE" },
		{ 4003, "DIAMETER_ELECTION_LOST" }, { 5001, "DIAMETER_AVP_UNSUPPORTED" },
		{ 5002, "DIAMETER_UNKNOWN_SESSION_ID" }, { 5003, "DIAMETER_AUTHORIZATION_REJECTED" },
		{ 5004, "DIAMETER_INVALID_AVP_VALUE" }, { 5005, "DIAMETER_MISSING_AVP" },
		{ 5006, "DIAMETER_RESOURCES_EXCEEDED" }, { 5007, "DIAMETER_CONTRADICTING_AVPS" },
		{ 5008, "DIAMETER_AVP_NOT_ALLOWED" }, { 5009, "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES" },
		{ 5010, "DIAMETER_NO_COMMON_APPLICATION" }, { 5011, "DIAMETER_UNSUPPORTED_VERSION" },
		{ 5012, "DIAMETER_UNABLE_TO_COMPLY" }, { 5013, "DIAMETER_INVALID_BIT_IN_HEADER" },
		{ 5014, "DIAMETER_INVALID_AVP_LENGTH" }, { 5015, "DIAMETER_INVALID_MESSAGE_LENGTH" },
		{ 5016, "DIAMETER_INVALID_AVP_BIT_COMBO" }, { 5017, "DIAMETER_NO_COMMON_SECURITY" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].c == code)
			return t[i].n;
	return NULL;
}

const char *diam_exp_result_name(uint32_t code)
{
	static const struct { uint32_t c; const char *n; } t[] = {
		{ 2001, "DIAMETER_FIRST_REGISTRATION" },
		{ 2002, "DIAMETER_SUBSEQUENT_REGISTRATION" },
		{ 2003, "DIAMETER_UNREGISTERED_SERVICE" },
		{ 2004, "DIAMETER_SUCCESS_SERVER_NAME_NOT_STORED" },
		{ 4181, "DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE" },
		{ 5001, "DIAMETER_ERROR_USER_UNKNOWN" },
		{ 5002, "DIAMETER_ERROR_IDENTITIES_DONT_MATCH" },
		{ 5003, "DIAMETER_ERROR_IDENTITY_NOT_REGISTERED" },
		{ 5004, "DIAMETER_ERROR_ROAMING_NOT_ALLOWED" },
		{ 5006, "DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED" },
		{ 5007, "DIAMETER_ERROR_IN_ASSIGNMENT_TYPE" },
		{ 5008, "DIAMETER_ERROR_TOO_MUCH_DATA" },
		{ 5009, "DIAMETER_ERROR_NOT_SUPPORTED_USER_DATA" },
		{ 5420, "DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION" },
		{ 5421, "DIAMETER_ERROR_RAT_NOT_ALLOWED" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].c == code)
			return t[i].n;
	return NULL;
}
