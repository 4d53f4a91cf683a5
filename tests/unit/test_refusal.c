/* test_refusal.c — refusal reasons (server acks and fold reasons) map to a
 * code and a Vietnamese text with what to do (common/refusal.h). */
#include "tt.h"

#include "refusal.h"

static void test_classify(void)
{
    TT_EQ_INT(td_refusal_classify("author 0123456789abcdef seq 4: agency so-y-te does not monitor indicator 7.1"),
              TD_RF_NOT_MONITOR);
    TT_EQ_INT(td_refusal_classify("author 0123456789abcdef seq 2: review of a superseded report (index 9; current "
                                  "is index 12)"),
              TD_RF_SUPERSEDED_REVIEW);
    TT_EQ_INT(td_refusal_classify("author 0123456789abcdef seq 7: signed after revocation at 2025-06-01T00:00:00Z"),
              TD_RF_REVOKED);
    TT_EQ_INT(td_refusal_classify("equivocation: another entry with seq 1 is at log index 69"), TD_RF_EQUIVOCATION);
    TT_EQ_INT(td_refusal_classify("sequence gap: expected 1, got 3"), TD_RF_GAP);
    TT_EQ_INT(td_refusal_classify("re-signed as seq 4: equivocation: another entry with seq 1 is at log index 69"),
              TD_RF_RESIGNED);
    TT_EQ_INT(td_refusal_classify("author 0123456789abcdef seq 3: agency so-y-te is neither lead nor partner of "
                                  "task 5 (as of 2025-06-01)"),
              TD_RF_NOT_ON_TASK);
    TT_EQ_INT(td_refusal_classify("something new"), TD_RF_OTHER);
    TT_EQ_INT(td_refusal_classify(NULL), TD_RF_OTHER);
}

static void test_vi(void)
{
    char b[768];
    td_refusal_vi("author 0123456789abcdef seq 4: agency so-y-te does not monitor indicator 7.1", b, sizeof b);
    TT_CHECK(strstr(b, "so-y-te") && strstr(b, "7.1") && strstr(b, "Cần làm"));
    td_refusal_vi("re-signed as seq 4: equivocation: another entry with seq 1 is at log index 69", b, sizeof b);
    TT_CHECK(strstr(b, "số 4") != NULL);
    /* no English reaches the text: an unknown wording gets the generic words */
    td_refusal_vi("author 0123456789abcdef seq 9: something new", b, sizeof b);
    TT_CHECK(!strstr(b, "something new") && strstr(b, "bị từ chối khi tổng hợp nhật ký") && strstr(b, "Cần làm"));
    /* a malformed entry says what is wrong, in Vietnamese */
    td_refusal_vi("author 0123456789abcdef seq 9: report percent 140 exceeds 100", b, sizeof b);
    TT_CHECK(strstr(b, "vượt quá 100%") && !strstr(b, "exceeds"));
    td_refusal_vi("author 0123456789abcdef seq 9: report period \"2025-13\" is not YYYY-MM", b, sizeof b);
    TT_CHECK(strstr(b, "dạng tháng/năm") && !strstr(b, "YYYY"));
    td_refusal_vi("author 0123456789abcdef seq 9: report attachment 0 has size 0; allowed 1..100 bytes", b, sizeof b);
    TT_CHECK(strstr(b, "tệp đính kèm không hợp lệ") != NULL);
    td_refusal_vi("author 0123456789abcdef seq 9: deadline edit without a reason", b, sizeof b);
    TT_CHECK(strstr(b, "sửa thời hạn không hợp lệ") && !strstr(b, "deadline"));
    /* never longer than the buffer */
    td_refusal_vi("author 0123456789abcdef seq 4: agency so-y-te does not monitor indicator 7.1", b, 16);
    TT_CHECK(strlen(b) < 16);
}

int main(void)
{
    TT_RUN(test_classify);
    TT_RUN(test_vi);
    return tt_report();
}
