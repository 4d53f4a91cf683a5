/* sync.c — see sync.h. */
#include "sync.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "log.h"
#include "sync_limits.h"

static int tdc__call(const tdc_sync_io *io, const Tiendo__Frame *req, Tiendo__Frame **reply,
                     Tiendo__Frame__BodyCase want, tdc_sync_stats *s, td_error *err)
{
    int rc;
    *reply = NULL;
    if ((rc = io->send(io->arg, req, err))) return rc;
    if ((rc = io->recv(io->arg, reply, err))) return rc;
    s->round_trips++;
    if ((*reply)->body_case != want) {
        rc = td_error_set(err, TD_EPROTO, "expected %s, server sent %s",
                          want == TIENDO__FRAME__BODY_PUSH_ACK ? "push_ack" : "entries", td_frame_name(*reply));
        td_frame_free(*reply);
        *reply = NULL;
        return rc;
    }
    return TD_OK;
}

/* Send one batch of pending entries and record the acks. */
static int tdc__push_batch(tdc_replica *r, const tdc_sync_io *io, tdc_outbox_item *items, size_t n,
                           tdc_sync_stats *s, td_error *err)
{
    Tiendo__SignedEntry **ses = calloc(n, sizeof *ses);
    tdc_ack *acks = calloc(n, sizeof *acks);
    Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
    Tiendo__Push push = TIENDO__PUSH__INIT;
    Tiendo__PushAck *pa;
    int rc = TD_OK;

    if (!ses || !acks) {
        rc = td_error_set(err, TD_ENOMEM, "push batch of %zu", n);
        goto out;
    }
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
    f.body_case = TIENDO__FRAME__BODY_PUSH;
    f.push = &push;
    if ((rc = tdc__call(io, &f, &reply, TIENDO__FRAME__BODY_PUSH_ACK, s, err))) goto out;
    s->pushed += n;
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
            td_log_warn("entry seq %llu refused by the server: %s", (unsigned long long)acks[i].seq,
                        acks[i].reason);
        }
    }
out:
    td_frame_free(reply);
    if (ses)
        for (size_t i = 0; i < n; i++)
            if (ses[i]) tiendo__signed_entry__free_unpacked(ses[i], NULL);
    free(ses);
    free(acks);
    return rc;
}

static int tdc__push_all(tdc_replica *r, const tdc_sync_io *io, const tdc_sync_opts *o, tdc_sync_stats *s,
                         td_error *err)
{
    size_t max_n = o->push_max_entries ? o->push_max_entries : TD_PUSH_MAX_ENTRIES;
    size_t max_b = o->push_max_bytes ? o->push_max_bytes : TD_PUSH_MAX_BYTES;
    tdc_replica_meta m;
    uint64_t after = 0, done = 0;
    int rc;

    if ((rc = tdc_replica_meta_get(r, &m, err))) return rc;
    for (;;) {
        tdc_outbox_item *items;
        size_t n;
        /* Strictly after the last seq sent in this run: an entry that
         * stays pending (it cannot, unless the database refuses the ack)
         * is not sent twice in one session. */
        if ((rc = tdc_replica_outbox_pending(r, after, max_n, max_b, &items, &n, err))) return rc;
        if (n == 0) break;
        after = items[n - 1].seq;
        rc = tdc__push_batch(r, io, items, n, s, err);
        tdc_outbox_items_free(items, n);
        if (rc) return rc;
        done += n;
        if (o->progress) o->progress(o->progress_arg, TDC_SYNC_PUSH, done, m.n_pending > done ? m.n_pending : done);
    }
    return TD_OK;
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

static int tdc__pull_all(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io, const tdc_sync_opts *o,
                         tdc_sync_stats *s, td_error *err)
{
    uint32_t limit = o->pull_limit ? o->pull_limit : TD_PULL_MAX_ENTRIES;
    uint64_t total_hint = w->log_size >= tdc_replica_cursor(r) ? w->log_size - tdc_replica_cursor(r) + 1 : 0;
    int rc;

    for (;;) {
        Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
        Tiendo__Pull pull = TIENDO__PULL__INIT;
        Tiendo__Entries *es;
        tdc_pulled *v = NULL;
        uint8_t **bufs = NULL;
        uint64_t since = tdc_replica_cursor(r), next;
        size_t n = 0;

        pull.since = since;
        pull.limit = limit;
        f.body_case = TIENDO__FRAME__BODY_PULL;
        f.pull = &pull;
        if ((rc = tdc__call(io, &f, &reply, TIENDO__FRAME__BODY_ENTRIES, s, err))) return rc;
        es = reply->entries;
        n = es->n_batch;
        if (n) {
            v = calloc(n, sizeof *v);
            bufs = calloc(n, sizeof *bufs);
            if (!v || !bufs) {
                rc = td_error_set(err, TD_ENOMEM, "pulled batch of %zu", n);
                goto batch_done;
            }
        }
        for (size_t i = 0; i < n; i++) {
            const Tiendo__LogEntry *le = es->batch[i];
            if ((rc = tdc__pack_entry(le, &bufs[i], &v[i].len, err))) goto batch_done;
            v[i].index = le->index;
            v[i].body = bufs[i];
            v[i].received_ms = le->received_ms;
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
        s->pulled += n;
        if (o->progress) o->progress(o->progress_arg, TDC_SYNC_PULL, s->pulled, total_hint);
    batch_done:
        if (bufs)
            for (size_t i = 0; i < n; i++) free(bufs[i]);
        free(bufs);
        free(v);
        {
            int more = es->more;
            td_frame_free(reply);
            if (rc) return rc;
            if (!more) break;
        }
    }
    return TD_OK;
}

int tdc_sync_run(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io, const tdc_sync_opts *o,
                 tdc_sync_stats *stats, td_error *err)
{
    tdc_sync_stats local;
    tdc_replica_meta m;
    int rc;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);

    if (!w) return td_error_set(err, TD_EPROTO, "no welcome from the server");
    if (o->agency && strcmp(w->agency ? w->agency : "", o->agency))
        return td_error_set(err, TD_EAUTH, "server took this device for agency \"%s\", its certificate says \"%s\"",
                            w->agency ? w->agency : "", o->agency);
    if ((rc = tdc_replica_meta_get(r, &m, err))) return rc;
    if (!w->has_new && m.n_pending == 0) return TD_OK;   /* one round trip: Hello/Welcome */
    if (m.n_pending && (rc = tdc__push_all(r, io, o, stats, err))) return rc;
    /* What we just stored is new to us too: pull it back, so that the
     * replica's state includes our own entries as the server folded them. */
    if (w->has_new || stats->stored || stats->duplicate) return tdc__pull_all(r, w, io, o, stats, err);
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
