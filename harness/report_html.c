/* harness/report_html.c: index.html (run header, case x target matrix,
 * findings table, history plots) and findings/<id>.html (one page per
 * finding, with its reproducer path and replay command).
 *
 * The pages are self-contained: inline CSS, inline SVG, no script, nothing
 * fetched. Evidence, responses and even case titles can carry bytes a target
 * chose; every one of them goes through gc__put_markup, and a
 * Content-Security-Policy that allows no script at all backs that up: target
 * output is shown as text, never rendered as markup. */
#include "report_internal.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GC_HTML_INDEX "index.html"
#define GC_HTML_FINDINGS_DIR "findings"
#define GC_HTML_SUMMARY "summary.json"
#define GC_HTML_HISTORY_POINTS 30      /* runs plotted */
#define GC_HTML_HISTORY_PARSE 60       /* newest summaries parsed to find them */
#define GC_HTML_HISTORY_SCAN_MAX 10000 /* directory entries considered */
#define GC_HTML_HISTORY_MAX_BYTES ((off_t)64 * 1024 * 1024)
#define GC_HTML_RUN_ID_MAX 64
#define GC_HTML_PLOT_W 520
#define GC_HTML_PLOT_H 180
#define GC_HTML_PLOT_MARGIN_L 56
#define GC_HTML_PLOT_MARGIN_R 16
#define GC_HTML_PLOT_MARGIN_T 14
#define GC_HTML_PLOT_MARGIN_B 30
#define GC_HTML_PAGE_NAME_MAX 64

#define GC_OUT_COUNT (GC_OUT_ERROR + 1)

/* CSS class per outcome, indexed by enum gc_outcome. */
static const char *const OUT_CLASS[GC_OUT_COUNT] = {
    "o-pass", "o-finding", "o-xfail", "o-xpass", "o-baseline", "o-unimpl", "o-error",
};

static const char *out_class(enum gc_outcome o)
{
    return (unsigned)o < GC_OUT_COUNT ? OUT_CLASS[o] : "o-none";
}

