/* harness/replay.c: `gatecrash replay DIR` (cli.h; DESIGN.md "Findings,
 * reproduction, corpus").
 *
 * DIR is a reproducer folder a run wrote (<run>/findings/<id>/). Its case.json
 * (format 1, fields listed at the top of runner.c) names the case, the finding
 * id, the fixture dir and the target. Replay runs exactly that case N times
 * against the same kind of target, each time on a fresh launch into a
 * throw-away run dir, reports disabled, and asks one question: did the SAME
 * finding id (hash of case, oracle and evidence signature) fire?
 *   all N  -> REPRODUCED, exit 1 (like "findings present")
 *   none   -> FIXED,      exit 0
 *   some   -> FLAKY,      exit 3
 * Any attempt the harness could not run (target would not start, case
 * unknown, interrupted) -> exit 2: a verdict from partial evidence would lie. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"
#include "cli.h"
#include "result.h"
#include "runner.h"
#include "runner_internal.h"

#define REPLAY_EXIT_FIXED 0
#define REPLAY_EXIT_REPRODUCED 1
#define REPLAY_EXIT_ERR 2
#define REPLAY_EXIT_FLAKY 3
#define REPLAY_DEFAULT_RUNS 3
#define REPLAY_MAX_RUNS 100
#define REPLAY_MAX_TIMEOUT_MS 600000
#define REPLAY_CASE_FORMAT 1
#define REPLAY_MAX_CASE_JSON (1u << 20) /* case.json is a few hundred bytes */
#define REPLAY_ERR_MAX (PATH_MAX + 1024)
#define REPLAY_TMP "/tmp/gatecrash-replay-XXXXXX"

/* What case.json says, pointing into the parsed JSON (kept alive). */
struct replay_spec {
    const char *finding_id;
    const char *case_id;
    const char *oracle;
    const char *fixtures_dir;
    const char *expected;       /* "" when absent: informational only */
    const char *seen;
    uint64_t seed;
    enum gc_target_mode mode;
    const char *gatekeeper;     /* NULL = the default next to gatecrash */
    const char *gatekeeper_args[GC_RUN_MAX_TARGET_ARGS];
    size_t n_gatekeeper_args;
    const char *cmd;
    const char *url;
};

struct replay_opts {
    const char *dir;
    long runs;
    const char *gatekeeper;     /* --gatekeeper: overrides the recorded binary */
    int timeout_ms;             /* 0 = the runner's default */
};

static void replay_usage(FILE *out)
{
    fprintf(out,
            "usage: gatecrash replay DIR [--runs N] [--gatekeeper PATH] [--timeout MS]\n\n"
            "Re-run one finding's case from its reproducer folder DIR (a run's\n"
            "findings/<id>/, holding case.json) and say whether the same finding still\n"
            "fires. The case runs N times, each against a freshly launched target of the\n"
            "kind the run used: the embedded gatekeeper with the recorded extra arguments,\n"
            "the recorded --target-cmd, or the recorded --target-url; always on the\n"
            "recorded fixture dir and seed. Nothing is written outside a temporary dir.\n\n"
            "verdict (one line per attempt first, then the verdict with its evidence):\n"
            "  REPRODUCED  the same finding id fired in every attempt     exit 1\n"
            "  FIXED       it fired in none                               exit 0\n"
            "  FLAKY       it fired in some                               exit 3\n"
            "  (a missing or corrupt case.json, or an attempt the harness could not run:\n"
            "   exit 2)\n\n"
            "options:\n"
            "  --runs N          attempts (default %d, at most %d)\n"
            "  --gatekeeper PATH gatekeeper binary for an embedded-target finding (default:\n"
            "                    the recorded one; e.g. a fixed build)\n"
            "  --timeout MS      per request (default: 5000)\n"
            "  --help            this text\n",
            REPLAY_DEFAULT_RUNS, REPLAY_MAX_RUNS);
}

/* Error text into a caller's buffer; truncation is acceptable for a message. */
/* A required non-empty string member, or NULL with err filled. */
static const char *need_str(json_t *obj, const char *where, const char *key, char *err, size_t cap)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (s == NULL || s[0] == '\0')
        gc_errf(err, cap, "%s: \"%s\" missing, empty or not a string", where, key);
    return s != NULL && s[0] != '\0' ? s : NULL;
}

static const char *opt_str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

