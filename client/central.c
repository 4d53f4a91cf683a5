/* central.c — see central.h. */
#include "central.h"

#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "utf8.h"
#include "msg.h"

const char tdc_deadline_forms[] =
    "Các cách ghi thời hạn được chấp nhận:\n"
    "  \"31/12/2026\", \"ngày 31/12/2026\"                       một ngày\n"
    "  \"12/2026\", \"tháng 3/2026\", \"trước 12/2026\"           một tháng\n"
    "  \"Quý II/2026\", \"Quý 2/2026\"                          hết quý (30/06/2026)\n"
    "  \"6 tháng đầu năm 2026\", \"6 tháng cuối năm 2026\"       hết tháng 6, hết tháng 12\n"
    "  \"năm 2026\", \"cuối năm 2026\"                          hết năm (31/12/2026)\n"
    "  \"6/2026 và thực hiện thường xuyên\"                    một tháng, sau đó thường xuyên\n"
    "  \"12/2026 và các năm tiếp theo\"                        một tháng, rồi hằng năm\n"
    "  \"Thường xuyên\"                                        thường xuyên (xét theo từng kỳ)\n"
    "  \"Sau khi Trung ương ban hành\", \"Theo hướng dẫn của Trung ương\"   có điều kiện\n"
    "  \"Theo lộ trình\"                                       theo lộ trình (không có hạn)\n"
    "  \"Tháng 01 hàng năm\", \"Trước tháng 10 hàng năm\"        hằng năm\n";

int tdc_central_text(const char *what, const char *s, char **out, td_error *e)
{
    size_t n = strlen(s);
    char *nfc, *t;
    *out = NULL;
    if (n > TDC_CENTRAL_TEXT_MAX)
        return td_error_set(e, TD_EARG, TD_MSG_CENTRAL_TEXT_TOO_LONG, what, TDC_CENTRAL_TEXT_MAX);
    if (!td_utf8_valid(s, n, NULL))
        return td_error_set(e, TD_EARG, TD_MSG_CENTRAL_TEXT_NOT_UTF8,
                            what);
    if (!(nfc = td_vi_nfc(s))) return td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
    /* td_trim works in place and returns a pointer inside the buffer */
    t = td_trim(nfc);
    if (t != nfc) memmove(nfc, t, strlen(t) + 1);
    *out = nfc;
    return 0;
}

int tdc_month_parse(const char *s, int *y, int *m)
{
    char tail;
    if (sscanf(s, "%2d/%4d%c", m, y, &tail) != 2) return -1;
    if (!strchr(s, '/') || strlen(strchr(s, '/') + 1) != 4) return -1;
    return *m >= 1 && *m <= 12 && *y >= TD_DEADLINE_YEAR_MIN && *y <= TD_DEADLINE_YEAR_MAX ? 0 : -1;
}

int tdc_central_device(tdc_ctx *c, const char *what_vi, td_error *e)
{
    const td_state *st;
    if (c->id.subject.role != TD_ROLE_CENTRAL)
        return td_error_set(e, TD_EAUTH,
                            TD_MSG_CENTRAL_ONLY_CENTRAL_DEVICE,
                            what_vi, c->id.subject.agency, c->id.subject.device, td_role_vi(c->id.subject.role));
    st = tdc_replica_state(c->rep);
    if (!st || !td_state_has_plan(st))
        return td_error_set(e, TD_ENOTFOUND, TD_MSG_CENTRAL_NO_PLAN_SYNC);
    return 0;
}

/* The device is central and has a plan with task num. */
static int tdc__central_task(tdc_ctx *c, long num, const char *what_vi, const td_task **t, td_error *e)
{
    const td_plan *plan;
    int rc;
    if ((rc = tdc_central_device(c, what_vi, e))) return rc;
    plan = td_state_plan(tdc_replica_state(c->rep));
    if (num < 1 || num > (long)UINT32_MAX || !(*t = td_plan_task(plan, (int)num)))
        return td_error_set(e, TD_ENOTFOUND,
                            TD_MSG_CENTRAL_TASK_UNKNOWN,
                            num, plan->number ? plan->number : "", plan->n_tasks);
    return 0;
}

