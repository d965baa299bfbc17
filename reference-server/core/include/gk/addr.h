/* gk/addr.h: IPv4/IPv6 addresses and CIDR networks, parsed from bytes. */
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
