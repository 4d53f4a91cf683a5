/* fuzz_plan_text.c — the published-text importer on arbitrary bytes: it
 * must never crash or leak, and whatever it accepts must survive the CSV
 * export/import round trip unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan_csv.h"
#include "plan_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static td_registry reg;
static int reg_ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    td_plan p, q;
    td_error err = {0};
    td_plan_issues is = {0};
    char *csv = NULL, *ind = NULL;
    size_t n = 0, ni = 0;

    if (!reg_ready) {
        if (td_registry_init_builtin(&reg, &err)) abort();
        reg_ready = 1;
    }
    if (td_plan_text_parse((const char *)data, size, "fuzz", &p, &err)) return 0;
    if (td_plan_resolve(&p, &reg, &is)) abort();
    td_plan_issues_free(&is);
    if (td_csv_export_tasks(&p, &csv, &n) || td_csv_export_indicators(&p, &ind, &ni)) abort();
    if (td_csv_import_tasks(csv, n, "rt", &q, &err) == 0) {
        if (p.n_indicators && td_csv_import_indicators(ind, ni, "rt", &q, &err)) {
            fprintf(stderr, "indicator round trip refused: %s\n", err.msg);
            abort();
        }
        if (td_plan_resolve(&q, &reg, &is)) abort();
        td_plan_issues_free(&is);
        if (!td_plan_equal(&p, &q, TD_PLAN_CMP_TASKS | TD_PLAN_CMP_INDICATORS, err.msg, sizeof err.msg)) {
            fprintf(stderr, "round trip differs: %s\n", err.msg);
            abort();
        }
        td_plan_free(&q);
    } else {
        fprintf(stderr, "task round trip refused: %s\n", err.msg);
        abort();
    }
    free(csv);
    free(ind);
    td_plan_free(&p);
    return 0;
}
