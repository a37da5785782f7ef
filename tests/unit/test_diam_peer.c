/* The RFC 6733 peer state machine without sockets: CER/CEA negotiation,
 * allow-list (3010), no common application (5010), relay peers, DWR/DWA
 * both ways with Tw, DPR/DPA both ways, rejects; and conn.c framing with
 * several messages per segment and messages split across segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diameter/conn.h"
#include "diameter/diam.h"
#include "diameter/peer.h"

#define V3 DIAM_VENDOR_3GPP
#define SCSCF "scscf.ims.test"

static uint8_t sent[8][2048];
static size_t sent_len[8];
static int nsent;

static int capture(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	assert_true(nsent < 8 && len <= sizeof(sent[0]));
	memcpy(sent[nsent], buf, len);
	sent_len[nsent++] = len;
	return 0;
}

static const struct diam_app apps[] = { { V3, DIAM_APP_CX } };
static const struct diam_local local = {
	.origin_host = "hss.ims.test", .origin_realm = "ims.test", .product_name = "hssd",
	.origin_state_id = 1234, .apps = apps, .napps = 1,
};
static const char *const allowed[] = { SCSCF, "fd.test" };
static const struct diam_peer_cfg cfg = {
	.local = &local, .allowed = allowed, .nallowed = 2, .tw_ms = 30000,
};

static ssize_t cer(uint8_t *b, size_t cap, const char *host, uint32_t vendor, uint32_t app)
{
	struct diam_wr w;

	diam_wr_init(&w, b, cap);
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_CE, 0, 10, 20);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "ims.test");
	diam_put_u32(&w, AVP_VENDOR_ID, 0, V3);
	diam_put_str(&w, AVP_PRODUCT_NAME, 0, "CDiameterPeer");
	if (vendor)
		diam_put_vendor_app(&w, vendor, app);
	else
		diam_put_u32(&w, AVP_AUTH_APPLICATION_ID, 0, app);
	return diam_wr_finish(&w);
}

static uint32_t result_of(int i)
{
	struct diam_msg m;
	uint32_t rc = 0;

	assert_int_equal(diam_msg_parse(sent[i], sent_len[i], &m), 0);
	assert_int_equal(diam_msg_u32(&m, AVP_RESULT_CODE, 0, &rc), 0);
	return rc;
}

static void open_peer(struct diam_peer *p)
{
	uint8_t b[512];
	ssize_t n = cer(b, sizeof(b), SCSCF, V3, DIAM_APP_CX);

	nsent = 0;
	diam_peer_init(p, &cfg, capture, NULL);
	diam_peer_accepted(p, NULL, 1000);
	assert_int_equal(diam_peer_rx(p, b, (size_t)n, 1000), DIAM_PA_OPENED);
	assert_int_equal(p->state, DIAM_PS_OPEN);
	assert_string_equal(p->host, SCSCF);
}

static void test_cer_ok(void **state)
{
	struct diam_peer p;
	struct diam_msg m;
	struct diam_avp a, g;
	uint32_t v;

	(void)state;
	open_peer(&p);
	assert_int_equal(nsent, 1);
	assert_int_equal(result_of(0), 2001);
	diam_msg_parse(sent[0], sent_len[0], &m);
	assert_int_equal(m.hdr.flags, 0);
	assert_int_equal(m.hdr.hbh, 10);
	/* Cx advertised as Vendor-Specific-Application-Id (kamailio-interop.md). */
	assert_int_equal(diam_msg_find(&m, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, &a), 0);
	assert_int_equal(diam_group_find(&a, AVP_AUTH_APPLICATION_ID, 0, &g), 0);
	assert_int_equal(diam_avp_u32(&g, &v), 0);
	assert_int_equal(v, DIAM_APP_CX);
	assert_int_equal(diam_msg_u32(&m, AVP_SUPPORTED_VENDOR_ID, 0, &v), 0);
	assert_int_equal(v, V3);
	assert_int_equal(diam_msg_u32(&m, AVP_ORIGIN_STATE_ID, 0, &v), 0);
	assert_int_equal(v, 1234);
}

