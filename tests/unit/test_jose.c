/* test_jose.c: the harness's JWS signer. Every alg signs, and OpenSSL (not
 * libgkcore) verifies the result, so the signer is checked independently. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "jose.h"

#define TOK_CAP 8192
#define HDR "{\"alg\":\"X\",\"kid\":\"k1\"}"
#define PAY "{\"sub\":\"alice\",\"n\":1}"

static EVP_PKEY *k_rsa, *k_p256, *k_p384, *k_ed25519, *k_ed448;
static const uint8_t secret[] = "0123456789abcdef0123456789abcdef";

static void keys_setup(void)
{
    k_rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    k_p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    k_p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    k_ed25519 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    k_ed448 = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
    ck_assert(k_rsa && k_p256 && k_p384 && k_ed25519 && k_ed448);
}

static void keys_teardown(void)
{
    EVP_PKEY_free(k_rsa);
    EVP_PKEY_free(k_p256);
    EVP_PKEY_free(k_p384);
    EVP_PKEY_free(k_ed25519);
    EVP_PKEY_free(k_ed448);
}

/* Independent base64url decoder for the test (OpenSSL's EVP_DecodeBlock on a
 * translated, padded copy). Returns decoded length or -1. */
static int test_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
    char buf[TOK_CAP + 4];
    if (len + 4 > sizeof buf || len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++)
        buf[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
    size_t pad = (4 - len % 4) % 4;
    for (size_t i = 0; i < pad; i++)
        buf[len + i] = '=';
    size_t tot = len + pad;
    if ((tot / 4) * 3 > cap)
        return -1;
    int n = EVP_DecodeBlock(out, (const unsigned char *)buf, (int)tot);
    return n < 0 ? -1 : n - (int)pad;
}

struct parts {
    const char *input;
    size_t input_len;
    uint8_t sig[1024];
    int sig_len;
};

static void split(const char *tok, struct parts *p)
{
    const char *d1 = strchr(tok, '.');
    ck_assert_ptr_nonnull(d1);
    const char *d2 = strchr(d1 + 1, '.');
    ck_assert_ptr_nonnull(d2);
    ck_assert_ptr_null(strchr(d2 + 1, '.'));
    p->input = tok;
    p->input_len = (size_t)(d2 - tok);
    p->sig_len = test_b64url_decode(d2 + 1, strlen(d2 + 1), p->sig, sizeof p->sig);
    ck_assert_int_ge(p->sig_len, 0);
}

struct sign_case {
    const char *alg;
    EVP_PKEY **key;
    const char *md;
    int pad;         /* RSA padding, 0 if not RSA */
    size_t raw_ec;   /* coordinate length for ES, 0 otherwise */
};

static const struct sign_case sign_cases[] = {
    {"RS256", &k_rsa, "SHA256", RSA_PKCS1_PADDING, 0},
    {"RS384", &k_rsa, "SHA384", RSA_PKCS1_PADDING, 0},
    {"RS512", &k_rsa, "SHA512", RSA_PKCS1_PADDING, 0},
    {"PS256", &k_rsa, "SHA256", RSA_PKCS1_PSS_PADDING, 0},
    {"PS384", &k_rsa, "SHA384", RSA_PKCS1_PSS_PADDING, 0},
    {"PS512", &k_rsa, "SHA512", RSA_PKCS1_PSS_PADDING, 0},
    {"ES256", &k_p256, "SHA256", 0, 32},
    {"ES384", &k_p384, "SHA384", 0, 48},
    {"EdDSA", &k_ed25519, NULL, 0, 0},
    {"EdDSA", &k_ed448, NULL, 0, 0},
};

