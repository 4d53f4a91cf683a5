/*
 * cmd_central.c — what only central (Sở KH&CN, a device with a central
 * certificate) writes (docs/ARCHITECTURE.md §1; docs/LOG.md §2):
 *   tiendo review N     accept or return the current report of (N, agency,
 *                       period) — ReviewPayload naming the report's author
 *                       and seq, so the review belongs to exactly that entry;
 *   tiendo condition N  record that a conditional deadline's condition is met
 *                       (ConditionPayload), with the month it is now due;
 *   tiendo extend N     change a task's deadline (gia hạn) with a reason:
 *                       ENTRY_PLAN with PlanChange{reason, deadlines} and no
 *                       plan (proto/plan.proto).
 * Like the office's reports, these are signed entries queued in the outbox
 * and sent by `tiendo sync`: central can work offline too.  The checks here
 * are for the person at the keyboard (a clear message now rather than a
 * refusal in the log later); the fold (common/derive.c) is the authority and
 * checks everything again.  Text is normalised to NFC before it is signed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "report_entry.h"
#include "deadline.h"
#include "derive.h"
#include "entry.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "status.h"
#include "utf8.h"

/* Longest comment, reason or note: a paragraph or two; a page is a mistake. */
#define TDC_CENTRAL_TEXT_MAX 4096

/*
 * Validate and normalise one text argument: UTF-8, bounded, NFC, blanks
 * trimmed.  *out is malloc'd (caller frees).  Prints the message and
 * returns 0 when it is not acceptable.
 */
static int tdc__text(const char *cmd, const char *opt, const char *s, char **out)
{
    size_t n = strlen(s);
    char *nfc;
    *out = NULL;
    if (n > TDC_CENTRAL_TEXT_MAX) {
        fprintf(stderr, "tiendo %s: %s dài quá %d byte. Hãy viết ngắn lại.\n", cmd, opt, TDC_CENTRAL_TEXT_MAX);
        return 0;
    }
    if (!td_utf8_valid(s, n, NULL)) {
        fprintf(stderr, "tiendo %s: %s không phải văn bản UTF-8 hợp lệ. Hãy kiểm tra bảng mã của thiết bị.\n",
                cmd, opt);
        return 0;
    }
    if (!(nfc = td_vi_nfc(s))) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_err_vi(TD_ENOMEM));
        return 0;
    }
    /* td_trim works in place and returns a pointer inside the buffer */
    {
        char *t = td_trim(nfc);
        if (t != nfc) memmove(nfc, t, strlen(t) + 1);
    }
    *out = nfc;
    return 1;
}

/* Open the context; refuse devices that are not central; require a plan. */
static int tdc__open_central(tdc_ctx *c, const char *dir, const char *cmd, const char *what_vi)
{
    if (tdc_ctx_open(c, dir, cmd)) return 1;
    if (c->id.subject.role != TD_ROLE_CENTRAL) {
        fprintf(stderr, "tiendo %s: chỉ thiết bị của Sở Khoa học và Công nghệ (chứng thư vai trò trung tâm) được %s; "
                        "thiết bị này (%s/%s) có vai trò %s. Hãy thực hiện trên thiết bị của Sở KH&CN.\n",
                cmd, what_vi, c->id.subject.agency, c->id.subject.device, td_role_vi(c->id.subject.role));
        tdc_ctx_close(c);
        return 1;
    }
    if (!td_state_has_plan(tdc_replica_state(c->rep))) {
        fprintf(stderr, "tiendo %s: bản sao trên thiết bị chưa có kế hoạch. Hãy đồng bộ trước: tiendo sync\n", cmd);
        tdc_ctx_close(c);
        return 1;
    }
    return 0;
}

