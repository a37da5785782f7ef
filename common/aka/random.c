/* The randomness seam (STYLE.md §8): every RAND of the project comes from
 * aka_random(). Default: OpenSSL's CSPRNG (RAND_bytes); tests and golden
 * runs install a fixed or seeded source. */
#include "aka.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <string.h>

static aka_rand_fn rand_fn;
static void *rand_arg;

/* OpenSSL 3.0's RAND_bytes costs ~1.3 µs per call here whatever the size
 * (DRBG locking and reseed checks), more than a whole MILENAGE vector. So
 * each thread draws 4 KiB at a time and hands it out in order. A forked
 * child empties its copy of the pool (pthread_atfork) so it never replays
 * its parent's bytes; getpid() per call would cost a system call. The
 * bytes are CSPRNG output either way. */
#define POOL_SIZE 4096
static _Thread_local struct {
	uint8_t buf[POOL_SIZE];
	size_t used;
} pool = { .used = POOL_SIZE };
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_forget(void)
{
	memset(pool.buf, 0, sizeof(pool.buf));
	pool.used = POOL_SIZE;
}

static void pool_init(void)
{
	pthread_atfork(NULL, NULL, pool_forget);
}

static int csprng(uint8_t *buf, size_t len)
{
	if (len > POOL_SIZE / 4)
		return len > 0x7fffffff || RAND_bytes(buf, (int)len) != 1 ? AKA_ERAND : 0;
	if (POOL_SIZE - pool.used < len) {
		pthread_once(&pool_once, pool_init);
		if (RAND_bytes(pool.buf, POOL_SIZE) != 1)
			return AKA_ERAND;
		pool.used = 0;
	}
	memcpy(buf, pool.buf + pool.used, len);
	memset(pool.buf + pool.used, 0, len); /* hand out each byte once */
	pool.used += len;
	return 0;
}

void aka_set_rand_source(aka_rand_fn fn, void *arg)
{
	rand_fn = fn;
	rand_arg = fn ? arg : NULL;
}

int aka_random(uint8_t *buf, size_t len)
{
	if (rand_fn)
		return rand_fn(rand_arg, buf, len) ? AKA_ERAND : 0;
	return csprng(buf, len);
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
