/* status.c — see status.h.
 *
 * Every call replays the history kept by the fold (derive.h: report
 * versions, reviews, deadline changes, conditions) as it stood at the end
 * of day D, so that a status at a past date never depends on what arrived
 * later.  The replay reads an index of that history which does not depend
 * on D (td__hist: the versions sorted by (task, agency, period, hlc, author,
 * seq), each key's reviews in log order), built once per state and kept in
 * its memo: at D, the current version of a key is the last of its versions
 * received by D (the fold's own maximum), and the review that counts is the
 * last one received by D naming that version.  A call reads only the keys
 * it judges (a lead's latest period, its scope, the periods holding a DONE
 * claim), so the monthly report's two dozen dates cost what they show.
 *
 * Readings of status.h where its words leave a choice:
 *  - "the lead's latest report" is the current version of the lead's
 *    latest period (periods, not clocks: a May correction filed in July
 *    does not hide June's report);
 *  - overdue means "late at D": ONGOING_LATE, or AWAITING_REVIEW whose DONE
 *    claim was itself signed after the due date (accepting it makes it
 *    DONE_LATE).  A claim signed in time that central reviews after the
 *    date is not overdue, nor is a recurring period reported in time;
 *  - a returned lead that is not late but due within the window is
 *    DUE_SOON (the warning matters more than the plain ONGOING_ON_TIME);
 *  - obligations: "not done as of the day before P begins" is the status at
 *    that day, knowing what was received by then (and never after D), so a
 *    period's list does not shrink when later entries arrive.
 */
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deadline.h"
#include "grow.h"
#include "log.pb-c.h"
#include "msg.h"
#include "utf8.h"

/* ---- dates and periods --------------------------------------------------- */

int td_date_add_days(int d, int days)
{
    if (d <= 0) return 0;
    return td_clock_date_of_days(td_clock_days_of(d) + days);
}

int td_date_diff_days(int a, int b)
{
    return (int)(td_clock_days_of(a) - td_clock_days_of(b));
}

int td_period_parse(const char *p, int *year, int *month)
{
    int y = 0, m = 0;
    if (!p || strlen(p) != 7 || p[4] != '-') return TD_EARG;
    for (int i = 0; i < 7; i++) {
        if (i == 4) continue;
        if (p[i] < '0' || p[i] > '9') return TD_EARG;
        if (i < 4) y = y * 10 + (p[i] - '0');
        else m = m * 10 + (p[i] - '0');
    }
    if (y < TD_DEADLINE_YEAR_MIN || y > TD_DEADLINE_YEAR_MAX || m < 1 || m > 12) return TD_EARG;
    if (year) *year = y;
    if (month) *month = m;
    return 0;
}

/* "YYYY-MM" without snprintf (whose truncation warnings cannot see that
 * the year has four digits). */
static void td__period_fmt(int y, int m, char out[8])
{
    if (y < 0 || y > 9999 || m < 1 || m > 12) {
        out[0] = '\0';
        return;
    }
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
}

int td_period_norm(const char *in, char out[8])
{
    /* MM/YYYY, M/YYYY, YYYY-MM, YYYY-M, and YYYY-MM-01 (a spreadsheet turned
     * the period into the first day of its month) */
    int a = 0, b = 0, c = 0, na = 0, nb = 0, nc = 0, y, m;
    char sep = 0;
    const char *q = in;
    if (!in) return TD_EARG;
    while (*q >= '0' && *q <= '9' && na < 5) a = a * 10 + (*q++ - '0'), na++;
    if (*q != '/' && *q != '-') return TD_EARG;
    sep = *q++;
    while (*q >= '0' && *q <= '9' && nb < 5) b = b * 10 + (*q++ - '0'), nb++;
    if (sep == '-' && *q == '-') {
        q++;
        while (*q >= '0' && *q <= '9' && nc < 3) c = c * 10 + (*q++ - '0'), nc++;
        if (nc != 2 || c != 1) return TD_EARG;
    }
    if (*q) return TD_EARG;
    if (sep == '/' && (na == 1 || na == 2) && nb == 4) {
        m = a;
        y = b;
    } else if (sep == '-' && na == 4 && (nb == 1 || nb == 2)) {
        y = a;
        m = b;
    } else {
        return TD_EARG;
    }
    if (y < TD_DEADLINE_YEAR_MIN || y > TD_DEADLINE_YEAR_MAX || m < 1 || m > 12) return TD_EARG;
    if (out) td__period_fmt(y, m, out);
    return 0;
}

void td_period_vi(const char *p, char out[8])
{
    int y, m;
    if (td_period_parse(p, &y, &m)) {
        snprintf(out, 8, "%.7s", p ? p : "");
        return;
    }
    out[0] = (char)('0' + m / 10);
    out[1] = (char)('0' + m % 10);
    out[2] = '/';
    memcpy(out + 3, p, 4);
    out[7] = '\0';
}

void td_period_of_date(int d, char out[8])
{
    td__period_fmt(d / 10000, d / 100 % 100, out);
}

void td_period_prev(const char *p, char out[8])
{
    int y, m;
    if (td_period_parse(p, &y, &m)) {
        out[0] = '\0';
        return;
    }
    if (--m == 0) {
        m = 12;
        y--;
    }
    td__period_fmt(y, m, out);
}

int td_period_due(const char *p, int due_day)
{
    int y, m, last;
    if (td_period_parse(p, &y, &m)) return 0;
    last = td_clock_month_days(y, m);
    if (due_day < 1) due_day = 1;
    if (due_day > last) due_day = last;
    return y * 10000 + m * 100 + due_day;
}

/* ---- names ---------------------------------------------------------------- */

static const char *const td__status_vi[TD_STATUS_COUNT] = {
    "",
    "Đã hoàn thành đúng hạn",
    "Đã hoàn thành quá hạn",
    "Đang thực hiện trong hạn",
    "Đang thực hiện quá hạn",
    "Chưa thực hiện",
    "Sắp đến hạn",
    TD_MSG_REVIEW_PENDING,
    "Chưa báo cáo lần nào",
};

static const char *const td__status_name[TD_STATUS_COUNT] = {
    "", "done-on-time", "done-late", "ongoing", "ongoing-late", "not-started", "due-soon", "awaiting-review",
    "never-reported",
};

const td_status td_status_order[TD_STATUS_COUNT - 1] = {
    TD_ST_DONE_ON_TIME, TD_ST_DONE_LATE, TD_ST_AWAITING_REVIEW,  TD_ST_ONGOING_ON_TIME,
    TD_ST_DUE_SOON,     TD_ST_ONGOING_LATE, TD_ST_NEVER_REPORTED, TD_ST_NOT_STARTED,
};

int td_status_is_late(td_status s)
{
    return s == TD_ST_ONGOING_LATE || s == TD_ST_NEVER_REPORTED;
}

const char *td_status_vi(td_status s)
{
    return (unsigned)s < TD_STATUS_COUNT ? td__status_vi[s] : "";
}

const char *td_status_name(td_status s)
{
    return (unsigned)s < TD_STATUS_COUNT ? td__status_name[s] : "";
}

