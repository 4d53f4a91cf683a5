/* test_plan_text.c — importing Kế hoạch 726 from its published text:
 * counts, and the fields of many tasks against the text, trap by trap. */
#include <string.h>

#include "plan_fixture.h"
#include "tt.h"

static td_plan P;
static td_registry R;
static td_plan_issues I;

static const td_task *task(int n)
{
    const td_task *t = td_plan_task(&P, n);
    if (!t) {
        fprintf(stderr, "task %d missing\n", n);
        exit(1);
    }
    return t;
}

static int has_ref(const td_agency_ref *r, size_t n, const char *slug, int group)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(r[i].slug, slug) && r[i].group == group) return 1;
    return 0;
}

static void test_meta(void)
{
    TT_EQ_STR(P.number, "726/KH-UBND");
    TT_EQ_INT(P.date, 20250220);
    TT_EQ_STR(P.issuer, "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG");
    TT_CHECK(P.title && !strncmp(P.title, "Thực hiện Nghị quyết số 03/NQ-CP ngày 09/01/2025", 50));
}

static void test_counts(void)
{
    static const struct { const char *code; size_t n; } want[] = {
        {"I", 10}, {"II", 7}, {"III", 12}, {"IV", 10}, {"V", 10},
        {"VI", 4}, {"VII", 10}, {"VIII", 10}, {"IX", 4}, {"X", 4},
    };
    TT_EQ_INT(P.n_tasks, 81);
    TT_EQ_INT(P.n_sections, 10);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        TT_EQ_STR(P.sections[i].code, want[i].code);
        TT_EQ_INT(td_plan_section_tasks(&P, want[i].code), want[i].n);
    }
    /* numbered 1..81 in order, each in the section the text puts it */
    for (size_t i = 0; i < P.n_tasks; i++) TT_EQ_INT(P.tasks[i].number, (int)i + 1);
    TT_EQ_STR(task(10)->section, "I");
    TT_EQ_STR(task(11)->section, "II");
    TT_EQ_STR(task(49)->section, "V");
    TT_EQ_STR(task(50)->section, "VI");     /* the text writes "V I" */
    TT_EQ_STR(task(63)->section, "VII");
    TT_EQ_STR(task(64)->section, "VIII");   /* the text writes "VII I" */
    TT_EQ_STR(task(81)->section, "X");
    TT_EQ_STR(td_plan_section(&P, "VI")->title, "Đảm bảo an ninh an toàn, bảo mật hệ thống, dữ liệu cá nhân");
}

static void test_indicator_counts(void)
{
    /* Appendix I numbers 1..26 for 2030 (7 and 18 are headings over
     * 7.1-7.12 and 18.1-18.2) and 1..4 for 2045 */
    TT_EQ_INT(td_plan_count_indicators(&P, 2030, TD_IND_TOP), 26);
    TT_EQ_INT(td_plan_count_indicators(&P, 2030, TD_IND_MEASURED), 38);
    TT_EQ_INT(td_plan_count_indicators(&P, 2030, 0), 40);
    TT_EQ_INT(td_plan_count_indicators(&P, 2045, TD_IND_MEASURED), 4);
    TT_EQ_INT(td_plan_count_indicators(&P, 2045, TD_IND_TOP), 4);
    TT_CHECK(td_plan_indicator(&P, "7")->heading);
    TT_CHECK(td_plan_indicator(&P, "18")->heading);
    TT_CHECK(!td_plan_indicator(&P, "7.1")->heading);
    TT_CHECK(td_plan_indicator(&P, "7.12") != NULL);
    TT_CHECK(td_plan_indicator(&P, "7.13") == NULL);
    TT_CHECK(td_plan_indicator(&P, "18.2") != NULL);
    TT_CHECK(td_plan_indicator(&P, "II.4") != NULL);
    TT_CHECK(td_plan_indicator(&P, "II.5") == NULL);
}

