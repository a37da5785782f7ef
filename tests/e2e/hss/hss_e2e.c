/* End-to-end tests of hssd: a C Diameter client against a real hssd on a
 * free loopback port with a temporary store.
 *
 *   hss_e2e --hssd PATH [--hss-ctl PATH] CASE
 *
 * Each CASE starts its own hssd (port 0, --port-file), runs, and kills it
 * (also on failure: atexit + a 60 s alarm). Exit 0 pass, 1 fail, 77 skipped
 * (with the reason printed). Vectors are checked independently with
 * common/aka: MAC-A, XRES, CK, IK recomputed from K/OPc and the SQN
 * recovered from AUTN; SQNs must strictly increase. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aka/aka.h"
#include "diameter/diam.h"
#include "diameter/print.h"
#include "util/ct.h"
#include "util/hex.h"

#include "e2e.h"

#define V3 DIAM_VENDOR_3GPP
#define HSS_HOST "hss.e2e.test"
#define REALM "e2e.test"
#define SCSCF "scscf.e2e.test"
#define IMPI "001010000000001@e2e.test"
#define IMPU "sip:001010000000001@e2e.test"
#define MAX_MSG E2E_MAX_MSG

static bool use_sctp; /* one-to-one SCTP socket instead of TCP */

static int provision(void)
{
	return e2e_ctl("add --imsi 001010000000001 --impi " IMPI " --impu " IMPU " --k " E2E_K_HEX
		       " --opc " E2E_OPC_HEX);
}

/* hssd with the common flags plus one option `opt val` (opt may be NULL). */
static int start_hssd(const char *opt, const char *val)
{
	const char *args[] = { "--listen", use_sctp ? "sctp://127.0.0.1:0" : "tcp://127.0.0.1:0",
			       "--origin-host", HSS_HOST, "--realm", REALM, "--peer", SCSCF,
			       "--log-level", "debug", opt, val, NULL };

	return e2e_start_hssd(args);
}

static int cl_open(struct e2e_client *c)
{
	return e2e_connect(c, use_sctp);
}

static bool peer_closed(struct e2e_client *c)
{
	uint8_t b[MAX_MSG];

	return e2e_recv(c, b, sizeof(b), 3000) == 0;
}

/* ---- Requests --------------------------------------------------------- */
static ssize_t build_cer(uint8_t *b, const char *host, uint32_t vendor, uint32_t app)
{
	return e2e_build_cer(b, MAX_MSG, host, REALM, "hss_e2e", vendor, app);
}

static ssize_t build_base(uint8_t *b, uint32_t code, bool cause)
{
	struct diam_wr w;

	diam_wr_init(&w, b, MAX_MSG);
	diam_put_hdr(&w, DIAM_FLAG_R, code, 0, diam_next_hbh(), diam_next_e2e());
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	if (cause)
		diam_put_i32(&w, AVP_DISCONNECT_CAUSE, 0, 0);
	return diam_wr_finish(&w);
}

enum { M_NONE = 0, M_NO_IMPU = 1, M_UNKNOWN_M = 2, M_BAD_SIZE = 4, M_SHORT_AUTHZ = 8,
       M_TWO_USERS = 16, M_RESULT = 32 };

static ssize_t build_mar(uint8_t *b, const char *impi, unsigned items, const uint8_t *authz,
			 unsigned flags)
{
	struct diam_wr w;
	char sid[128];

	diam_session_id(SCSCF, sid, sizeof(sid));
	diam_wr_init(&w, b, MAX_MSG);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, diam_next_hbh(),
		     diam_next_e2e());
	diam_put_str(&w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, REALM);
	diam_put_str(&w, AVP_USER_NAME, 0, impi);
	if (flags & M_TWO_USERS)
		diam_put_str(&w, AVP_USER_NAME, 0, impi);
	if (flags & M_RESULT)
		diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	if (!(flags & M_NO_IMPU))
		diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, IMPU);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, "Digest-AKAv1-MD5");
	if (authz)
		diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, V3, authz,
				flags & M_SHORT_AUTHZ ? 10 : 30);
	diam_group_end(&w);
	if (flags & M_BAD_SIZE)
		diam_put_octets(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, "\0\1", 2);
	else
		diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, items);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3, "sip:" SCSCF ":6060");
	if (flags & M_UNKNOWN_M)
		diam_put_avp_flags(&w, 7777, DIAM_AVP_M, 0, "zz", 2);
	/* Kamailio's habit: AVP 494 vendor 50 without M must be ignored. */
	diam_put_avp_flags(&w, 494, DIAM_AVP_V, 50, "callid", 6);
	return diam_wr_finish(&w);
}

/* Opens a connection and completes CER/CEA as the allowed S-CSCF. */
static int open_peer(struct e2e_client *c)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	ssize_t n;

	if (cl_open(c))
		return 1;
	n = build_cer(b, SCSCF, V3, DIAM_APP_CX);
	if (e2e_send(c, b, n))
		return 1;
	CHECK(e2e_recv_answer(c, b, &m) == 2001, "CEA is not 2001");
	return 0;
}

/* ---- Vector checks ----------------------------------------------------- */
static struct aka_keys keys;

