/* test_ratelimit.c — per-device push buckets (docs/PROTOCOL.md §10), and the framer's
 * body buffer growing with the bytes that arrive (slowloris). */
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "ratelimit.h"
#include "tt.h"

static void key_of(unsigned char k[32], unsigned i)
{
    memset(k, 0, 32);
    k[0] = (unsigned char)i;
    k[1] = (unsigned char)(i >> 8);
    k[31] = 0x5a;
}

static void test_bucket(void)
{
    tds_ratelimit *rl = tds_rl_new(100, 1000);   /* 100/s, burst 1000 */
    unsigned char a[32], b[32];
    key_of(a, 1);
    key_of(b, 2);
    TT_CHECK(rl != NULL);
    TT_EQ_INT(tds_rl_take(rl, a, 600, 1000), 0);
    TT_EQ_INT(tds_rl_take(rl, a, 400, 1000), 0);      /* burst used up */
    TT_CHECK(tds_rl_take(rl, a, 10, 1000) > 0);       /* refused ... */
    TT_EQ_INT(tds_rl_take(rl, a, 10, 1000), 101);     /* ... for 100 ms (10 tokens at 0.1/ms), +1 */
    TT_EQ_INT(tds_rl_take(rl, b, 1000, 1000), 0);     /* another device has its own bucket */
    TT_EQ_INT(tds_rl_take(rl, a, 10, 1101), 0);       /* refilled */
    TT_EQ_INT(tds_rl_take(rl, a, 5000, 1000000), 0);  /* a batch above burst waits for a full bucket */
    TT_CHECK(tds_rl_take(rl, a, 1, 1000000) > 0);
    tds_rl_free(rl);
    TT_CHECK(tds_rl_new(0, 10) == NULL);              /* rate 0: no limit */
    TT_EQ_INT(tds_rl_take(NULL, a, 1u << 30, 0), 0);
}

/* Far more devices than slots: memory is fixed, and a device that keeps
 * flooding keeps being limited while idle ones are forgotten. */
static void test_many_devices(void)
{
    tds_ratelimit *rl = tds_rl_new(10, 100);
    unsigned char k[32], flood[32];
    key_of(flood, 0xffff);
    TT_EQ_INT(tds_rl_take(rl, flood, 100, 1), 0);
    for (unsigned i = 0; i < 3 * TDS_RL_SLOTS; i++) {
        key_of(k, i);
        k[2] = (unsigned char)(i >> 16);
        TT_EQ_INT(tds_rl_take(rl, k, 1, 1), 0);
        if (i % 512 == 0) TT_CHECK(tds_rl_take(rl, flood, 50, 1) > 0);
    }
    tds_rl_free(rl);
}

static int count_frames(void *arg, const uint8_t *body, size_t len)
{
    (void)body;
    (*(size_t *)arg) += len;
    return 0;
}

/* A frame announcing 4 MiB, dribbled: the buffer holds what arrived. */
static void test_framer_grows(void)
{
    td_framer f;
    td_error err;
    size_t got = 0;
    uint8_t hdr[4] = {0x00, 0x40, 0x00, 0x00};   /* 4 MiB */
    uint8_t *chunk = calloc(1, 1u << 20);
    td_framer_init(&f, 0);
    TT_EQ_INT(td_framer_feed(&f, hdr, 4, count_frames, &got, &err), 0);
    TT_CHECK(f.body_cap <= TD_FRAME_GROW_MIN + 1);
    TT_EQ_INT(td_framer_feed(&f, chunk, 100, count_frames, &got, &err), 0);
    TT_CHECK(f.body_cap <= TD_FRAME_GROW_MIN + 1);
    TT_EQ_INT(td_framer_feed(&f, chunk, 40000, count_frames, &got, &err), 0);
    TT_CHECK(f.body_cap >= 40100 && f.body_cap <= 4 * (TD_FRAME_GROW_MIN + 1));
    for (size_t have = 40100; have < (4u << 20);) {
        size_t k = (4u << 20) - have < (1u << 20) ? (4u << 20) - have : (1u << 20);
        TT_EQ_INT(td_framer_feed(&f, chunk, k, count_frames, &got, &err), 0);
        have += k;
    }
    TT_EQ_INT(got, 4u << 20);   /* the whole body, delivered once */
    TT_EQ_INT(td_framer_pending(&f), 0);
    td_framer_free(&f);
    free(chunk);
}

int main(void)
{
    TT_RUN(test_bucket);
    TT_RUN(test_many_devices);
    TT_RUN(test_framer_grows);
    return tt_report();
}
