/* Key derivation for EPS: the generic KDF of TS 33.220 Annex B.2 and
 * KASME of TS 33.401 Annex A.2. */
#include "aka.h"
#include "kdf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

/* HMAC-SHA-256 with the MAC and digest fetched once and one context per
 * thread: OpenSSL 3's one-shot HMAC() fetches SHA-256 on every call, which
 * cost more than the HMAC itself (hssd derives a KASME per S6a vector). */
static EVP_MAC *hmac_mac;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;
static pthread_key_t hmac_key; /* frees a thread's context at its exit */
static _Thread_local EVP_MAC_CTX *hmac_tls;

static void hmac_thread_exit(void *ctx)
{
	EVP_MAC_CTX_free(ctx);
	hmac_tls = NULL;
}

static void hmac_fetch(void)
{
	pthread_key_create(&hmac_key, hmac_thread_exit);
	hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

void kdf_thread_cleanup(void)
{
	if (hmac_tls)
		pthread_setspecific(hmac_key, NULL);
	EVP_MAC_CTX_free(hmac_tls);
	hmac_tls = NULL;
}

static EVP_MAC_CTX *hmac_ctx(void)
{
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *c;

	if (hmac_tls)
		return hmac_tls;
	pthread_once(&hmac_once, hmac_fetch);
	if (!hmac_mac || !(c = EVP_MAC_CTX_new(hmac_mac)))
		return NULL;
	if (!EVP_MAC_CTX_set_params(c, p)) {
		EVP_MAC_CTX_free(c);
		return NULL;
	}
	pthread_setspecific(hmac_key, c);
	return hmac_tls = c;
}

static int hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
		       uint8_t out[32])
{
	EVP_MAC_CTX *c = hmac_ctx();
	size_t outl = 0;

	if (!c || !EVP_MAC_init(c, key, key_len, NULL) || !EVP_MAC_update(c, data, len) ||
	    !EVP_MAC_final(c, out, &outl, 32) || outl != 32)
		return AKA_ECRYPTO;
	return 0;
}

/* S = FC ‖ P0 ‖ L0 ‖ P1 ‖ L1 ‖ ...; Li = length of Pi in two octets
 * (B.2.1). Derived key = HMAC-SHA-256(Key, S) (B.2.2). */
int aka_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const struct aka_kdf_param *params,
	    size_t nparams, uint8_t out[32])
{
	uint8_t s[1024];
	size_t n = 0;

	if (!key || !out || (nparams && !params))
		return AKA_EINVAL;
	s[n++] = fc;
	for (size_t i = 0; i < nparams; i++) {
		size_t l = params[i].len;

		if (l > 0xffff || l > sizeof(s) - n - 2 || (l && !params[i].p))
			return AKA_EINVAL;
		if (l)
			memcpy(s + n, params[i].p, l);
		n += l;
		s[n++] = (uint8_t)(l >> 8);
		s[n++] = (uint8_t)l;
	}
	return hmac_sha256(key, key_len, s, n, out);
}

static int digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

/* TS 24.008 §10.5.1.3: octet 1 = MCC2 ‖ MCC1, octet 2 = MNC3 (F for a
 * two-digit MNC) ‖ MCC3, octet 3 = MNC2 ‖ MNC1; high nibble first. */
int aka_plmn_encode(const char *mcc, const char *mnc, uint8_t out[3])
{
	int m[3], n[3];
	size_t nl;

	if (!mcc || !mnc || strlen(mcc) != 3)
		return AKA_EINVAL;
	nl = strlen(mnc);
	if (nl != 2 && nl != 3)
		return AKA_EINVAL;
	for (int i = 0; i < 3; i++) {
		m[i] = digit(mcc[i]);
		n[i] = i < (int)nl ? digit(mnc[i]) : 0xf;
		if (m[i] < 0 || n[i] < 0)
			return AKA_EINVAL;
	}
	out[0] = (uint8_t)(m[1] << 4 | m[0]);
	out[1] = (uint8_t)(n[2] << 4 | m[2]);
	out[2] = (uint8_t)(n[1] << 4 | n[0]);
	return 0;
}

/* KASME = KDF(CK ‖ IK, FC = 0x10, P0 = SN id, P1 = SQN ⊕ AK). */
int aka_kasme(const uint8_t ck[AKA_CK_LEN], const uint8_t ik[AKA_IK_LEN], const uint8_t plmn[3],
	      const uint8_t sqn_xor_ak[AKA_SQN_LEN], uint8_t kasme[AKA_KASME_LEN])
{
	uint8_t key[AKA_CK_LEN + AKA_IK_LEN];
	struct aka_kdf_param p[2] = { { plmn, 3 }, { sqn_xor_ak, AKA_SQN_LEN } };
	int rc;

	if (!ck || !ik || !plmn || !sqn_xor_ak || !kasme)
		return AKA_EINVAL;
	memcpy(key, ck, AKA_CK_LEN);
	memcpy(key + AKA_CK_LEN, ik, AKA_IK_LEN);
	rc = aka_kdf(key, sizeof(key), 0x10, p, 2, kasme);
	memset(key, 0, sizeof(key));
	return rc;
}
