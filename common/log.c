/* log.c — see log.h. */
#include "log.h"

#include "clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int td__log_level = -1;

int td_log_level_parse(const char *s)
{
    if (!s) return -1;
    if (!strcmp(s, "error")) return TD_LOG_ERROR;
    if (!strcmp(s, "warn")) return TD_LOG_WARN;
    if (!strcmp(s, "info")) return TD_LOG_INFO;
    if (!strcmp(s, "debug")) return TD_LOG_DEBUG;
    return -1;
}

void td_log_set_level(int level) { td__log_level = level; }

int td_log_enabled(int level)
{
    if (td__log_level < 0) {
        int l = td_log_level_parse(getenv("TIENDO_LOG"));
        td__log_level = l < 0 ? TD_LOG_INFO : l;
    }
    return level <= td__log_level;
}

void td_log(int level, const char *fmt, ...)
{
    static const char *names[] = {"ERROR", "WARN ", "INFO ", "DEBUG"};
    char line[2048];
    struct tm tm;
    va_list ap;
    int n;
    int64_t ms;
    time_t s;

    if (!td_log_enabled(level)) return;
    ms = td_clock_now_ms();
    s = (time_t)(ms / 1000);
    gmtime_r(&s, &tm);
    n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, (int)(ms % 1000),
                 names[level < 0 ? 0 : level > 3 ? 3 : level]);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    /* One write per line so lines from concurrent processes do not interleave. */
    strcat(line, "\n");
    fputs(line, stderr);
    fflush(stderr);
}
