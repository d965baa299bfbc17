/* harness/fuzz.h: `gatecrash fuzz`, network fuzzing with exact oracles
 * (docs/NETFUZZ.md), and the regression cases its findings leave behind.
 *
 * The fuzzer mutates catalogue cases with the operators of mutate.h, runs
 * them through the runner (runner_internal.h: same build, client, supervisor
 * and oracles as `gatecrash run`), keeps a mutated case when it yields a new
 * (route, status, identity source, oracle signal) tuple, minimizes every
 * finding and saves it as corpora/cases/<finding-id>.json, which every
 * `gatecrash run` replays as case "regress.<finding-id>". */
#ifndef GC_FUZZ_H
#define GC_FUZZ_H
#include <stddef.h>

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

/* Grey-box feedback: new edges a coverage-instrumented gatekeeper reported
 * through shared memory since the last call. PENDING: no instrumented build
 * exists yet, so this always returns 0 and the fuzzer relies on its tuples. */
size_t gc_fuzz_feedback_edges(void);

#endif
