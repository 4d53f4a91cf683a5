/* todo.c — see todo.h. */
#include "todo.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "grow.h"
#include "log.pb-c.h"
#include "refusal.h"

static const td_lead_status *tdc__lead(const td_task_status *ts, const char *agency)
{
    for (size_t i = 0; i < ts->n_leads; i++)
        if (!strcmp(ts->leads[i].agency, agency)) return &ts->leads[i];
    return NULL;
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

int tdc_refusals_mine(tdc_ctx *c, size_t max, tdc_todo_refusal **out, size_t *n_out, size_t *total, td_error *e)
{
    const td_state *st = tdc_replica_state(c->rep);
    tdc_outbox_item *v = NULL;
    size_t n = 0, nrf = 0, cap = 0;
    const td_refusal *rf = st ? td_state_refusals(st, &nrf) : NULL;
    tdc_todo_refusal *r = NULL;
    int rc;
    *out = NULL;
    *n_out = *total = 0;
    if ((rc = tdc_replica_outbox_list(c->rep, TDC_OUT_REFUSED, 0, &v, &n, e))) return rc;
    cap = max < n + nrf ? max : n + nrf;
    if (cap && !(r = calloc(cap, sizeof *r))) {
        tdc_outbox_items_free(v, n);
        return td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
    }
    for (size_t i = 0; i < n; i++) {
        int resigned = td_refusal_classify(v[i].reason) == TD_RF_RESIGNED;
        if (!resigned) (*total)++;
        if (*n_out >= max) continue;
        tdc_todo_refusal *x = &r[(*n_out)++];
        x->resigned = resigned;
        x->seq = v[i].seq;
        x->kind = v[i].kind;
        snprintf(x->summary, sizeof x->summary, "%s", v[i].summary);
        snprintf(x->reason, sizeof x->reason, "%s", v[i].reason);
        td_refusal_vi(v[i].reason, x->vi, sizeof x->vi);
    }
    tdc_outbox_items_free(v, n);
    for (size_t i = 0; i < nrf; i++) {
        if (!tdc__my_key(st, &c->id, rf[i].author)) continue;
        (*total)++;
        if (*n_out >= max) continue;
        tdc_todo_refusal *x = &r[(*n_out)++];
        x->by_fold = 1;
        x->seq = rf[i].seq;
        x->index = rf[i].index;
        x->kind = rf[i].kind;
        x->task = rf[i].task;
        snprintf(x->reason, sizeof x->reason, "%s", rf[i].reason);
        td_refusal_vi(rf[i].reason, x->vi, sizeof x->vi);
    }
    *out = r;
    return 0;
}

static int tdc__u64_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static int tdc__report_cmp(const void *x, const void *y)
{
    const td_report *a = *(const td_report *const *)x, *b = *(const td_report *const *)y;
    int k;
    if (a->task != b->task) return a->task < b->task ? -1 : 1;
    if ((k = strcmp(a->agency, b->agency))) return k;
    return strcmp(a->period, b->period);
}

static tdc_todo_item *tdc__add(tdc_todo *t, size_t *cap, tdc_todo_kind k, uint32_t task, const char *agency,
                               const char *period)
{
    tdc_todo_item *x;
    if (TD_GROW(t->v, *cap, t->n + 1)) return NULL;
    x = &t->v[t->n++];
    memset(x, 0, sizeof *x);
    x->kind = k;
    x->task = task;
    snprintf(x->agency, sizeof x->agency, "%s", agency ? agency : "");
    snprintf(x->period, sizeof x->period, "%s", period ? period : "");
    return x;
}

const tdc_todo_item *tdc_todo_first(const tdc_todo *t, tdc_todo_kind k)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].kind == k) return &t->v[i];
    return NULL;
}

const tdc_todo_item *tdc_todo_next(const tdc_todo *t, const tdc_todo_item *it, tdc_todo_kind k)
{
    for (size_t i = (size_t)(it - t->v) + 1; i < t->n; i++)
        if (t->v[i].kind == k) return &t->v[i];
    return NULL;
}

void tdc_todo_free(tdc_todo *t)
{
    free(t->v);
    free(t->refusals);
    memset(t, 0, sizeof *t);
}

/* Is the conflict cf[i] the last, unsettled pair of its task and period?
 * The last pair of a task and period is settled when its current version
 * was written after the other one had reached the server (a deliberate
 * replacement, e.g. the report that settles the conflict). */
