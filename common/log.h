/*
 * log.h — operator logging (English), one line per event on stderr:
 *   2026-11-29T13:40:00.123Z INFO  message
 * The level is set once at start (td_log_set_level) or from TIENDO_LOG
 * (error|warn|info|debug).  Not for people-facing output: that is
 * Vietnamese and goes to stdout from the commands themselves.
 */
#ifndef TD_LOG_H
#define TD_LOG_H

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

#define td_log_error(...) td_log(TD_LOG_ERROR, __VA_ARGS__)
#define td_log_warn(...)  td_log(TD_LOG_WARN, __VA_ARGS__)
#define td_log_info(...)  td_log(TD_LOG_INFO, __VA_ARGS__)
#define td_log_debug(...) do { if (td_log_enabled(TD_LOG_DEBUG)) td_log(TD_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
