/* ue-sim load: latency percentiles, the users CSV (hss-ctl import header),
 * and the lean UDP client through a full AKA registration against an
 * in-test registrar on loopback that checks the digest with XRES. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aka/aka.h"
#include "digest/auth_header.h"
#include "digest/digest.h"
#include "lean_uac.h"
#include "load.h"
#include "util/hex.h"

#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define IMPI "001010000000001@" REALM
#define K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define OPC "cd63cb71954a9f4e48a5994e37a02baf"

static void test_percentiles(void **state)
{
	struct lat_series s = { 0 };

	(void)state;
	for (uint64_t i = 100; i >= 1; i--)
		assert_int_equal(lat_add(&s, i * 1000), 0); /* 1..100 µs */
	assert_int_equal(lat_percentile(&s, 0.50), 51);
	assert_int_equal(lat_percentile(&s, 0.99), 99);
	assert_int_equal(lat_percentile(&s, 1.0), 100);
	lat_free(&s);
	assert_int_equal(lat_percentile(&s, 0.5), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_users_csv(void **state)
{
	char path[] = "/tmp/test_ue_load_csvXXXXXX", err[256];
	struct load_user *u;
	int fd = mkstemp(path);
	long n;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* the hss-ctl import header, columns in another order, two IMPUs */
	write_file(path, "impu,imsi,impi,k,opc,amf,sqn\n"
			 "\"sip:a@r;tel:+1\",001,a@r," K "," OPC ",8000,\n"
			 "# comment\n\n"
			 "sip:b@r,002,b@r," K ",,,\n");
	n = load_users_read(path, &u, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_string_equal(u[0].impi, "a@r");
	assert_string_equal(u[0].impu, "sip:a@r");
	assert_int_equal(u[0].op_is_opc, 1);
	assert_int_equal(u[0].op[0], 0xcd);
	assert_int_equal(u[0].have_amf, 1);
	assert_int_equal(u[0].amf[0], 0x80);
	assert_int_equal(u[1].op_is_opc, -1);
	assert_int_equal(u[1].have_amf, 0);
	load_users_free(u, n);
	write_file(path, "impi,impu,k\na@r,sip:a@r,1234\n");
	assert_int_equal(load_users_read(path, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: k: expected 16 hex octets"));
	unlink(path);
}

/* ---- lean client against an in-test registrar --------------------------- */

struct reg {
	int fd;
	struct sockaddr_in ue;
	struct aka_vector v;
	char nonce[64];
	int done_status;
	struct lean_times t;
	char last[4096]; /* the request rx() returned last */
};

static void done_cb(void *arg, size_t idx, int status, const char *error,
		    const struct lean_times *t)
{
	struct reg *r = arg;

	(void)idx;
	assert_null(error);
	r->done_status = status;
	r->t = *t;
}

/* Receives the next request (pumping the client), returns it
 * NUL-terminated. A T1 retransmission (RFC 3261 §17.1.2.2: 500 ms, which a
 * loaded machine can exceed between two steps) of the request returned
 * last is skipped: it is the same request, not the next one. */
static void rx(struct reg *r, struct lean *l, char *buf, size_t n)
{
	socklen_t len = sizeof(r->ue);
	ssize_t got = -1;

	for (int i = 0; i < 1000 && got < 0; i++) {
		lean_poll(l, 5);
		got = recvfrom(r->fd, buf, n - 1, MSG_DONTWAIT, (struct sockaddr *)&r->ue, &len);
		if (got > 0) {
			buf[got] = '\0';
			if (strcmp(buf, r->last) == 0)
				got = -1;
		}
	}
	assert_true(got > 0);
	snprintf(r->last, sizeof(r->last), "%s", buf);
}

static void reply(struct reg *r, const char *req, int status, const char *extra)
{
	char via[256], out[2048];
	const char *v = strstr(req, "\r\nVia: "), *e;

	assert_non_null(v);
	e = strstr(v + 2, "\r\n");
	snprintf(via, sizeof(via), "%.*s", (int)(e - v - 2), v + 2);
	snprintf(out, sizeof(out), "SIP/2.0 %d X\r\n%s\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n%s"
				   "Content-Length: 0\r\n\r\n", status, via, extra);
	assert_true(sendto(r->fd, out, strlen(out), 0, (struct sockaddr *)&r->ue, sizeof(r->ue)) > 0);
}

static const char *authz_of(const char *req, struct auth_header *h)
{
	const char *a = strstr(req, "\r\nAuthorization: ");
	const char *e;

	assert_non_null(a);
	a += 17;
	e = strstr(a, "\r\n");
	assert_int_equal(auth_header_parse(a, (size_t)(e - a), h), 0);
	return a;
}

/* Every byte of the lean client's requests for user 0 with seed 7 (the
 * Call-ID, tag and cnonce come from the seeded generator), as the client
 * wrote them before its messages were built without snprintf (issue 14):
 * the load generator's wire stays what the S-CSCF and traces saw. */
#define WIRE_HEAD(branch, cseq)                                                              \
	"REGISTER sip:" REALM " SIP/2.0\r\n"                                                    \
	"Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK" branch ";rport\r\n"                    \
	"Max-Forwards: 70\r\n"                                                                  \
	"From: <sip:001010000000001@" REALM ">;tag=044c3cd7f43c661c\r\n"                        \
	"To: <sip:001010000000001@" REALM ">\r\n"                                                \
	"Call-ID: 63cbe1e459320dd70@127.0.0.1\r\n"                                              \
	"CSeq: " cseq " REGISTER\r\n"                                                           \
	"Contact: <sip:001010000000001@127.0.0.1:PORT>;expires=600\r\n"                         \
	"Expires: 600\r\n"                                                                      \
	"Supported: path\r\n"
#define WIRE_INITIAL(branch, cseq)                                                           \
	WIRE_HEAD(branch, cseq)                                                              \
	"Authorization: Digest username=\"" IMPI "\", realm=\"" REALM "\", uri=\"sip:" REALM   \
	"\", nonce=\"\", response=\"\"\r\n"                                                    \
	"Content-Length: 0\r\n\r\n"
static const char wire_answer[] =
	WIRE_HEAD("0.2", "3")
	"Authorization: Digest username=\"" IMPI "\", realm=\"" REALM "\", "
	"nonce=\"AQIDAAAAAAAAAAAAAAAAAA+XStAkX4AACzwbIaFslOs=\", uri=\"sip:" REALM "\", "
	"response=\"e8c2642cfab48bda458a8490692ce583\", algorithm=AKAv1-MD5, "
	"cnonce=\"e6984080bab12a02\", qop=auth, nc=00000001\r\n"
	"Content-Length: 0\r\n\r\n";

/* req with the UE's own port (free, so different every run) written as
 * "PORT": what is left is every byte the client put on the wire. */
static void wire_of(const char *req, const struct sockaddr_in *ue, char *out, size_t n)
{
	char port[8];
	size_t o = 0, pl = (size_t)snprintf(port, sizeof(port), ":%u", ntohs(ue->sin_port));

	for (const char *p = req; *p && o + 6 < n;) {
		if (!strncmp(p, port, pl) && (p[pl] < '0' || p[pl] > '9')) {
			memcpy(out + o, ":PORT", 5), o += 5, p += pl;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

/* An in-test registrar socket (r->fd) and a lean client of one user
 * (seed 7, SIP T1 t1_ms, 0 = default) whose registration has started:
 * its initial REGISTER goes out at the next lean_poll(). */
static struct lean *lean_one(struct reg *r, unsigned t1_ms)
{
	static char registrar[64];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	struct ue_cfg c;
	struct lean *l;

	r->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(r->fd, (struct sockaddr *)&sa, &len);
	snprintf(registrar, sizeof(registrar), "sip:127.0.0.1:%u", ntohs(sa.sin_port));
	ue_cfg_default(&c);
	c.impi = IMPI, c.impu = "sip:001010000000001@" REALM, c.realm = REALM;
	c.registrar = registrar;
	c.t1_ms = t1_ms;
	hex_decode_exact(K, c.usim.k, 16);
	hex_decode_exact(OPC, c.usim.op, 16);
	c.usim.op_is_opc = true;
	l = lean_open("sip:127.0.0.1:0", registrar, 1, 7, done_cb, r);
	assert_non_null(l);
	assert_int_equal(lean_user_init(l, 0, &c), 0);
	assert_int_equal(lean_start(l, 0), 0);
	return l;
}

static void test_lean_full_registration(void **state)
{
	static struct reg r;
	static struct auth_header h;
	struct aka_keys keys = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	uint8_t rand[16] = { 1, 2, 3 }, amf[2] = { 0x80, 0 };
	char req[4096], extra[512], wire[4096];
	struct lean *l;
	struct digest_result want;

	(void)state;
	l = lean_one(&r, 0);

	/* initial REGISTER: empty credentials (TS 24.229 §5.1.1.2) */
	rx(&r, l, req, sizeof(req));
	wire_of(req, &r.ue, wire, sizeof(wire));
	assert_string_equal(wire, WIRE_INITIAL("0.1", "2"));
	assert_true(strncmp(req, "REGISTER sip:" REALM " SIP/2.0\r\n", 15) == 0);
	authz_of(req, &h);
	assert_string_equal(auth_param_get(&h, "username"), IMPI);
	assert_string_equal(auth_param_get(&h, "nonce"), "");
	assert_non_null(strstr(req, "\r\nSupported: path\r\n"));
	assert_non_null(strstr(req, ";expires=600\r\n"));

	/* 401 with a real vector */
	hex_decode_exact(K, keys.k, 16);
	hex_decode_exact(OPC, keys.opc, 16);
	assert_int_equal(aka_vector_make_rand(&keys, 0x21, amf, rand, &r.v), 0);
	assert_true(nonce_encode(r.v.rand, r.v.autn, NULL, 0, r.nonce, sizeof(r.nonce)) >= 0);
	assert_int_equal(strlen(r.nonce), 44);
	snprintf(extra, sizeof(extra), "WWW-Authenticate: Digest realm=\"" REALM "\", nonce=\"%s\", "
				       "algorithm=AKAv1-MD5, qop=\"auth,auth-int\"\r\n", r.nonce);
	reply(&r, req, 100, "");
	reply(&r, req, 401, extra);

	/* the answer: response over XRES as password (RFC 3310 §3.3) */
	rx(&r, l, req, sizeof(req));
	wire_of(req, &r.ue, wire, sizeof(wire));
	assert_string_equal(wire, wire_answer);
	authz_of(req, &h);
	assert_string_equal(auth_param_get(&h, "nonce"), r.nonce);
	struct digest_input in = {
		.username = IMPI, .realm = REALM, .nonce = r.nonce, .uri = "sip:" REALM,
		.method = "REGISTER", .qop = DIGEST_QOP_AUTH, .nc = auth_param_get(&h, "nc"),
		.cnonce = auth_param_get(&h, "cnonce"),
	};
	assert_string_equal(in.nc, "00000001");
	assert_int_equal(digest_compute(&in, r.v.xres, r.v.xres_len, &want), 0);
	assert_string_equal(auth_param_get(&h, "response"), want.response);
	reply(&r, req, 200, "");
	for (int i = 0; i < 100 && !r.done_status; i++)
		lean_poll(l, 5);
	assert_int_equal(r.done_status, 200);
	/* the instants in order: REGISTER sent, 401 in, answer sent, 200 in */
	assert_true(r.t.start > 0);
	assert_true(r.t.first >= r.t.start);
	assert_true(r.t.answer >= r.t.first);
	assert_true(r.t.final >= r.t.answer);

	/* the next registration of the same user: same dialog, next CSeq */
	r.done_status = 0;
	assert_int_equal(lean_start(l, 0), 0);
	rx(&r, l, req, sizeof(req));
	wire_of(req, &r.ue, wire, sizeof(wire));
	assert_string_equal(wire, WIRE_INITIAL("0.3", "4"));
	lean_close(l);
	close(r.fd);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The user's T1 (ue_cfg.t1_ms: --t1, a scenario's `t1`) drives the lean
 * client's timers, RFC 3261 §17.1.2.2: with T1 = 20 ms and a silent
 * registrar the REGISTER goes out again after 20, 60, 140, 300, 620,
 * 1260 ms (Timer E doubling, T2 = 4 s not reached) and Timer F = 64*T1 =
 * 1280 ms ends it in a 408, long before the 32 s of the default T1. Only
 * lower bounds on the instants: a loaded machine can only make them late. */
static void test_lean_t1(void **state)
{
	static struct reg r;
	char req[4096], first[4096] = "";
	uint64_t t0, at[16];
	size_t sends = 0;
	struct lean *l;

	(void)state;
	t0 = mono_ms();
	l = lean_one(&r, 20);
	while (!r.done_status && mono_ms() - t0 < 5000) {
		ssize_t got;
		lean_poll(l, 5);
		while ((got = recv(r.fd, req, sizeof(req) - 1, MSG_DONTWAIT)) > 0) {
			req[got] = '\0';
			if (!sends)
				snprintf(first, sizeof(first), "%s", req);
			assert_string_equal(req, first); /* a retransmission is the same request */
			assert_true(sends < 16);
			at[sends++] = mono_ms() - t0;
		}
	}
	assert_int_equal(r.done_status, 408);
	assert_true(mono_ms() - t0 >= 64 * 20 - 1);
	/* the initial send and 4..6 retransmissions before Timer F */
	assert_in_range(sends, 5, 7);
	for (size_t k = 1; k < sends; k++)
		assert_true(at[k] + 1 >= ((1u << k) - 1) * 20u);
	lean_close(l);
	close(r.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_users_csv),
		cmocka_unit_test(test_lean_full_registration),
		cmocka_unit_test(test_lean_t1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
