/* test_plan_csv.c — CSV export then import gives the same plan; malformed
 * CSV is refused with the line number. */
#include <string.h>

#include "plan_csv.h"
#include "plan_fixture.h"
#include "tt.h"

static td_plan P;
static td_registry R;

static void test_roundtrip(void)
{
    char *tasks = NULL, *inds = NULL, why[256];
    size_t nt = 0, ni = 0;
    td_plan q;
    td_error e = {0};
    td_plan_issues is = {0};
    TT_EQ_INT(td_csv_export_tasks(&P, &tasks, &nt), 0);
    TT_EQ_INT(td_csv_export_indicators(&P, &inds, &ni), 0);
    TT_CHECK(!memcmp(tasks, "\xEF\xBB\xBF" "Mục,TT,Tên nhiệm vụ,", strlen("\xEF\xBB\xBF" "Mục,TT,Tên nhiệm vụ,")));
    TT_CHECK(strstr(tasks, "\r\n") != NULL);
    TT_EQ_INT(td_csv_detect(tasks, nt), TD_CSV_TASKS);
    TT_EQ_INT(td_csv_detect(inds, ni), TD_CSV_INDICATORS);
    TT_EQ_INT(td_csv_import_tasks(tasks, nt, "tasks.csv", &q, &e), 0);
    TT_EQ_INT(td_csv_import_indicators(inds, ni, "inds.csv", &q, &e), 0);
    TT_EQ_INT(td_plan_resolve(&q, &R, &is), 0);
    TT_EQ_INT(is.n, 0);
    TT_EQ_INT(q.n_tasks, 81);
    TT_EQ_INT(q.n_indicators, P.n_indicators);
    if (!td_plan_equal(&P, &q, TD_PLAN_CMP_TASKS | TD_PLAN_CMP_INDICATORS, why, sizeof why))
        fprintf(stderr, "round trip differs: %s\n", why);
    TT_CHECK(td_plan_equal(&P, &q, TD_PLAN_CMP_TASKS | TD_PLAN_CMP_INDICATORS, NULL, 0));
    TT_EQ_STR(td_plan_task(&q, 34)->deadline.scope, "Bãi đỗ xe tại Côn Sơn, Bệnh viện Nhi");
    /* and a second export is byte-identical */
    {
        char *t2;
        size_t n2;
        TT_EQ_INT(td_csv_export_tasks(&q, &t2, &n2), 0);
        TT_EQ_INT(n2, nt);
        TT_CHECK(n2 == nt && !memcmp(t2, tasks, nt));
        free(t2);
    }
    /* the comparison can fail: change one deadline */
    td_plan_task(&q, 57)->deadline.review_year = 2026;
    TT_CHECK(!td_plan_equal(&P, &q, TD_PLAN_CMP_TASKS, why, sizeof why));
    TT_EQ_STR(why, "task 57: deadline differs");
    td_plan_issues_free(&is);
    td_plan_free(&q);
    free(tasks);
    free(inds);
}

/* Import a tasks CSV that must fail; return the message. */
static const char *bad(const char *csv)
{
    static td_error e;
    td_plan q;
    int rc = td_csv_import_tasks(csv, strlen(csv), "x.csv", &q, &e);
    TT_CHECK(rc != 0);
    TT_CHECK(q.n_tasks == 0);
    return rc ? e.msg : "(accepted)";
}

#define HDR "Mục,TT,Tên nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Sản phẩm,Thời gian hoàn thành\n"

