/* test_plans.c — more than one plan in the fold (docs/LOG.md §14): a second
 * plan is added beside the default plan (726), its tasks get keys, entries
 * name their plan (an empty plan field is the default plan), refusals for an
 * unknown plan, a named default plan, a task number out of range and a slot
 * another plan has; deadline edits and re-imports touch one plan only; the
 * parsing and showing of keys (td_state_key_parse / td_state_key_fmt); a
 * re-import of the default plan keeps one plan.  (That a single-plan log
 * folds to the digest of the code before plans were named is test_upgrade's
 * fixture check.)  The scaffolding
 * (throwaway CA, devices, signing) is that of test_derive.c. */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "derive.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#pragma GCC diagnostic ignored "-Wunused-function"   /* testcerts.h and the shared scaffolding */
#include "testcerts.h"
#include "tt.h"

#define T_LOG_STEP 256
#define P2 "245/KH-UBND"

static EVP_PKEY *CAK;
static X509 *CA;
static int64_t NOW;            /* ms: every device signs around now, inside its certificate */
static td_plan PLAN;           /* 726, parsed and resolved against the built-in registry */
static uint8_t *PLAN_PB, *SEED_PB;
static size_t PLAN_PB_N, SEED_PB_N;

/* --- devices --------------------------------------------------------------- */

typedef struct dev {
    EVP_PKEY *k;
    X509 *x;
    unsigned char pk[32], sk[64];
    uint64_t seq, hlc;
    char agency[TD_AGENCY_MAX + 1];
} dev;

static dev SRV, CEN, YTE, YTE2, CL, XD, INS;   /* only SRV, CEN and YTE are used here */

static void dev_make(dev *d, const char *cn, const char *o, const char *ou, X509 *ca, EVP_PKEY *cak)
{
    unsigned char seed[32];
    td_error e = {0};
    memset(d, 0, sizeof *d);
    d->k = tc_keygen();
    d->x = tc_cert(d->k, ca, cak, cn, o, ou, NULL, 0, -1, 30);
    if (td_key_ed25519_seed(d->k, seed, &e)) {
        fprintf(stderr, "seed: %s\n", e.msg);
        exit(1);
    }
    crypto_sign_seed_keypair(d->pk, d->sk, seed);
    snprintf(d->agency, sizeof d->agency, "%s", o && strcmp(ou, "server") ? o : "");
}

static void dev_free(dev *d)
{
    EVP_PKEY_free(d->k);
    X509_free(d->x);
}

/* A signed entry with every field chosen. */
static uint8_t *sign_ex(const dev *d, int kind, uint64_t seq, uint64_t hlc, int64_t t, const char *agency,
                        const void *payload, size_t pn, size_t *n)
{
    td_entry_fields f = {kind, seq, hlc, t, agency, payload, pn};
    uint8_t *out;
    td_error e = {0};
    if (td_entry_sign_raw(d->pk, d->sk, &f, &out, n, &e)) {
        fprintf(stderr, "sign: %s\n", e.msg);
        exit(1);
    }
    return out;
}

/* The device's next entry, signed at time t. */
static uint8_t *sign_at(dev *d, int kind, const void *payload, size_t pn, int64_t t, size_t *n)
{
    d->seq++;
    d->hlc = td_hlc_next(d->hlc, t);
    return sign_ex(d, kind, d->seq, d->hlc, t, d->agency, payload, pn, n);
}

static uint8_t *sign_now(dev *d, int kind, const void *payload, size_t pn, size_t *n)
{
    return sign_at(d, kind, payload, pn, NOW, n);
}

/* --- payloads -------------------------------------------------------------- */

static uint8_t *pack_cert(X509 *x, size_t *n)
{
    Tiendo__CertPayload p = TIENDO__CERT_PAYLOAD__INIT;
    unsigned char *der = NULL;
    uint8_t *out;
    int len = i2d_X509(x, &der);
    p.der.data = der;
    p.der.len = (size_t)len;
    *n = tiendo__cert_payload__get_packed_size(&p);
    out = malloc(*n);
    tiendo__cert_payload__pack(&p, out);
    OPENSSL_free(der);
    return out;
}

