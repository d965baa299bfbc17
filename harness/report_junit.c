/* harness/report_junit.c: junit.xml, for CI systems that show test results.
 *
 * The shape is the de-facto one (Ant's JUnit task, read by Jenkins, GitLab,
 * GitHub actions): <testsuites> holding one <testsuite> per case family, one
 * <testcase> per case. How outcomes map:
 *   PASS                 passes
 *   FINDING              <failure type="<oracle>" message="<oracle>: <evidence>">details</failure>
 *   XFAIL, BASELINE      pass, with a <system-out> note naming the known finding(s)
 *   XPASS                <failure type="xpass">: listed as expected to fail, nothing fired
 *   UNIMPLEMENTED        <skipped message="..."/>
 *   ERROR                <error type="error" message="...">
 * Every string goes through gc__put_markup: XML 1.0 cannot hold most control
 * bytes or invalid UTF-8, and a target must not be able to break the file. */
#include "report_internal.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define GC_JUNIT_NAME "junit.xml"
#define GC_JUNIT_CLASS_PREFIX "gatecrash."

struct junit_counts {
    size_t tests, failures, errors, skipped;
    double ms;
};

static void tally(const struct gc_case_result *r, struct junit_counts *k)
{
    k->tests++;
    if (isfinite(r->elapsed_ms) && r->elapsed_ms > 0)
        k->ms += r->elapsed_ms;
    switch (r->outcome) {
    case GC_OUT_FINDING:
    case GC_OUT_XPASS:
        k->failures++;
        break;
    case GC_OUT_ERROR:
        k->errors++;
        break;
    case GC_OUT_UNIMPLEMENTED:
        k->skipped++;
        break;
    default:
        break;
    }
}

static double secs(double ms)
{
    return isfinite(ms) && ms > 0 ? ms / 1000.0 : 0.0;
}

static void counts_attrs(struct gc__buf *b, const struct junit_counts *k)
{
    gc__buf_printf(b,
                   " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"",
                   k->tests, k->failures, k->errors, k->skipped, secs(k->ms));
}

/* Text block describing findings, one paragraph each. */
static void finding_details(struct gc__buf *b, const char *run_dir, const struct gc_finding *f,
                            size_t nf)
{
    for (size_t i = 0; i < nf; i++) {
        gc__buf_puts(b, i == 0 ? "" : "\n\n");
        gc__buf_puts(b, "finding ");
        gc__put_markup(b, f[i].id, gc__field_len(f[i].id, sizeof(f[i].id)), 0);
        gc__buf_printf(b, " (%s, %s)\nevidence: ", gc__oracle(f[i].oracle),
                       gc_severity_name(f[i].severity));
        gc__put_markup(b, f[i].evidence, gc__field_len(f[i].evidence, sizeof(f[i].evidence)), 0);
        gc__buf_puts(b, "\nexpected: ");
        gc__put_markup(b, f[i].expected, gc__field_len(f[i].expected, sizeof(f[i].expected)), 0);
        gc__buf_puts(b, "\nseen: ");
        gc__put_markup(b, f[i].seen, gc__field_len(f[i].seen, sizeof(f[i].seen)), 0);
        gc__buf_printf(b, "\nseed: %llu\nreproducer: ", (unsigned long long)f[i].seed);
        gc__put_markup(b, f[i].repro_dir, gc__field_len(f[i].repro_dir, sizeof(f[i].repro_dir)), 0);
        /* The one-line replay command, as on the finding's HTML page. */
        struct gc__buf path = {0}, cmd = {0};
        gc__buf_printf(&path, "%s/%.*s", run_dir,
                       (int)gc__field_len(f[i].repro_dir, sizeof(f[i].repro_dir)), f[i].repro_dir);
        gc__buf_puts(&cmd, "gatecrash replay ");
        if (path.err == 0)
            gc__shell_word(&cmd, path.p);
        gc__buf_puts(b, "\nreplay: ");
        if (cmd.err == 0 && path.err == 0)
            gc__put_text(b, cmd.p);
        else if (b->err == 0)
            b->err = path.err != 0 ? path.err : cmd.err;
        gc__buf_free(&path);
        gc__buf_free(&cmd);
    }
}

/* "<oracle>: <evidence>" of the first finding, "(+N more)" after it. */
static void finding_message(struct gc__buf *b, const struct gc_finding *f, size_t nf)
{
    gc__put_attr(b, gc__oracle(f->oracle));
    gc__buf_puts(b, ": ");
    gc__put_markup(b, f->evidence, gc__field_len(f->evidence, sizeof(f->evidence)), 1);
    if (nf > 1)
        gc__buf_printf(b, " (+%zu more)", nf - 1);
}

