/* fuzz_plan_csv.c — the CSV importers (tasks and indicators) on arbitrary
 * bytes: never crash or leak; what is accepted exports and re-imports to
 * the same plan. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const td_plan *p, int indicators)
{
    td_plan q;
    td_error err = {0};
    char *buf = NULL;
    size_t n = 0;
    int rc;
    if (indicators) {
        if (td_csv_export_indicators(p, &buf, &n)) abort();
        td_plan_init(&q);
        rc = td_csv_import_indicators(buf, n, "rt", &q, &err);
    } else {
        if (td_csv_export_tasks(p, &buf, &n)) abort();
        rc = td_csv_import_tasks(buf, n, "rt", &q, &err);
    }
    if (rc) {
        fprintf(stderr, "round trip refused: %s\n", err.msg);
        abort();
    }
    if (!td_plan_equal(p, &q, indicators ? TD_PLAN_CMP_INDICATORS : TD_PLAN_CMP_TASKS, err.msg, sizeof err.msg)) {
        fprintf(stderr, "round trip differs: %s\n", err.msg);
        abort();
    }
    td_plan_free(&q);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    td_plan p;
    td_error err = {0};
    (void)td_csv_detect((const char *)data, size);
    if (td_csv_import_tasks((const char *)data, size, "fuzz", &p, &err) == 0) {
        roundtrip(&p, 0);
        td_plan_free(&p);
    }
    td_plan_init(&p);
    if (td_csv_import_indicators((const char *)data, size, "fuzz", &p, &err) == 0) roundtrip(&p, 1);
    td_plan_free(&p);
    return 0;
}
