/*
 * pki.h — internals of tiendo-pki, the provincial CA officer's tool
 * (docs/ARCHITECTURE.md §5).  Prefix tdp_.
 *
 * A CA directory (mode 0700) holds:
 *   ca.key     the CA's Ed25519 key, PEM PKCS#8, mode 0600
 *   ca.crt     the self-signed CA certificate, PEM, 0644
 *   index.db   SQLite (mode 0600): every certificate issued, its status and
 *              revocation, and the CRL number (index.c)
 *   crl.pem    the latest CRL, PEM, 0644 (first one written by init)
 *
 * Layers: index.c owns the database (all SQL lives there); ca.c builds and
 * signs certificates and CRLs and keeps the index in step; cmds.c parses the
 * command line and speaks Vietnamese to the officer; main.c dispatches.
 * Library layers return 0 or a TD_E* code with an English td_error; only
 * cmds.c prints.
 */
#ifndef TDP_PKI_H
#define TDP_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "identity.h"

#define TDP_SECS_PER_DAY 86400
/* Longest validity we accept (100 years): anything longer is a typo. */
#define TDP_DAYS_MAX 36500
#define TDP_CA_DAYS_DEFAULT 3650      /* the CA outlives many device certificates */
#define TDP_DEVICE_DAYS_DEFAULT 730   /* two years: one renewal per hardware cycle */
#define TDP_SERVER_DAYS_DEFAULT 730
#define TDP_CRL_DAYS_DEFAULT 7        /* weekly CRL: offices sync at least monthly, servers daily */
/* 16 random bytes: RFC 5280 §4.1.2.2 allows up to 20 octets; CA/B asks ≥ 64 bits of entropy. */
#define TDP_SERIAL_BYTES 16
/* Serials are kept as upper-case hex, as `openssl x509 -serial` prints them. */
#define TDP_SERIAL_HEX_MAX 40
/* Retries when a random serial collides with one in the index (never, in practice). */
#define TDP_SERIAL_TRIES 4
#define TDP_ROLE_MAX 16
/* A DNS name in subjectAltName: RFC 1035 §2.3.4 limits a name to 253 characters as text. */
#define TDP_DNS_NAME_MAX 253
/* Buffer of one Vietnamese message line or one OpenSSL "what" label. */
#define TDP_MSG_MAX 256
#define TDP_CA_NAME_DEFAULT "tiendo CA"
/* Longest CA name: an X.520 CommonName is at most 64 characters. */
#define TDP_CA_NAME_MAX 64

/* Validity window: notBefore = now - backdate_days, notAfter = notBefore + days.
 * backdate_days is a testing aid: it makes expired CAs and certificates. */
typedef struct tdp_validity {
    int days;
    int backdate_days;
} tdp_validity;

/* ---- index.c: the certificate database ---------------------------------- */

typedef enum { TDP_STATUS_VALID = 0, TDP_STATUS_REVOKED, TDP_STATUS_EXPIRED, TDP_STATUS_COUNT } tdp_status;

typedef struct tdp_entry {
    char serial[TDP_SERIAL_HEX_MAX + 1];
    char kind[8];                       /* "client" or "server" */
    char agency[TD_AGENCY_MAX + 1];     /* "" for a server certificate */
    char device[TD_DEVICE_MAX + 1];     /* device or server name (CN) */
    char role[TDP_ROLE_MAX];            /* office|central|inspector|server */
    int64_t not_before, not_after, issued_at;
    int64_t revoked_at;                 /* 0: not revoked */
    int reason;                         /* CRL reason code; -1: none given */
} tdp_entry;

/* Create a new index at path (must not exist; created mode 0600). */
int tdp_index_create(const char *path, sqlite3 **db, td_error *err);
/* Open an existing index; TD_EDB if its schema version is not ours. */
int tdp_index_open(const char *path, sqlite3 **db, td_error *err);
/* Record an issued certificate; TD_EEXISTS if the serial is taken. */
int tdp_index_add(sqlite3 *db, const tdp_entry *e, const char *pem, td_error *err);
/* Mark serial revoked at `when`; TD_ENOTFOUND if unknown, TD_EEXISTS if already revoked. */
int tdp_index_revoke(sqlite3 *db, const char *serial, int64_t when, int reason, td_error *err);
/* Every entry, in issue order; *out is malloc'd (free it). */
int tdp_index_list(sqlite3 *db, tdp_entry **out, size_t *n, td_error *err);
/* Increment and return the CRL number (first one is 1). */
int tdp_index_next_crl_number(sqlite3 *db, int64_t *out, td_error *err);
/* Status of an entry at time now. */
tdp_status tdp_entry_status(const tdp_entry *e, int64_t now);

