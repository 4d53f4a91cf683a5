/*
 * agency.h — the agency registry (docs/LOG.md §6).
 *
 * An agency has a stable slug (the O of its certificates, docs/ARCHITECTURE.md §5), an
 * official name, a kind, and validity dates.  Agencies change: a change
 * record (rename, merge, split) ends some agencies on a date and names their
 * successors.  Nothing is deleted: an ended agency keeps its slug, name and
 * dates, so old reports stay attributed to it and tasks keep the lead the
 * plan wrote; "who is responsible on date D" follows the successor links.
 *
 * Names are resolved through aliases (official names, abbreviations such as
 * "Sở KH&CN", OCR damage such as "Công nghe"), compared by td_vi_key, so case
 * and tone placement do not matter.  Groups ("Các sở, ban, ngành") expand to
 * their members on a date.  An open group ("Các đơn vị liên quan") names no
 * members: it resolves, but obliges nobody in particular.
 *
 * Dates are yyyymmdd integers (see deadline.h).  An agency exists on day D
 * when valid_from <= D (or valid_from = 0) and (valid_to = 0 or D < valid_to).
 *
 * Ownership: the registry owns every string in it.  Functions that return
 * pointers into the registry return borrowed pointers, valid until the next
 * change to the registry.
 */
#ifndef TD_AGENCY_H
#define TD_AGENCY_H

#include <stddef.h>

#include "err.h"

/* Successor hops followed before giving up: a province reorganises a few
 * times a decade; more hops than this means a cycle in the records. */
#define TD_AGENCY_CHAIN_MAX 64
/* Pieces (between commas, semicolons and "và") one name may span: the
 * longest group name, "Các sở, ban, ngành, cơ quan, đơn vị, địa phương", has 6. */
#define TD_AGENCY_NAME_SPAN_MAX 8
/* Pieces of one cell considered; a longer cell is not a list of agencies. */
#define TD_AGENCY_CELL_PIECES_MAX 256
/* Longest agency or alias name in bytes. */
#define TD_AGENCY_NAME_MAX 512

typedef enum {
    TD_AGENCY_DEPT = 1,        /* sở, ban, ngành of the province (provincial department) */
    TD_AGENCY_PROVINCIAL = 2,  /* other provincial body (Công an tỉnh, Cục Thuế ...) */
    TD_AGENCY_DISTRICT = 3,    /* district-level unit (UBND huyện, thị xã, thành phố) */
    TD_AGENCY_CENTRAL = 4,     /* central body (Bộ Y tế, C06 - Bộ Công an) */
    TD_AGENCY_COMMUNE = 5,     /* commune-level unit: xã, phường, đặc khu (from 01/07/2025) */
    TD_AGENCY_ORG = 6,         /* enterprise or organisation (Bưu điện, doanh nghiệp, hội) */
} td_agency_kind;
#define TD_AGENCY_KIND_MAX TD_AGENCY_ORG
/* The district level ended on this day (two-level local government from
 * 01/07/2025): a successor of a district on or after it, given no kind, is a
 * commune-level unit, not a district. */
#define TD_AGENCY_DISTRICT_END 20250701

#define TD_KIND_BIT(k) (1u << (k))

typedef struct td_agency {
    char *slug;
    char *name;
    td_agency_kind kind;
    int valid_from;   /* yyyymmdd, 0 = since before the records */
    int valid_to;     /* yyyymmdd of the first day it no longer exists, 0 = exists */
} td_agency;

typedef struct td_group {
    char *slug;
    char *name;
    unsigned kinds;      /* every agency of these kinds (TD_KIND_BIT) is a member */
    char **members;      /* and these explicit members (slugs) */
    size_t n_members;
    int open;            /* members not named ("các đơn vị liên quan") */
} td_group;

typedef struct td_alias {
    char *text;    /* as given */
    char *key;     /* td_vi_key(text) */
    char *slug;    /* agency or group */
} td_alias;

