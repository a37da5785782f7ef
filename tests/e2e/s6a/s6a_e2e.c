/* End-to-end S6a test: two C "MMEs" against a real hssd on a free loopback
 * port with a temporary store provisioned by hss-ctl exactly as
 * docs/hss-s6a.md shows (demo subscriber, APNs internet and ims).
 *
 *   s6a_e2e --hssd PATH --hss-ctl PATH (flow|tshark)
 *
 * flow:   CER advertising S6a (CEA must advertise it too), AIR with two
 *         E-UTRAN vectors checked with common/aka (MAC-A, XRES, AMF
 *         separation bit, KASME recomputed), unknown IMSI 5001, bad PLMN
 *         5004 + Failed-AVP, ULR (Subscription-Data with both APNs), PUR,
 *         a second MME's ULR -> CLR (MME_UPDATE_PROCEDURE) to the first,
 *         `hss-ctl apn add ims --update` -> IDR to the serving MME, DPR.
 * tshark: the same flow captured by dumpcap; tshark -V must show the
 *         APN-Configuration-Profile with both APNs and nothing malformed or
 *         flagged at expert level warning or above.
 *
 * Exit 0 pass, 1 fail, 77 skipped (reason printed). hssd and dumpcap are
 * killed on every exit path (atexit + a 60 s alarm). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aka/aka.h"
#include "diameter/diam.h"
#include "util/ct.h"
#include "util/hex.h"

#include "e2e.h"

#define V3 DIAM_VENDOR_3GPP
#define HSS_HOST "hss.epc.test"
#define REALM "epc.test"
#define MME1 "mme1.epc.test"
#define MME2 "mme2.epc.test"
#define IMSI "001010000000001"
#define MAX_MSG E2E_MAX_MSG
/* S6a AVPs used here beyond diameter/codes.h (TS 29.272 §7.3). */
#define AVP_PUA_FLAGS 1442u
#define AVP_APN_CONFIGURATION_PROFILE 1429u
#define AVP_APN_CONFIGURATION 1430u
#define AVP_CONTEXT_IDENTIFIER 1423u
#define AVP_EPS_QOS 1431u
#define AVP_QCI 1028u
#define AVP_ARP 1034u
#define AVP_PRIORITY_LEVEL 1046u
#define AVP_RAT_TYPE 1032u

static const uint8_t plmn[3] = {0x00, 0xf1, 0x10}; /* MCC 001, MNC 01 */

/* The demo provisioning of docs/hss-s6a.md. */
static int provision(void)
{
	return e2e_ctl("add --imsi " IMSI " --impi " IMSI "@ims.mnc001.mcc001.3gppnetwork.org "
		       "--impu sip:" IMSI "@ims.mnc001.mcc001.3gppnetwork.org --k " E2E_K_HEX
		       " --opc " E2E_OPC_HEX) ||
	       e2e_ctl("apn add internet --pdn-type ipv4v6 --qci 9 --arp-priority 8") ||
	       e2e_ctl("apn add ims --pdn-type ipv4v6 --qci 5 --arp-priority 1") ||
	       e2e_ctl("apn assign " IMSI " internet --default") ||
	       e2e_ctl("apn assign " IMSI " ims") ||
	       e2e_ctl("set-eps " IMSI " --msisdn 15550000001 --ambr-ul 50000000 --ambr-dl 100000000");
}

static int start_hssd(void)
{
	static const char *const args[] = { "--listen", "tcp://127.0.0.1:0", "--origin-host",
					    HSS_HOST, "--realm", REALM, "--peer", MME1, "--peer",
					    MME2, "--log-level", "debug", NULL };

	return e2e_start_hssd(args);
}

/* ---- client --------------------------------------------------------------------- */
struct mme {
	const char *host;
	struct e2e_client cl;
};

static int send_all(struct mme *c, const uint8_t *b, ssize_t n)
{
	return e2e_send(&c->cl, b, n);
}

static ssize_t recv_msg(struct mme *c, uint8_t *out, int timeout_ms)
{
	return e2e_recv(&c->cl, out, MAX_MSG, timeout_ms);
}

static long recv_answer(struct mme *c, uint8_t *b, struct diam_msg *m)
{
	return e2e_recv_answer(&c->cl, b, m);
}

/* CER advertising S6a as a Vendor-Specific-Application-Id; the CEA must
 * be 2001 and advertise {10415, 16777251} too. */
