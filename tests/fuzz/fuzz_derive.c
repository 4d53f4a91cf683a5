/*
 * fuzz_derive — the fold over a log an attacker wrote (the inspector folds a
 * copy of a server database it does not trust): arbitrary bytes, cut into
 * entries by a 2-byte length prefix, applied in index order to a state
 * anchored on a test CA, then every query and the digest.  Must never crash
 * or leak; every entry is applied or refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "log.h"
#include "testcerts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static X509 *ca;
    td_state *st;
    size_t off = 0, n;
    uint64_t index = 0;
    unsigned char digest[32];

    if (!ca) {
        EVP_PKEY *k = tc_keygen();
        ca = tc_cert(k, NULL, NULL, "Fuzz CA", "test", NULL, NULL, 1, -1, 30);
        EVP_PKEY_free(k);
        td_log_set_level(TD_LOG_ERROR);
    }
    st = td_state_new(ca);
    if (!st) return 0;
    while (off + 2 <= size) {
        size_t len = (size_t)data[off] << 8 | data[off + 1];
        td_apply_result res;
        td_error err;
        off += 2;
        if (len > size - off) len = size - off;
        index += 1 + (data[off - 1] & 1);   /* replicas see gaps */
        if (td_state_apply(st, index, data + off, len, 1700000000000, &res, &err) < 0) abort();
        if (res.refused && res.reason[0] == '\0') abort();   /* a refusal always says why */
        off += len;
    }
    (void)td_state_reports(st, &n);
    (void)td_state_refusals(st, &n);
    (void)td_state_conflicts(st, &n);
    (void)td_state_indicator_values(st, &n);
    td_state_visible(st, TIENDO__ENTRY_KIND__ENTRY_REPORT, "so-y-te", 27, "ubnd-chi-linh", TD_ROLE_OFFICE);
    td_state_digest(st, digest);
    td_state_free(st);
    return 0;
}
