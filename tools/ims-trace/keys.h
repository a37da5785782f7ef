/* A subscriber's keys as ims-trace gets them, and every AKA computation
 * ims-trace makes with them, in one place: the SIP verdict, the Diameter
 * vector checks and the ESP key derivation all call these, so another
 * algorithm (TUAK, TS 35.231) is one change here.
 *
 * Key *variants*: the value given as OP may in truth be OPc (or the other
 * way round) — the classic provisioning mistake. Variant 0 is the keys as
 * given, variant 1 the same K with OP and OPc swapped (Milenage only). */
#ifndef TRACE_KEYS_H
#define TRACE_KEYS_H

#include "aka/aka.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace_keys {
	enum aka_algo algo;
	uint8_t k[AKA_K_MAX]; /* 16 octets; TUAK tuak.k_len (16 or 32) */
	uint8_t op[AKA_TOP_LEN]; /* the value as given: OP, or OPc when is_opc
				  * (TUAK: TOP or TOPc, 32 octets) */
	bool is_opc;
	bool have_aka;        /* K and OP/OPc (TOP/TOPc) are here: the AKA checks
			       * run; false for --password alone (MD5 only) */
	struct aka_tuak tuak; /* TUAK's lengths and iterations (TS 35.231 §5.1) */
	uint8_t amf[2];
	bool have_amf;
	size_t res_len;       /* 0 = algorithm default */
	char password[128];   /* plain SIP Digest password, for algorithm=MD5 */
	bool have_password;
	char source[128];     /* "--k/--opc", "hss.sqlite" ... for sentences */
};

/* Looks up keys by identity (IMPI, or IMSI for S6a): 1 = found, 0 = none
 * for this identity, <0 = lookup failed. */
typedef int (*trace_key_lookup)(void *arg, const char *id, struct trace_keys *out);

struct trace_keyring {
	trace_key_lookup fn;
	void *arg;
};
/* keyring lookup; 0 when kr or its function is NULL. */
int trace_keys_get(const struct trace_keyring *kr, const char *id, struct trace_keys *out);

#define TRACE_KEY_VARIANTS 2
/* The aka_keys of variant var; false when the variant does not exist
 * (swapping means nothing for XOR) or OPc/TOPc cannot be derived. */
bool trace_keys_aka(const struct trace_keys *k, int var, struct aka_keys *out);
/* "OP as given" / "the OP value treated as OPc" ... */
const char *trace_keys_variant_desc(const struct trace_keys *k, int var);

/* What a USIM with these keys makes of (RAND, AUTN), TS 33.102 §6.3.3:
 * AK = f5(RAND), SQN = (SQN⊕AK) ⊕ AK, XMAC = f1(SQN, RAND, AMF of AUTN),
 * RES/CK/IK = f2/f3/f4. */
struct trace_aka {
	bool ok;              /* computed (keys usable) */
	bool mac_ok;          /* XMAC == MAC-A */
	uint64_t sqn;
	struct aka_keys ak;
	struct aka_out out;   /* res, ck, ik, ak, mac_a = XMAC; ck/ik the 128-bit
			       * keys of the vector (aka_key128 for TUAK's 32) */
};
void trace_aka_run(const struct trace_keys *k, int var, const uint8_t rand[16],
		   const uint8_t autn[16], struct trace_aka *out);
/* Runs every variant; returns the first whose MAC-A verifies, or -1. */
int trace_aka_find(const struct trace_keys *k, const uint8_t rand[16], const uint8_t autn[16],
		   struct trace_aka out[TRACE_KEY_VARIANTS]);

/* SQN hidden in a vector's AUTN with these AKA keys (AK = f5(RAND)). */
bool trace_aka_sqn(const struct aka_keys *ak, const uint8_t rand[16], const uint8_t autn[16],
		   uint64_t *sqn);

#define TRACE_IND_BITS 5 /* TS 33.102 C.3.2 suggestion; used only to express distances */
/* "SQN 000000000160 (SEQ 11, IND 0)" */
void trace_sqn_text(uint64_t sqn, char *buf, size_t sz);

#endif
