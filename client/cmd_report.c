/*
 * cmd_report.c — recording entries offline:
 *   tiendo report     a monthly progress report on a task (ReportPayload),
 *                     typed on the command line, asked for interactively
 *                     ($EDITOR for the long texts), or in batch from a CSV
 *                     file; drafts kept unsigned until submitted
 *   tiendo draft      list, show, submit, delete those drafts
 *   tiendo indicator  an indicator value (IndicatorPayload), checked
 *                     against the indicator's unit
 * Each signs the entry with the device key and queues it in the replica's
 * outbox; `tiendo sync` sends it.  No network is needed (DESIGN §1: offices
 * work fully offline).  When the replica already holds the plan, what the
 * server's fold would refuse is refused here first, with what to do:
 * an unknown task, a task where the agency has no role, a period after the
 * current month.  All text is NFC (td_vi_nfc) before it is stored or
 * signed, so "ộ" typed on a Mac and on Windows is the same bytes.
 *
 * Also the context shared by the replica commands (cmds.h: tdc_ctx_*,
 * tdc_today).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "blob.h"
#include "cli.h"
#include "cmds.h"
#include "derive.h"
#include "draft.h"
#include "entry.h"
#include "log.pb-c.h"
#include "utf8.h"
#include "status.h"

/* Free-text references per report (--evidence) and cited documents
 * (--doc): the fold refuses more than TD_REPORT_EVIDENCE_MAX of each. */
#define TDC_EVIDENCE_MAX TD_REPORT_EVIDENCE_MAX
/* Longest free text of one field (result, difficulties ...): a few pages.
 * A monthly report is read by a person in a meeting; more is an annex,
 * which belongs in an attachment. */
#define TDC_TEXT_MAX 16384
/* A batch file (--from-file) is a month of one office's reports: 81 tasks
 * at most in the plan; 2000 rows and 8 MiB leave room for several months
 * without letting a wrong file eat the machine. */
#define TDC_BATCH_MAX_BYTES (8u * 1024 * 1024)
#define TDC_BATCH_MAX_RECORDS 2000
/* Names of agencies quoted when refusing a task: "Các sở, ban, ngành"
 * expands to twenty; the first few tell the clerk enough. */
#define TDC_LEADS_SHOWN 6

/* ---- context shared by the replica commands ----------------------------- */

int64_t tdc_now_ms(void) { return td_clock_now_ms(); }

void tdc_tz_default(void)
{
    setenv("TZ", "Asia/Ho_Chi_Minh", 0);
    tzset();
}

void tdc_fmt_time(int64_t ms, char *buf, size_t n)
{
    if (ms <= 0) {
        snprintf(buf, n, "chưa bao giờ");
        return;
    }
    td_clock_fmt(ms, buf, n);
}

int tdc_ctx_open(tdc_ctx *c, const char *dir, const char *cmd)
{
    td_error e;
    FILE *f;
    memset(c, 0, sizeof *c);
    if (tdc_device_load(&c->dev, dir, &e)) {
        fprintf(stderr, "tiendo %s: thiết bị chưa được đăng ký hoặc thiếu tệp: %s\nHãy chạy `tiendo init` trước.\n",
                cmd, e.msg);
        return 1;
    }
    if (td_identity_load(&c->id, c->dev.key_path, c->dev.cert_path, &e)) {
        fprintf(stderr, "tiendo %s: không đọc được khóa hoặc chứng thư của thiết bị: %s (%s)\n", cmd,
                td_err_vi(e.code), e.msg);
        return 1;
    }
    f = fopen(c->dev.ca_path, "r");
    if (f) {
        c->ca = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (!c->ca) {
        fprintf(stderr, "tiendo %s: không đọc được chứng thư CA %s\n", cmd, c->dev.ca_path);
        td_identity_free(&c->id);
        return 1;
    }
    snprintf(c->db_path, sizeof c->db_path, "%s/%s", c->dev.dir, TDC_REPLICA_FILE);
    if (tdc_replica_open(&c->rep, c->db_path, c->ca, &e)) {
        fprintf(stderr, "tiendo %s: không mở được bản sao dữ liệu: %s (%s)\n", cmd, td_err_vi(e.code), e.msg);
        X509_free(c->ca);
        td_identity_free(&c->id);
        memset(c, 0, sizeof *c);
        return 1;
    }
    return 0;
}

void tdc_ctx_close(tdc_ctx *c)
{
    tdc_replica_close(c->rep);
    X509_free(c->ca);
    td_identity_free(&c->id);
    memset(c, 0, sizeof *c);
}

/* ---- today ---------------------------------------------------------------- */

/* Today in Asia/Ho_Chi_Minh from the project's clock (common/clock.h). */
int tdc_today(void) { return td_clock_today(); }

/* `--date dd/mm/yyyy`: today for this command (and whatever it calls). */
static int tdc__date_opt(const char *cmd, const char *arg)
{
    int d;
    if (td_date_parse_vi(arg, &d) || !td_date_valid(d)) {
        fprintf(stderr, "tiendo %s: --date phải là ngày dd/mm/yyyy (nhận được \"%s\").\nXem: tiendo %s --help\n", cmd,
                arg, cmd);
        return 2;
    }
    td_clock_set_today(d);
    return 0;
}

/* ---- helpers -------------------------------------------------------------- */

/* A period in the one syntax of every command (td_period_norm) -> "2025-06".
 * 0 if not. */
static int tdc__period_norm(const char *in, char out[8])
{
    return td_period_norm(in, out) == 0;
}

void tdc_period_vi(const char *p, char *out, size_t n)
{
    if (strlen(p) == 7 && p[4] == '-') snprintf(out, n, "%.2s/%.4s", p + 5, p);
    else snprintf(out, n, "%s", p);
}

/* Is period after the month of today?  Then it has not begun: refuse. */
static int tdc__period_future(const char *p, int today)
{
    int y = atoi(p), m = atoi(p + 5);
    return y * 100 + m > today / 100;
}

int tdc_usage_err(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "tiendo %s: %s%s\nXem: tiendo %s --help\n", cmd, msg, arg ? arg : "", cmd);
    return 2;
}

/* A copy of s as NFC, or NULL with *why set: not UTF-8, too long, no memory. */
static char *tdc__nfc(const char *s, size_t max, const char **why)
{
    size_t n = strlen(s);
    char *r;
    if (n > max) {
        /* the limit as people write numbers: 16.384 byte */
        static char msg[160];
        char num[32];
        size_t k = 0, d = (size_t)snprintf(num, sizeof num, "%zu", max);
        char grp[48];
        for (size_t i = 0; i < d; i++) {
            if (i && (d - i) % 3 == 0) grp[k++] = '.';
            grp[k++] = num[i];
        }
        grp[k] = 0;
        snprintf(msg, sizeof msg, "dài %zu byte, quá giới hạn %s byte", n, grp);
        *why = msg;
        return NULL;
    }
    if (!td_utf8_valid(s, n, NULL)) {
        *why = "không phải văn bản UTF-8 hợp lệ (hãy lưu tệp/ghi bằng mã UTF-8)";
        return NULL;
    }
    if (!(r = td_vi_nfc(s))) *why = "hết bộ nhớ";
    return r;
}

/* strtol of a whole string; 0 if not an integer. */
static int tdc__int(const char *s, long *out)
{
    char *end;
    if (!*s) return 0;
    errno = 0;
    *out = strtol(s, &end, 10);
    return !*end && !errno;
}

/* Sign and queue; *seq gets the device seq.  Prints the failure. */
int tdc_queue_entry(tdc_ctx *c, const char *cmd, int kind, const uint8_t *payload, size_t len,
                    const char *summary, uint64_t *seq)
{
    td_error e;
    /* after every seq of this device (any of its keys) the pulled log holds */
    if (tdc_replica_outbox_add(c->rep, &c->id, kind, payload, len, summary, tdc_now_ms(),
                               tdc_replica_device_last_seq(c->rep, &c->id), seq, &e)) {
        fprintf(stderr, "tiendo %s: không ghi được vào hộp thư đi: %s (%s)\n", cmd, td_err_vi(e.code), e.msg);
        return 1;
    }
    return 0;
}

static const char *tdc__next_step =
    "Bước tiếp theo: chạy `tiendo sync` khi có mạng để gửi lên máy chủ; `tiendo status` cho biết mục nào còn chờ gửi.\n";

/* ---- report: the fields ----------------------------------------------------- */

typedef struct tdc_doc {
    char *number;                  /* số hiệu, NFC */
    int date;                      /* yyyymmdd, 0 = not given */
    char *title;                   /* trích yếu, NFC, never NULL */
} tdc_doc;

typedef struct tdc_att {
    unsigned char sha256[32];
    char name[TD_ATTACH_NAME_MAX + 1];
    char mime[TD_ATTACH_MIME_MAX + 1];
    uint64_t size;
} tdc_att;

/*
 * A report being composed.  "Not given" is NULL / 0 / -1 so that a draft
 * and the command line can be merged field by field; lists have a has_
 * flag (an empty list given on the command line still replaces the
 * draft's).  Every string is owned and NFC.
 */
typedef struct tdc_rep {
    uint32_t task;
    char period[8];
    int state;                     /* TIENDO__REPORT_STATE__*, 0 = not given */
    int percent;                   /* -1 = not given */
    char *result, *difficulties, *proposals;
    int done_date;                 /* 0 = not given */
    int has_evidence, has_docs, has_atts;
    char **evidence;
    size_t n_evidence;
    tdc_doc *docs;
    size_t n_docs;
    tdc_att *atts;
    size_t n_atts;
    /* from the command line: explicit percent (so that xong/chua do not
     * silently override what the clerk typed) */
    int percent_cli;
} tdc_rep;

static void tdc__rep_free(tdc_rep *r)
{
    free(r->result);
    free(r->difficulties);
    free(r->proposals);
    for (size_t i = 0; i < r->n_evidence; i++) free(r->evidence[i]);
    free(r->evidence);
    for (size_t i = 0; i < r->n_docs; i++) {
        free(r->docs[i].number);
        free(r->docs[i].title);
    }
    free(r->docs);
    free(r->atts);
    memset(r, 0, sizeof *r);
    r->percent = -1;
}

static void tdc__rep_init(tdc_rep *r)
{
    memset(r, 0, sizeof *r);
    r->percent = -1;
}

static const char *tdc__state_vi(int s)
{
    switch (s) {
    case TIENDO__REPORT_STATE__REPORT_NOT_STARTED: return "chưa triển khai";
    case TIENDO__REPORT_STATE__REPORT_IN_PROGRESS: return "đang thực hiện";
    case TIENDO__REPORT_STATE__REPORT_DONE: return "đã hoàn thành";
    default: return "(chưa chọn)";
    }
}

/* "chua" / "dang" / "xong", 1 / 2 / 3, or the Vietnamese words with or
 * without diacritics, any case -> TIENDO__REPORT_STATE__*; 0 if none. */
