/* oserr.c — see oserr.h. */
#include "oserr.h"

#include <errno.h>
#include <openssl/x509_vfy.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "log.h"

/* A generic text "<what> <code>)", in one of a few per-thread buffers. */
static const char *td__oserr_other(const char *what, long code)
{
    static _Thread_local char bufs[4][96];
    static _Thread_local unsigned next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s %ld)", what, code);
    return b;
}

const char *td_errno_vi(int errnum)
{
    switch (errnum) {
    case 0: return "không có lỗi";
    case ENOENT: return "không có tệp hoặc thư mục này";
    case EACCES:
    case EPERM: return "không có quyền";
    case ENOSPC: return "ổ đĩa đã đầy";
#ifdef EDQUOT
    case EDQUOT: return "đã hết hạn mức dung lượng trên ổ đĩa";
#endif
    case EROFS: return "ổ đĩa chỉ cho đọc, không ghi được";
    case EEXIST: return "tệp hoặc thư mục đã tồn tại";
    case EISDIR: return "đây là thư mục, không phải tệp";
    case ENOTDIR: return "một phần của đường dẫn không phải thư mục";
    case ENOTEMPTY: return "thư mục không trống";
    case EIO: return "lỗi đọc/ghi của ổ đĩa";
    case EMFILE:
    case ENFILE: return "mở quá nhiều tệp cùng lúc";
    case ENOMEM: return "hết bộ nhớ";
    case ENAMETOOLONG: return "tên tệp quá dài";
    case ELOOP: return "đường dẫn vòng lặp (liên kết tượng trưng)";
    case EBUSY: return "đang được dùng";
    case ETXTBSY: return "tệp đang được chạy";
    case EFBIG: return "tệp quá lớn";
    case EXDEV: return "không chuyển được sang ổ đĩa khác";
    case EINVAL: return "tham số không hợp lệ";
    case EAGAIN: return "tạm thời chưa làm được, hãy thử lại";
    case EINTR: return "bị ngắt giữa chừng";
    case EPIPE: return "đầu bên kia đã đóng";
    case ENODEV:
    case ENXIO: return "không có thiết bị này";
    case ECONNREFUSED: return "máy chủ không nhận kết nối (chưa chạy, hoặc sai cổng)";
    case ECONNRESET: return "kết nối bị đầu bên kia cắt";
    case ECONNABORTED: return "kết nối bị hủy";
    case ETIMEDOUT: return "hết thời gian chờ";
    case EHOSTUNREACH: return "không tới được máy chủ (không có đường mạng)";
    case ENETUNREACH: return "không có đường mạng tới máy chủ";
    case ENETDOWN: return "mạng không hoạt động";
    case EADDRINUSE: return "địa chỉ (cổng) đang được chương trình khác dùng";
    case EADDRNOTAVAIL: return "địa chỉ không có trên máy này";
    case ENOTCONN: return "chưa kết nối";
    case EAFNOSUPPORT: return "loại địa chỉ không được hỗ trợ";
    case ENOBUFS: return "hết bộ đệm mạng";
    case ECANCELED: return "đã hủy";
    default: return td__oserr_other("lỗi hệ thống (mã", errnum);
    }
}

const char *td_uv_vi(int uvcode)
{
    switch (uvcode) {
    case UV_EOF: return "đầu bên kia đã đóng kết nối";
    case UV_EAI_NONAME: return "không tìm thấy tên máy chủ (sai tên, hoặc không tra được tên)";
    case UV_EAI_AGAIN: return "tạm thời không tra được tên máy chủ (mạng hoặc máy chủ tên miền)";
    case UV_EAI_FAIL: return "không tra được tên máy chủ";
    case UV_EAI_NODATA: return "tên máy chủ không có địa chỉ";
    case UV_EAI_FAMILY:
    case UV_EAI_ADDRFAMILY: return "loại địa chỉ của tên máy chủ không được hỗ trợ";
    case UV_EAI_MEMORY: return "hết bộ nhớ";
    case UV_EAI_SERVICE: return "số cổng không hợp lệ";
    case UV_EAI_CANCELED: return "đã hủy tra tên máy chủ";
    case UV_EAI_BADFLAGS:
    case UV_EAI_BADHINTS:
    case UV_EAI_PROTOCOL:
    case UV_EAI_SOCKTYPE:
    case UV_EAI_OVERFLOW: return "không tra được tên máy chủ";
    default: break;
    }
    /* On POSIX systems libuv's other codes are the negated errno values. */
    if (uvcode < 0 && uvcode > -4000) return td_errno_vi(-uvcode);
    return td__oserr_other("lỗi kết nối (mã", uvcode);
}

