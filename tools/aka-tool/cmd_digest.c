/* aka-tool digest: the RFC 2617 §3.2.2 response with the IMS password
 * sources (plain text, RFC 3310 raw RES, RFC 4169 AKAv2 password). */
#include "tool.h"
#include "digest/digest.h"
#include "util/cli.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: " PROG " digest --alg AKAv1-MD5|AKAv2-MD5|MD5 --username S --realm S --nonce S\n"
	"         --uri S --method S [--qop auth|auth-int --nc HEX8 --cnonce S] [--body-hex HEX]\n"
	"         (--res HEX [--ik HEX --ck HEX] | --password STR) [--json]\n"
	"\n"
	"HA1 = MD5(username:realm:password), HA2 = MD5(method:uri[:MD5(body)]),\n"
	"response = MD5(HA1:nonce:nc:cnonce:qop:HA2), or MD5(HA1:nonce:HA2) without qop.\n"
	"The password: --password STR as text (MD5; '' is the empty password of a\n"
	"resync response), or --res: AKAv1-MD5 uses the RES octets themselves (RFC 3310\n"
	"§3.3), AKAv2-MD5 base64(HMAC-MD5(RES||IK||CK, \"http-digest-akav2-password\"))\n"
	"(RFC 4169 §3, needs --ik and --ck).\n"
	"  --nonce S      the nonce text exactly as in the challenge\n"
	"  --nc HEX8      8 hex digits, e.g. 00000001\n"
	"  --body-hex HEX the message body, hashed for qop=auth-int (default empty)\n"
	"  --json         keys: ha1 ha2 response\n";

struct digest_args {
	const char *alg, *user, *realm, *nonce, *uri, *method, *qop, *nc, *cnonce, *body;
	const char *res, *ik, *ck, *password;
	bool json;
};

/* The password octets per RFC 3310 / RFC 4169, or the given text. */
static size_t password_of(const struct digest_args *a, int alg, uint8_t pw[64])
{
	uint8_t res[DIGEST_RES_MAX], ik[16], ck[16];
	size_t res_len, n;

	if (a->password && a->res)
		cli_usage_error(PROG, "--password/--res: give only one of them");
	if (a->password)
		return password_arg(a->password, pw);
	if (!a->res)
		cli_usage_error(PROG, "--res/--password: one of them is required");
	if (alg == DIGEST_ALG_MD5)
		cli_usage_error(PROG, "--res: algorithm MD5 takes --password");
	res_len = cli_hex_range(PROG, "--res", a->res, res, 4, DIGEST_RES_MAX); /* TUAK: 32 */
	if (alg == DIGEST_ALG_AKAV2_MD5) {
		hex_arg("--ik", a->ik, ik, 16);
		hex_arg("--ck", a->ck, ck, 16);
	} else if (a->ik || a->ck) {
		cli_usage_error(PROG, "%s: only used by AKAv2-MD5", a->ik ? "--ik" : "--ck");
	}
	if (digest_password(alg, NULL, res, res_len, ik, ck, pw, &n))
		exit(1);
	return n;
}

int cmd_digest(int argc, char **argv)
{
	struct digest_args a = { 0 };
	const struct opt tab[] = {
		{ "--alg", &a.alg, NULL }, { "--username", &a.user, NULL },
		{ "--realm", &a.realm, NULL }, { "--nonce", &a.nonce, NULL },
		{ "--uri", &a.uri, NULL }, { "--method", &a.method, NULL },
		{ "--qop", &a.qop, NULL }, { "--nc", &a.nc, NULL }, { "--cnonce", &a.cnonce, NULL },
		{ "--body-hex", &a.body, NULL }, { "--res", &a.res, NULL }, { "--ik", &a.ik, NULL },
		{ "--ck", &a.ck, NULL }, { "--password", &a.password, NULL },
		{ "--json", NULL, &a.json }, { NULL, NULL, NULL },
	};
	uint8_t pw[64], body[4096];
	size_t pw_len, body_len = 0;
	struct digest_result r;
	char rspauth[DIGEST_HEX_LEN];
	int npos, alg, qop;

	opts_parse(argc, argv, 2, tab, NULL, 0, &npos, help);
	alg = digest_alg_parse(need(a.alg, "--alg"));
	if (alg < 0)
		cli_usage_error(PROG, "--alg: expected MD5, AKAv1-MD5 or AKAv2-MD5, got '%s'", a.alg);
	qop = qop_args(a.qop, a.nc, a.cnonce);
	if (a.body && *a.body)
		body_len = cli_hex_range(PROG, "--body-hex", a.body, body, 0, sizeof(body));
	struct digest_input in = {
		.username = need(a.user, "--username"), .realm = need(a.realm, "--realm"),
		.nonce = need(a.nonce, "--nonce"), .uri = need(a.uri, "--uri"),
		.method = need(a.method, "--method"), .qop = (enum digest_qop)qop,
		.nc = a.nc, .cnonce = a.cnonce, .body = body, .body_len = body_len,
	};
	/* rspauth's auth-int hash is over the 200 OK's body (RFC 2617 §3.2.3:
	 * the response's entity-body), which a REGISTER's 200 OK does not
	 * have: never the request's --body-hex */
	struct digest_input rsp = in;

	rsp.body_len = 0;
	pw_len = password_of(&a, alg, pw);
	if (digest_compute(&in, pw, pw_len, &r) || digest_rspauth(&rsp, pw, pw_len, rspauth))
		exit(1);
	out_begin(a.json);
	out_str("ha1", "HA1", r.ha1);
	out_str("ha2", "HA2", r.ha2);
	out_str("response", "response", r.response);
	if (!a.json)
		out_str("rspauth", "rspauth", rspauth);
	out_end();
	return 0;
}
