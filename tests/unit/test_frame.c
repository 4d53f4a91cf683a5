/* test_frame.c — framing: split and merged input, limits, undecodable bodies. */
#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "tt.h"

typedef struct got {
    int n;
    uint64_t nonces[64];
} got;

static int on_frame(void *arg, const uint8_t *body, size_t len)
{
    got *g = arg;
    td_error err;
    Tiendo__Frame *f = td_frame_unpack(body, len, &err);
    TT_CHECK(f != NULL);
    if (!f) return 1;
    TT_EQ_INT(f->body_case, TIENDO__FRAME__BODY_PING);
    if (g->n < 64) g->nonces[g->n] = f->ping->nonce;
    g->n++;
    td_frame_free(f);
    return 0;
}

static size_t pack_ping(uint64_t nonce, uint8_t *out)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Ping p = TIENDO__PING__INIT;
    uint8_t *buf;
    size_t n;
    td_error err;
    p.nonce = nonce;
    f.body_case = TIENDO__FRAME__BODY_PING;
    f.ping = &p;
    TT_EQ_INT(td_frame_pack(&f, 0, &buf, &n, &err), 0);
    memcpy(out, buf, n);
    free(buf);
    return n;
}

static void test_split_and_merged(void)
{
    uint8_t stream[4096];
    size_t len = 0;
    td_framer fr;
    td_error err;
    got g = {0};
    for (uint64_t i = 1; i <= 20; i++) len += pack_ping(i * 1000003, stream + len);
    /* byte by byte */
    td_framer_init(&fr, 0);
    for (size_t i = 0; i < len; i++) TT_EQ_INT(td_framer_feed(&fr, stream + i, 1, on_frame, &g, &err), 0);
    TT_EQ_INT(g.n, 20);
    TT_EQ_INT(g.nonces[19], 20 * 1000003);
    TT_EQ_INT(td_framer_pending(&fr), 0);
    td_framer_free(&fr);
    /* all at once */
    memset(&g, 0, sizeof g);
    td_framer_init(&fr, 0);
    TT_EQ_INT(td_framer_feed(&fr, stream, len, on_frame, &g, &err), 0);
    TT_EQ_INT(g.n, 20);
    TT_EQ_INT(g.nonces[0], 1000003);
    /* a partial frame stays pending */
    TT_EQ_INT(td_framer_feed(&fr, stream, 3, on_frame, &g, &err), 0);
    TT_EQ_INT(td_framer_pending(&fr), 3);
    td_framer_free(&fr);
}

static void test_too_big_rejected_before_body(void)
{
    td_framer fr;
    td_error err;
    got g = {0};
    uint8_t hdr[4] = {0x00, 0x10, 0x00, 0x01};   /* 1 MiB + 1 */
    td_framer_init(&fr, 1u << 20);
    TT_EQ_INT(td_framer_feed(&fr, hdr, 4, on_frame, &g, &err), TD_ETOOBIG);
    TT_CHECK(strstr(err.msg, "1048577") != NULL);
    TT_CHECK(fr.body == NULL);   /* nothing allocated for the announced size */
    /* sticky */
    TT_EQ_INT(td_framer_feed(&fr, hdr, 1, on_frame, &g, &err), TD_EPROTO);
    td_framer_free(&fr);
    /* 0xFFFFFFFF with the default limit */
    td_framer_init(&fr, 0);
    memset(hdr, 0xff, 4);
    TT_EQ_INT(td_framer_feed(&fr, hdr, 4, on_frame, &g, &err), TD_ETOOBIG);
    td_framer_free(&fr);
    TT_EQ_INT(g.n, 0);
}

static void test_unpack_garbage(void)
{
    td_error err;
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
    TT_CHECK(td_frame_unpack(junk, sizeof junk, &err) == NULL);
    TT_EQ_INT(err.code, TD_EPARSE);
    /* empty body decodes as a Frame with no body: refused too */
    TT_CHECK(td_frame_unpack((const uint8_t *)"", 0, &err) == NULL);
    TT_CHECK(strstr(err.msg, "no known body") != NULL);
}

