/*
 * cmd_audit.c — `tiendo audit`: the inspector's commands over a whole log,
 * fully offline.
 *   verify   re-checks every entry, the Merkle tree and every checkpoint
 *            (client/audit.h) and prints the first discrepancy or a summary;
 *   history  who wrote what and when on a task or for an agency, with log
 *            indexes, as text or as CSV for Excel.
 * Source: the inspector's replica (--dir DEVDIR: replica.db and ca.crt) or a
 * copy of the server's database (--db server.db --ca CA.crt), read-only.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "audit.h"
#include "cli.h"
#include "cmds.h"
#include "entry.h"
#include "log.pb-c.h"
#include "x509util.h"

/* Summary text of one history row: a state, a percent, a short excerpt. */
#define TDA_SUMMARY_MAX 512
/* Characters of a report's result text quoted in the summary. */
#define TDA_EXCERPT_MAX 120
/* --witness-cert given at most this many times (the inspectorate has a
 * handful of witness devices). */
#define TDA_WITNESS_CERTS_MAX 16

typedef struct tda_opts {
    const char *dir, *db, *ca, *origin;
    long long task;          /* -1: not given */
    const char *agency;
    int csv;
    const char *witness_certs[TDA_WITNESS_CERTS_MAX];
    size_t n_witness_certs;
} tda_opts;

static void tda__usage(FILE *f)
{
    fputs("Cách dùng: tiendo audit verify [--dir THƯ_MỤC | --db server.db --ca CA.crt] [--origin O]\n"
          "                              [--witness-cert TỆP]...\n"
          "           tiendo audit history (--task SỐ | --agency MÃ) [--csv] [--dir THƯ_MỤC | --db server.db --ca CA.crt]\n"
          "\n"
          "Kiểm toán nhật ký (dành cho thanh tra), không cần mạng.\n"
          "  verify    kiểm tra lại từng mục (chữ ký, chứng thư tác giả, số thứ tự), tính lại cây Merkle\n"
          "            và trạng thái tổng hợp, đối chiếu với mọi checkpoint máy chủ đã ký; báo chỗ không\n"
          "            khớp đầu tiên (chỉ số mục, tác giả, nội dung khác), hoặc bản tóm tắt.\n"
          "  history   ai đã ghi gì, khi nào, về một nhiệm vụ hoặc một cơ quan, kèm chỉ số mục nhật ký;\n"
          "            lịch sử một cơ quan gồm mọi mục cơ quan đó nhận được: của chính nó, của cơ quan tiền\n"
          "            nhiệm, và về các nhiệm vụ nó chủ trì hoặc phối hợp theo kế hoạch và danh mục cơ quan\n"
          "            hiện hành.\n"
          "\n"
          "  --dir DIR      thư mục thiết bị thanh tra (bản sao replica.db và ca.crt; mặc định\n"
          "                 $TIENDO_HOME hoặc ~/.tiendo)\n"
          "  --db FILE      bản sao cơ sở dữ liệu của máy chủ (server.db), mở chỉ đọc\n"
          "  --ca FILE      chứng thư CA của tỉnh (bắt buộc với --db)\n"
          "  --origin O     nguồn gốc checkpoint cần có (mặc định: dòng đầu checkpoint đầu tiên)\n"
          "  --witness-cert TỆP  chứng thư thiết bị thanh tra để kiểm chữ ký chứng kiến (cosignature);\n"
          "                 với --dir, chứng thư của chính thiết bị thanh tra được dùng sẵn\n"
          "  --task N       lịch sử của nhiệm vụ số N\n"
          "  --agency MÃ    lịch sử của cơ quan (mã, ví dụ so-y-te)\n"
          "  --csv          xuất CSV UTF-8 (có BOM, xuống dòng CRLF) để mở bằng Excel\n"
          "Mã thoát: 0 hợp lệ, 1 không khớp hoặc lỗi, 2 sai cú pháp.\n",
          f);
}

