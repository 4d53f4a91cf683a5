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
 * outbox; `tiendo sync` sends it.  No network is needed (offices work fully
 * offline: docs/ARCHITECTURE.md §3).  When the replica already holds the plan, what the
 * server's fold would refuse is refused here first, with what to do:
 * an unknown task, a task where the agency has no role, a period after the
 * current month.  All text is NFC (td_vi_nfc) before it is stored or
 * signed, so "ộ" typed on a Mac and on Windows is the same bytes.
 *
 * The rules of a report (fields, the one check, drafts, the CSV) are in
 * report_entry.c, the context shared by every command in app.c; this file
 * is the command line around them: options, prompts, printing.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <openssl/pem.h>
#include <signal.h>
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
#include "msg.h"
#include "cmds.h"
#include "derive.h"
#include "draft.h"
#include "entry.h"
#include "log.pb-c.h"
#include "utf8.h"
#include "status.h"

#include "report_entry.h"
#include "oserr.h"

static const char *tdc__next_step =
    TD_MSG_REPORT_NEXT_STEP_SYNC;

static void tdc__print_text(FILE *f, const char *label, const char *s)
{
    fprintf(f, "  %s: ", label);
    if (!s || !*s) {
        fputs(TD_MSG_REPORT_WORD_EMPTY "\n", f);
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
        fprintf(f, TD_MSG_REPORT_SUMMARY_STATE_PERCENT, tdc_rep_state_vi(r->state), r->percent);
    else
        fprintf(f, TD_MSG_REPORT_SUMMARY_STATE, tdc_rep_state_vi(r->state));
    if (r->done_date) {
        td_date_vi(r->done_date, d, sizeof d);
        fprintf(f, TD_MSG_REPORT_SUMMARY_DONE_DATE, d);
    }
    tdc__print_text(f, TD_MSG_LABEL_RESULT_FULL, r->result);
    tdc__print_text(f, TD_MSG_LABEL_DIFFICULTIES, r->difficulties);
    tdc__print_text(f, TD_MSG_LABEL_PROPOSALS, r->proposals);
    for (size_t i = 0; i < r->n_evidence; i++) fprintf(f, TD_MSG_REPORT_SUMMARY_EVIDENCE, r->evidence[i]);
    for (size_t i = 0; i < r->n_docs; i++) {
        td_date_vi(r->docs[i].date, d, sizeof d);
        fprintf(f, TD_MSG_REPORT_SUMMARY_DOC, r->docs[i].number, r->docs[i].date ? TD_MSG_REPORT_WORD_DATED : "", d,
                *r->docs[i].title ? ": " : "", r->docs[i].title);
    }
    for (size_t i = 0; i < r->n_atts; i++) {
        char hex[17];
        for (int k = 0; k < 8; k++) snprintf(hex + 2 * k, 3, "%02x", r->atts[i].sha256[k]);
        fprintf(f, TD_MSG_REPORT_SUMMARY_ATTACHMENT, r->atts[i].name, r->atts[i].mime,
                (unsigned long long)r->atts[i].size, hex);
    }
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
            fprintf(stderr, TD_MSG_REPORT_PROMPT_CURRENT_TEXT "\n",
                    initial);
        fprintf(stderr, TD_MSG_REPORT_PROMPT_TYPE_TEXT "\n");
        raw = tdc__read_dot();
        if (!raw) {
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_NOMEM "\n");
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
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_TEMP_CREATE_FAILED "\n", path, td_errno_vi_log(errno, path));
            if (fd >= 0) close(fd);
            return NULL;
        }
        fprintf(f,
                TD_MSG_REPORT_EDITOR_HEADER,
                title, context);
        if (initial && *initial) fprintf(f, "%s\n", initial);
        if (fclose(f)) {
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_TEMP_WRITE_FAILED "\n", path);
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
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_EDITOR_FAILED "\n", ed,
                    pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            unlink(path);
            return NULL;
        }
        if (stat(path, &sb) || sb.st_size > 4 * TDC_TEXT_MAX || !(f = fopen(path, "rb"))) {
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_EDITOR_FILE_LOST "\n", path,
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
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_EDITOR_REREAD_FAILED "\n");
            return NULL;
        }
        tdc__strip_comments(raw);
    }
    out = tdc_nfc(raw, TDC_TEXT_MAX, &why);
    if (!out) fprintf(stderr, "tiendo report: " TD_MSG_REPORT_TEXT_FIELD_BAD "\n", title, why, TDC_TEXT_MAX);
    free(raw);
    return out;
}

/* Ctrl-C or a closed terminal while asking (SIGINT, SIGHUP, SIGTERM without
 * SA_RESTART: the read in progress returns and the asking stops). */
static volatile sig_atomic_t tdc__interrupted;

static void tdc__on_interrupt(int sig)
{
    (void)sig;
    tdc__interrupted = 1;
}

/* Ask what the command line did not give ("given" flags are the command
 * line's; r holds the draft's values as defaults).  A required field left
 * empty is asked again.  0; 1 after a message; 3 when the clerk stopped
 * (Ctrl-C, end of input, terminal closed): r holds what was typed so far,
 * for the caller to keep as a draft. */