static void test_cer_rejects(void **state)
{
	struct diam_peer p;
	uint8_t b[512];
	ssize_t n;

	(void)state;
	nsent = 0;
	diam_peer_init(&p, &cfg, capture, NULL);
	diam_peer_accepted(&p, NULL, 0);
	n = cer(b, sizeof(b), "evil.test", V3, DIAM_APP_CX);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 0), DIAM_PA_CLOSE);
	assert_int_equal(result_of(0), 3010);
	assert_int_equal(sent[0][4] & DIAM_FLAG_E, DIAM_FLAG_E);

	diam_peer_init(&p, &cfg, capture, NULL);
	diam_peer_accepted(&p, NULL, 0);
	n = cer(b, sizeof(b), SCSCF, 0, 4); /* only Credit-Control */
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 0), DIAM_PA_CLOSE);
	assert_int_equal(result_of(1), 5010);

	/* freeDiameterd: Relay only, from an allowed peer → accepted. */
	diam_peer_init(&p, &cfg, capture, NULL);
	diam_peer_accepted(&p, NULL, 0);
	n = cer(b, sizeof(b), "FD.test", 0, DIAM_APP_RELAY);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 0), DIAM_PA_OPENED);
	assert_true(p.relay);
	assert_int_equal(result_of(2), 2001);
}

static void test_accept_any(void **state)
{
	struct diam_peer_cfg any = cfg;
	struct diam_peer p;
	uint8_t b[512];
	ssize_t n = cer(b, sizeof(b), "whoever.test", V3, DIAM_APP_CX);

	(void)state;
	any.accept_any = true;
	nsent = 0;
	diam_peer_init(&p, &any, capture, NULL);
	diam_peer_accepted(&p, NULL, 0);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 0), DIAM_PA_OPENED);
}

static ssize_t base_req(uint8_t *b, size_t cap, uint32_t code, bool with_cause)
{
	struct diam_wr w;

	diam_wr_init(&w, b, cap);
	diam_put_hdr(&w, DIAM_FLAG_R, code, 0, 77, 88);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "ims.test");
	if (with_cause)
		diam_put_i32(&w, AVP_DISCONNECT_CAUSE, 0, 0);
	return diam_wr_finish(&w);
}

static void test_before_cer(void **state)
{
	struct diam_peer p;
	uint8_t b[512];
	ssize_t n = base_req(b, sizeof(b), DIAM_CMD_DW, false);

	(void)state;
	nsent = 0;
	diam_peer_init(&p, &cfg, capture, NULL);
	diam_peer_accepted(&p, NULL, 0);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 0), DIAM_PA_CLOSE);
	assert_int_equal(nsent, 0);
	/* No CER within Tw → close. */
	diam_peer_accepted(&p, NULL, 0);
	assert_int_equal(diam_peer_tick(&p, 29999), DIAM_PA_NONE);
	assert_int_equal(diam_peer_tick(&p, 30000), DIAM_PA_CLOSE);
}

static void test_dwr_dpr(void **state)
{
	struct diam_peer p;
	uint8_t b[512];
	struct diam_msg m;
	ssize_t n;

	(void)state;
	open_peer(&p);
	n = base_req(b, sizeof(b), DIAM_CMD_DW, false);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 2000), DIAM_PA_NONE);
	assert_int_equal(nsent, 2);
	assert_int_equal(result_of(1), 2001);
	diam_msg_parse(sent[1], sent_len[1], &m);
	assert_int_equal(m.hdr.code, DIAM_CMD_DW);
	assert_int_equal(m.hdr.hbh, 77);
	n = base_req(b, sizeof(b), DIAM_CMD_DP, true);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 2000), DIAM_PA_CLOSE);
	assert_int_equal(result_of(2), 2001);
	diam_msg_parse(sent[2], sent_len[2], &m);
	assert_int_equal(m.hdr.code, DIAM_CMD_DP);
}

/* RFC 3539 §3.4: DWR after Tw of silence, close after another Tw without
 * a DWA. Tw is Twinit (30 s) ± 2 s of jitter, drawn anew at every arming
 * (§3.4.1), so the times below are read from the peer. */
static void test_watchdog(void **state)
{
	struct diam_peer p;
	struct diam_msg m;
	uint8_t b[512];
	struct diam_wr w;
	ssize_t n;
	unsigned tw;

	(void)state;
	open_peer(&p); /* last rx at 1000 */
	tw = p.tw_cur_ms;
	assert_in_range(tw, 28000, 32000);
	assert_int_equal(diam_peer_next_timer(&p, 1000), tw);
	assert_int_equal(diam_peer_tick(&p, 1000 + tw - 1), DIAM_PA_NONE);
	assert_int_equal(nsent, 1);
	assert_int_equal(diam_peer_tick(&p, 1000 + tw), DIAM_PA_NONE);
	assert_int_equal(nsent, 2); /* DWR sent */
	diam_msg_parse(sent[1], sent_len[1], &m);
	assert_int_equal(m.hdr.code, DIAM_CMD_DW);
	assert_int_equal(m.hdr.flags, DIAM_FLAG_R);
	/* Its DWA clears the watchdog and re-arms it with a new jitter. */
	diam_wr_init(&w, b, sizeof(b));
	diam_put_hdr(&w, 0, DIAM_CMD_DW, 0, m.hdr.hbh, m.hdr.e2e);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "ims.test");
	n = diam_wr_finish(&w);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 31500), DIAM_PA_NONE);
	assert_false(p.dwr_pending);
	tw = p.tw_cur_ms;
	assert_in_range(tw, 28000, 32000);
	/* Silence again: DWR at 31500 + Tw, close Tw later. */
	assert_int_equal(diam_peer_tick(&p, 31500 + tw), DIAM_PA_NONE);
	assert_true(p.dwr_pending);
	assert_int_equal(diam_peer_tick(&p, 31500 + 2 * tw - 1), DIAM_PA_NONE);
	assert_int_equal(diam_peer_tick(&p, 31500 + 2 * tw), DIAM_PA_CLOSE);
}

