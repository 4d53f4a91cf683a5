/* sync.c — see sync.h. */
#include "clock.h"
#include "sync.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/time.h>

#include "attach.h"
#include "clock.h"
#include "blob.h"
#include "entry.h"
#include "frame.h"
#include "log.h"
#include "merkle.h"
#include "note.h"
#include "proto_ver.h"
#include "sync_limits.h"
#include "msg.h"

static int64_t tdc__now(const tdc_sync_opts *o)
{
    if (o && o->now_ms) return o->now_ms;
    return td_clock_now_ms();
}

/* ---- checkpoint verification (docs/PROTOCOL.md §5; docs/LOG.md §9) ---- */

/* A NUL-terminated copy of a note from the wire; NULL if too large. */
static char *tdc__note_dup(const ProtobufCBinaryData *b)
{
    char *s;
    if (b->len > TD_NOTE_MAX) return NULL;
    s = malloc(b->len + 1);
    if (!s) return NULL;
    if (b->len) memcpy(s, b->data, b->len);
    s[b->len] = 0;
    return s;
}

/* The origin line of a signed note, unverified (for choosing the key name
 * and for comparing with the verified origin). */
static int tdc__note_origin(const char *note, size_t len, char origin[TD_CHECKPOINT_ORIGIN_MAX + 1],
                            uint64_t *size, td_error *err)
{
    td_note n;
    td_checkpoint c;
    int rc;
    memset(&n, 0, sizeof n);
    memset(&c, 0, sizeof c);
    if ((rc = td_note_parse(note, len, &n, err))) return rc;
    rc = td_checkpoint_parse(n.text, n.text_len, &c, err);
    if (rc == TD_OK) {
        memcpy(origin, c.origin, sizeof c.origin);
        if (size) *size = c.size;
    }
    td_checkpoint_free(&c);
    td_note_free(&n);
    return rc;
}

typedef struct tdc__alarm_ctx {
    tdc_replica *r;
    const char *old_note;
    uint64_t old_size;
    const char *new_note;
    uint64_t new_size;
    const unsigned char *proof;
    size_t proof_len;
    int64_t now_ms;
    int64_t *alarm_id;
} tdc__alarm_ctx;

