/* harness/report_json.c: summary.json, the machine-readable record of a run
 * (reports/README.md documents the shape), and the reader that takes finding
 * ids back out of it (or out of a plain list) for --baseline. */
#include "report_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GC_SUMMARY_FORMAT "gatecrash.summary"
#define GC_SUMMARY_FORMAT_VERSION 1
#define GC_SUMMARY_NAME "summary.json"
/* Significant digits for reals: milliseconds to the microsecond for runs of
 * days, without jansson's default %.17g noise. */
#define GC_SUMMARY_REAL_PRECISION 12
#define GC_BASELINE_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define GC_BASELINE_MAX_IDS ((size_t)1 << 20)
#define GC_SEED_TEXT_MAX 24

#define GC_OUT_COUNT (GC_OUT_ERROR + 1)

/* jansson refuses NaN and infinities; a broken clock must not lose a report. */
static json_t *jreal(double v)
{
    return json_real(isfinite(v) ? v : 0.0);
}

/* Seeds are full 64-bit; JSON numbers are not safely wider than 2^53 in most
 * readers, so a seed is a decimal string. */
static json_t *jseed(uint64_t seed)
{
    char s[GC_SEED_TEXT_MAX];
    snprintf(s, sizeof(s), "%llu", (unsigned long long)seed);
    return json_string(s);
}

/* Adds key -> v (stealing v); sets *bad on any failure, NULL v included. */
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

static json_t *outcome_counts(const size_t counts[GC_OUT_COUNT], int *bad)
{
    json_t *o = json_object();
    for (int i = 0; i < GC_OUT_COUNT; i++)
        put(o, gc_outcome_name((enum gc_outcome)i), json_integer((json_int_t)counts[i]), bad);
    return o;
}

static json_t *run_meta(const struct gc_run *run, int *bad)
{
    char started[32];
    gc__iso8601(run->started_unix, started);
    json_t *o = json_object();
    put(o, "id", GC__JSON_FIELD(run->run_id), bad);
    put(o, "target", GC__JSON_FIELD(run->target_name), bad);
    put(o, "gatecrash_version", GC__JSON_FIELD(run->gatecrash_version), bad);
    put(o, "started_unix", json_integer((json_int_t)run->started_unix), bad);
    put(o, "started", json_string(started), bad);
    put(o, "duration_ms", jreal(run->duration_ms), bad);
    put(o, "seed", jseed(run->seed), bad);
    put(o, "supervised", json_boolean(run->supervised), bad);
    put(o, "partial", json_boolean(run->partial), bad);
    put(o, "cases_per_s", jreal(run->cases_per_s), bad);
    return o;
}

static json_t *counts(const struct gc_run *run, int *bad)
{
    size_t outcomes[GC_OUT_COUNT] = {0};
    size_t fam_cases[GC_FAM_COUNT] = {0}, fam_findings[GC_FAM_COUNT] = {0};
    size_t fam_out[GC_FAM_COUNT][GC_OUT_COUNT] = {{0}};
    size_t oracles[GC_OR_COUNT] = {0};
    for (size_t i = 0; i < run->n_results; i++) {
        const struct gc_case_result *r = &run->results[i];
        unsigned o = (unsigned)r->outcome;
        if (o < GC_OUT_COUNT)
            outcomes[o]++;
        if (r->c == NULL || (unsigned)r->c->family >= GC_FAM_COUNT)
            continue;
        fam_cases[r->c->family]++;
        if (o < GC_OUT_COUNT)
            fam_out[r->c->family][o]++;
    }
    for (size_t i = 0; i < run->n_findings; i++) {
        const struct gc_finding *f = &run->findings[i];
        if ((unsigned)f->oracle < GC_OR_COUNT)
            oracles[f->oracle]++;
        if (f->c != NULL && (unsigned)f->c->family < GC_FAM_COUNT)
            fam_findings[f->c->family]++;
    }
    json_t *o = json_object();
    put(o, "cases", json_integer((json_int_t)run->n_results), bad);
    put(o, "findings", json_integer((json_int_t)run->n_findings), bad);
    put(o, "outcomes", outcome_counts(outcomes, bad), bad);
    json_t *fams = json_object();
    for (int f = 0; f < GC_FAM_COUNT; f++) {
        json_t *fo = json_object();
        put(fo, "cases", json_integer((json_int_t)fam_cases[f]), bad);
        put(fo, "findings", json_integer((json_int_t)fam_findings[f]), bad);
        put(fo, "outcomes", outcome_counts(fam_out[f], bad), bad);
        put(fams, gc__family((enum gc_family)f), fo, bad);
    }
    put(o, "families", fams, bad);
    json_t *ors = json_object();
    for (int k = 0; k < GC_OR_COUNT; k++)
        put(ors, gc__oracle((enum gc_oracle)k), json_integer((json_int_t)oracles[k]), bad);
    put(o, "oracles", ors, bad);
    return o;
}

