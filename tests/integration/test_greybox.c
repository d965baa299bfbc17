/* tests/integration/test_greybox.c: `gatecrash fuzz` grey-box feedback
 * against a coverage-instrumented gatekeeper (docs/NETFUZZ.md "Grey-box
 * feedback").
 *
 * Needs the gatekeeper of the `netfuzz` preset (-DGK_COVMAP=ON) at
 * GC_SOURCE_DIR/build/netfuzz/reference-server/server/gatekeeper: building
 * it here would take minutes, so the test skips (77, with the reason) when it
 * is missing. With it: a 20 s run must report grey-box on, more than 100
 * edges, and entries kept for edges alone, which are in the corpus dir; the
 * same binary with --greybox off must report it off; the shared-memory map
 * must be gone after a normal end and after SIGINT.
 *
 * Label `slow`, skipped (77) unless GATECRASH_SLOW=1, like test_combo.c. */
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

#define GB_GATEKEEPER GC_SOURCE_DIR "/build/netfuzz/reference-server/server/gatekeeper"
#define GB_TIME_ARG "20"
#define GB_OFF_TIME_ARG "5"
#define GB_MIN_EDGES 100
#define GB_TIMEOUT_S 150 /* one gatecrash process: start-up, run, minimizations */
#define GB_SIGINT_AFTER_S 6
#define GB_POLL_MS 50
#define GB_MAX_ARGS 40
#define GB_TMP_MAX 256
#define GB_SKIP 77
#define GB_ENV_SLOW "GATECRASH_SLOW"
#define GB_SHM_DIR "/dev/shm"

static char g_tmp[GB_TMP_MAX];

/* Start gatecrash fuzz in g_tmp/<sub> with args, output to out.txt there. */
static pid_t start(const char *sub, const char *const *args)
{
    static const char *const env[] = {"GATECRASH_CASES_DIR=", NULL}; /* the fixed catalogue only */
    char dir[PATH_MAX], log[PATH_MAX];
    const char *argv[GB_MAX_ARGS];
    if (it_path_join(dir, sizeof(dir), g_tmp, sub) != 0 ||
        it_path_join(log, sizeof(log), dir, "out.txt") != 0 ||
        it_argv(argv, GB_MAX_ARGS, GC_GATECRASH_BIN, "fuzz", args) != 0)
        return -1;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return -1;
    chmod(dir, 0755); /* gatekeeper drops to nobody when run as root */
    struct it_run_opts o = {.argv = argv, .cwd = dir, .env = env, .out_path = log};
    return it_start(&o);
}

/* Wait for pid (SIGINT after sigint_after_s when > 0), read out.txt. Exit
 * code, or -1 (killed after GB_TIMEOUT_S, or not run). */
static int finish(pid_t pid, const char *sub, int sigint_after_s, char **out)
{
    if (pid < 0)
        return -1;
    int rc = it_exit_code(it_wait(pid, GB_TIMEOUT_S * 1000, sigint_after_s * 1000));
    char log[PATH_MAX];
    snprintf(log, sizeof(log), "%s/%s/out.txt", g_tmp, sub);
    *out = it_slurp(log, NULL);
    return rc;
}

/* The integer after `"key": ` in JSON text, or -1. */
static long json_int(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    const char *p = text != NULL ? strstr(text, pat) : NULL;
    if (p == NULL)
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(p + strlen(pat), &end, 10);
    return errno == 0 && end != p + strlen(pat) ? v : -1;
}

/* Shared-memory objects gatecrash process pid created and left behind. */
static size_t shm_left(pid_t pid)
{
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "gatecrash-cov-%d-", (int)pid);
    DIR *d = opendir(GB_SHM_DIR);
    size_t n = 0;
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL)
        n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
    if (d != NULL)
        closedir(d);
    return n;
}

