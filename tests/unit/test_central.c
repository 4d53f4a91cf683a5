/* test_central.c — client/central.c's checks without a replica: the text
 * rule (NFC, trimmed, bounded, UTF-8), the month form of --due / the UI's
 * "Tháng phải hoàn thành", and the order of the extension and condition
 * checks (what was typed before who may do it), which both `tiendo
 * extend`/`condition` and the UI's forms rely on for their messages and
 * exit codes. */
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "tt.h"

static void test_text(void)
{
    char *out = NULL, big[TDC_CENTRAL_TEXT_MAX + 2];
    td_error e;
    /* blanks trimmed; decomposed "ệ" (e + U+0323 + U+0302) becomes NFC */
    TT_EQ_INT(tdc_central_text("lý do", "  Công văn 55/UBND  ", &out, &e), 0);
    TT_EQ_STR(out, "Công văn 55/UBND");
    free(out);
    TT_EQ_INT(tdc_central_text("lý do", "Cong ve\xcc\xa3\xcc\x82n", &out, &e), 0);
    TT_EQ_STR(out, "Cong vện");
    free(out);
    TT_EQ_INT(tdc_central_text("lý do", "\xff\xfe", &out, &e), TD_EARG);
    TT_CHECK(strstr(e.msg, "lý do") && strstr(e.msg, "UTF-8"));
    TT_CHECK(out == NULL);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    TT_EQ_INT(tdc_central_text("ghi chú", big, &out, &e), TD_EARG);
    TT_CHECK(strstr(e.msg, "ghi chú") && strstr(e.msg, "4096"));
}

static void test_month(void)
{
    int y = 0, m = 0;
    TT_EQ_INT(tdc_month_parse("06/2027", &y, &m), 0);
    TT_EQ_INT(y, 2027);
    TT_EQ_INT(m, 6);
    TT_EQ_INT(tdc_month_parse("6/2027", &y, &m), 0);
    TT_EQ_INT(m, 6);
    TT_EQ_INT(tdc_month_parse("13/2027", &y, &m), -1);
    TT_EQ_INT(tdc_month_parse("06/27", &y, &m), -1);
    TT_EQ_INT(tdc_month_parse("06/2027x", &y, &m), -1);
    TT_EQ_INT(tdc_month_parse("2027-06", &y, &m), -1);
}

/* An office device (no replica needed: the role is checked before the
 * plan is read). */
static void test_order(void)
{
    tdc_ctx c;
    tdc_extend x;
    tdc_condition_in ci;
    td_error e;
    memset(&c, 0, sizeof c);
    c.id.subject.role = TD_ROLE_OFFICE;
    snprintf(c.id.subject.agency, sizeof c.id.subject.agency, "so-y-te");
    TT_EQ_INT(tdc_extend_prepare(&c, 49, "", "x", &x, &e), TD_EARG);
    TT_EQ_INT(tdc_extend_prepare(&c, 49, "31/12/2027", "   ", &x, &e), TD_EARG);
    TT_CHECK(strstr(e.msg, "gia hạn phải có lý do") != NULL);
    TT_EQ_INT(tdc_extend_prepare(&c, 49, "cuối năm sau", "Công văn 55", &x, &e), TD_EPARSE);
    TT_CHECK(strstr(e.msg, "cuối năm sau") != NULL);
    /* the forms the brief names parse; then the role refuses */
    TT_EQ_INT(tdc_extend_prepare(&c, 49, "31/12/2027", "Công văn 55", &x, &e), TD_EAUTH);
    TT_CHECK(strstr(e.msg, "Sở Khoa học và Công nghệ") != NULL);
    TT_EQ_INT(tdc_extend_prepare(&c, 49, "Quý II/2027", "Công văn 55", &x, &e), TD_EAUTH);
    TT_EQ_INT(tdc_extend_prepare(&c, 49, "6 tháng đầu năm 2027", "Công văn 55", &x, &e), TD_EAUTH);
    /* conditions: the dates first */
    TT_EQ_INT(tdc_condition_prepare(&c, 75, 0, 0, 0, NULL, &ci, &e), TD_EARG);
    TT_EQ_INT(tdc_condition_prepare(&c, 75, 20991231, 0, 0, NULL, &ci, &e), TD_EARG);
    TT_CHECK(strstr(e.msg, "tương lai") != NULL);
    TT_EQ_INT(tdc_condition_prepare(&c, 75, 20250510, 2025, 4, NULL, &ci, &e), TD_EARG);
    TT_CHECK(strstr(e.msg, "04/2025") != NULL);
    TT_EQ_INT(tdc_condition_prepare(&c, 75, 20250510, 2025, 5, "Văn bản 1", &ci, &e), TD_EAUTH);
}

int main(void)
{
    TT_RUN(test_text);
    TT_RUN(test_month);
    TT_RUN(test_order);
    return tt_report();
}
