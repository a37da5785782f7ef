/* The XOR test algorithm of 3GPP TS 34.108 §8.1.2 (what test USIMs and
 * test systems run instead of MILENAGE). Private to common/aka.
 *
 *   XDOUT = K ⊕ RAND                                   (§8.1.2.1 step 1)
 *   f2  RES = XDOUT[0 .. n-1]  (n = 32..128 bits)      (step 2)
 *   f3  CK  = XDOUT[8..127] ‖ XDOUT[0..7]   (rotated one octet)
 *   f4  IK  = XDOUT[16..127] ‖ XDOUT[0..15] (rotated two octets)
 *   f5  AK  = XDOUT[24..71]
 *   CDOUT = SQN ‖ AMF                                   (step 3)
 *   f1  XMAC = MAC-A = XDOUT[0..63] ⊕ CDOUT            (step 4)
 *   AUTN = (SQN ⊕ AK) ‖ AMF ‖ MAC                       (step 5)
 * Resynchronisation (§8.1.2.2): AK* = AK (the test algorithm has no
 * separate f5*), MAC-S = XDOUT[0..63] ⊕ (SQN_MS ‖ AMF*) with the dummy
 * AMF* = 0000 of TS 33.102 §6.3.3, i.e. f1* is f1. */
#ifndef AKA_XOR_H
#define AKA_XOR_H

#include <stddef.h>
#include <stdint.h>

struct xor_trace {
	uint8_t xdout[16];
	uint8_t cdout[8];
};

void xor_trace(const uint8_t k[16], const uint8_t rand[16], const uint8_t sqn[6],
	       const uint8_t amf[2], struct xor_trace *t);
/* f1 (and f1*): XDOUT[0..63] ⊕ (SQN ‖ AMF). */
void xor_f1(const uint8_t k[16], const uint8_t rand[16], const uint8_t sqn[6],
	    const uint8_t amf[2], uint8_t mac[8]);
/* f2..f5 (f5* = f5); res_len 4..16. */
void xor_f2345(const uint8_t k[16], const uint8_t rand[16], size_t res_len, uint8_t *res,
	       uint8_t ck[16], uint8_t ik[16], uint8_t ak[6]);

#endif