static int tda__parse(int argc, char **argv, tda_opts *o)
{
    static const struct option lo[] = {{"dir", required_argument, NULL, 'd'},   {"db", required_argument, NULL, 'b'},
                                       {"ca", required_argument, NULL, 'c'},    {"origin", required_argument, NULL, 'o'},
                                       {"task", required_argument, NULL, 't'},  {"agency", required_argument, NULL, 'a'},
                                       {"csv", no_argument, NULL, 'v'},         {"help", no_argument, NULL, 'h'},
                                       {"witness-cert", required_argument, NULL, 'w'},
                                       {NULL, 0, NULL, 0}};
    int ch;
    char *end;
    memset(o, 0, sizeof *o);
    o->task = -1;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (ch) {
        case 'd': o->dir = optarg; break;
        case 'b': o->db = optarg; break;
        case 'c': o->ca = optarg; break;
        case 'o': o->origin = optarg; break;
        case 't':
            o->task = strtoll(optarg, &end, 10);
            if (*end || o->task < 1 || o->task > UINT32_MAX) {
                fprintf(stderr, "tiendo audit: số nhiệm vụ không hợp lệ: \"%s\"\n", optarg);
                return 2;
            }
            break;
        case 'a': o->agency = optarg; break;
        case 'v': o->csv = 1; break;
        case 'w':
            if (o->n_witness_certs == TDA_WITNESS_CERTS_MAX) {
                fprintf(stderr, "tiendo audit: quá %d --witness-cert\n", TDA_WITNESS_CERTS_MAX);
                return 2;
            }
            o->witness_certs[o->n_witness_certs++] = optarg;
            break;
        case 'h': tda__usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "audit", ch, argv);
        }
    }
    if (optind != argc) {
        fprintf(stderr, "tiendo audit: tham số thừa: \"%s\"\n", argv[optind]);
        return 2;
    }
    if (o->db && o->dir) {
        fprintf(stderr, "tiendo audit: chỉ dùng một trong --dir và --db\n");
        return 2;
    }
    if (o->db && !o->ca) {
        fprintf(stderr, "tiendo audit: --db cần --ca (chứng thư CA của tỉnh, lấy độc lập với máy chủ)\n");
        return 2;
    }
    return -1;
}

/* Open the source and the CA; prints a Vietnamese message and returns 1 on failure. */
static int tda__open_source(const tda_opts *o, tda_db **db, X509 **ca)
{
    td_error e = {0};
    char path[PATH_MAX + 32];
    const char *ca_path = o->ca;
    tdc_device dev;
    *db = NULL;
    *ca = NULL;
    if (o->db) {
        snprintf(path, sizeof path, "%s", o->db);
    } else {
        tdc_device_paths(&dev, o->dir);
        snprintf(path, sizeof path, "%s/replica.db", dev.dir);
        if (!ca_path) ca_path = dev.ca_path;
    }
    if (td_x509_read_cert(ca_path, ca, &e)) {
        fprintf(stderr, "tiendo audit: không đọc được chứng thư CA %s: %s (%s)\n", ca_path, td_err_vi(e.code), e.msg);
        return 1;
    }
    if ((o->db ? tda_db_open_server(path, db, &e) : tda_db_open_replica(path, db, &e))) {
        fprintf(stderr, "tiendo audit: không mở được %s: %s (%s)\n", path, td_err_vi(e.code), e.msg);
        X509_free(*ca);
        *ca = NULL;
        return 1;
    }
    return 0;
}

/* Witness keys: each --witness-cert (must be an inspector's, from the CA),
 * and with --dir the device's own certificate if it is an inspector's. */
static int tda__witness_keys(const tda_opts *o, X509 *ca, tda_witness_key *wk, size_t *n)
{
    td_error e = {0};
    X509 *x;
    tdc_device dev;
    *n = 0;
    for (size_t i = 0; i < o->n_witness_certs; i++) {
        x = NULL;
        if (td_x509_read_cert(o->witness_certs[i], &x, &e) || tda_witness_key_from_cert(x, ca, &wk[*n], &e)) {
            if (x) X509_free(x);
            fprintf(stderr, "tiendo audit verify: chứng thư chứng kiến %s không dùng được: %s (%s)\n", o->witness_certs[i],
                    td_err_vi(e.code), e.msg);
            return 1;
        }
        X509_free(x);
        (*n)++;
    }
    if (!o->db) {
        tdc_device_paths(&dev, o->dir);
        x = NULL;
        if (!td_x509_read_cert(dev.cert_path, &x, &e) && !tda_witness_key_from_cert(x, ca, &wk[*n], &e)) (*n)++;
        X509_free(x);
    }
    return 0;
}

