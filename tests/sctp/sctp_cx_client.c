/* sctp-cx-client: a Diameter peer over one-to-one SCTP that drives hssd
 * through a short session and checks every answer:
 *
 *   CER -> CEA 2001 advertising Cx as Vendor-Specific-Application-Id
 *          {10415, 16777216} (what Kamailio's cdp needs);
 *   MAR -> MAA 2001 with one SIP-Auth-Data-Item whose vector is verified
 *          with common/aka: MAC-A of AUTN, XRES, CK, IK (only with --impi);
 *   DWR -> DWA 2001;  DPR (REBOOTING) -> DPA 2001.
 *
 * Messages are built with the harness's own tiny framer (diam_frame.h), not
 * with common/diameter, so the codec under test is not checking itself. A
 * DWR from hssd while we wait is answered. Exit 0 pass, 1 fail, 2 usage,
 * 77 when the kernel has no SCTP. */
#include "diam_frame.h"
#include "sctp_io.h"

#include "aka/aka.h"
#include "diameter/codes.h"
#include "util/cli.h"
#include "util/ct.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "sctp-cx-client"
#define BUFSZ 8192

struct opts {
	char ip[64];
	unsigned port, wait_s;
	const char *host, *realm, *dest_realm, *impi, *impu;
	struct aka_keys keys;
	int have_keys;
};

struct session {
	int fd;
	uint32_t hbh;
	unsigned sid;
	const struct opts *o;
};

static int fails;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok  " : "FAIL", what);
	if (!cond)
		fails++;
}

/* Answers a DWR hssd sent while we wait for our own answer (RFC 6733 §5.5). */
static void answer_dwr(struct session *s, const struct df_msg *m)
{
	uint8_t out[512];
	struct df_writer w;
	df_begin(&w, out, sizeof(out), 0, DIAM_CMD_DW, DIAM_APP_BASE, m->hbh, m->e2e);
	df_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	df_put_str(&w, AVP_ORIGIN_HOST, 0, s->o->host);
	df_put_str(&w, AVP_ORIGIN_REALM, 0, s->o->realm);
	long n = df_finish(&w);
	if (n > 0)
		sio_send(s->fd, out, (size_t)n, 0);
}

/* Sends the finished request in `w` and waits for its answer in `buf`. */
static int transact(struct session *s, struct df_writer *w, uint8_t *buf, struct df_msg *ans)
{
	long len = df_finish(w);
	struct df_msg req;
	if (len < 0 || df_parse(w->buf, (size_t)len, &req) < 0)
		return -EMSGSIZE;
	int rc = sio_send(s->fd, w->buf, (size_t)len, 0);
	if (rc < 0)
		return rc;
	for (;;) {
		uint32_t ppid = 0;
		long n = sio_recv(s->fd, buf, BUFSZ, 5000, &ppid, NULL);
		if (n <= 0)
			return n == 0 ? -ECONNRESET : (int)n;
		check(ppid == SCTP_PPID_DIAMETER, "message arrives with PPID 46");
		if (df_parse(buf, (size_t)n, ans) < 0)
			return -EBADMSG;
		if ((ans->flags & DF_FLAG_R) && ans->cmd == DIAM_CMD_DW) {
			answer_dwr(s, ans);
			continue;
		}
		if (ans->flags & DF_FLAG_R)
			return -EPROTO;
		if (ans->hbh != req.hbh || ans->e2e != req.e2e || ans->cmd != req.cmd)
			return -EPROTO;
		return 0;
	}
}

static void head(struct session *s, struct df_writer *w, uint8_t *buf, uint8_t flags,
		 uint32_t cmd, uint32_t app)
{
	s->hbh++;
	df_begin(w, buf, BUFSZ, DF_FLAG_R | flags, cmd, app, s->hbh, 0x5c000000u | s->hbh);
}

static long long result_of(const struct df_msg *m)
{
	return df_find_u32(m->avps, m->avps_len, AVP_RESULT_CODE, 0);
}

