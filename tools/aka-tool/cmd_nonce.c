/* aka-tool nonce decode: split an AKA nonce (RFC 3310 §3.2) into RAND and
 * AUTN, and with the subscriber's keys do the USIM's AUTN check
 * (TS 33.102 §6.3.3: AK = f5(RAND), SQN = (SQN⊕AK)⊕AK, XMAC = f1). */
#include "tool.h"
#include "digest/digest.h"
#include "util/ct.h"
#include "util/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: " PROG " nonce decode NONCE [--k HEX (--op HEX|--opc HEX)] [--algo milenage|xor|tuak] [--json]\n"
	"\n"
	"Splits NONCE = base64(RAND || AUTN [|| server data]) and AUTN = (SQN xor AK) ||\n"
	"AMF || MAC-A. With the subscriber's keys it also recovers SQN, checks MAC-A\n"
	"(exit 1 when it does not verify) and prints RES, CK, IK for that RAND.\n"
	"  --k, --op/--opc   subscriber keys (MILENAGE; XOR takes --k only)\n"
	"  --algo A          milenage (default), xor or tuak;  --res-len N for xor/tuak\n"
	"  --top/--topc HEX  TUAK's operator variant, with --mac-len 8, --ck-len,\n"
	"                    --ik-len, --iterations as for 'aka-tool tuak'\n"
	"  --json            keys: rand autn sqn_xor_ak amf mac_a [sqn mac_ok res ck ik]\n";

/* keys: checked by the caller before anything is printed (a usage error
 * leaves stdout empty, never half a JSON object). */
static void check_with_keys(const struct aka_keys *keys, const struct nonce_parts *p, bool *ok)
{
	struct aka_out o;
	uint8_t sqn[AKA_SQN_LEN];

	if (aka_compute(keys, p->rand, p->autn, p->autn + 6, &o)) /* AK only */
		exit(1);
	for (int i = 0; i < AKA_SQN_LEN; i++)
		sqn[i] = p->autn[i] ^ o.ak[i];
	if (aka_compute(keys, p->rand, sqn, p->autn + 6, &o))
		exit(1);
	*ok = ct_equal(o.mac_a, p->autn + 8, AKA_MAC_LEN);
	out_hex("sqn", "SQN", sqn, AKA_SQN_LEN);
	out_bool("mac_ok", "MAC ok", *ok);
	out_hex("res", "RES", o.res, o.res_len);
	out_hex("ck", "CK", o.ck, o.ck_len);
	out_hex("ik", "IK", o.ik, o.ik_len);
}

int cmd_nonce(int argc, char **argv)
{
	struct key_args ka = { 0 };
	bool json = false, ok = true;
	const struct opt tab[] = { KEY_OPTS(ka), { "--json", NULL, &json }, { NULL, NULL, NULL } };
	const char *pos[2];
	struct nonce_parts p;
	struct aka_keys keys;
	int npos, rc;

	opts_parse(argc, argv, 2, tab, pos, 2, &npos, help);
	if (npos < 1 || strcmp(pos[0], "decode"))
		cli_usage_error(PROG, "nonce: expected 'nonce decode NONCE' (see --help)");
	if (npos < 2)
		cli_usage_error(PROG, "NONCE: required");
	rc = nonce_decode(pos[1], strlen(pos[1]), &p);
	if (rc)
		cli_usage_error(PROG, "NONCE: %s", nonce_strerror(rc));
	if (keys_given(&ka)) {
		keys_from_args(&ka, &keys);
		keys_need_autn_mac(&keys);
	}
	out_begin(json);
	out_hex("rand", "RAND", p.rand, 16);
	out_hex("autn", "AUTN", p.autn, 16);
	out_hex("sqn_xor_ak", "SQN^AK", p.autn, 6);
	out_hex("amf", "AMF", p.autn + 6, 2);
	out_hex("mac_a", "MAC-A", p.autn + 8, 8);
	if (p.extra_len && !json)
		out_hex("extra", "extra", p.extra, p.extra_len);
	if (keys_given(&ka))
		check_with_keys(&keys, &p, &ok);
	out_end();
	return ok ? 0 : 1;
}
