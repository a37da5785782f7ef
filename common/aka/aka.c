/* Algorithm dispatch (MILENAGE or the TS 34.108 XOR test algorithm) and
 * small helpers of the aka.h API. */
#include "aka.h"
#include "milenage.h"
#include "xor.h"

#include <string.h>
#include <strings.h>

const char *aka_strerror(int err)
{
	switch (err) {
	case AKA_OK: return "ok";
	case AKA_EINVAL: return "invalid parameter";
	case AKA_ECRYPTO: return "crypto library failure";
	case AKA_EMAC: return "MAC failure";
	case AKA_ESYNC: return "synchronisation failure (SQN not acceptable)";
	case AKA_ERAND: return "random source failure";
	}
	return "unknown error";
}

int aka_algo_parse(const char *s)
{
	if (s && !strcasecmp(s, "milenage"))
		return AKA_ALGO_MILENAGE;
	if (s && !strcasecmp(s, "xor"))
		return AKA_ALGO_XOR;
	return -1;
}

const char *aka_algo_name(enum aka_algo a)
{
	return a == AKA_ALGO_XOR ? "xor" : a == AKA_ALGO_MILENAGE ? "milenage" : "?";
}

int aka_opc_from_op(const uint8_t k[AKA_K_LEN], const uint8_t op[AKA_OP_LEN],
		    uint8_t opc[AKA_OP_LEN])
{
	return milenage_opc(k, op, opc);
}

void aka_sqn_put(uint64_t sqn, uint8_t out[AKA_SQN_LEN])
{
	for (int i = 5; i >= 0; i--, sqn >>= 8)
		out[i] = (uint8_t)sqn;
}

uint64_t aka_sqn_get(const uint8_t in[AKA_SQN_LEN])
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | in[i];
	return v;
}

/* RES length actually produced: 0 selects the algorithm's natural length
 * (MILENAGE f2: 64 bits; XOR: the 128 bits of XDOUT, as TS 34.108 and
 * osmo-auc-gen use). */
size_t aka_res_len(const struct aka_keys *keys)
{
	if (keys->algo == AKA_ALGO_MILENAGE)
		return keys->res_len == 0 || keys->res_len == 8 ? 8 : 0;
	if (keys->algo == AKA_ALGO_XOR) {
		if (keys->res_len == 0)
			return 16;
		return keys->res_len >= 4 && keys->res_len <= 16 ? keys->res_len : 0;
	}
	return 0;
}

static int compute_milenage(const struct aka_keys *keys, const uint8_t rand[16],
			    const uint8_t sqn[6], const uint8_t amf[2], struct aka_out *o)
{
	struct milenage_trace t;
	int rc = milenage_trace(keys->k, keys->opc, rand, sqn, amf, &t);

	if (rc)
		return rc;
	memcpy(o->mac_a, t.out[0], 8);     /* f1  */
	memcpy(o->mac_s, t.out[0] + 8, 8); /* f1* */
	memcpy(o->res, t.out[1] + 8, 8);   /* f2  */
	o->res_len = 8;
	memcpy(o->ck, t.out[2], 16);       /* f3  */
	memcpy(o->ik, t.out[3], 16);       /* f4  */
	memcpy(o->ak, t.out[1], 6);        /* f5  */
	memcpy(o->ak_s, t.out[4], 6);      /* f5* */
	memset(&t, 0, sizeof(t));
	return 0;
}

static void compute_xor(const struct aka_keys *keys, size_t res_len, const uint8_t rand[16],
			const uint8_t sqn[6], const uint8_t amf[2], struct aka_out *o)
{
	xor_f1(keys->k, rand, sqn, amf, o->mac_a);
	memcpy(o->mac_s, o->mac_a, 8); /* f1* = f1 in the test algorithm */
	xor_f2345(keys->k, rand, res_len, o->res, o->ck, o->ik, o->ak);
	o->res_len = res_len;
	memcpy(o->ak_s, o->ak, 6);     /* f5* = f5 (TS 34.108 §8.1.2.2) */
}

int aka_compute(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		const uint8_t sqn[AKA_SQN_LEN], const uint8_t amf[AKA_AMF_LEN],
		struct aka_out *out)
{
	size_t res_len;

	if (!keys || !rand || !sqn || !amf || !out)
		return AKA_EINVAL;
	res_len = aka_res_len(keys);
	if (!res_len)
		return AKA_EINVAL;
	memset(out, 0, sizeof(*out));
	if (keys->algo == AKA_ALGO_MILENAGE)
		return compute_milenage(keys, rand, sqn, amf, out);
	compute_xor(keys, res_len, rand, sqn, amf, out);
	return 0;
}
