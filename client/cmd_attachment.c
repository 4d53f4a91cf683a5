/*
 * cmd_attachment.c — `tiendo attachment list|get` (docs/PROTOCOL.md
 * §7).  list: the files cited by reports in the replica (pulled
 * log and outbox), with where their bytes are.  get: the bytes of one file,
 * from the replica or else from the server (BlobGet, client/sync.c),
 * checked against the hash the report signed, kept in the replica and
 * written out.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "attach.h"
#include "blob.h"
#include "cli.h"
#include "cmds.h"
#include "entry.h"
#include "frame.h"
#include "grow.h"
#include "link.h"
#include "log.h"
#include "log.pb-c.h"
#include "msg.h"
#include "proto_ver.h"
#include "sync.h"
#include "tiendo.pb-c.h"
#include "utf8.h"
#include "oserr.h"

/* Shortest hash prefix accepted for `get` (hex digits): 8 digits = 32 bits,
 * unambiguous among the few thousand files of a province. */
#define TDC_ATT_PREFIX_MIN 6

static const td_cli_opt tdc__att_opts[] = {
    {"list", TD_CLI_WORD, 0, NULL,
     "liệt kê tệp đính kèm của các báo cáo trong bản sao dữ liệu (đã đồng bộ và chưa gửi), với mã băm SHA-256, tên, "
     "loại, cỡ và nơi có tệp (máy này / chỉ trên máy chủ)"},
    {"get", TD_CLI_WORD, 0, NULL,
     "lấy tệp đính kèm theo mã băm (đủ 64 chữ số hoặc ít nhất 6 chữ số đầu): từ máy này nếu có, nếu không thì tải "
     "từ máy chủ; nội dung được kiểm tra đúng mã băm mà báo cáo đã ký"},
    {"task", required_argument, 't', "SỐ", "list: chỉ các báo cáo của nhiệm vụ số SỐ"},
    {"out", required_argument, 'o', "TỆP",
     "get: ghi ra tệp này (mặc định: tên tệp gốc, trong thư mục hiện tại; không ghi đè tệp đã có); \"-\" = ra màn "
     "hình (stdout)"},
    TDC_OPT_SERVER('s'),
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__att_spec = {
    .prog = "tiendo",
    .cmd = "attachment",
    .usage = "tiendo attachment list [--task SỐ] [--dir THƯ_MỤC]\n"
             "tiendo attachment get MÃ_BĂM [--out TỆP] [--server MÁY:CỔNG] [--dir THƯ_MỤC]",
    .about = "Tệp đính kèm của các báo cáo.",
    .opts = {tdc__att_opts},
};
static void tdc__att_usage(FILE *f) { td_cli_help(&tdc__att_spec, f); }

/* One cited file. */
typedef struct tdc__att {
    unsigned char sha[32];
    char name[TD_ATTACH_NAME_MAX + 1];
    char mime[TD_ATTACH_MIME_MAX + 1];
    uint64_t size;
    uint32_t task;
    char period[8];
    int pending;                 /* in the outbox, not yet in the log */
} tdc__att;

typedef struct tdc__atts {
    tdc__att *v;
    size_t n, cap;
} tdc__atts;

static int tdc__att_push(tdc__atts *a, const unsigned char sha[32], const char *name, const char *mime, uint64_t size,
                         uint32_t task, const char *period, int pending)
{
    tdc__att *x;
    if (TD_GROW(a->v, a->cap, a->n + 1)) return TD_ENOMEM;
    x = &a->v[a->n++];
    memset(x, 0, sizeof *x);
    memcpy(x->sha, sha, 32);
    snprintf(x->name, sizeof x->name, "%s", name ? name : "");
    snprintf(x->mime, sizeof x->mime, "%s", mime ? mime : "");
    x->size = size;
    x->task = task;
    snprintf(x->period, sizeof x->period, "%s", period ? period : "");
    x->pending = pending;
    return 0;
}

/* Every file cited by the replica's reports (current versions) and by the
 * outbox's pending reports, filtered by task (0 = all). */
static int tdc__collect(tdc_ctx *c, uint32_t task, tdc__atts *a, td_error *err)
{
    const td_state *st = tdc_replica_state(c->rep);
    size_t nr = 0;
    const td_report *rs = st ? td_state_reports(st, &nr) : NULL;
    tdc_outbox_item *items = NULL;
    size_t ni = 0;
    int rc;
    for (size_t i = 0; i < nr; i++) {
        if (task && rs[i].task != task) continue;
        for (size_t j = 0; j < rs[i].n_attachments; j++) {
            const td_attachment_ref *x = &rs[i].attachments[j];
            if (tdc__att_push(a, x->sha256, x->name, x->mime, x->size, rs[i].task, rs[i].period, 0))
                return td_error_set(err, TD_ENOMEM, "out of memory");
        }
    }
    if ((rc = tdc_replica_outbox_pending(c->rep, 0, 100000, (size_t)1 << 30, &items, &ni, err))) return rc;
    for (size_t i = 0; i < ni; i++) {
        td_entry en;
        td_error e2;
        Tiendo__ReportPayload *p;
        if (items[i].kind != TIENDO__ENTRY_KIND__ENTRY_REPORT || td_entry_decode(items[i].body, items[i].len, &en, &e2))
            continue;
        p = tiendo__report_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
        for (size_t j = 0; p && j < p->n_attachments; j++) {
            const Tiendo__Attachment *x = p->attachments[j];
            if (!x || x->sha256.len != 32 || (task && td_task_key(p->plan, p->task) != task)) continue;
            if (tdc__att_push(a, x->sha256.data, x->name, x->mime, x->size, td_task_key(p->plan, p->task), p->period, 1)) {
                rc = td_error_set(err, TD_ENOMEM, "out of memory");
                break;
            }
        }
        tiendo__report_payload__free_unpacked(p, NULL);
        td_entry_free(&en);
        if (rc) break;
    }
    tdc_outbox_items_free(items, ni);
    return rc;
}

static void tdc__size_vi(uint64_t n, char *buf, size_t len)
{
    if (n >= 1024 * 1024) snprintf(buf, len, "%.1f MB", (double)n / (1024.0 * 1024.0));
    else if (n >= 1024) snprintf(buf, len, "%.1f KB", (double)n / 1024.0);
    else snprintf(buf, len, "%llu byte", (unsigned long long)n);
}

/* One column of the list, padded to w terminal columns and two blanks
 * (a Vietnamese letter takes one column but two or three bytes, and
 * printf's %-Ns counts bytes). */
static void tdc__att_col(const char *s, size_t w)
{
    size_t n = td_utf8_width(s);
    fputs(s, stdout);
    for (; n < w + 2; n++) putchar(' ');
}

static int tdc__list(tdc_ctx *c, uint32_t task)
{
    tdc__atts a = {0};
    td_error err = {0};
    if (tdc__collect(c, task, &a, &err)) {
        fprintf(stderr, "tiendo attachment: " TD_MSG_ATTACH_REPLICA_UNREADABLE "\n", td_error_vi(&err));
        free(a.v);
        return 1;
    }
    if (a.n == 0) {
        printf(task ? TD_MSG_ATTACH_LIST_NONE_TASK "\n"
                    : TD_MSG_ATTACH_LIST_NONE "\n", task);
        free(a.v);
        return 0;
    }
    tdc__att_col(TD_MSG_ATTACH_COL_HASH, 16);
    tdc__att_col("NV", 4);
    tdc__att_col(TD_MSG_ATTACH_COL_PERIOD, 7);
    tdc__att_col(TD_MSG_ATTACH_COL_SIZE, 9);
    tdc__att_col(TD_MSG_ATTACH_COL_WHERE, 18);
    printf(TD_MSG_ATTACH_COL_NAME_TYPE "\n");
    for (size_t i = 0; i < a.n; i++) {
        tdc_blob_row row;
        int found = 0;
        char hex[65], sz[32], period[8];
        const char *where;
        tdc_blob_hex(a.v[i].sha, hex);
        if (tdc_blob_get(c->rep, a.v[i].sha, &found, &row, &err)) found = 0;
        if (a.v[i].pending) where = found ? TD_MSG_ATTACH_WHERE_LOCAL_UNSENT : TD_MSG_ATTACH_WHERE_MISSING_HERE;
        else if (found) where = row.uploaded_ms ? TD_MSG_ATTACH_WHERE_BOTH : TD_MSG_ATTACH_WHERE_LOCAL;
        else where = TD_MSG_ATTACH_WHERE_SERVER;
        tdc__size_vi(a.v[i].size, sz, sizeof sz);
        /* "2025-06" shown MM/YYYY */
        if (strlen(a.v[i].period) == 7) snprintf(period, sizeof period, "%.2s/%.4s", a.v[i].period + 5, a.v[i].period);
        else snprintf(period, sizeof period, "%s", a.v[i].period);
        char nv[16];
        hex[16] = 0;
        snprintf(nv, sizeof nv, "%u", a.v[i].task);
        tdc__att_col(hex, 16);
        tdc__att_col(nv, 4);
        tdc__att_col(period, 7);
        tdc__att_col(sz, 9);
        tdc__att_col(where, 18);
        printf("%s (%s)\n", a.v[i].name, td_attach_type_vi(a.v[i].mime));
    }
    free(a.v);
    return 0;
}

/* Resolve a hex hash or prefix among cited and local files. */
static int tdc__resolve(tdc_ctx *c, const char *arg, unsigned char sha[32], tdc__att *meta)
{
    tdc__atts a = {0};
    td_error err = {0};
    size_t len = strlen(arg), matches = 0;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789abcdefABCDEF", arg[i])) len = 0;
    if (len < TDC_ATT_PREFIX_MIN || len > 64) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_HASH_BAD "\n", arg, TDC_ATT_PREFIX_MIN);
        return 2;
    }
    memset(meta, 0, sizeof *meta);
    if (tdc__collect(c, 0, &a, &err)) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_REPLICA_UNREADABLE "\n", td_error_vi(&err));
        free(a.v);
        return 1;
    }
    for (size_t i = 0; i < a.n; i++) {
        char hex[65];
        tdc_blob_hex(a.v[i].sha, hex);
        if (strncasecmp(hex, arg, len)) continue;
        if (matches && !memcmp(meta->sha, a.v[i].sha, 32)) continue;   /* cited twice */
        matches++;
        *meta = a.v[i];
    }
    free(a.v);
    if (matches > 1) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_HASH_AMBIGUOUS "\n", arg);
        return 2;
    }
    if (matches == 0) {
        /* not cited by a report we see: a full hash may still be asked for */
        if (len == 64 && tdc_blob_unhex(arg, sha) == 0) {
            memcpy(meta->sha, sha, 32);
            return 0;
        }
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_HASH_UNKNOWN "\n", arg);
        return 1;
    }
    memcpy(sha, meta->sha, 32);
    return 0;
}

