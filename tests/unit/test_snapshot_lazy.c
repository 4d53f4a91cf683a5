/*
 * test_snapshot_lazy.c — a replica's stored fold whose reports' texts are read at their first use
 * (common/derive_snap.h, format 5; client/replica.c):
 *   - loaded, the texts wait; the _notext readers never read them; one report's reader reads that report's
 *     alone; one task's reader reads that task's;
 *     what a reader then sees (one task, then all, and the digest) is a full fold's, also for a report the
 *     fold replaced after the load;
 *   - a damaged text section, or a snapshot stored again after the load: the texts come from a fold of
 *     the log, and the stored fold is written again (it then loads whole);
 *   - a snapshot of format 4 (an older build's): not used, the rows folded, and one of this format stored
 *     by that open, which the next open loads;
 *   - the fold's file missing, or the fold kept in its row (an earlier build): the rows folded and the fold
 *     stored as a file again; one file beside the replica after any number of saves; a temporary file a
 *     crashed save left an hour before is removed by the next save, a recent one is not.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "derive.h"
#include "derive_snap.h"
#include "foldfile.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#include "replica.h"
#include "tt.h"

#pragma GCC diagnostic ignored "-Wunused-function"   /* testcerts.h, tfix.h: not all is used here */
#include "tfix.h"

static char DIR_[64], PATH[128];

/* A report with evidence: two references, one document, one attachment. */
static uint8_t *pack_ev(uint32_t task, const char *agency, const char *period, const char *result, size_t *n)
{
    Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
    Tiendo__EvidenceDoc doc = TIENDO__EVIDENCE_DOC__INIT, *docs[1] = {&doc};
    Tiendo__Attachment att = TIENDO__ATTACHMENT__INIT, *atts[1] = {&att};
    char *ev[2] = {"https://haiduong.gov.vn/van-ban/7", "Biên bản kiểm tra"};
    unsigned char h[32];
    uint8_t *out;
    memset(h, 0x5c, sizeof h);
    p.task = task;
    p.agency = (char *)agency;
    p.period = (char *)period;
    p.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
    p.percent = 70;
    p.result = (char *)result;
    p.difficulties = "Thiếu kinh phí";
    p.proposals = "Bổ sung dự toán";
    p.n_evidence = 2;
    p.evidence = ev;
    doc.number = "45/QĐ-SYT";
    doc.date = 20250310;
    doc.title = "Quyết định giao nhiệm vụ";
    p.n_documents = 1;
    p.documents = docs;
    att.sha256.data = h;
    att.sha256.len = 32;
    att.name = "bien-ban.pdf";
    att.mime = "application/pdf";
    att.size = 4096;
    p.n_attachments = 1;
    p.attachments = atts;
    *n = tiendo__report_payload__get_packed_size(&p);
    out = malloc(*n);
    tiendo__report_payload__pack(&p, out);
    return out;
}

/* A report of d on task/period with a text of its own. */
static void L_text(tlog *l, dev *d, uint32_t task, const char *period, int k)
{
    char text[96];
    size_t pn;
    snprintf(text, sizeof text, "Kết quả số %d: đã triển khai nhiệm vụ %u", k, task);
    if (k % 7 == 3) {
        L_sign(l, d, TIENDO__ENTRY_KIND__ENTRY_REPORT, pack_ev(task, d->agency, period, text, &pn), &pn);
        return;
    }
    L_sign(l, d, TIENDO__ENTRY_KIND__ENTRY_REPORT,
           pack_report(task, d->agency, period, TIENDO__REPORT_STATE__REPORT_IN_PROGRESS, (uint32_t)(k % 100), text,
                       &pn),
           &pn);
}

