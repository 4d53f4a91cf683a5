/*
 * plan.h — the master plan model (docs/LOG.md §2): the
 * plan's identity, its sections, its tasks (Appendix II) and its indicators
 * (Appendix I).  Everything else in tiendo refers to tasks by number (TT)
 * and to indicators by code ("7.1", "II.3").
 *
 * Names of agencies are kept twice: as the plan wrote them (lead_text,
 * partner_text, monitor_text: never rewritten, so a renamed agency's old
 * name stays) and as resolved references (td_agency_ref, filled by
 * td_plan_resolve against an agency registry).
 *
 * Ownership: a td_plan owns every string and array in it; td_plan_free
 * releases all.  The td_plan_add_* functions take ownership of the item's
 * members on success and on failure (they free them), so callers never
 * double-free.
 */
#ifndef TD_PLAN_H
#define TD_PLAN_H

#include <stddef.h>

#include "agency.h"
#include "deadline.h"
#include "err.h"
#include "target.h"

/* Bounds: 726 has 81 tasks and 44 indicator rows; a plan 100 times larger
 * is still a plan, anything larger is a wrong file. */
#define TD_PLAN_TASKS_MAX 10000
#define TD_PLAN_INDICATORS_MAX 10000
#define TD_PLAN_SECTIONS_MAX 1000
/* Largest task number accepted. */
#define TD_PLAN_TASK_NUMBER_MAX 99999
/*
 * More than one plan (docs/LOG.md §14).  A plan is identified by its number
 * ("726/KH-UBND", at most TD_PLAN_NUMBER_MAX bytes, no ':').  The first plan
 * a log imports is the default plan; a task is addressed everywhere by a
 * KEY: its number in the default plan, (td_plan_slot(plan number) << 16) |
 * number in a later one.  Task numbers are below TD_TASK_NUMBER_LIMIT.
 */
#define TD_PLAN_NUMBER_MAX 24
#define TD_TASK_NUMBER_LIMIT 65536u
/* 1..32767 from the plan number's bytes (FNV-1a): keys stay below 2^31.
 * The fold refuses a second plan whose slot another plan has. */
unsigned td_plan_slot(const char *number);
/* The key of task `number` of plan `plan` as a payload names it: plan NULL
 * or "" (the default plan) gives number itself; a named plan, the slot key
 * (0 when number is not below TD_TASK_NUMBER_LIMIT). */
unsigned td_task_key(const char *plan, unsigned number);

/* Largest cell, in bytes (task 72's title is ~900 bytes). */
#define TD_PLAN_CELL_MAX 16384

typedef struct td_section {
    char *code;     /* roman numeral "I".."X" (indicators: "I", "II") */
    char *title;
    int line;       /* source line, 0 if none */
} td_section;

typedef struct td_task {
    int number;                 /* TT */
    char *section;              /* section code */
    char *title;                /* Tên nhiệm vụ */
    char *lead_text;            /* Cơ quan chủ trì, as written */
    char *partner_text;         /* Cơ quan phối hợp, as written */
    char *product;              /* Sản phẩm */
    td_deadline deadline;       /* Thời gian hoàn thành */
    td_agency_ref *leads;       /* resolved lead names */
    size_t n_leads;
    td_agency_ref *partners;    /* resolved partner names */
    size_t n_partners;
    int line;                   /* source line of the task's first row */
} td_task;

typedef struct td_indicator {
    char *code;            /* "1", "7.1", "II.3" */
    int horizon;           /* 2030 or 2045 */
    int heading;           /* 1 if other indicators are its sub-items (7 and 18 in 726) */
    char *name;            /* Chỉ tiêu */
    char *unit;            /* Đơn vị */
    td_target target;      /* Kết quả */
    char *monitor_text;    /* Cơ quan chủ trì theo dõi, đánh giá, as written */
    td_agency_ref *monitors;
    size_t n_monitors;
    int line;
} td_indicator;

typedef struct td_plan {
    char *number;     /* "726/KH-UBND" */
    char *title;
    int date;         /* yyyymmdd, 0 if unknown */
    char *issuer;     /* "UBND tỉnh Hải Dương" */
    td_section *sections;
    size_t n_sections;
    td_task *tasks;   /* in plan order */
    size_t n_tasks;
    td_indicator *indicators;
    size_t n_indicators;
} td_plan;

