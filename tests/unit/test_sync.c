/*
 * test_sync.c — the client's sync state machine (client/sync.h) driven
 * without sockets: a scripted in-memory server answers Push and Pull as the
 * protocol says (stores once per (author, seq), acks duplicates with their
 * index, refuses gaps, serves Entries in batches with next/more).  The
 * transport can lose a request or a reply at any call, which is what a cut
 * link does to the client; the next run must finish the job with every
 * entry on the server exactly once and the replica holding the whole log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "entry.h"
#include "frame.h"
#include "merkle.h"
#include "note.h"
#include "proto_ver.h"
#include "replica.h"
#include "sync.h"
#include "trep.h"
#include "tt.h"

#define FS_MAX 256
#define FS_QMAX 32

typedef struct fake_server {
    uint8_t *body[FS_MAX];      /* log, index i+1 */
    size_t len[FS_MAX];
    unsigned char author[FS_MAX][32];
    uint64_t seq[FS_MAX];
    size_t n;
    Tiendo__Frame *q[FS_QMAX];  /* answers not yet received, oldest first (pipelined pushes) */
    size_t qh, qn;
    int dead;                   /* the link was cut: nothing more is processed or answered */
    int calls;                  /* send calls so far */
    int cut_at;                 /* 0 = never; else the send call that fails */
    int lose_reply;             /* 1: the request is processed, the reply lost, the link dies */
    int max_inflight;           /* most answers waiting at once (pipelining seen) */
    uint32_t version;           /* Welcome.version (0: an old fake, like 2 for own entries) */
    uint64_t own_asked;         /* largest Pull.own_from_seq received */
    size_t omitted;             /* LogEntries sent without body */
    int wrong_reply;            /* answer Push with Entries */
    int sent_frames;
    /* Checkpoints (docs/LOG.md §9): the fake signs the tree over its log. */
    int no_checkpoint;          /* 1: Welcome without a tree head (old server) */
    size_t forge;               /* k > 0: leaf k-1 hashed from altered bytes (history rewritten) */
    int other_key;              /* 1: checkpoints signed by a key that is not the server's */
    const char *origin;         /* NULL = FS_ORIGIN */
    char *note[2];              /* signed notes handed out (Welcome, last Entries) */
    unsigned char proof[TD_MERKLE_PROOF_BYTES];
    ProtobufCBinaryData cons[TD_MERKLE_MAX_PROOF];
    Tiendo__TreeHead th;
    unsigned char root[32];
    int cosigns;                /* Cosign frames received and verified */
    const char *role;           /* Welcome.role; NULL = "office" */
    uint64_t drop_index;        /* > 0: left out of Entries (a MITM holding the server key) */
    uint64_t next_override;     /* > 0: Entries.next */
    size_t alter;               /* k > 0: entry k served with one byte flipped, the tree over the true bytes */
    int bad_batch;              /* protocol >= 6: 1 flips a byte of Entries.batch_proof, 2 drops its last hash */
} fake_server;

#define FS_ORIGIN "tiendo/test-server"
static unsigned char srv_pk[32], srv_sk[64], rogue_pk[32], rogue_sk[64];


static void fs_append(fake_server *s, const uint8_t *b, size_t len)
{
    td_entry en;
    if (s->n == FS_MAX || td_entry_decode(b, len, &en, NULL)) abort();
    s->body[s->n] = malloc(len);
    memcpy(s->body[s->n], b, len);
    s->len[s->n] = len;
    memcpy(s->author[s->n], en.e->author.data, 32);
    s->seq[s->n] = en.e->seq;
    s->n++;
    td_entry_free(&en);
}

/* Sign the checkpoint of the whole log into s->note[slot]; with
 * from_size > 0 also the consistency proof from that size into s->proof.
 * Returns the number of proof hashes. */
static size_t fs_sign_head(fake_server *s, int slot, uint64_t from_size, Tiendo__TreeHead *th)
{
    td_merkle_mem m;
    td_merkle_store st;
    td_note_signer signer;
    td_checkpoint cp;
    size_t np = 0, len;
    const char *origin = s->origin ? s->origin : FS_ORIGIN;
    td_merkle_mem_init(&m);
    st = td_merkle_mem_store(&m);
    for (size_t i = 0; i < s->n; i++) {
        unsigned char leaf[32];
        if (s->forge == i + 1) {
            uint8_t *b = malloc(s->len[i]);
            memcpy(b, s->body[i], s->len[i]);
            b[s->len[i] - 1] ^= 1;
            td_merkle_leaf_hash(b, s->len[i], leaf);
            free(b);
        } else {
            td_merkle_leaf_hash(s->body[i], s->len[i], leaf);
        }
        if (td_merkle_append(&st, i, leaf, NULL, NULL)) abort();
    }
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", origin);
    cp.size = s->n;
    if (td_merkle_root(&st, s->n, cp.root, NULL)) abort();
    memcpy(s->root, cp.root, 32);
    if (from_size && from_size <= s->n && td_merkle_consistency_proof(&st, from_size, s->n, s->proof, &np, NULL))
        abort();
    td_merkle_mem_free(&m);
    if (td_note_signer_init(&signer, origin, TD_NOTE_TYPE_ED25519, s->other_key ? rogue_sk : srv_sk, NULL)) abort();
    free(s->note[slot]);
    if (td_checkpoint_sign(&cp, &signer, &s->note[slot], &len, NULL)) abort();
    td_note_signer_wipe(&signer);
    tiendo__tree_head__init(th);
    th->size = cp.size;
    th->root.data = s->root;
    th->root.len = 32;
    th->checkpoint.data = (uint8_t *)s->note[slot];
    th->checkpoint.len = len;
    return np;
}

