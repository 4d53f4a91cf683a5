/*
 * td_foldcheck.c — the replica's fast paths give the state of a full fold
 * (client/replica.h: tdc_replica_refresh; the store_batch fold).
 *
 *   td_foldcheck --data DIR --work DIR [--seed N] [--cuts K]
 *
 * DIR is a server data directory (tests/tools/td_history).  Its whole log
 * is stored, in batches of random size, into a new replica through one
 * handle (the sync's, folding each batch as it commits) while a second
 * handle of the same file (a `tiendo ui` page context) refreshes at K
 * random cut points.  At every cut the digest of the refreshed state
 * (snapshot + the tail folded) must equal the writer's and, at each cut,
 * that of a replica opened anew (the full fold).  Then rows are dropped
 * below the folded position (the visibility rule, as an office of
 * so-y-te) and the refreshed state must again equal a new open's, which
 * differs from the one before.
 *
 * The persisted fold (tdc_replica_snapshot_save): at random cuts the writer
 * stores its state; a new open then loads it and folds only the rows above
 * it, and its digest must equal that of a fold of every pulled row done
 * here, apart from the replica code (the "full fold" below).  At the end the
 * stored blob (its file) is cut short, then has a byte flipped in its main part: a new open must fold
 * every row and give the same digest; a byte flipped in its text section: a new open loads the main
 * part, takes the texts from a fold of the rows (same digest) and stores the fold again, which the
 * next open loads whole; after rows are dropped (pulled_gen
 * moves) a new open must not use the snapshot of before.
 * Exit 0 when all agree, 1 with the first difference.
 */
#include <openssl/pem.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "derive.h"
#include "derive_snap.h"
#include "foldfile.h"
#include "replica.h"

typedef struct row {
    uint64_t idx;
    uint8_t *body;
    size_t len;
    int64_t recv;
} row;

static uint64_t RNG = 1;

