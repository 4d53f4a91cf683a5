/*
 * proto_ver.h — protocol versions and the negotiation rule, shared by both
 * sides (DESIGN §5).  Each side speaks a range [MIN, MAX]; the session runs
 * at the highest version in both ranges.
 */
#ifndef TD_PROTO_VER_H
#define TD_PROTO_VER_H

#include <stdint.h>

#define TD_PROTO_MIN 1
#define TD_PROTO_MAX 1

/* Highest common version of [amin, amax] and [bmin, bmax]; 0 if none. */
static inline uint32_t td_proto_negotiate(uint32_t amin, uint32_t amax, uint32_t bmin, uint32_t bmax)
{
    uint32_t hi = amax < bmax ? amax : bmax;
    uint32_t lo = amin > bmin ? amin : bmin;
    return (lo <= hi && hi > 0) ? hi : 0;
}

#endif
