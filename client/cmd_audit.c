/*
 * cmd_audit.c — `tiendo audit`: the inspector's commands over a whole log,
 * fully offline.
 *   verify   re-checks every entry, the Merkle tree and every checkpoint
 *            (client/audit.h) and prints the first discrepancy or a summary;
 *   history  who wrote what and when on a task or for an agency, with log
 *            indexes, as text or as CSV for Excel.
 * Source: the inspector's replica (--dir DEVDIR: replica.db and ca.crt) or a
 * copy of the server's database (--db server.db --ca CA.crt), read-only.
 * verify always folds every signed entry again; history from a replica reads
 * each entry's outcome from the replica's persisted fold (docs/LOG.md §10,
 * "History from the persisted fold").
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "refusal.h"
#include "audit.h"
#include "audit_hist.h"
#include "cli.h"
#include "clock.h"
#include "cmds.h"
#include "entry.h"
#include "log.pb-c.h"
#include "msg.h"
#include "x509util.h"

/* Summary text of one history row: a state, a percent, a short excerpt. */
/* Characters of a report's result text quoted in the summary. */
/* --witness-cert given at most this many times (the inspectorate has a
 * handful of witness devices). */
#define TDA_WITNESS_CERTS_MAX 16

typedef struct tda_opts {
    const char *dir, *db, *ca, *origin;
    long long task;          /* -1: not given */
    char task_plan[TD_PLAN_NUMBER_MAX + 1];   /* --task KẾ_HOẠCH:SỐ: the plan, resolved as the log is read */
    const char *agency;
    int csv;
    const char *witness_certs[TDA_WITNESS_CERTS_MAX];
    size_t n_witness_certs;
} tda_opts;

