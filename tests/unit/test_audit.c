/* test_audit.c — the inspector's verifier (client/audit.c) on logs built
 * with real Ed25519 keys, real certificates from a throwaway CA, the real
 * plan 726 and real signed checkpoints: a clean log verifies; each tamper
 * (a flipped byte, a deleted entry, two swapped entries, a forged entry at
 * the end and in the middle, a sequence gap, a truncated log, a checkpoint
 * edited, re-signed with another key, or signed over a wrong root or a
 * wrong state) is reported at the right log index or checkpoint size; the
 * SQLite sources (server.db copy and replica) read the same log; witness
 * cosignatures are checked with the inspector's certificate key. */
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "audit.h"
#include "log.pb-c.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#pragma GCC diagnostic ignored "-Wunused-function"   /* testcerts.h: the file-based PKI is not used here */
#include "tdev.h"
#include "tt.h"

/* Reports in the test log: enough for several checkpoints and refusals. */
#define T_REPORTS 40
/* A checkpoint every this many entries (and one at the end). */
#define T_CP_EVERY 7
#define T_ORIGIN "tiendo/test-server"

static EVP_PKEY *CAK;
static X509 *CA;
static int64_t NOW;
static uint8_t *PLAN_PB;
static size_t PLAN_PB_N;

static dev SRV, YTE, YTE2, INS, INS2, INSR, ROGUE;

static void dev_make(dev *d, const char *cn, const char *o, const char *ou)
{
    EVP_PKEY *k = tc_keygen();
    dev_init(d, k, tc_cert(k, CA, CAK, cn, o, ou, NULL, 0, -1, 30), o, ou);
}

static uint8_t *sign_next(dev *d, int kind, const void *p, size_t pn, size_t *n)
{
    return sign_at(d, kind, p, pn, NOW, n);
}

/* --- a log and its checkpoints ---------------------------------------------- */

#define T_MAX 256
typedef struct tlog {
    uint8_t *b[T_MAX];
    size_t n[T_MAX];
    uint64_t idx[T_MAX];       /* the index the source reports (tampers renumber) */
    size_t len;
    tda_cp cps[T_MAX];
    size_t n_cps;
    tda_cosig cos[4];
    size_t n_cos;
} tlog;

static void L_add(tlog *l, uint8_t *b, size_t n)
{
    l->b[l->len] = b;
    l->n[l->len] = n;
    l->idx[l->len] = l->len + 1;
    l->len++;
}

/* Sign and append (two statements: n is set by the signing call). */
static void L_sign(tlog *l, dev *d, int kind, const void *p, size_t pn)
{
    size_t n;
    uint8_t *b = sign_next(d, kind, p, pn, &n);
    L_add(l, b, n);
}

static void L_cert(tlog *l, const dev *d)
{
    Tiendo__CertPayload p = TIENDO__CERT_PAYLOAD__INIT;
    unsigned char *der = NULL;
    uint8_t *buf;
    size_t pn;
    int len = i2d_X509(d->x, &der);
    p.der.data = der;
    p.der.len = (size_t)len;
    pn = tiendo__cert_payload__get_packed_size(&p);
    buf = malloc(pn);
    tiendo__cert_payload__pack(&p, buf);
    OPENSSL_free(der);
    L_sign(l, &SRV, TIENDO__ENTRY_KIND__ENTRY_CERT, buf, pn);
    free(buf);
}

static void L_report(tlog *l, dev *d, uint32_t task, const char *period, uint32_t pct)
{
    Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
    uint8_t *buf;
    size_t pn;
    p.task = task;
    p.agency = d->agency;
    p.period = (char *)period;
    p.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
    p.percent = pct;
    p.result = "đã triển khai";
    pn = tiendo__report_payload__get_packed_size(&p);
    buf = malloc(pn);
    tiendo__report_payload__pack(&p, buf);
    L_sign(l, d, TIENDO__ENTRY_KIND__ENTRY_REPORT, buf, pn);
    free(buf);
}

/* Checkpoints of this size and above carry the v2 state digest line (a log
 * switched from v1 to v2); 0: every one v1. */
static uint64_t CP_V2_FROM;

/* A signed checkpoint of the first `size` entries, by `signer` (the server's
 * key unless a test says otherwise); root/digest NULL = the true ones. */