static void fs_free(fake_server *s)
{
    free(s->note[0]);
    free(s->note[1]);
    for (size_t i = 0; i < s->n; i++) free(s->body[i]);
    for (; s->qn; s->qn--, s->qh = (s->qh + 1) % FS_QMAX) td_frame_free(s->q[s->qh]);
    memset(s, 0, sizeof *s);
}

/* Copy a frame we build on the stack into an owned one (pack + unpack), so
 * that the client frees it with td_frame_free as it would a received one. */
static Tiendo__Frame *fs_own(const Tiendo__Frame *f)
{
    size_t n = tiendo__frame__get_packed_size(f);
    uint8_t *buf = malloc(n ? n : 1);
    Tiendo__Frame *out;
    tiendo__frame__pack(f, buf);
    out = td_frame_unpack(buf, n, NULL);
    free(buf);
    return out;
}

static Tiendo__Frame *fs_push(fake_server *s, const Tiendo__Push *p)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT, *out;
    Tiendo__PushAck pa = TIENDO__PUSH_ACK__INIT;
    Tiendo__Ack *acks = calloc(p->n_entries, sizeof *acks), **ap = calloc(p->n_entries, sizeof *ap);
    for (size_t i = 0; i < p->n_entries; i++) {
        size_t len = tiendo__signed_entry__get_packed_size(p->entries[i]);
        uint8_t *b = malloc(len);
        td_entry en;
        uint64_t last = 0, dup = 0;
        tiendo__signed_entry__pack(p->entries[i], b);
        tiendo__ack__init(&acks[i]);
        ap[i] = &acks[i];
        if (td_entry_decode(b, len, &en, NULL) || td_entry_verify(&en, NULL)) abort();
        for (size_t k = 0; k < s->n; k++) {
            if (memcmp(s->author[k], en.e->author.data, 32)) continue;
            if (s->seq[k] > last) last = s->seq[k];
            if (s->seq[k] == en.e->seq) dup = k + 1;
        }
        acks[i].seq = en.e->seq;
        if (dup) {
            acks[i].status = TIENDO__ACK_STATUS__ACK_DUPLICATE;
            acks[i].index = dup;
        } else if (en.e->seq == last + 1) {
            fs_append(s, b, len);
            acks[i].status = TIENDO__ACK_STATUS__ACK_STORED;
            acks[i].index = s->n;
        } else {
            acks[i].status = TIENDO__ACK_STATUS__ACK_REFUSED;
            acks[i].reason = "sequence gap";
        }
        td_entry_free(&en);
        free(b);
    }
    pa.n_acks = p->n_entries;
    pa.acks = ap;
    f.body_case = TIENDO__FRAME__BODY_PUSH_ACK;
    f.push_ack = &pa;
    out = fs_own(&f);
    free(acks);
    free(ap);
    return out;
}

static Tiendo__Frame *fs_pull(fake_server *s, const Tiendo__Pull *p)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT, *out;
    Tiendo__Entries es = TIENDO__ENTRIES__INIT;
    Tiendo__LogEntry les[FS_MAX], *lp[FS_MAX];
    Tiendo__SignedEntry *ses[FS_MAX];
    size_t k = 0;
    uint64_t i = p->since ? p->since : 1;
    if (p->own_from_seq > s->own_asked) s->own_asked = p->own_from_seq;
    for (; i <= s->n && k < p->limit; i++, k++) {
        if (i == s->drop_index) {
            k--;
            continue;
        }
        tiendo__log_entry__init(&les[k]);
        les[k].index = i;
        les[k].received_ms = (int64_t)(5000 + i);
        lp[k] = &les[k];
        ses[k] = NULL;
        /* like the server: only at version >= 3, only the puller's own */
        if (s->version >= TD_PROTO_OWN && p->own_from_seq && s->seq[i - 1] >= p->own_from_seq &&
            !memcmp(s->author[i - 1], me.pk, 32)) {
            les[k].own_seq = s->seq[i - 1];
            s->omitted++;
            continue;
        }
        ses[k] = tiendo__signed_entry__unpack(NULL, s->len[i - 1], s->body[i - 1]);
        if (s->alter == i && ses[k]->sig.len) ses[k]->sig.data[0] ^= 1;
        les[k].entry = ses[k];
    }
    /* protocol >= 4: each entry's audit path in the tree the head signs */
    static unsigned char proofs[FS_MAX][TD_MERKLE_PROOF_BYTES];
    static ProtobufCBinaryData ph[FS_MAX][TD_MERKLE_MAX_PROOF];
    static unsigned char bproof[FS_MAX * TD_MERKLE_MAX_PROOF * TD_MERKLE_HASH_LEN];
    if (s->version >= TD_PROTO_PROOF) {
        td_merkle_mem m;
        td_merkle_store st;
        td_merkle_mem_init(&m);
        st = td_merkle_mem_store(&m);
        for (size_t j = 0; j < s->n; j++) {
            unsigned char leaf[32];
            td_merkle_leaf_hash(s->body[j], s->len[j], leaf);
            if (td_merkle_append(&st, j, leaf, NULL, NULL)) abort();
        }
        if (s->version >= TD_PROTO_BATCH && k) {   /* one proof of the batch */
            uint64_t ix[FS_MAX];
            size_t np = 0;
            for (size_t j = 0; j < k; j++) ix[j] = les[j].index - 1;
            if (td_merkle_batch_proof(&st, ix, k, s->n, bproof, sizeof bproof / TD_MERKLE_HASH_LEN, &np, NULL))
                abort();
            if (s->bad_batch == 1 && np) bproof[np * TD_MERKLE_HASH_LEN / 2] ^= 0x10;
            if (s->bad_batch == 2 && np) np--;
            es.batch_proof.data = bproof;
            es.batch_proof.len = np * TD_MERKLE_HASH_LEN;
        }
        for (size_t j = 0; j < k && s->version < TD_PROTO_BATCH; j++) {
            size_t np = 0;
            if (td_merkle_inclusion_proof(&st, les[j].index - 1, s->n, proofs[j], &np, NULL)) abort();
            for (size_t h = 0; h < np; h++) {
                ph[j][h].data = proofs[j] + 32 * h;
                ph[j][h].len = 32;
            }
            les[j].inclusion = ph[j];
            les[j].n_inclusion = np;
        }
        td_merkle_mem_free(&m);
    }
    es.n_batch = k;
    es.batch = lp;
    es.next = s->next_override ? s->next_override : i;
    es.more = i <= s->n;
    if (!s->no_checkpoint) {
        Tiendo__TreeHead th;
        fs_sign_head(s, 1, 0, &th);
        es.tree_head = &th;
        f.body_case = TIENDO__FRAME__BODY_ENTRIES;
        f.entries = &es;
        out = fs_own(&f);
        for (size_t j = 0; j < k; j++)
            if (ses[j]) tiendo__signed_entry__free_unpacked(ses[j], NULL);
        return out;
    }
    f.body_case = TIENDO__FRAME__BODY_ENTRIES;
    f.entries = &es;
    out = fs_own(&f);
    for (size_t j = 0; j < k; j++)
        if (ses[j]) tiendo__signed_entry__free_unpacked(ses[j], NULL);
    return out;
}

