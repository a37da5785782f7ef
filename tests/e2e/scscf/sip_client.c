/* A small scripted SIP UE over raw UDP for the scscf-stub e2e tests (the
 * real UE simulator is ue-sim; this one only needs to reach every branch
 * of the registrar). It runs one named scenario and exits 0 when every
 * expectation held, 1 otherwise, printing each step.
 *
 *   sip_client --server IP:PORT --impi S --impu URI --realm R
 *              (--k HEX --opc HEX | --password S) --alg A SCENARIO
 *
 * Scenarios: register, register-only, wrong-res, resync, mac-fail, hss-down, bad-input. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aka/aka.h"
#include "digest/auth_header.h"
#include "digest/digest.h"
#include "util/hex.h"

struct ue {
	int fd;
	struct sockaddr_in srv;
	unsigned lport;
	const char *impi, *impu, *realm, *password, *server;
	enum digest_alg alg;
	struct aka_keys keys;
	struct aka_usim_sqn sqn;
	char call_id[64], tag[32];
	unsigned cseq;
	const char *qop_pref;     /* "auth" or "auth-int" */
	const char *digest_uri;
	int timeout_ms;
	bool fold;
};

struct resp {
	int status;
	char raw[8192];
	char www[2048];
};

static int failures;

static void step(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("  [%s] ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failures += !ok;
}

/* Value of header `name` (first one), or NULL. Into buf. */
static const char *hdr(const struct resp *r, const char *name, char *buf, size_t bufsz)
{
	size_t nl = strlen(name);

	for (const char *p = strstr(r->raw, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *l = p + 2;
		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			const char *v = l + nl + 1, *e = strstr(v, "\r\n");
			while (*v == ' ')
				v++;
			snprintf(buf, bufsz, "%.*s", (int)(e ? e - v : (long)strlen(v)), v);
			return buf;
		}
	}
	return NULL;
}

static int send_raw(struct ue *u, const char *msg)
{
	return sendto(u->fd, msg, strlen(msg), 0, (struct sockaddr *)&u->srv, sizeof(u->srv)) < 0
		       ? -errno
		       : 0;
}

/* Waits for the final response (1xx skipped). status 0 = timeout. */
static void recv_final(struct ue *u, struct resp *r, int timeout_ms)
{
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };

	memset(r, 0, sizeof(*r));
	while (poll(&pfd, 1, timeout_ms) == 1) {
		ssize_t n = recv(u->fd, r->raw, sizeof(r->raw) - 1, 0);
		if (n <= 0)
			break;
		r->raw[n] = '\0';
		if (sscanf(r->raw, "SIP/2.0 %d", &r->status) != 1 || r->status < 200) {
			r->status = 0;
			continue;
		}
		hdr(r, "WWW-Authenticate", r->www, sizeof(r->www));
		return;
	}
	r->status = 0;
}

/* One REGISTER; auth may be NULL; extra headers end with CRLF. */
static void do_register(struct ue *u, const char *auth, int expires, const char *extra,
			struct resp *r)
{
	char msg[8192], branch[24];

	snprintf(branch, sizeof(branch), "%08x%08x", (unsigned)rand(), (unsigned)rand());
	snprintf(msg, sizeof(msg),
		 "REGISTER sip:%s SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s;rport\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <%s>;tag=%s\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: %u REGISTER\r\n"
		 "Contact: <sip:ue@127.0.0.1:%u>;+sip.instance=\"<urn:uuid:0001>\"\r\n"
		 "Expires: %d\r\n"
		 "Path: <sip:pcscf.test:5070;lr>\r\n"
		 "%s%s%s%s"
		 "Content-Length: 0\r\n\r\n",
		 u->realm, u->lport, branch, u->impu, u->tag, u->impu, u->call_id, ++u->cseq,
		 u->lport, expires, auth ? "Authorization: " : "", auth ? auth : "",
		 auth ? "\r\n" : "", extra ? extra : "");
	send_raw(u, msg);
	recv_final(u, r, u->timeout_ms);
}

static void initial_auth(struct ue *u, char *out, size_t outsz)
{
	snprintf(out, outsz,
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"\", uri=\"%s\", response=\"\"",
		 u->impi, u->realm, u->digest_uri);
}