static char *make_cp(const tlog *l, uint64_t size, const unsigned char *sk, const unsigned char *root_over,
                     const unsigned char *digest_over)
{
    td_merkle_mem m;
    td_merkle_store ms;
    td_state *st = td_state_new(CA);
    td_checkpoint c = {0};
    td_note_signer s;
    td_apply_result ar;
    td_error e = {0};
    unsigned char leaf[32], dg[32];
    char ext[128], hex[65], *out;
    size_t outlen;
    td_merkle_mem_init(&m);
    ms = td_merkle_mem_store(&m);
    for (uint64_t i = 0; i < size; i++) {
        td_merkle_leaf_hash(l->b[i], l->n[i], leaf);
        if (td_merkle_append(&ms, i, leaf, NULL, &e)) exit(1);
        if (td_state_apply(st, i + 1, l->b[i], l->n[i], NOW + 1000 + (int64_t)i, &ar, &e)) exit(1);
    }
    snprintf(c.origin, sizeof c.origin, "%s", T_ORIGIN);
    c.size = size;
    if (td_merkle_root(&ms, size, c.root, &e)) exit(1);
    if (root_over) memcpy(c.root, root_over, 32);
    if (CP_V2_FROM && size >= CP_V2_FROM) td_state_digest_v2(st, dg);
    else td_state_digest(st, dg);
    if (digest_over) memcpy(dg, digest_over, 32);
    sodium_bin2hex(hex, sizeof hex, dg, 32);
    snprintf(ext, sizeof ext, "%s %s\n", CP_V2_FROM && size >= CP_V2_FROM ? "tiendo-state-v2" : "tiendo-state", hex);
    c.ext = ext;
    c.ext_len = strlen(ext);
    if (td_note_signer_init(&s, T_ORIGIN, TD_NOTE_TYPE_ED25519, sk ? sk : SRV.sk, &e)) exit(1);
    if (td_checkpoint_sign(&c, &s, &out, &outlen, &e)) {
        fprintf(stderr, "sign checkpoint: %s\n", e.msg);
        exit(1);
    }
    td_note_signer_wipe(&s);
    td_merkle_mem_free(&m);
    td_state_free(st);
    return out;
}

static void L_cp(tlog *l, uint64_t size)
{
    td_checkpoint c = {0};
    td_error e = {0};
    tda_cp *cp = &l->cps[l->n_cps++];
    memset(cp, 0, sizeof *cp);
    cp->size = size;
    cp->note = make_cp(l, size, NULL, NULL, NULL);
    if (td_checkpoint_parse(cp->note, strstr(cp->note, "\n\n") - cp->note + 1, &c, &e)) exit(1);
    memcpy(cp->root, c.root, 32);
    cp->has_root = 1;
    td_checkpoint_free(&c);
}

/* The standard log: server cert, plan 726, three device certs, reports by
 * two so-y-te devices (task 49, theirs) with a refused one (task 33, not
 * theirs) every tenth, checkpoints every T_CP_EVERY entries and at the end. */
static void L_build(tlog *l)
{
    memset(l, 0, sizeof *l);
    SRV.seq = YTE.seq = YTE2.seq = INS.seq = ROGUE.seq = 0;
    SRV.hlc = YTE.hlc = YTE2.hlc = INS.hlc = ROGUE.hlc = 0;
    L_cert(l, &SRV);
    L_sign(l, &SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, PLAN_PB, PLAN_PB_N);
    L_cert(l, &YTE);
    L_cert(l, &YTE2);
    L_cert(l, &INS);
    for (int i = 0; i < T_REPORTS; i++) {
        char period[8];
        snprintf(period, sizeof period, "2025-%02d", 1 + i % 12);
        L_report(l, i % 2 ? &YTE2 : &YTE, i % 10 == 9 ? 33 : 49, period, (uint32_t)(i * 2));
    }
    for (size_t s = T_CP_EVERY; s < l->len; s += T_CP_EVERY) L_cp(l, s);
    L_cp(l, l->len);
}

static void L_free(tlog *l)
{
    for (size_t i = 0; i < l->len; i++) free(l->b[i]);
    for (size_t i = 0; i < l->n_cps; i++) free(l->cps[i].note);
    for (size_t i = 0; i < l->n_cos; i++) {
        free(l->cos[i].witness);
        free(l->cos[i].line);
    }
    memset(l, 0, sizeof *l);
}

/* --- an in-memory source over a tlog ------------------------------------------ */

static int mem_scan(void *arg, tda_row_cb cb, void *cb_arg, td_error *err)
{
    tlog *l = arg;
    (void)err;
    for (size_t i = 0; i < l->len; i++) {
        tda_row r = {0};
        int rc;
        r.idx = l->idx[i];
        r.body = l->b[i];
        r.len = l->n[i];
        r.received_ms = NOW + 1000 + (int64_t)i;
        if ((rc = cb(cb_arg, &r))) return rc;
    }
    return 0;
}

static int mem_cps(void *arg, tda_cp **v, size_t *n, td_error *err)
{
    tlog *l = arg;
    (void)err;
    *v = calloc(l->n_cps ? l->n_cps : 1, sizeof **v);
    for (size_t i = 0; i < l->n_cps; i++) {
        (*v)[i] = l->cps[i];
        (*v)[i].note = strdup(l->cps[i].note);
    }
    *n = l->n_cps;
    return 0;
}

static int mem_cos(void *arg, tda_cosig **v, size_t *n, td_error *err)
{
    tlog *l = arg;
    (void)err;
    *v = calloc(l->n_cos ? l->n_cos : 1, sizeof **v);
    for (size_t i = 0; i < l->n_cos; i++) {
        (*v)[i].size = l->cos[i].size;
        (*v)[i].witness = strdup(l->cos[i].witness);
        (*v)[i].line = strdup(l->cos[i].line);
    }
    *n = l->n_cos;
    return 0;
}

