/* tests/integration/test_fuzz.c: `gatecrash fuzz` end to end (docs/NETFUZZ.md).
 *
 * Against the clean gatekeeper: 10 s with --seed 1 exits 0 with no finding
 * (every operator's declared truth holds, or no false finding could come of
 * it), writes a corpus, and --resume loads that corpus and continues. Against
 * tests/broken-target/broken.js (skipped without node): at least one finding
 * within 10 s, exit 1, and a regression case written. */
#include <check.h>
#include <dirent.h>
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

#include "itest_util.h"

#define FT_TIMEOUT_S 90 /* a 10 s fuzz run plus start-up and minimization, with margin */
#define FT_MAX_ARGS 32
#define FT_BROKEN GC_SOURCE_DIR "/tests/broken-target/broken.js"

#define FT_TMP_MAX 256
static char g_tmp[FT_TMP_MAX];

/* Run gatecrash with args in g_tmp (cwd), stdout+stderr into *out. Exit code, or -1. */
static int run(const char *const *args, char **out)
{
    static const char *const env[] = {"GATECRASH_CASES_DIR=", NULL};
    char log[PATH_MAX];
    const char *argv[FT_MAX_ARGS];
    if (it_path_join(log, sizeof(log), g_tmp, "out.txt") != 0 ||
        it_argv(argv, FT_MAX_ARGS, GC_GATECRASH_BIN, NULL, args) != 0)
        return -1;
    struct it_run_opts o = {
        .argv = argv, .timeout_ms = FT_TIMEOUT_S * 1000, .cwd = g_tmp, .env = env, .out_path = log};
    return it_run(&o, out, NULL);
}

/* The text of the fuzz.json of the only run under <g_tmp>/reports/runs, or NULL. */
static char *only_fuzz_report(void)
{
    char runs[PATH_MAX + 32];
    snprintf(runs, sizeof(runs), "%s/reports/runs", g_tmp);
    DIR *d = opendir(runs);
    if (d == NULL)
        return NULL;
    char path[2 * PATH_MAX];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s/fuzz.json", runs, e->d_name);
        n++;
    }
    closedir(d);
    if (n != 1)
        return NULL;
    return it_slurp(path, NULL);
}

/* The unsigned integer after "key": in a JSON text, or -1. */
static long long json_count(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    const char *p = text != NULL ? strstr(text, pat) : NULL;
    if (p == NULL)
        return -1;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(p + strlen(pat), &end, 10);
    return end == p + strlen(pat) || errno != 0 || v < 0 ? -1 : v;
}

START_TEST(clean_gatekeeper_no_finding_corpus_written_and_resumed)
{
    char *out = NULL;
    const char *first[] = {"fuzz",     "--time",   "10",     "--seed",      "1",
                           "--corpus", "corpus",   "--cases-dir", "cases",  "--reports",
                           "reports",  NULL};
    int rc = run(first, &out);
    ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out != NULL ? out : "");
    ck_assert_msg(strstr(out, " tuples, 0 findings") != NULL, "%s", out);
    char corpus[PATH_MAX + 16], cases[PATH_MAX + 16];
    snprintf(corpus, sizeof(corpus), "%s/corpus", g_tmp);
    snprintf(cases, sizeof(cases), "%s/cases", g_tmp);
    size_t kept = it_count_json(corpus);
    ck_assert_msg(kept > 0, "no corpus entry written:\n%s", out);
    ck_assert_uint_eq(it_count_json(cases), 0);
    /* Connection reuse happened: fewer connections than requests, and
     * every execution sent its request. */
    char *report = only_fuzz_report();
    ck_assert_msg(report != NULL, "no single fuzz.json under reports/runs");
    long long opened = json_count(report, "connections_opened");
    long long requests = json_count(report, "requests");
    long long reused = json_count(report, "requests_reused");
    long long execs = json_count(report, "execs");
    ck_assert_msg(opened > 0 && requests > opened && reused > 0,
                  "opened %lld requests %lld reused %lld:\n%s", opened, requests, reused, report);
    ck_assert_msg(requests >= execs, "requests %lld < execs %lld", requests, execs);
    free(report);
    free(out);

    const char *again[] = {"fuzz",    "--time",      "3",     "--seed",    "1",
                           "--corpus", "corpus",     "--cases-dir", "cases", "--reports",
                           "reports", "--resume",    "--jobs", "1",        NULL};
    rc = run(again, &out);
    ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out != NULL ? out : "");
    char want[64];
    snprintf(want, sizeof(want), "(%zu loaded", kept);
    ck_assert_msg(strstr(out, want) != NULL, "want %s in:\n%s", want, out);
    ck_assert_uint_ge(it_count_json(corpus), kept);
    free(out);
}
END_TEST

START_TEST(broken_target_finding_and_regression_case)
{
    if (access("/usr/bin/node", X_OK) != 0 && access("/usr/local/bin/node", X_OK) != 0)
        return; /* no node: nothing to fuzz (skipped) */
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "node %s", FT_BROKEN);
    char *out = NULL;
    const char *args[] = {"fuzz",      "--time",   "10",          "--seed",     "1",
                          "--corpus",  "bcorpus",  "--cases-dir", "bcases",     "--reports",
                          "reports",   "--target-cmd", cmd,       NULL};
    int rc = run(args, &out);
    ck_assert_msg(rc == 1, "exit %d (want 1, findings):\n%s", rc, out != NULL ? out : "");
    char cases[PATH_MAX + 16];
    snprintf(cases, sizeof(cases), "%s/bcases", g_tmp);
    ck_assert_msg(it_count_json(cases) >= 1, "no regression case:\n%s", out);
    ck_assert_ptr_null(strstr(out, " tuples, 0 findings"));
    free(out);
}
END_TEST

int main(void)
{
    if (it_make_tmp(g_tmp, sizeof(g_tmp), "fuzz") != 0)
        return 1;
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 3 * FT_TIMEOUT_S);
    tcase_add_test(tc, clean_gatekeeper_no_finding_corpus_written_and_resumed);
    tcase_add_test(tc, broken_target_finding_and_regression_case);
    suite_add_tcase(s, tc);
    return it_run_suite_nofork(s, g_tmp);
}
