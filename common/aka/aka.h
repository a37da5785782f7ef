/* IMS/EPS AKA: the public API of common/aka (TS 33.102, TS 35.206,
 * TS 35.231, TS 34.108 §8.1.2, TS 33.220 Annex B, TS 33.401 Annex A.2).
 *
 * Everything here is pure computation over octet arrays: no I/O, no
 * logging. Octet strings are big-endian; SQN is a 48-bit number carried
 * in a uint64_t. Errors are negative values (AKA_E*), 0 is success. */
#ifndef AKA_AKA_H
#define AKA_AKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKA_K_LEN 16    /* MILENAGE/XOR K; TUAK's may be AKA_K_MAX */
#define AKA_K_MAX 32
#define AKA_OP_LEN 16   /* MILENAGE OP/OPc */
#define AKA_TOP_LEN 32  /* TUAK TOP/TOPc (TS 35.231 §5.1) */
#define AKA_RAND_LEN 16
#define AKA_SQN_LEN 6
#define AKA_AMF_LEN 2
#define AKA_MAC_LEN 8   /* the MAC in AUTN/AUTS (TS 33.102 §6.3.2) */
#define AKA_MAC_MAX 32  /* TUAK f1/f1* may give 16 or 32 octets */
#define AKA_AK_LEN 6
#define AKA_CK_LEN 16   /* CK/IK as the network uses them (128 bits) */
#define AKA_IK_LEN 16
#define AKA_CKIK_MAX 32 /* TUAK f3/f4 may give 32 octets */
#define AKA_AUTN_LEN 16
#define AKA_AUTS_LEN 14
#define AKA_RES_MAX 32  /* TUAK f2 gives up to 256 bits */
#define AKA_KASME_LEN 32
#define AKA_SQN_MAX 0xffffffffffffULL

enum aka_err {
	AKA_OK = 0,
	AKA_EINVAL = -1,   /* bad parameter (length, algorithm) */
	AKA_ECRYPTO = -2,  /* OpenSSL failure */
	AKA_EMAC = -3,     /* MAC-A or MAC-S did not verify */
	AKA_ESYNC = -4,    /* SQN not acceptable (TS 33.102 Annex C) */
	AKA_ERAND = -5,    /* random source failed */
};
const char *aka_strerror(int err);

enum aka_algo { AKA_ALGO_MILENAGE = 0, AKA_ALGO_XOR = 1, AKA_ALGO_TUAK = 2 };
/* "milenage" / "xor" / "tuak" <-> enum; parse returns -1 when unknown. */
int aka_algo_parse(const char *s);
const char *aka_algo_name(enum aka_algo a);

/* The lengths a TUAK implementation fixes (TS 35.231 §5.1), in octets; 0
 * picks the default in brackets. res_len is aka_keys.res_len. */
struct aka_tuak {
	size_t k_len;        /* K: 16 or 32 [16] */
	size_t mac_len;      /* MAC-A/MAC-S: 8, 16 or 32 [8] */
	size_t ck_len;       /* CK: 16 or 32 [16] */
	size_t ik_len;       /* IK: 16 or 32 [16] */
	unsigned iterations; /* Keccak iterations, >= 1 [1] */
};

/* RES length of the XOR test algorithm when none is given: 8 octets in
 * every tool (hss-ctl, ue-sim, aka-tool, ims-trace), as MILENAGE's f2. */
#define AKA_XOR_RES_LEN_DEFAULT 8

/* A subscriber's long-term keys. For MILENAGE, opc holds OPc (16 octets,
 * derive it from OP once with aka_keys_derive_opc); for TUAK, TOPc (32
 * octets). XOR ignores opc. k holds 16 octets, or tuak.k_len for TUAK.
 * res_len is the RES length to produce: 8 for MILENAGE (f2 gives 64 bits);
 * 4..16 for XOR; 4, 8, 16 or 32 for TUAK. tuak is read only for TUAK, so
 * MILENAGE/XOR callers may leave it unset. */
struct aka_keys {
	enum aka_algo algo;
	uint8_t k[AKA_K_MAX];
	uint8_t opc[AKA_TOP_LEN];
	size_t res_len;
	struct aka_tuak tuak;
};

