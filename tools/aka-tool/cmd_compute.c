/* aka-tool milenage / xor: the f-functions for one (K, RAND, SQN, AMF). */
#include "tool.h"
#include "util/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char milenage_help[] =
	"usage: " PROG " milenage --k HEX (--op HEX|--opc HEX) --rand HEX [--sqn HEX] [--amf HEX] [--json]\n"
	"\n"
	"MILENAGE (TS 35.206 §4.1) for one challenge: OPc, f1 (MAC-A), f1* (MAC-S, over\n"
	"the given AMF as in TS 35.208), f2 (RES), f3 (CK), f4 (IK), f5 (AK), f5* (AK*)\n"
	"and AUTN = (SQN xor AK) || AMF || MAC-A (TS 33.102 §6.3.2).\n"
	"  --k HEX      subscriber key K, 16 octets\n"
	"  --op HEX     operator variant OP (OPc = OP xor E_K(OP)), or\n"
	"  --opc HEX    OPc directly, 16 octets\n"
	"  --rand HEX   RAND, 16 octets\n"
	"  --sqn HEX    SQN, 6 octets (default 000000000000)\n"
	"  --amf HEX    AMF, 2 octets (default 8000)\n"
	"  --json       keys: opc mac_a mac_s res ck ik ak ak_s autn\n";

static const char xor_help[] =
	"usage: " PROG " xor --k HEX --rand HEX [--sqn HEX] [--amf HEX] [--res-len N] [--json]\n"
	"\n"
	"The XOR test algorithm of TS 34.108 §8.1.2 (test USIMs): XDOUT = K xor RAND,\n"
	"RES = XDOUT[0..N-1], CK/IK = XDOUT rotated by 1/2 octets, AK = XDOUT[3..8],\n"
	"MAC-A = XDOUT[0..7] xor (SQN || AMF).\n"
	"  --k HEX        K, 16 octets\n"
	"  --rand HEX     RAND, 16 octets\n"
	"  --sqn HEX      SQN, 6 octets (default 000000000000)\n"
	"  --amf HEX      AMF, 2 octets (default 8000)\n"
	"  --res-len N    RES octets, 4..16 (default 16)\n"
	"  --json         keys: res ck ik ak mac_a autn\n";

struct compute_args {
	struct key_args ka;
	const char *rand, *sqn, *amf;
	bool json;
};

static void compute(struct compute_args *a, struct aka_keys *keys, struct aka_vector *v,
		    struct aka_out *o)
{
	uint8_t rand[AKA_RAND_LEN], sqn[AKA_SQN_LEN] = { 0 }, amf[AKA_AMF_LEN] = { 0x80, 0x00 };

	keys_from_args(&a->ka, keys);
	hex_arg("--rand", a->rand, rand, sizeof(rand));
	if (a->sqn)
		hex_arg("--sqn", a->sqn, sqn, sizeof(sqn));
	if (a->amf)
		hex_arg("--amf", a->amf, amf, sizeof(amf));
	if (aka_compute(keys, rand, sqn, amf, o) ||
	    aka_vector_make_rand(keys, aka_sqn_get(sqn), amf, rand, v)) {
		fprintf(stderr, PROG ": computation failed\n");
		exit(1);
	}
}

static int run(int argc, char **argv, bool xor_algo)
{
	struct compute_args a = { 0 };
	const struct opt tab[] = {
		KEY_OPTS(a.ka), { "--rand", &a.rand, NULL }, { "--sqn", &a.sqn, NULL },
		{ "--amf", &a.amf, NULL }, { "--json", NULL, &a.json }, { NULL, NULL, NULL },
	};
	struct aka_keys keys;
	struct aka_vector v;
	struct aka_out o;
	int npos;

	opts_parse(argc, argv, 2, tab, NULL, 0, &npos, xor_algo ? xor_help : milenage_help);
	if (xor_algo && a.ka.algo)
		cli_usage_error(PROG, "--algo: not an option of 'xor'");
	if (!xor_algo && a.ka.res_len)
		cli_usage_error(PROG, "--res-len: MILENAGE always gives 8 octets");
	if (xor_algo)
		a.ka.algo = "xor";
	compute(&a, &keys, &v, &o);
	out_begin(a.json);
	if (!xor_algo)
		out_hex("opc", "OPc", keys.opc, AKA_OP_LEN);
	if (xor_algo)
		out_hex("res", "RES", o.res, o.res_len);
	out_hex("mac_a", "MAC-A", o.mac_a, AKA_MAC_LEN);
	if (!xor_algo) {
		out_hex("mac_s", "MAC-S", o.mac_s, AKA_MAC_LEN);
		out_hex("res", "RES", o.res, o.res_len);
	}
	out_hex("ck", "CK", o.ck, AKA_CK_LEN);
	out_hex("ik", "IK", o.ik, AKA_IK_LEN);
	out_hex("ak", "AK", o.ak, AKA_AK_LEN);
	if (!xor_algo)
		out_hex("ak_s", "AK*", o.ak_s, AKA_AK_LEN);
	out_hex("autn", "AUTN", v.autn, AKA_AUTN_LEN);
	out_end();
	return 0;
}

int cmd_milenage(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_xor(int argc, char **argv)
{
	return run(argc, argv, true);
}
