/* jwt.c: JWS compact verification (RFC 7515) and JWT claim checks (RFC 7519)
 * under the gatecrash contract (gk/jwt.h, DESIGN.md "JWT").
 *
 * The key is found by `kid`; its configured algorithm is the only one ever
 * used. The header's `alg` must merely agree with it, so "none" and HS/RS key
 * confusion cannot be expressed. Nothing in the header (jku, x5u, jwk, x5c)
 * ever selects or supplies a key. */
#include "gk/jwt.h"

#include <limits.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "gk/b64url.h"
#include "gk/cursor.h"

/* Largest decoded segment of a token within GK_JWT_MAX_TOKEN. */
#define GK_JWT_MAX_DECODED ((GK_JWT_MAX_TOKEN / 4) * 3 + 2)
#define GK_JWT_MIN_RSA_BITS 2048 /* NIST SP 800-131A; RFC 7518 §3.3 requires >= 2048 */
#define GK_JWT_ES256_COORD 32    /* RFC 7518 §3.4: r and s are 32 octets each */
#define GK_JWT_ES384_COORD 48
#define GK_JWT_ED25519_SIG 64 /* RFC 8032 §5.1.6 */
#define GK_JWT_ED448_SIG 114  /* RFC 8032 §5.2.6 */
#define GK_JWT_MAX_TYP 32
#define GK_JWT_MAX_CURVE_NAME 32

/* Group orders n (SEC 2 §2.4.2, §2.5.1), big-endian. r and s must lie in [1, n-1]
 * (FIPS 186-4 §6.4.2 step 1); checked here so no library quirk (CVE-2022-21449,
 * "psychic signatures") can accept r = s = 0. */
static const uint8_t gk_p256_order[GK_JWT_ES256_COORD] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
static const uint8_t gk_p384_order[GK_JWT_ES384_COORD] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
};

enum gk_jwt_family { GK_FAM_HS, GK_FAM_RS, GK_FAM_PS, GK_FAM_ES, GK_FAM_ED };

struct gk_jwt_alg_desc {
    const char *name;     /* RFC 7518 §3.1 "alg" value */
    enum gk_jwt_family family;
    const char *md;       /* digest, NULL for EdDSA (RFC 8037 §3.1 hashes internally) */
    const char *curve;    /* ES: the only curve the key may be on (OpenSSL group name) */
    const uint8_t *order; /* ES: group order */
    size_t coord;         /* ES: octets per coordinate */
};

/* Indexed by enum gk_jwt_alg; entry 0 is the unset placeholder. */
static const struct gk_jwt_alg_desc gk_jwt_algs[] = {
    [GK_JWT_ALG_NONE_] = {NULL, GK_FAM_HS, NULL, NULL, NULL, 0},
    [GK_JWT_HS256] = {"HS256", GK_FAM_HS, "SHA256", NULL, NULL, 0},
    [GK_JWT_HS384] = {"HS384", GK_FAM_HS, "SHA384", NULL, NULL, 0},
    [GK_JWT_HS512] = {"HS512", GK_FAM_HS, "SHA512", NULL, NULL, 0},
    [GK_JWT_RS256] = {"RS256", GK_FAM_RS, "SHA256", NULL, NULL, 0},
    [GK_JWT_RS384] = {"RS384", GK_FAM_RS, "SHA384", NULL, NULL, 0},
    [GK_JWT_RS512] = {"RS512", GK_FAM_RS, "SHA512", NULL, NULL, 0},
    [GK_JWT_PS256] = {"PS256", GK_FAM_PS, "SHA256", NULL, NULL, 0},
    [GK_JWT_PS384] = {"PS384", GK_FAM_PS, "SHA384", NULL, NULL, 0},
    [GK_JWT_PS512] = {"PS512", GK_FAM_PS, "SHA512", NULL, NULL, 0},
    [GK_JWT_ES256] = {"ES256", GK_FAM_ES, "SHA256", "prime256v1", gk_p256_order,
                      GK_JWT_ES256_COORD},
    [GK_JWT_ES384] = {"ES384", GK_FAM_ES, "SHA384", "secp384r1", gk_p384_order,
                      GK_JWT_ES384_COORD},
    [GK_JWT_EDDSA] = {"EdDSA", GK_FAM_ED, NULL, NULL, NULL, 0},
};
#define GK_JWT_N_ALGS (sizeof gk_jwt_algs / sizeof gk_jwt_algs[0])

