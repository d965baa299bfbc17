/* tests/integration/test_run.c: `gatecrash run` end to end.
 *
 * Runs the real gatecrash binary against the real gatekeeper (embedded mode:
 * gatecrash launches it under the supervisor on generated fixtures) and checks
 * what a CI job relies on: a clean reference server gives exit 0, zero
 * findings and all four reports; a prefix selects only its cases; a
 * non-loopback --target-url is refused before any traffic; `gatecrash list`
 * names the whole catalogue. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "itest_util.h"

#define RT_RUN_TIMEOUT_MS 240000 /* a full catalogue run, with margin on a loaded box */
#define RT_SHORT_TIMEOUT_MS 60000
#define RT_MIN_CATALOGUE 250
#define RT_ROOT_MAX 256
#define RT_MAX_ARGS 24

static char g_tmp[RT_ROOT_MAX];     /* mkdtemp root, removed at the end */
static char g_fx[RT_ROOT_MAX + 32]; /* fixtures from the first run, reused by the others */

static int exists(const char *dir, const char *name)
{
    char p[PATH_MAX];
    IT_PATH_JOIN_CK(p, sizeof(p), dir, name);
    struct stat st;
    return stat(p, &st) == 0 && st.st_size > 0;
}

static json_t *load_summary(const char *run_dir)
{
    char p[PATH_MAX];
    IT_PATH_JOIN_CK(p, sizeof(p), run_dir, "summary.json");
    json_error_t je;
    json_t *root = json_load_file(p, 0, &je);
    ck_assert_msg(root != NULL, "%s: %s", p, je.text);
    return root;
}

static void setup(void)
{
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/gc-itest-run-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_tmp));
    /* Run as root, gatekeeper drops to nobody after loading the fixtures
     * (docs/CONTRACT.md §6) and must still reach them: no 0700 on the way. */
    ck_assert_int_eq(chmod(g_tmp, 0755), 0);
    g_fx[0] = '\0';
}

static void teardown(void)
{
    if (g_tmp[0] != '\0')
        it_rm_tree(g_tmp);
}

/* The whole catalogue against a correct gatekeeper: nothing fires. */
START_TEST(clean_gatekeeper_run_exits_0_with_zero_findings_and_all_reports)
{
    char run_dir[PATH_MAX];
    IT_PATH_JOIN_CK(run_dir, sizeof(run_dir), g_tmp, "run");
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", "--out",        run_dir,
                               "--reports",      g_tmp, "--gatekeeper", GK_GATEKEEPER_BIN,
                               "--seed",         "42",  "--quiet",      NULL};
    char *out = NULL, *err = NULL;
    int rc = it_run_tool(argv, g_tmp, "clean", RT_RUN_TIMEOUT_MS, &out, &err);
    ck_assert_msg(rc == 0, "exit %d\nstdout:\n%s\nstderr:\n%s", rc, out ? out : "", err ? err : "");
    ck_assert_msg(out != NULL && strstr(out, " 0 findings") != NULL, "summary line: %s", out);
    ck_assert_msg(strstr(out, "report: ") != NULL && strstr(out, "/index.html") != NULL,
                  "no report path: %s", out);
    static const char *const FILES[] = {"summary.json", "junit.xml", "results.sarif", "index.html"};
    for (size_t i = 0; i < sizeof(FILES) / sizeof(FILES[0]); i++)
        ck_assert_msg(exists(run_dir, FILES[i]), "%s missing in %s", FILES[i], run_dir);
    json_t *sum = load_summary(run_dir);
    json_t *findings = json_object_get(sum, "findings");
    ck_assert_msg(json_is_array(findings) && json_array_size(findings) == 0,
                  "findings in a clean run: %zu", json_array_size(findings));
    json_t *cases = json_object_get(sum, "cases");
    ck_assert_msg(json_array_size(cases) >= RT_MIN_CATALOGUE, "only %zu cases ran",
                  json_array_size(cases));
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        const char *outcome = json_string_value(json_object_get(c, "outcome"));
        ck_assert_msg(outcome != NULL && strcmp(outcome, "FINDING") != 0 &&
                          strcmp(outcome, "ERROR") != 0 && strcmp(outcome, "finding") != 0 &&
                          strcmp(outcome, "error") != 0,
                      "%s: %s (%s)", json_string_value(json_object_get(c, "id")), outcome,
                      json_string_value(json_object_get(c, "note")));
    }
    json_decref(sum);
    /* The fixtures of this run were written where case.json files say. */
    IT_PATH_JOIN_CK(g_fx, sizeof(g_fx), run_dir, "fixtures");
    ck_assert_msg(exists(g_fx, "target/policy.json"), "no fixtures under %s", g_fx);
    /* reports/latest points at this run. */
    char latest[PATH_MAX], real_latest[PATH_MAX], real_run[PATH_MAX];
    IT_PATH_JOIN_CK(latest, sizeof(latest), g_tmp, "latest");
    ck_assert_ptr_nonnull(realpath(latest, real_latest));
    ck_assert_ptr_nonnull(realpath(run_dir, real_run));
    ck_assert_str_eq(real_latest, real_run);
    free(out);
    free(err);
}
END_TEST