/* True if some Vendor-Specific-Application-Id is {10415, Cx}. */
static int advertises_cx(const struct df_msg *m)
{
	const uint8_t *g;
	long gl;
	for (int i = 0; (gl = df_find_nth(m->avps, m->avps_len, AVP_VENDOR_SPECIFIC_APPLICATION_ID,
					   0, i, &g)) >= 0; i++)
		if (df_find_u32(g, (size_t)gl, AVP_VENDOR_ID, 0) == DIAM_VENDOR_3GPP &&
		    df_find_u32(g, (size_t)gl, AVP_AUTH_APPLICATION_ID, 0) == DIAM_APP_CX)
			return 1;
	return 0;
}

static int do_cer(struct session *s)
{
	uint8_t buf[BUFSZ], in[BUFSZ];
	struct df_writer w;
	struct df_msg a;
	static const uint8_t lo[4] = {127, 0, 0, 1};
	head(s, &w, buf, 0, DIAM_CMD_CE, DIAM_APP_BASE);
	df_put_str(&w, AVP_ORIGIN_HOST, 0, s->o->host);
	df_put_str(&w, AVP_ORIGIN_REALM, 0, s->o->realm);
	df_put_ipv4(&w, AVP_HOST_IP_ADDRESS, lo);
	df_put_u32(&w, AVP_VENDOR_ID, 0, DIAM_VENDOR_3GPP);
	df_put_str(&w, AVP_PRODUCT_NAME, 0, PROG);
	df_put_u32(&w, AVP_SUPPORTED_VENDOR_ID, 0, DIAM_VENDOR_3GPP);
	df_group_begin(&w, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
	df_put_u32(&w, AVP_VENDOR_ID, 0, DIAM_VENDOR_3GPP);
	df_put_u32(&w, AVP_AUTH_APPLICATION_ID, 0, DIAM_APP_CX);
	df_group_end(&w);
	int rc = transact(s, &w, in, &a);
	check(rc == 0, "CER answered by a CEA over SCTP");
	if (rc)
		return rc;
	check(result_of(&a) == 2001, "CEA Result-Code 2001");
	check(advertises_cx(&a), "CEA advertises Cx as Vendor-Specific-Application-Id {10415, 16777216}");
	return 0;
}

/* Checks one vector against the subscriber's keys: SQN = (SQN⊕AK) ⊕ AK,
 * then MAC-A, XRES, CK and IK recomputed (TS 33.102 §6.3.2). */
static void check_vector(const struct opts *o, const uint8_t *item, size_t len)
{
	const uint8_t *ra, *xres, *ck, *ik;
	long ral = df_find(item, len, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, &ra);
	long xl = df_find(item, len, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, &xres);
	long ckl = df_find(item, len, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, &ck);
	long ikl = df_find(item, len, AVP_CX_INTEGRITY_KEY, DIAM_VENDOR_3GPP, &ik);
	check(ral == 32, "SIP-Authenticate is RAND||AUTN (32 octets)");
	check(ckl == 16 && ikl == 16, "Confidentiality-Key and Integrity-Key are 16 octets");
	if (ral != 32 || ckl != 16 || ikl != 16 || !o->have_keys)
		return;
	const uint8_t *rnd = ra, *autn = ra + 16;
	uint8_t sqn[AKA_SQN_LEN] = {0};
	struct aka_out out;
	if (aka_compute(&o->keys, rnd, sqn, autn + 6, &out) < 0) {
		check(0, "aka_compute");
		return;
	}
	for (int i = 0; i < AKA_SQN_LEN; i++)
		sqn[i] = autn[i] ^ out.ak[i];
	aka_compute(&o->keys, rnd, sqn, autn + 6, &out);
	printf("#    vector: SQN %012llx, AMF %02x%02x\n", (unsigned long long)aka_sqn_get(sqn),
	       autn[6], autn[7]);
	check(ct_equal(out.mac_a, autn + 8, AKA_MAC_LEN), "AUTN MAC-A verifies with the subscriber's K/OPc");
	check(xl == (long)out.res_len && ct_equal(out.res, xres, out.res_len),
	      "SIP-Authorization is XRES");
	check(ct_equal(out.ck, ck, 16) && ct_equal(out.ik, ik, 16), "CK and IK match");
}

static int do_mar(struct session *s)
{
	uint8_t buf[BUFSZ], in[BUFSZ];
	char sid[128], server[256];
	struct df_writer w;
	struct df_msg a;
	const struct opts *o = s->o;
	snprintf(sid, sizeof(sid), "%s;%ld;%u", o->host, (long)time(NULL), ++s->sid);
	snprintf(server, sizeof(server), "sip:%s", o->host);
	head(s, &w, buf, DF_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX);
	df_put_str(&w, AVP_SESSION_ID, 0, sid);
	df_group_begin(&w, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
	df_put_u32(&w, AVP_VENDOR_ID, 0, DIAM_VENDOR_3GPP);
	df_put_u32(&w, AVP_AUTH_APPLICATION_ID, 0, DIAM_APP_CX);
	df_group_end(&w);
	df_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1); /* NO_STATE_MAINTAINED */
	df_put_str(&w, AVP_ORIGIN_HOST, 0, o->host);
	df_put_str(&w, AVP_ORIGIN_REALM, 0, o->realm);
	df_put_str(&w, AVP_DESTINATION_REALM, 0, o->dest_realm);
	df_put_str(&w, AVP_USER_NAME, 0, o->impi);
	df_put_str(&w, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP, o->impu);
	df_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 1);
	df_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	df_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP, CX_SCHEME_AKAV1);
	df_group_end(&w);
	df_put_str(&w, AVP_CX_SERVER_NAME, DIAM_VENDOR_3GPP, server);
	int rc = transact(s, &w, in, &a);
	check(rc == 0, "MAR answered by an MAA over SCTP");
	if (rc)
		return rc;
	check(result_of(&a) == 2001, "MAA Result-Code 2001");
	const uint8_t *item;
	long il = df_find(a.avps, a.avps_len, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP, &item);
	check(il > 0, "MAA carries a SIP-Auth-Data-Item");
	if (il > 0)
		check_vector(o, item, (size_t)il);
	return 0;
}

