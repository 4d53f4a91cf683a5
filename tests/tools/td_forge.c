/*
 * td_forge — pushes hand-made entries as a valid device, to test the
 * server's refusals at push (sync_refuse.sh).
 *
 *   td_forge --dir DEVDIR [--server H:P] --task N [--period YYYY-MM]
 *            [--first-seq S]
 *
 * DEVDIR is an enrolled device whose entries nobody else pushes (its
 * sequence numbers are td_forge's: the first valid entry gets seq S,
 * default 1).  One Push carries, in this order:
 *   valid      seq S      a report on task N (the device's agency must be
 *                         lead or partner for the fold to apply it)
 *   badsig     seq S+1    a valid entry whose signature has one bit flipped
 *   valid      seq S+1
 *   otherkey   seq S+2    signed with a fresh key pair (author != TLS peer)
 *   valid      seq S+2
 *   gap        seq S+4    correctly signed, one seq skipped
 *   kind99     seq S+3    correctly signed, kind 99
 *   agency     seq S+3    correctly signed, Entry.agency of another agency
 *   valid      seq S+3
 * Each bad entry must come back ACK_REFUSED with a reason that holds its
 * keyword (case-insensitive): "signature", "author" or "peer", "gap",
 * "kind", "agency"; each valid one ACK_STORED.  Then the four valid entries
 * are pushed again: each must come back ACK_DUPLICATE with the same index.
 * Prints one line per Ack and a summary; exit 0 iff all of the above hold,
 * 1 otherwise, 2 on bad usage.
 *
 *   td_forge --dump-replica DEVDIR
 * prints what a replica pulled, one line per entry, for visibility checks:
 *   "idx=N kind=NAME agency=SLUG seq=S task=T period=P"
 * (task and period for reports; 0 and "-" otherwise).  Reads
 * DEVDIR/replica.db (table pulled) read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "device.h"
#include "entry.h"
#include "frame.h"
#include "identity.h"
#include "link.h"
#include "log.pb-c.h"
#include "log.h"
#include <sqlite3.h>

#define FG_MAX 16

typedef struct fg_item {
    const char *label;
    const char *keyword;          /* NULL: must be stored; else refused */
    const char *keyword2;         /* alternative keyword, may be NULL */
    Tiendo__SignedEntry *se;      /* owned */
    uint64_t seq;
    uint64_t index;               /* from the first PushAck (valid ones) */
} fg_item;

static fg_item items[FG_MAX];
static int n_items;
static uint64_t hlc;

static int64_t now_ms(void) { return td_clock_now_ms(); }

/* A report payload on (task, agency, period), serialized into buf. */
static size_t report_payload(uint32_t task, const char *agency, const char *period, const char *text,
                             uint8_t *buf, size_t cap)
{
    Tiendo__ReportPayload r = TIENDO__REPORT_PAYLOAD__INIT;
    size_t n;
    r.task = task;
    r.agency = (char *)agency;
    r.period = (char *)period;
    r.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
    r.percent = 40;
    r.result = (char *)text;
    n = tiendo__report_payload__get_packed_size(&r);
    if (n > cap) return 0;
    return tiendo__report_payload__pack(&r, buf);
}

