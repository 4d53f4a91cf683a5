/*
 * cmd_report.c — recording entries offline:
 *   tiendo report     a monthly progress report on a task (ReportPayload)
 *   tiendo indicator  an indicator value (IndicatorPayload)
 * Both sign the entry with the device key and queue it in the replica's
 * outbox; `tiendo sync` sends it.  No network is needed (DESIGN §1: offices
 * work fully offline).  When the replica already holds the plan, an unknown
 * task or indicator is refused here, and an agency that is not on the task
 * gets a warning (the server's fold is the authority, not this check).
 *
 * Also the context shared by the replica commands (cmds.h: tdc_ctx_*).
 */
#include <getopt.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "derive.h"
#include "entry.h"
#include "log.pb-c.h"
#include "utf8.h"

/* Evidence references per report: a month's report cites a few documents;
 * more is a mistake on the command line. */
#define TDC_EVIDENCE_MAX 32
/* Longest free text of one field (result, difficulties ...): a page. */
#define TDC_TEXT_MAX 16384

/* ---- context shared by the replica commands ----------------------------- */

int64_t tdc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tdc_tz_default(void)
{
    setenv("TZ", "Asia/Ho_Chi_Minh", 0);
    tzset();
}

void tdc_fmt_time(int64_t ms, char *buf, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0) {
        snprintf(buf, n, "chưa bao giờ");
        return;
    }
    tdc_tz_default();
    localtime_r(&t, &tm);
    strftime(buf, n, "%d/%m/%Y %H:%M", &tm);
}

int tdc_ctx_open(tdc_ctx *c, const char *dir, const char *cmd)
{
    td_error e;
    FILE *f;
    memset(c, 0, sizeof *c);
    if (tdc_device_load(&c->dev, dir, &e)) {
        fprintf(stderr, "tiendo %s: thiết bị chưa được đăng ký hoặc thiếu tệp: %s\nHãy chạy `tiendo init` trước.\n",
                cmd, e.msg);
        return 1;
    }
    if (td_identity_load(&c->id, c->dev.key_path, c->dev.cert_path, &e)) {
        fprintf(stderr, "tiendo %s: không đọc được khóa hoặc chứng thư của thiết bị: %s (%s)\n", cmd,
                td_err_vi(e.code), e.msg);
        return 1;
    }
    f = fopen(c->dev.ca_path, "r");
    if (f) {
        c->ca = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (!c->ca) {
        fprintf(stderr, "tiendo %s: không đọc được chứng thư CA %s\n", cmd, c->dev.ca_path);
        td_identity_free(&c->id);
        return 1;
    }
    snprintf(c->db_path, sizeof c->db_path, "%s/%s", c->dev.dir, TDC_REPLICA_FILE);
    if (tdc_replica_open(&c->rep, c->db_path, c->ca, &e)) {
        fprintf(stderr, "tiendo %s: không mở được bản sao dữ liệu: %s (%s)\n", cmd, td_err_vi(e.code), e.msg);
        X509_free(c->ca);
        td_identity_free(&c->id);
        memset(c, 0, sizeof *c);
        return 1;
    }
    return 0;
}

void tdc_ctx_close(tdc_ctx *c)
{
    tdc_replica_close(c->rep);
    X509_free(c->ca);
    td_identity_free(&c->id);
    memset(c, 0, sizeof *c);
}

/* ---- helpers -------------------------------------------------------------- */

/* "YYYY-MM" with a real month. */
static int tdc__period_valid(const char *p)
{
    int y, m;
    char tail;
    if (strlen(p) != 7 || p[4] != '-') return 0;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (p[i] < '0' || p[i] > '9')) return 0;
    if (sscanf(p, "%4d-%2d%c", &y, &m, &tail) != 2) return 0;
    return y >= 2000 && y <= 2100 && m >= 1 && m <= 12;
}

/* "2025-05" -> "05/2025" for people. */
static void tdc__period_vi(const char *p, char out[8])
{
    snprintf(out, 8, "%.2s/%.4s", p + 5, p);
}