static const struct gk_jwt_alg_desc *gk_jwt_desc(enum gk_jwt_alg alg)
{
    if ((size_t)alg >= GK_JWT_N_ALGS || gk_jwt_algs[alg].name == NULL)
        return NULL;
    return &gk_jwt_algs[alg];
}

enum gk_status gk_jwt_alg_parse(const uint8_t *s, size_t len, enum gk_jwt_alg *out)
{
    GK_ENSURE(out != NULL && (s != NULL || len == 0), GK_E_ARG);
    /* Case-sensitive (RFC 7515 §4.1.1: "alg" is a case-sensitive string). */
    for (size_t i = 1; i < GK_JWT_N_ALGS; i++) {
        const char *name = gk_jwt_algs[i].name;
        if (strlen(name) == len && memcmp(name, s, len) == 0) {
            *out = (enum gk_jwt_alg)i;
            return GK_OK;
        }
    }
    return GK_E_JWT_ALG;
}

const char *gk_jwt_alg_name(enum gk_jwt_alg alg)
{
    const struct gk_jwt_alg_desc *d = gk_jwt_desc(alg);
    return d ? d->name : "(unset)";
}

/* ---- the key: does it fit its configured algorithm? -------------------- */

static int gk_jwt_ec_curve_is(EVP_PKEY *pkey, const char *want)
{
    char group[GK_JWT_MAX_CURVE_NAME];
    size_t glen = 0;
    if (!EVP_PKEY_is_a(pkey, "EC") ||
        EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &glen) != 1)
        return 0;
    return strcmp(group, want) == 0;
}

/* A key of the wrong kind for its alg is a configuration we refuse to use
 * (GK_E_JWT_ALG) rather than a signature that merely fails. */
static enum gk_status gk_jwt_key_fits(const struct gk_jwt_key *key,
                                      const struct gk_jwt_alg_desc *d)
{
    switch (d->family) {
    case GK_FAM_HS:
        /* An empty HMAC key authenticates nothing (RFC 7518 §3.2 wants >= hash size;
         * we leave the size to the operator but refuse zero). */
        GK_ENSURE(key->pkey == NULL && key->secret != NULL && key->secret_len > 0, GK_E_JWT_ALG);
        return GK_OK;
    case GK_FAM_RS:
    case GK_FAM_PS:
        GK_ENSURE(key->pkey != NULL && EVP_PKEY_is_a(key->pkey, "RSA"), GK_E_JWT_ALG);
        GK_ENSURE(EVP_PKEY_get_bits(key->pkey) >= GK_JWT_MIN_RSA_BITS, GK_E_JWT_ALG);
        return GK_OK;
    case GK_FAM_ES:
        GK_ENSURE(key->pkey != NULL && gk_jwt_ec_curve_is(key->pkey, d->curve), GK_E_JWT_ALG);
        return GK_OK;
    case GK_FAM_ED:
        GK_ENSURE(key->pkey != NULL &&
                      (EVP_PKEY_is_a(key->pkey, "ED25519") || EVP_PKEY_is_a(key->pkey, "ED448")),
                  GK_E_JWT_ALG);
        return GK_OK;
    }
    return GK_E_JWT_ALG;
}

/* ---- signature primitives ------------------------------------------------ */

static enum gk_status gk_jwt_verify_hmac(const struct gk_jwt_key *key,
                                         const struct gk_jwt_alg_desc *d, struct gk_span input,
                                         struct gk_span sig)
{
    const EVP_MD *md = EVP_get_digestbyname(d->md);
    GK_ENSURE(md != NULL, GK_E_INTERNAL);
    GK_ENSURE(sig.len == (size_t)EVP_MD_get_size(md), GK_E_JWT_SIGNATURE);
    GK_ENSURE(key->secret_len <= INT_MAX, GK_E_JWT_ALG);
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(md, key->secret, (int)key->secret_len, input.p, input.len, mac, &mac_len) == NULL) {
        ERR_clear_error();
        return GK_E_INTERNAL;
    }
    /* Constant time: the comparison must not leak how many bytes matched. */
    int same = mac_len == sig.len && CRYPTO_memcmp(mac, sig.p, sig.len) == 0;
    OPENSSL_cleanse(mac, sizeof mac);
    return same ? GK_OK : GK_E_JWT_SIGNATURE;
}

