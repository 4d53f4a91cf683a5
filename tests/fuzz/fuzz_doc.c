/* fuzz_doc.c — the --doc parser ("SỐ HIỆU[,dd/mm/yyyy[,trích yếu]]") and
 * the other report field parsers on arbitrary bytes: never crash or leak;
 * what is accepted has a non-empty number, an owned title and a valid date
 * or none, and packs into a payload that reads back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    const char *why = NULL;
    tdc_rep r, back;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    tdc_rep_init(&r);
    if (tdc_rep_add_doc(&r, s, 20261215, &why) == 0) {
        if (r.n_docs != 1 || !*r.docs[0].number || !r.docs[0].title) abort();
        if (r.docs[0].date && (!td_date_valid(r.docs[0].date) || r.docs[0].date > 20261215)) abort();
        r.task = 1;
        memcpy(r.period, "2026-12", 8);
        if (tdc_rep_pack(&r, "so-y-te", &buf, &len)) abort();
        if (tdc_rep_unpack(buf, len, &back)) abort();
        if (back.n_docs != 1 || strcmp(back.docs[0].number, r.docs[0].number) ||
            strcmp(back.docs[0].title, r.docs[0].title) || back.docs[0].date != r.docs[0].date)
            abort();
        tdc_rep_free(&back);
        free(buf);
    } else if (!why) {
        abort();
    }
    (void)tdc_rep_state_parse(s);
    (void)tdc_rep_percent_parse(s);
    tdc_rep_free(&r);
    free(s);
    return 0;
}
