/* gk/addr.h: IPv4/IPv6 addresses and CIDR networks, parsed from bytes.
 *
 * Strict by design (all failures are GK_E_ADDR_SYNTAX):
 * - IPv4 is exactly four decimal octets 0..255 with no leading zeros
 *   ("010.0.0.1" is refused: inet_aton reads it as octal, so one string would
 *   name two hosts, a known ACL/SSRF bypass), no shorthand ("10.1"), no hex.
 * - IPv6 is RFC 4291 §2.2 text (inet_pton); no zone id ("fe80::1%eth0"), no
 *   brackets; an embedded dotted quad obeys the IPv4 rules above.
 * - gk_addr_parse keeps an IPv4-mapped address (::ffff:a.b.c.d) as family 6;
 *   gk_cidr_contains treats it as the IPv4 address a.b.c.d, and treats a
 *   network inside ::ffff:0:0/96 as the IPv4 network it maps. Other IPv6
 *   networks (even ::/0) never contain an IPv4 address.
 * - CIDR is "address/prefix", prefix required, decimal without leading zeros,
 *   0..32 or 0..128. Host bits must be zero: "10.99.1.0/16" is refused rather
 *   than masked, because the writer meant either 10.99.0.0/16 or
 *   10.99.1.0/24 and guessing would silently change an access rule.
 * - gk_addr_format writes "" for family 0 or an unknown family. */
#ifndef GK_ADDR_H
#define GK_ADDR_H
#include "gk/span.h"
#include "gk/status.h"

#define GK_ADDR_STR_MAX 48 /* enough for any textual IPv6 + NUL */

struct gk_addr {
    int family;        /* 4 or 6; 0 = none */
    uint8_t bytes[16]; /* network order; IPv4 in the first 4 */
};

struct gk_cidr {
    struct gk_addr net;
    unsigned prefix; /* 0..32 or 0..128 */
};

GK_MUST_CHECK enum gk_status gk_addr_parse(const uint8_t *in, size_t len, struct gk_addr *out);
GK_MUST_CHECK enum gk_status gk_cidr_parse(const uint8_t *in, size_t len, struct gk_cidr *out);
int gk_cidr_contains(const struct gk_cidr *net, const struct gk_addr *a);
/* Canonical text (inet_ntop form), NUL-terminated; out needs GK_ADDR_STR_MAX. */
void gk_addr_format(const struct gk_addr *a, char out[GK_ADDR_STR_MAX]);

#endif