/* Big-endian compare of two equal-length unsigned integers: <0, 0, >0. */
static int gk_jwt_be_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
    return memcmp(a, b, n);
}

static int gk_jwt_be_is_zero(const uint8_t *a, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= a[i];
    return acc == 0;
}

/* Raw r||s (RFC 7518 §3.4) → DER ECDSA-Sig-Value for OpenSSL, after the range
 * check 1 <= r, s < n. Returns the DER length in *der_len. */
static enum gk_status gk_jwt_es_to_der(const struct gk_jwt_alg_desc *d, struct gk_span sig,
                                       uint8_t *der, size_t der_cap, size_t *der_len)
{
    GK_ENSURE(sig.len == 2 * d->coord, GK_E_JWT_SIGNATURE);
    const uint8_t *r = sig.p, *s = sig.p + d->coord;
    GK_ENSURE(!gk_jwt_be_is_zero(r, d->coord) && !gk_jwt_be_is_zero(s, d->coord),
              GK_E_JWT_SIGNATURE);
    GK_ENSURE(gk_jwt_be_cmp(r, d->order, d->coord) < 0 && gk_jwt_be_cmp(s, d->order, d->coord) < 0,
              GK_E_JWT_SIGNATURE);

    enum gk_status st = GK_E_INTERNAL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(r, (int)d->coord, NULL);
    BIGNUM *bs = BN_bin2bn(s, (int)d->coord, NULL);
    if (es == NULL || br == NULL || bs == NULL || ECDSA_SIG_set0(es, br, bs) != 1) {
        BN_free(br);
        BN_free(bs);
        goto out;
    }
    int n = i2d_ECDSA_SIG(es, NULL);
    if (n <= 0 || (size_t)n > der_cap)
        goto out;
    uint8_t *w = der;
    if (i2d_ECDSA_SIG(es, &w) != n)
        goto out;
    *der_len = (size_t)n;
    st = GK_OK;
out:
    ECDSA_SIG_free(es);
    return st;
}

static enum gk_status gk_jwt_verify_pkey(const struct gk_jwt_key *key,
                                         const struct gk_jwt_alg_desc *d, struct gk_span input,
                                         struct gk_span sig)
{
    /* DER of two 48-byte integers is at most 2 + 2 * (2 + 49) = 104 bytes. */
    uint8_t der[2 * (GK_JWT_ES384_COORD + 4) + 8];
    switch (d->family) {
    case GK_FAM_RS:
    case GK_FAM_PS:
        /* RFC 8017 §8.1.2 / §8.2.2 step 1: the signature is exactly k octets. */
        GK_ENSURE(sig.len == (size_t)EVP_PKEY_get_size(key->pkey), GK_E_JWT_SIGNATURE);
        break;
    case GK_FAM_ES: {
        size_t der_len = 0;
        GK_GUARD(gk_jwt_es_to_der(d, sig, der, sizeof der, &der_len));
        sig = gk_span_make(der, der_len);
        break;
    }
    case GK_FAM_ED:
        GK_ENSURE(sig.len == (EVP_PKEY_is_a(key->pkey, "ED448") ? GK_JWT_ED448_SIG
                                                                 : GK_JWT_ED25519_SIG),
                  GK_E_JWT_SIGNATURE);
        break;
    case GK_FAM_HS:
        return GK_E_INTERNAL;
    }

    enum gk_status st = GK_E_JWT_SIGNATURE;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (ctx == NULL) {
        st = GK_E_NOMEM;
        goto out;
    }
    if (EVP_DigestVerifyInit_ex(ctx, &pctx, d->md, NULL, NULL, key->pkey, NULL) != 1) {
        st = GK_E_INTERNAL;
        goto out;
    }
    if (d->family == GK_FAM_RS &&
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        st = GK_E_INTERNAL;
        goto out;
    }
    /* RFC 7518 §3.5: MGF1 with the same hash, salt length = hash length. */
    if (d->family == GK_FAM_PS &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, d->md, NULL) != 1)) {
        st = GK_E_INTERNAL;
        goto out;
    }
    if (EVP_DigestVerify(ctx, sig.p, sig.len, input.p, input.len) == 1)
        st = GK_OK;
out:
    EVP_MD_CTX_free(ctx);
    /* Failed verifications queue errors; never let them pile up per request. */
    ERR_clear_error();
    return st;
}

