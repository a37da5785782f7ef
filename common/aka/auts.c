/* Re-synchronisation token, TS 33.102 §6.3.3 (USIM) and §6.3.5 (HE):
 *   AUTS  = (SQN_MS ⊕ AK*) ‖ MAC-S
 *   AK*   = f5*(K, RAND)
 *   MAC-S = f1*(K, SQN_MS, RAND, AMF*), AMF* = 0x0000 (the "dummy" AMF;
 *           the subscriber's AMF is never used here).
 * AUTS has room for a 64-bit MAC-S (TS 33.102 §6.3.3): a TUAK subscriber
 * with a longer MAC cannot resynchronise (AKA_EINVAL). */
#include "aka.h"
#include "util/ct.h"

#include <string.h>

static const uint8_t amf_dummy[AKA_AMF_LEN] = { 0x00, 0x00 };

int aka_auts_make(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		  uint64_t sqn_ms, uint8_t auts[AKA_AUTS_LEN])
{
	struct aka_out o;
	uint8_t sqn_b[AKA_SQN_LEN];
	int rc;

	if (!keys || !auts || sqn_ms > AKA_SQN_MAX || aka_mac_len(keys) != AKA_MAC_LEN)
		return AKA_EINVAL;
	aka_sqn_put(sqn_ms, sqn_b);
	rc = aka_compute_some(keys, rand, sqn_b, amf_dummy, AKA_WANT_MAC_S | AKA_WANT_AK_S, &o);
	if (rc)
		return rc;
	for (int i = 0; i < AKA_SQN_LEN; i++)
		auts[i] = sqn_b[i] ^ o.ak_s[i];
	memcpy(auts + AKA_SQN_LEN, o.mac_s, AKA_MAC_LEN);
	memset(&o, 0, sizeof(o));
	return 0;
}

int aka_auts_check(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		   const uint8_t auts[AKA_AUTS_LEN], uint64_t *sqn_ms)
{
	struct aka_out o;
	uint8_t sqn_b[AKA_SQN_LEN];
	bool ok;
	int rc;

	if (!keys || !auts || !sqn_ms || aka_mac_len(keys) != AKA_MAC_LEN)
		return AKA_EINVAL;
	/* AK* = f5*(K, RAND) is independent of SQN and AMF: any SQN will do
	 * for this first pass (the masked one at hand). */
	rc = aka_compute_some(keys, rand, auts, amf_dummy, AKA_WANT_AK_S, &o);
	if (rc)
		return rc;
	for (int i = 0; i < AKA_SQN_LEN; i++)
		sqn_b[i] = auts[i] ^ o.ak_s[i]; /* SQN_MS = AUTS[0..5] ⊕ AK* */
	*sqn_ms = aka_sqn_get(sqn_b);
	rc = aka_compute_some(keys, rand, sqn_b, amf_dummy, AKA_WANT_MAC_S, &o);
	if (rc)
		return rc;
	ok = ct_equal(o.mac_s, auts + AKA_SQN_LEN, AKA_MAC_LEN);
	memset(&o, 0, sizeof(o));
	return ok ? AKA_OK : AKA_EMAC;
}