static int tdc__state_parse(const char *s)
{
    static const struct {
        const char *w;
        int st;
    } words[] = {
        {"chua", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"1", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chưa", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chưa triển khai", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chua trien khai", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chưa thực hiện", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"chua thuc hien", TIENDO__REPORT_STATE__REPORT_NOT_STARTED},
        {"dang", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"2", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"đang", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"đang thực hiện", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"dang thuc hien", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"đang triển khai", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"dang trien khai", TIENDO__REPORT_STATE__REPORT_IN_PROGRESS},
        {"xong", TIENDO__REPORT_STATE__REPORT_DONE},
        {"3", TIENDO__REPORT_STATE__REPORT_DONE},
        {"đã hoàn thành", TIENDO__REPORT_STATE__REPORT_DONE},
        {"da hoan thanh", TIENDO__REPORT_STATE__REPORT_DONE},
        {"hoàn thành", TIENDO__REPORT_STATE__REPORT_DONE},
        {"hoan thanh", TIENDO__REPORT_STATE__REPORT_DONE},
    };
    char *low, *t, *w;
    int st = 0;
    if (!td_utf8_valid(s, strlen(s), NULL) || !(low = td_vi_lower(s))) return 0;
    t = td_trim(low);
    /* collapse runs of blanks: "đang  thực hiện" */
    w = t;
    for (char *p = t; *p; p++) {
        if (*p == ' ' || *p == '\t') {
            if (w > t && w[-1] == ' ') continue;
            *w++ = ' ';
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(t, words[i].w)) st = words[i].st;
    free(low);
    return st;
}

static int tdc__set_text(char **dst, const char *s, const char **why)
{
    char *n = tdc__nfc(s, TDC_TEXT_MAX, why);
    if (!n) return -1;
    free(*dst);
    *dst = n;
    return 0;
}

static int tdc__add_evidence(tdc_rep *r, const char *s, const char **why)
{
    char *n, **nv;
    if (r->n_evidence >= TDC_EVIDENCE_MAX) {
        *why = "quá nhiều minh chứng (tối đa 32)";
        return -1;
    }
    if (!(n = tdc__nfc(s, TDC_TEXT_MAX, why))) return -1;
    if (!(nv = realloc(r->evidence, (r->n_evidence + 1) * sizeof *nv))) {
        free(n);
        *why = "hết bộ nhớ";
        return -1;
    }
    r->evidence = nv;
    r->evidence[r->n_evidence++] = n;
    r->has_evidence = 1;
    return 0;
}

/* "SỐ HIỆU[,dd/mm/yyyy[,trích yếu]]" (the title may contain commas). */
static int tdc__add_doc(tdc_rep *r, const char *s, int today, const char **why)
{
    char *all, *p, *date_s = NULL, *title = "";
    tdc_doc d = {0}, *nv;
    if (r->n_docs >= TDC_EVIDENCE_MAX) {
        *why = "quá nhiều văn bản (tối đa 32)";
        return -1;
    }
    if (!(all = tdc__nfc(s, TDC_TEXT_MAX, why))) return -1;
    if ((p = strchr(all, ','))) {
        *p = 0;
        date_s = p + 1;
        if ((p = strchr(date_s, ','))) {
            *p = 0;
            title = p + 1;
        }
    }
    td_trim(all);
    if (!*all) {
        *why = "thiếu số hiệu văn bản; dạng đúng: \"SỐ HIỆU,dd/mm/yyyy,trích yếu\", ví dụ \"12/KH-SKHCN,05/06/2025,Kế hoạch tuyên truyền\"";
        free(all);
        return -1;
    }
    if (date_s && *td_trim(date_s)) {
        if (td_date_parse_vi(date_s, &d.date) || !td_date_valid(d.date)) {
            *why = "ngày ban hành của văn bản phải có dạng dd/mm/yyyy, ví dụ \"12/KH-SKHCN,05/06/2025\"";
            free(all);
            return -1;
        }
        if (today && d.date > today) {
            *why = "ngày ban hành của văn bản ở sau hôm nay; hãy kiểm tra lại ngày";
            free(all);
            return -1;
        }
    }
    d.number = strdup(all);
    d.title = strdup(td_trim(title));
    free(all);
    if (!d.number || !d.title || !(nv = realloc(r->docs, (r->n_docs + 1) * sizeof *nv))) {
        free(d.number);
        free(d.title);
        *why = "hết bộ nhớ";
        return -1;
    }
    r->docs = nv;
    r->docs[r->n_docs++] = d;
    r->has_docs = 1;
    return 0;
}

/*
 * A file attached: checked (type from the content, size) and stored by
 * hash in the replica by blob.c; the report signs its hash.  The bytes are
 * kept even if the report is never signed (content-addressed: harmless,
 * and the same file attached again costs nothing).
 */
static int tdc__add_att(tdc_rep *r, tdc_ctx *c, const char *path, char *why_buf, size_t why_n)
{
    tdc_blob_info bi;
    td_error e = {0};
    tdc_att *nv;
    int rc;
    if (r->n_atts >= TD_ATTACH_PER_REPORT_MAX) {
        snprintf(why_buf, why_n, "quá nhiều tệp đính kèm (tối đa %d)", TD_ATTACH_PER_REPORT_MAX);
        return -1;
    }
    memset(&bi, 0, sizeof bi);
    if ((rc = tdc_blob_add_file(c->rep, path, &bi, &e))) {
        size_t k;
        tdc_blob_explain_vi(path, rc, &e, why_buf, why_n);
        /* the callers end the sentence themselves: no ".." */
        for (k = strlen(why_buf); k && why_buf[k - 1] == '.'; k--) why_buf[k - 1] = 0;
        return -1;
    }
    if (!(nv = realloc(r->atts, (r->n_atts + 1) * sizeof *nv))) {
        snprintf(why_buf, why_n, "hết bộ nhớ");
        return -1;
    }
    r->atts = nv;
    memset(&r->atts[r->n_atts], 0, sizeof r->atts[0]);
    memcpy(r->atts[r->n_atts].sha256, bi.sha256, 32);
    snprintf(r->atts[r->n_atts].name, sizeof r->atts[0].name, "%s", bi.name);
    snprintf(r->atts[r->n_atts].mime, sizeof r->atts[0].mime, "%s", bi.mime);
    r->atts[r->n_atts].size = bi.size;
    r->n_atts++;
    r->has_atts = 1;
    return 0;
}

/* Move src's given fields over dst's (src is emptied of what moved). */
static void tdc__rep_merge(tdc_rep *dst, tdc_rep *src)
{
#define TDC_TAKE(f)          \
    if (src->f) {            \
        free(dst->f);        \
        dst->f = src->f;     \
        src->f = NULL;       \
    }
    if (src->task) dst->task = src->task;
    if (src->period[0]) memcpy(dst->period, src->period, sizeof dst->period);
    if (src->state) dst->state = src->state;
    if (src->percent >= 0) dst->percent = src->percent;
    dst->percent_cli = src->percent_cli;
    TDC_TAKE(result)
    TDC_TAKE(difficulties)
    TDC_TAKE(proposals)
#undef TDC_TAKE
    if (src->done_date) dst->done_date = src->done_date;
    if (src->has_evidence) {
        tdc_rep tmp;
        tdc__rep_init(&tmp);
        tmp.evidence = dst->evidence;
        tmp.n_evidence = dst->n_evidence;
        tdc__rep_free(&tmp);
        dst->evidence = src->evidence;
        dst->n_evidence = src->n_evidence;
        dst->has_evidence = 1;
        src->evidence = NULL;
        src->n_evidence = 0;
    }
    if (src->has_docs) {
        tdc_rep tmp;
        tdc__rep_init(&tmp);
        tmp.docs = dst->docs;
        tmp.n_docs = dst->n_docs;
        tdc__rep_free(&tmp);
        dst->docs = src->docs;
        dst->n_docs = src->n_docs;
        dst->has_docs = 1;
        src->docs = NULL;
        src->n_docs = 0;
    }
    if (src->has_atts) {
        free(dst->atts);
        dst->atts = src->atts;
        dst->n_atts = src->n_atts;
        dst->has_atts = 1;
        src->atts = NULL;
        src->n_atts = 0;
    }
}

/* The payload: ReportPayload of agency.  *buf malloc'd.  0 or TD_ENOMEM. */
static int tdc__rep_pack(const tdc_rep *r, const char *agency, uint8_t **buf, size_t *len)
{
    Tiendo__ReportPayload rp = TIENDO__REPORT_PAYLOAD__INIT;
    Tiendo__EvidenceDoc *docs = NULL, **dp = NULL;
    Tiendo__Attachment *atts = NULL, **ap = NULL;
    int rc = TD_ENOMEM;
    rp.task = r->task;
    rp.agency = (char *)agency;
    rp.period = (char *)r->period;
    rp.state = r->state;
    rp.percent = r->percent < 0 ? 0 : (uint32_t)r->percent;
    rp.result = r->result ? r->result : "";
    rp.difficulties = r->difficulties ? r->difficulties : "";
    rp.proposals = r->proposals ? r->proposals : "";
    rp.n_evidence = r->n_evidence;
    rp.evidence = r->evidence;
    rp.done_date = r->done_date;
    if (r->n_docs) {
        if (!(docs = calloc(r->n_docs, sizeof *docs)) || !(dp = calloc(r->n_docs, sizeof *dp))) goto out;
        for (size_t i = 0; i < r->n_docs; i++) {
            tiendo__evidence_doc__init(&docs[i]);
            docs[i].number = r->docs[i].number;
            docs[i].date = r->docs[i].date;
            docs[i].title = r->docs[i].title;
            dp[i] = &docs[i];
        }
        rp.n_documents = r->n_docs;
        rp.documents = dp;
    }
    if (r->n_atts) {
        if (!(atts = calloc(r->n_atts, sizeof *atts)) || !(ap = calloc(r->n_atts, sizeof *ap))) goto out;
        for (size_t i = 0; i < r->n_atts; i++) {
            tiendo__attachment__init(&atts[i]);
            atts[i].sha256.data = (uint8_t *)r->atts[i].sha256;
            atts[i].sha256.len = 32;
            atts[i].name = (char *)r->atts[i].name;
            atts[i].mime = (char *)r->atts[i].mime;
            atts[i].size = r->atts[i].size;
            ap[i] = &atts[i];
        }
        rp.n_attachments = r->n_atts;
        rp.attachments = ap;
    }
    *len = tiendo__report_payload__get_packed_size(&rp);
    if (!(*buf = malloc(*len ? *len : 1))) goto out;
    tiendo__report_payload__pack(&rp, *buf);
    rc = 0;
out:
    free(docs);
    free(dp);
    free(atts);
    free(ap);
    return rc;
}

/* A draft's payload back into a tdc_rep (every field "given").  0, or -1
 * if it does not decode (a draft written by a broken build). */
static int tdc__rep_unpack(const uint8_t *p, size_t n, tdc_rep *r)
{
    Tiendo__ReportPayload *rp = tiendo__report_payload__unpack(NULL, n, p);
    const char *why;
    int rc = -1;
    tdc__rep_init(r);
    if (!rp) return -1;
    r->task = rp->task;
    snprintf(r->period, sizeof r->period, "%s", rp->period);
    r->state = rp->state;
    r->percent = (int)(rp->percent > 100 ? 100 : rp->percent);
    if (tdc__set_text(&r->result, rp->result, &why) || tdc__set_text(&r->difficulties, rp->difficulties, &why) ||
        tdc__set_text(&r->proposals, rp->proposals, &why))
        goto out;
    r->done_date = rp->done_date;
    for (size_t i = 0; i < rp->n_evidence; i++)
        if (tdc__add_evidence(r, rp->evidence[i], &why)) goto out;
    for (size_t i = 0; i < rp->n_documents && i < TDC_EVIDENCE_MAX; i++) {
        tdc_doc d = {0}, *nv;
        d.number = strdup(rp->documents[i]->number);
        d.title = strdup(rp->documents[i]->title);
        d.date = rp->documents[i]->date;
        if (!d.number || !d.title || !(nv = realloc(r->docs, (r->n_docs + 1) * sizeof *nv))) {
            free(d.number);
            free(d.title);
            goto out;
        }
        r->docs = nv;
        r->docs[r->n_docs++] = d;
    }
    for (size_t i = 0; i < rp->n_attachments && i < TD_ATTACH_PER_REPORT_MAX; i++) {
        const Tiendo__Attachment *a = rp->attachments[i];
        tdc_att *nv;
        if (a->sha256.len != 32) continue;
        if (!(nv = realloc(r->atts, (r->n_atts + 1) * sizeof *nv))) goto out;
        r->atts = nv;
        memset(&r->atts[r->n_atts], 0, sizeof r->atts[0]);
        memcpy(r->atts[r->n_atts].sha256, a->sha256.data, 32);
        snprintf(r->atts[r->n_atts].name, sizeof r->atts[0].name, "%s", a->name);
        snprintf(r->atts[r->n_atts].mime, sizeof r->atts[0].mime, "%s", a->mime);
        r->atts[r->n_atts].size = a->size;
        r->n_atts++;
    }
    r->has_evidence = r->has_docs = r->has_atts = 1;
    rc = 0;
out:
    tiendo__report_payload__free_unpacked(rp, NULL);
    if (rc) tdc__rep_free(r);
    return rc;
}

/* Print a text field, continuation lines indented under the label. */
static void tdc__print_text(FILE *f, const char *label, const char *s)
{
    fprintf(f, "  %s: ", label);
    if (!s || !*s) {
        fputs("(trống)\n", f);
        return;
    }
    for (const char *p = s; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1]) fputs("    ", f);
    }
    if (s[strlen(s) - 1] != '\n') fputc('\n', f);
}

static void tdc__rep_print(FILE *f, const tdc_rep *r)
{
    char d[16];
    if (r->percent >= 0)
        fprintf(f, "  Trạng thái: %s, %d%%\n", tdc__state_vi(r->state), r->percent);
    else
        fprintf(f, "  Trạng thái: %s\n", tdc__state_vi(r->state));
    if (r->done_date) {
        td_date_vi(r->done_date, d, sizeof d);
        fprintf(f, "  Ngày hoàn thành: %s\n", d);
    }
    tdc__print_text(f, "Kết quả thực hiện", r->result);
    tdc__print_text(f, "Khó khăn, vướng mắc", r->difficulties);
    tdc__print_text(f, "Đề xuất, kiến nghị", r->proposals);
    for (size_t i = 0; i < r->n_evidence; i++) fprintf(f, "  Minh chứng: %s\n", r->evidence[i]);
    for (size_t i = 0; i < r->n_docs; i++) {
        td_date_vi(r->docs[i].date, d, sizeof d);
        fprintf(f, "  Văn bản: %s%s%s%s%s\n", r->docs[i].number, r->docs[i].date ? ", ngày " : "", d,
                *r->docs[i].title ? ": " : "", r->docs[i].title);
    }
    for (size_t i = 0; i < r->n_atts; i++) {
        char hex[17];
        for (int k = 0; k < 8; k++) snprintf(hex + 2 * k, 3, "%02x", r->atts[i].sha256[k]);
        fprintf(f, "  Tệp đính kèm: %s (%s, %llu byte, sha256 %s…)\n", r->atts[i].name, r->atts[i].mime,
                (unsigned long long)r->atts[i].size, hex);
    }
}

/* ---- report: checks ----------------------------------------------------------- */

/* How a missing field is to be given, for the message. */
typedef enum { TDC_HOW_CLI, TDC_HOW_CSV, TDC_HOW_DRAFT } tdc_how;

/* The leads of a task as names, "A, B, C và 12 cơ quan khác". */
static void tdc__leads_vi(const td_state *st, const td_task *t, int today, char *buf, size_t n)
{
    const char **v = NULL;
    size_t k = 0, off = 0;
    buf[0] = 0;
    if (td_state_task_agencies(st, t->number, today, TD_TASK_LEADS, &v, &k) || !k) {
        snprintf(buf, n, "%s", t->lead_text && *t->lead_text ? t->lead_text : "(không ghi)");
        free(v);
        return;
    }
    for (size_t i = 0; i < k && i < TDC_LEADS_SHOWN && off < n; i++) {
        const td_agency *a = td_registry_agency(td_state_registry(st), v[i]);
        off += (size_t)snprintf(buf + off, n - off, "%s%s", i ? ", " : "", a && a->name ? a->name : v[i]);
    }
    if (k > TDC_LEADS_SHOWN && off < n) snprintf(buf + off, n - off, " và %zu cơ quan khác", k - TDC_LEADS_SHOWN);
    free(v);
}

/*
 * What the plan and the date refuse (also for drafts, so that a draft on a
 * wrong task is not kept): an unknown task, a task where the agency is
 * neither lead nor partner, a period after the current month.  0 or 1
 * with msg.  Without a plan in the replica only the period is checked
 * (the server's fold decides; the caller says so).
 */
static int tdc__rep_check_plan(const td_state *st, const char *agency, int today, const tdc_rep *r, char *msg,
                               size_t n, const char **field)
{
    char pvi[8], dvi[16];
    if (tdc__period_future(r->period, today)) {
        tdc_period_vi(r->period, pvi, sizeof pvi);
        td_date_vi(today, dvi, sizeof dvi);
        snprintf(msg, n,
                 "kỳ %s chưa đến (hôm nay là %s): chỉ báo cáo được tháng này hoặc các tháng trước. "
                 "Hãy kiểm tra kỳ báo cáo (MM/YYYY).",
                 pvi, dvi);
        *field = "period";
        return 1;
    }
    if (st && td_state_has_plan(st)) {
        const td_plan *plan = td_state_plan(st);
        const td_task *t = td_plan_task(plan, (int)r->task);
        if (!t) {
            snprintf(msg, n,
                     "nhiệm vụ số %u không có trong kế hoạch %s (%zu nhiệm vụ). "
                     "Xem các nhiệm vụ của cơ quan mình bằng `tiendo tasks` (tất cả: `tiendo tasks --all`).",
                     r->task, plan->number ? plan->number : "", plan->n_tasks);
            *field = "task";
            return 1;
        }
        if (!td_state_agency_on_task_at(st, r->task, agency, today)) {
            char leads[768];
            tdc__leads_vi(st, t, today, leads, sizeof leads);
            /* the device of an agency renamed, merged or split: say what happened */
            if (td_registry_ended_note(td_state_registry(st), agency, today, msg, n)) {
                *field = "task";
                return 1;
            }
            snprintf(msg, n,
                     "cơ quan %s không chủ trì cũng không phối hợp nhiệm vụ %u (chủ trì: %s), nên không báo cáo "
                     "được nhiệm vụ này. Xem các nhiệm vụ của cơ quan mình bằng `tiendo tasks`.",
                     agency, r->task, leads);
            *field = "task";
            return 1;
        }
    }
    return 0;
}

