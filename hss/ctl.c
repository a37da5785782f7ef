/* Provisioning logic for hss-ctl: field validation, writing a subscriber
 * with its IMPUs, CSV import. See ctl.h. */
#include "ctl.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diameter/codes.h"
#include "util/hex.h"

static int fail(char *err, size_t errsz, const char *prefix, const char *name, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errsz, const char *prefix, const char *name, const char *fmt,
		...)
{
	va_list ap;
	int n = snprintf(err, errsz, "%s%s: ", prefix, name);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errsz)
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool given(const char *s)
{
	return s && *s;
}

/* Exactly `len` octets of hex, with the reason when not. */
static const char *hex_exact(const char *s, uint8_t *out, size_t len)
{
	size_t n = strlen(s);

	if (strspn(s, "0123456789abcdefABCDEF") != n)
		return "not hex";
	if (n != 2 * len)
		return "wrong length";
	return hex_decode_exact(s, out, len) ? "invalid" : NULL;
}

int ctl_parse_sqn(const char *s, uint64_t *sqn)
{
	size_t n = strlen(s);

	if (n < 1 || n > 12 || strspn(s, "0123456789abcdefABCDEF") != n)
		return -EINVAL;
	*sqn = strtoull(s, NULL, 16);
	return 0;
}

/* The number of a tel URI (RFC 3966 §3): a global number, "+" and digits
 * with visual separators (the E.164 form TS 23.003 §13.4 gives an IMPU),
 * or a local number of hex digits, '*' and '#' that only means something
 * with its ";phone-context=". "tel:abc" or "tel:+" name no number. */
static int tel_check(const char *num)
{
	size_t n = strcspn(num, ";");
	bool global = num[0] == '+';
	const char *digits = global ? "0123456789" : "0123456789abcdefABCDEF*#";
	const char *p = num + global, *ctx;
	bool any = false;

	for (; p < num + n; p++) {
		if (strchr(digits, *p))
			any = true;
		else if (!strchr("-.()", *p))
			return -EINVAL;
	}
	if (!any)
		return -EINVAL;
	for (ctx = strchr(num, ';'); !global && ctx; ctx = strchr(ctx + 1, ';'))
		if (strncasecmp(ctx, ";phone-context=", 15) == 0 && ctx[15] && ctx[15] != ';')
			return 0;
	return global ? 0 : -EINVAL;
}

int ctl_impu_check(const char *uri)
{
	static const char *const schemes[] = {"sip:", "sips:", "tel:"};

	for (const char *p = uri; *p; p++)
		if (isspace((unsigned char)*p) || *p == ',')
			return -EINVAL;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i]);
		if (strncasecmp(uri, schemes[i], n) == 0 && uri[n])
			return i == 2 ? tel_check(uri + n) : 0;
	}
	return -EINVAL;
}

static int parse_ids(const struct ctl_fields *f, const char *px, struct db_sub *o, char *err,
		     size_t errsz)
{
	size_t n;

	if (!given(f->imsi))
		return fail(err, errsz, px, "imsi", "required");
	n = strlen(f->imsi);
	if (n < 5 || n > 15 || strspn(f->imsi, "0123456789") != n)
		return fail(err, errsz, px, "imsi", "expected 5..15 digits, got '%s'", f->imsi);
	if (!given(f->impi))
		return fail(err, errsz, px, "impi", "required");
	if (strlen(f->impi) >= DB_ID_MAX || strpbrk(f->impi, " \t\r\n,") ||
	    strspn(f->impi, "0123456789") == strlen(f->impi))
		return fail(err, errsz, px, "impi",
			    "expected a private identity such as user@realm, got '%s'", f->impi);
	snprintf(o->imsi, sizeof(o->imsi), "%s", f->imsi);
	snprintf(o->impi, sizeof(o->impi), "%s", f->impi);
	for (int i = 0; i < f->n_impu; i++)
		if (strlen(f->impu[i]) >= DB_ID_MAX || ctl_impu_check(f->impu[i]))
			return fail(err, errsz, px, "impu",
				    "expected a sip:, sips: or tel: URI (tel:+E.164 digits, RFC 3966), "
				    "got '%s'", f->impu[i]);
	if (f->n_impu < 1)
		return fail(err, errsz, px, "impu", "at least one public identity is required");
	return 0;
}

/* The operator variant: OP/OPc (MILENAGE, 16 octets) or TOP/TOPc (TUAK,
 * 32); XOR has none. */
