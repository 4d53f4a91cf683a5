/*
 * cmd_agency.c — `tiendo-server agency`: the agency registry and its
 * history (issue: the master plan, point 4).  Changes are validated by
 * td_registry_apply on a copy of the registry derived from the log, then
 * appended to the log as one ENTRY_AGENCY (AgencyChange) signed with the
 * server key; list reads the derived registry.
 *
 * Split semantics: the successors are given in order with --into; every
 * task whose lead (or partner) was the split agency goes to the FIRST
 * successor, except the tasks named with --task N=SLUG, which go to SLUG.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "plan.h"
#include "plan_pb.h"

/* Successors one split may name, and task assignments it may carry. */
#define TDS_SPLIT_MAX 16
#define TDS_ASSIGN_MAX 1024
/* Agencies one merge may combine. */
#define TDS_MERGE_MAX 32

static void tds__agency_usage(FILE *f)
{
    fprintf(f, "Cách dùng:\n"
          "  tiendo-server agency list [--at dd/mm/yyyy] [--config TỆP | --data THƯ_MỤC]\n"
          "  tiendo-server agency rename SLUG_CŨ SLUG_MỚI \"Tên mới\" --date dd/mm/yyyy [--config TỆP | --data ...]\n"
          "  tiendo-server agency merge A B [...] --into C [\"Tên C\"] --date dd/mm/yyyy [--config TỆP | --data ...]\n"
          "  tiendo-server agency split A --into B \"Tên B\" --into C \"Tên C\" [--task SỐ=SLUG ...]\n"
          "                             --date dd/mm/yyyy [--config TỆP | --data ...]\n"
          "\n"
          "Danh mục cơ quan (slug, tên chính thức, loại, thời gian hiệu lực, cơ quan kế nhiệm).\n"
          "\n"
          "  list     liệt kê mọi cơ quan và nhóm; với --at: chỉ các cơ quan tồn tại vào ngày đó\n"
          "  rename   đổi tên: SLUG_CŨ ngừng từ ngày --date, SLUG_MỚI (mới) kế nhiệm\n"
          "  merge    sáp nhập A, B, ... vào C; C có thể là cơ quan mới (cần tên) hoặc đã có\n"
          "  split    chia tách A thành B, C, ...; nhiệm vụ của A chuyển cho cơ quan --into ĐẦU TIÊN,\n"
          "           trừ các nhiệm vụ ghi bằng --task SỐ=SLUG (chuyển cho SLUG)\n"
          "\n"
          "Không xóa gì: cơ quan cũ giữ slug, tên và thời gian hiệu lực; nhiệm vụ giữ tên cơ quan\n"
          "như kế hoạch đã viết, còn cơ quan chịu trách nhiệm theo liên kết kế nhiệm.\n"
          "\n"
          "Tùy chọn:\n"
          "  --date dd/mm/yyyy  ngày tổ chức mới bắt đầu (cơ quan cũ ngừng từ ngày này)\n"
          "  --kind LOẠI        loại của cơ quan mới: dept, provincial, district, central\n"
          "                     (mặc định: loại của cơ quan cũ)\n"
          "%s"
          "\n"
          "rename, merge, split ghi vào sổ nhật ký, ký bằng khóa của máy chủ: cần --cert, --key\n"
          "(và --ca lần đầu) hoặc --config TỆP của máy chủ.\n"
          "\n"
          "Mã thoát: 0 thành công, 1 lỗi, 2 sai cú pháp lệnh.\n",
          tds_config_usage_common);
}