/* The witness side of the server: the line must verify with the device's
 * key under its witness name, over the checkpoint the server signed. */
static Tiendo__Frame *fs_cosign(fake_server *s, const Tiendo__Cosign *c)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__CosignAck ack = TIENDO__COSIGN_ACK__INIT;
    td_note_verifier v, lk;
    td_note_sig sig;
    td_checkpoint cp;
    td_note n;
    size_t ll = strlen(c->cosignature);
    char line[TD_COSIG_LINE_MAX + 2];
    if (td_note_verifier_init(&v, "tiendo-witness/pc-01", TD_NOTE_TYPE_COSIG_V1, me.pk, NULL)) abort();
    if (td_note_verifier_init(&lk, FS_ORIGIN, TD_NOTE_TYPE_ED25519, srv_pk, NULL)) abort();
    memset(&cp, 0, sizeof cp);
    memset(&n, 0, sizeof n);
    snprintf(line, sizeof line, "%s%s", c->cosignature, ll && c->cosignature[ll - 1] == '\n' ? "" : "\n");
    ack.stored = td_checkpoint_open((const char *)c->checkpoint.data, c->checkpoint.len, &lk, FS_ORIGIN, &cp, &n,
                                    NULL) == 0 &&
                 td_note_sig_parse(line, strlen(line), &sig, NULL) == 0;
    if (ack.stored) {
        ack.stored = td_cosig_verify(&v, n.text, n.text_len, &sig, NULL, NULL) == 0;
        td_note_sig_free(&sig);
    }
    if (ack.stored) {
        s->cosigns++;
        ack.witnessed_size = cp.size;
    } else {
        ack.reason = "bad cosignature";
    }
    td_checkpoint_free(&cp);
    td_note_free(&n);
    f.body_case = TIENDO__FRAME__BODY_COSIGN_ACK;
    f.cosign_ack = &ack;
    return fs_own(&f);
}

static int fs_send(void *arg, const Tiendo__Frame *f, td_error *err)
{
    fake_server *s = arg;
    Tiendo__Frame *reply;
    s->calls++;
    s->sent_frames++;
    if (s->dead) return TD_OK;   /* written into a dead link: never processed */
    if (s->cut_at == s->calls && !s->lose_reply) {
        s->dead = 1;
        return td_error_set(err, TD_ECLOSED, "cut before request");
    }
    if (f->body_case == TIENDO__FRAME__BODY_PUSH)
        reply = s->wrong_reply ? fs_pull(s, &(Tiendo__Pull){PROTOBUF_C_MESSAGE_INIT(&tiendo__pull__descriptor), 1, 10, 0, 0, NULL})
                               : fs_push(s, f->push);
    else if (f->body_case == TIENDO__FRAME__BODY_PULL)
        reply = fs_pull(s, f->pull);
    else if (f->body_case == TIENDO__FRAME__BODY_COSIGN)
        reply = fs_cosign(s, f->cosign);
    else
        abort();
    if (s->cut_at == s->calls) {
        /* processed, then the link died before the answer left */
        td_frame_free(reply);
        s->dead = 1;
        return TD_OK;
    }
    if (s->qn == FS_QMAX) abort();
    s->q[(s->qh + s->qn) % FS_QMAX] = reply;
    s->qn++;
    if ((int)s->qn > s->max_inflight) s->max_inflight = (int)s->qn;
    return TD_OK;
}