td_status td_status_parse(const char *s)
{
    char *k, *kl;
    td_status found = TD_ST_NONE;
    if (!s || !(k = td_vi_key(s))) return TD_ST_NONE;
    if (!*k) {
        free(k);
        return TD_ST_NONE;
    }
    for (int i = 1; i < TD_STATUS_COUNT && !found; i++) {
        if (!strcmp(k, td__status_name[i])) found = (td_status)i;
        else if ((kl = td_vi_key(td__status_vi[i]))) {
            if (!strcmp(k, kl)) found = (td_status)i;
            free(kl);
        }
    }
    free(k);
    return found;
}

int td_status_is_done(td_status s)
{
    return s == TD_ST_DONE_ON_TIME || s == TD_ST_DONE_LATE;
}

const char *td_owed_vi(td_owed o)
{
    switch (o) {
    case TD_OWED_ON_TIME: return "đúng hạn";
    case TD_OWED_LATE: return "muộn";
    default: return "chưa báo cáo";
    }
}

void td_status_opts_default(td_status_opts *o)
{
    o->due_soon_days = TD_STATUS_DUE_SOON_DAYS;
    o->report_due_day = TD_STATUS_REPORT_DUE_DAY;
}

/* ---- the replay index ----------------------------------------------------- */

/* The current version at D of one (task, agency, period), with the review
 * that counts for it at D. */
typedef struct td__cur {
    const td_report_version *v;
    int review;                /* 0 none, 1 accepted, -1 returned */
    const char *comment;       /* "" unless reviewed */
    int eff_date;              /* yyyymmdd of v->effective_ms */
} td__cur;

/*
 * The history of every (task, agency, period) key, whatever the cut-off:
 * its versions (a run of the sorted view, in the fold's order) and the
 * reviews naming it (in log order).  The current version at a cut-off is
 * the last of its run received before the cut-off; the review that counts
 * for it is the last one received before the cut-off that names it.  So
 * any cut-off is answered by looking at the keys it asks about (a lead's
 * latest period, one period, the periods holding a DONE claim), never by
 * replaying the whole log: the index is built once per state (the memo
 * TD_STATE_MEMO_STATUS, dropped at the next apply), and the monthly
 * report's two dozen cut-offs cost what they read.
 */
typedef struct td__key {
    uint32_t first, n;         /* versions sv[first .. first + n) */
    uint32_t rfirst, rn;       /* reviews rv[rfirst .. rfirst + rn) */
    int pnum;                  /* the period as yyyymm: keys of one (task, agency) sort by it */
} td__key;

/* The keys of one (task, agency): keys[k0 .. k1), and among them the ones
 * with a DONE version: done[d0 .. d1) (key indexes, ascending). */
typedef struct td__run {
    uint32_t task;
    uint32_t hash;             /* of (task, agency): td__run_hash */
    const char *agency;
    uint32_t k0, k1, d0, d1;
} td__run;

/* a power of two, emptied when half full: a monthly report asks for 14
 * dates of every task (81 in plan 726) */
#define TD__LEADS_SLOTS 8192
typedef struct td__hist {
    const td_report_version **sv;   /* the versions by (task, agency, period), then in the fold's order */
    int *eff;                  /* effective signed date of sv[i] (yyyymmdd) */
    td__key *keys;             /* sorted by (task, agency, period) */
    size_t n_keys;
    td__run *runs;             /* sorted by (task, agency) */
    size_t n_runs;
    uint32_t *done;
    char *names;               /* the runs' agencies, together (a lookup stays in cache) */
    uint32_t *slots;           /* hash of (task, agency) -> run index + 1 (0: empty) */
    size_t n_slots;            /* a power of two, at least twice n_runs */
    int64_t *recv;             /* received_ms of sv[i]: the cut-off's scan stays in one array */
    const td_review_event **rv;
    int64_t *rrecv;            /* received_ms and report_index of rv[i] */
    uint64_t *rrep;
    /* The leads of (task, date) as td_state_task_agencies answers, kept as
     * they are asked (a report asks for the same few dates of every task). */
    struct td__leads {
        uint32_t task;
        int date;                  /* 0: an empty slot */
        const char **v;
        size_t n;
    } leads[TD__LEADS_SLOTS];
    size_t n_leads;
    /* The registry's agencies with an end (valid_to), in registry order: the only possible predecessors
     * (td__heirs_of); built at first use. */
    uint32_t *ended;
    size_t n_ended;
    int ended_ok;
} td__hist;

static void td__hist_free(void *p)
{
    td__hist *h = p;
    if (!h) return;
    free(h->sv);
    free(h->eff);
    free(h->keys);
    free(h->runs);
    free(h->done);
    free(h->slots);
    free(h->names);
    free(h->recv);
    free(h->rv);
    free(h->rrecv);
    free(h->rrep);
    for (size_t i = 0; i < TD__LEADS_SLOTS; i++) free(h->leads[i].v);
    free(h->ended);
    free(h);
}

typedef struct td__ctx {
    const td_state *st;
    int date;                  /* D: the day judged */
    int succ_date;             /* successions followed up to this day (>= date; 0 = date) */
    int64_t end_ms;            /* knowledge cut-off: received_ms < end_ms */
    td_status_opts o;
    td__hist *h;               /* read only, but for its cache of leads */
    td__hist *own;             /* h when it is not the state's memo (one task's index) */
} td__ctx;

/* The leads of task at date (td_state_task_agencies), borrowed from the
 * index's cache.  0 or TD_ENOMEM. */
static int td__leads_of(const td__ctx *c, uint32_t task, int date, const char *const **v, size_t *n)
{
    td__hist *h = c->h;
    size_t i;
    const char **got = NULL;
    size_t ng = 0;
    date = td_state_registry_day(c->st, date);   /* the same leads until the registry's next bound */
    i = ((size_t)task * 2654435761u ^ (size_t)date * 40503u) & (TD__LEADS_SLOTS - 1);
    for (; h->leads[i].date; i = (i + 1) & (TD__LEADS_SLOTS - 1))
        if (h->leads[i].task == task && h->leads[i].date == date) {
            *v = h->leads[i].v;
            *n = h->leads[i].n;
            return 0;
        }
    if (td_state_task_agencies(c->st, task, date, TD_TASK_LEADS, &got, &ng)) return TD_ENOMEM;
    if (h->n_leads >= TD__LEADS_SLOTS / 2) {   /* many dates asked: start again */
        for (size_t k = 0; k < TD__LEADS_SLOTS; k++) free(h->leads[k].v);
        memset(h->leads, 0, sizeof h->leads);
        h->n_leads = 0;
        i = ((size_t)task * 2654435761u ^ (size_t)date * 40503u) & (TD__LEADS_SLOTS - 1);
    }
    h->leads[i].task = task;
    h->leads[i].date = date;
    h->leads[i].v = got;
    h->leads[i].n = ng;
    h->n_leads++;
    *v = got;
    *n = ng;
    return 0;
}

/* "YYYY-MM" as yyyymm (periods in the state are well formed: derive.c). */
static int td__pnum(const char *p)
{
    return ((p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0')) * 100 +
           (p[5] - '0') * 10 + (p[6] - '0');
}

static uint32_t td__run_hash(uint32_t task, const char *agency)
{
    uint64_t x = 1469598103934665603ULL ^ task;   /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)agency; *p; p++) x = (x ^ *p) * 1099511628211ULL;
    return (uint32_t)(x ^ (x >> 32));
}