/* ---- ca.c: the CA itself ------------------------------------------------- */

typedef struct tdp_ca {
    char *dir, *key_path, *cert_path, *db_path, *crl_path;   /* owned */
    EVP_PKEY *key;     /* owned */
    X509 *cert;        /* owned */
    sqlite3 *db;       /* owned */
} tdp_ca;

/*
 * Create a CA in dir (created 0700 if missing, tightened to 0700 if it
 * exists): key, self-signed certificate named name, index, first CRL.
 * TD_EEXISTS if dir already holds a CA; on failure the files it created are
 * removed.
 */
int tdp_ca_create(const char *dir, const char *name, tdp_validity v, td_error *err);
/* Load the CA in dir; TD_EIO/TD_EPARSE naming the missing or bad file. */
int tdp_ca_open(tdp_ca *ca, const char *dir, td_error *err);
void tdp_ca_close(tdp_ca *ca);
/* TD_EEXPIRED if the CA certificate is past its notAfter (or not yet valid). */
int tdp_ca_check_current(const tdp_ca *ca, td_error *err);

typedef enum { TDP_KIND_CLIENT = 0, TDP_KIND_SERVER } tdp_kind;

/* What to certify. */
typedef struct tdp_issue {
    tdp_kind kind;
    EVP_PKEY *pub;                      /* subject key (Ed25519), borrowed */
    const char *agency;                 /* client: O */
    const char *name;                   /* client: CN = device; server: CN */
    td_role role;                       /* client: OU */
    const char *const *dns; size_t ndns;   /* server: subjectAltName */
    const char *const *ips; size_t nips;
    tdp_validity v;
} tdp_issue;

/*
 * Sign a certificate for req and record it in the index before returning it,
 * so that no certificate exists that the officer cannot list and revoke.
 * notAfter is clamped to the CA's.  TD_EARG for a bad subject or SAN value.
 */
int tdp_ca_issue(tdp_ca *ca, const tdp_issue *req, X509 **out, td_error *err);
/*
 * May the device certificate old be renewed?  It must be issued by this CA
 * (expired is fine: that is why one renews), listed in the index and not
 * revoked there; a certificate already renewed is revoked as superseded
 * (tdp_ca_supersede), so each certificate is renewed at most once.
 * serial receives old's serial (hex).  TD_ECERT: not this CA's;
 * TD_ENOTFOUND: not in the index; TD_EREVOKED: revoked (or superseded).
 */
int tdp_ca_renewable(tdp_ca *ca, X509 *old, char serial[TDP_SERIAL_HEX_MAX + 1], td_error *err);
/* Record in the index that serial was renewed: revoked, reason superseded,
 * from now on (the next CRL lists it). */
int tdp_ca_supersede(tdp_ca *ca, const char *serial, td_error *err);
/* "keyCompromise" -> 1 ...; -2 if unknown. */
int tdp_reason_parse(const char *s);
const char *tdp_reason_name(int reason);
/* Canonical upper-case hex of a serial typed by a person; TD_EARG if not hex. */
int tdp_serial_normalise(const char *in, char out[TDP_SERIAL_HEX_MAX + 1], td_error *err);
/* A CRL of every revoked certificate, lastUpdate = now - backdate_days,
 * nextUpdate = lastUpdate + days, with the next CRL number. */
int tdp_ca_make_crl(tdp_ca *ca, tdp_validity v, X509_CRL **out, td_error *err);

/* ---- cmds.c: the subcommands (exit codes: 0 ok, 1 refused/failed, 2 usage) ---- */

int tdp_cmd_init(int argc, char **argv);
int tdp_cmd_issue_server(int argc, char **argv);
int tdp_cmd_sign(int argc, char **argv);
int tdp_cmd_bundle(int argc, char **argv);
int tdp_cmd_revoke(int argc, char **argv);
int tdp_cmd_crl(int argc, char **argv);
int tdp_cmd_list(int argc, char **argv);
int tdp_cmd_renew(int argc, char **argv);

#endif
