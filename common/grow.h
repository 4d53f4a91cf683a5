/*
 * grow.h — a growable array's one growth rule: room for `need` elements,
 * the capacity doubled (from TD_GROW_FIRST), every size checked for overflow.
 *
 *     T *v = NULL;  size_t n = 0, cap = 0;
 *     if (TD_GROW(v, cap, n + 1)) return TD_ENOMEM;
 *     v[n++] = x;
 *
 * On failure the array, its elements and cap are as they were (the caller
 * still owns and frees v).
 */
#ifndef TD_GROW_H
#define TD_GROW_H

#include <stddef.h>

/* The first capacity of an empty array (elements). */
#define TD_GROW_FIRST 8

/*
 * pp: the address of the array pointer (any T **); *cap its capacity in
 * elements.  Nothing to do when need <= *cap.  Else reallocates to the
 * larger of need and twice *cap (TD_GROW_FIRST at least).  0, or -1 (out of
 * memory, or need * elem beyond SIZE_MAX).
 */
int td_grow(void *pp, size_t *cap, size_t need, size_t elem);
#define TD_GROW(p, cap, need) td_grow(&(p), &(cap), (need), sizeof *(p))

/*
 * Room for one more element in an array that keeps no capacity: its size is
 * its count n (short lists that other code copies or frees knowing only the
 * count: a report's evidence, a registry's agencies), reallocated to n + 1
 * elements.  0, or -1 (out of memory, or the size beyond SIZE_MAX); on
 * failure the array is as it was.
 *
 *     if (TD_GROW_ONE(r->docs, r->n_docs)) return TD_ENOMEM;
 *     r->docs[r->n_docs++] = d;
 */
int td_grow_one(void *pp, size_t n, size_t elem);
#define TD_GROW_ONE(p, n) td_grow_one(&(p), (n), sizeof *(p))

#endif
