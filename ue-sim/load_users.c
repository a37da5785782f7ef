/* Latency series and the users CSV of `ue-sim load`. */
#include "load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"

int lat_add(struct lat_series *s, uint64_t ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint32_t *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -1;
		s->v = v, s->cap = cap;
	}
	s->v[s->n++] = ns / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(ns / 1000);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t lat_percentile(struct lat_series *s, double q)
{
	size_t i;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_u32);
	i = (size_t)(q * (double)(s->n - 1) + 0.5);
	return s->v[i < s->n ? i : s->n - 1];
}

void lat_free(struct lat_series *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

enum { COL_IMPI, COL_IMPU, COL_K, COL_OP, COL_OPC, COL_TOP, COL_TOPC, COL_AMF, NCOL };
static const char *const col_names[NCOL] = { "impi", "impu", "k", "op", "opc", "top", "topc",
					     "amf" };

/* Splits a CSV line in place at commas (no quoted commas: none of these
 * fields can contain one); strips quotes and blanks. */
static int csv_fields(char *line, char **f, int max)
{
	int n = 0;

	for (char *p = line; n < max;) {
		char *e = strchr(p, ',');
		if (e)
			*e = '\0';
		while (*p == ' ' || *p == '"')
			p++;
		size_t l = strlen(p);
		while (l && (p[l - 1] == ' ' || p[l - 1] == '"' || p[l - 1] == '\r' || p[l - 1] == '\n'))
			p[--l] = '\0';
		f[n++] = p;
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

static const char *colv(char **f, int nf, int idx)
{
	return idx >= 0 && idx < nf && f[idx][0] ? f[idx] : NULL;
}

static int user_row(char **f, int nf, const int *col, struct load_user *u, char *why, size_t n)
{
	const char *v, *impi = colv(f, nf, col[COL_IMPI]), *impu = colv(f, nf, col[COL_IMPU]);
	char *semi;

	memset(u, 0, sizeof(*u));
	u->op_is_opc = -1;
#define COL(c) colv(f, nf, col[c])
	if (!impi || !impu || !COL(COL_K))
		return snprintf(why, n, "impi, impu and k are required"), -1;
	u->impi = strdup(impi);
	u->impu = strdup(impu);
	if (!u->impi || !u->impu)
		return snprintf(why, n, "out of memory"), -1;
	if ((semi = strpbrk(u->impu, "; ")))  /* several IMPUs: register the first */
		*semi = '\0';
	/* 16 octets, or 32 for a TUAK K and TOP/TOPc (the --algo decides) */
	if (hex_decode(COL(COL_K), u->k, sizeof(u->k), &u->k_len) < 0 ||
	    (u->k_len != 16 && u->k_len != 32))
		return snprintf(why, n, "k: expected 16 hex octets (TUAK: 16 or 32)"), -1;
	if ((v = COL(COL_OPC)) || (v = COL(COL_OP)) || (v = COL(COL_TOPC)) || (v = COL(COL_TOP))) {
		u->op_is_opc = v == COL(COL_OPC) || v == COL(COL_TOPC);
		if (hex_decode(v, u->op, sizeof(u->op), &u->op_len) < 0 ||
		    (u->op_len != 16 && u->op_len != 32))
			return snprintf(why, n, "op/opc/top/topc: expected 16 hex octets (TUAK: 32)"), -1;
	}
	if ((v = COL(COL_AMF))) {
		if (hex_decode_exact(v, u->amf, 2) < 0)
			return snprintf(why, n, "amf: expected 2 hex octets"), -1;
		u->have_amf = 1;
	}
#undef COL
	return 0;
}

long load_users_read(const char *path, struct load_user **users, char *err, size_t errsz)
{
	FILE *fp = fopen(path, "r");
	char line[2048], why[128];
	char *f[32];
	int col[NCOL], nf, lineno = 0;
	long n = 0, cap = 0;
	struct load_user *u = NULL;

	*users = NULL;
	if (!fp)
		return snprintf(err, errsz, "%s: %s", path, strerror(errno)), -1;
	for (int c = 0; c < NCOL; c++)
		col[c] = -1;
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		return snprintf(err, errsz, "%s:1: empty file (needs a header line)", path), -1;
	}
	lineno = 1;
	nf = csv_fields(line, f, 32);
	for (int i = 0; i < nf; i++)
		for (int c = 0; c < NCOL; c++)
			if (!strcmp(f[i], col_names[c]))
				col[c] = i;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \r\n")] == '\0')
			continue;
		if (n == cap) {
			struct load_user *nu = realloc(u, (size_t)(cap = cap ? cap * 2 : 1024) * sizeof(*u));
			if (!nu)
				break;
			u = nu;
		}
		nf = csv_fields(line, f, 32);
		if (user_row(f, nf, col, &u[n], why, sizeof(why)) < 0) {
			snprintf(err, errsz, "%s:%d: %s", path, lineno, why);
			load_users_free(u, n + 1);
			fclose(fp);
			return -1;
		}
		n++;
	}
	fclose(fp);
	*users = u;
	return n;
}

void load_users_free(struct load_user *users, long n)
{
	for (long i = 0; users && i < n; i++) {
		free(users[i].impi);
		free(users[i].impu);
	}
	free(users);
}
