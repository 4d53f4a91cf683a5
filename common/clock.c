/* clock.c — see clock.h. */
#include "clock.h"

#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_once_t td__clock_once = PTHREAD_ONCE_INIT;
static int64_t td__clock_offset_ms;
static const char *td__clock_override;
static int td__clock_today_set;
static int td__clock_today_env;
static int td__clock_frozen;
static int64_t td__clock_frozen_ms;

static int64_t td__real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t td__days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void td__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int td_clock_month_days(int y, int m)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12) return 0;
    return mdays[m - 1] + (m == 2 && leap);
}

static int td__date_ok(int v)
{
    int y = v / 10000, m = v / 100 % 100, d = v % 100;
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return 0;
    return d <= td_clock_month_days(y, m);
}

int64_t td_clock_days_of(int yyyymmdd)
{
    return td__days_from_civil(yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
}

int td_clock_date_of_days(int64_t days)
{
    int64_t y;
    unsigned m, d;
    if (days < -1000000000 || days > 1000000000) return 0;   /* far outside 1..9999: no overflow */
    td__civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999) return 0;
    return (int)y * 10000 + (int)m * 100 + (int)d;
}

int td_clock_date_of(int64_t ms)
{
    int64_t local, days;
    if (ms < INT64_MIN / 2 || ms > INT64_MAX / 2) return 0;   /* a hostile signed time: no overflow */
    local = ms + TD_CLOCK_VN_OFFSET_MS;
    days = local / 86400000;
    if (local % 86400000 < 0) days--;
    return td_clock_date_of_days(days);
}

int64_t td_clock_ms_of(int yyyymmdd, int hh, int mm, int ss)
{
    if (!td__date_ok(yyyymmdd) || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return INT64_MIN;
    int64_t days = td_clock_days_of(yyyymmdd);
    return days * 86400000 + ((int64_t)hh * 3600 + mm * 60 + ss) * 1000 - TD_CLOCK_VN_OFFSET_MS;
}

int td_clock_parse_override(const char *v, int64_t real_ms, int64_t *offset_ms)
{
    int y, mo, d, hh = 12, mi = 0, ss = 0, n = 0;
    long long anchor = -1;
    const char *p;
    if (!v || !*v) return -1;
    if (strlen(v) == 8 && strspn(v, "0123456789") == 8) {
        int date = atoi(v);
        y = date / 10000, mo = date / 100 % 100, d = date % 100;
        p = v + 8;
    } else {
        if (sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) return -1;
        p = v + n;
        if (*p == ' ' || *p == 'T') {
            int k = 0;
            if (sscanf(p + 1, "%2d:%2d%n", &hh, &mi, &k) != 2) return -1;
            p += 1 + k;
            if (*p == ':') {
                if (sscanf(p + 1, "%2d%n", &ss, &k) != 1) return -1;
                p += 1 + k;
            }
        }
    }
    if (*p == '!' && !p[1]) {
        int64_t target = td_clock_ms_of(y * 10000 + mo * 100 + d, hh, mi, ss);
        if (target == INT64_MIN) return -1;
        *offset_ms = target - real_ms;
        return 1;
    }
    if (*p == '@') {
        char *end;
        anchor = strtoll(p + 1, &end, 10);
        if (end == p + 1 || *end || anchor < 0) return -1;
    } else if (*p) {
        return -1;
    }
    int64_t target = td_clock_ms_of(y * 10000 + mo * 100 + d, hh, mi, ss);
    if (target == INT64_MIN) return -1;
    *offset_ms = target - (anchor >= 0 ? anchor * 1000 : real_ms);
    return 0;
}

static void td__clock_init(void)
{
    const char *v = getenv("TIENDO_TEST_CLOCK");
    int64_t off;
    if (v && *v) {
        int64_t real = td__real_ms();
        int r = td_clock_parse_override(v, real, &off);
        if (r < 0) {
            fprintf(stderr, "tiendo: TIENDO_TEST_CLOCK=\"%s\" không hiểu được (dạng \"yyyy-mm-dd hh:mm[@giây]\" "
                            "hoặc yyyymmdd); dùng đồng hồ của máy.\n", v);
        } else {
            td__clock_offset_ms = off;
            td__clock_override = "TIENDO_TEST_CLOCK";
            if (r == 1) {
                td__clock_frozen = 1;
                td__clock_frozen_ms = real + off;
            }
        }
    }
    v = getenv("TIENDO_TODAY");
    if (v && *v) {
        int d = strlen(v) == 8 && strspn(v, "0123456789") == 8 ? atoi(v) : 0;
        if (!td__date_ok(d)) {
            fprintf(stderr, "tiendo: TIENDO_TODAY=\"%s\" không phải ngày dạng yyyymmdd; dùng đồng hồ của máy.\n", v);
        } else {
            td__clock_today_env = d;
            if (!td__clock_override) td__clock_override = "TIENDO_TODAY";
        }
    }
}

static void td__clock_ensure(void)
{
    static int warned;
    pthread_once(&td__clock_once, td__clock_init);
    /* After the once-init, so that td_log (which reads this clock) does not
     * re-enter it.  A benign race between threads only repeats the line. */
    if (td__clock_override && !warned) {
        warned = 1;
        td_log_warn("test clock in use: %s=%s (offset %+lld s from the real clock)", td__clock_override,
                    getenv(td__clock_override), (long long)(td__clock_offset_ms / 1000));
    }
}

int64_t td_clock_now_ms(void)
{
    td__clock_ensure();
    if (td__clock_frozen) return td__clock_frozen_ms;
    return td__real_ms() + td__clock_offset_ms;
}

int td_clock_today(void)
{
    if (td__clock_today_set) return td__clock_today_set;
    td__clock_ensure();
    if (td__clock_today_env) return td__clock_today_env;
    return td_clock_date_of(td_clock_now_ms());
}

void td_clock_set_today(int yyyymmdd) { td__clock_today_set = td__date_ok(yyyymmdd) ? yyyymmdd : 0; }

void td_clock_period(char out[8])
{
    int t = td_clock_today();
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d", t / 10000 % 10000, t / 100 % 100);
    memcpy(out, buf, 7);
    out[7] = 0;
}

int64_t td_clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void td_clock_fmt(int64_t ms, char *buf, size_t n)
{
    int d = ms > 0 ? td_clock_date_of(ms) : 0;
    if (!d) {
        snprintf(buf, n, "?");
        return;
    }
    int64_t in_day = (ms + TD_CLOCK_VN_OFFSET_MS) % 86400000 / 60000;
    snprintf(buf, n, "%02d/%02d/%04d %02d:%02d", d % 100, d / 100 % 100, d / 10000, (int)(in_day / 60),
             (int)(in_day % 60));
}

void td_clock_fmt_date(int64_t ms, char *buf, size_t n)
{
    int d = ms > 0 ? td_clock_date_of(ms) : 0;
    if (!d) {
        snprintf(buf, n, "?");
        return;
    }
    snprintf(buf, n, "%02d/%02d/%04d", d % 100, d / 100 % 100, d / 10000);
}
