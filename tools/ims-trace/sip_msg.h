/* A raw SIP message parser for captures (RFC 3261 §7): start line, headers
 * with compact forms (§7.3.3) and folding (§7.3.1), body by Content-Length
 * (§18.3: mandatory on streams, optional on datagrams). Several messages
 * per TCP segment are handled by the caller looping over `consumed`. */
#ifndef TRACE_SIP_MSG_H
#define TRACE_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIP_HDRS_MAX 96
#define SIP_HEAD_MAX 65536
#define SIP_BODY_MAX (1u << 20)

struct sip_hdr {
	const char *name;   /* canonical long form ("Call-ID" for "i") */
	const char *value;  /* unfolded, trimmed, NUL-terminated */
};

struct sip_msg {
	bool request;
	char method[32];
	const char *ruri;     /* request only */
	int status;           /* response only */
	const char *reason;
	struct sip_hdr hdrs[SIP_HDRS_MAX];
	size_t nhdrs;
	const uint8_t *body;  /* points into text */
	size_t body_len;
	bool body_truncated;  /* Content-Length larger than the datagram */
	size_t wire_len;
	char *text;           /* owned: unfolded header block + body */
};

enum sip_parse_err {
	SIP_NEED_MORE = 0,
	SIP_ENOTSIP = -1,    /* no SIP start line */
	SIP_EHEAD = -2,      /* header block malformed or too large */
	SIP_ECLEN = -3,      /* bad Content-Length */
	SIP_ENOMEM = -4,
};
const char *sip_strerror(int err);

/* Quick content test: does buf start with a SIP request or status line? */
bool sip_looks_like(const uint8_t *buf, size_t len);

/* Parses one message at buf. stream: a missing body means "need more" and
 * a missing Content-Length means 0; datagram: the body is the rest.
 * Returns 1 with *out (caller frees with sip_msg_free) and *consumed, 0
 * when a stream needs more bytes, or a negative sip_parse_err. */
int sip_msg_parse(const uint8_t *buf, size_t len, bool stream, struct sip_msg **out,
		  size_t *consumed);
void sip_msg_free(struct sip_msg *m);

/* First header `name` (case-insensitive, long form), or NULL. */
const char *sip_hdr(const struct sip_msg *m, const char *name);
/* The i-th occurrence of `name` (0-based), or NULL. Headers written as a
 * comma list on one line count as one occurrence. */
const char *sip_hdr_nth(const struct sip_msg *m, const char *name, size_t i);

/* CSeq number and method; 0 or -1 when absent/malformed. */
int sip_cseq(const struct sip_msg *m, uint32_t *num, char *method, size_t msz);

/* The parameter `param` (e.g. "tag", "branch") of a header value, copied
 * into out; false when absent. */
bool sip_hdr_param(const char *value, const char *param, char *out, size_t outsz);

/* user@host of a From/To/URI value ("sip:" and parameters stripped). */
bool sip_uri_userhost(const char *value, char *out, size_t outsz);

#endif
