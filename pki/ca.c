/* ca.c — the provincial CA: create it, sign certificates, revoke, make CRLs.  See pki.h. */
#include "clock.h"
#include "pki.h"

#include <errno.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "x509util.h"
#include "log.h"
#include "oserr.h"
#include "msg.h"

#define TDP_FILE_KEY "ca.key"
#define TDP_FILE_CERT "ca.crt"
#define TDP_FILE_DB "index.db"
#define TDP_FILE_CRL "crl.pem"

static char *tdp__join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int tdp__paths(tdp_ca *ca, const char *dir, td_error *err)
{
    ca->dir = strdup(dir);
    ca->key_path = tdp__join(dir, TDP_FILE_KEY);
    ca->cert_path = tdp__join(dir, TDP_FILE_CERT);
    ca->db_path = tdp__join(dir, TDP_FILE_DB);
    ca->crl_path = tdp__join(dir, TDP_FILE_CRL);
    if (!ca->dir || !ca->key_path || !ca->cert_path || !ca->db_path || !ca->crl_path)
        return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    return TD_OK;
}

void tdp_ca_close(tdp_ca *ca)
{
    if (!ca) return;
    free(ca->dir);
    free(ca->key_path);
    free(ca->cert_path);
    free(ca->db_path);
    free(ca->crl_path);
    EVP_PKEY_free(ca->key);
    X509_free(ca->cert);
    sqlite3_close(ca->db);
    memset(ca, 0, sizeof *ca);
}

/* A fresh random serial: positive, exactly TDP_SERIAL_BYTES long (top bits 01),
 * so that its hex form has a fixed length. */
static int tdp__serial(ASN1_INTEGER **out, char hex[TDP_SERIAL_HEX_MAX + 1], td_error *err)
{
    unsigned char buf[TDP_SERIAL_BYTES];
    BIGNUM *bn;
    char *h;

    *out = NULL;
    if (RAND_bytes(buf, sizeof buf) != 1) return td_error_set_ssl(err, TD_ECRYPTO, "random serial");
    buf[0] = (unsigned char)((buf[0] & 0x3f) | 0x40);
    bn = BN_bin2bn(buf, sizeof buf, NULL);
    if (!bn) return td_error_set_ssl(err, TD_ENOMEM, "serial");
    *out = BN_to_ASN1_INTEGER(bn, NULL);
    h = BN_bn2hex(bn);
    BN_free(bn);
    if (!*out || !h) {
        ASN1_INTEGER_free(*out);
        *out = NULL;
        OPENSSL_free(h);
        return td_error_set_ssl(err, TD_ENOMEM, "serial");
    }
    snprintf(hex, TDP_SERIAL_HEX_MAX + 1, "%s", h);
    OPENSSL_free(h);
    return TD_OK;
}

int tdp_serial_normalise(const char *in, char out[TDP_SERIAL_HEX_MAX + 1], td_error *err)
{
    BIGNUM *bn = NULL;
    char *h;
    size_t n = in ? strlen(in) : 0;

    if (n > 2 && in[0] == '0' && (in[1] == 'x' || in[1] == 'X')) {
        in += 2;
        n -= 2;
    }
    if (n == 0 || strspn(in, "0123456789abcdefABCDEF:") != n)
        return td_error_set(err, TD_EARG, TD_MSG_PKI_SERIAL_NOT_HEX_VALUE, in ? in : "");
    {
        /* `openssl x509 -text` prints serials as aa:bb:cc: accept that form too. */
        char clean[TDP_SERIAL_HEX_MAX + 1];
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (in[i] == ':') continue;
            if (k == TDP_SERIAL_HEX_MAX)
                return td_error_set(err, TD_EARG, TD_MSG_PKI_SERIAL_TOO_LONG, in,
                                    TDP_SERIAL_HEX_MAX);
            clean[k++] = in[i];
        }
        clean[k] = '\0';
        if (k == 0 || BN_hex2bn(&bn, clean) != (int)k) {
            BN_free(bn);
            return td_error_set(err, TD_EARG, TD_MSG_PKI_SERIAL_NOT_HEX_VALUE, in);
        }
    }
    h = BN_bn2hex(bn);
    BN_free(bn);
    if (!h) return td_error_set_ssl(err, TD_ENOMEM, "serial");
    snprintf(out, TDP_SERIAL_HEX_MAX + 1, "%s", h);
    OPENSSL_free(h);
    return TD_OK;
}