/* ---- JOSE header ------------------------------------------------------- */

struct gk_jws_header_info {
    int has_typ;
    char typ[GK_JWT_MAX_TYP + 1];
    size_t typ_len;
};

static const struct gk_jwt_key *gk_jwt_find_key(const struct gk_jwt_keyset *keys,
                                                const char *kid, size_t kid_len)
{
    for (size_t i = 0; i < keys->n_keys; i++) {
        const struct gk_jwt_key *k = &keys->keys[i];
        /* Byte-exact: a kid is an opaque string, never a path or a URL. */
        if (k->kid != NULL && k->kid_len == kid_len && memcmp(k->kid, kid, kid_len) == 0)
            return k;
    }
    return NULL;
}

static enum gk_status gk_jws_check_header(json_t *hdr, const struct gk_jwt_keyset *keys,
                                          const struct gk_jwt_key **key_out,
                                          struct gk_jws_header_info *info)
{
    GK_ENSURE(json_is_object(hdr), GK_E_JWT_HEADER);

    json_t *alg = json_object_get(hdr, "alg");
    GK_ENSURE(json_is_string(alg), GK_E_JWT_HEADER);

    /* RFC 7515 §4.1.11: a recipient must reject crit naming an extension it does
     * not understand. We understand none, so crit in any form is refused; this
     * also refuses unencoded payloads ("b64": false, RFC 7797 §6). */
    GK_ENSURE(json_object_get(hdr, "crit") == NULL, GK_E_JWT_CRIT);

    json_t *typ = json_object_get(hdr, "typ");
    if (typ != NULL) {
        GK_ENSURE(json_is_string(typ), GK_E_JWT_TYP);
        size_t tl = json_string_length(typ);
        GK_ENSURE(tl <= GK_JWT_MAX_TYP, GK_E_JWT_TYP);
        memcpy(info->typ, json_string_value(typ), tl);
        info->typ[tl] = '\0';
        info->typ_len = tl;
        info->has_typ = 1;
    }

    json_t *kid = json_object_get(hdr, "kid");
    GK_ENSURE(json_is_string(kid), GK_E_JWT_KID);
    size_t kid_len = json_string_length(kid);
    GK_ENSURE(kid_len > 0 && kid_len <= GK_JWT_MAX_KID, GK_E_JWT_KID);
    const struct gk_jwt_key *key = gk_jwt_find_key(keys, json_string_value(kid), kid_len);
    GK_ENSURE(key != NULL, GK_E_JWT_KID);

    /* The algorithm is the key's. The header must name exactly it
     * (case-sensitive, RFC 7515 §4.1.1): "none", "None", HS256-with-an-RSA-kid
     * all end here. */
    const struct gk_jwt_alg_desc *d = gk_jwt_desc(key->alg);
    GK_ENSURE(d != NULL, GK_E_JWT_ALG);
    size_t name_len = strlen(d->name);
    GK_ENSURE(json_string_length(alg) == name_len &&
                  memcmp(json_string_value(alg), d->name, name_len) == 0,
              GK_E_JWT_ALG);
    GK_GUARD(gk_jwt_key_fits(key, d));
    *key_out = key;
    return GK_OK;
}

/* Loads a JSON text, refusing duplicate member names (RFC 7515 §5.2 step 4,
 * RFC 7519 §4) and any top-level value but an object. */
static enum gk_status gk_jwt_json_object(const uint8_t *p, size_t len, json_t **out)
{
    json_error_t err;
    json_t *j = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &err);
    GK_ENSURE(j != NULL, GK_E_JWT_JSON);
    if (!json_is_object(j)) {
        json_decref(j);
        return GK_E_JWT_JSON;
    }
    *out = j;
    return GK_OK;
}

/* ---- JWS compact ----------------------------------------------------------- */

struct gk_jws_segments {
    struct gk_span header, payload, signature; /* still base64url */
    struct gk_span signing_input;              /* header '.' payload */
};

/* RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(sig). */
static enum gk_status gk_jws_split(const uint8_t *tok, size_t len, struct gk_jws_segments *seg)
{
    GK_ENSURE(len > 0, GK_E_JWT_FORM);
    /* The JSON serialization (§7.2) starts with '{'; we take compact only. */
    GK_ENSURE(tok[0] != '{', GK_E_JWT_FORM);
    struct gk_cursor c;
    gk_cursor_init(&c, tok, len);
    GK_ENSURE(gk_cursor_until(&c, '.', &seg->header) == GK_OK, GK_E_JWT_FORM);
    GK_ENSURE(gk_cursor_until(&c, '.', &seg->payload) == GK_OK, GK_E_JWT_FORM);
    seg->signature = gk_cursor_rest(&c);
    GK_ENSURE(memchr(seg->signature.p, '.', seg->signature.len) == NULL, GK_E_JWT_FORM);
    seg->signing_input = gk_span_make(tok, seg->header.len + 1 + seg->payload.len);
    GK_ENSURE(seg->header.len > 0, GK_E_JWT_FORM);
    return GK_OK;
}

static enum gk_status gk_jws_verify_impl(const uint8_t *tok, size_t len,
                                         const struct gk_jwt_keyset *keys, uint8_t *payload_buf,
                                         size_t payload_cap, size_t *payload_len,
                                         const struct gk_jwt_key **key_used,
                                         struct gk_jws_header_info *info)
{
    GK_ENSURE((tok != NULL || len == 0) && keys != NULL && payload_len != NULL &&
                  (keys->keys != NULL || keys->n_keys == 0),
              GK_E_ARG);
    GK_ENSURE(len <= GK_JWT_MAX_TOKEN, GK_E_LIMIT);

    struct gk_jws_segments seg;
    GK_GUARD(gk_jws_split(tok, len, &seg));

    /* Every segment must be canonical base64url before anything is trusted. */
    uint8_t hdr_raw[GK_JWT_MAX_DECODED];
    uint8_t sig_raw[GK_JWT_MAX_DECODED];
    size_t hdr_len = 0, sig_len = 0, pl_len = 0;
    GK_GUARD(gk_b64url_decode(seg.header.p, seg.header.len, hdr_raw, sizeof hdr_raw, &hdr_len));
    GK_GUARD(gk_b64url_decode(seg.signature.p, seg.signature.len, sig_raw, sizeof sig_raw,
                              &sig_len));
    GK_GUARD(gk_b64url_decode(seg.payload.p, seg.payload.len, payload_buf, payload_cap, &pl_len));

    json_t *hdr = NULL;
    GK_GUARD(gk_jwt_json_object(hdr_raw, hdr_len, &hdr));
    const struct gk_jwt_key *key = NULL;
    enum gk_status st = gk_jws_check_header(hdr, keys, &key, info);
    json_decref(hdr);
    GK_GUARD(st);

    /* The empty signature of "none" never reaches a primitive. */
    GK_ENSURE(sig_len > 0, GK_E_JWT_SIGNATURE);
    const struct gk_jwt_alg_desc *d = gk_jwt_desc(key->alg);
    struct gk_span sig = gk_span_make(sig_raw, sig_len);
    if (d->family == GK_FAM_HS)
        GK_GUARD(gk_jwt_verify_hmac(key, d, seg.signing_input, sig));
    else
        GK_GUARD(gk_jwt_verify_pkey(key, d, seg.signing_input, sig));

    *payload_len = pl_len;
    if (key_used != NULL)
        *key_used = key;
    return GK_OK;
}

enum gk_status gk_jws_verify(const uint8_t *tok, size_t len, const struct gk_jwt_keyset *keys,
                             uint8_t *payload_buf, size_t payload_cap, size_t *payload_len,
                             const struct gk_jwt_key **key_used)
{
    struct gk_jws_header_info info = {0};
    return gk_jws_verify_impl(tok, len, keys, payload_buf, payload_cap, payload_len, key_used,
                              &info);
}

/* ---- JWT claims -------------------------------------------------------- */

/* a + b without overflow, saturating (b >= 0): a huge exp never wraps negative. */
static int64_t gk_jwt_sat_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* NumericDate (RFC 7519 §2). Decision: JSON integers only. Reals (1.7e9,
 * 1700000000.5) are refused although §2 allows them: every issuer we target
 * emits integers, and a real has rounding and range ambiguities (1e300). */
static enum gk_status gk_jwt_numeric_date(json_t *v, enum gk_status err, int64_t *out)
{
    GK_ENSURE(json_is_integer(v), err);
    *out = (int64_t)json_integer_value(v);
    return GK_OK;
}

static int gk_jwt_string_is(json_t *v, struct gk_span want)
{
    return json_is_string(v) && json_string_length(v) == want.len &&
           (want.len == 0 || memcmp(json_string_value(v), want.p, want.len) == 0);
}

