/* common/util/metrics: the text exposition format 0.0.4 written exactly
 * (golden text below, checked by hand against the format's spec), bucket
 * placement with inclusive upper bounds, escaping, and the HTTP responder
 * fed byte by byte, without sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/metrics.h"

static char *render(struct metrics *m)
{
	size_t len;
	char *s = metrics_render(m, &len);

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	return s;
}

static void test_counter_gauge_text(void **state)
{
	static const char *const cmd_res[] = { "command", "result_code", NULL };
	struct metrics *m = metrics_new();
	struct metric_family *req = metrics_counter(m, "hssd_requests_total",
						    "Requests answered.", cmd_res);
	struct metric_family *up = metrics_gauge(m, "x_up", "1 when up", NULL);
	char *s;

	(void)state;
	metric_inc(metric_series(req, "MAR", "2001"));
	metric_add(metric_series(req, "MAR", "2001"), 2);
	metric_inc(metric_series(req, "SAR", "5001"));
	metric_set(metric_series(up), 1);
	s = render(m);
	assert_string_equal(s, "# HELP hssd_requests_total Requests answered.\n"
			       "# TYPE hssd_requests_total counter\n"
			       "hssd_requests_total{command=\"MAR\",result_code=\"2001\"} 3\n"
			       "hssd_requests_total{command=\"SAR\",result_code=\"5001\"} 1\n"
			       "# HELP x_up 1 when up\n"
			       "# TYPE x_up gauge\n"
			       "x_up 1\n");
	free(s);
	metrics_free(m);
}

static void test_histogram_buckets(void **state)
{
	static const double b[] = { 0.001, 0.01, 0.1 };
	struct metrics *m = metrics_new();
	struct metric_family *h = metrics_histogram(m, "t_seconds", "Latency.", NULL, b, 3);
	struct metric_series *s = metric_series(h);
	char *txt;

	(void)state;
	metric_observe_us(s, 1000);   /* le is inclusive: into 0.001 */
	metric_observe_us(s, 1001);   /* 0.01 */
	metric_observe_us(s, 100000); /* 0.1 */
	metric_observe_us(s, 2500000); /* +Inf */
	metric_observe_us(s, 0);
	txt = render(m);
	assert_string_equal(txt, "# HELP t_seconds Latency.\n"
				 "# TYPE t_seconds histogram\n"
				 "t_seconds_bucket{le=\"0.001\"} 2\n"
				 "t_seconds_bucket{le=\"0.01\"} 3\n"
				 "t_seconds_bucket{le=\"0.1\"} 4\n"
				 "t_seconds_bucket{le=\"+Inf\"} 5\n"
				 "t_seconds_sum 2.602001\n"
				 "t_seconds_count 5\n");
	free(txt);
	metrics_free(m);
}

static void test_default_buckets(void **state)
{
	static const char *const l[] = { "command", NULL };
	struct metrics *m = metrics_new();
	struct metric_family *h = metrics_histogram(m, "d_seconds", "x", l, NULL, 0);
	struct metric_series *s = metric_series(h, "MAR");
	char *txt;

	(void)state;
	assert_int_equal(h->nbounds, metrics_latency_nbuckets);
	assert_int_equal(h->bound_us[0], 100);
	assert_int_equal(h->bound_us[1], 250); /* 0.00025 s, not 249 */
	metric_observe_us(s, 250);
	assert_int_equal(s->bucket[1], 1);
	txt = render(m);
	assert_non_null(strstr(txt, "d_seconds_bucket{command=\"MAR\",le=\"0.00025\"} 1\n"));
	assert_non_null(strstr(txt, "d_seconds_bucket{command=\"MAR\",le=\"10\"} 1\n"));
	assert_non_null(strstr(txt, "d_seconds_count{command=\"MAR\"} 1\n"));
	free(txt);
	metrics_free(m);
}

static void test_escaping_and_limits(void **state)
{
	static const char *const l[] = { "v", NULL };
	static const char *const bad[] = { "le", NULL };
	struct metrics *m = metrics_new();
	struct metric_family *f = metrics_counter(m, "e_total", "a \\ b\nc", l);
	char *txt;

	(void)state;
	metric_inc(metric_series(f, "q\"b\\n\nx"));
	txt = render(m);
	assert_string_equal(txt, "# HELP e_total a \\\\ b\\nc\n# TYPE e_total counter\n"
				 "e_total{v=\"q\\\"b\\\\n\\nx\"} 1\n");
	free(txt);
	assert_null(metrics_counter(m, "1bad", "x", NULL));
	assert_null(metrics_counter(m, "bad-name", "x", NULL));
	assert_null(metrics_histogram(m, "h", "x", bad, NULL, 0)); /* le is reserved */
	for (int i = 1; i < METRIC_MAX_SERIES; i++) { /* one exists */
		char v[16];
		snprintf(v, sizeof(v), "%d", i);
		assert_non_null(metric_series(f, v));
	}
	assert_null(metric_series(f, "one too many"));
	metric_inc(NULL); /* a full family costs the caller nothing */
	metric_observe_us(NULL, 1);
	metrics_free(m);
}