/* The run of (task, agency), NULL if it reported nothing. */
static const td__run *td__run_of(const td__hist *h, uint32_t task, const char *agency)
{
    size_t i;
    uint32_t x;
    if (!h->n_slots) return NULL;
    x = td__run_hash(task, agency);
    for (i = x & (h->n_slots - 1); h->slots[i]; i = (i + 1) & (h->n_slots - 1)) {
        const td__run *r = &h->runs[h->slots[i] - 1];
        if (r->hash == x && r->task == task && !strcmp(r->agency, agency)) return r;
    }
    return NULL;
}

/* First key of the run with period >= pnum (k1 if none). */
static size_t td__key_lower(const td__hist *h, const td__run *r, int pnum)
{
    size_t lo = r->k0, hi = r->k1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->keys[mid].pnum < pnum) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The current version of key k at the context's cut-off, into *out; 0 if
 * none of its versions had been received by then. */
static int td__cur_at(const td__ctx *c, size_t k, td__cur *out)
{
    const td__hist *h = c->h;
    const td__key *key = &h->keys[k];
    size_t at = key->first + key->n;
    do {
        if (at == key->first) return 0;
        at--;
    } while (h->recv[at] >= c->end_ms);
    out->v = h->sv[at];
    out->eff_date = h->eff[at];
    out->review = 0;
    out->comment = "";
    for (size_t r = key->rfirst + key->rn; r-- > key->rfirst;) {
        const td_review_event *e;
        /* received later, or of a version superseded at the cut-off */
        if (h->rrecv[r] >= c->end_ms || h->rrep[r] != out->v->index) continue;
        e = h->rv[r];
        out->review = e->accept ? 1 : -1;
        out->comment = e->comment ? e->comment : "";
        break;
    }
    return 1;
}

/* The current version of run r's key of `period` (td__find with the run already found). */
static int td__find_in(const td__ctx *c, const td__run *r, const char *period, td__cur *out)
{
    int pn = td__pnum(period);
    size_t k;
    if (!r) return 0;
    k = td__key_lower(c->h, r, pn);
    if (k >= r->k1 || c->h->keys[k].pnum != pn) return 0;
    return td__cur_at(c, k, out);
}

static int td__find(const td__ctx *c, uint32_t task, const char *agency, const char *period, td__cur *out)
{
    return td__find_in(c, td__run_of(c->h, task, agency), period, out);
}

static int td__check_args(int date, const td_status_opts *in, td_status_opts *o, td_error *err)
{
    if (in) *o = *in;
    else td_status_opts_default(o);
    if (!td_date_valid(date))
        return td_error_set(err, TD_EARG, "status: %d is not a date (yyyymmdd) | ngày %d không phải ngày hợp lệ",
                            date, date);
    if (o->due_soon_days < 0)
        return td_error_set(err, TD_EARG, "status: due_soon_days %d is negative | " TD_MSG_STATUS_DUE_SOON_BAD,
                            o->due_soon_days, o->due_soon_days);
    if (o->report_due_day < 1 || o->report_due_day > 31)
        return td_error_set(err, TD_EARG, "status: report_due_day %d is not 1..31 | " TD_MSG_STATUS_DUE_DAY_BAD,
                            o->report_due_day, o->report_due_day);
    return 0;
}

/* A version as sorted for the index: its key with the agency as its rank
 * among the agencies' slugs (so integers compare as the slugs do), the
 * period as yyyymm, then the fold's order (hlc, author key, seq). */
typedef struct td__vrec {
    uint32_t task, rank;
    int pnum;
    uint32_t at;               /* position in the versions (log order) */
    uint64_t hlc, seq;
    const unsigned char *author;
} td__vrec;

static int td__vrec_cmp(const void *x, const void *y)
{
    const td__vrec *a = x, *b = y;
    int c;
    if (a->task != b->task) return a->task < b->task ? -1 : 1;
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    if (a->pnum != b->pnum) return a->pnum < b->pnum ? -1 : 1;
    if (a->hlc != b->hlc) return a->hlc < b->hlc ? -1 : 1;
    if ((c = memcmp(a->author, b->author, 32))) return c < 0 ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return 0;
}

/*
 * The versions of task `task` (0: every task) sorted by (task, agency,
 * period), then in the fold's order -- the order of
 * td_state_report_versions_by_key, made here on small records with the
 * agencies ranked once instead of compared as strings: *vs (malloc'd; NULL
 * when there are none), *n of them.  0 or TD_ENOMEM.
 */
static int td__sorted_versions(const td_state *st, uint32_t task, const td_report_version ***vs, size_t *n)
{
    size_t nv, nrec = 0, nslots = 16, nnames = 0;
    const td_report_version *ver = td_state_report_versions(st, &nv);
    td__vrec *rec = NULL;
    uint32_t *slot = NULL, *rank = NULL;
    const char **names = NULL;
    const td_report_version **out = NULL;
    int rc = TD_ENOMEM;
    *vs = NULL;
    *n = 0;
    if (!nv) return 0;
    if (!task) {   /* every task: the state's own view, in this order (kept sorted by a snapshot) */
        size_t nk;
        const td_report_version *const *kv = td_state_report_versions_by_key(st, &nk);
        if (kv && nk == nv && (out = malloc(nk * sizeof *out))) {
            memcpy(out, kv, nk * sizeof *out);
            *vs = out;
            *n = nk;
            return 0;
        }
    }
    while (nslots < 2 * nv) nslots *= 2;
    if (!(rec = malloc(nv * sizeof *rec)) || !(slot = calloc(nslots, sizeof *slot)) ||
        !(names = malloc(nv * sizeof *names)))
        goto out;
    for (size_t i = 0; i < nv; i++) {
        const td_report_version *v = &ver[i];
        size_t k;
        if (task && v->task != task) continue;
        /* the agency's id: its slot in a table of the slugs met so far */
        for (k = td__run_hash(0, v->agency) & (nslots - 1); slot[k]; k = (k + 1) & (nslots - 1))
            if (!strcmp(names[slot[k] - 1], v->agency)) break;
        if (!slot[k]) {
            names[nnames++] = v->agency;
            slot[k] = (uint32_t)nnames;
        }
        rec[nrec].task = v->task;
        rec[nrec].rank = slot[k] - 1;   /* the id, ranked below */
        rec[nrec].pnum = td__pnum(v->period);
        rec[nrec].at = (uint32_t)i;
        rec[nrec].hlc = v->hlc;
        rec[nrec].seq = v->seq;
        rec[nrec].author = v->author;
        nrec++;
    }
    if (!nrec) {
        rc = 0;
        goto out;
    }
    /* rank of each id: its slug's place among the sorted slugs */
    if (!(rank = malloc(nnames * sizeof *rank)) || td_str_ranks(names, nnames, rank)) goto out;
    for (size_t i = 0; i < nrec; i++) rec[i].rank = rank[rec[i].rank];
    qsort(rec, nrec, sizeof *rec, td__vrec_cmp);
    if (!(out = malloc(nrec * sizeof *out))) goto out;
    for (size_t i = 0; i < nrec; i++) out[i] = &ver[rec[i].at];
    *vs = out;
    *n = nrec;
    rc = 0;
out:
    free(rec);
    free(slot);
    free(names);
    free(rank);
    return rc;
}

/* The history index of task `task`'s keys (0: every task).  NULL when out
 * of memory. */
