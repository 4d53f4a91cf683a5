/*
 * cmd_backup.c — `tiendo-server backup DEST` and `tiendo-server restore SRC`
 * (docs/ARCHITECTURE.md §9).
 *
 * backup: SQLite's online backup API (logstore.h tds_logstore_backup) copies
 * the log while `serve` keeps appending; the copy is then checked on its
 * own: PRAGMA integrity_check, every entry re-hashed against its stored
 * leaf, the root of the copy equal to the source's root at the copy's size
 * (the source only grows, so its tree at that size is fixed), and the
 * latest signed checkpoint in the copy equal to the tree at its size.
 *
 * restore: refuses while a server holds the data directory (datalock.h) and
 * holds that lock itself, so no server starts in the middle.  The backup is
 * copied next to the database, migrated if it is older, checked like a
 * backup, and only then put in place; the previous database (and its -wal)
 * is kept aside as server.db.before-restore-YYYYmmdd-HHMMSS.
 *
 * What a restore means for the offices (docs/ARCHITECTURE.md §9).  Clients
 * hold signed checkpoints: a backup that is older than the latest
 * checkpoint any client verified makes every such client refuse the
 * restored server with a rollback alarm (tree smaller than the one it
 * verified), and, once the log grows past its size again, an
 * "inconsistent" alarm: the server would then have signed two different
 * histories, which the audit design forbids.  restore therefore compares
 * with the database it replaces: if that one had a larger checkpoint, it
 * refuses without --force and says which size the clients may hold; it
 * always says the backup's size, so that the operator can compare with the
 * offices.  What an older backup lost is still held by the devices: each
 * device's own entries that the server had acknowledged are in its replica,
 * and a central or inspector replica holds every entry.  The procedure
 * (README, "Sao lưu và khôi phục") is to restore the most recent backup
 * and to bring the lost entries back before offices sync; entries that
 * were still in an office's outbox were never acknowledged and are simply
 * sent again by its next sync.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cmds.h"
#include "datalock.h"
#include "logstore.h"
#include "msg.h"
#include "oserr.h"

/* Copy buffer of a file copy (the backup file into the data directory). */
#define TDS_COPY_BUF 65536

static int64_t tds__now_ms(void) { return td_clock_now_ms(); }

/* Parse a non-negative int option value; -1 if bad. */
static int tds__int(const char *s, int max)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 0 || v > max) return -1;
    return (int)v;
}

/* Open a database file and check it as a backup: integrity and tree. */
static int tds__check_copy(const char *path, tds_logstore_summary *sum, td_error *err)
{
    tds_logstore *c = NULL;
    int rc = tds_logstore_open_file(path, &c, err);
    if (!rc) rc = tds_logstore_integrity(c, err);
    if (!rc) rc = tds_logstore_verify(c, sum, err);
    tds_logstore_close(c);
    return rc;
}

/* ---- backup ------------------------------------------------------------ */

