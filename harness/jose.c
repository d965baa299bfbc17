/* harness/jose.c: the harness's own JWS compact signer (RFC 7515 §7.1).
 *
 * Written independently of libgkcore's verifier on purpose: it has its own
 * base64url and never calls gk_*. A bug shared by the judge and the judged
 * would be invisible (DESIGN.md, "Oracle independence"). */
#include "jose.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#define GC_JOSE_MAX_SIG 1024  /* bytes: RSA-8192 is 1024 bytes, the largest we produce */
#define GC_JOSE_P256_COORD 32 /* RFC 7518 §3.4: ES256 r and s are 32 octets each */
#define GC_JOSE_P384_COORD 48 /* ES384: 48 octets each */

static const char gc_b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int gc_b64url_encode(const uint8_t *in, size_t len, char *out, size_t out_cap)
{
    size_t need = (len / 3) * 4 + ((len % 3) ? (len % 3) + 1 : 0);
    if (out == NULL || need + 1 > out_cap || need > (size_t)0x7fffffff || (in == NULL && len))
        return -1;
    size_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = gc_b64url_alphabet[(v >> 18) & 63];
        out[o++] = gc_b64url_alphabet[(v >> 12) & 63];
        out[o++] = gc_b64url_alphabet[(v >> 6) & 63];
        out[o++] = gc_b64url_alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = gc_b64url_alphabet[(v >> 18) & 63];
        out[o++] = gc_b64url_alphabet[(v >> 12) & 63];
    } else if (len - i == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = gc_b64url_alphabet[(v >> 18) & 63];
        out[o++] = gc_b64url_alphabet[(v >> 12) & 63];
        out[o++] = gc_b64url_alphabet[(v >> 6) & 63];
    }
    out[o] = '\0';
    return (int)o;
}

enum gc_alg_family { GC_FAM_NONE, GC_FAM_HS, GC_FAM_RS, GC_FAM_PS, GC_FAM_ES, GC_FAM_ED };

struct gc_alg_desc {
    const char *name;
    enum gc_alg_family fam;
    const char *md;     /* digest name, NULL for none / EdDSA */
    const char *curve;  /* ES: required group name */
    size_t coord;       /* ES: octets per coordinate */
};

static const struct gc_alg_desc gc_algs[] = {
    {"none", GC_FAM_NONE, NULL, NULL, 0},
    {"HS256", GC_FAM_HS, "SHA256", NULL, 0},
    {"HS384", GC_FAM_HS, "SHA384", NULL, 0},
    {"HS512", GC_FAM_HS, "SHA512", NULL, 0},
    {"RS256", GC_FAM_RS, "SHA256", NULL, 0},
    {"RS384", GC_FAM_RS, "SHA384", NULL, 0},
    {"RS512", GC_FAM_RS, "SHA512", NULL, 0},
    {"PS256", GC_FAM_PS, "SHA256", NULL, 0},
    {"PS384", GC_FAM_PS, "SHA384", NULL, 0},
    {"PS512", GC_FAM_PS, "SHA512", NULL, 0},
    {"ES256", GC_FAM_ES, "SHA256", "prime256v1", GC_JOSE_P256_COORD},
    {"ES384", GC_FAM_ES, "SHA384", "secp384r1", GC_JOSE_P384_COORD},
    {"EdDSA", GC_FAM_ED, NULL, NULL, 0},
};

static const struct gc_alg_desc *gc_alg_find(const char *alg)
{
    for (size_t i = 0; i < sizeof gc_algs / sizeof gc_algs[0]; i++)
        if (strcmp(gc_algs[i].name, alg) == 0)
            return &gc_algs[i];
    return NULL;
}

/* HMAC over the signing input (RFC 7518 §3.2). */
static int gc_sign_hmac(const struct gc_alg_desc *d, const uint8_t *secret, size_t secret_len,
                        const uint8_t *msg, size_t msg_len, uint8_t *sig, size_t *sig_len)
{
    /* No secret at all means the caller handed the wrong kind of key; an empty
     * secret is a non-NULL pointer with length 0 (a case the harness needs). */
    if (secret == NULL)
        return -1;
    const EVP_MD *md = EVP_get_digestbyname(d->md);
    unsigned int n = 0;
    static const uint8_t empty_key[1] = {0};
    if (md == NULL ||
        HMAC(md, secret_len ? secret : empty_key, (int)secret_len, msg, msg_len, sig, &n) == NULL)
        return -1;
    *sig_len = n;
    return 0;
}

