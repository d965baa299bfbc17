/* gk/forwarded.h: forwarding headers: RFC 7239 Forwarded, X-Forwarded-For and
 * Envoy's X-Forwarded-Client-Cert (XFCC).
 *
 * The parsers are plain; the decision (gk_fwd_decide) is where trust lives:
 * only when the caller says the TLS peer is a trusted proxy may these headers
 * change the identity or the client address. From any other peer they change
 * nothing (and are not even parsed). */
#ifndef GK_FORWARDED_H
#define GK_FORWARDED_H
#include "gk/addr.h"
#include "gk/span.h"
#include "gk/status.h"

#define GK_FWD_MAX_HOPS 32        /* elements in one XFF / Forwarded / XFCC list */
#define GK_FWD_MAX_HEADER 8192    /* bytes in one such header value */
#define GK_FWD_MAX_IDENTITY 2048  /* bytes of a URI= value after unquoting */
#define GK_FWD_MAX_PAIRS 32       /* parameters in one Forwarded element / keys in one XFCC element */

/* X-Forwarded-For: comma-separated IPs (optionally with port for v4 / [v6]:port).
 * Fills up to `max` addresses, left to right; *n is the number of elements.
 * The whole header is validated first; then more elements than `max` is
 * GK_E_SPACE (never a silent truncation: the right-most hop matters). */
GK_MUST_CHECK enum gk_status gk_xff_parse(const uint8_t *in, size_t len, struct gk_addr *out,
                                          size_t max, size_t *n);
/* RFC 7239 Forwarded: the for= node of each element, left to right ("unknown",
 * obfuscated identifiers and elements without for= become family 0). Same
 * `max` / GK_E_SPACE rule as gk_xff_parse. */
GK_MUST_CHECK enum gk_status gk_forwarded_parse(const uint8_t *in, size_t len,
                                                struct gk_addr *out, size_t max, size_t *n);
/* XFCC: the URI= value of the right-most element (the one the nearest proxy
 * appended), unquoted into out. GK_E_FWD_XFCC_URI if that element has zero or
 * several URI= keys. */
GK_MUST_CHECK enum gk_status gk_xfcc_client_uri(const uint8_t *in, size_t len, uint8_t *out,
                                                size_t out_cap, size_t *out_len);

struct gk_fwd_input {
    int peer_is_trusted_proxy;  /* caller decided from the TLS identity */
    struct gk_addr peer_addr;   /* socket peer */
    struct gk_span xfcc;        /* header values, len 0 if absent */
    struct gk_span xff;
    size_t n_xff_fields;        /* >1 XFF fields → rejected as ambiguous */
    struct gk_span forwarded;
    size_t n_forwarded_fields;
};

struct gk_fwd_result {
    int identity_set;            /* XFCC from a trusted proxy named the client */
    uint8_t identity[GK_FWD_MAX_IDENTITY];
    size_t identity_len;
    struct gk_addr client_addr;  /* peer_addr unless a trusted proxy said otherwise */
};

/* Decide identity and client address. From an untrusted peer: GK_OK, no identity,
 * client_addr = peer_addr, headers ignored. From the trusted proxy: XFCC gives the
 * identity; Forwarded (preferred) or XFF gives the address as the right-most hop;
 * malformed headers → error (the server answers 400). */
GK_MUST_CHECK enum gk_status gk_fwd_decide(const struct gk_fwd_input *in, struct gk_fwd_result *out);

#endif
