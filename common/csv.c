/* csv.c — see csv.h. */
#include "csv.h"

#include <string.h>

static int td__formula_lead(const char *s) { return *s == '=' || *s == '+' || *s == '-' || *s == '@'; }

static void td__quoted(FILE *f, const char *s)
{
    fputc('"', f);
    if (td__formula_lead(s)) fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void td_csv_text(FILE *f, const char *s) { td__quoted(f, s ? s : ""); }

void td_csv_text_min(FILE *f, const char *s)
{
    size_t n;
    if (!s) s = "";
    n = strlen(s);
    if (strpbrk(s, ",;\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '))) {
        td__quoted(f, s);
        return;
    }
    if (td__formula_lead(s)) fputc('\'', f);
    fputs(s, f);
}

void td_csv_bare(FILE *f, const char *s) { fputs(s ? s : "", f); }
void td_csv_sep(FILE *f) { fputc(',', f); }
void td_csv_eol(FILE *f) { fputs("\r\n", f); }

void td_csv_unneutralise(char *s)
{
    if (s && s[0] == '\'' && td__formula_lead(s + 1)) memmove(s, s + 1, strlen(s));
}
