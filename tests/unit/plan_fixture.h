/*
 * plan_fixture.h — load data/plans/726-KH-UBND.txt (found through
 * $TD_SOURCE_DIR) for the plan tests.  Header-only: included by the
 * test_plan_*.c files, each of which is its own executable.
 */
#ifndef TD_PLAN_FIXTURE_H
#define TD_PLAN_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "plan_text.h"

/* The whole file, NUL-terminated; exits the test if it cannot be read. */
static char *fixture_read(const char *rel, size_t *n)
{
    const char *src = getenv("TD_SOURCE_DIR");
    char path[4096];
    FILE *f;
    char *buf;
    long len;
    snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
    if (!(f = fopen(path, "rb"))) {
        fprintf(stderr, "cannot open %s (set TD_SOURCE_DIR)\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) exit(1);
    buf[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* Parse and resolve 726 against the built-in registry. */
static int fixture_plan(td_plan *p, td_registry *reg, td_plan_issues *issues)
{
    size_t n;
    char *buf = fixture_read("data/plans/726-KH-UBND.txt", &n);
    td_error err = {0};
    int rc = td_plan_text_parse(buf, n, "726-KH-UBND.txt", p, &err);
    free(buf);
    if (rc) {
        fprintf(stderr, "parse failed: %s\n", err.msg);
        return rc;
    }
    if ((rc = td_registry_init_builtin(reg, &err))) return rc;
    return td_plan_resolve(p, reg, issues);
}

#endif