static void testcase(struct gc__buf *b, const struct gc_run *run, const char *run_dir,
                     const struct gc_case_result *r)
{
    const struct gc_finding *f;
    size_t nf = gc__result_findings(run, r, &f);
    const char *fam = r->c != NULL ? gc__family(r->c->family) : "unknown";
    const char *note = r->note;
    size_t note_len = gc__field_len(r->note, sizeof(r->note));

    gc__buf_puts(b, "    <testcase classname=\"" GC_JUNIT_CLASS_PREFIX);
    gc__put_attr(b, fam);
    gc__buf_puts(b, "\" name=\"");
    gc__put_attr(b, gc__case_id(r->c));
    gc__buf_printf(b, "\" time=\"%.3f\"", secs(r->elapsed_ms));

    switch (r->outcome) {
    case GC_OUT_FINDING:
        gc__buf_puts(b, ">\n      <failure type=\"");
        if (nf == 0) {
            gc__buf_puts(b, "finding\" message=\"an oracle fired (no finding recorded)\"/>\n");
            break;
        }
        gc__put_attr(b, gc__oracle(f->oracle));
        gc__buf_puts(b, "\" message=\"");
        finding_message(b, f, nf);
        gc__buf_puts(b, "\">");
        finding_details(b, run_dir, f, nf);
        gc__buf_puts(b, "</failure>\n");
        break;
    case GC_OUT_XPASS:
        gc__buf_puts(b, ">\n      <failure type=\"xpass\" message=\"listed as an expected failure "
                        "(--xfail) but no oracle fired\"/>\n");
        break;
    case GC_OUT_XFAIL:
    case GC_OUT_BASELINE:
        gc__buf_printf(b, ">\n      <system-out>%s: ",
                       r->outcome == GC_OUT_XFAIL ? "expected failure (--xfail)"
                                                  : "known finding (--baseline)");
        if (nf > 0) {
            gc__put_text(b, gc__oracle(f->oracle));
            gc__buf_puts(b, ": ");
            gc__put_markup(b, f->evidence, gc__field_len(f->evidence, sizeof(f->evidence)), 0);
            gc__buf_puts(b, "\n\n");
            finding_details(b, run_dir, f, nf);
        }
        gc__buf_puts(b, "</system-out>\n");
        break;
    case GC_OUT_UNIMPLEMENTED:
        gc__buf_puts(b, ">\n      <skipped message=\"");
        gc__put_markup(b, note_len > 0 ? note : "not implemented by the target",
                       note_len > 0 ? note_len : strlen("not implemented by the target"), 1);
        gc__buf_puts(b, "\"/>\n");
        break;
    case GC_OUT_ERROR:
        gc__buf_puts(b, ">\n      <error type=\"error\" message=\"");
        gc__put_markup(b, note, note_len, 1);
        gc__buf_puts(b, "\">");
        gc__put_markup(b, note, note_len, 0);
        gc__buf_puts(b, "</error>\n");
        break;
    default: /* PASS */
        gc__buf_puts(b, "/>\n");
        return;
    }
    gc__buf_puts(b, "    </testcase>\n");
}

int gc_report_junit(const struct gc_run *run, const char *run_dir)
{
    if (run == NULL || run_dir == NULL) {
        errno = EINVAL;
        return -1;
    }
    struct junit_counts total = {0}, fam[GC_FAM_COUNT + 1];
    memset(fam, 0, sizeof(fam));
    /* Index GC_FAM_COUNT collects results whose case is missing or whose
     * family is out of range, so that no result is silently dropped. */
    for (size_t i = 0; i < run->n_results; i++) {
        const struct gc_case_result *r = &run->results[i];
        unsigned f = r->c != NULL && (unsigned)r->c->family < GC_FAM_COUNT ? (unsigned)r->c->family
                                                                           : GC_FAM_COUNT;
        tally(r, &total);
        tally(r, &fam[f]);
    }
    char started[32];
    gc__iso8601(run->started_unix, started);

    struct gc__buf b = {0};
    gc__buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gatecrash\"");
    counts_attrs(&b, &total);
    gc__buf_puts(&b, ">\n");
    for (unsigned f = 0; f <= GC_FAM_COUNT; f++) {
        if (fam[f].tests == 0)
            continue;
        const char *fname = f < GC_FAM_COUNT ? gc__family((enum gc_family)f) : "unknown";
        gc__buf_puts(&b, "  <testsuite name=\"" GC_JUNIT_CLASS_PREFIX);
        gc__put_attr(&b, fname);
        gc__buf_puts(&b, "\"");
        counts_attrs(&b, &fam[f]);
        gc__buf_printf(&b, " timestamp=\"%s\">\n    <properties>\n", started);
        gc__buf_puts(&b, "      <property name=\"run_id\" value=\"");
        gc__put_markup(&b, run->run_id, gc__field_len(run->run_id, sizeof(run->run_id)), 1);
        gc__buf_puts(&b, "\"/>\n      <property name=\"target\" value=\"");
        gc__put_markup(&b, run->target_name,
                       gc__field_len(run->target_name, sizeof(run->target_name)), 1);
        gc__buf_printf(&b,
                       "\"/>\n      <property name=\"seed\" value=\"%llu\"/>\n"
                       "      <property name=\"partial\" value=\"%s\"/>\n    </properties>\n",
                       (unsigned long long)run->seed, run->partial ? "true" : "false");
        for (size_t i = 0; i < run->n_results; i++) {
            const struct gc_case_result *r = &run->results[i];
            unsigned rf = r->c != NULL && (unsigned)r->c->family < GC_FAM_COUNT
                              ? (unsigned)r->c->family
                              : GC_FAM_COUNT;
            if (rf == f)
                testcase(&b, run, run_dir, r);
        }
        gc__buf_puts(&b, "  </testsuite>\n");
    }
    gc__buf_puts(&b, "</testsuites>\n");
    return gc__write_buf(run_dir, GC_JUNIT_NAME, &b);
}
