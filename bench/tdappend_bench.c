/*
 * tdappend_bench.c — the server's store cost per pushed row, alone: N rows
 * of B bytes appended through server/logstore.c (the row insert, its Merkle
 * leaf and the tree nodes it completes) in transactions of G rows, each
 * committed as a group commit is (WAL, synchronous=FULL).  Prints the
 * process's CPU time per row (user and system), the figure the event loop
 * pays per pushed entry for its store.  Not a timed test.
 *
 *   tdappend_bench --dir DIR [-n N] [-g G] [-b B]
 *
 * DIR must not hold a server.db yet (a fresh store is the server's case at
 * the start of tdbench).  Rows cycle over 8 authors, 500 in a row each, as
 * 8 devices pushing batches of 500 do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "logstore.h"
#include "merkle.h"

static void cpu(double *user, double *sys)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    *user = (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6;
    *sys = (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    size_t n = 100000, g = 1000, b = 470;
    uint64_t seq[8] = {0};
    unsigned char *body;
    tds_logstore *s = NULL;
    td_error e = {0};
    double u0, s0, u1, s1;
    char path[4096];
    struct stat sb;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "-n")) n = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-g")) g = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-b")) b = strtoul(argv[i + 1], NULL, 10);
        else break;
    }
    if (!dir || !n || !g || b < 8 || b > 65536) {
        fprintf(stderr, "usage: tdappend_bench --dir DIR [-n ROWS] [-g ROWS_PER_COMMIT] [-b BYTES (8..65536)]\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/server.db", dir);
    if (stat(path, &sb) == 0) {
        fprintf(stderr, "tdappend_bench: %s exists: give a directory without a store\n", path);
        return 2;
    }
    if (!(body = malloc(b))) return 1;
    for (size_t i = 0; i < b; i++) body[i] = (unsigned char)(i * 7 + 1);
    if (tds_logstore_open(dir, &s, &e)) {
        fprintf(stderr, "tdappend_bench: %s\n", e.msg);
        free(body);
        return 1;
    }
    cpu(&u0, &s0);
    for (size_t i = 0; i < n && !e.code;) {
        if (tds_logstore_begin(s, &e)) break;
        for (size_t k = 0; k < g && i < n; k++, i++) {
            tds_logrow r;
            unsigned char leaf[TD_MERKLE_HASH_LEN];
            int a = (int)((i / 500) % 8);
            memset(&r, 0, sizeof r);
            memset(r.author, a + 1, sizeof r.author);
            r.seq = ++seq[a];
            r.kind = 20;
            r.agency = "so-y-te";
            r.task = i % 2 ? 27 : 1;
            memcpy(body, &i, sizeof i);   /* every row's bytes differ */
            r.body = body;
            r.len = b;
            r.received_ms = 1750000000000LL + (int64_t)i;
            td_merkle_leaf_hash(body, b, leaf);   /* on a worker thread in the server; counted here */
            if (tds_logstore_insert_leaf(s, &r, leaf, &e)) break;
        }
        if (e.code) {
            tds_logstore_rollback(s);
            break;
        }
        if (tds_logstore_commit(s, &e)) break;
    }
    cpu(&u1, &s1);
    if (e.code) {
        fprintf(stderr, "tdappend_bench: %s\n", e.msg);
        tds_logstore_close(s);
        free(body);
        return 1;
    }
    printf("append: %zu rows of %zu B, %zu per commit: %.2f us of CPU per row (user %.2f, system %.2f); "
           "tree reads from the table %llu\n",
           n, b, g, ((u1 - u0) + (s1 - s0)) * 1e6 / (double)n, (u1 - u0) * 1e6 / (double)n,
           (s1 - s0) * 1e6 / (double)n, (unsigned long long)tds_logstore_tree_reads(s));
    tds_logstore_close(s);
    free(body);
    return 0;
}
