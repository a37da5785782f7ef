/* Prometheus metrics: counters, gauges and fixed-bucket histograms in one
 * registry, written in the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), and a
 * tiny HTTP responder that serves `GET /metrics` from any event loop.
 *
 * Single-threaded, like the daemons that use it: the loop that counts is
 * the loop that serves. Updating a series is a few integer operations (no
 * lock, no allocation), so the request path pays next to nothing; a
 * series is looked up once (metric_series()) and its pointer kept.
 *
 * Names follow the Prometheus conventions: base units (seconds), counters
 * end in `_total`, a histogram `NAME` writes NAME_bucket{le=…}, NAME_sum
 * and NAME_count. A NULL series pointer is accepted everywhere and does
 * nothing, so a full family (METRIC_MAX_SERIES) never breaks a caller.
 *
 * Ownership: the registry owns its families and series; pointers stay
 * valid until metrics_free(). */
#ifndef UTIL_METRICS_H
#define UTIL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define METRIC_MAX_LABELS 3
#define METRIC_LABEL_MAX 64     /* octets of one label value, NUL included */
#define METRIC_MAX_BUCKETS 20
#define METRIC_MAX_SERIES 256   /* per family: label values come from small sets */

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

/* Latency buckets (seconds) shared by every latency histogram of the bench
 * (hssd, scscf-stub, ue-sim load), so their figures line up: 100 µs (an
 * MAR answered from memory) to 10 s (a delay fault past Timer F). */
extern const double metrics_latency_buckets[];
extern const size_t metrics_latency_nbuckets;

struct metric_series {
	char lv[METRIC_MAX_LABELS][METRIC_LABEL_MAX];
	uint64_t count;                        /* counter value, histogram count */
	double gauge;
	uint64_t sum_us;                       /* histogram sum, microseconds */
	uint64_t bucket[METRIC_MAX_BUCKETS + 1]; /* per bucket, not cumulative; last = +Inf */
	const struct metric_family *fam;
};

struct metric_family {
	char name[96];
	char help[160];
	enum metric_type type;
	const char *label[METRIC_MAX_LABELS];  /* static strings */
	size_t nlabels;
	double bound[METRIC_MAX_BUCKETS];      /* seconds, ascending */
	uint64_t bound_us[METRIC_MAX_BUCKETS];
	size_t nbounds;
	struct metric_series **series;         /* each allocated alone: pointers stay valid */
	size_t nseries, capseries;
	struct metric_family *next;
};

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* Called at the start of every metrics_write(): the owner sets gauges
 * that are cheaper to read than to track (peers by state, bindings). */
void metrics_on_collect(struct metrics *m, void (*fn)(void *arg, struct metrics *m), void *arg);

/* A family; labels is a NULL-terminated list of label names (static
 * strings) or NULL. For histograms `bounds` are the upper bounds in
 * seconds (NULL: metrics_latency_buckets). A family without labels gets
 * its one series at once (it is written as 0 before the first event).
 * NULL on a bad name or out of memory. */
struct metric_family *metrics_counter(struct metrics *m, const char *name, const char *help,
				      const char *const *labels);
struct metric_family *metrics_gauge(struct metrics *m, const char *name, const char *help,
				    const char *const *labels);
struct metric_family *metrics_histogram(struct metrics *m, const char *name, const char *help,
					const char *const *labels, const double *bounds,
					size_t nbounds);

/* The series of a family for these label values (as many as the family
 * has labels; values longer than METRIC_LABEL_MAX - 1 are cut). Created
 * on first use; NULL when the family is full or fam is NULL. */
struct metric_series *metric_series(struct metric_family *fam, ...);
struct metric_series *metric_series_v(struct metric_family *fam, const char *const *values);

static inline void metric_inc(struct metric_series *s)
{
	if (s)
		s->count++;
}

static inline void metric_add(struct metric_series *s, uint64_t n)
{
	if (s)
		s->count += n;
}

static inline void metric_set(struct metric_series *s, double v)
{
	if (s)
		s->gauge = v;
}

