/*
 * test_prio.c — common/prio.h: a thread's time slice and nice value change
 * as asked, on this thread only, and a slice of 0 gives the default back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "prio.h"
#include "tt.h"

/* The kernel's struct sched_attr, first version (as prio.c). */
typedef struct attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t prio;
    uint64_t runtime, deadline, period;
} attr;

static int get_attr(attr *a)
{
    memset(a, 0, sizeof *a);
    return (int)syscall(SYS_sched_getattr, 0, a, (unsigned)sizeof *a, 0);
}

static uint64_t g_main_runtime;

static void *other_thread(void *arg)
{
    attr a;
    (void)arg;
    if (get_attr(&a) == 0) g_main_runtime = a.runtime + 1;   /* +1: it ran */
    return NULL;
}

static void test_slice(void)
{
    attr before, a;
    pthread_t th;
    int rc;
    TT_EQ_INT(get_attr(&before), 0);
    rc = td_prio_slice(TD_PRIO_LOOP_SLICE_US);
    if (rc == ENOSYS || rc == EINVAL || rc == E2BIG) {
        /* a kernel before 6.12 keeps its own slice: the call must say so and change nothing */
        TT_EQ_INT(get_attr(&a), 0);
        TT_EQ_INT(a.nice, before.nice);
        fprintf(stderr, "kernel without custom slices (%s): only the refusal is checked\n", strerror(rc));
        return;
    }
    TT_EQ_INT(rc, 0);
    TT_EQ_INT(get_attr(&a), 0);
    TT_EQ_INT(a.runtime, (uint64_t)TD_PRIO_LOOP_SLICE_US * 1000u);
    TT_EQ_INT(a.policy, 0);
    TT_EQ_INT(a.nice, before.nice);
    /* a thread started now may inherit it; one that asks for 0 has the default */
    TT_EQ_INT(pthread_create(&th, NULL, other_thread, NULL), 0);
    pthread_join(th, NULL);
    TT_CHECK(g_main_runtime > 0);
    TT_EQ_INT(td_prio_slice(0), 0);
    TT_EQ_INT(get_attr(&a), 0);
    TT_CHECK(a.runtime != (uint64_t)TD_PRIO_LOOP_SLICE_US * 1000u);
}

static int g_other_nice = -100;

static void *lower_thread(void *arg)
{
    (void)arg;
    if (td_prio_lower(5) == 0) g_other_nice = getpriority(PRIO_PROCESS, 0);
    return NULL;
}

static void test_lower(void)
{
    pthread_t th;
    int mine = getpriority(PRIO_PROCESS, 0);
    TT_EQ_INT(pthread_create(&th, NULL, lower_thread, NULL), 0);
    pthread_join(th, NULL);
    TT_EQ_INT(g_other_nice, mine + 5 > 19 ? 19 : mine + 5);
    /* the calling thread only */
    TT_EQ_INT(getpriority(PRIO_PROCESS, 0), mine);
}

int main(void)
{
    TT_RUN(test_slice);
    TT_RUN(test_lower);
    return tt_report();
}
