/*
 * td_blobpeer — a hostile (or curious) attachment peer for attachments.sh,
 * over a real TLS session with a valid device certificate (client/link.h).
 *
 *   td_blobpeer MODE --dir DEVDIR --server H:P [--sha HEX]
 *
 * MODE:
 *   bigchunk   offer a file, send a chunk of TD_BLOB_CHUNK_MAX + 1 bytes
 *   badoffset  offer a file, send its first chunk at offset 1000
 *   badhash    offer 70000 bytes under a hash they do not have, send them
 *              all; then ping (the session must go on)
 *   quota      offer 10 MiB files under distinct made-up hashes until the
 *              server refuses, then send a chunk of the refused one
 *   get        fetch --sha; prints "got N bytes" or the server's Error
 *   offer      offer --sha with --size bytes (application/pdf) and print the
 *              answer, nothing more: the probe of whether a hash is stored
 *   holdrenew  keep the session alive with a Ping every 200 ms until the
 *              file --until exists (at most 60 s), then send RenewRequest
 *              with the DER CSR in --csr; prints "pong" per Ping, then
 *              "renew issued index=I" or "renew refused: R", or the
 *              server's Error ("error CODE: MESSAGE") when it ended the
 *              session; exit 0 iff the server answered something
 *   cite       push one report of the device's agency on --task for
 *              --period (seq --seq, default 1) citing --sha (--size bytes)
 *              as an attachment it never uploaded; prints "ack STATUS
 *              index=I reason=R"; exit 0 iff the server answered.
 *              --hlc-ms MS: sign with the hybrid clock of wall time MS
 *              (a clock far ahead: year 3000 is 32503680000000);
 *              --pad N: a result text of N bytes; --count K: K such
 *              entries (seq, seq+1, ...) in one Push, then prints "acks
 *              stored=S refused=R" and the next frame (the server may end
 *              the session: "error CODE: MESSAGE")
 * Prints one line per server answer ("status have=H complete=C refused=R",
 * "error CODE: MESSAGE", "pong", "offers accepted K") and exits 0 when the
 * exchange went as the mode expects: an Error for bigchunk, badoffset and
 * the quota's last chunk; a refusal then a pong for badhash.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "attach.h"
#include "blob.h"
#include "clock.h"
#include "device.h"
#include "entry.h"
#include "identity.h"
#include "frame.h"
#include "link.h"
#include "log.h"
#include "log.pb-c.h"
#include "sync.h"
#include "sync_limits.h"

static tdc_link *L;

/* Send f, print the answer; returns its body case (0 on transport
 * failure, -1 for an Error frame). */
static int call(const Tiendo__Frame *f)
{
    Tiendo__Frame *r = NULL;
    td_error err = {0};
    int bc;
    if (tdc_link_send(L, f, &err) || tdc_link_recv(L, &r, 0, &err)) {
        printf("error %d: %s\n", err.code, err.msg);
        return -1;
    }
    bc = (int)r->body_case;
    if (r->body_case == TIENDO__FRAME__BODY_BLOB_STATUS)
        printf("status have=%llu complete=%d refused=%s\n", (unsigned long long)r->blob_status->have,
               r->blob_status->complete, r->blob_status->refused ? r->blob_status->refused : "");
    else if (r->body_case == TIENDO__FRAME__BODY_PONG) printf("pong\n");
    else if (r->body_case == TIENDO__FRAME__BODY_BLOB_CHUNK)
        printf("chunk offset=%llu len=%zu size=%llu\n", (unsigned long long)r->blob_chunk->offset,
               r->blob_chunk->data.len, (unsigned long long)r->blob_chunk->size);
    else printf("%s\n", td_frame_name(r));
    td_frame_free(r);
    return bc;
}

static int offer(const unsigned char sha[32], uint64_t size, const char *mime, const char **refused)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT, *r = NULL;
    Tiendo__BlobOffer o = TIENDO__BLOB_OFFER__INIT;
    td_error err = {0};
    int rc = 0;
    static char why[300];
    o.sha256.data = (uint8_t *)sha;
    o.sha256.len = 32;
    o.size = size;
    o.mime = (char *)mime;
    f.body_case = TIENDO__FRAME__BODY_BLOB_OFFER;
    f.blob_offer = &o;
    *refused = NULL;
    if (tdc_link_send(L, &f, &err) || tdc_link_recv(L, &r, 0, &err)) {
        printf("error %d: %s\n", err.code, err.msg);
        return -1;
    }
    if (r->body_case != TIENDO__FRAME__BODY_BLOB_STATUS) rc = -1;
    else if (r->blob_status->refused && *r->blob_status->refused) {
        snprintf(why, sizeof why, "%s", r->blob_status->refused);
        *refused = why;
    }
    td_frame_free(r);
    return rc;
}

