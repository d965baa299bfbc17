/* forwarded.c: X-Forwarded-For, RFC 7239 Forwarded and Envoy's
 * X-Forwarded-Client-Cert, parsed strictly, plus the trust decision.
 *
 * Strictness choices (each one refuses, the server answers 400):
 *  - empty list elements are refused in all three headers. RFC 9110 §5.6.1.2
 *    asks recipients to tolerate them, but an empty right-most element would
 *    make "the hop the proxy saw" ambiguous, and our only sender is a proxy
 *    we configure;
 *  - no whitespace around ';' or '=' (RFC 7239 §4 grammar has none); OWS is
 *    accepted only around ',' (the list rule, RFC 9110 §5.6.1);
 *  - a list of more than GK_FWD_MAX_HOPS elements is refused, not truncated. */
#include "gk/forwarded.h"
#include "gk/cursor.h"

#define GK_FWD_MAX_PORT 65535u
#define GK_FWD_MAX_PORT_DIGITS 5 /* RFC 7239 §6: port = 1*5DIGIT */

/* ---- character classes ------------------------------------------------ */

static int fwd_is_ows(uint8_t b)
{
    return b == ' ' || b == '\t';
}
static int fwd_is_digit(uint8_t b)
{
    return b >= '0' && b <= '9';
}
static int fwd_is_alpha(uint8_t b)
{
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

/* RFC 9110 §5.6.2 tchar. */
static int fwd_is_tchar(uint8_t b)
{
    if (fwd_is_alpha(b) || fwd_is_digit(b))
        return 1;
    return b != 0 && memchr("!#$%&'*+-.^_`|~", b, 15) != NULL;
}

/* RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text.
 * `allow_htab` is off for XFCC, whose values must carry no control byte. */
static int fwd_is_qdtext(uint8_t b, int allow_htab)
{
    if (b == '\t')
        return allow_htab;
    return b == ' ' || b == 0x21 || (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b <= 0x7e) ||
           b >= 0x80;
}

/* RFC 9110 §5.6.4: quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ). */
static int fwd_is_qpair(uint8_t b, int allow_htab)
{
    if (b == '\t')
        return allow_htab;
    return (b >= 0x20 && b <= 0x7e) || b >= 0x80;
}

/* RFC 7239 §6.3: obfnode / obfport characters after the leading '_'. */
static int fwd_is_obfchar(uint8_t b)
{
    return fwd_is_alpha(b) || fwd_is_digit(b) || b == '.' || b == '_' || b == '-';
}

/* ---- cursor helpers ----------------------------------------------------- */

static int fwd_next_is(const struct gk_cursor *c, uint8_t want)
{
    uint8_t b;
    return gk_cursor_peek(c, &b) == GK_OK && b == want;
}

static void fwd_skip_ows(struct gk_cursor *c)
{
    uint8_t b;
    while (gk_cursor_peek(c, &b) == GK_OK && fwd_is_ows(b))
        if (gk_cursor_u8(c, &b) != GK_OK)
            return;
}

/* token = 1*tchar */
static enum gk_status fwd_take_token(struct gk_cursor *c, struct gk_span *out)
{
    size_t start = c->pos;
    uint8_t b;
    while (gk_cursor_peek(c, &b) == GK_OK && fwd_is_tchar(b))
        GK_GUARD(gk_cursor_u8(c, &b));
    GK_ENSURE(c->pos > start, GK_E_FWD_SYNTAX);
    *out = gk_span_make(c->base + start, c->pos - start);
    return GK_OK;
}

/* A parameter value: the raw bytes (escapes still in, quotes removed), whether
 * it was quoted, and its length once unescaped. */
struct fwd_value {
    struct gk_span raw;
    int quoted;
    size_t unq_len;
};

/* quoted-string (RFC 9110 §5.6.4), the cursor on the opening DQUOTE. */
static enum gk_status fwd_take_quoted(struct gk_cursor *c, int allow_htab, struct fwd_value *v)
{
    uint8_t b;
    GK_GUARD(gk_cursor_u8(c, &b));
    GK_ENSURE(b == '"', GK_E_FWD_SYNTAX);
    size_t start = c->pos;
    size_t n = 0;
    for (;;) {
        GK_ENSURE(gk_cursor_u8(c, &b) == GK_OK, GK_E_FWD_SYNTAX); /* unterminated */
        if (b == '"')
            break;
        if (b == '\\') {
            GK_ENSURE(gk_cursor_u8(c, &b) == GK_OK, GK_E_FWD_SYNTAX);
            GK_ENSURE(fwd_is_qpair(b, allow_htab), GK_E_FWD_SYNTAX);
        } else {
            GK_ENSURE(fwd_is_qdtext(b, allow_htab), GK_E_FWD_SYNTAX);
        }
        n++;
    }
    v->raw = gk_span_make(c->base + start, c->pos - 1 - start);
    v->quoted = 1;
    v->unq_len = n;
    return GK_OK;
}

/* Copy a value into out, removing quoted-pair backslashes. The value was
 * validated by fwd_take_quoted, so a '\\' is never the last byte. */
static enum gk_status fwd_unquote(const struct fwd_value *v, uint8_t *out, size_t cap,
                                  size_t *out_len)
{
    GK_ENSURE(v->unq_len <= cap, GK_E_SPACE);
    size_t n = 0;
    for (size_t i = 0; i < v->raw.len; i++) {
        if (v->quoted && v->raw.p[i] == '\\')
            i++;
        out[n++] = v->raw.p[i];
    }
    *out_len = n;
    return GK_OK;
}

/* ---- node syntax shared by XFF and Forwarded for= ------------------------ */

/* port = 1*5DIGIT, and a real TCP port value. */
static int fwd_valid_port(struct gk_span s)
{
    if (s.len == 0 || s.len > GK_FWD_MAX_PORT_DIGITS)
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (!fwd_is_digit(s.p[i]))
            return 0;
        v = v * 10u + (unsigned)(s.p[i] - '0');
    }
    return v <= GK_FWD_MAX_PORT;
}

