/* addr.c: IPv4/IPv6 addresses and CIDR networks from bytes.
 *
 * IPv4 dotted-quad is parsed here, strictly (RFC 6943 §3.1.1): exactly four
 * decimal octets, no leading zeros, no shorthand forms ("10.1", "0x7f.1"):
 * inet_aton() and many URL parsers read "010" as octal, so accepting it would
 * let one string name two addresses, a known ACL/SSRF bypass. IPv6 text goes
 * to inet_pton (RFC 4291 §2.2, pure), after we refuse zone ids ("%eth0") and
 * check any embedded dotted quad with the same strict IPv4 rules. */
#include "gk/addr.h"

#include <arpa/inet.h>
#include <sys/socket.h>

enum {
    ADDR_V4_BYTES = 4,
    ADDR_V6_BYTES = 16,
    ADDR_V4_BITS = 32,
    ADDR_V6_BITS = 128,
    ADDR_OCTET_MAX = 255,
    ADDR_OCTET_DIGITS = 3,
    ADDR_PREFIX_DIGITS = 3,
    ADDR_V6_TEXT_MAX = 45, /* longest IPv6 text: 8 groups with embedded IPv4 */
    ADDR_MAPPED_LEN = 12,  /* ::ffff:0:0/96 (RFC 4291 §2.5.5.2) */
};

static const uint8_t addr_v4_mapped[ADDR_MAPPED_LEN] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int addr_is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* Strict decimal: 1..max_digits digits, no leading zero unless the number is 0. */
static enum gk_status addr_decimal(const uint8_t *in, size_t len, size_t max_digits, unsigned max,
                                   unsigned *out)
{
    GK_ENSURE(len >= 1 && len <= max_digits, GK_E_ADDR_SYNTAX);
    GK_ENSURE(!(len > 1 && in[0] == '0'), GK_E_ADDR_SYNTAX);
    unsigned v = 0;
    for (size_t k = 0; k < len; k++) {
        GK_ENSURE(addr_is_digit(in[k]), GK_E_ADDR_SYNTAX);
        v = v * 10 + (unsigned)(in[k] - '0');
    }
    GK_ENSURE(v <= max, GK_E_ADDR_SYNTAX);
    *out = v;
    return GK_OK;
}

static enum gk_status addr_parse_v4(const uint8_t *in, size_t len, uint8_t out[ADDR_V4_BYTES])
{
    size_t pos = 0;
    for (size_t octet = 0; octet < ADDR_V4_BYTES; octet++) {
        size_t end = pos;
        while (end < len && in[end] != '.')
            end++;
        /* Octets 0..2 must end in '.', the last one at the end of input. */
        GK_ENSURE((octet + 1 < ADDR_V4_BYTES) == (end < len), GK_E_ADDR_SYNTAX);
        unsigned v;
        GK_GUARD(addr_decimal(in + pos, end - pos, ADDR_OCTET_DIGITS, ADDR_OCTET_MAX, &v));
        out[octet] = (uint8_t)v;
        pos = end + 1;
    }
    return GK_OK;
}

static enum gk_status addr_parse_v6(const uint8_t *in, size_t len, uint8_t out[ADDR_V6_BYTES])
{
    GK_ENSURE(len <= ADDR_V6_TEXT_MAX, GK_E_ADDR_SYNTAX);
    /* Only hex digits, ':' and '.': no zone id ('%'), no brackets, no NUL. */
    size_t last_colon = 0;
    int has_dot = 0;
    for (size_t k = 0; k < len; k++) {
        uint8_t c = in[k];
        int hex = addr_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        GK_ENSURE(hex || c == ':' || c == '.', GK_E_ADDR_SYNTAX);
        if (c == ':')
            last_colon = k;
        if (c == '.')
            has_dot = 1;
    }
    if (has_dot) {
        /* inet_pton's own dotted-quad rules are libc-specific; apply ours. */
        uint8_t v4[ADDR_V4_BYTES];
        GK_GUARD(addr_parse_v4(in + last_colon + 1, len - last_colon - 1, v4));
    }
    char text[ADDR_V6_TEXT_MAX + 1];
    memcpy(text, in, len);
    text[len] = '\0';
    GK_ENSURE(inet_pton(AF_INET6, text, out) == 1, GK_E_ADDR_SYNTAX);
    return GK_OK;
}