static int tdc__text_ok(const char *cmd, const char *opt, const char *s)
{
    size_t n = strlen(s);
    if (n > TDC_TEXT_MAX) {
        fprintf(stderr, "tiendo %s: %s dài quá %d byte\n", cmd, opt, TDC_TEXT_MAX);
        return 0;
    }
    if (!td_utf8_valid(s, n, NULL)) {
        fprintf(stderr, "tiendo %s: %s không phải văn bản UTF-8 hợp lệ\n", cmd, opt);
        return 0;
    }
    return 1;
}

static int tdc__usage_err(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "tiendo %s: %s%s\nXem: tiendo %s --help\n", cmd, msg, arg ? arg : "", cmd);
    return 2;
}

/* Today as yyyymmdd in local time (Asia/Ho_Chi_Minh). */
static int tdc__today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    tdc_tz_default();
    localtime_r(&t, &tm);
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Sign and queue; print the outcome.  Returns the exit code. */
static int tdc__queue(tdc_ctx *c, const char *cmd, int kind, const uint8_t *payload, size_t len,
                      const char *summary, const char *what_vi)
{
    const td_state *st = tdc_replica_state(c->rep);
    const td_author *me = st ? td_state_author(st, c->id.pk) : NULL;
    uint64_t seq;
    td_error e;
    if (tdc_replica_outbox_add(c->rep, &c->id, kind, payload, len, summary, tdc_now_ms(), me ? me->last_seq : 0,
                               &seq, &e)) {
        fprintf(stderr, "tiendo %s: không ghi được vào hộp thư đi: %s (%s)\n", cmd, td_err_vi(e.code), e.msg);
        return 1;
    }
    printf("Đã ghi %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). Số thứ tự của thiết bị: %llu.\n", what_vi,
           (unsigned long long)seq);
    return 0;
}

/* ---- tiendo report -------------------------------------------------------- */

static void tdc__report_usage(FILE *f)
{
    fputs("Cách dùng: tiendo report --task SỐ --period YYYY-MM [--state chua|dang|xong] [--percent P]\n"
          "                     [--result VĂN_BẢN] [--difficulties VĂN_BẢN] [--proposals VĂN_BẢN]\n"
          "                     [--evidence VĂN_BẢN]... [--done-date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
          "\n"
          "Ghi báo cáo tiến độ tháng của cơ quan mình về một nhiệm vụ vào hộp thư đi, ký bằng khóa\n"
          "thiết bị. Không cần mạng: báo cáo được gửi ở lần đồng bộ sau (tiendo sync).\n"
          "\n"
          "  --task SỐ            số thứ tự (TT) của nhiệm vụ trong kế hoạch\n"
          "  --period YYYY-MM     kỳ báo cáo (tháng), ví dụ 2025-05\n"
          "  --state TRẠNG_THÁI   chua (chưa triển khai), dang (đang thực hiện, mặc định),\n"
          "                       xong (đã hoàn thành, chờ Sở KH&CN thẩm định)\n"
          "  --percent P          phần trăm hoàn thành, 0..100 (xong: mặc định 100)\n"
          "  --result VĂN_BẢN     kết quả đạt được\n"
          "  --difficulties VB    khó khăn, vướng mắc\n"
          "  --proposals VB       đề xuất, kiến nghị\n"
          "  --evidence VB        văn bản, minh chứng (số hiệu, đường dẫn); lặp lại được\n"
          "  --done-date NGÀY     ngày hoàn thành khi xong (mặc định hôm nay)\n"
          "  --dir DIR            thư mục thiết bị (mặc định $TIENDO_HOME hoặc ~/.tiendo)\n"
          "\n"
          "Nếu bản sao đã có kế hoạch, nhiệm vụ không có trong kế hoạch bị từ chối; cơ quan không\n"
          "chủ trì hay phối hợp nhiệm vụ thì được cảnh báo (máy chủ sẽ quyết định).\n"
          "Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n",
          f);
}