/* Rows [from, to) of l into the replica. */
static void store(tdc_replica *r, const tlog *l, size_t from, size_t to)
{
    td_error e = {0};
    for (size_t i = from; i < to; i++) {
        tdc_pulled p = {i + 1, l->b[i], l->n[i], NOW + 1000 + (int64_t)i};
        TT_EQ_INT(tdc_replica_store_batch(r, &p, 1, i + 2, &e), 0);
    }
}

static void same_texts(const td_report *a, const td_report *b)
{
    TT_EQ_INT(a->task, b->task);
    TT_EQ_STR(a->agency, b->agency);
    TT_EQ_STR(a->period, b->period);
    TT_EQ_INT(a->index, b->index);
    TT_EQ_STR(a->result, b->result);
    TT_EQ_STR(a->difficulties, b->difficulties);
    TT_EQ_STR(a->proposals, b->proposals);
    TT_EQ_STR(a->review_comment, b->review_comment);
    TT_EQ_INT(a->n_evidence, b->n_evidence);
    for (size_t k = 0; k < a->n_evidence && k < b->n_evidence; k++) TT_EQ_STR(a->evidence[k], b->evidence[k]);
    TT_EQ_INT(a->n_docs, b->n_docs);
    for (size_t k = 0; k < a->n_docs && k < b->n_docs; k++) {
        TT_EQ_STR(a->docs[k].number, b->docs[k].number);
        TT_EQ_STR(a->docs[k].title, b->docs[k].title);
        TT_EQ_INT(a->docs[k].date, b->docs[k].date);
    }
    TT_EQ_INT(a->n_attachments, b->n_attachments);
    for (size_t k = 0; k < a->n_attachments && k < b->n_attachments; k++) {
        TT_EQ_STR(a->attachments[k].name, b->attachments[k].name);
        TT_EQ_STR(a->attachments[k].mime, b->attachments[k].mime);
        TT_CHECK(!memcmp(a->attachments[k].sha256, b->attachments[k].sha256, 32));
        TT_EQ_INT(a->attachments[k].size, b->attachments[k].size);
    }
}

/* Every report of st (sorted) against the full fold's, and the digests. */
static void same_as_fold(const td_state *st, const td_state *full)
{
    size_t na, nb;
    const td_report *a = td_state_reports(st, &na), *b = td_state_reports(full, &nb);
    unsigned char d1[32], d2[32];
    TT_EQ_INT(na, nb);
    for (size_t i = 0; a && b && i < na && i < nb; i++) same_texts(&a[i], &b[i]);
    td_state_digest(st, d1);
    td_state_digest(full, d2);
    TT_CHECK(!memcmp(d1, d2, 32));
    td_state_digest_v2_full(st, d1);
    td_state_digest_v2(full, d2);
    TT_CHECK(!memcmp(d1, d2, 32));
}