static int collected;
static void collect(void *arg, struct metrics *m)
{
	(void)m;
	metric_set(arg, 7);
	collected++;
}

static void test_collect_hook(void **state)
{
	struct metrics *m = metrics_new();
	struct metric_series *g = metric_series(metrics_gauge(m, "g", "x", NULL));
	char *txt;

	(void)state;
	metrics_on_collect(m, collect, g);
	txt = render(m);
	assert_int_equal(collected, 1);
	assert_non_null(strstr(txt, "\ng 7\n"));
	free(txt);
	metrics_free(m);
}

/* ---- HTTP ----------------------------------------------------------------- */

static struct metrics *one_counter(void)
{
	struct metrics *m = metrics_new();

	metric_add(metric_series(metrics_counter(m, "c_total", "x", NULL)), 5);
	return m;
}

static char *all_output(struct mhttp *h)
{
	size_t len;
	const char *p = mhttp_output(h, &len);
	char *s = strndup(p ? p : "", len);

	mhttp_sent(h, len);
	assert_int_equal(h->state, MHTTP_DONE);
	return s;
}

static void test_http_get_metrics_bytewise(void **state)
{
	static const char req[] = "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n";
	struct metrics *m = one_counter();
	struct mhttp h;
	char *out;

	(void)state;
	mhttp_init(&h);
	for (size_t i = 0; i < sizeof(req) - 1; i++) {
		assert_int_equal(h.state, MHTTP_READING);
		mhttp_input(&h, req + i, 1, false, m);
	}
	assert_int_equal(h.state, MHTTP_WRITING);
	out = all_output(&h);
	assert_string_equal(out, "HTTP/1.1 200 OK\r\n"
				 "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
				 "Content-Length: 50\r\nConnection: close\r\n\r\n"
				 "# HELP c_total x\n# TYPE c_total counter\nc_total 5\n");
	free(out);
	mhttp_free(&h);
	metrics_free(m);
}

static void test_http_partial_writes(void **state)
{
	struct metrics *m = one_counter();
	struct mhttp h;
	size_t len, total = 0;

	(void)state;
	mhttp_init(&h);
	mhttp_input(&h, "HEAD /metrics HTTP/1.0\n\n", 24, false, m);
	assert_int_equal(h.status, 200);
	while (mhttp_output(&h, &len)) {
		mhttp_sent(&h, 3 < len ? 3 : len);
		total += 3 < len ? 3 : len;
	}
	assert_int_equal(h.state, MHTTP_DONE);
	assert_int_equal(total, h.outlen); /* HEAD: the head only */
	assert_null(memmem(h.out, h.outlen, "c_total", 7));
	assert_non_null(memmem(h.out, h.outlen, "Content-Length: 50\r\n", 20));
	mhttp_free(&h);
	metrics_free(m);
}

static void test_http_errors(void **state)
{
	static const struct { const char *req; int status; } t[] = {
		{ "POST /metrics HTTP/1.1\r\n\r\n", 405 },
		{ "GET /other HTTP/1.1\r\n\r\n", 404 },
		{ "GET / HTTP/1.1\r\n\r\n", 200 },
		{ "GET /metrics\r\n\r\n", 400 },          /* HTTP/0.9 */
		{ "GET /metrics SPDY/3\r\n\r\n", 400 },
		{ "\r\n\r\n", 400 },
	};
	struct metrics *m = one_counter();
	char big[MHTTP_MAX_HEAD + 10];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mhttp h;
		mhttp_init(&h);
		mhttp_input(&h, t[i].req, strlen(t[i].req), false, m);
		assert_int_equal(h.status, t[i].status);
		free(all_output(&h));
		mhttp_free(&h);
	}
	memset(big, 'a', sizeof(big));
	struct mhttp h;
	mhttp_init(&h);
	mhttp_input(&h, big, sizeof(big), false, m);
	assert_int_equal(h.status, 400);
	mhttp_free(&h);
	mhttp_init(&h);
	mhttp_input(&h, "GET /met", 8, true, m); /* closed mid-head: nothing to send */
	assert_int_equal(h.state, MHTTP_DONE);
	mhttp_free(&h);
	metrics_free(m);
}

static void test_uri_check(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(metrics_uri_check("tcp://127.0.0.1:9100", err, sizeof(err)), 0);
	assert_int_equal(metrics_uri_check("tcp://[::1]:0", err, sizeof(err)), 0);
	assert_int_not_equal(metrics_uri_check("tcp://127.0.0.1", err, sizeof(err)), 0);
	assert_int_not_equal(metrics_uri_check("sctp://127.0.0.1:1", err, sizeof(err)), 0);
	assert_int_not_equal(metrics_uri_check("http://127.0.0.1:1", err, sizeof(err)), 0);
	assert_int_not_equal(metrics_uri_check("tcp://localhost:1", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "tcp://IP:PORT"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_gauge_text),
		cmocka_unit_test(test_histogram_buckets),
		cmocka_unit_test(test_default_buckets),
		cmocka_unit_test(test_escaping_and_limits),
		cmocka_unit_test(test_collect_hook),
		cmocka_unit_test(test_http_get_metrics_bytewise),
		cmocka_unit_test(test_http_partial_writes),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_uri_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