static void test_malformed(void)
{
    const char *m;
    m = bad(HDR "I,1,Việc một,Sở Y tế,,Báo cáo,6/2025\nI,2,Việc hai,Sở Y tế,,Báo cáo\n");
    TT_EQ_STR(m, "x.csv:3: 6 ô, dòng tiêu đề có 7 cột");
    m = bad(HDR "I,1,Việc một,Sở Y tế,,Báo cáo,6/2025\nI,2,Vi\xC3\x28 hai,Sở Y tế,,Báo cáo,6/2025\n");
    TT_EQ_STR(m, "x.csv:3: cột 3: không phải văn bản UTF-8 (trong Excel hãy lưu bằng \"CSV UTF-8\")");
    m = bad(HDR "I,1,Việc một,Sở Y tế,,Báo cáo,6/2025\nI,2,Việc hai,Sở Y tế,,Báo cáo,Khi nào rảnh\n");
    TT_EQ_STR(m, "x.csv:3: nhiệm vụ 2: không hiểu thời hạn \"Khi nào rảnh\"");
    m = bad(HDR "I,1,Việc một,Sở Y tế,,Báo cáo,6/2025\nI,1,Việc hai,Sở Y tế,,Báo cáo,6/2025\n");
    TT_EQ_STR(m, "x.csv:3: nhiệm vụ 1 xuất hiện hai lần");
    m = bad(HDR "I,1,\"Việc\nhai dòng\",Sở Y tế,,Báo cáo,6/2025\nI,x,Việc,Sở Y tế,,Báo cáo,6/2025\n");
    TT_EQ_STR(m, "x.csv:4: TT \"x\" không phải số nhiệm vụ hay số La Mã của mục");
    m = bad(HDR "I,1,\"Việc chưa đóng ngoặc,Sở Y tế,,Báo cáo,6/2025\n");
    TT_EQ_STR(m, "x.csv:2: cột 3: ô mở dấu ngoặc kép ở dòng này mà không có dấu ngoặc kép đóng");
    m = bad("Mục,TT,Tên nhiệm vụ,Cơ quan chủ trì,Sản phẩm,Thời gian hoàn thành\n");
    TT_EQ_STR(m, "x.csv:1: thiếu cột \"Cơ quan phối hợp\"");
    m = bad("Mục,TT,Tên nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Sản phẩm,Thời gian hoàn thành,Ghi chú\n");
    TT_EQ_STR(m, "x.csv:1: cột \"Ghi chú\" không có trong mẫu");
    m = bad(HDR ",1,Việc không mục,Sở Y tế,,Báo cáo,6/2025\n");
    TT_EQ_STR(m, "x.csv:2: nhiệm vụ 1 không thuộc mục nào (Mục)");
}

static void test_spreadsheet_forms(void)
{
    /* BOM, ';' separator (Excel in a Vietnamese locale), columns reordered,
     * no section rows, CRLF */
    const char *csv = "\xEF\xBB\xBFTT;Mục;Tên nhiệm vụ;Thời gian hoàn thành;Cơ quan chủ trì;Cơ quan phối hợp;Sản phẩm\r\n"
                      "5;II;\"Lập kế hoạch; báo cáo \"\"nhanh\"\"\";Thường xuyên;Sở KH&CN;Các địa phương;Kế hoạch\r\n"
                      "6;II;Việc khác;12/2025 và các năm tiếp theo;Sở GD&ĐT;;Báo cáo\r\n";
    td_plan q;
    td_error e = {0};
    td_plan_issues is = {0};
    TT_EQ_INT(td_csv_import_tasks(csv, strlen(csv), "s.csv", &q, &e), 0);
    TT_EQ_INT(q.n_tasks, 2);
    TT_EQ_INT(q.n_sections, 1);
    TT_EQ_STR(td_plan_task(&q, 5)->title, "Lập kế hoạch; báo cáo \"nhanh\"");
    TT_EQ_INT(td_plan_task(&q, 5)->deadline.kind, TD_DEADLINE_RECURRING);
    TT_EQ_INT(td_plan_task(&q, 6)->deadline.then, TD_THEN_EVERY_YEAR);
    TT_EQ_INT(td_plan_resolve(&q, &R, &is), 0);
    TT_EQ_INT(is.n, 0);
    TT_EQ_STR(td_plan_task(&q, 5)->leads[0].slug, "so-khcn");
    TT_EQ_STR(td_plan_task(&q, 6)->leads[0].slug, "so-gddt");
    td_plan_issues_free(&is);
    td_plan_free(&q);
}

/* Rows in any order (sorted by TT, sections named in the Mục column): the plan holds its tasks section by
 * section, each section's in file order, as plan export writes them, so that export then import is the same
 * plan (a libFuzzer find: interleaved sections came back in another order). */
static void test_rows_any_order(void)
{
    const char *csv = HDR "I,I,Mục một,,,,\n"
                          "I,1,Việc một,Sở Y tế,,Báo cáo,6/2025\n"
                          "II,3,Việc ba,Sở Y tế,,Báo cáo,6/2025\n"
                          "I,2,Việc hai,Sở Y tế,,Báo cáo,6/2025\n"
                          "I,4,Việc bốn,Sở Y tế,,Báo cáo,6/2025\n";
    td_plan q, r;
    td_error e = {0};
    char *out = NULL, why[256];
    size_t n = 0;
    TT_EQ_INT(td_csv_import_tasks(csv, strlen(csv), "o.csv", &q, &e), 0);
    TT_EQ_INT(q.n_tasks, 4);
    TT_EQ_INT(q.n_sections, 2);
    TT_EQ_INT(q.tasks[0].number, 1);
    TT_EQ_INT(q.tasks[1].number, 2);
    TT_EQ_INT(q.tasks[2].number, 4);
    TT_EQ_INT(q.tasks[3].number, 3);
    TT_EQ_STR(q.tasks[3].section, "II");
    TT_EQ_INT(td_csv_export_tasks(&q, &out, &n), 0);
    TT_EQ_INT(td_csv_import_tasks(out, n, "o2.csv", &r, &e), 0);
    if (!td_plan_equal(&q, &r, TD_PLAN_CMP_TASKS, why, sizeof why)) fprintf(stderr, "round trip differs: %s\n", why);
    TT_CHECK(td_plan_equal(&q, &r, TD_PLAN_CMP_TASKS, NULL, 0));
    td_plan_free(&q);
    td_plan_free(&r);
    free(out);
}

