/* test_x509util.c — unit tests of common/x509util: keys, files, requests, verification, bundles. */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tt.h"
#include "x509util.h"

/* Room for a path under the scratch directory. */
#define T_PATH_MAX 512
/* Depth of nftw's open-descriptor budget when removing the scratch directory. */
#define T_NFTW_FDS 8

static char t_dir[] = "/tmp/td-x509util-XXXXXX";

static const char *t_path(const char *name)
{
    static char bufs[4][T_PATH_MAX];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, T_PATH_MAX, "%s/%s", t_dir, name);
    return b;
}

static int t_mode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static int t_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(p);
}

static void t_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Whole file as a malloc'd string. */
static char *t_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) buf[0] = '\0';
    fclose(f);
    return buf;
}

/* No temporary file left behind in the scratch directory. */
static int t_no_tmp_files(void)
{
    DIR *d = opendir(t_dir);
    struct dirent *e;
    int clean = 1;
    if (!d) return 0;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp.")) clean = 0;
    closedir(d);
    return clean;
}

static EVP_PKEY *t_key(void)
{
    EVP_PKEY *k = NULL;
    td_x509_keygen(&k, NULL);
    return k;
}

static EVP_PKEY *t_ec_key(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/*
 * A test certificate, made here with OpenSSL directly (the CA's own code is
 * tiendo-pki's and is tested by tests/integration/pki.sh).  issuer NULL:
 * self-signed.  from/to: validity in days relative to now.
 */
static X509 *t_cert(const char *o, const char *ou, const char *cn, EVP_PKEY *pub, X509 *issuer,
                    EVP_PKEY *sign_key, int from, int to, int is_ca, const char *eku)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    static long serial = 1;

    if (o) X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)o, -1, -1, 0);
    if (ou) X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8, (const unsigned char *)ou, -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
    X509_set_pubkey(x, pub);
    X509_time_adj_ex(X509_getm_notBefore(x), from, 0, NULL);
    X509_time_adj_ex(X509_getm_notAfter(x), to, 0, NULL);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    if (is_ca) {
        ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (eku) {
        ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_ext_key_usage, eku);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(x, sign_key, NULL);
    X509_NAME_free(n);
    return x;
}

/* ---------------------------------------------------------------------------- */

static void test_keygen(void)
{
    EVP_PKEY *k = NULL;
    unsigned char seed[32];
    TT_EQ_INT(td_x509_keygen(&k, NULL), TD_OK);
    TT_CHECK(k != NULL);
    TT_EQ_INT(EVP_PKEY_get_id(k), EVP_PKEY_ED25519);
    /* docs/ARCHITECTURE.md §5: the raw private key is the libsodium seed. */
    TT_EQ_INT(td_key_ed25519_seed(k, seed, NULL), TD_OK);
    EVP_PKEY_free(k);
}

static void test_write_file(void)
{
    td_error e;
    const char *p = t_path("plain.txt");
    char *s;
    mode_t old = umask(0);

    TT_EQ_INT(td_x509_write_file(p, "one\n", 4, 0644, 0, &e), TD_OK);
    TT_EQ_INT(t_mode(p), 0644);
    TT_EQ_INT(td_x509_write_file(p, "two\n", 4, 0644, 0, &e), TD_OK);
    s = t_slurp(p);
    TT_EQ_STR(s, "two\n");
    free(s);
    TT_EQ_INT(td_x509_write_file(p, "three\n", 6, 0644, 1, &e), TD_EEXISTS);
    TT_CHECK(strstr(e.msg, p) != NULL);
    s = t_slurp(p);
    TT_EQ_STR(s, "two\n");
    free(s);
    TT_EQ_INT(td_x509_write_file(t_path("nodir/x"), "x", 1, 0644, 0, &e), TD_EIO);
    TT_CHECK(strstr(e.msg, "nodir") != NULL);
    TT_CHECK(t_no_tmp_files());
    umask(old);
}