#define TDS__STR(x) TDS__STR2(x)
#define TDS__STR2(x) #x
static const td_cli_opt tds__backup_opts[] = {
    {"ĐÍCH", TD_CLI_WORD, 0, NULL, "tệp sao lưu mới; không được tồn tại trước (không bao giờ ghi đè); quyền 0600"},
    {"step-pages", required_argument, 's', "N", "số trang chép mỗi bước (mặc định " TDS__STR(TDS_BACKUP_STEP_PAGES) ")"},
    {"pause-ms", required_argument, 'p', "N", "nghỉ giữa hai bước, mili giây (mặc định " TDS__STR(TDS_BACKUP_PAUSE_MS) ")"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tds__backup_spec = {
    .prog = "tiendo-server",
    .cmd = "backup",
    .usage = "ĐÍCH [--config TỆP | --data THƯ_MỤC]",
    .about = "Sao lưu sổ nhật ký (THƯ_MỤC/server.db) vào tệp mới ĐÍCH trong khi máy chủ vẫn chạy (API sao lưu trực "
             "tuyến của SQLite, chép từng bước, không chặn máy chủ). Sau khi chép, bản sao được kiểm tra: "
             "integrity_check, băm lại từng mục so với cây Merkle, gốc Merkle của bản sao bằng gốc của máy chủ ở cùng "
             "kích thước, điểm kiểm đã ký khớp với cây.",
    .opts = {tds__backup_opts, tds_config_opts},
    .synopsis_tables = 1,
    .exit_codes = "Mã thoát: 0 bản sao đã kiểm tra tốt, 1 lỗi (bản sao hỏng bị xóa), 2 sai cú pháp lệnh.\n",
};
static void tds__backup_usage(FILE *f) { td_cli_help(&tds__backup_spec, f); }

int tds_cmd_backup(int argc, char **argv)
{
    tds_config cfg;
    tds_backup_opts o = {0, -1};
    tds_backup_stats bs;
    tds_logstore *src = NULL;
    tds_logstore_summary sum;
    unsigned char at[TD_MERKLE_HASH_LEN];
    char srcpath[4096], hex[2 * TD_MERKLE_HASH_LEN + 1];
    const char *dest = NULL;
    td_error err = {0};
    int64_t t0;
    int rc = 1;

    int c;
    tds_config_init(&cfg, "tiendo-server backup");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__backup_spec)) != -1) {
        if (c == 'h') {
            tds__backup_usage(stdout);
            return 0;
        } else if (c == 's' || c == 'p') {
            int v = tds__int(optarg, 1 << 20);
            if (v < 0 || (c == 's' && v == 0)) {
                fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_COUNT_BAD "\n",
                        c == 's' ? "step-pages" : "pause-ms", optarg);
                return 2;
            }
            if (c == 's')
                o.step_pages = v;
            else
                o.pause_ms = v;
        } else {
            return 2;
        }
    }
    if (optind < argc) dest = argv[optind++];
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if (!dest) {
        fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_DEST_MISSING "\n\n");
        tds__backup_usage(stderr);
        return 2;
    }
    if ((rc = tds_config_finish(&cfg))) return rc;
    rc = 1;
    snprintf(srcpath, sizeof srcpath, "%s/server.db", cfg.data);
    if (access(srcpath, R_OK) != 0) {
        fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_NO_LOG "\n",
                srcpath, td_errno_vi_log(errno, srcpath));
        goto out;
    }
    if (access(dest, F_OK) == 0) {
        fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_DEST_EXISTS "\n",
                dest);
        goto out;
    }
    if (tds_logstore_open(cfg.data, &src, &err)) {
        fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_OPEN_FAILED "\n", srcpath, td_error_vi(&err));
        goto out;
    }
    t0 = tds__now_ms();
    if (tds_logstore_backup(src, dest, &o, &bs, &err)) {
        fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_FAILED "\n", td_error_vi(&err));
        goto out;
    }
    if (tds__check_copy(dest, &sum, &err)) {
        fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_CHECK_FAILED "\n", dest, td_error_vi(&err));
        unlink(dest);
        goto out;
    }
    /* the source's tree at the copy's size: the same history */
    if (tds_logstore_root_at(src, sum.size, at, &err) || memcmp(at, sum.root, sizeof at)) {
        fprintf(stderr, "tiendo-server backup: " TD_MSG_BACKUP_ROOT_DIFFERS "\n", (unsigned long long)sum.size, td_error_vi(&err));
        unlink(dest);
        goto out;
    }
    sodium_bin2hex(hex, sizeof hex, sum.root, sizeof sum.root);
    printf(TD_MSG_BACKUP_DONE "\n", srcpath, dest, (unsigned long long)bs.pages,
           (unsigned long long)bs.steps, (long long)(tds__now_ms() - t0));
    printf(TD_MSG_BACKUP_COPY_ENTRIES_ROOT "\n", (unsigned long long)sum.size, hex);
    printf(TD_MSG_BACKUP_COPY_LAST_CKPT "\n", (unsigned long long)sum.cp_size);
    printf(TD_MSG_BACKUP_CHECK_PASSED "\n",
           (unsigned long long)sum.size);
    rc = 0;
out:
    tds_logstore_close(src);
    tds_config_free(&cfg);
    return rc;
}

/* ---- restore ----------------------------------------------------------- */

