/*
 * renew.h — certificate renewal over the mutual-TLS session (docs/PROTOCOL.md §8): a
 * server configured with a tiendo-pki CA directory (renew-ca-dir) signs a
 * device's new key (a PKCS#10 request sent in RenewRequest) with the SAME
 * agency, device and role as the certificate the session was authenticated
 * with; the request's own subject is ignored, so a device can never renew
 * into another identity.  The certificate is recorded in the CA's index
 * (tiendo-pki list shows it, tiendo-pki revoke can revoke it) before it is
 * returned, exactly as `tiendo-pki sign` would.
 *
 * Policy (server config): renew-roles, the roles allowed to renew online
 * (default "office"; central and inspector certificates go through the CA
 * officer); renew-window, renewal only when the current certificate
 * expires within that many days (default 60: a device cannot churn
 * certificates); renew-days, the new validity (default 730, like
 * tiendo-pki sign).
 *
 * Holding the CA key on the server host is a decision of the data centre:
 * without renew-ca-dir every renewal goes through the CA officer
 * (`tiendo renew --csr-out`, `tiendo-pki renew`, `tiendo renew --import`).
 *
 * Refused besides: a certificate revoked in the CA's index, in the
 * server's CRL (crl_path) or in the log (ledger.c), and one renewed already:
 * each certificate is renewed at most once, the new one superseding it
 * (revoked in the index with reason superseded, and in the log by the
 * ledger, so that the old certificate opens no session any more).
 *
 * Refusals are not errors: rc 0 with *cert NULL and the reasons filled.
 */
#ifndef TDS_RENEW_H
#define TDS_RENEW_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "session.h"

#define TDS_RENEW_WINDOW_DAYS_DEFAULT 60
#define TDS_RENEW_DAYS_DEFAULT 730
/* Largest request accepted: an Ed25519 CSR is ~250 bytes. */
#define TDS_RENEW_CSR_MAX 8192

typedef struct tds_renewer tds_renewer;

typedef struct tds_renew_opts {
    const char *ca_dir;           /* tiendo-pki CA directory (ca.key, ca.crt, index.db) */
    int days;                     /* validity of the new certificate */
    int window_days;              /* renew only within this many days of expiry */
    unsigned roles;               /* bit (1 << td_role) per allowed role */
    const char *crl_path;         /* the server's CRL (may be NULL): a listed certificate is not renewed */
} tds_renew_opts;

/* Parse "office,inspector" into a role mask; -1 if a word is not a role. */
int tds_renew_roles_parse(const char *s, unsigned *mask);

/* Open the CA directory (checked now: a wrong path fails at start). */
int tds_renewer_open(const tds_renew_opts *o, tds_renewer **out, td_error *err);
void tds_renewer_close(tds_renewer *r);

/*
 * Decide and, if allowed, issue.  *cert (caller frees) is NULL when
 * refused, with reason (English) and reason_vi (Vietnamese) filled.
 * TD_E* only for failures of the server itself (index not writable ...).
 */
int tds_renewer_issue(tds_renewer *r, const tds_peer *peer, const uint8_t *csr, size_t len, X509 **cert,
                      char reason[256], char reason_vi[256], td_error *err);

/* Is x revoked in the CA's index for a reason other than superseded (a
 * renewal)?  1 with why (English) filled; 0, also when the index cannot be
 * read (logged). */
int tds_renewer_index_revoked(tds_renewer *r, X509 *x, char *why, size_t wn);

#endif