/* Histogram: one observation of `us` microseconds (le is inclusive). */
void metric_observe_us(struct metric_series *s, uint64_t us);

/* Sets every series of a gauge family to 0 (before a collect pass that
 * only sets the non-zero ones). */
void metric_gauge_reset(struct metric_family *fam);

/* The whole registry in text format 0.0.4. 0 or -errno. */
int metrics_write(struct metrics *m, FILE *fp);
/* Same into a malloc'ed buffer (caller frees); NULL on ENOMEM. */
char *metrics_render(struct metrics *m, size_t *len);

/* One histogram series as a JSON object under `key` (ue-sim load --json):
 *   {"buckets": [{"le": "0.0001", "count": N}, ..., {"le": "+Inf", "count": N}],
 *    "count": N, "sum_us": N}
 * with cumulative counts and the le strings of the text format, so the
 * figures line up with a Prometheus scrape of hssd and scscf-stub. */
struct json;
void metric_histogram_json(struct json *j, const char *key, const struct metric_series *s);

/* The content type of metrics_write()'s output. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* ---- HTTP responder (metrics_http.c) -------------------------------------
 * One connection's protocol, without sockets: bytes in, bytes out.
 * HTTP/1.0 and 1.1, one request per connection (answered with
 * `Connection: close`): GET or HEAD of /metrics (query ignored) → 200 with
 * the exposition, / → 200 with a pointer to /metrics, other paths → 404,
 * other methods → 405, a request head over 8 KiB or malformed → 400. */
#define MHTTP_MAX_HEAD 8192

enum mhttp_state { MHTTP_READING, MHTTP_WRITING, MHTTP_DONE };

struct mhttp {
	enum mhttp_state state;
	char in[MHTTP_MAX_HEAD];
	size_t inlen;
	char *out;                /* response (head + body), malloc'ed */
	size_t outlen, outoff;
	int status;               /* of the response, for the log */
};

void mhttp_init(struct mhttp *h);
void mhttp_free(struct mhttp *h);
/* Feeds received bytes; when the request head is complete, the response
 * is built (state becomes MHTTP_WRITING). eof: the peer closed its side. */
void mhttp_input(struct mhttp *h, const char *buf, size_t len, bool eof, struct metrics *m);
/* What is left to send; mhttp_sent() after a write; DONE when all went. */
const char *mhttp_output(const struct mhttp *h, size_t *len);
void mhttp_sent(struct mhttp *h, size_t n);

/* ---- Listener glue (metrics_srv.c) ---------------------------------------
 * A TCP listener and its connections on non-blocking sockets; the event
 * loop owns readiness. The owner tells the loop which fd to watch through
 * `watch` (events: METRICS_EV_IN / METRICS_EV_OUT; 0 = stop watching and
 * forget the fd) and hands readiness back with metrics_srv_event().
 * At most METRICS_SRV_MAX_CONN connections; one idle for 5 s is closed
 * on metrics_srv_tick(). */
#define METRICS_EV_IN 1
#define METRICS_EV_OUT 2
#define METRICS_SRV_MAX_CONN 16

struct metrics_srv_ops {
	int (*watch)(void *arg, int fd, int events);
	void *arg;
};

struct metrics_srv;

/* uri: tcp://IPv4:PORT or tcp://[IPv6]:PORT (port 0 picks one). 0, or
 * -errno with a one-line reason in err. */
int metrics_srv_open(struct metrics_srv **out, const char *uri, struct metrics *m,
		     const struct metrics_srv_ops *ops, char *err, size_t errsz);
void metrics_srv_free(struct metrics_srv *s);
/* Readiness of fd (the listener or a connection) as METRICS_EV_* bits. */
void metrics_srv_event(struct metrics_srv *s, int fd, int events, uint64_t now_ms);
void metrics_srv_tick(struct metrics_srv *s, uint64_t now_ms);
unsigned metrics_srv_port(const struct metrics_srv *s);
int metrics_srv_listen_fd(const struct metrics_srv *s);
/* Checks a --metrics value without opening anything (config checks). */
int metrics_uri_check(const char *uri, char *err, size_t errsz);

#endif
