/* fuzz_fixture.c: fixed key material and signing helpers of the fuzz targets.
 * Written against OpenSSL directly (not libgkcore), so the targets' independent
 * checks never share code with what they check. */
#include "fuzz_fixture.h"

#include <string.h>

#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fuzz_common.h"
#include "fuzz_keys.h"

#define FZ_ES256_COORD 32
#define FZ_SIG_MAX 1024
#define FZ_SEG_MAX 4096

static struct fz_fixture g_fx;
static int g_fx_loaded;

static EVP_PKEY *fz_load_key(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    FZ_CHECK(k != NULL, "embedded private key loads");
    return k;
}

const struct fz_fixture *fz_fixture_get(void)
{
    if (g_fx_loaded)
        return &g_fx;
    struct fz_fixture *f = &g_fx;
    f->ca_key = fz_load_key(FZ_CLIENT_CA_KEY_PEM);
    f->rogue_key = fz_load_key(FZ_ROGUE_KEY_PEM);
    f->ec1 = fz_load_key(FZ_JWT_EC1_KEY_PEM);
    f->rsa1 = fz_load_key(FZ_JWT_RSA1_KEY_PEM);
    f->attacker = fz_load_key(FZ_ATTACKER_KEY_PEM);
    BIO *b = BIO_new_mem_buf(FZ_CLIENT_CA_PEM, -1);
    f->ca_cert = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    FZ_CHECK(f->ca_cert != NULL, "embedded client CA loads");
    f->trust = X509_STORE_new();
    FZ_CHECK(f->trust != NULL && X509_STORE_add_cert(f->trust, f->ca_cert) == 1, "trust store");
    f->rsa1_pub_pem = (uint8_t *)FZ_JWT_RSA1_PUB_PEM;
    f->rsa1_pub_pem_len = sizeof(FZ_JWT_RSA1_PUB_PEM) - 1;

    f->keys[0] = (struct gk_jwt_key){.kid = (const uint8_t *)"hs-1", .kid_len = 4,
                                     .alg = GK_JWT_HS256,
                                     .secret = (const uint8_t *)FZ_JWT_HS1_SECRET,
                                     .secret_len = sizeof(FZ_JWT_HS1_SECRET) - 1};
    f->keys[1] = (struct gk_jwt_key){.kid = (const uint8_t *)"ec-1", .kid_len = 4,
                                     .alg = GK_JWT_ES256, .pkey = f->ec1};
    f->keys[2] = (struct gk_jwt_key){.kid = (const uint8_t *)"rsa-1", .kid_len = 5,
                                     .alg = GK_JWT_RS256, .pkey = f->rsa1};
    f->jwt_policy.issuer = GK_SPAN_LIT(FZ_ISSUER);
    f->jwt_policy.audience = GK_SPAN_LIT(FZ_AUDIENCE);
    f->jwt_policy.leeway_s = FZ_LEEWAY_S;
    f->jwt_policy.keys = (struct gk_jwt_keyset){f->keys, 3};
    f->x509_policy.trust = f->trust;
    f->x509_policy.max_chain_depth = FZ_MAX_CHAIN_DEPTH;
    g_fx_loaded = 1;
    return f;
}

/* ---- base64url (RFC 4648 §5), written here, not taken from libgkcore ------ */

static const char FZ_B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t fz_b64url_enc(const uint8_t *in, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        size_t n = len - i >= 3 ? 3 : len - i;
        if (n > 1)
            v |= (uint32_t)in[i + 1] << 8;
        if (n > 2)
            v |= in[i + 2];
        if (o + n + 1 >= cap)
            return 0;
        out[o++] = FZ_B64URL[(v >> 18) & 63];
        out[o++] = FZ_B64URL[(v >> 12) & 63];
        if (n > 1)
            out[o++] = FZ_B64URL[(v >> 6) & 63];
        if (n > 2)
            out[o++] = FZ_B64URL[v & 63];
    }
    if (o >= cap)
        return 0;
    out[o] = '\0';
    return o;
}

/* Reverse table, built on first use: -1 outside the alphabet. */
static int fz_b64url_val(uint8_t c)
{
    static signed char rev[256];
    static int built;
    if (!built) {
        memset(rev, -1, sizeof(rev));
        for (int i = 0; i < 64; i++)
            rev[(uint8_t)FZ_B64URL[i]] = (signed char)i;
        built = 1;
    }
    return rev[c];
}

