/* test_plans.c — more than one plan in the fold (docs/LOG.md §14): a second
 * plan is added beside the default plan (726), its tasks get keys, entries
 * name their plan (an empty plan field is the default plan), refusals for an
 * unknown plan, a named default plan, a task number out of range and a slot
 * another plan has; deadline edits and re-imports touch one plan only; the
 * parsing and showing of keys (td_state_key_parse / td_state_key_fmt); a
 * re-import of the default plan keeps one plan.  (That a single-plan log
 * folds to the digest of the code before plans were named is test_upgrade's
 * fixture check.)  The scaffolding
 * (throwaway CA, devices, signing) is tfix.h's. */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "derive.h"
#include "derive_snap.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#pragma GCC diagnostic ignored "-Wunused-function"   /* testcerts.h, tfix.h: not all is used here */
#include "tt.h"

#define P2 "245/KH-UBND"

#include "tfix.h"

/* A whole plan, signed by the server. */
static size_t L_plan(tlog *l, const td_plan *p)
{
    size_t pn;
    uint8_t *b;
    if (td_plan_pb_encode(p, "245-KH-UBND-HP.tasks.csv", &b, &pn)) exit(1);
    return L_sign(l, &SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, b, &pn);
}

/* 726's first n tasks and its indicators under another number. */
static void second_plan(td_plan *p, const char *number, size_t n)
{
    if (td_plan_copy(p, &PLAN)) exit(1);
    free(p->number);
    p->number = strdup(number);
    for (size_t i = n; i < p->n_tasks; i++) td_task_free(&p->tasks[i]);
    if (p->n_tasks > n) p->n_tasks = n;
}

