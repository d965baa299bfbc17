/* harness/report_sarif.c: results.sarif, SARIF 2.1.0 (OASIS), for code
 * scanning dashboards. One run; one rule per oracle; one result per finding.
 * gatecrash judges a running service, not source files, so a result is
 * located logically, by case id (SARIF §3.33 logicalLocation), never by a
 * physical file. */
#include "report_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GC_SARIF_NAME "results.sarif"
#define GC_SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define GC_SARIF_VERSION "2.1.0"
#define GC_SARIF_TOOL "gatecrash"
#ifndef GC_SARIF_INFO_URI
#define GC_SARIF_INFO_URI "https://gatecrash.test/docs/ORACLES.md"
#endif
#define GC_SARIF_FINGERPRINT "gatecrashFindingId/v1"
#define GC_SARIF_SEED_MAX 24

static void put(json_t *obj, const char *key, json_t *v, int *bad)
{
    if (json_object_set_new(obj, key, v) != 0)
        *bad = 1;
}

static void append(json_t *arr, json_t *v, int *bad)
{
    if (json_array_append_new(arr, v) != 0)
        *bad = 1;
}

/* A multiformatMessageString / message (§3.12, §3.11): {"text": ...}. */
static json_t *text_obj(json_t *s, int *bad)
{
    json_t *o = json_object();
    put(o, "text", s, bad);
    return o;
}

/* "error" for high and critical, "warning" otherwise (§3.27.10). */
static const char *level(enum gc_severity s)
{
    return s == GC_SEV_HIGH || s == GC_SEV_CRITICAL ? "error" : "warning";
}

static json_t *rules(int *bad)
{
    json_t *arr = json_array();
    for (int k = 0; k < GC_OR_COUNT; k++) {
        enum gc_oracle o = (enum gc_oracle)k;
        json_t *r = json_object();
        put(r, "id", json_string(gc__oracle(o)), bad);
        put(r, "name", json_string(gc__oracle(o)), bad);
        put(r, "shortDescription", text_obj(json_string(gc__oracle_summary(o)), bad), bad);
        put(r, "help", text_obj(json_string(gc__oracle_help(o)), bad), bad);
        json_t *props = json_object();
        json_t *tags = json_array();
        append(tags, json_string("security"), bad);
        put(props, "tags", tags, bad);
        put(r, "properties", props, bad);
        append(arr, r, bad);
    }
    return arr;
}

/* The outcome of the case a finding belongs to (FINDING when unknown). */
static enum gc_outcome finding_outcome(const struct gc_run *run, size_t fi)
{
    for (size_t i = 0; i < run->n_results; i++) {
        const struct gc_case_result *r = &run->results[i];
        if (r->n_findings > 0 && fi >= r->first_finding && fi - r->first_finding < r->n_findings)
            return r->outcome;
    }
    return GC_OUT_FINDING;
}

static json_t *result(const struct gc_run *run, size_t fi, int *bad)
{
    const struct gc_finding *f = &run->findings[fi];
    const char *cid = gc__case_id(f->c);
    char seed[GC_SARIF_SEED_MAX];
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)f->seed);
    int rule_ok = (unsigned)f->oracle < GC_OR_COUNT;

    json_t *o = json_object();
    put(o, "ruleId", json_string(gc__oracle(f->oracle)), bad);
    if (rule_ok)
        put(o, "ruleIndex", json_integer((json_int_t)f->oracle), bad);
    put(o, "level", json_string(level(f->severity)), bad);
    put(o, "message", text_obj(GC__JSON_FIELD(f->evidence), bad), bad);

    json_t *fp = json_object();
    put(fp, GC_SARIF_FINGERPRINT, GC__JSON_FIELD(f->id), bad);
    put(o, "partialFingerprints", fp, bad);

    json_t *ll = json_object();
    put(ll, "name", gc__json_str(cid, strlen(cid)), bad);
    put(ll, "fullyQualifiedName", gc__json_str(cid, strlen(cid)), bad);
    put(ll, "kind", json_string("test"), bad);
    json_t *lls = json_array();
    append(lls, ll, bad);
    json_t *loc = json_object();
    put(loc, "logicalLocations", lls, bad);
    json_t *locs = json_array();
    append(locs, loc, bad);
    put(o, "locations", locs, bad);

    /* Known findings stay visible but marked: --baseline ones as unchanged
     * (§3.27.24), --xfail ones as externally suppressed (§3.35). */
    enum gc_outcome out = finding_outcome(run, fi);
    if (out == GC_OUT_BASELINE)
        put(o, "baselineState", json_string("unchanged"), bad);
    if (out == GC_OUT_XFAIL) {
        json_t *s = json_object();
        put(s, "kind", json_string("external"), bad);
        put(s, "status", json_string("accepted"), bad);
        put(s, "justification", json_string("listed in the --xfail file"), bad);
        json_t *ss = json_array();
        append(ss, s, bad);
        put(o, "suppressions", ss, bad);
    }

    json_t *p = json_object();
    put(p, "caseId", gc__json_str(cid, strlen(cid)), bad);
    put(p, "family", json_string(f->c != NULL ? gc__family(f->c->family) : "unknown"), bad);
    put(p, "severity", json_string(gc_severity_name(f->severity)), bad);
    put(p, "seed", json_string(seed), bad);
    put(p, "reproducer", GC__JSON_FIELD(f->repro_dir), bad);
    put(p, "expected", GC__JSON_FIELD(f->expected), bad);
    put(p, "seen", GC__JSON_FIELD(f->seen), bad);
    put(o, "properties", p, bad);
    return o;
}

