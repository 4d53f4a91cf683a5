/* trep.h — the scaffolding of the unit tests of the client's replica
 * (test_replica.c, test_sync.c): a throwaway PKI with one office device
 * whose identity is `me`, and a replica file in a temp dir that each test
 * starts again from nothing (fresh_db).  Header-only, like testcerts.h. */
#ifndef TREP_H
#define TREP_H

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "identity.h"
#include "replica.h"
#include "testcerts.h"

static tc_pki pki;
static td_identity me;
static char dbdir[64], dbpath[128];

/* Remove the replica with its WAL and shared-memory files. */
static void fresh_db(void)
{
    char p[160];
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    unlink(dbpath);
}

/* The PKI, `me` and a temp dir named after tmpl ("/tmp/tdsync-XXXXXX").
 * Returns non-zero on failure. */
static int tr_setup(const char *tmpl)
{
    td_error e;
    if (sodium_init() < 0 || tc_pki_make(&pki)) return 1;
    snprintf(dbdir, sizeof dbdir, "%s", tmpl);
    if (!mkdtemp(dbdir)) return 1;
    snprintf(dbpath, sizeof dbpath, "%s/%s", dbdir, TDC_REPLICA_FILE);
    if (td_identity_load(&me, pki.cli_key, pki.cli_crt, &e)) {
        fprintf(stderr, "identity: %s\n", e.msg);
        return 1;
    }
    return 0;
}

static void tr_teardown(void)
{
    td_identity_free(&me);
    fresh_db();
    rmdir(dbdir);
    tc_pki_remove(&pki);
}

#endif
