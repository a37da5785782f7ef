/* aka-tool explain: the teaching view. From K, OP/OPc, RAND, SQN, AMF and
 * a SIP identity it prints every value of one IMS AKA registration in the
 * order the network computes them, each named as in the specs, with the
 * formula and the clause it comes from. */
#include "tool.h"
#include "aka/milenage.h"
#include "aka/tuak.h"
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
	"         [--password STR] [--qop auth|auth-int --nc HEX8 --cnonce S]\n"
	"         [--algo milenage|xor|tuak] [--ind-bits N]\n"
	"       TUAK: --algo tuak --k HEX (--top HEX|--topc HEX) [--res-len N] [--ck-len N]\n"
	"         [--ik-len N] [--iterations N] (as 'aka-tool tuak'; MAC-A is 8 octets in AUTN)\n"
	"\n"
	"Prints every intermediate value of one IMS AKA registration, named as in the\n"
	"specs, with its formula and clause: OPc, TEMP, IN1, OUT1..OUT5 (MILENAGE) or\n"
	"TOPc, INSTANCE, IN and OUT of each Keccak permutation (TUAK), MAC-A, MAC-S,\n"
	"RES, CK, IK, AK, AK*, AUTN, the nonce, the digest password, HA1, HA2,\n"
	"response and rspauth. Key material is printed: this is a teaching tool.\n"
	"  --demo          fill every missing value from the demo subscriber: TS 35.208\n"
	"                  test set 1 (K 465b5ce8..., OP cdc202d5..., RAND 23553cbe...,\n"
	"                  SQN ff9bb4d0b607, AMF b9b9) and IMPI\n"
	"                  001010000000001@ims.mnc001.mcc001.3gppnetwork.org, REGISTER,\n"
	"                  qop auth, nc 00000001, cnonce 0a4f113b. With --algo tuak the\n"
	"                  keys and challenge of TS 35.233 test set 1 (K abab..., TOP\n"
	"                  5555..., RAND 4242..., SQN 111111111111, AMF ffff, RES 4).\n"
	"                  Without --demo every value marked above is required.\n"
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

/* TS 35.233 test set 1 (tests/vectors/tuak.tsv). */
static void fill_demo_tuak(struct explain_args *a)
{
	if (!a->ka.k)
		a->ka.k = "abababababababababababababababab";
	if (!a->ka.top && !a->ka.topc)
		a->ka.top = "5555555555555555555555555555555555555555555555555555555555555555";
	if (!a->rand)
		a->rand = "42424242424242424242424242424242";
	if (!a->sqn)
		a->sqn = "111111111111";
	if (!a->amf)
		a->amf = "ffff";
	if (!a->ka.res_len)
		a->ka.res_len = "4";
}

static void fill_demo(struct explain_args *a)
{
	if (a->ka.algo && aka_algo_parse(a->ka.algo) == AKA_ALGO_TUAK)
		fill_demo_tuak(a);
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
	char hex[2 * 100 + 1];

	hex_encode(v, len, hex);
	row(name, hex, formula, clause);
}

static void heading(const char *h)
{
	printf("\n%s\n", h);
}

struct values {
	struct aka_keys keys;
	uint8_t op[AKA_TOP_LEN], rand[16], sqn[6], amf[2];
	bool have_op;
	struct aka_out o;
	uint8_t ck[16], ik[16]; /* the 128-bit CK/IK the network uses (aka_key128) */
	uint8_t autn[16];
	char nonce[64];
	unsigned ind_bits; /* --ind-bits, default 5 (TS 33.102 C.3.2) */
};

