/*
 * cmd_upgrade.c — `tiendo-server upgrade-digest`: move a log made before the
 * incremental state digest to it (docs/LOG.md §9, "The state line and its
 * version").  A log still on v1 signs its checkpoints with the O(state)
 * digest, at most once a second; after the switch every commit signs its own
 * checkpoint with the v2 digest (LtHash16).
 *
 * What switching means in the log's own terms: the append-only meta row
 * "state_digest_v2" = the last checkpoint size signed before the switch.
 * Every checkpoint names its version in its state line, so the v1 ones keep
 * verifying and a verifier (tiendo audit verify) checks each against the
 * digest it names; the first v2 checkpoint is the next one signed, by the
 * next commit that appends rows.
 *
 * With the server stopped: it holds the data directory's lock (datalock.h),
 * so no server starts meanwhile and a running one makes it refuse.  The
 * ledger is opened with the server key, which refolds the whole log and
 * checks the stored tree and the last checkpoint against it (a damaged
 * database is refused and nothing is written).  Idempotent: a log already on
 * v2 is left as it is and said so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "datalock.h"
#include "logstore.h"
#include "msg.h"

/* The meta key recording the switch (server/checkpointer.c). */
#define TDS_DIGEST_V2_META "state_digest_v2"

static const td_cli_spec tds__upgrade_spec = {
    .prog = "tiendo-server",
    .cmd = "upgrade-digest",
    .usage = "[--config TỆP | --data THƯ_MỤC] --key TỆP --cert TỆP",
    .about = "Chuyển sổ nhật ký tạo trước phiên bản 2 của mã băm trạng thái sang phiên bản 2 (tiendo-state-v2): từ "
             "điểm kiểm kế tiếp, mỗi lần ghi ký một điểm kiểm riêng thay vì tối đa một điểm kiểm mỗi giây.  Các điểm "
             "kiểm cũ (phiên bản 1) vẫn kiểm chứng được.  Phải dừng máy chủ trước (systemctl stop tiendo-server).  "
             "Lệnh đọc lại toàn bộ sổ nhật ký, từ chối nếu cơ sở dữ liệu bị hỏng, và chạy lại không thay đổi gì.",
    .opts = {tds_config_opts},
};
static void tds__upgrade_usage(FILE *f) { td_cli_help(&tds__upgrade_spec, f); }

/* Whether the log recorded the switch: *found, and the size it names in sz. */
static int tds__digest_meta(tds_ledger *lg, int *found, char sz[24], td_error *err)
{
    uint8_t *v = NULL;
    size_t n = 0;
    int rc = tds_logstore_meta_get(tds_ledger_store(lg), TDS_DIGEST_V2_META, found, &v, &n, err);
    sz[0] = 0;
    if (!rc && *found) snprintf(sz, 24, "%.*s", (int)(n < 23 ? n : 23), (const char *)v);
    free(v);
    return rc;
}

/* Open the log read-only, or with the key switching it to v2; a message
 * and 1 on failure (nothing is written then: the switch is the last step of
 * a successful open). */
static int tds__upgrade_open(const tds_config *cfg, int write, tds_ledger **lg)
{
    tds_ledger_opts o = {cfg->data, cfg->ca, write ? cfg->key : NULL, write ? cfg->cert : NULL, cfg->origin,
                         write ? TD_STATE_DIGEST_V2 : 0};
    td_error err = {0};
    if (tds_ledger_open(&o, lg, &err) == 0) return 0;
    fprintf(stderr, "tiendo-server upgrade-digest: " TD_MSG_UPGRADE_LOG_OPEN_FAILED "\n",
            cfg->data, td_error_vi(&err));
    *lg = NULL;
    return 1;
}

int tds_cmd_upgrade_digest(int argc, char **argv)
{
    tds_config cfg;
    tds_ledger *lg = NULL;
    td_error err = {0};
    char sz[24];
    long holder = 0;
    int lock = -1, found = 0, rc, c;

    tds_config_init(&cfg, "tiendo-server upgrade-digest");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__upgrade_spec)) != -1) {
        if (c == 'h') {
            tds__upgrade_usage(stdout);
            return 0;
        }
        return 2;
    }
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if ((rc = tds_config_finish(&cfg))) {
        tds_config_free(&cfg);
        return rc;
    }
    rc = 1;
    if (!cfg.key || !cfg.cert) {
        fprintf(stderr, "tiendo-server upgrade-digest: " TD_MSG_UPGRADE_NEEDS_KEY "\n", cfg.data);
        tds_config_free(&cfg);
        return 2;
    }
    if (tds_datalock_take(cfg.data, &lock, &holder, &err)) {
        if (err.code == TD_EBUSY)
            fprintf(stderr, "tiendo-server upgrade-digest: " TD_MSG_BACKUP_SERVER_RUNNING "\n", cfg.data, holder);
        else
            fprintf(stderr, "tiendo-server upgrade-digest: %s\n", td_error_vi(&err));
        tds_config_free(&cfg);
        return 1;
    }
    /* read-only first: the version in use, without writing anything */
    if (tds__upgrade_open(&cfg, 0, &lg)) goto out;
    if (tds__digest_meta(lg, &found, sz, &err)) goto dberr;
    if (found) {
        printf(TD_MSG_UPGRADE_ALREADY_V2 "\n", cfg.data, sz);
        rc = 0;
        goto out;
    }
    tds_ledger_close(lg);
    lg = NULL;
    /* with the key and state_digest = 2: open refolds and checks the log,
     * then records the switch (checkpointer.c) */
    if (tds__upgrade_open(&cfg, 1, &lg)) goto out;
    if (tds__digest_meta(lg, &found, sz, &err)) goto dberr;
    if (!found) {
        fprintf(stderr, "tiendo-server upgrade-digest: " TD_MSG_UPGRADE_NOT_RECORDED "\n",
                cfg.data);
        goto out;
    }
    printf(TD_MSG_UPGRADE_DONE "\n", cfg.data, sz);
    rc = 0;
    goto out;
dberr:
    fprintf(stderr, "tiendo-server upgrade-digest: " TD_MSG_UPGRADE_LOG_UNREADABLE "\n", cfg.data,
            td_error_vi(&err));
out:
    if (lg) tds_ledger_close(lg);
    tds_datalock_release(lock);
    tds_config_free(&cfg);
    return rc;
}
