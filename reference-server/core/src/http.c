/* http.c: HTTP/1.1 request assembly on llhttp (RFC 9112).
 *
 * llhttp does the tokenising; this file adds what a gatekeeper needs on top of
 * it: named limits that fail as soon as they are exceeded, one request per call
 * (pipelined bytes stay in the caller's buffer), origin-form targets only, the
 * smuggling rules of RFC 9112 §6.3, and the checks that Debian's llhttp build
 * (compiled without LLHTTP_STRICT_MODE) leaves out: bare CR or LF line ends,
 * whitespace before the colon, empty field names, high-bit bytes in the target,
 * and more than one SP between request-line parts.
 *
 * The parse runs in two steps. Step one feeds llhttp at most
 * GK_HTTP_MAX_HEADER_BYTES and pauses at the end of the header section, so the
 * parser never looks past that limit and we learn where the section ends. Step
 * two resumes for the Content-Length body and pauses at the end of the message.
 * No allocation, no copy: the llhttp_t lives on the stack and every span points
 * into the caller's buffer. */
#include "gk/http.h"

#include <llhttp.h>
#include <stddef.h>

/* Header fields the parser itself acts on. */
enum gk_http_kind {
    GK_HTTP_K_OTHER,
    GK_HTTP_K_HOST,
    GK_HTTP_K_AUTHORIZATION,
    GK_HTTP_K_XFCC,
    GK_HTTP_K_XFF,
    GK_HTTP_K_FORWARDED,
    GK_HTTP_K_CONTENT_LENGTH,
    GK_HTTP_K_TRANSFER_ENCODING,
};

static const struct {
    struct gk_span name;
    enum gk_http_kind kind;
} gk_http_known[] = {
    {GK_SPAN_LIT("host"), GK_HTTP_K_HOST},
    {GK_SPAN_LIT("authorization"), GK_HTTP_K_AUTHORIZATION},
    {GK_SPAN_LIT("x-forwarded-client-cert"), GK_HTTP_K_XFCC},
    {GK_SPAN_LIT("x-forwarded-for"), GK_HTTP_K_XFF},
    {GK_SPAN_LIT("forwarded"), GK_HTTP_K_FORWARDED},
    {GK_SPAN_LIT("content-length"), GK_HTTP_K_CONTENT_LENGTH},
    {GK_SPAN_LIT("transfer-encoding"), GK_HTTP_K_TRANSFER_ENCODING},
};

/* State of one call, reached from the callbacks through llhttp_t.data. */
struct gk_http_ctx {
    const uint8_t *buf;
    struct gk_http_request *req;
    struct gk_span version; /* "1.1" as sent */
    enum gk_status st;      /* first refusal a callback found */
    int http_status;
    enum gk_http_kind kind; /* of the field being assembled */
    int in_field;           /* a field name is being assembled */
    int version_done;
    int headers_done;
    int message_done;
    int seen_content_length;
    int seen_transfer_encoding;
};

/* ---- byte classes ---- */

/* tchar, RFC 9110 §5.6.2: the only bytes a method or field name may hold. */
static int gk_http_is_tchar(uint8_t c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    static const char others[] = "!#$%&'*+-.^_`|~";
    return memchr(others, c, sizeof others - 1) != NULL;
}

/* field-value bytes, RFC 9110 §5.5: HTAB, SP, VCHAR and obs-text (0x80-0xFF).
 * obs-text is accepted because the RFC grammar allows it and real clients send
 * UTF-8 in values; CTLs and DEL are refused. */