static int run(tlog *l, tda_result *res)
{
    tda_source s = {mem_scan, mem_cps, mem_cos, l, NULL, NULL, NULL, NULL};
    td_error e = {0};
    int rc = tda_verify(&s, CA, NULL, NULL, 0, res, &e);
    if (rc) fprintf(stderr, "tda_verify: %s\n", e.msg);
    if (!res->ok) fprintf(stderr, "   -> %s\n", res->what);
    return rc;
}

/* Expect a discrepancy at index idx (and checkpoint cp, 0 = none) whose text has `want`. */
#define T_BAD(res, idx, cp, want) do { TT_EQ_INT((res)->ok, 0); TT_EQ_INT((res)->bad_index, (idx)); \
    TT_EQ_INT((res)->bad_checkpoint, (cp)); if (!strstr((res)->what, (want))) { tt__fail++; \
    fprintf(stderr, "%s:%d: [%s] \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, tt__current, (res)->what, (want)); } } while (0)

static tda_result RES;

/* --- tests -------------------------------------------------------------------- */

static void test_clean(void)
{
    tlog l;
    char out[8192];
    FILE *f;
    L_build(&l);
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.n_entries, l.len);
    TT_EQ_INT(RES.n_authors, 4);
    TT_EQ_INT(RES.n_checkpoints, l.n_cps);
    TT_EQ_INT(RES.n_checkpoints_ok, l.n_cps);
    TT_EQ_INT(RES.max_size, l.len);
    TT_CHECK(!memcmp(RES.max_root, l.cps[l.n_cps - 1].root, 32));
    TT_EQ_STR(RES.origin, T_ORIGIN);
    TT_EQ_INT(RES.n_refused, T_REPORTS / 10);
    TT_EQ_INT(RES.n_refusals_listed, T_REPORTS / 10);
    TT_EQ_INT(RES.refusals[0].index, 5 + 10);
    TT_CHECK(strstr(RES.refusals[0].reason, "neither lead nor partner") != NULL);
    f = fmemopen(out, sizeof out, "w");
    tda_result_print(&RES, f);
    fclose(f);
    TT_CHECK(strstr(out, "Nhật ký hợp lệ: 45 mục") != NULL);
    TT_CHECK(strstr(out, "bị từ chối") != NULL);
    TT_CHECK(strstr(out, "mục 15 (") != NULL);
    /* origin given and wrong: every checkpoint fails at the first */
    {
        tda_source s = {mem_scan, mem_cps, mem_cos, &l, NULL, NULL, NULL, NULL};
        td_error e = {0};
        TT_EQ_INT(tda_verify(&s, CA, "tiendo/other", NULL, 0, &RES, &e), 0);
        T_BAD(&RES, T_CP_EVERY, T_CP_EVERY, "checkpoint");
    }
    L_free(&l);
}

/* Progress: after each checkpoint and at the end, never decreasing; the
 * same result as without; a callback that says stop stops the run. */
typedef struct prog {
    uint64_t seen[T_MAX];
    size_t n, stop_at;
} prog;

static int on_progress(void *arg, uint64_t checked)
{
    prog *p = arg;
    if (p->n < T_MAX) p->seen[p->n] = checked;
    p->n++;
    return p->stop_at && p->n >= p->stop_at;
}

static void test_progress(void)
{
    tlog l;
    tda_source s = {mem_scan, mem_cps, mem_cos, NULL, NULL, NULL, NULL, NULL};
    static tda_result res2;
    prog p;
    td_error e = {0};
    L_build(&l);
    s.arg = &l;
    TT_EQ_INT(run(&l, &RES), 0);
    memset(&p, 0, sizeof p);
    TT_EQ_INT(tda_verify_progress(&s, CA, NULL, NULL, 0, on_progress, &p, &res2, &e), 0);
    TT_CHECK(!memcmp(&RES, &res2, sizeof RES));
    TT_EQ_INT(p.n, l.n_cps + 1);
    for (size_t i = 1; i < p.n; i++) TT_CHECK(p.seen[i] >= p.seen[i - 1]);
    TT_EQ_INT(p.seen[0], T_CP_EVERY);
    TT_EQ_INT(p.seen[p.n - 1], l.len);
    /* stop at the third call */
    memset(&p, 0, sizeof p);
    p.stop_at = 3;
    TT_EQ_INT(tda_verify_progress(&s, CA, NULL, NULL, 0, on_progress, &p, &res2, &e), TD_EINTERNAL);
    TT_EQ_INT(p.n, 3);
    TT_EQ_INT(p.seen[2], 3 * T_CP_EVERY);
    TT_CHECK(strstr(e.msg, "stopped") != NULL);
    /* a discrepancy: the last call says how far the run got */
    L_free(&l);
    L_build(&l);
    l.b[30][l.n[30] - 1] ^= 1;   /* the signature of entry 31 */
    memset(&p, 0, sizeof p);
    TT_EQ_INT(tda_verify_progress(&s, CA, NULL, NULL, 0, on_progress, &p, &res2, &e), 0);
    T_BAD(&res2, 31, 0, "chữ ký");
    TT_EQ_INT(p.seen[p.n - 1], 30);
    L_free(&l);
}

static void test_no_checkpoints(void)
{
    tlog l;
    char out[8192];
    FILE *f;
    L_build(&l);
    for (size_t i = 0; i < l.n_cps; i++) free(l.cps[i].note);
    l.n_cps = 0;
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.n_checkpoints, 0);
    f = fmemopen(out, sizeof out, "w");
    tda_result_print(&RES, f);
    fclose(f);
    TT_CHECK(strstr(out, "CẢNH BÁO: không có checkpoint") != NULL);
    L_free(&l);
}

