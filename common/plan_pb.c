/* plan_pb.c — see plan_pb.h. */
#include "plan_pb.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "plan.pb-c.h"

/* protobuf-c wants non-NULL strings in messages it packs */
static char *td__s(const char *s)
{
    return (char *)(s ? s : "");
}

/* --- encode: messages point at the plan's strings (borrowed) --------------- */

typedef struct {
    void **v;
    size_t n, cap;
    int oom;
} td__arena;

static void *td__alloc(td__arena *a, size_t size)
{
    void *p;
    if (a->oom) return NULL;
    if (TD_GROW(a->v, a->cap, a->n + 1)) {
        a->oom = 1;
        return NULL;
    }
    if (!(p = calloc(1, size ? size : 1))) {
        a->oom = 1;
        return NULL;
    }
    a->v[a->n++] = p;
    return p;
}

static void td__arena_free(td__arena *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->v[i]);
    free(a->v);
}

static Tiendo__AgencyRef **td__refs(td__arena *a, const td_agency_ref *r, size_t n)
{
    Tiendo__AgencyRef **v = td__alloc(a, n * sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        Tiendo__AgencyRef *m = td__alloc(a, sizeof *m);
        if (!m) return NULL;
        tiendo__agency_ref__init(m);
        m->slug = td__s(r[i].slug);
        m->group = r[i].group != 0;
        m->text = td__s(r[i].text);
        v[i] = m;
    }
    return v;
}

int td_plan_pb_encode(const td_plan *p, const char *source, uint8_t **out, size_t *n)
{
    td__arena a = {0};
    Tiendo__PlanChange pc = TIENDO__PLAN_CHANGE__INIT;
    Tiendo__Plan pl = TIENDO__PLAN__INIT;
    size_t len;

    *out = NULL;
    *n = 0;
    pl.number = td__s(p->number);
    pl.title = td__s(p->title);
    pl.date = p->date;
    pl.issuer = td__s(p->issuer);
    pl.n_sections = p->n_sections;
    pl.sections = td__alloc(&a, p->n_sections * sizeof *pl.sections);
    for (size_t i = 0; pl.sections && i < p->n_sections; i++) {
        Tiendo__Section *m = td__alloc(&a, sizeof *m);
        if (!m) break;
        tiendo__section__init(m);
        m->code = td__s(p->sections[i].code);
        m->title = td__s(p->sections[i].title);
        m->line = (uint32_t)p->sections[i].line;
        pl.sections[i] = m;
    }
    pl.n_tasks = p->n_tasks;
    pl.tasks = td__alloc(&a, p->n_tasks * sizeof *pl.tasks);
    for (size_t i = 0; pl.tasks && i < p->n_tasks; i++) {
        const td_task *t = &p->tasks[i];
        Tiendo__Task *m = td__alloc(&a, sizeof *m);
        Tiendo__Deadline *d = td__alloc(&a, sizeof *d);
        if (!m || !d) break;
        tiendo__task__init(m);
        tiendo__deadline__init(d);
        m->number = (uint32_t)t->number;
        m->section = td__s(t->section);
        m->title = td__s(t->title);
        m->lead_text = td__s(t->lead_text);
        m->partner_text = td__s(t->partner_text);
        m->product = td__s(t->product);
        m->line = (uint32_t)t->line;
        d->kind = (Tiendo__DeadlineKind)t->deadline.kind;
        d->year = t->deadline.year;
        d->month = t->deadline.month;
        d->day = t->deadline.day;
        d->before = t->deadline.before != 0;
        d->condition = (Tiendo__DeadlineCondition)t->deadline.cond;
        d->then = (Tiendo__DeadlineThen)t->deadline.then;
        d->review_year = t->deadline.review_year;
        d->scope = td__s(t->deadline.scope);
        d->text = td__s(t->deadline.text);
        m->deadline = d;
        m->n_leads = t->n_leads;
        m->leads = td__refs(&a, t->leads, t->n_leads);
        m->n_partners = t->n_partners;
        m->partners = td__refs(&a, t->partners, t->n_partners);
        pl.tasks[i] = m;
    }
    pl.n_indicators = p->n_indicators;
    pl.indicators = td__alloc(&a, p->n_indicators * sizeof *pl.indicators);
    for (size_t i = 0; pl.indicators && i < p->n_indicators; i++) {
        const td_indicator *x = &p->indicators[i];
        Tiendo__Indicator *m = td__alloc(&a, sizeof *m);
        Tiendo__Target *t = td__alloc(&a, sizeof *t);
        if (!m || !t) break;
        tiendo__indicator__init(m);
        tiendo__target__init(t);
        m->code = td__s(x->code);
        m->horizon = (uint32_t)x->horizon;
        m->heading = x->heading != 0;
        m->name = td__s(x->name);
        m->unit = td__s(x->unit);
        m->monitor_text = td__s(x->monitor_text);
        m->line = (uint32_t)x->line;
        t->kind = (Tiendo__TargetKind)x->target.kind;
        t->op = (Tiendo__TargetOp)x->target.op;
        t->lo = x->target.lo;
        t->hi = x->target.hi;
        t->percent = x->target.percent != 0;
        t->note = td__s(x->target.note);
        t->text = td__s(x->target.text);
        m->target = t;
        m->n_monitors = x->n_monitors;
        m->monitors = td__refs(&a, x->monitors, x->n_monitors);
        pl.indicators[i] = m;
    }
    pc.plan = &pl;
    pc.source = td__s(source);
    if (a.oom) {
        td__arena_free(&a);
        return TD_ENOMEM;
    }
    len = tiendo__plan_change__get_packed_size(&pc);
    if (!(*out = malloc(len ? len : 1))) {
        td__arena_free(&a);
        return TD_ENOMEM;
    }
    *n = tiendo__plan_change__pack(&pc, *out);
    td__arena_free(&a);
    return 0;
}

