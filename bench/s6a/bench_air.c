/* bench-air: S6a Authentication-Information load against a running hssd,
 * the AIR counterpart of a MAR load run. One TCP connection as an MME
 * (CER/CEA with S6a), AIRs for IMSIs BASE..BASE+S-1 in turn, at most W
 * outstanding; reports answers per second and the latency distribution.
 * Every answer must be 2001 with the asked number of E-UTRAN vectors.
 *
 *   bench-air --port P [--host IP] [--origin-host H] [--realm R]
 *             [--imsi-base DIGITS] [--subscribers S] [--count N]
 *             [--window W] [--vectors V] [--json]
 *
 * Exit 0 when every answer was good, 1 otherwise, 2 on bad usage. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diameter/diam.h"
#include "util/cli.h"
#include "util/json.h"

#define PROG "bench-air"
#define V3 DIAM_VENDOR_3GPP
#define MAX_MSG (64 * 1024)
#define WINDOW_MAX 1024

struct opts {
	const char *host, *origin, *realm, *imsi_base;
	unsigned long long port, subs, count, window, vectors;
	int json;
};

struct slot {
	uint32_t hbh;
	uint64_t t0;
	bool busy;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROG " --port P [--host IP] [--origin-host H] [--realm R] [--imsi-base D]\n"
		"                 [--subscribers S] [--count N] [--window W] [--vectors V] [--json]\n"
		"  --port P          hssd's Diameter TCP port (required)\n"
		"  --host IP         hssd's IPv4 address (default 127.0.0.1)\n"
		"  --origin-host H   our Origin-Host, an allowed peer of hssd (default mme.bench.test)\n"
		"  --realm R         our realm (default bench.test)\n"
		"  --imsi-base D     first IMSI (default 001010000000001)\n"
		"  --subscribers S   IMSIs used in turn: base..base+S-1 (default 1)\n"
		"  --count N         AIRs to send (default 20000)\n"
		"  --window W        AIRs outstanding at most (default 64, max 1024)\n"
		"  --vectors V       Number-Of-Requested-Vectors (default 1)\n"
		"  --json            one JSON object: air_per_s, p50_us, p99_us, max_us, count,\n"
		"                    errors, window, vectors\n");
}

static void parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.host = "127.0.0.1", .origin = "mme.bench.test", .realm = "bench.test",
			   .imsi_base = "001010000000001", .subs = 1, .count = 20000, .window = 64,
			   .vectors = 1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			usage(stdout), exit(0);
		else if (!strcmp(a, "--json"))
			o->json = 1;
		else if (v && !strcmp(a, "--port"))
			o->port = cli_uint(PROG, a, v, 1, 65535), i++;
		else if (v && !strcmp(a, "--host"))
			o->host = v, i++;
		else if (v && !strcmp(a, "--origin-host"))
			o->origin = v, i++;
		else if (v && !strcmp(a, "--realm"))
			o->realm = v, i++;
		else if (v && !strcmp(a, "--imsi-base"))
			o->imsi_base = v, i++;
		else if (v && !strcmp(a, "--subscribers"))
			o->subs = cli_uint(PROG, a, v, 1, 1000000), i++;
		else if (v && !strcmp(a, "--count"))
			o->count = cli_uint(PROG, a, v, 1, 1ULL << 32), i++;
		else if (v && !strcmp(a, "--window"))
			o->window = cli_uint(PROG, a, v, 1, WINDOW_MAX), i++;
		else if (v && !strcmp(a, "--vectors"))
			o->vectors = cli_uint(PROG, a, v, 1, 32), i++;
		else
			cli_usage_error(PROG, "%s: unknown option or missing value (see --help)", a);
	}
	if (!o->port)
		cli_usage_error(PROG, "--port: required (hssd's Diameter port)");
	if (strlen(o->imsi_base) < 6 || strlen(o->imsi_base) > 15 ||
	    strspn(o->imsi_base, "0123456789") != strlen(o->imsi_base))
		cli_usage_error(PROG, "--imsi-base: expected 6..15 digits, got '%s'", o->imsi_base);
}

static int send_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* IMSI number i: base + i, same width. */
static void imsi_at(const char *base, unsigned long long i, char out[16])
{
	size_t w = strlen(base);
	unsigned long long v = strtoull(base, NULL, 10) + i;

	snprintf(out, 16, "%0*llu", (int)w, v);
}

