/* tfix.h — the scaffolding of the unit tests that fold logs they build
 * (test_derive.c, test_plans.c, test_audit_hist.c): a throwaway CA, devices (tdev.h) with
 * real Ed25519 keys and certificates, signed entries, the payloads they
 * carry (tpack.h), a growing test log, its opening (server certificate, registry
 * seed, plan 726, every device's certificate), the fold and the checks on
 * refusals.  Header-only,
 * like testcerts.h: one test file includes it once.  tf_setup() makes the CA,
 * the plan and the seven devices; tf_teardown() frees them. */
#ifndef TFIX_H
#define TFIX_H

#include <sodium.h>
#include <string.h>

#include "clock.h"
#include "derive.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#include "tdev.h"
#include "tpack.h"
#include "testcerts.h"
#include "tt.h"

/* Growth step of a test log. */
#define T_LOG_STEP 256


static EVP_PKEY *CAK;
static X509 *CA;
static int64_t NOW;            /* ms: every device signs around now, inside its certificate */
static td_plan PLAN;           /* 726, parsed and resolved against the built-in registry */
static uint8_t *PLAN_PB, *SEED_PB;
static size_t PLAN_PB_N, SEED_PB_N;

/* --- devices --------------------------------------------------------------- */

static dev SRV, CEN, YTE, YTE2, CL, XD, INS;

/* A device with a new key and a certificate from (ca, cak) valid from
 * yesterday for 30 days. */
static void dev_make(dev *d, const char *cn, const char *o, const char *ou, X509 *ca, EVP_PKEY *cak)
{
    EVP_PKEY *k = tc_keygen();
    dev_init(d, k, tc_cert(k, ca, cak, cn, o, ou, NULL, 0, -1, 30), o, ou);
}

static uint8_t *sign_now(dev *d, int kind, const void *payload, size_t pn, size_t *n)
{
    return sign_at(d, kind, payload, pn, NOW, n);
}

/* --- logs ------------------------------------------------------------------ */

typedef struct tlog {
    uint8_t **b;
    size_t *n;
    size_t len, cap;
} tlog;

/* Takes ownership of b. */
static size_t L_add(tlog *l, uint8_t *b, size_t n)
{
    if (l->len == l->cap) {
        l->cap += T_LOG_STEP;
        l->b = realloc(l->b, l->cap * sizeof *l->b);
        l->n = realloc(l->n, l->cap * sizeof *l->n);
    }
    l->b[l->len] = b;
    l->n[l->len] = n;
    return ++l->len;   /* its log index */
}

/* n by pointer: read after the signing call in the same expression set it. */
static size_t L_addp(tlog *l, uint8_t *b, const size_t *n)
{
    return L_add(l, b, *n);
}

static void L_free(tlog *l)
{
    for (size_t i = 0; i < l->len; i++) free(l->b[i]);
    free(l->b);
    free(l->n);
    memset(l, 0, sizeof *l);
}

/* Entry `kind` with payload p (freed), signed by d now.  pn by pointer:
 * callers pack the payload in the same expression. */
static size_t L_sign(tlog *l, dev *d, int kind, uint8_t *p, const size_t *pn)
{
    size_t n;
    uint8_t *b = sign_now(d, kind, p, *pn, &n);
    free(p);
    return L_add(l, b, n);
}

/* The server appends the certificate of d. */
static size_t L_cert(tlog *l, const dev *d)
{
    size_t pn;
    uint8_t *p = pack_cert(d->x, &pn);
    return L_sign(l, &SRV, TIENDO__ENTRY_KIND__ENTRY_CERT, p, &pn);
}

static size_t L_report(tlog *l, dev *d, uint32_t task, const char *period, uint32_t pct)
{
    size_t pn;
    uint8_t *p = pack_report(task, d->agency, period, TIENDO__REPORT_STATE__REPORT_IN_PROGRESS, pct, "đã triển khai", &pn);
    return L_sign(l, d, TIENDO__ENTRY_KIND__ENTRY_REPORT, p, &pn);
}

/* A report of d on task `task` of plan `plan` ("" = the default plan). */
static size_t L_report_in(tlog *l, dev *d, const char *plan, uint32_t task, const char *period)
{
    Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
    size_t pn;
    uint8_t *b;
    p.task = task;
    p.plan = (char *)plan;
    p.agency = d->agency;
    p.period = (char *)period;
    p.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
    p.percent = 30;
    p.result = "đang triển khai";
    pn = tiendo__report_payload__get_packed_size(&p);
    b = malloc(pn);
    tiendo__report_payload__pack(&p, b);
    return L_sign(l, d, TIENDO__ENTRY_KIND__ENTRY_REPORT, b, &pn);
}

