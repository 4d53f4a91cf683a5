/* test_deadline.c — every deadline wording of 726, and what must fail. */
#include <string.h>

#include "deadline.h"
#include "tt.h"

static td_deadline D;

static int parse(const char *s)
{
    td_error e = {0};
    td_deadline_free(&D);
    return td_deadline_parse(s, &D, &e);
}

static void test_month(void)
{
    TT_EQ_INT(parse("6/2025"), 0);
    TT_CHECK(D.kind == TD_DEADLINE_MONTH && D.month == 6 && D.year == 2025 && !D.before && D.then == TD_THEN_NONE);
    TT_EQ_STR(D.text, "6/2025");
    TT_EQ_INT(parse("02/2025"), 0);
    TT_EQ_INT(D.month, 2);
    TT_EQ_INT(parse("tháng 3/2025"), 0);
    TT_EQ_INT(D.month, 3);
    TT_EQ_INT(parse("hoàn thành trong tháng 7/2025."), 0);
    TT_EQ_INT(D.month, 7);
    TT_EQ_INT(parse("Trước 12/2025"), 0);
    TT_CHECK(D.before && D.month == 12);
    {
        int due = 0;
        TT_EQ_INT(td_deadline_due(&D, 0, &due), 0);
        TT_EQ_INT(due, 20251130);
        TT_EQ_INT(parse("2/2028"), 0);
        TT_EQ_INT(td_deadline_due(&D, 0, &due), 0);
        TT_EQ_INT(due, 20280229);
    }
}

static void test_recurring_conditional_roadmap(void)
{
    TT_EQ_INT(parse("Thường xuyên"), 0);
    TT_EQ_INT(D.kind, TD_DEADLINE_RECURRING);
    TT_EQ_INT(parse("thực hiện thường xuyên."), 0);
    TT_EQ_INT(D.kind, TD_DEADLINE_RECURRING);
    TT_EQ_INT(parse("Sau khi Trung ương ban hành"), 0);
    TT_CHECK(D.kind == TD_DEADLINE_CONDITIONAL && D.cond == TD_COND_CENTRAL_ISSUES);
    TT_EQ_INT(parse("Sau khi Đề án, Chương trình của Trung ương ban hành"), 0);
    TT_CHECK(D.kind == TD_DEADLINE_CONDITIONAL && D.cond == TD_COND_CENTRAL_PROGRAMME);
    TT_EQ_INT(parse("Theo hướng dẫn của Trung ương"), 0);
    TT_EQ_INT(D.cond, TD_COND_CENTRAL_GUIDANCE);
    TT_EQ_INT(parse("Theo lộ trình"), 0);
    TT_EQ_INT(D.kind, TD_DEADLINE_ROADMAP);
    {
        int due = 0;
        TT_EQ_INT(td_deadline_due(&D, 2025, &due), TD_ENOTFOUND);
    }
}

static void test_yearly(void)
{
    int due = 0;
    TT_EQ_INT(parse("Trước tháng 10 hàng năm"), 0);
    TT_CHECK(D.kind == TD_DEADLINE_YEARLY && D.month == 10 && D.before && !D.review_year);
    TT_EQ_INT(td_deadline_due(&D, 2026, &due), 0);
    TT_EQ_INT(due, 20260930);
    TT_EQ_INT(parse("Tháng 01 hàng năm"), 0);
    TT_CHECK(D.kind == TD_DEADLINE_YEARLY && D.month == 1 && !D.before);
    TT_EQ_INT(td_deadline_due(&D, 2026, &due), 0);
    TT_EQ_INT(due, 20260131);
    TT_EQ_INT(parse("Rà soát bổ sung năm 2025 và trước tháng 10 hàng năm"), 0);
    TT_CHECK(D.kind == TD_DEADLINE_YEARLY && D.month == 10 && D.before && D.review_year == 2025);
    TT_EQ_INT(parse("tháng 6 hằng năm"), 0);
    TT_EQ_INT(D.month, 6);
}

static void test_compounds(void)
{
    char buf[256];
    TT_EQ_INT(parse("5/2025 và thực hiện thường xuyên"), 0);
    TT_CHECK(D.kind == TD_DEADLINE_MONTH && D.month == 5 && D.then == TD_THEN_RECURRING);
    td_deadline_vi(&D, buf, sizeof buf);
    TT_EQ_STR(buf, "tháng 05/2025, sau đó thực hiện thường xuyên");
    TT_EQ_INT(parse("5/2025 và thường xuyên"), 0);
    TT_EQ_INT(D.then, TD_THEN_RECURRING);
    TT_EQ_INT(parse("12/2025 và các năm tiếp theo"), 0);
    TT_CHECK(D.month == 12 && D.then == TD_THEN_EVERY_YEAR);
    TT_EQ_INT(parse("3/2025 (Bãi đỗ xe tại Côn Sơn, Bệnh viện Nhi). Đối với các địa bàn khác hoàn thành trong "
                    "<i>những năm tiếp theo</i>"),
              0);
    TT_CHECK(D.month == 3 && D.year == 2025 && D.then == TD_THEN_LATER_YEARS);
    TT_EQ_STR(D.scope, "Bãi đỗ xe tại Côn Sơn, Bệnh viện Nhi");
    TT_EQ_STR(D.text, "3/2025 (Bãi đỗ xe tại Côn Sơn, Bệnh viện Nhi). Đối với các địa bàn khác hoàn thành trong "
                      "những năm tiếp theo");
}

