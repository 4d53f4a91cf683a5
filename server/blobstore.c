/* blobstore.c — see blobstore.h. */
#include "clock.h"
#include "blobstore.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "attach.h"
#include "entry.h"
#include "log.h"
#include "log.pb-c.h"
#include "sync_limits.h"
#include "tiendo.pb-c.h"

static int64_t tds__blob_now(void) { return td_clock_now_ms(); }

/* First 8 bytes of a hash in hex, for messages. */
static void tds__short(const unsigned char sha[32], char out[17])
{
    sodium_bin2hex(out, 17, sha, 8);
}

static void tds__refuse(tds_blob_status *st, const char *vi, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void tds__refuse(tds_blob_status *st, const char *vi, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->refused, sizeof st->refused, fmt, ap);
    va_end(ap);
    snprintf(st->refused_vi, sizeof st->refused_vi, "%s", vi);
}

typedef struct tds__vis {
    const tds_blob_host *l;
    const char *agency;               /* whose view */
    td_role role;
    int visible;
    td_error *err;                    /* for a failed read */
} tds__vis;

/* Was log index idx refused by the fold?  (Refusals are in index order.) */
static int tds__refused(const td_state *st, uint64_t idx)
{
    size_t n = 0, lo = 0, hi;
    const td_refusal *r = td_state_refusals(st, &n);
    hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid].index == idx) return 1;
        if (r[mid].index < idx) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

static int tds__ref_cb(void *arg, uint64_t idx, int kind, const char *agency, uint32_t task)
{
    tds__vis *v = arg;
    const td_state *st = v->l->state(v->l->owner);
    if (idx > td_state_last_index(st)) return 0;   /* not folded yet */
    /* a reference from a refused entry (recorded by servers before the
     * fold decided references) grants nothing */
    v->visible = !tds__refused(st, idx) && td_state_visible(st, kind, agency, task, v->agency, v->role);
    return v->visible;
}

/* Same device: the same key, or two keys of one agency's one device (a
 * renewal between upload and report). */
static int tds__same_device(const td_state *st, const unsigned char a[32], const unsigned char b[32])
{
    const td_author *x, *y;
    if (!memcmp(a, b, 32)) return 1;
    x = td_state_author(st, a);
    y = td_state_author(st, b);
    return x && y && !x->is_server && !strcmp(x->agency, y->agency) && !strcmp(x->device, y->device);
}

/*
 * *yes: the device key (of agency, role) may use the stored file sha:
 * central and inspector devices see every file; a device that uploaded it
 * (or sent its whole content again: a holder) holds it; otherwise only a
 * file cited by a fold-accepted entry visible to agency.  Everything else
 * is answered as if the file did not exist.  The fold is not caught up here.
 */
static int tds__can_use(const tds_blob_host *l, const unsigned char key[32], const char *agency, td_role role,
                        const unsigned char sha[32], const tds_blob_meta *b, int *yes, td_error *err)
{
    tds_logstore *s = l->store;
    const td_state *st = l->state(l->owner);
    tds__vis v = {l, agency, role, 0, err};
    int rc;
    *yes = 0;
    if (role == TD_ROLE_CENTRAL || role == TD_ROLE_INSPECTOR) return *yes = 1, 0;
    if (st && tds__same_device(st, b->uploader, key)) return *yes = 1, 0;
    if ((rc = tds_logstore_blob_held(s, key, sha, yes, err)) || *yes || !st) return rc;
    if ((rc = tds_logstore_blob_refs(s, sha, tds__ref_cb, &v, err)) < 0) return rc;
    *yes = v.visible;
    return 0;
}