static void test_flip(void)
{
    tlog l;
    L_build(&l);
    l.b[19][l.n[19] / 2] ^= 0x10;   /* entry 20, in the middle of its bytes */
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 0);
    TT_EQ_INT(RES.bad_index, 20);
    TT_EQ_INT(RES.bad_checkpoint, 0);
    TT_EQ_INT(RES.n_entries, 19);
    L_free(&l);
    /* the last byte: the signature */
    L_build(&l);
    l.b[30][l.n[30] - 1] ^= 0x01;
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 31, 0, "chữ ký không hợp lệ");
    TT_EQ_INT(RES.has_entry, 1);
    TT_EQ_INT(RES.kind, TIENDO__ENTRY_KIND__ENTRY_REPORT);
    L_free(&l);
}

static void test_delete(void)
{
    tlog l;
    L_build(&l);
    free(l.b[11]);
    memmove(&l.b[11], &l.b[12], (l.len - 12) * sizeof l.b[0]);
    memmove(&l.n[11], &l.n[12], (l.len - 12) * sizeof l.n[0]);
    memmove(&l.idx[11], &l.idx[12], (l.len - 12) * sizeof l.idx[0]);
    l.len--;
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 12, 0, "mục 12 bị thiếu");
    L_free(&l);
    /* deleted and renumbered: the author's seq jumps */
    L_build(&l);
    free(l.b[11]);
    memmove(&l.b[11], &l.b[12], (l.len - 12) * sizeof l.b[0]);
    memmove(&l.n[11], &l.n[12], (l.len - 12) * sizeof l.n[0]);
    l.len--;
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 0);
    TT_EQ_INT(RES.bad_index, 13);   /* 12 is now the other device's next entry: fine; 13 skips a seq */
    TT_CHECK(strstr(RES.what, "nhảy") != NULL);
    L_free(&l);
}

static void test_swap(void)
{
    tlog l;
    uint8_t *tb;
    size_t tn;
    /* two entries of one author */
    L_build(&l);
    tb = l.b[10], tn = l.n[10];
    l.b[10] = l.b[20], l.n[10] = l.n[20];
    l.b[20] = tb, l.n[20] = tn;
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 0);
    TT_EQ_INT(RES.bad_index, 11);
    L_free(&l);
    /* adjacent entries of two authors: seqs stay in order, the tree catches it */
    L_build(&l);
    tb = l.b[10], tn = l.n[10];
    l.b[10] = l.b[11], l.n[10] = l.n[11];
    l.b[11] = tb, l.n[11] = tn;
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 14, 14, "gốc cây Merkle");
    L_free(&l);
}

static void test_forged(void)
{
    tlog l;
    size_t n;
    uint8_t *b;
    Tiendo__ReportPayload p = TIENDO__REPORT_PAYLOAD__INIT;
    uint8_t buf[256];
    size_t pn;
    p.task = 49;
    p.agency = "so-y-te";
    p.period = "2025-06";
    p.percent = 100;
    pn = tiendo__report_payload__pack(&p, buf);
    /* at the end, after the last checkpoint */
    L_build(&l);
    snprintf(ROGUE.agency, sizeof ROGUE.agency, "so-y-te");
    ROGUE.seq = 0;
    b = sign_next(&ROGUE, TIENDO__ENTRY_KIND__ENTRY_REPORT, buf, pn, &n);
    L_add(&l, b, n);
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, l.len, 0, "không có chứng thư");
    L_free(&l);
    /* in the middle, the rest renumbered */
    L_build(&l);
    ROGUE.seq = 0;
    b = sign_next(&ROGUE, TIENDO__ENTRY_KIND__ENTRY_REPORT, buf, pn, &n);
    memmove(&l.b[21], &l.b[20], (l.len - 20) * sizeof l.b[0]);
    memmove(&l.n[21], &l.n[20], (l.len - 20) * sizeof l.n[0]);
    l.b[20] = b, l.n[20] = n;
    l.len++;
    for (size_t i = 0; i < l.len; i++) l.idx[i] = i + 1;
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 21, 0, "không có chứng thư");
    L_free(&l);
    /* a device re-signing its own seq (equivocation) */
    L_build(&l);
    YTE.seq = 3;
    b = sign_next(&YTE, TIENDO__ENTRY_KIND__ENTRY_REPORT, buf, pn, &n);
    L_add(&l, b, n);
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, l.len, 0, "không sau số");
    L_free(&l);
}

