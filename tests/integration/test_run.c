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
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

extern char **environ;

#define RT_RUN_TIMEOUT_MS 240000 /* a full catalogue run, with margin on a loaded box */
#define RT_SHORT_TIMEOUT_MS 60000
#define RT_POLL_MS 20
#define RT_MIN_CATALOGUE 250
#define RT_ROOT_MAX 256
#define RT_MAX_ARGS 24

static char g_tmp[RT_ROOT_MAX];     /* mkdtemp root, removed at the end */
static char g_fx[RT_ROOT_MAX + 32]; /* fixtures from the first run, reused by the others */

static void path_join(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    ck_assert_msg(n > 0 && (size_t)n < cap, "path too long: %s/%s", a, b);
}

static char *slurp(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL)
            break;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
        if (len_out != NULL)
            *len_out = n;
    }
    return buf;
}

static int rm_entry(const char *p, const struct stat *st, int fl, struct FTW *ftw)
{
    (void)st;
    (void)fl;
    (void)ftw;
    return remove(p);
}

/* Run argv with stdout/stderr into files under g_tmp; returns the exit code
 * (128+sig when killed; -1 when it had to be killed for the timeout). */
static int run_tool(char *const argv[], const char *tag, int timeout_ms, char **out, char **err)
{
    char out_path[PATH_MAX], err_path[PATH_MAX], name[64];
    snprintf(name, sizeof(name), "%s.stdout", tag);
    path_join(out_path, sizeof(out_path), g_tmp, name);
    snprintf(name, sizeof(name), "%s.stderr", tag);
    path_join(err_path, sizeof(err_path), g_tmp, name);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_msg(rc == 0, "spawn %s: %s", argv[0], strerror(rc));
    int status = 0, waited = 0;
    struct timespec step = {.tv_sec = 0, .tv_nsec = RT_POLL_MS * 1000000L};
    for (int t = 0; t < timeout_ms; t += RT_POLL_MS) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            waited = 1;
            break;
        }
        nanosleep(&step, NULL);
    }
    if (!waited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    if (out != NULL)
        *out = slurp(out_path, NULL);
    if (err != NULL)
        *err = slurp(err_path, NULL);
    if (!waited)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int exists(const char *dir, const char *name)
{
    char p[PATH_MAX];
    path_join(p, sizeof(p), dir, name);
    struct stat st;
    return stat(p, &st) == 0 && st.st_size > 0;
}

static json_t *load_summary(const char *run_dir)
{
    char p[PATH_MAX];
    path_join(p, sizeof(p), run_dir, "summary.json");
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
        nftw(g_tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The whole catalogue against a correct gatekeeper: nothing fires. */
START_TEST(clean_gatekeeper_run_exits_0_with_zero_findings_and_all_reports)
{
    char run_dir[PATH_MAX];
    path_join(run_dir, sizeof(run_dir), g_tmp, "run");
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", "--out",        run_dir,
                               "--reports",      g_tmp, "--gatekeeper", GK_GATEKEEPER_BIN,
                               "--seed",         "42",  "--quiet",      NULL};
    char *out = NULL, *err = NULL;
    int rc = run_tool(argv, "clean", RT_RUN_TIMEOUT_MS, &out, &err);
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
    path_join(g_fx, sizeof(g_fx), run_dir, "fixtures");
    ck_assert_msg(exists(g_fx, "target/policy.json"), "no fixtures under %s", g_fx);
    /* reports/latest points at this run. */
    char latest[PATH_MAX], real_latest[PATH_MAX], real_run[PATH_MAX];
    path_join(latest, sizeof(latest), g_tmp, "latest");
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
    path_join(run_dir, sizeof(run_dir), g_tmp, "run-jwt");
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN,  "run",       "jwt.alg", "--out",
                               run_dir,           "--reports", g_tmp,     "--gatekeeper",
                               GK_GATEKEEPER_BIN, "--quiet",   NULL};
    char *out = NULL, *err = NULL;
    int rc = run_tool(argv, "prefix", RT_SHORT_TIMEOUT_MS, &out, &err);
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
    path_join(run_dir, sizeof(run_dir), g_tmp, "run-none");
    char *argv[RT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", "no.such.family", "--out", run_dir,
                               "--reports",      g_tmp, "--quiet",        NULL};
    char *err = NULL;
    int rc = run_tool(argv, "noprefix", RT_SHORT_TIMEOUT_MS, NULL, &err);
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
        int rc = run_tool(argv, "url", RT_SHORT_TIMEOUT_MS, &out, &err);
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
    int rc = run_tool(argv, "list", RT_SHORT_TIMEOUT_MS, &out, NULL);
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
    int rc = run_tool(argv, "help", RT_SHORT_TIMEOUT_MS, &out, NULL);
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
