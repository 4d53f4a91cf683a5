/* prio.c — see prio.h. */
#define _GNU_SOURCE
#include "prio.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#if defined(__linux__) && defined(SYS_sched_setattr) && defined(SYS_sched_getattr)
/* The kernel's struct sched_attr (include/uapi/linux/sched/types.h), first
 * version: glibc has no wrapper before 2.41. */
typedef struct td__sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
} td__sched_attr;

int td_prio_slice(unsigned us)
{
    td__sched_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    if (syscall(SYS_sched_getattr, 0, &a, (unsigned)sizeof a, 0) != 0) return errno ? errno : ENOSYS;
    if (a.sched_policy != 0 /* SCHED_OTHER */) return EINVAL;
    a.size = sizeof a;
    a.sched_flags = 0;
    a.sched_runtime = (uint64_t)us * 1000u;
    if (syscall(SYS_sched_setattr, 0, &a, 0) != 0) return errno ? errno : ENOSYS;
    return 0;
}
#else
int td_prio_slice(unsigned us)
{
    (void)us;
    return ENOSYS;
}
#endif

int td_prio_lower(int delta)
{
    int cur;
    errno = 0;
    cur = getpriority(PRIO_PROCESS, 0);   /* Linux: 0 is the calling thread */
    if (errno) return errno;
    if (setpriority(PRIO_PROCESS, 0, cur + delta > 19 ? 19 : cur + delta) != 0) return errno;
    return 0;
}
