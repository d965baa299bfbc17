/* tests/integration/test_broken.c: the harness catches a deliberately broken
 * target, and `gatecrash replay` re-judges its findings.
 *
 * tests/broken-target/broken.js (Node.js) implements the target contract with
 * four planted mistakes (its README): XFCC trusted from any peer, alg none
 * accepted, a naive path join, /run through a shell. One `gatecrash run
 * --target-cmd "node broken.js"` must exit 1 with findings from the oracle
 * that owns each mistake; one finding per oracle must replay as REPRODUCED;
 * a finding re-pointed at the clean gatekeeper must replay as FIXED; a
 * missing or corrupt case.json is exit 2. Skipped (77) without `node`. */
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

#define BT_RUN_TIMEOUT_MS 120000   /* the whole catalogue against node, with margin */
#define BT_REPLAY_TIMEOUT_MS 60000
#define BT_ROOT_MAX 256
#define BT_MAX_ARGS 24
#define BT_CMD_MAX (PATH_MAX + 16)
#define BT_SCRIPT GC_SOURCE_DIR "/tests/broken-target/broken.js"
#define BT_MANIFEST GC_SOURCE_DIR "/tests/broken-target/manifest.json"
#define BT_MARKER_PREFIX "run.marker."
#define BT_MARKER_CASES 6 /* run.marker.* cases in the catalogue */

/* State of the one run every test reads (made once, in the parent). */
static char g_tmp[BT_ROOT_MAX];
static char g_run[BT_ROOT_MAX + 16];
static int g_run_rc = -2;
static char *g_run_out;
static char *g_run_err;

/* Each planted mistake, the oracle that must catch it and the cases that show it. */
static const struct {
    const char *mistake;
    const char *oracle;
    const char *case_prefix;
} PLANTED[] = {
    {"1 XFCC trusted from any peer", "identity-confusion", "fwd.untrusted."},
    {"1 XFCC trusted from any peer", "authz-bypass", "fwd.untrusted."},
    {"2 alg none accepted", "authz-bypass", "jwt.alg.none"},
    {"3 naive path join", "traversal", "path."},
    {"4 /run through a shell", "unsafe-exec", "run."},
};
#define N_PLANTED (sizeof(PLANTED) / sizeof(PLANTED[0]))

static int node_on_path(void)
{
    const char *path = getenv("PATH");
    if (path == NULL)
        return 0;
    while (*path != '\0') {
        size_t n = strcspn(path, ":");
        char cand[PATH_MAX];
        if (n > 0 && n < sizeof(cand) - 8) {
            memcpy(cand, path, n);
            memcpy(cand + n, "/node", 6);
            if (access(cand, X_OK) == 0)
                return 1;
        }
        path += n + (path[n] == ':');
    }
    return 0;
}

/* Unchecked fixture: the one catalogue run against broken.js, in the parent,
 * so every test (forked) reads the same run. Failures are recorded, not
 * asserted: the first test reports them. */
static void suite_setup(void)
{
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/gc-itest-broken-XXXXXX");
    if (mkdtemp(g_tmp) == NULL) {
        g_tmp[0] = '\0';
        return;
    }
    /* gatekeeper run as root drops to nobody and must reach the fixtures under here. */
    if (chmod(g_tmp, 0755) != 0 || it_path_join(g_run, sizeof(g_run), g_tmp, "run") != 0)
        return;
    char cmd[BT_CMD_MAX];
    snprintf(cmd, sizeof(cmd), "node %s", BT_SCRIPT);
    char *argv[BT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", "--target-cmd", cmd, "--manifest",
                               BT_MANIFEST, "--out", g_run, "--reports", g_tmp, "--quiet", NULL};
    g_run_rc = it_run_tool(argv, g_tmp, "run", BT_RUN_TIMEOUT_MS, &g_run_out, &g_run_err);
}

static void suite_teardown(void)
{
    free(g_run_out);
    free(g_run_err);
    if (g_tmp[0] != '\0')
        it_rm_tree(g_tmp);
}

static json_t *load_summary(void)
{
    char p[PATH_MAX];
    ck_assert_int_eq(it_path_join(p, sizeof(p), g_run, "summary.json"), 0);
    json_error_t je;
    json_t *root = json_load_file(p, 0, &je);
    ck_assert_msg(root != NULL, "%s: %s\nrun stdout:\n%s\nstderr:\n%s", p, je.text,
                  g_run_out ? g_run_out : "", g_run_err ? g_run_err : "");
    return root;
}

/* The first finding of `oracle` on a case starting with `prefix` (borrowed). */
static json_t *find_finding(json_t *sum, const char *oracle, const char *prefix)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(sum, "findings"), i, f)
    {
        const char *o = json_string_value(json_object_get(f, "oracle"));
        const char *c = json_string_value(json_object_get(f, "case"));
        if (o != NULL && c != NULL && strcmp(o, oracle) == 0 &&
            strncmp(c, prefix, strlen(prefix)) == 0)
            return f;
    }
    return NULL;
}