/* obfport / obfnode = "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ) (RFC 7239 §6.3). */
static int fwd_valid_obf(struct gk_span s)
{
    if (s.len < 2 || s.p[0] != '_')
        return 0;
    for (size_t i = 1; i < s.len; i++)
        if (!fwd_is_obfchar(s.p[i]))
            return 0;
    return 1;
}

static int fwd_valid_node_port(struct gk_span s, int allow_obf)
{
    return fwd_valid_port(s) || (allow_obf && fwd_valid_obf(s));
}

static enum gk_status fwd_addr_of_family(struct gk_span s, int family, struct gk_addr *out)
{
    GK_ENSURE(s.len > 0, GK_E_FWD_SYNTAX);
    GK_ENSURE(gk_addr_parse(s.p, s.len, out) == GK_OK, GK_E_FWD_SYNTAX);
    GK_ENSURE(out->family == family, GK_E_FWD_SYNTAX);
    return GK_OK;
}

/* "[" IPv6 "]" [ ":" port ] */
static enum gk_status fwd_bracketed(struct gk_span s, int allow_obf, struct gk_addr *out)
{
    struct gk_cursor c;
    struct gk_span inner;
    gk_cursor_init(&c, s.p, s.len);
    GK_ENSURE(gk_cursor_accept(&c, "["), GK_E_FWD_SYNTAX);
    GK_ENSURE(gk_cursor_until(&c, ']', &inner) == GK_OK, GK_E_FWD_SYNTAX);
    GK_GUARD(fwd_addr_of_family(inner, 6, out));
    if (gk_cursor_eof(&c))
        return GK_OK;
    GK_ENSURE(gk_cursor_accept(&c, ":"), GK_E_FWD_SYNTAX);
    GK_ENSURE(fwd_valid_node_port(gk_cursor_rest(&c), allow_obf), GK_E_FWD_SYNTAX);
    return GK_OK;
}

/* IPv4 [ ":" port ] (the cursor splits at the one ':'). */
static enum gk_status fwd_v4_port(struct gk_span s, int allow_obf, struct gk_addr *out)
{
    struct gk_cursor c;
    struct gk_span host;
    gk_cursor_init(&c, s.p, s.len);
    if (gk_cursor_until(&c, ':', &host) != GK_OK)
        return fwd_addr_of_family(s, 4, out);
    GK_GUARD(fwd_addr_of_family(host, 4, out));
    GK_ENSURE(fwd_valid_node_port(gk_cursor_rest(&c), allow_obf), GK_E_FWD_SYNTAX);
    return GK_OK;
}

static size_t fwd_count(struct gk_span s, uint8_t b)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += s.p[i] == b;
    return n;
}

/* One X-Forwarded-For element: IPv4, IPv4:port, bare IPv6, [IPv6], [IPv6]:port.
 * Two or more ':' outside brackets can only be a bare IPv6 address. */