/* Add an extension given in openssl.cnf syntax ("critical,CA:TRUE"); values are ours, never a user's. */
static int tdp__ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value, td_error *err)
{
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
    int ok = ext && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    if (!ok) {
        char what[TDP_MSG_MAX];
        snprintf(what, sizeof what, "adding extension %s", OBJ_nid2sn(nid));
        return td_error_set_ssl(err, TD_ECRYPTO, what);
    }
    return TD_OK;
}

/* The validity window of v, clamped to not_after_max (if not NULL). */
static int tdp__validity(X509 *cert, tdp_validity v, const ASN1_TIME *not_after_max, td_error *err)
{
    time_t now = (time_t)(td_clock_now_ms() / 1000);
    if (!X509_time_adj_ex(X509_getm_notBefore(cert), -v.backdate_days, 0, &now) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert), v.days - v.backdate_days, 0, &now))
        return td_error_set_ssl(err, TD_EINTERNAL, "setting validity");
    /* A certificate that outlives its CA would fail verification anyway;
     * clamp so that what `list` shows is what a verifier will enforce. */
    if (not_after_max && ASN1_TIME_compare(X509_get0_notAfter(cert), not_after_max) > 0 &&
        X509_set1_notAfter(cert, not_after_max) != 1)
        return td_error_set_ssl(err, TD_EINTERNAL, "clamping validity");
    return TD_OK;
}

/* The common part of every certificate: version, serial, names, key, validity. */
static int tdp__cert_base(X509 *cert, ASN1_INTEGER *serial, X509_NAME *subject, X509_NAME *issuer,
                          EVP_PKEY *pub, tdp_validity v, const ASN1_TIME *max, td_error *err)
{
    if (X509_set_version(cert, X509_VERSION_3) != 1 || X509_set_serialNumber(cert, serial) != 1 ||
        X509_set_subject_name(cert, subject) != 1 || X509_set_issuer_name(cert, issuer) != 1 ||
        X509_set_pubkey(cert, pub) != 1)
        return td_error_set_ssl(err, TD_ECRYPTO, "building certificate");
    return tdp__validity(cert, v, max, err);
}

static int tdp__name_add(X509_NAME *name, int nid, const char *value)
{
    return X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, (const unsigned char *)value, -1, -1, 0);
}