long fz_b64url_dec(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int v = fz_b64url_val(in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (long)o;
}

/* ---- JWS signing ----------------------------------------------------------- */

int fz_es256_raw_to_der(const uint8_t *raw, size_t raw_len, uint8_t **der, size_t *der_len)
{
    if (raw_len != 2 * FZ_ES256_COORD)
        return 0;
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, FZ_ES256_COORD, NULL);
    BIGNUM *sv = BN_bin2bn(raw + FZ_ES256_COORD, FZ_ES256_COORD, NULL);
    if (s == NULL || r == NULL || sv == NULL || ECDSA_SIG_set0(s, r, sv) != 1) {
        BN_free(r);
        BN_free(sv);
        ECDSA_SIG_free(s);
        return 0;
    }
    *der = NULL;
    int n = i2d_ECDSA_SIG(s, der);
    ECDSA_SIG_free(s);
    if (n <= 0)
        return 0;
    *der_len = (size_t)n;
    return 1;
}

static size_t fz_sign_evp(EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t *sig, size_t cap,
                          int raw_ec)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t der[FZ_SIG_MAX];
    size_t n = sizeof(der);
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k) == 1 &&
             EVP_DigestSign(ctx, der, &n, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return 0;
    if (!raw_ec) {
        if (n > cap)
            return 0;
        memcpy(sig, der, n);
        return n;
    }
    /* RFC 7518 §3.4: r || s, each left-padded to 32 octets. */
    const uint8_t *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)n);
    if (s == NULL || cap < 2 * FZ_ES256_COORD) {
        ECDSA_SIG_free(s);
        return 0;
    }
    const BIGNUM *r = NULL, *sv = NULL;
    ECDSA_SIG_get0(s, &r, &sv);
    ok = BN_bn2binpad(r, sig, FZ_ES256_COORD) == FZ_ES256_COORD &&
         BN_bn2binpad(sv, sig + FZ_ES256_COORD, FZ_ES256_COORD) == FZ_ES256_COORD;
    ECDSA_SIG_free(s);
    return ok ? 2 * FZ_ES256_COORD : 0;
}

static size_t fz_hmac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len,
                      uint8_t *sig)
{
    unsigned int n = 0;
    if (HMAC(EVP_sha256(), key, (int)key_len, msg, len, sig, &n) == NULL)
        return 0;
    return n;
}

/* Family letter of a JSON header's alg ("HS256" -> 'H', "ES..." -> 'E', else 'R'). */
static char fz_header_family(const char *header)
{
    const char *a = strstr(header, "\"alg\"");
    const char *q = a ? strchr(a + 5, '"') : NULL;
    if (q == NULL)
        return 'H';
    return q[1] == 'E' ? 'E' : q[1] == 'R' || q[1] == 'P' ? 'R' : 'H';
}

static char fz_kid_family(const char *header)
{
    if (strstr(header, "\"ec-1\""))
        return 'E';
    if (strstr(header, "\"rsa-1\""))
        return 'R';
    return 'H';
}

size_t fz_jwt_sign(const char *header, const char *payload, enum fz_signer signer, char *out,
                   size_t cap)
{
    const struct fz_fixture *f = fz_fixture_get();
    size_t o = fz_b64url_enc((const uint8_t *)header, strlen(header), out, cap);
    if (o == 0 || o + 2 >= cap)
        return 0;
    out[o++] = '.';
    size_t n = fz_b64url_enc((const uint8_t *)payload, strlen(payload), out + o, cap - o);
    if (n == 0 && payload[0] != '\0')
        return 0;
    o += n;
    size_t signed_len = o;
    if (o + 2 >= cap)
        return 0;
    out[o++] = '.';
    uint8_t sig[FZ_SIG_MAX];
    size_t sig_len = 0;
    char fam = signer == FZ_SIGN_KID_KEY ? fz_kid_family(header) : fz_header_family(header);
    switch (signer) {
    case FZ_SIGN_KID_KEY:
    case FZ_SIGN_AS_HEADER:
        if (fam == 'E')
            sig_len = fz_sign_evp(f->ec1, (const uint8_t *)out, signed_len, sig, sizeof(sig), 1);
        else if (fam == 'R')
            sig_len = fz_sign_evp(f->rsa1, (const uint8_t *)out, signed_len, sig, sizeof(sig), 0);
        else
            sig_len = fz_hmac((const uint8_t *)FZ_JWT_HS1_SECRET, sizeof(FZ_JWT_HS1_SECRET) - 1,
                              (const uint8_t *)out, signed_len, sig);
        break;
    case FZ_SIGN_CONFUSION:
        sig_len = fz_hmac(f->rsa1_pub_pem, f->rsa1_pub_pem_len, (const uint8_t *)out, signed_len,
                          sig);
        break;
    case FZ_SIGN_ATTACKER:
        sig_len = fz_sign_evp(f->attacker, (const uint8_t *)out, signed_len, sig, sizeof(sig), 1);
        break;
    case FZ_SIGN_EMPTY:
    case FZ_SIGN_COUNT:
        break;
    }
    if (sig_len == 0 && signer != FZ_SIGN_EMPTY && signer != FZ_SIGN_COUNT)
        return 0;
    n = sig_len ? fz_b64url_enc(sig, sig_len, out + o, cap - o) : 0;
    if (sig_len && n == 0)
        return 0;
    o += n;
    if (o >= cap)
        return 0;
    out[o] = '\0';
    return o;
}

