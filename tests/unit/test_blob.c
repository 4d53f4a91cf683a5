/*
 * test_blob.c — attachments through the server session, fed frames without
 * any socket (like test_session.c), on the real storage (ledger + logstore
 * migration 3 in a temp dir): a version-1 session refuses Blob* frames; an
 * upload in chunks resumes in a new session from the server's durable
 * `have`; the finished file is stored once with its hash and type; a chunk
 * at the wrong offset, above TD_BLOB_CHUNK_MAX, without an offer or past
 * the offered size ends the session with an Error naming it; a wrong hash
 * or a content not of the offered type is refused and the session goes on;
 * offers that are empty, too big, of an unknown type or beyond the device
 * quota are refused; partial uploads expire; downloads are allowed only
 * for a file cited by an entry visible to the peer (central: all), chunk by
 * chunk, with offsets checked.
 */
#include <sodium.h>
#include <sys/time.h>

#include "clock.h"
#include "attach.h"
#include "entry.h"
#include "frame.h"
#include "ledger.h"
#include "log.h"
#include "log.pb-c.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#include "proto_ver.h"
#include "session.h"
#include "sync_limits.h"
#include "tsess.h"
#include "tt.h"

static char dir[] = "/tmp/td-blob-XXXXXX";
static dev A, B, C;            /* office so-tu-phap, office so-y-te, central */
static tds_ledger *L;
static uint32_t TA;            /* a task of A's agency, not B's */

static void setup(void)
{
    EVP_PKEY *cak;
    X509 *ca;
    tds_ledger_opts o;
    tds_own_entry own = {0};
    td_plan P;
    td_registry R;
    td_plan_issues is = {0};
    td_error e = {0};
    char data[400];
    uint8_t *pl;
    ts_pki(dir, &ca, &cak);
    mkdev(&A, cak, ca, "so-tu-phap", "pc-a", "office");
    mkdev(&B, cak, ca, "so-y-te", "pc-b", "office");
    mkdev(&C, cak, ca, "so-khcn", "pc-c", "central");
    X509_free(ca);
    EVP_PKEY_free(cak);
    snprintf(data, sizeof data, "%s/data", dir);
    o = ts_opts(data);
    TT_EQ_INT(tds_ledger_open(&o, &L, &e), 0);
    if (!L) return;
    TT_EQ_INT(tds_ledger_start(L, &e), 0);
    TT_EQ_INT(fixture_plan(&P, &R, &is), 0);
    TT_EQ_INT(td_plan_pb_encode(&P, "726-KH-UBND.txt", &pl, &own.len), 0);
    own.kind = TIENDO__ENTRY_KIND__ENTRY_PLAN;
    own.payload = pl;
    TT_EQ_INT(tds_ledger_append_own(L, &own, 1, &e), 0);
    free(pl);
    td_plan_free(&P);
    td_registry_free(&R);
    td_plan_issues_free(&is);
    for (uint32_t t = 1; t <= 81 && !TA; t++)
        if (td_state_agency_on_task(tds_ledger_state(L), t, A.subj.agency) &&
            !td_state_agency_on_task(tds_ledger_state(L), t, B.subj.agency))
            TA = t;
    TT_CHECK(TA != 0);
}

/* A session of d at protocol version v (Welcome checked). */
static void session(const dev *d, uint32_t v)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Hello h = TIENDO__HELLO__INIT;
    tds_session_io io = {.send = cap_send, .end = cap_end, .arg = &O};
    td_frame_free(O.last);
    memset(&O, 0, sizeof O);
    tds_session_init(&S, &d->subj, d->pk, "test-server", &io);
    tds_session_set_backend(&S, tds_ledger_backend(L), d->der, d->der_len);
    h.min_version = 1;
    h.max_version = v;
    f.body_case = TIENDO__FRAME__BODY_HELLO;
    f.hello = &h;
    TT_EQ_INT(feed(&f), 0);
    TT_EQ_INT(O.last->body_case, TIENDO__FRAME__BODY_WELCOME);
    TT_EQ_INT(O.last->welcome->version, v);
}

static int offer(const unsigned char *sha, size_t sha_len, uint64_t size, const char *mime)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__BlobOffer o = TIENDO__BLOB_OFFER__INIT;
    o.sha256.data = (uint8_t *)sha;
    o.sha256.len = sha_len;
    o.size = size;
    o.mime = (char *)mime;
    f.body_case = TIENDO__FRAME__BODY_BLOB_OFFER;
    f.blob_offer = &o;
    return feed(&f);
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
    return feed(&f);
}

