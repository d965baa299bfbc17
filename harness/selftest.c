/* harness/selftest.c: `gatecrash selftest`: proves that every oracle catches
 * the bug planted for it (gatekeeper --plant NAME, docs/PLANTED.md) and that
 * the clean gatekeeper yields no finding at all.
 *
 * One fixture dir is generated once; then, N at a time, a child process per
 * run (the clean one and one per bug) calls gc_run_cases on the default
 * catalogue against its own supervised gatekeeper and writes a small result
 * file; the parent reads them, prints the table and writes selftest.json,
 * selftest.md and selftest.html atomically. Separate processes: a run owns
 * signal handlers and a supervisor, which do not share a process well.
 *
 * The bug -> oracle table below is test metadata (what each bug must be
 * caught by); the judging itself never asks gatekeeper anything. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "cli.h"
#include "fixtures.h"
#include "fuzz.h"
#include "pki.h"
#include "report_internal.h"
#include "result.h"
#include "runner.h"

#define ST_EXIT_OK 0
#define ST_EXIT_FAIL 1
#define ST_EXIT_ERR 2
#define ST_ERR_MAX 1024
#define ST_MAX_JOBS 16
#define ST_DEFAULT_JOBS 6 /* runs mostly wait on timeouts: 6 fit on 2 cores */
#define ST_MAX_CASES 64   /* catching case ids kept per bug */
#define ST_LINE_MAX 512
#define ST_MAX_ONLY 64
#define ST_COMBO_DEFAULT_JOBS 2    /* combination runs at a time (each fuzzes with --jobs 1) */
#define ST_COMBO_FUZZ_TIME_S 300   /* the bound: found within 5 minutes */
#define ST_COMBO_MAX_TIME_S 3600
#define ST_COMBO_DEFAULT_SEED 1
#define ST_COMBO_MAX_SEEDS 16
#define ST_ARG_MAX 32

/* Each planted bug and the oracle that must catch it (plant.h keeps the
 * same list for gatekeeper; docs/PLANTED.md explains each). */
static const struct st_bug {
    const char *name;
    enum gc_oracle oracle;
} BUGS[] = {
    {"verify-any", GC_OR_AUTHZ_BYPASS},
    {"admin-skips-cert", GC_OR_AUTHZ_BYPASS},
    {"any-client-is-admin", GC_OR_AUTHZ_BYPASS},
    {"no-eku", GC_OR_AUTHZ_BYPASS},
    {"no-expiry", GC_OR_AUTHZ_BYPASS},
    {"cn-identity", GC_OR_IDENTITY_CONFUSION},
    {"san-substring", GC_OR_AUTHZ_BYPASS},
    {"leaf-as-ca", GC_OR_AUTHZ_BYPASS},
    {"no-depth-limit", GC_OR_AUTHZ_BYPASS},
    {"xfcc-from-anyone", GC_OR_AUTHZ_BYPASS},
    {"xff-from-anyone", GC_OR_AUTHZ_BYPASS},
    {"xff-leftmost", GC_OR_AUTHZ_BYPASS},
    {"ssl-client-header", GC_OR_AUTHZ_BYPASS},
    {"alg-none", GC_OR_AUTHZ_BYPASS},
    {"hs-rs-confusion", GC_OR_AUTHZ_BYPASS},
    {"no-aud", GC_OR_AUTHZ_BYPASS},
    {"no-iss", GC_OR_AUTHZ_BYPASS},
    {"no-exp", GC_OR_AUTHZ_BYPASS},
    {"roles-before-verify", GC_OR_AUTHZ_BYPASS},
    {"kid-path", GC_OR_AUTHZ_BYPASS},
    {"jku-fetch", GC_OR_SSRF},
    {"embedded-jwk", GC_OR_AUTHZ_BYPASS},
    {"psychic-ecdsa", GC_OR_AUTHZ_BYPASS},
    {"naive-join", GC_OR_TRAVERSAL},
    {"double-decode", GC_OR_TRAVERSAL},
    {"prefix-sibling", GC_OR_TRAVERSAL},
    {"follow-symlink", GC_OR_TRAVERSAL},
    {"backslash-separator", GC_OR_TRAVERSAL},
    {"shell", GC_OR_UNSAFE_EXEC},
    {"no-double-dash", GC_OR_UNSAFE_EXEC},
    {"trailing-slash", GC_OR_AUTHZ_BYPASS},
    {"case-insensitive", GC_OR_AUTHZ_BYPASS},
    {"method-bypass", GC_OR_AUTHZ_BYPASS},
    {"sticky-token", GC_OR_IDENTITY_CONFUSION},
    {"log-token", GC_OR_LEAK},
    {"keep-root", GC_OR_HARDENING},
};
#define N_BUGS (sizeof(BUGS) / sizeof(BUGS[0]))

/* Combination bugs (`selftest --combination`, docs/PLANTED.md): each needs
 * two or three conditions at once that no catalogue case combines, so the
 * fixed catalogue must MISS it (no finding at all) and `gatecrash fuzz` must
 * FIND it within the time bound, its first finding being of one of the two
 * oracles named. Not in BUGS: the plain selftest would rightly fail them. */
static const struct st_combo {
    struct st_bug bug; /* name and the main oracle */
    enum gc_oracle also; /* a first finding of this oracle counts too */
    const char *conditions;
} COMBOS[] = {
    {{"token-files-redecode", GC_OR_TRAVERSAL},
     GC_OR_AUTHZ_BYPASS,
     "/files + a valid bearer token + a double-encoded path in upper-case hex"},
    {{"proxy-token-sig-only", GC_OR_AUTHZ_BYPASS},
     GC_OR_IDENTITY_CONFUSION,
     "the trusted proxy as TLS peer + a token with a wrong iss/aud/exp/nbf"},
    {{"token-xff-trusted", GC_OR_AUTHZ_BYPASS},
     GC_OR_IDENTITY_CONFUSION,
     "a valid bearer token + X-Forwarded-For/Forwarded from a peer that is not the proxy"},
};
#define N_COMBOS (sizeof(COMBOS) / sizeof(COMBOS[0]))

