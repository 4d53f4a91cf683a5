/*
 * report_entry.c — a report being entered (report_entry.h): fields, the one
 * check, payload, drafts, the report CSV.  Prints nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "clock.h"
#include "grow.h"
#include "csv.h"
#include "derive.h"
#include "draft.h"
#include "entry.h"
#include "log.pb-c.h"
#include "msg.h"
#include "report_entry.h"
#include "utf8.h"

/* Names of agencies quoted when refusing a task: "Các sở, ban, ngành"
 * expands to twenty; the first few tell the clerk enough. */
#define TDC_LEADS_SHOWN 6

void tdc_rep_free(tdc_rep *r)
{
    free(r->result);
    free(r->difficulties);
    free(r->proposals);
    for (size_t i = 0; i < r->n_evidence; i++) free(r->evidence[i]);
    free(r->evidence);
    for (size_t i = 0; i < r->n_docs; i++) {
        free(r->docs[i].number);
        free(r->docs[i].title);
    }
    free(r->docs);
    free(r->atts);
    memset(r, 0, sizeof *r);
    r->percent = -1;
}

void tdc_rep_init(tdc_rep *r)
{
    memset(r, 0, sizeof *r);
    r->percent = -1;
}

const char *tdc_rep_state_vi(int s)
{
    return td_msg_report_state(s, TD_MSG_REPORT_STATE_NOT_CHOSEN);
}

/* "chua" / "dang" / "xong", 1 / 2 / 3, or the Vietnamese words with or
 * without diacritics, any case -> TIENDO__REPORT_STATE__*; 0 if none. */
