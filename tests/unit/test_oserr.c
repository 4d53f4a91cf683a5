/* test_oserr.c — the Vietnamese names of system failures (common/oserr.h)
 * and what a person reads of a td_error (td_error_vi, td_text_vi): a
 * Vietnamese text for every code, the number for an unknown one, and the
 * library's English in the operator log, never in the text. */
#include "tt.h"

#include <errno.h>
#include <openssl/x509_vfy.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "err.h"
#include "log.h"
#include "netaddr.h"
#include "oserr.h"
#include "utf8.h"

/* Vietnamese: valid UTF-8 with a letter outside ASCII, and no library English. */
static int t_vi(const char *s)
{
    int wide = 0;
    if (!s || !*s || !td_utf8_valid(s, strlen(s), NULL)) return 0;
    for (const char *p = s; *p; p++) wide |= (unsigned char)*p >= 0x80;
    return wide && !strstr(s, "No such") && !strstr(s, "denied") && !strstr(s, "error") && !strstr(s, "failed");
}

static void test_errno(void)
{
    static const int common[] = {ENOENT, EACCES, EPERM, ENOSPC, EROFS, EEXIST, EISDIR, ENOTDIR, EIO, EMFILE,
                                 ENFILE, ENOMEM, ENAMETOOLONG, ELOOP, ETIMEDOUT, ECONNREFUSED, ECONNRESET,
                                 EHOSTUNREACH, ENETUNREACH, EADDRINUSE, EPIPE, EXDEV, EFBIG};
    TT_EQ_STR(td_errno_vi(ENOENT), "không có tệp hoặc thư mục này");
    TT_EQ_STR(td_errno_vi(EACCES), "không có quyền");
    TT_EQ_STR(td_errno_vi(EPERM), "không có quyền");
    TT_EQ_STR(td_errno_vi(ENOSPC), "ổ đĩa đã đầy");
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        const char *s = td_errno_vi(common[i]);
        if (!t_vi(s) || strstr(s, "mã")) fprintf(stderr, "  errno %d: %s\n", common[i], s);
        TT_CHECK(t_vi(s) && !strstr(s, "mã"));   /* named, not the generic text */
    }
    /* every errno the system knows: a Vietnamese text; an unknown one says its number */
    for (int e = 0; e < 200; e++) TT_CHECK(t_vi(td_errno_vi(e)));
    TT_CHECK(strstr(td_errno_vi(4242), "4242") && t_vi(td_errno_vi(4242)));
    /* the generic buffers: a few in one expression stay distinct */
    {
        const char *a = td_errno_vi(4001), *b = td_errno_vi(4002);
        TT_CHECK(strstr(a, "4001") && strstr(b, "4002"));
    }
}

static void test_uv(void)
{
    TT_CHECK(strstr(td_uv_vi(UV_ECONNREFUSED), "máy chủ không nhận kết nối") != NULL);
    TT_CHECK(strstr(td_uv_vi(UV_EAI_NONAME), "tên máy chủ") != NULL);
    TT_CHECK(strstr(td_uv_vi(UV_EAI_AGAIN), "tên máy chủ") != NULL);
    TT_CHECK(strstr(td_uv_vi(UV_ETIMEDOUT), "hết thời gian chờ") != NULL);
    TT_CHECK(strstr(td_uv_vi(UV_EHOSTUNREACH), "không tới được") != NULL);
    TT_CHECK(t_vi(td_uv_vi(UV_ECONNRESET)) && t_vi(td_uv_vi(UV_EOF)) && t_vi(td_uv_vi(UV_ENETUNREACH)));
    TT_EQ_STR(td_uv_vi(UV_ENOENT), td_errno_vi(ENOENT));
    TT_CHECK(strstr(td_uv_vi(-5000), "-5000") && t_vi(td_uv_vi(-5000)));
}

