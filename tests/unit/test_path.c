/* test_path.c: request path normalization (gk/path.h).
 *
 * A table of every rule with passing and failing inputs, the limits hit exactly
 * and exceeded by one, every byte value raw and percent-encoded, every prefix
 * of a valid path (in an exact-size heap buffer, so ASan sees an over-read),
 * the output invariants and idempotence over every table input and over
 * generated paths, which are also checked against a small independent model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gk/path.h"

#define OUT_CAP (GK_PATH_MAX + 16)
#define GENERATED_PATHS 20000
#define GEN_MAX_TOKENS 24
#define PRNG_SEED 0x9e3779b97f4a7c15ULL

struct path_case {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    enum gk_status want;
    const char *out; /* expected output when want == GK_OK */
};

static const struct path_case cases[] = {
    /* must start with '/' */
    {"root_alone", "/", 0, GK_OK, "/"},
    {"empty_is_relative", "", 0, GK_E_PATH_RELATIVE, NULL},
    {"no_leading_slash", "a/b", 0, GK_E_PATH_RELATIVE, NULL},
    {"encoded_leading_slash_is_relative", "%2fa", 0, GK_E_PATH_RELATIVE, NULL},
    {"leading_dot_is_relative", "./a", 0, GK_E_PATH_RELATIVE, NULL},
    {"leading_backslash_is_relative", "\\a", 0, GK_E_PATH_RELATIVE, NULL},
    /* plain paths and trailing slash */
    {"plain_path_unchanged", "/a/b/c", 0, GK_OK, "/a/b/c"},
    {"trailing_slash_kept", "/a/", 0, GK_OK, "/a/"},
    {"dot_at_end_keeps_slash", "/a/.", 0, GK_OK, "/a/"},
    {"dotdot_at_end_keeps_slash", "/a/b/..", 0, GK_OK, "/a/"},
    {"dotdot_back_to_root", "/a/..", 0, GK_OK, "/"},
    {"single_dot_is_root", "/.", 0, GK_OK, "/"},
    {"dot_slash_is_root", "/./", 0, GK_OK, "/"},
    {"dot_in_the_middle_removed", "/a/./b", 0, GK_OK, "/a/b"},
    {"dot_before_trailing_slash", "/a/./", 0, GK_OK, "/a/"},
    {"dotdot_in_the_middle", "/a/b/../c", 0, GK_OK, "/a/c"},
    {"two_dotdots", "/a/b/../../c", 0, GK_OK, "/c"},
    {"sibling_prefix_stays_sibling", "/files/../files-x/secret", 0, GK_OK, "/files-x/secret"},
    {"three_dots_is_a_name", "/...", 0, GK_OK, "/..."},
    {"dotdot_prefix_is_a_name", "/..a", 0, GK_OK, "/..a"},
    {"dot_prefix_is_a_name", "/.a/b.", 0, GK_OK, "/.a/b."},
    /* empty segments collapse */
    {"double_slash_collapses", "//", 0, GK_OK, "/"},
    {"many_slashes_collapse", "//a//b//", 0, GK_OK, "/a/b/"},
    {"double_slash_then_dotdot", "/a//..", 0, GK_OK, "/"},
    {"double_slash_admin", "//admin", 0, GK_OK, "/admin"},
    /* climbing above the root is refused, never clamped */
    {"dotdot_at_root", "/..", 0, GK_E_PATH_ESCAPE, NULL},
    {"dotdot_slash_at_root", "/../", 0, GK_E_PATH_ESCAPE, NULL},
    {"dotdot_after_pop", "/a/../..", 0, GK_E_PATH_ESCAPE, NULL},
    {"dotdot_escape_then_back", "/../a", 0, GK_E_PATH_ESCAPE, NULL},
    {"deep_escape", "/a/b/../../../etc/passwd", 0, GK_E_PATH_ESCAPE, NULL},
    {"proc_self_root_dotdot", "/proc/self/root/..", 0, GK_OK, "/proc/self/"},
    {"dot_then_dotdot_at_root", "/./..", 0, GK_E_PATH_ESCAPE, NULL},
    {"double_slash_dotdot_at_root", "//..", 0, GK_E_PATH_ESCAPE, NULL},
    /* %2e is a dot after the single decode, in every case mix */
    {"enc_dotdot_lower", "/%2e%2e", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_upper", "/%2E%2E", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_upper_lower", "/%2E%2e", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_lower_upper", "/%2e%2E", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_raw_then_lower", "/.%2e", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_raw_then_upper", "/.%2E", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_lower_then_raw", "/%2e.", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_upper_then_raw", "/%2E.", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_escape_to_etc", "/files/%2e%2e/%2e%2e/etc/passwd", 0, GK_E_PATH_ESCAPE, NULL},
    {"enc_dotdot_pops_one", "/a/%2e%2e/b", 0, GK_OK, "/b"},
    {"enc_dot_removed", "/a/%2e/b", 0, GK_OK, "/a/b"},
    {"enc_dot_at_end_keeps_slash", "/a/%2E", 0, GK_OK, "/a/"},
    {"enc_dots_three_is_a_name", "/%2e%2e%2e", 0, GK_OK, "/..."},
    /* decode exactly once, and refuse a decoded '%': double encoding */
    {"double_enc_dotdot_refused", "/%252e%252e", 0, GK_E_PATH_DOUBLE_ENCODED, NULL},
    {"double_enc_dotdot_upper_refused", "/%252E%252E", 0, GK_E_PATH_DOUBLE_ENCODED, NULL},
    {"double_enc_dotdot_mid_refused", "/a/%252e%252e/b", 0, GK_E_PATH_DOUBLE_ENCODED, NULL},
    {"double_enc_slash_refused", "/a%252fb", 0, GK_E_PATH_DOUBLE_ENCODED, NULL},
    {"double_enc_letter_refused", "/%2541", 0, GK_E_PATH_DOUBLE_ENCODED, NULL},
    {"lone_encoded_percent_refused", "/%25", 0, GK_E_PATH_DOUBLE_ENCODED, NULL},
    /* percent-encoding syntax */
    {"enc_letter_decoded", "/%41%62", 0, GK_OK, "/Ab"},
    {"enc_tilde_decoded", "/%7e%7E", 0, GK_OK, "/~~"},
    {"enc_space_decoded", "/a%20b", 0, GK_OK, "/a b"},
    {"enc_question_mark_decoded", "/a%3fb", 0, GK_OK, "/a?b"},
    {"percent_at_end", "/a%", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_one_digit_at_end", "/a%2", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_one_digit_then_slash", "/a%2/b", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_non_hex", "/%zz", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_non_hex_high", "/%g0", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_non_hex_low", "/%0g", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_percent", "/%%32%65", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_plus_sign", "/%+1", 0, GK_E_PATH_ENCODING, NULL},
    {"percent_unicode_form", "/%u002e", 0, GK_E_PATH_ENCODING, NULL},
    /* encoded separators and NUL */
    {"enc_slash_lower", "/a%2fb", 0, GK_E_PATH_ENCODED_SEP, NULL},
    {"enc_slash_upper", "/a%2Fb", 0, GK_E_PATH_ENCODED_SEP, NULL},
    {"enc_slash_traversal", "/%2e%2e%2fetc", 0, GK_E_PATH_ENCODED_SEP, NULL},
    {"enc_backslash_lower", "/a%5cb", 0, GK_E_PATH_ENCODED_SEP, NULL},
    {"enc_backslash_upper", "/..%5C..%5Cwin.ini", 0, GK_E_PATH_ENCODED_SEP, NULL},
    {"enc_nul", "/a%00.txt", 0, GK_E_PATH_ENCODED_SEP, NULL},
    /* raw backslash */
    {"raw_backslash", "/a\\b", 0, GK_E_PATH_BACKSLASH, NULL},
    {"raw_backslash_traversal", "/..\\..\\etc", 0, GK_E_PATH_BACKSLASH, NULL},
    {"raw_backslash_alone", "/\\", 0, GK_E_PATH_BACKSLASH, NULL},
    /* control bytes, raw and decoded */
    {"raw_nul", "/a\0b", 4, GK_E_PATH_CONTROL, NULL},
    {"raw_tab", "/a\tb", 0, GK_E_PATH_CONTROL, NULL},
    {"raw_newline", "/a\nb", 0, GK_E_PATH_CONTROL, NULL},
    {"raw_unit_sep", "/a\x1f", 0, GK_E_PATH_CONTROL, NULL},
    {"raw_del", "/a\x7f", 0, GK_E_PATH_CONTROL, NULL},
    {"enc_soh", "/%01", 0, GK_E_PATH_CONTROL, NULL},
    {"enc_newline", "/a%0a", 0, GK_E_PATH_CONTROL, NULL},
    {"enc_carriage_return", "/a%0D%0A", 0, GK_E_PATH_CONTROL, NULL},
    {"enc_unit_sep", "/%1f", 0, GK_E_PATH_CONTROL, NULL},
    {"enc_del", "/%7F", 0, GK_E_PATH_CONTROL, NULL},
    /* UTF-8 (RFC 3629 §4) */
    {"utf8_two_byte_enc", "/%c3%a9", 0, GK_OK, "/\xc3\xa9"},
    {"utf8_two_byte_enc_upper", "/%C3%A9", 0, GK_OK, "/\xc3\xa9"},
    {"utf8_two_byte_raw", "/\xc3\xa9", 0, GK_OK, "/\xc3\xa9"},
    {"utf8_raw_and_enc_mixed", "/\xc3%a9", 0, GK_OK, "/\xc3\xa9"},
    {"utf8_smallest_two_byte", "/%c2%80", 0, GK_OK, "/\xc2\x80"},
    {"utf8_three_byte_euro", "/%e2%82%ac", 0, GK_OK, "/\xe2\x82\xac"},
    {"utf8_smallest_three_byte", "/%e0%a0%80", 0, GK_OK, "/\xe0\xa0\x80"},
    {"utf8_last_before_surrogates", "/%ed%9f%bf", 0, GK_OK, "/\xed\x9f\xbf"},
    {"utf8_first_after_surrogates", "/%ee%80%80", 0, GK_OK, "/\xee\x80\x80"},
    {"utf8_four_byte_emoji", "/%f0%9f%98%80", 0, GK_OK, "/\xf0\x9f\x98\x80"},
    {"utf8_max_code_point", "/%f4%8f%bf%bf", 0, GK_OK, "/\xf4\x8f\xbf\xbf"},
    {"utf8_overlong_dotdot_c0ae", "/%c0%ae%c0%ae", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_overlong_dot_c1", "/%c1%ae", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_overlong_nul_c080", "/%c0%80", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_overlong_nul_raw", "/\xc0\x80", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_overlong_three_dot", "/%e0%80%ae", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_overlong_three_slash", "/%e0%80%af", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_overlong_four_slash", "/%f0%80%80%af", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_surrogate_high", "/%ed%a0%80", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_surrogate_low", "/%ed%bf%bf", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_above_max", "/%f4%90%80%80", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_f5_lead", "/%f5%80%80%80", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_ff_byte", "/\xff", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_lone_continuation", "/%80", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_truncated_at_end", "/%c3", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_truncated_raw", "/a\xe2\x82", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_truncated_by_slash", "/%c3/%a9", 0, GK_E_PATH_UTF8, NULL},
    {"utf8_truncated_by_ascii", "/%e2%82a", 0, GK_E_PATH_UTF8, NULL},
    /* other bytes are kept */
    {"semicolon_kept", "/admin;x", 0, GK_OK, "/admin;x"},
    {"raw_question_mark_kept", "/a?b", 0, GK_OK, "/a?b"},
    {"raw_space_kept", "/a b", 0, GK_OK, "/a b"},
    {"case_kept", "/ADMIN", 0, GK_OK, "/ADMIN"},
};

static enum gk_status norm(const void *in, size_t len, uint8_t *out, size_t *n)
{
    return gk_path_normalize((const uint8_t *)in, len, out, OUT_CAP, n);
}

static size_t case_len(const struct path_case *c)
{
    return c->len ? c->len : strlen(c->in);
}

/* Output invariants of gk/path.h: starts with '/', no "." or ".." segment, no
 * empty segment except a trailing one, no CTL or backslash. */
static void check_invariants(const uint8_t *p, size_t n, const char *what)
{
    ck_assert_msg(n >= 1 && p[0] == '/', "%s: output does not start with '/'", what);
    size_t seg = 1;
    for (size_t k = 1; k <= n; k++) {
        if (k < n) {
            ck_assert_msg(p[k] >= 0x20 && p[k] != 0x7f && p[k] != '\\', "%s: bad byte", what);
            if (p[k] != '/')
                continue;
        }
        size_t len = k - seg;
        ck_assert_msg(len > 0 || k == n, "%s: empty segment", what);
        ck_assert_msg(!(len == 1 && p[seg] == '.'), "%s: dot segment", what);
        ck_assert_msg(!(len == 2 && p[seg] == '.' && p[seg + 1] == '.'), "%s: dotdot segment",
                      what);
        seg = k + 1;
    }
}

/* Idempotence (gk/path.h): no output holds '%', and every output re-normalizes
 * unchanged. */
static void check_idempotent(const uint8_t *p, size_t n, const char *what)
{
    ck_assert_msg(memchr(p, '%', n) == NULL, "%s: output holds '%%'", what);
    uint8_t again[OUT_CAP];
    size_t m = 0;
    ck_assert_msg(norm(p, n, again, &m) == GK_OK, "%s: output refused on second pass", what);
    ck_assert_msg(m == n && memcmp(again, p, n) == 0, "%s: second pass changed output", what);
}

START_TEST(table_case_gives_expected_status_and_output)
{
    const struct path_case *c = &cases[_i];
    uint8_t out[OUT_CAP];
    size_t n = 0;
    enum gk_status st = norm(c->in, case_len(c), out, &n);
    ck_assert_msg(st == c->want, "%s: got %s want %s", c->name, gk_status_name(st),
                  gk_status_name(c->want));
    if (st != GK_OK)
        return;
    ck_assert_msg(n == strlen(c->out) && memcmp(out, c->out, n) == 0, "%s: got '%.*s' want '%s'",
                  c->name, (int)n, (const char *)out, c->out);
    check_invariants(out, n, c->name);
    check_idempotent(out, n, c->name);
}
END_TEST

/* A decoded '%' is refused, so "%252e" can never become a dot on a second
 * decode by someone else. */
START_TEST(decoded_percent_is_refused_as_double_encoding)
{
    uint8_t out[OUT_CAP];
    size_t n = 0;
    ck_assert_int_eq(norm("/a/%252e%252e", 13, out, &n), GK_E_PATH_DOUBLE_ENCODED);
    ck_assert_int_eq(norm("/a/%2e%2e", 9, out, &n), GK_OK);
    ck_assert_uint_eq(n, 1);
}
END_TEST

static size_t fill_segments(char *buf, size_t count, char name)
{
    size_t n = 0;
    for (size_t k = 0; k < count; k++) {
        buf[n++] = '/';
        if (name)
            buf[n++] = name;
    }
    return n;
}

START_TEST(length_at_limit_accepted_one_past_refused)
{
    static char in[GK_PATH_MAX + 2];
    uint8_t out[OUT_CAP];
    size_t n = 0;
    in[0] = '/';
    memset(in + 1, 'a', GK_PATH_MAX);
    ck_assert_int_eq(norm(in, GK_PATH_MAX, out, &n), GK_OK);
    ck_assert_uint_eq(n, GK_PATH_MAX);
    ck_assert_int_eq(memcmp(out, in, n), 0);
    ck_assert_int_eq(norm(in, GK_PATH_MAX + 1, out, &n), GK_E_LIMIT);
    /* Also when dot removal would shrink it back under the limit. */
    memcpy(in + GK_PATH_MAX - 2, "/..", 3);
    ck_assert_int_eq(norm(in, GK_PATH_MAX + 1, out, &n), GK_E_LIMIT);
    ck_assert_int_eq(norm(in, GK_PATH_MAX, out, &n), GK_OK);
}
END_TEST

START_TEST(encoded_length_limit_applies_before_decoding)
{
    /* 1365 escapes = 4095 bytes + leading '/' = GK_PATH_MAX exactly. */
    static char in[GK_PATH_MAX + 4];
    uint8_t out[OUT_CAP];
    size_t n = 0, len = 1;
    in[0] = '/';
    while (len + 3 <= GK_PATH_MAX) {
        memcpy(in + len, "%41", 3);
        len += 3;
    }
    ck_assert_uint_eq(len, GK_PATH_MAX);
    ck_assert_int_eq(norm(in, len, out, &n), GK_OK);
    ck_assert_uint_eq(n, 1 + (GK_PATH_MAX - 1) / 3);
    in[len] = 'a';
    ck_assert_int_eq(norm(in, len + 1, out, &n), GK_E_LIMIT);
}
END_TEST

START_TEST(segments_at_limit_accepted_one_past_refused)
{
    static char in[2 * GK_PATH_MAX_SEGMENTS + 4];
    uint8_t out[OUT_CAP];
    size_t n = 0;
    size_t len = fill_segments(in, GK_PATH_MAX_SEGMENTS, 'a');
    ck_assert_int_eq(norm(in, len, out, &n), GK_OK);
    ck_assert_uint_eq(n, len);
    len = fill_segments(in, GK_PATH_MAX_SEGMENTS + 1, 'a');
    ck_assert_int_eq(norm(in, len, out, &n), GK_E_LIMIT);
    /* Empty segments count too: "//...//" is not a way around the limit. */
    len = fill_segments(in, GK_PATH_MAX_SEGMENTS, 0);
    ck_assert_int_eq(norm(in, len, out, &n), GK_OK);
    ck_assert_uint_eq(n, 1);
    len = fill_segments(in, GK_PATH_MAX_SEGMENTS + 1, 0);
    ck_assert_int_eq(norm(in, len, out, &n), GK_E_LIMIT);
}
END_TEST

START_TEST(output_capacity_equal_to_input_suffices_one_less_refused)
{
    const char *in = "/a/b/../c";
    size_t len = strlen(in);
    uint8_t out[OUT_CAP];
    size_t n = 0;
    ck_assert_int_eq(gk_path_normalize((const uint8_t *)in, len, out, len, &n), GK_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(gk_path_normalize((const uint8_t *)in, len, out, len - 1, &n), GK_E_SPACE);
}
END_TEST

START_TEST(null_arguments_refused)
{
    uint8_t out[OUT_CAP];
    size_t n = 0;
    ck_assert_int_eq(gk_path_normalize(NULL, 0, out, sizeof out, &n), GK_E_PATH_RELATIVE);
    ck_assert_int_eq(gk_path_normalize((const uint8_t *)"/", 1, NULL, 0, &n), GK_E_ARG);
    ck_assert_int_eq(gk_path_normalize((const uint8_t *)"/", 1, out, sizeof out, NULL), GK_E_ARG);
}
END_TEST

/* Every byte value raw in "/x<b>y", checked against the rules. */
START_TEST(every_raw_byte_follows_the_rules)
{
    unsigned b = (unsigned)_i;
    uint8_t in[4] = {'/', 'x', (uint8_t)b, 'y'};
    uint8_t out[OUT_CAP];
    size_t n = 0;
    enum gk_status st = norm(in, sizeof in, out, &n);
    enum gk_status want = GK_OK;
    if (b < 0x20 || b == 0x7f)
        want = GK_E_PATH_CONTROL;
    else if (b == '\\')
        want = GK_E_PATH_BACKSLASH;
    else if (b == '%')
        want = GK_E_PATH_ENCODING;
    else if (b >= 0x80)
        want = GK_E_PATH_UTF8; /* a lone high byte is never valid UTF-8 */
    ck_assert_msg(st == want, "byte 0x%02x: got %s", b, gk_status_name(st));
    if (want == GK_OK) {
        ck_assert_uint_eq(n, 4);
        ck_assert_int_eq(memcmp(out, in, 4), 0);
    }
}
END_TEST

/* Every byte value percent-encoded in "/x%HHy", both hex cases. */
START_TEST(every_encoded_byte_follows_the_rules)
{
    static const char hex_lower[] = "0123456789abcdef", hex_upper[] = "0123456789ABCDEF";
    unsigned b = (unsigned)_i;
    for (int upper = 0; upper < 2; upper++) {
        const char *hex = upper ? hex_upper : hex_lower;
        uint8_t in[6] = {'/', 'x', '%', (uint8_t)hex[b >> 4], (uint8_t)hex[b & 15], 'y'};
        uint8_t out[OUT_CAP];
        size_t n = 0;
        enum gk_status st = norm(in, sizeof in, out, &n);
        enum gk_status want = GK_OK;
        if (b == '/' || b == '\\' || b == 0)
            want = GK_E_PATH_ENCODED_SEP;
        else if (b < 0x20 || b == 0x7f)
            want = GK_E_PATH_CONTROL;
        else if (b == '%')
            want = GK_E_PATH_DOUBLE_ENCODED;
        else if (b >= 0x80)
            want = GK_E_PATH_UTF8;
        ck_assert_msg(st == want, "%%%02x: got %s", b, gk_status_name(st));
        if (want == GK_OK) {
            uint8_t expect[4] = {'/', 'x', (uint8_t)b, 'y'};
            ck_assert_uint_eq(n, 4);
            ck_assert_int_eq(memcmp(out, expect, 4), 0);
        }
    }
}
END_TEST

/* Each prefix in an exact-size heap buffer: an over-read trips ASan. */
START_TEST(every_prefix_is_handled_without_overread)
{
    static const char *const full[] = {
        "/a/%2e%2e/b%c3%a9/./c//",
        "/%f0%9f%98%80/%2e/x/..",
        "/files/%2E./x%41",
    };
    for (size_t f = 0; f < sizeof full / sizeof full[0]; f++) {
        size_t total = strlen(full[f]);
        for (size_t len = 0; len <= total; len++) {
            uint8_t *in = malloc(len ? len : 1);
            ck_assert_ptr_nonnull(in);
            memcpy(in, full[f], len);
            uint8_t out[OUT_CAP];
            size_t n = 0;
            enum gk_status st = gk_path_normalize(in, len, out, sizeof out, &n);
            if (st == GK_OK)
                check_invariants(out, n, full[f]);
            else
                ck_assert_msg(st == GK_E_PATH_RELATIVE || st == GK_E_PATH_ENCODING ||
                                  st == GK_E_PATH_UTF8,
                              "%s prefix %zu: %s", full[f], len, gk_status_name(st));
            free(in);
        }
    }
}
END_TEST

/* ---- generated paths, checked against an independent model ---- */

static uint64_t prng_state;
static uint64_t prng_next(void)
{
    /* xorshift64* (Vigna): deterministic, no libc RNG. */
    prng_state ^= prng_state >> 12;
    prng_state ^= prng_state << 25;
    prng_state ^= prng_state >> 27;
    return prng_state * 0x2545f4914f6cdd1dULL;
}

static const char *const tokens[] = {
    "/",      "/",        "/",    "//",     ".",         "..",        "a",
    "b",      "files",    "%2e",  "%2E",    "%2e%2e",    ".%2E",      "%41",
    "%25",    "%252e",    "%2f",  "%5c",    "\\",        "%00",       "%0a",
    "%c3%a9", "\xc3\xa9", "\xc3", "%c0%ae", "%e2%82%ac", "%ed%a0%80", "%",
    "%4",     "~",        ";",    " ",      "?",         "%7f",       "%f4%8f%bf%bf",
};

static size_t gen_path(char *buf, size_t cap)
{
    size_t n = 0;
    if (prng_next() % 16 != 0)
        buf[n++] = '/';
    size_t count = (size_t)(prng_next() % GEN_MAX_TOKENS);
    for (size_t k = 0; k < count; k++) {
        const char *t = tokens[prng_next() % (sizeof tokens / sizeof tokens[0])];
        size_t tl = strlen(t);
        if (n + tl > cap)
            break;
        memcpy(buf + n, t, tl);
        n += tl;
    }
    return n;
}

static int model_hex(char c)
{
    const char *digits = "0123456789abcdef";
    char lower = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    const char *p = c ? strchr(digits, lower) : NULL;
    return p ? (int)(p - digits) : -1;
}

/* Code-point based UTF-8 check, written differently from the library's. */
static int model_utf8_ok(const uint8_t *s, size_t n)
{
    size_t k = 0;
    while (k < n) {
        uint32_t cp;
        size_t len;
        if (s[k] < 0x80) {
            k++;
            continue;
        }
        if ((s[k] & 0xe0) == 0xc0) {
            len = 2;
            cp = s[k] & 0x1f;
        } else if ((s[k] & 0xf0) == 0xe0) {
            len = 3;
            cp = s[k] & 0x0f;
        } else if ((s[k] & 0xf8) == 0xf0) {
            len = 4;
            cp = s[k] & 0x07;
        } else {
            return 0;
        }
        if (k + len > n)
            return 0;
        for (size_t j = 1; j < len; j++) {
            if ((s[k + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[k + j] & 0x3f);
        }
        static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        k += len;
    }
    return 1;
}

/* Model: split on raw '/', decode each segment, validate it, then apply the
 * segment stack. Returns 1 and the output when it accepts. */
static int model_normalize(const char *in, size_t len, char *out, size_t *out_len)
{
    if (len == 0 || in[0] != '/' || len > GK_PATH_MAX)
        return 0;
    size_t slashes = 0;
    for (size_t k = 0; k < len; k++)
        slashes += in[k] == '/';
    if (slashes > GK_PATH_MAX_SEGMENTS)
        return 0;
    /* stack of kept segments as offsets into out */
    static size_t stack[GK_PATH_MAX_SEGMENTS + 1];
    size_t depth = 0, w = 0;
    int trailing = 0;
    size_t k = 1;
    while (1) {
        char seg[GK_PATH_MAX];
        size_t sl = 0;
        while (k < len && in[k] != '/') {
            unsigned char c = (unsigned char)in[k];
            if (c == '\\' || c < 0x20 || c == 0x7f)
                return 0;
            if (c == '%') {
                if (k + 2 >= len)
                    return 0;
                int h = model_hex(in[k + 1]), l = model_hex(in[k + 2]);
                if (h < 0 || l < 0)
                    return 0;
                c = (unsigned char)(h * 16 + l);
                if (c == '/' || c == '\\' || c == '%' || c < 0x20 || c == 0x7f)
                    return 0;
                k += 3;
            } else {
                k++;
            }
            seg[sl++] = (char)c;
        }
        if (!model_utf8_ok((const uint8_t *)seg, sl))
            return 0;
        trailing = 1;
        if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
            if (depth == 0)
                return 0;
            w = stack[--depth];
        } else if (!(sl == 0 || (sl == 1 && seg[0] == '.'))) {
            stack[depth++] = w;
            out[w++] = '/';
            memcpy(out + w, seg, sl);
            w += sl;
            trailing = 0;
        }
        if (k >= len)
            break;
        k++;
    }
    if (w == 0 || trailing)
        out[w++] = '/';
    *out_len = w;
    return 1;
}

START_TEST(generated_paths_match_model_and_keep_invariants)
{
    prng_state = PRNG_SEED;
    size_t accepted = 0, idempotence_checked = 0;
    for (size_t t = 0; t < GENERATED_PATHS; t++) {
        char in[GK_PATH_MAX];
        size_t len = gen_path(in, sizeof in);
        uint8_t out[OUT_CAP];
        char model_out[GK_PATH_MAX + 1];
        size_t n = 0, mn = 0;
        enum gk_status st = norm(in, len, out, &n);
        int model_ok = model_normalize(in, len, model_out, &mn);
        ck_assert_msg((st == GK_OK) == model_ok, "case %zu '%.*s': library %s, model %s", t,
                      (int)len, in, gk_status_name(st), model_ok ? "accepts" : "refuses");
        if (st != GK_OK)
            continue;
        accepted++;
        ck_assert_msg(n == mn && memcmp(out, model_out, n) == 0, "case %zu: '%.*s' vs model '%.*s'",
                      t, (int)n, (const char *)out, (int)mn, model_out);
        check_invariants(out, n, "generated");
        if (memchr(out, '%', n) == NULL)
            idempotence_checked++;
        check_idempotent(out, n, "generated");
    }
    /* The generator must exercise both outcomes, or this test proves little. */
    ck_assert_uint_gt(accepted, GENERATED_PATHS / 20);
    ck_assert_uint_lt(accepted, GENERATED_PATHS - GENERATED_PATHS / 20);
    ck_assert_uint_gt(idempotence_checked, GENERATED_PATHS / 40);
}
END_TEST

/* ---- gk_path_under ---- */

static const struct {
    const char *name;
    const char *path;
    const char *prefix;
    enum gk_status want;
    const char *rel;
} under_cases[] = {
    {"file_under_prefix", "/files/a.txt", "/files/", GK_OK, "a.txt"},
    {"nested_file", "/files/d/e.txt", "/files/", GK_OK, "d/e.txt"},
    {"directory_with_trailing_slash", "/files/d/", "/files/", GK_OK, "d/"},
    {"prefix_itself_is_empty_rel", "/files/", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"prefix_without_slash", "/files", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"sibling_prefix", "/files-x/a", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"other_route", "/admin", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"case_differs", "/FILES/a", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"unnormalized_dotdot_refused", "/files/../a", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"unnormalized_dot_refused", "/files/a/./b", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"unnormalized_empty_refused", "/files//a", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"unnormalized_trailing_dotdot", "/files/a/..", "/files/", GK_E_PATH_ESCAPE, NULL},
    {"prefix_must_end_in_slash", "/files/a", "/files", GK_E_ARG, NULL},
    {"prefix_must_start_with_slash", "/files/a", "files/", GK_E_ARG, NULL},
    {"prefix_empty", "/files/a", "", GK_E_ARG, NULL},
    {"root_prefix", "/a/b", "/", GK_OK, "a/b"},
};

START_TEST(path_under_table)
{
    struct gk_span rel = {0};
    const char *p = under_cases[_i].path;
    enum gk_status st = gk_path_under(gk_span_make(p, strlen(p)), under_cases[_i].prefix, &rel);
    ck_assert_msg(st == under_cases[_i].want, "%s: got %s", under_cases[_i].name,
                  gk_status_name(st));
    if (st == GK_OK) {
        ck_assert_uint_eq(rel.len, strlen(under_cases[_i].rel));
        ck_assert_int_eq(memcmp(rel.p, under_cases[_i].rel, rel.len), 0);
    }
}
END_TEST

START_TEST(normalize_then_under_never_yields_a_dot_segment)
{
    static const char *const attacks[] = {
        "/files/../etc/passwd", "/files/%2e%2e/x", "/files/./../../x",
        "/files/a/../../x",     "/files//../x",    "/files/.%2E/x",
    };
    for (size_t k = 0; k < sizeof attacks / sizeof attacks[0]; k++) {
        uint8_t out[OUT_CAP];
        size_t n = 0;
        struct gk_span rel;
        enum gk_status st = norm(attacks[k], strlen(attacks[k]), out, &n);
        if (st == GK_OK)
            st = gk_path_under(gk_span_make(out, n), "/files/", &rel);
        ck_assert_msg(st != GK_OK, "%s reached a file under /files/", attacks[k]);
    }
}
END_TEST

START_TEST(path_under_null_arguments)
{
    struct gk_span rel;
    ck_assert_int_eq(gk_path_under(GK_SPAN_LIT("/files/a"), NULL, &rel), GK_E_ARG);
    ck_assert_int_eq(gk_path_under(GK_SPAN_LIT("/files/a"), "/files/", NULL), GK_E_ARG);
    ck_assert_int_eq(gk_path_under(gk_span_make(NULL, 0), "/files/", &rel), GK_E_PATH_ESCAPE);
}
END_TEST

static Suite *path_suite(void)
{
    Suite *s = suite_create("path");
    TCase *t = tcase_create("normalize");
    tcase_add_loop_test(t, table_case_gives_expected_status_and_output, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(t, decoded_percent_is_refused_as_double_encoding);
    tcase_add_test(t, length_at_limit_accepted_one_past_refused);
    tcase_add_test(t, encoded_length_limit_applies_before_decoding);
    tcase_add_test(t, segments_at_limit_accepted_one_past_refused);
    tcase_add_test(t, output_capacity_equal_to_input_suffices_one_less_refused);
    tcase_add_test(t, null_arguments_refused);
    tcase_add_loop_test(t, every_raw_byte_follows_the_rules, 0, 256);
    tcase_add_loop_test(t, every_encoded_byte_follows_the_rules, 0, 256);
    tcase_add_test(t, every_prefix_is_handled_without_overread);
    tcase_add_test(t, generated_paths_match_model_and_keep_invariants);
    suite_add_tcase(s, t);
    TCase *u = tcase_create("under");
    tcase_add_loop_test(u, path_under_table, 0, (int)(sizeof under_cases / sizeof under_cases[0]));
    tcase_add_test(u, normalize_then_under_never_yields_a_dot_segment);
    tcase_add_test(u, path_under_null_arguments);
    suite_add_tcase(s, u);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(path_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