static int get(const unsigned char sha[32], uint64_t off)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__BlobGet g = TIENDO__BLOB_GET__INIT;
    g.sha256.data = (uint8_t *)sha;
    g.sha256.len = 32;
    g.offset = off;
    f.body_case = TIENDO__FRAME__BODY_BLOB_GET;
    f.blob_get = &g;
    return feed(&f);
}

static int ping(void)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Ping p = TIENDO__PING__INIT;
    p.nonce = 7;
    f.body_case = TIENDO__FRAME__BODY_PING;
    f.ping = &p;
    return feed(&f) == 0 && O.last->body_case == TIENDO__FRAME__BODY_PONG;
}

static const Tiendo__BlobStatus *status(void)
{
    if (!O.last || O.last->body_case != TIENDO__FRAME__BODY_BLOB_STATUS) return NULL;
    return O.last->blob_status;
}

static int error_is(Tiendo__ErrorCode code, const char *needle)
{
    return O.last && O.last->body_case == TIENDO__FRAME__BODY_ERROR && O.last->error->code == code &&
           strstr(O.last->error->message, needle) != NULL && O.ended == 1;
}

/* A PDF of n bytes (n >= 16), distinct per seed. */
static uint8_t *pdf(size_t n, unsigned seed)
{
    uint8_t *p = malloc(n);
    memcpy(p, "%PDF-1.4\n", 9);
    for (size_t i = 9; i < n; i++) p[i] = (uint8_t)(i * 31 + seed);
    return p;
}

#define CH TD_BLOB_CHUNK_MAX
/* 2.5 chunks: three chunks, the last one short */
#define PDF_N (2 * CH + CH / 2)

static unsigned char SHA_P1[32];
static uint8_t *P1;

static void test_v1_session_refuses_blob_frames(void)
{
    unsigned char sha[32] = {0};
    session(&A, 1);
    TT_EQ_INT(offer(sha, 32, 10, "application/pdf"), TD_EPROTO);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_UNEXPECTED, "not accepted in protocol 1"));
}

static void test_upload_resumes_and_stores_once(void)
{
    const Tiendo__BlobStatus *st;
    tds_blob_meta m;
    uint8_t back[100];
    td_error e = {0};
    int found = 0;
    P1 = pdf(PDF_N, 1);
    crypto_hash_sha256(SHA_P1, P1, PDF_N);
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(offer(SHA_P1, 32, PDF_N, "application/pdf"), 0);
    TT_CHECK((st = status()) != NULL);
    if (!st) return;
    TT_EQ_INT(st->have, 0);
    TT_EQ_INT(st->complete, 0);
    TT_EQ_INT(chunk(SHA_P1, 0, P1, CH), 0);
    TT_CHECK((st = status()) && st->have == CH && !st->complete);
    /* the link is cut here: a new session resumes at the durable offset */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(offer(SHA_P1, 32, PDF_N, "application/pdf"), 0);
    TT_CHECK((st = status()) && st->have == CH);
    TT_EQ_INT(chunk(SHA_P1, CH, P1 + CH, CH), 0);
    TT_CHECK((st = status()) && st->have == 2 * CH && !st->complete);
    TT_EQ_INT(chunk(SHA_P1, 2 * CH, P1 + 2 * CH, PDF_N - 2 * CH), 0);
    TT_CHECK((st = status()) && st->complete && st->have == PDF_N && !*st->refused);
    TT_EQ_INT(tds_logstore_blob_find(tds_ledger_store(L), SHA_P1, &found, &m, &e), 0);
    TT_EQ_INT(found, 1);
    TT_EQ_INT(m.size, PDF_N);
    TT_EQ_STR(m.mime, "application/pdf");
    TT_EQ_INT(tds_logstore_blob_read(tds_ledger_store(L), &m, CH - 50, back, 100, &e), 0);
    TT_CHECK(memcmp(back, P1 + CH - 50, 100) == 0);
    /* offered again by its uploader (a retry): complete at once */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(offer(SHA_P1, 32, PDF_N, "application/pdf"), 0);
    TT_CHECK((st = status()) && st->complete && st->have == PDF_N);
    /* by another office, that may not see it: answered as a file not
     * stored (an upload starts at 0), with the wrong size too */
    session(&B, TD_PROTO_MAX);
    TT_EQ_INT(offer(SHA_P1, 32, PDF_N, "application/pdf"), 0);
    TT_CHECK((st = status()) && !st->complete && st->have == 0 && !*st->refused);
    TT_EQ_INT(offer(SHA_P1, 32, 89, "application/pdf"), 0);
    TT_CHECK((st = status()) && !st->complete && st->have == 0 && !*st->refused);
    TT_EQ_INT(tds_logstore_upload_drop(tds_ledger_store(L), B.pk, SHA_P1, &e), 0);
}

