/* scscf-stub: the 401 challenge builder and the response checker, with the
 * worked examples of tests/vectors/digest-example.tsv (TS 35.208 set 1),
 * RFC 2617 §3.5 (SIP Digest from HA1) and independently computed auth-int
 * answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "aka/aka.h"
#include "challenge.h"
#include "util/hex.h"
#include "vectors.h"

/* ---- digest-example.tsv ------------------------------------------------ */
#define MAXCOL 40
struct row {
	char *col[MAXCOL];
	char line[4096];
};
static char *hdrs[MAXCOL];
static size_t nhdr;
static char hdrline[4096];

static const char *get(const struct row *r, const char *name)
{
	for (size_t i = 0; i < nhdr; i++)
		if (!strcmp(hdrs[i], name))
			return r->col[i] ? r->col[i] : "";
	fail_msg("no column %s", name);
	return "";
}

static void split(char *line, char **out)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < MAXCOL; n++) {
		out[n] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
}

/* Reads the row whose `case` column is `name`. */
static void load_row(const char *name, struct row *r)
{
	FILE *fp = fopen(VECTORS_DIR "/digest-example.tsv", "r");
	char line[4096];

	assert_non_null(fp);
	nhdr = 0;
	while (fgets(line, sizeof(line), fp)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!nhdr) {
			memcpy(hdrline, line, sizeof(line));
			memset(hdrs, 0, sizeof(hdrs));
			split(hdrline, hdrs);
			while (nhdr < MAXCOL && hdrs[nhdr])
				nhdr++;
			continue;
		}
		memcpy(r->line, line, sizeof(line));
		memset(r->col, 0, sizeof(r->col));
		split(r->line, r->col);
		if (!strcmp(r->col[0], name)) {
			fclose(fp);
			return;
		}
	}
	fclose(fp);
	fail_msg("row %s not found", name);
}

static void hex_in(const char *h, uint8_t *out, size_t n)
{
	assert_int_equal(hex_decode_exact(h, out, n), 0);
}

/* The stored vector of a row, as the MAA would have delivered it. */
static void entry_of(const struct row *r, struct vec_entry *v)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->nonce, sizeof(v->nonce), "%s", get(r, "nonce"));
	snprintf(v->impi, sizeof(v->impi), "%s", get(r, "username"));
	v->alg = (enum digest_alg)digest_alg_parse(get(r, "alg"));
	v->xres_len = strtoul(get(r, "res_len"), NULL, 10);
	hex_in(get(r, "res"), v->xres, v->xres_len);
	hex_in(get(r, "ck"), v->ck, 16);
	hex_in(get(r, "ik"), v->ik, 16);
	v->expires_ms = 1000;
}

static void parse(const char *s, struct auth_header *h)
{
	assert_int_equal(auth_header_parse(s, strlen(s), h), AUTH_OK);
}

static struct check_input input_for(const struct row *r, const struct auth_header *h)
{
	return (struct check_input){ .h = h, .method = get(r, "method"),
				     .request_uri = get(r, "uri"), .realm = get(r, "realm"),
				     .qop_offered = "auth,auth-int" };
}

/* The UE's Authorization for a row, with an optional response override. */
static void auth_of(const struct row *r, const char *response, unsigned nc, char *out,
		    size_t outsz)
{
	snprintf(out, outsz,
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
		 "response=\"%s\", qop=%s, nc=%08x, cnonce=\"%s\", algorithm=%s",
		 get(r, "username"), get(r, "realm"), get(r, "nonce"), get(r, "uri"),
		 response ? response : get(r, "response"), get(r, "qop"), nc, get(r, "cnonce"),
		 get(r, "alg"));
}