typedef enum {
    TD_CHANGE_RENAME = 1,   /* from[0] ends; to[0] (new) succeeds it */
    TD_CHANGE_MERGE = 2,    /* from[0..n) end; to[0] (new or existing) succeeds them all */
    TD_CHANGE_SPLIT = 3,    /* from[0] ends; to[0..n) succeed it; tasks go to to[0] unless assigned */
    TD_CHANGE_ALIAS = 4,    /* alias_text now names alias_slug */
    /* 5 is the seed of the registry (plan.proto CHANGE_SEED), not a change */
    TD_CHANGE_ADD = 6,      /* to[0..n) are new agencies (kind given), from `date` (0: since before the records) */
    TD_CHANGE_ISSUER = 7,   /* from `date` the plan's issuer (the province) is alias_text */
} td_change_kind;

typedef struct td_task_assign {
    int task;      /* task key (docs/LOG.md §14): the number (TT) for the default plan */
    char *slug;    /* the successor (one of to[]) that inherits it */
} td_task_assign;

typedef struct td_agency_change {
    td_change_kind kind;
    int date;                  /* first day of the new organisation */
    char **from;
    size_t n_from;
    td_agency *to;             /* successors; name/kind used when created */
    size_t n_to;
    td_task_assign *assign;    /* SPLIT only */
    size_t n_assign;
    char *alias_text;          /* ALIAS only */
    char *alias_slug;
} td_agency_change;

typedef struct td_registry {
    td_agency *agencies;
    size_t n_agencies;
    td_group *groups;
    size_t n_groups;
    td_alias *aliases;
    size_t n_aliases;
    td_agency_change *changes;   /* applied changes, in order */
    size_t n_changes;
} td_registry;

/* A name in a plan cell, as resolved at import. */
typedef struct td_agency_ref {
    char *slug;    /* agency or group slug */
    int group;     /* 1 if slug names a group */
    char *text;    /* the name as the plan wrote it */
} td_agency_ref;

/* One name the resolver could not map. */
typedef struct td_unresolved {
    char *text;
} td_unresolved;

/* The initial registry of Kế hoạch 726 (docs/LOG.md §6), built in: it works
 * without any file.  0 or TD_ENOMEM. */
int td_registry_init_builtin(td_registry *reg, td_error *err);
/* An empty registry (for replaying stored history). */
void td_registry_init_empty(td_registry *reg);
void td_registry_free(td_registry *reg);

const char *td_agency_kind_vi(td_agency_kind k);
/* "dept", "provincial", "district", "central", "commune", "org" */
const char *td_agency_kind_name(td_agency_kind k);
/* A kind by its name or its Vietnamese label (td_vi_key compare); -1 if unknown. */
int td_agency_kind_parse(const char *s);
/* "dept, provincial, ..." for usage and error messages. */
#define TD_AGENCY_KINDS_TEXT "dept, provincial, central, district, commune, org"

/* 1 if slugs a and b differ only by '-' (so-yte / so-y-te): a likely typo. */
int td_agency_slug_near(const char *a, const char *b);

/* Borrowed pointer, or NULL. */
td_agency *td_registry_agency(const td_registry *reg, const char *slug);
td_group *td_registry_group(const td_registry *reg, const char *slug);
/* 1 if agency a exists on day d. */
int td_agency_valid_at(const td_agency *a, int d);

/* Add an agency (copied).  TD_EEXISTS if the slug is taken by an agency or
 * group, TD_EARG if the slug is not a slug or the name is empty. */
int td_registry_add_agency(td_registry *reg, const td_agency *a, td_error *err);
/* Add a group (copied). */
int td_registry_add_group(td_registry *reg, const td_group *g, td_error *err);
/* Map a name to an agency or group.  Same key to the same slug is a no-op;
 * to another slug is TD_EEXISTS; unknown slug TD_ENOTFOUND. */
int td_registry_add_alias(td_registry *reg, const char *text, const char *slug, td_error *err);

/*
 * Look one name up (aliases, official names, slugs).  Returns the slug
 * (borrowed) and sets *group, or NULL if unknown.
 */
const char *td_registry_lookup(const td_registry *reg, const char *name, int *group);

