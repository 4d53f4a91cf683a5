/*
 * x509util.h — the OpenSSL 3 helpers that both tiendo-pki and the client's
 * `tiendo init` need (docs/ARCHITECTURE.md §5): Ed25519 keys, PEM files written atomically
 * with the right mode, certificate requests, checks of a certificate against
 * its key and its CA, and the one-file enrolment bundle.
 *
 * Everything returns 0 or a negative TD_E* code and fills a td_error naming
 * the file or the field.  Objects returned through an out-parameter belong to
 * the caller (EVP_PKEY_free, X509_free, X509_REQ_free, td_bundle_free); on
 * failure nothing is returned and *out is left NULL.
 *
 * Files are written atomically: a temporary file beside the target (mkstemp,
 * so created O_EXCL with mode 0600), fsync, then rename() over the target or,
 * for "no clobber", link() — which fails if the target exists, so two
 * writers can never both think they created a key.  A private key is never
 * on disk with a mode looser than 0600, not even for an instant.
 *
 * Enrolment bundle format (version 1), one UTF-8 text file, mode 0600:
 *
 *     # tiendo enrolment bundle: contains a PRIVATE KEY, keep it secret
 *     tiendo-bundle: 1
 *     server: HOST:PORT
 *     agency: SLUG            (informational; the certificate is authoritative)
 *     device: NAME            (informational)
 *     role: office            (informational)
 *
 *     -----BEGIN CERTIFICATE-----      1st block: the provincial CA
 *     -----BEGIN PRIVATE KEY-----      2nd block: the device key (PKCS#8)
 *     -----BEGIN CERTIFICATE-----      3rd block: the device certificate
 *
 * Header lines are "key: value" up to the first "-----BEGIN" line; '#'
 * lines and blank lines are ignored, unknown keys are ignored (so later
 * versions may add some), "tiendo-bundle: 1" and "server:" are required.
 * Exactly the three PEM blocks follow, in that order.
 */
#ifndef TD_X509UTIL_H
#define TD_X509UTIL_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "identity.h"

/* Largest PEM file (key, certificate, CSR, bundle) we read: a bundle is three
 * small PEM blocks (~2 KiB); anything near this bound is not one of ours. */
#define TD_X509_FILE_MAX (64 * 1024)
/* "host:port" of the server: a DNS name is at most 253 bytes, plus ":65535". */
#define TD_X509_HOSTPORT_MAX 260

/* A fresh Ed25519 key pair. */
int td_x509_keygen(EVP_PKEY **out, td_error *err);

/*
 * Write len bytes to path atomically with the given mode (applied with
 * fchmod to the temporary file before anything is written).  noclobber: fail
 * with TD_EEXISTS if path exists, else replace it.
 */
int td_x509_write_file(const char *path, const void *data, size_t len, int mode, int noclobber,
                       td_error *err);
/* Private key as PEM PKCS#8, mode 0600, never replacing an existing file
 * (TD_EEXISTS).  The PEM text only lives in OpenSSL secure memory. */
int td_x509_write_key(const char *path, EVP_PKEY *key, td_error *err);
/* Certificate / request / CRL as PEM, mode 0644. */
int td_x509_write_cert(const char *path, X509 *cert, int noclobber, td_error *err);
int td_x509_write_csr(const char *path, X509_REQ *req, int noclobber, td_error *err);
int td_x509_write_crl(const char *path, X509_CRL *crl, td_error *err);

/*
 * Read one PEM object.  TD_EIO (naming the file and errno) if it cannot be
 * opened, TD_ETOOBIG over TD_X509_FILE_MAX, TD_EPARSE if it holds no object
 * of that kind.  td_x509_read_key refuses a file readable by group or others
 * (TD_EAUTH) and a key that is not Ed25519 (TD_ECRYPTO).
 */
int td_x509_read_key(const char *path, EVP_PKEY **out, td_error *err);
int td_x509_read_cert(const char *path, X509 **out, td_error *err);
int td_x509_read_csr(const char *path, X509_REQ **out, td_error *err);

/*
 * A certificate request for key with subject O=agency, OU=role, CN=device,
 * signed by key.  TD_EARG if agency is not a slug, device not a device name,
 * or role is TD_ROLE_NONE.
 */
int td_x509_make_csr(EVP_PKEY *key, const char *agency, const char *device, td_role role,
                     X509_REQ **out, td_error *err);
/*
 * Check a request before a CA signs it: its self-signature verifies
 * (TD_ESIG otherwise) and its key is Ed25519 (TD_ECRYPTO otherwise).  what
 * names the request in messages (its file name).
 */
int td_x509_csr_check(X509_REQ *req, const char *what, td_error *err);
/* The certificate carries key's public key (TD_ECERT otherwise). */
int td_x509_cert_matches_key(X509 *cert, EVP_PKEY *key, td_error *err);

/*
 * Verify cert against ca as the only trust anchor.  purpose is an
 * X509_PURPOSE_* (e.g. X509_PURPOSE_SSL_CLIENT checks extendedKeyUsage) or
 * 0 for none.  check_time 0 skips the validity dates (tests install expired
 * certificates on purpose).  TD_EEXPIRED if cert or ca has expired, TD_ECERT
 * for any other failure, with OpenSSL's reason in the message.
 */
int td_x509_verify(X509 *cert, X509 *ca, int purpose, int check_time, td_error *err);

/* ASN1_TIME -> seconds since the epoch; TD_EPARSE if unreadable. */
int td_x509_time_unix(const ASN1_TIME *t, int64_t *out, td_error *err);

/* "host:port": host non-empty, no blanks or control characters, port 1..65535;
 * an IPv6 literal goes in brackets ("[::1]:7443").  1 if valid. */
int td_x509_hostport_valid(const char *s);

/* The enrolment bundle (format above); all members owned. */
typedef struct td_bundle {
    char server[TD_X509_HOSTPORT_MAX + 1];
    X509 *ca;
    EVP_PKEY *key;
    X509 *cert;
} td_bundle;

/* Write b to path, mode 0600, never replacing an existing file (TD_EEXISTS).
 * TD_EARG if a member is missing or server is not host:port. */
int td_bundle_write(const char *path, const td_bundle *b, td_error *err);
/*
 * Parse path into b (zeroed first).  Checks the format only — TD_EPARSE
 * naming the line or the block — and that the key is Ed25519; the caller
 * checks that the certificate matches the key and chains to the CA.  The
 * file's mode is not checked (a bundle carried on a FAT USB stick reads as
 * 0644 whatever was written); the text is held in OpenSSL secure memory.
 */
int td_bundle_read(const char *path, td_bundle *b, td_error *err);
void td_bundle_free(td_bundle *b);

#endif
