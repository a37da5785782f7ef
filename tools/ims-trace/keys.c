#include "keys.h"

#include "util/ct.h"

#include <stdio.h>
#include <string.h>

int trace_keys_get(const struct trace_keyring *kr, const char *id, struct trace_keys *out)
{
	if (!kr || !kr->fn || !id || !id[0])
		return 0;
	return kr->fn(kr->arg, id, out);
}

bool trace_keys_aka(const struct trace_keys *k, int var, struct aka_keys *out)
{
	memset(out, 0, sizeof(*out));
	out->algo = k->algo;
	memcpy(out->k, k->k, sizeof(out->k));
	out->res_len = k->res_len ? k->res_len : 8; /* --res-len default */
	if (k->algo == AKA_ALGO_TUAK)
		out->tuak = k->tuak;
	if (k->algo == AKA_ALGO_XOR)
		return var == 0;
	bool as_opc = k->is_opc != (var == 1);
	/* OPc = f(OP) (TS 35.206 §4.1), TOPc = f(TOP) (TS 35.231 §6.1) */
	if (as_opc)
		memcpy(out->opc, k->op, aka_op_len(out));
	else if (aka_keys_derive_opc(out, k->op))
		return false;
	return true;
}

const char *trace_keys_variant_desc(const struct trace_keys *k, int var)
{
	bool tuak = k->algo == AKA_ALGO_TUAK;

	if (var == 0)
		return k->algo == AKA_ALGO_XOR ? "the keys as given"
		       : k->is_opc ? (tuak ? "TOPc as given" : "OPc as given")
				   : (tuak ? "TOP as given" : "OP as given");
	if (tuak)
		return k->is_opc ? "the TOPc value treated as TOP" : "the TOP value treated as TOPc";
	return k->is_opc ? "the OPc value treated as OP" : "the OP value treated as OPc";
}

bool trace_aka_sqn(const struct aka_keys *ak, const uint8_t rand[16], const uint8_t autn[16],
		   uint64_t *sqn)
{
	static const uint8_t zero6[6], zero2[2];
	struct aka_out o;
	uint8_t s[6];

	if (aka_compute(ak, rand, zero6, zero2, &o))
		return false;
	for (int i = 0; i < 6; i++)
		s[i] = autn[i] ^ o.ak[i];
	*sqn = aka_sqn_get(s);
	memset(&o, 0, sizeof(o));
	return true;
}

void trace_aka_run(const struct trace_keys *k, int var, const uint8_t rand[16],
		   const uint8_t autn[16], struct trace_aka *out)
{
	uint8_t sqn[6];

	memset(out, 0, sizeof(*out));
	if (!trace_keys_aka(k, var, &out->ak) || !trace_aka_sqn(&out->ak, rand, autn, &out->sqn))
		return;
	aka_sqn_put(out->sqn, sqn);
	if (aka_compute(&out->ak, rand, sqn, autn + 6, &out->out))
		return;
	/* CK/IK as the network holds them: 128 bits (a TUAK CK/IK of 32 octets
	 * reduced by aka_key128, as hssd and ue-sim do) */
	aka_key128(out->out.ck, out->out.ck_len, out->out.ck);
	aka_key128(out->out.ik, out->out.ik_len, out->out.ik);
	out->out.ck_len = out->out.ik_len = AKA_CK_LEN;
	out->ok = true;
	out->mac_ok = ct_equal(out->out.mac_a, autn + 8, 8);
}

int trace_aka_find(const struct trace_keys *k, const uint8_t rand[16], const uint8_t autn[16],
		   struct trace_aka out[TRACE_KEY_VARIANTS])
{
	int found = -1;

	for (int v = 0; v < TRACE_KEY_VARIANTS; v++) {
		trace_aka_run(k, v, rand, autn, &out[v]);
		if (found < 0 && out[v].mac_ok)
			found = v;
	}
	return found;
}

void trace_sqn_text(uint64_t sqn, char *buf, size_t sz)
{
	snprintf(buf, sz, "SQN %012llx (SEQ %llu, IND %llu)", (unsigned long long)sqn,
		 (unsigned long long)(sqn >> TRACE_IND_BITS),
		 (unsigned long long)(sqn & ((1u << TRACE_IND_BITS) - 1)));
}
