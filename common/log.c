/* log.c — see log.h. */
#include "log.h"

#include "clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "utf8.h"

static int td__log_level = -1;
static int td__log_sink;          /* 0 stderr, 1 the file td__log_path, 2 nowhere */
static char td__log_path[4096];

/* A log file past this size is moved to PATH.1 (one old file kept). */
#define TD_LOG_FILE_MAX (1024 * 1024)

void td_log_set_path(const char *path)
{
    if (!path) {
        td__log_sink = 2;
        return;
    }
    snprintf(td__log_path, sizeof td__log_path, "%s", path);
    td__log_sink = 1;
}

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
    for (char *c = line + n; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
    /* One write per line so lines from concurrent processes do not interleave. */
    strcat(line, "\n");
    if (td__log_sink == 2) return;
    if (td__log_sink == 1) {
        struct stat sb;
        int fd;
        if (!stat(td__log_path, &sb) && sb.st_size > TD_LOG_FILE_MAX) {
            char old[sizeof td__log_path + 4];
            snprintf(old, sizeof old, "%s.1", td__log_path);
            (void)rename(td__log_path, old);
        }
        fd = open(td__log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ssize_t w = write(fd, line, strlen(line));
            (void)w;   /* a log line that cannot be written is dropped, never shown to people */
            close(fd);
        }
        return;
    }
    fputs(line, stderr);
    fflush(stderr);
}

const char *td_log_quote(const char *s, char *buf, size_t cap)
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0, i = 0, len;
    if (!cap) return buf;
    if (!s) {
        snprintf(buf, cap, "(none)");
        return buf;
    }
    len = strlen(s);
#define TD__PUT(ch) do { if (o + 1 < cap) buf[o++] = (char)(ch); } while (0)
    TD__PUT('"');
    while (i < len && i < TD_LOG_PEER_MAX && o + 8 < cap) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = 0;
        size_t k = (size_t)td_utf8_decode(s + i, len - i, &cp);
        /* a whole valid UTF-8 character (Vietnamese), not a control or a
         * line separator */
        if (k > 1 && cp >= 0xA0 && cp != 0xFFFD && cp != 0x2028 && cp != 0x2029) {
            for (size_t j = 0; j < k; j++) TD__PUT(s[i + j]);
            i += k;
            continue;
        }
        if (c == '"' || c == '\\') {
            TD__PUT('\\');
            TD__PUT(c);
        } else if (c == '\n') {
            TD__PUT('\\');
            TD__PUT('n');
        } else if (c < 0x20 || c >= 0x7f) {
            TD__PUT('\\');
            TD__PUT('x');
            TD__PUT(hx[c >> 4]);
            TD__PUT(hx[c & 15]);
        } else {
            TD__PUT(c);
        }
        i++;
    }
    TD__PUT('"');
    buf[o] = 0;
#undef TD__PUT
    if (i < len) snprintf(buf + o, cap - o, "... (%zu bytes)", len);
    return buf;
}
