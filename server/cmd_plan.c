/*
 * cmd_plan.c — `tiendo-server plan`: import, show and export the master
 * plan.  Output for people is Vietnamese.  The plan lives in the log only:
 * `import --apply` appends one ENTRY_PLAN (the whole plan as a PlanChange,
 * signed with the server key) when something changed, and ENTRY_AGENCY alias
 * records for the aliases the import relied on; show and export read the
 * plan derived from the log (ledger.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "cli.h"
#include "derive.h"
#include "cmds.h"
#include "grow.h"
#include "msg.h"
#include "plan.h"
#include "plan_csv.h"
#include "plan_pb.h"
#include "plan_text.h"
#include "utf8.h"
#include "oserr.h"

/* Characters of a title in the task list: a line of a 120-column terminal. */
#define TDS_TITLE_SHORT 60
/* Largest file read by `plan import`: the bigger of the importers' bounds. */
#define TDS_IMPORT_MAX TD_PLAN_TEXT_MAX
/* Files one `plan import` takes (tasks CSV + indicators CSV, or one text). */
#define TDS_IMPORT_FILES_MAX 8

#define TDS__ROW_PLAN(help) {"plan", required_argument, 'P', "SỐ", help}
static const td_cli_opt tds__plan_import_opts[] = {
    {"import", TD_CLI_WORD, 0, NULL,
     "đọc kế hoạch từ văn bản công bố (.txt: Phụ lục I chỉ tiêu, Phụ lục II nhiệm vụ) hoặc từ CSV (bảng nhiệm vụ "
     "và/hoặc bảng chỉ tiêu); in những gì sẽ được nhập hoặc thay đổi. Không lưu gì nếu không có --apply. Mọi tên cơ "
     "quan không xác định được đều được liệt kê (nhiệm vụ, dòng); khi còn tên chưa xác định, kế hoạch không được "
     "nhập."},
    {"show", TD_CLI_WORD, 0, NULL, "liệt kê nhiệm vụ; với SỐ_NHIỆM_VỤ: xem đầy đủ một nhiệm vụ"},
    {"export", TD_CLI_WORD, 0, NULL,
     "--csv: xuất bảng nhiệm vụ; --indicators: xuất bảng chỉ tiêu (CSV UTF-8 có BOM, mở được bằng Excel; nhập lại "
     "được bằng import)"},
    {"apply", no_argument, 'a', NULL,
     "lưu kế hoạch đã nhập: ghi vào sổ nhật ký một bản ghi kế hoạch, ký bằng khóa của máy chủ (cần --ca, --cert, --key "
     "hoặc --config); nhập lại một kế hoạch không đổi thì không ghi gì"},
    {"aliases", required_argument, 'A', "TỆP",
     "bổ sung ánh xạ tên cơ quan: mỗi dòng \"tên trong văn bản = slug\", dòng bắt đầu bằng # là chú thích; xem: "
     "tiendo-server agency list"},
    {"format", required_argument, 'f', "ĐỊNH_DẠNG", "text hoặc csv: định dạng tệp (mặc định: theo phần mở rộng, .csv là CSV)"},
    TDS__ROW_PLAN("kế hoạch được nhập hoặc thay (số hiệu, ví dụ 57/KH-UBND, hoặc số ngắn 57): một máy chủ giữ nhiều kế "
                  "hoạch; kế hoạch nhập đầu tiên là kế hoạch mặc định. Không có --plan: bảng CSV thay kế hoạch mặc "
                  "định, văn bản công bố thay kế hoạch cùng số hiệu (hoặc thêm kế hoạch mới). Với show, export: kế "
                  "hoạch được xem/xuất (mặc định: kế hoạch mặc định)"),
    {"title", required_argument, 'T', "TÊN", "import: tên của kế hoạch (bảng CSV không có)"},
    {"issuer", required_argument, 'I', "CƠ_QUAN", "import: cơ quan ban hành kế hoạch (bảng CSV không có)"},
    {"date", required_argument, 'D', "dd/mm/yyyy", "import: ngày của kế hoạch (bảng CSV không có)"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__plan_show_opts[] = {TDS__ROW_PLAN("kế hoạch được xem (mặc định: kế hoạch mặc định)"),
                                                 {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__plan_export_opts[] = {
    {"csv", no_argument, 'c', NULL, "export: bảng nhiệm vụ"},
    {"indicators", no_argument, 'i', NULL, "export: bảng chỉ tiêu"},
    {"out", required_argument, 'o', "TỆP", "ghi ra tệp thay vì màn hình"},
    TDS__ROW_PLAN("kế hoạch được xuất (mặc định: kế hoạch mặc định)"),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tds__plan_spec = {
    .prog = "tiendo-server",
    .cmd = "plan",
    .usage = "tiendo-server plan import TỆP... [--apply] [--aliases TỆP] [--format ĐỊNH_DẠNG] [--plan SỐ [--title TÊN] "
             "[--issuer CƠ_QUAN] [--date dd/mm/yyyy]] [--config TỆP | --data THƯ_MỤC --ca TỆP --cert TỆP --key TỆP]\n"
             "tiendo-server plan show [SỐ_NHIỆM_VỤ] [--plan SỐ] [--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server plan export (--csv | --indicators) [--out TỆP] [--plan SỐ] [--config TỆP | --data THƯ_MỤC]",
    .about = "Nhập, xem và xuất Kế hoạch (danh mục nhiệm vụ và chỉ tiêu).",
    .opts = {tds__plan_import_opts, tds__plan_export_opts, tds_config_opts},
};
static const td_cli_spec tds__plan_import_parse = {.prog = "tiendo-server", .cmd = "plan import", .opts = {tds__plan_import_opts, tds_config_opts}};
static const td_cli_spec tds__plan_show_parse = {.prog = "tiendo-server", .cmd = "plan show", .opts = {tds__plan_show_opts, tds_config_opts}};
static const td_cli_spec tds__plan_export_parse = {.prog = "tiendo-server", .cmd = "plan export", .opts = {tds__plan_export_opts, tds_config_opts}};
static void tds__plan_usage(FILE *f) { td_cli_help(&tds__plan_spec, f); }

static int tds__today(void) { return td_clock_today(); }

/* Read a whole file; NULL with a Vietnamese message on failure. */
static char *tds__read(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t cap = 65536, len = 0, r;
    if (!f) {
        fprintf(stderr, "tiendo-server: " TD_MSG_AGENCY_FILE_OPEN "\n", path, td_errno_vi_log(errno, path));
        return NULL;
    }
    if (!(buf = malloc(cap + 1))) goto oom;
    while ((r = fread(buf + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            if (cap >= TDS_IMPORT_MAX) {
                fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_FILE_TOO_LARGE "\n", path, TDS_IMPORT_MAX);
                free(buf);
                fclose(f);
                return NULL;
            }
            {
                size_t room = cap + 1;   /* cap bytes and the NUL */
                if (TD_GROW(buf, room, 2 * cap + 1)) goto oom;
                cap = room - 1;
            }
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_FILE_READ_ERROR "\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[len] = '\0';
    *n = len;
    return buf;
oom:
    fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_FILE_NOMEM "\n", path);
    free(buf);
    fclose(f);
    return NULL;
}

static const char *tds__base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void tds__print_counts(const td_plan *p)
{
    char d[16];
    td_date_vi(p->date, d, sizeof d);
    if (p->number && *p->number)
        printf(TD_MSG_PLAN_SUMMARY_TITLE "\n", p->number, *d ? TD_MSG_PLAN_SUMMARY_DATED : "", d, p->issuer && *p->issuer ? TD_MSG_PLAN_SUMMARY_OF : "",
               p->issuer ? p->issuer : "");
    printf(TD_MSG_PLAN_SUMMARY_TASKS "\n", p->n_tasks, p->n_sections);
    for (size_t i = 0; i < p->n_sections; i++)
        printf(TD_MSG_PLAN_SUMMARY_SECTION "\n", p->sections[i].code, td_plan_section_tasks(p, p->sections[i].code));
    if (p->n_indicators) {
        int hz[8], nh = 0;
        for (size_t i = 0; i < p->n_indicators; i++) {
            int k;
            for (k = 0; k < nh && hz[k] != p->indicators[i].horizon; k++) {}
            if (k == nh && nh < 8) hz[nh++] = p->indicators[i].horizon;
        }
        printf(TD_MSG_PLAN_SUMMARY_INDICATORS "\n", p->n_indicators);
        for (int k = 0; k < nh; k++)
            printf(TD_MSG_PLAN_SUMMARY_HORIZON "\n",
                   hz[k], td_plan_count_indicators(p, hz[k], TD_IND_TOP), td_plan_count_indicators(p, hz[k], TD_IND_MEASURED));
    } else {
        printf(TD_MSG_PLAN_SUMMARY_NO_INDICATORS "\n");
    }
}

/* What changes between the stored plan and the imported one. */
static void tds__print_diff(const td_plan *old, int has_old, const td_plan *nw)
{
    size_t added = 0, removed = 0, changed = 0;
    if (!has_old) {
        printf(TD_MSG_PLAN_DIFF_NEW_PLAN "\n", nw->number ? nw->number : "");
        return;
    }
    for (size_t i = 0; i < nw->n_tasks; i++) {
        const td_task *o = td_plan_task(old, nw->tasks[i].number);
        if (!o) {
            if (!added++) printf(TD_MSG_PLAN_DIFF_TASKS_NEW);
            printf(" %d", nw->tasks[i].number);
        }
    }
    if (added) printf("\n");
    for (size_t i = 0; i < old->n_tasks; i++)
        if (!td_plan_task(nw, old->tasks[i].number)) {
            if (!removed++) printf(TD_MSG_PLAN_DIFF_TASKS_DROPPED);
            printf(" %d", old->tasks[i].number);
        }
    if (removed) printf("\n");
    for (size_t i = 0; i < nw->n_tasks; i++) {
        const td_task *o = td_plan_task(old, nw->tasks[i].number);
        td_plan a, b;
        char why[256];
        if (!o) continue;
        /* compare one task by wrapping it in one-task plans */
        td_plan_init(&a);
        td_plan_init(&b);
        a.tasks = (td_task *)o;
        a.n_tasks = 1;
        b.tasks = &nw->tasks[i];
        b.n_tasks = 1;
        if (!td_plan_equal(&a, &b, TD_PLAN_CMP_TASKS, why, sizeof why)) {
            const char *od = o->deadline.text ? o->deadline.text : "", *nd = nw->tasks[i].deadline.text;
            if (!changed++) printf(TD_MSG_PLAN_DIFF_TASKS_CHANGED "\n");
            printf("  %d (%s)\n", nw->tasks[i].number, why);
            if (strcmp(od, nd ? nd : ""))
                printf(TD_MSG_PLAN_DIFF_DEADLINE "\n", nw->tasks[i].number, od, nd ? nd : "");
        }
    }
    if (!td_plan_equal(old, nw, TD_PLAN_CMP_INDICATORS, NULL, 0)) printf(TD_MSG_PLAN_DIFF_INDICATORS_CHANGED "\n");
    if (!added && !removed && !changed && td_plan_equal(old, nw, TD_PLAN_CMP_ALL, NULL, 0))
        printf(TD_MSG_PLAN_DIFF_NONE "\n");
}

static int tds__set(char **field, const char *v)
{
    char *s = strdup(v);
    if (!s) return -1;
    free(*field);
    *field = s;
    return 0;
}

/*
 * The stored plan an import changes (docs/LOG.md §14): the one whose number
 * (or short name) is `number`, else a new plan of that number; without a
 * number, the default plan.  *old is a copy; *has_old 0 for a new plan.
 */
static int tds__import_target(tds_ledger *lg, const char *number, td_plan *old, int *has_old)
{
    const td_state *st = tds_ledger_state(lg);
    int i;
    td_plan_init(old);
    *has_old = 0;
    if (!st) return number ? tds__set(&old->number, number) : td_plan_copy(old, tds_ledger_plan(lg, has_old));
    i = number ? td_state_plan_find(st, number) : (td_state_plan_count(st) ? 0 : -1);
    if (i >= 0) {
        *has_old = 1;
        return td_plan_copy(old, td_state_plan_at(st, (size_t)i));
    }
    return number ? tds__set(&old->number, number) : 0;
}

static int tds__import(int argc, char **argv)
{
    const char *files[TDS_IMPORT_FILES_MAX];
    const char *aliases = NULL, *format = NULL, *plan_no = NULL, *title = NULL, *issuer = NULL;
    int nfiles = 0, apply = 0, rc = 1, has_old = 0, changed, date = 0;
    tds_config cfg;
    tds_ledger *lg = NULL;
    td_plan old, nw;
    td_registry reg;
    td_plan_issues issues = {0};
    td_error err = {0};
    size_t alias_mark, n_new_aliases = 0;
    tds_own_entry *own = NULL;
    uint8_t **payloads = NULL;
    size_t nown = 0;

    int oc;
    tds_config_init(&cfg, "tiendo-server plan import");
    while ((oc = tds_config_getopt_spec(&cfg, argc, argv, &tds__plan_import_parse)) != -1) {
        if (oc == 'h') {
            tds__plan_usage(stdout);
            return 0;
        } else if (oc == 'a') {
            apply = 1;
        } else if (oc == 'A') {
            aliases = optarg;
        } else if (oc == 'P') {
            plan_no = optarg;
            if (!*plan_no || strlen(plan_no) > TD_PLAN_NUMBER_MAX || strchr(plan_no, ':')) {
                fprintf(stderr, "tiendo-server plan import: " TD_MSG_PLAN_NUMBER_BAD "\n",
                        plan_no, TD_PLAN_NUMBER_MAX);
                return 2;
            }
        } else if (oc == 'T') {
            title = optarg;
        } else if (oc == 'I') {
            issuer = optarg;
        } else if (oc == 'D') {
            if (td_date_parse_vi(optarg, &date)) {
                fprintf(stderr, "tiendo-server plan import: " TD_MSG_PLAN_DATE_BAD "\n", optarg);
                return 2;
            }
        } else if (oc == 'f') {
            format = optarg;
            if (strcmp(format, "text") && strcmp(format, "csv")) {
                fprintf(stderr, "tiendo-server plan import: " TD_MSG_PLAN_FORMAT_BAD "\n", format);
                return 2;
            }
        } else {
            return 2;
        }
    }
    for (; optind < argc; optind++) {
        if (nfiles >= TDS_IMPORT_FILES_MAX) {
            fprintf(stderr, "tiendo-server plan import: " TD_MSG_PLAN_TOO_MANY_FILES "\n", TDS_IMPORT_FILES_MAX);
            return 2;
        }
        files[nfiles++] = argv[optind];
    }
    if (!nfiles) {
        fprintf(stderr, "tiendo-server plan import: " TD_MSG_PLAN_FILE_MISSING "\n\n");
        tds__plan_usage(stderr);
        return 2;
    }
    if ((rc = tds_config_finish(&cfg))) {
        tds_config_free(&cfg);
        return rc;
    }
    rc = 1;
    if (apply && (!cfg.key || !cfg.cert)) {
        fprintf(stderr, "tiendo-server plan import: " TD_MSG_PLAN_APPLY_NEEDS_KEY "\n");
        tds_config_free(&cfg);
        return 2;
    }
    if (tds_cmd_open_ledger(&cfg, apply, &lg)) {
        tds_config_free(&cfg);
        return 1;
    }
    if (tds__import_target(lg, plan_no, &old, &has_old) || tds_registry_copy(&reg, tds_ledger_registry(lg))) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        tds_ledger_close(lg);
        tds_config_free(&cfg);
        return 1;
    }
    alias_mark = reg.n_aliases;
    if (aliases && td_registry_load_aliases(&reg, aliases, &err)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_ALIAS_FILE_BAD "\n", td_error_vi(&err));
        goto out_reg;
    }
    /* the new plan starts as the stored one; each file replaces its part */
    if (td_plan_copy(&nw, &old)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        goto out_reg;
    }
    for (int f = 0; f < nfiles; f++) {
        size_t n;
        char *buf = tds__read(files[f], &n);
        const char *ext = strrchr(files[f], '.');
        int csv = format ? !strcmp(format, "csv") : (ext && !strcasecmp(ext, ".csv"));
        td_plan part;
        int prc;
        if (!buf) goto out_new;
        if (!csv) {
            prc = td_plan_text_parse(buf, n, tds__base(files[f]), &part, &err);
            if (!prc) {
                td_plan_free(&nw);
                nw = part;
            }
        } else {
            switch (td_csv_detect(buf, n)) {
            case TD_CSV_TASKS:
                prc = td_csv_import_tasks(buf, n, tds__base(files[f]), &part, &err);
                if (!prc) {
                    /* sections and tasks replaced; identity and indicators kept */
                    td_section *s = nw.sections;
                    size_t ns = nw.n_sections;
                    td_task *t = nw.tasks;
                    size_t nt = nw.n_tasks;
                    nw.sections = part.sections;
                    nw.n_sections = part.n_sections;
                    nw.tasks = part.tasks;
                    nw.n_tasks = part.n_tasks;
                    part.sections = s;
                    part.n_sections = ns;
                    part.tasks = t;
                    part.n_tasks = nt;
                    td_plan_free(&part);
                }
                break;
            case TD_CSV_INDICATORS:
                for (size_t i = 0; i < nw.n_indicators; i++) td_indicator_free(&nw.indicators[i]);
                free(nw.indicators);
                nw.indicators = NULL;
                nw.n_indicators = 0;
                prc = td_csv_import_indicators(buf, n, tds__base(files[f]), &nw, &err);
                break;
            default:
                prc = td_error_set(&err, TD_EPARSE,
                                   TD_MSG_PLAN_HEADER_UNKNOWN,
                                   tds__base(files[f]));
            }
        }
        free(buf);
        if (prc) {
            fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_IMPORT_FAILED "\n", files[f], td_error_vi(&err));
            goto out_new;
        }
    }
    /* a published text names its plan: another stored plan, or a new one */
    if (!plan_no && nw.number && (!old.number || strcmp(nw.number, old.number))) {
        td_plan tmp = nw;
        td_plan_init(&nw);
        td_plan_free(&old);
        if (tds__import_target(lg, tmp.number, &old, &has_old)) {
            td_plan_free(&tmp);
            fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_NOMEM "\n");
            goto out_reg;
        }
        nw = tmp;
    }
    if ((title && tds__set(&nw.title, title)) || (issuer && tds__set(&nw.issuer, issuer))) {
        fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_NOMEM "\n");
        goto out_new;
    }
    if (date) nw.date = date;
    if (td_plan_resolve(&nw, &reg, &issues)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        goto out_new;
    }
    printf(TD_MSG_PLAN_IMPORT_FROM);
    for (int f = 0; f < nfiles; f++) printf(" %s", files[f]);
    printf("\n");
    tds__print_counts(&nw);
    tds__print_diff(&old, has_old, &nw);
    if (!nw.n_tasks) {
        fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_NO_TASKS "\n");
        goto out_new;
    }
    if (issues.n) {
        printf(TD_MSG_PLAN_UNRESOLVED_HEAD "\n", issues.n);
        for (size_t i = 0; i < issues.n; i++) {
            const td_plan_issue *is = &issues.v[i];
            if (is->task)
                printf(TD_MSG_PLAN_UNRESOLVED_TASK "\n", is->line, is->task, is->column, is->text);
            else
                printf(TD_MSG_PLAN_UNRESOLVED_INDICATOR "\n", is->line, is->indicator ? is->indicator : "?",
                       is->column, is->text);
        }
        fprintf(stderr,
                "tiendo-server: " TD_MSG_PLAN_UNRESOLVED_REFUSED "\n",
                issues.n);
        goto out_new;
    }
    changed = !has_old || !td_plan_equal(&old, &nw, TD_PLAN_CMP_ALL, NULL, 0);
    n_new_aliases = reg.n_aliases - alias_mark;
    if (!changed && !n_new_aliases) {
        printf(TD_MSG_PLAN_NOTHING_WRITTEN "\n");
        rc = 0;
        goto out_new;
    }
    if (!apply) {
        printf(TD_MSG_PLAN_DRY_RUN "\n");
        rc = 0;
        goto out_new;
    }
    /* One transaction: the aliases the import relied on (part of the
     * registry's history), then the plan if it changed. */
    own = calloc(n_new_aliases + 1, sizeof *own);
    payloads = calloc(n_new_aliases + 1, sizeof *payloads);
    if (!own || !payloads) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        goto out_new;
    }
    for (size_t i = alias_mark; i < reg.n_aliases; i++, nown++) {
        td_agency_change ch = {0};
        ch.kind = TD_CHANGE_ALIAS;
        ch.alias_text = reg.aliases[i].text;
        ch.alias_slug = reg.aliases[i].slug;
        if (td_agency_change_pb_encode(&ch, &payloads[nown], &own[nown].len)) {
            fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
            goto out_new;
        }
        own[nown].kind = TIENDO__ENTRY_KIND__ENTRY_AGENCY;
        own[nown].payload = payloads[nown];
    }
    if (changed) {
        if (td_plan_pb_encode(&nw, tds__base(files[0]), &payloads[nown], &own[nown].len)) {
            fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
            goto out_new;
        }
        own[nown].kind = TIENDO__ENTRY_KIND__ENTRY_PLAN;
        own[nown].payload = payloads[nown];
        nown++;
    }
    if (tds_ledger_append_own(lg, own, nown, &err)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_SAVE_FAILED "\n", td_error_vi(&err));
        goto out_new;
    }
    for (size_t i = 0; i < nown; i++)
        if (own[i].res.refused) {
            fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_ENTRY_REFUSED "\n",
                    (unsigned long long)own[i].index, td_entry_kind_vi(own[i].kind), own[i].res.reason);
            goto out_new;
        }
    if (n_new_aliases) printf(TD_MSG_PLAN_ALIASES_SAVED "\n", n_new_aliases);
    if (changed)
        printf(TD_MSG_PLAN_SAVED "\n", nw.n_tasks,
               nw.n_indicators, (unsigned long long)own[nown - 1].index);
    rc = 0;