static void test_key_files(void)
{
    EVP_PKEY *k = t_key(), *back = NULL, *ec = t_ec_key();
    const char *p = t_path("device.key");
    char *before, *after;
    td_error e;
    mode_t old = umask(0);   /* the mode must not depend on the caller's umask */

    TT_EQ_INT(td_x509_write_key(p, k, &e), TD_OK);
    TT_EQ_INT(t_mode(p), 0600);
    before = t_slurp(p);
    TT_CHECK(before && strstr(before, "-----BEGIN PRIVATE KEY-----"));   /* PKCS#8 */
    TT_EQ_INT(td_x509_read_key(p, &back, &e), TD_OK);
    TT_CHECK(back && EVP_PKEY_eq(k, back) == 1);
    EVP_PKEY_free(back);
    back = NULL;

    /* Never over an existing key. */
    {
        EVP_PKEY *k2 = t_key();
        TT_EQ_INT(td_x509_write_key(p, k2, &e), TD_EEXISTS);
        EVP_PKEY_free(k2);
    }
    after = t_slurp(p);
    TT_EQ_STR(after, before);
    free(before);
    free(after);
    TT_CHECK(t_no_tmp_files());

    /* Readable by others: refused. */
    chmod(p, 0644);
    TT_EQ_INT(td_x509_read_key(p, &back, &e), TD_EAUTH);
    TT_CHECK(back == NULL);
    TT_CHECK(strstr(e.msg, "chmod 600") != NULL);
    chmod(p, 0600);

    /* Missing file: named. */
    TT_EQ_INT(td_x509_read_key(t_path("nosuch.key"), &back, &e), TD_EIO);
    TT_CHECK(strstr(e.msg, "nosuch.key") != NULL);

    /* Not a key. */
    t_write_text(t_path("junk.key"), "hello\n");
    chmod(t_path("junk.key"), 0600);
    TT_EQ_INT(td_x509_read_key(t_path("junk.key"), &back, &e), TD_EPARSE);
    TT_CHECK(strstr(e.msg, "junk.key") != NULL);

    /* Not Ed25519. */
    TT_EQ_INT(td_x509_write_key(t_path("ec.key"), ec, &e), TD_OK);
    TT_EQ_INT(td_x509_read_key(t_path("ec.key"), &back, &e), TD_ECRYPTO);
    TT_CHECK(back == NULL);

    EVP_PKEY_free(ec);
    EVP_PKEY_free(k);
    umask(old);
}

