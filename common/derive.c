/* derive.c — see derive.h.  The fold of the log into state. */
#include "clock.h"
#include "derive.h"
#include "derive_int.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "attach.h"
#include "deadline.h"
#include "grow.h"
#include "hash.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "plan_pb.h"
#include "utf8.h"
#include "x509util.h"

/* Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving since 1975). */
#define TD__TZ_OFFSET_MS (7LL * 3600 * 1000)
/* The on-task cache holds (task, agency, day) answers; a log spanning years
 * of daily reports by every agency stays far below this, and past it the
 * cache simply starts again. */
#define TD__ONTASK_CACHE_MAX 65536
/* Lookups of a report by key that look through the array before its table is built (td_state_report). */
#define TD__LAZY_LOOKUPS 8
/* Largest key hashed: (task, agency, period) or (code, agency, period). */
#define TD__KEY_MAX 160

/* ------------------------------------------------------------------------ */
/* A small open-addressing hash table: 64-bit hash -> index into an array   */
/* owned by the state.  Keys are compared through a callback on the item,   */
/* so each table stores only (hash, index).  No deletion: items are never   */
/* removed (caches are cleared whole).  Types in derive_int.h.              */

typedef int (*td__eq_fn)(const td_state *st, uint32_t idx, const void *key);

static void td__map_free(td__map *m)
{
    free(m->s);
    memset(m, 0, sizeof *m);
}

static void td__map_put_raw(td__slot *s, size_t cap, uint64_t h, uint32_t v)
{
    size_t i = (size_t)h & (cap - 1);
    while (s[i].v) i = (i + 1) & (cap - 1);
    s[i].h = h;
    s[i].v = v;
}

/* Room for `more` insertions without failing: the only allocation. */
static int td__map_reserve(td__map *m, size_t more)
{
    size_t need = m->n + more, nc;
    td__slot *ns;
    if (m->cap && need * 10 <= m->cap * 7) return 0;
    nc = m->cap ? m->cap : 16;
    while (need * 10 > nc * 7) nc *= 2;
    if (!(ns = calloc(nc, sizeof *ns))) return TD_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->s[i].v) td__map_put_raw(ns, nc, m->s[i].h, m->s[i].v);
    free(m->s);
    m->s = ns;
    m->cap = nc;
    return 0;
}

/* Caller reserved room first. */
static void td__map_put(td__map *m, uint64_t h, uint32_t idx)
{
    td__map_put_raw(m->s, m->cap, h, idx + 1);
    m->n++;
}

static long td__map_find(const td__map *m, uint64_t h, td__eq_fn eq, const td_state *st, const void *key)
{
    size_t i;
    if (!m->cap) return -1;
    for (i = (size_t)h & (m->cap - 1); m->s[i].v; i = (i + 1) & (m->cap - 1))
        if (m->s[i].h == h && eq(st, m->s[i].v - 1, key)) return (long)(m->s[i].v - 1);
    return -1;
}

static void td__map_clear(td__map *m)
{
    if (m->cap) memset(m->s, 0, m->cap * sizeof *m->s);
    m->n = 0;
}

/* Growable array of fixed-size items. */
static int td__grow(void **v, size_t *cap, size_t n, size_t more, size_t size)
{
    if (more > SIZE_MAX - n) return TD_ENOMEM;
    return td_grow(v, cap, n + more, size) ? TD_ENOMEM : 0;
}

/* An array of the image copied into the heap, with its capacity: the image is a file mapping (a write copies
 * its page) that cannot grow.  0 or TD_ENOMEM (nothing changed then). */
static int td__img_copy(const td_state *st, void **v, size_t *cap, size_t n, size_t size)
{
    void *c;
    if (!td__in_img(st, *v)) return 0;
    if (!(c = malloc((n ? n : 1) * size))) return TD_ENOMEM;
    memcpy(c, *v, n * size);
    *v = c;
    *cap = n;
    return 0;
}

/* Before reports, report versions or their entries grow: those of the image copied into the heap. */
static int td__img_thaw(td_state *st)
{
    return td__img_copy(st, (void **)&st->reports, &st->cap_reports, st->n_reports, sizeof *st->reports) ||
           td__img_copy(st, (void **)&st->rents, &st->cap_rents, st->n_rents, sizeof *st->rents) ||
           td__img_copy(st, (void **)&st->versions, &st->cap_versions, st->n_rents, sizeof *st->versions);
}

/* ------------------------------------------------------------------------ */



static void td__dg_touch(td_state *st, int what, size_t i);
static void td__dg_after_apply(td_state *st, const unsigned char *author, int kind, int ok);
static void td__dg_before_apply(td_state *st, int kind);
static void td__dg_free(td_state *st);

/* Empty strings are shared, so that the many empty text fields of reports
 * cost no allocation.  "owned, never NULL" holds: td__sfree skips it. */
char td__empty[1];

static char *td__sdup(const char *s)
{
    size_t n;
    char *d;
    if (!s || !*s) return td__empty;
    n = strlen(s);
    if (!(d = malloc(n + 1))) return NULL;
    memcpy(d, s, n + 1);
    return d;
}

static void td__sfree(char *s)
{
    if (s && s != td__empty) free(s);
}

/* Free what a report of the state owns: nothing when it lies in one of the state's
 * text blocks (a snapshot's load puts the reports' texts and evidence there,
 * derive_int.h), which td_state_free frees whole. */
static void td__ofree(const td_state *st, void *p)
{
    if (!p || p == td__empty) return;
    if (st && td__in_img(st, p)) return;
    if (st && st->arena && (char *)p >= st->arena && (char *)p < st->arena + st->arena_len) return;
    if (st && st->tarena && (char *)p >= st->tarena && (char *)p < st->tarena + st->tarena_len) return;
    free(p);
}

static uint64_t td__hash(const td_state *st, const void *p, size_t n)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t h;
    crypto_shorthash(out, p, n, st->hkey);
    memcpy(&h, out, sizeof h);
    return h;
}

/* Copy s into a fixed buffer; 0 if it does not fit. */
static int td__scpy(char *dst, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (l >= n) return 0;
    memcpy(dst, s, l + 1);
    return 1;
}

/* --- keys ---------------------------------------------------------------- */

static int td__author_eq(const td_state *st, uint32_t i, const void *key)
{
    return !memcmp(st->authors[i].key, key, 32);
}

static td_author *td__author_find(const td_state *st, const unsigned char key[32])
{
    long i = td__map_find(&st->author_map, td__hash(st, key, 32), td__author_eq, st, key);
    return i < 0 ? NULL : &st->authors[i];
}

typedef struct td__tap {     /* (task, agency, period) */
    uint32_t task;
    const char *agency, *period;
} td__tap;

static uint64_t td__tap_hash(const td_state *st, uint32_t task, const char *a, const char *b)
{
    unsigned char k[TD__KEY_MAX];
    size_t la = strlen(a), lb = strlen(b);
    if (4 + la + 1 + lb > sizeof k) return 0;   /* defensive: callers bound the fields */
    memcpy(k, &task, 4);
    memcpy(k + 4, a, la + 1);
    memcpy(k + 5 + la, b, lb);
    return td__hash(st, k, 5 + la + lb);
}

static int td__report_eq(const td_state *st, uint32_t i, const void *key)
{
    const td__tap *k = key;
    const td_report *r = &st->reports[i];
    return r->task == k->task && !strcmp(r->agency, k->agency) && !strcmp(r->period, k->period);
}

typedef struct td__cap {     /* (code, agency, period) */
    const char *code, *agency, *period;
} td__cap;

static uint64_t td__cap_hash(const td_state *st, const td__cap *k)
{
    unsigned char b[TD__KEY_MAX];
    size_t lc = strlen(k->code), la = strlen(k->agency), lp = strlen(k->period);
    if (lc + la + lp + 2 > sizeof b) return 0;   /* defensive: callers bound the fields */
    memcpy(b, k->code, lc + 1);
    memcpy(b + lc + 1, k->agency, la + 1);
    memcpy(b + lc + la + 2, k->period, lp);
    return td__hash(st, b, lc + la + lp + 2);
}

static int td__ival_eq(const td_state *st, uint32_t i, const void *key)
{
    const td__cap *k = key;
    const td_indicator_value *v = &st->ivals[i];
    return !strcmp(v->code, k->code) && !strcmp(v->agency, k->agency) && !strcmp(v->period, k->period);
}

typedef struct td__as {      /* (author, seq) */
    const unsigned char *author;
    uint64_t seq;
} td__as;

static uint64_t td__as_hash(const td_state *st, const unsigned char *author, uint64_t seq)
{
    unsigned char b[40];
    memcpy(b, author, 32);
    memcpy(b + 32, &seq, 8);
    return td__hash(st, b, sizeof b);
}

static int td__rent_eq(const td_state *st, uint32_t i, const void *key)
{
    const td__as *k = key;
    return st->versions[i].seq == k->seq && !memcmp(st->versions[i].author, k->author, 32);
}

static int td__cond_eq(const td_state *st, uint32_t i, const void *key)
{
    return st->conds[i].task == *(const uint32_t *)key;
}

static int td__task_eq(const td_state *st, uint32_t i, const void *key)
{
    return st->plan.tasks[i].number == *(const int *)key;
}

static const td_task *td__task(const td_state *st, uint32_t number)
{
    int n = (int)number;
    long i;
    if (number > INT32_MAX) return NULL;
    i = td__map_find(&st->task_map, td__hash(st, &n, sizeof n), td__task_eq, st, &n);
    return i < 0 ? NULL : &st->plan.tasks[i];
}

static int td__ontask_eq(const td_state *st, uint32_t i, const void *key)
{
    const td__ontask *k = key;
    const td__ontask *o = &st->ontask[i];
    return o->task == k->task && o->date == k->date && !strcmp(o->agency, k->agency);
}

static uint64_t td__ontask_hash(const td_state *st, const td__ontask *k)
{
    unsigned char b[8 + TD_AGENCY_MAX + 1];
    size_t la = strlen(k->agency);
    memcpy(b, &k->task, 4);
    memcpy(b + 4, &k->date, 4);
    memcpy(b + 8, k->agency, la);
    return td__hash(st, b, 8 + la);
}

/* (hlc, author key, seq) order: the deterministic winner (docs/LOG.md §5). */
static int td__version_cmp(uint64_t h1, const unsigned char *a1, uint64_t s1, uint64_t h2, const unsigned char *a2,
                           uint64_t s2)
{
    int c;
    if (h1 != h2) return h1 < h2 ? -1 : 1;
    if ((c = memcmp(a1, a2, 32))) return c < 0 ? -1 : 1;
    if (s1 != s2) return s1 < s2 ? -1 : 1;
    return 0;
}

/* Evidence of one report version (all owned; strings may be td__empty). */
static void td__evidence_free(const td_state *st, char **ev, size_t n_ev, td_evidence_doc *docs, size_t n_docs,
                              td_attachment_ref *att, size_t n_att)
{
    for (size_t i = 0; i < n_ev; i++) td__ofree(st, ev[i]);
    td__ofree(st, ev);
    for (size_t i = 0; i < n_docs; i++) {
        td__ofree(st, docs[i].number);
        td__ofree(st, docs[i].title);
    }
    td__ofree(st, docs);
    for (size_t i = 0; i < n_att; i++) {
        td__ofree(st, att[i].name);
        td__ofree(st, att[i].mime);
    }
    td__ofree(st, att);
}

static void td__dchange_free(td_deadline_change *d)
{
    td_deadline_free(&d->before);
    td_deadline_free(&d->after);
    td__sfree(d->reason);
}

/* --- life cycle ----------------------------------------------------------- */

td_state *td_state_new(X509 *ca)
{
    td_state *st;
    td_error e = {0};
    if (sodium_init() < 0) return NULL;
    if (!(st = calloc(1, sizeof *st))) return NULL;
    randombytes_buf(st->hkey, sizeof st->hkey);
    st->ca = ca;
    td_plan_init(&st->plan);
    if (td_registry_init_builtin(&st->reg, &e)) {
        free(st);
        return NULL;
    }
    if (!(st->store = X509_STORE_new()) || (ca && X509_STORE_add_cert(st->store, ca) != 1)) {
        X509_STORE_free(st->store);
        td_registry_free(&st->reg);
        free(st);
        return NULL;
    }
    return st;
}

static void td__drop_views(td_state *st)
{
    free(st->r_order);
    st->r_order = NULL;
    free(st->v_order);
    st->v_order = NULL;
    free(st->v_reports);
    free(st->v_vers);
    st->v_vers = NULL;
    st->v_vers_ok = 0;
    free(st->v_ivals);
    free(st->v_conds);
    st->v_reports = NULL;
    st->v_ivals = NULL;
    st->v_conds = NULL;
    st->v_reports_ok = st->v_ivals_ok = st->v_conds_ok = 0;
    for (int i = 0; i < TD_STATE_MEMO_SLOTS; i++) {
        if (st->memo[i] && st->memo_free[i]) st->memo_free[i](st->memo[i]);
        st->memo[i] = NULL;
        st->memo_free[i] = NULL;
    }
}

void *td_state_memo_get(const td_state *st, int slot)
{
    return slot >= 0 && slot < TD_STATE_MEMO_SLOTS ? st->memo[slot] : NULL;
}

void td_state_memo_set(const td_state *cst, int slot, void *p, void (*free_fn)(void *))
{
    td_state *st = (td_state *)cst;   /* a memo is a cache, not state */
    if (slot < 0 || slot >= TD_STATE_MEMO_SLOTS) {
        if (p && free_fn) free_fn(p);
        return;
    }
    if (st->memo[slot] && st->memo[slot] != p && st->memo_free[slot]) st->memo_free[slot](st->memo[slot]);
    st->memo[slot] = p;
    st->memo_free[slot] = free_fn;
}

static uint64_t td__fnv(const char *s);

static const char *td__intern_as(td_state *st, const char *s, int copy);

const char *td__intern(td_state *st, const char *s) { return td__intern_as(st, s, 1); }

const char *td__intern_img(td_state *st, const char *s) { return td__intern_as(st, s, 0); }

/* copy: the state's copy is a strdup of s; else s itself (a slug in the state's image) */
static const char *td__intern_as(td_state *st, const char *s, int copy)
{
    size_t k;
    char *c;
    if (st->n_ag_slots)
        for (k = td__fnv(s) & (st->n_ag_slots - 1); st->ag_slots[k]; k = (k + 1) & (st->n_ag_slots - 1))
            if (!strcmp(st->ag_names[st->ag_slots[k] - 1], s)) return st->ag_names[st->ag_slots[k] - 1];
    if (td__grow((void **)&st->ag_names, &st->cap_ag_names, st->n_ag_names, 1, sizeof *st->ag_names)) return NULL;
    if ((st->n_ag_names + 1) * 2 > st->n_ag_slots) {   /* kept under half full: rehash into twice the slots */
        size_t ns = st->n_ag_slots ? st->n_ag_slots * 2 : 64;
        uint32_t *v = calloc(ns, sizeof *v);
        if (!v) return NULL;
        for (size_t i = 0; i < st->n_ag_names; i++) {
            for (k = td__fnv(st->ag_names[i]) & (ns - 1); v[k]; k = (k + 1) & (ns - 1)) {}
            v[k] = (uint32_t)(i + 1);
        }
        free(st->ag_slots);
        st->ag_slots = v;
        st->n_ag_slots = ns;
    }
    if (!(c = copy ? strdup(s) : (char *)s)) return NULL;
    for (k = td__fnv(s) & (st->n_ag_slots - 1); st->ag_slots[k]; k = (k + 1) & (st->n_ag_slots - 1)) {}
    st->ag_names[st->n_ag_names++] = c;
    st->ag_slots[k] = (uint32_t)st->n_ag_names;
    return c;
}

