/* Answering a SIP digest challenge as an IMS UE — pure functions, no
 * sockets: parse WWW-Authenticate, check AUTN on the USIM, build the
 * Authorization value (TS 24.229 §5.1.1.2 and §5.1.1.5, RFC 3310, RFC 4169). */
#ifndef UE_UE_AUTH_H
#define UE_UE_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "aka/aka.h"
#include "digest/digest.h"
#include "ue.h"
#include "usim.h"

#define UE_AUTH_HDR_MAX 2048

struct ue_challenge {
	char realm[256];
	char nonce[512];
	char algorithm[32];
	char qop[64];        /* the offered list, e.g. "auth,auth-int" */
	char opaque[256];
	bool stale;
};

/* Parses a WWW-Authenticate value; 0, or a negative AUTH_E* value, or
 * -20 when it is not a Digest challenge or has no nonce. */
int ue_challenge_parse(const char *value, struct ue_challenge *out);

/* How the UE answered (TS 24.229 §5.1.1.5.1/.2/.3). */
enum ue_answer_kind {
	UE_ANS_RES = 0,      /* AUTN ok: response over RES (or the AKAv2 password) */
	UE_ANS_PASSWORD,     /* plain MD5 digest */
	UE_ANS_AUTS,         /* sync failure: auts + response over "" */
	UE_ANS_MAC_FAILURE,  /* MAC failure: empty response, no RES */
};
const char *ue_answer_kind_name(enum ue_answer_kind k);

/* Everything the explain view shows about one answer. */
struct ue_answer {
	enum ue_answer_kind kind;
	enum digest_alg alg;
	enum digest_qop qop;
	int usim_rc;                   /* AKA_OK / AKA_EMAC / AKA_ESYNC / other */
	struct nonce_parts nonce;
	struct aka_usim_result usim;
	uint8_t password[64];
	size_t password_len;
	struct digest_result digest;
	char nc[9];
	char cnonce[33];
	char auts_b64[32];
	char header[UE_AUTH_HDR_MAX];  /* the Authorization value */
};

struct ue_answer_req {
	const char *method;      /* "REGISTER" */
	const char *uri;         /* digest-uri, "sip:REALM" */
	const uint8_t *body;     /* auth-int body (REGISTER: none) */
	size_t body_len;
	unsigned nc;             /* 1 for a fresh nonce */
	const char *cnonce;
	const char *ha2;         /* digest_ha2(method, uri) when the caller keeps it; NULL = computed */
	bool corrupt_res;        /* fault: answer with a wrong RES */
};

/* Initial REGISTER credentials: username, realm, uri, nonce="" and
 * response="" (TS 24.229 §5.1.1.2.1). */
int ue_auth_initial(const struct ue_cfg *cfg, const char *uri, char *out, size_t outsz);

/* Answers `ch`. Returns 0 with `ans` filled, or negative: -21 the
 * challenge's algorithm is not ours, -22 bad nonce, other AKA/USIM errors. */
int ue_auth_answer(const struct ue_cfg *cfg, struct usim *u, const struct ue_challenge *ch,
		   const struct ue_answer_req *req, struct ue_answer *ans);

/* Re-uses the RES/password of `prev` for the same nonce with a new nc and
 * cnonce (a refresh: the USIM is not asked again — a second AUTN check of
 * the same RAND would be a replay). -23 when prev holds no usable answer. */
int ue_auth_reanswer(const struct ue_cfg *cfg, const struct ue_challenge *ch,
		     const struct ue_answer_req *req, const struct ue_answer *prev,
		     struct ue_answer *ans);

#define UE_E_NOTDIGEST (-20)
#define UE_E_ALG (-21)
#define UE_E_NONCE (-22)
#define UE_E_NOANSWER (-23)

#endif