static int tdc__queue_msg(tdc_ctx *c, int kind, const ProtobufCMessage *m, const char *summary, uint64_t *seq,
                          td_error *e)
{
    size_t len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(len ? len : 1);
    int rc;
    if (!buf) return td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM));
    protobuf_c_message_pack(m, buf);
    rc = tdc_app_queue(c, kind, buf, len, summary, seq, e);
    free(buf);
    return rc;
}

/* ---- gia hạn ----------------------------------------------------------------- */

void tdc_extend_free(tdc_extend *x)
{
    td_deadline_free(&x->dl);
    free(x->wording);
    free(x->reason);
    memset(x, 0, sizeof *x);
}

/* A new deadline already past, or earlier than the task's current one. */
static void tdc__extend_confirm(tdc_extend *x, const td_deadline *old)
{
    int today = tdc_today(), due_new = 0, due_old = 0;
    char d_today[16], d_new[16], d_old[16];
    x->confirm[0] = 0;
    if (td_deadline_due(&x->dl, today / 10000, &due_new)) return;   /* no date: nothing to compare */
    if (x->dl.kind != TD_DEADLINE_MONTH) return;
    td_date_vi(today, d_today, sizeof d_today);
    td_date_vi(due_new, d_new, sizeof d_new);
    if (due_new < today) {
        snprintf(x->confirm, sizeof x->confirm, TD_MSG_CENTRAL_DEADLINE_PAST, x->vi_new,
                 d_new, d_today);
    } else if (old->kind == TD_DEADLINE_MONTH && !td_deadline_due(old, today / 10000, &due_old) && due_new < due_old) {
        td_date_vi(due_old, d_old, sizeof d_old);
        snprintf(x->confirm, sizeof x->confirm, TD_MSG_CENTRAL_DEADLINE_EARLIER,
                 x->vi_new, d_new, x->vi_old, d_old);
    }
}

int tdc_extend_prepare(tdc_ctx *c, long task, const char *deadline, const char *reason, tdc_extend *x, td_error *e)
{
    const td_task *t;
    int rc;
    memset(x, 0, sizeof *x);
    if (!deadline || !*deadline) return td_error_set(e, TD_EARG, TD_MSG_CENTRAL_NEW_DEADLINE_MISSING);
    if (strlen(deadline) > TD_DEADLINE_TEXT_MAX) return td_error_set(e, TD_EARG, TD_MSG_CENTRAL_DEADLINE_TOO_LONG);
    if ((rc = tdc_central_text(TD_MSG_CENTRAL_FIELD_NEW_DEADLINE, deadline, &x->wording, e)) ||
        (rc = tdc_central_text(TD_MSG_CENTRAL_FIELD_REASON, reason ? reason : "", &x->reason, e)))
        goto fail;
    if (!*x->reason) {
        rc = td_error_set(e, TD_EARG, TD_MSG_CENTRAL_REASON_EMPTY);
        goto fail;
    }
    if (td_deadline_parse(x->wording, &x->dl, e)) {
        rc = e->code == TD_ENOMEM ? td_error_set(e, TD_ENOMEM, "%s", td_err_vi(TD_ENOMEM))
                                  : td_error_set(e, TD_EPARSE, TD_MSG_CENTRAL_DEADLINE_NOT_UNDERSTOOD, x->wording);
        memset(&x->dl, 0, sizeof x->dl);
        goto fail;
    }
    if ((rc = tdc__central_task(c, task, TD_MSG_CENTRAL_ACTION_EXTEND, &t, e))) goto fail;
    x->task = (uint32_t)task;
    snprintf(x->old_text, sizeof x->old_text, "%s", t->deadline.text ? t->deadline.text : "");
    td_deadline_vi(&t->deadline, x->vi_old, sizeof x->vi_old);
    td_deadline_vi(&x->dl, x->vi_new, sizeof x->vi_new);
    if (td_deadline_equal(&t->deadline, &x->dl)) {
        rc = td_error_set(e, TD_EEXISTS, TD_MSG_CENTRAL_DEADLINE_UNCHANGED, task,
                          x->old_text, x->vi_old);
        goto fail;
    }
    tdc__extend_confirm(x, &t->deadline);
    return 0;
fail:
    tdc_extend_free(x);
    return rc;
}

