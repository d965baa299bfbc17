/* harness/cmd_run.c: `gatecrash run` and `gatecrash bench` (cli.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "bench.h"
#include "cli.h"
#include "result.h"
#include "runner.h"
#include "runner_internal.h"

#define CMD_EXIT_OK 0
#define CMD_EXIT_ERR 2
#define CMD_ERR_MAX 1024
#define CMD_MAX_TIMEOUT_MS 600000

static void run_usage(FILE *out)
{
    fprintf(
        out,
        "usage: gatecrash run [PREFIX...] [options]\n\n"
        "Run the case catalogue (or the cases whose id starts with a PREFIX) against a\n"
        "target, judge every answer with the oracles, write a reproducer for each finding\n"
        "and the reports. Exit 0 clean, 1 findings or an unexpected pass, 2 harness error.\n\n"
        "target (default: gatekeeper, started on generated fixtures under the supervisor):\n"
        "  --target-cmd CMD       start CMD (split on blanks, no shell) with\n"
        "                         GATECRASH_FIXTURES=<fixtures>/target and GATECRASH_PORT=<port>\n"
        "  --target-url URL       an already running target, https://127.0.0.1:PORT or\n"
        "                         https://localhost:PORT (loopback only; black-box oracles\n"
        "                         only; needs --fixtures)\n"
        "  --gatekeeper PATH      gatekeeper binary (default: next to gatecrash in the build\n"
        "                         tree: ../reference-server/server/gatekeeper, then ./gatekeeper)\n"
        "  --gatekeeper-arg ARG   extra gatekeeper argument, repeatable (e.g. --plant alg-none)\n"
        "  --no-supervise         launch without the seccomp supervisor (no exec/connect "
        "evidence)\n"
        "  --manifest FILE        JSON {\"implements\": "
        "[\"cert\",\"jwt\",\"forwarded\",\"files\",\n"
        "                         \"run\",\"internal\"]}: cases for other parts are UNIMPLEMENTED\n"
        "                         (default: the target implements everything)\n\n"
        "inputs and outputs:\n"
        "  --fixtures DIR         use this fixture dir (default: generate one into\n"
        "                         <run dir>/fixtures, seeded by --seed)\n"
        "  --reports DIR          reports root (default: reports); the run goes to\n"
        "                         DIR/runs/<run id>/ and DIR/latest points at it\n"
        "  --out DIR              the run directory itself (default: <reports>/runs/<run id>)\n"
        "  --xfail FILE           expected failures: case or finding ids, one a line, '#'\n"
        "                         comments; a listed case that passes fails the run (XPASS)\n"
        "  --baseline FILE        known findings (a previous summary.json or a list of ids):\n"
        "                         only new findings fail the run\n\n"
        "execution:\n"
        "  --jobs N               parallel workers for the request-only cases\n"
        "                         (default: number of CPUs)\n"
        "  --seed S               seed for the fixtures (default: from the clock; recorded)\n"
        "  --timeout MS           per request (default: 5000)\n"
        "  --quiet                no progress line\n"
        "  --help                 this text\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static void print_summary(const struct gc_run *run, const char *run_dir, int wrote_reports)
{
    size_t by[GC_OUT_ERROR + 1] = {0};
    size_t by_oracle[GC_OR_COUNT] = {0};
    for (size_t i = 0; i < run->n_results; i++)
        by[run->results[i].outcome]++;
    size_t new_findings = 0;
    for (size_t i = 0; i < run->n_results; i++) {
        const struct gc_case_result *r = &run->results[i];
        if (r->outcome != GC_OUT_FINDING)
            continue;
        for (size_t k = 0; k < r->n_findings; k++) {
            by_oracle[run->findings[r->first_finding + k].oracle]++;
            new_findings++;
        }
    }
    char oracles[512] = "";
    size_t w = 0;
    for (size_t o = 0; o < GC_OR_COUNT; o++) {
        if (by_oracle[o] == 0)
            continue;
        int n = snprintf(oracles + w, sizeof(oracles) - w, "%s%s %zu", w ? ", " : "",
                         gc_oracle_name((enum gc_oracle)o), by_oracle[o]);
        if (n < 0 || (size_t)n >= sizeof(oracles) - w)
            break;
        w += (size_t)n;
    }
    printf("run %s: %zu cases, %zu passed, %zu findings%s%s%s, %zu unimplemented, %zu xfail",
           run->run_id, run->n_results, by[GC_OUT_PASS], new_findings, w ? " (" : "", oracles,
           w ? ")" : "", by[GC_OUT_UNIMPLEMENTED], by[GC_OUT_XFAIL]);
    if (by[GC_OUT_XPASS])
        printf(", %zu xpass", by[GC_OUT_XPASS]);
    if (by[GC_OUT_BASELINE])
        printf(", %zu baseline", by[GC_OUT_BASELINE]);
    printf(", %zu errors in %.1f s (%.0f cases/s)%s", by[GC_OUT_ERROR], run->duration_ms / 1000.0,
           run->cases_per_s, run->partial ? " [interrupted]" : "");
    if (wrote_reports)
        printf("; report: %s/index.html", run_dir);
    printf("\n");
    for (size_t i = 0; i < run->n_results; i++) {
        const struct gc_case_result *r = &run->results[i];
        const char *tag = r->outcome == GC_OUT_XFAIL      ? " [xfail]"
                          : r->outcome == GC_OUT_BASELINE ? " [baseline]"
                                                          : "";
        for (size_t k = 0; k < r->n_findings; k++) {
            const struct gc_finding *f = &run->findings[r->first_finding + k];
            printf("  %s %-8s %-18s %s: %s%s\n", f->id, gc_severity_name(f->severity),
                   gc_oracle_name(f->oracle), f->c->id, f->evidence, tag);
        }
    }
    for (size_t i = 0; i < run->n_results; i++)
        if (run->results[i].outcome == GC_OUT_ERROR || run->results[i].outcome == GC_OUT_XPASS)
            printf("  %s %s: %s\n", gc_outcome_name(run->results[i].outcome), run->results[i].c->id,
                   run->results[i].note);
    fflush(stdout);
}

/* The run dir a run writes into, for the summary line. */
static void run_dir_of(const struct gc_run_opts *o, const struct gc_run *run, char *out, size_t cap)
{
    char want[PATH_MAX];
    if (o->run_dir != NULL)
        snprintf(want, sizeof(want), "%s", o->run_dir);
    else
        snprintf(want, sizeof(want), "%s/runs/%s", o->reports_root ? o->reports_root : "reports",
                 run->run_id);
    if (realpath(want, out) == NULL)
        snprintf(out, cap, "%s", want);
}

