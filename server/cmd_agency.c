/*
 * cmd_agency.c — `tiendo-server agency`: the agency registry and its
 * history (docs/LOG.md §6).  Changes are validated by
 * td_registry_apply on a copy of the registry derived from the log, then
 * appended to the log as one ENTRY_AGENCY (AgencyChange) signed with the
 * server key; list reads the derived registry.
 *
 * Split semantics: the successors are given in order with --into; every
 * task whose lead (or partner) was the split agency goes to the FIRST
 * successor, except the tasks named with --task N=SLUG, which go to SLUG.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmds.h"
#include "msg.h"
#include "plan.h"
#include "plan_csv.h"
#include "plan_pb.h"
#include "oserr.h"

/* Successors one split may name, and task assignments it may carry. */
#define TDS_SPLIT_MAX 16
#define TDS_ASSIGN_MAX 1024
/* Agencies one merge may combine. */
#define TDS_MERGE_MAX 32

/* Each subcommand takes only its own options: --kind not for issuer, --into
 * for merge and split, --task for split. */
#define TDS__ROW_DATE {"date", required_argument, 'D', "dd/mm/yyyy", "ngày tổ chức mới bắt đầu (cơ quan cũ ngừng từ ngày này)"}
#define TDS__ROW_KIND                                                                                               \
    {"kind", required_argument, 'k', "LOẠI",                                                                        \
     "loại của cơ quan mới (add: bắt buộc; khác: mặc định loại của cơ quan cũ, kế nhiệm đơn vị cấp huyện từ "      \
     "01/07/2025 là commune):\n"                                                                                   \
     "  dept        sở, ban, ngành tỉnh\n"                                                                          \
     "  provincial  cơ quan khác cấp tỉnh, cơ quan Trung ương đóng trên địa bàn\n"                                  \
     "  central     cơ quan Trung ương\n"                                                                           \
     "  district    đơn vị cấp huyện (đến 30/06/2025)\n"                                                            \
     "  commune     xã, phường, đặc khu\n"                                                                          \
     "  org         doanh nghiệp, tổ chức"}