static void test_pack_limit(void)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Bye b = TIENDO__BYE__INIT;
    char reason[3000];
    uint8_t *buf = NULL;
    size_t n;
    td_error err;
    memset(reason, 'a', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    b.reason = reason;
    f.body_case = TIENDO__FRAME__BODY_BYE;
    f.bye = &b;
    TT_EQ_INT(td_frame_pack(&f, 1024, &buf, &n, &err), TD_ETOOBIG);
    TT_CHECK(buf == NULL);
    TT_EQ_INT(td_frame_pack(&f, 0, &buf, &n, &err), 0);
    TT_EQ_INT(n, 4 + tiendo__frame__get_packed_size(&f));
    free(buf);
}

/* What a person reads of a frame that is too long, garbled or cut: the
 * Vietnamese half names the frame, its length and the limit; the English
 * half stays for the operator log. */
static void test_vi_names_the_frame(void)
{
    td_framer fr;
    td_error err;
    got g = {0};
    uint8_t hdr[4] = {0x00, 0x10, 0x00, 0x01};   /* 1 MiB + 1 */
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Bye b = TIENDO__BYE__INIT;
    uint8_t *buf = NULL;
    size_t n;

    td_framer_init(&fr, 1u << 20);
    TT_EQ_INT(td_framer_feed(&fr, hdr, 4, on_frame, &g, &err), TD_ETOOBIG);
    TT_CHECK(strstr(err.msg, "frame of 1048577 bytes exceeds the limit of 1048576 bytes | ") == err.msg);
    TT_EQ_STR(td_error_vi(&err), "khung dữ liệu dài 1.048.577 byte, quá giới hạn 1.048.576 byte");
    TT_EQ_INT(td_framer_feed(&fr, hdr, 1, on_frame, &g, &err), TD_EPROTO);
    TT_EQ_STR(td_error_vi(&err), "luồng dữ liệu đã hỏng từ một khung trước, không đọc tiếp được");
    td_framer_free(&fr);

    TT_CHECK(td_frame_unpack(junk, sizeof junk, &err) == NULL);
    TT_CHECK(strstr(err.msg, "frame of 6 bytes does not decode as tiendo.Frame") == err.msg);
    TT_EQ_STR(td_error_vi(&err), "khung dữ liệu 6 byte không giải mã được (không phải tiendo.Frame)");
    TT_CHECK(td_frame_unpack((const uint8_t *)"", 0, &err) == NULL);
    TT_CHECK(strstr(td_error_vi(&err), "khung dữ liệu không có nội dung nào đã biết") != NULL);

    /* a frame cut short: its last bytes lost inside the reason */
    b.reason = "tạm biệt";
    f.body_case = TIENDO__FRAME__BODY_BYE;
    f.bye = &b;
    TT_EQ_INT(td_frame_pack(&f, 0, &buf, &n, &err), 0);
    TT_CHECK(td_frame_unpack(buf + 4, n - 4 - 3, &err) == NULL);
    TT_EQ_INT(err.code, TD_EPARSE);
    {
        char want[128];
        snprintf(want, sizeof want, "khung dữ liệu %zu byte không giải mã được (không phải tiendo.Frame)", n - 4 - 3);
        TT_EQ_STR(td_error_vi(&err), want);
    }
    free(buf);
    buf = NULL;
    /* packing over the limit names the limit */
    TT_EQ_INT(td_frame_pack(&f, 4, &buf, &n, &err), TD_ETOOBIG);
    TT_CHECK(strstr(td_error_vi(&err), ", quá giới hạn 4 byte") != NULL);
    TT_EQ_INT(g.n, 0);
}

int main(void)
{
    TT_RUN(test_split_and_merged);
    TT_RUN(test_too_big_rejected_before_body);
    TT_RUN(test_unpack_garbage);
    TT_RUN(test_pack_limit);
    TT_RUN(test_vi_names_the_frame);
    return tt_report();
}
