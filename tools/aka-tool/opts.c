/* Option parsing and argument decoding for aka-tool. */
#include "tool.h"
#include "digest/digest.h"
#include "util/cli.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt *find(const struct opt *tab, const char *name, size_t n)
{
	for (; tab->name; tab++)
		if (strlen(tab->name) == n && !strncmp(tab->name, name, n))
			return tab;
	return NULL;
}

static void set_opt(const struct opt *o, const char *v)
{
	if (o->flag) {
		if (v)
			cli_usage_error(PROG, "%s: takes no value", o->name);
		*o->flag = true;
		return;
	}
	if (*o->val)
		cli_usage_error(PROG, "%s: given twice", o->name);
	*o->val = v;
}

void opts_parse(int argc, char **argv, int first, const struct opt *tab, const char **pos,
		int npos, int *got, const char *help)
{
	*got = 0;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		const struct opt *o;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(help, stdout);
			exit(0);
		}
		if (strncmp(a, "--", 2) || !strcmp(a, "--")) {
			if (*got >= npos)
				cli_usage_error(PROG, "unexpected argument '%s' (see --help)", a);
			pos[(*got)++] = a;
			continue;
		}
		o = find(tab, a, eq ? (size_t)(eq - a) : strlen(a));
		if (!o)
			cli_usage_error(PROG, "%.*s: unknown option (see --help)",
					(int)(eq ? eq - a : (long)strlen(a)), a);
		if (eq || o->flag) {
			set_opt(o, eq ? eq + 1 : NULL);
		} else {
			if (i + 1 >= argc)
				cli_usage_error(PROG, "%s: missing value", a);
			set_opt(o, argv[++i]);
		}
	}
}

const char *need(const char *val, const char *name)
{
	if (!val)
		cli_usage_error(PROG, "%s: required", name);
	return val;
}

void hex_arg(const char *opt, const char *val, uint8_t *out, size_t len)
{
	cli_hex_exact(PROG, opt, need(val, opt), out, len);
}

uint64_t sqn_arg(const char *opt, const char *val)
{
	uint8_t b[AKA_SQN_LEN];

	hex_arg(opt, val, b, sizeof(b));
	return aka_sqn_get(b);
}

bool keys_given(const struct key_args *ka)
{
	return ka->k || ka->op || ka->opc || ka->top || ka->topc;
}

/* One length/iteration option through the table of common/aka/params.c. */
static void param_arg(struct aka_keys *keys, enum aka_param p, const char *opt, const char *val)
{
	const char *why = NULL;

	if (!val)
		return;
	if (aka_param_set(keys, p, cli_uint(PROG, opt, val, 0, 1000000), &why))
		cli_usage_error(PROG, "%s: expected %s", opt, why);
}

/* TUAK's own options are refused for the other algorithms. */
static void tuak_only(const struct key_args *ka, enum aka_algo algo)
{
	const char *v[] = { ka->top, ka->topc, ka->mac_len, ka->ck_len, ka->ik_len, ka->iterations };
	const char *n[] = { "--top", "--topc", "--mac-len", "--ck-len", "--ik-len", "--iterations" };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i])
			cli_usage_error(PROG, "%s: only with --algo tuak (this is %s)", n[i],
					aka_algo_name(algo));
}

/* K of the length the algorithm takes (TUAK: 16 or 32 octets). */
static void k_arg(const struct key_args *ka, struct aka_keys *keys)
{
	size_t n;

	if (keys->algo != AKA_ALGO_TUAK) {
		hex_arg("--k", ka->k, keys->k, AKA_K_LEN);
		return;
	}
	if (hex_decode(need(ka->k, "--k"), keys->k, AKA_K_MAX, &n) || (n != 16 && n != 32))
		cli_usage_error(PROG, "--k: expected 16 or 32 octets (32 or 64 hex digits) for TUAK");
	keys->tuak.k_len = n;
}