/* One run: the clean server (bug == NULL) or one planted bug. */
struct st_run {
    const struct st_bug *bug;
    char dir[PATH_MAX];
    pid_t pid;
    double started_ms, wall_ms;
    /* from the child's result file */
    int ok; /* the run completed */
    char error[ST_LINE_MAX];
    size_t n_cases, n_findings, n_expected;
    size_t by_oracle[GC_OR_COUNT];
    char cases[ST_MAX_CASES][96]; /* distinct cases with an expected-oracle finding */
    size_t n_catch;
    double first_ms; /* first_seen_ms of the first expected-oracle finding; <0 none */
    double run_ms;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int run_passed(const struct st_run *r)
{
    if (!r->ok)
        return 0;
    return r->bug ? r->n_expected > 0 : r->n_findings == 0;
}

/* ---- child ----------------------------------------------------------------- */

/* Runs the catalogue, writes <dir>/selftest-result.txt: "cases N", "ms X",
 * then one "finding ORACLE CASE FIRST_SEEN_MS" line each; or "error TEXT". */
static int child_run(const struct st_run *r, const char *fixtures, const char *gatekeeper)
{
    struct gc_run_opts o = {
        .mode = GC_TARGET_EMBEDDED,
        .gatekeeper_bin = gatekeeper,
        .fixtures_dir = fixtures,
        .run_dir = r->dir,
        .reports_root = r->dir,
        .write_reports = 0,
        .quiet = 1,
        .supervise = 1,
        .jobs = 2,
    };
    if (r->bug) {
        o.gatekeeper_args[0] = "--plant";
        o.gatekeeper_args[1] = r->bug->name;
        o.n_gatekeeper_args = 2;
    }
    struct gc_run run;
    char err[ST_ERR_MAX] = "";
    struct gc__buf b = {0};
    if (gc_run_cases(&o, &run, err, sizeof(err)) != 0) {
        for (char *p = err; *p; p++)
            if (*p == '\n')
                *p = ' ';
        gc__buf_printf(&b, "error %s\n", err);
    } else {
        gc__buf_printf(&b, "cases %zu\nms %.1f\n", run.n_results, run.duration_ms);
        for (size_t i = 0; i < run.n_findings; i++)
            gc__buf_printf(&b, "finding %s %s %.1f\n", gc_oracle_name(run.findings[i].oracle),
                           run.findings[i].c->id, run.findings[i].first_seen_ms);
    }
    gc_run_free(&run);
    return gc__write_buf(r->dir, "selftest-result.txt", &b) == 0 ? 0 : ST_EXIT_ERR;
}

static int oracle_by_name(const char *s, enum gc_oracle *out)
{
    for (int o = 0; o < GC_OR_COUNT; o++)
        if (strcmp(s, gc_oracle_name((enum gc_oracle)o)) == 0) {
            *out = (enum gc_oracle)o;
            return 0;
        }
    return -1;
}

static void read_result(struct st_run *r)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/selftest-result.txt", r->dir);
    FILE *f = fopen(path, "r");
    r->first_ms = -1;
    if (!f) {
        snprintf(r->error, sizeof(r->error), "no result (%s)", strerror(errno));
        return;
    }
    char line[ST_LINE_MAX];
    int have_cases = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp++ = '\0';
        if (strcmp(line, "error") == 0) {
            snprintf(r->error, sizeof(r->error), "%s", sp);
        } else if (strcmp(line, "cases") == 0) {
            r->n_cases = strtoull(sp, NULL, 10);
            have_cases = 1;
        } else if (strcmp(line, "ms") == 0) {
            r->run_ms = strtod(sp, NULL);
        } else if (strcmp(line, "finding") == 0) {
            char *cid = strchr(sp, ' ');
            char *ms = cid ? strchr(cid + 1, ' ') : NULL;
            enum gc_oracle o;
            if (!ms)
                continue;
            *cid++ = '\0';
            *ms++ = '\0';
            if (oracle_by_name(sp, &o) != 0)
                continue;
            r->n_findings++;
            r->by_oracle[o]++;
            if (!r->bug || o != r->bug->oracle)
                continue;
            r->n_expected++;
            double t = strtod(ms, NULL);
            if (r->first_ms < 0 || t < r->first_ms)
                r->first_ms = t;
            size_t k = 0;
            while (k < r->n_catch && strcmp(r->cases[k], cid) != 0)
                k++;
            if (k == r->n_catch && r->n_catch < ST_MAX_CASES)
                snprintf(r->cases[r->n_catch++], sizeof(r->cases[0]), "%s", cid);
        }
    }
    fclose(f);
    r->ok = have_cases && r->error[0] == '\0';
}

/* ---- reports ---------------------------------------------------------------- */

static const char *run_name(const struct st_run *r)
{
    return r->bug ? r->bug->name : "(clean)";
}

static const char *run_expect(const struct st_run *r)
{
    return r->bug ? gc_oracle_name(r->bug->oracle) : "no finding";
}

static void detected_text(const struct st_run *r, char *out, size_t cap)
{
    if (!r->ok)
        snprintf(out, cap, "ERROR");
    else if (!r->bug)
        snprintf(out, cap, "%s (%zu findings)", r->n_findings == 0 ? "yes" : "NO", r->n_findings);
    else
        snprintf(out, cap, "%s", r->n_expected > 0 ? "yes" : "NO");
}

static void first_text(const struct st_run *r, char *out, size_t cap)
{
    if (r->bug && r->first_ms >= 0)
        snprintf(out, cap, "%.0f ms", r->first_ms);
    else
        snprintf(out, cap, "-");
}

static void print_table(const struct st_run *runs, size_t n, double wall_ms, const char *dir)
{
    printf("%-22s %-20s %-16s %6s %10s  %s\n", "bug", "expected oracle", "detected", "cases",
           "first", "catching cases (first 3)");
    for (size_t i = 0; i < n; i++) {
        const struct st_run *r = &runs[i];
        char det[64], first[32], list[320] = "";
        detected_text(r, det, sizeof(det));
        first_text(r, first, sizeof(first));
        size_t w = 0;
        for (size_t k = 0; k < r->n_catch && k < 3; k++) {
            int m = snprintf(list + w, sizeof(list) - w, "%s%s", k ? ", " : "", r->cases[k]);
            if (m < 0 || (size_t)m >= sizeof(list) - w)
                break;
            w += (size_t)m;
        }
        if (!r->ok)
            snprintf(list, sizeof(list), "%s", r->error);
        printf("%-22s %-20s %-16s %6zu %10s  %s\n", run_name(r), run_expect(r), det, r->n_catch,
               first, list);
    }
    size_t pass = 0;
    for (size_t i = 0; i < n; i++)
        pass += run_passed(&runs[i]);
    printf("selftest: %zu/%zu runs as expected in %.1f s wall; report: %s/selftest.html\n", pass, n,
           wall_ms / 1000.0, dir);
}