static void explain_inputs(struct values *v)
{
	char buf[96];
	unsigned bits = v->ind_bits;
	uint64_t sqn = aka_sqn_get(v->sqn);

	heading("Inputs");
	row_hex("K", v->keys.k, aka_k_len(&v->keys), "subscriber key, shared by USIM and HSS",
		"TS 33.102 §6.3.2");
	if (v->keys.algo == AKA_ALGO_TUAK) {
		if (v->have_op)
			row_hex("TOP", v->op, 32, "operator variant configuration field",
				"TS 35.231 §5.1");
		row_hex("TOPc", v->keys.opc, 32, v->have_op ? "= OUT[255..0] of Π(IN), IN from TOP, "
			"K, INSTANCE (below)" : "given (the HSS may store TOPc only)", "TS 35.231 §6.1");
	}
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

/* The first len octets of an IN or OUT, 40 a line, each line labelled
 * with its first octet's offset. */
static void tuak_block(const char *name, const uint8_t *st, size_t len, const char *what)
{
	char label[48], hex[2 * 40 + 1];

	for (size_t off = 0; off < len; off += 40) {
		snprintf(label, sizeof(label), "%s[%zu]", off ? "" : name, off);
		hex_encode(st + off, 40, hex);
		if (off)
			row(label, hex, NULL, NULL);
		else
			row(label, hex, what, "TS 35.231 §6");
	}
}

static void explain_tuak(struct values *v)
{
	struct tuak_params p;
	uint8_t st[KECCAK_STATE_LEN];
	char buf[160];

	tuak_params_from_keys(&v->keys, &p);
	snprintf(buf, sizeof(buf), "TUAK kernel (Π = Keccak-f[1600], applied %u time%s; "
		 "K %zu, MAC %zu, RES %zu, CK %zu, IK %zu octets)", p.iterations,
		 p.iterations == 1 ? "" : "s", p.k_len, p.mac_len, p.res_len, p.ck_len, p.ik_len);
	heading(buf);
	row("ALGONAME", "TUAK1.0", "ASCII, 56 bits", "TS 35.231 §5.3");
	row("layout", "IN = TOPc' | INSTANCE | ALGONAME' | RAND' | AMF' | SQN' | K' | pad",
	    "(X' = the octets of X reversed; pad 1f..80)", "TS 35.231 §6.2");
	tuak_in(&p, TUAK_FN_F1, v->keys.k, v->keys.opc, v->rand, v->sqn, v->amf, st);
	tuak_block("IN(f1)", st, KECCAK_STATE_LEN, "0-31 TOPc', 32 INSTANCE, 33-39 ALGONAME', "
		   "40-55 RAND', 56-57 AMF', 58-63 SQN', 64-95 K', 96 and 135 pad");
	tuak_permute(&p, st);
	tuak_block("OUT(f1)", st, 120, "= Π(IN) (octets 0-119 shown; MAC-A = 0..n-1 reversed)");
	snprintf(buf, sizeof(buf), "%02x %02x %02x %02x (f1, f1*, f2..f5, f5*)",
		 tuak_instance(&p, TUAK_FN_F1), tuak_instance(&p, TUAK_FN_F1STAR),
		 tuak_instance(&p, TUAK_FN_F2345), tuak_instance(&p, TUAK_FN_F5STAR));
	row("INSTANCE", buf, "bits: f1 00, f1* 10, f2..f5 01, f5* 11 | lengths | K 256",
	    "TS 35.231 §6.2-6.5");
	heading("TUAK outputs (each read reversed from its own OUT)");
	row_hex("MAC-A", v->o.mac_a, v->o.mac_len, "f1  = OUT[n-1..0]", "TS 35.231 §6.2");
	row_hex("MAC-S", v->o.mac_s, v->o.mac_len, "f1* = OUT[n-1..0] (this AMF; resync uses 0000)",
		"TS 35.231 §6.3");
	row_hex("RES", v->o.res, v->o.res_len, "f2  = OUT[n-1..0]", "TS 35.231 §6.4");
	row_hex("CK", v->o.ck, v->o.ck_len, "f3  = OUT[256+n-1..256]", "TS 35.231 §6.4");
	row_hex("IK", v->o.ik, v->o.ik_len, "f4  = OUT[512+n-1..512]", "TS 35.231 §6.4");
	row_hex("AK", v->o.ak, 6, "f5  = OUT[815..768]", "TS 35.231 §6.4");
	row_hex("AK*", v->o.ak_s, 6, "f5* = OUT[815..768]", "TS 35.231 §6.5");
	if (v->o.ck_len > 16 || v->o.ik_len > 16) {
		row_hex("CK(128)", v->ck, 16, "= the 128 least significant bits of CK", "cf. TS 33.401 A.7");
		row_hex("IK(128)", v->ik, 16, "= the 128 least significant bits of IK "
			"(what Cx/S6a carry)", "cf. TS 33.401 A.7");
	}
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
		n = password_arg(a->password, pw);
		row("password", *a->password ? a->password : "(empty)",
		    "= --password text (empty: the resync response with auts)", "RFC 3310 §3.4");
		return n;
	}
	if (digest_password((enum digest_alg)alg, NULL, v->o.res, v->o.res_len, v->ik, v->ck,
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
	uint8_t pw[64];

	memset(v, 0, sizeof(*v));
	keys_from_args(&a->ka, &v->keys);
	keys_need_autn_mac(&v->keys);
	if (a->ka.op || a->ka.top) {
		hex_arg(a->ka.op ? "--op" : "--top", a->ka.op ? a->ka.op : a->ka.top, v->op,
			aka_op_len(&v->keys));
		v->have_op = true;
	}
	hex_arg("--rand", a->rand, v->rand, 16);
	hex_arg("--sqn", a->sqn, v->sqn, 6);
	hex_arg("--amf", a->amf, v->amf, 2);
	need(a->impi, "--impi");
	need(a->realm, "--realm");
	need(a->uri, "--uri");
	need(a->method, "--method");
	/* every argument is checked before the first line is printed */
	v->ind_bits = a->ind_bits ? (unsigned)cli_uint(PROG, "--ind-bits", a->ind_bits, 0, 8) : 5;
	if (a->password)
		password_arg(a->password, pw);
	if (aka_compute(&v->keys, v->rand, v->sqn, v->amf, &v->o))
		exit(1);
	aka_key128(v->o.ck, v->o.ck_len, v->ck);
	aka_key128(v->o.ik, v->o.ik_len, v->ik);
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
	qop = qop_args(a.qop, a.nc, a.cnonce);
	load_values(&a, &v);
	printf("IMS AKA registration, step by step (%s, %s)\n", aka_algo_name(v.keys.algo),
	       digest_alg_name((enum digest_alg)alg));
	explain_inputs(&v);
	if (v.keys.algo == AKA_ALGO_XOR)
		explain_xor(&v);
	else if (v.keys.algo == AKA_ALGO_TUAK)
		explain_tuak(&v);
	else
		explain_milenage(&v);
	explain_vector(&v);
	explain_challenge(&a, &v, alg);
	explain_usim(&v);
	explain_digest(&a, &v, alg, qop);
	return 0;
}