static int check_vector(const struct diam_avp *item, uint64_t *last_sqn, uint8_t seen[][16],
			size_t *nseen)
{
	struct diam_avp a, x, ck, ik;
	struct aka_out o;
	uint8_t sqn_b[6], amf[2], zero[6] = { 0 };
	uint64_t sqn;

	CHECK(diam_group_find(item, AVP_CX_SIP_AUTHENTICATE, V3, &a) == 0 && a.len == 32,
	      "SIP-Authenticate missing or not 32 octets");
	CHECK(diam_group_find(item, AVP_CX_SIP_AUTHORIZATION, V3, &x) == 0, "no XRES");
	CHECK(diam_group_find(item, AVP_CX_CONFIDENTIALITY_KEY, V3, &ck) == 0 && ck.len == 16,
	      "no CK");
	CHECK(diam_group_find(item, AVP_CX_INTEGRITY_KEY, V3, &ik) == 0 && ik.len == 16, "no IK");
	/* AK = f5(RAND) does not depend on SQN: recover SQN = (SQN⊕AK) ⊕ AK. */
	CHECK(aka_compute(&keys, a.data, zero, a.data + 22, &o) == 0, "aka_compute");
	for (int i = 0; i < 6; i++)
		sqn_b[i] = a.data[16 + i] ^ o.ak[i];
	memcpy(amf, a.data + 22, 2);
	CHECK(aka_compute(&keys, a.data, sqn_b, amf, &o) == 0, "aka_compute");
	CHECK(ct_equal(o.mac_a, a.data + 24, 8), "MAC-A in AUTN does not verify");
	CHECK(x.len == o.res_len && ct_equal(o.res, x.data, x.len), "XRES mismatch");
	CHECK(ct_equal(o.ck, ck.data, 16) && ct_equal(o.ik, ik.data, 16), "CK/IK mismatch");
	sqn = aka_sqn_get(sqn_b);
	CHECK(sqn > *last_sqn, "SQN %llx not above the previous %llx", (unsigned long long)sqn,
	      (unsigned long long)*last_sqn);
	*last_sqn = sqn;
	for (size_t i = 0; i < *nseen; i++)
		CHECK(memcmp(seen[i], a.data, 16), "RAND repeated");
	if (*nseen < 256)
		memcpy(seen[(*nseen)++], a.data, 16);
	return 0;
}

/* Sends a MAR for n items and checks every vector; returns the count. */
static int mar_round(struct e2e_client *c, unsigned n, unsigned expect, uint64_t *last_sqn,
		     uint8_t seen[][16], size_t *nseen)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_iter it;
	struct diam_avp a;
	char s[128];
	uint32_t got;
	unsigned items = 0;
	ssize_t len = build_mar(b, IMPI, n, NULL, M_NONE);

	if (e2e_send(c, b, len))
		return 1;
	CHECK(e2e_recv_answer(c, b, &m) == 2001, "MAA is not Result-Code 2001");
	CHECK(diam_msg_str(&m, AVP_USER_NAME, 0, s, sizeof(s)) == 0 && !strcmp(s, IMPI),
	      "User-Name not echoed");
	CHECK(diam_msg_str(&m, AVP_CX_PUBLIC_IDENTITY, V3, s, sizeof(s)) == 0 && !strcmp(s, IMPU),
	      "Public-Identity not echoed");
	CHECK(diam_msg_u32(&m, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, &got) == 0 && got == expect,
	      "SIP-Number-Auth-Items %u, expected %u", got, expect);
	diam_iter_msg(&it, &m);
	while (diam_iter_next(&it, &a) == 1) {
		if (a.code != AVP_CX_SIP_AUTH_DATA_ITEM || a.vendor != V3)
			continue;
		if (check_vector(&a, last_sqn, seen, nseen))
			return 1;
		items++;
	}
	CHECK(items == expect, "%u SIP-Auth-Data-Items, expected %u", items, expect);
	return 0;
}

static int setup_keys(void)
{
	return e2e_set1_keys(&keys);
}

/* ---- Cases ------------------------------------------------------------- */
static int case_cer(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_avp a, g;
	uint32_t v;
	char s[128];

	if (start_hssd(NULL, NULL) || cl_open(&c))
		return 1;
	e2e_send(&c, b, build_cer(b, SCSCF, V3, DIAM_APP_CX));
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "CEA not 2001");
	CHECK(m.hdr.code == DIAM_CMD_CE && !(m.hdr.flags & DIAM_FLAG_R), "not a CEA");
	CHECK(diam_msg_str(&m, AVP_ORIGIN_HOST, 0, s, sizeof(s)) == 0 && !strcmp(s, HSS_HOST),
	      "Origin-Host");
	CHECK(diam_msg_find(&m, AVP_HOST_IP_ADDRESS, 0, &a) == 0, "no Host-IP-Address");
	CHECK(diam_msg_u32(&m, AVP_ORIGIN_STATE_ID, 0, &v) == 0 && v > 0, "no Origin-State-Id");
	CHECK(diam_msg_find(&m, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, &a) == 0 &&
	      diam_group_find(&a, AVP_AUTH_APPLICATION_ID, 0, &g) == 0 &&
	      diam_avp_u32(&g, &v) == 0 && v == DIAM_APP_CX, "Cx not advertised as VSAI");
	/* DWR/DWA on the open connection. */
	e2e_send(&c, b, build_base(b, DIAM_CMD_DW, false));
	CHECK(e2e_recv_answer(&c, b, &m) == 2001 && m.hdr.code == DIAM_CMD_DW, "DWA not 2001");
	e2e_close(&c);
	/* Relay-only CER from an allowed host (freeDiameterd) is accepted. */
	cl_open(&c);
	e2e_send(&c, b, build_cer(b, SCSCF, 0, DIAM_APP_RELAY));
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "relay CER not accepted");
	e2e_close(&c);
	return 0;
}

