/*
 * cmds.h — the subcommands of tiendo (office client).  Each takes the
 * arguments after its own name (argv[0] is the subcommand name) and returns
 * the process exit code: 0 success, 1 failure, 2 bad usage.
 */
#ifndef TDC_CMDS_H
#define TDC_CMDS_H

#include <openssl/x509.h>
#include <stdint.h>

#include "device.h"
#include "identity.h"
#include "replica.h"

int tdc_cmd_init(int argc, char **argv);       /* cmd_init.c */
int tdc_cmd_ping(int argc, char **argv);       /* cmd_ping.c */
int tdc_cmd_report(int argc, char **argv);     /* cmd_report.c */
int tdc_cmd_indicator(int argc, char **argv);  /* cmd_report.c */
int tdc_cmd_sync(int argc, char **argv);       /* cmd_sync.c */
int tdc_cmd_status(int argc, char **argv);     /* cmd_status.c */
int tdc_cmd_receipt(int argc, char **argv);    /* cmd_receipt.c */
int tdc_cmd_audit(int argc, char **argv);      /* cmd_audit.c */
int tdc_cmd_tasks(int argc, char **argv);      /* cmd_tasks.c */
int tdc_cmd_task(int argc, char **argv);       /* cmd_tasks.c */
int tdc_cmd_todo(int argc, char **argv);       /* cmd_tasks.c */
int tdc_cmd_review(int argc, char **argv);     /* cmd_central.c */
int tdc_cmd_condition(int argc, char **argv);  /* cmd_central.c */
int tdc_cmd_extend(int argc, char **argv);     /* cmd_central.c */
int tdc_cmd_draft(int argc, char **argv);     /* cmd_report.c */
int tdc_cmd_attachment(int argc, char **argv); /* cmd_attachment.c */
int tdc_cmd_report_all(int argc, char **argv); /* cmd_report_all.c */
int tdc_cmd_renew(int argc, char **argv);      /* cmd_renew.c */
/* new commands: one line each, above this comment */

/*
 * What the replica commands (report, indicator, sync, status) open: the
 * device directory, its identity (key + certificate), the CA certificate
 * and the replica with its derived state.  Implemented in cmd_report.c.
 */
typedef struct tdc_ctx {
    tdc_device dev;
    td_identity id;
    X509 *ca;
    tdc_replica *rep;
    char db_path[PATH_MAX + 16];
} tdc_ctx;

/* Open everything; on failure print a Vietnamese message prefixed by
 * "tiendo CMD: " on stderr, release what was opened and return 1. */
int tdc_ctx_open(tdc_ctx *c, const char *dir, const char *cmd);
void tdc_ctx_close(tdc_ctx *c);

/* Helpers shared by the replica commands (cmd_report.c). */
/* "tiendo CMD: MSG ARG" and "Xem: tiendo CMD --help" on stderr; returns 2 (bad usage). */
int tdc_usage_err(const char *cmd, const char *msg, const char *arg);
/* "2025-05" -> "05/2025" for people (anything else copied as is). */
void tdc_period_vi(const char *p, char *out, size_t n);
/* Sign an entry of this device and queue it in the outbox: seq after the
 * outbox's and this author's last seq in the pulled log (a recreated replica
 * never reuses a number).  On failure prints "tiendo CMD: ..." and returns 1. */
int tdc_queue_entry(tdc_ctx *c, const char *cmd, int kind, const uint8_t *payload, size_t len, const char *summary,
                    uint64_t *seq);

/* Wall clock, ms since the epoch. */
int64_t tdc_now_ms(void);
/* Refusals of this device's entries (cmd_status.c): by the server at push
 * (outbox) and by the fold, over every key of the device, each in
 * Vietnamese with what to do (common/refusal.h), at most max lines;
 * *total counts them (entries signed again with a new seq excluded).  0, or
 * 1 on a database error (printed). */
int tdc_print_refusals(tdc_ctx *c, size_t max, size_t *total);
/* Fold refusals of entries signed by any key of this device. */
size_t tdc_fold_refusals_mine(const td_state *st, const td_identity *id);
/* Today as yyyymmdd in Asia/Ho_Chi_Minh; the environment variable
 * TIENDO_TODAY=yyyymmdd overrides it (tests; `--date dd/mm/yyyy` of the
 * commands sets it).  Implemented in cmd_report.c. */
int tdc_today(void);
/* Use Asia/Ho_Chi_Minh for dates shown to people unless TZ is set (DESIGN §8). */
void tdc_tz_default(void);
/* "dd/mm/yyyy hh:mm" in local time; "chưa bao giờ" for 0. */
void tdc_fmt_time(int64_t ms, char *buf, size_t n);

#endif
