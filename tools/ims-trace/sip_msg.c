#include "sip_msg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* RFC 3261 §7.3.3 compact forms, plus the RFC 3515/3892/4028/3841 ones. */
static const struct { char c; const char *name; } compact[] = {
	{ 'a', "Accept-Contact" }, { 'b', "Referred-By" }, { 'c', "Content-Type" },
	{ 'd', "Request-Disposition" }, { 'e', "Content-Encoding" }, { 'f', "From" },
	{ 'i', "Call-ID" }, { 'j', "Reject-Contact" }, { 'k', "Supported" },
	{ 'l', "Content-Length" }, { 'm', "Contact" }, { 'o', "Event" }, { 'r', "Refer-To" },
	{ 's', "Subject" }, { 't', "To" }, { 'u', "Allow-Events" }, { 'v', "Via" },
	{ 'x', "Session-Expires" }, { 'y', "Identity" },
};

const char *sip_strerror(int err)
{
	switch (err) {
	case SIP_NEED_MORE: return "incomplete message";
	case SIP_ENOTSIP: return "not a SIP start line";
	case SIP_EHEAD: return "malformed or oversized header block";
	case SIP_ECLEN: return "bad Content-Length";
	case SIP_ENOMEM: return "out of memory";
	}
	return "unknown error";
}

static bool is_token_char(int ch)
{
	return isalnum(ch) || strchr("-.!%*_+`'~", ch);
}

/* Length of the first line (without CR LF), or -1 when no LF within max. */
static long first_line_len(const uint8_t *buf, size_t len, size_t max)
{
	size_t n = len < max ? len : max;
	const uint8_t *lf = memchr(buf, '\n', n);

	if (!lf)
		return -1;
	size_t l = (size_t)(lf - buf);
	if (l && buf[l - 1] == '\r')
		l--;
	return (long)l;
}

static bool status_line_ok(const uint8_t *b, size_t l)
{
	return l >= 12 && !memcmp(b, "SIP/2.0 ", 8) && isdigit(b[8]) && isdigit(b[9]) &&
	       isdigit(b[10]) && (l == 11 || b[11] == ' ');
}

static bool request_line_ok(const uint8_t *b, size_t l)
{
	size_t i = 0;

	while (i < l && is_token_char(b[i]))
		i++;
	if (i == 0 || i >= l || b[i] != ' ')
		return false;
	return l > i + 9 && !memcmp(b + l - 8, " SIP/2.0", 8);
}

bool sip_looks_like(const uint8_t *buf, size_t len)
{
	long l = first_line_len(buf, len, 2048);

	if (l < 0)
		return false;
	return status_line_ok(buf, (size_t)l) || request_line_ok(buf, (size_t)l);
}

/* Finds the empty line ending the header block; *hdr_end = offset of the
 * first body octet. false when not within the buffer. */
static bool find_head_end(const uint8_t *buf, size_t len, size_t *hdr_end)
{
	for (size_t i = 0; i + 1 < len && i < SIP_HEAD_MAX; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n') {
			*hdr_end = i + 2;
			return true;
		}
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
			*hdr_end = i + 3;
			return true;
		}
	}
	return false;
}

