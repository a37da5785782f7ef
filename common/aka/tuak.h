/* TUAK (3GPP TS 35.231), private to common/aka and aka-tool's explain
 * view. Π is Keccak-f[1600] (keccak.h), applied `iterations` times.
 *
 * Every function builds a 1600-bit IN and reads its output from
 * OUT = Π^iterations(IN) (TS 35.231 §6.1–6.5). Bit i of IN is bit i mod 8
 * (LSB first) of octet i/8; 3GPP numbers a parameter's bits MSB first:
 *
 *   IN[0..255]    = TOPC[255..0]     (TOP when TOPC itself is computed)
 *   IN[256..263]  = INSTANCE[7..0]
 *   IN[264..319]  = ALGONAME[55..0]  ALGONAME = "TUAK1.0" in ASCII
 *   IN[320..447]  = RAND[127..0]     (0 for TOPC)
 *   IN[448..463]  = AMF[15..0]       (f1, f1* only; else 0)
 *   IN[464..511]  = SQN[47..0]       (f1, f1* only; else 0)
 *   IN[512..767]  = KEY[255..0]; a 128-bit K: IN[512..639] = KEY[127..0]
 *                   and IN[640..767] = 0
 *   IN[768..772]  = 1 1 1 1 1, IN[1087] = 1, all other bits 0 (padding)
 *
 * The two bit orders cancel: in octets every field is the octet string
 * reversed (IN octet i = field octet n-1-i), and INSTANCE is one octet
 * read MSB first. Outputs are read back the same way:
 *
 *   TOPC = OUT[255..0]     MAC-A (f1), MAC-S (f1*), RES (f2) = OUT[n-1..0]
 *   CK (f3) = OUT[256+n-1..256]   IK (f4) = OUT[512+n-1..512]
 *   AK (f5), AK* (f5*) = OUT[768+47..768]
 *
 * INSTANCE (bit 0 first): TOPC 0 0 0 0 0 0 0 K; f1 0 0 M M M 0 0 K; f1*
 * 1 0 M M M 0 0 K; f2..f5 0 1 R R R C I K; f5* 1 1 0 0 0 0 0 K — where
 * K = 1 for a 256-bit key, MMM = 001/010/100 for 64/128/256-bit MAC,
 * RRR = 000/001/010/100 for 32/64/128/256-bit RES, C and I = 1 for
 * 256-bit CK and IK. */
#ifndef AKA_TUAK_H
#define AKA_TUAK_H

#include "keccak.h"

#include <stddef.h>
#include <stdint.h>

#define TUAK_TOPC_LEN 32

/* The lengths an implementation fixes (TS 35.231 §5.1), in octets. */
struct tuak_params {
	size_t k_len;        /* 16 or 32 */
	size_t mac_len;      /* 8, 16 or 32 */
	size_t res_len;      /* 4, 8, 16 or 32 */
	size_t ck_len;       /* 16 or 32 */
	size_t ik_len;       /* 16 or 32 */
	unsigned iterations; /* Keccak iterations, >= 1 */
};

/* The lengths of keys (aka.h), defaults filled in. */
struct aka_keys;
void tuak_params_from_keys(const struct aka_keys *keys, struct tuak_params *p);
/* 0 when every length is one TS 35.231 allows, else AKA_EINVAL. */
int tuak_params_check(const struct tuak_params *p);

/* The functions, named as in TS 35.231 §6. Lengths come from p. Each
 * returns 0 or AKA_EINVAL (bad parameters). */
int tuak_topc(const struct tuak_params *p, const uint8_t *k, const uint8_t top[32],
	      uint8_t topc[32]);
int tuak_f1(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
	    const uint8_t rand[16], const uint8_t sqn[6], const uint8_t amf[2], uint8_t *mac_a);
int tuak_f1star(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
		const uint8_t rand[16], const uint8_t sqn[6], const uint8_t amf[2],
		uint8_t *mac_s);
/* f2..f5 share one permutation; any output may be NULL. */
int tuak_f2345(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
	       const uint8_t rand[16], uint8_t *res, uint8_t *ck, uint8_t *ik, uint8_t ak[6]);
int tuak_f5star(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
		const uint8_t rand[16], uint8_t ak_s[6]);

/* For the teaching view: which function an IN is built for. */
enum tuak_fn { TUAK_FN_TOPC, TUAK_FN_F1, TUAK_FN_F1STAR, TUAK_FN_F2345, TUAK_FN_F5STAR };
uint8_t tuak_instance(const struct tuak_params *p, enum tuak_fn fn);
/* IN for fn (rand/sqn/amf may be NULL where the function does not use
 * them), and OUT = Π^iterations(IN) in place. */
void tuak_in(const struct tuak_params *p, enum tuak_fn fn, const uint8_t *k,
	     const uint8_t top_or_topc[32], const uint8_t *rand, const uint8_t *sqn,
	     const uint8_t *amf, uint8_t in[KECCAK_STATE_LEN]);
void tuak_permute(const struct tuak_params *p, uint8_t st[KECCAK_STATE_LEN]);

#endif