static int tdc__blank(const char *s)
{
    if (!s) return 1;
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return 0;
    return 1;
}

/*
 * Complete a report for signing and refuse what is missing or
 * contradictory.  Rules (also in --help):
 *   - state: given, asked, or — when not asking — "đang thực hiện" if a
 *     percent or a result was given (what the command always did); with
 *     none of them it is missing;
 *   - percent: xong is 100, chua is 0 (another value given explicitly is a
 *     contradiction); dang: given, asked, or 0;
 *   - result: required for dang and xong (a report without it tells
 *     central nothing);
 *   - done date: only with xong; default today; not after today.
 * Returns 0, or 2 with msg (the field and how to give it).
 */
static int tdc__rep_complete(tdc_rep *r, int today, tdc_how how, char *msg, size_t n, const char **field)
{
    const char *st_how = how == TDC_HOW_CSV     ? "điền cột state (chua, dang hoặc xong)"
                         : how == TDC_HOW_DRAFT ? "bổ sung vào bản nháp: tiendo report SỐ --period KỲ --state dang --draft"
                                                : "thêm --state chua|dang|xong";
    const char *res_how = how == TDC_HOW_CSV ? "điền cột result"
                          : how == TDC_HOW_DRAFT
                              ? "bổ sung vào bản nháp: tiendo report SỐ --period KỲ --result \"...\" --draft"
                              : "thêm --result \"...\" (hoặc chạy lệnh ở màn hình dòng lệnh để được hỏi)";
    const char *pct_opt = how == TDC_HOW_CSV ? "cột percent" : "--percent";
    if (!r->state) {
        if (r->percent >= 0 || !tdc__blank(r->result)) {
            r->state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
        } else {
            snprintf(msg, n, "thiếu trạng thái (chưa triển khai, đang thực hiện hay đã hoàn thành): hãy %s.", st_how);
            *field = "state";
            return 2;
        }
    }
    switch (r->state) {
    case TIENDO__REPORT_STATE__REPORT_DONE:
        if (r->percent_cli && r->percent != 100) {
            snprintf(msg, n, "báo cáo \"đã hoàn thành\" là 100%%, không phải %d%%: bỏ %s hoặc chọn trạng thái "
                             "\"đang thực hiện\" (dang).", r->percent, pct_opt);
            *field = "percent";
            return 2;
        }
        r->percent = 100;
        if (!r->done_date) r->done_date = today;
        if (r->done_date > today) {
            snprintf(msg, n, "ngày hoàn thành ở sau hôm nay: hãy ghi ngày đã hoàn thành thật (dd/mm/yyyy).");
            *field = "done_date";
            return 2;
        }
        break;
    case TIENDO__REPORT_STATE__REPORT_NOT_STARTED:
        if (r->percent_cli && r->percent != 0) {
            snprintf(msg, n, "báo cáo \"chưa triển khai\" là 0%%, không phải %d%%: bỏ %s hoặc chọn trạng thái "
                             "\"đang thực hiện\" (dang).", r->percent, pct_opt);
            *field = "percent";
            return 2;
        }
        r->percent = 0;
        if (r->done_date) {
            snprintf(msg, n, "ngày hoàn thành chỉ ghi khi trạng thái là \"đã hoàn thành\" (xong).");
            *field = "done_date";
            return 2;
        }
        break;
    default:
        if (r->percent < 0) r->percent = 0;
        if (r->done_date) {
            snprintf(msg, n, "ngày hoàn thành chỉ ghi khi trạng thái là \"đã hoàn thành\" (xong).");
            *field = "done_date";
            return 2;
        }
        break;
    }
    if (r->state != TIENDO__REPORT_STATE__REPORT_NOT_STARTED && tdc__blank(r->result)) {
        snprintf(msg, n, "thiếu kết quả thực hiện: báo cáo \"%s\" phải nêu kết quả đã đạt được; hãy %s.",
                 tdc__state_vi(r->state), res_how);
        *field = "result";
        return 2;
    }
    return 0;
}

/* ---- report: asking -------------------------------------------------------- */

/* One line from stdin after a prompt on stderr; trailing newline removed.
 * 0, or -1 at end of input. */
static int tdc__ask_line(const char *prompt, char *buf, size_t n)
{
    fputs(prompt, stderr);
    fflush(stderr);
    if (!fgets(buf, (int)n, stdin)) return -1;
    buf[strcspn(buf, "\r\n")] = 0;
    return 0;
}

/* Text typed on stdin until a line with a single "." (or end of input). */
static char *tdc__read_dot(void)
{
    char *out = NULL, *line = NULL;
    size_t cap = 0, len = 0, lcap = 0;
    ssize_t k;
    while ((k = getline(&line, &lcap, stdin)) >= 0) {
        char *nb;
        if (!strcmp(line, ".\n") || !strcmp(line, ".") || !strcmp(line, ".\r\n")) break;
        if (len + (size_t)k + 1 > cap) {
            cap = (len + (size_t)k + 1) * 2;
            if (!(nb = realloc(out, cap))) {
                free(out);
                free(line);
                return NULL;
            }
            out = nb;
        }
        memcpy(out + len, line, (size_t)k);
        len += (size_t)k;
        out[len] = 0;
    }
    free(line);
    if (!out) out = strdup("");
    return out;
}

/* Drop '#' lines, trailing blanks and blank lines at both ends. */
static void tdc__strip_comments(char *s)
{
    char *w = s, *p = s;
    while (*p) {
        char *eol = strchr(p, '\n');
        size_t k = eol ? (size_t)(eol - p) + 1 : strlen(p);
        if (*p != '#') {
            memmove(w, p, k);
            w += k;
        }
        p += k;
    }
    *w = 0;
    while (w > s && isspace((unsigned char)w[-1])) *--w = 0;
    p = s;
    while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') p++;
    if (p != s) memmove(s, p, strlen(p) + 1);
}

/*
 * A long text through the clerk's editor ($VISUAL, then $EDITOR) on a
 * temporary file pre-filled with a Vietnamese comment header and the text
 * so far; without an editor, lines typed until a single ".".  Returns the
 * text (NFC, malloc'd; "" if left empty), or NULL after printing why.
 */
static char *tdc__edit(const char *title, const char *context, const char *initial)
{
    const char *ed = getenv("VISUAL");
    char path[PATH_MAX], *raw = NULL, *out;
    const char *why;
    if (!ed || !*ed) ed = getenv("EDITOR");
    if (!ed || !*ed) {
        fprintf(stderr, "%s (%s)\n", title, context);
        if (initial && *initial)
            fprintf(stderr, "Nội dung đang có:\n%s\nGõ nội dung mới, hoặc gõ ngay một dòng chỉ có dấu chấm \".\" để giữ nguyên.\n",
                    initial);
        fprintf(stderr, "Gõ nội dung (nhiều dòng được), kết thúc bằng một dòng chỉ có dấu chấm \".\"; "
                        "để trống thì gõ \".\" ngay.\n(Đặt biến EDITOR, ví dụ EDITOR=nano, để soạn bằng trình soạn thảo.)\n");
        raw = tdc__read_dot();
        if (!raw) {
            fprintf(stderr, "tiendo report: hết bộ nhớ\n");
            return NULL;
        }
        tdc__strip_comments(raw);
        if (!*raw && initial && *initial) {
            free(raw);
            raw = strdup(initial);
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        char *cmdline;
        FILE *f;
        int fd, status = 0;
        pid_t pid;
        struct stat sb;
        snprintf(path, sizeof path, "%s/tiendo-XXXXXX.txt", tmp && *tmp ? tmp : "/tmp");
        if ((fd = mkstemps(path, 4)) < 0 || !(f = fdopen(fd, "w"))) {
            fprintf(stderr, "tiendo report: không tạo được tệp tạm %s: %s\n", path, strerror(errno));
            if (fd >= 0) close(fd);
            return NULL;
        }
        fprintf(f,
                "# %s\n"
                "# %s\n"
                "# Viết nội dung bên dưới các dòng chú thích này, lưu tệp rồi đóng trình soạn thảo.\n"
                "# Các dòng bắt đầu bằng '#' bị bỏ qua. Để trống nếu không có.\n",
                title, context);
        if (initial && *initial) fprintf(f, "%s\n", initial);
        if (fclose(f)) {
            fprintf(stderr, "tiendo report: không ghi được tệp tạm %s\n", path);
            unlink(path);
            return NULL;
        }
        /* The editor setting may carry arguments ("code -w"): run it through
         * the shell, with the file as $1 so that its name needs no quoting. */
        if (!(cmdline = malloc(strlen(ed) + 16))) {
            unlink(path);
            return NULL;
        }
        sprintf(cmdline, "%s \"$1\"", ed);
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid == 0) {
            execl("/bin/sh", "sh", "-c", cmdline, "sh", path, (char *)NULL);
            _exit(127);
        }
        free(cmdline);
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "tiendo report: trình soạn thảo \"%s\" không chạy được hoặc thoát với lỗi (mã %d); "
                            "không ghi gì. Hãy kiểm tra biến EDITOR/VISUAL.\n", ed,
                    pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            unlink(path);
            return NULL;
        }
        if (stat(path, &sb) || sb.st_size > 4 * TDC_TEXT_MAX || !(f = fopen(path, "rb"))) {
            fprintf(stderr, "tiendo report: không đọc lại được tệp %s (mất tệp hoặc quá %d byte)\n", path,
                    4 * TDC_TEXT_MAX);
            unlink(path);
            return NULL;
        }
        raw = calloc(1, (size_t)sb.st_size + 1);
        if (raw && sb.st_size && fread(raw, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
            free(raw);
            raw = NULL;
        }
        fclose(f);
        unlink(path);
        if (!raw) {
            fprintf(stderr, "tiendo report: không đọc lại được tệp soạn thảo\n");
            return NULL;
        }
        tdc__strip_comments(raw);
    }
    out = tdc__nfc(raw, TDC_TEXT_MAX, &why);
    if (!out) fprintf(stderr, "tiendo report: %s: nội dung %s (tối đa %d byte)\n", title, why, TDC_TEXT_MAX);
    free(raw);
    return out;
}

/* Ask what the command line did not give ("given" flags are the command
 * line's; r holds the draft's values as defaults).  0, or 1 after a message. */