struct chal {
	char nonce[256], qop[64], alg[32];
	bool stale, has_ck;
};

static bool parse_chal(const struct resp *r, struct chal *c)
{
	struct auth_header h;
	const char *v;

	memset(c, 0, sizeof(*c));
	if (r->status != 401 || auth_header_parse(r->www, strlen(r->www), &h))
		return false;
	if (!(v = auth_param_get(&h, "nonce")))
		return false;
	snprintf(c->nonce, sizeof(c->nonce), "%s", v);
	v = auth_param_get(&h, "qop");
	snprintf(c->qop, sizeof(c->qop), "%s", v ? v : "");
	v = auth_param_get(&h, "algorithm");
	snprintf(c->alg, sizeof(c->alg), "%s", v ? v : "MD5");
	v = auth_param_get(&h, "stale");
	c->stale = v && !strcasecmp(v, "true");
	c->has_ck = auth_param_get(&h, "ck") && auth_param_get(&h, "ik");
	return true;
}

/* The Authorization answering c. pw = digest password; auts optional.
 * A non-NULL `mangle` flips the response's first digit (wrong RES). */
static void answer(struct ue *u, const struct chal *c, const uint8_t *pw, size_t pwlen,
		   const char *auts, unsigned nc, bool mangle, char *out, size_t outsz)
{
	struct digest_input in = { .username = u->impi, .realm = u->realm, .nonce = c->nonce,
				   .uri = u->digest_uri, .method = "REGISTER" };
	struct digest_result res;
	char ncs[9], cnonce[17];
	const char *qop = strstr(c->qop, u->qop_pref) ? u->qop_pref : "auth";

	snprintf(ncs, sizeof(ncs), "%08x", nc);
	snprintf(cnonce, sizeof(cnonce), "%08x", (unsigned)rand());
	in.qop = (enum digest_qop)digest_qop_parse(qop);
	in.nc = ncs;
	in.cnonce = cnonce;
	digest_compute(&in, pw, pwlen, &res);
	if (mangle)
		res.response[0] = res.response[0] == '0' ? '1' : '0';
	/* Parameters in an unusual order, algorithm quoted: as some UEs do.
	 * With --fold: upper-case names and the header folded over lines
	 * (RFC 3261 §7.3.1 LWS). */
	snprintf(out, outsz,
		 u->fold ? "Digest URI=\"%s\",\r\n USERNAME=\"%s\", Realm=\"%s\",\r\n\tNonce=\"%s\", "
			   "QOP=%s, NC=%s, CNonce=\"%s\", Response=\"%s\", Algorithm=\"%s\"%s%s%s"
			 : "Digest uri=\"%s\", username=\"%s\", realm=\"%s\", nonce=\"%s\", "
			   "qop=%s, nc=%s, cnonce=\"%s\", response=\"%s\", algorithm=\"%s\"%s%s%s",
		 u->digest_uri, u->impi, u->realm, c->nonce, qop, ncs, cnonce, res.response,
		 c->alg, auts ? ", auts=\"" : "", auts ? auts : "", auts ? "\"" : "");
}

/* USIM side (TS 33.102 §6.3.3): RES or AUTS from the challenge. */
static int usim_run(struct ue *u, const struct chal *c, struct aka_usim_result *ur)
{
	struct nonce_parts np;

	if (nonce_decode(c->nonce, strlen(c->nonce), &np))
		return -100;
	return aka_usim_authenticate(&u->keys, &u->sqn, np.rand, np.autn, ur);
}

/* The password for c (RFC 3310 / RFC 4169 / RFC 2617). */
static int password_for(struct ue *u, const struct chal *c, uint8_t *pw, size_t *pwlen)
{
	struct aka_usim_result ur;
	int rc, alg = digest_alg_parse(c->alg);

	if (alg == DIGEST_ALG_MD5)
		return digest_password(DIGEST_ALG_MD5, u->password, NULL, 0, NULL, NULL, pw, pwlen);
	rc = usim_run(u, c, &ur);
	if (rc)
		return rc;
	return digest_password((enum digest_alg)alg, NULL, ur.res, ur.res_len, ur.ik, ur.ck, pw,
			       pwlen);
}