/* Checks that the key type fits the algorithm family (and the curve for ES). */
static int gc_key_fits(const struct gc_alg_desc *d, EVP_PKEY *key)
{
    if (key == NULL)
        return 0;
    switch (d->fam) {
    case GC_FAM_RS:
    case GC_FAM_PS:
        return EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS");
    case GC_FAM_ES: {
        if (!EVP_PKEY_is_a(key, "EC"))
            return 0;
        char group[64];
        size_t glen = 0;
        if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            &glen))
            return 0;
        return strcmp(group, d->curve) == 0;
    }
    case GC_FAM_ED:
        return EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448");
    default:
        return 0;
    }
}

/* DER ECDSA-Sig-Value → fixed-width r||s (RFC 7518 §3.4), each left-padded. */
static int gc_der_to_raw(const uint8_t *der, size_t der_len, size_t coord, uint8_t *raw)
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (es == NULL)
        return -1;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG_get0(es, &r, &s);
    int ok = BN_bn2binpad(r, raw, (int)coord) == (int)coord &&
             BN_bn2binpad(s, raw + coord, (int)coord) == (int)coord;
    ECDSA_SIG_free(es);
    return ok ? 0 : -1;
}

/* Asymmetric signature over the signing input. */
static int gc_sign_pkey(const struct gc_alg_desc *d, EVP_PKEY *key, const uint8_t *msg,
                        size_t msg_len, uint8_t *sig, size_t *sig_len)
{
    if (!gc_key_fits(d, key))
        return -1;
    int rc = -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    uint8_t der[GC_JOSE_MAX_SIG];
    size_t n = 0;
    if (ctx == NULL)
        goto out;
    /* EdDSA takes no separate digest (RFC 8037 §3.1). */
    if (EVP_DigestSignInit_ex(ctx, &pctx, d->md, NULL, NULL, key, NULL) != 1)
        goto out;
    if (d->fam == GC_FAM_PS) {
        /* RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash. */
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, d->md, NULL) != 1)
            goto out;
    } else if (d->fam == GC_FAM_RS) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
            goto out;
    }
    if (EVP_DigestSign(ctx, NULL, &n, msg, msg_len) != 1 || n > sizeof der)
        goto out;
    if (EVP_DigestSign(ctx, der, &n, msg, msg_len) != 1)
        goto out;
    if (d->fam == GC_FAM_ES) {
        if (gc_der_to_raw(der, n, d->coord, sig) != 0)
            goto out;
        *sig_len = 2 * d->coord;
    } else {
        memcpy(sig, der, n);
        *sig_len = n;
    }
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int gc_jws_sign(const char *header_json, const char *payload_json, const char *alg,
                EVP_PKEY *key, const uint8_t *secret, size_t secret_len, char *out,
                size_t out_cap)
{
    if (header_json == NULL || payload_json == NULL || alg == NULL || out == NULL)
        return -1;
    const struct gc_alg_desc *d = gc_alg_find(alg);
    if (d == NULL)
        return -1;

    /* Signing input: BASE64URL(header) '.' BASE64URL(payload) (RFC 7515 §5.1). */
    int h = gc_b64url_encode((const uint8_t *)header_json, strlen(header_json), out, out_cap);
    if (h < 0 || (size_t)h + 1 >= out_cap)
        return -1;
    out[h] = '.';
    int p = gc_b64url_encode((const uint8_t *)payload_json, strlen(payload_json), out + h + 1,
                             out_cap - (size_t)h - 1);
    if (p < 0)
        return -1;
    size_t input_len = (size_t)h + 1 + (size_t)p;
    if (input_len + 1 >= out_cap)
        return -1;

    uint8_t sig[GC_JOSE_MAX_SIG];
    size_t sig_len = 0;
    int rc;
    switch (d->fam) {
    case GC_FAM_NONE:
        rc = 0; /* RFC 7518 §3.6: the empty octet sequence */
        break;
    case GC_FAM_HS:
        rc = gc_sign_hmac(d, secret, secret_len, (const uint8_t *)out, input_len, sig, &sig_len);
        break;
    default:
        rc = gc_sign_pkey(d, key, (const uint8_t *)out, input_len, sig, &sig_len);
        break;
    }
    if (rc != 0)
        return -1;
    out[input_len] = '.';
    int s = gc_b64url_encode(sig, sig_len, out + input_len + 1, out_cap - input_len - 1);
    if (s < 0)
        return -1;
    return 0;
}

/* ---- decoding and JWK import (for conformance vectors and fixtures) ---- */