static int gk_http_is_value_byte(uint8_t c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* request-target bytes: visible ASCII only (RFC 3986 §2 has no raw octet above
 * 0x7E; it must arrive percent-encoded). '#' is handled separately. */
static int gk_http_is_target_byte(uint8_t c)
{
    return c > 0x20 && c < 0x7f;
}

static int gk_http_is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* ---- callback helpers ---- */

static struct gk_http_ctx *gk_http_ctx_of(llhttp_t *p)
{
    return p->data;
}

/* Record the first refusal and stop llhttp. HPE_USER is an error for data and
 * notification callbacks alike (it is none of 0, 1, 2, HPE_PAUSED). */
static int gk_http_refuse(struct gk_http_ctx *c, enum gk_status st, int http_status)
{
    if (c->st == GK_OK) {
        c->st = st;
        c->http_status = http_status;
    }
    return HPE_USER;
}

/* llhttp hands a span over in pieces when it straddles two execute calls; the
 * buffer is contiguous, so a later piece just moves the end. */
static void gk_http_extend(struct gk_span *s, const char *at, size_t n)
{
    const uint8_t *a = (const uint8_t *)at;
    if (s->p == NULL) {
        *s = gk_span_make(a, n);
        return;
    }
    s->len = (size_t)(a + n - s->p);
}

static const uint8_t *gk_http_span_end(struct gk_span s)
{
    return s.p + s.len;
}

/* ---- request line ---- */

static int gk_http_on_method(llhttp_t *p, const char *at, size_t n)
{
    gk_http_extend(&gk_http_ctx_of(p)->req->method_text, at, n);
    return 0;
}

static int gk_http_on_url(llhttp_t *p, const char *at, size_t n)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    struct gk_http_request *req = c->req;
    const uint8_t *a = (const uint8_t *)at;
    if (n == 0)
        return 0;
    if (req->target.p == NULL) {
        /* RFC 9112 §3: exactly one SP between method and target; llhttp's
         * loose build skips several, a classic parser-differential. */
        if (a != gk_http_span_end(req->method_text) + 1)
            return gk_http_refuse(c, GK_E_HTTP_SYNTAX, 400);
        /* Origin-form only (RFC 9112 §3.2.1). Absolute-form, authority-form
         * (CONNECT, which llhttp also lets through with a '/' target) and
         * asterisk-form are refused: this server is not a proxy. */
        if (a[0] != '/' || llhttp_get_method(p) == HTTP_CONNECT)
            return gk_http_refuse(c, GK_E_HTTP_TARGET, 400);
    }
    for (size_t i = 0; i < n; i++) {
        /* A fragment is never sent (RFC 9110 §7.1); a raw '#' means the client
         * and any intermediary may disagree about where the path ends. */
        if (a[i] == '#')
            return gk_http_refuse(c, GK_E_HTTP_TARGET, 400);
        if (!gk_http_is_target_byte(a[i]))
            return gk_http_refuse(c, GK_E_HTTP_SYNTAX, 400);
    }
    gk_http_extend(&req->target, at, n);
    return 0;
}

static int gk_http_on_version(llhttp_t *p, const char *at, size_t n)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    static const size_t sp_http_slash = sizeof(" HTTP/") - 1;
    if (n == 0)
        return 0;
    if (c->version.p == NULL &&
        (const uint8_t *)at != gk_http_span_end(c->req->target) + sp_http_slash)
        return gk_http_refuse(c, GK_E_HTTP_SYNTAX, 400);
    gk_http_extend(&c->version, at, n);
    return 0;
}

static int gk_http_on_version_complete(llhttp_t *p)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    /* llhttp demands CRLF right after the version, so the line ends 2 bytes on. */
    size_t line = (size_t)(gk_http_span_end(c->version) + 2 - c->req->method_text.p);
    c->version_done = 1;
    if (line > GK_HTTP_MAX_REQUEST_LINE)
        return gk_http_refuse(c, GK_E_HTTP_LINE_TOO_LONG, 414);
    /* RFC 9110 §6.2: only HTTP/1.0 and HTTP/1.1 are spoken here. */
    if (p->http_major != 1 || p->http_minor > 1)
        return gk_http_refuse(c, GK_E_HTTP_VERSION, 505);
    c->req->version_minor = p->http_minor;
    return 0;
}

/* ---- header fields ---- */

static int gk_http_begin_field(struct gk_http_ctx *c)
{
    struct gk_http_request *req = c->req;
    if (req->n_headers >= GK_HTTP_MAX_HEADERS)
        return gk_http_refuse(c, GK_E_HTTP_TOO_MANY_HEADERS, 431);
    req->headers[req->n_headers] = (struct gk_http_header){{NULL, 0}, {NULL, 0}};
    req->n_headers++;
    c->in_field = 1;
    return 0;
}

static struct gk_http_header *gk_http_current(struct gk_http_ctx *c)
{
    return &c->req->headers[c->req->n_headers - 1];
}

