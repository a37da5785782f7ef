/* The S-CSCF's digest: the 401 challenge it sends and the check of the
 * Authorization that answers it (RFC 2617 §3.2, RFC 3310 §3, RFC 4169 §3,
 * TS 24.229 §5.4.1.2). Pure functions over strings and a vec_entry: no
 * sockets, no Sofia, so unit tests drive them with fixed vectors. */
#ifndef SCSCF_CHALLENGE_H
#define SCSCF_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest/auth_header.h"
#include "digest/digest.h"
#include "vectors.h"

struct challenge_params {
	const char *realm;
	const char *nonce;
	enum digest_alg alg;
	const char *qop;          /* "auth,auth-int"; NULL/"" = no qop offered */
	const uint8_t *ck, *ik;   /* AKA: 16 octets each, sent as hex (Kamailio form) */
	bool stale;
};

/* The WWW-Authenticate value, e.g.
 *   Digest realm="…", nonce="…", algorithm=AKAv1-MD5, qop="auth,auth-int",
 *   ck="…", ik="…"[, stale=true]
 * Returns the length, or -ENOSPC. */
int challenge_build(const struct challenge_params *p, char *out, size_t outsz);

/* A nonce for the 401: base64 of SIP-Authenticate (RAND ‖ AUTN ‖ server
 * data, RFC 3310 §3.2) for AKA; for SIP Digest `sip_authenticate` is NULL
 * and 24 random octets are used. Returns the length or a negative value. */
int challenge_nonce(const uint8_t *sip_authenticate, size_t len, char *out, size_t outsz);

enum chk_result {
	CHK_OK = 0,
	/* CHK range of util/err.h */
	CHK_EMISSING = -ERR_BASE_CHK - 1,   /* username/realm/nonce/uri/response absent */
	CHK_EUSERNAME = -ERR_BASE_CHK - 2,  /* not the IMPI the vector was fetched for */
	CHK_EREALM = -ERR_BASE_CHK - 3,
	CHK_ENONCE = -ERR_BASE_CHK - 4,     /* not the nonce of this entry */
	CHK_EURI = -ERR_BASE_CHK - 5,       /* digest-uri does not name this request */
	CHK_EQOP = -ERR_BASE_CHK - 6,       /* qop missing/unknown/not offered */
	CHK_ENC = -ERR_BASE_CHK - 7,        /* nc or cnonce malformed */
	CHK_EREPLAY = -ERR_BASE_CHK - 8,    /* nc not above the last one accepted */
	CHK_EALG = -ERR_BASE_CHK - 9,       /* algorithm given and not the vector's */
	CHK_ERESPONSE = -ERR_BASE_CHK - 10, /* response wrong */
};
const char *chk_strerror(int r);

struct check_input {
	const struct auth_header *h;
	const char *method;        /* "REGISTER" */
	const char *request_uri;   /* as received */
	const uint8_t *body;       /* for auth-int */
	size_t body_len;
	const char *realm;         /* ours */
	const char *qop_offered;   /* as in the challenge */
	const char *const *local_hosts; /* hosts a digest-uri may name besides the R-URI */
	size_t n_local_hosts;
	bool empty_password;       /* resync (auts): RFC 3310 §3.4 */
};

/* Checks in the order username, realm, nonce, uri, qop, nc, algorithm,
 * response (constant time). On CHK_OK the entry's last_nc is advanced. */
int challenge_check(const struct check_input *in, struct vec_entry *v);

/* Lenient digest-uri test (real UEs/SIPp send sip:IP:port while the
 * R-URI is sip:realm): same URI, or same host as the R-URI, the realm or
 * one of local_hosts. */
bool challenge_uri_ok(const char *duri, const char *ruri, const char *realm,
		      const char *const *local_hosts, size_t n);

#endif