int tdp_ca_create(const char *dir, const char *name, tdp_validity v, td_error *err)
{
    tdp_ca ca;
    struct stat st;
    X509_NAME *subject = NULL;
    ASN1_INTEGER *serial = NULL;
    X509_CRL *crl = NULL;
    X509V3_CTX ctx;
    char hex[TDP_SERIAL_HEX_MAX + 1];
    int rc, wrote_key = 0, wrote_cert = 0, wrote_db = 0;

    memset(&ca, 0, sizeof ca);
    if ((rc = tdp__paths(&ca, dir, err))) goto out;
    if (mkdir(dir, 0700) != 0) {
        if (errno != EEXIST) {
            rc = td_error_set(err, TD_EIO, TD_MSG_DIR_CREATE, dir, td_errno_vi_log(errno, dir));
            goto out;
        }
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc = td_error_set(err, TD_EIO, TD_MSG_DIR_CREATE, dir, td_errno_vi(ENOTDIR));
            goto out;
        }
        if (access(ca.key_path, F_OK) == 0 || access(ca.cert_path, F_OK) == 0 ||
            access(ca.db_path, F_OK) == 0) {
            rc = td_error_set(err, TD_EEXISTS, TD_MSG_PKI_DIR_HAS_CA, dir,
                              TDP_FILE_KEY, TDP_FILE_CERT);
            goto out;
        }
        /* The directory holds the CA key: nobody else may list or enter it. */
        if ((st.st_mode & 077) && chmod(dir, 0700) != 0) {
            rc = td_error_set(err, TD_EIO, TD_MSG_FILE_MODE, "0700", dir, td_errno_vi_log(errno, dir));
            goto out;
        }
    }
    if ((rc = td_x509_keygen(&ca.key, err))) goto out;
    if ((rc = tdp__serial(&serial, hex, err))) goto out;
    subject = X509_NAME_new();
    ca.cert = X509_new();
    if (!subject || !ca.cert || tdp__name_add(subject, NID_commonName, name) != 1) {
        rc = td_error_set_ssl(err, TD_EARG, "CA name");
        goto out;
    }
    if ((rc = tdp__cert_base(ca.cert, serial, subject, subject, ca.key, v, NULL, err))) goto out;
    X509V3_set_ctx(&ctx, ca.cert, ca.cert, NULL, NULL, 0);
    /* RFC 5280 §4.2.1.9/§4.2.1.3: a CA certificate must say so, critically. */
    if ((rc = tdp__ext(ca.cert, &ctx, NID_basic_constraints, "critical,CA:TRUE", err)) ||
        (rc = tdp__ext(ca.cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign", err)) ||
        (rc = tdp__ext(ca.cert, &ctx, NID_subject_key_identifier, "hash", err)))
        goto out;
    if (X509_sign(ca.cert, ca.key, NULL) <= 0) {   /* Ed25519: no separate digest */
        rc = td_error_set_ssl(err, TD_ECRYPTO, "signing CA certificate");
        goto out;
    }
    /* The key goes first and never replaces a file: a second init racing
     * this one fails here rather than overwriting a CA. */
    if ((rc = td_x509_write_key(ca.key_path, ca.key, err))) goto out;
    wrote_key = 1;
    if ((rc = td_x509_write_cert(ca.cert_path, ca.cert, 1, err))) goto out;
    wrote_cert = 1;
    if ((rc = tdp_index_create(ca.db_path, &ca.db, err))) goto out;
    wrote_db = 1;
    {
        tdp_validity crlv = { TDP_CRL_DAYS_DEFAULT, 0 };
        if ((rc = tdp_ca_make_crl(&ca, crlv, &crl, err))) goto out;
    }
    rc = td_x509_write_crl(ca.crl_path, crl, err);
out:
    if (rc) {
        /* Leave nothing half made: a retry must not find "a CA already exists". */
        if (wrote_db) unlink(ca.db_path);
        if (wrote_cert) unlink(ca.cert_path);
        if (wrote_key) unlink(ca.key_path);
    }
    X509_CRL_free(crl);
    X509_NAME_free(subject);
    ASN1_INTEGER_free(serial);
    tdp_ca_close(&ca);
    return rc;
}

int tdp_ca_open(tdp_ca *ca, const char *dir, td_error *err)
{
    int rc;
    memset(ca, 0, sizeof *ca);
    if ((rc = tdp__paths(ca, dir, err)) || (rc = td_x509_read_cert(ca->cert_path, &ca->cert, err)) ||
        (rc = td_x509_read_key(ca->key_path, &ca->key, err)) ||
        (rc = tdp_index_open(ca->db_path, &ca->db, err)))
        goto fail;
    if ((rc = td_x509_cert_matches_key(ca->cert, ca->key, err))) {
        td_error_set(err, rc, TD_MSG_PKI_KEY_CERT_MISMATCH, ca->cert_path, ca->key_path);
        goto fail;
    }
    return TD_OK;
fail:
    tdp_ca_close(ca);
    return rc;
}

/* "2026-11-29 13:40 UTC" for English messages. */
static void tdp__iso(const ASN1_TIME *t, char *out, size_t outsz)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1 || !strftime(out, outsz, "%Y-%m-%d %H:%M UTC", &tm))
        snprintf(out, outsz, "?");
}

int tdp_ca_check_current(const tdp_ca *ca, td_error *err)
{
    char when[32];
    if (X509_cmp_time(X509_get0_notAfter(ca->cert), &(time_t){(time_t)(td_clock_now_ms() / 1000)}) <= 0) {
        tdp__iso(X509_get0_notAfter(ca->cert), when, sizeof when);
        td_log_warn("%s: CA certificate expired %s", ca->cert_path, when);
        return td_error_set(err, TD_EEXPIRED, "%s: " TD_MSG_CERT_EXPIRED, ca->cert_path);
    }
    if (X509_cmp_time(X509_get0_notBefore(ca->cert), &(time_t){(time_t)(td_clock_now_ms() / 1000)}) >= 0) {
        tdp__iso(X509_get0_notBefore(ca->cert), when, sizeof when);
        td_log_warn("%s: CA certificate not valid before %s", ca->cert_path, when);
        return td_error_set(err, TD_EEXPIRED, "%s: " TD_MSG_PKI_CERT_NOT_YET_VALID, ca->cert_path);
    }
    return TD_OK;
}

/* subjectAltName from the server's DNS names and IP addresses.  Built
 * entry by entry, never from a "DNS:a,IP:b" string, so that a name cannot
 * smuggle in another entry. */
