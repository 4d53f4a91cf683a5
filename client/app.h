/*
 * app.h — the client's application context, shared by every interface
 * (the command line in cmd_*.c and the web UI in ui*.c): the device
 * directory, its identity, the CA certificate and the replica with its
 * derived state; today's date; signing and queueing an entry.
 *
 * The tdc_app_* functions print nothing: they fill a td_error whose msg is
 * Vietnamese, for the person in front of whichever interface.  The
 * tdc_ctx_* and tdc_queue_entry wrappers are the command line's (they
 * print "tiendo CMD: ..." on stderr) and keep their old names.
 */
#ifndef TDC_APP_H
#define TDC_APP_H

#include <limits.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "derive.h"
#include "err.h"
#include "identity.h"
#include "link.h"
#include "replica.h"
#include "sync.h"

typedef struct tdc_ctx {
    tdc_device dev;
    td_identity id;
    X509 *ca;
    tdc_replica *rep;
    char db_path[PATH_MAX + 16];
} tdc_ctx;

/* Open everything; on failure e->msg says in Vietnamese what is missing and
 * what to run, nothing stays open, and a negative TD_E* code returns. */
int tdc_app_open(tdc_ctx *c, const char *dir, td_error *e);
/* Sign an entry of this device and queue it in the outbox: seq after the
 * outbox's and this author's last seq in the pulled log (a recreated replica
 * never reuses a number).  0, or a TD_E* code with e->msg in Vietnamese. */
int tdc_app_queue(tdc_ctx *c, int kind, const uint8_t *payload, size_t len, const char *summary, uint64_t *seq,
                  td_error *e);

/* One sync with the server (server NULL: the device's): push the outbox,
 * pull what is new (sync.h).  *stats (may be NULL) counts what was done,
 * also on failure (stats->alarm_id: a checkpoint failed verification;
 * retrying will not help).  0, or a TD_E* code with why->msg "English |
 * Vietnamese" (tdc_link_vi gives the Vietnamese part).  progress may be
 * NULL. */
int tdc_app_sync(tdc_ctx *c, const char *server, tdc_sync_progress_fn progress, void *progress_arg,
                 tdc_sync_stats *stats, td_error *why);
/* The options of a link from c to server (NULL: the device's) whose Hello
 * carries the replica's cursor; the caller adds the last verified
 * checkpoint (tdc_sync_hello_head) and anything else. */
void tdc_app_link_opts(const tdc_ctx *c, const char *server, tdc_link_opts *lo);

/* ---- alarms about the server's log (replica.h tdc_alarm) ---- */

/* The longest acknowledgement note, in bytes. */
#define TDC_ALARM_NOTE_MAX 2000

/* Acknowledge alarm id, the one rule of `tiendo status --clear-alarm --note`
 * and of the web UI: a note saying what was checked (with whom) is
 * required (not blank, UTF-8, at most TDC_ALARM_NOTE_MAX bytes, stored as
 * NFC); it is stored with the time and this device ("device, agency") as
 * the acknowledger; the evidence is never changed.  0, TD_EARG (bad id or
 * note), TD_ENOTFOUND (no such alarm, or already acknowledged: e->msg says
 * which, when and by whom), or a database error; e->msg in Vietnamese. */
int tdc_app_alarm_ack(tdc_ctx *c, int64_t id, const char *note, td_error *e);
/* The note as tdc_app_alarm_ack would store it (trimmed, NFC; malloc'd), or
 * NULL with e set (TD_EARG, Vietnamese): the web UI's confirmation step. */
char *tdc_app_alarm_note(const char *note, td_error *e);

/* What alarm id is about, in Vietnamese (audit_hist.h tdc_alarm_vi of its
 * kind): the words a sync that stopped on it shows.  A generic text when
 * the alarm cannot be read. */
const char *tdc_app_alarm_what(tdc_ctx *c, int64_t id);

/* ---- this device's entries still in the outbox ---- */