static td__hist *td__hist_build(const td_state *st, uint32_t task)
{
    size_t nv, nr, lo = 0, hi, nk = 0, nrun = 0, nd = 0, nrv = 0;
    const td_review_event *rs = td_state_reviews(st, &nr);
    const td_report_version **sv;
    td__hist *h;
    uint32_t *fill = NULL;
    if (td_state_report_versions(st, &nv), nv >= UINT32_MAX || nr >= UINT32_MAX) return NULL;
    if (td__sorted_versions(st, task, &sv, &nv)) return NULL;
    if (!(h = calloc(1, sizeof *h))) {
        free(sv);
        return NULL;
    }
    h->sv = sv;
    hi = nv;
    if (hi > lo && (!(h->eff = malloc(nv * sizeof *h->eff)) || !(h->recv = malloc(nv * sizeof *h->recv)) ||
                    !(h->keys = malloc((hi - lo) * sizeof *h->keys)) ||
                    !(h->runs = malloc((hi - lo) * sizeof *h->runs)) ||
                    !(h->done = malloc((hi - lo) * sizeof *h->done))))
        goto oom;
    /* One pass over the view: a key starts where the version before
     * differs (cheapest field first), a run where its agency or task does. */
    for (size_t i = lo; i < hi; i++) {
        const td_report_version *v = sv[i], *pv = i > lo ? sv[i - 1] : NULL;
        int new_run;
        /* the view is not in the versions' order: fetch a few ahead (a cache miss each otherwise) */
        if (i + 8 < hi) __builtin_prefetch(sv[i + 8]);
        /* one copy of each slug per state (derive.h): the same pointer is the same agency */
        new_run = !pv || pv->task != v->task || (pv->agency != v->agency && strcmp(pv->agency, v->agency));
        h->eff[i] = td_state_device_date(v->effective_ms);
        h->recv[i] = v->received_ms;
        if (new_run) {
            if (nrun) h->runs[nrun - 1].k1 = (uint32_t)nk, h->runs[nrun - 1].d1 = (uint32_t)nd;
            h->runs[nrun].task = v->task;
            h->runs[nrun].agency = v->agency;
            h->runs[nrun].k0 = (uint32_t)nk;
            h->runs[nrun].d0 = (uint32_t)nd;
            nrun++;
        }
        if (new_run || strcmp(pv->period, v->period)) {
            h->keys[nk].first = (uint32_t)i;
            h->keys[nk].n = 0;
            h->keys[nk].rfirst = h->keys[nk].rn = 0;
            h->keys[nk].pnum = td__pnum(v->period);
            nk++;
        }
        h->keys[nk - 1].n++;
        if (v->state == TIENDO__REPORT_STATE__REPORT_DONE && (!nd || h->done[nd - 1] != nk - 1))
            h->done[nd++] = (uint32_t)(nk - 1);
    }
    if (nrun) h->runs[nrun - 1].k1 = (uint32_t)nk, h->runs[nrun - 1].d1 = (uint32_t)nd;
    h->n_keys = nk;
    h->n_runs = nrun;
    if (nrun) {
        size_t len = 0;
        char *at;
        for (size_t r = 0; r < nrun; r++) len += strlen(h->runs[r].agency) + 1;
        if (!(at = h->names = malloc(len))) goto oom;
        for (size_t r = 0; r < nrun; r++) {
            size_t l = strlen(h->runs[r].agency) + 1;
            memcpy(at, h->runs[r].agency, l);
            h->runs[r].agency = at;
            at += l;
        }
        for (h->n_slots = 16; h->n_slots < 2 * nrun; h->n_slots *= 2) {}
        if (!(h->slots = calloc(h->n_slots, sizeof *h->slots))) goto oom;
        for (size_t r = 0; r < nrun; r++) {
            size_t i;
            h->runs[r].hash = td__run_hash(h->runs[r].task, h->runs[r].agency);
            i = h->runs[r].hash & (h->n_slots - 1);
            while (h->slots[i]) i = (i + 1) & (h->n_slots - 1);
            h->slots[i] = (uint32_t)(r + 1);
        }
    }
    /* Reviews grouped by the key they name, each group in log order. */
    if (nr && nk) {
        if (!(fill = malloc(nr * sizeof *fill))) goto oom;
        for (size_t r = 0; r < nr; r++) {
            const td__run *run;
            size_t k;
            int pn;
            fill[r] = UINT32_MAX;
            if (task && rs[r].task != task) continue;
            if (!(run = td__run_of(h, rs[r].task, rs[r].agency))) continue;
            pn = td__pnum(rs[r].period);
            k = td__key_lower(h, run, pn);
            if (k >= run->k1 || h->keys[k].pnum != pn) continue;
            fill[r] = (uint32_t)k;
            h->keys[k].rn++;
            nrv++;
        }
        if (nrv && (!(h->rv = malloc(nrv * sizeof *h->rv)) || !(h->rrecv = malloc(nrv * sizeof *h->rrecv)) ||
                    !(h->rrep = malloc(nrv * sizeof *h->rrep))))
            goto oom;
        for (size_t k = 0, at = 0; k < nk; k++) {
            h->keys[k].rfirst = (uint32_t)at;
            at += h->keys[k].rn;
            h->keys[k].rn = 0;
        }
        for (size_t r = 0; r < nr; r++) {
            td__key *key;
            if (fill[r] == UINT32_MAX) continue;
            key = &h->keys[fill[r]];
            h->rv[key->rfirst + key->rn] = &rs[r];
            h->rrecv[key->rfirst + key->rn] = rs[r].received_ms;
            h->rrep[key->rfirst + key->rn++] = rs[r].report_index;
        }
        free(fill);
    }
    return h;
oom:
    free(fill);
    td__hist_free(h);
    return NULL;
}

/*
 * The context for day `date`, knowing what was received before end_ms, of
 * task `task` only (0: every task).
 */
static int td__ctx_build(td__ctx *c, const td_state *st, int date, int64_t end_ms, const td_status_opts *o,
                         uint32_t task, td_error *err)
{
    td__hist *m = td_state_memo_get(st, TD_STATE_MEMO_STATUS);
    memset(c, 0, sizeof *c);
    c->st = st;
    c->date = date;
    c->end_ms = end_ms;
    c->o = *o;
    if (m) {
        c->h = m;
        return 0;
    }
    if (!(m = td__hist_build(st, task))) return td_error_set(err, TD_ENOMEM, "status: the index of the report versions | "
                                                             TD_MSG_NOMEM);
    if (task) {   /* one task: not worth keeping for the next call */
        c->h = c->own = m;
        return 0;
    }
    td_state_memo_set(st, TD_STATE_MEMO_STATUS, m, td__hist_free);
    c->h = m;
    return 0;
}

static void td__ctx_free(td__ctx *c)
{
    td__hist_free(c->own);
    c->own = NULL;
    c->h = NULL;
}

/* ---- deadlines at D -------------------------------------------------------- */

/* The deadline of `t` in force for what was received before end_ms: the
 * plan's current one with later changes undone, newest first. */
static const td_deadline *td__deadline_at(const td_state *st, const td_task *t, int64_t end_ms, int *changed)
{
    size_t n;
    const td_deadline_change *ch = td_state_deadline_changes(st, &n);
    const td_deadline *d = &t->deadline;
    *changed = 0;
    for (size_t i = n; i-- > 0;) {
        if (ch[i].task != (uint32_t)t->number) continue;
        if (ch[i].received_ms >= end_ms) d = &ch[i].before;
        else if (ch[i].before.kind != TD_DEADLINE_NONE) *changed = 1;   /* a task that is new has no change */
    }
    return d;
}

