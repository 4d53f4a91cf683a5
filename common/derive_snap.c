/* derive_snap.c — see derive_snap.h.  The folded state as a blob and back. */
#include "derive_snap.h"

#include <openssl/x509_vfy.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#define XXH_STATIC_LINKING_ONLY   /* XXH64_state_t on the stack and in structs */
#include <xxhash.h>

#include "derive_int.h"
#include "log.h"
#include "msg.h"
#include "plan_pb.h"

/* A state reads the chunks of its text section a reader asks for until it has read that many 1/Nth of them,
 * then all the others at once (a reader going through every report asks for one chunk after another). */
#define TD__TEXT_SINGLE_SHARE 4
typedef struct td__lazy td__lazy;

static const unsigned char td__snap_magic[8] = {'T', 'D', 'S', 'N', 'A', 'P', 0, 1};

/* The records copied as they lie in memory: the layout tag changes with any of their sizes or with where
 * their owned pointers sit, so a blob from another build of different structures is refused. */
static uint64_t td__snap_layout(void)
{
    static const size_t v[] = {
        sizeof(td_author), sizeof(td_report), sizeof(td_report_version), sizeof(td__rent), sizeof(td_review_event),
        sizeof(td_deadline_change), sizeof(td_deadline), sizeof(td_indicator_value), sizeof(td_condition),
        sizeof(td_refusal), sizeof(td_conflict), sizeof(td_evidence_doc), sizeof(td_attachment_ref),
        offsetof(td_report, result), offsetof(td_report, evidence), offsetof(td_report, attachments),
        offsetof(td_review_event, comment), offsetof(td_deadline_change, reason), offsetof(td_deadline, scope),
        offsetof(td_indicator_value, text), offsetof(td_condition, note), TD__LT_N, TD__DG_NMUT, TD_AGENCY_MAX,
    };
    uint64_t h = 1469598103934665603ull;   /* FNV-1a over the list */
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        h ^= (uint64_t)v[i];
        h *= 1099511628211ull;
    }
    return h;
}

/*
 * The checksum against damage (see the header): XXH64 (libxxhash's 64-bit hash, seed 0) of the header before the
 * checksum, then the main part, in the first 8 bytes of the header's checksum field, little-endian (the
 * other 8: the main part's length).  A keyed MAC would add nothing (the key would be public), and XXH64 runs at memory speed: the
 * checksum of a 56 MB blob was a fifth of a command's time with Poly1305.
 */
#define TD__SUM_BYTES 16

typedef XXH64_state_t td__xxh;

static void td__xxh_init(td__xxh *x) { XXH64_reset(x, 0); }

static void td__xxh_update(td__xxh *x, const uint8_t *p, size_t n) { XXH64_update(x, p, n); }

static void td__xxh_final(const td__xxh *x, uint8_t out[8])
{
    uint64_t h = XXH64_digest(x);
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(h >> (8 * i));
}

/* The checksum: the header before it, then the main part (format 5: the text section has its own). */
#define TD__SUM_USED 8   /* of TD__SUM_BYTES: then the main part's length */
static void td__snap_mac(const uint8_t *b, size_t n, uint8_t out[TD__SUM_USED])
{
    td__xxh x;
    uint64_t h, main;
    memcpy(&main, b + 48 + TD__SUM_USED, 8);
    if (main > n - TD_SNAP_HEADER) main = n - TD_SNAP_HEADER;
    td__xxh_init(&x);
    td__xxh_update(&x, b, 48);
    td__xxh_update(&x, b + TD_SNAP_HEADER, (size_t)main);
    h = XXH64_digest(&x);
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(h >> (8 * i));
}

void td_state_snap_seal(uint8_t *b, size_t n)
{
    uint64_t body;
    if (n < TD_SNAP_HEADER) return;
    body = n - TD_SNAP_HEADER;
    memcpy(b + 40, &body, 8);
    td__snap_mac(b, n, b + 48);
}

/* --- writer ------------------------------------------------------------------ */

typedef struct td__sw {
    uint8_t *b;
    size_t n, cap;
    int oom;
} td__sw;

