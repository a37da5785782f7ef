/* Registration bindings (see bindings.h): a chained hash on the IMPU. */
#include "bindings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/json.h"
#include "util/str.h"

#define NBUCKETS 1024

struct bstore {
	struct binding_rec *b[NBUCKETS];
	size_t count;
};

static size_t hash(const char *s)
{
	return str_hash_fnv(s) % NBUCKETS;
}

static void rec_free(struct binding_rec *r)
{
	free(r->c);
	free(r);
}

struct bstore *bstore_new(void)
{
	return calloc(1, sizeof(struct bstore));
}

void bstore_free(struct bstore *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct binding_rec *r = s->b[i], *n; r; r = n) {
			n = r->next;
			rec_free(r);
		}
	free(s);
}

static struct binding_rec **slot(struct bstore *s, const char *impu)
{
	struct binding_rec **pp = &s->b[hash(impu)];

	while (*pp && strcmp((*pp)->impu, impu))
		pp = &(*pp)->next;
	return pp;
}

struct binding_rec *bind_find(struct bstore *s, const char *impu)
{
	return *slot(s, impu);
}

struct binding_rec *bind_get(struct bstore *s, const char *impu, const char *impi)
{
	struct binding_rec **pp = slot(s, impu), *r = *pp;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return NULL;
		*pp = r;
		s->count++;
	}
	str_copy(r->impu, sizeof(r->impu), impu);
	str_copy(r->impi, sizeof(r->impi), impi);
	return r;
}

void bind_del(struct bstore *s, const char *impu)
{
	struct binding_rec **pp = slot(s, impu), *r = *pp;

	if (!r)
		return;
	*pp = r->next;
	rec_free(r);
	s->count--;
}

/* Does r belong to impi and (impu NULL, or impu is r's IMPU or in its
 * implicit set)? */
static bool rec_matches(const struct binding_rec *r, const char *impi, const char *impu)
{
	char br[300];

	if (strcmp(r->impi, impi))
		return false;
	if (!impu || !strcmp(r->impu, impu))
		return true;
	snprintf(br, sizeof(br), "<%s>", impu);
	return strstr(r->assoc, br) != NULL;
}

/* Frees every record doomed(r, ctx) says yes to, after gone(arg, r) when
 * given; returns how many. */
static size_t remove_if(struct bstore *s, bool (*doomed)(struct binding_rec *, const void *),
			const void *ctx, void (*gone)(void *, const struct binding_rec *),
			void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < NBUCKETS; i++) {
		struct binding_rec **pp = &s->b[i];
		while (*pp) {
			struct binding_rec *r = *pp;
			if (doomed(r, ctx)) {
				if (gone)
					gone(arg, r);
				*pp = r->next;
				rec_free(r);
				n++;
			} else {
				pp = &r->next;
			}
		}
	}
	s->count -= n;
	return n;
}

struct who {
	const char *impi, *impu;
};

static bool is_whose(struct binding_rec *r, const void *ctx)
{
	const struct who *w = ctx;

	return rec_matches(r, w->impi, w->impu);
}

size_t bind_del_matching(struct bstore *s, const char *impi, const char *impu)
{
	struct who w = { impi, impu };

	return remove_if(s, is_whose, &w, NULL, NULL);
}

size_t bind_del_impi(struct bstore *s, const char *impi)
{
	return bind_del_matching(s, impi, NULL);
}

size_t bind_foreach_impi(struct bstore *s, const char *impi,
			 void (*fn)(void *arg, struct binding_rec *r), void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct binding_rec *r = s->b[i]; r; r = r->next)
			if (!strcmp(r->impi, impi)) {
				fn(arg, r);
				n++;
			}
	return n;
}

