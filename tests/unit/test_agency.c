/* test_agency.c — the registry: aliases, groups, cells, and history
 * (rename, merge, split) with the tasks of 726 following their agencies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_fixture.h"
#include "plan_csv.h"
#include "tt.h"
#include "utf8.h"

static td_registry R;

static const char *look(const char *name, int *group)
{
    int g = -1;
    const char *s = td_registry_lookup(&R, name, &g);
    if (group) *group = g;
    return s;
}

static void test_builtin(void)
{
    int g;
    /* the plan's agencies in early 2025: 12 departments, 9 other provincial bodies, 12 districts */
    size_t k[5] = {0};
    for (size_t i = 0; i < R.n_agencies; i++) k[R.agencies[i].kind]++;
    TT_EQ_INT(k[TD_AGENCY_DEPT], 12);
    TT_EQ_INT(k[TD_AGENCY_PROVINCIAL], 9);
    TT_EQ_INT(k[TD_AGENCY_DISTRICT], 12);
    TT_CHECK(k[TD_AGENCY_CENTRAL] >= 1);
    TT_EQ_STR(look("Sở KH&CN", &g), "so-khcn");
    TT_EQ_INT(g, 0);
    TT_EQ_STR(look("sở kh & cn", NULL), "so-khcn");
    TT_EQ_STR(look("SỞ KHOA HỌC VÀ CÔNG NGHỆ", NULL), "so-khcn");
    TT_EQ_STR(look("Sở Khoa học và Công nghe", NULL), "so-khcn");
    TT_EQ_STR(look("Sở GD&ĐT", NULL), "so-gddt");
    TT_EQ_STR(look("Cục thuế tỉnh", NULL), "cuc-thue");
    TT_EQ_STR(look("Sở Văn hoá, Thể thao và Du lịch", NULL), "so-vhttdl");   /* old tone placement */
    TT_EQ_STR(look("Sở Văn hóa, Thể thao và Du lịch", NULL), "so-vhttdl");
    TT_EQ_STR(look("Đài phát thanh – truyền hình tỉnh", NULL), "dai-ptth");
    TT_EQ_STR(look("TX Kinh Môn", NULL), "ubnd-kinh-mon");
    TT_EQ_STR(look("so-y-te", NULL), "so-y-te");   /* a slug names itself */
    TT_EQ_STR(look("Các sở, ban, ngành", &g), "so-ban-nganh");
    TT_EQ_INT(g, 1);
    TT_CHECK(look("Sở Khoa học", NULL) == NULL);   /* no prefix guessing */
    TT_CHECK(look("Sở Công nghệ", NULL) == NULL);
}

static void test_nfd(void)
{
    /* "Sở Y tế" typed in NFD: o + horn + hook, e + circumflex + acute */
    const char *nfd = "So\xcc\x9b\xcc\x89 Y te\xcc\x82\xcc\x81";
    char *c = td_vi_nfc(nfd);
    TT_EQ_STR(c, "Sở Y tế");
    free(c);
    TT_EQ_STR(look(nfd, NULL), "so-y-te");
}

static void test_cells(void)
{
    td_agency_ref *r;
    td_unresolved *u;
    size_t nr, nu;
    TT_EQ_INT(td_registry_resolve_cell(&R, "Sở Khoa học và Công nghệ và các đơn vị liên quan", &r, &nr, &u, &nu), 0);
    TT_EQ_INT(nr, 2);
    TT_EQ_INT(nu, 0);
    TT_EQ_STR(r[0].slug, "so-khcn");
    TT_EQ_STR(r[1].slug, "lien-quan");
    TT_EQ_STR(r[1].text, "các đơn vị liên quan");
    td_agency_refs_free(r, nr);
    td_unresolved_free(u, nu);
    TT_EQ_INT(td_registry_resolve_cell(&R, "Sở Y tế, Sở Phép Thuật và Bùa Chú; Công an tỉnh", &r, &nr, &u, &nu), 0);
    TT_EQ_INT(nr, 2);
    TT_EQ_INT(nu, 1);
    TT_EQ_STR(u[0].text, "Sở Phép Thuật và Bùa Chú");
    td_agency_refs_free(r, nr);
    td_unresolved_free(u, nu);
}

