/*
 * frame.h — framing of the wire protocol (docs/PROTOCOL.md §2), independent of any
 * transport: a 4-byte big-endian length, then that many bytes of one
 * serialized tiendo.Frame.
 *
 * The decoder is fed arbitrary byte slices (a TLS record may hold half a
 * frame or several frames) and hands out whole frames.  It never buffers more
 * than 4 + max bytes: a length above the limit is reported at once, before
 * the body arrives, so a hostile peer cannot make us allocate it.  Below the
 * limit the body buffer grows with the bytes that actually arrive (from
 * TD_FRAME_GROW_MIN, doubling), so a slowloris announcing 4 MiB and sending
 * one byte a second holds kilobytes, not megabytes.
 */
#ifndef TD_FRAME_H
#define TD_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tiendo.pb-c.h"

/* Default largest frame body: big enough for a Push of TD_PUSH_MAX_BYTES plus
 * envelope, small enough that 1000 sessions at the limit stay within RAM. */
#define TD_FRAME_MAX_DEFAULT (4u * 1024 * 1024)
/* Hard ceiling for the configured limit (the length field is 32 bits, and
 * nothing we send needs more). */
#define TD_FRAME_MAX_CEILING (64u * 1024 * 1024)
#define TD_FRAME_HDR 4
/* First allocation for a frame body: most frames (Hello, Pull, Ping, acks)
 * fit; larger ones double from here as their bytes arrive. */
#define TD_FRAME_GROW_MIN (16u * 1024)

typedef struct td_framer {
    uint32_t max;          /* largest accepted body */
    uint8_t hdr[TD_FRAME_HDR];
    size_t hdr_have;       /* bytes of hdr received */
    uint8_t *body;         /* owned; grows as the body arrives */
    size_t body_cap;       /* bytes allocated at body */
    uint32_t body_len;
    uint32_t body_have;
    int failed;            /* sticky: once an error is reported, feed refuses */
} td_framer;

/* Called for each complete frame body; the bytes are valid during the call
 * only.  Return 0 to continue, non-zero to stop feeding (the value is
 * returned by td_framer_feed). */
typedef int (*td_frame_cb)(void *arg, const uint8_t *body, size_t len);

void td_framer_init(td_framer *f, uint32_t max);
void td_framer_free(td_framer *f);
/*
 * Consume len bytes.  Returns 0 when all bytes were consumed (possibly with a
 * frame still incomplete), the callback's non-zero value if it stopped, or
 * TD_ETOOBIG (err names the announced length) if a frame exceeds the limit.
 */
int td_framer_feed(td_framer *f, const uint8_t *data, size_t len, td_frame_cb cb, void *arg,
                   td_error *err);
/* Bytes of a partial frame held (0 at a frame boundary). */
size_t td_framer_pending(const td_framer *f);

/*
 * Serialize frame with its length prefix into a new malloc'd buffer
 * (*out, *outlen); caller frees.  TD_ETOOBIG if the body exceeds max.
 */
int td_frame_pack(const Tiendo__Frame *frame, uint32_t max, uint8_t **out, size_t *outlen,
                  td_error *err);
/* Decode a body; NULL (err filled, TD_EPARSE) if it does not decode or has no body.
 * Free with td_frame_free. */
Tiendo__Frame *td_frame_unpack(const uint8_t *body, size_t len, td_error *err);
void td_frame_free(Tiendo__Frame *frame);
/* Name of the frame's body case ("hello", "push" ...), for logs. */
const char *td_frame_name(const Tiendo__Frame *frame);

#endif