/* The condition of task in force at end_ms: among the condition entries
 * received before it, the current one by the fold's order (hlc, author key,
 * seq); NULL if none.  History, so a later entry never changes the past. */
static const td_condition *td__condition_at(const td_state *st, uint32_t task, int64_t end_ms)
{
    size_t n;
    const td_condition *c = td_state_condition_history(st, &n), *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (c[i].task != task || c[i].received_ms >= end_ms) continue;
        if (best) {
            int k = c[i].hlc != best->hlc ? (c[i].hlc > best->hlc ? 1 : -1) : memcmp(c[i].author, best->author, 32);
            if (k < 0 || (k == 0 && c[i].seq < best->seq)) continue;
        }
        best = &c[i];
    }
    return best;
}

/* What a task's deadline asks at day `date`. */
typedef struct td__judge {
    td_deadline_kind kind;      /* of the deadline in force */
    int due;                    /* yyyymmdd, 0 = none */
    int per_period;             /* RECURRING: judged on one period's report */
    char period[8];             /* per_period: the period */
    int yearly;                 /* judged on the reports of one year */
    int year_lo, year_hi;       /* periods counted: years year_lo..year_hi */
    int recurs;                 /* owes a report every period (obligations) */
    int stays_done;             /* MONTH + THEN_RECURRING: a later return does not reopen */
    int condition_met;
    int waits;                  /* conditional, condition not met: owes nothing */
    int changed;
} td__judge;

static void td__judge_at(const td_state *st, const td_task *t, int date, int64_t end_ms, const td_status_opts *o,
                         td__judge *j)
{
    const td_deadline *d = td__deadline_at(st, t, end_ms, &j->changed);
    int year = date / 10000, due;
    const td_condition *cond;
    j->kind = d->kind;
    j->due = 0;
    j->per_period = j->yearly = j->recurs = j->stays_done = j->condition_met = j->waits = 0;
    j->period[0] = '\0';
    j->year_lo = 0;
    j->year_hi = 9999;
    switch (d->kind) {
    case TD_DEADLINE_MONTH:
        if (d->then == TD_THEN_EVERY_YEAR && year > d->year) {
            td_deadline y = *d;   /* shallow: td_deadline_due reads only the numbers */
            y.kind = TD_DEADLINE_YEARLY;
            if (!td_deadline_due(&y, year, &due)) j->due = due;
            j->yearly = 1;
            j->year_lo = j->year_hi = year;
        } else if (!td_deadline_due(d, year, &due)) {
            j->due = due;
        }
        j->recurs = j->stays_done = d->then == TD_THEN_RECURRING;
        break;
    case TD_DEADLINE_YEARLY:
        if (!td_deadline_due(d, year, &due)) j->due = due;
        j->yearly = 1;
        j->year_lo = j->year_hi = year;
        break;
    case TD_DEADLINE_RECURRING:
        j->per_period = 1;
        j->recurs = 1;
        td_period_of_date(date, j->period);
        j->due = td_period_due(j->period, o->report_due_day);
        break;
    case TD_DEADLINE_CONDITIONAL:
        if ((cond = td__condition_at(st, (uint32_t)t->number, end_ms))) {
            j->condition_met = 1;
            if (cond->due_year >= TD_DEADLINE_YEAR_MIN && cond->due_year <= TD_DEADLINE_YEAR_MAX &&
                cond->due_month >= 1 && cond->due_month <= 12)
                j->due = cond->due_year * 10000 + cond->due_month * 100 + td_clock_month_days(cond->due_year, cond->due_month);
        } else {
            j->waits = 1;
        }
        break;
    case TD_DEADLINE_ROADMAP:
        j->recurs = 1;
        break;
    default:
        break;
    }
}

/* ---- one lead --------------------------------------------------------------- */

/*
 * Status of (task, agency) at c->date under judgement j.
 *
 * "Latest report" = the current version of the lead's latest period (the
 * fields report_index .. time_flags and returned describe it, whatever the
 * kind).  The status itself is judged on the reports in scope: the period
 * (RECURRING), the year (YEARLY), or every period.
 */
/* Later of two current versions of one lead's reports: by period, then by
 * effective signed time, then log index (several agencies' runs merge when
 * a successor inherits its predecessors' reports). */
static const td__cur *td__later(const td__cur *a, const td__cur *b)
{
    int c;
    if (!a) return b;
    if ((c = strcmp(b->v->period, a->v->period))) return c > 0 ? b : a;
    if (b->v->effective_ms != a->v->effective_ms) return b->v->effective_ms > a->v->effective_ms ? b : a;
    return b->v->index > a->v->index ? b : a;
}

/* *slot = the later of *slot and cand, cand copied into store if so. */
static void td__take_later(const td__cur **slot, td__cur *store, const td__cur *cand)
{
    if (td__later(*slot, cand) == cand) {
        *store = *cand;
        *slot = store;
    }
}

/* Most predecessors one lead inherits from (a merge of a dozen districts). */
#define TD__PRED_MAX 32

/*
 * The agencies whose reports count for `agency` on `task` at day d: itself,
 * and every agency that no longer exists at d and whose responsibility for
 * the task has passed to `agency` (renames, merges, splits followed:
 * td_registry_responsible).  docs/LOG.md §6: old reports stay attributed to the
 * agency that made them; the successor inherits the open tasks -- and what
 * was already done on them.
 */
static size_t td__heirs_of(const td__ctx *c, uint32_t task, const char *agency, const char **who)
{
    const td_registry *reg = td_state_registry(c->st);
    const int sd = c->succ_date > c->date ? c->succ_date : c->date;
    td__hist *h = c->h;
    size_t n = 0, na;
    if (!h->ended_ok) {
        size_t k = 0;
        for (size_t a = 0; a < reg->n_agencies; a++) k += reg->agencies[a].valid_to != 0;
        if (!k || (h->ended = malloc(k * sizeof *h->ended))) {
            for (size_t a = 0; a < reg->n_agencies; a++)
                if (reg->agencies[a].valid_to) h->ended[h->n_ended++] = (uint32_t)a;
            h->ended_ok = 1;
        }
    }
    na = h->ended_ok ? h->n_ended : reg->n_agencies;   /* out of memory: every agency, as they come */
    who[n++] = agency;
    for (size_t i = 0; i < na && n < TD__PRED_MAX + 1; i++) {
        const td_agency *ag = &reg->agencies[h->ended_ok ? h->ended[i] : i];
        const char *r;
        if (!ag->valid_to || ag->valid_to > sd || !strcmp(ag->slug, agency)) continue;
        r = td_registry_responsible(reg, ag->slug, sd, (int)task);
        if (r && !strcmp(r, agency)) who[n++] = ag->slug;
    }
    return n;
}

/* Started: a report in scope (keys scope[w][0] .. scope[w][1]) says more
 * than "chưa triển khai". */
static int td__started(const td__ctx *c, const size_t (*scope)[2], size_t n_who)
{
    td__cur got;
    for (size_t w = 0; w < n_who; w++)
        for (size_t k = scope[w][1]; k-- > scope[w][0];)
            if (td__cur_at(c, k, &got) && got.v->state != TIENDO__REPORT_STATE__REPORT_NOT_STARTED) return 1;
    return 0;
}