/* --- decode ------------------------------------------------------------------ */

static int td__refs_in(td_agency_ref **out, size_t *n, Tiendo__AgencyRef **v, size_t nv)
{
    *out = NULL;
    *n = 0;
    if (!nv) return 0;
    if (!(*out = calloc(nv, sizeof **out))) return TD_ENOMEM;
    for (size_t i = 0; i < nv; i++) {
        (*out)[i].group = v[i]->group;
        (*out)[i].slug = strdup(v[i]->slug);
        (*out)[i].text = strdup(v[i]->text);
        *n = i + 1;
        if (!(*out)[i].slug || !(*out)[i].text) return TD_ENOMEM;
    }
    return 0;
}

static char *td__d(const char *s, int *ok)
{
    char *d = strdup(s ? s : "");
    if (!d) *ok = 0;
    return d;
}

int td_plan_pb_decode(const uint8_t *buf, size_t n, td_plan *out, char **source, td_error *err)
{
    Tiendo__PlanChange *pc;
    const Tiendo__Plan *pl;
    int ok = 1;

    td_plan_init(out);
    if (source) *source = NULL;
    if (n > TD_PLAN_PB_MAX)
        return td_error_set(err, TD_ETOOBIG, "stored plan larger than %u bytes | " TD_MSG_STORED_PLAN_TOO_BIG,
                            TD_PLAN_PB_MAX, TD_MSG_NUM(n), TD_MSG_NUM(TD_PLAN_PB_MAX));
    if (!(pc = tiendo__plan_change__unpack(NULL, n, buf)))
        return td_error_set(err, TD_EPARSE, "stored plan does not decode as tiendo.PlanChange | "
                            TD_MSG_STORED_PLAN_UNDECODABLE);
    if (!(pl = pc->plan)) {
        tiendo__plan_change__free_unpacked(pc, NULL);
        return td_error_set(err, TD_EPARSE, "stored PlanChange has no plan | " TD_MSG_STORED_PLAN_EMPTY);
    }
    out->number = td__d(pl->number, &ok);
    out->title = td__d(pl->title, &ok);
    out->issuer = td__d(pl->issuer, &ok);
    out->date = pl->date;
    if (pl->n_sections && !(out->sections = calloc(pl->n_sections, sizeof *out->sections))) ok = 0;
    for (size_t i = 0; ok && i < pl->n_sections; i++) {
        out->sections[i].code = td__d(pl->sections[i]->code, &ok);
        out->sections[i].title = td__d(pl->sections[i]->title, &ok);
        out->sections[i].line = (int)pl->sections[i]->line;
        out->n_sections++;
    }
    if (ok && pl->n_tasks && !(out->tasks = calloc(pl->n_tasks, sizeof *out->tasks))) ok = 0;
    for (size_t i = 0; ok && i < pl->n_tasks; i++) {
        const Tiendo__Task *m = pl->tasks[i];
        td_task *t = &out->tasks[i];
        out->n_tasks++;
        t->number = (int)m->number;
        t->line = (int)m->line;
        t->section = td__d(m->section, &ok);
        t->title = td__d(m->title, &ok);
        t->lead_text = td__d(m->lead_text, &ok);
        t->partner_text = td__d(m->partner_text, &ok);
        t->product = td__d(m->product, &ok);
        if (m->deadline) {
            const Tiendo__Deadline *d = m->deadline;
            t->deadline.kind = (td_deadline_kind)d->kind;
            t->deadline.year = d->year;
            t->deadline.month = d->month;
            t->deadline.day = d->day;
            t->deadline.before = d->before;
            t->deadline.cond = (td_deadline_cond)d->condition;
            t->deadline.then = (td_deadline_then)d->then;
            t->deadline.review_year = d->review_year;
            if (d->scope && *d->scope) t->deadline.scope = td__d(d->scope, &ok);
            t->deadline.text = td__d(d->text, &ok);
        }
        if (td__refs_in(&t->leads, &t->n_leads, m->leads, m->n_leads)) ok = 0;
        if (td__refs_in(&t->partners, &t->n_partners, m->partners, m->n_partners)) ok = 0;
    }
    if (ok && pl->n_indicators && !(out->indicators = calloc(pl->n_indicators, sizeof *out->indicators))) ok = 0;
    for (size_t i = 0; ok && i < pl->n_indicators; i++) {
        const Tiendo__Indicator *m = pl->indicators[i];
        td_indicator *x = &out->indicators[i];
        out->n_indicators++;
        x->code = td__d(m->code, &ok);
        x->horizon = (int)m->horizon;
        x->heading = m->heading;
        x->name = td__d(m->name, &ok);
        x->unit = td__d(m->unit, &ok);
        x->monitor_text = td__d(m->monitor_text, &ok);
        x->line = (int)m->line;
        if (m->target) {
            x->target.kind = (td_target_kind)m->target->kind;
            x->target.op = (td_target_op)m->target->op;
            x->target.lo = m->target->lo;
            x->target.hi = m->target->hi;
            x->target.percent = m->target->percent;
            if (m->target->note && *m->target->note) x->target.note = td__d(m->target->note, &ok);
            x->target.text = td__d(m->target->text, &ok);
        } else {
            x->target.text = td__d("", &ok);
        }
        if (td__refs_in(&x->monitors, &x->n_monitors, m->monitors, m->n_monitors)) ok = 0;
    }
    if (ok && source && !(*source = strdup(pc->source ? pc->source : ""))) ok = 0;
    tiendo__plan_change__free_unpacked(pc, NULL);
    if (!ok) {
        td_plan_free(out);
        if (source) {
            free(*source);
            *source = NULL;
        }
        return td_error_set(err, TD_ENOMEM, "out of memory decoding the plan | " TD_MSG_NOMEM);
    }
    return 0;
}