static int case_unknown_peer(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;

	if (start_hssd(NULL, NULL) || cl_open(&c))
		return 1;
	e2e_send(&c, b, build_cer(b, "intruder.e2e.test", V3, DIAM_APP_CX));
	CHECK(e2e_recv_answer(&c, b, &m) == 3010, "unlisted peer not answered 3010");
	CHECK(m.hdr.flags & DIAM_FLAG_E, "3010 CEA without the E bit");
	CHECK(peer_closed(&c), "connection not closed after 3010");
	e2e_close(&c);
	cl_open(&c);
	e2e_send(&c, b, build_cer(b, SCSCF, 0, 4)); /* only Credit-Control */
	CHECK(e2e_recv_answer(&c, b, &m) == 5010, "no common application not answered 5010");
	CHECK(peer_closed(&c), "connection not closed after 5010");
	e2e_close(&c);
	return 0;
}

static int expect_reject(struct e2e_client *c, uint8_t *b, size_t n, long code, bool e_bit,
			 uint32_t failed_code, const char *what)
{
	struct diam_msg m;
	struct diam_avp fa, inner;
	long rc;

	if (e2e_send(c, b, n))
		return 1;
	rc = e2e_recv_answer(c, b, &m);
	CHECK(rc == code, "%s: got %ld, expected %ld", what, rc, code);
	CHECK(!!(m.hdr.flags & DIAM_FLAG_E) == e_bit, "%s: E bit", what);
	if (failed_code)
		CHECK(diam_msg_find(&m, AVP_FAILED_AVP, 0, &fa) == 0 &&
		      diam_iter_next(&(struct diam_iter){ fa.data, fa.len }, &inner) == 1 &&
		      inner.code == failed_code, "%s: Failed-AVP should hold AVP %u", what,
		      failed_code);
	return 0;
}

static int case_malformed(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	ssize_t n;

	if (start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_NO_IMPU);
	if (expect_reject(&c, b, (size_t)n, 5005, false, AVP_CX_PUBLIC_IDENTITY, "missing AVP"))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_UNKNOWN_M);
	if (expect_reject(&c, b, (size_t)n, 5001, false, 7777, "unknown M AVP"))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_BAD_SIZE);
	if (expect_reject(&c, b, (size_t)n, 5004, false, AVP_CX_SIP_NUMBER_AUTH_ITEMS, "bad size"))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_NONE);
	b[8] = 0x01; b[11] = 0x01; /* application 0x01000001: not served */
	if (expect_reject(&c, b, (size_t)n, 3007, true, 0, "unknown application"))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_NONE);
	b[7] = 0x5a; /* command 346 in Cx: unknown */
	if (expect_reject(&c, b, (size_t)n, 3001, true, 0, "unknown command"))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_NONE);
	b[4] |= 0x04; /* reserved header bit */
	if (expect_reject(&c, b, (size_t)n, 3008, true, 0, "header bits"))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_NONE);
	b[20 + 7] = 7; /* Session-Id AVP length 7 < 8 */
	if (expect_reject(&c, b, (size_t)n, 5014, false, AVP_SESSION_ID, "AVP length"))
		return 1;
	/* The connection still works. */
	n = build_base(b, DIAM_CMD_DW, false);
	if (expect_reject(&c, b, (size_t)n, 2001, false, 0, "DWR after rejects"))
		return 1;
	n = build_mar(b, IMPI, 1, NULL, M_NONE);
	b[0] = 2; /* version 2: answered 5011, then closed */
	if (expect_reject(&c, b, (size_t)n, 5011, false, 0, "version"))
		return 1;
	CHECK(peer_closed(&c), "connection not closed after 5011");
	e2e_close(&c);
	return 0;
}