static void repro_path(json_t *finding, char *out, size_t cap)
{
    const char *rel = json_string_value(json_object_get(finding, "repro_dir"));
    ck_assert_msg(rel != NULL && rel[0] != '\0', "finding %s has no repro_dir",
                  json_string_value(json_object_get(finding, "id")));
    ck_assert_int_eq(it_path_join(out, cap, g_run, rel), 0);
}

START_TEST(broken_target_run_exits_1)
{
    ck_assert_msg(g_tmp[0] != '\0', "mkdtemp failed");
    ck_assert_msg(g_run_rc == 1, "gatecrash run exit %d (want 1, findings)\nstdout:\n%s\nstderr:\n%s",
                  g_run_rc, g_run_out ? g_run_out : "", g_run_err ? g_run_err : "");
    ck_assert_msg(g_run_out != NULL && strstr(g_run_out, " findings") != NULL, "summary: %s",
                  g_run_out ? g_run_out : "");
    fprintf(stderr, "integration.broken: %.*s\n", (int)strcspn(g_run_out, "\n"), g_run_out);
}
END_TEST

/* Every planted mistake shows up as a finding of its oracle on the cases
 * built to expose it (not merely somewhere in the run). */
START_TEST(each_planted_mistake_is_caught_by_its_oracle)
{
    json_t *sum = load_summary();
    for (size_t k = 0; k < N_PLANTED; k++)
        ck_assert_msg(find_finding(sum, PLANTED[k].oracle, PLANTED[k].case_prefix) != NULL,
                      "mistake %s: no %s finding on a %s* case", PLANTED[k].mistake,
                      PLANTED[k].oracle, PLANTED[k].case_prefix);
    json_decref(sum);
}
END_TEST

/* Secondary unsafe-exec evidence that needs no supervisor: with
 * --no-supervise there are no exec events, yet every run.marker.* argument
 * reaches broken.js's shell, which creates the exec marker file; each case
 * must be an unsafe-exec finding whose evidence is the marker. */
START_TEST(exec_marker_catches_the_shell_without_a_supervisor)
{
    char run[PATH_MAX], cmd[BT_CMD_MAX];
    ck_assert_int_eq(it_path_join(run, sizeof(run), g_tmp, "marker-run"), 0);
    snprintf(cmd, sizeof(cmd), "node %s", BT_SCRIPT);
    char *argv[BT_MAX_ARGS] = {GC_GATECRASH_BIN, "run", BT_MARKER_PREFIX, "--no-supervise",
                               "--target-cmd", cmd, "--manifest", BT_MANIFEST, "--out", run,
                               "--reports", g_tmp, "--quiet", NULL};
    char *out = NULL, *err = NULL;
    int rc = it_run_tool(argv, g_tmp, "marker", BT_RUN_TIMEOUT_MS, &out, &err);
    ck_assert_msg(rc == 1, "exit %d\nstdout:\n%s\nstderr:\n%s", rc, out ? out : "", err ? err : "");
    char p[PATH_MAX];
    ck_assert_int_eq(it_path_join(p, sizeof(p), run, "summary.json"), 0);
    json_error_t je;
    json_t *sum = json_load_file(p, 0, &je);
    ck_assert_msg(sum != NULL, "%s: %s", p, je.text);
    size_t i, marker_findings = 0;
    json_t *f;
    json_array_foreach(json_object_get(sum, "findings"), i, f)
    {
        const char *o = json_string_value(json_object_get(f, "oracle"));
        const char *c = json_string_value(json_object_get(f, "case"));
        const char *ev = json_string_value(json_object_get(f, "evidence"));
        ck_assert_msg(c != NULL && strncmp(c, BT_MARKER_PREFIX, strlen(BT_MARKER_PREFIX)) == 0,
                      "finding on %s", c ? c : "?");
        if (o != NULL && strcmp(o, "unsafe-exec") == 0 && ev != NULL && strstr(ev, "marker file"))
            marker_findings++;
    }
    ck_assert_msg(marker_findings == BT_MARKER_CASES, "%zu marker findings (want %d)\nstdout:\n%s",
                  marker_findings, BT_MARKER_CASES, out ? out : "");
    json_decref(sum);
    free(out);
    free(err);
}
END_TEST

