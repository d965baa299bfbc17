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
    char *js = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    struct gc__buf b = {0};
    if (js)
        gc__buf_printf(&b, "%s\n", js);
    else
        b.err = ENOMEM;
    free(js);
    int rc = gc__write_buf(dir, "selftest.json", &b);

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

/* ---- command ----------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gatecrash selftest [--jobs N] [--only BUG]... [--gatekeeper PATH]\n"
            "                          [--reports DIR] [--quiet] [--list]\n\n"
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
            "  --list             the bugs and their expected oracles\n",
            ST_DEFAULT_JOBS);
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
    enum { OPT_JOBS = 1, OPT_ONLY, OPT_GK, OPT_REPORTS, OPT_QUIET, OPT_LIST, OPT_HELP };
    static const struct option LONG_OPTS[] = {
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"only", required_argument, NULL, OPT_ONLY},
        {"gatekeeper", required_argument, NULL, OPT_GK},
        {"reports", required_argument, NULL, OPT_REPORTS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"list", no_argument, NULL, OPT_LIST},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int jobs = ST_DEFAULT_JOBS, quiet = 0;
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
        case OPT_ONLY: {
            size_t k = 0;
            while (k < N_BUGS && strcmp(BUGS[k].name, optarg) != 0)
                k++;
            if (k == N_BUGS || n_only == ST_MAX_ONLY) {
                fprintf(stderr, "gatecrash selftest: --only %s: unknown bug (see --list)\n",
                        optarg);
                return ST_EXIT_ERR;
            }
            only[n_only++] = optarg;
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
            for (size_t k = 0; k < N_BUGS; k++)
                printf("%-22s %s\n", BUGS[k].name, gc_oracle_name(BUGS[k].oracle));
            return ST_EXIT_OK;
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

    /* reports/runs/<id>/: fixtures, one dir per run, the table. */
    char id[64], stamp[32], dir[PATH_MAX], fx[PATH_MAX];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(id, sizeof(id), "selftest-%s-%d", stamp, (int)getpid());
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
