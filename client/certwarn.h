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
#include <stdio.h>

#include "device.h"

/* A month: offices sync at least monthly, so each sees the warning. */
#define TDC_RENEW_WARN_DAYS 30

/* The warning threshold from DEVDIR/config (renew-warn-days), else the default. */
int tdc_cert_warn_days(const tdc_device *dev);

/*
 * Check cert at now_s.  Prints to f (prefixed "tiendo CMD: "): nothing while
 * far from expiry; a warning within the threshold; the recovery text when
 * expired (pending = entries waiting in the outbox, for the message).
 * Returns 1 if expired (or not yet valid), 0 otherwise.
 */
int tdc_cert_check(const tdc_device *dev, X509 *cert, long long now_s, unsigned long long pending, FILE *f,
                   const char *cmd);

#endif
