/* test_mreport.c — the monthly report's model and renderers (common/mreport*.c)
 * on a log holding only the server's certificate and plan 726 (the full
 * history is tests/integration/monthly_report.sh): dates, widths, the
 * model's invariants, and the three formats' framing and escaping. */
#include <sodium.h>
#include <string.h>

#include "log.pb-c.h"
#include "mreport.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#pragma GCC diagnostic ignored "-Wunused-function"   /* testcerts.h: the file-based PKI is not used here */
#include "testcerts.h"
#include "tt.h"

static void test_dates(void)
{
    int d = 0;
    td_error e = {0};
    TT_EQ_INT(td_mreport_default_as_of("2025-06", 20251129, &d, &e), 0);
    TT_EQ_INT(d, 20250623);   /* a past month: the meeting day */
    TT_EQ_INT(td_mreport_default_as_of("2025-06", 20250610, &d, &e), 0);
    TT_EQ_INT(d, 20250610);   /* the running month: today */
    TT_CHECK(td_mreport_default_as_of("2025-07", 20250610, &d, &e) == TD_EARG);   /* not begun */
    TT_CHECK(td_mreport_default_as_of("2025-13", 20250610, &d, &e) == TD_EARG);
    TT_EQ_INT(td_mreport_prev_date(20250331), 20250228);
    TT_EQ_INT(td_mreport_prev_date(20250123), 20241223);
    TT_EQ_INT(td_mreport_prev_date(20240331), 20240229);
}

static void test_helpers(void)
{
    char b[64];
    TT_EQ_INT((int)td_mreport_width("Đã hoàn thành"), 13);
    TT_EQ_INT((int)td_mreport_width("Tie\xcc\x82\xcc\x81n"), 4);   /* NFD marks take no column */
    TT_EQ_INT(td_mreport_format_parse("html"), TD_MR_HTML);
    TT_EQ_INT(td_mreport_format_parse("pdf"), 0);
    td_mreport_period_vi("2025-06", b, sizeof b);
    TT_EQ_STR(b, "06/2025");
    td_mreport_time_vi(1750000000000LL, b, sizeof b);   /* 2025-06-15 15:06:40 UTC */
    TT_EQ_STR(b, "15/06/2025 22:06");
    td_mreport_diff(3, b, sizeof b);
    TT_EQ_STR(b, "+3");
    td_mreport_diff(-2, b, sizeof b);
    TT_EQ_STR(b, "-2");
}

static char *render(const td_mreport *r, td_mreport_format fmt, size_t *n)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, n);
    TT_EQ_INT(td_mreport_render(r, fmt, f), 0);
    fclose(f);
    return buf;
}

