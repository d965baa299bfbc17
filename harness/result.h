/* harness/result.h: what a run produced: per-case results and findings. The
 * runner fills it; reports (report_*.c) and replay read it. */
#ifndef GC_RESULT_H
#define GC_RESULT_H
#include <stddef.h>
#include <stdint.h>
#include "case.h"
#include "oracle.h"

enum gc_outcome {
    GC_OUT_PASS = 0,        /* every oracle quiet */
    GC_OUT_FINDING,         /* at least one oracle fired */
    GC_OUT_XFAIL,           /* fired, and listed in --xfail: expected */
    GC_OUT_XPASS,           /* listed in --xfail but quiet: fails the run */
    GC_OUT_BASELINE,        /* fired, but the finding id is in --baseline */
    GC_OUT_UNIMPLEMENTED,   /* the target's manifest does not implement this part */
    GC_OUT_ERROR,           /* the harness could not run the case (setup error) */
};
const char *gc_outcome_name(enum gc_outcome o);

enum gc_severity { GC_SEV_LOW, GC_SEV_MEDIUM, GC_SEV_HIGH, GC_SEV_CRITICAL };
const char *gc_severity_name(enum gc_severity s);

#define GC_FINDING_ID_LEN 16 /* hex chars of sha256(case id | oracle | signature) */

struct gc_finding {
    char id[GC_FINDING_ID_LEN + 1];
    const struct gc_case *c;
    enum gc_oracle oracle;
    enum gc_severity severity;
    char evidence[512];
    char signature[128];
    uint64_t seed;
    char repro_dir[512];    /* relative to the run dir: "findings/<id>" */
    char expected[128];     /* "deny" / "identity spiffe://... source cert" */
    char seen[256];         /* "200 {\"identity\":...}" (truncated) */
    double first_seen_ms;   /* since the run started */
};

struct gc_case_result {
    const struct gc_case *c;
    enum gc_outcome outcome;
    int status;             /* first response status, 0 none, -1 handshake failed */
    double elapsed_ms;
    size_t first_finding;   /* index into run->findings when outcome has findings */
    size_t n_findings;
    char note[256];         /* error text for GC_OUT_ERROR, reason for UNIMPLEMENTED */
};

struct gc_run {
    char run_id[64];        /* "20261121T081500Z-1234" */
    char target_name[128];  /* "gatekeeper", or the --target-cmd / --target-url */
    char gatecrash_version[32];
    int64_t started_unix;
    double duration_ms;
    uint64_t seed;
    int supervised;         /* supervisor evidence available */
    int partial;            /* interrupted (SIGINT): report covers what ran */
    struct gc_case_result *results;
    size_t n_results;
    struct gc_finding *findings;
    size_t n_findings;
    /* figures for the report's plots */
    double cases_per_s;
};

/* Stable finding id: first 16 hex chars of SHA-256("case|oracle|signature"). */
void gc_finding_id(const char *case_id, enum gc_oracle o, const char *signature,
                   char out[GC_FINDING_ID_LEN + 1]);

/* Report writers (report_json.c, report_junit.c, report_sarif.c, report_html.c).
 * Each writes one file atomically into run_dir and returns 0, or -1 with errno. */
int gc_report_json(const struct gc_run *run, const char *run_dir);   /* summary.json */
int gc_report_junit(const struct gc_run *run, const char *run_dir);  /* junit.xml */
int gc_report_sarif(const struct gc_run *run, const char *run_dir);  /* results.sarif */
int gc_report_html(const struct gc_run *run, const char *run_dir,    /* index.html + findings/<id>.html */
                   const char *history_dir /* reports/runs, for the plots; may be NULL */);
/* All four, then the reports/latest symlink (atomic: symlink tmp + rename). */
int gc_report_all(const struct gc_run *run, const char *run_dir, const char *reports_root);

/* The case x target matrix page for several runs of the same catalogue (one
 * column per run, e.g. gatekeeper and another implementation) plus their
 * findings, written to out_dir/index.html and out_dir/findings/<id>.html.
 * runs[0]'s reproducers live under out_dir; those of runs[i > 0] are assumed
 * to sit in sibling run dirs (<dirname(out_dir)>/<run_id>). No history plots:
 * gc_report_html (which calls this with n = 1) adds them. 0, or -1 with errno. */
int gc_report_html_matrix(const struct gc_run *const *runs, size_t n, const char *out_dir);

/* Finding ids for --baseline: the file is either a previous summary.json
 * (ids from its "findings" array) or plain text, one id per line (blank lines
 * and '#' comments ignored; hex in either case, stored lowercase). *ids is
 * malloc'd (free() it; NULL when *n == 0). -1 with errno EINVAL on a malformed
 * file or id, EFBIG past 64 MiB. */
int gc_report_read_finding_ids(const char *summary_json_path,
                               char (**ids)[GC_FINDING_ID_LEN + 1], size_t *n);

#endif