/* ---- the checker over the worked examples ------------------------------ */
static void check_example(const char *name)
{
	struct row r;
	struct vec_entry v;
	struct auth_header h;
	struct check_input ci;
	char a[2048];

	load_row(name, &r);
	entry_of(&r, &v);
	auth_of(&r, NULL, 1, a, sizeof(a));
	parse(a, &h);
	ci = input_for(&r, &h);
	assert_int_equal(challenge_check(&ci, &v), CHK_OK);
	assert_int_equal(v.last_nc, 1);
	/* RFC 2617 §3.2.2: the same nc again is a replay. */
	assert_int_equal(challenge_check(&ci, &v), CHK_EREPLAY);
	/* A wrong response (last digit changed) is refused, nc untouched. */
	char bad[DIGEST_HEX_LEN];
	snprintf(bad, sizeof(bad), "%s", get(&r, "response"));
	bad[31] = bad[31] == '0' ? '1' : '0';
	auth_of(&r, bad, 2, a, sizeof(a));
	parse(a, &h);
	assert_int_equal(challenge_check(&ci, &v), CHK_ERESPONSE);
	assert_int_equal(v.last_nc, 1);
}

static void test_akav1_example(void **state)
{
	(void)state;
	check_example("EX1-akav1");
}

static void test_akav2_example(void **state)
{
	(void)state;
	check_example("EX2-akav2");
}

/* Upper-case hex in the response is the same response. */
static void test_response_case(void **state)
{
	struct row r;
	struct vec_entry v;
	struct auth_header h;
	struct check_input ci;
	char a[2048], up[DIGEST_HEX_LEN];

	(void)state;
	load_row("EX1-akav1", &r);
	entry_of(&r, &v);
	snprintf(up, sizeof(up), "%s", get(&r, "response"));
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p -= 32;
	auth_of(&r, up, 1, a, sizeof(a));
	parse(a, &h);
	ci = input_for(&r, &h);
	assert_int_equal(challenge_check(&ci, &v), CHK_OK);
}

/* MD5 helper for independently computed expectations. */
static void md5hex(const char *s, char out[33])
{
	uint8_t md[16];
	unsigned l = 0;

	EVP_Digest(s, strlen(s), md, &l, EVP_md5(), NULL);
	hex_encode(md, 16, out);
}

/* auth-int (what SIPp picks from "auth,auth-int"), with the digest uri in
 * SIPp's sip:IP:port form and parameters in another order and case,
 * folded over two lines, algorithm quoted. */
static void test_auth_int_sipp_form(void **state)
{
	struct row r;
	struct vec_entry v;
	struct auth_header h;
	struct check_input ci;
	char ha2in[256], ha2[33], hbody[33], rin[512], resp[33], a[2048];
	const char *uri = "sip:127.0.0.1:5060", *local[] = { "127.0.0.1" };

	(void)state;
	load_row("EX1-akav1", &r);
	entry_of(&r, &v);
	md5hex("", hbody);
	snprintf(ha2in, sizeof(ha2in), "REGISTER:%s:%s", uri, hbody);
	md5hex(ha2in, ha2);
	/* HA1 of the row (MD5(user:realm:RES octets)) is in the vector file. */
	snprintf(rin, sizeof(rin), "%s:%s:00000001:abcdef01:auth-int:%s", get(&r, "ha1"),
		 get(&r, "nonce"), ha2);
	md5hex(rin, resp);
	snprintf(a, sizeof(a),
		 "Digest RESPONSE=\"%s\",\r\n\tNC=00000001, Qop=auth-int, CNONCE=\"abcdef01\", "
		 "uri=\"%s\", nonce=\"%s\",\r\n  realm=\"%s\", username=\"%s\", algorithm=\"AKAv1-MD5\"",
		 resp, uri, get(&r, "nonce"), get(&r, "realm"), get(&r, "username"));
	parse(a, &h);
	ci = input_for(&r, &h);
	ci.request_uri = "sip:ims.mnc001.mcc001.3gppnetwork.org";
	ci.local_hosts = local;
	ci.n_local_hosts = 1;
	assert_int_equal(challenge_check(&ci, &v), CHK_OK);
	/* Not offered -> refused. */
	v.last_nc = 0;
	ci.qop_offered = "auth";
	assert_int_equal(challenge_check(&ci, &v), CHK_EQOP);
	/* The same URI without our host among the local ones -> refused. */
	ci.qop_offered = "auth,auth-int";
	ci.n_local_hosts = 0;
	assert_int_equal(challenge_check(&ci, &v), CHK_EURI);
}

