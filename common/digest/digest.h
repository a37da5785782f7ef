/* HTTP Digest for IMS: RFC 2617 responses with the three password sources
 * of IMS (plain password, RFC 3310 AKAv1 raw RES, RFC 4169 AKAv2), and the
 * AKA nonce codec. Pure computation; hex is lower case. */
#ifndef DIGEST_DIGEST_H
#define DIGEST_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define DIGEST_HEX_LEN 33 /* 32 hex digits + NUL */

enum digest_alg { DIGEST_ALG_MD5 = 0, DIGEST_ALG_AKAV1_MD5, DIGEST_ALG_AKAV2_MD5 };
/* "MD5", "AKAv1-MD5", "AKAv2-MD5" (case-insensitive; NULL/"" = MD5 per
 * RFC 3310 §3.1). -1 when unknown (e.g. MD5-sess, SHA-256). */
int digest_alg_parse(const char *s);
const char *digest_alg_name(enum digest_alg a);

enum digest_qop { DIGEST_QOP_NONE = 0, DIGEST_QOP_AUTH, DIGEST_QOP_AUTH_INT };
int digest_qop_parse(const char *s); /* "auth", "auth-int", NULL/"" -> NONE; -1 unknown */
const char *digest_qop_name(enum digest_qop q); /* "" for NONE */

/* The longest RES a password is made of: 16 octets (TS 33.102), 32 for
 * TUAK's 256-bit RES (TS 35.231 §5.1). */
#define DIGEST_RES_MAX 32

/* RFC 4169 §3: base64(HMAC-MD5(RES‖IK‖CK, "http-digest-akav2-password")),
 * 24 characters + NUL. */
int digest_akav2_password(const uint8_t *res, size_t res_len, const uint8_t ik[16],
			  const uint8_t ck[16], char out[25]);

/* Builds the digest password octets for `alg`:
 *  MD5: the password text; AKAv1: the RES octets; AKAv2: the RFC 4169 text.
 * out must hold 64 octets; *out_len set. */
int digest_password(enum digest_alg alg, const char *password, const uint8_t *res,
		    size_t res_len, const uint8_t *ik, const uint8_t *ck, uint8_t *out,
		    size_t *out_len);

struct digest_input {
	const char *username, *realm, *nonce, *uri, *method;
	enum digest_qop qop;
	const char *nc, *cnonce;   /* with a qop */
	const uint8_t *body;       /* auth-int entity body, may be NULL */
	size_t body_len;
};
struct digest_result {
	char ha1[DIGEST_HEX_LEN], ha2[DIGEST_HEX_LEN], response[DIGEST_HEX_LEN];
};
/* HA1 = MD5(user:realm:password), HA2 = MD5(method:uri[:MD5(body)]),
 * response per RFC 2617 §3.2.2.1. The password is binary-safe. This is the
 * project's one MD5 join: every digest of hssd, scscf-stub, ue-sim and
 * ims-trace comes from here. 0, or -1 with *out zeroed: any OpenSSL
 * failure is returned, so a caller can only reject on it. */
int digest_compute(const struct digest_input *in, const uint8_t *password, size_t pw_len,
		   struct digest_result *out);
/* HA1 = MD5(username ":" realm ":" password) alone, lower-case hex (what an
 * HSS sends as Digest-HA1, TS 29.229 §6.3.36). 0, or -1 (bad argument,
 * OpenSSL failure: out is then unusable). */
int digest_ha1(const char *username, const char *realm, const uint8_t *password,
	       size_t pw_len, char out[DIGEST_HEX_LEN]);
/* HA2 and the response from a known HA1 (32 lower-case hex digits): the
 * S-CSCF's SIP Digest, which never sees the password. in->username and
 * in->realm are not used. 0 or -1. */
int digest_compute_ha1(const struct digest_input *in, const char *ha1, struct digest_result *out);
/* HA2 of qop auth or none, MD5(method ":" uri) in lower-case hex: the
 * same for every challenge a UE answers with one method and URI (ue-sim
 * keeps it per user; issue 14). 0 or -1. */
int digest_ha2(const char *method, const char *uri, char out[DIGEST_HEX_LEN]);
/* digest_compute with that HA2 known (digest_ha2 of in->method, in->uri);
 * qop auth-int computes its own over the body. 0 or -1 as digest_compute. */
int digest_compute_ha2(const struct digest_input *in, const uint8_t *password, size_t pw_len,
		       const char *ha2, struct digest_result *out);
/* rspauth (RFC 2617 §3.2.3): same with an empty method. */
int digest_rspauth(const struct digest_input *in, const uint8_t *password, size_t pw_len,
		   char out[DIGEST_HEX_LEN]);

/* Nonce codec (RFC 3310 §3.2): base64(RAND ‖ AUTN ‖ server data). */
/* digest range of util/err.h, after the AUTH_E* values */
enum nonce_err {
	NONCE_OK = 0,
	NONCE_EBASE64 = -ERR_BASE_DIGEST - 16,
	NONCE_ESHORT = -ERR_BASE_DIGEST - 17,
	NONCE_ELONG = -ERR_BASE_DIGEST - 18,
};
const char *nonce_strerror(int err);
#define NONCE_EXTRA_MAX 64
struct nonce_parts {
	uint8_t rand[16];
	uint8_t autn[16];
	uint8_t extra[NONCE_EXTRA_MAX];
	size_t extra_len;
};
int nonce_decode(const char *b64, size_t len, struct nonce_parts *out);
/* out needs 4*ceil((32+extra_len)/3)+1 bytes; 45 without extra. */
int nonce_encode(const uint8_t rand[16], const uint8_t autn[16], const uint8_t *extra,
		 size_t extra_len, char *out, size_t outsz);

#endif
