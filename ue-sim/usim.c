/* USIM model: keys, faults, SQN array and its persistence.
 * The crypto and the Annex C rules live in common/aka; this file only
 * decides which keys the card really holds and keeps its SQN state. */
#include "usim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void usim_cfg_default(struct usim_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->algo = AKA_ALGO_MILENAGE;
	cfg->amf[0] = 0x80; /* TS 33.102 Annex H: separation bit set, as HSSs do */
	cfg->res_len = AKA_XOR_RES_LEN_DEFAULT;
	cfg->ind_bits = 5;  /* TS 33.102 C.3.2 */
}

static const struct {
	const char *name;
	enum usim_fault bit;
} fault_names[] = {
	{ "wrong-k", USIM_FAULT_WRONG_K },
	{ "op-as-opc", USIM_FAULT_OP_AS_OPC },
	{ "opc-as-op", USIM_FAULT_OPC_AS_OP },
};

int usim_fault_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
		if (strcmp(s, fault_names[i].name) == 0)
			return (int)fault_names[i].bit;
	return -1;
}

/* The keys the card computes with, before OPc/TOPc: algorithm, lengths
 * and K (with the wrong-k fault applied). */
static void usim_keys_base(const struct usim_cfg *cfg, struct aka_keys *keys)
{
	size_t k_len = cfg->k_len ? cfg->k_len : AKA_K_LEN;

	memset(keys, 0, sizeof(*keys));
	keys->algo = cfg->algo;
	keys->res_len = cfg->res_len;
	if (cfg->algo == AKA_ALGO_TUAK) {
		keys->tuak = cfg->tuak;
		keys->tuak.k_len = k_len;
	}
	memcpy(keys->k, cfg->k, k_len <= AKA_K_MAX ? k_len : AKA_K_MAX);
	if (cfg->faults & USIM_FAULT_WRONG_K)
		keys->k[aka_k_len(keys) - 1] ^= 0x01;
}

const char *usim_cfg_check(const struct usim_cfg *cfg, const char **what)
{
	static const struct { enum aka_param p; const char *name; } tuak_params[] = {
		{ AKA_PARAM_MAC_LEN, "mac-len" }, { AKA_PARAM_CK_LEN, "ck-len" },
		{ AKA_PARAM_IK_LEN, "ik-len" }, { AKA_PARAM_ITERATIONS, "iterations" },
	};
	const unsigned long long tuak_vals[] = { cfg->tuak.mac_len, cfg->tuak.ck_len,
						 cfg->tuak.ik_len, cfg->tuak.iterations };
	struct aka_keys keys;
	const char *why;

	usim_keys_base(cfg, &keys);
	*what = "k";
	if ((why = aka_param_check(cfg->algo, AKA_PARAM_K_LEN, cfg->k_len ? cfg->k_len : 16)))
		return why;
	*what = "res-len";
	if (!aka_res_len(&keys))
		return aka_param_check(cfg->algo, AKA_PARAM_RES_LEN, cfg->res_len);
	for (size_t i = 0; i < sizeof(tuak_params) / sizeof(tuak_params[0]); i++) {
		*what = tuak_params[i].name;
		if (tuak_vals[i] && (why = aka_param_check(cfg->algo, tuak_params[i].p, tuak_vals[i])))
			return why;
	}
	*what = "mac-len"; /* AUTN carries a 64-bit MAC (TS 33.102 §6.3.2) */
	if (aka_mac_len(&keys) != AKA_MAC_LEN)
		return "8: AUTN and AUTS carry a 64-bit MAC (TS 33.102 §6.3.2)";
	*what = "op";
	if (cfg->algo != AKA_ALGO_XOR && cfg->op_len && cfg->op_len != aka_op_len(&keys))
		return cfg->algo == AKA_ALGO_TUAK ? "32 octets for TUAK (TOP or TOPc)"
						  : "16 octets for MILENAGE (OP or OPc)";
	return NULL;
}

/* OPc/TOPc the card ends up with, honouring the OP/OPc mix-up faults. */
static int usim_derive_opc(const struct usim_cfg *cfg, struct aka_keys *keys)
{
	bool treat_as_opc = cfg->op_is_opc;

	if (cfg->faults & USIM_FAULT_OP_AS_OPC)
		treat_as_opc = true;
	if (cfg->faults & USIM_FAULT_OPC_AS_OP)
		treat_as_opc = false;
	if (treat_as_opc) {
		memcpy(keys->opc, cfg->op, aka_op_len(keys));
		return AKA_OK;
	}
	return aka_keys_derive_opc(keys, cfg->op);
}