static int fs_recv(void *arg, Tiendo__Frame **out, td_error *err)
{
    fake_server *s = arg;
    *out = NULL;
    if (!s->qn) return td_error_set(err, TD_ECLOSED, s->dead ? "cut before reply" : "no reply");
    *out = s->q[s->qh];
    s->qh = (s->qh + 1) % FS_QMAX;
    s->qn--;
    return TD_OK;
}

/* The Welcome the server would send for this cursor. */
static void fs_welcome(fake_server *s, tdc_replica *r, const char *agency, Tiendo__Welcome *w)
{
    uint64_t cursor = tdc_replica_cursor(r);
    tdc_checkpoint_row row;
    Tiendo__TreeHead hello;
    int have;
    tiendo__welcome__init(w);
    w->agency = (char *)agency;
    w->role = (char *)(s->role ? s->role : "office");
    w->log_size = s->n;
    w->version = s->version;
    w->has_new = cursor <= s->n;
    if (s->no_checkpoint) return;
    /* What the client's Hello.tree_head would say. */
    have = tdc_sync_hello_head(r, &row, &hello, NULL);
    if (have < 0) abort();
    {
        size_t np = fs_sign_head(s, 0, have ? row.size : 0, &s->th);
        for (size_t i = 0; i < np; i++) {
            s->cons[i].data = s->proof + 32 * i;
            s->cons[i].len = 32;
        }
        w->tree_head = &s->th;
        w->n_consistency = np;
        w->consistency = s->cons;
    }
    if (have) tdc_checkpoint_row_free(&row);
}

/* Entries by another office, already on the server. */
static void fs_seed_other(fake_server *s, size_t n)
{
    unsigned char pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    for (size_t i = 0; i < n; i++) {
        td_entry_fields f = {TIENDO__ENTRY_KIND__ENTRY_REPORT, i + 1, ((uint64_t)1748736000000 + i) << 16,
                             1748736000000, "ubnd-gia-loc", (const uint8_t *)"\x08\x01", 2};
        uint8_t *b;
        size_t len;
        if (td_entry_sign_raw(pk, sk, &f, &b, &len, NULL)) abort();
        fs_append(s, b, len);
        free(b);
    }
}

static void queue(tdc_replica *r, int n)
{
    td_error e;
    for (int i = 0; i < n; i++)
        if (tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_REPORT, (const uint8_t *)"\x08\x22", 2, NULL,
                                   1748736000000 + i, 0, NULL, &e))
            abort();
}

static int run_once(tdc_replica *r, fake_server *s, const tdc_sync_opts *o, tdc_sync_stats *st, td_error *e)
{
    Tiendo__Welcome w;
    tdc_sync_io io = {s, fs_send, fs_recv};
    /* a new session: a new link, no answers left from the last one */
    for (; s->qn; s->qn--, s->qh = (s->qh + 1) % FS_QMAX) td_frame_free(s->q[s->qh]);
    s->dead = 0;
    fs_welcome(s, r, "ubnd-chi-linh", &w);
    return tdc_sync_run(r, &w, &io, o, st, e);
}

static void test_nothing_new(void)
{
    fake_server s;
    tdc_replica *r;
    tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 0, 0, 0, srv_pk, NULL, 0, 0, 0, NULL, 0};
    tdc_sync_stats st;
    td_error e;
    memset(&s, 0, sizeof s);
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    /* Empty server, empty outbox: the Welcome is the whole sync. */
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(s.sent_frames, 0);
    TT_EQ_INT(st.round_trips, 0);
    /* After pulling everything, again nothing is sent. */
    fs_seed_other(&s, 3);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(st.pulled, 3);
    TT_EQ_INT(st.round_trips, 1);
    s.sent_frames = 0;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(s.sent_frames, 0);
    TT_EQ_INT(st.round_trips, 0);
    /* Wrong agency: refused before anything is sent. */
    {
        Tiendo__Welcome w;
        tdc_sync_io io = {&s, fs_send, fs_recv};
        queue(r, 1);
        fs_welcome(&s, r, "ubnd-gia-loc", &w);
        TT_EQ_INT(tdc_sync_run(r, &w, &io, &o, &st, &e), TD_EAUTH);
        TT_CHECK(strstr(e.msg, "ubnd-gia-loc") != NULL);
        TT_EQ_INT(s.sent_frames, 0);
    }
    /* An answer of the wrong type is a protocol error, nothing recorded. */
    s.wrong_reply = 1;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_EPROTO);
    TT_CHECK(strstr(e.msg, "push_ack") != NULL);
    {
        tdc_replica_meta m;
        TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
        TT_EQ_INT(m.n_pending, 1);
    }
    tdc_replica_close(r);
    fs_free(&s);
}

static void test_batches(void)
{
    fake_server s;
    tdc_replica *r;
    tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 2, srv_pk, NULL, 0, 0, 0, NULL, 0};
    tdc_sync_stats st;
    tdc_replica_meta m;
    tdc_outbox_item *v;
    size_t n;
    td_error e;
    memset(&s, 0, sizeof s);
    fresh_db();
    fs_seed_other(&s, 3);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    queue(r, 5);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(st.stored, 5);
    TT_EQ_INT(st.pushed, 5);
    TT_EQ_INT(st.pulled, 8);
    /* 3 pushes of at most 2, then 4 pulls of at most 2 (8 entries, the
     * last pull says more = false). */
    TT_EQ_INT(st.round_trips, 3 + 4);
    TT_EQ_INT(tdc_replica_cursor(r), 9);
    TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
    TT_EQ_INT(m.n_pending, 0);
    TT_EQ_INT(m.n_stored, 5);
    TT_EQ_INT(m.n_pulled, 8);
    TT_EQ_INT(tdc_replica_outbox_list(r, -1, 0, &v, &n, &e), 0);
    for (size_t i = 0; i < n; i++) TT_EQ_INT(v[i].index, 4 + i);   /* after the 3 seeded */
    tdc_outbox_items_free(v, n);
    tdc_replica_close(r);
    fs_free(&s);
}

