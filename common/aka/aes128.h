/* AES-128 single-key block encryption for the AKA functions (private to
 * common/aka). E_K of TS 35.206 is AES-128 (Rijndael with a 128-bit
 * block and key, TS 35.206 §2.2/§4.1).
 *
 * OpenSSL 3 EVP with the cipher fetched once per process and one
 * EVP_CIPHER_CTX per thread that is re-keyed (key only, no re-fetch, no
 * allocation) for every subscriber: that keeps a full vector well under a
 * microsecond (see bench/aka). The contexts are thread-local, so callers
 * on different threads never share state. */
#ifndef AKA_AES128_H
#define AKA_AES128_H

#include <stddef.h>
#include <stdint.h>

struct aes128 {
	void *ctx; /* EVP_CIPHER_CTX, owned by the thread */
};

/* Loads K into this thread's context. 0 or AKA_ECRYPTO. */
int aes128_key(struct aes128 **out, const uint8_t key[16]);

/* out[i] = E_K(in[i]) for nblocks independent 16-octet blocks (ECB).
 * in and out may be the same buffer. 0 or AKA_ECRYPTO. */
int aes128_encrypt(struct aes128 *a, const uint8_t *in, uint8_t *out, size_t nblocks);

/* Frees this thread's context (optional; for thread exit / leak checks). */
void aes128_thread_cleanup(void);

#endif
