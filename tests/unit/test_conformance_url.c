/* test_conformance_url.c: gk_path_normalize against the WHATWG URL tests of
 * web-platform-tests (urltestdata.json), restricted to the entries that
 * exercise dot segments. The rules are in docs/conformance/url.md; in short:
 *
 * Selection: an entry whose URL is http(s) and whose path does not depend on
 * the base (input "http(s):" followed by two or more '/' or '\\', or a
 * scheme-relative "//..." or path-absolute "/..." input against an http(s)
 * base), whose path (between the authority and '?'/'#') has a ".", ".."
 * segment (also in %2e spellings) or any %2e. Failure entries and inputs
 * relative to the base path are counted as skipped.
 *
 * WHATWG and gatekeeper differ on purpose: WHATWG decodes only %2e as a dot,
 * keeps other escapes, keeps empty segments, treats '\\' as '/', keeps a
 * malformed escape, and clamps ".." at the root. We decode every escape once,
 * refuse encoded separators, controls, bad UTF-8, backslashes and malformed
 * escapes, collapse empty segments and refuse climbing above the root. Each
 * selected entry is put into the first category that applies (decided from
 * the input and a small model of the WHATWG path algorithm, never from our
 * result), and each category says what our result must be. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gk/path.h"

#define URL_FILE GC_VECTORS_DIR "/wpt-url/urltestdata.json"
#define BUF_CAP (GK_PATH_MAX + 16)

enum category {
    CAT_RAW_CONTROL,  /* raw CTL/DEL, which WHATWG would percent-encode: we refuse */
    CAT_BACKSLASH,    /* '\\' is '/' to WHATWG for special schemes: we refuse */
    CAT_BAD_ESCAPE,   /* '%' without two hex digits, kept by WHATWG: we refuse */
    CAT_ENCODED_SEP,  /* %2f %5c %00, kept encoded by WHATWG: we refuse */
    CAT_ENCODED_BAD,  /* decodes to a control byte or invalid UTF-8: we refuse */
    CAT_CLAMP,        /* WHATWG clamped ".." at the root: we refuse (escape) */
    CAT_DOTDOT_EMPTY, /* WHATWG's ".." removed an empty segment: we refuse or
                         give an ancestor of WHATWG's collapsed path */
    CAT_AGREE,        /* we accept with WHATWG's pathname, decoded once and
                         with empty segments collapsed */
    CAT_COUNT
};

static const char *const cat_names[CAT_COUNT] = {
    "raw-control",
    "backslash",
    "bad-escape",
    "encoded-separator",
    "encoded-control-or-utf8",
    "clamp-at-root",
    "dotdot-over-empty-segment",
    "agree",
};
/* The status we must return when the entry falls in exactly one category. */
static const enum gk_status cat_status[CAT_COUNT] = {
    GK_E_PATH_CONTROL,
    GK_E_PATH_BACKSLASH,
    GK_E_PATH_ENCODING,
    GK_E_PATH_ENCODED_SEP,
    GK_OK /* control or UTF-8: either code */,
    GK_E_PATH_ESCAPE,
    GK_OK,
    GK_OK,
};

/* failure-entry: WHATWG refuses the URL, there is no pathname to compare.
 * relative-to-base: the path is merged with the base's (or "http:" has fewer
 * than two slashes, which is relative to an http base). */
enum skip_reason { SKIP_FAILURE_ENTRY, SKIP_BASE_DEPENDENT, SKIP_COUNT };
static const char *const skip_names[SKIP_COUNT] = {"failure-entry", "relative-to-base"};

struct span {
    const char *p;
    size_t len;
};

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_slash(char c)
{
    return c == '/' || c == '\\';
}

static int ieq(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.len != n)
        return 0;
    for (size_t k = 0; k < n; k++) {
        char c = s.p[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[k])
            return 0;
    }
    return 1;
}

/* WHATWG URL §4.4 "single-dot URL path segment" / "double-dot". */
static int whatwg_single_dot(struct span s)
{
    return ieq(s, ".") || ieq(s, "%2e");
}
static int whatwg_double_dot(struct span s)
{
    return ieq(s, "..") || ieq(s, ".%2e") || ieq(s, "%2e.") || ieq(s, "%2e%2e");
}

static int has_ci(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t k = 0; k + n <= s.len; k++)
        if (ieq((struct span){s.p + k, n}, lit))
            return 1;
    return 0;
}

/* URL preprocessing as WHATWG does it (basic URL parser, first steps): strip
 * leading/trailing C0 controls and spaces, remove every tab, LF and CR. */
static size_t preprocess(const char *in, size_t len, char *out, size_t cap)
{
    size_t a = 0, b = len, n = 0;
    while (a < b && (unsigned char)in[a] <= 0x20)
        a++;
    while (b > a && (unsigned char)in[b - 1] <= 0x20)
        b--;
    for (size_t k = a; k < b && n < cap; k++)
        if (in[k] != '\t' && in[k] != '\n' && in[k] != '\r')
            out[n++] = in[k];
    return n;
}