/* No script may run, nothing may be fetched; styles are inline. */
static const char CSP[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'";

static const char CSS[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}"
    "h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .5em}"
    "table{border-collapse:collapse;margin:.3em 0}"
    "th,td{border:1px solid #ccd;padding:2px 7px;text-align:left;vertical-align:top}"
    "th{background:#f1f2f6}tr.fam th{background:#dde1ea;text-align:left}"
    "td.c{text-align:center;font-family:ui-monospace,monospace;min-width:4em}"
    "code,pre,.mono{font-family:ui-monospace,monospace;font-size:.95em}"
    "pre{white-space:pre-wrap;word-break:break-all;background:#f6f7f9;padding:.4em;margin:0}"
    ".o-pass{background:#d3f0da}.o-finding{background:#f6c4c8;font-weight:bold}"
    ".o-xfail{background:#fbeab0}.o-xpass{background:#f39aa2;font-weight:bold}"
    ".o-baseline{background:#e3daf5}.o-unimpl{background:#e6e7ea;color:#555}"
    ".o-error{background:#ffd2a6}.o-none{background:#fff;color:#999}"
    ".partial{background:#fff3cd;border:1px solid #e0c36c;padding:.4em .8em;display:inline-block}"
    ".legend span{display:inline-block;padding:1px 8px;margin-right:4px;border:1px solid #ccd}"
    ".plots{display:flex;flex-wrap:wrap;gap:1.5em}.plots figure{margin:0}"
    "figcaption{font-weight:bold;margin-bottom:.2em}"
    "svg text{font:11px system-ui,sans-serif;fill:#444}";

/* ---- small helpers ----------------------------------------------------- */

static void put_field(struct gc__buf *b, const char *f, size_t cap)
{
    gc__put_markup(b, f, gc__field_len(f, cap), 0);
}
#define PUT_FIELD(b, f) put_field((b), (f), sizeof(f))

static void head(struct gc__buf *b, const char *title_prefix, const char *title, size_t title_len)
{
    gc__buf_printf(b,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>",
                   CSP);
    gc__put_text(b, title_prefix);
    gc__put_markup(b, title, title_len, 0);
    gc__buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", CSS);
}

static void status_text(struct gc__buf *b, int status)
{
    if (status > 0)
        gc__buf_printf(b, "%d", status);
    else if (status == -1)
        gc__buf_puts(b, "TLS"); /* handshake failed */
    else
        gc__buf_puts(b, "&#8211;"); /* no response */
}

static void format_duration(char *out, size_t cap, double ms)
{
    if (!isfinite(ms) || ms < 0)
        ms = 0;
    if (ms < 1000)
        snprintf(out, cap, "%.0f ms", ms);
    else if (ms < 120000)
        snprintf(out, cap, "%.2f s", ms / 1000);
    else
        snprintf(out, cap, "%.0f min %.0f s", floor(ms / 60000), fmod(ms / 1000, 60));
}

/* Per-run context: where its reproducers are, how its pages are named. */
struct run_ctx {
    const struct gc_run *run;
    char run_dir[GC_REPORT_PATH_MAX];
    size_t col;
};

/* findings/<id>.html for the first run, findings/<id>-<col>.html for the
 * others (the same finding id can occur for several targets). "" when the id
 * is not a well-formed finding id: such a finding gets no page, no link. */
static void page_name(const struct run_ctx *rc, const struct gc_finding *f,
                      char out[GC_HTML_PAGE_NAME_MAX])
{
    out[0] = '\0';
    if (!gc__valid_finding_id(f->id))
        return;
    if (rc->col == 0)
        snprintf(out, GC_HTML_PAGE_NAME_MAX, "%s.html", f->id);
    else
        snprintf(out, GC_HTML_PAGE_NAME_MAX, "%s-%zu.html", f->id, rc->col);
}

/* <run_dir>/<repro_dir>, or <run_dir>/findings/<id> when repro_dir is empty. */
static void repro_path(struct gc__buf *b, const struct run_ctx *rc, const struct gc_finding *f)
{
    gc__buf_puts(b, rc->run_dir);
    gc__buf_puts(b, "/");
    size_t rl = gc__field_len(f->repro_dir, sizeof(f->repro_dir));
    if (rl > 0) {
        gc__buf_put(b, f->repro_dir, rl);
    } else {
        gc__buf_puts(b, GC_HTML_FINDINGS_DIR "/");
        gc__buf_put(b, f->id, gc__field_len(f->id, sizeof(f->id)));
    }
}

/* ---- per-finding page -------------------------------------------------- */

static enum gc_outcome finding_outcome(const struct gc_run *run, size_t fi)
{
    for (size_t i = 0; i < run->n_results; i++) {
        const struct gc_case_result *r = &run->results[i];
        if (r->n_findings > 0 && fi >= r->first_finding && fi - r->first_finding < r->n_findings)
            return r->outcome;
    }
    return GC_OUT_FINDING;
}

static void row(struct gc__buf *b, const char *name)
{
    gc__buf_printf(b, "<tr><th>%s</th><td>", name);
}

static int write_finding_page(const struct run_ctx *rc, size_t fi, const char *out_dir)
{
    const struct gc_finding *f = &rc->run->findings[fi];
    char name[GC_HTML_PAGE_NAME_MAX], rel[GC_REPORT_PATH_MAX];
    page_name(rc, f, name);
    if (name[0] == '\0')
        return 0;
    if (gc__join(rel, sizeof(rel), GC_HTML_FINDINGS_DIR, name) != 0)
        return -1;
    const struct gc_case *c = f->c;
    enum gc_outcome out = finding_outcome(rc->run, fi);
    struct gc__buf path = {0}, cmd = {0};
    repro_path(&path, rc, f);
    gc__buf_puts(&cmd, "gatecrash replay ");
    if (path.err == 0)
        gc__shell_word(&cmd, path.p);

    struct gc__buf b = {0};
    head(&b, "gatecrash finding ", f->id, gc__field_len(f->id, sizeof(f->id)));
    gc__buf_puts(&b, "<p><a href=\"../" GC_HTML_INDEX
                     "\">&#8592; run report</a></p>\n<h1>Finding <code>");
    PUT_FIELD(&b, f->id);
    gc__buf_puts(&b, "</code></h1>\n<table>\n");
    row(&b, "case");
    gc__buf_puts(&b, "<code>");
    gc__put_text(&b, gc__case_id(c));
    gc__buf_puts(&b, "</code>");
    if (c != NULL && c->title != NULL) {
        gc__buf_puts(&b, " &#8212; ");
        gc__put_text(&b, c->title);
    }
    gc__buf_puts(&b, "</td></tr>\n");
    if (c != NULL && c->refs != NULL) {
        row(&b, "references");
        gc__put_text(&b, c->refs);
        gc__buf_puts(&b, "</td></tr>\n");
    }
    row(&b, "family");
    gc__put_text(&b, c != NULL ? gc__family(c->family) : "unknown");
    gc__buf_puts(&b, "</td></tr>\n");
    row(&b, "target");
    PUT_FIELD(&b, rc->run->target_name);
    gc__buf_puts(&b, " (run <code>");
    PUT_FIELD(&b, rc->run->run_id);
    gc__buf_puts(&b, "</code>)</td></tr>\n");
    row(&b, "oracle");
    gc__buf_puts(&b, "<code>");
    gc__put_text(&b, gc__oracle(f->oracle));
    gc__buf_puts(&b, "</code>: ");
    gc__put_text(&b, gc__oracle_summary(f->oracle));
    gc__buf_puts(&b, "</td></tr>\n");
    row(&b, "severity");
    gc__put_text(&b, gc_severity_name(f->severity));
    gc__buf_printf(&b, "</td></tr>\n<tr><th>outcome</th><td class=\"%s\">%s</td></tr>\n",
                   out_class(out), gc_outcome_name(out));
    row(&b, "evidence");
    gc__buf_puts(&b, "<pre>");
    PUT_FIELD(&b, f->evidence);
    gc__buf_puts(&b, "</pre></td></tr>\n");
    row(&b, "expected");
    gc__buf_puts(&b, "<pre>");
    PUT_FIELD(&b, f->expected);
    gc__buf_puts(&b, "</pre></td></tr>\n");
    row(&b, "seen");
    gc__buf_puts(&b, "<pre>");
    PUT_FIELD(&b, f->seen);
    gc__buf_puts(&b, "</pre></td></tr>\n");
    row(&b, "signature");
    gc__buf_puts(&b, "<code>");
    PUT_FIELD(&b, f->signature);
    gc__buf_printf(&b,
                   "</code></td></tr>\n<tr><th>seed</th><td><code>%llu</code></td></tr>\n"
                   "<tr><th>first seen</th><td>%.1f ms after the run started</td></tr>\n",
                   (unsigned long long)f->seed,
                   isfinite(f->first_seen_ms) ? f->first_seen_ms : 0.0);
    row(&b, "reproducer");
    gc__buf_puts(&b, "<code>");
    if (path.err == 0)
        gc__put_text(&b, path.p);
    gc__buf_puts(&b, "</code></td></tr>\n");
    row(&b, "replay");
    gc__buf_puts(&b, "<pre>");
    if (cmd.err == 0)
        gc__put_text(&b, cmd.p);
    gc__buf_puts(&b, "</pre></td></tr>\n</table>\n<h2>What to do</h2>\n<p>");
    gc__put_text(&b, gc__oracle_help(f->oracle));
    gc__buf_puts(&b, "</p>\n</body>\n</html>\n");
    if (path.err != 0 || cmd.err != 0)
        b.err = path.err != 0 ? path.err : cmd.err;
    gc__buf_free(&path);
    gc__buf_free(&cmd);
    return gc__write_buf(out_dir, rel, &b);
}

/* ---- index: header ----------------------------------------------------- */

static void outcome_counts(const struct gc_run *run, size_t counts[GC_OUT_COUNT])
{
    memset(counts, 0, sizeof(size_t) * GC_OUT_COUNT);
    for (size_t i = 0; i < run->n_results; i++)
        if ((unsigned)run->results[i].outcome < GC_OUT_COUNT)
            counts[run->results[i].outcome]++;
}

static void header(struct gc__buf *b, const struct run_ctx *rcs, size_t n)
{
    gc__buf_puts(b, "<header>\n<h1>gatecrash run report</h1>\n");
    for (size_t i = 0; i < n; i++)
        if (rcs[i].run->partial) {
            gc__buf_puts(b, "<p class=\"partial\">Run <code>");
            PUT_FIELD(b, rcs[i].run->run_id);
            gc__buf_puts(b,
                         "</code> was interrupted: this report covers the cases that ran.</p>\n");
        }
    gc__buf_puts(b, "<table class=\"runs\">\n<tr><th>run</th><th>target</th><th>started (UTC)</th>"
                    "<th>duration</th><th>seed</th><th>version</th><th>cases</th><th>cases/s</th>"
                    "<th>findings</th>");
    for (int o = 0; o < GC_OUT_COUNT; o++)
        gc__buf_printf(b, "<th class=\"%s\">%s</th>", OUT_CLASS[o],
                       gc_outcome_name((enum gc_outcome)o));
    gc__buf_puts(b, "</tr>\n");
    for (size_t i = 0; i < n; i++) {
        const struct gc_run *run = rcs[i].run;
        char started[32], dur[48];
        size_t counts[GC_OUT_COUNT];
        gc__iso8601(run->started_unix, started);
        format_duration(dur, sizeof(dur), run->duration_ms);
        outcome_counts(run, counts);
        gc__buf_puts(b, "<tr><td><code>");
        PUT_FIELD(b, run->run_id);
        gc__buf_puts(b, "</code></td><td>");
        PUT_FIELD(b, run->target_name);
        gc__buf_printf(b, "</td><td>%s</td><td>%s</td><td><code>%llu</code></td><td>", started, dur,
                       (unsigned long long)run->seed);
        PUT_FIELD(b, run->gatecrash_version);
        gc__buf_printf(b, "</td><td>%zu</td><td>%.1f</td><td>%zu</td>", run->n_results,
                       isfinite(run->cases_per_s) ? run->cases_per_s : 0.0, run->n_findings);
        for (int o = 0; o < GC_OUT_COUNT; o++)
            gc__buf_printf(b, "<td>%zu</td>", counts[o]);
        gc__buf_puts(b, "</tr>\n");
    }
    gc__buf_puts(b, "</table>\n</header>\n");
}

/* ---- index: matrix ----------------------------------------------------- */

struct mrow {
    const char *id;
    const struct gc_case *c;
    unsigned family; /* GC_FAM_COUNT = unknown */
};

/* Rows: the union of case ids over all runs in first-seen order; cell[r*n+k]
 * is the index of row r's result in run k, or SIZE_MAX. */
static int build_matrix(const struct run_ctx *rcs, size_t n, struct mrow **rows_out,
                        size_t *nrows_out, size_t **cells_out)
{
    size_t cap = 0;
    for (size_t k = 0; k < n; k++)
        cap += rcs[k].run->n_results;
    if (cap == 0)
        cap = 1;
    if (cap > SIZE_MAX / n / sizeof(size_t)) {
        errno = ENOMEM;
        return -1;
    }
    struct mrow *rows = calloc(cap, sizeof(*rows));
    size_t *cells = malloc(cap * n * sizeof(*cells));
    if (rows == NULL || cells == NULL) {
        free(rows);
        free(cells);
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < cap * n; i++)
        cells[i] = SIZE_MAX;
    size_t nrows = 0;
    for (size_t k = 0; k < n; k++) {
        const struct gc_run *run = rcs[k].run;
        for (size_t i = 0; i < run->n_results; i++) {
            const struct gc_case *c = run->results[i].c;
            const char *id = gc__case_id(c);
            size_t r = 0;
            while (r < nrows && strcmp(rows[r].id, id) != 0)
                r++;
            if (r == nrows) {
                rows[r].id = id;
                rows[r].c = c;
                rows[r].family = c != NULL && (unsigned)c->family < GC_FAM_COUNT
                                     ? (unsigned)c->family
                                     : GC_FAM_COUNT;
                nrows++;
            }
            if (cells[r * n + k] == SIZE_MAX)
                cells[r * n + k] = i;
        }
    }
    *rows_out = rows;
    *nrows_out = nrows;
    *cells_out = cells;
    return 0;
}

static void matrix_cell(struct gc__buf *b, const struct run_ctx *rc, size_t ri)
{
    if (ri == SIZE_MAX) {
        gc__buf_puts(b, "<td class=\"c o-none\" title=\"not run\">n/a</td>");
        return;
    }
    const struct gc_case_result *r = &rc->run->results[ri];
    const struct gc_finding *f;
    size_t nf = gc__result_findings(rc->run, r, &f);
    char page[GC_HTML_PAGE_NAME_MAX] = "";
    if (nf > 0)
        page_name(rc, f, page);
    gc__buf_printf(b, "<td class=\"c %s\" title=\"%s", out_class(r->outcome),
                   gc_outcome_name(r->outcome));
    size_t nl = gc__field_len(r->note, sizeof(r->note));
    if (nl > 0) {
        gc__buf_puts(b, ": ");
        gc__put_markup(b, r->note, nl, 1);
    } else if (nf > 0) {
        gc__buf_puts(b, ": ");
        gc__put_attr(b, gc__oracle(f->oracle));
    }
    gc__buf_puts(b, "\">");
    if (page[0] != '\0')
        gc__buf_printf(b, "<a href=\"" GC_HTML_FINDINGS_DIR "/%s\">", page);
    status_text(b, r->status);
    if (page[0] != '\0')
        gc__buf_puts(b, "</a>");
    gc__buf_puts(b, "</td>");
}

static int matrix(struct gc__buf *b, const struct run_ctx *rcs, size_t n)
{
    struct mrow *rows;
    size_t nrows, *cells;
    if (build_matrix(rcs, n, &rows, &nrows, &cells) != 0)
        return -1;
    gc__buf_puts(b, "<h2 id=\"matrix\">Cases &#215; targets</h2>\n<p class=\"legend\">");
    for (int o = 0; o < GC_OUT_COUNT; o++)
        gc__buf_printf(b, "<span class=\"%s\">%s</span>", OUT_CLASS[o],
                       gc_outcome_name((enum gc_outcome)o));
    gc__buf_puts(b, " &#8212; cell text: first response status; TLS = handshake refused; "
                    "&#8211; = no response.</p>\n<table class=\"matrix\">\n<thead><tr><th>case</th>"
                    "<th>what is wrong</th>");
    for (size_t k = 0; k < n; k++) {
        gc__buf_puts(b, "<th title=\"run ");
        gc__put_markup(b, rcs[k].run->run_id,
                       gc__field_len(rcs[k].run->run_id, sizeof(rcs[k].run->run_id)), 1);
        gc__buf_puts(b, "\">");
        PUT_FIELD(b, rcs[k].run->target_name);
        gc__buf_puts(b, "</th>");
    }
    gc__buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (unsigned fam = 0; fam <= GC_FAM_COUNT; fam++) {
        size_t in_fam = 0;
        for (size_t r = 0; r < nrows; r++)
            in_fam += rows[r].family == fam;
        if (in_fam == 0)
            continue;
        gc__buf_printf(b, "<tr class=\"fam\"><th colspan=\"%zu\">", n + 2);
        gc__put_text(b, fam < GC_FAM_COUNT ? gc__family((enum gc_family)fam) : "unknown");
        gc__buf_printf(b, " (%zu)</th></tr>\n", in_fam);
        for (size_t r = 0; r < nrows; r++) {
            if (rows[r].family != fam)
                continue;
            gc__buf_puts(b, "<tr><td><code>");
            gc__put_text(b, rows[r].id);
            gc__buf_puts(b, "</code></td><td>");
            if (rows[r].c != NULL && rows[r].c->title != NULL)
                gc__put_text(b, rows[r].c->title);
            gc__buf_puts(b, "</td>");
            for (size_t k = 0; k < n; k++)
                matrix_cell(b, &rcs[k], cells[r * n + k]);
            gc__buf_puts(b, "</tr>\n");
        }
    }
    gc__buf_puts(b, "</tbody>\n</table>\n");
    free(rows);
    free(cells);
    return 0;
}

/* ---- index: findings table ---------------------------------------------- */

static void findings_table(struct gc__buf *b, const struct run_ctx *rcs, size_t n)
{
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += rcs[k].run->n_findings;
    gc__buf_printf(b, "<h2 id=\"findings\">Findings (%zu)</h2>\n", total);
    if (total == 0) {
        gc__buf_puts(b, "<p>No oracle fired.</p>\n");
        return;
    }
    gc__buf_puts(b, "<table class=\"findings\">\n<thead><tr><th>id</th><th>target</th><th>case</th>"
                    "<th>oracle</th><th>severity</th><th>outcome</th><th>evidence</th>"
                    "<th>replay</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const struct gc_run *run = rcs[k].run;
        for (size_t i = 0; i < run->n_findings; i++) {
            const struct gc_finding *f = &run->findings[i];
            enum gc_outcome out = finding_outcome(run, i);
            char page[GC_HTML_PAGE_NAME_MAX];
            page_name(&rcs[k], f, page);
            gc__buf_puts(b, "<tr><td><code>");
            if (page[0] != '\0')
                gc__buf_printf(b, "<a href=\"" GC_HTML_FINDINGS_DIR "/%s\">", page);
            PUT_FIELD(b, f->id);
            if (page[0] != '\0')
                gc__buf_puts(b, "</a>");
            gc__buf_puts(b, "</code></td><td>");
            PUT_FIELD(b, run->target_name);
            gc__buf_puts(b, "</td><td><code>");
            gc__put_text(b, gc__case_id(f->c));
            gc__buf_puts(b, "</code></td><td>");
            gc__put_text(b, gc__oracle(f->oracle));
            gc__buf_printf(b, "</td><td>%s</td><td class=\"%s\">%s</td><td>",
                           gc_severity_name(f->severity), out_class(out), gc_outcome_name(out));
            PUT_FIELD(b, f->evidence);
            gc__buf_puts(b, "</td><td><code>");
            struct gc__buf cmd = {0}, path = {0};
            repro_path(&path, &rcs[k], f);
            gc__buf_puts(&cmd, "gatecrash replay ");
            if (path.err == 0)
                gc__shell_word(&cmd, path.p);
            if (cmd.err == 0 && path.err == 0)
                gc__put_text(b, cmd.p);
            else if (b->err == 0)
                b->err = cmd.err != 0 ? cmd.err : path.err;
            gc__buf_free(&cmd);
            gc__buf_free(&path);
            gc__buf_puts(b, "</code></td></tr>\n");
        }
    }
    gc__buf_puts(b, "</tbody>\n</table>\n");
}

/* ---- index: history plots ---------------------------------------------- */

struct hist_point {
    char id[GC_HTML_RUN_ID_MAX];
    int64_t started;
    double cases_per_s;
    double findings;
};

static int cmp_name_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

static int cmp_point(const void *a, const void *b)
{
    const struct hist_point *x = a, *y = b;
    if (x->started != y->started)
        return x->started < y->started ? -1 : 1;
    return strcmp(x->id, y->id);
}

static double jnum(json_t *v)
{
    double d = json_number_value(v);
    return isfinite(d) ? d : 0.0;
}

/* Reads history_dir/<name>/summary.json; 0 when it holds a usable run. */
static int read_point(const char *history_dir, const char *name, struct hist_point *p)
{
    char path[GC_REPORT_PATH_MAX];
    struct stat st;
    int n = snprintf(path, sizeof(path), "%s/%s/%s", history_dir, name, GC_HTML_SUMMARY);
    if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > GC_HTML_HISTORY_MAX_BYTES)
        return -1;
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    json_t *run = json_object_get(root, "run");
    json_t *id = json_object_get(run, "id");
    json_t *started = json_object_get(run, "started_unix");
    int rc = -1;
    if (json_is_string(id) && json_is_integer(started)) {
        snprintf(p->id, sizeof(p->id), "%s", json_string_value(id));
        p->started = (int64_t)json_integer_value(started);
        p->cases_per_s = jnum(json_object_get(run, "cases_per_s"));
        p->findings = jnum(json_object_get(json_object_get(root, "counts"), "findings"));
        rc = 0;
    }
    json_decref(root);
    return rc;
}