/* The task number argument. */
static int tdc__task_arg(const char *cmd, int argc, char **argv, long *num)
{
    char *end;
    if (optind >= argc) {
        tdc_usage_err(cmd, "thiếu số thứ tự nhiệm vụ", NULL);
        return 0;
    }
    *num = strtol(argv[optind], &end, 10);
    if (*end || end == argv[optind] || *num < 1 || *num > TD_PLAN_TASK_NUMBER_MAX) {
        tdc_usage_err(cmd, "số thứ tự nhiệm vụ phải là số nguyên dương: ", argv[optind]);
        return 0;
    }
    if (optind + 1 < argc) {
        td_cli_extra("tiendo", cmd, argv[optind + 1]);
        return 0;
    }
    return 1;
}

static const td_task *tdc__task(tdc_ctx *c, const char *cmd, long num)
{
    const td_plan *plan = td_state_plan(tdc_replica_state(c->rep));
    const td_task *t = td_plan_task(plan, (int)num);
    if (!t)
        fprintf(stderr, "tiendo %s: nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). "
                        "Hãy kiểm tra số thứ tự (TT): tiendo tasks --all\n",
                cmd, num, plan->number ? plan->number : "", plan->n_tasks);
    return t;
}

/* Sign and queue one entry in the outbox (tdc_queue_entry) and say so.
 * Returns the exit code. */
static int tdc__queue(tdc_ctx *c, const char *cmd, int kind, const uint8_t *payload, size_t len,
                      const char *summary, const char *what_vi)
{
    uint64_t seq;
    if (tdc_queue_entry(c, cmd, kind, payload, len, summary, &seq)) return 1;
    printf("Đã ghi %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). Số thứ tự của thiết bị: %llu.\n", what_vi,
           (unsigned long long)seq);
    return 0;
}

/* Pack a protobuf message into a new buffer (NULL on OOM). */
static uint8_t *tdc__pack(const ProtobufCMessage *m, size_t *len)
{
    uint8_t *buf;
    *len = protobuf_c_message_get_packed_size(m);
    if (!(buf = malloc(*len ? *len : 1))) return NULL;
    protobuf_c_message_pack(m, buf);
    return buf;
}

static int tdc__queue_msg(tdc_ctx *c, const char *cmd, int kind, const ProtobufCMessage *m, const char *summary,
                          const char *what_vi)
{
    size_t len;
    uint8_t *buf = tdc__pack(m, &len);
    int rc;
    if (!buf) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_err_vi(TD_ENOMEM));
        return 1;
    }
    rc = tdc__queue(c, cmd, kind, buf, len, summary, what_vi);
    free(buf);
    return rc;
}

/* ---- tiendo review ------------------------------------------------------- */

static void tdc__review_usage(FILE *f)
{
    fputs("Cách dùng: tiendo review SỐ --agency MÃ --period MM/YYYY (--accept | --return \"lý do\")\n"
          "                     [--comment VĂN_BẢN] [--dir THƯ_MỤC]\n"
          "\n"
          "Thẩm định báo cáo hiện hành của một cơ quan về một nhiệm vụ trong một kỳ: chấp nhận, hoặc trả\n"
          "lại kèm lý do (cơ quan sẽ thấy lý do ở lần đồng bộ sau). Chỉ thiết bị của Sở KH&CN (vai trò\n"
          "trung tâm). Ý kiến được ký và ghi vào hộp thư đi; gửi bằng tiendo sync.\n"
          "\n"
          "  SỐ                 số thứ tự (TT) của nhiệm vụ\n"
          "  --agency MÃ        mã cơ quan đã báo cáo, ví dụ so-khcn\n"
          "  --period MM/YYYY   kỳ báo cáo\n"
          "  --accept           chấp nhận báo cáo (báo cáo \"đã hoàn thành\" được chấp nhận thì nhiệm vụ\n"
          "                     được tính là hoàn thành)\n"
          "  --return LÝ_DO     trả lại báo cáo; lý do là bắt buộc\n"
          "  --comment VB       ý kiến thêm\n"
          "  --dir DIR          thư mục thiết bị\n"
          "\n"
          "Báo cáo phải có trong bản sao (đồng bộ trước: tiendo sync); ý kiến gắn với đúng phiên bản báo\n"
          "cáo đó — nếu cơ quan gửi phiên bản mới, phiên bản mới cần được thẩm định lại.\n"
          "Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n",
          f);
}