/* Sign with the identity (pk/sk NULL) or a raw key pair, and add an item. */
static int add_item(const char *label, const char *kw, const char *kw2, const td_identity *id,
                    const unsigned char *pk, const unsigned char *sk, int kind, uint64_t seq,
                    const char *agency, const uint8_t *payload, size_t plen, int flip_sig)
{
    td_entry_fields f;
    uint8_t *buf = NULL;
    size_t len = 0;
    td_error err;
    fg_item *it;
    int rc;
    if (n_items >= FG_MAX) return -1;
    hlc = td_hlc_next(hlc, now_ms());
    f = (td_entry_fields){kind, seq, hlc, now_ms(), agency, payload, plen};
    rc = id ? td_entry_sign(id, &f, &buf, &len, &err) : td_entry_sign_raw(pk, sk, &f, &buf, &len, &err);
    if (rc) {
        fprintf(stderr, "td_forge: signing %s: %s\n", label, err.msg);
        return -1;
    }
    it = &items[n_items];
    it->se = tiendo__signed_entry__unpack(NULL, len, buf);
    free(buf);
    if (!it->se || it->se->sig.len == 0) {
        fprintf(stderr, "td_forge: cannot re-read the signed entry %s\n", label);
        return -1;
    }
    if (flip_sig) it->se->sig.data[it->se->sig.len / 2] ^= 0x01;
    it->label = label;
    it->keyword = kw;
    it->keyword2 = kw2;
    it->seq = seq;
    n_items++;
    return 0;
}

/* Does hay contain needle, ignoring ASCII case? */
static int ci_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20)) i++;
        if (i == n) return 1;
    }
    return 0;
}

static const char *status_name(int s)
{
    switch (s) {
    case TIENDO__ACK_STATUS__ACK_STORED: return "STORED";
    case TIENDO__ACK_STATUS__ACK_DUPLICATE: return "DUPLICATE";
    case TIENDO__ACK_STATUS__ACK_REFUSED: return "REFUSED";
    default: return "UNSPECIFIED";
    }
}

/* Push the entries in order idx[0..n) and wait for the PushAck (*out). */
static int push(tdc_link *l, const int *idx, size_t n, Tiendo__Frame **out)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Push p = TIENDO__PUSH__INIT;
    Tiendo__SignedEntry *ses[FG_MAX];
    td_error err;
    for (size_t i = 0; i < n; i++) ses[i] = items[idx[i]].se;
    p.n_entries = n;
    p.entries = ses;
    f.body_case = TIENDO__FRAME__BODY_PUSH;
    f.push = &p;
    if (tdc_link_send(l, &f, &err) || tdc_link_recv(l, out, TDC_CALL_TIMEOUT_MS, &err)) {
        fprintf(stderr, "td_forge: push: %s\n", err.msg);
        return -1;
    }
    if ((*out)->body_case != TIENDO__FRAME__BODY_PUSH_ACK) {
        fprintf(stderr, "td_forge: expected PushAck, got frame %d\n", (int)(*out)->body_case);
        return -1;
    }
    if ((*out)->push_ack->n_acks != n) {
        fprintf(stderr, "td_forge: %zu acks for %zu entries\n", (*out)->push_ack->n_acks, n);
        return -1;
    }
    return 0;
}