START_TEST(prefix_selects_only_matching_cases)
{
    char run_dir[PATH_MAX];
    IT_PATH_JOIN_CK(run_dir, sizeof(run_dir), g_tmp, "run-jwt");
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN,  "run",       "jwt.alg", "--out",
                               run_dir,           "--reports", g_tmp,     "--gatekeeper",
                               GK_GATEKEEPER_BIN, "--quiet",   NULL};
    char *out = NULL, *err = NULL;
    int rc = it_run_tool(argv, g_tmp, "prefix", RT_SHORT_TIMEOUT_MS, &out, &err);
    ck_assert_msg(rc == 0, "exit %d\nstdout:\n%s\nstderr:\n%s", rc, out ? out : "", err ? err : "");
    json_t *sum = load_summary(run_dir);
    json_t *cases = json_object_get(sum, "cases");
    ck_assert_msg(json_array_size(cases) > 0, "no jwt.alg case ran");
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        ck_assert_msg(id != NULL && strncmp(id, "jwt.alg", 7) == 0, "case %s selected", id);
    }
    json_decref(sum);
    free(out);
    free(err);
}
END_TEST

START_TEST(no_such_prefix_is_a_setup_error)
{
    char run_dir[PATH_MAX];
    IT_PATH_JOIN_CK(run_dir, sizeof(run_dir), g_tmp, "run-none");
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", "no.such.family", "--out", run_dir,
                               "--reports",      g_tmp, "--quiet",        NULL};
    char *err = NULL;
    int rc = it_run_tool(argv, g_tmp, "noprefix", RT_SHORT_TIMEOUT_MS, NULL, &err);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, err ? err : "");
    ck_assert_msg(err != NULL && strstr(err, "gatecrash run: ") != NULL, "stderr: %s", err);
    free(err);
}
END_TEST

/* Network traffic goes only to loopback: refused before anything is sent. */
START_TEST(non_loopback_target_url_is_refused_with_exit_2)
{
    static const char *const URLS[] = {"https://10.0.0.1:1", "https://example.com:443",
                                       "https://127.0.0.1.evil:1", "https://[2001:db8::1]:1",
                                       "http://127.0.0.1:1"};
    for (size_t i = 0; i < sizeof(URLS) / sizeof(URLS[0]); i++) {
        char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", "--target-url", (char *)URLS[i],
                                   "--reports",      g_tmp, "--quiet",      NULL};
        char *out = NULL, *err = NULL;
        int rc = it_run_tool(argv, g_tmp, "url", RT_SHORT_TIMEOUT_MS, &out, &err);
        ck_assert_msg(rc == 2, "%s: exit %d", URLS[i], rc);
        ck_assert_msg(err != NULL && strstr(err, "gatecrash run: ") != NULL, "%s: %s", URLS[i],
                      err);
        if (i < 4)
            ck_assert_msg(strstr(err, "loopback") != NULL, "%s: %s", URLS[i], err);
        free(out);
        free(err);
    }
}
END_TEST

START_TEST(list_names_the_whole_catalogue)
{
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN, "list", NULL};
    char *out = NULL;
    int rc = it_run_tool(argv, g_tmp, "list", RT_SHORT_TIMEOUT_MS, &out, NULL);
    ck_assert_int_eq(rc, 0);
    size_t lines = 0;
    for (const char *p = out; p != NULL && *p != '\0'; p++)
        lines += *p == '\n';
    ck_assert_msg(lines >= RT_MIN_CATALOGUE, "gatecrash list: %zu lines", lines);
    free(out);
}
END_TEST

START_TEST(run_help_names_every_option)
{
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", "--help", NULL};
    char *out = NULL;
    int rc = it_run_tool(argv, g_tmp, "help", RT_SHORT_TIMEOUT_MS, &out, NULL);
    ck_assert_int_eq(rc, 0);
    static const char *const OPTS[] = {
        "--target-cmd", "--target-url",  "--manifest",       "--fixtures",     "--out",
        "--reports",    "--jobs",        "--seed",           "--timeout",      "--xfail",
        "--baseline",   "--gatekeeper ", "--gatekeeper-arg", "--no-supervise", "--quiet",
        "--help"};
    for (size_t i = 0; i < sizeof(OPTS) / sizeof(OPTS[0]); i++)
        ck_assert_msg(out != NULL && strstr(out, OPTS[i]) != NULL, "--help lacks %s", OPTS[i]);
    free(out);
}
END_TEST

static Suite *run_suite(void)
{
    Suite *s = suite_create("run");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, RT_RUN_TIMEOUT_MS / 1000 + 30);
    tcase_add_test(tc, clean_gatekeeper_run_exits_0_with_zero_findings_and_all_reports);
    tcase_add_test(tc, prefix_selects_only_matching_cases);
    tcase_add_test(tc, no_such_prefix_is_a_setup_error);
    tcase_add_test(tc, non_loopback_target_url_is_refused_with_exit_2);
    tcase_add_test(tc, list_names_the_whole_catalogue);
    tcase_add_test(tc, run_help_names_every_option);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(run_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