int tdc_cmd_review(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"agency", required_argument, 0, 'a'},
                                         {"period", required_argument, 0, 'p'},
                                         {"accept", no_argument, 0, 'A'},
                                         {"return", required_argument, 0, 'R'},
                                         {"comment", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "review";
    const char *dir = NULL, *agency = NULL, *period = NULL, *ret_s = NULL, *comment_s = NULL;
    char period_buf[8];
    int accept = 0, opt, rc, y, m;
    long num = 0;
    char *reason = NULL, *comment = NULL, *text = NULL;
    char pvi[16];
    const td_report *r;
    const td_state *st;
    tdc_ctx c;

    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'a': agency = optarg; break;
        case 'p': period = optarg; break;
        case 'A': accept = 1; break;
        case 'R': ret_s = optarg; break;
        case 'c': comment_s = optarg; break;
        case 'h': tdc__review_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "review", opt, argv);
        }
    }
    if (!tdc__task_arg(cmd, argc, argv, &num)) return 2;
    if (!agency || !*agency) return tdc_usage_err(cmd, "thiếu --agency (mã cơ quan đã báo cáo)", NULL);
    if (strlen(agency) > TD_AGENCY_MAX) return tdc_usage_err(cmd, "mã cơ quan quá dài: ", agency);
    if (!period) return tdc_usage_err(cmd, "thiếu --period", NULL);
    if (td_period_norm(period, period_buf) || td_period_parse(period_buf, &y, &m))
        return tdc_usage_err(cmd, "--period phải có dạng MM/YYYY hoặc YYYY-MM: ", period);
    period = period_buf;
    if (accept && ret_s) return tdc_usage_err(cmd, "chỉ chọn một trong --accept và --return", NULL);
    if (!accept && !ret_s) return tdc_usage_err(cmd, "cần --accept (chấp nhận) hoặc --return \"lý do\" (trả lại)", NULL);
    if (ret_s && !tdc__text(cmd, "--return", ret_s, &reason)) return 2;
    if (reason && !*reason) {
        free(reason);
        return tdc_usage_err(cmd, "trả lại báo cáo cần lý do: --return \"lý do\" không được để trống", NULL);
    }
    if (comment_s && !tdc__text(cmd, "--comment", comment_s, &comment)) {
        free(reason);
        return 2;
    }
    /* the signed comment: the reason for a return, then the remark */
    if (reason && comment && *comment) {
        size_t n = strlen(reason) + strlen(comment) + 3;
        if ((text = malloc(n))) snprintf(text, n, "%s. %s", reason, comment);
    } else {
        text = strdup(reason ? reason : comment ? comment : "");
    }
    free(reason);
    free(comment);
    if (!text) {
        fprintf(stderr, "tiendo review: %s\n", td_err_vi(TD_ENOMEM));
        return 1;
    }

    if (tdc__open_central(&c, dir, cmd, "thẩm định báo cáo")) {
        free(text);
        return 1;
    }
    st = tdc_replica_state(c.rep);
    tdc_period_vi(period, pvi, sizeof pvi);
    if (!tdc__task(&c, cmd, num)) {
        rc = 1;
        goto out;
    }
    r = td_state_report(st, (uint32_t)num, agency, period);
    if (!r) {
        fprintf(stderr, "tiendo review: bản sao không có báo cáo của %s về nhiệm vụ %ld kỳ %s. "
                        "Hãy đồng bộ trước: tiendo sync (và kiểm tra mã cơ quan, kỳ: tiendo task %ld)\n",
                agency, num, pvi, num);
        rc = 1;
        goto out;
    }
    if (r->review)
        fprintf(stderr, "tiendo review: lưu ý: phiên bản báo cáo này đã được %s; ý kiến mới sẽ thay ý kiến cũ.\n",
                r->review > 0 ? "chấp nhận" : "trả lại");
    if (accept && r->state != TIENDO__REPORT_STATE__REPORT_DONE)
        fprintf(stderr, "tiendo review: lưu ý: báo cáo này chưa báo \"đã hoàn thành\" (%u%%); chấp nhận không làm "
                        "nhiệm vụ thành hoàn thành.\n", r->percent);

    {
        uint64_t seq = 0;
        td_error e;
        if (tdc_review_sign(&c, r, accept, text, &seq, &e)) {
            fprintf(stderr, "tiendo review: %s\n", e.msg);
            rc = 1;
            goto out;
        }
        printf("Đã ghi ý kiến %s báo cáo nhiệm vụ %ld của %s kỳ %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). "
               "Số thứ tự của thiết bị: %llu.\n", accept ? "chấp nhận" : "trả lại", num, agency, pvi,
               (unsigned long long)seq);
        rc = 0;
    }
