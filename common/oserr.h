/*
 * oserr.h — the Vietnamese names of the system failures a person meets:
 * errno values, libuv's codes (connections, name lookups), SQLite's result
 * codes and OpenSSL's certificate verification results.  What a person reads
 * says the Vietnamese reason; the English text of the library (strerror,
 * uv_strerror, sqlite3_errmsg, X509_verify_cert_error_string) goes to the
 * operator log (log.h), so support can still see it.
 *
 * An unknown code gets a Vietnamese generic text with the number.  The
 * returned text is static, or (an unknown code) one of a few per-thread
 * buffers: use it before the next few calls.
 */
#ifndef TD_OSERR_H
#define TD_OSERR_H

struct sqlite3;

/* Vietnamese name of an errno value (ENOENT: "không có tệp hoặc thư mục này"). */
const char *td_errno_vi(int errnum);
/* Vietnamese name of a libuv error code (negative, UV_ECONNREFUSED ...). */
const char *td_uv_vi(int uvcode);
/* Vietnamese name of an SQLite result code (primary or extended). */
const char *td_sqlite_vi(int rc);
/* Vietnamese name of an X509_V_ERR_* verification result. */
const char *td_x509_vi(long verify);

/*
 * The same, after logging "<where>: <the library's English text>" at warn
 * level.  where may be NULL.  td_sqlite_vi_db names db's last error
 * (sqlite3_extended_errcode and sqlite3_errmsg); db NULL is out of memory.
 */
const char *td_errno_vi_log(int errnum, const char *where);
const char *td_uv_vi_log(int uvcode, const char *where);
const char *td_sqlite_vi_db(struct sqlite3 *db, const char *where);

#endif
