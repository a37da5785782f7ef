/* HTTP Digest (RFC 2617 §3.2.2) with the IMS password sources:
 * a plain password, RFC 3310 AKAv1 (the RES octets), RFC 4169 AKAv2. */
#include "digest.h"
#include "util/hex.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

static const char *const alg_names[] = { "MD5", "AKAv1-MD5", "AKAv2-MD5" };
static const char *const qop_names[] = { "", "auth", "auth-int" };

int digest_alg_parse(const char *s)
{
	if (!s || !*s)
		return DIGEST_ALG_MD5; /* RFC 2617 §3.2.1: absent = MD5 */
	for (int i = 0; i < 3; i++)
		if (!strcasecmp(s, alg_names[i]))
			return i;
	return -1;
}

const char *digest_alg_name(enum digest_alg a)
{
	return (unsigned)a < 3 ? alg_names[a] : "?";
}

int digest_qop_parse(const char *s)
{
	if (!s || !*s)
		return DIGEST_QOP_NONE;
	for (int i = 1; i < 3; i++)
		if (!strcasecmp(s, qop_names[i]))
			return i;
	return -1;
}

const char *digest_qop_name(enum digest_qop q)
{
	return (unsigned)q < 3 ? qop_names[q] : "?";
}

/* RFC 4169 §3: password = base64(PRF(RES ‖ IK ‖ CK, "http-digest-akav2-password")),
 * PRF = HMAC-MD5 for AKAv2-MD5. */
int digest_akav2_password(const uint8_t *res, size_t res_len, const uint8_t ik[16],
			  const uint8_t ck[16], char out[25])
{
	static const char label[] = "http-digest-akav2-password";
	uint8_t key[DIGEST_RES_MAX + 32], mac[16];
	unsigned int maclen = 0;

	if (!res || !ik || !ck || !out || res_len < 1 || res_len > DIGEST_RES_MAX)
		return -1;
	memcpy(key, res, res_len);
	memcpy(key + res_len, ik, 16);
	memcpy(key + res_len + 16, ck, 16);
	if (!HMAC(EVP_md5(), key, (int)(res_len + 32), (const uint8_t *)label,
		  sizeof(label) - 1, mac, &maclen) || maclen != 16) {
		memset(key, 0, sizeof(key));
		return -1;
	}
	memset(key, 0, sizeof(key));
	b64_encode(mac, sizeof(mac), out);
	return 0;
}

int digest_password(enum digest_alg alg, const char *password, const uint8_t *res,
		    size_t res_len, const uint8_t *ik, const uint8_t *ck, uint8_t *out,
		    size_t *out_len)
{
	char v2[25];
	size_t n;

	if (!out || !out_len)
		return -1;
	switch (alg) {
	case DIGEST_ALG_MD5:
		n = password ? strlen(password) : 0;
		if (!password || n > 64)
			return -1;
		memcpy(out, password, n);
		*out_len = n;
		return 0;
	case DIGEST_ALG_AKAV1_MD5:
		/* RFC 3310 §3.3: RES is the password, as raw octets. */
		if (!res || res_len < 1 || res_len > DIGEST_RES_MAX)
			return -1;
		memcpy(out, res, res_len);
		*out_len = res_len;
		return 0;
	case DIGEST_ALG_AKAV2_MD5:
		if (digest_akav2_password(res, res_len, ik, ck, v2))
			return -1;
		memcpy(out, v2, 24);
		*out_len = 24;
		return 0;
	}
	return -1;
}

/* MD5 over parts joined by ':' (NULL-terminated list of {ptr, len}). */
struct part { const void *p; size_t len; };

/* MD5 fetched once per process: EVP_DigestInit_ex(…, EVP_md5(), …) fetches
 * it on every call in OpenSSL 3, ≈ 5 % of scscf-stub's instructions per
 * registration (issue 14, bench/README.md). */
static EVP_MD *md5_md;
static pthread_once_t md5_once = PTHREAD_ONCE_INIT;
static pthread_key_t md5_key; /* the thread's EVP_MD_CTX, freed with the thread */

static void md5_ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void md5_fetch(void)
{
	md5_md = EVP_MD_fetch(NULL, "MD5", NULL);
	if (pthread_key_create(&md5_key, md5_ctx_free)) {
		EVP_MD_free(md5_md); /* no context per thread: no MD5 */
		md5_md = NULL;
	}
}

/* MD5 of the parts joined with ':' as lower-case hex. One context per
 * thread, reinitialised per digest (not a malloc'd one per call), and the
 * parts gathered into one buffer for a single update when they fit
 * (issue 14: three digests a REGISTER, each ≈ 3 k instructions of EVP
 * bookkeeping around ≈ 0.4 k of MD5 per block). */
#define MD5_GATHER 512