/* algorithm absent: accepted (RFC 3310 default is the challenge's). */
static void test_algorithm_absent_and_mismatch(void **state)
{
	struct row r;
	struct vec_entry v;
	struct auth_header h;
	struct check_input ci;
	char a[2048];

	(void)state;
	load_row("EX1-akav1", &r);
	entry_of(&r, &v);
	snprintf(a, sizeof(a),
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
		 "response=\"%s\", qop=auth, nc=00000001, cnonce=\"%s\"",
		 get(&r, "username"), get(&r, "realm"), get(&r, "nonce"), get(&r, "uri"),
		 get(&r, "response"), get(&r, "cnonce"));
	parse(a, &h);
	ci = input_for(&r, &h);
	assert_int_equal(challenge_check(&ci, &v), CHK_OK);
	v.last_nc = 0;
	v.alg = DIGEST_ALG_AKAV2_MD5; /* vector issued for AKAv2, UE says AKAv1 */
	auth_of(&r, NULL, 1, a, sizeof(a));
	parse(a, &h);
	assert_int_equal(challenge_check(&ci, &v), CHK_EALG);
}

/* The order of the checks: username, realm, nonce, uri, qop, nc. */
static void test_field_mismatches(void **state)
{
	static const struct { const char *from, *to; int want; } cases[] = {
		{ "username=\"001010000000001@", "username=\"001010000000002@", CHK_EUSERNAME },
		{ "realm=\"ims.", "realm=\"xms.", CHK_EREALM },
		{ "nonce=\"I1U8", "nonce=\"J1U8", CHK_ENONCE },
		{ "uri=\"sip:ims.", "uri=\"sip:other.", CHK_EURI },
		{ "qop=auth", "qop=auth-conf", CHK_EQOP },
		{ "nc=00000001", "nc=1", CHK_ENC },
		{ "response=\"", "xresponse=\"", CHK_EMISSING },
	};
	struct row r;
	(void)state;
	load_row("EX1-akav1", &r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vec_entry v;
		struct auth_header h;
		struct check_input ci;
		char a[2048], b[2100], *p;

		entry_of(&r, &v);
		auth_of(&r, NULL, 1, a, sizeof(a));
		p = strstr(a, cases[i].from);
		assert_non_null(p);
		snprintf(b, sizeof(b), "%.*s%s%s", (int)(p - a), a, cases[i].to,
			 p + strlen(cases[i].from));
		parse(b, &h);
		ci = input_for(&r, &h);
		assert_int_equal(challenge_check(&ci, &v), cases[i].want);
		assert_int_equal(v.last_nc, 0);
	}
}

/* RFC 2617 §3.5 (Mufasa): SIP Digest checked from HA1 only. */
static void test_md5_from_ha1(void **state)
{
	struct vec_entry v = { .alg = DIGEST_ALG_MD5, .expires_ms = 1 };
	struct auth_header h;
	struct check_input ci;
	const char *a = "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
			"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
			"qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
			"response=\"6629fae49393a05397450978507c4ef1\", "
			"opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

	(void)state;
	snprintf(v.nonce, sizeof(v.nonce), "dcd98b7102dd2f0e8b11d0f600bfb0c093");
	snprintf(v.impi, sizeof(v.impi), "Mufasa");
	snprintf(v.ha1, sizeof(v.ha1), "939e7578ed9e3c518a452acee763bce9");
	parse(a, &h);
	ci = (struct check_input){ .h = &h, .method = "GET", .request_uri = "/dir/index.html",
				   .realm = "testrealm@host.com", .qop_offered = "auth,auth-int" };
	assert_int_equal(challenge_check(&ci, &v), CHK_OK);
	v.last_nc = 0;
	snprintf(v.ha1, sizeof(v.ha1), "939e7578ed9e3c518a452acee763bce8");
	assert_int_equal(challenge_check(&ci, &v), CHK_ERESPONSE);
}

