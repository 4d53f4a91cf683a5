/*
 * identity.h — who a device is (docs/ARCHITECTURE.md §5).
 *
 * Every device has one Ed25519 key.  It is the TLS client key (X.509
 * certificate issued by the provincial CA) and the entry-signing key: the
 * raw private key OpenSSL exposes for Ed25519 is the 32-byte seed from which
 * libsodium's crypto_sign_seed_keypair derives the same key pair.
 *
 * Certificate subject: O = agency slug, CN = device name, OU = role.
 * The server takes identity from a *verified* peer certificate only.
 */
#ifndef TD_IDENTITY_H
#define TD_IDENTITY_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdint.h>

#include "err.h"

typedef enum {
    TD_ROLE_NONE = 0,
    TD_ROLE_OFFICE,
    TD_ROLE_CENTRAL,
    TD_ROLE_INSPECTOR,
} td_role;

/* Bounds on subject fields: slugs fit a filename and a log line. */
#define TD_AGENCY_MAX 64
#define TD_DEVICE_MAX 64

/* "office" -> TD_ROLE_OFFICE ...; TD_ROLE_NONE if unknown. */
td_role td_role_parse(const char *s);
/* TD_ROLE_OFFICE -> "office"; "none" for TD_ROLE_NONE. */
const char *td_role_name(td_role r);
/* Vietnamese label ("văn phòng đơn vị", "trung tâm (Sở KH&CN)", "thanh tra"). */
const char *td_role_vi(td_role r);

/*
 * A slug: 1..TD_AGENCY_MAX bytes of [a-z0-9-], not starting or ending with
 * '-', no "--".  Returns 1 if s is one.
 */
int td_slug_valid(const char *s);
/* Device names: 1..TD_DEVICE_MAX bytes of [A-Za-z0-9._-]. */
int td_device_name_valid(const char *s);

/* Subject of a certificate as tiendo reads it. */
typedef struct td_subject {
    char agency[TD_AGENCY_MAX + 1];  /* O  */
    char device[TD_DEVICE_MAX + 1];  /* CN */
    td_role role;                    /* OU */
} td_subject;

/*
 * Read agency, device and role from a certificate's subject.  Fails with
 * TD_ECERT (and a message naming the field) if a field is missing, repeated,
 * not a valid slug/name, or the role is unknown.  Does NOT verify the
 * certificate: callers pass only certificates OpenSSL has verified.
 */
int td_subject_from_cert(X509 *cert, td_subject *out, td_error *err);

/* A device identity loaded from disk. */
typedef struct td_identity {
    EVP_PKEY *key;            /* owned */
    X509 *cert;               /* owned; may be NULL before enrolment */
    td_subject subject;       /* valid when cert != NULL */
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];  /* Ed25519 public key */
    unsigned char sk[crypto_sign_SECRETKEYBYTES];  /* libsodium secret key (seed||pk) */
} td_identity;

/*
 * Load a PEM private key (must be Ed25519) and, if cert_path is not NULL,
 * its PEM certificate, which must carry the same public key.  Refuses a key
 * file readable by group or others (TD_EAUTH), since it is the device's
 * signing key.  On failure nothing is allocated.
 */
int td_identity_load(td_identity *id, const char *key_path, const char *cert_path, td_error *err);
void td_identity_free(td_identity *id);

/* 32-byte Ed25519 public key of a certificate; TD_ECERT if not Ed25519. */
int td_cert_ed25519_pk(X509 *cert, unsigned char pk[32], td_error *err);
/* The 32-byte seed (OpenSSL raw private key) of an Ed25519 EVP_PKEY. */
int td_key_ed25519_seed(EVP_PKEY *key, unsigned char seed[32], td_error *err);

/* Hex of the first 8 bytes of a key, for logs: "a1b2c3d4e5f60718". */
void td_key_short_hex(const unsigned char pk[32], char out[17]);

#endif