static void test_groups_expand(void)
{
    td_agency_ref all = {"tat-ca", 1, NULL}, dp = {"dia-phuong", 1, NULL}, lq = {"lien-quan", 1, NULL};
    const char **v;
    size_t n;
    TT_EQ_INT(td_registry_expand(&R, &all, 20250301, 0, &v, &n), 0);
    TT_EQ_INT(n, 33);   /* 12 + 9 + 12: central bodies are not "các sở, ban, ngành, địa phương" */
    free(v);
    TT_EQ_INT(td_registry_expand(&R, &dp, 20250301, 0, &v, &n), 0);
    TT_EQ_INT(n, 12);
    free(v);
    TT_EQ_INT(td_registry_expand(&R, &lq, 20250301, 0, &v, &n), 0);
    TT_EQ_INT(n, 0);
    free(v);
}

static void test_aliases_added(void)
{
    td_error e = {0};
    TT_CHECK(look("Sở Phép Thuật", NULL) == NULL);
    TT_EQ_INT(td_registry_add_alias(&R, "Sở Phép Thuật", "so-khcn", &e), 0);
    TT_EQ_STR(look("sở phép thuật", NULL), "so-khcn");
    TT_EQ_INT(td_registry_add_alias(&R, "Sở Phép Thuật", "so-y-te", &e), TD_EEXISTS);
    TT_EQ_INT(td_registry_add_alias(&R, "X", "khong-co", &e), TD_ENOTFOUND);
    TT_EQ_STR(td_error_vi(&e), "tên \"X\": không có cơ quan hay nhóm nào mã khong-co");
}

/* An alias file's error names the file and the line, in both parts. */
static void test_alias_file_errors(void)
{
    char path[] = "/tmp/tiendo-alias-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    td_error e = {0};
    TT_CHECK(fd >= 0);
    if (fd < 0) return;
    f = fdopen(fd, "w");
    fputs("# tên = mã\nSở Phép Thuật Mới = so-khcn\nSở Ma = khong-co\n", f);
    fclose(f);
    TT_EQ_INT(td_registry_load_aliases(&R, path, &e), TD_ENOTFOUND);
    TT_CHECK(strstr(e.msg, ":3: alias \"Sở Ma\": no agency or group khong-co | ") != NULL);
    TT_CHECK(strstr(td_error_vi(&e), ":3: tên \"Sở Ma\": không có cơ quan hay nhóm nào mã khong-co") != NULL);
    TT_CHECK(!strncmp(td_error_vi(&e), path, strlen(path)));
    f = fopen(path, "w");
    fputs("Sở Ma khong-co\n", f);
    fclose(f);
    TT_EQ_INT(td_registry_load_aliases(&R, path, &e), TD_EPARSE);
    TT_CHECK(strstr(td_error_vi(&e), ":1: thiếu dấu =, cần dạng \"tên trong văn bản = mã\"") != NULL);
    remove(path);
}

/* Tasks of plan p whose lead is `slug` today-through-successors on date d. */
static size_t tasks_led_by(const td_plan *p, const char *slug, int d)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_tasks; i++)
        for (size_t k = 0; k < p->tasks[i].n_leads; k++) {
            const td_agency_ref *r = &p->tasks[i].leads[k];
            const char *resp = r->group ? NULL : td_registry_responsible(&R, r->slug, d, p->tasks[i].number);
            if (resp && !strcmp(resp, slug)) {
                n++;
                break;
            }
        }
    return n;
}