/* --- agency changes ------------------------------------------------------------ */

static Tiendo__Agency *td__agency_msg(td__arena *a, const td_agency *x)
{
    Tiendo__Agency *m = td__alloc(a, sizeof *m);
    if (!m) return NULL;
    tiendo__agency__init(m);
    m->slug = td__s(x->slug);
    m->name = td__s(x->name);
    m->kind = (Tiendo__AgencyKind)x->kind;
    m->valid_from = x->valid_from;
    m->valid_to = x->valid_to;
    return m;
}

static int td__pack_change(td__arena *a, Tiendo__AgencyChange *m, uint8_t **out, size_t *n)
{
    size_t len;
    if (a->oom) {
        td__arena_free(a);
        return TD_ENOMEM;
    }
    len = tiendo__agency_change__get_packed_size(m);
    if (!(*out = malloc(len ? len : 1))) {
        td__arena_free(a);
        return TD_ENOMEM;
    }
    *n = tiendo__agency_change__pack(m, *out);
    td__arena_free(a);
    return 0;
}

int td_agency_change_pb_encode(const td_agency_change *ch, uint8_t **out, size_t *n)
{
    td__arena a = {0};
    Tiendo__AgencyChange m = TIENDO__AGENCY_CHANGE__INIT;
    *out = NULL;
    *n = 0;
    m.kind = (Tiendo__AgencyChangeKind)ch->kind;
    m.date = ch->date;
    m.n_from = ch->n_from;
    m.from = ch->from;
    m.n_to = ch->n_to;
    m.to = td__alloc(&a, ch->n_to * sizeof *m.to);
    for (size_t i = 0; m.to && i < ch->n_to; i++) m.to[i] = td__agency_msg(&a, &ch->to[i]);
    m.n_assign = ch->n_assign;
    m.assign = td__alloc(&a, ch->n_assign * sizeof *m.assign);
    for (size_t i = 0; m.assign && i < ch->n_assign; i++) {
        Tiendo__TaskAssign *t = td__alloc(&a, sizeof *t);
        if (!t) break;
        tiendo__task_assign__init(t);
        t->task = (uint32_t)ch->assign[i].task;
        t->slug = td__s(ch->assign[i].slug);
        m.assign[i] = t;
    }
    m.alias_text = td__s(ch->alias_text);
    m.alias_slug = td__s(ch->alias_slug);
    return td__pack_change(&a, &m, out, n);
}