void td_state_free(td_state *st)
{
    if (!st) return;
    td__drop_views(st);
    X509_STORE_free(st->store);
    td_plan_free(&st->plan);
    for (size_t i = 0; i < st->n_plans; i++) td_plan_free(&st->plans[i]);
    free(st->plans);
    free(st->plan_index);
    td_registry_free(&st->reg);
    td__map_free(&st->task_map);
    free(st->authors);
    td__map_free(&st->author_map);
    for (size_t i = 0; i < st->n_reports; i++) {
        td_report *r = &st->reports[i];
        td__ofree(st, r->result);
        td__ofree(st, r->difficulties);
        td__ofree(st, r->proposals);
        td__ofree(st, r->review_comment);
        if (r->evidence || r->docs || r->attachments)
            td__evidence_free(st, r->evidence, r->n_evidence, r->docs, r->n_docs, r->attachments, r->n_attachments);
    }
    if (!td__in_img(st, st->reports)) free(st->reports);
    if (!td__in_img(st, st->versions)) free(st->versions);
    for (size_t i = 0; i < st->n_reviews; i++) td__sfree(st->reviews[i].comment);
    free(st->reviews);
    for (size_t i = 0; i < st->n_dchanges; i++) td__dchange_free(&st->dchanges[i]);
    free(st->dchanges);
    td__map_free(&st->report_map);
    if (!td__in_img(st, st->rents)) free(st->rents);
    td__map_free(&st->rent_map);
    for (size_t i = 0; i < st->n_ivals; i++) td__sfree(st->ivals[i].text);
    free(st->ivals);
    td__map_free(&st->ival_map);
    for (size_t i = 0; i < st->n_conds; i++) td__sfree(st->conds[i].note);
    free(st->conds);
    for (size_t i = 0; i < st->n_cond_hist; i++) td__sfree(st->cond_hist[i].note);
    free(st->cond_hist);
    td__map_free(&st->cond_map);
    free(st->refusals);
    free(st->conflicts);
    free(st->ontask);
    free(st->ontask_days);
    td__map_free(&st->ontask_map);
    td__dg_free(st);
    td__texts_free(st);
    free(st->arena);
    free(st->tarena);
    for (size_t i = 0; i < st->n_ag_names; i++)
        if (!td__in_img(st, st->ag_names[i])) free(st->ag_names[i]);
    free(st->ag_names);
    free(st->ag_slots);
    if (st->img) munmap((void *)st->img, st->img_len);   /* nothing points into it any more */
    free(st);
}

/* --- time ------------------------------------------------------------------ */

int td_state_device_date(int64_t ms)
{
    /* integers, not gmtime: status pays this for every report at every date it judges */
    return td_clock_date_of(ms);
}

int64_t td_state_day_end_ms(int yyyymmdd)
{
    struct tm tm;
    int64_t days;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = yyyymmdd / 10000 - 1900;
    tm.tm_mon = yyyymmdd / 100 % 100 - 1;
    tm.tm_mday = yyyymmdd % 100 + 1;   /* the next day's midnight; timegm normalises */
    days = (int64_t)timegm(&tm) / 86400;
    return days * 86400 * 1000 - TD__TZ_OFFSET_MS;
}

int td_time_flags_vi(int flags, char *buf, size_t n)
{
    static const struct {
        int bit;
        const char *vi;
    } w[] = {
        {TD_TIMEF_FUTURE, "giờ ký muộn hơn lúc máy chủ nhận (đồng hồ thiết bị chạy nhanh)"},
        {TD_TIMEF_BACKWARDS, "giờ ký sớm hơn mục trước của cùng thiết bị (đồng hồ bị chỉnh lùi)"},
        {TD_TIMEF_CLOCK_BEHIND, "giờ ký sớm hơn những gì thiết bị đã nhận (đồng hồ bị chỉnh lùi)"},
        {TD_TIMEF_LATE_ARRIVAL, "máy chủ nhận sau hơn 35 ngày kể từ khi ký"},
    };
    size_t l = 0;
    int r = 0;
    if (n) buf[0] = 0;
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        if (!(flags & w[i].bit)) continue;
        r = snprintf(buf + l, n > l ? n - l : 0, "%s%s", l ? "; " : "", w[i].vi);
        if (r < 0) return r;
        l += (size_t)r;
    }
    return (int)l;
}

/* Plausibility of a signed time (derive.h TD_TIMEF_*): flags and the
 * effective time.  prev_ms: the author's largest signed time before this
 * entry (0 if none); received_ms 0 = unknown (no receipt checks). */
static int64_t td__effective(int64_t dev, uint64_t hlc, int64_t prev_ms, int64_t received_ms, int *flags)
{
    int64_t eff = dev, hm = td_hlc_ms(hlc);
    int f = 0;
    if (received_ms > 0 && dev > received_ms + TD_TIME_SKEW_MS) {
        f |= TD_TIMEF_FUTURE;
        eff = received_ms;
    }
    if (prev_ms > 0 && dev < prev_ms - TD_TIME_SKEW_MS) {
        f |= TD_TIMEF_BACKWARDS;
        if (prev_ms > eff) eff = prev_ms;
    }
    if (hm > dev + TD_TIME_HLC_SLACK_MS) {
        f |= TD_TIMEF_CLOCK_BEHIND;
        if (hm > eff) eff = hm;
    }
    if (received_ms > 0 && eff > received_ms) eff = received_ms;   /* it existed when the server got it */
    if (received_ms > 0 && received_ms - dev > TD_TIME_LATE_ARRIVAL_MS) f |= TD_TIMEF_LATE_ARRIVAL;
    *flags = f;
    return eff;
}

/* "2025-05-01T12:00:00Z" for reasons (UTC, so every replica writes the same). */
static void td__iso(int64_t ms, char *buf, size_t n)
{
    struct tm tm;
    time_t t = (time_t)(ms / 1000);
    if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(buf, n, "%lld ms", (long long)ms);
}

/* "YYYY-MM" with a plausible year and month 1..12. */
static int td__period_ok(const char *p)
{
    int y, m;
    if (strlen(p) != 7 || p[4] != '-') return 0;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (p[i] < '0' || p[i] > '9')) return 0;
    y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    m = (p[5] - '0') * 10 + (p[6] - '0');
    return y >= TD_DEADLINE_YEAR_MIN && y <= TD_DEADLINE_YEAR_MAX && m >= 1 && m <= 12;
}

/* --- on task --------------------------------------------------------------- */

static int td__refs_contain(const td_state *st, const td_agency_ref *refs, size_t n, uint32_t task, const char *agency,
                            int date)
{
    for (size_t i = 0; i < n; i++) {
        const char **v;
        size_t nv;
        int yes = 0;
        if (td_registry_expand(&st->reg, &refs[i], date, (int)task, &v, &nv)) return TD_ENOMEM;
        for (size_t k = 0; !yes && k < nv; k++) yes = !strcmp(v[k], agency);
        free(v);
        if (yes) return 1;
    }
    return 0;
}

static int td__int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* The registry answers "who is responsible on date d" through its agencies'
 * validity bounds alone (valid_from <= d, d < valid_to: agency.c), so every
 * date between two consecutive bounds gets the same answer: the cache key
 * is the last bound <= d (1 before the first), not d.  0 on out of memory
 * (then d itself is the key). */
static int td__ontask_day(td_state *st, int d)
{
    size_t lo = 0, hi;
    if (!st->ontask_days_ok) {
        const td_registry *r = &st->reg;
        size_t n = 0;
        free(st->ontask_days);
        st->ontask_days = NULL;
        st->n_ontask_days = 0;
        if (r->n_agencies && !(st->ontask_days = malloc(2 * r->n_agencies * sizeof *st->ontask_days))) return d;
        for (size_t i = 0; i < r->n_agencies; i++) {
            if (r->agencies[i].valid_from) st->ontask_days[n++] = r->agencies[i].valid_from;
            if (r->agencies[i].valid_to) st->ontask_days[n++] = r->agencies[i].valid_to;
        }
        if (n) qsort(st->ontask_days, n, sizeof *st->ontask_days, td__int_cmp);
        st->n_ontask_days = n;
        st->ontask_days_ok = 1;
    }
    hi = st->n_ontask_days;   /* first bound > d */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->ontask_days[mid] <= d) lo = mid + 1;
        else hi = mid;
    }
    return lo ? st->ontask_days[lo - 1] : 1;
}

/* 1 / 0, or TD_ENOMEM.  Answers are cached until the plan or the registry
 * changes: expanding groups walks the registry, and a benchmark of 100k
 * reports asks the same few questions again and again. */
static int td__on_task(const td_state *cst, uint32_t task, const char *agency, int date)
{
    td_state *st = (td_state *)cst;   /* the cache is not part of the state */
    const td_task *t;
    td__ontask k = {0};
    uint64_t h;
    long i;
    int yes;
    if (!agency || !*agency || !(t = td__task(st, task))) return 0;
    date = td__ontask_day(st, date);
    k.task = task;
    k.date = date;
    if (!td__scpy(k.agency, sizeof k.agency, agency)) return 0;
    h = td__ontask_hash(st, &k);
    if ((i = td__map_find(&st->ontask_map, h, td__ontask_eq, st, &k)) >= 0) return st->ontask[i].yes;
    yes = td__refs_contain(st, t->leads, t->n_leads, task, agency, date);
    if (yes == 0) yes = td__refs_contain(st, t->partners, t->n_partners, task, agency, date);
    if (yes < 0) return yes;
    if (st->n_ontask >= TD__ONTASK_CACHE_MAX) {
        st->n_ontask = 0;
        td__map_clear(&st->ontask_map);
    }
    /* a cache that cannot grow is no error: the answer stands */
    if (td__grow((void **)&st->ontask, &st->cap_ontask, st->n_ontask, 1, sizeof *st->ontask) ||
        td__map_reserve(&st->ontask_map, 1))
        return yes;
    k.yes = yes;
    st->ontask[st->n_ontask] = k;
    td__map_put(&st->ontask_map, h, (uint32_t)st->n_ontask);
    st->n_ontask++;
    return yes;
}

static void td__ontask_reset(td_state *st)
{
    st->ontask_days_ok = 0;
    st->n_ontask = 0;
    td__map_clear(&st->ontask_map);
}

int td_state_registry_day(const td_state *st, int date)
{
    return td__ontask_day((td_state *)st, date);   /* its table is a cache, not part of the state */
}

int td_state_agency_on_task_at(const td_state *st, uint32_t task, const char *agency, int date)
{
    return td__on_task(st, task, agency, date) == 1;
}

int td_state_agency_on_task(const td_state *st, uint32_t task, const char *agency)
{
    /* the visibility rule (derive.h): every agency change in the log is in
     * effect, whatever its date; never the wall clock */
    return td_state_agency_on_task_at(st, task, agency, TD_VISIBILITY_DATE);
}

int td_state_visible(const td_state *st, int kind, const char *entry_agency, uint32_t task, const char *agency,
                     td_role role)
{
    if (role == TD_ROLE_CENTRAL || role == TD_ROLE_INSPECTOR) return 1;
    if (role != TD_ROLE_OFFICE || !agency || !*agency) return 0;
    switch (kind) {
    case TIENDO__ENTRY_KIND__ENTRY_CERT:
    case TIENDO__ENTRY_KIND__ENTRY_REVOCATION:
    case TIENDO__ENTRY_KIND__ENTRY_PLAN:
    case TIENDO__ENTRY_KIND__ENTRY_AGENCY:
        return 1;
    default:
        break;
    }
    if (entry_agency && !strcmp(entry_agency, agency)) return 1;
    return task != 0 && td_state_agency_on_task(st, task, agency);
}

uint32_t td_payload_task(int kind, const uint8_t *payload, size_t len)
{
    uint32_t task = 0;
    switch (kind) {
    case TIENDO__ENTRY_KIND__ENTRY_REPORT: {
        Tiendo__ReportPayload *p = tiendo__report_payload__unpack(NULL, len, payload);
        if (p) task = td_task_key(p->plan, p->task);
        tiendo__report_payload__free_unpacked(p, NULL);
        break;
    }
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW: {
        Tiendo__ReviewPayload *p = tiendo__review_payload__unpack(NULL, len, payload);
        if (p) task = td_task_key(p->plan, p->task);
        tiendo__review_payload__free_unpacked(p, NULL);
        break;
    }
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION: {
        Tiendo__ConditionPayload *p = tiendo__condition_payload__unpack(NULL, len, payload);
        if (p) task = td_task_key(p->plan, p->task);
        tiendo__condition_payload__free_unpacked(p, NULL);
        break;
    }
    default:
        break;
    }
    return task;
}

int td_state_entry_visible(const td_state *st, const uint8_t *buf, size_t len, const char *agency, td_role role)
{
    td_entry en;
    int yes;
    if (role == TD_ROLE_CENTRAL || role == TD_ROLE_INSPECTOR) return 1;
    if (td_entry_decode(buf, len, &en, NULL) != TD_OK) return 1;   /* kept: the fold records it refused */
    yes = td_state_visible(st, (int)en.e->kind, en.e->agency,
                           td_payload_task((int)en.e->kind, en.e->payload.data, en.e->payload.len), agency, role);
    td_entry_free(&en);
    return yes;
}

void td_state_visibility_sig(const td_state *st, const char *agency, td_role role, unsigned char out[32])
{
    crypto_hash_sha256_state h;
    unsigned char b[4];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)"tiendo-visibility-1", 19);
    if (role == TD_ROLE_OFFICE && agency && *agency) {
        const td_plan *p = td_state_plan(st);
        for (size_t i = 0; i < p->n_tasks; i++) {
            uint32_t t = (uint32_t)p->tasks[i].number;
            if (!td_state_agency_on_task(st, t, agency)) continue;
            b[0] = (unsigned char)(t >> 24);
            b[1] = (unsigned char)(t >> 16);
            b[2] = (unsigned char)(t >> 8);
            b[3] = (unsigned char)t;
            crypto_hash_sha256_update(&h, b, 4);
        }
    }
    crypto_hash_sha256_final(&h, out);
}

/* --- one apply ------------------------------------------------------------- */

typedef struct td__ctx {
    td_state *st;
    uint64_t index;
    int64_t received_ms;
    const Tiendo__Entry *e;
    td_author *a;               /* known author, after the generic checks */
    td_apply_result *res;
    char prefix[64];            /* "author 0123456789abcdef seq 5: " */
    int64_t effective_ms;       /* signed time as the log allows it (derive.h TD_TIMEF_*) */
    int time_flags;
} td__ctx;

__attribute__((format(printf, 2, 3))) static int td__refuse(td__ctx *c, const char *fmt, ...)
{
    va_list ap;
    size_t l;
    c->res->refused = 1;
    if (!c->prefix[0] && c->e) {   /* written on the first refusal only: most entries have none */
        char hex[17];
        td_key_short_hex(c->e->author.data, hex);
        snprintf(c->prefix, sizeof c->prefix, "author %s seq %llu: ", hex, (unsigned long long)c->e->seq);
    }
    l = (size_t)snprintf(c->res->reason, sizeof c->res->reason, "%s", c->prefix);
    if (l >= sizeof c->res->reason) return 0;
    va_start(ap, fmt);
    vsnprintf(c->res->reason + l, sizeof c->res->reason - l, fmt, ap);
    va_end(ap);
    return 0;
}

static int td__is_central(const td_author *a)
{
    return a->is_server || a->role == TD_ROLE_CENTRAL;
}

static int td__need_central(td__ctx *c, const char *what)
{
    if (td__is_central(c->a)) return 1;
    td__refuse(c, "%s from a non-central author (role %s, agency %s)", what, td_role_name(c->a->role), c->a->agency);
    return 0;
}

static int td__need_server(td__ctx *c, const char *what)
{
    if (c->a->is_server) return 1;
    td__refuse(c, "%s entries are written by the server only (author is %s/%s)", what, c->a->agency, c->a->device);
    return 0;
}

/* OU of a certificate subject into buf; 0 if absent. */
static int td__cert_ou(X509 *x, char *buf, int n)
{
    X509_NAME *name = X509_get_subject_name(x);
    return name && X509_NAME_get_text_by_NID(name, NID_organizationalUnitName, buf, n) > 0;
}

static int td__add_author(td_state *st, const td_author *a)
{
    uint64_t h = td__hash(st, a->key, 32);
    if (td__grow((void **)&st->authors, &st->cap_authors, st->n_authors, 1, sizeof *st->authors) ||
        td__map_reserve(&st->author_map, 1))
        return TD_ENOMEM;
    st->authors[st->n_authors] = *a;
    td__map_put(&st->author_map, h, (uint32_t)st->n_authors);
    st->n_authors++;
    return 0;
}