static int parse_op(const struct ctl_fields *f, const char *px, struct db_sub *o, char *err,
		    size_t errsz)
{
	bool tuak = o->keys.algo == AKA_ALGO_TUAK;
	const char *op = tuak ? f->top : f->op, *opc = tuak ? f->topc : f->opc;
	const char *op_n = tuak ? "top" : "op", *opc_n = tuak ? "topc" : "opc", *why;
	size_t len = tuak ? AKA_TOP_LEN : AKA_OP_LEN;

	if (given(tuak ? f->op : f->top) || given(tuak ? f->opc : f->topc))
		return fail(err, errsz, px, tuak ? (given(f->op) ? "op" : "opc")
						 : (given(f->top) ? "top" : "topc"),
			    tuak ? "tuak takes top or topc (32 octets)" : "only with algo tuak");
	if (given(op) && given(opc))
		return fail(err, errsz, px, opc_n, "give either %s or %s, not both", op_n, opc_n);
	/* as aka-tool and ue-sim: a value that would be ignored is refused */
	if (o->keys.algo == AKA_ALGO_XOR && (given(op) || given(opc)))
		return fail(err, errsz, px, given(op) ? op_n : opc_n,
			    "not used by the XOR algorithm (TS 34.108 §8.1.2)");
	if (given(op) || given(opc)) {
		if ((why = hex_exact(given(op) ? op : opc, given(op) ? o->op : o->keys.opc, len)))
			return fail(err, errsz, px, given(op) ? op_n : opc_n,
				    "expected %zu octets as %zu hex digits (%s)", len, 2 * len, why);
		o->has_op = given(op);
	} else if (o->keys.algo != AKA_ALGO_XOR) {
		return fail(err, errsz, px, op_n, "%s needs %s or %s",
			    aka_algo_name(o->keys.algo), op_n, opc_n);
	}
	return 0;
}

static int parse_keys(const struct ctl_fields *f, const char *px, struct db_sub *o, char *err,
		      size_t errsz)
{
	const char *why;
	int ret;

	if (!given(f->k))
		return fail(err, errsz, px, "k", "required");
	if (o->keys.algo == AKA_ALGO_TUAK) { /* TS 35.231: a 128- or 256-bit K */
		o->keys.tuak.k_len = strlen(f->k) == 64 ? 32 : 16;
		if ((why = hex_exact(f->k, o->keys.k, o->keys.tuak.k_len)))
			return fail(err, errsz, px, "k",
				    "expected 16 or 32 octets as 32 or 64 hex digits (%s)", why);
	} else if ((why = hex_exact(f->k, o->keys.k, AKA_K_LEN))) {
		return fail(err, errsz, px, "k", "expected 16 octets as 32 hex digits (%s)", why);
	}
	if ((ret = parse_op(f, px, o, err, errsz)))
		return ret;
	o->amf[0] = 0x80; /* default AMF 8000: "separation bit" set, as for EPS */
	if (given(f->amf) && (why = hex_exact(f->amf, o->amf, AKA_AMF_LEN)))
		return fail(err, errsz, px, "amf", "expected 2 octets as 4 hex digits (%s)", why);
	if (given(f->sqn) && ctl_parse_sqn(f->sqn, &o->sqn))
		return fail(err, errsz, px, "sqn", "expected 1..12 hex digits, got '%s'", f->sqn);
	return 0;
}

static int parse_auth(const struct ctl_fields *f, const char *px, struct db_sub *o, char *err,
		      size_t errsz)
{
	static const char *const schemes[] = {CX_SCHEME_AKAV1, CX_SCHEME_AKAV2, CX_SCHEME_DIGEST};
	const char *scheme = given(f->scheme) ? f->scheme : CX_SCHEME_AKAV1;
	bool ok = false;

	if (f->password) {
		if (strlen(f->password) >= DB_PASSWORD_MAX)
			return fail(err, errsz, px, "password", "longer than %d characters",
				    DB_PASSWORD_MAX - 1);
		o->has_password = true;
		snprintf(o->password, sizeof(o->password), "%s", f->password);
	}
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		ok |= strcmp(scheme, schemes[i]) == 0;
	if (!ok)
		return fail(err, errsz, px, "scheme",
			    "expected Digest-AKAv1-MD5, Digest-AKAv2-MD5 or 'SIP Digest', got '%s'",
			    scheme);
	if (strcmp(scheme, CX_SCHEME_DIGEST) == 0 && !o->has_password)
		return fail(err, errsz, px, "scheme", "'SIP Digest' needs a password");
	snprintf(o->auth_scheme, sizeof(o->auth_scheme), "%s", scheme);
	return 0;
}

/* RES length and TUAK's lengths through common/aka's table, so hss-ctl
 * refuses what aka-tool and ue-sim refuse, in the same words. */
