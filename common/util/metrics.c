/* The metrics registry and the text exposition format 0.0.4 (metrics.h). */
#include "metrics.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

const double metrics_latency_buckets[] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,     10,
};
const size_t metrics_latency_nbuckets =
	sizeof(metrics_latency_buckets) / sizeof(metrics_latency_buckets[0]);

struct metrics {
	struct metric_family *first, **last;
	void (*collect)(void *arg, struct metrics *m);
	void *collect_arg;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m)
		m->last = &m->first;
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	for (struct metric_family *f = m->first, *next; f; f = next) {
		next = f->next;
		for (size_t i = 0; i < f->nseries; i++)
			free(f->series[i]);
		free(f->series);
		free(f);
	}
	free(m);
}

void metrics_on_collect(struct metrics *m, void (*fn)(void *arg, struct metrics *m), void *arg)
{
	m->collect = fn;
	m->collect_arg = arg;
}

/* Metric and label names: [a-zA-Z_:][a-zA-Z0-9_:]* (labels without ':'). */
static bool name_ok(const char *s, bool colon)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || (colon && *s == ':')))
			return false;
	return true;
}

static struct metric_family *family_new(struct metrics *m, enum metric_type t, const char *name,
					const char *help, const char *const *labels)
{
	struct metric_family *f;

	if (!m || !name_ok(name, true) || strlen(name) >= sizeof(f->name))
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->type = t;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->help, sizeof(f->help), "%s", help);
	for (size_t i = 0; labels && labels[i]; i++) {
		if (i == METRIC_MAX_LABELS || !name_ok(labels[i], false) ||
		    !strcmp(labels[i], "le")) {
			free(f);
			return NULL;
		}
		f->label[f->nlabels++] = labels[i];
	}
	*m->last = f;
	m->last = &f->next;
	return f;
}

/* A family without labels has exactly one series: create it now, so it
 * is written (as 0) before anything happened. */
static struct metric_family *with_default_series(struct metric_family *f)
{
	if (f && !f->nlabels)
		metric_series_v(f, NULL);
	return f;
}

struct metric_family *metrics_counter(struct metrics *m, const char *name, const char *help,
				      const char *const *labels)
{
	return with_default_series(family_new(m, METRIC_COUNTER, name, help, labels));
}

struct metric_family *metrics_gauge(struct metrics *m, const char *name, const char *help,
				    const char *const *labels)
{
	return with_default_series(family_new(m, METRIC_GAUGE, name, help, labels));
}

struct metric_family *metrics_histogram(struct metrics *m, const char *name, const char *help,
					const char *const *labels, const double *bounds,
					size_t nbounds)
{
	struct metric_family *f;

	if (!bounds) {
		bounds = metrics_latency_buckets;
		nbounds = metrics_latency_nbuckets;
	}
	if (nbounds > METRIC_MAX_BUCKETS)
		return NULL;
	for (size_t i = 1; i < nbounds; i++)
		if (!(bounds[i] > bounds[i - 1]))
			return NULL;
	f = family_new(m, METRIC_HISTOGRAM, name, help, labels);
	if (!f)
		return NULL;
	for (size_t i = 0; i < nbounds; i++) {
		f->bound[i] = bounds[i];
		/* integer compares on the hot path; +0.5 rounds 0.00025 s to 250 µs */
		f->bound_us[i] = (uint64_t)(bounds[i] * 1e6 + 0.5);
	}
	f->nbounds = nbounds;
	return with_default_series(f);
}

struct metric_series *metric_series_v(struct metric_family *f, const char *const *values)
{
	struct metric_series *s;

	if (!f)
		return NULL;
	for (size_t i = 0; i < f->nseries; i++) {
		size_t l = 0;

		while (l < f->nlabels && !strncmp(f->series[i]->lv[l], values[l] ? values[l] : "",
						   METRIC_LABEL_MAX - 1))
			l++;
		if (l == f->nlabels)
			return f->series[i];
	}
	if (f->nseries == METRIC_MAX_SERIES)
		return NULL;
	if (f->nseries == f->capseries) {
		size_t cap = f->capseries ? f->capseries * 2 : 8;
		struct metric_series **p = realloc(f->series, cap * sizeof(*p));

		if (!p)
			return NULL;
		f->series = p;
		f->capseries = cap;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	for (size_t l = 0; l < f->nlabels; l++)
		snprintf(s->lv[l], METRIC_LABEL_MAX, "%s", values[l] ? values[l] : "");
	s->fam = f;
	f->series[f->nseries++] = s;
	return s;
}

struct metric_series *metric_series(struct metric_family *f, ...)
{
	const char *v[METRIC_MAX_LABELS] = { 0 };
	va_list ap;

