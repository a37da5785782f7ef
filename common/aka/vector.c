/* Authentication vectors, network side (TS 33.102 §6.3.2):
 * AV = RAND ‖ XRES ‖ CK ‖ IK ‖ AUTN, AUTN = (SQN ⊕ AK) ‖ AMF ‖ MAC-A.
 * AUTN has room for a 64-bit MAC only; CK and IK leave as 128-bit keys
 * (aka_key128: a 256-bit TUAK CK/IK is reduced). */
#include "aka.h"

#include <string.h>

int aka_vector_make_rand(const struct aka_keys *keys, uint64_t sqn,
			 const uint8_t amf[AKA_AMF_LEN], const uint8_t rand[AKA_RAND_LEN],
			 struct aka_vector *v)
{
	struct aka_out o;
	uint8_t sqn_b[AKA_SQN_LEN];
	int rc;

	if (!v || !keys || sqn > AKA_SQN_MAX || aka_mac_len(keys) != AKA_MAC_LEN)
		return AKA_EINVAL;
	aka_sqn_put(sqn, sqn_b);
	rc = aka_compute_some(keys, rand, sqn_b, amf, AKA_WANT_MAC_A | AKA_WANT_F2345, &o);
	if (rc)
		return rc;
	memcpy(v->rand, rand, AKA_RAND_LEN);
	for (int i = 0; i < AKA_SQN_LEN; i++)
		v->autn[i] = sqn_b[i] ^ o.ak[i];          /* SQN ⊕ AK */
	memcpy(v->autn + 6, amf, AKA_AMF_LEN);            /* AMF */
	memcpy(v->autn + 8, o.mac_a, AKA_MAC_LEN);        /* MAC-A = f1 */
	memcpy(v->xres, o.res, o.res_len);                /* XRES = f2 */
	v->xres_len = o.res_len;
	aka_key128(o.ck, o.ck_len, v->ck);                /* CK = f3 */
	aka_key128(o.ik, o.ik_len, v->ik);                /* IK = f4 */
	memcpy(v->ak, o.ak, AKA_AK_LEN);                  /* AK = f5 */
	v->sqn = sqn;
	memset(&o, 0, sizeof(o));
	return 0;
}

int aka_vector_make(const struct aka_keys *keys, uint64_t sqn, const uint8_t amf[AKA_AMF_LEN],
		    struct aka_vector *v)
{
	uint8_t rand[AKA_RAND_LEN];

	if (aka_random(rand, sizeof(rand)))
		return AKA_ERAND;
	return aka_vector_make_rand(keys, sqn, amf, rand, v);
}