int td_registry_seed_pb_encode(const td_registry *reg, uint8_t **out, size_t *n)
{
    td__arena a = {0};
    Tiendo__AgencyChange m = TIENDO__AGENCY_CHANGE__INIT;
    *out = NULL;
    *n = 0;
    m.kind = TIENDO__AGENCY_CHANGE_KIND__CHANGE_SEED;
    m.alias_text = m.alias_slug = (char *)"";
    m.n_agencies = reg->n_agencies;
    m.agencies = td__alloc(&a, reg->n_agencies * sizeof *m.agencies);
    for (size_t i = 0; m.agencies && i < reg->n_agencies; i++) m.agencies[i] = td__agency_msg(&a, &reg->agencies[i]);
    m.n_groups = reg->n_groups;
    m.groups = td__alloc(&a, reg->n_groups * sizeof *m.groups);
    for (size_t i = 0; m.groups && i < reg->n_groups; i++) {
        Tiendo__AgencyGroup *g = td__alloc(&a, sizeof *g);
        if (!g) break;
        tiendo__agency_group__init(g);
        g->slug = td__s(reg->groups[i].slug);
        g->name = td__s(reg->groups[i].name);
        g->kinds = reg->groups[i].kinds;
        g->n_members = reg->groups[i].n_members;
        g->members = reg->groups[i].members;
        g->open = reg->groups[i].open != 0;
        m.groups[i] = g;
    }
    m.n_aliases = reg->n_aliases;
    m.aliases = td__alloc(&a, reg->n_aliases * sizeof *m.aliases);
    for (size_t i = 0; m.aliases && i < reg->n_aliases; i++) {
        Tiendo__Alias *al = td__alloc(&a, sizeof *al);
        if (!al) break;
        tiendo__alias__init(al);
        al->text = td__s(reg->aliases[i].text);
        al->slug = td__s(reg->aliases[i].slug);
        m.aliases[i] = al;
    }
    return td__pack_change(&a, &m, out, n);
}

