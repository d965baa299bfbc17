/* test_argv.c: the /run argument (gk/argv.h). Shell metacharacters pass
 * unchanged; missing, duplicate, NUL, bad escapes and over-long values are
 * refused; limits hit exactly and exceeded by one; the argv shape is fixed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gk/argv.h"

#define OUT_CAP (GK_RUN_MAX_ARG + 1)

static const struct {
    const char *name;
    const char *query;
    size_t len; /* 0: strlen(query) */
    enum gk_status want;
    const char *arg; /* expected decoded argument */
    size_t arg_len;  /* 0: strlen(arg) */
} cases[] = {
    {"plain", "arg=hello", 0, GK_OK, "hello", 0},
    {"empty_value", "arg=", 0, GK_OK, "", 0},
    {"bare_name_is_empty_value", "arg", 0, GK_OK, "", 0},
    {"among_other_params", "x=1&arg=v&y=2", 0, GK_OK, "v", 0},
    {"last_param", "x=1&arg=v", 0, GK_OK, "v", 0},
    {"empty_pairs_ignored", "&&arg=v&&", 0, GK_OK, "v", 0},
    {"value_keeps_equals", "arg=a=b==", 0, GK_OK, "a=b==", 0},
    {"plus_stays_plus", "arg=a+b", 0, GK_OK, "a+b", 0},
    {"encoded_plus", "arg=a%2Bb", 0, GK_OK, "a+b", 0},
    {"encoded_space", "arg=a%20b", 0, GK_OK, "a b", 0},
    {"encoded_ampersand", "arg=a%26arg%3Db", 0, GK_OK, "a&arg=b", 0},
    {"decoded_once_only", "arg=%2541", 0, GK_OK, "%41", 0},
    {"semicolon", "arg=a;rm%20-rf%20/", 0, GK_OK, "a;rm -rf /", 0},
    {"pipe", "arg=a|id", 0, GK_OK, "a|id", 0},
    {"and_and", "arg=a%26%26id", 0, GK_OK, "a&&id", 0},
    {"backticks", "arg=`id`", 0, GK_OK, "`id`", 0},
    {"dollar_paren", "arg=$(id)", 0, GK_OK, "$(id)", 0},
    {"ifs", "arg=a${IFS}b", 0, GK_OK, "a${IFS}b", 0},
    {"glob", "arg=*", 0, GK_OK, "*", 0},
    {"quotes", "arg=%22a'b%22", 0, GK_OK, "\"a'b\"", 0},
    {"newline_encoded", "arg=a%0Aid", 0, GK_OK, "a\nid", 0},
    {"newline_raw", "arg=a\nid", 0, GK_OK, "a\nid", 0},
    {"leading_dash_option", "arg=--help", 0, GK_OK, "--help", 0},
    {"high_bytes", "arg=%ff%fe", 0, GK_OK, "\xff\xfe", 0},
    {"other_param_bad_escape_ignored", "x=%zz&arg=v", 0, GK_OK, "v", 0},
    {"other_param_nul_ignored", "x=%00&arg=v", 0, GK_OK, "v", 0},
    {"name_case_sensitive", "ARG=v&arg=w", 0, GK_OK, "w", 0},
    {"name_prefix_is_other", "args=v&arg=w", 0, GK_OK, "w", 0},
    {"name_suffix_is_other", "xarg=v&arg=w", 0, GK_OK, "w", 0},
    {"name_encoded_is_arg", "%61rg=v", 0, GK_OK, "v", 0},
    {"name_fully_encoded", "%61%72%67=v", 0, GK_OK, "v", 0},
    {"missing", "x=1", 0, GK_E_RUN_MISSING, NULL, 0},
    {"missing_empty_query", "", 0, GK_E_RUN_MISSING, NULL, 0},
    {"missing_only_case_variant", "Arg=v", 0, GK_E_RUN_MISSING, NULL, 0},
    {"missing_name_with_bad_escape", "%zzrg=v", 0, GK_E_RUN_MISSING, NULL, 0},
    {"missing_name_with_encoded_equals", "arg%3D=v", 0, GK_E_RUN_MISSING, NULL, 0},
    {"duplicate", "arg=a&arg=b", 0, GK_E_RUN_DUPLICATE, NULL, 0},
    {"duplicate_same_value", "arg=a&arg=a", 0, GK_E_RUN_DUPLICATE, NULL, 0},
    {"duplicate_empty", "arg=&arg=", 0, GK_E_RUN_DUPLICATE, NULL, 0},
    {"duplicate_bare", "arg&arg=x", 0, GK_E_RUN_DUPLICATE, NULL, 0},
    {"duplicate_encoded_name", "arg=a&%61rg=b", 0, GK_E_RUN_DUPLICATE, NULL, 0},
    {"nul_encoded", "arg=a%00b", 0, GK_E_RUN_NUL, NULL, 0},
    {"nul_raw", "arg=a\0b", 7, GK_E_RUN_NUL, NULL, 0},
    {"bad_escape_non_hex", "arg=%zz", 0, GK_E_RUN_ENCODING, NULL, 0},
    {"bad_escape_short", "arg=a%4", 0, GK_E_RUN_ENCODING, NULL, 0},
    {"bad_escape_lone_percent", "arg=%", 0, GK_E_RUN_ENCODING, NULL, 0},
    {"bad_escape_before_amp", "arg=%4&x=1", 0, GK_E_RUN_ENCODING, NULL, 0},
};

