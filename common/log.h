/*
 * log.h — operator logging (English), one line per event on stderr:
 *   2026-11-29T13:40:00.123Z INFO  message
 * The level is set once at start (td_log_set_level) or from TIENDO_LOG
 * (error|warn|info|debug).  Not for people-facing output: that is
 * Vietnamese and goes to stdout from the commands themselves.
 */
#ifndef TD_LOG_H
#define TD_LOG_H

#include <stddef.h>

enum { TD_LOG_ERROR = 0, TD_LOG_WARN, TD_LOG_INFO, TD_LOG_DEBUG };

void td_log_set_level(int level);
/* Where lines go: stderr by default (the servers); td_log_set_path(FILE)
 * appends them to FILE (0600; moved to FILE.1 past 1 MiB), NULL drops
 * them.  The office client logs to its device directory and shows logs on
 * the terminal only with --verbose or TIENDO_LOG. */
void td_log_set_path(const char *path);
/* Parse "error", "warn", "info", "debug"; returns -1 if unknown. */
int td_log_level_parse(const char *s);
int td_log_enabled(int level);
void td_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A string a peer sent (Hello.software, Bye and Error reasons, refusal
 * reasons quoting entry fields ...), fit for an operator log line: in
 * double quotes, with quote, backslash, control bytes and invalid UTF-8
 * escaped (\n, \xNN), at most TD_LOG_PEER_MAX bytes of it, then "..." and
 * its length.  NULL is "(none)".  Returns buf.  Every peer-supplied
 * string goes through it; td_log also turns any control byte left in a
 * line into '?', so one event stays one line.
 */
#define TD_LOG_PEER_MAX 200
#define TD_LOG_QUOTE_BUF (4 * TD_LOG_PEER_MAX + 48)
const char *td_log_quote(const char *s, char *buf, size_t cap);

#define td_log_error(...) td_log(TD_LOG_ERROR, __VA_ARGS__)
#define td_log_warn(...)  td_log(TD_LOG_WARN, __VA_ARGS__)
#define td_log_info(...)  td_log(TD_LOG_INFO, __VA_ARGS__)
#define td_log_debug(...) do { if (td_log_enabled(TD_LOG_DEBUG)) td_log(TD_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
