/* USIM side of AKA, TS 33.102 §6.3.3: verify AUTN, then SQN freshness
 * (Annex C), then answer with RES/CK/IK or with AUTS. */
#include "aka.h"
#include "util/ct.h"

#include <string.h>

static const uint8_t zero_sqn[AKA_SQN_LEN];

int aka_usim_authenticate(const struct aka_keys *keys, struct aka_usim_sqn *sqn_state,
			  const uint8_t rand[AKA_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
			  struct aka_usim_result *out)
{
	struct aka_out o, m;
	uint8_t sqn_b[AKA_SQN_LEN];
	int rc;

	if (!keys || !sqn_state || !rand || !autn || !out || aka_mac_len(keys) != AKA_MAC_LEN)
		return AKA_EINVAL; /* AUTN carries a 64-bit MAC (TS 33.102 §6.3.2) */
	memset(out, 0, sizeof(*out));
	memcpy(out->amf, autn + 6, AKA_AMF_LEN);
	/* AK = f5(K, RAND), and RES, CK, IK, do not depend on SQN. */
	rc = aka_compute_some(keys, rand, zero_sqn, out->amf, AKA_WANT_F2345, &o);
	if (rc)
		return rc;
	for (int i = 0; i < AKA_SQN_LEN; i++)
		sqn_b[i] = autn[i] ^ o.ak[i]; /* SQN = (SQN ⊕ AK) ⊕ AK */
	/* XMAC = f1(K, SQN, RAND, AMF), compared with MAC-A of AUTN. */
	rc = aka_compute_some(keys, rand, sqn_b, out->amf, AKA_WANT_MAC_A, &m);
	if (rc) {
		memset(&o, 0, sizeof(o));
		return rc;
	}
	memcpy(out->xmac, m.mac_a, AKA_MAC_LEN);
	memset(&m, 0, sizeof(m));
	/* The card's AK and SQN are kept on a MAC failure too: they are what
	 * shows which keys the card used (ue-sim --explain). */
	out->sqn = aka_sqn_get(sqn_b);
	memcpy(out->ak, o.ak, AKA_AK_LEN);
	if (!ct_equal(out->xmac, autn + 8, AKA_MAC_LEN)) {
		memset(&o, 0, sizeof(o));
		return AKA_EMAC;
	}
	if (aka_usim_sqn_check(sqn_state, out->sqn)) {
		memset(&o, 0, sizeof(o));
		rc = aka_auts_make(keys, rand, aka_usim_sqn_ms(sqn_state), out->auts);
		return rc ? rc : AKA_ESYNC;
	}
	aka_usim_sqn_accept(sqn_state, out->sqn);
	memcpy(out->res, o.res, o.res_len);
	out->res_len = o.res_len;
	aka_key128(o.ck, o.ck_len, out->ck); /* the 128-bit keys the network holds */
	aka_key128(o.ik, o.ik_len, out->ik);
	memset(&o, 0, sizeof(o));
	return AKA_OK;
}