static uint8_t *pack_report(uint32_t task, const char *agency, const char *period, int state, uint32_t pct,
                            const char *result, size_t *n)
{
    Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
    uint8_t *out;
    p.task = task;
    p.agency = (char *)agency;
    p.period = (char *)period;
    p.state = (Tiendo__ReportState)state;
    p.percent = pct;
    p.result = (char *)result;
    *n = tiendo__report_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__report_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_indicator(const char *code, const char *agency, const char *period, double v, size_t *n)
{
    Tiendo__IndicatorPayload p = TIENDO__INDICATOR_PAYLOAD__INIT;
    uint8_t *out;
    p.code = (char *)code;
    p.agency = (char *)agency;
    p.period = (char *)period;
    p.value = v;
    p.has_value = 1;
    *n = tiendo__indicator_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__indicator_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_review(const unsigned char *author, uint64_t seq, uint32_t task, const char *agency, int accept,
                            const char *comment, size_t *n)
{
    Tiendo__ReviewPayload p = TIENDO__REVIEW_PAYLOAD__INIT;
    uint8_t *out;
    p.report_author.data = (uint8_t *)author;
    p.report_author.len = 32;
    p.report_seq = seq;
    p.task = task;
    p.agency = (char *)agency;
    p.accept = accept;
    p.comment = (char *)comment;
    *n = tiendo__review_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__review_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_condition(uint32_t task, int met, int y, int m, size_t *n)
{
    Tiendo__ConditionPayload p = TIENDO__CONDITION_PAYLOAD__INIT;
    uint8_t *out;
    p.task = task;
    p.met_date = met;
    p.due_year = y;
    p.due_month = m;
    p.note = "Nghị định 01/2025/NĐ-CP";
    *n = tiendo__condition_payload__get_packed_size(&p);
    out = malloc(*n ? *n : 1);
    tiendo__condition_payload__pack(&p, out);
    return out;
}

static uint8_t *pack_revocation(const unsigned char *key, int64_t when, size_t *n)
{
    Tiendo__RevocationPayload p = TIENDO__REVOCATION_PAYLOAD__INIT;
    uint8_t serial = 7, *out;
    p.serial.data = &serial;
    p.serial.len = 1;
    p.key.data = (uint8_t *)key;
    p.key.len = 32;
    p.revoked_ms = when;
    p.reason = 1;
    *n = tiendo__revocation_payload__get_packed_size(&p);
    out = malloc(*n);
    tiendo__revocation_payload__pack(&p, out);
    return out;
}

/* RENAME from -> to on `date`. */
static uint8_t *pack_rename(const char *from, const char *to, const char *name, int date, size_t *n)
{
    char *fv[1] = {(char *)from};
    td_agency a = {(char *)to, (char *)name, TD_AGENCY_DEPT, 0, 0};
    td_agency_change ch = {0};
    uint8_t *out;
    ch.kind = TD_CHANGE_RENAME;
    ch.date = date;
    ch.from = fv;
    ch.n_from = 1;
    ch.to = &a;
    ch.n_to = 1;
    if (td_agency_change_pb_encode(&ch, &out, n)) exit(1);
    return out;
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

/* A whole plan, signed by the server. */
static size_t L_plan(tlog *l, const td_plan *p)
{
    size_t pn;
    uint8_t *b;
    if (td_plan_pb_encode(p, "245-KH-UBND-HP.tasks.csv", &b, &pn)) exit(1);
    return L_sign(l, &SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, b, &pn);
}

/* 726's first n tasks and its indicators under another number. */
static void second_plan(td_plan *p, const char *number, size_t n)
{
    if (td_plan_copy(p, &PLAN)) exit(1);
    free(p->number);
    p->number = strdup(number);
    for (size_t i = n; i < p->n_tasks; i++) td_task_free(&p->tasks[i]);
    if (p->n_tasks > n) p->n_tasks = n;
}

static void test_two_plans(void)
{
    tlog l;
    td_state *st, *st2;
    td_plan p2;
    unsigned char d1[32], d2[32];
    size_t i_p2, i_rep2, i_rep1, i_unknown, i_named, i_big, i_ind, i_edit, i_reimp, n;
    uint32_t k49 = td_task_key(P2, 49), key;
    char buf[64], why[768];
    const td_task *t;

    memset(&l, 0, sizeof l);
    reset_devs();
    L_cert(&l, &SRV);
    {
        uint8_t *b = sign_now(&SRV, TIENDO__ENTRY_KIND__ENTRY_AGENCY, SEED_PB, SEED_PB_N, &n);
        L_add(&l, b, n);
        b = sign_now(&SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, PLAN_PB, PLAN_PB_N, &n);
        L_add(&l, b, n);
    }
    L_cert(&l, &CEN);
    L_cert(&l, &YTE);
    st = fold(&l, l.len);
    TT_EQ_INT(td_state_plan_count(st), 1);
    TT_EQ_STR(td_state_key_fmt(st, 49, buf, sizeof buf), "49");
    /* one plan: the merged view is the plan itself */
    TT_CHECK(td_plan_equal(td_state_plan(st), td_state_plan_at(st, 0), TD_PLAN_CMP_ALL, NULL, 0));
    td_state_digest(st, d1);
    td_state_free(st);

    second_plan(&p2, P2, 60);
    i_p2 = L_plan(&l, &p2);
    i_rep2 = L_report_in(&l, &YTE, P2, 49, "2025-09");
    i_rep1 = L_report_in(&l, &YTE, "", 49, "2025-09");
    i_unknown = L_report_in(&l, &YTE, "999/KH-UBND", 49, "2025-09");
    i_named = L_report_in(&l, &YTE, "726/KH-UBND", 49, "2025-09");
    i_big = L_report_in(&l, &YTE, "", k49, "2025-09");   /* a key in the task field: not a task number */
    {
        Tiendo__IndicatorPayload p = TIENDO__INDICATOR_PAYLOAD__INIT;
        uint8_t *b;
        p.code = "1";
        p.plan = P2;
        p.agency = "so-y-te";
        p.period = "2025-09";
        p.value = 42;
        p.has_value = 1;
        n = tiendo__indicator_payload__get_packed_size(&p);
        b = malloc(n);
        tiendo__indicator_payload__pack(&p, b);
        i_ind = L_sign(&l, &CEN, TIENDO__ENTRY_KIND__ENTRY_INDICATOR, b, &n);
    }
    {
        Tiendo__PlanChange pc = TIENDO__PLAN_CHANGE__INIT;
        Tiendo__TaskDeadline td = TIENDO__TASK_DEADLINE__INIT, *tdv[1] = {&td};
        uint8_t *b;
        td.task = 49;
        td.deadline_text = "12/2027";
        pc.reason = "Công văn 12/UBND-KHCN";
        pc.plan_number = P2;
        pc.n_deadlines = 1;
        pc.deadlines = tdv;
        n = tiendo__plan_change__get_packed_size(&pc);
        b = malloc(n);
        tiendo__plan_change__pack(&pc, b);
        i_edit = L_sign(&l, &CEN, TIENDO__ENTRY_KIND__ENTRY_PLAN, b, &n);
    }
    st = fold(&l, l.len);
    T_APPLIED(st, i_p2);
    T_APPLIED(st, i_rep2);
    T_APPLIED(st, i_rep1);
    T_REFUSED(st, i_unknown, "unknown plan \"999/KH-UBND\"");
    T_REFUSED(st, i_named, "names the default plan 726/KH-UBND");
    T_REFUSED(st, i_big, "is not below 65536");
    T_APPLIED(st, i_ind);
    T_APPLIED(st, i_edit);
    TT_EQ_INT(td_state_plan_count(st), 2);
    TT_EQ_STR(td_state_plan_at(st, 1)->number, P2);
    TT_EQ_INT(td_state_plan(st)->n_tasks, PLAN.n_tasks + 60);
    TT_CHECK(k49 >= 65536 && k49 < 0x80000000u);
    TT_CHECK(td_state_report(st, k49, "so-y-te", "2025-09") != NULL);
    TT_CHECK(td_state_report(st, 49, "so-y-te", "2025-09") != NULL);
    /* the key as the ledger derives it from the payload alone */
    {
        td_entry en;
        TT_EQ_INT(td_entry_decode(l.b[i_rep2 - 1], l.n[i_rep2 - 1], &en, NULL), 0);
        TT_EQ_INT(td_payload_task((int)en.e->kind, en.e->payload.data, en.e->payload.len), k49);
        td_entry_free(&en);
    }
    TT_CHECK(td_state_agency_on_task(st, k49, "so-y-te"));
    /* indicators per plan: "NUMBER:CODE" */
    {
        const td_indicator_value *iv = td_state_indicator_values(st, &n);
        TT_EQ_INT(n, 1);
        if (n) TT_EQ_STR(iv[0].code, P2 ":1");
    }
    /* the deadline edit moved 245:49 only */
    t = td_plan_task(td_state_plan(st), (int)k49);
    TT_CHECK(t && t->deadline.year == 2027);
    TT_CHECK(td_plan_task(td_state_plan_at(st, 1), 49)->deadline.year == 2027);
    TT_CHECK(td_plan_task(td_state_plan(st), 49)->deadline.year != 2027);
    /* people */
    TT_EQ_STR(td_state_key_fmt(st, 49, buf, sizeof buf), "726:49");
    TT_EQ_STR(td_state_key_fmt(st, k49, buf, sizeof buf), "245:49");
    TT_EQ_INT(td_state_key_parse(st, "49", NULL, "so-y-te", &key, why, sizeof why), -2);
    TT_CHECK(strstr(why, "726/KH-UBND (--plan 726), 245/KH-UBND (--plan 245)") != NULL);
    TT_EQ_INT(td_state_key_parse(st, "245:49", NULL, "so-y-te", &key, why, sizeof why), 0);
    TT_EQ_INT(key, k49);
    TT_EQ_INT(td_state_key_parse(st, P2 ":49", NULL, NULL, &key, why, sizeof why), 0);
    TT_EQ_INT(key, k49);
    TT_EQ_INT(td_state_key_parse(st, "49", "726", NULL, &key, why, sizeof why), 0);
    TT_EQ_INT(key, 49);
    TT_EQ_INT(td_state_key_parse(st, "70", NULL, NULL, &key, why, sizeof why), 0);   /* only 726 has a task 70 */
    TT_EQ_INT(key, 70);
    TT_EQ_INT(td_state_key_parse(st, "49", "57", NULL, &key, why, sizeof why), -1);
    TT_CHECK(strstr(why, "không có kế hoạch \"57\"") != NULL);
    TT_EQ_INT(td_state_key_parse(st, "245:0", NULL, NULL, &key, why, sizeof why), -1);
    TT_EQ_INT(td_state_key_parse(st, "49", "245", NULL, &key, why, sizeof why), 0);
    TT_EQ_INT(key, k49);

    /* incremental: folding in two steps gives the same state */
    st2 = fold(&l, i_p2 - 1);
    fold_range(st2, &l, i_p2 - 1, l.len);
    td_state_digest(st, d1);
    td_state_digest(st2, d2);
    TT_CHECK(!memcmp(d1, d2, 32));
    td_state_free(st2);
    td_state_free(st);

    /* re-import plan 245 (unchanged): 726 is untouched, 245's edited deadline goes back */
    i_reimp = L_plan(&l, &p2);
    st = fold(&l, l.len);
    T_APPLIED(st, i_reimp);
    TT_EQ_INT(td_state_plan_count(st), 2);
    TT_CHECK(td_plan_equal(td_state_plan_at(st, 0), &PLAN, TD_PLAN_CMP_ALL, NULL, 0));
    TT_CHECK(td_plan_task(td_state_plan_at(st, 1), 49)->deadline.year != 2027);
    {
        const td_deadline_change *dc = td_state_deadline_changes(st, &n);
        TT_EQ_INT(n, 2);   /* the edit, and the re-import undoing it, both on 245:49 */
        if (n == 2) {
            TT_EQ_INT(dc[0].task, k49);
            TT_EQ_INT(dc[1].task, k49);
        }
    }
    TT_CHECK(td_state_report(st, k49, "so-y-te", "2025-09") != NULL);
    td_state_free(st);

    /* a third plan whose slot 245 already has; a plan with a task number out of range */
    {
        char name[32];
        td_plan p3, p4;
        size_t i3, i4;
        int found = 0;
        for (int k = 0; k < 2000000 && !found; k++) {
            snprintf(name, sizeof name, "%d/KH-UBND", k);
            found = strcmp(name, P2) && td_plan_slot(name) == td_plan_slot(P2);
        }
        TT_CHECK(found);
        second_plan(&p3, name, 5);
        i3 = L_plan(&l, &p3);
        second_plan(&p4, "300/KH-UBND", 5);
        p4.tasks[4].number = 70000;
        i4 = L_plan(&l, &p4);
        st = fold(&l, l.len);
        T_REFUSED(st, i3, "has the task keys of plan 245/KH-UBND");
        T_REFUSED(st, i4, "task number 70000 is not in 1..65535");
        TT_EQ_INT(td_state_plan_count(st), 2);
        td_state_free(st);
        td_plan_free(&p3);
        td_plan_free(&p4);
    }
    td_plan_free(&p2);
    L_free(&l);
}

/* Re-importing the default plan (same number) keeps one plan, whose merged
 * view is the plan itself, as before plans were named (the digest of a
 * single-plan log is checked against the old code's in test_upgrade.c). */
static void test_one_plan_reimport(void)
{
    tlog l;
    td_state *st;
    td_plan edited;
    memset(&l, 0, sizeof l);
    reset_devs();
    L_cert(&l, &SRV);
    L_plan(&l, &PLAN);
    if (td_plan_copy(&edited, &PLAN)) exit(1);
    free(edited.title);
    edited.title = strdup("Kế hoạch (bản sửa)");
    L_plan(&l, &edited);
    st = fold(&l, l.len);
    TT_EQ_INT(td_state_plan_count(st), 1);
    TT_EQ_STR(td_state_plan(st)->title, "Kế hoạch (bản sửa)");
    TT_CHECK(td_plan_equal(td_state_plan(st), td_state_plan_at(st, 0), TD_PLAN_CMP_ALL, NULL, 0));
    td_state_free(st);
    td_plan_free(&edited);
    L_free(&l);
}

int main(void)
{
    td_plan_issues is = {0};
    td_registry reg;
    if (sodium_init() < 0) return 1;
    NOW = td_clock_now_ms();
    CAK = tc_keygen();
    CA = tc_cert(CAK, NULL, NULL, "Test CA", "test", NULL, NULL, 1, -1, 30);
    if (fixture_plan(&PLAN, &reg, &is)) return 1;
    if (td_plan_pb_encode(&PLAN, "726-KH-UBND.txt", &PLAN_PB, &PLAN_PB_N) ||
        td_registry_seed_pb_encode(&reg, &SEED_PB, &SEED_PB_N))
        return 1;
    dev_make(&SRV, "tiendo-server", NULL, "server", CA, CAK);
    dev_make(&CEN, "khcn-01", "so-khcn", "central", CA, CAK);
    dev_make(&YTE, "yte-01", "so-y-te", "office", CA, CAK);

    TT_RUN(test_two_plans);
    TT_RUN(test_one_plan_reimport);

    dev_free(&SRV);
    dev_free(&CEN);
    dev_free(&YTE);
    free(PLAN_PB);
    free(SEED_PB);
    td_plan_free(&PLAN);
    td_plan_issues_free(&is);
    td_registry_free(&reg);
    X509_free(CA);
    EVP_PKEY_free(CAK);
    return tt_report();
}
