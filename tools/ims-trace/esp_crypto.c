#include "esp_crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <strings.h>

enum esp_auth esp_auth_parse(const char *alg)
{
	if (alg && !strcasecmp(alg, "hmac-md5-96"))
		return ESP_AUTH_HMAC_MD5_96;
	if (alg && !strcasecmp(alg, "hmac-sha-1-96"))
		return ESP_AUTH_HMAC_SHA1_96;
	return ESP_AUTH_UNKNOWN;
}

enum esp_enc esp_enc_parse(const char *ealg)
{
	if (!ealg || !ealg[0] || !strcasecmp(ealg, "null"))
		return ESP_ENC_NULL;
	if (!strcasecmp(ealg, "aes-cbc"))
		return ESP_ENC_AES_CBC;
	if (!strcasecmp(ealg, "des-ede3-cbc"))
		return ESP_ENC_DES_EDE3_CBC;
	return ESP_ENC_UNKNOWN;
}

size_t esp_auth_key(enum esp_auth a, const uint8_t ik[16], uint8_t out[ESP_KEY_MAX])
{
	switch (a) {
	case ESP_AUTH_HMAC_MD5_96:
		memcpy(out, ik, 16);
		return 16;
	case ESP_AUTH_HMAC_SHA1_96: /* Annex I: IK_IM extended by 32 zero bits */
		memcpy(out, ik, 16);
		memset(out + 16, 0, 4);
		return 20;
	default:
		return 0;
	}
}

size_t esp_enc_key(enum esp_enc e, const uint8_t ck[16], uint8_t out[ESP_KEY_MAX])
{
	switch (e) {
	case ESP_ENC_AES_CBC:
		memcpy(out, ck, 16);
		return 16;
	case ESP_ENC_DES_EDE3_CBC: /* Annex I: CK_IM1 ‖ CK_IM2 ‖ CK_IM1 */
		memcpy(out, ck, 16);
		memcpy(out + 16, ck, 8);
		return 24;
	default:
		return 0;
	}
}

size_t esp_enc_iv_len(enum esp_enc e)
{
	return e == ESP_ENC_AES_CBC ? 16 : e == ESP_ENC_DES_EDE3_CBC ? 8 : 0;
}

size_t esp_enc_block(enum esp_enc e)
{
	return e == ESP_ENC_AES_CBC ? 16 : e == ESP_ENC_DES_EDE3_CBC ? 8 : 4;
}

int esp_icv(enum esp_auth a, const uint8_t *key, size_t klen, const uint8_t *data, size_t n,
	    uint8_t icv[ESP_ICV_LEN])
{
	const EVP_MD *md = a == ESP_AUTH_HMAC_MD5_96 ? EVP_md5()
			 : a == ESP_AUTH_HMAC_SHA1_96 ? EVP_sha1() : NULL;
	uint8_t full[EVP_MAX_MD_SIZE];
	unsigned int fl = 0;

	if (!md || !HMAC(md, key, (int)klen, data, n, full, &fl) || fl < ESP_ICV_LEN)
		return -1;
	memcpy(icv, full, ESP_ICV_LEN); /* RFC 2403/2404: truncated to 96 bits */
	return 0;
}

int esp_cbc(enum esp_enc e, bool encrypt, const uint8_t *key, const uint8_t *iv,
	    const uint8_t *in, size_t n, uint8_t *out)
{
	const EVP_CIPHER *ci = e == ESP_ENC_AES_CBC ? EVP_aes_128_cbc()
			     : e == ESP_ENC_DES_EDE3_CBC ? EVP_des_ede3_cbc() : NULL;
	EVP_CIPHER_CTX *ctx;
	int l1 = 0, l2 = 0, ok;

	if (!ci || n % esp_enc_block(e) || n > 0x7fffffff || !(ctx = EVP_CIPHER_CTX_new()))
		return -1;
	ok = EVP_CipherInit_ex(ctx, ci, NULL, key, iv, encrypt ? 1 : 0) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &l1, in, (int)n) &&
	     EVP_CipherFinal_ex(ctx, out + l1, &l2);
	EVP_CIPHER_CTX_free(ctx);
	return ok && (size_t)(l1 + l2) == n ? 0 : -1;
}