static int tdc__rep_ask(tdc_rep *r, int given_state, int given_percent, int given_done, int given_result,
                        int given_diff, int given_prop, int today)
{
    char line[256], ctx[128], pvi[8], prompt[512], dvi[16];
    tdc_period_vi(r->period, pvi, sizeof pvi);
    snprintf(ctx, sizeof ctx, TD_MSG_REPORT_PROMPT_TITLE, r->task, pvi);
    if (!given_state) {
        for (;;) {
            snprintf(prompt, sizeof prompt,
                     TD_MSG_REPORT_PROMPT_STATE, ctx,
                     r->state ? " [Enter: " : "", r->state ? tdc_rep_state_vi(r->state) : "", r->state ? "]" : "");
            if (tdc__ask_line(prompt, line, sizeof line)) goto eof;
            if (!*td_trim(line) && r->state) break;
            if ((r->state = tdc_rep_state_parse(line)) != 0) break;
            fprintf(stderr, TD_MSG_REPORT_PROMPT_STATE_HINT "\n");
        }
    }
    if (r->state == TIENDO__REPORT_STATE__REPORT_IN_PROGRESS && !given_percent) {
        for (;;) {
            long v;
            char def[32] = "";
            if (r->percent >= 0) snprintf(def, sizeof def, " [Enter: %d]", r->percent);
            snprintf(prompt, sizeof prompt, TD_MSG_REPORT_PROMPT_PERCENT, def);
            if (tdc__ask_line(prompt, line, sizeof line)) goto eof;
            td_trim(line);
            if (!*line && r->percent >= 0) break;
            if (line[0] && line[strlen(line) - 1] == '%') line[strlen(line) - 1] = 0;
            if (tdc_int(line, &v) && v >= 0 && v <= 100) {
                r->percent = (int)v;
                r->percent_cli = 1;
                break;
            }
            fprintf(stderr, TD_MSG_REPORT_PROMPT_PERCENT_HINT "\n");
        }
    }
    if (r->state == TIENDO__REPORT_STATE__REPORT_DONE && !given_done) {
        for (;;) {
            int d;
            td_date_vi(r->done_date ? r->done_date : today, dvi, sizeof dvi);
            snprintf(prompt, sizeof prompt, TD_MSG_REPORT_PROMPT_DONE_DATE, dvi);
            if (tdc__ask_line(prompt, line, sizeof line)) goto eof;
            if (!*td_trim(line)) break;
            if (!td_date_parse_vi(line, &d) && td_date_valid(d) && d <= today) {
                r->done_date = d;
                break;
            }
            fprintf(stderr, TD_MSG_REPORT_PROMPT_DATE_HINT "\n");
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
        for (;;) {
            if (!(t = tdc__edit(texts[i].title, ctx, *texts[i].dst))) {
                if (tdc__interrupted || feof(stdin) || ferror(stdin)) goto eof;
                return 1;
            }
            free(*texts[i].dst);
            *texts[i].dst = t;
            if (tdc__interrupted || ((feof(stdin) || ferror(stdin)) && !*t)) goto eof;
            /* required and left empty: asked again, nothing typed is lost */
            if (i == 0 && !*td_trim(t)) {
                fprintf(stderr, TD_MSG_REPORT_PROMPT_RESULT_REQUIRED "\n", tdc_rep_state_vi(r->state));
                continue;
            }
            break;
        }
    }
    return 0;
eof:
    fprintf(stderr, "\n");
    return 3;
}

/* ---- tiendo report ---------------------------------------------------------- */

/* The rows of tiendo report, report show (tdc__report_show_opts too) and their help. */
static const td_cli_opt tdc__report_key_opts[] = {
    {"SỐ", TD_CLI_WORD, 0, NULL, "số thứ tự (TT) của nhiệm vụ trong kế hoạch (xem: tiendo tasks)"},
    {"period", required_argument, 'p', "MM/YYYY",
     "kỳ báo cáo (tháng), ví dụ 06/2025 (hoặc 2025-06); không được sau tháng hiện tại"},
    {"task", required_argument, 't', "SỐ", "như SỐ (cách ghi cũ)"},
    TDC_OPT_PLAN('K'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tdc__report_opts[] = {
    {"state", required_argument, 's', "TRẠNG_THÁI",
     "chua | dang | xong, hoặc \"chưa triển khai\", \"đang thực hiện\", \"đã hoàn thành\" (xong: chờ Sở KH&CN thẩm "
     "định)"},
    {"percent", required_argument, 'P', "P", "phần trăm hoàn thành, số nguyên 0..100"},
    {"result", required_argument, 'r', "VĂN_BẢN", "kết quả thực hiện"},
    {"difficulties", required_argument, 'D', "VĂN_BẢN", "khó khăn, vướng mắc"},
    {"proposals", required_argument, 'R', "VĂN_BẢN", "đề xuất, kiến nghị"},
    {"evidence", required_argument, 'e', "VĂN_BẢN", "minh chứng dạng chữ (đường dẫn, ghi chú); lặp lại được"},
    {"doc", required_argument, 'o', "VĂN_BẢN",
     "văn bản minh chứng: \"số hiệu,ngày ban hành,trích yếu\", ví dụ --doc \"12/KH-SKHCN,05/06/2025,Kế hoạch tuyên "
     "truyền\"; lặp lại được"},
    {"attach", required_argument, 'A', "TỆP",
     "đính kèm tệp (PDF, JPEG, PNG, Word, Excel, OpenDocument, .txt; tối đa 10 MB, 8 tệp); lặp lại được"},
    {"done-date", required_argument, 'n', "dd/mm/yyyy", "ngày hoàn thành khi xong (mặc định hôm nay)"},
    {"draft", no_argument, 'x', NULL, "chỉ lưu bản nháp (chưa ký, chưa gửi); xem: tiendo draft --help"},
    {"prompt", no_argument, 'i', NULL, "hỏi các mục còn thiếu kể cả khi đầu vào không phải màn hình"},
    {"no-prompt", no_argument, 'I', NULL, "không hỏi gì; thiếu mục bắt buộc thì báo lỗi"},
    {"from-file", required_argument, 'f', "TỆP", "nhập nhiều báo cáo từ tệp CSV (xem dưới)"},
    {"date", required_argument, 'T', "dd/mm/yyyy",
     "coi ngày này là hôm nay (mặc định: đồng hồ máy, hoặc biến TIENDO_TODAY=yyyymmdd)"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_opt tdc__report_show_opts[] = {
    {"agency", required_argument, 'a', "MÃ", "report show: báo cáo của cơ quan này (mặc định: cơ quan mình)"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__report_spec = {
    .prog = "tiendo",
    .cmd = "report",
    .usage = "tiendo report SỐ --period MM/YYYY [--state TRẠNG_THÁI] [--percent P] [--result VĂN_BẢN] "
             "[--difficulties VĂN_BẢN] [--proposals VĂN_BẢN] [--evidence VĂN_BẢN]... [--doc VĂN_BẢN]... "
             "[--attach TỆP]... [--done-date dd/mm/yyyy] [--draft] [--prompt | --no-prompt] [--date dd/mm/yyyy] "
             "[--plan SỐ] [--dir THƯ_MỤC]\n"
             "tiendo report --from-file TỆP [--date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
             "tiendo report show SỐ --period MM/YYYY [--agency MÃ] [--plan SỐ] [--dir THƯ_MỤC]",
    .about = "Ghi báo cáo tiến độ tháng của cơ quan mình về một nhiệm vụ vào hộp thư đi, ký bằng khóa thiết bị. "
             "Không cần mạng: báo cáo được gửi ở lần đồng bộ sau (tiendo sync).\n"
             "`tiendo report show` in báo cáo hiện hành (đã đồng bộ) của một nhiệm vụ và kỳ, của cơ quan mình "
             "hoặc của cơ quan --agency.",
    .opts = {tdc__report_key_opts, tdc__report_opts, tdc__report_show_opts},
    .footer =
        "Nhập báo cáo: mục nào không có trên dòng lệnh thì được HỎI khi chạy ở màn hình dòng lệnh (trạng thái, phần "
        "trăm, ngày hoàn thành; các đoạn văn dài mở bằng trình soạn thảo $VISUAL hoặc $EDITOR, không có thì gõ từng "
        "dòng và kết thúc bằng một dòng chỉ có dấu chấm \".\"). Khi đầu vào không phải màn hình (chạy trong tập lệnh) "
        "hoặc có --no-prompt thì không hỏi. Nếu đã có bản nháp cho nhiệm vụ và kỳ đó, báo cáo bắt đầu từ bản nháp; "
        "giá trị trên dòng lệnh thay cho giá trị của bản nháp (--evidence, --doc, --attach thay cả danh sách), và bản "
        "nháp được xóa khi báo cáo đã ký.\n"
        "\n"
        "Mục bắt buộc:\n"
        "  - trạng thái; khi không hỏi, có --percent hoặc --result mà không có --state thì là \"đang thực hiện\";\n"
        "  - phần trăm: xong là 100, chua là 0; đang thực hiện: hỏi, hoặc 0 nếu không ghi;\n"
        "  - kết quả thực hiện (--result): BẮT BUỘC khi đang thực hiện hoặc đã hoàn thành.\n"
        "Bị từ chối (kèm cách sửa): nhiệm vụ không có trong kế hoạch, nhiệm vụ mà cơ quan không chủ trì hay phối "
        "hợp, kỳ sau tháng hiện tại, phần trăm ngoài 0..100, thiếu mục bắt buộc.\n"
        "\n"
        "Tệp --from-file: CSV mã UTF-8 (Excel: \"CSV UTF-8\"; có BOM cũng được), phân cách bằng dấu phẩy hoặc dấu "
        "chấm phẩy, dòng đầu là tên cột, mỗi dòng sau là một báo cáo. Các cột:\n"
        "  task (bắt buộc), period (bắt buộc: 2025-06 hoặc 06/2025), state, percent, result, difficulties, "
        "proposals, evidence, doc, done_date (dd/mm/yyyy), attach (đường dẫn tệp, tính từ thư mục của tệp CSV).\n"
        "Ô evidence, doc, attach chứa được nhiều giá trị, mỗi giá trị một dòng (Alt+Enter trong Excel) hoặc cách "
        "nhau bởi \"|\". Mọi dòng được kiểm tra TRƯỚC khi ký: có một lỗi thì không ghi báo cáo nào, và lỗi nêu "
        "tệp:dòng và cột. Ví dụ:\n"
        "  task,period,state,percent,result,doc\n"
        "  27,2025-06,dang,40,\"Đã số hóa 1.200 hồ sơ\",\"15/BC-SYT,10/06/2025,Báo cáo tháng\"\n",
    .exit_codes = "Mã thoát: 0 đã ghi, 1 bị từ chối hoặc lỗi, 2 sai cú pháp hoặc thiếu mục bắt buộc.\n",
};
/* getopt_long's tables: report takes no --agency, report show none of the report's fields */
static const td_cli_spec tdc__report_parse = {.prog = "tiendo", .cmd = "report", .opts = {tdc__report_key_opts, tdc__report_opts}};
static const td_cli_spec tdc__report_show_parse = {
    .prog = "tiendo", .cmd = "report show", .opts = {tdc__report_key_opts, tdc__report_show_opts}};
static void tdc__report_usage(FILE *f) { td_cli_help(&tdc__report_spec, f); }

/* Sign and queue (report_entry.c); print what was recorded.  0 or 1. */
static int tdc__rep_sign(tdc_ctx *c, const char *cmd, const tdc_rep *r, uint64_t *seq_out)
{
    char pvi[8];
    uint64_t seq = 0;
    td_error e;
    if (tdc_rep_sign(c, r, &seq, &e)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_error_vi(&e));
        return 1;
    }
    if (seq_out) *seq_out = seq;
    tdc_period_vi(r->period, pvi, sizeof pvi);
    printf(TD_MSG_REPORT_QUEUED "\n",
           r->task, pvi, c->id.subject.agency, (unsigned long long)seq);
    tdc__rep_print(stdout, r);
    return 0;
}

/* The plan check's outcome on stderr for the command line. */
static void tdc__no_plan_note(const char *cmd, const td_state *st, const tdc_rep *r)
{
    if (!st || !td_state_has_plan(st))
        fprintf(stderr, TD_MSG_REPORT_NO_PLAN_TASK_UNCHECKED "\n", cmd, r->task);
}

static int tdc__plan_refuse(const char *cmd, const td_state *st, const char *agency, int today, const tdc_rep *r)
{
    char msg[1024];
    const char *field = "";
    if (tdc_rep_check_plan(st, agency, today, r, msg, sizeof msg, &field)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, msg);
        return 1;
    }
    tdc__no_plan_note(cmd, st, r);
    return 0;
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
    const td_state *st = tdc_replica_state(c->rep);
    char *buf, base_dir[PATH_MAX];
    size_t n = 0;
    int rc = 1, n_ok = 0, r;
    tdc_csv_reports out;
    td_error e;

    if (!(buf = tdc__slurp(path, TDC_BATCH_MAX_BYTES, &n))) {
        if (errno == EFBIG)
            fprintf(stderr, TD_MSG_REPORT_BATCH_TOO_LARGE "\n", cmd, path,
                    TDC_BATCH_MAX_BYTES >> 20);
        else
            fprintf(stderr, TD_MSG_REPORT_BATCH_UNREADABLE "\n", cmd, path, td_errno_vi_log(errno, path));
        return 1;
    }
    {
        const char *sl = strrchr(path, '/');
        if (sl)
            snprintf(base_dir, sizeof base_dir, "%.*s", (int)(sl - path), path);
        else
            snprintf(base_dir, sizeof base_dir, ".");
        if (!base_dir[0]) snprintf(base_dir, sizeof base_dir, "/");
    }
    r = tdc_rep_csv_read(buf, n, base_dir, c->rep, st, c->id.subject.agency, today, &out);
    free(buf);
    if (r == TD_ENOMEM) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_err_vi(TD_ENOMEM));
        return 1;
    }
    if (r) {
        for (int k = 0; k < out.n_err && k < TDC_BATCH_ERRORS_SHOWN; k++) {
            const tdc_csv_err *x = &out.errs[k];
            if (!x->line)
                fprintf(stderr, "%s: %s\n", path, x->msg);
            else if (x->col)
                fprintf(stderr, TD_MSG_REPORT_BATCH_CELL_ERROR "\n", path, x->line, x->col, x->msg);
            else
                fprintf(stderr, "%s:%d: %s\n", path, x->line, x->msg);
        }
        if (out.n_err > TDC_BATCH_ERRORS_SHOWN)
            fprintf(stderr, TD_MSG_REPORT_BATCH_MORE_ERRORS "\n", out.n_err - TDC_BATCH_ERRORS_SHOWN);
        fprintf(stderr, TD_MSG_REPORT_BATCH_REFUSED "\n", cmd, path,
                out.n_err);
        return 1;
    }
    if (!st || !td_state_has_plan(st))
        fprintf(stderr, TD_MSG_REPORT_NO_PLAN_TASKS_UNCHECKED "\n", cmd);
    for (size_t k = 0; k < out.n; k++) {
        uint64_t seq = 0;
        char pvi[8];
        if (tdc_rep_sign(c, &out.reps[k], &seq, &e)) {
            fprintf(stderr, TD_MSG_REPORT_BATCH_STOPPED "\n", cmd, td_error_vi(&e), cmd, out.lines[k], n_ok, out.lines[k]);
            goto out;
        }
        n_ok++;
        tdc_period_vi(out.reps[k].period, pvi, sizeof pvi);
        printf(TD_MSG_REPORT_BATCH_LINE "\n", out.lines[k], out.reps[k].task, pvi,
               tdc_rep_state_vi(out.reps[k].state), out.reps[k].percent, (unsigned long long)seq);
    }
    printf(TD_MSG_REPORT_BATCH_DONE, n_ok, path, tdc__next_step);
    rc = 0;
out:
    tdc_csv_reports_free(&out);
    return rc;
}

/* ---- tiendo report show ------------------------------------------------------- */

static int tdc__report_show(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "report show", *dir = NULL, *agency = NULL, *task_s = NULL, *plan_s = NULL;
    char period[8] = "", pvi[8], t[64];
    long task = 0;
    int opt;
    tdc_ctx c;
    const td_state *st;
    const td_report *rep;
    tdc_rep r;

    optind = 1;
    if (td_cli_longopts(&tdc__report_show_parse, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 't': task_s = optarg; break;
        case 'p':
            if (!tdc_period_norm(optarg, period))
                return tdc_usage_err("report", TD_MSG_PERIOD_BAD, optarg);
            break;
        case 'a': agency = optarg; break;
        case 'K': plan_s = optarg; break;
        case 'h': tdc__report_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "report show", opt, argv);
        }
    }
    if (optind < argc) task_s = argv[optind++];
    if (optind < argc) return td_cli_extra("tiendo", "report", argv[optind]);
    if (!task_s || !tdc_int(strrchr(task_s, ':') ? strrchr(task_s, ':') + 1 : task_s, &task) || task < 1 ||
        task >= (long)TD_TASK_NUMBER_LIMIT)
        return tdc_usage_err("report", TD_MSG_REPORT_SHOW_TASK_MISSING,
                              NULL);
    if (!period[0]) return tdc_usage_err("report", TD_MSG_PERIOD_MISSING, NULL);
    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    st = tdc_replica_state(c.rep);
    if (!agency) agency = c.id.subject.agency;
    if (st) {
        uint32_t key = 0;
        char why[768];
        int prc = td_state_key_parse(st, task_s, plan_s, agency, &key, why, sizeof why);
        if (prc) {
            fprintf(stderr, "tiendo report show: %s\n", why);
            tdc_ctx_close(&c);
            return prc == -2 ? 2 : 1;
        }
        task = (long)key;
    }
    tdc_period_vi(period, pvi, sizeof pvi);
    rep = st ? td_state_report(st, (uint32_t)task, agency, period) : NULL;
    if (!rep) {
        fprintf(stderr, "tiendo report show: " TD_MSG_REPORT_SHOW_NOT_IN_REPLICA "\n",
                agency, task, pvi);
        tdc_ctx_close(&c);
        return 1;
    }
    tdc_rep_init(&r);
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
    printf(TD_MSG_REPORT_SHOW_HEAD "\n", rep->task, pvi, rep->agency,
           (unsigned long long)rep->index, t);
    tdc__rep_print(stdout, &r);
    for (size_t i = 0; i < rep->n_docs; i++) {
        char d[16];
        td_date_vi(rep->docs[i].date, d, sizeof d);
        printf(TD_MSG_REPORT_SHOW_DOC "\n", rep->docs[i].number, rep->docs[i].date ? TD_MSG_REPORT_WORD_DATED : "", d,
               *rep->docs[i].title ? ": " : "", rep->docs[i].title);
    }
    for (size_t i = 0; i < rep->n_attachments; i++) {
        char hex[17];
        for (int k = 0; k < 8; k++) snprintf(hex + 2 * k, 3, "%02x", rep->attachments[i].sha256[k]);
        printf(TD_MSG_REPORT_SHOW_ATTACHMENT "\n", rep->attachments[i].name, rep->attachments[i].mime,
               (unsigned long long)rep->attachments[i].size, hex);
    }
    if (rep->review > 0)
        printf(TD_MSG_REPORT_SHOW_ACCEPTED "\n", *rep->review_comment ? ": " : "", rep->review_comment);
    else if (rep->review < 0)
        printf(TD_MSG_REPORT_SHOW_RETURNED "\n", rep->review_comment);
    else
        printf(TD_MSG_REPORT_SHOW_NOT_REVIEWED "\n");
    tdc_ctx_close(&c);
    return 0;
}

/* ---- tiendo report ------------------------------------------------------------ */

/* What the clerk typed, kept as the draft of its task and period, with how
 * to resume.  0, or -1 (said why). */
static int tdc__keep_draft(tdc_ctx *c, const tdc_rep *r)
{
    td_error e;
    if (tdc_rep_draft_save(c, r, &e)) {
        fprintf(stderr, "tiendo report: %s\n", td_error_vi(&e));
        return -1;
    }
    fprintf(stderr, TD_MSG_REPORT_PROMPT_SAVED_DRAFT "\n",
            r->task, r->period, r->task, r->period);
    return 0;
}

int tdc_cmd_report(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "report";
    const char *dir = NULL, *from_file = NULL, *task_s = NULL, *why, *plan_s = NULL;
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
    tdc_rep_init(&cli);
    tdc_rep_init(&r);
    memset(&dr, 0, sizeof dr);
    optind = 1;
    if (td_cli_longopts(&tdc__report_parse, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'K': plan_s = optarg; break;
        case 't': task_s = optarg; break;
        case 'p':
            if (!tdc_period_norm(optarg, cli.period)) {
                rc = tdc_usage_err(cmd, TD_MSG_PERIOD_BAD, optarg);
                goto out_free;
            }
            break;
        case 's':
            n_field_opts++;
            if (!(cli.state = tdc_rep_state_parse(optarg))) {
                rc = tdc_usage_err(cmd, TD_MSG_REPORT_STATE_BAD, optarg);
                goto out_free;
            }
            break;
        case 'P':
            n_field_opts++;
            {
                char tmp[32];
                snprintf(tmp, sizeof tmp, "%s", optarg);
                if (tmp[0] && tmp[strlen(tmp) - 1] == '%') tmp[strlen(tmp) - 1] = 0;
                if (!tdc_int(tmp, &v) || v < 0 || v > 100) {
                    fprintf(stderr, "tiendo report: " TD_MSG_REPORT_PERCENT_BAD "\n", optarg);
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
            if (tdc_rep_set_text(opt == 'r' ? &cli.result : opt == 'D' ? &cli.difficulties : &cli.proposals, optarg,
                              &why)) {
                fprintf(stderr, "tiendo report: " TD_MSG_REPORT_TEXT_OPT_BAD "\n",
                        opt == 'r' ? "result" : opt == 'D' ? "difficulties" : "proposals", why, TDC_TEXT_MAX);
                rc = 2;
                goto out_free;
            }
            break;
        case 'e':
            n_field_opts++;
            if (tdc_rep_add_evidence(&cli, optarg, &why)) {
                fprintf(stderr, "tiendo report: --evidence: %s\n", why);
                rc = 2;
                goto out_free;
            }
            break;
        case 'o':
            n_field_opts++;
            if (n_docs_raw == TDC_EVIDENCE_MAX) {
                rc = tdc_usage_err(cmd, TD_MSG_REPORT_TOO_MANY_DOCS, NULL);
                goto out_free;
            }
            docs_raw[n_docs_raw++] = optarg;
            break;
        case 'A':
            n_field_opts++;
            if (n_atts_raw == TD_ATTACH_PER_REPORT_MAX) {
                rc = tdc_usage_err(cmd, TD_MSG_REPORT_TOO_MANY_ATTACH, NULL);
                goto out_free;
            }
            atts_raw[n_atts_raw++] = optarg;
            break;
        case 'n':
            n_field_opts++;
            if (td_date_parse_vi(optarg, &cli.done_date) || !td_date_valid(cli.done_date)) {
                rc = tdc_usage_err(cmd, TD_MSG_REPORT_DONE_DATE_BAD, optarg);
                goto out_free;
            }
            break;
        case 'x': want_draft = 1; break;
        case 'i': force_prompt = 1; break;
        case 'I': no_prompt = 1; break;
        case 'f': from_file = optarg; break;
        case 'T':
            if ((rc = tdc_date_opt(cmd, optarg))) goto out_free;
            rc = 1;
            break;
        case 'h': tdc__report_usage(stdout); rc = 0; goto out_free;
        default: rc = td_cli_opt_err("tiendo", "report", opt, argv); goto out_free;
        }
    }
    if (optind < argc) {
        if (task_s && strcmp(task_s, argv[optind])) {
            rc = tdc_usage_err(cmd, TD_MSG_REPORT_TASK_TWICE, argv[optind]);
            goto out_free;
        }
        task_s = argv[optind++];
    }
    if (optind < argc) {
        rc = td_cli_extra("tiendo", cmd, argv[optind]);
        goto out_free;
    }
    if (force_prompt && no_prompt) {
        rc = tdc_usage_err(cmd, TD_MSG_REPORT_PROMPT_BOTH, NULL);
        goto out_free;
    }
    if (from_file) {
        if (task_s || cli.period[0] || n_field_opts || want_draft || force_prompt) {
            rc = tdc_usage_err(cmd, TD_MSG_REPORT_FROM_FILE_ALONE, NULL);
            goto out_free;
        }
        if (tdc_ctx_open(&c, dir, cmd)) goto out_free;
        rc = tdc__batch(&c, cmd, from_file, tdc_today());
        tdc_ctx_close(&c);
        goto out_free;
    }
    if (!task_s) {
        rc = tdc_usage_err(cmd, TD_MSG_REPORT_TASK_MISSING,
                            NULL);
        goto out_free;
    }
    /* SỐ, or KẾ_HOẠCH:SỐ; the plan is resolved once the replica is open */
    if (!tdc_int(strrchr(task_s, ':') ? strrchr(task_s, ':') + 1 : task_s, &v) || v < 1 ||
        v >= (long)TD_TASK_NUMBER_LIMIT) {
        rc = tdc_usage_err(cmd, TD_MSG_REPORT_TASK_BAD, task_s);
        goto out_free;
    }
    cli.task = (uint32_t)v;
    if (!cli.period[0]) {
        rc = tdc_usage_err(cmd, TD_MSG_PERIOD_MISSING, NULL);
        goto out_free;
    }
    today = tdc_today();
    for (size_t i = 0; i < n_docs_raw; i++)
        if (tdc_rep_add_doc(&cli, docs_raw[i], today, &why)) {
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
    if (st) {
        /* which plan (docs/LOG.md §14): --plan, KẾ_HOẠCH:SỐ, or the one plan
         * where this agency has a task of that number */
        uint32_t k = 0;
        int prc = td_state_key_parse(st, task_s, plan_s, c.id.subject.agency, &k, msg, sizeof msg);
        if (prc) {
            fprintf(stderr, "tiendo report: %s\n", msg);
            rc = prc == -2 ? 2 : 1;
            goto out;
        }
        cli.task = k;
    }
    if ((rc = tdc__plan_refuse(cmd, st, c.id.subject.agency, today, &cli))) goto out;
    rc = 1;
    for (size_t i = 0; i < n_atts_raw; i++)
        if (tdc_rep_add_att(&cli, c.rep, atts_raw[i], msg, sizeof msg)) {
            fprintf(stderr, "tiendo report: --attach: %s.\n", msg);
            goto out;
        }

    /* a draft of this task and period is the starting point */
    tdc_draft_key(cli.task, cli.period, key);
    if (tdc_rep_draft_load(&c, cli.task, cli.period, &r, &found, &e)) {
        fprintf(stderr, "tiendo report: %s\n", td_error_vi(&e));
        goto out;
    }
    if (found)
        fprintf(stderr, "tiendo report: " TD_MSG_REPORT_FROM_DRAFT "\n", cli.task, cli.period);
    prompting = !want_draft && (force_prompt || (!no_prompt && isatty(STDIN_FILENO)));
    if (!found && prompting && st) {
        /* correcting a returned report starts from the version sent, with
         * the reason in view (the web form does the same) */
        const td_report *cur = td_state_report(st, cli.task, c.id.subject.agency, cli.period);
        if (cur && cur->review < 0) {
            char pv[16];
            tdc_period_vi(cli.period, pv, sizeof pv);
            tdc_rep_from_report(cur, &r);
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_WAS_RETURNED "\n",
                    cli.task, pv, cur->review_comment ? cur->review_comment : "");
        }
    }
    tdc_rep_merge(&r, &cli);
    r.task = cli.task;
    memcpy(r.period, cli.period, sizeof r.period);
    tdc_period_vi(r.period, pvi, sizeof pvi);

    if (want_draft) {
        if (tdc_rep_draft_save(&c, &r, &e)) {
            fprintf(stderr, "tiendo report: %s\n", td_error_vi(&e));
            goto out;
        }
        printf(TD_MSG_DRAFT_SAVED "\n", found ? TD_MSG_DRAFT_WORD_UPDATED : TD_MSG_DRAFT_WORD_SAVED, r.task,
               pvi);
        tdc__rep_print(stdout, &r);
        printf(TD_MSG_DRAFT_NEXT_STEP "\n",
               r.task, r.period, r.task, r.period);
        rc = 0;
        goto out;
    }

    if (prompting) {
        struct sigaction sa, old_int, old_hup, old_term;
        int asked;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = tdc__on_interrupt;   /* no SA_RESTART: the read returns */
        sigemptyset(&sa.sa_mask);
        tdc__interrupted = 0;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGHUP, &sa, &old_hup);
        sigaction(SIGTERM, &sa, &old_term);
        asked = tdc__rep_ask(&r, given_state, given_percent, given_done, given_result, given_diff, given_prop, today);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        if (asked == 3) {
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_PROMPT_ABORTED "\n",
                    tdc__interrupted ? TD_MSG_REPORT_WORD_INTERRUPTED : TD_MSG_REPORT_WORD_END_OF_INPUT);
            tdc__keep_draft(&c, &r);
            rc = 1;
            goto out;
        }
        if (asked) goto out;
    }
    if ((rc = tdc_rep_check(st, c.id.subject.agency, today, &r, TDC_HOW_CLI, msg, sizeof msg, &field))) {
        fprintf(stderr, "tiendo report: %s\n", msg);
        if (!prompting && !no_prompt)
            fprintf(stderr, TD_MSG_REPORT_NOT_PROMPTED "\n");
        /* what was typed at the prompts is not thrown away */
        if (prompting && rc == 2) tdc__keep_draft(&c, &r);
        goto out;
    }
    if ((rc = tdc__rep_sign(&c, cmd, &r, NULL))) goto out;
    if (found) {
        int del = 0;
        if (tdc_draft_delete(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, &del, &e))
            fprintf(stderr, "tiendo report: " TD_MSG_REPORT_DRAFT_NOT_DELETED "\n", td_error_vi(&e), r.task, r.period);
        else
            printf(TD_MSG_DRAFT_USED "\n", r.task, pvi);
    }
    fputs(tdc__next_step, stdout);
    rc = 0;
out:
    tdc_ctx_close(&c);
out_free:
    tdc_draft_free(&dr);
    tdc_rep_free(&cli);
    tdc_rep_free(&r);
    return rc;
}

/* ---- tiendo draft ------------------------------------------------------------- */

static const td_cli_opt tdc__draft_opts[] = {
    {"list", TD_CLI_WORD, 0, NULL, "liệt kê các bản nháp"},
    {"show", TD_CLI_WORD, 0, NULL, "xem một bản nháp"},
    {"submit", TD_CLI_WORD, 0, NULL, "nộp: kiểm tra như `tiendo report`, ký, đưa vào hộp thư đi, rồi xóa bản nháp"},
    {"delete", TD_CLI_WORD, 0, NULL, "xóa bản nháp (không ký gì)"},
    {"SỐ", TD_CLI_WORD, 0, NULL, "số thứ tự (TT) của nhiệm vụ"},
    {"period", required_argument, 'p', "MM/YYYY", "kỳ của bản nháp"},
    {"task", required_argument, 't', "SỐ", "như SỐ (cách ghi cũ)"},
    {"date", required_argument, 'T', "dd/mm/yyyy", "submit: coi ngày này là hôm nay"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__draft_spec = {
    .prog = "tiendo",
    .cmd = "draft",
    .usage = "tiendo draft list [--dir THƯ_MỤC]\n"
             "tiendo draft show SỐ --period MM/YYYY [--dir THƯ_MỤC]\n"
             "tiendo draft submit SỐ --period MM/YYYY [--date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
             "tiendo draft delete SỐ --period MM/YYYY [--dir THƯ_MỤC]",
    .about = "Bản nháp báo cáo: lưu bằng `tiendo report SỐ --period KỲ ... --draft`. Bản nháp nằm trên máy, CHƯA "
             "được ký và không được gửi đi; mỗi nhiệm vụ mỗi kỳ một bản nháp (lưu lại thì thay).",
    .opts = {tdc__draft_opts},
    .footer = "`tiendo report SỐ --period KỲ` (không có --draft) cũng bắt đầu từ bản nháp nếu có, hỏi/nhận thêm các "
              "mục, rồi ký và xóa bản nháp.\n",
    .exit_codes =
        "Mã thoát: 0 thành công, 1 lỗi hoặc không có bản nháp, 2 sai cú pháp hoặc bản nháp thiếu mục bắt buộc.\n",
};
static void tdc__draft_usage(FILE *f) { td_cli_help(&tdc__draft_spec, f); }

int tdc_cmd_draft(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
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
        return tdc_usage_err(cmd, TD_MSG_DRAFT_SUBCMD_BAD, sub);
    argc--;
    argv++;
    optind = 1;
    if (td_cli_longopts(&tdc__draft_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 't': task_s = optarg; break;
        case 'p':
            if (!tdc_period_norm(optarg, period)) return tdc_usage_err(cmd, TD_MSG_PERIOD_BAD, optarg);
            break;
        case 'T':
            if (tdc_date_opt(cmd, optarg)) return 2;
            break;
        case 'h': tdc__draft_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "draft", opt, argv);
        }
    }
    if (optind < argc && !task_s) task_s = argv[optind++];
    if (optind < argc) return td_cli_extra("tiendo", cmd, argv[optind]);
    if (strcmp(sub, "list")) {
        if (!task_s || !tdc_int(task_s, &task) || task < 1 || task > TD_PLAN_TASK_NUMBER_MAX)
            return tdc_usage_err(cmd, TD_MSG_DRAFT_TASK_MISSING, sub);
        if (!period[0]) return tdc_usage_err(cmd, TD_MSG_PERIOD_MISSING, NULL);
        tdc_draft_key((uint32_t)task, period, key);
        tdc_period_vi(period, pvi, sizeof pvi);
    }
    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    memset(&dr, 0, sizeof dr);
    tdc_rep_init(&r);

    if (!strcmp(sub, "list")) {
        tdc_draft *v = NULL;
        size_t n = 0;
        if (tdc_draft_list(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, &v, &n, &e)) {
            fprintf(stderr, "tiendo draft: " TD_MSG_ENTRY_DRAFT_READ_FAILED "\n", td_error_vi(&e));
            goto out;
        }
        if (!n) printf(TD_MSG_DRAFT_LIST_EMPTY "\n");
        else printf(TD_MSG_DRAFT_LIST_HEAD "\n", n);
        for (size_t i = 0; i < n; i++) {
            tdc_rep x;
            char t[64];
            tdc_fmt_time(v[i].updated_ms, t, sizeof t);
            if (tdc_rep_unpack(v[i].payload, v[i].len, &x)) {
                printf(TD_MSG_DRAFT_LIST_CORRUPT "\n", v[i].key);
                continue;
            }
            tdc_period_vi(x.period, pvi, sizeof pvi);
            printf(TD_MSG_DRAFT_LIST_LINE, x.task, pvi, tdc_rep_state_vi(x.state));
            if (x.state) printf(", %d%%", x.percent < 0 ? 0 : x.percent);
            printf(TD_MSG_DRAFT_LIST_EDITED "\n", t);
            tdc_rep_free(&x);
        }
        if (n) printf(TD_MSG_DRAFT_LIST_HINT "\n");
        tdc_drafts_free(v, n);
        rc = 0;
        goto out;
    }
    if (tdc_draft_get(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, &dr, &found, &e)) {
        fprintf(stderr, "tiendo draft: " TD_MSG_ENTRY_DRAFT_READ_FAILED "\n", td_error_vi(&e));
        goto out;
    }
    if (!found) {
        fprintf(stderr, "tiendo draft: " TD_MSG_DRAFT_NONE "\n",
                task, pvi);
        goto out;
    }
    if (!strcmp(sub, "delete")) {
        if (tdc_draft_delete(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, NULL, &e)) {
            fprintf(stderr, "tiendo draft: " TD_MSG_DRAFT_DELETE_FAILED "\n", td_error_vi(&e));
            goto out;
        }
        printf(TD_MSG_DRAFT_DELETED "\n", task, pvi);
        rc = 0;
        goto out;
    }
    if (tdc_rep_unpack(dr.payload, dr.len, &r)) {
        fprintf(stderr, "tiendo draft: " TD_MSG_DRAFT_CORRUPT "\n", key, task, period);
        goto out;
    }
    if (!strcmp(sub, "show")) {
        char t[64];
        tdc_fmt_time(dr.updated_ms, t, sizeof t);
        printf(TD_MSG_DRAFT_SHOW_HEAD "\n", r.task, pvi, t);
        tdc__rep_print(stdout, &r);
        printf(TD_MSG_DRAFT_SHOW_SUBMIT_HINT "\n", r.task, r.period);
        rc = 0;
        goto out;
    }
    /* submit: the same checks as `tiendo report`, then sign, then delete */
    {
        int today = tdc_today();
        const td_state *st = tdc_replica_state(c.rep);
        if ((rc = tdc_rep_check(st, c.id.subject.agency, today, &r, TDC_HOW_DRAFT, msg, sizeof msg, &field))) {
            fprintf(stderr, "tiendo draft submit: " TD_MSG_DRAFT_SUBMIT_FAILED "\n", r.task, pvi, msg);
            goto out;
        }
        tdc__no_plan_note("draft submit", st, &r);
        if ((rc = tdc__rep_sign(&c, "draft submit", &r, NULL))) goto out;
        /* The outbox insert commits in its own transaction
         * (tdc_replica_outbox_add); the draft goes right after.  If this
         * fails the report is signed all the same and the clerk is told. */
        if (tdc_draft_delete(c.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, NULL, &e))
            fprintf(stderr, "tiendo draft submit: " TD_MSG_DRAFT_SUBMITTED_NOT_DELETED "\n", td_error_vi(&e), r.task, r.period);
        else
            printf(TD_MSG_DRAFT_SUBMITTED "\n");
        fputs(tdc__next_step, stdout);
        rc = 0;
    }
out:
    tdc_rep_free(&r);
    tdc_draft_free(&dr);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo indicator --------------------------------------------------------- */

static const td_cli_opt tdc__indicator_opts[] = {
    {"MÃ", TD_CLI_WORD, 0, NULL, "mã chỉ tiêu, ví dụ 7.1 hoặc II.3"},
    {"period", required_argument, 'p', "MM/YYYY", "kỳ (tháng); không được sau tháng hiện tại"},
    {"value", required_argument, 'v', "SỐ", "giá trị số; dấu thập phân là ',' hoặc '.' (42,5 hoặc 42.5)"},
    {"note", required_argument, 'n', "VĂN_BẢN", "ghi chú kèm giá trị"},
    {"text", required_argument, 't', "VĂN_BẢN", "giá trị của chỉ tiêu định tính (hoặc ghi chú, như --note)"},
    {"code", required_argument, 'c', "MÃ", "như MÃ (cách ghi cũ, không có set)"},
    TDC_OPT_DATE('T'),
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__indicator_spec = {
    .prog = "tiendo",
    .cmd = "indicator",
    .usage = "tiendo indicator set MÃ --period MM/YYYY (--value SỐ [--note VĂN_BẢN] | --text VĂN_BẢN) "
             "[--date dd/mm/yyyy] [--dir THƯ_MỤC]\n"
             "tiendo indicator --code MÃ --period MM/YYYY (--value SỐ | --text VĂN_BẢN) ...  (cách cũ)",
    .about = "Ghi giá trị một chỉ tiêu (Phụ lục I của kế hoạch) cho một kỳ vào hộp thư đi, ký bằng khóa thiết bị; "
             "gửi ở lần đồng bộ sau (tiendo sync).",
    .opts = {tdc__indicator_opts},
    .footer = "Giá trị được kiểm tra theo đơn vị của chỉ tiêu trong kế hoạch:\n"
              "  %, % GRDP, % dân số, % tổng chi NSNN ...  phần trăm, từ 0 đến 100\n"
              "  %/năm                                     tốc độ tăng (có thể âm)\n"
              "  Doanh nghiệp, Tổ chức, Người, Hồ sơ ...    số đếm: số nguyên không âm (cũng: Sản phẩm, Bài báo, "
              "Sáng chế, Thành phố, Trung tâm dữ liệu)\n"
              "  Thứ bậc (xếp hạng)                        số nguyên từ 1 trở lên\n"
              "  chỉ số HDI                                từ 0 đến 1\n"
              "  Người/vạn dân, .../1000 dân, tiền (đồng)  số không âm\n"
              "  chỉ tiêu có mục tiêu định tính            chỉ ghi --text, không có số\n"
              "  đơn vị khác                               chỉ kiểm tra là một số (có ghi chú khi ghi)\n",
    .exit_codes = "Mã thoát: 0 đã ghi, 1 bị từ chối hoặc lỗi, 2 sai cú pháp.\n",
};
static void tdc__indicator_usage(FILE *f) { td_cli_help(&tdc__indicator_spec, f); }

int tdc_cmd_indicator(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "indicator";
    const char *dir = NULL, *code = NULL, *text_in = NULL, *value_s = NULL, *why;
    char period[8] = "", pvi[8], vbuf[64], unit_note[512] = "", msg[1024], warn[1024] = "";
    double value = 0;
    int opt, rc = 1, is_set = 0, today;
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
    if (td_cli_longopts(&tdc__indicator_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'c': code = optarg; break;
        case 'p':
            if (!tdc_period_norm(optarg, period))
                return tdc_usage_err(cmd, TD_MSG_PERIOD_BAD, optarg);
            break;
        case 'v': value_s = optarg; break;
        case 't':
        case 'n':
            if (text_in) return tdc_usage_err(cmd, TD_MSG_INDICATOR_TEXT_ONCE, NULL);
            text_in = optarg;
            break;
        case 'T':
            if (tdc_date_opt(cmd, optarg)) return 2;
            break;
        case 'h': tdc__indicator_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "indicator", opt, argv);
        }
    }
    if (optind < argc && is_set && !code) code = argv[optind++];
    if (optind < argc) return td_cli_extra("tiendo", cmd, argv[optind]);
    if (!code || !*code)
        return tdc_usage_err(cmd, TD_MSG_INDICATOR_CODE_MISSING, NULL);
    if (strlen(code) >= sizeof ((td_indicator_value *)0)->code)
        return tdc_usage_err(cmd, TD_MSG_INDICATOR_CODE_TOO_LONG, code);
    if (!period[0]) return tdc_usage_err(cmd, TD_MSG_PERIOD_MISSING, NULL);
    if (!value_s && !text_in) return tdc_usage_err(cmd, TD_MSG_INDICATOR_VALUE_MISSING, NULL);
    if (value_s && tdc_ind_parse_value(value_s, &value, &why)) {
        fprintf(stderr, "tiendo indicator: " TD_MSG_INDICATOR_VALUE_BAD "\n", value_s, why);
        return 2;
    }
    if (!(code_n = tdc_nfc(code, 64, &why))) return tdc_usage_err(cmd, TD_MSG_INDICATOR_CODE_BAD, code);
    if (text_in && !(text = tdc_nfc(text_in, TDC_TEXT_MAX, &why))) {
        fprintf(stderr, "tiendo indicator: " TD_MSG_INDICATOR_TEXT_BAD "\n", why, TDC_TEXT_MAX);
        free(code_n);
        return 2;
    }
    today = tdc_today();
    tdc_period_vi(period, pvi, sizeof pvi);
    if (tdc_ctx_open(&c, dir, cmd)) {
        free(code_n);
        free(text);
        return 1;
    }
    st = tdc_replica_state(c.rep);
    if (tdc_ind_check(st, c.id.subject.agency, c.id.subject.role, today, code_n, period, value_s != NULL, value, msg,
                      sizeof msg, unit_note, sizeof unit_note, warn, sizeof warn)) {
        fprintf(stderr, "tiendo indicator: %s\n", msg);
        goto out;
    }
    if (*warn) fprintf(stderr, "tiendo indicator: " TD_MSG_INDICATOR_WARNING "\n", warn);
    {
        td_error e;
        if (tdc_ind_sign(&c, code_n, period, value_s != NULL, value, text, &seq, &e)) {
            fprintf(stderr, "tiendo indicator: %s\n", td_error_vi(&e));
            goto out;
        }
    }
    if (value_s) tdc_ind_value_vi(value, vbuf, sizeof vbuf);
    printf(TD_MSG_INDICATOR_QUEUED "\n", code_n, pvi, c.id.subject.agency, (unsigned long long)seq);
    if (value_s) printf(TD_MSG_INDICATOR_VALUE_LINE "\n", vbuf);
    if (text) printf("  %s: %s\n", value_s ? TD_MSG_INDICATOR_WORD_NOTE : TD_MSG_INDICATOR_WORD_RESULT, text);
    fputs(unit_note, stdout);
    fputs(tdc__next_step, stdout);
    rc = 0;
out:
    free(code_n);
    free(text);
    tdc_ctx_close(&c);
    return rc;
}

