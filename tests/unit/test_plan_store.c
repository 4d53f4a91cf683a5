/* test_plan_store.c — the plan and agency changes survive the protobuf
 * messages and the log (server/ledger.h: signed entries, folded by
 * derive.c), and the registry is rebuilt by replay. */
#include <string.h>
#include <unistd.h>

#include "plan_fixture.h"
#include "plan_pb.h"
#include "ledger.h"
#include "testcerts.h"
#include "tt.h"

static td_plan P;
static td_registry R;
static char dir[] = "/tmp/td-plan-store-XXXXXX";

static void test_pb_roundtrip(void)
{
    uint8_t *buf;
    size_t n;
    td_plan q;
    char *src = NULL, why[256];
    td_error e = {0};
    TT_EQ_INT(td_plan_pb_encode(&P, "726-KH-UBND.txt", &buf, &n), 0);
    TT_CHECK(n > 10000);
    TT_EQ_INT(td_plan_pb_decode(buf, n, &q, &src, &e), 0);
    TT_EQ_STR(src, "726-KH-UBND.txt");
    if (!td_plan_equal(&P, &q, TD_PLAN_CMP_ALL, why, sizeof why)) fprintf(stderr, "differs: %s\n", why);
    TT_CHECK(td_plan_equal(&P, &q, TD_PLAN_CMP_ALL, NULL, 0));
    TT_EQ_INT(td_plan_task(&q, 38)->line, 472);
    td_plan_free(&q);
    /* damaged bytes are refused, never crash */
    TT_EQ_INT(td_plan_pb_decode(buf, n / 2, &q, NULL, &e) == 0 ? 0 : 1, 1);
    TT_EQ_INT(q.n_tasks, 0);
    free(src);
    free(buf);
    td_plan_free(&q);
}

static void test_store(void)
{
    tc_pki pki;
    tds_ledger *l;
    tds_ledger_opts o;
    tds_own_entry own[3];
    uint8_t *pl[3];
    const td_plan *q;
    const td_registry *rr;
    td_registry reg;
    td_error e = {0};
    int has = -1;
    char *from[] = {"so-khcn"};
    td_agency to = {"so-khcn-hp", "Sở Khoa học và Công nghệ thành phố Hải Phòng", 0, 0, 0};
    td_agency_change rn = {TD_CHANGE_RENAME, 20250701, from, 1, &to, 1, NULL, 0, NULL, NULL};
    td_agency_change al = {TD_CHANGE_ALIAS, 0, NULL, 0, NULL, 0, NULL, 0, "Sở Phép Thuật", "so-y-te"};

    TT_EQ_INT(tc_pki_make(&pki), 0);
    memset(&o, 0, sizeof o);
    o.datadir = dir;
    o.ca_path = pki.ca;
    o.key_path = pki.srv_key;
    o.cert_path = pki.srv_crt;
    TT_EQ_INT(tds_ledger_open(&o, &l, &e), 0);
    q = tds_ledger_plan(l, &has);
    TT_EQ_INT(has, 0);
    TT_CHECK(td_registry_agency(tds_ledger_registry(l), "so-khcn") != NULL);   /* built in when nothing is stored */
    TT_EQ_INT(tds_registry_copy(&reg, tds_ledger_registry(l)), 0);
    TT_EQ_INT(td_registry_apply(&reg, &rn, &e), 0);
    td_registry_free(&reg);
    memset(own, 0, sizeof own);
    TT_EQ_INT(td_agency_change_pb_encode(&rn, &pl[0], &own[0].len), 0);
    TT_EQ_INT(td_agency_change_pb_encode(&al, &pl[1], &own[1].len), 0);
    TT_EQ_INT(td_plan_pb_encode(&P, "726-KH-UBND.txt", &pl[2], &own[2].len), 0);
    for (int i = 0; i < 3; i++) {
        own[i].kind = i < 2 ? TIENDO__ENTRY_KIND__ENTRY_AGENCY : TIENDO__ENTRY_KIND__ENTRY_PLAN;
        own[i].payload = pl[i];
    }
    TT_EQ_INT(tds_ledger_append_own(l, own, 3, &e), 0);
    /* index 1 is the server's certificate; the three follow, all applied */
    TT_EQ_INT(own[0].index, 2);
    TT_EQ_INT(own[2].index, 4);
    for (int i = 0; i < 3; i++) {
        if (own[i].res.refused) fprintf(stderr, "refused: %s\n", own[i].res.reason);
        TT_EQ_INT(own[i].res.refused, 0);
        free(pl[i]);
    }
    tds_ledger_close(l);

    /* reopen read-only, without --ca (recorded in the log): the plan is there, the registry is replayed */
    o.ca_path = o.key_path = o.cert_path = NULL;
    TT_EQ_INT(tds_ledger_open(&o, &l, &e), 0);
    q = tds_ledger_plan(l, &has);
    rr = tds_ledger_registry(l);
    TT_EQ_INT(has, 1);
    TT_EQ_INT(q->n_tasks, 81);
    TT_CHECK(td_plan_equal(&P, q, TD_PLAN_CMP_ALL, NULL, 0));
    TT_EQ_INT(td_registry_agency(rr, "so-khcn")->valid_to, 20250701);
    TT_EQ_STR(td_registry_responsible(rr, "so-khcn", 20250801, 1), "so-khcn-hp");
    TT_EQ_STR(td_registry_lookup(rr, "sở phép thuật", NULL), "so-y-te");
    TT_EQ_INT(rr->n_agencies, R.n_agencies + 1);
    /* writing needs the key */
    TT_EQ_INT(tds_ledger_append_own(l, own, 1, &e), TD_EAUTH);
    tds_ledger_close(l);
    tc_pki_remove(&pki);
}

int main(void)
{
    td_plan_issues is = {0};
    char cmd[256];
    int rc;
    if (!mkdtemp(dir)) return 1;
    if (fixture_plan(&P, &R, &is)) return 1;
    td_plan_issues_free(&is);
    TT_RUN(test_pb_roundtrip);
    TT_RUN(test_store);
    td_plan_free(&P);
    td_registry_free(&R);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    rc = tt_report();
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}
