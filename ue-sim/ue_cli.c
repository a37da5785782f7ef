/* Shared ue-sim options (see ue_cli.h). */
#include "ue_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cli.h"
#include "util/hex.h"
#include "util/sip_addr.h"

const struct option ue_cli_options[] = {
	{ "registrar", required_argument, NULL, OPT_REGISTRAR },
	{ "impi", required_argument, NULL, OPT_IMPI },
	{ "impu", required_argument, NULL, OPT_IMPU },
	{ "realm", required_argument, NULL, OPT_REALM },
	{ "k", required_argument, NULL, OPT_K },
	{ "op", required_argument, NULL, OPT_OP },
	{ "opc", required_argument, NULL, OPT_OPC },
	{ "amf", required_argument, NULL, OPT_AMF },
	{ "alg", required_argument, NULL, OPT_ALG },
	{ "password", required_argument, NULL, OPT_PASSWORD },
	{ "qop", required_argument, NULL, OPT_QOP },
	{ "algo", required_argument, NULL, OPT_ALGO },
	{ "res-len", required_argument, NULL, OPT_RES_LEN },
	{ "sqn", required_argument, NULL, OPT_SQN },
	{ "usim-state", required_argument, NULL, OPT_USIM_STATE },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "auth-realm", required_argument, NULL, OPT_AUTH_REALM },
	{ "expires", required_argument, NULL, OPT_EXPIRES },
	{ "answer-delay", required_argument, NULL, OPT_ANSWER_DELAY },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "retry-after-max", required_argument, NULL, OPT_RETRY_AFTER_MAX },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "topc", required_argument, NULL, OPT_TOPC },
	{ "mac-len", required_argument, NULL, OPT_MAC_LEN },
	{ "ck-len", required_argument, NULL, OPT_CK_LEN },
	{ "ik-len", required_argument, NULL, OPT_IK_LEN },
	{ "iterations", required_argument, NULL, OPT_ITERATIONS },
	{ "t1", required_argument, NULL, OPT_T1 },
	{ NULL, 0, NULL, 0 },
};

const char ue_cli_help[] =
	"  --registrar sip:IP:PORT   next hop (the S-CSCF), an IP literal; add ;transport=tcp for TCP\n"
	"  --impi S                  private identity (Authorization username)\n"
	"  --impu URI                public identity (From/To)\n"
	"  --realm REALM             home realm (Request-URI sip:REALM, digest realm)\n"
	"  --k HEX                   subscriber key K (16 octets; TUAK 16 or 32)\n"
	"  --op HEX | --opc HEX      operator key OP, or the derived OPc (16 octets)\n"
	"  --top HEX | --topc HEX    TUAK: operator key TOP, or the derived TOPc (32 octets)\n"
	"  --amf HEX                 AMF the card expects (2 octets, default 8000)\n"
	"  --alg A                   AKAv1-MD5 (default) | AKAv2-MD5 | MD5\n"
	"  --password S              SIP digest password (--alg MD5)\n"
	"  --qop auth|auth-int       preferred qop when the challenge offers both (default auth)\n"
	"  --algo milenage|xor|tuak  USIM algorithm (default milenage; tuak: TS 35.231)\n"
	"  --res-len N               RES octets: xor 4..16, tuak 4/8/16/32 (default 8)\n"
	"  --mac-len N               TUAK MAC-A/MAC-S octets: 8 (what AUTN carries)\n"
	"  --ck-len N | --ik-len N   TUAK CK/IK octets: 16 or 32 (default 16; the\n"
	"                            network uses the 128 least significant bits)\n"
	"  --iterations N            TUAK Keccak iterations (default 1)\n"
	"  --sqn HEX                 start the card at SQN_MS (6 octets)\n"
	"  --usim-state FILE         keep the card's SQN array in FILE across runs\n"
	"  --fault F                 wrong-k | op-as-opc | opc-as-op (repeatable)\n"
	"  --auth-realm REALM        realm to put in Authorization (fault: wrong realm)\n"
	"  --expires N               Contact expires asked for (default 600)\n"
	"  --answer-delay MS         wait MS before answering a 401 (Kamailio needs ~50)\n"
	"  --retry-after-max S       a 503 with Retry-After <= S is sent again after that\n"
	"                            time, twice at most (default 30; 0 = never)\n"
	"  --t1 MS                   SIP T1 (default 500, 10..5000): over UDP a request is\n"
	"                            sent again after T1, 2*T1, ... (at most T2 = 4 s apart)\n"
	"                            and given up (408) after 64*T1 (RFC 3261 17.1.2.2)\n"
	"  --bind sip:IP:PORT        local SIP address (default sip:127.0.0.1:0)\n"
	"  --seed N                  deterministic Call-ID, tags, branches and cnonces\n";

void ue_cli_init(struct ue_cli *c)
{
	memset(c, 0, sizeof(*c));
	ue_cfg_default(&c->cfg);
	c->bind = "sip:127.0.0.1:0";
	c->seed = -1;
}