/* Lose a request or a reply at every call of a sync; the next run must
 * complete it. */
static void test_cut_sweep(void)
{
    int total_calls;
    /* Count the calls of an uncut run first. */
    {
        fake_server s;
        tdc_replica *r;
        tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 2, srv_pk, NULL, 0, 0, 0, NULL, 0};
        td_error e;
        memset(&s, 0, sizeof s);
        fresh_db();
        fs_seed_other(&s, 3);
        TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
        queue(r, 5);
        TT_EQ_INT(run_once(r, &s, &o, NULL, &e), 0);
        total_calls = s.calls;
        tdc_replica_close(r);
        fs_free(&s);
    }
    TT_EQ_INT(total_calls, 7);
    for (int mode = 0; mode < 2; mode++) {
        for (int cut = 1; cut <= total_calls; cut++) {
            fake_server s;
            tdc_replica *r;
            tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 2, srv_pk, NULL, 0, 0, 0, NULL, 0};
            tdc_replica_meta m;
            tdc_outbox_item *v;
            size_t n, mine = 0;
            td_error e;
            memset(&s, 0, sizeof s);
            fresh_db();
            fs_seed_other(&s, 3);
            TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
            queue(r, 5);
            s.cut_at = cut;
            s.lose_reply = mode;
            TT_EQ_INT(run_once(r, &s, &o, NULL, &e), TD_ECLOSED);
            /* The device is killed and restarted: reopen, sync again. */
            tdc_replica_close(r);
            TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
            s.cut_at = 0;
            TT_EQ_INT(run_once(r, &s, &o, NULL, &e), 0);
            /* Each of our 5 entries is on the server once, in seq order. */
            for (size_t k = 0; k < s.n; k++)
                if (!memcmp(s.author[k], me.pk, 32)) TT_EQ_INT(s.seq[k], ++mine);
            TT_EQ_INT(mine, 5);
            TT_EQ_INT(s.n, 8);
            TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
            TT_EQ_INT(m.n_pending, 0);
            TT_EQ_INT(m.n_refused, 0);
            TT_EQ_INT(m.n_pulled, 8);
            TT_EQ_INT(m.cursor, 9);
            TT_EQ_INT(tdc_replica_outbox_list(r, -1, 0, &v, &n, &e), 0);
            for (size_t k = 0; k < n; k++) TT_EQ_INT(s.seq[v[k].index - 1], v[k].seq);
            tdc_outbox_items_free(v, n);
            tdc_replica_close(r);
            fs_free(&s);
        }
    }
}

/* Pipelined push (docs/PROTOCOL.md §5): several Push frames go out before the first
 * PushAck is read, the acks are recorded in order; a window of 1 is
 * stop-and-wait. */
static void test_pipelined(void)
{
    for (size_t window = 1; window <= 3; window++) {
        fake_server s;
        tdc_replica *r;
        tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 2, srv_pk, NULL, 0, window, 0, NULL, 0};
        tdc_sync_stats st;
        tdc_outbox_item *v;
        size_t n;
        td_error e;
        memset(&s, 0, sizeof s);
        fresh_db();
        TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
        queue(r, 7);   /* 4 batches of at most 2 */
        TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
        TT_EQ_INT(st.stored, 7);
        TT_EQ_INT(s.max_inflight, (int)window);
        TT_EQ_INT(tdc_replica_outbox_list(r, -1, 0, &v, &n, &e), 0);
        TT_EQ_INT(n, 7);
        for (size_t i = 0; i < n; i++) {
            TT_EQ_INT(v[i].status, TDC_OUT_STORED);
            TT_EQ_INT(v[i].index, i + 1);
        }
        tdc_outbox_items_free(v, n);
        tdc_replica_close(r);
        fs_free(&s);
    }
}

/* The pulled slice holds exactly the server's bytes at each index. */
static void check_pulled_as_server(tdc_replica *r, const fake_server *s)
{
    for (size_t i = 0; i < s->n; i++) {
        uint8_t *b = NULL;
        size_t len = 0;
        int found = 0;
        TT_EQ_INT(tdc_replica_pulled_get(r, i + 1, &b, &len, &found, NULL), 0);
        TT_EQ_INT(found, 1);
        TT_EQ_INT(len, s->len[i]);
        TT_CHECK(found && len == s->len[i] && !memcmp(b, s->body[i], len));
        free(b);
    }
}

/* A fresh replica with 5 entries of ours in the outbox, and a server
 * speaking protocol `version` that holds 3 entries of another office. */
static tdc_replica *own_setup(fake_server *s, uint32_t version)
{
    tdc_replica *r = NULL;
    td_error e;
    memset(s, 0, sizeof *s);
    s->version = version;
    fresh_db();
    fs_seed_other(s, 3);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    queue(r, 5);
    return r;
}

/* Own entries without bodies (protocol 3, docs/PROTOCOL.md §9): rebuilt from the
 * outbox, byte for byte the server's; a version-2 server gets no
 * own_from_seq; an outbox that lost a row or disagrees on an index makes
 * the client pull the range again with bodies. */