/* The row's header (the blob's first TD_SNAP_HEADER bytes), 0 when there is one. */
static int row_header(uint8_t hdr[TD_SNAP_HEADER])
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = -1;
    if (sqlite3_open_v2(PATH, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return -1;
    if (sqlite3_prepare_v2(db, "SELECT state FROM fold_snapshot WHERE id = 1", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TD_SNAP_HEADER) {
            memcpy(hdr, sqlite3_column_blob(st, 0), TD_SNAP_HEADER);
            rc = 0;
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rc;
}

/* How many fold files (images: 0) or records' images (images: 1) lie beside the replica. */
static int fold_or_image_files(int images)
{
    DIR *d = opendir(DIR_);
    struct dirent *de;
    char pre[160];
    int k = 0;
    snprintf(pre, sizeof pre, "%s.fold-", TDC_REPLICA_FILE);
    if (!d) return -1;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (!strncmp(de->d_name, pre, strlen(pre)) && (l > 4 && !strcmp(de->d_name + l - 4, ".img")) == images) k++;
    }
    closedir(d);
    return k;
}
#define fold_files() fold_or_image_files(0)
#define image_files() fold_or_image_files(1)

/* The path of the records' image of the stored fold (malloc'd), NULL when there is no row. */
static char *image_path(void)
{
    uint8_t hdr[TD_SNAP_HEADER];
    char *fp, *ip;
    if (row_header(hdr) || !(fp = tdc_replica_fold_file(PATH, hdr))) return NULL;
    if ((ip = malloc(strlen(fp) + 5))) sprintf(ip, "%s.img", fp);
    free(fp);
    return ip;
}

/* Bytes [off, off + n) of the stored image XORed with x. */
static int image_poke(size_t off, size_t n, uint8_t x)
{
    char *ip = image_path();
    int fd = ip ? open(ip, O_RDWR) : -1, rc = -1;
    uint8_t b[64];
    free(ip);
    if (fd < 0 || n > sizeof b) goto out;
    if (pread(fd, b, n, (off_t)off) != (ssize_t)n) goto out;
    for (size_t i = 0; i < n; i++) b[i] ^= x;
    if (pwrite(fd, b, n, (off_t)off) != (ssize_t)n) goto out;
    rc = 0;
out:
    if (fd >= 0) close(fd);
    return rc;
}

/* A field of the stored image's header (derive_snap.c td__img_hdr: 8 bytes each after magic, base, len,
 * layout and the blob's 64-byte header). */
static uint64_t image_field(int k)
{
    char *ip = image_path();
    int fd = ip ? open(ip, O_RDONLY) : -1;
    uint64_t v = 0;
    free(ip);
    if (fd >= 0) {
        if (pread(fd, &v, 8, (off_t)(96 + 8 * k)) != 8) v = 0;
        close(fd);
    }
    return v;
}

/* Where the text section begins: after the header and the main part (its length in the header). */
static size_t text_at(const uint8_t *b)
{
    uint64_t main;
    memcpy(&main, b + 56, 8);
    return TD_SNAP_HEADER + (size_t)main;
}

static tlog L;
static size_t CUT;      /* rows stored before the snapshot */
static td_state *FULL;  /* the fold of every row of L */

/* Remove the replica with its WAL and shared-memory files. */
static void remove_db(void)
{
    char p[160];
    DIR *d;
    struct dirent *de;
    snprintf(p, sizeof p, "%s-wal", PATH);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", PATH);
    unlink(p);
    unlink(PATH);
    if ((d = opendir(DIR_))) {   /* and its fold files */
        while ((de = readdir(d)))
            if (de->d_name[0] != '.') unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
    }
}
/* A replica holding rows [0, CUT) with the fold stored, then rows [CUT, to). */
static void make_replica(size_t to)
{
    tdc_replica *w;
    td_error e = {0};
    int written = 0;
    remove_db();
    TT_EQ_INT(tdc_replica_open(&w, PATH, CA, &e), 0);
    if (!w) exit(1);
    store(w, &L, 0, CUT);
    TT_EQ_INT(tdc_replica_snapshot_save(w, 1, &written, &e), 0);
    TT_EQ_INT(written, 1);
    store(w, &L, CUT, to);
    tdc_replica_close(w);
}

/* Loaded: texts wait; a reader without texts, then one task's reader, then all: a full fold's. */
static void test_lazy_texts(void)
{
    tdc_replica *r;
    td_error e = {0};
    const td_state *st;
    const td_report **mine = NULL, **want = NULL;
    size_t nm = 0, nw = 0, n;
    const td_report *x;

    make_replica(L.len);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    st = tdc_replica_state(r);
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), CUT);
    TT_EQ_INT(td_state_snap_texts_pending(st), 1);
    /* the readers without texts read nothing */
    td_state_reports_unsorted_notext(st, &n);
    TT_CHECK(n > 0);
    x = td_state_report_notext(st, 48, "so-y-te", "2025-03");
    TT_CHECK(x != NULL);
    TT_EQ_INT(td_state_snap_texts_pending(st), 1);
    /* one report's: its texts, a full fold's; its chunk's other reports still wait (a reader of one report
     * writes no other record) */
    x = td_state_report(st, 47, "so-y-te", "2025-02");
    TT_CHECK(x != NULL);
    if (x) same_texts(x, td_state_report(FULL, 47, "so-y-te", "2025-02"));
    x = td_state_report_notext(st, 47, "so-y-te", "2025-03");
    TT_CHECK(x != NULL && !strcmp(x->result, "") && x->n_evidence == 0);
    x = td_state_report(FULL, 47, "so-y-te", "2025-03");
    TT_CHECK(x != NULL && strcmp(x->result, ""));
    TT_EQ_INT(td_state_snap_texts_pending(st), 1);
    /* one task's: that task's texts, a full fold's; the others still wait */
    TT_EQ_INT(td_state_task_reports(st, 48, &mine, &nm), 0);
    TT_EQ_INT(td_state_task_reports(FULL, 48, &want, &nw), 0);
    TT_EQ_INT(nm, nw);
    TT_CHECK(nm > 2);
    for (size_t i = 0; i < nm && i < nw; i++) same_texts(mine[i], want[i]);
    free(mine);
    free(want);
    TT_EQ_INT(td_state_snap_texts_pending(st), 1);
    /* a report replaced by a row folded after the load (task 49, not read yet): the fold's text */
    x = td_state_report(st, 49, "so-y-te", "2025-02");
    TT_CHECK(x != NULL);
    if (x) TT_EQ_STR(x->result, "Kết quả số 9999: đã triển khai nhiệm vụ 49");
    /* all of them */
    same_as_fold(st, FULL);
    TT_EQ_INT(td_state_snap_texts_pending(st), 0);
    tdc_replica_close(r);
}

