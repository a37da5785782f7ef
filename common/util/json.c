#include "json.h"
#include "hex.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* RFC 8259 §7: the escaped form of one octet below 0x80 of a string into
 * e (at most 7 octets with the NUL). */
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

/* The JSON form of the character at p (end: the string's end) into e;
 * *used receives the octets it stands for. A well-formed UTF-8 sequence
 * passes as it is; an octet that starts none (text that is not UTF-8, such
 * as a capture's raw header bytes) becomes \ufffd, so the document stays
 * UTF-8 as RFC 8259 §8.1 wants and every JSON reader takes it. */
static const char *json_char(const unsigned char *p, const unsigned char *end, char e[8],
			     size_t *used)
{
	size_t n;

	*used = 1;
	if (*p < 0x80)
		return json_esc(*p, e);
	n = utf8_seq_len(p, (size_t)(end - p));
	if (!n)
		return "\\ufffd";
	memcpy(e, p, n);
	e[n] = '\0';
	*used = n;
	return e;
}

void json_write_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	char e[8];
	size_t used;

	fputc('"', fp);
	for (; p < end; p += used)
		fputs(json_char(p, end, e, &used), fp);
	fputc('"', fp);
}

size_t json_string_buf(char *buf, size_t sz, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	size_t n = 0, used;
	char e[8];

	if (sz < 3)
		return 0;
	buf[n++] = '"';
	for (; p < end; p += used) {
		const char *x;
		size_t l;

		used = 1;
		if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') { /* most: as they are */
			if (sz - n < 3)
				return 0;
			buf[n++] = (char)*p;
			continue;
		}
		x = json_char(p, end, e, &used);
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