int tdc_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"task", required_argument, 0, 't'},
                                         {"period", required_argument, 0, 'p'},
                                         {"state", required_argument, 0, 's'},
                                         {"percent", required_argument, 0, 'P'},
                                         {"result", required_argument, 0, 'r'},
                                         {"difficulties", required_argument, 0, 'D'},
                                         {"proposals", required_argument, 0, 'R'},
                                         {"evidence", required_argument, 0, 'e'},
                                         {"done-date", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "report";
    const char *dir = NULL, *period = NULL, *state_s = NULL;
    const char *result = "", *difficulties = "", *proposals = "";
    char *evidence[TDC_EVIDENCE_MAX];
    size_t n_evidence = 0;
    long task = 0, percent = -1;
    int done_date = 0, opt, rc;
    Tiendo__ReportPayload rp = TIENDO__REPORT_PAYLOAD__INIT;
    uint8_t *buf;
    size_t len;
    char pvi[8], summary[256], what[160];
    tdc_ctx c;
    const td_state *st;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 'd': dir = optarg; break;
        case 't':
            task = strtol(optarg, &end, 10);
            if (*end || end == optarg || task < 1 || task > TD_PLAN_TASK_NUMBER_MAX)
                return tdc__usage_err(cmd, "--task phải là số thứ tự nhiệm vụ (số nguyên dương): ", optarg);
            break;
        case 'p': period = optarg; break;
        case 's': state_s = optarg; break;
        case 'P':
            percent = strtol(optarg, &end, 10);
            if (*end || end == optarg || percent < 0 || percent > 100)
                return tdc__usage_err(cmd, "--percent phải từ 0 đến 100: ", optarg);
            break;
        case 'r': result = optarg; break;
        case 'D': difficulties = optarg; break;
        case 'R': proposals = optarg; break;
        case 'e':
            if (n_evidence == TDC_EVIDENCE_MAX) return tdc__usage_err(cmd, "quá nhiều --evidence", NULL);
            evidence[n_evidence++] = optarg;
            break;
        case 'n':
            if (td_date_parse_vi(optarg, &done_date) || !td_date_valid(done_date))
                return tdc__usage_err(cmd, "--done-date phải là ngày dd/mm/yyyy: ", optarg);
            break;
        case 'h': tdc__report_usage(stdout); return 0;
        default: tdc__report_usage(stderr); return 2;
        }
    }
    if (optind < argc) return tdc__usage_err(cmd, "tham số thừa: ", argv[optind]);
    if (!task) return tdc__usage_err(cmd, "thiếu --task", NULL);
    if (!period) return tdc__usage_err(cmd, "thiếu --period", NULL);
    if (!tdc__period_valid(period)) return tdc__usage_err(cmd, "--period phải có dạng YYYY-MM: ", period);
    rp.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
    if (state_s) {
        if (!strcmp(state_s, "chua")) rp.state = TIENDO__REPORT_STATE__REPORT_NOT_STARTED;
        else if (!strcmp(state_s, "dang")) rp.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
        else if (!strcmp(state_s, "xong")) rp.state = TIENDO__REPORT_STATE__REPORT_DONE;
        else return tdc__usage_err(cmd, "--state phải là chua, dang hoặc xong: ", state_s);
    }
    if (done_date && rp.state != TIENDO__REPORT_STATE__REPORT_DONE)
        return tdc__usage_err(cmd, "--done-date chỉ dùng với --state xong", NULL);
    if (!tdc__text_ok(cmd, "--result", result) || !tdc__text_ok(cmd, "--difficulties", difficulties) ||
        !tdc__text_ok(cmd, "--proposals", proposals))
        return 2;
    for (size_t i = 0; i < n_evidence; i++)
        if (!tdc__text_ok(cmd, "--evidence", evidence[i])) return 2;

    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    st = tdc_replica_state(c.rep);
    if (td_state_has_plan(st)) {
        const td_plan *plan = td_state_plan(st);
        if (!td_plan_task(plan, (int)task)) {
            fprintf(stderr, "tiendo report: nhiệm vụ số %ld không có trong kế hoạch %s (%zu nhiệm vụ). "
                            "Hãy kiểm tra số thứ tự (TT) của nhiệm vụ.\n",
                    task, plan->number ? plan->number : "", plan->n_tasks);
            tdc_ctx_close(&c);
            return 1;
        }
        if (!td_state_agency_on_task(st, (uint32_t)task, c.id.subject.agency))
            fprintf(stderr, "tiendo report: cảnh báo: cơ quan %s không chủ trì cũng không phối hợp nhiệm vụ %ld "
                            "theo kế hoạch hiện có; máy chủ có thể từ chối báo cáo này.\n",
                    c.id.subject.agency, task);
    } else {
        fprintf(stderr, "tiendo report: (bản sao chưa có kế hoạch: chưa kiểm tra được nhiệm vụ %ld; "
                        "sẽ kiểm tra khi đồng bộ)\n", task);
    }

    rp.task = (uint32_t)task;
    rp.agency = c.id.subject.agency;
    rp.period = (char *)period;
    if (percent < 0) percent = rp.state == TIENDO__REPORT_STATE__REPORT_DONE ? 100 : 0;
    rp.percent = (uint32_t)percent;
    rp.result = (char *)result;
    rp.difficulties = (char *)difficulties;
    rp.proposals = (char *)proposals;
    rp.n_evidence = n_evidence;
    rp.evidence = evidence;
    if (rp.state == TIENDO__REPORT_STATE__REPORT_DONE) rp.done_date = done_date ? done_date : tdc__today();
    len = tiendo__report_payload__get_packed_size(&rp);
    buf = malloc(len ? len : 1);
    if (!buf) {
        tdc_ctx_close(&c);
        fprintf(stderr, "tiendo report: %s\n", td_err_vi(TD_ENOMEM));
        return 1;
    }
    tiendo__report_payload__pack(&rp, buf);
    tdc__period_vi(period, pvi);
    snprintf(summary, sizeof summary, "báo cáo nhiệm vụ %ld, kỳ %s: %s, %ld%%", task, pvi,
             rp.state == TIENDO__REPORT_STATE__REPORT_DONE       ? "đã hoàn thành"
             : rp.state == TIENDO__REPORT_STATE__REPORT_NOT_STARTED ? "chưa triển khai"
                                                                    : "đang thực hiện",
             percent);
    snprintf(what, sizeof what, "báo cáo nhiệm vụ %ld kỳ %s", task, pvi);
    rc = tdc__queue(&c, cmd, TIENDO__ENTRY_KIND__ENTRY_REPORT, buf, len, summary, what);
    free(buf);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo indicator ----------------------------------------------------- */

