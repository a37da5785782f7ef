#include "json.h"
#include "hex.h"

#include <stdlib.h>
#include <string.h>

/* RFC 8259 §7: the escaped form of one octet of a string into e (at
 * most 7 octets with the NUL); octets from 0x80 on pass as they are. */
static const char *json_esc(unsigned char c, char e[8])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	}
	if (c < 0x20) {
		snprintf(e, 8, "\\u%04x", c);
	} else {
		e[0] = (char)c;
		e[1] = '\0';
	}
	return e;
}

void json_write_string(FILE *fp, const char *s)
{
	char e[8];

	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputs(json_esc(*p, e), fp);
	fputc('"', fp);
}

size_t json_string_buf(char *buf, size_t sz, const char *s)
{
	size_t n = 0;
	char e[8];

	if (sz < 3)
		return 0;
	buf[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *x;
		size_t l;

		if (*p >= 0x20 && *p != '"' && *p != '\\') { /* most octets: as they are */
			if (sz - n < 3)
				return 0;
			buf[n++] = (char)*p;
			continue;
		}
		x = json_esc(*p, e);
		l = strlen(x);
		if (sz - n < l + 2)
			return 0;
		memcpy(buf + n, x, l);
		n += l;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return n;
}

static void key(struct json *j, const char *k)
{
	if (j->need_comma[j->depth])
		fputs(", ", j->fp);
	j->need_comma[j->depth] = true;
	if (k) {
		json_write_string(j->fp, k);
		fputs(": ", j->fp);
	}
}

static void open(struct json *j, const char *k, char c)
{
	key(j, k);
	fputc(c, j->fp);
	if (j->depth < 15)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct json *j, char c)
{
	fputc(c, j->fp);
	if (j->depth > 0)
		j->depth--;
}

void json_begin(struct json *j, FILE *fp)
{
	j->fp = fp;
	j->depth = 0;
	j->need_comma[0] = false;
	fputc('{', fp);
	j->depth = 1;
	j->need_comma[1] = false;
}

void json_end(struct json *j)
{
	fputs("}\n", j->fp);
	j->depth = 0;
}

void json_str(struct json *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		json_write_string(j->fp, v);
	else
		fputs("null", j->fp);
}

void json_hex(struct json *j, const char *k, const uint8_t *v, size_t len)
{
	char *h = malloc(2 * len + 1);

	if (!h) {
		json_str(j, k, NULL);
		return;
	}
	hex_encode(v, len, h);
	json_str(j, k, h);
	free(h);
}

void json_int(struct json *j, const char *k, long long v)
{
	key(j, k);
	fprintf(j->fp, "%lld", v);
}

void json_double(struct json *j, const char *k, double v)
{
	key(j, k);
	fprintf(j->fp, "%.17g", v);
}

void json_bool(struct json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->fp);
}

void json_obj_begin(struct json *j, const char *k) { open(j, k, '{'); }
void json_obj_end(struct json *j) { close_(j, '}'); }
void json_arr_begin(struct json *j, const char *k) { open(j, k, '['); }
void json_arr_end(struct json *j) { close_(j, ']'); }