static void test_unresolved_reported(void)
{
    const char *csv = HDR "I,1,Việc một,Sở Phép Thuật,Sở Y tế và Ban Quản Lý Rồng,Báo cáo,6/2025\n";
    td_plan q;
    td_error e = {0};
    td_plan_issues is = {0};
    TT_EQ_INT(td_csv_import_tasks(csv, strlen(csv), "u.csv", &q, &e), 0);
    TT_EQ_INT(td_plan_resolve(&q, &R, &is), 0);
    TT_EQ_INT(is.n, 2);
    TT_EQ_INT(is.v[0].task, 1);
    TT_EQ_INT(is.v[0].line, 2);
    TT_EQ_STR(is.v[0].column, "Cơ quan chủ trì");
    TT_EQ_STR(is.v[0].text, "Sở Phép Thuật");
    TT_EQ_STR(is.v[1].column, "Cơ quan phối hợp");
    TT_EQ_STR(is.v[1].text, "Ban Quản Lý Rồng");
    td_plan_issues_free(&is);
    td_plan_free(&q);
}

static void test_indicators_malformed(void)
{
    const char *h = "Mốc,Mã,Chỉ tiêu,Đơn vị,Kết quả,\"Cơ quan chủ trì theo dõi, đánh giá\"\n";
    char buf[512];
    td_plan q;
    td_error e = {0};
    td_plan_init(&q);
    snprintf(buf, sizeof buf, "%s2030,1,A,%%,≥ 5,Sở Y tế\n2030,1,B,%%,5,Sở Y tế\n", h);
    TT_EQ_INT(td_csv_import_indicators(buf, strlen(buf), "i.csv", &q, &e), TD_EPARSE);
    TT_EQ_STR(e.msg, "i.csv:3: chỉ tiêu 1 xuất hiện hai lần");
    snprintf(buf, sizeof buf, "%s2030,2,A,%%,≥,Sở Y tế\n", h);
    TT_EQ_INT(td_csv_import_indicators(buf, strlen(buf), "i.csv", &q, &e), TD_EPARSE);
    TT_EQ_STR(e.msg, "i.csv:2: chỉ tiêu 2: mục tiêu \"≥\": có dấu so sánh mà không có số");
    snprintf(buf, sizeof buf, "%sba mươi,2,A,%%,5,Sở Y tế\n", h);
    TT_EQ_INT(td_csv_import_indicators(buf, strlen(buf), "i.csv", &q, &e), TD_EPARSE);
    TT_CHECK(strstr(e.msg, "i.csv:2: Mốc") != NULL);
    TT_EQ_INT(q.n_indicators, 0);
    td_plan_free(&q);
}

/* A title that Excel would run as a formula leaves as text ('=...) and
 * comes back unchanged through the importer. */
static void test_formula_neutralised(void)
{
    char *tasks = NULL, *old;
    size_t nt = 0;
    td_plan q;
    td_error e = {0};
    td_task *t = td_plan_task(&P, 5);
    old = t->title;
    t->title = "=HYPERLINK(\"http://x\",\"bấm\")";
    TT_EQ_INT(td_csv_export_tasks(&P, &tasks, &nt), 0);
    t->title = old;
    TT_CHECK(tasks && strstr(tasks, ",\"'=HYPERLINK(") != NULL);
    TT_CHECK(tasks && strstr(tasks, ",=HYPERLINK(") == NULL);
    TT_EQ_INT(td_csv_import_tasks(tasks, nt, "tasks.csv", &q, &e), 0);
    TT_EQ_STR(td_plan_task(&q, 5)->title, "=HYPERLINK(\"http://x\",\"bấm\")");
    td_plan_free(&q);
    free(tasks);
}

int main(void)
{
    td_plan_issues is = {0};
    if (fixture_plan(&P, &R, &is)) return 1;
    td_plan_issues_free(&is);
    TT_RUN(test_roundtrip);
    TT_RUN(test_malformed);
    TT_RUN(test_spreadsheet_forms);
    TT_RUN(test_rows_any_order);
    TT_RUN(test_unresolved_reported);
    TT_RUN(test_indicators_malformed);
    TT_RUN(test_formula_neutralised);
    td_plan_free(&P);
    td_registry_free(&R);
    return tt_report();
}
