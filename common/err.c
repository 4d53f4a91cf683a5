/* err.c — see err.h. */
#include "err.h"

#include "log.h"

#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *td_err_name(int code)
{
    switch (code) {
    case TD_OK: return "TD_OK";
#define TD__NAME(name, en, vi) case TD_E##name: return "TD_E" #name;
    TD_ERR_MAP(TD__NAME)
#undef TD__NAME
    default: return "TD_E?";
    }
}

const char *td_err_str(int code)
{
    switch (code) {
    case TD_OK: return "ok";
#define TD__STR(name, en, vi) case TD_E##name: return en;
    TD_ERR_MAP(TD__STR)
#undef TD__STR
    default: return "unknown error";
    }
}

const char *td_err_vi(int code)
{
    switch (code) {
    case TD_OK: return "thành công";
#define TD__VI(name, en, vi) case TD_E##name: return vi;
    TD_ERR_MAP(TD__VI)
#undef TD__VI
    default: return "lỗi không xác định";
    }
}

static int td__err_is_vi(const char *s);

int td_error_set(td_error *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        e->code = code;
        int n;
        va_start(ap, fmt);
        n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        if (n >= (int)sizeof e->msg) {   /* cut: never in the middle of a UTF-8 character */
            size_t i = sizeof e->msg - 2;
            unsigned char lead;
            while (i > 0 && ((unsigned char)e->msg[i] & 0xC0) == 0x80) i--;
            lead = (unsigned char)e->msg[i];
            if (lead >= 0xC0 && i + (lead >= 0xF0 ? 4u : lead >= 0xE0 ? 3u : 2u) > sizeof e->msg - 1) e->msg[i] = '\0';
        }
    }
    return code;
}

int td_error_prefix(td_error *e, int code, const char *fmt, ...)
{
    char pre[TD_ERRMSG_MAX], old[TD_ERRMSG_MAX];
    const char *bar, *pbar, *vi;
    int pen;
    va_list ap;
    if (!e) return code;
    if (code != TD_OK) e->code = code;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    /* a prefix "EN | VI": EN (with its space) before the English part, VI before the person's */
    pbar = strstr(pre, " | ");
    pen = pbar ? (int)(pbar - pre) + 1 : (int)strlen(pre);
    bar = strstr(old, " | ");
    vi = bar ? bar + 3 : td__err_is_vi(old) ? old : td_err_vi(e->code);
    if (bar || pbar) {
        /* the English part gives way when both do not fit: the person's part is whole */
        const char *pvi = pbar ? pbar + 3 : pre;
        size_t en = bar ? (size_t)(bar - old) : strlen(old), rest = (size_t)pen + 3 + strlen(pvi) + strlen(vi);
        if (rest + en >= sizeof e->msg) en = rest < sizeof e->msg ? sizeof e->msg - 1 - rest : 0;
        if (snprintf(e->msg, sizeof e->msg, "%.*s%.*s | %s%s", pen, pre, (int)en, old, pvi, vi) < 0) e->msg[0] = '\0';
    } else if (snprintf(e->msg, sizeof e->msg, "%s%s", pre, old) < 0) {
        e->msg[0] = '\0';
    }
    return e->code;
}

void td_error_clear(td_error *e)
{
    if (e) {
        e->code = TD_OK;
        e->msg[0] = '\0';
    }
}

int td_error_set_ssl(td_error *e, int code, const char *what)
{
    unsigned long err = ERR_peek_error();
    char buf[256];
    if (err) {
        ERR_error_string_n(err, buf, sizeof buf);
    } else {
        snprintf(buf, sizeof buf, "no OpenSSL error recorded");
    }
    ERR_clear_error();
    return td_error_set(e, code, "%s: %s", what, buf);
}

int td_error_set_ssl_file(td_error *e, int code, const char *path, const char *kind_vi)
{
    unsigned long err = ERR_peek_error();
    char buf[160];
    if (err) ERR_error_string_n(err, buf, sizeof buf);
    else snprintf(buf, sizeof buf, "no OpenSSL error recorded");
    ERR_clear_error();
    return td_error_set(e, code,
                        "%.150s: %s | tệp %.150s không chứa %s đọc được; cần định dạng PEM, có thể tệp hỏng hoặc "
                        "chọn nhầm tệp", path, buf, path, kind_vi);
}

/* A text with a letter outside ASCII that is not quoted ("...") nor in
 * parentheses (a quoted cell or column of a Vietnamese file inside an
 * English message): Vietnamese, for a person. */
static int td__err_is_vi(const char *s)
{
    int quoted = 0, paren = 0;
    for (; *s; s++) {
        if (*s == '"') quoted = !quoted;
        else if (*s == '(' && !quoted) paren++;
        else if (*s == ')' && !quoted && paren) paren--;
        else if ((unsigned char)*s >= 0x80 && !quoted && !paren) return 1;
    }
    return 0;
}

const char *td_error_vi(const td_error *e)
{
    const char *bar;
    if (!e || e->code == TD_OK) return td_err_vi(TD_OK);
    if ((bar = strstr(e->msg, " | ")) && td__err_is_vi(bar + 3)) {
        td_log_warn("%.*s", (int)(bar - e->msg), e->msg);
        return bar + 3;
    }
    if (td_text_vi(e->msg)) return e->msg;
    return td_err_vi(e->code);
}

const char *td_text_vi(const char *text)
{
    if (!text || !*text) return NULL;
    if (td__err_is_vi(text)) return text;
    td_log_warn("%s", text);
    return NULL;
}

int td_error_en_len(const char *msg)
{
    const char *bar = strstr(msg, " | ");
    size_t n = bar ? (size_t)(bar - msg) : strlen(msg);
    return n > TD_ERRMSG_MAX ? TD_ERRMSG_MAX : (int)n;
}