static void test_indicators(void)
{
    const td_indicator *x;
    x = td_plan_indicator(&P, "5");
    TT_EQ_STR(x->unit, "%");
    TT_EQ_INT(x->target.kind, TD_TARGET_VALUE);
    TT_EQ_INT(x->target.op, TD_OP_GE);
    TT_CHECK(x->target.lo == 55);
    TT_EQ_STR(x->monitor_text, "Sở Khoa học và Công nghệ; Cục Thống kê");
    TT_CHECK(has_ref(x->monitors, x->n_monitors, "so-khcn", 0));
    TT_CHECK(has_ref(x->monitors, x->n_monitors, "cuc-thong-ke", 0));
    /* LaTeX remnant with a decimal comma */
    x = td_plan_indicator(&P, "10");
    TT_EQ_INT(x->target.op, TD_OP_GE);
    TT_CHECK(x->target.lo == 0.8);
    TT_EQ_STR(x->target.text, "≥ 0,8");
    TT_EQ_STR(x->unit, "Chỉ số phát triển con người (HDI)");
    /* LaTeX percent with a qualifying text */
    x = td_plan_indicator(&P, "13");
    TT_CHECK(x->target.lo == 3 && x->target.percent);
    TT_EQ_STR(x->target.note, "và tăng dần theo yêu cầu phát triển");
    TT_EQ_STR(x->unit, "% tổng chi NSNN");
    /* ranges: hyphen, spaced hyphen, en dash */
    x = td_plan_indicator(&P, "15");
    TT_EQ_INT(x->target.kind, TD_TARGET_RANGE);
    TT_CHECK(x->target.lo == 1 && x->target.hi == 2);
    x = td_plan_indicator(&P, "16");
    TT_CHECK(x->target.kind == TD_TARGET_RANGE && x->target.lo == 16 && x->target.hi == 18);
    TT_EQ_STR(x->unit, "%/năm");
    x = td_plan_indicator(&P, "17");
    TT_CHECK(x->target.kind == TD_TARGET_RANGE && x->target.lo == 8 && x->target.hi == 10);
    x = td_plan_indicator(&P, "12");
    TT_CHECK(x->target.op == TD_OP_GT && x->target.lo == 60);
    x = td_plan_indicator(&P, "26");
    TT_CHECK(x->target.op == TD_OP_LE && x->target.lo == 20);
    TT_EQ_STR(x->monitor_text, "Công an tỉnh");
    x = td_plan_indicator(&P, "2");
    TT_EQ_INT(x->target.kind, TD_TARGET_TEXT);
    TT_EQ_STR(x->target.text, "Nhóm 20 tỉnh dẫn đầu cả nước");
    /* 7.2 and 14: a continuation row completes the name */
    TT_EQ_STR(td_plan_indicator(&P, "7.2")->name,
              "Tỷ lệ cung cấp dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính có đủ điều kiện");
    TT_EQ_STR(td_plan_indicator(&P, "7.11")->name,
              "Tỷ lệ nhiệm vụ được theo dõi, quản lý, giám sát của các cơ quan hành chính thực hiện trên môi trường "
              "điện tử");
    x = td_plan_indicator(&P, "18.1");
    TT_CHECK(x->target.percent && x->target.lo == 100);
    x = td_plan_indicator(&P, "22");
    TT_EQ_STR(x->name, "Hoàn thiện Trung tâm dữ liệu tỉnh, triển khai kết nối, đồng bộ dữ liệu với Trung tâm dữ liệu Quốc gia");
    TT_CHECK(x->target.lo == 3);
    TT_CHECK(has_ref(x->monitors, x->n_monitors, "so-ban-nganh", 1));
    TT_CHECK(has_ref(x->monitors, x->n_monitors, "cong-an-tinh", 0));
    x = td_plan_indicator(&P, "II.3");
    TT_EQ_INT(x->horizon, 2045);
    TT_EQ_STR(x->unit, "Số doanh nghiệp/1000 dân");
    TT_CHECK(x->target.op == TD_OP_EQ && x->target.lo == 1);
    TT_EQ_INT(td_plan_indicator(&P, "8")->horizon, 2030);
    TT_EQ_STR(td_plan_indicator(&P, "18")->target.text, "Tiên tiến, hiện đại");
}

