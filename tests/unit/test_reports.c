/* test_reports.c: the run reports (harness/report*.c).
 *
 * A run built by hand (cases in eight families, every outcome, findings whose
 * evidence holds markup, quotes, ampersands, a control byte and invalid UTF-8)
 * is written to a temporary reports tree; each report is then read back and
 * checked: summary.json parses and its counts match, junit.xml is well-formed
 * XML (xmllint when present, and by hand), results.sarif has the SARIF 2.1.0
 * required properties and only declared rules, the HTML shows target bytes as
 * text only, finding ids are stable and sensitive to every input, the latest
 * symlink follows the newest run, and no temporary file is left behind. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pki.h"
#include "report_internal.h"
#include "result.h"

extern char **environ;

#define T_PATH 4096
#define T_ROOT 1024 /* the temp dir; every path built from it fits T_PATH */
#define T_RUN_ID "20261121T081500Z-4242"
#define T_EVIL_EVIDENCE                                                                            \
    "200 for <script>alert(1)</script> & \"dq\" 'sq' ctl\x01 bad\xff\xfe overlong\xc0\xaf "        \
    "rlo\xe2\x80\xae end"

/* ---- fixture ----------------------------------------------------------- */

static const struct gc_case C_CERT = {.id = "cert.chain.untrusted-root",
                                      .family = GC_FAM_CERT,
                                      .title = "Chain ends at a root that is not client-ca",
                                      .refs = "CWE-295; RFC 5280 \xc2\xa7"
                                              "6.1"};
static const struct gc_case C_JWT = {.id = "jwt.alg.none-lowercase",
                                     .family = GC_FAM_JWT,
                                     .title = "alg <b>none</b> & \"unsigned\" token",
                                     .refs = "CWE-347; CVE-2015-9235"};
static const struct gc_case C_PATH = {.id = "path.dotdot.double-encoded",
                                      .family = GC_FAM_PATH,
                                      .title = "%252e%252e climbs out of www"};
static const struct gc_case C_RUN = {
    .id = "run.shell.semicolon", .family = GC_FAM_RUN, .title = "; in the argument"};
static const struct gc_case C_ROUTE = {
    .id = "route.admin.trailing-slash", .family = GC_FAM_ROUTE, .title = "/admin/"};
static const struct gc_case C_FWD = {
    .id = "fwd.xfcc.non-proxy", .family = GC_FAM_FWD, .title = "XFCC from a non-proxy peer"};
static const struct gc_case C_SSRF = {
    .id = "ssrf.jku.canary", .family = GC_FAM_SSRF, .title = "jku names the canary listener"};
static const struct gc_case C_LEAK = {
    .id = "leak.log.token-signature", .family = GC_FAM_LEAK, .title = "token signature in the log"};

#define T_N_RESULTS 8
#define T_N_FINDINGS 4

struct fixture {
    char root[T_ROOT];         /* reports_root */
    char runs[T_ROOT + 8];     /* root/runs (history) */
    char run_dir[T_ROOT + 96]; /* root/runs/<id> */
    struct gc_case_result results[T_N_RESULTS];
    struct gc_finding findings[T_N_FINDINGS];
    struct gc_run run;
};

static struct fixture fx;

static void mkfinding(struct gc_finding *f, const struct gc_case *c, enum gc_oracle o,
                      enum gc_severity s, const char *evidence, const char *sig, uint64_t seed,
                      double t)
{
    memset(f, 0, sizeof(*f));
    f->c = c;
    f->oracle = o;
    f->severity = s;
    snprintf(f->evidence, sizeof(f->evidence), "%s", evidence);
    snprintf(f->signature, sizeof(f->signature), "%s", sig);
    f->seed = seed;
    gc_finding_id(c->id, o, sig, f->id);
    snprintf(f->repro_dir, sizeof(f->repro_dir), "findings/%s", f->id);
    snprintf(f->expected, sizeof(f->expected), "deny");
    snprintf(f->seen, sizeof(f->seen), "200 {\"identity\":\"<img src=x onerror=alert(2)>\"}\x02");
    f->first_seen_ms = t;
}

static void mkresult(struct gc_case_result *r, const struct gc_case *c, enum gc_outcome o,
                     int status, size_t first, size_t n, const char *note)
{
    memset(r, 0, sizeof(*r));
    r->c = c;
    r->outcome = o;
    r->status = status;
    r->elapsed_ms = 12.5;
    r->first_finding = first;
    r->n_findings = n;
    snprintf(r->note, sizeof(r->note), "%s", note);
}

static void mkdir_p(const char *p)
{
    ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
}

