/* test_plan_store.c — the plan and agency changes survive the protobuf
 * messages and the store, and the registry is rebuilt by replay. */
#include <string.h>
#include <unistd.h>

#include "plan_fixture.h"
#include "plan_pb.h"
#include "planstore.h"
#include "tt.h"

static td_plan P;
static td_registry R;
static char dir[] = "/tmp/td-planstore-XXXXXX";

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
    td_planstore *s;
    td_plan q;
    td_registry reg;
    td_error e = {0};
    int has = -1;
    char *from[] = {"so-khcn"};
    td_agency to = {"so-khcn-hp", "Sở Khoa học và Công nghệ thành phố Hải Phòng", 0, 0, 0};
    td_agency_change rn = {TD_CHANGE_RENAME, 20250701, from, 1, &to, 1, NULL, 0, NULL, NULL};
    td_agency_change al = {TD_CHANGE_ALIAS, 0, NULL, 0, NULL, 0, NULL, 0, "Sở Phép Thuật", "so-y-te"};

    TT_EQ_INT(td_planstore_open(dir, &s, &e), 0);
    TT_EQ_INT(td_planstore_load(s, &q, &has, &reg, &e), 0);
    TT_EQ_INT(has, 0);
    TT_CHECK(td_registry_agency(&reg, "so-khcn") != NULL);   /* built in when nothing is stored */
    TT_EQ_INT(td_registry_apply(&reg, &rn, &e), 0);
    TT_EQ_INT(td_planstore_put_agency_change(s, &rn, "đổi tên", &e), 0);
    TT_EQ_INT(td_planstore_put_agency_change(s, &al, "bí danh", &e), 0);
    TT_EQ_INT(td_planstore_put_plan(s, &P, "726-KH-UBND.txt", "nhập", &e), 0);
    td_plan_free(&q);
    td_registry_free(&reg);
    td_planstore_close(s);

    /* reopen: the plan is there, the registry is replayed */
    TT_EQ_INT(td_planstore_open(dir, &s, &e), 0);
    TT_EQ_INT(td_planstore_load(s, &q, &has, &reg, &e), 0);
    TT_EQ_INT(has, 1);
    TT_EQ_INT(q.n_tasks, 81);
    TT_CHECK(td_plan_equal(&P, &q, TD_PLAN_CMP_ALL, NULL, 0));
    TT_EQ_INT(td_registry_agency(&reg, "so-khcn")->valid_to, 20250701);
    TT_EQ_STR(td_registry_responsible(&reg, "so-khcn", 20250801, 1), "so-khcn-hp");
    TT_EQ_STR(td_registry_lookup(&reg, "sở phép thuật", NULL), "so-y-te");
    TT_EQ_INT(reg.n_agencies, R.n_agencies + 1);
    td_plan_free(&q);
    td_registry_free(&reg);
    td_planstore_close(s);
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