/* RFC 7519 §4.1.3: a string, or an array of strings one of which is ours. An
 * empty array or any non-string element makes the whole claim malformed. */
static enum gk_status gk_jwt_check_aud(json_t *aud, struct gk_span audience)
{
    if (json_is_string(aud))
        return gk_jwt_string_is(aud, audience) ? GK_OK : GK_E_JWT_AUD;
    GK_ENSURE(json_is_array(aud) && json_array_size(aud) > 0, GK_E_JWT_AUD);
    int found = 0;
    size_t i;
    json_t *el;
    json_array_foreach(aud, i, el)
    {
        GK_ENSURE(json_is_string(el), GK_E_JWT_AUD);
        found |= gk_jwt_string_is(el, audience);
    }
    return found ? GK_OK : GK_E_JWT_AUD;
}

/* Bounded string without NUL bytes (a C consumer would truncate at it). */
static int gk_jwt_plain_string(json_t *v, size_t min, size_t max)
{
    if (!json_is_string(v))
        return 0;
    size_t n = json_string_length(v);
    return n >= min && n <= max && memchr(json_string_value(v), '\0', n) == NULL;
}

static enum gk_status gk_jwt_check_roles(json_t *roles)
{
    if (roles == NULL)
        return GK_OK;
    GK_ENSURE(json_is_array(roles) && json_array_size(roles) <= GK_JWT_MAX_ROLES, GK_E_JWT_ROLES);
    size_t i;
    json_t *el;
    json_array_foreach(roles, i, el)
    {
        GK_ENSURE(gk_jwt_plain_string(el, 0, GK_JWT_MAX_ROLE), GK_E_JWT_ROLES);
    }
    return GK_OK;
}

/* RFC 7515 §4.1.9 / RFC 7519 §5.1: typ is a media type, compared
 * case-insensitively, "application/" optional. Decision: absent, "JWT" or
 * "application/jwt" only; anything else ("JOSE", "at+jwt", "") is not a token
 * meant for us. */
static enum gk_status gk_jwt_check_typ(const struct gk_jws_header_info *info)
{
    if (!info->has_typ)
        return GK_OK;
    struct gk_span t = gk_span_make(info->typ, info->typ_len);
    GK_ENSURE(gk_span_eq_nocase(t, GK_SPAN_LIT("JWT")) ||
                  gk_span_eq_nocase(t, GK_SPAN_LIT("application/jwt")),
              GK_E_JWT_TYP);
    return GK_OK;
}

static enum gk_status gk_jwt_check_claims(json_t *c, const struct gk_jwt_policy *pol, int64_t now,
                                          struct gk_jwt_claims *out)
{
    GK_ENSURE(gk_jwt_string_is(json_object_get(c, "iss"), pol->issuer), GK_E_JWT_ISS);

    json_t *aud = json_object_get(c, "aud");
    GK_ENSURE(aud != NULL, GK_E_JWT_AUD);
    GK_GUARD(gk_jwt_check_aud(aud, pol->audience));

    /* exp is required (contract). Expired when now > exp + leeway (RFC 7519 §4.1.4). */
    int64_t exp = 0, nbf = 0, iat = 0;
    json_t *v = json_object_get(c, "exp");
    GK_ENSURE(v != NULL, GK_E_JWT_EXP);
    GK_GUARD(gk_jwt_numeric_date(v, GK_E_JWT_EXP, &exp));
    GK_ENSURE(now <= gk_jwt_sat_add(exp, pol->leeway_s), GK_E_JWT_EXP);

    /* Not yet valid when nbf > now + leeway (RFC 7519 §4.1.5). */
    v = json_object_get(c, "nbf");
    if (v != NULL) {
        GK_GUARD(gk_jwt_numeric_date(v, GK_E_JWT_NBF, &nbf));
        GK_ENSURE(nbf <= gk_jwt_sat_add(now, pol->leeway_s), GK_E_JWT_NBF);
    }

    /* RFC 7519 §4.1.6 imposes no check; decision: a token issued in the future
     * (beyond leeway) is refused, it means a broken or forged issuer clock. */
    v = json_object_get(c, "iat");
    if (v != NULL) {
        GK_GUARD(gk_jwt_numeric_date(v, GK_E_JWT_IAT, &iat));
        GK_ENSURE(iat <= gk_jwt_sat_add(now, pol->leeway_s), GK_E_JWT_IAT);
    }

