#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

bool log_keys_enabled;

static enum log_level cur_level = LOG_LVL_INFO;
static FILE *log_fp;   /* NULL = stderr */
static char *log_path; /* owned; NULL = stderr */
static bool buffered;  /* see log_set_buffered() */

static void set_mode(FILE *fp)
{
	setvbuf(fp, NULL, buffered ? _IOFBF : _IOLBF, buffered ? 1 << 16 : 0);
}

void log_set_buffered(bool on)
{
	log_flush();
	buffered = on;
	set_mode(log_fp ? log_fp : stderr);
}

void log_flush(void)
{
	fflush(log_fp ? log_fp : stderr);
}

static const char *const level_names[] = { "error", "warn", "notice", "info", "debug" };
static const char *const cat_names[LOG_CAT_COUNT] = { "MAIN", "DIAM", "DB", "AUC", "SIP" };

int log_level_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcasecmp(s, level_names[i]))
			return (int)i;
	return -1;
}

const char *log_level_name(enum log_level l)
{
	return (unsigned)l <= LOG_LVL_DEBUG ? level_names[l] : "?";
}

void log_set_level(enum log_level l) { cur_level = l; }
enum log_level log_get_level(void) { return cur_level; }
bool log_enabled(enum log_level l) { return l <= cur_level; }

static int open_path(void)
{
	FILE *fp = fopen(log_path, "a");
	if (!fp)
		return -errno;
	set_mode(fp);
	if (log_fp)
		fclose(log_fp);
	log_fp = fp;
	return 0;
}

int log_open(const char *path)
{
	log_close();
	if (!path || !strcmp(path, "-"))
		return 0;
	log_path = strdup(path);
	if (!log_path)
		return -ENOMEM;
	return open_path();
}

int log_reopen(void)
{
	return log_path ? open_path() : 0;
}

void log_close(void)
{
	if (log_fp)
		fclose(log_fp);
	log_fp = NULL;
	free(log_path);
	log_path = NULL;
}

void log_msg(enum log_cat c, enum log_level l, const char *fmt, ...)
{
	FILE *out = log_fp ? log_fp : stderr;
	struct timeval tv;
	struct tm tm;
	char ts[32];
	va_list ap;

	if (!log_enabled(l))
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	flockfile(out);
	fprintf(out, "%s.%03dZ %-6s %-4s ", ts, (int)(tv.tv_usec / 1000),
		level_names[l], (unsigned)c < LOG_CAT_COUNT ? cat_names[c] : "?");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	funlockfile(out);
}
