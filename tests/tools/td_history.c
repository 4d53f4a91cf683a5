/*
 * td_history.c — a deterministic year of work, written as a REAL signed
 * log into a REAL server database (the monthly report's fixture).
 *
 *   td_history --plan data/plans/726-KH-UBND.txt --out DIR [--period 2025-12] [--seed N] [--all-leads]
 *              [--years N]
 *
 * --years N: a window of N years (12 N periods) ending with --period
 * instead of one, with every condition met and a few deadline edits (gia
 * hạn) by central each year: the load of the client's fold benchmark
 * (bench/tdfold_bench.c); truth.tsv is written for one year only.
 *
 * --all-leads: every agency of the province leads every task (81 tasks x
 * 33 agencies: the benchmark's load, bench/tdreport_bench.c).
 *
 * Writes into DIR:
 *   server.db      the server's log (server/logstore.h, written directly:
 *                  receive times are scripted, which a live server cannot
 *                  do), then opened once with tds_ledger_open, which folds
 *                  it, records the CA and signs a checkpoint: DIR is a data
 *                  directory `tiendo-server serve/report --data DIR` accepts;
 *   ca.crt, server.crt, server.key      a throwaway CA (tests/testcerts.h),
 *                  certificates valid from 1200 days ago (the history is in
 *                  the past) for ten years;
 *   devices/NAME/device.key + devices/NAME.crt   central ("central"),
 *                  inspector ("inspector") and one office device per agency
 *                  ("office-SLUG"), for `tiendo init --cert`;
 *   truth.tsv      what was scripted, for the test's independent computation
 *                  (tests/integration/monthly_report.awk): it never calls
 *                  common/status.c.  Lines (tab separated):
 *     D as_of prev_as_of period report_due_day due_soon_days
 *     W period                         (the 12 periods of the window, oldest first)
 *     T task section class due@as_of due@prev recurs conditional leads(comma)
 *         class: month (a due date), recurring (judged per period), nodue
 *     R id task agency period state effective_date received_date
 *         state: 2 in progress, 3 done; dates yyyymmdd (Asia/Ho_Chi_Minh)
 *     V report_id accept(1/0) received_date
 *     I code kind(value|range|text) op(ge,le,gt,lt,eq,-) lo hi
 *     X code period has_value value received_date by_central(1/0)
 *
 * The script, per (task, lead), seeded: conditional tasks get nothing (no
 * condition is met); recurring and roadmap tasks get a monthly in-progress
 * report, on time (by the 18th), late, missed, sent from an offline device
 * that delivers 40 days later (TD_TIMEF_LATE_ARRIVAL), or from a device
 * whose clock is two days fast (TD_TIMEF_FUTURE: effective = receipt);
 * dated tasks report monthly until a DONE report, which central accepts
 * (on time, late) or returns (then fixed the next month, or still pending
 * at as_of), or which still awaits review; some never finish.  Indicators:
 * quarterly values by the monitoring agency (or central), met or not;
 * qualitative ones judged by central (1/0) or only described by the office.
 * Nothing is received after the end of as_of.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deadline.h"
#include "derive.h"
#include "entry.h"
#include "ledger.h"
#include "log.pb-c.h"
#include "logstore.h"
#include "plan.pb-c.h"
#include "plan_pb.h"
#include "plan_text.h"
#include "status.h"
#pragma GCC diagnostic ignored "-Wunused-function"   /* testcerts.h: tc_pki_* unused */
#include "testcerts.h"

#define H_DAY_MS (86400LL * 1000)
#define H_RECV_DELAY_MS (20LL * 60 * 1000)        /* a connected office: received 20 minutes later */
#define H_OFFLINE_MS (40LL * H_DAY_MS)            /* an offline office: past TD_TIME_LATE_ARRIVAL_MS */
#define H_FAST_MS (2LL * H_DAY_MS)                /* a clock two days fast: past TD_TIME_SKEW_MS */
#define H_DEVS_MAX 400

typedef struct hdev {
    EVP_PKEY *k;
    X509 *x;
    unsigned char pk[32], sk[64];
    uint64_t seq, hlc;
    char agency[TD_AGENCY_MAX + 1];    /* Entry.agency ("" for the server) */
    char name[80];                     /* file name under devices/, "" = not written */
} hdev;

enum { EV_CERT = 1, EV_PLAN, EV_REPORT, EV_REVIEW, EV_IND, EV_COND, EV_EXTEND };

#define H_YEARS_MAX 10
#define H_MONTHS_MAX (12 * H_YEARS_MAX)

typedef struct hev {
    int type;
    hdev *d;
    int64_t sign_ms, recv_ms;
    uint64_t seq, hlc;
    /* payload */
    hdev *cert_of;                     /* EV_CERT */
    uint32_t task;                     /* EV_REPORT */
    char agency[TD_AGENCY_MAX + 1];
    char period[8];
    int state;
    unsigned percent;
    int report_ev;                     /* EV_REVIEW: index of the report event */
    int accept;
    char code[32];                     /* EV_IND */
    double value;
    int has_value;
    const char *text;
    int met_date, due_year, due_month; /* EV_COND (task), EV_EXTEND (task; text = the new deadline) */
} hev;