static void test_own_entries(void)
{
    /* version 3: our 5 entries come back without body, rebuilt */
    {
        fake_server s;
        tdc_replica *r;
        tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 3, srv_pk, NULL, 0, 0, 0, NULL, 0};
        tdc_sync_stats st;
        td_error e;
        r = own_setup(&s, TD_PROTO_OWN);
        TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
        TT_EQ_INT(st.pulled, 8);
        TT_EQ_INT(st.own_rebuilt, 5);
        TT_EQ_INT(st.own_fallbacks, 0);
        TT_EQ_INT(s.omitted, 5);
        TT_EQ_INT(s.own_asked, 4);   /* the last Pull (since 7): our seq 4 is at index 7 */
        check_pulled_as_server(r, &s);
        tdc_replica_close(r);
        fs_free(&s);
    }
    /* version 2, or the option off: every body on the wire */
    for (int mode = 0; mode < 2; mode++) {
        fake_server s;
        tdc_replica *r;
        tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 3, srv_pk, NULL, 0, 0, mode, NULL, 0};
        tdc_sync_stats st;
        td_error e;
        r = own_setup(&s, mode ? TD_PROTO_OWN : TD_PROTO_OWN - 1);
        TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
        TT_EQ_INT(st.pulled, 8);
        TT_EQ_INT(st.own_rebuilt, 0);
        TT_EQ_INT(s.own_asked, 0);
        TT_EQ_INT(s.omitted, 0);
        check_pulled_as_server(r, &s);
        tdc_replica_close(r);
        fs_free(&s);
    }
    /* the outbox lost a row / has another index: pulled again with bodies */
    for (int mode = 0; mode < 2; mode++) {
        fake_server s;
        tdc_replica *r;
        tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 100, srv_pk, NULL, 0, 0, 0, NULL, 0};
        tdc_sync_stats st;
        tdc_replica_meta m;
        sqlite3 *db;
        td_error e;
        r = own_setup(&s, TD_PROTO_OWN);
        /* pushed and acked (3 pushes), cut before the first Pull */
        s.cut_at = 4;
        TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ECLOSED);
        TT_EQ_INT(st.stored, 5);
        tdc_replica_close(r);
        TT_EQ_INT(sqlite3_open(dbpath, &db), SQLITE_OK);
        TT_EQ_INT(sqlite3_exec(db, mode ? "UPDATE outbox SET idx = idx + 1 WHERE seq = 4"
                                        : "DELETE FROM outbox WHERE seq = 3",
                               NULL, NULL, NULL),
                  SQLITE_OK);
        sqlite3_close(db);
        TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
        s.cut_at = 0;
        TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
        TT_EQ_INT(st.own_fallbacks, 1);
        TT_EQ_INT(st.own_rebuilt, 0);   /* the one batch was pulled again whole */
        TT_EQ_INT(st.pulled, 8);
        TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
        TT_EQ_INT(m.cursor, 9);
        check_pulled_as_server(r, &s);
        tdc_replica_close(r);
        fs_free(&s);
    }
}

/* Checkpoints: verified and stored; extended consistently; a rewritten
 * history, a rollback, a foreign key, a changed origin or a missing
 * checkpoint each stop the sync before any frame is sent, with an alarm
 * that keeps both notes and the proof. */