/* root as indented JSON into dir/name (atomically); consumes root. */
static int write_json(const char *dir, const char *name, json_t *root)
{
    char *js = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    struct gc__buf b = {0};
    if (js)
        gc__buf_printf(&b, "%s\n", js);
    else
        b.err = ENOMEM;
    free(js);
    return gc__write_buf(dir, name, &b);
}

static int write_reports(const struct st_run *runs, size_t n, double wall_ms, const char *dir,
                         const char *id)
{
    size_t pass = 0;
    for (size_t i = 0; i < n; i++)
        pass += run_passed(&runs[i]);
    int ok = pass == n;

    /* JSON */
    json_t *root = json_object();
    json_t *arr = json_array();
    json_object_set_new(root, "selftest_id", json_string(id));
    json_object_set_new(root, "wall_ms", json_real(wall_ms));
    json_object_set_new(root, "passed", json_boolean(ok));
    for (size_t i = 0; i < n; i++) {
        const struct st_run *r = &runs[i];
        json_t *e = json_object();
        json_t *cs = json_array();
        json_t *bo = json_object();
        for (size_t k = 0; k < r->n_catch; k++)
            json_array_append_new(cs, json_string(r->cases[k]));
        for (int o = 0; o < GC_OR_COUNT; o++)
            if (r->by_oracle[o])
                json_object_set_new(bo, gc_oracle_name((enum gc_oracle)o),
                                    json_integer((json_int_t)r->by_oracle[o]));
        json_object_set_new(e, "bug", r->bug ? json_string(r->bug->name) : json_null());
        json_object_set_new(e, "expected_oracle",
                            r->bug ? json_string(gc_oracle_name(r->bug->oracle)) : json_null());
        json_object_set_new(e, "completed", json_boolean(r->ok));
        if (!r->ok)
            json_object_set_new(e, "error", gc__json_str(r->error, strlen(r->error)));
        json_object_set_new(e, "as_expected", json_boolean(run_passed(r)));
        json_object_set_new(e, "cases_run", json_integer((json_int_t)r->n_cases));
        json_object_set_new(e, "findings", json_integer((json_int_t)r->n_findings));
        json_object_set_new(e, "findings_by_oracle", bo);
        json_object_set_new(e, "catching_cases", cs);
        json_object_set_new(e, "first_detection_ms",
                            r->first_ms >= 0 ? json_real(r->first_ms) : json_null());
        json_object_set_new(e, "run_wall_ms", json_real(r->wall_ms));
        json_array_append_new(arr, e);
    }
    json_object_set_new(root, "runs", arr);
    int rc = write_json(dir, "selftest.json", root);

    /* Markdown */
    struct gc__buf m = {0};
    gc__buf_printf(&m, "# gatecrash selftest %s\n\n%s: %zu/%zu runs as expected, %.1f s wall.\n\n",
                   id, ok ? "PASS" : "FAIL", pass, n, wall_ms / 1000.0);
    gc__buf_puts(&m, "| bug | expected oracle | detected | catching cases | first detection |\n"
                     "|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        char det[64], first[32];
        detected_text(&runs[i], det, sizeof(det));
        first_text(&runs[i], first, sizeof(first));
        gc__buf_printf(&m, "| `%s` | %s | %s | %zu | %s |\n", run_name(&runs[i]),
                       run_expect(&runs[i]), det, runs[i].n_catch, first);
    }
    rc |= gc__write_buf(dir, "selftest.md", &m);

    /* HTML */
    struct gc__buf h = {0};
    gc__buf_puts(&h, "<!doctype html><html><head><meta charset=\"utf-8\"><title>gatecrash "
                     "selftest</title><style>body{font-family:sans-serif}table{border-collapse:"
                     "collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}"
                     ".no{background:#fcc}.yes{background:#cfc}</style></head><body>");
    gc__buf_puts(&h, "<h1>gatecrash selftest ");
    gc__put_text(&h, id);
    gc__buf_printf(&h, "</h1><p>%s: %zu/%zu runs as expected, %.1f s wall.</p>",
                   ok ? "PASS" : "FAIL", pass, n, wall_ms / 1000.0);
    gc__buf_puts(&h, "<table><tr><th>bug</th><th>expected oracle</th><th>detected</th>"
                     "<th>catching cases</th><th>first detection</th></tr>");
    for (size_t i = 0; i < n; i++) {
        const struct st_run *r = &runs[i];
        char det[64], first[32];
        detected_text(r, det, sizeof(det));
        first_text(r, first, sizeof(first));
        gc__buf_printf(&h, "<tr class=\"%s\"><td><code>", run_passed(r) ? "yes" : "no");
        gc__put_text(&h, run_name(r));
        gc__buf_puts(&h, "</code></td><td>");
        gc__put_text(&h, run_expect(r));
        gc__buf_puts(&h, "</td><td>");
        gc__put_text(&h, det);
        gc__buf_printf(&h, "</td><td>%zu: ", r->n_catch);
        for (size_t k = 0; k < r->n_catch; k++) {
            gc__buf_puts(&h, k ? ", <code>" : "<code>");
            gc__put_text(&h, r->cases[k]);
            gc__buf_puts(&h, "</code>");
        }
        if (!r->ok)
            gc__put_text(&h, r->error);
        gc__buf_puts(&h, "</td><td>");
        gc__put_text(&h, first);
        gc__buf_puts(&h, "</td></tr>");
    }
    gc__buf_puts(&h, "</table></body></html>\n");
    rc |= gc__write_buf(dir, "selftest.html", &h);
    return rc;
}

/* ---- combination bugs (--combination) ------------------------------------------ */

struct st_combo_opts {
    int jobs;      /* child processes at a time */
    int fuzz_jobs; /* gatecrash fuzz --jobs */
    int time_s;    /* gatecrash fuzz --time: the detection bound */
    int n_seeds;   /* fuzz runs per bug: seeds seed, seed+1, ... */
    unsigned long long seed;
    int quiet;
    const char *gatekeeper;
};

/* One child process: the catalogue against one bug (seed_idx < 0), or one
 * fuzz run against it. */
