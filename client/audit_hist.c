/* audit_hist.c — see audit_hist.h. */
#include "audit_hist.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "entry.h"
#include "grow.h"
#include "log.pb-c.h"
#include "msg.h"
#include "plan.pb-c.h"
#include "replica.h"

#define TDA_EXCERPT_MAX 120

static void tda__period_vi(const char *p, char *out, size_t n)
{
    if (strlen(p) == 7 && p[4] == '-') snprintf(out, n, "%.2s/%.4s", p + 5, p);
    else snprintf(out, n, "%s", p);
}

static const char *tda__state_vi(int s)
{
    return td_msg_report_state(s, TD_MSG_HIST_STATE_UNKNOWN);
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
static int tda__mine(const char *agency, const td_registry *pre, const char *slug)
{
    if (!agency || !slug) return 0;
    return !strcmp(slug, agency) || (pre && td_registry_is_predecessor(pre, slug, agency));
}

/* The task as people read it: "47", or "245:18" for a later plan's task
 * (the plan's number up to its first '/', docs/LOG.md §14). */
static const char *tda__task_vi(const char *plan, uint32_t number, char *buf, size_t n)
{
    if (plan && *plan) snprintf(buf, n, "%.*s:%u", (int)strcspn(plan, "/"), plan, number);
    else snprintf(buf, n, "%u", number);
    return buf;
}

/* Agency, period and summary of an entry; *matches: concerns o->agency. */
static void tda__describe(const Tiendo__Entry *e, const char *agency, const td_registry *pre, char *period, size_t pn,
                          char *sum, size_t sn, int *about_agency, uint32_t task, int *about_task)
{
    char ex[TDA_EXCERPT_MAX * 2], tk[48];
    *period = *sum = '\0';
    switch (e->kind) {
    case TIENDO__ENTRY_KIND__ENTRY_REPORT: {
        Tiendo__ReportPayload *p = tiendo__report_payload__unpack(NULL, e->payload.len, e->payload.data);
        if (!p) break;
        tda__period_vi(p->period, period, pn);
        tda__excerpt(p->result, TDA_EXCERPT_MAX, ex, sizeof ex);
        snprintf(sum, sn, TD_MSG_HIST_REPORT, tda__task_vi(p->plan, p->task, tk, sizeof tk), p->agency,
                 tda__state_vi(p->state), p->percent,
                 *ex ? TD_MSG_HIST_RESULT : "", ex);
        *about_agency = tda__mine(agency, pre, p->agency);
        tiendo__report_payload__free_unpacked(p, NULL);
        return;
    }
    case TIENDO__ENTRY_KIND__ENTRY_INDICATOR: {
        Tiendo__IndicatorPayload *p = tiendo__indicator_payload__unpack(NULL, e->payload.len, e->payload.data);
        if (!p) break;
        tda__period_vi(p->period, period, pn);
        tda__excerpt(p->text, TDA_EXCERPT_MAX, ex, sizeof ex);
        if (p->has_value) snprintf(sum, sn, TD_MSG_HIST_INDICATOR_VALUE, p->code, p->agency, p->value, *ex ? "; " : "", ex);
        else snprintf(sum, sn, TD_MSG_HIST_INDICATOR_TEXT, p->code, p->agency, ex);
        *about_agency = tda__mine(agency, pre, p->agency);
        tiendo__indicator_payload__free_unpacked(p, NULL);
        return;
    }
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW: {
        Tiendo__ReviewPayload *p = tiendo__review_payload__unpack(NULL, e->payload.len, e->payload.data);
        char ah[17] = "?";
        if (!p) break;
        if (p->report_author.len == 32) td_key_short_hex(p->report_author.data, ah);
        tda__excerpt(p->comment, TDA_EXCERPT_MAX, ex, sizeof ex);
        snprintf(sum, sn, TD_MSG_HIST_REVIEW,
                 tda__task_vi(p->plan, p->task, tk, sizeof tk), p->agency,
                 p->accept ? TD_MSG_HIST_WORD_ACCEPT : TD_MSG_HIST_WORD_RETURN, ah, p->report_seq, *ex ? TD_MSG_HIST_COMMENT : "", ex);
        *about_agency = tda__mine(agency, pre, p->agency);
        tiendo__review_payload__free_unpacked(p, NULL);
        return;
    }
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION: {
        Tiendo__ConditionPayload *p = tiendo__condition_payload__unpack(NULL, e->payload.len, e->payload.data);
        if (!p) break;
        snprintf(sum, sn, TD_MSG_HIST_CONDITION,
                 tda__task_vi(p->plan, p->task, tk, sizeof tk),
                 p->met_date % 100, p->met_date / 100 % 100, p->met_date / 10000, p->due_month, p->due_year);
        tiendo__condition_payload__free_unpacked(p, NULL);
        return;
    }
    case TIENDO__ENTRY_KIND__ENTRY_PLAN: {
        /* a deadline edit (gia hạn): the tasks it names */
        Tiendo__PlanChange *p = tiendo__plan_change__unpack(NULL, e->payload.len, e->payload.data);
        size_t k = 0;
        if (!p) break;
        if (p->plan || !p->n_deadlines) {
            tiendo__plan_change__free_unpacked(p, NULL);
            break;
        }
        for (size_t i = 0; i < p->n_deadlines; i++)
            if (p->deadlines[i]->task == task) k = i, *about_task = 1;
        tda__excerpt(p->reason, TDA_EXCERPT_MAX, ex, sizeof ex);
        snprintf(sum, sn, TD_MSG_HIST_EXTEND, p->deadlines[k]->task,
                 p->n_deadlines > 1 ? TD_MSG_HIST_AND_OTHER_TASKS : "", p->deadlines[k]->deadline_text, ex);
        tiendo__plan_change__free_unpacked(p, NULL);
        return;
    }
    default: break;
    }
    snprintf(sum, sn, "%s", td_entry_kind_vi(e->kind));
}

typedef struct tda_hist {
    uint32_t task;               /* 0: by agency */
    const char *task_plan;       /* task's plan as typed ("" or NULL: task is a key) */
    const char *agency;
    td_state *st;                /* the replay's state (NULL when reading the outcomes from `fold`) */
    const td_state *fold;        /* the whole source's fold: each entry's outcome is read from it */
    const td_registry *pre;      /* the whole log's registry: predecessors of agency */
    const td_state *vis;         /* the whole log's state: what agency's office sees (visibility rule) */
    tda_hist_cb cb;
    void *arg;
    uint64_t n_rows;
    int fatal;
    td_error *err;
} tda_hist;

/* An entry on a task that agency's office receives under the visibility
 * rule (docs/LOG.md §7), judged as the whole log leaves the plan and the
 * registry, as the office's replica is after its rescan: reports, reviews
 * and conditions on tasks it is lead or partner of, successors followed
 * (tasks it became partner of, or took over from a predecessor).  Plan,
 * agency, certificate and revocation entries reach every office and are
 * not its history. */
static int tda__office_sees(const tda_hist *h, const td_entry *en)
{
    int kind = (int)en->e->kind;
    if (!h->vis || !h->agency) return 0;
    if (kind != TIENDO__ENTRY_KIND__ENTRY_REPORT && kind != TIENDO__ENTRY_KIND__ENTRY_REVIEW &&
        kind != TIENDO__ENTRY_KIND__ENTRY_CONDITION)
        return 0;
    return td_state_visible(h->vis, kind, en->e->agency, td_payload_task(kind, en->e->payload.data, en->e->payload.len),
                            h->agency, TD_ROLE_OFFICE);
}

/*
 * What the fold made of the entry at idx, read from the fold of the whole
 * source instead of applied again (docs/LOG.md, "History from the persisted
 * fold"): refused with the recorded reason and task (the state keeps every
 * refusal), else applied, on the task its payload names (the key the fold
 * gave it), with a report version's signed-time flags.
 */
static void tda__outcome(const td_state *st, uint64_t idx, const td_entry *en, td_apply_result *ar, int *time_flags)
{
    size_t n, lo = 0, hi;
    const td_refusal *rf = td_state_refusals(st, &n);
    memset(ar, 0, sizeof *ar);
    *time_flags = 0;
    ar->kind = (int)en->e->kind;
    for (hi = n; lo < hi;) {   /* refusals are in log order */
        size_t mid = lo + (hi - lo) / 2;
        if (rf[mid].index < idx) lo = mid + 1;
        else hi = mid;
    }
    if (lo < n && rf[lo].index == idx) {
        ar->refused = 1;
        ar->task = rf[lo].task;
        memcpy(ar->reason, rf[lo].reason, sizeof ar->reason);
        return;
    }
    ar->task = td_payload_task(ar->kind, en->e->payload.data, en->e->payload.len);
    if (ar->kind == TIENDO__ENTRY_KIND__ENTRY_REPORT) {
        const td_report_version *v = td_state_report_versions(st, &n);
        for (lo = 0, hi = n; lo < hi;) {   /* versions are in log order */
            size_t mid = lo + (hi - lo) / 2;
            if (v[mid].index < idx) lo = mid + 1;
            else hi = mid;
        }
        if (lo < n && v[lo].index == idx) *time_flags = v[lo].time_flags;
    }
}

static int tda__hist_row(void *arg, const tda_row *row)
{
    tda_hist *h = arg;
    td_entry en = {0};
    td_error e = {0};
    td_apply_result ar;
    const td_author *a;
    char device[TD_DEVICE_MAX + 64], period[32], sum[TDA_SUMMARY_MAX], ah[17];
    int about = 0, about_task = 0, rc, show, time_flags = 0;
    if (h->fold && row->idx > td_state_last_index(h->fold)) return 0;   /* arrived after the fold was read */
    if (td_entry_decode(row->body, row->len, &en, &e)) return 0;   /* verify reports it; history shows what decodes */
    if (h->fold) {
        /* the author as the fold knew it before this entry: from its first certificate on */
        a = td_state_author(h->fold, en.e->author.data);
        if (a && a->cert_index >= row->idx) a = NULL;
    } else {
        a = td_state_author(h->st, en.e->author.data);
    }
    td_key_short_hex(en.e->author.data, ah);
    if (a && a->is_server) snprintf(device, sizeof device, TD_MSG_HIST_AUTHOR_SERVER, a->device);
    else if (a) snprintf(device, sizeof device, "%s", a->device);
    else snprintf(device, sizeof device, TD_MSG_HIST_AUTHOR_UNKNOWN, ah);
    if (h->fold) {
        tda__outcome(h->fold, row->idx, &en, &ar, &time_flags);
    } else {
        if ((rc = td_state_apply(h->st, row->idx, row->body, row->len, row->received_ms, &ar, &e))) {
            td_entry_free(&en);
            h->fatal = td_error_set(h->err, rc, "audit history: index %" PRIu64 ": %s", row->idx, e.msg);
            return 1;
        }
        if (!h->cb) {   /* the first pass: the registry only */
            td_entry_free(&en);
            return 0;
        }
        if (!ar.refused && en.e->kind == TIENDO__ENTRY_KIND__ENTRY_REPORT) {
            size_t nv;
            const td_report_version *v = td_state_report_versions(h->st, &nv);
            if (nv && v[nv - 1].index == row->idx) time_flags = v[nv - 1].time_flags;
        }
    }
    tda__describe(en.e, h->agency, h->pre, period, sizeof period, sum, sizeof sum, &about, h->task, &about_task);
    if (h->task && h->task_plan && *h->task_plan) {
        /* a plan named by number or short name: its key once the plan is in the log (docs/LOG.md §14), the
         * plans as the log stood at this entry */
        const td_state *ps = h->fold ? h->fold : h->st;
        int pi = h->fold ? td_state_plan_find_at(ps, h->task_plan, row->idx) : td_state_plan_find(ps, h->task_plan);
        show = pi >= 0 && ar.task == td_task_key(pi ? td_state_plan_at(ps, (size_t)pi)->number : "", h->task);
    } else if (h->task) show = ar.task == h->task || about_task;
    else show = about || tda__mine(h->agency, h->pre, en.e->agency) || tda__office_sees(h, &en);
    if (show) {
        tda_hist_row r;
        memset(&r, 0, sizeof r);
        r.idx = row->idx;
        r.signed_ms = en.e->device_time_ms;
        r.received_ms = row->received_ms;
        r.agency = en.e->agency;
        r.device = device;
        r.kind = en.e->kind;
        r.period = period;
        r.summary = sum;
        r.refused = ar.refused;
        r.reason = ar.refused ? ar.reason : "";
        r.time_flags = time_flags;
        h->n_rows++;
        if ((rc = h->cb(h->arg, &r))) {
            td_entry_free(&en);
            return rc;
        }
    }
    td_entry_free(&en);
    return 0;
}

/* Growing array of log indexes. */
typedef struct tda__idxv {
    uint64_t *v;
    size_t n, cap;
    int oom;
} tda__idxv;

static void tda__idx_add(tda__idxv *x, uint64_t idx)
{
    if (x->oom || TD_GROW(x->v, x->cap, x->n + 1)) {
        x->oom = 1;
        return;
    }
    x->v[x->n++] = idx;
}

static int tda__u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The keys of a task's history: the task key itself, or, for a task named
 * in a plan, its number under every plan of the state, any number of them:
 * the default plan's key is the number, a later plan's carries the plan's
 * slot above it (plan.h td_task_key), one bit a slot. */
typedef struct tda__keys {
    uint32_t task;
    int by_plan;                 /* 0: the key task alone */
    int default_plan;            /* by_plan: the state has a default plan */
    unsigned char slots[(UINT32_MAX / TD_TASK_NUMBER_LIMIT + 1) / 8];
} tda__keys;

static void tda__keys_init(tda__keys *k, const td_state *st, uint32_t task, const char *task_plan)
{
    memset(k, 0, sizeof *k);
    k->task = task;
    if (!task_plan || !*task_plan) return;
    k->by_plan = 1;
    for (size_t i = 0; i < td_state_plan_count(st); i++) {
        uint32_t key = td_task_key(i ? td_state_plan_at(st, i)->number : "", task);
        if (!i) k->default_plan = key == task;
        else if (key >= TD_TASK_NUMBER_LIMIT) k->slots[key >> 19] |= (unsigned char)(1u << ((key >> 16) & 7));
    }
}

static int tda__key_in(const tda__keys *k, uint32_t key)
{
    if (!k->by_plan) return key == k->task;
    if (td_task_number(key) != k->task) return 0;
    if (key < TD_TASK_NUMBER_LIMIT) return k->default_plan;
    return (k->slots[key >> 19] >> ((key >> 16) & 7)) & 1;
}

/*
 * The log indexes whose entries a task's history may show, from the fold:
 * every entry the fold gave one of the task's keys (applied reports, reviews
 * and conditions are in its histories, refused ones in its refusals), the
 * deadline changes naming the task and every refused plan change (a refused
 * deadline edit is shown on the tasks it names).  A superset: each row is
 * then judged as the replay judges it.  Sorted, without duplicates.
 */
static int tda__task_rows(const td_state *st, uint32_t task, const char *task_plan, tda__idxv *out)
{
    tda__keys *keys;
    size_t n;
    /* with a plan named: the key under every plan the name may have named as the log grew */
    if (!(keys = malloc(sizeof *keys))) return TD_ENOMEM;
    tda__keys_init(keys, st, task, task_plan);
    {
        const td_report_version *v = td_state_report_versions(st, &n);
        for (size_t i = 0; i < n; i++)
            if (tda__key_in(keys, v[i].task)) tda__idx_add(out, v[i].index);
    }
    {
        const td_review_event *v = td_state_reviews(st, &n);
        for (size_t i = 0; i < n; i++)
            if (tda__key_in(keys, v[i].task)) tda__idx_add(out, v[i].index);
    }
    {
        const td_condition *v = td_state_condition_history(st, &n);
        for (size_t i = 0; i < n; i++)
            if (tda__key_in(keys, v[i].task)) tda__idx_add(out, v[i].index);
    }
    {
        const td_deadline_change *v = td_state_deadline_changes(st, &n);
        for (size_t i = 0; i < n; i++)
            if (v[i].task == task || td_task_number(v[i].task) == task || tda__key_in(keys, v[i].task))
                tda__idx_add(out, v[i].index);
    }
    {
        const td_refusal *v = td_state_refusals(st, &n);
        for (size_t i = 0; i < n; i++)
            if (v[i].kind == TIENDO__ENTRY_KIND__ENTRY_PLAN || tda__key_in(keys, v[i].task))
                tda__idx_add(out, v[i].index);
    }
    free(keys);
    if (out->oom) return TD_ENOMEM;
    if (out->n) {
        size_t k = 1;
        qsort(out->v, out->n, sizeof *out->v, tda__u64_cmp);
        for (size_t i = 1; i < out->n; i++)
            if (out->v[i] != out->v[k - 1]) out->v[k++] = out->v[i];
        out->n = k;
    }
    return 0;
}

/* An agency's history: the whole log's registry and state (vis) decide its
 * predecessors and what its office sees; pre_cb gets each predecessor. */
static void tda__hist_whole(tda_hist *h, const td_state *whole, const char *agency,
                            void (*pre_cb)(void *arg, const char *slug, const char *name), void *arg)
{
    h->pre = td_state_registry(whole);
    h->vis = whole;
    if (pre_cb)
        for (size_t i = 0; i < h->pre->n_agencies; i++)
            if (td_registry_is_predecessor(h->pre, h->pre->agencies[i].slug, agency))
                pre_cb(arg, h->pre->agencies[i].slug, h->pre->agencies[i].name);
}

/* What both kinds of history are asked for (0 task: by agency). */
static void tda__hist_init(tda_hist *h, uint32_t task, const char *task_plan, const char *agency, tda_hist_cb cb,
                           void *arg, td_error *err)
{
    h->task = task;
    h->task_plan = task_plan;
    h->agency = task ? NULL : agency;
    h->cb = cb;
    h->arg = arg;
    h->err = err;
}

int tda_history_folded(const tda_source *src, const td_state *fold, uint32_t task, const char *task_plan,
                       const char *agency, void (*pre_cb)(void *arg, const char *slug, const char *name),
                       tda_hist_cb cb, void *arg, uint64_t *n_rows, td_error *err)
{
    tda_hist h = {0};
    int rc;
    *n_rows = 0;
    if (!cb || !fold) return td_error_set(err, TD_EARG, "audit history: no callback or no fold");
    if (!task && !agency) return td_error_set(err, TD_EARG, "audit history: a task or an agency");
    tda__hist_init(&h, task, task_plan, agency, cb, arg, err);
    h.fold = fold;
    if (task) {
        tda__idxv rows = {0};
        if (!src->get) return td_error_set(err, TD_EARG, "audit history: the source has no rows by index");
        if ((rc = tda__task_rows(fold, task, task_plan, &rows))) {
            free(rows.v);
            return td_error_set(err, rc, "%s", td_err_vi(TD_ENOMEM));
        }
        rc = src->get(src->arg, rows.v, rows.n, tda__hist_row, &h, err);
        free(rows.v);
    } else {
        /* an agency's history is most of the log (every entry on its tasks): read every row, apply none */
        tda__hist_whole(&h, fold, agency, pre_cb, arg);
        rc = src->scan(src->arg, tda__hist_row, &h, err);
    }
    if (h.fatal) rc = h.fatal;
    *n_rows = h.n_rows;
    return rc;
}

static int tda__history_read(const tda_source *src, X509 *ca, uint32_t task, const char *task_plan,
                             const char *agency, void (*pre_cb)(void *arg, const char *slug, const char *name),
                             tda_hist_cb cb, void *arg, uint64_t *n_rows, td_error *err)
{
    tda_hist h = {0};
    td_state *pre_st = NULL;
    int rc;
    if (src->fold && src->get) {
        /* a replica: its own fold (the persisted one and the rows after it) gives each entry's outcome */
        td_state *fold = NULL;
        td_error fe = {0};
        if (!(rc = src->fold(src->arg, ca, &fold, &fe))) {
            rc = tda_history_folded(src, fold, task, task_plan, agency, pre_cb, cb, arg, n_rows, err);
            td_state_free(fold);
            return rc;
        }
        if (rc == TD_ENOMEM) return td_error_set(err, rc, "%s", fe.msg);
        /* a replica without the persisted fold's tables (an old copy): replay it */
    }
    if (!task) {
        /* a first pass for the registry as the whole log leaves it: the
         * predecessors of agency are known before their entries scroll by */
        tda_hist pre = {0};
        pre.err = err;
        if (!(pre.st = td_state_new(ca))) return td_error_set(err, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
        rc = src->scan(src->arg, tda__hist_row, &pre, err);
        if (pre.fatal || rc < 0) {
            td_state_free(pre.st);
            return pre.fatal ? pre.fatal : rc;
        }
        pre_st = pre.st;
        tda__hist_whole(&h, pre_st, agency, pre_cb, arg);
    }
    tda__hist_init(&h, task, task_plan, agency, cb, arg, err);
    if (!(h.st = td_state_new(ca))) {
        td_state_free(pre_st);
        return td_error_set(err, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
    }
    rc = src->scan(src->arg, tda__hist_row, &h, err);
    if (h.fatal) rc = h.fatal;
    *n_rows = h.n_rows;
    td_state_free(h.st);
    td_state_free(pre_st);
    return rc;
}

int tda_history(const tda_source *src, X509 *ca, uint32_t task, const char *task_plan, const char *agency,
                void (*pre_cb)(void *arg, const char *slug, const char *name), tda_hist_cb cb, void *arg,
                uint64_t *n_rows, td_error *err)
{
    int rc;
    *n_rows = 0;
    if (!cb) return td_error_set(err, TD_EARG, "audit history: no callback");
    if (!task && !agency) return td_error_set(err, TD_EARG, "audit history: a task or an agency");
    /* the fold and the rows (or both scans) from one read of the source: rows another process stores
     * meanwhile are in neither */
    if (src->read_begin && (rc = src->read_begin(src->arg, err))) {
        if (src->read_end) src->read_end(src->arg);
        return rc;
    }
    rc = tda__history_read(src, ca, task, task_plan, agency, pre_cb, cb, arg, n_rows, err);
    if (src->read_end) src->read_end(src->arg);
    return rc;
}

const char *tdc_alarm_vi(const char *kind)
{
    if (!strcmp(kind, TDC_ALARM_INCONSISTENT))
        return TD_MSG_ALARM_INCONSISTENT;
    if (!strcmp(kind, TDC_ALARM_ROLLBACK)) return TD_MSG_ALARM_LOG_TRUNCATED;
    if (!strcmp(kind, TDC_ALARM_SIGNATURE)) return TD_MSG_ALARM_CKPT_SIG_BAD;
    if (!strcmp(kind, TDC_ALARM_ORIGIN)) return TD_MSG_ALARM_ORIGIN_CHANGED;
    if (!strcmp(kind, TDC_ALARM_MISSING)) return TD_MSG_ALARM_CKPT_WITHHELD;
    if (!strcmp(kind, TDC_ALARM_SERVER_KEY)) return TD_MSG_ALARM_SERVER_KEY_CHANGED;
    if (!strcmp(kind, TDC_ALARM_ENTRIES))
        return TD_MSG_ALARM_NOT_CONSISTENT;
    return TD_MSG_ALARM_CHECK_FAILED;
}