static void test_task4_page_break(void)
{
    const td_task *t = task(4);
    /* every cell cut by the page break, completed by the continuation row */
    TT_EQ_STR(t->title, "Xây dựng chuyên trang, chuyên mục về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
                        "trên Cổng thông tin điện tử tỉnh, hệ thống phát thanh, truyền hình và mạng xã hội.");
    TT_EQ_STR(t->lead_text, "Báo Hải Dương, Đài Phát thanh - Truyền hình tỉnh, Cổng thông tin điện tử tỉnh");
    TT_EQ_STR(t->partner_text, "Các cơ quan, đơn vị liên quan.");
    TT_EQ_STR(t->product, "Chuyên trang/ Chuyên mục");
    TT_EQ_STR(t->deadline.text, "Thường xuyên");
    TT_EQ_INT(t->deadline.kind, TD_DEADLINE_RECURRING);
    TT_EQ_INT(t->n_leads, 3);
    TT_CHECK(has_ref(t->leads, t->n_leads, "bao-hai-duong", 0));
    TT_CHECK(has_ref(t->leads, t->n_leads, "dai-ptth", 0));
    TT_CHECK(has_ref(t->leads, t->n_leads, "cong-ttdt", 0));
    TT_CHECK(has_ref(t->partners, t->n_partners, "lien-quan", 1));
    TT_EQ_INT(t->line, 414);
}

static void test_task25_ocr(void)
{
    const td_task *t = task(25);
    TT_EQ_STR(t->lead_text, "Sở Khoa học và Công nghe");   /* kept as written */
    TT_EQ_INT(t->n_leads, 1);
    TT_EQ_STR(t->leads[0].slug, "so-khcn");
    TT_EQ_STR(t->partner_text,
              "Công an tỉnh, Văn phòng UBND tỉnh, Sở Tài chính và các cơ quan, địa phương liên quan.");
    TT_EQ_INT(t->n_partners, 4);
    TT_CHECK(has_ref(t->partners, t->n_partners, "so-tai-chinh", 0));
    TT_EQ_STR(t->product, "KIOSK giải quyết TTHC tự động");
    TT_CHECK(t->deadline.kind == TD_DEADLINE_MONTH && t->deadline.month == 12 && t->deadline.year == 2025);
    TT_EQ_STR(t->section, "III");
}

static void test_task27_four_leads(void)
{
    const td_task *t = task(27);
    TT_EQ_STR(t->lead_text, "Sở Nội vụ, Sở GD&ĐT, Sở Y tế, Sở Nông nghiệp và Môi trường");
    TT_EQ_INT(t->n_leads, 4);
    TT_EQ_STR(t->leads[0].slug, "so-noi-vu");
    TT_EQ_STR(t->leads[1].slug, "so-gddt");   /* the abbreviation */
    TT_EQ_STR(t->leads[1].text, "Sở GD&ĐT");
    TT_EQ_STR(t->leads[2].slug, "so-y-te");
    TT_EQ_STR(t->leads[3].slug, "so-nn-mt");
    TT_CHECK(has_ref(t->partners, t->n_partners, "tat-ca", 1));
    TT_EQ_STR(t->product, "Kho dữ liệu đã số hóa");
}

static void test_task30_conditional_split(void)
{
    const td_task *t = task(30);
    TT_EQ_STR(t->deadline.text, "Sau khi Đề án, Chương trình của Trung ương ban hành");
    TT_EQ_INT(t->deadline.kind, TD_DEADLINE_CONDITIONAL);
    TT_EQ_INT(t->deadline.cond, TD_COND_CENTRAL_PROGRAMME);
    TT_EQ_STR(t->title, "Xây dựng kế hoạch triển khai Đề án/Chương trình phát triển công nghệ và công nghiệp chiến "
                        "lược; thử nghiệm chính sách nhằm thúc đẩy nghiên cứu, phát triển, ứng dụng, chuyển giao công "
                        "nghệ chiến lược trong các ngành, lĩnh vực.");
    TT_EQ_STR(t->section, "IV");
    TT_EQ_INT(task(14)->deadline.cond, TD_COND_CENTRAL_ISSUES);
    TT_EQ_INT(task(75)->deadline.cond, TD_COND_CENTRAL_GUIDANCE);
    TT_EQ_INT(task(12)->deadline.kind, TD_DEADLINE_ROADMAP);
}

