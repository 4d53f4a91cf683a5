/*
 * cmd_state.c — `tiendo-server state`: what the server derives from its log
 * (docs/LOG.md §4), for people (Vietnamese) and for tests: --digest prints the
 * state digest that a replica of the same view must match
 * (`tiendo status --digest`).  With --agency, the view of that agency: only
 * the entries it may see (visibility decided by the full state's current
 * plan), folded into a fresh state, as its replica would.
 *
 * Also the shared helper that opens the ledger for a command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "cmds.h"
#include "entry.h"
#include "log.pb-c.h"
#include "msg.h"
#include "status.h"
#include "oserr.h"

int tds_cmd_open_ledger(const tds_config *cfg, int write, tds_ledger **out)
{
    tds_ledger_opts o = {cfg->data, cfg->ca, write ? cfg->key : NULL, write ? cfg->cert : NULL, cfg->origin, 0};
    td_error err = {0};
    if (tds_ledger_open(&o, out, &err)) {
        fprintf(stderr, "%s: " TD_MSG_STATE_LOG_OPEN_FAILED "\n", cfg->prog, cfg->data, td_error_vi(&err));
        *out = NULL;
        return 1;
    }
    return 0;
}

int tds_cmd_ready(tds_config *cfg, int write, tds_ledger **out)
{
    int rc = tds_config_finish(cfg);
    *out = NULL;
    if (!rc && tds_cmd_open_ledger(cfg, write, out)) rc = 1;
    if (rc) tds_config_free(cfg);
    return rc;
}

int tds_cmd_write_out(const char *out, const char *buf, size_t n)
{
    FILE *f = out ? fopen(out, "wb") : stdout;
    int bad = !f || fwrite(buf, 1, n, f) != n;
    if (out && f && fclose(f) != 0) bad = 1;
    if (bad && out) fprintf(stderr, "tiendo-server: " TD_MSG_FILE_WRITE "\n", out, td_errno_vi_log(errno, out));
    return bad;
}

static const td_cli_opt tds__state_opts[] = {
    {"agency", required_argument, 'a', "SLUG", "chỉ những bản ghi cơ quan SLUG được xem (như bản sao của cơ quan đó)"},
    {"role", required_argument, 'r', "VAI_TRÒ", "office (mặc định), central hoặc inspector"},
    {"digest", no_argument, 'd', NULL,
     "in dòng \"digest: <hex>\" và \"digest-v2: <hex>\": mã băm của trạng thái, phiên bản 1 và 2 (so với tiendo "
     "status --digest)"},
    {"refused", no_argument, 'R', NULL, "liệt kê từng bản ghi bị từ chối và lý do"},
    {"conflicts", no_argument, 'c', NULL, "liệt kê từng cặp báo cáo xung đột"},
    {"report", required_argument, 'p', "T/CQ/KỲ", "in nguyên văn báo cáo hiện hành của nhiệm vụ T, cơ quan CQ, kỳ KỲ"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tds__state_spec = {
    .prog = "tiendo-server",
    .cmd = "state",
    .usage = "[--config TỆP | --data THƯ_MỤC] [--agency SLUG [--role VAI_TRÒ]]",
    .about = "Tóm tắt trạng thái suy ra từ sổ nhật ký của máy chủ: số bản ghi, thiết bị (tác giả), báo cáo, bản ghi bị "
             "từ chối (kèm lý do) và xung đột.",
    .opts = {tds__state_opts, tds_config_opts},
    .synopsis_tables = 1,
};
static void tds__state_usage(FILE *f) { td_cli_help(&tds__state_spec, f); }

typedef struct tds_author_list {
    const td_state *st;
    size_t n;
} tds_author_list;

/* Print each author known from an ENTRY_CERT row. */
static int tds__author_cb(void *arg, const tds_logrow *r)
{
    tds_author_list *al = arg;
    td_error e2;
    Tiendo__CertPayload *cp = td_entry_payload_of(r->body, r->len, &tiendo__cert_payload__descriptor);
    if (cp) {
        const unsigned char *p = cp->der.data;
        X509 *x = d2i_X509(NULL, &p, (long)cp->der.len);
        unsigned char pk[32];
        const td_author *a;
        if (x && td_cert_ed25519_pk(x, pk, &e2) == 0 && (a = td_state_author(al->st, pk)) &&
            a->cert_index == r->idx) {
            char hex[17];
            td_key_short_hex(pk, hex);
            printf(TD_MSG_STATE_AUTHOR_LINE "\n", hex,
                   a->is_server ? TD_MSG_STATE_WORD_SERVER : a->agency, a->is_server ? "" : a->device,
                   (unsigned long long)a->cert_index, (unsigned long long)a->last_seq,
                   a->revoked_ms ? TD_MSG_STATE_WORD_REVOKED : "");
            al->n++;
        }
        X509_free(x);
    }
    tiendo__cert_payload__free_unpacked(cp, NULL);
    return 0;
}

