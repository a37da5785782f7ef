/* MILENAGE (3GPP TS 35.206 §4.1), private to common/aka and aka-tool's
 * explain view. All widths in octets; E_K = AES-128 under the subscriber
 * key K.
 *
 *   OPc   = OP ⊕ E_K(OP)
 *   TEMP  = E_K(RAND ⊕ OPc)
 *   IN1   = SQN ‖ AMF ‖ SQN ‖ AMF
 *   OUT1  = E_K(TEMP ⊕ rot(IN1 ⊕ OPc, r1) ⊕ c1) ⊕ OPc
 *   OUTn  = E_K(rot(TEMP ⊕ OPc, rn) ⊕ cn) ⊕ OPc          n = 2..5
 *   r1..r5 = 64, 0, 32, 64, 96 bits; c1..c5 = 0…0 with last octet
 *   00, 01, 02, 04, 08.
 *
 *   f1  MAC-A = OUT1[0..7]     f1* MAC-S = OUT1[8..15]
 *   f2  RES   = OUT2[8..15]    f5  AK    = OUT2[0..5]
 *   f3  CK    = OUT3           f4  IK    = OUT4
 *   f5* AK*   = OUT5[0..5]                                            */
#ifndef AKA_MILENAGE_H
#define AKA_MILENAGE_H

#include <stdint.h>

/* Every intermediate value, for the teaching view and the tests. */
struct milenage_trace {
	uint8_t temp[16];
	uint8_t in1[16];
	uint8_t out[5][16]; /* OUT1..OUT5 */
};

/* OPc = OP ⊕ E_K(OP) (§4.1). 0 or AKA_ECRYPTO. */
int milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16]);

/* Computes TEMP, IN1 and OUT1..OUT5 with one key load and two AES calls
 * (the five OUT blocks are independent once TEMP is known). sqn/amf may
 * be NULL when only f2..f5* are wanted (IN1 is then zero). */
int milenage_trace(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		   const uint8_t sqn[6], const uint8_t amf[2], struct milenage_trace *t);

/* The seven functions, named as in TS 35.206. */
int milenage_f1(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8]);
int milenage_f1star(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_s[8]);
/* f2, f3, f4 and f5 share OUT2..OUT4, so they come together; any output
 * pointer may be NULL. */
int milenage_f2345(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		   uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6]);
int milenage_f5star(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		    uint8_t ak_s[6]);

#endif
