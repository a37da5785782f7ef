/* aka-tool explain: the teaching view. From K, OP/OPc, RAND, SQN, AMF and
 * a SIP identity it prints every value of one IMS AKA registration in the
 * order the network computes them, each named as in the specs, with the
 * formula and the clause it comes from. */
#include "tool.h"
#include "aka/milenage.h"
#include "aka/xor.h"
#include "digest/digest.h"
#include "util/cli.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: " PROG " explain [--demo] --k HEX (--op HEX|--opc HEX) --rand HEX --sqn HEX --amf HEX\n"
	"         --impi S --realm S --uri S --method S [--alg AKAv1-MD5|AKAv2-MD5]\n"
	"         [--password STR] [--qop auth|auth-int --nc HEX8 --cnonce S] [--algo milenage|xor]\n"
	"         [--ind-bits N]\n"
	"\n"
	"Prints every intermediate value of one IMS AKA registration, named as in the\n"
	"specs, with its formula and clause: OPc, TEMP, IN1, OUT1..OUT5, MAC-A, MAC-S,\n"
	"RES, CK, IK, AK, AK*, AUTN, the nonce, the digest password, HA1, HA2,\n"
	"response and rspauth. Key material is printed: this is a teaching tool.\n"
	"  --demo          fill every missing value from the demo subscriber: TS 35.208\n"
	"                  test set 1 (K 465b5ce8..., OP cdc202d5..., RAND 23553cbe...,\n"
	"                  SQN ff9bb4d0b607, AMF b9b9) and IMPI\n"
	"                  001010000000001@ims.mnc001.mcc001.3gppnetwork.org, REGISTER,\n"
	"                  qop auth, nc 00000001, cnonce 0a4f113b. Without --demo every\n"
	"                  value marked above is required.\n"
	"  --alg A         digest algorithm, default AKAv1-MD5\n"
	"  --password STR  use this text as the digest password instead of RES (e.g.\n"
	"                  '' as in a resync response, RFC 3310 §3.4)\n"
	"  --ind-bits N    IND length for the SEQ/IND split of SQN (default 5)\n";

#define DEMO_REALM "ims.mnc001.mcc001.3gppnetwork.org"

struct explain_args {
	struct key_args ka;
	const char *rand, *sqn, *amf, *impi, *realm, *uri, *method, *alg, *password;
	const char *qop, *nc, *cnonce, *ind_bits;
	bool demo;
};

static void fill_demo(struct explain_args *a)
{
	if (!a->ka.k)
		a->ka.k = "465b5ce8b199b49faa5f0a2ee238a6bc";
	if (!a->ka.op && !a->ka.opc && !a->ka.algo)
		a->ka.op = "cdc202d5123e20f62b6d676ac72cb318";
	if (!a->rand)
		a->rand = "23553cbe9637a89d218ae64dae47bf35";
	if (!a->sqn)
		a->sqn = "ff9bb4d0b607";
	if (!a->amf)
		a->amf = "b9b9";
	if (!a->impi)
		a->impi = "001010000000001@" DEMO_REALM;
	if (!a->realm)
		a->realm = DEMO_REALM;
	if (!a->uri)
		a->uri = "sip:" DEMO_REALM;
	if (!a->method)
		a->method = "REGISTER";
	if (!a->qop) {
		a->qop = "auth";
		a->nc = a->nc ? a->nc : "00000001";
		a->cnonce = a->cnonce ? a->cnonce : "0a4f113b";
	}
}

/* One named value: "  NAME  value" then "        = formula   [clause]". */
static void row(const char *name, const char *value, const char *formula, const char *clause)
{
	if (!formula) { /* a statement, not a value: clause on the same line */
		printf("  %-9s %s%s%s%s\n", name, value, clause ? "  [" : "", clause ? clause : "",
		       clause ? "]" : "");
		return;
	}
	printf("  %-9s %s\n", name, value);
	printf("  %-9s %-52s %s%s%s\n", "", formula, clause ? "[" : "", clause ? clause : "",
	       clause ? "]" : "");
}

static void row_hex(const char *name, const uint8_t *v, size_t len, const char *formula,
		    const char *clause)
{
	char hex[2 * 64 + 1];

	hex_encode(v, len, hex);
	row(name, hex, formula, clause);
}

static void heading(const char *h)
{
	printf("\n%s\n", h);
}

struct values {
	struct aka_keys keys;
	uint8_t op[16], rand[16], sqn[6], amf[2];
	bool have_op;
	struct aka_out o;
	uint8_t autn[16];
	char nonce[64];
};

