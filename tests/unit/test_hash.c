/* test_hash.c — common/hash.h: libcrypto's SHA-256 and ChaCha20 give libsodium's values. */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "hash.h"
#include "tt.h"

static unsigned char data[3 * TD_SHA256_BUF + 100];

static void fill(void)
{
    for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 131 + (i >> 8) * 7 + 1);
}

/* One-shot, every length around the buffer's size and the block size. */
static void test_sha256_oneshot(void)
{
    size_t lens[] = {0, 1, 55, 56, 63, 64, 65, 300, 470, TD_SHA256_BUF - 1, TD_SHA256_BUF, TD_SHA256_BUF + 1,
                     2 * TD_SHA256_BUF + 17, sizeof data};
    unsigned char a[32], b[32];
    int same = 0;
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        td_sha256(a, data, lens[k]);
        crypto_hash_sha256(b, data, lens[k]);
        same += memcmp(a, b, 32) == 0;
    }
    TT_EQ_INT(same, (int)(sizeof lens / sizeof lens[0]));
    /* the empty string: RFC 6962's empty tree root */
    td_sha256(a, NULL, 0);
    TT_CHECK(a[0] == 0xe3 && a[1] == 0xb0 && a[31] == 0x55);
}

/* Incremental, in pieces that fill the buffer exactly, overflow it, and
 * exceed it in one update. */
static void test_sha256_pieces(void)
{
    size_t steps[] = {1, 7, 8, 64, 333, TD_SHA256_BUF - 1, TD_SHA256_BUF, TD_SHA256_BUF + 5, 2 * TD_SHA256_BUF + 1};
    int bad = 0, runs = 0;
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++)
        for (size_t total = 0; total <= sizeof data; total += 517) {
            td_sha256_ctx h;
            unsigned char a[32], b[32];
            td_sha256_init(&h);
            for (size_t off = 0; off < total;) {
                size_t n = total - off < steps[s] ? total - off : steps[s];
                td_sha256_update(&h, data + off, n);
                off += n;
            }
            td_sha256_final(&h, a);
            crypto_hash_sha256(b, data, total);
            bad += memcmp(a, b, 32) != 0;
            runs++;
        }
    TT_EQ_INT(bad, 0);
    TT_CHECK(runs > 50);
    /* a second state inside the first (the thread's cached context is
     * taken, not shared) */
    {
        td_sha256_ctx outer, inner;
        unsigned char a[32], b[32], c[32];
        td_sha256_init(&outer);
        td_sha256_update(&outer, data, 2 * TD_SHA256_BUF);
        td_sha256_init(&inner);
        td_sha256_update(&inner, data + 5, 3 * TD_SHA256_BUF);
        td_sha256_update(&outer, data + 2 * TD_SHA256_BUF, 50);
        td_sha256_final(&inner, b);
        td_sha256_final(&outer, a);
        crypto_hash_sha256(c, data, 2 * TD_SHA256_BUF + 50);
        TT_CHECK(memcmp(a, c, 32) == 0);
        crypto_hash_sha256(c, data + 5, 3 * TD_SHA256_BUF);
        TT_CHECK(memcmp(b, c, 32) == 0);
    }
}

static void test_chacha20(void)
{
    static const unsigned char nonce[crypto_stream_chacha20_NONCEBYTES];
    size_t lens[] = {0, 1, 63, 64, 65, 2048, 4096 + 3};
    static unsigned char a[4200], b[4200];
    unsigned char key[32];
    int same = 0, n = 0;
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < 32; i++) key[i] = (unsigned char)(k * 37 + i * 11);
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++, n++) {
            memset(a, 0xAA, sizeof a);
            memset(b, 0xAA, sizeof b);
            td_chacha20_stream(a, lens[l], key);
            crypto_stream_chacha20(b, lens[l], nonce, key);
            same += memcmp(a, b, sizeof a) == 0;   /* the bytes after n untouched too */
        }
    }
    TT_EQ_INT(same, n);
    /* two keys give two streams */
    key[0] ^= 1;
    td_chacha20_stream(a, 64, key);
    key[0] ^= 1;
    td_chacha20_stream(b, 64, key);
    TT_CHECK(memcmp(a, b, 64) != 0);
}

/* Several threads at once, each with its own cached contexts. */
static void *thread_run(void *arg)
{
    int *bad = arg;
    static const unsigned char nonce[crypto_stream_chacha20_NONCEBYTES];
    for (int r = 0; r < 200; r++) {
        unsigned char a[32], b[32], key[32];
        unsigned char s1[512], s2[512];
        size_t n = (size_t)(r * 13) % sizeof data;
        td_sha256(a, data, n);
        crypto_hash_sha256(b, data, n);
        *bad += memcmp(a, b, 32) != 0;
        memcpy(key, a, 32);
        td_chacha20_stream(s1, sizeof s1, key);
        crypto_stream_chacha20(s2, sizeof s2, nonce, key);
        *bad += memcmp(s1, s2, sizeof s1) != 0;
    }
    return NULL;
}

static void test_threads(void)
{
    pthread_t t[4];
    int bad[4] = {0}, started = 0;
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, thread_run, &bad[i]) == 0) started |= 1 << i;
    for (int i = 0; i < 4; i++)
        if (started & (1 << i)) pthread_join(t[i], NULL);
    TT_EQ_INT(started, 15);
    TT_EQ_INT(bad[0] + bad[1] + bad[2] + bad[3], 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    fill();
    TT_RUN(test_sha256_oneshot);
    TT_RUN(test_sha256_pieces);
    TT_RUN(test_chacha20);
    TT_RUN(test_threads);
    return tt_report();
}
