/* x509util.c — see x509util.h. */
#include "clock.h"
#include "x509util.h"
#include "oserr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Suffix of the temporary file beside a target; mkstemp fills the Xs. */
#define TD__TMP_SUFFIX ".tmp.XXXXXX"
/* Bundle format version this code writes and reads. */
#define TD__BUNDLE_VERSION "1"
/* Longest header line of a bundle we accept. */
#define TD__BUNDLE_LINE_MAX 512

int td_x509_keygen(EVP_PKEY **out, td_error *err)
{
    *out = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!*out) return td_error_set_ssl(err, TD_ECRYPTO, "generating an Ed25519 key");
    return TD_OK;
}

/* write(2) all of it, retrying on EINTR and short writes. */
static int td__write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int td_x509_write_file(const char *path, const void *data, size_t len, int mode, int noclobber,
                       td_error *err)
{
    size_t plen = strlen(path);
    char *tmp;
    int fd, rc = TD_OK;

    if (noclobber && access(path, F_OK) == 0)
        return td_error_set(err, TD_EEXISTS, TD_MSG_FILE_EXISTS, path);
    tmp = malloc(plen + sizeof TD__TMP_SUFFIX);
    if (!tmp) return td_error_set(err, TD_ENOMEM, "%s: out of memory | " TD_MSG_NOMEM, path);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, TD__TMP_SUFFIX, sizeof TD__TMP_SUFFIX);
    /* mkstemp creates with O_EXCL and mode 0600: a key is never looser. */
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, tmp, td_errno_vi_log(errno, tmp));
        free(tmp);
        return rc;
    }
    if (((mode & 07777) != 0600 && fchmod(fd, (mode_t)(mode & 07777)) != 0) ||
        td__write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, tmp, td_errno_vi_log(errno, tmp));
        close(fd);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    if (close(fd) != 0) {
        rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, tmp, td_errno_vi_log(errno, tmp));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    if (noclobber) {
        /* link() refuses an existing target atomically, unlike rename(). */
        if (link(tmp, path) != 0) {
            int e = errno;
            rc = e == EEXIST ? td_error_set(err, TD_EEXISTS, TD_MSG_FILE_EXISTS, path)
                             : td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, path, td_errno_vi_log(e, path));
        }
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, path, td_errno_vi_log(errno, path));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

/* Write what a BIO holds to path. */
static int td__write_bio(const char *path, BIO *bio, int mode, int noclobber, td_error *err)
{
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    if (len <= 0) return td_error_set(err, TD_EINTERNAL, "%s: nothing to write | " TD_MSG_X509_NOTHING, path, path);
    return td_x509_write_file(path, data, (size_t)len, mode, noclobber, err);
}

/* What td__write_pem writes. */
enum { TD__PEM_KEY, TD__PEM_CERT, TD__PEM_CSR, TD__PEM_CRL };

/* obj as PEM into path: a private key with mode 0600 through secure memory
 * (cleansed when freed: the key text leaves no copy), the rest with 0644. */
static int td__write_pem(const char *path, int kind, const void *obj, int noclobber, td_error *err)
{
    BIO *bio = BIO_new(kind == TD__PEM_KEY ? BIO_s_secmem() : BIO_s_mem());
    int ok = 0, rc;
    if (!bio) return td_error_set_ssl(err, TD_ENOMEM, path);
    switch (kind) {
    case TD__PEM_KEY: ok = PEM_write_bio_PrivateKey(bio, obj, NULL, NULL, 0, NULL, NULL); break;
    case TD__PEM_CERT: ok = PEM_write_bio_X509(bio, obj); break;
    case TD__PEM_CSR: ok = PEM_write_bio_X509_REQ(bio, obj); break;
    case TD__PEM_CRL: ok = PEM_write_bio_X509_CRL(bio, obj); break;
    }
    if (ok != 1)
        rc = td_error_set_ssl(err, TD_ECRYPTO, path);
    else
        rc = td__write_bio(path, bio, kind == TD__PEM_KEY ? 0600 : 0644, noclobber, err);
    BIO_free(bio);
    return rc;
}

int td_x509_write_key(const char *path, EVP_PKEY *key, td_error *err)
{
    return td__write_pem(path, TD__PEM_KEY, key, 1, err);
}

int td_x509_write_cert(const char *path, X509 *cert, int noclobber, td_error *err)
{
    return td__write_pem(path, TD__PEM_CERT, cert, noclobber, err);
}

int td_x509_write_csr(const char *path, X509_REQ *req, int noclobber, td_error *err)
{
    return td__write_pem(path, TD__PEM_CSR, req, noclobber, err);
}

