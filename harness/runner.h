/* harness/runner.h: running cases against a target and judging them. */
#ifndef GC_RUNNER_H
#define GC_RUNNER_H
#include <stddef.h>
#include <stdint.h>
#include "result.h"

enum gc_target_mode {
    GC_TARGET_EMBEDDED = 0, /* start gatekeeper (found next to gatecrash) under the supervisor */
    GC_TARGET_CMD,          /* --target-cmd: launched with GATECRASH_FIXTURES / GATECRASH_PORT */
    GC_TARGET_URL,          /* --target-url https://127.0.0.1:PORT: black-box oracles only */
};

#define GC_RUN_MAX_PREFIXES 32
#define GC_RUN_MAX_TARGET_ARGS 32

struct gc_run_opts {
    enum gc_target_mode mode;
    const char *target_cmd;       /* GC_TARGET_CMD: whitespace-split argv, no shell */
    const char *target_url;       /* GC_TARGET_URL */
    const char *gatekeeper_bin;   /* NULL = next to the gatecrash executable */
    const char *gatekeeper_args[GC_RUN_MAX_TARGET_ARGS]; /* extra args, e.g. "--plant", "alg-none" */
    size_t n_gatekeeper_args;
    const char *manifest;         /* JSON {"implements": ["cert","jwt",...]}; NULL = all */
    const char *fixtures_dir;     /* existing DIR; NULL = generate into <run_dir>/fixtures */
    const char *reports_root;     /* default "reports" */
    const char *run_dir;          /* NULL = <reports_root>/runs/<run_id> */
    const char *prefixes[GC_RUN_MAX_PREFIXES]; /* case id prefixes; none = all */
    size_t n_prefixes;
    const char *only_case;        /* exact id (replay) */
    const char *xfail_file;
    const char *baseline_file;
    uint64_t seed;                /* 0 = from the clock; recorded in the report */
    int jobs;                     /* 0 = nproc */
    int timeout_ms;               /* per request; 0 = 5000 */
    int write_reports;            /* 0 for replay and bench */
    int quiet;                    /* no progress output */
    int supervise;                /* 1 = seccomp user notification on launched targets */
};

/* Run the selected cases. Fills *run (results and findings owned by it; free
 * with gc_run_free). Returns 0 when the run completed (findings or not), 2 on a
 * harness or set-up error (err filled). SIGINT: stops taking cases, finishes the
 * in-flight ones, marks run->partial and returns 0. */
int gc_run_cases(const struct gc_run_opts *o, struct gc_run *run, char *err, size_t err_cap);
void gc_run_free(struct gc_run *run);

/* Exit code policy: 0 clean, 1 new findings or XPASS, 2 error. */
int gc_run_exit_code(const struct gc_run *run);

#endif