/* One finding per oracle, re-run three times against a fresh broken.js. */
START_TEST(one_finding_of_each_oracle_replays_as_reproduced)
{
    json_t *sum = load_summary();
    for (size_t k = 0; k < N_PLANTED; k++) {
        json_t *f = find_finding(sum, PLANTED[k].oracle, PLANTED[k].case_prefix);
        ck_assert_ptr_nonnull(f);
        char dir[PATH_MAX];
        repro_path(f, dir, sizeof(dir));
        char *argv[BT_MAX_ARGS] = {GC_GATECRASH_BIN, "replay", dir, NULL};
        char *out = NULL, *err = NULL;
        int rc = it_run_tool(argv, g_tmp, "replay", BT_REPLAY_TIMEOUT_MS, &out, &err);
        ck_assert_msg(rc == 1 && out != NULL && strstr(out, "\nREPRODUCED: ") != NULL &&
                          strstr(out, "3/3 attempts") != NULL,
                      "replay %s (%s): exit %d\nstdout:\n%s\nstderr:\n%s", dir, PLANTED[k].oracle,
                      rc, out ? out : "", err ? err : "");
        const char *id = json_string_value(json_object_get(f, "id"));
        ck_assert_msg(strstr(out, id) != NULL, "verdict does not name %s:\n%s", id, out);
        free(out);
        free(err);
    }
    json_decref(sum);
}
END_TEST

/* The alg-none finding, its target spec switched to the clean embedded
 * gatekeeper: the same case now passes, so the finding is FIXED. */
START_TEST(finding_replayed_against_clean_gatekeeper_is_fixed)
{
    json_t *sum = load_summary();
    json_t *f = find_finding(sum, "authz-bypass", "jwt.alg.none");
    ck_assert_ptr_nonnull(f);
    char src[PATH_MAX], cj[PATH_MAX], dir[PATH_MAX], out_cj[PATH_MAX];
    repro_path(f, src, sizeof(src));
    ck_assert_int_eq(it_path_join(cj, sizeof(cj), src, "case.json"), 0);
    json_error_t je;
    json_t *c = json_load_file(cj, JSON_REJECT_DUPLICATES, &je);
    ck_assert_msg(c != NULL, "%s: %s", cj, je.text);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "target"), "mode")), "cmd");
    json_t *t = json_pack("{s:s, s:s, s:[]}", "mode", "embedded", "gatekeeper", GK_GATEKEEPER_BIN,
                          "gatekeeper_args");
    ck_assert_int_eq(json_object_set_new(c, "target", t), 0);
    ck_assert_int_eq(it_path_join(dir, sizeof(dir), g_tmp, "fixed"), 0);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    ck_assert_int_eq(it_path_join(out_cj, sizeof(out_cj), dir, "case.json"), 0);
    ck_assert_int_eq(json_dump_file(c, out_cj, JSON_INDENT(2)), 0);
    json_decref(c);
    char *argv[BT_MAX_ARGS] = {GC_GATECRASH_BIN, "replay", dir, NULL};
    char *out = NULL, *err = NULL;
    int rc = it_run_tool(argv, g_tmp, "fixed", BT_REPLAY_TIMEOUT_MS, &out, &err);
    ck_assert_msg(rc == 0 && out != NULL && strstr(out, "\nFIXED: ") != NULL &&
                      strstr(out, "0/3 attempts") != NULL,
                  "replay %s: exit %d\nstdout:\n%s\nstderr:\n%s", dir, rc, out ? out : "",
                  err ? err : "");
    free(out);
    free(err);
    json_decref(sum);
}
END_TEST

/* A reproducer folder without a usable case.json: exit 2, a clear message,
 * no target started. Each row replaces case.json in a scratch folder. */
