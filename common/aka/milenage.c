/* MILENAGE, 3GPP TS 35.206 §4.1 (formulas restated in milenage.h). */
#include "milenage.h"
#include "aes128.h"
#include "aka.h"

#include <string.h>

/* rn in octets (all rotations are whole octets) and the last octet of cn. */
static const uint8_t rot_octets[5] = { 8, 0, 4, 8, 12 };
static const uint8_t c_last[5] = { 0x00, 0x01, 0x02, 0x04, 0x08 };

static void xor16(uint8_t *out, const uint8_t *a, const uint8_t *b)
{
	for (int i = 0; i < 16; i++)
		out[i] = a[i] ^ b[i];
}

/* rot(x, r): cyclic left rotation by r octets (TS 35.206 §4.1). */
static void rot_left(uint8_t out[16], const uint8_t in[16], unsigned r)
{
	for (unsigned i = 0; i < 16; i++)
		out[i] = in[(i + r) % 16];
}

int milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16])
{
	struct aes128 *a;
	uint8_t e[16];

	/* OPc = OP ⊕ E_K(OP) */
	if (aes128_key(&a, k) || aes128_encrypt(a, op, e, 1))
		return AKA_ECRYPTO;
	xor16(opc, op, e);
	return 0;
}

/* The five kernel inputs once TEMP is known. */
static void milenage_inputs(const struct milenage_trace *t, const uint8_t opc[16],
			    uint8_t in[5][16])
{
	uint8_t x[16], r[16];

	/* OUT1 input: TEMP ⊕ rot(IN1 ⊕ OPc, r1) ⊕ c1 */
	xor16(x, t->in1, opc);
	rot_left(r, x, rot_octets[0]);
	xor16(in[0], t->temp, r);
	in[0][15] ^= c_last[0];
	/* OUTn input, n = 2..5: rot(TEMP ⊕ OPc, rn) ⊕ cn */
	xor16(x, t->temp, opc);
	for (int n = 1; n < 5; n++) {
		rot_left(in[n], x, rot_octets[n]);
		in[n][15] ^= c_last[n];
	}
}

int milenage_trace(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		   const uint8_t sqn[6], const uint8_t amf[2], struct milenage_trace *t)
{
	struct aes128 *a;
	uint8_t in[5][16];

	memset(t->in1, 0, sizeof(t->in1));
	if (sqn && amf) {
		/* IN1 = SQN ‖ AMF ‖ SQN ‖ AMF */
		memcpy(t->in1, sqn, 6);
		memcpy(t->in1 + 6, amf, 2);
		memcpy(t->in1 + 8, t->in1, 8);
	}
	if (aes128_key(&a, k))
		return AKA_ECRYPTO;
	/* TEMP = E_K(RAND ⊕ OPc) */
	xor16(t->temp, rand, opc);
	if (aes128_encrypt(a, t->temp, t->temp, 1))
		return AKA_ECRYPTO;
	milenage_inputs(t, opc, in);
	if (aes128_encrypt(a, &in[0][0], &t->out[0][0], 5))
		return AKA_ECRYPTO;
	/* OUTn = E_K(...) ⊕ OPc */
	for (int n = 0; n < 5; n++)
		xor16(t->out[n], t->out[n], opc);
	return 0;
}

int milenage_f1(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8])
{
	struct milenage_trace t;
	int rc = milenage_trace(k, opc, rand, sqn, amf, &t);

	if (!rc)
		memcpy(mac_a, t.out[0], 8); /* MAC-A = OUT1[0..63] */
	return rc;
}

int milenage_f1star(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_s[8])
{
	struct milenage_trace t;
	int rc = milenage_trace(k, opc, rand, sqn, amf, &t);

	if (!rc)
		memcpy(mac_s, t.out[0] + 8, 8); /* MAC-S = OUT1[64..127] */
	return rc;
}

int milenage_f2345(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		   uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6])
{
	struct milenage_trace t;
	int rc = milenage_trace(k, opc, rand, NULL, NULL, &t);

	if (rc)
		return rc;
	if (res)
		memcpy(res, t.out[1] + 8, 8); /* RES = OUT2[64..127] */
	if (ck)
		memcpy(ck, t.out[2], 16);     /* CK = OUT3 */
	if (ik)
		memcpy(ik, t.out[3], 16);     /* IK = OUT4 */
	if (ak)
		memcpy(ak, t.out[1], 6);      /* AK = OUT2[0..47] */
	return 0;
}

int milenage_f5star(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		    uint8_t ak_s[6])
{
	struct milenage_trace t;
	int rc = milenage_trace(k, opc, rand, NULL, NULL, &t);

	if (!rc)
		memcpy(ak_s, t.out[4], 6); /* AK* = OUT5[0..47] */
	return rc;
}
