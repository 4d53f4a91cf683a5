/* test_entry.c — signing, decoding, verification (single and batch), HLC. */
#include <sodium.h>

#include "entry.h"
#include "log.pb-c.h"
#include "tt.h"

static unsigned char pk[32], sk[64];

static uint8_t *make(uint64_t seq, int kind, size_t *len)
{
    td_entry_fields f = {kind, seq, td_hlc_next(seq, 1700000000000 + (int64_t)seq), 1700000000000, "so-y-te",
                         (const uint8_t *)"payload", 7};
    uint8_t *buf = NULL;
    td_error err;
    TT_EQ_INT(td_entry_sign_raw(pk, sk, &f, &buf, len, &err), 0);
    return buf;
}

static void test_sign_decode_verify(void)
{
    size_t len;
    uint8_t *buf = make(5, TIENDO__ENTRY_KIND__ENTRY_REPORT, &len);
    td_entry en;
    td_error err;
    TT_EQ_INT(td_entry_decode(buf, len, &en, &err), 0);
    TT_EQ_INT(en.e->seq, 5);
    TT_EQ_STR(en.e->agency, "so-y-te");
    TT_CHECK(memcmp(en.e->author.data, pk, 32) == 0);
    TT_EQ_INT(td_entry_verify(&en, &err), 0);
    /* one flipped bit of the body: refused */
    en.signed_entry->body.data[en.signed_entry->body.len - 1] ^= 1;
    TT_EQ_INT(td_entry_verify(&en, &err), TD_ESIG);
    td_entry_free(&en);
    /* garbage and truncation are decode errors, not crashes */
    TT_EQ_INT(td_entry_decode(buf, len / 2, &en, &err), TD_EPARSE);
    free(buf);
    {
        td_entry_fields f = {TIENDO__ENTRY_KIND__ENTRY_REPORT, 0, 1, 1, "x", NULL, 0};
        uint8_t *b2;
        size_t l2;
        TT_EQ_INT(td_entry_sign_raw(pk, sk, &f, &b2, &l2, &err), TD_EARG);   /* seq 0 */
    }
}

static void test_payload_of(void)
{
    Tiendo__RevocationPayload rp = TIENDO__REVOCATION_PAYLOAD__INIT, *got;
    uint8_t serial[3] = {0x0a, 0x0b, 0x0c}, pl[64], *buf = NULL;
    td_entry_fields f;
    size_t n, len;
    td_error err;
    rp.serial.data = serial;
    rp.serial.len = sizeof serial;
    n = tiendo__revocation_payload__pack(&rp, pl);
    f = (td_entry_fields){TIENDO__ENTRY_KIND__ENTRY_REVOCATION, 3, td_hlc_next(0, 1700000000000), 1700000000000,
                          "so-khcn", pl, n};
    TT_EQ_INT(td_entry_sign_raw(pk, sk, &f, &buf, &len, &err), 0);
    got = td_entry_payload_of(buf, len, &tiendo__revocation_payload__descriptor);
    TT_CHECK(got != NULL);
    if (got) {
        TT_EQ_INT(got->serial.len, 3);
        TT_CHECK(memcmp(got->serial.data, serial, 3) == 0);
    }
    tiendo__revocation_payload__free_unpacked(got, NULL);
    /* an entry that does not decode: no payload */
    TT_CHECK(td_entry_payload_of(buf, len / 2, &tiendo__revocation_payload__descriptor) == NULL);
    free(buf);
}

