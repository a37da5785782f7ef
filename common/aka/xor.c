/* XOR test algorithm, 3GPP TS 34.108 §8.1.2 (formulas in xor.h). */
#include "xor.h"

#include <string.h>

void xor_trace(const uint8_t k[16], const uint8_t rand[16], const uint8_t sqn[6],
	       const uint8_t amf[2], struct xor_trace *t)
{
	/* XDOUT = K ⊕ RAND */
	for (int i = 0; i < 16; i++)
		t->xdout[i] = k[i] ^ rand[i];
	/* CDOUT = SQN ‖ AMF */
	memset(t->cdout, 0, sizeof(t->cdout));
	if (sqn)
		memcpy(t->cdout, sqn, 6);
	if (amf)
		memcpy(t->cdout + 6, amf, 2);
}

void xor_f1(const uint8_t k[16], const uint8_t rand[16], const uint8_t sqn[6],
	    const uint8_t amf[2], uint8_t mac[8])
{
	struct xor_trace t;

	xor_trace(k, rand, sqn, amf, &t);
	/* XMAC = XDOUT[0..63] ⊕ CDOUT */
	for (int i = 0; i < 8; i++)
		mac[i] = t.xdout[i] ^ t.cdout[i];
}

void xor_f2345(const uint8_t k[16], const uint8_t rand[16], size_t res_len, uint8_t *res,
	       uint8_t ck[16], uint8_t ik[16], uint8_t ak[6])
{
	struct xor_trace t;

	xor_trace(k, rand, NULL, NULL, &t);
	if (res)
		memcpy(res, t.xdout, res_len);          /* RES = XDOUT[0..n-1] */
	for (int i = 0; i < 16; i++) {
		if (ck)
			ck[i] = t.xdout[(i + 1) % 16]; /* CK = XDOUT rotated 8 bits */
		if (ik)
			ik[i] = t.xdout[(i + 2) % 16]; /* IK = XDOUT rotated 16 bits */
	}
	if (ak)
		memcpy(ak, t.xdout + 3, 6);             /* AK = XDOUT[24..71] */
}