static int gk_http_on_header_field(llhttp_t *p, const char *at, size_t n)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    if (!c->in_field && gk_http_begin_field(c) != 0)
        return HPE_USER;
    gk_http_extend(&gk_http_current(c)->name, at, n);
    return 0;
}

static enum gk_http_kind gk_http_classify(struct gk_span name)
{
    for (size_t i = 0; i < sizeof gk_http_known / sizeof gk_http_known[0]; i++)
        if (gk_span_eq_nocase(name, gk_http_known[i].name))
            return gk_http_known[i].kind;
    return GK_HTTP_K_OTHER;
}

/* Duplicates and framing conflicts are refused as soon as the second name is
 * seen, before llhttp or anyone else acts on the value. */
static int gk_http_on_header_field_complete(llhttp_t *p)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    struct gk_http_request *req = c->req;
    if (!c->in_field && gk_http_begin_field(c) != 0)
        return HPE_USER;
    c->in_field = 0;
    struct gk_span name = gk_http_current(c)->name;
    /* field-name = token (RFC 9110 §5.1): not empty; and no whitespace before
     * the colon (RFC 9112 §5.1), which llhttp's loose build tolerates. */
    if (name.len == 0)
        return gk_http_refuse(c, GK_E_HTTP_SYNTAX, 400);
    for (size_t i = 0; i < name.len; i++)
        if (!gk_http_is_tchar(name.p[i]))
            return gk_http_refuse(c, GK_E_HTTP_SYNTAX, 400);

    c->kind = gk_http_classify(name);
    switch (c->kind) {
    case GK_HTTP_K_HOST:
        /* RFC 9112 §3.2: more than one Host field is a 400. */
        if (req->host.p != NULL)
            return gk_http_refuse(c, GK_E_HTTP_DUP_HEADER, 400);
        break;
    case GK_HTTP_K_AUTHORIZATION:
        if (req->authorization.p != NULL)
            return gk_http_refuse(c, GK_E_HTTP_DUP_HEADER, 400);
        break;
    case GK_HTTP_K_XFCC:
        if (req->xfcc.p != NULL)
            return gk_http_refuse(c, GK_E_HTTP_DUP_HEADER, 400);
        break;
    case GK_HTTP_K_CONTENT_LENGTH:
        /* RFC 9112 §6.3: Content-Length with Transfer-Encoding, or two
         * Content-Length fields, is a smuggling vector. Identical repeats are
         * refused too (the RFC allows either), as llhttp itself does. */
        if (c->seen_content_length || c->seen_transfer_encoding)
            return gk_http_refuse(c, GK_E_HTTP_FRAMING, 400);
        c->seen_content_length = 1;
        break;
    case GK_HTTP_K_TRANSFER_ENCODING:
        if (c->seen_content_length)
            return gk_http_refuse(c, GK_E_HTTP_FRAMING, 400);
        c->seen_transfer_encoding = 1;
        break;
    default:
        break;
    }
    return 0;
}

static int gk_http_on_header_value(llhttp_t *p, const char *at, size_t n)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    struct gk_http_header *h = gk_http_current(c);
    const uint8_t *a = (const uint8_t *)at;
    /* llhttp reports an empty value as an empty piece at the start of the
     * next line; it carries nothing. */
    if (n == 0)
        return 0;
    /* llhttp joins an obs-fold continuation (RFC 9112 §5.2) into the value. A
     * piece that does not start right after the colon's OWS, or right where
     * the previous piece ended, has skipped a line break: refuse it now. */
    if (h->value.p != NULL) {
        if (a != gk_http_span_end(h->value))
            return gk_http_refuse(c, GK_E_HTTP_OBS_FOLD, 400);
    } else {
        for (const uint8_t *q = gk_http_span_end(h->name) + 1; q < a; q++)
            if (!gk_http_is_ows(*q))
                return gk_http_refuse(c, GK_E_HTTP_OBS_FOLD, 400);
    }
    gk_http_extend(&h->value, at, n);
    return 0;
}