static int case_dpr(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;

	if (start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	e2e_send(&c, b, build_base(b, DIAM_CMD_DP, true));
	CHECK(e2e_recv_answer(&c, b, &m) == 2001 && m.hdr.code == DIAM_CMD_DP, "DPA not 2001");
	CHECK(peer_closed(&c), "connection not closed after DPA");
	e2e_close(&c);
	/* A peer leaving mid-message does not hurt hssd. */
	if (open_peer(&c))
		return 1;
	e2e_send(&c, b, build_mar(b, IMPI, 1, NULL, M_NONE) / 2);
	e2e_close(&c);
	usleep(100000);
	CHECK(kill(e2e.hssd_pid, 0) == 0, "hssd died after a half message");
	if (open_peer(&c))
		return 1;
	e2e_close(&c);
	return 0;
}

static int case_sigterm(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_wr w;
	ssize_t n;
	int st = 0;

	if (start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	kill(e2e.hssd_pid, SIGTERM);
	n = e2e_recv(&c, b, sizeof(b), 10000); /* loaded 2-core CI, ASan */
	CHECK(n > 0 && diam_msg_parse(b, (size_t)n, &m) == 0 && m.hdr.code == DIAM_CMD_DP &&
	      (m.hdr.flags & DIAM_FLAG_R), "no DPR from hssd on SIGTERM");
	diam_wr_init(&w, b, sizeof(b));
	diam_answer_begin(&w, &m);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	n = diam_wr_finish(&w);
	e2e_send(&c, b, n);
	/* st stays 0 ("exited 0") until waitpid reaps hssd: check that it did. */
	pid_t done = 0;
	for (int i = 0; i < 100 && (done = waitpid(e2e.hssd_pid, &st, WNOHANG)) == 0; i++)
		usleep(100000);
	CHECK(done == e2e.hssd_pid, "hssd still running 10 s after the DPA");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "hssd did not exit 0 after DPA");
	e2e.hssd_pid = -1;
	e2e_close(&c);
	return 0;
}

static int case_watchdog(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_wr w;
	ssize_t n;

	if (start_hssd("--watchdog", "6") || open_peer(&c))
		return 1;
	n = e2e_recv(&c, b, sizeof(b), 9000);
	CHECK(n > 0 && diam_msg_parse(b, (size_t)n, &m) == 0 && m.hdr.code == DIAM_CMD_DW &&
	      (m.hdr.flags & DIAM_FLAG_R), "no DWR from hssd after Tw");
	diam_wr_init(&w, b, sizeof(b));
	diam_answer_begin(&w, &m);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	n = diam_wr_finish(&w);
	e2e_send(&c, b, n);
	/* Still open: a DWR of ours is answered. */
	e2e_send(&c, b, build_base(b, DIAM_CMD_DW, false));
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "DWA after the watchdog exchange");
	e2e_close(&c);
	return 0;
}