static void test_checkpoints(void)
{
    fake_server s;
    tdc_replica *r;
    tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 2, srv_pk, NULL, 0, 0, 0, NULL, 0};
    tdc_sync_stats st;
    tdc_replica_meta m;
    tdc_checkpoint_row row;
    tdc_alarm *v;
    size_t n;
    uint64_t cnt;
    int found;
    td_error e;

    memset(&s, 0, sizeof s);
    fresh_db();
    fs_seed_other(&s, 3);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(st.verified_size, 3);
    TT_EQ_INT(st.alarm_id, 0);
    TT_EQ_INT(tdc_replica_checkpoint_get(r, 0, &row, &found, &e), 0);
    TT_EQ_INT(found, 1);
    TT_EQ_INT(row.size, 3);
    TT_CHECK(strstr(row.note, FS_ORIGIN "\n3\n") == row.note);
    tdc_checkpoint_row_free(&row);
    /* More entries: the proof from size 3 to size 6 verifies. */
    fs_seed_other(&s, 3);
    queue(r, 2);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(st.verified_size, 6);
    TT_EQ_INT(tdc_replica_checkpoint_count(r, &cnt, &e), 0);
    TT_EQ_INT(cnt, 2);
    TT_EQ_INT(tdc_replica_cursor(r), 9);

    /* The server rewrites entry 2 and grows: the proof from 6 cannot hold. */
    fs_seed_other(&s, 1);
    queue(r, 1);
    s.forge = 2;
    s.sent_frames = 0;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(st.alarm_id > 0);
    TT_CHECK(strstr(e.msg, "inconsistent") != NULL);
    TT_EQ_INT(s.sent_frames, 0);                   /* nothing pushed, nothing pulled */
    TT_EQ_INT(tdc_replica_cursor(r), 9);
    TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
    TT_EQ_INT(m.n_pending, 1);
    TT_EQ_INT(tdc_replica_checkpoint_count(r, &cnt, &e), 0);
    TT_EQ_INT(cnt, 2);                             /* the bad checkpoint is not stored */
    TT_EQ_INT(tdc_replica_alarm_list(r, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 1);
    if (n == 1) {
        TT_EQ_STR(v[0].kind, TDC_ALARM_INCONSISTENT);
        TT_EQ_INT(v[0].old_size, 6);
        TT_EQ_INT(v[0].new_size, 9);          /* 3 + 3 + our 2 + 1 */
        TT_CHECK(v[0].old_note && strstr(v[0].old_note, "\n6\n") != NULL);
        TT_CHECK(v[0].new_note && strstr(v[0].new_note, "\n9\n") != NULL);
        TT_CHECK(v[0].proof_len > 0 && v[0].proof_len % 32 == 0);
        TT_EQ_INT(v[0].id, st.alarm_id);
    }
    tdc_alarms_free(v, n);
    /* A second attempt against the same server raises a second alarm. */
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_EQ_INT(tdc_replica_alarm_list(r, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 2);
    tdc_alarms_free(v, n);

    /* A checkpoint by another key. */
    s.forge = 0;
    s.other_key = 1;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, TDC_ALARM_SIGNATURE) != NULL);
    /* Another origin. */
    s.other_key = 0;
    s.origin = "tiendo/elsewhere";
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, TDC_ALARM_ORIGIN) != NULL);
    s.origin = NULL;
    /* No checkpoint from a server that gave one before. */
    s.no_checkpoint = 1;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, TDC_ALARM_MISSING) != NULL);
    s.no_checkpoint = 0;
    TT_EQ_INT(s.sent_frames, 0);
    /* The honest server again: consistent, the sync goes through. */
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(st.verified_size, 9);
    TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
    TT_EQ_INT(m.n_pending, 0);
    TT_EQ_INT(tdc_replica_alarm_list(r, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 5);
    tdc_alarms_free(v, n);
    tdc_replica_close(r);
    fs_free(&s);

    /* Rollback: a replica that verified size 9 meets a log of size 2. */
    {
        fake_server small;
        memset(&small, 0, sizeof small);
        fs_seed_other(&small, 2);
        TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
        TT_EQ_INT(run_once(r, &small, &o, &st, &e), TD_ESIG);
        TT_CHECK(strstr(e.msg, TDC_ALARM_ROLLBACK) != NULL);
        tdc_replica_close(r);
        fs_free(&small);
    }
}

/* Pulled entries must extend the verified tree: a central replica (the
 * whole log) alarms on a dropped entry, an altered one, a cursor beyond
 * the signed head; an office replica on an index or cursor beyond it. */
static void test_pulled_proven(void)
{
    fake_server s;
    tdc_replica *r;
    tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 3, 0, 3, srv_pk, NULL, 0, 0, 0, NULL, 0};
    tdc_sync_stats st;
    tdc_alarm *v;
    size_t n;
    td_error e;

    memset(&s, 0, sizeof s);
    fresh_db();
    fs_seed_other(&s, 8);
    s.role = "central";
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    /* index 4 dropped from Entries: the sync stops with an alarm */
    s.drop_index = 4;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, TDC_ALARM_ENTRIES) != NULL && strstr(e.msg, "gap") != NULL);
    TT_CHECK(st.alarm_id > 0);
    TT_CHECK(tdc_replica_cursor(r) <= 4);
    /* a hostile cursor: nothing is skipped */
    s.drop_index = 0;
    s.next_override = UINT64_MAX;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, "beyond the signed tree") != NULL);
    TT_CHECK(tdc_replica_cursor(r) <= 4);
    s.next_override = 0;
    /* an entry served altered (the signed tree has the true bytes): the
     * leaves do not hash to the checkpoint's root */
    s.alter = 6;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, "do not hash to the root") != NULL);
    TT_EQ_INT(tdc_replica_alarm_list(r, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 3);
    if (n == 3) TT_EQ_STR(v[2].kind, TDC_ALARM_ENTRIES);
    tdc_alarms_free(v, n);
    tdc_replica_close(r);

    /* an honest server: a fresh central replica syncs, the leaves check */
    s.alter = 0;
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(st.alarm_id, 0);
    TT_EQ_INT(tdc_replica_cursor(r), 9);
    tdc_replica_close(r);

    /* protocol 4: an office replica proves each entry it pulls against the
     * signed head, so an altered entry is caught even in a filtered pull */
    s.role = NULL;
    s.version = TD_PROTO_PROOF;
    s.alter = 6;
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, "log index 6 is not proven") != NULL);
    TT_CHECK(tdc_replica_cursor(r) <= 6);
    s.alter = 0;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(tdc_replica_cursor(r), 9);
    tdc_replica_close(r);

    /* protocol 6: one batch proof per Entries; an altered entry, a flipped
     * proof hash, a short proof each stop the sync with the alarm, and an
     * office's filtered batch (a gap) proves as well as a whole one */
    s.version = TD_PROTO_BATCH;
    for (int k = 0; k < 3; k++) {
        s.alter = k == 0 ? 6 : 0;
        s.bad_batch = k;
        fresh_db();
        TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
        TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
        TT_CHECK(strstr(e.msg, "are not proven") != NULL);
        TT_CHECK(tdc_replica_cursor(r) <= (k == 0 ? 6 : 1));
        TT_EQ_INT(tdc_replica_alarm_list(r, 0, &v, &n, &e), 0);
        TT_EQ_INT(n, 1);
        if (n == 1) TT_EQ_STR(v[0].kind, TDC_ALARM_ENTRIES);
        tdc_alarms_free(v, n);
        tdc_replica_close(r);
    }
    s.alter = 0;
    s.bad_batch = 0;
    s.drop_index = 4;
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(st.alarm_id, 0);
    TT_EQ_INT(tdc_replica_cursor(r), 9);
    tdc_replica_close(r);
    s.drop_index = 0;
    s.version = 0;

    /* an office replica (filtered pulls): a dropped entry cannot be told
     * from one it may not see, but the cursor cannot leave the signed tree */
    s.role = NULL;
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    s.next_override = UINT64_MAX;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), TD_ESIG);
    TT_CHECK(strstr(e.msg, "beyond the signed tree") != NULL);
    TT_EQ_INT(tdc_replica_cursor(r), 1);
    s.next_override = 0;
    s.drop_index = 4;
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(tdc_replica_cursor(r), 9);
    tdc_replica_close(r);
    fs_free(&s);
}