static void test_verify_batch(void)
{
    enum { N = 300 };
    static td_entry en[N];
    static unsigned char ok[N];
    td_error err;
    for (size_t i = 0; i < N; i++) {
        size_t len;
        uint8_t *buf = make(i + 1, TIENDO__ENTRY_KIND__ENTRY_REPORT, &len);
        TT_EQ_INT(td_entry_decode(buf, len, &en[i], &err), 0);
        free(buf);
    }
    /* corrupt a few, spread over the ranges the threads take */
    en[0].signed_entry->sig.data[0] ^= 0x40;
    en[151].signed_entry->sig.data[10] ^= 0x01;
    en[N - 1].signed_entry->body.data[3] ^= 0x80;
    td_entry_free(&en[77]);   /* an undecoded slot */
    memset(ok, 0xAA, sizeof ok);
    td_entry_verify_batch(en, N, ok);
    for (size_t i = 0; i < N; i++) {
        int expect = !(i == 0 || i == 151 || i == N - 1 || i == 77);
        if (ok[i] != expect) TT_EQ_INT(ok[i] * 1000 + i, expect * 1000 + i);
    }
    TT_EQ_INT(ok[0], 0);
    TT_EQ_INT(ok[1], 1);
    /* small batch path (on the calling thread) agrees */
    td_entry_verify_batch(en, 3, ok);
    TT_EQ_INT(ok[0], 0);
    TT_EQ_INT(ok[2], 1);
    for (size_t i = 0; i < N; i++) td_entry_free(&en[i]);
}

static void test_hlc(void)
{
    uint64_t h = td_hlc_next(0, 1000);
    TT_EQ_INT(td_hlc_ms(h), 1000);
    /* clock going back: still increases */
    TT_CHECK(td_hlc_next(h, 500) > h);
    TT_CHECK(td_hlc_next(h, 2000) > td_hlc_next(h, 500));
    TT_EQ_INT(td_hlc_observe(h, h + 5, 1000), h + 5);
    TT_EQ_INT(td_hlc_observe(h + 5, h, 1000), h + 5);
}

/* Bounded skew (entry.h TD_HLC_MAX_SKEW_MS): no adoption beyond it, no wrap. */
static void test_hlc_bounded(void)
{
    const int64_t now = 1750000000000;   /* 2025-06-15 */
    uint64_t h = td_hlc_next(0, now);
    uint64_t y3000 = (uint64_t)32503680000000 << 16;
    uint64_t near = td_hlc_next(0, now + TD_HLC_MAX_SKEW_MS - 1000);
    /* a clock in the year 3000 is not adopted; one within the bound is */
    TT_EQ_INT(td_hlc_observe(h, y3000, now), h);
    TT_EQ_INT(td_hlc_observe(h, near, now), near);
    TT_EQ_INT(td_hlc_observe(h, UINT64_MAX, now), h);
    TT_CHECK(td_hlc_limit(now) < td_hlc_next(0, now + TD_HLC_MAX_SKEW_MS + 1));
    /* a stored clock beyond the bound (adopted before the rule) is dropped:
     * the next value is the wall clock, not year 3000 + 1 */
    TT_EQ_INT(td_hlc_ms(td_hlc_next(y3000, now)), now);
    /* 2^64 - 1 does not wrap to 0 */
    TT_EQ_INT(td_hlc_ms(td_hlc_next(UINT64_MAX, now)), now);
    TT_CHECK(td_hlc_next(td_hlc_limit(now), now) > td_hlc_limit(now));
    /* absurd physical times stay in range */
    TT_CHECK(td_hlc_next(0, INT64_MAX) > 0);
    TT_CHECK(td_hlc_limit(INT64_MAX) >= td_hlc_next(0, INT64_MAX));
    TT_EQ_INT(td_hlc_next(0, -5), 1);
}

/* A signed entry with the given parts, packed (free it). */
static uint8_t *pack_signed(const uint8_t *body, size_t blen, size_t sig_len, size_t *len)
{
    Tiendo__SignedEntry se = TIENDO__SIGNED_ENTRY__INIT;
    uint8_t sig[80] = {0}, *out;
    se.body.data = (uint8_t *)body;
    se.body.len = blen;
    se.sig.data = sig;
    se.sig.len = sig_len;
    *len = tiendo__signed_entry__get_packed_size(&se);
    out = malloc(*len);
    tiendo__signed_entry__pack(&se, out);
    return out;
}