/* Resync (RFC 3310 §3.4): the response is over the empty password. */
static void test_resync_empty_password(void **state)
{
	struct row r;
	struct vec_entry v;
	struct auth_header h;
	struct check_input ci;
	char a[2048], ha1[33], ha2[33], in[512], resp[33];

	(void)state;
	load_row("EX1-akav1", &r);
	entry_of(&r, &v);
	snprintf(in, sizeof(in), "%s:%s:", get(&r, "username"), get(&r, "realm"));
	md5hex(in, ha1);
	snprintf(in, sizeof(in), "REGISTER:%s", get(&r, "uri"));
	md5hex(in, ha2);
	snprintf(in, sizeof(in), "%s:%s:00000001:%s:auth:%s", ha1, get(&r, "nonce"),
		 get(&r, "cnonce"), ha2);
	md5hex(in, resp);
	auth_of(&r, resp, 1, a, sizeof(a));
	parse(a, &h);
	ci = input_for(&r, &h);
	ci.empty_password = true;
	assert_int_equal(challenge_check(&ci, &v), CHK_OK);
}

/* ---- the builder ---------------------------------------------------- */
/* nonce = base64(RAND ‖ AUTN) with AUTN computed here from K/OPc/SQN/AMF. */
static void test_nonce_from_vector(void **state)
{
	struct row r;
	struct aka_keys k = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	struct aka_vector av;
	uint8_t rand[16], amf[2], sqn[6], ra[32];
	char nonce[64];

	(void)state;
	load_row("EX1-akav1", &r);
	hex_in(get(&r, "k"), k.k, 16);
	hex_in(get(&r, "opc"), k.opc, 16);
	hex_in(get(&r, "rand"), rand, 16);
	hex_in(get(&r, "amf"), amf, 2);
	hex_in(get(&r, "sqn"), sqn, 6);
	assert_int_equal(aka_vector_make_rand(&k, aka_sqn_get(sqn), amf, rand, &av), AKA_OK);
	memcpy(ra, av.rand, 16);
	memcpy(ra + 16, av.autn, 16);
	assert_int_equal(challenge_nonce(ra, 32, nonce, sizeof(nonce)), 44);
	assert_string_equal(nonce, get(&r, "nonce"));
	/* SIP Digest: a random nonce of 24 octets -> 32 characters. */
	assert_int_equal(challenge_nonce(NULL, 0, nonce, sizeof(nonce)), 32);
}

static void test_build_akav1(void **state)
{
	struct row r;
	uint8_t ck[16], ik[16];
	char out[1024];
	struct challenge_params p;

	(void)state;
	load_row("EX1-akav1", &r);
	hex_in(get(&r, "ck"), ck, 16);
	hex_in(get(&r, "ik"), ik, 16);
	p = (struct challenge_params){ .realm = get(&r, "realm"), .nonce = get(&r, "nonce"),
				       .alg = DIGEST_ALG_AKAV1_MD5, .qop = "auth,auth-int",
				       .ck = ck, .ik = ik };
	assert_true(challenge_build(&p, out, sizeof(out)) > 0);
	assert_string_equal(out,
			    "Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", "
			    "nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
			    "algorithm=AKAv1-MD5, qop=\"auth,auth-int\", "
			    "ck=\"b40ba9a3c58b2a05bbf0d987b21bf8cb\", "
			    "ik=\"f769bcd751044604127672711c6d3441\"");
	p.stale = true;
	p.alg = DIGEST_ALG_AKAV2_MD5;
	assert_true(challenge_build(&p, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "algorithm=AKAv2-MD5, qop="));
	assert_non_null(strstr(out, ", stale=true"));
	/* The builder's output parses back (what a UE does). */
	struct auth_header h;
	parse(out, &h);
	assert_string_equal(auth_param_get(&h, "nonce"), get(&r, "nonce"));
	assert_string_equal(auth_param_get(&h, "qop"), "auth,auth-int");
	assert_int_equal(challenge_build(&p, out, 40), -ENOSPC);
}