const char *td_sqlite_vi(int rc)
{
    switch (rc) {
    case SQLITE_IOERR_NOMEM: return "hết bộ nhớ";
    case SQLITE_CANTOPEN_ISDIR: return "đây là thư mục, không phải tệp cơ sở dữ liệu";
    case SQLITE_READONLY_DBMOVED: return "tệp cơ sở dữ liệu đã bị di chuyển hoặc xóa trong khi đang dùng";
    default: break;
    }
    switch (rc & 0xff) {
    case SQLITE_OK: return "không có lỗi";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "đang được một chương trình khác dùng (hãy thử lại sau)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return "tệp cơ sở dữ liệu bị hỏng";
    case SQLITE_FULL: return "ổ đĩa đã đầy";
    case SQLITE_CANTOPEN: return "không mở được tệp cơ sở dữ liệu";
    case SQLITE_READONLY: return "tệp cơ sở dữ liệu chỉ cho đọc, không ghi được";
    case SQLITE_PERM:
    case SQLITE_AUTH: return "không có quyền";
    case SQLITE_IOERR: return "lỗi đọc/ghi của ổ đĩa";
    case SQLITE_NOMEM: return "hết bộ nhớ";
    case SQLITE_TOOBIG: return "dữ liệu quá lớn";
    case SQLITE_CONSTRAINT: return "dữ liệu trái ràng buộc của cơ sở dữ liệu";
    case SQLITE_MISMATCH: return "dữ liệu sai kiểu";
    case SQLITE_SCHEMA: return "cấu trúc cơ sở dữ liệu vừa thay đổi";
    case SQLITE_PROTOCOL: return "lỗi khóa tệp cơ sở dữ liệu";
    case SQLITE_INTERRUPT: return "đã bị ngắt";
    case SQLITE_ABORT: return "thao tác bị hủy";
    case SQLITE_ERROR: return "lỗi cơ sở dữ liệu";
    case SQLITE_RANGE:
    case SQLITE_MISUSE: return "lỗi nội bộ khi dùng cơ sở dữ liệu";
    default: return td__oserr_other("lỗi cơ sở dữ liệu (mã", rc);
    }
}

const char *td_x509_vi(long v)
{
    switch (v) {
    case X509_V_OK: return "chứng thư số hợp lệ";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "chứng thư số đã hết hạn";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "chứng thư số chưa đến ngày có hiệu lực (đồng hồ máy tính sai?)";
    case X509_V_ERR_CERT_REVOKED: return "chứng thư số đã bị thu hồi";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "chứng thư số không do CA của tỉnh cấp";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: return "chữ ký trên chứng thư số không hợp lệ";
    case X509_V_ERR_INVALID_PURPOSE: return "chứng thư số không dùng được cho việc này";
    case X509_V_ERR_INVALID_CA: return "chứng thư CA không hợp lệ";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return "chứng thư số của máy chủ mang tên máy khác";
    case X509_V_ERR_UNABLE_TO_GET_CRL: return "thiếu danh sách chứng thư bị thu hồi (CRL)";
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID: return "danh sách chứng thư bị thu hồi (CRL) hết hạn hoặc chưa có hiệu lực";
    case X509_V_ERR_CRL_SIGNATURE_FAILURE: return "chữ ký trên danh sách chứng thư bị thu hồi (CRL) không hợp lệ";
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD: return "thời hạn ghi trong chứng thư số sai định dạng";
    case X509_V_ERR_OUT_OF_MEM: return "hết bộ nhớ";
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: return "chuỗi chứng thư số quá dài";
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED: return "chứng thư số không được tin cậy";
    default: return td__oserr_other("chứng thư số không hợp lệ (mã kiểm tra", v);
    }
}

const char *td_errno_vi_log(int errnum, const char *where)
{
    td_log_warn("%s%s%s", where ? where : "", where ? ": " : "", strerror(errnum));
    return td_errno_vi(errnum);
}

const char *td_uv_vi_log(int uvcode, const char *where)
{
    td_log_warn("%s%s%s", where ? where : "", where ? ": " : "", uv_strerror(uvcode));
    return td_uv_vi(uvcode);
}

const char *td_sqlite_vi_db(sqlite3 *db, const char *where)
{
    int rc = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
    td_log_warn("%s%s%s", where ? where : "", where ? ": " : "", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    return td_sqlite_vi(rc);
}