out:
    free(text);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo condition ---------------------------------------------------- */

static void tdc__condition_usage(FILE *f)
{
    fputs("Cách dùng: tiendo condition SỐ --met dd/mm/yyyy [--due MM/YYYY] [--note VĂN_BẢN] [--dir THƯ_MỤC]\n"
          "\n"
          "Ghi nhận điều kiện của một nhiệm vụ có thời hạn có điều kiện (\"Sau khi Trung ương ban hành\",\n"
          "\"Theo hướng dẫn của Trung ương\"...) đã được đáp ứng, và tháng phải hoàn thành từ nay. Chỉ thiết\n"
          "bị của Sở KH&CN (vai trò trung tâm). Ghi vào hộp thư đi; gửi bằng tiendo sync.\n"
          "\n"
          "  SỐ               số thứ tự (TT) của nhiệm vụ\n"
          "  --met NGÀY       ngày điều kiện được đáp ứng (ví dụ ngày Trung ương ban hành văn bản)\n"
          "  --due MM/YYYY    tháng phải hoàn thành; bỏ trống: chưa có hạn\n"
          "  --note VB        ghi chú, ví dụ số hiệu văn bản của Trung ương\n"
          "  --dir DIR        thư mục thiết bị\n"
          "Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n",
          f);
}

/* "MM/YYYY" (also "M/YYYY") -> year, month. */
static int tdc__month_parse(const char *s, int *y, int *m)
{
    char tail;
    if (sscanf(s, "%2d/%4d%c", m, y, &tail) != 2) return -1;
    if (!strchr(s, '/') || strlen(strchr(s, '/') + 1) != 4) return -1;
    return *m >= 1 && *m <= 12 && *y >= TD_DEADLINE_YEAR_MIN && *y <= TD_DEADLINE_YEAR_MAX ? 0 : -1;
}

