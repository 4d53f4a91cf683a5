/* tdev.h — a test device: an Ed25519 key with its certificate (made by the
 * test, from testcerts.h), the raw signing keys libsodium signs with, its
 * agency (the certificate's O; none for the server) and its entry sequence
 * and clock.  Header-only, like testcerts.h; tfix.h builds on it. */
#ifndef TDEV_H
#define TDEV_H

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "identity.h"
#include "testcerts.h"

typedef struct dev {
    EVP_PKEY *k;
    X509 *x;
    unsigned char pk[32], sk[64];
    uint64_t seq, hlc;
    char agency[TD_AGENCY_MAX + 1];
} dev;

/* d from key k and its certificate x (both owned by d from now on); o and
 * ou are the certificate's O and OU. */
static void dev_init(dev *d, EVP_PKEY *k, X509 *x, const char *o, const char *ou)
{
    unsigned char seed[32];
    td_error e = {0};
    memset(d, 0, sizeof *d);
    d->k = k;
    d->x = x;
    if (td_key_ed25519_seed(d->k, seed, &e)) {
        fprintf(stderr, "seed: %s\n", e.msg);
        exit(1);
    }
    crypto_sign_seed_keypair(d->pk, d->sk, seed);
    snprintf(d->agency, sizeof d->agency, "%s", o && strcmp(ou, "server") ? o : "");
}

static void dev_free(dev *d)
{
    EVP_PKEY_free(d->k);
    X509_free(d->x);
}

/* A signed entry with every field chosen. */
static uint8_t *sign_ex(const dev *d, int kind, uint64_t seq, uint64_t hlc, int64_t t, const char *agency,
                        const void *payload, size_t pn, size_t *n)
{
    td_entry_fields f = {kind, seq, hlc, t, agency, payload, pn};
    uint8_t *out;
    td_error e = {0};
    if (td_entry_sign_raw(d->pk, d->sk, &f, &out, n, &e)) {
        fprintf(stderr, "sign: %s\n", e.msg);
        exit(1);
    }
    return out;
}

/* The device's next entry, signed at time t. */
static uint8_t *sign_at(dev *d, int kind, const void *payload, size_t pn, int64_t t, size_t *n)
{
    d->seq++;
    d->hlc = td_hlc_next(d->hlc, t);
    return sign_ex(d, kind, d->seq, d->hlc, t, d->agency, payload, pn, n);
}

#endif
