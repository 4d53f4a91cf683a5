/* html.c — see html.h. */
#include "html.h"

#include <string.h>

/* Runs without a special character are written in one call: a report page
 * is mostly such text, and fputc per byte was the renderer's main cost. */
void td_html_esc(FILE *f, const char *s)
{
    while (s && *s) {
        size_t n = strcspn(s, "&<>\"'");
        fwrite(s, 1, n, f);
        s += n;
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: return; /* the end */
        }
        s++;
    }
}
