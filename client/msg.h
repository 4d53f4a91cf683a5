/*
 * msg.h — the catalogue of what tiendo says to people that the other
 * programs do not: its errors, warnings, confirmations and summaries on the
 * terminal, and the error texts of the web interface (tiendo ui).
 * Texts that several programs say are in common/msg.h (included here);
 * help texts are in the option tables (common/cli.h); the words of the web
 * pages stay in their page templates.  Each text is a string literal, so
 * printf formats are checked where they are used; the program's name
 * ("tiendo ...: ") and the final newline stay at the call.
 * tests/integration/cli_text.sh checks that no English word is here, and
 * that no message-printing call of client/ holds a Vietnamese text itself.
 */
#ifndef TDC_MSG_H
#define TDC_MSG_H

#include "../common/msg.h"

#endif
