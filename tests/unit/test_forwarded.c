/* Unit tests for gk/forwarded.h: X-Forwarded-For, RFC 7239 Forwarded, Envoy
 * XFCC grammar (quoting, escapes, duplicates, case and spacing variants, odd
 * bytes, every limit at and one past) and the trust decision: from an
 * untrusted peer nothing is even parsed; from the proxy the right-most hop wins.
 * Every input is copied into an exact-size heap buffer so ASan sees any
 * one-byte over-read. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gk/forwarded.h"

/* A byte string with its length (may hold NUL). */
#define S(lit) (lit), (sizeof(lit) - 1)

static uint8_t *dup_exact(const char *s, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len)
        memcpy(p, s, len);
    return p;
}

static void fmt(const struct gk_addr *a, char out[GK_ADDR_STR_MAX])
{
    if (a->family == 0) {
        snprintf(out, GK_ADDR_STR_MAX, "-");
        return;
    }
    gk_addr_format(a, out);
}

/* ---- X-Forwarded-For -------------------------------------------------- */

struct addr_case {
    const char *name;
    const char *in;
    size_t len;
    enum gk_status want;
    size_t n;
    const char *last; /* canonical text of the right-most address, "-" = family 0 */
};

static const struct addr_case XFF_CASES[] = {
    {"single v4", S("192.0.2.1"), GK_OK, 1, "192.0.2.1"},
    {"two v4 with OWS", S("192.0.2.1, 198.51.100.2"), GK_OK, 2, "198.51.100.2"},
    {"no space after comma", S("192.0.2.1,198.51.100.2"), GK_OK, 2, "198.51.100.2"},
    {"tabs and spaces around commas", S(" \t192.0.2.1\t , \t198.51.100.2 \t"), GK_OK, 2,
     "198.51.100.2"},
    {"v4 with port", S("192.0.2.1:8080"), GK_OK, 1, "192.0.2.1"},
    {"v4 port 65535", S("192.0.2.1:65535"), GK_OK, 1, "192.0.2.1"},
    {"v4 port 0", S("192.0.2.1:0"), GK_OK, 1, "192.0.2.1"},
    {"bare v6", S("2001:db8::1"), GK_OK, 1, "2001:db8::1"},
    {"bare v6 loopback", S("::1"), GK_OK, 1, "::1"},
    {"bracketed v6", S("[2001:db8::1]"), GK_OK, 1, "2001:db8::1"},
    {"bracketed v6 with port", S("[2001:db8::1]:443"), GK_OK, 1, "2001:db8::1"},
    {"mixed list", S("10.0.0.1, [::1]:1, 2001:db8::2"), GK_OK, 3, "2001:db8::2"},
    {"v4 port 65536", S("192.0.2.1:65536"), GK_E_FWD_SYNTAX, 0, NULL},
    {"v4 port six digits", S("192.0.2.1:000080"), GK_E_FWD_SYNTAX, 0, NULL},
    {"v4 empty port", S("192.0.2.1:"), GK_E_FWD_SYNTAX, 0, NULL},
    {"v4 hex port", S("192.0.2.1:0x50"), GK_E_FWD_SYNTAX, 0, NULL},
    {"v4 signed port", S("192.0.2.1:+80"), GK_E_FWD_SYNTAX, 0, NULL},
    {"v6 empty port", S("[::1]:"), GK_E_FWD_SYNTAX, 0, NULL},
    {"v6 obfuscated port", S("[::1]:_x"), GK_E_FWD_SYNTAX, 0, NULL},
    {"v4 in brackets", S("[192.0.2.1]"), GK_E_FWD_SYNTAX, 0, NULL},
    {"unclosed bracket", S("[::1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"stray close bracket", S("::1]"), GK_E_FWD_SYNTAX, 0, NULL},
    {"bytes after bracket", S("[::1]x"), GK_E_FWD_SYNTAX, 0, NULL},
    {"zone id", S("[fe80::1%eth0]"), GK_E_FWD_SYNTAX, 0, NULL},
    {"empty header", S(""), GK_E_FWD_SYNTAX, 0, NULL},
    {"only OWS", S("   "), GK_E_FWD_SYNTAX, 0, NULL},
    {"only comma", S(","), GK_E_FWD_SYNTAX, 0, NULL},
    {"trailing comma", S("192.0.2.1,"), GK_E_FWD_SYNTAX, 0, NULL},
    {"leading comma", S(",192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"empty middle element", S("192.0.2.1, ,198.51.100.2"), GK_E_FWD_SYNTAX, 0, NULL},
    {"unknown token", S("unknown"), GK_E_FWD_SYNTAX, 0, NULL},
    {"hostname", S("proxy.example"), GK_E_FWD_SYNTAX, 0, NULL},
    {"space inside element", S("192.0.2.1 198.51.100.2"), GK_E_FWD_SYNTAX, 0, NULL},
    {"three octets", S("192.0.2"), GK_E_FWD_SYNTAX, 0, NULL},
    {"five octets", S("192.0.2.1.5"), GK_E_FWD_SYNTAX, 0, NULL},
    {"octet 256", S("256.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"forwarded syntax in xff", S("for=192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"semicolon param", S("192.0.2.1;proto=http"), GK_E_FWD_SYNTAX, 0, NULL},
    {"NUL after address", S("192.0.2.1\0"), GK_E_FWD_SYNTAX, 0, NULL},
    {"NUL inside", S("192.0\0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"CR LF after address", S("192.0.2.1\r\n"), GK_E_FWD_SYNTAX, 0, NULL},
    {"DEL after address", S("192.0.2.1\x7f"), GK_E_FWD_SYNTAX, 0, NULL},
    {"high bit byte", S("192.0.2.1\xc2\xa0"), GK_E_FWD_SYNTAX, 0, NULL},
    {"garbage after good hops", S("192.0.2.1, 198.51.100.2, %%%"), GK_E_FWD_SYNTAX, 0, NULL},
};

static void check_addr_case(const struct addr_case *tc, int forwarded)
{
    struct gk_addr out[GK_FWD_MAX_HOPS];
    size_t n = 99;
    uint8_t *in = dup_exact(tc->in, tc->len);
    enum gk_status st = forwarded ? gk_forwarded_parse(in, tc->len, out, GK_FWD_MAX_HOPS, &n)
                                  : gk_xff_parse(in, tc->len, out, GK_FWD_MAX_HOPS, &n);
    free(in);
    ck_assert_msg(st == tc->want, "%s: got %s want %s", tc->name, gk_status_name(st),
                  gk_status_name(tc->want));
    if (tc->want != GK_OK)
        return;
    ck_assert_msg(n == tc->n, "%s: n=%zu want %zu", tc->name, n, tc->n);
    char text[GK_ADDR_STR_MAX];
    fmt(&out[n - 1], text);
    ck_assert_msg(strcmp(text, tc->last) == 0, "%s: last=%s want %s", tc->name, text, tc->last);
}

START_TEST(test_xff_grammar_table)
{
    check_addr_case(&XFF_CASES[_i], 0);
}
END_TEST

/* n comma-separated copies of `elem`, joined by ", ". */
static size_t build_list(char *buf, size_t cap, const char *elem, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", elem);
        ck_assert(w > 0 && (size_t)w < cap - len);
        len += (size_t)w;
    }
    return len;
}

START_TEST(test_xff_hop_limit_exact_ok_one_more_refused)
{
    char buf[GK_FWD_MAX_HEADER];
    struct gk_addr out[GK_FWD_MAX_HOPS + 1];
    size_t n = 0;
    size_t len = build_list(buf, sizeof(buf), "192.0.2.7", GK_FWD_MAX_HOPS);
    ck_assert_int_eq(gk_xff_parse((uint8_t *)buf, len, out, GK_FWD_MAX_HOPS + 1, &n), GK_OK);
    ck_assert_uint_eq(n, GK_FWD_MAX_HOPS);
    len = build_list(buf, sizeof(buf), "192.0.2.7", GK_FWD_MAX_HOPS + 1);
    ck_assert_int_eq(gk_xff_parse((uint8_t *)buf, len, out, GK_FWD_MAX_HOPS + 1, &n), GK_E_LIMIT);
}
END_TEST

/* One valid element padded with OWS to exactly `len` bytes. */
static uint8_t *padded(const char *elem, size_t len)
{
    uint8_t *p = malloc(len);
    ck_assert_ptr_nonnull(p);
    memset(p, ' ', len);
    memcpy(p, elem, strlen(elem));
    return p;
}

START_TEST(test_xff_header_size_exact_ok_one_more_refused)
{
    struct gk_addr out[1];
    size_t n = 0;
    uint8_t *p = padded("192.0.2.7", GK_FWD_MAX_HEADER);
    ck_assert_int_eq(gk_xff_parse(p, GK_FWD_MAX_HEADER, out, 1, &n), GK_OK);
    free(p);
    p = padded("192.0.2.7", GK_FWD_MAX_HEADER + 1);
    ck_assert_int_eq(gk_xff_parse(p, GK_FWD_MAX_HEADER + 1, out, 1, &n), GK_E_LIMIT);
    free(p);
}
END_TEST

START_TEST(test_xff_more_elements_than_max_is_space_error_not_truncation)
{
    static const char in[] = "192.0.2.1, 192.0.2.2, 192.0.2.3";
    struct gk_addr out[2];
    size_t n = 0;
    ck_assert_int_eq(gk_xff_parse((const uint8_t *)in, strlen(in), out, 2, &n), GK_E_SPACE);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(gk_xff_parse((const uint8_t *)in, strlen(in), NULL, 0, &n), GK_E_SPACE);
    /* Syntax errors win over the space check: the whole header is validated. */
    static const char bad[] = "192.0.2.1, 192.0.2.2, x";
    ck_assert_int_eq(gk_xff_parse((const uint8_t *)bad, strlen(bad), out, 1, &n), GK_E_FWD_SYNTAX);
}
END_TEST

START_TEST(test_xff_left_to_right_order)
{
    static const char in[] = "10.0.0.1, 10.0.0.2, [2001:db8::3]";
    static const char *const want[] = {"10.0.0.1", "10.0.0.2", "2001:db8::3"};
    struct gk_addr out[3];
    size_t n = 0;
    char text[GK_ADDR_STR_MAX];
    ck_assert_int_eq(gk_xff_parse((const uint8_t *)in, strlen(in), out, 3, &n), GK_OK);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < 3; i++) {
        gk_addr_format(&out[i], text);
        ck_assert_str_eq(text, want[i]);
    }
}
END_TEST

/* Every byte value placed after a valid v4 address: OWS is trimmed, a digit
 * makes another valid address (192.0.2.1x), everything else is refused
 * (',' leaves an empty element, ':' an empty port). */
START_TEST(test_xff_every_trailing_byte)
{
    for (unsigned b = 0; b < 256; b++) {
        char in[16];
        memcpy(in, "192.0.2.1", 9);
        in[9] = (char)b;
        uint8_t *p = dup_exact(in, 10);
        struct gk_addr out[2];
        size_t n = 0;
        enum gk_status st = gk_xff_parse(p, 10, out, 2, &n);
        free(p);
        int want_ok = b == ' ' || b == '\t' || (b >= '0' && b <= '9');
        ck_assert_msg((st == GK_OK) == want_ok, "byte 0x%02x: %s", b, gk_status_name(st));
    }
}
END_TEST

/* ---- RFC 7239 Forwarded -------------------------------------------------- */

static const struct addr_case FWD_CASES[] = {
    {"rfc example v4", S("for=192.0.2.43"), GK_OK, 1, "192.0.2.43"},
    {"name upper case", S("FOR=192.0.2.43"), GK_OK, 1, "192.0.2.43"},
    {"name mixed case", S("For=192.0.2.43"), GK_OK, 1, "192.0.2.43"},
    {"quoted v4", S("for=\"192.0.2.43\""), GK_OK, 1, "192.0.2.43"},
    {"quoted v4 with port", S("for=\"192.0.2.43:47011\""), GK_OK, 1, "192.0.2.43"},
    {"rfc example v6", S("for=\"[2001:db8:cafe::17]\""), GK_OK, 1, "2001:db8:cafe::17"},
    {"rfc example v6 port", S("for=\"[2001:db8:cafe::17]:4711\""), GK_OK, 1, "2001:db8:cafe::17"},
    {"two elements", S("for=192.0.2.43, for=198.51.100.17"), GK_OK, 2, "198.51.100.17"},
    {"two elements no OWS", S("for=192.0.2.43,for=198.51.100.17"), GK_OK, 2, "198.51.100.17"},
    {"OWS around commas", S(" \tfor=192.0.2.43 ,\tfor=198.51.100.17\t "), GK_OK, 2,
     "198.51.100.17"},
    {"rfc example with params", S("for=192.0.2.60;proto=http;by=203.0.113.43"), GK_OK, 1,
     "192.0.2.60"},
    {"for not first", S("proto=https;for=192.0.2.60"), GK_OK, 1, "192.0.2.60"},
    {"host with port quoted", S("host=\"example.com:8080\";for=192.0.2.60"), GK_OK, 1,
     "192.0.2.60"},
    {"extension parameter", S("for=192.0.2.60;x-ext=1"), GK_OK, 1, "192.0.2.60"},
    {"unknown node", S("for=unknown"), GK_OK, 1, "-"},
    {"unknown upper case", S("for=UNKNOWN"), GK_OK, 1, "-"},
    {"unknown with port", S("for=\"unknown:80\""), GK_OK, 1, "-"},
    {"obfuscated node", S("for=_hidden"), GK_OK, 1, "-"},
    {"rfc obfuscated quoted", S("for=\"_gazonk\""), GK_OK, 1, "-"},
    {"obfuscated port", S("for=\"[::1]:_p-1\""), GK_OK, 1, "::1"},
    {"element without for", S("proto=https"), GK_OK, 1, "-"},
    {"only empty pairs", S(";"), GK_OK, 1, "-"},
    {"trailing empty pair", S("for=192.0.2.60;"), GK_OK, 1, "192.0.2.60"},
    {"empty pair in middle", S("for=192.0.2.60;;proto=http"), GK_OK, 1, "192.0.2.60"},
    {"quoted-pair before digit", S("for=\"\\192.0.2.60\""), GK_OK, 1, "192.0.2.60"},
    {"escaped close bracket", S("for=\"[2001:db8::1\\]\""), GK_OK, 1, "2001:db8::1"},
    {"same param in two elements", S("for=192.0.2.1;proto=http, for=192.0.2.2;proto=https"), GK_OK,
     2, "192.0.2.2"},
    {"right-most unknown", S("for=192.0.2.1, for=unknown"), GK_OK, 2, "-"},
    {"obs-text in other quoted value", S("proto=\"\xc3\xa9\";for=192.0.2.60"), GK_OK, 1,
     "192.0.2.60"},
    {"HTAB in other quoted value", S("proto=\"a\tb\";for=192.0.2.60"), GK_OK, 1, "192.0.2.60"},
    {"duplicate for", S("for=192.0.2.43;for=198.51.100.17"), GK_E_FWD_SYNTAX, 0, NULL},
    {"duplicate for differing case", S("for=192.0.2.43;FOR=198.51.100.17"), GK_E_FWD_SYNTAX, 0,
     NULL},
    {"duplicate proto", S("proto=http;for=192.0.2.43;Proto=https"), GK_E_FWD_SYNTAX, 0, NULL},
    {"duplicate extension", S("x=1;x=2"), GK_E_FWD_SYNTAX, 0, NULL},
    {"unquoted v6 brackets", S("for=[2001:db8::1]"), GK_E_FWD_SYNTAX, 0, NULL},
    {"unquoted v4 port", S("for=192.0.2.43:80"), GK_E_FWD_SYNTAX, 0, NULL},
    {"quoted bare v6", S("for=\"2001:db8::1\""), GK_E_FWD_SYNTAX, 0, NULL},
    {"v4 in brackets", S("for=\"[192.0.2.1]\""), GK_E_FWD_SYNTAX, 0, NULL},
    {"port 65536", S("for=\"192.0.2.1:65536\""), GK_E_FWD_SYNTAX, 0, NULL},
    {"empty port", S("for=\"192.0.2.1:\""), GK_E_FWD_SYNTAX, 0, NULL},
    {"lone underscore port", S("for=\"192.0.2.1:_\""), GK_E_FWD_SYNTAX, 0, NULL},
    {"lone underscore node", S("for=_"), GK_E_FWD_SYNTAX, 0, NULL},
    {"bad obfuscated char", S("for=_a!b"), GK_E_FWD_SYNTAX, 0, NULL},
    {"hostname node", S("for=proxy.example"), GK_E_FWD_SYNTAX, 0, NULL},
    {"empty token value", S("for="), GK_E_FWD_SYNTAX, 0, NULL},
    {"empty quoted value", S("for=\"\""), GK_E_FWD_SYNTAX, 0, NULL},
    {"unterminated quote", S("for=\"192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"dangling backslash", S("for=\"192.0.2.1\\"), GK_E_FWD_SYNTAX, 0, NULL},
    {"missing equals", S("for"), GK_E_FWD_SYNTAX, 0, NULL},
    {"space before equals", S("for =192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"space after equals", S("for= 192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"space before semicolon", S("for=192.0.2.1 ;proto=http"), GK_E_FWD_SYNTAX, 0, NULL},
    {"space after semicolon", S("for=192.0.2.1; proto=http"), GK_E_FWD_SYNTAX, 0, NULL},
    {"empty header", S(""), GK_E_FWD_SYNTAX, 0, NULL},
    {"only comma", S(","), GK_E_FWD_SYNTAX, 0, NULL},
    {"trailing comma", S("for=192.0.2.1,"), GK_E_FWD_SYNTAX, 0, NULL},
    {"leading comma", S(",for=192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"empty middle element", S("for=192.0.2.1, ,for=192.0.2.2"), GK_E_FWD_SYNTAX, 0, NULL},
    {"bytes after quoted value", S("for=\"192.0.2.1\"x"), GK_E_FWD_SYNTAX, 0, NULL},
    {"xff syntax in forwarded", S("192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"NUL in token", S("for=192.0.2.1\0"), GK_E_FWD_SYNTAX, 0, NULL},
    {"NUL in quoted", S("for=\"192.0.2.1\0\""), GK_E_FWD_SYNTAX, 0, NULL},
    {"CTL in quoted", S("proto=\"a\x01\";for=192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"DEL in quoted", S("proto=\"a\x7f\";for=192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"escaped NUL", S("proto=\"\\\0\";for=192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"high bit in token", S("proto=h\xc3\xa9;for=192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"high bit in name", S("f\xc3\xb6r=192.0.2.1"), GK_E_FWD_SYNTAX, 0, NULL},
    {"CR LF at end", S("for=192.0.2.1\r\n"), GK_E_FWD_SYNTAX, 0, NULL},
};

START_TEST(test_forwarded_grammar_table)
{
    check_addr_case(&FWD_CASES[_i], 1);
}
END_TEST

START_TEST(test_forwarded_hop_limit_exact_ok_one_more_refused)
{
    char buf[GK_FWD_MAX_HEADER];
    struct gk_addr out[GK_FWD_MAX_HOPS + 1];
    size_t n = 0;
    size_t len = build_list(buf, sizeof(buf), "for=192.0.2.7", GK_FWD_MAX_HOPS);
    ck_assert_int_eq(gk_forwarded_parse((uint8_t *)buf, len, out, GK_FWD_MAX_HOPS + 1, &n), GK_OK);
    ck_assert_uint_eq(n, GK_FWD_MAX_HOPS);
    len = build_list(buf, sizeof(buf), "for=192.0.2.7", GK_FWD_MAX_HOPS + 1);
    ck_assert_int_eq(gk_forwarded_parse((uint8_t *)buf, len, out, GK_FWD_MAX_HOPS + 1, &n),
                     GK_E_LIMIT);
}
END_TEST

START_TEST(test_forwarded_header_size_exact_ok_one_more_refused)
{
    struct gk_addr out[1];
    size_t n = 0;
    uint8_t *p = padded("for=192.0.2.7", GK_FWD_MAX_HEADER);
    ck_assert_int_eq(gk_forwarded_parse(p, GK_FWD_MAX_HEADER, out, 1, &n), GK_OK);
    free(p);
    p = padded("for=192.0.2.7", GK_FWD_MAX_HEADER + 1);
    ck_assert_int_eq(gk_forwarded_parse(p, GK_FWD_MAX_HEADER + 1, out, 1, &n), GK_E_LIMIT);
    free(p);
}
END_TEST

/* "p0=x;p1=x;...": n distinct parameters in one element. */
static size_t build_params(char *buf, size_t cap, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + len, cap - len, "%sp%zu=x", i ? ";" : "", i);
        ck_assert(w > 0 && (size_t)w < cap - len);
        len += (size_t)w;
    }
    return len;
}

START_TEST(test_forwarded_param_limit_exact_ok_one_more_refused)
{
    char buf[1024];
    struct gk_addr out[1];
    size_t n = 0;
    size_t len = build_params(buf, sizeof(buf), GK_FWD_MAX_PAIRS);
    ck_assert_int_eq(gk_forwarded_parse((uint8_t *)buf, len, out, 1, &n), GK_OK);
    len = build_params(buf, sizeof(buf), GK_FWD_MAX_PAIRS + 1);
    ck_assert_int_eq(gk_forwarded_parse((uint8_t *)buf, len, out, 1, &n), GK_E_LIMIT);
}
END_TEST

/* Every prefix of a valid header is parsed without over-read (ASan) and a
 * prefix that cuts a quoted string or a pair is refused. */
START_TEST(test_forwarded_every_prefix)
{
    static const char full[] = "for=192.0.2.1;proto=\"h\\\"t\", for=\"[2001:db8::1]:80\";by=_x";
    size_t len = strlen(full);
    for (size_t k = 0; k <= len; k++) {
        uint8_t *p = dup_exact(full, k);
        struct gk_addr out[4];
        size_t n = 0;
        enum gk_status st = gk_forwarded_parse(p, k, out, 4, &n);
        free(p);
        if (k == len)
            ck_assert_int_eq(st, GK_OK);
        /* Cut inside the first quoted proto value: must be refused. */
        if (k > strlen("for=192.0.2.1;proto=\"") && k < strlen("for=192.0.2.1;proto=\"h\\\"t\""))
            ck_assert_msg(st == GK_E_FWD_SYNTAX, "prefix %zu accepted", k);
    }
}
END_TEST

/* ---- Envoy XFCC ----------------------------------------------------------- */

struct xfcc_case {
    const char *name;
    const char *in;
    size_t len;
    enum gk_status want;
    const char *uri;
    size_t uri_len;
};

#define ID(lit) (lit), (sizeof(lit) - 1)
#define NOID NULL, 0

static const struct xfcc_case XFCC_CASES[] = {
    {"envoy example",
     S("By=spiffe://gatecrash.test/"
       "proxy;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;URI=spiffe://"
       "gatecrash.test/user/alice"),
     GK_OK, ID("spiffe://gatecrash.test/user/alice")},
    {"uri only", S("URI=spiffe://t/a"), GK_OK, ID("spiffe://t/a")},
    {"key lower case", S("uri=spiffe://t/a"), GK_OK, ID("spiffe://t/a")},
    {"key mixed case", S("Uri=spiffe://t/a;by=spiffe://t/p;HASH=ab"), GK_OK, ID("spiffe://t/a")},
    {"quoted uri", S("URI=\"spiffe://t/a\""), GK_OK, ID("spiffe://t/a")},
    {"quoted uri with escaped quote", S("URI=\"spiffe://t/a\\\"b\""), GK_OK, ID("spiffe://t/a\"b")},
    {"quoted uri with escaped backslash", S("URI=\"spiffe://t/a\\\\\""), GK_OK,
     ID("spiffe://t/a\\")},
    {"quoted uri with separators", S("URI=\"spiffe://t/a,b;c=d\""), GK_OK,
     ID("spiffe://t/a,b;c=d")},
    {"quoted subject with separators", S("Subject=\"CN=alice,OU=x;y\";URI=spiffe://t/a"), GK_OK,
     ID("spiffe://t/a")},
    {"right-most element wins", S("URI=spiffe://t/first,URI=spiffe://t/second"), GK_OK,
     ID("spiffe://t/second")},
    {"right-most with OWS", S("URI=spiffe://t/first , \tBy=spiffe://t/p;URI=spiffe://t/second"),
     GK_OK, ID("spiffe://t/second")},
    {"left element without uri", S("By=spiffe://t/p,URI=spiffe://t/a"), GK_OK, ID("spiffe://t/a")},
    {"left element with two uris", S("URI=spiffe://t/x;URI=spiffe://t/y,URI=spiffe://t/a"), GK_OK,
     ID("spiffe://t/a")},
    {"repeated DNS", S("DNS=a.test;DNS=b.test;URI=spiffe://t/a"), GK_OK, ID("spiffe://t/a")},
    {"empty non-uri value", S("By=;URI=spiffe://t/a"), GK_OK, ID("spiffe://t/a")},
    {"percent-encoded cert", S("Cert=\"-----BEGIN%20CERTIFICATE-----%0A\";URI=spiffe://t/a"), GK_OK,
     ID("spiffe://t/a")},
    {"obs-text in quoted uri", S("URI=\"spiffe://t/\xc3\xa9\""), GK_OK, ID("spiffe://t/\xc3\xa9")},
    {"right-most lacks uri", S("URI=spiffe://t/a,By=spiffe://t/p"), GK_E_FWD_XFCC_URI, NOID},
    {"no uri at all", S("By=spiffe://t/p;Hash=ab"), GK_E_FWD_XFCC_URI, NOID},
    {"two uris", S("URI=spiffe://t/a;URI=spiffe://t/b"), GK_E_FWD_XFCC_URI, NOID},
    {"two uris differing case", S("URI=spiffe://t/a;uri=spiffe://t/a"), GK_E_FWD_XFCC_URI, NOID},
    {"empty uri", S("URI="), GK_E_FWD_XFCC_URI, NOID},
    {"empty quoted uri", S("URI=\"\""), GK_E_FWD_XFCC_URI, NOID},
    {"duplicate By", S("By=a;By=b;URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"duplicate Hash differing case", S("Hash=a;hash=b;URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"duplicate Subject", S("Subject=\"a\";Subject=\"b\";URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"unknown key", S("URL=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"underscore variant", S("U_RI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"suffix variant", S("URI_=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"dash variant", S("X-URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"space before equals", S("URI =spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"space after equals", S("URI= spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"space after semicolon", S("By=p; URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"space before semicolon", S("By=p ;URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"space inside plain value", S("URI=spiffe://t/a b"), GK_E_FWD_SYNTAX, NOID},
    {"missing equals", S("URI"), GK_E_FWD_SYNTAX, NOID},
    {"equals in plain value", S("URI=spiffe://t/a=b"), GK_E_FWD_SYNTAX, NOID},
    {"quote inside plain value", S("URI=ab\"c\""), GK_E_FWD_SYNTAX, NOID},
    {"backslash in plain value", S("URI=a\\b"), GK_E_FWD_SYNTAX, NOID},
    {"empty header", S(""), GK_E_FWD_SYNTAX, NOID},
    {"only comma", S(","), GK_E_FWD_SYNTAX, NOID},
    {"trailing comma", S("URI=spiffe://t/a,"), GK_E_FWD_SYNTAX, NOID},
    {"leading comma", S(",URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"trailing semicolon", S("URI=spiffe://t/a;"), GK_E_FWD_SYNTAX, NOID},
    {"empty pair", S("By=p;;URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"unterminated quote", S("URI=\"spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
    {"dangling backslash", S("URI=\"spiffe://t/a\\"), GK_E_FWD_SYNTAX, NOID},
    {"bytes after quote", S("URI=\"spiffe://t/a\"x"), GK_E_FWD_SYNTAX, NOID},
    {"NUL in plain value", S("URI=spiffe://t/a\0b"), GK_E_FWD_SYNTAX, NOID},
    {"NUL in quoted value", S("URI=\"spiffe://t/a\0b\""), GK_E_FWD_SYNTAX, NOID},
    {"escaped NUL", S("URI=\"spiffe://t/a\\\0\""), GK_E_FWD_SYNTAX, NOID},
    {"CTL in plain value", S("URI=spiffe://t/a\x01"), GK_E_FWD_SYNTAX, NOID},
    {"HTAB in quoted value", S("URI=\"spiffe://t/a\tb\""), GK_E_FWD_SYNTAX, NOID},
    {"escaped HTAB", S("URI=\"spiffe://t/a\\\tb\""), GK_E_FWD_SYNTAX, NOID},
    {"CR LF in quoted value", S("URI=\"spiffe://t/a\r\nX: y\""), GK_E_FWD_SYNTAX, NOID},
    {"DEL in plain value", S("URI=spiffe://t/a\x7f"), GK_E_FWD_SYNTAX, NOID},
    {"DEL in quoted value", S("URI=\"spiffe://t/a\x7f\""), GK_E_FWD_SYNTAX, NOID},
    {"high bit in plain value", S("URI=spiffe://t/\xc3\xa9"), GK_E_FWD_SYNTAX, NOID},
    {"garbage in left element", S("URI=spiffe://t/x;;,URI=spiffe://t/a"), GK_E_FWD_SYNTAX, NOID},
};

START_TEST(test_xfcc_grammar_table)
{
    const struct xfcc_case *tc = &XFCC_CASES[_i];
    uint8_t out[GK_FWD_MAX_IDENTITY];
    size_t out_len = 99;
    uint8_t *in = dup_exact(tc->in, tc->len);
    enum gk_status st = gk_xfcc_client_uri(in, tc->len, out, sizeof(out), &out_len);
    free(in);
    ck_assert_msg(st == tc->want, "%s: got %s want %s", tc->name, gk_status_name(st),
                  gk_status_name(tc->want));
    if (tc->want != GK_OK)
        return;
    ck_assert_msg(out_len == tc->uri_len && memcmp(out, tc->uri, out_len) == 0, "%s: got %.*s",
                  tc->name, (int)out_len, (const char *)out);
}
END_TEST

/* "URI=" followed by a value of exactly n bytes (plain or quoted). */
static size_t build_uri(char *buf, size_t cap, size_t n, int quoted)
{
    size_t len = 0;
    ck_assert(n + 8 < cap);
    memcpy(buf, "URI=", 4);
    len = 4;
    if (quoted)
        buf[len++] = '"';
    memset(buf + len, 'a', n);
    len += n;
    if (quoted)
        buf[len++] = '"';
    return len;
}

START_TEST(test_xfcc_identity_limit_exact_ok_one_more_refused)
{
    char buf[GK_FWD_MAX_IDENTITY + 16];
    static uint8_t out[GK_FWD_MAX_IDENTITY + 8];
    size_t out_len = 0;
    for (int quoted = 0; quoted < 2; quoted++) {
        size_t len = build_uri(buf, sizeof(buf), GK_FWD_MAX_IDENTITY, quoted);
        ck_assert_int_eq(gk_xfcc_client_uri((uint8_t *)buf, len, out, sizeof(out), &out_len),
                         GK_OK);
        ck_assert_uint_eq(out_len, GK_FWD_MAX_IDENTITY);
        len = build_uri(buf, sizeof(buf), GK_FWD_MAX_IDENTITY + 1, quoted);
        ck_assert_int_eq(gk_xfcc_client_uri((uint8_t *)buf, len, out, sizeof(out), &out_len),
                         GK_E_LIMIT);
    }
}
END_TEST

START_TEST(test_xfcc_out_cap_exact_ok_one_less_is_space)
{
    static const char in[] = "URI=\"sp\\iffe\"";
    uint8_t out[6];
    size_t out_len = 0;
    ck_assert_int_eq(gk_xfcc_client_uri((const uint8_t *)in, strlen(in), out, 6, &out_len), GK_OK);
    ck_assert_uint_eq(out_len, 6);
    ck_assert(memcmp(out, "spiffe", 6) == 0);
    ck_assert_int_eq(gk_xfcc_client_uri((const uint8_t *)in, strlen(in), out, 5, &out_len),
                     GK_E_SPACE);
}
END_TEST

START_TEST(test_xfcc_hop_and_header_limits)
{
    static char buf[GK_FWD_MAX_HEADER + 2];
    uint8_t out[64];
    size_t out_len = 0;
    size_t len = build_list(buf, sizeof(buf), "URI=spiffe://t/a", GK_FWD_MAX_HOPS);
    ck_assert_int_eq(gk_xfcc_client_uri((uint8_t *)buf, len, out, sizeof(out), &out_len), GK_OK);
    len = build_list(buf, sizeof(buf), "URI=spiffe://t/a", GK_FWD_MAX_HOPS + 1);
    ck_assert_int_eq(gk_xfcc_client_uri((uint8_t *)buf, len, out, sizeof(out), &out_len),
                     GK_E_LIMIT);
    uint8_t *p = padded("URI=spiffe://t/a", GK_FWD_MAX_HEADER);
    ck_assert_int_eq(gk_xfcc_client_uri(p, GK_FWD_MAX_HEADER, out, sizeof(out), &out_len), GK_OK);
    free(p);
    p = padded("URI=spiffe://t/a", GK_FWD_MAX_HEADER + 1);
    ck_assert_int_eq(gk_xfcc_client_uri(p, GK_FWD_MAX_HEADER + 1, out, sizeof(out), &out_len),
                     GK_E_LIMIT);
    free(p);
}
END_TEST

/* "DNS=d;DNS=d;...;URI=u" with n pairs in all. */
START_TEST(test_xfcc_pair_limit_exact_ok_one_more_refused)
{
    char buf[1024];
    uint8_t out[64];
    size_t out_len = 0;
    for (size_t n = GK_FWD_MAX_PAIRS; n <= GK_FWD_MAX_PAIRS + 1; n++) {
        size_t len = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            memcpy(buf + len, "DNS=d;", 6);
            len += 6;
        }
        memcpy(buf + len, "URI=u", 5);
        len += 5;
        enum gk_status st = gk_xfcc_client_uri((uint8_t *)buf, len, out, sizeof(out), &out_len);
        ck_assert_int_eq(st, n == GK_FWD_MAX_PAIRS ? GK_OK : GK_E_LIMIT);
    }
}
END_TEST

/* Every byte value inside a plain URI value: accepted exactly when it is a
 * visible ASCII byte other than , ; = " \ (those change the structure or
 * would need quoting), and then returned unchanged. */
START_TEST(test_xfcc_every_byte_in_plain_value)
{
    for (unsigned b = 0; b < 256; b++) {
        char in[] = "URI=spiffe://t/aXb";
        size_t len = strlen(in);
        in[len - 2] = (char)b;
        uint8_t *p = dup_exact(in, len);
        uint8_t out[64];
        size_t out_len = 0;
        enum gk_status st = gk_xfcc_client_uri(p, len, out, sizeof(out), &out_len);
        free(p);
        int plain = b >= 0x21 && b <= 0x7e && !strchr(",;=\"\\", (int)b);
        ck_assert_msg((st == GK_OK) == plain, "byte 0x%02x: %s", b, gk_status_name(st));
        if (plain)
            ck_assert(out_len == len - 4 && memcmp(out, in + 4, out_len) == 0);
    }
}
END_TEST

/* Every byte value inside a quoted URI value: accepted when it is SP, VCHAR
 * other than '"', or obs-text; never a control byte. '\' is accepted as the
 * start of a quoted-pair and removed ("a\b" is "ab"). */
START_TEST(test_xfcc_every_byte_in_quoted_value)
{
    for (unsigned b = 0; b < 256; b++) {
        char in[] = "URI=\"spiffe://t/aXb\"";
        size_t len = strlen(in);
        in[len - 3] = (char)b;
        uint8_t *p = dup_exact(in, len);
        uint8_t out[64];
        size_t out_len = 0;
        enum gk_status st = gk_xfcc_client_uri(p, len, out, sizeof(out), &out_len);
        free(p);
        int ok = (b >= 0x20 && b <= 0x7e && b != '"') || b >= 0x80;
        ck_assert_msg((st == GK_OK) == ok, "byte 0x%02x: %s", b, gk_status_name(st));
        if (ok && b == '\\')
            ck_assert(out_len == 13 && memcmp(out, "spiffe://t/ab", 13) == 0);
        else if (ok)
            ck_assert(out_len == 14 && out[12] == b);
    }
}
END_TEST

START_TEST(test_xfcc_every_prefix)
{
    static const char full[] =
        "By=spiffe://t/p;URI=\"spiffe://t/a\\\"\",Subject=\"CN=x,O=y\";URI=spiffe://t/b";
    size_t len = strlen(full);
    for (size_t k = 0; k <= len; k++) {
        uint8_t *p = dup_exact(full, k);
        uint8_t out[64];
        size_t out_len = 0;
        enum gk_status st = gk_xfcc_client_uri(p, k, out, sizeof(out), &out_len);
        free(p);
        if (k == len) {
            ck_assert_int_eq(st, GK_OK);
            ck_assert(out_len == 12 && memcmp(out, "spiffe://t/b", 12) == 0);
        }
        /* A prefix ending inside a quoted string never parses. */
        size_t q1 = strlen("By=spiffe://t/p;URI=\"");
        if (k > q1 && k < q1 + strlen("spiffe://t/a\\\"\""))
            ck_assert_msg(st == GK_E_FWD_SYNTAX, "prefix %zu: %s", k, gk_status_name(st));
    }
}
END_TEST

/* ---- gk_fwd_decide --------------------------------------------------------- */

static struct gk_addr addr_of(const char *text)
{
    struct gk_addr a;
    ck_assert_int_eq(gk_addr_parse((const uint8_t *)text, strlen(text), &a), GK_OK);
    return a;
}

static struct gk_span sp(const char *s)
{
    return gk_span_make(s, s ? strlen(s) : 0);
}

struct decide_case {
    const char *name;
    int trusted;
    const char *xfcc;
    const char *xff;
    size_t n_xff;
    const char *fwd;
    size_t n_fwd;
    enum gk_status want;
    const char *identity; /* NULL = none */
    const char *addr;     /* expected client_addr */
};

#define PEER "203.0.113.9"

static const struct decide_case DECIDE_CASES[] = {
    /* Untrusted peer: headers never change anything, not even garbage ones. */
    {"untrusted ignores valid xfcc", 0, "URI=spiffe://gatecrash.test/admin", NULL, 0, NULL, 0,
     GK_OK, NULL, PEER},
    {"untrusted ignores xff", 0, NULL, "10.99.0.1", 1, NULL, 0, GK_OK, NULL, PEER},
    {"untrusted ignores forwarded", 0, NULL, NULL, 0, "for=10.99.0.1", 1, GK_OK, NULL, PEER},
    {"untrusted ignores all at once", 0, "URI=spiffe://x/admin", "10.99.0.1", 1, "for=10.99.0.2", 1,
     GK_OK, NULL, PEER},
    {"untrusted ignores garbage", 0, "\x01;;,\"", "%%%,,", 1, "for=\"", 1, GK_OK, NULL, PEER},
    {"untrusted ignores duplicate fields", 0, NULL, "10.99.0.1", 3, "for=10.99.0.2", 2, GK_OK, NULL,
     PEER},
    /* Trusted proxy. */
    {"proxy without headers", 1, NULL, NULL, 0, NULL, 0, GK_OK, NULL, PEER},
    {"proxy xfcc names client", 1, "By=spiffe://p;URI=spiffe://gatecrash.test/user/alice", NULL, 0,
     NULL, 0, GK_OK, "spiffe://gatecrash.test/user/alice", PEER},
    {"proxy xfcc right-most", 1, "URI=spiffe://x/evil,URI=spiffe://x/alice", NULL, 0, NULL, 0,
     GK_OK, "spiffe://x/alice", PEER},
    {"proxy xff right-most", 1, NULL, "10.99.0.1, 192.0.2.5", 1, NULL, 0, GK_OK, NULL, "192.0.2.5"},
    {"proxy xff single", 1, NULL, "[2001:db8::5]:443", 1, NULL, 0, GK_OK, NULL, "2001:db8::5"},
    {"proxy forwarded right-most", 1, NULL, NULL, 0, "for=10.99.0.1, for=192.0.2.6", 1, GK_OK, NULL,
     "192.0.2.6"},
    {"proxy forwarded beats xff", 1, NULL, "192.0.2.5", 1, "for=192.0.2.6", 1, GK_OK, NULL,
     "192.0.2.6"},
    {"proxy forwarded with unknown on the left", 1, NULL, NULL, 0, "for=unknown, for=192.0.2.6", 1,
     GK_OK, NULL, "192.0.2.6"},
    {"proxy xfcc and forwarded", 1, "URI=spiffe://x/alice", NULL, 0, "for=\"[2001:db8::7]\"", 1,
     GK_OK, "spiffe://x/alice", "2001:db8::7"},
    {"proxy forwarded right-most unknown", 1, NULL, NULL, 0, "for=192.0.2.6, for=unknown", 1,
     GK_E_FWD_SYNTAX, NULL, PEER},
    {"proxy forwarded right-most obfuscated", 1, NULL, NULL, 0, "for=_hidden", 1, GK_E_FWD_SYNTAX,
     NULL, PEER},
    {"proxy forwarded right-most without for", 1, NULL, NULL, 0, "for=192.0.2.6, proto=https", 1,
     GK_E_FWD_SYNTAX, NULL, PEER},
    {"proxy two xff fields", 1, NULL, "192.0.2.5", 2, NULL, 0, GK_E_FWD_SYNTAX, NULL, PEER},
    {"proxy two forwarded fields", 1, NULL, NULL, 0, "for=192.0.2.6", 2, GK_E_FWD_SYNTAX, NULL,
     PEER},
    {"proxy two xff fields beside forwarded", 1, NULL, "192.0.2.5", 2, "for=192.0.2.6", 1,
     GK_E_FWD_SYNTAX, NULL, PEER},
    {"proxy empty xff field", 1, NULL, "", 1, NULL, 0, GK_E_FWD_SYNTAX, NULL, PEER},
    {"proxy empty forwarded field", 1, NULL, NULL, 0, "", 1, GK_E_FWD_SYNTAX, NULL, PEER},
    {"proxy bad xff", 1, NULL, "192.0.2.5, nope", 1, NULL, 0, GK_E_FWD_SYNTAX, NULL, PEER},
    {"proxy bad xfcc", 1, "URI=a;URI=b", NULL, 0, NULL, 0, GK_E_FWD_XFCC_URI, NULL, PEER},
    {"proxy good xfcc bad xff clears identity", 1, "URI=spiffe://x/alice", "bad", 1, NULL, 0,
     GK_E_FWD_SYNTAX, NULL, PEER},
};

START_TEST(test_decide_table)
{
    const struct decide_case *tc = &DECIDE_CASES[_i];
    struct gk_fwd_input in;
    struct gk_fwd_result out;
    memset(&in, 0, sizeof(in));
    in.peer_is_trusted_proxy = tc->trusted;
    in.peer_addr = addr_of(PEER);
    in.xfcc = sp(tc->xfcc);
    in.xff = sp(tc->xff);
    in.n_xff_fields = tc->n_xff;
    in.forwarded = sp(tc->fwd);
    in.n_forwarded_fields = tc->n_fwd;
    memset(&out, 0xa5, sizeof(out));
    enum gk_status st = gk_fwd_decide(&in, &out);
    ck_assert_msg(st == tc->want, "%s: got %s want %s", tc->name, gk_status_name(st),
                  gk_status_name(tc->want));
    if (tc->identity) {
        ck_assert_msg(out.identity_set == 1, "%s: no identity", tc->name);
        ck_assert_uint_eq(out.identity_len, strlen(tc->identity));
        ck_assert(memcmp(out.identity, tc->identity, out.identity_len) == 0);
    } else {
        ck_assert_msg(out.identity_set == 0 && out.identity_len == 0, "%s: identity set", tc->name);
    }
    char text[GK_ADDR_STR_MAX];
    gk_addr_format(&out.client_addr, text);
    ck_assert_msg(strcmp(text, tc->addr) == 0, "%s: addr %s want %s", tc->name, text, tc->addr);
}
END_TEST

/* An untrusted peer's header is never even read: a span pointing at memory
 * that must not be touched (NULL with a length) is harmless. */
START_TEST(test_decide_untrusted_does_not_read_headers)
{
    struct gk_fwd_input in;
    struct gk_fwd_result out;
    memset(&in, 0, sizeof(in));
    in.peer_addr = addr_of("198.51.100.1");
    in.xfcc = (struct gk_span){NULL, 100};
    in.xff = (struct gk_span){NULL, 100};
    in.forwarded = (struct gk_span){NULL, 100};
    in.n_xff_fields = 1;
    in.n_forwarded_fields = 1;
    ck_assert_int_eq(gk_fwd_decide(&in, &out), GK_OK);
    ck_assert_int_eq(out.identity_set, 0);
    ck_assert_int_eq(out.client_addr.family, 4);
    ck_assert(memcmp(out.client_addr.bytes, in.peer_addr.bytes, 4) == 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("forwarded");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_xff_grammar_table, 0,
                        (int)(sizeof(XFF_CASES) / sizeof(XFF_CASES[0])));
    tcase_add_test(tc, test_xff_hop_limit_exact_ok_one_more_refused);
    tcase_add_test(tc, test_xff_header_size_exact_ok_one_more_refused);
    tcase_add_test(tc, test_xff_more_elements_than_max_is_space_error_not_truncation);
    tcase_add_test(tc, test_xff_left_to_right_order);
    tcase_add_test(tc, test_xff_every_trailing_byte);
    tcase_add_loop_test(tc, test_forwarded_grammar_table, 0,
                        (int)(sizeof(FWD_CASES) / sizeof(FWD_CASES[0])));
    tcase_add_test(tc, test_forwarded_hop_limit_exact_ok_one_more_refused);
    tcase_add_test(tc, test_forwarded_header_size_exact_ok_one_more_refused);
    tcase_add_test(tc, test_forwarded_param_limit_exact_ok_one_more_refused);
    tcase_add_test(tc, test_forwarded_every_prefix);
    tcase_add_loop_test(tc, test_xfcc_grammar_table, 0,
                        (int)(sizeof(XFCC_CASES) / sizeof(XFCC_CASES[0])));
    tcase_add_test(tc, test_xfcc_identity_limit_exact_ok_one_more_refused);
    tcase_add_test(tc, test_xfcc_out_cap_exact_ok_one_less_is_space);
    tcase_add_test(tc, test_xfcc_hop_and_header_limits);
    tcase_add_test(tc, test_xfcc_pair_limit_exact_ok_one_more_refused);
    tcase_add_test(tc, test_xfcc_every_byte_in_plain_value);
    tcase_add_test(tc, test_xfcc_every_byte_in_quoted_value);
    tcase_add_test(tc, test_xfcc_every_prefix);
    tcase_add_loop_test(tc, test_decide_table, 0,
                        (int)(sizeof(DECIDE_CASES) / sizeof(DECIDE_CASES[0])));
    tcase_add_test(tc, test_decide_untrusted_does_not_read_headers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