/* Witness: an inspector cosigns a verified checkpoint once per new size. */
static void test_witness(void)
{
    fake_server s;
    tdc_replica *r;
    tdc_sync_opts o = {"ubnd-chi-linh", NULL, NULL, 2, 0, 2, srv_pk, &me, 0, 0, 0, NULL, 0};
    tdc_sync_stats st;
    Tiendo__Welcome w;
    tdc_sync_io io = {&s, fs_send, fs_recv};
    uint64_t cs;
    td_error e;

    memset(&s, 0, sizeof s);
    fresh_db();
    fs_seed_other(&s, 4);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    fs_welcome(&s, r, "ubnd-chi-linh", &w);
    w.role = "inspector";
    TT_EQ_INT(tdc_sync_run(r, &w, &io, &o, &st, &e), 0);
    TT_EQ_INT(s.cosigns, 1);
    TT_EQ_INT(st.cosigned_size, 4);
    TT_EQ_INT(tdc_replica_cosigned_get(r, &cs, &e), 0);
    TT_EQ_INT(cs, 4);
    /* Same size: nothing to cosign, no frame. */
    s.sent_frames = 0;
    fs_welcome(&s, r, "ubnd-chi-linh", &w);
    w.role = "inspector";
    TT_EQ_INT(tdc_sync_run(r, &w, &io, &o, &st, &e), 0);
    TT_EQ_INT(s.sent_frames, 0);
    TT_EQ_INT(st.cosigned_size, 0);
    /* An office never cosigns. */
    fs_seed_other(&s, 2);
    TT_EQ_INT(run_once(r, &s, &o, &st, &e), 0);
    TT_EQ_INT(s.cosigns, 1);
    /* Inspector again, larger: cosigned. */
    fs_seed_other(&s, 1);
    fs_welcome(&s, r, "ubnd-chi-linh", &w);
    w.role = "inspector";
    TT_EQ_INT(tdc_sync_run(r, &w, &io, &o, &st, &e), 0);
    TT_EQ_INT(s.cosigns, 2);
    TT_EQ_INT(st.cosigned_size, 7);
    /* An inconsistent checkpoint is never cosigned. */
    fs_seed_other(&s, 1);
    s.forge = 1;
    fs_welcome(&s, r, "ubnd-chi-linh", &w);
    w.role = "inspector";
    TT_EQ_INT(tdc_sync_run(r, &w, &io, &o, &st, &e), TD_ESIG);
    TT_EQ_INT(s.cosigns, 2);
    TT_EQ_INT(tdc_replica_cosigned_get(r, &cs, &e), 0);
    TT_EQ_INT(cs, 7);
    tdc_replica_close(r);
    fs_free(&s);
}

static uint64_t draw_max(uint64_t bound) { return bound; }
static uint64_t draw_zero(uint64_t bound) { return 0; }

static void test_backoff(void)
{
    TT_EQ_INT(tdc_sync_backoff_ms(0, 1000, 300000, draw_max), 1000);
    TT_EQ_INT(tdc_sync_backoff_ms(1, 1000, 300000, draw_max), 2000);
    TT_EQ_INT(tdc_sync_backoff_ms(5, 1000, 300000, draw_max), 32000);
    TT_EQ_INT(tdc_sync_backoff_ms(8, 1000, 300000, draw_max), 256000);
    TT_EQ_INT(tdc_sync_backoff_ms(9, 1000, 300000, draw_max), 300000);
    TT_EQ_INT(tdc_sync_backoff_ms(4000, 1000, 300000, draw_max), 300000);   /* no overflow */
    TT_EQ_INT(tdc_sync_backoff_ms(3, 1000, 300000, draw_zero), 0);
    {
        int below_half = 0;
        for (int i = 0; i < 200; i++) {
            uint64_t v = tdc_sync_backoff_ms(3, 1000, 300000, NULL);
            TT_CHECK(v <= 8000);
            if (v < 4000) below_half++;
        }
        /* Full jitter: the draws spread over the range, not near the cap. */
        TT_CHECK(below_half > 40 && below_half < 160);
    }
}

int main(void)
{
    if (tr_setup("/tmp/tdsync-XXXXXX")) return 1;
    crypto_sign_keypair(srv_pk, srv_sk);
    crypto_sign_keypair(rogue_pk, rogue_sk);
    TT_RUN(test_nothing_new);
    TT_RUN(test_batches);
    TT_RUN(test_cut_sweep);
    TT_RUN(test_pipelined);
    TT_RUN(test_own_entries);
    TT_RUN(test_checkpoints);
    TT_RUN(test_witness);
    TT_RUN(test_pulled_proven);
    TT_RUN(test_backoff);
    tr_teardown();
    return tt_report();
}