/* --dump-replica: one line per pulled entry. */
static int dump_replica(const char *dir)
{
    char path[4096];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 0, n = 0;
    snprintf(path, sizeof path, "%s/replica.db", dir);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT idx, body FROM pulled ORDER BY idx", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "td_forge: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_finalize(st);
        sqlite3_close(db);
        return 1;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long idx = sqlite3_column_int64(st, 0);
        const uint8_t *b = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        td_entry en;
        td_error err;
        uint32_t task = 0;
        char period[16] = "-";
        if (td_entry_decode(b, len, &en, &err)) {
            printf("idx=%lld undecodable: %s\n", idx, err.msg);
            continue;
        }
        if (en.e->kind == TIENDO__ENTRY_KIND__ENTRY_REPORT) {
            Tiendo__ReportPayload *r = tiendo__report_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
            if (r) {
                task = r->task;
                snprintf(period, sizeof period, "%s", r->period ? r->period : "");
                tiendo__report_payload__free_unpacked(r, NULL);
            }
        }
        printf("idx=%lld kind=%s agency=%s seq=%llu task=%u period=%s\n", idx, td_entry_kind_name(en.e->kind),
               en.e->agency && en.e->agency[0] ? en.e->agency : "-", (unsigned long long)en.e->seq, task, period);
        td_entry_free(&en);
        n++;
    }
    if (rc != SQLITE_DONE) fprintf(stderr, "td_forge: %s: %s\n", path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    fprintf(stderr, "td_forge: %d entries in %s\n", n, path);
    return rc == SQLITE_DONE ? 0 : 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: td_forge --dir DEVDIR [--server H:P] --task N [--period YYYY-MM] [--first-seq S]\n"
                    "       td_forge --dump-replica DEVDIR\n");
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *server = NULL, *period = "2025-06";
    uint32_t task = 0;
    uint64_t s = 1;
    tdc_device dev;
    td_identity id;
    td_error err;
    tdc_link *l;
    tdc_link_opts lo;
    unsigned char opk[crypto_sign_PUBLICKEYBYTES], osk[crypto_sign_SECRETKEYBYTES];
    uint8_t pl[4][512];
    size_t pll[4];
    Tiendo__Frame *ack = NULL;
    int order[FG_MAX], valid[FG_MAX], n_valid = 0, bad = 0, ok_valid = 0, ok_refused = 0, n_bad = 0;
    const char *other_agency;

    if (argc == 3 && !strcmp(argv[1], "--dump-replica")) return dump_replica(argv[2]);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--server")) server = argv[i + 1];
        else if (!strcmp(argv[i], "--task")) task = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--period")) period = argv[i + 1];
        else if (!strcmp(argv[i], "--first-seq")) s = strtoull(argv[i + 1], NULL, 10);
        else {
            usage();
            return 2;
        }
    }
    if (!dir || task == 0 || s == 0 || argc % 2 == 0) {
        usage();
        return 2;
    }
    td_log_set_level(TD_LOG_ERROR);
    if (sodium_init() < 0) return 1;
    if (tdc_device_load(&dev, dir, &err) || td_identity_load(&id, dev.key_path, dev.cert_path, &err)) {
        fprintf(stderr, "td_forge: %s\n", err.msg);
        return 1;
    }
    crypto_sign_keypair(opk, osk);
    other_agency = strcmp(id.subject.agency, "so-tu-phap") ? "so-tu-phap" : "so-y-te";
    for (int k = 0; k < 4; k++) {
        char text[64];
        snprintf(text, sizeof text, "td_forge entry %d", k);
        pll[k] = report_payload(task, id.subject.agency, period, text, pl[k], sizeof pl[k]);
    }
    {
        size_t plx;
        uint8_t px[512];
        plx = report_payload(task, other_agency, period, "forged agency", px, sizeof px);
        if (add_item("valid", NULL, NULL, &id, NULL, NULL, TIENDO__ENTRY_KIND__ENTRY_REPORT, s, id.subject.agency,
                     pl[0], pll[0], 0) ||
            add_item("badsig", "signature", NULL, &id, NULL, NULL, TIENDO__ENTRY_KIND__ENTRY_REPORT, s + 1,
                     id.subject.agency, pl[1], pll[1], 1) ||
            add_item("valid", NULL, NULL, &id, NULL, NULL, TIENDO__ENTRY_KIND__ENTRY_REPORT, s + 1,
                     id.subject.agency, pl[1], pll[1], 0) ||
            add_item("otherkey", "author", "peer", NULL, opk, osk, TIENDO__ENTRY_KIND__ENTRY_REPORT, s + 2,
                     id.subject.agency, pl[2], pll[2], 0) ||
            add_item("valid", NULL, NULL, &id, NULL, NULL, TIENDO__ENTRY_KIND__ENTRY_REPORT, s + 2,
                     id.subject.agency, pl[2], pll[2], 0) ||
            add_item("gap", "gap", NULL, &id, NULL, NULL, TIENDO__ENTRY_KIND__ENTRY_REPORT, s + 4,
                     id.subject.agency, pl[3], pll[3], 0) ||
            add_item("kind99", "kind", NULL, &id, NULL, NULL, 99, s + 3, id.subject.agency, pl[3], pll[3], 0) ||
            add_item("agency", "agency", NULL, &id, NULL, NULL, TIENDO__ENTRY_KIND__ENTRY_REPORT, s + 3,
                     other_agency, px, plx, 0) ||
            add_item("valid", NULL, NULL, &id, NULL, NULL, TIENDO__ENTRY_KIND__ENTRY_REPORT, s + 3,
                     id.subject.agency, pl[3], pll[3], 0)) {
            td_identity_free(&id);
            return 1;
        }
    }
    memset(&lo, 0, sizeof lo);
    lo.dev = &dev;
    lo.server = server;
    l = tdc_link_open(&lo, &err);
    if (!l) {
        fprintf(stderr, "td_forge: connect: %s\n", err.msg);
        bad = 1;
        goto out;
    }
    for (int i = 0; i < n_items; i++) {
        order[i] = i;
        if (!items[i].keyword) valid[n_valid++] = i;
    }
    if (push(l, order, (size_t)n_items, &ack)) {
        bad = 1;
        goto out;
    }
    printf("push 1: %d entries (%d valid, %d forged)\n", n_items, n_valid, n_items - n_valid);
    for (int i = 0; i < n_items; i++) {
        const Tiendo__Ack *a = ack->push_ack->acks[i];
        fg_item *it = &items[i];
        const char *reason = a->reason ? a->reason : "";
        int good;
        if (!it->keyword) {
            good = a->status == TIENDO__ACK_STATUS__ACK_STORED && a->seq == it->seq && a->index > 0;
            it->index = a->index;
            ok_valid += good;
        } else {
            n_bad++;
            good = a->status == TIENDO__ACK_STATUS__ACK_REFUSED &&
                   (ci_contains(reason, it->keyword) || (it->keyword2 && ci_contains(reason, it->keyword2)));
            ok_refused += good;
        }
        printf("  %-8s seq=%-3llu %-9s index=%-5llu reason=\"%s\"  %s\n", it->label, (unsigned long long)a->seq,
               status_name(a->status), (unsigned long long)a->index, reason,
               good ? "ok" : it->keyword ? "WRONG (want REFUSED with keyword)" : "WRONG (want STORED)");
    }
    td_frame_free(ack);
    ack = NULL;
    printf("valid stored: %d/%d, forged refused with the right reason: %d/%d\n", ok_valid, n_valid, ok_refused,
           n_bad);
    if (ok_valid != n_valid || ok_refused != n_bad) bad = 1;

    /* The valid ones again: stored once, answered with their index. */
    if (push(l, valid, (size_t)n_valid, &ack)) {
        bad = 1;
        goto out;
    }
    {
        int dup_ok = 0;
        for (int i = 0; i < n_valid; i++) {
            const Tiendo__Ack *a = ack->push_ack->acks[i];
            int good = a->status == TIENDO__ACK_STATUS__ACK_DUPLICATE && a->index == items[valid[i]].index;
            dup_ok += good;
            if (!good)
                printf("  re-sent seq=%llu: %s index=%llu (want DUPLICATE index=%llu)\n",
                       (unsigned long long)a->seq, status_name(a->status), (unsigned long long)a->index,
                       (unsigned long long)items[valid[i]].index);
        }
        printf("push 2 (re-send of the valid ones): duplicates with the same index: %d/%d\n", dup_ok, n_valid);
        if (dup_ok != n_valid) bad = 1;
    }
    printf("last seq: %llu\n", (unsigned long long)(s + 3));
out:
    if (ack) td_frame_free(ack);
    if (l) tdc_link_close(l);
    for (int i = 0; i < n_items; i++) tiendo__signed_entry__free_unpacked(items[i].se, NULL);
    td_identity_free(&id);
    printf("%s\n", bad ? "td_forge: FAILED" : "td_forge: all as expected");
    return bad ? 1 : 0;
}
