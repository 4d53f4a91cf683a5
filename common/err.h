/*
 * err.h — the one error vocabulary of tiendo.
 *
 * Every function that can fail returns an int: 0 (TD_OK) on success, or a
 * negative TD_E* code.  Where the caller needs to know *what* went wrong and
 * *where* (which file, which line, which field), it passes a td_error, which
 * the callee fills with a one-line English message for operators.  Vietnamese
 * text for people at the terminal comes from td_err_vi().
 *
 * The X-macro gives each code its name, its English text and its Vietnamese
 * text in one place (after libuv's UV_ERRNO_MAP).
 */
#ifndef TD_ERR_H
#define TD_ERR_H

#include <stddef.h>

#include "msg.h"

#define TD_ERR_MAP(X)                                                              \
    X(NOMEM,    "out of memory",                 "hết bộ nhớ")                      \
    X(IO,       "input/output error",            "lỗi đọc/ghi")                     \
    X(ARG,      "invalid argument",              "tham số không hợp lệ")            \
    X(PARSE,    "malformed input",               "dữ liệu sai định dạng")           \
    X(TOOBIG,   "too large",                     "dữ liệu quá lớn")                 \
    X(TLS,      "TLS failure",                   "lỗi kết nối bảo mật TLS")         \
    X(CERT,     "certificate rejected",          "chứng thư số không hợp lệ")       \
    X(REVOKED,  "certificate revoked",           TD_MSG_CERT_REVOKED)               \
    X(EXPIRED,  "certificate expired",           TD_MSG_CERT_EXPIRED)               \
    X(AUTH,     "not authorised",                "không có quyền")                  \
    X(PROTO,    "protocol violation",            "vi phạm giao thức")               \
    X(VERSION,  "unsupported protocol version",  "phiên bản giao thức không hỗ trợ")\
    X(TIMEOUT,  "timed out",                     "hết thời gian chờ")               \
    X(CLOSED,   "connection closed",             "kết nối đã đóng")                 \
    X(CONNECT,  "cannot connect",                "không kết nối được máy chủ")      \
    X(EXISTS,   "already exists",                "đã tồn tại")                      \
    X(NOTFOUND, "not found",                     "không tìm thấy")                  \
    X(DB,       "database error",                "lỗi cơ sở dữ liệu")               \
    X(CRYPTO,   "cryptographic failure",         "lỗi mật mã")                      \
    X(SIG,      "bad signature",                 "chữ ký không hợp lệ")             \
    X(BUSY,     "server busy",                   "máy chủ đang quá tải")            \
    X(INTERNAL, "internal error",                "lỗi nội bộ")

enum {
    TD_OK = 0,
    TD__EFIRST = -1000,
#define TD__ENUM(name, en, vi) TD_E##name,
    TD_ERR_MAP(TD__ENUM)
#undef TD__ENUM
    TD__ELAST
};

/* Size of the message buffer: one line, room for a path and a quoted field. */
#define TD_ERRMSG_MAX 512

typedef struct td_error {
    int code;                  /* TD_OK or a TD_E* code */
    char msg[TD_ERRMSG_MAX];   /* English, one line, no trailing newline */
} td_error;

/* "ENOMEM"-style name of a code ("TD_EPARSE"); "TD_OK" for 0; never NULL. */
const char *td_err_name(int code);
/* English text of a code; never NULL. */
const char *td_err_str(int code);
/* Vietnamese text of a code, for people; never NULL. */
const char *td_err_vi(int code);

/*
 * Fill e (if not NULL) with code and a printf-formatted message and return
 * code, so that callers can write `return td_error_set(e, TD_EPARSE, ...)`.
 */
int td_error_set(td_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Put a printf-formatted prefix ("plan.csv:12: ") before e's message, before
 * both parts of an "English | Vietnamese" one so that a person reads where
 * too; set e's code to code (when not TD_OK) and return e's code.  A prefix
 * "English | Vietnamese" ("note: signature 2: | chữ ký thứ 2: ") puts each
 * half before its part; an English-only message then gets the code's word
 * (td_err_vi) as its Vietnamese part.
 */
int td_error_prefix(td_error *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reset e to TD_OK with an empty message. */
void td_error_clear(td_error *e);
/* Append OpenSSL's error queue (first error) to e's message and clear the queue. */
int td_error_set_ssl(td_error *e, int code, const char *what);
/* The same for a file that does not hold what it should (a PEM certificate,
 * key, request or CRL): English as above | the Vietnamese naming the file
 * and kind_vi ("chứng thư số", "khóa bí mật"). */
int td_error_set_ssl_file(td_error *e, int code, const char *path, const char *kind_vi);

/*
 * What a person reads of e: the Vietnamese part of an "English | Vietnamese"
 * message, else the message itself when it is Vietnamese (it has a letter
 * outside ASCII, outside quotes and parentheses: every Vietnamese sentence
 * has one), else td_err_vi(e->code).
 * Whatever English is left out goes to the operator log (td_log_warn), so
 * support still sees it.  Never NULL; NULL e is "thành công".
 */
const char *td_error_vi(const td_error *e);
/* text when it is Vietnamese (as above), else NULL after logging it (NULL
 * and "" give NULL): for a detail shown only when a person can read it. */
const char *td_text_vi(const char *text);
/* Length of the English part of an "English | Vietnamese" message (the
 * whole message when it has no " | "): for a reason stored or sent in the
 * operator's English, cut at an ASCII boundary. */
int td_error_en_len(const char *msg);

#endif
