/*
 * test_cli.c — one option table gives the getopt_long table and the --help
 * of a command (common/cli.h): the rows taken once each, words left out of
 * getopt, the synopsis made from the rows the usage does not name, every
 * line at most 80 columns counted in characters (Vietnamese letters are two
 * or three bytes), wrapped lines indented under their text.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tt.h"

enum { OPT_DIR = 'd', OPT_LONG = 'l', OPT_FLAG = 'f', OPT_SHARED = 0x4000 };

static const td_cli_opt own[] = {
    {"SỐ", TD_CLI_WORD, 0, NULL, "số thứ tự của nhiệm vụ"},
    {"dir", required_argument, OPT_DIR, "THƯ_MỤC", "thư mục thiết bị"},
    {"flag", no_argument, OPT_FLAG, NULL, "một cờ"},
    {"long", required_argument, OPT_LONG, "VĂN_BẢN",
     "một dòng trợ giúp rất dài, toàn chữ có dấu: được ghi trên nhiều dòng, mỗi dòng không quá tám mươi cột, các "
     "dòng sau thẳng cột với chữ đầu của dòng đầu tiên"},
    {NULL, 0, 0, NULL, NULL}};
/* a shared table naming "dir" again: the first table's row wins */
static const td_cli_opt shared[] = {
    {"dir", required_argument, OPT_SHARED, "KHÁC", "không được dùng"},
    {"shared", required_argument, OPT_SHARED + 1, "N", "tùy chọn chung"},
    {NULL, 0, 0, NULL, NULL}};

static const td_cli_spec spec = {
    .prog = "tiendo",
    .cmd = "thu",
    .usage = "SỐ --dir THƯ_MỤC",
    .about = "Một đoạn mô tả dài hơn tám mươi cột để xem việc ngắt dòng: ngắt ở khoảng trắng, không cắt giữa chữ, "
             "không dòng nào quá tám mươi cột.\n"
             "  muc      một mục có thụt lề: các dòng sau của mục bắt đầu dưới chữ của mục, không dưới tên mục, "
             "như một bảng hai cột",
    .opts = {own, shared},
    .footer = "Cuối.\n",
    .synopsis_tables = 1,
};

static char *help_text(const td_cli_spec *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    td_cli_help(s, m);
    fclose(m);
    return buf;
}

static int starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

/* Characters of a UTF-8 line (continuation bytes not counted). */
static size_t cols(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void test_longopts(void)
{
    struct option o[TD_CLI_OPTS_MAX];
    size_t n = 0;
    TT_EQ_INT(td_cli_longopts(&spec, o, TD_CLI_OPTS_MAX), 0);
    while (o[n].name) n++;
    /* dir, flag, long, shared, help: no word, no second "dir" */
    TT_EQ_INT(n, 5);
    TT_EQ_STR(o[0].name, "dir");
    TT_EQ_INT(o[0].val, OPT_DIR);
    TT_EQ_INT(o[0].has_arg, required_argument);
    TT_EQ_STR(o[1].name, "flag");
    TT_EQ_INT(o[1].has_arg, no_argument);
    TT_EQ_STR(o[3].name, "shared");
    TT_EQ_STR(o[4].name, "help");
    TT_EQ_INT(o[4].val, 'h');
    /* too small a table: refused, not overrun */
    TT_EQ_INT(td_cli_longopts(&spec, o, 3), -1);
    TT_CHECK(td_cli_opt_of(&spec, OPT_SHARED) == NULL);   /* the hidden second "dir" */
    TT_EQ_STR(td_cli_opt_of(&spec, OPT_SHARED + 1)->name, "shared");
}

static void test_getopt(void)
{
    struct option o[TD_CLI_OPTS_MAX];
    char *argv[] = {"thu", "--dir", "/tmp/x", "--flag", "--shared", "3", "7", NULL};
    int c, seen = 0;
    TT_EQ_INT(td_cli_longopts(&spec, o, TD_CLI_OPTS_MAX), 0);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(7, argv, ":h", o, NULL)) != -1) {
        if (c == OPT_DIR) {
            seen |= 1;
            TT_EQ_STR(optarg, "/tmp/x");
        } else if (c == OPT_FLAG) {
            seen |= 2;
        } else if (c == OPT_SHARED + 1) {
            seen |= 4;
            TT_EQ_STR(optarg, "3");
        } else {
            TT_CHECK(!"unexpected option");
        }
    }
    TT_EQ_INT(seen, 7);
    TT_EQ_INT(optind, 6);
    TT_EQ_STR(argv[optind], "7");
}