int tds_blob_offer(const tds_blob_host *host, const tds_peer *peer, const unsigned char sha[32], uint64_t size, const char *mime,
                   tds_blob_status *out, td_error *err)
{
    tds_logstore *s = host->store;
    tds_blob_meta b;
    tds_upload u;
    uint64_t reserved = 0;
    int64_t now = tds__blob_now();
    char h[17];
    int found, rc;

    memset(out, 0, sizeof *out);
    tds__short(sha, h);
    if ((rc = tds_logstore_upload_expire(s, now - TD_BLOB_PARTIAL_TTL_MS, NULL, err))) return rc;
    if ((rc = tds_logstore_blob_find(s, sha, &found, &b, err))) return rc;
    /* A stored file the device may not use, or offered with another size,
     * is answered as one that does not exist: the offer starts an upload,
     * whose content must then hash to sha (nothing tells whether, or with
     * which size, a hash is stored). */
    if (found && b.size == size) {
        int yes = 0;
        if ((rc = host->catch_up(host->owner, err)) ||
            (rc = tds__can_use(host, peer->pk, peer->subj.agency, peer->subj.role, sha, &b, &yes, err)))
            return rc;
        if (yes) {
            out->have = size;
            out->complete = 1;
            return 0;
        }
    }
    if ((rc = tds_logstore_upload_get(s, peer->pk, sha, &found, &u, err))) return rc;
    if (found && (u.size != size || strcmp(u.mime, mime))) {
        /* the same hash with another size or type: the earlier offer was
         * wrong; start again rather than mix the two */
        if ((rc = tds_logstore_upload_drop(s, peer->pk, sha, err))) return rc;
        found = 0;
    }
    if (found) {
        out->have = u.have;
        return 0;
    }
    if ((rc = tds_logstore_upload_reserved(s, peer->pk, sha, &reserved, err))) return rc;
    if (reserved + size > TD_BLOB_DEVICE_QUOTA) {
        tds__refuse(out,
                    "Thiết bị đã gửi lên quá nhiều tệp đính kèm chưa gắn với báo cáo nào; hãy đồng bộ các báo cáo "
                    "đã ghi rồi gửi tiếp.",
                    "quota: device %s/%s holds %llu bytes of uncited uploads; %llu more exceeds "
                    "TD_BLOB_DEVICE_QUOTA (%llu)",
                    peer->subj.agency, peer->subj.device, (unsigned long long)reserved, (unsigned long long)size,
                    (unsigned long long)TD_BLOB_DEVICE_QUOTA);
        return 0;
    }
    if ((rc = tds_logstore_upload_start(s, peer->pk, sha, size, mime, now, err))) return rc;
    td_log_debug("device %s/%s: upload of %s... (%llu bytes, %s) started", peer->subj.agency, peer->subj.device, h,
                 (unsigned long long)size, mime);
    return 0;
}

/* The check streamed over the chunks when a file is finished. */
typedef struct tds__finish {
    crypto_hash_sha256_state hs;
    td_attach_sniffer *sn;
    const unsigned char *sha;
    const char *mime;
    int why;                          /* 1 wrong hash, 2 wrong type */
    char detail[TD_ERRMSG_MAX];
} tds__finish;

enum { TDS__BAD_HASH = 1, TDS__BAD_TYPE = 2 };

static int tds__finish_cb(void *arg, const uint8_t *p, size_t n)
{
    tds__finish *f = arg;
    unsigned char got[32];
    const char *t;
    td_error e2 = {0};
    if (p) {
        crypto_hash_sha256_update(&f->hs, p, n);
        td_attach_sniffer_update(f->sn, p, n);
        return 0;
    }
    crypto_hash_sha256_final(&f->hs, got);
    if (sodium_memcmp(got, f->sha, 32) != 0) return f->why = TDS__BAD_HASH;
    t = td_attach_sniffer_final(f->sn, td_attach_name_for(f->mime), &e2);
    if (!t || strcmp(t, f->mime)) {
        snprintf(f->detail, sizeof f->detail, "%s", t ? t : e2.msg);
        return f->why = TDS__BAD_TYPE;
    }
    return 0;
}

int tds_blob_chunk(const tds_blob_host *host, const tds_peer *peer, const unsigned char sha[32], uint64_t offset,
                   const uint8_t *data, size_t n, tds_blob_status *out, td_error *err)
{
    tds_logstore *s = host->store;
    tds_blob_meta b;
    tds_upload u;
    tds__finish fin;
    int64_t now = tds__blob_now();
    char h[17];
    int found, rc;

    memset(out, 0, sizeof *out);
    tds__short(sha, h);
    if ((rc = tds_logstore_upload_get(s, peer->pk, sha, &found, &u, err))) return rc;
    if (!found) {
        /* finished meanwhile by another device: nothing more is needed */
        int yes = 0;
        if ((rc = tds_logstore_blob_find(s, sha, &found, &b, err))) return rc;
        if (found && (rc = tds__can_use(host, peer->pk, peer->subj.agency, peer->subj.role, sha, &b, &yes, err)))
            return rc;
        if (yes) {
            out->have = b.size;
            out->complete = 1;
            return 0;
        }
        return td_error_set(err, TD_EPROTO, "blob_chunk for %s...: no upload offered (or it expired); send "
                            "blob_offer first", h);
    }
    if (offset != u.have)
        return td_error_set(err, TD_EPROTO, "blob_chunk for %s... at offset %llu, expected %llu", h,
                            (unsigned long long)offset, (unsigned long long)u.have);
    if (n > u.size - offset)
        return td_error_set(err, TD_EPROTO, "blob_chunk for %s... runs to %llu, past the offered size %llu", h,
                            (unsigned long long)(offset + n), (unsigned long long)u.size);
    if ((rc = tds_logstore_upload_chunk(s, peer->pk, sha, offset, data, n, now, err))) return rc;
    out->have = offset + n;
    if (out->have < u.size) return 0;

    /* The last byte: check and store, one chunk at a time. */
    memset(&fin, 0, sizeof fin);
    if (!(fin.sn = malloc(sizeof *fin.sn))) return td_error_set(err, TD_ENOMEM, "out of memory finishing an upload");
    td_attach_sniffer_init(fin.sn);
    crypto_hash_sha256_init(&fin.hs);
    fin.sha = sha;
    fin.mime = u.mime;
    rc = tds_logstore_upload_finish(s, peer->pk, sha, now, tds__finish_cb, &fin, err);
    free(fin.sn);
    if (rc < 0) return rc;
    if (rc > 0) {
        if (fin.why == TDS__BAD_HASH)
            tds__refuse(out, "Nội dung tệp đính kèm không khớp với mã băm đã khai; tệp đã bị loại, hãy đồng bộ lại.",
                        "file %s...: the %llu bytes received do not hash to the offered SHA-256", h,
                        (unsigned long long)u.size);
        else
            tds__refuse(out, "Nội dung tệp đính kèm không đúng loại tệp đã khai; tệp đã bị loại.",
                        "file %s...: offered as %s, content is %.150s", h, u.mime, fin.detail);
        out->have = 0;
        return tds_logstore_upload_drop(s, peer->pk, sha, err);
    }
    out->complete = 1;
    td_log_info("device %s/%s: attachment %s... stored (%llu bytes, %s)", peer->subj.agency, peer->subj.device, h,
                (unsigned long long)u.size, u.mime);
    return 0;
}