/* The RES length aka_compute() will produce for these keys: res_len 0
 * picks the algorithm's natural length (MILENAGE 8, XOR 16, TUAK 8); 0 is
 * returned for an unusable res_len (MILENAGE other than 0/8, XOR outside
 * 4..16, TUAK other than 4/8/16/32). */
size_t aka_res_len(const struct aka_keys *keys);
/* Octets of K, OP/OPc (MILENAGE 16 and 16, TUAK tuak.k_len and 32; XOR 16
 * and 0), of MAC-A/MAC-S and of CK and IK as aka_compute() gives them. */
size_t aka_k_len(const struct aka_keys *keys);
size_t aka_op_len(const struct aka_keys *keys);
size_t aka_mac_len(const struct aka_keys *keys);
size_t aka_ck_len(const struct aka_keys *keys);
size_t aka_ik_len(const struct aka_keys *keys);
/* 0 when algo, K length, RES length and (TUAK) every length and the
 * iteration count are ones the algorithm allows, else AKA_EINVAL. */
int aka_keys_check(const struct aka_keys *keys);

/* Parameter checks for the command lines and files that take them, so
 * every program refuses the same values with the same words: NULL when v
 * is allowed for `algo`, else what is (e.g. "8, 16 or 32 (TS 35.231
 * §5.1)"). */
enum aka_param { AKA_PARAM_K_LEN, AKA_PARAM_MAC_LEN, AKA_PARAM_RES_LEN, AKA_PARAM_CK_LEN,
		 AKA_PARAM_IK_LEN, AKA_PARAM_ITERATIONS };
const char *aka_param_check(enum aka_algo algo, enum aka_param p, unsigned long long v);
/* Sets one of them in keys (algo must be set first). -1 with *why as above. */
int aka_param_set(struct aka_keys *keys, enum aka_param p, unsigned long long v,
		  const char **why);

/* OPc = OP ⊕ E_K(OP) (TS 35.206 §4.1). */
int aka_opc_from_op(const uint8_t k[AKA_K_LEN], const uint8_t op[AKA_OP_LEN],
		    uint8_t opc[AKA_OP_LEN]);
/* keys->opc from the operator variant: OPc from OP (MILENAGE, 16 octets)
 * or TOPc from TOP (TUAK, 32 octets, TS 35.231 §6.1; uses k, tuak.k_len
 * and tuak.iterations, so set those first). AKA_EINVAL for XOR. */
int aka_keys_derive_opc(struct aka_keys *keys, const uint8_t *op);

/* All f-function outputs for one (RAND, SQN, AMF). mac_s is f1* over the
 * given AMF (as TS 35.208/35.233 print it; resync uses AMF 0000 — see
 * aka_auts_*). Lengths: MILENAGE/XOR 8-octet MACs and 16-octet CK/IK;
 * TUAK those of keys->tuak. */
struct aka_out {
	uint8_t mac_a[AKA_MAC_MAX];
	uint8_t mac_s[AKA_MAC_MAX];
	size_t mac_len;
	uint8_t res[AKA_RES_MAX];
	size_t res_len;
	uint8_t ck[AKA_CKIK_MAX];
	uint8_t ik[AKA_CKIK_MAX];
	size_t ck_len, ik_len;
	uint8_t ak[AKA_AK_LEN];
	uint8_t ak_s[AKA_AK_LEN];
};
int aka_compute(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		const uint8_t sqn[AKA_SQN_LEN], const uint8_t amf[AKA_AMF_LEN],
		struct aka_out *out);
/* The same for only some outputs (the rest left zero): TUAK runs one
 * Keccak permutation per group (TS 35.231 §6.2-6.5), so a vector (f1 and
 * f2..f5) costs two instead of four. MILENAGE computes everything anyway. */
enum aka_want {
	AKA_WANT_MAC_A = 1 << 0, /* f1 */
	AKA_WANT_MAC_S = 1 << 1, /* f1* */
	AKA_WANT_F2345 = 1 << 2, /* RES, CK, IK, AK */
	AKA_WANT_AK_S = 1 << 3,  /* f5* */
	AKA_WANT_ALL = 0xf,
};
int aka_compute_some(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		     const uint8_t sqn[AKA_SQN_LEN], const uint8_t amf[AKA_AMF_LEN],
		     unsigned want, struct aka_out *out);