static int parse_lengths(const struct ctl_fields *f, const char *px, struct db_sub *o,
			 char *err, size_t errsz)
{
	const struct { const char *val, *name; enum aka_param p; bool tuak_only; } lens[] = {
		{ f->res_len, "res-len", AKA_PARAM_RES_LEN, false },
		{ f->mac_len, "mac-len", AKA_PARAM_MAC_LEN, true },
		{ f->ck_len, "ck-len", AKA_PARAM_CK_LEN, true },
		{ f->ik_len, "ik-len", AKA_PARAM_IK_LEN, true },
		{ f->iterations, "iterations", AKA_PARAM_ITERATIONS, true },
	};
	const char *why;

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *end;
		unsigned long long v;

		if (!given(lens[i].val))
			continue;
		if (lens[i].tuak_only && o->keys.algo != AKA_ALGO_TUAK)
			return fail(err, errsz, px, lens[i].name, "only with algo tuak");
		v = strtoull(lens[i].val, &end, 10);
		if (*end || !isdigit((unsigned char)lens[i].val[0]))
			return fail(err, errsz, px, lens[i].name, "expected a number, got '%s'",
				    lens[i].val);
		if (aka_param_set(&o->keys, lens[i].p, v, &why))
			return fail(err, errsz, px, lens[i].name, "expected %s", why);
	}
	/* AUTN carries a 64-bit MAC (TS 33.102 §6.3.2): no vector has room for more */
	if (aka_mac_len(&o->keys) != AKA_MAC_LEN)
		return fail(err, errsz, px, "mac-len", "expected 8: AUTN carries a 64-bit MAC "
			    "(TS 33.102 §6.3.2)");
	return 0;
}

int ctl_sub_parse(const struct ctl_fields *f, const char *px, struct db_sub *o, char *err,
		  size_t errsz)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->keys.algo = AKA_ALGO_MILENAGE;
	if (given(f->algo)) {
		int a = aka_algo_parse(f->algo);
		if (a < 0)
			return fail(err, errsz, px, "algo", "expected milenage, xor or tuak, got '%s'",
				    f->algo);
		o->keys.algo = (enum aka_algo)a;
	}
	o->keys.res_len = AKA_XOR_RES_LEN_DEFAULT; /* Milenage and TUAK: 8 as well */
	ret = parse_lengths(f, px, o, err, errsz);
	if (!ret)
		ret = parse_ids(f, px, o, err, errsz);
	if (!ret)
		ret = parse_keys(f, px, o, err, errsz);
	if (!ret)
		ret = parse_auth(f, px, o, err, errsz);
	return ret;
}

int ctl_sub_write(struct db *db, struct db_sub *s, const char *const *impu, int n_impu,
		  const char *px, char *err, size_t errsz)
{
	struct db_sub other;
	struct db_impu u;
	int ret;

	/* Look first so the message can name the argument that collides. */
	if (db_sub_by_imsi(db, s->imsi, &other) == 0)
		return fail(err, errsz, px, "imsi", "%s already exists", s->imsi), -EEXIST;
	if (db_sub_by_impi(db, s->impi, &other) == 0)
		return fail(err, errsz, px, "impi", "%s already exists", s->impi), -EEXIST;
	ret = db_sub_add(db, s);
	if (ret)
		return snprintf(err, errsz, "database: %s", db_errmsg(db)), ret;
	for (int i = 0; i < n_impu; i++) {
		if (db_impu_by_uri(db, impu[i], &u) == 0)
			return fail(err, errsz, px, "impu", "%s already exists", impu[i]), -EEXIST;
		ret = db_impu_add(db, s->id, impu[i], false, 1, NULL, NULL);
		if (ret)
			return snprintf(err, errsz, "database: %s", db_errmsg(db)), ret;
	}
	return 0;
}