static int tdc__rep_ask(tdc_rep *r, int given_state, int given_percent, int given_done, int given_result,
                        int given_diff, int given_prop, int today)
{
    char line[256], ctx[128], pvi[8], prompt[512], dvi[16];
    tdc_period_vi(r->period, pvi, sizeof pvi);
    snprintf(ctx, sizeof ctx, "Báo cáo nhiệm vụ %u, kỳ %s", r->task, pvi);
    if (!given_state) {
        for (;;) {
            snprintf(prompt, sizeof prompt,
                     "%s.\nTrạng thái: 1 = chưa triển khai, 2 = đang thực hiện, 3 = đã hoàn thành%s%s%s: ", ctx,
                     r->state ? " [Enter: " : "", r->state ? tdc__state_vi(r->state) : "", r->state ? "]" : "");
            if (tdc__ask_line(prompt, line, sizeof line)) goto eof;
            if (!*td_trim(line) && r->state) break;
            if ((r->state = tdc__state_parse(line)) != 0) break;
            fprintf(stderr, "  Hãy gõ 1, 2 hoặc 3 (hoặc chua, dang, xong).\n");
        }
    }
    if (r->state == TIENDO__REPORT_STATE__REPORT_IN_PROGRESS && !given_percent) {
        for (;;) {
            long v;
            char def[32] = "";
            if (r->percent >= 0) snprintf(def, sizeof def, " [Enter: %d]", r->percent);
            snprintf(prompt, sizeof prompt, "Phần trăm hoàn thành (0–100)%s: ", def);
            if (tdc__ask_line(prompt, line, sizeof line)) goto eof;
            td_trim(line);
            if (!*line && r->percent >= 0) break;
            if (line[0] && line[strlen(line) - 1] == '%') line[strlen(line) - 1] = 0;
            if (tdc__int(line, &v) && v >= 0 && v <= 100) {
                r->percent = (int)v;
                r->percent_cli = 1;
                break;
            }
            fprintf(stderr, "  Phần trăm là số nguyên từ 0 đến 100.\n");
        }
    }
    if (r->state == TIENDO__REPORT_STATE__REPORT_DONE && !given_done) {
        for (;;) {
            int d;
            td_date_vi(r->done_date ? r->done_date : today, dvi, sizeof dvi);
            snprintf(prompt, sizeof prompt, "Ngày hoàn thành (dd/mm/yyyy) [Enter: %s]: ", dvi);
            if (tdc__ask_line(prompt, line, sizeof line)) goto eof;
            if (!*td_trim(line)) break;
            if (!td_date_parse_vi(line, &d) && td_date_valid(d) && d <= today) {
                r->done_date = d;
                break;
            }
            fprintf(stderr, "  Ngày có dạng dd/mm/yyyy và không ở sau hôm nay.\n");
        }
    }
    struct {
        int given, wanted;
        char **dst;
        const char *title;
    } texts[] = {
        {given_result, r->state != TIENDO__REPORT_STATE__REPORT_NOT_STARTED, &r->result,
         "KẾT QUẢ THỰC HIỆN (bắt buộc khi đang thực hiện hoặc đã hoàn thành)"},
        {given_diff, 1, &r->difficulties, "KHÓ KHĂN, VƯỚNG MẮC (nếu có)"},
        {given_prop, 1, &r->proposals, "ĐỀ XUẤT, KIẾN NGHỊ (nếu có)"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char *t;
        if (texts[i].given || !texts[i].wanted) continue;
        if (!(t = tdc__edit(texts[i].title, ctx, *texts[i].dst))) return 1;
        free(*texts[i].dst);
        *texts[i].dst = t;
    }
    return 0;
eof:
    fprintf(stderr, "\ntiendo report: hết dữ liệu nhập khi đang hỏi; không ghi gì.\n");
    return 1;
}

/* ---- tiendo report ---------------------------------------------------------- */

static void tdc__report_usage(FILE *f)
{
    fputs("Cách dùng: tiendo report SỐ --period MM/YYYY [--state chua|dang|xong] [--percent P]\n"
          "                     [--result VB] [--difficulties VB] [--proposals VB]\n"
          "                     [--evidence VB]... [--doc \"SỐ HIỆU[,dd/mm/yyyy[,trích yếu]]\"]...\n"
          "                     [--attach TỆP]... [--done-date dd/mm/yyyy]\n"
          "                     [--draft] [--prompt | --no-prompt] [--date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
          "           tiendo report --from-file TỆP.csv [--date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
          "           tiendo report show SỐ --period MM/YYYY [--agency MÃ] [--dir THƯ_MỤC]\n"
          "\n"
          "Ghi báo cáo tiến độ tháng của cơ quan mình về một nhiệm vụ vào hộp thư đi, ký bằng khóa\n"
          "thiết bị. Không cần mạng: báo cáo được gửi ở lần đồng bộ sau (tiendo sync).\n"
          "(--task SỐ vẫn dùng được thay cho SỐ.)\n"
          "\n"
          "  SỐ                   số thứ tự (TT) của nhiệm vụ trong kế hoạch (xem: tiendo tasks)\n"
          "  --period MM/YYYY     kỳ báo cáo (tháng), ví dụ 06/2025 (hoặc 2025-06); không được sau tháng hiện tại\n"
          "  --state TRẠNG_THÁI   chua | dang | xong, hoặc \"chưa triển khai\", \"đang thực hiện\",\n"
          "                       \"đã hoàn thành\" (xong: chờ Sở KH&CN thẩm định)\n"
          "  --percent P          phần trăm hoàn thành, số nguyên 0..100\n"
          "  --result VB          kết quả thực hiện\n"
          "  --difficulties VB    khó khăn, vướng mắc\n"
          "  --proposals VB       đề xuất, kiến nghị\n"
          "  --evidence VB        minh chứng dạng chữ (đường dẫn, ghi chú); lặp lại được\n"
          "  --doc VB             văn bản minh chứng: \"số hiệu,ngày ban hành,trích yếu\", ví dụ\n"
          "                       --doc \"12/KH-SKHCN,05/06/2025,Kế hoạch tuyên truyền\"; lặp lại được\n"
          "  --attach TỆP         đính kèm tệp (PDF, JPEG, PNG, Word, Excel, OpenDocument, .txt;\n"
          "                       tối đa 10 MB, 8 tệp); lặp lại được\n"
          "  --done-date NGÀY     ngày hoàn thành khi xong (mặc định hôm nay)\n"
          "  --draft              chỉ lưu bản nháp (chưa ký, chưa gửi); xem: tiendo draft --help\n"
          "  --prompt             hỏi các mục còn thiếu kể cả khi đầu vào không phải màn hình\n"
          "  --no-prompt          không hỏi gì; thiếu mục bắt buộc thì báo lỗi\n"
          "  --from-file TỆP      nhập nhiều báo cáo từ tệp CSV (xem dưới)\n"
          "  --date NGÀY          coi NGÀY (dd/mm/yyyy) là hôm nay (mặc định: đồng hồ máy, hoặc\n"
          "                       biến TIENDO_TODAY=yyyymmdd)\n"
          "  --dir DIR            thư mục thiết bị (mặc định $TIENDO_HOME hoặc ~/.tiendo)\n"
          "\n"
          "Nhập báo cáo: mục nào không có trên dòng lệnh thì được HỎI khi chạy ở màn hình dòng lệnh\n"
          "(trạng thái, phần trăm, ngày hoàn thành; các đoạn văn dài mở bằng trình soạn thảo $VISUAL\n"
          "hoặc $EDITOR, không có thì gõ từng dòng và kết thúc bằng một dòng chỉ có dấu chấm \".\").\n"
          "Khi đầu vào không phải màn hình (chạy trong tập lệnh) hoặc có --no-prompt thì không hỏi.\n"
          "Nếu đã có bản nháp cho nhiệm vụ và kỳ đó, báo cáo bắt đầu từ bản nháp; giá trị trên dòng\n"
          "lệnh thay cho giá trị của bản nháp (--evidence, --doc, --attach thay cả danh sách), và bản\n"
          "nháp được xóa khi báo cáo đã ký.\n"
          "\n"
          "Mục bắt buộc:\n"
          "  - trạng thái; khi không hỏi, có --percent hoặc --result mà không có --state thì là\n"
          "    \"đang thực hiện\";\n"
          "  - phần trăm: xong là 100, chua là 0; đang thực hiện: hỏi, hoặc 0 nếu không ghi;\n"
          "  - kết quả thực hiện (--result): BẮT BUỘC khi đang thực hiện hoặc đã hoàn thành.\n"
          "Bị từ chối (kèm cách sửa): nhiệm vụ không có trong kế hoạch, nhiệm vụ mà cơ quan không chủ trì\n"
          "hay phối hợp, kỳ sau tháng hiện tại, phần trăm ngoài 0..100, thiếu mục bắt buộc.\n"
          "\n"
          "Tệp --from-file: CSV mã UTF-8 (Excel: \"CSV UTF-8\"; có BOM cũng được), phân cách bằng dấu\n"
          "phẩy hoặc dấu chấm phẩy, dòng đầu là tên cột, mỗi dòng sau là một báo cáo. Các cột:\n"
          "  task (bắt buộc), period (bắt buộc: 2025-06 hoặc 06/2025), state, percent, result,\n"
          "  difficulties, proposals, evidence, doc, done_date (dd/mm/yyyy), attach (đường dẫn tệp,\n"
          "  tính từ thư mục của tệp CSV).\n"
          "Ô evidence, doc, attach chứa được nhiều giá trị, mỗi giá trị một dòng (Alt+Enter trong\n"
          "Excel) hoặc cách nhau bởi \"|\". Mọi dòng được kiểm tra TRƯỚC khi ký: có một lỗi thì không\n"
          "ghi báo cáo nào, và lỗi nêu tệp:dòng và cột. Ví dụ:\n"
          "  task,period,state,percent,result,doc\n"
          "  27,2025-06,dang,40,\"Đã số hóa 1.200 hồ sơ\",\"15/BC-SYT,10/06/2025,Báo cáo tháng 6\"\n"
          "\n"
          "`tiendo report show` in báo cáo hiện hành (đã đồng bộ) của một nhiệm vụ và kỳ, của cơ quan mình\n"
          "hoặc của cơ quan --agency.\n"
          "Mã thoát: 0 đã ghi, 1 bị từ chối hoặc lỗi, 2 sai cú pháp hoặc thiếu mục bắt buộc.\n",
          f);
}

/* The outbox summary line (Vietnamese, shown by `tiendo status`). */
static void tdc__rep_summary(const tdc_rep *r, char *buf, size_t n)
{
    char pvi[8];
    tdc_period_vi(r->period, pvi, sizeof pvi);
    snprintf(buf, n, "báo cáo nhiệm vụ %u, kỳ %s: %s, %d%%", r->task, pvi, tdc__state_vi(r->state), r->percent);
}

/* Pack, sign, queue; print what was recorded.  0 or 1. */
static int tdc__rep_sign(tdc_ctx *c, const char *cmd, const tdc_rep *r, int verbose, uint64_t *seq_out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char summary[256], pvi[8];
    uint64_t seq = 0;
    if (tdc__rep_pack(r, c->id.subject.agency, &buf, &len)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_err_vi(TD_ENOMEM));
        return 1;
    }
    tdc__rep_summary(r, summary, sizeof summary);
    if (tdc_queue_entry(c, cmd, TIENDO__ENTRY_KIND__ENTRY_REPORT, buf, len, summary, &seq)) {
        free(buf);
        return 1;
    }
    free(buf);
    if (seq_out) *seq_out = seq;
    if (verbose) {
        tdc_period_vi(r->period, pvi, sizeof pvi);
        printf("Đã ghi báo cáo nhiệm vụ %u kỳ %s của %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). "
               "Số thứ tự của thiết bị: %llu.\n",
               r->task, pvi, c->id.subject.agency, (unsigned long long)seq);
        tdc__rep_print(stdout, r);
    }
    return 0;
}

/* The plan check's outcome on stderr for the command line. */
static int tdc__plan_refuse(const char *cmd, const td_state *st, const char *agency, int today, const tdc_rep *r)
{
    char msg[1024];
    const char *field = "";
    if (tdc__rep_check_plan(st, agency, today, r, msg, sizeof msg, &field)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, msg);
        return 1;
    }
    if (!st || !td_state_has_plan(st))
        fprintf(stderr, "tiendo %s: (bản sao chưa có kế hoạch: chưa kiểm tra được nhiệm vụ %u; máy chủ sẽ kiểm tra "
                        "khi đồng bộ)\n", cmd, r->task);
    return 0;
}

/* ---- tiendo report --from-file ---------------------------------------------- */

typedef struct tdc_cell {
    char *s;
    int line;
} tdc_cell;

typedef struct tdc_row {
    tdc_cell *cells;
    size_t n;
    int line;
} tdc_row;

static void tdc__rows_free(tdc_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < rows[i].n; k++) free(rows[i].cells[k].s);
        free(rows[i].cells);
    }
    free(rows);
}

/*
 * RFC 4180 CSV as Excel writes it: fields separated by delim, quoted
 * fields with "" for a quote and line breaks inside, CRLF or LF.  0, or -1
 * with msg naming the line.
 */
static int tdc__csv_parse(const char *s, size_t n, char delim, tdc_row **out, size_t *n_out, char *msg, size_t mn)
{
    tdc_row *rows = NULL, *row = NULL;
    size_t n_rows = 0, cap_rows = 0, i = 0;
    char *fld = NULL;
    size_t flen = 0, fcap = 0;
    int line = 1;
    *out = NULL;
    *n_out = 0;
    while (i < n) {
        int fline = line, quoted = 0, end_row = 0;
        /* a new row */
        if (!row) {
            if (n_rows == cap_rows) {
                size_t nc = cap_rows ? cap_rows * 2 : 64;
                tdc_row *nr = realloc(rows, nc * sizeof *nr);
                if (!nr) goto nomem;
                rows = nr;
                cap_rows = nc;
            }
            row = &rows[n_rows++];
            memset(row, 0, sizeof *row);
            row->line = line;
        }
        flen = 0;
        if (s[i] == '"') {
            quoted = 1;
            i++;
        }
        for (;;) {
            char ch;
            if (i >= n) {
                if (quoted) {
                    snprintf(msg, mn, "dòng %d: thiếu dấu ngoặc kép đóng cho ô mở ở đây", fline);
                    goto fail;
                }
                end_row = 1;
                break;
            }
            ch = s[i];
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        i += 2;
                        ch = '"';
                    } else {
                        quoted = 0;
                        i++;
                        /* after the closing quote only a separator or the line end */
                        if (i < n && s[i] != delim && s[i] != '\n' && s[i] != '\r') {
                            snprintf(msg, mn, "dòng %d: có chữ ngay sau dấu ngoặc kép đóng ô", line);
                            goto fail;
                        }
                        continue;
                    }
                } else {
                    if (ch == '\n') line++;
                    i++;
                }
            } else {
                if (ch == delim) {
                    i++;
                    break;
                }
                if (ch == '\r' && i + 1 < n && s[i + 1] == '\n') {
                    i++;
                    continue;
                }
                if (ch == '\n') {
                    i++;
                    line++;
                    end_row = 1;
                    break;
                }
                i++;
            }
            if (flen + 2 > fcap) {
                size_t nc = fcap ? fcap * 2 : 64;
                char *nf = realloc(fld, nc);
                if (!nf) goto nomem;
                fld = nf;
                fcap = nc;
            }
            fld[flen++] = ch;
        }
        {
            tdc_cell *nc = realloc(row->cells, (row->n + 1) * sizeof *nc);
            if (!nc) goto nomem;
            row->cells = nc;
            if (!(row->cells[row->n].s = td_strndup(fld ? fld : "", flen))) goto nomem;
            /* quoted text keeps its CRs only inside; drop CR of CRLF inside cells */
            {
                char *w = row->cells[row->n].s;
                for (char *p = w; *p; p++)
                    if (!(*p == '\r' && p[1] == '\n')) *w++ = *p;
                *w = 0;
            }
            row->cells[row->n].line = fline;
            row->n++;
        }
        if (end_row) row = NULL;
    }
    free(fld);
    *out = rows;
    *n_out = n_rows;
    return 0;
nomem:
    snprintf(msg, mn, "hết bộ nhớ");
fail:
    free(fld);
    tdc__rows_free(rows, n_rows);
    return -1;
}

enum {
    TDC_COL_TASK, TDC_COL_PERIOD, TDC_COL_STATE, TDC_COL_PERCENT, TDC_COL_RESULT, TDC_COL_DIFF, TDC_COL_PROP,
    TDC_COL_EVIDENCE, TDC_COL_DOC, TDC_COL_DONE, TDC_COL_ATTACH, TDC_COL_N
};
static const char *const tdc__col_names[TDC_COL_N] = {
    "task", "period", "state", "percent", "result", "difficulties", "proposals", "evidence", "doc", "done_date", "attach",
};

/* Shown errors per batch: enough to fix a file in one go. */
#define TDC_BATCH_ERRORS_SHOWN 20

typedef struct tdc_batch {
    const char *path;
    int n_err;
} tdc_batch;

static void tdc__batch_err(tdc_batch *b, int line, const char *col, const char *msg)
{
    if (b->n_err++ < TDC_BATCH_ERRORS_SHOWN) {
        if (col)
            fprintf(stderr, "%s:%d: cột %s: %s\n", b->path, line, col, msg);
        else
            fprintf(stderr, "%s:%d: %s\n", b->path, line, msg);
    }
}

/* Split a multi-value cell at line breaks and '|'; call fn on each
 * trimmed non-empty piece.  0 or the first non-zero fn result. */
static int tdc__each_value(char *cell, int (*fn)(void *, const char *), void *arg)
{
    char *p = cell;
    while (p && *p) {
        char *end = p + strcspn(p, "\n|");
        char save = *end;
        int rc;
        *end = 0;
        td_trim(p);
        rc = *p ? fn(arg, p) : 0;
        *end = save;
        if (rc) return rc;
        p = save ? end + 1 : NULL;
    }
    return 0;
}

typedef struct tdc_cellctx {
    tdc_rep *r;
    tdc_ctx *c;
    int today;
    const char *base_dir;
    char why[768];
} tdc_cellctx;

static int tdc__cell_evidence(void *a, const char *v)
{
    tdc_cellctx *x = a;
    const char *why;
    if (tdc__add_evidence(x->r, v, &why)) {
        snprintf(x->why, sizeof x->why, "%s", why);
        return -1;
    }
    return 0;
}

static int tdc__cell_doc(void *a, const char *v)
{
    tdc_cellctx *x = a;
    const char *why;
    if (tdc__add_doc(x->r, v, x->today, &why)) {
        snprintf(x->why, sizeof x->why, "%s", why);
        return -1;
    }
    return 0;
}