static void explain_inputs(const struct explain_args *a, struct values *v)
{
	char buf[96];
	unsigned bits = a->ind_bits ? (unsigned)cli_uint(PROG, "--ind-bits", a->ind_bits, 0, 8) : 5;
	uint64_t sqn = aka_sqn_get(v->sqn);

	heading("Inputs");
	row_hex("K", v->keys.k, 16, "subscriber key, shared by USIM and HSS", "TS 33.102 §6.3.2");
	if (v->keys.algo == AKA_ALGO_MILENAGE) {
		if (v->have_op) {
			row_hex("OP", v->op, 16, "operator variant configuration field", "TS 35.206 §2.3");
			row_hex("OPc", v->keys.opc, 16, "= OP xor E_K(OP)", "TS 35.206 §4.1");
		} else {
			row_hex("OPc", v->keys.opc, 16, "given (the HSS may store OPc only)",
				"TS 35.206 §4.1");
		}
	}
	row_hex("RAND", v->rand, 16, "random challenge from the HSS's CSPRNG", "TS 33.102 §6.3.2");
	snprintf(buf, sizeof(buf), "= SEQ || IND: SEQ %llu, IND %llu (%u IND bits)",
		 (unsigned long long)(sqn >> bits), (unsigned long long)(sqn & ((1ULL << bits) - 1)),
		 bits);
	row_hex("SQN", v->sqn, 6, buf, "TS 33.102 Annex C.1.2");
	row_hex("AMF", v->amf, 2, "authentication management field", "TS 33.102 Annex H");
}

static void explain_milenage(struct values *v)
{
	struct milenage_trace t;

	if (milenage_trace(v->keys.k, v->keys.opc, v->rand, v->sqn, v->amf, &t))
		exit(1);
	heading("MILENAGE kernel (E_K = AES-128 under K)");
	row_hex("TEMP", t.temp, 16, "= E_K(RAND xor OPc)", "TS 35.206 §4.1");
	row_hex("IN1", t.in1, 16, "= SQN || AMF || SQN || AMF", "TS 35.206 §4.1");
	row_hex("OUT1", t.out[0], 16, "= E_K(TEMP xor rot(IN1 xor OPc, r1=64) xor c1) xor OPc",
		"TS 35.206 §4.1");
	row_hex("OUT2", t.out[1], 16, "= E_K(rot(TEMP xor OPc, r2=0) xor c2) xor OPc",
		"TS 35.206 §4.1");
	row_hex("OUT3", t.out[2], 16, "= E_K(rot(TEMP xor OPc, r3=32) xor c3) xor OPc",
		"TS 35.206 §4.1");
	row_hex("OUT4", t.out[3], 16, "= E_K(rot(TEMP xor OPc, r4=64) xor c4) xor OPc",
		"TS 35.206 §4.1");
	row_hex("OUT5", t.out[4], 16, "= E_K(rot(TEMP xor OPc, r5=96) xor c5) xor OPc",
		"TS 35.206 §4.1");
	heading("MILENAGE outputs");
	row_hex("MAC-A", v->o.mac_a, 8, "f1  = OUT1[0..63]", "TS 35.206 §4.1");
	row_hex("MAC-S", v->o.mac_s, 8, "f1* = OUT1[64..127] (over this AMF; resync uses 0000)",
		"TS 35.206 §4.1");
	row_hex("RES", v->o.res, 8, "f2  = OUT2[64..127]", "TS 35.206 §4.1");
	row_hex("CK", v->o.ck, 16, "f3  = OUT3", "TS 35.206 §4.1");
	row_hex("IK", v->o.ik, 16, "f4  = OUT4", "TS 35.206 §4.1");
	row_hex("AK", v->o.ak, 6, "f5  = OUT2[0..47]", "TS 35.206 §4.1");
	row_hex("AK*", v->o.ak_s, 6, "f5* = OUT5[0..47]", "TS 35.206 §4.1");
}

static void explain_xor(struct values *v)
{
	struct xor_trace t;

	xor_trace(v->keys.k, v->rand, v->sqn, v->amf, &t);
	heading("XOR test algorithm");
	row_hex("XDOUT", t.xdout, 16, "= K xor RAND", "TS 34.108 §8.1.2.1 step 1");
	row_hex("CDOUT", t.cdout, 8, "= SQN || AMF", "TS 34.108 §8.1.2.1 step 3");
	row_hex("MAC-A", v->o.mac_a, 8, "f1 = XMAC = XDOUT[0..63] xor CDOUT", "TS 34.108 §8.1.2.1");
	row_hex("RES", v->o.res, v->o.res_len, "f2 = XDOUT[0..n-1]", "TS 34.108 §8.1.2.1");
	row_hex("CK", v->o.ck, 16, "f3 = XDOUT[8..127] || XDOUT[0..7]", "TS 34.108 §8.1.2.1");
	row_hex("IK", v->o.ik, 16, "f4 = XDOUT[16..127] || XDOUT[0..15]", "TS 34.108 §8.1.2.1");
	row_hex("AK", v->o.ak, 6, "f5 = XDOUT[24..71] (also AK* for resync)",
		"TS 34.108 §8.1.2.1");
}

