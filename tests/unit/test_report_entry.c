/* test_report_entry.c — client/report_entry.c without terminal or replica:
 * every --doc form of `tiendo report --help` (a number alone used to crash:
 * the empty title was a string literal trimmed in place), the one check
 * shared by the command line, the CSV and `draft submit` (a draft "xong"
 * with 40 % is refused, not signed 100 %), the CSV importer. */
#include <stdlib.h>
#include <string.h>

#include "log.pb-c.h"
#include "report_entry.h"
#include "tt.h"

static void test_doc_forms(void)
{
    tdc_rep r;
    const char *why = NULL;
    tdc_rep_init(&r);
    /* "SỐ HIỆU" alone */
    TT_EQ_INT(tdc_rep_add_doc(&r, "12/UBND", 20261215, &why), 0);
    TT_EQ_STR(r.docs[0].number, "12/UBND");
    TT_EQ_STR(r.docs[0].title, "");
    TT_EQ_INT(r.docs[0].date, 0);
    /* "SỐ HIỆU,dd/mm/yyyy" */
    TT_EQ_INT(tdc_rep_add_doc(&r, "12/UBND,02/12/2026", 20261215, &why), 0);
    TT_EQ_INT(r.docs[1].date, 20261202);
    TT_EQ_STR(r.docs[1].title, "");
    /* "SỐ HIỆU,dd/mm/yyyy,trích yếu" with commas in the title */
    TT_EQ_INT(tdc_rep_add_doc(&r, " 15/BC-SYT , 10/06/2025 , Báo cáo tháng 6, bổ sung ", 20261215, &why), 0);
    TT_EQ_STR(r.docs[2].number, "15/BC-SYT");
    TT_EQ_STR(r.docs[2].title, "Báo cáo tháng 6, bổ sung");
    /* "SỐ HIỆU,,trích yếu": no date */
    TT_EQ_INT(tdc_rep_add_doc(&r, "7/QĐ,,Quyết định", 20261215, &why), 0);
    TT_EQ_INT(r.docs[3].date, 0);
    TT_EQ_STR(r.docs[3].title, "Quyết định");
    TT_EQ_INT(r.n_docs, 4);
    /* refused, with why */
    TT_CHECK(tdc_rep_add_doc(&r, ",02/12/2026", 20261215, &why) < 0 && strstr(why, "thiếu số hiệu"));
    TT_CHECK(tdc_rep_add_doc(&r, "1/A,31/02/2025", 20261215, &why) < 0 && strstr(why, "dd/mm/yyyy"));
    TT_CHECK(tdc_rep_add_doc(&r, "1/A,16/12/2026", 20261215, &why) < 0 && strstr(why, "sau hôm nay"));
    TT_CHECK(tdc_rep_add_doc(&r, "\xff\xfe", 20261215, &why) < 0 && strstr(why, "UTF-8"));
    TT_EQ_INT(r.n_docs, 4);
    tdc_rep_free(&r);
}

/* A draft saved with state xong and 40 %: the payload read back carries
 * the percent as given, and the one check refuses it as it refuses
 * `tiendo report --state xong --percent 40`. */