static int mme_open(struct mme *c, const char *host)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_iter it;
	struct diam_avp a, x;
	uint32_t v;
	bool s6a = false;

	c->host = host;
	if (e2e_connect(&c->cl, false) ||
	    send_all(c, b, e2e_build_cer(b, sizeof(b), host, REALM, "s6a_e2e", V3, DIAM_APP_S6A)))
		return 1;
	CHECK(recv_answer(c, b, &m) == 2001, "CEA to %s is not 2001", host);
	diam_iter_msg(&it, &m);
	while (diam_iter_next(&it, &a) == 1)
		if (a.code == AVP_VENDOR_SPECIFIC_APPLICATION_ID &&
		    diam_group_find(&a, AVP_AUTH_APPLICATION_ID, 0, &x) == 0 &&
		    diam_avp_u32(&x, &v) == 0 && v == DIAM_APP_S6A &&
		    diam_group_find(&a, AVP_VENDOR_ID, 0, &x) == 0 && diam_avp_u32(&x, &v) == 0 &&
		    v == V3)
			s6a = true;
	CHECK(s6a, "CEA does not advertise Vendor-Specific-Application-Id {10415, S6a}");
	return 0;
}

static void req_head(struct diam_wr *w, uint8_t *b, const struct mme *c, uint32_t cmd,
		     const char *imsi)
{
	char sid[128];

	diam_session_id(c->host, sid, sizeof(sid));
	diam_wr_init(w, b, MAX_MSG);
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, DIAM_APP_S6A, diam_next_hbh(),
		     diam_next_e2e());
	diam_put_str(w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(w, V3, DIAM_APP_S6A);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, c->host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_str(w, AVP_DESTINATION_HOST, 0, HSS_HOST);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, REALM);
	diam_put_str(w, AVP_USER_NAME, 0, imsi);
}

static ssize_t build_air(uint8_t *b, const struct mme *c, const char *imsi, unsigned n,
			 const uint8_t *p)
{
	struct diam_wr w;

	req_head(&w, b, c, DIAM_CMD_AI, imsi);
	diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
	diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, n);
	diam_put_u32(&w, AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, V3, 0);
	diam_group_end(&w);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, p, 3);
	return diam_wr_finish(&w);
}

static ssize_t build_ulr(uint8_t *b, const struct mme *c, uint32_t flags)
{
	struct diam_wr w;

	req_head(&w, b, c, DIAM_CMD_UL, IMSI);
	diam_put_u32(&w, AVP_RAT_TYPE, V3, 1004); /* EUTRAN */
	diam_put_u32(&w, AVP_S6A_ULR_FLAGS, V3, flags);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, 3);
	return diam_wr_finish(&w);
}

/* ---- checks ------------------------------------------------------------------- */
static struct aka_keys keys;

static int setup_keys(void)
{
	return e2e_set1_keys(&keys);
}

/* One E-UTRAN-Vector: MAC-A, XRES, AMF separation bit, KASME (A.2). */
static int check_vector(const struct diam_avp *v, uint64_t *last)
{
	return e2e_check_eutran(&keys, v, plmn, last);
}

static int do_air(struct mme *c, unsigned want, uint64_t *last)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_avp info, v;
	struct diam_iter it;
	unsigned got = 0;

	if (send_all(c, b, build_air(b, c, IMSI, want, plmn)))
		return 1;
	CHECK(recv_answer(c, b, &m) == 2001, "AIA is not 2001");
	CHECK(diam_msg_find(&m, AVP_S6A_AUTHENTICATION_INFO, V3, &info) == 0, "no Authentication-Info");
	diam_iter_group(&it, &info);
	while (diam_iter_next(&it, &v) == 1)
		if (v.code == AVP_S6A_EUTRAN_VECTOR && !check_vector(&v, last))
			got++;
	CHECK(got == want, "%u good E-UTRAN vectors, expected %u", got, want);
	return 0;
}

static int air_errors(struct mme *c)
{
	static const uint8_t bad[3] = {0xab, 0xf1, 0x10};
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_avp fa, a;

	if (send_all(c, b, build_air(b, c, "001019999999999", 1, plmn)))
		return 1;
	CHECK(recv_answer(c, b, &m) == 105001, "unknown IMSI: not Experimental-Result 5001");
	if (send_all(c, b, build_air(b, c, IMSI, 1, bad)))
		return 1;
	CHECK(recv_answer(c, b, &m) == 5004, "bad Visited-PLMN-Id: not 5004");
	CHECK(diam_msg_find(&m, AVP_FAILED_AVP, 0, &fa) == 0 &&
	      diam_group_find(&fa, AVP_S6A_VISITED_PLMN_ID, V3, &a) == 0 && a.len == 3 &&
	      !memcmp(a.data, bad, 3), "5004 without the Visited-PLMN-Id in Failed-AVP");
	return 0;
}