/* ENTRY_CERT.  self: the log's first certificate, the server introducing
 * itself (c->a is NULL then). */
static int td__apply_cert(td__ctx *c, int self)
{
    td_state *st = c->st;
    const Tiendo__Entry *e = c->e;
    Tiendo__CertPayload *p;
    const unsigned char *der;
    X509 *x = NULL;
    X509_STORE_CTX *vc = NULL;
    td_author na;
    td_error e2 = {0};
    char ou[32] = "", hex[17], hex2[17];
    int rc = 0, server_cert;
    int64_t nb, na_s;

    if (!self && !td__need_server(c, "certificate")) return 0;
    if (!(p = tiendo__cert_payload__unpack(NULL, e->payload.len, e->payload.data)))
        return td__refuse(c, "certificate payload does not decode as tiendo.CertPayload");
    der = p->der.data;
    x = d2i_X509(NULL, &der, (long)p->der.len);
    if (!x || der != p->der.data + p->der.len) {
        ERR_clear_error();
        td__refuse(c, "certificate DER does not parse");
        goto done;
    }
    if (!(vc = X509_STORE_CTX_new()) || X509_STORE_CTX_init(vc, st->store, x, NULL) != 1) {
        rc = TD_ENOMEM;
        goto done;
    }
    /* the chain is judged at the time the server wrote the entry, or at the
     * end of the certificate's validity if that is earlier: an earlier key
     * of a renewed device, recorded when its entries (signed while it was
     * valid) reach the server (key continuity); its entries are still judged
     * against its validity (check 3) */
    {
        int64_t t = e->device_time_ms / 1000, end;
        if (!self && !td_x509_time_unix(X509_get0_notAfter(x), &end, NULL) && end - 1 < t) t = end - 1;
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(vc), (time_t)t);
    }
    if (X509_verify_cert(vc) != 1) {
        td__refuse(c, "certificate does not chain to the CA: %s",
                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(vc)));
        ERR_clear_error();
        goto done;
    }
    memset(&na, 0, sizeof na);
    if (td_cert_ed25519_pk(x, na.key, &e2)) {
        ERR_clear_error();
        td__refuse(c, "certificate key is not Ed25519");
        goto done;
    }
    if (td_x509_time_unix(X509_get0_notBefore(x), &nb, &e2) || td_x509_time_unix(X509_get0_notAfter(x), &na_s, &e2)) {
        td__refuse(c, "certificate validity unreadable: %s", e2.msg);
        goto done;
    }
    na.not_before_ms = nb * 1000;
    na.not_after_ms = na_s * 1000;
    na.cert_index = c->index;
    server_cert = td__cert_ou(x, ou, sizeof ou) && !strcmp(ou, "server");
    if (server_cert) {
        X509_NAME *name = X509_get_subject_name(x);
        char cn[TD_DEVICE_MAX + 1] = "";
        if (!name || X509_NAME_get_text_by_NID(name, NID_commonName, cn, sizeof cn) <= 0) {
            ERR_clear_error();
            td__refuse(c, "server certificate has no CN");
            goto done;
        }
        snprintf(na.device, sizeof na.device, "%s", cn);
        na.is_server = 1;
        na.role = TD_ROLE_CENTRAL;
    } else {
        td_subject sub;
        if (td_subject_from_cert(x, &sub, &e2)) {
            ERR_clear_error();
            td__refuse(c, "certificate subject: %s", e2.msg);
            goto done;
        }
        memcpy(na.agency, sub.agency, sizeof na.agency);
        memcpy(na.device, sub.device, sizeof na.device);
        na.role = sub.role;
    }
    td_key_short_hex(na.key, hex);
    if (self) {
        if (!server_cert) {
            td__refuse(c, "the log must begin with the server's own certificate (OU=server), not OU=%s",
                       *ou ? ou : "(none)");
            goto done;
        }
        if (memcmp(na.key, e->author.data, 32)) {
            td__refuse(c, "server certificate key %s differs from the entry's author", hex);
            goto done;
        }
        if (*e->agency) {
            td__refuse(c, "server entry agency \"%s\" must be empty", e->agency);
            goto done;
        }
        if (e->device_time_ms < na.not_before_ms || e->device_time_ms > na.not_after_ms) {
            td__refuse(c, "signed outside the server certificate's validity");
            goto done;
        }
        na.last_seq = e->seq;
        if ((rc = td__add_author(st, &na))) goto done;
        memcpy(st->server_key, na.key, 32);
        st->has_server = 1;
        goto done;
    }
    {
        td_author *old = td__author_find(st, na.key);
        if (server_cert && memcmp(na.key, st->server_key, 32)) {
            td_key_short_hex(st->server_key, hex2);
            td__refuse(c, "a second server certificate (key %s) while the server's key is %s", hex, hex2);
            goto done;
        }
        if (old) {
            if (strcmp(old->agency, na.agency) || old->role != na.role || strcmp(old->device, na.device) ||
                old->is_server != na.is_server) {
                td__refuse(c, "key %s already has a certificate for %s/%s (%s)", hex, old->agency, old->device,
                           td_role_name(old->role));
                goto done;
            }
            /* the same subject again: a renewal of the same key.  The key's
             * validity is the union of its certificates' (docs/LOG.md §3): an
             * entry signed under the first certificate and pushed after
             * the renewal was recorded stays valid. */
            if (na.not_before_ms < old->not_before_ms) old->not_before_ms = na.not_before_ms;
            if (na.not_after_ms > old->not_after_ms) old->not_after_ms = na.not_after_ms;
            td__dg_touch(st, TD__DG_AUTHOR, (size_t)(old - st->authors));
            goto done;
        }
        rc = td__add_author(st, &na);
    }
done:
    X509_STORE_CTX_free(vc);
    X509_free(x);
    tiendo__cert_payload__free_unpacked(p, NULL);
    return rc;
}

static int td__apply_revocation(td__ctx *c)
{
    Tiendo__RevocationPayload *p;
    td_author *a;
    char hex[17];
    if (!td__need_server(c, "revocation")) return 0;
    if (!(p = tiendo__revocation_payload__unpack(NULL, c->e->payload.len, c->e->payload.data)))
        return td__refuse(c, "revocation payload does not decode as tiendo.RevocationPayload");
    if (p->key.len != 32) {
        td__refuse(c, "revoked key is %zu bytes, expected 32", p->key.len);
    } else if (p->revoked_ms <= 0) {
        td__refuse(c, "revocation time %lld is not a time", (long long)p->revoked_ms);
    } else if (!(a = td__author_find(c->st, p->key.data))) {
        td_key_short_hex(p->key.data, hex);
        td__refuse(c, "revocation of key %s, which has no certificate in the log", hex);
    } else if (!a->revoked_ms || p->revoked_ms < a->revoked_ms) {
        a->revoked_ms = p->revoked_ms;   /* the earliest revocation counts */
        td__dg_touch(c->st, TD__DG_AUTHOR, (size_t)(a - c->st->authors));
    }
    tiendo__revocation_payload__free_unpacked(p, NULL);
    return 0;
}

static int td__task_map_build(td_state *st)
{
    td__map m = {0};
    if (td__map_reserve(&m, st->plan.n_tasks ? st->plan.n_tasks : 1)) return TD_ENOMEM;
    for (size_t i = 0; i < st->plan.n_tasks; i++) {
        int n = st->plan.tasks[i].number;
        uint64_t h = td__hash(st, &n, sizeof n);
        if (td__map_find(&m, h, td__task_eq, st, &n) < 0) td__map_put(&m, h, (uint32_t)i);   /* first wins, as td_plan_task */
    }
    td__map_free(&st->task_map);
    st->task_map = m;
    return 0;
}

/* Record that task t's deadline went from `before` to `after` (copies). */
static int td__dchange_add(td__ctx *c, uint32_t task, const td_deadline *before, const td_deadline *after,
                           const char *reason)
{
    td_state *st = c->st;
    td_deadline_change *d;
    if (td__grow((void **)&st->dchanges, &st->cap_dchanges, st->n_dchanges, 1, sizeof *st->dchanges))
        return TD_ENOMEM;
    d = &st->dchanges[st->n_dchanges];
    memset(d, 0, sizeof *d);
    if (td_deadline_copy(&d->before, before) || td_deadline_copy(&d->after, after) || !(d->reason = td__sdup(reason))) {
        td__dchange_free(d);
        return TD_ENOMEM;
    }
    d->task = task;
    d->index = c->index;
    memcpy(d->author, c->e->author.data, 32);
    d->device_time_ms = c->e->device_time_ms;
    d->received_ms = c->received_ms;
    st->n_dchanges++;
    return 0;
}

/*
 * The plan a payload names (docs/LOG.md §14): "" is the default plan (0);
 * another name must be the number of a plan imported after it.  -1 after
 * refusing (the default plan is never named: its entries leave it empty, so
 * every replica derives the same task key from the payload alone).
 */
static int td__plan_named(td__ctx *c, const char *name)
{
    td_state *st = c->st;
    if (!name || !*name) return 0;
    if (strlen(name) > TD_PLAN_NUMBER_MAX) {
        td__refuse(c, "plan name of %zu bytes; at most %d", strlen(name), TD_PLAN_NUMBER_MAX);
        return -1;
    }
    if (st->n_plans && st->plans[0].number && !strcmp(name, st->plans[0].number)) {
        td__refuse(c, "names the default plan %s, whose entries leave the plan empty", name);
        return -1;
    }
    for (size_t o = 1; o < st->n_plans; o++)
        if (!strcmp(name, st->plans[o].number)) return (int)o;
    td__refuse(c, "unknown plan \"%.32s\"", name);
    return -1;
}

/* *task = the key of (plan, *task), or refuse (-1): task numbers are below
 * TD_TASK_NUMBER_LIMIT in every plan. */
static int td__task_key_of(td__ctx *c, const char *plan, uint32_t *task)
{
    if (td__plan_named(c, plan) < 0) return -1;
    if (*task >= TD_TASK_NUMBER_LIMIT) {
        td__refuse(c, "task number %u is not below %u", *task, TD_TASK_NUMBER_LIMIT);
        return -1;
    }
    *task = td_task_key(plan, *task);
    return 0;
}

/* May np become plan o (o == n_plans: a new plan)?  0 yes, 1 refused, or
 * TD_ENOMEM. */
static int td__plan_admissible(td__ctx *c, const td_plan *np, size_t o)
{
    td_state *st = c->st;
    const char *num = np->number ? np->number : "";
    for (size_t i = 0; i < np->n_tasks; i++)
        if (np->tasks[i].number < 1 || (uint32_t)np->tasks[i].number >= TD_TASK_NUMBER_LIMIT)
            return td__refuse(c, "plan %.32s: task number %d is not in 1..%u", num, np->tasks[i].number,
                              TD_TASK_NUMBER_LIMIT - 1),
                   1;
    if (o == 0) return 0;   /* the default plan: as before plans were named */
    if (!*num || strlen(num) > TD_PLAN_NUMBER_MAX || strchr(num, ':'))
        return td__refuse(c, "a second plan needs a number of 1..%d bytes without ':' (got \"%.40s\")",
                          TD_PLAN_NUMBER_MAX, num),
               1;
    for (size_t i = 0; i < np->n_indicators; i++)
        if (strlen(num) + 1 + strlen(np->indicators[i].code) >= sizeof st->ivals->code)
            return td__refuse(c, "plan %s: indicator code \"%.32s\" too long", num, np->indicators[i].code), 1;
    if (o == st->n_plans)
        for (size_t k = 1; k < st->n_plans; k++)
            if (td_plan_slot(st->plans[k].number) == td_plan_slot(num))
                return td__refuse(c, "plan %s has the task keys of plan %s; it needs another number", num,
                                  st->plans[k].number),
                       1;
    return 0;
}

/* A deadline edit (PlanChange without a plan): all tasks or none. */
static int td__apply_deadline_edit(td__ctx *c, const Tiendo__PlanChange *m)
{
    td_state *st = c->st;
    td_deadline *nd;
    td_error e2 = {0};
    size_t n = m->n_deadlines, done = 0;
    int rc = 0, o;
    size_t n0 = st->n_dchanges;
    uint32_t *key;

    if (!st->has_plan) return td__refuse(c, "deadline edit before any plan");
    if ((o = td__plan_named(c, m->plan_number)) < 0) return 0;
    if (n == 0) return td__refuse(c, "plan change has neither a plan nor deadline edits");
    if (n > TD_DEADLINE_EDITS_MAX)
        return td__refuse(c, "deadline edit of %zu tasks; at most %d (import a plan instead)", n, TD_DEADLINE_EDITS_MAX);
    if (!m->reason || !*m->reason) return td__refuse(c, "deadline edit without a reason");
    if (!(nd = calloc(n, sizeof *nd))) return TD_ENOMEM;
    if (!(key = calloc(n, sizeof *key))) {
        free(nd);
        return TD_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const Tiendo__TaskDeadline *td = m->deadlines[i];
        const td_task *t = td->task < TD_TASK_NUMBER_LIMIT ? td__task(st, (key[i] = td_task_key(m->plan_number, td->task)))
                                                             : NULL;
        if (!t) {
            td__refuse(c, "deadline edit of unknown task %u", td->task);
            goto out;
        }
        for (size_t k = 0; k < i; k++)
            if (m->deadlines[k]->task == td->task) {
                td__refuse(c, "deadline edit names task %u twice", td->task);
                goto out;
            }
        if ((rc = td_deadline_parse(td->deadline_text ? td->deadline_text : "", &nd[i], &e2))) {
            if (rc != TD_ENOMEM) {
                rc = 0;
                td__refuse(c, "deadline edit of task %u: %.160s", td->task, e2.msg);
            }
            goto out;
        }
        done = i + 1;
        if (td_deadline_equal(&t->deadline, &nd[i])) {
            td__refuse(c, "deadline edit of task %u does not change its deadline (\"%.80s\")", td->task,
                       t->deadline.text);
            goto out;
        }
    }
    /* record the changes (may fail for memory: then nothing changed) */
    for (size_t i = 0; i < n; i++) {
        const td_task *t = td__task(st, key[i]);
        if ((rc = td__dchange_add(c, key[i], &t->deadline, &nd[i], m->reason))) {
            while (st->n_dchanges > n0) td__dchange_free(&st->dchanges[--st->n_dchanges]);
            goto out;
        }
    }
    /* the plan as imported gets the edit too: a later import of another plan rebuilds the merged view */
    for (size_t i = 0; i < n; i++) {
        td_task *t = (td_task *)td__task(st, key[i]);
        td_task *pt = td_plan_task(&st->plans[o], (int)m->deadlines[i]->task);
        td_deadline d2;
        if (pt && td_deadline_copy(&d2, &nd[i]) == 0) {
            td_deadline_free(&pt->deadline);
            pt->deadline = d2;
        }
        td_deadline_free(&t->deadline);
        t->deadline = nd[i];
        memset(&nd[i], 0, sizeof nd[i]);
    }
out:
    for (size_t i = 0; i < done; i++) td_deadline_free(&nd[i]);
    free(nd);
    free(key);
    return rc;
}

/*
 * A whole plan (docs/LOG.md §14): it replaces the plan with the same number,
 * or is added as a new plan.  The first plan ever imported is the default
 * plan (keys = task numbers); a later one gets keys td_task_key(number, n).
 */
