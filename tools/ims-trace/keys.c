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
	memcpy(out->k, k->k, 16);
	out->res_len = k->res_len ? k->res_len : 8; /* --res-len default */
	if (k->algo != AKA_ALGO_MILENAGE)
		return var == 0;
	bool as_opc = k->is_opc != (var == 1);
	if (as_opc)
		memcpy(out->opc, k->op, 16);
	else if (aka_opc_from_op(k->k, k->op, out->opc))
		return false;
	return true;
}

const char *trace_keys_variant_desc(const struct trace_keys *k, int var)
{
	if (var == 0)
		return k->algo != AKA_ALGO_MILENAGE ? "the keys as given"
		       : k->is_opc ? "OPc as given" : "OP as given";
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
