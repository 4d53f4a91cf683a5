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
#include "msg.h"
#include "central.h"
#include "cmds.h"
#include "report_entry.h"
#include "deadline.h"
#include "derive.h"
#include "entry.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "status.h"
#include "utf8.h"

/*
 * Validate and normalise one text argument (tdc_central_text).  *out is
 * malloc'd (caller frees).  Prints the message and returns 0 when it is not
 * acceptable.
 */
static int tdc__text(const char *cmd, const char *opt, const char *s, char **out)
{
    td_error e;
    if (tdc_central_text(opt, s, out, &e)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_error_vi(&e));
        return 0;
    }
    return 1;
}

/* Open the context; refuse devices that are not central; require a plan. */
static int tdc__open_central(tdc_ctx *c, const char *dir, const char *cmd, const char *what_vi)
{
    td_error e;
    if (tdc_ctx_open(c, dir, cmd)) return 1;
    if (tdc_central_device(c, what_vi, &e)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_error_vi(&e));
        tdc_ctx_close(c);
        return 1;
    }
    return 0;
}

/* The task as typed (SỐ or KẾ_HOẠCH:SỐ) and --plan: resolved against the
 * replica's plans by tdc__task (td_state_key_parse, docs/LOG.md §14). */
static const char *tdc__task_text, *tdc__plan_opt;

/* The task number argument. */
static int tdc__task_arg(const char *cmd, int argc, char **argv, long *num)
{
    char *end;
    const char *colon;
    if (optind >= argc) {
        tdc_usage_err(cmd, TD_MSG_TASK_MISSING, NULL);
        return 0;
    }
    tdc__task_text = argv[optind];
    colon = strrchr(argv[optind], ':');
    *num = strtol(colon ? colon + 1 : argv[optind], &end, 10);
    if (*end || end == argv[optind] || *num < 1 || *num > TD_PLAN_TASK_NUMBER_MAX) {
        tdc_usage_err(cmd, TD_MSG_TASK_BAD, argv[optind]);
        return 0;
    }
    if (optind + 1 < argc) {
        td_cli_extra("tiendo", cmd, argv[optind + 1]);
        return 0;
    }
    return 1;
}

/* The task as typed, resolved to its key in *nump (1), or 0 with the
 * reason printed (an unknown plan, a number in several plans). */
static int tdc__key(tdc_ctx *c, const char *cmd, long *nump)
{
    uint32_t key = 0;
    char why[768];
    if (tdc__task_text &&
        td_state_key_parse(tdc_replica_state(c->rep), tdc__task_text, tdc__plan_opt, NULL, &key, why, sizeof why)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, why);
        return 0;
    }
    if (key) *nump = (long)key;
    return 1;
}

static const td_task *tdc__task(tdc_ctx *c, const char *cmd, long *nump)
{
    const td_plan *plan = td_state_plan(tdc_replica_state(c->rep));
    const td_task *t;
    long num = *nump;
    if (!tdc__key(c, cmd, nump)) return NULL;
    t = td_plan_task(plan, (int)*nump);
    if (!t)
        fprintf(stderr, TD_MSG_CENTRAL_CMD_TASK_UNKNOWN "\n",
                cmd, num, plan->number ? plan->number : "", plan->n_tasks);
    return t;
}

/* ---- tiendo review ------------------------------------------------------- */