START_TEST(missing_or_corrupt_case_json_is_exit_2)
{
    static const struct {
        const char *content;  /* NULL = no case.json at all */
        const char *message;  /* expected on stderr */
    } ROWS[] = {
        {NULL, "No such file"},
        {"", "corrupt case.json"},
        {"{\"format\": 1, \"finding_id\": \"c4e4d5dec8fd9021\"", "corrupt case.json"},
        {"[1, 2]", "not a JSON object"},
        {"{\"format\": 2}", "\"format\""},
        {"{\"format\": 1, \"finding_id\": \"c4e4d5dec8fd9021\", \"case_id\": \"x\", "
         "\"oracle\": \"authz-bypass\"}", "fixtures_dir"},
        {"{\"format\": 1, \"finding_id\": \"C4E4D5DEC8FD902\", \"case_id\": \"x\", "
         "\"oracle\": \"authz-bypass\", \"fixtures_dir\": \"/nonexistent\", "
         "\"target\": {\"mode\": \"embedded\"}}", "finding_id"},
        {"{\"format\": 1, \"finding_id\": \"c4e4d5dec8fd9021\", \"case_id\": \"x\", "
         "\"oracle\": \"authz-bypass\", \"fixtures_dir\": \"/nonexistent\", "
         "\"target\": {\"mode\": \"ftp\"}}", "mode"},
        {"{\"format\": 1, \"finding_id\": \"c4e4d5dec8fd9021\", \"case_id\": \"x\", "
         "\"oracle\": \"authz-bypass\", \"fixtures_dir\": \"/nonexistent\", "
         "\"target\": {\"mode\": \"cmd\", \"cmd\": \"\"}}", "cmd"},
        {"{\"format\": 1, \"finding_id\": \"c4e4d5dec8fd9021\", \"case_id\": \"x\", "
         "\"oracle\": \"authz-bypass\", \"fixtures_dir\": \"/nonexistent\", \"seed\": \"-1\", "
         "\"target\": {\"mode\": \"embedded\"}}", "seed"},
        {"{\"format\": 1, \"format\": 1}", "corrupt case.json"},
    };
    for (size_t i = 0; i < sizeof(ROWS) / sizeof(ROWS[0]); i++) {
        char dir[PATH_MAX], name[32], cj[PATH_MAX];
        snprintf(name, sizeof(name), "bad-%zu", i);
        ck_assert_int_eq(it_path_join(dir, sizeof(dir), g_tmp, name), 0);
        ck_assert_int_eq(mkdir(dir, 0755), 0);
        if (ROWS[i].content != NULL) {
            ck_assert_int_eq(it_path_join(cj, sizeof(cj), dir, "case.json"), 0);
            FILE *fp = fopen(cj, "w");
            ck_assert_ptr_nonnull(fp);
            fputs(ROWS[i].content, fp);
            ck_assert_int_eq(fclose(fp), 0);
        }
        char *argv[BT_MAX_ARGS] = {GC_GATECRASH_BIN, "replay", dir, NULL};
        char *out = NULL, *err = NULL;
        int rc = it_run_tool(argv, g_tmp, "bad", BT_REPLAY_TIMEOUT_MS, &out, &err);
        ck_assert_msg(rc == 2 && err != NULL && strstr(err, "gatecrash replay: ") != NULL &&
                          strstr(err, ROWS[i].message) != NULL,
                      "row %zu: exit %d, stderr: %s (want \"%s\")", i, rc, err ? err : "",
                      ROWS[i].message);
        ck_assert_msg(out == NULL || strstr(out, "attempt") == NULL, "row %zu ran: %s", i, out);
        free(out);
        free(err);
    }
}
END_TEST

START_TEST(replay_usage_errors_and_help)
{
    static const struct {
        const char *args[4];
        int rc;
        const char *want; /* on stdout for 0, stderr otherwise */
    } ROWS[] = {
        {{"--help"}, 0, "REPRODUCED"},
        {{NULL}, 2, "missing DIR"},
        {{"a", "b"}, 2, "too many arguments"},
        {{"--runs", "0", "x"}, 2, "--runs 0"},
        {{"--runs", "101", "x"}, 2, "--runs 101"},
        {{"--timeout", "x", "d"}, 2, "--timeout x"},
        {{"--bogus", "d"}, 2, "unknown"},
    };
    for (size_t i = 0; i < sizeof(ROWS) / sizeof(ROWS[0]); i++) {
        char *argv[BT_MAX_ARGS] = {GC_GATECRASH_BIN, "replay"};
        size_t n = 2;
        for (size_t k = 0; k < 4 && ROWS[i].args[k] != NULL; k++)
            argv[n++] = (char *)ROWS[i].args[k];
        argv[n] = NULL;
        char *out = NULL, *err = NULL;
        int rc = it_run_tool(argv, g_tmp, "usage", BT_REPLAY_TIMEOUT_MS, &out, &err);
        const char *where = ROWS[i].rc == 0 ? out : err;
        ck_assert_msg(rc == ROWS[i].rc && where != NULL && strstr(where, ROWS[i].want) != NULL,
                      "row %zu: exit %d, stdout: %s stderr: %s", i, rc, out ? out : "",
                      err ? err : "");
        free(out);
        free(err);
    }
}
END_TEST

static Suite *broken_suite(void)
{
    Suite *s = suite_create("broken");
    TCase *tc = tcase_create("broken-target");
    tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
    tcase_set_timeout(tc, BT_RUN_TIMEOUT_MS / 1000);
    tcase_add_test(tc, broken_target_run_exits_1);
    tcase_add_test(tc, each_planted_mistake_is_caught_by_its_oracle);
    tcase_add_test(tc, one_finding_of_each_oracle_replays_as_reproduced);
    tcase_add_test(tc, finding_replayed_against_clean_gatekeeper_is_fixed);
    tcase_add_test(tc, exec_marker_catches_the_shell_without_a_supervisor);
    tcase_add_test(tc, missing_or_corrupt_case_json_is_exit_2);
    tcase_add_test(tc, replay_usage_errors_and_help);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!node_on_path()) {
        printf("integration.broken: skipped: `node` (Node.js, package nodejs) is not on PATH\n");
        return 77;
    }
    SRunner *sr = srunner_create(broken_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
