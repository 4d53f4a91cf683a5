/* frame.c — see frame.h. */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

void td_framer_init(td_framer *f, uint32_t max)
{
    memset(f, 0, sizeof *f);
    f->max = max ? max : TD_FRAME_MAX_DEFAULT;
    if (f->max > TD_FRAME_MAX_CEILING) f->max = TD_FRAME_MAX_CEILING;
}

void td_framer_free(td_framer *f)
{
    free(f->body);
    f->body = NULL;
}

size_t td_framer_pending(const td_framer *f)
{
    return f->hdr_have + f->body_have;
}

int td_framer_feed(td_framer *f, const uint8_t *data, size_t len, td_frame_cb cb, void *arg,
                   td_error *err)
{
    if (f->failed) return td_error_set(err, TD_EPROTO, "framer already failed | " TD_MSG_FRAME_FAILED);
    while (len > 0) {
        if (f->hdr_have < TD_FRAME_HDR) {
            size_t take = TD_FRAME_HDR - f->hdr_have;
            if (take > len) take = len;
            memcpy(f->hdr + f->hdr_have, data, take);
            f->hdr_have += take;
            data += take;
            len -= take;
            if (f->hdr_have < TD_FRAME_HDR) break;
            f->body_len = (uint32_t)f->hdr[0] << 24 | (uint32_t)f->hdr[1] << 16 |
                          (uint32_t)f->hdr[2] << 8 | (uint32_t)f->hdr[3];
            if (f->body_len > f->max) {
                char n1[TD_MSG_NUM_MAX], n2[TD_MSG_NUM_MAX];
                f->failed = 1;
                return td_error_set(err, TD_ETOOBIG, "frame of %u bytes exceeds the limit of %u bytes | "
                                    TD_MSG_FRAME_TOO_BIG, f->body_len, f->max, td_msg_num(n1, f->body_len),
                                    td_msg_num(n2, f->max));
            }
            f->body_have = 0;
            /* +1 so that a zero-length body still has a valid pointer */
            f->body_cap = (f->body_len < TD_FRAME_GROW_MIN ? f->body_len : TD_FRAME_GROW_MIN) + 1;
            f->body = malloc(f->body_cap);
            if (!f->body) {
                f->failed = 1;
                return td_error_set(err, TD_ENOMEM, "cannot allocate frame of %u bytes | " TD_MSG_NOMEM, f->body_len);
            }
        }
        {
            size_t take = f->body_len - f->body_have;
            int rc;
            if (take > len) take = len;
            if (f->body_have + take + 1 > f->body_cap) {   /* grow with what arrived, up to body_len + 1 */
                size_t cap = f->body_cap;
                uint8_t *nb;
                while (cap < f->body_have + take + 1) cap *= 2;
                if (cap > (size_t)f->body_len + 1) cap = (size_t)f->body_len + 1;
                nb = realloc(f->body, cap);
                if (!nb) {
                    f->failed = 1;
                    return td_error_set(err, TD_ENOMEM, "cannot allocate frame of %u bytes | " TD_MSG_NOMEM, f->body_len);
                }
                f->body = nb;
                f->body_cap = cap;
            }
            memcpy(f->body + f->body_have, data, take);
            f->body_have += (uint32_t)take;
            data += take;
            len -= take;
            if (f->body_have < f->body_len) break;
            /* A whole frame: reset before the callback so that it may free us. */
            {
                uint8_t *body = f->body;
                uint32_t blen = f->body_len;
                f->body = NULL;
                f->body_cap = 0;
                f->hdr_have = 0;
                f->body_have = 0;
                f->body_len = 0;
                rc = cb(arg, body, blen);
                free(body);
            }
            if (rc) return rc;
        }
    }
    return TD_OK;
}

int td_frame_pack(const Tiendo__Frame *frame, uint32_t max, uint8_t **out, size_t *outlen,
                  td_error *err)
{
    size_t n = tiendo__frame__get_packed_size(frame);
    uint8_t *buf;
    char n1[TD_MSG_NUM_MAX], n2[TD_MSG_NUM_MAX];
    if (n > (max ? max : TD_FRAME_MAX_DEFAULT))
        return td_error_set(err, TD_ETOOBIG, "frame of %zu bytes exceeds the limit | " TD_MSG_FRAME_TOO_BIG, n,
                            td_msg_num(n1, n), td_msg_num(n2, max ? max : TD_FRAME_MAX_DEFAULT));
    buf = malloc(n + TD_FRAME_HDR);
    if (!buf) return td_error_set(err, TD_ENOMEM, "cannot allocate frame | " TD_MSG_NOMEM);
    buf[0] = (uint8_t)(n >> 24);
    buf[1] = (uint8_t)(n >> 16);
    buf[2] = (uint8_t)(n >> 8);
    buf[3] = (uint8_t)n;
    tiendo__frame__pack(frame, buf + TD_FRAME_HDR);
    *out = buf;
    *outlen = n + TD_FRAME_HDR;
    return TD_OK;
}

Tiendo__Frame *td_frame_unpack(const uint8_t *body, size_t len, td_error *err)
{
    Tiendo__Frame *fr = tiendo__frame__unpack(NULL, len, body);
    if (!fr) {
        char n1[TD_MSG_NUM_MAX];
        td_error_set(err, TD_EPARSE, "frame of %zu bytes does not decode as tiendo.Frame | " TD_MSG_FRAME_UNDECODABLE, len,
                     td_msg_num(n1, len));
        return NULL;
    }
    if (fr->body_case == TIENDO__FRAME__BODY__NOT_SET) {
        tiendo__frame__free_unpacked(fr, NULL);
        td_error_set(err, TD_EPARSE, "frame has no known body (newer peer, or garbage) | " TD_MSG_FRAME_NO_BODY);
        return NULL;
    }
    return fr;
}

void td_frame_free(Tiendo__Frame *frame)
{
    if (frame) tiendo__frame__free_unpacked(frame, NULL);
}

const char *td_frame_name(const Tiendo__Frame *frame)
{
    switch (frame->body_case) {
    case TIENDO__FRAME__BODY_HELLO: return "hello";
    case TIENDO__FRAME__BODY_WELCOME: return "welcome";
    case TIENDO__FRAME__BODY_PUSH: return "push";
    case TIENDO__FRAME__BODY_PUSH_ACK: return "push_ack";
    case TIENDO__FRAME__BODY_PULL: return "pull";
    case TIENDO__FRAME__BODY_ENTRIES: return "entries";
    case TIENDO__FRAME__BODY_ERROR: return "error";
    case TIENDO__FRAME__BODY_PING: return "ping";
    case TIENDO__FRAME__BODY_PONG: return "pong";
    case TIENDO__FRAME__BODY_BYE: return "bye";
    case TIENDO__FRAME__BODY_PROOF_REQUEST: return "proof_request";
    case TIENDO__FRAME__BODY_PROOF: return "proof";
    case TIENDO__FRAME__BODY_COSIGN: return "cosign";
    case TIENDO__FRAME__BODY_COSIGN_ACK: return "cosign_ack";
    case TIENDO__FRAME__BODY_BLOB_OFFER: return "blob_offer";
    case TIENDO__FRAME__BODY_BLOB_STATUS: return "blob_status";
    case TIENDO__FRAME__BODY_BLOB_CHUNK: return "blob_chunk";
    case TIENDO__FRAME__BODY_BLOB_GET: return "blob_get";
    default: return "unknown";
    }
}