int bind_set_contact(struct binding_rec *r, const char *uri, const char *params,
		     unsigned expires_s, uint64_t now_ms)
{
	size_t i;

	if (strlen(uri) >= BIND_URI_MAX || strlen(params) >= BIND_URI_MAX)
		return -EINVAL;
	for (i = 0; i < r->n && strcmp(r->c[i].uri, uri); i++)
		;
	if (expires_s == 0) {
		if (i < r->n) /* RFC 3261 §10.3 step 7: expires 0 removes it */
			r->c[i] = r->c[--r->n];
		return 0;
	}
	if (i == r->n) {
		if (r->n == BIND_MAX_CONTACTS)
			return -ENOSPC;
		if (r->n == r->cap) { /* 1, 2, 4 … BIND_MAX_CONTACTS */
			size_t cap = r->cap ? 2 * r->cap : 1;
			struct binding_contact *c;

			if (cap > BIND_MAX_CONTACTS)
				cap = BIND_MAX_CONTACTS;
			c = realloc(r->c, cap * sizeof(*c));
			if (!c)
				return -ENOMEM;
			r->c = c;
			r->cap = cap;
		}
		r->n++;
	}
	str_copy(r->c[i].uri, BIND_URI_MAX, uri);
	str_copy(r->c[i].params, BIND_URI_MAX, params);
	r->c[i].expires_ms = now_ms + (uint64_t)expires_s * 1000;
	return 0;
}

void bind_clear_contacts(struct binding_rec *r)
{
	r->n = 0;
}

bool bind_prune(struct binding_rec *r, uint64_t now_ms)
{
	for (size_t i = 0; i < r->n;) {
		if (r->c[i].expires_ms <= now_ms)
			r->c[i] = r->c[--r->n];
		else
			i++;
	}
	return r->n == 0;
}

static unsigned remaining_s(uint64_t expires_ms, uint64_t now_ms)
{
	return expires_ms > now_ms ? (unsigned)((expires_ms - now_ms + 999) / 1000) : 0;
}

int bind_format_contacts(const struct binding_rec *r, uint64_t now_ms, char *out, size_t outsz)
{
	size_t len = 0;

	if (!outsz)
		return r && r->n ? -ENOSPC : 0;
	out[0] = '\0';
	for (size_t i = 0; r && i < r->n; i++) {
		char ex[24] = ";expires=";

		str_u32(ex + 9, remaining_s(r->c[i].expires_ms, now_ms));
		if ((i && str_append(out, outsz, &len, ", ")) || str_append(out, outsz, &len, "<") ||
		    str_append(out, outsz, &len, r->c[i].uri) || str_append(out, outsz, &len, ">") ||
		    str_append(out, outsz, &len, r->c[i].params) || str_append(out, outsz, &len, ex))
			return -ENOSPC;
	}
	return (int)len;
}

static bool is_expired(struct binding_rec *r, const void *ctx)
{
	return bind_prune(r, *(const uint64_t *)ctx);
}

size_t bind_expire(struct bstore *s, uint64_t now_ms,
		   void (*gone)(void *arg, const struct binding_rec *r), void *arg)
{
	return remove_if(s, is_expired, &now_ms, gone, arg);
}

size_t bind_count(const struct bstore *s)
{
	return s->count;
}

size_t bind_contact_count(const struct bstore *s)
{
	size_t n = 0;

	for (size_t i = 0; i < NBUCKETS; i++)
		for (const struct binding_rec *r = s->b[i]; r; r = r->next)
			n += r->n;
	return n;
}

static void dump_rec(struct json *j, const struct binding_rec *r, uint64_t now_ms)
{
	json_obj_begin(j, NULL);
	json_str(j, "impu", r->impu);
	json_str(j, "impi", r->impi);
	json_str(j, "associated_uris", r->assoc);
	json_str(j, "path", r->path);
	json_arr_begin(j, "contacts");
	for (size_t i = 0; i < r->n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "uri", r->c[i].uri);
		json_str(j, "params", r->c[i].params);
		json_int(j, "expires", remaining_s(r->c[i].expires_ms, now_ms));
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_begin(j, "profile");
	json_str(j, "barred", r->profile.barred);
	json_int(j, "ifc", r->profile.ifc);
	json_str(j, "application_servers", r->profile.as);
	json_str(j, "ecf", r->profile.ecf);
	json_str(j, "ccf", r->profile.ccf);
	json_int(j, "pushed", r->profile.pushed);
	json_obj_end(j);
	json_obj_end(j);
}

void bind_dump_json(const struct bstore *s, uint64_t now_ms, FILE *fp)
{
	struct json j;

	json_begin(&j, fp);
	json_int(&j, "count", (long long)s->count);
	json_arr_begin(&j, "bindings");
	for (size_t i = 0; i < NBUCKETS; i++)
		for (const struct binding_rec *r = s->b[i]; r; r = r->next)
			dump_rec(&j, r, now_ms);
	json_arr_end(&j);
	json_end(&j);
}
