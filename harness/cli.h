/* harness/cli.h: subcommands of the `gatecrash` command line that live outside
 * main.c. Each takes (argc, argv) starting at its own name and returns the
 * exit code (0 clean, 2 usage or setup error; DESIGN.md "Reports and CLI"). */
#ifndef GC_CLI_H
#define GC_CLI_H
#include <stdio.h>

#include "case.h"

/* gatecrash list [PREFIX...] [--family F] [--json | --markdown]
 * One aligned line per case (id, family, expected, title), the catalogue as
 * JSON, or docs/CASES.md; "N cases" on stderr. */
int gc_cmd_list(int argc, char **argv);

/* gatecrash run [PREFIX...] [options] / gatecrash bench [options] (bench.c)
 * (cmd_run.c). run: 0 clean, 1 findings or XPASS, 2 harness or setup error. */
int gc_cmd_run(int argc, char **argv);
int gc_cmd_bench(int argc, char **argv);

/* docs/CASES.md, exactly as `gatecrash list --markdown` prints it (the unit
 * test compares the committed file with this). 0, or -1 on a write error. */
int gc_cases_markdown(FILE *out);

/* The short expectation shown in listings: "allow", "deny", "403",
 * "posture ok". */
const char *gc_expect_short(const struct gc_expect *e, char *buf, size_t cap);

/* gatecrash replay DIR [--runs N] [--gatekeeper PATH] [--timeout MS]
 * Re-run a finding's case from its reproducer folder: REPRODUCED (exit 1),
 * FIXED (0), FLAKY (3), or 2 on a missing/corrupt case.json or harness error. */
int gc_cmd_replay(int argc, char **argv);

/* gatecrash selftest [--jobs N] [--only BUG]... [--gatekeeper PATH] [--quiet]
 * (selftest.c): gatekeeper clean and once per planted bug; 0 when the clean
 * run has no finding and every bug a finding of its expected oracle, 1 if
 * not, 2 on a setup error. */
int gc_cmd_selftest(int argc, char **argv);

/* gatecrash export [--out DIR] [--cases-dir DIR] [PREFIX...] (export.c, export.h):
 * the catalogue and regression cases as JSON vectors, a JSON Schema and a README.
 * 0, or 2 on an error. */
int gc_cmd_export(int argc, char **argv);

/* gatecrash fuzz [--time T] [--seed S] [--jobs N] [--shard K/N] [--corpus DIR]
 * [--resume] [--target-cmd CMD | --target-url URL] ... (fuzz.c, fuzz.h):
 * network fuzzing with exact oracles. 0 clean, 1 findings, 2 error. */
int gc_cmd_fuzz(int argc, char **argv);

/* How docs/CASES.md is regenerated (printed by the staleness test). */
#define GC_CASES_REGEN_CMD "ci/gen-cases.sh [BUILD_DIR]  (= gatecrash list --markdown > docs/CASES.md)"

#endif
