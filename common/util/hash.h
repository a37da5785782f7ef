/* String hashes for in-memory tables, one place for all programs.
 *
 * str_hash_fnv: FNV-1a, octet by octet. Where a table takes h % n or the
 * low bits, add hash_fmix32 (murmur3's finaliser): FNV alone spreads low
 * bits poorly.
 * str_hash_wide: eight octets a step then a 64-bit finaliser, for hot
 * lookups of long keys (hssd's identity cache hashes a key up to three
 * times a miss; FNV-1a is one multiply per octet, each waiting for the
 * last: 156 against 130 instructions a key for its URIs and IMSIs). */
#ifndef UTIL_HASH_H
#define UTIL_HASH_H

#include <stdint.h>
#include <string.h>

static inline uint32_t str_hash_fnv(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static inline uint32_t hash_fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/* seed: keys of two kinds in one table hash apart with two seeds. */
static inline uint32_t str_hash_wide(const char *s, uint64_t seed)
{
	size_t n = strlen(s);
	uint64_t h = seed, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w ^ ((uint64_t)n << 56)) * 0xff51afd7ed558ccdu;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 29;
	return (uint32_t)h;
}

#endif
