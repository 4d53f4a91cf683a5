/*
 * cmd_status.c — `tiendo status`: what the replica knows, fully offline:
 * the last successful sync, the entries waiting to be sent, entries refused
 * (by the server at push, and by the fold for this device's entries), the
 * conflicts involving this agency, how much of the log was pulled and
 * whether the plan is loaded.  `--digest` prints only `digest: <hex>`, the
 * SHA-256 of the derived state (td_state_digest), which the integration
 * tests compare with `tiendo-server state --agency X --digest`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certwarn.h"
#include "cli.h"
#include "log.h"
#include "cmds.h"
#include "audit_hist.h"
#include "todo.h"
#include "derive.h"
#include "entry.h"
#include "msg.h"
#include "refusal.h"

/* Pending entries listed one by one; beyond, only the count. */
#define TDC_STATUS_LIST_MAX 10
/* Refusals and conflicts listed one by one. */
#define TDC_STATUS_ISSUES_MAX 50

static const td_cli_opt tdc__status_opts[] = {
    TDC_OPT_DIR('d'),
    {"digest", no_argument, 'g', NULL,
     "chỉ in \"digest: <hex>\" và \"digest-v2: <hex>\": mã băm của trạng thái tổng hợp (phiên bản 1 và 2), để so "
     "với máy chủ (tiendo-server state --agency MÃ --digest)"},
    {"clear-alarm", required_argument, 'a', "SỐ",
     "đánh dấu đã xử lý cảnh báo số SỐ về nhật ký máy chủ (bằng chứng vẫn được giữ lại trong bản sao); cần --note"},
    {"note", required_argument, 'n', "GHI_CHÚ",
     "bắt buộc với --clear-alarm: đã kiểm tra gì, với ai (ví dụ \"đã kiểm tra với Sở KH&CN\"); được lưu cùng thời "
     "điểm và thiết bị xử lý"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__status_spec = {
    .prog = "tiendo",
    .cmd = "status",
    .about = "Tình trạng bản sao dữ liệu trên thiết bị (không cần mạng): lần đồng bộ thành công gần nhất, các mục "
             "chờ gửi, các mục bị từ chối và lý do, các xung đột báo cáo của cơ quan, số mục đã nhận và kế hoạch đã "
             "có hay chưa.",
    .opts = {tdc__status_opts},
};
static void tdc__status_usage(FILE *f) { td_cli_help(&tdc__status_spec, f); }

int tdc_print_refusals(tdc_ctx *c, size_t max, size_t *total)
{
    tdc_todo_refusal *v = NULL;
    size_t n = 0;
    td_error e;
    if (tdc_refusals_mine(c, max, &v, &n, total, &e)) {
        fprintf(stderr, "tiendo: " TD_MSG_RECEIPT_OUTBOX_UNREADABLE "\n", td_error_vi(&e));
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!v[i].by_fold) {
            printf(TD_MSG_STATUS_OUTBOX_LINE "\n", v[i].resigned ? TD_MSG_STATUS_WORD_RESIGNED : TD_MSG_STATUS_WORD_SERVER_REFUSED,
                   (unsigned long long)v[i].seq, *v[i].summary ? v[i].summary : td_entry_kind_vi(v[i].kind), v[i].vi);
        } else {
            printf(TD_MSG_STATUS_FOLD_REFUSED_LINE, td_entry_kind_vi(v[i].kind),
                   (unsigned long long)v[i].seq, (unsigned long long)v[i].index);
            if (v[i].task) printf(TD_MSG_STATUS_FOLD_REFUSED_TASK, v[i].task);
            printf("): %s\n", v[i].vi);
        }
        /* the server's English wording: for support, in the operator log */
        td_log_info("refused seq %llu: %s", (unsigned long long)v[i].seq, v[i].reason);
    }
    if (*total > n && n >= max) printf(TD_MSG_STATUS_MORE_SEE_STATUS "\n");
    free(v);
    return 0;
}

static int tdc__print_outbox(tdc_ctx *c, const tdc_replica_meta *m)
{
    tdc_outbox_item *v;
    size_t n;
    td_error e;
    char when[32];

    printf(TD_MSG_STATUS_PENDING_COUNT "\n", (unsigned long long)m->n_pending);
    if (m->n_pending) {
        if (tdc_replica_outbox_list(c->rep, TDC_OUT_PENDING, TDC_STATUS_LIST_MAX, &v, &n, &e)) goto dberr;
        for (size_t i = 0; i < n; i++) {
            tdc_fmt_time(v[i].created_ms, when, sizeof when);
            printf(TD_MSG_STATUS_PENDING_LINE "\n", (unsigned long long)v[i].seq, when,
                   *v[i].summary ? v[i].summary : td_entry_kind_vi(v[i].kind));
        }
        if (m->n_pending > n) printf(TD_MSG_STATUS_PENDING_MORE "\n", (unsigned long long)(m->n_pending - n));
        tdc_outbox_items_free(v, n);
    }
    printf(TD_MSG_STATUS_SENT_COUNT "\n", (unsigned long long)(m->n_stored + m->n_duplicate));
    {
        size_t total = 0;
        /* refused by the server at push, and by the fold, over every key
         * of this device, with what to do (refusal.h) */
        printf(TD_MSG_STATUS_REFUSED_HEAD "\n");
        if (tdc_print_refusals(c, TDC_STATUS_ISSUES_MAX, &total)) return 1;
        printf(TD_MSG_STATUS_REFUSED_TOTAL "\n", total);
    }
    return 0;
dberr:
    fprintf(stderr, "tiendo status: " TD_MSG_RECEIPT_OUTBOX_UNREADABLE "\n", td_error_vi(&e));
    return 1;
}

static void tdc__print_state(tdc_ctx *c)
{
    const td_state *st = tdc_replica_state(c->rep);
    const td_refusal *rf;
    const td_conflict *cf;
    size_t n, shown = 0, mine = 0;

    (void)rf;
    printf(TD_MSG_STATUS_FOLD_REFUSED_COUNT "\n",
           tdc_fold_refusals_mine(st, &c->id));

    cf = td_state_conflicts(st, &n);
    mine = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cf[i].agency, c->id.subject.agency)) mine++;
    printf(TD_MSG_STATUS_CONFLICTS_COUNT "\n", mine);
    shown = 0;
    for (size_t i = 0; i < n && shown < TDC_STATUS_ISSUES_MAX; i++) {
        char pvi[16];
        if (strcmp(cf[i].agency, c->id.subject.agency)) continue;
        tdc_period_vi(cf[i].period, pvi, sizeof pvi);
        printf(TD_MSG_STATUS_CONFLICT_LINE "\n",
               cf[i].task, pvi, (unsigned long long)cf[i].winner_index, (unsigned long long)cf[i].loser_index);
        shown++;
    }
}