/*
 * The merged plan: plans[0] as it is (so one plan merges to a copy of
 * itself), then each later plan's sections, tasks and indicators with
 * section codes and indicator codes "NUMBER:CODE" and task numbers keys.
 * Number, title, date and issuer are plans[0]'s.  0 or TD_ENOMEM (out
 * empty).
 */
int td_plan_merge(td_plan *out, const td_plan *plans, size_t n);
/* The task's number within its plan: a payload's task field. */
static inline unsigned td_task_number(unsigned key) { return key < TD_TASK_NUMBER_LIMIT ? key : key & 0xffffu; }

void td_plan_init(td_plan *p);
void td_plan_free(td_plan *p);
void td_task_free(td_task *t);
void td_indicator_free(td_indicator *ind);
/* Deep copies; TD_ENOMEM leaves dst empty. */
int td_task_copy(td_task *dst, const td_task *src);
int td_indicator_copy(td_indicator *dst, const td_indicator *src);
int td_plan_copy(td_plan *dst, const td_plan *src);

/* Append (ownership taken, see above).  TD_EEXISTS for a duplicate task
 * number / section code / indicator code, TD_ETOOBIG above the bounds. */
int td_plan_add_section(td_plan *p, td_section *s, td_error *err);
int td_plan_add_task(td_plan *p, td_task *t, td_error *err);
int td_plan_add_indicator(td_plan *p, td_indicator *ind, td_error *err);

/* Borrowed pointers or NULL. */
td_task *td_plan_task(const td_plan *p, int number);
td_section *td_plan_section(const td_plan *p, const char *code);
td_indicator *td_plan_indicator(const td_plan *p, const char *code);
/* Tasks in a section. */
size_t td_plan_section_tasks(const td_plan *p, const char *code);

/* Which indicators td_plan_count_indicators counts. */
enum {
    TD_IND_TOP = 1,        /* numbered at the top level ("7", "18", not "7.1") */
    TD_IND_MEASURED = 2,   /* not headings: each has its own target ("7.1" .. but not "7") */
};
size_t td_plan_count_indicators(const td_plan *p, int horizon, int which);
/* Set `heading` from the codes: "7" is a heading when "7.1" exists. */
void td_plan_mark_headings(td_plan *p);

/* One problem found by an importer or the resolver, with where it is. */
typedef struct td_plan_issue {
    int line;          /* source line, 0 if unknown */
    int task;          /* task number, 0 if it is about an indicator */
    char *indicator;   /* indicator code, or NULL */
    char *column;      /* column name (Vietnamese, as in the plan) */
    char *text;        /* the name or value concerned */
} td_plan_issue;

typedef struct td_plan_issues {
    td_plan_issue *v;
    size_t n;
} td_plan_issues;

void td_plan_issues_free(td_plan_issues *is);

/*
 * Resolve every lead, partner and monitor name of the plan against reg,
 * replacing the refs.  Every name that does not resolve is appended to
 * *issues (with its task or indicator and line).  Returns 0 (even with
 * issues: count them) or TD_ENOMEM.
 */
int td_plan_resolve(td_plan *p, const td_registry *reg, td_plan_issues *issues);

/* What td_plan_equal compares. */
enum {
    TD_PLAN_CMP_META = 1,         /* number, title, date, issuer */
    TD_PLAN_CMP_TASKS = 2,        /* sections and tasks (with refs) */
    TD_PLAN_CMP_INDICATORS = 4,   /* indicators (with refs) */
    TD_PLAN_CMP_ALL = 7,
};
/*
 * 1 if a and b are equal in the parts selected (source line numbers are
 * never compared: they say where a row came from, not what it says).
 * Else 0, and why (if not NULL) describes the first difference.
 */
int td_plan_equal(const td_plan *a, const td_plan *b, int what, char *why, size_t why_n);

/* Value of a canonical roman numeral ("VIII" -> 8), 0 if s is not one. */
int td_plan_roman(const char *s);

/* Short form of a title for listings: at most max_chars characters
 * (UTF-8 aware), "…" appended when cut.  Malloc'd; NULL on OOM. */
char *td_plan_short(const char *s, size_t max_chars);

#endif
