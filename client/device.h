/*
 * device.h — the device directory of an office client (DEVDIR):
 *   device.key  Ed25519 private key, mode 0600 (made by `tiendo init`)
 *   device.csr  certificate request, until enrolment
 *   device.crt  certificate signed by the provincial CA
 *   ca.crt      the provincial CA certificate
 *   config      key = value: server = HOST:PORT, agency, device, role
 *   tiendo.log  operator log lines (English) of the commands run on it
 * The directory is --dir, else $TIENDO_HOME, else ~/.tiendo.
 */
#ifndef TDC_DEVICE_H
#define TDC_DEVICE_H

#include <limits.h>

#include "err.h"
#include "netaddr.h"

typedef struct tdc_device {
    char dir[PATH_MAX];
    char key_path[PATH_MAX + 16];
    char cert_path[PATH_MAX + 16];
    char ca_path[PATH_MAX + 16];
    char config_path[PATH_MAX + 16];
    char server[TD_HOST_MAX + 8];   /* "host:port" from config (may be overridden) */
} tdc_device;

/* Resolve the directory (dir may be NULL) and fill the paths. */
void tdc_device_paths(tdc_device *d, const char *dir);
#define TDC_LOG_FILE "tiendo.log"

/* Operator logs go to DEVDIR/tiendo.log (once tdc_device_load knew the
 * directory), or to the terminal with the global option --verbose (taken
 * out of argv here) or TIENDO_LOG=level set. */
void tdc_log_setup(int *argc, char **argv);

/* Paths + read config; TD_ENOTFOUND with a hint if not enrolled yet. */
int tdc_device_load(tdc_device *d, const char *dir, td_error *err);

/*
 * Status options (common/status.h) from the device config: keys
 * `report-day` (reports due on this day of the period's month, 1..31,
 * default 18) and `due-soon-days` (the "Sắp đến hạn" window, 0..90,
 * default 7) — the same keys as the server's config and the report
 * commands' flags, so that an office's `tiendo todo` and central's monthly
 * report judge alike.  A bad value is reported on stderr (with the file)
 * and the default kept.
 */
struct td_status_opts;
void tdc_device_status_opts(const tdc_device *d, struct td_status_opts *o);

#endif