int tdc_cmd_condition(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"met", required_argument, 0, 'm'},
                                         {"due", required_argument, 0, 'u'},
                                         {"note", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "condition";
    const char *dir = NULL, *note_s = NULL;
    int met = 0, due_y = 0, due_m = 0, opt, rc;
    long num = 0;
    char *note = NULL;
    char mbuf[16], summary[256], what[160], dvi[256];
    Tiendo__ConditionPayload cp = TIENDO__CONDITION_PAYLOAD__INIT;
    const td_task *t;
    tdc_ctx c;

    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'm':
            if (td_date_parse_vi(optarg, &met) || !td_date_valid(met))
                return tdc_usage_err(cmd, "--met phải là ngày dd/mm/yyyy: ", optarg);
            break;
        case 'u':
            if (tdc__month_parse(optarg, &due_y, &due_m))
                return tdc_usage_err(cmd, "--due phải là tháng MM/YYYY, ví dụ 12/2026: ", optarg);
            break;
        case 'n': note_s = optarg; break;
        case 'h': tdc__condition_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "condition", opt, argv);
        }
    }
    if (!tdc__task_arg(cmd, argc, argv, &num)) return 2;
    if (!met) return tdc_usage_err(cmd, "thiếu --met (ngày điều kiện được đáp ứng)", NULL);
    if (met > tdc_today()) {
        td_date_vi(met, mbuf, sizeof mbuf);
        return tdc_usage_err(cmd, "ngày đáp ứng điều kiện ở tương lai: ", mbuf);
    }
    if (due_y && due_y * 100 + due_m < met / 100) {
        td_date_vi(met, mbuf, sizeof mbuf);
        return tdc_usage_err(cmd, "tháng hoàn thành (--due) trước ngày đáp ứng điều kiện ", mbuf);
    }
    if (note_s && !tdc__text(cmd, "--note", note_s, &note)) return 2;

    if (tdc__open_central(&c, dir, cmd, "ghi nhận điều kiện của nhiệm vụ")) {
        free(note);
        return 1;
    }
    if (!(t = tdc__task(&c, cmd, num))) {
        rc = 1;
        goto out;
    }
    if (t->deadline.kind != TD_DEADLINE_CONDITIONAL) {
        td_deadline_vi(&t->deadline, dvi, sizeof dvi);
        fprintf(stderr, "tiendo condition: nhiệm vụ %ld có thời hạn \"%s\" (%s), không phải thời hạn có điều kiện; "
                        "chỉ ghi nhận điều kiện cho nhiệm vụ có thời hạn như \"Sau khi Trung ương ban hành\". "
                        "Muốn đổi thời hạn: tiendo extend %ld --deadline ... --reason ...\n",
                num, t->deadline.text ? t->deadline.text : "", dvi, num);
        rc = 1;
        goto out;
    }
    cp.task = (uint32_t)num;
    cp.met_date = met;
    cp.due_year = due_y;
    cp.due_month = due_m;
    cp.note = note ? note : (char *)"";
    td_date_vi(met, mbuf, sizeof mbuf);
    if (due_y)
        snprintf(summary, sizeof summary, "điều kiện nhiệm vụ %ld đáp ứng ngày %s, hạn tháng %02d/%04d", num, mbuf,
                 due_m, due_y);
    else
        snprintf(summary, sizeof summary, "điều kiện nhiệm vụ %ld đáp ứng ngày %s, chưa có hạn", num, mbuf);
    snprintf(what, sizeof what, "xác nhận điều kiện của nhiệm vụ %ld đã được đáp ứng", num);
    rc = tdc__queue_msg(&c, cmd, TIENDO__ENTRY_KIND__ENTRY_CONDITION, &cp.base, summary, what);
out:
    free(note);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo extend ------------------------------------------------------- */

/* The wordings td_deadline_parse classifies (deadline.h), for people. */
static const char tdc__deadline_forms[] =
    "Các cách ghi thời hạn được chấp nhận:\n"
    "  \"31/12/2026\", \"ngày 31/12/2026\"                       một ngày\n"
    "  \"12/2026\", \"tháng 3/2026\", \"trước 12/2026\"           một tháng\n"
    "  \"Quý II/2026\", \"Quý 2/2026\"                          hết quý (30/06/2026)\n"
    "  \"6 tháng đầu năm 2026\", \"6 tháng cuối năm 2026\"       hết tháng 6, hết tháng 12\n"
    "  \"năm 2026\", \"cuối năm 2026\"                          hết năm (31/12/2026)\n"
    "  \"6/2026 và thực hiện thường xuyên\"                    một tháng, sau đó thường xuyên\n"
    "  \"12/2026 và các năm tiếp theo\"                        một tháng, rồi hằng năm\n"
    "  \"Thường xuyên\"                                        thường xuyên (xét theo từng kỳ)\n"
    "  \"Sau khi Trung ương ban hành\", \"Theo hướng dẫn của Trung ương\"   có điều kiện\n"
    "  \"Theo lộ trình\"                                       theo lộ trình (không có hạn)\n"
    "  \"Tháng 01 hàng năm\", \"Trước tháng 10 hàng năm\"        hằng năm\n";