enum gk_status gk_addr_parse(const uint8_t *in, size_t len, struct gk_addr *out)
{
    GK_ENSURE(out != NULL, GK_E_ARG);
    GK_ENSURE(in != NULL && len > 0, GK_E_ADDR_SYNTAX);
    struct gk_addr a = {0};
    if (memchr(in, ':', len) != NULL) {
        GK_GUARD(addr_parse_v6(in, len, a.bytes));
        a.family = 6;
    } else {
        GK_GUARD(addr_parse_v4(in, len, a.bytes));
        a.family = 4;
    }
    *out = a;
    return GK_OK;
}

static unsigned addr_bits(int family)
{
    return family == 4 ? ADDR_V4_BITS : ADDR_V6_BITS;
}

/* 1 if the first `prefix` bits of a and b are equal. */
static int addr_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
    unsigned whole = prefix / 8;
    unsigned rest = prefix % 8;
    if (memcmp(a, b, whole) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

/* 1 if any bit after the first `prefix` bits is set. */
static int addr_host_bits_set(const uint8_t *a, unsigned prefix, unsigned bits)
{
    for (unsigned bit = prefix; bit < bits; bit++) {
        if (a[bit / 8] & (0x80u >> (bit % 8)))
            return 1;
    }
    return 0;
}

enum gk_status gk_cidr_parse(const uint8_t *in, size_t len, struct gk_cidr *out)
{
    GK_ENSURE(out != NULL, GK_E_ARG);
    GK_ENSURE(in != NULL, GK_E_ADDR_SYNTAX);
    const uint8_t *slash = memchr(in, '/', len);
    GK_ENSURE(slash != NULL, GK_E_ADDR_SYNTAX);
    size_t alen = (size_t)(slash - in);
    struct gk_cidr c = {0};
    GK_GUARD(gk_addr_parse(in, alen, &c.net));
    unsigned bits = addr_bits(c.net.family);
    GK_GUARD(addr_decimal(slash + 1, len - alen - 1, ADDR_PREFIX_DIGITS, bits, &c.prefix));
    /* "10.99.1.0/16" is refused rather than masked: the writer meant either
     * 10.99.0.0/16 or 10.99.1.0/24, and guessing would silently widen or
     * narrow an access rule. */
    GK_ENSURE(!addr_host_bits_set(c.net.bytes, c.prefix, bits), GK_E_ADDR_SYNTAX);
    *out = c;
    return GK_OK;
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is the IPv4
 * host it maps: a dual-stack socket reports IPv4 clients that way. */
static struct gk_addr addr_unmap(const struct gk_addr *a)
{
    struct gk_addr r = *a;
    if (a->family == 6 && memcmp(a->bytes, addr_v4_mapped, ADDR_MAPPED_LEN) == 0) {
        memset(&r, 0, sizeof r);
        r.family = 4;
        memcpy(r.bytes, a->bytes + ADDR_MAPPED_LEN, ADDR_V4_BYTES);
    }
    return r;
}

int gk_cidr_contains(const struct gk_cidr *net, const struct gk_addr *a)
{
    if (net == NULL || a == NULL)
        return 0;
    struct gk_addr host = addr_unmap(a);
    struct gk_addr base = net->net;
    unsigned prefix = net->prefix;
    /* A network inside ::ffff:0:0/96 is an IPv4 network. */
    if (base.family == 6 && prefix >= ADDR_MAPPED_LEN * 8 &&
        memcmp(base.bytes, addr_v4_mapped, ADDR_MAPPED_LEN) == 0) {
        base = addr_unmap(&base);
        prefix -= ADDR_MAPPED_LEN * 8;
    }
    if (host.family == 0 || host.family != base.family || prefix > addr_bits(base.family))
        return 0;
    return addr_prefix_eq(host.bytes, base.bytes, prefix);
}

void gk_addr_format(const struct gk_addr *a, char out[GK_ADDR_STR_MAX])
{
    out[0] = '\0';
    if (a == NULL || (a->family != 4 && a->family != 6))
        return;
    int af = a->family == 4 ? AF_INET : AF_INET6;
    if (inet_ntop(af, a->bytes, out, GK_ADDR_STR_MAX) == NULL)
        out[0] = '\0';
}
