/*
 * fuzz_client_sync — what a hostile server (or a MITM holding its key)
 * sends to the client's sync state machine (client/sync.c, transport-free):
 * a Welcome and then the answers to the client's requests, all from the
 * input.  Input: frames, each a 2-byte big-endian length and a serialized
 * Frame; the first is the Welcome (an empty one if it is not).  Tree heads
 * in the Welcome and in Entries are re-signed by the harness with the key
 * the client trusts (over the size and root the input gives), so the fuzzer
 * reaches the checks behind the signature: consistency, indexes, cursors,
 * the leaves of a whole-log replica.  The client must never crash, leak or
 * move its cursor past the signed tree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "frame.h"
#include "log.h"
#include "note.h"
#include "replica.h"
#include "sync.h"

#define FZ_ORIGIN "tiendo/fuzz"

static unsigned char srv_pk[32], srv_sk[64];
static char dbpath[64];

typedef struct fz {
    const uint8_t *p;
    size_t n;
    uint64_t max_signed;          /* largest size the harness signed */
} fz;

/* Replace th's checkpoint by one the harness signs over th's size and root
 * (the frame owns the new note: protobuf-c frees bytes fields with free). */
static void fz_resign(fz *z, Tiendo__TreeHead *th)
{
    td_note_signer signer;
    td_checkpoint cp;
    size_t len;
    char *note = NULL;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", FZ_ORIGIN);
    cp.size = th->size;
    if (th->root.len == 32) memcpy(cp.root, th->root.data, 32);
    if (td_note_signer_init(&signer, FZ_ORIGIN, TD_NOTE_TYPE_ED25519, srv_sk, NULL)) return;
    if (td_checkpoint_sign(&cp, &signer, &note, &len, NULL) == 0) {
        free(th->checkpoint.data);
        th->checkpoint.data = (uint8_t *)note;
        th->checkpoint.len = len;
        if (cp.size > z->max_signed) z->max_signed = cp.size;
    }
    td_note_signer_wipe(&signer);
}

/* The next frame of the input, or NULL when it is used up. */
static Tiendo__Frame *fz_next(fz *z)
{
    while (z->n >= 2) {
        size_t len = ((size_t)z->p[0] << 8) | z->p[1];
        Tiendo__Frame *f;
        td_error e;
        if (len > z->n - 2) len = z->n - 2;
        f = td_frame_unpack(z->p + 2, len, &e);
        z->p += 2 + len;
        z->n -= 2 + len;
        if (f) return f;
    }
    return NULL;
}

static int fz_send(void *arg, const Tiendo__Frame *f, td_error *err)
{
    (void)arg;
    (void)f;
    (void)err;
    return 0;
}

static int fz_recv(void *arg, Tiendo__Frame **out, td_error *err)
{
    fz *z = arg;
    Tiendo__Frame *f = fz_next(z);
    if (!f) return td_error_set(err, TD_EIO, "link closed");
    if (f->body_case == TIENDO__FRAME__BODY_ENTRIES && f->entries->tree_head) fz_resign(z, f->entries->tree_head);
    *out = f;
    return 0;
}

static void fz_unlink(void)
{
    char p[80];
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    tdc_replica *r = NULL;
    tdc_sync_opts o;
    tdc_sync_stats st;
    tdc_sync_io io;
    Tiendo__Frame *wf;
    Tiendo__Welcome empty = TIENDO__WELCOME__INIT, *w = &empty;
    td_error e;
    fz z;

    if (!init) {
        init = 1;
        td_log_set_level(TD_LOG_ERROR + 1);
        if (sodium_init() < 0) abort();
        crypto_sign_keypair(srv_pk, srv_sk);
        snprintf(dbpath, sizeof dbpath, "/tmp/fuzz_client_sync.%d.db", (int)getpid());
    }
    memset(&z, 0, sizeof z);
    z.p = data;
    z.n = size;
    wf = fz_next(&z);
    if (wf && wf->body_case == TIENDO__FRAME__BODY_WELCOME) w = wf->welcome;
    if (w->tree_head) fz_resign(&z, w->tree_head);
    fz_unlink();
    if (tdc_replica_open(&r, dbpath, NULL, &e) == 0) {
        memset(&o, 0, sizeof o);
        o.agency = w->agency;
        o.server_pk = srv_pk;
        o.now_ms = 1750000000000;
        o.pull_limit = 16;
        io = (tdc_sync_io){&z, fz_send, fz_recv};
        (void)tdc_sync_run(r, w, &io, &o, &st, &e);
        /* a fresh replica's cursor never leaves the signed tree */
        if (w->tree_head && tdc_replica_cursor(r) > z.max_signed + 1) abort();
        tdc_replica_close(r);
    }
    td_frame_free(wf);
    fz_unlink();
    return 0;
}
