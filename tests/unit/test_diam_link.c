/* The Diameter connection object over real loopback TCP: a responder link
 * (as hssd holds) and an initiator link with check_answers (as scscf-stub
 * holds) exchange CER/CEA, a request and its answers — a good one
 * (DIAM_LE_ANSWER), a defective one (DIAM_LE_BAD_ANSWER, defect named,
 * connection kept) — then DPR/DPA, and a peer closing mid-message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <cmocka.h>

#include "diameter/link.h"

#define V3 DIAM_VENDOR_3GPP

static const struct diam_app apps[] = { { V3, DIAM_APP_CX } };
static const struct diam_local hss = {
	.origin_host = "hss.test", .origin_realm = "test", .product_name = "hssd",
	.apps = apps, .napps = 1,
};
static const struct diam_local scscf = {
	.origin_host = "scscf.test", .origin_realm = "test", .product_name = "scscf-stub",
	.apps = apps, .napps = 1,
};
static const char *const allowed[] = { "scscf.test" };
static const struct diam_peer_cfg srv_cfg = { .local = &hss, .allowed = allowed, .nallowed = 1 };
static const struct diam_peer_cfg cli_cfg = { .local = &scscf, .accept_any = true,
					      .check_answers = true };

/* Moves bytes both ways until `want` comes out of `on` (or 2 s pass). */
static enum diam_link_ev pump(struct diam_link *a, struct diam_link *b, struct diam_link *on,
			      enum diam_link_ev want, struct diam_msg *m)
{
	for (int i = 0; i < 200; i++) {
		struct pollfd p[2] = { { .fd = a->fd, .events = POLLIN }, { .fd = b->fd, .events = POLLIN } };
		enum diam_link_ev ev;

		if (a->connecting)
			assert_int_equal(diam_link_connected(a, 0), 0);
		assert_true(diam_link_flush(a) >= 0);
		assert_true(diam_link_flush(b) >= 0);
		poll(p, 2, 10);
		assert_true(diam_link_read(on, 0) >= 0);
		while ((ev = diam_link_next(on, 0, m)) != DIAM_LE_NONE)
			if (ev == want)
				return ev;
		/* The other side answers whatever the peer machine handles. */
		{
			struct diam_link *o = on == a ? b : a;
			struct diam_msg x;

			assert_true(diam_link_read(o, 0) >= 0);
			while (diam_link_next(o, 0, &x) != DIAM_LE_NONE)
				;
			diam_link_compact(o);
		}
	}
	fail_msg("event %d not seen", want);
	return DIAM_LE_NONE;
}

static ssize_t mar(uint8_t *b, size_t cap, uint32_t hbh)
{
	struct diam_wr w;

	diam_wr_init(&w, b, cap);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, hbh, 9);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf.test;1;1");
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "scscf.test");
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "test");
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, "test");
	diam_put_str(&w, AVP_USER_NAME, 0, "user@test");
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, "sip:user@test");
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, "Digest-AKAv1-MD5");
	diam_group_end(&w);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, 1);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3, "sip:scscf.test");
	return diam_wr_finish(&w);
}

static ssize_t maa(uint8_t *b, size_t cap, const struct diam_msg *req, bool both)
{
	struct diam_wr w;

	diam_wr_init(&w, b, cap);
	diam_answer_begin(&w, req);
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	if (both)
		diam_put_exp_result(&w, V3, 5001);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "hss.test");
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "test");
	return diam_wr_finish(&w);
}

static void test_link_session(void **state)
{
	struct diam_link srv, cli;
	struct diam_endpoint ep;
	struct diam_msg m, req;
	uint8_t b[1024], rq[1024];
	uint16_t port;
	ssize_t n;
	int lfd, rc = -EAGAIN;

	(void)state;
	assert_int_equal(diam_endpoint_parse("tcp://127.0.0.1:0", &ep), 0);
	lfd = diam_listen(&ep, &port);
	assert_true(lfd >= 0);
	ep.port = port;
	assert_int_equal(diam_link_init(&srv, &srv_cfg), 0);
	assert_int_equal(diam_link_init(&cli, &cli_cfg), 0);
	assert_int_equal(diam_link_connect(&cli, &ep, 0), 0);
	assert_true(cli.connecting);
	for (int i = 0; i < 100 && rc == -EAGAIN; i++) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		poll(&p, 1, 20);
		rc = diam_link_accept(&srv, lfd, DIAM_PROTO_TCP, 0);
	}
	assert_int_equal(rc, 0);
	assert_string_equal(srv.xp->name, "tcp");
	/* CER → CEA: both sides open. */
	assert_int_equal(pump(&cli, &srv, &srv, DIAM_LE_OPENED, &m), DIAM_LE_OPENED);
	assert_string_equal(srv.peer.host, "scscf.test");
	assert_int_equal(pump(&cli, &srv, &cli, DIAM_LE_OPENED, &m), DIAM_LE_OPENED);
	assert_true(diam_link_is_open(&cli));
	/* A request, a good answer. */
	n = mar(rq, sizeof(rq), 77);
	assert_int_equal(diam_link_send(&cli, rq, (size_t)n), 0);
	assert_int_equal(pump(&cli, &srv, &srv, DIAM_LE_REQUEST, &req), DIAM_LE_REQUEST);
	assert_int_equal(req.hdr.hbh, 77);
	n = maa(b, sizeof(b), &req, false);
	assert_int_equal(diam_link_send(&srv, b, (size_t)n), 0);
	diam_link_compact(&srv);
	assert_int_equal(pump(&cli, &srv, &cli, DIAM_LE_ANSWER, &m), DIAM_LE_ANSWER);
	assert_int_equal(m.hdr.hbh, 77);
	/* A defective one: reported with its defect, the link stays open. */
	n = mar(rq, sizeof(rq), 78);
	assert_int_equal(diam_link_send(&cli, rq, (size_t)n), 0);
	assert_int_equal(pump(&cli, &srv, &srv, DIAM_LE_REQUEST, &req), DIAM_LE_REQUEST);
	n = maa(b, sizeof(b), &req, true);
	assert_int_equal(diam_link_send(&srv, b, (size_t)n), 0);
	diam_link_compact(&srv);
	assert_int_equal(pump(&cli, &srv, &cli, DIAM_LE_BAD_ANSWER, &m), DIAM_LE_BAD_ANSWER);
	assert_int_equal(m.hdr.hbh, 78);
	assert_int_equal(cli.peer.verdict.result_code, 5008);
	assert_non_null(strstr(cli.peer.verdict.why, "both Result-Code and Experimental-Result"));
	assert_true(diam_link_is_open(&cli));
	/* The server says goodbye: the client answers DPA and closes. */
	assert_int_equal(diam_link_disconnect(&srv, 0, 0), DIAM_PA_NONE);
	assert_int_equal(pump(&cli, &srv, &cli, DIAM_LE_CLOSE, &m), DIAM_LE_CLOSE);
	assert_non_null(strstr(cli.peer.why, "DPR"));
	assert_true(diam_link_flush(&cli) >= 0);
	assert_int_equal(pump(&srv, &cli, &srv, DIAM_LE_CLOSE, &m), DIAM_LE_CLOSE);
	diam_link_close(&cli, "done");
	assert_int_equal(cli.fd, -1);
	assert_false(diam_link_is_open(&cli));
	diam_link_free(&srv);
	diam_link_free(&cli);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