static int tdc__conflict_open(const td_state *st, const td_conflict *cf, size_t ncf, size_t i,
                              const td_report_version *ver[2])
{
    size_t nv;
    const td_report_version *all = td_state_report_versions(st, &nv);
    uint64_t idx[2] = {cf[i].winner_index, cf[i].loser_index};
    const td_report *cur;
    for (size_t k = i + 1; k < ncf; k++)   /* one per task and period: its last pair */
        if (cf[k].task == cf[i].task && !strcmp(cf[k].agency, cf[i].agency) && !strcmp(cf[k].period, cf[i].period))
            return 0;
    ver[0] = ver[1] = NULL;
    for (size_t k = 0; k < nv; k++)
        for (int j = 0; j < 2; j++)
            if (all[k].index == idx[j]) ver[j] = &all[k];
    if (!ver[0] || !ver[1]) return 0;
    cur = td_state_report_notext(st, cf[i].task, cf[i].agency, cf[i].period);
    if (cur && cur->index != idx[0]) return 0;   /* a later version of the same device replaced it */
    return ver[0]->device_time_ms <= ver[1]->received_ms;
}

int tdc_todo_build(tdc_ctx *c, int date, size_t refusals_max, tdc_todo *t, td_error *e)
{
    const td_state *st = tdc_replica_state(c->rep);
    const char *me = c->id.subject.agency;
    td_status_opts so;
    td_obligation *ob = NULL;
    td_task_status *ts = NULL;
    size_t n_ob = 0, n_ts = 0, cap = 0;
    tdc_pending_set pend;
    tdc_replica_meta meta;
    tdc_todo_item *x;
    int rc = 0;

    memset(t, 0, sizeof *t);
    memset(&pend, 0, sizeof pend);
    t->date = date ? date : tdc_today();
    t->role = c->id.subject.role;
    tdc_cert_state_get(&c->dev, c->id.cert, td_clock_now_ms() / 1000, &t->cert);
    if ((rc = tdc_replica_meta_get(c->rep, &meta, e)) || (rc = tdc_app_pending_load(c->rep, &pend, e))) return rc;
    t->last_sync_ms = meta.last_sync_ms;
    t->n_pending = pend.n_items;
    for (size_t i = 0; i < pend.n_items; i++)
        if (pend.items[i].kind == TIENDO__ENTRY_KIND__ENTRY_REPORT) t->n_pending_reports++;
    if ((rc = tdc_refusals_mine(c, refusals_max, &t->refusals, &t->n_refusals, &t->refusals_total, e))) goto out;
    if (!st) goto out;
    td_registry_ended_note(td_state_registry(st), me, t->date, t->ended_note, sizeof t->ended_note);
    td_period_of_date(t->date, t->period);
    if (!(t->has_plan = td_state_has_plan(st))) goto out;
    tdc_device_status_opts(&c->dev, &so);
    t->report_due = td_period_due(t->period, so.report_due_day);
    if ((rc = td_status_obligations(st, t->period, t->date, &so, me, &ob, &n_ob, e)) ||
        (rc = td_status_all(st, t->date, &so, &ts, &n_ts, e)))
        goto out;
    if (n_ob) t->report_due = ob[0].due_date;
    t->n_tasks = n_ts;
    for (size_t i = 0; i < n_ts; i++)
        if ((unsigned)ts[i].overall < TD_STATUS_COUNT) t->by_status[ts[i].overall]++;
    if (t->role == TD_ROLE_INSPECTOR) {
        td_state_refusals(st, &t->n_log_refusals);
        goto out;
    }
    rc = TD_ENOMEM;
    /* 1. reports owed this period */
    t->n_owed = n_ob;
    for (size_t i = 0; i < n_ob; i++) {
        if (!(x = tdc__add(t, &cap, TDC_TODO_OWED, ob[i].task, me, ob[i].period))) goto oom;
        x->owed = ob[i].state;
        x->due_date = ob[i].due_date;
        x->returned = ob[i].returned;
        x->pending = tdc_pending_report(&pend, ob[i].task, me, ob[i].period) != NULL;
        if (ob[i].state != TD_OWED_MISSING) {
            t->owed_sent++;
            if (ob[i].state == TD_OWED_LATE) t->owed_late++;
        } else if (x->pending) {
            t->owed_written++;
        } else {
            t->owed_missing++;
        }
    }
    /* 2. returned: the lead's latest report was returned */
    for (size_t i = 0; i < n_ts; i++) {
        const td_lead_status *ls = tdc__lead(&ts[i], me);
        const td_report_version *v = NULL;
        size_t nv;
        const td_report_version *all;
        if (!ls || !ls->returned) continue;
        all = td_state_report_versions(st, &nv);
        for (size_t k = 0; k < nv; k++)
            if (all[k].index == ls->report_index) v = &all[k];
        if (!(x = tdc__add(t, &cap, TDC_TODO_RETURNED, ts[i].task, me, v ? v->period : t->period))) goto oom;
        x->reason = ls->return_comment && *ls->return_comment ? ls->return_comment : "";
        x->pending = tdc_pending_report(&pend, ts[i].task, me, NULL) != NULL;
    }
    /* 3. conflicts between two devices of the agency */
    {
        size_t ncf;
        const td_conflict *cf = td_state_conflicts(st, &ncf);
        for (size_t i = 0; i < ncf; i++) {
            const td_report_version *ver[2];
            if (strcmp(cf[i].agency, me) || !tdc__conflict_open(st, cf, ncf, i, ver)) continue;
            if (!(x = tdc__add(t, &cap, TDC_TODO_CONFLICT, cf[i].task, me, cf[i].period))) goto oom;
            x->ver[0] = ver[0];
            x->ver[1] = ver[1];
        }
    }
    /* 4. near, then past, the deadline */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n_ts; i++) {
            const td_lead_status *ls = tdc__lead(&ts[i], me);
            if (!ls || (pass ? !td_status_is_late(ls->status) : ls->status != TD_ST_DUE_SOON)) continue;
            if (pass) t->n_late++;
            else t->n_soon++;
            if (!(x = tdc__add(t, &cap, TDC_TODO_DUE, ts[i].task, me, NULL))) goto oom;
            x->status = ls->status;
            x->due_date = ls->due_date;
            x->pending = tdc_pending_report(&pend, ts[i].task, me, NULL) != NULL;
        }
    /* 5. central: DONE reports not reviewed by the end of the date (the
     * 23rd's meeting needs them, docs/ARCHITECTURE.md §1) */
    if (t->role == TD_ROLE_CENTRAL) {
        size_t nr, nrv, nw = 0, capw = 0, nseen = 0;
        const td_report *r = td_state_reports_unsorted_notext(st, &nr), **w = NULL;
        const td_review_event *rv = td_state_reviews(st, &nrv);
        int64_t end = td_state_day_end_ms(t->date);
        uint64_t *seen = NULL;   /* the versions reviewed by the end of the date, sorted: one pass, not one per report */
        if (nrv && !(seen = malloc(nrv * sizeof *seen))) goto oom;
        for (size_t k = 0; k < nrv; k++)
            if (rv[k].received_ms < end) seen[nseen++] = rv[k].report_index;
        if (nseen > 1) qsort(seen, nseen, sizeof *seen, tdc__u64_cmp);
        for (size_t i = 0; i < nr; i++) {
            if (i + 16 < nr) __builtin_prefetch(&r[i + 16]);
            if (r[i].state != TIENDO__REPORT_STATE__REPORT_DONE || r[i].received_ms >= end) continue;
            if (nseen && bsearch(&r[i].index, seen, nseen, sizeof *seen, tdc__u64_cmp)) continue;
            if (TD_GROW(w, capw, nw + 1)) {
                free(w);
                free(seen);
                goto oom;
            }
            w[nw++] = &r[i];
        }
        free(seen);
        /* listed by (task, agency, period), as td_state_reports sorts them */
        if (nw) qsort(w, nw, sizeof *w, tdc__report_cmp);
        for (size_t i = 0; i < nw; i++) {
            if (!(x = tdc__add(t, &cap, TDC_TODO_REVIEW, w[i]->task, w[i]->agency, w[i]->period))) {
                free(w);
                goto oom;
            }
            t->n_review_waiting++;
        }
        free(w);
    }
    rc = 0;
    /* the next thing to do: a review (central), the last returned report
     * not yet corrected, the first missing report, then a conflict */
    for (const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_REVIEW); it && !t->next;) t->next = it;
    for (const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_RETURNED); it && !t->next;
         it = tdc_todo_next(t, it, TDC_TODO_RETURNED))
        if (!it->pending) {
            const tdc_todo_item *later = it;
            for (const tdc_todo_item *k = tdc_todo_next(t, it, TDC_TODO_RETURNED); k;
                 k = tdc_todo_next(t, k, TDC_TODO_RETURNED))
                if (!k->pending) later = k;
            t->next = later;
        }
    for (const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_OWED); it && !t->next;
         it = tdc_todo_next(t, it, TDC_TODO_OWED))
        if (it->owed == TD_OWED_MISSING && !it->pending) t->next = it;
    if (!t->next) t->next = tdc_todo_first(t, TDC_TODO_CONFLICT);
    goto out;
oom:
    td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
out:
    free(ob);
    td_status_all_free(ts, n_ts);
    tdc_pending_free(&pend);
    if (rc) tdc_todo_free(t);
    return rc;
}
