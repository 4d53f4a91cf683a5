/*
 * deadline.h — a task's "Thời gian hoàn thành" as data.  The plan writes
 * deadlines in words; status judgements (docs/LOG.md §12) need to know
 * whether a task has a date, recurs each period, waits for a central act,
 * or repeats yearly.  The original wording is kept beside the parsed form
 * and is what people see first.
 *
 * Kinds and the wordings that produce them (case-insensitive, "hàng năm" or
 * "hằng năm", optional leading "hoàn thành", optional final '.'):
 *   MONTH        "6/2025", "02/2025", "tháng 3/2025", "trước 12/2025" (before=1)
 *                followed optionally by
 *                  "và thực hiện thường xuyên" / "và thường xuyên" -> then RECURRING
 *                  "và các năm tiếp theo"                           -> then EVERY_YEAR
 *                  "(scope). Đối với các địa bàn khác hoàn thành trong những
 *                   năm tiếp theo"                                  -> then LATER_YEARS
 *                also the forms officials write for a one-off deadline:
 *                "31/12/2027", "ngày 31/12/2027" (day set), "Quý II/2027",
 *                "Quý 2/2027", "quý II năm 2027" (the quarter's last month),
 *                "6 tháng đầu năm 2027" (month 6; 3, 9 likewise), "6 tháng
 *                cuối năm 2027", "năm 2027", "cuối năm 2027" (month 12)
 *   RECURRING    "Thường xuyên", "Thực hiện thường xuyên"
 *   CONDITIONAL  "Sau khi Trung ương ban hành", "Sau khi Bộ, ngành Trung ương
 *                ban hành" (cond CENTRAL_ISSUES); "Sau khi Đề án, Chương trình
 *                của Trung ương ban hành" (cond CENTRAL_PROGRAMME); "Theo hướng
 *                dẫn của Trung ương" (cond CENTRAL_GUIDANCE)
 *   ROADMAP      "Theo lộ trình"
 *   YEARLY       "Tháng 01 hàng năm" (month 1), "Trước tháng 10 hàng năm"
 *                (month 10, before=1), "Rà soát bổ sung năm 2025 và trước tháng
 *                10 hàng năm" (also review_year=2025)
 * Anything else is TD_EPARSE: an unclassified deadline is never defaulted.
 */
#ifndef TD_DEADLINE_H
#define TD_DEADLINE_H

#include <stddef.h>

#include "err.h"

/* Plausible years for a provincial plan; anything outside is a typo. */
#define TD_DEADLINE_YEAR_MIN 2000
#define TD_DEADLINE_YEAR_MAX 2100
/* Longest deadline cell we accept (the longest in 726 is ~120 bytes). */
#define TD_DEADLINE_TEXT_MAX 1024

typedef enum {
    TD_DEADLINE_NONE = 0,      /* unset; never the result of a successful parse */
    TD_DEADLINE_MONTH = 1,
    TD_DEADLINE_RECURRING = 2,
    TD_DEADLINE_CONDITIONAL = 3,
    TD_DEADLINE_ROADMAP = 4,
    TD_DEADLINE_YEARLY = 5,
} td_deadline_kind;

typedef enum {
    TD_COND_NONE = 0,
    TD_COND_CENTRAL_ISSUES = 1,     /* sau khi Trung ương ban hành (văn bản) */
    TD_COND_CENTRAL_PROGRAMME = 2,  /* sau khi Đề án, Chương trình của Trung ương ban hành */
    TD_COND_CENTRAL_GUIDANCE = 3,   /* theo hướng dẫn của Trung ương */
} td_deadline_cond;

typedef enum {
    TD_THEN_NONE = 0,
    TD_THEN_RECURRING = 1,    /* the month, then recurring work each period */
    TD_THEN_EVERY_YEAR = 2,   /* the month, then again in the following years */
    TD_THEN_LATER_YEARS = 3,  /* the month for `scope`; the rest in later years, no date */
} td_deadline_then;

typedef struct td_deadline {
    td_deadline_kind kind;
    int year;          /* MONTH: the year */
    int month;         /* MONTH: 1..12; YEARLY: the month each year */
    int day;           /* MONTH: the day when the wording names one ("31/12/2027"), else 0 (end of month) */
    int before;        /* 1: due before the month begins ("trước") */
    td_deadline_cond cond;
    td_deadline_then then;
    int review_year;   /* YEARLY: an extra review in this year ("rà soát bổ sung năm 2025"), else 0 */
    char *scope;       /* MONTH: what the first date covers (text in parentheses), or NULL; owned */
    char *text;        /* the wording, cleaned of HTML remnants and extra blanks; owned, never NULL after parse */
} td_deadline;

/*
 * Parse a deadline cell.  On success fills *out (caller frees with
 * td_deadline_free) and returns 0.  On failure *out is zeroed, nothing is
 * allocated, and err says "không hiểu thời hạn \"...\"" (TD_EPARSE) or
 * TD_ENOMEM; the caller adds the task and line.
 */
int td_deadline_parse(const char *text, td_deadline *out, td_error *err);
void td_deadline_free(td_deadline *d);
/* Deep copy; TD_ENOMEM leaves dst zeroed. */
int td_deadline_copy(td_deadline *dst, const td_deadline *src);
/* 1 if the parsed forms and the wording are equal. */
int td_deadline_equal(const td_deadline *a, const td_deadline *b);

/*
 * The parsed form in Vietnamese for people ("tháng 06/2025, sau đó thực hiện
 * thường xuyên", "trước tháng 10 hằng năm").  Returns what snprintf would.
 */
int td_deadline_vi(const td_deadline *d, char *buf, size_t n);

/*
 * The due date (yyyymmdd) of the occurrence in `year`: MONTH -> its day, or
 * the last day of its month (or of the month before, when "trước"; the day
 * before, for "trước ngày D"), whatever `year` is;
 * YEARLY -> that day in `year`.  TD_ENOTFOUND for kinds without a date
 * (recurring, conditional, roadmap).
 */
int td_deadline_due(const td_deadline *d, int year, int *yyyymmdd);

/*
 * Calendar days as integers yyyymmdd (20250220): they sort, compare and
 * store as one number.  0 means "no date".
 */
/* "dd/mm/yyyy" (also d/m/yyyy) -> yyyymmdd; TD_EPARSE if not a real date. */
int td_date_parse_vi(const char *s, int *yyyymmdd);
/* yyyymmdd -> "dd/mm/yyyy" (buf of 11+ bytes); "" for 0. */
void td_date_vi(int yyyymmdd, char *buf, size_t n);
/* 1 if yyyymmdd is a real calendar day within the plausible years. */
int td_date_valid(int yyyymmdd);

/* Stable English name of a kind ("month", "recurring", ...), for CSV/logs. */
const char *td_deadline_kind_name(td_deadline_kind k);

#endif
