/* fuzz_report_csv.c — the report CSV importer (`tiendo report
 * --from-file`) on arbitrary bytes, without a replica: never crash or
 * leak; it either returns reports that pass the one check, or errors
 * each with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tdc_csv_reports out;
    char msg[1024];
    const char *field;
    int rc = tdc_rep_csv_read((const char *)data, size, ".", NULL, NULL, "so-y-te", 20261215, &out);
    if (rc == 0) {
        if (!out.n || out.n_err) abort();
        for (size_t k = 0; k < out.n; k++) {
            if (tdc_rep_check(NULL, "so-y-te", 20261215, &out.reps[k], TDC_HOW_CSV, msg, sizeof msg, &field)) abort();
            if (out.reps[k].percent < 0 || out.reps[k].percent > 100 || !out.reps[k].state) abort();
        }
    } else if (rc == -1) {
        if (out.n_err < 1 || out.n) abort();
        for (int k = 0; k < out.n_err && k < TDC_BATCH_ERRORS_SHOWN; k++)
            if (!out.errs[k].msg[0]) abort();
    }
    tdc_csv_reports_free(&out);
    return 0;
}