static void test_build_md5(void **state)
{
	char out[512];
	struct challenge_params p = { .realm = "r.example", .nonce = "abc", .alg = DIGEST_ALG_MD5,
				      .qop = "auth" };
	uint8_t k[16] = { 1 };

	(void)state;
	p.ck = p.ik = k; /* never sent for SIP Digest */
	assert_true(challenge_build(&p, out, sizeof(out)) > 0);
	assert_string_equal(out, "Digest realm=\"r.example\", nonce=\"abc\", algorithm=MD5, "
				 "qop=\"auth\"");
}

/* ---- the vector store: expiry = stale ---------------------------------- */
static void test_store_expiry(void **state)
{
	struct vstore *s = vstore_new(8);
	struct vec_entry e = { .expires_ms = 1000 }, g;

	(void)state;
	snprintf(e.nonce, sizeof(e.nonce), "n1");
	snprintf(e.impi, sizeof(e.impi), "alice@r");
	assert_int_equal(vstore_put(s, &e), 0);
	snprintf(e.nonce, sizeof(e.nonce), "n2");
	e.expires_ms = 5000;
	assert_int_equal(vstore_put(s, &e), 0);
	assert_true(vstore_get(s, "n1", 999, &g));
	assert_int_equal(g.last_nc, 0);
	vstore_use(s, "n1", 7, false);
	assert_true(vstore_get(s, "n1", 999, &g));
	assert_int_equal(g.last_nc, 7);
	assert_false(vstore_get(s, "n1", 1000, &g)); /* expired: the caller answers stale */
	assert_true(vstore_is_expired(s, "n1", 1000));
	assert_false(vstore_get(s, "nope", 0, &g));
	/* issue 16: a challenge never answered goes at its expiry, a used
	 * one stays the grace (n1: last_nc 7) */
	snprintf(e.nonce, sizeof(e.nonce), "n3");
	e.expires_ms = 1200;
	assert_int_equal(vstore_put(s, &e), 0);
	assert_int_equal(vstore_expire(s, 1300, 1000), 1);
	assert_false(vstore_get(s, "n3", 0, &g));
	assert_true(vstore_is_expired(s, "n1", 1300));
	assert_int_equal(vstore_expire(s, 1500, 100), 1);
	assert_int_equal(vstore_count(s), 1);
	vstore_del_impi(s, "alice@r");
	assert_int_equal(vstore_count(s), 0);
	vstore_free(s);
}

/* The table grows as entries come (vectors.c grow): every entry is still
 * found, with its own fields, after many doublings from 4 buckets; a put
 * with a known nonce replaces; expiry and deletion see every entry. */