static const td_cli_opt tda__opts[] = {
    {"verify", TD_CLI_WORD, 0, NULL,
     "kiểm tra lại từng mục (chữ ký, chứng thư tác giả, số thứ tự), tính lại cây Merkle và trạng thái tổng hợp, đối "
     "chiếu với mọi checkpoint máy chủ đã ký; báo chỗ không khớp đầu tiên (chỉ số mục, tác giả, nội dung khác), hoặc "
     "bản tóm tắt"},
    {"history", TD_CLI_WORD, 0, NULL,
     "ai đã ghi gì, khi nào, về một nhiệm vụ hoặc một cơ quan, kèm chỉ số mục nhật ký; lịch sử một cơ quan gồm mọi "
     "mục cơ quan đó nhận được: của chính nó, của cơ quan tiền nhiệm, và về các nhiệm vụ nó chủ trì hoặc phối hợp "
     "theo kế hoạch và danh mục cơ quan hiện hành; với --dir, kết quả từng mục (bị từ chối hay không, lý do) lấy từ "
     "trạng thái tổng hợp bản sao đã lưu khi đồng bộ, giống hệt khi tính lại từ đầu; muốn biết nhật ký có toàn vẹn "
     "không, dùng audit verify"},
    {"dir", required_argument, 'd', "THƯ_MỤC",
     "thư mục thiết bị thanh tra (bản sao replica.db và ca.crt; mặc định $TIENDO_HOME hoặc ~/.tiendo)"},
    {"db", required_argument, 'b', "TỆP", "bản sao cơ sở dữ liệu của máy chủ (server.db), mở chỉ đọc"},
    {"ca", required_argument, 'c', "TỆP", "chứng thư CA của tỉnh (bắt buộc với --db)"},
    {"origin", required_argument, 'o', "TÊN", "nguồn gốc checkpoint cần có (mặc định: dòng đầu checkpoint đầu tiên)"},
    {"witness-cert", required_argument, 'w', "TỆP",
     "chứng thư thiết bị thanh tra để kiểm chữ ký chứng kiến (cosignature); với --dir, chứng thư của chính thiết bị "
     "thanh tra được dùng sẵn; lặp lại được"},
    {"task", required_argument, 't', "SỐ", "lịch sử của nhiệm vụ số SỐ"},
    {"agency", required_argument, 'a', "MÃ", "lịch sử của cơ quan (mã, ví dụ so-y-te)"},
    {"csv", no_argument, 'v', NULL, "xuất CSV UTF-8 (có BOM, xuống dòng CRLF) để mở bằng Excel"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tda__spec = {
    .prog = "tiendo",
    .cmd = "audit",
    .usage = "tiendo audit verify [--dir THƯ_MỤC | --db TỆP --ca TỆP] [--origin TÊN] [--witness-cert TỆP]...\n"
             "tiendo audit history (--task SỐ | --agency MÃ) [--csv] [--dir THƯ_MỤC | --db TỆP --ca TỆP]",
    .about = "Kiểm toán nhật ký (dành cho thanh tra), không cần mạng.",
    .opts = {tda__opts},
    .exit_codes = "Mã thoát: 0 hợp lệ, 1 không khớp hoặc lỗi, 2 sai cú pháp.\n",
};
static void tda__usage(FILE *f) { td_cli_help(&tda__spec, f); }

static int tda__parse(int argc, char **argv, tda_opts *o)
{
    struct option lo[TD_CLI_OPTS_MAX];
    int ch;
    char *end;
    memset(o, 0, sizeof *o);
    o->task = -1;
    optind = 1;
    if (td_cli_longopts(&tda__spec, lo, TD_CLI_OPTS_MAX)) return 1;
    while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (ch) {
        case 'd': o->dir = optarg; break;
        case 'b': o->db = optarg; break;
        case 'c': o->ca = optarg; break;
        case 'o': o->origin = optarg; break;
        case 't': {
            const char *colon = strrchr(optarg, ':');
            if (colon && (size_t)(colon - optarg) <= TD_PLAN_NUMBER_MAX)
                snprintf(o->task_plan, sizeof o->task_plan, "%.*s", (int)(colon - optarg), optarg);
            o->task = strtoll(colon ? colon + 1 : optarg, &end, 10);
            if (*end || o->task < 1 || o->task > UINT32_MAX || (colon && o->task >= (long long)TD_TASK_NUMBER_LIMIT)) {
                fprintf(stderr, "tiendo audit: " TD_MSG_AUDIT_TASK_BAD "\n", optarg);
                return 2;
            }
            break;
        }
        case 'a': o->agency = optarg; break;
        case 'v': o->csv = 1; break;
        case 'w':
            if (o->n_witness_certs == TDA_WITNESS_CERTS_MAX) {
                fprintf(stderr, "tiendo audit: " TD_MSG_AUDIT_TOO_MANY_WITNESS_CERTS "\n", TDA_WITNESS_CERTS_MAX);
                return 2;
            }
            o->witness_certs[o->n_witness_certs++] = optarg;
            break;
        case 'h': tda__usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "audit", ch, argv);
        }
    }
    if (optind != argc) {
        td_cli_extra("tiendo", "audit", argv[optind]);
        return 2;
    }
    if (o->db && o->dir) {
        fprintf(stderr, "tiendo audit: " TD_MSG_AUDIT_DIR_OR_DB "\n");
        return 2;
    }
    if (o->db && !o->ca) {
        fprintf(stderr, "tiendo audit: " TD_MSG_AUDIT_DB_NEEDS_CA "\n");
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
        fprintf(stderr, "tiendo audit: " TD_MSG_AUDIT_CA_UNREADABLE "\n", ca_path, td_error_vi(&e));
        return 1;
    }
    if ((o->db ? tda_db_open_server(path, db, &e) : tda_db_open_replica(path, db, &e))) {
        fprintf(stderr, "tiendo audit: " TD_MSG_AUDIT_OPEN_FAILED "\n", path, td_error_vi(&e));
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
            fprintf(stderr, "tiendo audit verify: " TD_MSG_AUDIT_WITNESS_CERT_BAD "\n", o->witness_certs[i],
                    td_error_vi(&e));
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

/* Progress on stderr while verifying, when stderr is a terminal: one line
 * rewritten in place, at most every 200 ms. */
typedef struct tda__prog {
    uint64_t total;
    int64_t last_ms;
    int shown;
} tda__prog;

static int tda__progress(void *arg, uint64_t checked)
{
    tda__prog *p = arg;
    int64_t now = td_clock_mono_ms();
    if (p->shown && now - p->last_ms < 200 && (!p->total || checked < p->total)) return 0;
    p->last_ms = now;
    p->shown = 1;
    if (p->total && checked <= p->total)
        fprintf(stderr, TD_MSG_AUDIT_VERIFY_PROGRESS_OF, checked, p->total, (int)(checked * 100 / p->total));
    else
        fprintf(stderr, TD_MSG_AUDIT_VERIFY_PROGRESS, checked);
    fflush(stderr);
    return 0;
}

static int tda__verify(int argc, char **argv)
{
    tda__prog prog = {0, 0, 0};
    int tty = isatty(STDERR_FILENO);
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
        fprintf(stderr, "tiendo audit verify: " TD_MSG_AUDIT_HISTORY_ONLY_OPTS "\n");
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
    if (tty) prog.total = tda_db_size(db);
    rc = tda_verify_progress(&src, ca, o.origin, wk, n_wk, tty ? tda__progress : NULL, &prog, res, &e);
    if (prog.shown) fprintf(stderr, "\r\033[K");
    if (rc) {
        fprintf(stderr, "tiendo audit verify: " TD_MSG_AUDIT_LOG_READ_FAILED "\n", td_error_vi(&e));
        rc = 1;
        goto out;
    }
    printf(TD_MSG_AUDIT_SOURCE "\n", tda_db_is_replica(db) ? TD_MSG_AUDIT_SOURCE_INSPECTOR_REPLICA : TD_MSG_AUDIT_SOURCE_SERVER_COPY,
           o.db ? o.db : (o.dir ? o.dir : TD_MSG_AUDIT_SOURCE_DEFAULT_DIR));
    tda_result_print(res, stdout);
    if (!res->ok && tda_db_is_replica(db) && strstr(res->what, "bị thiếu"))
        printf(TD_MSG_AUDIT_OFFICE_REPLICA_PARTIAL "\n");
    rc = res->ok ? 0 : 1;
out:
    free(res);
    tda_db_close(db);
    X509_free(ca);
    return rc;
}

/* ---- history ---------------------------------------------------------------- */

/* One cell of the history CSV (common/csv.h: quoted, no formula). */
static void tda__csv_field(FILE *f, const char *s, int last)
{
    td_csv_text(f, s);
    if (last) td_csv_eol(f);
    else td_csv_sep(f);
}

typedef struct tda__out {
    int csv, any_pre;
} tda__out;

static void tda__pre_row(void *arg, const char *slug, const char *name)
{
    tda__out *o = arg;
    if (!o->csv) printf("%s%s (%s)", o->any_pre ? ", " : TD_MSG_AUDIT_HISTORY_PREDECESSORS, slug, name);
    o->any_pre = 1;
}

static int tda__print_row(void *arg, const tda_hist_row *r)
{
    const tda__out *o = arg;
    char signed_at[32], recv_at[32], idx[24];
    tdc_fmt_time(r->signed_ms, signed_at, sizeof signed_at);
    tdc_fmt_time(r->received_ms, recv_at, sizeof recv_at);
    snprintf(idx, sizeof idx, "%" PRIu64, r->idx);
    if (o->any_pre == 1 && !o->csv) {
        printf(TD_MSG_AUDIT_HISTORY_EACH_SIGNED "\n");
        ((tda__out *)arg)->any_pre = 2;
    }
    if (o->csv) {
        tda__csv_field(stdout, idx, 0);
        tda__csv_field(stdout, signed_at, 0);
        tda__csv_field(stdout, recv_at, 0);
        tda__csv_field(stdout, *r->agency ? r->agency : TD_MSG_AUDIT_CSV_SERVER, 0);
        tda__csv_field(stdout, r->device, 0);
        tda__csv_field(stdout, td_entry_kind_vi(r->kind), 0);
        tda__csv_field(stdout, r->period, 0);
        tda__csv_field(stdout, r->summary, 0);
        tda__csv_field(stdout, r->refused ? r->reason : "", 1);
    } else {
        printf(TD_MSG_AUDIT_HISTORY_LINE "\n", idx, signed_at, recv_at,
               *r->agency ? r->agency : TD_MSG_AUDIT_WORD_SERVER, r->device, td_entry_kind_vi(r->kind), *r->period ? TD_MSG_AUDIT_WORD_PERIOD : "",
               r->period, r->summary);
        if (r->refused) {
            char vi[768];
            td_refusal_vi(r->reason, vi, sizeof vi);
            printf(TD_MSG_AUDIT_HISTORY_REFUSED "\n", vi);
        }
    }
    return 0;
}

static int tda__history(int argc, char **argv)
{
    tda_opts o;
    tda_db *db;
    X509 *ca;
    tda_source src;
    tda__out out = {0};
    uint64_t n_rows = 0;
    td_error e = {0};
    int rc = tda__parse(argc, argv, &o);
    if (rc >= 0) return rc;
    if ((o.task >= 0) == (o.agency != NULL)) {
        fprintf(stderr, "tiendo audit history: " TD_MSG_AUDIT_TASK_OR_AGENCY "\n");
        return 2;
    }
    if (o.origin || o.n_witness_certs) {
        fprintf(stderr, "tiendo audit history: " TD_MSG_AUDIT_VERIFY_ONLY_OPTS "\n");
        return 2;
    }
    if (tda__open_source(&o, &db, &ca)) return 1;
    tdc_tz_default();
    src = tda_db_source(db);
    out.csv = o.csv;
    if (o.csv) {
        fputs("\xEF\xBB\xBF", stdout);   /* BOM: Excel then reads UTF-8 */
        fputs(TD_MSG_AUDIT_HISTORY_CSV_HEAD "\n",
              stdout);
    } else if (o.task >= 0) {
        printf(TD_MSG_AUDIT_HISTORY_TASK_HEAD "\n", o.task);
    } else {
        printf(TD_MSG_AUDIT_HISTORY_AGENCY_HEAD "\n", o.agency);
    }
    rc = tda_history(&src, ca, o.task >= 0 ? (uint32_t)o.task : 0, o.task_plan, o.agency, tda__pre_row, tda__print_row, &out,
                     &n_rows, &e);
    if (out.any_pre == 1 && !o.csv) printf(TD_MSG_AUDIT_HISTORY_EACH_SIGNED "\n");
    if (rc) {
        fprintf(stderr, "tiendo audit history: " TD_MSG_AUDIT_LOG_READ_FAILED "\n", td_error_vi(&e));
        rc = 1;
        goto out;
    }
    if (!o.csv) printf(TD_MSG_AUDIT_TOTAL PRIu64 TD_MSG_AUDIT_WORD_ENTRIES "\n", n_rows);
    rc = fflush(stdout) ? 1 : 0;
out:
    tda_db_close(db);
    X509_free(ca);
    return rc;
}

int tdc_cmd_audit(int argc, char **argv)
{
    static const td_cli_sub subs[] = {{"verify", tda__verify}, {"history", tda__history}};
    return td_cli_sub_main("tiendo", "audit", subs, sizeof subs / sizeof subs[0], tda__usage, argc, argv);
}
