/*
 * certwarn.h — the device certificate's expiry, told to the clerk (docs/ARCHITECTURE.md
 * §9).  `tiendo sync`, `status` (and anything that opens the device) call
 * tdc_cert_check: N days before notAfter (DEVDIR/config key
 * renew-warn-days, default TDC_RENEW_WARN_DAYS) it prints a warning with
 * the date (dd/mm/yyyy) and the command to renew; after it, a message that
 * says the outbox is kept and which commands recover the device.
 * now_s comes from the project's clock (common/clock.h), which tests move
 * with TIENDO_TEST_CLOCK to see the expiry paths without waiting months.
 */
#ifndef TDC_CERTWARN_H
#define TDC_CERTWARN_H

#include <openssl/x509.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"

/* A month: offices sync at least monthly, so each sees the warning. */
#define TDC_RENEW_WARN_DAYS 30

/* The warning threshold from DEVDIR/config (renew-warn-days), else the default. */
int tdc_cert_warn_days(const tdc_device *dev);

/* Where the certificate stands at now_s: the one decision both the
 * printed warning below and the web UI's banner are made from. */
typedef enum {
    TDC_CERT_OK = 0,         /* far from expiry (or no certificate to read) */
    TDC_CERT_SOON,           /* within the warning threshold */
    TDC_CERT_EXPIRED,
    TDC_CERT_NOT_YET,        /* before notBefore: the PC's clock is behind */
} tdc_cert_kind;

typedef struct tdc_cert_state {
    tdc_cert_kind kind;
    int64_t not_before_s, not_after_s;
    long long days_left;     /* whole days to notAfter (SOON) */
    int warn_days;           /* the threshold used */
} tdc_cert_state;

void tdc_cert_state_get(const tdc_device *dev, X509 *cert, long long now_s, tdc_cert_state *out);

/*
 * Check cert at now_s.  Prints to f (prefixed "tiendo CMD: "): nothing while
 * far from expiry; a warning within the threshold; the recovery text when
 * expired (pending = entries waiting in the outbox, for the message).
 * Returns 1 if expired (or not yet valid), 0 otherwise.
 */
int tdc_cert_check(const tdc_device *dev, X509 *cert, long long now_s, unsigned long long pending, FILE *f,
                   const char *cmd);

#endif