int td_x509_write_crl(const char *path, X509_CRL *crl, td_error *err)
{
    return td__write_pem(path, TD__PEM_CRL, crl, 0, err);
}

/* Flags of td__read_file. */
#define TD__READ_SECRET 1    /* holds a private key: read into secure memory */
#define TD__READ_PRIVATE 2   /* refuse a file that group or others may read */
/* read(2) size: a PEM key or certificate fits in one. */
#define TD__READ_CHUNK 4096

/* Read a whole file (at most TD_X509_FILE_MAX bytes) into a memory BIO. */
static int td__read_file(const char *path, int flags, BIO **out, td_error *err)
{
    unsigned char buf[TD__READ_CHUNK];
    struct stat st;
    size_t total = 0;
    BIO *bio;
    int fd, rc = TD_OK;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
    if (fstat(fd, &st) != 0) {
        rc = td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
        close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return td_error_set(err, TD_EIO, TD_MSG_NOT_FILE, path);
    }
    if ((flags & TD__READ_PRIVATE) && (st.st_mode & 077)) {
        close(fd);
        return td_error_set(err, TD_EAUTH,
                            "%s: khóa bí mật để người dùng khác đọc được (quyền %03o); hãy chạy chmod 600",
                            path, (unsigned)(st.st_mode & 0777));
    }
    if (st.st_size > TD_X509_FILE_MAX) {
        close(fd);
        return td_error_set(err, TD_ETOOBIG, "%s: lớn hơn %d byte", path, TD_X509_FILE_MAX);
    }
    bio = BIO_new((flags & TD__READ_SECRET) ? BIO_s_secmem() : BIO_s_mem());
    if (!bio) {
        close(fd);
        return td_error_set_ssl(err, TD_ENOMEM, path);
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
            break;
        }
        if (n == 0) break;
        total += (size_t)n;
        if (total > TD_X509_FILE_MAX) {
            rc = td_error_set(err, TD_ETOOBIG, "%s: lớn hơn %d byte", path, TD_X509_FILE_MAX);
            break;
        }
        if (BIO_write(bio, buf, (int)n) != n) {
            rc = td_error_set_ssl(err, TD_ENOMEM, path);
            break;
        }
    }
    OPENSSL_cleanse(buf, sizeof buf);
    close(fd);
    if (rc) {
        BIO_free(bio);
        return rc;
    }
    *out = bio;
    return TD_OK;
}

/* A PEM file of `kind` (TD__PEM_*) into *out; a private key is read into
 * secure memory and only from a file nobody else may read. */
static int td__read_pem(const char *path, int kind, void **out, td_error *err)
{
    BIO *bio;
    int rc;

    *out = NULL;
    if ((rc = td__read_file(path, kind == TD__PEM_KEY ? TD__READ_SECRET | TD__READ_PRIVATE : 0, &bio, err)))
        return rc;
    ERR_clear_error();
    switch (kind) {
    case TD__PEM_KEY: *out = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL); break;
    case TD__PEM_CERT: *out = PEM_read_bio_X509(bio, NULL, NULL, NULL); break;
    case TD__PEM_CSR: *out = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL); break;
    }
    BIO_free(bio);
    if (!*out)
        return td_error_set_ssl_file(err, TD_EPARSE, path,
                                     kind == TD__PEM_KEY    ? "khóa bí mật"
                                     : kind == TD__PEM_CERT ? "chứng thư số"
                                                            : "yêu cầu cấp chứng thư (CSR)");
    return TD_OK;
}

int td_x509_read_key(const char *path, EVP_PKEY **out, td_error *err)
{
    void *k;
    int rc = td__read_pem(path, TD__PEM_KEY, &k, err);
    *out = k;
    if (rc) return rc;
    if (EVP_PKEY_get_id(*out) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return td_error_set(err, TD_ECRYPTO, "%s: khóa bí mật không phải Ed25519", path);
    }
    return TD_OK;
}

int td_x509_read_cert(const char *path, X509 **out, td_error *err)
{
    void *x;
    int rc = td__read_pem(path, TD__PEM_CERT, &x, err);
    *out = x;
    return rc;
}

int td_x509_read_csr(const char *path, X509_REQ **out, td_error *err)
{
    void *x;
    int rc = td__read_pem(path, TD__PEM_CSR, &x, err);
    *out = x;
    return rc;
}