static void test_task34_compound_html(void)
{
    const td_task *t = task(34);
    TT_EQ_STR(t->deadline.text, "3/2025 (Bãi đỗ xe tại Côn Sơn, Bệnh viện Nhi). Đối với các địa bàn khác hoàn thành "
                                "trong những năm tiếp theo");   /* <i>…</i> gone */
    TT_EQ_INT(t->deadline.kind, TD_DEADLINE_MONTH);
    TT_EQ_INT(t->deadline.month, 3);
    TT_EQ_INT(t->deadline.year, 2025);
    TT_EQ_INT(t->deadline.then, TD_THEN_LATER_YEARS);
    TT_EQ_STR(t->deadline.scope, "Bãi đỗ xe tại Côn Sơn, Bệnh viện Nhi");
    /* "Sở Văn hoá" (old tone placement) with commas inside the name */
    TT_EQ_INT(t->n_partners, 5);
    TT_CHECK(has_ref(t->partners, t->n_partners, "so-vhttdl", 0));
    TT_CHECK(has_ref(t->partners, t->n_partners, "dia-phuong", 1));
    TT_CHECK(has_ref(t->partners, t->n_partners, "lien-quan", 1));
    TT_EQ_STR(t->product, "Hệ thống thu phí tự động");
}

static void test_task38_repeated_syllable(void)
{
    const td_task *t = task(38);
    TT_EQ_STR(t->lead_text, "Sở Khoa học và Công nghệ nghe");
    TT_EQ_INT(t->n_leads, 1);
    TT_EQ_STR(t->leads[0].slug, "so-khcn");
    TT_EQ_STR(t->partner_text, "Các sở, ban, ngành, cơ quan, đơn vị, địa phương.");
    TT_EQ_STR(t->title, "Đưa các hệ thống Trung tâm giám sát, điều hành thông minh IOC, triển khai Kho dữ liệu dùng "
                        "chung của tỉnh, Triển khai Trung tâm giám sát an ninh không gian mạng SOC vào vận hành, phục "
                        "vụ chỉ đạo điều hành của tỉnh");
    TT_CHECK(t->deadline.kind == TD_DEADLINE_MONTH && t->deadline.month == 3);
}

static void test_task42_html_list(void)
{
    const td_task *t = task(42);
    TT_CHECK(strstr(t->title, "<") == NULL);
    TT_CHECK(strstr(t->title, "lĩnh vực ngân hàng; - Củng cố và nâng cấp sàn thương mại điện tử") != NULL);
    TT_CHECK(strstr(t->title, "- Mô hình du lịch thông minh.") != NULL);
    TT_EQ_STR(t->lead_text, "Công an tỉnh");
    TT_EQ_STR(t->partner_text, "Văn phòng UBND tỉnh, các Sở, ngành liên quan");
    TT_EQ_INT(t->deadline.month, 12);
    TT_EQ_STR(t->section, "V");
}

static void test_task57_yearly_review(void)
{
    const td_task *t = task(57);
    TT_EQ_STR(t->deadline.text, "Rà soát bổ sung năm 2025 và trước tháng 10 hàng năm");
    TT_EQ_INT(t->deadline.kind, TD_DEADLINE_YEARLY);
    TT_EQ_INT(t->deadline.month, 10);
    TT_EQ_INT(t->deadline.before, 1);
    TT_EQ_INT(t->deadline.review_year, 2025);
    TT_EQ_INT(task(58)->deadline.kind, TD_DEADLINE_YEARLY);
    TT_EQ_INT(task(58)->deadline.review_year, 0);
    TT_EQ_INT(task(73)->deadline.month, 1);
    TT_EQ_INT(task(73)->deadline.before, 0);
    TT_EQ_STR(t->product, "Kinh phí triển khai");
}

static void test_task78_inline_html(void)
{
    const td_task *t = task(78);
    TT_EQ_STR(t->title, "Tổ chức xúc tiến đầu tư, kêu gọi các doanh nghiệp công nghệ nước ngoài đầu tư, sản xuất, đặt "
                        "trụ sở tại tỉnh (Khu Kinh tế chuyên biệt, Khu/cụm Công nghiệp của tỉnh)");
    TT_EQ_STR(t->lead_text, "Sở Tài chính");
    TT_EQ_STR(t->section, "X");
    TT_EQ_INT(t->deadline.month, 12);
}