/* The text section damaged, or the stored fold replaced after the load: the texts from a fold of the log,
 * and a good fold stored again. */
static void test_damaged_texts(void)
{
    tdc_replica *r, *w;
    td_error e = {0};
    uint8_t *b;
    size_t n;
    td_state *back = NULL;

    make_replica(CUT);
    b = tt_fold_get(PATH, &n);
    TT_CHECK(b && n > text_at(b) + 16);
    if (!b) return;
    b[text_at(b) + (n - text_at(b)) / 2] ^= 0x20;   /* a byte in the middle of the texts */
    TT_EQ_INT(tt_fold_put(PATH, b, n, 1), 0);
    TT_EQ_INT(td_state_snap_decode(b, n, CA, &back, &e), TD_EPARSE);   /* read whole: refused */
    free(b);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), CUT);   /* the main part is good */
    {
        td_state *cut = fold(&L, CUT);
        same_as_fold(tdc_replica_state(r), cut);
        td_state_free(cut);
    }
    tdc_replica_close(r);
    /* stored again: it reads whole */
    b = tt_fold_get(PATH, &n);
    TT_CHECK(b != NULL);
    if (b) {
        TT_EQ_INT(td_state_snap_decode(b, n, CA, &back, &e), 0);
        td_state_free(back);
        back = NULL;
    }
    free(b);

    /* loaded, then another process stores a fold of more rows: the texts do not come from that one */
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    TT_EQ_INT(tdc_replica_open(&w, PATH, CA, &e), 0);
    if (!r || !w) return;
    TT_EQ_INT(td_state_snap_texts_pending(tdc_replica_state(r)), 1);
    store(w, &L, CUT, L.len);
    TT_EQ_INT(tdc_replica_snapshot_save(w, 1, NULL, &e), 0);
    TT_EQ_INT(fold_files(), 1);   /* the one r reads from is gone: its mapping still holds the bytes */
    {
        td_state *cut = fold(&L, CUT);
        same_as_fold(tdc_replica_state(r), cut);
        td_state_free(cut);
    }
    tdc_replica_close(w);
    tdc_replica_close(r);
}