static void test_gap(void)
{
    tlog l;
    L_build(&l);
    YTE.seq += 2;   /* the next report skips two numbers */
    L_report(&l, &YTE, 49, "2025-07", 90);
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, l.len, 0, "nhảy");
    L_free(&l);
}

static void test_truncate(void)
{
    tlog l;
    L_build(&l);
    for (int k = 0; k < 3; k++) free(l.b[--l.len]);
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 0);
    TT_EQ_INT(RES.bad_checkpoint, l.len + 3);
    TT_CHECK(strstr(RES.what, "nhật ký bị cắt") != NULL);
    TT_CHECK(strstr(RES.what, "chỉ có 42 mục") != NULL);
    L_free(&l);
}

static void test_checkpoint_tampered(void)
{
    tlog l;
    char *p;
    unsigned char other_pk[32], other_sk[64], zero[32] = {0};
    /* one digit of the size in the text changed */
    L_build(&l);
    p = strchr(l.cps[2].note, '\n') + 1;   /* "21\n" */
    *p = '3';
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 21, 21, "chữ ký");
    L_free(&l);
    /* re-signed with another key */
    L_build(&l);
    crypto_sign_keypair(other_pk, other_sk);
    free(l.cps[1].note);
    l.cps[1].note = make_cp(&l, l.cps[1].size, other_sk, NULL, NULL);
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 14, 14, "không có chữ ký của khóa máy chủ");
    L_free(&l);
    /* the server's key over a wrong root */
    L_build(&l);
    free(l.cps[3].note);
    l.cps[3].note = make_cp(&l, l.cps[3].size, NULL, zero, NULL);
    l.cps[3].has_root = 0;
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 28, 28, "gốc cây Merkle");
    L_free(&l);
    /* the root column differs from the signed note */
    L_build(&l);
    l.cps[0].root[0] ^= 1;
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 7, 7, "cột root");
    L_free(&l);
    /* the server's key over a wrong state */
    L_build(&l);
    free(l.cps[4].note);
    l.cps[4].note = make_cp(&l, l.cps[4].size, NULL, NULL, zero);
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 35, 35, "trạng thái tổng hợp");
    L_free(&l);
}

/* A log whose checkpoints switched from the v1 to the v2 state digest:
 * each line is checked with the version it names; a wrong v2 state, or a v1
 * digest under the v2 name, is reported at its checkpoint. */
static void test_digest_versions(void)
{
    tlog l;
    unsigned char zero[32] = {0}, v1[32];
    CP_V2_FROM = 21;
    L_build(&l);
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.n_checkpoints_ok, l.n_cps);
    TT_CHECK(strstr(l.cps[1].note, "\ntiendo-state ") != NULL);
    TT_CHECK(strstr(l.cps[2].note, "\ntiendo-state-v2 ") != NULL);
    free(l.cps[4].note);
    l.cps[4].note = make_cp(&l, l.cps[4].size, NULL, NULL, zero);
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 35, 35, "trạng thái tổng hợp");
    L_free(&l);
    /* the v1 digest of the state, labelled v2 */
    L_build(&l);
    {
        td_state *st = td_state_new(CA);
        td_apply_result ar;
        td_error e = {0};
        for (uint64_t i = 0; i < 28; i++) td_state_apply(st, i + 1, l.b[i], l.n[i], NOW + 1000 + (int64_t)i, &ar, &e);
        td_state_digest(st, v1);
        td_state_free(st);
    }
    free(l.cps[3].note);
    l.cps[3].note = make_cp(&l, l.cps[3].size, NULL, NULL, v1);
    TT_EQ_INT(run(&l, &RES), 0);
    T_BAD(&RES, 28, 28, "trạng thái tổng hợp");
    L_free(&l);
    CP_V2_FROM = 0;
}