	if (!f)
		return NULL;
	va_start(ap, f);
	for (size_t i = 0; i < f->nlabels; i++)
		v[i] = va_arg(ap, const char *);
	va_end(ap);
	return metric_series_v(f, v);
}

void metric_observe_us(struct metric_series *s, uint64_t us)
{
	const struct metric_family *f;
	size_t i = 0;

	if (!s)
		return;
	f = s->fam;
	while (i < f->nbounds && us > f->bound_us[i])
		i++;
	s->bucket[i]++;
	s->count++;
	s->sum_us += us;
}

void metric_gauge_reset(struct metric_family *f)
{
	for (size_t i = 0; f && i < f->nseries; i++)
		f->series[i]->gauge = 0;
}

/* ---- Text format 0.0.4 --------------------------------------------------- */

/* HELP text: backslash and newline escaped. */
static void put_help(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

/* Label value: backslash, double quote and newline escaped. */
static void put_value(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', fp), fputc(*s, fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

/* {a="x",b="y"[,le="0.5"]} or nothing when there is no label at all. */
static void put_labels(FILE *fp, const struct metric_series *s, const char *le)
{
	const struct metric_family *f = s->fam;

	if (!f->nlabels && !le)
		return;
	fputc('{', fp);
	for (size_t i = 0; i < f->nlabels; i++) {
		fprintf(fp, "%s%s=\"", i ? "," : "", f->label[i]);
		put_value(fp, s->lv[i]);
		fputc('"', fp);
	}
	if (le)
		fprintf(fp, "%sle=\"%s\"", f->nlabels ? "," : "", le);
	fputc('}', fp);
}

static void put_gauge_value(FILE *fp, double v)
{
	if (v == (double)(long long)v && v < 9e15 && v > -9e15)
		fprintf(fp, " %lld\n", (long long)v);
	else
		fprintf(fp, " %.17g\n", v);
}

/* The le label of bucket b ("+Inf" past the last bound). */
static void le_label(const struct metric_family *f, size_t b, char *le, size_t lesz)
{
	if (b < f->nbounds)
		snprintf(le, lesz, "%g", f->bound[b]);
	else
		snprintf(le, lesz, "+Inf");
}

void metric_histogram_json(struct json *j, const char *key, const struct metric_series *s)
{
	uint64_t cum = 0;
	char le[32];

	json_obj_begin(j, key);
	json_arr_begin(j, "buckets");
	for (size_t b = 0; b <= s->fam->nbounds; b++) {
		cum += s->bucket[b];
		le_label(s->fam, b, le, sizeof(le));
		json_obj_begin(j, NULL);
		json_str(j, "le", le);
		json_int(j, "count", (long long)cum);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_int(j, "count", (long long)s->count);
	json_int(j, "sum_us", (long long)s->sum_us);
	json_obj_end(j);
}

static void put_histogram(FILE *fp, const struct metric_series *s)
{
	const struct metric_family *f = s->fam;
	uint64_t cum = 0;
	char le[32];

	for (size_t b = 0; b <= f->nbounds; b++) {
		cum += s->bucket[b];
		le_label(f, b, le, sizeof(le));
		fprintf(fp, "%s_bucket", f->name);
		put_labels(fp, s, le);
		fprintf(fp, " %llu\n", (unsigned long long)cum);
	}
	fprintf(fp, "%s_sum", f->name);
	put_labels(fp, s, NULL);
	fprintf(fp, " %llu.%06llu\n", (unsigned long long)(s->sum_us / 1000000u),
		(unsigned long long)(s->sum_us % 1000000u));
	fprintf(fp, "%s_count", f->name);
	put_labels(fp, s, NULL);
	fprintf(fp, " %llu\n", (unsigned long long)s->count);
}

static void put_family(FILE *fp, const struct metric_family *f)
{
	static const char *const tname[] = { "counter", "gauge", "histogram" };

	fprintf(fp, "# HELP %s ", f->name);
	put_help(fp, f->help);
	fprintf(fp, "\n# TYPE %s %s\n", f->name, tname[f->type]);
	for (size_t i = 0; i < f->nseries; i++) {
		const struct metric_series *s = f->series[i];

		if (f->type == METRIC_HISTOGRAM) {
			put_histogram(fp, s);
			continue;
		}
		fputs(f->name, fp);
		put_labels(fp, s, NULL);
		if (f->type == METRIC_COUNTER)
			fprintf(fp, " %llu\n", (unsigned long long)s->count);
		else
			put_gauge_value(fp, s->gauge);
	}
}

int metrics_write(struct metrics *m, FILE *fp)
{
	if (m->collect)
		m->collect(m->collect_arg, m);
	for (const struct metric_family *f = m->first; f; f = f->next)
		put_family(fp, f);
	return ferror(fp) ? -EIO : 0;
}

char *metrics_render(struct metrics *m, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	int rc;

	if (!fp)
		return NULL;
	rc = metrics_write(m, fp);
	if (fclose(fp) != 0 || rc < 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