/* Can td__lead find (task, agency) done at all: has it or a predecessor it carries a DONE version?  (A lead is
 * done only through an accepted DONE report of its own or of those: td__lead's done_date.) */
static int td__may_be_done(const td__ctx *c, uint32_t task, const char *agency)
{
    const char *who[TD__PRED_MAX + 1];
    size_t n_who = td__heirs_of(c, task, agency, who);
    for (size_t w = 0; w < n_who; w++) {
        const td__run *r = td__run_of(c->h, task, who[w]);
        if (r && r->d1 > r->d0) return 1;
    }
    return 0;
}

static void td__lead(const td__ctx *c, uint32_t task, const char *agency, const td__judge *j, td_lead_status *ls)
{
    const td__cur *latest = NULL, *scope_latest = NULL, *prev = NULL;
    td__cur latest_s, scope_s, prev_s, got;
    int done_date = 0, late;
    char prevp[8] = "";
    const int d = c->date;
    const char *who[TD__PRED_MAX + 1];
    size_t n_who, scope[TD__PRED_MAX + 1][2];

    memset(ls, 0, sizeof *ls);
    ls->agency = agency;
    ls->return_comment = "";
    ls->due_date = j->due;
    if (j->per_period) {
        memcpy(ls->period, j->period, sizeof ls->period);
        td_period_prev(j->period, prevp);
    }
    n_who = td__heirs_of(c, task, agency, who);
    for (size_t w = 0; w < n_who; w++) {
        /* The keys of (task, who[w]) are its periods in order: its latest
         * report is the last key with a version at the cut-off; the scope
         * (one period, one year, every period) is one range of keys, whose
         * latest is found the same way; only keys holding a DONE version
         * can make the lead done. */
        const td__run *r = td__run_of(c->h, task, who[w]);
        const td__hist *h = c->h;
        size_t k, ks, ke, dk, dhi;
        int found = 0;
        td__cur mine;
        scope[w][0] = scope[w][1] = 0;
        if (!r) continue;
        for (k = r->k1; k-- > r->k0;)
            if (td__cur_at(c, k, &mine)) {
                td__take_later(&latest, &latest_s, &mine);
                found = 1;
                break;
            }
        if (j->per_period) {
            int pn = td__pnum(j->period);
            if (prevp[0] && td__find(c, task, who[w], prevp, &got)) td__take_later(&prev, &prev_s, &got);
            ks = td__key_lower(h, r, pn);
            ke = ks < r->k1 && h->keys[ks].pnum == pn ? ks + 1 : ks;
        } else {
            ks = td__key_lower(h, r, j->year_lo * 100);
            ke = td__key_lower(h, r, (j->year_hi + 1) * 100);
            if (ke < ks) ke = ks;
        }
        scope[w][0] = ks;
        scope[w][1] = ke;
        if (ks == r->k0 && ke == r->k1) {   /* every period: the scope's latest is the latest */
            if (found) td__take_later(&scope_latest, &scope_s, &mine);
        } else {
            for (k = ke; k-- > ks;)
                if (td__cur_at(c, k, &got)) {
                    td__take_later(&scope_latest, &scope_s, &got);
                    break;
                }
        }
        for (dk = r->d0, dhi = r->d1; dk < dhi;) {   /* first DONE key >= ks */
            size_t mid = dk + (dhi - dk) / 2;
            if (h->done[mid] < ks) dk = mid + 1;
            else dhi = mid;
        }
        for (; dk < r->d1 && h->done[dk] < ke; dk++)
            if (td__cur_at(c, h->done[dk], &got) && got.v->state == TIENDO__REPORT_STATE__REPORT_DONE &&
                got.review == 1 && (!done_date || got.eff_date < done_date))
                done_date = got.eff_date;
    }
    if (latest) {
        ls->report_index = latest->v->index;
        ls->report_state = latest->v->state;
        ls->percent = latest->v->percent;
        ls->last_report_date = latest->eff_date;
        ls->time_flags = latest->v->time_flags;
        if (latest->review == -1) {
            ls->returned = 1;
            ls->return_comment = latest->comment;
        }
    }
    ls->no_report = scope_latest == NULL;

    /* A returned report reopens (docs/LOG.md §12): its DONE claim, and any
     * earlier accepted one in scope, no longer count -- except after the
     * month of "M/YYYY và thực hiện thường xuyên", where the returned
     * report is of the recurring part and done stays done (status.h). */
    if (scope_latest && scope_latest->review == -1 && !j->stays_done) done_date = 0;
    if (done_date) {
        ls->done_date = done_date;
        ls->status = j->due && done_date > j->due ? TD_ST_DONE_LATE : TD_ST_DONE_ON_TIME;
        return;
    }
    if (scope_latest && scope_latest->v->state == TIENDO__REPORT_STATE__REPORT_DONE && scope_latest->review == 0) {
        ls->status = TD_ST_AWAITING_REVIEW;
        /* late only if accepting it now would make it late */
        ls->overdue = j->due && d > j->due && scope_latest->eff_date > j->due;
        return;
    }
    if (j->per_period && scope_latest) {
        /* the period's report is in: on time or late by its signed date */
        late = j->due && scope_latest->eff_date > j->due;
        ls->overdue = late;
        ls->status = late ? TD_ST_ONGOING_LATE : TD_ST_ONGOING_ON_TIME;
        return;
    }
    if (j->due && d > j->due) {
        ls->overdue = 1;
        ls->status = latest ? TD_ST_ONGOING_LATE : TD_ST_NEVER_REPORTED;
    } else if (j->due && td_date_diff_days(j->due, d) <= c->o.due_soon_days) {
        ls->status = TD_ST_DUE_SOON;
    } else if (j->per_period) {
        ls->status = prev ? TD_ST_ONGOING_ON_TIME : TD_ST_NOT_STARTED;
    } else if (td__started(c, scope, n_who) || (scope_latest && scope_latest->review == -1)) {
        ls->status = TD_ST_ONGOING_ON_TIME;
    } else {
        ls->status = TD_ST_NOT_STARTED;
    }
}

/*
 * Whether td__lead(c, task, agency, j) judges the lead done (td_status_is_done), without the rest of the
 * lead's status when j is not per period: its DONE keys in scope, and, when one counts, the
 * scope's latest report (a return reopens).  What td_status_obligations asks of every lead of every
 * month of a report; the same rules as td__lead, read from the same index.  own: the run of (task, agency)
 * in c's index, as td__run_of finds it.
 */
