/* test_clock.c — the project's one clock: dates in Asia/Ho_Chi_Minh whatever
 * $TZ says, the test override and its shared anchor, `--date`. */
#include "tt.h"

#include "clock.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* 2025-06-17 16:59:59 UTC is 23:59:59 in Hà Nội; one second later is the 18th. */
static void test_date_of_vn(void)
{
    int64_t t = 1750179599LL * 1000;
    char buf[32];
    setenv("TZ", "America/New_York", 1);
    tzset();
    TT_EQ_INT(td_clock_date_of(t), 20250617);
    TT_EQ_INT(td_clock_date_of(t + 1000), 20250618);
    td_clock_fmt(t, buf, sizeof buf);
    TT_EQ_STR(buf, "17/06/2025 23:59");
    td_clock_fmt_date(t + 1000, buf, sizeof buf);
    TT_EQ_STR(buf, "18/06/2025");
    /* 31/12 -> 01/01 at midnight in Hà Nội (17:00 UTC) */
    TT_EQ_INT(td_clock_date_of(td_clock_ms_of(20261231, 23, 59, 59)), 20261231);
    TT_EQ_INT(td_clock_date_of(td_clock_ms_of(20261231, 23, 59, 59) + 1000), 20270101);
    TT_EQ_INT(td_clock_ms_of(20270101, 0, 0, 0), 1798736400LL * 1000);
    TT_EQ_INT(td_clock_ms_of(20250229, 0, 0, 0), INT64_MIN);
    TT_EQ_INT(td_clock_date_of(td_clock_ms_of(20240229, 0, 1, 0)), 20240229);
    td_clock_fmt(0, buf, sizeof buf);
    TT_EQ_STR(buf, "?");
}

/* The civil-date arithmetic every date computation in the project uses. */
static void test_civil_days(void)
{
    TT_EQ_INT(td_clock_days_of(19700101), 0);
    TT_EQ_INT(td_clock_days_of(19691231), -1);
    TT_EQ_INT(td_clock_days_of(20250617), 20256);
    TT_EQ_INT(td_clock_days_of(20250301) - td_clock_days_of(20250228), 1);
    TT_EQ_INT(td_clock_days_of(20240301) - td_clock_days_of(20240228), 2);
    TT_EQ_INT(td_clock_days_of(20250700), td_clock_days_of(20250630));   /* day 0: the day before the 1st */
    TT_EQ_INT(td_clock_date_of_days(0), 19700101);
    TT_EQ_INT(td_clock_date_of_days(20256), 20250617);
    TT_EQ_INT(td_clock_date_of_days(td_clock_days_of(20001231) + 1), 20010101);
    TT_EQ_INT(td_clock_date_of_days(td_clock_days_of(99991231) + 1), 0);
    TT_EQ_INT(td_clock_date_of_days(td_clock_days_of(10101)), 10101);
    TT_EQ_INT(td_clock_date_of_days(td_clock_days_of(10101) - 1), 0);
    TT_EQ_INT(td_clock_date_of_days(INT64_MAX), 0);
    TT_EQ_INT(td_clock_date_of_days(INT64_MIN), 0);
    for (int64_t z = td_clock_days_of(18991201); z < td_clock_days_of(21010201); z++)
        if (td_clock_days_of(td_clock_date_of_days(z)) != z) {
            TT_EQ_INT(td_clock_days_of(td_clock_date_of_days(z)), z);
            break;
        }
    TT_EQ_INT(td_clock_month_days(2024, 2), 29);
    TT_EQ_INT(td_clock_month_days(2025, 2), 28);
    TT_EQ_INT(td_clock_month_days(1900, 2), 28);
    TT_EQ_INT(td_clock_month_days(2000, 2), 29);
    TT_EQ_INT(td_clock_month_days(2025, 4), 30);
    TT_EQ_INT(td_clock_month_days(2025, 12), 31);
    TT_EQ_INT(td_clock_month_days(2025, 0), 0);
    TT_EQ_INT(td_clock_month_days(2025, 13), 0);
}

static void test_override_parse(void)
{
    int64_t off = 0, real = 1764733000LL * 1000;
    TT_EQ_INT(td_clock_parse_override("2025-06-17 23:59", real, &off), 0);
    TT_EQ_INT(td_clock_date_of(real + off), 20250617);
    TT_EQ_INT(td_clock_date_of(real + off + 60 * 1000), 20250618);
    /* with an anchor, every process agrees whatever its start */
    TT_EQ_INT(td_clock_parse_override("2025-06-17T23:59:30@1764733000", real + 5000, &off), 0);
    TT_EQ_INT(real + off, td_clock_ms_of(20250617, 23, 59, 30));
    TT_EQ_INT(td_clock_parse_override("20251231", real, &off), 0);
    TT_EQ_INT(real + off, td_clock_ms_of(20251231, 12, 0, 0));
    TT_EQ_INT(td_clock_parse_override("2025-02-30 10:00", real, &off), -1);
    TT_EQ_INT(td_clock_parse_override("tomorrow", real, &off), -1);
    TT_EQ_INT(td_clock_parse_override("2025-06-17 10:00@x", real, &off), -1);
    TT_EQ_INT(td_clock_parse_override("", real, &off), -1);
    TT_EQ_INT(td_clock_parse_override("2026-12-31 23:59:59!", real, &off), 1);
    TT_EQ_INT(real + off, td_clock_ms_of(20261231, 23, 59, 59));
    TT_EQ_INT(td_clock_parse_override("2026-12-31 23:59:59!x", real, &off), -1);
}

/* The override in this process: set before the first use of the clock. */
static void test_override_env(void)
{
    char p[8];
    int64_t now;
    now = td_clock_now_ms();
    TT_EQ_INT(td_clock_date_of(now), 20261231);
    TT_EQ_INT(td_clock_today(), 20261231);
    td_clock_period(p);
    TT_EQ_STR(p, "2026-12");
    td_clock_set_today(20250618);
    TT_EQ_INT(td_clock_today(), 20250618);
    TT_EQ_INT(td_clock_date_of(td_clock_now_ms()), 20261231); /* --date moves today, not now */
    td_clock_set_today(0);
    TT_EQ_INT(td_clock_today(), 20261231);
    TT_CHECK(td_clock_mono_ms() > 0);
}

int main(void)
{
    setenv("TIENDO_TEST_CLOCK", "2026-12-31 12:00", 1);
    unsetenv("TIENDO_TODAY");
    TT_RUN(test_date_of_vn);
    TT_RUN(test_civil_days);
    TT_RUN(test_override_parse);
    TT_RUN(test_override_env);
    return tt_report();
}