/* Subscription-Data: internet (default, QCI 9) and ims (QCI 5). */
static int check_apns(const struct diam_msg *m, uint32_t ims_prio)
{
	struct diam_avp sd, prof, c, a, q, arp;
	struct diam_iter it;
	uint32_t def = 0, ctx, qci, prio;
	char name[64];
	int seen = 0;

	CHECK(diam_msg_find(m, AVP_S6A_SUBSCRIPTION_DATA, V3, &sd) == 0, "no Subscription-Data");
	CHECK(diam_group_find(&sd, AVP_APN_CONFIGURATION_PROFILE, V3, &prof) == 0,
	      "no APN-Configuration-Profile");
	CHECK(diam_group_find(&prof, AVP_CONTEXT_IDENTIFIER, V3, &a) == 0 && diam_avp_u32(&a, &def) == 0,
	      "no default Context-Identifier");
	diam_iter_group(&it, &prof);
	while (diam_iter_next(&it, &c) == 1) {
		if (c.code != AVP_APN_CONFIGURATION)
			continue;
		CHECK(diam_group_find(&c, AVP_SERVICE_SELECTION, 0, &a) == 0 &&
		      diam_avp_str(&a, name, sizeof(name)) == 0, "no Service-Selection");
		CHECK(diam_group_find(&c, AVP_CONTEXT_IDENTIFIER, V3, &a) == 0 &&
		      diam_avp_u32(&a, &ctx) == 0, "no Context-Identifier");
		CHECK(diam_group_find(&c, AVP_EPS_QOS, V3, &q) == 0 &&
		      diam_group_find(&q, AVP_QCI, V3, &a) == 0 && diam_avp_u32(&a, &qci) == 0 &&
		      diam_group_find(&q, AVP_ARP, V3, &arp) == 0 &&
		      diam_group_find(&arp, AVP_PRIORITY_LEVEL, V3, &a) == 0 &&
		      diam_avp_u32(&a, &prio) == 0, "no EPS-Subscribed-QoS-Profile");
		if (!strcmp(name, "internet")) {
			CHECK(qci == 9 && ctx == def, "internet: QCI %u, default %u", qci, ctx == def);
			seen |= 1;
		} else if (!strcmp(name, "ims")) {
			CHECK(qci == 5 && prio == ims_prio && ctx != def, "ims: QCI %u ARP %u", qci, prio);
			seen |= 2;
		}
	}
	CHECK(seen == 3, "APN-Configuration-Profile lacks internet or ims");
	return 0;
}

static int do_ulr(struct mme *c, uint32_t flags)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	uint32_t ula;

	if (send_all(c, b, build_ulr(b, c, flags)))
		return 1;
	CHECK(recv_answer(c, b, &m) == 2001, "ULA to %s is not 2001", c->host);
	CHECK(diam_msg_u32(&m, AVP_S6A_ULA_FLAGS, V3, &ula) == 0, "no ULA-Flags");
	return check_apns(&m, 1);
}

static int do_pur(struct mme *c)
{
	uint8_t b[MAX_MSG];
	struct diam_wr w;
	struct diam_msg m;
	uint32_t f = 0;

	req_head(&w, b, c, DIAM_CMD_PU, IMSI);
	if (send_all(c, b, diam_wr_finish(&w)))
		return 1;
	CHECK(recv_answer(c, b, &m) == 2001, "PUA is not 2001");
	CHECK(diam_msg_u32(&m, AVP_PUA_FLAGS, V3, &f) == 0 && f == 1, "PUA-Flags %u, not Freeze-M-TMSI", f);
	return 0;
}

/* Waits for an HSS-initiated request of cmd, answers it with 2001. */
static int expect_request(struct mme *c, uint32_t cmd, struct diam_msg *m, uint8_t *b)
{
	uint8_t a[MAX_MSG];
	struct diam_wr w;
	ssize_t n = recv_msg(c, b, 5000);

	CHECK(n > 0 && diam_msg_parse(b, (size_t)n, m) == 0, "%s got no request", c->host);
	CHECK((m->hdr.flags & DIAM_FLAG_R) && m->hdr.code == cmd && m->hdr.app_id == DIAM_APP_S6A,
	      "%s: expected S6a request %u, got %u", c->host, cmd, m->hdr.code);
	diam_wr_init(&w, a, sizeof(a));
	diam_answer_begin(&w, m);
	diam_put_vendor_app(&w, V3, DIAM_APP_S6A);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, c->host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	return send_all(c, a, diam_wr_finish(&w));
}

static int handover_clr(struct mme *m1, struct mme *m2)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	uint32_t ct = 99;
	char s[64];

	if (do_ulr(m2, 1u << 1))
		return 1;
	if (expect_request(m1, DIAM_CMD_CL, &m, b))
		return 1;
	CHECK(diam_msg_str(&m, AVP_USER_NAME, 0, s, sizeof(s)) == 0 && !strcmp(s, IMSI),
	      "CLR User-Name");
	CHECK(diam_msg_str(&m, AVP_DESTINATION_HOST, 0, s, sizeof(s)) == 0 && !strcmp(s, MME1),
	      "CLR Destination-Host");
	CHECK(diam_msg_u32(&m, AVP_S6A_CANCELLATION_TYPE, V3, &ct) == 0 && ct == 0,
	      "Cancellation-Type %u, not MME_UPDATE_PROCEDURE", ct);
	return 0;
}