/* The newest GC_HTML_HISTORY_POINTS runs from history_dir plus `cur` (which
 * replaces a history entry of the same id), sorted by start time. Directory
 * names are run ids, which begin with the UTC start time, so only the
 * lexically newest GC_HTML_HISTORY_PARSE summaries are parsed. */
static size_t load_history(const char *history_dir, const struct gc_run *cur,
                           struct hist_point *pts)
{
    struct hist_point parsed[GC_HTML_HISTORY_PARSE + 1];
    size_t np = 0;
    DIR *d = history_dir != NULL ? opendir(history_dir) : NULL;
    if (d != NULL) {
        char **names = NULL;
        size_t nn = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL && nn < GC_HTML_HISTORY_SCAN_MAX) {
            if (e->d_name[0] == '.')
                continue;
            if (nn == cap) {
                size_t ncap = cap == 0 ? 64 : cap * 2;
                char **p = realloc(names, ncap * sizeof(*names));
                if (p == NULL)
                    break;
                names = p;
                cap = ncap;
            }
            names[nn] = strdup(e->d_name);
            if (names[nn] == NULL)
                break;
            nn++;
        }
        closedir(d);
        qsort(names, nn, sizeof(*names), cmp_name_desc);
        for (size_t i = 0; i < nn && np < GC_HTML_HISTORY_PARSE; i++)
            if (read_point(history_dir, names[i], &parsed[np]) == 0)
                np++;
        for (size_t i = 0; i < nn; i++)
            free(names[i]);
        free(names);
    }
    /* The current run, whether or not its summary.json is in history_dir. */
    struct hist_point c = {0};
    snprintf(c.id, sizeof(c.id), "%.*s", (int)gc__field_len(cur->run_id, sizeof(cur->run_id)),
             cur->run_id);
    c.started = cur->started_unix;
    c.cases_per_s = isfinite(cur->cases_per_s) ? cur->cases_per_s : 0.0;
    c.findings = (double)cur->n_findings;
    size_t i = 0;
    while (i < np && strcmp(parsed[i].id, c.id) != 0)
        i++;
    parsed[i] = c;
    if (i == np)
        np++;
    qsort(parsed, np, sizeof(parsed[0]), cmp_point);
    size_t skip = np > GC_HTML_HISTORY_POINTS ? np - GC_HTML_HISTORY_POINTS : 0;
    memcpy(pts, parsed + skip, (np - skip) * sizeof(*pts));
    return np - skip;
}