static int is_finding_id(const char *s)
{
    if (strlen(s) != GC_FINDING_ID_LEN)
        return 0;
    for (size_t i = 0; i < GC_FINDING_ID_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int parse_target(json_t *t, const char *path, struct replay_spec *sp, char *err, size_t cap)
{
    char where[PATH_MAX + 16];
    snprintf(where, sizeof(where), "%s: target", path);
    if (!json_is_object(t)) {
        gc_errf(err, cap, "%s: \"target\" missing or not an object", path);
        return -1;
    }
    const char *mode = need_str(t, where, "mode", err, cap);
    if (mode == NULL)
        return -1;
    if (strcmp(mode, "cmd") == 0) {
        sp->mode = GC_TARGET_CMD;
        sp->cmd = need_str(t, where, "cmd", err, cap);
        return sp->cmd != NULL ? 0 : -1;
    }
    if (strcmp(mode, "url") == 0) {
        sp->mode = GC_TARGET_URL;
        sp->url = need_str(t, where, "url", err, cap);
        return sp->url != NULL ? 0 : -1;
    }
    if (strcmp(mode, "embedded") != 0) {
        gc_errf(err, cap, "%s: mode \"%s\": want embedded, cmd or url", where, mode);
        return -1;
    }
    sp->mode = GC_TARGET_EMBEDDED;
    const char *gk = opt_str(t, "gatekeeper");
    sp->gatekeeper = gk[0] != '\0' ? gk : NULL;
    json_t *args = json_object_get(t, "gatekeeper_args");
    if (args == NULL)
        return 0;
    if (!json_is_array(args) || json_array_size(args) > GC_RUN_MAX_TARGET_ARGS) {
        gc_errf(err, cap, "%s: gatekeeper_args: want an array of at most %d strings", where,
                 GC_RUN_MAX_TARGET_ARGS);
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(args, i, v)
    {
        if (!json_is_string(v)) {
            gc_errf(err, cap, "%s: gatekeeper_args[%zu]: not a string", where, i);
            return -1;
        }
        sp->gatekeeper_args[sp->n_gatekeeper_args++] = json_string_value(v);
    }
    return 0;
}

/* Parse DIR/case.json into *sp; *root keeps the strings alive (json_decref it). */
static int load_spec(const char *dir, json_t **root, struct replay_spec *sp, char *err, size_t cap)
{
    char path[PATH_MAX];
    memset(sp, 0, sizeof(*sp));
    *root = NULL;
    if (snprintf(path, sizeof(path), "%s/case.json", dir) >= (int)sizeof(path)) {
        gc_errf(err, cap, "%s: path too long", dir);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        gc_errf(err, cap, "%s: %s (is %s a reproducer folder, findings/<id>/ of a run?)", path,
                 strerror(errno), dir);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (uintmax_t)st.st_size > REPLAY_MAX_CASE_JSON) {
        gc_errf(err, cap, "%s: corrupt case.json: not a regular file of at most %u bytes", path,
                 REPLAY_MAX_CASE_JSON);
        return -1;
    }
    json_error_t je;
    json_t *r = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (r == NULL) {
        gc_errf(err, cap, "%s:%d: corrupt case.json: %s", path, je.line, je.text);
        return -1;
    }
    *root = r;
    if (!json_is_object(r)) {
        gc_errf(err, cap, "%s: corrupt case.json: not a JSON object", path);
        return -1;
    }
    json_t *fmt = json_object_get(r, "format");
    if (!json_is_integer(fmt) || json_integer_value(fmt) != REPLAY_CASE_FORMAT) {
        gc_errf(err, cap, "%s: \"format\" is not %d (written by another gatecrash version?)", path,
                 REPLAY_CASE_FORMAT);
        return -1;
    }
    if ((sp->finding_id = need_str(r, path, "finding_id", err, cap)) == NULL ||
        (sp->case_id = need_str(r, path, "case_id", err, cap)) == NULL ||
        (sp->oracle = need_str(r, path, "oracle", err, cap)) == NULL ||
        (sp->fixtures_dir = need_str(r, path, "fixtures_dir", err, cap)) == NULL)
        return -1;
    if (!is_finding_id(sp->finding_id)) {
        gc_errf(err, cap, "%s: finding_id \"%s\": want %d lowercase hex digits", path,
                 sp->finding_id, GC_FINDING_ID_LEN);
        return -1;
    }
    sp->expected = opt_str(r, "expected");
    sp->seen = opt_str(r, "seen");
    const char *seed = opt_str(r, "seed");
    if (seed[0] != '\0') {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(seed, &end, 10);
        if (errno != 0 || end == seed || *end != '\0' || seed[0] == '-') {
            gc_errf(err, cap, "%s: seed \"%s\": want a decimal integer", path, seed);
            return -1;
        }
        sp->seed = (uint64_t)v;
    }
    return parse_target(json_object_get(r, "target"), path, sp, err, cap);
}

static const char *target_desc(const struct replay_spec *sp, const struct replay_opts *ro,
                               char *buf, size_t cap)
{
    switch (sp->mode) {
    case GC_TARGET_CMD: snprintf(buf, cap, "target-cmd \"%s\"", sp->cmd); break;
    case GC_TARGET_URL: snprintf(buf, cap, "target-url %s", sp->url); break;
    default: {
        size_t o = (size_t)snprintf(buf, cap, "gatekeeper %s",
                                    ro->gatekeeper  ? ro->gatekeeper
                                    : sp->gatekeeper ? sp->gatekeeper
                                                     : "(default)");
        for (size_t i = 0; i < sp->n_gatekeeper_args && o < cap; i++)
            o += (size_t)snprintf(buf + o, cap - o, " %s", sp->gatekeeper_args[i]);
    }
    }
    return buf;
}

enum attempt_result { ATT_FIRED, ATT_QUIET, ATT_ERROR };

/* One attempt: run the case once in a temp run dir; print one line. The
 * finding's evidence is copied to evidence (when it fired). */
static enum attempt_result attempt(const struct replay_spec *sp, const struct replay_opts *ro,
                                   long k, char *evidence, size_t ev_cap)
{
    char tmp[] = REPLAY_TMP;
    if (mkdtemp(tmp) == NULL) {
        printf("attempt %ld/%ld: error: %s: %s\n", k, ro->runs, tmp, strerror(errno));
        return ATT_ERROR;
    }
    struct gc_run_opts o = {
        .mode = sp->mode, .target_cmd = sp->cmd, .target_url = sp->url,
        .gatekeeper_bin = ro->gatekeeper != NULL ? ro->gatekeeper : sp->gatekeeper,
        .fixtures_dir = sp->fixtures_dir, .reports_root = tmp, .run_dir = tmp,
        .only_case = sp->case_id, .seed = sp->seed, .jobs = 1, .timeout_ms = ro->timeout_ms,
        .write_reports = 0, .quiet = 1, .supervise = 1,
    };
    if (sp->mode == GC_TARGET_EMBEDDED) {
        for (size_t i = 0; i < sp->n_gatekeeper_args; i++)
            o.gatekeeper_args[i] = sp->gatekeeper_args[i];
        o.n_gatekeeper_args = sp->n_gatekeeper_args;
    }
    struct gc_run run;
    memset(&run, 0, sizeof(run));
    char err[REPLAY_ERR_MAX] = "";
    enum attempt_result res = ATT_ERROR;
    if (gc_run_cases(&o, &run, err, sizeof(err)) != 0) {
        printf("attempt %ld/%ld: error: %s\n", k, ro->runs, err);
        goto out;
    }
    if (run.partial || run.n_results != 1) {
        printf("attempt %ld/%ld: error: %s\n", k, ro->runs,
               run.partial ? "interrupted" : "the case did not run exactly once");
        goto out;
    }
    const struct gc_case_result *r = &run.results[0];
    if (r->outcome == GC_OUT_ERROR || r->outcome == GC_OUT_UNIMPLEMENTED) {
        printf("attempt %ld/%ld: error: case %s: %s: %s\n", k, ro->runs, sp->case_id,
               gc_outcome_name(r->outcome), r->note);
        goto out;
    }
    const struct gc_finding *same = NULL;
    for (size_t i = 0; i < run.n_findings; i++)
        if (strcmp(run.findings[i].id, sp->finding_id) == 0)
            same = &run.findings[i];
    if (same != NULL) {
        snprintf(evidence, ev_cap, "%s", same->evidence);
        printf("attempt %ld/%ld: fired   %s %s (status %d, %.1f ms): %s\n", k, ro->runs, same->id,
               gc_oracle_name(same->oracle), r->status, r->elapsed_ms, same->evidence);
        res = ATT_FIRED;
        goto out;
    }
    printf("attempt %ld/%ld: quiet   (status %d, %.1f ms)%s\n", k, ro->runs, r->status,
           r->elapsed_ms, run.n_findings ? "; other findings:" : "");
    /* Another finding on the same case (e.g. the evidence signature moved) is
     * shown, but it is not this finding. */
    for (size_t i = 0; i < run.n_findings; i++)
        printf("    %s %s: %s\n", run.findings[i].id, gc_oracle_name(run.findings[i].oracle),
               run.findings[i].evidence);
    res = ATT_QUIET;
out:
    fflush(stdout);
    gc_run_free(&run);
    if (gc__remove_tree(tmp) != 0)
        fprintf(stderr, "gatecrash replay: note: could not remove %s: %s\n", tmp, strerror(errno));
    return res;
}

static int parse_args(int argc, char **argv, struct replay_opts *ro, int *exit_now)
{
    enum { OPT_RUNS = 1, OPT_GK, OPT_TIMEOUT, OPT_HELP };
    static const struct option LONG_OPTS[] = {
        {"runs", required_argument, NULL, OPT_RUNS},
        {"gatekeeper", required_argument, NULL, OPT_GK},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    long v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", LONG_OPTS, NULL)) != -1) {
        switch (c) {
        case OPT_RUNS:
            if (gc_parse_long(optarg, 1, REPLAY_MAX_RUNS, &ro->runs) != 0) {
                fprintf(stderr, "gatecrash replay: --runs %s: want 1..%d\n", optarg, REPLAY_MAX_RUNS);
                return -1;
            }
            break;
        case OPT_GK: ro->gatekeeper = optarg; break;
        case OPT_TIMEOUT:
            if (gc_parse_long(optarg, 1, REPLAY_MAX_TIMEOUT_MS, &v) != 0) {
                fprintf(stderr, "gatecrash replay: --timeout %s: want 1..%d ms\n", optarg,
                        REPLAY_MAX_TIMEOUT_MS);
                return -1;
            }
            ro->timeout_ms = (int)v;
            break;
        case OPT_HELP:
        case 'h':
            replay_usage(stdout);
            *exit_now = 1;
            return 0;
        default:
            fprintf(stderr, "gatecrash replay: unknown or incomplete option '%s'\n", argv[optind - 1]);
            replay_usage(stderr);
            return -1;
        }
    }
    if (optind < argc)
        ro->dir = argv[optind++];
    if (ro->dir == NULL || optind != argc) {
        fprintf(stderr, "gatecrash replay: %s\n", ro->dir == NULL ? "missing DIR" : "too many arguments");
        replay_usage(stderr);
        return -1;
    }
    return 0;
}

int gc_cmd_replay(int argc, char **argv)
{
    struct replay_opts ro = {.runs = REPLAY_DEFAULT_RUNS};
    int exit_now = 0;
    if (parse_args(argc, argv, &ro, &exit_now) != 0)
        return REPLAY_EXIT_ERR;
    if (exit_now)
        return REPLAY_EXIT_FIXED;
    json_t *root = NULL;
    struct replay_spec sp;
    char err[REPLAY_ERR_MAX] = "";
    if (load_spec(ro.dir, &root, &sp, err, sizeof(err)) != 0) {
        fprintf(stderr, "gatecrash replay: %s\n", err);
        json_decref(root);
        return REPLAY_EXIT_ERR;
    }
    if (sp.mode != GC_TARGET_EMBEDDED && ro.gatekeeper != NULL) {
        fprintf(stderr, "gatecrash replay: --gatekeeper: the finding's target is not the embedded "
                        "gatekeeper\n");
        json_decref(root);
        return REPLAY_EXIT_ERR;
    }
    char desc[PATH_MAX];
    printf("replay %s: finding %s (%s) of case %s, %ld run%s against %s\n", ro.dir, sp.finding_id,
           sp.oracle, sp.case_id, ro.runs, ro.runs == 1 ? "" : "s",
           target_desc(&sp, &ro, desc, sizeof(desc)));
    if (sp.expected[0] != '\0' || sp.seen[0] != '\0')
        printf("recorded: expected %s; seen %s\n", sp.expected, sp.seen);
    fflush(stdout);
    long fired = 0, errors = 0;
    char evidence[sizeof(((struct gc_finding *)0)->evidence)] = "";
    for (long k = 1; k <= ro.runs; k++) {
        enum attempt_result a = attempt(&sp, &ro, k, evidence, sizeof(evidence));
        fired += a == ATT_FIRED;
        errors += a == ATT_ERROR;
        if (a == ATT_ERROR)
            break; /* the same set-up would fail again; no verdict from partial evidence */
    }
    int rc;
    if (errors > 0) {
        printf("ERROR: the harness could not run case %s (see above); no verdict\n", sp.case_id);
        rc = REPLAY_EXIT_ERR;
    } else if (fired == ro.runs) {
        printf("REPRODUCED: finding %s (%s, case %s) fired in %ld/%ld attempts; evidence: %s\n",
               sp.finding_id, sp.oracle, sp.case_id, fired, ro.runs, evidence);
        rc = REPLAY_EXIT_REPRODUCED;
    } else if (fired == 0) {
        printf("FIXED: finding %s (%s, case %s) fired in 0/%ld attempts\n", sp.finding_id,
               sp.oracle, sp.case_id, ro.runs);
        rc = REPLAY_EXIT_FIXED;
    } else {
        printf("FLAKY: finding %s (%s, case %s) fired in %ld/%ld attempts; evidence: %s\n",
               sp.finding_id, sp.oracle, sp.case_id, fired, ro.runs, evidence);
        rc = REPLAY_EXIT_FLAKY;
    }
    fflush(stdout);
    json_decref(root);
    return rc;
}
