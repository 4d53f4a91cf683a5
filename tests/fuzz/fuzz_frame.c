/*
 * fuzz_frame — the frame decoder alone (common/frame.c; docs/PROTOCOL.md §2): arbitrary
 * bytes fed to td_framer in uneven slices, each frame body decoded with
 * td_frame_unpack.  Properties (abort if broken):
 *   - the framer hands out exactly the bodies the length prefixes announce,
 *     in order, and never one above its limit (a length above it is
 *     reported as TD_ETOOBIG at once, and the framer stays failed);
 *   - the same bytes fed in one piece and in slices give the same frames;
 *   - a body that decodes packs back (td_frame_pack) without fault, and
 *     td_frame_name never fails.  (The repacked bytes need not decode:
 *     protobuf-c keeps unknown fields, even a field number 0 that it then
 *     refuses, and tiendo never re-sends a frame it received.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small limit: lengths above it are common in random input. */
#define FZ_MAX (1u << 16)
/* Frames remembered from the one-piece feed, to compare the sliced one. */
#define FZ_FRAMES 64

typedef struct fz {
    size_t n;
    size_t len[FZ_FRAMES];
    uint64_t sum[FZ_FRAMES];
    int compare;                 /* second pass: check against the first */
    size_t seen;
} fz;

static uint64_t fz_sum(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static int fz_frame(void *arg, const uint8_t *body, size_t len)
{
    fz *z = arg;
    td_error err;
    Tiendo__Frame *f;
    if (len > FZ_MAX) abort();
    if (z->compare) {
        if (z->seen < FZ_FRAMES && z->seen < z->n && (z->len[z->seen] != len || z->sum[z->seen] != fz_sum(body, len)))
            abort();
        z->seen++;
        return 0;
    }
    if (z->n < FZ_FRAMES) {
        z->len[z->n] = len;
        z->sum[z->n] = fz_sum(body, len);
    }
    z->n++;
    f = td_frame_unpack(body, len, &err);
    if (f) {
        uint8_t *buf;
        size_t n;
        (void)td_frame_name(f);
        if (td_frame_pack(f, FZ_MAX * 4, &buf, &n, &err) == 0) {
            Tiendo__Frame *g = td_frame_unpack(buf + TD_FRAME_HDR, n - TD_FRAME_HDR, &err);
            if (g && g->body_case != f->body_case) abort();
            td_frame_free(g);
            free(buf);
        }
        td_frame_free(f);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    td_framer fr;
    td_error err;
    fz z;
    int rc1, rc2 = 0;
    size_t off = 0;

    memset(&z, 0, sizeof z);
    td_framer_init(&fr, FZ_MAX);
    rc1 = td_framer_feed(&fr, data, size, fz_frame, &z, &err);
    if (rc1 != 0 && rc1 != TD_ETOOBIG) abort();
    if (rc1 == TD_ETOOBIG && td_framer_feed(&fr, data, 1, fz_frame, &z, &err) == 0) abort();   /* sticky */
    td_framer_free(&fr);

    z.compare = 1;
    td_framer_init(&fr, FZ_MAX);
    while (off < size) {
        size_t k = 1 + (data[off] % 13) * (data[off] % 7);
        if (k > size - off) k = size - off;
        rc2 = td_framer_feed(&fr, data + off, k, fz_frame, &z, &err);
        off += k;
        if (rc2) break;
    }
    if (rc2 != rc1 || z.seen != z.n) abort();
    if (rc1 == 0 && td_framer_pending(&fr) > TD_FRAME_HDR + FZ_MAX) abort();
    td_framer_free(&fr);
    return 0;
}