static void tdc__indicator_usage(FILE *f)
{
    fputs("Cách dùng: tiendo indicator --code MÃ --period YYYY-MM (--value SỐ | --text VĂN_BẢN) [--dir THƯ_MỤC]\n"
          "\n"
          "Ghi giá trị một chỉ tiêu (Phụ lục I của kế hoạch) cho một kỳ vào hộp thư đi, ký bằng khóa\n"
          "thiết bị; gửi ở lần đồng bộ sau.\n"
          "\n"
          "  --code MÃ            mã chỉ tiêu, ví dụ 7.1 hoặc II.3\n"
          "  --period YYYY-MM     kỳ (tháng)\n"
          "  --value SỐ           giá trị số (dấu thập phân là ',' hoặc '.')\n"
          "  --text VĂN_BẢN       giá trị định tính hoặc ghi chú (dùng được cùng --value)\n"
          "  --dir DIR            thư mục thiết bị\n"
          "Mã thoát: 0 đã ghi, 1 lỗi, 2 sai cú pháp.\n",
          f);
}

/* Does agency monitor indicator ind (groups and successors expanded)? */
static int tdc__monitors(const td_state *st, const td_indicator *ind, const char *agency)
{
    for (size_t i = 0; i < ind->n_monitors; i++) {
        const char **v = NULL;
        size_t n = 0;
        int hit = 0;
        if (td_registry_expand(td_state_registry(st), &ind->monitors[i], tdc__today(), 0, &v, &n)) continue;
        for (size_t k = 0; k < n; k++)
            if (!strcmp(v[k], agency)) hit = 1;
        free(v);
        if (hit) return 1;
    }
    return 0;
}

