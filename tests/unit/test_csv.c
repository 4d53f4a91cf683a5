/* test_csv.c — the one CSV reader (common/csv.h): RFC 4180 quoting,
 * embedded line breaks, BOM, CRLF, the separator from the first line, every
 * error naming its line and column, the field length limit in the error;
 * and the growable-array helper it is built on (common/grow.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "grow.h"
#include "tt.h"

/* Read all of s; rows' fields joined as "a|b/c|d" (rows by '/'), or "ERR:" + message. */
static const char *rd(const char *s, size_t field_max)
{
    static char out[4096];
    td_csv_reader c;
    td_csv_row *rows;
    size_t n;
    td_error e = {0};
    td_csv_reader_init(&c, s, strlen(s), "t.csv");
    if (field_max) c.field_max = field_max;
    if (td_csv_read_all(&c, &rows, &n, &e)) {
        snprintf(out, sizeof out, "ERR:%s", e.msg);
        return out;
    }
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(out, "/");
        for (size_t k = 0; k < rows[i].n; k++) {
            if (k) strcat(out, "|");
            strcat(out, rows[i].f[k]);
        }
    }
    td_csv_rows_free(rows, n);
    return out;
}

static void test_fields(void)
{
    TT_EQ_STR(rd("a,b,c\n1,2,3\n", 0), "a|b|c/1|2|3");
    TT_EQ_STR(rd("a,b\r\n1,2\r\n", 0), "a|b/1|2");                       /* CRLF */
    TT_EQ_STR(rd("\xEF\xBB\xBF" "a,b\n1,2", 0), "a|b/1|2");               /* BOM, no final newline */
    TT_EQ_STR(rd("a;b\n\"x;y\";\"say \"\"hi\"\"\"\n", 0), "a|b/x;y|say \"hi\"");   /* ';', quotes */
    TT_EQ_STR(rd("a\tb\n1\t2\n", 0), "a|b/1|2");                          /* TAB */
    TT_EQ_STR(rd("a,b\n\"two\r\nlines\",z\n", 0), "a|b/two\nlines|z");    /* CRLF inside a field: LF */
    TT_EQ_STR(rd("a,b\n1,\n", 0), "a|b/1|");                              /* empty last field */
    TT_EQ_STR(rd("a,b\n1,", 0), "a|b/1|");                                /* and at the very end */
    TT_EQ_STR(rd("a,b\n5 \"inch\",2\n", 0), "a|b/5 \"inch\"|2");          /* quote inside an unquoted field */
    TT_EQ_STR(rd("", 0), "");
}

static void test_lines_of_rows_and_fields(void)
{
    td_csv_reader c;
    td_csv_row r;
    td_error e = {0};
    const char *s = "h1,h2\n\"x\ny\nz\",w\n\nlast,1\n";
    td_csv_reader_init(&c, s, strlen(s), NULL);
    TT_EQ_INT(td_csv_next(&c, &r, &e), 1);
    TT_EQ_INT(r.line, 1);
    td_csv_row_free(&r);
    TT_EQ_INT(td_csv_next(&c, &r, &e), 1);
    TT_EQ_INT(r.line, 2);
    TT_EQ_INT(r.at[1], 4);   /* "w" is on the third line of the record */
    td_csv_row_free(&r);
    TT_EQ_INT(td_csv_next(&c, &r, &e), 1);
    TT_CHECK(td_csv_row_blank(&r));
    td_csv_row_free(&r);
    TT_EQ_INT(td_csv_next(&c, &r, &e), 1);
    TT_EQ_INT(r.line, 6);
    TT_EQ_STR(r.f[0], "last");
    td_csv_row_free(&r);
    TT_EQ_INT(td_csv_next(&c, &r, &e), 0);
}