struct st_combo_run {
    const struct st_combo *cb;
    int seed_idx;
    unsigned long long seed;
    struct st_run cat; /* the catalogue run (child_run / read_result); cat.dir is the dir */
    pid_t pid;
    double started_ms, wall_ms;
    int ok;
    char error[ST_LINE_MAX];
    /* fuzz: from <dir>/run/fuzz.json */
    double first_ms; /* first finding since the fuzzing clock started; < 0 none */
    char first_oracle[32];
    size_t execs, harness_errors, findings;
    double duration_s;
};

static int combo_oracle_ok(const struct st_combo *cb, const char *name)
{
    return strcmp(name, gc_oracle_name(cb->bug.oracle)) == 0 ||
           strcmp(name, gc_oracle_name(cb->also)) == 0;
}

/* The fuzzer, in this (forked) process: stdout and stderr to <dir>/fuzz.log. */
static int child_fuzz(const struct st_combo_run *r, const char *fixtures,
                      const struct st_combo_opts *o)
{
    char log[PATH_MAX + 16], out[PATH_MAX + 16], corpus[PATH_MAX + 16], cases[PATH_MAX + 16];
    char a_time[ST_ARG_MAX], a_seed[ST_ARG_MAX], a_jobs[ST_ARG_MAX];
    snprintf(log, sizeof(log), "%s/fuzz.log", r->cat.dir);
    snprintf(out, sizeof(out), "%s/run", r->cat.dir);
    snprintf(corpus, sizeof(corpus), "%s/corpus", r->cat.dir);
    snprintf(cases, sizeof(cases), "%s/cases", r->cat.dir);
    snprintf(a_time, sizeof(a_time), "%d", o->time_s);
    snprintf(a_seed, sizeof(a_seed), "%llu", r->seed);
    snprintf(a_jobs, sizeof(a_jobs), "%d", o->fuzz_jobs);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
        return ST_EXIT_ERR;
    close(fd);
    /* The fixed catalogue's regression cases are not the fuzzer's business. */
    setenv(GC_FUZZ_CASES_ENV, "", 1);
    char *argv[ST_ARG_MAX];
    int n = 0;
    argv[n++] = "fuzz";
    argv[n++] = "--time";
    argv[n++] = a_time;
    argv[n++] = "--seed";
    argv[n++] = a_seed;
    argv[n++] = "--jobs";
    argv[n++] = a_jobs;
    argv[n++] = "--fixtures";
    argv[n++] = (char *)fixtures;
    argv[n++] = "--out";
    argv[n++] = out;
    argv[n++] = "--corpus";
    argv[n++] = corpus;
    argv[n++] = "--cases-dir";
    argv[n++] = cases;
    argv[n++] = "--stop-on-finding";
    argv[n++] = "--quiet";
    argv[n++] = "--gatekeeper-arg";
    argv[n++] = "--plant";
    argv[n++] = "--gatekeeper-arg";
    argv[n++] = (char *)r->cb->bug.name;
    if (o->gatekeeper != NULL) {
        argv[n++] = "--gatekeeper";
        argv[n++] = (char *)o->gatekeeper;
    }
    argv[n] = NULL;
    int rc = gc_cmd_fuzz(n, argv);
    fflush(stdout);
    fflush(stderr);
    return rc == 2 ? ST_EXIT_ERR : 0; /* 0 clean and 1 findings are both results */
}

static void read_fuzz_result(struct st_combo_run *r)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/run/fuzz.json", r->cat.dir);
    r->first_ms = -1;
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (j == NULL) {
        char msg[sizeof(r->error)];
        snprintf(msg, sizeof(msg), "no fuzz.json (%s; see %s/fuzz.log)", je.text, r->cat.dir);
        memcpy(r->error, msg, sizeof(r->error));
        return;
    }
    json_t *fm = json_object_get(j, "first_finding_ms");
    const char *fo = json_string_value(json_object_get(j, "first_finding_oracle"));
    if (json_is_number(fm) && fo != NULL) {
        r->first_ms = json_number_value(fm);
        snprintf(r->first_oracle, sizeof(r->first_oracle), "%s", fo);
    }
    r->execs = (size_t)json_integer_value(json_object_get(j, "execs"));
    r->harness_errors = (size_t)json_integer_value(json_object_get(j, "harness_errors"));
    r->findings = json_array_size(json_object_get(j, "findings"));
    r->duration_s = json_number_value(json_object_get(j, "duration_s"));
    r->ok = 1;
    json_decref(j);
}

static int combo_run_passed(const struct st_combo_run *r, int time_s)
{
    if (!r->ok)
        return 0;
    if (r->seed_idx < 0)
        return r->cat.ok && r->cat.n_findings == 0; /* the catalogue must miss it */
    return r->first_ms >= 0 && r->first_ms <= time_s * 1000.0 &&
           combo_oracle_ok(r->cb, r->first_oracle);
}

