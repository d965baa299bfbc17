/* Unit tests for gk/http.h: request assembly on llhttp.
 *
 * Every input is parsed from a guard-page copy (gk_testutil.h), so a one-byte
 * over-read or a write to the input crashes the test even without ASan. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gk/http.h"
#include "gk/status.h"
#include "gk_testutil.h"

#define IN(s) (s), (sizeof(s) - 1)

/* ---- helpers ---- */

/* A parse whose guarded input stays mapped, so spans can be checked. */
struct parsed {
    uint8_t *copy;
    size_t len;
    enum gk_status st;
    int http;
    struct gk_http_request req;
};

static struct parsed *parse(const void *in, size_t n)
{
    struct parsed *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    r->copy = gk_guard_copy(in, n);
    r->len = n;
    r->http = -1;
    r->st = gk_http_parse_request(r->copy, n, &r->req, &r->http);
    return r;
}

static void release(struct parsed *r)
{
    gk_guard_free(r->copy, r->len);
    free(r);
}

/* Parse and check the verdict only. */
static void expect(const char *what, const void *in, size_t n, enum gk_status st, int http)
{
    struct parsed *r = parse(in, n);
    ck_assert_msg(r->st == st && r->http == http, "%s: got %s/%d, want %s/%d", what,
                  gk_status_name(r->st), r->http, gk_status_name(st), http);
    if (r->st == GK_OK)
        ck_assert_msg(r->req.consumed == n, "%s: consumed %zu of %zu", what, r->req.consumed, n);
    release(r);
}

static int span_is(struct gk_span s, const char *lit)
{
    return gk_span_eq(s, gk_span_make(lit, strlen(lit)));
}

#define ck_span(s, lit)                                                                            \
    ck_assert_msg(span_is((s), (lit)), "span %.*s != %s", (int)(s).len, (const char *)(s).p, (lit))

/* Growable byte string for the big inputs. */
struct sb {
    char *p;
    size_t len, cap;
};