static void explain_vector(struct values *v)
{
	uint8_t sqn_ak[6];

	for (int i = 0; i < 6; i++)
		sqn_ak[i] = v->sqn[i] ^ v->o.ak[i];
	memcpy(v->autn, sqn_ak, 6);
	memcpy(v->autn + 6, v->amf, 2);
	memcpy(v->autn + 8, v->o.mac_a, 8);
	heading("Authentication vector (HSS -> S-CSCF in the Cx MAA)");
	row_hex("SQN^AK", sqn_ak, 6, "= SQN xor AK (conceals SQN)", "TS 33.102 §6.3.2");
	row_hex("AUTN", v->autn, 16, "= (SQN xor AK) || AMF || MAC-A", "TS 33.102 §6.3.2");
	row_hex("XRES", v->o.res, v->o.res_len, "= RES, kept by the network", "TS 33.102 §6.3.2");
	nonce_encode(v->rand, v->autn, NULL, 0, v->nonce, sizeof(v->nonce));
}

static void explain_challenge(const struct explain_args *a, const struct values *v, int alg)
{
	heading("SIP challenge (S-CSCF -> UE, 401 Unauthorized)");
	row("nonce", v->nonce, "= base64(RAND || AUTN)", "RFC 3310 §3.2");
	printf("  WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\",\n"
	       "      algorithm=%s, qop=\"auth,auth-int\"\n",
	       a->realm, v->nonce, digest_alg_name((enum digest_alg)alg));
}

static void explain_usim(const struct values *v)
{
	heading("USIM check (UE side)");
	row_hex("AK", v->o.ak, 6, "= f5(K, RAND); SQN = AUTN[0..47] xor AK", "TS 33.102 §6.3.3");
	row_hex("XMAC", v->o.mac_a, 8, "= f1(K, SQN, RAND, AMF), must equal MAC-A of AUTN",
		"TS 33.102 §6.3.3");
	row("SQN", "must be fresh: SEQ > SEQ_MS(IND), SEQ - SEQ_MS <= delta", NULL,
	    "TS 33.102 Annex C.2");
	row("on fail", "MAC mismatch -> auth failure; stale SQN -> AUTS = (SQN_MS xor AK*)"
		       " || MAC-S(AMF 0000)", NULL, "TS 33.102 §6.3.3");
}

/* The digest password per algorithm (RFC 3310 §3.3, RFC 4169 §3), or the
 * text of --password. */
static size_t explain_password(const struct explain_args *a, const struct values *v, int alg,
			       uint8_t pw[64])
{
	size_t n = 0;

	heading("UE response (REGISTER with Authorization)");
	if (a->password) {
		n = strlen(a->password) > 64 ? 64 : strlen(a->password);
		memcpy(pw, a->password, n);
		row("password", *a->password ? a->password : "(empty)",
		    "= --password text (empty: the resync response with auts)", "RFC 3310 §3.4");
		return n;
	}
	if (digest_password((enum digest_alg)alg, NULL, v->o.res, v->o.res_len, v->o.ik, v->o.ck,
			    pw, &n))
		exit(1);
	if (alg == DIGEST_ALG_AKAV2_MD5) {
		char text[25];

		memcpy(text, pw, 24);
		text[24] = '\0';
		row("password", text, "= base64(HMAC-MD5(RES || IK || CK, "
			"\"http-digest-akav2-password\"))", "RFC 4169 §3");
	} else {
		row_hex("password", pw, n, "= the RES octets themselves (raw, not hex)",
			"RFC 3310 §3.3");
	}
	return n;
}