static int td__apply_plan(td__ctx *c)
{
    td_state *st = c->st;
    td_plan np, old, merged;
    td_error e2 = {0};
    Tiendo__PlanChange *m;
    size_t n0 = st->n_dchanges, o;
    int rc, added = 0;
    if (!td__need_central(c, "plan change")) return 0;
    if (!(m = tiendo__plan_change__unpack(NULL, c->e->payload.len, c->e->payload.data)))
        return td__refuse(c, "plan change does not decode as tiendo.PlanChange");
    if (!m->plan) {
        rc = td__apply_deadline_edit(c, m);
        tiendo__plan_change__free_unpacked(m, NULL);
        return rc;
    }
    if ((rc = td_plan_pb_decode(c->e->payload.data, c->e->payload.len, &np, NULL, &e2))) {
        tiendo__plan_change__free_unpacked(m, NULL);
        if (rc == TD_ENOMEM) return rc;
        return td__refuse(c, "plan change does not decode: %s", e2.msg);
    }
    for (o = 0; o < st->n_plans; o++)
        if (!strcmp(st->plans[o].number ? st->plans[o].number : "", np.number ? np.number : "")) break;
    if ((rc = td__plan_admissible(c, &np, o))) {
        td_plan_free(&np);
        tiendo__plan_change__free_unpacked(m, NULL);
        return rc > 0 ? 0 : rc;
    }
    /* deadlines that a new version of a plan changes are recorded like edits */
    if (o < st->n_plans)
        for (size_t i = 0; i < np.n_tasks; i++) {
            const td_task *t = td_plan_task(&st->plans[o], np.tasks[i].number);
            uint32_t key = td_task_key(o ? np.number : "", (uint32_t)np.tasks[i].number);
            if (!t || td_deadline_equal(&t->deadline, &np.tasks[i].deadline)) continue;
            if (td__dchange_add(c, key, &t->deadline, &np.tasks[i].deadline, m->reason ? m->reason : "")) {
                while (st->n_dchanges > n0) td__dchange_free(&st->dchanges[--st->n_dchanges]);
                td_plan_free(&np);
                tiendo__plan_change__free_unpacked(m, NULL);
                return TD_ENOMEM;
            }
        }
    tiendo__plan_change__free_unpacked(m, NULL);
    if (o == st->n_plans) {
        if (TD_GROW_ONE(st->plans, st->n_plans) || TD_GROW_ONE(st->plan_index, st->n_plans)) goto oom;
        st->plan_index[st->n_plans] = c->index;
        td_plan_init(&st->plans[st->n_plans++]);
        added = 1;
    }
    old = st->plans[o];
    st->plans[o] = np;
    if (td_plan_merge(&merged, st->plans, st->n_plans)) {
        st->plans[o] = old;
        if (added) st->n_plans--;
        goto oom;
    }
    td_plan_free(&old);
    old = st->plan;
    st->plan = merged;
    if (td__task_map_build(st)) {
        /* the old map fits the old merged view; the plan list keeps the new
         * plan, which only a rebuild shows: refuse the whole apply instead */
        st->plan = old;
        td_plan_free(&merged);
        while (st->n_dchanges > n0) td__dchange_free(&st->dchanges[--st->n_dchanges]);
        return TD_ENOMEM;
    }
    td_plan_free(&old);
    st->has_plan = 1;
    td__ontask_reset(st);
    return 0;
oom:
    td_plan_free(&np);
    while (st->n_dchanges > n0) td__dchange_free(&st->dchanges[--st->n_dchanges]);
    return TD_ENOMEM;
}

static int td__apply_agency(td__ctx *c)
{
    td_state *st = c->st;
    Tiendo__AgencyChange *m;
    td_error e2 = {0};
    int seed, rc;
    if (!td__need_central(c, "agency change")) return 0;
    if (!(m = tiendo__agency_change__unpack(NULL, c->e->payload.len, c->e->payload.data)))
        return td__refuse(c, "agency change does not decode as tiendo.AgencyChange");
    seed = m->kind == TIENDO__AGENCY_CHANGE_KIND__CHANGE_SEED;
    tiendo__agency_change__free_unpacked(m, NULL);
    if (seed) {
        td_registry nr;
        if (st->n_agency_entries)
            return td__refuse(c, "registry seed after %zu agency change(s): a seed comes first", st->n_agency_entries);
        td_registry_init_empty(&nr);
        if ((rc = td_registry_apply_pb(&nr, c->e->payload.data, c->e->payload.len, &e2))) {
            td_registry_free(&nr);
            if (rc == TD_ENOMEM) return rc;
            return td__refuse(c, "registry seed refused: %s", e2.msg);
        }
        td_registry_free(&st->reg);
        st->reg = nr;
    } else if ((rc = td_registry_apply_pb(&st->reg, c->e->payload.data, c->e->payload.len, &e2))) {
        if (rc == TD_ENOMEM) return rc;
        return td__refuse(c, "agency change refused: %s", e2.msg);
    }
    st->n_agency_entries++;
    td__ontask_reset(st);
    return 0;
}

/* A new conflict pair; room reserved by the caller. */
static void td__conflict(td_state *st, const td_report *r, uint64_t winner, uint64_t loser)
{
    td_conflict *k = &st->conflicts[st->n_conflicts++];
    memset(k, 0, sizeof *k);
    k->task = r->task;
    snprintf(k->agency, sizeof k->agency, "%s", r->agency);
    memcpy(k->period, r->period, sizeof k->period);
    k->winner_index = winner;
    k->loser_index = loser;
}

/* The version stamp every folded record carries: where the entry stands in
 * the log, who signed it with which sequence and clock, and when it was
 * signed and received.  v is any record with these six fields. */
#define TD__STAMP(v, c)                                                                                                \
    do {                                                                                                               \
        (v)->index = (c)->index;                                                                                       \
        memcpy((v)->author, (c)->e->author.data, 32);                                                                  \
        (v)->seq = (c)->e->seq;                                                                                        \
        (v)->hlc = (c)->e->hlc;                                                                                        \
        (v)->device_time_ms = (c)->e->device_time_ms;                                                                  \
        (v)->received_ms = (c)->received_ms;                                                                           \
    } while (0)

static int td__apply_report(td__ctx *c)
{
    td_state *st = c->st;
    const Tiendo__Entry *e = c->e;
    Tiendo__ReportPayload *p;
    td__tap key;
    uint64_t h;
    long ri;
    int date, on, rc = 0;
    char *result = NULL, *diff = NULL, *prop = NULL;
    const char *ag = NULL;
    char dbuf[16];
    char **ev = NULL;
    td_evidence_doc *docs = NULL;
    td_attachment_ref *att = NULL;
    size_t n_ev = 0, n_docs = 0, n_att = 0;

    if (!(p = tiendo__report_payload__unpack(NULL, e->payload.len, e->payload.data)))
        return td__refuse(c, "report payload does not decode as tiendo.ReportPayload");
    c->res->task = p->task;
    c->res->attachments = p->n_attachments > UINT32_MAX ? UINT32_MAX : (uint32_t)p->n_attachments;
    if (td__task_key_of(c, p->plan, &p->task)) goto done;
    c->res->task = p->task;
    date = td_state_device_date(e->device_time_ms);
    if (!td__task(st, p->task)) {
        td__refuse(c, "report on unknown task %u", p->task);
        goto done;
    }
    if (strcmp(p->agency, c->a->agency)) {
        td__refuse(c, "report for agency \"%.64s\" by a device of \"%s\"", p->agency, c->a->agency);
        goto done;
    }
    if (!td__period_ok(p->period)) {
        td__refuse(c, "report period \"%.16s\" is not YYYY-MM", p->period);
        goto done;
    }
    if (p->percent > 100) {
        td__refuse(c, "report percent %u exceeds 100", p->percent);
        goto done;
    }
    if ((int)p->state < TIENDO__REPORT_STATE__REPORT_UNSPECIFIED || (int)p->state > TIENDO__REPORT_STATE__REPORT_DONE) {
        td__refuse(c, "report state %d is not a ReportState", (int)p->state);
        goto done;
    }
    if (p->n_evidence > TD_REPORT_EVIDENCE_MAX || p->n_documents > TD_REPORT_EVIDENCE_MAX) {
        td__refuse(c, "report cites %zu references and %zu documents; at most %d each", p->n_evidence,
                   p->n_documents, TD_REPORT_EVIDENCE_MAX);
        goto done;
    }
    for (size_t i = 0; i < p->n_documents; i++)
        if (p->documents[i]->date && !td_date_valid(p->documents[i]->date)) {
            td__refuse(c, "report document %zu has date %d, which is not a date", i + 1, (int)p->documents[i]->date);
            goto done;
        }
    if (p->n_attachments > TD_ATTACH_PER_REPORT_MAX) {
        td__refuse(c, "report has %zu attachments; at most %d", p->n_attachments, TD_ATTACH_PER_REPORT_MAX);
        goto done;
    }
    for (size_t i = 0; i < p->n_attachments; i++) {
        const Tiendo__Attachment *a = p->attachments[i];
        if (a->sha256.len != 32) {
            td__refuse(c, "report attachment %zu has a hash of %zu bytes, expected 32", i + 1, a->sha256.len);
            goto done;
        }
        if (a->size == 0 || a->size > TD_ATTACH_MAX_BYTES) {
            td__refuse(c, "report attachment %zu has size %llu; allowed 1..%u bytes", i + 1,
                       (unsigned long long)a->size, TD_ATTACH_MAX_BYTES);
            goto done;
        }
        if (!td_attach_type_known(a->mime)) {
            td__refuse(c, "report attachment %zu has type \"%.64s\", which is not accepted", i + 1, a->mime);
            goto done;
        }
        if (!td_attach_name_ok(a->name)) {
            td__refuse(c, "report attachment %zu has an unacceptable file name", i + 1);
            goto done;
        }
    }
    if ((on = td__on_task(st, p->task, p->agency, date)) < 0) {
        rc = on;
        goto done;
    }
    if (!on) {
        td_date_vi(date, dbuf, sizeof dbuf);
        td__refuse(c, "agency %s is neither lead nor partner of task %u (as of %s)", p->agency, p->task, dbuf);
        goto done;
    }

    /* everything that can fail is allocated before the state changes */
    if ((p->n_evidence && !(ev = calloc(p->n_evidence, sizeof *ev))) ||
        (p->n_documents && !(docs = calloc(p->n_documents, sizeof *docs))) ||
        (p->n_attachments && !(att = calloc(p->n_attachments, sizeof *att)))) {
        rc = TD_ENOMEM;
        goto done;
    }
    for (; n_ev < p->n_evidence; n_ev++)
        if (!(ev[n_ev] = td__sdup(p->evidence[n_ev]))) {
            rc = TD_ENOMEM;
            goto done;
        }
    for (; n_docs < p->n_documents; n_docs++) {
        td_evidence_doc *d = &docs[n_docs];
        d->date = p->documents[n_docs]->date;
        d->number = td__sdup(p->documents[n_docs]->number);
        d->title = td__sdup(p->documents[n_docs]->title);
        if (!d->number || !d->title) {
            n_docs++;
            rc = TD_ENOMEM;
            goto done;
        }
    }
    for (; n_att < p->n_attachments; n_att++) {
        td_attachment_ref *a = &att[n_att];
        memcpy(a->sha256, p->attachments[n_att]->sha256.data, 32);
        a->size = p->attachments[n_att]->size;
        a->name = td__sdup(p->attachments[n_att]->name);
        a->mime = td__sdup(p->attachments[n_att]->mime);
        if (!a->name || !a->mime) {
            n_att++;
            rc = TD_ENOMEM;
            goto done;
        }
    }
    if (!(result = td__sdup(p->result)) || !(diff = td__sdup(p->difficulties)) || !(prop = td__sdup(p->proposals)) ||
        td__img_thaw(st) || td__grow((void **)&st->reports, &st->cap_reports, st->n_reports, 1, sizeof *st->reports) ||
        td__grow((void **)&st->rents, &st->cap_rents, st->n_rents, 1, sizeof *st->rents) ||
        td__grow((void **)&st->versions, &st->cap_versions, st->n_rents, 1, sizeof *st->versions) ||
        td__grow((void **)&st->conflicts, &st->cap_conflicts, st->n_conflicts, 1, sizeof *st->conflicts) ||
        td__map_reserve(&st->report_map, 1) || td__map_reserve(&st->rent_map, 1) ||
        !(ag = td__intern(st, c->a->agency))) {
        rc = TD_ENOMEM;
        goto done;
    }
    key.task = p->task;
    key.agency = p->agency;
    key.period = p->period;
    h = td__tap_hash(st, p->task, p->agency, p->period);
    ri = td__map_find(&st->report_map, h, td__report_eq, st, &key);
    {
        td_report *r;
        int take;
        if (ri < 0) {
            ri = (long)st->n_reports++;
            r = &st->reports[ri];
            memset(r, 0, sizeof *r);
            r->task = p->task;
            r->agency = ag;
            memcpy(r->period, p->period, 8);
            r->result = r->difficulties = r->proposals = r->review_comment = td__empty;
            r->evidence = NULL;
            r->docs = NULL;
            r->attachments = NULL;
            td__map_put(&st->report_map, h, (uint32_t)ri);
            take = 1;
        } else {
            int newer;
            r = &st->reports[ri];
            newer = td__version_cmp(e->hlc, e->author.data, e->seq, r->hlc, r->author, r->seq) > 0;
            if (memcmp(r->author, e->author.data, 32)) {
                /* two devices of one agency on one key: both kept, the pair flagged */
                uint64_t other = r->index;
                td__conflict(st, r, newer ? c->index : other, newer ? other : c->index);
                r->conflict_index = newer ? other : c->index;
            }
            take = newer;
        }
        r->n_versions++;
        td__dg_touch(st, TD__DG_REPORT, (size_t)ri);
        if (take) {
            if (st->lazy) td__texts_replaced(st, (size_t)ri);
            td__ofree(st, r->result);
            td__ofree(st, r->difficulties);
            td__ofree(st, r->proposals);
            td__ofree(st, r->review_comment);
            r->result = result;
            r->difficulties = diff;
            r->proposals = prop;
            result = diff = prop = NULL;
            td__evidence_free(st, r->evidence, r->n_evidence, r->docs, r->n_docs, r->attachments,
                              r->n_attachments);
            r->evidence = ev;
            r->n_evidence = n_ev;
            r->docs = docs;
            r->n_docs = n_docs;
            r->attachments = att;
            r->n_attachments = n_att;
            ev = NULL;
            docs = NULL;
            att = NULL;
            n_ev = n_docs = n_att = 0;
            r->time_flags = c->time_flags;
            r->effective_ms = c->effective_ms;
            TD__STAMP(r, c);
            r->state = (int)p->state;
            r->percent = p->percent;
            r->done_date = p->done_date;
            /* a review belongs to the entry it reviewed */
            r->review = 0;
            r->review_comment = td__empty;
            r->review_index = 0;
        }
        {
            td__rent *v = &st->rents[st->n_rents];
            v->report = (uint32_t)ri;
            td__map_put(&st->rent_map, td__as_hash(st, e->author.data, e->seq), (uint32_t)st->n_rents);
            {
                td_report_version *w = &st->versions[st->n_rents];
                memset(w, 0, sizeof *w);
                w->task = p->task;
                w->agency = ag;
                memcpy(w->period, p->period, 8);
                TD__STAMP(w, c);
                w->effective_ms = c->effective_ms;
                w->time_flags = c->time_flags;
                w->state = (int)p->state;
                w->percent = p->percent;
                w->done_date = p->done_date;
            }
            st->n_rents++;
        }
    }
done:
    td__sfree(result);
    td__sfree(diff);
    td__sfree(prop);
    td__evidence_free(st, ev, n_ev, docs, n_docs, att, n_att);
    tiendo__report_payload__free_unpacked(p, NULL);
    return rc;
}

