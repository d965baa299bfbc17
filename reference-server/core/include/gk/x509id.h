/* gk/x509id.h: client-certificate identity (RFC 5280 path validation via
 * OpenSSL's X509_STORE with X509_V_FLAG_X509_STRICT).
 *
 * Accepts a leaf and its untrusted intermediates as sent by the peer and decides:
 * chains to the client CA within max_chain_depth, EKU clientAuth present on the
 * leaf (required, not "if present"), leaf is not a CA, inside its validity at the
 * caller's `now`, no unknown critical extension, acceptable key and signature
 * algorithm, and exactly one URI SAN that is a well-formed SPIFFE ID: that URI
 * is the identity. The subject CN is never consulted. */
#ifndef GK_X509ID_H
#define GK_X509ID_H
#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>
#include "gk/status.h"

#define GK_X509_MAX_IDENTITY 2048
#define GK_X509_MAX_CHAIN 10     /* certificates accepted from the peer */
#define GK_X509_MIN_RSA_BITS 2048
#define GK_SPIFFE_MAX_TRUST_DOMAIN 255 /* SPIFFE-ID §2.1 */

struct gk_x509id_policy {
    X509_STORE *trust;      /* holds only client-ca.pem; owned by the caller */
    int max_chain_depth;    /* policy.json max_chain_depth: CAs above the leaf */
};

struct gk_x509id {
    char identity[GK_X509_MAX_IDENTITY + 1]; /* NUL-terminated SPIFFE ID */
    size_t identity_len;
    int openssl_verify_error;                /* X509_V_ERR_* when GK_E_X509_CHAIN etc. */
};

/* leaf may be NULL (→ GK_E_X509_NO_CERT). untrusted may be NULL. */
GK_MUST_CHECK enum gk_status gk_x509id_verify(X509 *leaf, STACK_OF(X509) *untrusted,
                                              const struct gk_x509id_policy *pol,
                                              int64_t now, struct gk_x509id *out);

/* Same from DER bytes (leaf first, then intermediates): for fuzz targets and vectors. */
GK_MUST_CHECK enum gk_status gk_x509id_verify_der(const uint8_t *const *ders, const size_t *lens,
                                                  size_t n, const struct gk_x509id_policy *pol,
                                                  int64_t now, struct gk_x509id *out);

/* RFC 5280 §6 path validation only, the part of gk_x509id_verify that the
 * x509-limbo conformance suite exercises directly. Builds and verifies a chain
 * from `leaf` (+ `untrusted`, at most GK_X509_MAX_CHAIN) to an anchor in `trust`
 * at time `now` with X509_V_FLAG_X509_STRICT, then refuses weak algorithms on
 * every certificate of the verified chain (keys: RSA < GK_X509_MIN_RSA_BITS, EC
 * off P-256/P-384/P-521, DSA or any other type but Ed25519/Ed448; signatures:
 * MD2/MD4/MD5/SHA-1, except the anchor's own self-signature, which RFC 5280
 * §6.1.1(d) never relies on).
 * max_chain_depth: CA certificates allowed above the leaf, trust anchor included
 * (1 = leaf issued directly by the anchor); must be >= 1 (else GK_E_ARG).
 * eku_nid: NID_client_auth or NID_server_auth, selects OpenSSL's SSL purpose
 * check (EKU, if present, must allow it; RFC 5280 §4.2.1.12). Presence of an EKU
 * is NOT required here; gk_x509id_verify requires it for the leaf.
 * Status: GK_OK, GK_E_X509_NO_CERT, GK_E_ARG, GK_E_LIMIT, GK_E_NOMEM,
 * GK_E_X509_TIME (expired / not yet valid; OpenSSL counts now == notAfter as
 * expired), GK_E_X509_DEPTH (X509_V_ERR_CERT_CHAIN_TOO_LONG), GK_E_X509_EKU (the
 * leaf fails the SSL purpose), GK_E_X509_WEAK, GK_E_X509_CHAIN (all else,
 * including pathLenConstraint violations).
 * *verify_error (may be NULL) receives the X509_V_ERR_* (X509_V_OK on success or
 * when OpenSSL accepted the chain and a later check refused it). */
GK_MUST_CHECK enum gk_status gk_x509_chain_verify(X509 *leaf, STACK_OF(X509) *untrusted,
                                                  X509_STORE *trust, int max_chain_depth,
                                                  int64_t now, int eku_nid, int *verify_error);

/* Is `uri` a SPIFFE ID we accept? spiffe://<trust-domain>/<path>: scheme lower
 * case, trust domain [a-z0-9.-_], path segments [A-Za-z0-9.-_] non-empty and not
 * "." or "..", no query, fragment, port, userinfo or percent-encoding.
 * At least one path segment (X509-SVID §2: a leaf SVID's SPIFFE ID has a
 * non-root path), no trailing '/', whole ID <= GK_X509_MAX_IDENTITY bytes,
 * trust domain <= GK_SPIFFE_MAX_TRUST_DOMAIN bytes. Returns 1 or 0. */
int gk_spiffe_id_valid(const uint8_t *uri, size_t len);

#endif
