/*
 * plan_text.h — import a plan from its published text, as converted from
 * the published document:
 *
 *   - the header gives the number ("Số: 726/KH-UBND"), the date ("ngày 20
 *     tháng 02 năm 2025"), the issuer (the first paragraph, "**ỦY BAN NHÂN
 *     DÂN / TỈNH HẢI DƯƠNG**") and the title (the paragraph after "KẾ HOẠCH");
 *   - "Phụ lục I" holds the indicators: tab-separated rows TT, Chỉ tiêu,
 *     Đơn vị, Kết quả, Cơ quan chủ trì theo dõi; section rows "I Đến năm
 *     2030" give the horizon (the year in the section title);
 *   - "Phụ lục II" holds the tasks: TT, Tên nhiệm vụ, Cơ quan chủ trì, Cơ
 *     quan phối hợp, Sản phẩm, Thời gian hoàn thành; section rows "I<TAB>title".
 *
 * Damage repaired, each for a reason seen in 726-KH-UBND.txt:
 *   - page headers repeat the column line: skipped;
 *   - a row whose TT cell is empty continues the cells of the row above (a
 *     page break cut them): each non-empty cell is appended with one space;
 *   - OCR splits roman numerals ("V I", "VII I"): a TT cell of roman letters
 *     and blanks is one numeral; "II Đến năm 2045" is numeral + title;
 *   - HTML (<i>, <ul><li>) and &entities; are removed (td_text_clean);
 *     LaTeX in targets is read by td_target_parse.
 * Misspelled agency names are NOT repaired here: td_plan_resolve maps them
 * through the registry's aliases and reports what it cannot.
 *
 * Indicator codes: plain in the first indicator section ("7", "7.1"),
 * prefixed by the section in later ones ("II.3").
 */
#ifndef TD_PLAN_TEXT_H
#define TD_PLAN_TEXT_H

#include <stddef.h>

#include "err.h"
#include "plan.h"

/* Largest input accepted: 726 is 85 KB. */
#define TD_PLAN_TEXT_MAX (16u * 1024 * 1024)

/*
 * Parse buf[0..n) (UTF-8, optional BOM, LF or CRLF).  `name` is used in
 * messages ("726-KH-UBND.txt:465: nhiệm vụ 34: không hiểu thời hạn ...").  On
 * success fills *out (td_plan_init'ed by the callee; caller frees) with
 * unresolved agency references (call td_plan_resolve).  On failure returns
 * TD_EPARSE (or TD_ENOMEM / TD_ETOOBIG), *out is empty, and err names the
 * file and line.
 */
int td_plan_text_parse(const char *buf, size_t n, const char *name, td_plan *out, td_error *err);

#endif