/* What an alarm kind means, for the clerk. */
/* Unacknowledged alarms first: they matter more than anything below. */
static int tdc__print_audit(tdc_ctx *c)
{
    tdc_alarm *v;
    tdc_checkpoint_row row;
    size_t n;
    uint64_t cosigned = 0;
    int found;
    td_error e;
    char when[32];

    size_t open = 0;
    if (tdc_replica_alarm_list(c->rep, 1, &v, &n, &e)) goto dberr;
    for (size_t i = 0; i < n; i++) open += !v[i].acked_ms;
    if (open) {
        printf(TD_MSG_STATUS_ALARMS_HEAD "\n", open);
        for (size_t i = 0; i < n; i++) {
            if (v[i].acked_ms) continue;
            tdc_fmt_time(v[i].at_ms, when, sizeof when);
            printf(TD_MSG_STATUS_ALARM_LINE "\n",
                   (long long)v[i].id, when, tdc_alarm_vi(v[i].kind), (unsigned long long)v[i].old_size,
                   (unsigned long long)v[i].new_size);
            td_log_info("alarm %lld: %s", (long long)v[i].id, v[i].detail ? v[i].detail : "");
        }
        printf(TD_MSG_STATUS_ALARM_EVIDENCE_HINT "\n");
    }
    /* the acknowledged ones stay, with who acknowledged them and why */
    for (size_t i = 0; i < n; i++) {
        if (!v[i].acked_ms) continue;
        tdc_fmt_time(v[i].acked_ms, when, sizeof when);
        printf(TD_MSG_STATUS_ALARM_CLEARED_LINE "\n", (long long)v[i].id,
               tdc_alarm_vi(v[i].kind), when, v[i].acked_by && *v[i].acked_by ? v[i].acked_by : TD_MSG_STATUS_WORD_UNKNOWN,
               v[i].acked_note && *v[i].acked_note ? v[i].acked_note : TD_MSG_STATUS_WORD_NONE);
    }
    tdc_alarms_free(v, n);
    if (tdc_replica_checkpoint_get(c->rep, 0, &row, &found, &e)) goto dberr;
    if (found) {
        tdc_fmt_time(row.verified_ms, when, sizeof when);
        printf(TD_MSG_STATUS_CHECKPOINT_VERIFIED "\n", (unsigned long long)row.size, when);
        tdc_checkpoint_row_free(&row);
    } else {
        printf(TD_MSG_STATUS_CHECKPOINT_NEVER "\n");
    }
    if (tdc_replica_cosigned_get(c->rep, &cosigned, &e)) goto dberr;
    if (cosigned) printf(TD_MSG_STATUS_COSIGNED "\n", (unsigned long long)cosigned);
    return 0;
dberr:
    fprintf(stderr, "tiendo status: " TD_MSG_ATTACH_REPLICA_UNREADABLE "\n", td_error_vi(&e));
    return 1;
}