static void test_csr(void)
{
    EVP_PKEY *k = t_key(), *other = t_key(), *ec = t_ec_key();
    X509_REQ *req = NULL, *back = NULL;
    td_error e;
    td_subject sub;
    X509_NAME *n;
    char buf[80];

    TT_EQ_INT(td_x509_make_csr(k, "ubnd-chi-linh", "may-01", TD_ROLE_OFFICE, &req, &e), TD_OK);
    TT_CHECK(req != NULL);
    if (!req) goto out;
    n = X509_REQ_get_subject_name(req);
    TT_CHECK(X509_NAME_get_text_by_NID(n, NID_organizationName, buf, sizeof buf) > 0);
    TT_EQ_STR(buf, "ubnd-chi-linh");
    TT_CHECK(X509_NAME_get_text_by_NID(n, NID_commonName, buf, sizeof buf) > 0);
    TT_EQ_STR(buf, "may-01");
    TT_CHECK(X509_NAME_get_text_by_NID(n, NID_organizationalUnitName, buf, sizeof buf) > 0);
    TT_EQ_STR(buf, "office");
    TT_EQ_INT(td_x509_csr_check(req, "mem.csr", &e), TD_OK);

    /* Round trip through a file. */
    TT_EQ_INT(td_x509_write_csr(t_path("d.csr"), req, 1, &e), TD_OK);
    TT_EQ_INT(t_mode(t_path("d.csr")), 0644);
    TT_EQ_INT(td_x509_read_csr(t_path("d.csr"), &back, &e), TD_OK);
    TT_EQ_INT(td_x509_csr_check(back, "d.csr", &e), TD_OK);
    TT_EQ_INT(td_x509_write_csr(t_path("d.csr"), req, 1, &e), TD_EEXISTS);

    /* A request whose key was swapped after signing does not verify. */
    TT_CHECK(X509_REQ_set_pubkey(back, other) == 1);
    TT_EQ_INT(td_x509_csr_check(back, "swapped.csr", &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, "không hợp lệ") && strstr(e.msg, "swapped.csr"));
    X509_REQ_free(back);
    back = NULL;

    /* A well-signed request with an EC key is refused for its key. */
    {
        X509_REQ *r = X509_REQ_new();
        X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(r), "CN", MBSTRING_UTF8,
                                   (const unsigned char *)"ec-01", -1, -1, 0);
        X509_REQ_set_pubkey(r, ec);
        X509_REQ_sign(r, ec, EVP_sha256());
        TT_EQ_INT(td_x509_csr_check(r, "ec.csr", &e), TD_ECRYPTO);
        TT_CHECK(strstr(e.msg, "không phải Ed25519") != NULL);
        X509_REQ_free(r);
    }

    /* Bad subject values never make a request. */
    TT_EQ_INT(td_x509_make_csr(k, "UBND Chí Linh", "may-01", TD_ROLE_OFFICE, &back, &e), TD_EARG);
    TT_CHECK(back == NULL);
    TT_EQ_INT(td_x509_make_csr(k, "so-khcn", "máy 1", TD_ROLE_OFFICE, &back, &e), TD_EARG);
    TT_EQ_INT(td_x509_make_csr(k, "so-khcn", "may-01", TD_ROLE_NONE, &back, &e), TD_EARG);
    TT_EQ_INT(td_x509_read_csr(t_path("nosuch.csr"), &back, &e), TD_EIO);
    TT_CHECK(strstr(e.msg, "nosuch.csr") != NULL);

    /* td_subject_from_cert reads what make_csr wrote, once a CA copies it. */
    {
        X509 *ca = t_cert(NULL, NULL, "CA", k, NULL, k, 0, 10, 1, NULL);
        X509 *c = t_cert("ubnd-chi-linh", "office", "may-01", k, ca, k, 0, 10, 0, "clientAuth");
        TT_EQ_INT(td_subject_from_cert(c, &sub, &e), TD_OK);
        TT_EQ_STR(sub.device, "may-01");
        X509_free(c);
        X509_free(ca);
    }
out:
    X509_REQ_free(req);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(other);
    EVP_PKEY_free(k);
}