static void explain_digest(const struct explain_args *a, const struct values *v, int alg, int qop)
{
	uint8_t pw[64];
	size_t pw_len = explain_password(a, v, alg, pw);
	struct digest_input in = {
		.username = a->impi, .realm = a->realm, .nonce = v->nonce, .uri = a->uri,
		.method = a->method, .qop = (enum digest_qop)qop, .nc = a->nc, .cnonce = a->cnonce,
	};
	struct digest_result r;
	char rspauth[DIGEST_HEX_LEN];

	if (digest_compute(&in, pw, pw_len, &r) || digest_rspauth(&in, pw, pw_len, rspauth))
		exit(1);
	row("HA1", r.ha1, "= MD5(username \":\" realm \":\" password)", "RFC 2617 §3.2.2.2");
	row("HA2", r.ha2, qop == DIGEST_QOP_AUTH_INT ? "= MD5(method \":\" uri \":\" MD5(body))"
						     : "= MD5(method \":\" uri)",
	    "RFC 2617 §3.2.2.3");
	row("response", r.response, qop ? "= MD5(HA1:nonce:nc:cnonce:qop:HA2)"
					: "= MD5(HA1:nonce:HA2)", "RFC 2617 §3.2.2.1");
	printf("  Authorization: Digest username=\"%s\", realm=\"%s\",\n"
	       "      nonce=\"%s\", uri=\"%s\",\n"
	       "      response=\"%s\", algorithm=%s",
	       a->impi, a->realm, v->nonce, a->uri, r.response,
	       digest_alg_name((enum digest_alg)alg));
	if (qop)
		printf(", qop=%s, nc=%s, cnonce=\"%s\"", digest_qop_name((enum digest_qop)qop), a->nc,
		       a->cnonce);
	printf("\n");
	heading("S-CSCF check and answer");
	row("verify", "same computation with XRES as password; equal -> SAR, 200 OK", NULL,
	    "RFC 3310 §3.3");
	row("rspauth", rspauth, "= response with an empty method (A2 = \":\" uri)",
	    "RFC 2617 §3.2.3");
}

static void load_values(struct explain_args *a, struct values *v)
{
	memset(v, 0, sizeof(*v));
	keys_from_args(&a->ka, &v->keys);
	if (a->ka.op) {
		hex_arg("--op", a->ka.op, v->op, 16);
		v->have_op = true;
	}
	hex_arg("--rand", a->rand, v->rand, 16);
	hex_arg("--sqn", a->sqn, v->sqn, 6);
	hex_arg("--amf", a->amf, v->amf, 2);
	need(a->impi, "--impi");
	need(a->realm, "--realm");
	need(a->uri, "--uri");
	need(a->method, "--method");
	if (aka_compute(&v->keys, v->rand, v->sqn, v->amf, &v->o))
		exit(1);
}

static int parse_qop(const struct explain_args *a)
{
	int qop = digest_qop_parse(a->qop);

	if (qop < 0)
		cli_usage_error(PROG, "--qop: expected auth or auth-int, got '%s'", a->qop);
	if (qop) {
		need(a->nc, "--nc");
		need(a->cnonce, "--cnonce");
	}
	return qop;
}

int cmd_explain(int argc, char **argv)
{
	struct explain_args a = { 0 };
	const struct opt tab[] = {
		KEY_OPTS(a.ka), { "--rand", &a.rand, NULL }, { "--sqn", &a.sqn, NULL },
		{ "--amf", &a.amf, NULL }, { "--impi", &a.impi, NULL }, { "--realm", &a.realm, NULL },
		{ "--uri", &a.uri, NULL }, { "--method", &a.method, NULL }, { "--alg", &a.alg, NULL },
		{ "--password", &a.password, NULL }, { "--qop", &a.qop, NULL }, { "--nc", &a.nc, NULL },
		{ "--cnonce", &a.cnonce, NULL }, { "--ind-bits", &a.ind_bits, NULL },
		{ "--demo", NULL, &a.demo }, { NULL, NULL, NULL },
	};
	struct values v;
	int npos, alg, qop;

	opts_parse(argc, argv, 2, tab, NULL, 0, &npos, help);
	if (a.demo)
		fill_demo(&a);
	alg = digest_alg_parse(a.alg ? a.alg : "AKAv1-MD5");
	if (alg < 0 || alg == DIGEST_ALG_MD5)
		cli_usage_error(PROG, "--alg: expected AKAv1-MD5 or AKAv2-MD5, got '%s'", a.alg);
	qop = parse_qop(&a);
	load_values(&a, &v);
	printf("IMS AKA registration, step by step (%s, %s)\n", aka_algo_name(v.keys.algo),
	       digest_alg_name((enum digest_alg)alg));
	explain_inputs(&a, &v);
	if (v.keys.algo == AKA_ALGO_XOR)
		explain_xor(&v);
	else
		explain_milenage(&v);
	explain_vector(&v);
	explain_challenge(&a, &v, alg);
	explain_usim(&v);
	explain_digest(&a, &v, alg, qop);
	return 0;
}
