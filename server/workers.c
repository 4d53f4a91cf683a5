/* workers.c — see workers.h. */
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

#include "log.h"
#include "prio.h"

/* ---- the bell ----------------------------------------------------------- */

struct tds_bell {
    uv_poll_t poll;
    int rfd, wfd;                 /* one eventfd twice, or a pipe's two ends */
    void (*cb)(void *arg);
    void *arg;
};

static void tds__bell_read(uv_poll_t *h, int status, int events)
{
    tds_bell *b = h->data;
    (void)events;
    if (status < 0) td_log_warn("workers: the loop's wakeup descriptor: %s", uv_strerror(status));
    if (b->rfd == b->wfd) {
        uint64_t v;   /* an eventfd: one read resets it */
        ssize_t r = read(b->rfd, &v, sizeof v);
        (void)r;
    } else {
        uint8_t buf[64];   /* a pipe: read until empty */
        while (read(b->rfd, buf, sizeof buf) > 0) {}
    }
    b->cb(b->arg);
}

tds_bell *tds_bell_new(uv_loop_t *loop, void (*cb)(void *arg), void *arg)
{
    tds_bell *b = calloc(1, sizeof *b);
    int e;
    if (!b) return NULL;
    b->cb = cb;
    b->arg = arg;
#ifdef __linux__
    b->rfd = b->wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (b->rfd < 0)
#endif
    {
        int p[2];
        if (pipe(p) != 0) {
            free(b);
            return NULL;
        }
        for (int i = 0; i < 2; i++) {
            fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
            fcntl(p[i], F_SETFD, FD_CLOEXEC);
        }
        b->rfd = p[0];
        b->wfd = p[1];
    }
    if ((e = uv_poll_init(loop, &b->poll, b->rfd)) != 0 || (e = uv_poll_start(&b->poll, UV_READABLE, tds__bell_read)) != 0) {
        if (b->wfd != b->rfd) close(b->wfd);
        close(b->rfd);
        free(b);
        errno = -e;
        return NULL;
    }
    b->poll.data = b;
    return b;
}

void tds_bell_ring(tds_bell *b)
{
    /* EAGAIN: the counter or the pipe is full, so the loop is woken already */
    if (b->rfd == b->wfd) {
        uint64_t one = 1;
        ssize_t r = write(b->wfd, &one, sizeof one);
        (void)r;
    } else {
        char c = 0;
        ssize_t r = write(b->wfd, &c, 1);
        (void)r;
    }
}

void tds_bell_unref(tds_bell *b) { uv_unref((uv_handle_t *)&b->poll); }

static void tds__bell_ref(tds_bell *b) { uv_ref((uv_handle_t *)&b->poll); }

static void tds__bell_closed(uv_handle_t *h)
{
    tds_bell *b = h->data;
    if (b->wfd != b->rfd) close(b->wfd);
    close(b->rfd);
    free(b);
}

void tds_bell_close(tds_bell *b)
{
    if (b) uv_close((uv_handle_t *)&b->poll, tds__bell_closed);
}

/* ---- the workers -------------------------------------------------------- */

typedef struct tds__wjob {
    struct tds__wjob *next;
    void (*work)(void *arg);
    void (*after)(void *arg);
    void *arg;
} tds__wjob;

struct tds_workers {
    uv_mutex_t mu;
    uv_cond_t cv;
    tds__wjob *head, *tail;       /* queued, under mu */
    int stop;                     /* under mu */
    _Atomic(tds__wjob *) done;    /* worked jobs with an after, newest first */
    tds_bell *bell;
    unsigned long pending;        /* loop thread: jobs with an after not yet run */
    int n, nice;
    uv_thread_t *th;
};