static int tdp__san(X509 *cert, const tdp_issue *req, td_error *err)
{
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    int rc = TD_OK;

    if (!gens) return td_error_set_ssl(err, TD_ENOMEM, "subjectAltName");
    for (size_t i = 0; i < req->ndns + req->nips && rc == TD_OK; i++) {
        int is_ip = i >= req->ndns;
        const char *v = is_ip ? req->ips[i - req->ndns] : req->dns[i];
        GENERAL_NAME *g;
        if (!is_ip) {
            size_t n = strlen(v);
            if (n == 0 || n > TDP_DNS_NAME_MAX || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*") != n) {
                rc = td_error_set(err, TD_EARG, TD_MSG_PKI_DNS_NAME_BAD, v);
                break;
            }
        }
        g = a2i_GENERAL_NAME(NULL, NULL, NULL, is_ip ? GEN_IPADD : GEN_DNS, v, 0);
        if (!g) {
            ERR_clear_error();
            rc = td_error_set(err, TD_EARG, TD_MSG_PKI_VALUE_BAD, is_ip ? TD_MSG_PKI_WORD_IP : TD_MSG_PKI_WORD_DNS, v);
        } else if (!sk_GENERAL_NAME_push(gens, g)) {
            GENERAL_NAME_free(g);
            rc = td_error_set_ssl(err, TD_ENOMEM, "subjectAltName");
        }
    }
    if (rc == TD_OK && X509_add1_ext_i2d(cert, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) != 1)
        rc = td_error_set_ssl(err, TD_ECRYPTO, "adding subjectAltName");
    GENERAL_NAMES_free(gens);
    return rc;
}

