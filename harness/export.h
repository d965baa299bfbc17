/* harness/export.h: `gatecrash export`, the catalogue and the regression
 * cases as JSON vectors with a JSON Schema and a README, for maintainers of
 * other implementations (DESIGN.md "Findings, reproduction, corpus"). */
#ifndef GC_EXPORT_H
#define GC_EXPORT_H
#include <stddef.h>

#define GC_EXPORT_FORMAT "gatecrash-vectors"
#define GC_EXPORT_VERSION 1
#define GC_EXPORT_DEFAULT_OUT "corpora/vectors"
#define GC_EXPORT_DEFAULT_CASES "corpora/cases"
#define GC_EXPORT_CASES_FILE "cases.json"
#define GC_EXPORT_SCHEMA_FILE "cases.schema.json"
#define GC_EXPORT_README_FILE "README.md"
#define GC_EXPORT_MAX_PREFIXES 64
/* How the committed corpora/vectors/ is regenerated (printed by the staleness test). */
#define GC_EXPORT_REGEN_CMD "build/dev/harness/gatecrash export"

struct gc_export_opts {
    const char *out_dir;   /* created if missing; NULL = GC_EXPORT_DEFAULT_OUT */
    const char *cases_dir; /* regression cases *.json; NULL = GC_EXPORT_DEFAULT_CASES;
                              a missing directory means none */
    const char *const *prefixes; /* case id prefixes; none = the whole catalogue */
    size_t n_prefixes;
};

/* Write out_dir/cases.json, cases.schema.json and README.md, each atomically.
 * Output depends only on the catalogue and the regression files, never on
 * time or environment. *n_cases (may be NULL): catalogue cases written.
 * 0, or -1 with err. */
int gc_export_write(const struct gc_export_opts *o, size_t *n_cases, char *err, size_t err_cap);

#endif