out_new:
    td_plan_free(&nw);
out_reg:
    for (size_t i = 0; payloads && i <= n_new_aliases; i++) free(payloads[i]);
    free(payloads);
    free(own);
    td_plan_issues_free(&issues);
    td_plan_free(&old);
    td_registry_free(&reg);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}

/* Names of refs, comma-separated, with today's successor when it differs. */
static void tds__print_refs(const td_registry *reg, const td_agency_ref *r, size_t n, int task, int today)
{
    for (size_t i = 0; i < n; i++) {
        const char *resp = r[i].group ? NULL : td_registry_responsible(reg, r[i].slug, today, task);
        td_group *g = r[i].group ? td_registry_group(reg, r[i].slug) : NULL;
        printf("%s%s [%s%s]", i ? "; " : "", r[i].text, r[i].slug, g ? (g->open ? TD_MSG_PLAN_GROUP_UNNAMED : TD_MSG_PLAN_WORD_GROUP) : "");
        if (resp && strcmp(resp, r[i].slug)) {
            td_agency *a = td_registry_agency(reg, resp);
            printf(TD_MSG_PLAN_NOW_IS, a ? a->name : resp, resp);
        }
    }
}

static void tds__show_task(const td_plan *p, const td_registry *reg, const td_task *t, int key)
{
    const td_section *s = td_plan_section(p, t->section);
    char dl[512];
    int today = tds__today();
    td_deadline_vi(&t->deadline, dl, sizeof dl);
    printf(TD_MSG_PLAN_SHOW_TASK_HEAD "\n", t->number, t->section, s && s->title && *s->title ? ": " : "",
           s && s->title ? s->title : "");
    printf(TD_MSG_PLAN_SHOW_TITLE "\n", t->title);
    printf(TD_MSG_PLAN_SHOW_LEAD "\n", t->lead_text);
    printf("                       ");
    tds__print_refs(reg, t->leads, t->n_leads, key, today);
    printf(TD_MSG_PLAN_SHOW_PARTNERS "\n", t->partner_text && *t->partner_text ? t->partner_text : TD_MSG_PLAN_WORD_NONE);
    if (t->n_partners) {
        printf("                       ");
        tds__print_refs(reg, t->partners, t->n_partners, key, today);
        printf("\n");
    }
    printf(TD_MSG_PLAN_SHOW_PRODUCT "\n", t->product);
    printf(TD_MSG_PLAN_SHOW_DEADLINE "\n", t->deadline.text);
    printf("                       (%s)\n", dl);
    if (t->line) printf(TD_MSG_PLAN_SHOW_SOURCE_LINE "\n", t->line);
}