static int td__lead_done(const td__ctx *c, uint32_t task, const char *agency, const td__run *own, const td__judge *j)
{
    const td__hist *h = c->h;
    const td__cur *scope_latest = NULL;
    td__cur scope_s, got;
    const char *who[TD__PRED_MAX + 1];
    size_t n_who, scope[TD__PRED_MAX + 1][2];
    const td__run *runs[TD__PRED_MAX + 1];
    int done = 0;

    if (j->per_period) {   /* one period's report judges it: the whole rule */
        td_lead_status ls;
        if (!td__may_be_done(c, task, agency)) return 0;
        td__lead(c, task, agency, j, &ls);
        return td_status_is_done(ls.status);
    }
    n_who = td__heirs_of(c, task, agency, who);
    for (size_t w = 0; w < n_who; w++) {
        const td__run *r = runs[w] = w ? td__run_of(h, task, who[w]) : own;
        size_t ks, ke, dk, dhi;
        scope[w][0] = scope[w][1] = 0;
        if (!r) continue;
        /* every period (a year's bounds 0 and 9999): the whole run */
        ks = j->year_lo ? td__key_lower(h, r, j->year_lo * 100) : r->k0;
        ke = j->year_hi < 9999 ? td__key_lower(h, r, (j->year_hi + 1) * 100) : r->k1;
        if (ke < ks) ke = ks;
        scope[w][0] = ks;
        scope[w][1] = ke;
        for (dk = r->d0, dhi = r->d1; dk < dhi;) {   /* first DONE key >= ks */
            size_t mid = dk + (dhi - dk) / 2;
            if (h->done[mid] < ks) dk = mid + 1;
            else dhi = mid;
        }
        for (; !done && dk < r->d1 && h->done[dk] < ke; dk++)
            if (td__cur_at(c, h->done[dk], &got) && got.v->state == TIENDO__REPORT_STATE__REPORT_DONE &&
                got.review == 1 && got.eff_date)
                done = 1;
    }
    if (!done || j->stays_done) return done;
    for (size_t w = 0; w < n_who; w++) {
        if (!runs[w]) continue;
        for (size_t k = scope[w][1]; k-- > scope[w][0];)
            if (td__cur_at(c, k, &got)) {
                td__take_later(&scope_latest, &scope_s, &got);
                break;
            }
    }
    return !(scope_latest && scope_latest->review == -1);
}

static td_status td__overall(const td_lead_status *l, size_t n)
{
    size_t done = 0, late_done = 0, awaiting = 0, not_started = 0;
    int any_late = 0, any_soon = 0, any_report = 0;
    if (n == 0) return TD_ST_NOT_STARTED;
    for (size_t i = 0; i < n; i++) {
        switch (l[i].status) {
        case TD_ST_DONE_LATE: late_done++; done++; break;
        case TD_ST_DONE_ON_TIME: done++; break;
        case TD_ST_ONGOING_LATE:
        case TD_ST_NEVER_REPORTED: any_late = 1; break;
        case TD_ST_DUE_SOON: any_soon = 1; break;
        case TD_ST_AWAITING_REVIEW: awaiting++; break;
        case TD_ST_NOT_STARTED: not_started++; break;
        default: break;
        }
        if (l[i].report_index) any_report = 1;
    }
    if (done == n) return late_done ? TD_ST_DONE_LATE : TD_ST_DONE_ON_TIME;
    if (any_late) return any_report ? TD_ST_ONGOING_LATE : TD_ST_NEVER_REPORTED;
    if (any_soon) return TD_ST_DUE_SOON;
    if (awaiting == n - done) return TD_ST_AWAITING_REVIEW;
    if (not_started == n) return TD_ST_NOT_STARTED;
    return TD_ST_ONGOING_ON_TIME;
}

/* ---- tasks ------------------------------------------------------------------- */

static int td__task(const td__ctx *c, const td_task *t, td_task_status *out, td_error *err)
{
    td__judge j;
    const char *const *leads = NULL;
    size_t nl = 0;
    memset(out, 0, sizeof *out);
    out->task = (uint32_t)t->number;
    out->date = c->date;
    td__judge_at(c->st, t, c->date, c->end_ms, &c->o, &j);
    out->due_date = j.due;
    out->kind = j.kind;
    out->condition_met = j.condition_met;
    out->deadline_changed = j.changed;
    if (td__leads_of(c, (uint32_t)t->number, c->date, &leads, &nl))
        return td_error_set(err, TD_ENOMEM, "status: leads of task %d | " TD_MSG_NOMEM, t->number);
    if (nl) {
        if (!(out->leads = calloc(nl, sizeof *out->leads))) {
            return td_error_set(err, TD_ENOMEM, "status: leads of task %d | " TD_MSG_NOMEM, t->number);
        }
        out->n_leads = nl;
        for (size_t i = 0; i < nl; i++) {
            td__lead(c, (uint32_t)t->number, leads[i], &j, &out->leads[i]);
            if (out->leads[i].last_report_date > out->last_report_date)
                out->last_report_date = out->leads[i].last_report_date;
        }
    }
    out->overall = td__overall(out->leads, out->n_leads);
    return 0;
}

int td_status_task(const td_state *st, uint32_t task, int date, const td_status_opts *o, td_task_status *out,
                   td_error *err)
{
    td_status_opts opts;
    td__ctx c;
    const td_task *t;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = td__check_args(date, o, &opts, err))) return rc;
    if (task > INT32_MAX || !(t = td_plan_task(td_state_plan(st), (int)task)))
        return td_error_set(err, TD_ENOTFOUND, "status: task %u is not in the plan | kế hoạch không có nhiệm vụ "
                            "số %u", task, task);
    if ((rc = td__ctx_build(&c, st, date, td_state_day_end_ms(date), &opts, task, err))) return rc;
    rc = td__task(&c, t, out, err);
    td__ctx_free(&c);
    if (rc) td_task_status_free(out);
    return rc;
}

void td_task_status_free(td_task_status *ts)
{
    if (!ts) return;
    free(ts->leads);
    ts->leads = NULL;
    ts->n_leads = 0;
}

int td_status_all(const td_state *st, int date, const td_status_opts *o, td_task_status **v, size_t *n,
                  td_error *err)
{
    td_status_opts opts;
    td__ctx c;
    const td_plan *p = td_state_plan(st);
    td_task_status *out;
    int rc;
    *v = NULL;
    *n = 0;
    if ((rc = td__check_args(date, o, &opts, err))) return rc;
    if (p->n_tasks == 0) return 0;
    if (!(out = calloc(p->n_tasks, sizeof *out)))
        return td_error_set(err, TD_ENOMEM, "status: %zu tasks | " TD_MSG_NOMEM, p->n_tasks);
    if ((rc = td__ctx_build(&c, st, date, td_state_day_end_ms(date), &opts, 0, err))) {
        free(out);
        return rc;
    }
    for (size_t i = 0; i < p->n_tasks; i++) {
        if ((rc = td__task(&c, &p->tasks[i], &out[i], err))) {
            td__ctx_free(&c);
            td_status_all_free(out, i + 1);
            return rc;
        }
    }
    td__ctx_free(&c);
    *v = out;
    *n = p->n_tasks;
    return 0;
}

void td_status_all_free(td_task_status *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) td_task_status_free(&v[i]);
    free(v);
}

/* ---- obligations ------------------------------------------------------------- */

static int td__obl_cmp(const void *x, const void *y)
{
    const td_obligation *a = x, *b = y;
    int c = a->agency == b->agency ? 0 : strcmp(a->agency, b->agency);
    if (c) return c;
    return a->task < b->task ? -1 : a->task > b->task;
}

/* td__obl_sort: at most this many agencies (a province has a few dozen), else the plain sort. */
#define TD__OBL_AGS 128

typedef struct td__orun {
    const char *slug;   /* NULL: an empty slot */
    size_t n, at;       /* how many; where they go */
    uint32_t last;      /* task of the last one placed */
} td__orun;

static int td__orun_cmp(const void *x, const void *y)
{
    return strcmp((*(const td__orun *const *)x)->slug, (*(const td__orun *const *)y)->slug);
}

