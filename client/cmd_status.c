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
#include "cmds.h"
#include "derive.h"
#include "entry.h"
#include "refusal.h"

/* Pending entries listed one by one; beyond, only the count. */
#define TDC_STATUS_LIST_MAX 10
/* Refusals and conflicts listed one by one. */
#define TDC_STATUS_ISSUES_MAX 50

static void tdc__status_usage(FILE *f)
{
    fputs("Cách dùng: tiendo status [--dir THƯ_MỤC] [--digest] [--clear-alarm SỐ]\n"
          "\n"
          "Tình trạng bản sao dữ liệu trên thiết bị (không cần mạng): lần đồng bộ thành công gần\n"
          "nhất, các mục chờ gửi, các mục bị từ chối và lý do, các xung đột báo cáo của cơ quan,\n"
          "số mục đã nhận và kế hoạch đã có hay chưa.\n"
          "\n"
          "  --dir DIR      thư mục thiết bị (mặc định $TIENDO_HOME hoặc ~/.tiendo)\n"
          "  --digest       chỉ in \"digest: <hex>\" và \"digest-v2: <hex>\": mã băm của trạng thái tổng hợp\n"
          "                 (phiên bản 1 và 2), để\n"
          "                 so với máy chủ (tiendo-server state --agency MÃ --digest)\n"
          "  --clear-alarm N  đánh dấu đã xử lý cảnh báo số N về nhật ký máy chủ (bằng chứng vẫn được\n"
          "                 giữ lại trong bản sao)\n"
          "Mã thoát: 0 thành công, 1 lỗi, 2 sai cú pháp.\n",
          f);
}

/* Is key one of this device's keys (its current one, or an earlier one of
 * the same agency, device and role: renewals)? */
static int tdc__my_key(const td_state *st, const td_identity *id, const unsigned char *key)
{
    const td_author *a;
    if (!memcmp(key, id->pk, 32)) return 1;
    a = st ? td_state_author(st, key) : NULL;
    return a && !a->is_server && a->role == id->subject.role && !strcmp(a->agency, id->subject.agency) &&
           !strcmp(a->device, id->subject.device);
}

size_t tdc_fold_refusals_mine(const td_state *st, const td_identity *id)
{
    const td_refusal *rf;
    size_t n, mine = 0;
    if (!st) return 0;
    rf = td_state_refusals(st, &n);
    for (size_t i = 0; i < n; i++)
        if (tdc__my_key(st, id, rf[i].author)) mine++;
    return mine;
}

int tdc_print_refusals(tdc_ctx *c, size_t max, size_t *total)
{
    const td_state *st = tdc_replica_state(c->rep);
    tdc_outbox_item *v = NULL;
    size_t n = 0, shown = 0, nrf = 0;
    const td_refusal *rf = st ? td_state_refusals(st, &nrf) : NULL;
    char vi[768];
    td_error e;

    *total = 0;
    if (tdc_replica_outbox_list(c->rep, TDC_OUT_REFUSED, 0, &v, &n, &e)) {
        fprintf(stderr, "tiendo: không đọc được hộp thư đi: %s (%s)\n", td_err_vi(e.code), e.msg);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        int resigned = td_refusal_classify(v[i].reason) == TD_RF_RESIGNED;
        if (!resigned) (*total)++;
        if (shown >= max) continue;
        td_refusal_vi(v[i].reason, vi, sizeof vi);
        printf("  - %s số %llu (%s): %s\n", resigned ? "đã ký lại:" : "máy chủ từ chối", (unsigned long long)v[i].seq,
               *v[i].summary ? v[i].summary : td_entry_kind_vi(v[i].kind), vi);
        printf("      (chi tiết: %s)\n", v[i].reason);
        shown++;
    }
    tdc_outbox_items_free(v, n);
    for (size_t i = 0; i < nrf; i++) {
        if (!tdc__my_key(st, &c->id, rf[i].author)) continue;
        (*total)++;
        if (shown >= max) continue;
        td_refusal_vi(rf[i].reason, vi, sizeof vi);
        printf("  - không được tính khi tổng hợp: %s, số %llu (mục nhật ký %llu", td_entry_kind_vi(rf[i].kind),
               (unsigned long long)rf[i].seq, (unsigned long long)rf[i].index);
        if (rf[i].task) printf(", nhiệm vụ %u", rf[i].task);
        printf("): %s\n      (chi tiết: %s)\n", vi, rf[i].reason);
        shown++;
    }
    if (*total > shown && shown >= max) printf("  ... và các mục khác: tiendo status\n");
    return 0;
}