static void test_chunk_violations_end_the_session(void)
{
    uint8_t *p = pdf(CH + 1, 2);
    unsigned char sha[32], other[32] = {9};
    crypto_hash_sha256(sha, p, CH + 1);
    /* wrong offset */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(offer(sha, 32, CH + 1, "application/pdf"), 0);
    TT_EQ_INT(chunk(sha, 100, p, 10), TD_EPROTO);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_UNEXPECTED, "at offset 100, expected 0"));
    /* above TD_BLOB_CHUNK_MAX */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(chunk(sha, 0, p, CH + 1), TD_ETOOBIG);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_TOO_BIG, "TD_BLOB_CHUNK_MAX"));
    /* empty chunk */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(chunk(sha, 0, p, 0), TD_ETOOBIG);
    /* without an offer */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(chunk(other, 0, p, 10), TD_EPROTO);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_UNEXPECTED, "no upload offered"));
    /* past the offered size */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(offer(sha, 32, 20, "application/pdf"), 0);
    TT_EQ_INT(chunk(sha, 0, p, 30), TD_EPROTO);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_UNEXPECTED, "past the offered size"));
    /* a hash that is not 32 bytes */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(offer(sha, 31, 20, "application/pdf"), TD_EPROTO);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_BAD_FRAME, "expected 32"));
    free(p);
}

static void test_bad_content_refused_session_goes_on(void)
{
    const Tiendo__BlobStatus *st;
    uint8_t *p = pdf(1000, 3);
    unsigned char sha[32], wrong[32];
    tds_blob_meta m;
    tds_upload u;
    td_error e = {0};
    int found = 1;
    crypto_hash_sha256(sha, p, 1000);
    memcpy(wrong, sha, 32);
    wrong[0] ^= 1;
    session(&A, TD_PROTO_MAX);
    /* bytes that do not hash to the offer */
    TT_EQ_INT(offer(wrong, 32, 1000, "application/pdf"), 0);
    TT_EQ_INT(chunk(wrong, 0, p, 1000), 0);
    TT_CHECK((st = status()) && !st->complete && st->have == 0 && strstr(st->refused, "do not hash") &&
             strstr(st->refused_vi, "mã băm"));
    TT_EQ_INT(tds_logstore_blob_find(tds_ledger_store(L), wrong, &found, &m, &e), 0);
    TT_EQ_INT(found, 0);
    TT_EQ_INT(tds_logstore_upload_get(tds_ledger_store(L), A.pk, wrong, &found, &u, &e), 0);
    TT_EQ_INT(found, 0);   /* dropped */
    TT_EQ_INT(O.ended, 0);
    TT_CHECK(ping());
    /* a PDF offered as PNG */
    TT_EQ_INT(offer(sha, 32, 1000, "image/png"), 0);
    TT_EQ_INT(chunk(sha, 0, p, 1000), 0);
    TT_CHECK((st = status()) && !st->complete && strstr(st->refused, "offered as image/png, content is application/pdf"));
    TT_EQ_INT(tds_logstore_blob_find(tds_ledger_store(L), sha, &found, &m, &e), 0);
    TT_EQ_INT(found, 0);
    /* offers refused outright */
    TT_EQ_INT(offer(sha, 32, 0, "application/pdf"), 0);
    TT_CHECK((st = status()) && strstr(st->refused, "must be 1.."));
    TT_EQ_INT(offer(sha, 32, TD_ATTACH_MAX_BYTES + 1, "application/pdf"), 0);
    TT_CHECK((st = status()) && strstr(st->refused, "TD_ATTACH_MAX_BYTES"));
    TT_EQ_INT(offer(sha, 32, 1000, "application/x-msdownload"), 0);
    TT_CHECK((st = status()) && strstr(st->refused, "not an accepted type") && strstr(st->refused_vi, "PDF"));
    TT_EQ_INT(O.ended, 0);
    TT_CHECK(ping());
    free(p);
}