/*
 * A new deadline already past, or earlier than the task's current one, is
 * most likely a typo ("12/2020" for "12/2026"): ask on a terminal, refuse
 * otherwise (--yes says it is meant).  1 go on, 0 refused (message printed).
 */
static int tdc__deadline_confirm(long num, const td_deadline *old, const td_deadline *nw, const char *vi_old,
                                 const char *vi_new)
{
    int today = tdc_today(), due_new = 0, due_old = 0;
    char d_today[16], d_new[16], d_old[16], why[700], ans[32];
    if (td_deadline_due(nw, today / 10000, &due_new)) return 1;   /* no date: nothing to compare */
    if (nw->kind != TD_DEADLINE_MONTH) return 1;
    td_date_vi(today, d_today, sizeof d_today);
    td_date_vi(due_new, d_new, sizeof d_new);
    if (due_new < today) {
        snprintf(why, sizeof why, "thời hạn mới \"%s\" (hết ngày %s) đã qua: hôm nay là %s", vi_new, d_new, d_today);
    } else if (old->kind == TD_DEADLINE_MONTH && !td_deadline_due(old, today / 10000, &due_old) && due_new < due_old) {
        td_date_vi(due_old, d_old, sizeof d_old);
        snprintf(why, sizeof why, "thời hạn mới \"%s\" (%s) sớm hơn thời hạn hiện tại \"%s\" (%s)", vi_new, d_new,
                 vi_old, d_old);
    } else {
        return 1;
    }
    if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
        fprintf(stderr, "tiendo extend: nhiệm vụ %ld: %s.\nVẫn ghi thay đổi này? Gõ \"có\" để ghi, Enter để thôi: ", num,
                why);
        if (fgets(ans, sizeof ans, stdin)) {
            char *a = td_vi_ascii(ans);
            int ok = a && (!strcmp(td_trim(a), "co") || !strcmp(a, "c"));
            free(a);
            if (ok) return 1;
        }
        fprintf(stderr, "tiendo extend: không ghi gì.\n");
        return 0;
    }
    fprintf(stderr,
            "tiendo extend: nhiệm vụ %ld: %s.\n"
            "Nếu đúng là như vậy, chạy lại lệnh với --yes; nếu ghi nhầm, hãy sửa --deadline. Không ghi gì.\n",
            num, why);
    return 0;
}

static void tdc__extend_usage(FILE *f)
{
    fputs("Cách dùng: tiendo extend SỐ --deadline \"THỜI_HẠN\" --reason \"lý do\" [--yes] [--dir THƯ_MỤC]\n"
          "\n"
          "Gia hạn (thay đổi thời hạn hoàn thành) một nhiệm vụ, kèm lý do, ví dụ văn bản cho phép gia hạn.\n"
          "Ghi thành một thay đổi kế hoạch được ký; mọi cơ quan thấy thời hạn mới và lý do sau khi đồng\n"
          "bộ. Chỉ thiết bị của Sở KH&CN (vai trò trung tâm). Gửi bằng tiendo sync.\n"
          "\n"
          "  SỐ                  số thứ tự (TT) của nhiệm vụ\n"
          "  --deadline VB       thời hạn mới, ghi như trong kế hoạch\n"
          "  --reason VB         lý do (bắt buộc), ví dụ \"Công văn 55/UBND-VP ngày 02/6/2025\"\n"
          "  --yes               đồng ý trước: thời hạn mới đã qua hoặc sớm hơn thời hạn hiện tại\n"
          "                      (không có --yes thì hỏi lại ở màn hình dòng lệnh, hoặc từ chối)\n"
          "  --dir DIR           thư mục thiết bị\n"
          "\n",
          f);
    fputs(tdc__deadline_forms, f);
    fputs("Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n", f);
}