/* K, OP/OPc or TOP/TOPc: stored as given, their lengths checked against
 * the algorithm once every option is read (ue_cli_finish). */
static void key_hex(const char *opt, const char *val, uint8_t *out, size_t max, size_t *len)
{
	if (hex_decode(val, out, max, len) || *len == 0)
		cli_usage_error(UE_PROG, "%s: expected hex, at most %zu octets, got '%s'", opt, max, val);
}

static const struct {
	int opt;
	const char *name;
	bool is_opc, tuak;
} op_opts[] = {
	{ OPT_OP, "--op", false, false }, { OPT_OPC, "--opc", true, false },
	{ OPT_TOP, "--top", false, true }, { OPT_TOPC, "--topc", true, true },
};

static int ue_cli_op(struct ue_cli *c, int opt, const char *val)
{
	struct usim_cfg *u = &c->cfg.usim;

	for (size_t i = 0; i < sizeof(op_opts) / sizeof(op_opts[0]); i++) {
		if (op_opts[i].opt != opt)
			continue;
		if (c->have_op)
			cli_usage_error(UE_PROG, "%s: %s was given already (one operator key)",
					op_opts[i].name, c->op_opt);
		key_hex(op_opts[i].name, val, u->op, sizeof(u->op), &u->op_len);
		u->op_is_opc = op_opts[i].is_opc;
		c->have_op = true;
		c->op_opt = op_opts[i].name;
		return 1;
	}
	return 0;
}

static int ue_cli_tuak(struct ue_cli *c, int opt, const char *val)
{
	struct usim_cfg *u = &c->cfg.usim;

	switch (opt) {
	case OPT_RES_LEN: u->res_len = cli_uint(UE_PROG, "--res-len", val, 1, 64); return 1;
	case OPT_MAC_LEN: u->tuak.mac_len = cli_uint(UE_PROG, "--mac-len", val, 1, 64); return 1;
	case OPT_CK_LEN: u->tuak.ck_len = cli_uint(UE_PROG, "--ck-len", val, 1, 64); return 1;
	case OPT_IK_LEN: u->tuak.ik_len = cli_uint(UE_PROG, "--ik-len", val, 1, 64); return 1;
	case OPT_ITERATIONS:
		u->tuak.iterations = (unsigned)cli_uint(UE_PROG, "--iterations", val, 1, 65535);
		return 1;
	}
	return 0;
}

static int ue_cli_keys(struct ue_cli *c, int opt, const char *val)
{
	struct usim_cfg *u = &c->cfg.usim;
	int f;

	if (ue_cli_op(c, opt, val) || ue_cli_tuak(c, opt, val))
		return 1;
	switch (opt) {
	case OPT_K: key_hex("--k", val, u->k, sizeof(u->k), &u->k_len); c->have_k = true; return 1;
	case OPT_AMF: cli_hex_exact(UE_PROG, "--amf", val, u->amf, 2); return 1;
	case OPT_ALGO:
		if ((f = aka_algo_parse(val)) < 0)
			cli_usage_error(UE_PROG, "--algo: expected milenage, xor or tuak, got '%s'", val);
		u->algo = (enum aka_algo)f;
		return 1;
	case OPT_SQN: {
		uint8_t s[6];
		cli_hex_exact(UE_PROG, "--sqn", val, s, 6);
		u->sqn_ms = aka_sqn_get(s);
		u->sqn_set = true;
		return 1;
	}
	case OPT_USIM_STATE: u->state_path = val; return 1;
	case OPT_FAULT:
		if ((f = usim_fault_parse(val)) < 0)
			cli_usage_error(UE_PROG, "--fault: unknown fault '%s'", val);
		u->faults |= (unsigned)f;
		return 1;
	}
	return 0;
}

void ue_cli_sip_addr(const char *opt, const char *val)
{
	if (sip_addr_check(val, true))
		cli_usage_error(UE_PROG, "%s: expected sip:IP:PORT (an IP literal, IPv6 in brackets; "
				"port 0..65535), got '%s'", opt, val);
}

/* An option given twice would silently keep the last: refused, as
 * aka-tool and hss-ctl do (exit 2). --fault repeats. Two operator keys
 * (--op and --opc) are refused by ue_cli_op. */
static void once(struct ue_cli *c, int opt)
{
	uint32_t bit;

	if (opt < OPT_REGISTRAR || opt >= OPT_UE_LAST || opt == OPT_FAULT)
		return;
	bit = 1u << (opt - OPT_REGISTRAR);
	for (const struct option *o = ue_cli_options; o->name && (c->seen & bit); o++)
		if (o->val == opt)
			cli_usage_error(UE_PROG, "--%s: given twice", o->name);
	c->seen |= bit;
}