static int case_mar(void)
{
	struct e2e_client c;
	uint8_t seen[256][16];
	size_t nseen = 0;
	uint64_t last = 0;
	int rc = provision();

	if (rc)
		return rc;
	if (setup_keys() || start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	for (int i = 0; i < 20; i++)
		if (mar_round(&c, 1, 1, &last, seen, &nseen))
			return 1;
	e2e_close(&c);
	/* Restart: SQNs keep increasing across restarts (durable store). */
	e2e_stop_child(&e2e.hssd_pid, SIGTERM);
	if (start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	if (mar_round(&c, 1, 1, &last, seen, &nseen))
		return 1;
	e2e_close(&c);
	return 0;
}

static int case_multi_mar(void)
{
	struct e2e_client c;
	uint8_t seen[256][16], b[MAX_MSG * 3];
	struct diam_msg m;
	size_t nseen = 0, off = 0;
	uint64_t last = 0;
	int rc = provision();

	if (rc)
		return rc;
	if (setup_keys() || start_hssd("--max-vectors", "5") || open_peer(&c))
		return 1;
	if (mar_round(&c, 3, 3, &last, seen, &nseen) || mar_round(&c, 100, 5, &last, seen, &nseen))
		return 1;
	/* Three MARs in one TCP segment: three MAAs. */
	for (int i = 0; i < 3; i++)
		off += (size_t)build_mar(b + off, IMPI, 1, NULL, M_NONE);
	e2e_send(&c, b, off);
	for (int i = 0; i < 3; i++)
		CHECK(e2e_recv_answer(&c, b, &m) == 2001, "pipelined MAR %d", i);
	e2e_close(&c);
	return 0;
}

static int case_resync(void)
{
	struct e2e_client c;
	uint8_t seen[256][16], b[MAX_MSG], authz[30];
	struct diam_msg m;
	size_t nseen = 0;
	uint64_t last = 0, sqn_ms = 0x40000000ull << 5; /* far ahead of the HSS */
	ssize_t n;
	int rc = provision();

	if (rc)
		return rc;
	if (setup_keys() || start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	if (mar_round(&c, 1, 1, &last, seen, &nseen))
		return 1;
	memcpy(authz, seen[0], 16); /* RAND of the challenge the UE rejected */
	CHECK(aka_auts_make(&keys, authz, sqn_ms, authz + 16) == 0, "aka_auts_make");
	/* A wrong MAC-S: refused, SQN untouched. */
	authz[29] ^= 1;
	n = build_mar(b, IMPI, 1, authz, M_NONE);
	e2e_send(&c, b, n);
	rc = (int)e2e_recv_answer(&c, b, &m);
	CHECK(rc != 2001 && rc > 0, "bad AUTS accepted (%d)", rc);
	if (mar_round(&c, 1, 1, &last, seen, &nseen))
		return 1;
	CHECK(last < sqn_ms, "a bad AUTS moved the SQN");
	/* The real AUTS: fresh vectors above SQN_MS. */
	authz[29] ^= 1;
	n = build_mar(b, IMPI, 1, authz, M_NONE);
	e2e_send(&c, b, n);
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "resync MAR not answered 2001");
	{
		struct diam_avp item;

		CHECK(diam_msg_find(&m, AVP_CX_SIP_AUTH_DATA_ITEM, V3, &item) == 0, "no vector");
		if (check_vector(&item, &last, seen, &nseen))
			return 1;
	}
	CHECK(last > sqn_ms, "SQN after resync %llx not above SQN_MS %llx",
	      (unsigned long long)last, (unsigned long long)sqn_ms);
	e2e_close(&c);
	return 0;
}

static int case_unknown_user(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	char s[128];
	int rc = provision();

	if (rc)
		return rc;
	if (start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	e2e_send(&c, b, build_mar(b, "nobody@e2e.test", 1, NULL, M_NONE));
	CHECK(e2e_recv_answer(&c, b, &m) == 100000 + 5001, "unknown user not Experimental 5001");
	CHECK(diam_msg_str(&m, AVP_USER_NAME, 0, s, sizeof(s)) == 0 &&
	      !strcmp(s, "nobody@e2e.test"), "User-Name not echoed in the error answer");
	e2e_close(&c);
	return 0;
}

static ssize_t build_air(uint8_t *b, unsigned nvec);

/* Captures a whole session and lets tshark judge every packet. */
static int run_tshark(const char *pcap, const char *filter, char *out, size_t outsz)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "tshark -r '%s' -d tcp.port==%u,diameter -Y '%s' 2>/dev/null", pcap, e2e.port,
		 filter);
	return e2e_popen_read(cmd, out, outsz);
}

static int case_tshark(void)
{
	struct e2e_client c;
	uint8_t seen[256][16], b[MAX_MSG];
	struct diam_msg m;
	size_t nseen = 0;
	uint64_t last = 0;
	char pcap[300], filt[160], out[8192];
	int rc;

	if ((rc = provision()) != 0)
		return rc;
	if (setup_keys() || start_hssd(NULL, NULL))
		return 1;
	snprintf(pcap, sizeof(pcap), "%s/session.pcap", e2e.dir);
	if ((rc = e2e_capture_start(pcap)) != 0)
		return rc;
	if (open_peer(&c) || mar_round(&c, 1, 1, &last, seen, &nseen) ||
	    mar_round(&c, 3, 3, &last, seen, &nseen))
		return 1;
	e2e_send(&c, b, build_mar(b, "nobody@e2e.test", 1, NULL, M_NONE));
	e2e_recv_answer(&c, b, &m);
	e2e_send(&c, b, build_mar(b, IMPI, 1, NULL, M_NO_IMPU)); /* 5005 + Failed-AVP */
	e2e_recv_answer(&c, b, &m);
	e2e_send(&c, b, build_air(b, 2)); /* S6a AIA with E-UTRAN vectors */
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "AIA in the captured session");
	e2e_send(&c, b, build_base(b, DIAM_CMD_DW, false));
	e2e_recv_answer(&c, b, &m);
	e2e_send(&c, b, build_base(b, DIAM_CMD_DP, true));
	e2e_recv_answer(&c, b, &m);
	peer_closed(&c);
	e2e_close(&c);
	e2e_capture_stop();
	/* Every message hssd sent must be decoded, none malformed or flagged
	 * at warning level or above (expert "error"/"warning"; "note" and
	 * "chat" are informational, e.g. "answer to request in frame N").
	 * Only hssd's side is judged: our requests carry AVP 494 of vendor 50
	 * on purpose (Kamailio does), which Wireshark rightly calls unknown. */
	run_tshark(pcap, "diameter.flags.request == 0", out, sizeof(out));
	CHECK(strstr(out, "cmd=Multimedia-Auth Answer") || strstr(out, "MAA"),
	      "tshark decoded no MAA:\n%s", out);
	snprintf(filt, sizeof(filt), "tcp.srcport == %u && (_ws.malformed || _ws.expert.severity >= warning)", e2e.port);
	run_tshark(pcap, filt, out, sizeof(out));
	CHECK(out[0] == '\0', "tshark reports malformed packets or expert warnings:\n%s", out);
	return 0;
}

/* Requests that blame an AVP, from the validator (5001, 5004, 5005, 5008,
 * 5009, 5014) and from the Cx/S6a handlers (5004: a User-Name too long for
 * the store, a SIP-Authorization that is not RAND ‖ AUTS, an unknown
 * User-Authorization-Type, a Visited-PLMN-Id that is not BCD). */
static ssize_t build_uar_air(uint8_t *b, bool uar)
{
	static const uint8_t bad_plmn[3] = { 0xff, 0xff, 0xff };
	struct diam_wr w;

	diam_wr_init(&w, b, MAX_MSG);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, uar ? DIAM_CMD_UA : DIAM_CMD_AI,
		     uar ? DIAM_APP_CX : DIAM_APP_S6A, diam_next_hbh(), diam_next_e2e());
	diam_put_str(&w, AVP_SESSION_ID, 0, uar ? SCSCF ";1;uar" : SCSCF ";1;air");
	diam_put_vendor_app(&w, V3, uar ? DIAM_APP_CX : DIAM_APP_S6A);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, REALM);
	if (uar) {
		diam_put_str(&w, AVP_USER_NAME, 0, IMPI);
		diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, IMPU);
		diam_put_str(&w, AVP_CX_VISITED_NETWORK_IDENTIFIER, V3, REALM);
		diam_put_u32(&w, AVP_CX_USER_AUTHORIZATION_TYPE, V3, 7);
	} else {
		diam_put_str(&w, AVP_USER_NAME, 0, "001010000000001");
		diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, bad_plmn, 3);
	}
	return diam_wr_finish(&w);
}

