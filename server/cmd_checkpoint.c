/*
 * cmd_checkpoint.c — `tiendo-server checkpoint`: the latest signed
 * checkpoint of the log (C2SP tlog-checkpoint, docs/LOG.md §9, §10) and how far the
 * witnesses (the inspectorate's devices) have cosigned it, for operators
 * (Vietnamese).  Read-only: it opens the log without the server key.
 * --note prints the signed note alone, byte for byte, for other tools.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "clock.h"
#include "cmds.h"
#include "msg.h"

static const td_cli_opt tds__checkpoint_opts[] = {
    {"note", no_argument, 'n', NULL, "chỉ in nguyên văn ghi chú đã ký (cho công cụ khác)"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tds__checkpoint_spec = {
    .prog = "tiendo-server",
    .cmd = "checkpoint",
    .usage = "[--config TỆP | --data THƯ_MỤC]",
    .about = "In điểm kiểm (checkpoint) mới nhất của sổ nhật ký: ghi chú đã ký (định dạng C2SP), kích thước cây "
             "Merkle, mã băm gốc; và kích thước lớn nhất đã được nhân chứng (thiết bị của thanh tra) ký xác nhận, kèm "
             "tên từng nhân chứng.",
    .opts = {tds__checkpoint_opts, tds_config_opts},
    .synopsis_tables = 1,
};
static void tds__checkpoint_usage(FILE *f) { td_cli_help(&tds__checkpoint_spec, f); }

/* dd/mm/yyyy hh:mm, local time, for people. */
static void tds__fmt_time(int64_t ms, char *out, size_t cap) { td_clock_fmt(ms, out, cap); }

static int tds__witness_cb(void *arg, const tds_cosig_row *r)
{
    char when[32];
    size_t *n = arg;
    tds__fmt_time(r->received_ms, when, sizeof when);
    if (r->key && r->agency) {
        /* a witness is its key name, agency and key (docs/LOG.md §10) */
        char hex[17], who[200];
        td_key_short_hex(r->key, hex);
        snprintf(who, sizeof who, TD_MSG_CHECKPOINT_WITNESS_NAME, (int)strcspn(r->witness, " "), r->witness, r->agency, hex);
        printf(TD_MSG_CHECKPOINT_WITNESS_LINE "\n", who, (unsigned long long)r->size, when);
    } else {
        printf(TD_MSG_CHECKPOINT_WITNESS_LINE "\n", r->witness, (unsigned long long)r->size, when);
    }
    (*n)++;
    return 0;
}

int tds_cmd_checkpoint(int argc, char **argv)
{
    tds_config cfg;
    tds_ledger *lg = NULL;
    tds_tree_head th;
    td_error err = {0};
    uint64_t witnessed = 0, log_n = 0;
    size_t nw = 0;
    int note_only = 0, rc = 1;

    memset(&th, 0, sizeof th);
    int c;
    tds_config_init(&cfg, "tiendo-server checkpoint");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__checkpoint_spec)) != -1) {
        if (c == 'h') {
            tds__checkpoint_usage(stdout);
            return 0;
        } else if (c == 'n') {
            note_only = 1;
        } else {
            return 2;
        }
    }
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if ((rc = tds_cmd_ready(&cfg, 0, &lg))) return rc;
    rc = 1;
    if (tds_ledger_checkpoint(lg, &th, &err) || tds_ledger_witnessed_size(lg, &witnessed, &err) ||
        tds_logstore_last_index(tds_ledger_store(lg), &log_n, &err)) {
        fprintf(stderr, "tiendo-server checkpoint: " TD_MSG_CHECKPOINT_UNREADABLE "\n", cfg.data,
                td_error_vi(&err));
        goto out;
    }
    if (!th.note) {
        if (note_only) {
            fprintf(stderr, "tiendo-server checkpoint: " TD_MSG_CHECKPOINT_NONE_YET "\n", cfg.data);
            goto out;
        }
        printf(TD_MSG_CHECKPOINT_NONE_YET_HINT "\n",
               cfg.data, (unsigned long long)log_n);
        rc = 0;
        goto out;
    }
    if (note_only) {
        fwrite(th.note, 1, th.note_len, stdout);
        rc = 0;
        goto out;
    }
    {
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, th.root, sizeof th.root);
        printf(TD_MSG_CHECKPOINT_LATEST_HEAD "\n", cfg.data);
        printf(TD_MSG_CHECKPOINT_ORIGIN "\n", tds_ledger_origin(lg));
        printf(TD_MSG_CHECKPOINT_TREE_SIZE "\n", (unsigned long long)th.size,
               (unsigned long long)log_n);
        printf(TD_MSG_CHECKPOINT_ROOT_HASH "\n", hex);
        printf(TD_MSG_CHECKPOINT_SIGNED_NOTE "\n");
        fwrite(th.note, 1, th.note_len, stdout);
        if (th.note_len && th.note[th.note_len - 1] != '\n') putchar('\n');
    }
    if (witnessed == 0) {
        printf(TD_MSG_CHECKPOINT_NO_WITNESS "\n");
    } else {
        printf(TD_MSG_CHECKPOINT_WITNESSED_SIZE "\n", (unsigned long long)witnessed,
               witnessed == th.size ? TD_MSG_CHECKPOINT_WORD_LATEST : "");
        printf(TD_MSG_CHECKPOINT_WITNESSES_HEAD "\n");
        if (tds_logstore_witnesses(tds_ledger_store(lg), tds__witness_cb, &nw, &err) < 0) {
            fprintf(stderr, "tiendo-server checkpoint: %s\n", td_error_vi(&err));
            goto out;
        }
    }
    rc = 0;
out:
    tds_tree_head_free(&th);
    tds_ledger_close(lg);
    tds_config_free(&cfg);
    return rc;
}