static void reset_devs(void)
{
    dev *all[] = {&SRV, &CEN, &YTE, &YTE2, &CL, &XD, &INS};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) all[i]->seq = all[i]->hlc = 0;
}

/* The opening of every test log: server certificate (self-introduced),
 * registry seed, plan 726, then the certificates of every device. */
static void L_base(tlog *l)
{
    size_t n;
    uint8_t *b;
    reset_devs();
    memset(l, 0, sizeof *l);
    L_cert(l, &SRV);
    b = sign_now(&SRV, TIENDO__ENTRY_KIND__ENTRY_AGENCY, SEED_PB, SEED_PB_N, &n);
    L_add(l, b, n);
    b = sign_now(&SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, PLAN_PB, PLAN_PB_N, &n);
    L_add(l, b, n);
    L_cert(l, &CEN);
    L_cert(l, &YTE);
    L_cert(l, &YTE2);
    L_cert(l, &CL);
    L_cert(l, &XD);
    L_cert(l, &INS);
}

/* Apply entries [from, to) (0-based) of l to st, with index = position + 1. */
static void fold_range(td_state *st, const tlog *l, size_t from, size_t to)
{
    td_apply_result r;
    td_error e = {0};
    for (size_t i = from; i < to; i++)
        if (td_state_apply(st, i + 1, l->b[i], l->n[i], NOW + 1000 + (int64_t)i, &r, &e)) {
            fprintf(stderr, "apply %zu: %s\n", i + 1, e.msg);
            exit(1);
        }
}

static td_state *fold(const tlog *l, size_t upto)
{
    td_state *st = td_state_new(CA);
    if (!st) exit(1);
    fold_range(st, l, 0, upto);
    return st;
}

/* The refusal recorded at log index idx, or NULL. */
static const td_refusal *refusal_at(const td_state *st, size_t idx)
{
    size_t n;
    const td_refusal *r = td_state_refusals(st, &n);
    for (size_t i = 0; i < n; i++)
        if (r[i].index == idx) return &r[i];
    return NULL;
}

/* Check that entry idx was refused with a reason containing `want`. */
#define T_REFUSED(st, idx, want) do { const td_refusal *tr_ = refusal_at((st), (idx)); TT_CHECK(tr_ != NULL); \
    if (tr_ && !strstr(tr_->reason, (want))) { tt__fail++; fprintf(stderr, "%s:%d: [%s] reason \"%s\" lacks \"%s\"\n", \
    __FILE__, __LINE__, tt__current, tr_->reason, (want)); } } while (0)
#define T_APPLIED(st, idx) do { const td_refusal *tr_ = refusal_at((st), (idx)); TT_CHECK(tr_ == NULL); \
    if (tr_) fprintf(stderr, "   refused: %s\n", tr_->reason); } while (0)

/* --- the fixture's life ------------------------------------------------------ */

static td_plan_issues TF_ISSUES;
static td_registry TF_REG;

/* The CA, plan 726 with its registry seed (both encoded as the server logs
 * them), and the seven devices.  Returns non-zero on failure. */
static int tf_setup(void)
{
    if (sodium_init() < 0) return 1;
    NOW = td_clock_now_ms();
    CAK = tc_keygen();
    CA = tc_cert(CAK, NULL, NULL, "Test CA", "test", NULL, NULL, 1, -1, 30);
    if (fixture_plan(&PLAN, &TF_REG, &TF_ISSUES)) return 1;
    if (td_plan_pb_encode(&PLAN, "726-KH-UBND.txt", &PLAN_PB, &PLAN_PB_N) ||
        td_registry_seed_pb_encode(&TF_REG, &SEED_PB, &SEED_PB_N)) {
        fprintf(stderr, "encode: plan or registry seed\n");
        return 1;
    }
    dev_make(&SRV, "tiendo-server", NULL, "server", CA, CAK);
    dev_make(&CEN, "khcn-01", "so-khcn", "central", CA, CAK);
    dev_make(&YTE, "yte-01", "so-y-te", "office", CA, CAK);
    dev_make(&YTE2, "yte-02", "so-y-te", "office", CA, CAK);
    dev_make(&CL, "cl-01", "ubnd-chi-linh", "office", CA, CAK);
    dev_make(&XD, "xd-01", "so-xay-dung", "office", CA, CAK);
    dev_make(&INS, "tt-01", "thanh-tra", "inspector", CA, CAK);
    return 0;
}

static void tf_teardown(void)
{
    dev *all[] = {&SRV, &CEN, &YTE, &YTE2, &CL, &XD, &INS};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) dev_free(all[i]);
    free(PLAN_PB);
    free(SEED_PB);
    td_plan_free(&PLAN);
    td_plan_issues_free(&TF_ISSUES);
    td_registry_free(&TF_REG);
    X509_free(CA);
    EVP_PKEY_free(CAK);
}

#endif