/* An entry's body with an author key of author_len bytes and seq. */
static uint8_t *pack_body(size_t author_len, uint64_t seq, size_t *len)
{
    Tiendo__Entry e = TIENDO__ENTRY__INIT;
    uint8_t *out;
    e.kind = TIENDO__ENTRY_KIND__ENTRY_REPORT;
    e.author.data = pk;
    e.author.len = author_len;
    e.seq = seq;
    e.agency = "so-y-te";
    *len = tiendo__entry__get_packed_size(&e);
    out = malloc(*len ? *len : 1);
    tiendo__entry__pack(&e, out);
    return out;
}

/* What a person reads of a malformed entry names the field, its value and
 * what it should be; the English half stays for the operator log. */
static void test_vi_names_the_field(void)
{
    size_t len, blen, slen;
    uint8_t *buf = make(5, TIENDO__ENTRY_KIND__ENTRY_REPORT, &len), *body, *se;
    td_entry en;
    td_error err;

    TT_EQ_INT(td_entry_decode(buf, len / 2, &en, &err), TD_EPARSE);
    TT_CHECK(strstr(err.msg, "signed entry does not decode | ") == err.msg);
    TT_EQ_STR(td_error_vi(&err), "bản ghi đã ký không giải mã được (không phải tiendo.SignedEntry)");
    TT_EQ_INT(td_entry_decode(buf, TD_ENTRY_MAX + 1, &en, &err), TD_ETOOBIG);
    TT_EQ_STR(td_error_vi(&err), "bản ghi đã ký dài 1.052.673 byte, quá giới hạn 1.052.672 byte");
    /* one flipped bit: the signature names the author's sequence number */
    TT_EQ_INT(td_entry_decode(buf, len, &en, &err), 0);
    en.signed_entry->body.data[0] ^= 0x80;
    TT_EQ_INT(td_entry_verify(&en, &err), TD_ESIG);
    TT_CHECK(strstr(td_error_vi(&err), "chữ ký của bản ghi số 5 (theo tác giả) không khớp") == td_error_vi(&err));
    td_entry_free(&en);
    free(buf);

    body = pack_body(32, 7, &blen);
    se = pack_signed(body, blen, 10, &slen);
    TT_EQ_INT(td_entry_decode(se, slen, &en, &err), TD_EPARSE);
    TT_CHECK(strstr(err.msg, "signature is 10 bytes, expected 64") == err.msg);
    TT_EQ_STR(td_error_vi(&err), "chữ ký của bản ghi dài 10 byte, cần đúng 64 byte");
    free(se);
    se = pack_signed((const uint8_t *)"\xff\xff\xff", 3, 64, &slen);
    TT_EQ_INT(td_entry_decode(se, slen, &en, &err), TD_EPARSE);
    TT_EQ_STR(td_error_vi(&err), "phần thân của bản ghi không giải mã được (không phải tiendo.Entry)");
    free(se);
    free(body);

    body = pack_body(31, 7, &blen);
    se = pack_signed(body, blen, 64, &slen);
    TT_EQ_INT(td_entry_decode(se, slen, &en, &err), TD_EPARSE);
    TT_EQ_STR(td_error_vi(&err), "khóa tác giả của bản ghi dài 31 byte, cần đúng 32 byte");
    free(se);
    free(body);

    body = pack_body(32, 0, &blen);
    se = pack_signed(body, blen, 64, &slen);
    TT_EQ_INT(td_entry_decode(se, slen, &en, &err), TD_EPARSE);
    TT_EQ_STR(td_error_vi(&err), "số thứ tự (seq) của bản ghi là 0, phải từ 1 trở lên");
    free(se);
    free(body);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    crypto_sign_keypair(pk, sk);
    TT_RUN(test_sign_decode_verify);
    TT_RUN(test_payload_of);
    TT_RUN(test_verify_batch);
    TT_RUN(test_hlc);
    TT_RUN(test_hlc_bounded);
    TT_RUN(test_vi_names_the_field);
    return tt_report();
}