static int do_simple(struct session *s, uint32_t cmd, const char *name)
{
	uint8_t buf[BUFSZ], in[BUFSZ];
	char what[64];
	struct df_writer w;
	struct df_msg a;
	head(s, &w, buf, 0, cmd, DIAM_APP_BASE);
	df_put_str(&w, AVP_ORIGIN_HOST, 0, s->o->host);
	df_put_str(&w, AVP_ORIGIN_REALM, 0, s->o->realm);
	if (cmd == DIAM_CMD_DP)
		df_put_u32(&w, AVP_DISCONNECT_CAUSE, 0, 0); /* REBOOTING */
	int rc = transact(s, &w, in, &a);
	snprintf(what, sizeof(what), "%sR answered, Result-Code 2001", name);
	check(rc == 0 && result_of(&a) == 2001, what);
	return rc;
}

static int connect_retry(const struct opts *o)
{
	int fd = -ECONNREFUSED;
	for (unsigned i = 0; i <= o->wait_s * 10; i++) {
		fd = sio_connect(o->ip, o->port, 2);
		if (fd >= 0 || fd != -ECONNREFUSED)
			break;
		usleep(100 * 1000);
	}
	return fd;
}

static void usage(void)
{
	puts("usage: " PROG " --connect IP:PORT [--wait SEC] [--origin-host FQDN] [--realm R]\n"
	     "         [--dest-realm R] [--impi S --impu URI [--k HEX (--op|--opc) HEX]]\n"
	     "  CER/CEA, then MAR/MAA (with --impi; the vector is verified with --k/--op),\n"
	     "  DWR/DWA and DPR/DPA over one-to-one SCTP (PPID 46). --wait retries the\n"
	     "  connection for SEC seconds. Exit 0 pass, 1 fail, 77 no SCTP in this kernel.");
}