/* An older build's snapshot (format 4): not used; the open that refolds stores one of format 5. */
static void test_format4_replaced(void)
{
    tdc_replica *r;
    td_error e = {0};
    uint8_t *b;
    size_t n;
    uint32_t fmt = 4;

    make_replica(L.len);
    b = tt_fold_get(PATH, &n);
    TT_CHECK(b != NULL);
    if (!b) return;
    memcpy(b + 8, &fmt, 4);
    TT_EQ_INT(tt_fold_put(PATH, b, n, 1), 0);
    free(b);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), 0);   /* every row folded */
    same_as_fold(tdc_replica_state(r), FULL);
    tdc_replica_close(r);
    b = tt_fold_get(PATH, &n);
    TT_CHECK(b && n > TD_SNAP_HEADER);
    if (b) {
        memcpy(&fmt, b + 8, 4);
        TT_EQ_INT(fmt, TD_SNAP_FORMAT);
    }
    free(b);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);   /* and the next open loads it */
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), td_state_last_index(FULL));
    same_as_fold(tdc_replica_state(r), FULL);
    tdc_replica_close(r);
}

/* The fold file gone (a copied replica, a cleaned directory): the rows folded, and the file stored again. */
static void test_file_missing(void)
{
    tdc_replica *r;
    td_error e = {0};
    uint8_t hdr[TD_SNAP_HEADER];
    char *fp;

    make_replica(L.len);
    TT_EQ_INT(fold_files(), 1);
    TT_EQ_INT(row_header(hdr), 0);
    fp = tdc_replica_fold_file(PATH, hdr);
    TT_CHECK(fp && unlink(fp) == 0);
    free(fp);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), 0);   /* every row folded */
    same_as_fold(tdc_replica_state(r), FULL);
    tdc_replica_close(r);
    TT_EQ_INT(fold_files(), 1);   /* stored again by that open */
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), td_state_last_index(FULL));
    same_as_fold(tdc_replica_state(r), FULL);
    tdc_replica_close(r);
}

/* A fold an earlier build kept in the row itself: not used, the rows folded, and the fold stored as a file
 * (the row keeps only the header); every save leaves one file. */
static void test_row_blob_replaced(void)
{
    tdc_replica *r;
    td_error e = {0};
    uint8_t *b, hdr[TD_SNAP_HEADER];
    size_t n;
    sqlite3 *db;
    sqlite3_stmt *st;
    char *fp;

    make_replica(L.len);
    b = tt_fold_get(PATH, &n);
    TT_CHECK(b != NULL);
    if (!b) return;
    TT_EQ_INT(row_header(hdr), 0);
    fp = tdc_replica_fold_file(PATH, hdr);
    TT_CHECK(fp && unlink(fp) == 0);
    free(fp);
    TT_EQ_INT(sqlite3_open_v2(PATH, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    TT_EQ_INT(sqlite3_prepare_v2(db, "UPDATE fold_snapshot SET state = ?1 WHERE id = 1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_blob(st, 1, b, (int)n, SQLITE_STATIC);
    TT_EQ_INT(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(b);
    TT_EQ_INT(fold_files(), 0);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), 0);
    same_as_fold(tdc_replica_state(r), FULL);
    tdc_replica_close(r);
    TT_EQ_INT(row_header(hdr), 0);   /* the row holds the header only again */
    TT_EQ_INT(fold_files(), 1);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), td_state_last_index(FULL));
    TT_EQ_INT(tdc_replica_snapshot_save(r, 1, NULL, &e), 0);   /* the same fold again: still one file */
    tdc_replica_close(r);
    TT_EQ_INT(fold_files(), 1);
}

/* A temporary fold file an hour older than the file a save just wrote is one a crashed save left: removed by
 * the next save; a recent one (a save in progress in another process) is left alone. */
static void test_stale_tmp_removed(void)
{
    tdc_replica *r;
    td_error e = {0};
    uint8_t hdr[TD_SNAP_HEADER];
    char old[256], young[256], *fp;
    struct stat sb;
    struct timespec tv[2];
    FILE *f;

    make_replica(L.len);
    TT_EQ_INT(row_header(hdr), 0);
    fp = tdc_replica_fold_file(PATH, hdr);
    TT_CHECK(fp && stat(fp, &sb) == 0);
    free(fp);
    snprintf(old, sizeof old, "%s.fold-tmp.AAAAAA", PATH);
    snprintf(young, sizeof young, "%s.fold-tmp.BBBBBB", PATH);
    TT_CHECK((f = fopen(old, "wb")) && fclose(f) == 0);
    TT_CHECK((f = fopen(young, "wb")) && fclose(f) == 0);
    /* years before the fold file (not "two hours before its mtime": under libfaketime, stat reports file times
     * shifted by the fake clock's offset, and utimensat takes real ones) */
    tv[0].tv_sec = tv[1].tv_sec = 946684800;   /* 01/01/2000 */
    tv[0].tv_nsec = tv[1].tv_nsec = 0;
    TT_EQ_INT(utimensat(AT_FDCWD, old, tv, 0), 0);
    TT_EQ_INT(fold_files(), 3);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_save(r, 1, NULL, &e), 0);
    tdc_replica_close(r);
    TT_CHECK(access(old, F_OK) != 0);
    TT_CHECK(access(young, F_OK) == 0);
    TT_EQ_INT(fold_files(), 2);
    unlink(young);
}


