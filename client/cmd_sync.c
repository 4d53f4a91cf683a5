/*
 * cmd_sync.c — `tiendo sync`: one sync with the server (push the outbox,
 * pull what is new), or with --watch a sync every --interval seconds that
 * retries failures with exponential back-off and full jitter (docs/PROTOCOL.md §5).
 * The protocol is in sync.c; this file wires it to a tdc_link and speaks to
 * the clerk.  Exit codes: 0 success (watch: stopped by SIGINT/SIGTERM),
 * 1 failure, 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "certwarn.h"
#include "cli.h"
#include "cmds.h"
#include "link.h"
#include "log.h"
#include "sync.h"
#include "sync_limits.h"
#include "x509util.h"
#include "msg.h"

/* Watch mode: wait between successful syncs (a month's reports trickle in;
 * a minute is prompt and costs one round trip when nothing is new). */
#define TDC_WATCH_INTERVAL_S 60
/* Back-off after a failure: first retry within 1 s, doubling... */
#define TDC_BACKOFF_BASE_MS 1000
/* ...up to 5 minutes, so a server back after an outage hears from every
 * office within minutes, but a dead link is not hammered. */
#define TDC_BACKOFF_CAP_S 300
/* Upper bound accepted for --interval and --max-backoff: one day. */
#define TDC_WATCH_MAX_S 86400
/* Show pull progress only when more than one batch may come. */
#define TDC_PROGRESS_MIN TD_PULL_MAX_ENTRIES
/* Sleep slice, so SIGINT/SIGTERM end a wait promptly. */
#define TDC_SLEEP_SLICE_MS 100

static volatile sig_atomic_t tdc__stop;

static void tdc__on_signal(int sig)
{
    (void)sig;
    tdc__stop = 1;
}

