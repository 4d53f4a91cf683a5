/*
 * testcerts.h — a throwaway PKI for unit tests that must not depend on the
 * tiendo-pki binary: an Ed25519 CA, a server certificate for 127.0.0.1 and
 * client certificates with tiendo subjects, written as PEM into a temp dir.
 * Integration tests use the real tiendo-pki instead.
 */
#ifndef TESTCERTS_H
#define TESTCERTS_H

#include "clock.h"
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline EVP_PKEY *tc_keygen(void)
{
    EVP_PKEY *k = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    EVP_PKEY_keygen_init(c);
    EVP_PKEY_keygen(c, &k);
    EVP_PKEY_CTX_free(c);
    return k;
}

static inline void tc_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ex;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    X509_add_ext(cert, ex, -1);
    X509_EXTENSION_free(ex);
}

/* Certificate for key valid from not_before to not_after (seconds since the
 * epoch), signed by (issuer, ikey) or self-signed if issuer is NULL. */
static inline X509 *tc_cert_span(EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, const char *cn, const char *o,
                                 const char *ou, const char *san, int ca, time_t not_before, time_t not_after)
{
    static long serial = 1;
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    ASN1_TIME_set(X509_getm_notBefore(x), not_before);
    ASN1_TIME_set(X509_getm_notAfter(x), not_after);
    if (o) X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)o, -1, -1, 0);
    if (ou) X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8, (const unsigned char *)ou, -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
    X509_NAME_free(n);
    X509_set_pubkey(x, key);
    if (ca) {
        tc_ext(x, issuer ? issuer : x, NID_basic_constraints, "critical,CA:TRUE");
        tc_ext(x, issuer ? issuer : x, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    if (san) tc_ext(x, issuer ? issuer : x, NID_subject_alt_name, san);
    X509_sign(x, ikey ? ikey : key, NULL);
    return x;
}

/* The same, valid from days_from to days_to days from now (the project's clock). */
static inline X509 *tc_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, const char *cn, const char *o,
                     const char *ou, const char *san, int ca, long days_from, long days_to)
{
    time_t tc_now = (time_t)(td_clock_now_ms() / 1000);
    return tc_cert_span(key, issuer, ikey, cn, o, ou, san, ca, tc_now + days_from * 86400, tc_now + days_to * 86400);
}

static inline void tc_write_key(const char *path, EVP_PKEY *k)
{
    FILE *f;
    umask(077);
    f = fopen(path, "w");
    PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    chmod(path, 0600);
}

static inline void tc_write_cert(const char *path, X509 *x)
{
    FILE *f = fopen(path, "w");
    PEM_write_X509(f, x);
    fclose(f);
}

typedef struct tc_pki {
    char dir[256];
    char ca[300], srv_crt[300], srv_key[300], cli_crt[300], cli_key[300];
} tc_pki;

/* Make CA, server (127.0.0.1) and one office client in a new temp dir. */
static inline int tc_pki_make(tc_pki *p)
{
    EVP_PKEY *cak, *sk, *ck;
    X509 *ca, *s, *c;
    snprintf(p->dir, sizeof p->dir, "/tmp/tdtest-XXXXXX");
    if (!mkdtemp(p->dir)) return -1;
    snprintf(p->ca, sizeof p->ca, "%s/ca.crt", p->dir);
    snprintf(p->srv_crt, sizeof p->srv_crt, "%s/server.crt", p->dir);
    snprintf(p->srv_key, sizeof p->srv_key, "%s/server.key", p->dir);
    snprintf(p->cli_crt, sizeof p->cli_crt, "%s/device.crt", p->dir);
    snprintf(p->cli_key, sizeof p->cli_key, "%s/device.key", p->dir);
    cak = tc_keygen();
    sk = tc_keygen();
    ck = tc_keygen();
    ca = tc_cert(cak, NULL, NULL, "Test CA", "test", NULL, NULL, 1, -1, 30);
    s = tc_cert(sk, ca, cak, "tiendo-server", "so-khcn", "server", "IP:127.0.0.1,DNS:localhost", 0, -1, 30);
    c = tc_cert(ck, ca, cak, "pc-01", "ubnd-chi-linh", "office", NULL, 0, -1, 30);
    tc_write_cert(p->ca, ca);
    tc_write_cert(p->srv_crt, s);
    tc_write_cert(p->cli_crt, c);
    tc_write_key(p->srv_key, sk);
    tc_write_key(p->cli_key, ck);
    X509_free(ca); X509_free(s); X509_free(c);
    EVP_PKEY_free(cak); EVP_PKEY_free(sk); EVP_PKEY_free(ck);
    return 0;
}

static inline void tc_pki_remove(tc_pki *p)
{
    unlink(p->ca); unlink(p->srv_crt); unlink(p->srv_key); unlink(p->cli_crt); unlink(p->cli_key);
    rmdir(p->dir);
}

#endif