/* SQN helpers: 48-bit number <-> 6 octets. */
void aka_sqn_put(uint64_t sqn, uint8_t out[AKA_SQN_LEN]);
uint64_t aka_sqn_get(const uint8_t in[AKA_SQN_LEN]);

/* Randomness seam (STYLE.md §8): every RAND comes from aka_random(). The
 * default source is OpenSSL's CSPRNG; tests and the deterministic mode
 * install their own. fn returns 0 on success. */
typedef int (*aka_rand_fn)(void *arg, uint8_t *buf, size_t len);
void aka_set_rand_source(aka_rand_fn fn, void *arg); /* NULL restores the CSPRNG */
int aka_random(uint8_t *buf, size_t len);
/* A reproducible source for golden-file runs: a counter-mode stream over
 * SHA-256(seed). Install with aka_set_rand_source(aka_seeded_rand, &state). */
struct aka_seeded { uint8_t seed[32]; uint64_t counter; };
void aka_seeded_init(struct aka_seeded *s, uint64_t seed);
int aka_seeded_rand(void *arg, uint8_t *buf, size_t len);

/* CK or IK as the network and the UE use them: 128 bits. A 256-bit TUAK
 * CK/IK is reduced to its 128 least significant bits (its last 16
 * octets), the rule 3GPP applies wherever a 256-bit key feeds a 128-bit
 * use (TS 33.401 A.7, TS 33.501 A.8); 16 octets are copied as they are. */
void aka_key128(const uint8_t *key, size_t len, uint8_t out[16]);

/* One authentication vector (network side). AUTN carries a 64-bit MAC
 * (TS 33.102 §6.3.2), so TUAK vectors need tuak.mac_len 8 (else
 * AKA_EINVAL); ck/ik are the 128-bit keys of aka_key128(). */
struct aka_vector {
	uint8_t rand[AKA_RAND_LEN];
	uint8_t autn[AKA_AUTN_LEN];   /* (SQN ⊕ AK) ‖ AMF ‖ MAC-A, TS 33.102 §6.3.2 */
	uint8_t xres[AKA_RES_MAX];
	size_t xres_len;
	uint8_t ck[AKA_CK_LEN];
	uint8_t ik[AKA_IK_LEN];
	uint8_t ak[AKA_AK_LEN];
	uint64_t sqn;
};
/* Draws RAND from aka_random(). */
int aka_vector_make(const struct aka_keys *keys, uint64_t sqn, const uint8_t amf[AKA_AMF_LEN],
		    struct aka_vector *v);
/* Same with a given RAND. */
int aka_vector_make_rand(const struct aka_keys *keys, uint64_t sqn,
			 const uint8_t amf[AKA_AMF_LEN], const uint8_t rand[AKA_RAND_LEN],
			 struct aka_vector *v);

/* --- SQN management, TS 33.102 Annex C ------------------------------------
 * SQN = SEQ ‖ IND, IND the low ind_bits bits. */
struct aka_sqn_cfg {
	unsigned ind_bits;  /* 0..8; TS 33.102 C.3.2 suggests 5 */
	uint64_t delta;     /* Δ: max SEQ jump accepted (C.2.1), e.g. 2^28 */
	uint64_t age_limit; /* L: accept only SEQ_MS - SEQ < L (C.2.2); 0 = off */
};
/* (delta 0 is treated as "no Δ limit", like age_limit 0.) */
#define AKA_SQN_CFG_DEFAULT { .ind_bits = 5, .delta = 1ULL << 28, .age_limit = 0 }
#define AKA_IND_MAX 256

/* Network side (C.1.1/C.3): next SQN after `cur` = SEQ+1 with IND kept at
 * `ind` (cycled by the caller if it wants). */
uint64_t aka_sqn_next(const struct aka_sqn_cfg *cfg, uint64_t cur, unsigned ind);
/* After a verified AUTS (TS 33.102 §6.3.5/C.3.4): the SQN_HE to store.
 * SQN_HE is kept when its next SQN is fresh for the card and within Δ of
 * SQN_MS; otherwise it becomes SQN_MS — also *down*, or a SQN_HE pushed
 * more than Δ ahead would lock the card out for good. */
uint64_t aka_sqn_he_after_resync(const struct aka_sqn_cfg *cfg, uint64_t sqn_he,
				 uint64_t sqn_ms);