static void test_two_plans(void)
{
    tlog l;
    td_state *st, *st2;
    td_plan p2;
    unsigned char d1[32], d2[32];
    size_t i_p2, i_rep2, i_rep1, i_unknown, i_named, i_big, i_ind, i_edit, i_reimp, n;
    uint32_t k49 = td_task_key(P2, 49), key;
    char buf[64], why[768];
    const td_task *t;

    memset(&l, 0, sizeof l);
    reset_devs();
    L_cert(&l, &SRV);
    {
        uint8_t *b = sign_now(&SRV, TIENDO__ENTRY_KIND__ENTRY_AGENCY, SEED_PB, SEED_PB_N, &n);
        L_add(&l, b, n);
        b = sign_now(&SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, PLAN_PB, PLAN_PB_N, &n);
        L_add(&l, b, n);
    }
    L_cert(&l, &CEN);
    L_cert(&l, &YTE);
    st = fold(&l, l.len);
    TT_EQ_INT(td_state_plan_count(st), 1);
    TT_EQ_STR(td_state_key_fmt(st, 49, buf, sizeof buf), "49");
    /* one plan: the merged view is the plan itself */
    TT_CHECK(td_plan_equal(td_state_plan(st), td_state_plan_at(st, 0), TD_PLAN_CMP_ALL, NULL, 0));
    td_state_digest(st, d1);
    td_state_free(st);

    second_plan(&p2, P2, 60);
    i_p2 = L_plan(&l, &p2);
    i_rep2 = L_report_in(&l, &YTE, P2, 49, "2025-09");
    i_rep1 = L_report_in(&l, &YTE, "", 49, "2025-09");
    i_unknown = L_report_in(&l, &YTE, "999/KH-UBND", 49, "2025-09");
    i_named = L_report_in(&l, &YTE, "726/KH-UBND", 49, "2025-09");
    i_big = L_report_in(&l, &YTE, "", k49, "2025-09");   /* a key in the task field: not a task number */
    {
        Tiendo__IndicatorPayload p = TIENDO__INDICATOR_PAYLOAD__INIT;
        uint8_t *b;
        p.code = "1";
        p.plan = P2;
        p.agency = "so-y-te";
        p.period = "2025-09";
        p.value = 42;
        p.has_value = 1;
        n = tiendo__indicator_payload__get_packed_size(&p);
        b = malloc(n);
        tiendo__indicator_payload__pack(&p, b);
        i_ind = L_sign(&l, &CEN, TIENDO__ENTRY_KIND__ENTRY_INDICATOR, b, &n);
    }
    {
        Tiendo__PlanChange pc = TIENDO__PLAN_CHANGE__INIT;
        Tiendo__TaskDeadline td = TIENDO__TASK_DEADLINE__INIT, *tdv[1] = {&td};
        uint8_t *b;
        td.task = 49;
        td.deadline_text = "12/2027";
        pc.reason = "Công văn 12/UBND-KHCN";
        pc.plan_number = P2;
        pc.n_deadlines = 1;
        pc.deadlines = tdv;
        n = tiendo__plan_change__get_packed_size(&pc);
        b = malloc(n);
        tiendo__plan_change__pack(&pc, b);
        i_edit = L_sign(&l, &CEN, TIENDO__ENTRY_KIND__ENTRY_PLAN, b, &n);
    }
    st = fold(&l, l.len);
    T_APPLIED(st, i_p2);
    T_APPLIED(st, i_rep2);
    T_APPLIED(st, i_rep1);
    T_REFUSED(st, i_unknown, "unknown plan \"999/KH-UBND\"");
    T_REFUSED(st, i_named, "names the default plan 726/KH-UBND");
    T_REFUSED(st, i_big, "is not below 65536");
    T_APPLIED(st, i_ind);
    T_APPLIED(st, i_edit);
    TT_EQ_INT(td_state_plan_count(st), 2);
    TT_EQ_STR(td_state_plan_at(st, 1)->number, P2);
    TT_EQ_INT(td_state_plan(st)->n_tasks, PLAN.n_tasks + 60);
    TT_CHECK(k49 >= 65536 && k49 < 0x80000000u);
    TT_CHECK(td_state_report(st, k49, "so-y-te", "2025-09") != NULL);
    TT_CHECK(td_state_report(st, 49, "so-y-te", "2025-09") != NULL);
    /* the key as the ledger derives it from the payload alone */
    {
        td_entry en;
        TT_EQ_INT(td_entry_decode(l.b[i_rep2 - 1], l.n[i_rep2 - 1], &en, NULL), 0);
        TT_EQ_INT(td_payload_task((int)en.e->kind, en.e->payload.data, en.e->payload.len), k49);
        td_entry_free(&en);
    }
    TT_CHECK(td_state_agency_on_task(st, k49, "so-y-te"));
    /* indicators per plan: "NUMBER:CODE" */
    {
        const td_indicator_value *iv = td_state_indicator_values(st, &n);
        TT_EQ_INT(n, 1);
        if (n) TT_EQ_STR(iv[0].code, P2 ":1");
    }
    /* the deadline edit moved 245:49 only */
    t = td_plan_task(td_state_plan(st), (int)k49);
    TT_CHECK(t && t->deadline.year == 2027);
    TT_CHECK(td_plan_task(td_state_plan_at(st, 1), 49)->deadline.year == 2027);
    TT_CHECK(td_plan_task(td_state_plan(st), 49)->deadline.year != 2027);
    /* people */
    TT_EQ_STR(td_state_key_fmt(st, 49, buf, sizeof buf), "726:49");
    TT_EQ_STR(td_state_key_fmt(st, k49, buf, sizeof buf), "245:49");
    TT_EQ_INT(td_state_key_parse(st, "49", NULL, "so-y-te", &key, why, sizeof why), -2);
    TT_CHECK(strstr(why, "726/KH-UBND (--plan 726), 245/KH-UBND (--plan 245)") != NULL);
    TT_EQ_INT(td_state_key_parse(st, "245:49", NULL, "so-y-te", &key, why, sizeof why), 0);
    TT_EQ_INT(key, k49);
    TT_EQ_INT(td_state_key_parse(st, P2 ":49", NULL, NULL, &key, why, sizeof why), 0);
    TT_EQ_INT(key, k49);
    TT_EQ_INT(td_state_key_parse(st, "49", "726", NULL, &key, why, sizeof why), 0);
    TT_EQ_INT(key, 49);
    TT_EQ_INT(td_state_key_parse(st, "70", NULL, NULL, &key, why, sizeof why), 0);   /* only 726 has a task 70 */
    TT_EQ_INT(key, 70);
    TT_EQ_INT(td_state_key_parse(st, "49", "57", NULL, &key, why, sizeof why), -1);
    TT_CHECK(strstr(why, "không có kế hoạch \"57\"") != NULL);
    TT_EQ_INT(td_state_key_parse(st, "245:0", NULL, NULL, &key, why, sizeof why), -1);
    TT_EQ_INT(td_state_key_parse(st, "49", "245", NULL, &key, why, sizeof why), 0);
    TT_EQ_INT(key, k49);

    /* incremental: folding in two steps gives the same state */
    st2 = fold(&l, i_p2 - 1);
    fold_range(st2, &l, i_p2 - 1, l.len);
    td_state_digest(st, d1);
    td_state_digest(st2, d2);
    TT_CHECK(!memcmp(d1, d2, 32));
    td_state_free(st2);
    td_state_free(st);

    /* re-import plan 245 (unchanged): 726 is untouched, 245's edited deadline goes back */
    i_reimp = L_plan(&l, &p2);
    st = fold(&l, l.len);
    T_APPLIED(st, i_reimp);
    TT_EQ_INT(td_state_plan_count(st), 2);
    TT_CHECK(td_plan_equal(td_state_plan_at(st, 0), &PLAN, TD_PLAN_CMP_ALL, NULL, 0));
    TT_CHECK(td_plan_task(td_state_plan_at(st, 1), 49)->deadline.year != 2027);
    {
        const td_deadline_change *dc = td_state_deadline_changes(st, &n);
        TT_EQ_INT(n, 2);   /* the edit, and the re-import undoing it, both on 245:49 */
        if (n == 2) {
            TT_EQ_INT(dc[0].task, k49);
            TT_EQ_INT(dc[1].task, k49);
        }
    }
    TT_CHECK(td_state_report(st, k49, "so-y-te", "2025-09") != NULL);
    td_state_free(st);

    /* a third plan whose slot 245 already has; a plan with a task number out of range */
    {
        char name[32];
        td_plan p3, p4;
        size_t i3, i4;
        int found = 0;
        for (int k = 0; k < 2000000 && !found; k++) {
            snprintf(name, sizeof name, "%d/KH-UBND", k);
            found = strcmp(name, P2) && td_plan_slot(name) == td_plan_slot(P2);
        }
        TT_CHECK(found);
        second_plan(&p3, name, 5);
        i3 = L_plan(&l, &p3);
        second_plan(&p4, "300/KH-UBND", 5);
        p4.tasks[4].number = 70000;
        i4 = L_plan(&l, &p4);
        st = fold(&l, l.len);
        T_REFUSED(st, i3, "has the task keys of plan 245/KH-UBND");
        T_REFUSED(st, i4, "task number 70000 is not in 1..65535");
        TT_EQ_INT(td_state_plan_count(st), 2);
        td_state_free(st);
        td_plan_free(&p3);
        td_plan_free(&p4);
    }
    td_plan_free(&p2);
    L_free(&l);
}

