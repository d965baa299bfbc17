/* gk/jwt.h: JWS compact (RFC 7515 §7.1) and JWT claims (RFC 7519), per the
 * gatecrash target contract:
 *  - exactly three base64url segments (strict, gk/b64url.h); JSON serialization refused;
 *  - the key is chosen by `kid`; the algorithm comes from the key, never the
 *    header; the header's `alg` must equal it (so "none" and HS/RS confusion fail);
 *  - jku, x5u, jwk, x5c are ignored and never fetched; `crit` naming anything is
 *    refused (we understand no extension, RFC 7515 §4.1.11);
 *  - JSON with duplicate member names is refused (RFC 7515 §5.2 step 4 / 7519 §4);
 *  - claims: iss == issuer; aud == audience or an array containing it; exp
 *    required; exp/nbf checked against caller's `now` with leeway; sub is the
 *    identity; roles, if present, an array of strings.
 * ECDSA signatures are raw r||s (RFC 7518 §3.4) of the exact length; r or s of
 * zero or >= n is refused before OpenSSL sees it. Uses OpenSSL EVP and jansson;
 * no I/O, no clock. */
#ifndef GK_JWT_H
#define GK_JWT_H
#include <openssl/evp.h>
#include "gk/span.h"
#include "gk/status.h"

#define GK_JWT_MAX_TOKEN 8192     /* bytes of the whole compact token */
#define GK_JWT_MAX_KID 128
#define GK_JWT_MAX_SUB 1024
#define GK_JWT_MAX_ROLES 16
#define GK_JWT_MAX_ROLE 64
#define GK_JWT_MAX_KEYS 32
#define GK_JWT_MAX_LEEWAY 86400 /* seconds; a policy asking for more is refused (GK_E_ARG) */

enum gk_jwt_alg {
    GK_JWT_ALG_NONE_ = 0, /* never valid; placeholder for "unset" */
    GK_JWT_HS256, GK_JWT_HS384, GK_JWT_HS512,
    GK_JWT_RS256, GK_JWT_RS384, GK_JWT_RS512,
    GK_JWT_PS256, GK_JWT_PS384, GK_JWT_PS512,
    GK_JWT_ES256, GK_JWT_ES384,
    GK_JWT_EDDSA,
};

/* "HS256" etc. → enum; GK_E_JWT_ALG for anything else (including "none"). */
GK_MUST_CHECK enum gk_status gk_jwt_alg_parse(const uint8_t *s, size_t len, enum gk_jwt_alg *out);
const char *gk_jwt_alg_name(enum gk_jwt_alg alg);

struct gk_jwt_key {
    const uint8_t *kid;  /* not NUL-terminated */
    size_t kid_len;
    enum gk_jwt_alg alg;
    EVP_PKEY *pkey;          /* public key for RS/PS/ES/EdDSA; NULL for HS */
    const uint8_t *secret;   /* HMAC secret for HS*, raw bytes */
    size_t secret_len;
};

struct gk_jwt_keyset {
    const struct gk_jwt_key *keys;
    size_t n_keys;
};

/* Signature layer only: verifies a compact JWS against the keyset and returns
 * the decoded payload into payload_buf. Used for Wycheproof JWS vectors and by
 * gk_jwt_verify. *key_used receives the selected key on success. */
GK_MUST_CHECK enum gk_status gk_jws_verify(const uint8_t *tok, size_t len,
                                           const struct gk_jwt_keyset *keys,
                                           uint8_t *payload_buf, size_t payload_cap,
                                           size_t *payload_len,
                                           const struct gk_jwt_key **key_used);

struct gk_jwt_policy {
    struct gk_span issuer;
    struct gk_span audience;
    int64_t leeway_s;
    struct gk_jwt_keyset keys;
};

struct gk_jwt_claims {
    char sub[GK_JWT_MAX_SUB + 1]; /* NUL-terminated copy; no NUL inside (refused) */
    size_t sub_len;
    char roles[GK_JWT_MAX_ROLES][GK_JWT_MAX_ROLE + 1];
    size_t n_roles;
    int64_t exp, nbf, iat; /* nbf/iat 0 when absent */
    enum gk_jwt_alg alg;   /* the key's algorithm that verified it */
    char kid[GK_JWT_MAX_KID + 1];
};

/* Full check: JWS + claims at `now` (seconds since the epoch, caller-supplied). */
GK_MUST_CHECK enum gk_status gk_jwt_verify(const uint8_t *tok, size_t len,
                                           const struct gk_jwt_policy *pol, int64_t now,
                                           struct gk_jwt_claims *out);

/* Extract the token from an Authorization header value: "Bearer " (scheme
 * case-insensitive, RFC 9110 §11.1) followed by token68. */
GK_MUST_CHECK enum gk_status gk_jwt_from_authorization(struct gk_span value, struct gk_span *token);

#endif