#define TDS__ROW_INTO {"into", required_argument, 'i', "SLUG", "merge, split: cơ quan nhận (xem trên)"}
static const td_cli_opt tds__agency_list_opts[] = {
    {"list", TD_CLI_WORD, 0, NULL, "liệt kê mọi cơ quan và nhóm; với --at: chỉ các cơ quan tồn tại vào ngày đó"},
    {"add", TD_CLI_WORD, 0, NULL, "thêm một cơ quan mới (ví dụ xã, phường mới từ 01/07/2025)"},
    {"import", TD_CLI_WORD, 0, NULL,
     "thêm nhiều cơ quan từ tệp CSV (cột Mã, Tên, Loại, Từ ngày) trong một bản ghi; không có --apply: chỉ cho biết sẽ "
     "thay đổi gì, chưa lưu gì"},
    {"export", TD_CLI_WORD, 0, NULL,
     "xuất danh mục ra CSV (cùng các cột, thêm Đến ngày, Kế nhiệm); tệp này dùng cho tiendo-pki sign --registry TỆP"},
    {"rename", TD_CLI_WORD, 0, NULL, "đổi tên: SLUG_CŨ ngừng từ ngày --date, SLUG_MỚI (mới) kế nhiệm"},
    {"merge", TD_CLI_WORD, 0, NULL,
     "sáp nhập A, B, ... vào C; C là cơ quan mới (cần tên, từ hai cơ quan cũ) hoặc cơ quan đã có, tiếp tục hoạt động "
     "và tiếp nhận A, B, ... (sáp nhập vào; một cơ quan cũ là đủ)"},
    {"split", TD_CLI_WORD, 0, NULL,
     "chia tách A thành B, C, ...; nhiệm vụ của A chuyển cho cơ quan --into ĐẦU TIÊN, trừ các nhiệm vụ ghi bằng --task "
     "SỐ=SLUG (chuyển cho SLUG)"},
    {"issuer", TD_CLI_WORD, 0, NULL,
     "từ ngày --date, cơ quan ban hành kế hoạch (tỉnh) mang tên mới, ví dụ \"UBND thành phố Hải Phòng\" sau khi hợp "
     "nhất tỉnh"},
    {"at", required_argument, 'a', "dd/mm/yyyy", "list: chỉ các cơ quan tồn tại vào ngày này"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__agency_issuer_opts[] = {TDS__ROW_DATE, {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__agency_plain_opts[] = {TDS__ROW_DATE, TDS__ROW_KIND, {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__agency_merge_opts[] = {TDS__ROW_DATE, TDS__ROW_KIND, TDS__ROW_INTO, {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__agency_split_opts[] = {
    TDS__ROW_DATE, TDS__ROW_KIND, TDS__ROW_INTO,
    {"task", required_argument, 't', "SỐ=SLUG", "split: nhiệm vụ SỐ chuyển cho SLUG; lặp lại được"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__agency_import_opts[] = {
    {"apply", no_argument, 'a', NULL, "import: lưu (không có: chỉ cho biết sẽ thay đổi gì)"},
    {"date", required_argument, 'D', "dd/mm/yyyy", "import: ngày các cơ quan mới bắt đầu (khi tệp không ghi Từ ngày)"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tds__agency_export_opts[] = {
    {"out", required_argument, 'o', "TỆP", "export: ghi ra tệp thay vì màn hình"}, {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tds__agency_spec = {
    .prog = "tiendo-server",
    .cmd = "agency",
    .usage = "tiendo-server agency list [--at dd/mm/yyyy] [--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server agency add SLUG \"Tên\" --kind LOẠI [--date dd/mm/yyyy] [--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server agency import TỆP [--apply] [--date dd/mm/yyyy] [--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server agency export [--out TỆP] [--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server agency rename SLUG_CŨ SLUG_MỚI \"Tên mới\" --date dd/mm/yyyy [--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server agency merge A [B ...] --into C [\"Tên C\"] --date dd/mm/yyyy [--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server agency split A --into B \"Tên B\" --into C \"Tên C\" [--task SỐ=SLUG ...] --date dd/mm/yyyy "
             "[--config TỆP | --data THƯ_MỤC]\n"
             "tiendo-server agency issuer \"Tên cơ quan ban hành\" --date dd/mm/yyyy [--config TỆP | --data THƯ_MỤC]",
    .about = "Danh mục cơ quan (slug, tên chính thức, loại, thời gian hiệu lực, cơ quan kế nhiệm).",
    .opts = {tds__agency_list_opts, tds__agency_split_opts, tds__agency_import_opts, tds__agency_export_opts,
             tds_config_opts},
    .footer = "Không xóa gì: cơ quan cũ giữ slug, tên và thời gian hiệu lực; nhiệm vụ giữ tên cơ quan như kế hoạch đã "
              "viết, còn cơ quan chịu trách nhiệm theo liên kết kế nhiệm.\n"
              "add, import --apply, rename, merge, split, issuer ghi vào sổ nhật ký, ký bằng khóa của máy chủ: cần "
              "--cert, --key (và --ca lần đầu) hoặc --config TỆP của máy chủ.\n",
};
#define TDS__AGENCY_PARSE(name, sub, table) \
    static const td_cli_spec name = {.prog = "tiendo-server", .cmd = "agency " sub, .opts = {table, tds_config_opts}}
TDS__AGENCY_PARSE(tds__agency_list_parse, "list", tds__agency_list_opts);
TDS__AGENCY_PARSE(tds__agency_issuer_parse, "issuer", tds__agency_issuer_opts);
TDS__AGENCY_PARSE(tds__agency_plain_parse, "add", tds__agency_plain_opts);
TDS__AGENCY_PARSE(tds__agency_merge_parse, "merge", tds__agency_merge_opts);
TDS__AGENCY_PARSE(tds__agency_split_parse, "split", tds__agency_split_opts);
TDS__AGENCY_PARSE(tds__agency_import_parse, "import", tds__agency_import_opts);
TDS__AGENCY_PARSE(tds__agency_export_parse, "export", tds__agency_export_opts);
static void tds__agency_usage(FILE *f) { td_cli_help(&tds__agency_spec, f); }

static int tds__list(int argc, char **argv)
{
    int at = 0;
    tds_config cfg;
    tds_ledger *lg = NULL;
    const td_registry *rp;
    int oc;
    tds_config_init(&cfg, "tiendo-server agency list");
    while ((oc = tds_config_getopt_spec(&cfg, argc, argv, &tds__agency_list_parse)) != -1) {
        if (oc == 'h') {
            tds__agency_usage(stdout);
            return 0;
        } else if (oc == 'a') {
            if (td_date_parse_vi(optarg, &at)) {
                fprintf(stderr, "tiendo-server agency list: " TD_MSG_AGENCY_DATE_BAD "\n", optarg);
                return 2;
            }
        } else {
            return 2;
        }
    }
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if ((oc = tds_cmd_ready(&cfg, 0, &lg))) return oc;
    rp = tds_ledger_registry(lg);
#define reg (*rp)
    if (at) {
        char d[16];
        td_date_vi(at, d, sizeof d);
        printf(TD_MSG_AGENCY_LIST_AT_DATE "\n", d);
    } else {
        printf(TD_MSG_AGENCY_LIST_HEAD "\n", reg.n_agencies, reg.n_groups);
    }
    for (size_t i = 0; i < reg.n_agencies; i++) {
        const td_agency *a = &reg.agencies[i];
        char from[16], to[16];
        if (at && !td_agency_valid_at(a, at)) continue;
        td_date_vi(a->valid_from, from, sizeof from);
        td_date_vi(a->valid_to, to, sizeof to);
        printf("  %-20s %s (%s)", a->slug, a->name, td_agency_kind_vi(a->kind));
        if (a->valid_from) printf(TD_MSG_AGENCY_LIST_FROM, from);
        if (a->valid_to) {
            printf(TD_MSG_AGENCY_LIST_ENDED_SUCCESSORS, to);
            for (size_t c = 0; c < reg.n_changes; c++) {
                const td_agency_change *ch = &reg.changes[c];
                int mine = 0;
                for (size_t k = 0; k < ch->n_from && ch->kind != TD_CHANGE_ALIAS; k++)
                    if (!strcmp(ch->from[k], a->slug)) mine = 1;
                for (size_t k = 0; mine && k < ch->n_to; k++) printf("%s %s", k ? "," : "", ch->to[k].slug);
            }
        }
        printf("\n");
    }
    for (size_t c = 0; c < reg.n_changes; c++)
        if (reg.changes[c].kind == TD_CHANGE_ISSUER) {
            char d[16];
            td_date_vi(reg.changes[c].date, d, sizeof d);
            printf(TD_MSG_AGENCY_ISSUER_SINCE "\n", d, reg.changes[c].alias_text);
        }
    printf(TD_MSG_AGENCY_LIST_GROUPS "\n");
    for (size_t i = 0; i < reg.n_groups; i++) {
        const td_group *g = &reg.groups[i];
        printf("  %-20s %s%s\n", g->slug, g->name, g->open ? TD_MSG_AGENCY_GROUP_NO_MEMBERS : "");
    }
#undef reg
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return 0;
}

/* Tasks whose lead or partner (as resolved) passes from one of this change's
 * old agencies to another on its date; earlier changes are not repeated. */
static void tds__print_moves(const td_state *st, const td_plan *p, const td_registry *reg, const td_agency_change *ch)
{
    int before = ch->date - 1;   /* any day before the change; the exact day does not matter */
    size_t moved = 0;
    for (size_t i = 0; i < p->n_tasks; i++) {
        const td_task *t = &p->tasks[i];
        for (int side = 0; side < 2; side++) {
            const td_agency_ref *r = side ? t->partners : t->leads;
            size_t n = side ? t->n_partners : t->n_leads;
            for (size_t k = 0; k < n; k++) {
                const char *old, *now;
                if (r[k].group) continue;
                int ours = 0;
                old = td_registry_responsible(reg, r[k].slug, before, t->number);
                now = td_registry_responsible(reg, r[k].slug, ch->date, t->number);
                for (size_t f = 0; old && f < ch->n_from; f++)
                    if (!strcmp(old, ch->from[f])) ours = 1;
                if (ours && now && strcmp(old, now)) {
                    if (!moved++) printf(TD_MSG_AGENCY_TASKS_MOVED_HEAD "\n");
                    char kb[48];
                    if (st) td_state_key_fmt(st, (uint32_t)t->number, kb, sizeof kb);
                    else snprintf(kb, sizeof kb, "%d", t->number);
                    printf(TD_MSG_AGENCY_TASK_MOVED "\n", kb, side ? TD_MSG_AGENCY_WORD_PARTNER : TD_MSG_AGENCY_WORD_LEAD, old, now);
                }
            }
        }
    }
    if (!moved) printf(TD_MSG_AGENCY_NO_TASKS_MOVED "\n");
}

/* Sign the change with the server key and append it; prints the result.
 * 0 or 1 (message printed). */
static int tds__store(tds_ledger *lg, const td_agency_change *ch, const char *summary)
{
    tds_own_entry own;
    uint8_t *payload = NULL;
    td_error err = {0};
    int rc = 1;
    memset(&own, 0, sizeof own);
    if (td_agency_change_pb_encode(ch, &payload, &own.len)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        return 1;
    }
    own.kind = TIENDO__ENTRY_KIND__ENTRY_AGENCY;
    own.payload = payload;
    if (tds_ledger_append_own(lg, &own, 1, &err)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_AGENCY_SAVE_FAILED "\n", td_error_vi(&err));
    } else if (own.res.refused) {
        fprintf(stderr, "tiendo-server: " TD_MSG_AGENCY_ENTRY_REFUSED "\n",
                (unsigned long long)own.index, own.res.reason);
    } else {
        printf(TD_MSG_AGENCY_SAVED "\n", summary, (unsigned long long)own.index);
        rc = 0;
    }
    free(payload);
    return rc;
}

/* Key and certificate present?  Else the usage message; 2. */
static int tds__need_key(const tds_config *cfg, const char *cmd)
{
    if (cfg->key && cfg->cert) return 0;
    fprintf(stderr, TD_MSG_AGENCY_NEEDS_KEY "\n", cmd);
    return 2;
}

static int tds__change(int argc, char **argv, td_change_kind kind)
{
    char *pos[TDS_MERGE_MAX + 3];
    int npos = 0, date = 0, kind_opt = -1, rc = 1, has = 0;
    tds_config cfg;
    tds_ledger *lg = NULL;
    td_agency into[TDS_SPLIT_MAX];
    size_t ninto = 0;
    td_task_assign assign[TDS_SPLIT_MAX > 0 ? TDS_ASSIGN_MAX : 1];
    const char *assign_text[TDS_SPLIT_MAX > 0 ? TDS_ASSIGN_MAX : 1];   /* "SỐ" or "KẾ_HOẠCH:SỐ" as typed */
    size_t nassign = 0;
    td_agency_change ch = {0};
    const td_plan *pp;
    td_registry reg;
    td_error err = {0};
    char summary[768], d[16];
    const char *absorbed_into = NULL;
    const char *cmd = kind == TD_CHANGE_RENAME ? "rename"
                      : kind == TD_CHANGE_MERGE ? "merge"
                      : kind == TD_CHANGE_SPLIT ? "split"
                      : kind == TD_CHANGE_ADD   ? "add"
                                                : "issuer";

    char prog[64];
    int c;

    memset(into, 0, sizeof into);
    snprintf(prog, sizeof prog, "tiendo-server agency %s", cmd);
    tds_config_init(&cfg, prog);
    while ((c = tds_config_getopt_spec(&cfg, argc, argv,
                                       kind == TD_CHANGE_ISSUER  ? &tds__agency_issuer_parse
                                       : kind == TD_CHANGE_MERGE ? &tds__agency_merge_parse
                                       : kind == TD_CHANGE_SPLIT ? &tds__agency_split_parse
                                                                 : &tds__agency_plain_parse)) != -1) {
        if (c == 'h') {
            tds__agency_usage(stdout);
            return 0;
        } else if (c == 'D') {
            if (td_date_parse_vi(optarg, &date)) {
                fprintf(stderr, TD_MSG_AGENCY_CMD_DATE_BAD "\n", cmd, optarg);
                return 2;
            }
        } else if (c == 'k') {
            if ((kind_opt = td_agency_kind_parse(optarg)) < 0) {
                fprintf(stderr, TD_MSG_AGENCY_CMD_KIND_BAD TD_AGENCY_KINDS_TEXT ")\n",
                        cmd, optarg);
                return 2;
            }
        } else if (c == 'i') {
            if (ninto >= (kind == TD_CHANGE_MERGE ? 1 : TDS_SPLIT_MAX)) {
                fprintf(stderr, TD_MSG_AGENCY_CMD_TOO_MANY_INTO "\n", cmd);
                return 2;
            }
            into[ninto].slug = optarg;
            /* --into SLUG ["Tên mới"]: the name, when given, is the next word */
            if (optind < argc && argv[optind][0] != '-') into[ninto].name = argv[optind++];
            ninto++;
        } else if (c == 't') {
            char *eq = strchr(optarg, '=');
            const char *colon = strchr(optarg, ':');
            int num = atoi(colon && (!eq || colon < eq) ? colon + 1 : optarg);
            if (!eq || num <= 0 || nassign >= TDS_ASSIGN_MAX) {
                fprintf(stderr, "tiendo-server agency split: " TD_MSG_AGENCY_TASK_ARG_BAD "\n", optarg);
                return 2;
            }
            assign[nassign].task = num;
            assign[nassign].slug = eq + 1;
            assign_text[nassign] = optarg;
            nassign++;
        } else {
            return 2;
        }
    }
    for (; optind < argc; optind++) {
        if (npos >= (int)(sizeof pos / sizeof pos[0])) {
            fprintf(stderr, TD_MSG_AGENCY_CMD_TOO_MANY_ARGS "\n", cmd);
            return 2;
        }
        pos[npos++] = argv[optind];
    }
    if (!date && kind != TD_CHANGE_ADD) {
        fprintf(stderr, TD_MSG_AGENCY_CMD_DATE_MISSING "\n", cmd);
        return 2;
    }
    if (kind == TD_CHANGE_RENAME) {
        if (npos != 3) {
            fprintf(stderr, "tiendo-server agency rename: " TD_MSG_AGENCY_RENAME_ARGS "\n");
            return 2;
        }
        into[0].slug = pos[1];
        into[0].name = pos[2];
        ninto = 1;
        npos = 1;
    } else if (kind == TD_CHANGE_ADD) {
        if (npos != 2) {
            fprintf(stderr, "tiendo-server agency add: " TD_MSG_AGENCY_ADD_ARGS "\n");
            return 2;
        }
        if (kind_opt < 0) {
            fprintf(stderr, "tiendo-server agency add: " TD_MSG_AGENCY_KIND_MISSING TD_AGENCY_KINDS_TEXT ")\n");
            return 2;
        }
        into[0].slug = pos[0];
        into[0].name = pos[1];
        ninto = 1;
        npos = 0;
    } else if (kind == TD_CHANGE_ISSUER) {
        if (npos != 1) {
            fprintf(stderr, "tiendo-server agency issuer: " TD_MSG_AGENCY_ISSUER_ARGS "\n");
            return 2;
        }
        ch.alias_text = pos[0];
        npos = 0;
    } else if (kind == TD_CHANGE_MERGE) {
        if (ninto != 1) {
            fprintf(stderr, "tiendo-server agency merge: " TD_MSG_AGENCY_MERGE_INTO_MISSING "\n");
            return 2;
        }
        /* "merge A B --into B": B continues and takes A in; it is not ended */
        for (int k = 0; k < npos; k++)
            if (!strcmp(pos[k], into[0].slug)) {
                absorbed_into = into[0].slug;
                memmove(&pos[k], &pos[k + 1], (size_t)(npos - k - 1) * sizeof pos[0]);
                npos--;
                k--;
            }
        if (npos < 1 || npos > TDS_MERGE_MAX) {
            fprintf(stderr, "tiendo-server agency merge: " TD_MSG_AGENCY_MERGE_FROM_MISSING "\n",
                    into[0].slug);
            return 2;
        }
    } else {
        if (npos != 1 || ninto < 2) {
            fprintf(stderr, "tiendo-server agency split: " TD_MSG_AGENCY_SPLIT_ARGS "\n");
            return 2;
        }
        for (size_t k = 0; k < ninto; k++)
            if (!into[k].name) {
                fprintf(stderr, "tiendo-server agency split: " TD_MSG_AGENCY_INTO_NAME_MISSING "\n", into[k].slug);
                return 2;
            }
    }
    for (size_t k = 0; k < ninto; k++) into[k].kind = kind_opt > 0 ? (td_agency_kind)kind_opt : 0;
    ch.kind = kind;
    ch.date = date;
    ch.from = pos;
    ch.n_from = (size_t)npos;
    ch.to = ninto ? into : NULL;
    ch.n_to = ninto;
    ch.assign = assign;
    ch.n_assign = nassign;

    if ((rc = tds_config_finish(&cfg))) {
        tds_config_free(&cfg);
        return rc;
    }
    if ((rc = tds__need_key(&cfg, cmd))) {
        tds_config_free(&cfg);
        return rc;
    }
    rc = 1;
    if (tds_cmd_open_ledger(&cfg, 1, &lg)) {
        tds_config_free(&cfg);
        return 1;
    }
    if (tds_registry_copy(&reg, tds_ledger_registry(lg))) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        tds_ledger_close(lg);
        tds_config_free(&cfg);
        return 1;
    }
    /* a task of a later plan is assigned by its key (docs/LOG.md §14); the
     * default plan's key is its number */
    for (size_t a = 0; a < nassign && tds_ledger_state(lg); a++) {
        char text[64], why[768];
        uint32_t key;
        snprintf(text, sizeof text, "%.*s", (int)(strchr(assign_text[a], '=') - assign_text[a]), assign_text[a]);
        if (td_state_key_parse(tds_ledger_state(lg), text, NULL, NULL, &key, why, sizeof why)) {
            fprintf(stderr, "tiendo-server agency split: --task %s: %s\n", assign_text[a], why);
            rc = 2;
            goto out;
        }
        assign[a].task = (int)key;
    }
    if (kind == TD_CHANGE_MERGE && !td_registry_agency(&reg, into[0].slug)) {
        if (absorbed_into) {
            fprintf(stderr, "tiendo-server agency merge: " TD_MSG_AGENCY_INTO_UNKNOWN "\n",
                    into[0].slug);
            goto out;
        }
        if (!into[0].name) {
            fprintf(stderr, "tiendo-server agency merge: " TD_MSG_AGENCY_INTO_NEW_NEEDS_NAME "\n",
                    into[0].slug, into[0].slug);
            rc = 2;
            goto out;
        }
    }
    if (kind == TD_CHANGE_MERGE && td_registry_agency(&reg, into[0].slug) && into[0].name &&
        strcmp(into[0].name, td_registry_agency(&reg, into[0].slug)->name)) {
        fprintf(stderr, "tiendo-server agency merge: " TD_MSG_AGENCY_INTO_HAS_NAME "\n",
                into[0].slug, td_registry_agency(&reg, into[0].slug)->name);
        goto out;
    }
    if (kind == TD_CHANGE_MERGE && !into[0].name) into[0].name = td_registry_agency(&reg, into[0].slug)->name;
    if (kind == TD_CHANGE_MERGE && td_registry_agency(&reg, into[0].slug)) absorbed_into = into[0].slug;
    if (td_registry_apply(&reg, &ch, &err)) {
        fprintf(stderr, TD_MSG_AGENCY_CMD_FAILED "\n", cmd, td_error_vi(&err));
        goto out;
    }
    td_date_vi(date, d, sizeof d);
    if (kind == TD_CHANGE_RENAME) {
        snprintf(summary, sizeof summary, TD_MSG_AGENCY_SUMMARY_RENAME, pos[0], into[0].slug, into[0].name, d);
    } else if (kind == TD_CHANGE_MERGE && absorbed_into) {
        size_t used = (size_t)snprintf(summary, sizeof summary, TD_MSG_AGENCY_WORD_MERGE);
        for (int k = 0; k < npos && used < sizeof summary; k++)
            used += (size_t)snprintf(summary + used, sizeof summary - used, "%s %s", k ? "," : "", pos[k]);
        if (used < sizeof summary)
            snprintf(summary + used, sizeof summary - used, TD_MSG_AGENCY_SUMMARY_MERGE_INTO, into[0].slug, d);
    } else if (kind == TD_CHANGE_MERGE) {
        snprintf(summary, sizeof summary, TD_MSG_AGENCY_SUMMARY_MERGE_NEW, npos, into[0].slug, d);
    } else if (kind == TD_CHANGE_SPLIT) {
        snprintf(summary, sizeof summary, TD_MSG_AGENCY_SUMMARY_SPLIT, pos[0], ninto, d);
    } else if (kind == TD_CHANGE_ADD) {
        snprintf(summary, sizeof summary, TD_MSG_AGENCY_SUMMARY_ADD, into[0].slug, into[0].name,
                 td_agency_kind_vi(td_registry_agency(&reg, into[0].slug)->kind), date ? TD_MSG_AGENCY_WORD_FROM : "", date ? d : "");
    } else {
        snprintf(summary, sizeof summary, TD_MSG_AGENCY_SUMMARY_ISSUER, d, ch.alias_text);
    }
    if (tds__store(lg, &ch, summary)) goto out;
    pp = tds_ledger_plan(lg, &has);   /* the fold may have moved it */
    if (has && ch.n_from) tds__print_moves(tds_ledger_state(lg), pp, &reg, &ch);
    rc = 0;
out:
    td_registry_free(&reg);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}

/* A whole file, at most TD_CSV_MAX bytes; NULL with a message. */
static char *tds__slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    if (!f) {
        fprintf(stderr, "tiendo-server: " TD_MSG_AGENCY_FILE_OPEN "\n", path, td_errno_vi_log(errno, path));
        return NULL;
    }
    if (!(buf = malloc((size_t)TD_CSV_MAX + 1))) {
        fclose(f);
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        return NULL;
    }
    *n = fread(buf, 1, (size_t)TD_CSV_MAX + 1, f);
    if (ferror(f) || *n > TD_CSV_MAX) {
        fprintf(stderr, "tiendo-server: %s: %s\n", path, ferror(f) ? TD_MSG_AGENCY_FILE_READ_ERROR : TD_MSG_AGENCY_FILE_TOO_LARGE);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    return buf;
}

/* `agency import FILE.csv [--apply] [--date D]`: the new agencies of the file
 * as one ADD change; rows already in the registry with the same name and kind
 * are unchanged, a known slug with another name or kind is an error. */
static int tds__import(int argc, char **argv)
{
    const char *file = NULL;
    int apply = 0, date = 0, rc = 1;
    tds_config cfg;
    tds_ledger *lg = NULL;
    td_agency *rows = NULL, *add = NULL;
    size_t nrows = 0, nadd = 0, same = 0, conflicts = 0;
    char *buf = NULL;
    size_t n = 0;
    td_error err = {0};
    td_registry reg;
    int have_reg = 0;

    int c;
    tds_config_init(&cfg, "tiendo-server agency import");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__agency_import_parse)) != -1) {
        if (c == 'h') {
            tds__agency_usage(stdout);
            return 0;
        } else if (c == 'a') {
            apply = 1;
        } else if (c == 'D') {
            if (td_date_parse_vi(optarg, &date)) {
                fprintf(stderr, "tiendo-server agency import: " TD_MSG_AGENCY_DATE_BAD "\n", optarg);
                return 2;
            }
        } else {
            return 2;
        }
    }
    if (optind < argc) file = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "tiendo-server agency import: " TD_MSG_AGENCY_IMPORT_ONE_FILE "\n");
        return 2;
    }
    if (!file) {
        fprintf(stderr, "tiendo-server agency import: " TD_MSG_AGENCY_IMPORT_FILE_MISSING "\n");
        return 2;
    }
    if ((rc = tds_config_finish(&cfg))) {
        tds_config_free(&cfg);
        return rc;
    }
    if (apply && (rc = tds__need_key(&cfg, "import"))) {
        tds_config_free(&cfg);
        return rc;
    }
    rc = 1;
    if (!(buf = tds__slurp(file, &n))) goto out;
    if (td_csv_import_agencies(buf, n, file, &rows, &nrows, &err)) {
        fprintf(stderr, "tiendo-server agency import: %s\n", td_error_vi(&err));
        goto out;
    }
    if (tds_cmd_open_ledger(&cfg, apply, &lg)) goto out;
    if (tds_registry_copy(&reg, tds_ledger_registry(lg))) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        goto out;
    }
    have_reg = 1;
    if (nrows && !(add = calloc(nrows, sizeof *add))) {
        fprintf(stderr, "tiendo-server: " TD_MSG_NOMEM "\n");
        goto out;
    }
    for (size_t i = 0; i < nrows; i++) {
        const td_agency *old = td_registry_agency(&reg, rows[i].slug);
        int from = rows[i].valid_from ? rows[i].valid_from : date;
        if (old && !strcmp(old->name, rows[i].name) && old->kind == rows[i].kind) {
            same++;
            continue;
        }
        if (old) {
            fprintf(stderr, TD_MSG_AGENCY_IMPORT_NAME_DIFFERS "\n",
                    rows[i].slug, old->name, td_agency_kind_vi(old->kind), rows[i].name,
                    td_agency_kind_vi(rows[i].kind));
            conflicts++;
            continue;
        }
        if (nadd && from != add[0].valid_from) {
            fprintf(stderr, TD_MSG_AGENCY_IMPORT_DATE_DIFFERS "\n", rows[i].slug);
            conflicts++;
            continue;
        }
        add[nadd] = rows[i];
        add[nadd++].valid_from = from;
    }
    if (conflicts) {
        fprintf(stderr, "tiendo-server agency import: " TD_MSG_AGENCY_IMPORT_LINES_FAILED "\n", conflicts);
        goto out;
    }
    printf(TD_MSG_AGENCY_IMPORT_SUMMARY "\n", file, nrows, same, nadd);
    for (size_t i = 0; i < nadd; i++) {
        char d[16] = "";
        if (add[i].valid_from) td_date_vi(add[i].valid_from, d, sizeof d);
        printf("  + %-24s %s (%s)%s%s\n", add[i].slug, add[i].name, td_agency_kind_vi(add[i].kind),
               *d ? TD_MSG_AGENCY_FROM_DATE : "", d);
    }
    if (!nadd) {
        printf(TD_MSG_AGENCY_NOTHING_CHANGED "\n");
        rc = 0;
        goto out;
    }
    {
        td_agency_change ch = {0};
        char summary[128];
        ch.kind = TD_CHANGE_ADD;
        ch.date = add[0].valid_from;
        ch.to = add;
        ch.n_to = nadd;
        if (td_registry_apply(&reg, &ch, &err)) {
            fprintf(stderr, "tiendo-server agency import: " TD_MSG_AGENCY_FAILED "\n", td_error_vi(&err));
            goto out;
        }
        if (!apply) {
            printf(TD_MSG_AGENCY_DRY_RUN "\n", file);
            rc = 0;
            goto out;
        }
        snprintf(summary, sizeof summary, TD_MSG_AGENCY_SUMMARY_IMPORT, nadd, file);
        rc = tds__store(lg, &ch, summary);
    }
out:
    free(add);   /* its strings belong to rows */
    td_csv_agencies_free(rows, nrows);
    free(buf);
    if (have_reg) td_registry_free(&reg);
    if (lg) tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}

/* `agency export [--out FILE]`: the registry as CSV (for tiendo-pki sign --registry). */
static int tds__export(int argc, char **argv)
{
    const char *out = NULL;
    tds_config cfg;
    tds_ledger *lg = NULL;
    char *buf = NULL;
    size_t n = 0;
    int rc = 0;
    int c;
    tds_config_init(&cfg, "tiendo-server agency export");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__agency_export_parse)) != -1) {
        if (c == 'h') {
            tds__agency_usage(stdout);
            return 0;
        } else if (c == 'o') {
            out = optarg;
        } else {
            return 2;
        }
    }
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if ((rc = tds_cmd_ready(&cfg, 0, &lg))) return rc;
    if (td_csv_export_registry(tds_ledger_registry(lg), &buf, &n)) {
        fprintf(stderr, "tiendo-server: " TD_MSG_AGENCY_EXPORT_NOMEM "\n");
        rc = 1;
    } else if (!(rc = tds_cmd_write_out(out, buf, n)) && out) {
        fprintf(stderr, TD_MSG_AGENCY_EXPORT_DONE "\n",
                tds_ledger_registry(lg)->n_agencies, out, out);
    }
    free(buf);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}

static int tds__rename(int argc, char **argv) { return tds__change(argc, argv, TD_CHANGE_RENAME); }
static int tds__merge(int argc, char **argv) { return tds__change(argc, argv, TD_CHANGE_MERGE); }
static int tds__split(int argc, char **argv) { return tds__change(argc, argv, TD_CHANGE_SPLIT); }
static int tds__add(int argc, char **argv) { return tds__change(argc, argv, TD_CHANGE_ADD); }
static int tds__issuer(int argc, char **argv) { return tds__change(argc, argv, TD_CHANGE_ISSUER); }

int tds_cmd_agency(int argc, char **argv)
{
    static const td_cli_sub subs[] = {{"list", tds__list},     {"rename", tds__rename}, {"merge", tds__merge},
                                      {"split", tds__split},   {"add", tds__add},       {"issuer", tds__issuer},
                                      {"import", tds__import}, {"export", tds__export}};
    return td_cli_sub_main("tiendo-server", "agency", subs, sizeof subs / sizeof subs[0], tds__agency_usage, argc,
                           argv);
}