/* 401 -> answer -> expect `want`; returns the final response in r. */
static bool auth_round(struct ue *u, int expires, int want, struct resp *r, const char *what)
{
	char auth[2048];
	struct chal c;
	uint8_t pw[64];
	size_t pwlen;
	int rc;

	initial_auth(u, auth, sizeof(auth));
	do_register(u, auth, expires, NULL, r);
	if (!parse_chal(r, &c)) {
		step(false, "%s: expected 401 with a challenge, got %d", what, r->status);
		return false;
	}
	step(!strcasecmp(c.alg, digest_alg_name(u->alg)), "%s: 401 algorithm=%s", what, c.alg);
	if (u->alg != DIGEST_ALG_MD5)
		step(c.has_ck, "%s: 401 carries ck/ik", what);
	rc = password_for(u, &c, pw, &pwlen);
	if (rc) {
		step(false, "%s: USIM rejected the challenge (%d)", what, rc);
		return false;
	}
	answer(u, &c, pw, pwlen, NULL, 1, false, auth, sizeof(auth));
	do_register(u, auth, expires, NULL, r);
	step(r->status == want, "%s: answer -> %d (want %d)", what, r->status, want);
	return r->status == want;
}

static void check_200(const struct resp *r)
{
	char b[2048];

	step(hdr(r, "Service-Route", b, sizeof(b)) && strstr(b, ";lr"), "Service-Route: %s",
	     hdr(r, "Service-Route", b, sizeof(b)) ? b : "(none)");
	step(hdr(r, "P-Associated-URI", b, sizeof(b)) != NULL, "P-Associated-URI: %s",
	     hdr(r, "P-Associated-URI", b, sizeof(b)) ? b : "(none)");
	step(hdr(r, "Contact", b, sizeof(b)) && strstr(b, "expires="), "Contact: %s",
	     hdr(r, "Contact", b, sizeof(b)) ? b : "(none)");
	step(hdr(r, "Path", b, sizeof(b)) != NULL, "Path echoed: %s",
	     hdr(r, "Path", b, sizeof(b)) ? b : "(none)");
}

static void sc_register(struct ue *u)
{
	struct resp r;
	char b[512];

	if (auth_round(u, 600, 200, &r, "register"))
		check_200(&r);
	/* Re-registration: challenged again (challenge=every), RE_REGISTRATION. */
	if (auth_round(u, 600, 200, &r, "re-register"))
		check_200(&r);
	/* De-registration: Expires 0 -> 200 without bindings. */
	if (auth_round(u, 0, 200, &r, "de-register"))
		step(!hdr(&r, "Contact", b, sizeof(b)), "de-register: no Contact left");
}

/* Register and stay registered (for RTR and state-dump checks). */
static void sc_register_only(struct ue *u)
{
	struct resp r;

	if (auth_round(u, 600, 200, &r, "register"))
		check_200(&r);
}