/* Store the alarm and fill err; returns TD_ESIG (or the database failure). */
static int tdc__raise(const tdc__alarm_ctx *a, const char *kind, td_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int tdc__raise(const tdc__alarm_ctx *a, const char *kind, td_error *err, const char *fmt, ...)
{
    char detail[TD_ERRMSG_MAX];
    tdc_alarm al;
    td_error dberr;
    int64_t id = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    memset(&al, 0, sizeof al);
    al.at_ms = a->now_ms;
    al.kind = (char *)kind;
    al.old_note = (char *)a->old_note;
    al.new_note = (char *)a->new_note;
    al.proof = (unsigned char *)a->proof;
    al.proof_len = a->proof_len;
    al.detail = detail;
    al.old_size = a->old_size;
    al.new_size = a->new_size;
    if (tdc_replica_alarm_add(a->r, &al, &id, &dberr)) {
        td_log_error("cannot store the alarm (%s): %s", detail, dberr.msg);
        if (err) *err = dberr;
        return dberr.code;
    }
    if (a->alarm_id) *a->alarm_id = id;
    td_log_error("ALARM %lld (%s): %s", (long long)id, kind, detail);
    return td_error_set(err, TD_ESIG, "checkpoint refused (alarm %lld, %s): %s", (long long)id, kind, detail);
}

/* The log's first entry is the server certificate, authored by the server
 * key: once the replica holds it, the checkpoint key must be that author. */
static int tdc__check_log_key(tdc_replica *r, const unsigned char *pk, int *mismatch, td_error *err)
{
    uint8_t *body;
    size_t len;
    int found, rc;
    td_entry en;
    *mismatch = 0;
    if ((rc = tdc_replica_pulled_get(r, 1, &body, &len, &found, err)) || !found) return rc;
    if (td_entry_decode(body, len, &en, NULL) == TD_OK) {
        if (en.e->kind == TIENDO__ENTRY_KIND__ENTRY_CERT && en.e->author.len == 32 &&
            memcmp(en.e->author.data, pk, 32))
            *mismatch = 1;
        td_entry_free(&en);
    }
    free(body);
    return TD_OK;
}

/*
 * Verify a signed tree head against the last verified checkpoint.  With
 * store = 1 a verified head is stored; out (may be NULL) receives the opened
 * checkpoint and note (caller frees).  Entries heads are checked against the
 * Welcome head with equal_or_larger_ok: a larger head cannot be proven
 * consistent without a proof, so it is checked for its signature only and
 * not stored.
 */
static int tdc__verify(tdc_replica *r, const Tiendo__TreeHead *th, const unsigned char *proof, size_t n_hashes,
                       const unsigned char *server_pk, int64_t now_ms, int store, uint64_t *size_out,
                       int64_t *alarm_id, td_checkpoint *cp_out, td_note *note_out, td_error *err)
{
    tdc_checkpoint_row last;
    tdc__alarm_ctx a;
    td_note_verifier v;
    td_checkpoint cp;
    td_note n;
    char origin[TD_CHECKPOINT_ORIGIN_MAX + 1], new_origin[TD_CHECKPOINT_ORIGIN_MAX + 1];
    char *note = NULL;
    uint64_t unverified_size = 0;
    int found, rc, mismatch;

    memset(&cp, 0, sizeof cp);
    memset(&n, 0, sizeof n);
    if (size_out) *size_out = 0;
    if (alarm_id) *alarm_id = 0;
    if ((rc = tdc_replica_checkpoint_get(r, 0, &last, &found, err))) return rc;
    memset(&a, 0, sizeof a);
    a.r = r;
    a.old_note = found ? last.note : NULL;
    a.old_size = found ? last.size : 0;
    a.proof = proof;
    a.proof_len = n_hashes * TD_MERKLE_HASH_LEN;
    a.now_ms = now_ms;
    a.alarm_id = alarm_id;

    if (!th || th->checkpoint.len == 0) {
        /* Every server log starts with a signed checkpoint (its own
         * certificate entry), so a Welcome without one is never accepted:
         * otherwise a lying server could skip checkpoints for new devices. */
        if (found)
            rc = tdc__raise(&a, TDC_ALARM_MISSING, err,
                            "server sent no checkpoint; the replica verified one of size %llu before",
                            (unsigned long long)last.size);
        else
            rc = tdc__raise(&a, TDC_ALARM_MISSING, err, "server sent no checkpoint: its history cannot be verified");
        goto out;
    }
    note = tdc__note_dup(&th->checkpoint);
    if (!note) {
        rc = tdc__raise(&a, TDC_ALARM_SIGNATURE, err, "checkpoint of %zu bytes is too large or out of memory",
                        th->checkpoint.len);
        goto out;
    }
    a.new_note = note;
    a.new_size = th->size;
    if (!server_pk) {
        rc = td_error_set(err, TD_EARG, "no server key to verify the checkpoint with");
        goto out;
    }
    if ((rc = tdc__check_log_key(r, server_pk, &mismatch, err))) goto out;
    if (mismatch) {
        rc = tdc__raise(&a, TDC_ALARM_SERVER_KEY, err,
                        "the server's TLS key is not the author of log entry 1 (the server certificate)");
        goto out;
    }
    if ((rc = tdc__note_origin(note, th->checkpoint.len, new_origin, &unverified_size, err))) {
        rc = tdc__raise(&a, TDC_ALARM_SIGNATURE, err, "checkpoint does not parse: %s", err->msg);
        goto out;
    }
    a.new_size = unverified_size;
    if (found) {
        if ((rc = tdc__note_origin(last.note, strlen(last.note), origin, NULL, err))) goto out;
        if (strcmp(origin, new_origin)) {
            rc = tdc__raise(&a, TDC_ALARM_ORIGIN, err, "checkpoint origin \"%s\" differs from the verified \"%s\"",
                            new_origin, origin);
            goto out;
        }
    } else {
        memcpy(origin, new_origin, sizeof origin);
    }
    if ((rc = td_note_verifier_init(&v, origin, TD_NOTE_TYPE_ED25519, server_pk, err))) {
        rc = tdc__raise(&a, TDC_ALARM_ORIGIN, err, "origin \"%s\" is not a valid key name", origin);
        goto out;
    }
    if ((rc = td_checkpoint_open(note, th->checkpoint.len, &v, origin, &cp, &n, err))) {
        rc = tdc__raise(&a, TDC_ALARM_SIGNATURE, err, "checkpoint of size %llu is not signed by the server key: %s",
                        (unsigned long long)unverified_size, err->msg);
        goto out;
    }
    if (th->size != cp.size || (th->root.len && (th->root.len != TDC_ROOT_LEN || memcmp(th->root.data, cp.root, TDC_ROOT_LEN)))) {
        rc = tdc__raise(&a, TDC_ALARM_INCONSISTENT, err,
                        "tree head says size %llu, its signed checkpoint says size %llu or another root",
                        (unsigned long long)th->size, (unsigned long long)cp.size);
        goto out;
    }
    if (found) {
        if (cp.size < last.size) {
            rc = tdc__raise(&a, TDC_ALARM_ROLLBACK, err, "checkpoint size %llu is below the verified size %llu",
                            (unsigned long long)cp.size, (unsigned long long)last.size);
            goto out;
        }
        if (cp.size == last.size) {
            if (memcmp(cp.root, last.root, TDC_ROOT_LEN)) {
                rc = tdc__raise(&a, TDC_ALARM_INCONSISTENT, err,
                                "two signed checkpoints of size %llu have different roots",
                                (unsigned long long)cp.size);
                goto out;
            }
        } else if (store && last.size > 0) {
            td_error perr;
            if (td_merkle_verify_consistency(last.size, last.root, cp.size, cp.root, proof, n_hashes, &perr)) {
                rc = tdc__raise(&a, TDC_ALARM_INCONSISTENT, err,
                                "checkpoint of size %llu does not extend the verified one of size %llu "
                                "(consistency proof of %zu hashes: %s)",
                                (unsigned long long)cp.size, (unsigned long long)last.size, n_hashes, perr.msg);
                goto out;
            }
        }
    }
    if (store && (rc = tdc_replica_checkpoint_put(r, cp.size, cp.root, note, now_ms, err))) goto out;
    if (size_out) *size_out = cp.size;
    rc = TD_OK;
out:
    if (rc == TD_OK && cp_out) {
        *cp_out = cp;
        memset(&cp, 0, sizeof cp);
    }
    if (rc == TD_OK && note_out) {
        *note_out = n;
        memset(&n, 0, sizeof n);
    }
    td_checkpoint_free(&cp);
    td_note_free(&n);
    free(note);
    if (found) tdc_checkpoint_row_free(&last);
    return rc;
}

/* Concatenate Welcome.consistency into one buffer of 32-byte hashes. */
static int tdc__proof_flat(ProtobufCBinaryData *h, size_t n, unsigned char **out, int *bad, td_error *err)
{
    *out = NULL;
    *bad = 0;
    if (n > TD_MERKLE_MAX_PROOF) {
        *bad = 1;
        n = TD_MERKLE_MAX_PROOF;
    }
    if (!n) return TD_OK;
    *out = malloc(n * TD_MERKLE_HASH_LEN);
    if (!*out) return td_error_set(err, TD_ENOMEM, "consistency proof");
    for (size_t i = 0; i < n; i++) {
        if (h[i].len != TD_MERKLE_HASH_LEN) {
            *bad = 1;
            memset(*out + i * TD_MERKLE_HASH_LEN, 0, TD_MERKLE_HASH_LEN);
        } else {
            memcpy(*out + i * TD_MERKLE_HASH_LEN, h[i].data, TD_MERKLE_HASH_LEN);
        }
    }
    return TD_OK;
}

int tdc_sync_verify_head(tdc_replica *r, const Tiendo__TreeHead *th, const unsigned char *proof, size_t n_hashes,
                         const unsigned char *server_pk, int64_t now_ms, uint64_t *size_out, int64_t *alarm_id,
                         td_error *err)
{
    return tdc__verify(r, th, proof, n_hashes, server_pk, now_ms ? now_ms : tdc__now(NULL), 1, size_out, alarm_id,
                       NULL, NULL, err);
}

int tdc_sync_hello_head(tdc_replica *r, tdc_checkpoint_row *row, Tiendo__TreeHead *th, td_error *err)
{
    int found, rc;
    tiendo__tree_head__init(th);
    if ((rc = tdc_replica_checkpoint_get(r, 0, row, &found, err))) return rc;
    if (!found) return 0;
    th->size = row->size;
    th->root.data = row->root;
    th->root.len = TDC_ROOT_LEN;
    th->checkpoint.data = (uint8_t *)row->note;
    th->checkpoint.len = strlen(row->note);
    return 1;
}

static int tdc__call(const tdc_sync_io *io, const Tiendo__Frame *req, Tiendo__Frame **reply,
                     Tiendo__Frame__BodyCase want, tdc_sync_stats *s, td_error *err)
{
    int rc;
    *reply = NULL;
    if ((rc = io->send(io->arg, req, err))) return rc;
    if ((rc = io->recv(io->arg, reply, err))) return rc;
    s->round_trips++;
    if ((*reply)->body_case != want) {
        Tiendo__Frame w = TIENDO__FRAME__INIT;
        w.body_case = want;
        rc = td_error_set(err, TD_EPROTO, "expected %s, server sent %s", td_frame_name(&w), td_frame_name(*reply));
        td_frame_free(*reply);
        *reply = NULL;
        return rc;
    }
    return TD_OK;
}

/* Send one batch of pending entries (a Push frame). */
static int tdc__push_send(const tdc_sync_io *io, const tdc_outbox_item *items, size_t n, tdc_sync_stats *s,
                          const tdc_sync_opts *o, td_error *err)
{
    Tiendo__SignedEntry **ses = calloc(n, sizeof *ses);
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Push push = TIENDO__PUSH__INIT;
    int rc = TD_OK;

    if (!ses) return td_error_set(err, TD_ENOMEM, "push batch of %zu", n);
    for (size_t i = 0; i < n; i++) {
        ses[i] = tiendo__signed_entry__unpack(NULL, items[i].len, items[i].body);
        if (!ses[i]) {
            /* Defensive: the outbox only holds what td_entry_sign made. */
            rc = td_error_set(err, TD_EDB, "outbox entry seq %llu does not decode", (unsigned long long)items[i].seq);
            goto out;
        }
    }
    push.n_entries = n;
    push.entries = ses;
    /* key continuity: entries signed with an earlier key of this device
     * travel with its certificate (the server may never have seen it) */
    if (o->id && o->n_earlier_certs)
        for (size_t i = 0; i < n; i++)
            if (ses[i]->body.len) {
                Tiendo__Entry *e = tiendo__entry__unpack(NULL, ses[i]->body.len, ses[i]->body.data);
                int other = e && e->author.len == 32 && memcmp(e->author.data, o->id->pk, 32);
                tiendo__entry__free_unpacked(e, NULL);
                if (other) {
                    push.n_earlier_certs = o->n_earlier_certs;
                    push.earlier_certs = (ProtobufCBinaryData *)o->earlier_certs;
                    break;
                }
            }
    f.body_case = TIENDO__FRAME__BODY_PUSH;
    f.push = &push;
    if ((rc = io->send(io->arg, &f, err))) goto out;
    s->pushed += n;
out:
    for (size_t i = 0; i < n; i++)
        if (ses[i]) tiendo__signed_entry__free_unpacked(ses[i], NULL);
    free(ses);
    return rc;
}

/* Receive the PushAck of the oldest batch in flight and record it. */
static int tdc__push_recv(tdc_replica *r, const tdc_sync_io *io, const tdc_outbox_item *items, size_t n,
                          tdc_sync_stats *s, td_error *err)
{
    tdc_ack *acks = calloc(n ? n : 1, sizeof *acks);
    Tiendo__Frame *reply = NULL;
    Tiendo__PushAck *pa;
    int rc = TD_OK;

    if (!acks) return td_error_set(err, TD_ENOMEM, "push batch of %zu", n);
    if ((rc = io->recv(io->arg, &reply, err))) goto out;
    s->round_trips++;
    if (reply->body_case != TIENDO__FRAME__BODY_PUSH_ACK) {
        Tiendo__Frame w = TIENDO__FRAME__INIT;
        w.body_case = TIENDO__FRAME__BODY_PUSH_ACK;
        rc = td_error_set(err, TD_EPROTO, "expected %s, server sent %s", td_frame_name(&w), td_frame_name(reply));
        goto out;
    }
    pa = reply->push_ack;
    if (pa->n_acks != n) {
        rc = td_error_set(err, TD_EPROTO, "pushed %zu entries, server acknowledged %zu", n, pa->n_acks);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const Tiendo__Ack *a = pa->acks[i];
        if (a->seq != items[i].seq) {
            rc = td_error_set(err, TD_EPROTO, "ack %zu is for seq %llu, expected seq %llu", i,
                              (unsigned long long)a->seq, (unsigned long long)items[i].seq);
            goto out;
        }
        acks[i].seq = a->seq;
        acks[i].index = a->index;
        switch (a->status) {
        case TIENDO__ACK_STATUS__ACK_STORED: acks[i].status = TDC_OUT_STORED; break;
        case TIENDO__ACK_STATUS__ACK_DUPLICATE: acks[i].status = TDC_OUT_DUPLICATE; break;
        case TIENDO__ACK_STATUS__ACK_REFUSED:
            acks[i].status = TDC_OUT_REFUSED;
            acks[i].reason = a->reason && *a->reason ? a->reason : "refused (no reason given)";
            break;
        default:
            rc = td_error_set(err, TD_EPROTO, "ack for seq %llu has status %d", (unsigned long long)a->seq,
                              (int)a->status);
            goto out;
        }
        if (acks[i].status != TDC_OUT_REFUSED && a->index == 0) {
            rc = td_error_set(err, TD_EPROTO, "ack for seq %llu has no log index", (unsigned long long)a->seq);
            goto out;
        }
    }
    if ((rc = tdc_replica_outbox_ack(r, acks, n, err))) goto out;
    for (size_t i = 0; i < n; i++) {
        if (acks[i].status == TDC_OUT_STORED) s->stored++;
        else if (acks[i].status == TDC_OUT_DUPLICATE) s->duplicate++;
        else {
            s->refused++;
            char q[TD_LOG_QUOTE_BUF];
            td_log_warn("entry seq %llu refused by the server: %s", (unsigned long long)acks[i].seq,
                        td_log_quote(acks[i].reason, q, sizeof q));
        }
    }
out:
    td_frame_free(reply);
    free(acks);
    return rc;
}

/* One batch in flight. */
typedef struct tdc__inflight {
    tdc_outbox_item *items;
    size_t n;
} tdc__inflight;

/*
 * Push pending entries with seq < limit_seq (0 = all), pipelined: up to
 * `window` Push frames are sent before the oldest PushAck is read (acks
 * come back in order; session.h).  A stop-and-wait push left the link and
 * the server idle for a round trip and a commit per batch (docs/PROTOCOL.md §5).
 *
 * Cuts: each PushAck is recorded in its own transaction; what was sent but
 * not acked stays pending and is sent again by the next session, where the
 * server answers DUPLICATE for what it had stored.  The server's sequence
 * rule cannot refuse a batch because an earlier one of the window was lost:
 * a cut or a server failure ends the session, so no later batch of it is
 * handled; a refused entry refuses the later ones for a gap, as it did
 * without the window.
 */
static int tdc__push_all(tdc_replica *r, const tdc_sync_io *io, const tdc_sync_opts *o, tdc_sync_stats *s,
                         uint64_t limit_seq, td_error *err)
{
    size_t max_n = o->push_max_entries ? o->push_max_entries : TD_PUSH_MAX_ENTRIES;
    size_t max_b = o->push_max_bytes ? o->push_max_bytes : TD_PUSH_MAX_BYTES;
    size_t window = o->push_window ? o->push_window : TDC_PUSH_WINDOW;
    tdc__inflight q[TDC_PUSH_WINDOW_MAX];
    size_t head = 0, nq = 0;
    tdc_replica_meta m;
    uint64_t after = 0, done = 0;
    int rc, exhausted = 0;

    if (window > TDC_PUSH_WINDOW_MAX) window = TDC_PUSH_WINDOW_MAX;
    if ((rc = tdc_replica_meta_get(r, &m, err))) return rc;
    for (;;) {
        while (!exhausted && nq < window) {
            tdc_outbox_item *items;
            size_t n;
            /* Strictly after the last seq sent in this run: an entry that
             * stays pending (it cannot, unless the database refuses the ack)
             * is not sent twice in one session. */
            if ((rc = tdc_replica_outbox_pending(r, after, max_n, max_b, &items, &n, err))) goto out;
            /* entries whose attachments the server lacks wait (point 2a) */
            if (limit_seq) {
                size_t keep = 0;
                while (keep < n && items[keep].seq < limit_seq) keep++;
                for (size_t i = keep; i < n; i++) {
                    free(items[i].reason);
                    free(items[i].summary);
                    free(items[i].body);
                }
                n = keep;
            }
            if (n == 0) {
                free(items);
                exhausted = 1;
                break;
            }
            after = items[n - 1].seq;
            if ((rc = tdc__push_send(io, items, n, s, o, err))) {
                tdc_outbox_items_free(items, n);
                goto out;
            }
            q[(head + nq) % TDC_PUSH_WINDOW_MAX] = (tdc__inflight){items, n};
            nq++;
        }
        if (nq == 0) break;
        {
            tdc__inflight *b = &q[head];
            rc = tdc__push_recv(r, io, b->items, b->n, s, err);
            done += b->n;
            tdc_outbox_items_free(b->items, b->n);
            head = (head + 1) % TDC_PUSH_WINDOW_MAX;
            nq--;
            if (rc) goto out;
        }
        if (o->progress) o->progress(o->progress_arg, TDC_SYNC_PUSH, done, m.n_pending > done ? m.n_pending : done);
    }
out:
    for (; nq; nq--, head = (head + 1) % TDC_PUSH_WINDOW_MAX) tdc_outbox_items_free(q[head].items, q[head].n);
    return rc;
}

/* Serialize one LogEntry's SignedEntry (the bytes the server stores: the
 * message has only two bytes fields, which protobuf-c packs in field order,
 * as td_entry_sign did). */
static int tdc__pack_entry(const Tiendo__LogEntry *le, uint8_t **out, size_t *len, td_error *err)
{
    size_t n;
    if (!le->entry) return td_error_set(err, TD_EPROTO, "log entry %llu has no entry", (unsigned long long)le->index);
    n = tiendo__signed_entry__get_packed_size(le->entry);
    *out = malloc(n ? n : 1);
    if (!*out) return td_error_set(err, TD_ENOMEM, "log entry %llu", (unsigned long long)le->index);
    *len = tiendo__signed_entry__pack(le->entry, *out);
    return TD_OK;
}

/*
 * Rebuild the SignedEntry of our own entry sent without body (LogEntry.
 * own_seq, protocol >= TD_PROTO_OWN) from the outbox: the row of that seq
 * must be acknowledged at exactly this log index, so the bytes are those
 * the server acknowledged storing there (the leaf the tree hashes).  They
 * are re-packed as tdc__pack_entry does for a body from the wire.  Returns
 * 0 and *out (malloc'd), or 1 with why filled when the outbox cannot vouch
 * for it (the caller pulls the range again with bodies), or a negative code.
 */
static int tdc__own_rebuild(tdc_replica *r, const Tiendo__LogEntry *le, uint8_t **out, size_t *len, char *why,
                            size_t why_len, td_error *err)
{
    tdc_outbox_item it;
    Tiendo__SignedEntry *se = NULL;
    Tiendo__Entry *e = NULL;
    int found, rc;
    *out = NULL;
    if ((rc = tdc_replica_outbox_get(r, le->own_seq, &it, &found, err))) return rc;
    if (!found) {
        snprintf(why, why_len, "log index %llu is our seq %llu, which the outbox does not hold",
                 (unsigned long long)le->index, (unsigned long long)le->own_seq);
        return 1;
    }
    rc = 1;
    if ((it.status != TDC_OUT_STORED && it.status != TDC_OUT_DUPLICATE) || it.index != le->index) {
        snprintf(why, why_len, "log index %llu is our seq %llu, which the outbox has as %s at index %llu",
                 (unsigned long long)le->index, (unsigned long long)le->own_seq, tdc_out_status_name(it.status),
                 (unsigned long long)it.index);
    } else if (!(se = tiendo__signed_entry__unpack(NULL, it.len, it.body)) ||
               !(e = tiendo__entry__unpack(NULL, se->body.len, se->body.data)) || e->seq != le->own_seq) {
        snprintf(why, why_len, "outbox seq %llu does not decode to that seq", (unsigned long long)le->own_seq);
    } else {
        Tiendo__SignedEntry c = TIENDO__SIGNED_ENTRY__INIT;
        c.body = se->body;
        c.sig = se->sig;
        *len = tiendo__signed_entry__get_packed_size(&c);
        if (!(*out = malloc(*len ? *len : 1))) rc = td_error_set(err, TD_ENOMEM, "log entry %llu", (unsigned long long)le->index);
        else {
            tiendo__signed_entry__pack(&c, *out);
            rc = 0;
        }
    }
    if (e) tiendo__entry__free_unpacked(e, NULL);
    if (se) tiendo__signed_entry__free_unpacked(se, NULL);
    free(it.reason);
    free(it.summary);
    free(it.body);
    return rc;
}

/* An alarm about pulled entries (TDC_ALARM_ENTRIES) against the latest
 * verified checkpoint, with the detail as evidence; returns TD_ESIG. */
static int tdc__entries_alarm(tdc_replica *r, const tdc_sync_opts *o, tdc_sync_stats *s, td_error *err,
                              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int tdc__entries_alarm(tdc_replica *r, const tdc_sync_opts *o, tdc_sync_stats *s, td_error *err,
                              const char *fmt, ...)
{
    tdc_checkpoint_row last;
    tdc__alarm_ctx a;
    char detail[TD_ERRMSG_MAX];
    int found = 0, rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if ((rc = tdc_replica_checkpoint_get(r, 0, &last, &found, err))) return rc;
    memset(&a, 0, sizeof a);
    a.r = r;
    a.new_note = found ? last.note : NULL;
    a.new_size = found ? last.size : 0;
    a.now_ms = tdc__now(o);
    a.alarm_id = &s->alarm_id;
    rc = tdc__raise(&a, TDC_ALARM_ENTRIES, err, "%s", detail);
    if (found) tdc_checkpoint_row_free(&last);
    return rc;
}

/*
 * A replica that sees the whole log (central, inspector) holds every leaf:
 * the leaves 1..size it holds must hash to the latest verified checkpoint's
 * root (RFC 6962, computed with a stack of perfect subtrees: memory
 * O(log n)).  Checked when the cursor has passed that size.
 */
static int tdc__check_leaves(tdc_replica *r, const tdc_sync_opts *o, tdc_sync_stats *s, td_error *err)
{
    unsigned char stack[TD_MERKLE_MAX_LEVELS][TD_MERKLE_HASH_LEN], root[TD_MERKLE_HASH_LEN];
    tdc_checkpoint_row last;
    size_t top = 0;
    int found = 0, rc = TD_OK;
    if ((rc = tdc_replica_checkpoint_get(r, 0, &last, &found, err)) || !found) return rc;
    if (last.size == 0 || tdc_replica_cursor(r) <= last.size) goto out;
    for (uint64_t i = 1; i <= last.size; i++) {
        uint8_t *body = NULL;
        size_t len = 0;
        int have = 0;
        if ((rc = tdc_replica_pulled_get(r, i, &body, &len, &have, err))) goto out;
        if (!have) {
            rc = tdc__entries_alarm(r, o, s, err, "log index %llu is missing from the replica, which sees the whole "
                                    "log; the verified checkpoint has size %llu", (unsigned long long)i,
                                    (unsigned long long)last.size);
            goto out;
        }
        td_merkle_leaf_hash(body, len, stack[top]);
        free(body);
        top++;
        /* merge the perfect subtrees that leaf i completed (i's trailing 1s) */
        for (uint64_t k = i; (k & 1) == 0 && top >= 2; k >>= 1, top--)
            td_merkle_node_hash(stack[top - 2], stack[top - 1], stack[top - 2]);
    }
    memcpy(root, stack[top - 1], sizeof root);
    while (--top > 0) td_merkle_node_hash(stack[top - 1], root, root);
    if (memcmp(root, last.root, TD_MERKLE_HASH_LEN))
        rc = tdc__entries_alarm(r, o, s, err, "the %llu pulled entries do not hash to the root of the verified "
                                "checkpoint of that size: an entry was altered, dropped or replaced",
                                (unsigned long long)last.size);
out:
    tdc_checkpoint_row_free(&last);
    return rc;
}

static int tdc__pull_all(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io, const tdc_sync_opts *o,
                         tdc_sync_stats *s, td_error *err)
{
    /* central and inspector see every entry: their pulls are gap-free */
    int whole = w->role && (!strcmp(w->role, "central") || !strcmp(w->role, "inspector"));
    /* the largest signed size seen: no index or cursor may go beyond it */
    uint64_t bound = s->verified_size;
    /* each entry proven against its batch's signed head */
    int proven = w->version >= TD_PROTO_PROOF;
    /* ... at once, by Entries.batch_proof, from TD_PROTO_BATCH */
    int batched = w->version >= TD_PROTO_BATCH;
    uint32_t limit = o->pull_limit ? o->pull_limit : TD_PULL_MAX_ENTRIES;
    uint64_t total_hint = w->log_size >= tdc_replica_cursor(r) ? w->log_size - tdc_replica_cursor(r) + 1 : 0;
    /* our own acknowledged entries come back without their bodies (docs/PROTOCOL.md §9) */
    int own_ok = w->version >= TD_PROTO_OWN && !o->no_own_omit;
    int rc;

    for (;;) {
        Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
        Tiendo__Pull pull = TIENDO__PULL__INIT;
        Tiendo__Entries *es;
        tdc_pulled *v = NULL;
        uint8_t **bufs = NULL;
        uint64_t *leaf_ix = NULL;          /* batched: leaf indexes and hashes */
        unsigned char *leaf_h = NULL;
        uint64_t since = tdc_replica_cursor(r), next, own_from = 0, rebuilt = 0;
        size_t n = 0;
        int again = 0;
        char why[256];
        td_checkpoint head;   /* the batch's signed head (size 0: none) */

        if (own_ok && (rc = tdc_replica_outbox_own_from(r, since, &own_from, err))) return rc;
        pull.since = since;
        pull.limit = limit;
        pull.own_from_seq = own_from;
        {
            const uint32_t *rt;
            size_t nrt;
            tdc_replica_rescan_tasks(r, &rt, &nrt);
            pull.rescan_tasks = (uint32_t *)rt;
            pull.n_rescan_tasks = nrt;
        }
        f.body_case = TIENDO__FRAME__BODY_PULL;
        f.pull = &pull;
        if ((rc = tdc__call(io, &f, &reply, TIENDO__FRAME__BODY_ENTRIES, s, err))) return rc;
        es = reply->entries;
        n = es->n_batch;
        /* The head the batch was cut from must be signed by the same key
         * and must not contradict the Welcome's (checked before storing). */
        memset(&head, 0, sizeof head);
        if (es->tree_head && es->tree_head->checkpoint.len) {
            uint64_t hs = 0;
            if ((rc = tdc__verify(r, es->tree_head, NULL, 0, o->server_pk, tdc__now(o), 0, &hs, &s->alarm_id, &head,
                                  NULL, err))) {
                td_frame_free(reply);
                return rc;
            }
            if (hs > bound) bound = hs;
        }
        if (proven && n && !head.size) {
            td_checkpoint_free(&head);
            rc = tdc__entries_alarm(r, o, s, err, "Entries from log index %llu without a signed tree head: the %zu "
                                    "entries cannot be proven", (unsigned long long)since, n);
            td_frame_free(reply);
            return rc;
        }
        /* every index and the cursor within the signed tree, in order;
         * gap-free for a replica that sees the whole log */
        if (bound) {   /* a server before signed checkpoints gives no tree to check against */
            uint64_t expect = since, last_i = since ? since - 1 : 0;
            const char *bad = NULL;
            uint64_t at = 0;
            for (size_t i = 0; i < n && !bad; i++) {
                uint64_t ix = es->batch[i] ? es->batch[i]->index : 0;
                at = ix;
                if (!es->batch[i] || ix < since || ix <= last_i || ix > bound) bad = "out of order or beyond the signed tree";
                else if (whole && ix != expect) bad = "after a gap";
                last_i = ix;
                expect = ix + 1;
            }
            if (!bad && es->next) {
                at = es->next;
                if (es->next > bound + 1 && es->next > since) bad = "cursor beyond the signed tree";
                else if (n && es->next <= last_i) bad = "cursor behind the entries sent";
                else if (whole && es->next > expect && expect <= bound) bad = "cursor skipping entries";
            }
            if (bad) {
                rc = tdc__entries_alarm(r, o, s, err, "Entries from log index %llu: index or cursor %llu %s "
                                        "(signed tree size %llu, %zu entries)", (unsigned long long)since,
                                        (unsigned long long)at, bad, (unsigned long long)bound, n);
                td_checkpoint_free(&head);
                td_frame_free(reply);
                return rc;
            }
        }
        if (n) {
            v = calloc(n, sizeof *v);
            bufs = calloc(n, sizeof *bufs);
            if (batched) {
                leaf_ix = calloc(n, sizeof *leaf_ix);
                leaf_h = calloc(n, TD_MERKLE_HASH_LEN);
            }
            if (!v || !bufs || (batched && (!leaf_ix || !leaf_h))) {
                rc = td_error_set(err, TD_ENOMEM, "pulled batch of %zu", n);
                goto batch_done;
            }
        }
        for (size_t i = 0; i < n; i++) {
            const Tiendo__LogEntry *le = es->batch[i];
            if (le->own_seq && !le->entry) {
                if (!own_from) {
                    snprintf(why, sizeof why, "log index %llu came without its body, which was not asked for",
                             (unsigned long long)le->index);
                    rc = 1;
                } else {
                    rc = tdc__own_rebuild(r, le, &bufs[i], &v[i].len, why, sizeof why, err);
                }
                if (rc > 0) {
                    /* Never store what the outbox cannot vouch for: pull this
                     * range again with every body (a second refusal of the
                     * server to send bodies is a protocol error). */
                    if (!own_from) {
                        rc = td_error_set(err, TD_EPROTO, "server sent no body for log index %llu: %s",
                                          (unsigned long long)le->index, why);
                        goto batch_done;
                    }
                    td_log_warn("own entries: %s; pulling from log index %llu again with every body", why,
                                (unsigned long long)since);
                    s->own_fallbacks++;
                    own_ok = 0;
                    again = 1;
                    rc = 0;
                    goto batch_done;
                }
                if (rc) goto batch_done;
                rebuilt++;
            } else if ((rc = tdc__pack_entry(le, &bufs[i], &v[i].len, err))) {
                goto batch_done;
            }
            v[i].index = le->index;
            v[i].body = bufs[i];
            v[i].received_ms = le->received_ms;
            /* protocol >= TD_PROTO_PROOF: the entry (as received, or as
             * rebuilt from the outbox) is leaf index - 1 of the signed head */
            if (batched) {
                td_merkle_leaf_hash(bufs[i], v[i].len, leaf_h + i * TD_MERKLE_HASH_LEN);
                leaf_ix[i] = le->index - 1;   /* 0 wraps: refused by the batch check */
            } else if (proven) {
                unsigned char leaf[TD_MERKLE_HASH_LEN], *pr = NULL;
                int bad = 0;
                td_error perr = {0};
                if ((rc = tdc__proof_flat(le->inclusion, le->n_inclusion, &pr, &bad, err))) goto batch_done;
                td_merkle_leaf_hash(bufs[i], v[i].len, leaf);
                if (bad || le->index == 0 ||
                    td_merkle_verify_inclusion(leaf, le->index - 1, head.size, pr, le->n_inclusion, head.root, &perr)) {
                    free(pr);
                    rc = tdc__entries_alarm(r, o, s, err, "log index %llu is not proven in the signed tree of size "
                                            "%llu (audit path of %zu hashes: %s)", (unsigned long long)le->index,
                                            (unsigned long long)head.size, le->n_inclusion,
                                            bad ? "malformed" : perr.msg);
                    goto batch_done;
                }
                free(pr);
            }
        }
        /* protocol >= TD_PROTO_BATCH: the whole batch (as received, and as
         * rebuilt from the outbox) is leaves index - 1 of the signed head */
        if (batched && n) {
            td_error perr = {0};
            if (es->batch_proof.len % TD_MERKLE_HASH_LEN ||
                td_merkle_verify_batch(leaf_ix, leaf_h, n, head.size, es->batch_proof.data,
                                       es->batch_proof.len / TD_MERKLE_HASH_LEN, head.root, &perr)) {
                rc = tdc__entries_alarm(r, o, s, err, "log indexes %llu..%llu (%zu entries) are not proven in the "
                                        "signed tree of size %llu (batch proof of %zu bytes: %s)",
                                        (unsigned long long)v[0].index, (unsigned long long)v[n - 1].index, n,
                                        (unsigned long long)head.size, es->batch_proof.len,
                                        es->batch_proof.len % TD_MERKLE_HASH_LEN ? "not whole hashes" : perr.msg);
                goto batch_done;
            }
        }
        /* next is the server's cursor; an old or careless server that
         * leaves it 0 means "after the last entry sent". */
        next = es->next ? es->next : (n ? v[n - 1].index + 1 : since);
        if (es->more && next <= since) {
            rc = td_error_set(err, TD_EPROTO, "server says more entries follow but the cursor stays at %llu",
                              (unsigned long long)since);
            goto batch_done;
        }
        if ((rc = tdc_replica_store_batch(r, v, n, next, err))) goto batch_done;
        /* a rescan batch kept only below rescan_until (replica.h): on from there */
        if (tdc_replica_cursor(r) < next) again = 1;
        s->pulled += n;
        s->own_rebuilt += rebuilt;
        if (o->progress) o->progress(o->progress_arg, TDC_SYNC_PULL, s->pulled, total_hint);
    batch_done:
        td_checkpoint_free(&head);
        if (bufs)
            for (size_t i = 0; i < n; i++) free(bufs[i]);
        free(bufs);
        free(v);
        free(leaf_ix);
        free(leaf_h);
        {
            int more = es->more;
            td_frame_free(reply);
            if (rc) return rc;
            if (!more && !again) break;
        }
    }
    return whole ? tdc__check_leaves(r, o, s, err) : TD_OK;
}

/* Name of this device as a witness (docs/LOG.md §10). */
#define TDC_WITNESS_PREFIX "tiendo-witness/"

/*
 * Witness: cosign a checkpoint just verified and stored, if it is larger
 * than the last one this device cosigned.  Every stored checkpoint was
 * proven consistent with the one stored before it, so a stored checkpoint
 * larger than the last cosigned one (which is stored too) is consistent
 * with it.  A refusal by the server is logged, not fatal to the sync.
 */
static int tdc__cosign(tdc_replica *r, const Tiendo__TreeHead *th, const td_checkpoint *cp, const td_note *n,
                       const tdc_sync_io *io, const tdc_sync_opts *o, tdc_sync_stats *s, td_error *err)
{
    char name[TD_NOTE_NAME_MAX + 1], line[TD_COSIG_LINE_MAX];
    td_note_signer signer;
    tdc_checkpoint_row prev;
    Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
    Tiendo__Cosign cs = TIENDO__COSIGN__INIT;
    uint64_t cosigned;
    int rc, found;

    if ((rc = tdc_replica_cosigned_get(r, &cosigned, err))) return rc;
    if (cp->size <= cosigned) return TD_OK;
    if (cosigned) {
        if ((rc = tdc_replica_checkpoint_get(r, cosigned, &prev, &found, err))) return rc;
        if (!found)
            return td_error_set(err, TD_EDB, "the last cosigned checkpoint (size %llu) is not among the verified ones",
                                (unsigned long long)cosigned);
        tdc_checkpoint_row_free(&prev);
    }
    snprintf(name, sizeof name, "%s%s", TDC_WITNESS_PREFIX, o->id->subject.device);
    if ((rc = td_note_signer_from_identity(&signer, name, TD_NOTE_TYPE_COSIG_V1, o->id, err))) return rc;
    rc = td_cosig_line(&signer, n->text, n->text_len, (uint64_t)(tdc__now(o) / 1000), line, err);
    td_note_signer_wipe(&signer);
    if (rc) return rc;
    cs.checkpoint = th->checkpoint;
    cs.cosignature = line;
    f.body_case = TIENDO__FRAME__BODY_COSIGN;
    f.cosign = &cs;
    if ((rc = tdc__call(io, &f, &reply, TIENDO__FRAME__BODY_COSIGN_ACK, s, err))) return rc;
    if (reply->cosign_ack->stored) {
        rc = tdc_replica_cosigned_set(r, cp->size, err);
        if (rc == TD_OK) s->cosigned_size = cp->size;
    } else {
        char q[TD_LOG_QUOTE_BUF];
        td_log_warn("server did not store the cosignature of size %llu: %s", (unsigned long long)cp->size,
                    td_log_quote(reply->cosign_ack->reason, q, sizeof q));
    }
    td_frame_free(reply);
    return rc;
}

/* ---- attachments (point 2a) ------------------------------------------------ */

/* Why an entry waits: set by the upload phase, reported after the push. */
typedef struct tdc__block {
    int rc;                      /* 0: nothing blocks */
    uint64_t seq;                /* first entry that must wait */
    int quota;                   /* the server refused for quota: retry after pushing */
    td_error err;
} tdc__block;

static int tdc__status_call(const tdc_sync_io *io, const Tiendo__Frame *f, const unsigned char sha[32],
                            Tiendo__Frame **reply, tdc_sync_stats *s, td_error *err)
{
    int rc = tdc__call(io, f, reply, TIENDO__FRAME__BODY_BLOB_STATUS, s, err);
    if (rc) return rc;
    if ((*reply)->blob_status->sha256.len != 32 || memcmp((*reply)->blob_status->sha256.data, sha, 32)) {
        td_frame_free(*reply);
        *reply = NULL;
        return td_error_set(err, TD_EPROTO, "blob_status for another file than the one sent");
    }
    return 0;
}

/* Upload one file cited by entry seq.  0: the server holds it whole;
 * a block (b->rc set, returns 0 too); a negative code: the session failed. */
static int tdc__blob_upload(tdc_replica *r, const tdc_sync_io *io, const unsigned char sha[32], uint64_t seq,
                            tdc_sync_stats *s, tdc__block *b, td_error *err)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
    Tiendo__BlobOffer off = TIENDO__BLOB_OFFER__INIT;
    Tiendo__BlobChunk ch = TIENDO__BLOB_CHUNK__INIT;
    tdc_blob_row row;
    uint8_t *p = NULL;
    size_t n = 0;
    uint64_t have;
    char hex[65];
    int found, rc, first = 1;

    tdc_blob_hex(sha, hex);
    if ((rc = tdc_blob_get(r, sha, &found, &row, err))) return rc;
    if (!found) {
        b->rc = td_error_set(&b->err, TD_ENOTFOUND,
                             "attachment %s cited by outbox entry seq %llu is not in the replica | " TD_MSG_SYNC_ATTACHMENT_MISSING,
                             hex, (unsigned long long)seq, (unsigned long long)seq, hex);
        b->seq = seq;
        return 0;
    }
    if ((rc = tdc_blob_load(r, sha, &p, &n, err))) return rc;
    off.sha256.data = (uint8_t *)sha;
    off.sha256.len = 32;
    off.size = n;
    off.mime = row.mime;
    f.body_case = TIENDO__FRAME__BODY_BLOB_OFFER;
    f.blob_offer = &off;
    s->blobs_offered++;
    if ((rc = tdc__status_call(io, &f, sha, &reply, s, err))) goto out;
    for (;;) {
        const Tiendo__BlobStatus *st = reply->blob_status;
        if (st->refused && *st->refused) {
            b->rc = td_error_set(&b->err, TD_EAUTH, "server refused attachment %.12s... of entry seq %llu: %s | %s",
                                 hex, (unsigned long long)seq, st->refused,
                                 st->refused_vi && *st->refused_vi ? st->refused_vi : TD_MSG_SYNC_ATTACHMENT_REFUSED);
            b->seq = seq;
            b->quota = !strncmp(st->refused, "quota", 5);
            break;
        }
        if (st->complete) {
            s->blobs_completed++;
            rc = tdc_blob_set_uploaded(r, sha, tdc__now(NULL), err);
            break;
        }
        have = st->have;
        if (have >= n) {
            rc = td_error_set(err, TD_EPROTO, "server holds %llu of %zu bytes of %.12s... but says it is not complete",
                              (unsigned long long)have, n, hex);
            break;
        }
        if (first) s->blob_bytes_resumed += have;
        first = 0;
        ch.sha256.data = (uint8_t *)sha;
        ch.sha256.len = 32;
        ch.offset = have;
        ch.data.data = p + have;
        ch.data.len = n - have < TD_BLOB_CHUNK_MAX ? n - have : TD_BLOB_CHUNK_MAX;
        f.body_case = TIENDO__FRAME__BODY_BLOB_CHUNK;
        f.blob_chunk = &ch;
        td_frame_free(reply);
        reply = NULL;
        if ((rc = tdc__status_call(io, &f, sha, &reply, s, err))) break;
        s->blob_bytes_sent += ch.data.len;
        if (!reply->blob_status->complete && !(reply->blob_status->refused && *reply->blob_status->refused) &&
            reply->blob_status->have != have + ch.data.len) {
            rc = td_error_set(err, TD_EPROTO, "server acknowledged %llu bytes after a chunk ending at %llu",
                              (unsigned long long)reply->blob_status->have,
                              (unsigned long long)(have + ch.data.len));
            break;
        }
    }
out:
    td_frame_free(reply);
    free(p);
    return rc;
}

/* Upload the files of pending entries in seq order, until one blocks. */
static int tdc__upload_pending(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io, tdc_sync_stats *s,
                               tdc__block *b, td_error *err)
{
    uint64_t after = 0;
    int rc = 0;
    memset(b, 0, sizeof *b);
    for (;;) {
        tdc_outbox_item *items;
        size_t n;
        if ((rc = tdc_replica_outbox_pending(r, after, TD_PUSH_MAX_ENTRIES, TD_PUSH_MAX_BYTES, &items, &n, err)))
            return rc;
        if (n == 0) return 0;
        after = items[n - 1].seq;
        for (size_t i = 0; i < n && !rc && !b->rc; i++) {
            unsigned char (*refs)[32] = NULL;
            size_t nr = 0;
            if ((rc = tdc_blob_entry_refs(items[i].body, items[i].len, &refs, &nr, err))) break;
            if (nr && w->version < TD_PROTO_BLOB) {
                b->rc = td_error_set(&b->err, TD_EVERSION,
                                     "server speaks protocol %u; attachments need %d (entry seq %llu waits) | " TD_MSG_SYNC_SERVER_NO_ATTACHMENTS,
                                     w->version, TD_PROTO_BLOB, (unsigned long long)items[i].seq);
                b->seq = items[i].seq;
            }
            for (size_t j = 0; j < nr && !rc && !b->rc; j++)
                rc = tdc__blob_upload(r, io, refs[j], items[i].seq, s, b, err);
            free(refs);
        }
        tdc_outbox_items_free(items, n);
        if (rc || b->rc) return rc;
    }
}

int tdc_sync_blob_fetch(const tdc_sync_io *io, const unsigned char sha[32], uint8_t **out, size_t *n,
                        char mime[128], td_error *err)
{
    tdc_sync_stats s;
    uint8_t *buf = NULL;
    uint64_t size = 0, off = 0;
    unsigned char got[32];
    int rc = 0;
    *out = NULL;
    *n = 0;
    memset(&s, 0, sizeof s);
    do {
        Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
        Tiendo__BlobGet g = TIENDO__BLOB_GET__INIT;
        const Tiendo__BlobChunk *c;
        g.sha256.data = (uint8_t *)sha;
        g.sha256.len = 32;
        g.offset = off;
        f.body_case = TIENDO__FRAME__BODY_BLOB_GET;
        f.blob_get = &g;
        if ((rc = tdc__call(io, &f, &reply, TIENDO__FRAME__BODY_BLOB_CHUNK, &s, err))) break;
        c = reply->blob_chunk;
        if (!buf) {
            size = c->size;
            if (size == 0 || size > TD_ATTACH_MAX_BYTES)
                rc = td_error_set(err, TD_EPROTO, "server announces an attachment of %llu bytes",
                                  (unsigned long long)size);
            else if (!(buf = malloc(size)))
                rc = td_error_set(err, TD_ENOMEM, "out of memory for %llu bytes", (unsigned long long)size);
            if (!rc) snprintf(mime, 128, "%s", c->mime ? c->mime : "");
        }
        if (!rc && (c->sha256.len != 32 || memcmp(c->sha256.data, sha, 32) || c->offset != off || c->size != size ||
                    c->data.len == 0 || c->data.len > size - off))
            rc = td_error_set(err, TD_EPROTO, "blob_chunk at %llu (%zu bytes) does not continue the download at %llu "
                              "of %llu", (unsigned long long)c->offset, c->data.len, (unsigned long long)off,
                              (unsigned long long)size);
        if (!rc) {
            memcpy(buf + off, c->data.data, c->data.len);
            off += c->data.len;
        }
        td_frame_free(reply);
    } while (!rc && off < size);
    if (!rc) {
        crypto_hash_sha256(got, buf, size);
        if (sodium_memcmp(got, sha, 32) != 0)
            rc = td_error_set(err, TD_ESIG, "downloaded attachment does not hash to the requested SHA-256");
    }
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *n = size;
    return 0;
}

/*
 * Pull until the replica holds what the visibility rule (derive.h) shows
 * its agency: after each complete pull, a change of the visible set (a plan
 * re-import changing roles, an agency change) drops what stopped being
 * visible and pulls again from the start of the log, keeping what is held
 * (tdc_replica_visibility).  Bounded: a log that keeps changing the rule
 * during the session is caught up by the next sync.
 */
static int tdc__pull_visible(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io,
                             const tdc_sync_opts *o, tdc_sync_stats *s, td_error *err)
{
    td_role role = w->role && *w->role ? td_role_parse(w->role) : TD_ROLE_OFFICE;
    int rc, again = 0;
    if (o->agency && (rc = tdc_replica_visibility_begin(r, o->agency, role, err))) return rc;
    for (int round = 0; round < 4; round++) {
        if ((rc = tdc__pull_all(r, w, io, o, s, err))) return rc;
        if (!o->agency || (rc = tdc_replica_visibility(r, o->agency, role, &again, err))) return rc;
        if (!again) return TD_OK;
        s->rescans++;
    }
    return TD_OK;
}

int tdc_sync_run(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io, const tdc_sync_opts *o,
                 tdc_sync_stats *stats, td_error *err)
{
    tdc_sync_stats local;
    tdc_replica_meta m;
    tdc__block block;
    int rc;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);

    if (!w) return td_error_set(err, TD_EPROTO, "no welcome from the server");
    if (o->agency && strcmp(w->agency ? w->agency : "", o->agency))
        return td_error_set(err, TD_EAUTH, "server took this device for agency \"%s\", its certificate says \"%s\"",
                            w->agency ? w->agency : "", o->agency);
    {
        unsigned char *proof = NULL;
        td_checkpoint cp;
        td_note note;
        int bad;
        memset(&cp, 0, sizeof cp);
        memset(&note, 0, sizeof note);
        if ((rc = tdc__proof_flat(w->consistency, w->n_consistency, &proof, &bad, err))) return rc;
        rc = tdc__verify(r, w->tree_head, proof, bad ? 0 : w->n_consistency, o->server_pk, tdc__now(o), 1,
                         &stats->verified_size, &stats->alarm_id, &cp, &note, err);
        free(proof);
        if (rc == TD_OK && stats->verified_size && o->id && w->role && !strcmp(w->role, "inspector"))
            rc = tdc__cosign(r, w->tree_head, &cp, &note, io, o, stats, err);
        td_checkpoint_free(&cp);
        td_note_free(&note);
        if (rc) return rc;
    }
    if (o->id) {
        /* entries refused for a fast PC clock are signed again once this
         * PC's clock is in step with the server's (Welcome.server_time_ms) */
        int64_t now = o->now_ms ? o->now_ms : td_clock_now_ms();
        size_t k = 0;
        if (w->server_time_ms && now <= (int64_t)w->server_time_ms + TD_HLC_MAX_SKEW_MS / 2 &&
            now >= (int64_t)w->server_time_ms - TD_HLC_MAX_SKEW_MS / 2 &&
            (rc = tdc_replica_outbox_resign_clock(r, o->id, now, &k, err)))
            return rc;
        stats->resigned += k;
    }
    if ((rc = tdc_replica_meta_get(r, &m, err))) return rc;
    if (!w->has_new && m.n_pending == 0) return TD_OK;   /* one round trip: Hello/Welcome */
    block.rc = 0;
    while (m.n_pending) {
        /* files first, then the entries citing them (point 2a) */
        uint64_t before = stats->stored + stats->duplicate + stats->refused;
        if ((rc = tdc__upload_pending(r, w, io, stats, &block, err))) return rc;
        if ((rc = tdc__push_all(r, io, o, stats, block.rc ? block.seq : 0, err))) return rc;
        /* a quota refusal clears once the pushed entries cite the files */
        if (!block.rc || !block.quota || stats->stored + stats->duplicate + stats->refused == before) break;
    }
    /* What we just stored is new to us too: pull it back, so that the
     * replica's state includes our own entries as the server folded them.
     * Also after a push the server refused whole: it may still have
     * recorded this device's certificates (its own and Push.earlier_certs)
     * in the log, which the replica must hold to equal the server's view. */
    if ((w->has_new || stats->pushed) && (rc = tdc__pull_visible(r, w, io, o, stats, err)))
        return rc;
    /* seq recovery: what was refused for its seq alone is signed again after
     * the device's last seq now pulled, and sent (tdc_replica_outbox_resign) */
    if (o->id) {
        size_t k = 0;
        if ((rc = tdc_replica_outbox_resign(r, o->id, o->now_ms ? o->now_ms : td_clock_now_ms(), &k, err)))
            return rc;
        if (k) {
            stats->resigned += k;
            if ((rc = tdc__push_all(r, io, o, stats, 0, err)) || (rc = tdc__pull_visible(r, w, io, o, stats, err)))
                return rc;
        }
    }
    if (block.rc) {
        *err = block.err;
        return block.rc;
    }
    return TD_OK;
}

static uint64_t tdc__draw_sodium(uint64_t bound)
{
    /* randombytes_uniform takes a 32-bit upper bound (exclusive): back-offs
     * are capped far below 2^32 ms. */
    if (bound >= UINT32_MAX) bound = UINT32_MAX - 1;
    return randombytes_uniform((uint32_t)bound + 1);
}

uint64_t tdc_sync_backoff_ms(unsigned attempt, uint64_t base_ms, uint64_t cap_ms, uint64_t (*draw)(uint64_t bound))
{
    uint64_t ceil = base_ms;
    for (unsigned i = 0; i < attempt && ceil < cap_ms; i++) ceil *= 2;
    if (ceil > cap_ms) ceil = cap_ms;
    return (draw ? draw : tdc__draw_sodium)(ceil);
}