static int td__apply_indicator(td__ctx *c)
{
    td_state *st = c->st;
    const Tiendo__Entry *e = c->e;
    Tiendo__IndicatorPayload *p;
    const td_indicator *ind;
    td__cap key;
    uint64_t h;
    long vi;
    int rc = 0, date;
    char *text = NULL, *code0;
    char mcode[sizeof st->ivals->code + TD_PLAN_NUMBER_MAX + 2];

    if (!(p = tiendo__indicator_payload__unpack(NULL, e->payload.len, e->payload.data)))
        return td__refuse(c, "indicator payload does not decode as tiendo.IndicatorPayload");
    date = td_state_device_date(e->device_time_ms);
    /* a later plan's indicators are "NUMBER:CODE" in the merged plan (td_plan_merge) */
    code0 = p->code;
    if (td__plan_named(c, p->plan) < 0) goto done;
    if (p->plan && *p->plan) {
        snprintf(mcode, sizeof mcode, "%s:%s", p->plan, p->code);
        p->code = mcode;
    }
    if (strlen(p->code) >= sizeof st->ivals->code || !(ind = td_plan_indicator(&st->plan, p->code))) {
        td__refuse(c, "value of unknown indicator \"%.32s\"", p->code);
        goto done;
    }
    if (!td__period_ok(p->period)) {
        td__refuse(c, "indicator period \"%.16s\" is not YYYY-MM", p->period);
        goto done;
    }
    if (td__is_central(c->a)) {
        if (!td_slug_valid(p->agency)) {
            td__refuse(c, "indicator value for agency \"%.64s\", which is not a slug", p->agency);
            goto done;
        }
    } else {
        int yes;
        if (strcmp(p->agency, c->a->agency)) {
            td__refuse(c, "indicator value for agency \"%.64s\" by a device of \"%s\"", p->agency, c->a->agency);
            goto done;
        }
        if ((yes = td__refs_contain(st, ind->monitors, ind->n_monitors, 0, p->agency, date)) < 0) {
            rc = yes;
            goto done;
        }
        if (!yes) {
            td__refuse(c, "agency %s does not monitor indicator %s", p->agency, p->code);
            goto done;
        }
    }
    if (!(text = td__sdup(p->text)) ||
        td__grow((void **)&st->ivals, &st->cap_ivals, st->n_ivals, 1, sizeof *st->ivals) ||
        td__map_reserve(&st->ival_map, 1)) {
        rc = TD_ENOMEM;
        goto done;
    }
    key.code = p->code;
    key.agency = p->agency;
    key.period = p->period;
    h = td__cap_hash(st, &key);
    vi = td__map_find(&st->ival_map, h, td__ival_eq, st, &key);
    {
        td_indicator_value *v;
        if (vi < 0) {
            vi = (long)st->n_ivals++;
            v = &st->ivals[vi];
            memset(v, 0, sizeof *v);
            memcpy(v->code, p->code, strlen(p->code) + 1);
            memcpy(v->agency, p->agency, strlen(p->agency) + 1);
            memcpy(v->period, p->period, 8);
            v->text = td__empty;
            td__map_put(&st->ival_map, h, (uint32_t)vi);
        } else {
            v = &st->ivals[vi];
            td__dg_touch(st, TD__DG_IVAL, (size_t)vi);
            if (td__version_cmp(e->hlc, e->author.data, e->seq, v->hlc, v->author, v->seq) < 0) {
                v->n_versions++;
                goto done;
            }
        }
        v->n_versions++;
        td__sfree(v->text);
        v->text = text;
        text = NULL;
        v->value = p->value;
        v->has_value = p->has_value;
        TD__STAMP(v, c);
    }
done:
    td__sfree(text);
    p->code = code0;
    tiendo__indicator_payload__free_unpacked(p, NULL);
    return rc;
}

static int td__apply_review(td__ctx *c)
{
    td_state *st = c->st;
    Tiendo__ReviewPayload *p;
    td__as key;
    long i;
    char *comment;
    char hex[17];
    td_report *r;
    const td_report_version *v;

    if (!(p = tiendo__review_payload__unpack(NULL, c->e->payload.len, c->e->payload.data)))
        return td__refuse(c, "review payload does not decode as tiendo.ReviewPayload");
    c->res->task = p->task;
    if (!td__need_central(c, "review")) goto out;
    if (td__task_key_of(c, p->plan, &p->task)) goto out;
    c->res->task = p->task;
    if (p->report_author.len != 32) {
        td__refuse(c, "review names a report author of %zu bytes, expected 32", p->report_author.len);
        goto out;
    }
    td_key_short_hex(p->report_author.data, hex);
    key.author = p->report_author.data;
    key.seq = p->report_seq;
    i = td__map_find(&st->rent_map, td__as_hash(st, key.author, key.seq), td__rent_eq, st, &key);
    if (i < 0) {
        td__refuse(c, "review of report %s seq %llu: no such report in the state", hex,
                   (unsigned long long)p->report_seq);
        goto out;
    }
    v = &st->versions[i];
    r = &st->reports[st->rents[i].report];
    if (p->task != r->task || strcmp(p->agency, r->agency)) {
        td__refuse(c, "review names task %u agency \"%.64s\" but report %s seq %llu is task %u agency %s", p->task,
                   p->agency, hex, (unsigned long long)p->report_seq, r->task, r->agency);
        goto out;
    }
    if (r->index != v->index) {
        td__refuse(c, "review of a superseded report (index %llu; current is index %llu)",
                   (unsigned long long)v->index, (unsigned long long)r->index);
        goto out;
    }
    {
        char *ecomment;
        td_review_event *ev;
        if (!(comment = td__sdup(p->comment))) {
            tiendo__review_payload__free_unpacked(p, NULL);
            return TD_ENOMEM;
        }
        if (!(ecomment = td__sdup(p->comment)) ||
            td__grow((void **)&st->reviews, &st->cap_reviews, st->n_reviews, 1, sizeof *st->reviews)) {
            td__sfree(comment);
            td__sfree(ecomment);
            tiendo__review_payload__free_unpacked(p, NULL);
            return TD_ENOMEM;
        }
        ev = &st->reviews[st->n_reviews++];
        memset(ev, 0, sizeof *ev);
        ev->index = c->index;
        ev->report_index = v->index;
        ev->task = r->task;
        snprintf(ev->agency, sizeof ev->agency, "%s", r->agency);
        memcpy(ev->period, r->period, sizeof ev->period);
        ev->accept = p->accept ? 1 : 0;
        ev->comment = ecomment;
        memcpy(ev->author, c->e->author.data, 32);
        ev->device_time_ms = c->e->device_time_ms;
        ev->received_ms = c->received_ms;
    }
    td__dg_touch(st, TD__DG_REPORT, st->rents[i].report);
    td__ofree(st, r->review_comment);
    r->review_comment = comment;
    r->review = p->accept ? 1 : -1;
    r->review_index = c->index;
out:
    tiendo__review_payload__free_unpacked(p, NULL);
    return 0;
}

static int td__apply_condition(td__ctx *c)
{
    td_state *st = c->st;
    const Tiendo__Entry *e = c->e;
    Tiendo__ConditionPayload *p;
    const td_task *t;
    td_condition *k;
    uint32_t task;
    uint64_t h;
    long i;
    int rc = 0;
    char *note = NULL;

    if (!(p = tiendo__condition_payload__unpack(NULL, e->payload.len, e->payload.data)))
        return td__refuse(c, "condition payload does not decode as tiendo.ConditionPayload");
    task = p->task;
    c->res->task = task;
    if (td__task_key_of(c, p->plan, &task)) goto done;
    c->res->task = task;
    if (!td__need_central(c, "condition")) goto done;
    if (!(t = td__task(st, task))) {
        td__refuse(c, "condition on unknown task %u", task);
        goto done;
    }
    if (t->deadline.kind != TD_DEADLINE_CONDITIONAL) {
        td__refuse(c, "task %u has no conditional deadline (its deadline is %s)", task,
                   td_deadline_kind_name(t->deadline.kind));
        goto done;
    }
    if (!td_date_valid(p->met_date)) {
        td__refuse(c, "condition met_date %d is not a date", (int)p->met_date);
        goto done;
    }
    if (!(p->due_year == 0 && p->due_month == 0) &&
        (p->due_year < TD_DEADLINE_YEAR_MIN || p->due_year > TD_DEADLINE_YEAR_MAX || p->due_month < 1 ||
         p->due_month > 12)) {
        td__refuse(c, "condition due month %d/%d is not a month", (int)p->due_month, (int)p->due_year);
        goto done;
    }
    if (!(note = td__sdup(p->note)) ||
        td__grow((void **)&st->conds, &st->cap_conds, st->n_conds, 1, sizeof *st->conds) ||
        td__map_reserve(&st->cond_map, 1)) {
        rc = TD_ENOMEM;
        goto done;
    }
    /* the history first: status at a past date uses what was known then */
    if (td__grow((void **)&st->cond_hist, &st->cap_cond_hist, st->n_cond_hist, 1, sizeof *st->cond_hist)) {
        rc = TD_ENOMEM;
        goto done;
    }
    k = &st->cond_hist[st->n_cond_hist];
    memset(k, 0, sizeof *k);
    if (!(k->note = td__sdup(p->note))) {
        rc = TD_ENOMEM;
        goto done;
    }
    st->n_cond_hist++;
    k->task = task;
    k->met_date = p->met_date;
    k->due_year = p->due_year;
    k->due_month = p->due_month;
    TD__STAMP(k, c);
    h = td__hash(st, &task, sizeof task);
    if ((i = td__map_find(&st->cond_map, h, td__cond_eq, st, &task)) < 0) {
        i = (long)st->n_conds++;
        k = &st->conds[i];
        memset(k, 0, sizeof *k);
        k->task = task;
        k->note = td__empty;
        td__map_put(&st->cond_map, h, (uint32_t)i);
    } else {
        k = &st->conds[i];
        td__dg_touch(st, TD__DG_COND, (size_t)i);
        if (td__version_cmp(e->hlc, e->author.data, e->seq, k->hlc, k->author, k->seq) < 0) goto done;
    }
    td__sfree(k->note);
    k->note = note;
    note = NULL;
    k->met_date = p->met_date;
    k->due_year = p->due_year;
    k->due_month = p->due_month;
    TD__STAMP(k, c);
done:
    td__sfree(note);
    tiendo__condition_payload__free_unpacked(p, NULL);
    return rc;
}

/* The generic checks of derive.h (1-5), then the kind. */
static int td__apply_entry(td__ctx *c)
{
    td_state *st = c->st;
    const Tiendo__Entry *e = c->e;
    td_author *a;
    char t1[32], t2[32], t3[32];
    int kind = (int)e->kind;

    if (!td_entry_kind_known(kind)) return td__refuse(c, "unknown entry kind %d", kind);
    if (!st->has_server && kind == TIENDO__ENTRY_KIND__ENTRY_CERT && !td__author_find(st, e->author.data))
        return td__apply_cert(c, 1);
    if (!(a = td__author_find(st, e->author.data)))
        return td__refuse(c, "unknown author (no certificate for this key earlier in the log)");
    if (strcmp(e->agency, a->agency))
        return td__refuse(c, "entry agency \"%.64s\" differs from the certificate's \"%s\"", e->agency, a->agency);
    if (e->device_time_ms < a->not_before_ms || e->device_time_ms > a->not_after_ms) {
        td__iso(e->device_time_ms, t1, sizeof t1);
        td__iso(a->not_before_ms, t2, sizeof t2);
        td__iso(a->not_after_ms, t3, sizeof t3);
        return td__refuse(c, "signed at %s, outside the certificate's validity (%s to %s)", t1, t2, t3);
    }
    if (a->revoked_ms && e->device_time_ms >= a->revoked_ms) {
        td__iso(a->revoked_ms, t1, sizeof t1);
        return td__refuse(c, "signed after revocation at %s", t1);
    }
    if (e->seq <= a->last_seq)
        return td__refuse(c, "seq %llu not after %llu", (unsigned long long)e->seq, (unsigned long long)a->last_seq);
    a->last_seq = e->seq;
    c->effective_ms = td__effective(e->device_time_ms, e->hlc, a->last_device_ms, c->received_ms, &c->time_flags);
    if (c->effective_ms > a->last_device_ms) a->last_device_ms = c->effective_ms;
    c->a = a;
    if (a->role == TD_ROLE_INSPECTOR)
        return td__refuse(c, "%s entry from an inspector device: inspectors change nothing", td_entry_kind_name(kind));
    switch (kind) {
    case TIENDO__ENTRY_KIND__ENTRY_CERT: return td__apply_cert(c, 0);
    case TIENDO__ENTRY_KIND__ENTRY_REVOCATION: return td__apply_revocation(c);
    case TIENDO__ENTRY_KIND__ENTRY_PLAN: return td__apply_plan(c);
    case TIENDO__ENTRY_KIND__ENTRY_AGENCY: return td__apply_agency(c);
    case TIENDO__ENTRY_KIND__ENTRY_REPORT: return td__apply_report(c);
    case TIENDO__ENTRY_KIND__ENTRY_INDICATOR: return td__apply_indicator(c);
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW: return td__apply_review(c);
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION: return td__apply_condition(c);
    default: return td__refuse(c, "unknown entry kind %d", kind);   /* defensive: td_entry_kind_known said yes */
    }
}

/* The checks before any entry is applied; c is set up for index. */
static int td__apply_begin(td_state *st, uint64_t index, int64_t received_ms, td_apply_result *res, td__ctx *c,
                           td_error *err)
{
    if (index <= st->last_index)
        return td_error_set(err, TD_EARG, "log index %llu is not after the last applied %llu | " TD_MSG_FOLD_ORDER,
                            (unsigned long long)index, (unsigned long long)st->last_index, (unsigned long long)index,
                            (unsigned long long)st->last_index);
    memset(res, 0, sizeof *res);
    if (td__maps_ready(st))
        return td_error_set(err, TD_ENOMEM, "out of memory applying log index %llu | "
                            TD_MSG_NOMEM, (unsigned long long)index);
    /* a refusal can always be recorded */
    if (td__grow((void **)&st->refusals, &st->cap_refusals, st->n_refusals, 1, sizeof *st->refusals))
        return td_error_set(err, TD_ENOMEM, "out of memory applying log index %llu | "
                            TD_MSG_NOMEM, (unsigned long long)index);
    memset(c, 0, sizeof *c);
    c->st = st;
    c->index = index;
    c->received_ms = received_ms;
    c->res = res;
    return TD_OK;
}

static void td__apply_end(td_state *st, uint64_t index)
{
    st->last_index = index;
    st->count++;
    td__drop_views(st);
}

/* Apply the decoded entry en (en->e set) after td__apply_begin. */
static int td__apply_decoded(td__ctx *c, const td_entry *en, td_error *err)
{
    td_state *st = c->st;
    td_apply_result *res = c->res;
    td_refusal *rf;
    uint64_t last_seq = 0;
    int64_t last_dev = 0;
    td_author *a0 = NULL;
    int rc;
    c->e = en->e;
    res->kind = (int)en->e->kind;
    td__dg_before_apply(st, res->kind);
    c->prefix[0] = 0;   /* td__refuse writes "author <key> seq <n>: " */
    /* the generic checks advance last_seq before the kind runs: undo on failure */
    if ((a0 = td__author_find(st, en->e->author.data))) {
        last_seq = a0->last_seq;
        last_dev = a0->last_device_ms;
    }
    if ((rc = td__apply_entry(c))) {
        td__dg_after_apply(st, NULL, 0, 0);
        if (a0) {
            a0->last_seq = last_seq;
            a0->last_device_ms = last_dev;
        }
        memset(res, 0, sizeof *res);
        return td_error_set(err, rc, "%s applying log index %llu | " TD_MSG_FOLD_FAILED, td_err_str(rc),
                            (unsigned long long)c->index, td_err_vi(rc), (unsigned long long)c->index);
    }
    if (res->refused) {
        rf = &st->refusals[st->n_refusals++];
        memset(rf, 0, sizeof *rf);
        rf->index = c->index;
        rf->kind = res->kind;
        memcpy(rf->author, en->e->author.data, 32);
        rf->seq = en->e->seq;
        snprintf(rf->agency, sizeof rf->agency, "%s", en->e->agency);
        rf->task = res->task;
        memcpy(rf->reason, res->reason, sizeof rf->reason);
    }
    td__dg_after_apply(st, en->e->author.data, res->kind, 1);
    td__apply_end(st, c->index);
    return TD_OK;
}