int td_registry_apply_pb(td_registry *reg, const uint8_t *buf, size_t n, td_error *err)
{
    Tiendo__AgencyChange *m;
    td_agency_change ch = {0};
    int rc = 0;

    if (n > TD_PLAN_PB_MAX)
        return td_error_set(err, TD_ETOOBIG, "stored agency change too large | " TD_MSG_STORED_AGENCY_TOO_BIG,
                            TD_MSG_NUM(n), TD_MSG_NUM(TD_PLAN_PB_MAX));
    if (!(m = tiendo__agency_change__unpack(NULL, n, buf)))
        return td_error_set(err, TD_EPARSE, "stored agency change does not decode as tiendo.AgencyChange | "
                            TD_MSG_STORED_AGENCY_UNDECODABLE);
    if (m->kind == TIENDO__AGENCY_CHANGE_KIND__CHANGE_SEED) {
        for (size_t i = 0; !rc && i < m->n_agencies; i++) {
            td_agency a = {m->agencies[i]->slug, m->agencies[i]->name, (td_agency_kind)m->agencies[i]->kind,
                           m->agencies[i]->valid_from, m->agencies[i]->valid_to};
            rc = td_registry_add_agency(reg, &a, err);
        }
        for (size_t i = 0; !rc && i < m->n_groups; i++) {
            td_group g = {m->groups[i]->slug, m->groups[i]->name, m->groups[i]->kinds, m->groups[i]->members,
                          m->groups[i]->n_members, m->groups[i]->open};
            rc = td_registry_add_group(reg, &g, err);
        }
        for (size_t i = 0; !rc && i < m->n_aliases; i++)
            rc = td_registry_add_alias(reg, m->aliases[i]->text, m->aliases[i]->slug, err);
        tiendo__agency_change__free_unpacked(m, NULL);
        return rc;
    }
    /* borrow the decoded strings; td_registry_apply copies what it keeps */
    ch.kind = (td_change_kind)m->kind;
    ch.date = m->date;
    ch.from = m->from;
    ch.n_from = m->n_from;
    ch.n_to = m->n_to;
    if (m->n_to && !(ch.to = calloc(m->n_to, sizeof *ch.to))) rc = td_error_set(err, TD_ENOMEM, "out of memory | "
                                                                                TD_MSG_NOMEM);
    for (size_t i = 0; !rc && i < m->n_to; i++) {
        ch.to[i].slug = m->to[i]->slug;
        ch.to[i].name = m->to[i]->name;
        ch.to[i].kind = (td_agency_kind)m->to[i]->kind;
    }
    ch.n_assign = m->n_assign;
    if (!rc && m->n_assign && !(ch.assign = calloc(m->n_assign, sizeof *ch.assign)))
        rc = td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
    for (size_t i = 0; !rc && i < m->n_assign; i++) {
        ch.assign[i].task = (int)m->assign[i]->task;
        ch.assign[i].slug = m->assign[i]->slug;
    }
    ch.alias_text = *m->alias_text ? m->alias_text : NULL;
    ch.alias_slug = *m->alias_slug ? m->alias_slug : NULL;
    if (!rc) rc = td_registry_apply(reg, &ch, err);
    free(ch.to);
    free(ch.assign);
    tiendo__agency_change__free_unpacked(m, NULL);
    return rc;
}