static const td_cli_opt tds__restore_opts[] = {
    {"NGUỒN", TD_CLI_WORD, 0, NULL, "tệp do tiendo-server backup tạo"},
    {"force", no_argument, 'f', NULL, "khôi phục cả khi bản sao lưu cũ hơn dữ liệu hiện có"},
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tds__restore_spec = {
    .prog = "tiendo-server",
    .cmd = "restore",
    .usage = "NGUỒN [--config TỆP | --data THƯ_MỤC]",
    .about = "Khôi phục sổ nhật ký từ bản sao lưu NGUỒN (tệp do tiendo-server backup tạo). Máy chủ phải đang dừng "
             "(systemctl stop tiendo-server): lệnh từ chối nếu một máy chủ đang giữ THƯ_MỤC/serve.lock. Bản sao được "
             "kiểm tra (và nâng cấp lược đồ nếu cũ hơn) trước khi thay thế; cơ sở dữ liệu hiện có được giữ lại với tên "
             "server.db.before-restore-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY.\n"
             "\n"
             "Nếu cơ sở dữ liệu hiện có đã ký điểm kiểm lớn hơn bản sao lưu, các đơn vị có thể đang giữ điểm kiểm đó và "
             "sẽ báo động \"lùi lịch sử\" khi đồng bộ: lệnh từ chối, trừ khi có --force (xem README, mục \"Sao lưu và "
             "khôi phục\").",
    .opts = {tds__restore_opts, tds_config_opts},
    .synopsis_tables = 1,
    .exit_codes = "Mã thoát: 0 đã khôi phục, 1 từ chối hoặc lỗi (không thay đổi gì), 2 sai cú pháp lệnh.\n",
};
static void tds__restore_usage(FILE *f) { td_cli_help(&tds__restore_spec, f); }

/* Copy a closed SQLite file byte for byte, fsync'd. */
static int tds__copy_file(const char *from, const char *to, td_error *err)
{
    char buf[TDS_COPY_BUF];
    int in, out, rc = 0;
    ssize_t n;
    if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, from, td_errno_vi_log(errno, from));
    if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, to, td_errno_vi_log(errno, to));
        close(in);
        return rc;
    }
    while ((n = read(in, buf, sizeof buf)) > 0) {
        char *p = buf;
        while (n > 0) {
            ssize_t w = write(out, p, (size_t)n);
            if (w < 0) {
                if (errno == EINTR) continue;
                rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, to, td_errno_vi_log(errno, to));
                goto done;
            }
            p += w;
            n -= w;
        }
    }
    if (n < 0) rc = td_error_set(err, TD_EIO, TD_MSG_FILE_READ, from, td_errno_vi_log(errno, from));
    else if (fsync(out) != 0) rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, to, td_errno_vi_log(errno, to));
done:
    close(in);
    if (close(out) != 0 && !rc) rc = td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, to, td_errno_vi_log(errno, to));
    return rc;
}

/* Rename path+suffix to aside+suffix if it exists. */
static int tds__move_aside(const char *path, const char *aside, const char *suffix, td_error *err)
{
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s%s", path, suffix);
    snprintf(b, sizeof b, "%s%s", aside, suffix);
    if (access(a, F_OK) != 0) return 0;
    if (rename(a, b) != 0) return td_error_set(err, TD_EIO, TD_MSG_FILE_WRITE, b, td_errno_vi_log(errno, a));
    return 0;
}