int td_x509_make_csr(EVP_PKEY *key, const char *agency, const char *device, td_role role,
                     X509_REQ **out, td_error *err)
{
    X509_REQ *req;
    X509_NAME *name;

    *out = NULL;
    if (!td_slug_valid(agency))
        return td_error_set(err, TD_EARG, "mã cơ quan \"%s\" không hợp lệ (chữ thường không dấu, số, gạch ngang)", agency ? agency : "");
    if (!td_device_name_valid(device))
        return td_error_set(err, TD_EARG, "tên thiết bị \"%s\" không hợp lệ", device ? device : "");
    if (role == TD_ROLE_NONE) return td_error_set(err, TD_EARG, "yêu cầu chưa có vai trò");
    req = X509_REQ_new();
    name = req ? X509_REQ_get_subject_name(req) : NULL;
    if (!name ||
        X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                                   (const unsigned char *)agency, -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_NID(name, NID_organizationalUnitName, MBSTRING_UTF8,
                                   (const unsigned char *)td_role_name(role), -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                   (const unsigned char *)device, -1, -1, 0) != 1 ||
        X509_REQ_set_pubkey(req, key) != 1 ||
        X509_REQ_sign(req, key, NULL) <= 0) {   /* Ed25519 takes no digest */
        X509_REQ_free(req);
        return td_error_set_ssl(err, TD_ECRYPTO, "making the certificate request");
    }
    *out = req;
    return TD_OK;
}

int td_x509_csr_check(X509_REQ *req, const char *what, td_error *err)
{
    EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
    if (!pub) return td_error_set(err, TD_EPARSE, "yêu cầu cấp chứng thư (CSR) không có khóa công khai đọc được: %s", what);
    ERR_clear_error();
    if (X509_REQ_verify(req, pub) != 1) {
        ERR_clear_error();
        return td_error_set(err, TD_ESIG, "chữ ký trên yêu cầu cấp chứng thư (CSR) không hợp lệ: %s", what);
    }
    if (EVP_PKEY_get_id(pub) != EVP_PKEY_ED25519)
        return td_error_set(err, TD_ECRYPTO, "khóa của yêu cầu cấp chứng thư (CSR) là %s, không phải Ed25519: %s",
                            EVP_PKEY_get0_type_name(pub) ? EVP_PKEY_get0_type_name(pub) : "unknown",
                            what);
    return TD_OK;
}

int td_x509_cert_matches_key(X509 *cert, EVP_PKEY *key, td_error *err)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    if (!pub || EVP_PKEY_eq(pub, key) != 1) {
        ERR_clear_error();
        return td_error_set(err, TD_ECERT, "chứng thư không mang khóa công khai của khóa bí mật này");
    }
    return TD_OK;
}

int td_x509_verify(X509 *cert, X509 *ca, int purpose, int check_time, td_error *err)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int rc = TD_OK;

    if (!store || !ctx || X509_STORE_add_cert(store, ca) != 1 ||
        X509_STORE_CTX_init(ctx, store, cert, NULL) != 1) {
        rc = td_error_set_ssl(err, TD_ENOMEM, "setting up certificate verification");
        goto out;
    }
    if (!check_time) X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
    else X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)(td_clock_now_ms() / 1000));
    if (purpose && X509_STORE_CTX_set_purpose(ctx, purpose) != 1) {
        rc = td_error_set_ssl(err, TD_EINTERNAL, "setting verification purpose");
        goto out;
    }
    ERR_clear_error();
    if (X509_verify_cert(ctx) != 1) {
        int e = X509_STORE_CTX_get_error(ctx);
        const char *who = X509_STORE_CTX_get_error_depth(ctx) == 0 ? "certificate" : "CA certificate";
        rc = td_error_set(err, e == X509_V_ERR_CERT_HAS_EXPIRED ? TD_EEXPIRED : TD_ECERT, "%s: %s | %s%s", who,
                          X509_verify_cert_error_string(e), who[0] == 'C' ? "chứng thư CA: " : "", td_x509_vi(e));
        ERR_clear_error();
    }
out:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

int td_x509_time_unix(const ASN1_TIME *t, int64_t *out, td_error *err)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return td_error_set(err, TD_EPARSE, "unreadable certificate time | chứng thư số có thời hạn hiệu lực "
                            "không đọc được");
    *out = (int64_t)timegm(&tm);
    return TD_OK;
}

int td_x509_hostport_valid(const char *s)
{
    const char *colon;
    size_t n;
    char *end;
    long port;

    if (!s) return 0;
    n = strlen(s);
    if (n == 0 || n > TD_X509_HOSTPORT_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '#') return 0;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb == s + 1 || rb[1] != ':') return 0;
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || colon == s || memchr(s, ':', (size_t)(colon - s))) return 0;
    }
    if (colon[1] < '0' || colon[1] > '9') return 0;
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    return errno == 0 && *end == '\0' && port >= 1 && port <= 65535;
}

