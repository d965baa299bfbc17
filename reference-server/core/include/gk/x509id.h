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
#include <openssl/x509.h>
#include "gk/status.h"

#define GK_X509_MAX_IDENTITY 2048
#define GK_X509_MAX_CHAIN 10     /* certificates accepted from the peer */
#define GK_X509_MIN_RSA_BITS 2048

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

/* Is `uri` a SPIFFE ID we accept? spiffe://<trust-domain>/<path>: scheme lower
 * case, trust domain [a-z0-9.-_], path segments [A-Za-z0-9.-_] non-empty and not
 * "." or "..", no query, fragment, port, userinfo or percent-encoding. */
int gk_spiffe_id_valid(const uint8_t *uri, size_t len);

#endif