START_TEST(greybox_keeps_cases_for_new_edges)
{
    const char *args[] = {"--time", GB_TIME_ARG, "--seed", "1", "--jobs", "1", "--gatekeeper",
                          GB_GATEKEEPER, "--corpus", "corpus", "--cases-dir", "cases", "--out",
                          "run", "--quiet", NULL};
    pid_t pid = start("on", args);
    char *out = NULL;
    int rc = finish(pid, "on", 0, &out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d:\n%s", rc, out != NULL ? out : "");
    const char *g = strstr(out, ", greybox ");
    ck_assert_msg(g != NULL && strncmp(g, ", greybox off", 13) != 0, "grey-box not on:\n%s", out);
    char *end = NULL;
    long edges = strtol(g + strlen(", greybox "), &end, 10);
    ck_assert_msg(edges > GB_MIN_EDGES && strncmp(end, " edges (", 8) == 0, "%s", out);

    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/on/run/fuzz.json", g_tmp);
    char *js = it_slurp(path, NULL);
    ck_assert_msg(js != NULL, "no %s:\n%s", path, out);
    ck_assert_msg(strstr(js, "\"greybox\": true") != NULL, "%s", js);
    ck_assert_int_eq(json_int(js, "edges"), edges);
    long kt = json_int(js, "kept_tuple"), ke = json_int(js, "kept_edges");
    ck_assert_msg(kt >= 0 && ke > 0, "kept_tuple %ld kept_edges %ld (want edge keeps):\n%s", kt, ke,
                  js);
    /* Every kept mutated entry is in the corpus dir: it grew by ke for edges. */
    snprintf(path, sizeof(path), "%s/on/corpus", g_tmp);
    ck_assert_uint_eq(it_count_json(path), (size_t)(kt + ke));
    ck_assert_uint_eq(shm_left(pid), 0);
    free(js);
    free(out);
}
END_TEST

START_TEST(greybox_off_reports_off_on_the_same_binary)
{
    const char *args[] = {"--time", GB_OFF_TIME_ARG, "--seed", "1", "--jobs", "1", "--greybox",
                          "off", "--gatekeeper", GB_GATEKEEPER, "--corpus", "corpus",
                          "--cases-dir", "cases", "--out", "run", "--quiet", NULL};
    pid_t pid = start("off", args);
    char *out = NULL;
    int rc = finish(pid, "off", 0, &out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d:\n%s", rc, out != NULL ? out : "");
    ck_assert_msg(strstr(out, ", greybox off, ") != NULL, "%s", out);
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/off/run/fuzz.json", g_tmp);
    char *js = it_slurp(path, NULL);
    ck_assert_msg(js != NULL && strstr(js, "\"greybox\": false") != NULL, "%s", js ? js : out);
    ck_assert_int_eq(json_int(js, "kept_edges"), 0);
    ck_assert_uint_eq(shm_left(pid), 0);
    free(js);
    free(out);
}
END_TEST

START_TEST(sigint_removes_the_shared_map)
{
    const char *args[] = {"--time", "120", "--seed", "2", "--jobs", "2", "--greybox", "on",
                          "--gatekeeper", GB_GATEKEEPER, "--corpus", "corpus", "--cases-dir",
                          "cases", "--out", "run", "--quiet", NULL};
    pid_t pid = start("sigint", args);
    /* While it runs, its map exists (so the check below can fail). */
    int seen = 0;
    for (int i = 0; i < GB_SIGINT_AFTER_S * 1000 / GB_POLL_MS && !seen; i++) {
        seen = shm_left(pid) == 1;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = GB_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    char *out = NULL;
    int rc = finish(pid, "sigint", 1, &out);
    ck_assert_msg(seen, "no /dev/shm/gatecrash-cov-%d-* while running:\n%s", (int)pid, out);
    ck_assert_msg(rc == 0 || rc == 1, "exit %d:\n%s", rc, out != NULL ? out : "");
    ck_assert_msg(strstr(out, "[interrupted]") != NULL, "%s", out);
    ck_assert_uint_eq(shm_left(pid), 0);
    free(out);
}
END_TEST

int main(void)
{
    const char *slow = getenv(GB_ENV_SLOW);
    if (slow == NULL || strcmp(slow, "1") != 0) {
        fprintf(stderr, "test_greybox: skipped (set %s=1; label slow)\n", GB_ENV_SLOW);
        return GB_SKIP;
    }
    if (access(GB_GATEKEEPER, X_OK) != 0) {
        fprintf(stderr,
                "test_greybox: skipped: no coverage-instrumented gatekeeper at %s (build it: "
                "cmake --preset netfuzz && cmake --build --preset netfuzz --target gatekeeper)\n",
                GB_GATEKEEPER);
        return GB_SKIP;
    }
    if (it_make_tmp(g_tmp, sizeof(g_tmp), "greybox") != 0)
        return 1;
    Suite *s = suite_create("greybox");
    TCase *tc = tcase_create("greybox");
    tcase_set_timeout(tc, 2 * GB_TIMEOUT_S);
    tcase_add_test(tc, greybox_keeps_cases_for_new_edges);
    tcase_add_test(tc, greybox_off_reports_off_on_the_same_binary);
    tcase_add_test(tc, sigint_removes_the_shared_map);
    suite_add_tcase(s, tc);
    return it_run_suite_nofork(s, g_tmp);
}
