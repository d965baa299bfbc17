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

#define FT_TIMEOUT_S 90 /* a 10 s fuzz run plus start-up and minimization, with margin */
#define FT_POLL_MS 50
#define FT_OUT_MAX (1u << 20)
#define FT_MAX_ARGS 32
#define FT_BROKEN GC_SOURCE_DIR "/tests/broken-target/broken.js"

#define FT_TMP_MAX 256
static char g_tmp[FT_TMP_MAX];

/* Run gatecrash with args in g_tmp (cwd), stdout+stderr into *out. Exit code, or -1. */
static int run(const char *const *args, char **out)
{
    char log[PATH_MAX];
    snprintf(log, sizeof(log), "%s/out.txt", g_tmp);
    const char *argv[FT_MAX_ARGS];
    size_t n = 0;
    argv[n++] = GC_GATECRASH_BIN;
    for (size_t i = 0; args[i] != NULL && n + 1 < FT_MAX_ARGS; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || chdir(g_tmp) != 0)
            _exit(127);
        dup2(fd, 1);
        dup2(fd, 2);
        setenv("GATECRASH_CASES_DIR", "", 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int st = 0;
    time_t start = time(NULL);
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (time(NULL) - start > FT_TIMEOUT_S) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        struct timespec ts = {.tv_sec = 0, .tv_nsec = FT_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    FILE *fp = fopen(log, "r");
    *out = calloc(1, FT_OUT_MAX + 1);
    if (fp != NULL && *out != NULL) {
        size_t got = fread(*out, 1, FT_OUT_MAX, fp);
        (*out)[got] = '\0';
    }
    if (fp != NULL)
        fclose(fp);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static size_t count_json(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        n += e->d_name[0] != '.' && l > 5 && strcmp(e->d_name + l - 5, ".json") == 0;
    }
    closedir(d);
    return n;
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
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return NULL;
    char *text = calloc(1, FT_OUT_MAX + 1);
    if (text != NULL) {
        size_t got = fread(text, 1, FT_OUT_MAX, fp);
        text[got] = '\0';
    }
    fclose(fp);
    return text;
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
    size_t kept = count_json(corpus);
    ck_assert_msg(kept > 0, "no corpus entry written:\n%s", out);
    ck_assert_uint_eq(count_json(cases), 0);
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
    ck_assert_uint_ge(count_json(corpus), kept);
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
    ck_assert_msg(count_json(cases) >= 1, "no regression case:\n%s", out);
    ck_assert_ptr_null(strstr(out, " tuples, 0 findings"));
    free(out);
}
END_TEST

static int rm_tree(const char *path)
{
    char cmd[PATH_MAX + 16];
    pid_t pid = fork();
    if (pid == 0) {
        snprintf(cmd, sizeof(cmd), "%s", path);
        execl("/bin/rm", "rm", "-rf", "--", cmd, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0
                                                                                           : -1;
}

int main(void)
{
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/gc-itest-fuzz-XXXXXX");
    if (mkdtemp(g_tmp) == NULL)
        return 1;
    chmod(g_tmp, 0755); /* gatekeeper drops to nobody when run as root */
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 3 * FT_TIMEOUT_S);
    tcase_add_test(tc, clean_gatekeeper_no_finding_corpus_written_and_resumed);
    tcase_add_test(tc, broken_target_finding_and_regression_case);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    rm_tree(g_tmp);
    return failed ? 1 : 0;
}