static void test_store_grows(void **state)
{
	enum { N = 20000 };
	struct vstore *s = vstore_new(4);
	struct vec_entry e = { .expires_ms = 1000, .xres_len = 1 }, g; /* only xres_len octets are kept */
	char nonce[32];

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(e.nonce, sizeof(e.nonce), "nonce-%d", i);
		snprintf(e.impi, sizeof(e.impi), "u%d@r", i % 3);
		e.xres[0] = (uint8_t)i;
		e.expires_ms = 1000 + (uint64_t)(i % 2) * 1000;
		assert_int_equal(vstore_put(s, &e), 0);
	}
	assert_int_equal(vstore_count(s), N);
	snprintf(e.nonce, sizeof(e.nonce), "nonce-%d", 7);
	assert_int_equal(vstore_put(s, &e), 0); /* replaces */
	assert_int_equal(vstore_count(s), N);
	for (int i = 0; i < N; i++) {
		snprintf(nonce, sizeof(nonce), "nonce-%d", i);
		assert_true(vstore_get(s, nonce, 999, &g));
		assert_string_equal(g.nonce, nonce);
		assert_int_equal(g.xres[0], i == 7 ? (uint8_t)(N - 1) : (uint8_t)i);
	}
	assert_false(vstore_get(s, "nonce-20000", 0, &g));
	assert_int_equal(vstore_expire(s, 1500, 0), N / 2); /* the even ones */
	assert_int_equal(vstore_count(s), N / 2);
	vstore_del_impi(s, "u0@r");
	vstore_del_impi(s, "u1@r");
	vstore_del_impi(s, "u2@r");
	assert_int_equal(vstore_count(s), 0);
	vstore_free(s);
}

/* Expiry in expiry order (vectors.c keeps the entries on a list, not a
 * sweep of the table): an entry put with a shorter lifetime (nonce-ttl
 * lowered by a reload) goes before older ones; an answered one becomes a
 * tombstone for the grace (expired, no vector to get, no use to store)
 * and a put of its nonce makes it live again. */
