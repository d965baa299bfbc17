/* harness/fuzz.h: `gatecrash fuzz`, network fuzzing with exact oracles
 * (docs/NETFUZZ.md), and the regression cases its findings leave behind.
 *
 * The fuzzer mutates catalogue cases with the operators of mutate.h, runs
 * them through the runner (runner_internal.h: same build, client, supervisor
 * and oracles as `gatecrash run`), keeps a mutated case when it yields a new
 * (route, status, identity source, oracle signal) tuple or (grey-box) new
 * coverage edges of an instrumented gatekeeper, minimizes every
 * finding and saves it as corpora/cases/<finding-id>.json, which every
 * `gatecrash run` replays as case "regress.<finding-id>". */
#ifndef GC_FUZZ_H
#define GC_FUZZ_H
#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "oracle.h"

#define GC_FUZZ_DEFAULT_CORPUS "corpora/netfuzz-work"
#define GC_FUZZ_DEFAULT_CASES "corpora/cases"
#define GC_FUZZ_CASES_ENV "GATECRASH_CASES_DIR" /* overrides the regression dir; "" = none */
#define GC_FUZZ_REGRESS_PREFIX "regress."

/* gatecrash fuzz [options]: 0 clean, 1 findings, 2 usage or harness error. */
int gc_cmd_fuzz(int argc, char **argv);

/* Unknown ground truth (GC_MUT_REFS_UNKNOWN): clear the verdicts of the
 * oracles that need it (authz-bypass, identity-confusion). Any case; returns
 * how many verdicts still fire. */
size_t gc_fuzz_filter_verdicts(const struct gc_case *c, struct gc_verdict v[GC_OR_COUNT]);

/* The regression cases: every *.json in a directory (sorted by name), dir =
 * $GATECRASH_CASES_DIR, else ./corpora/cases when it exists, else the source
 * tree's corpora/cases. Loaded once per process; a file that does not load is
 * skipped with a note on stderr. Never NULL when *n > 0. */
const struct gc_case *gc_fuzz_regression_cases(size_t *n);

/* Load the regression cases of one directory (tests): a fresh array of *n
 * cases (free with gc_fuzz_cases_free), 0; or -1 with err when dir is
 * unreadable. Files that do not load are counted in *bad. */
struct gc_fuzz_cases;
int gc_fuzz_cases_load(const char *dir, struct gc_fuzz_cases **out, char *err, size_t err_cap);
const struct gc_case *gc_fuzz_cases_get(const struct gc_fuzz_cases *fc, size_t *n, size_t *bad);
void gc_fuzz_cases_free(struct gc_fuzz_cases *fc);

/* --- Grey-box feedback (docs/NETFUZZ.md "Grey-box feedback") --------------
 * With a coverage-instrumented target (gatekeeper of the `netfuzz` preset)
 * the fuzzer also keeps a case that reached new edges (or new hit-count
 * buckets of known edges) in the shared map of covmap.h. */
enum gc_fuzz_greybox {
    GC_FUZZ_GREYBOX_AUTO = 0, /* use the map when the target writes into it */
    GC_FUZZ_GREYBOX_ON,       /* require it: a harness error when the map stays empty */
    GC_FUZZ_GREYBOX_OFF,      /* no map; the target does not get GATECRASH_COVMAP */
};
/* "auto", "on", "off": 0, else -1. */
int gc_fuzz_greybox_parse(const char *s, enum gc_fuzz_greybox *out);
/* After the target's start-up and first request wrote startup_edges edges
 * into the map: 1 use edge feedback, 0 do not (auto, and an uninstrumented
 * target ignored the variable), -1 a harness error (on, but no edge). */
int gc_fuzz_greybox_decide(enum gc_fuzz_greybox mode, size_t startup_edges);

/* Edge attribution across jobs. The map is one for every job, every target
 * worker and every connection, so a read cannot tell whose edges it found.
 * The credit rule: news found by any read is owed to every case that was
 * running at that moment (the reader included); a case is kept for edges
 * when it is owed at its end. With one job that is exactly the case just
 * run; with N jobs a superset of at most N cases that contains the one
 * that reached the edges (the corpus may gain bystanders, never loses the
 * culprit). Caller serializes (the fuzzer mutex). Jobs are 0..MAX-1. */
#define GC_FUZZ_CREDIT_MAX_JOBS 64
struct gc_fuzz_credit {
    uint64_t running; /* bit j: job j runs a case that may be kept */
    uint64_t owed;    /* bit j: news was found while job j's case ran */
};
void gc_fuzz_credit_start(struct gc_fuzz_credit *c, size_t job);
/* A read of the map found news (new edges or new buckets). */
void gc_fuzz_credit_news(struct gc_fuzz_credit *c);
/* Job's case ended (no longer running): 1 when it is owed, else 0. */
int gc_fuzz_credit_end(struct gc_fuzz_credit *c, size_t job);

#endif