static void test_draft_check_is_the_direct_check(void)
{
    tdc_rep direct, r;
    uint8_t *buf = NULL;
    size_t len = 0;
    char msg[1024];
    const char *field = "", *why;
    tdc_rep_init(&direct);
    direct.task = 48;
    memcpy(direct.period, "2026-12", 8);
    direct.state = TIENDO__REPORT_STATE__REPORT_DONE;
    direct.percent = 40;
    direct.percent_cli = 1;
    TT_EQ_INT(tdc_rep_set_text(&direct.result, "abc", &why), 0);
    TT_EQ_INT(tdc_rep_pack(&direct, "so-y-te", &buf, &len), 0);
    TT_EQ_INT(tdc_rep_check(NULL, "so-y-te", 20261215, &direct, TDC_HOW_CLI, msg, sizeof msg, &field), 2);
    TT_EQ_STR(field, "percent");
    TT_EQ_INT(tdc_rep_unpack(buf, len, &r), 0);
    TT_EQ_INT(r.percent, 40);
    TT_EQ_INT(tdc_rep_check(NULL, "so-y-te", 20261215, &r, TDC_HOW_DRAFT, msg, sizeof msg, &field), 2);
    TT_EQ_STR(field, "percent");
    TT_CHECK(strstr(msg, "100%") != NULL);
    tdc_rep_free(&r);
    free(buf);
    /* xong with 100 % and chua with 0 % pass; a later period is refused */
    direct.percent = 100;
    TT_EQ_INT(tdc_rep_check(NULL, "so-y-te", 20261215, &direct, TDC_HOW_CLI, msg, sizeof msg, &field), 0);
    memcpy(direct.period, "2027-01", 8);
    TT_EQ_INT(tdc_rep_check(NULL, "so-y-te", 20261215, &direct, TDC_HOW_CLI, msg, sizeof msg, &field), 1);
    TT_EQ_STR(field, "period");
    tdc_rep_free(&direct);
}

/* Changing the state of a draft without a percent takes the new state's
 * default rather than the old percent. */
static void test_merge_state(void)
{
    tdc_rep d, cli;
    char msg[1024];
    const char *field, *why;
    tdc_rep_init(&d);
    tdc_rep_init(&cli);
    d.task = 47;
    memcpy(d.period, "2026-12", 8);
    d.state = TIENDO__REPORT_STATE__REPORT_NOT_STARTED;
    d.percent = 0;
    d.percent_cli = 1;
    cli.state = TIENDO__REPORT_STATE__REPORT_DONE;
    TT_EQ_INT(tdc_rep_set_text(&cli.result, "Xong", &why), 0);
    tdc_rep_merge(&d, &cli);
    TT_EQ_INT(tdc_rep_check(NULL, "so-y-te", 20261215, &d, TDC_HOW_CLI, msg, sizeof msg, &field), 0);
    TT_EQ_INT(d.percent, 100);
    tdc_rep_free(&d);
    tdc_rep_free(&cli);
}

static void test_csv(void)
{
    static const char good[] = "\xef\xbb\xbftask,period,state,percent,result,doc\r\n"
                               "49,2026-12,dang,40,\"Đã làm\",12/UBND\r\n"
                               "48,12/2026,xong,,Xong,\"12/UBND,02/12/2026|15/BC,01/12/2026,Báo cáo, tháng 12\"\r\n";
    static const char bad[] = "task;period;state;percent;result;attach\n"
                              "49;2026-12;xong;40;abc;\n"
                              "48;2026-12;dang;10;x;a.pdf\n"
                              "47;2027-01;dang;10;x;\n";
    tdc_csv_reports out;
    TT_EQ_INT(tdc_rep_csv_read(good, sizeof good - 1, ".", NULL, NULL, "so-y-te", 20261215, &out), 0);
    TT_EQ_INT(out.n, 2);
    TT_EQ_INT(out.n_err, 0);
    if (out.n == 2) {
        TT_EQ_INT(out.reps[0].n_docs, 1);
        TT_EQ_STR(out.reps[0].docs[0].number, "12/UBND");
        TT_EQ_INT(out.reps[1].n_docs, 2);
        TT_EQ_STR(out.reps[1].docs[1].title, "Báo cáo, tháng 12");
        TT_EQ_INT(out.reps[1].percent, 100);
        TT_EQ_INT(out.lines[1], 3);
    }
    tdc_csv_reports_free(&out);
    TT_EQ_INT(tdc_rep_csv_read(bad, sizeof bad - 1, ".", NULL, NULL, "so-y-te", 20261215, &out), -1);
    TT_EQ_INT(out.n, 0);
    TT_EQ_INT(out.n_err, 3);
    TT_EQ_INT(out.errs[0].line, 2);
    TT_EQ_STR(out.errs[0].col, "percent");
    TT_EQ_INT(out.errs[1].line, 3);
    TT_EQ_STR(out.errs[1].col, "attach");
    TT_EQ_INT(out.errs[2].line, 4);
    TT_EQ_STR(out.errs[2].col, "period");
    tdc_csv_reports_free(&out);
    TT_EQ_INT(tdc_rep_csv_read("task,period\n\"49,2026-12\n", 24, ".", NULL, NULL, "x", 20261215, &out), -1);
    TT_CHECK(out.n_err == 1 && strstr(out.errs[0].msg, "ngoặc kép"));
    tdc_csv_reports_free(&out);
}