static enum gk_status fwd_xff_node(struct gk_span s, struct gk_addr *out)
{
    GK_ENSURE(s.len > 0, GK_E_FWD_SYNTAX);
    if (s.p[0] == '[')
        return fwd_bracketed(s, 0, out);
    if (fwd_count(s, ':') >= 2)
        return fwd_addr_of_family(s, 6, out);
    return fwd_v4_port(s, 0, out);
}

/* RFC 7239 §6: node = nodename [ ":" node-port ]; nodename = IPv4address /
 * "[" IPv6address "]" / "unknown" / obfnode. A bare IPv6 is not a nodename.
 * "unknown" and obfnode give family 0: no address. */
static enum gk_status fwd_forwarded_node(struct gk_span s, struct gk_addr *out)
{
    memset(out, 0, sizeof(*out));
    GK_ENSURE(s.len > 0, GK_E_FWD_SYNTAX);
    if (s.p[0] == '[')
        return fwd_bracketed(s, 1, out);

    struct gk_cursor c;
    struct gk_span name;
    struct gk_span port = {0};
    int has_port = 0;
    gk_cursor_init(&c, s.p, s.len);
    if (gk_cursor_until(&c, ':', &name) == GK_OK) {
        port = gk_cursor_rest(&c);
        has_port = 1;
    } else {
        name = s;
    }
    GK_ENSURE(!has_port || fwd_valid_node_port(port, 1), GK_E_FWD_SYNTAX);
    /* ABNF literals are case-insensitive (RFC 5234 §2.3). */
    if (gk_span_eq_nocase(name, GK_SPAN_LIT("unknown")) || fwd_valid_obf(name))
        return GK_OK;
    return fwd_addr_of_family(name, 4, out);
}

/* ---- X-Forwarded-For ---------------------------------------------------- */

enum gk_status gk_xff_parse(const uint8_t *in, size_t len, struct gk_addr *out, size_t max,
                            size_t *n)
{
    *n = 0;
    GK_ENSURE(len <= GK_FWD_MAX_HEADER, GK_E_LIMIT);
    GK_ENSURE(len > 0, GK_E_FWD_SYNTAX);
    struct gk_cursor c;
    size_t count = 0;
    gk_cursor_init(&c, in, len);
    for (;;) {
        struct gk_span elem;
        int last = gk_cursor_until(&c, ',', &elem) != GK_OK;
        if (last)
            elem = gk_cursor_rest(&c);
        /* OWS around the comma (RFC 9110 §5.6.1). */
        while (elem.len > 0 && fwd_is_ows(elem.p[0]))
            elem = gk_span_make(elem.p + 1, elem.len - 1);
        while (elem.len > 0 && fwd_is_ows(elem.p[elem.len - 1]))
            elem.len--;
        GK_ENSURE(count < GK_FWD_MAX_HOPS, GK_E_LIMIT);
        struct gk_addr a;
        GK_GUARD(fwd_xff_node(elem, &a));
        if (count < max)
            out[count] = a;
        count++;
        if (last)
            break;
    }
    *n = count;
    GK_ENSURE(count <= max, GK_E_SPACE);
    return GK_OK;
}

/* ---- RFC 7239 Forwarded -------------------------------------------------- */

/* value = token / quoted-string (RFC 7239 §4). */
static enum gk_status fwd_take_value(struct gk_cursor *c, struct fwd_value *v)
{
    if (fwd_next_is(c, '"'))
        return fwd_take_quoted(c, 1, v);
    GK_GUARD(fwd_take_token(c, &v->raw));
    v->quoted = 0;
    v->unq_len = v->raw.len;
    return GK_OK;
}

/* forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
 * forwarded-pair = token "=" value. Empty pairs are grammatical; an element
 * with no byte at all is not accepted (see the file comment). */
static enum gk_status fwd_forwarded_element(struct gk_cursor *c, struct gk_addr *for_addr)
{
    struct gk_span names[GK_FWD_MAX_PAIRS];
    size_t n_names = 0;
    size_t start = c->pos;
    uint8_t b;
    memset(for_addr, 0, sizeof(*for_addr));
    for (;;) {
        if (gk_cursor_peek(c, &b) == GK_OK && fwd_is_tchar(b)) {
            struct gk_span name;
            struct fwd_value v;
            GK_GUARD(fwd_take_token(c, &name));
            GK_ENSURE(gk_cursor_accept(c, "="), GK_E_FWD_SYNTAX);
            GK_GUARD(fwd_take_value(c, &v));
            /* §4: a parameter MUST NOT occur more than once per element;
             * §5: parameter names are case-insensitive. */
            for (size_t i = 0; i < n_names; i++)
                GK_ENSURE(!gk_span_eq_nocase(names[i], name), GK_E_FWD_SYNTAX);
            GK_ENSURE(n_names < GK_FWD_MAX_PAIRS, GK_E_LIMIT);
            names[n_names++] = name;
            if (gk_span_eq_nocase(name, GK_SPAN_LIT("for"))) {
                uint8_t node[GK_FWD_MAX_HEADER];
                size_t node_len;
                GK_GUARD(fwd_unquote(&v, node, sizeof(node), &node_len));
                GK_GUARD(fwd_forwarded_node(gk_span_make(node, node_len), for_addr));
            }
        }
        if (!gk_cursor_accept(c, ";"))
            break;
    }
    GK_ENSURE(c->pos > start, GK_E_FWD_SYNTAX);
    return GK_OK;
}