static int tdc__cell_attach(void *a, const char *v)
{
    tdc_cellctx *x = a;
    char path[PATH_MAX];
    if (v[0] == '/')
        snprintf(path, sizeof path, "%s", v);
    else
        snprintf(path, sizeof path, "%s/%s", x->base_dir, v);
    return tdc__add_att(x->r, x->c, path, x->why, sizeof x->why);
}

/* Read a whole file (at most max bytes) NUL-terminated.  NULL with errno. */
static char *tdc__slurp(const char *path, size_t max, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!f) return NULL;
    for (;;) {
        size_t k;
        if (len + 4096 + 1 > cap) {
            char *nb;
            cap = cap ? cap * 2 : 65536;
            if (cap > max + 4096 + 1) cap = max + 4096 + 1;
            if (!(nb = realloc(buf, cap))) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        k = fread(buf + len, 1, cap - len - 1, f);
        len += k;
        if (len > max) {
            free(buf);
            fclose(f);
            errno = EFBIG;
            return NULL;
        }
        if (k == 0) break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        errno = EIO;
        return NULL;
    }
    fclose(f);
    buf[len] = 0;
    *n = len;
    return buf;
}

static int tdc__batch(tdc_ctx *c, const char *cmd, const char *path, int today)
{
    tdc_batch b = {path, 0};
    const td_state *st = tdc_replica_state(c->rep);
    char *buf, *s, msg[1024], base_dir[PATH_MAX], delim = ',';
    size_t n = 0, n_rows = 0, bad;
    tdc_row *rows = NULL;
    int col[TDC_COL_N], rc = 1, n_ok = 0;
    tdc_rep *reps = NULL;
    int *rep_line = NULL;
    size_t n_reps = 0;

    if (!(buf = tdc__slurp(path, TDC_BATCH_MAX_BYTES, &n))) {
        if (errno == EFBIG)
            fprintf(stderr, "tiendo %s: tệp %s lớn quá %u MB; hãy chia thành nhiều tệp.\n", cmd, path,
                    TDC_BATCH_MAX_BYTES >> 20);
        else
            fprintf(stderr, "tiendo %s: không đọc được tệp %s: %s\n", cmd, path, strerror(errno));
        return 1;
    }
    s = buf;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {   /* Excel's "CSV UTF-8" starts with a BOM */
        s += 3;
        n -= 3;
    }
    if (!td_utf8_valid(s, n, &bad)) {
        int line = 1;
        for (size_t i = 0; i < bad; i++)
            if (s[i] == '\n') line++;
        fprintf(stderr, "%s:%d: không phải văn bản UTF-8 (byte thứ %zu). Trong Excel hãy lưu bằng \"CSV UTF-8 "
                        "(Comma delimited)\".\ntiendo %s: không ghi báo cáo nào.\n", path, line, bad + 1, cmd);
        free(buf);
        return 1;
    }
    {
        /* The separator: what the header line uses most (Excel in a
         * Vietnamese locale writes ';', since ',' is the decimal mark). */
        size_t nc = 0, ns = 0, nt = 0;
        for (const char *p = s; *p && *p != '\n'; p++) nc += *p == ',', ns += *p == ';', nt += *p == '\t';
        if (ns > nc && ns >= nt) delim = ';';
        else if (nt > nc && nt > ns) delim = '\t';
    }
    if (tdc__csv_parse(s, n, delim, &rows, &n_rows, msg, sizeof msg)) {
        fprintf(stderr, "%s: %s\ntiendo %s: không ghi báo cáo nào.\n", path, msg, cmd);
        free(buf);
        return 1;
    }
    free(buf);
    {
        const char *sl = strrchr(path, '/');
        if (sl)
            snprintf(base_dir, sizeof base_dir, "%.*s", (int)(sl - path), path);
        else
            snprintf(base_dir, sizeof base_dir, ".");
        if (!base_dir[0]) snprintf(base_dir, sizeof base_dir, "/");
    }

    /* header */
    for (int k = 0; k < TDC_COL_N; k++) col[k] = -1;
    if (!n_rows) {
        tdc__batch_err(&b, 1, NULL, "tệp trống: dòng đầu phải là tên các cột (task,period,state,...)");
        goto report;
    }
    for (size_t k = 0; k < rows[0].n; k++) {
        char *h = td_vi_lower(rows[0].cells[k].s);
        int found = -1;
        if (!h) goto nomem;
        td_trim(h);
        for (int q = 0; q < TDC_COL_N; q++)
            if (!strcmp(h, tdc__col_names[q])) found = q;
        if (found < 0) {
            /* The Vietnamese names, with or without diacritics, any case:
             * matched on the ASCII fold with blanks and '_' dropped. */
            static const struct { const char *key; int col; } vi[] = {
                {"nhiemvu", TDC_COL_TASK},      {"tt", TDC_COL_TASK},           {"ky", TDC_COL_PERIOD},
                {"kybaocao", TDC_COL_PERIOD},   {"trangthai", TDC_COL_STATE},   {"tyle", TDC_COL_PERCENT},
                {"tile", TDC_COL_PERCENT},      {"ketqua", TDC_COL_RESULT},     {"khokhan", TDC_COL_DIFF},
                {"kiennghi", TDC_COL_PROP},     {"dexuat", TDC_COL_PROP},       {"minhchung", TDC_COL_EVIDENCE},
                {"vanban", TDC_COL_DOC},        {"ngayhoanthanh", TDC_COL_DONE}, {"tepdinhkem", TDC_COL_ATTACH},
                {"dinhkem", TDC_COL_ATTACH},
            };
            char *a = td_vi_ascii(h), *w = a;
            if (!a) { free(h); goto nomem; }
            for (char *r = a; *r; r++)
                if (*r != ' ' && *r != '_' && *r != '\t' && *r != '(' && *r != ')' && *r != '%') *w++ = *r;
            *w = 0;
            for (size_t q = 0; q < sizeof vi / sizeof vi[0]; q++)
                if (!strcmp(a, vi[q].key)) found = vi[q].col;
            free(a);
        }
        if (!*h && k + 1 == rows[0].n) {
            free(h);   /* a trailing separator: an empty last column */
            continue;
        }
        if (found < 0) {
            snprintf(msg, sizeof msg,
                     "tên cột \"%s\" không hợp lệ; các cột: Nhiệm vụ, Kỳ, Trạng thái, Tỷ lệ, Kết quả, Khó khăn, "
                     "Kiến nghị, Minh chứng, Văn bản, Ngày hoàn thành, Tệp đính kèm (hoặc task, period, state, "
                     "percent, result, difficulties, proposals, evidence, doc, done_date, attach)", h);
            tdc__batch_err(&b, rows[0].line, NULL, msg);
        } else if (col[found] >= 0) {
            snprintf(msg, sizeof msg, "cột \"%s\" có hai lần", h);
            tdc__batch_err(&b, rows[0].line, NULL, msg);
        } else {
            col[found] = (int)k;
        }
        free(h);
    }
    if (col[TDC_COL_TASK] < 0 || col[TDC_COL_PERIOD] < 0)
        tdc__batch_err(&b, rows[0].line, NULL, "thiếu cột task hoặc period (dòng đầu phải có tên các cột)");
    if (b.n_err) goto report;
    if (n_rows - 1 > TDC_BATCH_MAX_RECORDS) {
        snprintf(msg, sizeof msg, "quá %d báo cáo trong một tệp; hãy chia thành nhiều tệp", TDC_BATCH_MAX_RECORDS);
        tdc__batch_err(&b, rows[0].line, NULL, msg);
        goto report;
    }
    if (!(reps = calloc(n_rows, sizeof *reps)) || !(rep_line = calloc(n_rows, sizeof *rep_line))) goto nomem;

    /* every record, checked before anything is signed */
    for (size_t ri = 1; ri < n_rows; ri++) {
        tdc_row *row = &rows[ri];
        tdc_rep *r = &reps[n_reps];
        int empty = 1, row_err = b.n_err;
        const char *field = NULL;
        for (size_t k = 0; k < row->n; k++)
            if (!tdc__blank(row->cells[k].s)) empty = 0;
        if (empty) continue;   /* blank lines between records */
        tdc__rep_init(r);
        n_reps++;
        rep_line[n_reps - 1] = row->line;
        if (row->n > rows[0].n) {
            int extra = 0;
            for (size_t k = rows[0].n; k < row->n; k++)
                if (!tdc__blank(row->cells[k].s)) extra = 1;
            if (extra) {
                snprintf(msg, sizeof msg, "dòng có %zu ô, nhiều hơn %zu cột của dòng tiêu đề (thiếu dấu ngoặc kép "
                                          "quanh một ô có dấu phân cách?)", row->n, rows[0].n);
                tdc__batch_err(&b, row->line, NULL, msg);
                continue;
            }
        }
        for (int q = 0; q < TDC_COL_N; q++) {
            tdc_cell *cell;
            char *v;
            const char *why = NULL;
            long num;
            tdc_cellctx x;
            if (col[q] < 0 || (size_t)col[q] >= row->n) continue;
            cell = &row->cells[col[q]];
            v = cell->s;
            if (q != TDC_COL_RESULT && q != TDC_COL_DIFF && q != TDC_COL_PROP) td_trim(v);
            memset(&x, 0, sizeof x);
            x.r = r;
            x.c = c;
            x.today = today;
            x.base_dir = base_dir;
            switch (q) {
            case TDC_COL_TASK:
                if (!tdc__int(v, &num) || num < 1 || num > TD_PLAN_TASK_NUMBER_MAX)
                    why = "phải là số thứ tự nhiệm vụ (số nguyên dương), ví dụ 27";
                else
                    r->task = (uint32_t)num;
                break;
            case TDC_COL_PERIOD:
                if (!tdc__period_norm(v, r->period))
                    why = "kỳ phải có dạng 2025-06 hoặc 06/2025 (trong Excel, định dạng cột là Text)";
                break;
            case TDC_COL_STATE:
                if (*v && !(r->state = tdc__state_parse(v)))
                    why = "trạng thái phải là chua, dang, xong (hoặc \"chưa triển khai\", \"đang thực hiện\", "
                          "\"đã hoàn thành\")";
                break;
            case TDC_COL_PERCENT:
                if (!*v) break;
                if (v[strlen(v) - 1] == '%') v[strlen(v) - 1] = 0;
                if (!tdc__int(td_trim(v), &num) || num < 0 || num > 100) {
                    why = "phần trăm hoàn thành phải là số nguyên từ 0 đến 100";
                } else {
                    r->percent = (int)num;
                    r->percent_cli = 1;
                }
                break;
            case TDC_COL_RESULT:
                if (!tdc__blank(v) && tdc__set_text(&r->result, td_trim(v), &why)) break;
                break;
            case TDC_COL_DIFF:
                if (!tdc__blank(v) && tdc__set_text(&r->difficulties, td_trim(v), &why)) break;
                break;
            case TDC_COL_PROP:
                if (!tdc__blank(v) && tdc__set_text(&r->proposals, td_trim(v), &why)) break;
                break;
            case TDC_COL_EVIDENCE:
                if (tdc__each_value(v, tdc__cell_evidence, &x)) why = x.why;
                break;
            case TDC_COL_DOC:
                if (tdc__each_value(v, tdc__cell_doc, &x)) why = x.why;
                break;
            case TDC_COL_DONE:
                if (*v && (td_date_parse_vi(v, &r->done_date) || !td_date_valid(r->done_date)))
                    why = "ngày hoàn thành phải có dạng dd/mm/yyyy";
                break;
            case TDC_COL_ATTACH:
                if (tdc__each_value(v, tdc__cell_attach, &x)) why = x.why;
                break;
            }
            if (why) tdc__batch_err(&b, cell->line, tdc__col_names[q], why);
        }
        if (b.n_err != row_err) continue;
        if (!r->task) {
            tdc__batch_err(&b, row->line, "task", "thiếu số thứ tự nhiệm vụ");
            continue;
        }
        if (!r->period[0]) {
            tdc__batch_err(&b, row->line, "period", "thiếu kỳ báo cáo (2025-06)");
            continue;
        }
        if (tdc__rep_check_plan(st, c->id.subject.agency, today, r, msg, sizeof msg, &field) ||
            tdc__rep_complete(r, today, TDC_HOW_CSV, msg, sizeof msg, &field)) {
            tdc__batch_err(&b, row->line, field, msg);
            continue;
        }
        for (size_t k = 0; k + 1 < n_reps; k++)
            if (reps[k].task == r->task && !strcmp(reps[k].period, r->period)) {
                snprintf(msg, sizeof msg, "nhiệm vụ %u kỳ %s đã có ở dòng %d; mỗi nhiệm vụ một báo cáo mỗi kỳ",
                         r->task, r->period, rep_line[k]);
                tdc__batch_err(&b, row->line, "task", msg);
                break;
            }
    }
    if (!b.n_err && !n_reps) tdc__batch_err(&b, rows[0].line, NULL, "tệp không có báo cáo nào (chỉ có dòng tiêu đề)");

report:
    if (b.n_err) {
        if (b.n_err > TDC_BATCH_ERRORS_SHOWN)
            fprintf(stderr, "... và %d lỗi khác.\n", b.n_err - TDC_BATCH_ERRORS_SHOWN);
        fprintf(stderr, "tiendo %s: tệp %s có %d lỗi; KHÔNG ghi báo cáo nào. Hãy sửa tệp rồi chạy lại.\n", cmd, path,
                b.n_err);
        goto out;
    }
    if (!st || !td_state_has_plan(st))
        fprintf(stderr, "tiendo %s: (bản sao chưa có kế hoạch: chưa kiểm tra được các nhiệm vụ; máy chủ sẽ kiểm tra "
                        "khi đồng bộ)\n", cmd);
    for (size_t k = 0; k < n_reps; k++) {
        uint64_t seq;
        char pvi[8];
        if (tdc__rep_sign(c, cmd, &reps[k], 0, &seq)) {
            fprintf(stderr, "tiendo %s: dừng ở dòng %d: đã ghi %d báo cáo đầu, các dòng từ %d trở đi CHƯA được ghi.\n",
                    cmd, rep_line[k], n_ok, rep_line[k]);
            goto out;
        }
        n_ok++;
        tdc_period_vi(reps[k].period, pvi, sizeof pvi);
        printf("  dòng %d: nhiệm vụ %u, kỳ %s: %s, %d%% (số thứ tự %llu)\n", rep_line[k], reps[k].task, pvi,
               tdc__state_vi(reps[k].state), reps[k].percent, (unsigned long long)seq);
    }
    printf("Đã ghi %d báo cáo từ %s vào hộp thư đi.\n%s", n_ok, path, tdc__next_step);
    rc = 0;
    goto out;
nomem:
    fprintf(stderr, "tiendo %s: %s\n", cmd, td_err_vi(TD_ENOMEM));
out:
    for (size_t k = 0; k < n_reps; k++) tdc__rep_free(&reps[k]);
    free(reps);
    free(rep_line);
    tdc__rows_free(rows, n_rows);
    return rc;
}

