/* Logging with categories and levels (STYLE.md §9).
 *
 * One line per event: "2026-11-28T13:55:20.123Z INFO  DIAM message". Lines go
 * to stderr unless log_open() names a file; log_reopen() (from the main loop
 * after SIGHUP) reopens it for logrotate.
 *
 * Every line is escaped as it is written (esc_fwrite, util/esc.h: any
 * octet outside printable ASCII as \xHH; a backslash is kept, so
 * arguments already escaped with esc_str come out as they are): whatever a
 * peer sent — a newline in an Origin-Host, a terminal escape, a bidi
 * override — cannot forge a line or reach the reader's terminal, even
 * where a call site forgot esc_str. Multi-line blocks (message dumps) go
 * through log_block, whose lines are indented.
 *
 * Key material (K, OP, OPc, CK, IK, RES) may only be logged through
 * LOG_KEYS(), which prints nothing unless log_keys_enabled was set by an
 * explicit --log-keys / --explain style flag. */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_NOTICE, LOG_LVL_INFO, LOG_LVL_DEBUG };
enum log_cat { LOG_MAIN, LOG_DIAM, LOG_DB, LOG_AUC, LOG_SIP, LOG_CAT_COUNT };

extern bool log_keys_enabled;

/* Parses "error|warn|notice|info|debug"; -1 when unknown. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level l);
void log_set_level(enum log_level l);
enum log_level log_get_level(void);
bool log_enabled(enum log_level l);

/* Sends lines to `path` (append). NULL or "-" = stderr. 0 or -errno. */
int log_open(const char *path);
int log_reopen(void);
void log_close(void);

/* Throughput mode for event loops (hssd): lines are fully buffered and only
 * written by log_flush(), which the loop calls once per turn — one write(2)
 * per turn instead of one per line. Off by default (line-buffered). */
void log_set_buffered(bool on);
void log_flush(void);

void log_msg(enum log_cat c, enum log_level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One line `head`, then each line of `text` indented by four spaces,
 * each escaped the same way. */
void log_block(enum log_cat c, enum log_level l, const char *head, const char *text);

/* Flood control for lines an outsider can cause at will (connections,
 * refused CERs, rejected requests): at most `burst` lines per window of
 * window_ms; the rest are counted. A zeroed struct is ready. */
struct log_limit {
	uint64_t since_ms;
	unsigned n, dropped;
};
/* True: write this line. False: it was counted as dropped. */
bool log_limit_pass(struct log_limit *l, unsigned burst, unsigned window_ms, uint64_t now_ms);
/* Once the window in which lines were dropped is over: how many (then
 * reset to 0), for one summary line; else 0. Call it from a timer. */
unsigned log_limit_dropped(struct log_limit *l, unsigned window_ms, uint64_t now_ms);

#define LOGE(cat, ...) log_msg(cat, LOG_LVL_ERROR, __VA_ARGS__)
#define LOGW(cat, ...) log_msg(cat, LOG_LVL_WARN, __VA_ARGS__)
#define LOGN(cat, ...) log_msg(cat, LOG_LVL_NOTICE, __VA_ARGS__)
#define LOGI(cat, ...) log_msg(cat, LOG_LVL_INFO, __VA_ARGS__)
#define LOGD(cat, ...)                                              \
	do {                                                        \
		if (log_enabled(LOG_LVL_DEBUG))                     \
			log_msg(cat, LOG_LVL_DEBUG, __VA_ARGS__);   \
	} while (0)
/* Only with explicit consent: secrets. */
#define LOG_KEYS(cat, ...)                                          \
	do {                                                        \
		if (log_keys_enabled)                               \
			log_msg(cat, LOG_LVL_DEBUG, __VA_ARGS__);   \
	} while (0)

#endif
