/* TUAK, 3GPP TS 35.231 §6 (the layout of IN and OUT is in tuak.h). */
#include "tuak.h"
#include "aka.h"

#include <string.h>

static const uint8_t tuak_algoname[7] = { 'T', 'U', 'A', 'K', '1', '.', '0' };

/* IN octet offsets of the fields (bit offset / 8). */
enum { IN_TOP = 0, IN_INSTANCE = 32, IN_ALGONAME = 33, IN_RAND = 40, IN_AMF = 56,
       IN_SQN = 58, IN_KEY = 64, IN_PAD1 = 96, IN_PAD2 = 135 };
/* OUT octet offsets of the outputs. */
enum { OUT_MAC = 0, OUT_RES = 0, OUT_CK = 32, OUT_IK = 64, OUT_AK = 96 };

static int len_in(size_t n, const size_t *ok, size_t nok)
{
	for (size_t i = 0; i < nok; i++)
		if (n == ok[i])
			return 1;
	return 0;
}

void tuak_params_from_keys(const struct aka_keys *keys, struct tuak_params *p)
{
	*p = (struct tuak_params){
		.k_len = aka_k_len(keys), .mac_len = aka_mac_len(keys),
		.res_len = aka_res_len(keys), .ck_len = aka_ck_len(keys),
		.ik_len = aka_ik_len(keys),
		.iterations = keys->tuak.iterations ? keys->tuak.iterations : 1,
	};
}

int tuak_params_check(const struct tuak_params *p)
{
	static const size_t k_ok[] = { 16, 32 }, mac_ok[] = { 8, 16, 32 },
			    res_ok[] = { 4, 8, 16, 32 };

	if (!p || !len_in(p->k_len, k_ok, 2) || !len_in(p->mac_len, mac_ok, 3) ||
	    !len_in(p->res_len, res_ok, 4) || !len_in(p->ck_len, k_ok, 2) ||
	    !len_in(p->ik_len, k_ok, 2) || p->iterations < 1)
		return AKA_EINVAL;
	return 0;
}

/* INSTANCE[2..4]: 001, 010, 100 for 64-, 128-, 256-bit MAC (§6.2); for RES
 * 000 also means 32 bits (§6.4). */
static uint8_t len_bits(size_t octets)
{
	switch (octets) {
	case 8: return 0x08;
	case 16: return 0x10;
	case 32: return 0x20;
	}
	return 0x00;
}

uint8_t tuak_instance(const struct tuak_params *p, enum tuak_fn fn)
{
	uint8_t i = p->k_len == 32 ? 0x01 : 0x00; /* INSTANCE[7]: 256-bit K */

	switch (fn) {
	case TUAK_FN_TOPC: /* §6.1: INSTANCE[0..6] = 0 */
		return i;
	case TUAK_FN_F1: /* §6.2: INSTANCE[0..1] = 00 */
		return i | len_bits(p->mac_len);
	case TUAK_FN_F1STAR: /* §6.3: INSTANCE[0..1] = 10 */
		return 0x80 | i | len_bits(p->mac_len);
	case TUAK_FN_F2345: /* §6.4: 01, RES length, CK and IK length bits */
		return 0x40 | i | len_bits(p->res_len) | (p->ck_len == 32 ? 0x04 : 0) |
		       (p->ik_len == 32 ? 0x02 : 0);
	case TUAK_FN_F5STAR: /* §6.5: INSTANCE[0..1] = 11 */
		return 0xc0 | i;
	}
	return i;
}

/* IN[8o .. 8(o+n)-1] = X[8n-1 .. 0]: the octet string reversed. */
static void put_reversed(uint8_t *in, size_t off, const uint8_t *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		in[off + i] = x[n - 1 - i];
}

static void get_reversed(const uint8_t *out, size_t off, uint8_t *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = out[off + n - 1 - i];
}

void tuak_in(const struct tuak_params *p, enum tuak_fn fn, const uint8_t *k,
	     const uint8_t top_or_topc[32], const uint8_t *rand, const uint8_t *sqn,
	     const uint8_t *amf, uint8_t in[KECCAK_STATE_LEN])
{
	memset(in, 0, KECCAK_STATE_LEN);
	put_reversed(in, IN_TOP, top_or_topc, 32);
	in[IN_INSTANCE] = tuak_instance(p, fn);
	put_reversed(in, IN_ALGONAME, tuak_algoname, sizeof(tuak_algoname));
	if (rand && fn != TUAK_FN_TOPC)
		put_reversed(in, IN_RAND, rand, 16);
	if (fn == TUAK_FN_F1 || fn == TUAK_FN_F1STAR) {
		if (amf)
			put_reversed(in, IN_AMF, amf, 2);
		if (sqn)
			put_reversed(in, IN_SQN, sqn, 6);
	}
	/* a 128-bit K fills IN[512..639], IN[640..767] stay 0 */
	put_reversed(in, IN_KEY, k, p->k_len);
	in[IN_PAD1] = 0x1f; /* IN[768..772] = 1 */
	in[IN_PAD2] = 0x80; /* IN[1087] = 1 */
}