static int tds__list(int argc, char **argv)
{
    int at = 0;
    tds_config cfg;
    tds_ledger *lg = NULL;
    const td_registry *rp;
    tds_config_init(&cfg, "tiendo-server agency list");
    for (int i = 1; i < argc; i++) {
        int t;
        if ((t = tds_config_take(&cfg, argc, argv, &i, 0)) < 0) return 2;
        if (t) {
            i--;
            continue;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            tds__agency_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--at") && i + 1 < argc) {
            if (td_date_parse_vi(argv[++i], &at)) {
                fprintf(stderr, "tiendo-server agency list: ngày không hợp lệ \"%s\" (cần dd/mm/yyyy)\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "tiendo-server agency list: tham số không hợp lệ: %s\n", argv[i]);
            return 2;
        }
    }
    if (tds_config_finish(&cfg) || tds_cmd_open_ledger(&cfg, 0, &lg)) {
        tds_config_free(&cfg);
        return 1;
    }
    rp = tds_ledger_registry(lg);
#define reg (*rp)
    if (at) {
        char d[16];
        td_date_vi(at, d, sizeof d);
        printf("Cơ quan tồn tại ngày %s:\n", d);
    } else {
        printf("Danh mục cơ quan (%zu cơ quan, %zu nhóm):\n", reg.n_agencies, reg.n_groups);
    }
    for (size_t i = 0; i < reg.n_agencies; i++) {
        const td_agency *a = &reg.agencies[i];
        char from[16], to[16];
        if (at && !td_agency_valid_at(a, at)) continue;
        td_date_vi(a->valid_from, from, sizeof from);
        td_date_vi(a->valid_to, to, sizeof to);
        printf("  %-20s %s (%s)", a->slug, a->name, td_agency_kind_vi(a->kind));
        if (a->valid_from) printf(", từ %s", from);
        if (a->valid_to) {
            printf(", ngừng từ %s; kế nhiệm:", to);
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
    printf("Nhóm:\n");
    for (size_t i = 0; i < reg.n_groups; i++) {
        const td_group *g = &reg.groups[i];
        printf("  %-20s %s%s\n", g->slug, g->name, g->open ? " (không nêu tên thành viên)" : "");
    }
#undef reg
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return 0;
}

/* Tasks whose lead or partner (as resolved) changes hands on `date`. */
static void tds__print_moves(const td_plan *p, const td_registry *reg, const td_agency_change *ch)
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
                old = td_registry_responsible(reg, r[k].slug, before, t->number);
                now = td_registry_responsible(reg, r[k].slug, ch->date, t->number);
                if (old && now && strcmp(old, now)) {
                    if (!moved++) printf("Nhiệm vụ chuyển cơ quan chịu trách nhiệm:\n");
                    printf("  nhiệm vụ %d (%s): %s → %s\n", t->number, side ? "phối hợp" : "chủ trì", old, now);
                }
            }
        }
    }
    if (!moved) printf("Không nhiệm vụ nào của kế hoạch đã lưu do cơ quan cũ phụ trách.\n");
}

