#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static char *unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

/* One line; returns 0 or -1 with a reason in why. */
static int parse_line(char *line, char *section, size_t secsz, ini_cb cb, void *arg,
		      char *why, size_t whysz)
{
	char *s = trim(line), *eq;

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (!close || close[1] != '\0') {
			snprintf(why, whysz, "malformed section header '%s'", s);
			return -1;
		}
		*close = '\0';
		snprintf(section, secsz, "%s", trim(s + 1));
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq) {
		snprintf(why, whysz, "expected 'key = value', got '%s'", s);
		return -1;
	}
	*eq = '\0';
	char *key = trim(s), *val = unquote(trim(eq + 1));
	if (!*key) {
		snprintf(why, whysz, "empty key");
		return -1;
	}
	return cb(arg, section, key, val, why, whysz);
}

int ini_parse_string(const char *name, const char *text, ini_cb cb, void *arg,
		     char *err, size_t errsz)
{
	char section[128] = "", why[256];
	int lineno = 0;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);
		int rc;

		lineno++;
		if (!line) {
			snprintf(err, errsz, "%s: out of memory", name);
			return -1;
		}
		why[0] = '\0';
		rc = parse_line(line, section, sizeof(section), cb, arg, why, sizeof(why));
		free(line);
		if (rc) {
			snprintf(err, errsz, "%s:%d: %s", name, lineno, why[0] ? why : "invalid line");
			return -1;
		}
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

int ini_parse_file(const char *path, ini_cb cb, void *arg, char *err, size_t errsz)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;
	char chunk[4096];
	int rc;

	if (!fp) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (len + n + 1 > cap) {
			char *nb = realloc(buf, cap = (len + n + 1) * 2);
			if (!nb) {
				free(buf);
				fclose(fp);
				snprintf(err, errsz, "%s: out of memory", path);
				return -1;
			}
			buf = nb;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(fp);
	if (!buf)
		buf = calloc(1, 1);
	if (!buf) {
		snprintf(err, errsz, "%s: out of memory", path);
		return -1;
	}
	buf[len] = '\0';
	rc = ini_parse_string(path, buf, cb, arg, err, errsz);
	free(buf);
	return rc;
}

int ini_bool(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}