static int tdc__print_outbox(tdc_ctx *c, const tdc_replica_meta *m)
{
    tdc_outbox_item *v;
    size_t n;
    td_error e;
    char when[32];

    printf("Chờ gửi: %llu mục\n", (unsigned long long)m->n_pending);
    if (m->n_pending) {
        if (tdc_replica_outbox_list(c->rep, TDC_OUT_PENDING, TDC_STATUS_LIST_MAX, &v, &n, &e)) goto dberr;
        for (size_t i = 0; i < n; i++) {
            tdc_fmt_time(v[i].created_ms, when, sizeof when);
            printf("  - số %llu, ghi lúc %s: %s\n", (unsigned long long)v[i].seq, when,
                   *v[i].summary ? v[i].summary : td_entry_kind_vi(v[i].kind));
        }
        if (m->n_pending > n) printf("  ... và %llu mục khác\n", (unsigned long long)(m->n_pending - n));
        tdc_outbox_items_free(v, n);
    }
    printf("Đã gửi và được máy chủ lưu: %llu mục\n", (unsigned long long)(m->n_stored + m->n_duplicate));
    {
        size_t total = 0;
        /* refused by the server at push, and by the fold, over every key
         * of this device, with what to do (refusal.h) */
        printf("Bị từ chối (máy chủ không nhận, hoặc không được tính khi tổng hợp):\n");
        if (tdc_print_refusals(c, TDC_STATUS_ISSUES_MAX, &total)) return 1;
        printf("Tổng số mục bị từ chối: %zu\n", total);
    }
    return 0;
dberr:
    fprintf(stderr, "tiendo status: không đọc được hộp thư đi: %s (%s)\n", td_err_vi(e.code), e.msg);
    return 1;
}

static void tdc__print_state(tdc_ctx *c)
{
    const td_state *st = tdc_replica_state(c->rep);
    const td_refusal *rf;
    const td_conflict *cf;
    size_t n, shown = 0, mine = 0;

    (void)rf;
    printf("Bị từ chối khi tổng hợp (mục của thiết bị này trong nhật ký, mọi khóa): %zu mục\n",
           tdc_fold_refusals_mine(st, &c->id));

    cf = td_state_conflicts(st, &n);
    mine = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cf[i].agency, c->id.subject.agency)) mine++;
    printf("Xung đột (hai thiết bị cùng báo cáo một nhiệm vụ, một kỳ): %zu\n", mine);
    shown = 0;
    for (size_t i = 0; i < n && shown < TDC_STATUS_ISSUES_MAX; i++) {
        char pvi[16];
        if (strcmp(cf[i].agency, c->id.subject.agency)) continue;
        tdc_period_vi(cf[i].period, pvi, sizeof pvi);
        printf("  - nhiệm vụ %u, kỳ %s: báo cáo ở mục nhật ký %llu được dùng, mục %llu bị thay; cần người xem lại\n",
               cf[i].task, pvi, (unsigned long long)cf[i].winner_index, (unsigned long long)cf[i].loser_index);
        shown++;
    }
}

/* What an alarm kind means, for the clerk. */
static const char *tdc__alarm_vi(const char *kind)
{
    if (!strcmp(kind, TDC_ALARM_INCONSISTENT))
        return "máy chủ đưa ra lịch sử nhật ký không nhất quán với lịch sử đã xác minh (có thể đã bị sửa hoặc xóa)";
    if (!strcmp(kind, TDC_ALARM_ROLLBACK)) return "nhật ký máy chủ ngắn hơn lần đã xác minh (bị cắt bớt)";
    if (!strcmp(kind, TDC_ALARM_SIGNATURE)) return "điểm kiểm tra không có chữ ký hợp lệ của máy chủ";
    if (!strcmp(kind, TDC_ALARM_ORIGIN)) return "điểm kiểm tra mang tên nhật ký khác với tên đã xác minh";
    if (!strcmp(kind, TDC_ALARM_MISSING)) return "máy chủ không đưa điểm kiểm tra dù trước đây đã đưa";
    if (!strcmp(kind, TDC_ALARM_SERVER_KEY)) return "khóa của máy chủ khác khóa đã ký mục đầu tiên của nhật ký";
    return "kiểm tra nhật ký máy chủ không đạt";
}

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

    if (tdc_replica_alarm_list(c->rep, 0, &v, &n, &e)) goto dberr;
    if (n) {
        printf("CẢNH BÁO: %zu cảnh báo về nhật ký máy chủ chưa được xử lý:\n", n);
        for (size_t i = 0; i < n; i++) {
            tdc_fmt_time(v[i].at_ms, when, sizeof when);
            printf("  - cảnh báo số %lld, lúc %s: %s; điểm kiểm tra đã xác minh có %llu mục, máy chủ đưa ra %llu "
                   "mục.\n",
                   (long long)v[i].id, when, tdc__alarm_vi(v[i].kind), (unsigned long long)v[i].old_size,
                   (unsigned long long)v[i].new_size);
            printf("    (chi tiết: %s)\n", v[i].detail ? v[i].detail : "");
        }
        printf("  Bằng chứng được lưu trong bản sao. Báo cho thanh tra, sau đó: tiendo status --clear-alarm SỐ\n");
    }
    tdc_alarms_free(v, n);
    if (tdc_replica_checkpoint_get(c->rep, 0, &row, &found, &e)) goto dberr;
    if (found) {
        tdc_fmt_time(row.verified_ms, when, sizeof when);
        printf("Điểm kiểm tra nhật ký đã xác minh gần nhất: %llu mục (lúc %s)\n", (unsigned long long)row.size, when);
        tdc_checkpoint_row_free(&row);
    } else {
        printf("Điểm kiểm tra nhật ký: chưa xác minh lần nào\n");
    }
    if (tdc_replica_cosigned_get(c->rep, &cosigned, &e)) goto dberr;
    if (cosigned) printf("Đã đồng ký điểm kiểm tra đến cỡ %llu\n", (unsigned long long)cosigned);
    return 0;
