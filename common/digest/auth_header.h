/* Parser/printer for the value of SIP Authorization, Proxy-Authorization,
 * WWW-Authenticate and Proxy-Authenticate headers (RFC 2617 §3.2.1/§3.2.2,
 * RFC 3261 §25.1 LWS rules, RFC 3310 auts/ck/ik).
 *
 * Accepts what real peers send: any parameter order, scheme and names in
 * any case, quoted or bare values, folded lines (CRLF + WSP), spaces around
 * '=' and ','. Unknown parameters are kept. Values are unquoted with \\
 * escapes resolved. No allocation: values point into a copy in `buf`. */
#ifndef DIGEST_AUTH_HEADER_H
#define DIGEST_AUTH_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define AUTH_PARAMS_MAX 32
#define AUTH_HEADER_MAX 4096

struct auth_param {
	const char *name;  /* lower-cased */
	const char *value; /* unquoted */
	bool quoted;       /* was the value quoted on the wire */
};

struct auth_header {
	char scheme[16];   /* "Digest" as written */
	struct auth_param params[AUTH_PARAMS_MAX];
	size_t nparams;
	char buf[AUTH_HEADER_MAX];
};

enum auth_parse_err {
	AUTH_OK = 0,
	/* digest range of util/err.h */
	AUTH_ETOOLONG = -ERR_BASE_DIGEST - 1, /* header longer than AUTH_HEADER_MAX */
	AUTH_ESCHEME = -ERR_BASE_DIGEST - 2,  /* no scheme token */
	AUTH_ESYNTAX = -ERR_BASE_DIGEST - 3,  /* unbalanced quotes, missing '=', junk */
	AUTH_ETOOMANY = -ERR_BASE_DIGEST - 4, /* more than AUTH_PARAMS_MAX parameters */
	AUTH_EDUP = -ERR_BASE_DIGEST - 5,     /* a parameter given twice */
};
const char *auth_strerror(int err);

/* Parses `len` bytes of a header value (without the "Name:" part). */
int auth_header_parse(const char *value, size_t len, struct auth_header *out);

/* The value of parameter `name` (case-insensitive), or NULL. */
const char *auth_param_get(const struct auth_header *h, const char *name);
/* Was it present with quotes? false when absent. */
bool auth_param_quoted(const struct auth_header *h, const char *name);

#endif