static void test_witness(void)
{
    tlog l;
    td_note_signer w;
    td_error e = {0};
    char line[TD_COSIG_LINE_MAX];
    const char *body;
    unsigned char other_pk[32], other_sk[64];
    L_build(&l);
    body = l.cps[l.n_cps - 1].note;
    if (td_note_signer_init(&w, "tiendo-witness/tt-01", TD_NOTE_TYPE_COSIG_V1, INS.sk, &e)) exit(1);
    if (td_cosig_line(&w, body, (size_t)(strstr(body, "\n\n") - body) + 1, (uint64_t)NOW / 1000, line, &e)) exit(1);
    l.cos[0].size = l.cps[l.n_cps - 1].size;
    l.cos[0].witness = strdup("tiendo-witness/tt-01");
    l.cos[0].line = strdup(line);
    /* the same name, another key: not valid */
    crypto_sign_keypair(other_pk, other_sk);
    td_note_signer_wipe(&w);
    body = l.cps[0].note;
    if (td_note_signer_init(&w, "tiendo-witness/tt-01", TD_NOTE_TYPE_COSIG_V1, other_sk, &e)) exit(1);
    if (td_cosig_line(&w, body, (size_t)(strstr(body, "\n\n") - body) + 1, (uint64_t)NOW / 1000, line, &e)) exit(1);
    td_note_signer_wipe(&w);
    l.cos[1].size = l.cps[0].size;
    l.cos[1].witness = strdup("tiendo-witness/tt-01");
    l.cos[1].line = strdup(line);
    l.n_cos = 2;
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.n_witness, 2);
    TT_EQ_INT(RES.max_witnessed, l.len);
    TT_EQ_INT(RES.witness[0].verified, 1);
    TT_EQ_INT(RES.witness[1].verified, 0);
    L_free(&l);
}

/* An inspector that renewed its key (a second certificate of the same CN
 * in the log): its cosignatures under the old key and under the new one
 * both verify; the key hash of the line picks the key, not the name. */
static void test_witness_renewed(void)
{
    tlog l;
    td_note_signer w;
    td_error e = {0};
    char line[TD_COSIG_LINE_MAX];
    const dev *by[2] = {&INS, &INSR};
    memset(&l, 0, sizeof l);
    SRV.seq = YTE.seq = YTE2.seq = INS.seq = INSR.seq = 0;
    SRV.hlc = YTE.hlc = YTE2.hlc = INS.hlc = INSR.hlc = 0;
    L_cert(&l, &SRV);
    L_sign(&l, &SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, PLAN_PB, PLAN_PB_N);
    L_cert(&l, &YTE);
    L_cert(&l, &INS);
    L_cert(&l, &INSR);
    for (int i = 0; i < 12; i++) L_report(&l, &YTE, 49, "2025-03", (uint32_t)(i * 2));
    L_cp(&l, 8);
    L_cp(&l, l.len);
    for (int k = 0; k < 2; k++) {
        const char *body = l.cps[k].note;
        if (td_note_signer_init(&w, "tiendo-witness/tt-01", TD_NOTE_TYPE_COSIG_V1, by[k]->sk, &e)) exit(1);
        if (td_cosig_line(&w, body, (size_t)(strstr(body, "\n\n") - body) + 1, (uint64_t)NOW / 1000, line, &e))
            exit(1);
        td_note_signer_wipe(&w);
        l.cos[k].size = l.cps[k].size;
        l.cos[k].witness = strdup("tiendo-witness/tt-01");
        l.cos[k].line = strdup(line);
    }
    l.n_cos = 2;
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.n_witness, 2);
    TT_EQ_INT(RES.witness[0].verified, 1);   /* the old key */
    TT_EQ_INT(RES.witness[1].verified, 1);   /* the new key */
    L_free(&l);
}

/* A witness whose certificate is not in the log: given from outside. */
static void test_witness_outside(void)
{
    tlog l;
    td_note_signer w;
    td_error e = {0};
    tda_witness_key wk;
    tda_source s;
    char line[TD_COSIG_LINE_MAX];
    const char *body;
    TT_EQ_INT(tda_witness_key_from_cert(INS2.x, CA, &wk, &e), 0);
    TT_EQ_STR(wk.name, "tiendo-witness/tt-02");
    TT_CHECK(!memcmp(wk.pk, INS2.pk, 32));
    TT_EQ_INT(tda_witness_key_from_cert(YTE.x, CA, &wk, &e), TD_ECERT);   /* an office is no witness */
    TT_CHECK(strstr(e.msg, "inspector") != NULL);
    {
        EVP_PKEY *k2 = tc_keygen();
        X509 *ca2 = tc_cert(k2, NULL, NULL, "Other CA", "x", NULL, NULL, 1, -1, 30);
        TT_EQ_INT(tda_witness_key_from_cert(INS2.x, ca2, &wk, &e), TD_ECERT);   /* another CA's */
        X509_free(ca2);
        EVP_PKEY_free(k2);
    }
    TT_EQ_INT(tda_witness_key_from_cert(INS2.x, CA, &wk, &e), 0);
    L_build(&l);
    body = l.cps[2].note;
    if (td_note_signer_init(&w, "tiendo-witness/tt-02", TD_NOTE_TYPE_COSIG_V1, INS2.sk, &e)) exit(1);
    if (td_cosig_line(&w, body, (size_t)(strstr(body, "\n\n") - body) + 1, (uint64_t)NOW / 1000, line, &e)) exit(1);
    td_note_signer_wipe(&w);
    l.cos[0].size = l.cps[2].size;
    l.cos[0].witness = strdup("tiendo-witness/tt-02");
    l.cos[0].line = strdup(line);
    l.n_cos = 1;
    TT_EQ_INT(run(&l, &RES), 0);
    TT_EQ_INT(RES.witness[0].verified, -1);   /* not in the log, not given: unknown */
    TT_EQ_INT(RES.max_witnessed, 0);
    s = (tda_source){mem_scan, mem_cps, mem_cos, &l, NULL, NULL, NULL, NULL};
    TT_EQ_INT(tda_verify(&s, CA, NULL, &wk, 1, &RES, &e), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.witness[0].verified, 1);
    TT_EQ_INT(RES.max_witnessed, 21);
    L_free(&l);
}

