/*
 * plan_csv.h — the plan as CSV: a plan
 * typed into a spreadsheet can be loaded, and the plan can be exported,
 * edited in Excel and imported back.
 *
 * Format: RFC 4180 as read by the one reader, csv.h (',' ';' or TAB — Excel
 * in a Vietnamese locale saves with ';'; quoted fields with '""', spanning
 * lines; CRLF or LF), UTF-8 with or without BOM.  The first record is the header; columns are found
 * by name (case and tone placement do not matter), in any order; a missing
 * or unknown column is an error.
 *
 * Tasks:  Mục, TT, Tên nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Sản phẩm,
 *         Thời gian hoàn thành.
 *         A row whose TT is a roman numeral defines a section (its title in
 *         "Tên nhiệm vụ"); a task row names its section in "Mục", or, left
 *         empty, belongs to the section row above it.
 * Indicators: Mốc (2030, 2045), Mã ("7.1", "II.3"), Chỉ tiêu, Đơn vị, Kết quả,
 *         Cơ quan chủ trì theo dõi, đánh giá.
 *
 * Export writes a BOM (so Excel reads UTF-8), CRLF line ends, the header,
 * and quotes every field that needs it; the wording kept in the plan
 * (deadline and target texts, names as written) is what is written, so
 * export then import gives the same plan (td_plan_equal, without META:
 * the plan's number, title, date and issuer are not in the CSV).
 *
 * Errors carry "name:line:" of the record (its first line).
 */
#ifndef TD_PLAN_CSV_H
#define TD_PLAN_CSV_H

#include <stddef.h>

#include "csv.h"
#include "err.h"
#include "plan.h"

/* Largest CSV accepted. */
#define TD_CSV_MAX (16u * 1024 * 1024)

typedef enum { TD_CSV_UNKNOWN = 0, TD_CSV_TASKS = 1, TD_CSV_INDICATORS = 2 } td_csv_kind;

/* Which layout buf holds, from its header. */
td_csv_kind td_csv_detect(const char *buf, size_t n);

/*
 * Tasks CSV -> *out (sections and tasks; refs unresolved).  TD_EPARSE with
 * the line for a wrong field count, bad UTF-8, unknown deadline, duplicate
 * task number, bad row number, unterminated quote.  *out empty on failure.
 */
int td_csv_import_tasks(const char *buf, size_t n, const char *name, td_plan *out, td_error *err);
/* Indicators CSV -> appended to plan (which must have no indicators). */
int td_csv_import_indicators(const char *buf, size_t n, const char *name, td_plan *plan, td_error *err);

/* Export to a malloc'd buffer (*out, *n; caller frees).  0 or TD_ENOMEM. */
int td_csv_export_tasks(const td_plan *p, char **out, size_t *n);
int td_csv_export_indicators(const td_plan *p, char **out, size_t *n);

/*
 * The agency registry as CSV: "Mã" (slug), "Tên", "Loại" (a kind name such
 * as commune or its Vietnamese label), optional "Từ ngày" (dd/mm/yyyy),
 * "Đến ngày" and "Kế nhiệm" (written by export; import reads "Đến ngày" into
 * valid_to and ignores "Kế nhiệm").  Import gives the rows as agencies (*out malloc'd, strings owned: free each slug
 * and name, then the array); a row with a bad slug, empty name, unknown kind
 * or bad date is TD_EPARSE "name:line: ..." in Vietnamese; a slug twice too.
 */
int td_csv_import_agencies(const char *buf, size_t n, const char *name, td_agency **out, size_t *n_out,
                           td_error *err);
void td_csv_agencies_free(td_agency *v, size_t n);
/* Every agency of reg (ended ones too, with their end and successors). */
int td_csv_export_registry(const td_registry *reg, char **out, size_t *n);

#endif