static void test_quota_and_expiry(void)
{
    const Tiendo__BlobStatus *st;
    unsigned char sha[32];
    uint64_t reserved = 0, gone = 0;
    td_error e = {0};
    int k;
    uint8_t data[10] = "%PDF-1.4\n";
    session(&B, TD_PROTO_MAX);
    /* offers reserve their size: 12 x 10 MiB fit in 128 MiB, the 13th not */
    for (k = 0; k < 13; k++) {
        memset(sha, 0, sizeof sha);
        sha[0] = (unsigned char)(k + 1);
        sha[1] = 0xB0;
        TT_EQ_INT(offer(sha, 32, TD_ATTACH_MAX_BYTES, "application/pdf"), 0);
        if (!(st = status()) || *st->refused) break;
    }
    TT_EQ_INT(k, 12);
    TT_CHECK(st && strstr(st->refused, "quota") && strstr(st->refused, "TD_BLOB_DEVICE_QUOTA"));
    /* its chunks have no upload to go to */
    TT_EQ_INT(chunk(sha, 0, data, sizeof data), TD_EPROTO);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_UNEXPECTED, "no upload offered"));
    TT_EQ_INT(tds_logstore_upload_reserved(tds_ledger_store(L), B.pk, sha, &reserved, &e), 0);
    TT_EQ_INT(reserved, 12ull * TD_ATTACH_MAX_BYTES);
    /* A's quota is its own */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(offer(sha, 32, TD_ATTACH_MAX_BYTES, "application/pdf"), 0);
    TT_CHECK((st = status()) && !*st->refused);
    /* untouched uploads expire and free the quota */
    TT_EQ_INT(tds_logstore_upload_expire(tds_ledger_store(L), INT64_MAX, &gone, &e), 0);
    TT_EQ_INT(gone, 14);   /* B's 12, A's just now, A's unfinished one of the violations test */
    TT_EQ_INT(tds_logstore_upload_reserved(tds_ledger_store(L), B.pk, sha, &reserved, &e), 0);
    TT_EQ_INT(reserved, 0);
}

/* A report by d on task citing the file sha of n bytes. */
static uint8_t *report_citing(const dev *d, uint64_t seq, uint32_t task, const unsigned char sha[32], uint64_t n,
                              size_t *len)
{
    Tiendo__ReportPayload rp = TIENDO__REPORT_PAYLOAD__INIT;
    Tiendo__Attachment at = TIENDO__ATTACHMENT__INIT, *ap = &at;
    td_entry_fields f = {0};
    uint8_t *pl, *sbuf = NULL;
    td_error e;
    struct timeval tv;
    at.sha256.data = (uint8_t *)sha;
    at.sha256.len = 32;
    at.name = "bien-ban.pdf";
    at.mime = "application/pdf";
    at.size = n;
    rp.task = task;
    rp.agency = (char *)d->subj.agency;
    rp.period = "2025-05";
    rp.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
    rp.percent = 40;
    rp.result = "Đã họp";
    rp.attachments = &ap;
    rp.n_attachments = 1;
    pl = malloc(tiendo__report_payload__get_packed_size(&rp));
    f.payload_len = tiendo__report_payload__pack(&rp, pl);
    tv.tv_sec = (time_t)(td_clock_now_ms() / 1000);
    f.kind = TIENDO__ENTRY_KIND__ENTRY_REPORT;
    f.seq = seq;
    f.device_time_ms = (int64_t)tv.tv_sec * 1000;
    f.hlc = td_hlc_next(0, f.device_time_ms) + seq;
    f.agency = d->subj.agency;
    f.payload = pl;
    TT_EQ_INT(td_entry_sign_raw(d->pk, d->sk, &f, &sbuf, len, &e), 0);
    free(pl);
    return sbuf;
}