int tdc_extend_sign(tdc_ctx *c, const tdc_extend *x, uint64_t *seq, td_error *e)
{
    Tiendo__TaskDeadline tdl = TIENDO__TASK_DEADLINE__INIT;
    Tiendo__TaskDeadline *tdv[1] = {&tdl};
    Tiendo__PlanChange pc = TIENDO__PLAN_CHANGE__INIT;
    char summary[256], tl[48];
    tdl.task = td_task_number(x->task);
    pc.plan_number = (char *)td_state_key_plan_field(tdc_replica_state(c->rep), x->task);
    tdl.deadline_text = x->wording;
    pc.reason = x->reason;
    pc.n_deadlines = 1;
    pc.deadlines = tdv;
    td_state_key_fmt(tdc_replica_state(c->rep), x->task, tl, sizeof tl);
    snprintf(summary, sizeof summary, TD_MSG_CENTRAL_EXTEND_SUMMARY, tl, x->old_text,
             x->wording, x->reason);
    return tdc__queue_msg(c, TIENDO__ENTRY_KIND__ENTRY_PLAN, &pc.base, summary, seq, e);
}

/* ---- điều kiện ----------------------------------------------------------------- */

void tdc_condition_free(tdc_condition_in *x)
{
    free(x->note);
    memset(x, 0, sizeof *x);
}

int tdc_condition_prepare(tdc_ctx *c, long task, int met, int due_y, int due_m, const char *note,
                          tdc_condition_in *x, td_error *e)
{
    const td_task *t;
    char mbuf[16], dvi[256];
    int rc;
    memset(x, 0, sizeof *x);
    if (!met || !td_date_valid(met)) return td_error_set(e, TD_EARG, TD_MSG_CENTRAL_MET_DATE_MISSING);
    td_date_vi(met, mbuf, sizeof mbuf);
    if (met > tdc_today()) return td_error_set(e, TD_EARG, TD_MSG_CENTRAL_MET_DATE_FUTURE, mbuf);
    if (due_y && due_y * 100 + due_m < met / 100)
        return td_error_set(e, TD_EARG, TD_MSG_CENTRAL_DUE_BEFORE_MET, due_m, due_y,
                            mbuf);
    if ((rc = tdc_central_text(TD_MSG_CENTRAL_FIELD_NOTE, note ? note : "", &x->note, e))) return rc;
    if ((rc = tdc__central_task(c, task, TD_MSG_CENTRAL_ACTION_CONDITION, &t, e))) goto fail;
    if (t->deadline.kind != TD_DEADLINE_CONDITIONAL) {
        td_deadline_vi(&t->deadline, dvi, sizeof dvi);
        rc = td_error_set(e, TD_ENOTFOUND,
                          TD_MSG_CENTRAL_DEADLINE_NOT_CONDITIONAL,
                          task, t->deadline.text ? t->deadline.text : "", dvi);
        goto fail;
    }
    x->task = (uint32_t)task;
    x->met = met;
    x->due_y = due_y;
    x->due_m = due_m;
    return 0;
fail:
    tdc_condition_free(x);
    return rc;
}

int tdc_condition_sign(tdc_ctx *c, const tdc_condition_in *x, uint64_t *seq, td_error *e)
{
    Tiendo__ConditionPayload cp = TIENDO__CONDITION_PAYLOAD__INIT;
    char mbuf[16], summary[256], tl[48];
    td_state_key_fmt(tdc_replica_state(c->rep), x->task, tl, sizeof tl);
    cp.task = td_task_number(x->task);
    cp.plan = (char *)td_state_key_plan_field(tdc_replica_state(c->rep), x->task);
    cp.met_date = x->met;
    cp.due_year = x->due_y;
    cp.due_month = x->due_m;
    cp.note = x->note ? x->note : (char *)"";
    td_date_vi(x->met, mbuf, sizeof mbuf);
    if (x->due_y)
        snprintf(summary, sizeof summary, TD_MSG_CENTRAL_CONDITION_SUMMARY, tl, mbuf,
                 x->due_m, x->due_y);
    else
        snprintf(summary, sizeof summary, TD_MSG_CENTRAL_CONDITION_SUMMARY_NO_DUE, tl, mbuf);
    return tdc__queue_msg(c, TIENDO__ENTRY_KIND__ENTRY_CONDITION, &cp.base, summary, seq, e);
}
