/*
 * html.h — text into HTML, for every page the project writes (the monthly
 * report's HTML file, the pages of `tiendo ui`).
 */
#ifndef TD_HTML_H
#define TD_HTML_H

#include <stdio.h>

/* s (may be NULL: nothing) to f with & < > " ' escaped: safe in element
 * text and in a quoted attribute value. */
void td_html_esc(FILE *f, const char *s);

#endif
