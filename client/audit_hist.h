/*
 * audit_hist.h — `tiendo audit history` as data, for the command line
 * (cmd_audit.c prints it as text or CSV) and the inspector's web pages
 * (ui_central.c): who wrote what, when, about one task or one agency, with
 * the log index, the signed and received times, the refusal reason and the
 * signed-time flags (derive.h TD_TIMEF_*), each entry as the fold saw it.
 * From a replica the outcomes are read from the replica's own fold (its
 * persisted fold and the rows after it) and only the rows shown are read;
 * from a copy of server.db the log is folded again from the start
 * (td_state_apply).  Both give the same rows, byte for byte.  History says
 * who wrote what and when; whether the log is the server's, untampered, is
 * `audit verify`'s question (docs/LOG.md, "History from the persisted fold").
 */
#ifndef TDA_AUDIT_HIST_H
#define TDA_AUDIT_HIST_H

#include <stdint.h>

#include "audit.h"

#define TDA_SUMMARY_MAX 512

/* One entry of the history (valid during the callback only). */
typedef struct tda_hist_row {
    uint64_t idx;
    int64_t signed_ms, received_ms;
    const char *agency;          /* Entry.agency, "" for the server's */
    const char *device;          /* "máy chủ (...)", the device name, or "không rõ (khóa ...)" */
    int kind;                    /* TIENDO__ENTRY_KIND__* */
    const char *period;          /* "mm/yyyy" or "" */
    const char *summary;         /* Vietnamese */
    int refused;
    const char *reason;          /* English, when refused */
    int time_flags;              /* report versions: TD_TIMEF_* */
} tda_hist_row;

typedef int (*tda_hist_cb)(void *arg, const tda_hist_row *row);

/*
 * The history of task (>= 1: a task key, or with task_plan set, the number
 * in that plan, named by number or short name), or of agency (with its predecessors: renamed,
 * merged or split into it, each entry under its author) when task is 0.
 * pre_cb (may be NULL) is called once per predecessor slug and name before
 * the rows.  *n_rows counts the rows.  0, or a TD_E* code (cb's non-zero
 * return stops the scan and is returned).  The fold and the rows are read
 * in one read of src (read_begin): an entry stored meanwhile is in both or
 * in neither.  A task named in a plan is followed under every plan of the
 * log, however many.
 */
int tda_history(const tda_source *src, X509 *ca, uint32_t task, const char *task_plan, const char *agency,
                void (*pre_cb)(void *arg, const char *slug, const char *name), tda_hist_cb cb, void *arg,
                uint64_t *n_rows, td_error *err);

/*
 * The same from `fold`, the fold of exactly src's rows (a replica's state,
 * as `tiendo ui` holds it), without folding again: a task's rows are read by
 * index (src->get, required for a task), an agency's by one scan with no
 * apply.  Rows after the fold's last index are not shown.
 */
int tda_history_folded(const tda_source *src, const td_state *fold, uint32_t task, const char *task_plan,
                       const char *agency, void (*pre_cb)(void *arg, const char *slug, const char *name),
                       tda_hist_cb cb, void *arg, uint64_t *n_rows, td_error *err);

/* An alarm kind (replica.h TDC_ALARM_*) in Vietnamese, for `tiendo status`
 * and the inspector's page. */
const char *tdc_alarm_vi(const char *kind);

#endif
