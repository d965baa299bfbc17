/* harness/jose.h: the harness's own JWS signer (independent of libgkcore's
 * verifier: a bug shared by the judge and the judged is invisible). Makes
 * well-formed tokens and, on purpose, malformed ones. */
#ifndef GC_JOSE_H
#define GC_JOSE_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <openssl/evp.h>

/* Sign header_json.payload_json (raw JSON, base64url-encoded here) with `alg`
 * ("HS256".."HS512", "RS256".."RS512", "PS256".."PS512", "ES256", "ES384",
 * "EdDSA", or "none" which appends an empty signature). HS* use secret;
 * others use key. ECDSA signatures are emitted raw r||s. out receives a
 * NUL-terminated compact token. Returns 0, or -1 if the key does not fit the
 * alg or out is too small. The header's own "alg" member is whatever the
 * caller wrote: this function never rewrites it (confusion cases need that). */
int gc_jws_sign(const char *header_json, const char *payload_json, const char *alg,
                EVP_PKEY *key, const uint8_t *secret, size_t secret_len, char *out,
                size_t out_cap);

/* base64url without padding (RFC 7515 §2). Returns chars written (NUL added) or -1. */
int gc_b64url_encode(const uint8_t *in, size_t len, char *out, size_t out_cap);

/* Strict base64url decode (no padding, url alphabet, zero spare bits). Returns
 * bytes written or -1. Independent of libgkcore's decoder. */
int gc_b64url_decode(const char *in, size_t len, uint8_t *out, size_t out_cap);

/* A public JWK (RFC 7517/7518 §6) as a verification key: kty "RSA" (n, e),
 * "EC" (crv P-256/P-384/P-521, x, y), "OKP" (crv Ed25519/Ed448, x) → *pkey
 * (caller frees); kty "oct" (k) → secret (*pkey = NULL). Private members are
 * ignored. Returns 0, or -1 for anything missing, malformed or unsupported. */
int gc_jwk_load(const json_t *jwk, EVP_PKEY **pkey, uint8_t *secret, size_t secret_cap,
                size_t *secret_len);

#endif