START_TEST(table_case)
{
    uint8_t out[OUT_CAP];
    size_t n = 12345;
    const char *q = cases[_i].query;
    size_t len = cases[_i].len ? cases[_i].len : strlen(q);
    enum gk_status st = gk_run_arg_from_query((const uint8_t *)q, len, out, sizeof out, &n);
    ck_assert_msg(st == cases[_i].want, "%s: got %s want %s", cases[_i].name, gk_status_name(st),
                  gk_status_name(cases[_i].want));
    if (st != GK_OK)
        return;
    size_t want_len = cases[_i].arg_len ? cases[_i].arg_len : strlen(cases[_i].arg);
    ck_assert_msg(n == want_len && memcmp(out, cases[_i].arg, n) == 0, "%s: got '%.*s'",
                  cases[_i].name, (int)n, (const char *)out);
    ck_assert_int_eq(gk_run_arg_check(out, n), GK_OK);
}
END_TEST

/* "arg=" + value of n bytes, written into a heap buffer of exactly that size. */
static uint8_t *make_query(size_t value_len, char fill, size_t *len)
{
    *len = 4 + value_len;
    uint8_t *q = malloc(*len);
    ck_assert_ptr_nonnull(q);
    memcpy(q, "arg=", 4);
    memset(q + 4, fill, value_len);
    return q;
}

START_TEST(arg_length_at_limit_accepted_one_past_refused)
{
    static uint8_t out[OUT_CAP];
    size_t n = 0, len;
    uint8_t *q = make_query(GK_RUN_MAX_ARG, 'a', &len);
    ck_assert_int_eq(gk_run_arg_from_query(q, len, out, sizeof out, &n), GK_OK);
    ck_assert_uint_eq(n, GK_RUN_MAX_ARG);
    free(q);
    q = make_query(GK_RUN_MAX_ARG + 1, 'a', &len);
    ck_assert_int_eq(gk_run_arg_from_query(q, len, out, sizeof out, &n), GK_E_RUN_TOO_LONG);
    free(q);
}
END_TEST

START_TEST(decoded_length_is_what_counts)
{
    /* GK_RUN_MAX_ARG escapes: 3x longer encoded, exactly at the decoded limit. */
    static uint8_t out[OUT_CAP];
    size_t value_len = 3 * (GK_RUN_MAX_ARG + 1), n = 0;
    uint8_t *q = malloc(4 + value_len);
    ck_assert_ptr_nonnull(q);
    memcpy(q, "arg=", 4);
    for (size_t k = 0; k < GK_RUN_MAX_ARG + 1; k++)
        memcpy(q + 4 + 3 * k, "%3b", 3);
    ck_assert_int_eq(gk_run_arg_from_query(q, 4 + 3 * GK_RUN_MAX_ARG, out, sizeof out, &n), GK_OK);
    ck_assert_uint_eq(n, GK_RUN_MAX_ARG);
    ck_assert_int_eq(out[0], ';');
    ck_assert_int_eq(gk_run_arg_from_query(q, 4 + value_len, out, sizeof out, &n),
                     GK_E_RUN_TOO_LONG);
    free(q);
}
END_TEST