int td_state_apply(td_state *st, uint64_t index, const uint8_t *buf, size_t len, int64_t received_ms,
                   td_apply_result *res, td_error *err)
{
    td_entry en;
    td_error e2 = {0};
    td__ctx c;
    td_refusal *rf;
    int rc;

    if (!st || !res || (!buf && len)) return td_error_set(err, TD_EARG, "td_state_apply: missing argument");
    if ((rc = td__apply_begin(st, index, received_ms, res, &c, err))) return rc;
    if (td_entry_decode(buf, len, &en, &e2) == TD_OK) {
        rc = td__apply_decoded(&c, &en, err);
        td_entry_free(&en);
        return rc;
    }
    res->refused = 1;
    {
        /* the reason is the operator's English: the decoder's text without its Vietnamese half */
        int n = td_error_en_len(e2.msg);
        snprintf(res->reason, sizeof res->reason, "entry does not decode: %.*s", n < 200 ? n : 200, e2.msg);
    }
    rf = &st->refusals[st->n_refusals++];
    memset(rf, 0, sizeof *rf);
    rf->index = index;
    memcpy(rf->reason, res->reason, sizeof rf->reason);
    td__dg_after_apply(st, NULL, 0, 1);
    td__apply_end(st, index);
    return TD_OK;
}

int td_state_apply_entry(td_state *st, uint64_t index, const td_entry *en, int64_t received_ms,
                         td_apply_result *res, td_error *err)
{
    td__ctx c;
    int rc;
    if (!st || !res || !en || !en->e) return td_error_set(err, TD_EARG, "td_state_apply_entry: missing argument");
    if ((rc = td__apply_begin(st, index, received_ms, res, &c, err))) return rc;
    return td__apply_decoded(&c, en, err);
}

/* --- accessors ------------------------------------------------------------- */

uint64_t td_state_last_index(const td_state *st) { return st->last_index; }
uint64_t td_state_count(const td_state *st) { return st->count; }
const td_plan *td_state_plan(const td_state *st) { return &st->plan; }
int td_state_has_plan(const td_state *st) { return st->has_plan; }
size_t td_state_plan_count(const td_state *st) { return st->n_plans; }
const td_plan *td_state_plan_at(const td_state *st, size_t i) { return i < st->n_plans ? &st->plans[i] : NULL; }
uint64_t td_state_plan_first_index(const td_state *st, size_t i) { return i < st->n_plans ? st->plan_index[i] : 0; }
const td_registry *td_state_registry(const td_state *st) { return &st->reg; }

const td_author *td_state_author(const td_state *st, const unsigned char key[32])
{
    return td__author_find(st, key);
}

const unsigned char *td_state_server_key(const td_state *st)
{
    return st->has_server ? st->server_key : NULL;
}

static int td__report_cmp(const void *x, const void *y)
{
    const td_report *a = x, *b = y;
    int c;
    if (a->task != b->task) return a->task < b->task ? -1 : 1;
    if (a->agency != b->agency && (c = strcmp(a->agency, b->agency))) return c;   /* td__intern */
    return strcmp(a->period, b->period);
}

static int td__ival_cmp(const void *x, const void *y)
{
    const td_indicator_value *a = x, *b = y;
    int c;
    if ((c = strcmp(a->code, b->code))) return c;
    if ((c = strcmp(a->agency, b->agency))) return c;
    return strcmp(a->period, b->period);
}

static int td__cond_cmp(const void *x, const void *y)
{
    const td_condition *a = x, *b = y;
    return a->task < b->task ? -1 : a->task > b->task;
}

/* A sorted shallow copy (the strings stay owned by the primary array).  On
 * out of memory the primary array is returned unsorted: never NULL data. */
static const void *td__view(const void *src, size_t n, size_t size, int (*cmp)(const void *, const void *),
                            void **cache, int *ok)
{
    if (*ok) return *cache;
    if (!n) return src;
    if (!(*cache = malloc(n * size))) return src;
    memcpy(*cache, src, n * size);
    qsort(*cache, n, size, cmp);
    *ok = 1;
    return *cache;
}

/*
 * Sorting records by (task, agency, period) without comparing texts: each
 * distinct agency and period gets its rank among the distinct ones (strcmp
 * order), so that one 64-bit integer orders the records exactly as the
 * string comparisons do.  A view of 137,000 reports sorts in a few ms instead
 * of a merge sort moving 260-byte records.
 */
static int td__order_ok(const uint32_t *p, size_t n, int strict, const void *base, size_t size,
                        int (*cmp)(const void *, const void *));

typedef struct td__skey {
    uint64_t k;       /* task << 32 | agency rank << 16 | period rank */
    uint32_t i;       /* the record's position */
} td__skey;

static uint64_t td__fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* rank[i] = the rank of text i (base + i * stride; with ind, the text that
 * pointer points to) among the distinct texts, in strcmp order.  0; -1 when
 * more than 65535 are distinct or out of memory. */
static int td__text_ranks(const char *base, size_t stride, size_t n, int ind, uint16_t *rank)
{
    size_t nslots = 64, nnames = 0;
    uint32_t *slot = calloc(nslots, sizeof *slot), *id = NULL;
    const char **names = NULL;
    uint32_t *of = NULL;
    int rc = -1;
    if (!slot || !(id = malloc(n * sizeof *id)) || !(names = malloc(65536 * sizeof *names))) goto out;
    for (size_t i = 0; i < n; i++) {
        const char *s = base + i * stride;
        size_t k;
        if (ind) memcpy(&s, base + i * stride, sizeof(const char *));   /* the field is a pointer to the text */
        for (k = td__fnv(s) & (nslots - 1); slot[k]; k = (k + 1) & (nslots - 1))
            if (!strcmp(names[slot[k] - 1], s)) break;
        if (!slot[k]) {
            if (nnames == 65535) goto out;
            names[nnames++] = s;
            slot[k] = (uint32_t)nnames;
            if (nnames * 2 > nslots) {   /* grow: rehash the names met so far */
                uint32_t *ns = calloc(nslots * 2, sizeof *ns);
                if (!ns) goto out;
                nslots *= 2;
                for (size_t j = 0; j < nnames; j++) {
                    size_t q = td__fnv(names[j]) & (nslots - 1);
                    while (ns[q]) q = (q + 1) & (nslots - 1);
                    ns[q] = (uint32_t)(j + 1);
                }
                free(slot);
                slot = ns;
                id[i] = (uint32_t)(nnames - 1);
                continue;
            }
        }
        id[i] = slot[k] - 1;
    }
    if (!(of = malloc((nnames ? nnames : 1) * sizeof *of)) || td_str_ranks(names, nnames, of)) goto out;
    for (size_t i = 0; i < n; i++) rank[i] = (uint16_t)of[id[i]];   /* < 65535 names */
    rc = 0;
out:
    free(slot);
    free(id);
    free(names);
    free(of);
    return rc;
}

/* Keys of n records (task, agency (a pointer), period fields at these offsets; stride
 * bytes apart): a malloc'd array, or NULL (out of memory, too many texts). */
static td__skey *td__skeys(const void *base, size_t stride, size_t n, size_t o_task, size_t o_agency, size_t o_period)
{
    const char *b = base;
    td__skey *k = malloc((n ? n : 1) * sizeof *k);
    uint16_t *ra = malloc((n ? n : 1) * sizeof *ra), *rp = malloc((n ? n : 1) * sizeof *rp);
    if (!k || !ra || !rp || td__text_ranks(b + o_agency, stride, n, 1, ra) ||
        td__text_ranks(b + o_period, stride, n, 0, rp)) {
        free(k);
        k = NULL;
    } else {
        for (size_t i = 0; i < n; i++) {
            uint32_t task;
            memcpy(&task, b + i * stride + o_task, sizeof task);
            k[i].k = (uint64_t)task << 32 | (uint64_t)ra[i] << 16 | rp[i];
            k[i].i = (uint32_t)i;
        }
    }
    free(ra);
    free(rp);
    return k;
}

static int td__skey_cmp(const void *x, const void *y)
{
    const td__skey *a = x, *b = y;
    if (a->k != b->k) return a->k < b->k ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

const td_report *td_state_reports(const td_state *cst, size_t *n)
{
    td_state *st = (td_state *)cst;
    td__skey *k;
    td__texts(st, 0, NULL, 1);
    *n = st->n_reports;
    if (st->v_reports_ok || !st->n_reports || st->n_reports > UINT32_MAX) goto slow;
    if (st->r_order) {   /* a snapshot's order */
        if (td__order_ok(st->r_order, st->n_reports, 1, st->reports, sizeof *st->reports, td__report_cmp) &&
            (st->v_reports = malloc(st->n_reports * sizeof *st->v_reports))) {
            for (size_t i = 0; i < st->n_reports; i++) st->v_reports[i] = st->reports[st->r_order[i]];
            st->v_reports_ok = 1;
        }
        free(st->r_order);
        st->r_order = NULL;
        if (st->v_reports_ok) return st->v_reports;
    }
    if (!(k = td__skeys(st->reports, sizeof *st->reports, st->n_reports, offsetof(td_report, task),
                        offsetof(td_report, agency), offsetof(td_report, period))))
        goto slow;
    if (!(st->v_reports = malloc(st->n_reports * sizeof *st->v_reports))) {
        free(k);
        goto slow;
    }
    qsort(k, st->n_reports, sizeof *k, td__skey_cmp);
    for (size_t i = 0; i < st->n_reports; i++) st->v_reports[i] = st->reports[k[i].i];
    free(k);
    st->v_reports_ok = 1;
    return st->v_reports;
slow:
    return td__view(st->reports, st->n_reports, sizeof *st->reports, td__report_cmp, (void **)&st->v_reports,
                    &st->v_reports_ok);
}

const td_report *td_state_report(const td_state *st, uint32_t task, const char *agency, const char *period)
{
    const td_report *r = td_state_report_notext(st, task, agency, period);
    if (r) td__text1(st, (size_t)(r - st->reports));
    return r;
}

const td_report *td_state_report_notext(const td_state *st, uint32_t task, const char *agency, const char *period)
{
    td__tap k = {task, agency, period};
    long i;
    if (!agency || !period || strlen(agency) > TD_AGENCY_MAX || strlen(period) > 7) return NULL;
    /* after a snapshot's load, a few lookups look through the array (a command that shows one report
     * need not build a table of all); more build the table */
    if (st->maps_lazy && ((td_state *)st)->lazy_lookups++ < TD__LAZY_LOOKUPS) {
        for (size_t j = 0; j < st->n_reports; j++)
            if (st->reports[j].task == task && td__report_eq(st, (uint32_t)j, &k)) return &st->reports[j];
        return NULL;
    }
    if (td__maps_ready((td_state *)st)) {   /* out of memory for the table: look through the array */
        for (size_t j = 0; j < st->n_reports; j++)
            if (td__report_eq(st, (uint32_t)j, &k)) return &st->reports[j];
        return NULL;
    }
    i = td__map_find(&st->report_map, td__tap_hash(st, task, agency, period), td__report_eq, st, &k);
    return i < 0 ? NULL : &st->reports[i];
}

const td_report *td_state_version_report_notext(const td_state *st, const td_report_version *v)
{
    size_t i;
    if (!v || v < st->versions || v >= st->versions + st->n_rents) return NULL;
    i = (size_t)(v - st->versions);
    return st->rents[i].report < st->n_reports ? &st->reports[st->rents[i].report] : NULL;
}

const td_report *td_state_version_report(const td_state *st, const td_report_version *v)
{
    const td_report *r = td_state_version_report_notext(st, v);
    if (r) td__text1(st, (size_t)(r - st->reports));
    return r;
}

const td_report *td_state_reports_unsorted(const td_state *st, size_t *n)
{
    td__texts(st, 0, NULL, 1);
    return td_state_reports_unsorted_notext(st, n);
}

const td_report *td_state_reports_unsorted_notext(const td_state *st, size_t *n)
{
    *n = st->n_reports;
    return st->reports;
}

static int td__preport_cmp(const void *x, const void *y)
{
    return td__report_cmp(*(const td_report *const *)x, *(const td_report *const *)y);
}

int td_state_task_reports(const td_state *st, uint32_t task, const td_report ***out, size_t *n)
{
    size_t k = 0, cap = 0;
    const td_report **v = NULL;
    *out = NULL;
    *n = 0;
    td__texts(st, task, NULL, 0);
    for (size_t i = 0; i < st->n_reports; i++) {
        if (st->reports[i].task != task) continue;
        if (td__grow((void **)&v, &cap, k, 1, sizeof *v)) {
            free(v);
            return TD_ENOMEM;
        }
        v[k++] = &st->reports[i];
    }
    if (k) qsort(v, k, sizeof *v, td__preport_cmp);
    *out = v;
    *n = k;
    return 0;
}

const td_indicator_value *td_state_indicator_values(const td_state *cst, size_t *n)
{
    td_state *st = (td_state *)cst;
    *n = st->n_ivals;
    return td__view(st->ivals, st->n_ivals, sizeof *st->ivals, td__ival_cmp, (void **)&st->v_ivals, &st->v_ivals_ok);
}

const td_condition *td_state_conditions(const td_state *cst, size_t *n)
{
    td_state *st = (td_state *)cst;
    *n = st->n_conds;
    return td__view(st->conds, st->n_conds, sizeof *st->conds, td__cond_cmp, (void **)&st->v_conds, &st->v_conds_ok);
}

const td_condition *td_state_condition_history(const td_state *st, size_t *n)
{
    *n = st->n_cond_hist;
    return st->cond_hist;
}

const td_report_version *td_state_report_versions(const td_state *st, size_t *n)
{
    *n = st->n_rents;
    return st->versions;
}

const td_review_event *td_state_reviews(const td_state *st, size_t *n)
{
    *n = st->n_reviews;
    return st->reviews;
}

const td_deadline_change *td_state_deadline_changes(const td_state *st, size_t *n)
{
    *n = st->n_dchanges;
    return st->dchanges;
}

int td_state_task_agencies(const td_state *st, uint32_t task, int date, int which, const char ***out, size_t *n)
{
    const td_task *t = td__task(st, task);
    const td_agency_ref *refs;
    size_t nrefs, cap = 0;
    const char **v = NULL;
    *out = NULL;
    *n = 0;
    if (!t) return 0;
    refs = which == TD_TASK_PARTNERS ? t->partners : t->leads;
    nrefs = which == TD_TASK_PARTNERS ? t->n_partners : t->n_leads;
    for (size_t i = 0; i < nrefs; i++) {
        const char **x;
        size_t nx;
        if (td_registry_expand(&st->reg, &refs[i], date, (int)task, &x, &nx)) {
            free(v);
            *n = 0;
            return TD_ENOMEM;
        }
        for (size_t k = 0; k < nx; k++) {
            int dup = 0;
            for (size_t j = 0; !dup && j < *n; j++) dup = !strcmp(v[j], x[k]);
            if (dup) continue;
            if (td__grow((void **)&v, &cap, *n, 1, sizeof *v)) {
                free(x);
                free(v);
                *n = 0;
                return TD_ENOMEM;
            }
            v[(*n)++] = x[k];
        }
        free(x);
    }
    *out = v;
    return 0;
}

static int td__vers_cmp(const void *x, const void *y)
{
    const td_report_version *a = *(const td_report_version *const *)x, *b = *(const td_report_version *const *)y;
    int c;
    if (a->task != b->task) return a->task < b->task ? -1 : 1;
    /* one copy of each slug per state (td__intern): the same pointer is the same agency */
    if (a->agency != b->agency && (c = strcmp(a->agency, b->agency))) return c;
    if ((c = strcmp(a->period, b->period))) return c;
    return td__version_cmp(a->hlc, a->author, a->seq, b->hlc, b->author, b->seq);
}

static int td__version_key_cmp(const void *x, const void *y)
{
    return td__vers_cmp(&x, &y);
}

const td_report_version *const *td_state_report_versions_by_key(const td_state *cst, size_t *n)
{
    td_state *st = (td_state *)cst;   /* the view is a cache, not state */
    static const td_report_version *const td__none[1];
    *n = 0;
    if (!st->n_rents) return td__none;
    if (!st->v_vers_ok && st->v_order) {   /* a snapshot's order */
        if (td__order_ok(st->v_order, st->n_rents, 0, st->versions, sizeof *st->versions, td__version_key_cmp) &&
            (st->v_vers = malloc(st->n_rents * sizeof *st->v_vers))) {
            for (size_t i = 0; i < st->n_rents; i++) st->v_vers[i] = &st->versions[st->v_order[i]];
            st->v_vers_ok = 1;
        }
        free(st->v_order);
        st->v_order = NULL;
    }
    if (!st->v_vers_ok) {
        td__skey *k = st->n_rents <= UINT32_MAX ? td__skeys(st->versions, sizeof *st->versions, st->n_rents,
                                                             offsetof(td_report_version, task),
                                                             offsetof(td_report_version, agency),
                                                             offsetof(td_report_version, period))
                                                : NULL;
        if (!(st->v_vers = malloc(st->n_rents * sizeof *st->v_vers))) {
            free(k);
            return NULL;
        }
        if (k) {   /* by key, then in the fold's order within each key's run (td__vers_cmp) */
            qsort(k, st->n_rents, sizeof *k, td__skey_cmp);
            for (size_t i = 0; i < st->n_rents; i++) st->v_vers[i] = &st->versions[k[i].i];
            for (size_t a = 0, b; a < st->n_rents; a = b) {
                for (b = a + 1; b < st->n_rents && k[b].k == k[a].k; b++) {}
                if (b - a > 1) qsort(&st->v_vers[a], b - a, sizeof *st->v_vers, td__vers_cmp);
            }
            free(k);
        } else {
            for (size_t i = 0; i < st->n_rents; i++) st->v_vers[i] = &st->versions[i];
            qsort(st->v_vers, st->n_rents, sizeof *st->v_vers, td__vers_cmp);
        }
        st->v_vers_ok = 1;
    }
    *n = st->n_rents;
    return st->v_vers;
}

const td_refusal *td_state_refusals(const td_state *st, size_t *n)
{
    *n = st->n_refusals;
    return st->refusals;
}

const td_conflict *td_state_conflicts(const td_state *st, size_t *n)
{
    *n = st->n_conflicts;
    return st->conflicts;
}

/* --- digest ---------------------------------------------------------------- */
/* Canonical form: every number big-endian 8 bytes, every string or byte run
 * length-prefixed, collections in a defined order (sorted, or log order),
 * each section tagged.  Nothing depends on hash order or on the machine. */

static void td__h_u64(td_sha256_ctx *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (56 - 8 * i));
    td_sha256_update(h, b, 8);
}