static hdev DEVS[H_DEVS_MAX];
static size_t NDEV;
static hev *EV;
static size_t NEV, CAPEV;
static uint64_t RNG;
static EVP_PKEY *CAK;
static X509 *CA;
static int CERT_BACK_DAYS = 1200;      /* certificates valid from this many days ago: the whole window */

static uint32_t rnd(uint32_t n)
{
    uint64_t z = (RNG += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return n ? (uint32_t)(z % n) : 0;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "td_history: %s: %s\n", what, msg);
    exit(1);
}

static hdev *dev_new(const char *cn, const char *o, const char *ou, const char *san, const char *file)
{
    hdev *d;
    unsigned char seed[32];
    td_error e = {0};
    if (NDEV == H_DEVS_MAX) die("devices", "too many");
    d = &DEVS[NDEV++];
    memset(d, 0, sizeof *d);
    d->k = tc_keygen();
    d->x = tc_cert(d->k, CA, CAK, cn, o, ou, san, 0, -CERT_BACK_DAYS, 3650);
    if (td_key_ed25519_seed(d->k, seed, &e)) die("seed", e.msg);
    crypto_sign_seed_keypair(d->pk, d->sk, seed);
    snprintf(d->agency, sizeof d->agency, "%s", strcmp(ou, "server") ? o : "");
    snprintf(d->name, sizeof d->name, "%s", file ? file : "");
    return d;
}

static hev *ev_new(int type, hdev *d, int64_t sign_ms, int64_t recv_ms)
{
    hev *e;
    if (NEV == CAPEV) {
        CAPEV = CAPEV ? CAPEV * 2 : 4096;
        if (!(EV = realloc(EV, CAPEV * sizeof *EV))) die("memory", "out of memory");
    }
    e = &EV[NEV++];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->d = d;
    e->sign_ms = sign_ms;
    e->recv_ms = recv_ms;
    e->report_ev = -1;
    return e;
}

/* ms of day d (yyyymmdd) at hh:mm in Asia/Ho_Chi_Minh */
static int64_t at(int d, int hh, int mm)
{
    return td_state_day_end_ms(d) - H_DAY_MS + ((int64_t)hh * 60 + mm) * 60000;
}

static int day_of(const char *period, int day) { return td_period_due(period, day); }

/* ---- the office devices ------------------------------------------------ */

typedef struct office {
    const char *slug;
    hdev *main, *late, *fast;
} office;
static office OFF[200];
static size_t NOFF;

static office *office_of(const char *slug)
{
    for (size_t i = 0; i < NOFF; i++)
        if (!strcmp(OFF[i].slug, slug)) return &OFF[i];
    return NULL;
}

static office *office_add(const char *slug)
{
    office *o = office_of(slug);
    char cn[96], file[96];
    if (o) return o;
    if (NOFF == sizeof OFF / sizeof OFF[0]) die("offices", "too many");
    o = &OFF[NOFF++];
    o->slug = slug;
    snprintf(file, sizeof file, "office-%s", slug);
    o->main = dev_new("pc-01", slug, "office", NULL, file);
    snprintf(cn, sizeof cn, "laptop-offline");
    o->late = dev_new(cn, slug, "office", NULL, NULL);
    o->fast = dev_new("pc-clock-fast", slug, "office", NULL, NULL);
    return o;
}

/* ---- script -------------------------------------------------------------- */

static const char *RESULTS[] = {
    "Đã ban hành kế hoạch triển khai; tổ chức hội nghị quán triệt đến các phòng, ban",
    "Đã hoàn thành dự thảo, đang lấy ý kiến các sở, ngành",
    "Triển khai đúng tiến độ; đã số hoá 85% hồ sơ",
    "Đã xây dựng cơ sở dữ liệu dùng chung, kết nối với Cổng dịch vụ công",
};
static const char *DIFFS[] = {"", "Thiếu nhân lực, \"chưa có\" hướng dẫn của Bộ", "Kinh phí được giao chậm", ""};
static const char *PROPS[] = {"", "Đề nghị Sở Tài chính & Sở Nội vụ hỗ trợ <sớm>", "", "Đề nghị gia hạn đến quý IV"};

static hev *report(hdev *d, const char *agency, uint32_t task, const char *period, int state, unsigned pct,
                   int64_t sign_ms, int64_t recv_ms)
{
    hev *e = ev_new(EV_REPORT, d, sign_ms, recv_ms);
    e->task = task;
    snprintf(e->agency, sizeof e->agency, "%s", agency);
    snprintf(e->period, sizeof e->period, "%s", period);
    e->state = state;
    e->percent = pct > 100 ? 100 : pct;
    return e;
}

static void review(hdev *central, size_t report_ev, int accept, int64_t sign_ms)
{
    hev *e = ev_new(EV_REVIEW, central, sign_ms, sign_ms + H_RECV_DELAY_MS);
    e->report_ev = (int)report_ev;
    e->accept = accept;
}

/* A monthly in-progress report: on time, late, missed; recurring tasks
 * also from the offline laptop or the fast-clock PC.  Returns 1 if sent. */
