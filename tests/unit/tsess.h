/* tsess.h — the scaffolding of the unit tests that feed the server's
 * session frames without any socket (test_session.c, test_blob.c): the
 * session S, feed(), what it sent (out, cap_send, cap_end), test devices
 * as the session sees them (subject, Ed25519 keys, certificate DER), and
 * the server's PKI and ledger options in a temp dir.  Header-only, like testcerts.h. */
#ifndef TSESS_H
#define TSESS_H

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "identity.h"
#include "ledger.h"
#include "session.h"
#include "testcerts.h"
#include "tt.h"

/* Frames whose kind `out` keeps, in order. */
#define OUT_KINDS 32

typedef struct out {
    int sent, ended;
    Tiendo__Frame *last;
    int kinds[OUT_KINDS];        /* body case of each frame sent, in order */
    uint64_t first_index[OUT_KINDS];   /* PushAck: index of its first ack */
} out;

/* The session's send: keeps the frame (packed and unpacked again, as the
 * peer would read it) and its kind. */
static int cap_send(void *arg, const Tiendo__Frame *f)
{
    out *o = arg;
    uint8_t *buf;
    size_t n;
    td_error err;
    if (o->sent < OUT_KINDS) {
        o->kinds[o->sent] = (int)f->body_case;
        if (f->body_case == TIENDO__FRAME__BODY_PUSH_ACK && f->push_ack->n_acks)
            o->first_index[o->sent] = f->push_ack->acks[0]->index;
    }
    o->sent++;
    td_frame_free(o->last);
    TT_EQ_INT(td_frame_pack(f, TD_FRAME_MAX_CEILING, &buf, &n, &err), 0);
    o->last = td_frame_unpack(buf + 4, n - 4, &err);
    free(buf);
    return 0;
}
static void cap_end(void *arg) { ((out *)arg)->ended++; }

/* The session under test and what it sent. */
static tds_session S;
static out O;

/* S reads frame f as from the wire (packed without the frame limit: the
 * bounds tests send big pushes). */
static int feed(const Tiendo__Frame *f)
{
    size_t n = tiendo__frame__get_packed_size(f);
    uint8_t *buf = malloc(n ? n : 1);
    int rc;
    tiendo__frame__pack(f, buf);
    rc = tds_session_on_frame(&S, buf, n);
    free(buf);
    return rc;
}

typedef struct dev {
    td_subject subj;
    unsigned char pk[32], sk[64];
    uint8_t *der;
    size_t der_len;
    uint64_t seq;                /* the last sequence the test signed with */
} dev;

/* A device of `agency` with a certificate from (ca, cak) valid from
 * yesterday for 30 days; only its DER is kept. */
static void mkdev(dev *d, EVP_PKEY *cak, X509 *ca, const char *agency, const char *device, const char *role)
{
    EVP_PKEY *k = tc_keygen();
    X509 *x = tc_cert(k, ca, cak, device, agency, role, NULL, 0, -1, 30);
    unsigned char seed[32], *p;
    td_error e;
    memset(d, 0, sizeof *d);
    snprintf(d->subj.agency, sizeof d->subj.agency, "%s", agency);
    snprintf(d->subj.device, sizeof d->subj.device, "%s", device);
    d->subj.role = td_role_parse(role);
    TT_EQ_INT(td_key_ed25519_seed(k, seed, &e), 0);
    crypto_sign_seed_keypair(d->pk, d->sk, seed);
    d->der_len = (size_t)i2d_X509(x, NULL);
    d->der = malloc(d->der_len);
    p = d->der;
    i2d_X509(x, &p);
    X509_free(x);
    EVP_PKEY_free(k);
}

/* The server's files in dir: CA certificate, server key and certificate. */
static char ca_path[300], srv_key[300], srv_crt[300];

/* A new CA (returned in *ca, *cak) and a server certificate for 127.0.0.1,
 * written into dir as ca_path, srv_key and srv_crt. */
static void ts_pki(const char *dir, X509 **ca, EVP_PKEY **cak)
{
    EVP_PKEY *sk = tc_keygen();
    X509 *srv;
    *cak = tc_keygen();
    *ca = tc_cert(*cak, NULL, NULL, "Test CA", "test", NULL, NULL, 1, -1, 30);
    srv = tc_cert(sk, *ca, *cak, "tiendo-server", NULL, "server", "IP:127.0.0.1", 0, -1, 30);
    snprintf(ca_path, sizeof ca_path, "%s/ca.crt", dir);
    snprintf(srv_key, sizeof srv_key, "%s/server.key", dir);
    snprintf(srv_crt, sizeof srv_crt, "%s/server.crt", dir);
    tc_write_cert(ca_path, *ca);
    tc_write_cert(srv_crt, srv);
    tc_write_key(srv_key, sk);
    X509_free(srv);
    EVP_PKEY_free(sk);
}

/* Ledger options for a server whose database is in datadir, with the files
 * ts_pki wrote. */
static tds_ledger_opts ts_opts(const char *datadir)
{
    tds_ledger_opts o = {0};
    o.datadir = datadir;
    o.ca_path = ca_path;
    o.key_path = srv_key;
    o.cert_path = srv_crt;
    return o;
}

#endif