static void test_errors(void)
{
    TT_EQ_STR(rd("a,b\n1,\"open\n2,3\n", 0),
              "ERR:t.csv:2: cột 2: ô mở dấu ngoặc kép ở dòng này mà không có dấu ngoặc kép đóng");
    TT_CHECK(!strncmp(rd("a,b\n1,\"x\"y\n", 0), "ERR:t.csv:2: cột 2: có chữ ngay sau dấu ngoặc kép đóng ô", 56));
    TT_EQ_STR(rd("a,b\n1,\xC3\x28\n", 0),
              "ERR:t.csv:2: cột 2: không phải văn bản UTF-8 (trong Excel hãy lưu bằng \"CSV UTF-8\")");
    TT_EQ_STR(rd("a,b\n1,123456789\n", 8), "ERR:t.csv:2: cột 2: ô dài quá giới hạn 8 byte của một ô");
    {
        /* the limit as people write numbers, thousands grouped by '.' */
        static char big[16400 + 16];
        memcpy(big, "a,b\n1,", 6);
        memset(big + 6, 'x', 16385);
        big[6 + 16385] = '\n';
        TT_EQ_STR(rd(big, 16384), "ERR:t.csv:2: cột 2: ô dài quá giới hạn 16.384 byte của một ô");
    }
    {
        char b[TD_MSG_NUM_MAX];
        TT_EQ_STR(td_msg_num(b, 0), "0");
        TT_EQ_STR(td_msg_num(b, 999), "999");
        TT_EQ_STR(td_msg_num(b, 1000), "1.000");
        TT_EQ_STR(td_msg_num(b, 104857600), "104.857.600");
        TT_EQ_STR(td_msg_num(b, 18446744073709551615ull), "18.446.744.073.709.551.615");
    }
    TT_EQ_STR(rd("a,b\n1,12345678\n", 8), "a|b/1|12345678");   /* exactly the limit */
    {
        char many[TD_CSV_FIELDS_MAX * 2 + 8];
        size_t k = 0;
        for (int i = 0; i <= TD_CSV_FIELDS_MAX; i++) many[k++] = 'x', many[k++] = ',';
        many[k - 1] = '\n';
        many[k] = 0;
        TT_CHECK(strstr(rd(many, 0), "ERR:t.csv:1: cột 65: dòng có quá 64 cột") != NULL);
    }
    {
        td_csv_reader c;
        td_csv_row r;
        td_error e = {0};
        td_csv_reader_init(&c, "\"x", 2, NULL);   /* without a name: "dòng L, cột C" */
        TT_CHECK(td_csv_next(&c, &r, &e) < 0);
        TT_CHECK(!strncmp(e.msg, "dòng 1, cột 1: ", strlen("dòng 1, cột 1: ")));
        TT_EQ_INT(r.n, 0);
    }
}

static void test_grow(void)
{
    int *v = NULL;
    size_t cap = 0;
    TT_EQ_INT(TD_GROW(v, cap, 0), 0);
    TT_CHECK(v == NULL && cap == 0);
    for (size_t n = 0; n < 1000; n++) {
        if (TD_GROW(v, cap, n + 1)) {
            TT_CHECK(0);
            break;
        }
        v[n] = (int)n;
    }
    TT_CHECK(cap >= 1000 && cap < 2048);
    TT_EQ_INT(v[999], 999);
    /* need * elem past SIZE_MAX: refused, the array as it was */
    {
        size_t before = cap;
        TT_EQ_INT(TD_GROW(v, cap, SIZE_MAX / 2), -1);
        TT_EQ_INT(cap, before);
        TT_EQ_INT(v[999], 999);
    }
    free(v);
}

static void test_grow_one(void)
{
    long *v = NULL;
    size_t n = 0;
    for (; n < 100; n++) {
        if (TD_GROW_ONE(v, n)) {
            TT_CHECK(0);
            break;
        }
        v[n] = (long)n * 3;
    }
    TT_EQ_INT(n, 100);
    TT_EQ_INT(v[99], 297);
    TT_EQ_INT(v[0], 0);
    /* n + 1 elements past SIZE_MAX: refused, the array as it was */
    TT_EQ_INT(TD_GROW_ONE(v, SIZE_MAX / sizeof *v), -1);
    TT_EQ_INT(v[99], 297);
    free(v);
}

int main(void)
{
    TT_RUN(test_fields);
    TT_RUN(test_lines_of_rows_and_fields);
    TT_RUN(test_errors);
    TT_RUN(test_grow);
    TT_RUN(test_grow_one);
    return tt_report();
}