/* One polyline chart of value(pts[i]) over the runs, evenly spaced (runs are
 * not evenly spaced in time; the tooltip and axis labels give the dates). */
static void plot(struct gc__buf *b, const char *caption, const struct hist_point *pts, size_t n,
                 int findings)
{
    const double w = GC_HTML_PLOT_W, h = GC_HTML_PLOT_H;
    const double x0 = GC_HTML_PLOT_MARGIN_L, x1 = w - GC_HTML_PLOT_MARGIN_R;
    const double y0 = GC_HTML_PLOT_MARGIN_T, y1 = h - GC_HTML_PLOT_MARGIN_B;
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        double v = findings ? pts[i].findings : pts[i].cases_per_s;
        if (v > max)
            max = v;
    }
    if (max <= 0)
        max = 1;
    gc__buf_printf(b,
                   "<figure><figcaption>%s</figcaption>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                   "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
                   caption, GC_HTML_PLOT_W, GC_HTML_PLOT_H, GC_HTML_PLOT_W, GC_HTML_PLOT_H,
                   caption);
    gc__buf_printf(b,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#889\"/>"
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#889\"/>\n",
                   x0, y1, x1, y1, x0, y0, x0, y1);
    gc__buf_printf(b,
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>"
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">0</text>\n",
                   x0 - 4, y0 + 4, max, x0 - 4, y1);
    if (n == 0) {
        gc__buf_puts(b, "</svg></figure>\n");
        return;
    }
    char first[32], last[32];
    gc__iso8601(pts[0].started, first);
    gc__iso8601(pts[n - 1].started, last);
    gc__buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%.10s</text>", x0, h - 8, first);
    if (n > 1)
        gc__buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.10s</text>", x1, h - 8,
                       last);
    gc__buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu run%s</text>\n",
                   (x0 + x1) / 2, h - 8, n, n == 1 ? "" : "s");
    double step = n > 1 ? (x1 - x0) / (double)(n - 1) : 0;
    gc__buf_puts(b, "<polyline fill=\"none\" stroke=\"#3465a4\" stroke-width=\"2\" points=\"");
    for (size_t i = 0; i < n; i++) {
        double v = findings ? pts[i].findings : pts[i].cases_per_s;
        gc__buf_printf(b, "%s%.1f,%.1f", i ? " " : "",
                       n > 1 ? x0 + step * (double)i : (x0 + x1) / 2, y1 - (y1 - y0) * v / max);
    }
    gc__buf_puts(b, "\"/>\n");
    for (size_t i = 0; i < n; i++) {
        double v = findings ? pts[i].findings : pts[i].cases_per_s;
        char when[32];
        gc__iso8601(pts[i].started, when);
        gc__buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#3465a4\"><title>",
                       n > 1 ? x0 + step * (double)i : (x0 + x1) / 2, y1 - (y1 - y0) * v / max);
        gc__put_text(b, pts[i].id);
        gc__buf_printf(b, " %s: %.1f</title></circle>\n", when, v);
    }
    gc__buf_puts(b, "</svg></figure>\n");
}