static void test_verify(void)
{
    EVP_PKEY *cak = t_key(), *ca2k = t_key(), *dk = t_key(), *other = t_key();
    X509 *ca = t_cert(NULL, NULL, "Test CA", cak, NULL, cak, -1, 100, 1, NULL);
    X509 *ca2 = t_cert(NULL, NULL, "Other CA", ca2k, NULL, ca2k, -1, 100, 1, NULL);
    X509 *old_ca = t_cert(NULL, NULL, "Old CA", cak, NULL, cak, -10, -1, 1, NULL);
    X509 *dev = t_cert("so-khcn", "central", "tt-01", dk, ca, cak, -1, 30, 0, "clientAuth");
    X509 *expired = t_cert("so-khcn", "central", "tt-01", dk, ca, cak, -3, -2, 0, "clientAuth");
    X509 *srv = t_cert(NULL, "server", "srv", dk, ca, cak, -1, 30, 0, "serverAuth");
    X509 *back = NULL;
    td_error e;

    TT_EQ_INT(td_x509_cert_matches_key(dev, dk, &e), TD_OK);
    TT_EQ_INT(td_x509_cert_matches_key(dev, other, &e), TD_ECERT);

    TT_EQ_INT(td_x509_verify(dev, ca, X509_PURPOSE_SSL_CLIENT, 1, &e), TD_OK);
    TT_EQ_INT(td_x509_verify(dev, ca2, X509_PURPOSE_SSL_CLIENT, 1, &e), TD_ECERT);
    TT_CHECK(strstr(e.msg, "issuer") != NULL);
    TT_EQ_INT(td_x509_verify(expired, ca, X509_PURPOSE_SSL_CLIENT, 1, &e), TD_EEXPIRED);
    TT_CHECK(strstr(e.msg, "expired") != NULL);
    TT_EQ_INT(td_x509_verify(expired, ca, X509_PURPOSE_SSL_CLIENT, 0, &e), TD_OK);
    /* A server certificate is not a client's. */
    TT_EQ_INT(td_x509_verify(srv, ca, X509_PURPOSE_SSL_CLIENT, 1, &e), TD_ECERT);
    TT_EQ_INT(td_x509_verify(srv, ca, X509_PURPOSE_SSL_SERVER, 1, &e), TD_OK);
    /* An expired trust anchor: OpenSSL checks the anchor's dates too. */
    {
        X509 *dev_old = t_cert("so-khcn", "central", "tt-01", dk, old_ca, cak, -5, 30, 0, "clientAuth");
        TT_EQ_INT(td_x509_verify(dev_old, old_ca, X509_PURPOSE_SSL_CLIENT, 1, &e), TD_EEXPIRED);
        TT_CHECK(strstr(e.msg, "CA certificate") != NULL);
        X509_free(dev_old);
    }

    /* Certificate files. */
    TT_EQ_INT(td_x509_write_cert(t_path("dev.crt"), dev, 1, &e), TD_OK);
    TT_EQ_INT(t_mode(t_path("dev.crt")), 0644);
    TT_EQ_INT(td_x509_write_cert(t_path("dev.crt"), dev, 1, &e), TD_EEXISTS);
    TT_EQ_INT(td_x509_write_cert(t_path("dev.crt"), srv, 0, &e), TD_OK);   /* replace */
    TT_EQ_INT(td_x509_read_cert(t_path("dev.crt"), &back, &e), TD_OK);
    TT_CHECK(back && X509_cmp(back, srv) == 0);
    X509_free(back);
    back = NULL;
    TT_EQ_INT(td_x509_read_cert(t_path("device.key"), &back, &e), TD_EPARSE);
    TT_CHECK(back == NULL);

    X509_free(srv);
    X509_free(expired);
    X509_free(dev);
    X509_free(old_ca);
    X509_free(ca2);
    X509_free(ca);
    EVP_PKEY_free(other);
    EVP_PKEY_free(dk);
    EVP_PKEY_free(ca2k);
    EVP_PKEY_free(cak);
}

static void test_time(void)
{
    ASN1_TIME *t = ASN1_TIME_new();
    int64_t u = 0;
    TT_CHECK(ASN1_TIME_set_string(t, "20260101000000Z") == 1);
    TT_EQ_INT(td_x509_time_unix(t, &u, NULL), TD_OK);
    TT_EQ_INT(u, 1767225600);
    TT_EQ_INT(td_x509_time_unix(NULL, &u, NULL), TD_EPARSE);
    ASN1_TIME_free(t);
}

static void test_hostport(void)
{
    TT_CHECK(td_x509_hostport_valid("localhost:7443"));
    TT_CHECK(td_x509_hostport_valid("tiendo.haiduong.gov.vn:443"));
    TT_CHECK(td_x509_hostport_valid("127.0.0.1:1"));
    TT_CHECK(td_x509_hostport_valid("[::1]:65535"));
    TT_CHECK(!td_x509_hostport_valid("localhost"));
    TT_CHECK(!td_x509_hostport_valid(":7443"));
    TT_CHECK(!td_x509_hostport_valid("host:"));
    TT_CHECK(!td_x509_hostport_valid("host:0"));
    TT_CHECK(!td_x509_hostport_valid("host:65536"));
    TT_CHECK(!td_x509_hostport_valid("host:12a"));
    TT_CHECK(!td_x509_hostport_valid("ho st:1"));
    TT_CHECK(!td_x509_hostport_valid("::1:7443"));
    TT_CHECK(!td_x509_hostport_valid("[::1]7443"));
    TT_CHECK(!td_x509_hostport_valid(""));
    TT_CHECK(!td_x509_hostport_valid(NULL));
}