/* The requests of case_failed_avp, each with the result it must get. */
static const struct {
	unsigned mar_flags;    /* build_mar flags; 0xff: UAR, 0xfe: AIR */
	bool long_user, authz, short_len;
	long want;
	const char *what;
} blame_cases[] = {
	{ M_NO_IMPU, false, false, false, 5005, "missing Public-Identity" },
	{ M_UNKNOWN_M, false, false, false, 5001, "unknown M AVP" },
	{ M_BAD_SIZE, false, false, false, 5004, "Unsigned32 of 2 octets" },
	{ M_TWO_USERS, false, false, false, 5009, "two User-Names" },
	{ M_RESULT, false, false, false, 5008, "Result-Code in a request" },
	{ M_NONE, false, false, true, 5014, "AVP Length 7" },
	{ M_NONE, true, false, false, 5004, "User-Name too long for the store" },
	{ M_SHORT_AUTHZ, false, true, false, 5004, "SIP-Authorization of 10 octets" },
	{ 0xff, false, false, false, 5004, "User-Authorization-Type 7" },
	{ 0xfe, false, false, false, 5004, "Visited-PLMN-Id ffffff" },
};

static ssize_t build_blame(uint8_t *b, size_t i)
{
	static const uint8_t rand_auts[30];
	char user[400];
	ssize_t n;

	if (blame_cases[i].mar_flags >= 0xfe)
		return build_uar_air(b, blame_cases[i].mar_flags == 0xff);
	memset(user, 'a', 300);
	snprintf(user + 300, sizeof(user) - 300, "@%s", REALM);
	n = build_mar(b, blame_cases[i].long_user ? user : IMPI, 1,
		      blame_cases[i].authz ? rand_auts : NULL, blame_cases[i].mar_flags);
	if (blame_cases[i].short_len)
		b[20 + 7] = 7; /* Session-Id AVP Length 7 < 8 */
	return n;
}

/* Every 5001/5004/5005/5008/5009/5014 answer carries Failed-AVP (RFC 6733
 * §7.5), judged by tshark on a capture of the session: none without it,
 * and each case above seen with it. */
static int case_failed_avp(void)
{
	static const char blame[] = "diameter.flags.request == 0 && diameter.Result-Code in "
				    "{5001,5004,5005,5008,5009,5014}";
	const int n = (int)(sizeof(blame_cases) / sizeof(blame_cases[0]));
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	char pcap[300], filt[300], out[16384];
	int rc, seen = 0;

	if ((rc = provision()) != 0)
		return rc;
	if (start_hssd(NULL, NULL))
		return 1;
	snprintf(pcap, sizeof(pcap), "%s/failed.pcap", e2e.dir);
	if ((rc = e2e_capture_start(pcap)) != 0)
		return rc;
	if (open_peer(&c))
		return 1;
	for (int i = 0; i < n; i++) {
		e2e_send(&c, b, build_blame(b, (size_t)i));
		CHECK(e2e_recv_answer(&c, b, &m) == blame_cases[i].want, "%s: not %ld",
		      blame_cases[i].what, blame_cases[i].want);
	}
	e2e_close(&c);
	e2e_capture_stop();
	/* The positive count first: it also proves the filter is valid (an
	 * invalid one prints nothing, which the negative check would take
	 * for a pass). */
	snprintf(filt, sizeof(filt), "%s && diameter.Failed-AVP", blame);
	run_tshark(pcap, filt, out, sizeof(out));
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		seen++;
	CHECK(seen == n, "tshark sees %d answers with Failed-AVP, expected %d:\n%s", seen, n, out);
	snprintf(filt, sizeof(filt), "%s && !diameter.Failed-AVP", blame);
	run_tshark(pcap, filt, out, sizeof(out));
	CHECK(out[0] == '\0', "answers without Failed-AVP:\n%s", out);
	printf("tshark: %d answers blaming an AVP, every one with Failed-AVP\n", seen);
	return 0;
}

static int run_status(const char *cmd);

/* S6a through the same core: an MME's AIR for two E-UTRAN vectors, each
 * re-derived with common/aka (MAC-A, XRES, KASME per TS 33.401 A.2). */
static ssize_t build_air(uint8_t *b, unsigned nvec)
{
	struct diam_wr w;
	char sid[128];
	static const uint8_t plmn[3] = { 0x00, 0xf1, 0x10 }; /* MCC 001 MNC 01 */

	diam_session_id("mme.e2e.test", sid, sizeof(sid));
	diam_wr_init(&w, b, MAX_MSG);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_AI, DIAM_APP_S6A, diam_next_hbh(),
		     diam_next_e2e());
	diam_put_str(&w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(&w, V3, DIAM_APP_S6A);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, REALM);
	diam_put_str(&w, AVP_USER_NAME, 0, "001010000000001");
	diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
	diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, nvec);
	diam_group_end(&w);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, 3);
	return diam_wr_finish(&w);
}