enum gk_status gk_forwarded_parse(const uint8_t *in, size_t len, struct gk_addr *out, size_t max,
                                  size_t *n)
{
    *n = 0;
    GK_ENSURE(len <= GK_FWD_MAX_HEADER, GK_E_LIMIT);
    GK_ENSURE(len > 0, GK_E_FWD_SYNTAX);
    struct gk_cursor c;
    size_t count = 0;
    gk_cursor_init(&c, in, len);
    for (;;) {
        struct gk_addr a;
        fwd_skip_ows(&c);
        GK_ENSURE(count < GK_FWD_MAX_HOPS, GK_E_LIMIT);
        GK_GUARD(fwd_forwarded_element(&c, &a));
        if (count < max)
            out[count] = a;
        count++;
        fwd_skip_ows(&c);
        if (gk_cursor_eof(&c))
            break;
        GK_ENSURE(gk_cursor_accept(&c, ","), GK_E_FWD_SYNTAX);
    }
    *n = count;
    GK_ENSURE(count <= max, GK_E_SPACE);
    return GK_OK;
}

/* ---- Envoy X-Forwarded-Client-Cert -------------------------------------- */

/* The keys Envoy emits. DNS (and URI) may repeat, one per SAN; the others
 * appear at most once per element. */
enum xfcc_key {
    XFCC_BY,
    XFCC_HASH,
    XFCC_CERT,
    XFCC_CHAIN,
    XFCC_SUBJECT,
    XFCC_URI,
    XFCC_DNS,
    XFCC_NKEYS
};

static const char *const XFCC_KEY_NAMES[XFCC_NKEYS] = {"By",      "Hash", "Cert", "Chain",
                                                       "Subject", "URI",  "DNS"};

static enum gk_status xfcc_key_of(struct gk_span name, enum xfcc_key *out)
{
    for (int k = 0; k < XFCC_NKEYS; k++) {
        struct gk_span want = gk_span_make(XFCC_KEY_NAMES[k], strlen(XFCC_KEY_NAMES[k]));
        if (gk_span_eq_nocase(name, want)) {
            *out = (enum xfcc_key)k;
            return GK_OK;
        }
    }
    return GK_E_FWD_SYNTAX;
}

/* Unquoted XFCC value: visible ASCII except the separators and the quote
 * and backslash (Envoy quotes any value holding ',' ';' or '='). May be empty. */
static int xfcc_is_plain(uint8_t b)
{
    return b > 0x20 && b < 0x7f && b != ',' && b != ';' && b != '=' && b != '"' && b != '\\';
}

static enum gk_status xfcc_take_value(struct gk_cursor *c, struct fwd_value *v)
{
    uint8_t b;
    if (fwd_next_is(c, '"'))
        return fwd_take_quoted(c, 0, v);
    size_t start = c->pos;
    while (gk_cursor_peek(c, &b) == GK_OK && xfcc_is_plain(b))
        GK_GUARD(gk_cursor_u8(c, &b));
    v->raw = gk_span_make(c->base + start, c->pos - start);
    v->quoted = 0;
    v->unq_len = v->raw.len;
    return GK_OK;
}

struct xfcc_element {
    size_t n_uri;
    struct fwd_value uri;
};

/* element = pair *( ";" pair ); pair = key "=" value. */
static enum gk_status xfcc_element(struct gk_cursor *c, struct xfcc_element *e)
{
    unsigned seen = 0;
    size_t n_pairs = 0;
    memset(e, 0, sizeof(*e));
    do {
        struct gk_span name;
        struct fwd_value v;
        enum xfcc_key k;
        GK_GUARD(fwd_take_token(c, &name));
        GK_GUARD(xfcc_key_of(name, &k));
        GK_ENSURE(gk_cursor_accept(c, "="), GK_E_FWD_SYNTAX);
        GK_GUARD(xfcc_take_value(c, &v));
        GK_ENSURE(++n_pairs <= GK_FWD_MAX_PAIRS, GK_E_LIMIT);
        if (k == XFCC_URI) {
            e->n_uri++;
            e->uri = v;
        } else if (k != XFCC_DNS) {
            GK_ENSURE(!(seen & (1u << k)), GK_E_FWD_SYNTAX);
            seen |= 1u << k;
        }
    } while (gk_cursor_accept(c, ";"));
    return GK_OK;
}