/* --report TASK/AGENCY/PERIOD (YYYY-MM or MM/YYYY): the current report's texts verbatim, with
 * the labels of `tiendo report show`, so that a test can compare bytes. */
static void tds__print_report(const td_state *st, const char *key)
{
    char agency[TD_AGENCY_MAX + 1] = "", raw[16] = "", period[8] = "";
    unsigned task = 0;
    const td_report *r;
    /* the period in any of the one syntax's forms (td_period_norm), 12/2026 too */
    if (sscanf(key, "%u/%64[^/]/%15s", &task, agency, raw) != 3 || td_period_norm(raw, period) ||
        !(r = td_state_report(st, task, agency, period))) {
        printf(TD_MSG_STATE_REPORT_NONE "\n", key);
        return;
    }
    printf(TD_MSG_STATE_REPORT_LINE "\n", key, (unsigned long long)r->index, r->state,
           r->percent);
    printf(TD_MSG_STATE_REPORT_RESULT "\n", r->result);
    printf(TD_MSG_STATE_REPORT_DIFFICULTIES "\n", r->difficulties);
    printf(TD_MSG_STATE_REPORT_PROPOSALS "\n", r->proposals);
    for (size_t i = 0; i < r->n_evidence; i++) printf(TD_MSG_STATE_REPORT_EVIDENCE "\n", r->evidence[i]);
    for (size_t i = 0; i < r->n_docs; i++)
        printf(TD_MSG_STATE_REPORT_DOC "\n", r->docs[i].number, (int)r->docs[i].date, r->docs[i].title);
    for (size_t i = 0; i < r->n_attachments; i++)
        printf(TD_MSG_STATE_REPORT_ATTACHMENT "\n", r->attachments[i].name, r->attachments[i].mime,
               (unsigned long long)r->attachments[i].size);
}