int tds_blob_get(const tds_blob_host *l, const tds_peer *peer, const unsigned char sha[32], uint64_t offset, uint8_t *buf,
                 size_t cap, size_t *n, uint64_t *size, char mime[128], td_error *err)
{
    tds_logstore *s = l->store;
    tds_blob_meta b;
    char h[17];
    int found, rc;

    *n = 0;
    tds__short(sha, h);
    if ((rc = tds_logstore_blob_find(s, sha, &found, &b, err))) return rc;
    if (found && peer->subj.role != TD_ROLE_CENTRAL && peer->subj.role != TD_ROLE_INSPECTOR) {
        if ((rc = l->catch_up(l->owner, err)) ||
            (rc = tds__can_use(l, peer->pk, peer->subj.agency, peer->subj.role, sha, &b, &found, err)))
            return rc;
    }
    if (!found)
        return td_error_set(err, TD_EAUTH, "attachment %s... requested by %s/%s: not held, or cited by no entry "
                            "visible to agency %s", h, peer->subj.agency, peer->subj.device, peer->subj.agency);
    if (offset > b.size)
        return td_error_set(err, TD_EARG, "blob_get of %s... at offset %llu, past its %llu bytes", h,
                            (unsigned long long)offset, (unsigned long long)b.size);
    *n = b.size - offset < cap ? (size_t)(b.size - offset) : cap;
    *size = b.size;
    snprintf(mime, 128, "%s", b.mime);
    return tds_logstore_blob_read(s, &b, offset, buf, *n, err);
}

int tds_blob_note_accepted(const tds_blob_host *l, const tds_logrow *r, td_error *err)
{
    tds_logstore *s = l->store;
    const td_state *st = l->state(l->owner);
    const td_author *au;
    Tiendo__ReportPayload *p;
    td_entry en;
    td_error e2 = {0};
    int rc = 0;
    if (r->kind != TIENDO__ENTRY_KIND__ENTRY_REPORT || !st) return 0;
    if (td_entry_decode(r->body, r->len, &en, &e2)) return 0;
    au = td_state_author(st, en.e->author.data);
    if (!au || !(p = tiendo__report_payload__unpack(NULL, en.e->payload.len, en.e->payload.data))) {
        td_entry_free(&en);
        return 0;
    }
    for (size_t i = 0; i < p->n_attachments && !rc; i++) {
        const unsigned char *sha;
        tds_blob_meta b;
        int found = 0, yes = 0;
        char h[17];
        if (!p->attachments[i] || p->attachments[i]->sha256.len != 32) continue;
        sha = p->attachments[i]->sha256.data;
        if ((rc = tds_logstore_blob_find(s, sha, &found, &b, err)) || !found) continue;
        if ((rc = tds__can_use(l, au->key, au->agency, au->role, sha, &b, &yes, err))) break;
        tds__short(sha, h);
        if (!yes) {
            td_log_warn("log index %llu (report by %s/%s) cites file %s... that its device neither uploaded nor "
                        "can see: no download permission recorded", (unsigned long long)r->idx, au->agency,
                        au->device, h);
            continue;
        }
        rc = tds_logstore_blob_ref_put(s, sha, r->idx, err);
    }
    tiendo__report_payload__free_unpacked(p, NULL);
    td_entry_free(&en);
    return rc;
}
