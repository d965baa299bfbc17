/* fuzz_forwarded: gk_fwd_decide, and through it gk_xfcc_client_uri,
 * gk_forwarded_parse, gk_xff_parse, gk_addr_parse
 * (reference-server/core/src/forwarded.c, addr.c).
 *
 * Input: byte 0 = flags (bits 1-2 / 3-4: number of XFF / Forwarded fields, 0
 * meaning "1 if the value is non-empty"; bit 0 unused); byte 1 =
 * peer address selector (bit 7: IPv6); then "xfcc\nxff\nforwarded".
 *
 * Properties besides "no crash":
 *  - untrusted peer: GK_OK, never identity_set, client_addr == peer_addr,
 *    whatever the headers (every input is decided both as untrusted and as
 *    trusted, so every input also exercises the parsers);
 *  - trusted peer, GK_OK: identity_set iff XFCC is non-empty, and then the
 *    identity equals gk_xfcc_client_uri of that XFCC; client_addr is the
 *    right-most hop of Forwarded if present, else of XFF if present, else
 *    peer_addr, and is always a real IPv4/IPv6 address;
 *  - trusted peer, error: no identity is left behind;
 *  - the decided client_addr survives gk_addr_format -> gk_addr_parse unchanged
 *    (canonical text), and gk_cidr_contains(10.99.0.0/16, it) equals a mask
 *    test written here (IPv4-mapped IPv6 counts as its IPv4 address). */
#include "fuzz_common.h"
#include "gk/forwarded.h"

#define FZ_FWD_MAX_FIELDS 3

FZ_NO_COVERAGE static int fz_addr_eq(const struct gk_addr *a, const struct gk_addr *b)
{
    size_t n = a->family == 4 ? 4 : 16;
    return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

static size_t fz_nfields(unsigned bits, size_t len)
{
    return bits == 0 ? (len > 0) : bits;
}

FZ_NO_COVERAGE static void fz_check_trusted(const struct gk_fwd_input *in, enum gk_status st,
                             const struct gk_fwd_result *r)
{
    static uint8_t uri[GK_FWD_MAX_IDENTITY];
    struct gk_addr hops[GK_FWD_MAX_HOPS];
    size_t uri_len = 0, n = 0;
    if (st != GK_OK) {
        FZ_CHECK(!r->identity_set, "no identity left behind on error");
        return;
    }
    FZ_CHECK(r->identity_set == (in->xfcc.len > 0), "identity iff XFCC present");
    if (r->identity_set) {
        FZ_CHECK(r->identity_len > 0 && r->identity_len <= GK_FWD_MAX_IDENTITY, "identity length");
        FZ_CHECK(gk_xfcc_client_uri(in->xfcc.p, in->xfcc.len, uri, sizeof(uri), &uri_len) == GK_OK,
                 "accepted XFCC parses alone");
        FZ_CHECK(uri_len == r->identity_len && memcmp(uri, r->identity, uri_len) == 0,
                 "identity is the right-most URI= of XFCC");
    }
    FZ_CHECK(r->client_addr.family == 4 || r->client_addr.family == 6, "client_addr is an address");
    if (in->forwarded.len > 0 || in->n_forwarded_fields > 0) {
        FZ_CHECK(gk_forwarded_parse(in->forwarded.p, in->forwarded.len, hops, GK_FWD_MAX_HOPS,
                                    &n) == GK_OK && n > 0,
                 "accepted Forwarded parses alone");
        FZ_CHECK(fz_addr_eq(&hops[n - 1], &r->client_addr), "client_addr = right-most for=");
    } else if (in->xff.len > 0 || in->n_xff_fields > 0) {
        FZ_CHECK(gk_xff_parse(in->xff.p, in->xff.len, hops, GK_FWD_MAX_HOPS, &n) == GK_OK &&
                     n > 0,
                 "accepted XFF parses alone");
        FZ_CHECK(fz_addr_eq(&hops[n - 1], &r->client_addr), "client_addr = right-most XFF");
    } else {
        FZ_CHECK(fz_addr_eq(&r->client_addr, &in->peer_addr), "no header: client_addr = peer");
    }
}

FZ_NO_COVERAGE static int fz_in_10_99(const struct gk_addr *a)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a->family == 4)
        return a->bytes[0] == 10 && a->bytes[1] == 99;
    return a->family == 6 && memcmp(a->bytes, mapped, sizeof(mapped)) == 0 && a->bytes[12] == 10 &&
           a->bytes[13] == 99;
}