/* Print s padded with blanks to `width` characters (not bytes: Vietnamese
 * letters take 2-3 bytes). */
static void tds__pad(const char *s, size_t width)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) chars++;
    fputs(s, stdout);
    while (chars++ < width) putchar(' ');
}

/* The options read: open the log read-only (tds_cmd_ready) and check there
 * is a plan; *p is plan_no's plan as imported, else the default plan
 * (docs/LOG.md §14).  0, or the exit code (message printed, cfg freed). */
static int tds__open_load(tds_config *cfg, const char *plan_no, tds_ledger **lg, const td_plan **p,
                          const td_registry **reg)
{
    int has = 0, rc;
    const td_state *st;
    if ((rc = tds_cmd_ready(cfg, 0, lg))) return rc;
    *p = tds_ledger_plan(*lg, &has);
    *reg = tds_ledger_registry(*lg);
    /* one plan as imported: --plan's, else the default plan (docs/LOG.md §14) */
    if (has && (st = tds_ledger_state(*lg))) {
        int i = plan_no ? td_state_plan_find(st, plan_no) : 0;
        if (i < 0) {
            fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_UNKNOWN_PLAN, plan_no);
            for (size_t k = 0; k < td_state_plan_count(st); k++)
                fprintf(stderr, "%s %s", k ? "," : "", td_state_plan_at(st, k)->number);
            fprintf(stderr, "\n");
            tds_ledger_close(*lg);
            *lg = NULL;
            tds_config_free(cfg);
            return 1;
        }
        *p = td_state_plan_at(st, (size_t)i);
    }
    if (!has) {
        fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_NONE_YET "\n",
                cfg->data);
        tds_ledger_close(*lg);
        *lg = NULL;
        tds_config_free(cfg);
        return 1;
    }
    return 0;
}