/*
 * Split a cell such as "Sở Khoa học và Công nghệ và các đơn vị liên quan" or
 * "Công an tỉnh, Sở Y tế; Sở Văn hoá, Thể thao và Du lịch" into names, taking
 * at each point the longest run of pieces (split at ',', ';', "và") that is a
 * known name.  Resolved names go to *refs (caller frees with
 * td_agency_refs_free), unknown ones to *unres.  Returns 0 or TD_ENOMEM.
 * Nothing is guessed: a piece that is not a known name is reported.
 */
int td_registry_resolve_cell(const td_registry *reg, const char *cell, td_agency_ref **refs,
                             size_t *n_refs, td_unresolved **unres, size_t *n_unres);
void td_agency_refs_free(td_agency_ref *refs, size_t n);
void td_unresolved_free(td_unresolved *u, size_t n);
int td_agency_refs_copy(td_agency_ref **dst, const td_agency_ref *src, size_t n);

/*
 * Read an alias file: UTF-8, one "tên trong văn bản = slug" per line, '#'
 * starts a comment line, blank lines ignored.  Adds each mapping.
 * TD_EPARSE / TD_ENOTFOUND / TD_EEXISTS with "path:line: ..." on a bad line.
 */
int td_registry_load_aliases(td_registry *reg, const char *path, td_error *err);

/*
 * Validate a change against the registry and apply it (the change is copied
 * and appended to reg->changes).  Rules: every `from` agency exists and
 * exists on `date`, after its valid_from; RENAME has 1 from and 1 new to;
 * MERGE has 1 to and either >= 2 from into a new agency, or >= 1 from into
 * an existing agency that exists on `date` and continues (absorption: "sáp
 * nhập vào"); SPLIT has 1 from and >= 2 new to, and each assignment names
 * one of them; ADD has no from and >= 1 new to, each with its kind; ISSUER
 * has a name in alias_text.  New agencies start on `date`; the from
 * agencies end on `date`.  TD_EARG / TD_ENOTFOUND / TD_EEXISTS with a
 * Vietnamese message (it is shown to the operator who typed the change);
 * the registry is unchanged on failure.
 */
int td_registry_apply(td_registry *reg, const td_agency_change *ch, td_error *err);
void td_agency_change_free(td_agency_change *ch);
int td_agency_change_copy(td_agency_change *dst, const td_agency_change *src);

/*
 * The issuer of the plan (the province's people's committee) on `date`: the
 * last ISSUER change that began on or before it, else `fallback` (the plan's
 * own issuer).  Borrowed.
 */
const char *td_registry_issuer(const td_registry *reg, int date, const char *fallback);

/*
 * The change that ended agency `slug` (rename, merge, split), or NULL while it
 * exists.  Borrowed.
 */
const td_agency_change *td_registry_ended_by(const td_registry *reg, const char *slug);

/*
 * 1 if `pred` is a predecessor of `agency`: an ended agency whose successors
 * (any branch of a split), followed through later changes, reach `agency`.
 */
int td_registry_is_predecessor(const td_registry *reg, const char *pred, const char *agency);

/*
 * What the device of an ended agency must be told: if `slug` no longer exists
 * on `date`, a Vietnamese explanation in out (what happened, when, who
 * carries its tasks now, and to ask the CA office -- Sở KH&CN or its
 * successor -- for a certificate of the successor) and 1; else 0.
 */
int td_registry_ended_note(const td_registry *reg, const char *slug, int date, char *out, size_t n);

/*
 * The agency responsible on day `date` for what `slug` was responsible for
 * (task number `task`, 0 if none): slug itself while it exists, else its
 * successor, followed through renames, merges and splits (a split gives the
 * task to its assigned successor, else the first).  Borrowed slug, or NULL
 * if slug is unknown or the chain is broken or too long.
 */
const char *td_registry_responsible(const td_registry *reg, const char *slug, int date, int task);

/*
 * The agencies responsible on `date` for a reference (an agency, or each
 * member of a group), successors followed, without duplicates.  *out is a
 * malloc'd array of borrowed slugs (free only the array).  An open group
 * yields none.  0 or TD_ENOMEM.
 */
int td_registry_expand(const td_registry *reg, const td_agency_ref *ref, int date, int task,
                       const char ***out, size_t *n);

#endif
