/*
 * csv.h — writing CSV that Excel and LibreOffice open as the author meant:
 * RFC 4180 quoting (a field with a separator, quote, CR/LF or edge blanks is
 * quoted and its quotes doubled), CRLF line ends, and no formula: a text
 * cell that begins with = + - or @ gets a leading apostrophe (CSV
 * injection), which the readers of this project take off again
 * (td_csv_unneutralise).  Every CSV the project writes goes through here.
 */
#ifndef TD_CSV_H
#define TD_CSV_H

#include <stdio.h>

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

#endif