static void fz_check_addr(const struct gk_addr *a)
{
    static struct gk_cidr net;
    static int net_ok;
    char text[GK_ADDR_STR_MAX];
    struct gk_addr back;
    if (!net_ok) {
        FZ_CHECK(gk_cidr_parse((const uint8_t *)"10.99.0.0/16", 12, &net) == GK_OK, "CIDR parses");
        net_ok = 1;
    }
    gk_addr_format(a, text);
    FZ_CHECK(gk_addr_parse((const uint8_t *)text, strlen(text), &back) == GK_OK,
             "formatted address parses");
    FZ_CHECK(fz_addr_eq(&back, a), "format -> parse round trip");
    FZ_CHECK(gk_cidr_contains(&net, a) == fz_in_10_99(a), "10.99.0.0/16 membership");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gk_fwd_result res;
    struct fz_in in = {data, size};
    uint8_t flags = fz_take_byte(&in);
    uint8_t peer = fz_take_byte(&in);
    const uint8_t *xfcc, *xff, *fwd;
    size_t xfcc_len = fz_take_until(&in, '\n', &xfcc);
    size_t xff_len = fz_take_until(&in, '\n', &xff);
    size_t fwd_len = fz_take_until(&in, '\n', &fwd);
    uint8_t *c_xfcc = fz_dup(xfcc, xfcc_len), *c_xff = fz_dup(xff, xff_len),
            *c_fwd = fz_dup(fwd, fwd_len);

    struct gk_fwd_input fi = {0};
    fi.peer_addr.family = (peer & 0x80) ? 6 : 4;
    if (fi.peer_addr.family == 4) {
        static const uint8_t v4[4] = {192, 0, 2, 0};
        memcpy(fi.peer_addr.bytes, v4, sizeof(v4));
        fi.peer_addr.bytes[3] = peer;
    } else {
        static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
        memcpy(fi.peer_addr.bytes, v6, sizeof(v6));
        fi.peer_addr.bytes[15] = peer;
    }
    fi.xfcc = gk_span_make(c_xfcc, xfcc_len);
    fi.xff = gk_span_make(c_xff, xff_len);
    fi.forwarded = gk_span_make(c_fwd, fwd_len);
    fi.n_xff_fields = fz_nfields((flags >> 1) & FZ_FWD_MAX_FIELDS, xff_len);
    fi.n_forwarded_fields = fz_nfields((flags >> 3) & FZ_FWD_MAX_FIELDS, fwd_len);

    /* Untrusted: headers change nothing. */
    fi.peer_is_trusted_proxy = 0;
    memset(&res, 0xA5, sizeof(res));
    FZ_CHECK(gk_fwd_decide(&fi, &res) == GK_OK, "untrusted peer: always GK_OK");
    FZ_CHECK(res.identity_set == 0, "untrusted peer: never an identity");
    FZ_CHECK(fz_addr_eq(&res.client_addr, &fi.peer_addr), "untrusted peer: client_addr = peer");

    /* The same headers from the trusted proxy: where parsing happens. */
    fi.peer_is_trusted_proxy = 1;
    memset(&res, 0xA5, sizeof(res));
    enum gk_status st = gk_fwd_decide(&fi, &res);
    fz_check_trusted(&fi, st, &res);
    if (st == GK_OK)
        fz_check_addr(&res.client_addr);
    free(c_xfcc);
    free(c_xff);
    free(c_fwd);
    return 0;
}