int ue_cli_option(struct ue_cli *c, int opt, const char *val)
{
	int v;

	once(c, opt);
	if (ue_cli_keys(c, opt, val))
		return 1;
	switch (opt) {
	case OPT_REGISTRAR:
		ue_cli_sip_addr("--registrar", val);
		c->cfg.registrar = val;
		return 1;
	case OPT_IMPI: c->cfg.impi = val; return 1;
	case OPT_IMPU: c->cfg.impu = val; return 1;
	case OPT_REALM: c->cfg.realm = val; return 1;
	case OPT_PASSWORD: c->cfg.password = val; return 1;
	case OPT_AUTH_REALM: c->cfg.auth_realm = val; return 1;
	case OPT_ALG:
		if ((v = digest_alg_parse(val)) < 0 || !val[0])
			cli_usage_error(UE_PROG, "--alg: expected AKAv1-MD5, AKAv2-MD5 or MD5, got '%s'", val);
		c->cfg.alg = (enum digest_alg)v;
		return 1;
	case OPT_QOP:
		if ((v = digest_qop_parse(val)) <= 0)
			cli_usage_error(UE_PROG, "--qop: expected auth or auth-int, got '%s'", val);
		c->cfg.qop = (enum digest_qop)v;
		return 1;
	case OPT_EXPIRES: c->cfg.expires = (unsigned)cli_uint(UE_PROG, "--expires", val, 0, 1u << 31); return 1;
	case OPT_ANSWER_DELAY:
		c->cfg.answer_delay_ms = (unsigned)cli_uint(UE_PROG, "--answer-delay", val, 0, 60000);
		return 1;
	case OPT_BIND:
		ue_cli_sip_addr("--bind", val);
		c->bind = val;
		return 1;
	case OPT_SEED: c->seed = (long long)cli_uint(UE_PROG, "--seed", val, 0, 1ull << 62); return 1;
	case OPT_RETRY_AFTER_MAX:
		c->cfg.retry_after_max = (unsigned)cli_uint(UE_PROG, "--retry-after-max", val, 0, 3600);
		return 1;
	case OPT_T1: c->cfg.t1_ms = (unsigned)cli_uint(UE_PROG, "--t1", val, 10, 5000); return 1;
	}
	return 0;
}

/* The USIM's keys against its algorithm, with the option names. */
static void ue_cli_check_usim(const struct ue_cli *c)
{
	const struct usim_cfg *u = &c->cfg.usim;
	bool tuak = u->algo == AKA_ALGO_TUAK;
	const char *what, *why;

	for (size_t i = 0; i < sizeof(op_opts) / sizeof(op_opts[0]); i++)
		if (c->op_opt && !strcmp(c->op_opt, op_opts[i].name) && op_opts[i].tuak != tuak)
			cli_usage_error(UE_PROG, "%s: %s", c->op_opt, tuak
					? "TUAK takes --top or --topc (32 octets)"
					: "only with --algo tuak (MILENAGE takes --op or --opc)");
	if (!tuak && (u->tuak.mac_len || u->tuak.ck_len || u->tuak.ik_len || u->tuak.iterations))
		cli_usage_error(UE_PROG, "--%s: only with --algo tuak",
				u->tuak.mac_len ? "mac-len" : u->tuak.ck_len ? "ck-len"
				: u->tuak.ik_len ? "ik-len" : "iterations");
	if ((why = usim_cfg_check(u, &what)))
		cli_usage_error(UE_PROG, "--%s: expected %s", !strcmp(what, "op") && c->op_opt
				? c->op_opt + 2 : what, why);
}

void ue_cli_finish(struct ue_cli *c, bool need_ids)
{
	if (!c->cfg.registrar)
		cli_usage_error(UE_PROG, "--registrar: missing (sip:IP:PORT)");
	if (need_ids && !c->cfg.impi)
		cli_usage_error(UE_PROG, "--impi: missing");
	if (need_ids && !c->cfg.impu)
		cli_usage_error(UE_PROG, "--impu: missing");
	if (!c->cfg.realm)
		cli_usage_error(UE_PROG, "--realm: missing");
	if (c->cfg.alg == DIGEST_ALG_MD5) {
		if (!c->cfg.password && need_ids)
			cli_usage_error(UE_PROG, "--password: required with --alg MD5");
		return;
	}
	if (c->cfg.usim.algo == AKA_ALGO_XOR && c->have_op)
		cli_usage_error(UE_PROG, "%s: not used by the XOR algorithm (TS 34.108 §8.1.2)",
				c->op_opt);
	if (!c->have_k && need_ids)
		cli_usage_error(UE_PROG, "--k: missing (AKA needs the subscriber key)");
	if (!c->have_op && need_ids && c->cfg.usim.algo == AKA_ALGO_MILENAGE)
		cli_usage_error(UE_PROG, "--op or --opc: missing (Milenage needs one)");
	if (!c->have_op && need_ids && c->cfg.usim.algo == AKA_ALGO_TUAK)
		cli_usage_error(UE_PROG, "--top or --topc: missing (TUAK needs one)");
	ue_cli_check_usim(c);
}