static int tda__verify(int argc, char **argv)
{
    tda_opts o;
    tda_db *db;
    X509 *ca;
    tda_source src;
    tda_result *res = NULL;
    tda_witness_key wk[TDA_WITNESS_CERTS_MAX + 1];
    size_t n_wk;
    td_error e = {0};
    int rc = tda__parse(argc, argv, &o);
    if (rc >= 0) return rc;
    if (o.task >= 0 || o.agency || o.csv) {
        fprintf(stderr, "tiendo audit verify: --task, --agency, --csv chỉ dùng với history\n");
        return 2;
    }
    if (tda__open_source(&o, &db, &ca)) return 1;
    src = tda_db_source(db);
    if (tda__witness_keys(&o, ca, wk, &n_wk)) {
        rc = 1;
        goto out;
    }
    if (!(res = malloc(sizeof *res))) {
        fprintf(stderr, "tiendo audit verify: %s\n", td_err_vi(TD_ENOMEM));
        rc = 1;
        goto out;
    }
    if (tda_verify(&src, ca, o.origin, wk, n_wk, res, &e)) {
        fprintf(stderr, "tiendo audit verify: không đọc hết được nhật ký: %s (%s)\n", td_err_vi(e.code), e.msg);
        rc = 1;
        goto out;
    }
    printf("Nguồn: %s %s\n", tda_db_is_replica(db) ? "bản sao của thiết bị thanh tra," : "bản sao cơ sở dữ liệu máy chủ,",
           o.db ? o.db : (o.dir ? o.dir : "thư mục mặc định"));
    tda_result_print(res, stdout);
    if (!res->ok && tda_db_is_replica(db) && strstr(res->what, "bị thiếu"))
        printf("(Bản sao của một cơ quan chỉ có phần nhật ký cơ quan đó được xem; hãy kiểm toán bằng bản sao của thiết bị\n"
               " thanh tra, hoặc bản sao cơ sở dữ liệu máy chủ với --db.)\n");
    rc = res->ok ? 0 : 1;
out:
    free(res);
    tda_db_close(db);
    X509_free(ca);
    return rc;
}

/* ---- history ---------------------------------------------------------------- */

typedef struct tda_hist {
    const tda_opts *o;
    td_state *st;
    const td_registry *pre;      /* the whole log's registry: predecessors of o->agency */
    const td_state *vis;         /* the whole log's state: what o->agency's office sees (visibility rule) */
    uint64_t n_rows;
    int fatal;
    td_error *err;
} tda_hist;

static void tda__period_vi(const char *p, char *out, size_t n)
{
    if (strlen(p) == 7 && p[4] == '-') snprintf(out, n, "%.2s/%.4s", p + 5, p);
    else snprintf(out, n, "%s", p);
}

static const char *tda__state_vi(int s)
{
    switch (s) {
    case TIENDO__REPORT_STATE__REPORT_NOT_STARTED: return "chưa triển khai";
    case TIENDO__REPORT_STATE__REPORT_IN_PROGRESS: return "đang thực hiện";
    case TIENDO__REPORT_STATE__REPORT_DONE: return "đã hoàn thành";
    default: return "không rõ";
    }
}