static void test_plan_only(void)
{
    EVP_PKEY *cak = tc_keygen(), *sk = tc_keygen();
    X509 *ca = tc_cert(cak, NULL, NULL, "CA", "test", NULL, NULL, 1, -1300, 30);
    X509 *sx = tc_cert(sk, ca, cak, "srv", "so-khcn", "server", NULL, 0, -1300, 30);
    unsigned char seed[32], pk[32], skey[64], *der = NULL;
    td_plan plan;
    td_registry reg;
    td_plan_issues is = {0};
    uint8_t *plan_pb, *body, *cp;
    size_t plan_n, bn, cn, n;
    td_error e = {0};
    td_apply_result res;
    td_state *st = td_state_new(ca);
    int64_t t = 1735689600000LL;   /* 01/01/2025 */
    Tiendo__CertPayload c = TIENDO__CERT_PAYLOAD__INIT;
    td_mreport r;
    unsigned sum = 0;
    char *out;

    TT_CHECK(fixture_plan(&plan, &reg, &is) == 0);
    TT_CHECK(td_plan_pb_encode(&plan, "726-KH-UBND.txt", &plan_pb, &plan_n) == 0);
    td_key_ed25519_seed(sk, seed, &e);
    crypto_sign_seed_keypair(pk, skey, seed);
    c.der.len = (size_t)i2d_X509(sx, &der);
    c.der.data = der;
    cn = tiendo__cert_payload__get_packed_size(&c);
    cp = malloc(cn);
    tiendo__cert_payload__pack(&c, cp);
    {
        td_entry_fields f1 = {TIENDO__ENTRY_KIND__ENTRY_CERT, 1, td_hlc_next(0, t), t, "", cp, cn};
        TT_EQ_INT(td_entry_sign_raw(pk, skey, &f1, &body, &bn, &e), 0);
        TT_EQ_INT(td_state_apply(st, 1, body, bn, t, &res, &e), 0);
        TT_EQ_INT(res.refused, 0);
        free(body);
    }
    {
        td_entry_fields f2 = {TIENDO__ENTRY_KIND__ENTRY_PLAN, 2, td_hlc_next(0, t) + 1, t, "", plan_pb, plan_n};
        TT_EQ_INT(td_entry_sign_raw(pk, skey, &f2, &body, &bn, &e), 0);
        TT_EQ_INT(td_state_apply(st, 2, body, bn, t, &res, &e), 0);
        TT_EQ_INT(res.refused, 0);
        free(body);
    }

    TT_EQ_INT(td_mreport_build(st, "2025-06", 20250623, NULL, &r, &e), 0);
    TT_EQ_INT((int)r.n_tasks, 81);
    TT_EQ_INT((int)r.n_sections, 11);   /* I..X and the total */
    TT_EQ_INT((int)r.sections[10].n_tasks, 81);
    for (size_t s = 0; s < 10; s++) sum += r.sections[s].n_tasks;
    TT_EQ_INT((int)sum, 81);
    sum = 0;
    for (int i = 0; i < TD_STATUS_COUNT; i++) sum += r.sections[10].cur[i];
    TT_EQ_INT((int)sum, 81);
    TT_EQ_INT(r.sections[10].cur[TD_ST_DONE_ON_TIME], 0);   /* nothing was reported */
    TT_EQ_INT(r.prev_as_of, 20250523);
    TT_EQ_INT(r.due_date, 20250618);
    TT_CHECK(r.n_agencies > 10);
    for (size_t i = 0; i < r.n_agencies; i++) {   /* nobody reported: every obligation missing */
        TT_EQ_INT((int)r.agencies[i].now.on_time, 0);
        TT_EQ_INT((int)r.agencies[i].now.missing, (int)r.agencies[i].now.owed);
    }
    for (size_t k = 1; k < r.n_ranked; k++) {
        /* all on-time shares are 0: fewer missing ranks higher, equal counts share the rank */
        const td_mr_agency *a = &r.agencies[r.ranking[k - 1]], *b = &r.agencies[r.ranking[k]];
        TT_CHECK(a->now.missing <= b->now.missing);
        TT_CHECK(a->now.missing == b->now.missing ? a->rank == b->rank : b->rank == k + 1);
    }
    TT_EQ_INT((int)r.ind_count[TD_IV_NO_DATA], (int)r.n_indicators);

    out = render(&r, TD_MR_CSV, &n);
    TT_CHECK(n > 3 && !memcmp(out, "\xEF\xBB\xBF\"Báo cáo tiến độ thực hiện Kế hoạch 726/KH-UBND — tháng 06/2025\"\r\n", 80));
    TT_CHECK(strstr(out, "\r\nSố liệu đến hết ngày\",23/06/2025,") || strstr(out, "\"Số liệu đến hết ngày\",23/06/2025,"));
    free(out);
    out = render(&r, TD_MR_HTML, &n);
    TT_CHECK(strstr(out, "<title>Báo cáo tiến độ thực hiện Kế hoạch 726/KH-UBND — tháng 06/2025</title>") != NULL);
    TT_CHECK(strstr(out, "<script") == NULL);
    TT_CHECK(strstr(out, "id=\"chart-compliance\"") != NULL);
    free(out);
    out = render(&r, TD_MR_TEXT, &n);
    TT_CHECK(strstr(out, "Số liệu đến hết ngày 23/06/2025 (so sánh với ngày 23/05/2025)") != NULL);
    {
        /* the task table: every task row is the same width in characters */
        char *line = strstr(out, "  TT Nhiệm vụ"), *end;
        size_t w0 = 0;
        int rows = 0;
        TT_CHECK(line != NULL);
        while (line && (end = strchr(line, '\n'))) {
            char save = *end;
            *end = 0;
            if (line[0] == ' ' && line[3] >= '0' && line[3] <= '9' && line[4] == ' ') {
                /* up to the review column: number, title, deadline, status, %, date */
                /* the review column starts at the same character in every row */
                size_t w = td_mreport_width(line) - td_mreport_width(strstr(line, "  Chưa có báo cáo") ? strstr(line, "  Chưa có báo cáo") : line);
                if (!w0) w0 = w;
                TT_EQ_INT((int)w, (int)w0);
                rows++;
            }
            *end = save;
            line = end + 1;
            if (!strncmp(line, "\n3.", 3)) break;
        }
        TT_CHECK(rows >= 9);
    }
    free(out);
    td_mreport_free(&r);

    TT_CHECK(td_mreport_build(st, "2025-6", 20250623, NULL, &r, &e) == TD_EARG);
    td_mreport_free(&r);

    td_state_free(st);
    OPENSSL_free(der);
    free(cp);
    free(plan_pb);
    td_plan_free(&plan);
    td_plan_issues_free(&is);
    td_registry_free(&reg);
    X509_free(sx);
    X509_free(ca);
    EVP_PKEY_free(sk);
    EVP_PKEY_free(cak);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    TT_RUN(test_dates);
    TT_RUN(test_helpers);
    TT_RUN(test_plan_only);
    return tt_report();
}
