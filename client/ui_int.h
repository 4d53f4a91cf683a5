/*
 * ui_int.h — what the page files of `tiendo ui` share (ui_pages.c: the
 * frame and the office pages; ui_todo.c: Việc cần làm; ui_central.c:
 * deadlines, dashboards, the inspector's pages; ui_alarm.c: the alarms
 * about the server's log).
 */
#ifndef TDC_UI_INT_H
#define TDC_UI_INT_H

#include <stdio.h>

#include "derive.h"
#include "ui.h"
#include "ui_msg.h"

/* The page frame: head with the menu (active: its key), the certificate
 * banner and the sync box; the foot. */
void tdc_ui_head(tdc_ui *ui, FILE *f, const char *title, const char *active);
/* The same head, reloading the page every refresh_s seconds when the
 * browser runs no script (0: never). */
void tdc_ui_head_refresh(tdc_ui *ui, FILE *f, const char *title, const char *active, unsigned refresh_s);
void tdc_ui_foot(FILE *f);
/* The hidden CSRF field of a POST form. */
void tdc_ui_csrf(tdc_ui *ui, FILE *f);
/* URL-encode s (query values). */
void tdc_ui_urlenc(FILE *f, const char *s);
/* A task key for people ("47", or "245:18" with several plans: docs/LOG.md
 * §14); four rotating buffers.  Links and forms carry the key itself. */
const char *tdc_ui_k(const td_state *st, uint32_t key);
/* An agency's name from the registry, else its slug. */
const char *tdc_ui_agency_name(const td_state *st, const char *slug);
/* "dd/mm/yyyy", or "—" for 0. */
void tdc_ui_date(int yyyymmdd, char *buf, size_t n);
/* The background sync's box (full: with the refused count). */
void tdc_ui_sync_box(tdc_ui *ui, FILE *f, int full);
/* 303 to path?done=MSG (the message shown on the page), and wake the sync. */
void tdc_ui_redirect_done(tdc_ui *ui, tdc_ui_resp *out, const char *path, const char *msg);

/* ui_central.c: the certificate banner (every page; nothing when far from
 * expiry). */
void tdc_ui_cert_banner(tdc_ui *ui, FILE *f);
/* ui_central.c: route the pages it serves; 1 if it did. */
int tdc_ui_central_route(tdc_ui *ui, const char *method, const char *path, const tdc_ui_form *q, FILE *f,
                         tdc_ui_resp *out);
/* ui_alarm.c: the red banner while an alarm about the server's log is not
 * acknowledged (every page, every role). */
void tdc_ui_alarm_banner(tdc_ui *ui, FILE *f);
/* ui_alarm.c: the number of alarms, *open those not acknowledged. */
int tdc_ui_alarm_count(tdc_ui *ui, size_t *open);
/* ui_alarm.c: route /alarms, /alarm, POST /alarm/ack; 1 if it did. */
int tdc_ui_alarm_route(tdc_ui *ui, const char *method, const char *path, const tdc_ui_form *q, FILE *f,
                       tdc_ui_resp *out);
/* ui_todo.c: Việc cần làm. */
void tdc_ui_page_todo(tdc_ui *ui, const tdc_ui_form *q, FILE *f);

#endif