static int tds__show(int argc, char **argv)
{
    int number = 0, rc = 0;
    const char *plan_no = NULL;
    tds_config cfg;
    tds_ledger *lg = NULL;
    const td_plan *pp;
    const td_registry *rp;
    int c;
    tds_config_init(&cfg, "tiendo-server plan show");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__plan_show_parse)) != -1) {
        if (c == 'P') {
            plan_no = optarg;
            continue;
        }
        if (c != 'h') return 2;
        tds__plan_usage(stdout);
        return 0;
    }
    for (; optind < argc; optind++) {
        const char *w = argv[optind];
        if (number || w[0] < '1' || w[0] > '9' || strspn(w, "0123456789") != strlen(w) || strlen(w) > 6) {
            fprintf(stderr, "tiendo-server plan show: " TD_MSG_PLAN_SHOW_ARG_BAD "\n", w);
            return 2;
        }
        number = atoi(w);
    }
    if ((rc = tds__open_load(&cfg, plan_no, &lg, &pp, &rp))) return rc;
    if (number) {
        const td_task *t = td_plan_task(pp, number);
        if (!t) {
            fprintf(stderr, "tiendo-server: " TD_MSG_PLAN_SHOW_TASK_UNKNOWN "\n", number, pp->n_tasks);
            rc = 1;
        } else {
            /* successors follow the task's key (docs/LOG.md §14): a later plan's is not its number */
            const td_state *st = tds_ledger_state(lg);
            int later = st && td_state_plan_count(st) && pp != td_state_plan_at(st, 0);
            tds__show_task(pp, rp, t, (int)td_task_key(later ? pp->number : "", (unsigned)t->number));
        }
    } else {
        const td_plan p = *pp;
        char d[16];
        td_date_vi(p.date, d, sizeof d);
        printf(TD_MSG_PLAN_LIST_HEAD "\n", p.number && *p.number ? p.number : TD_MSG_PLAN_WORD_NO_NUMBER,
               *d ? TD_MSG_PLAN_SUMMARY_DATED : "", d, p.n_tasks);
        for (size_t s = 0; s < p.n_sections; s++) {
            const td_section *sec = &p.sections[s];
            char *st2 = td_plan_short(sec->title, 90);
            printf("\n%s. %s\n", sec->code, st2 ? st2 : "");
            free(st2);
            for (size_t i = 0; i < p.n_tasks; i++) {
                const td_task *t = &p.tasks[i];
                char dl[256], *title, *lead;
                if (strcmp(t->section, sec->code)) continue;
                td_deadline_vi(&t->deadline, dl, sizeof dl);
                title = td_plan_short(t->title, TDS_TITLE_SHORT);
                lead = td_plan_short(t->lead_text, 40);
                printf("%4d  ", t->number);
                tds__pad(title ? title : "", TDS_TITLE_SHORT + 1);
                printf(" | %s | %s\n", lead ? lead : "", dl);
                free(title);
                free(lead);
            }
        }
    }
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}

