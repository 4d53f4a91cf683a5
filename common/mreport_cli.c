/*
 * mreport_cli.c — the options and the run of the monthly report, shared by
 * `tiendo-server report` (server/cmd_report.c) and `tiendo report-all`
 * (client/cmd_report_all.c): one parser and one writer, so the two
 * commands accept the same words and write the same bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "mreport.h"
#include "oserr.h"

/* Longest due-soon window accepted: a quarter's warning is already noise. */
#define TD_MR_DUE_SOON_MAX TD_STATUS_DUE_SOON_MAX

void td_mreport_args_init(td_mreport_args *a)
{
    memset(a, 0, sizeof *a);
    a->format = TD_MR_TEXT;
    td_mreport_opts_default(&a->opts);
}

static int td__int_arg(const char *s, int lo, int hi, int *out)
{
    char *e;
    long v;
    errno = 0;
    v = strtol(s, &e, 10);
    if (errno || e == s || *e || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

const td_cli_opt td_mreport_cli_opts[] = {
    {"period", required_argument, TD_MREPORT_OPT + 0, "MM/YYYY", "kỳ báo cáo (tháng), bắt buộc, ví dụ 2025-06"},
    {"as-of", required_argument, TD_MREPORT_OPT + 1, "dd/mm/yyyy",
     "ngày chốt số liệu (mặc định: ngày 23 của tháng báo cáo — ngày họp giao ban — hoặc hôm nay nếu hôm nay sớm "
     "hơn); biến môi trường TIENDO_TODAY=yyyymmdd thay hôm nay"},
    {"format", required_argument, TD_MREPORT_OPT + 2, "ĐỊNH_DẠNG",
     "text (màn hình, mặc định), csv (Excel/LibreOffice, UTF-8 có BOM) hoặc html (một tệp tự chứa, biểu đồ SVG, in "
     "khổ A4 ngang)"},
    {"out", required_argument, TD_MREPORT_OPT + 3, "TỆP", "ghi vào TỆP thay vì màn hình"},
    {"due-soon-days", required_argument, TD_MREPORT_OPT + 4, "N", "số ngày cảnh báo \"sắp đến hạn\" (mặc định 7)"},
    {"report-day", required_argument, TD_MREPORT_OPT + 5, "N", "ngày hạn nộp báo cáo trong tháng (mặc định 18)"},
    {"plan", required_argument, TD_MREPORT_OPT + 6, "SỐ",
     "chỉ một kế hoạch (số hiệu, ví dụ 245/KH-UBND, hoặc số ngắn 245); mặc định: mọi kế hoạch cùng lúc, mỗi nhiệm "
     "vụ ghi kèm kế hoạch (ví dụ 245:18)"},
    {NULL, 0, 0, NULL, NULL}};

int td_mreport_args_opt(td_mreport_args *a, const char *prog, int c, const char *v)
{
    {
        int k = c - TD_MREPORT_OPT;
        switch (k) {
        case 0:
            if (td_period_norm(v, a->period_buf)) {
                fprintf(stderr, "%s: kỳ \"%s\" không hợp lệ. Hãy ghi kỳ dạng MM/YYYY hoặc YYYY-MM, ví dụ --period "
                                "06/2025.\n",
                        prog, v);
                return -1;
            }
            a->period = a->period_buf;
            return 1;
        case 1:
            if (td_date_parse_vi(v, &a->as_of)) {
                fprintf(stderr, "%s: ngày \"%s\" không hợp lệ. Hãy ghi ngày dạng dd/mm/yyyy, ví dụ --as-of "
                                "23/06/2025.\n",
                        prog, v);
                return -1;
            }
            return 1;
        case 2:
            if (!(a->format = td_mreport_format_parse(v))) {
                fprintf(stderr, "%s: định dạng \"%s\" không có. Hãy chọn --format text, csv hoặc html.\n", prog, v);
                return -1;
            }
            return 1;
        case 3:
            if (!*v) {
                fprintf(stderr, "%s: --out cần tên tệp.\n", prog);
                return -1;
            }
            a->out = v;
            return 1;
        case 4:
            if (td__int_arg(v, 0, TD_MR_DUE_SOON_MAX, &a->opts.status.due_soon_days)) {
                fprintf(stderr, "%s: --due-soon-days phải là số ngày từ 0 đến %d (được \"%s\").\n", prog,
                        TD_MR_DUE_SOON_MAX, v);
                return -1;
            }
            a->due_soon_given = 1;
            return 1;
        case 5:
            if (td__int_arg(v, 1, 31, &a->opts.status.report_due_day)) {
                fprintf(stderr, "%s: --report-day phải là ngày từ 1 đến 31 (được \"%s\").\n", prog, v);
                return -1;
            }
            a->report_day_given = 1;
            return 1;
        case 6:
            a->plan = v;
            return 1;
        }
    }
    return 0;
}

int td_mreport_run(const td_state *st, const char *prog, const td_mreport_args *a)
{
    td_mreport r;
    td_mreport_opts opts;
    td_error err = {0};
    int as_of = a->as_of, today = td_mreport_today(), rc;
    char tmp[4096];
    FILE *f = stdout;

    if (!a->period) {
        fprintf(stderr, "%s: thiếu --period. Hãy ghi kỳ báo cáo, ví dụ --period 2025-06.\n", prog);
        return 2;
    }
    if (!as_of && td_mreport_default_as_of(a->period, today, &as_of, &err)) {
        char td[16];
        td_date_vi(today, td, sizeof td);
        fprintf(stderr, "%s: kỳ %s chưa bắt đầu (hôm nay là %s). Hãy chọn một kỳ đã qua hoặc kỳ hiện tại, hoặc ghi "
                        "ngày chốt số liệu bằng --as-of.\n",
                prog, a->period, td);
        return 2;
    }
    if (as_of < td_period_due(a->period, 1)) {
        char d[16];
        td_date_vi(as_of, d, sizeof d);
        fprintf(stderr, "%s: ngày chốt số liệu %s trước khi kỳ %s bắt đầu. Hãy chọn --as-of trong hoặc sau kỳ.\n",
                prog, d, a->period);
        return 2;
    }
    if (!st || !td_state_has_plan(st)) {
        fprintf(stderr, "%s: sổ nhật ký chưa có kế hoạch nên chưa lập được báo cáo. Hãy nhập kế hoạch trước "
                        "(tiendo-server plan import) hoặc đồng bộ (tiendo sync).\n",
                prog);
        return 1;
    }
    opts = a->opts;
    if (a->plan) {
        int k = td_state_plan_find(st, a->plan);
        if (k < 0) {
            fprintf(stderr, "%s: không có kế hoạch \"%s\". Các kế hoạch:", prog, a->plan);
            for (size_t i = 0; i < td_state_plan_count(st); i++)
                fprintf(stderr, "%s %s", i ? "," : "", td_state_plan_at(st, i)->number);
            fprintf(stderr, ".\n");
            return 2;
        }
        opts.plan = k + 1;
    }
    if ((rc = td_mreport_build(st, a->period, as_of, &opts, &r, &err))) {
        fprintf(stderr, "%s: không lập được báo cáo: %s (%s).\n", prog, td_err_vi(rc), err.msg);
        return 1;
    }
    if (a->out) {
        snprintf(tmp, sizeof tmp, "%s.tmp%ld", a->out, (long)getpid());
        if (!(f = fopen(tmp, "wb"))) {
            fprintf(stderr, "%s: không ghi được tệp %s: %s. Hãy kiểm tra thư mục và quyền ghi.\n", prog, a->out,
                    td_errno_vi_log(errno, tmp));
            td_mreport_free(&r);
            return 1;
        }
    }
    rc = td_mreport_render(&r, a->format, f);
    td_mreport_free(&r);
    if (a->out) {
        if (fflush(f) || ferror(f)) rc = TD_EIO;
        if (fclose(f)) rc = TD_EIO;
        if (!rc && rename(tmp, a->out)) rc = TD_EIO;
        if (rc) {
            fprintf(stderr, "%s: không ghi được tệp %s: %s.\n", prog, a->out, td_errno_vi_log(errno, a->out));
            unlink(tmp);
            return 1;
        }
    } else if (fflush(stdout) || rc) {
        fprintf(stderr, "%s: lỗi khi ghi báo cáo ra màn hình.\n", prog);
        return 1;
    }
    return 0;
}
