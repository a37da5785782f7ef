/* aka-tool kasme: KASME = KDF(CK || IK, 0x10, SN id, SQN xor AK)
 * (TS 33.401 Annex A.2 over the KDF of TS 33.220 Annex B.2). */
#include "tool.h"
#include "util/cli.h"

#include <stdio.h>
#include <stdlib.h>

static const char help[] =
	"usage: " PROG " kasme --ck HEX --ik HEX --mcc NNN --mnc NN[N] --sqn-xor-ak HEX [--json]\n"
	"\n"
	"KASME = HMAC-SHA-256(CK || IK, 0x10 || SN id || 00 03 || SQN^AK || 00 06)\n"
	"(TS 33.401 A.2, TS 33.220 B.2); SN id is the PLMN identity of MCC/MNC\n"
	"(TS 24.008 §10.5.1.3), SQN^AK the first 6 octets of AUTN.\n"
	"  --ck HEX, --ik HEX   16 octets each\n"
	"  --mcc NNN            3 digits;  --mnc NN or NNN\n"
	"  --sqn-xor-ak HEX     6 octets\n"
	"  --json               keys: kasme\n";

int cmd_kasme(int argc, char **argv)
{
	const char *ck_s = NULL, *ik_s = NULL, *mcc = NULL, *mnc = NULL, *sa_s = NULL;
	bool json = false;
	const struct opt tab[] = {
		{ "--ck", &ck_s, NULL }, { "--ik", &ik_s, NULL }, { "--mcc", &mcc, NULL },
		{ "--mnc", &mnc, NULL }, { "--sqn-xor-ak", &sa_s, NULL }, { "--json", NULL, &json },
		{ NULL, NULL, NULL },
	};
	uint8_t ck[16], ik[16], plmn[3], sa[6], kasme[32], dummy[3];
	int npos;

	opts_parse(argc, argv, 2, tab, NULL, 0, &npos, help);
	hex_arg("--ck", ck_s, ck, sizeof(ck));
	hex_arg("--ik", ik_s, ik, sizeof(ik));
	if (aka_plmn_encode(need(mcc, "--mcc"), "01", dummy))
		cli_usage_error(PROG, "--mcc: expected 3 digits, got '%s'", mcc);
	if (aka_plmn_encode(mcc, need(mnc, "--mnc"), plmn))
		cli_usage_error(PROG, "--mnc: expected 2 or 3 digits, got '%s'", mnc);
	hex_arg("--sqn-xor-ak", sa_s, sa, sizeof(sa));
	if (aka_kasme(ck, ik, plmn, sa, kasme))
		exit(1);
	out_begin(json);
	out_hex("kasme", "KASME", kasme, sizeof(kasme));
	out_end();
	return 0;
}
