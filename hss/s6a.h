/* Internals shared by the S6a handlers (hss/s6a.c), the Subscription-Data
 * builder (hss/s6a_subdata.c) and the HSS-initiated CLR/IDR
 * (hss/s6a_out.c, kinds of the outbound queue: out_queue.h). The public
 * seam is hss/app.h (s6a_app).
 *
 * Outcomes as in Cx (cx.h): 0 = DIAMETER_SUCCESS, or one of the negative
 * S6A_E_* values, mapped to the answer in s6a_put_result(). */
#ifndef HSS_S6A_H
#define HSS_S6A_H

#include <errno.h>

#include "answer.h"
#include "app.h"
#include "db.h"
#include "db_apn.h"

/* TS 29.272 §7.3 AVP codes not (yet) in diameter/codes.h (vendor 10415
 * unless noted). */
#define S6A_AVP_TERMINAL_INFORMATION 1401u
#define S6A_AVP_NETWORK_ACCESS_MODE 1417u
#define S6A_AVP_CONTEXT_IDENTIFIER 1423u
#define S6A_AVP_SUBSCRIBER_STATUS 1424u
#define S6A_AVP_OPERATOR_DETERMINED_BARRING 1425u
#define S6A_AVP_ACCESS_RESTRICTION_DATA 1426u
#define S6A_AVP_ALL_APN_CONFIG_INC_IND 1428u
#define S6A_AVP_APN_CONFIGURATION_PROFILE 1429u
#define S6A_AVP_APN_CONFIGURATION 1430u
#define S6A_AVP_EPS_SUBSCRIBED_QOS_PROFILE 1431u
#define S6A_AVP_VPLMN_DYNAMIC_ADDRESS_ALLOWED 1432u
#define S6A_AVP_AMBR 1435u
#define S6A_AVP_PUA_FLAGS 1442u
#define S6A_AVP_PDN_TYPE 1456u
#define S6A_AVP_IDR_FLAGS 1490u
#define S6A_AVP_PUR_FLAGS 1635u
#define S6A_AVP_CLR_FLAGS 1638u
#define S6A_AVP_REQ_UTRAN_GERAN_AUTH_INFO 1409u
#define S6A_AVP_RAT_TYPE 1032u                /* TS 29.212 */
#define S6A_AVP_QCI 1028u                     /* TS 29.212 */
#define S6A_AVP_ARP 1034u                     /* TS 29.212 */
#define S6A_AVP_PRIORITY_LEVEL 1046u
#define S6A_AVP_PREEMPTION_CAPABILITY 1047u
#define S6A_AVP_PREEMPTION_VULNERABILITY 1048u
#define S6A_AVP_MAX_REQ_BW_DL 515u            /* TS 29.214 */
#define S6A_AVP_MAX_REQ_BW_UL 516u
#define S6A_AVP_MSISDN 701u                   /* TS 29.329 */
#define S6A_AVP_SERVED_PARTY_IP_ADDRESS 848u  /* TS 32.299 */

/* ULR-Flags (§7.3.7), ULA-Flags (§7.3.8), PUA-Flags (§7.3.48), CLR-Flags
 * (§7.3.152). */
#define S6A_ULR_SINGLE_REGISTRATION (1u << 0)
#define S6A_ULR_S6A_INDICATOR (1u << 1)
#define S6A_ULR_SKIP_SUBSCRIBER_DATA (1u << 2)
#define S6A_ULR_INITIAL_ATTACH (1u << 5)
#define S6A_ULA_SEPARATION_INDICATION (1u << 0)
#define S6A_PUA_FREEZE_M_TMSI (1u << 0)
#define S6A_CLR_S6A_INDICATOR (1u << 0)

/* Cancellation-Type (§7.3.24). */
enum { S6A_CT_MME_UPDATE = 0, S6A_CT_SGSN_UPDATE = 1, S6A_CT_SUBSCRIPTION_WITHDRAWAL = 2,
       S6A_CT_UPDATE_IWF = 3, S6A_CT_INITIAL_ATTACH = 4 };
/* All-APN-Configurations-Included-Indicator (§7.3.44). */
enum { S6A_ALL_APN_INCLUDED = 0, S6A_MODIFIED_APN_INCLUDED = 1 };
/* RAT-Type (TS 29.212 §5.3.31). */
#define S6A_RAT_EUTRAN 1004u
/* Access-Restriction-Data bit 4: WB-E-UTRAN not allowed (§7.3.31). */
#define S6A_ARD_EUTRAN_NOT_ALLOWED (1u << 4)

/* Experimental-Result-Code values of §7.4 not in codes.h. */
#define S6A_ERROR_RAT_NOT_ALLOWED 5421u

enum s6a_err {
	S6A_E_USER_UNKNOWN = -ENOENT,      /* Exp 5001 DIAMETER_ERROR_USER_UNKNOWN */
	S6A_E_UNKNOWN_EPS = -ENODATA,      /* Exp 5420 ..._UNKNOWN_EPS_SUBSCRIPTION */
	S6A_E_RAT = -EACCES,               /* Exp 5421 DIAMETER_ERROR_RAT_NOT_ALLOWED */
	S6A_E_AUTH_DATA = -EKEYREJECTED,   /* Exp 4181 ..._AUTHENTICATION_DATA_UNAVAILABLE */
	S6A_E_INVALID = -EINVAL,           /* Result-Code 5004 + Failed-AVP */
	/* anything else: Result-Code 5012 DIAMETER_UNABLE_TO_COMPLY */
};

/* Result-Code or Experimental-Result, and log name, of each outcome
 * (answer.h). */
extern const struct hss_outcome_map s6a_outcomes[];

/* Visited-PLMN-Id (§7.3.9) is 3 octets of BCD digits (TS 24.008
 * §10.5.1.3): MCC 3 digits, MNC 2 (third nibble F) or 3. 0 or -EINVAL. */
int s6a_plmn_check(const uint8_t *p, size_t len);
/* MSISDN digits -> TBCD (TS 29.002 §17.7.8: swapped nibbles, F filler).
 * Returns the octet count or -EINVAL. */
int s6a_tbcd_encode(const char *digits, uint8_t *out, size_t outsz);

/* Writes a Subscription-Data AVP (§7.3.2) for the subscriber: Subscriber-
 * Status, MSISDN, Network-Access-Mode, Access-Restriction-Data, AMBR and the
 * APN-Configuration-Profile with every assigned APN. S6A_E_UNKNOWN_EPS when
 * no APN is assigned, -EIO on store errors. */
int s6a_put_subscription_data(struct diam_wr *w, struct db *db, const struct db_sub *s,
			      const struct db_eps *e);

/* The S6a application (s6a.c): AIR, ULR, PUR; it originates CLR and IDR
 * (s6a_out.c, through the outbound queue). */
extern const struct hss_app s6a_app;
extern const struct hss_route s6a_routes[];

#endif
