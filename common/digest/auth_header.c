/* Parser for Digest challenge/credentials header values.
 *
 *   value  = scheme 1*LWS [param *(LWS* "," LWS* param)]
 *   param  = token LWS* "=" LWS* (token / quoted-string)   (RFC 2617 §1.2)
 *   LWS    = [*WSP CRLF] 1*WSP                             (RFC 3261 §25.1)
 *   quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE
 *
 * A cursor {p, end} is advanced over the input and never read past end;
 * the unquoted output is written sequentially into h->buf, which always
 * has room because the output of a param is never longer than its input
 * plus one terminator (checked up front: len < AUTH_HEADER_MAX).
 * Leniency, as real peers need it: bare values may hold any visible
 * character except ',' and '"' (unquoted URIs and base64 exist in the
 * wild); empty list elements (",,") are skipped. */
#include "auth_header.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

struct cur {
	const char *p, *end;
};

struct out {
	char *buf;
	size_t o;
};

const char *auth_strerror(int err)
{
	switch (err) {
	case AUTH_OK: return "ok";
	case AUTH_ETOOLONG: return "header too long";
	case AUTH_ESCHEME: return "no authentication scheme";
	case AUTH_ESYNTAX: return "syntax error";
	case AUTH_ETOOMANY: return "too many parameters";
	case AUTH_EDUP: return "parameter given twice";
	}
	return "unknown error";
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Octet classes, one table lookup per octet (issue 14: the parse was
 * ≈ 8 k instructions a REGISTER with a test per class and tolower()).
 * C_TOKEN: RFC 3261 §25.1 token characters (alphanum / "-" / "." / "!" /
 * "%" / "*" / "_" / "+" / "`" / "'" / "~"); C_BARE: what a bare value
 * may hold (any visible octet but ',' and '"', see above); C_QPLAIN:
 * inside a quoted-string, an octet copied as is (not '"', '\\', CR, LF,
 * NUL). */
enum { C_TOKEN = 1, C_BARE = 2, C_QPLAIN = 4 };
#define IS_TOK(c)                                                                          \
	((unsigned)(((c) | 0x20) - 'a') < 26u || (unsigned)((c) - '0') < 10u || (c) == '-' ||  \
	 (c) == '.' || (c) == '!' || (c) == '%' || (c) == '*' || (c) == '_' || (c) == '+' ||    \
	 (c) == '`' || (c) == '\'' || (c) == '~')
#define CLS(c)                                                                             \
	((IS_TOK(c) ? C_TOKEN : 0) |                                                       \
	 ((c) > 0x20 && (c) != 0x7f && (c) != ',' && (c) != '"' ? C_BARE : 0) |           \
	 ((c) && (c) != '"' && (c) != '\\' && (c) != '\r' && (c) != '\n' ? C_QPLAIN : 0))
#define CLS4(c) CLS(c), CLS((c) + 1), CLS((c) + 2), CLS((c) + 3)
#define CLS16(c) CLS4(c), CLS4((c) + 4), CLS4((c) + 8), CLS4((c) + 12)
#define CLS64(c) CLS16(c), CLS16((c) + 16), CLS16((c) + 32), CLS16((c) + 48)
static const unsigned char cls[256] = { CLS64(0), CLS64(64), CLS64(128), CLS64(192) };

static bool is_token(char c)
{
	return cls[(unsigned char)c] & C_TOKEN;
}

static char lower(char c)
{
	return (unsigned)(c - 'A') < 26u ? (char)(c | 0x20) : c;
}

/* Is there a line break (CRLF or LF) at p? Returns its length, else 0. */
static size_t crlf_at(const struct cur *c, const char *p)
{
	if (p < c->end && *p == '\n')
		return 1;
	if (p + 1 < c->end && p[0] == '\r' && p[1] == '\n')
		return 2;
	return 0;
}

/* Skips LWS. -1 on a line break not followed by WSP (not a fold). */
static int skip_lws(struct cur *c)
{
	for (;;) {
		size_t n;

		while (c->p < c->end && is_wsp(*c->p))
			c->p++;
		n = crlf_at(c, c->p);
		if (!n) {
			if (c->p < c->end && *c->p == '\r')
				return -1; /* lone CR */
			return 0;
		}
		if (c->p + n >= c->end || !is_wsp(c->p[n]))
			return -1;
		c->p += n;
	}
}

static size_t read_token(struct cur *c)
{
	const char *s = c->p;

	while (c->p < c->end && is_token(*c->p))
		c->p++;
	return (size_t)(c->p - s);
}

/* Copies a quoted-string (cursor on the opening quote) into out,
 * resolving quoted-pairs; a fold inside keeps its WSP. */
static int read_quoted(struct cur *c, struct out *o)
{
	c->p++; /* opening DQUOTE */
	while (c->p < c->end) {
		const char *s = c->p;
		char ch;
		size_t n;

		while (c->p < c->end && cls[(unsigned char)*c->p] & C_QPLAIN)
			c->p++;
		memcpy(o->buf + o->o, s, (size_t)(c->p - s));
		o->o += (size_t)(c->p - s);
		if (c->p == c->end)
			break;
		ch = *c->p;

		if (ch == '"') {
			c->p++;
			o->buf[o->o++] = '\0';
			return 0;
		}
		if (ch == '\\') {
			if (c->p + 1 >= c->end || c->p[1] == '\r' || c->p[1] == '\n' || !c->p[1])
				return -1;
			o->buf[o->o++] = c->p[1];
			c->p += 2;
			continue;
		}
		if ((n = crlf_at(c, c->p))) {
			if (c->p + n >= c->end || !is_wsp(c->p[n]))
				return -1;
			c->p += n;
			continue;
		}
		if (ch == '\r' || ch == '\0')
			return -1;
		o->buf[o->o++] = ch;
		c->p++;
	}
	return -1; /* unterminated */
}

static int read_bare(struct cur *c, struct out *o)
{
	const char *s = c->p;

	while (c->p < c->end && cls[(unsigned char)*c->p] & C_BARE)
		c->p++;
	if (c->p == s)
		return -1; /* "name=" with nothing */
	memcpy(o->buf + o->o, s, (size_t)(c->p - s));
	o->o += (size_t)(c->p - s);
	o->buf[o->o++] = '\0';
	return 0;
}

static int read_scheme(struct cur *c, struct auth_header *h)
{
	const char *s;
	size_t n;

	if (skip_lws(c))
		return AUTH_ESYNTAX;
	s = c->p;
	n = read_token(c);
	if (!n || n >= sizeof(h->scheme))
		return AUTH_ESCHEME;
	memcpy(h->scheme, s, n);
	h->scheme[n] = '\0';
	if (c->p == c->end)
		return 0;
	/* The scheme must be followed by whitespace; "nonce=..." has none. */
	if (!is_wsp(*c->p) && !crlf_at(c, c->p))
		return AUTH_ESCHEME;
	return skip_lws(c) ? AUTH_ESYNTAX : 0;
}

static int add_param(struct auth_header *h, const char *name, const char *value, bool quoted)
{
	for (size_t i = 0; i < h->nparams; i++)
		if (h->params[i].name[0] == name[0] && !strcmp(h->params[i].name, name))
			return AUTH_EDUP;
	if (h->nparams == AUTH_PARAMS_MAX)
		return AUTH_ETOOMANY;
	h->params[h->nparams++] = (struct auth_param){ name, value, quoted };
	return 0;
}

static int read_param(struct cur *c, struct out *o, struct auth_header *h)
{
	const char *s = c->p, *name, *value;
	size_t n = read_token(c);
	bool quoted;

	if (!n)
		return AUTH_ESYNTAX;
	name = o->buf + o->o;
	for (size_t i = 0; i < n; i++)
		o->buf[o->o++] = lower(s[i]);
	o->buf[o->o++] = '\0';
	if (skip_lws(c) || c->p == c->end || *c->p != '=')
		return AUTH_ESYNTAX;
	c->p++;
	if (skip_lws(c) || c->p == c->end)
		return AUTH_ESYNTAX;
	value = o->buf + o->o;
	quoted = *c->p == '"';
	if (quoted ? read_quoted(c, o) : read_bare(c, o))
		return AUTH_ESYNTAX;
	return add_param(h, name, value, quoted);
}

int auth_header_parse(const char *value, size_t len, struct auth_header *out)
{
	struct cur c = { value, value + len };
	struct out o;
	int rc;

	if (!out)
		return AUTH_ESYNTAX;
	memset(out, 0, offsetof(struct auth_header, buf));
	out->buf[0] = '\0';
	if (!value)
		return AUTH_ESCHEME;
	if (len >= AUTH_HEADER_MAX)
		return AUTH_ETOOLONG;
	o = (struct out){ out->buf, 0 };
	if ((rc = read_scheme(&c, out)))
		return rc;
	for (;;) {
		if (skip_lws(&c))
			return AUTH_ESYNTAX;
		if (c.p == c.end)
			break;
		if (*c.p == ',') { /* empty list element */
			c.p++;
			continue;
		}
		if ((rc = read_param(&c, &o, out)))
			return rc;
		if (skip_lws(&c))
			return AUTH_ESYNTAX;
		if (c.p == c.end)
			break;
		if (*c.p != ',')
			return AUTH_ESYNTAX; /* junk after a value */
		c.p++;
	}
	return AUTH_OK;
}

const char *auth_param_get(const struct auth_header *h, const char *name)
{
	if (!h || !name)
		return NULL;
	for (size_t i = 0; i < h->nparams; i++)
		if (h->params[i].name[0] == lower(name[0]) && !strcasecmp(h->params[i].name, name))
			return h->params[i].value;
	return NULL;
}

bool auth_param_quoted(const struct auth_header *h, const char *name)
{
	if (!h || !name)
		return false;
	for (size_t i = 0; i < h->nparams; i++)
		if (h->params[i].name[0] == lower(name[0]) && !strcasecmp(h->params[i].name, name))
			return h->params[i].quoted;
	return false;
}