static void tds__worker(void *arg)
{
    tds_workers *w = arg;
    int rc;
    if ((rc = td_prio_lower(w->nice))) td_log_debug("workers: cannot lower a thread's priority: %s", strerror(rc));
    /* the default slice, not the loop's short one if it was inherited */
    if ((rc = td_prio_slice(0))) td_log_debug("workers: cannot reset a thread's time slice: %s", strerror(rc));
    uv_mutex_lock(&w->mu);
    for (;;) {
        tds__wjob *j;
        while (!w->head && !w->stop) uv_cond_wait(&w->cv, &w->mu);
        if (!(j = w->head)) break;   /* stopped, and nothing queued is left */
        if (!(w->head = j->next)) w->tail = NULL;
        uv_mutex_unlock(&w->mu);
        j->work(j->arg);
        if (j->after) {
            tds__wjob *old = atomic_load_explicit(&w->done, memory_order_relaxed);
            do {
                j->next = old;
            } while (!atomic_compare_exchange_weak_explicit(&w->done, &old, j, memory_order_release,
                                                            memory_order_relaxed));
            /* a list that was not empty has a ring on its way: the loop
             * takes the whole list after reading the ring */
            if (!old) tds_bell_ring(w->bell);
        } else {
            free(j);
        }
        uv_mutex_lock(&w->mu);
    }
    uv_mutex_unlock(&w->mu);
}

/* On the loop: every worked job's after, in the order they were worked. */
static void tds__workers_done(void *arg)
{
    tds_workers *w = arg;
    tds__wjob *j = atomic_exchange_explicit(&w->done, NULL, memory_order_acquire), *fifo = NULL;
    while (j) {
        tds__wjob *next = j->next;
        j->next = fifo;
        fifo = j;
        j = next;
    }
    while ((j = fifo)) {
        fifo = j->next;
        j->after(j->arg);
        free(j);
        if (--w->pending == 0 && w->bell) tds_bell_unref(w->bell);
    }
}

tds_workers *tds_workers_new(uv_loop_t *loop, int n, int nice)
{
    tds_workers *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    if (n < 1) n = 1;
    w->nice = nice;
    atomic_init(&w->done, NULL);
    if (!(w->th = calloc((size_t)n, sizeof *w->th))) {
        free(w);
        return NULL;
    }
    if (uv_mutex_init(&w->mu) != 0) goto fail_mem;
    if (uv_cond_init(&w->cv) != 0) goto fail_mu;
    if (!(w->bell = tds_bell_new(loop, tds__workers_done, w))) goto fail_cv;
    tds_bell_unref(w->bell);
    for (; w->n < n; w->n++)
        if (uv_thread_create(&w->th[w->n], tds__worker, w) != 0) break;
    if (w->n == 0) {
        tds_bell_close(w->bell);
        goto fail_cv;
    }
    return w;
fail_cv:
    uv_cond_destroy(&w->cv);
fail_mu:
    uv_mutex_destroy(&w->mu);
fail_mem:
    free(w->th);
    free(w);
    return NULL;
}

int tds_workers_threads(const tds_workers *w) { return w ? w->n : 0; }

int tds_workers_submit(tds_workers *w, void (*work)(void *arg), void (*after)(void *arg), void *arg)
{
    tds__wjob *j;
    if (!w || !(j = malloc(sizeof *j))) return -1;
    j->next = NULL;
    j->work = work;
    j->after = after;
    j->arg = arg;
    uv_mutex_lock(&w->mu);
    if (w->stop) {
        uv_mutex_unlock(&w->mu);
        free(j);
        return -1;
    }
    if (w->tail) w->tail->next = j;
    else w->head = j;
    w->tail = j;
    uv_cond_signal(&w->cv);
    uv_mutex_unlock(&w->mu);
    /* a job coming back keeps the loop running, as an active request would */
    if (after && w->pending++ == 0) tds__bell_ref(w->bell);
    return 0;
}

void tds_workers_free(tds_workers *w)
{
    if (!w) return;
    uv_mutex_lock(&w->mu);
    w->stop = 1;
    uv_cond_broadcast(&w->cv);
    uv_mutex_unlock(&w->mu);
    for (int i = 0; i < w->n; i++) uv_thread_join(&w->th[i]);
    tds__workers_done(w);
    tds_bell_close(w->bell);
    w->bell = NULL;
    uv_cond_destroy(&w->cv);
    uv_mutex_destroy(&w->mu);
    free(w->th);
    free(w);
}
