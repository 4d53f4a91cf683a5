/* test_workers.c — server/workers.h: jobs off the loop, afters back on it, the bell. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "tt.h"
#include "workers.h"

#define NJOBS 300

typedef struct {
    int i;
    atomic_int worked;            /* times work ran */
    int after_seen_worked;        /* work had run when after ran */
    int afters;                   /* times after ran */
    int after_on_loop;            /* after ran on the loop's thread */
    int nice;                     /* the worker's nice value */
    int sleep_ms;
} job;

static uv_thread_t loop_thread;
static int order[NJOBS], n_order;
static tds_workers *resubmit_to;
static int resubmit_rc = 0;

static void work(void *arg)
{
    job *j = arg;
    if (j->sleep_ms) {
        struct timespec ts = {0, j->sleep_ms * 1000000L};
        nanosleep(&ts, NULL);
    }
    errno = 0;
    j->nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
    atomic_fetch_add(&j->worked, 1);
}

static void after(void *arg)
{
    job *j = arg;
    uv_thread_t self = uv_thread_self();
    j->afters++;
    j->after_seen_worked = atomic_load(&j->worked) == 1;
    j->after_on_loop = uv_thread_equal(&self, &loop_thread);
    if (n_order < NJOBS) order[n_order++] = j->i;
    if (resubmit_to) resubmit_rc = tds_workers_submit(resubmit_to, work, after, j);
}

static job jobs[NJOBS];

static void reset(void)
{
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < NJOBS; i++) jobs[i].i = i;
    n_order = 0;
    resubmit_to = NULL;
    resubmit_rc = 0;
}

/* Every after runs once, on the loop, after its work; uv_run returns only
 * once the last one has run (outstanding jobs keep the loop alive). */
static void test_afters_on_loop(void)
{
    uv_loop_t loop;
    tds_workers *w;
    int base = getpriority(PRIO_PROCESS, 0), ok = 1;
    reset();
    uv_loop_init(&loop);
    loop_thread = uv_thread_self();
    TT_CHECK((w = tds_workers_new(&loop, 4, 10)) != NULL);
    if (!w) return;
    TT_EQ_INT(tds_workers_threads(w), 4);
    for (int i = 0; i < NJOBS; i++) TT_EQ_INT(tds_workers_submit(w, work, after, &jobs[i]), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    TT_EQ_INT(n_order, NJOBS);
    for (int i = 0; i < NJOBS; i++)
        if (jobs[i].afters != 1 || !jobs[i].after_seen_worked || !jobs[i].after_on_loop ||
            atomic_load(&jobs[i].worked) != 1 || jobs[i].nice != (base + 10 > 19 ? 19 : base + 10))
            ok = 0;
    TT_CHECK(ok);
    tds_workers_free(w);
    uv_run(&loop, UV_RUN_DEFAULT);
    TT_EQ_INT(uv_loop_close(&loop), 0);
}

/* One thread: afters in the order of submission. */
static void test_fifo_one_thread(void)
{
    uv_loop_t loop;
    tds_workers *w;
    int in_order = 1;
    reset();
    uv_loop_init(&loop);
    loop_thread = uv_thread_self();
    TT_CHECK((w = tds_workers_new(&loop, 1, 0)) != NULL);
    if (!w) return;
    for (int i = 0; i < NJOBS; i++) tds_workers_submit(w, work, after, &jobs[i]);
    uv_run(&loop, UV_RUN_DEFAULT);
    TT_EQ_INT(n_order, NJOBS);
    for (int i = 0; i < n_order; i++)
        if (order[i] != i) in_order = 0;
    TT_CHECK(in_order);
    tds_workers_free(w);
    uv_run(&loop, UV_RUN_DEFAULT);
    TT_EQ_INT(uv_loop_close(&loop), 0);
}

static atomic_int freed;
static void count_free(void *arg)
{
    (void)arg;
    atomic_fetch_add(&freed, 1);
}

/* Freeing with jobs still queued and running: every queued job is worked,
 * every after runs (on the caller), and an after that submits again is
 * told no.  Jobs without an after run too. */
static void test_free_drains(void)
{
    uv_loop_t loop;
    tds_workers *w;
    int ok = 1;
    reset();
    atomic_store(&freed, 0);
    uv_loop_init(&loop);
    loop_thread = uv_thread_self();
    TT_CHECK((w = tds_workers_new(&loop, 2, 0)) != NULL);
    if (!w) return;
    for (int i = 0; i < 20; i++) {
        jobs[i].sleep_ms = 5;
        TT_EQ_INT(tds_workers_submit(w, work, after, &jobs[i]), 0);
        TT_EQ_INT(tds_workers_submit(w, count_free, NULL, NULL), 0);
    }
    resubmit_to = w;
    tds_workers_free(w);   /* the loop never ran */
    TT_EQ_INT(atomic_load(&freed), 20);
    TT_EQ_INT(n_order, 20);
    TT_EQ_INT(resubmit_rc, -1);
    for (int i = 0; i < 20; i++)
        if (jobs[i].afters != 1 || atomic_load(&jobs[i].worked) != 1 || !jobs[i].after_on_loop) ok = 0;
    TT_CHECK(ok);
    uv_run(&loop, UV_RUN_DEFAULT);
    TT_EQ_INT(uv_loop_close(&loop), 0);
}

typedef struct {
    tds_bell *b;
    atomic_int rung;
    int seen;                     /* loop: the callback saw every ring made before it */
    int calls;
} bell_t;

static void bell_cb(void *arg)
{
    bell_t *t = arg;
    t->calls++;
    if (atomic_load(&t->rung) == 1000) t->seen = 1;
}

static void ringer(void *arg)
{
    bell_t *t = arg;
    for (int i = 0; i < 1000; i++) {
        atomic_fetch_add(&t->rung, 1);
        tds_bell_ring(t->b);
    }
}

/* Rings from another thread wake the loop, and the last ring is never
 * lost: the callback runs after it. */
static void test_bell(void)
{
    uv_loop_t loop;
    bell_t t = {0};
    uv_thread_t th;
    int rounds = 0;
    uv_loop_init(&loop);
    TT_CHECK((t.b = tds_bell_new(&loop, bell_cb, &t)) != NULL);
    if (!t.b) return;
    uv_thread_create(&th, ringer, &t);
    while (!t.seen && rounds++ < 100000) uv_run(&loop, UV_RUN_ONCE);
    uv_thread_join(&th);
    TT_CHECK(t.seen);
    TT_CHECK(t.calls >= 1 && t.calls <= 1000);
    tds_bell_close(t.b);
    uv_run(&loop, UV_RUN_DEFAULT);
    TT_EQ_INT(uv_loop_close(&loop), 0);
}

int main(void)
{
    TT_RUN(test_afters_on_loop);
    TT_RUN(test_fifo_one_thread);
    TT_RUN(test_free_drains);
    TT_RUN(test_bell);
    return tt_report();
}