static void test_more_tasks(void)
{
    TT_EQ_INT(task(17)->deadline.then, TD_THEN_RECURRING);
    TT_CHECK(has_ref(task(17)->leads, task(17)->n_leads, "so-ban-nganh", 1));   /* "Các Sở, ngành" */
    TT_EQ_INT(task(28)->deadline.then, TD_THEN_RECURRING);                      /* "và thường xuyên" */
    TT_EQ_INT(task(36)->deadline.then, TD_THEN_EVERY_YEAR);
    TT_EQ_STR(task(41)->leads[0].slug, "nhnn-tinh");   /* "Ngân hàng nhà nước tỉnh" */
    TT_EQ_STR(task(43)->leads[0].slug, "cuc-thue");    /* "Cục thuế tỉnh" */
    TT_EQ_STR(task(8)->leads[0].slug, "so-noi-vu");    /* "Sở Nội Vụ" */
    TT_EQ_STR(task(60)->lead_text, "Sở Giáo dục và Đào tạo");
    TT_EQ_STR(task(70)->lead_text, "Sở Văn hóa, Thể thao và Du lịch");
    TT_EQ_STR(task(74)->lead_text, "Sở Khoa học và Công nghệ");
    TT_EQ_STR(task(74)->partner_text, "Sở Tài chính và các Sở, ban, ngành, UBND các huyện, thị xã, thành phố");
    TT_EQ_STR(task(33)->partners[1].slug, "ubnd-tp-hai-duong");
    TT_EQ_STR(task(33)->partners[2].slug, "ubnd-chi-linh");
    TT_EQ_STR(task(48)->partners[1].slug, "c06-bca");
    TT_EQ_STR(task(81)->title, "Tham mưu xây dựng Kế hoạch hợp tác với các Tập đoàn dữ liệu, các Trung tâm dữ liệu lớn, "
                               "tổ chức quốc tế, Hiệp hội có liên quan tới dữ liệu để tham khảo kinh nghiệm, hợp tác "
                               "triển khai các mô hình, chuyển giao công nghệ cốt lõi, đào tạo nguồn nhân lực.");
    TT_EQ_INT(task(81)->deadline.month, 3);
    TT_EQ_STR(task(1)->deadline.text, "02/2025");
    TT_EQ_INT(task(1)->deadline.month, 2);
}

static void test_all_resolved(void)
{
    for (size_t i = 0; i < I.n; i++)
        fprintf(stderr, "unresolved: line %d task %d %s: \"%s\"\n", I.v[i].line, I.v[i].task,
                I.v[i].indicator ? I.v[i].indicator : "", I.v[i].text);
    TT_EQ_INT(I.n, 0);
    for (size_t i = 0; i < P.n_tasks; i++) {
        TT_CHECK(P.tasks[i].n_leads >= 1);
        TT_CHECK(P.tasks[i].n_partners >= 1);
        TT_CHECK(P.tasks[i].deadline.kind != TD_DEADLINE_NONE);
    }
}

int main(void)
{
    if (fixture_plan(&P, &R, &I)) return 1;
    TT_RUN(test_meta);
    TT_RUN(test_counts);
    TT_RUN(test_indicator_counts);
    TT_RUN(test_indicators);
    TT_RUN(test_task4_page_break);
    TT_RUN(test_task25_ocr);
    TT_RUN(test_task27_four_leads);
    TT_RUN(test_task30_conditional_split);
    TT_RUN(test_task34_compound_html);
    TT_RUN(test_task38_repeated_syllable);
    TT_RUN(test_task42_html_list);
    TT_RUN(test_task57_yearly_review);
    TT_RUN(test_task78_inline_html);
    TT_RUN(test_more_tasks);
    TT_RUN(test_all_resolved);
    td_plan_issues_free(&I);
    td_plan_free(&P);
    td_registry_free(&R);
    return tt_report();
}