int tdc_cmd_indicator(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"code", required_argument, 0, 'c'},
                                         {"period", required_argument, 0, 'p'},
                                         {"value", required_argument, 0, 'v'},
                                         {"text", required_argument, 0, 't'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "indicator";
    const char *dir = NULL, *code = NULL, *period = NULL, *text = NULL, *value_s = NULL;
    Tiendo__IndicatorPayload ip = TIENDO__INDICATOR_PAYLOAD__INIT;
    double value = 0;
    int opt, rc;
    uint8_t *buf;
    size_t len;
    char pvi[8], summary[256], what[160];
    tdc_ctx c;
    const td_state *st;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'c': code = optarg; break;
        case 'p': period = optarg; break;
        case 'v': value_s = optarg; break;
        case 't': text = optarg; break;
        case 'h': tdc__indicator_usage(stdout); return 0;
        default: tdc__indicator_usage(stderr); return 2;
        }
    }
    if (optind < argc) return tdc__usage_err(cmd, "tham số thừa: ", argv[optind]);
    if (!code || !*code) return tdc__usage_err(cmd, "thiếu --code", NULL);
    if (strlen(code) >= sizeof ((td_indicator_value *)0)->code)
        return tdc__usage_err(cmd, "mã chỉ tiêu quá dài: ", code);
    if (!period) return tdc__usage_err(cmd, "thiếu --period", NULL);
    if (!tdc__period_valid(period)) return tdc__usage_err(cmd, "--period phải có dạng YYYY-MM: ", period);
    if (!value_s && !text) return tdc__usage_err(cmd, "cần --value hoặc --text", NULL);
    if (value_s) {
        char tmp[64], *end;
        if (strlen(value_s) >= sizeof tmp) return tdc__usage_err(cmd, "--value không phải là số: ", value_s);
        snprintf(tmp, sizeof tmp, "%s", value_s);
        for (char *p = tmp; *p; p++)
            if (*p == ',') *p = '.';   /* Vietnamese decimal comma */
        value = strtod(tmp, &end);
        if (end == tmp || *end || value != value) return tdc__usage_err(cmd, "--value không phải là số: ", value_s);
    }
    if (text && !tdc__text_ok(cmd, "--text", text)) return 2;
    if (!tdc__text_ok(cmd, "--code", code)) return 2;

    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    st = tdc_replica_state(c.rep);
    if (td_state_has_plan(st)) {
        const td_indicator *ind = td_plan_indicator(td_state_plan(st), code);
        if (!ind) {
            fprintf(stderr, "tiendo indicator: chỉ tiêu mã \"%s\" không có trong kế hoạch. "
                            "Hãy kiểm tra mã chỉ tiêu (Phụ lục I).\n", code);
            tdc_ctx_close(&c);
            return 1;
        }
        if (c.id.subject.role == TD_ROLE_OFFICE && !tdc__monitors(st, ind, c.id.subject.agency))
            fprintf(stderr, "tiendo indicator: cảnh báo: cơ quan %s không theo dõi chỉ tiêu %s theo kế hoạch; "
                            "máy chủ có thể từ chối giá trị này.\n", c.id.subject.agency, code);
    }
    ip.code = (char *)code;
    ip.agency = c.id.subject.agency;
    ip.period = (char *)period;
    ip.has_value = value_s != NULL;
    ip.value = value;
    ip.text = (char *)(text ? text : "");
    len = tiendo__indicator_payload__get_packed_size(&ip);
    buf = malloc(len ? len : 1);
    if (!buf) {
        tdc_ctx_close(&c);
        fprintf(stderr, "tiendo indicator: %s\n", td_err_vi(TD_ENOMEM));
        return 1;
    }
    tiendo__indicator_payload__pack(&ip, buf);
    tdc__period_vi(period, pvi);
    if (value_s)
        snprintf(summary, sizeof summary, "chỉ tiêu %s, kỳ %s: %s", code, pvi, value_s);
    else
        snprintf(summary, sizeof summary, "chỉ tiêu %s, kỳ %s: %.60s", code, pvi, text);
    snprintf(what, sizeof what, "giá trị chỉ tiêu %s kỳ %s", code, pvi);
    rc = tdc__queue(&c, cmd, TIENDO__ENTRY_KIND__ENTRY_INDICATOR, buf, len, summary, what);
    free(buf);
    tdc_ctx_close(&c);
    return rc;
}
