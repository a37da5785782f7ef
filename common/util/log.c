#include "log.h"

#include "esc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

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

/* A new log file is 0600 whatever the umask, as the store is: with
 * --log-keys it holds CK, IK and XRES, and at any level it names every
 * subscriber. An existing file keeps its mode (logrotate's `create`). */
static int open_path(void)
{
	int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *fp = fd >= 0 ? fdopen(fd, "a") : NULL;

	if (!fp) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return -err;
	}
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

/* ---- Lines ----------------------------------------------------------- */
static void put_prefix(FILE *out, enum log_cat c, enum log_level l)
{
	struct timeval tv;
	struct tm tm;
	char ts[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, "%s.%03dZ %-6s %-4s ", ts, (int)(tv.tv_usec / 1000),
		level_names[l], (unsigned)c < LOG_CAT_COUNT ? cat_names[c] : "?");
}

void log_msg(enum log_cat c, enum log_level l, const char *fmt, ...)
{
	FILE *out = log_fp ? log_fp : stderr;
	char stack[1024], *text = stack;
	va_list ap;
	int n;

	if (!log_enabled(l))
		return;
	va_start(ap, fmt);
	n = vsnprintf(stack, sizeof(stack), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(stack) && (text = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (!text) { /* out of memory: the line, cut */
		text = stack;
		n = (int)sizeof(stack) - 1;
	}
	flockfile(out);
	put_prefix(out, c, l);
	esc_fwrite(out, text, (size_t)n, true);
	putc_unlocked('\n', out);
	funlockfile(out);
	if (text != stack)
		free(text);
}

void log_block(enum log_cat c, enum log_level l, const char *head, const char *text)
{
	FILE *out = log_fp ? log_fp : stderr;

	if (!log_enabled(l))
		return;
	flockfile(out);
	put_prefix(out, c, l);
	esc_fwrite(out, head, strlen(head), true);
	putc_unlocked('\n', out);
	while (*text) {
		size_t n = strcspn(text, "\n");

		if (n) {
			fputs_unlocked("    ", out);
			esc_fwrite(out, text, n, true);
			putc_unlocked('\n', out);
		}
		text += n + (text[n] == '\n');
	}
	funlockfile(out);
}

/* ---- Flood control ---------------------------------------------------- */
bool log_limit_pass(struct log_limit *l, unsigned burst, unsigned window_ms, uint64_t now_ms)
{
	if (now_ms - l->since_ms >= window_ms || now_ms < l->since_ms) {
		l->since_ms = now_ms;
		l->n = 0;
	}
	if (l->n < burst) {
		l->n++;
		return true;
	}
	l->dropped++;
	return false;
}

unsigned log_limit_dropped(struct log_limit *l, unsigned window_ms, uint64_t now_ms)
{
	unsigned d = l->dropped;

	if (!d || now_ms - l->since_ms < window_ms)
		return 0;
	l->dropped = 0;
	return d;
}