/* Write text as a bundle file and expect td_bundle_read to refuse it with code and a word. */
static void t_bad_bundle(const char *name, const char *text, int code, const char *word)
{
    td_bundle b;
    td_error e;
    td_error_clear(&e);
    if (text) t_write_text(t_path(name), text);
    TT_EQ_INT(td_bundle_read(t_path(name), &b, &e), code);
    TT_CHECK(b.ca == NULL && b.key == NULL && b.cert == NULL);
    if (!strstr(e.msg, word)) fprintf(stderr, "  [%s] message: %s\n", name, e.msg);
    TT_CHECK(strstr(e.msg, word) != NULL);
}

static void test_bundle(void)
{
    EVP_PKEY *cak = t_key(), *dk = t_key();
    X509 *ca = t_cert(NULL, NULL, "Test CA", cak, NULL, cak, -1, 100, 1, NULL);
    X509 *dev = t_cert("so-khcn", "central", "tt-01", dk, ca, cak, -1, 30, 0, "clientAuth");
    td_bundle b, r;
    td_error e;
    char *text, *pem_start, *key_start, *cert2_start, *buf;
    size_t len;
    mode_t old = umask(0);

    memset(&b, 0, sizeof b);
    b.ca = ca;
    b.key = dk;
    b.cert = dev;
    snprintf(b.server, sizeof b.server, "tiendo.example:7443");
    TT_EQ_INT(td_bundle_write(t_path("b.tdb"), &b, &e), TD_OK);
    TT_EQ_INT(t_mode(t_path("b.tdb")), 0600);
    TT_EQ_INT(td_bundle_write(t_path("b.tdb"), &b, &e), TD_EEXISTS);

    TT_EQ_INT(td_bundle_read(t_path("b.tdb"), &r, &e), TD_OK);
    TT_EQ_STR(r.server, "tiendo.example:7443");
    TT_CHECK(r.ca && X509_cmp(r.ca, ca) == 0);
    TT_CHECK(r.cert && X509_cmp(r.cert, dev) == 0);
    TT_CHECK(r.key && EVP_PKEY_eq(r.key, dk) == 1);
    td_bundle_free(&r);
    TT_CHECK(r.key == NULL);

    text = t_slurp(t_path("b.tdb"));
    TT_CHECK(text && strstr(text, "tiendo-bundle: 1\n") && strstr(text, "server: tiendo.example:7443\n"));
    TT_CHECK(text && strstr(text, "agency: so-khcn\n") && strstr(text, "role: central\n"));
    if (!text) goto out;
    pem_start = strstr(text, "-----BEGIN CERTIFICATE-----");
    key_start = strstr(text, "-----BEGIN PRIVATE KEY-----");
    cert2_start = key_start ? strstr(key_start, "-----BEGIN CERTIFICATE-----") : NULL;
    TT_CHECK(pem_start && key_start && cert2_start && pem_start < key_start);
    if (!pem_start || !key_start || !cert2_start) goto out;
    len = strlen(text);
    buf = malloc(len * 2 + 256);

    /* Header problems. */
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 1\n\n%s", pem_start);
    t_bad_bundle("noserver.tdb", buf, TD_EPARSE, "server:");
    snprintf(buf, len * 2 + 256, "server: h:1\n\n%s", pem_start);
    t_bad_bundle("noversion.tdb", buf, TD_EPARSE, "tiendo-bundle");
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 2\nserver: h:1\n\n%s", pem_start);
    t_bad_bundle("v2.tdb", buf, TD_EPARSE, "phiên bản");
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 1\nserver: nohost\n\n%s", pem_start);
    t_bad_bundle("badserver.tdb", buf, TD_EPARSE, "MÁY:CỔNG");
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 1\nserver: h:1\nserver: h:2\n\n%s", pem_start);
    t_bad_bundle("twoservers.tdb", buf, TD_EPARSE, "lặp lại");
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 1\nserver h1\n\n%s", pem_start);
    t_bad_bundle("nocolon.tdb", buf, TD_EPARSE, ":2:");
    t_bad_bundle("nopem.tdb", "tiendo-bundle: 1\nserver: h:1\n", TD_EPARSE, "không có khối PEM");
    t_bad_bundle("empty.tdb", "", TD_EPARSE, "không có khối PEM");

    /* Block problems: the key first; the device certificate missing; a 4th block. */
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 1\nserver: h:1\n\n%s", key_start);
    t_bad_bundle("keyfirst.tdb", buf, TD_EPARSE, "cần \"CERTIFICATE\"");
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 1\nserver: h:1\n\n%.*s", (int)(cert2_start - pem_start),
             pem_start);
    t_bad_bundle("twoblocks.tdb", buf, TD_EPARSE, "thứ ba");
    snprintf(buf, len * 2 + 256, "tiendo-bundle: 1\nserver: h:1\n\n%s%s", pem_start, cert2_start);
    t_bad_bundle("fourblocks.tdb", buf, TD_EPARSE, "thứ tư");
    /* Damaged base64 inside the key block. */
    snprintf(buf, len * 2 + 256, "%s", text);
    {
        char *k = strstr(buf, "-----BEGIN PRIVATE KEY-----\n");
        if (k) k[strlen("-----BEGIN PRIVATE KEY-----\n") + 3] = '!';
    }
    t_bad_bundle("damaged.tdb", buf, TD_EPARSE, "thứ hai");
    free(buf);

    /* Too big: never read whole. */
    {
        FILE *f = fopen(t_path("big.tdb"), "w");
        for (int i = 0; f && i < TD_X509_FILE_MAX / 32; i++)
            fputs("# padding padding padding padding padding padding padding pad\n", f);
        if (f) fclose(f);
        t_bad_bundle("big.tdb", NULL, TD_ETOOBIG, "lớn hơn");
    }
    {
        td_bundle m;
        TT_EQ_INT(td_bundle_read(t_path("nosuch.tdb"), &m, &e), TD_EIO);
        TT_CHECK(strstr(e.msg, "nosuch.tdb") != NULL);
    }

    /* The writer refuses incomplete bundles and bad servers. */
    snprintf(b.server, sizeof b.server, "no-port");
    TT_EQ_INT(td_bundle_write(t_path("b2.tdb"), &b, &e), TD_EARG);
    snprintf(b.server, sizeof b.server, "h:1");
    b.key = NULL;
    TT_EQ_INT(td_bundle_write(t_path("b2.tdb"), &b, &e), TD_EARG);
    TT_CHECK(access(t_path("b2.tdb"), F_OK) != 0);
    TT_CHECK(t_no_tmp_files());
out:
    free(text);
    X509_free(dev);
    X509_free(ca);
    EVP_PKEY_free(dk);
    EVP_PKEY_free(cak);
    umask(old);
}

int main(void)
{
    int rc;
    if (!mkdtemp(t_dir)) {
        perror("mkdtemp");
        return 1;
    }
    TT_RUN(test_keygen);
    TT_RUN(test_write_file);
    TT_RUN(test_key_files);
    TT_RUN(test_csr);
    TT_RUN(test_verify);
    TT_RUN(test_time);
    TT_RUN(test_hostport);
    TT_RUN(test_bundle);
    rc = tt_report();
    nftw(t_dir, t_rm, T_NFTW_FDS, FTW_DEPTH | FTW_PHYS);
    return rc;
}