/* ---- tiendo report show ------------------------------------------------------- */

static int tdc__report_show(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"task", required_argument, 0, 't'},
                                         {"period", required_argument, 0, 'p'},
                                         {"agency", required_argument, 0, 'a'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "report show", *dir = NULL, *agency = NULL, *task_s = NULL;
    char period[8] = "", pvi[8], t[64];
    long task = 0;
    int opt;
    tdc_ctx c;
    const td_state *st;
    const td_report *rep;
    tdc_rep r;

    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 't': task_s = optarg; break;
        case 'p':
            if (!tdc__period_norm(optarg, period))
                return tdc_usage_err("report", "--period phải có dạng MM/YYYY (hoặc YYYY-MM): ", optarg);
            break;
        case 'a': agency = optarg; break;
        case 'h': tdc__report_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "report show", opt, argv);
        }
    }
    if (optind < argc) task_s = argv[optind++];
    if (optind < argc) return tdc_usage_err("report", "tham số thừa: ", argv[optind]);
    if (!task_s || !tdc__int(task_s, &task) || task < 1 || task > TD_PLAN_TASK_NUMBER_MAX)
        return tdc_usage_err("report", "report show cần số thứ tự nhiệm vụ: tiendo report show SỐ --period MM/YYYY",
                              NULL);
    if (!period[0]) return tdc_usage_err("report", "thiếu --period", NULL);
    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    st = tdc_replica_state(c.rep);
    if (!agency) agency = c.id.subject.agency;
    tdc_period_vi(period, pvi, sizeof pvi);
    rep = st ? td_state_report(st, (uint32_t)task, agency, period) : NULL;
    if (!rep) {
        fprintf(stderr, "tiendo report show: bản sao chưa có báo cáo của %s về nhiệm vụ %ld kỳ %s. "
                        "Báo cáo mới ghi chỉ có ở đây sau khi đồng bộ (tiendo sync); bản nháp: tiendo draft list.\n",
                agency, task, pvi);
        tdc_ctx_close(&c);
        return 1;
    }
    tdc__rep_init(&r);
    r.task = rep->task;
    r.state = rep->state;
    r.percent = (int)rep->percent;
    r.result = rep->result;
    r.difficulties = rep->difficulties;
    r.proposals = rep->proposals;
    r.done_date = rep->done_date;
    r.evidence = rep->evidence;
    r.n_evidence = rep->n_evidence;
    tdc_fmt_time(rep->device_time_ms, t, sizeof t);
    printf("Báo cáo nhiệm vụ %u, kỳ %s, của %s (bản ghi số %llu, ký lúc %s):\n", rep->task, pvi, rep->agency,
           (unsigned long long)rep->index, t);
    tdc__rep_print(stdout, &r);
    for (size_t i = 0; i < rep->n_docs; i++) {
        char d[16];
        td_date_vi(rep->docs[i].date, d, sizeof d);
        printf("  Văn bản: %s%s%s%s%s\n", rep->docs[i].number, rep->docs[i].date ? ", ngày " : "", d,
               *rep->docs[i].title ? ": " : "", rep->docs[i].title);
    }
    for (size_t i = 0; i < rep->n_attachments; i++) {
        char hex[17];
        for (int k = 0; k < 8; k++) snprintf(hex + 2 * k, 3, "%02x", rep->attachments[i].sha256[k]);
        printf("  Tệp đính kèm: %s (%s, %llu byte, sha256 %s…)\n", rep->attachments[i].name, rep->attachments[i].mime,
               (unsigned long long)rep->attachments[i].size, hex);
    }
    if (rep->review > 0)
        printf("  Thẩm định: đã chấp nhận%s%s\n", *rep->review_comment ? ": " : "", rep->review_comment);
    else if (rep->review < 0)
        printf("  Thẩm định: bị trả lại: %s\n", rep->review_comment);
    else
        printf("  Thẩm định: chưa\n");
    tdc_ctx_close(&c);
    return 0;
}

/* ---- tiendo report ------------------------------------------------------------ */

int tdc_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"task", required_argument, 0, 't'},
                                         {"period", required_argument, 0, 'p'},
                                         {"state", required_argument, 0, 's'},
                                         {"percent", required_argument, 0, 'P'},
                                         {"result", required_argument, 0, 'r'},
                                         {"difficulties", required_argument, 0, 'D'},
                                         {"proposals", required_argument, 0, 'R'},
                                         {"evidence", required_argument, 0, 'e'},
                                         {"doc", required_argument, 0, 'o'},
                                         {"attach", required_argument, 0, 'A'},
                                         {"done-date", required_argument, 0, 'n'},
                                         {"draft", no_argument, 0, 'x'},
                                         {"prompt", no_argument, 0, 'i'},
                                         {"no-prompt", no_argument, 0, 'I'},
                                         {"from-file", required_argument, 0, 'f'},
                                         {"date", required_argument, 0, 'T'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "report";
    const char *dir = NULL, *from_file = NULL, *task_s = NULL, *why;
    const char *docs_raw[TDC_EVIDENCE_MAX], *atts_raw[TD_ATTACH_PER_REPORT_MAX];
    size_t n_docs_raw = 0, n_atts_raw = 0;
    int opt, rc = 1, want_draft = 0, force_prompt = 0, no_prompt = 0, today, found = 0, prompting;
    int given_state, given_percent, given_done, given_result, given_diff, given_prop, n_field_opts = 0;
    long v;
    tdc_rep cli, r;
    tdc_draft dr;
    tdc_ctx c;
    const td_state *st;
    char key[TDC_DRAFT_KEY_MAX + 1], msg[1024], pvi[8];
    const char *field;
    td_error e;

    if (argc >= 2 && !strcmp(argv[1], "show")) return tdc__report_show(argc - 1, argv + 1);
    tdc__rep_init(&cli);
    tdc__rep_init(&r);
    memset(&dr, 0, sizeof dr);
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 't': task_s = optarg; break;
        case 'p':
            if (!tdc__period_norm(optarg, cli.period)) {
                rc = tdc_usage_err(cmd, "--period phải có dạng MM/YYYY hoặc YYYY-MM (ví dụ 06/2025): ", optarg);
                goto out_free;
            }
            break;
        case 's':
            n_field_opts++;
            if (!(cli.state = tdc__state_parse(optarg))) {
                rc = tdc_usage_err(cmd, "--state phải là chua, dang hoặc xong (hoặc \"chưa triển khai\", "
                                         "\"đang thực hiện\", \"đã hoàn thành\"): ", optarg);
                goto out_free;
            }
            break;
        case 'P':
            n_field_opts++;
            {
                char tmp[32];
                snprintf(tmp, sizeof tmp, "%s", optarg);
                if (tmp[0] && tmp[strlen(tmp) - 1] == '%') tmp[strlen(tmp) - 1] = 0;
                if (!tdc__int(tmp, &v) || v < 0 || v > 100) {
                    fprintf(stderr, "tiendo report: phần trăm hoàn thành phải là số nguyên từ 0 đến 100 (nhận được "
                                    "\"%s\"). Ví dụ: --percent 40.\nXem: tiendo report --help\n", optarg);
                    rc = 2;
                    goto out_free;
                }
            }
            cli.percent = (int)v;
            cli.percent_cli = 1;
            break;
        case 'r':
        case 'D':
        case 'R':
            n_field_opts++;
            if (tdc__set_text(opt == 'r' ? &cli.result : opt == 'D' ? &cli.difficulties : &cli.proposals, optarg,
                              &why)) {
                fprintf(stderr, "tiendo report: --%s: %s (tối đa %d byte).\n",
                        opt == 'r' ? "result" : opt == 'D' ? "difficulties" : "proposals", why, TDC_TEXT_MAX);
                rc = 2;
                goto out_free;
            }
            break;
        case 'e':
            n_field_opts++;
            if (tdc__add_evidence(&cli, optarg, &why)) {
                fprintf(stderr, "tiendo report: --evidence: %s\n", why);
                rc = 2;
                goto out_free;
            }
            break;
        case 'o':
            n_field_opts++;
            if (n_docs_raw == TDC_EVIDENCE_MAX) {
                rc = tdc_usage_err(cmd, "quá nhiều --doc (tối đa 32)", NULL);
                goto out_free;
            }
            docs_raw[n_docs_raw++] = optarg;
            break;
        case 'A':
            n_field_opts++;
            if (n_atts_raw == TD_ATTACH_PER_REPORT_MAX) {
                rc = tdc_usage_err(cmd, "quá nhiều --attach (tối đa 8 tệp mỗi báo cáo)", NULL);
                goto out_free;
            }
            atts_raw[n_atts_raw++] = optarg;
            break;
        case 'n':
            n_field_opts++;
            if (td_date_parse_vi(optarg, &cli.done_date) || !td_date_valid(cli.done_date)) {
                rc = tdc_usage_err(cmd, "--done-date phải là ngày dd/mm/yyyy: ", optarg);
                goto out_free;
            }
            break;
        case 'x': want_draft = 1; break;
        case 'i': force_prompt = 1; break;
        case 'I': no_prompt = 1; break;
        case 'f': from_file = optarg; break;
        case 'T':
            if ((rc = tdc__date_opt(cmd, optarg))) goto out_free;
            rc = 1;
            break;
        case 'h': tdc__report_usage(stdout); rc = 0; goto out_free;
        default: rc = td_cli_opt_err("tiendo", "report", opt, argv); goto out_free;
        }
    }
    if (optind < argc) {
        if (task_s && strcmp(task_s, argv[optind])) {
            rc = tdc_usage_err(cmd, "số nhiệm vụ ghi hai lần khác nhau: ", argv[optind]);
            goto out_free;
        }
        task_s = argv[optind++];
    }
    if (optind < argc) {
        rc = tdc_usage_err(cmd, "tham số thừa: ", argv[optind]);
        goto out_free;
    }
    if (force_prompt && no_prompt) {
        rc = tdc_usage_err(cmd, "--prompt và --no-prompt không dùng cùng nhau", NULL);
        goto out_free;
    }
    if (from_file) {
        if (task_s || cli.period[0] || n_field_opts || want_draft || force_prompt) {
            rc = tdc_usage_err(cmd, "--from-file lấy mọi thứ từ tệp: không dùng cùng số nhiệm vụ, --period, "
                                     "các mục báo cáo, --draft hay --prompt", NULL);
            goto out_free;
        }
        if (tdc_ctx_open(&c, dir, cmd)) goto out_free;
        rc = tdc__batch(&c, cmd, from_file, tdc_today());
        tdc_ctx_close(&c);
        goto out_free;
    }
    if (!task_s) {
        rc = tdc_usage_err(cmd, "thiếu số nhiệm vụ: tiendo report SỐ --period MM/YYYY (xem các nhiệm vụ: tiendo tasks)",
                            NULL);
        goto out_free;
    }
    if (!tdc__int(task_s, &v) || v < 1 || v > TD_PLAN_TASK_NUMBER_MAX) {
        rc = tdc_usage_err(cmd, "số nhiệm vụ phải là số thứ tự (số nguyên dương) của nhiệm vụ: ", task_s);
        goto out_free;
    }
    cli.task = (uint32_t)v;
    if (!cli.period[0]) {
        rc = tdc_usage_err(cmd, "thiếu --period MM/YYYY (kỳ báo cáo, ví dụ 2025-06)", NULL);
        goto out_free;
    }
    today = tdc_today();
    for (size_t i = 0; i < n_docs_raw; i++)
        if (tdc__add_doc(&cli, docs_raw[i], today, &why)) {
            fprintf(stderr, "tiendo report: --doc \"%s\": %s.\n", docs_raw[i], why);
            rc = 2;
            goto out_free;
        }
    given_state = cli.state != 0;
    given_percent = cli.percent >= 0;
    given_done = cli.done_date != 0;
    given_result = cli.result != NULL;
    given_diff = cli.difficulties != NULL;
    given_prop = cli.proposals != NULL;

    if (tdc_ctx_open(&c, dir, cmd)) goto out_free;
    st = tdc_replica_state(c.rep);
    if ((rc = tdc__plan_refuse(cmd, st, c.id.subject.agency, today, &cli))) goto out;
    rc = 1;
    for (size_t i = 0; i < n_atts_raw; i++)
        if (tdc__add_att(&cli, &c, atts_raw[i], msg, sizeof msg)) {
            fprintf(stderr, "tiendo report: --attach: %s.\n", msg);
            goto out;
        }

    /* a draft of this task and period is the starting point */
    tdc_draft_key(cli.task, cli.period, key);
    if (tdc_draft_get(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, &dr, &found, &e)) {
        fprintf(stderr, "tiendo report: không đọc được bản nháp: %s (%s)\n", td_err_vi(e.code), e.msg);
        goto out;
    }
    if (found) {
        if (tdc__rep_unpack(dr.payload, dr.len, &r)) {
            fprintf(stderr, "tiendo report: bản nháp %s hỏng (không giải mã được); xóa bằng "
                            "`tiendo draft delete %u --period %s` rồi ghi lại.\n", key, cli.task, cli.period);
            goto out;
        }
        r.percent_cli = 0;
        fprintf(stderr, "tiendo report: bắt đầu từ bản nháp đã lưu của nhiệm vụ %u kỳ %s.\n", cli.task, cli.period);
    }
    tdc__rep_merge(&r, &cli);
    r.task = cli.task;
    memcpy(r.period, cli.period, sizeof r.period);
    tdc_period_vi(r.period, pvi, sizeof pvi);

    if (want_draft) {
        uint8_t *buf = NULL;
        size_t len = 0;
        if (r.percent >= 0 && r.percent > 100) r.percent = 100;
        if (tdc__rep_pack(&r, c.id.subject.agency, &buf, &len) ||
            tdc_draft_put(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, buf, len, tdc_now_ms(), &e)) {
            fprintf(stderr, "tiendo report: không lưu được bản nháp: %s\n", buf ? e.msg : td_err_vi(TD_ENOMEM));
            free(buf);
            goto out;
        }
        free(buf);
        printf("Đã %s bản nháp báo cáo nhiệm vụ %u kỳ %s (CHƯA ký, chưa gửi):\n", found ? "cập nhật" : "lưu", r.task,
               pvi);
        tdc__rep_print(stdout, &r);
        printf("Bước tiếp theo: sửa tiếp bằng `tiendo report %u --period %s ... --draft`; khi xong, nộp bằng "
               "`tiendo draft submit %u --period %s` (ký và đưa vào hộp thư đi).\n",
               r.task, r.period, r.task, r.period);
        rc = 0;
        goto out;
    }

    prompting = force_prompt || (!no_prompt && isatty(STDIN_FILENO));
    if (prompting &&
        tdc__rep_ask(&r, given_state, given_percent, given_done, given_result, given_diff, given_prop, today))
        goto out;
    if ((rc = tdc__rep_complete(&r, today, TDC_HOW_CLI, msg, sizeof msg, &field))) {
        fprintf(stderr, "tiendo report: %s\n", msg);
        if (!prompting && !no_prompt)
            fprintf(stderr, "(Không hỏi vì đầu vào không phải màn hình; --prompt để được hỏi. Lưu tạm: --draft.)\n");
        goto out;
    }
    if ((rc = tdc__rep_sign(&c, cmd, &r, 1, NULL))) goto out;
    if (found) {
        int del = 0;
        if (tdc_draft_delete(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, &del, &e))
            fprintf(stderr, "tiendo report: cảnh báo: báo cáo đã ghi nhưng chưa xóa được bản nháp (%s); "
                            "xóa bằng `tiendo draft delete %u --period %s`.\n", e.msg, r.task, r.period);
        else
            printf("Bản nháp của nhiệm vụ %u kỳ %s đã được dùng và xóa.\n", r.task, pvi);
    }
    fputs(tdc__next_step, stdout);
    rc = 0;
