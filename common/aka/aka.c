/* Algorithm dispatch (MILENAGE, TUAK or the TS 34.108 XOR test
 * algorithm) and small helpers of the aka.h API. The lengths each one
 * allows are in params.c. */
#include "aka.h"
#include "milenage.h"
#include "tuak.h"
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
	if (s && !strcasecmp(s, "tuak"))
		return AKA_ALGO_TUAK;
	return -1;
}

const char *aka_algo_name(enum aka_algo a)
{
	switch (a) {
	case AKA_ALGO_MILENAGE: return "milenage";
	case AKA_ALGO_XOR: return "xor";
	case AKA_ALGO_TUAK: return "tuak";
	}
	return "?";
}

int aka_opc_from_op(const uint8_t k[AKA_K_LEN], const uint8_t op[AKA_OP_LEN],
		    uint8_t opc[AKA_OP_LEN])
{
	return milenage_opc(k, op, opc);
}

int aka_keys_derive_opc(struct aka_keys *keys, const uint8_t *op)
{
	struct tuak_params p;

	if (!keys || !op || aka_keys_check(keys))
		return AKA_EINVAL;
	if (keys->algo == AKA_ALGO_MILENAGE)
		return milenage_opc(keys->k, op, keys->opc);
	if (keys->algo != AKA_ALGO_TUAK)
		return AKA_EINVAL;
	tuak_params_from_keys(keys, &p);
	return tuak_topc(&p, keys->k, op, keys->opc);
}

void aka_key128(const uint8_t *key, size_t len, uint8_t out[16])
{
	/* the 128 least significant bits: the last 16 octets */
	memcpy(out, key + (len > 16 ? len - 16 : 0), 16);
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

static int compute_milenage(const struct aka_keys *keys, const uint8_t rand[16],
			    const uint8_t sqn[6], const uint8_t amf[2], struct aka_out *o)
{
	struct milenage_trace t;
	int rc = milenage_trace(keys->k, keys->opc, rand, sqn, amf, &t);

	if (rc)
		return rc;
	memcpy(o->mac_a, t.out[0], 8);     /* f1  */
	memcpy(o->mac_s, t.out[0] + 8, 8); /* f1* */
	o->mac_len = 8;
	memcpy(o->res, t.out[1] + 8, 8);   /* f2  */
	o->res_len = 8;
	memcpy(o->ck, t.out[2], 16);       /* f3  */
	memcpy(o->ik, t.out[3], 16);       /* f4  */
	o->ck_len = o->ik_len = 16;
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
	o->mac_len = 8;
	xor_f2345(keys->k, rand, res_len, o->res, o->ck, o->ik, o->ak);
	o->res_len = res_len;
	o->ck_len = o->ik_len = 16;
	memcpy(o->ak_s, o->ak, 6);     /* f5* = f5 (TS 34.108 §8.1.2.2) */
}

/* TUAK: one permutation per wanted group (TS 35.231 §6.2-6.5). */
static int compute_tuak(const struct aka_keys *keys, const uint8_t rand[16],
			const uint8_t sqn[6], const uint8_t amf[2], unsigned want,
			struct aka_out *o)
{
	struct tuak_params p;

	tuak_params_from_keys(keys, &p);
	if (((want & AKA_WANT_MAC_A) &&
	     tuak_f1(&p, keys->k, keys->opc, rand, sqn, amf, o->mac_a)) ||
	    ((want & AKA_WANT_MAC_S) &&
	     tuak_f1star(&p, keys->k, keys->opc, rand, sqn, amf, o->mac_s)) ||
	    ((want & AKA_WANT_F2345) &&
	     tuak_f2345(&p, keys->k, keys->opc, rand, o->res, o->ck, o->ik, o->ak)) ||
	    ((want & AKA_WANT_AK_S) && tuak_f5star(&p, keys->k, keys->opc, rand, o->ak_s)))
		return AKA_EINVAL;
	o->mac_len = p.mac_len;
	o->res_len = p.res_len;
	o->ck_len = p.ck_len;
	o->ik_len = p.ik_len;
	return 0;
}

int aka_compute_some(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		     const uint8_t sqn[AKA_SQN_LEN], const uint8_t amf[AKA_AMF_LEN],
		     unsigned want, struct aka_out *out)
{
	size_t res_len;

	if (!keys || !rand || !sqn || !amf || !out || aka_keys_check(keys))
		return AKA_EINVAL;
	res_len = aka_res_len(keys);
	memset(out, 0, sizeof(*out));
	switch (keys->algo) {
	case AKA_ALGO_MILENAGE: return compute_milenage(keys, rand, sqn, amf, out);
	case AKA_ALGO_TUAK: return compute_tuak(keys, rand, sqn, amf, want, out);
	case AKA_ALGO_XOR: compute_xor(keys, res_len, rand, sqn, amf, out); return 0;
	}
	return AKA_EINVAL;
}

int aka_compute(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		const uint8_t sqn[AKA_SQN_LEN], const uint8_t amf[AKA_AMF_LEN],
		struct aka_out *out)
{
	return aka_compute_some(keys, rand, sqn, amf, AKA_WANT_ALL, out);
}