/* A fresh reports tree and the hand-built run. */
static void setup(void)
{
    memset(&fx, 0, sizeof(fx));
    snprintf(fx.root, sizeof(fx.root), "%s/gc-reports-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(fx.root));
    snprintf(fx.runs, sizeof(fx.runs), "%s/runs", fx.root);
    snprintf(fx.run_dir, sizeof(fx.run_dir), "%s/%s", fx.runs, T_RUN_ID);
    mkdir_p(fx.runs);
    mkdir_p(fx.run_dir);

    mkfinding(&fx.findings[0], &C_JWT, GC_OR_AUTHZ_BYPASS, GC_SEV_CRITICAL, T_EVIL_EVIDENCE,
              "status=200", UINT64_MAX, 101.25);
    mkfinding(&fx.findings[1], &C_JWT, GC_OR_IDENTITY_CONFUSION, GC_SEV_HIGH,
              "whoami named spiffe://gatecrash.test/admin", "identity=admin", 7, 101.5);
    mkfinding(&fx.findings[2], &C_FWD, GC_OR_IDENTITY_CONFUSION, GC_SEV_MEDIUM,
              "XFCC from alice became the identity", "identity=xfcc", 8, 300);
    mkfinding(&fx.findings[3], &C_LEAK, GC_OR_LEAK, GC_SEV_LOW, "signature in stderr", "log", 9,
              400);

    mkresult(&fx.results[0], &C_CERT, GC_OUT_PASS, -1, 0, 0, "");
    mkresult(&fx.results[1], &C_JWT, GC_OUT_FINDING, 200, 0, 2, "");
    mkresult(&fx.results[2], &C_PATH, GC_OUT_PASS, 404, 0, 0, "");
    mkresult(&fx.results[3], &C_RUN, GC_OUT_UNIMPLEMENTED, 0, 0, 0, "manifest: no /run");
    mkresult(&fx.results[4], &C_ROUTE, GC_OUT_ERROR, 0, 0, 0,
             "connect: <refused> & \"gone\"\x01\xff");
    mkresult(&fx.results[5], &C_FWD, GC_OUT_XFAIL, 200, 2, 1, "");
    mkresult(&fx.results[6], &C_SSRF, GC_OUT_XPASS, 401, 0, 0, "");
    mkresult(&fx.results[7], &C_LEAK, GC_OUT_BASELINE, 200, 3, 1, "");

    struct gc_run *r = &fx.run;
    snprintf(r->run_id, sizeof(r->run_id), "%s", T_RUN_ID);
    snprintf(r->target_name, sizeof(r->target_name), "gatekeeper");
    snprintf(r->gatecrash_version, sizeof(r->gatecrash_version), "0.1.0");
    r->started_unix = 1795249500;
    r->duration_ms = 2345.5;
    r->seed = UINT64_MAX;
    r->results = fx.results;
    r->n_results = T_N_RESULTS;
    r->findings = fx.findings;
    r->n_findings = T_N_FINDINGS;
    r->cases_per_s = 3.41;
}

static int rm_cb(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return unlink(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[T_PATH];
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rm_cb(p);
        else
            unlink(p);
    }
    closedir(d);
    return rmdir(dir);
}

static void teardown(void)
{
    rm_cb(fx.root);
}

/* ---- helpers ----------------------------------------------------------- */

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    ck_assert_msg(f != NULL, "open %s: %s", p, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Valid UTF-8 per glibc's iconv (an implementation independent of ours). */
static int valid_utf8(const char *s, size_t n)
{
    iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
    ck_assert(cd != (iconv_t)-1);
    char *in = (char *)s;
    size_t left = n;
    int ok = 1;
    while (left > 0) {
        char out[4096], *o = out;
        size_t ol = sizeof(out);
        if (iconv(cd, &in, &left, &o, &ol) == (size_t)-1 && errno != E2BIG) {
            ok = 0;
            break;
        }
    }
    iconv_close(cd);
    return ok;
}

/* No control bytes but TAB LF CR, and no DEL. */
static int clean_controls(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return 0;
    }
    return 1;
}

/* Runs argv; its exit status, or -2 when the program is not installed. */
static int run_tool(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc == ENOENT)
        return -2;
    ck_assert_int_eq(rc, 0);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Names in dir (recursively) that look like leftovers of an atomic write. */
static size_t temp_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (strstr(e->d_name, ".tmp") != NULL)
            n++;
        char p[T_PATH];
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            n += temp_leftovers(p);
    }
    closedir(d);
    return n;
}

static json_t *load_json(const char *dir, const char *name)
{
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    json_error_t err;
    json_t *j = json_load_file(p, JSON_REJECT_DUPLICATES, &err);
    ck_assert_msg(j != NULL, "%s: %s (line %d)", p, err.text, err.line);
    return j;
}

static json_int_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    ck_assert_msg(json_is_integer(v), "%s is not an integer", k);
    return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    ck_assert_msg(json_is_string(v), "%s is not a string", k);
    return json_string_value(v);
}

/* ---- names and ids ----------------------------------------------------- */

START_TEST(outcome_and_severity_names_are_distinct_and_total)
{
    for (int a = GC_OUT_PASS; a <= GC_OUT_ERROR; a++) {
        ck_assert_str_ne(gc_outcome_name((enum gc_outcome)a), "UNKNOWN");
        for (int b = a + 1; b <= GC_OUT_ERROR; b++)
            ck_assert_str_ne(gc_outcome_name((enum gc_outcome)a),
                             gc_outcome_name((enum gc_outcome)b));
    }
    ck_assert_str_eq(gc_outcome_name((enum gc_outcome)(GC_OUT_ERROR + 1)), "UNKNOWN");
    for (int a = GC_SEV_LOW; a <= GC_SEV_CRITICAL; a++) {
        ck_assert_str_ne(gc_severity_name((enum gc_severity)a), "unknown");
        for (int b = a + 1; b <= GC_SEV_CRITICAL; b++)
            ck_assert_str_ne(gc_severity_name((enum gc_severity)a),
                             gc_severity_name((enum gc_severity)b));
    }
    ck_assert_str_eq(gc_severity_name((enum gc_severity)(GC_SEV_CRITICAL + 1)), "unknown");
    for (int o = 0; o < GC_OR_COUNT; o++) {
        ck_assert_str_ne(gc__oracle_summary((enum gc_oracle)o), "Unknown oracle.");
        ck_assert_str_ne(gc__oracle_help((enum gc_oracle)o), "No help available.");
    }
}
END_TEST

START_TEST(finding_id_is_sha256_prefix_of_case_oracle_signature)
{
    char id[GC_FINDING_ID_LEN + 1];
    /* printf 'jwt.alg.none-lowercase|authz-bypass|status=200' | sha256sum */
    gc_finding_id("jwt.alg.none-lowercase", GC_OR_AUTHZ_BYPASS, "status=200", id);
    ck_assert_str_eq(id, "2640d29379c7818a");
    ck_assert(gc__valid_finding_id(id));
}
END_TEST

START_TEST(finding_id_is_stable_and_changes_with_every_input)
{
    char a[GC_FINDING_ID_LEN + 1], b[GC_FINDING_ID_LEN + 1];
    gc_finding_id("path.x", GC_OR_TRAVERSAL, "canary", a);
    gc_finding_id("path.x", GC_OR_TRAVERSAL, "canary", b);
    ck_assert_str_eq(a, b);
    gc_finding_id("path.y", GC_OR_TRAVERSAL, "canary", b);
    ck_assert_str_ne(a, b);
    gc_finding_id("path.x", GC_OR_LEAK, "canary", b);
    ck_assert_str_ne(a, b);
    gc_finding_id("path.x", GC_OR_TRAVERSAL, "canary2", b);
    ck_assert_str_ne(a, b);
    /* Moving text between case and signature changes it (case ids never
     * hold '|', the separator; signatures may). */
    gc_finding_id("path.x", GC_OR_TRAVERSAL, "a|b", a);
    gc_finding_id("path.x.a", GC_OR_TRAVERSAL, "b", b);
    ck_assert_str_ne(a, b);
    /* NULL case or signature hash as empty strings. */
    gc_finding_id(NULL, GC_OR_CRASH, NULL, a);
    gc_finding_id("", GC_OR_CRASH, "", b);
    ck_assert_str_eq(a, b);
    ck_assert(gc__valid_finding_id(a));
}
END_TEST

START_TEST(valid_finding_id_accepts_exactly_16_lowercase_hex)
{
    ck_assert(gc__valid_finding_id("0123456789abcdef"));
    ck_assert(!gc__valid_finding_id("0123456789abcde"));   /* 15 */
    ck_assert(!gc__valid_finding_id("0123456789abcdef0")); /* 17 */
    ck_assert(!gc__valid_finding_id("0123456789ABCDEF"));
    ck_assert(!gc__valid_finding_id("../../etc/passwd"));
    ck_assert(!gc__valid_finding_id("0123456789abcdeg"));
    ck_assert(!gc__valid_finding_id(NULL));
}
END_TEST

