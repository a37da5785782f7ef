/* Keccak-f[1600], TS 35.231 Annex C (mapping of the string to lanes in
 * keccak.h). Written from the step definitions; checked against
 * OpenSSL's SHA3-256 in tests/unit/test_aka_tuak.c. */
#include "keccak.h"

#include <stddef.h>

/* ι: the round constants RC[ir] (Annex C; the bits the LFSR rc(t) sets in
 * positions 2^j - 1 of lane (0, 0)). */
static const uint64_t keccak_rc[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* ρ: the offset r[x][y] of lane x + 5y (Annex C table). */
static const unsigned char keccak_rho[25] = {
	0, 1, 62, 28, 27,
	36, 44, 6, 55, 20,
	3, 10, 43, 25, 39,
	41, 45, 15, 21, 8,
	18, 2, 61, 56, 14,
};

/* π: lane x + 5y moves to lane y + 5((2x + 3y) mod 5) (Annex C), as a
 * table so the round has no division. */
static const unsigned char keccak_pi[25] = {
	0, 10, 20, 5, 15,
	16, 1, 11, 21, 6,
	7, 17, 2, 12, 22,
	23, 8, 18, 3, 13,
	14, 24, 9, 19, 4,
};

static uint64_t rotl64(uint64_t v, unsigned n)
{
	return v << n | v >> ((64 - n) & 63); /* n = 0 gives v | v */
}

static void keccak_round(uint64_t a[25], uint64_t rc)
{
	uint64_t c[5], d[5], b[25];

	/* θ: a[x][y] ^= C[x-1] ^ rot(C[x+1], 1), C[x] the column parity */
#pragma GCC unroll 5
	for (int x = 0; x < 5; x++)
		c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
	d[0] = c[4] ^ rotl64(c[1], 1);
	d[1] = c[0] ^ rotl64(c[2], 1);
	d[2] = c[1] ^ rotl64(c[3], 1);
	d[3] = c[2] ^ rotl64(c[4], 1);
	d[4] = c[3] ^ rotl64(c[0], 1);
	/* ρ and π: b[y][2x + 3y] = rot(a[x][y], r[x][y]); unrolled so the
	 * table entries become constant indices and rotation counts */
#pragma GCC unroll 25
	for (int i = 0; i < 25; i++)
		b[keccak_pi[i]] = rotl64(a[i] ^ d[i % 5], keccak_rho[i]);
	/* χ: a[x][y] = b[x][y] ^ (~b[x+1][y] & b[x+2][y]) */
#pragma GCC unroll 5
	for (int y = 0; y < 25; y += 5) {
		a[y + 0] = b[y + 0] ^ (~b[y + 1] & b[y + 2]);
		a[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);
		a[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);
		a[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y + 0]);
		a[y + 4] = b[y + 4] ^ (~b[y + 0] & b[y + 1]);
	}
	/* ι */
	a[0] ^= rc;
}

/* Lane i is octets 8i..8i+7, least significant first (keccak.h). */
static uint64_t load64le(const uint8_t *p)
{
	uint64_t v = 0;

	for (int j = 7; j >= 0; j--)
		v = v << 8 | p[j];
	return v;
}

static void store64le(uint8_t *p, uint64_t v)
{
	for (int j = 0; j < 8; j++, v >>= 8)
		p[j] = (uint8_t)v;
}

void keccak_f1600(uint8_t s[KECCAK_STATE_LEN])
{
	uint64_t a[25];

	for (int i = 0; i < 25; i++)
		a[i] = load64le(s + 8 * i);
	for (size_t r = 0; r < 24; r++)
		keccak_round(a, keccak_rc[r]);
	for (int i = 0; i < 25; i++)
		store64le(s + 8 * i, a[i]);
}
