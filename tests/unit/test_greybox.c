/* tests/unit/test_greybox.c: the pure parts of `gatecrash fuzz` grey-box
 * feedback (fuzz.h): the --greybox mode, the decision after start-up, and
 * the attribution of map news to running cases across jobs. */
#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"

static const struct {
    const char *s;
    int rc;
    enum gc_fuzz_greybox mode;
} MODES[] = {
    {"auto", 0, GC_FUZZ_GREYBOX_AUTO},
    {"on", 0, GC_FUZZ_GREYBOX_ON},
    {"off", 0, GC_FUZZ_GREYBOX_OFF},
    {"", -1, GC_FUZZ_GREYBOX_AUTO},
    {"ON", -1, GC_FUZZ_GREYBOX_AUTO},
    {"on ", -1, GC_FUZZ_GREYBOX_AUTO},
    {"of", -1, GC_FUZZ_GREYBOX_AUTO},
    {"auto\x7f", -1, GC_FUZZ_GREYBOX_AUTO},
    {"\xc3\xb6n", -1, GC_FUZZ_GREYBOX_AUTO},
};

START_TEST(parse_accepts_exactly_auto_on_off)
{
    for (size_t i = 0; i < sizeof(MODES) / sizeof(MODES[0]); i++) {
        enum gc_fuzz_greybox m = (enum gc_fuzz_greybox)99;
        int rc = gc_fuzz_greybox_parse(MODES[i].s, &m);
        ck_assert_msg(rc == MODES[i].rc, "'%s': rc %d", MODES[i].s, rc);
        if (rc == 0)
            ck_assert_int_eq(m, MODES[i].mode);
        else
            ck_assert_int_eq(m, 99); /* untouched on error */
    }
    enum gc_fuzz_greybox m = GC_FUZZ_GREYBOX_ON;
    ck_assert_int_eq(gc_fuzz_greybox_parse(NULL, &m), -1);
}
END_TEST

START_TEST(decide_uses_the_map_only_when_the_target_wrote_edges)
{
    static const struct {
        enum gc_fuzz_greybox mode;
        size_t edges;
        int want;
    } T[] = {
        {GC_FUZZ_GREYBOX_AUTO, 0, 0},  {GC_FUZZ_GREYBOX_AUTO, 1, 1},
        {GC_FUZZ_GREYBOX_AUTO, 160, 1}, {GC_FUZZ_GREYBOX_ON, 0, -1},
        {GC_FUZZ_GREYBOX_ON, 1, 1},    {GC_FUZZ_GREYBOX_OFF, 0, 0},
        {GC_FUZZ_GREYBOX_OFF, 1, 0},   {GC_FUZZ_GREYBOX_OFF, SIZE_MAX, 0},
    };
    for (size_t i = 0; i < sizeof(T) / sizeof(T[0]); i++)
        ck_assert_msg(gc_fuzz_greybox_decide(T[i].mode, T[i].edges) == T[i].want,
                      "row %zu: mode %d edges %zu", i, (int)T[i].mode, T[i].edges);
}
END_TEST

START_TEST(one_job_news_is_owed_to_the_case_just_run)
{
    struct gc_fuzz_credit c = {0};
    gc_fuzz_credit_start(&c, 0);
    gc_fuzz_credit_news(&c);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 0), 1);
    /* The next case starts clean: no news, no credit. */
    gc_fuzz_credit_start(&c, 0);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 0), 0);
    ck_assert_uint_eq(c.running, 0);
    ck_assert_uint_eq(c.owed, 0);
}
END_TEST

START_TEST(news_between_cases_is_owed_to_nobody)
{
    /* Start-up, minimization, a restart: news while no case runs. */
    struct gc_fuzz_credit c = {0};
    gc_fuzz_credit_news(&c);
    gc_fuzz_credit_start(&c, 0);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 0), 0);
    /* A job that ended before the news is not credited either. */
    gc_fuzz_credit_start(&c, 1);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 1), 0);
    gc_fuzz_credit_news(&c);
    ck_assert_uint_eq(c.owed, 0);
}
END_TEST

START_TEST(news_read_by_one_job_is_owed_to_every_running_case)
{
    /* Jobs 0, 1, 2 run; job 1 reaches an edge, job 0 finishes first and
     * reads it: 0 and 1 (and bystander 2) are owed, 3 (idle) is not. */
    struct gc_fuzz_credit c = {0};
    gc_fuzz_credit_start(&c, 0);
    gc_fuzz_credit_start(&c, 1);
    gc_fuzz_credit_start(&c, 2);
    gc_fuzz_credit_news(&c);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 0), 1);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 1), 1);
    /* Job 0 starts again after the news: not owed for it. */
    gc_fuzz_credit_start(&c, 0);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 0), 0);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 2), 1);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 3), 0);
    ck_assert_uint_eq(c.running | c.owed, 0);
}
END_TEST

START_TEST(restarting_a_job_clears_a_stale_credit)
{
    struct gc_fuzz_credit c = {0};
    gc_fuzz_credit_start(&c, 5);
    gc_fuzz_credit_news(&c);
    gc_fuzz_credit_start(&c, 5); /* (a case that never reached its end) */
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 5), 0);
}
END_TEST

START_TEST(job_numbers_at_and_past_the_limit)
{
    struct gc_fuzz_credit c = {0};
    gc_fuzz_credit_start(&c, GC_FUZZ_CREDIT_MAX_JOBS - 1);
    ck_assert_uint_eq(c.running, UINT64_C(1) << 63);
    gc_fuzz_credit_news(&c);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, GC_FUZZ_CREDIT_MAX_JOBS - 1), 1);
    /* One past: ignored, never credited, touches no other job's bits. */
    gc_fuzz_credit_start(&c, 0);
    gc_fuzz_credit_start(&c, GC_FUZZ_CREDIT_MAX_JOBS);
    gc_fuzz_credit_news(&c);
    ck_assert_uint_eq(c.running, 1);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, GC_FUZZ_CREDIT_MAX_JOBS), 0);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, SIZE_MAX), 0);
    ck_assert_int_eq(gc_fuzz_credit_end(&c, 0), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("greybox");
    TCase *tc = tcase_create("greybox");
    tcase_add_test(tc, parse_accepts_exactly_auto_on_off);
    tcase_add_test(tc, decide_uses_the_map_only_when_the_target_wrote_edges);
    tcase_add_test(tc, one_job_news_is_owed_to_the_case_just_run);
    tcase_add_test(tc, news_between_cases_is_owed_to_nobody);
    tcase_add_test(tc, news_read_by_one_job_is_owed_to_every_running_case);
    tcase_add_test(tc, restarting_a_job_clears_a_stale_credit);
    tcase_add_test(tc, job_numbers_at_and_past_the_limit);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