static void td__w(td__sw *w, const void *p, size_t n)
{
    if (w->oom) return;
    if (n > w->cap - w->n) {
        size_t nc = w->cap ? w->cap : 1 << 16;
        uint8_t *nb;
        while (nc - w->n < n) {
            if (nc > SIZE_MAX / 2) {
                w->oom = 1;
                return;
            }
            nc *= 2;
        }
        if (!(nb = realloc(w->b, nc))) {
            w->oom = 1;
            return;
        }
        w->b = nb;
        w->cap = nc;
    }
    if (n) memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void td__w_u32(td__sw *w, uint32_t v) { td__w(w, &v, 4); }
static void td__w_u64(td__sw *w, uint64_t v) { td__w(w, &v, 8); }

/* A string: u32 length then the bytes; NULL is length 0xffffffff. */
#define TD__SNAP_NULL 0xffffffffu
static void td__w_str(td__sw *w, const char *s)
{
    size_t l;
    if (!s) {
        td__w_u32(w, TD__SNAP_NULL);
        return;
    }
    l = strlen(s);
    if (l >= TD__SNAP_NULL) {
        w->oom = 1;
        return;
    }
    td__w_u32(w, (uint32_t)l);
    td__w(w, s, l);
}

static void td__w_strs(td__sw *w, char *const *v, size_t n)
{
    td__w_u64(w, n);
    for (size_t i = 0; i < n; i++) td__w_str(w, v[i]);
}

static void td__w_plan(td__sw *w, const td_plan *p)
{
    uint8_t *b = NULL;
    size_t n = 0;
    if (td_plan_pb_encode(p, NULL, &b, &n)) {
        w->oom = 1;
        return;
    }
    td__w_u64(w, n);
    td__w(w, b, n);
    free(b);
}

static void td__w_agency(td__sw *w, const td_agency *a)
{
    td__w_str(w, a->slug);
    td__w_str(w, a->name);
    td__w_u32(w, (uint32_t)a->kind);
    td__w_u32(w, (uint32_t)a->valid_from);
    td__w_u32(w, (uint32_t)a->valid_to);
}

static void td__w_registry(td__sw *w, const td_registry *r)
{
    td__w_u64(w, r->n_agencies);
    for (size_t i = 0; i < r->n_agencies; i++) td__w_agency(w, &r->agencies[i]);
    td__w_u64(w, r->n_groups);
    for (size_t i = 0; i < r->n_groups; i++) {
        const td_group *g = &r->groups[i];
        td__w_str(w, g->slug);
        td__w_str(w, g->name);
        td__w_u32(w, g->kinds);
        td__w_u32(w, (uint32_t)g->open);
        td__w_strs(w, g->members, g->n_members);
    }
    td__w_u64(w, r->n_aliases);
    for (size_t i = 0; i < r->n_aliases; i++) {
        td__w_str(w, r->aliases[i].text);
        td__w_str(w, r->aliases[i].key);
        td__w_str(w, r->aliases[i].slug);
    }
    td__w_u64(w, r->n_changes);
    for (size_t i = 0; i < r->n_changes; i++) {
        const td_agency_change *c = &r->changes[i];
        td__w_u32(w, (uint32_t)c->kind);
        td__w_u32(w, (uint32_t)c->date);
        td__w_strs(w, c->from, c->n_from);
        td__w_u64(w, c->n_to);
        for (size_t k = 0; k < c->n_to; k++) td__w_agency(w, &c->to[k]);
        td__w_u64(w, c->n_assign);
        for (size_t k = 0; k < c->n_assign; k++) {
            td__w_u32(w, (uint32_t)c->assign[k].task);
            td__w_str(w, c->assign[k].slug);
        }
        td__w_str(w, c->alias_text);
        td__w_str(w, c->alias_slug);
    }
}

/* A deadline: the record without its two texts, then the texts. */
static void td__w_deadline(td__sw *w, const td_deadline *d)
{
    td_deadline t = *d;
    t.scope = t.text = NULL;
    td__w(w, &t, sizeof t);
    td__w_str(w, d->scope);
    td__w_str(w, d->text);
}

/*
 * Reports and versions, the bulk (one of each per report entry), are written
 * compactly: the agency as a number into a pool of the distinct agency slugs,
 * the author as its number among the state's authors, the period as its 7
 * characters, integers at fixed widths.
 */
#define TD__POOL_SLOTS 4096                   /* open addressing, kept under half full */
#define TD__POOL_MAX (TD__POOL_SLOTS / 2)     /* distinct agencies: a province has a few hundred */
#define TD__NOAUTHOR 0xffffffffu              /* not an author of the state: the key follows */

typedef struct td__pool {
    const char *s[TD__POOL_MAX];
    size_t n;
    uint16_t slot[TD__POOL_SLOTS];            /* id + 1; 0 = empty */
} td__pool;

static uint32_t td__pool_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The id of s, added when new; -1 when the pool is full. */
static long td__pool_id(td__pool *p, const char *s)
{
    size_t i = td__pool_hash(s) & (TD__POOL_SLOTS - 1);
    for (; p->slot[i]; i = (i + 1) & (TD__POOL_SLOTS - 1))
        if (!strcmp(p->s[p->slot[i] - 1], s)) return p->slot[i] - 1;
    if (p->n == TD__POOL_MAX) return -1;
    p->s[p->n] = s;
    p->slot[i] = (uint16_t)(++p->n);
    return (long)p->n - 1;
}

#define TD__PUT(b, o, v)                                                                                               \
    do {                                                                                                               \
        memcpy((b) + (o), &(v), sizeof(v));                                                                            \
        (o) += sizeof(v);                                                                                              \
    } while (0)
#define TD__GET(b, o, v)                                                                                               \
    do {                                                                                                               \
        memcpy(&(v), (b) + (o), sizeof(v));                                                                            \
        (o) += sizeof(v);                                                                                              \
    } while (0)

/* The agencies of the reports, then of the versions, in their order of first use: the ids the records
 * carry (the blob's and the image's alike).  0, or -1 when there are more than the pool holds. */
static int td__pool_fill(const td_state *st, td__pool *pool)
{
    for (size_t i = 0; i < st->n_reports; i++)
        if (td__pool_id(pool, st->reports[i].agency) < 0) return -1;
    for (size_t i = 0; i < st->n_rents; i++)
        if (td__pool_id(pool, st->versions[i].agency) < 0) return -1;
    return 0;
}

static void td__put_author(const td_state *st, uint8_t *b, size_t *o, const unsigned char key[32])
{
    const td_author *a = td_state_author(st, key);
    uint32_t id = a ? (uint32_t)(a - st->authors) : TD__NOAUTHOR;
    TD__PUT(b, *o, id);
    if (!a) {
        memcpy(b + *o, key, 32);
        *o += 32;
    }
}

static void td__put_period(uint8_t *b, size_t *o, const char period[8])
{
    memcpy(b + *o, period, 7);
    *o += 7;
}

/* One version: task, agency, period, index, seq, hlc, the three times, flags, state, percent, done date, its
 * report's number (td__rent.report), then its author. */
#define TD__VERSION_FIXED (4 + 2 + 7 + 8 + 8 + 8 + 8 + 8 + 8 + 4 + 4 + 4 + 4 + 4)
#define TD__VERSION_MAX (TD__VERSION_FIXED + 32)
static size_t td__put_version(const td_state *st, td__pool *p, uint8_t *b, size_t i)
{
    const td_report_version *v = &st->versions[i];
    size_t o = 0;
    uint16_t ag = (uint16_t)td__pool_id(p, v->agency);
    TD__PUT(b, o, v->task);
    TD__PUT(b, o, ag);
    td__put_period(b, &o, v->period);
    TD__PUT(b, o, v->index);
    TD__PUT(b, o, v->seq);
    TD__PUT(b, o, v->hlc);
    TD__PUT(b, o, v->device_time_ms);
    TD__PUT(b, o, v->received_ms);
    TD__PUT(b, o, v->effective_ms);
    TD__PUT(b, o, v->time_flags);
    TD__PUT(b, o, v->state);
    TD__PUT(b, o, v->percent);
    TD__PUT(b, o, v->done_date);
    TD__PUT(b, o, st->rents[i].report);
    if (o != TD__VERSION_FIXED) abort();   /* the reader takes exactly this much */
    td__put_author(st, b, &o, v->author);
    return o;
}

/* One report without its texts and evidence (which follow it), its author last. */
#define TD__REPORT_FIXED (4 + 2 + 7 + 8 + 8 + 8 + 8 + 8 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 4 + 8 + 8 + 8 + 8)
#define TD__REPORT_MAX (TD__REPORT_FIXED + 32)
static size_t td__put_report(const td_state *st, td__pool *p, uint8_t *b, const td_report *r)
{
    size_t o = 0;
    uint16_t ag = (uint16_t)td__pool_id(p, r->agency);
    uint32_t nv = r->n_versions;
    uint64_t ne = r->n_evidence, nd = r->n_docs, na = r->n_attachments;
    TD__PUT(b, o, r->task);
    TD__PUT(b, o, ag);
    td__put_period(b, &o, r->period);
    TD__PUT(b, o, r->index);
    TD__PUT(b, o, r->seq);
    TD__PUT(b, o, r->hlc);
    TD__PUT(b, o, r->device_time_ms);
    TD__PUT(b, o, r->received_ms);
    TD__PUT(b, o, r->state);
    TD__PUT(b, o, r->percent);
    TD__PUT(b, o, r->done_date);
    TD__PUT(b, o, r->review);
    TD__PUT(b, o, r->review_index);
    TD__PUT(b, o, r->conflict_index);
    TD__PUT(b, o, nv);
    TD__PUT(b, o, r->time_flags);
    TD__PUT(b, o, r->effective_ms);
    TD__PUT(b, o, ne);
    TD__PUT(b, o, nd);
    TD__PUT(b, o, na);
    if (o != TD__REPORT_FIXED) abort();   /* the reader takes exactly this much */
    td__put_author(st, b, &o, r->author);
    return o;
}

/* A report's texts and evidence, in its task's chunk of the text section. */
static void td__w_texts(td__sw *w, const td_report *r)
{
    td__w_str(w, r->result);
    td__w_str(w, r->difficulties);
    td__w_str(w, r->proposals);
    td__w_strs(w, r->evidence, r->n_evidence);
    for (size_t k = 0; k < r->n_docs; k++) {
        td__w_u32(w, (uint32_t)r->docs[k].date);
        td__w_str(w, r->docs[k].number);
        td__w_str(w, r->docs[k].title);
    }
    for (size_t k = 0; k < r->n_attachments; k++) {
        td__w(w, r->attachments[k].sha256, 32);
        td__w_u64(w, r->attachments[k].size);
        td__w_str(w, r->attachments[k].name);
        td__w_str(w, r->attachments[k].mime);
    }
}

/* A report's place in the text section: its chunk's key (task, agency number in the pool), then its position. */
typedef struct td__tkey {
    uint64_t key;
    uint32_t i;
} td__tkey;

static int td__tkey_cmp(const void *x, const void *y)
{
    const td__tkey *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* The text section (in t) and its index (in w): one chunk per (task, agency), in that order (agencies by
 * their number in the pool): the positions of its reports in the state's array (u32 each, increasing), then
 * their texts in that order; the index has, per chunk, its task, its agency's number, its number of reports,
 * its offset and length in the section and its XXH64.  A reader of one report (`report-all`: one a task)
 * reads a few kilobytes, a reader of one task its agencies' chunks. */
static void td__w_text_section(td__sw *w, td__sw *t, const td_state *st, td__pool *pool)
{
    td__tkey *k = st->n_reports ? malloc(st->n_reports * sizeof *k) : NULL;
    size_t nc = 0;
    if (st->n_reports && !k) {
        w->oom = 1;
        return;
    }
    for (size_t i = 0; i < st->n_reports; i++) {
        long id = td__pool_id(pool, st->reports[i].agency);   /* already in: the pool was filled first */
        k[i].key = (uint64_t)st->reports[i].task << 32 | (uint64_t)(id < 0 ? 0 : id);
        k[i].i = (uint32_t)i;
    }
    if (st->n_reports) qsort(k, st->n_reports, sizeof *k, td__tkey_cmp);
    for (size_t i = 0; i < st->n_reports; i++)
        if (!i || k[i].key != k[i - 1].key) nc++;
    td__w_u64(w, nc);
    for (size_t i = 0, j; i < st->n_reports; i = j) {
        uint64_t key = k[i].key, off = t->n, len;
        for (j = i; j < st->n_reports && k[j].key == key; j++) td__w_u32(t, k[j].i);
        for (j = i; j < st->n_reports && k[j].key == key; j++) td__w_texts(t, &st->reports[k[j].i]);
        len = t->n - off;
        td__w_u32(w, (uint32_t)(key >> 32));
        td__w_u32(w, (uint32_t)(key & 0xffffffffu));
        td__w_u32(w, (uint32_t)(j - i));
        td__w_u64(w, off);
        td__w_u64(w, len);
        td__w_u64(w, t->oom ? 0 : XXH64(t->b + off, (size_t)len, 0));
    }
    if (t->oom) w->oom = 1;
    free(k);
}

int td_state_snap_encode(const td_state *st, uint8_t **out, size_t *n)
{
    td__sw w = {0}, tx = {0};
    uint8_t hdr[TD_SNAP_HEADER] = {0};
    uint32_t fmt = TD_SNAP_FORMAT;
    uint64_t layout = td__snap_layout(), body, main;
    td__pool *pool;
    uint8_t rec[TD__REPORT_MAX > TD__VERSION_MAX ? TD__REPORT_MAX : TD__VERSION_MAX];

    *out = NULL;
    *n = 0;
    /* every text in the state: a snapshot's not yet read are read now */
    td__texts(st, 0, NULL, 1);
    if (st->lazy) return TD_EIO;
    /* the touches pending in the digest's sum, at most what every reader
     * accepts (the sum is a cache of the records, not state) */
    if (st->dg && st->dg->n_touch > TD__DG_TOUCH_SNAP) td__dg_settle((td_state *)st);
    if (!(pool = calloc(1, sizeof *pool))) return TD_ENOMEM;
    /* the agencies first: the reader needs the pool before the records */
    if (td__pool_fill(st, pool)) w.oom = 1;
    td__w(&w, hdr, sizeof hdr);   /* filled at the end */
    td__w_strs(&w, (char *const *)pool->s, pool->n);

    td__w_u64(&w, (uint64_t)st->has_plan);
    td__w_plan(&w, &st->plan);
    td__w_u64(&w, st->n_plans);
    for (size_t i = 0; i < st->n_plans; i++) td__w_plan(&w, &st->plans[i]);
    for (size_t i = 0; i < st->n_plans; i++) td__w_u64(&w, st->plan_index[i]);   /* format 4 */
    td__w_registry(&w, &st->reg);
    td__w_u64(&w, st->n_agency_entries);
    td__w(&w, st->server_key, 32);
    td__w_u64(&w, (uint64_t)st->has_server);

    td__w_u64(&w, st->n_authors);
    td__w(&w, st->authors, st->n_authors * sizeof *st->authors);

    td__w_u64(&w, st->n_reports);
    for (size_t i = 0; i < st->n_reports; i++) {
        const td_report *r = &st->reports[i];
        td__w(&w, rec, td__put_report(st, pool, rec, r));
        td__w_str(&w, r->review_comment);   /* the other texts: in the text section */
    }

    /* the report entries (rents) are rebuilt from the versions (td__state_reindex) */
    td__w_u64(&w, st->n_rents);
    for (size_t i = 0; i < st->n_rents; i++) td__w(&w, rec, td__put_version(st, pool, rec, i));

    td__w_u64(&w, st->n_reviews);
    for (size_t i = 0; i < st->n_reviews; i++) {
        td_review_event t = st->reviews[i];
        t.comment = NULL;
        td__w(&w, &t, sizeof t);
        td__w_str(&w, st->reviews[i].comment);
    }

    td__w_u64(&w, st->n_dchanges);
    for (size_t i = 0; i < st->n_dchanges; i++) {
        const td_deadline_change *d = &st->dchanges[i];
        td_deadline_change t = *d;
        memset(&t.before, 0, sizeof t.before);
        memset(&t.after, 0, sizeof t.after);
        t.reason = NULL;
        td__w(&w, &t, sizeof t);
        td__w_deadline(&w, &d->before);
        td__w_deadline(&w, &d->after);
        td__w_str(&w, d->reason);
    }

    td__w_u64(&w, st->n_ivals);
    for (size_t i = 0; i < st->n_ivals; i++) {
        td_indicator_value t = st->ivals[i];
        t.text = NULL;
        td__w(&w, &t, sizeof t);
        td__w_str(&w, st->ivals[i].text);
    }

    td__w_u64(&w, st->n_conds);
    for (size_t i = 0; i < st->n_conds; i++) {
        td_condition t = st->conds[i];
        t.note = NULL;
        td__w(&w, &t, sizeof t);
        td__w_str(&w, st->conds[i].note);
    }
    td__w_u64(&w, st->n_cond_hist);
    for (size_t i = 0; i < st->n_cond_hist; i++) {
        td_condition t = st->cond_hist[i];
        t.note = NULL;
        td__w(&w, &t, sizeof t);
        td__w_str(&w, st->cond_hist[i].note);
    }

    td__w_u64(&w, st->n_refusals);
    td__w(&w, st->refusals, st->n_refusals * sizeof *st->refusals);
    td__w_u64(&w, st->n_conflicts);
    td__w(&w, st->conflicts, st->n_conflicts * sizeof *st->conflicts);

    /* the incremental digest's accumulator (derive.c, digest v2) */
    td__w_u64(&w, st->dg ? 1 : 0);
    if (st->dg) {
        const td__dg *d = st->dg;
        td__w_u64(&w, (uint64_t)d->valid);
        td__w_u64(&w, (uint64_t)d->plan_dirty);
        td__w(&w, d->plan_part, 32);
        td__w(&w, d->sum, sizeof d->sum);
        for (int k = 0; k < TD__DG_NMUT; k++) {
            td__w_u64(&w, d->n_mut[k]);
            td__w(&w, d->seed[k], d->n_mut[k] * 32);
        }
        td__w_u64(&w, d->n_vers);
        td__w_u64(&w, d->n_reviews);
        td__w_u64(&w, d->n_dchanges);
        td__w_u64(&w, d->n_conflicts);
        td__w_u64(&w, d->n_refusals);
        td__w_u64(&w, d->n_touch);
        for (size_t k = 0; k < d->n_touch; k++) {
            td__w_u64(&w, (uint64_t)d->touch[k].what);
            td__w_u64(&w, d->touch[k].i);
        }
    }

    /* the sorted views' orders (td__view_orders): a load need not sort 137,000 records again */
    {
        uint32_t *ro = NULL, *vo = NULL;
        if (td__view_orders(st, &ro, &vo)) w.oom = 1;
        td__w_u64(&w, ro ? st->n_reports : 0);
        if (ro) td__w(&w, ro, st->n_reports * sizeof *ro);
        td__w_u64(&w, vo ? st->n_rents : 0);
        if (vo) td__w(&w, vo, st->n_rents * sizeof *vo);
        free(ro);
        free(vo);
    }

    /* the text section's index (format 5) ends the main part; the section follows it */
    td__w_text_section(&w, &tx, st, pool);
    main = w.n - TD_SNAP_HEADER;
    td__w(&w, tx.b, tx.n);
    free(tx.b);

    free(pool);
    if (w.oom || w.n > TD_SNAP_MAX) {
        free(w.b);
        return TD_ENOMEM;
    }
    body = w.n - TD_SNAP_HEADER;
    memcpy(w.b, td__snap_magic, 8);
    memcpy(w.b + 8, &fmt, 4);
    memcpy(w.b + 16, &layout, 8);
    memcpy(w.b + 24, &st->last_index, 8);
    memcpy(w.b + 32, &st->count, 8);
    memcpy(w.b + 40, &body, 8);
    memcpy(w.b + 48 + TD__SUM_USED, &main, 8);
    td__snap_mac(w.b, w.n, w.b + 48);
    *out = w.b;
    *n = w.n;
    return 0;
}

/* --- reader ------------------------------------------------------------------ */

/* The reader goes through the blob once, front to back, through a window: the whole blob when it is in
 * memory, else a buffer refilled from the source (a blob in a database is not copied whole). */
#define TD__WINDOW (1u << 20)
/* A blob in memory is checksummed this much ahead of the reader: bytes still in the cache when it reads them
 * (one pass over the main part, not a pass to checksum it and another to read it). */
#define TD__MEM_STEP ((size_t)256 << 10)

typedef struct td__sr {
    size_t n, off;     /* the blob's length; the next byte to read */
    int bad;           /* TD_EPARSE, TD_EIO or TD_ENOMEM once something failed */
    const char *what;  /* the part being read, for the error */
    const uint8_t *w;  /* window: bytes [wbeg, wbeg + wlen) of the blob */
    size_t wbeg, wlen, wcap;
    uint8_t *own;      /* the window's buffer when read from a source */
    const uint8_t *mem; /* the blob when it is in memory: the window grows over it as the reader advances */
    td_snap_read_fn rd;
    void *arg;
    td__xxh mac;       /* over the bytes as they come (td__snap_mac) */
    char *ar;          /* the state's text block (st->arena) while the reports are read */
    size_t ar_used, ar_cap, ar_pop;   /* ar_pop: the block's bytes prefaulted so far */
} td__sr;

/* Make bytes [off, off + n) readable in the window: a pointer to them, or NULL (r->bad) when the blob ends
 * before or the source fails. */
static const uint8_t *td__r_need_slow(td__sr *r, size_t n)
{
    size_t keep, more;
    if (r->bad) return NULL;
    if (n > r->n - r->off) {
        r->bad = TD_EPARSE;
        return NULL;
    }
    keep = r->wbeg + r->wlen - r->off;
    if (keep >= n) return r->w + (r->off - r->wbeg);
    if (r->mem) {   /* the next bytes of a blob in memory, checksummed as they come, read while in the cache */
        size_t end = r->off + n, step = r->wbeg + r->wlen + TD__MEM_STEP;
        if (end < step) end = step < r->n ? step : r->n;
        td__xxh_update(&r->mac, r->mem + r->wbeg + r->wlen, end - (r->wbeg + r->wlen));
        r->wlen = end - r->wbeg;
        return r->w + (r->off - r->wbeg);
    }
    if (!r->rd) {   /* defensive: an in-memory blob is all in the window */
        r->bad = TD_EPARSE;
        return NULL;
    }
    if (n > r->wcap) {
        uint8_t *nb = malloc(n);
        if (!nb) {
            r->bad = TD_ENOMEM;
            return NULL;
        }
        memcpy(nb, r->w + (r->off - r->wbeg), keep);
        free(r->own);
        r->own = nb;
        r->wcap = n;
    } else {
        memmove(r->own, r->w + (r->off - r->wbeg), keep);
    }
    r->w = r->own;
    r->wbeg = r->off;
    r->wlen = keep;
    more = r->wcap - keep;
    if (more > r->n - (r->wbeg + keep)) more = r->n - (r->wbeg + keep);
    if (r->rd(r->arg, r->wbeg + keep, r->own + keep, more)) {
        r->bad = TD_EIO;
        return NULL;
    }
    td__xxh_update(&r->mac, r->own + keep, more);
    r->wlen += more;
    return r->w;
}

/* Most reads lie in the window: no call, one comparison (the window never reaches past the blob's end). */
static inline const uint8_t *td__r_need(td__sr *r, size_t n)
{
    if (n && !r->bad && r->off <= r->wbeg + r->wlen && n <= r->wbeg + r->wlen - r->off)
        return r->w + (r->off - r->wbeg);
    return td__r_need_slow(r, n);
}

static int td__r(td__sr *r, void *dst, size_t n)
{
    uint8_t *d = dst;
    if (n && !r->bad && r->off <= r->wbeg + r->wlen && n <= r->wbeg + r->wlen - r->off) {   /* in the window */
        memcpy(d, r->w + (r->off - r->wbeg), n);
        r->off += n;
        return 1;
    }
    if (!r->bad && n > r->n - r->off) r->bad = TD_EPARSE;
    while (n && !r->bad) {
        size_t k = n < TD__WINDOW ? n : TD__WINDOW;
        const uint8_t *b = td__r_need(r, k);
        if (!b) break;
        memcpy(d, b, k);
        r->off += k;
        d += k;
        n -= k;
    }
    if (r->bad) {
        if (d && n) memset(d, 0, n);
        return 0;
    }
    return 1;
}

static inline __attribute__((always_inline)) uint32_t td__r_u32(td__sr *r)
{
    uint32_t v = 0;
    const uint8_t *b = td__r_need(r, 4);   /* a fixed-size copy: no call */
    if (b) {
        memcpy(&v, b, 4);
        r->off += 4;
    }
    return v;
}

static inline __attribute__((always_inline)) uint64_t td__r_u64(td__sr *r)
{
    uint64_t v = 0;
    const uint8_t *b = td__r_need(r, 8);
    if (b) {
        memcpy(&v, b, 8);
        r->off += 8;
    }
    return v;
}

/* A count of records of at least `min` bytes each: never more than what remains can hold. */
static size_t td__r_count(td__sr *r, size_t min)
{
    uint64_t v = td__r_u64(r);
    if (r->bad) return 0;
    if (v > (r->n - r->off) / (min ? min : 1)) {
        r->bad = TD_EPARSE;
        return 0;
    }
    return (size_t)v;
}

/* A block about to be filled front to back: its pages mapped and zeroed in one call (MADV_POPULATE_WRITE)
 * instead of one fault per 4 KB page as the copy reaches it; where the kernel does not offer it, the pages
 * fault in as before.  Not huge pages: a transparent huge page takes a free 2 MB block, the very blocks a
 * virtual machine's balloon hands back to its host after a couple of idle seconds (free page reporting),
 * so the first process after a pause (a `tiendo status` after a sync) paid a host fault per 2 MB. */
#define TD__PAGE ((uintptr_t)4096)
#define TD__PREFAULT_MIN ((size_t)256 << 10)   /* smaller ones: not worth a system call */
#define TD__PREFAULT_STEP ((size_t)4 << 20)    /* the text block: prefaulted this much ahead of its use */
static void td__prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t b = ((uintptr_t)p + TD__PAGE - 1) & ~(TD__PAGE - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(TD__PAGE - 1);
    if (n >= TD__PREFAULT_MIN && e > b) (void)madvise((void *)b, e - b, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

static void *td__r_alloc(td__sr *r, size_t n, size_t size)
{
    void *p;
    if (r->bad || !n) return NULL;
    if (!(p = calloc(n, size))) r->bad = TD_ENOMEM;
    else if (n <= SIZE_MAX / size) td__prefault(p, n * size);
    return p;
}

/* n bytes (8-aligned) from the text block while it has room, else malloc'd: a report's owned field
 * either way (derive.c frees only what lies outside the block). */
static void *td__r_take(td__sr *r, size_t n)
{
    void *p;
    size_t at = (r->ar_used + 7) & ~(size_t)7;
    if (r->bad) return NULL;
    if (r->ar && at <= r->ar_cap && n <= r->ar_cap - at) {
        r->ar_used = at + n;
        if (r->ar_used > r->ar_pop) {   /* the block is sized for the worst case: only what is used */
            size_t k = r->ar_used - r->ar_pop + TD__PREFAULT_STEP;
            if (k > r->ar_cap - r->ar_pop) k = r->ar_cap - r->ar_pop;
            td__prefault(r->ar + r->ar_pop, k);
            r->ar_pop += k;
        }
        return r->ar + at;
    }
    if (!(p = malloc(n ? n : 1))) r->bad = TD_ENOMEM;
    return p;
}

/* td__r_alloc of a report's evidence array, from the text block. */
static void *td__r_alloc_ar(td__sr *r, size_t n, size_t size)
{
    void *p;
    if (r->bad || !n) return NULL;
    if (n > SIZE_MAX / size) {
        r->bad = TD_ENOMEM;
        return NULL;
    }
    if ((p = td__r_take(r, n * size))) memset(p, 0, n * size);
    return p;
}

enum { TD__S_NULLOK = 1, TD__S_SHARED = 2, TD__S_ARENA = 4 };
/* A string: malloc'd, or NULL when stored so and TD__S_NULLOK; with TD__S_SHARED an empty one is the state's
 * shared td__empty (fields freed with td__sfree). */
static char *td__r_str(td__sr *r, int flags)
{
    uint32_t l = td__r_u32(r);
    const uint8_t *b;
    char *s;
    if (r->bad) return NULL;
    if (l == TD__SNAP_NULL) {
        if (!(flags & TD__S_NULLOK)) r->bad = TD_EPARSE;
        return NULL;
    }
    if (!l && (flags & TD__S_SHARED)) return td__empty;   /* most review comments: no bytes to look at */
    if (!(b = td__r_need(r, l))) return NULL;
    if (memchr(b, 0, l)) {
        r->bad = TD_EPARSE;
        return NULL;
    }
    if (!l && (flags & TD__S_SHARED)) return td__empty;
    if (flags & TD__S_ARENA) {
        if (!(s = td__r_take(r, (size_t)l + 1))) return NULL;
    } else if (!(s = malloc((size_t)l + 1))) {
        r->bad = TD_ENOMEM;
        return NULL;
    }
    memcpy(s, b, l);
    s[l] = 0;
    r->off += l;
    return s;
}

/* A fixed-size text field must end inside the field. */
static void td__r_fixed(td__sr *r, const char *f, size_t n)
{
    if (!memchr(f, 0, n) && !r->bad) r->bad = TD_EPARSE;
}
#define TD__FIXED(r, field) td__r_fixed(r, field, sizeof(field))

static char **td__r_strs(td__sr *r, size_t *n, int flags)
{
    size_t c = td__r_count(r, 4);
    char **v = flags & TD__S_ARENA ? td__r_alloc_ar(r, c, sizeof *v) : td__r_alloc(r, c, sizeof *v);
    *n = 0;
    for (size_t i = 0; v && i < c && !r->bad; i++) {
        v[i] = td__r_str(r, flags);
        if (!r->bad) *n = i + 1;
    }
    return v;
}

static void td__r_plan(td__sr *r, td_plan *p)
{
    size_t len = td__r_count(r, 1);
    td_error e = {0};
    int rc;
    const uint8_t *b;
    if (r->bad || !(b = td__r_need(r, len))) return;
    td_plan_free(p);
    if ((rc = td_plan_pb_decode(b, len, p, NULL, &e))) {
        r->bad = rc == TD_ENOMEM ? TD_ENOMEM : TD_EPARSE;
        return;
    }
    r->off += len;
}

static void td__r_agency(td__sr *r, td_agency *a)
{
    a->slug = td__r_str(r, 0);
    a->name = td__r_str(r, 0);
    a->kind = (td_agency_kind)td__r_u32(r);
    a->valid_from = (int)td__r_u32(r);
    a->valid_to = (int)td__r_u32(r);
}

/* Into an empty registry; counts follow what was filled, so td_registry_free frees it on failure. */
static void td__r_registry(td__sr *r, td_registry *g)
{
    size_t c = td__r_count(r, 20);
    g->agencies = td__r_alloc(r, c, sizeof *g->agencies);
    for (size_t i = 0; g->agencies && i < c && !r->bad; i++, g->n_agencies++) td__r_agency(r, &g->agencies[i]);
    c = td__r_count(r, 24);
    g->groups = td__r_alloc(r, c, sizeof *g->groups);
    for (size_t i = 0; g->groups && i < c && !r->bad; i++, g->n_groups++) {
        td_group *x = &g->groups[i];
        x->slug = td__r_str(r, 0);
        x->name = td__r_str(r, 0);
        x->kinds = td__r_u32(r);
        x->open = (int)td__r_u32(r);
        x->members = td__r_strs(r, &x->n_members, 0);
    }
    c = td__r_count(r, 12);
    g->aliases = td__r_alloc(r, c, sizeof *g->aliases);
    for (size_t i = 0; g->aliases && i < c && !r->bad; i++, g->n_aliases++) {
        g->aliases[i].text = td__r_str(r, 0);
        g->aliases[i].key = td__r_str(r, 0);
        g->aliases[i].slug = td__r_str(r, 0);
    }
    c = td__r_count(r, 40);
    g->changes = td__r_alloc(r, c, sizeof *g->changes);
    for (size_t i = 0; g->changes && i < c && !r->bad; i++, g->n_changes++) {
        td_agency_change *x = &g->changes[i];
        size_t m;
        x->kind = (td_change_kind)td__r_u32(r);
        x->date = (int)td__r_u32(r);
        x->from = td__r_strs(r, &x->n_from, 0);
        m = td__r_count(r, 20);
        x->to = td__r_alloc(r, m, sizeof *x->to);
        for (size_t k = 0; x->to && k < m && !r->bad; k++, x->n_to++) td__r_agency(r, &x->to[k]);
        m = td__r_count(r, 8);
        x->assign = td__r_alloc(r, m, sizeof *x->assign);
        for (size_t k = 0; x->assign && k < m && !r->bad; k++, x->n_assign++) {
            x->assign[k].task = (int)td__r_u32(r);
            x->assign[k].slug = td__r_str(r, 0);
        }
        x->alias_text = td__r_str(r, TD__S_NULLOK);
        x->alias_slug = td__r_str(r, TD__S_NULLOK);
    }
}

static void td__r_deadline(td__sr *r, td_deadline *d)
{
    td__r(r, d, sizeof *d);
    d->scope = d->text = NULL;
    d->scope = td__r_str(r, TD__S_NULLOK);
    d->text = td__r_str(r, TD__S_NULLOK);
}

/* Compact records (see the writer). */
#define TD__RD(r, v) td__r(r, &(v), sizeof(v))

typedef struct td__rpool {
    char **s;
    size_t n;
    const char **ip;   /* ip[id]: the state's copy of s[id] (td__intern) */
} td__rpool;

/* A fixed part of n bytes: a pointer into the blob, or NULL (r->bad) when it is cut. */
static const uint8_t *td__r_span(td__sr *r, size_t n)
{
    const uint8_t *b = td__r_need(r, n);
    if (b) r->off += n;
    return b;
}

static void td__get_agency(td__sr *r, const td__rpool *p, const uint8_t *b, size_t *o, const char **out)
{
    uint16_t id;
    TD__GET(b, *o, id);
    if (id >= p->n) {
        if (!r->bad) r->bad = TD_EPARSE;
        *out = td__empty;
        return;
    }
    *out = p->ip[id];
}

static void td__get_period(const uint8_t *b, size_t *o, char period[8])
{
    memcpy(period, b + *o, 7);
    period[7] = 0;
    *o += 7;
}

static inline __attribute__((always_inline)) void td__r_author(td__sr *r, const td_state *st, unsigned char key[32])
{
    uint32_t id = td__r_u32(r);
    if (id == TD__NOAUTHOR) td__r(r, key, 32);
    else if (id < st->n_authors) memcpy(key, st->authors[id].key, 32);
    else if (!r->bad) r->bad = TD_EPARSE;
}

static void td__r_version(td__sr *r, const td_state *st, const td__rpool *p, td_report_version *v, td__rent *rent)
{
    const uint8_t *b = td__r_span(r, TD__VERSION_FIXED);
    size_t o = 0;
    if (!b) return;
    TD__GET(b, o, v->task);
    td__get_agency(r, p, b, &o, &v->agency);
    td__get_period(b, &o, v->period);
    TD__GET(b, o, v->index);
    TD__GET(b, o, v->seq);
    TD__GET(b, o, v->hlc);
    TD__GET(b, o, v->device_time_ms);
    TD__GET(b, o, v->received_ms);
    TD__GET(b, o, v->effective_ms);
    TD__GET(b, o, v->time_flags);
    TD__GET(b, o, v->state);
    TD__GET(b, o, v->percent);
    TD__GET(b, o, v->done_date);
    TD__GET(b, o, rent->report);
    td__r_author(r, st, v->author);
}

/* The report's fixed part; *ne, *nd, *na: how many evidence items follow. */
static void td__r_report(td__sr *r, const td_state *st, const td__rpool *p, td_report *x, uint64_t *ne, uint64_t *nd,
                         uint64_t *na)
{
    const uint8_t *b = td__r_span(r, TD__REPORT_FIXED);
    uint32_t nv;
    size_t o = 0;
    if (!b) return;
    TD__GET(b, o, x->task);
    td__get_agency(r, p, b, &o, &x->agency);
    td__get_period(b, &o, x->period);
    TD__GET(b, o, x->index);
    TD__GET(b, o, x->seq);
    TD__GET(b, o, x->hlc);
    TD__GET(b, o, x->device_time_ms);
    TD__GET(b, o, x->received_ms);
    TD__GET(b, o, x->state);
    TD__GET(b, o, x->percent);
    TD__GET(b, o, x->done_date);
    TD__GET(b, o, x->review);
    TD__GET(b, o, x->review_index);
    TD__GET(b, o, x->conflict_index);
    TD__GET(b, o, nv);
    x->n_versions = nv;
    TD__GET(b, o, x->time_flags);
    TD__GET(b, o, x->effective_ms);
    TD__GET(b, o, *ne);
    TD__GET(b, o, *nd);
    TD__GET(b, o, *na);
    td__r_author(r, st, x->author);
}

/* --- the records' image (derive_snap.h td_state_snap_image) ------------------------------------------ */

static const char td__img_magic[8] = {'T', 'D', 'I', 'M', 'A', 'G', 'E', 1};

/* The image: this header, the slugs' offsets, the reports, the versions, their entries, then every string
 * to its end ("" first, the last byte 0), each region after the one before.  Offsets from the image's first
 * byte. */
typedef struct td__img_hdr {
    char magic[8];
    uint64_t base, len, layout;
    uint8_t blob[TD_SNAP_HEADER];   /* the header of the blob the image belongs to */
    uint64_t n_pool, pool_off;      /* n_pool uint64 offsets of the slugs, in the blob's pool order */
    uint64_t n_reports, reports_off;
    uint64_t n_versions, versions_off, rents_off;
    uint64_t str_off;
} td__img_hdr;

#define TD__ALIGN(x, a) (((x) + (size_t)(a) - 1) & ~((size_t)(a) - 1))

/* A reader over one record of the blob's form in memory (the image is made by decoding it: what the load
 * compares it with, by construction). */
static void td__sr_over(td__sr *r, const uint8_t *b, size_t n)
{
    memset(r, 0, sizeof *r);
    r->n = r->wlen = r->wcap = n;
    r->w = b;
}

int td_state_snap_image(const td_state *st, const uint8_t hdr[TD_SNAP_HEADER], uintptr_t base, uint8_t **out,
                        size_t *n)
{
    td__pool *pool = calloc(1, sizeof *pool);
    td__rpool rp = {0};
    td__img_hdr h;
    uint8_t *b = NULL, rec[TD__REPORT_MAX > TD__VERSION_MAX ? TD__REPORT_MAX : TD__VERSION_MAX];
    size_t at, so, str_len = 1;
    int rc = TD_ENOMEM;
    *out = NULL;
    *n = 0;
    if (!pool || td__pool_fill(st, pool)) goto out;
    for (size_t i = 0; i < pool->n; i++) str_len += strlen(pool->s[i]) + 1;
    for (size_t i = 0; i < st->n_reports; i++)
        if (st->reports[i].review_comment && *st->reports[i].review_comment)
            str_len += strlen(st->reports[i].review_comment) + 1;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, td__img_magic, 8);
    h.base = base;
    h.layout = td__snap_layout();
    memcpy(h.blob, hdr, TD_SNAP_HEADER);
    at = TD__ALIGN(sizeof h, 64);
    h.n_pool = pool->n;
    h.pool_off = at;
    at = TD__ALIGN(at + pool->n * 8, 64);
    h.n_reports = st->n_reports;
    h.reports_off = at;
    at = TD__ALIGN(at + st->n_reports * sizeof(td_report), 64);
    h.n_versions = st->n_rents;
    h.versions_off = at;
    at = TD__ALIGN(at + st->n_rents * sizeof(td_report_version), 64);
    h.rents_off = at;
    at += st->n_rents * sizeof(td__rent);
    h.str_off = at;
    h.len = at + str_len;
    if (h.len > TD_SNAP_MAX || !(b = calloc(1, h.len)) || (pool->n && !(rp.ip = malloc(pool->n * sizeof *rp.ip))))
        goto out;
    so = h.str_off + 1;   /* the byte before: "" */
    rp.n = pool->n;
    for (size_t i = 0; i < pool->n; i++) {
        size_t l = strlen(pool->s[i]) + 1;
        uint64_t off = so;
        memcpy(b + so, pool->s[i], l);
        memcpy(b + h.pool_off + i * 8, &off, 8);
        rp.ip[i] = (const char *)(base + so);
        so += l;
    }
    for (size_t i = 0; i < st->n_reports; i++) {
        const td_report *r = &st->reports[i];
        td_report *x = (td_report *)(void *)(b + h.reports_off) + i;
        uint64_t ne, nd, na;
        td__sr sr;
        td__sr_over(&sr, rec, td__put_report(st, pool, rec, r));
        td__r_report(&sr, st, &rp, x, &ne, &nd, &na);
        if (sr.bad) goto out;
        x->result = x->difficulties = x->proposals = x->review_comment = (char *)(base + h.str_off);
        if (r->review_comment && *r->review_comment) {
            size_t l = strlen(r->review_comment) + 1;
            memcpy(b + so, r->review_comment, l);
            x->review_comment = (char *)(base + so);
            so += l;
        }
    }
    for (size_t i = 0; i < st->n_rents; i++) {
        td__sr sr;
        td__sr_over(&sr, rec, td__put_version(st, pool, rec, i));
        td__r_version(&sr, st, &rp, (td_report_version *)(void *)(b + h.versions_off) + i,
                      (td__rent *)(void *)(b + h.rents_off) + i);
        if (sr.bad) goto out;
    }
    if (so != h.len) abort();   /* the strings fill their region exactly */
    memcpy(b, &h, sizeof h);
    *out = b;
    *n = h.len;
    b = NULL;
    rc = 0;
out:
    free(b);
    free(rp.ip);
    free(pool);
    return rc;
}

/* An image's view for the load: its records and strings where it lies, once its header is checked. */
typedef struct td__imgv {
    const td__img_hdr *h;
    const uint8_t *b;
    td_report *rep;
    td_report_version *ver;
    td__rent *rent;
    const char *empty;
    uintptr_t str, str_end;
} td__imgv;

/* Whether region [off, off + n * size) starts at or after `from`, aligned, and ends by `end`. */
static int td__img_region(uint64_t off, uint64_t n, size_t size, uint64_t from, uint64_t end, size_t align)
{
    return off >= from && off <= end && !(off % align) && n <= (end - off) / size;
}

/* The image of the blob with header hdr, mapped at b (n bytes), when its header says it is this blob's
 * image, made for this address by this build's layout, its regions in order and inside it; else 0. */
static int td__img_open(td__imgv *v, uint8_t *b, size_t n, const uint8_t hdr[TD_SNAP_HEADER])
{
    const td__img_hdr *h = (const td__img_hdr *)(void *)b;
    memset(v, 0, sizeof *v);
    if (!b || n < sizeof *h || memcmp(h->magic, td__img_magic, 8) || h->base != (uintptr_t)b || h->len != n ||
        h->layout != td__snap_layout() || memcmp(h->blob, hdr, TD_SNAP_HEADER))
        return 0;
    if (!td__img_region(h->pool_off, h->n_pool, 8, sizeof *h, n, 8) ||
        !td__img_region(h->reports_off, h->n_reports, sizeof(td_report), h->pool_off + h->n_pool * 8, n,
                        _Alignof(td_report)) ||
        !td__img_region(h->versions_off, h->n_versions, sizeof(td_report_version),
                        h->reports_off + h->n_reports * sizeof(td_report), n, _Alignof(td_report_version)) ||
        !td__img_region(h->rents_off, h->n_versions, sizeof(td__rent),
                        h->versions_off + h->n_versions * sizeof(td_report_version), n, _Alignof(td__rent)) ||
        h->str_off < h->rents_off + h->n_versions * sizeof(td__rent) || h->str_off >= n || b[h->str_off] || b[n - 1])
        return 0;
    v->h = h;
    v->b = b;
    v->rep = (td_report *)(void *)(b + h->reports_off);
    v->ver = (td_report_version *)(void *)(b + h->versions_off);
    v->rent = (td__rent *)(void *)(b + h->rents_off);
    v->empty = (const char *)b + h->str_off;
    v->str = (uintptr_t)b + h->str_off;
    v->str_end = (uintptr_t)b + n;
    return 1;
}

/* Slug `id` of the image, when it is the blob's slug s; else NULL. */
static const char *td__img_slug(const td__imgv *v, size_t id, const char *s)
{
    uint64_t off;
    const char *p;
    if (id >= v->h->n_pool) return NULL;
    memcpy(&off, v->b + v->h->pool_off + id * 8, 8);
    if (off < v->h->str_off || off >= v->h->len) return NULL;
    p = (const char *)v->b + off;   /* the region ends with a 0 */
    return strcmp(p, s) ? NULL : p;
}

/* The blob's next string (a review comment) as the image has it: `have`, when it lies in the image's
 * strings and holds the same text; td__empty-like "" of the image for an empty one; else NULL (the image is
 * not the blob's).  A blob cut or damaged here sets r->bad as td__r_str would. */
static const char *td__img_str(td__sr *r, const td__imgv *v, const char *have)
{
    uint32_t l = td__r_u32(r);
    const uint8_t *b;
    uintptr_t p = (uintptr_t)have;
    if (r->bad) return NULL;
    if (l == TD__SNAP_NULL) {
        r->bad = TD_EPARSE;
        return NULL;
    }
    if (!l) return have == v->empty ? have : NULL;
    if (!(b = td__r_need(r, l))) return NULL;
    if (memchr(b, 0, l)) {
        r->bad = TD_EPARSE;
        return NULL;
    }
    r->off += l;
    if (p < v->str || p >= v->str_end || l >= v->str_end - p || memcmp(have, b, l) || have[l]) return NULL;
    return have;
}

/* --- the text section, read at first use (derive_int.h td__texts_need) --------------------------- */

typedef struct td__tchunk {
    uint32_t task, nrep;
    const char *agency;       /* the state's copy (td__intern) */
    uint64_t off, len, sum;   /* in the section; XXH64 of its bytes */
    int loaded;               /* every report of it read */
    int verified;             /* its checksum checked (a report of it read alone) */
} td__tchunk;

/* A report of the snapshot: its texts still in the section (pend), how much evidence they hold. */
typedef struct td__tent {
    uint8_t pend, ne, nd, na;
} td__tent;

/* A state's texts still to read. */
struct td__lazy {
    td_snap_src src;
    uint8_t hdr[TD_SNAP_HEADER];   /* the blob's header as loaded: the stored one must still have it */
    uint64_t toff, tlen;           /* the section in the blob */
    td__tchunk *chunk;
    size_t n_chunks, left;         /* chunks; those not read yet */
    td__tent *ent;                 /* the snapshot's reports: reports[0, n_ent) */
    size_t n_ent;
    size_t n_single;               /* chunks read for readers of one task */
    size_t n_one;                  /* reports read alone, for readers of one report */
    int failed;                    /* neither the section nor the refold gave them: never tried again */
    size_t ar_used, ar_pop;        /* st->tarena: used, prefaulted */
};

static void td__lazy_free(td__lazy *lz)
{
    if (!lz) return;
    if (lz->src.release) lz->src.release(lz->src.arg);
    free(lz->chunk);
    free(lz->ent);
    free(lz);
}

void td__texts_free(td_state *st)
{
    td__lazy_free(st->lazy);
    st->lazy = NULL;
}

void td__texts_replaced(td_state *st, size_t i)
{
    if (st->lazy && i < st->lazy->n_ent) st->lazy->ent[i].pend = 0;
}

int td_state_snap_texts_pending(const td_state *st) { return st->lazy != NULL; }

int td_state_snap_image_used(const td_state *st) { return st && st->img != NULL; }

void td_state_snap_idle(const td_state *st)
{
    if (st && st->lazy && st->lazy->src.idle) st->lazy->src.idle(st->lazy->src.arg);
}

/* One report's texts from its chunk into x (nothing else of x changes); e says how much evidence. */
static void td__r_texts(td__sr *r, td_report *x, const td__tent *e)
{
    x->result = td__r_str(r, TD__S_SHARED | TD__S_ARENA);
    x->difficulties = td__r_str(r, TD__S_SHARED | TD__S_ARENA);
    x->proposals = td__r_str(r, TD__S_SHARED | TD__S_ARENA);
    if (!x->result) x->result = td__empty;
    if (!x->difficulties) x->difficulties = td__empty;
    if (!x->proposals) x->proposals = td__empty;
    x->evidence = td__r_strs(r, &x->n_evidence, TD__S_SHARED | TD__S_ARENA);
    if (x->n_evidence != e->ne && !r->bad) r->bad = TD_EPARSE;
    if ((x->docs = td__r_alloc_ar(r, e->nd, sizeof *x->docs)))
        for (; x->n_docs < e->nd && !r->bad; x->n_docs++) {
            td_evidence_doc *d = &x->docs[x->n_docs];
            d->date = (int32_t)td__r_u32(r);
            d->number = td__r_str(r, TD__S_SHARED | TD__S_ARENA);
            if (!(d->title = td__r_str(r, TD__S_SHARED | TD__S_ARENA))) d->title = td__empty;
            if (!d->number) d->number = td__empty;
        }
    if ((x->attachments = td__r_alloc_ar(r, e->na, sizeof *x->attachments)))
        for (; x->n_attachments < e->na && !r->bad; x->n_attachments++) {
            td_attachment_ref *a = &x->attachments[x->n_attachments];
            td__r(r, a->sha256, 32);
            a->size = td__r_u64(r);
            a->name = td__r_str(r, TD__S_SHARED | TD__S_ARENA);
            if (!(a->mime = td__r_str(r, TD__S_SHARED | TD__S_ARENA))) a->mime = td__empty;
            if (!a->name) a->name = td__empty;
        }
}

/* The first chunk of a task at or after `task`. */
static size_t td__chunk_first(const td__lazy *lz, uint32_t task)
{
    size_t lo = 0, hi = lz->n_chunks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lz->chunk[mid].task < task) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* A reader r over chunk k's bytes (buf, checked) that puts texts into the state's text block, past the list
 * of the reports the chunk names, which it checks: each of the snapshot's, of the chunk's task and agency, each
 * after the one before.  The list, or NULL (r->bad); *at: where report `want` stands in it (UINT32_MAX when it
 * is not there). */
static const uint8_t *td__chunk_open(td__sr *r, td_state *st, const td__lazy *lz, const uint8_t *buf,
                                     const td__tchunk *k, uint32_t want, uint32_t *at)
{
    const uint8_t *pos;
    memset(r, 0, sizeof *r);
    r->n = r->wlen = r->wcap = (size_t)k->len;
    r->w = buf;
    r->ar = st->tarena;
    r->ar_cap = st->tarena_len;
    r->ar_used = lz->ar_used;
    r->ar_pop = lz->ar_pop;
    r->what = "texts";
    *at = UINT32_MAX;
    if ((pos = td__r_span(r, (size_t)k->nrep * 4)))
        for (uint32_t j = 0, prev = 0; j < k->nrep && !r->bad; j++) {
            uint32_t p;
            memcpy(&p, pos + 4 * j, 4);
            if (p >= lz->n_ent || (j && p <= prev) || st->reports[p].task != k->task ||
                st->reports[p].agency != k->agency)
                r->bad = TD_EPARSE;
            if (p == want) *at = j;
            prev = p;
        }
    return r->bad ? NULL : pos;
}

/* Chunk k (its bytes in buf, checked) into the reports it names. */
static int td__chunk_parse(td_state *st, td__lazy *lz, const uint8_t *buf, const td__tchunk *k)
{
    td__sr r;
    uint32_t at;
    const uint8_t *pos = td__chunk_open(&r, st, lz, buf, k, UINT32_MAX, &at);
    for (uint32_t j = 0; j < k->nrep && !r.bad; j++) {
        uint32_t p;
        td_report *x, scratch;
        td__tent *e;
        memcpy(&p, pos + 4 * j, 4);
        x = &st->reports[p];
        e = &lz->ent[p];
        td_report *into = e->pend ? x : &scratch;   /* replaced since by the fold: read past it */
        into->evidence = NULL;
        into->docs = NULL;
        into->attachments = NULL;
        into->n_evidence = into->n_docs = into->n_attachments = 0;
        td__r_texts(&r, into, e);
        if (e->pend) e->pend = r.bad ? 1 : 0;
        if (r.bad && e->pend) {   /* left empty for the refold (what it took stays in the block) */
            x->result = x->difficulties = x->proposals = td__empty;
            x->evidence = NULL;
            x->docs = NULL;
            x->attachments = NULL;
            x->n_evidence = x->n_docs = x->n_attachments = 0;
        }
    }
    if (!r.bad && r.off != r.n) r.bad = TD_EPARSE;
    lz->ar_used = r.ar_used;
    lz->ar_pop = r.ar_pop;
    return r.bad;
}

/* Past one string of the section, reading nothing into memory. */
static void td__r_skip_str(td__sr *r)
{
    uint32_t l = td__r_u32(r);
    if (r->bad || l == TD__SNAP_NULL) return;
    if (td__r_need(r, l)) r->off += l;
}

/* Past one report's texts (td__r_texts reads them), with the evidence counts its entry e says. */
static void td__r_skip_texts(td__sr *r, const td__tent *e)
{
    size_t n;
    for (int k = 0; k < 3; k++) td__r_skip_str(r);
    n = td__r_count(r, 4);
    if (n != e->ne && !r->bad) r->bad = TD_EPARSE;
    for (size_t k = 0; k < n && !r->bad; k++) td__r_skip_str(r);
    for (size_t k = 0; k < e->nd && !r->bad; k++) {
        (void)td__r_u32(r);
        td__r_skip_str(r);
        td__r_skip_str(r);
    }
    for (size_t k = 0; k < e->na && !r->bad; k++) {
        if (td__r_need(r, 40)) r->off += 40;   /* sha256 and size */
        td__r_skip_str(r);
        td__r_skip_str(r);
    }
}

/* Report `want` of chunk k (its bytes in buf, checked) read alone: the chunk's reports before it are walked
 * past, nothing else of the chunk is written (the reports' records stay as they are: on a state whose records
 * lie in its image, each record written is a page copied). */
static int td__chunk_parse_one(td_state *st, td__lazy *lz, const uint8_t *buf, const td__tchunk *k, uint32_t want)
{
    td__sr r;
    uint32_t at;
    const uint8_t *pos = td__chunk_open(&r, st, lz, buf, k, want, &at);
    if (!r.bad && at == UINT32_MAX) r.bad = TD_EPARSE;   /* the chunk does not name it */
    for (uint32_t j = 0; j < at && !r.bad; j++) {
        uint32_t p;
        memcpy(&p, pos + 4 * j, 4);
        td__r_skip_texts(&r, &lz->ent[p]);
    }
    if (!r.bad) {
        td_report *x = &st->reports[want], t;
        t = *x;
        t.evidence = NULL;
        t.docs = NULL;
        t.attachments = NULL;
        t.n_evidence = t.n_docs = t.n_attachments = 0;
        td__r_texts(&r, &t, &lz->ent[want]);
        if (!r.bad) {   /* whole, or not at all: the refold gives it */
            x->result = t.result;
            x->difficulties = t.difficulties;
            x->proposals = t.proposals;
            x->evidence = t.evidence;
            x->n_evidence = t.n_evidence;
            x->docs = t.docs;
            x->n_docs = t.n_docs;
            x->attachments = t.attachments;
            x->n_attachments = t.n_attachments;
            lz->ent[want].pend = 0;
        }
    }
    lz->ar_used = r.ar_used;
    lz->ar_pop = r.ar_pop;
    return r.bad;
}

/* Chunk k's bytes from the source into *buf (of *cap bytes, grown as needed), checked against its checksum
 * once. */
static int td__chunk_get(td__lazy *lz, td__tchunk *k, uint8_t **buf, size_t *cap)
{
    if (k->len > *cap) {
        free(*buf);
        if (!(*buf = malloc((size_t)k->len))) {
            *cap = 0;
            return TD_ENOMEM;
        }
        *cap = (size_t)k->len;
    }
    if (k->len && lz->src.rd(lz->src.arg, lz->toff + k->off, *buf, (size_t)k->len)) return TD_EIO;
    if (!k->verified && XXH64(*buf, (size_t)k->len, 0) != k->sum) return TD_EPARSE;
    k->verified = 1;
    return 0;
}

/* Read the chunks [from, to) not read yet from the source (with one != SIZE_MAX: only report `one`, of chunk
 * `from`); 0 or an error (then the chunks that failed stay to read). */
static int td__texts_load(td_state *st, size_t from, size_t to, size_t one, td_error *err)
{
    td__lazy *lz = st->lazy;
    uint8_t hdr[TD_SNAP_HEADER], *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    const char *why = TD_MSG_SNAP_TEXTS_BAD;

    if (lz->src.rd(lz->src.arg, 0, hdr, sizeof hdr) || memcmp(hdr, lz->hdr, sizeof hdr)) {
        why = TD_MSG_SNAP_TEXTS_CHANGED;
        return td_error_set(err, TD_EPARSE, "fold snapshot: stored again since it was loaded | " TD_MSG_SNAP_TEXTS,
                            why);
    }
    if (!st->tarena) {   /* sized for the whole section (as the main part's block, td__snap_decode) */
        size_t need = (size_t)lz->tlen * 2 + 64 * (lz->n_chunks + 1);
        if (!(st->tarena = malloc(need))) return td_error_set(err, TD_ENOMEM, "fold snapshot texts | " TD_MSG_NOMEM);
        st->tarena_len = need;
    }
    for (size_t c = from; !rc && c < to; c++) {
        td__tchunk *k = &lz->chunk[c];
        if (k->loaded) continue;
        if ((rc = td__chunk_get(lz, k, &buf, &cap))) break;
        if (one != SIZE_MAX) {
            rc = td__chunk_parse_one(st, lz, buf, k, (uint32_t)one);
            break;
        }
        if ((rc = td__chunk_parse(st, lz, buf, k))) break;
        k->loaded = 1;
        lz->left--;
    }
    free(buf);
    if (rc)
        return td_error_set(err, rc, "fold snapshot: its text section %s | " TD_MSG_SNAP_TEXTS,
                            rc == TD_ENOMEM ? "out of memory" : rc == TD_EIO ? "cannot be read" : "is damaged",
                            rc == TD_ENOMEM ? TD_MSG_NOMEM : rc == TD_EIO ? TD_MSG_SNAP_UNREADABLE : why);
    if (!lz->left) td__texts_free(st);   /* all read: nothing left to read */
    return 0;
}

/* The pending reports' texts from a fold of the log (the source's refold): taken from its reports, which
 * are the loaded state's in the same order. */
static int td__texts_refold(td_state *st, const char *why, td_error *err)
{
    td__lazy *lz = st->lazy;
    td_state *f = NULL;
    int rc;
    if (!lz->src.refold)
        return td_error_set(err, TD_EPARSE, "fold snapshot texts: no refold | " TD_MSG_SNAP_TEXTS, TD_MSG_SNAP_TEXTS_BAD);
    if ((rc = lz->src.refold(lz->src.arg, st->last_index, why, &f, err))) return rc;
    if (f->n_reports < lz->n_ent || f->tarena || f->arena) {
        td_state_free(f);
        return td_error_set(err, TD_EPARSE, "fold snapshot texts: the refold does not match the snapshot | "
                            TD_MSG_SNAP_TEXTS, TD_MSG_SNAP_TEXTS_REFOLD);
    }
    for (size_t i = 0; i < lz->n_ent; i++) {
        const td_report *a = &st->reports[i], *b = &f->reports[i];
        if (lz->ent[i].pend && (a->task != b->task || a->index != b->index || strcmp(a->period, b->period) ||
                                strcmp(a->agency, b->agency))) {
            td_state_free(f);
            return td_error_set(err, TD_EPARSE, "fold snapshot texts: the refold does not match the snapshot | "
                            TD_MSG_SNAP_TEXTS, TD_MSG_SNAP_TEXTS_REFOLD);
        }
    }
    for (size_t i = 0; i < lz->n_ent; i++) {
        td_report *a = &st->reports[i], *b = &f->reports[i];
        if (!lz->ent[i].pend) continue;
        /* a's fields are empty (td__empty, NULL; the image's "" is not f's to free): swapped, f frees nothing
         * of them */
        if (td__in_img(st, a->result)) a->result = td__empty;
        if (td__in_img(st, a->difficulties)) a->difficulties = td__empty;
        if (td__in_img(st, a->proposals)) a->proposals = td__empty;
#define TD__SWAP(x)                                                                                                        do {                                                                                                                       __typeof__(a->x) t_ = a->x;                                                                                            a->x = b->x;                                                                                                           b->x = t_;                                                                                                         } while (0)
        TD__SWAP(result);
        TD__SWAP(difficulties);
        TD__SWAP(proposals);
        TD__SWAP(evidence);
        TD__SWAP(n_evidence);
        TD__SWAP(docs);
        TD__SWAP(n_docs);
        TD__SWAP(attachments);
        TD__SWAP(n_attachments);
#undef TD__SWAP
        lz->ent[i].pend = 0;
    }
    td_state_free(f);
    td__texts_free(st);
    return 0;
}

void td__texts_need(td_state *st, uint32_t task, const char *agency, int all)
{
    td__lazy *lz = st->lazy;
    td_error e = {0}, e2 = {0};
    size_t from = 0, to = lz ? lz->n_chunks : 0, k = 0;
    int rc;
    if (!lz || lz->failed) return;
    if (!all) {
        /* the task's chunks, or the one of the report's agency; none: not in the snapshot */
        from = td__chunk_first(lz, task);
        for (to = from; to < lz->n_chunks && lz->chunk[to].task == task; to++) {}
        if (agency) {   /* agencies are the state's one copy each: compared by address */
            while (from < to && lz->chunk[from].agency != agency) from++;
            if (from < to) to = from + 1;
        }
        if (from == to) return;
        for (size_t c = from; c < to; c++) k += !lz->chunk[c].loaded;
        if (!k) return;   /* read */
        /* a reader of a few reports or tasks reads their chunks; one that went through many reads the rest at
         * once */
        if ((lz->n_single += k) > lz->n_chunks / TD__TEXT_SINGLE_SHARE + 1) from = 0, to = lz->n_chunks;
    }
    rc = td__texts_load(st, from, to, SIZE_MAX, &e);
    if (!st->lazy || !rc) return;   /* all read (the source released), or these */
    if (lz->src.idle) lz->src.idle(lz->src.arg);   /* let go of the blob before the refold */
    if (td__texts_refold(st, e.msg, &e2)) {
        lz->failed = 1;
        td_log_warn("fold snapshot: report texts not read (%s; %s): they show empty", e.msg, e2.msg);
    }
}

void td__texts_one(td_state *st, size_t i)
{
    td__lazy *lz = st->lazy;
    const td_report *x;
    td_error e = {0}, e2 = {0};
    size_t c;
    if (!lz || lz->failed || i >= lz->n_ent || !lz->ent[i].pend) return;
    x = &st->reports[i];
    for (c = td__chunk_first(lz, x->task); c < lz->n_chunks && lz->chunk[c].task == x->task; c++)
        if (lz->chunk[c].agency == x->agency) break;   /* the state's one copy of each slug: by address */
    if (c == lz->n_chunks || lz->chunk[c].task != x->task || lz->chunk[c].loaded) return;
    /* a reader that went through many reports one by one reads the rest at once */
    if (++lz->n_one > lz->n_ent / TD__TEXT_SINGLE_SHARE + 1) {
        td__texts_need(st, 0, NULL, 1);
        return;
    }
    if (!td__texts_load(st, c, c + 1, i, &e)) return;
    if (lz->src.idle) lz->src.idle(lz->src.arg);   /* let go of the blob before the refold */
    if (td__texts_refold(st, e.msg, &e2)) {
        lz->failed = 1;
        td_log_warn("fold snapshot: report texts not read (%s; %s): they show empty", e.msg, e2.msg);
    }
}

static int td__snap_header(const uint8_t *buf, size_t n, uint64_t *last, uint64_t *count, uint64_t *body,
                           uint64_t *main, td_error *err)
{
    uint32_t fmt;
    uint64_t layout;
    if (n < TD_SNAP_HEADER || memcmp(buf, td__snap_magic, 8))
        return td_error_set(err, TD_EPARSE, "fold snapshot: not a snapshot (%zu bytes, no TDSNAP header) | "
                            TD_MSG_SNAP_NOT, n, n);
    memcpy(&fmt, buf + 8, 4);
    memcpy(&layout, buf + 16, 8);
    if (fmt != TD_SNAP_FORMAT)
        return td_error_set(err, TD_EVERSION, "fold snapshot: format %u, this build reads %u | " TD_MSG_SNAP_FORMAT,
                            fmt, TD_SNAP_FORMAT, fmt, TD_SNAP_FORMAT);
    if (layout != td__snap_layout())
        return td_error_set(err, TD_EVERSION, "fold snapshot: written by a build with other record layouts | "
                            TD_MSG_SNAP_LAYOUT);
    memcpy(last, buf + 24, 8);
    memcpy(count, buf + 32, 8);
    memcpy(body, buf + 40, 8);
    memcpy(main, buf + 48 + TD__SUM_USED, 8);
    if (*body != n - TD_SNAP_HEADER || *main > *body)
        return td_error_set(err, TD_EPARSE, "fold snapshot: body of %zu bytes, header says %llu | " TD_MSG_SNAP_BODY_LEN,
                            n - TD_SNAP_HEADER, (unsigned long long)*body, n - TD_SNAP_HEADER,
                            (unsigned long long)*body);
    return 0;
}

int td_state_snap_peek(const uint8_t *buf, size_t n, uint64_t *last_index, uint64_t *count, td_error *err)
{
    uint64_t body, main;
    return td__snap_header(buf, n, last_index, count, &body, &main, err);
}

int td_state_snap_usable(const uint8_t *hdr, size_t n)
{
    uint32_t fmt;
    uint64_t layout;
    if (!hdr || n < TD_SNAP_HEADER || memcmp(hdr, td__snap_magic, 8)) return TD_EPARSE;
    memcpy(&fmt, hdr + 8, 4);
    memcpy(&layout, hdr + 16, 8);
    return fmt == TD_SNAP_FORMAT && layout == td__snap_layout() ? 0 : TD_EVERSION;
}

/* The fold's invariants the readers index by: what a damaged blob could break into an out-of-bounds read. */
static const char *td__snap_check(const td_state *st)
{
    if (st->has_plan != 0 && st->has_plan != 1) return "plan flag";
    for (size_t i = 0; i < st->n_plans; i++)   /* first imports, in log order */
        if (!st->plan_index || st->plan_index[i] > st->last_index || (i && st->plan_index[i] <= st->plan_index[i - 1]))
            return "plan indexes";
    if (st->n_authors > UINT32_MAX || st->n_reports > UINT32_MAX || st->n_rents > UINT32_MAX ||
        st->n_ivals > UINT32_MAX || st->n_conds > UINT32_MAX)
        return "counts";
    if (st->dg) {
        const td__dg *d = st->dg;
        size_t lim[TD__DG_NMUT] = {st->n_authors, st->n_reports, st->n_ivals, st->n_conds};
        for (int k = 0; k < TD__DG_NMUT; k++)
            if (d->n_mut[k] > lim[k]) return "digest accumulator";
        if (d->n_vers > st->n_rents || d->n_reviews > st->n_reviews || d->n_dchanges > st->n_dchanges ||
            d->n_conflicts > st->n_conflicts || d->n_refusals > st->n_refusals ||
            d->n_touch > sizeof d->touch / sizeof d->touch[0])
            return "digest accumulator";
        for (size_t k = 0; k < d->n_touch; k++)
            if (d->touch[k].what < 0 || d->touch[k].what >= TD__DG_NMUT || d->touch[k].i >= lim[d->touch[k].what])
                return "digest accumulator";
    }
    return NULL;
}

static int td__snap_decode(td__sr *r, const uint8_t hdr[TD_SNAP_HEADER], X509 *ca, uint8_t *img, size_t img_n,
                           int *img_bad, td_state **out, td_error *err);
static int td__texts_load(td_state *st, size_t from, size_t to, size_t one, td_error *err);

static int td__mem_read(void *arg, uint64_t off, void *dst, size_t n)
{
    memcpy(dst, (const uint8_t *)arg + off, n);
    return 0;
}

/* The texts of a state just decoded, all read now from the same blob: a failure refuses the blob. */
static int td__texts_now(td_state *st, td_snap_read_fn rd, void *arg, td_error *err)
{
    int rc;
    if (!st->lazy) return 0;
    st->lazy->src.rd = rd;
    st->lazy->src.arg = arg;
    if ((rc = td__texts_load(st, 0, st->lazy->n_chunks, SIZE_MAX, err))) {
        td_state_free(st);
        return rc;
    }
    return 0;
}

/* The main part of a blob in memory, read where it lies (its whole main part is the window). */
static int td__snap_decode_mem(const uint8_t *buf, size_t n, X509 *ca, uint8_t *img, size_t img_n, int *img_bad,
                               td_state **out, td_error *err)
{
    td__sr r = {0};
    uint64_t last, count, body, main;
    int rc;
    *out = NULL;
    if (img && (n < TD_SNAP_HEADER || (rc = td__snap_header(buf, n, &last, &count, &body, &main, NULL)))) {
        munmap(img, img_n);   /* not this blob's, whatever it is */
        img = NULL;
    }
    if (n < TD_SNAP_HEADER) return td_state_snap_read(td__mem_read, (void *)buf, n, ca, out, err);
    if ((rc = td__snap_header(buf, n, &last, &count, &body, &main, err))) return rc;
    r.n = TD_SNAP_HEADER + (size_t)main;
    r.off = r.wbeg = TD_SNAP_HEADER;
    r.w = buf + TD_SNAP_HEADER;
    r.mem = buf;   /* the window starts empty and grows (td__r_need_slow) */
    td__xxh_init(&r.mac);
    td__xxh_update(&r.mac, buf, 48);
    return td__snap_decode(&r, buf, ca, img, img_n, img_bad, out, err);
}

int td_state_snap_decode(const uint8_t *buf, size_t n, X509 *ca, td_state **out, td_error *err)
{
    int rc = td__snap_decode_mem(buf, n, ca, NULL, 0, NULL, out, err);
    if (!rc && (rc = td__texts_now(*out, td__mem_read, (void *)buf, err))) *out = NULL;
    return rc;
}

int td_state_snap_decode_lazy(const uint8_t *buf, size_t n, X509 *ca, const td_snap_src *texts, td_state **out,
                              td_error *err)
{
    int img_bad = 0;
    int rc = td__snap_decode_mem(buf, n, ca, texts->img, texts->img_n, &img_bad, out, err);
    if (rc && img_bad) {   /* the image is not this blob's (and is unmapped): the records decoded anew */
        td_log_debug("fold snapshot: its records' image does not match it (%s): not used", err ? err->msg : "");
        if (err) memset(err, 0, sizeof *err);
        rc = td__snap_decode_mem(buf, n, ca, NULL, 0, NULL, out, err);
    }
    if (rc) return rc;
    if ((*out)->lazy) (*out)->lazy->src = *texts;
    else if (texts->release) texts->release(texts->arg);   /* no text to read: the source is not needed */
    return 0;
}

static int td__snap_read(td_snap_read_fn rd, void *arg, size_t n, X509 *ca, td_state **out, td_error *err)
{
    td__sr r = {0};
    uint8_t hdr[TD_SNAP_HEADER];
    uint64_t last, count, body, main;
    int rc;
    *out = NULL;
    if (n < TD_SNAP_HEADER)
        return td_error_set(err, TD_EPARSE, "fold snapshot: not a snapshot (%zu bytes, no TDSNAP header) | "
                            TD_MSG_SNAP_NOT, n, n);
    if (rd(arg, 0, hdr, sizeof hdr)) return td_error_set(err, TD_EIO, "fold snapshot: cannot read its header | "
                                                         TD_MSG_SNAP_HEADER_READ);
    if ((rc = td__snap_header(hdr, n, &last, &count, &body, &main, err))) return rc;
    r.n = TD_SNAP_HEADER + (size_t)main;   /* the window never reads into the text section */
    r.off = r.wbeg = TD_SNAP_HEADER;
    r.rd = rd;
    r.arg = arg;
    r.wcap = TD__WINDOW;
    if (!(r.own = malloc(r.wcap))) return td_error_set(err, TD_ENOMEM, "fold snapshot: out of memory | " TD_MSG_NOMEM);
    r.w = r.own;
    td__xxh_init(&r.mac);
    td__xxh_update(&r.mac, hdr, 48);
    rc = td__snap_decode(&r, hdr, ca, NULL, 0, NULL, out, err);
    free(r.own);
    return rc;
}

int td_state_snap_read(td_snap_read_fn rd, void *arg, size_t n, X509 *ca, td_state **out, td_error *err)
{
    int rc = td__snap_read(rd, arg, n, ca, out, err);
    if (!rc && (rc = td__texts_now(*out, rd, arg, err))) *out = NULL;
    return rc;
}

/* The body after the header; the checksum is compared at the end, over everything read. */
/* The records' image does not match the blob: this load ends, and starts again without it. */
static int td__img_reject(td__sr *r, int *img_bad)
{
    if (!r->bad) {
        r->what = "records' image";
        r->bad = TD_EPARSE;
        if (img_bad) *img_bad = 1;
    }
    return -1;
}

static int td__snap_decode(td__sr *r, const uint8_t hdr[TD_SNAP_HEADER], X509 *ca, uint8_t *img, size_t img_n,
                           int *img_bad, td_state **out, td_error *err)
{
    td_state *st;
    uint64_t last, count;
    uint8_t mac[TD__SUM_USED];
    const char *bad;
    td__rpool pool = {0};
    uint32_t *rorder = NULL, *vorder = NULL;
    size_t c, n = r->n;
    td__lazy *lz = NULL;
    td__imgv iv;
    int rc, use_img = 0;

    memcpy(&last, hdr + 24, 8);   /* the caller checked the header (td__snap_header) */
    memcpy(&count, hdr + 32, 8);
    if (!(st = td_state_new(ca))) {
        if (img) munmap(img, img_n);
        return td_error_set(err, TD_ENOMEM, "fold snapshot: out of memory | " TD_MSG_NOMEM);
    }
    td_registry_free(&st->reg);
    memset(&st->reg, 0, sizeof st->reg);
    st->last_index = last;
    st->count = count;
    /* the records' image: the state's from here (freed with it), used if every record matches it */
    if (img && td__img_open(&iv, img, img_n, hdr)) {
        st->img = img;
        st->img_len = img_n;
        use_img = 1;
    } else if (img) {
        munmap(img, img_n);
    }

    r->what = "agencies of the reports";
    pool.s = td__r_strs(r, &pool.n, 0);
    if (use_img && pool.n != iv.h->n_pool) use_img = td__img_reject(r, img_bad);
    if ((pool.ip = td__r_alloc(r, pool.n, sizeof *pool.ip))) {
        for (size_t i = 0; i < pool.n && !r->bad && use_img >= 0; i++) {
            const char *p = use_img ? td__img_slug(&iv, i, pool.s[i]) : NULL;
            if (strlen(pool.s[i]) > TD_AGENCY_MAX) r->bad = TD_EPARSE;
            else if (use_img && !p) use_img = td__img_reject(r, img_bad);
            else if (!(pool.ip[i] = p ? td__intern_img(st, p) : td__intern(st, pool.s[i]))) r->bad = TD_ENOMEM;
        }
    }

    r->what = "plan";
    st->has_plan = (int)td__r_u64(r);
    td__r_plan(r, &st->plan);
    c = td__r_count(r, 8);
    st->plans = td__r_alloc(r, c, sizeof *st->plans);
    for (size_t i = 0; st->plans && i < c && !r->bad; i++) {
        td_plan_init(&st->plans[i]);
        st->n_plans = i + 1;
        td__r_plan(r, &st->plans[i]);
    }
    if (c && !r->bad && (st->plan_index = td__r_alloc(r, c, sizeof *st->plan_index)))
        for (size_t i = 0; i < c && !r->bad; i++) st->plan_index[i] = td__r_u64(r);
    r->what = "registry";
    td__r_registry(r, &st->reg);
    st->n_agency_entries = (size_t)td__r_u64(r);
    td__r(r, st->server_key, 32);
    st->has_server = (int)td__r_u64(r);

    r->what = "authors";
    c = td__r_count(r, sizeof *st->authors);
    if ((st->authors = td__r_alloc(r, c, sizeof *st->authors))) {
        td__r(r, st->authors, c * sizeof *st->authors);
        st->n_authors = st->cap_authors = c;
        for (size_t i = 0; i < c; i++) {
            TD__FIXED(r, st->authors[i].agency);
            TD__FIXED(r, st->authors[i].device);
        }
    }

    r->what = "reports";
    c = td__r_count(r, TD__REPORT_FIXED + 4);
    if (use_img > 0 && (c != iv.h->n_reports || !c)) use_img = td__img_reject(r, img_bad);   /* none: no use */
    if (use_img > 0) st->reports = iv.rep, st->cap_reports = c;
    else if (use_img == 0 && (st->reports = td__r_alloc(r, c, sizeof *st->reports))) st->cap_reports = c;
    if (c && !r->bad && !(lz = calloc(1, sizeof *lz))) r->bad = TD_ENOMEM;
    if (lz && !(lz->ent = td__r_alloc(r, c, sizeof *lz->ent))) r->bad = TD_ENOMEM;
    /* the reports' review comments in one block: what remains of the blob bounds them (each text is
     * its bytes after a 4-byte length); pages never written are never touched */
    if (st->reports && !r->bad && !use_img) {
        size_t cap = (r->n - r->off) * 2 + 64;
        if ((r->ar = malloc(cap))) {
            st->arena = r->ar;
            st->arena_len = r->ar_cap = cap;
        }
    }
    for (size_t i = 0; st->reports && i < c && !r->bad && use_img >= 0; i++) {
        td_report tmp, *x = &st->reports[i];
        uint64_t ne = 0, nd = 0, na = 0;
        if (use_img) {   /* decoded beside the image's record, which must be the same */
            memset(&tmp, 0, sizeof tmp);
            td__r_report(r, st, &pool, &tmp, &ne, &nd, &na);
            tmp.result = tmp.difficulties = tmp.proposals = (char *)iv.empty;
            if (!(tmp.review_comment = (char *)td__img_str(r, &iv, x->review_comment)) ||
                memcmp(&tmp, x, sizeof tmp)) {
                use_img = td__img_reject(r, img_bad);
                break;
            }
            st->n_reports = i + 1;
            if (ne > TD_REPORT_EVIDENCE_MAX || nd > TD_REPORT_EVIDENCE_MAX || na > TD_REPORT_EVIDENCE_MAX)
                r->bad = TD_EPARSE;
            lz->ent[i].pend = 1;
            lz->ent[i].ne = (uint8_t)ne;
            lz->ent[i].nd = (uint8_t)nd;
            lz->ent[i].na = (uint8_t)na;
            continue;
        }
        td__r_report(r, st, &pool, x, &ne, &nd, &na);
        /* owned fields safe to free before anything is read into them */
        x->result = x->difficulties = x->proposals = x->review_comment = td__empty;
        x->evidence = NULL;
        x->docs = NULL;
        x->attachments = NULL;
        x->n_evidence = x->n_docs = x->n_attachments = 0;
        st->n_reports = i + 1;
        if (ne > TD_REPORT_EVIDENCE_MAX || nd > TD_REPORT_EVIDENCE_MAX || na > TD_REPORT_EVIDENCE_MAX)
            r->bad = TD_EPARSE;
        if (!(x->review_comment = td__r_str(r, TD__S_SHARED | TD__S_ARENA))) x->review_comment = td__empty;
        /* the other texts wait in the text section (td__texts_load) */
        lz->ent[i].pend = 1;
        lz->ent[i].ne = (uint8_t)ne;
        lz->ent[i].nd = (uint8_t)nd;
        lz->ent[i].na = (uint8_t)na;
    }
    r->ar = NULL;   /* the rest (reviews, conditions...) malloc'd one by one */

    r->what = "report versions";
    c = td__r_count(r, TD__VERSION_FIXED + 4);
    if (use_img > 0 && c != iv.h->n_versions) use_img = td__img_reject(r, img_bad);
    if (use_img > 0 && c) {
        st->rents = iv.rent;
        st->versions = iv.ver;
        st->n_rents = st->cap_rents = st->cap_versions = c;
        for (size_t i = 0; i < c && !r->bad; i++) {
            td_report_version tv;
            td__rent tr;
            memset(&tv, 0, sizeof tv);
            memset(&tr, 0, sizeof tr);
            td__r_version(r, st, &pool, &tv, &tr);
            if (!r->bad && (memcmp(&tv, &iv.ver[i], sizeof tv) || memcmp(&tr, &iv.rent[i], sizeof tr))) {
                use_img = td__img_reject(r, img_bad);
                break;
            }
        }
    } else if (use_img == 0 && (st->rents = td__r_alloc(r, c, sizeof *st->rents)) &&
               (st->versions = td__r_alloc(r, c, sizeof *st->versions))) {
        st->n_rents = st->cap_rents = st->cap_versions = c;
        for (size_t i = 0; i < c && !r->bad; i++) td__r_version(r, st, &pool, &st->versions[i], &st->rents[i]);
    }


    r->what = "reviews";
    c = td__r_count(r, sizeof *st->reviews);
    if ((st->reviews = td__r_alloc(r, c, sizeof *st->reviews))) st->cap_reviews = c;
    for (size_t i = 0; st->reviews && i < c && !r->bad; i++) {
        td_review_event *x = &st->reviews[i];
        td__r(r, x, sizeof *x);
        x->comment = td__empty;
        st->n_reviews = i + 1;
        TD__FIXED(r, x->agency);
        TD__FIXED(r, x->period);
        if (!(x->comment = td__r_str(r, TD__S_SHARED))) x->comment = td__empty;
    }

    r->what = "deadline changes";
    c = td__r_count(r, sizeof *st->dchanges);
    if ((st->dchanges = td__r_alloc(r, c, sizeof *st->dchanges))) st->cap_dchanges = c;
    for (size_t i = 0; st->dchanges && i < c && !r->bad; i++) {
        td_deadline_change *x = &st->dchanges[i];
        td__r(r, x, sizeof *x);
        memset(&x->before, 0, sizeof x->before);
        memset(&x->after, 0, sizeof x->after);
        x->reason = td__empty;
        st->n_dchanges = i + 1;
        td__r_deadline(r, &x->before);
        td__r_deadline(r, &x->after);
        if (!(x->reason = td__r_str(r, TD__S_SHARED))) x->reason = td__empty;
    }

    r->what = "indicator values";
    c = td__r_count(r, sizeof *st->ivals);
    if ((st->ivals = td__r_alloc(r, c, sizeof *st->ivals))) st->cap_ivals = c;
    for (size_t i = 0; st->ivals && i < c && !r->bad; i++) {
        td_indicator_value *x = &st->ivals[i];
        td__r(r, x, sizeof *x);
        x->text = td__empty;
        st->n_ivals = i + 1;
        TD__FIXED(r, x->code);
        TD__FIXED(r, x->agency);
        TD__FIXED(r, x->period);
        if (!(x->text = td__r_str(r, TD__S_SHARED))) x->text = td__empty;
    }

    r->what = "conditions";
    c = td__r_count(r, sizeof *st->conds);
    if ((st->conds = td__r_alloc(r, c, sizeof *st->conds))) st->cap_conds = c;
    for (size_t i = 0; st->conds && i < c && !r->bad; i++) {
        td_condition *x = &st->conds[i];
        td__r(r, x, sizeof *x);
        x->note = td__empty;
        st->n_conds = i + 1;
        if (!(x->note = td__r_str(r, TD__S_SHARED))) x->note = td__empty;
    }
    c = td__r_count(r, sizeof *st->cond_hist);
    if ((st->cond_hist = td__r_alloc(r, c, sizeof *st->cond_hist))) st->cap_cond_hist = c;
    for (size_t i = 0; st->cond_hist && i < c && !r->bad; i++) {
        td_condition *x = &st->cond_hist[i];
        td__r(r, x, sizeof *x);
        x->note = td__empty;
        st->n_cond_hist = i + 1;
        if (!(x->note = td__r_str(r, TD__S_SHARED))) x->note = td__empty;
    }

    r->what = "refusals";
    c = td__r_count(r, sizeof *st->refusals);
    if ((st->refusals = td__r_alloc(r, c, sizeof *st->refusals))) {
        td__r(r, st->refusals, c * sizeof *st->refusals);
        st->n_refusals = st->cap_refusals = c;
        for (size_t i = 0; i < c; i++) {
            TD__FIXED(r, st->refusals[i].agency);
            TD__FIXED(r, st->refusals[i].reason);
        }
    }
    r->what = "conflicts";
    c = td__r_count(r, sizeof *st->conflicts);
    if ((st->conflicts = td__r_alloc(r, c, sizeof *st->conflicts))) {
        td__r(r, st->conflicts, c * sizeof *st->conflicts);
        st->n_conflicts = st->cap_conflicts = c;
        for (size_t i = 0; i < c; i++) {
            TD__FIXED(r, st->conflicts[i].agency);
            TD__FIXED(r, st->conflicts[i].period);
        }
    }

    r->what = "digest accumulator";
    if (td__r_u64(r) == 1 && !r->bad) {
        td__dg *d = td__r_alloc(r, 1, sizeof *d);
        st->dg = d;
        if (d) {
            d->valid = (int)td__r_u64(r);
            d->plan_dirty = (int)td__r_u64(r);
            td__r(r, d->plan_part, 32);
            td__r(r, d->sum, sizeof d->sum);
            for (int k = 0; k < TD__DG_NMUT && !r->bad; k++) {
                size_t m = td__r_count(r, 32);
                if ((d->seed[k] = td__r_alloc(r, m, 32))) {
                    td__r(r, d->seed[k], m * 32);
                    d->n_mut[k] = d->cap_mut[k] = m;
                }
            }
            d->n_vers = (size_t)td__r_u64(r);
            d->n_reviews = (size_t)td__r_u64(r);
            d->n_dchanges = (size_t)td__r_u64(r);
            d->n_conflicts = (size_t)td__r_u64(r);
            d->n_refusals = (size_t)td__r_u64(r);
            d->n_touch = (size_t)td__r_u64(r);
            if (d->n_touch > sizeof d->touch / sizeof d->touch[0]) {
                d->n_touch = 0;
                r->bad = TD_EPARSE;
            }
            for (size_t k = 0; k < d->n_touch && !r->bad; k++) {
                d->touch[k].what = (int)td__r_u64(r);
                d->touch[k].i = (size_t)td__r_u64(r);
            }
        }
    }

    r->what = "sorted views";
    c = td__r_count(r, 4);
    if (c && c != st->n_reports && !r->bad) r->bad = TD_EPARSE;
    if ((rorder = td__r_alloc(r, c, sizeof *rorder))) td__r(r, rorder, c * sizeof *rorder);
    c = td__r_count(r, 4);
    if (c && c != st->n_rents && !r->bad) r->bad = TD_EPARSE;
    if ((vorder = td__r_alloc(r, c, sizeof *vorder))) td__r(r, vorder, c * sizeof *vorder);

    r->what = "text section index";
    c = td__r_count(r, 36);
    if (lz) {
        uint64_t at = 0, reps = 0;
        uint32_t prev_ag = 0;
        lz->n_ent = st->n_reports;
        lz->toff = n;
        memcpy(&lz->tlen, hdr + 40, 8);
        lz->tlen -= n - TD_SNAP_HEADER;   /* the header's body length minus the main part's */
        memcpy(lz->hdr, hdr, TD_SNAP_HEADER);
        if ((lz->chunk = td__r_alloc(r, c, sizeof *lz->chunk))) lz->n_chunks = lz->left = c;
        for (size_t i = 0; lz->chunk && i < c && !r->bad; i++) {
            td__tchunk *k = &lz->chunk[i];
            uint32_t ag;
            k->task = td__r_u32(r);
            ag = td__r_u32(r);
            k->nrep = td__r_u32(r);
            k->off = td__r_u64(r);
            k->len = td__r_u64(r);
            k->sum = td__r_u64(r);
            k->agency = ag < pool.n ? pool.ip[ag] : NULL;
            /* (task, agency) in order, chunks end to end over the whole section, every report in one */
            if (ag >= pool.n || (i && (k->task < lz->chunk[i - 1].task ||
                                       (k->task == lz->chunk[i - 1].task && ag <= prev_ag))) ||
                k->off != at || k->len > lz->tlen - at || !k->nrep)
                r->bad = TD_EPARSE;
            prev_ag = ag;
            at += k->len;
            reps += k->nrep;
        }
        if (!r->bad && (at != lz->tlen || reps != st->n_reports)) r->bad = TD_EPARSE;
    } else if (c && !r->bad) {
        r->bad = TD_EPARSE;   /* chunks without reports */
    }

    if (!r->bad && r->off != r->n) {
        r->what = "end";
        r->bad = TD_EPARSE;
    }
    td__xxh_final(&r->mac, mac);
    if (!r->bad && memcmp(mac, hdr + 48, sizeof mac)) {
        r->what = "checksum (damaged or cut)";
        r->bad = TD_EPARSE;
    }
    if (!r->bad && (bad = td__snap_check(st))) {
        r->what = bad;
        r->bad = TD_EPARSE;
    }
    for (size_t i = 0; i < pool.n; i++) free(pool.s[i]);
    free(pool.s);
    free(pool.ip);
    if (!r->bad && (rc = td__state_reindex(st))) {
        r->what = "report versions: a report out of range";
        r->bad = rc;
    }
    if (r->bad) {
        rc = td_error_set(err, r->bad, "fold snapshot: %s at byte %zu of %zu: %s | " TD_MSG_SNAP_BAD_AT, r->what,
                          r->off, n,
                          r->bad == TD_ENOMEM ? "out of memory" : r->bad == TD_EIO ? "cannot read" : "does not decode",
                          r->off, n, r->bad == TD_ENOMEM ? TD_MSG_NOMEM : r->bad == TD_EIO ? TD_MSG_SNAP_UNREADABLE
                          : TD_MSG_SNAP_UNDECODABLE);
        free(rorder);
        free(vorder);
        td__lazy_free(lz);
        td_state_free(st);
        return rc;
    }
    td__view_orders_set(st, rorder, vorder);
    st->lazy = lz;
    *out = st;
    return 0;
}