/* ---- certificates ------------------------------------------------------------ */

static int fz_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = e != NULL && X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    return ok;
}

size_t fz_leaf_der(const struct fz_leaf_spec *spec, uint8_t *out, size_t cap)
{
    const struct fz_fixture *f = fz_fixture_get();
    static const char *const ekus[] = {NULL, "clientAuth", "serverAuth", "clientAuth,serverAuth",
                                       "anyExtendedKeyUsage"};
    static const char *const bcs[] = {NULL, "critical,CA:FALSE", "critical,CA:TRUE"};
    X509 *x = X509_new();
    size_t ret = 0;
    if (x == NULL)
        return 0;
    X509_NAME *name = X509_NAME_new();
    char san[2 * FZ_SEG_MAX];
    int ok = name != NULL && X509_set_version(x, 2) == 1 &&
             ASN1_INTEGER_set(X509_get_serialNumber(x), 4242) == 1 &&
             X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                        (const unsigned char *)(spec->cn ? spec->cn : "leaf"),
                                        -1, -1, 0) == 1 &&
             X509_set_subject_name(x, name) == 1 &&
             X509_set_issuer_name(x, X509_get_subject_name(f->ca_cert)) == 1 &&
             ASN1_TIME_set(X509_getm_notBefore(x), (time_t)spec->not_before) != NULL &&
             ASN1_TIME_set(X509_getm_notAfter(x), (time_t)spec->not_after) != NULL &&
             X509_set_pubkey(x, f->ec1) == 1;
    if (ok && spec->ca)
        ok = fz_add_ext(x, f->ca_cert, NID_basic_constraints, bcs[spec->ca % 3]);
    if (ok && spec->eku)
        ok = fz_add_ext(x, f->ca_cert, NID_ext_key_usage, ekus[spec->eku % 5]);
    if (ok) {
        int n = 0;
        if (spec->uri1)
            n += snprintf(san + n, sizeof(san) - (size_t)n, "URI:%s", spec->uri1);
        if (spec->uri2 && n < (int)sizeof(san))
            n += snprintf(san + n, sizeof(san) - (size_t)n, "%sURI:%s", n ? "," : "", spec->uri2);
        if (spec->dns && n < (int)sizeof(san))
            n += snprintf(san + n, sizeof(san) - (size_t)n, "%sDNS:%s", n ? "," : "", spec->dns);
        if (n > 0 && n < (int)sizeof(san))
            ok = fz_add_ext(x, f->ca_cert, NID_subject_alt_name, san);
    }
    if (ok)
        ok = fz_add_ext(x, f->ca_cert, NID_authority_key_identifier, "keyid:always");
    if (ok && spec->unknown_critical) {
        /* An extension nobody understands, marked critical (RFC 5280 §4.2). */
        ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55555.1", 1);
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        static const uint8_t null_der[] = {0x05, 0x00};
        X509_EXTENSION *e = NULL;
        ok = obj && os && ASN1_OCTET_STRING_set(os, null_der, sizeof(null_der)) == 1 &&
             (e = X509_EXTENSION_create_by_OBJ(NULL, obj, 1, os)) != NULL &&
             X509_add_ext(x, e, -1) == 1;
        X509_EXTENSION_free(e);
        ASN1_OCTET_STRING_free(os);
        ASN1_OBJECT_free(obj);
    }
    if (ok)
        ok = X509_sign(x, spec->rogue ? f->rogue_key : f->ca_key, EVP_sha256()) > 0;
    if (ok) {
        int n = i2d_X509(x, NULL);
        if (n > 0 && (size_t)n <= cap) {
            uint8_t *p = out;
            ret = i2d_X509(x, &p) == n ? (size_t)n : 0;
        }
    }
    X509_NAME_free(name);
    X509_free(x);
    return ret;
}