static void plots(struct gc__buf *b, const char *history_dir, const struct gc_run *cur)
{
    struct hist_point pts[GC_HTML_HISTORY_PARSE + 1];
    size_t n = load_history(history_dir, cur, pts);
    gc__buf_printf(b, "<h2 id=\"history\">History (last %zu run%s)</h2>\n<div class=\"plots\">\n",
                   n, n == 1 ? "" : "s");
    plot(b, "Throughput (cases/s)", pts, n, 0);
    plot(b, "Findings per run", pts, n, 1);
    gc__buf_puts(b, "</div>\n");
}

/* ---- entry points ------------------------------------------------------- */

static int html_page(const struct gc_run *const *runs, size_t n, const char *out_dir,
                     const char *history_dir, int with_plots)
{
    if (runs == NULL || n == 0 || out_dir == NULL) {
        errno = EINVAL;
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        if (runs[k] == NULL) {
            errno = EINVAL;
            return -1;
        }
    struct run_ctx *rcs = calloc(n, sizeof(*rcs));
    if (rcs == NULL)
        return -1;
    /* Reproducers of runs[0] are under out_dir; the others in sibling run
     * dirs, <dirname(out_dir)>/<run_id>. */
    char parent[GC_REPORT_PATH_MAX];
    int pn = snprintf(parent, sizeof(parent), "%s", out_dir);
    int rc = -1;
    if (pn < 0 || (size_t)pn >= sizeof(parent)) {
        errno = ENAMETOOLONG;
        goto out;
    }
    while (pn > 1 && parent[pn - 1] == '/')
        parent[--pn] = '\0';
    char *slash = strrchr(parent, '/');
    if (slash == NULL)
        snprintf(parent, sizeof(parent), ".");
    else if (slash == parent)
        parent[1] = '\0';
    else
        *slash = '\0';
    for (size_t k = 0; k < n; k++) {
        rcs[k].run = runs[k];
        rcs[k].col = k;
        int m = k == 0 ? snprintf(rcs[k].run_dir, sizeof(rcs[k].run_dir), "%s", out_dir)
                       : snprintf(rcs[k].run_dir, sizeof(rcs[k].run_dir), "%s/%.*s", parent,
                                  (int)gc__field_len(runs[k]->run_id, sizeof(runs[k]->run_id)),
                                  runs[k]->run_id);
        if (m < 0 || (size_t)m >= sizeof(rcs[k].run_dir)) {
            errno = ENAMETOOLONG;
            goto out;
        }
    }

    char fdir[GC_REPORT_PATH_MAX];
    if (gc__join(fdir, sizeof(fdir), out_dir, GC_HTML_FINDINGS_DIR) != 0)
        goto out;
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += runs[k]->n_findings;
    if (total > 0 && mkdir(fdir, GC_REPORT_DIR_MODE) != 0 && errno != EEXIST)
        goto out;
    /* Finding pages first: the index links to them. */
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < runs[k]->n_findings; i++)
            if (write_finding_page(&rcs[k], i, out_dir) != 0)
                goto out;

    struct gc__buf b = {0};
    head(&b, "gatecrash ", runs[0]->run_id,
         gc__field_len(runs[0]->run_id, sizeof(runs[0]->run_id)));
    header(&b, rcs, n);
    if (with_plots)
        plots(&b, history_dir, runs[0]);
    if (matrix(&b, rcs, n) != 0 && b.err == 0)
        b.err = errno;
    findings_table(&b, rcs, n);
    gc__buf_puts(&b, "<footer><p>Files: <a href=\"summary.json\">summary.json</a> &#183; "
                     "<a href=\"junit.xml\">junit.xml</a> &#183; "
                     "<a href=\"results.sarif\">results.sarif</a></p></footer>\n"
                     "</body>\n</html>\n");
    rc = gc__write_buf(out_dir, GC_HTML_INDEX, &b);
out:;
    int saved = errno;
    free(rcs);
    errno = saved;
    return rc;
}

int gc_report_html_matrix(const struct gc_run *const *runs, size_t n, const char *out_dir)
{
    return html_page(runs, n, out_dir, NULL, 0);
}

int gc_report_html(const struct gc_run *run, const char *run_dir, const char *history_dir)
{
    const struct gc_run *runs[1] = {run};
    return html_page(runs, 1, run_dir, history_dir, 1);
}