static int tdc__att_send(void *arg, const Tiendo__Frame *f, td_error *err) { return tdc_link_send(arg, f, err); }
static int tdc__att_recv(void *arg, Tiendo__Frame **out, td_error *err) { return tdc_link_recv(arg, out, 0, err); }

/* Download from the server; stores the verified bytes in the replica. */
static int tdc__fetch(tdc_ctx *c, const char *server, const unsigned char sha[32], const char *name, uint8_t **p,
                      size_t *n)
{
    tdc_link_opts lo;
    tdc_link *l;
    tdc_sync_io io;
    td_error err = {0};
    char mime[128];
    int rc;
    memset(&lo, 0, sizeof lo);
    lo.dev = &c->dev;
    lo.server = server;
    lo.cursor = tdc_replica_cursor(c->rep);
    if (!(l = tdc_link_open(&lo, &err))) {
        const char *vi = tdc_link_vi(&err);
        size_t k = strlen(vi);
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_NOT_HERE_AND TD_MSG_CONNECT "\n",
                server ? server : c->dev.server, vi, k && vi[k - 1] == '.' ? "" : ".");
        return 1;
    }
    if (tdc_link_welcome(l)->version < TD_PROTO_BLOB) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_SERVER_TOO_OLD "\n", tdc_link_welcome(l)->version);
        tdc_link_close(l);
        return 1;
    }
    io.arg = l;
    io.send = tdc__att_send;
    io.recv = tdc__att_recv;
    rc = tdc_sync_blob_fetch(&io, sha, p, n, mime, &err);
    tdc_link_close(l);
    if (rc == TD_EAUTH || (rc && strstr(err.msg, "not visible"))) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_SERVER_REFUSED "\n");
        td_log_warn("attachment get: %s", err.msg);
        return 1;
    }
    if (rc) {
        const char *vi = tdc_link_vi(&err);
        size_t k = strlen(vi);
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_DOWNLOAD_FAILED "\n", vi,
                k && vi[k - 1] == '.' ? "" : ".");
        return 1;
    }
    if (tdc_blob_put_verified(c->rep, sha, *p, *n, name && *name ? name : td_attach_name_for(mime), tdc_now_ms(),
                              &err))
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_CACHE_WARN "\n", td_error_vi(&err));
    return 0;
}