/* Re-importing the default plan (same number) keeps one plan, whose merged
 * view is the plan itself, as before plans were named (the digest of a
 * single-plan log is checked against the old code's in test_upgrade.c). */
static void test_one_plan_reimport(void)
{
    tlog l;
    td_state *st;
    td_plan edited;
    memset(&l, 0, sizeof l);
    reset_devs();
    L_cert(&l, &SRV);
    L_plan(&l, &PLAN);
    if (td_plan_copy(&edited, &PLAN)) exit(1);
    free(edited.title);
    edited.title = strdup("Kế hoạch (bản sửa)");
    L_plan(&l, &edited);
    st = fold(&l, l.len);
    TT_EQ_INT(td_state_plan_count(st), 1);
    TT_EQ_STR(td_state_plan(st)->title, "Kế hoạch (bản sửa)");
    TT_CHECK(td_plan_equal(td_state_plan(st), td_state_plan_at(st, 0), TD_PLAN_CMP_ALL, NULL, 0));
    td_state_free(st);
    td_plan_free(&edited);
    L_free(&l);
}

/* Each plan's first log index (kept in the snapshot), and td_state_plan_find_at: a short name names its plan
 * only while no plan imported by then shares it (audit history names a plan as the log stood at an entry). */
static void test_plan_find_at(void)
{
    tlog l;
    td_state *st, *back = NULL;
    td_plan a, b;
    size_t i0, ia, ir, ib, ia2;
    uint8_t *blob = NULL;
    size_t n = 0;
    td_error e = {0};
    memset(&l, 0, sizeof l);
    reset_devs();
    L_cert(&l, &SRV);
    i0 = L_plan(&l, &PLAN);
    L_cert(&l, &YTE);
    second_plan(&a, "57/KH-UBND", 10);
    second_plan(&b, "57/QĐ-UBND", 12);
    ia = L_plan(&l, &a);
    ir = L_report_in(&l, &YTE, "57/KH-UBND", 3, "2025-09");
    ib = L_plan(&l, &b);
    ia2 = L_plan(&l, &a);   /* a re-import: its first index stays */
    st = fold(&l, l.len);
    TT_EQ_INT(td_state_plan_count(st), 3);
    TT_EQ_INT(td_state_plan_first_index(st, 0), i0);
    TT_EQ_INT(td_state_plan_first_index(st, 1), ia);
    TT_EQ_INT(td_state_plan_first_index(st, 2), ib);
    TT_EQ_INT(td_state_plan_first_index(st, 3), 0);
    TT_CHECK(ia2 > ib);
    TT_EQ_INT(td_state_plan_find_at(st, "57", ia - 1), -1);   /* not imported yet */
    TT_EQ_INT(td_state_plan_find_at(st, "57", ia), 1);
    TT_EQ_INT(td_state_plan_find_at(st, "57", ir), 1);
    TT_EQ_INT(td_state_plan_find_at(st, "57", ib - 1), 1);
    TT_EQ_INT(td_state_plan_find_at(st, "57", ib), -1);       /* two plans share "57": whole numbers only */
    TT_EQ_INT(td_state_plan_find(st, "57"), -1);
    TT_EQ_INT(td_state_plan_find_at(st, "57/QĐ-UBND", ib - 1), -1);
    TT_EQ_INT(td_state_plan_find_at(st, "57/QĐ-UBND", ib), 2);
    TT_EQ_INT(td_state_plan_find_at(st, "57/KH-UBND", l.len), 1);
    TT_EQ_INT(td_state_plan_find_at(st, "726", i0), 0);
    TT_EQ_INT(td_state_plan_find_at(st, "726", i0 - 1), -1);
    TT_EQ_INT(td_state_plan_find_at(st, "726", l.len), td_state_plan_find(st, "726"));
    /* the snapshot keeps them */
    TT_EQ_INT(td_state_snap_encode(st, &blob, &n), 0);
    TT_EQ_INT(td_state_snap_decode(blob, n, CA, &back, &e), 0);
    TT_CHECK(back != NULL);
    if (back) {
        for (size_t i = 0; i < 4; i++) TT_EQ_INT(td_state_plan_first_index(back, i), td_state_plan_first_index(st, i));
        TT_EQ_INT(td_state_plan_find_at(back, "57", ib - 1), 1);
        td_state_free(back);
    }
    free(blob);
    td_state_free(st);
    td_plan_free(&a);
    td_plan_free(&b);
    L_free(&l);
}

int main(void)
{
    if (tf_setup()) return 1;

    TT_RUN(test_two_plans);
    TT_RUN(test_one_plan_reimport);
    TT_RUN(test_plan_find_at);

    tf_teardown();
    return tt_report();
}