static void td__h_bytes(td_sha256_ctx *h, const void *p, size_t n)
{
    td__h_u64(h, n);
    if (n) td_sha256_update(h, p, n);
}

static void td__h_str(td_sha256_ctx *h, const char *s)
{
    td__h_bytes(h, s ? s : "", s ? strlen(s) : 0);
}

static void td__h_tag(td_sha256_ctx *h, const char *tag, size_t n)
{
    td__h_str(h, tag);
    td__h_u64(h, n);
}

/*
 * The plan and registry part: the plan, the registry (seed and changes), the
 * count of agency entries, the server key.  Rarely changed (plan, agency and
 * certificate entries), so v2 hashes it whole when one of those is folded.
 */
static void td__h_plan_part(td_sha256_ctx *h, const td_state *st)
{
    uint8_t *buf;
    size_t blen;
    td__h_tag(h, "plan", (size_t)st->has_plan);
    if (st->has_plan) {
        if (td_plan_pb_encode(&st->plan, NULL, &buf, &blen) == 0) {
            td__h_bytes(h, buf, blen);
            free(buf);
        } else {
            td__h_str(h, "(out of memory)");   /* never equal to a real encoding */
        }
    }
    /* more than one plan: the later plans' own numbers and titles (their
     * tasks are in the merged plan above); one plan hashes as before */
    if (st->n_plans > 1) {
        td__h_tag(h, "plans", st->n_plans);
        for (size_t i = 1; i < st->n_plans; i++) {
            td__h_str(h, st->plans[i].number ? st->plans[i].number : "");
            td__h_str(h, st->plans[i].title ? st->plans[i].title : "");
            td__h_str(h, st->plans[i].issuer ? st->plans[i].issuer : "");
            td__h_tag(h, "date", (size_t)(uint32_t)st->plans[i].date);
        }
    }

    td__h_tag(h, "registry", st->reg.n_changes);
    if (td_registry_seed_pb_encode(&st->reg, &buf, &blen) == 0) {
        td__h_bytes(h, buf, blen);
        free(buf);
    } else {
        td__h_str(h, "(out of memory)");
    }
    for (size_t i = 0; i < st->reg.n_changes; i++) {
        if (td_agency_change_pb_encode(&st->reg.changes[i], &buf, &blen) == 0) {
            td__h_bytes(h, buf, blen);
            free(buf);
        } else {
            td__h_str(h, "(out of memory)");
        }
    }
    td__h_u64(h, st->n_agency_entries);

    td__h_tag(h, "server", (size_t)st->has_server);
    if (st->has_server) td__h_bytes(h, st->server_key, 32);
}

/* One record of each kind, as both versions hash it. */
static void td__h_author(td_sha256_ctx *h, const td_author *a)
{
    td__h_bytes(h, a->key, 32);
    td__h_str(h, a->agency);
    td__h_str(h, a->device);
    td__h_u64(h, (uint64_t)a->is_server);
    td__h_u64(h, (uint64_t)a->role);
    td__h_u64(h, (uint64_t)a->not_before_ms);
    td__h_u64(h, (uint64_t)a->not_after_ms);
    td__h_u64(h, (uint64_t)a->revoked_ms);
    td__h_u64(h, a->cert_index);
    td__h_u64(h, a->last_seq);
    td__h_u64(h, (uint64_t)a->last_device_ms);
}

static void td__h_report(td_sha256_ctx *h, const td_report *r)
{
    td__h_u64(h, r->task);
    td__h_str(h, r->agency);
    td__h_str(h, r->period);
    td__h_u64(h, r->index);
    td__h_bytes(h, r->author, 32);
    td__h_u64(h, r->seq);
    td__h_u64(h, r->hlc);
    td__h_u64(h, (uint64_t)r->device_time_ms);
    td__h_u64(h, (uint64_t)r->received_ms);
    td__h_u64(h, (uint64_t)(int64_t)r->state);
    td__h_u64(h, r->percent);
    td__h_str(h, r->result);
    td__h_str(h, r->difficulties);
    td__h_str(h, r->proposals);
    td__h_u64(h, (uint64_t)(int64_t)r->done_date);
    td__h_u64(h, (uint64_t)(int64_t)r->review);
    td__h_str(h, r->review_comment);
    td__h_u64(h, r->review_index);
    td__h_u64(h, r->conflict_index);
    td__h_u64(h, r->n_versions);
    td__h_u64(h, (uint64_t)(int64_t)r->time_flags);
    td__h_u64(h, (uint64_t)r->effective_ms);
    td__h_u64(h, r->n_evidence);
    for (size_t k = 0; k < r->n_evidence; k++) td__h_str(h, r->evidence[k]);
    td__h_u64(h, r->n_docs);
    for (size_t k = 0; k < r->n_docs; k++) {
        td__h_str(h, r->docs[k].number);
        td__h_u64(h, (uint64_t)(int64_t)r->docs[k].date);
        td__h_str(h, r->docs[k].title);
    }
    td__h_u64(h, r->n_attachments);
    for (size_t k = 0; k < r->n_attachments; k++) {
        td__h_bytes(h, r->attachments[k].sha256, 32);
        td__h_str(h, r->attachments[k].name);
        td__h_str(h, r->attachments[k].mime);
        td__h_u64(h, r->attachments[k].size);
    }
}

static void td__h_version(td_sha256_ctx *h, const td_report_version *w)
{
    td__h_u64(h, w->index);
    td__h_u64(h, (uint64_t)w->effective_ms);
    td__h_u64(h, (uint64_t)(int64_t)w->time_flags);
}

static void td__h_review(td_sha256_ctx *h, const td_review_event *v)
{
    td__h_u64(h, v->index);
    td__h_u64(h, v->report_index);
    td__h_u64(h, (uint64_t)v->accept);
    td__h_str(h, v->comment);
}

static void td__h_dchange(td_sha256_ctx *h, const td_deadline_change *d)
{
    td__h_u64(h, d->task);
    td__h_u64(h, d->index);
    td__h_str(h, d->before.text);
    td__h_str(h, d->after.text);
    td__h_str(h, d->reason);
}

static void td__h_ival(td_sha256_ctx *h, const td_indicator_value *iv)
{
    uint64_t bits;
    memcpy(&bits, &iv->value, sizeof bits);   /* IEEE 754 bits: the same on every machine we run on */
    td__h_str(h, iv->code);
    td__h_str(h, iv->agency);
    td__h_str(h, iv->period);
    td__h_u64(h, bits);
    td__h_u64(h, (uint64_t)iv->has_value);
    td__h_str(h, iv->text);
    td__h_u64(h, iv->index);
    td__h_u64(h, (uint64_t)iv->device_time_ms);
    td__h_u64(h, (uint64_t)iv->received_ms);
    td__h_bytes(h, iv->author, 32);
    td__h_u64(h, iv->seq);
    td__h_u64(h, iv->hlc);
    td__h_u64(h, iv->n_versions);
}

static void td__h_cond(td_sha256_ctx *h, const td_condition *cd)
{
    td__h_u64(h, cd->task);
    td__h_u64(h, (uint64_t)(int64_t)cd->met_date);
    td__h_u64(h, (uint64_t)(int64_t)cd->due_year);
    td__h_u64(h, (uint64_t)(int64_t)cd->due_month);
    td__h_str(h, cd->note);
    td__h_u64(h, cd->index);
    td__h_bytes(h, cd->author, 32);
    td__h_u64(h, cd->seq);
    td__h_u64(h, cd->hlc);
    td__h_u64(h, (uint64_t)cd->received_ms);
}

static void td__h_conflict(td_sha256_ctx *h, const td_conflict *k)
{
    td__h_u64(h, k->task);
    td__h_str(h, k->agency);
    td__h_str(h, k->period);
    td__h_u64(h, k->winner_index);
    td__h_u64(h, k->loser_index);
}

static void td__h_refusal(td_sha256_ctx *h, const td_refusal *f)
{
    td__h_u64(h, f->index);
    td__h_u64(h, (uint64_t)(int64_t)f->kind);
    td__h_bytes(h, f->author, 32);
    td__h_u64(h, f->seq);
    td__h_str(h, f->agency);
    td__h_u64(h, f->task);
    td__h_str(h, f->reason);
}

/* Version 1: one ordered SHA-256 over the whole state, O(state). */
void td_state_digest(const td_state *st, unsigned char out[32])
{
    td_sha256_ctx h;
    const td_report *r;
    const td_indicator_value *iv;
    const td_condition *cd;
    const td_author **au;
    size_t n;

    td_sha256_init(&h);
    td__h_tag(&h, "tiendo-state-v1", 0);
    td__h_plan_part(&h, st);

    /* authors by key */
    td__h_tag(&h, "authors", st->n_authors);
    au = st->n_authors ? malloc(st->n_authors * sizeof *au) : NULL;
    if (st->n_authors && !au) {
        td__h_str(&h, "(out of memory)");
    } else {
        for (size_t i = 0; i < st->n_authors; i++) au[i] = &st->authors[i];
        for (size_t i = 1; i < st->n_authors; i++)   /* insertion sort: authors are few */
            for (size_t k = i; k > 0 && memcmp(au[k - 1]->key, au[k]->key, 32) > 0; k--) {
                const td_author *t = au[k];
                au[k] = au[k - 1];
                au[k - 1] = t;
            }
        for (size_t i = 0; i < st->n_authors; i++) td__h_author(&h, au[i]);
        free(au);
    }

    r = td_state_reports(st, &n);
    td__h_tag(&h, "reports", n);
    for (size_t i = 0; i < n; i++, r++) td__h_report(&h, r);

    /* history: versions, reviews, deadline changes (log order: the same on
     * every replica holding the same entries) */
    td__h_tag(&h, "versions", st->n_rents);
    for (size_t i = 0; i < st->n_rents; i++) td__h_version(&h, &st->versions[i]);
    td__h_tag(&h, "reviews", st->n_reviews);
    for (size_t i = 0; i < st->n_reviews; i++) td__h_review(&h, &st->reviews[i]);
    td__h_tag(&h, "deadline-changes", st->n_dchanges);
    for (size_t i = 0; i < st->n_dchanges; i++) td__h_dchange(&h, &st->dchanges[i]);

    iv = td_state_indicator_values(st, &n);
    td__h_tag(&h, "indicators", n);
    for (size_t i = 0; i < n; i++, iv++) td__h_ival(&h, iv);

    cd = td_state_conditions(st, &n);
    td__h_tag(&h, "conditions", n);
    for (size_t i = 0; i < n; i++, cd++) td__h_cond(&h, cd);

    td__h_tag(&h, "conflicts", st->n_conflicts);
    for (size_t i = 0; i < st->n_conflicts; i++) td__h_conflict(&h, &st->conflicts[i]);

    td__h_tag(&h, "refusals", st->n_refusals);
    for (size_t i = 0; i < st->n_refusals; i++) td__h_refusal(&h, &st->refusals[i]);
    td_sha256_final(&h, out);
}

/* --- digest v2: incremental (docs/LOG.md, checkpoints) -----------------------
 *
 * digest = SHA-256("tiendo-state-v2" || H(plan part) || LtHash of records),
 * where the records are the same as v1's (authors, reports, versions,
 * reviews, deadline changes, indicator values, conditions, conflicts,
 * refusals), each hashed alone (SHA-256 with its kind's tag) and expanded
 * to TD__LT_N 16-bit words (ChaCha20 keyed by that hash); the LtHash is
 * their sum mod 2^16 word by word (LtHash16, Bellare-Micciancio / Lewi et
 * al.: set-homomorphic, a record's change is "subtract the old, add the
 * new").  Each applied entry costs O(records it changes); the plan part is
 * hashed again only after a plan, agency or certificate entry.  Order does
 * not matter, so no record needs sorting. */


static void td__dg_free(td_state *st)
{
    if (!st->dg) return;
    for (int k = 0; k < TD__DG_NMUT; k++) free(st->dg->seed[k]);
    free(st->dg);
    st->dg = NULL;
}

/* Forget everything: the next digest recomputes from the records. */
static void td__dg_invalidate(td_state *st)
{
    td__dg *d = st->dg;
    if (!d) return;
    for (int k = 0; k < TD__DG_NMUT; k++) {
        free(d->seed[k]);
        d->seed[k] = NULL;
        d->n_mut[k] = d->cap_mut[k] = 0;
    }
    memset(d->sum, 0, sizeof d->sum);
    d->n_vers = d->n_reviews = d->n_dchanges = d->n_conflicts = d->n_refusals = 0;
    d->n_touch = 0;
    d->valid = 0;
    d->plan_dirty = 1;
}

static void td__dg_touch(td_state *st, int what, size_t i)
{
    td__dg *d = st->dg;
    if (!d || !d->valid) return;
    /* once is enough: the sync subtracts the seed of the last sync and adds
     * the record as it is then */
    for (size_t t = 0; t < d->n_touch; t++)
        if (d->touch[t].what == what && d->touch[t].i == i) return;
    if (d->n_touch == sizeof d->touch / sizeof d->touch[0]) {
        td__dg_invalidate(st);
        return;
    }
    d->touch[d->n_touch].what = what;
    d->touch[d->n_touch].i = i;
    d->n_touch++;
}

/* A record's hash: SHA-256 over its kind's tag and its fields. */
static void td__dg_seed(const td_state *st, int what, size_t i, unsigned char out[32])
{
    td_sha256_ctx h;
    td_sha256_init(&h);
    switch (what) {
    case TD__DG_AUTHOR: td__h_str(&h, "author"); td__h_author(&h, &st->authors[i]); break;
    case TD__DG_REPORT:
        td__text1(st, i);
        td__h_str(&h, "report");
        td__h_report(&h, &st->reports[i]);
        break;
    case TD__DG_IVAL: td__h_str(&h, "indicator"); td__h_ival(&h, &st->ivals[i]); break;
    case TD__DG_COND: td__h_str(&h, "condition"); td__h_cond(&h, &st->conds[i]); break;
    }
    td_sha256_final(&h, out);
}