void td_bundle_free(td_bundle *b)
{
    if (!b) return;
    X509_free(b->ca);
    EVP_PKEY_free(b->key);
    X509_free(b->cert);
    memset(b, 0, sizeof *b);
}

int td_bundle_write(const char *path, const td_bundle *b, td_error *err)
{
    BIO *bio;
    td_subject sub;
    td_error ignored;
    int rc;

    if (!b->ca || !b->key || !b->cert)
        return td_error_set(err, TD_EARG, "%s: gói đăng ký cần chứng thư CA, khóa và chứng thư", path);
    if (!td_x509_hostport_valid(b->server))
        return td_error_set(err, TD_EARG, "%s: máy chủ \"%s\" không có dạng MÁY:CỔNG", path, b->server);
    bio = BIO_new(BIO_s_secmem());   /* it will hold the private key */
    if (!bio) return td_error_set_ssl(err, TD_ENOMEM, path);
    BIO_printf(bio, "# tiendo enrolment bundle: contains a PRIVATE KEY, keep it secret\n"
                    "tiendo-bundle: " TD__BUNDLE_VERSION "\n"
                    "server: %s\n", b->server);
    /* The subject lines are for the person who opens the file; skip them
     * for a certificate that is not a device's. */
    if (td_subject_from_cert(b->cert, &sub, &ignored) == TD_OK)
        BIO_printf(bio, "agency: %s\ndevice: %s\nrole: %s\n", sub.agency, sub.device,
                   td_role_name(sub.role));
    BIO_printf(bio, "\n");
    if (PEM_write_bio_X509(bio, b->ca) != 1 ||
        PEM_write_bio_PrivateKey(bio, b->key, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_X509(bio, b->cert) != 1)
        rc = td_error_set_ssl(err, TD_ECRYPTO, path);
    else
        rc = td__write_bio(path, bio, 0600, 1, err);
    BIO_free(bio);
    return rc;
}

/* Parse the header lines of a bundle (text before the first PEM block). */
static int td__bundle_header(const char *path, const char *text, size_t len, td_bundle *b,
                             td_error *err)
{
    int lineno = 0, have_version = 0, have_server = 0;
    const char *p = text, *end = text + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        char line[TD__BUNDLE_LINE_MAX + 1];
        size_t n = (size_t)(le - p);
        char *colon, *v;

        lineno++;
        if (n > TD__BUNDLE_LINE_MAX)
            return td_error_set(err, TD_EPARSE, "%s:%d: dòng dài quá %d byte", path, lineno,
                                TD__BUNDLE_LINE_MAX);
        memcpy(line, p, n);
        line[n] = '\0';
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t')) line[--n] = '\0';
        p = nl ? nl + 1 : end;
        if (n == 0 || line[0] == '#') continue;
        colon = strchr(line, ':');
        if (!colon)
            return td_error_set(err, TD_EPARSE, "%s:%d: dòng phải có dạng \"khóa: giá trị\"", path, lineno);
        *colon = '\0';
        v = colon + 1;
        while (*v == ' ' || *v == '\t') v++;
        if (!strcmp(line, "tiendo-bundle")) {
            if (strcmp(v, TD__BUNDLE_VERSION))
                return td_error_set(err, TD_EPARSE, "%s:%d: phiên bản gói \"%s\" không được hỗ trợ", path,
                                    lineno, v);
            have_version = 1;
        } else if (!strcmp(line, "server")) {
            if (have_server)
                return td_error_set(err, TD_EPARSE, "%s:%d: dòng \"server\" lặp lại", path, lineno);
            if (!td_x509_hostport_valid(v))
                return td_error_set(err, TD_EPARSE, "%s:%d: máy chủ \"%s\" không có dạng MÁY:CỔNG", path,
                                    lineno, v);
            snprintf(b->server, sizeof b->server, "%s", v);
            have_server = 1;
        }
        /* other keys (agency, device, role, later additions) are informational */
    }
    if (!have_version)
        return td_error_set(err, TD_EPARSE, "%s: không phải gói đăng ký của tiendo (thiếu dòng \"tiendo-bundle: 1\")", path);
    if (!have_server) return td_error_set(err, TD_EPARSE, "%s: thiếu dòng \"server:\"", path);
    return TD_OK;
}