static json_t *invocation(const struct gc_run *run, int *bad)
{
    char start[32], end[32];
    double dur_s = isfinite(run->duration_ms) && run->duration_ms > 0 ? run->duration_ms / 1000 : 0;
    gc__iso8601(run->started_unix, start);
    gc__iso8601(run->started_unix + (int64_t)dur_s, end);
    json_t *inv = json_object();
    /* executionSuccessful: the harness ran to the end (findings do not make
     * an execution unsuccessful, §3.20.14). */
    put(inv, "executionSuccessful", json_boolean(!run->partial), bad);
    put(inv, "startTimeUtc", json_string(start), bad);
    put(inv, "endTimeUtc", json_string(end), bad);
    json_t *arr = json_array();
    append(arr, inv, bad);
    return arr;
}

int gc_report_sarif(const struct gc_run *run, const char *run_dir)
{
    if (run == NULL || run_dir == NULL) {
        errno = EINVAL;
        return -1;
    }
    int bad = 0;
    json_t *driver = json_object();
    put(driver, "name", json_string(GC_SARIF_TOOL), &bad);
    put(driver, "version", GC__JSON_FIELD(run->gatecrash_version), &bad);
    put(driver, "informationUri", json_string(GC_SARIF_INFO_URI), &bad);
    put(driver, "rules", rules(&bad), &bad);
    json_t *tool = json_object();
    put(tool, "driver", driver, &bad);

    json_t *results = json_array();
    for (size_t i = 0; i < run->n_findings; i++)
        append(results, result(run, i, &bad), &bad);

    /* "category/runId" (§3.17.3): a constant category keeps every run of
     * gatecrash in one analysis stream on dashboards that group by it. */
    struct gc__buf aid = {0};
    gc__buf_puts(&aid, GC_SARIF_TOOL "/");
    gc__put_utf8(&aid, run->run_id, gc__field_len(run->run_id, sizeof(run->run_id)));
    json_t *auto_details = json_object();
    put(auto_details, "id", aid.err == 0 ? json_stringn(aid.p, aid.len) : NULL, &bad);
    gc__buf_free(&aid);
    json_t *props = json_object();
    put(props, "target", GC__JSON_FIELD(run->target_name), &bad);
    put(props, "partial", json_boolean(run->partial), &bad);

    json_t *r = json_object();
    put(r, "tool", tool, &bad);
    put(r, "automationDetails", auto_details, &bad);
    put(r, "invocations", invocation(run, &bad), &bad);
    put(r, "results", results, &bad);
    put(r, "properties", props, &bad);
    json_t *runs = json_array();
    append(runs, r, &bad);

    json_t *root = json_object();
    put(root, "$schema", json_string(GC_SARIF_SCHEMA), &bad);
    put(root, "version", json_string(GC_SARIF_VERSION), &bad);
    put(root, "runs", runs, &bad);
    char *text = bad ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    struct gc__buf b = {0};
    if (text == NULL) {
        b.err = ENOMEM;
    } else {
        gc__buf_puts(&b, text);
        gc__buf_puts(&b, "\n");
    }
    free(text);
    return gc__write_buf(run_dir, GC_SARIF_NAME, &b);
}