/* ---- CSV ------------------------------------------------------------------ */
int ctl_csv_split(char *line, char **fields, int max)
{
	char *r = line, *w = line;
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (;;) {
		if (n == max)
			return -EINVAL;
		fields[n++] = w;
		if (*r == '"') {
			for (r++;; r++) {
				if (!*r)
					return -EINVAL; /* unterminated quote */
				if (*r == '"' && r[1] == '"')
					*w++ = *r++;
				else if (*r == '"')
					break;
				else
					*w++ = *r;
			}
			r++;
			if (*r && *r != ',')
				return -EINVAL;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (!*r) {
			*w = '\0';
			return n;
		}
		*w++ = '\0';
		r++;
	}
}

enum csv_col { COL_IMSI, COL_IMPI, COL_IMPU, COL_K, COL_OP, COL_OPC, COL_AMF, COL_SQN,
	       COL_ALGO, COL_PASSWORD, COL_SCHEME, COL_RES_LEN, COL_TOP, COL_TOPC, COL_MAC_LEN,
	       COL_CK_LEN, COL_IK_LEN, COL_ITERATIONS, COL_COUNT };
static const char *const col_names[COL_COUNT] = {
	"imsi", "impi", "impu", "k", "op", "opc", "amf", "sqn", "algo", "password", "scheme",
	"res_len", "top", "topc", "mac_len", "ck_len", "ik_len", "iterations"};

/* Maps header positions to columns; -EINVAL on an unknown/duplicate name. */
static int csv_header(char *line, int *map, int *ncols, char *err, size_t errsz)
{
	char *f[COL_COUNT + 1];
	bool seen[COL_COUNT] = {false};
	int n = ctl_csv_split(line, f, COL_COUNT + 1);

	if (n < 0)
		return snprintf(err, errsz, "header: expected at most %d columns of %s", COL_COUNT,
				CTL_CSV_HEADER), -EINVAL;
	for (int i = 0; i < n; i++) {
		map[i] = -1;
		for (int c = 0; c < COL_COUNT; c++)
			if (strcmp(f[i], col_names[c]) == 0 && !seen[c])
				map[i] = c, seen[c] = true;
		if (map[i] < 0)
			return snprintf(err, errsz, "header: unknown or repeated column '%s' (known: %s)",
					f[i], CTL_CSV_HEADER), -EINVAL;
	}
	*ncols = n;
	return 0;
}

/* Splits "a;b;c" IMPU lists in place. */
static int split_impus(char *s, const char **out, int max)
{
	int n = 0;

	for (char *save = NULL, *t = strtok_r(s, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		if (n == max)
			return -1;
		out[n++] = t;
	}
	return n;
}

static int csv_row(struct db *db, char *line, const int *map, int ncols, char *err, size_t errsz)
{
	char *v[COL_COUNT + 1];
	const char *col[COL_COUNT] = {NULL};
	struct ctl_fields f = {0};
	struct db_sub s;
	int n = ctl_csv_split(line, v, COL_COUNT + 1), ret;

	if (n != ncols)
		return snprintf(err, errsz, "expected %d fields as in the header, got %d", ncols,
				n < 0 ? 0 : n), -EINVAL;
	for (int i = 0; i < n; i++)
		col[map[i]] = v[i];
	f = (struct ctl_fields){.imsi = col[COL_IMSI], .impi = col[COL_IMPI], .k = col[COL_K],
				.op = col[COL_OP], .opc = col[COL_OPC], .amf = col[COL_AMF],
				.sqn = col[COL_SQN], .algo = col[COL_ALGO],
				.password = given(col[COL_PASSWORD]) ? col[COL_PASSWORD] : NULL,
				.scheme = col[COL_SCHEME], .res_len = col[COL_RES_LEN],
				.top = col[COL_TOP], .topc = col[COL_TOPC],
				.mac_len = col[COL_MAC_LEN], .ck_len = col[COL_CK_LEN],
				.ik_len = col[COL_IK_LEN], .iterations = col[COL_ITERATIONS]};
	if (col[COL_IMPU]) {
		/* col[] points into line, which is ours to split further. */
		f.n_impu = split_impus((char *)col[COL_IMPU], f.impu, CTL_MAX_IMPU);
		if (f.n_impu < 0)
			return snprintf(err, errsz, "impu: more than %d identities", CTL_MAX_IMPU),
			       -EINVAL;
	}
	ret = ctl_sub_parse(&f, "", &s, err, errsz);
	if (!ret)
		ret = ctl_sub_write(db, &s, f.impu, f.n_impu, "", err, errsz);
	return ret;
}

int ctl_import_csv(struct db *db, const struct ctl_import_src *src, char *err, size_t errsz)
{
	char line[4096], why[CTL_ERR_MAX];
	int map[COL_COUNT + 1], ncols = 0, added = 0, ret = 0;
	unsigned lineno = 0;

	while (fgets(line, sizeof(line), src->fp)) {
		/* a spreadsheet's "CSV UTF-8" begins with a byte order mark */
		if (++lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
			memmove(line, line + 3, strlen(line + 3) + 1);
		if (!strchr(line, '\n') && !feof((FILE *)src->fp))
			ret = (snprintf(why, sizeof(why), "line longer than %zu characters",
					sizeof(line) - 2), -EINVAL);
		else if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
			continue; /* blank lines and comments */
		else if (!ncols)
			ret = csv_header(line, map, &ncols, why, sizeof(why));
		else if ((ret = csv_row(db, line, map, ncols, why, sizeof(why))) == 0)
			added++;
		if (ret) {
			snprintf(err, errsz, "%s:%u: %s", src->name, lineno, why);
			return ret;
		}
	}
	if (ferror((FILE *)src->fp)) /* a directory, an I/O error: not "empty" */
		return snprintf(err, errsz, "%s: cannot read: %s", src->name, strerror(errno)),
		       -EINVAL;
	if (!ncols)
		return snprintf(err, errsz, "%s: empty file, expected the header %s", src->name,
				CTL_CSV_HEADER), -EINVAL;
	return added;
}
