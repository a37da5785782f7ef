/* Cx messages the S-CSCF sends and receives (TS 29.229 §6.1): builders
 * for MAR/SAR/RTA and parsers for CEA/MAA/SAA/RTR (the base messages are
 * diameter/base.h's). Bytes in, structs out: no sockets (STYLE.md §2), so
 * the Cx client, the registrar and unit tests share them. */
#ifndef SCSCF_CX_MSG_H
#define SCSCF_CX_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aka/aka.h"
#include "diameter/diam.h"

struct cx_ident {
	const char *origin_host, *origin_realm;
	const char *dest_realm;
	const char *dest_host;   /* NULL/"" = no Destination-Host */
	const char *server_name; /* our SIP URI */
	uint32_t origin_state_id;
};

/* Each returns the message length, or a negative DIAM_E* value. */
ssize_t cx_build_rta(uint8_t *buf, size_t cap, const struct cx_ident *id,
		     const struct diam_msg *req, uint32_t result);

/* MAR (§6.1.7). scheme = CX_SCHEME_*; sip_authorization = RAND ‖ AUTS for
 * a resync (NULL otherwise). */
ssize_t cx_build_mar(uint8_t *buf, size_t cap, const struct cx_ident *id, const char *session,
		     uint32_t hbh, uint32_t e2e, const char *impi, const char *impu,
		     const char *scheme, const uint8_t *sip_authorization, size_t auth_len);
/* The same with SIP-Number-Auth-Items = n_items (TS 29.229 §6.3.15): the
 * HSS may answer with up to n vectors. cx_build_mar is n_items = 1. */
ssize_t cx_build_mar_n(uint8_t *buf, size_t cap, const struct cx_ident *id,
		       const char *session, uint32_t hbh, uint32_t e2e, const char *impi,
		       const char *impu, const char *scheme, const uint8_t *sip_authorization,
		       size_t auth_len, uint32_t n_items);
/* SAR (§6.1.3). */
ssize_t cx_build_sar(uint8_t *buf, size_t cap, const struct cx_ident *id, const char *session,
		     uint32_t hbh, uint32_t e2e, const char *impi, const char *impu,
		     uint32_t sat, uint32_t udaa);

/* Result of an answer: Result-Code, or Experimental-Result (vendor,code). */
struct cx_result {
	uint32_t code;      /* 0 when the answer has neither */
	bool experimental;
};
int cx_get_result(const struct diam_msg *m, struct cx_result *r);
bool cx_result_ok(const struct cx_result *r); /* 2xxx */

struct cx_maa {
	struct cx_result res;
	char scheme[64];
	uint8_t authenticate[96];   /* RAND ‖ AUTN [‖ server data] */
	size_t authenticate_len;
	uint8_t authorization[AKA_RES_MAX]; /* XRES: 4..16 octets, TUAK up to 32 */
	size_t authorization_len;
	uint8_t ck[16], ik[16];
	bool have_ck, have_ik;
	char ha1[33];               /* SIP Digest: Digest-HA1, lower-case hex */
	bool have_ha1;
	char digest_realm[256];     /* SIP Digest: the realm HA1 was made for */
	char defect[96];            /* an AVP present but unusable ("" = none) */
};
/* Parses the first SIP-Auth-Data-Item (lowest SIP-Item-Number).
 * 0, or a negative DIAM_E* value when the answer is malformed. */
int cx_parse_maa(const struct diam_msg *m, struct cx_maa *out);
/* Every SIP-Auth-Data-Item, up to max, sorted by SIP-Item-Number (items
 * without one last, in message order) -- as Kamailio's ims_auth uses them:
 * the first for this challenge, the rest queued. out[i].res is the answer's
 * result in each. Returns the count (0 = none), or a negative DIAM_E*. */
int cx_parse_maa_items(const struct diam_msg *m, struct cx_maa *out, size_t max);

struct cx_saa {
	struct cx_result res;
	char assoc[2048];  /* "<uri>, <uri>" from User-Data <Identity>; "" if none */
	bool have_user_data;
};
int cx_parse_saa(const struct diam_msg *m, struct cx_saa *out);

#define CX_RTR_MAX_IMPU 16
struct cx_rtr {
	char impi[256];
	char impu[CX_RTR_MAX_IMPU][256];
	size_t n_impu;
	uint32_t reason; /* Deregistration-Reason/Reason-Code, 0 if absent */
};
int cx_parse_rtr(const struct diam_msg *m, struct cx_rtr *out);

/* The <Identity> values of a TS 29.228 Annex E User-Data document,
 * as a P-Associated-URI value "<a>, <b>". Returns the count. */
int cx_user_data_identities(const char *xml, size_t len, char *out, size_t outsz);

#endif