int usim_init(struct usim *u, const struct usim_cfg *cfg)
{
	struct aka_sqn_cfg sc = AKA_SQN_CFG_DEFAULT;
	const char *what;
	int rc;

	memset(u, 0, sizeof(*u));
	if (usim_cfg_check(cfg, &what))
		return AKA_EINVAL;
	usim_keys_base(cfg, &u->keys);
	if (cfg->algo != AKA_ALGO_XOR) {
		rc = usim_derive_opc(cfg, &u->keys);
		if (rc != AKA_OK)
			return rc;
	}
	memcpy(u->amf, cfg->amf, AKA_AMF_LEN);
	sc.ind_bits = cfg->ind_bits;
	aka_usim_sqn_init(&u->sqn, &sc);
	if (cfg->sqn_set)
		aka_usim_sqn_set(&u->sqn, cfg->sqn_ms);
	u->state_path = cfg->state_path;
	if (u->state_path && access(u->state_path, F_OK) == 0) {
		if (usim_state_load(u, u->state_path) < 0)
			return USIM_ESTATE;
		if (cfg->sqn_set) /* an explicit --sqn wins over the file */
			aka_usim_sqn_set(&u->sqn, cfg->sqn_ms);
	}
	return AKA_OK;
}

int usim_authenticate(struct usim *u, const uint8_t rand[AKA_RAND_LEN],
		      const uint8_t autn[AKA_AUTN_LEN], struct aka_usim_result *out)
{
	int rc = aka_usim_authenticate(&u->keys, &u->sqn, rand, autn, out);

	/* Like a real card, remember the accepted SQN before answering. */
	if (rc == AKA_OK && u->state_path && usim_state_save(u, u->state_path) < 0)
		return USIM_ESTATE;
	return rc;
}

int usim_state_save(const struct usim *u, const char *path)
{
	char tmp[4096];
	FILE *fp;
	unsigned slots = 1u << u->sqn.cfg.ind_bits;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fp = fopen(tmp, "w");
	if (!fp)
		return -errno;
	fprintf(fp, "# ue-sim USIM state (TS 33.102 Annex C SEQ_MS per IND)\n");
	fprintf(fp, "ind_bits %u\n", u->sqn.cfg.ind_bits);
	fprintf(fp, "sqn_ms %012" PRIx64 "\n", aka_usim_sqn_ms(&u->sqn));
	for (unsigned i = 0; i < slots && i < AKA_IND_MAX; i++)
		if (u->sqn.seq_ms[i])
			fprintf(fp, "seq %u %" PRIu64 "\n", i, u->sqn.seq_ms[i]);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		int e = errno;
		fclose(fp);
		unlink(tmp);
		return -e;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return -e;
	}
	return 0;
}

/* One line of the state file; -EINVAL when it is not ours. */
static int usim_state_line(struct usim *u, const char *line)
{
	unsigned ind, bits;
	uint64_t seq;

	if (line[0] == '#' || line[0] == '\n' || line[0] == '\0')
		return 0;
	if (sscanf(line, "ind_bits %u", &bits) == 1) {
		if (bits > 8)
			return -EINVAL;
		u->sqn.cfg.ind_bits = bits;
		return 0;
	}
	if (sscanf(line, "sqn_ms %" SCNx64, &seq) == 1) {
		if (seq > AKA_SQN_MAX)
			return -EINVAL;
		u->sqn.sqn_ms = seq;
		return 0;
	}
	if (sscanf(line, "seq %u %" SCNu64, &ind, &seq) == 2) {
		if (ind >= AKA_IND_MAX || seq > (AKA_SQN_MAX >> u->sqn.cfg.ind_bits))
			return -EINVAL;
		u->sqn.seq_ms[ind] = seq;
		return 0;
	}
	return -EINVAL;
}

int usim_state_load(struct usim *u, const char *path)
{
	char line[256];
	FILE *fp = fopen(path, "r");
	int rc = 0;

	if (!fp)
		return -errno;
	memset(u->sqn.seq_ms, 0, sizeof(u->sqn.seq_ms));
	u->sqn.sqn_ms = 0;
	while (rc == 0 && fgets(line, sizeof(line), fp))
		rc = usim_state_line(u, line);
	fclose(fp);
	return rc;
}