static int md5_join(const struct part *parts, size_t n, char hex[DIGEST_HEX_LEN])
{
	char buf[MD5_GATHER];
	size_t used = 0;
	uint8_t md[16];
	unsigned int mdlen = 0;
	int ok;

	pthread_once(&md5_once, md5_fetch);
	EVP_MD_CTX *md5_ctx = pthread_getspecific(md5_key);
	if (!md5_ctx && (md5_ctx = EVP_MD_CTX_new()) && pthread_setspecific(md5_key, md5_ctx)) {
		EVP_MD_CTX_free(md5_ctx);
		md5_ctx = NULL;
	}
	ok = md5_ctx && md5_md && EVP_DigestInit_ex2(md5_ctx, md5_md, NULL);
	for (size_t i = 0; ok && i < n; i++) {
		if (used + 1 + parts[i].len > sizeof(buf)) { /* flush what is gathered */
			ok = !used || EVP_DigestUpdate(md5_ctx, buf, used);
			used = 0;
		}
		if (i)
			buf[used++] = ':';
		if (parts[i].len <= sizeof(buf) - used) {
			if (parts[i].len)
				memcpy(buf + used, parts[i].p, parts[i].len);
			used += parts[i].len;
		} else {
			ok = ok && EVP_DigestUpdate(md5_ctx, buf, used) &&
			     EVP_DigestUpdate(md5_ctx, parts[i].p, parts[i].len);
			used = 0;
		}
	}
	ok = ok && (!used || EVP_DigestUpdate(md5_ctx, buf, used));
	ok = ok && EVP_DigestFinal_ex(md5_ctx, md, &mdlen) && mdlen == 16;
	if (ok)
		hex_encode(md, 16, hex);
	return ok ? 0 : -1;
}

#define S(x) { (x), strlen(x) }

int digest_ha1(const char *username, const char *realm, const uint8_t *password,
	       size_t pw_len, char out[DIGEST_HEX_LEN])
{
	if (!username || !realm || !out || (!password && pw_len))
		return -1;
	/* HA1 = MD5(username ":" realm ":" password) (§3.2.2.2) */
	struct part a1[] = { S(username), S(realm), { password, pw_len } };
	return md5_join(a1, 3, out);
}

int digest_ha2(const char *method, const char *uri, char out[DIGEST_HEX_LEN])
{
	if (!method || !uri || !out)
		return -1;
	struct part a2[] = { S(method), S(uri) };
	return md5_join(a2, 2, out);
}

/* HA2 and the response from a known HA1 (§3.2.2.1, §3.2.2.3); ha2, when
 * not NULL, is MD5(method ":" uri) already (digest_ha2), used unless the
 * qop is auth-int. */
static int calc_from_ha1(const struct digest_input *in, const char *method, const char *ha2,
			 struct digest_result *out)
{
	char hbody[DIGEST_HEX_LEN];

	if (!in->nonce || !in->uri || !method || (unsigned)in->qop > DIGEST_QOP_AUTH_INT)
		return -1;
	if (in->qop != DIGEST_QOP_NONE && (!in->nc || !in->cnonce))
		return -1;
	/* HA2 = MD5(method ":" uri [":" MD5hex(entity-body)]) (§3.2.2.3) */
	struct part a2[] = { S(method), S(in->uri), { hbody, 32 } };
	if (in->qop == DIGEST_QOP_AUTH_INT) {
		struct part body[] = { { in->body, in->body ? in->body_len : 0 } };
		if (md5_join(body, 1, hbody))
			return -1;
	}
	if (ha2 && in->qop != DIGEST_QOP_AUTH_INT)
		memcpy(out->ha2, ha2, DIGEST_HEX_LEN);
	else if (md5_join(a2, in->qop == DIGEST_QOP_AUTH_INT ? 3 : 2, out->ha2))
		return -1;
	/* response (§3.2.2.1) */
	if (in->qop == DIGEST_QOP_NONE) {
		struct part r[] = { { out->ha1, 32 }, S(in->nonce), { out->ha2, 32 } };
		return md5_join(r, 3, out->response);
	}
	const char *qop = digest_qop_name(in->qop);
	struct part r[] = { { out->ha1, 32 }, S(in->nonce), S(in->nc), S(in->cnonce), S(qop),
			    { out->ha2, 32 } };
	return md5_join(r, 6, out->response);
}

/* Every failure leaves *out empty and returns -1: a caller comparing a
 * response must check the return value, never compare an empty string. */
static int digest_calc(const struct digest_input *in, const char *method, const char *ha2,
		       const uint8_t *password, size_t pw_len, struct digest_result *out)
{
	int rc = -1;

	if (!out)
		return -1;
	memset(out, 0, sizeof(*out));
	if (in && digest_ha1(in->username, in->realm, password, pw_len, out->ha1) == 0)
		rc = calc_from_ha1(in, method, ha2, out);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int digest_compute_ha1(const struct digest_input *in, const char *ha1, struct digest_result *out)
{
	int rc = -1;

	if (!out)
		return -1;
	memset(out, 0, sizeof(*out));
	if (in && ha1 && strlen(ha1) == 32 && strspn(ha1, "0123456789abcdef") == 32) {
		memcpy(out->ha1, ha1, DIGEST_HEX_LEN);
		rc = calc_from_ha1(in, in->method, NULL, out);
	}
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int digest_compute(const struct digest_input *in, const uint8_t *password, size_t pw_len,
		   struct digest_result *out)
{
	return digest_calc(in, in ? in->method : NULL, NULL, password, pw_len, out);
}

int digest_compute_ha2(const struct digest_input *in, const uint8_t *password, size_t pw_len,
		       const char *ha2, struct digest_result *out)
{
	if (!ha2 || strlen(ha2) != 32) {
		if (out)
			memset(out, 0, sizeof(*out));
		return -1;
	}
	return digest_calc(in, in ? in->method : NULL, ha2, password, pw_len, out);
}

/* rspauth (§3.2.3): A2 = ":" digest-uri (empty method), same otherwise. */
int digest_rspauth(const struct digest_input *in, const uint8_t *password, size_t pw_len,
		   char out[DIGEST_HEX_LEN])
{
	struct digest_result r;

	if (!out || digest_calc(in, "", NULL, password, pw_len, &r))
		return -1;
	memcpy(out, r.response, DIGEST_HEX_LEN);
	return 0;
}
