/* harness/build_internal.h: what material.c, token.c and request.c share.
 * Not part of the public API (build.h). */
#ifndef GC_BUILD_INTERNAL_H
#define GC_BUILD_INTERNAL_H
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "build.h"

#define GC_MAT_MAX_STR 256        /* issuer, audience */
#define GC_MAT_HMAC_MAX 256       /* bytes of the fixture HMAC secret we accept */
#define GC_MAT_ATTACKER_HS_LEN 32 /* the attacker's own HMAC secret */
#define GC_MAT_JWK_MAX 256        /* {"kty":"EC","crv":"P-256","x":"..","y":".."} */
#define GC_MAT_N_SECRETS 5        /* hs hex, hs base64url, three PEM markers */
#define GC_MAT_SECRET_HS_HEX 0    /* index of the HMAC secret as lowercase hex */

/* One client credential: leaf, the intermediates sent after it, its key. */
struct gc_cred {
    X509 *leaf;             /* NULL only for GC_CERT_NONE */
    STACK_OF(X509) * chain; /* intermediates (leaf excluded), may be empty */
    EVP_PKEY *key;
    struct gc_client *client; /* lazily built (gc_material_client), under lock */
};

struct gc_material {
    char dir[PATH_MAX];        /* realpath of DIR */
    char target_dir[PATH_MAX]; /* realpath of DIR/target */
    char server_ca[PATH_MAX];  /* DIR/target/tls/server-ca.pem */
    char helper[PATH_MAX];
    char issuer[GC_MAT_MAX_STR];
    char audience[GC_MAT_MAX_STR];
    int64_t leeway_s;
    int64_t max_chain_depth;

    struct gc_cred cred[GC_CERT_COUNT];
    pthread_mutex_t lock;

    /* JWT signing keys (harness/jwt/<kid>.key.pem) and the HMAC secret. */
    EVP_PKEY *jwt_rsa, *jwt_ec, *jwt_ed;
    uint8_t hs[GC_MAT_HMAC_MAX];
    size_t hs_len;
    /* Key-confusion material: the exact bytes of the public key files. */
    uint8_t *rsa_pub_pem, *rsa_pub_der, *ec_pub_pem;
    size_t rsa_pub_pem_len, rsa_pub_der_len, ec_pub_pem_len;

    /* Attacker keys: fixture attacker EC/RSA, plus keys made at load time. */
    EVP_PKEY *att_rsa, *att_ec, *att_ec384, *att_ed;
    uint8_t att_hs[GC_MAT_ATTACKER_HS_LEN];
    char attacker_jwk[GC_MAT_JWK_MAX]; /* att_ec's public JWK (RFC 7518 §6.2.1) */

    struct gc_canary *canaries;
    size_t n_canaries;

    char *secrets[GC_MAT_N_SECRETS];
    const char *secret_view[GC_MAT_N_SECRETS];
    const char *secret_labels[GC_MAT_N_SECRETS];

    char exec_marker[PATH_MAX]; /* ${EXEC_MARKER} (gc_material_set_exec_marker); "" = unset */
};

#define GC_PLACEHOLDER_NUM_MAX 24 /* a decimal int64 and its NUL */

/* token.c: the value of token placeholder ${name} (see case.h), or NULL with
 * *why. num receives numeric values. */
const char *gc__placeholder(const struct gc_material *m, const char *name, size_t name_len,
                            int64_t now, const char *ssrf_url, char num[GC_PLACEHOLDER_NUM_MAX],
                            const char **why);

#endif