static int chunk(const unsigned char sha[32], uint64_t off, const uint8_t *p, size_t n)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__BlobChunk c = TIENDO__BLOB_CHUNK__INIT;
    c.sha256.data = (uint8_t *)sha;
    c.sha256.len = 32;
    c.offset = off;
    c.data.data = (uint8_t *)p;
    c.data.len = n;
    f.body_case = TIENDO__FRAME__BODY_BLOB_CHUNK;
    f.blob_chunk = &c;
    return call(&f);
}

static int tdp_send(void *arg, const Tiendo__Frame *f, td_error *err) { return tdc_link_send(arg, f, err); }
static int tdp_recv(void *arg, Tiendo__Frame **out, td_error *err) { return tdc_link_recv(arg, out, 0, err); }

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "", *dir = NULL, *server = NULL, *hex = NULL, *refused;
    const char *period = "2025-06", *until = NULL, *csr_path = NULL;
    uint64_t size = 1000, seq = 1, hlc_ms = 0, pad = 0, count = 1;
    uint32_t task = 0;
    tdc_device dev;
    tdc_link_opts lo;
    td_error err = {0};
    size_t big = TD_BLOB_CHUNK_MAX + 1;
    uint8_t *p = calloc(1, big + 70000);
    unsigned char sha[32];
    int ok = 0;

    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--server")) server = argv[i + 1];
        else if (!strcmp(argv[i], "--sha")) hex = argv[i + 1];
        else if (!strcmp(argv[i], "--size")) size = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seq")) seq = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--task")) task = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--period")) period = argv[i + 1];
        else if (!strcmp(argv[i], "--until")) until = argv[i + 1];
        else if (!strcmp(argv[i], "--hlc-ms")) hlc_ms = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--pad")) pad = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--count")) count = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--csr")) csr_path = argv[i + 1];
    }
    setvbuf(stdout, NULL, _IOLBF, 0);   /* scripts read it while it runs */
    signal(SIGPIPE, SIG_IGN);           /* a server that ended the session must not kill us on a write */
    td_log_set_level(TD_LOG_ERROR);
    if (!dir || !server || sodium_init() < 0 || tdc_device_load(&dev, dir, &err)) {
        fprintf(stderr, "td_blobpeer: usage, or device: %s\n", err.msg);
        free(p);
        return 2;
    }
    memset(&lo, 0, sizeof lo);
    lo.dev = &dev;
    lo.server = server;
    if (!(L = tdc_link_open(&lo, &err))) {
        fprintf(stderr, "td_blobpeer: %s\n", err.msg);
        free(p);
        return 1;
    }
    memcpy(p, "%PDF-1.4\n", 9);
    for (size_t i = 9; i < big + 70000; i++) p[i] = (uint8_t)(i * 13 + 5);
    crypto_hash_sha256(sha, p, big + 10);
    if (!strcmp(mode, "bigchunk")) {
        ok = offer(sha, big + 10, "application/pdf", &refused) == 0 && chunk(sha, 0, p, big) == -1;
    } else if (!strcmp(mode, "badoffset")) {
        ok = offer(sha, big + 10, "application/pdf", &refused) == 0 && chunk(sha, 1000, p, 1000) == -1;
    } else if (!strcmp(mode, "badhash")) {
        Tiendo__Frame f = TIENDO__FRAME__INIT;
        Tiendo__Ping pg = TIENDO__PING__INIT;
        unsigned char wrong[32];
        memcpy(wrong, sha, 32);
        wrong[31] ^= 0x5a;
        ok = offer(wrong, 70000, "application/pdf", &refused) == 0 && !refused &&
             chunk(wrong, 0, p, TD_BLOB_CHUNK_MAX) == TIENDO__FRAME__BODY_BLOB_STATUS &&
             chunk(wrong, TD_BLOB_CHUNK_MAX, p + TD_BLOB_CHUNK_MAX, 70000 - TD_BLOB_CHUNK_MAX) ==
                 TIENDO__FRAME__BODY_BLOB_STATUS;
        f.body_case = TIENDO__FRAME__BODY_PING;
        f.ping = &pg;
        ok = ok && call(&f) == TIENDO__FRAME__BODY_PONG;
    } else if (!strcmp(mode, "quota")) {
        int k;
        for (k = 0; k < 100; k++) {
            unsigned char s[32];
            memset(s, 0, sizeof s);
            s[0] = 0xEE;
            s[1] = (unsigned char)k;
            if (offer(s, TD_ATTACH_MAX_BYTES, "application/pdf", &refused)) break;
            if (refused) {
                printf("offers accepted %d\nrefused: %s\n", k, refused);
                ok = chunk(s, 0, p, 100) == -1;
                break;
            }
        }
    } else if (!strcmp(mode, "get") && hex) {
        tdc_sync_io io = {L, tdp_send, tdp_recv};
        unsigned char want[32];
        uint8_t *got = NULL;
        size_t n = 0;
        char mime[128];
        if (tdc_blob_unhex(hex, want) == 0) {
            int rc = tdc_sync_blob_fetch(&io, want, &got, &n, mime, &err);
            if (rc) printf("error %d: %s\n", rc, err.msg);
            else printf("got %zu bytes\n", n);
            ok = rc == 0;
            free(got);
        }
    } else if (!strcmp(mode, "offer") && hex) {
        Tiendo__Frame f = TIENDO__FRAME__INIT;
        Tiendo__BlobOffer o = TIENDO__BLOB_OFFER__INIT;
        unsigned char want[32];
        if (tdc_blob_unhex(hex, want) == 0) {
            o.sha256.data = want;
            o.sha256.len = 32;
            o.size = size;
            o.mime = "application/pdf";
            f.body_case = TIENDO__FRAME__BODY_BLOB_OFFER;
            f.blob_offer = &o;
            ok = call(&f) == TIENDO__FRAME__BODY_BLOB_STATUS;
        }
    } else if (!strcmp(mode, "holdrenew") && until && csr_path) {
        Tiendo__Frame f = TIENDO__FRAME__INIT, *r = NULL;
        Tiendo__Ping pg = TIENDO__PING__INIT;
        Tiendo__RenewRequest rq = TIENDO__RENEW_REQUEST__INIT;
        uint8_t der[8192];
        size_t dn = 0;
        FILE *cf = fopen(csr_path, "rb");
        int alive = 1;
        if (cf) {
            dn = fread(der, 1, sizeof der, cf);
            fclose(cf);
        }
        f.body_case = TIENDO__FRAME__BODY_PING;
        f.ping = &pg;
        for (int k = 0; k < 300 && alive; k++) {
            FILE *u = fopen(until, "r");
            if (u) {
                fclose(u);
                break;
            }
            alive = call(&f) == TIENDO__FRAME__BODY_PONG;
            if (alive) {
                struct timespec ts = {0, 200 * 1000000L};
                nanosleep(&ts, NULL);
            }
        }
        if (alive) {
            rq.csr.data = der;
            rq.csr.len = dn;
            f.body_case = TIENDO__FRAME__BODY_RENEW_REQUEST;
            f.renew_request = &rq;
            if (tdc_link_send(L, &f, &err) || tdc_link_recv(L, &r, 0, &err)) {
                printf("error %d: %s\n", err.code, err.msg);
            } else if (r->body_case == TIENDO__FRAME__BODY_RENEW_RESPONSE) {
                if (r->renew_response->issued)
                    printf("renew issued index=%llu\n", (unsigned long long)r->renew_response->cert_index);
                else printf("renew refused: %s\n", r->renew_response->reason);
            } else if (r->body_case == TIENDO__FRAME__BODY_ERROR) {
                printf("error %d: %s\n", (int)r->error->code, r->error->message);
            } else printf("%s\n", td_frame_name(r));
            td_frame_free(r);
        }
        ok = 1;
    } else if (!strcmp(mode, "cite") && hex && task && count >= 1 && count <= 1000 && pad <= (1u << 20)) {
        Tiendo__ReportPayload r = TIENDO__REPORT_PAYLOAD__INIT;
        Tiendo__Attachment a = TIENDO__ATTACHMENT__INIT, *as[1] = {&a};
        Tiendo__Frame f = TIENDO__FRAME__INIT, *ack = NULL;
        Tiendo__Push pu = TIENDO__PUSH__INIT;
        Tiendo__SignedEntry **se = calloc(count, sizeof *se);
        td_identity id;
        unsigned char want[32];
        char *text = malloc(pad + 64);
        uint8_t *pl = NULL;
        size_t pn = 0, made = 0;
        int64_t now = td_clock_now_ms();
        if (se && text && tdc_blob_unhex(hex, want) == 0 &&
            td_identity_load(&id, dev.key_path, dev.cert_path, &err) == 0) {
            if (pad) {
                memset(text, 'a', pad);
                text[pad] = 0;
            } else snprintf(text, pad + 64, "Báo cáo kèm tệp của cơ quan khác");
            a.sha256.data = want;
            a.sha256.len = 32;
            a.name = "bien-ban.pdf";
            a.mime = "application/pdf";
            a.size = size;
            r.task = task;
            r.agency = id.subject.agency;
            r.period = (char *)period;
            r.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
            r.percent = 10;
            r.result = text;
            r.n_attachments = 1;
            r.attachments = as;
            pn = tiendo__report_payload__get_packed_size(&r);
            if ((pl = malloc(pn))) tiendo__report_payload__pack(&r, pl);
            for (made = 0; pl && made < count; made++) {
                td_entry_fields ef = {TIENDO__ENTRY_KIND__ENTRY_REPORT, seq + made,
                                      hlc_ms ? hlc_ms << 16 : td_hlc_next(0, now) + made, now, id.subject.agency, pl,
                                      pn};
                uint8_t *buf = NULL;
                size_t len = 0;
                if (td_entry_sign(&id, &ef, &buf, &len, &err)) break;
                se[made] = tiendo__signed_entry__unpack(NULL, len, buf);
                free(buf);
                if (!se[made]) break;
            }
            if (made == count) {
                pu.n_entries = count;
                pu.entries = se;
                f.body_case = TIENDO__FRAME__BODY_PUSH;
                f.push = &pu;
                if (tdc_link_send(L, &f, &err) || tdc_link_recv(L, &ack, 0, &err))
                    printf("error %d: %s\n", err.code, err.msg);
                else if (ack->body_case == TIENDO__FRAME__BODY_PUSH_ACK && ack->push_ack->n_acks == count) {
                    size_t st = 0, rf = 0;
                    for (size_t k = 0; k < count; k++) {
                        const Tiendo__Ack *ak = ack->push_ack->acks[k];
                        if (ak->status == TIENDO__ACK_STATUS__ACK_STORED) st++;
                        if (ak->status == TIENDO__ACK_STATUS__ACK_REFUSED) rf++;
                        if (count == 1)
                            printf("ack %s index=%llu reason=%s\n",
                                   ak->status == TIENDO__ACK_STATUS__ACK_STORED ? "STORED"
                                   : ak->status == TIENDO__ACK_STATUS__ACK_REFUSED ? "REFUSED" : "OTHER",
                                   (unsigned long long)ak->index, ak->reason ? ak->reason : "");
                    }
                    if (count > 1) {
                        Tiendo__Frame *nx = NULL;
                        printf("acks stored=%zu refused=%zu\n", st, rf);
                        /* what follows: the server ending the session, or a pong */
                        {
                            Tiendo__Frame pf = TIENDO__FRAME__INIT;
                            Tiendo__Ping pg = TIENDO__PING__INIT;
                            pf.body_case = TIENDO__FRAME__BODY_PING;
                            pf.ping = &pg;
                            if (tdc_link_send(L, &pf, &err) || tdc_link_recv(L, &nx, 0, &err))
                                printf("error %d: %s\n", err.code, err.msg);
                            else printf("%s\n", td_frame_name(nx));
                            td_frame_free(nx);
                        }
                    }
                    ok = 1;
                } else printf("%s\n", td_frame_name(ack));
                td_frame_free(ack);
            }
            td_identity_free(&id);
        }
        for (size_t k = 0; se && k < made && k < count; k++)
            if (se[k]) tiendo__signed_entry__free_unpacked(se[k], NULL);
        free(se);
        free(pl);
        free(text);
        if (!ok && err.msg[0]) printf("error %d: %s\n", err.code, err.msg);
    } else {
        fprintf(stderr, "td_blobpeer: unknown mode \"%s\"\n", mode);
    }
    tdc_link_close(L);
    free(p);
    return ok ? 0 : 1;
}
