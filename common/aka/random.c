/* The randomness seam (STYLE.md §8): every RAND of the project comes from
 * aka_random(). Default: OpenSSL's CSPRNG (RAND_bytes); tests and golden
 * runs install a fixed or seeded source. */
#include "aka.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

static aka_rand_fn rand_fn;
static void *rand_arg;

void aka_set_rand_source(aka_rand_fn fn, void *arg)
{
	rand_fn = fn;
	rand_arg = fn ? arg : NULL;
}

int aka_random(uint8_t *buf, size_t len)
{
	if (rand_fn)
		return rand_fn(rand_arg, buf, len) ? AKA_ERAND : 0;
	if (len > 0x7fffffff || RAND_bytes(buf, (int)len) != 1)
		return AKA_ERAND;
	return 0;
}

static void be64(uint64_t v, uint8_t out[8])
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

void aka_seeded_init(struct aka_seeded *s, uint64_t seed)
{
	uint8_t b[8];

	be64(seed, b);
	EVP_Digest(b, sizeof(b), s->seed, NULL, EVP_sha256(), NULL);
	s->counter = 0;
}

/* Block i of the stream = SHA-256(seed ‖ i as 8 octets, big-endian). Each
 * call starts on a fresh block, so the output of call n does not depend on
 * the lengths asked before it except through the block count. */
int aka_seeded_rand(void *arg, uint8_t *buf, size_t len)
{
	struct aka_seeded *s = arg;
	uint8_t in[40], blk[32];

	if (!s)
		return AKA_EINVAL;
	memcpy(in, s->seed, 32);
	while (len) {
		size_t n = len < 32 ? len : 32;

		be64(s->counter++, in + 32);
		if (!EVP_Digest(in, sizeof(in), blk, NULL, EVP_sha256(), NULL))
			return AKA_ERAND;
		memcpy(buf, blk, n);
		buf += n;
		len -= n;
	}
	return 0;
}