#define GC_JWK_MAX_FIELD 1024 /* decoded bytes: RSA-8192 modulus */

static int gc_b64url_value(char c)
{
    const char *p = c ? strchr(gc_b64url_alphabet, c) : NULL;
    return p ? (int)(p - gc_b64url_alphabet) : -1;
}

int gc_b64url_decode(const char *in, size_t len, uint8_t *out, size_t out_cap)
{
    if ((in == NULL && len) || len % 4 == 1)
        return -1;
    size_t need = (len / 4) * 3 + (len % 4 ? len % 4 - 1 : 0);
    if (need > out_cap || need > (size_t)0x7fffffff)
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int v = gc_b64url_value(in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* spare bits must be zero (RFC 7515 Appendix C) */
        return -1;
    return (int)o;
}

static int gc_jwk_field(const json_t *jwk, const char *name, uint8_t *out, size_t cap)
{
    const json_t *v = json_object_get(jwk, name);
    if (!json_is_string(v))
        return -1;
    return gc_b64url_decode(json_string_value(v), json_string_length(v), out, cap);
}

static EVP_PKEY *gc_pkey_fromdata(const char *type, OSSL_PARAM *params)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static EVP_PKEY *gc_jwk_rsa(const json_t *jwk)
{
    uint8_t n[GC_JWK_MAX_FIELD], e[GC_JWK_MAX_FIELD];
    int nl = gc_jwk_field(jwk, "n", n, sizeof n), el = gc_jwk_field(jwk, "e", e, sizeof e);
    if (nl <= 0 || el <= 0)
        return NULL;
    BIGNUM *bn = BN_bin2bn(n, nl, NULL), *be = BN_bin2bn(e, el, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY *pkey = NULL;
    if (bn && be && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1 &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != NULL)
        pkey = gc_pkey_fromdata("RSA", params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    return pkey;
}

static EVP_PKEY *gc_jwk_ec(const json_t *jwk)
{
    static const struct {
        const char *crv, *group;
        size_t coord;
    } curves[] = {{"P-256", "prime256v1", 32}, {"P-384", "secp384r1", 48}, {"P-521", "secp521r1", 66}};
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    if (crv == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++) {
        if (strcmp(crv, curves[i].crv) != 0)
            continue;
        /* SEC 1 §2.3.3 uncompressed point: 0x04 || X || Y, each exactly coord octets
         * (RFC 7518 §6.2.1.2). */
        uint8_t pt[1 + 2 * 66];
        size_t c = curves[i].coord;
        pt[0] = 0x04;
        if (gc_jwk_field(jwk, "x", pt + 1, c) != (int)c || gc_jwk_field(jwk, "y", pt + 1 + c, c) != (int)c)
            return NULL;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)curves[i].group, 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + 2 * c),
            OSSL_PARAM_construct_end(),
        };
        return gc_pkey_fromdata("EC", params);
    }
    return NULL;
}

static EVP_PKEY *gc_jwk_okp(const json_t *jwk)
{
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    const char *type = NULL;
    size_t len = 0;
    if (crv && strcmp(crv, "Ed25519") == 0) {
        type = "ED25519";
        len = 32;
    } else if (crv && strcmp(crv, "Ed448") == 0) {
        type = "ED448";
        len = 57;
    } else {
        return NULL;
    }
    uint8_t x[64];
    if (gc_jwk_field(jwk, "x", x, sizeof x) != (int)len)
        return NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, x, len),
        OSSL_PARAM_construct_end(),
    };
    return gc_pkey_fromdata(type, params);
}

int gc_jwk_load(const json_t *jwk, EVP_PKEY **pkey, uint8_t *secret, size_t secret_cap,
                size_t *secret_len)
{
    if (!json_is_object(jwk) || pkey == NULL || secret_len == NULL)
        return -1;
    *pkey = NULL;
    *secret_len = 0;
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    if (kty == NULL)
        return -1;
    if (strcmp(kty, "oct") == 0) {
        int n = gc_jwk_field(jwk, "k", secret, secret_cap);
        if (n < 0 || secret == NULL)
            return -1;
        *secret_len = (size_t)n;
        return 0;
    }
    if (strcmp(kty, "RSA") == 0)
        *pkey = gc_jwk_rsa(jwk);
    else if (strcmp(kty, "EC") == 0)
        *pkey = gc_jwk_ec(jwk);
    else if (strcmp(kty, "OKP") == 0)
        *pkey = gc_jwk_okp(jwk);
    return *pkey ? 0 : -1;
}
