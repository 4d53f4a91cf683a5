/* entry.c — see entry.h. */
#include "entry.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int td_entry_kind_known(int kind)
{
    switch (kind) {
    case TIENDO__ENTRY_KIND__ENTRY_CERT:
    case TIENDO__ENTRY_KIND__ENTRY_REVOCATION:
    case TIENDO__ENTRY_KIND__ENTRY_PLAN:
    case TIENDO__ENTRY_KIND__ENTRY_AGENCY:
    case TIENDO__ENTRY_KIND__ENTRY_REPORT:
    case TIENDO__ENTRY_KIND__ENTRY_INDICATOR:
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW:
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION:
        return 1;
    default:
        return 0;
    }
}

const char *td_entry_kind_name(int kind)
{
    switch (kind) {
    case TIENDO__ENTRY_KIND__ENTRY_CERT: return "cert";
    case TIENDO__ENTRY_KIND__ENTRY_REVOCATION: return "revocation";
    case TIENDO__ENTRY_KIND__ENTRY_PLAN: return "plan";
    case TIENDO__ENTRY_KIND__ENTRY_AGENCY: return "agency";
    case TIENDO__ENTRY_KIND__ENTRY_REPORT: return "report";
    case TIENDO__ENTRY_KIND__ENTRY_INDICATOR: return "indicator";
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW: return "review";
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION: return "condition";
    default: return "unknown";
    }
}

const char *td_entry_kind_vi(int kind)
{
    switch (kind) {
    case TIENDO__ENTRY_KIND__ENTRY_CERT: return "chứng thư thiết bị";
    case TIENDO__ENTRY_KIND__ENTRY_REVOCATION: return "thu hồi chứng thư";
    case TIENDO__ENTRY_KIND__ENTRY_PLAN: return "thay đổi kế hoạch";
    case TIENDO__ENTRY_KIND__ENTRY_AGENCY: return "thay đổi cơ quan";
    case TIENDO__ENTRY_KIND__ENTRY_REPORT: return "báo cáo tiến độ";
    case TIENDO__ENTRY_KIND__ENTRY_INDICATOR: return "giá trị chỉ tiêu";
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW: return "thẩm định";
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION: return "điều kiện đã đáp ứng";
    default: return "không xác định";
    }
}

#define TD__HLC_MS_MAX ((int64_t)((1ULL << 48) - 1))

size_t td_entry_payload_max(int kind)
{
    switch (kind) {
    case TIENDO__ENTRY_KIND__ENTRY_REPORT: return TD_ENTRY_REPORT_MAX;
    case TIENDO__ENTRY_KIND__ENTRY_INDICATOR:
    case TIENDO__ENTRY_KIND__ENTRY_REVIEW:
    case TIENDO__ENTRY_KIND__ENTRY_CONDITION: return TD_ENTRY_SMALL_MAX;
    default: return TD_ENTRY_PAYLOAD_MAX;
    }
}

uint64_t td_hlc_limit(int64_t now_ms)
{
    int64_t ms = now_ms < 0 ? 0 : now_ms;
    if (ms > TD__HLC_MS_MAX - TD_HLC_MAX_SKEW_MS) ms = TD__HLC_MS_MAX - TD_HLC_MAX_SKEW_MS;
    return ((uint64_t)(ms + TD_HLC_MAX_SKEW_MS) << 16) | 0xFFFFu;
}

uint64_t td_hlc_next(uint64_t last, int64_t now_ms)
{
    int64_t ms = now_ms < 0 ? 0 : now_ms > TD__HLC_MS_MAX ? TD__HLC_MS_MAX : now_ms;
    uint64_t wall = (uint64_t)ms << 16;
    if (last > td_hlc_limit(now_ms)) last = 0;   /* beyond the bound: not continued */
    return wall > last ? wall : last + 1;        /* last <= limit < 2^64 - 1: no wrap */
}

uint64_t td_hlc_observe(uint64_t last, uint64_t seen, int64_t now_ms)
{
    return seen > last && seen <= td_hlc_limit(now_ms) ? seen : last;
}

int td_entry_sign_raw(const unsigned char pk[32], const unsigned char sk[64], const td_entry_fields *f,
                      uint8_t **out, size_t *outlen, td_error *err)
{
    Tiendo__Entry e = TIENDO__ENTRY__INIT;
    Tiendo__SignedEntry se = TIENDO__SIGNED_ENTRY__INIT;
    uint8_t *body, *buf;
    unsigned char sig[crypto_sign_BYTES];
    char n1[TD_MSG_NUM_MAX], n2[TD_MSG_NUM_MAX];
    size_t blen, n;

    if (f->seq == 0) return td_error_set(err, TD_EARG, "entry seq must be >= 1 | " TD_MSG_ENTRY_SEQ_ZERO);
    if (f->payload_len > TD_ENTRY_PAYLOAD_MAX)
        return td_error_set(err, TD_ETOOBIG, "entry payload of %zu bytes exceeds %u | " TD_MSG_ENTRY_PAYLOAD_TOO_BIG,
                            f->payload_len, TD_ENTRY_PAYLOAD_MAX, td_msg_num(n1, f->payload_len),
                            td_msg_num(n2, TD_ENTRY_PAYLOAD_MAX));
    e.kind = (Tiendo__EntryKind)f->kind;
    e.author.data = (uint8_t *)pk;
    e.author.len = 32;
    e.seq = f->seq;
    e.hlc = f->hlc;
    e.device_time_ms = f->device_time_ms;
    e.agency = (char *)(f->agency ? f->agency : "");
    e.payload.data = (uint8_t *)f->payload;
    e.payload.len = f->payload_len;
    blen = tiendo__entry__get_packed_size(&e);
    body = malloc(blen ? blen : 1);
    if (!body) return td_error_set(err, TD_ENOMEM, "entry body | " TD_MSG_NOMEM);
    tiendo__entry__pack(&e, body);
    crypto_sign_detached(sig, NULL, body, blen, sk);
    se.body.data = body;
    se.body.len = blen;
    se.sig.data = sig;
    se.sig.len = sizeof sig;
    n = tiendo__signed_entry__get_packed_size(&se);
    buf = malloc(n);
    if (!buf) {
        free(body);
        return td_error_set(err, TD_ENOMEM, "signed entry | " TD_MSG_NOMEM);
    }
    tiendo__signed_entry__pack(&se, buf);
    free(body);
    *out = buf;
    *outlen = n;
    return TD_OK;
}