/* The jitter: every value within Twinit ± 2 s, and not all the same (two
 * peers started together do not watch in step); a short Twinit gets
 * ± Twinit/4 so it never reaches 0. */
static void test_watchdog_jitter(void **state)
{
	struct diam_peer_cfg c = cfg;
	struct diam_peer p;
	unsigned lo = UINT32_MAX, hi = 0;

	(void)state;
	for (int i = 0; i < 200; i++) {
		diam_peer_init(&p, &c, capture, NULL);
		lo = p.tw_cur_ms < lo ? p.tw_cur_ms : lo;
		hi = p.tw_cur_ms > hi ? p.tw_cur_ms : hi;
	}
	assert_in_range(lo, 28000, 30000);
	assert_in_range(hi, 30000, 32000);
	assert_true(hi - lo > 1000);
	c.tw_ms = 1000;
	for (int i = 0; i < 200; i++) {
		diam_peer_init(&p, &c, capture, NULL);
		assert_in_range(p.tw_cur_ms, 750, 1250);
	}
}

static void test_disconnect(void **state)
{
	struct diam_peer p;
	struct diam_msg m;
	uint8_t b[512];
	struct diam_wr w;
	int32_t cause;
	ssize_t n;

	(void)state;
	open_peer(&p);
	assert_int_equal(diam_peer_disconnect(&p, 0, 5000), DIAM_PA_NONE);
	assert_int_equal(p.state, DIAM_PS_CLOSING);
	diam_msg_parse(sent[1], sent_len[1], &m);
	assert_int_equal(m.hdr.code, DIAM_CMD_DP);
	{
		struct diam_avp a;

		assert_int_equal(diam_msg_find(&m, AVP_DISCONNECT_CAUSE, 0, &a), 0);
		assert_int_equal(diam_avp_i32(&a, &cause), 0);
		assert_int_equal(cause, 0);
	}
	diam_wr_init(&w, b, sizeof(b));
	diam_put_hdr(&w, 0, DIAM_CMD_DP, 0, m.hdr.hbh, m.hdr.e2e);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "ims.test");
	n = diam_wr_finish(&w);
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 5100), DIAM_PA_CLOSE);
	/* Without a DPA: closed after dpa_wait (2 s default). */
	open_peer(&p);
	diam_peer_disconnect(&p, 0, 5000);
	assert_int_equal(diam_peer_tick(&p, 6999), DIAM_PA_NONE);
	assert_int_equal(diam_peer_tick(&p, 7000), DIAM_PA_CLOSE);
}

static void test_app_messages(void **state)
{
	struct diam_peer p;
	uint8_t b[512];
	struct diam_wr w;
	ssize_t n;

	(void)state;
	open_peer(&p);
	diam_wr_init(&w, b, sizeof(b));
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 5, 6);
	diam_put_str(&w, AVP_SESSION_ID, 0, "s;1;1");
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, SCSCF);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "ims.test");
	n = diam_wr_finish(&w);
	/* Missing Destination-Realm etc. → 5005 answered here, not delivered. */
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 2000), DIAM_PA_NONE);
	assert_int_equal(nsent, 2);
	assert_int_equal(result_of(1), 5005);
	/* A bad version: answered 5011 and closed. */
	b[0] = 2;
	assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 2000), DIAM_PA_CLOSE);
	assert_int_equal(result_of(2), 5011);
}