static const td_cli_opt tdc__sync_opts[] = {
    TDC_OPT_DIR('d'),
    TDC_OPT_SERVER('s'),
    {"watch", no_argument, 'w', NULL,
     "đồng bộ liên tục; lỗi thì thử lại, chờ tăng dần (1 giây, gấp đôi, ngẫu nhiên hóa) tới --max-backoff; dừng bằng "
     "Ctrl-C"},
    {"interval", required_argument, 'i', "GIÂY", "--watch: nghỉ chừng ấy giây giữa hai lần đồng bộ thành công (mặc định 60)"},
    {"max-backoff", required_argument, 'm', "GIÂY", "--watch: thời gian chờ tối đa trước khi thử lại (mặc định 300)"},
    {"quiet", no_argument, 'q', NULL, "không in tiến độ và dòng tổng kết (vẫn in lỗi)"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__sync_spec = {
    .prog = "tiendo",
    .cmd = "sync",
    .about = "Đồng bộ với máy chủ: gửi các mục trong hộp thư đi (báo cáo, chỉ tiêu) rồi nhận các mục mới (kế hoạch, "
             "báo cáo của các cơ quan cùng nhiệm vụ, kết quả thẩm định). Bị ngắt giữa chừng thì phần đã nhận vẫn được "
             "giữ; lần sau tiếp tục từ chỗ dừng.",
    .opts = {tdc__sync_opts},
    .exit_codes = "Mã thoát: 0 thành công, 1 lỗi (không kết nối được, bị ngắt...), 2 sai cú pháp.\n",
};
static void tdc__sync_usage(FILE *f) { td_cli_help(&tdc__sync_spec, f); }

typedef struct tdc__run {
    tdc_ctx *c;
    const char *server;
    int quiet;
    int printed_pull;   /* a progress line was printed */
    int64_t alarm_id;   /* an alarm was raised: stop, do not retry */
} tdc__run;

static void tdc__progress(void *arg, tdc_sync_phase phase, uint64_t done, uint64_t total)
{
    tdc__run *run = arg;
    if (run->quiet) return;
    if (phase == TDC_SYNC_PUSH) {
        if (total > TD_PUSH_MAX_ENTRIES)
            fprintf(stderr, TD_MSG_SYNC_SENT_PROGRESS "\n", (unsigned long long)done, (unsigned long long)total);
    } else if (total > TDC_PROGRESS_MIN) {
        fprintf(stderr, TD_MSG_SYNC_RECEIVE_PROGRESS "\n", (unsigned long long)done);
        run->printed_pull = 1;
    }
}

static void tdc__clock(int64_t ms, char *buf, size_t n)
{
    int d = td_clock_date_of(ms);
    int64_t s = (ms + TD_CLOCK_VN_OFFSET_MS) / 1000 % 86400;
    snprintf(buf, n, "%02d:%02d:%02d %02d/%02d/%04d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60), d % 100,
             d / 100 % 100, d / 10000);
}

/* One attempt (app.c: tdc_app_sync).  Returns 0 or 1; prints the summary. */
static int tdc__attempt(tdc__run *run, td_error *why)
{
    tdc_sync_stats s;
    tdc_ctx *c = run->c;
    /* the fold's refusals of this device's entries before the sync: the
     * summary counts the new ones */
    size_t fold_refused0 = tdc_fold_refusals_mine(tdc_replica_state(c->rep), &c->id);
    if (tdc_app_sync(run->c, run->server, tdc__progress, run, &s, why)) {
        if (s.alarm_id) run->alarm_id = s.alarm_id;
        if (s.pulled || s.stored || s.duplicate || s.refused)
            fprintf(stderr, TD_MSG_SYNC_KEPT_BEFORE_CUT "\n",
                    (unsigned long long)(s.stored + s.duplicate), (unsigned long long)s.pulled);
        return 1;
    }
    if (!run->quiet) {
        /* refused: by the server at push (less those signed again with a
         * new seq), and by the fold among this device's entries pulled */
        size_t fold_refused = tdc_fold_refusals_mine(tdc_replica_state(c->rep), &c->id);
        unsigned long long refused = (s.refused > s.resigned ? s.refused - s.resigned : 0) +
                                     (fold_refused > fold_refused0 ? fold_refused - fold_refused0 : 0);
        printf(TD_MSG_SYNC_DONE "\n", (unsigned long long)(s.stored + s.duplicate),
               (unsigned long long)s.pulled, refused);
        if (s.resigned)
            printf(TD_MSG_SYNC_RESIGNED "\n",
                   (unsigned long long)s.resigned);
        if (refused) {
            size_t total = 0;
            printf(TD_MSG_SYNC_REFUSED_HEAD "\n");
            tdc_print_refusals(c, 10, &total);
        }
        if (s.cosigned_size) printf(TD_MSG_SYNC_COSIGNED "\n", (unsigned long long)s.cosigned_size);
    }
    return 0;
}

/* The clerk's message for a checkpoint that failed verification. */
static void tdc__print_alarm(const tdc__run *run, const td_error *why)
{
    fprintf(stderr,
            "tiendo sync: " TD_MSG_SYNC_ALARM_STOPPED "\n",
            (long long)run->alarm_id, tdc_app_alarm_what(run->c, run->alarm_id));
    td_log_warn("sync: alarm %lld: %s", (long long)run->alarm_id, why->msg);
}

static void tdc__print_failure(const tdc__run *run, const td_error *why)
{
    if (run->alarm_id) {
        tdc__print_alarm(run, why);
        return;
    }
    const char *vi = tdc_link_vi(why);
    size_t n = strlen(vi);
    fprintf(stderr, "tiendo sync: " TD_MSG_SYNC_FAILED "\n",
            run->server ? run->server : run->c->dev.server, vi, n && vi[n - 1] == '.' ? "" : ".");
}

/* Sleep ms, or less if asked to stop. */
static void tdc__sleep(uint64_t ms)
{
    while (ms && !tdc__stop) {
        uint64_t slice = ms < TDC_SLEEP_SLICE_MS ? ms : TDC_SLEEP_SLICE_MS;
        struct timespec ts = {(time_t)(slice / 1000), (long)(slice % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
}

static int tdc__watch(tdc__run *run, uint64_t interval_s, uint64_t max_backoff_s)
{
    struct sigaction sa;
    unsigned failures = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tdc__on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    tdc_link_stop_on(&tdc__stop);   /* a sync waiting on a silent server ends at once */
    while (!tdc__stop) {
        td_error why;
        td_error_clear(&why);
        if (tdc__attempt(run, &why) == 0) {
            failures = 0;
            tdc__sleep(interval_s * 1000);
        } else {
            uint64_t wait = tdc_sync_backoff_ms(failures, TDC_BACKOFF_BASE_MS, max_backoff_s * 1000, NULL);
            char when[40];
            failures++;
            tdc__print_failure(run, &why);
            if (run->alarm_id) return 1;   /* evidence of a lying server: retrying would not help */
            tdc__clock(tdc_now_ms() + (int64_t)wait, when, sizeof when);
            fprintf(stderr, TD_MSG_SYNC_RETRY_AT "\n", when, wait / 1000.0,
                    failures);
            tdc__sleep(wait);
        }
    }
    if (!run->quiet) printf(TD_MSG_SYNC_WATCH_STOPPED "\n");
    return 0;
}

static int tdc__parse_secs(const char *opt, const char *s, uint64_t min, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || *s == '-' || v < min || v > TDC_WATCH_MAX_S) {
        fprintf(stderr, "tiendo sync: " TD_MSG_SYNC_SECONDS_BAD "\n", opt,
                (unsigned long long)min, TDC_WATCH_MAX_S, s);
        return 2;
    }
    *out = v;
    return 0;
}

int tdc_cmd_sync(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *dir = NULL;
    uint64_t interval = TDC_WATCH_INTERVAL_S, max_backoff = TDC_BACKOFF_CAP_S;
    int watch = 0, opt, rc, timing = 0;
    tdc__run run;
    tdc_ctx c;

    memset(&run, 0, sizeof run);
    optind = 1;
    if (td_cli_longopts(&tdc__sync_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 's': run.server = optarg; break;
        case 'w': watch = 1; break;
        case 'i':
            if (tdc__parse_secs("--interval", optarg, 0, &interval)) return 2;
            timing = 1;
            break;
        case 'm':
            if (tdc__parse_secs("--max-backoff", optarg, 1, &max_backoff)) return 2;
            timing = 1;
            break;
        case 'q': run.quiet = 1; break;
        case 'h': tdc__sync_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "sync", opt, argv);
        }
    }
    if (optind < argc) {
        td_cli_extra("tiendo", "sync", argv[optind]);
        return 2;
    }
    if (timing && !watch) {
        fprintf(stderr, "tiendo sync: " TD_MSG_SYNC_WATCH_ONLY_OPTS "\n");
        return 2;
    }
    if (tdc_ctx_open(&c, dir, "sync")) return 1;
    if (tdc_replica_read_only(c.rep)) {
        fprintf(stderr, "tiendo sync: " TD_MSG_SYNC_READ_ONLY "\n", c.db_path);
        tdc_ctx_close(&c);
        return 1;
    }
    run.c = &c;
    {
        /* warn renew-warn-days before the certificate expires
         * (docs/ARCHITECTURE.md §9); after, the server would refuse the
         * handshake: say how to recover instead */
        tdc_replica_meta m0;
        td_error e0;
        memset(&m0, 0, sizeof m0);
        tdc_replica_meta_get(c.rep, &m0, &e0);
        if (tdc_cert_check(&c.dev, c.id.cert, (long long)(tdc_now_ms() / 1000), m0.n_pending, stderr, "sync")) {
            tdc_ctx_close(&c);
            return 1;
        }
    }
    if (watch) {
        rc = tdc__watch(&run, interval, max_backoff);
    } else {
        td_error why;
        td_error_clear(&why);
        rc = tdc__attempt(&run, &why);
        if (rc) {
            tdc__print_failure(&run, &why);
            if (!tdc_link_advice(&why, stderr))
                fprintf(stderr, TD_MSG_SYNC_PARTIAL_KEPT "\n");
        }
    }
    tdc_ctx_close(&c);
    return rc;
}