int tdc_rep_state_parse(const char *s)
{
    static const struct {
        const char *w;
        int st;
    } words[] = {
        {"chua", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"1", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chưa", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {TD_MSG_STATE_NOT_STARTED, TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chua trien khai", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chưa thực hiện", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chua thuc hien", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"dang", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"2", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"đang", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {TD_MSG_STATE_IN_PROGRESS, TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"dang thuc hien", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"đang triển khai", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"dang trien khai", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"xong", TIENDO__REPORT_STATE__REPORT_DONE},
        {"3", TIENDO__REPORT_STATE__REPORT_DONE},
        {TD_MSG_STATE_DONE, TIENDO__REPORT_STATE__REPORT_DONE},
        {"da hoan thanh", TIENDO__REPORT_STATE__REPORT_DONE},
        {"hoàn thành", TIENDO__REPORT_STATE__REPORT_DONE},
        {"hoan thanh", TIENDO__REPORT_STATE__REPORT_DONE},
    };
    char *low, *t, *w;
    int st = 0;
    if (!td_utf8_valid(s, strlen(s), NULL) || !(low = td_vi_lower(s))) return 0;
    t = td_trim(low);
    /* collapse runs of blanks: "đang  thực hiện" */
    w = t;
    for (char *p = t; *p; p++) {
        if (*p == ' ' || *p == '\t') {
            if (w > t && w[-1] == ' ') continue;
            *w++ = ' ';
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(t, words[i].w)) st = words[i].st;
    free(low);
    return st;
}

int tdc_rep_set_text(char **dst, const char *s, const char **why)
{
    char *n = tdc_nfc(s, TDC_TEXT_MAX, why);
    if (!n) return -1;
    free(*dst);
    *dst = n;
    return 0;
}

int tdc_rep_add_evidence(tdc_rep *r, const char *s, const char **why)
{
    char *n;
    if (r->n_evidence >= TDC_EVIDENCE_MAX) {
        *why = TD_MSG_REPORT_TOO_MANY_EVIDENCE;
        return -1;
    }
    if (!(n = tdc_nfc(s, TDC_TEXT_MAX, why))) return -1;
    if (TD_GROW_ONE(r->evidence, r->n_evidence)) {
        free(n);
        *why = TD_MSG_NOMEM;
        return -1;
    }
    r->evidence[r->n_evidence++] = n;
    r->has_evidence = 1;
    return 0;
}

/* "SỐ HIỆU[,dd/mm/yyyy[,trích yếu]]" (the title may contain commas). */
int tdc_rep_add_doc(tdc_rep *r, const char *s, int today, const char **why)
{
    char *all, *p, *date_s = NULL, *title = NULL;
    tdc_doc d = {0};
    if (r->n_docs >= TDC_EVIDENCE_MAX) {
        *why = TD_MSG_REPORT_TOO_MANY_DOCS_MAX;
        return -1;
    }
    if (!(all = tdc_nfc(s, TDC_TEXT_MAX, why))) return -1;
    if ((p = strchr(all, ','))) {
        *p = 0;
        date_s = p + 1;
        if ((p = strchr(date_s, ','))) {
            *p = 0;
            title = p + 1;
        }
    }
    td_trim(all);
    if (!*all) {
        *why = TD_MSG_REPORT_DOC_NUMBER_MISSING;
        free(all);
        return -1;
    }
    if (date_s && *td_trim(date_s)) {
        if (td_date_parse_vi(date_s, &d.date) || !td_date_valid(d.date)) {
            *why = TD_MSG_REPORT_DOC_DATE_BAD;
            free(all);
            return -1;
        }
        if (today && d.date > today) {
            *why = TD_MSG_REPORT_DOC_DATE_FUTURE;
            free(all);
            return -1;
        }
    }
    d.number = strdup(all);
    /* no title: an owned "" (a literal would be written by td_trim and,
     * later, freed) */
    d.title = strdup(title ? td_trim(title) : "");
    free(all);
    if (!d.number || !d.title || TD_GROW_ONE(r->docs, r->n_docs)) {
        free(d.number);
        free(d.title);
        *why = TD_MSG_NOMEM;
        return -1;
    }
    r->docs[r->n_docs++] = d;
    r->has_docs = 1;
    return 0;
}

/*
 * A file attached: checked (type from the content, size) and stored by
 * hash in the replica by blob.c; the report signs its hash.  The bytes are
 * kept even if the report is never signed (content-addressed: harmless,
 * and the same file attached again costs nothing).
 */
int tdc_rep_add_att(tdc_rep *r, tdc_replica *rep, const char *path, char *why_buf, size_t why_n)
{
    tdc_blob_info bi;
    td_error e = {0};
    int rc;
    if (r->n_atts >= TD_ATTACH_PER_REPORT_MAX) {
        snprintf(why_buf, why_n, TD_MSG_REPORT_TOO_MANY_ATTACH_MAX, TD_ATTACH_PER_REPORT_MAX);
        return -1;
    }
    memset(&bi, 0, sizeof bi);
    if ((rc = tdc_blob_add_file(rep, path, &bi, &e))) {
        size_t k;
        tdc_blob_explain_vi(path, rc, &e, why_buf, why_n);
        /* the callers end the sentence themselves: no ".." */
        for (k = strlen(why_buf); k && why_buf[k - 1] == '.'; k--) why_buf[k - 1] = 0;
        return -1;
    }
    if (TD_GROW_ONE(r->atts, r->n_atts)) {
        snprintf(why_buf, why_n, TD_MSG_NOMEM);
        return -1;
    }
    memset(&r->atts[r->n_atts], 0, sizeof r->atts[0]);
    memcpy(r->atts[r->n_atts].sha256, bi.sha256, 32);
    snprintf(r->atts[r->n_atts].name, sizeof r->atts[0].name, "%s", bi.name);
    snprintf(r->atts[r->n_atts].mime, sizeof r->atts[0].mime, "%s", bi.mime);
    r->atts[r->n_atts].size = bi.size;
    r->n_atts++;
    r->has_atts = 1;
    return 0;
}

/* Move src's given fields over dst's (src is emptied of what moved). */
void tdc_rep_merge(tdc_rep *dst, tdc_rep *src)
{
#define TDC_TAKE(f)          \
    if (src->f) {            \
        free(dst->f);        \
        dst->f = src->f;     \
        src->f = NULL;       \
    }
    if (src->task) dst->task = src->task;
    if (src->period[0]) memcpy(dst->period, src->period, sizeof dst->period);
    if (src->state && src->percent < 0 && src->state != dst->state &&
        ((dst->state == TIENDO__REPORT_STATE__REPORT_DONE && dst->percent == 100) ||
         (dst->state == TIENDO__REPORT_STATE__REPORT_NOT_STARTED && dst->percent == 0))) {
        /* another state without a percent, and the old percent was only the
         * old state's (xong 100, chua 0): the new state's default */
        dst->percent = -1;
        dst->percent_cli = 0;
    }
    if (src->state) dst->state = src->state;
    if (src->percent >= 0) {
        dst->percent = src->percent;
        dst->percent_cli = src->percent_cli;
    }
    TDC_TAKE(result)
    TDC_TAKE(difficulties)
    TDC_TAKE(proposals)
#undef TDC_TAKE
    if (src->done_date) dst->done_date = src->done_date;
    /* a list src gives: dst's old one freed as tdc_rep_free frees it, src's moved */
#define TDC_TAKE_LIST(f)                   \
    if (src->has_##f) {                    \
        tdc_rep old;                       \
        tdc_rep_init(&old);                \
        old.f = dst->f;                    \
        old.n_##f = dst->n_##f;            \
        tdc_rep_free(&old);                \
        dst->f = src->f;                   \
        dst->n_##f = src->n_##f;           \
        dst->has_##f = 1;                  \
        src->f = NULL;                     \
        src->n_##f = 0;                    \
    }
    TDC_TAKE_LIST(evidence)
    TDC_TAKE_LIST(docs)
    TDC_TAKE_LIST(atts)
#undef TDC_TAKE_LIST
}

/* The payload: ReportPayload of agency.  *buf malloc'd.  0 or TD_ENOMEM. */
int tdc_rep_pack(const tdc_rep *r, const char *agency, uint8_t **buf, size_t *len)
{
    Tiendo__ReportPayload rp = TIENDO__REPORT_PAYLOAD__INIT;
    Tiendo__EvidenceDoc *docs = NULL, **dp = NULL;
    Tiendo__Attachment *atts = NULL, **ap = NULL;
    int rc = TD_ENOMEM;
    rp.task = td_task_number(r->task);
    rp.plan = (char *)r->plan;
    rp.agency = (char *)agency;
    rp.period = (char *)r->period;
    rp.state = r->state;
    rp.percent = r->percent < 0 ? 0 : (uint32_t)r->percent;
    rp.result = r->result ? r->result : "";
    rp.difficulties = r->difficulties ? r->difficulties : "";
    rp.proposals = r->proposals ? r->proposals : "";
    rp.n_evidence = r->n_evidence;
    rp.evidence = r->evidence;
    rp.done_date = r->done_date;
    if (r->n_docs) {
        if (!(docs = calloc(r->n_docs, sizeof *docs)) || !(dp = calloc(r->n_docs, sizeof *dp))) goto out;
        for (size_t i = 0; i < r->n_docs; i++) {
            tiendo__evidence_doc__init(&docs[i]);
            docs[i].number = r->docs[i].number;
            docs[i].date = r->docs[i].date;
            docs[i].title = r->docs[i].title;
            dp[i] = &docs[i];
        }
        rp.n_documents = r->n_docs;
        rp.documents = dp;
    }
    if (r->n_atts) {
        if (!(atts = calloc(r->n_atts, sizeof *atts)) || !(ap = calloc(r->n_atts, sizeof *ap))) goto out;
        for (size_t i = 0; i < r->n_atts; i++) {
            tiendo__attachment__init(&atts[i]);
            atts[i].sha256.data = (uint8_t *)r->atts[i].sha256;
            atts[i].sha256.len = 32;
            atts[i].name = (char *)r->atts[i].name;
            atts[i].mime = (char *)r->atts[i].mime;
            atts[i].size = r->atts[i].size;
            ap[i] = &atts[i];
        }
        rp.n_attachments = r->n_atts;
        rp.attachments = ap;
    }
    *len = tiendo__report_payload__get_packed_size(&rp);
    if (!(*buf = malloc(*len ? *len : 1))) goto out;
    tiendo__report_payload__pack(&rp, *buf);
    rc = 0;
out:
    free(docs);
    free(dp);
    free(atts);
    free(ap);
    return rc;
}

/* A draft's payload back into a tdc_rep (every field "given").  0, or -1
 * if it does not decode (a draft written by a broken build). */
int tdc_rep_unpack(const uint8_t *p, size_t n, tdc_rep *r)
{
    Tiendo__ReportPayload *rp = tiendo__report_payload__unpack(NULL, n, p);
    const char *why;
    int rc = -1;
    tdc_rep_init(r);
    if (!rp) return -1;
    r->task = td_task_key(rp->plan, rp->task);
    snprintf(r->plan, sizeof r->plan, "%s", rp->plan && strlen(rp->plan) <= TD_PLAN_NUMBER_MAX ? rp->plan : "");
    snprintf(r->period, sizeof r->period, "%s", rp->period);
    r->state = rp->state;
    /* A draft holds the percent the clerk gave (tdc_rep_draft_save stores
     * the state's default when none was): given, and checked like one typed
     * directly ("xong" with 40 % is refused at submit, not signed 100 %). */
    r->percent = (int)(rp->percent > 100 ? 100 : rp->percent);
    r->percent_cli = r->state != 0;
    /* no state and 0 %: nothing was given (what tdc_rep_draft_save stores
     * for a draft begun with only texts) */
    if (!r->state && !r->percent) r->percent = -1;
    if (tdc_rep_set_text(&r->result, rp->result, &why) || tdc_rep_set_text(&r->difficulties, rp->difficulties, &why) ||
        tdc_rep_set_text(&r->proposals, rp->proposals, &why))
        goto out;
    r->done_date = rp->done_date;
    for (size_t i = 0; i < rp->n_evidence; i++)
        if (tdc_rep_add_evidence(r, rp->evidence[i], &why)) goto out;
    for (size_t i = 0; i < rp->n_documents && i < TDC_EVIDENCE_MAX; i++) {
        tdc_doc d = {0};
        d.number = strdup(rp->documents[i]->number);
        d.title = strdup(rp->documents[i]->title);
        d.date = rp->documents[i]->date;
        if (!d.number || !d.title || TD_GROW_ONE(r->docs, r->n_docs)) {
            free(d.number);
            free(d.title);
            goto out;
        }
        r->docs[r->n_docs++] = d;
    }
    for (size_t i = 0; i < rp->n_attachments && i < TD_ATTACH_PER_REPORT_MAX; i++) {
        const Tiendo__Attachment *a = rp->attachments[i];
        if (a->sha256.len != 32) continue;
        if (TD_GROW_ONE(r->atts, r->n_atts)) goto out;
        memset(&r->atts[r->n_atts], 0, sizeof r->atts[0]);
        memcpy(r->atts[r->n_atts].sha256, a->sha256.data, 32);
        snprintf(r->atts[r->n_atts].name, sizeof r->atts[0].name, "%s", a->name);
        snprintf(r->atts[r->n_atts].mime, sizeof r->atts[0].mime, "%s", a->mime);
        r->atts[r->n_atts].size = a->size;
        r->n_atts++;
    }
    r->has_evidence = r->has_docs = r->has_atts = 1;
    rc = 0;
out:
    tiendo__report_payload__free_unpacked(rp, NULL);
    if (rc) tdc_rep_free(r);
    return rc;
}


/* ---- report: checks ----------------------------------------------------------- */


/* The leads of a task as names, "A, B, C và 12 cơ quan khác". */
static void tdc__leads_vi(const td_state *st, const td_task *t, int today, char *buf, size_t n)
{
    const char **v = NULL;
    size_t k = 0, off = 0;
    buf[0] = 0;
    if (td_state_task_agencies(st, t->number, today, TD_TASK_LEADS, &v, &k) || !k) {
        snprintf(buf, n, "%s", t->lead_text && *t->lead_text ? t->lead_text : TD_MSG_REPORT_WORD_NOT_GIVEN);
        free(v);
        return;
    }
    for (size_t i = 0; i < k && i < TDC_LEADS_SHOWN && off < n; i++) {
        const td_agency *a = td_registry_agency(td_state_registry(st), v[i]);
        off += (size_t)snprintf(buf + off, n - off, "%s%s", i ? ", " : "", a && a->name ? a->name : v[i]);
    }
    if (k > TDC_LEADS_SHOWN && off < n) snprintf(buf + off, n - off, TD_MSG_REPORT_MORE_AGENCIES, k - TDC_LEADS_SHOWN);
    free(v);
}

/*
 * What the plan and the date refuse (also for drafts, so that a draft on a
 * wrong task is not kept): an unknown task, a task where the agency is
 * neither lead nor partner, a period after the current month.  0 or 1
 * with msg.  Without a plan in the replica only the period is checked
 * (the server's fold decides; the caller says so).
 */
int tdc_rep_check_plan(const td_state *st, const char *agency, int today, const tdc_rep *r, char *msg,
                               size_t n, const char **field)
{
    char pvi[8], dvi[16];
    if (tdc_period_future(r->period, today)) {
        tdc_period_vi(r->period, pvi, sizeof pvi);
        td_date_vi(today, dvi, sizeof dvi);
        snprintf(msg, n,
                 TD_MSG_REPORT_PERIOD_FUTURE,
                 pvi, dvi);
        *field = "period";
        return 1;
    }
    if (st && td_state_has_plan(st)) {
        const td_plan *plan = td_state_plan(st);
        const td_task *t = td_plan_task(plan, (int)r->task);
        if (!t) {
            snprintf(msg, n,
                     TD_MSG_REPORT_TASK_NOT_IN_PLAN,
                     r->task, plan->number ? plan->number : "", plan->n_tasks);
            *field = "task";
            return 1;
        }
        if (!td_state_agency_on_task_at(st, r->task, agency, today)) {
            char leads[768];
            tdc__leads_vi(st, t, today, leads, sizeof leads);
            /* the device of an agency renamed, merged or split: say what happened */
            if (td_registry_ended_note(td_state_registry(st), agency, today, msg, n)) {
                *field = "task";
                return 1;
            }
            snprintf(msg, n,
                     TD_MSG_REPORT_AGENCY_NOT_ON_TASK,
                     agency, r->task, leads);
            *field = "task";
            return 1;
        }
    }
    return 0;
}

static int tdc__blank(const char *s)
{
    if (!s) return 1;
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return 0;
    return 1;
}

/*
 * Complete a report for signing and refuse what is missing or
 * contradictory.  Rules (also in --help):
 *   - state: given, asked, or — when not asking — "đang thực hiện" if a
 *     percent or a result was given (what the command always did); with
 *     none of them it is missing;
 *   - percent: xong is 100, chua is 0 (another value given explicitly is a
 *     contradiction); dang: given, asked, or 0;
 *   - result: required for dang and xong (a report without it tells
 *     central nothing);
 *   - done date: only with xong; default today; not after today.
 * Returns 0, or 2 with msg (the field and how to give it).
 */
static int tdc__rep_complete(tdc_rep *r, int today, tdc_how how, char *msg, size_t n, const char **field)
{
    const char *st_how = how == TDC_HOW_FORM    ? TD_MSG_REPORT_HOW_STATE_UI
                         : how == TDC_HOW_CSV   ? TD_MSG_REPORT_HOW_STATE_CSV
                         : how == TDC_HOW_DRAFT ? TD_MSG_REPORT_HOW_STATE_DRAFT
                                                : TD_MSG_REPORT_HOW_STATE_CLI;
    const char *res_how = how == TDC_HOW_FORM  ? TD_MSG_REPORT_HOW_RESULT_UI
                          : how == TDC_HOW_CSV ? TD_MSG_REPORT_HOW_RESULT_CSV
                          : how == TDC_HOW_DRAFT
                              ? TD_MSG_REPORT_HOW_RESULT_DRAFT
                              : TD_MSG_REPORT_HOW_RESULT_CLI;
    const char *pct_opt = how == TDC_HOW_CSV ? TD_MSG_REPORT_FIELD_PERCENT_CSV : how == TDC_HOW_FORM ? TD_MSG_REPORT_FIELD_PERCENT_UI : "--percent";
    if (!r->state) {
        if (r->percent >= 0 || !tdc__blank(r->result)) {
            r->state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
        } else {
            snprintf(msg, n, TD_MSG_REPORT_STATE_MISSING, st_how);
            *field = "state";
            return 2;
        }
    }
    switch (r->state) {
    case TIENDO__REPORT_STATE__REPORT_DONE:
        if (r->percent_cli && r->percent != 100) {
            snprintf(msg, n, TD_MSG_REPORT_DONE_NOT_100, r->percent, pct_opt);
            *field = "percent";
            return 2;
        }
        r->percent = 100;
        if (!r->done_date) r->done_date = today;
        if (r->done_date > today) {
            snprintf(msg, n, TD_MSG_REPORT_DONE_DATE_FUTURE);
            *field = "done_date";
            return 2;
        }
        break;
    case TIENDO__REPORT_STATE__REPORT_NOT_STARTED:
        if (r->percent_cli && r->percent != 0) {
            snprintf(msg, n, TD_MSG_REPORT_NOT_STARTED_NOT_0, r->percent, pct_opt);
            *field = "percent";
            return 2;
        }
        r->percent = 0;
        if (r->done_date) {
            snprintf(msg, n, TD_MSG_REPORT_DONE_DATE_NOT_DONE);
            *field = "done_date";
            return 2;
        }
        break;
    default:
        if (r->percent < 0) r->percent = 0;
        if (r->done_date) {
            snprintf(msg, n, TD_MSG_REPORT_DONE_DATE_NOT_DONE);
            *field = "done_date";
            return 2;
        }
        break;
    }
    if (r->state != TIENDO__REPORT_STATE__REPORT_NOT_STARTED && tdc__blank(r->result)) {
        snprintf(msg, n, TD_MSG_REPORT_RESULT_MISSING,
                 tdc_rep_state_vi(r->state), res_how);
        *field = "result";
        return 2;
    }
    return 0;
}

/* The outbox summary line (Vietnamese, shown by `tiendo status`). */
void tdc_rep_summary(const tdc_rep *r, char *buf, size_t n)
{
    char pvi[8];
    tdc_period_vi(r->period, pvi, sizeof pvi);
    snprintf(buf, n, TD_MSG_REPORT_SUMMARY, r->task, pvi, tdc_rep_state_vi(r->state), r->percent);
}


/* ---- tiendo report --from-file ---------------------------------------------- */

enum {
    TDC_COL_TASK, TDC_COL_PERIOD, TDC_COL_STATE, TDC_COL_PERCENT, TDC_COL_RESULT, TDC_COL_DIFF, TDC_COL_PROP,
    TDC_COL_EVIDENCE, TDC_COL_DOC, TDC_COL_DONE, TDC_COL_ATTACH, TDC_COL_N
};
static const char *const tdc__col_names[TDC_COL_N] = {
    "task", "period", "state", "percent", "result", "difficulties", "proposals", "evidence", "doc", "done_date", "attach",
};

static void tdc__batch_err(tdc_csv_reports *b, int line, const char *col, const char *msg)
{
    if (b->n_err < TDC_BATCH_ERRORS_SHOWN) {
        tdc_csv_err *e = &b->errs[b->n_err];
        e->line = line;
        e->col = col;
        snprintf(e->msg, sizeof e->msg, "%s", msg);
    }
    b->n_err++;
}

/* Split a multi-value cell at line breaks and '|'; call fn on each
 * trimmed non-empty piece.  0 or the first non-zero fn result. */
static int tdc__each_value(char *cell, int (*fn)(void *, const char *), void *arg)
{
    char *p = cell;
    while (p && *p) {
        char *end = p + strcspn(p, "\n|");
        char save = *end;
        int rc;
        *end = 0;
        td_trim(p);
        rc = *p ? fn(arg, p) : 0;
        *end = save;
        if (rc) return rc;
        p = save ? end + 1 : NULL;
    }
    return 0;
}

typedef struct tdc_cellctx {
    tdc_rep *r;
    tdc_replica *rep;
    int today;
    const char *base_dir;
    char why[768];
} tdc_cellctx;

static int tdc__cell_evidence(void *a, const char *v)
{
    tdc_cellctx *x = a;
    const char *why;
    if (tdc_rep_add_evidence(x->r, v, &why)) {
        snprintf(x->why, sizeof x->why, "%s", why);
        return -1;
    }
    return 0;
}

static int tdc__cell_doc(void *a, const char *v)
{
    tdc_cellctx *x = a;
    const char *why;
    if (tdc_rep_add_doc(x->r, v, x->today, &why)) {
        snprintf(x->why, sizeof x->why, "%s", why);
        return -1;
    }
    return 0;
}

static int tdc__cell_attach(void *a, const char *v)
{
    tdc_cellctx *x = a;
    char path[PATH_MAX];
    if (v[0] == '/')
        snprintf(path, sizeof path, "%s", v);
    else
        snprintf(path, sizeof path, "%s/%s", x->base_dir, v);
    if (!x->rep) {
        snprintf(x->why, sizeof x->why, TD_MSG_BATCH_ATTACH_HERE);
        return -1;
    }
    return tdc_rep_add_att(x->r, x->rep, path, x->why, sizeof x->why);
}


/* ---- the one check, signing, drafts ------------------------------------------ */

int tdc_rep_percent_parse(const char *s)
{
    char tmp[32];
    long v;
    if (strlen(s) >= sizeof tmp) return -1;
    snprintf(tmp, sizeof tmp, "%s", s);
    td_trim(tmp);
    if (tmp[0] && tmp[strlen(tmp) - 1] == '%') tmp[strlen(tmp) - 1] = 0;
    if (!tdc_int(td_trim(tmp), &v) || v < 0 || v > 100) return -1;
    return (int)v;
}

int tdc_rep_check(const td_state *st, const char *agency, int today, tdc_rep *r, tdc_how how, char *msg, size_t n,
                  const char **field)
{
    if (tdc_rep_check_plan(st, agency, today, r, msg, n, field)) return 1;
    return tdc__rep_complete(r, today, how, msg, n, field);
}

int tdc_rep_sign(tdc_ctx *c, const tdc_rep *r, uint64_t *seq, td_error *e)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char summary[256];
    int rc;
    tdc_rep tmp = *r;   /* shallow: the plan field from the task key */
    if (tdc_replica_state(c->rep))
        snprintf(tmp.plan, sizeof tmp.plan, "%s", td_state_key_plan_field(tdc_replica_state(c->rep), r->task));
    r = &tmp;
    if (tdc_rep_pack(r, c->id.subject.agency, &buf, &len))
        return td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
    tdc_rep_summary(r, summary, sizeof summary);
    rc = tdc_app_queue(c, TIENDO__ENTRY_KIND__ENTRY_REPORT, buf, len, summary, seq, e);
    free(buf);
    return rc;
}

int tdc_rep_draft_save(tdc_ctx *c, const tdc_rep *r, td_error *e)
{
    char key[TDC_DRAFT_KEY_MAX + 1];
    uint8_t *buf = NULL;
    size_t len = 0;
    tdc_rep tmp = *r;   /* shallow: only the percent differs */
    td_error x;
    /* The payload has no "not given" percent: store the state's default, so
     * that the percent read back is what the clerk meant (tdc_rep_unpack). */
    if (tmp.percent < 0) tmp.percent = tmp.state == TIENDO__REPORT_STATE__REPORT_DONE ? 100 : 0;
    if (tmp.percent > 100) tmp.percent = 100;
    if (tdc_replica_state(c->rep))
        snprintf(tmp.plan, sizeof tmp.plan, "%s", td_state_key_plan_field(tdc_replica_state(c->rep), r->task));
    tdc_draft_key(r->task, r->period, key);
    if (tdc_rep_pack(&tmp, c->id.subject.agency, &buf, &len))
        return td_error_set(e, TD_ENOMEM, TD_MSG_ENTRY_DRAFT_SAVE_FAILED, td_err_vi(TD_ENOMEM));
    if (tdc_draft_put(c->rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, buf, len, tdc_now_ms(), &x)) {
        free(buf);
        return td_error_set(e, x.code, TD_MSG_ENTRY_DRAFT_SAVE_FAILED, td_error_vi(&x));
    }
    free(buf);
    return 0;
}

int tdc_rep_draft_load(tdc_ctx *c, uint32_t task, const char *period, tdc_rep *r, int *found, td_error *e)
{
    char key[TDC_DRAFT_KEY_MAX + 1];
    tdc_draft dr;
    td_error x;
    tdc_rep_init(r);
    *found = 0;
    tdc_draft_key(task, period, key);
    if (tdc_draft_get(c->rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, &dr, found, &x))
        return td_error_set(e, x.code, TD_MSG_ENTRY_DRAFT_READ_FAILED, td_error_vi(&x));
    if (!*found) return 0;
    if (tdc_rep_unpack(dr.payload, dr.len, r)) {
        tdc_draft_free(&dr);
        return td_error_set(e, TD_EPARSE, TD_MSG_ENTRY_DRAFT_CORRUPT, key, task, period);
    }
    tdc_draft_free(&dr);
    return 0;
}

/* ---- the report CSV ------------------------------------------------------------ */

void tdc_csv_reports_free(tdc_csv_reports *out)
{
    for (size_t k = 0; k < out->n; k++) tdc_rep_free(&out->reps[k]);
    free(out->reps);
    free(out->lines);
    out->reps = NULL;
    out->lines = NULL;
    out->n = 0;
}

int tdc_rep_csv_read(const char *s, size_t n, const char *base_dir, tdc_replica *rep, const td_state *st,
                     const char *agency, int today, tdc_csv_reports *out)
{
    tdc_csv_reports *b = out;
    char msg[1024];
    size_t n_rows = 0, bad;
    td_csv_row *rows = NULL;
    int col[TDC_COL_N];
    tdc_rep *reps = NULL;
    int *rep_line = NULL;
    size_t n_reps = 0;

    memset(out, 0, sizeof *out);
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {   /* Excel's "CSV UTF-8" starts with a BOM */
        s += 3;
        n -= 3;
    }
    if (!td_utf8_valid(s, n, &bad)) {
        int line = 1;
        for (size_t i = 0; i < bad; i++)
            if (s[i] == '\n') line++;
        snprintf(msg, sizeof msg, TD_MSG_BATCH_NOT_UTF8, bad + 1);
        tdc__batch_err(b, line, NULL, msg);
        return -1;
    }
    {
        td_csv_reader rd;
        td_error e = {0};
        td_csv_reader_init(&rd, s, n, NULL);
        if (td_csv_read_all(&rd, &rows, &n_rows, &e)) {
            if (e.code == TD_ENOMEM) return TD_ENOMEM;
            tdc__batch_err(b, 0, NULL, td_error_vi(&e));
            return -1;
        }
    }

    /* header */
    for (int k = 0; k < TDC_COL_N; k++) col[k] = -1;
    if (!n_rows) {
        tdc__batch_err(b, 1, NULL, TD_MSG_BATCH_EMPTY_FILE);
        goto report;
    }
    for (size_t k = 0; k < rows[0].n; k++) {
        char *h = td_vi_lower(rows[0].f[k]);
        int found = -1;
        if (!h) goto nomem;
        td_trim(h);
        for (int q = 0; q < TDC_COL_N; q++)
            if (!strcmp(h, tdc__col_names[q])) found = q;
        if (found < 0) {
            /* The Vietnamese names, with or without diacritics, any case:
             * matched on the ASCII fold with blanks and '_' dropped. */
            static const struct { const char *key; int col; } vi[] = {
                {"nhiemvu", TDC_COL_TASK},      {"tt", TDC_COL_TASK},           {"ky", TDC_COL_PERIOD},
                {"kybaocao", TDC_COL_PERIOD},   {"trangthai", TDC_COL_STATE},   {"tyle", TDC_COL_PERCENT},
                {"tile", TDC_COL_PERCENT},      {"ketqua", TDC_COL_RESULT},     {"khokhan", TDC_COL_DIFF},
                {"kiennghi", TDC_COL_PROP},     {"dexuat", TDC_COL_PROP},       {"minhchung", TDC_COL_EVIDENCE},
                {"vanban", TDC_COL_DOC},        {"ngayhoanthanh", TDC_COL_DONE}, {"tepdinhkem", TDC_COL_ATTACH},
                {"dinhkem", TDC_COL_ATTACH},
            };
            char *a = td_vi_ascii(h), *w = a;
            if (!a) { free(h); goto nomem; }
            for (char *r = a; *r; r++)
                if (*r != ' ' && *r != '_' && *r != '\t' && *r != '(' && *r != ')' && *r != '%') *w++ = *r;
            *w = 0;
            for (size_t q = 0; q < sizeof vi / sizeof vi[0]; q++)
                if (!strcmp(a, vi[q].key)) found = vi[q].col;
            free(a);
        }
        if (!*h && k + 1 == rows[0].n) {
            free(h);   /* a trailing separator: an empty last column */
            continue;
        }
        if (found < 0) {
            snprintf(msg, sizeof msg,
                     TD_MSG_BATCH_COLUMN_BAD, h);
            tdc__batch_err(b, rows[0].line, NULL, msg);
        } else if (col[found] >= 0) {
            snprintf(msg, sizeof msg, TD_MSG_BATCH_COLUMN_TWICE, h);
            tdc__batch_err(b, rows[0].line, NULL, msg);
        } else {
            col[found] = (int)k;
        }
        free(h);
    }
    if (col[TDC_COL_TASK] < 0 || col[TDC_COL_PERIOD] < 0)
        tdc__batch_err(b, rows[0].line, NULL, TD_MSG_BATCH_NO_TASK_PERIOD_COLUMN);
    if (b->n_err) goto report;
    if (n_rows - 1 > TDC_BATCH_MAX_RECORDS) {
        snprintf(msg, sizeof msg, TD_MSG_BATCH_TOO_MANY_REPORTS, TDC_BATCH_MAX_RECORDS);
        tdc__batch_err(b, rows[0].line, NULL, msg);
        goto report;
    }
    if (!(reps = calloc(n_rows, sizeof *reps)) || !(rep_line = calloc(n_rows, sizeof *rep_line))) goto nomem;

    /* every record, checked before anything is signed */
    for (size_t ri = 1; ri < n_rows; ri++) {
        td_csv_row *row = &rows[ri];
        tdc_rep *r = &reps[n_reps];
        int empty = 1, row_err = b->n_err;
        const char *field = NULL;
        for (size_t k = 0; k < row->n; k++)
            if (!tdc__blank(row->f[k])) empty = 0;
        if (empty) continue;   /* blank lines between records */
        tdc_rep_init(r);
        n_reps++;
        rep_line[n_reps - 1] = row->line;
        if (row->n > rows[0].n) {
            int extra = 0;
            for (size_t k = rows[0].n; k < row->n; k++)
                if (!tdc__blank(row->f[k])) extra = 1;
            if (extra) {
                snprintf(msg, sizeof msg, TD_MSG_BATCH_ROW_TOO_MANY_CELLS, row->n, rows[0].n);
                tdc__batch_err(b, row->line, NULL, msg);
                continue;
            }
        }
        for (int q = 0; q < TDC_COL_N; q++) {
            char *v;
            const char *why = NULL;
            long num;
            tdc_cellctx x;
            if (col[q] < 0 || (size_t)col[q] >= row->n) continue;
            v = row->f[col[q]];
            if (q != TDC_COL_RESULT && q != TDC_COL_DIFF && q != TDC_COL_PROP) td_trim(v);
            memset(&x, 0, sizeof x);
            x.r = r;
            x.rep = rep;
            x.today = today;
            x.base_dir = base_dir;
            switch (q) {
            case TDC_COL_TASK: {
                /* SỐ, or KẾ_HOẠCH:SỐ when the replica holds several plans (docs/LOG.md §14) */
                static char kwhy[768];
                uint32_t key;
                const char *ns = strrchr(v, ':') ? strrchr(v, ':') + 1 : v;
                if (!tdc_int(ns, &num) || num < 1 || num >= (long)TD_TASK_NUMBER_LIMIT)
                    why = TD_MSG_BATCH_TASK_BAD;
                else if (st && td_state_key_parse(st, v, NULL, agency, &key, kwhy, sizeof kwhy))
                    why = kwhy;
                else
                    r->task = st ? key : (uint32_t)num;
                break;
            }
            case TDC_COL_PERIOD:
                if (!tdc_period_norm(v, r->period))
                    why = TD_MSG_BATCH_PERIOD_BAD;
                break;
            case TDC_COL_STATE:
                if (*v && !(r->state = tdc_rep_state_parse(v)))
                    why = TD_MSG_BATCH_STATE_BAD;
                break;
            case TDC_COL_PERCENT:
                if (!*v) break;
                if (v[strlen(v) - 1] == '%') v[strlen(v) - 1] = 0;
                if (!tdc_int(td_trim(v), &num) || num < 0 || num > 100) {
                    why = TD_MSG_REPORT_PERCENT_RANGE;
                } else {
                    r->percent = (int)num;
                    r->percent_cli = 1;
                }
                break;
            case TDC_COL_RESULT:
                if (!tdc__blank(v) && tdc_rep_set_text(&r->result, td_trim(v), &why)) break;
                break;
            case TDC_COL_DIFF:
                if (!tdc__blank(v) && tdc_rep_set_text(&r->difficulties, td_trim(v), &why)) break;
                break;
            case TDC_COL_PROP:
                if (!tdc__blank(v) && tdc_rep_set_text(&r->proposals, td_trim(v), &why)) break;
                break;
            case TDC_COL_EVIDENCE:
                if (tdc__each_value(v, tdc__cell_evidence, &x)) why = x.why;
                break;
            case TDC_COL_DOC:
                if (tdc__each_value(v, tdc__cell_doc, &x)) why = x.why;
                break;
            case TDC_COL_DONE:
                if (*v && (td_date_parse_vi(v, &r->done_date) || !td_date_valid(r->done_date))) {
                    snprintf(msg, sizeof msg, TD_MSG_BATCH_DONE_DATE_BAD, v);
                    why = msg;
                }
                break;
            case TDC_COL_ATTACH:
                if (tdc__each_value(v, tdc__cell_attach, &x)) why = x.why;
                break;
            }
            if (why) tdc__batch_err(b, row->at[col[q]], tdc__col_names[q], why);
        }
        if (b->n_err != row_err) continue;
        if (!r->task) {
            tdc__batch_err(b, row->line, "task", TD_MSG_TASK_MISSING);
            continue;
        }
        if (!r->period[0]) {
            tdc__batch_err(b, row->line, "period", TD_MSG_BATCH_PERIOD_MISSING);
            continue;
        }
        if (tdc_rep_check(st, agency, today, r, TDC_HOW_CSV, msg, sizeof msg, &field)) {
            tdc__batch_err(b, row->line, field, msg);
            continue;
        }
        for (size_t k = 0; k + 1 < n_reps; k++)
            if (reps[k].task == r->task && !strcmp(reps[k].period, r->period)) {
                snprintf(msg, sizeof msg, TD_MSG_BATCH_DUPLICATE,
                         r->task, r->period, rep_line[k]);
                tdc__batch_err(b, row->line, "task", msg);
                break;
            }
    }
    if (!b->n_err && !n_reps) tdc__batch_err(b, rows[0].line, NULL, TD_MSG_BATCH_NO_REPORTS);
report:
    td_csv_rows_free(rows, n_rows);
    if (b->n_err) {
        for (size_t k = 0; k < n_reps; k++) tdc_rep_free(&reps[k]);
        free(reps);
        free(rep_line);
        return -1;
    }
    out->reps = reps;
    out->lines = rep_line;
    out->n = n_reps;
    return 0;
nomem:
    td_csv_rows_free(rows, n_rows);
    for (size_t k = 0; k < n_reps; k++) tdc_rep_free(&reps[k]);
    free(reps);
    free(rep_line);
    return TD_ENOMEM;
}

/* ---- review (central) ------------------------------------------------------------ */

int tdc_review_sign(tdc_ctx *c, const td_report *r, int accept, const char *text, uint64_t *seq, td_error *e)
{
    Tiendo__ReviewPayload rv = TIENDO__REVIEW_PAYLOAD__INIT;
    char summary[256], pvi[16];
    uint8_t *buf;
    size_t len;
    int rc;
    if (!accept && (!text || !*text))
        return td_error_set(e, TD_EARG, TD_MSG_ENTRY_RETURN_REASON_NEEDED);
    tdc_period_vi(r->period, pvi, sizeof pvi);
    rv.report_author.data = (uint8_t *)r->author;
    rv.report_author.len = sizeof r->author;
    rv.report_seq = r->seq;
    rv.task = td_task_number(r->task);
    if (tdc_replica_state(c->rep)) rv.plan = (char *)td_state_key_plan_field(tdc_replica_state(c->rep), r->task);
    rv.agency = (char *)r->agency;
    rv.accept = accept;
    rv.comment = (char *)(text ? text : "");
    if (accept)
        snprintf(summary, sizeof summary, TD_MSG_REVIEW_SUMMARY_ACCEPT, r->task, r->agency,
                 pvi, *rv.comment ? ": " : "", rv.comment);
    else
        snprintf(summary, sizeof summary, TD_MSG_REVIEW_SUMMARY_RETURN, r->task, r->agency, pvi,
                 rv.comment);
    len = tiendo__review_payload__get_packed_size(&rv);
    if (!(buf = malloc(len ? len : 1))) return td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
    tiendo__review_payload__pack(&rv, buf);
    rc = tdc_app_queue(c, TIENDO__ENTRY_KIND__ENTRY_REVIEW, buf, len, summary, seq, e);
    free(buf);
    return rc;
}

/* ---- indicator helpers ---------------------------------------------------------- */

/* Does agency monitor indicator ind (groups and successors expanded)? */
static int tdc__monitors(const td_state *st, const td_indicator *ind, const char *agency, int today)
{
    for (size_t i = 0; i < ind->n_monitors; i++) {
        const char **v = NULL;
        size_t n = 0;
        int hit = 0;
        if (td_registry_expand(td_state_registry(st), &ind->monitors[i], today, 0, &v, &n)) continue;
        for (size_t k = 0; k < n; k++)
            if (!strcmp(v[k], agency)) hit = 1;
        free(v);
        if (hit) return 1;
    }
    return 0;
}

/* What a unit allows. */
typedef enum {
    TDC_UNIT_UNKNOWN = 0,   /* only a finite number */
    TDC_UNIT_PERCENT,       /* 0..100 */
    TDC_UNIT_RATE,          /* a growth rate: any finite number */
    TDC_UNIT_COUNT,         /* integer >= 0 */
    TDC_UNIT_RANK,          /* integer >= 1 */
    TDC_UNIT_INDEX01,       /* 0..1 */
    TDC_UNIT_NONNEG,        /* ratios, money: >= 0 */
} tdc_unit_class;

/*
 * Units of Appendix I of Kế hoạch 726 ("%", "% GRDP", "% tổng chi NSNN",
 * "%/năm", "% dân số", "Thứ bậc", "Tổ chức", "Người/vạn dân", "Thành phố,
 * Thị xã", "Trung tâm dữ liệu", "Số doanh nghiệp/1000 dân", "Doanh
 * nghiệp", "Chỉ số phát triển con người (HDI)") and what other plans of the
 * kind use.  Matched on the lower-cased NFC unit.
 */
static const char *const tdc__count_units[] = {
    "doanh nghiệp", "sản phẩm", "người", "hồ sơ", "bài báo", "sáng chế", "tổ chức", "thành phố", "thị xã",
    "trung tâm dữ liệu", "trung tâm", "đơn vị", "cơ quan", "xã", "huyện", "tỉnh", "dự án", "đề tài", "nhiệm vụ",
    "mô hình", "sáng kiến", "văn bằng", "giải pháp", "lượt", "lượt người", "hội nghị", "lớp", "khóa", "cuộc",
    "ứng dụng", "hệ thống", "cơ sở dữ liệu", "nền tảng", "điểm", "trạm", "thủ tục", "dịch vụ", "chương trình",
    "văn bản", "sự kiện", "phòng thí nghiệm", "khu", "cụm", "hợp tác xã", "trường", "bệnh viện", "tài khoản",
    "hộ", "hộ gia đình", "bộ", "cái", "chiếc", "giao dịch", "nhà khoa học", "chuyên gia", "công trình",
};

static int tdc__is_count_word(const char *w)
{
    for (size_t i = 0; i < sizeof tdc__count_units / sizeof tdc__count_units[0]; i++)
        if (!strcmp(w, tdc__count_units[i])) return 1;
    return 0;
}

static tdc_unit_class tdc__unit_class(const char *unit, int target_percent)
{
    char *low, *u, *w;
    tdc_unit_class k = TDC_UNIT_UNKNOWN;
    if (!unit || !(low = td_vi_lower(unit))) return target_percent ? TDC_UNIT_PERCENT : TDC_UNIT_UNKNOWN;
    u = td_trim(low);
    w = u;   /* collapse blanks */
    for (char *p = u; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n') {
            if (w > u && w[-1] == ' ') continue;
            *w++ = ' ';
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    if (!*u) k = target_percent ? TDC_UNIT_PERCENT : TDC_UNIT_UNKNOWN;
    else if (u[0] == '%' && strstr(u, "năm")) k = TDC_UNIT_RATE;   /* "%/năm": growth, may be negative */
    else if (u[0] == '%' || !strncmp(u, "phần trăm", strlen("phần trăm"))) k = TDC_UNIT_PERCENT;
    else if (!strcmp(u, "thứ bậc") || !strcmp(u, "xếp hạng") || !strcmp(u, "hạng") || !strcmp(u, "thứ hạng"))
        k = TDC_UNIT_RANK;
    else if (strstr(u, "hdi")) k = TDC_UNIT_INDEX01;
    else if (strchr(u, '/') || strstr(u, "đồng") || strstr(u, "usd") || strstr(u, "tỷ") || strstr(u, "triệu"))
        k = TDC_UNIT_NONNEG;
    else {
        /* "Doanh nghiệp", or a list "Thành phố, Thị xã": every piece a count */
        char *save = NULL, *tok;
        int all = 1, any = 0;
        for (tok = strtok_r(u, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) {
            td_trim(tok);
            if (!*tok) continue;
            any = 1;
            if (!tdc__is_count_word(tok)) all = 0;
        }
        if (any && all) k = TDC_UNIT_COUNT;
        else if (target_percent) k = TDC_UNIT_PERCENT;
    }
    free(low);
    return k;
}

/* A number as clerks type it: "42,5", "42.5", "-3", "1e3" refused?  Plain
 * decimals only; one decimal mark; no thousands separators (ambiguous:
 * "1.234" is 1,234 to a Vietnamese reader and 1.234 to a program).
 * 0, or -1 with why. */
int tdc_ind_parse_value(const char *s, double *out, const char **why)
{
    char tmp[64], *end;
    int marks = 0, digits = 0;
    if (strlen(s) >= sizeof tmp) {
        *why = TD_MSG_NUMBER_TOO_LONG;
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s", s);
    td_trim(tmp);
    for (char *p = tmp; *p; p++) {
        if (*p == ',' || *p == '.') {
            *p = '.';
            marks++;
        } else if (*p >= '0' && *p <= '9') {
            digits++;
        } else if (!((*p == '-' || *p == '+') && p == tmp)) {
            *why = TD_MSG_NUMBER_CHARS;
            return -1;
        }
    }
    if (!digits) {
        *why = TD_MSG_NUMBER_NO_DIGIT;
        return -1;
    }
    if (marks > 1) {
        *why = TD_MSG_NUMBER_TWO_DECIMAL_MARKS;
        return -1;
    }
    errno = 0;
    *out = strtod(tmp, &end);
    if (*end || end == tmp || errno || !isfinite(*out)) {
        *why = TD_MSG_NUMBER_NOT_A_NUMBER;
        return -1;
    }
    return 0;
}

/* "42,5" with a decimal comma, no trailing zeros. */
void tdc_ind_value_vi(double v, char *buf, size_t n)
{
    char *p;
    snprintf(buf, n, "%.6f", v);
    if (strchr(buf, '.')) {
        p = buf + strlen(buf) - 1;
        while (*p == '0') *p-- = 0;
        if (*p == '.') *p = 0;
    }
    if ((p = strchr(buf, '.'))) *p = ',';
}


void tdc_rep_from_report(const td_report *cur, tdc_rep *r)
{
    const char *why;
    tdc_rep_set_text(&r->result, cur->result, &why);
    tdc_rep_set_text(&r->difficulties, cur->difficulties, &why);
    tdc_rep_set_text(&r->proposals, cur->proposals, &why);
    r->state = cur->state;
    r->percent = (int)cur->percent;
    r->percent_cli = 1;
    r->done_date = cur->done_date;
    for (size_t i = 0; i < cur->n_evidence; i++) tdc_rep_add_evidence(r, cur->evidence[i], &why);
    for (size_t i = 0; i < cur->n_docs; i++) {
        char line[1024], d[16] = "";
        if (cur->docs[i].date) td_date_vi(cur->docs[i].date, d, sizeof d);
        snprintf(line, sizeof line, "%s,%s,%s", cur->docs[i].number, d, cur->docs[i].title);
        tdc_rep_add_doc(r, line, 0, &why);
    }
}

/* ---- indicator values ------------------------------------------------------------ */

int tdc_ind_check(const td_state *st, const char *agency, int role, int today, const char *code_n, const char *period,
                  int has_value, double value, char *msg, size_t n, char *note, size_t nn, char *warn, size_t wn)
{
    if (tdc_period_future(period, today)) {
        char pvi[16], dvi[16];
        tdc_period_vi(period, pvi, sizeof pvi);
        td_date_vi(today, dvi, sizeof dvi);
        snprintf(msg, n, TD_MSG_INDICATOR_PERIOD_FUTURE, pvi, dvi);
        return 1;
    }
    if (st && td_state_has_plan(st)) {
        const td_indicator *ind = td_plan_indicator(td_state_plan(st), code_n);
        const char *unit;
        char tv[160];
        if (!ind) {
            snprintf(msg, n, TD_MSG_INDICATOR_NOT_IN_PLAN, code_n);
            return 1;
        }
        unit = ind->unit && *ind->unit ? ind->unit : "";
        td_target_vi(&ind->target, tv, sizeof tv);
        if (ind->heading && ind->target.kind == TD_TARGET_NONE) {
            snprintf(msg, n, TD_MSG_INDICATOR_IS_GROUP, code_n, code_n, code_n);
            return 1;
        }
        if (ind->target.kind == TD_TARGET_TEXT) {
            if (has_value) {
                snprintf(msg, n, TD_MSG_INDICATOR_IS_QUALITATIVE, code_n, tv);
                return 1;
            }
        } else {
            tdc_unit_class k = tdc__unit_class(unit, ind->target.percent);
            char vv[64];
            if (!has_value) {
                snprintf(msg, n, TD_MSG_INDICATOR_NEEDS_NUMBER, code_n, *unit ? unit : TD_MSG_INDICATOR_WORD_NOT_GIVEN, tv);
                return 1;
            }
            tdc_ind_value_vi(value, vv, sizeof vv);
            switch (k) {
            case TDC_UNIT_PERCENT:
                if (value < 0 || value > 100) {
                    snprintf(msg, n, TD_MSG_INDICATOR_PERCENT_RANGE, code_n, unit, vv);
                    return 1;
                }
                break;
            case TDC_UNIT_COUNT:
                if (value < 0 || value != floor(value)) {
                    snprintf(msg, n, TD_MSG_INDICATOR_COUNT_INTEGER, code_n, unit, vv);
                    return 1;
                }
                break;
            case TDC_UNIT_RANK:
                if (value < 1 || value != floor(value)) {
                    snprintf(msg, n, TD_MSG_INDICATOR_RANK_INTEGER, code_n, vv);
                    return 1;
                }
                break;
            case TDC_UNIT_INDEX01:
                if (value < 0 || value > 1) {
                    snprintf(msg, n, TD_MSG_INDICATOR_INDEX_RANGE, code_n, unit, vv);
                    return 1;
                }
                break;
            case TDC_UNIT_NONNEG:
                if (value < 0) {
                    snprintf(msg, n, TD_MSG_INDICATOR_NOT_NEGATIVE, code_n,
                            unit, vv);
                    return 1;
                }
                break;
            case TDC_UNIT_RATE: break;
            case TDC_UNIT_UNKNOWN:
                snprintf(note, nn,
                         TD_MSG_INDICATOR_UNIT_UNKNOWN, unit, code_n);
                break;
            }
        }
        /* the fold refuses it (derive.h: an agency that does not monitor
         * the indicator): say so before signing, never after */
        if (role == TD_ROLE_OFFICE && !tdc__monitors(st, ind, agency, today)) {
            snprintf(msg, n, TD_MSG_INDICATOR_NOT_MONITOR, agency, code_n, ind->monitor_text ? ind->monitor_text : "");
            return 1;
        }
    } else {
        snprintf(note, nn,
                 TD_MSG_INDICATOR_NO_PLAN, code_n);
    }
    return 0;
}

int tdc_ind_sign(tdc_ctx *c, const char *code_n, const char *period, int has_value, double value, const char *text,
                 uint64_t *seq, td_error *e)
{
    Tiendo__IndicatorPayload ip = TIENDO__INDICATOR_PAYLOAD__INIT;
    char summary[256], pvi[16], vbuf[64];
    uint8_t *buf;
    size_t len;
    int rc;
    char pl[TD_PLAN_NUMBER_MAX + 1] = "";
    const char *colon = strrchr(code_n, ':');
    tdc_period_vi(period, pvi, sizeof pvi);
    /* a later plan's indicator is "NUMBER:CODE" in the state; the payload
     * names the plan apart (docs/LOG.md §14) */
    if (colon && (size_t)(colon - code_n) <= TD_PLAN_NUMBER_MAX) {
        snprintf(pl, sizeof pl, "%.*s", (int)(colon - code_n), code_n);
        ip.plan = pl;
        code_n = colon + 1;
    }
    ip.code = (char *)code_n;
    ip.agency = c->id.subject.agency;
    ip.period = (char *)period;
    ip.has_value = has_value;
    ip.value = value;
    ip.text = (char *)(text ? text : "");
    len = tiendo__indicator_payload__get_packed_size(&ip);
    if (!(buf = malloc(len ? len : 1))) return td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
    tiendo__indicator_payload__pack(&ip, buf);
    if (has_value) {
        tdc_ind_value_vi(value, vbuf, sizeof vbuf);
        snprintf(summary, sizeof summary, TD_MSG_INDICATOR_SUMMARY, code_n, pvi, vbuf);
    } else {
        snprintf(summary, sizeof summary, TD_MSG_INDICATOR_SUMMARY_TEXT, code_n, pvi, ip.text);
    }
    rc = tdc_app_queue(c, TIENDO__ENTRY_KIND__ENTRY_INDICATOR, buf, len, summary, seq, e);
    free(buf);
    return rc;
}