int tdp_ca_issue(tdp_ca *ca, const tdp_issue *req, X509 **out, td_error *err)
{
    X509 *cert = NULL;
    X509_NAME *subject = X509_NAME_new();
    ASN1_INTEGER *serial = NULL;
    X509V3_CTX ctx;
    tdp_entry e;
    BIO *pem = NULL;
    char *pem_text;
    int rc;

    *out = NULL;
    memset(&e, 0, sizeof e);
    if (!subject) return td_error_set_ssl(err, TD_ENOMEM, "subject");
    if (!req->pub || EVP_PKEY_get_id(req->pub) != EVP_PKEY_ED25519) {
        rc = td_error_set(err, TD_ECRYPTO, TD_MSG_PKI_SUBJECT_KEY_NOT_ED25519);
        goto out;
    }
    if (!td_device_name_valid(req->name)) {
        rc = td_error_set(err, TD_EARG, TD_MSG_PKI_DEVICE_NAME_BAD,
                          req->name ? req->name : "", TD_DEVICE_MAX);
        goto out;
    }
    if (req->kind == TDP_KIND_CLIENT) {
        if (!td_slug_valid(req->agency)) {
            rc = td_error_set(err, TD_EARG, TD_MSG_PKI_AGENCY_SLUG_BAD, req->agency ? req->agency : "");
            goto out;
        }
        if (req->role == TD_ROLE_NONE) {
            rc = td_error_set(err, TD_EARG, TD_MSG_PKI_ROLE_MISSING);
            goto out;
        }
        /* docs/ARCHITECTURE.md §5: O = agency, OU = role, CN = device. */
        if (tdp__name_add(subject, NID_organizationName, req->agency) != 1 ||
            tdp__name_add(subject, NID_organizationalUnitName, td_role_name(req->role)) != 1 ||
            tdp__name_add(subject, NID_commonName, req->name) != 1) {
            rc = td_error_set_ssl(err, TD_EARG, "subject");
            goto out;
        }
        snprintf(e.kind, sizeof e.kind, "client");
        snprintf(e.agency, sizeof e.agency, "%s", req->agency);
        snprintf(e.role, sizeof e.role, "%s", td_role_name(req->role));
    } else {
        if (tdp__name_add(subject, NID_organizationalUnitName, "server") != 1 ||
            tdp__name_add(subject, NID_commonName, req->name) != 1) {
            rc = td_error_set_ssl(err, TD_EARG, "subject");
            goto out;
        }
        snprintf(e.kind, sizeof e.kind, "server");
        snprintf(e.role, sizeof e.role, "server");
    }
    snprintf(e.device, sizeof e.device, "%s", req->name);

    for (int tries = 0;; tries++) {
        cert = X509_new();
        if (!cert) {
            rc = td_error_set_ssl(err, TD_ENOMEM, "certificate");
            goto out;
        }
        if ((rc = tdp__serial(&serial, e.serial, err))) goto out;
        if ((rc = tdp__cert_base(cert, serial, subject, X509_get_subject_name(ca->cert), req->pub, req->v,
                                 X509_get0_notAfter(ca->cert), err)))
            goto out;
        X509V3_set_ctx(&ctx, ca->cert, cert, NULL, NULL, 0);
        if ((rc = tdp__ext(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE", err)) ||
            (rc = tdp__ext(cert, &ctx, NID_key_usage, "critical,digitalSignature", err)) ||
            (rc = tdp__ext(cert, &ctx, NID_ext_key_usage,
                           req->kind == TDP_KIND_CLIENT ? "clientAuth" : "serverAuth", err)) ||
            (rc = tdp__ext(cert, &ctx, NID_subject_key_identifier, "hash", err)) ||
            (rc = tdp__ext(cert, &ctx, NID_authority_key_identifier, "keyid:always", err)))
            goto out;
        if (req->kind == TDP_KIND_SERVER && (rc = tdp__san(cert, req, err))) goto out;
        if (X509_sign(cert, ca->key, NULL) <= 0) {
            rc = td_error_set_ssl(err, TD_ECRYPTO, "signing certificate");
            goto out;
        }
        if ((rc = td_x509_time_unix(X509_get0_notBefore(cert), &e.not_before, err)) ||
            (rc = td_x509_time_unix(X509_get0_notAfter(cert), &e.not_after, err)))
            goto out;
        e.issued_at = td_clock_now_ms() / 1000;
        pem = BIO_new(BIO_s_mem());
        if (!pem || PEM_write_bio_X509(pem, cert) != 1 || BIO_write(pem, "", 1) != 1) {
            rc = td_error_set_ssl(err, TD_ENOMEM, "certificate PEM");
            goto out;
        }
        BIO_get_mem_data(pem, &pem_text);
        rc = tdp_index_add(ca->db, &e, pem_text, err);
        BIO_free(pem);
        pem = NULL;
        if (rc != TD_EEXISTS || tries + 1 >= TDP_SERIAL_TRIES) break;
        /* A serial collision: draw again. */
        X509_free(cert);
        cert = NULL;
        ASN1_INTEGER_free(serial);
        serial = NULL;
    }
    if (rc == TD_OK) {
        *out = cert;
        cert = NULL;
    }
out:
    BIO_free(pem);
    X509_free(cert);
    X509_NAME_free(subject);
    ASN1_INTEGER_free(serial);
    return rc;
}

/* RFC 5280 §5.3.1 reason codes (7 is unused; certificateHold is not offered:
 * a hold that is later lifted would make the log's history ambiguous). */
static const struct {
    const char *name;
    int code;
} tdp__reasons[] = {
    {"unspecified", 0},          {"keyCompromise", 1},        {"cACompromise", 2},
    {"affiliationChanged", 3},   {"superseded", 4},           {"cessationOfOperation", 5},
    {"privilegeWithdrawn", 9},
};

int tdp_reason_parse(const char *s)
{
    for (size_t i = 0; i < sizeof tdp__reasons / sizeof tdp__reasons[0]; i++)
        if (!strcasecmp(s, tdp__reasons[i].name)) return tdp__reasons[i].code;
    return -2;
}

const char *tdp_reason_name(int reason)
{
    for (size_t i = 0; i < sizeof tdp__reasons / sizeof tdp__reasons[0]; i++)
        if (tdp__reasons[i].code == reason) return tdp__reasons[i].name;
    return "";
}

/* One revoked entry of a CRL. */
static int tdp__crl_entry(X509_CRL *crl, const tdp_entry *e, td_error *err)
{
    X509_REVOKED *rev = X509_REVOKED_new();
    ASN1_INTEGER *serial = NULL;
    ASN1_TIME *when = NULL;
    ASN1_ENUMERATED *reason = NULL;
    BIGNUM *bn = NULL;
    int ok;

    ok = rev && BN_hex2bn(&bn, e->serial) > 0 && (serial = BN_to_ASN1_INTEGER(bn, NULL)) &&
         (when = ASN1_TIME_set(NULL, (time_t)e->revoked_at)) &&
         X509_REVOKED_set_serialNumber(rev, serial) == 1 && X509_REVOKED_set_revocationDate(rev, when) == 1;
    /* RFC 5280 §5.3.1: omit the reason extension rather than say "unspecified". */
    if (ok && e->reason > 0)
        ok = (reason = ASN1_ENUMERATED_new()) && ASN1_ENUMERATED_set(reason, e->reason) == 1 &&
             X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0, 0) == 1;
    if (ok) ok = X509_CRL_add0_revoked(crl, rev) == 1;
    BN_free(bn);
    ASN1_INTEGER_free(serial);
    ASN1_TIME_free(when);
    ASN1_ENUMERATED_free(reason);
    if (!ok) {
        X509_REVOKED_free(rev);
        return td_error_set_ssl(err, TD_ECRYPTO, "adding a revoked serial to the CRL");
    }
    return TD_OK;
}

int tdp_ca_make_crl(tdp_ca *ca, tdp_validity v, X509_CRL **out, td_error *err)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *last = NULL, *next = NULL;
    ASN1_INTEGER *number = NULL;
    tdp_entry *list = NULL;
    size_t n = 0;
    int64_t num;
    X509V3_CTX ctx;
    X509_EXTENSION *akid = NULL;
    int rc;

    *out = NULL;
    if (!crl) return td_error_set_ssl(err, TD_ENOMEM, "CRL");
    if ((rc = tdp_index_list(ca->db, &list, &n, err))) goto out;
    if ((rc = tdp_index_next_crl_number(ca->db, &num, err))) goto out;
    time_t now = (time_t)(td_clock_now_ms() / 1000);
    last = X509_time_adj_ex(NULL, -v.backdate_days, 0, &now);
    next = X509_time_adj_ex(NULL, v.days - v.backdate_days, 0, &now);
    number = ASN1_INTEGER_new();
    if (!last || !next || !number || ASN1_INTEGER_set_int64(number, num) != 1 ||
        X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) != 1 ||
        X509_CRL_set1_lastUpdate(crl, last) != 1 || X509_CRL_set1_nextUpdate(crl, next) != 1 ||
        X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0) != 1) {
        rc = td_error_set_ssl(err, TD_ECRYPTO, "building CRL");
        goto out;
    }
    /* RFC 5280 §5.2.1: a conforming CRL carries the issuer's key identifier. */
    X509V3_set_ctx(&ctx, ca->cert, NULL, NULL, crl, 0);
    akid = X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
    if (!akid || X509_CRL_add_ext(crl, akid, -1) != 1) {
        rc = td_error_set_ssl(err, TD_ECRYPTO, "CRL authorityKeyIdentifier");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (list[i].revoked_at && (rc = tdp__crl_entry(crl, &list[i], err))) goto out;
    if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, ca->key, NULL) <= 0) {
        rc = td_error_set_ssl(err, TD_ECRYPTO, "signing CRL");
        goto out;
    }
    *out = crl;
    crl = NULL;