static int tds__export(int argc, char **argv)
{
    const char *out = NULL, *plan_no = NULL;
    int what = 0, rc = 0;
    tds_config cfg;
    tds_ledger *lg = NULL;
    const td_plan *pp;
    const td_registry *rp;
    char *buf = NULL;
    size_t n = 0;
    int c;
    tds_config_init(&cfg, "tiendo-server plan export");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__plan_export_parse)) != -1) {
        if (c == 'h') {
            tds__plan_usage(stdout);
            return 0;
        } else if (c == 'o') {
            out = optarg;
        } else if (c == 'P') {
            plan_no = optarg;
        } else if ((c == 'c' || c == 'i') && !what) {
            what = c == 'c' ? 1 : 2;
        } else if (c == 'c' || c == 'i') {
            fprintf(stderr, "tiendo-server plan export: " TD_MSG_PLAN_EXPORT_ONE_KIND "\n");
            return 2;
        } else {
            return 2;
        }
    }
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if (!what) {
        fprintf(stderr, "tiendo-server plan export: " TD_MSG_PLAN_EXPORT_KIND_MISSING "\n");
        return 2;
    }
    if ((rc = tds__open_load(&cfg, plan_no, &lg, &pp, &rp))) return rc;
    if ((what == 1 ? td_csv_export_tasks(pp, &buf, &n) : td_csv_export_indicators(pp, &buf, &n))) {
        fprintf(stderr, "tiendo-server: " TD_MSG_AGENCY_EXPORT_NOMEM "\n");
        rc = 1;
    } else if (!(rc = tds_cmd_write_out(out, buf, n)) && out) {
        fprintf(stderr, TD_MSG_PLAN_EXPORT_DONE "\n", out, n);
    }
    free(buf);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}

int tds_cmd_plan(int argc, char **argv)
{
    static const td_cli_sub subs[] = {{"import", tds__import}, {"show", tds__show}, {"export", tds__export}};
    return td_cli_sub_main("tiendo-server", "plan", subs, sizeof subs / sizeof subs[0], tds__plan_usage, argc, argv);
}