static int check_eutran(const struct diam_avp *v, uint64_t *last)
{
	static const uint8_t plmn[3] = { 0x00, 0xf1, 0x10 };

	return e2e_check_eutran(&keys, v, plmn, last);
}

static int case_air(void)
{
	struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_avp info, v;
	struct diam_iter it;
	uint64_t last = 0;
	unsigned nv = 0;
	int rc = provision();

	if (rc)
		return rc;
	if (setup_keys() || start_hssd(NULL, NULL) || cl_open(&c))
		return 1;
	e2e_send(&c, b, build_cer(b, SCSCF, V3, DIAM_APP_S6A));
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "CER for S6a not accepted");
	e2e_send(&c, b, build_air(b, 2));
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "AIA not 2001");
	CHECK(m.hdr.code == DIAM_CMD_AI && m.hdr.app_id == DIAM_APP_S6A, "not an AIA");
	CHECK(diam_msg_find(&m, AVP_S6A_AUTHENTICATION_INFO, V3, &info) == 0, "no Authentication-Info");
	diam_iter_group(&it, &info);
	while (diam_iter_next(&it, &v) == 1)
		if (v.code == AVP_S6A_EUTRAN_VECTOR && v.vendor == V3) {
			if (check_eutran(&v, &last))
				return 1;
			nv++;
		}
	CHECK(nv == 2, "%u E-UTRAN vectors, expected 2", nv);
	e2e_close(&c);
	return 0;
}

/* The store is locked by someone else: hssd cannot open its transaction,
 * answers 5012 (no vector without a durable SQN) and keeps serving once
 * the lock is gone. The lock is held by python3's sqlite3 module. */
static int case_store_busy(void)
{
	struct e2e_client c;
	uint8_t seen[256][16], b[MAX_MSG];
	struct diam_msg m;
	size_t nseen = 0;
	uint64_t last = 0;
	char cmd[700], ready[300];
	pid_t locker;
	int rc = provision();

	if (rc)
		return rc;
	if (system("python3 -c 'import sqlite3' 2>/dev/null") != 0) {
		printf("skipped: python3 with sqlite3 is needed to lock the store\n");
		return 77;
	}
	if (setup_keys() || start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	if (mar_round(&c, 1, 1, &last, seen, &nseen))
		return 1;
	snprintf(ready, sizeof(ready), "%s/locked", e2e.dir);
	snprintf(cmd, sizeof(cmd),
		 "import sqlite3, time\n"
		 "c = sqlite3.connect('%s/hss.db', isolation_level=None)\n"
		 "c.execute('BEGIN IMMEDIATE')\n"
		 "open('%s', 'w').close()\n"
		 "time.sleep(7)\n", e2e.dir, ready);
	locker = fork();
	if (locker == 0) {
		execlp("python3", "python3", "-c", cmd, NULL);
		_exit(127);
	}
	for (int i = 0; i < 50 && access(ready, F_OK) != 0; i++)
		usleep(100000);
	CHECK(access(ready, F_OK) == 0, "python3 did not lock the store");
	e2e_send(&c, b, build_mar(b, IMPI, 1, NULL, M_NONE));
	rc = (int)e2e_recv(&c, b, MAX_MSG, 9000);
	CHECK(rc > 0 && diam_msg_parse(b, (size_t)rc, &m) == 0, "no answer while locked");
	{
		uint32_t code = 0;

		CHECK(diam_msg_u32(&m, AVP_RESULT_CODE, 0, &code) == 0 && code == 5012,
		      "locked store: got %u, expected 5012", code);
		CHECK(diam_msg_find(&m, AVP_CX_SIP_AUTH_DATA_ITEM, V3, &(struct diam_avp){ 0 }) ==
		      DIAM_ENOENT, "a vector left without a durable SQN");
	}
	waitpid(locker, NULL, 0);
	if (mar_round(&c, 1, 1, &last, seen, &nseen))
		return 1;
	e2e_close(&c);
	return 0;
}

/* The same MAR flow over SCTP (one-to-one sockets), where the kernel has
 * SCTP; tests/sctp runs it under qemu elsewhere. */
static int case_sctp(void)
{
	struct e2e_client c;
	uint8_t seen[256][16];
	size_t nseen = 0;
	uint64_t last = 0;
	int rc, fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);

	if (fd < 0) {
		printf("skipped: this kernel has no SCTP (socket: %s)\n", strerror(errno));
		return 77;
	}
	close(fd);
	if ((rc = provision()) != 0)
		return rc;
	use_sctp = true;
	if (setup_keys() || start_hssd(NULL, NULL) || open_peer(&c))
		return 1;
	for (int i = 0; i < 5; i++)
		if (mar_round(&c, 2, 2, &last, seen, &nseen))
			return 1;
	e2e_close(&c);
	return 0;
}