out:
    X509_EXTENSION_free(akid);
    ASN1_INTEGER_free(number);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    free(list);
    X509_CRL_free(crl);
    return rc;
}

int tdp_ca_renewable(tdp_ca *ca, X509 *old, char serial[TDP_SERIAL_HEX_MAX + 1], td_error *err)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(old), NULL);
    char *h = bn ? BN_bn2hex(bn) : NULL;
    tdp_entry *list = NULL;
    size_t n = 0;
    int rc, found = 0;
    snprintf(serial, TDP_SERIAL_HEX_MAX + 1, "%s", h ? h : "?");
    OPENSSL_free(h);
    BN_free(bn);
    if ((rc = td_x509_verify(old, ca->cert, 0, 0, err))) return rc == TD_ENOMEM ? rc : TD_ECERT;
    if ((rc = tdp_index_list(ca->db, &list, &n, err))) return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        if (strcmp(list[i].serial, serial)) continue;
        found = 1;
        if (list[i].revoked_at)
            rc = td_error_set(err, TD_EREVOKED, TD_MSG_PKI_SERIAL_REVOKED, serial,
                              list[i].reason == 4 ? "superseded: already renewed" : tdp_reason_name(list[i].reason));
    }
    free(list);
    if (!rc && !found) rc = td_error_set(err, TD_ENOTFOUND, TD_MSG_PKI_SERIAL_NOT_IN, serial, ca->db_path);
    return rc;
}

int tdp_ca_supersede(tdp_ca *ca, const char *serial, td_error *err)
{
    return tdp_index_revoke(ca->db, serial, td_clock_now_ms() / 1000, 4 /* superseded */, err);
}
