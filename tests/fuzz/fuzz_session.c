/*
 * fuzz_session — what a hostile peer sends after TLS: arbitrary bytes through
 * the framer into the server's protocol state machine (no storage backend).
 * The session must never crash, leak or answer after it has ended; every
 * frame it sends must be a well-formed Frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "log.h"
#include "session.h"

typedef struct fz {
    tds_session s;
    td_framer fr;
    int ended;
    int sent_after_end;
} fz;

static int fz_send(void *arg, const Tiendo__Frame *f)
{
    fz *z = arg;
    uint8_t *buf;
    size_t n;
    td_error err;
    Tiendo__Frame *back;
    if (z->ended) z->sent_after_end++;
    if (td_frame_pack(f, 0, &buf, &n, &err)) abort();   /* we never build an oversized frame */
    back = td_frame_unpack(buf + 4, n - 4, &err);
    if (!back) abort();                                   /* what we send must decode */
    td_frame_free(back);
    free(buf);
    return 0;
}

static void fz_end(void *arg) { ((fz *)arg)->ended = 1; }

static int fz_frame(void *arg, const uint8_t *body, size_t len)
{
    fz *z = arg;
    return tds_session_on_frame(&z->s, body, len) ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    fz z;
    td_subject subj = {.agency = "so-y-te", .device = "fuzz", .role = TD_ROLE_OFFICE};
    unsigned char pk[32] = {7};
    tds_session_io io = {.send = fz_send, .end = fz_end, .arg = &z};
    td_error err;
    size_t off = 0;

    if (!quiet) {
        td_log_set_level(TD_LOG_ERROR);
        quiet = 1;
    }
    memset(&z, 0, sizeof z);
    tds_session_init(&z.s, &subj, pk, "fuzz-server", &io);
    td_framer_init(&z.fr, 1u << 16);
    /* feed in uneven slices, as TCP would */
    while (off < size && !z.ended) {
        size_t k = 1 + (data[off] % 97);
        int rc;
        if (k > size - off) k = size - off;
        rc = td_framer_feed(&z.fr, data + off, k, fz_frame, &z, &err);
        off += k;
        if (rc < 0) break;   /* the server ends the session with an Error frame here */
    }
    if (z.sent_after_end) abort();
    td_framer_free(&z.fr);
    return 0;
}