out:
    tdc_ctx_close(&c);
out_free:
    tdc_draft_free(&dr);
    tdc__rep_free(&cli);
    tdc__rep_free(&r);
    return rc;
}

/* ---- tiendo draft ------------------------------------------------------------- */

static void tdc__draft_usage(FILE *f)
{
    fputs("Cách dùng: tiendo draft list [--dir THƯ_MỤC]\n"
          "           tiendo draft show SỐ --period MM/YYYY [--dir THƯ_MỤC]\n"
          "           tiendo draft submit SỐ --period MM/YYYY [--date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
          "           tiendo draft delete SỐ --period MM/YYYY [--dir THƯ_MỤC]\n"
          "\n"
          "Bản nháp báo cáo: lưu bằng `tiendo report SỐ --period KỲ ... --draft`. Bản nháp nằm trên máy,\n"
          "CHƯA được ký và không được gửi đi; mỗi nhiệm vụ mỗi kỳ một bản nháp (lưu lại thì thay).\n"
          "\n"
          "  list     liệt kê các bản nháp\n"
          "  show     xem một bản nháp\n"
          "  submit   nộp: kiểm tra như `tiendo report`, ký, đưa vào hộp thư đi, rồi xóa bản nháp\n"
          "  delete   xóa bản nháp (không ký gì)\n"
          "`tiendo report SỐ --period KỲ` (không có --draft) cũng bắt đầu từ bản nháp nếu có, hỏi/nhận\n"
          "thêm các mục, rồi ký và xóa bản nháp.\n"
          "Mã thoát: 0 thành công, 1 lỗi hoặc không có bản nháp, 2 sai cú pháp hoặc bản nháp thiếu mục bắt buộc.\n",
          f);
}

int tdc_cmd_draft(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"task", required_argument, 0, 't'},
                                         {"period", required_argument, 0, 'p'},
                                         {"date", required_argument, 0, 'T'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "draft", *dir = NULL, *task_s = NULL, *sub;
    char period[8] = "", key[TDC_DRAFT_KEY_MAX + 1], pvi[8], msg[1024];
    const char *field;
    long task = 0;
    int opt, rc = 1, found = 0;
    tdc_ctx c;
    tdc_draft dr;
    tdc_rep r;
    td_error e;

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        tdc__draft_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    sub = argv[1];
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "submit") && strcmp(sub, "delete"))
        return tdc_usage_err(cmd, "lệnh con phải là list, show, submit hoặc delete: ", sub);
    argc--;
    argv++;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 't': task_s = optarg; break;
        case 'p':
            if (!tdc__period_norm(optarg, period)) return tdc_usage_err(cmd, "--period phải có dạng MM/YYYY (hoặc YYYY-MM): ", optarg);
            break;
        case 'T':
            if (tdc__date_opt(cmd, optarg)) return 2;
            break;
        case 'h': tdc__draft_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "draft", opt, argv);
        }
    }
    if (optind < argc && !task_s) task_s = argv[optind++];
    if (optind < argc) return tdc_usage_err(cmd, "tham số thừa: ", argv[optind]);
    if (strcmp(sub, "list")) {
        if (!task_s || !tdc__int(task_s, &task) || task < 1 || task > TD_PLAN_TASK_NUMBER_MAX)
            return tdc_usage_err(cmd, "cần số nhiệm vụ: tiendo draft ", sub);
        if (!period[0]) return tdc_usage_err(cmd, "thiếu --period MM/YYYY", NULL);
        tdc_draft_key((uint32_t)task, period, key);
        tdc_period_vi(period, pvi, sizeof pvi);
    }
    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    memset(&dr, 0, sizeof dr);
    tdc__rep_init(&r);

    if (!strcmp(sub, "list")) {
        tdc_draft *v = NULL;
        size_t n = 0;
        if (tdc_draft_list(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, &v, &n, &e)) {
            fprintf(stderr, "tiendo draft: không đọc được bản nháp: %s\n", e.msg);
            goto out;
        }
        if (!n) printf("Không có bản nháp nào.\n");
        else printf("Bản nháp (chưa ký, chưa gửi): %zu\n", n);
        for (size_t i = 0; i < n; i++) {
            tdc_rep x;
            char t[64];
            tdc_fmt_time(v[i].updated_ms, t, sizeof t);
            if (tdc__rep_unpack(v[i].payload, v[i].len, &x)) {
                printf("  %s: (hỏng, không đọc được; xóa bằng tiendo draft delete)\n", v[i].key);
                continue;
            }
            tdc_period_vi(x.period, pvi, sizeof pvi);
            printf("  nhiệm vụ %u, kỳ %s: %s", x.task, pvi, tdc__state_vi(x.state));
            if (x.state) printf(", %d%%", x.percent < 0 ? 0 : x.percent);
            printf(" — sửa lần cuối %s\n", t);
            tdc__rep_free(&x);
        }
        if (n) printf("Nộp một bản nháp: tiendo draft submit SỐ --period MM/YYYY\n");
        tdc_drafts_free(v, n);
        rc = 0;
        goto out;
    }
    if (tdc_draft_get(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, &dr, &found, &e)) {
        fprintf(stderr, "tiendo draft: không đọc được bản nháp: %s\n", e.msg);
        goto out;
    }
    if (!found) {
        fprintf(stderr, "tiendo draft: không có bản nháp của nhiệm vụ %ld kỳ %s. Xem các bản nháp: tiendo draft list\n",
                task, pvi);
        goto out;
    }
    if (!strcmp(sub, "delete")) {
        if (tdc_draft_delete(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, NULL, &e)) {
            fprintf(stderr, "tiendo draft: không xóa được bản nháp: %s\n", e.msg);
            goto out;
        }
        printf("Đã xóa bản nháp của nhiệm vụ %ld kỳ %s (không ký, không gửi gì).\n", task, pvi);
        rc = 0;
        goto out;
    }
    if (tdc__rep_unpack(dr.payload, dr.len, &r)) {
        fprintf(stderr, "tiendo draft: bản nháp %s hỏng (không giải mã được); xóa bằng `tiendo draft delete %ld "
                        "--period %s`.\n", key, task, period);
        goto out;
    }
    if (!strcmp(sub, "show")) {
        char t[64];
        tdc_fmt_time(dr.updated_ms, t, sizeof t);
        printf("Bản nháp báo cáo nhiệm vụ %u, kỳ %s (CHƯA ký; sửa lần cuối %s):\n", r.task, pvi, t);
        tdc__rep_print(stdout, &r);
        printf("Nộp: tiendo draft submit %u --period %s\n", r.task, r.period);
        rc = 0;
        goto out;
    }
    /* submit: the same checks as `tiendo report`, then sign, then delete */
    {
        int today = tdc_today();
        const td_state *st = tdc_replica_state(c.rep);
        if ((rc = tdc__plan_refuse("draft submit", st, c.id.subject.agency, today, &r))) goto out;
        if ((rc = tdc__rep_complete(&r, today, TDC_HOW_DRAFT, msg, sizeof msg, &field))) {
            fprintf(stderr, "tiendo draft submit: bản nháp nhiệm vụ %u kỳ %s chưa nộp được: %s\n", r.task, pvi, msg);
            goto out;
        }
        if ((rc = tdc__rep_sign(&c, "draft submit", &r, 1, NULL))) goto out;
        /* The outbox insert commits in its own transaction
         * (tdc_replica_outbox_add); the draft goes right after.  If this
         * fails the report is signed all the same and the clerk is told. */
        if (tdc_draft_delete(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, NULL, &e))
            fprintf(stderr, "tiendo draft submit: cảnh báo: báo cáo đã ký nhưng chưa xóa được bản nháp (%s); "
                            "xóa bằng `tiendo draft delete %u --period %s`, ĐỪNG nộp lại.\n", e.msg, r.task, r.period);
        else
            printf("Bản nháp đã được nộp và xóa.\n");
        fputs(tdc__next_step, stdout);
        rc = 0;
    }
out:
    tdc__rep_free(&r);
    tdc_draft_free(&dr);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo indicator --------------------------------------------------------- */

static void tdc__indicator_usage(FILE *f)
{
    fputs("Cách dùng: tiendo indicator set MÃ --period MM/YYYY (--value SỐ [--note VB] | --text VB)\n"
          "                              [--date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
          "           tiendo indicator --code MÃ --period MM/YYYY (--value SỐ | --text VB) ...  (cách cũ)\n"
          "\n"
          "Ghi giá trị một chỉ tiêu (Phụ lục I của kế hoạch) cho một kỳ vào hộp thư đi, ký bằng khóa\n"
          "thiết bị; gửi ở lần đồng bộ sau (tiendo sync).\n"
          "\n"
          "  MÃ                   mã chỉ tiêu, ví dụ 7.1 hoặc II.3\n"
          "  --period MM/YYYY     kỳ (tháng); không được sau tháng hiện tại\n"
          "  --value SỐ           giá trị số; dấu thập phân là ',' hoặc '.' (42,5 hoặc 42.5)\n"
          "  --note VB            ghi chú kèm giá trị\n"
          "  --text VB            giá trị của chỉ tiêu định tính (hoặc ghi chú, như --note)\n"
          "  --date NGÀY          coi NGÀY (dd/mm/yyyy) là hôm nay\n"
          "  --dir DIR            thư mục thiết bị\n"
          "\n"
          "Giá trị được kiểm tra theo đơn vị của chỉ tiêu trong kế hoạch:\n"
          "  %, % GRDP, % dân số, % tổng chi NSNN ...   phần trăm, từ 0 đến 100\n"
          "  %/năm                                      tốc độ tăng (có thể âm)\n"
          "  Doanh nghiệp, Tổ chức, Người, Sản phẩm, Hồ sơ, Bài báo, Sáng chế, Thành phố, Trung tâm dữ liệu ...\n"
          "                                             số đếm: số nguyên không âm\n"
          "  Thứ bậc (xếp hạng)                         số nguyên từ 1 trở lên\n"
          "  chỉ số HDI                                 từ 0 đến 1\n"
          "  Người/vạn dân, .../1000 dân, tiền (đồng)   số không âm\n"
          "  chỉ tiêu có mục tiêu định tính             chỉ ghi --text, không có số\n"
          "  đơn vị khác                                chỉ kiểm tra là một số (có ghi chú khi ghi)\n"
          "Mã thoát: 0 đã ghi, 1 bị từ chối hoặc lỗi, 2 sai cú pháp.\n",
          f);
}

/* Does agency monitor indicator ind (groups and successors expanded)? */
static int tdc__monitors(const td_state *st, const td_indicator *ind, const char *agency)
{
    for (size_t i = 0; i < ind->n_monitors; i++) {
        const char **v = NULL;
        size_t n = 0;
        int hit = 0;
        if (td_registry_expand(td_state_registry(st), &ind->monitors[i], tdc_today(), 0, &v, &n)) continue;
        for (size_t k = 0; k < n; k++)
            if (!strcmp(v[k], agency)) hit = 1;
        free(v);
        if (hit) return 1;
    }
    return 0;
}

/* What a unit allows. */
typedef enum {
    TDC_UNIT_UNKNOWN = 0,   /* only a finite number */
    TDC_UNIT_PERCENT,       /* 0..100 */
    TDC_UNIT_RATE,          /* a growth rate: any finite number */
    TDC_UNIT_COUNT,         /* integer >= 0 */
    TDC_UNIT_RANK,          /* integer >= 1 */
    TDC_UNIT_INDEX01,       /* 0..1 */
    TDC_UNIT_NONNEG,        /* ratios, money: >= 0 */
} tdc_unit_class;

/*
 * Units of Appendix I of Kế hoạch 726 ("%", "% GRDP", "% tổng chi NSNN",
 * "%/năm", "% dân số", "Thứ bậc", "Tổ chức", "Người/vạn dân", "Thành phố,
 * Thị xã", "Trung tâm dữ liệu", "Số doanh nghiệp/1000 dân", "Doanh
 * nghiệp", "Chỉ số phát triển con người (HDI)") and what other plans of the
 * kind use.  Matched on the lower-cased NFC unit.
 */
static const char *const tdc__count_units[] = {
    "doanh nghiệp", "sản phẩm", "người", "hồ sơ", "bài báo", "sáng chế", "tổ chức", "thành phố", "thị xã",
    "trung tâm dữ liệu", "trung tâm", "đơn vị", "cơ quan", "xã", "huyện", "tỉnh", "dự án", "đề tài", "nhiệm vụ",
    "mô hình", "sáng kiến", "văn bằng", "giải pháp", "lượt", "lượt người", "hội nghị", "lớp", "khóa", "cuộc",
    "ứng dụng", "hệ thống", "cơ sở dữ liệu", "nền tảng", "điểm", "trạm", "thủ tục", "dịch vụ", "chương trình",
    "văn bản", "sự kiện", "phòng thí nghiệm", "khu", "cụm", "hợp tác xã", "trường", "bệnh viện", "tài khoản",
    "hộ", "hộ gia đình", "bộ", "cái", "chiếc", "giao dịch", "nhà khoa học", "chuyên gia", "công trình",
};