static ssize_t build_air(const struct opts *o, uint8_t *b, size_t cap, const char *imsi,
			 uint32_t hbh)
{
	static const uint8_t plmn[3] = {0x00, 0xf1, 0x10};
	struct diam_wr w;
	char sid[160];

	diam_session_id(o->origin, sid, sizeof(sid));
	diam_wr_init(&w, b, cap);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_AI, DIAM_APP_S6A, hbh,
		     diam_next_e2e());
	diam_put_str(&w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(&w, V3, DIAM_APP_S6A);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, o->origin);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, o->realm);
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, o->realm);
	diam_put_str(&w, AVP_USER_NAME, 0, imsi);
	diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
	diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, (uint32_t)o->vectors);
	diam_group_end(&w);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, 3);
	return diam_wr_finish(&w);
}

static int connect_cer(const struct opts *o)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
	const uint8_t ip[4] = {127, 0, 0, 1};
	uint8_t b[4096];
	struct diam_wr w;
	struct diam_msg m;
	uint32_t rc = 0;
	int fd, one = 1;
	ssize_t n, got = 0;

	if (inet_pton(AF_INET, o->host, &sa.sin_addr) != 1)
		cli_usage_error(PROG, "--host: not an IPv4 address: '%s'", o->host);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, PROG ": connect %s:%llu: %s\n", o->host, o->port, strerror(errno));
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	diam_wr_init(&w, b, sizeof(b));
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_CE, 0, diam_next_hbh(), diam_next_e2e());
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, o->origin);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, o->realm);
	diam_put_addr(&w, AVP_HOST_IP_ADDRESS, 0, 1, ip, 4);
	diam_put_u32(&w, AVP_VENDOR_ID, 0, V3);
	diam_put_str(&w, AVP_PRODUCT_NAME, 0, PROG);
	diam_put_vendor_app(&w, V3, DIAM_APP_S6A);
	n = diam_wr_finish(&w);
	if (n < 0 || send_all(fd, b, (size_t)n))
		exit(1);
	while ((n = diam_frame_len(b, (size_t)got)) == 0 || n > got) {
		ssize_t r = recv(fd, b + got, sizeof(b) - (size_t)got, 0);
		if (r <= 0)
			break;
		got += r;
	}
	if (n <= 0 || n > got || diam_msg_parse(b, (size_t)n, &m) ||
	    diam_msg_u32(&m, AVP_RESULT_CODE, 0, &rc) || rc != DIAM_SUCCESS) {
		fprintf(stderr, PROG ": CER refused (result %u): is %s an allowed peer of hssd?\n",
			rc, o->origin);
		exit(1);
	}
	return fd;
}