/* An APN profile change while MME2 serves the user: IDR within seconds. */
static int profile_idr(struct mme *m2)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;

	if (e2e_ctl("apn add ims --update --arp-priority 2"))
		return 1;
	if (expect_request(m2, DIAM_CMD_ID, &m, b))
		return 1;
	return check_apns(&m, 2);
}

static int dpr(struct mme *c)
{
	uint8_t b[MAX_MSG];
	struct diam_wr w;
	struct diam_msg m;

	diam_wr_init(&w, b, sizeof(b));
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_DP, 0, diam_next_hbh(), diam_next_e2e());
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, c->host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_i32(&w, AVP_DISCONNECT_CAUSE, 0, 0);
	if (send_all(c, b, diam_wr_finish(&w)))
		return 1;
	CHECK(recv_answer(c, b, &m) == 2001, "DPA is not 2001");
	e2e_close(&c->cl);
	return 0;
}

static int flow(void)
{
	static struct mme m1, m2;
	uint64_t last = 0;

	if (mme_open(&m1, MME1) || do_air(&m1, 2, &last) || air_errors(&m1) ||
	    do_ulr(&m1, (1u << 1) | (1u << 5)) || do_pur(&m1) || do_ulr(&m1, 1u << 1) ||
	    mme_open(&m2, MME2) || do_air(&m2, 1, &last) || handover_clr(&m1, &m2) ||
	    profile_idr(&m2) || dpr(&m1) || dpr(&m2))
		return 1;
	return 0;
}

/* ---- tshark --------------------------------------------------------------------- */
static int case_tshark(void)
{
	static char out[1 << 20];
	char pcap[300], cmd[1024];
	int rc;

	snprintf(pcap, sizeof(pcap), "%s/s6a.pcap", e2e.dir);
	if ((rc = e2e_capture_start(pcap)) != 0)
		return rc;
	if (flow())
		return 1;
	e2e_capture_stop();
	/* The whole decode: both APNs inside an APN-Configuration-Profile. */
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -d tcp.port==%u,diameter -V -Y "
		 "'diameter.cmd.code == 316 && diameter.flags.request == 0' 2>/dev/null", pcap, e2e.port);
	e2e_popen_read(cmd, out, sizeof(out));
	CHECK(strstr(out, "APN-Configuration-Profile"), "tshark shows no APN-Configuration-Profile");
	CHECK(strstr(out, "Service-Selection: internet"), "tshark shows no APN internet:\n%.4000s", out);
	CHECK(strstr(out, "Service-Selection: ims"), "tshark shows no APN ims");
	/* Nothing hssd sent is malformed or an expert warning/error, except the
	 * 5004 answer: its Failed-AVP echoes the deliberately bad
	 * Visited-PLMN-Id (RFC 6733 §7.5), which Wireshark rightly flags. */
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -d tcp.port==%u,diameter -Y 'tcp.srcport == %u "
		 "&& (_ws.malformed || _ws.expert.severity >= warning) && "
		 "!(diameter.Result-Code == 5004)' 2>/dev/null", pcap, e2e.port, e2e.port);
	e2e_popen_read(cmd, out, sizeof(out));
	CHECK(out[0] == '\0', "tshark reports malformed packets or expert warnings:\n%s", out);
	/* Every S6a message of the flow was decoded as such. */
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -d tcp.port==%u,diameter -Y "
		 "'diameter.applicationId == 16777251' 2>/dev/null | wc -l", pcap, e2e.port);
	e2e_popen_read(cmd, out, sizeof(out));
	CHECK(atoi(out) >= 16, "tshark decoded only %d S6a messages", atoi(out));
	return 0;
}

int main(int argc, char **argv)
{
	const char *which = e2e_args(argc, argv);
	int rc;

	if (!e2e.hssd_path || !which || (strcmp(which, "flow") && strcmp(which, "tshark"))) {
		fprintf(stderr, "usage: s6a_e2e --hssd PATH --hss-ctl PATH (flow|tshark)\n");
		return 2;
	}
	if (!e2e.ctl_path) {
		printf("skipped: hss-ctl not built\n");
		return 77;
	}
	if (e2e_init("s6a-e2e", "S6A_E2E_KEEP", 60))
		return 1;
	if (setup_keys() || provision() || start_hssd())
		return 1;
	rc = !strcmp(which, "flow") ? flow() : case_tshark();
	if (rc == 0)
		printf("ok: s6a %s\n", which);
	else if (rc == 1)
		fprintf(stderr, "hssd log: %s/hssd.log (S6A_E2E_KEEP=1 keeps it)\n", e2e.dir);
	return rc;
}
