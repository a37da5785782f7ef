/* common/diameter transport: endpoint URIs, and a loopback TCP round trip
 * through diam_listen/diam_connect/diam_accept, diam_flush and diam_read
 * (several messages in one write arrive framed). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include <cmocka.h>

#include "diameter/transport.h"

static void test_endpoints(void **state)
{
	struct diam_endpoint ep;
	char s[128];

	(void)state;
	assert_int_equal(diam_endpoint_parse("tcp://127.0.0.1:3868", &ep), 0);
	assert_int_equal(ep.proto, DIAM_PROTO_TCP);
	assert_string_equal(ep.host, "127.0.0.1");
	assert_int_equal(ep.port, 3868);
	assert_int_equal(diam_endpoint_parse("sctp://[::1]:0", &ep), 0);
	assert_int_equal(ep.proto, DIAM_PROTO_SCTP);
	assert_string_equal(ep.host, "::1");
	assert_int_equal(ep.port, 0);
	diam_endpoint_format(&ep, s, sizeof(s));
	assert_string_equal(s, "sctp://[::1]:0");
	assert_int_equal(diam_endpoint_parse("tcp://10.0.0.1", &ep), 0);
	assert_int_equal(ep.port, 3868);
	assert_int_equal(diam_endpoint_parse("udp://1.2.3.4:1", &ep), -EINVAL);
	assert_int_equal(diam_endpoint_parse("tcp://hss.example:3868", &ep), -EINVAL);
	assert_int_equal(diam_endpoint_parse("tcp://1.2.3.4:65536", &ep), -EINVAL);
	assert_int_equal(diam_endpoint_parse("tcp://1.2.3.4:", &ep), -EINVAL);
	assert_int_equal(diam_endpoint_parse("tcp://[::1", &ep), -EINVAL);
}

static void test_tcp_round_trip(void **state)
{
	struct diam_endpoint ep;
	struct diam_conn a, b;
	struct diam_host_ip ip;
	struct diam_wr w;
	uint8_t msg[64];
	const uint8_t *m;
	size_t len;
	uint16_t port;
	int lfd, cfd, sfd = -EAGAIN, n = 0;
	ssize_t mlen;

	(void)state;
	assert_int_equal(diam_endpoint_parse("tcp://127.0.0.1:0", &ep), 0);
	lfd = diam_listen(&ep, &port);
	assert_true(lfd >= 0);
	assert_true(port > 0);
	ep.port = port;
	cfd = diam_connect(&ep);
	assert_true(cfd >= 0);
	for (int i = 0; i < 100 && sfd == -EAGAIN; i++) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		poll(&p, 1, 20);
		sfd = diam_accept(lfd, DIAM_PROTO_TCP, NULL, 0);
	}
	assert_true(sfd >= 0);
	assert_int_equal(diam_connect_result(cfd), 0);
	assert_int_equal(diam_local_ip(sfd, &ip), 0);
	assert_int_equal(ip.family, 1);
	assert_int_equal(ip.addr[0], 127);

	diam_wr_init(&w, msg, sizeof(msg));
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_DW, 0, 1, 2);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "a.test");
	mlen = diam_wr_finish(&w);
	assert_int_equal(diam_conn_init(&a), 0);
	assert_int_equal(diam_conn_init(&b), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(diam_conn_queue(&a, msg, (size_t)mlen), 0);
	assert_int_equal(diam_flush(cfd, DIAM_PROTO_TCP, &a), 0);
	for (int i = 0; i < 100 && n < 3; i++) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };

		poll(&p, 1, 20);
		assert_true(diam_read(sfd, &b) >= 0);
		while (diam_conn_next(&b, &m, &len) == 1) {
			assert_int_equal(len, mlen);
			assert_memory_equal(m, msg, (size_t)mlen);
			n++;
		}
		diam_conn_rcompact(&b);
	}
	assert_int_equal(n, 3);
	close(cfd);
	for (int i = 0; i < 100 && !b.eof; i++) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };

		poll(&p, 1, 20);
		assert_true(diam_read(sfd, &b) >= 0);
	}
	assert_true(b.eof);
	diam_conn_free(&a);
	diam_conn_free(&b);
	close(sfd);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_tcp_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