static void monthly(office *o, uint32_t task, const char *period, unsigned pct, int odd_devices)
{
    uint32_t r = rnd(100);
    int d;
    if (r < 10) return;   /* missed */
    if (odd_devices && r < 14) {
        d = day_of(period, 5 + (int)rnd(10));
        report(o->late, o->slug, task, period, TIENDO__REPORT_STATE__REPORT_IN_PROGRESS, pct, at(d, 10, 0),
               at(d, 10, 0) + H_OFFLINE_MS);
        return;
    }
    if (odd_devices && r < 17) {
        d = day_of(period, 3 + (int)rnd(14));
        report(o->fast, o->slug, task, period, TIENDO__REPORT_STATE__REPORT_IN_PROGRESS, pct,
               at(d, 9, 0) + H_FAST_MS, at(d, 9, 0) + H_RECV_DELAY_MS);
        return;
    }
    if (r < 31) d = day_of(period, 19 + (int)rnd(8));   /* late */
    else d = day_of(period, 3 + (int)rnd(15));          /* by the 18th */
    {
        /* received 20 minutes after signing: a device's entries reach the
         * log in the order it signed them (the fold refuses seq going back) */
        int64_t s = at(d, 8 + (int)rnd(9), 0);
        report(o->main, o->slug, task, period, TIENDO__REPORT_STATE__REPORT_IN_PROGRESS, pct, s, s + H_RECV_DELAY_MS);
    }
}

typedef struct window {
    char periods[H_MONTHS_MAX][8];
    int nm;                            /* periods in the window: 12 per year */
    int as_of, prev_as_of;
} window;

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* month index (0..11) in the window of a yyyymmdd, possibly outside */
static int month_idx(const window *w, int d)
{
    int y0 = atoi(w->periods[0]), m0 = atoi(w->periods[0] + 5);
    return (d / 10000 - y0) * 12 + (d / 100 % 100 - m0);
}

static void script_task(const window *w, const td_task *t, const char **leads, size_t nl, hdev *central,
                        FILE *truth)
{
    const td_deadline *dl = &t->deadline;
    int recurs = dl->kind == TD_DEADLINE_RECURRING || dl->kind == TD_DEADLINE_ROADMAP ||
                 (dl->kind == TD_DEADLINE_MONTH && dl->then == TD_THEN_RECURRING);
    int dated = dl->kind == TD_DEADLINE_MONTH || dl->kind == TD_DEADLINE_YEARLY;
    int due = 0, due_prev = 0;
    const char *cls = dated ? "month" : dl->kind == TD_DEADLINE_RECURRING ? "recurring" : "nodue";
    if (dated) {
        td_deadline_due(dl, w->as_of / 10000, &due);
        td_deadline_due(dl, w->prev_as_of / 10000, &due_prev);
    }
    fprintf(truth, "T\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t", t->number, t->section, cls, due, due_prev, recurs,
            dl->kind == TD_DEADLINE_CONDITIONAL);
    for (size_t k = 0; k < nl; k++) fprintf(truth, "%s%s", k ? "," : "", leads[k]);
    fputc('\n', truth);
    if (dl->kind == TD_DEADLINE_CONDITIONAL) return;

    for (size_t k = 0; k < nl; k++) {
        office *o = office_of(leads[k]);
        if (!o) continue;
        if (!dated) {
            for (int m = 0; m < w->nm; m++)
                monthly(o, (uint32_t)t->number, w->periods[m], 8u * (unsigned)(m % 12 + 1), 1);
            continue;
        }
        {
            int dm = month_idx(w, due), p = (int)rnd(100), f, prof, last = w->nm - 1;
            /* profiles: 0 on time, 1 late, 2 returned then fixed, 3 returned pending, 4 awaiting, 5 never */
            if (p < 35) prof = 0, f = dm - (int)rnd(3);
            else if (p < 55) prof = 1, f = dm + 1 + (int)rnd(3);
            else if (p < 65) prof = 2, f = dm - 1 - (int)rnd(2);
            else if (p < 72) prof = 3, f = last;
            else if (p < 78 && td_date_diff_days(due, w->as_of) > TD_STATUS_DUE_SOON_DAYS) prof = 4, f = last;
            else prof = 5, f = H_MONTHS_MAX + 99;
            if (prof <= 2) f = clampi(f, 1, prof == 2 ? last - 1 : last);
            for (int m = 0; m < w->nm && m < f; m++)
                monthly(o, (uint32_t)t->number, w->periods[m],
                        10u + 80u * (unsigned)m / (unsigned)(f < w->nm ? f : w->nm), 0);
            if (f > last) continue;
            {
                int d = day_of(w->periods[f], prof == 4 ? 21 : prof == 3 ? 4 + (int)rnd(7) : 3 + (int)rnd(13));
                int64_t s = at(d, 14, 0);
                hev *e = report(o->main, o->slug, (uint32_t)t->number, w->periods[f],
                                TIENDO__REPORT_STATE__REPORT_DONE, 100, s, s + H_RECV_DELAY_MS);
                size_t ei = (size_t)(e - EV);
                int64_t rv = s + (2 + (int64_t)rnd(3)) * H_DAY_MS;
                if (prof == 4) continue;   /* awaiting review */
                review(central, ei, prof == 0 || prof == 1, rv);
                if (prof == 2) {
                    int d2 = day_of(w->periods[f + 1], 3 + (int)rnd(8));
                    int64_t s2 = at(d2, 15, 0);
                    e = report(o->main, o->slug, (uint32_t)t->number, w->periods[f + 1],
                               TIENDO__REPORT_STATE__REPORT_DONE, 100, s2, s2 + H_RECV_DELAY_MS);
                    review(central, (size_t)(e - EV), 1, s2 + 3 * H_DAY_MS);
                    f++;
                }
                if (recurs && prof != 3)
                    for (int m = f + 1; m < w->nm; m++) monthly(o, (uint32_t)t->number, w->periods[m], 100, 0);
            }
        }
    }
}