static int gk_http_on_header_value_complete(llhttp_t *p)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    struct gk_http_request *req = c->req;
    struct gk_http_header *h = gk_http_current(c);
    struct gk_span v = h->value;

    /* An empty value still marks the field present: point it past the colon. */
    if (v.p == NULL)
        v = gk_span_make(gk_http_span_end(h->name) + 1, 0);
    for (size_t i = 0; i < v.len; i++) {
        /* llhttp joins obs-fold continuation lines into one value, CRLF
         * included; RFC 9112 §5.2 lets a server refuse them, and we do. */
        if (v.p[i] == '\r' || v.p[i] == '\n')
            return gk_http_refuse(c, GK_E_HTTP_OBS_FOLD, 400);
        if (!gk_http_is_value_byte(v.p[i]))
            return gk_http_refuse(c, GK_E_HTTP_SYNTAX, 400);
    }
    /* RFC 9112 §5: OWS around the value is not part of it. */
    while (v.len > 0 && gk_http_is_ows(v.p[0])) {
        v.p++;
        v.len--;
    }
    while (v.len > 0 && gk_http_is_ows(v.p[v.len - 1]))
        v.len--;
    h->value = v;

    switch (c->kind) {
    case GK_HTTP_K_HOST:
        req->host = v;
        break;
    case GK_HTTP_K_AUTHORIZATION:
        req->authorization = v;
        break;
    case GK_HTTP_K_XFCC:
        req->xfcc = v;
        break;
    case GK_HTTP_K_XFF:
        if (req->n_x_forwarded_for++ == 0)
            req->x_forwarded_for = v;
        break;
    case GK_HTTP_K_FORWARDED:
        if (req->n_forwarded++ == 0)
            req->forwarded = v;
        break;
    default:
        break;
    }
    return 0;
}

/* ---- end of header section and of message ---- */

static int gk_http_on_headers_complete(llhttp_t *p)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    c->headers_done = 1;
    /* llhttp takes "GET /" CRLF as an HTTP/0.9 request: no version, no. */
    if (!c->version_done)
        return gk_http_refuse(c, GK_E_HTTP_SYNTAX, 400);
    /* RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400. */
    if (c->req->version_minor == 1 && c->req->host.p == NULL)
        return gk_http_refuse(c, GK_E_HTTP_NO_HOST, 400);
    /* Only Content-Length framing is implemented; RFC 9112 §6.1 wants a 501
     * for a transfer coding the server does not understand. */
    if (c->seen_transfer_encoding)
        return gk_http_refuse(c, GK_E_HTTP_FRAMING, 501);
    /* Refuse an oversized body now, before a single body byte is buffered. */
    if ((p->flags & F_CONTENT_LENGTH) && p->content_length > GK_HTTP_MAX_BODY)
        return gk_http_refuse(c, GK_E_HTTP_BODY_TOO_LARGE, 413);
    return HPE_PAUSED; /* let the caller check the section before the body */
}

static int gk_http_on_message_complete(llhttp_t *p)
{
    struct gk_http_ctx *c = gk_http_ctx_of(p);
    c->message_done = 1;
    c->req->keep_alive = llhttp_should_keep_alive(p);
    return HPE_PAUSED; /* one request per call; the rest is the next one's */
}

static const llhttp_settings_t gk_http_settings = {
    .on_method = gk_http_on_method,
    .on_url = gk_http_on_url,
    .on_version = gk_http_on_version,
    .on_version_complete = gk_http_on_version_complete,
    .on_header_field = gk_http_on_header_field,
    .on_header_field_complete = gk_http_on_header_field_complete,
    .on_header_value = gk_http_on_header_value,
    .on_header_value_complete = gk_http_on_header_value_complete,
    .on_headers_complete = gk_http_on_headers_complete,
    .on_message_complete = gk_http_on_message_complete,
};

/* ---- checks outside the callbacks ---- */

static enum gk_status gk_http_set(struct gk_http_ctx *c, enum gk_status st, int http_status)
{
    (void)gk_http_refuse(c, st, http_status);
    return c->st;
}

/* Every line of the header section ends in CRLF (RFC 9112 §2.2) and none
 * starts with whitespace (obs-fold, §5.2). llhttp's loose build also takes a
 * bare LF, or a CR followed by anything, as the end of a line; a peer that
 * frames differently could smuggle a request past us. */
