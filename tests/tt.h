/*
 * tt.h — the unit-test harness: checks that count failures and say where.
 * A test file defines test functions and calls them from main() through
 * TT_RUN; main returns tt_report().  Any failed check makes the test fail.
 */
#ifndef TT_H
#define TT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tt__fail, tt__checks;
static const char *tt__current = "";

#define TT_CHECK(cond) do { tt__checks++; if (!(cond)) { tt__fail++; \
    fprintf(stderr, "%s:%d: [%s] check failed: %s\n", __FILE__, __LINE__, tt__current, #cond); } } while (0)
#define TT_EQ_INT(a, b) do { long long tt_a = (long long)(a), tt_b = (long long)(b); tt__checks++; \
    if (tt_a != tt_b) { tt__fail++; fprintf(stderr, "%s:%d: [%s] %s == %lld, expected %s == %lld\n", \
    __FILE__, __LINE__, tt__current, #a, tt_a, #b, tt_b); } } while (0)
#define TT_EQ_STR(a, b) do { const char *tt_a = (a), *tt_b = (b); tt__checks++; \
    if (!tt_a || !tt_b || strcmp(tt_a, tt_b)) { tt__fail++; fprintf(stderr, "%s:%d: [%s] %s == \"%s\", expected \"%s\"\n", \
    __FILE__, __LINE__, tt__current, #a, tt_a ? tt_a : "(null)", tt_b ? tt_b : "(null)"); } } while (0)
#define TT_RUN(fn) do { tt__current = #fn; fprintf(stderr, "-- %s\n", #fn); fn(); } while (0)

static inline int tt_report(void)
{
    fprintf(stderr, "%d checks, %d failed\n", tt__checks, tt__fail);
    if (tt__checks == 0) { fprintf(stderr, "no checks ran: a test that asserts nothing is a defect\n"); return 1; }
    return tt__fail ? 1 : 0;
}

#endif