/* What a pending entry is about (one per task a deadline edit names). */
typedef struct tdc_pending {
    uint64_t seq;
    int kind;
    uint32_t task;                       /* 0 if not about a task */
    char agency[TD_AGENCY_MAX + 1];      /* report/review: the report's agency */
    char period[8];                      /* report: its period */
    int state;                           /* report: ReportState */
    const char *summary;                 /* borrowed from the items */
} tdc_pending;

typedef struct tdc_pending_set {
    tdc_outbox_item *items;
    size_t n_items;
    tdc_pending *v;
    size_t n;
} tdc_pending_set;

/* Decode the device's pending outbox entries (signed by this device, not
 * yet acknowledged): which task, agency and period each is about.  An
 * entry that does not decode is kept with task 0.  0, or a TD_E* code with
 * err filled (English). */
int tdc_app_pending_load(tdc_replica *rep, tdc_pending_set *p, td_error *err);
void tdc_pending_free(tdc_pending_set *p);
/* The last pending report of this device on (task, agency, period; NULL:
 * any period), or NULL. */
const tdc_pending *tdc_pending_report(const tdc_pending_set *p, uint32_t task, const char *agency,
                                      const char *period);

/* The command line's forms of the above: on failure print "tiendo CMD: ..."
 * on stderr and return 1. */
int tdc_ctx_open(tdc_ctx *c, const char *dir, const char *cmd);
void tdc_ctx_close(tdc_ctx *c);
/* Bring c's state up to what its replica holds now (another process, the
 * background sync, stored entries since it was opened). */
int tdc_ctx_refresh(tdc_ctx *c, td_error *e);
int tdc_queue_entry(tdc_ctx *c, const char *cmd, int kind, const uint8_t *payload, size_t len, const char *summary,
                    uint64_t *seq);

/* "tiendo CMD: MSG ARG" and "Xem: tiendo CMD --help" on stderr; returns 2 (bad usage). */
int tdc_usage_err(const char *cmd, const char *msg, const char *arg);
/* `--date dd/mm/yyyy`: today for this process (and the commands it runs).
 * 0, or 2 after a usage message. */
int tdc_date_opt(const char *cmd, const char *arg);

/* "2025-05" -> "05/2025" for people (anything else copied as is). */
void tdc_period_vi(const char *p, char *out, size_t n);
/* A period as people and Excel write it: "2025-06", "06/2025", "6/2025",
 * "2025-06-01" -> "2025-06".  1 if understood, 0 if not. */
int tdc_period_norm(const char *in, char out[8]);
/* Is period "YYYY-MM" after the month of today (yyyymmdd)? */
int tdc_period_future(const char *p, int today);
/* strtol of a whole string; 1 if it is an integer, 0 if not. */
int tdc_int(const char *s, long *out);
/* A copy of s as NFC, or NULL with *why (Vietnamese) set: not UTF-8, longer
 * than max bytes, no memory. */
char *tdc_nfc(const char *s, size_t max, const char **why);

/* Wall clock, ms since the epoch (common/clock.h: the test clock applies). */
int64_t tdc_now_ms(void);
/* Today as yyyymmdd in Asia/Ho_Chi_Minh (common/clock.h; TIENDO_TODAY,
 * TIENDO_TEST_CLOCK and `--date` apply). */
int tdc_today(void);
/* TZ for the C library when unset (Asia/Ho_Chi_Minh); the dates people read come from clock.h. */
void tdc_tz_default(void);
/* "dd/mm/yyyy hh:mm" in Asia/Ho_Chi_Minh; "chưa bao giờ" for 0. */
void tdc_fmt_time(int64_t ms, char *buf, size_t n);
/* A task key for people ("47", or "245:18" with several plans: docs/LOG.md
 * §14; the bare number without st), in one of four rotating buffers. */
const char *tdc_key_label(const td_state *st, uint32_t key);

#endif