int tds_cmd_state(int argc, char **argv)
{
    tds_config cfg;
    tds_ledger *lg = NULL;
    td_state *view = NULL;
    const td_state *st;
    const char *agency = NULL, *report_key = NULL;
    td_role role = TD_ROLE_OFFICE;
    int digest = 0, refused = 0, conflicts = 0, rc = 1;
    size_t n_rep, n_ind, n_cond, n_ref, n_con;
    uint64_t log_n = 0;
    td_error err = {0};

    int oc;
    tds_config_init(&cfg, "tiendo-server state");
    while ((oc = tds_config_getopt_spec(&cfg, argc, argv, &tds__state_spec)) != -1) {
        if (oc == 'h') {
            tds__state_usage(stdout);
            return 0;
        } else if (oc == 'a') {
            agency = optarg;
            if (!td_slug_valid(agency)) {
                fprintf(stderr, "tiendo-server state: " TD_MSG_STATE_AGENCY_SLUG_BAD "\n", agency);
                return 2;
            }
        } else if (oc == 'r') {
            role = td_role_parse(optarg);
            if (role == TD_ROLE_NONE) {
                fprintf(stderr, "tiendo-server state: " TD_MSG_STATE_ROLE_BAD "\n");
                return 2;
            }
        } else if (oc == 'd') {
            digest = 1;
        } else if (oc == 'R') {
            refused = 1;
        } else if (oc == 'c') {
            conflicts = 1;
        } else if (oc == 'p') {
            report_key = optarg;
        } else {
            return 2;
        }
    }
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if ((rc = tds_cmd_ready(&cfg, 0, &lg))) return rc;
    rc = 1;
    if (!tds_ledger_state(lg)) {
        printf(TD_MSG_STATE_LOG_EMPTY "\n", cfg.data);
        rc = 0;
        goto out;
    }
    if (agency && tds_ledger_view(lg, agency, role, &view, &err)) {
        fprintf(stderr, "tiendo-server state: " TD_MSG_STATE_VIEW_FAILED "\n", agency, td_error_vi(&err));
        goto out;
    }
    st = view ? view : tds_ledger_state(lg);
    tds_logstore_count(tds_ledger_store(lg), &log_n, &err);
    td_state_reports(st, &n_rep);
    td_state_indicator_values(st, &n_ind);
    td_state_conditions(st, &n_cond);
    td_state_refusals(st, &n_ref);
    td_state_conflicts(st, &n_con);

    printf(TD_MSG_STATE_LOG_SIZE "\n", cfg.data, (unsigned long long)log_n);
    if (agency)
        printf(TD_MSG_STATE_VIEW_OF "\n", agency, td_role_vi(role),
               (unsigned long long)td_state_count(st));
    else
        printf(TD_MSG_STATE_FOLDED_FROM "\n", (unsigned long long)td_state_count(st),
               (unsigned long long)td_state_last_index(st));
    if (td_state_has_plan(st))
        for (size_t i = 0; i < td_state_plan_count(st); i++)   /* each plan (docs/LOG.md §14) */
            printf(TD_MSG_STATE_PLAN "\n",
                   td_state_plan_at(st, i)->number ? td_state_plan_at(st, i)->number : TD_MSG_PLAN_WORD_NO_NUMBER,
                   td_state_plan_at(st, i)->n_tasks, i || td_state_plan_count(st) == 1 ? "" : TD_MSG_STATE_WORD_DEFAULT_PLAN);
    else
        printf(TD_MSG_STATE_PLAN_NONE "\n");
    printf(TD_MSG_STATE_AUTHORS_HEAD "\n");
    {
        tds_author_list al = {st, 0};
        tds_logstore_scan(tds_ledger_store(lg), 1, 0, TIENDO__ENTRY_KIND__ENTRY_CERT, tds__author_cb, &al, &err);
        if (!al.n) printf(TD_MSG_STATE_NONE_YET "\n");
    }
    printf(TD_MSG_STATE_REPORTS_CURRENT "\n", n_rep);
    printf(TD_MSG_STATE_INDICATOR_VALUES "\n", n_ind);
    printf(TD_MSG_STATE_CONDITIONS_MET "\n", n_cond);
    printf(TD_MSG_STATE_REFUSED_COUNT "\n", n_ref);
    if (refused) {
        const td_refusal *r = td_state_refusals(st, &n_ref);
        for (size_t i = 0; i < n_ref; i++)
            printf(TD_MSG_STATE_REFUSED_LINE "\n", (unsigned long long)r[i].index,
                   td_entry_kind_vi(r[i].kind), *r[i].agency ? r[i].agency : TD_MSG_STATE_WORD_SERVER_PLAIN, (unsigned long long)r[i].seq,
                   r[i].reason);
    }
    printf(TD_MSG_STATE_CONFLICTS_COUNT "\n", n_con);
    if (conflicts) {
        const td_conflict *c = td_state_conflicts(st, &n_con);
        for (size_t i = 0; i < n_con; i++)
            printf(TD_MSG_STATE_CONFLICT_LINE "\n", c[i].task, c[i].agency,
                   c[i].period, (unsigned long long)c[i].winner_index, (unsigned long long)c[i].loser_index);
    }
    if (report_key) tds__print_report(st, report_key);
    if (digest) {
        unsigned char d[32];
        char hex[65];
        td_state_digest(st, d);
        for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
        printf("digest: %s\n", hex);
        td_state_digest_v2(st, d);
        for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
        printf("digest-v2: %s\n", hex);
    }
    rc = 0;
out:
    if (view) td_state_free(view);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}
