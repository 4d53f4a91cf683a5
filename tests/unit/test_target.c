/* test_target.c — indicator targets as data. */
#include <string.h>

#include "target.h"
#include "tt.h"

static td_target T;

static int parse(const char *s)
{
    td_error e = {0};
    td_target_free(&T);
    return td_target_parse(s, &T, &e);
}

static void test_comparisons(void)
{
    TT_EQ_INT(parse("≥ 55"), 0);
    TT_CHECK(T.kind == TD_TARGET_VALUE && T.op == TD_OP_GE && T.lo == 55 && !T.percent);
    TT_EQ_INT(parse("≤ 20"), 0);
    TT_CHECK(T.op == TD_OP_LE && T.lo == 20);
    TT_EQ_INT(parse("> 60"), 0);
    TT_CHECK(T.op == TD_OP_GT && T.lo == 60);
    TT_EQ_INT(parse("= 100"), 0);
    TT_CHECK(T.op == TD_OP_EQ && T.lo == 100);
    TT_EQ_INT(parse(">=7"), 0);
    TT_CHECK(T.op == TD_OP_GE && T.lo == 7);
    TT_EQ_INT(parse("≥ 03"), 0);
    TT_CHECK(T.lo == 3);
}

static void test_values_percent_decimal(void)
{
    char buf[64];
    TT_EQ_INT(parse("90"), 0);
    TT_CHECK(T.kind == TD_TARGET_VALUE && T.op == TD_OP_EQ && T.lo == 90);
    TT_EQ_INT(parse("100%"), 0);
    TT_CHECK(T.lo == 100 && T.percent);
    TT_EQ_INT(parse("$\\geq 0,8$"), 0);
    TT_CHECK(T.op == TD_OP_GE && T.lo == 0.8);
    TT_EQ_STR(T.text, "≥ 0,8");
    td_target_vi(&T, buf, sizeof buf);
    TT_EQ_STR(buf, "≥ 0,8");
    TT_EQ_INT(parse("$\\geq 3\\%$ và tăng dần theo yêu cầu phát triển"), 0);
    TT_CHECK(T.op == TD_OP_GE && T.lo == 3 && T.percent);
    TT_EQ_STR(T.note, "và tăng dần theo yêu cầu phát triển");
    TT_EQ_INT(parse("$\\leq 1,25$"), 0);
    TT_CHECK(T.op == TD_OP_LE && T.lo == 1.25);
    TT_EQ_INT(parse("1.000"), 0);
    TT_CHECK(T.lo == 1000);
}

static void test_ranges(void)
{
    char buf[64];
    TT_EQ_INT(parse("1-2"), 0);
    TT_CHECK(T.kind == TD_TARGET_RANGE && T.lo == 1 && T.hi == 2);
    TT_EQ_INT(parse("16 - 18"), 0);
    TT_CHECK(T.kind == TD_TARGET_RANGE && T.lo == 16 && T.hi == 18);
    TT_EQ_INT(parse("8 – 10"), 0);
    TT_CHECK(T.kind == TD_TARGET_RANGE && T.lo == 8 && T.hi == 10);
    td_target_vi(&T, buf, sizeof buf);
    TT_EQ_STR(buf, "8–10");
    TT_EQ_INT(parse("0,5 - 1,5%"), 0);
    TT_CHECK(T.kind == TD_TARGET_RANGE && T.lo == 0.5 && T.hi == 1.5 && T.percent);
}

static void test_text_and_empty(void)
{
    TT_EQ_INT(parse("Nhóm 20 tỉnh dẫn đầu cả nước"), 0);
    TT_EQ_INT(T.kind, TD_TARGET_TEXT);
    TT_EQ_STR(T.text, "Nhóm 20 tỉnh dẫn đầu cả nước");
    TT_EQ_INT(parse("Tiên tiến, hiện đại"), 0);
    TT_EQ_INT(T.kind, TD_TARGET_TEXT);
    TT_EQ_INT(parse(""), 0);
    TT_EQ_INT(T.kind, TD_TARGET_NONE);
    TT_EQ_INT(parse("1Gb/s"), 0);
    TT_EQ_INT(T.kind, TD_TARGET_TEXT);
}

static void test_rejects(void)
{
    TT_EQ_INT(parse("≥"), TD_EPARSE);
    TT_EQ_INT(parse("≥ nhiều"), TD_EPARSE);
    TT_EQ_INT(parse("5 -"), TD_EPARSE);
    TT_EQ_INT(parse("10-2"), TD_EPARSE);
    TT_CHECK(T.text == NULL);
}

int main(void)
{
    TT_RUN(test_comparisons);
    TT_RUN(test_values_percent_decimal);
    TT_RUN(test_ranges);
    TT_RUN(test_text_and_empty);
    TT_RUN(test_rejects);
    td_target_free(&T);
    return tt_report();
}