int gc_cmd_run(int argc, char **argv)
{
    enum {
        OPT_TCMD = 1,
        OPT_TURL,
        OPT_MANIFEST,
        OPT_FIXTURES,
        OPT_OUT,
        OPT_REPORTS,
        OPT_JOBS,
        OPT_SEED,
        OPT_TIMEOUT,
        OPT_XFAIL,
        OPT_BASELINE,
        OPT_GK,
        OPT_GKARG,
        OPT_NOSUP,
        OPT_QUIET,
        OPT_HELP
    };
    static const struct option LONG_OPTS[] = {
        {"target-cmd", required_argument, NULL, OPT_TCMD},
        {"target-url", required_argument, NULL, OPT_TURL},
        {"manifest", required_argument, NULL, OPT_MANIFEST},
        {"fixtures", required_argument, NULL, OPT_FIXTURES},
        {"out", required_argument, NULL, OPT_OUT},
        {"reports", required_argument, NULL, OPT_REPORTS},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"xfail", required_argument, NULL, OPT_XFAIL},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"gatekeeper", required_argument, NULL, OPT_GK},
        {"gatekeeper-arg", required_argument, NULL, OPT_GKARG},
        {"no-supervise", no_argument, NULL, OPT_NOSUP},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct gc_run_opts o = {
        .mode = GC_TARGET_EMBEDDED, .write_reports = 1, .supervise = 1, .reports_root = "reports"};
    optind = 1;
    opterr = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "h", LONG_OPTS, NULL)) != -1) {
        switch (c) {
        case OPT_TCMD:
            if (o.mode == GC_TARGET_URL)
                goto both;
            o.mode = GC_TARGET_CMD;
            o.target_cmd = optarg;
            break;
        case OPT_TURL:
            if (o.mode == GC_TARGET_CMD)
                goto both;
            o.mode = GC_TARGET_URL;
            o.target_url = optarg;
            break;
        case OPT_MANIFEST:
            o.manifest = optarg;
            break;
        case OPT_FIXTURES:
            o.fixtures_dir = optarg;
            break;
        case OPT_OUT:
            o.run_dir = optarg;
            break;
        case OPT_REPORTS:
            o.reports_root = optarg;
            break;
        case OPT_JOBS:
            if (gc_parse_long(optarg, 1, 64, &v) != 0) {
                fprintf(stderr, "gatecrash run: --jobs %s: want 1..64\n", optarg);
                return CMD_EXIT_ERR;
            }
            o.jobs = (int)v;
            break;
        case OPT_SEED:
            if (parse_u64(optarg, &o.seed) != 0 || o.seed == 0) {
                fprintf(stderr, "gatecrash run: --seed %s: want a non-zero integer\n", optarg);
                return CMD_EXIT_ERR;
            }
            break;
        case OPT_TIMEOUT:
            if (gc_parse_long(optarg, 1, CMD_MAX_TIMEOUT_MS, &v) != 0) {
                fprintf(stderr, "gatecrash run: --timeout %s: want 1..%d ms\n", optarg,
                        CMD_MAX_TIMEOUT_MS);
                return CMD_EXIT_ERR;
            }
            o.timeout_ms = (int)v;
            break;
        case OPT_XFAIL:
            o.xfail_file = optarg;
            break;
        case OPT_BASELINE:
            o.baseline_file = optarg;
            break;
        case OPT_GK:
            o.gatekeeper_bin = optarg;
            break;
        case OPT_GKARG:
            if (o.n_gatekeeper_args == GC_RUN_MAX_TARGET_ARGS) {
                fprintf(stderr, "gatecrash run: more than %d --gatekeeper-arg\n",
                        GC_RUN_MAX_TARGET_ARGS);
                return CMD_EXIT_ERR;
            }
            o.gatekeeper_args[o.n_gatekeeper_args++] = optarg;
            break;
        case OPT_NOSUP:
            o.supervise = 0;
            break;
        case OPT_QUIET:
            o.quiet = 1;
            break;
        case OPT_HELP:
        case 'h':
            run_usage(stdout);
            return CMD_EXIT_OK;
        default:
            fprintf(stderr, "gatecrash run: unknown or incomplete option '%s'\n", argv[optind - 1]);
            run_usage(stderr);
            return CMD_EXIT_ERR;
        }
    }
    for (; optind < argc; optind++) {
        if (o.n_prefixes == GC_RUN_MAX_PREFIXES) {
            fprintf(stderr, "gatecrash run: more than %d prefixes\n", GC_RUN_MAX_PREFIXES);
            return CMD_EXIT_ERR;
        }
        o.prefixes[o.n_prefixes++] = argv[optind];
    }
    if (o.mode != GC_TARGET_EMBEDDED && (o.gatekeeper_bin != NULL || o.n_gatekeeper_args > 0)) {
        fprintf(stderr, "gatecrash run: --gatekeeper and --gatekeeper-arg apply to the embedded "
                        "target only\n");
        return CMD_EXIT_ERR;
    }
    struct gc_run run;
    char err[CMD_ERR_MAX] = "";
    if (gc_run_cases(&o, &run, err, sizeof(err)) != 0) {
        fprintf(stderr, "gatecrash run: %s\n", err);
        gc_run_free(&run);
        return CMD_EXIT_ERR;
    }
    char dir[PATH_MAX];
    run_dir_of(&o, &run, dir, sizeof(dir));
    print_summary(&run, dir, o.write_reports);
    int rc = gc_run_exit_code(&run);
    gc_run_free(&run);
    return rc;
both:
    fprintf(stderr, "gatecrash run: --target-cmd and --target-url exclude each other\n");
    return CMD_EXIT_ERR;
}

/* The implementation lives in bench.c. */
int gc_cmd_bench(int argc, char **argv)
{
    return gc__bench_main(argc, argv);
}
