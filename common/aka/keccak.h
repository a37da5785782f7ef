/* The Keccak-f[1600] permutation Π of TS 35.231 Annex C (the Keccak
 * reference, §1.2; FIPS 202 §3.3 calls it Keccak-p[1600, 24]). Private to
 * common/aka: TUAK is its only user, and OpenSSL exposes SHA-3 but not the
 * raw permutation.
 *
 * The 1600-bit string s maps to the 5×5×64 state as s[64(5y + x) + z] =
 * a[x][y][z] (Annex C). Bits are numbered LSB first within an octet, so
 * octets 8(5y+x) .. 8(5y+x)+7 hold lane (x, y) little-endian: octet i of
 * the 200-octet string carries bits 8i .. 8i+7. */
#ifndef AKA_KECCAK_H
#define AKA_KECCAK_H

#include <stdint.h>

#define KECCAK_STATE_LEN 200

/* One application of Π (24 rounds of θ, ρ, π, χ, ι) on the string, in
 * place. */
void keccak_f1600(uint8_t s[KECCAK_STATE_LEN]);

#endif