/* ---- escaping ---------------------------------------------------------- */

static const struct {
    const char *name, *in, *text, *attr;
} ESCAPES[] = {
    {"ampersand", "a&b", "a&amp;b", "a&amp;b"},
    {"markup and quotes", "<>\"'", "&lt;&gt;&quot;&#39;", "&lt;&gt;&quot;&#39;"},
    {"script tag", "<script>", "&lt;script&gt;", "&lt;script&gt;"},
    {"tab lf cr", "\t\n\r", "\t\n\r", "&#9;&#10;&#13;"},
    {"C0 control", "a\x01z", "a\\x01z", "a\\x01z"},
    {"ESC", "\x1b[31m", "\\x1B[31m", "\\x1B[31m"},
    {"DEL", "\x7f", "\\u{007F}", "\\u{007F}"},
    {"C1 NEL", "\xc2\x85", "\\u{0085}", "\\u{0085}"},
    {"lone high byte", "\xff", "\\xFF", "\\xFF"},
    {"overlong slash", "\xc0\xaf", "\\xC0\\xAF", "\\xC0\\xAF"},
    {"overlong 3-byte", "\xe0\x80\xaf", "\\xE0\\x80\\xAF", "\\xE0\\x80\\xAF"},
    {"surrogate", "\xed\xa0\x80", "\\xED\\xA0\\x80", "\\xED\\xA0\\x80"},
    {"truncated 3-byte", "\xe2\x80", "\\xE2\\x80", "\\xE2\\x80"},
    {"U+D7FF below surrogates", "\xed\x9f\xbf", "\xed\x9f\xbf", "\xed\x9f\xbf"},
    {"U+E000 above surrogates", "\xee\x80\x80", "\xee\x80\x80", "\xee\x80\x80"},
    {"U+10FFFF last code point", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},
    {"U+110000 one past", "\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80", "\\xF4\\x90\\x80\\x80"},
    {"U+FFFE not a char", "\xef\xbf\xbe", "\\u{FFFE}", "\\u{FFFE}"},
    {"U+FFFD kept", "\xef\xbf\xbd", "\xef\xbf\xbd", "\xef\xbf\xbd"},
    {"bidi override",
     "a\xe2\x80\xae"
     "b",
     "a\\u{202E}b", "a\\u{202E}b"},
    {"bidi isolate", "\xe2\x81\xa6", "\\u{2066}", "\\u{2066}"},
    {"e acute kept", "caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9"},
    {"emoji kept", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
    {"empty", "", "", ""},
};

START_TEST(markup_escaping_table)
{
    for (size_t i = 0; i < sizeof(ESCAPES) / sizeof(ESCAPES[0]); i++) {
        for (int attr = 0; attr <= 1; attr++) {
            struct gc__buf b = {0};
            gc__buf_put(&b, "", 0);
            gc__put_markup(&b, ESCAPES[i].in, strlen(ESCAPES[i].in), attr);
            ck_assert_int_eq(b.err, 0);
            ck_assert_msg(strcmp(b.p, attr ? ESCAPES[i].attr : ESCAPES[i].text) == 0,
                          "%s (attr=%d): got \"%s\"", ESCAPES[i].name, attr, b.p);
            ck_assert(valid_utf8(b.p, b.len));
            gc__buf_free(&b);
        }
    }
}
END_TEST

START_TEST(markup_escaping_of_every_byte_is_valid_xml_text)
{
    /* Every single byte value, alone: the output is valid UTF-8, holds no
     * control byte but TAB LF CR, and no raw markup character. */
    for (int c = 1; c < 256; c++) {
        char in[1] = {(char)c};
        struct gc__buf b = {0};
        gc__buf_put(&b, "", 0);
        gc__put_markup(&b, in, 1, 1);
        ck_assert(valid_utf8(b.p, b.len));
        ck_assert(clean_controls(b.p, b.len));
        ck_assert_msg(strpbrk(b.p, "<>\"'\t\n\r") == NULL, "byte %02x: %s", c, b.p);
        gc__buf_free(&b);
    }
}
END_TEST

START_TEST(utf8_cleaning_keeps_controls_for_json_and_fixes_invalid_bytes)
{
    json_t *j = gc__json_str("a\x01\xff\xc3\xa9<", 6);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(j), "a\x01\\xFF\xc3\xa9<");
    json_decref(j);
    /* A fixed-size field without its terminator is read up to its size. */
    char field[4] = {'a', 'b', 'c', 'd'};
    j = GC__JSON_FIELD(field);
    ck_assert_str_eq(json_string_value(j), "abcd");
    json_decref(j);
}
END_TEST

/* ---- summary.json ------------------------------------------------------ */