int tdc_cmd_extend(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"deadline", required_argument, 0, 'D'},
                                         {"reason", required_argument, 0, 'r'},
                                         {"yes", no_argument, 0, 'y'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "extend";
    int yes = 0;
    const char *dir = NULL, *deadline_s = NULL, *reason_s = NULL;
    int opt, rc;
    long num = 0;
    char *wording = NULL, *reason = NULL;
    char summary[256], what[640], vi_old[256], vi_new[256];
    td_deadline dl;
    td_error e;
    Tiendo__TaskDeadline tdl = TIENDO__TASK_DEADLINE__INIT;
    Tiendo__TaskDeadline *tdv[1] = {&tdl};
    Tiendo__PlanChange pc = TIENDO__PLAN_CHANGE__INIT;
    const td_task *t;
    tdc_ctx c;

    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'D': deadline_s = optarg; break;
        case 'r': reason_s = optarg; break;
        case 'y': yes = 1; break;
        case 'h': tdc__extend_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "extend", opt, argv);
        }
    }
    if (!tdc__task_arg(cmd, argc, argv, &num)) return 2;
    if (!deadline_s) return tdc_usage_err(cmd, "thiếu --deadline (thời hạn mới)", NULL);
    if (!reason_s) return tdc_usage_err(cmd, "thiếu --reason: gia hạn phải có lý do", NULL);
    if (strlen(deadline_s) > TD_DEADLINE_TEXT_MAX) return tdc_usage_err(cmd, "--deadline quá dài", NULL);
    if (!tdc__text(cmd, "--deadline", deadline_s, &wording)) return 2;
    if (!tdc__text(cmd, "--reason", reason_s, &reason)) {
        free(wording);
        return 2;
    }
    if (!*reason) {
        free(wording);
        free(reason);
        return tdc_usage_err(cmd, "--reason không được để trống: gia hạn phải có lý do", NULL);
    }
    if (td_deadline_parse(wording, &dl, &e)) {
        if (e.code == TD_ENOMEM) fprintf(stderr, "tiendo extend: %s\n", td_err_vi(TD_ENOMEM));
        else
            fprintf(stderr, "tiendo extend: không hiểu thời hạn \"%s\".\n%sXem: tiendo extend --help\n", wording,
                    tdc__deadline_forms);
        free(wording);
        free(reason);
        return e.code == TD_ENOMEM ? 1 : 2;
    }

    if (tdc__open_central(&c, dir, cmd, "gia hạn nhiệm vụ")) {
        td_deadline_free(&dl);
        free(wording);
        free(reason);
        return 1;
    }
    if (!(t = tdc__task(&c, cmd, num))) {
        rc = 1;
        goto out;
    }
    td_deadline_vi(&t->deadline, vi_old, sizeof vi_old);
    td_deadline_vi(&dl, vi_new, sizeof vi_new);
    if (td_deadline_equal(&t->deadline, &dl)) {
        fprintf(stderr, "tiendo extend: nhiệm vụ %ld đã có thời hạn \"%s\" (%s); không có gì thay đổi.\n", num,
                t->deadline.text ? t->deadline.text : "", vi_old);
        rc = 1;
        goto out;
    }
    if (!yes && !tdc__deadline_confirm(num, &t->deadline, &dl, vi_old, vi_new)) {
        rc = 2;
        goto out;
    }
    tdl.task = (uint32_t)num;
    tdl.deadline_text = wording;
    pc.reason = reason;
    pc.n_deadlines = 1;
    pc.deadlines = tdv;
    snprintf(summary, sizeof summary, "gia hạn nhiệm vụ %ld: \"%.40s\" → \"%.40s\"; lý do: %.80s", num,
             t->deadline.text ? t->deadline.text : "", wording, reason);
    snprintf(what, sizeof what, "thay đổi thời hạn nhiệm vụ %ld (%s → %s)", num, vi_old, vi_new);
    rc = tdc__queue_msg(&c, cmd, TIENDO__ENTRY_KIND__ENTRY_PLAN, &pc.base, summary, what);
out:
    td_deadline_free(&dl);
    free(wording);
    free(reason);
    tdc_ctx_close(&c);
    return rc;
}
