/* aka-tool milenage / xor / tuak: the f-functions for one (K, RAND, SQN,
 * AMF). */
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
	"  --res-len N    RES octets, 4..16 (default 8)\n"
	"  --json         keys: res ck ik ak mac_a autn\n";

static const char tuak_help[] =
	"usage: " PROG " tuak --k HEX (--top HEX|--topc HEX) --rand HEX [--sqn HEX] [--amf HEX]\n"
	"         [--mac-len N] [--res-len N] [--ck-len N] [--ik-len N] [--iterations N] [--json]\n"
	"\n"
	"TUAK (TS 35.231, Keccak-f[1600]) for one challenge: TOPc, f1 (MAC-A), f1* (MAC-S,\n"
	"over the given AMF as in TS 35.233), f2 (RES), f3 (CK), f4 (IK), f5 (AK), f5*\n"
	"(AK*), and AUTN = (SQN xor AK) || AMF || MAC-A when MAC-A is 8 octets (AUTN\n"
	"carries a 64-bit MAC, TS 33.102 §6.3.2). Lengths in octets (TS 35.231 §5.1):\n"
	"  --k HEX          subscriber key K, 16 or 32 octets\n"
	"  --top HEX        operator variant TOP (TOPc = f(TOP, K), §6.1), or\n"
	"  --topc HEX       TOPc directly, 32 octets\n"
	"  --rand HEX       RAND, 16 octets\n"
	"  --sqn HEX        SQN, 6 octets (default 000000000000)\n"
	"  --amf HEX        AMF, 2 octets (default 8000)\n"
	"  --mac-len N      MAC-A and MAC-S: 8, 16 or 32 (default 8)\n"
	"  --res-len N      RES: 4, 8, 16 or 32 (default 8)\n"
	"  --ck-len N       CK: 16 or 32 (default 16)\n"
	"  --ik-len N       IK: 16 or 32 (default 16)\n"
	"  --iterations N   Keccak iterations, >= 1 (default 1)\n"
	"  --json           keys: topc mac_a mac_s res ck ik ak ak_s [autn]\n";

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
	    (aka_mac_len(keys) == AKA_MAC_LEN &&
	     aka_vector_make_rand(keys, aka_sqn_get(sqn), amf, rand, v))) {
		fprintf(stderr, PROG ": computation failed\n");
		exit(1);
	}
}

static int run(int argc, char **argv, enum aka_algo algo)
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

	opts_parse(argc, argv, 2, tab, NULL, 0, &npos,
		   algo == AKA_ALGO_XOR ? xor_help : algo == AKA_ALGO_TUAK ? tuak_help : milenage_help);
	if (a.ka.algo)
		cli_usage_error(PROG, "--algo: not an option of '%s'", aka_algo_name(algo));
	if (algo == AKA_ALGO_MILENAGE && a.ka.res_len)
		cli_usage_error(PROG, "--res-len: MILENAGE always gives 8 octets");
	a.ka.algo = aka_algo_name(algo);
	compute(&a, &keys, &v, &o);
	/* key order of the command-line contract (DESIGN.md): milenage/tuak:
	 * (t)opc mac_a mac_s res ck ik ak ak_s autn; xor: res ck ik ak mac_a autn */
	out_begin(a.json);
	if (algo != AKA_ALGO_XOR) {
		out_hex(algo == AKA_ALGO_TUAK ? "topc" : "opc", algo == AKA_ALGO_TUAK ? "TOPc" : "OPc",
			keys.opc, aka_op_len(&keys));
		out_hex("mac_a", "MAC-A", o.mac_a, o.mac_len);
		out_hex("mac_s", "MAC-S", o.mac_s, o.mac_len);
	}
	out_hex("res", "RES", o.res, o.res_len);
	out_hex("ck", "CK", o.ck, o.ck_len);
	out_hex("ik", "IK", o.ik, o.ik_len);
	out_hex("ak", "AK", o.ak, AKA_AK_LEN);
	if (algo != AKA_ALGO_XOR)
		out_hex("ak_s", "AK*", o.ak_s, AKA_AK_LEN);
	else
		out_hex("mac_a", "MAC-A", o.mac_a, o.mac_len);
	if (o.mac_len == AKA_MAC_LEN)
		out_hex("autn", "AUTN", v.autn, AKA_AUTN_LEN);
	out_end();
	return 0;
}

int cmd_milenage(int argc, char **argv)
{
	return run(argc, argv, AKA_ALGO_MILENAGE);
}

int cmd_xor(int argc, char **argv)
{
	return run(argc, argv, AKA_ALGO_XOR);
}

int cmd_tuak(int argc, char **argv)
{
	return run(argc, argv, AKA_ALGO_TUAK);
}