/* --- SQLite sources ------------------------------------------------------------ */

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *m = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &m) != SQLITE_OK) {
        fprintf(stderr, "sql: %s: %s\n", sql, m);
        exit(1);
    }
}

/* Write l as a server.db (log + checkpoint) or a replica (pulled + checkpoint). */
static void write_db(const tlog *l, const char *path, int replica, int bad_col_at)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) exit(1);
    if (replica) {
        exec_ok(db, "CREATE TABLE pulled(idx INTEGER PRIMARY KEY, body BLOB NOT NULL, received_ms INTEGER NOT NULL);"
                    "CREATE TABLE checkpoint(size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, verified_ms INTEGER);");
        sqlite3_prepare_v2(db, "INSERT INTO pulled VALUES (?1, ?2, ?3)", -1, &st, NULL);
    } else {
        exec_ok(db, "CREATE TABLE log(idx INTEGER PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL,"
                    " agency TEXT NOT NULL, task INTEGER NOT NULL DEFAULT 0, body BLOB NOT NULL, received_ms INTEGER NOT NULL);"
                    "CREATE TABLE checkpoint(size INTEGER PRIMARY KEY, root BLOB, note TEXT, signed_ms INTEGER);");
        sqlite3_prepare_v2(db, "INSERT INTO log(idx, author, seq, kind, agency, body, received_ms) VALUES (?1, ?4, ?5, ?6, '', ?2, ?3)",
                           -1, &st, NULL);
    }
    exec_ok(db, "BEGIN");
    for (size_t i = 0; i < l->len; i++) {
        td_entry en = {0};
        td_error e = {0};
        if (td_entry_decode(l->b[i], l->n[i], &en, &e)) exit(1);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)l->idx[i]);
        sqlite3_bind_blob(st, 2, l->b[i], (int)l->n[i], SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, NOW + 1000 + (int64_t)i);
        if (!replica) {
            sqlite3_bind_blob(st, 4, en.e->author.data, 32, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 5, (sqlite3_int64)en.e->seq + ((int)i + 1 == bad_col_at));
            sqlite3_bind_int(st, 6, en.e->kind);
        }
        td_entry_free(&en);
        if (sqlite3_step(st) != SQLITE_DONE) exit(1);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db, "INSERT INTO checkpoint(size, root, note) VALUES (?1, ?2, ?3)", -1, &st, NULL);
    for (size_t i = 0; i < l->n_cps; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)l->cps[i].size);
        sqlite3_bind_blob(st, 2, l->cps[i].root, 32, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, l->cps[i].note, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) exit(1);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec_ok(db, "COMMIT");
    sqlite3_close(db);
}

static void test_sqlite_sources(void)
{
    tlog l;
    char path[] = "/tmp/test_audit_XXXXXX";
    char db[sizeof path + 16];
    int fd = mkstemp(path);
    tda_db *d = NULL;
    tda_source s;
    td_error e = {0};
    if (fd < 0) exit(1);
    close(fd);
    unlink(path);
    snprintf(db, sizeof db, "%s?#%%.db", path);   /* URI characters in the path are escaped */
    L_build(&l);
    /* server.db */
    write_db(&l, db, 0, 0);
    TT_EQ_INT(tda_db_open_server(db, &d, &e), 0);
    TT_EQ_INT(tda_db_is_replica(d), 0);
    s = tda_db_source(d);
    TT_EQ_INT(tda_db_size(d), l.len);
    TT_EQ_INT(tda_verify(&s, CA, T_ORIGIN, NULL, 0, &RES, &e), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.n_entries, l.len);
    TT_EQ_INT(RES.n_checkpoints_ok, l.n_cps);
    tda_db_close(d);
    /* not a replica: opening it as one fails and says why */
    TT_CHECK(tda_db_open_replica(db, &d, &e) != 0);
    TT_CHECK(strstr(e.msg, "không phải bản sao dữ liệu") != NULL);
    /* a seq column that differs from the signed body */
    write_db(&l, db, 0, 17);
    TT_EQ_INT(tda_db_open_server(db, &d, &e), 0);
    s = tda_db_source(d);
    TT_EQ_INT(tda_verify(&s, CA, NULL, NULL, 0, &RES, &e), 0);
    T_BAD(&RES, 17, 0, "các cột");
    tda_db_close(d);
    /* a replica */
    write_db(&l, db, 1, 0);
    TT_EQ_INT(tda_db_open_replica(db, &d, &e), 0);
    TT_EQ_INT(tda_db_is_replica(d), 1);
    TT_EQ_INT(tda_db_size(d), l.len);
    s = tda_db_source(d);
    TT_EQ_INT(tda_verify(&s, CA, NULL, NULL, 0, &RES, &e), 0);
    TT_EQ_INT(RES.ok, 1);
    TT_EQ_INT(RES.n_checkpoints_ok, l.n_cps);
    tda_db_close(d);
    /* the database is opened read-only: nothing was written beside it */
    {
        char wal[sizeof db + 8];
        snprintf(wal, sizeof wal, "%s-wal", db);
        TT_CHECK(access(wal, F_OK) != 0);
    }
    unlink(db);
    TT_CHECK(tda_db_open_server(db, &d, &e) == TD_ENOTFOUND);
    L_free(&l);
}

