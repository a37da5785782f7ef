/* AES-128-ECB through OpenSSL 3 EVP, cipher fetched once, one reusable
 * context per thread (see aes128.h for why). */
#include "aes128.h"
#include "aka.h"
#include "kdf.h"

#include <openssl/evp.h>
#include <pthread.h>

static EVP_CIPHER *aes_cipher;
static pthread_once_t aes_once = PTHREAD_ONCE_INIT;
static pthread_key_t aes_key; /* frees a worker thread's context at exit */
static _Thread_local struct aes128 aes_tls;

static void aes_thread_exit(void *ctx)
{
	EVP_CIPHER_CTX_free(ctx);
	aes_tls.ctx = NULL;
}

static void aes_fetch(void)
{
	pthread_key_create(&aes_key, aes_thread_exit);
	/* Fetching resolves the provider implementation; doing it per call
	 * would cost more than the encryption itself. Lives until exit. */
	aes_cipher = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
}

static int aes_ctx_init(void)
{
	EVP_CIPHER_CTX *c;

	pthread_once(&aes_once, aes_fetch);
	if (!aes_cipher)
		return AKA_ECRYPTO;
	c = EVP_CIPHER_CTX_new();
	if (!c)
		return AKA_ECRYPTO;
	/* Bind the cipher once; later calls only change the key. */
	if (!EVP_EncryptInit_ex2(c, aes_cipher, NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(c, 0)) {
		EVP_CIPHER_CTX_free(c);
		return AKA_ECRYPTO;
	}
	aes_tls.ctx = c;
	pthread_setspecific(aes_key, c);
	return 0;
}

int aes128_key(struct aes128 **out, const uint8_t key[16])
{
	if (!aes_tls.ctx && aes_ctx_init())
		return AKA_ECRYPTO;
	/* Cipher NULL = keep the bound one; only the key schedule is redone. */
	if (!EVP_EncryptInit_ex2(aes_tls.ctx, NULL, key, NULL, NULL))
		return AKA_ECRYPTO;
	*out = &aes_tls;
	return 0;
}

int aes128_encrypt(struct aes128 *a, const uint8_t *in, uint8_t *out, size_t nblocks)
{
	int outl = 0;

	if (!EVP_EncryptUpdate(a->ctx, out, &outl, in, (int)(16 * nblocks)) ||
	    outl != (int)(16 * nblocks))
		return AKA_ECRYPTO;
	return 0;
}

void aes128_thread_cleanup(void)
{
	if (aes_tls.ctx)
		pthread_setspecific(aes_key, NULL);
	EVP_CIPHER_CTX_free(aes_tls.ctx);
	aes_tls.ctx = NULL;
}

void aka_thread_cleanup(void)
{
	aes128_thread_cleanup();
	kdf_thread_cleanup();
}