static const char *op_name(const td_target *t)
{
    if (t->kind != TD_TARGET_VALUE) return "-";
    switch (t->op) {
    case TD_OP_GE: return "ge";
    case TD_OP_LE: return "le";
    case TD_OP_GT: return "gt";
    case TD_OP_LT: return "lt";
    default: return "eq";
    }
}

static void script_indicator(const window *w, const td_indicator *ind, const td_registry *reg, hdev *central,
                             FILE *truth)
{
    const td_target *t = &ind->target;
    int numeric = t->kind == TD_TARGET_VALUE || t->kind == TD_TARGET_RANGE;
    office *o = NULL;
    hdev *by = central;
    const char *agency = "so-khcn";
    uint32_t p = rnd(100);
    fprintf(truth, "I\t%s\t%s\t%s\t%.6f\t%.6f\n", ind->code,
            t->kind == TD_TARGET_VALUE ? "value" : t->kind == TD_TARGET_RANGE ? "range" : "text", op_name(t),
            numeric ? t->lo : 0.0, numeric ? t->hi : 0.0);
    if (ind->n_monitors && !ind->monitors[0].group && td_registry_agency(reg, ind->monitors[0].slug) &&
        (o = office_of(ind->monitors[0].slug))) {
        by = o->main;
        agency = o->slug;
    }
    if (numeric) {
        double ref = t->kind == TD_TARGET_RANGE ? (t->lo + t->hi) / 2 : t->lo, fin;
        int good = p % 2 == 0;
        if (p < 20) return;   /* no data */
        if (t->kind == TD_TARGET_RANGE) fin = good ? ref : t->hi * 1.2 + 1;
        else if (t->op == TD_OP_LE || t->op == TD_OP_LT) fin = good ? ref * 0.9 : ref * 1.2 + 1;
        else if (t->op == TD_OP_EQ) fin = good ? ref : ref * 0.9 + (ref == 0);
        else fin = good ? ref * 1.1 + 1 : ref * 0.85;
        for (int q = 2; q < w->nm; q += 3) {
            int d = day_of(w->periods[q], 12);
            hev *e = ev_new(EV_IND, by, at(d, 10, 0), at(d, 10, 0) + H_RECV_DELAY_MS);
            snprintf(e->code, sizeof e->code, "%s", ind->code);
            snprintf(e->agency, sizeof e->agency, "%s", agency);
            snprintf(e->period, sizeof e->period, "%s", w->periods[q]);
            /* round to 2 decimals: what a clerk types */
            e->value = (double)(long long)((q % 12 == 11 ? fin : fin * (0.7 + 0.1 * (q % 12) / 3)) * 100 + 0.5) / 100;
            e->has_value = 1;
            e->text = "";
            fprintf(truth, "X\t%s\t%s\t1\t%.6f\t%d\t%d\n", e->code, e->period, e->value,
                    td_state_device_date(e->recv_ms), by == central);
        }
    } else {
        int d = day_of(w->periods[w->nm - 4], 14);
        hev *e;
        if (p < 33) {
            e = ev_new(EV_IND, central, at(d, 10, 0), at(d, 10, 0) + H_RECV_DELAY_MS);
            e->has_value = 1;
            e->value = 1;
            e->text = "Đạt: duy trì nhóm dẫn đầu";
            snprintf(e->agency, sizeof e->agency, "%s", agency);
        } else if (p < 66) {
            e = ev_new(EV_IND, central, at(d, 10, 0), at(d, 10, 0) + H_RECV_DELAY_MS);
            e->has_value = 1;
            e->value = 0;
            e->text = "Chưa đạt";
            snprintf(e->agency, sizeof e->agency, "%s", agency);
        } else if (by != central) {
            e = ev_new(EV_IND, by, at(d, 10, 0), at(d, 10, 0) + H_RECV_DELAY_MS);
            e->has_value = 0;
            e->text = "Đã triển khai, chờ Sở KH&CN đánh giá";
            snprintf(e->agency, sizeof e->agency, "%s", agency);
        } else {
            return;
        }
        snprintf(e->code, sizeof e->code, "%s", ind->code);
        snprintf(e->period, sizeof e->period, "%s", w->periods[w->nm - 4]);
        fprintf(truth, "X\t%s\t%s\t%d\t%.6f\t%d\t%d\n", e->code, e->period, e->has_value, e->value,
                td_state_device_date(e->recv_ms), e->d == central);
    }
}

/* Over several years (--years): central records every conditional task's
 * condition as met in the second year (due a year later), after which its
 * leads report monthly; and each year (from the second) extends the
 * deadline of every 9th dated task to 15/11 of the next year. */