/* Per bug: the catalogue run, then its fuzz runs (runs are laid out that way). */
struct st_combo_row {
    const struct st_combo_run *cat;
    const struct st_combo_run *fz;
    size_t n_fz;
    double median_ms, max_ms; /* over the seeds; < 0 when one did not detect */
    int passed;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void combo_row(struct st_combo_row *row, int time_s)
{
    double t[ST_COMBO_MAX_SEEDS];
    size_t n = 0;
    row->passed = combo_run_passed(row->cat, time_s);
    for (size_t i = 0; i < row->n_fz; i++) {
        row->passed &= combo_run_passed(&row->fz[i], time_s);
        if (row->fz[i].first_ms >= 0)
            t[n++] = row->fz[i].first_ms;
    }
    row->median_ms = row->max_ms = -1;
    if (n == row->n_fz && n > 0) {
        qsort(t, n, sizeof(t[0]), cmp_double);
        row->median_ms = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
        row->max_ms = t[n - 1];
    }
}

static void catalogue_text(const struct st_combo_run *r, char *out, size_t cap)
{
    if (!r->ok || !r->cat.ok)
        snprintf(out, cap, "ERROR");
    else if (r->cat.n_findings == 0)
        snprintf(out, cap, "missed (%zu cases)", r->cat.n_cases);
    else
        snprintf(out, cap, "CAUGHT (%zu findings)", r->cat.n_findings);
}

static void seed_text(const struct st_combo_run *r, char *out, size_t cap)
{
    if (!r->ok)
        snprintf(out, cap, "ERROR");
    else if (r->first_ms < 0)
        snprintf(out, cap, "NOT FOUND");
    else
        snprintf(out, cap, "%.1f s %s%s", r->first_ms / 1000.0, r->first_oracle,
                 combo_oracle_ok(r->cb, r->first_oracle) ? "" : " (UNEXPECTED)");
}

static void secs_text(double ms, char *out, size_t cap)
{
    if (ms < 0)
        snprintf(out, cap, "-");
    else
        snprintf(out, cap, "%.1f s", ms / 1000.0);
}

static int combo_reports(const struct st_combo_row *rows, size_t n_rows,
                         const struct st_combo_opts *o, double wall_ms, const char *dir,
                         const char *id)
{
    size_t pass = 0;
    for (size_t i = 0; i < n_rows; i++)
        pass += (size_t)rows[i].passed;
    json_t *root = json_object(), *arr = json_array();
    json_object_set_new(root, "selftest_id", json_string(id));
    json_object_set_new(root, "mode", json_string("combination"));
    json_object_set_new(root, "wall_ms", json_real(wall_ms));
    json_object_set_new(root, "fuzz_time_bound_s", json_integer(o->time_s));
    json_object_set_new(root, "fuzz_jobs", json_integer(o->fuzz_jobs));
    json_object_set_new(root, "passed", json_boolean(pass == n_rows));
    for (size_t i = 0; i < n_rows; i++) {
        const struct st_combo_row *w = &rows[i];
        json_t *e = json_object(), *seeds = json_array(), *ok_or = json_array();
        json_array_append_new(ok_or, json_string(gc_oracle_name(w->cat->cb->bug.oracle)));
        json_array_append_new(ok_or, json_string(gc_oracle_name(w->cat->cb->also)));
        json_object_set_new(e, "bug", json_string(w->cat->cb->bug.name));
        json_object_set_new(e, "conditions", json_string(w->cat->cb->conditions));
        json_object_set_new(e, "expected_oracles", ok_or);
        json_object_set_new(e, "catalogue_completed", json_boolean(w->cat->ok && w->cat->cat.ok));
        json_object_set_new(e, "catalogue_cases", json_integer((json_int_t)w->cat->cat.n_cases));
        json_object_set_new(e, "catalogue_findings",
                            json_integer((json_int_t)w->cat->cat.n_findings));
        json_object_set_new(e, "catalogue_missed",
                            json_boolean(combo_run_passed(w->cat, o->time_s)));
        for (size_t k = 0; k < w->n_fz; k++) {
            const struct st_combo_run *r = &w->fz[k];
            json_t *s = json_object();
            json_object_set_new(s, "seed", json_integer((json_int_t)r->seed));
            json_object_set_new(s, "completed", json_boolean(r->ok));
            if (r->error[0])
                json_object_set_new(s, "error", gc__json_str(r->error, strlen(r->error)));
            json_object_set_new(s, "first_detection_ms",
                                r->first_ms >= 0 ? json_real(r->first_ms) : json_null());
            json_object_set_new(s, "first_oracle",
                                r->first_ms >= 0 ? json_string(r->first_oracle) : json_null());
            json_object_set_new(s, "execs", json_integer((json_int_t)r->execs));
            json_object_set_new(s, "harness_errors", json_integer((json_int_t)r->harness_errors));
            json_object_set_new(s, "detected", json_boolean(combo_run_passed(r, o->time_s)));
            json_array_append_new(seeds, s);
        }
        json_object_set_new(e, "fuzz", seeds);
        json_object_set_new(e, "median_detection_ms",
                            w->median_ms >= 0 ? json_real(w->median_ms) : json_null());
        json_object_set_new(e, "max_detection_ms",
                            w->max_ms >= 0 ? json_real(w->max_ms) : json_null());
        json_object_set_new(e, "as_expected", json_boolean(w->passed));
        json_array_append_new(arr, e);
    }
    json_object_set_new(root, "bugs", arr);
    int rc = write_json(dir, "selftest-combination.json", root);

    struct gc__buf m = {0}, h = {0};
    gc__buf_printf(&m,
                   "# gatecrash selftest --combination %s\n\n%s: %zu/%zu bugs as expected, "
                   "%.1f s wall. Catalogue must miss; `gatecrash fuzz --jobs %d "
                   "--stop-on-finding` must find within %d s.\n\n"
                   "| bug | conditions | catalogue | time to detect (seed: time, oracle) | "
                   "median | max |\n|---|---|---|---|---|---|\n",
                   id, pass == n_rows ? "PASS" : "FAIL", pass, n_rows, wall_ms / 1000.0,
                   o->fuzz_jobs, o->time_s);
    gc__buf_puts(&h, "<!doctype html><html><head><meta charset=\"utf-8\"><title>gatecrash "
                     "selftest --combination</title><style>body{font-family:sans-serif}table{"
                     "border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;"
                     "text-align:left}.no{background:#fcc}.yes{background:#cfc}</style></head>"
                     "<body><h1>gatecrash selftest --combination ");
    gc__put_text(&h, id);
    gc__buf_printf(&h,
                   "</h1><p>%s: %zu/%zu bugs as expected, %.1f s wall; bound %d s.</p><table>"
                   "<tr><th>bug</th><th>conditions</th><th>catalogue</th><th>time to detect"
                   "</th><th>median</th><th>max</th></tr>",
                   pass == n_rows ? "PASS" : "FAIL", pass, n_rows, wall_ms / 1000.0, o->time_s);
    for (size_t i = 0; i < n_rows; i++) {
        const struct st_combo_row *w = &rows[i];
        char cat[64], med[32], mx[32], seeds[512] = "";
        catalogue_text(w->cat, cat, sizeof(cat));
        secs_text(w->median_ms, med, sizeof(med));
        secs_text(w->max_ms, mx, sizeof(mx));
        size_t off = 0;
        for (size_t k = 0; k < w->n_fz; k++) {
            char st[96];
            seed_text(&w->fz[k], st, sizeof(st));
            int q = snprintf(seeds + off, sizeof(seeds) - off, "%s%llu: %s", k ? "; " : "",
                             w->fz[k].seed, st);
            if (q < 0 || (size_t)q >= sizeof(seeds) - off)
                break;
            off += (size_t)q;
        }
        gc__buf_printf(&m, "| `%s` | %s | %s | %s | %s | %s |\n", w->cat->cb->bug.name,
                       w->cat->cb->conditions, cat, seeds, med, mx);
        gc__buf_printf(&h, "<tr class=\"%s\"><td><code>", w->passed ? "yes" : "no");
        gc__put_text(&h, w->cat->cb->bug.name);
        gc__buf_puts(&h, "</code></td><td>");
        gc__put_text(&h, w->cat->cb->conditions);
        gc__buf_puts(&h, "</td><td>");
        gc__put_text(&h, cat);
        gc__buf_puts(&h, "</td><td>");
        gc__put_text(&h, seeds);
        gc__buf_puts(&h, "</td><td>");
        gc__put_text(&h, med);
        gc__buf_puts(&h, "</td><td>");
        gc__put_text(&h, mx);
        gc__buf_puts(&h, "</td></tr>");
    }
    gc__buf_puts(&h, "</table></body></html>\n");
    rc |= gc__write_buf(dir, "selftest-combination.md", &m);
    rc |= gc__write_buf(dir, "selftest-combination.html", &h);
    return rc;
}

static int combination_main(const struct st_combo_opts *o, const char *const *only, size_t n_only,
                            const char *dir, const char *fx, const char *id)
{
    static struct st_combo_run runs[N_COMBOS * (1 + ST_COMBO_MAX_SEEDS)];
    struct st_combo_row rows[N_COMBOS];
    size_t n = 0, n_rows = 0;
    memset(runs, 0, sizeof(runs));
    for (size_t k = 0; k < N_COMBOS; k++) {
        int want = n_only == 0;
        for (size_t q = 0; q < n_only; q++)
            want |= strcmp(only[q], COMBOS[k].bug.name) == 0;
        if (!want)
            continue;
        rows[n_rows] =
            (struct st_combo_row){.cat = &runs[n], .fz = &runs[n + 1], .n_fz = (size_t)o->n_seeds};
        n_rows++;
        for (int s = -1; s < o->n_seeds; s++) {
            struct st_combo_run *r = &runs[n++];
            r->cb = &COMBOS[k];
            r->seed_idx = s;
            r->seed = o->seed + (unsigned long long)(s < 0 ? 0 : s);
            r->cat.bug = &COMBOS[k].bug;
            int w = s < 0 ? snprintf(r->cat.dir, sizeof(r->cat.dir), "%s/%s-catalogue", dir,
                                     COMBOS[k].bug.name)
                          : snprintf(r->cat.dir, sizeof(r->cat.dir), "%s/%s-fuzz-seed%llu", dir,
                                     COMBOS[k].bug.name, r->seed);
            if (w < 0 || (size_t)w >= sizeof(r->cat.dir) || mkdir(r->cat.dir, 0755) != 0) {
                fprintf(stderr, "gatecrash selftest: %s: %s\n", r->cat.dir, strerror(errno));
                return ST_EXIT_ERR;
            }
        }
    }
    fflush(stdout);
    fflush(stderr);
    double t0 = now_ms();
    size_t next = 0, running = 0, done = 0;
    while (done < n) {
        while (running < (size_t)o->jobs && next < n) {
            struct st_combo_run *r = &runs[next++];
            r->started_ms = now_ms();
            pid_t pid = fork();
            if (pid < 0) {
                snprintf(r->error, sizeof(r->error), "fork: %s", strerror(errno));
                done++;
                continue;
            }
            if (pid == 0) {
                if (r->seed_idx >= 0)
                    _exit(child_fuzz(r, fx, o));
                setenv(GC_FUZZ_CASES_ENV, "", 1); /* the fixed catalogue only */
                _exit(child_run(&r->cat, fx, o->gatekeeper));
            }
            r->pid = pid;
            running++;
        }
        if (running == 0)
            continue;
        int ws;
        pid_t pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            struct st_combo_run *r = &runs[i];
            if (r->pid != pid)
                continue;
            r->pid = 0;
            r->wall_ms = now_ms() - r->started_ms;
            if (r->seed_idx < 0) {
                read_result(&r->cat);
                r->ok = r->cat.ok;
                _Static_assert(sizeof(r->error) == sizeof(r->cat.error), "same size");
                memcpy(r->error, r->cat.error, sizeof(r->error));
            } else {
                read_fuzz_result(r);
            }
            if ((!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) && r->error[0] == '\0')
                snprintf(r->error, sizeof(r->error), "run process status 0x%x", (unsigned)ws);
            if (r->error[0])
                r->ok = 0;
            running--;
            done++;
            if (!o->quiet) {
                char t[96];
                if (r->seed_idx < 0)
                    catalogue_text(r, t, sizeof(t));
                else
                    seed_text(r, t, sizeof(t));
                fprintf(stderr, "selftest: %-22s %-16s %s (%.1f s)\n", r->cb->bug.name,
                        r->seed_idx < 0 ? "catalogue" : "fuzz", t, r->wall_ms / 1000.0);
                if (r->error[0])
                    fprintf(stderr, "selftest:   %s\n", r->error);
            }
            break;
        }
    }
    double wall = now_ms() - t0;
    size_t pass = 0, errors = 0;
    for (size_t i = 0; i < n_rows; i++) {
        combo_row(&rows[i], o->time_s);
        pass += (size_t)rows[i].passed;
    }
    for (size_t i = 0; i < n; i++)
        errors += !runs[i].ok;
    if (!o->quiet) {
        printf("%-22s %-22s %-44s %8s %8s\n", "bug", "catalogue", "fuzz: seed time oracle",
               "median", "max");
        for (size_t i = 0; i < n_rows; i++) {
            const struct st_combo_row *w = &rows[i];
            char cat[64], med[32], mx[32];
            catalogue_text(w->cat, cat, sizeof(cat));
            secs_text(w->median_ms, med, sizeof(med));
            secs_text(w->max_ms, mx, sizeof(mx));
            for (size_t k = 0; k < w->n_fz; k++) {
                char st[96], col[128];
                seed_text(&w->fz[k], st, sizeof(st));
                snprintf(col, sizeof(col), "%llu: %s", w->fz[k].seed, st);
                printf("%-22s %-22s %-44s %8s %8s\n", k == 0 ? w->cat->cb->bug.name : "",
                       k == 0 ? cat : "", col, k == 0 ? med : "", k == 0 ? mx : "");
            }
        }
    }
    printf("selftest --combination: %zu/%zu bugs as expected (catalogue missed, fuzz found "
           "within %d s) in %.1f s wall; report: %s/selftest-combination.html\n",
           pass, n_rows, o->time_s, wall / 1000.0, dir);
    if (combo_reports(rows, n_rows, o, wall, dir, id) != 0) {
        fprintf(stderr, "gatecrash selftest: writing the report: %s\n", strerror(errno));
        return ST_EXIT_ERR;
    }
    if (errors > 0)
        return ST_EXIT_ERR;
    return pass == n_rows ? ST_EXIT_OK : ST_EXIT_FAIL;
}