static const td_cli_opt tdc__review_opts[] = {
    {"SỐ", TD_CLI_WORD, 0, NULL, "số thứ tự (TT) của nhiệm vụ (hoặc KẾ_HOẠCH:SỐ)"},
    {"agency", required_argument, 'a', "MÃ", "mã cơ quan đã báo cáo, ví dụ so-khcn"},
    {"period", required_argument, 'p', "MM/YYYY", "kỳ báo cáo"},
    {"accept", no_argument, 'A', NULL,
     "chấp nhận báo cáo (báo cáo \"đã hoàn thành\" được chấp nhận thì nhiệm vụ được tính là hoàn thành)"},
    {"return", required_argument, 'R', "LÝ_DO", "trả lại báo cáo; lý do là bắt buộc"},
    {"comment", required_argument, 'c', "VĂN_BẢN", "ý kiến thêm"},
    TDC_OPT_PLAN('P'),
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__review_spec = {
    .prog = "tiendo",
    .cmd = "review",
    .usage = "SỐ --agency MÃ --period MM/YYYY (--accept | --return LÝ_DO)",
    .about = "Thẩm định báo cáo hiện hành của một cơ quan về một nhiệm vụ trong một kỳ: chấp nhận, hoặc trả lại kèm "
             "lý do (cơ quan sẽ thấy lý do ở lần đồng bộ sau). Chỉ thiết bị của Sở KH&CN (vai trò trung tâm). Ý kiến "
             "được ký và ghi vào hộp thư đi; gửi bằng tiendo sync.",
    .opts = {tdc__review_opts},
    .footer = "Báo cáo phải có trong bản sao (đồng bộ trước: tiendo sync); ý kiến gắn với đúng phiên bản báo cáo đó — "
              "nếu cơ quan gửi phiên bản mới, phiên bản mới cần được thẩm định lại.\n",
    .exit_codes = "Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n",
};
static void tdc__review_usage(FILE *f) { td_cli_help(&tdc__review_spec, f); }

int tdc_cmd_review(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
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
    if (td_cli_longopts(&tdc__review_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'P': tdc__plan_opt = optarg; break;
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
    if (!agency || !*agency) return tdc_usage_err(cmd, TD_MSG_CENTRAL_AGENCY_MISSING, NULL);
    if (strlen(agency) > TD_AGENCY_MAX) return tdc_usage_err(cmd, TD_MSG_CENTRAL_AGENCY_TOO_LONG, agency);
    if (!period) return tdc_usage_err(cmd, TD_MSG_PERIOD_MISSING, NULL);
    if (td_period_norm(period, period_buf) || td_period_parse(period_buf, &y, &m))
        return tdc_usage_err(cmd, TD_MSG_PERIOD_BAD, period);
    period = period_buf;
    if (accept && ret_s) return tdc_usage_err(cmd, TD_MSG_CENTRAL_ACCEPT_OR_RETURN_ONE, NULL);
    if (!accept && !ret_s) return tdc_usage_err(cmd, TD_MSG_CENTRAL_ACCEPT_OR_RETURN_NEEDED, NULL);
    if (ret_s && !tdc__text(cmd, "--return", ret_s, &reason)) return 2;
    if (reason && !*reason) {
        free(reason);
        return tdc_usage_err(cmd, TD_MSG_CENTRAL_RETURN_REASON_EMPTY, NULL);
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

    if (tdc__open_central(&c, dir, cmd, TD_MSG_CENTRAL_ACTION_REVIEW)) {
        free(text);
        return 1;
    }
    st = tdc_replica_state(c.rep);
    tdc_period_vi(period, pvi, sizeof pvi);
    if (!tdc__task(&c, cmd, &num)) {
        rc = 1;
        goto out;
    }
    r = td_state_report(st, (uint32_t)num, agency, period);
    if (!r) {
        fprintf(stderr, "tiendo review: " TD_MSG_CENTRAL_REPORT_NOT_IN_REPLICA "\n",
                agency, num, pvi, num);
        rc = 1;
        goto out;
    }
    if (r->review)
        fprintf(stderr, "tiendo review: " TD_MSG_CENTRAL_REVIEW_REPLACES "\n",
                r->review > 0 ? TD_MSG_CENTRAL_WORD_ACCEPT : TD_MSG_CENTRAL_WORD_RETURN);
    if (accept && r->state != TIENDO__REPORT_STATE__REPORT_DONE)
        fprintf(stderr, "tiendo review: " TD_MSG_CENTRAL_ACCEPT_NOT_DONE "\n", r->percent);

    {
        uint64_t seq = 0;
        td_error e;
        if (tdc_review_sign(&c, r, accept, text, &seq, &e)) {
            fprintf(stderr, "tiendo review: %s\n", td_error_vi(&e));
            rc = 1;
            goto out;
        }
        printf(TD_MSG_CENTRAL_REVIEW_QUEUED "\n", accept ? TD_MSG_CENTRAL_WORD_ACCEPT : TD_MSG_CENTRAL_WORD_RETURN, num, agency, pvi,
               (unsigned long long)seq);
        rc = 0;
    }
out:
    free(text);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo condition ---------------------------------------------------- */

static const td_cli_opt tdc__condition_opts[] = {
    {"SỐ", TD_CLI_WORD, 0, NULL, "số thứ tự (TT) của nhiệm vụ (hoặc KẾ_HOẠCH:SỐ)"},
    {"met", required_argument, 'm', "dd/mm/yyyy", "ngày điều kiện được đáp ứng (ví dụ ngày Trung ương ban hành văn bản)"},
    {"due", required_argument, 'u', "MM/YYYY", "tháng phải hoàn thành; bỏ trống: chưa có hạn"},
    {"note", required_argument, 'n', "VĂN_BẢN", "ghi chú, ví dụ số hiệu văn bản của Trung ương"},
    TDC_OPT_PLAN('P'),
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__condition_spec = {
    .prog = "tiendo",
    .cmd = "condition",
    .usage = "SỐ --met dd/mm/yyyy",
    .about = "Ghi nhận điều kiện của một nhiệm vụ có thời hạn có điều kiện (\"Sau khi Trung ương ban hành\", \"Theo "
             "hướng dẫn của Trung ương\"...) đã được đáp ứng, và tháng phải hoàn thành từ nay. Chỉ thiết bị của Sở "
             "KH&CN (vai trò trung tâm). Ghi vào hộp thư đi; gửi bằng tiendo sync.",
    .opts = {tdc__condition_opts},
    .exit_codes = "Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n",
};
static void tdc__condition_usage(FILE *f) { td_cli_help(&tdc__condition_spec, f); }

/* The exit code of a refused central entry: 2 for what was typed, 1 else. */
static int tdc__central_rc(const td_error *e)
{
    return e->code == TD_EARG || e->code == TD_EPARSE ? 2 : 1;
}

int tdc_cmd_condition(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "condition";
    const char *dir = NULL, *note_s = NULL;
    int met = 0, due_y = 0, due_m = 0, opt, rc;
    long num = 0;
    char what[160], tlabel[48];
    uint64_t seq;
    tdc_condition_in x;
    td_error e;
    tdc_ctx c;

    optind = 1;
    if (td_cli_longopts(&tdc__condition_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'P': tdc__plan_opt = optarg; break;
        case 'm':
            if (td_date_parse_vi(optarg, &met) || !td_date_valid(met))
                return tdc_usage_err(cmd, TD_MSG_CENTRAL_MET_DATE_BAD, optarg);
            break;
        case 'u':
            if (tdc_month_parse(optarg, &due_y, &due_m))
                return tdc_usage_err(cmd, TD_MSG_CENTRAL_DUE_MONTH_BAD, optarg);
            break;
        case 'n': note_s = optarg; break;
        case 'h': tdc__condition_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "condition", opt, argv);
        }
    }
    if (!tdc__task_arg(cmd, argc, argv, &num)) return 2;
    if (!met) return tdc_usage_err(cmd, TD_MSG_CENTRAL_MET_MISSING, NULL);
    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    if (!tdc__key(&c, cmd, &num)) {
        tdc_ctx_close(&c);
        return 1;
    }
    td_state_key_fmt(tdc_replica_state(c.rep), (uint32_t)num, tlabel, sizeof tlabel);
    if (tdc_condition_prepare(&c, num, met, due_y, due_m, note_s, &x, &e)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_error_vi(&e));
        tdc_ctx_close(&c);
        return tdc__central_rc(&e);
    }
    if (tdc_condition_sign(&c, &x, &seq, &e)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_error_vi(&e));
        rc = 1;
    } else {
        snprintf(what, sizeof what, TD_MSG_CENTRAL_CONDITION_CONFIRM, tlabel);
        printf(TD_MSG_CENTRAL_QUEUED "\n", what,
               (unsigned long long)seq);
        rc = 0;
    }
    tdc_condition_free(&x);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo extend ------------------------------------------------------- */

/*
 * A new deadline already past, or earlier than the task's current one
 * (x->confirm, central.h): ask on a terminal, refuse otherwise (--yes says
 * it is meant).  1 go on, 0 refused (message printed).
 */
static int tdc__deadline_confirm(const char *tlabel, const tdc_extend *x)
{
    char ans[32];
    if (!*x->confirm) return 1;
    if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
        fprintf(stderr, "tiendo extend: " TD_MSG_CENTRAL_CONFIRM_PROMPT, tlabel,
                x->confirm);
        if (fgets(ans, sizeof ans, stdin)) {
            char *a = td_vi_ascii(ans);
            int ok = a && (!strcmp(td_trim(a), "co") || !strcmp(a, "c"));
            free(a);
            if (ok) return 1;
        }
        fprintf(stderr, "tiendo extend: " TD_MSG_CENTRAL_NOTHING_WRITTEN "\n");
        return 0;
    }
    fprintf(stderr,
            "tiendo extend: " TD_MSG_CENTRAL_CONFIRM_WITH_YES "\n",
            tlabel, x->confirm);
    return 0;
}

static const td_cli_opt tdc__extend_opts[] = {
    {"SỐ", TD_CLI_WORD, 0, NULL, "số thứ tự (TT) của nhiệm vụ (hoặc KẾ_HOẠCH:SỐ)"},
    {"deadline", required_argument, 'D', "THỜI_HẠN", "thời hạn mới, ghi như trong kế hoạch (xem dưới)"},
    {"reason", required_argument, 'r', "LÝ_DO", "lý do (bắt buộc), ví dụ \"Công văn 55/UBND-VP ngày 02/6/2025\""},
    {"yes", no_argument, 'y', NULL,
     "đồng ý trước: thời hạn mới đã qua hoặc sớm hơn thời hạn hiện tại (không có --yes thì hỏi lại ở màn hình dòng "
     "lệnh, hoặc từ chối)"},
    TDC_OPT_PLAN('P'),
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__extend_spec = {
        .prog = "tiendo",
        .cmd = "extend",
        .usage = "SỐ --deadline THỜI_HẠN --reason LÝ_DO",
        .about = "Gia hạn (thay đổi thời hạn hoàn thành) một nhiệm vụ, kèm lý do, ví dụ văn bản cho phép gia hạn. Ghi "
                 "thành một thay đổi kế hoạch được ký; mọi cơ quan thấy thời hạn mới và lý do sau khi đồng bộ. Chỉ "
                 "thiết bị của Sở KH&CN (vai trò trung tâm). Gửi bằng tiendo sync.",
        .opts = {tdc__extend_opts},
        .footer = tdc_deadline_forms,
        .exit_codes = "Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n",
};
static void tdc__extend_usage(FILE *f) { td_cli_help(&tdc__extend_spec, f); }

int tdc_cmd_extend(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "extend";
    int yes = 0;
    const char *dir = NULL, *deadline_s = NULL, *reason_s = NULL;
    int opt, rc;
    long num = 0;
    char tlabel[48];
    uint64_t seq;
    tdc_extend x;
    td_error e;
    tdc_ctx c;

    optind = 1;
    if (td_cli_longopts(&tdc__extend_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'P': tdc__plan_opt = optarg; break;
        case 'D': deadline_s = optarg; break;
        case 'r': reason_s = optarg; break;
        case 'y': yes = 1; break;
        case 'h': tdc__extend_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "extend", opt, argv);
        }
    }
    if (!tdc__task_arg(cmd, argc, argv, &num)) return 2;
    if (!deadline_s) return tdc_usage_err(cmd, TD_MSG_CENTRAL_DEADLINE_MISSING, NULL);
    if (!reason_s) return tdc_usage_err(cmd, TD_MSG_CENTRAL_REASON_MISSING, NULL);
    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    if (!tdc__key(&c, cmd, &num)) {
        tdc_ctx_close(&c);
        return 1;
    }
    td_state_key_fmt(tdc_replica_state(c.rep), (uint32_t)num, tlabel, sizeof tlabel);
    if (tdc_extend_prepare(&c, num, deadline_s, reason_s, &x, &e)) {
        if (e.code == TD_EPARSE)
            fprintf(stderr, "tiendo extend: %s\n%sXem: tiendo extend --help\n", td_error_vi(&e), tdc_deadline_forms);
        else
            fprintf(stderr, "tiendo extend: %s\n", td_error_vi(&e));
        tdc_ctx_close(&c);
        return tdc__central_rc(&e);
    }
    if (!yes && !tdc__deadline_confirm(tlabel, &x)) {
        rc = 2;
    } else if (tdc_extend_sign(&c, &x, &seq, &e)) {
        fprintf(stderr, "tiendo extend: %s\n", td_error_vi(&e));
        rc = 1;
    } else {
        printf(TD_MSG_CENTRAL_EXTEND_QUEUED "\n",
               tlabel, x.vi_old, x.vi_new, (unsigned long long)seq);
        rc = 0;
    }
    tdc_extend_free(&x);
    tdc_ctx_close(&c);
    return rc;
}