static json_t *case_results(const struct gc_run *run, int *bad)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < run->n_results; i++) {
        const struct gc_case_result *r = &run->results[i];
        const struct gc_finding *first;
        size_t nf = gc__result_findings(run, r, &first);
        const char *id = gc__case_id(r->c);
        json_t *o = json_object();
        put(o, "id", gc__json_str(id, strlen(id)), bad);
        put(o, "family", json_string(r->c != NULL ? gc__family(r->c->family) : "unknown"), bad);
        put(o, "outcome", json_string(gc_outcome_name(r->outcome)), bad);
        put(o, "status", json_integer(r->status), bad);
        put(o, "elapsed_ms", jreal(r->elapsed_ms), bad);
        json_t *ids = json_array();
        for (size_t k = 0; k < nf; k++)
            append(ids, GC__JSON_FIELD(first[k].id), bad);
        put(o, "findings", ids, bad);
        put(o, "note", GC__JSON_FIELD(r->note), bad);
        append(arr, o, bad);
    }
    return arr;
}

static json_t *findings(const struct gc_run *run, int *bad)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < run->n_findings; i++) {
        const struct gc_finding *f = &run->findings[i];
        const char *cid = gc__case_id(f->c);
        json_t *o = json_object();
        put(o, "id", GC__JSON_FIELD(f->id), bad);
        put(o, "case", gc__json_str(cid, strlen(cid)), bad);
        put(o, "oracle", json_string(gc__oracle(f->oracle)), bad);
        put(o, "severity", json_string(gc_severity_name(f->severity)), bad);
        put(o, "evidence", GC__JSON_FIELD(f->evidence), bad);
        put(o, "signature", GC__JSON_FIELD(f->signature), bad);
        put(o, "seed", jseed(f->seed), bad);
        put(o, "repro_dir", GC__JSON_FIELD(f->repro_dir), bad);
        put(o, "expected", GC__JSON_FIELD(f->expected), bad);
        put(o, "seen", GC__JSON_FIELD(f->seen), bad);
        put(o, "first_seen_ms", jreal(f->first_seen_ms), bad);
        append(arr, o, bad);
    }
    return arr;
}

int gc_report_json(const struct gc_run *run, const char *run_dir)
{
    if (run == NULL || run_dir == NULL) {
        errno = EINVAL;
        return -1;
    }
    int bad = 0;
    json_t *root = json_object();
    put(root, "format", json_string(GC_SUMMARY_FORMAT), &bad);
    put(root, "format_version", json_integer(GC_SUMMARY_FORMAT_VERSION), &bad);
    put(root, "run", run_meta(run, &bad), &bad);
    put(root, "counts", counts(run, &bad), &bad);
    put(root, "cases", case_results(run, &bad), &bad);
    put(root, "findings", findings(run, &bad), &bad);
    char *text = bad ? NULL
                     : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                            JSON_REAL_PRECISION(GC_SUMMARY_REAL_PRECISION));
    json_decref(root);
    struct gc__buf b = {0};
    if (text == NULL) {
        b.err = ENOMEM;
    } else {
        gc__buf_puts(&b, text);
        gc__buf_puts(&b, "\n");
    }
    free(text);
    return gc__write_buf(run_dir, GC_SUMMARY_NAME, &b);
}