static void test_history(void)
{
    td_plan p;
    td_registry r2;
    td_plan_issues is = {0};
    td_error e = {0};
    size_t khcn, tc, xd, yte;
    char *mf[] = {"so-tai-chinh", "so-xay-dung"};
    td_agency rn_to = {"so-khcn-hp", "Sở Khoa học và Công nghệ thành phố Hải Phòng", 0, 0, 0};
    td_agency mg_to = {"so-tc-xd", "Sở Tài chính và Xây dựng", 0, 0, 0};
    td_agency sp_to[] = {{"so-y-te-a", "Sở Y tế A", 0, 0, 0}, {"so-y-te-b", "Sở Y tế B", 0, 0, 0}};
    td_task_assign asg[] = {{49, "so-y-te-b"}};
    char *rn_from[] = {"so-khcn"}, *sp_from[] = {"so-y-te"};
    td_agency_change rn = {TD_CHANGE_RENAME, 20250701, rn_from, 1, &rn_to, 1, NULL, 0, NULL, NULL};
    td_agency_change mg = {TD_CHANGE_MERGE, 20250801, mf, 2, &mg_to, 1, NULL, 0, NULL, NULL};
    td_agency_change sp = {TD_CHANGE_SPLIT, 20250901, sp_from, 1, sp_to, 2, asg, 1, NULL, NULL};

    if (fixture_plan(&p, &r2, &is)) exit(1);
    td_registry_free(&r2);
    td_plan_issues_free(&is);
    khcn = tasks_led_by(&p, "so-khcn", 20250301);
    tc = tasks_led_by(&p, "so-tai-chinh", 20250301);
    xd = tasks_led_by(&p, "so-xay-dung", 20250301);
    yte = tasks_led_by(&p, "so-y-te", 20250301);
    TT_EQ_INT(khcn, 24);   /* Appendix II: 1-3, 25, 26, 32, 35-39, 46, 53, 61-66, 74, 75, 79-81 */
    TT_EQ_INT(tc, 14);    /* 12-15, 24, 30, 31, 57-59, 73, 76-78 */
    TT_EQ_INT(xd, 3);     /* 33, 34, 40 */
    TT_EQ_INT(yte, 5);    /* 27, 47-49, 68 */

    /* rename */
    TT_EQ_INT(td_registry_apply(&R, &rn, &e), 0);
    TT_EQ_INT(tasks_led_by(&p, "so-khcn-hp", 20250701), khcn);
    TT_EQ_INT(tasks_led_by(&p, "so-khcn", 20250701), 0);
    TT_EQ_INT(tasks_led_by(&p, "so-khcn", 20250630), khcn);   /* before the change: the old agency */
    TT_EQ_STR(td_registry_agency(&R, "so-khcn")->name, "Sở Khoa học và Công nghệ");   /* name kept */
    TT_EQ_INT(td_registry_agency(&R, "so-khcn")->valid_to, 20250701);
    TT_EQ_STR(td_plan_task(&p, 25)->lead_text, "Sở Khoa học và Công nghe");   /* the plan's wording kept */
    TT_EQ_STR(td_plan_task(&p, 25)->leads[0].slug, "so-khcn");
    /* the old name still resolves to the old agency */
    TT_EQ_STR(look("Sở KH&CN", NULL), "so-khcn");

    /* merge */
    TT_EQ_INT(td_registry_apply(&R, &mg, &e), 0);
    TT_EQ_INT(tasks_led_by(&p, "so-tc-xd", 20250801), tc + xd);
    TT_EQ_STR(td_registry_agency(&R, "so-xay-dung")->name, "Sở Xây dựng");
    TT_EQ_STR(td_registry_responsible(&R, "so-xay-dung", 20260101, 40), "so-tc-xd");

    /* split: task 49 assigned, the others to the first successor */
    TT_EQ_INT(td_registry_apply(&R, &sp, &e), 0);
    TT_EQ_INT(tasks_led_by(&p, "so-y-te-b", 20250901), 1);
    TT_EQ_INT(tasks_led_by(&p, "so-y-te-a", 20250901), yte - 1);
    TT_EQ_STR(td_registry_responsible(&R, "so-y-te", 20250901, 49), "so-y-te-b");
    TT_EQ_STR(td_registry_responsible(&R, "so-y-te", 20250901, 47), "so-y-te-a");

    /* a chain: rename the successor again; old tasks still reach the newest */
    {
        td_agency to2 = {"so-khcn-hp2", "Sở Khoa học, Công nghệ và Đổi mới sáng tạo", 0, 0, 0};
        char *f2[] = {"so-khcn-hp"};
        td_agency_change rn2 = {TD_CHANGE_RENAME, 20260101, f2, 1, &to2, 1, NULL, 0, NULL, NULL};
        TT_EQ_INT(td_registry_apply(&R, &rn2, &e), 0);
        TT_EQ_INT(tasks_led_by(&p, "so-khcn-hp2", 20260101), khcn);
        TT_EQ_INT(tasks_led_by(&p, "so-khcn-hp", 20251231), khcn);
    }

    /* refused changes leave the registry as it was */
    {
        size_t na = R.n_agencies, nc = R.n_changes;
        td_agency dup = {"so-noi-vu", "Trùng", 0, 0, 0};
        char *f3[] = {"so-khcn"}, *f4[] = {"so-tu-phap"};
        td_agency_change again = {TD_CHANGE_RENAME, 20260201, f3, 1, &dup, 1, NULL, 0, NULL, NULL};
        td_agency_change exists = {TD_CHANGE_RENAME, 20260201, f4, 1, &dup, 1, NULL, 0, NULL, NULL};
        td_task_assign bad[] = {{1, "so-noi-vu"}};
        td_agency two[] = {{"a-1", "A1", 0, 0, 0}, {"a-2", "A2", 0, 0, 0}};
        td_agency_change badsplit = {TD_CHANGE_SPLIT, 20260201, f4, 1, two, 2, bad, 1, NULL, NULL};
        TT_EQ_INT(td_registry_apply(&R, &again, &e), TD_EARG);          /* so-khcn already ended */
        TT_EQ_INT(td_registry_apply(&R, &exists, &e), TD_EEXISTS);      /* rename onto an existing slug */
        TT_EQ_INT(td_registry_apply(&R, &badsplit, &e), TD_EARG);       /* assignment to a non-successor */
        TT_EQ_INT(R.n_agencies, na);
        TT_EQ_INT(R.n_changes, nc);
    }
    td_plan_free(&p);
}