dberr:
    fprintf(stderr, "tiendo status: không đọc được bản sao dữ liệu: %s (%s)\n", td_err_vi(e.code), e.msg);
    return 1;
}

static int tdc__clear_alarm(tdc_ctx *c, const char *arg)
{
    char *end;
    long long id = strtoll(arg, &end, 10);
    td_error e;
    int rc;
    if (end == arg || *end || id <= 0) {
        fprintf(stderr, "tiendo status: số cảnh báo không hợp lệ: \"%s\"\n", arg);
        return 2;
    }
    rc = tdc_replica_alarm_ack(c->rep, id, tdc_now_ms(), &e);
    if (rc == TD_ENOTFOUND) {
        fprintf(stderr, "tiendo status: không có cảnh báo số %lld chưa xử lý\n", id);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "tiendo status: không ghi được: %s (%s)\n", td_err_vi(e.code), e.msg);
        return 1;
    }
    printf("Đã đánh dấu xử lý cảnh báo số %lld; bằng chứng vẫn được giữ trong bản sao.\n", id);
    return 0;
}

int tdc_cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"digest", no_argument, 0, 'g'},
                                         {"clear-alarm", required_argument, 0, 'a'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL, *clear = NULL;
    int digest = 0, opt, rc = 0;
    tdc_ctx c;
    tdc_replica_meta m;
    td_error e;
    const td_state *st;
    char when[32];

    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'g': digest = 1; break;
        case 'a': clear = optarg; break;
        case 'h': tdc__status_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "status", opt, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "tiendo status: tham số thừa \"%s\"\nXem: tiendo status --help\n", argv[optind]);
        return 2;
    }
    tdc_tz_default();
    if (tdc_ctx_open(&c, dir, "status")) return 1;
    if (clear) {
        rc = tdc__clear_alarm(&c, clear);
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
        fprintf(stderr, "tiendo status: không đọc được bản sao dữ liệu: %s (%s)\n", td_err_vi(e.code), e.msg);
        tdc_ctx_close(&c);
        return 1;
    }
    printf("Thiết bị %s của cơ quan %s (%s), máy chủ %s\n", c.id.subject.device, c.id.subject.agency,
           td_role_vi(c.id.subject.role), c.dev.server);
    tdc_cert_check(&c.dev, c.id.cert, (long long)(tdc_now_ms() / 1000), m.n_pending, stdout, "status");
    if (tdc__print_audit(&c)) {
        tdc_ctx_close(&c);
        return 1;
    }
    tdc_fmt_time(m.last_sync_ms, when, sizeof when);
    printf("Lần đồng bộ thành công gần nhất: %s\n", when);
    if (td_state_has_plan(st)) {
        const td_plan *p = td_state_plan(st);
        printf("Kế hoạch: %s (%zu nhiệm vụ, %zu chỉ tiêu)\n", p->number ? p->number : "(không số)", p->n_tasks,
               p->n_indicators);
    } else {
        printf("Kế hoạch: chưa có (hãy chạy tiendo sync)\n");
    }
    printf("Đã nhận từ máy chủ: %llu mục nhật ký (đến mục %llu; máy chủ có %llu mục ở lần đồng bộ gần nhất)\n",
           (unsigned long long)m.n_pulled, (unsigned long long)(m.cursor ? m.cursor - 1 : 0),
           (unsigned long long)m.log_size);
    rc = tdc__print_outbox(&c, &m);
    if (!rc) tdc__print_state(&c);
    tdc_ctx_close(&c);
    return rc;
}