/* ---- baseline ids ------------------------------------------------------ */

static int read_all(const char *path, struct gc__buf *b)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b->len + n > GC_BASELINE_MAX_BYTES) {
            b->err = EFBIG;
            break;
        }
        gc__buf_put(b, chunk, n);
    }
    int rerr = ferror(f);
    fclose(f);
    if (b->err == 0 && rerr)
        b->err = EIO;
    if (b->err != 0) {
        errno = b->err;
        return -1;
    }
    gc__buf_put(b, "", 0); /* valid pointer for an empty file */
    return b->err != 0 ? (errno = b->err, -1) : 0;
}

struct id_list {
    char (*ids)[GC_FINDING_ID_LEN + 1];
    size_t n, cap;
};

/* Adds a 16-hex-digit id (either case; stored lowercase). -1 EINVAL/ENOMEM. */
static int add_id(struct id_list *l, const char *s, size_t len)
{
    if (len != GC_FINDING_ID_LEN) {
        errno = EINVAL;
        return -1;
    }
    char id[GC_FINDING_ID_LEN + 1];
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        id[i] = c;
    }
    id[GC_FINDING_ID_LEN] = '\0';
    if (!gc__valid_finding_id(id)) {
        errno = EINVAL;
        return -1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap == 0 ? 64 : l->cap * 2;
        if (cap > GC_BASELINE_MAX_IDS) {
            errno = E2BIG;
            return -1;
        }
        void *p = realloc(l->ids, cap * sizeof(*l->ids));
        if (p == NULL)
            return -1;
        l->ids = p;
        l->cap = cap;
    }
    memcpy(l->ids[l->n++], id, sizeof(id));
    return 0;
}

static int ids_from_summary(const char *text, size_t len, struct id_list *l)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *arr = json_object_get(root, "findings");
    int rc = -1;
    errno = EINVAL;
    if (!json_is_array(arr))
        goto out;
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f)
    {
        json_t *id = json_object_get(f, "id");
        if (!json_is_string(id) || add_id(l, json_string_value(id), json_string_length(id)) != 0)
            goto out;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* One id per line; blank lines and lines starting with '#' are ignored. */
static int ids_from_text(const char *text, size_t len, struct id_list *l)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        size_t a = i, z = end;
        while (a < z && is_blank(text[a]))
            a++;
        while (z > a && is_blank(text[z - 1]))
            z--;
        if (z > a && text[a] != '#' && add_id(l, text + a, z - a) != 0)
            return -1;
        i = end + 1;
    }
    return 0;
}

int gc_report_read_finding_ids(const char *summary_json_path, char (**ids)[GC_FINDING_ID_LEN + 1],
                               size_t *n)
{
    if (summary_json_path == NULL || ids == NULL || n == NULL) {
        errno = EINVAL;
        return -1;
    }
    *ids = NULL;
    *n = 0;
    struct gc__buf b = {0};
    struct id_list l = {0};
    int rc = read_all(summary_json_path, &b);
    if (rc == 0) {
        size_t k = 0;
        while (k < b.len && (is_blank(b.p[k]) || b.p[k] == '\n'))
            k++;
        rc = k < b.len && b.p[k] == '{' ? ids_from_summary(b.p, b.len, &l)
                                        : ids_from_text(b.p, b.len, &l);
    }
    int saved = errno;
    gc__buf_free(&b);
    if (rc != 0) {
        free(l.ids);
        errno = saved;
        return -1;
    }
    *ids = l.ids;
    *n = l.n;
    return 0;
}
