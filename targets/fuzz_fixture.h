/* fuzz_fixture.h: the fixed keys, trust store and signing helpers shared by the
 * jwt and x509id targets, their structure-aware mutators and fuzz_seedgen.
 * Everything is loaded once from the PEM constants of fuzz_keys.h. */
#ifndef GK_FUZZ_FIXTURE_H
#define GK_FUZZ_FIXTURE_H
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gk/jwt.h"
#include "gk/x509id.h"

#define FZ_JWT_MAX 8192 /* bytes of a token the mutator writes (GK_JWT_MAX_TOKEN) */
#define FZ_DER_MAX 8192 /* bytes of one certificate the mutator writes */

struct fz_fixture {
    EVP_PKEY *ca_key, *rogue_key;          /* certificate signers */
    X509 *ca_cert;
    X509_STORE *trust;                     /* holds ca_cert only */
    EVP_PKEY *ec1, *rsa1, *attacker;       /* JWT keys (private) */
    uint8_t *rsa1_pub_pem;                 /* the HS/RS confusion secret */
    size_t rsa1_pub_pem_len;
    struct gk_jwt_key keys[3];             /* hs-1 HS256, ec-1 ES256, rsa-1 RS256 */
    struct gk_jwt_policy jwt_policy;
    struct gk_x509id_policy x509_policy;
};

/* Loads once; aborts if the embedded material does not load. */
const struct fz_fixture *fz_fixture_get(void);

/* base64url without padding; returns the encoded length or 0 if cap is short. */
size_t fz_b64url_enc(const uint8_t *in, size_t len, char *out, size_t cap);
/* Decoder written in the target (independent of gk_b64url_decode); -1 on error. */
long fz_b64url_dec(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

enum fz_signer {
    FZ_SIGN_KID_KEY,      /* the key the header's kid names, with the key's own alg */
    FZ_SIGN_AS_HEADER,    /* the header's alg with the fixture key of that family */
    FZ_SIGN_CONFUSION,    /* HMAC-SHA256 with the RSA public key PEM as secret */
    FZ_SIGN_ATTACKER,     /* ES256 with a key nobody trusts */
    FZ_SIGN_EMPTY,        /* empty signature ("alg":"none" style) */
    FZ_SIGN_COUNT
};

/* Builds "b64(header).b64(payload).b64(sig)" from JSON texts into out (NUL-terminated).
 * Returns the token length or 0 when it does not fit or signing failed. */
size_t fz_jwt_sign(const char *header, const char *payload, enum fz_signer signer, char *out,
                   size_t cap);

/* Raw signature helpers (also used by the target's independent check). */
int fz_es256_raw_to_der(const uint8_t *raw, size_t raw_len, uint8_t **der, size_t *der_len);

/* A leaf template the mutator and the seed generator start from. */
struct fz_leaf_spec {
    const char *uri1, *uri2; /* URI SANs (NULL: absent) */
    const char *dns;         /* a DNS SAN (NULL: absent) */
    int eku;                 /* 0 none, 1 clientAuth, 2 serverAuth, 3 both, 4 anyEKU */
    int ca;                  /* basicConstraints: 0 absent, 1 CA:FALSE, 2 CA:TRUE */
    int64_t not_before, not_after;
    int unknown_critical;    /* add a critical extension nobody understands */
    int rogue;               /* sign with the rogue key instead of the CA key */
    const char *cn;
};
/* DER of a new leaf (fresh P-256 key derived deterministically); returns length or 0. */
size_t fz_leaf_der(const struct fz_leaf_spec *spec, uint8_t *out, size_t cap);

#endif