/* The operator variant: OP/OPc (MILENAGE) or TOP/TOPc (TUAK). */
static void op_arg(const struct key_args *ka, struct aka_keys *keys)
{
	bool tuak = keys->algo == AKA_ALGO_TUAK;
	const char *op = tuak ? ka->top : ka->op, *opc = tuak ? ka->topc : ka->opc;
	const char *op_n = tuak ? "--top" : "--op", *opc_n = tuak ? "--topc" : "--opc";
	size_t len = aka_op_len(keys);
	uint8_t raw[AKA_TOP_LEN];

	if (tuak && (ka->op || ka->opc))
		cli_usage_error(PROG, "%s: TUAK takes --top or --topc (32 octets)",
				ka->op ? "--op" : "--opc");
	if (op && opc)
		cli_usage_error(PROG, "%s/%s: give only one of them", op_n, opc_n);
	if (!op && !opc)
		cli_usage_error(PROG, "%s/%s: one of them is required", op_n, opc_n);
	if (opc) {
		hex_arg(opc_n, opc, keys->opc, len);
		return;
	}
	hex_arg(op_n, op, raw, len);
	if (aka_keys_derive_opc(keys, raw)) {
		fprintf(stderr, PROG ": %s computation failed\n", tuak ? "TOPc" : "OPc (OpenSSL)");
		exit(1);
	}
}

void keys_from_args(const struct key_args *ka, struct aka_keys *keys)
{
	int algo = ka->algo ? aka_algo_parse(ka->algo) : AKA_ALGO_MILENAGE;

	memset(keys, 0, sizeof(*keys));
	if (algo < 0)
		cli_usage_error(PROG, "--algo: expected milenage, xor or tuak, got '%s'", ka->algo);
	keys->algo = (enum aka_algo)algo;
	if (keys->algo != AKA_ALGO_TUAK)
		tuak_only(ka, keys->algo);
	param_arg(keys, AKA_PARAM_RES_LEN, "--res-len", ka->res_len);
	param_arg(keys, AKA_PARAM_MAC_LEN, "--mac-len", ka->mac_len);
	param_arg(keys, AKA_PARAM_CK_LEN, "--ck-len", ka->ck_len);
	param_arg(keys, AKA_PARAM_IK_LEN, "--ik-len", ka->ik_len);
	param_arg(keys, AKA_PARAM_ITERATIONS, "--iterations", ka->iterations);
	k_arg(ka, keys);
	if (keys->algo == AKA_ALGO_XOR) {
		if (ka->op || ka->opc)
			cli_usage_error(PROG, "%s: not used by the XOR algorithm",
					ka->op ? "--op" : "--opc");
		return;
	}
	op_arg(ka, keys);
}

void keys_need_autn_mac(const struct aka_keys *keys)
{
	if (aka_mac_len(keys) != AKA_MAC_LEN)
		cli_usage_error(PROG, "--mac-len: AUTN and AUTS carry a 64-bit MAC (TS 33.102 "
				      "§6.3.2), so this needs 8");
}

int qop_args(const char *qop, const char *nc, const char *cnonce)
{
	int q = digest_qop_parse(qop);

	if (q < 0)
		cli_usage_error(PROG, "--qop: expected auth or auth-int, got '%s'", qop);
	if (q == DIGEST_QOP_NONE) {
		if (nc || cnonce)
			cli_usage_error(PROG, "%s: only with --qop", nc ? "--nc" : "--cnonce");
		return q;
	}
	need(nc, "--nc");
	need(cnonce, "--cnonce");
	if (strlen(nc) != 8 || strspn(nc, "0123456789abcdefABCDEF") != 8)
		cli_usage_error(PROG, "--nc: expected 8 hex digits, got '%s'", nc);
	return q;
}

size_t password_arg(const char *text, uint8_t pw[64])
{
	size_t n = strlen(text);

	if (n > 64)
		cli_usage_error(PROG, "--password: at most 64 characters");
	memcpy(pw, text, n);
	return n;
}