static enum gk_status gk_http_check_lines(const uint8_t *buf, size_t hend)
{
    GK_ENSURE(hend >= 4 && memcmp(buf + hend - 4, "\r\n\r\n", 4) == 0, GK_E_HTTP_SYNTAX);
    for (size_t i = 0; i < hend; i++) {
        const uint8_t *lf = memchr(buf + i, '\n', hend - i);
        if (lf == NULL)
            break;
        i = (size_t)(lf - buf);
        GK_ENSURE(i > 0 && buf[i - 1] == '\r', GK_E_HTTP_SYNTAX);
        GK_ENSURE(i + 1 == hend || !gk_http_is_ows(buf[i + 1]), GK_E_HTTP_OBS_FOLD);
    }
    for (size_t i = 0; i < hend; i++) {
        const uint8_t *cr = memchr(buf + i, '\r', hend - i);
        if (cr == NULL)
            break;
        i = (size_t)(cr - buf);
        GK_ENSURE(i + 1 < hend && buf[i + 1] == '\n', GK_E_HTTP_SYNTAX);
    }
    return GK_OK;
}

/* llhttp rejected the input without a callback having said why: name it. */
static enum gk_status gk_http_map_error(struct gk_http_ctx *c, llhttp_errno_t e, size_t seen)
{
    const uint8_t *buf = c->buf;
    struct gk_span v = c->version;
    switch (e) {
    case HPE_INVALID_VERSION:
        /* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3): a well-formed
         * version llhttp does not know (1.2, 3.0) is a 505. After 1.0 or 1.1 the
         * fault is what follows ("1.10", "1.1\rX"): a 400. */
        if (v.len == 3 && v.p[0] >= '0' && v.p[0] <= '9' && v.p[1] == '.' && v.p[2] >= '0' &&
            v.p[2] <= '9' && !(v.p[0] == '1' && (v.p[2] == '0' || v.p[2] == '1')))
            return gk_http_set(c, GK_E_HTTP_VERSION, 505);
        return gk_http_set(c, GK_E_HTTP_SYNTAX, 400);
    case HPE_INVALID_METHOD: {
        /* llhttp knows a fixed list of methods. A well-formed token it does not
         * know is a 501 (RFC 9110 §9.1); bytes that are no token are a 400. */
        size_t i = 0, start;
        while (i < seen && (buf[i] == '\r' || buf[i] == '\n'))
            i++;
        start = i;
        while (i < seen && gk_http_is_tchar(buf[i]))
            i++;
        if (i > start && (i == seen || buf[i] == ' '))
            return gk_http_set(c, GK_E_HTTP_METHOD, 501);
        return gk_http_set(c, GK_E_HTTP_SYNTAX, 400);
    }
    case HPE_INVALID_CONTENT_LENGTH:
    case HPE_UNEXPECTED_CONTENT_LENGTH:
    case HPE_INVALID_TRANSFER_ENCODING:
        return gk_http_set(c, GK_E_HTTP_FRAMING, 400);
    default:
        return gk_http_set(c, GK_E_HTTP_SYNTAX, 400);
    }
}

/* Incomplete header section: fail now if a limit is already certain to be
 * exceeded, so a slow client cannot make the caller buffer without end. */
static enum gk_status gk_http_incomplete(struct gk_http_ctx *c, size_t len, size_t window)
{
    const struct gk_http_request *req = c->req;
    if (!c->version_done && req->method_text.p != NULL) {
        /* The line is unfinished, so its CRLF at least is still to come. */
        size_t line = (size_t)(c->buf + window - req->method_text.p) + 2;
        if (line > GK_HTTP_MAX_REQUEST_LINE)
            return gk_http_set(c, GK_E_HTTP_LINE_TOO_LONG, 414);
    }
    /* llhttp saw every byte up to the limit and the section did not end, so
     * it can only end past the limit. */
    if (len >= GK_HTTP_MAX_HEADER_BYTES)
        return gk_http_set(c, GK_E_HTTP_HEADERS_TOO_LARGE, 431);
    return GK_E_HTTP_INCOMPLETE;
}

static void gk_http_request_clear(struct gk_http_request *req)
{
    /* The header array (2 KiB) is left alone: n_headers bounds what is valid,
     * and this runs on every call. */
    const struct gk_span none = {NULL, 0};
    req->method = GK_HTTP_OTHER;
    req->method_text = req->target = req->path = req->query = none;
    req->version_minor = 0;
    req->keep_alive = 0;
    req->n_headers = 0;
    req->host = req->authorization = req->xfcc = none;
    req->x_forwarded_for = req->forwarded = none;
    req->n_x_forwarded_for = req->n_forwarded = 0;
    req->body = none;
    req->consumed = 0;
}