/* Verifies with OpenSSL directly; ES raw r||s is turned back into DER here. */
static int openssl_verify(const struct sign_case *c, const struct parts *p)
{
    uint8_t der[256];
    const uint8_t *sig = p->sig;
    size_t sig_len = (size_t)p->sig_len;
    if (c->raw_ec) {
        if (sig_len != 2 * c->raw_ec)
            return 0;
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(p->sig, (int)c->raw_ec, NULL);
        BIGNUM *s = BN_bin2bn(p->sig + c->raw_ec, (int)c->raw_ec, NULL);
        ck_assert(es && r && s && ECDSA_SIG_set0(es, r, s) == 1);
        uint8_t *w = der;
        int n = i2d_ECDSA_SIG(es, &w);
        ECDSA_SIG_free(es);
        ck_assert_int_gt(n, 0);
        sig = der;
        sig_len = (size_t)n;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    ck_assert_int_eq(EVP_DigestVerifyInit_ex(ctx, &pctx, c->md, NULL, NULL, *c->key, NULL), 1);
    if (c->pad == RSA_PKCS1_PSS_PADDING) {
        /* A verifier that insists on salt length = digest length (RFC 7518 §3.5). */
        ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
        ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 1);
        ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, c->md, NULL), 1);
    } else if (c->pad) {
        ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx, c->pad), 1);
    }
    int ok = EVP_DigestVerify(ctx, sig, sig_len, (const uint8_t *)p->input, p->input_len);
    EVP_MD_CTX_free(ctx);
    return ok == 1;
}

START_TEST(asymmetric_signatures_verify_with_openssl)
{
    const struct sign_case *c = &sign_cases[_i];
    char tok[TOK_CAP];
    ck_assert_int_eq(gc_jws_sign(HDR, PAY, c->alg, *c->key, NULL, 0, tok, sizeof tok), 0);
    struct parts p;
    split(tok, &p);
    if (c->raw_ec)
        ck_assert_int_eq(p.sig_len, (int)(2 * c->raw_ec));
    ck_assert_msg(openssl_verify(c, &p), "%s did not verify", c->alg);
    /* Flipping one byte of the signing input must break it (the test can fail). */
    char copy[TOK_CAP];
    memcpy(copy, tok, strlen(tok) + 1);
    copy[3] ^= 1;
    struct parts q;
    split(copy, &q);
    ck_assert(!openssl_verify(c, &q));
}
END_TEST

START_TEST(ecdsa_raw_signature_is_fixed_width_across_many_signatures)
{
    /* DER r/s sometimes have a leading zero or are short; raw must always be 64/96. */
    for (int i = 0; i < 64; i++) {
        char tok[TOK_CAP];
        ck_assert_int_eq(gc_jws_sign(HDR, PAY, "ES256", k_p256, NULL, 0, tok, sizeof tok), 0);
        struct parts p;
        split(tok, &p);
        ck_assert_int_eq(p.sig_len, 64);
        ck_assert(openssl_verify(&sign_cases[6], &p));
        ck_assert_int_eq(gc_jws_sign(HDR, PAY, "ES384", k_p384, NULL, 0, tok, sizeof tok), 0);
        split(tok, &p);
        ck_assert_int_eq(p.sig_len, 96);
    }
}
END_TEST

START_TEST(hmac_signatures_recompute)
{
    static const char *algs[] = {"HS256", "HS384", "HS512"};
    static const char *mds[] = {"SHA256", "SHA384", "SHA512"};
    char tok[TOK_CAP];
    ck_assert_int_eq(gc_jws_sign(HDR, PAY, algs[_i], NULL, secret, sizeof secret - 1, tok,
                                 sizeof tok),
                     0);
    struct parts p;
    split(tok, &p);
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    ck_assert_ptr_nonnull(HMAC(EVP_get_digestbyname(mds[_i]), secret, (int)sizeof secret - 1,
                               (const uint8_t *)p.input, p.input_len, mac, &n));
    ck_assert_int_eq(p.sig_len, (int)n);
    ck_assert_int_eq(CRYPTO_memcmp(mac, p.sig, n), 0);
}
END_TEST

START_TEST(none_has_empty_signature_and_exact_encoding)
{
    char tok[TOK_CAP];
    ck_assert_int_eq(gc_jws_sign("{\"alg\":\"none\"}", "{}", "none", NULL, NULL, 0, tok, sizeof tok),
                     0);
    /* {"alg":"none"} and {} in base64url, RFC 7519 §6.1 style, then an empty signature. */
    ck_assert_str_eq(tok, "eyJhbGciOiJub25lIn0.e30.");
}
END_TEST

START_TEST(header_alg_is_never_rewritten)
{
    char tok[TOK_CAP];
    ck_assert_int_eq(gc_jws_sign("{\"alg\":\"RS256\"}", "{}", "HS256", NULL, secret, 4, tok,
                                 sizeof tok),
                     0);
    ck_assert_int_eq(strncmp(tok, "eyJhbGciOiJSUzI1NiJ9.", 21), 0);
}
END_TEST

