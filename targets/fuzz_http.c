/* fuzz_http: gk_http_parse_request (reference-server/core/src/http.c, llhttp
 * underneath) and gk_http_find.
 *
 * Properties besides "no crash":
 *  - on GK_OK every span of the request lies inside buf[0..consumed), path and
 *    query inside target, n_headers <= GK_HTTP_MAX_HEADERS, http_status 0;
 *  - on GK_OK, consumed <= len and re-parsing buf[0..consumed) alone (a fresh
 *    exact-size copy, so an over-read past it trips ASan) gives GK_OK with the
 *    same consumed: a request never depends on the bytes after it;
 *  - no proper prefix of a complete request is complete; more strictly, every
 *    such prefix is GK_E_HTTP_INCOMPLETE (checked on the prefix one byte short
 *    and on evenly spaced shorter ones);
 *  - on an error other than INCOMPLETE, http_status is one of 400 413 414 431
 *    501 505; on INCOMPLETE it is 0. */
#include "fuzz_common.h"
#include "gk/http.h"

#define FZ_HTTP_PREFIX_PROBES 8

FZ_NO_COVERAGE static int fz_inside(struct gk_span s, const uint8_t *base, size_t len)
{
    if (s.len == 0)
        return 1;
    return s.p != NULL && s.p >= base && (size_t)(s.p - base) <= len && s.len <= len - (size_t)(s.p - base);
}

FZ_NO_COVERAGE static void fz_check_spans(const struct gk_http_request *r, const uint8_t *b, size_t n)
{
    FZ_CHECK(fz_inside(r->method_text, b, n), "method_text inside input");
    FZ_CHECK(fz_inside(r->target, b, n), "target inside input");
    FZ_CHECK(fz_inside(r->path, r->target.p, r->target.len), "path inside target");
    FZ_CHECK(fz_inside(r->query, r->target.p, r->target.len), "query inside target");
    FZ_CHECK(r->n_headers <= GK_HTTP_MAX_HEADERS, "n_headers within limit");
    for (size_t i = 0; i < r->n_headers; i++) {
        FZ_CHECK(fz_inside(r->headers[i].name, b, n), "header name inside input");
        FZ_CHECK(r->headers[i].name.len > 0, "header name non-empty");
        FZ_CHECK(fz_inside(r->headers[i].value, b, n), "header value inside input");
    }
    FZ_CHECK(fz_inside(r->host, b, n), "host inside input");
    FZ_CHECK(fz_inside(r->authorization, b, n), "authorization inside input");
    FZ_CHECK(fz_inside(r->xfcc, b, n), "xfcc inside input");
    FZ_CHECK(fz_inside(r->x_forwarded_for, b, n), "xff inside input");
    FZ_CHECK(fz_inside(r->forwarded, b, n), "forwarded inside input");
    FZ_CHECK(fz_inside(r->body, b, n), "body inside input");
    FZ_CHECK(r->body.len <= GK_HTTP_MAX_BODY, "body within limit");
    FZ_CHECK(r->version_minor == 0 || r->version_minor == 1, "HTTP/1.0 or 1.1");
    FZ_CHECK(r->version_minor == 0 || r->host.len > 0 || gk_http_find(r, "host") != NULL,
             "HTTP/1.1 request has Host");
}

FZ_NO_COVERAGE static int fz_valid_error_status(int s)
{
    return s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gk_http_request req, again;
    int hs = -1;
    uint8_t *buf = fz_dup(data, size);
    enum gk_status st = gk_http_parse_request(buf, size, &req, &hs);
    if (st == GK_E_HTTP_INCOMPLETE)
        FZ_CHECK(hs == 0, "INCOMPLETE gives http_status 0");
    else if (st != GK_OK)
        FZ_CHECK(fz_valid_error_status(hs) && gk_status_name(st)[0] == 'G',
                 "error maps to 400/413/414/431/501/505 and has a name");
    if (st == GK_OK) {
        size_t used = req.consumed;
        FZ_CHECK(hs == 0, "GK_OK gives http_status 0");
        FZ_CHECK(used > 0 && used <= size, "0 < consumed <= len");
        fz_check_spans(&req, buf, used);
        uint8_t *exact = fz_dup(buf, used);
        int hs2 = -1;
        enum gk_status st2 = gk_http_parse_request(exact, used, &again, &hs2);
        FZ_CHECK(st2 == GK_OK, "buf[0..consumed) alone parses");
        FZ_CHECK(again.consumed == used, "buf[0..consumed) alone consumes the same");
        FZ_CHECK(again.n_headers == req.n_headers, "same header count when re-parsed");
        FZ_CHECK(again.method == req.method, "same method when re-parsed");
        /* Proper prefixes: one byte short, then evenly spaced. */
        for (size_t k = 0; k <= FZ_HTTP_PREFIX_PROBES; k++) {
            size_t plen = k == 0 ? used - 1 : used * k / (FZ_HTTP_PREFIX_PROBES + 1);
            if (plen >= used)
                continue;
            uint8_t *pre = fz_dup(buf, plen);
            enum gk_status st3 = gk_http_parse_request(pre, plen, &again, &hs2);
            free(pre);
            /* Stronger than "not complete": a server reading the bytes as
             * they arrive must not refuse a request that will be valid. */
            FZ_CHECK(st3 == GK_E_HTTP_INCOMPLETE, "every proper prefix of a complete request is INCOMPLETE");
        }
        free(exact);
    }
    free(buf);
    return 0;
}