static int base_is_http(json_t *entry)
{
    const char *b = json_string_value(json_object_get(entry, "base"));
    return b != NULL && (strncasecmp(b, "http://", 7) == 0 || strncasecmp(b, "https://", 8) == 0);
}

/* Form of the input, and the path when it does not depend on the base.
 * Returns 1 = path found (base-independent), 0 = not an http(s) URL we can
 * use, -1 = http(s) but relative to the base path. */
static int extract_path(const char *s, size_t n, int http_base, struct span *path)
{
    size_t k = 0;
    int authority = 0;
    size_t scheme = 0;
    if (n >= 5 && strncasecmp(s, "http:", 5) == 0)
        scheme = 5;
    else if (n >= 6 && strncasecmp(s, "https:", 6) == 0)
        scheme = 6;
    if (scheme) {
        size_t slashes = 0;
        while (scheme + slashes < n && is_slash(s[scheme + slashes]))
            slashes++;
        if (slashes < 2)
            return -1; /* "http:foo" is relative to an http base */
        k = scheme + slashes;
        authority = 1;
    } else {
        if (!http_base)
            return 0;
        /* any other scheme? */
        size_t j = 0;
        while (j < n && s[j] != ':' && !is_slash(s[j]) && s[j] != '?' && s[j] != '#')
            j++;
        if (j < n && s[j] == ':' && j > 0)
            return 0;
        if (n >= 2 && is_slash(s[0]) && is_slash(s[1])) {
            while (k < n && is_slash(s[k]))
                k++;
            authority = 1;
        } else if (n >= 1 && is_slash(s[0])) {
            k = 0;
        } else {
            return -1;
        }
    }
    if (authority)
        while (k < n && !is_slash(s[k]) && s[k] != '?' && s[k] != '#')
            k++;
    size_t e = k;
    while (e < n && s[e] != '?' && s[e] != '#')
        e++;
    *path = (struct span){s + k, e - k};
    return 1;
}

