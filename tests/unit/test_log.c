/*
 * test_log.c — td_log_quote (common/log.h): a peer-supplied string in an
 * operator log line cannot forge a line, and is capped.
 */
#include <string.h>

#include "log.h"
#include "tt.h"

static void test_quote(void)
{
    char b[TD_LOG_QUOTE_BUF], big[1000];
    TT_EQ_STR(td_log_quote("tiendo 0.1.0", b, sizeof b), "\"tiendo 0.1.0\"");
    TT_EQ_STR(td_log_quote(NULL, b, sizeof b), "(none)");
    /* a newline and a forged log line stay on this line, escaped */
    TT_EQ_STR(td_log_quote("x\n2026-01-01T00:00:00.000Z INFO  forged", b, sizeof b),
              "\"x\\n2026-01-01T00:00:00.000Z INFO  forged\"");
    TT_EQ_STR(td_log_quote("a\"b\\c\r\x1b[31m", b, sizeof b), "\"a\\\"b\\\\c\\x0d\\x1b[31m\"");
    /* Vietnamese kept, invalid UTF-8 and a line separator escaped */
    TT_EQ_STR(td_log_quote("Sở Y tế", b, sizeof b), "\"Sở Y tế\"");
    TT_EQ_STR(td_log_quote("\xff\xe2\x80\xa8", b, sizeof b), "\"\\xff\\xe2\\x80\\xa8\"");
    /* capped at TD_LOG_PEER_MAX bytes, with the length */
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    td_log_quote(big, b, sizeof b);
    TT_CHECK(strlen(b) < TD_LOG_PEER_MAX + 40);
    TT_CHECK(strstr(b, "... (999 bytes)") != NULL);
    /* a small buffer is never overrun */
    td_log_quote("\n\n\n\n\n\n\n\n\n\n", b, 12);
    TT_CHECK(strlen(b) < 12 && !strchr(b, '\n'));
}

int main(void)
{
    TT_RUN(test_quote);
    return tt_report();
}