/* A draft begun with only a text: no percent comes back (the form's
 * percent box stays empty and "xong" is not refused as "0 %"). */
static void test_draft_text_only(void)
{
    tdc_rep d, back;
    uint8_t *buf = NULL;
    size_t len = 0;
    char msg[1024];
    const char *field, *why;
    tdc_rep_init(&d);
    d.task = 49;
    memcpy(d.period, "2026-12", 8);
    TT_EQ_INT(tdc_rep_set_text(&d.result, "Đang gõ dở", &why), 0);
    TT_EQ_INT(tdc_rep_pack(&d, "so-y-te", &buf, &len), 0);
    TT_EQ_INT(tdc_rep_unpack(buf, len, &back), 0);
    TT_EQ_INT(back.percent, -1);
    back.state = TIENDO__REPORT_STATE__REPORT_DONE;
    TT_EQ_INT(tdc_rep_check(NULL, "so-y-te", 20261215, &back, TDC_HOW_FORM, msg, sizeof msg, &field), 0);
    TT_EQ_INT(back.percent, 100);
    tdc_rep_free(&back);
    tdc_rep_free(&d);
    free(buf);
}

static void test_parse(void)
{
    double v = 0;
    const char *why = NULL;
    char msg[1024], note[512] = "", warn[512] = "";
    TT_EQ_INT(tdc_ind_parse_value("42,5", &v, &why), 0);
    TT_CHECK(v == 42.5);
    TT_CHECK(tdc_ind_parse_value("1.234,5", &v, &why) < 0 && strstr(why, "nhiều hơn một dấu thập phân"));
    /* the indicator check without a plan: only the period, and a note */
    TT_EQ_INT(tdc_ind_check(NULL, "so-y-te", 0, 20261215, "25", "2027-01", 1, 5, msg, sizeof msg, note, sizeof note, warn,
                            sizeof warn), 1);
    TT_CHECK(strstr(msg, "chưa đến") != NULL);
    TT_EQ_INT(tdc_ind_check(NULL, "so-y-te", 0, 20261215, "25", "2026-12", 1, 5, msg, sizeof msg, note, sizeof note, warn,
                            sizeof warn), 0);
    TT_CHECK(strstr(note, "chưa có kế hoạch") != NULL);
    TT_EQ_INT(tdc_rep_percent_parse("40%"), 40);
    TT_EQ_INT(tdc_rep_percent_parse(" 100 "), 100);
    TT_EQ_INT(tdc_rep_percent_parse("101"), -1);
    TT_EQ_INT(tdc_rep_percent_parse(""), -1);
    TT_EQ_INT(tdc_rep_state_parse("Đang thực hiện"), TIENDO__REPORT_STATE__REPORT_IN_PROGRESS);
    TT_EQ_INT(tdc_rep_state_parse("xong"), TIENDO__REPORT_STATE__REPORT_DONE);
    TT_EQ_INT(tdc_rep_state_parse("gandong"), 0);
}

int main(void)
{
    TT_RUN(test_doc_forms);
    TT_RUN(test_draft_check_is_the_direct_check);
    TT_RUN(test_merge_state);
    TT_RUN(test_csv);
    TT_RUN(test_draft_text_only);
    TT_RUN(test_parse);
    return tt_report();
}
