/*
 * workers.h — the server's work off the event loop, and the way back to it
 * (docs/ARCHITECTURE.md §7).
 *
 * tds_bell: any thread rings it; the loop then runs its callback, once for
 * one or several rings.  The loop never waits for the thread that rings.
 * libuv's uv_async_t does not give that: uv_async_send marks its handle busy
 * around its write to the wakeup descriptor, and the loop, woken by that
 * write, spins until the mark is gone (997 pauses, sched_yield, again).  A
 * niced verifying thread preempted inside that window kept the loop
 * spinning: 5-9 % of the loop's CPU during a push flood, and milliseconds
 * added to other sessions' answers.  A bell is an eventfd (a pipe where
 * there is none) watched by a uv_poll_t: ringing is one write(2), and the
 * loop reads it back when it is readable.
 *
 * tds_workers: threads that run jobs at a lower priority than the loop
 * (`nice` more), in the order they were submitted.  A job's `after` runs on
 * the loop thread once its work has run; jobs without one (freeing memory
 * the workers allocated) run and are done.  Done jobs come back through a
 * lock-free list and a bell, so the loop takes no lock a worker may hold
 * while preempted, except for the instant of a submission.
 */
#ifndef TDS_WORKERS_H
#define TDS_WORKERS_H

#include <uv.h>

typedef struct tds_bell tds_bell;

/* A new bell on loop (NULL on failure, with errno).  cb runs on the loop
 * after one or more rings. */
tds_bell *tds_bell_new(uv_loop_t *loop, void (*cb)(void *arg), void *arg);
/* Any thread: wake the loop.  Never blocks on the loop. */
void tds_bell_ring(tds_bell *b);
/* Does not keep the loop running by itself (uv_unref). */
void tds_bell_unref(tds_bell *b);
/* On the loop thread; the bell is freed once its handle has closed. */
void tds_bell_close(tds_bell *b);

typedef struct tds_workers tds_workers;

/* n threads (at least 1), each niced by `nice` relative to the process and
 * on the kernel's default time slice.  NULL on failure. */
tds_workers *tds_workers_new(uv_loop_t *loop, int n, int nice);
/* Queue work(arg) for a worker, then after(arg) on the loop thread (after may
 * be NULL).  0, or -1 when stopped or out of memory: nothing was queued. */
int tds_workers_submit(tds_workers *w, void (*work)(void *arg), void (*after)(void *arg), void *arg);
/* The number of threads. */
int tds_workers_threads(const tds_workers *w);
/* On the loop thread: refuse new jobs, let the workers run every queued job,
 * join them, and run every pending `after` here.  Then free.  An `after`
 * that submits again gets -1 and must do the work itself. */
void tds_workers_free(tds_workers *w);

#endif