int tds_cmd_restore(int argc, char **argv)
{
    tds_config cfg;
    tds_logstore_summary got, cur;
    char dbpath[4096], tmp[4200], aside[4200], stamp[32], hex[2 * TD_MERKLE_HASH_LEN + 1], walp[4200];
    const char *src = NULL;
    td_error err = {0};
    int force = 0, rc = 1, lock = -1, have_cur = 0, dirfd;
    long holder = 0;
    struct stat dst;

    int c;
    tds_config_init(&cfg, "tiendo-server restore");
    while ((c = tds_config_getopt_spec(&cfg, argc, argv, &tds__restore_spec)) != -1) {
        if (c == 'h') {
            tds__restore_usage(stdout);
            return 0;
        } else if (c == 'f') {
            force = 1;
        } else {
            return 2;
        }
    }
    if (optind < argc) src = argv[optind++];
    if (optind < argc) return tds_config_extra(&cfg, argv[optind]);
    if (!src) {
        fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_SOURCE_MISSING "\n\n");
        tds__restore_usage(stderr);
        return 2;
    }
    if ((rc = tds_config_finish(&cfg))) return rc;
    rc = 1;
    if (access(src, R_OK) != 0) {
        fprintf(stderr, "tiendo-server restore: " TD_MSG_FILE_READ "\n", src, td_errno_vi_log(errno, src));
        goto out;
    }
    snprintf(walp, sizeof walp, "%s-wal", src);
    if (access(walp, F_OK) == 0) {
        fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_SOURCE_IS_LIVE_DB "\n", src, walp);
        goto out;
    }
    if (tds_datalock_take(cfg.data, &lock, &holder, &err)) {
        if (err.code == TD_EBUSY)
            fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_SERVER_RUNNING "\n", cfg.data, holder);
        else
            fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_DATA_LOCK "\n", cfg.data,
                    td_error_vi(&err));
        goto out;
    }
    snprintf(dbpath, sizeof dbpath, "%s/server.db", cfg.data);
    snprintf(tmp, sizeof tmp, "%s.restoring", dbpath);
    unlink(tmp);
    if (tds__copy_file(src, tmp, &err) || tds__check_copy(tmp, &got, &err)) {
        fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_SOURCE_UNUSABLE "\n", src,
                td_error_vi(&err));
        unlink(tmp);
        goto out;
    }
    /* What the database being replaced had signed: the clients may hold it. */
    memset(&cur, 0, sizeof cur);
    if (access(dbpath, F_OK) == 0) {
        td_error e2 = {0};
        if (tds__check_copy(dbpath, &cur, &e2) == 0) {
            have_cur = 1;
        } else {
            fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_CURRENT_UNREADABLE "\n", td_error_vi(&e2));
        }
    }
    if (have_cur && cur.cp_size > got.size) {
        fprintf(stderr,
                "tiendo-server restore: " TD_MSG_BACKUP_SOURCE_OLDER "\n",
                (unsigned long long)got.size, (unsigned long long)cur.cp_size, (unsigned long long)cur.cp_size);
        if (!force) {
            fprintf(stderr, TD_MSG_BACKUP_NOTHING_CHANGED_HINT "\n");
            unlink(tmp);
            goto out;
        }
        fprintf(stderr, TD_MSG_BACKUP_FORCED "\n");
    }
    {
        int64_t now = td_clock_now_ms();
        int d = td_clock_date_of(now);
        int64_t s = (now + TD_CLOCK_VN_OFFSET_MS) / 1000 % 86400;
        snprintf(stamp, sizeof stamp, "%08d-%02d%02d%02d", d, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    }
    snprintf(aside, sizeof aside, "%s.before-restore-%s", dbpath, stamp);
    if (access(dbpath, F_OK) == 0 &&
        (tds__move_aside(dbpath, aside, "-wal", &err) || tds__move_aside(dbpath, aside, "-shm", &err) ||
         tds__move_aside(dbpath, aside, "", &err))) {
        fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_OLD_NOT_KEPT "\n", td_error_vi(&err));
        unlink(tmp);
        goto out;
    }
    /* run as root for a server that runs as its own user: the file goes to
     * the owner of the data directory */
    if (geteuid() == 0 && stat(cfg.data, &dst) == 0 && chown(tmp, dst.st_uid, dst.st_gid) != 0)
        fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_CHOWN_WARN "\n", tmp,
                td_errno_vi_log(errno, tmp));
    if (rename(tmp, dbpath) != 0) {
        fprintf(stderr, "tiendo-server restore: " TD_MSG_BACKUP_MOVE_FAILED "\n", dbpath, td_errno_vi_log(errno, dbpath));
        goto out;
    }
    if ((dirfd = open(cfg.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(dirfd);
        close(dirfd);
    }
    sodium_bin2hex(hex, sizeof hex, got.root, sizeof got.root);
    printf(TD_MSG_BACKUP_RESTORE_DONE "\n", dbpath,
           src, (unsigned long long)got.size, hex, (unsigned long long)got.cp_size);
    if (access(aside, F_OK) == 0) printf(TD_MSG_BACKUP_RESTORE_OLD_KEPT "\n", aside);
    printf(TD_MSG_BACKUP_ROLLBACK_WARNING "\n",
           (unsigned long long)got.size);
    rc = 0;
out:
    tds_datalock_release(lock);
    tds_config_free(&cfg);
    return rc;
}
