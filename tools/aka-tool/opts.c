/* Option parsing and argument decoding for aka-tool. */
#include "tool.h"
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
	return ka->k || ka->op || ka->opc;
}

void keys_from_args(const struct key_args *ka, struct aka_keys *keys)
{
	uint8_t op[AKA_OP_LEN];
	int algo = ka->algo ? aka_algo_parse(ka->algo) : AKA_ALGO_MILENAGE;

	memset(keys, 0, sizeof(*keys));
	if (algo < 0)
		cli_usage_error(PROG, "--algo: expected milenage or xor, got '%s'", ka->algo);
	keys->algo = (enum aka_algo)algo;
	hex_arg("--k", ka->k, keys->k, AKA_K_LEN);
	if (ka->res_len)
		keys->res_len = (size_t)cli_uint(PROG, "--res-len", ka->res_len, 4, 16);
	if (!aka_res_len(keys))
		cli_usage_error(PROG, "--res-len: %s gives %s RES octets", aka_algo_name(keys->algo),
				keys->algo == AKA_ALGO_MILENAGE ? "exactly 8" : "4..16");
	if (keys->algo == AKA_ALGO_XOR) {
		if (ka->op || ka->opc)
			cli_usage_error(PROG, "%s: not used by the XOR algorithm",
					ka->op ? "--op" : "--opc");
		return;
	}
	if (ka->op && ka->opc)
		cli_usage_error(PROG, "--op/--opc: give only one of them");
	if (!ka->op && !ka->opc)
		cli_usage_error(PROG, "--op/--opc: one of them is required");
	if (ka->opc) {
		hex_arg("--opc", ka->opc, keys->opc, AKA_OP_LEN);
		return;
	}
	hex_arg("--op", ka->op, op, AKA_OP_LEN);
	if (aka_opc_from_op(keys->k, op, keys->opc)) {
		fprintf(stderr, PROG ": OPc computation failed (OpenSSL)\n");
		exit(1);
	}
}
