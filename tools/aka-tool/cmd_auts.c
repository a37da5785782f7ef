/* aka-tool auts make|check: the resynchronisation token of TS 33.102
 * §6.3.3, AUTS = (SQN_MS xor AK*) || MAC-S with MAC-S = f1* over AMF 0000,
 * and the HSS's check of it (§6.3.5). */
#include "tool.h"
#include "util/cli.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: " PROG " auts make  --k HEX (--op HEX|--opc HEX) --rand HEX --sqn-ms HEX [--json]\n"
	"       " PROG " auts check AUTS --k HEX (--op HEX|--opc HEX) --rand HEX [--json]\n"
	"\n"
	"make:  AUTS = (SQN_MS xor AK*) || MAC-S, AK* = f5*(K, RAND),\n"
	"       MAC-S = f1*(K, SQN_MS, RAND, AMF = 0000)        (TS 33.102 §6.3.3)\n"
	"check: SQN_MS = AUTS[0..5] xor f5*(K, RAND), then MAC-S verified (§6.3.5);\n"
	"       exit 1 when it does not verify. AUTS as 28 hex digits or base64.\n"
	"  --k, --op/--opc   subscriber keys;  --algo milenage|xor|tuak, --res-len N\n"
	"  --top/--topc HEX  TUAK's TOP or TOPc (with --algo tuak; --k 16 or 32 octets,\n"
	"                    --iterations N; MAC-S must be 8 octets)\n"
	"  --rand HEX        the RAND of the challenge that failed, 16 octets\n"
	"  --sqn-ms HEX      SQN_MS, 6 octets (make only)\n"
	"  --json            make: auts auts_b64;  check: sqn_ms mac_ok\n";

/* AUTS as 28 hex digits, or base64 of 14 octets (as in the SIP auts=). */
static void auts_arg(const char *v, uint8_t auts[AKA_AUTS_LEN])
{
	if (strlen(v) == 2 * AKA_AUTS_LEN && !hex_decode_exact(v, auts, AKA_AUTS_LEN))
		return;
	if (b64_decode(v, strlen(v), auts, AKA_AUTS_LEN) == AKA_AUTS_LEN)
		return;
	cli_usage_error(PROG, "AUTS: expected 14 octets as 28 hex digits or base64");
}

int cmd_auts(int argc, char **argv)
{
	struct key_args ka = { 0 };
	const char *rand_s = NULL, *sqn_ms_s = NULL, *pos[2];
	bool json = false;
	const struct opt tab[] = {
		KEY_OPTS(ka), { "--rand", &rand_s, NULL }, { "--sqn-ms", &sqn_ms_s, NULL },
		{ "--json", NULL, &json }, { NULL, NULL, NULL },
	};
	struct aka_keys keys;
	uint8_t rand[AKA_RAND_LEN], auts[AKA_AUTS_LEN], sqn_b[AKA_SQN_LEN];
	char b64[4 * ((AKA_AUTS_LEN + 2) / 3) + 1];
	uint64_t sqn_ms;
	int npos, rc;
	bool make;

	opts_parse(argc, argv, 2, tab, pos, 2, &npos, help);
	if (npos < 1 || (strcmp(pos[0], "make") && strcmp(pos[0], "check")))
		cli_usage_error(PROG, "auts: expected 'auts make' or 'auts check AUTS' (see --help)");
	make = !strcmp(pos[0], "make");
	if (make && npos > 1)
		cli_usage_error(PROG, "unexpected argument '%s' (see --help)", pos[1]);
	if (!make && npos < 2)
		cli_usage_error(PROG, "AUTS: required");
	if (!make && sqn_ms_s)
		cli_usage_error(PROG, "--sqn-ms: only for 'auts make'");
	if (!make)
		auts_arg(pos[1], auts);
	keys_from_args(&ka, &keys);
	keys_need_autn_mac(&keys);
	hex_arg("--rand", rand_s, rand, sizeof(rand));
	if (make)
		sqn_ms = sqn_arg("--sqn-ms", sqn_ms_s); /* before any output */
	out_begin(json);
	if (make) {
		if (aka_auts_make(&keys, rand, sqn_ms, auts))
			exit(1);
		b64_encode(auts, sizeof(auts), b64);
		out_hex("auts", "AUTS", auts, sizeof(auts));
		out_str("auts_b64", "AUTS b64", b64);
		out_end();
		return 0;
	}
	rc = aka_auts_check(&keys, rand, auts, &sqn_ms);
	if (rc && rc != AKA_EMAC)
		exit(1);
	aka_sqn_put(sqn_ms, sqn_b);
	out_hex("sqn_ms", "SQN_MS", sqn_b, sizeof(sqn_b));
	out_bool("mac_ok", "MAC-S ok", rc == AKA_OK);
	out_end();
	return rc == AKA_OK ? 0 : 1;
}
