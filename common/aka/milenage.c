/* MILENAGE, 3GPP TS 35.206 §4.1 (formulas restated in milenage.h). */
#include "milenage.h"
#include "aes128.h"
#include "aka.h"

#include <string.h>

/* rn in octets (64, 0, 32, 64, 96 bits; all whole octets) and the last
 * octet of cn (c1 = 0, c2..c5 = 1, 2, 4, 8 in the last bit positions).
 * rot(x, r), the cyclic left rotation by r octets, is read from x ‖ x at
 * offset r. */
enum { R1 = 8, R2 = 0, R3 = 4, R4 = 8, R5 = 12 };
enum { C1 = 0x00, C2 = 0x01, C3 = 0x02, C4 = 0x04, C5 = 0x08 };

/* 128-bit XOR as two 64-bit words (memcpy keeps it alias- and
 * alignment-safe; compilers turn it into plain loads/stores). */
static void xor16(uint8_t *out, const uint8_t *a, const uint8_t *b)
{
	uint64_t x[2], y[2];

	memcpy(x, a, 16);
	memcpy(y, b, 16);
	x[0] ^= y[0];
	x[1] ^= y[1];
	memcpy(out, x, 16);
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

/* The five kernel inputs once TEMP is known. The rotations are written
 * out with constant r so every copy has a fixed size and offset. */
static void milenage_inputs(const struct milenage_trace *t, const uint8_t opc[16],
			    uint8_t in[5][16])
{
	uint8_t x[32];

	/* OUT1 input: TEMP ⊕ rot(IN1 ⊕ OPc, r1) ⊕ c1 */
	xor16(x, t->in1, opc);
	memcpy(x + 16, x, 16);
	xor16(in[0], t->temp, x + R1);
	in[0][15] ^= C1;
	/* OUTn input, n = 2..5: rot(TEMP ⊕ OPc, rn) ⊕ cn */
	xor16(x, t->temp, opc);
	memcpy(x + 16, x, 16);
	memcpy(in[1], x + R2, 16);
	memcpy(in[2], x + R3, 16);
	memcpy(in[3], x + R4, 16);
	memcpy(in[4], x + R5, 16);
	in[1][15] ^= C2;
	in[2][15] ^= C3;
	in[3][15] ^= C4;
	in[4][15] ^= C5;
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
	/* OUTn = E_K(...) ⊕ OPc (unrolled: gcc turns the loop into a slow
	 * variable-length copy) */
	xor16(t->out[0], t->out[0], opc);
	xor16(t->out[1], t->out[1], opc);
	xor16(t->out[2], t->out[2], opc);
	xor16(t->out[3], t->out[3], opc);
	xor16(t->out[4], t->out[4], opc);
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