static int tdc__is_count_word(const char *w)
{
    for (size_t i = 0; i < sizeof tdc__count_units / sizeof tdc__count_units[0]; i++)
        if (!strcmp(w, tdc__count_units[i])) return 1;
    return 0;
}

static tdc_unit_class tdc__unit_class(const char *unit, int target_percent)
{
    char *low, *u, *w;
    tdc_unit_class k = TDC_UNIT_UNKNOWN;
    if (!unit || !(low = td_vi_lower(unit))) return target_percent ? TDC_UNIT_PERCENT : TDC_UNIT_UNKNOWN;
    u = td_trim(low);
    w = u;   /* collapse blanks */
    for (char *p = u; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n') {
            if (w > u && w[-1] == ' ') continue;
            *w++ = ' ';
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    if (!*u) k = target_percent ? TDC_UNIT_PERCENT : TDC_UNIT_UNKNOWN;
    else if (u[0] == '%' && strstr(u, "năm")) k = TDC_UNIT_RATE;   /* "%/năm": growth, may be negative */
    else if (u[0] == '%' || !strncmp(u, "phần trăm", strlen("phần trăm"))) k = TDC_UNIT_PERCENT;
    else if (!strcmp(u, "thứ bậc") || !strcmp(u, "xếp hạng") || !strcmp(u, "hạng") || !strcmp(u, "thứ hạng"))
        k = TDC_UNIT_RANK;
    else if (strstr(u, "hdi")) k = TDC_UNIT_INDEX01;
    else if (strchr(u, '/') || strstr(u, "đồng") || strstr(u, "usd") || strstr(u, "tỷ") || strstr(u, "triệu"))
        k = TDC_UNIT_NONNEG;
    else {
        /* "Doanh nghiệp", or a list "Thành phố, Thị xã": every piece a count */
        char *save = NULL, *tok;
        int all = 1, any = 0;
        for (tok = strtok_r(u, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) {
            td_trim(tok);
            if (!*tok) continue;
            any = 1;
            if (!tdc__is_count_word(tok)) all = 0;
        }
        if (any && all) k = TDC_UNIT_COUNT;
        else if (target_percent) k = TDC_UNIT_PERCENT;
    }
    free(low);
    return k;
}

/* A number as clerks type it: "42,5", "42.5", "-3", "1e3" refused?  Plain
 * decimals only; one decimal mark; no thousands separators (ambiguous:
 * "1.234" is 1,234 to a Vietnamese reader and 1.234 to a program).
 * 0, or -1 with why. */
static int tdc__parse_value(const char *s, double *out, const char **why)
{
    char tmp[64], *end;
    int marks = 0, digits = 0;
    if (strlen(s) >= sizeof tmp) {
        *why = "quá dài";
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s", s);
    td_trim(tmp);
    for (char *p = tmp; *p; p++) {
        if (*p == ',' || *p == '.') {
            *p = '.';
            marks++;
        } else if (*p >= '0' && *p <= '9') {
            digits++;
        } else if (!((*p == '-' || *p == '+') && p == tmp)) {
            *why = "chỉ gồm chữ số, một dấu thập phân (',' hoặc '.') và dấu '-' ở đầu nếu âm";
            return -1;
        }
    }
    if (!digits) {
        *why = "không có chữ số";
        return -1;
    }
    if (marks > 1) {
        *why = "có nhiều hơn một dấu thập phân; đừng dùng dấu phân cách hàng nghìn (viết 1234,5 chứ không 1.234,5)";
        return -1;
    }
    errno = 0;
    *out = strtod(tmp, &end);
    if (*end || end == tmp || errno || !isfinite(*out)) {
        *why = "không phải là số";
        return -1;
    }
    return 0;
}

/* "42,5" with a decimal comma, no trailing zeros. */
static void tdc__value_vi(double v, char *buf, size_t n)
{
    char *p;
    snprintf(buf, n, "%.6f", v);
    if (strchr(buf, '.')) {
        p = buf + strlen(buf) - 1;
        while (*p == '0') *p-- = 0;
        if (*p == '.') *p = 0;
    }
    if ((p = strchr(buf, '.'))) *p = ',';
}

int tdc_cmd_indicator(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"code", required_argument, 0, 'c'},
                                         {"period", required_argument, 0, 'p'},
                                         {"value", required_argument, 0, 'v'},
                                         {"text", required_argument, 0, 't'},
                                         {"note", required_argument, 0, 'n'},
                                         {"date", required_argument, 0, 'T'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = "indicator";
    const char *dir = NULL, *code = NULL, *text_in = NULL, *value_s = NULL, *why;
    char period[8] = "", pvi[8], summary[256], vbuf[64], unit_note[512] = "";
    Tiendo__IndicatorPayload ip = TIENDO__INDICATOR_PAYLOAD__INIT;
    double value = 0;
    int opt, rc = 1, is_set = 0, today;
    uint8_t *buf = NULL;
    size_t len;
    char *text = NULL, *code_n = NULL;
    tdc_ctx c;
    const td_state *st;
    uint64_t seq = 0;

    if (argc >= 2 && !strcmp(argv[1], "set")) {
        is_set = 1;
        argc--;
        argv++;
    }
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'c': code = optarg; break;
        case 'p':
            if (!tdc__period_norm(optarg, period))
                return tdc_usage_err(cmd, "--period phải có dạng MM/YYYY hoặc YYYY-MM (ví dụ 06/2025): ", optarg);
            break;
        case 'v': value_s = optarg; break;
        case 't':
        case 'n':
            if (text_in) return tdc_usage_err(cmd, "--text và --note là một mục: chỉ ghi một lần", NULL);
            text_in = optarg;
            break;
        case 'T':
            if (tdc__date_opt(cmd, optarg)) return 2;
            break;
        case 'h': tdc__indicator_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "indicator", opt, argv);
        }
    }
    if (optind < argc && is_set && !code) code = argv[optind++];
    if (optind < argc) return tdc_usage_err(cmd, "tham số thừa: ", argv[optind]);
    if (!code || !*code)
        return tdc_usage_err(cmd, "thiếu mã chỉ tiêu: tiendo indicator set MÃ --period MM/YYYY --value SỐ", NULL);
    if (strlen(code) >= sizeof ((td_indicator_value *)0)->code)
        return tdc_usage_err(cmd, "mã chỉ tiêu quá dài: ", code);
    if (!period[0]) return tdc_usage_err(cmd, "thiếu --period MM/YYYY", NULL);
    if (!value_s && !text_in) return tdc_usage_err(cmd, "cần --value SỐ (hoặc --text cho chỉ tiêu định tính)", NULL);
    if (value_s && tdc__parse_value(value_s, &value, &why)) {
        fprintf(stderr, "tiendo indicator: --value \"%s\" không hợp lệ: %s. Ví dụ: --value 42,5\n", value_s, why);
        return 2;
    }
    if (!(code_n = tdc__nfc(code, 64, &why))) return tdc_usage_err(cmd, "mã chỉ tiêu không hợp lệ: ", code);
    if (text_in && !(text = tdc__nfc(text_in, TDC_TEXT_MAX, &why))) {
        fprintf(stderr, "tiendo indicator: --text/--note: %s (tối đa %d byte)\n", why, TDC_TEXT_MAX);
        free(code_n);
        return 2;
    }
    today = tdc_today();
    tdc_period_vi(period, pvi, sizeof pvi);
    if (tdc__period_future(period, today)) {
        char dvi[16];
        td_date_vi(today, dvi, sizeof dvi);
        fprintf(stderr, "tiendo indicator: kỳ %s chưa đến (hôm nay là %s): chỉ ghi được tháng này hoặc các tháng "
                        "trước. Hãy kiểm tra kỳ (MM/YYYY).\n", pvi, dvi);
        free(code_n);
        free(text);
        return 1;
    }

    if (tdc_ctx_open(&c, dir, cmd)) {
        free(code_n);
        free(text);
        return 1;
    }
    st = tdc_replica_state(c.rep);
    if (td_state_has_plan(st)) {
        const td_indicator *ind = td_plan_indicator(td_state_plan(st), code_n);
        const char *unit;
        char tv[160];
        if (!ind) {
            fprintf(stderr, "tiendo indicator: chỉ tiêu mã \"%s\" không có trong kế hoạch. "
                            "Hãy kiểm tra mã chỉ tiêu (Phụ lục I của kế hoạch, ví dụ 7.1 hoặc II.3).\n", code_n);
            goto out;
        }
        unit = ind->unit && *ind->unit ? ind->unit : "";
        td_target_vi(&ind->target, tv, sizeof tv);
        if (ind->heading && ind->target.kind == TD_TARGET_NONE) {
            fprintf(stderr, "tiendo indicator: chỉ tiêu %s là nhóm chỉ tiêu (gồm %s.1, %s.2, ...), không có giá trị "
                            "riêng: hãy ghi cho từng chỉ tiêu con.\n", code_n, code_n, code_n);
            goto out;
        }
        if (ind->target.kind == TD_TARGET_TEXT) {
            if (value_s) {
                fprintf(stderr, "tiendo indicator: chỉ tiêu %s là chỉ tiêu định tính (mục tiêu: \"%s\"): ghi kết quả "
                                "bằng --text \"...\", không có --value.\n", code_n, tv);
                goto out;
            }
        } else {
            tdc_unit_class k = tdc__unit_class(unit, ind->target.percent);
            char vv[64];
            if (!value_s) {
                fprintf(stderr, "tiendo indicator: chỉ tiêu %s (đơn vị %s, mục tiêu %s) cần giá trị số: thêm --value "
                                "SỐ (ghi chú thì dùng thêm --note).\n", code_n, *unit ? unit : "không ghi", tv);
                goto out;
            }
            tdc__value_vi(value, vv, sizeof vv);
            switch (k) {
            case TDC_UNIT_PERCENT:
                if (value < 0 || value > 100) {
                    fprintf(stderr, "tiendo indicator: chỉ tiêu %s tính bằng %s: giá trị phải từ 0 đến 100; %s nằm "
                                    "ngoài khoảng đó. Hãy ghi số phần trăm, ví dụ --value 42,5.\n", code_n, unit, vv);
                    goto out;
                }
                break;
            case TDC_UNIT_COUNT:
                if (value < 0 || value != floor(value)) {
                    fprintf(stderr, "tiendo indicator: chỉ tiêu %s đếm bằng \"%s\": giá trị phải là số nguyên không "
                                    "âm (nhận được %s). Ví dụ: --value 3.\n", code_n, unit, vv);
                    goto out;
                }
                break;
            case TDC_UNIT_RANK:
                if (value < 1 || value != floor(value)) {
                    fprintf(stderr, "tiendo indicator: chỉ tiêu %s là thứ bậc (xếp hạng): giá trị phải là số nguyên "
                                    "từ 1 trở lên (nhận được %s). Ví dụ: --value 12.\n", code_n, vv);
                    goto out;
                }
                break;
            case TDC_UNIT_INDEX01:
                if (value < 0 || value > 1) {
                    fprintf(stderr, "tiendo indicator: chỉ tiêu %s (%s) là chỉ số từ 0 đến 1 (nhận được %s). "
                                    "Ví dụ: --value 0,8.\n", code_n, unit, vv);
                    goto out;
                }
                break;
            case TDC_UNIT_NONNEG:
                if (value < 0) {
                    fprintf(stderr, "tiendo indicator: chỉ tiêu %s (đơn vị %s) không thể âm (nhận được %s).\n", code_n,
                            unit, vv);
                    goto out;
                }
                break;
            case TDC_UNIT_RATE: break;
            case TDC_UNIT_UNKNOWN:
                snprintf(unit_note, sizeof unit_note,
                         "Lưu ý: đơn vị \"%s\" của chỉ tiêu %s chưa có trong bảng phân loại đơn vị; chỉ kiểm tra được "
                         "giá trị là một số.\n", unit, code_n);
                break;
            }
        }
        /* the fold refuses it (derive.h: an agency that does not monitor
         * the indicator): say so before signing, never after */
        if (c.id.subject.role == TD_ROLE_OFFICE && !tdc__monitors(st, ind, c.id.subject.agency)) {
            fprintf(stderr, "tiendo indicator: không ghi: cơ quan %s không theo dõi chỉ tiêu %s theo kế hoạch (theo "
                            "dõi: %s), giá trị sẽ bị từ chối khi tổng hợp.\n"
                            "  Cần làm: chỉ nhập chỉ tiêu do cơ quan mình theo dõi; nếu kế hoạch đã giao cho cơ quan, "
                            "đồng bộ (tiendo sync) rồi ghi lại; nếu kế hoạch sai, báo Sở KH&CN.\n",
                    c.id.subject.agency, code_n, ind->monitor_text ? ind->monitor_text : "");
            goto out;
        }
    } else {
        snprintf(unit_note, sizeof unit_note,
                 "Lưu ý: bản sao chưa có kế hoạch nên chưa kiểm tra được mã và đơn vị của chỉ tiêu %s; máy chủ sẽ "
                 "kiểm tra khi đồng bộ.\n", code_n);
    }
    ip.code = code_n;
    ip.agency = c.id.subject.agency;
    ip.period = period;
    ip.has_value = value_s != NULL;
    ip.value = value;
    ip.text = text ? text : "";
    len = tiendo__indicator_payload__get_packed_size(&ip);
    if (!(buf = malloc(len ? len : 1))) {
        fprintf(stderr, "tiendo indicator: %s\n", td_err_vi(TD_ENOMEM));
        goto out;
    }
    tiendo__indicator_payload__pack(&ip, buf);
    if (value_s) {
        tdc__value_vi(value, vbuf, sizeof vbuf);
        snprintf(summary, sizeof summary, "chỉ tiêu %s, kỳ %s: %s", code_n, pvi, vbuf);
    } else {
        snprintf(summary, sizeof summary, "chỉ tiêu %s, kỳ %s: %.60s", code_n, pvi, text);
    }
    if (tdc_queue_entry(&c, cmd, TIENDO__ENTRY_KIND__ENTRY_INDICATOR, buf, len, summary, &seq)) goto out;
    printf("Đã ghi giá trị chỉ tiêu %s kỳ %s của %s vào hộp thư đi; sẽ gửi khi đồng bộ (tiendo sync). "
           "Số thứ tự của thiết bị: %llu.\n", code_n, pvi, c.id.subject.agency, (unsigned long long)seq);
    if (value_s) printf("  Giá trị: %s\n", vbuf);
    if (text) printf("  %s: %s\n", value_s ? "Ghi chú" : "Kết quả", text);
    fputs(unit_note, stdout);
    fputs(tdc__next_step, stdout);
    rc = 0;
out:
    free(buf);
    free(code_n);
    free(text);
    tdc_ctx_close(&c);
    return rc;
}