/* The rule (a note is required, evidence kept) is app.h tdc_app_alarm_ack,
 * the web UI's too. */
static int tdc__clear_alarm(tdc_ctx *c, const char *arg, const char *note)
{
    td_error e;
    int rc;
    rc = tdc_app_alarm_ack(c, strtoll(arg, NULL, 10), note, &e);
    if (rc) {
        fprintf(stderr, "tiendo status: %s\n", td_error_vi(&e));
        return rc == TD_EARG ? 2 : 1;
    }
    printf(TD_MSG_STATUS_ALARM_CLEARED "\n", arg);
    return 0;
}

int tdc_cmd_status(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *dir = NULL, *clear = NULL, *note = NULL;
    int digest = 0, opt, rc = 0;
    tdc_ctx c;
    tdc_replica_meta m;
    td_error e;
    const td_state *st;
    char when[32];

    if (td_cli_longopts(&tdc__status_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'g': digest = 1; break;
        case 'a': clear = optarg; break;
        case 'n': note = optarg; break;
        case 'h': tdc__status_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "status", opt, argv);
        }
    }
    if (optind < argc) {
        td_cli_extra("tiendo", "status", argv[optind]);
        return 2;
    }
    if (clear) {
        long id;
        if (!tdc_int(clear, &id) || id <= 0)
            return tdc_usage_err("status", TD_MSG_STATUS_ALARM_NUMBER_BAD, clear);
        if (!note)
            return tdc_usage_err("status", TD_MSG_STATUS_CLEAR_NEEDS_NOTE, clear);
    } else if (note) {
        return tdc_usage_err("status", TD_MSG_STATUS_NOTE_NEEDS_CLEAR, note);
    }
    tdc_tz_default();
    if (tdc_ctx_open(&c, dir, "status")) return 1;
    if (clear) {
        rc = tdc__clear_alarm(&c, clear, note);
        tdc_ctx_close(&c);
        return rc;
    }
    st = tdc_replica_state(c.rep);
    if (digest) {
        unsigned char d[32];
        char hex[65];
        td_state_digest(st, d);
        sodium_bin2hex(hex, sizeof hex, d, sizeof d);
        printf("digest: %s\n", hex);
        td_state_digest_v2(st, d);
        sodium_bin2hex(hex, sizeof hex, d, sizeof d);
        printf("digest-v2: %s\n", hex);
        tdc_ctx_close(&c);
        return 0;
    }
    if (tdc_replica_meta_get(c.rep, &m, &e)) {
        fprintf(stderr, "tiendo status: " TD_MSG_ATTACH_REPLICA_UNREADABLE "\n", td_error_vi(&e));
        tdc_ctx_close(&c);
        return 1;
    }
    printf(TD_MSG_STATUS_DEVICE "\n", c.id.subject.device, c.id.subject.agency,
           td_role_vi(c.id.subject.role), c.dev.server);
    tdc_cert_check(&c.dev, c.id.cert, (long long)(tdc_now_ms() / 1000), m.n_pending, stdout, "status");
    if (tdc__print_audit(&c)) {
        tdc_ctx_close(&c);
        return 1;
    }
    tdc_fmt_time(m.last_sync_ms, when, sizeof when);
    printf(TD_MSG_STATUS_LAST_SYNC "\n", when);
    if (td_state_has_plan(st)) {
        for (size_t i = 0; i < td_state_plan_count(st); i++) {   /* each plan (docs/LOG.md §14) */
            const td_plan *p = td_state_plan_at(st, i);
            printf(TD_MSG_STATUS_PLAN "\n", p->number ? p->number : TD_MSG_STATUS_WORD_NO_NUMBER, p->n_tasks,
                   p->n_indicators);
        }
    } else {
        printf(TD_MSG_STATUS_PLAN_NONE "\n");
    }
    printf(TD_MSG_STATUS_RECEIVED "\n",
           (unsigned long long)m.n_pulled, (unsigned long long)(m.cursor ? m.cursor - 1 : 0),
           (unsigned long long)m.log_size);
    rc = tdc__print_outbox(&c, &m);
    if (!rc) tdc__print_state(&c);
    tdc_ctx_close(&c);
    return rc;
}