static void test_store_expiry_order(void **state)
{
	struct vstore *s = vstore_new(4);
	struct vec_entry e = { .xres_len = 8 }, g;
	static const struct { const char *nonce; uint64_t exp; } in[] = {
		{ "a", 3000 }, { "b", 4000 }, { "c", 2000 }, { "d", 4000 }, { "e", 1000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		snprintf(e.nonce, sizeof(e.nonce), "%s", in[i].nonce);
		snprintf(e.impi, sizeof(e.impi), "u@r");
		e.expires_ms = in[i].exp;
		assert_int_equal(vstore_put(s, &e), 0);
	}
	vstore_use(s, "a", 1, true);
	assert_int_equal(vstore_expire(s, 999, 500), 0);
	assert_int_equal(vstore_expire(s, 1000, 500), 1); /* e */
	assert_false(vstore_is_expired(s, "e", 1000));   /* gone, not a tombstone */
	assert_int_equal(vstore_expire(s, 3000, 500), 1); /* c; a answered: tombstone */
	assert_int_equal(vstore_count(s), 3);
	assert_true(vstore_is_expired(s, "a", 3000));
	assert_false(vstore_get(s, "a", 0, &g));
	vstore_use(s, "a", 9, true); /* a tombstone takes no use */
	assert_true(vstore_get(s, "b", 3999, &g));
	assert_int_equal(vstore_expire(s, 3499, 500), 0);
	assert_int_equal(vstore_expire(s, 3500, 500), 1); /* a, past the grace */
	assert_int_equal(vstore_count(s), 2);
	vstore_use(s, "b", 1, false);
	assert_int_equal(vstore_expire(s, 4000, 500), 1); /* d; b a tombstone */
	snprintf(e.nonce, sizeof(e.nonce), "b");
	e.expires_ms = 9000;
	assert_int_equal(vstore_put(s, &e), 0); /* replaces the tombstone */
	assert_int_equal(vstore_count(s), 1);
	assert_true(vstore_get(s, "b", 8999, &g));
	assert_int_equal(g.last_nc, 0);
	assert_int_equal(g.xres_len, 8);
	assert_int_equal(vstore_expire(s, 5000, 500), 0);
	/* A de-registration drops the IMPI's live entries; its tombstones
	 * (no vector left) stay their grace. */
	snprintf(e.nonce, sizeof(e.nonce), "f");
	assert_int_equal(vstore_put(s, &e), 0);
	vstore_use(s, "f", 1, true);
	assert_int_equal(vstore_expire(s, 9000, 500), 1); /* b; f a tombstone */
	snprintf(e.nonce, sizeof(e.nonce), "g");
	e.expires_ms = 20000;
	assert_int_equal(vstore_put(s, &e), 0);
	snprintf(e.nonce, sizeof(e.nonce), "h");
	snprintf(e.impi, sizeof(e.impi), "other@r");
	assert_int_equal(vstore_put(s, &e), 0);
	vstore_del_impi(s, "u@r");
	assert_int_equal(vstore_count(s), 2);
	assert_false(vstore_get(s, "g", 9000, &g));
	assert_true(vstore_get(s, "h", 9000, &g));
	assert_true(vstore_is_expired(s, "f", 9000));
	vstore_free(s);
}

/* Puts, lookups, deletions (by nonce and by IMPI) and expiry while the
 * tables double (the old table empties a few buckets per put): every
 * entry is where a model says, with its own fields, through doublings
 * from 4 buckets. */
static void test_store_grow_interleaved(void **state)
{
	enum { N = 30000 };
	struct vstore *s = vstore_new(4);
	struct vec_entry e = { .xres_len = 2 }, g;
	static bool present[N];
	size_t live = 0;
	char nonce[32];

	(void)state;
	memset(present, 0, sizeof(present));
	for (int i = 0; i < N; i++) {
		snprintf(e.nonce, sizeof(e.nonce), "n%d", i);
		snprintf(e.impu, sizeof(e.impu), "sip:u%d@r", i);
		snprintf(e.impi, sizeof(e.impi), "u%d@r", i % 50);
		e.xres[0] = (uint8_t)i, e.xres[1] = (uint8_t)(i >> 8);
		e.expires_ms = 1000u + (unsigned)i;
		assert_int_equal(vstore_put(s, &e), 0);
		present[i] = true, live++;
		if (i % 3 == 2) { /* the one before goes */
			snprintf(nonce, sizeof(nonce), "n%d", i - 1);
			vstore_del(s, nonce);
			present[i - 1] = false, live--;
		}
		if (i % 2500 == 1234) { /* a de-registration */
			int k = (i / 2500) % 50;
			snprintf(nonce, sizeof(nonce), "u%d@r", k);
			vstore_del_impi(s, nonce);
			for (int j = k; j <= i; j += 50)
				live -= present[j], present[j] = false;
		}
		if (i % 1000 == 999) { /* the oldest hundred expire */
			size_t n = 0;
			for (int j = 0; j <= i - 900; j++)
				n += present[j], live -= present[j], present[j] = false;
			assert_int_equal(vstore_expire(s, 1000u + (unsigned)(i - 900), 0), n);
		}
		assert_int_equal(vstore_count(s), live);
	}
	for (int i = 0; i < N; i++) {
		snprintf(nonce, sizeof(nonce), "n%d", i);
		assert_int_equal(vstore_get(s, nonce, 0, &g), present[i]);
		if (!present[i])
			continue;
		snprintf(nonce, sizeof(nonce), "sip:u%d@r", i);
		assert_string_equal(g.impu, nonce);
		snprintf(nonce, sizeof(nonce), "u%d@r", i % 50);
		assert_string_equal(g.impi, nonce);
		assert_int_equal(g.xres[0] | g.xres[1] << 8, i & 0xffff);
	}
	vstore_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_akav1_example),
		cmocka_unit_test(test_store_grows),
		cmocka_unit_test(test_store_expiry_order),
		cmocka_unit_test(test_store_grow_interleaved),
		cmocka_unit_test(test_akav2_example),
		cmocka_unit_test(test_response_case),
		cmocka_unit_test(test_auth_int_sipp_form),
		cmocka_unit_test(test_algorithm_absent_and_mismatch),
		cmocka_unit_test(test_field_mismatches),
		cmocka_unit_test(test_md5_from_ha1),
		cmocka_unit_test(test_resync_empty_password),
		cmocka_unit_test(test_nonce_from_vector),
		cmocka_unit_test(test_build_akav1),
		cmocka_unit_test(test_build_md5),
		cmocka_unit_test(test_store_expiry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