/* The records' image (common/derive_snap.h td_state_snap_image): stored beside the fold; a load takes the
 * reports and versions where the image lies, and what readers see (texts read later, written into those
 * records; rows applied after the load, which copy them out first) is a full fold's. */
static void test_image(void)
{
    tdc_replica *r;
    td_error e = {0};

    make_replica(CUT);   /* nothing after the fold: the records stay in the image */
    TT_EQ_INT(fold_files(), 1);
    TT_EQ_INT(image_files(), 1);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), CUT);
    TT_EQ_INT(td_state_snap_image_used(tdc_replica_state(r)), 1);
    tdc_replica_close(r);

    make_replica(L.len);   /* rows after the fold: applied to a state whose records lie in the image */
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(td_state_snap_image_used(tdc_replica_state(r)), 1);
    same_as_fold(tdc_replica_state(r), FULL);
    /* stored again: the new fold's image replaces the old one */
    TT_EQ_INT(tdc_replica_snapshot_save(r, 1, NULL, &e), 0);
    tdc_replica_close(r);
    TT_EQ_INT(fold_files(), 1);
    TT_EQ_INT(image_files(), 1);
    TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
    if (!r) return;
    TT_EQ_INT(tdc_replica_snapshot_loaded(r), td_state_last_index(FULL));
    TT_EQ_INT(td_state_snap_image_used(tdc_replica_state(r)), 1);
    same_as_fold(tdc_replica_state(r), FULL);
    tdc_replica_close(r);
}

/* An image that is not its fold's records: a byte of a report's period, a review comment's pointer sent out
 * of the image, a version's percent, the header's copy of the fold's header.  Not used (the records decoded
 * into new memory, a full fold's all the same), and stored again by that load. */