/* 0 good AIA with the asked vectors, else 1. */
static int check_aia(const struct diam_msg *m, unsigned want)
{
	struct diam_avp info, v;
	struct diam_iter it;
	uint32_t rc = 0;
	unsigned n = 0;

	if (diam_msg_u32(m, AVP_RESULT_CODE, 0, &rc) || rc != DIAM_SUCCESS ||
	    diam_msg_find(m, AVP_S6A_AUTHENTICATION_INFO, V3, &info))
		return 1;
	diam_iter_group(&it, &info);
	while (diam_iter_next(&it, &v) == 1)
		n += v.code == AVP_S6A_EUTRAN_VECTOR;
	return n != want;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct run {
	uint64_t *lat;
	unsigned long long done, errors, sent;
	uint64_t t0, t1;
};

/* Reads what is there and matches answers to slots by hop-by-hop id. */
static int drain(int fd, uint8_t *buf, size_t *len, struct slot *slots, size_t nslots,
		 const struct opts *o, struct run *r)
{
	ssize_t n = recv(fd, buf + *len, MAX_MSG * 4 - *len, 0);

	if (n <= 0)
		return -1;
	*len += (size_t)n;
	while ((n = diam_frame_len(buf, *len)) > 0 && (size_t)n <= *len) {
		struct diam_msg m;

		if (!diam_msg_parse(buf, (size_t)n, &m) && !(m.hdr.flags & DIAM_FLAG_R)) {
			for (size_t i = 0; i < nslots; i++) {
				if (!slots[i].busy || slots[i].hbh != m.hdr.hbh)
					continue;
				r->lat[r->done++] = now_ns() - slots[i].t0;
				r->errors += check_aia(&m, (unsigned)o->vectors);
				slots[i].busy = false;
				break;
			}
		}
		memmove(buf, buf + n, *len - (size_t)n);
		*len -= (size_t)n;
	}
	return n < 0 ? -1 : 0;
}

static void report(const struct opts *o, struct run *r)
{
	double secs = (double)(r->t1 - r->t0) / 1e9, rate = secs > 0 ? (double)r->done / secs : 0;
	uint64_t p50, p99, max;
	struct json j;

	qsort(r->lat, r->done, sizeof(r->lat[0]), cmp_u64);
	p50 = r->done ? r->lat[r->done / 2] / 1000 : 0;
	p99 = r->done ? r->lat[(r->done * 99) / 100] / 1000 : 0;
	max = r->done ? r->lat[r->done - 1] / 1000 : 0;
	if (!o->json) {
		printf("%llu AIR in %.2f s: %.0f AIA/s, latency p50 %llu us, p99 %llu us, max %llu us, "
		       "%llu errors (window %llu, %llu vector%s each)\n", r->done, secs, rate,
		       (unsigned long long)p50, (unsigned long long)p99, (unsigned long long)max,
		       r->errors, o->window, o->vectors, o->vectors > 1 ? "s" : "");
		return;
	}
	json_begin(&j, stdout);
	json_int(&j, "air_per_s", (long long)rate);
	json_int(&j, "p50_us", (long long)p50);
	json_int(&j, "p99_us", (long long)p99);
	json_int(&j, "max_us", (long long)max);
	json_int(&j, "count", (long long)r->done);
	json_int(&j, "errors", (long long)r->errors);
	json_int(&j, "window", (long long)o->window);
	json_int(&j, "vectors", (long long)o->vectors);
	json_end(&j);
}

int main(int argc, char **argv)
{
	static uint8_t rbuf[MAX_MSG * 4], req[4096];
	static struct slot slots[WINDOW_MAX];
	struct opts o;
	struct run r = {0};
	size_t rlen = 0;
	int fd;

	parse(argc, argv, &o);
	fd = connect_cer(&o);
	r.lat = calloc(o.count, sizeof(r.lat[0]));
	if (!r.lat)
		return perror("calloc"), 1;
	r.t0 = now_ns();
	while (r.done < o.count) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		for (size_t i = 0; i < o.window && r.sent < o.count; i++) {
			char imsi[16];
			ssize_t n;

			if (slots[i].busy)
				continue;
			imsi_at(o.imsi_base, r.sent % o.subs, imsi);
			slots[i] = (struct slot){.hbh = diam_next_hbh(), .t0 = now_ns(), .busy = true};
			n = build_air(&o, req, sizeof(req), imsi, slots[i].hbh);
			if (n < 0 || send_all(fd, req, (size_t)n))
				return fprintf(stderr, PROG ": send failed\n"), 1;
			r.sent++;
		}
		if (poll(&p, 1, 5000) <= 0 || drain(fd, rbuf, &rlen, slots, o.window, &o, &r)) {
			fprintf(stderr, PROG ": hssd stopped answering after %llu AIA\n", r.done);
			break;
		}
	}
	r.t1 = now_ns();
	report(&o, &r);
	close(fd);
	free(r.lat);
	return r.errors || r.done < o.count ? 1 : 0;
}
