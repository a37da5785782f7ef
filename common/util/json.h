/* A tiny JSON object writer for --json outputs: one object, flat or nested,
 * keys in call order, strings escaped per RFC 8259. */
#ifndef UTIL_JSON_H
#define UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *fp;
	int depth;
	bool need_comma[16];
};

void json_begin(struct json *j, FILE *fp);          /* "{" */
void json_end(struct json *j);                      /* "}\n" */
void json_str(struct json *j, const char *key, const char *val); /* val NULL -> null */
void json_hex(struct json *j, const char *key, const uint8_t *v, size_t len);
void json_int(struct json *j, const char *key, long long v);
void json_bool(struct json *j, const char *key, bool v);
/* A finite number, shortest exact form ("%.17g"). */
void json_double(struct json *j, const char *key, double v);
void json_obj_begin(struct json *j, const char *key); /* key NULL inside arrays */
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
/* Writes a JSON string literal (with quotes). */
void json_write_string(FILE *fp, const char *s);
/* The same into buf (NUL-terminated): its length, 0 when it does not fit. */
size_t json_string_buf(char *buf, size_t sz, const char *s);

#endif
