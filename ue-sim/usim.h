/* The USIM model of ue-sim: long-term keys, the TS 33.102 Annex C SQN
 * array, and the AUTN check of TS 33.102 §6.3.3 — built on common/aka.
 *
 * Deliberate faults (scenario files use them to provoke the network's
 * error paths) are applied once, when the card is built from its config:
 * the card then behaves consistently wrong, like a mis-provisioned SIM. */
#ifndef UE_USIM_H
#define UE_USIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aka/aka.h"

enum usim_fault {
	USIM_FAULT_NONE = 0,
	USIM_FAULT_WRONG_K = 1 << 0,   /* last bit of K flipped: MAC failure */
	USIM_FAULT_OP_AS_OPC = 1 << 1, /* OP used as if it were OPc */
	USIM_FAULT_OPC_AS_OP = 1 << 2, /* OPc used as if it were OP */
};

struct usim_cfg {
	enum aka_algo algo;
	uint8_t k[AKA_K_MAX];
	size_t k_len;             /* octets of k; 0 = 16 (TUAK: 16 or 32) */
	uint8_t op[AKA_TOP_LEN];  /* OP or OPc (MILENAGE), TOP or TOPc (TUAK), see op_is_opc */
	size_t op_len;            /* octets of op; 0 = the algorithm's (16, TUAK 32) */
	bool op_is_opc;
	uint8_t amf[AKA_AMF_LEN];
	size_t res_len;           /* 8 for Milenage; 4..16 for XOR; 4/8/16/32 TUAK */
	struct aka_tuak tuak;     /* TUAK's MAC/CK/IK lengths and iterations; its
				   * k_len is taken from k_len above */
	unsigned ind_bits;        /* Annex C IND length, default 5 */
	bool sqn_set;             /* start the card at sqn_ms (else all zero) */
	uint64_t sqn_ms;
	unsigned faults;          /* enum usim_fault bits */
	const char *state_path;   /* --usim-state FILE, NULL = in memory */
};

struct usim {
	struct aka_keys keys;     /* OPc already derived */
	uint8_t amf[AKA_AMF_LEN];
	struct aka_usim_sqn sqn;
	const char *state_path;   /* borrowed from the cfg */
};

void usim_cfg_default(struct usim_cfg *cfg);
/* "wrong-k", "op-as-opc", "opc-as-op" -> bit; -1 when unknown. */
int usim_fault_parse(const char *s);

/* Checks the key lengths against the algorithm (common/aka's table):
 * NULL when usable, else the reason, with *what the setting it is about
 * ("k", "op", "res-len", "mac-len", "ck-len", "ik-len", "iterations") so
 * the command line and scenario files name their own option. */
const char *usim_cfg_check(const struct usim_cfg *cfg, const char **what);

/* Builds the card; loads the SQN state from cfg->state_path when that
 * file exists. 0, AKA_E* from common/aka, or -2 (USIM_ESTATE) when the
 * state file is unreadable. */
#define USIM_ESTATE (-100)
int usim_init(struct usim *u, const struct usim_cfg *cfg);

/* TS 33.102 §6.3.3 on the card: AKA_OK (res/ck/ik filled, SQN recorded and
 * persisted), AKA_EMAC, or AKA_ESYNC (auts filled). */
int usim_authenticate(struct usim *u, const uint8_t rand[AKA_RAND_LEN],
		      const uint8_t autn[AKA_AUTN_LEN], struct aka_usim_result *out);

/* State file: text, one "key value" per line — "ind_bits N", "sqn_ms HEX"
 * and one "seq IND SEQ" per non-zero slot (SEQ decimal). Written atomically
 * (temp file + rename). 0 or -errno. */
int usim_state_save(const struct usim *u, const char *path);
int usim_state_load(struct usim *u, const char *path);

#endif
