/* Which lengths each algorithm allows, as one table, so aka_compute(),
 * the command lines, the scenario files and hss-ctl refuse the same values
 * with the same words.
 *
 *            K       RES          MAC        CK/IK    iterations
 * MILENAGE   16      8            8          16       -
 * XOR        16      4..16        8          16       -
 * TUAK       16, 32  4, 8, 16, 32 8, 16, 32  16, 32   >= 1   (TS 35.231 §5.1)
 *
 * (TS 35.206 §2 for MILENAGE; TS 34.108 §8.1.2 for XOR, whose RES is "n"
 * bits, 32 <= n <= 128, in whole octets here.) */
#include "aka.h"
#include "tuak.h"

#include <stddef.h>

struct lens {
	unsigned char v[4]; /* allowed values, 0-terminated; {lo, hi, 0xff} = range */
	const char *text;
};

#define RANGE 0xff
static const struct lens milenage_lens[] = {
	[AKA_PARAM_K_LEN] = { { 16 }, "16 for MILENAGE" },
	[AKA_PARAM_MAC_LEN] = { { 8 }, "8 for MILENAGE" },
	[AKA_PARAM_RES_LEN] = { { 8 }, "8 for MILENAGE (TS 35.206: f2 gives 64 bits)" },
	[AKA_PARAM_CK_LEN] = { { 16 }, "16 for MILENAGE" },
	[AKA_PARAM_IK_LEN] = { { 16 }, "16 for MILENAGE" },
	[AKA_PARAM_ITERATIONS] = { { 0 }, "nothing: a TUAK parameter" },
};
static const struct lens xor_lens[] = {
	[AKA_PARAM_K_LEN] = { { 16 }, "16 for XOR" },
	[AKA_PARAM_MAC_LEN] = { { 8 }, "8 for XOR" },
	[AKA_PARAM_RES_LEN] = { { 4, 16, RANGE }, "4..16 for XOR (TS 34.108 §8.1.2)" },
	[AKA_PARAM_CK_LEN] = { { 16 }, "16 for XOR" },
	[AKA_PARAM_IK_LEN] = { { 16 }, "16 for XOR" },
	[AKA_PARAM_ITERATIONS] = { { 0 }, "nothing: a TUAK parameter" },
};
static const struct lens tuak_lens[] = {
	[AKA_PARAM_K_LEN] = { { 16, 32 }, "16 or 32 for TUAK (TS 35.231 §5.1)" },
	[AKA_PARAM_MAC_LEN] = { { 8, 16, 32 }, "8, 16 or 32 for TUAK (TS 35.231 §5.1)" },
	[AKA_PARAM_RES_LEN] = { { 4, 8, 16, 32 }, "4, 8, 16 or 32 for TUAK (TS 35.231 §5.1)" },
	[AKA_PARAM_CK_LEN] = { { 16, 32 }, "16 or 32 for TUAK (TS 35.231 §5.1)" },
	[AKA_PARAM_IK_LEN] = { { 16, 32 }, "16 or 32 for TUAK (TS 35.231 §5.1)" },
	[AKA_PARAM_ITERATIONS] = { { 0 }, "1..65535 for TUAK (TS 35.231: any number >= 1, capped here)" },
};
#define TUAK_ITERATIONS_MAX 65535

static const struct lens *lens_of(enum aka_algo algo, enum aka_param p)
{
	if ((unsigned)p > AKA_PARAM_ITERATIONS)
		return NULL;
	switch (algo) {
	case AKA_ALGO_MILENAGE: return &milenage_lens[p];
	case AKA_ALGO_XOR: return &xor_lens[p];
	case AKA_ALGO_TUAK: return &tuak_lens[p];
	}
	return NULL;
}

const char *aka_param_check(enum aka_algo algo, enum aka_param p, unsigned long long v)
{
	const struct lens *l = lens_of(algo, p);

	if (!l)
		return "unknown algorithm";
	if (p == AKA_PARAM_ITERATIONS)
		return algo == AKA_ALGO_TUAK && v >= 1 && v <= TUAK_ITERATIONS_MAX ? NULL : l->text;
	if (l->v[2] == RANGE)
		return v >= l->v[0] && v <= l->v[1] ? NULL : l->text;
	for (size_t i = 0; i < sizeof(l->v) && l->v[i]; i++)
		if (v == l->v[i])
			return NULL;
	return l->text;
}

int aka_param_set(struct aka_keys *keys, enum aka_param p, unsigned long long v,
		  const char **why)
{
	const char *w = aka_param_check(keys->algo, p, v);

	if (w) {
		if (why)
			*why = w;
		return -1;
	}
	switch (p) {
	case AKA_PARAM_K_LEN: keys->tuak.k_len = (size_t)v; break;
	case AKA_PARAM_MAC_LEN: keys->tuak.mac_len = (size_t)v; break;
	case AKA_PARAM_RES_LEN: keys->res_len = (size_t)v; break;
	case AKA_PARAM_CK_LEN: keys->tuak.ck_len = (size_t)v; break;
	case AKA_PARAM_IK_LEN: keys->tuak.ik_len = (size_t)v; break;
	case AKA_PARAM_ITERATIONS: keys->tuak.iterations = (unsigned)v; break;
	}
	return 0;
}

/* A TUAK length with its default for 0. */
static size_t or_default(size_t v, size_t def)
{
	return v ? v : def;
}

size_t aka_res_len(const struct aka_keys *keys)
{
	size_t n;

	switch (keys->algo) {
	case AKA_ALGO_MILENAGE: n = or_default(keys->res_len, 8); break;
	case AKA_ALGO_XOR: n = or_default(keys->res_len, AKA_XOR_RES_LEN_DEFAULT); break;
	case AKA_ALGO_TUAK: n = or_default(keys->res_len, 8); break;
	default: return 0;
	}
	return aka_param_check(keys->algo, AKA_PARAM_RES_LEN, n) ? 0 : n;
}

size_t aka_k_len(const struct aka_keys *keys)
{
	return keys->algo == AKA_ALGO_TUAK ? or_default(keys->tuak.k_len, 16) : AKA_K_LEN;
}

size_t aka_op_len(const struct aka_keys *keys)
{
	switch (keys->algo) {
	case AKA_ALGO_MILENAGE: return AKA_OP_LEN;
	case AKA_ALGO_TUAK: return AKA_TOP_LEN;
	default: return 0;
	}
}

size_t aka_mac_len(const struct aka_keys *keys)
{
	return keys->algo == AKA_ALGO_TUAK ? or_default(keys->tuak.mac_len, 8) : AKA_MAC_LEN;
}

size_t aka_ck_len(const struct aka_keys *keys)
{
	return keys->algo == AKA_ALGO_TUAK ? or_default(keys->tuak.ck_len, 16) : AKA_CK_LEN;
}

size_t aka_ik_len(const struct aka_keys *keys)
{
	return keys->algo == AKA_ALGO_TUAK ? or_default(keys->tuak.ik_len, 16) : AKA_IK_LEN;
}

int aka_keys_check(const struct aka_keys *keys)
{
	if (!keys || !aka_res_len(keys))
		return AKA_EINVAL;
	if (keys->algo != AKA_ALGO_TUAK)
		return 0;
	if (aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_K_LEN, aka_k_len(keys)) ||
	    aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_MAC_LEN, aka_mac_len(keys)) ||
	    aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_CK_LEN, aka_ck_len(keys)) ||
	    aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_IK_LEN, aka_ik_len(keys)) ||
	    aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_ITERATIONS,
			    or_default(keys->tuak.iterations, 1)))
		return AKA_EINVAL;
	return 0;
}