static int tdc__write_out(const char *out, const uint8_t *p, size_t n)
{
    int fd;
    size_t off = 0;
    if (!strcmp(out, "-")) {
        if (fwrite(p, 1, n, stdout) != n || fflush(stdout)) {
            fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_STDOUT_FAILED "\n", td_errno_vi_log(errno, "stdout"));
            return 1;
        }
        return 0;
    }
    /* never overwrite: O_EXCL */
    if ((fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_CREATE_FAILED "\n", out,
                errno == EEXIST ? TD_MSG_ATTACH_FILE_EXISTS : td_errno_vi_log(errno, out));
        return 1;
    }
    while (off < n) {
        ssize_t k = write(fd, p + off, n - off);
        if (k <= 0) {
            fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_WRITE_FAILED "\n", out, td_errno_vi_log(errno, out));
            close(fd);
            unlink(out);
            return 1;
        }
        off += (size_t)k;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_WRITE_FAILED "\n", out, td_errno_vi_log(errno, out));
        unlink(out);
        return 1;
    }
    return 0;
}

int tdc_cmd_attachment(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *dir = NULL, *out = NULL, *server = NULL, *sub;
    uint32_t task = 0;
    tdc_ctx c;
    int opt, rc;

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        tdc__att_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    sub = argv[1];
    if (strcmp(sub, "list") && strcmp(sub, "get")) {
        fprintf(stderr, "tiendo attachment: " TD_MSG_NO_SUBCMD "\n" TD_MSG_SEE_HELP "\n", sub, "tiendo attachment");
        return 2;
    }
    optind = 1;
    if (td_cli_longopts(&tdc__att_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc - 1, argv + 1, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'o': out = optarg; break;
        case 's': server = optarg; break;
        case 't': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v == 0 || v > 100000) {
                fprintf(stderr, "tiendo attachment: " TD_MSG_ATTACH_TASK_BAD "\n", optarg);
                return 2;
            }
            task = (uint32_t)v;
            break;
        }
        case 'h': tdc__att_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "attachment", opt, argv + 1);
        }
    }
    if (!strcmp(sub, "list")) {
        if (optind < argc - 1) {
            td_cli_extra("tiendo", "attachment list", argv[optind + 1]);
            return 2;
        }
        if (tdc_ctx_open(&c, dir, "attachment")) return 1;
        rc = tdc__list(&c, task);
        tdc_ctx_close(&c);
        return rc;
    }
    if (optind != argc - 2) {
        fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_ONE_HASH "\n");
        return 2;
    }
    if (tdc_ctx_open(&c, dir, "attachment")) return 1;
    {
        unsigned char sha[32];
        tdc__att meta;
        tdc_blob_row row;
        td_error err = {0};
        uint8_t *p = NULL;
        size_t n = 0;
        int found = 0;
        char hex[65];
        if ((rc = tdc__resolve(&c, argv[optind + 1], sha, &meta))) goto done;
        tdc_blob_hex(sha, hex);
        if (!out) out = meta.name[0] ? meta.name : hex;
        if (tdc_blob_get(c.rep, sha, &found, &row, &err) == 0 && found) {
            if ((rc = tdc_blob_load(c.rep, sha, &p, &n, &err))) {
                fprintf(stderr, "tiendo attachment get: " TD_MSG_ATTACH_READ_FAILED "\n", td_error_vi(&err));
                rc = 1;
                goto done;
            }
        } else if ((rc = tdc__fetch(&c, server, sha, meta.name, &p, &n))) {
            goto done;
        }
        if ((rc = tdc__write_out(out, p, n)) == 0 && strcmp(out, "-"))
            fprintf(stderr, TD_MSG_ATTACH_GET_DONE "\n",
                    meta.name[0] ? meta.name : TD_MSG_ATTACH_WORD_FILE, (unsigned long long)n, td_attach_type_vi(found ? row.mime : meta.mime),
                    hex, out);
        free(p);
    }
done:
    tdc_ctx_close(&c);
    return rc;
}