static int tds__change(int argc, char **argv, td_change_kind kind)
{
    char *pos[TDS_MERGE_MAX + 3];
    int npos = 0, date = 0, kind_opt = -1, rc = 1, has = 0;
    tds_config cfg;
    tds_ledger *lg = NULL;
    tds_own_entry own;
    uint8_t *payload = NULL;
    td_agency into[TDS_SPLIT_MAX];
    size_t ninto = 0;
    td_task_assign assign[TDS_SPLIT_MAX > 0 ? TDS_ASSIGN_MAX : 1];
    size_t nassign = 0;
    td_agency_change ch = {0};
    const td_plan *pp;
    td_registry reg;
    td_error err = {0};
    char summary[512], d[16];
    const char *cmd = kind == TD_CHANGE_RENAME ? "rename" : kind == TD_CHANGE_MERGE ? "merge" : "split";

    memset(into, 0, sizeof into);
    tds_config_init(&cfg, "tiendo-server agency");
    for (int i = 1; i < argc; i++) {
        int t;
        if ((t = tds_config_take(&cfg, argc, argv, &i, 0)) < 0) return 2;
        if (t) {
            i--;
            continue;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            tds__agency_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--date") && i + 1 < argc) {
            if (td_date_parse_vi(argv[++i], &date)) {
                fprintf(stderr, "tiendo-server agency %s: ngày không hợp lệ \"%s\" (cần dd/mm/yyyy)\n", cmd, argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--kind") && i + 1 < argc) {
            if ((kind_opt = td_agency_kind_parse(argv[++i])) < 0) {
                fprintf(stderr, "tiendo-server agency %s: loại không hợp lệ \"%s\" (dept, provincial, district, central)\n",
                        cmd, argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--into") && i + 1 < argc && kind != TD_CHANGE_RENAME) {
            if (ninto >= (kind == TD_CHANGE_MERGE ? 1 : TDS_SPLIT_MAX)) {
                fprintf(stderr, "tiendo-server agency %s: quá nhiều --into\n", cmd);
                return 2;
            }
            into[ninto].slug = argv[++i];
            if (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) into[ninto].name = argv[++i];
            ninto++;
        } else if (!strcmp(argv[i], "--task") && i + 1 < argc && kind == TD_CHANGE_SPLIT) {
            char *eq = strchr(argv[++i], '=');
            int num = atoi(argv[i]);
            if (!eq || num <= 0 || nassign >= TDS_ASSIGN_MAX) {
                fprintf(stderr, "tiendo-server agency split: --task cần dạng SỐ=SLUG, không phải \"%s\"\n", argv[i]);
                return 2;
            }
            assign[nassign].task = num;
            assign[nassign].slug = eq + 1;
            nassign++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tiendo-server agency %s: tùy chọn không hợp lệ hoặc thiếu giá trị: %s\n", cmd, argv[i]);
            return 2;
        } else if (npos < (int)(sizeof pos / sizeof pos[0])) {
            pos[npos++] = argv[i];
        } else {
            fprintf(stderr, "tiendo-server agency %s: quá nhiều tham số\n", cmd);
            return 2;
        }
    }
    if (!date) {
        fprintf(stderr, "tiendo-server agency %s: thiếu --date dd/mm/yyyy\n", cmd);
        return 2;
    }
    if (kind == TD_CHANGE_RENAME) {
        if (npos != 3) {
            fprintf(stderr, "tiendo-server agency rename: cần SLUG_CŨ SLUG_MỚI \"Tên mới\"\n");
            return 2;
        }
        into[0].slug = pos[1];
        into[0].name = pos[2];
        ninto = 1;
        npos = 1;
    } else if (kind == TD_CHANGE_MERGE) {
        if (npos < 2 || ninto != 1 || npos > TDS_MERGE_MAX) {
            fprintf(stderr, "tiendo-server agency merge: cần hai cơ quan trở lên và một --into\n");
            return 2;
        }
    } else {
        if (npos != 1 || ninto < 2) {
            fprintf(stderr, "tiendo-server agency split: cần một cơ quan và hai --into SLUG \"Tên\" trở lên\n");
            return 2;
        }
        for (size_t k = 0; k < ninto; k++)
            if (!into[k].name) {
                fprintf(stderr, "tiendo-server agency split: --into %s thiếu tên cơ quan\n", into[k].slug);
                return 2;
            }
    }
    for (size_t k = 0; k < ninto; k++) into[k].kind = kind_opt > 0 ? (td_agency_kind)kind_opt : 0;
    ch.kind = kind;
    ch.date = date;
    ch.from = pos;
    ch.n_from = (size_t)npos;
    ch.to = into;
    ch.n_to = ninto;
    ch.assign = assign;
    ch.n_assign = nassign;

    if ((rc = tds_config_finish(&cfg))) {
        tds_config_free(&cfg);
        return rc;
    }
    rc = 1;
    if (!cfg.key || !cfg.cert) {
        fprintf(stderr, "tiendo-server agency %s: cần khóa và chứng thư của máy chủ để ký thay đổi:\n"
                        "  --key TỆP --cert TỆP (và --ca TỆP lần đầu), hoặc --config TỆP của máy chủ\n", cmd);
        tds_config_free(&cfg);
        return 2;
    }
    if (tds_cmd_open_ledger(&cfg, 1, &lg)) {
        tds_config_free(&cfg);
        return 1;
    }
    pp = tds_ledger_plan(lg, &has);
    if (tds_registry_copy(&reg, tds_ledger_registry(lg))) {
        fprintf(stderr, "tiendo-server: hết bộ nhớ\n");
        tds_ledger_close(lg);
        tds_config_free(&cfg);
        return 1;
    }
    if (kind == TD_CHANGE_MERGE && !td_registry_agency(&reg, into[0].slug) && !into[0].name) {
        fprintf(stderr, "tiendo-server agency merge: %s là cơ quan mới, cần tên: --into %s \"Tên\"\n", into[0].slug,
                into[0].slug);
        rc = 2;
        goto out;
    }
    if (kind == TD_CHANGE_MERGE && td_registry_agency(&reg, into[0].slug) && into[0].name &&
        strcmp(into[0].name, td_registry_agency(&reg, into[0].slug)->name)) {
        fprintf(stderr, "tiendo-server agency merge: %s đã có tên \"%s\"; đổi tên là một lệnh rename riêng\n",
                into[0].slug, td_registry_agency(&reg, into[0].slug)->name);
        goto out;
    }
    if (kind == TD_CHANGE_MERGE && !into[0].name) into[0].name = td_registry_agency(&reg, into[0].slug)->name;
    if (td_registry_apply(&reg, &ch, &err)) {
        fprintf(stderr, "tiendo-server agency %s: không thực hiện được (%s): %s\n", cmd, td_err_vi(err.code), err.msg);
        goto out;
    }
    td_date_vi(date, d, sizeof d);
    if (kind == TD_CHANGE_RENAME)
        snprintf(summary, sizeof summary, "đổi tên %s thành %s (%s) từ %s", pos[0], into[0].slug, into[0].name, d);
    else if (kind == TD_CHANGE_MERGE)
        snprintf(summary, sizeof summary, "sáp nhập %d cơ quan vào %s từ %s", npos, into[0].slug, d);
    else
        snprintf(summary, sizeof summary, "chia tách %s thành %zu cơ quan từ %s", pos[0], ninto, d);
    memset(&own, 0, sizeof own);
    if (td_agency_change_pb_encode(&ch, &payload, &own.len)) {
        fprintf(stderr, "tiendo-server: hết bộ nhớ\n");
        goto out;
    }
    own.kind = TIENDO__ENTRY_KIND__ENTRY_AGENCY;
    own.payload = payload;
    if (tds_ledger_append_own(lg, &own, 1, &err)) {
        fprintf(stderr, "tiendo-server: không lưu được thay đổi (%s): %s\n", td_err_vi(err.code), err.msg);
        goto out;
    }
    if (own.res.refused) {
        fprintf(stderr, "tiendo-server: bản ghi số %llu bị từ chối khi suy ra trạng thái: %s\n",
                (unsigned long long)own.index, own.res.reason);
        goto out;
    }
    printf("Đã lưu: %s (bản ghi số %llu của sổ nhật ký).\n", summary, (unsigned long long)own.index);
    pp = tds_ledger_plan(lg, &has);   /* the fold may have moved it */
    if (has) tds__print_moves(pp, &reg, &ch);
    rc = 0;
out:
    free(payload);
    td_registry_free(&reg);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}

int tds_cmd_agency(int argc, char **argv)
{
    if (argc < 2) {
        tds__agency_usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        tds__agency_usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "list")) return tds__list(argc - 1, argv + 1);
    if (!strcmp(argv[1], "rename")) return tds__change(argc - 1, argv + 1, TD_CHANGE_RENAME);
    if (!strcmp(argv[1], "merge")) return tds__change(argc - 1, argv + 1, TD_CHANGE_MERGE);
    if (!strcmp(argv[1], "split")) return tds__change(argc - 1, argv + 1, TD_CHANGE_SPLIT);
    fprintf(stderr, "tiendo-server agency: lệnh con không tồn tại: \"%s\"\n\n", argv[1]);
    tds__agency_usage(stderr);
    return 2;
}