void tuak_permute(const struct tuak_params *p, uint8_t st[KECCAK_STATE_LEN])
{
	for (unsigned i = 0; i < p->iterations; i++)
		keccak_f1600(st);
}

/* OUT = Π^iterations(IN) for fn, left in st. */
static int tuak_run(const struct tuak_params *p, enum tuak_fn fn, const uint8_t *k,
		    const uint8_t topc[32], const uint8_t *rand, const uint8_t *sqn,
		    const uint8_t *amf, uint8_t st[KECCAK_STATE_LEN])
{
	if (tuak_params_check(p) || !k || !topc)
		return AKA_EINVAL;
	tuak_in(p, fn, k, topc, rand, sqn, amf, st);
	tuak_permute(p, st);
	return 0;
}

int tuak_topc(const struct tuak_params *p, const uint8_t *k, const uint8_t top[32],
	      uint8_t topc[32])
{
	uint8_t st[KECCAK_STATE_LEN];

	if (tuak_run(p, TUAK_FN_TOPC, k, top, NULL, NULL, NULL, st))
		return AKA_EINVAL;
	get_reversed(st, 0, topc, 32); /* TOPC = OUT[255..0] */
	memset(st, 0, sizeof(st));
	return 0;
}

static int tuak_mac(const struct tuak_params *p, enum tuak_fn fn, const uint8_t *k,
		    const uint8_t topc[32], const uint8_t rand[16], const uint8_t sqn[6],
		    const uint8_t amf[2], uint8_t *mac)
{
	uint8_t st[KECCAK_STATE_LEN];

	if (!rand || !sqn || !amf || !mac || tuak_run(p, fn, k, topc, rand, sqn, amf, st))
		return AKA_EINVAL;
	get_reversed(st, OUT_MAC, mac, p->mac_len); /* MAC = OUT[n-1..0] */
	memset(st, 0, sizeof(st));
	return 0;
}

int tuak_f1(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
	    const uint8_t rand[16], const uint8_t sqn[6], const uint8_t amf[2], uint8_t *mac_a)
{
	return tuak_mac(p, TUAK_FN_F1, k, topc, rand, sqn, amf, mac_a);
}

int tuak_f1star(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
		const uint8_t rand[16], const uint8_t sqn[6], const uint8_t amf[2],
		uint8_t *mac_s)
{
	return tuak_mac(p, TUAK_FN_F1STAR, k, topc, rand, sqn, amf, mac_s);
}

int tuak_f2345(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
	       const uint8_t rand[16], uint8_t *res, uint8_t *ck, uint8_t *ik, uint8_t ak[6])
{
	uint8_t st[KECCAK_STATE_LEN];

	if (!rand || tuak_run(p, TUAK_FN_F2345, k, topc, rand, NULL, NULL, st))
		return AKA_EINVAL;
	if (res)
		get_reversed(st, OUT_RES, res, p->res_len); /* RES = OUT[n-1..0] */
	if (ck)
		get_reversed(st, OUT_CK, ck, p->ck_len);    /* CK = OUT[256+n-1..256] */
	if (ik)
		get_reversed(st, OUT_IK, ik, p->ik_len);    /* IK = OUT[512+n-1..512] */
	if (ak)
		get_reversed(st, OUT_AK, ak, 6);            /* AK = OUT[815..768] */
	memset(st, 0, sizeof(st));
	return 0;
}

int tuak_f5star(const struct tuak_params *p, const uint8_t *k, const uint8_t topc[32],
		const uint8_t rand[16], uint8_t ak_s[6])
{
	uint8_t st[KECCAK_STATE_LEN];

	if (!rand || !ak_s || tuak_run(p, TUAK_FN_F5STAR, k, topc, rand, NULL, NULL, st))
		return AKA_EINVAL;
	get_reversed(st, OUT_AK, ak_s, 6); /* AK* = OUT[815..768] */
	memset(st, 0, sizeof(st));
	return 0;
}