static enum gk_http_method gk_http_method_of(uint8_t m)
{
    switch (m) {
    case HTTP_GET:
        return GK_HTTP_GET;
    case HTTP_HEAD:
        return GK_HTTP_HEAD;
    case HTTP_POST:
        return GK_HTTP_POST;
    case HTTP_PUT:
        return GK_HTTP_PUT;
    case HTTP_DELETE:
        return GK_HTTP_DELETE;
    case HTTP_OPTIONS:
        return GK_HTTP_OPTIONS;
    case HTTP_PATCH:
        return GK_HTTP_PATCH;
    default:
        return GK_HTTP_OTHER;
    }
}

static enum gk_status gk_http_parse(struct gk_http_ctx *c, llhttp_t *parser, size_t len)
{
    const uint8_t *buf = c->buf;
    struct gk_http_request *req = c->req;

    /* Step one: the header section, never reading past its limit. */
    size_t window = len < GK_HTTP_MAX_HEADER_BYTES ? len : GK_HTTP_MAX_HEADER_BYTES;
    llhttp_errno_t e = llhttp_execute(parser, (const char *)buf, window);
    GK_GUARD(c->st);
    if (e == HPE_OK)
        return gk_http_incomplete(c, len, window);
    if (e != HPE_PAUSED || !c->headers_done)
        return gk_http_map_error(c, e, window);
    size_t hend = (size_t)((const uint8_t *)llhttp_get_error_pos(parser) - buf);
    enum gk_status st = gk_http_check_lines(buf, hend);
    if (st != GK_OK)
        return gk_http_set(c, st, 400);

    /* Step two: the Content-Length body (at most GK_HTTP_MAX_BODY, checked). */
    llhttp_resume(parser);
    e = llhttp_execute(parser, (const char *)buf + hend, len - hend);
    GK_GUARD(c->st);
    if (e == HPE_OK)
        return GK_E_HTTP_INCOMPLETE;
    if (e != HPE_PAUSED || !c->message_done)
        return gk_http_map_error(c, e, len);

    req->consumed = (size_t)((const uint8_t *)llhttp_get_error_pos(parser) - buf);
    req->body = gk_span_make(buf + hend, req->consumed - hend);
    req->method = gk_http_method_of(llhttp_get_method(parser));
    /* RFC 9112 §3.2.1: origin-form = absolute-path [ "?" query ] */
    const uint8_t *qmark = memchr(req->target.p, '?', req->target.len);
    req->path = req->target;
    if (qmark != NULL) {
        req->path.len = (size_t)(qmark - req->target.p);
        req->query = gk_span_make(qmark + 1, req->target.len - req->path.len - 1);
    }
    return GK_OK;
}

enum gk_status gk_http_parse_request(const uint8_t *buf, size_t len, struct gk_http_request *req,
                                     int *http_status)
{
    GK_ENSURE(req != NULL && http_status != NULL, GK_E_ARG);
    *http_status = 500; /* a NULL buffer with bytes in it is the caller's bug */
    GK_ENSURE(buf != NULL || len == 0, GK_E_ARG);
    gk_http_request_clear(req);
    *http_status = 0;
    if (len == 0) /* also keeps a NULL buf away from llhttp's pointer arithmetic */
        return GK_E_HTTP_INCOMPLETE;

    struct gk_http_ctx c = {.buf = buf, .req = req};
    llhttp_t parser;
    /* All lenient flags stay off (llhttp_init's default): they re-open the
     * smuggling vectors of RFC 9112 §6.3 and §11.2. */
    llhttp_init(&parser, HTTP_REQUEST, &gk_http_settings);
    parser.data = &c;

    enum gk_status st = gk_http_parse(&c, &parser, len);
    *http_status = (st == GK_OK || st == GK_E_HTTP_INCOMPLETE) ? 0 : c.http_status;
    return st;
}

const struct gk_http_header *gk_http_find(const struct gk_http_request *req, const char *name)
{
    if (req == NULL || name == NULL)
        return NULL;
    struct gk_span want = gk_span_make(name, strlen(name));
    for (size_t i = 0; i < req->n_headers; i++)
        if (gk_span_eq_nocase(req->headers[i].name, want))
            return &req->headers[i];
    return NULL;
}