/*
 * v sorted as a stable sort by td__obl_cmp sorts it, without a comparison per pair: the obligations come
 * task by task, so each agency's are already in task order; counted by agency (its pointer: one per slug),
 * the agencies ordered by slug, each one's placed in turn.  1 (v left as it was) when that does not hold
 * (two pointers with one slug, an agency's tasks out of order, too many agencies) or out of memory: then
 * the caller sorts it the plain way.
 */
static int td__obl_sort(td_obligation *v, size_t n)
{
    td__orun slot[2 * TD__OBL_AGS], *ord[TD__OBL_AGS];
    td_obligation *tmp;
    size_t na = 0, at = 0;
    memset(slot, 0, sizeof slot);
    for (size_t i = 0; i < n; i++) {
        size_t h = ((uintptr_t)v[i].agency >> 4) * 2654435761u & (2 * TD__OBL_AGS - 1);
        while (slot[h].slug && slot[h].slug != v[i].agency) h = (h + 1) & (2 * TD__OBL_AGS - 1);
        if (!slot[h].slug) {
            if (na == TD__OBL_AGS) return 1;
            slot[h].slug = v[i].agency;
            ord[na++] = &slot[h];
        }
        slot[h].n++;
    }
    qsort(ord, na, sizeof *ord, td__orun_cmp);
    for (size_t r = 0; r < na; r++) {
        if (r && !strcmp(ord[r - 1]->slug, ord[r]->slug)) return 1;
        ord[r]->at = at;
        at += ord[r]->n;
    }
    if (!(tmp = malloc(n * sizeof *tmp))) return 1;
    for (size_t i = 0; i < n; i++) {
        size_t h = ((uintptr_t)v[i].agency >> 4) * 2654435761u & (2 * TD__OBL_AGS - 1);
        while (slot[h].slug != v[i].agency) h = (h + 1) & (2 * TD__OBL_AGS - 1);
        if (v[i].task < slot[h].last) {
            free(tmp);
            return 1;
        }
        slot[h].last = v[i].task;
        tmp[slot[h].at++] = v[i];
    }
    memcpy(v, tmp, n * sizeof *v);
    free(tmp);
    return 0;
}

/* Grow *v to hold one more. */
static int td__obl_push(td_obligation **v, size_t *n, size_t *cap, const td_obligation *ob)
{
    if (td_grow(v, cap, *n + 1, sizeof **v)) return TD_ENOMEM;
    (*v)[(*n)++] = *ob;
    return 0;
}

int td_status_obligations(const td_state *st, const char *period, int date, const td_status_opts *o,
                          const char *agency, td_obligation **v, size_t *n, td_error *err)
{
    td_status_opts opts;
    td__ctx at_d, before;
    const td_plan *p = td_state_plan(st);
    int y, m, due, first, day_before, rc = 0;
    int64_t end_d, end_due, end_before;
    td_obligation *out = NULL;
    size_t nout = 0, cap = 0;
    *v = NULL;
    *n = 0;
    if ((rc = td__check_args(date, o, &opts, err))) return rc;
    if (td_period_parse(period, &y, &m))
        return td_error_set(err, TD_EARG, "obligations: period \"%.40s\" is not YYYY-MM | kỳ \"%.40s\" không "
                            "hợp lệ (cần MM/YYYY, ví dụ 06/2025)", period ? period : "(null)", period ? period : "");
    due = td_period_due(period, opts.report_due_day);
    first = y * 10000 + m * 100 + 1;
    day_before = td_date_add_days(first, -1);
    /* What was known at D, never later: a pure function of (state, D). */
    end_d = td_state_day_end_ms(date);
    end_due = td_state_day_end_ms(due);
    end_before = td_state_day_end_ms(day_before);
    if (end_due > end_d) end_due = end_d;
    if (end_before > end_d) end_before = end_d;
    if ((rc = td__ctx_build(&at_d, st, date, end_d, &opts, 0, err))) return rc;
    if ((rc = td__ctx_build(&before, st, day_before, end_before, &opts, 0, err))) {
        td__ctx_free(&at_d);
        return rc;
    }
    /* The lead owing period P is the one responsible on its due day; what its
     * predecessors reported or completed before counts for it (a task done
     * and accepted under the old name owes nothing after a rename). */
    at_d.succ_date = due;
    before.succ_date = due;
    for (size_t ti = 0; ti < p->n_tasks && !rc; ti++) {
        const td_task *t = &p->tasks[ti];
        td__judge jd, jb;
        const char *const *leads = NULL;
        size_t nl = 0;
        td__judge_at(st, t, due, end_due, &opts, &jd);
        if (!jd.recurs && jd.waits) continue;
        td__judge_at(st, t, day_before, end_before, &opts, &jb);
        if (td__leads_of(&at_d, (uint32_t)t->number, due, &leads, &nl)) {
            rc = td_error_set(err, TD_ENOMEM, "obligations: leads of task %d | " TD_MSG_NOMEM, t->number);
            break;
        }
        for (size_t li = 0; li < nl; li++) {
            td_obligation ob;
            const td__cur *cu = NULL;
            const td__run *own;
            td__cur got;
            if (agency && strcmp(agency, leads[li])) continue;
            own = td__run_of(at_d.h, (uint32_t)t->number, leads[li]);   /* one index: before.h is at_d.h */
            if (!jd.recurs) {
                /* A yearly task starts again with the year: December's
                 * completion does not cover January's year. */
                int new_year = jb.yearly && day_before / 10000 != y;
                if (!new_year && td__lead_done(&before, (uint32_t)t->number, leads[li],
                                               before.h == at_d.h ? own
                                                                  : td__run_of(before.h, (uint32_t)t->number, leads[li]),
                                               &jb))
                    continue;
            }
            memset(&ob, 0, sizeof ob);
            ob.task = (uint32_t)t->number;
            ob.agency = leads[li];
            memcpy(ob.period, period, 8);
            ob.due_date = due;
            ob.recurring = jd.recurs;
            ob.state = TD_OWED_MISSING;
            if (td__find_in(&at_d, own, period, &got)) {
                cu = &got;
            } else {
                const char *who[TD__PRED_MAX + 1];
                size_t nw = td__heirs_of(&at_d, ob.task, ob.agency, who);
                td__cur h;
                for (size_t w = 1; w < nw; w++)
                    if (td__find(&at_d, ob.task, who[w], period, &h)) td__take_later(&cu, &got, &h);
            }
            if (cu) {
                ob.report_index = cu->v->index;
                ob.report_date = cu->eff_date;
                ob.time_flags = cu->v->time_flags;
                ob.returned = cu->review == -1;
                ob.state = cu->eff_date <= due ? TD_OWED_ON_TIME : TD_OWED_LATE;
            }
            if (td__obl_push(&out, &nout, &cap, &ob)) {
                rc = td_error_set(err, TD_ENOMEM, "obligations: %zu entries | " TD_MSG_NOMEM, nout);
                break;
            }
        }
    }
    td__ctx_free(&at_d);
    td__ctx_free(&before);
    if (rc) {
        free(out);
        return rc;
    }
    if (nout > 1 && td__obl_sort(out, nout)) qsort(out, nout, sizeof *out, td__obl_cmp);
    *v = out;
    *n = nout;
    return 0;
}