/* Initiator side (what scscf-stub uses): CER out, CEA in. */
static void test_initiator(void **state)
{
	struct diam_peer p;
	struct diam_msg cer;
	struct diam_wr w;
	uint8_t b[512];
	uint32_t rc;
	ssize_t n;

	(void)state;
	nsent = 0;
	diam_peer_init(&p, &cfg, capture, NULL);
	assert_int_equal(diam_peer_connected(&p, NULL, 0), 0);
	assert_int_equal(p.state, DIAM_PS_WAIT_CEA);
	assert_int_equal(diam_msg_parse(sent[0], sent_len[0], &cer), 0);
	assert_int_equal(cer.hdr.code, DIAM_CMD_CE);
	assert_int_equal(cer.hdr.flags, DIAM_FLAG_R);
	assert_int_equal(diam_msg_count(&cer, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0), 1);
	for (rc = 2001; rc <= 5010; rc += 3009) {
		diam_wr_init(&w, b, sizeof(b));
		diam_answer_begin(&w, &cer);
		diam_put_u32(&w, AVP_RESULT_CODE, 0, rc);
		diam_put_str(&w, AVP_ORIGIN_HOST, 0, "hss.peer.test");
		diam_put_str(&w, AVP_ORIGIN_REALM, 0, "peer.test");
		diam_put_u32(&w, AVP_VENDOR_ID, 0, 0);
		diam_put_str(&w, AVP_PRODUCT_NAME, 0, "x");
		diam_put_vendor_app(&w, V3, DIAM_APP_CX);
		n = diam_wr_finish(&w);
		if (rc != 2001) {
			diam_peer_init(&p, &cfg, capture, NULL);
			diam_peer_connected(&p, NULL, 0);
		}
		assert_int_equal(diam_peer_rx(&p, b, (size_t)n, 10),
				 rc == 2001 ? DIAM_PA_OPENED : DIAM_PA_CLOSE);
	}
	/* No CEA within Tw. */
	diam_peer_init(&p, &cfg, capture, NULL);
	diam_peer_connected(&p, NULL, 0);
	assert_int_equal(diam_peer_tick(&p, 30000), DIAM_PA_CLOSE);
}

static void test_conn_framing(void **state)
{
	struct diam_conn c;
	uint8_t b[512], *p;
	const uint8_t *msg;
	size_t room, len;
	ssize_t n = base_req(b, sizeof(b), DIAM_CMD_DW, false);

	(void)state;
	assert_int_equal(diam_conn_init(&c), 0);
	/* Two messages and a half in one segment. */
	p = diam_conn_rspace(&c, &room);
	memcpy(p, b, (size_t)n);
	memcpy(p + n, b, (size_t)n);
	memcpy(p + 2 * n, b, 10);
	diam_conn_rcommit(&c, (size_t)(2 * n + 10));
	assert_int_equal(diam_conn_next(&c, &msg, &len), 1);
	assert_int_equal(len, n);
	assert_int_equal(diam_conn_next(&c, &msg, &len), 1);
	assert_int_equal(diam_conn_next(&c, &msg, &len), 0);
	assert_int_equal(diam_conn_partial(&c), 10);
	diam_conn_rcompact(&c);
	/* The rest, one octet at a time. */
	for (ssize_t i = 10; i < n; i++) {
		p = diam_conn_rspace(&c, &room);
		*p = b[i];
		diam_conn_rcommit(&c, 1);
		assert_int_equal(diam_conn_next(&c, &msg, &len), i == n - 1 ? 1 : 0);
	}
	assert_memory_equal(msg, b, (size_t)n);
	/* Garbage length → framing lost. */
	p = diam_conn_rspace(&c, &room);
	memcpy(p, "\x01\x00\x00\x05", 4);
	diam_conn_rcommit(&c, 4);
	assert_int_equal(diam_conn_next(&c, &msg, &len), -1);
	assert_int_equal(len, 4);
	/* Write side: queue, mark, truncate. */
	assert_int_equal(diam_conn_queue(&c, b, (size_t)n), 0);
	len = diam_conn_wmark(&c);
	assert_int_equal(diam_conn_queue(&c, b, (size_t)n), 0);
	assert_int_equal(diam_conn_wpending(&c), 2 * n);
	diam_conn_wtruncate(&c, len);
	assert_int_equal(diam_conn_wpending(&c), n);
	diam_conn_wconsume(&c, (size_t)n);
	assert_int_equal(diam_conn_wpending(&c), 0);
	diam_conn_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cer_ok),      cmocka_unit_test(test_cer_rejects),
		cmocka_unit_test(test_accept_any),  cmocka_unit_test(test_before_cer),
		cmocka_unit_test(test_dwr_dpr),     cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_watchdog_jitter),
		cmocka_unit_test(test_disconnect),  cmocka_unit_test(test_app_messages),
		cmocka_unit_test(test_initiator),   cmocka_unit_test(test_conn_framing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
