/*
 * fuzz_entry — SignedEntry and Entry decoding and verification
 * (common/entry.c), what the server does with every pushed entry and a
 * replica with every pulled one; the server never crashes or stalls on
 * what a peer sends (docs/PROTOCOL.md §11).
 *   1. the input as a serialized SignedEntry: td_entry_decode never crashes
 *      or leaks; what decodes has a 32-byte author, a 64-byte signature,
 *      seq >= 1 and a bounded payload; td_entry_verify and
 *      td_entry_verify_batch agree on it;
 *   2. the input as an Entry body, re-authored with a fixed key and signed
 *      (td_entry_sign_raw's bytes are the real ones): it decodes, verifies,
 *      round-trips its fields, and with one bit of the signature or of the
 *      body flipped (chosen by the input) it no longer verifies.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[32], sk[64];
static int ready;

static void setup(void)
{
    unsigned char seed[32];
    if (sodium_init() < 0) abort();
    memset(seed, 0x42, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    ready = 1;
}

static void check_decoded(const uint8_t *buf, size_t len)
{
    td_entry en;
    td_error err;
    unsigned char ok = 9;
    int v;
    if (td_entry_decode(buf, len, &en, &err) != 0) {
        if (en.e || en.signed_entry) abort();   /* nothing kept on failure */
        return;
    }
    if (en.e->author.len != 32 || en.signed_entry->sig.len != 64 || en.e->seq < 1 ||
        en.e->payload.len > TD_ENTRY_PAYLOAD_MAX)
        abort();
    (void)td_entry_kind_name(en.e->kind);
    (void)td_entry_kind_vi(en.e->kind);
    (void)td_entry_kind_known(en.e->kind);
    v = td_entry_verify(&en, &err);
    td_entry_verify_batch(&en, 1, &ok);
    if ((v == 0) != (ok == 1)) abort();
    td_entry_free(&en);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Tiendo__Entry *e;
    td_entry_fields f;
    uint8_t *out = NULL;
    size_t outlen = 0;
    td_error err;
    td_entry en;

    if (!ready) setup();
    check_decoded(data, size);

    /* 2: the bytes as an Entry, signed for real */
    e = tiendo__entry__unpack(NULL, size, data);
    if (!e) return 0;
    memset(&f, 0, sizeof f);
    f.kind = e->kind;
    f.seq = e->seq ? e->seq : 1;
    f.hlc = e->hlc;
    f.device_time_ms = e->device_time_ms;
    f.agency = e->agency ? e->agency : "";
    f.payload = e->payload.data;
    f.payload_len = e->payload.len;
    if (td_entry_sign_raw(pk, sk, &f, &out, &outlen, &err) == 0) {
        if (td_entry_decode(out, outlen, &en, &err) != 0) {
            if (f.payload_len <= TD_ENTRY_PAYLOAD_MAX) abort();   /* our own signed entry must decode */
        } else {
            if (td_entry_verify(&en, &err) != 0) abort();
            if (en.e->seq != f.seq || (int)en.e->kind != f.kind || en.e->payload.len != f.payload_len ||
                memcmp(en.e->author.data, pk, 32) != 0 || strcmp(en.e->agency, f.agency) != 0)
                abort();
            if (f.payload_len && memcmp(en.e->payload.data, f.payload, f.payload_len) != 0) abort();
            {
                /* one bit flipped in the signature, or in the body */
                size_t bit = size ? data[0] * 131u + data[size - 1] : 0;
                ProtobufCBinaryData *b = (bit & 1) ? &en.signed_entry->sig : &en.signed_entry->body;
                size_t nb = b->len * 8;
                if (nb) {
                    b->data[(bit / 2 % nb) / 8] ^= (uint8_t)(1u << ((bit / 2 % nb) % 8));
                    if (td_entry_verify(&en, &err) == 0) abort();
                }
            }
            td_entry_free(&en);
        }
        free(out);
    }
    tiendo__entry__free_unpacked(e, NULL);
    return 0;
}
