/*
 * cmds.h — the subcommands of tiendo (office client).  Each takes the
 * arguments after its own name (argv[0] is the subcommand name) and returns
 * the process exit code: 0 success, 1 failure, 2 bad usage.
 */
#ifndef TDC_CMDS_H
#define TDC_CMDS_H

#include <openssl/x509.h>
#include <stdint.h>

#include "cli.h"
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
int tdc_cmd_ui(int argc, char **argv);          /* ui.c */
/* new commands: one line each, above this comment */

/* Option rows (common/cli.h) that many commands share, each with its getopt code. */
#define TDC_OPT_DIR(val) {"dir", required_argument, (val), "THƯ_MỤC", "thư mục thiết bị (mặc định $TIENDO_HOME hoặc ~/.tiendo)"}
#define TDC_OPT_SERVER(val)                                                                                     \
    {"server", required_argument, (val), "MÁY:CỔNG", "địa chỉ máy chủ (mặc định: như trong tệp config của thiết bị)"}
#define TDC_OPT_DATE(val) {"date", required_argument, (val), "dd/mm/yyyy", "coi ngày này là hôm nay (mặc định hôm nay)"}
#define TDC_OPT_PLAN(val)                                                                                       \
    {"plan", required_argument, (val), "SỐ", "kế hoạch của nhiệm vụ (số hiệu, ví dụ 245/KH-UBND, hoặc số ngắn 245) khi có nhiều kế hoạch"}

/* The context every replica command opens, today's date, signing and
 * queueing (tdc_ctx_open, tdc_today, tdc_queue_entry, tdc_usage_err ...)
 * are the application layer's: app.h. */
#include "app.h"

/* Refusals of this device's entries (cmd_status.c): by the server at push
 * (outbox) and by the fold, over every key of the device, each in
 * Vietnamese with what to do (common/refusal.h), at most max lines;
 * *total counts them (entries signed again with a new seq excluded).  0, or
 * 1 on a database error (printed). */
int tdc_print_refusals(tdc_ctx *c, size_t max, size_t *total);
/* tdc_fold_refusals_mine: todo.h */
#include "todo.h"

#endif