/* Path has a dot segment (any WHATWG spelling) or any %2e. */
static int is_candidate(struct span path)
{
    if (has_ci(path, "%2e"))
        return 1;
    size_t seg = 0;
    for (size_t k = 0; k <= path.len; k++) {
        if (k < path.len && !is_slash(path.p[k]))
            continue;
        struct span s = {path.p + seg, k - seg};
        if (whatwg_single_dot(s) || whatwg_double_dot(s))
            return 1;
        seg = k + 1;
    }
    return 0;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t k = 0;
    while (k < n) {
        unsigned char c = s[k];
        size_t len = c < 0x80             ? 1
                     : (c & 0xe0) == 0xc0 ? 2
                     : (c & 0xf0) == 0xe0 ? 3
                     : (c & 0xf8) == 0xf0 ? 4
                                          : 0;
        if (len == 0 || k + len > n)
            return 0;
        unsigned long cp = len == 1 ? c : len == 2 ? c & 0x1fu : len == 3 ? c & 0x0fu : c & 0x07u;
        for (size_t j = 1; j < len; j++) {
            if ((s[k + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[k + j] & 0x3fu);
        }
        static const unsigned long min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        k += len;
    }
    return 1;
}

/* Flags of every category the input falls in (bit per enum category). */
static unsigned classify(struct span path)
{
    unsigned flags = 0;
    unsigned char dec[BUF_CAP];
    size_t dn = 0;
    for (size_t k = 0; k < path.len; k++) {
        unsigned char c = (unsigned char)path.p[k];
        if (c < 0x20 || c == 0x7f)
            flags |= 1u << CAT_RAW_CONTROL;
        if (c == '\\')
            flags |= 1u << CAT_BACKSLASH;
        if (c == '%') {
            if (k + 2 >= path.len || hexv(path.p[k + 1]) < 0 || hexv(path.p[k + 2]) < 0) {
                flags |= 1u << CAT_BAD_ESCAPE;
            } else {
                c = (unsigned char)(hexv(path.p[k + 1]) * 16 + hexv(path.p[k + 2]));
                k += 2;
                if (c == '/' || c == '\\' || c == 0)
                    flags |= 1u << CAT_ENCODED_SEP;
                else if (c < 0x20 || c == 0x7f)
                    flags |= 1u << CAT_ENCODED_BAD;
            }
        }
        if (dn < sizeof dec)
            dec[dn++] = c;
    }
    if (!utf8_valid(dec, dn))
        flags |= 1u << CAT_ENCODED_BAD;

    /* Model of the WHATWG path state (URL §4.4, special scheme, '/' only):
     * record a clamp (".." with nothing to remove) or a ".." that removes an
     * empty segment. Depth and which entries are empty are all it needs. */
    static int empty_at[GK_PATH_MAX + 1];
    size_t depth = 0;
    size_t seg = 1; /* path starts with '/' */
    for (size_t k = 1; k <= path.len; k++) {
        if (k < path.len && !is_slash(path.p[k]))
            continue;
        struct span s = {path.p + seg, k - seg};
        if (whatwg_double_dot(s)) {
            if (depth == 0)
                flags |= 1u << CAT_CLAMP;
            else if (empty_at[--depth])
                flags |= 1u << CAT_DOTDOT_EMPTY;
        } else if (!whatwg_single_dot(s)) {
            empty_at[depth++] = s.len == 0;
        }
        seg = k + 1;
    }
    return flags;
}

/* Decode %XX once and collapse empty segments (keeping one trailing '/'). */
static size_t decode_collapse(const char *p, size_t n, char *out, size_t cap)
{
    size_t w = 0;
    for (size_t k = 0; k < n && w < cap; k++) {
        char c = p[k];
        if (c == '%' && k + 2 < n && hexv(p[k + 1]) >= 0 && hexv(p[k + 2]) >= 0) {
            c = (char)(hexv(p[k + 1]) * 16 + hexv(p[k + 2]));
            k += 2;
        }
        if (c == '/' && w > 0 && out[w - 1] == '/')
            continue;
        out[w++] = c;
    }
    return w;
}

struct tally {
    size_t selected, agree, divergent, skipped, disagree;
    size_t per_cat[CAT_COUNT];
    size_t per_skip[SKIP_COUNT];
};

/* Checks one selected entry; returns 1 if it behaved as its category says. */
static int check_entry(struct span path, const char *pathname, unsigned flags, enum category *cat,
                       char *why, size_t why_cap)
{
    unsigned first = 0;
    while (first < CAT_AGREE && !(flags & (1u << first)))
        first++;
    *cat = (enum category)first;
    int single = flags == (1u << first);

    uint8_t out[BUF_CAP];
    size_t n = 0;
    enum gk_status st = gk_path_normalize((const uint8_t *)path.p, path.len, out, sizeof out, &n);

    char want[BUF_CAP];
    size_t wn = decode_collapse(pathname, strlen(pathname), want, sizeof want);

    switch (*cat) {
    case CAT_AGREE:
        if (st == GK_OK && n == wn && memcmp(out, want, n) == 0)
            return 1;
        snprintf(why, why_cap, "got %s '%.*s', want '%.*s'", gk_status_name(st), (int)n,
                 (const char *)out, (int)wn, want);
        return 0;
    case CAT_DOTDOT_EMPTY:
        if (st != GK_OK)
            return 1;
        /* our output must be WHATWG's collapsed path or a directory above it */
        if (n <= wn && memcmp(out, want, n) == 0 && (out[n - 1] == '/' || n == wn))
            return 1;
        snprintf(why, why_cap, "got '%.*s', not an ancestor of '%.*s'", (int)n, (const char *)out,
                 (int)wn, want);
        return 0;
    case CAT_ENCODED_BAD:
        if (st == GK_E_PATH_CONTROL || st == GK_E_PATH_UTF8 || (!single && st != GK_OK))
            return 1;
        snprintf(why, why_cap, "got %s, want a control or UTF-8 refusal", gk_status_name(st));
        return 0;
    default:
        if (st != GK_OK && (!single || st == cat_status[*cat]))
            return 1;
        snprintf(why, why_cap, "got %s, want %s", gk_status_name(st),
                 single ? gk_status_name(cat_status[*cat]) : "a refusal");
        return 0;
    }
}

START_TEST(wpt_dot_segment_entries_agree_or_diverge_as_documented)
{
    json_error_t err;
    json_t *root = json_load_file(URL_FILE, JSON_ALLOW_NUL, &err);
    ck_assert_msg(root != NULL, "%s:%d: %s", URL_FILE, err.line, err.text);
    ck_assert(json_is_array(root));

    struct tally t = {0};
    /* GC_URL_VERBOSE=1 lists every selected entry with its category. */
    int verbose = getenv("GC_URL_VERBOSE") != NULL;
    size_t i;
    json_t *entry;
    json_array_foreach(root, i, entry)
    {
        if (!json_is_object(entry))
            continue; /* comment strings */
        json_t *jin = json_object_get(entry, "input");
        if (!json_is_string(jin))
            continue;
        static char pre[BUF_CAP * 2];
        size_t pn = preprocess(json_string_value(jin), json_string_length(jin), pre, sizeof pre);
        struct span path;
        int form = extract_path(pre, pn, base_is_http(entry), &path);
        if (form == 0)
            continue;
        if (form < 0) {
            /* Relative to the base path: a candidate if the input has dots. */
            struct span whole = {pre, pn};
            size_t e = 0;
            while (e < pn && pre[e] != '?' && pre[e] != '#')
                e++;
            whole.len = e;
            if (is_candidate(whole)) {
                t.skipped++;
                t.per_skip[SKIP_BASE_DEPENDENT]++;
            }
            continue;
        }
        if (!is_candidate(path))
            continue;
        if (json_is_true(json_object_get(entry, "failure"))) {
            t.skipped++;
            t.per_skip[SKIP_FAILURE_ENTRY]++;
            continue;
        }
        const char *pathname = json_string_value(json_object_get(entry, "pathname"));
        ck_assert_msg(pathname != NULL, "entry %zu has no pathname", i);
        ck_assert_msg(path.len < GK_PATH_MAX, "entry %zu path too long for this test", i);

        t.selected++;
        unsigned flags = classify(path);
        enum category cat;
        char why[2 * BUF_CAP];
        if (check_entry(path, pathname, flags, &cat, why, sizeof why)) {
            if (verbose)
                printf("url: entry %zu [%s] path '%.*s' WHATWG '%s'\n", i, cat_names[cat],
                       (int)path.len, path.p, pathname);
            t.per_cat[cat]++;
            if (cat == CAT_AGREE)
                t.agree++;
            else
                t.divergent++;
        } else {
            t.disagree++;
            printf("url: DISAGREE entry %zu [%s] path '%.*s' (WHATWG '%s'): %s\n", i,
                   cat_names[cat], (int)path.len, path.p, pathname, why);
        }
    }
    json_decref(root);

    printf("url: %zu selected, %zu agree, %zu expected-divergent (", t.selected, t.agree,
           t.divergent);
    const char *sep = "";
    for (int c = 0; c < CAT_AGREE; c++) {
        if (t.per_cat[c]) {
            printf("%s%s %zu", sep, cat_names[c], t.per_cat[c]);
            sep = ", ";
        }
    }
    printf("), %zu skipped (%s %zu, %s %zu)", t.skipped, skip_names[0], t.per_skip[0],
           skip_names[1], t.per_skip[1]);
    if (t.disagree)
        printf(", %zu DISAGREE", t.disagree);
    printf("\n");
    fflush(stdout);

    ck_assert_uint_eq(t.disagree, 0);
    /* The selection must not silently shrink to nothing if the file changes. */
    ck_assert_uint_ge(t.selected, 20);
    ck_assert_uint_ge(t.agree, 10);
}
END_TEST

/* The checker itself, on synthetic entries: every category is reachable and
 * a wrong expectation is reported, so the WPT run above can fail. */
static const struct {
    const char *path, *pathname;
    enum category cat;
    int ok; /* 1: gatekeeper behaves as the category requires */
} synthetic[] = {
    {"/a/\x01/..", "/a/%01/", CAT_RAW_CONTROL, 1},
    {"/a\\..\\b", "/b", CAT_BACKSLASH, 1},
    {"/a/%zz/..", "/a/", CAT_BAD_ESCAPE, 1},
    {"/a%2f../b", "/a%2f../b", CAT_ENCODED_SEP, 1},
    {"/a/%c0%ae%c0%ae", "/a/%c0%ae%c0%ae", CAT_ENCODED_BAD, 1},
    {"/a/%0a/.", "/a/%0a/", CAT_ENCODED_BAD, 1},
    {"/..", "/", CAT_CLAMP, 1},
    {"/a//..", "/a/", CAT_DOTDOT_EMPTY, 1},
    {"/a/./%62", "/a/b", CAT_AGREE, 1},
    {"/a/./b", "/a/c", CAT_AGREE, 0},
    {"/a/../b", "/a/b", CAT_AGREE, 0},
};

START_TEST(checker_categorises_and_can_fail)
{
    const char *p = synthetic[_i].path;
    struct span path = {p, strlen(p)};
    enum category cat;
    char why[2 * BUF_CAP];
    int ok = check_entry(path, synthetic[_i].pathname, classify(path), &cat, why, sizeof why);
    ck_assert_msg(cat == synthetic[_i].cat, "%s: category %s", p, cat_names[cat]);
    ck_assert_msg(ok == synthetic[_i].ok, "%s: ok=%d (%s)", p, ok, ok ? "" : why);
}
END_TEST

int main(void)
{
    if (access(URL_FILE, R_OK) != 0) {
        printf("url: skipped: %s not readable (vectors not installed)\n", URL_FILE);
        return 77;
    }
    Suite *s = suite_create("conformance_url");
    TCase *tc = tcase_create("wpt");
    tcase_add_test(tc, wpt_dot_segment_entries_agree_or_diverge_as_documented);
    tcase_add_loop_test(tc, checker_categorises_and_can_fail, 0,
                        (int)(sizeof synthetic / sizeof synthetic[0]));
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