START_TEST(query_length_at_limit_accepted_one_past_refused)
{
    static uint8_t out[OUT_CAP];
    size_t n = 0;
    uint8_t *q = malloc(GK_RUN_MAX_QUERY + 1);
    ck_assert_ptr_nonnull(q);
    memset(q, 'x', GK_RUN_MAX_QUERY + 1);
    memcpy(q, "arg=v&pad=", 10);
    ck_assert_int_eq(gk_run_arg_from_query(q, GK_RUN_MAX_QUERY, out, sizeof out, &n), GK_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(gk_run_arg_from_query(q, GK_RUN_MAX_QUERY + 1, out, sizeof out, &n),
                     GK_E_LIMIT);
    free(q);
}
END_TEST

START_TEST(output_capacity_exact_accepted_one_less_refused)
{
    uint8_t out[8];
    size_t n = 0;
    const uint8_t *q = (const uint8_t *)"arg=a%3Bc";
    ck_assert_int_eq(gk_run_arg_from_query(q, 9, out, 3, &n), GK_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(out, "a;c", 3), 0);
    ck_assert_int_eq(gk_run_arg_from_query(q, 9, out, 2, &n), GK_E_SPACE);
    /* Empty argument needs no space at all. */
    ck_assert_int_eq(gk_run_arg_from_query((const uint8_t *)"arg=", 4, NULL, 0, &n), GK_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(null_arguments_refused)
{
    uint8_t out[8];
    size_t n;
    ck_assert_int_eq(gk_run_arg_from_query((const uint8_t *)"arg=", 4, out, sizeof out, NULL),
                     GK_E_ARG);
    ck_assert_int_eq(gk_run_arg_from_query(NULL, 4, out, sizeof out, &n), GK_E_ARG);
    ck_assert_int_eq(gk_run_arg_from_query(NULL, 0, out, sizeof out, &n), GK_E_RUN_MISSING);
    ck_assert_int_eq(gk_run_arg_from_query((const uint8_t *)"arg=", 4, NULL, 4, &n), GK_E_ARG);
}
END_TEST

/* Every byte value, raw and encoded, as a one-byte argument: all pass except NUL. */
START_TEST(every_byte_passes_except_nul)
{
    static const char hex[] = "0123456789ABCDEF";
    uint8_t b = (uint8_t)_i;
    uint8_t enc[7] = {'a', 'r', 'g', '=', '%', (uint8_t)hex[b >> 4], (uint8_t)hex[b & 15]};
    uint8_t out[4];
    size_t n = 0;
    enum gk_status st = gk_run_arg_from_query(enc, sizeof enc, out, sizeof out, &n);
    ck_assert_int_eq(st, b == 0 ? GK_E_RUN_NUL : GK_OK);
    if (st == GK_OK) {
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(out[0], b);
    }
    /* Raw: '&' splits the pair (arg empty), '%' starts a bad escape. */
    uint8_t raw[5] = {'a', 'r', 'g', '=', b};
    st = gk_run_arg_from_query(raw, sizeof raw, out, sizeof out, &n);
    if (b == 0)
        ck_assert_int_eq(st, GK_E_RUN_NUL);
    else if (b == '%')
        ck_assert_int_eq(st, GK_E_RUN_ENCODING);
    else if (b == '&')
        ck_assert(st == GK_OK && n == 0);
    else
        ck_assert(st == GK_OK && n == 1 && out[0] == b);
}
END_TEST

START_TEST(arg_check_limits)
{
    static uint8_t buf[GK_RUN_MAX_ARG + 1];
    memset(buf, 'a', sizeof buf);
    ck_assert_int_eq(gk_run_arg_check(buf, GK_RUN_MAX_ARG), GK_OK);
    ck_assert_int_eq(gk_run_arg_check(buf, GK_RUN_MAX_ARG + 1), GK_E_RUN_TOO_LONG);
    ck_assert_int_eq(gk_run_arg_check(buf, 0), GK_OK);
    ck_assert_int_eq(gk_run_arg_check(NULL, 0), GK_OK);
    ck_assert_int_eq(gk_run_arg_check(NULL, 1), GK_E_ARG);
    buf[GK_RUN_MAX_ARG - 1] = 0;
    ck_assert_int_eq(gk_run_arg_check(buf, GK_RUN_MAX_ARG), GK_E_RUN_NUL);
    ck_assert_int_eq(gk_run_arg_check((const uint8_t *)"\0", 1), GK_E_RUN_NUL);
}
END_TEST

START_TEST(argv_is_helper_dashdash_arg_null)
{
    char *argv[4] = {(char *)"x", (char *)"x", (char *)"x", (char *)"x"};
    const char *helper = "/usr/libexec/gk-echo";
    const char *arg = "-rf; $(id) `id` | x";
    gk_run_argv(helper, arg, argv);
    ck_assert_ptr_eq(argv[0], helper);
    ck_assert_str_eq(argv[1], "--");
    ck_assert_ptr_eq(argv[2], arg);
    ck_assert_ptr_null(argv[3]);
}
END_TEST

static Suite *argv_suite(void)
{
    Suite *s = suite_create("argv");
    TCase *t = tcase_create("argv");
    tcase_add_loop_test(t, table_case, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(t, arg_length_at_limit_accepted_one_past_refused);
    tcase_add_test(t, decoded_length_is_what_counts);
    tcase_add_test(t, query_length_at_limit_accepted_one_past_refused);
    tcase_add_test(t, output_capacity_exact_accepted_one_less_refused);
    tcase_add_test(t, null_arguments_refused);
    tcase_add_loop_test(t, every_byte_passes_except_nul, 0, 256);
    tcase_add_test(t, arg_check_limits);
    tcase_add_test(t, argv_is_helper_dashdash_arg_null);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(argv_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
