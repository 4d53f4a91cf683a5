/*
 * ui.h — `tiendo ui`: a local web interface on 127.0.0.1 (ui.c: server,
 * security, background sync; ui_pages.c: the frame and the office pages;
 * ui_todo.c: Việc cần làm; ui_central.c: deadlines, dashboards, the
 * inspector's pages (ui_int.h: what they share); ui_assets.c: CSS and
 * JavaScript embedded in the binary).  The pages call the application
 * layer (app.h, report_entry.h, central.h, todo.h, audit_hist.h) as the
 * commands do.
 *
 * Security (docs/ARCHITECTURE.md, "tiendo ui"):
 *   - only loopback: the listening address and every Host header must be a
 *     loopback name or address (DNS rebinding: 403 otherwise);
 *   - a per-installation secret DEVDIR/ui.secret (0600), given once in the
 *     printed URL (?token=...), then held in an HttpOnly SameSite=Strict
 *     cookie; a request without it is refused (403);
 *   - every state-changing request (POST) carries the CSRF token, derived
 *     from the secret, in a form field; missing or wrong: 403;
 *   - Content-Security-Policy without inline script; no CDN.
 */
#ifndef TDC_UI_H
#define TDC_UI_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "app.h"

/* What the background sync last did (guarded by tdc_ui.lock). */
typedef struct tdc_ui_sync {
    int running;                 /* an attempt is under way */
    int64_t last_attempt_ms, last_ok_ms;
    int last_ok;                 /* the last attempt succeeded */
    unsigned failures;           /* consecutive */
    char last_error[512];        /* Vietnamese, "" after a success */
    uint64_t sent, pulled, refused;   /* of the last success */
    int64_t next_ms;             /* when the next attempt is due */
    int64_t alarm_id;            /* a checkpoint failed verification: sync stopped */
} tdc_ui_sync;

/* The monthly report made by the sync thread from its own state after a
 * sync that applied entries, for the pages to take (ui_pages.c). */
typedef struct tdc_ui_mr tdc_ui_mr;

typedef struct tdc_ui {
    const char *dir;             /* device directory (NULL: default) */
    const char *server;          /* --server, or NULL */
    tdc_ctx ctx;                 /* the pages' context (the HTTP thread's) */
    unsigned seen_generation;    /* ctx reopened when the sync pulled more */
    char secret[65];             /* hex */
    char csrf[65];               /* hex, derived from the secret */
    unsigned port;
    uint64_t interval_s;
    uint64_t max_backoff_ms;
    /* shared with the sync thread */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop, sync_now;
    unsigned generation;
    tdc_ui_sync sync;
    char mr_want[8];             /* the period /mreport last served ("": none yet) */
    tdc_ui_mr *mr;               /* made for mr_want after the last sync that applied entries */
} tdc_ui;

/* One form field of a POST. */
typedef struct tdc_ui_field {
    char *key, *val;
} tdc_ui_field;

typedef struct tdc_ui_form {
    tdc_ui_field *v;
    size_t n;
    size_t bytes;
} tdc_ui_form;

/* The value of key in the form or the query (NULL if absent). */
const char *tdc_ui_form_get(const tdc_ui_form *f, const char *key);

/* A page's answer: status, body (malloc'd), content type, a redirect. */
typedef struct tdc_ui_resp {
    unsigned status;
    char *body;
    size_t len;
    const char *type;
    char location[512];
    char filename[128];          /* Content-Disposition: attachment */
    const char *csp;             /* NULL: the strict policy (ui.c) */
} tdc_ui_resp;

/* ui_pages.c: route a request after the security checks.  method "GET" or
 * "POST"; q holds the query arguments (GET) or the form (POST). */
void tdc_ui_route(tdc_ui *ui, const char *method, const char *path, const tdc_ui_form *q, tdc_ui_resp *out);
/* Build what the first page (`/`, the work list) needs from the context's state, so that the first request
 * after `tiendo ui` starts is not the slow one (client/ui_todo.c). */
void tdc_ui_warm(tdc_ctx *c);

/* ui_central.c: stop the inspector's background verification (/audit) and
 * wait for its thread; before the process ends. */
void tdc_ui_audit_shutdown(void);

/* ui_pages.c: after a sync that applied entries (sync thread, its own
 * context's state st): make the monthly report of the period /mreport last
 * served, so that its first request on the new state does not build it;
 * tdc_ui_mr_free at the end. */
void tdc_ui_mreport_prepare(tdc_ui *ui, const td_state *st);
void tdc_ui_mr_free(tdc_ui_mr *mr);

/* ui_assets.c */
const char *tdc_ui_asset(const char *path, const char **type);

/* HTML-escaped s on f. */
void tdc_ui_esc(FILE *f, const char *s);

#endif