static void script_central(const window *w, const td_plan *plan, const td_registry *reg, hdev *central)
{
    for (size_t i = 0; i < plan->n_tasks; i++) {
        const td_task *t = &plan->tasks[i];
        if (t->deadline.kind == TD_DEADLINE_CONDITIONAL) {
            int m0 = 12 + (int)(i % 6), d = day_of(w->periods[m0], 10);
            hev *e = ev_new(EV_COND, central, at(d, 9, 0), at(d, 9, 0) + H_RECV_DELAY_MS);
            e->task = (uint32_t)t->number;
            e->met_date = d;
            e->due_year = d / 10000 + 1;
            e->due_month = d / 100 % 100;
            e->text = "Công văn 12/UBND-KT: điều kiện đã đáp ứng";
            for (size_t k = 0; k < t->n_leads; k++) {
                const char **v = NULL;
                size_t n = 0;
                td_registry_expand(reg, &t->leads[k], w->as_of, t->number, &v, &n);
                for (size_t j = 0; j < n; j++) {
                    office *o = office_of(v[j]);
                    if (!o) continue;
                    for (int m = m0 + 1; m < w->nm; m++)
                        monthly(o, (uint32_t)t->number, w->periods[m], 5u + 90u * (unsigned)(m - m0) / (unsigned)w->nm,
                                0);
                }
                free(v);
            }
        } else if ((t->deadline.kind == TD_DEADLINE_MONTH || t->deadline.kind == TD_DEADLINE_YEARLY) && i % 9 == 0) {
            for (int y = 1; y < w->nm / 12; y++) {
                int d = day_of(w->periods[12 * y + 5], 8);
                hev *e = ev_new(EV_EXTEND, central, at(d, 11, 0), at(d, 11, 0) + H_RECV_DELAY_MS);
                e->task = (uint32_t)t->number;
                e->due_year = d / 10000 + 1;
                e->text = "Công văn 55/UBND-VP: gia hạn thời gian hoàn thành";
            }
        }
    }
}

/* ---- payloads and signing ------------------------------------------------ */

static uint8_t *pack_event(const hev *e, const uint8_t *plan_pb, size_t plan_n, size_t *n)
{
    uint8_t *out = NULL;
    switch (e->type) {
    case EV_CERT: {
        Tiendo__CertPayload p = TIENDO__CERT_PAYLOAD__INIT;
        unsigned char *der = NULL;
        int len = i2d_X509(e->cert_of->x, &der);
        p.der.data = der;
        p.der.len = (size_t)len;
        *n = tiendo__cert_payload__get_packed_size(&p);
        out = malloc(*n);
        tiendo__cert_payload__pack(&p, out);
        OPENSSL_free(der);
        break;
    }
    case EV_PLAN:
        out = malloc(plan_n);
        memcpy(out, plan_pb, plan_n);
        *n = plan_n;
        break;
    case EV_REPORT: {
        Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
        uint32_t h = e->task * 31u + (uint32_t)e->period[6];
        p.task = e->task;
        p.agency = (char *)e->agency;
        p.period = (char *)e->period;
        p.state = (Tiendo__ReportState)e->state;
        p.percent = e->percent;
        p.result = (char *)RESULTS[h % 4];
        p.difficulties = (char *)DIFFS[(h / 4) % 4];
        p.proposals = (char *)PROPS[(h / 16) % 4];
        if (e->state == TIENDO__REPORT_STATE__REPORT_DONE) p.done_date = td_state_device_date(e->sign_ms);
        *n = tiendo__report_payload__get_packed_size(&p);
        out = malloc(*n ? *n : 1);
        tiendo__report_payload__pack(&p, out);
        break;
    }
    case EV_REVIEW: {
        Tiendo__ReviewPayload p = TIENDO__REVIEW_PAYLOAD__INIT;
        const hev *r = &EV[e->report_ev];
        p.report_author.data = (uint8_t *)r->d->pk;
        p.report_author.len = 32;
        p.report_seq = r->seq;
        p.task = r->task;
        p.agency = (char *)r->agency;
        p.accept = e->accept;
        p.comment = e->accept ? "Đạt yêu cầu" : "Trả lại: thiếu văn bản chứng minh kết quả, đề nghị bổ sung";
        *n = tiendo__review_payload__get_packed_size(&p);
        out = malloc(*n ? *n : 1);
        tiendo__review_payload__pack(&p, out);
        break;
    }
    case EV_COND: {
        Tiendo__ConditionPayload p = TIENDO__CONDITION_PAYLOAD__INIT;
        p.task = e->task;
        p.met_date = e->met_date;
        p.due_year = e->due_year;
        p.due_month = e->due_month;
        p.note = (char *)e->text;
        *n = tiendo__condition_payload__get_packed_size(&p);
        out = malloc(*n ? *n : 1);
        tiendo__condition_payload__pack(&p, out);
        break;
    }
    case EV_EXTEND: {
        Tiendo__PlanChange p = TIENDO__PLAN_CHANGE__INIT;
        Tiendo__TaskDeadline td = TIENDO__TASK_DEADLINE__INIT, *tdp = &td;
        char text[32];
        snprintf(text, sizeof text, "15/11/%d", e->due_year);
        td.task = e->task;
        td.deadline_text = text;
        p.reason = (char *)e->text;
        p.deadlines = &tdp;
        p.n_deadlines = 1;
        *n = tiendo__plan_change__get_packed_size(&p);
        out = malloc(*n ? *n : 1);
        tiendo__plan_change__pack(&p, out);
        break;
    }
    case EV_IND: {
        Tiendo__IndicatorPayload p = TIENDO__INDICATOR_PAYLOAD__INIT;
        p.code = (char *)e->code;
        p.agency = (char *)e->agency;
        p.period = (char *)e->period;
        p.value = e->value;
        p.has_value = e->has_value;
        p.text = (char *)(e->text ? e->text : "");
        *n = tiendo__indicator_payload__get_packed_size(&p);
        out = malloc(*n ? *n : 1);
        tiendo__indicator_payload__pack(&p, out);
        break;
    }
    }
    if (!out) die("memory", "out of memory");
    return out;
}