static void test_image_damaged(void)
{
    const size_t rep = sizeof(td_report), ver = sizeof(td_report_version);
    struct {
        const char *what;
        int field;      /* image_field: 3 reports_off, 5 versions_off; -1: the header */
        size_t off;
        size_t n;
    } pokes[] = {
        {"a report's period", 3, rep + offsetof(td_report, period), 1},
        {"a review comment's pointer", 3, 2 * rep + offsetof(td_report, review_comment), 8},
        {"a report's agency pointer", 3, offsetof(td_report, agency) + 1, 1},
        {"a version's percent", 5, 3 * ver + offsetof(td_report_version, percent), 1},
        {"the fold's header it names", -1, 40, 1},
    };
    td_state *want = fold(&L, CUT);
    for (size_t k = 0; k < sizeof pokes / sizeof pokes[0]; k++) {
        tdc_replica *r;
        td_error e = {0};
        size_t at;
        make_replica(CUT);
        at = pokes[k].field < 0 ? pokes[k].off : (size_t)image_field(pokes[k].field) + pokes[k].off;
        TT_CHECK(at > 0);
        TT_EQ_INT(image_poke(at, pokes[k].n, 0x5a), 0);
        TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);
        if (!r) return;
        if (td_state_snap_image_used(tdc_replica_state(r))) printf("  used despite: %s\n", pokes[k].what);
        TT_EQ_INT(td_state_snap_image_used(tdc_replica_state(r)), 0);
        TT_EQ_INT(tdc_replica_snapshot_loaded(r), CUT);
        same_as_fold(tdc_replica_state(r), want);
        tdc_replica_close(r);
        TT_EQ_INT(image_files(), 1);
        TT_EQ_INT(tdc_replica_open(&r, PATH, CA, &e), 0);   /* the image stored again by that load */
        if (!r) return;
        TT_EQ_INT(td_state_snap_image_used(tdc_replica_state(r)), 1);
        tdc_replica_close(r);
    }
    td_state_free(want);
}

/* Two states of one replica in one process: the second finds the image's address taken, decodes its records
 * into new memory, and leaves the image file alone. */
static void test_image_busy(void)
{
    tdc_replica *a, *b;
    td_error e = {0};
    struct stat s1, s2;
    char *ip;

    make_replica(CUT);
    ip = image_path();
    TT_CHECK(ip && stat(ip, &s1) == 0);
    TT_EQ_INT(tdc_replica_open(&a, PATH, CA, &e), 0);
    if (!a) return;
    TT_EQ_INT(tdc_replica_open(&b, PATH, CA, &e), 0);
    if (!b) return;
    TT_EQ_INT(td_state_snap_image_used(tdc_replica_state(a)), 1);
    TT_EQ_INT(td_state_snap_image_used(tdc_replica_state(b)), 0);
    same_as_fold(tdc_replica_state(b), tdc_replica_state(a));
    tdc_replica_close(b);
    tdc_replica_close(a);
    TT_CHECK(ip && stat(ip, &s2) == 0 && s1.st_ino == s2.st_ino);   /* not written again */
    free(ip);
}

int main(void)
{
    static const char *periods[] = {"2025-01", "2025-02", "2025-03", "2025-04"};
    if (tf_setup()) return 1;
    snprintf(DIR_, sizeof DIR_, "/tmp/tdlazy-XXXXXX");
    if (!mkdtemp(DIR_)) return 1;
    snprintf(PATH, sizeof PATH, "%s/%s", DIR_, TDC_REPLICA_FILE);

    /* reports on three tasks by two offices of so-y-te, then (after the snapshot) a new version of one */
    L_base(&L);
    for (int k = 0; k < 60; k++) L_text(&L, k % 2 ? &YTE : &YTE2, 47 + (uint32_t)(k % 3), periods[(k / 3) % 4], k);
    CUT = L.len;
    L_text(&L, &YTE, 49, "2025-02", 9999);
    L_text(&L, &YTE, 47, "2025-05", 10000);
    FULL = fold(&L, L.len);

    TT_RUN(test_lazy_texts);
    TT_RUN(test_damaged_texts);
    TT_RUN(test_format4_replaced);
    TT_RUN(test_file_missing);
    TT_RUN(test_row_blob_replaced);
    TT_RUN(test_stale_tmp_removed);
    TT_RUN(test_image);
    TT_RUN(test_image_damaged);
    TT_RUN(test_image_busy);

    td_state_free(FULL);
    L_free(&L);
    remove_db();
    rmdir(DIR_);
    tf_teardown();
    return tt_report();
}