static void sb_add(struct sb *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        ck_assert_ptr_nonnull(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}
static void sb_str(struct sb *b, const char *s)
{
    sb_add(b, s, strlen(s));
}
static void sb_rep(struct sb *b, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_add(b, &c, 1);
}

/* ---- table: verdicts ---- */

struct verdict_case {
    const char *name;
    const char *in;
    size_t len;
    enum gk_status st;
    int http;
};

#define V(name, s, st, http)                                                                       \
    {                                                                                              \
        name, IN(s), st, http                                                                      \
    }
#define HOST "Host: x\r\n"

static const struct verdict_case VERDICTS[] = {
    /* valid shapes */
    V("get minimal", "GET / HTTP/1.1\r\n" HOST "\r\n", GK_OK, 0),
    V("http/1.0 needs no host", "GET / HTTP/1.0\r\n\r\n", GK_OK, 0),
    V("one leading empty line is ignored (RFC 9112 2.2)", "\r\nGET / HTTP/1.1\r\n" HOST "\r\n",
      GK_OK, 0),
    V("upgrade request is an ordinary request",
      "GET / HTTP/1.1\r\n" HOST "Upgrade: websocket\r\nConnection: upgrade\r\n\r\n", GK_OK, 0),
    V("empty input", "", GK_E_HTTP_INCOMPLETE, 0),
    /* versions (RFC 9112 2.3, RFC 9110 6.2) */
    V("http/1.1 without host", "GET / HTTP/1.1\r\n\r\n", GK_E_HTTP_NO_HOST, 400),
    V("http/0.9", "GET / HTTP/0.9\r\n\r\n", GK_E_HTTP_VERSION, 505),
    V("http/2.0", "GET / HTTP/2.0\r\n" HOST "\r\n", GK_E_HTTP_VERSION, 505),
    V("http/1.2", "GET / HTTP/1.2\r\n" HOST "\r\n", GK_E_HTTP_VERSION, 505),
    V("http/3.0", "GET / HTTP/3.0\r\n" HOST "\r\n", GK_E_HTTP_VERSION, 505),
    V("http/1.10 is no version", "GET / HTTP/1.10\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("http/a.1 is no version", "GET / HTTP/a.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("lowercase http/", "GET / http/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("space after version", "GET / HTTP/1.1 \r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("no version (http/0.9 simple request)", "GET /\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    /* request-target forms (RFC 9112 3.2) */
    V("absolute-form", "GET http://x/ HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_TARGET, 400),
    V("absolute-form https", "GET https://x/a HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_TARGET, 400),
    V("authority-form", "CONNECT x:443 HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_TARGET, 400),
    V("connect with a path", "CONNECT /x HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_TARGET, 400),
    V("asterisk-form", "OPTIONS * HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_TARGET, 400),
    V("pri preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", GK_E_HTTP_TARGET, 400),
    V("fragment in path", "GET /a#b HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_TARGET, 400),
    V("fragment after query", "GET /a?b#c HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_TARGET, 400),
    V("fragment refused before line ends", "GET /a#", GK_E_HTTP_TARGET, 400),
    V("relative target", "GET a/b HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    /* request-line shape (RFC 9112 3) */
    V("two spaces after method", "GET  / HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("two spaces before version", "GET /  HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("tab after method", "GET\t/ HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    /* methods (RFC 9110 9.1) */
    V("unknown method token is 501", "FOO / HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_METHOD, 501),
    V("methods are case-sensitive", "get / HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_METHOD, 501),
    V("unknown method refused on its first bytes", "FO", GK_E_HTTP_METHOD, 501),
    V("NUL in method", "G\0T / HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    /* line ends (RFC 9112 2.2): CRLF only */
    V("bare LF after request line", "GET / HTTP/1.1\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("bare LF ends header section", "GET / HTTP/1.1\r\n" HOST "\n", GK_E_HTTP_SYNTAX, 400),
    V("bare LF after header", "GET / HTTP/1.1\r\nHost: x\n\r\n", GK_E_HTTP_SYNTAX, 400),
    V("CR then junk ends header section", "GET / HTTP/1.1\r\n" HOST "\rX", GK_E_HTTP_SYNTAX, 400),
    V("CR CR LF ends header section", "GET / HTTP/1.1\r\n" HOST "\r\r\n", GK_E_HTTP_SYNTAX, 400),
    V("bare CR after request line", "GET / HTTP/1.1\rHost: x\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    V("bare CR in value", "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    V("leading bare LF", "\nGET / HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    V("leading bare CR", "\rGET / HTTP/1.1\r\n" HOST "\r\n", GK_E_HTTP_SYNTAX, 400),
    /* field names (RFC 9112 5.1, RFC 9110 5.1) */
    V("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    V("tab before colon", "GET / HTTP/1.1\r\n" HOST "X-A\t: v\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    V("empty field name", "GET / HTTP/1.1\r\n" HOST ": v\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    V("field line without colon", "GET / HTTP/1.1\r\n" HOST "X-A\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    /* obs-fold (RFC 9112 5.2) */
    V("fold with space", "GET / HTTP/1.1\r\n" HOST "X: a\r\n b\r\n\r\n", GK_E_HTTP_OBS_FOLD, 400),
    V("fold with tab", "GET / HTTP/1.1\r\n" HOST "X: a\r\n\tb\r\n\r\n", GK_E_HTTP_OBS_FOLD, 400),
    V("fold after empty value", "GET / HTTP/1.1\r\n" HOST "X:\r\n b\r\n\r\n", GK_E_HTTP_OBS_FOLD,
      400),
    V("fold of only whitespace", "GET / HTTP/1.1\r\n" HOST "X: a\r\n \r\n\r\n", GK_E_HTTP_OBS_FOLD,
      400),
    V("fold of host", "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", GK_E_HTTP_OBS_FOLD, 400),
    V("fold refused before section ends", "GET / HTTP/1.1\r\n" HOST "X: a\r\n b",
      GK_E_HTTP_OBS_FOLD, 400),
    V("whitespace before first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", GK_E_HTTP_SYNTAX, 400),
    /* duplicates (RFC 9110 7.2, credentials) */
    V("two host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", GK_E_HTTP_DUP_HEADER, 400),
    V("two identical host", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", GK_E_HTTP_DUP_HEADER,
      400),
    V("host in two cases", "GET / HTTP/1.1\r\nHost: a\r\nhOST: b\r\n\r\n", GK_E_HTTP_DUP_HEADER,
      400),
    V("empty host then host", "GET / HTTP/1.1\r\nHost:\r\nHost: b\r\n\r\n", GK_E_HTTP_DUP_HEADER,
      400),
    V("two authorization", "GET / HTTP/1.1\r\n" HOST "Authorization: a\r\nAuthorization: b\r\n\r\n",
      GK_E_HTTP_DUP_HEADER, 400),
    V("authorization in two cases",
      "GET / HTTP/1.1\r\n" HOST "authorization: a\r\nAUTHORIZATION: a\r\n\r\n",
      GK_E_HTTP_DUP_HEADER, 400),
    V("two xfcc",
      "GET / HTTP/1.1\r\n" HOST "X-Forwarded-Client-Cert: a\r\nx-forwarded-client-cert: b\r\n\r\n",
      GK_E_HTTP_DUP_HEADER, 400),
    V("duplicate refused before section ends",
      "GET / HTTP/1.1\r\nHost: a\r\nHost:", GK_E_HTTP_DUP_HEADER, 400),
    V("xfcc look-alike name is another field",
      "GET / HTTP/1.1\r\n" HOST "X-Forwarded-Client-Cert: a\r\nX-Forwarded-Client-Cert2: b\r\n\r\n",
      GK_OK, 0),
    /* framing (RFC 9112 6.1, 6.3) */
    V("transfer-encoding chunked",
      "POST / HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", GK_E_HTTP_FRAMING,
      501),
    V("transfer-encoding gzip", "POST / HTTP/1.1\r\n" HOST "Transfer-Encoding: gzip\r\n\r\n",
      GK_E_HTTP_FRAMING, 501),
    V("transfer-encoding lowercase name",
      "POST / HTTP/1.1\r\n" HOST "transfer-encoding: chunked\r\n\r\n", GK_E_HTTP_FRAMING, 501),
    V("transfer-encoding on http/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
      GK_E_HTTP_FRAMING, 501),
    V("te then cl",
      "POST / HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
      GK_E_HTTP_FRAMING, 400),
    V("cl then te",
      "POST / HTTP/1.1\r\n" HOST "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
      GK_E_HTTP_FRAMING, 400),
    V("two different cl",
      "POST / HTTP/1.1\r\n" HOST "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      GK_E_HTTP_FRAMING, 400),
    V("two equal cl",
      "POST / HTTP/1.1\r\n" HOST "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
      GK_E_HTTP_FRAMING, 400),
    V("cl list", "POST / HTTP/1.1\r\n" HOST "Content-Length: 3, 3\r\n\r\nabc", GK_E_HTTP_FRAMING,
      400),
    V("cl not a number", "POST / HTTP/1.1\r\n" HOST "Content-Length: abc\r\n\r\n",
      GK_E_HTTP_FRAMING, 400),
    V("cl signed", "POST / HTTP/1.1\r\n" HOST "Content-Length: +3\r\n\r\nabc", GK_E_HTTP_FRAMING,
      400),
    V("cl negative", "POST / HTTP/1.1\r\n" HOST "Content-Length: -1\r\n\r\n", GK_E_HTTP_FRAMING,
      400),
    V("cl empty", "POST / HTTP/1.1\r\n" HOST "Content-Length:\r\n\r\n", GK_E_HTTP_FRAMING, 400),
    V("cl overflows 64 bits",
      "POST / HTTP/1.1\r\n" HOST "Content-Length: 99999999999999999999999\r\n\r\n",
      GK_E_HTTP_FRAMING, 400),
    V("cl with OWS", "POST / HTTP/1.1\r\n" HOST "Content-Length: \t3 \r\n\r\nabc", GK_OK, 0),
    V("cl zero", "POST / HTTP/1.1\r\n" HOST "Content-Length: 0\r\n\r\n", GK_OK, 0),
    V("body incomplete", "POST / HTTP/1.1\r\n" HOST "Content-Length: 3\r\n\r\nab",
      GK_E_HTTP_INCOMPLETE, 0),
};

START_TEST(test_verdict_table)
{
    const struct verdict_case *c = &VERDICTS[_i];
    expect(c->name, c->in, c->len, c->st, c->http);
}
END_TEST

/* ---- valid requests: every field ---- */

START_TEST(test_get_fills_every_field)
{
    struct parsed *r =
        parse(IN("GET /a/b?x=1&y HTTP/1.1\r\nHost: example.test\r\nUser-Agent: t\r\n"
                 "Authorization: Bearer abc\r\nX-Forwarded-Client-Cert: URI=spiffe://a\r\n\r\n"));
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_int_eq(r->http, 0);
    ck_assert_int_eq(r->req.method, GK_HTTP_GET);
    ck_span(r->req.method_text, "GET");
    ck_span(r->req.target, "/a/b?x=1&y");
    ck_span(r->req.path, "/a/b");
    ck_span(r->req.query, "x=1&y");
    ck_assert_int_eq(r->req.version_minor, 1);
    ck_assert_int_eq(r->req.keep_alive, 1);
    ck_assert_uint_eq(r->req.n_headers, 4);
    ck_span(r->req.headers[0].name, "Host");
    ck_span(r->req.headers[0].value, "example.test");
    ck_span(r->req.headers[1].name, "User-Agent");
    ck_span(r->req.headers[1].value, "t");
    ck_span(r->req.host, "example.test");
    ck_span(r->req.authorization, "Bearer abc");
    ck_span(r->req.xfcc, "URI=spiffe://a");
    ck_assert_ptr_null(r->req.x_forwarded_for.p);
    ck_assert_uint_eq(r->req.n_x_forwarded_for, 0);
    ck_assert_ptr_null(r->req.forwarded.p);
    ck_assert_uint_eq(r->req.body.len, 0);
    ck_assert_uint_eq(r->req.consumed, r->len);
    /* spans point into the caller's buffer, never a copy */
    ck_assert(r->req.target.p >= r->copy && r->req.target.p < r->copy + r->len);
    release(r);
}
END_TEST

START_TEST(test_head_and_post_with_body)
{
    struct parsed *r = parse(IN("HEAD /h HTTP/1.0\r\n\r\n"));
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_int_eq(r->req.method, GK_HTTP_HEAD);
    ck_assert_int_eq(r->req.version_minor, 0);
    ck_assert_int_eq(r->req.keep_alive, 0);
    ck_assert_ptr_null(r->req.host.p);
    release(r);

    r = parse(IN("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello\0world"));
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_int_eq(r->req.method, GK_HTTP_POST);
    ck_assert_uint_eq(r->req.body.len, 11);
    ck_assert_int_eq(memcmp(r->req.body.p, "hello\0world", 11), 0);
    ck_assert_ptr_eq(r->req.body.p + 11, r->copy + r->len);
    ck_assert_uint_eq(r->req.consumed, r->len);
    release(r);

    /* no Content-Length: a request has no body (RFC 9112 6.3 rule 7) */
    r = parse(IN("POST /p HTTP/1.1\r\nHost: x\r\n\r\n"));
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_uint_eq(r->req.body.len, 0);
    release(r);
}
END_TEST

static const struct {
    const char *text;
    enum gk_http_method m;
} METHODS[] = {
    {"GET", GK_HTTP_GET},     {"HEAD", GK_HTTP_HEAD},      {"POST", GK_HTTP_POST},
    {"PUT", GK_HTTP_PUT},     {"DELETE", GK_HTTP_DELETE},  {"OPTIONS", GK_HTTP_OPTIONS},
    {"PATCH", GK_HTTP_PATCH}, {"PROPFIND", GK_HTTP_OTHER}, {"M-SEARCH", GK_HTTP_OTHER},
    {"PURGE", GK_HTTP_OTHER}, {"TRACE", GK_HTTP_OTHER},    {"LINK", GK_HTTP_OTHER},
};

START_TEST(test_method_table_maps_known_and_keeps_text)
{
    char in[128];
    int n = snprintf(in, sizeof in, "%s /m HTTP/1.1\r\nHost: x\r\n\r\n", METHODS[_i].text);
    struct parsed *r = parse(in, (size_t)n);
    ck_assert_msg(r->st == GK_OK, "%s: %s", METHODS[_i].text, gk_status_name(r->st));
    ck_assert_int_eq(r->req.method, METHODS[_i].m);
    ck_span(r->req.method_text, METHODS[_i].text);
    release(r);
}
END_TEST

static const struct {
    const char *target, *path, *query;
} QUERIES[] = {
    {"/", "/", ""},
    {"/a", "/a", ""},
    {"/a?", "/a", ""},
    {"/a?b=c", "/a", "b=c"},
    {"/a?b?c", "/a", "b?c"},
    {"/?x", "/", "x"},
    {"//a/../b?%2F", "//a/../b", "%2F"},
};

START_TEST(test_query_splits_at_first_question_mark)
{
    char in[128];
    int n = snprintf(in, sizeof in, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", QUERIES[_i].target);
    struct parsed *r = parse(in, (size_t)n);
    ck_assert_int_eq(r->st, GK_OK);
    ck_span(r->req.target, QUERIES[_i].target);
    ck_span(r->req.path, QUERIES[_i].path);
    ck_span(r->req.query, QUERIES[_i].query);
    release(r);
}
END_TEST

/* keep_alive follows llhttp_should_keep_alive (RFC 9112 9.3). */
static const struct {
    const char *version, *connection;
    int keep_alive;
} KEEPALIVE[] = {
    {"1.1", NULL, 1},         {"1.1", "close", 0},   {"1.1", "Close", 0}, {"1.1", "keep-alive", 1},
    {"1.1", "foo, close", 0}, {"1.1", "upgrade", 1}, {"1.0", NULL, 0},    {"1.0", "keep-alive", 1},
    {"1.0", "Keep-Alive", 1}, {"1.0", "close", 0},   {"1.0", "foo", 0},
};

START_TEST(test_keep_alive_matrix)
{
    char in[160];
    int n;
    if (KEEPALIVE[_i].connection)
        n = snprintf(in, sizeof in, "GET / HTTP/%s\r\nHost: x\r\nConnection: %s\r\n\r\n",
                     KEEPALIVE[_i].version, KEEPALIVE[_i].connection);
    else
        n = snprintf(in, sizeof in, "GET / HTTP/%s\r\nHost: x\r\n\r\n", KEEPALIVE[_i].version);
    struct parsed *r = parse(in, (size_t)n);
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_msg(r->req.keep_alive == KEEPALIVE[_i].keep_alive, "HTTP/%s Connection: %s",
                  KEEPALIVE[_i].version, KEEPALIVE[_i].connection ? KEEPALIVE[_i].connection : "-");
    release(r);
}
END_TEST

START_TEST(test_values_are_ows_trimmed_and_empty_values_kept)
{
    struct parsed *r = parse(IN("GET / HTTP/1.1\r\nHost:\r\nX-A: \t a  b \t\r\nX-E:\r\nX-S:   \r\n"
                                "X-O: caf\xc3\xa9 \x80\xff\r\n\r\n"));
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_uint_eq(r->req.n_headers, 5);
    /* an empty Host is present (RFC 9110 7.2), distinguishable from absent */
    ck_assert_ptr_nonnull(r->req.host.p);
    ck_assert_uint_eq(r->req.host.len, 0);
    ck_span(r->req.headers[1].value, "a  b");
    ck_span(r->req.headers[2].name, "X-E");
    ck_assert_uint_eq(r->req.headers[2].value.len, 0);
    ck_assert_ptr_nonnull(r->req.headers[2].value.p);
    ck_assert_uint_eq(r->req.headers[3].value.len, 0);
    /* obs-text (0x80-0xFF) is accepted in values, RFC 9110 5.5 */
    ck_span(r->req.headers[4].value, "caf\xc3\xa9 \x80\xff");
    release(r);
}
END_TEST

START_TEST(test_forwarding_lists_keep_first_value_and_count)
{
    struct parsed *r =
        parse(IN("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2\r\n"
                 "x-forwarded-for: 3.3.3.3\r\nForwarded: for=a\r\nFORWARDED: for=b\r\n"
                 "Forwarded: for=c\r\n\r\n"));
    ck_assert_int_eq(r->st, GK_OK);
    ck_span(r->req.x_forwarded_for, "1.1.1.1, 2.2.2.2");
    ck_assert_uint_eq(r->req.n_x_forwarded_for, 2);
    ck_span(r->req.forwarded, "for=a");
    ck_assert_uint_eq(r->req.n_forwarded, 3);
    release(r);
}
END_TEST

START_TEST(test_find_is_case_insensitive_first_match)
{
    struct parsed *r = parse(IN("GET / HTTP/1.1\r\nHost: x\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n"));
    ck_assert_int_eq(r->st, GK_OK);
    const struct gk_http_header *h = gk_http_find(&r->req, "X-DUP");
    ck_assert_ptr_nonnull(h);
    ck_span(h->value, "1");
    ck_assert_ptr_eq(gk_http_find(&r->req, "host"), &r->req.headers[0]);
    ck_assert_ptr_null(gk_http_find(&r->req, "X-Du"));
    ck_assert_ptr_null(gk_http_find(&r->req, "X-Dupe"));
    ck_assert_ptr_null(gk_http_find(&r->req, NULL));
    release(r);
}
END_TEST

START_TEST(test_bad_arguments)
{
    struct gk_http_request req;
    int http = 0;
    ck_assert_int_eq(gk_http_parse_request((const uint8_t *)"x", 1, NULL, &http), GK_E_ARG);
    ck_assert_int_eq(gk_http_parse_request((const uint8_t *)"x", 1, &req, NULL), GK_E_ARG);
    ck_assert_int_eq(gk_http_parse_request(NULL, 1, &req, &http), GK_E_ARG);
    ck_assert_int_eq(gk_http_parse_request(NULL, 0, &req, &http), GK_E_HTTP_INCOMPLETE);
}
END_TEST

/* ---- prefixes and pipelining ---- */

static const struct {
    const char *in;
    size_t len;
} COMPLETE[] = {
    {IN("GET /a?b HTTP/1.1\r\nHost: x\r\nX-A: v\r\n\r\n")},
    {IN("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")},
    {IN("GET / HTTP/1.0\r\n\r\n")},
    {IN("\r\nDELETE /d HTTP/1.1\r\nHost:\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n")},
    {IN("PUT /u HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")},
};

START_TEST(test_every_prefix_is_incomplete_and_whole_is_ok)
{
    const char *in = COMPLETE[_i].in;
    size_t len = COMPLETE[_i].len;
    for (size_t n = 0; n < len; n++) {
        struct parsed *r = parse(in, n);
        ck_assert_msg(r->st == GK_E_HTTP_INCOMPLETE && r->http == 0, "prefix %zu/%zu: %s", n, len,
                      gk_status_name(r->st));
        release(r);
    }
    expect("whole", in, len, GK_OK, 0);
}
END_TEST

START_TEST(test_pipelined_requests_parse_one_at_a_time)
{
    static const char first[] = "POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
    static const char second[] = "GET /2 HTTP/1.1\r\nHost: y\r\n\r\n";
    static const char third[] = "GET /3 HTTP/1.0\r\n\r\n";
    char all[sizeof first + sizeof second + sizeof third];
    size_t n = 0;
    memcpy(all + n, first, sizeof first - 1), n += sizeof first - 1;
    memcpy(all + n, second, sizeof second - 1), n += sizeof second - 1;
    memcpy(all + n, third, sizeof third - 1), n += sizeof third - 1;

    uint8_t *buf = gk_guard_copy(all, n);
    struct gk_http_request req;
    int http = -1;
    size_t off = 0;
    ck_assert_int_eq(gk_http_parse_request(buf, n, &req, &http), GK_OK);
    ck_assert_uint_eq(req.consumed, sizeof first - 1);
    ck_span(req.body, "abc");
    off += req.consumed;
    ck_assert_int_eq(gk_http_parse_request(buf + off, n - off, &req, &http), GK_OK);
    ck_assert_uint_eq(req.consumed, sizeof second - 1);
    ck_span(req.path, "/2");
    ck_span(req.host, "y");
    off += req.consumed;
    ck_assert_int_eq(gk_http_parse_request(buf + off, n - off, &req, &http), GK_OK);
    ck_span(req.path, "/3");
    ck_assert_ptr_null(req.host.p); /* nothing carried over from the previous request */
    ck_assert_uint_eq(off + req.consumed, n);
    gk_guard_free(buf, n);
}
END_TEST

START_TEST(test_bytes_after_request_are_not_examined)
{
    /* whatever follows a complete request belongs to the next call */
    struct parsed *r =
        parse(IN("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n\0\xff garbage"));
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_uint_eq(r->req.consumed, r->len - 10);
    ck_assert_int_eq(r->req.keep_alive, 0);
    release(r);
}
END_TEST

/* ---- odd bytes, swept over all 256 values at four places ---- */

static int is_tchar(int b)
{
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
           (b != 0 && strchr("!#$%&'*+-.^_`|~", b) != NULL);
}

/* The template's byte at `pos` is replaced with every value. */
static const char SWEEP[] = "GET /a?b HTTP/1.1\r\nHost: x\r\nX-A: v1v\r\n\r\n";
enum { SWEEP_METHOD = 1, SWEEP_TARGET = 5, SWEEP_NAME = 30, SWEEP_VALUE = 34 };

static struct parsed *sweep(size_t pos, int b)
{
    char in[sizeof SWEEP];
    memcpy(in, SWEEP, sizeof SWEEP);
    in[pos] = (char)b;
    return parse(in, sizeof SWEEP - 1);
}

START_TEST(test_sweep_method_byte)
{
    for (int b = 0; b < 256; b++) {
        struct parsed *r = sweep(SWEEP_METHOD, b);
        if (b == 'E')
            ck_assert_int_eq(r->st, GK_OK);
        else if (is_tchar(b) || b == ' ')
            ck_assert_msg(r->st == GK_E_HTTP_METHOD && r->http == 501, "0x%02x: %s", b,
                          gk_status_name(r->st));
        else
            ck_assert_msg(r->st == GK_E_HTTP_SYNTAX && r->http == 400, "0x%02x: %s", b,
                          gk_status_name(r->st));
        release(r);
    }
}
END_TEST

START_TEST(test_sweep_target_byte)
{
    for (int b = 0; b < 256; b++) {
        struct parsed *r = sweep(SWEEP_TARGET, b);
        if (b > 0x20 && b < 0x7f && b != '#') {
            ck_assert_msg(r->st == GK_OK, "0x%02x: %s", b, gk_status_name(r->st));
            ck_assert_uint_eq(r->req.target.len, 4);
            ck_assert_int_eq(r->req.target.p[1], b);
        } else if (b == '#') {
            ck_assert_int_eq(r->st, GK_E_HTTP_TARGET);
            ck_assert_int_eq(r->http, 400);
        } else {
            /* NUL, CTL, SP, DEL and every high-bit byte (RFC 3986 2.1: encode them) */
            ck_assert_msg(r->st == GK_E_HTTP_SYNTAX && r->http == 400, "0x%02x: %s", b,
                          gk_status_name(r->st));
        }
        release(r);
    }
}
END_TEST

START_TEST(test_sweep_header_name_byte)
{
    for (int b = 0; b < 256; b++) {
        struct parsed *r = sweep(SWEEP_NAME, b);
        if (is_tchar(b)) {
            ck_assert_msg(r->st == GK_OK, "0x%02x: %s", b, gk_status_name(r->st));
            ck_assert_int_eq(r->req.headers[1].name.p[2], b);
        } else if (b == ':') {
            /* "X-:: v1v" is the field "X-" with value ": v1v" */
            ck_assert_int_eq(r->st, GK_OK);
            ck_span(r->req.headers[1].name, "X-");
            ck_span(r->req.headers[1].value, ": v1v");
        } else {
            ck_assert_msg(r->st == GK_E_HTTP_SYNTAX && r->http == 400, "0x%02x: %s", b,
                          gk_status_name(r->st));
        }
        release(r);
    }
}
END_TEST

START_TEST(test_sweep_header_value_byte)
{
    for (int b = 0; b < 256; b++) {
        struct parsed *r = sweep(SWEEP_VALUE, b);
        if (b == '\t' || (b >= 0x20 && b != 0x7f)) {
            /* HTAB, SP, VCHAR and obs-text: kept as sent */
            ck_assert_msg(r->st == GK_OK, "0x%02x: %s", b, gk_status_name(r->st));
            ck_assert_uint_eq(r->req.headers[1].value.len, 3);
            ck_assert_int_eq(r->req.headers[1].value.p[1], b);
        } else {
            /* NUL, CTL (CR and LF included) and DEL */
            ck_assert_msg(r->st == GK_E_HTTP_SYNTAX && r->http == 400, "0x%02x: %s", b,
                          gk_status_name(r->st));
        }
        release(r);
    }
}
END_TEST

/* ---- limits: each exactly at the limit and one past ---- */

/* A request whose request line (CRLF included) is `line` bytes. */
static struct sb request_with_line(size_t line)
{
    static const char frame[] = "GET / HTTP/1.1\r\n";
    struct sb b = {0};
    sb_str(&b, "GET /");
    sb_rep(&b, 'a', line - (sizeof frame - 1));
    sb_str(&b, " HTTP/1.1\r\nHost: x\r\n\r\n");
    return b;
}

START_TEST(test_request_line_at_limit_is_accepted)
{
    struct sb b = request_with_line(GK_HTTP_MAX_REQUEST_LINE);
    struct parsed *r = parse(b.p, b.len);
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_uint_eq(r->req.target.len,
                      GK_HTTP_MAX_REQUEST_LINE - (sizeof "GET  HTTP/1.1\r\n" - 1));
    release(r);
    /* and no prefix of it is refused early */
    for (size_t n = GK_HTTP_MAX_REQUEST_LINE - 4; n < b.len; n++)
        expect("prefix of line at limit", b.p, n, GK_E_HTTP_INCOMPLETE, 0);
    free(b.p);
}
END_TEST

START_TEST(test_request_line_one_past_limit_is_414_as_soon_as_certain)
{
    struct sb b = request_with_line(GK_HTTP_MAX_REQUEST_LINE + 1);
    expect("whole", b.p, b.len, GK_E_HTTP_LINE_TOO_LONG, 414);
    /* with the line cut after MAX-1 bytes, its CRLF would still make MAX+1 */
    expect("cut at MAX-1", b.p, GK_HTTP_MAX_REQUEST_LINE - 1, GK_E_HTTP_LINE_TOO_LONG, 414);
    expect("cut at MAX-2", b.p, GK_HTTP_MAX_REQUEST_LINE - 2, GK_E_HTTP_INCOMPLETE, 0);
    free(b.p);

    /* a line that never ends, longer than the whole header window */
    struct sb big = {0};
    sb_str(&big, "GET /");
    sb_rep(&big, 'a', GK_HTTP_MAX_HEADER_BYTES + 100);
    expect("endless line", big.p, big.len, GK_E_HTTP_LINE_TOO_LONG, 414);
    free(big.p);
}
END_TEST

/* A request with `n` fields (Host first). */
static struct sb request_with_fields(size_t n)
{
    struct sb b = {0};
    char line[64];
    sb_str(&b, "GET / HTTP/1.1\r\nHost: x\r\n");
    for (size_t i = 1; i < n; i++) {
        int k = snprintf(line, sizeof line, "X-%zu: v\r\n", i);
        sb_add(&b, line, (size_t)k);
    }
    sb_str(&b, "\r\n");
    return b;
}

START_TEST(test_header_count_at_limit_and_one_past)
{
    struct sb b = request_with_fields(GK_HTTP_MAX_HEADERS);
    struct parsed *r = parse(b.p, b.len);
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_uint_eq(r->req.n_headers, GK_HTTP_MAX_HEADERS);
    ck_span(r->req.headers[GK_HTTP_MAX_HEADERS - 1].value, "v");
    release(r);
    free(b.p);

    b = request_with_fields(GK_HTTP_MAX_HEADERS + 1);
    expect("one past", b.p, b.len, GK_E_HTTP_TOO_MANY_HEADERS, 431);
    /* refused on the first byte of the extra field's name, not at the end */
    size_t extra = b.len - (sizeof "X-64: v\r\n\r\n" - 1);
    expect("first byte of extra name", b.p, extra + 1, GK_E_HTTP_TOO_MANY_HEADERS, 431);
    expect("before extra name", b.p, extra, GK_E_HTTP_INCOMPLETE, 0);
    free(b.p);
}
END_TEST

/* A request whose header section (request line to the empty line) is `total` bytes. */
static struct sb request_with_section(size_t total)
{
    static const char head[] = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    struct sb b = {0};
    sb_str(&b, head);
    sb_rep(&b, 'p', total - (sizeof head - 1) - 4);
    sb_str(&b, "\r\n\r\n");
    return b;
}

START_TEST(test_header_bytes_at_limit_and_one_past)
{
    struct sb b = request_with_section(GK_HTTP_MAX_HEADER_BYTES);
    ck_assert_uint_eq(b.len, GK_HTTP_MAX_HEADER_BYTES);
    expect("at limit", b.p, b.len, GK_OK, 0);
    expect("at limit, last byte missing", b.p, b.len - 1, GK_E_HTTP_INCOMPLETE, 0);
    free(b.p);

    b = request_with_section(GK_HTTP_MAX_HEADER_BYTES + 1);
    expect("one past", b.p, b.len, GK_E_HTTP_HEADERS_TOO_LARGE, 431);
    /* MAX bytes without the end of the section: it can only end past the limit */
    expect("one past, cut at MAX", b.p, GK_HTTP_MAX_HEADER_BYTES, GK_E_HTTP_HEADERS_TOO_LARGE, 431);
    expect("one past, cut at MAX-1", b.p, GK_HTTP_MAX_HEADER_BYTES - 1, GK_E_HTTP_INCOMPLETE, 0);
    free(b.p);

    /* leading empty lines count toward the section */
    struct sb crlf = {0};
    for (size_t i = 0; i < GK_HTTP_MAX_HEADER_BYTES / 2; i++)
        sb_str(&crlf, "\r\n");
    sb_str(&crlf, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect("empty lines", crlf.p, crlf.len, GK_E_HTTP_HEADERS_TOO_LARGE, 431);
    free(crlf.p);
}
END_TEST

static struct sb request_with_body(size_t cl, size_t sent)
{
    struct sb b = {0};
    char head[128];
    int k = snprintf(head, sizeof head, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n",
                     cl);
    sb_add(&b, head, (size_t)k);
    sb_rep(&b, 'b', sent);
    return b;
}

START_TEST(test_body_at_limit_and_one_past)
{
    struct sb b = request_with_body(GK_HTTP_MAX_BODY, GK_HTTP_MAX_BODY);
    struct parsed *r = parse(b.p, b.len);
    ck_assert_int_eq(r->st, GK_OK);
    ck_assert_uint_eq(r->req.body.len, GK_HTTP_MAX_BODY);
    ck_assert_uint_eq(r->req.consumed, b.len);
    release(r);
    expect("at limit, body short by one", b.p, b.len - 1, GK_E_HTTP_INCOMPLETE, 0);
    free(b.p);

    b = request_with_body(GK_HTTP_MAX_BODY + 1, GK_HTTP_MAX_BODY + 1);
    expect("one past", b.p, b.len, GK_E_HTTP_BODY_TOO_LARGE, 413);
    free(b.p);
    /* refused when the header section ends, before any body byte */
    b = request_with_body(GK_HTTP_MAX_BODY + 1, 0);
    expect("one past, no body yet", b.p, b.len, GK_E_HTTP_BODY_TOO_LARGE, 413);
    free(b.p);
}
END_TEST

static Suite *http_suite(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_verdict_table, 0, (int)(sizeof VERDICTS / sizeof VERDICTS[0]));
    tcase_add_test(tc, test_get_fills_every_field);
    tcase_add_test(tc, test_head_and_post_with_body);
    tcase_add_loop_test(tc, test_method_table_maps_known_and_keeps_text, 0,
                        (int)(sizeof METHODS / sizeof METHODS[0]));
    tcase_add_loop_test(tc, test_query_splits_at_first_question_mark, 0,
                        (int)(sizeof QUERIES / sizeof QUERIES[0]));
    tcase_add_loop_test(tc, test_keep_alive_matrix, 0,
                        (int)(sizeof KEEPALIVE / sizeof KEEPALIVE[0]));
    tcase_add_test(tc, test_values_are_ows_trimmed_and_empty_values_kept);
    tcase_add_test(tc, test_forwarding_lists_keep_first_value_and_count);
    tcase_add_test(tc, test_find_is_case_insensitive_first_match);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_loop_test(tc, test_every_prefix_is_incomplete_and_whole_is_ok, 0,
                        (int)(sizeof COMPLETE / sizeof COMPLETE[0]));
    tcase_add_test(tc, test_pipelined_requests_parse_one_at_a_time);
    tcase_add_test(tc, test_bytes_after_request_are_not_examined);
    tcase_add_test(tc, test_sweep_method_byte);
    tcase_add_test(tc, test_sweep_target_byte);
    tcase_add_test(tc, test_sweep_header_name_byte);
    tcase_add_test(tc, test_sweep_header_value_byte);
    tcase_add_test(tc, test_request_line_at_limit_is_accepted);
    tcase_add_test(tc, test_request_line_one_past_limit_is_414_as_soon_as_certain);
    tcase_add_test(tc, test_header_count_at_limit_and_one_past);
    tcase_add_test(tc, test_header_bytes_at_limit_and_one_past);
    tcase_add_test(tc, test_body_at_limit_and_one_past);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(http_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