/* The next PEM block of bio, which must be named want; ordinal names it in messages. */
static int td__bundle_block(const char *path, BIO *bio, const char *want, const char *ordinal,
                            unsigned char **data, long *len, td_error *err)
{
    char *name = NULL, *header = NULL;
    int rc = TD_OK;

    *data = NULL;
    ERR_clear_error();
    if (PEM_read_bio(bio, &name, &header, data, len) != 1) {
        ERR_clear_error();
        return td_error_set(err, TD_EPARSE, "%s: khối PEM thứ %s bị thiếu hoặc hỏng (cần %s)", path, ordinal,
                            want);
    }
    if (strcmp(name, want)) {
        rc = td_error_set(err, TD_EPARSE, "%s: khối PEM thứ %s là \"%s\", cần \"%s\"", path, ordinal,
                          name, want);
        OPENSSL_clear_free(*data, (size_t)*len);
        *data = NULL;
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    return rc;
}

static int td__bundle_cert(const char *path, BIO *bio, const char *ordinal, X509 **out, td_error *err)
{
    unsigned char *data;
    const unsigned char *q;
    long len;
    int rc;

    if ((rc = td__bundle_block(path, bio, PEM_STRING_X509, ordinal, &data, &len, err))) return rc;
    q = data;
    *out = d2i_X509(NULL, &q, len);
    OPENSSL_free(data);
    if (!*out) return td_error_set_ssl_file(err, TD_EPARSE, path, "chứng thư số");
    return TD_OK;
}

int td_bundle_read(const char *path, td_bundle *b, td_error *err)
{
    BIO *file = NULL, *pem = NULL;
    char *text;
    const char *begin;
    long tlen;
    unsigned char *data = NULL;
    const unsigned char *q;
    long len;
    PKCS8_PRIV_KEY_INFO *p8;
    int rc;

    memset(b, 0, sizeof *b);
    /* No mode check: a bundle carried on a FAT-formatted USB stick shows
     * as 0644 or 0755 whatever we wrote; the importer writes the key 0600. */
    if ((rc = td__read_file(path, TD__READ_SECRET, &file, err))) return rc;
    tlen = BIO_get_mem_data(file, &text);
    /* The header ends where the first PEM block begins. */
    begin = NULL;
    for (long i = 0; i + 10 <= tlen; i++) {
        if ((i == 0 || text[i - 1] == '\n') && !memcmp(text + i, "-----BEGIN", 10)) {
            begin = text + i;
            break;
        }
    }
    if (!begin) {
        rc = td_error_set(err, TD_EPARSE, "%s: không có khối PEM nào: không phải gói đăng ký của tiendo", path);
        goto fail;
    }
    if ((rc = td__bundle_header(path, text, (size_t)(begin - text), b, err))) goto fail;
    pem = BIO_new_mem_buf(begin, (int)(tlen - (begin - text)));
    if (!pem) {
        rc = td_error_set_ssl(err, TD_ENOMEM, path);
        goto fail;
    }
    if ((rc = td__bundle_cert(path, pem, "nhất (chứng thư CA)", &b->ca, err))) goto fail;
    if ((rc = td__bundle_block(path, pem, PEM_STRING_PKCS8INF, "hai (khóa thiết bị)", &data, &len, err)))
        goto fail;
    q = data;
    p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, len);
    OPENSSL_clear_free(data, (size_t)len);
    if (p8) {
        b->key = EVP_PKCS82PKEY(p8);
        PKCS8_PRIV_KEY_INFO_free(p8);
    }
    if (!b->key) {
        rc = td_error_set_ssl_file(err, TD_EPARSE, path, "khóa bí mật");
        goto fail;
    }
    if (EVP_PKEY_get_id(b->key) != EVP_PKEY_ED25519) {
        rc = td_error_set(err, TD_ECRYPTO, "%s: khóa trong gói không phải Ed25519", path);
        goto fail;
    }
    if ((rc = td__bundle_cert(path, pem, "ba (chứng thư thiết bị)", &b->cert, err))) goto fail;
    {
        char *name = NULL, *header = NULL;
        unsigned char *extra = NULL;
        long elen;
        ERR_clear_error();
        if (PEM_read_bio(pem, &name, &header, &extra, &elen) == 1) {
            rc = td_error_set(err, TD_EPARSE, "%s: thừa khối PEM thứ tư \"%s\"", path, name);
            OPENSSL_free(name);
            OPENSSL_free(header);
            OPENSSL_clear_free(extra, (size_t)elen);
            goto fail;
        }
        ERR_clear_error();
    }
    BIO_free(pem);
    BIO_free(file);
    return TD_OK;
fail:
    BIO_free(pem);
    BIO_free(file);
    td_bundle_free(b);
    return rc;
}