static void test_sqlite(void)
{
    TT_CHECK(strstr(td_sqlite_vi(SQLITE_BUSY), "đang được một chương trình khác dùng") != NULL);
    TT_EQ_STR(td_sqlite_vi(SQLITE_LOCKED), td_sqlite_vi(SQLITE_BUSY));
    TT_EQ_STR(td_sqlite_vi(SQLITE_BUSY_SNAPSHOT), td_sqlite_vi(SQLITE_BUSY));   /* extended codes */
    TT_EQ_STR(td_sqlite_vi(SQLITE_CORRUPT), "tệp cơ sở dữ liệu bị hỏng");
    TT_EQ_STR(td_sqlite_vi(SQLITE_NOTADB), "tệp cơ sở dữ liệu bị hỏng");
    TT_EQ_STR(td_sqlite_vi(SQLITE_FULL), "ổ đĩa đã đầy");
    TT_CHECK(strstr(td_sqlite_vi(SQLITE_CANTOPEN_ISDIR), "thư mục") != NULL);
    TT_CHECK(strstr(td_sqlite_vi(SQLITE_READONLY), "chỉ cho đọc") != NULL);
    for (int rc = 0; rc <= SQLITE_NOTADB; rc++) TT_CHECK(t_vi(td_sqlite_vi(rc)));
    TT_CHECK(strstr(td_sqlite_vi(250), "250") != NULL);

    /* a real corrupt file: the reason from the database handle, the English to the log */
    {
        char path[] = "/tmp/td-oserr-XXXXXX";
        int fd = mkstemp(path);
        sqlite3 *db = NULL;
        TT_CHECK(fd >= 0);
        char junk[4096];
        memset(junk, 'x', sizeof junk);
        TT_CHECK(write(fd, junk, sizeof junk) == (ssize_t)sizeof junk);
        close(fd);
        TT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
        TT_CHECK(sqlite3_exec(db, "SELECT * FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK);
        TT_EQ_STR(td_sqlite_vi_db(db, "probe"), "tệp cơ sở dữ liệu bị hỏng");
        sqlite3_close(db);
        unlink(path);
    }
    TT_EQ_STR(td_sqlite_vi_db(NULL, "open"), "hết bộ nhớ");
}

static void test_x509(void)
{
    TT_EQ_STR(td_x509_vi(X509_V_ERR_CERT_HAS_EXPIRED), "chứng thư số đã hết hạn");
    TT_EQ_STR(td_x509_vi(X509_V_ERR_CERT_REVOKED), "chứng thư số đã bị thu hồi");
    TT_CHECK(strstr(td_x509_vi(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY), "không do CA của tỉnh cấp") != NULL);
    TT_CHECK(strstr(td_x509_vi(X509_V_ERR_CERT_NOT_YET_VALID), "chưa đến ngày") != NULL);
    for (long v = 0; v < 100; v++) TT_CHECK(t_vi(td_x509_vi(v)));
    TT_CHECK(strstr(td_x509_vi(9999), "9999") != NULL);
}

/* The log file's content (td_log_set_path), "" if none. */
static void t_log_read(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    size_t k = f ? fread(buf, 1, n - 1, f) : 0;
    buf[k] = '\0';
    if (f) fclose(f);
}

static void test_error_vi(void)
{
    char logpath[] = "/tmp/td-oserr-log-XXXXXX", logbuf[4096];
    int fd = mkstemp(logpath);
    td_error e;
    TT_CHECK(fd >= 0);
    close(fd);
    td_log_set_path(logpath);

    /* "English | Vietnamese": the Vietnamese part; the English to the log */
    td_error_set(&e, TD_ECONNECT, "cannot connect: connection refused | %s", td_uv_vi(UV_ECONNREFUSED));
    TT_EQ_STR(td_error_vi(&e), td_uv_vi(UV_ECONNREFUSED));
    /* a Vietnamese message: itself */
    td_error_set(&e, TD_EIO, TD_MSG_FILE_READ, "/x/y", td_errno_vi_log(ENOENT, "/x/y"));
    TT_EQ_STR(td_error_vi(&e), "không đọc được /x/y: không có tệp hoặc thư mục này");
    /* an English message: the code's Vietnamese word; the English to the log */
    td_error_set(&e, TD_EPARSE, "plan.txt:3: expected a table row");
    TT_EQ_STR(td_error_vi(&e), td_err_vi(TD_EPARSE));
    /* Vietnamese only inside quotes or parentheses is still an English message */
    td_error_set(&e, TD_EPARSE, "a.csv:1: unknown column \"Tên\" (Mục, TT)");
    TT_EQ_STR(td_error_vi(&e), td_err_vi(TD_EPARSE));
    /* an English text after " | " is not taken for Vietnamese */
    td_error_set(&e, TD_EPROTO, "server error: a | b");
    TT_EQ_STR(td_error_vi(&e), td_err_vi(TD_EPROTO));
    TT_EQ_STR(td_error_vi(NULL), td_err_vi(TD_OK));
    TT_CHECK(td_text_vi("bad signature") == NULL);
    TT_CHECK(td_text_vi(NULL) == NULL && td_text_vi("") == NULL);
    TT_EQ_STR(td_text_vi("chữ ký không hợp lệ"), "chữ ký không hợp lệ");

    t_log_read(logpath, logbuf, sizeof logbuf);
    TT_CHECK(strstr(logbuf, "cannot connect: connection refused") != NULL);
    TT_CHECK(strstr(logbuf, "/x/y: No such file or directory") != NULL);
    TT_CHECK(strstr(logbuf, "plan.txt:3: expected a table row") != NULL);
    TT_CHECK(strstr(logbuf, "bad signature") != NULL);
    /* the Vietnamese part is not logged again */
    TT_CHECK(strstr(logbuf, "máy chủ không nhận") == NULL);
    td_log_set_path(NULL);
    unlink(logpath);
}

/* td_error_prefix: "where" before both parts; the person's part kept whole. */
static void test_error_prefix(void)
{
    td_error e;
    char big[400];
    td_error_set(&e, TD_EARG, "bad host | tên máy trống");
    TT_EQ_INT(td_error_prefix(&e, TD_EPARSE, "%s:%d: ", "a.txt", 7), TD_EPARSE);
    TT_EQ_STR(e.msg, "a.txt:7: bad host | a.txt:7: tên máy trống");
    TT_EQ_STR(td_error_vi(&e), "a.txt:7: tên máy trống");
    td_error_set(&e, TD_EPARSE, "thiếu cột");
    TT_EQ_INT(td_error_prefix(&e, TD_OK, "b.csv:2: "), TD_EPARSE);
    TT_EQ_STR(e.msg, "b.csv:2: thiếu cột");
    /* too long for both: the English part gives way */
    memset(big, 'e', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    td_error_set(&e, TD_EARG, "%s | quá dài %d", big, 1);
    td_error_prefix(&e, TD_OK, "%s:%d: ", "/một/đường/dẫn/khá/dài/tệp.csv", 12);
    TT_CHECK(strlen(e.msg) < TD_ERRMSG_MAX);
    TT_EQ_STR(td_error_vi(&e), "/một/đường/dẫn/khá/dài/tệp.csv:12: quá dài 1");
    TT_EQ_INT(td_error_prefix(NULL, TD_EIO, "x"), TD_EIO);
    /* a prefix "English | Vietnamese": each half before its part */
    td_error_set(&e, TD_EPARSE, "key name invalid | tên khóa sai");
    td_error_prefix(&e, TD_OK, "note: signature %d: | chữ ký thứ %d: ", 2, 2);
    TT_EQ_STR(e.msg, "note: signature 2: key name invalid | chữ ký thứ 2: tên khóa sai");
    /* ... and the code's word for an English-only message */
    td_error_set(&e, TD_EPARSE, "key name invalid");
    td_error_prefix(&e, TD_OK, "note: | ghi chú: ");
    TT_EQ_STR(e.msg, "note: key name invalid | ghi chú: dữ liệu sai định dạng");
    TT_EQ_STR(td_error_vi(&e), "ghi chú: dữ liệu sai định dạng");
    /* a message cut at the buffer's end is not cut inside a character */
    for (int pad = 0; pad < 4; pad++) {
        memset(big, 'e', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        td_error_set(&e, TD_EPARSE, "%.*s | %s%s", 100 + pad, big, big, "ữữữữữữữữữữ");
        TT_CHECK(strlen(e.msg) >= TD_ERRMSG_MAX - 4);
        TT_CHECK(strlen(e.msg) < TD_ERRMSG_MAX);
        TT_CHECK(td_utf8_valid(e.msg, strlen(e.msg), NULL));
    }
}

/* What a person reads of a wrong server address names it and what is wrong. */
static void test_hostport(void)
{
    char host[TD_HOST_MAX + 1];
    int port;
    td_error e;
    TT_EQ_INT(td_hostport_parse("10.0.0.5", host, &port, &e), TD_EARG);
    TT_EQ_STR(td_error_vi(&e), "địa chỉ \"10.0.0.5\" thiếu cổng (cần dạng máy:cổng, ví dụ 10.0.0.5:7443)");
    TT_EQ_INT(td_hostport_parse("h:99999", host, &port, &e), TD_EARG);
    TT_EQ_STR(td_error_vi(&e), "địa chỉ \"h:99999\": cổng phải là số từ 0 đến 65535");
    TT_EQ_INT(td_hostport_parse(":1", host, &port, &e), TD_EARG);
    TT_EQ_STR(td_error_vi(&e), "địa chỉ \":1\": tên máy trống");
    TT_EQ_INT(td_hostport_parse("h:1", host, &port, &e), TD_OK);
    TT_EQ_INT(port, 1);
}

/* The operator's English part of a two-language message, for a stored reason. */
static void test_error_en_len(void)
{
    td_error e;
    td_error_set(&e, TD_EPARSE, "frame of 9 bytes is cut | khung dữ liệu 9 byte bị cắt");
    TT_EQ_INT(td_error_en_len(e.msg), (long long)strlen("frame of 9 bytes is cut"));
    TT_EQ_INT(td_error_en_len("no second part"), (long long)strlen("no second part"));
    TT_EQ_INT(td_error_en_len(""), 0);
}

int main(void)
{
    TT_RUN(test_errno);
    TT_RUN(test_uv);
    TT_RUN(test_sqlite);
    TT_RUN(test_x509);
    TT_RUN(test_error_vi);
    TT_RUN(test_error_prefix);
    TT_RUN(test_error_en_len);
    TT_RUN(test_hostport);
    return tt_report();
}
