/* audit_hist.c — see audit_hist.h. */
#include "audit_hist.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "entry.h"
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
    td_state *st;
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

static int tda__hist_row(void *arg, const tda_row *row)
{
    tda_hist *h = arg;
    td_entry en = {0};
    td_error e = {0};
    td_apply_result ar;
    const td_author *a;
    char device[TD_DEVICE_MAX + 64], period[32], sum[TDA_SUMMARY_MAX], ah[17];
    int about = 0, about_task = 0, rc, show;
    if (td_entry_decode(row->body, row->len, &en, &e)) return 0;   /* verify reports it; history shows what decodes */
    a = td_state_author(h->st, en.e->author.data);
    td_key_short_hex(en.e->author.data, ah);
    if (a && a->is_server) snprintf(device, sizeof device, TD_MSG_HIST_AUTHOR_SERVER, a->device);
    else if (a) snprintf(device, sizeof device, "%s", a->device);
    else snprintf(device, sizeof device, TD_MSG_HIST_AUTHOR_UNKNOWN, ah);
    if ((rc = td_state_apply(h->st, row->idx, row->body, row->len, row->received_ms, &ar, &e))) {
        td_entry_free(&en);
        h->fatal = td_error_set(h->err, rc, "audit history: index %" PRIu64 ": %s", row->idx, e.msg);
        return 1;
    }
    if (!h->cb) {   /* the first pass: the registry only */
        td_entry_free(&en);
        return 0;
    }
    tda__describe(en.e, h->agency, h->pre, period, sizeof period, sum, sizeof sum, &about, h->task, &about_task);
    if (h->task && h->task_plan && *h->task_plan) {
        /* a plan named by number or short name: its key once the plan is in the log (docs/LOG.md §14) */
        int pi = td_state_plan_find(h->st, h->task_plan);
        show = pi >= 0 && ar.task == td_task_key(pi ? td_state_plan_at(h->st, (size_t)pi)->number : "", h->task);
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
        if (!ar.refused && en.e->kind == TIENDO__ENTRY_KIND__ENTRY_REPORT) {
            size_t nv;
            const td_report_version *v = td_state_report_versions(h->st, &nv);
            if (nv && v[nv - 1].index == row->idx) r.time_flags = v[nv - 1].time_flags;
        }
        h->n_rows++;
        if ((rc = h->cb(h->arg, &r))) {
            td_entry_free(&en);
            return rc;
        }
    }
    td_entry_free(&en);
    return 0;
}

int tda_history(const tda_source *src, X509 *ca, uint32_t task, const char *task_plan, const char *agency,
                void (*pre_cb)(void *arg, const char *slug, const char *name), tda_hist_cb cb, void *arg,
                uint64_t *n_rows, td_error *err)
{
    tda_hist h = {0};
    td_state *pre_st = NULL;
    int rc;
    *n_rows = 0;
    if (!cb) return td_error_set(err, TD_EARG, "audit history: no callback");
    if (!task && !agency) return td_error_set(err, TD_EARG, "audit history: a task or an agency");
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
        h.pre = td_state_registry(pre_st);
        h.vis = pre_st;
        if (pre_cb)
            for (size_t i = 0; i < h.pre->n_agencies; i++)
                if (td_registry_is_predecessor(h.pre, h.pre->agencies[i].slug, agency))
                    pre_cb(arg, h.pre->agencies[i].slug, h.pre->agencies[i].name);
    }
    h.task = task;
    h.task_plan = task_plan;
    h.agency = task ? NULL : agency;
    h.cb = cb;
    h.arg = arg;
    h.err = err;
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

