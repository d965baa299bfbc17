/* gk/http.h: HTTP/1.1 request assembly on llhttp (RFC 9112), with named limits.
 *
 * Stateless, picohttpparser style: the caller passes every byte received since
 * the start of the current request (a contiguous buffer it owns) and gets either
 * GK_E_HTTP_INCOMPLETE, an error, or GK_OK with a request whose spans point into
 * that buffer and `consumed` = bytes used, so pipelined requests follow at
 * buf + consumed. Calling again with more bytes re-parses from the start; the
 * limits below bound that work. */
#ifndef GK_HTTP_H
#define GK_HTTP_H
#include "gk/span.h"
#include "gk/status.h"

#define GK_HTTP_MAX_REQUEST_LINE 8192   /* method SP target SP version CRLF */
#define GK_HTTP_MAX_HEADERS 64          /* header fields per request */
#define GK_HTTP_MAX_HEADER_BYTES 16384  /* whole header section, request line included */
#define GK_HTTP_MAX_BODY 65536          /* Content-Length or chunked total */

enum gk_http_method {
    GK_HTTP_GET,
    GK_HTTP_HEAD,
    GK_HTTP_POST,
    GK_HTTP_PUT,
    GK_HTTP_DELETE,
    GK_HTTP_OPTIONS,
    GK_HTTP_PATCH,
    GK_HTTP_OTHER, /* any other token llhttp accepts; routes refuse it */
};

struct gk_http_header {
    struct gk_span name;  /* as sent (case preserved) */
    struct gk_span value; /* OWS trimmed */
};

struct gk_http_request {
    enum gk_http_method method;
    struct gk_span method_text;
    struct gk_span target;   /* request-target exactly as sent */
    struct gk_span path;     /* origin-form path part of target (before '?') */
    struct gk_span query;    /* after '?', without it; len 0 if absent */
    int version_minor;       /* HTTP/1.<minor>: 0 or 1 */
    int keep_alive;          /* after this request, per version and Connection */
    struct gk_http_header headers[GK_HTTP_MAX_HEADERS];
    size_t n_headers;
    /* Singletons found among the headers (len 0 / p NULL when absent). Duplicates
     * of these are rejected with GK_E_HTTP_DUP_HEADER: two Host values or two
     * credentials are a request-smuggling and confusion risk (RFC 9110 §7.2). */
    struct gk_span host;
    struct gk_span authorization;
    struct gk_span xfcc;             /* X-Forwarded-Client-Cert */
    /* List headers: the first field's value and how many fields there were;
     * gk_fwd_decide refuses more than one field rather than guess a join. */
    struct gk_span x_forwarded_for;
    size_t n_x_forwarded_for;
    struct gk_span forwarded;        /* RFC 7239 Forwarded */
    size_t n_forwarded;
    /* Body framed by Content-Length only. Any Transfer-Encoding is refused
     * (501 alone, 400 with Content-Length: RFC 9112 §6.3 smuggling rule). */
    struct gk_span body;
    size_t consumed;         /* bytes of the input this request used */
};

/* Parse one request from buf[0..len). On GK_OK fills *req. On an error,
 * *http_status receives the status the server should answer with (400, 413,
 * 414, 431, 501, 505) before closing the connection; on GK_OK and
 * GK_E_HTTP_INCOMPLETE it is 0.
 *
 * Limits are measured so: the request line from the method's first byte to its
 * LF; the header section from buf[0] (leading empty lines count) to the LF of
 * the empty line. An incomplete request is refused as soon as a limit can no
 * longer be met (an unfinished request line of MAX_REQUEST_LINE - 1 bytes, a
 * 65th field name, MAX_HEADER_BYTES bytes without the empty line, a
 * Content-Length over MAX_BODY once the section ends).
 *
 * Beyond RFC 9112 strict syntax, the choices made here: one CRLF before the
 * request line is ignored (§2.2), bare CR or LF is a 400; exactly one SP
 * between request-line parts; obs-text (0x80-0xFF) is accepted in field values
 * (RFC 9110 §5.5) but not in the target; two Content-Length fields are a 400
 * even when equal; an unknown method token is 501, a non-token 400; HTTP/0.9
 * simple requests are a 400. */
GK_MUST_CHECK enum gk_status gk_http_parse_request(const uint8_t *buf, size_t len,
                                                   struct gk_http_request *req,
                                                   int *http_status);

/* Find a header by case-insensitive name; first match or NULL. */
const struct gk_http_header *gk_http_find(const struct gk_http_request *req, const char *name);

#endif