/* Copy at most max bytes of s, not cutting a UTF-8 sequence, with "…" if cut. */
static void tda__excerpt(const char *s, size_t max, char *out, size_t n)
{
    size_t l = strlen(s);
    if (l <= max) {
        snprintf(out, n, "%s", s);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    snprintf(out, n, "%.*s…", (int)max, s);
}

/* Is slug o->agency, or one of its predecessors (renamed, merged or split
 * into it): a successor's history carries theirs, each entry under its author. */
static int tda__mine(const tda_opts *o, const td_registry *pre, const char *slug)
{
    if (!o->agency || !slug) return 0;
    return !strcmp(slug, o->agency) || (pre && td_registry_is_predecessor(pre, slug, o->agency));
}

/* Agency, period and summary of an entry; *matches: concerns o->agency. */
static void tda__describe(const Tiendo__Entry *e, const tda_opts *o, const td_registry *pre, char *period, size_t pn,
                          char *sum, size_t sn, int *about_agency)
{
    char ex[TDA_EXCERPT_MAX * 2];
    *period = *sum = '\0';
    switch (e->kind) {
    case TIENDO__ENTRY_KIND__ENTRY_REPORT: {
        Tiendo__ReportPayload *p = tiendo__report_payload__unpack(NULL, e->payload.len, e->payload.data);
        if (!p) break;
        tda__period_vi(p->period, period, pn);
        tda__excerpt(p->result, TDA_EXCERPT_MAX, ex, sizeof ex);
        snprintf(sum, sn, "nhiệm vụ %u, %s: %s, %u%%%s%s", p->task, p->agency, tda__state_vi(p->state), p->percent,
                 *ex ? "; kết quả: " : "", ex);
        *about_agency = tda__mine(o, pre, p->agency);
        tiendo__report_payload__free_unpacked(p, NULL);
        return;
    }
    case TIENDO__ENTRY_KIND__ENTRY_INDICATOR: {
        Tiendo__IndicatorPayload *p = tiendo__indicator_payload__unpack(NULL, e->payload.len, e->payload.data);
        if (!p) break;
        tda__period_vi(p->period, period, pn);
        tda__excerpt(p->text, TDA_EXCERPT_MAX, ex, sizeof ex);
        if (p->has_value) snprintf(sum, sn, "chỉ tiêu %s, %s: %g%s%s", p->code, p->agency, p->value, *ex ? "; " : "", ex);
        else snprintf(sum, sn, "chỉ tiêu %s, %s: %s", p->code, p->agency, ex);
        *about_agency = tda__mine(o, pre, p->agency);
        tiendo__indicator_payload__free_unpacked(p, NULL);
        return;
    }
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW: {
        Tiendo__ReviewPayload *p = tiendo__review_payload__unpack(NULL, e->payload.len, e->payload.data);
        char ah[17] = "?";
        if (!p) break;
        if (p->report_author.len == 32) td_key_short_hex(p->report_author.data, ah);
        tda__excerpt(p->comment, TDA_EXCERPT_MAX, ex, sizeof ex);
        snprintf(sum, sn, "nhiệm vụ %u, %s: %s báo cáo (tác giả %s, số %" PRIu64 ")%s%s", p->task, p->agency,
                 p->accept ? "chấp nhận" : "trả lại", ah, p->report_seq, *ex ? "; ý kiến: " : "", ex);
        *about_agency = tda__mine(o, pre, p->agency);
        tiendo__review_payload__free_unpacked(p, NULL);
        return;
    }
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION: {
        Tiendo__ConditionPayload *p = tiendo__condition_payload__unpack(NULL, e->payload.len, e->payload.data);
        if (!p) break;
        snprintf(sum, sn, "nhiệm vụ %u: điều kiện đã đáp ứng ngày %02d/%02d/%04d, hạn %02d/%04d", p->task,
                 p->met_date % 100, p->met_date / 100 % 100, p->met_date / 10000, p->due_month, p->due_year);
        tiendo__condition_payload__free_unpacked(p, NULL);
        return;
    }
    default: break;
    }
    snprintf(sum, sn, "%s", td_entry_kind_vi(e->kind));
}

/* One cell of the history CSV (common/csv.h: quoted, no formula). */
static void tda__csv_field(FILE *f, const char *s, int last)
{
    td_csv_text(f, s);
    if (last) td_csv_eol(f);
    else td_csv_sep(f);
}

/* An entry on a task that o->agency's office receives under the visibility
 * rule (docs/LOG.md §7), judged as the whole log leaves the plan and the
 * registry, as the office's replica is after its rescan: reports, reviews
 * and conditions on tasks it is lead or partner of, successors followed
 * (tasks it became partner of, or took over from a predecessor).  Plan,
 * agency, certificate and revocation entries reach every office and are
 * not its history. */
static int tda__office_sees(const tda_hist *h, const td_entry *en)
{
    int kind = (int)en->e->kind;
    if (!h->vis || !h->o->agency) return 0;
    if (kind != TIENDO__ENTRY_KIND__ENTRY_REPORT && kind != TIENDO__ENTRY_KIND__ENTRY_REVIEW &&
        kind != TIENDO__ENTRY_KIND__ENTRY_CONDITION)
        return 0;
    return td_state_visible(h->vis, kind, en->e->agency, td_payload_task(kind, en->e->payload.data, en->e->payload.len),
                            h->o->agency, TD_ROLE_OFFICE);
}

static int tda__hist_row(void *arg, const tda_row *row)
{
    tda_hist *h = arg;
    const tda_opts *o = h->o;
    td_entry en = {0};
    td_error e = {0};
    td_apply_result ar;
    const td_author *a;
    char device[TD_DEVICE_MAX + 64], signed_at[32], recv_at[32], period[32], sum[TDA_SUMMARY_MAX], idx[24], ah[17];
    int about = 0, rc, show;
    if (td_entry_decode(row->body, row->len, &en, &e)) return 0;   /* verify reports it; history shows what decodes */
    a = td_state_author(h->st, en.e->author.data);
    td_key_short_hex(en.e->author.data, ah);
    if (a && a->is_server) snprintf(device, sizeof device, "máy chủ (%s)", a->device);
    else if (a) snprintf(device, sizeof device, "%s", a->device);
    else snprintf(device, sizeof device, "không rõ (khóa %s)", ah);
    if ((rc = td_state_apply(h->st, row->idx, row->body, row->len, row->received_ms, &ar, &e))) {
        td_entry_free(&en);
        h->fatal = td_error_set(h->err, rc, "audit history: index %" PRIu64 ": %s", row->idx, e.msg);
        return 1;
    }
    tda__describe(en.e, o, h->pre, period, sizeof period, sum, sizeof sum, &about);
    if (o->task >= 0) show = ar.task == (uint32_t)o->task;
    else show = about || tda__mine(o, h->pre, en.e->agency) || tda__office_sees(h, &en);
    if (show) {
        tdc_fmt_time(en.e->device_time_ms, signed_at, sizeof signed_at);
        tdc_fmt_time(row->received_ms, recv_at, sizeof recv_at);
        snprintf(idx, sizeof idx, "%" PRIu64, row->idx);
        if (o->csv) {
            tda__csv_field(stdout, idx, 0);
            tda__csv_field(stdout, signed_at, 0);
            tda__csv_field(stdout, recv_at, 0);
            tda__csv_field(stdout, *en.e->agency ? en.e->agency : "(máy chủ)", 0);
            tda__csv_field(stdout, device, 0);
            tda__csv_field(stdout, td_entry_kind_vi(en.e->kind), 0);
            tda__csv_field(stdout, period, 0);
            tda__csv_field(stdout, sum, 0);
            tda__csv_field(stdout, ar.refused ? ar.reason : "", 1);
        } else {
            printf("mục %s  ký %s  nhận %s  %s / %s  %s%s%s: %s\n", idx, signed_at, recv_at,
                   *en.e->agency ? en.e->agency : "(máy chủ)", device, td_entry_kind_vi(en.e->kind), *period ? " kỳ " : "",
                   period, sum);
            if (ar.refused) printf("    BỊ TỪ CHỐI: %s\n", ar.reason);
        }
        h->n_rows++;
    }
    td_entry_free(&en);
    return 0;
}

static int tda__history(int argc, char **argv)
{
    tda_opts o;
    tda_db *db;
    X509 *ca;
    tda_source src;
    tda_hist h = {0};
    td_error e = {0};
    td_state *pre_st = NULL;
    int rc = tda__parse(argc, argv, &o);
    if (rc >= 0) return rc;
    if ((o.task >= 0) == (o.agency != NULL)) {
        fprintf(stderr, "tiendo audit history: cần đúng một trong --task SỐ và --agency MÃ\n");
        return 2;
    }
    if (o.origin || o.n_witness_certs) {
        fprintf(stderr, "tiendo audit history: --origin, --witness-cert chỉ dùng với verify\n");
        return 2;
    }
    if (tda__open_source(&o, &db, &ca)) return 1;
    tdc_tz_default();
    src = tda_db_source(db);
    h.o = &o;
    h.err = &e;
    if (!(h.st = td_state_new(ca))) {
        fprintf(stderr, "tiendo audit history: %s\n", td_err_vi(TD_ENOMEM));
        rc = 1;
        goto out;
    }
    if (o.agency) {
        /* a first pass for the registry as the whole log leaves it: the
         * predecessors of o.agency are known before their entries scroll by */
        tda_hist pre = {0};
        tda_opts none = o;
        none.agency = NULL;
        none.task = -2;   /* matches no task: nothing printed */
        pre.o = &none;
        pre.err = &e;
        if (!(pre.st = td_state_new(ca))) {
            fprintf(stderr, "tiendo audit history: %s\n", td_err_vi(TD_ENOMEM));
            rc = 1;
            goto out;
        }
        rc = src.scan(src.arg, tda__hist_row, &pre, &e);
        if (pre.fatal || rc < 0) {
            td_state_free(pre.st);
            fprintf(stderr, "tiendo audit history: không đọc hết được nhật ký: %s (%s)\n", td_err_vi(e.code), e.msg);
            rc = 1;
            goto out;
        }
        pre_st = pre.st;
        h.pre = td_state_registry(pre_st);
        h.vis = pre_st;
        if (!o.csv) printf("Lịch sử cơ quan %s:\n", o.agency);
        {
            int any = 0;
            for (size_t i = 0; i < h.pre->n_agencies; i++)
                if (td_registry_is_predecessor(h.pre, h.pre->agencies[i].slug, o.agency)) {
                    if (!o.csv) printf("%s%s (%s)", any ? ", " : "Gồm cả cơ quan tiền nhiệm: ", h.pre->agencies[i].slug,
                                       h.pre->agencies[i].name);
                    any = 1;
                }
            if (any && !o.csv) printf(" — mỗi mục ghi tên cơ quan và thiết bị đã ký.\n");
        }
    }
    if (o.csv) {
        fputs("\xEF\xBB\xBF", stdout);   /* BOM: Excel then reads UTF-8 */
        fputs("\"Chỉ số mục\",\"Thời điểm ký\",\"Thời điểm máy chủ nhận\",\"Cơ quan\",\"Thiết bị\",\"Loại\",\"Kỳ\","
              "\"Nội dung\",\"Lý do bị từ chối\"\r\n",
              stdout);
    } else if (o.task >= 0) {
        printf("Lịch sử nhiệm vụ số %lld:\n", o.task);
    }
    rc = src.scan(src.arg, tda__hist_row, &h, &e);
    if (h.fatal || rc < 0) {
        fprintf(stderr, "tiendo audit history: không đọc hết được nhật ký: %s (%s)\n", td_err_vi(e.code), e.msg);
        rc = 1;
        goto out;
    }
    if (!o.csv) printf("Tổng cộng: %" PRIu64 " mục.\n", h.n_rows);
    rc = fflush(stdout) ? 1 : 0;
out:
    td_state_free(h.st);
    td_state_free(pre_st);
    tda_db_close(db);
    X509_free(ca);
    return rc;
}

int tdc_cmd_audit(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        tda__usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "verify")) return tda__verify(argc - 1, argv + 1);
    if (!strcmp(argv[1], "history")) return tda__history(argc - 1, argv + 1);
    fprintf(stderr, "tiendo audit: lệnh con không tồn tại: \"%s\"\n", argv[1]);
    tda__usage(stderr);
    return 2;
}