static int kind_of(int type)
{
    switch (type) {
    case EV_CERT: return TIENDO__ENTRY_KIND__ENTRY_CERT;
    case EV_PLAN: return TIENDO__ENTRY_KIND__ENTRY_PLAN;
    case EV_REPORT: return TIENDO__ENTRY_KIND__ENTRY_REPORT;
    case EV_REVIEW: return TIENDO__ENTRY_KIND__ENTRY_REVIEW;
    case EV_COND: return TIENDO__ENTRY_KIND__ENTRY_CONDITION;
    case EV_EXTEND: return TIENDO__ENTRY_KIND__ENTRY_PLAN;
    default: return TIENDO__ENTRY_KIND__ENTRY_INDICATOR;
    }
}

static int cmp_sign(const void *a, const void *b)
{
    const hev *x = &EV[*(const size_t *)a], *y = &EV[*(const size_t *)b];
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    if (x->sign_ms != y->sign_ms) return x->sign_ms < y->sign_ms ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int cmp_recv(const void *a, const void *b)
{
    const hev *x = &EV[*(const size_t *)a], *y = &EV[*(const size_t *)b];
    if (x->recv_ms != y->recv_ms) return x->recv_ms < y->recv_ms ? -1 : 1;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void write_file_dir(const char *dir, const char *sub)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, sub);
    if (mkdir(p, 0700) && errno != EEXIST) die(p, strerror(errno));
}