/* USIM side: the array SEQ_MS(i) per IND slot (C.2). */
struct aka_usim_sqn {
	struct aka_sqn_cfg cfg;
	uint64_t seq_ms[AKA_IND_MAX]; /* SEQ of the last accepted SQN per IND */
	uint64_t sqn_ms;              /* highest accepted SQN (SEQ ‖ IND); added */
};
void aka_usim_sqn_init(struct aka_usim_sqn *s, const struct aka_sqn_cfg *cfg);
/* SQN_MS: the highest accepted SQN (what goes into AUTS). */
uint64_t aka_usim_sqn_ms(const struct aka_usim_sqn *s);
/* 0 if `sqn` is acceptable (C.2.1, C.2.2), AKA_ESYNC otherwise. Does not
 * change state; aka_usim_sqn_accept() records it. */
int aka_usim_sqn_check(const struct aka_usim_sqn *s, uint64_t sqn);
void aka_usim_sqn_accept(struct aka_usim_sqn *s, uint64_t sqn);
/* Sets the card so that SQN_MS == sqn (all slots at or below it). */
void aka_usim_sqn_set(struct aka_usim_sqn *s, uint64_t sqn);

/* USIM AUTN verification (TS 33.102 §6.3.3): AK = f5(RAND), SQN = AUTN⊕AK,
 * XMAC = f1(SQN, RAND, AMF of AUTN). Returns AKA_OK (res/ck/ik filled and
 * SQN recorded), AKA_EMAC (res/ck/ik/auts not valid), or AKA_ESYNC (auts
 * filled: (SQN_MS ⊕ AK*) ‖ MAC-S over AMF 0000). amf, ak, sqn and xmac are
 * the card's values in all three cases. ck/ik are the 128-bit keys of
 * aka_key128() (what the network holds); TUAK needs tuak.mac_len 8, as
 * for vectors. */
struct aka_usim_result {
	uint64_t sqn;
	uint8_t amf[AKA_AMF_LEN];
	uint8_t res[AKA_RES_MAX];
	size_t res_len;
	uint8_t ck[AKA_CK_LEN];
	uint8_t ik[AKA_IK_LEN];
	uint8_t ak[AKA_AK_LEN];
	uint8_t xmac[AKA_MAC_LEN];
	uint8_t auts[AKA_AUTS_LEN];
};
int aka_usim_authenticate(const struct aka_keys *keys, struct aka_usim_sqn *sqn_state,
			  const uint8_t rand[AKA_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
			  struct aka_usim_result *out);

/* AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S, MAC-S = f1*(K, SQN_MS, RAND, AMF=0000)
 * (TS 33.102 §6.3.3). */
int aka_auts_make(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		  uint64_t sqn_ms, uint8_t auts[AKA_AUTS_LEN]);
/* HSS side (§6.3.5): recovers SQN_MS and verifies MAC-S (constant time).
 * AKA_OK or AKA_EMAC; *sqn_ms is set either way (for diagnostics). */
int aka_auts_check(const struct aka_keys *keys, const uint8_t rand[AKA_RAND_LEN],
		   const uint8_t auts[AKA_AUTS_LEN], uint64_t *sqn_ms);

/* --- Key derivation ------------------------------------------------------ */
/* TS 33.220 Annex B.2: HMAC-SHA-256(key, FC ‖ P0 ‖ L0 ‖ P1 ‖ L1 ...). */
struct aka_kdf_param { const uint8_t *p; size_t len; };
int aka_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const struct aka_kdf_param *params,
	    size_t nparams, uint8_t out[32]);
/* PLMN identity (SN-id) from MCC "001" and MNC "01"/"001" (TS 24.008
 * §10.5.1.3 layout). AKA_EINVAL on bad digits. */
int aka_plmn_encode(const char *mcc, const char *mnc, uint8_t out[3]);
/* KASME = KDF(CK‖IK, FC=0x10, SN-id, SQN⊕AK) (TS 33.401 A.2). */
int aka_kasme(const uint8_t ck[AKA_CK_LEN], const uint8_t ik[AKA_IK_LEN], const uint8_t plmn[3],
	      const uint8_t sqn_xor_ak[AKA_SQN_LEN], uint8_t kasme[AKA_KASME_LEN]);

/* Frees this thread's cached AES context now (optional: worker threads
 * free theirs at exit automatically; the main thread's lives to exit). */
void aka_thread_cleanup(void);

#endif
