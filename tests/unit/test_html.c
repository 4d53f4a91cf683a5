/* test_html.c — text into HTML (common/html.c), as the monthly report and
 * the pages of `tiendo ui` write it. */
#include <stdlib.h>

#include "html.h"
#include "tt.h"

static char *esc(const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) exit(1);
    td_html_esc(f, s);
    fclose(f);
    return buf;
}

static void test_esc(void)
{
    char *o;
    o = esc("<a href=\"x\">Sở Y tế & 'KH&CN'</a>");
    TT_EQ_STR(o, "&lt;a href=&quot;x&quot;&gt;Sở Y tế &amp; &#39;KH&amp;CN&#39;&lt;/a&gt;");
    free(o);
    o = esc("");
    TT_EQ_STR(o, "");
    free(o);
    o = esc(NULL);
    TT_EQ_STR(o, "");
    free(o);
    o = esc("Kế hoạch 726/KH-UBND — tháng 06/2025");
    TT_EQ_STR(o, "Kế hoạch 726/KH-UBND — tháng 06/2025");
    free(o);
}

int main(void)
{
    TT_RUN(test_esc);
    return tt_report();
}