START_TEST(summary_json_parses_back_with_matching_counts)
{
    ck_assert_int_eq(gc_report_json(&fx.run, fx.run_dir), 0);
    size_t len;
    char *text = slurp(fx.run_dir, "summary.json", &len);
    ck_assert(valid_utf8(text, len));
    free(text);
    json_t *root = load_json(fx.run_dir, "summary.json");

    /* Stable key order at the top and in each record. */
    static const char *const TOP[] = {"format", "format_version", "run",
                                      "counts", "cases",          "findings"};
    size_t k = 0;
    for (void *it = json_object_iter(root); it != NULL; it = json_object_iter_next(root, it))
        ck_assert_str_eq(json_object_iter_key(it), TOP[k++]);
    ck_assert_uint_eq(k, 6);

    json_t *run = json_object_get(root, "run");
    ck_assert_str_eq(jstr(run, "id"), T_RUN_ID);
    ck_assert_str_eq(jstr(run, "target"), "gatekeeper");
    ck_assert_str_eq(jstr(run, "seed"), "18446744073709551615"); /* 2^64-1 survives */
    ck_assert_int_eq(jint(run, "started_unix"), 1795249500);
    ck_assert(json_is_false(json_object_get(run, "partial")));

    json_t *counts = json_object_get(root, "counts");
    ck_assert_int_eq(jint(counts, "cases"), T_N_RESULTS);
    ck_assert_int_eq(jint(counts, "findings"), T_N_FINDINGS);
    json_t *outs = json_object_get(counts, "outcomes");
    ck_assert_int_eq(jint(outs, "PASS"), 2);
    ck_assert_int_eq(jint(outs, "FINDING"), 1);
    ck_assert_int_eq(jint(outs, "XFAIL"), 1);
    ck_assert_int_eq(jint(outs, "XPASS"), 1);
    ck_assert_int_eq(jint(outs, "BASELINE"), 1);
    ck_assert_int_eq(jint(outs, "UNIMPLEMENTED"), 1);
    ck_assert_int_eq(jint(outs, "ERROR"), 1);
    json_t *fams = json_object_get(counts, "families");
    ck_assert_uint_eq(json_object_size(fams), GC_FAM_COUNT);
    json_t *jwt = json_object_get(fams, gc_family_name(GC_FAM_JWT));
    ck_assert_int_eq(jint(jwt, "cases"), 1);
    ck_assert_int_eq(jint(jwt, "findings"), 2);
    ck_assert_int_eq(jint(json_object_get(jwt, "outcomes"), "FINDING"), 1);
    ck_assert_int_eq(jint(json_object_get(fams, gc_family_name(GC_FAM_HARDENING)), "cases"), 0);
    json_t *ors = json_object_get(counts, "oracles");
    ck_assert_uint_eq(json_object_size(ors), GC_OR_COUNT);
    ck_assert_int_eq(jint(ors, "identity-confusion"), 2);
    ck_assert_int_eq(jint(ors, "authz-bypass"), 1);
    ck_assert_int_eq(jint(ors, "traversal"), 0);

    json_t *cases = json_object_get(root, "cases");
    ck_assert_uint_eq(json_array_size(cases), T_N_RESULTS);
    json_t *c1 = json_array_get(cases, 1);
    ck_assert_str_eq(jstr(c1, "id"), C_JWT.id);
    ck_assert_str_eq(jstr(c1, "outcome"), "FINDING");
    ck_assert_int_eq(jint(c1, "status"), 200);
    json_t *ids = json_object_get(c1, "findings");
    ck_assert_uint_eq(json_array_size(ids), 2);
    ck_assert_str_eq(json_string_value(json_array_get(ids, 0)), fx.findings[0].id);
    ck_assert_str_eq(json_string_value(json_array_get(ids, 1)), fx.findings[1].id);
    ck_assert_int_eq(jint(json_array_get(cases, 0), "status"), -1);
    ck_assert_str_eq(jstr(json_array_get(cases, 4), "note"),
                     "connect: <refused> & \"gone\"\x01\\xFF");

    json_t *fs = json_object_get(root, "findings");
    ck_assert_uint_eq(json_array_size(fs), T_N_FINDINGS);
    static const char *const FKEYS[] = {"id",       "case",      "oracle",       "severity",
                                        "evidence", "signature", "seed",         "repro_dir",
                                        "expected", "seen",      "first_seen_ms"};
    json_t *f0 = json_array_get(fs, 0);
    k = 0;
    for (void *it = json_object_iter(f0); it != NULL; it = json_object_iter_next(f0, it))
        ck_assert_str_eq(json_object_iter_key(it), FKEYS[k++]);
    ck_assert_uint_eq(k, sizeof(FKEYS) / sizeof(FKEYS[0]));
    ck_assert_str_eq(jstr(f0, "case"), C_JWT.id);
    ck_assert_str_eq(jstr(f0, "oracle"), "authz-bypass");
    ck_assert_str_eq(jstr(f0, "severity"), "critical");
    ck_assert_str_eq(jstr(f0, "evidence"),
                     "200 for <script>alert(1)</script> & \"dq\" 'sq' ctl\x01 bad\\xFF\\xFE "
                     "overlong\\xC0\\xAF rlo\xe2\x80\xae end");
    ck_assert(json_real_value(json_object_get(f0, "first_seen_ms")) == 101.25);
    json_decref(root);
}
END_TEST