/* ---- command ----------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gatecrash selftest [--jobs N] [--only BUG]... [--gatekeeper PATH]\n"
            "                          [--reports DIR] [--quiet] [--list]\n"
            "       gatecrash selftest --combination [--seeds N] [--seed S] [--fuzz-time T]\n"
            "                          [--fuzz-jobs N] [--jobs N] [--only BUG]... ...\n\n"
            "Start gatekeeper once clean and once per planted bug (--plant NAME), run the\n"
            "default catalogue against each, and check that the clean server yields no\n"
            "finding and every bug a finding of its expected oracle. Prints a table and\n"
            "writes <reports>/runs/<id>/selftest.{json,md,html}. Exit 0 when all is as\n"
            "expected, 1 otherwise, 2 on a setup error. Needs a gatekeeper built with\n"
            "GK_PLANTED_BUGS (dev, asan presets).\n\n"
            "  --jobs N           runs at a time (default %d)\n"
            "  --only BUG         this bug only (repeatable); the clean run always runs\n"
            "  --gatekeeper PATH  gatekeeper binary (default: next to gatecrash)\n"
            "  --reports DIR      reports root (default: reports)\n"
            "  --quiet            only the verdict line\n"
            "  --list             the bugs and their expected oracles\n\n"
            "--combination: the combination bugs instead (docs/PLANTED.md). For each, the\n"
            "fixed catalogue (no regression cases) must miss it, and `gatecrash fuzz\n"
            "--stop-on-finding` must find it within --fuzz-time seconds with every seed;\n"
            "prints the time-to-detect table, writes selftest-combination.{json,md,html}.\n"
            "Takes minutes: not part of ci/test.sh.\n"
            "  --seeds N          fuzz runs per bug, seeds S..S+N-1 (default 1, max %d)\n"
            "  --seed S           first seed (default %d)\n"
            "  --fuzz-time T      the bound, seconds (default %d)\n"
            "  --fuzz-jobs N      gatecrash fuzz --jobs (default 1: deterministic per seed)\n"
            "  --jobs N           child processes at a time (default %d here)\n",
            ST_DEFAULT_JOBS, ST_COMBO_MAX_SEEDS, ST_COMBO_DEFAULT_SEED, ST_COMBO_FUZZ_TIME_S,
            ST_COMBO_DEFAULT_JOBS);
}

static int parse_jobs(const char *s, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > ST_MAX_JOBS)
        return -1;
    *out = (int)v;
    return 0;
}

int gc_cmd_selftest(int argc, char **argv)
{
    enum {
        OPT_JOBS = 1, OPT_ONLY, OPT_GK, OPT_REPORTS, OPT_QUIET, OPT_LIST, OPT_HELP, OPT_COMBO,
        OPT_SEEDS, OPT_SEED, OPT_FTIME, OPT_FJOBS
    };
    static const struct option LONG_OPTS[] = {
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"only", required_argument, NULL, OPT_ONLY},
        {"gatekeeper", required_argument, NULL, OPT_GK},
        {"reports", required_argument, NULL, OPT_REPORTS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"list", no_argument, NULL, OPT_LIST},
        {"help", no_argument, NULL, OPT_HELP},
        {"combination", no_argument, NULL, OPT_COMBO},
        {"seeds", required_argument, NULL, OPT_SEEDS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"fuzz-time", required_argument, NULL, OPT_FTIME},
        {"fuzz-jobs", required_argument, NULL, OPT_FJOBS},
        {NULL, 0, NULL, 0},
    };
    int jobs = 0, quiet = 0, combination = 0, list = 0;
    struct st_combo_opts co = {.fuzz_jobs = 1,
                               .time_s = ST_COMBO_FUZZ_TIME_S,
                               .n_seeds = 1,
                               .seed = ST_COMBO_DEFAULT_SEED};
    const char *gatekeeper = NULL, *reports = "reports";
    const char *only[ST_MAX_ONLY];
    size_t n_only = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", LONG_OPTS, NULL)) != -1) {
        switch (c) {
        case OPT_JOBS:
            if (parse_jobs(optarg, &jobs) != 0) {
                fprintf(stderr, "gatecrash selftest: --jobs %s: want 1..%d\n", optarg, ST_MAX_JOBS);
                return ST_EXIT_ERR;
            }
            break;
        case OPT_ONLY: /* checked against the table below, once the mode is known */
            if (n_only == ST_MAX_ONLY) {
                fprintf(stderr, "gatecrash selftest: at most %d --only\n", ST_MAX_ONLY);
                return ST_EXIT_ERR;
            }
            only[n_only++] = optarg;
            break;
        case OPT_COMBO:
            combination = 1;
            break;
        case OPT_SEEDS:
        case OPT_FTIME:
        case OPT_FJOBS: {
            char *end = NULL;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            long hi = c == OPT_SEEDS ? ST_COMBO_MAX_SEEDS
                      : c == OPT_FTIME ? ST_COMBO_MAX_TIME_S
                                       : ST_MAX_JOBS;
            if (errno != 0 || end == optarg || *end != '\0' || v < 1 || v > hi) {
                fprintf(stderr, "gatecrash selftest: --%s %s: want 1..%ld\n",
                        c == OPT_SEEDS ? "seeds" : c == OPT_FTIME ? "fuzz-time" : "fuzz-jobs",
                        optarg, hi);
                return ST_EXIT_ERR;
            }
            if (c == OPT_SEEDS)
                co.n_seeds = (int)v;
            else if (c == OPT_FTIME)
                co.time_s = (int)v;
            else
                co.fuzz_jobs = (int)v;
            break;
        }
        case OPT_SEED: {
            char *end = NULL;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 0);
            if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' || v == 0) {
                fprintf(stderr, "gatecrash selftest: --seed %s: want a non-zero integer\n",
                        optarg);
                return ST_EXIT_ERR;
            }
            co.seed = v;
            break;
        }
        case OPT_GK:
            gatekeeper = optarg;
            break;
        case OPT_REPORTS:
            reports = optarg;
            break;
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_LIST:
            list = 1;
            break;
        case OPT_HELP:
        case 'h':
            usage(stdout);
            return ST_EXIT_OK;
        default:
            fprintf(stderr, "gatecrash selftest: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return ST_EXIT_ERR;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "gatecrash selftest: unexpected argument '%s'\n", argv[optind]);
        return ST_EXIT_ERR;
    }
    if (list) {
        for (size_t k = 0; !combination && k < N_BUGS; k++)
            printf("%-22s %s\n", BUGS[k].name, gc_oracle_name(BUGS[k].oracle));
        for (size_t k = 0; combination && k < N_COMBOS; k++)
            printf("%-22s %s or %s: %s\n", COMBOS[k].bug.name,
                   gc_oracle_name(COMBOS[k].bug.oracle), gc_oracle_name(COMBOS[k].also),
                   COMBOS[k].conditions);
        return ST_EXIT_OK;
    }
    for (size_t q = 0; q < n_only; q++) {
        size_t k = 0, n_known = combination ? N_COMBOS : N_BUGS;
        while (k < n_known &&
               strcmp(combination ? COMBOS[k].bug.name : BUGS[k].name, only[q]) != 0)
            k++;
        if (k == n_known) {
            fprintf(stderr, "gatecrash selftest: --only %s: unknown %sbug (see %s--list)\n",
                    only[q], combination ? "combination " : "",
                    combination ? "--combination " : "");
            return ST_EXIT_ERR;
        }
    }
    if (jobs == 0)
        jobs = combination ? ST_COMBO_DEFAULT_JOBS : ST_DEFAULT_JOBS;
    co.jobs = jobs;
    co.quiet = quiet;
    co.gatekeeper = gatekeeper;

    /* reports/runs/<id>/: fixtures, one dir per run, the table. */
    char id[64], stamp[32], dir[PATH_MAX], fx[PATH_MAX];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(id, sizeof(id), "selftest-%s%s-%d", combination ? "combination-" : "", stamp,
             (int)getpid());
    char runs_dir[PATH_MAX];
    if (snprintf(runs_dir, sizeof(runs_dir), "%s/runs", reports) >= (int)sizeof(runs_dir) ||
        snprintf(dir, sizeof(dir), "%s/%s", runs_dir, id) >= (int)sizeof(dir) ||
        snprintf(fx, sizeof(fx), "%s/fixtures", dir) >= (int)sizeof(fx)) {
        fprintf(stderr, "gatecrash selftest: reports path too long\n");
        return ST_EXIT_ERR;
    }
    /* 0755: gatekeeper started as root reads the fixtures as nobody. */
    (void)mkdir(reports, 0755);
    (void)mkdir(runs_dir, 0755);
    if (mkdir(dir, 0755) != 0 || chmod(dir, 0755) != 0) {
        fprintf(stderr, "gatecrash selftest: %s: %s\n", dir, strerror(errno));
        return ST_EXIT_ERR;
    }
    char err[ST_ERR_MAX] = "";
    struct gc_fixtures_opts fo = {.dir = fx};
    if (gc_fixtures_generate(&fo, err, sizeof(err)) != 0) {
        fprintf(stderr, "gatecrash selftest: fixtures: %s\n", err);
        return ST_EXIT_ERR;
    }
    if (combination)
        return combination_main(&co, only, n_only, dir, fx, id);

    static struct st_run runs[N_BUGS + 1];
    size_t n = 0;
    memset(runs, 0, sizeof(runs));
    runs[n++].bug = NULL;
    for (size_t k = 0; k < N_BUGS; k++) {
        int want = n_only == 0;
        for (size_t q = 0; q < n_only; q++)
            want |= strcmp(only[q], BUGS[k].name) == 0;
        if (want)
            runs[n++].bug = &BUGS[k];
    }
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(runs[i].dir, sizeof(runs[i].dir), "%s/%s", dir,
                         runs[i].bug ? runs[i].bug->name : "clean");
        if (w < 0 || (size_t)w >= sizeof(runs[i].dir) || mkdir(runs[i].dir, 0755) != 0) {
            fprintf(stderr, "gatecrash selftest: %s: %s\n", runs[i].dir, strerror(errno));
            return ST_EXIT_ERR;
        }
    }

    fflush(stdout);
    fflush(stderr);
    double t0 = now_ms();
    size_t next = 0, running = 0, done = 0;
    while (done < n) {
        while (running < (size_t)jobs && next < n) {
            struct st_run *r = &runs[next++];
            r->started_ms = now_ms();
            pid_t pid = fork();
            if (pid < 0) {
                snprintf(r->error, sizeof(r->error), "fork: %s", strerror(errno));
                done++;
                continue;
            }
            if (pid == 0)
                _exit(child_run(r, fx, gatekeeper));
            r->pid = pid;
            running++;
        }
        if (running == 0)
            continue;
        int ws;
        pid_t pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (runs[i].pid != pid)
                continue;
            runs[i].pid = 0;
            runs[i].wall_ms = now_ms() - runs[i].started_ms;
            read_result(&runs[i]);
            if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
                if (runs[i].error[0] == '\0')
                    snprintf(runs[i].error, sizeof(runs[i].error), "run process status 0x%x",
                             (unsigned)ws);
            if (runs[i].error[0])
                runs[i].ok = 0;
            running--;
            done++;
            if (!quiet) {
                char det[64];
                detected_text(&runs[i], det, sizeof(det));
                fprintf(stderr, "selftest: %-22s %-18s %s (%.1f s)\n", run_name(&runs[i]),
                        run_expect(&runs[i]), det, runs[i].wall_ms / 1000.0);
            }
            break;
        }
    }
    double wall = now_ms() - t0;
    size_t pass = 0;
    for (size_t i = 0; i < n; i++)
        pass += run_passed(&runs[i]);
    if (!quiet)
        print_table(runs, n, wall, dir);
    else
        printf("selftest: %zu/%zu runs as expected in %.1f s wall; report: %s/selftest.html\n",
               pass, n, wall / 1000.0, dir);
    if (write_reports(runs, n, wall, dir, id) != 0) {
        fprintf(stderr, "gatecrash selftest: writing the report: %s\n", strerror(errno));
        return ST_EXIT_ERR;
    }
    for (size_t i = 0; i < n; i++)
        if (!runs[i].ok)
            return ST_EXIT_ERR;
    return pass == n ? ST_EXIT_OK : ST_EXIT_FAIL;
}