static void test_help(void)
{
    char *h = help_text(&spec);
    TT_CHECK(h != NULL);
    if (!h) return;
    /* the usage names SỐ and --dir; the own table's other options are added, the shared one is not */
    TT_CHECK(starts(h, "Cách dùng: tiendo thu SỐ --dir THƯ_MỤC [--flag] [--long VĂN_BẢN]\n"));
    TT_CHECK(strstr(h, "[--shared") == NULL);
    TT_CHECK(strstr(h, "\nTham số và tùy chọn:\n") != NULL);
    TT_CHECK(strstr(h, "\n  --dir THƯ_MỤC  ") != NULL);
    TT_CHECK(strstr(h, "KHÁC") == NULL);
    TT_CHECK(strstr(h, "\n  --shared N ") != NULL);
    TT_CHECK(strstr(h, "\n  --help ") != NULL);
    TT_CHECK(strstr(h, "\nCuối.\n\nMã thoát: 0 thành công, 1 lỗi, 2 sai cú pháp lệnh.\n") != NULL);

    /* every line at most 80 columns; at least one was long enough to wrap */
    size_t lines = 0, maxw = 0;
    for (const char *l = h; *l;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        if (cols(l, n) > maxw) maxw = cols(l, n);
        lines++;
        l += n + (nl != NULL);
    }
    TT_CHECK(maxw <= 80);
    TT_CHECK(maxw >= 70);
    TT_CHECK(lines >= 14);

    /* the long option's next lines start under its text, at the column of the first line's text */
    const char *row = strstr(h, "\n  --long VĂN_BẢN");
    TT_CHECK(row != NULL);
    if (row) {
        const char *text = strstr(row, "một dòng");
        const char *next = strchr(row + 1, '\n');
        TT_CHECK(text && next && text < next);
        if (text && next) {
            size_t at = cols(row + 1, (size_t)(text - row - 1));
            size_t lead = strspn(next + 1, " ");
            TT_EQ_INT(lead, at);
            TT_CHECK(next[1 + lead] != '-');
        }
    }
    /* the indented item of the about text: its next line under "một mục", not under "muc" */
    const char *item = strstr(h, "\n  muc      một mục");
    TT_CHECK(item != NULL);
    if (item) {
        const char *next = strchr(item + 1, '\n');
        TT_CHECK(next && strspn(next + 1, " ") == 11);
    }
    free(h);
}

static void test_wrap(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    /* a word wider than the line is printed whole, never cut */
    td_cli_wrap(m, "ngắn\n"
                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx y\n"
                   "  - mục một của danh sách, đủ dài để sang dòng thứ hai: dòng sau thụt vào dưới chữ của mục");
    fclose(m);
    TT_CHECK(buf != NULL);
    if (!buf) return;
    TT_CHECK(starts(buf, "ngắn\nxxxxxxxx"));
    TT_CHECK(strstr(buf, "xxxxxxxx\ny\n") != NULL);
    const char *li = strstr(buf, "  - mục một");
    TT_CHECK(li != NULL);
    if (li) {
        const char *next = strchr(li, '\n');
        TT_CHECK(next && !strncmp(next + 1, "    ", 4) && next[5] != ' ');
    }
    free(buf);
}

/* A usage of whole forms is printed as it is, each form on its line. */
static void test_forms(void)
{
    td_cli_spec s = spec;
    s.usage = "tiendo thu list [--dir THƯ_MỤC]\ntiendo thu get SỐ";
    char *h = help_text(&s);
    TT_CHECK(h && starts(h, "Cách dùng: tiendo thu list [--dir THƯ_MỤC]\n           tiendo thu get SỐ\n\n"));
    free(h);
}

int main(void)
{
    TT_RUN(test_longopts);
    TT_RUN(test_getopt);
    TT_RUN(test_help);
    TT_RUN(test_wrap);
    TT_RUN(test_forms);
    return tt_report();
}