int td_entry_sign(const td_identity *id, const td_entry_fields *f, uint8_t **out, size_t *outlen,
                  td_error *err)
{
    return td_entry_sign_raw(id->pk, id->sk, f, out, outlen, err);
}

int td_entry_decode(const uint8_t *buf, size_t len, td_entry *out, td_error *err)
{
    char n1[TD_MSG_NUM_MAX], n2[TD_MSG_NUM_MAX];
    memset(out, 0, sizeof *out);
    if (len > TD_ENTRY_MAX)
        return td_error_set(err, TD_ETOOBIG, "signed entry of %zu bytes exceeds %u | " TD_MSG_ENTRY_TOO_BIG, len,
                            TD_ENTRY_MAX, td_msg_num(n1, len), td_msg_num(n2, TD_ENTRY_MAX));
    out->signed_entry = tiendo__signed_entry__unpack(NULL, len, buf);
    if (!out->signed_entry)
        return td_error_set(err, TD_EPARSE, "signed entry does not decode | " TD_MSG_ENTRY_UNDECODABLE);
    if (out->signed_entry->sig.len != crypto_sign_BYTES) {
        size_t sl = out->signed_entry->sig.len;
        td_entry_free(out);
        return td_error_set(err, TD_EPARSE, "signature is %zu bytes, expected %d | " TD_MSG_ENTRY_SIG_LEN, sl,
                            crypto_sign_BYTES, sl, crypto_sign_BYTES);
    }
    out->e = tiendo__entry__unpack(NULL, out->signed_entry->body.len, out->signed_entry->body.data);
    if (!out->e) {
        td_entry_free(out);
        return td_error_set(err, TD_EPARSE, "entry body does not decode | " TD_MSG_ENTRY_BODY_UNDECODABLE);
    }
    if (out->e->author.len != 32) {
        size_t al = out->e->author.len;
        td_entry_free(out);
        return td_error_set(err, TD_EPARSE, "author key is %zu bytes, expected 32 | " TD_MSG_ENTRY_AUTHOR_LEN, al, al);
    }
    if (out->e->seq == 0) {
        td_entry_free(out);
        return td_error_set(err, TD_EPARSE, "entry seq is 0 (sequence numbers start at 1) | " TD_MSG_ENTRY_SEQ_ZERO);
    }
    if (out->e->payload.len > TD_ENTRY_PAYLOAD_MAX) {
        td_entry_free(out);
        return td_error_set(err, TD_ETOOBIG, "entry payload exceeds %u bytes | "
                            TD_MSG_ENTRY_PAYLOAD_OVER, TD_ENTRY_PAYLOAD_MAX,
                            td_msg_num(n1, TD_ENTRY_PAYLOAD_MAX));
    }
    return TD_OK;
}

int td_entry_verify(const td_entry *en, td_error *err)
{
    if (crypto_sign_verify_detached(en->signed_entry->sig.data, en->signed_entry->body.data,
                                    en->signed_entry->body.len, en->e->author.data) != 0)
        return td_error_set(err, TD_ESIG, "signature does not verify (author seq %llu) | " TD_MSG_ENTRY_SIG_BAD,
                            (unsigned long long)en->e->seq, (unsigned long long)en->e->seq);
    return TD_OK;
}

void td_entry_free(td_entry *en)
{
    if (en->e) tiendo__entry__free_unpacked(en->e, NULL);
    if (en->signed_entry) tiendo__signed_entry__free_unpacked(en->signed_entry, NULL);
    en->e = NULL;
    en->signed_entry = NULL;
}

void *td_entry_payload_of(const uint8_t *buf, size_t len, const ProtobufCMessageDescriptor *d)
{
    td_entry en;
    td_error e;
    void *m;
    if (td_entry_decode(buf, len, &en, &e)) return NULL;
    m = protobuf_c_message_unpack(d, NULL, en.e->payload.len, en.e->payload.data);
    td_entry_free(&en);
    return m;
}

void td_entry_verify_batch(const td_entry *en, size_t n, unsigned char *ok)
{
    for (size_t i = 0; i < n; i++) {
        const td_entry *e = &en[i];
        ok[i] = e->e && e->signed_entry &&
                crypto_sign_verify_detached(e->signed_entry->sig.data, e->signed_entry->body.data,
                                            e->signed_entry->body.len, e->e->author.data) == 0;
    }
}