/* 2025: absorption into an existing agency, new communes, the province's new
 * issuer, and the registry as CSV. */
static void test_2025(void)
{
    td_registry r;
    td_error e = {0};
    char *gl[] = {"ubnd-gia-loc"}, *gd[] = {"so-gddt"}, *self[] = {"so-gddt", "so-noi-vu"};
    td_agency hd = {"ubnd-tp-hai-duong", "UBND thành phố Hải Dương", 0, 0, 0};
    td_agency nv = {"so-noi-vu", "Sở Nội vụ", 0, 0, 0};
    td_agency nw = {"so-moi", "Sở Mới", 0, 0, 0};
    td_agency xa[] = {{"xa-gia-loc", "Xã Gia Lộc", TD_AGENCY_COMMUNE, 0, 0},
                      {"dac-khu-bach-long-vi", "Đặc khu Bạch Long Vĩ", TD_AGENCY_COMMUNE, 0, 0}};
    td_agency nokind = {"xa-khong-loai", "Xã Không Loại", 0, 0, 0};
    td_agency_change absorb = {TD_CHANGE_MERGE, 20250701, gl, 1, &hd, 1, NULL, 0, NULL, NULL};
    td_agency_change absorb2 = {TD_CHANGE_MERGE, 20250301, gd, 1, &nv, 1, NULL, 0, NULL, NULL};
    td_agency_change selfm = {TD_CHANGE_MERGE, 20250301, self, 2, &nv, 1, NULL, 0, NULL, NULL};
    td_agency_change onenew = {TD_CHANGE_MERGE, 20250301, gd, 1, &nw, 1, NULL, 0, NULL, NULL};
    td_agency_change add = {TD_CHANGE_ADD, 20250701, NULL, 0, xa, 2, NULL, 0, NULL, NULL};
    td_agency_change addbad = {TD_CHANGE_ADD, 20250701, NULL, 0, &nokind, 1, NULL, 0, NULL, NULL};
    td_agency_change iss = {TD_CHANGE_ISSUER, 20250701, NULL, 0, NULL, 0, NULL, 0, "UBND thành phố Hải Phòng", NULL};
    const char *ref_slugs[] = {"dia-phuong"};
    td_agency_ref ref = {(char *)ref_slugs[0], 1, (char *)"Các địa phương"};
    const char **v;
    size_t nv2, nrows;
    char *csv;
    size_t ncsv;
    td_agency *rows;
    int found = 0;

    if (td_registry_init_builtin(&r, &e)) exit(1);
    /* absorption: one old agency into an existing one, which continues */
    TT_EQ_INT(td_registry_apply(&r, &absorb, &e), 0);
    TT_EQ_INT(td_registry_agency(&r, "ubnd-gia-loc")->valid_to, 20250701);
    TT_EQ_INT(td_registry_agency(&r, "ubnd-tp-hai-duong")->valid_to, 0);
    TT_EQ_STR(td_registry_responsible(&r, "ubnd-gia-loc", 20250701, 1), "ubnd-tp-hai-duong");
    TT_EQ_STR(td_registry_responsible(&r, "ubnd-gia-loc", 20250630, 1), "ubnd-gia-loc");
    /* the target named among the old ones is refused with a Vietnamese reason */
    TT_EQ_INT(td_registry_apply(&r, &selfm, &e), TD_EARG);
    TT_CHECK(strstr(e.msg, "vừa ngừng vừa kế nhiệm") != NULL);
    /* one old agency into a NEW one is a rename, not a merge */
    TT_EQ_INT(td_registry_apply(&r, &onenew, &e), TD_EARG);
    TT_CHECK(strstr(e.msg, "rename") != NULL);
    TT_EQ_INT(td_registry_apply(&r, &absorb2, &e), 0);
    TT_EQ_STR(td_registry_responsible(&r, "so-gddt", 20250301, 27), "so-noi-vu");
    /* new communes, with their kind; a new agency without a kind is refused */
    TT_EQ_INT(td_registry_apply(&r, &addbad, &e), TD_EARG);
    TT_EQ_INT(td_registry_apply(&r, &add, &e), 0);
    TT_EQ_INT(td_registry_agency(&r, "xa-gia-loc")->kind, TD_AGENCY_COMMUNE);
    TT_EQ_INT(td_registry_agency(&r, "xa-gia-loc")->valid_from, 20250701);
    TT_EQ_STR(td_agency_kind_vi(TD_AGENCY_COMMUNE), "xã, phường, đặc khu");
    TT_EQ_INT(td_agency_kind_parse("commune"), TD_AGENCY_COMMUNE);
    TT_EQ_INT(td_agency_kind_parse("Xã, phường, đặc khu"), TD_AGENCY_COMMUNE);
    TT_EQ_INT(td_agency_kind_parse("org"), TD_AGENCY_ORG);
    TT_EQ_INT(td_agency_kind_parse("xa"), -1);
    /* "Các địa phương" after 01/07/2025: the communes */
    TT_EQ_INT(td_registry_expand(&r, &ref, 20250701, 1, &v, &nv2), 0);
    for (size_t i = 0; i < nv2; i++)
        if (!strcmp(v[i], "xa-gia-loc")) found = 1;
    TT_CHECK(found);
    free(v);
    /* a district's successor after the district level ended is a commune-level unit */
    {
        char *cl[] = {"ubnd-chi-linh"};
        td_agency pcl = {"phuong-chi-linh", "Phường Chí Linh", 0, 0, 0};
        td_agency_change rn = {TD_CHANGE_RENAME, 20250701, cl, 1, &pcl, 1, NULL, 0, NULL, NULL};
        TT_EQ_INT(td_registry_apply(&r, &rn, &e), 0);
        TT_EQ_INT(td_registry_agency(&r, "phuong-chi-linh")->kind, TD_AGENCY_COMMUNE);
    }
    /* what an ended agency's device is told; predecessors followed */
    {
        char note[1024];
        TT_EQ_INT(td_registry_ended_note(&r, "ubnd-gia-loc", 20250630, note, sizeof note), 0);
        TT_EQ_INT(td_registry_ended_note(&r, "ubnd-tp-hai-duong", 20250801, note, sizeof note), 0);
        TT_EQ_INT(td_registry_ended_note(&r, "ubnd-gia-loc", 20250701, note, sizeof note), 1);
        TT_CHECK(strstr(note, "ubnd-gia-loc (UBND huyện Gia Lộc) không còn từ ngày 01/07/2025: đã được sáp nhập vào "
                              "UBND thành phố Hải Dương (ubnd-tp-hai-duong)") != NULL);
        TT_CHECK(strstr(note, "đề nghị Sở Khoa học và Công nghệ cấp chứng thư của ubnd-tp-hai-duong") != NULL);
        TT_EQ_INT(td_registry_is_predecessor(&r, "ubnd-gia-loc", "ubnd-tp-hai-duong"), 1);
        TT_EQ_INT(td_registry_is_predecessor(&r, "ubnd-tp-hai-duong", "ubnd-gia-loc"), 0);
        TT_EQ_INT(td_registry_is_predecessor(&r, "so-gddt", "so-noi-vu"), 1);
        TT_EQ_INT(td_registry_is_predecessor(&r, "so-noi-vu", "so-noi-vu"), 0);
        TT_EQ_INT(td_agency_slug_near("so-yte", "so-y-te"), 1);
        TT_EQ_INT(td_agency_slug_near("so-y-te", "so-y-te"), 0);
        TT_EQ_INT(td_agency_slug_near("so-yt", "so-y-te"), 0);
    }
    /* the province's new name from 01/07/2025 */
    TT_EQ_STR(td_registry_issuer(&r, 20250630, "UBND tỉnh Hải Dương"), "UBND tỉnh Hải Dương");
    TT_EQ_INT(td_registry_apply(&r, &iss, &e), 0);
    TT_EQ_STR(td_registry_issuer(&r, 20250701, "UBND tỉnh Hải Dương"), "UBND thành phố Hải Phòng");
    TT_EQ_STR(td_registry_issuer(&r, 20250630, "UBND tỉnh Hải Dương"), "UBND tỉnh Hải Dương");
    /* export, then read back: every agency, with kind and start */
    TT_EQ_INT(td_csv_export_registry(&r, &csv, &ncsv), 0);
    TT_EQ_INT(td_csv_import_agencies(csv, ncsv, "reg.csv", &rows, &nrows, &e), 0);
    TT_EQ_INT(nrows, r.n_agencies);
    for (size_t i = 0; i < nrows; i++)
        if (!strcmp(rows[i].slug, "dac-khu-bach-long-vi")) {
            TT_EQ_INT(rows[i].kind, TD_AGENCY_COMMUNE);
            TT_EQ_INT(rows[i].valid_from, 20250701);
        }
    td_csv_agencies_free(rows, nrows);
    free(csv);
    {
        static const char bad1[] = "Mã,Tên,Loại\nxa-a,Xã A,commune\nxa-a,Xã A2,commune\n";
        static const char bad2[] = "Mã;Tên;Loại;Từ ngày\nxa-a;Xã A;làng;01/07/2025\n";
        static const char bad3[] = "Mã,Tên,Loại,Từ ngày\nXa A,Xã A,commune,01/07/2025\n";
        static const char ok[] = "\xEF\xBB\xBFMã;Tên;Loại;Từ ngày\r\nxa-a;Xã A;commune;01/07/2025\r\n";
        TT_EQ_INT(td_csv_import_agencies(bad1, sizeof bad1 - 1, "a.csv", &rows, &nrows, &e), TD_EPARSE);
        TT_CHECK(strstr(e.msg, "a.csv:3:") != NULL);
        TT_EQ_INT(td_csv_import_agencies(bad2, sizeof bad2 - 1, "b.csv", &rows, &nrows, &e), TD_EPARSE);
        TT_CHECK(strstr(e.msg, "b.csv:2: loại") != NULL);
        TT_EQ_INT(td_csv_import_agencies(bad3, sizeof bad3 - 1, "c.csv", &rows, &nrows, &e), TD_EPARSE);
        TT_EQ_INT(td_csv_import_agencies(ok, sizeof ok - 1, "d.csv", &rows, &nrows, &e), 0);
        TT_EQ_INT(nrows, 1);
        TT_EQ_STR(rows[0].name, "Xã A");
        td_csv_agencies_free(rows, nrows);
    }
    td_registry_free(&r);
}

int main(void)
{
    td_error e = {0};
    if (td_registry_init_builtin(&R, &e)) return 1;
    TT_RUN(test_builtin);
    TT_RUN(test_nfd);
    TT_RUN(test_cells);
    TT_RUN(test_groups_expand);
    TT_RUN(test_aliases_added);
    TT_RUN(test_alias_file_errors);
    TT_RUN(test_history);
    TT_RUN(test_2025);
    td_registry_free(&R);
    return tt_report();
}