int main(int argc, char **argv)
{
    const char *plan_path = NULL, *out = NULL, *period = "2025-12";
    int all_leads = 0, years = 1;
    uint64_t seed = 726;
    window w;
    td_plan plan;
    td_registry reg;
    td_plan_issues issues = {0};
    td_error err = {0};
    uint8_t *plan_pb = NULL;
    size_t plan_n = 0;
    char path[4200];
    FILE *truth;
    hdev *srv, *central;
    size_t *ord;
    tds_logstore *ls;
    int64_t t0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--plan") && i + 1 < argc) plan_path = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--period") && i + 1 < argc) period = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--all-leads")) all_leads = 1;
        else if (!strcmp(argv[i], "--years") && i + 1 < argc) years = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: td_history --plan PLAN.txt --out DIR [--period YYYY-MM] [--seed N] [--all-leads] "
                            "[--years N]\n");
            return 2;
        }
    }
    if (!plan_path || !out || td_period_parse(period, NULL, NULL) || years < 1 || years > H_YEARS_MAX) {
        fprintf(stderr, "usage: td_history --plan PLAN.txt --out DIR [--period YYYY-MM] [--seed N] [--all-leads] "
                        "[--years 1..%d]\n", H_YEARS_MAX);
        return 2;
    }
    CERT_BACK_DAYS = 1200 + 366 * (years - 1);
    RNG = seed;
    if (sodium_init() < 0) die("libsodium", "init failed");

    /* the window: 12 periods a year ending with `period`, judged on the 23rd */
    w.nm = 12 * years;
    snprintf(w.periods[w.nm - 1], 8, "%s", period);
    for (int m = w.nm - 2; m >= 0; m--) td_period_prev(w.periods[m + 1], w.periods[m]);
    w.as_of = td_period_due(period, 23);
    w.prev_as_of = td_period_due(w.periods[w.nm - 2], 23);

    /* the plan */
    {
        FILE *f = fopen(plan_path, "rb");
        char *buf;
        long len;
        if (!f) die(plan_path, strerror(errno));
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)len + 1);
        if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) die(plan_path, "read failed");
        buf[len] = 0;
        fclose(f);
        td_plan_init(&plan);
        if (td_plan_text_parse(buf, (size_t)len, "726-KH-UBND.txt", &plan, &err)) die(plan_path, err.msg);
        free(buf);
        if (td_registry_init_builtin(&reg, &err)) die("registry", err.msg);
        if (td_plan_resolve(&plan, &reg, &issues)) die("resolve", "out of memory");
        if (all_leads) {
            /* the benchmark's load: every agency of the province (departments,
             * provincial bodies, districts: 33 in 726) leads every task */
            for (size_t i = 0; i < plan.n_tasks; i++) {
                td_task *t = &plan.tasks[i];
                td_agency_refs_free(t->leads, t->n_leads);
                t->leads = calloc(reg.n_agencies, sizeof *t->leads);
                t->n_leads = 0;
                for (size_t a = 0; a < reg.n_agencies; a++) {
                    if (reg.agencies[a].kind == TD_AGENCY_CENTRAL) continue;
                    t->leads[t->n_leads].slug = strdup(reg.agencies[a].slug);
                    t->leads[t->n_leads].text = strdup(reg.agencies[a].name);
                    t->n_leads++;
                }
                free(t->lead_text);
                t->lead_text = strdup("Các sở, ban, ngành, các cơ quan cấp tỉnh và UBND cấp huyện");
            }
        }
        if (td_plan_pb_encode(&plan, "726-KH-UBND.txt", &plan_pb, &plan_n)) die("plan", "encode failed");
    }

    /* PKI and devices */
    CAK = tc_keygen();
    CA = tc_cert(CAK, NULL, NULL, "Tiendo Test CA", "test-ca", NULL, NULL, 1, -CERT_BACK_DAYS - 100, 3700);
    srv = dev_new("tiendo-srv", "so-khcn", "server", "IP:127.0.0.1,DNS:localhost", NULL);
    central = dev_new("pc-trungtam", "so-khcn", "central", NULL, "central");
    dev_new("pc-thanhtra", "thanh-tra", "inspector", NULL, "inspector");
    for (size_t i = 0; i < plan.n_tasks; i++)
        for (size_t k = 0; k < plan.tasks[i].n_leads; k++) {
            const char **v = NULL;
            size_t n = 0;
            td_registry_expand(&reg, &plan.tasks[i].leads[k], w.as_of, plan.tasks[i].number, &v, &n);
            for (size_t j = 0; j < n; j++) office_add(v[j]);
            free(v);
        }
    for (size_t i = 0; i < plan.n_indicators; i++)
        if (plan.indicators[i].n_monitors && !plan.indicators[i].monitors[0].group &&
            td_registry_agency(&reg, plan.indicators[i].monitors[0].slug))
            office_add(td_registry_agency(&reg, plan.indicators[i].monitors[0].slug)->slug);

    /* the opening: server certificate, plan, device certificates */
    t0 = at(td_period_due(w.periods[0], 1), 8, 0) - 5 * H_DAY_MS;
    ev_new(EV_CERT, srv, t0, t0)->cert_of = srv;
    ev_new(EV_PLAN, srv, t0 + 1000, t0 + 1000);
    for (size_t i = 1; i < NDEV; i++) ev_new(EV_CERT, srv, t0 + 2000 + (int64_t)i, t0 + 2000 + (int64_t)i)->cert_of = &DEVS[i];

    snprintf(path, sizeof path, "%s", out);
    if (mkdir(path, 0700) && errno != EEXIST) die(path, strerror(errno));
    snprintf(path, sizeof path, "%s/truth.tsv", out);
    if (!(truth = fopen(path, "w"))) die(path, strerror(errno));
    fprintf(truth, "D\t%d\t%d\t%s\t%d\t%d\n", w.as_of, w.prev_as_of, period, TD_STATUS_REPORT_DUE_DAY,
            TD_STATUS_DUE_SOON_DAYS);
    for (int m = w.nm - 12; m < w.nm; m++) fprintf(truth, "W\t%s\n", w.periods[m]);

    for (size_t i = 0; i < plan.n_tasks; i++) {
        const char **all = NULL;
        size_t na = 0;
        for (size_t k = 0; k < plan.tasks[i].n_leads; k++) {
            const char **v = NULL;
            size_t n = 0;
            td_registry_expand(&reg, &plan.tasks[i].leads[k], w.as_of, plan.tasks[i].number, &v, &n);
            for (size_t j = 0; j < n; j++) {
                int dup = 0;
                for (size_t q = 0; q < na; q++) dup |= !strcmp(all[q], v[j]);
                if (!dup) {
                    all = realloc(all, (na + 1) * sizeof *all);
                    all[na++] = v[j];
                }
            }
            free(v);
        }
        script_task(&w, &plan.tasks[i], all, na, central, truth);
        free(all);
    }
    for (size_t i = 0; i < plan.n_indicators; i++)
        if (!plan.indicators[i].heading) script_indicator(&w, &plan.indicators[i], &reg, central, truth);
    if (years > 1) script_central(&w, &plan, &reg, central);

    /* nothing is received after as_of */
    {
        int64_t end = td_state_day_end_ms(w.as_of);
        size_t k = 0;
        for (size_t i = 0; i < NEV; i++) {
            if (EV[i].recv_ms >= end || EV[i].sign_ms >= end + H_FAST_MS) {
                /* a review of a dropped report would dangle: reports come first, so mark */
                EV[i].type = -EV[i].type;
            }
        }
        for (size_t i = 0; i < NEV; i++)
            if (EV[i].type == EV_REVIEW && EV[EV[i].report_ev].type < 0) EV[i].type = -EV_REVIEW;
        /* compact, remapping review targets */
        {
            int *map = malloc(NEV * sizeof *map);
            for (size_t i = 0; i < NEV; i++) {
                map[i] = EV[i].type > 0 ? (int)k : -1;
                if (EV[i].type > 0) EV[k++] = EV[i];
            }
            for (size_t i = 0; i < k; i++)
                if (EV[i].type == EV_REVIEW) EV[i].report_ev = map[EV[i].report_ev];
            NEV = k;
            free(map);
        }
    }

    /* seq and hlc per device in signing order */
    ord = malloc(NEV * sizeof *ord);
    for (size_t i = 0; i < NEV; i++) ord[i] = i;
    qsort(ord, NEV, sizeof *ord, cmp_sign);
    for (size_t i = 0; i < NEV; i++) {
        hev *e = &EV[ord[i]];
        e->seq = ++e->d->seq;
        e->hlc = e->d->hlc = td_hlc_next(e->d->hlc, e->sign_ms);
    }
    /* truth of reports and reviews (ids = event index) */
    for (size_t i = 0; i < NEV; i++) {
        const hev *e = &EV[i];
        if (e->type == EV_REPORT) {
            int64_t eff = e->sign_ms > e->recv_ms + TD_TIME_SKEW_MS ? e->recv_ms : e->sign_ms;
            fprintf(truth, "R\t%zu\t%u\t%s\t%s\t%d\t%d\t%d\n", i, e->task, e->agency, e->period, e->state,
                    td_state_device_date(eff), td_state_device_date(e->recv_ms));
        } else if (e->type == EV_REVIEW) {
            fprintf(truth, "V\t%d\t%d\t%d\n", e->report_ev, e->accept, td_state_device_date(e->recv_ms));
        }
    }
    fclose(truth);

    /* the log, in receive order */
    qsort(ord, NEV, sizeof *ord, cmp_recv);
    if (tds_logstore_open(out, &ls, &err)) die("logstore", err.msg);
    if (tds_logstore_begin(ls, &err)) die("logstore", err.msg);
    for (size_t i = 0; i < NEV; i++) {
        hev *e = &EV[ord[i]];
        size_t pn, bn;
        uint8_t *pl = pack_event(e, plan_pb, plan_n, &pn), *body;
        td_entry_fields f = {kind_of(e->type), e->seq, e->hlc, e->sign_ms, e->d->agency, pl, pn};
        tds_logrow row;
        if (td_entry_sign_raw(e->d->pk, e->d->sk, &f, &body, &bn, &err)) die("sign", err.msg);
        memset(&row, 0, sizeof row);
        memcpy(row.author, e->d->pk, 32);
        row.seq = e->seq;
        row.kind = f.kind;
        row.agency = e->d->agency;
        row.task = tds_ledger_payload_task(f.kind, pl, pn);
        row.body = body;
        row.len = bn;
        row.received_ms = e->recv_ms;
        if (tds_logstore_insert(ls, &row, &err)) die("insert", err.msg);
        free(body);
        free(pl);
    }
    if (tds_logstore_commit(ls, &err)) die("commit", err.msg);
    tds_logstore_close(ls);

    /* files: CA, server identity, devices */
    snprintf(path, sizeof path, "%s/ca.crt", out);
    tc_write_cert(path, CA);
    snprintf(path, sizeof path, "%s/server.crt", out);
    tc_write_cert(path, srv->x);
    snprintf(path, sizeof path, "%s/server.key", out);
    tc_write_key(path, srv->k);
    write_file_dir(out, "devices");
    for (size_t i = 0; i < NDEV; i++) {
        if (!DEVS[i].name[0]) continue;
        snprintf(path, sizeof path, "devices/%s", DEVS[i].name);
        write_file_dir(out, path);
        snprintf(path, sizeof path, "%s/devices/%s/device.key", out, DEVS[i].name);
        tc_write_key(path, DEVS[i].k);
        snprintf(path, sizeof path, "%s/devices/%s.crt", out, DEVS[i].name);
        tc_write_cert(path, DEVS[i].x);
    }

    /* open as the server would: fold, record the CA, sign a checkpoint */
    {
        char ca[4200], key[4200], crt[4200];
        tds_ledger_opts o;
        tds_ledger *lg;
        size_t nref, nrep;
        const td_refusal *rf;
        snprintf(ca, sizeof ca, "%s/ca.crt", out);
        snprintf(key, sizeof key, "%s/server.key", out);
        snprintf(crt, sizeof crt, "%s/server.crt", out);
        o.datadir = out;
        o.ca_path = ca;
        o.key_path = key;
        o.cert_path = crt;
        o.origin = NULL;
        if (tds_ledger_open(&o, &lg, &err)) die("ledger", err.msg);
        if (tds_ledger_start(lg, &err)) die("ledger start", err.msg);
        rf = td_state_refusals(tds_ledger_state(lg), &nref);
        td_state_reports(tds_ledger_state(lg), &nrep);
        for (size_t i = 0; i < nref && i < 10; i++)
            fprintf(stderr, "td_history: refused index %llu: %s\n", (unsigned long long)rf[i].index, rf[i].reason);
        printf("td_history: %zu entries (%zu devices, %zu offices), %zu current reports, %zu refused; window %s..%s, "
               "as of %d\n",
               NEV, NDEV, NOFF, nrep, nref, w.periods[0], w.periods[w.nm - 1], w.as_of);
        tds_ledger_close(lg);
        if (nref) return 1;
    }

    for (size_t i = 0; i < NDEV; i++) {
        EVP_PKEY_free(DEVS[i].k);
        X509_free(DEVS[i].x);
    }
    EVP_PKEY_free(CAK);
    X509_free(CA);
    free(ord);
    free(EV);
    free(plan_pb);
    td_plan_free(&plan);
    td_plan_issues_free(&issues);
    td_registry_free(&reg);
    return 0;
}