enum gk_status gk_xfcc_client_uri(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap,
                                  size_t *out_len)
{
    *out_len = 0;
    GK_ENSURE(len <= GK_FWD_MAX_HEADER, GK_E_LIMIT);
    GK_ENSURE(len > 0, GK_E_FWD_SYNTAX);
    struct gk_cursor c;
    struct xfcc_element e;
    size_t count = 0;
    gk_cursor_init(&c, in, len);
    /* Every element must parse (quoted values may hold ','), but only the
     * right-most one, which the nearest proxy appended, names the client. */
    for (;;) {
        fwd_skip_ows(&c);
        GK_ENSURE(count < GK_FWD_MAX_HOPS, GK_E_LIMIT);
        GK_GUARD(xfcc_element(&c, &e));
        count++;
        fwd_skip_ows(&c);
        if (gk_cursor_eof(&c))
            break;
        GK_ENSURE(gk_cursor_accept(&c, ","), GK_E_FWD_SYNTAX);
    }
    GK_ENSURE(e.n_uri == 1 && e.uri.unq_len > 0, GK_E_FWD_XFCC_URI);
    GK_ENSURE(e.uri.unq_len <= GK_FWD_MAX_IDENTITY, GK_E_LIMIT);
    return fwd_unquote(&e.uri, out, out_cap, out_len);
}

/* ---- the trust decision --------------------------------------------------- */

static int fwd_present(struct gk_span v, size_t n_fields)
{
    return n_fields > 0 || v.len > 0;
}

/* The right-most element is the hop the trusted proxy itself saw: we know no
 * other trusted hop addresses (the proxy is trusted by certificate identity). */
static enum gk_status fwd_rightmost(struct gk_span v, int forwarded, struct gk_addr *out)
{
    struct gk_addr hops[GK_FWD_MAX_HOPS];
    size_t n = 0;
    GK_ENSURE(v.len > 0, GK_E_FWD_SYNTAX);
    if (forwarded)
        GK_GUARD(gk_forwarded_parse(v.p, v.len, hops, GK_FWD_MAX_HOPS, &n));
    else
        GK_GUARD(gk_xff_parse(v.p, v.len, hops, GK_FWD_MAX_HOPS, &n));
    GK_ENSURE(n > 0, GK_E_FWD_SYNTAX);
    /* "unknown", an obfuscated node or a missing for= cannot be a client address. */
    GK_ENSURE(hops[n - 1].family == 4 || hops[n - 1].family == 6, GK_E_FWD_SYNTAX);
    *out = hops[n - 1];
    return GK_OK;
}

static enum gk_status fwd_decide_trusted(const struct gk_fwd_input *in, struct gk_fwd_result *out)
{
    /* Two fields of one name could be combined in either order by different
     * components: refuse rather than guess (RFC 9110 §5.3). */
    GK_ENSURE(in->n_xff_fields <= 1 && in->n_forwarded_fields <= 1, GK_E_FWD_SYNTAX);
    if (in->xfcc.len > 0) {
        GK_GUARD(gk_xfcc_client_uri(in->xfcc.p, in->xfcc.len, out->identity, sizeof(out->identity),
                                    &out->identity_len));
        out->identity_set = 1;
    }
    if (fwd_present(in->forwarded, in->n_forwarded_fields))
        return fwd_rightmost(in->forwarded, 1, &out->client_addr);
    if (fwd_present(in->xff, in->n_xff_fields))
        return fwd_rightmost(in->xff, 0, &out->client_addr);
    return GK_OK;
}

enum gk_status gk_fwd_decide(const struct gk_fwd_input *in, struct gk_fwd_result *out)
{
    memset(out, 0, sizeof(*out));
    out->client_addr = in->peer_addr;
    /* From anyone but a trusted proxy these headers are not even parsed. */
    if (!in->peer_is_trusted_proxy)
        return GK_OK;
    enum gk_status st = fwd_decide_trusted(in, out);
    if (st != GK_OK) {
        /* Leave nothing half-decided behind. */
        memset(out, 0, sizeof(*out));
        out->client_addr = in->peer_addr;
    }
    return st;
}
