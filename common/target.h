/*
 * target.h — an indicator's target ("Kết quả" in Appendix I) as data.
 *
 * Forms accepted (blanks optional, decimal comma or point):
 *   comparison  "≥ 55", "≤ 20", "> 60", "< 5", "= 100", ">=", "<=",
 *               LaTeX remnants "$\geq 0,8$", "$\leq 1$", "$\geq 3\%$"
 *   value       "90", "100%", "01"                       (op EQ)
 *   range       "1-2", "16 - 18", "8 – 10"               (lo..hi, lo <= hi)
 *   any numeric form may end with "%" (percent=1) and be followed by a
 *   qualifying text ("và tăng dần theo yêu cầu phát triển"), kept in note
 *   qualitative "Nhóm 20 tỉnh dẫn đầu cả nước"          (kind TEXT)
 * The cleaned original wording is kept in text.
 */
#ifndef TD_TARGET_H
#define TD_TARGET_H

#include <stddef.h>

#include "err.h"

#define TD_TARGET_TEXT_MAX 1024

typedef enum {
    TD_TARGET_NONE = 0,    /* empty cell (a heading) */
    TD_TARGET_VALUE = 1,   /* op value */
    TD_TARGET_RANGE = 2,   /* lo..hi */
    TD_TARGET_TEXT = 3,    /* qualitative */
} td_target_kind;

typedef enum { TD_OP_EQ = 0, TD_OP_GE = 1, TD_OP_LE = 2, TD_OP_GT = 3, TD_OP_LT = 4 } td_target_op;

typedef struct td_target {
    td_target_kind kind;
    td_target_op op;   /* VALUE */
    double lo;         /* VALUE: the value; RANGE: lower bound */
    double hi;         /* RANGE: upper bound; VALUE: = lo */
    int percent;       /* the number carried a % sign */
    char *note;        /* qualifying text after the number, or NULL; owned */
    char *text;        /* cleaned wording; owned; "" for NONE */
} td_target;

/*
 * Parse a target cell.  Never fails on words: text that does not start
 * with a number or comparison is a qualitative target.  Fails (TD_EPARSE)
 * only on a malformed numeric form ("≥", "5 -", "10-2"), or TD_ENOMEM.
 * On failure *out is zeroed.
 */
int td_target_parse(const char *text, td_target *out, td_error *err);
void td_target_free(td_target *t);
int td_target_copy(td_target *dst, const td_target *src);
int td_target_equal(const td_target *a, const td_target *b);
/* Vietnamese rendering: "≥ 0,8", "16–18 %", or the text.  snprintf result. */
int td_target_vi(const td_target *t, char *buf, size_t n);
/* "≥", "≤", ">", "<", "=" */
const char *td_target_op_str(td_target_op op);

#endif