static void test_download_permission(void)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Push p = TIENDO__PUSH__INIT;
    Tiendo__SignedEntry *se;
    uint8_t *body;
    size_t len;
    const Tiendo__BlobChunk *c;
    /* not cited yet: only its uploading device (and central) may fetch it */
    session(&A, TD_PROTO_MAX);
    TT_EQ_INT(get(SHA_P1, 0), 0);
    session(&B, TD_PROTO_MAX);
    TT_EQ_INT(get(SHA_P1, 0), TD_EAUTH);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_AUTH, "not held, or cited by no entry"));
    /* A's report on its task cites it */
    session(&A, TD_PROTO_MAX);
    body = report_citing(&A, 1, TA, SHA_P1, PDF_N, &len);
    se = tiendo__signed_entry__unpack(NULL, len, body);
    p.entries = &se;
    p.n_entries = 1;
    f.body_case = TIENDO__FRAME__BODY_PUSH;
    f.push = &p;
    TT_EQ_INT(feed(&f), 0);
    TT_CHECK(O.last->body_case == TIENDO__FRAME__BODY_PUSH_ACK &&
             O.last->push_ack->acks[0]->status == TIENDO__ACK_STATUS__ACK_STORED);
    tiendo__signed_entry__free_unpacked(se, NULL);
    free(body);
    /* now A may fetch it, chunk by chunk */
    TT_EQ_INT(get(SHA_P1, 0), 0);
    TT_CHECK(O.last->body_case == TIENDO__FRAME__BODY_BLOB_CHUNK);
    c = O.last->blob_chunk;
    TT_CHECK(c->offset == 0 && c->data.len == CH && c->size == PDF_N && !strcmp(c->mime, "application/pdf") &&
             memcmp(c->data.data, P1, CH) == 0);
    TT_EQ_INT(get(SHA_P1, 2 * CH), 0);
    c = O.last->blob_chunk;
    TT_CHECK(c->data.len == PDF_N - 2 * CH && memcmp(c->data.data, P1 + 2 * CH, c->data.len) == 0);
    TT_EQ_INT(get(SHA_P1, PDF_N + 1), TD_EARG);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_UNEXPECTED, "past its"));
    /* an office of an agency with no part in the task may not */
    session(&B, TD_PROTO_MAX);
    TT_EQ_INT(get(SHA_P1, 0), TD_EAUTH);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_AUTH, "cited by no entry visible to agency so-y-te"));
    /* central may */
    session(&C, TD_PROTO_MAX);
    TT_EQ_INT(get(SHA_P1, CH), 0);
    TT_CHECK(O.last->body_case == TIENDO__FRAME__BODY_BLOB_CHUNK && O.last->blob_chunk->data.len == CH);
    /* B's own report on A's task (no role there) cites it: stored, refused
     * by the fold, and grants B nothing */
    session(&B, TD_PROTO_MAX);
    body = report_citing(&B, 1, TA, SHA_P1, PDF_N, &len);
    se = tiendo__signed_entry__unpack(NULL, len, body);
    p.entries = &se;
    TT_EQ_INT(feed(&f), 0);
    TT_CHECK(O.last->body_case == TIENDO__FRAME__BODY_PUSH_ACK &&
             O.last->push_ack->acks[0]->status == TIENDO__ACK_STATUS__ACK_STORED);
    tiendo__signed_entry__free_unpacked(se, NULL);
    free(body);
    TT_EQ_INT(get(SHA_P1, 0), TD_EAUTH);
    TT_CHECK(error_is(TIENDO__ERROR_CODE__ERR_AUTH, "cited by no entry visible to agency so-y-te"));
    /* B sends the whole content again: it holds the file, may use it */
    {
        const Tiendo__BlobStatus *st;
        session(&B, TD_PROTO_MAX);   /* the refusal ended the session */
        TT_EQ_INT(offer(SHA_P1, 32, PDF_N, "application/pdf"), 0);
        TT_CHECK((st = status()) && !*st->refused && st->have == 0);
        TT_EQ_INT(chunk(SHA_P1, 0, P1, CH), 0);
        TT_EQ_INT(chunk(SHA_P1, CH, P1 + CH, CH), 0);
        TT_EQ_INT(chunk(SHA_P1, 2 * CH, P1 + 2 * CH, PDF_N - 2 * CH), 0);
        st = status();
        TT_CHECK(st && st->complete && !*st->refused);
        TT_EQ_INT(get(SHA_P1, 0), 0);
        TT_CHECK(O.last->body_case == TIENDO__FRAME__BODY_BLOB_CHUNK);
    }
}

int main(void)
{
    td_log_set_level(TD_LOG_ERROR);
    (void)tc_pki_make;
    (void)tc_pki_remove;
    if (!mkdtemp(dir)) return 1;
    setup();
    if (L && TA) {
        TT_RUN(test_v1_session_refuses_blob_frames);
        TT_RUN(test_upload_resumes_and_stores_once);
        TT_RUN(test_chunk_violations_end_the_session);
        TT_RUN(test_bad_content_refused_session_goes_on);
        TT_RUN(test_quota_and_expiry);
        TT_RUN(test_download_permission);
    }
    tds_ledger_close(L);
    td_frame_free(O.last);
    free(P1);
    free(A.der);
    free(B.der);
    free(C.der);
    {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return tt_report();
}