static uint64_t rnd(uint64_t n)
{
    uint64_t z = (RNG += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return n ? (z ^ (z >> 31)) % n : 0;
}

static void hex8(const unsigned char *d, char *out)
{
    for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* digest of a replica opened anew at path (the snapshot, if any, and the rows above it); *snap: the
 * snapshot's last index, 0 when every row was folded */
static int open_digest(const char *path, X509 *ca, unsigned char out[32], uint64_t *snap)
{
    tdc_replica *r;
    td_error e = {0};
    if (tdc_replica_open(&r, path, ca, &e)) {
        fprintf(stderr, "td_foldcheck: open: %s\n", e.msg);
        return -1;
    }
    td_state_digest(tdc_replica_state(r), out);
    *snap = tdc_replica_snapshot_loaded(r);
    tdc_replica_close(r);
    return 0;
}

/* digest of the fold of every pulled row of the replica at path, by td_state_apply here: the truth */
static int full_digest(const char *path, X509 *ca, unsigned char out[32])
{
    sqlite3 *db;
    sqlite3_stmt *st;
    td_state *s = td_state_new(ca);
    td_apply_result res;
    td_error e = {0};
    int rc = 0;
    if (!s || sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT idx, body, received_ms FROM pulled ORDER BY idx", -1, &st, NULL) != SQLITE_OK)
        return -1;
    while (!rc && sqlite3_step(st) == SQLITE_ROW)
        rc = td_state_apply(s, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
                            (size_t)sqlite3_column_bytes(st, 1), sqlite3_column_int64(st, 2), &res, &e);
    sqlite3_finalize(st);
    sqlite3_close(db);
    td_state_digest(s, out);
    td_state_free(s);
    return rc ? -1 : 0;
}

/* Damage the stored snapshot: cut it to half (how 0), flip one byte in the middle of its main part (how 1), give
 * it another format number (how 2: an older build's snapshot, in its file and its row), or flip one byte in the
 * middle of its text section (how 3). */
static int damage(const char *path, int how)
{
    size_t n;
    uint64_t main = 0;
    uint8_t *b = tt_fold_get(path, &n);
    int rc;
    if (!b || n <= TD_SNAP_HEADER) {
        free(b);
        return -1;
    }
    memcpy(&main, b + 56, 8);
    if (main > n - TD_SNAP_HEADER) main = 0;
    if (how == 0) n /= 2;
    else if (how == 2) b[8]++;
    else if (how == 3) b[TD_SNAP_HEADER + main + (n - TD_SNAP_HEADER - main) / 2] ^= 0x10;
    else b[TD_SNAP_HEADER + main / 2] ^= 0x10;
    rc = tt_fold_put(path, b, n, how == 2);
    free(b);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *data = NULL, *work = NULL;
    int cuts = 8;
    char path[4200];
    sqlite3 *db;
    sqlite3_stmt *st;
    row *rows = NULL;
    size_t n = 0, cap = 0;
    uint64_t *cut;
    X509 *ca;
    FILE *f;
    tdc_replica *w, *r;
    td_error e = {0};
    unsigned char dw[32], dr[32], df[32], dopen[32], before[32];
    char h1[17], h2[17], h3[17], h4[17];
    size_t pos = 0;
    uint64_t snap = 0, saved = 0;
    int bad = 0, loads = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--work") && i + 1 < argc) work = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) RNG = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--cuts") && i + 1 < argc) cuts = atoi(argv[++i]);
        else data = NULL, i = argc;
    }
    if (!data || !work || cuts < 1 || cuts > 1000) {
        fprintf(stderr, "usage: td_foldcheck --data DIR --work DIR [--seed N] [--cuts K]\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/ca.crt", data);
    if (!(f = fopen(path, "r")) || !(ca = PEM_read_X509(f, NULL, NULL, NULL))) {
        fprintf(stderr, "td_foldcheck: cannot read %s\n", path);
        return 2;
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/server.db", data);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT idx, body, received_ms FROM log ORDER BY idx", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "td_foldcheck: %s: %s\n", path, sqlite3_errmsg(db));
        return 2;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            if (!(rows = realloc(rows, cap * sizeof *rows))) return 2;
        }
        rows[n].idx = (uint64_t)sqlite3_column_int64(st, 0);
        rows[n].len = (size_t)sqlite3_column_bytes(st, 1);
        rows[n].body = malloc(rows[n].len ? rows[n].len : 1);
        memcpy(rows[n].body, sqlite3_column_blob(st, 1), rows[n].len);
        rows[n].recv = sqlite3_column_int64(st, 2);
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (n < 10) {
        fprintf(stderr, "td_foldcheck: %s holds %zu entries\n", path, n);
        return 2;
    }
    /* the cut points: random positions in the log, sorted */
    cut = malloc((size_t)cuts * sizeof *cut);
    for (int i = 0; i < cuts; i++) cut[i] = 1 + rnd(n - 1);
    qsort(cut, (size_t)cuts, sizeof *cut, cmp_u64);

    snprintf(path, sizeof path, "%s/%s", work, TDC_REPLICA_FILE);
    unlink(path);
    if (tdc_replica_open(&w, path, ca, &e) || tdc_replica_open(&r, path, ca, &e)) {
        fprintf(stderr, "td_foldcheck: %s\n", e.msg);
        return 2;
    }
    for (int c = 0; c <= cuts && !bad; c++) {
        size_t end = c < cuts ? (size_t)cut[c] : n;
        /* store up to the cut in batches of 1..500 entries */
        while (pos < end) {
            size_t k = 1 + (size_t)rnd(500), j;
            tdc_pulled b[500];
            if (k > end - pos) k = end - pos;
            for (j = 0; j < k; j++) b[j] = (tdc_pulled){rows[pos + j].idx, rows[pos + j].body, rows[pos + j].len,
                                                       rows[pos + j].recv};
            if (tdc_replica_store_batch(w, b, k, rows[pos + k - 1].idx + 1, &e)) {
                fprintf(stderr, "td_foldcheck: store: %s\n", e.msg);
                return 2;
            }
            pos += k;
        }
        if (tdc_replica_refresh(r, &e)) {
            fprintf(stderr, "td_foldcheck: refresh: %s\n", e.msg);
            return 2;
        }
        td_state_digest(tdc_replica_state(w), dw);
        td_state_digest(tdc_replica_state(r), dr);
        if (full_digest(path, ca, df) || open_digest(path, ca, dopen, &snap)) return 2;
        hex8(dw, h1);
        hex8(dr, h2);
        hex8(df, h3);
        hex8(dopen, h4);
        if (memcmp(dw, df, 32) || memcmp(dr, df, 32) || memcmp(dopen, df, 32) || snap != saved ||
            td_state_last_index(tdc_replica_state(r)) != rows[pos - 1].idx) {
            fprintf(stderr,
                    "td_foldcheck: cut at %zu entries: writer %s, refreshed %s, new open %s (snapshot at %llu, "
                    "stored at %llu), full fold %s\n",
                    pos, h1, h2, h4, (unsigned long long)snap, (unsigned long long)saved, h3);
            bad = 1;
        } else {
            printf("cut at %zu entries (index %llu): refreshed = writer = new open (snapshot at %llu) = full fold = "
                   "%s\n",
                   pos, (unsigned long long)rows[pos - 1].idx, (unsigned long long)snap, h3);
            loads += snap != 0;
        }
        /* the writer stores its fold at about half the cuts (always at the first): the next cuts load it */
        if (c == 0 || rnd(2)) {
            int written = 0;
            if (tdc_replica_snapshot_save(w, 1, &written, &e) || !written) {
                fprintf(stderr, "td_foldcheck: snapshot not stored at %zu entries: %s\n", pos, e.msg);
                return 2;
            }
            saved = td_state_last_index(tdc_replica_state(w));
        }
    }
    if (!bad && !loads) {
        fprintf(stderr, "td_foldcheck: no new open loaded a snapshot\n");
        bad = 1;
    }
    /* a damaged snapshot: refused, every row folded, the same state */
    for (int how = 0; how < 2 && !bad; how++) {
        int written = 0;
        if (tdc_replica_snapshot_save(w, 1, &written, &e) || !written || damage(path, how) ||
            full_digest(path, ca, df) || open_digest(path, ca, dopen, &snap)) {
            fprintf(stderr, "td_foldcheck: damaged snapshot: %s\n", e.msg);
            return 2;
        }
        hex8(dopen, h4);
        hex8(df, h3);
        if (snap || memcmp(dopen, df, 32)) {
            fprintf(stderr, "td_foldcheck: snapshot %s: new open %s (snapshot at %llu), full fold %s\n",
                    how ? "with a byte flipped" : "cut short", h4, (unsigned long long)snap, h3);
            bad = 1;
        } else {
            printf("snapshot %s: not used, new open = full fold = %s\n", how ? "with a byte flipped" : "cut short",
                   h3);
        }
    }
    /* a byte flipped in the text section: the main part loaded, the texts from a fold of the rows, and the
     * fold stored again, which the next open loads whole */
    if (!bad) {
        int written = 0;
        td_state *whole = NULL;
        uint8_t *b = NULL;
        size_t bn = 0;
        if (tdc_replica_snapshot_save(w, 1, &written, &e) || !written || damage(path, 3) ||
            full_digest(path, ca, df) || open_digest(path, ca, dopen, &snap)) {
            fprintf(stderr, "td_foldcheck: texts damaged: %s\n", e.msg);
            return 2;
        }
        hex8(df, h3);
        if (!snap || memcmp(dopen, df, 32)) {
            fprintf(stderr, "td_foldcheck: snapshot with its texts damaged: loaded %d, new open = full fold %d\n",
                    snap != 0, !memcmp(dopen, df, 32));
            bad = 1;
        } else if (!(b = tt_fold_get(path, &bn)) || td_state_snap_decode(b, bn, ca, &whole, &e) ||
                   open_digest(path, ca, dopen, &snap) || !snap || memcmp(dopen, df, 32)) {
            fprintf(stderr, "td_foldcheck: snapshot with its texts damaged: not stored again (%s)\n", e.msg);
            bad = 1;
        } else {
            printf("snapshot with its texts damaged: loaded, texts folded again, new open = full fold = %s; "
                   "stored again, loaded whole\n", h3);
        }
        td_state_free(whole);
        free(b);
    }
    /* a snapshot of another format (an older build's): not used, and the open that folded the rows instead
     * stores one of this format although nothing new was folded since */
    if (!bad) {
        int written = 0;
        if (tdc_replica_snapshot_save(w, 1, &written, &e) || !written || damage(path, 2) ||
            open_digest(path, ca, dopen, &snap)) {
            fprintf(stderr, "td_foldcheck: snapshot of another format: %s\n", e.msg);
            return 2;
        }
        if (snap) {
            fprintf(stderr, "td_foldcheck: a snapshot of another format was loaded\n");
            bad = 1;
        } else if (full_digest(path, ca, df) || open_digest(path, ca, dopen, &snap)) {
            return 2;
        } else if (!snap || memcmp(dopen, df, 32)) {
            fprintf(stderr, "td_foldcheck: the replaced snapshot: loaded %d, new open = full fold %d\n", snap != 0,
                    !memcmp(dopen, df, 32));
            bad = 1;
        } else {
            printf("snapshot of another format: not used, stored again by that open, then loaded\n");
        }
    }
    /* a good one again, for the rows dropped below */
    if (!bad) {
        int written = 0;
        if (tdc_replica_snapshot_save(w, 1, &written, &e) || !written) {
            fprintf(stderr, "td_foldcheck: snapshot: %s\n", e.msg);
            return 2;
        }
    }
    /* rows dropped below the folded position: the refreshed handle must
     * fold again, not extend */
    if (!bad) {
        int rescan = 0;
        memcpy(before, dr, 32);
        if (tdc_replica_visibility(w, "so-y-te", TD_ROLE_OFFICE, &rescan, &e) ||
            tdc_replica_refresh(r, &e) || full_digest(path, ca, df)) {
            fprintf(stderr, "td_foldcheck: visibility: %s\n", e.msg);
            return 2;
        }
        td_state_digest(tdc_replica_state(r), dr);
        if (open_digest(path, ca, dopen, &snap)) return 2;
        hex8(dr, h2);
        hex8(df, h3);
        hex8(dopen, h4);
        if (memcmp(dr, df, 32) || !memcmp(df, before, 32) || memcmp(dopen, df, 32) || snap) {
            fprintf(stderr,
                    "td_foldcheck: after dropping rows: refreshed %s, new open %s (snapshot at %llu), full fold %s "
                    "(%s before)\n",
                    h2, h4, (unsigned long long)snap, h3, memcmp(df, before, 32) ? "changed" : "unchanged");
            bad = 1;
        } else {
            printf("rows dropped (office so-y-te): snapshot of before not used; refreshed = new open = full fold = "
                   "%s\n",
                   h3);
        }
    }
    /* and stored again for the rows as they are now: used */
    if (!bad) {
        int written = 0;
        if (tdc_replica_snapshot_save(w, 1, &written, &e) || !written || open_digest(path, ca, dopen, &snap)) {
            fprintf(stderr, "td_foldcheck: snapshot after the drop: %s\n", e.msg);
            return 2;
        }
        hex8(dopen, h4);
        if (memcmp(dopen, df, 32) || snap != td_state_last_index(tdc_replica_state(w))) {
            fprintf(stderr, "td_foldcheck: after dropping rows, snapshot stored: new open %s (snapshot at %llu), full "
                    "fold %s\n", h4, (unsigned long long)snap, h3);
            bad = 1;
        } else {
            printf("snapshot stored after the drop: new open (snapshot at %llu) = full fold = %s\n",
                   (unsigned long long)snap, h3);
        }
    }
    tdc_replica_close(r);
    tdc_replica_close(w);
    for (size_t i = 0; i < n; i++) free(rows[i].body);
    free(rows);
    free(cut);
    X509_free(ca);
    return bad;
}
