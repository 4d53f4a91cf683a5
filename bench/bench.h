/*
 * bench.h — what the benchmarks share: their two clocks and the sort of
 * their samples.  Benchmarks print figures; nothing here asserts on time.
 */
#ifndef TD_BENCH_H
#define TD_BENCH_H

#include <time.h>

/* Monotonic time in ms (intervals; the project's clock, common/clock.h, is
 * for dates). */
static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the calling thread in ms: what a piece of work costs whatever
 * the load of the machine. */
static inline double bench_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* qsort order of doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