START_TEST(summary_json_into_missing_dir_fails_with_errno)
{
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/no/such/dir", fx.root);
    errno = 0;
    ck_assert_int_eq(gc_report_json(&fx.run, p), -1);
    ck_assert_int_eq(errno, ENOENT);
    errno = 0;
    ck_assert_int_eq(gc_report_json(NULL, fx.run_dir), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(gc_report_junit(&fx.run, NULL), -1);
    ck_assert_int_eq(gc_report_sarif(NULL, fx.run_dir), -1);
    ck_assert_int_eq(gc_report_html(NULL, fx.run_dir, NULL), -1);
    ck_assert_int_eq(gc_report_all(NULL, fx.run_dir, fx.root), -1);
}
END_TEST

/* ---- baseline ids ------------------------------------------------------- */

static void write_text(const char *name, const char *text)
{
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/%s", fx.root, name);
    ck_assert_int_eq(gc_write_file_atomic(p, text, strlen(text), 0644), 0);
}

static int read_ids(const char *name, char (**ids)[GC_FINDING_ID_LEN + 1], size_t *n)
{
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/%s", fx.root, name);
    return gc_report_read_finding_ids(p, ids, n);
}

START_TEST(baseline_ids_read_back_from_summary_json)
{
    ck_assert_int_eq(gc_report_json(&fx.run, fx.run_dir), 0);
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/summary.json", fx.run_dir);
    char(*ids)[GC_FINDING_ID_LEN + 1];
    size_t n;
    ck_assert_int_eq(gc_report_read_finding_ids(p, &ids, &n), 0);
    ck_assert_uint_eq(n, T_N_FINDINGS);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(ids[i], fx.findings[i].id);
    free(ids);
}
END_TEST

START_TEST(baseline_ids_read_from_plain_text_list)
{
    write_text("b.txt", "# known findings\n\n  0123456789ABCDEF  \r\nfedcba9876543210\n"
                        "\t# indented comment\n00000000000000ff");
    char(*ids)[GC_FINDING_ID_LEN + 1];
    size_t n;
    ck_assert_int_eq(read_ids("b.txt", &ids, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(ids[0], "0123456789abcdef"); /* stored lowercase */
    ck_assert_str_eq(ids[1], "fedcba9876543210");
    ck_assert_str_eq(ids[2], "00000000000000ff");
    free(ids);

    write_text("empty.txt", "");
    ck_assert_int_eq(read_ids("empty.txt", &ids, &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(ids);
    write_text("blank.txt", "\n  \n# only comments\n");
    ck_assert_int_eq(read_ids("blank.txt", &ids, &n), 0);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(baseline_rejects_malformed_ids_and_files)
{
    static const struct {
        const char *name, *text;
    } BAD[] = {
        {"15 hex digits", "0123456789abcde\n"},
        {"17 hex digits", "0123456789abcdef0\n"},
        {"non-hex digit", "0123456789abcdeg\n"},
        {"two ids on a line", "0123456789abcdef 0123456789abcdef\n"},
        {"NUL inside", "0123456789abcd\0ef\n"},
        {"summary without findings", "{\"run\": {}}"},
        {"summary with a bad id", "{\"findings\": [{\"id\": \"../../etc/passwd\"}]}"},
        {"summary id not a string", "{\"findings\": [{\"id\": 7}]}"},
        {"truncated summary", "{\"findings\": ["},
    };
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        char p[T_PATH];
        snprintf(p, sizeof(p), "%s/bad.txt", fx.root);
        /* The NUL case needs its real length: write up to the newline. */
        size_t len = strlen(BAD[i].text);
        if (strcmp(BAD[i].name, "NUL inside") == 0)
            len = 18;
        ck_assert_int_eq(gc_write_file_atomic(p, BAD[i].text, len, 0644), 0);
        char(*ids)[GC_FINDING_ID_LEN + 1] = NULL;
        size_t n = 99;
        errno = 0;
        ck_assert_msg(gc_report_read_finding_ids(p, &ids, &n) == -1, "%s accepted", BAD[i].name);
        ck_assert_int_eq(errno, EINVAL);
        ck_assert_ptr_null(ids);
        ck_assert_uint_eq(n, 0);
    }
    char(*ids)[GC_FINDING_ID_LEN + 1];
    size_t n;
    errno = 0;
    ck_assert_int_eq(read_ids("missing.txt", &ids, &n), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* ---- junit.xml ---------------------------------------------------------- */

START_TEST(junit_is_well_formed_and_maps_outcomes)
{
    ck_assert_int_eq(gc_report_junit(&fx.run, fx.run_dir), 0);
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/junit.xml", fx.run_dir);
    char *argv[] = {"xmllint", "--noout", p, NULL};
    int rc = run_tool(argv);
    if (rc == -2)
        fprintf(stderr, "test_reports: xmllint not installed, checking junit.xml by hand only\n");
    else
        ck_assert_msg(rc == 0, "xmllint rejected %s", p);

    size_t len;
    char *x = slurp(fx.run_dir, "junit.xml", &len);
    ck_assert(valid_utf8(x, len));
    ck_assert(clean_controls(x, len));
    ck_assert_ptr_eq(strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), x);
    ck_assert_ptr_nonnull(strstr(x, "<testsuites name=\"gatecrash\" tests=\"8\" failures=\"2\" "
                                    "errors=\"1\" skipped=\"1\" time=\"0.100\""));
    ck_assert_uint_eq(count(x, "<testsuite "), 8); /* one per family present */
    ck_assert_uint_eq(count(x, "<testcase "), T_N_RESULTS);
    ck_assert_ptr_nonnull(
        strstr(x, "<testsuite name=\"gatecrash.jwt\" tests=\"1\" failures=\"1\""));
    ck_assert_ptr_nonnull(strstr(x, "<testcase classname=\"gatecrash.jwt\" "
                                    "name=\"jwt.alg.none-lowercase\" time=\"0.013\">"));
    ck_assert_ptr_nonnull(strstr(x, "<failure type=\"authz-bypass\" message=\"authz-bypass: 200 "
                                    "for &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                                    "&quot;dq&quot; &#39;sq&#39; ctl\\x01 bad\\xFF\\xFE "
                                    "overlong\\xC0\\xAF rlo\\u{202E} end (+1 more)\">"));
    ck_assert_uint_eq(count(x, "<failure "), 2);
    ck_assert_uint_eq(count(x, "<failure type=\"xpass\""), 1);
    ck_assert_uint_eq(count(x, "<skipped message=\"manifest: no /run\"/>"), 1);
    ck_assert_uint_eq(count(x, "<error type=\"error\" message=\"connect: &lt;refused&gt; &amp; "
                               "&quot;gone&quot;\\x01\\xFF\">"),
                      1);
    ck_assert_uint_eq(count(x, "<system-out>expected failure (--xfail): identity-confusion"), 1);
    ck_assert_uint_eq(count(x, "<system-out>known finding (--baseline): leak"), 1);
    ck_assert_ptr_null(strstr(x, "<script"));
    ck_assert_ptr_null(strstr(x, "<img"));
    char replay[T_PATH + 64];
    snprintf(replay, sizeof(replay), "replay: gatecrash replay %s/findings/%s", fx.run_dir,
             fx.findings[0].id);
    ck_assert_msg(strstr(x, replay) != NULL, "no \"%s\"", replay);
    /* Both jwt findings are in the failure's details. */
    ck_assert_ptr_nonnull(strstr(x, fx.findings[0].id));
    ck_assert_ptr_nonnull(strstr(x, fx.findings[1].id));
    free(x);
}
END_TEST

/* ---- results.sarif ------------------------------------------------------ */

static json_t *must_get(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    ck_assert_msg(v != NULL, "missing required property %s", k);
    return v;
}

START_TEST(sarif_has_required_properties_and_declared_rules)
{
    ck_assert_int_eq(gc_report_sarif(&fx.run, fx.run_dir), 0);
    json_t *root = load_json(fx.run_dir, "results.sarif");
    ck_assert_str_eq(jstr(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
    ck_assert_str_eq(jstr(root, "version"), "2.1.0");
    json_t *runs = must_get(root, "runs");
    ck_assert_uint_eq(json_array_size(runs), 1);
    json_t *run = json_array_get(runs, 0);
    json_t *driver = must_get(must_get(run, "tool"), "driver");
    ck_assert_str_eq(jstr(driver, "name"), "gatecrash");
    ck_assert_str_eq(jstr(driver, "version"), "0.1.0");
    ck_assert_ptr_eq(strstr(jstr(driver, "informationUri"), "https://"),
                     jstr(driver, "informationUri"));
    json_t *rules = must_get(driver, "rules");
    ck_assert_uint_eq(json_array_size(rules), GC_OR_COUNT);
    for (size_t i = 0; i < GC_OR_COUNT; i++) {
        json_t *r = json_array_get(rules, i);
        ck_assert_str_eq(jstr(r, "id"), gc_oracle_name((enum gc_oracle)i));
        ck_assert_uint_gt(strlen(jstr(must_get(r, "shortDescription"), "text")), 0);
        ck_assert_uint_gt(strlen(jstr(must_get(r, "help"), "text")), 0);
    }
    ck_assert_str_eq(jstr(must_get(run, "automationDetails"), "id"), "gatecrash/" T_RUN_ID);
    ck_assert(json_is_true(
        json_object_get(json_array_get(must_get(run, "invocations"), 0), "executionSuccessful")));

    json_t *results = must_get(run, "results");
    ck_assert_uint_eq(json_array_size(results), T_N_FINDINGS);
    static const char *const LEVEL[T_N_FINDINGS] = {"error", "error", "warning", "warning"};
    for (size_t i = 0; i < T_N_FINDINGS; i++) {
        json_t *res = json_array_get(results, i);
        const char *rule = jstr(res, "ruleId");
        json_int_t idx = jint(res, "ruleIndex");
        ck_assert(idx >= 0 && idx < GC_OR_COUNT);
        ck_assert_str_eq(jstr(json_array_get(rules, (size_t)idx), "id"), rule);
        ck_assert_str_eq(jstr(res, "level"), LEVEL[i]);
        ck_assert_uint_gt(strlen(jstr(must_get(res, "message"), "text")), 0);
        ck_assert_str_eq(jstr(must_get(res, "partialFingerprints"), "gatecrashFindingId/v1"),
                         fx.findings[i].id);
        json_t *loc = json_array_get(must_get(res, "locations"), 0);
        ck_assert_ptr_null(json_object_get(loc, "physicalLocation"));
        json_t *ll = json_array_get(must_get(loc, "logicalLocations"), 0);
        ck_assert_str_eq(jstr(ll, "name"), fx.findings[i].c->id);
        json_t *props = must_get(res, "properties");
        ck_assert_str_eq(jstr(props, "caseId"), fx.findings[i].c->id);
        ck_assert_str_eq(jstr(props, "family"), gc_family_name(fx.findings[i].c->family));
        ck_assert_str_eq(jstr(props, "reproducer"), fx.findings[i].repro_dir);
        ck_assert(json_is_string(must_get(props, "seed")));
    }
    ck_assert_str_eq(jstr(must_get(json_array_get(results, 0), "message"), "text"),
                     "200 for <script>alert(1)</script> & \"dq\" 'sq' ctl\x01 bad\\xFF\\xFE "
                     "overlong\\xC0\\xAF rlo\xe2\x80\xae end");
    /* The --xfail finding is suppressed, the --baseline one unchanged. */
    ck_assert_ptr_nonnull(json_object_get(json_array_get(results, 2), "suppressions"));
    ck_assert_str_eq(jstr(json_array_get(results, 3), "baselineState"), "unchanged");
    ck_assert_ptr_null(json_object_get(json_array_get(results, 0), "suppressions"));
    json_decref(root);
}
END_TEST

/* ---- HTML --------------------------------------------------------------- */

/* a and b both found, a first. */
static int ordered(const char *a, const char *b)
{
    return a != NULL && b != NULL && a < b;
}

static int has_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p != '\0'; p++)
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    return 0;
}

/* What every page must satisfy whatever the data. */
static void check_page_safe(const char *dir, const char *name)
{
    size_t len;
    char *h = slurp(dir, name, &len);
    ck_assert_msg(valid_utf8(h, len), "%s: invalid UTF-8", name);
    ck_assert_msg(clean_controls(h, len), "%s: control byte", name);
    ck_assert_msg(!has_ci(h, "<script"), "%s: <script", name);
    ck_assert_msg(!has_ci(h, "<img"), "%s: <img", name);
    ck_assert_msg(!has_ci(h, "<iframe") && !has_ci(h, "<object") && !has_ci(h, "<embed") &&
                      !has_ci(h, "<form"),
                  "%s: active element", name);
    /* Nothing fetched: no link elements, no CSS url(), and the only http URI
     * is the SVG namespace name (never dereferenced). */
    ck_assert_msg(!has_ci(h, "<link") && !has_ci(h, "url(") && !has_ci(h, "https:"),
                  "%s: external fetch", name);
    ck_assert_uint_eq(count(h, "http:"), count(h, "xmlns=\"http://www.w3.org/2000/svg\""));
    ck_assert_msg(!has_ci(h, "\xe2\x80\xae"), "%s: raw bidi override", name);
    ck_assert_ptr_nonnull(strstr(h, "Content-Security-Policy\" content=\"default-src 'none'"));
    free(h);
}

START_TEST(html_escapes_target_bytes_and_links_finding_pages)
{
    ck_assert_int_eq(gc_report_html(&fx.run, fx.run_dir, NULL), 0);
    check_page_safe(fx.run_dir, "index.html");
    char *h = slurp(fx.run_dir, "index.html", NULL);
    ck_assert_ptr_nonnull(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;dq&quot;"));
    ck_assert_ptr_nonnull(strstr(h, "alg &lt;b&gt;none&lt;/b&gt; &amp; &quot;unsigned&quot;"));
    ck_assert_ptr_nonnull(strstr(h, T_RUN_ID));
    ck_assert_ptr_nonnull(strstr(h, "gatekeeper"));
    /* Matrix: one row per case, coloured by outcome, status as text. */
    ck_assert_uint_eq(count(h, "<td class=\"c o-"), T_N_RESULTS);
    ck_assert_ptr_nonnull(strstr(h, "<td class=\"c o-pass\" title=\"PASS\">TLS</td>"));
    ck_assert_ptr_nonnull(strstr(h, "<td class=\"c o-unimpl\" title=\"UNIMPLEMENTED: manifest: "
                                    "no /run\">&#8211;</td>"));
    ck_assert_ptr_nonnull(strstr(h, "<td class=\"c o-xpass\" title=\"XPASS\">401</td>"));
    ck_assert_uint_eq(count(h, "<tr class=\"fam\">"), 8);
    /* Families in enum order: cert before jwt before fwd before path. */
    ck_assert(ordered(strstr(h, C_CERT.id), strstr(h, C_JWT.id)));
    ck_assert(ordered(strstr(h, C_JWT.id), strstr(h, C_FWD.id)));
    ck_assert(ordered(strstr(h, C_FWD.id), strstr(h, C_PATH.id)));
    /* History plots even without history: the current run. */
    ck_assert_uint_eq(count(h, "<polyline"), 2);
    for (size_t i = 0; i < T_N_FINDINGS; i++) {
        char link[128], page[128], cmd[T_PATH + 64];
        snprintf(link, sizeof(link), "href=\"findings/%s.html\"", fx.findings[i].id);
        ck_assert_msg(strstr(h, link) != NULL, "no link %s", link);
        snprintf(page, sizeof(page), "findings/%s.html", fx.findings[i].id);
        check_page_safe(fx.run_dir, page);
        char *fp = slurp(fx.run_dir, page, NULL);
        snprintf(cmd, sizeof(cmd), "gatecrash replay %s/findings/%s", fx.run_dir,
                 fx.findings[i].id);
        ck_assert_msg(strstr(fp, cmd) != NULL, "%s lacks \"%s\"", page, cmd);
        ck_assert_ptr_nonnull(strstr(fp, fx.findings[i].c->id));
        ck_assert_ptr_nonnull(strstr(fp, "href=\"../index.html\""));
        free(fp);
    }
    free(h);
}
END_TEST

START_TEST(html_finding_with_malformed_id_gets_no_page_or_link)
{
    struct gc_finding f = fx.findings[0];
    snprintf(f.id, sizeof(f.id), "../../evil");
    struct gc_case_result r = fx.results[1];
    r.first_finding = 0;
    r.n_findings = 1;
    struct gc_case_result bad = fx.results[2];
    bad.outcome = GC_OUT_FINDING;
    bad.first_finding = 5; /* out of range: treated as no findings */
    bad.n_findings = 3;
    struct gc_case_result rs[2] = {r, bad};
    struct gc_run run = fx.run;
    run.results = rs;
    run.n_results = 2;
    run.findings = &f;
    run.n_findings = 1;
    ck_assert_int_eq(gc_report_html(&run, fx.run_dir, NULL), 0);
    ck_assert_int_eq(gc_report_junit(&run, fx.run_dir), 0);
    ck_assert_int_eq(gc_report_json(&run, fx.run_dir), 0);
    check_page_safe(fx.run_dir, "index.html");
    char *h = slurp(fx.run_dir, "index.html", NULL);
    ck_assert_ptr_null(strstr(h, "href=\"findings/.."));
    ck_assert_ptr_nonnull(strstr(h, "../../evil"));
    free(h);
    char p[T_PATH];
    snprintf(p, sizeof(p), "%s/findings", fx.run_dir);
    DIR *d = opendir(p);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        ck_assert_msg(e->d_name[0] == '.', "unexpected page %s", e->d_name);
    closedir(d);
}
END_TEST

START_TEST(html_matrix_puts_several_targets_side_by_side)
{
    /* A second implementation ran a subset plus one case of its own. */
    static const struct gc_case C_EXTRA = {
        .id = "robust.slow-headers", .family = GC_FAM_ROBUST, .title = "slowloris"};
    struct gc_case_result rs[3];
    mkresult(&rs[0], &C_JWT, GC_OUT_PASS, 401, 0, 0, "");
    mkresult(&rs[1], &C_CERT, GC_OUT_FINDING, 200, 0, 1, "");
    mkresult(&rs[2], &C_EXTRA, GC_OUT_PASS, 408, 0, 0, "");
    struct gc_finding f;
    mkfinding(&f, &C_CERT, GC_OR_AUTHZ_BYPASS, GC_SEV_HIGH, "200 with an untrusted root",
              "status=200", 1, 5);
    struct gc_run other = fx.run;
    snprintf(other.run_id, sizeof(other.run_id), "20261121T090000Z-1");
    snprintf(other.target_name, sizeof(other.target_name), "other-impl <rust>");
    other.results = rs;
    other.n_results = 3;
    other.findings = &f;
    other.n_findings = 1;
    const struct gc_run *runs[2] = {&fx.run, &other};
    ck_assert_int_eq(gc_report_html_matrix(runs, 2, fx.run_dir), 0);
    check_page_safe(fx.run_dir, "index.html");
    char *h = slurp(fx.run_dir, "index.html", NULL);
    ck_assert_ptr_nonnull(strstr(h, "<th title=\"run " T_RUN_ID "\">gatekeeper</th>"));
    ck_assert_ptr_nonnull(strstr(h, ">other-impl &lt;rust&gt;</th>"));
    /* 8 + 1 rows, 2 columns each; cases one run lacks show n/a. */
    ck_assert_uint_eq(count(h, "<td class=\"c o-"), 18);
    ck_assert_uint_eq(count(h, ">n/a</td>"), 6 + 1);
    ck_assert_ptr_null(strstr(h, "<polyline")); /* no history in matrix mode */
    /* Pages of the second run are suffixed; its reproducer is in a sibling run dir. */
    char page[128];
    snprintf(page, sizeof(page), "findings/%s-1.html", f.id);
    check_page_safe(fx.run_dir, page);
    char *fp = slurp(fx.run_dir, page, NULL);
    char cmd[T_PATH + 64];
    snprintf(cmd, sizeof(cmd), "gatecrash replay %s/20261121T090000Z-1/findings/%s", fx.runs, f.id);
    ck_assert_msg(strstr(fp, cmd) != NULL, "no \"%s\"", cmd);
    free(fp);
    free(h);
    ck_assert_int_eq(gc_report_html_matrix(runs, 0, fx.run_dir), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(html_replay_command_quotes_unsafe_run_dir)
{
    char dir[T_PATH];
    snprintf(dir, sizeof(dir), "%s/run dir 'q'", fx.root);
    mkdir_p(dir);
    ck_assert_int_eq(gc_report_html(&fx.run, dir, NULL), 0);
    char page[128];
    snprintf(page, sizeof(page), "findings/%s.html", fx.findings[3].id);
    char *fp = slurp(dir, page, NULL);
    char want[T_PATH + 128];
    /* shell: 'a'\''b' ; html: ' is &#39; */
    snprintf(want, sizeof(want),
             "gatecrash replay &#39;%s/run dir &#39;\\&#39;&#39;q&#39;\\&#39;"
             "&#39;/findings/%s&#39;",
             fx.root, fx.findings[3].id);
    ck_assert_msg(strstr(fp, want) != NULL, "want %s", want);
    free(fp);
}
END_TEST

/* A previous run in the history dir: only its summary.json matters. */
static void history_run(const char *id, int64_t started, double cps, size_t n_findings)
{
    char dir[T_PATH];
    snprintf(dir, sizeof(dir), "%s/%s", fx.runs, id);
    mkdir_p(dir);
    struct gc_run r = fx.run;
    snprintf(r.run_id, sizeof(r.run_id), "%s", id);
    r.started_unix = started;
    r.cases_per_s = cps;
    r.n_results = 0;
    r.n_findings = n_findings <= T_N_FINDINGS ? n_findings : T_N_FINDINGS;
    ck_assert_int_eq(gc_report_json(&r, dir), 0);
}

START_TEST(html_plots_history_sorted_by_start_time)
{
    history_run("20261120T000000Z-1", 1795132800, 1000.0, 0);
    history_run("20261119T000000Z-1", 1795046400, 500.0, 2);
    history_run("20261118T000000Z-1", 1794960000, 1500.5, 4);
    char junk[T_PATH];
    snprintf(junk, sizeof(junk), "%s/zz-junk", fx.runs);
    mkdir_p(junk);
    snprintf(junk, sizeof(junk), "%s/zz-junk/summary.json", fx.runs);
    ck_assert_int_eq(gc_write_file_atomic(junk, "{not json", 9, 0644), 0);
    snprintf(junk, sizeof(junk), "%s/zz-empty", fx.runs);
    mkdir_p(junk);
    ck_assert_int_eq(gc_report_all(&fx.run, fx.run_dir, fx.root), 0);
    check_page_safe(fx.run_dir, "index.html");
    char *h = slurp(fx.run_dir, "index.html", NULL);
    ck_assert_ptr_nonnull(strstr(h, "History (last 4 runs)"));
    ck_assert_uint_eq(count(h, "<polyline"), 2);
    ck_assert_uint_eq(count(h, "<circle"), 8);
    /* Oldest first: the 18th (1500.5 cases/s, highest) at the left edge, top. */
    ck_assert_ptr_nonnull(strstr(h, "points=\"56.0,14.0 "));
    ck_assert(ordered(strstr(h, "20261118T000000Z-1"), strstr(h, "20261119T000000Z-1")));
    ck_assert(ordered(strstr(h, "20261120T000000Z-1"), strstr(h, T_RUN_ID " 2026-11-21")));
    free(h);
}
END_TEST

START_TEST(html_plots_keep_exactly_the_last_30_runs)
{
    for (int i = 0; i < 31; i++) {
        char id[64];
        snprintf(id, sizeof(id), "20261001T%06dZ-1", i);
        history_run(id, 1790000000 + i, 10.0 + i, 1);
    }
    ck_assert_int_eq(gc_report_html(&fx.run, fx.run_dir, fx.runs), 0);
    char *h = slurp(fx.run_dir, "index.html", NULL);
    ck_assert_ptr_nonnull(strstr(h, "History (last 30 runs)"));
    ck_assert_uint_eq(count(h, "<circle"), 60);
    /* 31 history + current = 32: the two oldest drop out. */
    ck_assert_ptr_null(strstr(h, "20261001T000000Z-1"));
    ck_assert_ptr_null(strstr(h, "20261001T000001Z-1"));
    ck_assert_ptr_nonnull(strstr(h, "20261001T000002Z-1"));
    ck_assert_ptr_nonnull(strstr(h, T_RUN_ID));
    free(h);
}
END_TEST

/* ---- gc_report_all, latest ---------------------------------------------- */

START_TEST(report_all_writes_four_files_and_points_latest_at_the_run)
{
    ck_assert_int_eq(gc_report_all(&fx.run, fx.run_dir, fx.root), 0);
    static const char *const FILES[] = {"summary.json", "junit.xml", "results.sarif", "index.html"};
    for (size_t i = 0; i < 4; i++) {
        char p[T_PATH];
        struct stat st;
        snprintf(p, sizeof(p), "%s/latest/%s", fx.root, FILES[i]);
        ck_assert_msg(stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0, "%s", p);
    }
    char p[T_PATH], target[T_PATH];
    snprintf(p, sizeof(p), "%s/latest", fx.root);
    ssize_t n = readlink(p, target, sizeof(target) - 1);
    ck_assert_int_gt(n, 0);
    target[n] = '\0';
    ck_assert_str_eq(target, "runs/" T_RUN_ID); /* relative */
    ck_assert_uint_eq(temp_leftovers(fx.root), 0);

    /* A stale latest.tmp from an interrupted run, then a newer run. */
    char tmp[T_PATH];
    snprintf(tmp, sizeof(tmp), "%s/latest.tmp", fx.root);
    ck_assert_int_eq(symlink("nowhere", tmp), 0);
    struct gc_run next = fx.run;
    snprintf(next.run_id, sizeof(next.run_id), "20261122T000000Z-7");
    char dir2[T_PATH];
    snprintf(dir2, sizeof(dir2), "%s/%s", fx.runs, next.run_id);
    ck_assert_int_eq(gc_report_all(&next, dir2, fx.root), 0); /* creates dir2 */
    n = readlink(p, target, sizeof(target) - 1);
    ck_assert_int_gt(n, 0);
    target[n] = '\0';
    ck_assert_str_eq(target, "runs/20261122T000000Z-7");
    struct stat st;
    ck_assert_int_eq(lstat(tmp, &st), -1);
    ck_assert_uint_eq(temp_leftovers(fx.root), 0);
    char *h = slurp(dir2, "index.html", NULL);
    ck_assert_ptr_nonnull(strstr(h, "History (last 2 runs)"));
    free(h);
}
END_TEST

START_TEST(report_all_links_a_run_dir_outside_the_reports_root)
{
    char root2[T_ROOT + 16], other[T_ROOT + 16], p[T_PATH], target[T_PATH];
    snprintf(root2, sizeof(root2), "%s/a/reports", fx.root);
    snprintf(other, sizeof(other), "%s/b/run", fx.root);
    snprintf(p, sizeof(p), "%s/a", fx.root);
    mkdir_p(p);
    mkdir_p(root2);
    snprintf(p, sizeof(p), "%s/b", fx.root);
    mkdir_p(p);
    ck_assert_int_eq(gc_report_all(&fx.run, other, root2), 0);
    snprintf(p, sizeof(p), "%s/latest", root2);
    ssize_t n = readlink(p, target, sizeof(target) - 1);
    ck_assert_int_gt(n, 0);
    target[n] = '\0';
    ck_assert_str_eq(target, "../../b/run");
    snprintf(p, sizeof(p), "%s/latest/summary.json", root2);
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    /* Without a reports root: reports only, no symlink. */
    ck_assert_int_eq(gc_report_all(&fx.run, other, NULL), 0);
}
END_TEST

/* ---- main ----------------------------------------------------------------- */

static Suite *reports_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *names = tcase_create("names");
    tcase_add_test(names, outcome_and_severity_names_are_distinct_and_total);
    tcase_add_test(names, finding_id_is_sha256_prefix_of_case_oracle_signature);
    tcase_add_test(names, finding_id_is_stable_and_changes_with_every_input);
    tcase_add_test(names, valid_finding_id_accepts_exactly_16_lowercase_hex);
    suite_add_tcase(s, names);

    TCase *esc = tcase_create("escaping");
    tcase_add_test(esc, markup_escaping_table);
    tcase_add_test(esc, markup_escaping_of_every_byte_is_valid_xml_text);
    tcase_add_test(esc, utf8_cleaning_keeps_controls_for_json_and_fixes_invalid_bytes);
    suite_add_tcase(s, esc);

    TCase *files = tcase_create("files");
    tcase_add_checked_fixture(files, setup, teardown);
    tcase_set_timeout(files, 60);
    tcase_add_test(files, summary_json_parses_back_with_matching_counts);
    tcase_add_test(files, summary_json_into_missing_dir_fails_with_errno);
    tcase_add_test(files, baseline_ids_read_back_from_summary_json);
    tcase_add_test(files, baseline_ids_read_from_plain_text_list);
    tcase_add_test(files, baseline_rejects_malformed_ids_and_files);
    tcase_add_test(files, junit_is_well_formed_and_maps_outcomes);
    tcase_add_test(files, sarif_has_required_properties_and_declared_rules);
    tcase_add_test(files, html_escapes_target_bytes_and_links_finding_pages);
    tcase_add_test(files, html_finding_with_malformed_id_gets_no_page_or_link);
    tcase_add_test(files, html_matrix_puts_several_targets_side_by_side);
    tcase_add_test(files, html_replay_command_quotes_unsafe_run_dir);
    tcase_add_test(files, html_plots_history_sorted_by_start_time);
    tcase_add_test(files, html_plots_keep_exactly_the_last_30_runs);
    tcase_add_test(files, report_all_writes_four_files_and_points_latest_at_the_run);
    tcase_add_test(files, report_all_links_a_run_dir_outside_the_reports_root);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(reports_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