static void parse_connect(struct opts *o, const char *v)
{
	const char *c = strrchr(v, ':');
	if (!c || (size_t)(c - v) >= sizeof(o->ip))
		cli_usage_error(PROG, "--connect: expected IP:PORT, got '%s'", v);
	memcpy(o->ip, v, (size_t)(c - v));
	o->ip[c - v] = 0;
	o->port = (unsigned)cli_uint(PROG, "--connect", c + 1, 1, 65535);
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"connect", 1, 0, 'c'}, {"wait", 1, 0, 'w'}, {"origin-host", 1, 0, 'h'},
		{"realm", 1, 0, 'r'}, {"dest-realm", 1, 0, 'd'}, {"impi", 1, 0, 'i'},
		{"impu", 1, 0, 'u'}, {"k", 1, 0, 'k'}, {"op", 1, 0, 'o'}, {"opc", 1, 0, 'O'},
		{"help", 0, 0, 'H'}, {0, 0, 0, 0}};
	uint8_t op[AKA_OP_LEN];
	int opt, have_k = 0, have_op = 0;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'c': parse_connect(o, optarg); break;
		case 'w': o->wait_s = (unsigned)cli_uint(PROG, "--wait", optarg, 0, 600); break;
		case 'h': o->host = optarg; break;
		case 'r': o->realm = optarg; break;
		case 'd': o->dest_realm = optarg; break;
		case 'i': o->impi = optarg; break;
		case 'u': o->impu = optarg; break;
		case 'k': cli_hex_exact(PROG, "--k", optarg, o->keys.k, AKA_K_LEN); have_k = 1; break;
		case 'o': cli_hex_exact(PROG, "--op", optarg, op, AKA_OP_LEN); have_op = 1; break;
		case 'O': cli_hex_exact(PROG, "--opc", optarg, o->keys.opc, AKA_OP_LEN); have_op = 2; break;
		case 'H': usage(); exit(0);
		default: cli_usage_error(PROG, "unknown argument '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
	if (!o->port)
		cli_usage_error(PROG, "--connect: missing");
	if (!o->impi != !o->impu)
		cli_usage_error(PROG, "--impi and --impu go together");
	if (have_k != !!have_op)
		cli_usage_error(PROG, "--k needs --op or --opc (and the other way round)");
	if (have_op == 1 && aka_opc_from_op(o->keys.k, op, o->keys.opc) < 0)
		cli_usage_error(PROG, "--op: cannot derive OPc");
	o->have_keys = have_k;
}

int main(int argc, char **argv)
{
	struct opts o = {.host = "sctp-client.ims.mnc001.mcc001.3gppnetwork.org",
			 .realm = "ims.mnc001.mcc001.3gppnetwork.org"};
	o.keys.algo = AKA_ALGO_MILENAGE;
	parse_args(&o, argc, argv);
	if (!o.dest_realm)
		o.dest_realm = o.realm;
	int p = sio_probe();
	if (p < 0) {
		printf("skipped: this kernel has no SCTP (%s)\n", strerror(-p));
		return SCTP_TEST_SKIP;
	}
	struct session s = {.o = &o, .hbh = (uint32_t)getpid() << 8};
	s.fd = connect_retry(&o);
	if (s.fd < 0) {
		printf("FAIL - SCTP connect to %s:%u: %s\n", o.ip, o.port, strerror(-s.fd));
		return 1;
	}
	check(sio_established(s.fd) == 1, "SCTP association ESTABLISHED");
	if (do_cer(&s) == 0) {
		if (o.impi)
			do_mar(&s);
		do_simple(&s, DIAM_CMD_DW, "DW");
		do_simple(&s, DIAM_CMD_DP, "DP");
	}
	close(s.fd);
	printf("%s: %s\n", PROG, fails ? "FAILED" : "passed");
	return fails ? 1 : 0;
}