    json_t *sub = json_object_get(c, "sub");
    GK_ENSURE(gk_jwt_plain_string(sub, 1, GK_JWT_MAX_SUB), GK_E_JWT_SUB);

    json_t *roles = json_object_get(c, "roles");
    GK_GUARD(gk_jwt_check_roles(roles));

    /* All checks passed: fill the result. */
    out->sub_len = json_string_length(sub);
    memcpy(out->sub, json_string_value(sub), out->sub_len);
    out->sub[out->sub_len] = '\0';
    out->n_roles = roles ? json_array_size(roles) : 0;
    for (size_t i = 0; i < out->n_roles; i++) {
        json_t *el = json_array_get(roles, i);
        size_t n = json_string_length(el);
        memcpy(out->roles[i], json_string_value(el), n);
        out->roles[i][n] = '\0';
    }
    out->exp = exp;
    out->nbf = nbf;
    out->iat = iat;
    return GK_OK;
}

enum gk_status gk_jwt_verify(const uint8_t *tok, size_t len, const struct gk_jwt_policy *pol,
                             int64_t now, struct gk_jwt_claims *out)
{
    GK_ENSURE(pol != NULL && out != NULL, GK_E_ARG);
    GK_ENSURE(pol->leeway_s >= 0 && pol->leeway_s <= GK_JWT_MAX_LEEWAY, GK_E_ARG);
    GK_ENSURE(pol->issuer.len > 0 && pol->audience.len > 0, GK_E_ARG);

    uint8_t payload[GK_JWT_MAX_DECODED];
    size_t payload_len = 0;
    const struct gk_jwt_key *key = NULL;
    struct gk_jws_header_info info = {0};
    GK_GUARD(gk_jws_verify_impl(tok, len, &pol->keys, payload, sizeof payload, &payload_len, &key,
                                &info));
    GK_GUARD(gk_jwt_check_typ(&info));
    /* A JWT's payload is a JSON object (RFC 7519 §7.2 step 10); an empty one is not. */
    GK_ENSURE(payload_len > 0, GK_E_JWT_FORM);

    json_t *claims = NULL;
    GK_GUARD(gk_jwt_json_object(payload, payload_len, &claims));
    memset(out, 0, sizeof *out);
    enum gk_status st = gk_jwt_check_claims(claims, pol, now, out);
    json_decref(claims);
    if (st != GK_OK) {
        memset(out, 0, sizeof *out);
        return st;
    }
    out->alg = key->alg;
    /* kid was matched byte-exactly against this key and is <= GK_JWT_MAX_KID. */
    memcpy(out->kid, key->kid, key->kid_len);
    out->kid[key->kid_len] = '\0';
    return GK_OK;
}

/* ---- Authorization header ---------------------------------------------- */

/* token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * (RFC 9110 §11.2). */
static int gk_jwt_is_token68_char(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '+' || ch == '/';
}

enum gk_status gk_jwt_from_authorization(struct gk_span value, struct gk_span *token)
{
    GK_ENSURE(token != NULL && (value.p != NULL || value.len == 0), GK_E_ARG);
    static const char scheme[] = "Bearer";
    const size_t scheme_len = sizeof scheme - 1;
    /* Scheme names are case-insensitive (RFC 9110 §11.1); then exactly one SP
     * (§11.6.2 credentials = auth-scheme [ 1*SP token68 ]; we allow one). */
    GK_ENSURE(value.len > scheme_len + 1, GK_E_JWT_FORM);
    GK_ENSURE(gk_span_eq_nocase(gk_span_make(value.p, scheme_len), GK_SPAN_LIT("Bearer")),
              GK_E_JWT_FORM);
    GK_ENSURE(value.p[scheme_len] == ' ', GK_E_JWT_FORM);

    struct gk_span t = gk_span_make(value.p + scheme_len + 1, value.len - scheme_len - 1);
    size_t i = 0;
    while (i < t.len && gk_jwt_is_token68_char(t.p[i]))
        i++;
    GK_ENSURE(i > 0, GK_E_JWT_FORM);
    while (i < t.len && t.p[i] == '=')
        i++;
    GK_ENSURE(i == t.len, GK_E_JWT_FORM);
    *token = t;
    return GK_OK;
}