static int count_row(void *arg, const tda_row *r)
{
    (void)r;
    (*(size_t *)arg)++;
    return 0;
}

/* A live server.db (the server writes its WAL meanwhile): the source's one
 * read transaction sees the file as it stood at read_begin. */
static void test_server_live(void)
{
    tlog l;
    char db[] = "/tmp/test_audit_live_XXXXXX";
    int fd = mkstemp(db);
    tda_db *d = NULL;
    tda_source s;
    td_error e = {0};
    sqlite3 *w;
    size_t n = 0;
    char wal[sizeof db + 8], shm[sizeof db + 8];
    if (fd < 0) exit(1);
    close(fd);
    L_build(&l);
    write_db(&l, db, 0, 0);
    /* the server's connection: WAL mode, a commit in the WAL (so the reader opens live, not immutable) */
    if (sqlite3_open(db, &w) != SQLITE_OK) exit(1);
    exec_ok(w, "PRAGMA journal_mode = WAL; CREATE TABLE busy(a); INSERT INTO busy VALUES (1)");
    TT_EQ_INT(tda_db_open_server(db, &d, &e), 0);
    s = tda_db_source(d);
    TT_CHECK(s.read_begin && s.read_end);
    TT_EQ_INT(s.read_begin(s.arg, &e), 0);
    exec_ok(w, "DELETE FROM log WHERE idx = (SELECT max(idx) FROM log)");   /* committed after the read began */
    TT_EQ_INT(s.scan(s.arg, count_row, &n, &e), 0);
    TT_EQ_INT(n, l.len);
    s.read_end(s.arg);
    n = 0;
    TT_EQ_INT(s.scan(s.arg, count_row, &n, &e), 0);
    TT_EQ_INT(n, l.len - 1);   /* after read_end: the file as it is now */
    tda_db_close(d);
    sqlite3_close(w);
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    unlink(wal);
    unlink(shm);
    unlink(db);
    L_free(&l);
}

int main(void)
{
    td_plan plan;
    td_plan_issues is = {0};
    td_registry reg;
    if (sodium_init() < 0) return 1;
    NOW = td_clock_now_ms();
    CAK = tc_keygen();
    CA = tc_cert(CAK, NULL, NULL, "Test CA", "test", NULL, NULL, 1, -1, 30);
    if (fixture_plan(&plan, &reg, &is)) return 1;
    if (td_plan_pb_encode(&plan, "726-KH-UBND.txt", &PLAN_PB, &PLAN_PB_N)) return 1;
    dev_make(&SRV, "test-server", NULL, "server");
    dev_make(&YTE, "yte-01", "so-y-te", "office");
    dev_make(&YTE2, "yte-02", "so-y-te", "office");
    dev_make(&INS, "tt-01", "thanh-tra", "inspector");
    dev_make(&INSR, "tt-01", "thanh-tra", "inspector");   /* INS after a key renewal */
    dev_make(&INS2, "tt-02", "thanh-tra", "inspector");   /* never in the log: a witness known from its certificate */
    dev_make(&ROGUE, "rogue", "so-y-te", "office");   /* its certificate is never in the log */

    TT_RUN(test_clean);
    TT_RUN(test_digest_versions);
    TT_RUN(test_progress);
    TT_RUN(test_no_checkpoints);
    TT_RUN(test_flip);
    TT_RUN(test_delete);
    TT_RUN(test_swap);
    TT_RUN(test_forged);
    TT_RUN(test_gap);
    TT_RUN(test_truncate);
    TT_RUN(test_checkpoint_tampered);
    TT_RUN(test_witness);
    TT_RUN(test_witness_renewed);
    TT_RUN(test_witness_outside);
    TT_RUN(test_sqlite_sources);
    TT_RUN(test_server_live);

    {
        dev *all[] = {&SRV, &YTE, &YTE2, &INS, &INS2, &INSR, &ROGUE};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
            EVP_PKEY_free(all[i]->k);
            X509_free(all[i]->x);
        }
    }
    free(PLAN_PB);
    td_plan_free(&plan);
    td_plan_issues_free(&is);
    td_registry_free(&reg);
    X509_free(CA);
    EVP_PKEY_free(CAK);
    return tt_report();
}
