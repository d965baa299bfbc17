/* tests/unit/test_bench.c: the testable part of `gatecrash bench` (harness/bench.h):
 * reading `openssl s_time` output. The throughput figures themselves are never
 * a test (DESIGN.md "Performance": benchmarks, not timed unit tests). */
#include <check.h>
#include <string.h>

#include "bench.h"

/* Shapes of OpenSSL 3.0's s_time output (apps/s_time.c). */
static const char NEW_OUT[] = "*********************\n\n"
                              "2772 connections in 1.67s; 1659.88 connections/user sec, "
                              "bytes read 0\n"
                              "2772 connections in 4 real seconds, 0 bytes read per connection\n";
static const char REUSE_OUT[] = "\n\nNow timing with session id reuse.\nstarting\n"
                                "*rrrr\nrr*\n\n"
                                "56 connections in 0.05s; 1120.00 connections/user sec, bytes "
                                "read 0\n"
                                "56 connections in 2 real seconds, 0 bytes read per connection\n";
/* Both phases (no -new/-reuse): the last figure line wins. */
static const char BOTH_OUT[] = "***\n\n3 connections in 0.01s; 300.00 connections/user sec\n"
                               "3 connections in 1 real seconds, 0 bytes read per connection\n"
                               "\n\nNow timing with session id reuse.\nstarting\nrrr\n\n"
                               "7 connections in 2 real seconds, 0 bytes read per connection";

struct parse_case {
    const char *name;
    const char *out;
    size_t len; /* 0 = strlen */
    int rc;
    long conns, secs, resumed;
};

static const struct parse_case CASES[] = {
    {"new: the real-seconds line", NEW_OUT, 0, 0, 2772, 4, 0},
    {"reuse: counts only 'r' marks on progress lines", REUSE_OUT, 0, 0, 56, 2, 6},
    {"both phases: the last line, reuse marks after the banner", BOTH_OUT, 0, 0, 7, 2, 3},
    {"no figure line", "*****\nERROR\n", 0, -1, 0, 0, 0},
    {"empty", "", 0, -1, 0, 0, 0},
    {"user-seconds line alone is not enough",
     "5 connections in 0.01s; 500.00 connections/user sec, bytes read 0\n", 0, -1, 0, 0, 0},
    {"garbled count", "x5 connections in 2 real seconds\n", 0, -1, 0, 0, 0},
    {"negative count", "-5 connections in 2 real seconds\n", 0, -1, 0, 0, 0},
    {"count too long for a number",
     "123456789012345678901234567890123 connections in 2 real seconds\n", 0, -1, 0, 0, 0},
    {"NUL inside the line stops nothing outside it", "9 connections in 3 real seconds\n\0garbage",
     sizeof("9 connections in 3 real seconds\n\0garbage") - 1, 0, 9, 3, 0},
    {"last line without a newline", "11 connections in 5 real seconds", 0, 0, 11, 5, 0},
};

START_TEST(s_time_output_is_read_from_its_real_seconds_line)
{
    const struct parse_case *c = &CASES[_i];
    long conns = -1, secs = -1, resumed = -1;
    size_t len = c->len ? c->len : strlen(c->out);
    int rc = gc__bench_parse_s_time(c->out, len, &conns, &secs, &resumed);
    ck_assert_msg(rc == c->rc, "%s: rc %d", c->name, rc);
    if (c->rc == 0) {
        ck_assert_msg(conns == c->conns && secs == c->secs, "%s: %ld in %ld", c->name, conns, secs);
        ck_assert_msg(resumed == c->resumed, "%s: resumed %ld", c->name, resumed);
    }
}
END_TEST

START_TEST(resumed_may_be_null)
{
    long conns = 0, secs = 0;
    ck_assert_int_eq(gc__bench_parse_s_time(REUSE_OUT, strlen(REUSE_OUT), &conns, &secs, NULL), 0);
    ck_assert_int_eq(conns, 56);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bench");
    TCase *t = tcase_create("s_time");
    tcase_add_loop_test(t, s_time_output_is_read_from_its_real_seconds_line, 0,
                        (int)(sizeof(CASES) / sizeof(CASES[0])));
    tcase_add_test(t, resumed_may_be_null);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
