/*
 * csv.h — CSV as Excel and LibreOffice read and write it, the one reader and
 * writer of the project.
 *
 * Writing, so that a spreadsheet opens it as the author meant:
 * RFC 4180 quoting (a field with a separator, quote, CR/LF or edge blanks is
 * quoted and its quotes doubled), CRLF line ends, and no formula: a text
 * cell that begins with = + - or @ gets a leading apostrophe (CSV
 * injection), which the readers of this project take off again
 * (td_csv_unneutralise).  Every CSV the project writes goes through here.
 */
#ifndef TD_CSV_H
#define TD_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* UTF-8 byte order mark: Excel reads the file as UTF-8 only with it. */
#define TD_CSV_BOM "\xEF\xBB\xBF"

/* A text cell, always quoted, neutralised; NULL is "". */
void td_csv_text(FILE *f, const char *s);
/* A text cell quoted only when it must be (plan exports that round-trip
 * through the importer); neutralised like td_csv_text. */
void td_csv_text_min(FILE *f, const char *s);
/* A bare cell (numbers the writer made itself): written as is. */
void td_csv_bare(FILE *f, const char *s);
/* The separator between cells and the end of a row. */
void td_csv_sep(FILE *f);
void td_csv_eol(FILE *f);
/* Undo the neutralising apostrophe in place: "'=SUM(A1)" -> "=SUM(A1)". */
void td_csv_unneutralise(char *s);

/* ---- reading ---------------------------------------------------------------------- */

/*
 * RFC 4180 as spreadsheets write it: an optional UTF-8 BOM; the separator is
 * the one of ',' ';' TAB the first line uses most outside quotes (',' on a
 * tie: Excel in a Vietnamese locale saves with ';', where ',' is the decimal
 * mark); a field in double quotes may hold the separator, line breaks and ""
 * for a quote; a quote inside an unquoted field is kept as it is (as Excel
 * reads it); rows end with LF, CRLF or CR, and CRLF inside a quoted field
 * becomes LF.  Every field is valid UTF-8 and at most field_max bytes, a row
 * at most fields_max fields.
 *
 * Errors (TD_EPARSE, TD_ETOOBIG, TD_ENOMEM) in Vietnamese name the place:
 * "NAME:LINE: cột C: ..." (LINE, the line where the field begins; C, the
 * field's number in its row, from 1), or "dòng LINE, cột C: ..." without a
 * name.
 */

/* Fields in one row: the project's layouts have at most a dozen; a thousand is a wrong file. */
#define TD_CSV_FIELDS_MAX 64
/* A field's length in bytes, unless the caller sets another (td_csv_reader.field_max). */
#define TD_CSV_FIELD_MAX (64u * 1024)

typedef struct td_csv_reader {
    const char *p, *end;
    int line;            /* line of the next byte, from 1 */
    char sep;
    size_t field_max;    /* longest field in bytes (TD_CSV_FIELD_MAX after init) */
    const char *name;    /* the file, for errors; NULL or "": errors start "dòng L" */
} td_csv_reader;

typedef struct td_csv_row {
    char **f;            /* n fields, each malloc'd and NUL-terminated */
    int *at;             /* line where each field begins */
    size_t n;
    int line;            /* line where the row begins */
} td_csv_row;

/* Start reading buf (not copied: it must outlive the reader). */
void td_csv_reader_init(td_csv_reader *c, const char *buf, size_t n, const char *name);
/* The next row: 1 (r filled; free with td_csv_row_free), 0 at the end, or < 0 (err set, r empty). */
int td_csv_next(td_csv_reader *c, td_csv_row *r, td_error *err);
void td_csv_row_free(td_csv_row *r);
/* Every field empty (a blank line, or only separators). */
int td_csv_row_blank(const td_csv_row *r);
/* All rows at once: *rows malloc'd (free with td_csv_rows_free); 0 or < 0 (err set, nothing returned). */
int td_csv_read_all(td_csv_reader *c, td_csv_row **rows, size_t *n_rows, td_error *err);
void td_csv_rows_free(td_csv_row *rows, size_t n);

#endif
