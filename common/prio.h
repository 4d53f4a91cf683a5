/*
 * prio.h — how a thread of tiendo asks the kernel for its place on the CPU.
 *
 * A server on two cores runs its event loop beside the threads that verify
 * signatures.  The loop's work comes in short bursts that every session
 * waits for (a Ping, an ack); the verification is long and can wait.  Nice
 * alone does not make the woken loop run at once: the kernel's fair
 * scheduler (EEVDF, Linux 6.6 and later) lets the running thread finish its
 * time slice first, which is a whole tick (4 ms at HZ=250) when nothing
 * else preempts it.  A thread that asks for a shorter slice (Linux 6.12 and
 * later, sched_setattr's sched_runtime for SCHED_OTHER, no privilege
 * needed) is run at its wakeup ahead of longer-slice threads: the loop
 * asks for one (docs/ARCHITECTURE.md §7).
 */
#ifndef TD_PRIO_H
#define TD_PRIO_H

/* The slice the event loop asks for, in microseconds (the kernel's floor is
 * 100 us). */
#define TD_PRIO_LOOP_SLICE_US 250

/*
 * Ask that the calling thread run with a time slice of us microseconds (0:
 * the kernel's default again), keeping its policy and nice value.  Threads
 * it creates afterwards may inherit the slice.  0, or a positive errno
 * value when the kernel refuses or does not know custom slices (then
 * nothing changed; the caller logs it and goes on).
 */
int td_prio_slice(unsigned us);

/*
 * Lower the calling thread's priority by delta nice steps (bounded by 19).
 * 0, or a positive errno value.
 */
int td_prio_lower(int delta);

#endif