struct wrong_case {
    const char *alg;
    EVP_PKEY **key;
    int with_secret;
};

static const struct wrong_case wrong_cases[] = {
    {"RS256", &k_p256, 0}, {"PS256", &k_ed25519, 0}, {"ES256", &k_rsa, 0},
    {"ES256", &k_p384, 0}, {"ES384", &k_p256, 0},    {"EdDSA", &k_rsa, 0},
    {"EdDSA", &k_p256, 0}, {"RS256", NULL, 1},       {"HS256", &k_rsa, 0},
    {"HS512", NULL, 0},    {"ES512", &k_p256, 0},    {"hs256", NULL, 1},
    {"", NULL, 1},
};

START_TEST(wrong_key_type_or_unknown_alg_fails)
{
    const struct wrong_case *c = &wrong_cases[_i];
    char tok[TOK_CAP];
    EVP_PKEY *k = c->key ? *c->key : NULL;
    ck_assert_int_eq(gc_jws_sign(HDR, PAY, c->alg, k, c->with_secret ? secret : NULL,
                                 c->with_secret ? 8 : 0, tok, sizeof tok),
                     -1);
}
END_TEST

START_TEST(output_too_small_fails_and_exact_fit_succeeds)
{
    char tok[TOK_CAP];
    ck_assert_int_eq(gc_jws_sign(HDR, PAY, "HS256", NULL, secret, 8, tok, sizeof tok), 0);
    size_t need = strlen(tok) + 1;
    char small[TOK_CAP];
    ck_assert_int_eq(gc_jws_sign(HDR, PAY, "HS256", NULL, secret, 8, small, need), 0);
    ck_assert_str_eq(small, tok);
    for (size_t cap = 0; cap < need; cap++)
        ck_assert_int_eq(gc_jws_sign(HDR, PAY, "HS256", NULL, secret, 8, small, cap), -1);
    ck_assert_int_eq(gc_jws_sign("{\"alg\":\"none\"}", "{}", "none", NULL, NULL, 0, small, 24),
                     -1);
    ck_assert_int_eq(gc_jws_sign("{\"alg\":\"none\"}", "{}", "none", NULL, NULL, 0, small, 25), 0);
}
END_TEST

START_TEST(b64url_encode_vectors)
{
    /* RFC 4648 §10 vectors in the url alphabet without padding. */
    static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *exp[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    char out[16];
    int n = gc_b64url_encode((const uint8_t *)in[_i], strlen(in[_i]), out, sizeof out);
    ck_assert_int_eq(n, (int)strlen(exp[_i]));
    ck_assert_str_eq(out, exp[_i]);
    /* Exactly enough room (with the NUL) works; one less fails. */
    ck_assert_int_eq(gc_b64url_encode((const uint8_t *)in[_i], strlen(in[_i]), out, (size_t)n + 1),
                     n);
    ck_assert_int_eq(gc_b64url_encode((const uint8_t *)in[_i], strlen(in[_i]), out, (size_t)n), -1);
}
END_TEST

START_TEST(b64url_encode_uses_url_alphabet)
{
    static const uint8_t in[] = {0xfb, 0xff, 0xbf};
    char out[8];
    ck_assert_int_eq(gc_b64url_encode(in, 3, out, sizeof out), 4);
    ck_assert_str_eq(out, "-_-_");
}
END_TEST

static Suite *jose_suite(void)
{
    Suite *s = suite_create("jose");
    TCase *tc = tcase_create("sign");
    tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, asymmetric_signatures_verify_with_openssl, 0,
                        (int)(sizeof sign_cases / sizeof sign_cases[0]));
    tcase_add_test(tc, ecdsa_raw_signature_is_fixed_width_across_many_signatures);
    tcase_add_loop_test(tc, hmac_signatures_recompute, 0, 3);
    tcase_add_test(tc, none_has_empty_signature_and_exact_encoding);
    tcase_add_test(tc, header_alg_is_never_rewritten);
    tcase_add_loop_test(tc, wrong_key_type_or_unknown_alg_fails, 0,
                        (int)(sizeof wrong_cases / sizeof wrong_cases[0]));
    tcase_add_test(tc, output_too_small_fails_and_exact_fit_succeeds);
    tcase_add_loop_test(tc, b64url_encode_vectors, 0, 7);
    tcase_add_test(tc, b64url_encode_uses_url_alphabet);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jose_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
