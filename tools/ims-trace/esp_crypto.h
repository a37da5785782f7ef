/* The ESP transforms of IMS sec-agree (TS 33.203 §6.3, §7.2, Annex I) on
 * OpenSSL EVP: integrity hmac-md5-96 (RFC 2403) and hmac-sha-1-96
 * (RFC 2404), encryption null (RFC 2410), aes-cbc (RFC 3602) and
 * des-ede3-cbc (RFC 2451). The SA keys come from the AKA run's IK/CK
 * ("IK_IM", "CK_IM") by the Annex I expansion:
 *   hmac-md5-96   IK_ESP = IK_IM                       (128 bits)
 *   hmac-sha-1-96 IK_ESP = IK_IM ‖ 0^32                (160 bits)
 *   aes-cbc       CK_ESP = CK_IM                       (128 bits)
 *   des-ede3-cbc  CK_ESP = CK_IM1 ‖ CK_IM2 ‖ CK_IM1    (CK_IM = CK_IM1 ‖ CK_IM2)
 * Used by ims-trace to check captured ESP and by its test generator to
 * make it. */
#ifndef TRACE_ESP_CRYPTO_H
#define TRACE_ESP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum esp_auth { ESP_AUTH_UNKNOWN, ESP_AUTH_HMAC_MD5_96, ESP_AUTH_HMAC_SHA1_96 };
enum esp_enc { ESP_ENC_UNKNOWN, ESP_ENC_NULL, ESP_ENC_AES_CBC, ESP_ENC_DES_EDE3_CBC };

#define ESP_ICV_LEN 12     /* both HMAC-96 transforms */
#define ESP_KEY_MAX 24

/* "hmac-sha-1-96" ... (case-insensitive); UNKNOWN otherwise. NULL/"" ealg
 * is null (TS 33.203 §7.2: an absent ealg means NULL encryption). */
enum esp_auth esp_auth_parse(const char *alg);
enum esp_enc esp_enc_parse(const char *ealg);

/* Annex I: the SA key from IK_IM / CK_IM; its length, 0 for unknown/null. */
size_t esp_auth_key(enum esp_auth a, const uint8_t ik[16], uint8_t out[ESP_KEY_MAX]);
size_t esp_enc_key(enum esp_enc e, const uint8_t ck[16], uint8_t out[ESP_KEY_MAX]);
/* IV and cipher block length (null: 0 and 4, the ESP alignment). */
size_t esp_enc_iv_len(enum esp_enc e);
size_t esp_enc_block(enum esp_enc e);

/* ICV = the first 96 bits of HMAC(key, SPI ‖ Seq ‖ IV ‖ payload ‖ trailer)
 * (RFC 4303 §2.8). 0 or -1. */
int esp_icv(enum esp_auth a, const uint8_t *key, size_t klen, const uint8_t *data, size_t n,
	    uint8_t icv[ESP_ICV_LEN]);

/* CBC without padding over n octets (a multiple of the block). 0 or -1. */
int esp_cbc(enum esp_enc e, bool encrypt, const uint8_t *key, const uint8_t *iv,
	    const uint8_t *in, size_t n, uint8_t *out);

#endif
