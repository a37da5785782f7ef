/* The HTTP side of /metrics (metrics.h): one request per connection, no
 * sockets here. Enough of RFC 9112 for Prometheus, curl and a browser:
 * the request line and the end of the head; headers are not needed. */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mhttp_init(struct mhttp *h)
{
	memset(h, 0, sizeof(*h));
	h->state = MHTTP_READING;
}

void mhttp_free(struct mhttp *h)
{
	free(h->out);
	h->out = NULL;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	default: return "Internal Server Error";
	}
}

/* Head + body into h->out; HEAD gets the head only (with the length the
 * body would have, RFC 9110 §9.3.2). */
static void respond(struct mhttp *h, int status, const char *ctype, const char *body,
		    size_t blen, bool head_only)
{
	char hdr[320];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n%s\r\n",
			 status, reason(status), ctype, blen,
			 status == 405 ? "Allow: GET, HEAD\r\n" : "");
	size_t total = (size_t)n + (head_only ? 0 : blen);

	h->status = status;
	h->state = MHTTP_WRITING;
	h->out = malloc(total);
	if (!h->out) {
		h->state = MHTTP_DONE;
		return;
	}
	memcpy(h->out, hdr, (size_t)n);
	if (!head_only)
		memcpy(h->out + n, body, blen);
	h->outlen = total;
	h->outoff = 0;
}

static void text(struct mhttp *h, int status, const char *body, bool head_only)
{
	respond(h, status, "text/plain; charset=utf-8", body, strlen(body), head_only);
}

/* "METHOD SP target SP HTTP/x.y" */
static void handle(struct mhttp *h, struct metrics *m)
{
	char method[16], target[256], version[16];
	bool head;
	size_t plen;

	h->in[h->inlen < sizeof(h->in) ? h->inlen : sizeof(h->in) - 1] = '\0';
	if (sscanf(h->in, "%15s %255s %15s", method, target, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7)) {
		text(h, 400, "bad request\n", false);
		return;
	}
	head = !strcmp(method, "HEAD");
	if (strcmp(method, "GET") && !head) {
		text(h, 405, "only GET and HEAD\n", false);
		return;
	}
	plen = strcspn(target, "?#");
	if (plen == 8 && !strncmp(target, "/metrics", 8)) {
		size_t len = 0;
		char *body = metrics_render(m, &len);

		if (!body) {
			text(h, 500, "out of memory\n", head);
			return;
		}
		respond(h, 200, METRICS_CONTENT_TYPE, body, len, head);
		free(body);
		return;
	}
	if (plen == 1 && target[0] == '/') {
		text(h, 200, "Prometheus metrics: GET /metrics\n", head);
		return;
	}
	text(h, 404, "not found: try /metrics\n", head);
}

void mhttp_input(struct mhttp *h, const char *buf, size_t len, bool eof, struct metrics *m)
{
	size_t room;

	if (h->state != MHTTP_READING)
		return;
	room = sizeof(h->in) - 1 - h->inlen;
	if (len > room) {
		text(h, 400, "request head too long\n", false);
		return;
	}
	memcpy(h->in + h->inlen, buf, len);
	h->inlen += len;
	h->in[h->inlen] = '\0';
	/* RFC 9112 §2.2: a bare LF ends a line too */
	if (strstr(h->in, "\r\n\r\n") || strstr(h->in, "\n\n")) {
		handle(h, m);
		return;
	}
	if (eof)
		h->state = MHTTP_DONE; /* closed before asking anything: nothing to say */
}

const char *mhttp_output(const struct mhttp *h, size_t *len)
{
	if (h->state != MHTTP_WRITING) {
		*len = 0;
		return NULL;
	}
	*len = h->outlen - h->outoff;
	return h->out + h->outoff;
}

void mhttp_sent(struct mhttp *h, size_t n)
{
	if (h->state != MHTTP_WRITING)
		return;
	h->outoff += n;
	if (h->outoff >= h->outlen)
		h->state = MHTTP_DONE;
}