/* The LtHash word vector of seed: TD__LT_N little-endian 16-bit words of
 * the ChaCha20 keystream keyed by it (hash.h: libcrypto's, the same stream
 * as libsodium's crypto_stream_chacha20 with a zero nonce). */
static void td__lt_words(const unsigned char seed[32], uint16_t w[TD__LT_N])
{
    td_chacha20_stream((unsigned char *)w, TD__LT_N * sizeof *w, seed);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#else
    for (size_t i = 0; i < TD__LT_N; i++) {
        const unsigned char *b = (const unsigned char *)&w[i];
        w[i] = (uint16_t)(b[0] | b[1] << 8);
    }
#endif
}

/* sum += or -= the LtHash word vector of seed, eight words at a time
 * where the compiler has vector types (it cannot prove that sum and the
 * stream do not overlap, so it would not vectorise the loop itself). */
static void td__lt_apply(uint16_t sum[TD__LT_N], const unsigned char seed[32], int add)
{
    uint16_t w[TD__LT_N];
    td__lt_words(seed, w);
#if defined(__GNUC__)
    typedef uint16_t td__v8 __attribute__((vector_size(16)));
    for (size_t i = 0; i < TD__LT_N; i += 8) {
        td__v8 a, b;
        memcpy(&a, sum + i, sizeof a);
        memcpy(&b, w + i, sizeof b);
        a = add ? a + b : a - b;
        memcpy(sum + i, &a, sizeof a);
    }
#else
    for (size_t i = 0; i < TD__LT_N; i++) sum[i] = (uint16_t)(add ? sum[i] + w[i] : sum[i] - w[i]);
#endif
}

/* Add one record of an append-only list (hashed with its tag) to sum. */
#define TD__DG_ADD_LIST(sum, tag, fn, rec)                                                                             \
    do {                                                                                                               \
        td_sha256_ctx h_;                                                                                              \
        unsigned char s_[32];                                                                                          \
        td_sha256_init(&h_);                                                                                           \
        td__h_str(&h_, tag);                                                                                           \
        fn(&h_, rec);                                                                                                  \
        td_sha256_final(&h_, s_);                                                                                      \
        td__lt_apply(sum, s_, 1);                                                                                      \
    } while (0)

static size_t td__dg_count(const td_state *st, int what)
{
    switch (what) {
    case TD__DG_AUTHOR: return st->n_authors;
    case TD__DG_REPORT: return st->n_reports;
    case TD__DG_IVAL: return st->n_ivals;
    default: return st->n_conds;
    }
}

/* Bring the sum up to the records: the touched ones replaced, the new ones
 * added.  0, or -1 when out of memory (then invalid). */
static int td__dg_sync(td_state *st)
{
    td__dg *d = st->dg;
    for (size_t t = 0; t < d->n_touch; t++) {
        int w = d->touch[t].what;
        size_t i = d->touch[t].i;
        if (i >= d->n_mut[w]) continue;   /* new: added below */
        td__lt_apply(d->sum, d->seed[w][i], 0);
        td__dg_seed(st, w, i, d->seed[w][i]);
        td__lt_apply(d->sum, d->seed[w][i], 1);
    }
    d->n_touch = 0;
    for (int w = 0; w < TD__DG_NMUT; w++) {
        size_t n = td__dg_count(st, w);
        if (TD_GROW(d->seed[w], d->cap_mut[w], n)) {
            td__dg_invalidate(st);
            return -1;
        }
        for (size_t i = d->n_mut[w]; i < n; i++) {
            td__dg_seed(st, w, i, d->seed[w][i]);
            td__lt_apply(d->sum, d->seed[w][i], 1);
        }
        d->n_mut[w] = n;
    }
    for (; d->n_vers < st->n_rents; d->n_vers++) TD__DG_ADD_LIST(d->sum, "version", td__h_version, &st->versions[d->n_vers]);
    for (; d->n_reviews < st->n_reviews; d->n_reviews++)
        TD__DG_ADD_LIST(d->sum, "review", td__h_review, &st->reviews[d->n_reviews]);
    for (; d->n_dchanges < st->n_dchanges; d->n_dchanges++)
        TD__DG_ADD_LIST(d->sum, "deadline-change", td__h_dchange, &st->dchanges[d->n_dchanges]);
    for (; d->n_conflicts < st->n_conflicts; d->n_conflicts++)
        TD__DG_ADD_LIST(d->sum, "conflict", td__h_conflict, &st->conflicts[d->n_conflicts]);
    for (; d->n_refusals < st->n_refusals; d->n_refusals++)
        TD__DG_ADD_LIST(d->sum, "refusal", td__h_refusal, &st->refusals[d->n_refusals]);
    d->valid = 1;
    return 0;
}

/* Touches pending in the sum at most after a report (td__dg_after_apply): a
 * report's apply touches its author and its report, so the touch list (64)
 * never fills, and a run of reports by one author re-hashes the author
 * record once per ~60 reports or per digest (a group commit), not once per
 * 3: two ChaCha20 expansions saved per 3 reports. */
#define TD__DG_LAZY_TOUCH 60

/* Before td_state_apply of an entry of kind: anything but a report brings
 * the sum up to date first, so its touches find the list empty. */
static void td__dg_before_apply(td_state *st, int kind)
{
    td__dg *d = st->dg;
    if (d && d->valid && kind != TIENDO__ENTRY_KIND__ENTRY_REPORT && d->n_touch) td__dg_sync(st);
}

/* After td_state_apply: the entry's author changed (its last seq), the
 * touched records and the new ones go into the sum.  ok = 0: the apply
 * failed midway, the sum is rebuilt at the next digest.  After a report
 * the sync waits (td_state_digest_v2 does it) while the touch list has
 * room for another report: a run of reports by one author then re-hashes
 * the author record once instead of once per report, and the sum is the
 * same (each touched record's old seed out, its new one in). */
static void td__dg_after_apply(td_state *st, const unsigned char *author, int kind, int ok)
{
    td__dg *d = st->dg;
    td_author *a;
    if (!d && !(d = st->dg = calloc(1, sizeof *d))) return;   /* no memory: computed whole at the digest */
    if (!ok) {
        td__dg_invalidate(st);
        return;
    }
    if (kind == TIENDO__ENTRY_KIND__ENTRY_PLAN || kind == TIENDO__ENTRY_KIND__ENTRY_AGENCY ||
        kind == TIENDO__ENTRY_KIND__ENTRY_CERT)
        d->plan_dirty = 1;
    if (!d->valid && st->count > 0) return;   /* rebuilt at the digest */
    if (author && (a = td__author_find(st, author))) td__dg_touch(st, TD__DG_AUTHOR, (size_t)(a - st->authors));
    if (d->valid && kind == TIENDO__ENTRY_KIND__ENTRY_REPORT && d->n_touch < TD__DG_LAZY_TOUCH) return;
    if (d->valid || st->count == 0) td__dg_sync(st);
}

void td__dg_settle(td_state *st)
{
    if (st->dg && st->dg->valid && st->dg->n_touch) td__dg_sync(st);
}

static void td__dg_plan_part(const td_state *st, unsigned char out[32])
{
    td_sha256_ctx h;
    td_sha256_init(&h);
    td__h_tag(&h, "tiendo-state-v2/plan", 0);
    td__h_plan_part(&h, st);
    td_sha256_final(&h, out);
}

static void td__dg_final(const unsigned char plan_part[32], const uint16_t sum[TD__LT_N], unsigned char out[32])
{
    td_sha256_ctx h;
    unsigned char b[2 * TD__LT_N];
    for (size_t i = 0; i < TD__LT_N; i++) {
        b[2 * i] = (unsigned char)sum[i];
        b[2 * i + 1] = (unsigned char)(sum[i] >> 8);
    }
    td_sha256_init(&h);
    td__h_tag(&h, "tiendo-state-v2", 0);
    td_sha256_update(&h, plan_part, 32);
    td_sha256_update(&h, b, sizeof b);
    td_sha256_final(&h, out);
}

void td_state_digest_v2_full(const td_state *st, unsigned char out[32])
{
    uint16_t *sum = calloc(TD__LT_N, sizeof *sum);
    unsigned char pp[32], s[32];
    if (!sum) {
        memset(out, 0, 32);   /* never a real digest */
        return;
    }
    for (int w = 0; w < TD__DG_NMUT; w++)
        for (size_t i = 0, n = td__dg_count(st, w); i < n; i++) {
            td__dg_seed(st, w, i, s);
            td__lt_apply(sum, s, 1);
        }
    for (size_t i = 0; i < st->n_rents; i++) TD__DG_ADD_LIST(sum, "version", td__h_version, &st->versions[i]);
    for (size_t i = 0; i < st->n_reviews; i++) TD__DG_ADD_LIST(sum, "review", td__h_review, &st->reviews[i]);
    for (size_t i = 0; i < st->n_dchanges; i++)
        TD__DG_ADD_LIST(sum, "deadline-change", td__h_dchange, &st->dchanges[i]);
    for (size_t i = 0; i < st->n_conflicts; i++) TD__DG_ADD_LIST(sum, "conflict", td__h_conflict, &st->conflicts[i]);
    for (size_t i = 0; i < st->n_refusals; i++) TD__DG_ADD_LIST(sum, "refusal", td__h_refusal, &st->refusals[i]);
    td__dg_plan_part(st, pp);
    td__dg_final(pp, sum, out);
    free(sum);
}

void td_state_digest_v2(const td_state *cst, unsigned char out[32])
{
    td_state *st = (td_state *)cst;   /* the sum is a cache of the records, not state */
    td__dg *d = st->dg;
    if (!d && !(d = st->dg = calloc(1, sizeof *d))) {
        td_state_digest_v2_full(st, out);
        return;
    }
    /* touched records and records appended since the last sync (reports
     * wait for it: td__dg_after_apply) */
    if (!d->valid) td__dg_invalidate(st);
    if (td__dg_sync(st)) {
        td_state_digest_v2_full(st, out);
        return;
    }
    if (d->plan_dirty) {
        td__dg_plan_part(st, d->plan_part);
        d->plan_dirty = 0;
    }
    td__dg_final(d->plan_part, d->sum, out);
}

int td_state_digest_ver(const td_state *st, int version, unsigned char out[32])
{
    if (version == TD_STATE_DIGEST_V1) td_state_digest(st, out);
    else if (version == TD_STATE_DIGEST_V2) td_state_digest_v2(st, out);
    else return TD_EARG;
    return 0;
}

/* ---- authors by position (docs/LOG.md §3: the keys of one renewed device) */

size_t td_state_author_count(const td_state *st) { return st ? st->n_authors : 0; }

const td_author *td_state_author_at(const td_state *st, size_t i)
{
    return st && i < st->n_authors ? &st->authors[i] : NULL;
}

/* --- lookup tables from the arrays (derive_int.h; the snapshot's load) ------- */

/* The tables td__state_reindex leaves for later: the reports by (task,
 * agency, period) and the report entries by (author, seq), each entry's
 * (author, seq) read from its version.  A command that only reads a few
 * reports, or the versions, never builds them.  0 or TD_ENOMEM (the state
 * is unchanged: they are built at the next call). */
int td__maps_ready(td_state *st)
{
    if (!st->maps_lazy) return 0;
    td__map_free(&st->report_map);
    td__map_free(&st->rent_map);
    if (td__map_reserve(&st->report_map, st->n_reports) || td__map_reserve(&st->rent_map, st->n_rents)) {
        td__map_free(&st->report_map);
        td__map_free(&st->rent_map);
        return TD_ENOMEM;
    }
    for (size_t i = 0; i < st->n_reports; i++) {
        const td_report *r = &st->reports[i];
        td__map_put(&st->report_map, td__tap_hash(st, r->task, r->agency, r->period), (uint32_t)i);
    }
    for (size_t i = 0; i < st->n_rents; i++) {
        const td_report_version *v = &st->versions[i];
        td__map_put(&st->rent_map, td__as_hash(st, v->author, v->seq), (uint32_t)i);
    }
    st->maps_lazy = 0;
    return 0;
}

int td__state_reindex(td_state *st)
{
    td__map_free(&st->author_map);
    td__map_free(&st->report_map);
    td__map_free(&st->rent_map);
    td__map_free(&st->ival_map);
    td__map_free(&st->cond_map);
    td__map_free(&st->ontask_map);
    st->n_ontask = 0;
    st->ontask_days_ok = 0;
    if (td__task_map_build(st) || td__map_reserve(&st->author_map, st->n_authors) ||
        td__map_reserve(&st->ival_map, st->n_ivals) || td__map_reserve(&st->cond_map, st->n_conds))
        return TD_ENOMEM;
    for (size_t i = 0; i < st->n_authors; i++)
        td__map_put(&st->author_map, td__hash(st, st->authors[i].key, 32), (uint32_t)i);
    for (size_t i = 0; i < st->n_rents; i++)
        if (st->rents[i].report >= st->n_reports) return TD_EPARSE;
    /* the two large tables (reports, report entries) wait for their first use: td__maps_ready */
    st->maps_lazy = 1;
    for (size_t i = 0; i < st->n_ivals; i++) {
        td__cap k = {st->ivals[i].code, st->ivals[i].agency, st->ivals[i].period};
        td__map_put(&st->ival_map, td__cap_hash(st, &k), (uint32_t)i);
    }
    for (size_t i = 0; i < st->n_conds; i++)
        td__map_put(&st->cond_map, td__hash(st, &st->conds[i].task, sizeof st->conds[i].task), (uint32_t)i);
    return 0;
}

/* --- the sorted views' orders, kept with a snapshot (derive_int.h) ------------- */

int td__view_orders(const td_state *st, uint32_t **rep, uint32_t **ver)
{
    size_t nv;
    const td_report_version *const *vv;
    td__skey *k = NULL;
    *rep = *ver = NULL;
    if (st->n_reports > UINT32_MAX || st->n_rents > UINT32_MAX) return TD_ENOMEM;
    if (st->n_reports) {
        if (!(k = td__skeys(st->reports, sizeof *st->reports, st->n_reports, offsetof(td_report, task),
                            offsetof(td_report, agency), offsetof(td_report, period))) ||
            !(*rep = malloc(st->n_reports * sizeof **rep))) {
            free(k);
            return TD_ENOMEM;
        }
        qsort(k, st->n_reports, sizeof *k, td__skey_cmp);
        for (size_t i = 0; i < st->n_reports; i++) (*rep)[i] = k[i].i;
        free(k);
    }
    if (st->n_rents) {
        if (!(vv = td_state_report_versions_by_key(st, &nv)) || !(*ver = malloc(nv * sizeof **ver))) {
            free(*rep);
            *rep = NULL;
            return TD_ENOMEM;
        }
        for (size_t i = 0; i < nv; i++) (*ver)[i] = (uint32_t)(vv[i] - st->versions);
    }
    return 0;
}

/* A permutation of 0..n-1? */
static int td__is_perm(const uint32_t *p, size_t n)
{
    unsigned char *seen = calloc(n ? n : 1, 1);
    int ok = seen != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        if (p[i] >= n || seen[p[i]]) ok = 0;
        else seen[p[i]] = 1;
    }
    free(seen);
    return ok;
}

void td__view_orders_set(td_state *st, uint32_t *rep, uint32_t *ver)
{
    td__drop_views(st);
    st->r_order = rep;   /* checked at first use (td__order_ok): a command may never sort either */
    st->v_order = ver;
}

/* A snapshot's order of n records is used only when it is a permutation that sorts them (cmp on
 * neighbours, strictly when `strict`): else the view is sorted as without one. */
static int td__order_ok(const uint32_t *p, size_t n, int strict, const void *base, size_t size,
                        int (*cmp)(const void *, const void *))
{
    const char *b = base;
    if (!td__is_perm(p, n)) return 0;
    for (size_t i = 1; i < n; i++) {
        int c;
        /* the records lie in another order: fetch a few ahead (a cache miss each otherwise) */
        if (i + 8 < n) __builtin_prefetch(b + p[i + 8] * size);
        c = cmp(b + p[i - 1] * size, b + p[i] * size);
        if (c > 0 || (strict && c == 0)) return 0;
    }
    return 1;
}