static void test_rejects(void)
{
    td_error e = {0};
    static const char *const bad[] = {
        "", "   ", "Sớm", "13/2025", "0/2025", "6/1999", "6/25", "6-2025", "Thường xuyên nếu có",
        "5/2025 và sau đó", "Sau khi tỉnh ban hành", "Trước tháng 13 hàng năm", "Rà soát bổ sung năm 2025",
        "3/2025 (", "3/2025 ()", "tháng hàng năm",
    };
    td_deadline_free(&D);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = td_deadline_parse(bad[i], &D, &e);
        if (rc != TD_EPARSE) fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
        TT_EQ_INT(rc, TD_EPARSE);
        TT_CHECK(D.text == NULL);
    }
    TT_EQ_INT(td_deadline_parse("Sớm", &D, &e), TD_EPARSE);
    TT_CHECK(strstr(e.msg, "không hiểu thời hạn \"Sớm\"") != NULL);
}

/* The forms officials write: a day, a quarter, half a year, a year. */
static void test_official_forms(void)
{
    static const struct { const char *text; int due; const char *vi; } ok[] = {
        {"31/12/2027", 20271231, "ngày 31/12/2027"},
        {"ngày 15/3/2027", 20270315, "ngày 15/03/2027"},
        {"Hoàn thành trước ngày 01/07/2027", 20270630, "trước ngày 01/07/2027"},
        {"Quý II/2027", 20270630, "tháng 06/2027"},
        {"quý 2/2027", 20270630, "tháng 06/2027"},
        {"Quý IV năm 2027", 20271231, "tháng 12/2027"},
        {"Quý I/2028", 20280331, "tháng 03/2028"},
        {"6 tháng đầu năm 2027", 20270630, "tháng 06/2027"},
        {"6 tháng cuối năm 2027", 20271231, "tháng 12/2027"},
        {"9 tháng đầu năm 2027", 20270930, "tháng 09/2027"},
        {"năm 2027", 20271231, "tháng 12/2027"},
        {"Cuối năm 2027.", 20271231, "tháng 12/2027"},
        {"trong năm 2027", 20271231, "tháng 12/2027"},
    };
    static const char *const bad[] = {"31/02/2027", "Quý V/2027", "Quý 0/2027", "7 tháng cuối năm 2027",
                                      "13 tháng đầu năm 2027", "năm 27", "Quý II", "31/12/2027 và sau đó"};
    td_error e = {0};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int due = 0;
        char vi[128];
        if (parse(ok[i].text)) fprintf(stderr, "refused: \"%s\"\n", ok[i].text);
        TT_EQ_INT(D.kind, TD_DEADLINE_MONTH);
        TT_EQ_INT(td_deadline_due(&D, 0, &due), 0);
        TT_EQ_INT(due, ok[i].due);
        td_deadline_vi(&D, vi, sizeof vi);
        TT_EQ_STR(vi, ok[i].vi);
        TT_EQ_STR(D.text, ok[i].text);
    }
    td_deadline_free(&D);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = td_deadline_parse(bad[i], &D, &e);
        if (rc != TD_EPARSE) fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
        TT_EQ_INT(rc, TD_EPARSE);
    }
    /* a day-precise deadline differs from its month */
    {
        td_deadline a, b;
        TT_EQ_INT(td_deadline_parse("30/06/2027", &a, &e), 0);
        TT_EQ_INT(td_deadline_parse("6/2027", &b, &e), 0);
        TT_CHECK(!td_deadline_equal(&a, &b));
        td_deadline_free(&a);
        td_deadline_free(&b);
    }
}

static void test_dates(void)
{
    int d = 0;
    char b[16];
    TT_EQ_INT(td_date_parse_vi("01/07/2025", &d), 0);
    TT_EQ_INT(d, 20250701);
    TT_EQ_INT(td_date_parse_vi("1/7/2025", &d), 0);
    TT_EQ_INT(d, 20250701);
    TT_EQ_INT(td_date_parse_vi("31/02/2025", &d), TD_EPARSE);
    TT_EQ_INT(td_date_parse_vi("2025-07-01", &d), TD_EPARSE);
    td_date_vi(20250220, b, sizeof b);
    TT_EQ_STR(b, "20/02/2025");
}

int main(void)
{
    TT_RUN(test_month);
    TT_RUN(test_recurring_conditional_roadmap);
    TT_RUN(test_yearly);
    TT_RUN(test_compounds);
    TT_RUN(test_rejects);
    TT_RUN(test_official_forms);
    TT_RUN(test_dates);
    td_deadline_free(&D);
    return tt_report();
}