/* SIGHUP reopens the log file (logrotate moved the old one away). */
static int case_sighup(void)
{
	char old[300], cur[300], cmd[700];

	if (start_hssd(NULL, NULL))
		return 1;
	snprintf(cur, sizeof(cur), "%s/hssd.log", e2e.dir);
	snprintf(old, sizeof(old), "%s/hssd.log.1", e2e.dir);
	CHECK(rename(cur, old) == 0, "rename the log");
	kill(e2e.hssd_pid, SIGHUP);
	/* The new file exists before the line is in it: wait for the line. */
	snprintf(cmd, sizeof(cmd), "grep -q 'log reopened' '%s' 2>/dev/null", cur);
	for (int i = 0; i < 100 && run_status(cmd) != 0; i++)
		usleep(100000);
	CHECK(run_status(cmd) == 0, "no new log file with 'log reopened' after SIGHUP");
	CHECK(kill(e2e.hssd_pid, 0) == 0, "hssd died on SIGHUP");
	return 0;
}

/* The command line: -n prints the effective config (golden), a bad
 * option exits 2 naming it, a bad file exits 1 with file:line. */
static int run_status(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int case_cli(void)
{
	char cmd[1400], conf[300];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "'%s' -n -c '%s/hss/hssd.conf.example' | diff - '%s/hssd/check.txt'",
		 e2e.hssd_path, SOURCE_DIR, GOLDEN_DIR);
	CHECK(run_status(cmd) == 0, "hssd -n output differs from the golden file");
	snprintf(cmd, sizeof(cmd), "'%s' --listen udp://x 2>'%s/err'; test $? -eq 2 && grep -q -- --listen '%s/err'",
		 e2e.hssd_path, e2e.dir, e2e.dir);
	CHECK(run_status(cmd) == 0, "a bad --listen must exit 2 naming the option");
	/* an address this host does not have (TEST-NET-1): exit 1, one line */
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/listen.db' --origin-host h --realm r "
		 "--accept-any-peer --listen tcp://192.0.2.1:3868 2>'%s/err'; test $? -eq 1 && "
		 "test $(wc -l <'%s/err') -eq 1 && grep -q 'listen tcp://192.0.2.1:3868: ' '%s/err'",
		 e2e.hssd_path, e2e.dir, e2e.dir, e2e.dir, e2e.dir);
	CHECK(run_status(cmd) == 0, "a listen failure must exit 1 with one line");
	snprintf(conf, sizeof(conf), "%s/bad.conf", e2e.dir);
	fp = fopen(conf, "w");
	CHECK(fp, "write %s", conf);
	fputs("[hssd]\norigin-host = h\nnonsense = 1\n", fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "'%s' -n -c '%s' 2>'%s/err'; test $? -eq 1 && grep -qx 'hssd: %s:3: .*' '%s/err'",
		 e2e.hssd_path, conf, e2e.dir, conf, e2e.dir);
	CHECK(run_status(cmd) == 0, "a bad config line must exit 1 with hssd: file:line");
	/* a file that is not there: the program's name first, as scscf-stub */
	snprintf(cmd, sizeof(cmd), "'%s' -n -c '%s/none.conf' 2>'%s/err'; test $? -eq 1 && "
		 "grep -qx 'hssd: %s/none.conf: No such file or directory' '%s/err'",
		 e2e.hssd_path, e2e.dir, e2e.dir, e2e.dir, e2e.dir);
	CHECK(run_status(cmd) == 0, "a missing config file must exit 1 with one line naming hssd and it");
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} cases[] = {
	{ "cli", case_cli },           { "sctp", case_sctp },
	{ "sighup", case_sighup },     { "air", case_air },
	{ "store_busy", case_store_busy },
	{ "cer", case_cer },           { "unknown_peer", case_unknown_peer },
	{ "malformed", case_malformed }, { "dpr", case_dpr },
	{ "sigterm", case_sigterm },   { "watchdog", case_watchdog },
	{ "mar", case_mar },           { "multi_mar", case_multi_mar },
	{ "resync", case_resync },     { "unknown_user", case_unknown_user },
	{ "tshark", case_tshark },     { "failed_avp", case_failed_avp },
};

int main(int argc, char **argv)
{
	const char *name = e2e_args(argc, argv);

	if (!e2e.hssd_path || !name) {
		fprintf(stderr, "usage: hss_e2e --hssd PATH [--hss-ctl PATH] CASE\n");
		return 2;
	}
	if (e2e.ctl_path && access(e2e.ctl_path, X_OK) != 0)
		e2e.ctl_path = NULL;
	if (e2e_init("hss_e2e", "HSS_E2E_KEEP", 60))
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		if (strcmp(cases[i].name, name))
			continue;
		rc = cases[i].fn();
		if (rc == 1) {
			char cmd[400];

			snprintf(cmd, sizeof(cmd), "tail -40 '%s/hssd.log' >&2", e2e.dir);
			if (system(cmd) != 0)
				fprintf(stderr, "(no hssd log)\n");
		}
		printf("%s: %s\n", name, rc == 0 ? "passed" : rc == 77 ? "skipped" : "FAILED");
		return rc;
	}
	fprintf(stderr, "unknown case '%s'\n", name);
	return 2;
}