static const char *canonical_name(const char *n)
{
	if (n[0] && !n[1]) {
		for (size_t i = 0; i < sizeof(compact) / sizeof(compact[0]); i++)
			if (tolower((unsigned char)n[0]) == compact[i].c)
				return compact[i].name;
	}
	return n;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Unfolds the header block in place: CRLF/LF followed by SP/HT becomes
 * spaces (§7.3.1); lines are then separated by '\0'. */
static void unfold_split(char *t, size_t n)
{

	for (size_t i = 0; i < n; i++) {
		if (t[i] != '\n')
			continue;
		if (i + 1 < n && (t[i + 1] == ' ' || t[i + 1] == '\t')) {
			t[i] = ' ';
			if (i && t[i - 1] == '\r')
				t[i - 1] = ' ';
			continue;
		}
		t[i] = '\0';
		if (i && t[i - 1] == '\r')
			t[i - 1] = '\0';
	}
}

static int parse_start_line(struct sip_msg *m, char *line)
{
	if (!strncmp(line, "SIP/2.0 ", 8)) {
		m->request = false;
		m->status = atoi(line + 8);
		m->reason = line[11] ? trim(line + 12) : "";
		return 0;
	}
	char *sp1 = strchr(line, ' ');
	if (!sp1 || (size_t)(sp1 - line) >= sizeof(m->method))
		return SIP_ENOTSIP;
	char *sp2 = strrchr(line, ' ');
	if (sp2 == sp1)
		return SIP_ENOTSIP;
	m->request = true;
	memcpy(m->method, line, (size_t)(sp1 - line));
	*sp2 = '\0';
	m->ruri = trim(sp1 + 1);
	return 0;
}

static int parse_headers(struct sip_msg *m, char *t, size_t n)
{
	char *next;
	bool first = true;

	unfold_split(t, n);
	/* CR and LF both became NULs: empty strings between lines are skipped */
	for (char *line = t; line < t + n; line = next) {
		next = line + strlen(line) + 1;
		if (!*line)
			continue;
		if (first) {
			int rc = parse_start_line(m, line);
			if (rc)
				return rc;
			first = false;
			continue;
		}
		char *colon = strchr(line, ':');
		if (!colon || m->nhdrs == SIP_HDRS_MAX)
			return SIP_EHEAD;
		*colon = '\0';
		m->hdrs[m->nhdrs].name = canonical_name(trim(line));
		m->hdrs[m->nhdrs].value = trim(colon + 1);
		m->nhdrs++;
	}
	return first ? SIP_ENOTSIP : 0;
}

/* Content-Length value: -1 absent, -2 malformed. */
static long content_length(const struct sip_msg *m)
{
	const char *v = sip_hdr(m, "Content-Length");
	char *end;

	if (!v)
		return -1;
	if (!isdigit((unsigned char)*v))
		return -2;
	unsigned long n = strtoul(v, &end, 10);
	if (*trim(end) || n > SIP_BODY_MAX)
		return -2;
	return (long)n;
}

int sip_msg_parse(const uint8_t *buf, size_t len, bool stream, struct sip_msg **out,
		  size_t *consumed)
{
	size_t hdr_end;

	*out = NULL;
	*consumed = 0;
	long l1 = first_line_len(buf, len, 2048);
	if (l1 < 0)
		return stream && len < 2048 ? SIP_NEED_MORE : SIP_ENOTSIP;
	if (!status_line_ok(buf, (size_t)l1) && !request_line_ok(buf, (size_t)l1))
		return SIP_ENOTSIP;
	if (!find_head_end(buf, len, &hdr_end)) {
		if (len >= SIP_HEAD_MAX)
			return SIP_EHEAD;
		if (stream)
			return SIP_NEED_MORE;
		hdr_end = len; /* datagram without the empty line: take it all */
	}
	struct sip_msg *m = calloc(1, sizeof(*m));
	char *t = malloc(len + 1);
	if (!m || !t) {
		free(m);
		free(t);
		return SIP_ENOMEM;
	}
	m->text = t;
	memcpy(t, buf, hdr_end);
	t[hdr_end] = '\0';
	int rc = parse_headers(m, t, hdr_end);
	long cl = rc ? 0 : content_length(m);
	if (!rc && cl == -2)
		rc = SIP_ECLEN;
	size_t avail = len - hdr_end, blen;
	if (!rc) {
		if (cl < 0)
			blen = stream ? 0 : avail;
		else if ((size_t)cl > avail) {
			if (stream) {
				sip_msg_free(m);
				return SIP_NEED_MORE;
			}
			m->body_truncated = true;
			blen = avail;
		} else
			blen = (size_t)cl;
	}
	if (rc) {
		sip_msg_free(m);
		return rc;
	}
	/* body lives right after the header block's NUL in the same copy */
	memcpy(t + hdr_end, buf + hdr_end, blen);
	t[hdr_end + blen] = '\0';
	m->body = (const uint8_t *)t + hdr_end;
	m->body_len = blen;
	m->wire_len = hdr_end + blen;
	*out = m;
	*consumed = stream ? m->wire_len : len;
	return 1;
}

void sip_msg_free(struct sip_msg *m)
{
	if (!m)
		return;
	free(m->text);
	free(m);
}

const char *sip_hdr_nth(const struct sip_msg *m, const char *name, size_t i)
{
	for (size_t k = 0; k < m->nhdrs; k++)
		if (!strcasecmp(m->hdrs[k].name, name) && i-- == 0)
			return m->hdrs[k].value;
	return NULL;
}

const char *sip_hdr(const struct sip_msg *m, const char *name)
{
	return sip_hdr_nth(m, name, 0);
}

int sip_cseq(const struct sip_msg *m, uint32_t *num, char *method, size_t msz)
{
	const char *v = sip_hdr(m, "CSeq");
	char meth[32];
	unsigned long n;

	if (!v || sscanf(v, "%lu %31s", &n, meth) != 2 || n > 0xffffffffUL)
		return -1;
	*num = (uint32_t)n;
	snprintf(method, msz, "%s", meth);
	return 0;
}

bool sip_hdr_param(const char *value, const char *param, char *out, size_t outsz)
{
	size_t pl = strlen(param);
	const char *p = value;

	/* parameters follow ';' outside <...> and quotes (RFC 3261 §20.10) */
	bool inq = false, ina = false;
	for (; *p; p++) {
		if (*p == '"')
			inq = !inq;
		else if (!inq && *p == '<')
			ina = true;
		else if (!inq && *p == '>')
			ina = false;
		else if (!inq && !ina && *p == ';') {
			const char *s = p + 1;
			while (*s == ' ')
				s++;
			if (!strncasecmp(s, param, pl) && (s[pl] == '=' || s[pl] == ';' ||
							   s[pl] == ',' || !s[pl] || s[pl] == ' ')) {
				s += pl;
				size_t n = 0;
				if (*s == '=') {
					s++;
					n = strcspn(s, ";, >");
				}
				snprintf(out, outsz, "%.*s", (int)n, s);
				return true;
			}
		}
	}
	return false;
}

bool sip_uri_userhost(const char *value, char *out, size_t outsz)
{
	const char *lt = strchr(value, '<');
	const char *s = lt ? lt + 1 : value;

	while (*s == ' ')
		s++;
	if (!strncasecmp(s, "sips:", 5))
		s += 5;
	else if (!strncasecmp(s, "sip:", 4))
		s += 4;
	else if (!strncasecmp(s, "tel:", 4))
		s += 4;
	size_t n = strcspn(s, ";>? ,");
	if (n == 0)
		return false;
	/* strip a :port after the host */
	const char *at = memchr(s, '@', n);
	const char *colon = memchr(at ? at : s, ':', n - (size_t)((at ? at : s) - s));
	if (colon && !memchr(s, '[', n))
		n = (size_t)(colon - s);
	snprintf(out, outsz, "%.*s", (int)n, s);
	return true;
}
