/*
 * clock.h — the project's one clock.
 *
 * Every "now", "today" and "this period" in tiendo comes from here: the
 * server's receive times, a device's signed times, the client's `todo`, the
 * monthly report's default date, certificate validity.  Dates are in
 * Asia/Ho_Chi_Minh, which has been UTC+7 without daylight saving since 1975,
 * so they are computed arithmetically and never depend on $TZ.
 *
 * Tests set the clock with the environment variable TIENDO_TEST_CLOCK:
 *   "2025-06-17 23:59[:ss]"            the clock reads this (Asia/Ho_Chi_Minh)
 *                                      when the process starts, then runs;
 *   "2025-06-17 23:59[:ss]@EPOCH"      it read this when the real clock read
 *                                      EPOCH (seconds): every process of one
 *                                      test then shares one running clock;
 *   "2025-06-17 23:59:30!"             the clock stands still at this instant
 *                                      (a test at 23:59 must not cross midnight);
 *   "20250617"                         that date at 12:00, as above.
 * TIENDO_TODAY=yyyymmdd sets only today (what `--date` does), not now.
 * Using either override logs a warning once per process.  `--date dd/mm/yyyy` of the
 * commands calls td_clock_set_today(): today changes, now does not.
 *
 * Intervals (timeouts, rates) use td_clock_mono_ms(), which no override moves.
 */
#ifndef TD_CLOCK_H
#define TD_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* UTC offset of Asia/Ho_Chi_Minh, ms. */
#define TD_CLOCK_VN_OFFSET_MS (7LL * 3600 * 1000)

/* Wall clock, ms since the Unix epoch (the test override applied). */
int64_t td_clock_now_ms(void);
/* Today, yyyymmdd, in Asia/Ho_Chi_Minh. */
int td_clock_today(void);
/* This period, "YYYY-MM" (out has room for 8 bytes). */
void td_clock_period(char out[8]);
/* Monotonic ms, for intervals only. */
int64_t td_clock_mono_ms(void);

/* The date (yyyymmdd) of an instant in Asia/Ho_Chi_Minh; 0 outside years 1..9999. */
int td_clock_date_of(int64_t ms);
/* The instant of yyyymmdd hh:mm:ss in Asia/Ho_Chi_Minh; INT64_MIN for an invalid date. */
int64_t td_clock_ms_of(int yyyymmdd, int hh, int mm, int ss);
/* Civil-date arithmetic, proleptic Gregorian, the project's one copy: days
 * since 1970-01-01 of yyyymmdd (month 1..12; the day is not checked, so
 * yyyymm00 is the day before the 1st), the date of such a day count (0
 * outside years 1..9999), and the days in month m of year y (0 for a
 * month outside 1..12). */
int64_t td_clock_days_of(int yyyymmdd);
int td_clock_date_of_days(int64_t days);
int td_clock_month_days(int y, int m);
/* "dd/mm/yyyy hh:mm" of an instant, Asia/Ho_Chi_Minh; "?" for ms <= 0. */
void td_clock_fmt(int64_t ms, char *buf, size_t n);
/* "dd/mm/yyyy" of an instant, Asia/Ho_Chi_Minh; "?" for ms <= 0. */
void td_clock_fmt_date(int64_t ms, char *buf, size_t n);

/* Today for the rest of this process (`--date`); 0 undoes it. */
void td_clock_set_today(int yyyymmdd);
/* Parse a TIENDO_TEST_CLOCK value into the offset to add to the real clock
 * (real_ms is the real clock now); 0 a running clock, 1 a clock that stands
 * still at real_ms + offset, -1 not understood. */
int td_clock_parse_override(const char *v, int64_t real_ms, int64_t *offset_ms);

#endif
