/* grow.c — see grow.h. */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int td_grow(void *pp, size_t *cap, size_t need, size_t elem)
{
    void *p, *np;
    size_t nc;
    if (need <= *cap) return 0;
    if (!elem || need > SIZE_MAX / elem) return -1;
    nc = *cap < TD_GROW_FIRST ? TD_GROW_FIRST : *cap;
    while (nc < need) nc = nc > SIZE_MAX / 2 ? need : nc * 2;
    if (nc > SIZE_MAX / elem) nc = need;   /* doubling would overflow: exactly what is needed */
    /* the pointer is read and written as bytes: pp may be any T ** */
    memcpy(&p, pp, sizeof p);
    if (!(np = realloc(p, nc * elem))) return -1;
    memcpy(pp, &np, sizeof np);
    *cap = nc;
    return 0;
}

int td_grow_one(void *pp, size_t n, size_t elem)
{
    void *p, *np;
    if (!elem || n >= SIZE_MAX / elem) return -1;
    memcpy(&p, pp, sizeof p);
    if (!(np = realloc(p, (n + 1) * elem))) return -1;
    memcpy(pp, &np, sizeof np);
    return 0;
}
