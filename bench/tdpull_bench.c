/*
 * tdpull_bench.c — the event loop's work per pulled entry, alone: the whole
 * log of a server data directory read as a central device pulls it
 * (tds_ledger_pull, batches of TD_PULL_MAX_ENTRIES with their batch proof)
 * and each batch packed into its Entries frame (td_frame_pack), as the
 * session does before TLS.  Prints the process's CPU time per entry for the
 * two steps, RUNS times.  Not a timed test.
 *
 *   tdpull_bench --data DIR --ca CA.crt [--runs N]
 *
 * DIR is a server data directory with a log (`tdbench --keep --work W`
 * leaves one in W/data, its CA in W/ca/ca.crt).  It is opened read-only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "identity.h"
#include "ledger.h"
#include "sync_limits.h"

static double tb_cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"ca", required_argument, NULL, 'c'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    tds_ledger_opts o;
    tds_ledger *l;
    tds_peer peer;
    td_error e;
    int runs = 5, c;
    memset(&o, 0, sizeof o);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd') o.datadir = optarg;
        else if (c == 'c') o.ca_path = optarg;
        else if (c == 'r' && (runs = atoi(optarg)) > 0) continue;
        else {
            fprintf(stderr, "usage: tdpull_bench --data DIR --ca CA.crt [--runs N]\n");
            return 2;
        }
    }
    if (!o.datadir || !o.ca_path || runs < 1) {
        fprintf(stderr, "usage: tdpull_bench --data DIR --ca CA.crt [--runs N]\n");
        return 2;
    }
    if (tds_ledger_open(&o, &l, &e)) {
        fprintf(stderr, "tdpull_bench: %s: %s\n", o.datadir, e.msg);
        return 1;
    }
    memset(&peer, 0, sizeof peer);
    snprintf(peer.subj.agency, sizeof peer.subj.agency, "so-khcn");
    snprintf(peer.subj.device, sizeof peer.subj.device, "bench");
    peer.subj.role = TD_ROLE_CENTRAL;
    peer.batch_proof = 1;
    for (int run = 0; run < runs; run++) {
        double t_pull = 0, t_pack = 0, big = 0;
        uint64_t since = 1, n = 0, bytes = 0, frames = 0;
        for (;;) {
            Tiendo__Entries en;
            Tiendo__Frame f = TIENDO__FRAME__INIT;
            uint8_t *buf;
            size_t len;
            int more;
            double a = tb_cpu_ms(), b, d;
            if (tds_ledger_pull(l, &peer, since, TD_PULL_MAX_ENTRIES, 0, &en, &e)) {
                fprintf(stderr, "tdpull_bench: pull from %llu: %s\n", (unsigned long long)since, e.msg);
                tds_ledger_close(l);
                return 1;
            }
            b = tb_cpu_ms();
            f.body_case = TIENDO__FRAME__BODY_ENTRIES;
            f.entries = &en;
            if (td_frame_pack(&f, TD_FRAME_MAX_DEFAULT, &buf, &len, &e)) {
                fprintf(stderr, "tdpull_bench: pack: %s\n", e.msg);
                tds_ledger_pull_free(&en);
                tds_ledger_close(l);
                return 1;
            }
            d = tb_cpu_ms();
            t_pull += b - a;
            t_pack += d - b;
            if (d - a > big) big = d - a;
            n += en.n_batch;
            bytes += len;
            frames++;
            free(buf);
            more = en.more;
            since = en.next;
            tds_ledger_pull_free(&en);
            if (!more || !n) break;
        }
        if (!n) {
            fprintf(stderr, "tdpull_bench: %s: nothing to pull\n", o.datadir);
            tds_ledger_close(l);
            return 1;
        }
        printf("run %d: %llu entries in %llu frames (%.1f MB): pull %.3f us/entry, pack %.3f us/entry, "
               "together %.3f us/entry; the largest frame %.2f ms\n",
               run + 1, (unsigned long long)n, (unsigned long long)frames, (double)bytes / 1e6,
               t_pull * 1e3 / (double)n, t_pack * 1e3 / (double)n, (t_pull + t_pack) * 1e3 / (double)n, big);
    }
    tds_ledger_close(l);
    return 0;
}