static void sc_wrong_res(struct ue *u)
{
	char auth[2048];
	struct resp r;
	struct chal c;
	uint8_t pw[64];
	size_t pwlen;

	initial_auth(u, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	if (!parse_chal(&r, &c) || password_for(u, &c, pw, &pwlen)) {
		step(false, "wrong-res: no usable 401 (%d)", r.status);
		return;
	}
	answer(u, &c, pw, pwlen, NULL, 1, true, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	step(r.status == 403, "wrong response -> %d (want 403)", r.status);
	/* The same nonce again, now correct: the vector is gone -> stale 401. */
	answer(u, &c, pw, pwlen, NULL, 2, false, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	step(parse_chal(&r, &c) && c.stale, "reused nonce after failure -> 401 stale=true (%d)",
	     r.status);
}

/* The USIM is ahead of the HSS: AUTS, resync, then success (RFC 3310 §3.4). */
static void sc_resync(struct ue *u, uint64_t usim_sqn)
{
	char auth[2048], auts_b64[32];
	struct aka_usim_result ur;
	struct resp r;
	struct chal c;

	aka_usim_sqn_set(&u->sqn, usim_sqn);
	initial_auth(u, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	if (!parse_chal(&r, &c)) {
		step(false, "resync: no 401 (%d)", r.status);
		return;
	}
	step(usim_run(u, &c, &ur) == AKA_ESYNC, "USIM reports a sync failure");
	b64_encode(ur.auts, AKA_AUTS_LEN, auts_b64);
	answer(u, &c, (const uint8_t *)"", 0, auts_b64, 1, false, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	step(parse_chal(&r, &c), "auts -> new 401 (%d)", r.status);
	uint8_t pw[64];
	size_t pwlen;
	int rc = password_for(u, &c, pw, &pwlen);
	step(rc == 0, "USIM accepts the vector after resync (%d)", rc);
	if (rc)
		return;
	answer(u, &c, pw, pwlen, NULL, 1, false, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	step(r.status == 200, "answer after resync -> %d (want 200)", r.status);
}

/* The UE's MAC check failed: empty response, no auts -> 403. */
static void sc_mac_fail(struct ue *u)
{
	char auth[2048];
	struct resp r;
	struct chal c;

	initial_auth(u, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	if (!parse_chal(&r, &c)) {
		step(false, "mac-fail: no 401 (%d)", r.status);
		return;
	}
	snprintf(auth, sizeof(auth),
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"\"",
		 u->impi, u->realm, c.nonce, u->digest_uri);
	do_register(u, auth, 600, NULL, &r);
	step(r.status == 403, "empty response after challenge -> %d (want 403)", r.status);
}

static void sc_hss_down(struct ue *u)
{
	char auth[2048], b[64];
	struct resp r;
	time_t t0 = time(NULL);

	initial_auth(u, auth, sizeof(auth));
	do_register(u, auth, 600, NULL, &r);
	step(r.status >= 500 && r.status < 600, "HSS down -> %d (want 5xx) in %lds", r.status,
	     (long)(time(NULL) - t0));
	step(r.status != 500 || hdr(&r, "Retry-After", b, sizeof(b)), "500 has Retry-After");
}

static void sc_bad_input(struct ue *u)
{
	char auth[8192], big[5000];
	struct resp r;

	char raw[1024];
	snprintf(raw, sizeof(raw), "REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;"
		 "branch=z9hG4bKnocallid%d\r\nFrom: <%s>;tag=1\r\nTo: <%s>\r\n"
		 "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n",
		 u->realm, u->lport, rand(), u->impu, u->impu);
	send_raw(u, raw);
	recv_final(u, &r, u->timeout_ms);
	step(r.status == 400, "REGISTER without Call-ID -> %d (want 400)", r.status);
	do_register(u, "Digest username=\"x, realm=", 600, NULL, &r);
	step(r.status == 400, "malformed Authorization -> %d (want 400)", r.status);
	snprintf(auth, sizeof(auth), "Digest username=\"%s\", realm=\"other.example\", "
		 "nonce=\"\", uri=\"sip:x\", response=\"\"", u->impi);
	do_register(u, auth, 600, NULL, &r);
	step(r.status == 403, "realm mismatch -> %d (want 403)", r.status);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(auth, sizeof(auth), "Digest username=\"%s\", realm=\"%s\", nonce=\"\", "
		 "uri=\"sip:x\", response=\"\", junk=\"%s\"", u->impi, u->realm, big);
	do_register(u, auth, 600, NULL, &r);
	step(r.status == 400, "oversized Authorization -> %d (want 400)", r.status);
	snprintf(auth, sizeof(auth), "Contact: <sip:%.*s@127.0.0.1>\r\n", 600, big);
	do_register(u, NULL, 600, auth, &r);
	step(r.status == 400, "oversized Contact -> %d (want 400)", r.status);
	snprintf(auth, sizeof(auth), "Digest username=\"%s\", realm=\"%s\", "
		 "nonce=\"bm90LWEtbm9uY2Utd2UtaXNzdWVk\", uri=\"sip:%s\", response="
		 "\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000001, cnonce=\"1\"",
		 u->impi, u->realm, u->realm);
	do_register(u, auth, 600, NULL, &r);
	struct chal c;
	step(parse_chal(&r, &c) && c.stale, "unknown nonce -> 401 stale=true (%d)", r.status);
}

static void usage_exit(const char *m)
{
	fprintf(stderr, "sip_client: %s\n", m);
	exit(2);
}

static void setup(struct ue *u)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	socklen_t sl = sizeof(me);
	char host[64];
	unsigned port;

	if (sscanf(u->server, "%63[^:]:%u", host, &port) != 2)
		usage_exit("--server: expected IP:PORT");
	u->srv = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, host, &u->srv.sin_addr);
	u->fd = socket(AF_INET, SOCK_DGRAM, 0);
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (u->fd < 0 || bind(u->fd, (struct sockaddr *)&me, sizeof(me)) ||
	    getsockname(u->fd, (struct sockaddr *)&me, &sl))
		usage_exit("cannot bind a UDP socket");
	u->lport = ntohs(me.sin_port);
	snprintf(u->call_id, sizeof(u->call_id), "%08x%08x@e2e", (unsigned)rand(),
		 (unsigned)time(NULL));
	snprintf(u->tag, sizeof(u->tag), "%08x", (unsigned)rand());
}

int main(int argc, char **argv)
{
	static struct option lo[] = {
		{ "server", 1, 0, 's' }, { "impi", 1, 0, 'i' },   { "impu", 1, 0, 'u' },
		{ "realm", 1, 0, 'r' },	 { "k", 1, 0, 'k' },	  { "opc", 1, 0, 'o' },
		{ "alg", 1, 0, 'a' },	 { "password", 1, 0, 'p' }, { "qop", 1, 0, 'q' },
		{ "uri", 1, 0, 'U' },	 { "fold", 0, 0, 'F' },	 { "usim-sqn", 1, 0, 'S' }, { "timeout", 1, 0, 't' },
		{ 0 },
	};
	struct ue u = { .alg = DIGEST_ALG_AKAV1_MD5, .qop_pref = "auth", .timeout_ms = 8000 };
	uint64_t usim_sqn = 0x100000;
	int opt;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	u.keys = (struct aka_keys){ .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 's': u.server = optarg; break;
		case 'i': u.impi = optarg; break;
		case 'u': u.impu = optarg; break;
		case 'r': u.realm = optarg; break;
		case 'k': if (hex_decode_exact(optarg, u.keys.k, 16)) usage_exit("--k"); break;
		case 'o': if (hex_decode_exact(optarg, u.keys.opc, 16)) usage_exit("--opc"); break;
		case 'a': if ((opt = digest_alg_parse(optarg)) < 0) usage_exit("--alg");
			  u.alg = (enum digest_alg)opt; break;
		case 'p': u.password = optarg; break;
		case 'q': u.qop_pref = optarg; break;
		case 'U': u.digest_uri = optarg; break;
		case 'F': u.fold = true; break;
		case 'S': usim_sqn = strtoull(optarg, NULL, 0); break;
		case 't': u.timeout_ms = atoi(optarg); break;
		default: usage_exit("bad argument");
		}
	}
	if (optind != argc - 1 || !u.server || !u.impi || !u.impu || !u.realm)
		usage_exit("need --server --impi --impu --realm and one SCENARIO");
	struct aka_sqn_cfg sc = AKA_SQN_CFG_DEFAULT;
	aka_usim_sqn_init(&u.sqn, &sc);
	setup(&u);
	char duri[300];
	if (!u.digest_uri) {
		snprintf(duri, sizeof(duri), "sip:%s", u.realm);
		u.digest_uri = duri;
	}
	const char *s = argv[optind];
	printf("scenario %s (%s, qop pref %s, uri %s)\n", s, digest_alg_name(u.alg), u.qop_pref,
	       u.digest_uri);
	if (!strcmp(s, "register")) sc_register(&u);
	else if (!strcmp(s, "register-only")) sc_register_only(&u);
	else if (!strcmp(s, "wrong-res")) sc_wrong_res(&u);
	else if (!strcmp(s, "resync")) sc_resync(&u, usim_sqn);
	else if (!strcmp(s, "mac-fail")) sc_mac_fail(&u);
	else if (!strcmp(s, "hss-down")) sc_hss_down(&u);
	else if (!strcmp(s, "bad-input")) sc_bad_input(&u);
	else usage_exit("unknown scenario");
	close(u.fd);
	printf("scenario %s: %s\n", s, failures ? "FAILED" : "passed");
	return failures ? 1 : 0;
}
