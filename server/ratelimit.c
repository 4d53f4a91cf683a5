/* ratelimit.c — see ratelimit.h. */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct tds__bucket {
    unsigned char key[32];
    int used;
    double tokens;
    uint64_t at_ms;              /* when tokens was computed */
} tds__bucket;

struct tds_ratelimit {
    double rate, burst;          /* tokens per ms, tokens */
    uint32_t rate_s;
    tds__bucket slot[TDS_RL_SLOTS];
};

tds_ratelimit *tds_rl_new(uint32_t rate, uint32_t burst)
{
    tds_ratelimit *rl;
    if (rate == 0) return NULL;
    if (!(rl = calloc(1, sizeof *rl))) return NULL;
    rl->rate = rate / 1000.0;
    rl->rate_s = rate;
    rl->burst = burst > 0 ? burst : rate;
    return rl;
}

void tds_rl_free(tds_ratelimit *rl) { free(rl); }

static uint64_t tds__mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Refill b up to now. */
static void tds__refill(const tds_ratelimit *rl, tds__bucket *b, uint64_t now)
{
    if (now > b->at_ms) {
        b->tokens += (double)(now - b->at_ms) * rl->rate;
        if (b->tokens > rl->burst) b->tokens = rl->burst;
        b->at_ms = now;
    }
}

/* key's bucket, refilled up to now_ms (a new one starts full). */
static tds__bucket *tds__find(tds_ratelimit *rl, const unsigned char key[32], uint64_t now_ms)
{
    uint64_t h = 0;
    tds__bucket *b = NULL, *victim = NULL;

    /* Keys are Ed25519 public keys: their bytes are already uniform. */
    memcpy(&h, key, sizeof h);
    for (unsigned i = 0; i < TDS_RL_PROBE; i++) {
        tds__bucket *s = &rl->slot[(h + i) % TDS_RL_SLOTS];
        if (s->used && !memcmp(s->key, key, 32)) {
            b = s;
            break;
        }
        if (!s->used) {
            if (!victim || victim->used) victim = s;
            continue;
        }
        tds__refill(rl, s, now_ms);
        if (!victim || (victim->used && s->tokens > victim->tokens)) victim = s;
    }
    if (!b) {
        /* A new device, or one forgotten while idle: a full bucket.  The
         * victim is an empty slot, else the fullest of the probed ones. */
        b = victim;
        memcpy(b->key, key, 32);
        b->used = 1;
        b->tokens = rl->burst;
        b->at_ms = now_ms;
    }
    tds__refill(rl, b, now_ms);
    return b;
}

uint64_t tds_rl_take(tds_ratelimit *rl, const unsigned char key[32], uint32_t cost, uint64_t now_ms)
{
    tds__bucket *b;
    double need;
    if (!rl) return 0;
    if (!now_ms) now_ms = tds__mono_ms();
    b = tds__find(rl, key, now_ms);
    need = cost > rl->burst ? rl->burst : (double)cost;   /* a batch above burst waits for a full bucket */
    if (b->tokens >= need) {
        b->tokens -= need;
        return 0;
    }
    return (uint64_t)((need - b->tokens) / rl->rate) + 1;
}

uint64_t tds_rl_charge(tds_ratelimit *rl, const unsigned char key[32], uint32_t cost, uint64_t now_ms)
{
    tds__bucket *b;
    if (!rl) return 0;
    if (!now_ms) now_ms = tds__mono_ms();
    b = tds__find(rl, key, now_ms);
    b->tokens -= cost;
    if (b->tokens < -rl->burst) b->tokens = -rl->burst;   /* the debt is bounded too */
    return b->tokens >= 1 ? 0 : (uint64_t)((1 - b->tokens) / rl->rate) + 1;
}

uint64_t tds_rl_wait(tds_ratelimit *rl, const unsigned char key[32], uint64_t now_ms)
{
    tds__bucket *b;
    if (!rl) return 0;
    if (!now_ms) now_ms = tds__mono_ms();
    b = tds__find(rl, key, now_ms);
    return b->tokens >= 1 ? 0 : (uint64_t)((1 - b->tokens) / rl->rate) + 1;
}
