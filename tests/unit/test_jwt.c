/* test_jwt.c: JWS/JWT verification (gk/jwt.h). Keys are generated here with
 * OpenSSL and tokens are made by the harness's independent signer
 * (harness/jose.h), so the verifier is never graded by itself. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gk/b64url.h"
#include "gk/jwt.h"
#include "jose.h"

#define NOW INT64_C(1700000000)
#define LEEWAY 60
#define ISS "https://issuer.gatecrash.test"
#define AUD "gatekeeper"
#define TOK_CAP (GK_JWT_MAX_TOKEN * 2)
#define PEM_CAP 4096

/* ---- fixture: keys and keyset ------------------------------------------- */

static EVP_PKEY *k_rsa, *k_rsa_attacker, *k_rsa1024, *k_p256, *k_p384, *k_ed25519, *k_ed448;
static const uint8_t hs_secret[] = "gatecrash-test-hmac-secret-0123456789abcdef";
static const uint8_t hs_wrong[] = "gatecrash-test-hmac-secret-0123456789abcdeX";
static uint8_t rsa_pub_pem[PEM_CAP], rsa_pub_der[PEM_CAP], ec_pub_pem[PEM_CAP];
static size_t rsa_pub_pem_len, rsa_pub_der_len, ec_pub_pem_len;
static char long_kid[GK_JWT_MAX_KID + 1];

enum { KEYSET_MAX = 24 };
static struct gk_jwt_key keys[KEYSET_MAX];
static size_t n_keys;

static void add_key(const char *kid, enum gk_jwt_alg alg, EVP_PKEY *pkey, const uint8_t *secret,
                    size_t secret_len)
{
    ck_assert_uint_lt(n_keys, KEYSET_MAX);
    keys[n_keys++] = (struct gk_jwt_key){(const uint8_t *)kid, strlen(kid), alg, pkey, secret,
                                         secret_len};
}

static size_t pub_pem(EVP_PKEY *k, uint8_t *out)
{
    BIO *b = BIO_new(BIO_s_mem());
    ck_assert_int_eq(PEM_write_bio_PUBKEY(b, k), 1);
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    ck_assert(n > 0 && n < PEM_CAP);
    memcpy(out, p, (size_t)n);
    BIO_free(b);
    return (size_t)n;
}

static void keys_setup(void)
{
    k_rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    k_rsa_attacker = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    k_rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    k_p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    k_p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    k_ed25519 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    k_ed448 = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
    ck_assert(k_rsa && k_rsa_attacker && k_rsa1024 && k_p256 && k_p384 && k_ed25519 && k_ed448);

    rsa_pub_pem_len = pub_pem(k_rsa, rsa_pub_pem);
    ec_pub_pem_len = pub_pem(k_p256, ec_pub_pem);
    uint8_t *w = rsa_pub_der;
    int n = i2d_PUBKEY(k_rsa, NULL);
    ck_assert(n > 0 && n < PEM_CAP);
    ck_assert_int_eq(i2d_PUBKEY(k_rsa, &w), n);
    rsa_pub_der_len = (size_t)n;
    memset(long_kid, 'k', GK_JWT_MAX_KID);

    n_keys = 0;
    add_key("hs", GK_JWT_HS256, NULL, hs_secret, sizeof hs_secret - 1);
    add_key("hs384", GK_JWT_HS384, NULL, hs_secret, sizeof hs_secret - 1);
    add_key("hs512", GK_JWT_HS512, NULL, hs_secret, sizeof hs_secret - 1);
    add_key("rs", GK_JWT_RS256, k_rsa, NULL, 0);
    add_key("rs384", GK_JWT_RS384, k_rsa, NULL, 0);
    add_key("rs512", GK_JWT_RS512, k_rsa, NULL, 0);
    add_key("ps", GK_JWT_PS256, k_rsa, NULL, 0);
    add_key("ps384", GK_JWT_PS384, k_rsa, NULL, 0);
    add_key("ps512", GK_JWT_PS512, k_rsa, NULL, 0);
    add_key("es256", GK_JWT_ES256, k_p256, NULL, 0);
    add_key("es384", GK_JWT_ES384, k_p384, NULL, 0);
    add_key("ed", GK_JWT_EDDSA, k_ed25519, NULL, 0);
    add_key("ed448", GK_JWT_EDDSA, k_ed448, NULL, 0);
    add_key(long_kid, GK_JWT_HS256, NULL, hs_secret, sizeof hs_secret - 1);
    /* Misconfigured keys: each must be refused, never used. */
    add_key("weak", GK_JWT_RS256, k_rsa1024, NULL, 0);
    add_key("mis-ec", GK_JWT_ES256, k_p384, NULL, 0);
    add_key("mis-ed", GK_JWT_RS256, k_ed25519, NULL, 0);
    add_key("mis-hs", GK_JWT_HS256, k_rsa, NULL, 0);
    add_key("mis-es-rsa", GK_JWT_ES384, k_rsa, NULL, 0);
    add_key("mis-ed-ec", GK_JWT_EDDSA, k_p256, NULL, 0);
    add_key("empty-secret", GK_JWT_HS256, NULL, hs_secret, 0);
    add_key("unset-alg", GK_JWT_ALG_NONE_, NULL, hs_secret, sizeof hs_secret - 1);
}

static void keys_teardown(void)
{
    EVP_PKEY_free(k_rsa);
    EVP_PKEY_free(k_rsa_attacker);
    EVP_PKEY_free(k_rsa1024);
    EVP_PKEY_free(k_p256);
    EVP_PKEY_free(k_p384);
    EVP_PKEY_free(k_ed25519);
    EVP_PKEY_free(k_ed448);
}

static struct gk_jwt_policy policy(void)
{
    return (struct gk_jwt_policy){GK_SPAN_LIT(ISS), GK_SPAN_LIT(AUD), LEEWAY,
                                  {keys, n_keys}};
}

/* ---- signing helpers ----------------------------------------------------- */

enum signer {
    S_HS256, S_HS384, S_HS512, S_RS256, S_RS384, S_RS512, S_PS256, S_PS384, S_PS512,
    S_ES256, S_ES384, S_ED25519, S_ED448, S_NONE,
    S_HS256_WRONG, S_RS256_ATTACKER, S_RS256_1024, S_PS256_ATTACKER,
    S_HS256_RSA_PEM, S_HS256_RSA_DER, S_HS256_EC_PEM, S_HS256_EMPTY,
};

static void sign(enum signer s, const char *hdr, const char *pay, char *tok)
{
    const char *alg = NULL;
    EVP_PKEY *k = NULL;
    const uint8_t *sec = NULL;
    size_t sl = 0;
    switch (s) {
    case S_HS256: alg = "HS256"; sec = hs_secret; sl = sizeof hs_secret - 1; break;
    case S_HS384: alg = "HS384"; sec = hs_secret; sl = sizeof hs_secret - 1; break;
    case S_HS512: alg = "HS512"; sec = hs_secret; sl = sizeof hs_secret - 1; break;
    case S_RS256: alg = "RS256"; k = k_rsa; break;
    case S_RS384: alg = "RS384"; k = k_rsa; break;
    case S_RS512: alg = "RS512"; k = k_rsa; break;
    case S_PS256: alg = "PS256"; k = k_rsa; break;
    case S_PS384: alg = "PS384"; k = k_rsa; break;
    case S_PS512: alg = "PS512"; k = k_rsa; break;
    case S_ES256: alg = "ES256"; k = k_p256; break;
    case S_ES384: alg = "ES384"; k = k_p384; break;
    case S_ED25519: alg = "EdDSA"; k = k_ed25519; break;
    case S_ED448: alg = "EdDSA"; k = k_ed448; break;
    case S_NONE: alg = "none"; break;
    case S_HS256_WRONG: alg = "HS256"; sec = hs_wrong; sl = sizeof hs_wrong - 1; break;
    case S_RS256_ATTACKER: alg = "RS256"; k = k_rsa_attacker; break;
    case S_RS256_1024: alg = "RS256"; k = k_rsa1024; break;
    case S_PS256_ATTACKER: alg = "PS256"; k = k_rsa_attacker; break;
    case S_HS256_RSA_PEM: alg = "HS256"; sec = rsa_pub_pem; sl = rsa_pub_pem_len; break;
    case S_HS256_RSA_DER: alg = "HS256"; sec = rsa_pub_der; sl = rsa_pub_der_len; break;
    case S_HS256_EC_PEM: alg = "HS256"; sec = ec_pub_pem; sl = ec_pub_pem_len; break;
    case S_HS256_EMPTY: alg = "HS256"; sec = hs_secret; sl = 0; break;
    }
    ck_assert_int_eq(gc_jws_sign(hdr, pay, alg, k, sec, sl, tok, TOK_CAP), 0);
}

static char default_payload[512];

static const char *payload_default(void)
{
    snprintf(default_payload, sizeof default_payload,
             "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"exp\":%" PRId64
             ",\"sub\":\"alice\",\"roles\":[\"admin\",\"user\"]}",
             NOW + 3600);
    return default_payload;
}

static enum gk_status verify_tok(const char *tok, size_t len, struct gk_jwt_claims *c)
{
    struct gk_jwt_policy pol = policy();
    return gk_jwt_verify((const uint8_t *)tok, len, &pol, NOW, c);
}

#define CHECK_STATUS(got, want, name)                                                       \
    ck_assert_msg((got) == (want), "%s: got %s, want %s", (name), gk_status_name(got),     \
                  gk_status_name(want))

/* ---- every algorithm, valid token ----------------------------------------- */

static const struct {
    enum signer s;
    const char *hdr;
    enum gk_jwt_alg alg;
    const char *kid;
} valid_cases[] = {
    {S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"JWT\"}", GK_JWT_HS256, "hs"},
    {S_HS384, "{\"alg\":\"HS384\",\"kid\":\"hs384\"}", GK_JWT_HS384, "hs384"},
    {S_HS512, "{\"alg\":\"HS512\",\"kid\":\"hs512\"}", GK_JWT_HS512, "hs512"},
    {S_RS256, "{\"alg\":\"RS256\",\"kid\":\"rs\"}", GK_JWT_RS256, "rs"},
    {S_RS384, "{\"alg\":\"RS384\",\"kid\":\"rs384\"}", GK_JWT_RS384, "rs384"},
    {S_RS512, "{\"alg\":\"RS512\",\"kid\":\"rs512\"}", GK_JWT_RS512, "rs512"},
    {S_PS256, "{\"alg\":\"PS256\",\"kid\":\"ps\"}", GK_JWT_PS256, "ps"},
    {S_PS384, "{\"alg\":\"PS384\",\"kid\":\"ps384\"}", GK_JWT_PS384, "ps384"},
    {S_PS512, "{\"alg\":\"PS512\",\"kid\":\"ps512\"}", GK_JWT_PS512, "ps512"},
    {S_ES256, "{\"alg\":\"ES256\",\"kid\":\"es256\"}", GK_JWT_ES256, "es256"},
    {S_ES384, "{\"alg\":\"ES384\",\"kid\":\"es384\"}", GK_JWT_ES384, "es384"},
    {S_ED25519, "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}", GK_JWT_EDDSA, "ed"},
    {S_ED448, "{\"alg\":\"EdDSA\",\"kid\":\"ed448\"}", GK_JWT_EDDSA, "ed448"},
};

START_TEST(valid_token_for_every_alg_is_accepted_and_claims_filled)
{
    char tok[TOK_CAP];
    sign(valid_cases[_i].s, valid_cases[_i].hdr, payload_default(), tok);
    struct gk_jwt_claims c;
    memset(&c, 0x55, sizeof c);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_OK, valid_cases[_i].hdr);
    ck_assert_str_eq(c.sub, "alice");
    ck_assert_uint_eq(c.sub_len, 5);
    ck_assert_uint_eq(c.n_roles, 2);
    ck_assert_str_eq(c.roles[0], "admin");
    ck_assert_str_eq(c.roles[1], "user");
    ck_assert_int_eq(c.exp, NOW + 3600);
    ck_assert_int_eq(c.nbf, 0);
    ck_assert_int_eq(c.iat, 0);
    ck_assert_int_eq(c.alg, valid_cases[_i].alg);
    ck_assert_str_eq(c.kid, valid_cases[_i].kid);
    /* One flipped signature byte (not the last char: its spare bits are pinned). */
    size_t dot = strrchr(tok, '.') - tok;
    tok[dot + 2] = tok[dot + 2] == 'A' ? 'B' : 'A';
    enum gk_status st = verify_tok(tok, strlen(tok), &c);
    CHECK_STATUS(st, GK_E_JWT_SIGNATURE, "flipped signature");
}
END_TEST

/* ---- header / key-selection attacks ---------------------------------------- */

static const struct {
    const char *name;
    enum signer s;
    const char *hdr;
    enum gk_status want;
} header_cases[] = {
    {"alg_none_lower_no_sig", S_NONE, "{\"alg\":\"none\",\"kid\":\"hs\"}", GK_E_JWT_ALG},
    {"alg_None_no_sig", S_NONE, "{\"alg\":\"None\",\"kid\":\"hs\"}", GK_E_JWT_ALG},
    {"alg_NONE_no_sig", S_NONE, "{\"alg\":\"NONE\",\"kid\":\"rs\"}", GK_E_JWT_ALG},
    {"alg_nOnE_no_sig", S_NONE, "{\"alg\":\"nOnE\",\"kid\":\"es256\"}", GK_E_JWT_ALG},
    {"alg_none_with_hmac_sig", S_HS256, "{\"alg\":\"none\",\"kid\":\"hs\"}", GK_E_JWT_ALG},
    {"alg_None_with_hmac_sig", S_HS256, "{\"alg\":\"None\",\"kid\":\"hs\"}", GK_E_JWT_ALG},
    {"alg_NONE_with_rsa_sig", S_RS256, "{\"alg\":\"NONE\",\"kid\":\"rs\"}", GK_E_JWT_ALG},
    {"alg_nOnE_with_hmac_sig", S_HS256, "{\"alg\":\"nOnE\",\"kid\":\"hs\"}", GK_E_JWT_ALG},
    {"alg_none_without_kid", S_NONE, "{\"alg\":\"none\"}", GK_E_JWT_KID},
    {"empty_signature_right_alg", S_NONE, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", GK_E_JWT_SIGNATURE},
    {"empty_signature_rsa", S_NONE, "{\"alg\":\"RS256\",\"kid\":\"rs\"}", GK_E_JWT_SIGNATURE},
    {"empty_signature_es", S_NONE, "{\"alg\":\"ES256\",\"kid\":\"es256\"}", GK_E_JWT_SIGNATURE},
    {"empty_signature_eddsa", S_NONE, "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}", GK_E_JWT_SIGNATURE},
    {"hmac_wrong_secret", S_HS256_WRONG, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", GK_E_JWT_SIGNATURE},
    {"rsa_attacker_key", S_RS256_ATTACKER, "{\"alg\":\"RS256\",\"kid\":\"rs\"}", GK_E_JWT_SIGNATURE},
    {"pss_attacker_key", S_PS256_ATTACKER, "{\"alg\":\"PS256\",\"kid\":\"ps\"}", GK_E_JWT_SIGNATURE},
    {"rs256_key_but_pkcs1_over_pss_kid", S_RS256, "{\"alg\":\"PS256\",\"kid\":\"ps\"}",
     GK_E_JWT_SIGNATURE},
    {"confusion_hs256_with_rsa_pem", S_HS256_RSA_PEM, "{\"alg\":\"HS256\",\"kid\":\"rs\"}",
     GK_E_JWT_ALG},
    {"confusion_hs256_with_rsa_der", S_HS256_RSA_DER, "{\"alg\":\"HS256\",\"kid\":\"rs\"}",
     GK_E_JWT_ALG},
    {"confusion_hs256_with_ec_pem", S_HS256_EC_PEM, "{\"alg\":\"HS256\",\"kid\":\"es256\"}",
     GK_E_JWT_ALG},
    {"confusion_rs256_header_hmac_pem", S_HS256_RSA_PEM, "{\"alg\":\"RS256\",\"kid\":\"rs\"}",
     GK_E_JWT_SIGNATURE},
    {"alg_other_rsa_family_for_kid", S_PS256, "{\"alg\":\"PS256\",\"kid\":\"rs\"}", GK_E_JWT_ALG},
    {"alg_es384_for_es256_kid", S_ES384, "{\"alg\":\"ES384\",\"kid\":\"es256\"}", GK_E_JWT_ALG},
    {"alg_lowercase", S_RS256, "{\"alg\":\"rs256\",\"kid\":\"rs\"}", GK_E_JWT_ALG},
    {"alg_trailing_space", S_RS256, "{\"alg\":\"RS256 \",\"kid\":\"rs\"}", GK_E_JWT_ALG},
    {"alg_eddsa_lower", S_ED25519, "{\"alg\":\"eddsa\",\"kid\":\"ed\"}", GK_E_JWT_ALG},
    {"alg_ed25519_name", S_ED25519, "{\"alg\":\"Ed25519\",\"kid\":\"ed\"}", GK_E_JWT_ALG},
    {"alg_number", S_RS256, "{\"alg\":256,\"kid\":\"rs\"}", GK_E_JWT_HEADER},
    {"alg_null", S_RS256, "{\"alg\":null,\"kid\":\"rs\"}", GK_E_JWT_HEADER},
    {"alg_array", S_RS256, "{\"alg\":[\"RS256\"],\"kid\":\"rs\"}", GK_E_JWT_HEADER},
    {"alg_missing", S_RS256, "{\"kid\":\"rs\"}", GK_E_JWT_HEADER},
    {"kid_unknown", S_RS256, "{\"alg\":\"RS256\",\"kid\":\"nope\"}", GK_E_JWT_KID},
    {"kid_path_traversal", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"../../etc/passwd\"}", GK_E_JWT_KID},
    {"kid_dev_null", S_HS256_EMPTY, "{\"alg\":\"HS256\",\"kid\":\"/dev/null\"}", GK_E_JWT_KID},
    {"kid_sql", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"' OR '1'='1\"}", GK_E_JWT_KID},
    {"kid_case_differs", S_RS256, "{\"alg\":\"RS256\",\"kid\":\"RS\"}", GK_E_JWT_KID},
    {"kid_trailing_space", S_RS256, "{\"alg\":\"RS256\",\"kid\":\"rs \"}", GK_E_JWT_KID},
    {"kid_prefix", S_RS256, "{\"alg\":\"RS256\",\"kid\":\"r\"}", GK_E_JWT_KID},
    {"kid_empty", S_RS256, "{\"alg\":\"RS256\",\"kid\":\"\"}", GK_E_JWT_KID},
    {"kid_number", S_RS256, "{\"alg\":\"RS256\",\"kid\":1}", GK_E_JWT_KID},
    {"kid_array", S_RS256, "{\"alg\":\"RS256\",\"kid\":[\"rs\"]}", GK_E_JWT_KID},
    {"kid_missing", S_RS256, "{\"alg\":\"RS256\"}", GK_E_JWT_KID},
    {"kid_escaped_nul", S_RS256, "{\"alg\":\"RS256\",\"kid\":\"rs\\u0000\"}", GK_E_JWT_JSON},
    {"kid_unicode_escape_same_bytes", S_RS256, "{\"alg\":\"RS256\",\"kid\":\"\\u0072s\"}", GK_OK},
    {"embedded_jwk_attacker_key", S_RS256_ATTACKER,
     "{\"alg\":\"RS256\",\"kid\":\"rs\",\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}}",
     GK_E_JWT_SIGNATURE},
    {"jku_attacker_key", S_RS256_ATTACKER,
     "{\"alg\":\"RS256\",\"kid\":\"rs\",\"jku\":\"http://127.0.0.1:1/jwks.json\"}",
     GK_E_JWT_SIGNATURE},
    {"x5u_attacker_key", S_RS256_ATTACKER,
     "{\"alg\":\"RS256\",\"kid\":\"rs\",\"x5u\":\"http://127.0.0.1:1/c.pem\"}", GK_E_JWT_SIGNATURE},
    {"x5c_attacker_key", S_RS256_ATTACKER, "{\"alg\":\"RS256\",\"kid\":\"rs\",\"x5c\":[\"MIIB\"]}",
     GK_E_JWT_SIGNATURE},
    {"jwk_jku_x5u_x5c_ignored_with_real_key", S_RS256,
     "{\"alg\":\"RS256\",\"kid\":\"rs\",\"jwk\":{},\"jku\":\"x\",\"x5u\":\"y\",\"x5c\":[]}", GK_OK},
    {"crit_exp", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"crit\":[\"exp\"]}", GK_E_JWT_CRIT},
    {"crit_empty_array", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"crit\":[]}", GK_E_JWT_CRIT},
    {"crit_b64_false", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"b64\":false,\"crit\":[\"b64\"]}",
     GK_E_JWT_CRIT},
    {"crit_null", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"crit\":null}", GK_E_JWT_CRIT},
    {"typ_JWT", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"JWT\"}", GK_OK},
    {"typ_jwt_lowercase", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"jwt\"}", GK_OK},
    {"typ_application_jwt", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"application/JWT\"}",
     GK_OK},
    {"typ_jose", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"JOSE\"}", GK_E_JWT_TYP},
    {"typ_empty", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"\"}", GK_E_JWT_TYP},
    {"typ_number", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":1}", GK_E_JWT_TYP},
    {"typ_at_jwt", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"at+jwt\"}", GK_E_JWT_TYP},
    {"header_duplicate_alg", S_HS256, "{\"alg\":\"HS256\",\"alg\":\"none\",\"kid\":\"hs\"}",
     GK_E_JWT_JSON},
    {"header_duplicate_kid", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"kid\":\"rs\"}",
     GK_E_JWT_JSON},
    {"header_array", S_HS256, "[\"HS256\"]", GK_E_JWT_JSON},
    {"header_string", S_HS256, "\"HS256\"", GK_E_JWT_JSON},
    {"header_null", S_HS256, "null", GK_E_JWT_JSON},
    {"header_trailing_garbage", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}x", GK_E_JWT_JSON},
    {"header_two_objects", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}{}", GK_E_JWT_JSON},
    {"header_bad_utf8", S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"x\":\"\xc0\xaf\"}",
     GK_E_JWT_JSON},
    {"header_not_json", S_HS256, "alg=HS256", GK_E_JWT_JSON},
    {"header_whitespace_ok", S_HS256, " {\n\t\"alg\" : \"HS256\" , \"kid\":\"hs\" } ", GK_OK},
    {"key_rsa_1024_refused", S_RS256_1024, "{\"alg\":\"RS256\",\"kid\":\"weak\"}", GK_E_JWT_ALG},
    {"key_es256_on_p384_refused", S_ES384, "{\"alg\":\"ES256\",\"kid\":\"mis-ec\"}", GK_E_JWT_ALG},
    {"key_rs256_but_ed25519_refused", S_ED25519, "{\"alg\":\"RS256\",\"kid\":\"mis-ed\"}",
     GK_E_JWT_ALG},
    {"key_hs256_with_pkey_refused", S_HS256_RSA_PEM, "{\"alg\":\"HS256\",\"kid\":\"mis-hs\"}",
     GK_E_JWT_ALG},
    {"key_es384_but_rsa_refused", S_RS256, "{\"alg\":\"ES384\",\"kid\":\"mis-es-rsa\"}",
     GK_E_JWT_ALG},
    {"key_eddsa_but_ec_refused", S_ES256, "{\"alg\":\"EdDSA\",\"kid\":\"mis-ed-ec\"}", GK_E_JWT_ALG},
    {"key_empty_hmac_secret_refused", S_HS256_EMPTY, "{\"alg\":\"HS256\",\"kid\":\"empty-secret\"}",
     GK_E_JWT_ALG},
    {"key_unset_alg_refused", S_HS256, "{\"alg\":\"(unset)\",\"kid\":\"unset-alg\"}", GK_E_JWT_ALG},
    {"eddsa_ed448_sig_for_ed25519_kid", S_ED448, "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}",
     GK_E_JWT_SIGNATURE},
};

START_TEST(header_case)
{
    char tok[TOK_CAP];
    sign(header_cases[_i].s, header_cases[_i].hdr, payload_default(), tok);
    struct gk_jwt_claims c;
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), header_cases[_i].want, header_cases[_i].name);
}
END_TEST

START_TEST(kid_at_max_length_accepted_one_past_refused)
{
    char hdr[GK_JWT_MAX_KID + 64], tok[TOK_CAP];
    struct gk_jwt_claims c;
    snprintf(hdr, sizeof hdr, "{\"alg\":\"HS256\",\"kid\":\"%s\"}", long_kid);
    sign(S_HS256, hdr, payload_default(), tok);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_OK, "kid 128");
    ck_assert_str_eq(c.kid, long_kid);
    snprintf(hdr, sizeof hdr, "{\"alg\":\"HS256\",\"kid\":\"%sk\"}", long_kid);
    sign(S_HS256, hdr, payload_default(), tok);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_KID, "kid 129");
}
END_TEST

/* ---- claims ---------------------------------------------------------------- */

#define P_ISS "\"iss\":\"" ISS "\""
#define P_AUD "\"aud\":\"" AUD "\""
#define P_SUB "\"sub\":\"alice\""
#define P_EXP "\"exp\":1700003600"
#define BASE P_ISS "," P_AUD "," P_SUB "," P_EXP

static const struct {
    const char *name;
    const char *payload;
    enum gk_status want;
} claim_cases[] = {
    {"minimal_valid", "{" BASE "}", GK_OK},
    {"exp_at_leeway_edge", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":1699999940}", GK_OK},
    {"exp_one_second_past_leeway", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":1699999939}", GK_E_JWT_EXP},
    {"exp_missing", "{" P_ISS "," P_AUD "," P_SUB "}", GK_E_JWT_EXP},
    {"exp_string", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":\"1700003600\"}", GK_E_JWT_EXP},
    {"exp_real_refused", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":1700003600.0}", GK_E_JWT_EXP},
    {"exp_exponent_refused", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":1.7000036e9}", GK_E_JWT_EXP},
    {"exp_true", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":true}", GK_E_JWT_EXP},
    {"exp_null", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":null}", GK_E_JWT_EXP},
    {"exp_array", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":[1700003600]}", GK_E_JWT_EXP},
    {"exp_object", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":{}}", GK_E_JWT_EXP},
    {"exp_int64_max_no_overflow", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":9223372036854775807}", GK_OK},
    {"exp_beyond_int64_refused", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":9223372036854775808}",
     GK_E_JWT_JSON},
    {"exp_1e300", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":1e300}", GK_E_JWT_EXP},
    {"exp_int64_min", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":-9223372036854775808}", GK_E_JWT_EXP},
    {"exp_zero", "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":0}", GK_E_JWT_EXP},
    {"exp_duplicate", "{" BASE ",\"exp\":9999999999}", GK_E_JWT_JSON},
    {"nbf_at_leeway_edge", "{" BASE ",\"nbf\":1700000060}", GK_OK},
    {"nbf_one_second_past_leeway", "{" BASE ",\"nbf\":1700000061}", GK_E_JWT_NBF},
    {"nbf_past", "{" BASE ",\"nbf\":1600000000}", GK_OK},
    {"nbf_string", "{" BASE ",\"nbf\":\"0\"}", GK_E_JWT_NBF},
    {"nbf_real", "{" BASE ",\"nbf\":0.5}", GK_E_JWT_NBF},
    {"nbf_bool", "{" BASE ",\"nbf\":false}", GK_E_JWT_NBF},
    {"nbf_null", "{" BASE ",\"nbf\":null}", GK_E_JWT_NBF},
    {"nbf_int64_max", "{" BASE ",\"nbf\":9223372036854775807}", GK_E_JWT_NBF},
    {"nbf_int64_min", "{" BASE ",\"nbf\":-9223372036854775808}", GK_OK},
    {"nbf_1e300", "{" BASE ",\"nbf\":1e300}", GK_E_JWT_NBF},
    {"iat_at_leeway_edge", "{" BASE ",\"iat\":1700000060}", GK_OK},
    {"iat_one_second_in_future_past_leeway", "{" BASE ",\"iat\":1700000061}", GK_E_JWT_IAT},
    {"iat_past", "{" BASE ",\"iat\":1699990000}", GK_OK},
    {"iat_string", "{" BASE ",\"iat\":\"now\"}", GK_E_JWT_IAT},
    {"iat_real", "{" BASE ",\"iat\":1699990000.5}", GK_E_JWT_IAT},
    {"iat_null", "{" BASE ",\"iat\":null}", GK_E_JWT_IAT},
    {"iat_array", "{" BASE ",\"iat\":[]}", GK_E_JWT_IAT},
    {"iss_missing", "{" P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_wrong", "{\"iss\":\"https://evil.test\"," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_prefix", "{\"iss\":\"https://issuer.gatecrash.tes\"," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_case", "{\"iss\":\"https://ISSUER.gatecrash.test\"," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_trailing_slash", "{\"iss\":\"" ISS "/\"," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_array", "{\"iss\":[\"" ISS "\"]," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_number", "{\"iss\":1," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_null", "{\"iss\":null," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_ISS},
    {"iss_escaped_nul", "{\"iss\":\"" ISS "\\u0000\"," P_AUD "," P_SUB "," P_EXP "}", GK_E_JWT_JSON},
    {"aud_missing", "{" P_ISS "," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_wrong", "{" P_ISS ",\"aud\":\"other\"," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_array_contains", "{" P_ISS ",\"aud\":[\"other\",\"" AUD "\"]," P_SUB "," P_EXP "}", GK_OK},
    {"aud_array_single", "{" P_ISS ",\"aud\":[\"" AUD "\"]," P_SUB "," P_EXP "}", GK_OK},
    {"aud_array_without", "{" P_ISS ",\"aud\":[\"other\",\"x\"]," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_array_empty", "{" P_ISS ",\"aud\":[]," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_array_with_number", "{" P_ISS ",\"aud\":[\"" AUD "\",1]," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_array_with_null", "{" P_ISS ",\"aud\":[null,\"" AUD "\"]," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_nested_array", "{" P_ISS ",\"aud\":[[\"" AUD "\"]]," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_number", "{" P_ISS ",\"aud\":1," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_null", "{" P_ISS ",\"aud\":null," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_object", "{" P_ISS ",\"aud\":{\"" AUD "\":1}," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"aud_case", "{" P_ISS ",\"aud\":\"Gatekeeper\"," P_SUB "," P_EXP "}", GK_E_JWT_AUD},
    {"sub_missing", "{" P_ISS "," P_AUD "," P_EXP "}", GK_E_JWT_SUB},
    {"sub_empty", "{" P_ISS "," P_AUD ",\"sub\":\"\"," P_EXP "}", GK_E_JWT_SUB},
    {"sub_number", "{" P_ISS "," P_AUD ",\"sub\":1," P_EXP "}", GK_E_JWT_SUB},
    {"sub_null", "{" P_ISS "," P_AUD ",\"sub\":null," P_EXP "}", GK_E_JWT_SUB},
    {"sub_array", "{" P_ISS "," P_AUD ",\"sub\":[\"alice\"]," P_EXP "}", GK_E_JWT_SUB},
    {"sub_escaped_nul", "{" P_ISS "," P_AUD ",\"sub\":\"ali\\u0000ce\"," P_EXP "}", GK_E_JWT_JSON},
    {"sub_duplicate", "{" BASE ",\"sub\":\"admin\"}", GK_E_JWT_JSON},
    {"roles_absent", "{" BASE "}", GK_OK},
    {"roles_empty_array", "{" BASE ",\"roles\":[]}", GK_OK},
    {"roles_string_not_array", "{" BASE ",\"roles\":\"admin\"}", GK_E_JWT_ROLES},
    {"roles_number_element", "{" BASE ",\"roles\":[1]}", GK_E_JWT_ROLES},
    {"roles_nested_array", "{" BASE ",\"roles\":[[\"admin\"]]}", GK_E_JWT_ROLES},
    {"roles_object", "{" BASE ",\"roles\":{\"admin\":true}}", GK_E_JWT_ROLES},
    {"roles_null", "{" BASE ",\"roles\":null}", GK_E_JWT_ROLES},
    {"roles_with_null_element", "{" BASE ",\"roles\":[\"admin\",null]}", GK_E_JWT_ROLES},
    {"roles_true", "{" BASE ",\"roles\":true}", GK_E_JWT_ROLES},
    {"roles_duplicate_key", "{" BASE ",\"roles\":[],\"roles\":[\"admin\"]}", GK_E_JWT_JSON},
    {"payload_array", "[\"" AUD "\"]", GK_E_JWT_JSON},
    {"payload_string", "\"x\"", GK_E_JWT_JSON},
    {"payload_null", "null", GK_E_JWT_JSON},
    {"payload_number", "1", GK_E_JWT_JSON},
    {"payload_trailing_garbage", "{" BASE "}x", GK_E_JWT_JSON},
    {"payload_truncated", "{" BASE, GK_E_JWT_JSON},
    {"payload_empty", "", GK_E_JWT_FORM},
    {"payload_bad_utf8", "{" BASE ",\"x\":\"\xff\"}", GK_E_JWT_JSON},
};

START_TEST(claim_case)
{
    char tok[TOK_CAP];
    sign(S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", claim_cases[_i].payload, tok);
    struct gk_jwt_claims c;
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), claim_cases[_i].want, claim_cases[_i].name);
}
END_TEST

START_TEST(sub_and_roles_limits_exact_and_one_past)
{
    static char pay[8192], big[GK_JWT_MAX_SUB + 2], roles[2048];
    char tok[TOK_CAP];
    struct gk_jwt_claims c;
    /* sub at GK_JWT_MAX_SUB and one past. */
    for (int extra = 0; extra <= 1; extra++) {
        memset(big, 's', sizeof big);
        big[GK_JWT_MAX_SUB + extra] = '\0';
        snprintf(pay, sizeof pay, "{" P_ISS "," P_AUD "," P_EXP ",\"sub\":\"%s\"}", big);
        sign(S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", pay, tok);
        CHECK_STATUS(verify_tok(tok, strlen(tok), &c), extra ? GK_E_JWT_SUB : GK_OK, "sub limit");
        if (!extra)
            ck_assert_uint_eq(strlen(c.sub), GK_JWT_MAX_SUB);
    }
    /* GK_JWT_MAX_ROLES roles of GK_JWT_MAX_ROLE bytes, then one role more, then one byte more. */
    for (int variant = 0; variant < 3; variant++) {
        size_t n = GK_JWT_MAX_ROLES + (variant == 1);
        size_t o = 0;
        roles[o++] = '[';
        for (size_t i = 0; i < n; i++) {
            size_t rl = GK_JWT_MAX_ROLE + (variant == 2 && i == n - 1);
            if (i)
                roles[o++] = ',';
            roles[o++] = '"';
            memset(roles + o, 'a' + (char)(i % 26), rl);
            o += rl;
            roles[o++] = '"';
        }
        roles[o++] = ']';
        roles[o] = '\0';
        snprintf(pay, sizeof pay, "{" BASE ",\"roles\":%s}", roles);
        sign(S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", pay, tok);
        CHECK_STATUS(verify_tok(tok, strlen(tok), &c), variant ? GK_E_JWT_ROLES : GK_OK,
                     "roles limit");
        if (!variant) {
            ck_assert_uint_eq(c.n_roles, GK_JWT_MAX_ROLES);
            ck_assert_uint_eq(strlen(c.roles[GK_JWT_MAX_ROLES - 1]), GK_JWT_MAX_ROLE);
        }
    }
}
END_TEST

START_TEST(policy_leeway_out_of_range_refused)
{
    char tok[TOK_CAP];
    sign(S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", payload_default(), tok);
    struct gk_jwt_claims c;
    struct gk_jwt_policy pol = policy();
    pol.leeway_s = GK_JWT_MAX_LEEWAY;
    CHECK_STATUS(gk_jwt_verify((const uint8_t *)tok, strlen(tok), &pol, NOW, &c), GK_OK, "max");
    pol.leeway_s = GK_JWT_MAX_LEEWAY + 1;
    CHECK_STATUS(gk_jwt_verify((const uint8_t *)tok, strlen(tok), &pol, NOW, &c), GK_E_ARG, "max+1");
    pol.leeway_s = -1;
    CHECK_STATUS(gk_jwt_verify((const uint8_t *)tok, strlen(tok), &pol, NOW, &c), GK_E_ARG, "neg");
    /* now itself near INT64_MAX must not overflow now + leeway. */
    pol.leeway_s = LEEWAY;
    CHECK_STATUS(gk_jwt_verify((const uint8_t *)tok, strlen(tok), &pol, INT64_MAX, &c),
                 GK_E_JWT_EXP, "now max");
}
END_TEST

/* ---- compact form and base64url ---------------------------------------------- */

static void valid_hs(char *tok)
{
    sign(S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", payload_default(), tok);
}

enum mutation {
    M_APPEND_DOT, M_APPEND_SEGMENT, M_DROP_SIGNATURE_SEGMENT, M_PAD_SIGNATURE, M_PAD_HEADER,
    M_PLUS_IN_SIGNATURE, M_SLASH_IN_PAYLOAD, M_TRAILING_BITS_SIGNATURE, M_SPACE_IN_HEADER,
    M_NUL_IN_PAYLOAD, M_HIGH_BIT_IN_SIGNATURE, M_EMPTY_HEADER, M_LEADING_DOT, M_TRAILING_NEWLINE,
    M_EMPTY, M_ONLY_DOTS, M_DEL_IN_HEADER, M_LENGTH_MOD4_1_PAYLOAD, M_COUNT
};

static const struct {
    const char *name;
    enum gk_status want;
} mutation_want[M_COUNT] = {
    [M_APPEND_DOT] = {"append_empty_fourth_segment", GK_E_JWT_FORM},
    [M_APPEND_SEGMENT] = {"append_fourth_segment", GK_E_JWT_FORM},
    [M_DROP_SIGNATURE_SEGMENT] = {"two_segments", GK_E_JWT_FORM},
    [M_PAD_SIGNATURE] = {"padding_on_signature", GK_E_B64_PADDING},
    [M_PAD_HEADER] = {"padding_on_header", GK_E_B64_PADDING},
    [M_PLUS_IN_SIGNATURE] = {"plus_in_signature", GK_E_B64_ALPHABET},
    [M_SLASH_IN_PAYLOAD] = {"slash_in_payload", GK_E_B64_ALPHABET},
    [M_TRAILING_BITS_SIGNATURE] = {"non_zero_trailing_bits_signature", GK_E_B64_PADDING},
    [M_SPACE_IN_HEADER] = {"space_in_header", GK_E_B64_ALPHABET},
    [M_NUL_IN_PAYLOAD] = {"nul_in_payload", GK_E_B64_ALPHABET},
    [M_HIGH_BIT_IN_SIGNATURE] = {"high_bit_in_signature", GK_E_B64_ALPHABET},
    [M_EMPTY_HEADER] = {"empty_header_segment", GK_E_JWT_FORM},
    [M_LEADING_DOT] = {"leading_dot", GK_E_JWT_FORM},
    [M_TRAILING_NEWLINE] = {"trailing_newline", GK_E_B64_ALPHABET},
    [M_EMPTY] = {"empty_token", GK_E_JWT_FORM},
    [M_ONLY_DOTS] = {"only_dots", GK_E_JWT_FORM},
    [M_DEL_IN_HEADER] = {"del_in_header", GK_E_B64_ALPHABET},
    [M_LENGTH_MOD4_1_PAYLOAD] = {"payload_length_mod4_is_1", GK_E_B64_LENGTH},
};

START_TEST(malformed_compact_form)
{
    char tok[TOK_CAP], m[TOK_CAP + 8];
    valid_hs(tok);
    size_t len = strlen(tok);
    size_t d1 = (size_t)(strchr(tok, '.') - tok), d2 = (size_t)(strrchr(tok, '.') - tok);
    memcpy(m, tok, len + 1);
    size_t mlen = len;
    switch ((enum mutation)_i) {
    case M_APPEND_DOT: m[mlen++] = '.'; break;
    case M_APPEND_SEGMENT: memcpy(m + mlen, ".e30", 4); mlen += 4; break;
    case M_DROP_SIGNATURE_SEGMENT: mlen = d2; break;
    case M_PAD_SIGNATURE: m[mlen++] = '='; break;
    case M_PAD_HEADER:
        memmove(m + d1 + 1, m + d1, len - d1);
        m[d1] = '=';
        mlen++;
        break;
    case M_PLUS_IN_SIGNATURE: m[d2 + 1] = '+'; break;
    case M_SLASH_IN_PAYLOAD: m[d1 + 1] = '/'; break;
    case M_TRAILING_BITS_SIGNATURE:
        /* 32-byte HMAC → 43 chars; the last carries 4 data bits and 2 spare zero bits. */
        ck_assert_uint_eq(len - d2 - 1, 43);
        m[len - 1] = m[len - 1] == 'A' ? 'B' : (m[len - 1] == 'B' ? 'C' : 'B');
        break;
    case M_SPACE_IN_HEADER: m[1] = ' '; break;
    case M_NUL_IN_PAYLOAD: m[d1 + 2] = '\0'; break;
    case M_HIGH_BIT_IN_SIGNATURE: m[d2 + 3] = (char)0xc3; break;
    case M_EMPTY_HEADER:
        memmove(m, m + d1, len - d1);
        mlen = len - d1;
        break;
    case M_LEADING_DOT:
        memmove(m + 1, m, len);
        m[0] = '.';
        mlen++;
        break;
    case M_TRAILING_NEWLINE: m[mlen++] = '\n'; break;
    case M_EMPTY: mlen = 0; break;
    case M_ONLY_DOTS: memcpy(m, "..", 2); mlen = 2; break;
    case M_DEL_IN_HEADER: m[2] = 0x7f; break;
    case M_LENGTH_MOD4_1_PAYLOAD:
        /* Add one char to the payload segment so its length is 1 mod 4 at some point:
         * add until (len % 4 == 1). */
        {
            size_t plen = d2 - d1 - 1;
            size_t add = (4 + 1 - plen % 4) % 4;
            if (add == 0)
                add = 4;
            memmove(m + d2 + add, m + d2, len - d2);
            memset(m + d2, 'A', add);
            mlen += add;
        }
        break;
    case M_COUNT: break;
    }
    struct gk_jwt_claims c;
    CHECK_STATUS(verify_tok(m, mlen, &c), mutation_want[_i].want, mutation_want[_i].name);
}
END_TEST

START_TEST(json_serialization_refused)
{
    char tok[TOK_CAP], json[TOK_CAP + 128];
    valid_hs(tok);
    char *d1 = strchr(tok, '.'), *d2 = strrchr(tok, '.');
    *d1 = *d2 = '\0';
    snprintf(json, sizeof json, "{\"payload\":\"%s\",\"protected\":\"%s\",\"signature\":\"%s\"}",
             d1 + 1, tok, d2 + 1);
    struct gk_jwt_claims c;
    CHECK_STATUS(verify_tok(json, strlen(json), &c), GK_E_JWT_FORM, "json serialization");
}
END_TEST

/* Builds a token of exactly `target` bytes by growing a padding claim. */
static int token_of_length(size_t target, char *tok)
{
    static char pay[GK_JWT_MAX_TOKEN * 2];
    /* Start a little below the size that gets there: base64url grows by 4/3. */
    for (size_t pad = (target * 3) / 4 - 300; pad < GK_JWT_MAX_TOKEN; pad++) {
        for (int hx = 0; hx < 4; hx++) {
            char hdr[96], padding[GK_JWT_MAX_TOKEN];
            memset(padding, 'p', pad);
            padding[pad] = '\0';
            snprintf(hdr, sizeof hdr, "{\"alg\":\"HS256\",\"kid\":\"hs\",\"x\":\"%.*s\"}", hx, "xxxx");
            snprintf(pay, sizeof pay,
                     "{" P_ISS "," P_AUD "," P_SUB ",\"exp\":1700003600,\"pad\":\"%s\"}", padding);
            sign(S_HS256, hdr, pay, tok);
            size_t l = strlen(tok);
            if (l == target)
                return 1;
            if (l > target + 8)
                return 0;
        }
    }
    return 0;
}

START_TEST(token_at_max_length_accepted_one_past_refused)
{
    static char tok[TOK_CAP];
    struct gk_jwt_claims c;
    ck_assert(token_of_length(GK_JWT_MAX_TOKEN, tok));
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_OK, "token at max");
    ck_assert(token_of_length(GK_JWT_MAX_TOKEN + 1, tok));
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_LIMIT, "token max+1");
}
END_TEST

/* ---- ECDSA signature encodings ------------------------------------------- */

static const uint8_t p256_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* Replaces the signature of `tok` by `sig`. */
static void resign(char *tok, const uint8_t *sig, size_t sig_len)
{
    char *d2 = strrchr(tok, '.');
    ck_assert_int_ge(gc_b64url_encode(sig, sig_len, d2 + 1, TOK_CAP - (size_t)(d2 + 1 - tok)), 0);
}

static size_t raw_sig(const char *tok, uint8_t *out)
{
    const char *s = strrchr(tok, '.') + 1;
    size_t n = 0;
    ck_assert_int_eq(gk_b64url_decode((const uint8_t *)s, strlen(s), out, 256, &n), GK_OK);
    return n;
}

START_TEST(ecdsa_psychic_and_out_of_range_signatures_refused)
{
    char tok[TOK_CAP];
    struct gk_jwt_claims c;
    uint8_t sig[96];
    const char *hdr = "{\"alg\":\"ES256\",\"kid\":\"es256\"}";

    sign(S_ES256, hdr, payload_default(), tok);
    memset(sig, 0, 64); /* r = s = 0: CVE-2022-21449 */
    resign(tok, sig, 64);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "r=s=0");

    sign(S_ES384, "{\"alg\":\"ES384\",\"kid\":\"es384\"}", payload_default(), tok);
    memset(sig, 0, 96);
    resign(tok, sig, 96);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "p384 r=s=0");

    /* r = n, s = valid s: r outside [1, n-1]. Also r = valid, s = n. */
    sign(S_ES256, hdr, payload_default(), tok);
    ck_assert_uint_eq(raw_sig(tok, sig), 64);
    uint8_t mod[64];
    memcpy(mod, p256_n, 32);
    memcpy(mod + 32, sig + 32, 32);
    resign(tok, mod, 64);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "r=n");
    memcpy(mod, sig, 32);
    memcpy(mod + 32, p256_n, 32);
    resign(tok, mod, 64);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "s=n");
    /* r = s = 0xff..ff (> n). */
    memset(mod, 0xff, 64);
    resign(tok, mod, 64);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "r,s>n");
    /* The untouched signature still verifies (the test above can fail). */
    resign(tok, sig, 64);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_OK, "restored");
}
END_TEST

START_TEST(ecdsa_der_and_wrong_length_signatures_refused)
{
    char tok[TOK_CAP];
    struct gk_jwt_claims c;
    uint8_t sig[128], der[128];
    sign(S_ES256, "{\"alg\":\"ES256\",\"kid\":\"es256\"}", payload_default(), tok);
    ck_assert_uint_eq(raw_sig(tok, sig), 64);

    /* The same (r, s) DER-encoded, as a naive signer would emit. */
    ECDSA_SIG *es = ECDSA_SIG_new();
    ck_assert(ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL)) == 1);
    uint8_t *w = der;
    int n = i2d_ECDSA_SIG(es, &w);
    ECDSA_SIG_free(es);
    ck_assert_int_gt(n, 0);
    resign(tok, der, (size_t)n);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "DER");

    /* 65 bytes (leading zero), 63 bytes (truncated), 64 + trailing zero. */
    uint8_t longer[65] = {0};
    memcpy(longer + 1, sig, 64);
    resign(tok, longer, 65);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "65 bytes");
    resign(tok, sig, 63);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "63 bytes");
    memcpy(longer, sig, 64);
    longer[64] = 0;
    resign(tok, longer, 65);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "64+0");
    /* An ES384-sized signature against the ES256 key. */
    uint8_t big[96] = {0};
    memcpy(big + 16, sig, 32);
    memcpy(big + 64, sig + 32, 32);
    resign(tok, big, 96);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "96 bytes for ES256");
}
END_TEST

START_TEST(rsa_signature_with_extra_leading_zero_refused)
{
    char tok[TOK_CAP];
    struct gk_jwt_claims c;
    uint8_t sig[300];
    sign(S_RS256, "{\"alg\":\"RS256\",\"kid\":\"rs\"}", payload_default(), tok);
    size_t n = raw_sig(tok, sig + 1);
    ck_assert_uint_eq(n, 256);
    sig[0] = 0;
    resign(tok, sig, 257);
    CHECK_STATUS(verify_tok(tok, strlen(tok), &c), GK_E_JWT_SIGNATURE, "257 bytes");
}
END_TEST

/* ---- gk_jws_verify ---------------------------------------------------------- */

START_TEST(jws_verify_returns_payload_and_key)
{
    char tok[TOK_CAP];
    const char *pay = "{\"any\":\"thing\"}";
    sign(S_ES256, "{\"alg\":\"ES256\",\"kid\":\"es256\"}", pay, tok);
    struct gk_jwt_keyset ks = {keys, n_keys};
    uint8_t buf[64];
    size_t pl = 0;
    const struct gk_jwt_key *used = NULL;
    CHECK_STATUS(gk_jws_verify((const uint8_t *)tok, strlen(tok), &ks, buf, strlen(pay), &pl, &used),
                 GK_OK, "exact cap");
    ck_assert_uint_eq(pl, strlen(pay));
    ck_assert_int_eq(memcmp(buf, pay, pl), 0);
    ck_assert_ptr_eq(used, &keys[9]);
    CHECK_STATUS(
        gk_jws_verify((const uint8_t *)tok, strlen(tok), &ks, buf, strlen(pay) - 1, &pl, &used),
        GK_E_SPACE, "cap one short");
    /* RFC 7515 allows an empty payload at the JWS layer; the JWT layer refuses it. */
    sign(S_HS256, "{\"alg\":\"HS256\",\"kid\":\"hs\"}", "", tok);
    CHECK_STATUS(gk_jws_verify((const uint8_t *)tok, strlen(tok), &ks, buf, sizeof buf, &pl, NULL),
                 GK_OK, "empty payload");
    ck_assert_uint_eq(pl, 0);
    /* An empty keyset knows no kid. */
    struct gk_jwt_keyset none = {NULL, 0};
    CHECK_STATUS(gk_jws_verify((const uint8_t *)tok, strlen(tok), &none, buf, sizeof buf, &pl, NULL),
                 GK_E_JWT_KID, "empty keyset");
}
END_TEST

/* ---- alg names --------------------------------------------------------------- */

START_TEST(alg_parse_and_name_round_trip)
{
    static const char *names[] = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
                                  "PS384", "PS512", "ES256", "ES384", "EdDSA"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        enum gk_jwt_alg a = GK_JWT_ALG_NONE_;
        ck_assert_int_eq(gk_jwt_alg_parse((const uint8_t *)names[i], strlen(names[i]), &a), GK_OK);
        ck_assert_str_eq(gk_jwt_alg_name(a), names[i]);
    }
    static const char *bad[] = {"none", "None", "NONE", "hs256", "ES512", "ES256K", "EDDSA",
                                "Ed25519", "HS256 ", "", "RS2560", "PS25"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum gk_jwt_alg a = GK_JWT_HS256;
        ck_assert_int_eq(gk_jwt_alg_parse((const uint8_t *)bad[i], strlen(bad[i]), &a), GK_E_JWT_ALG);
    }
    enum gk_jwt_alg a;
    ck_assert_int_eq(gk_jwt_alg_parse((const uint8_t *)"HS256\0", 6, &a), GK_E_JWT_ALG);
    ck_assert_ptr_nonnull(gk_jwt_alg_name(GK_JWT_ALG_NONE_));
    ck_assert_ptr_nonnull(gk_jwt_alg_name((enum gk_jwt_alg)999));
}
END_TEST

/* ---- Authorization header ---------------------------------------------------- */

static const struct {
    const char *value;
    size_t len; /* 0: strlen */
    enum gk_status want;
    const char *token;
} authz_cases[] = {
    {"Bearer abc.def.ghi", 0, GK_OK, "abc.def.ghi"},
    {"bearer abc", 0, GK_OK, "abc"},
    {"BEARER abc", 0, GK_OK, "abc"},
    {"bEaReR abc", 0, GK_OK, "abc"},
    {"Bearer A-._~+/9", 0, GK_OK, "A-._~+/9"},
    {"Bearer abc==", 0, GK_OK, "abc=="},
    {"Bearer  abc", 0, GK_E_JWT_FORM, NULL},
    {"Bearer\tabc", 0, GK_E_JWT_FORM, NULL},
    {"Bearer", 0, GK_E_JWT_FORM, NULL},
    {"Bearer ", 0, GK_E_JWT_FORM, NULL},
    {"", 0, GK_E_JWT_FORM, NULL},
    {"Basic YWxhZGRpbjpvcGVuc2VzYW1l", 0, GK_E_JWT_FORM, NULL},
    {"Bearerx abc", 0, GK_E_JWT_FORM, NULL},
    {"Bear abc", 0, GK_E_JWT_FORM, NULL},
    {" Bearer abc", 0, GK_E_JWT_FORM, NULL},
    {"Bearer abc ", 0, GK_E_JWT_FORM, NULL},
    {"Bearer abc def", 0, GK_E_JWT_FORM, NULL},
    {"Bearer abc,def", 0, GK_E_JWT_FORM, NULL},
    {"Bearer abc=d", 0, GK_E_JWT_FORM, NULL},
    {"Bearer =abc", 0, GK_E_JWT_FORM, NULL},
    {"Bearer =", 0, GK_E_JWT_FORM, NULL},
    {"Bearer \"abc\"", 0, GK_E_JWT_FORM, NULL},
    {"Bearer a\0b", 10, GK_E_JWT_FORM, NULL},
    {"Bearer a\x80", 0, GK_E_JWT_FORM, NULL},
    {"Bearer a\x7f", 0, GK_E_JWT_FORM, NULL},
    {"Bearer a\r\n", 0, GK_E_JWT_FORM, NULL},
    {"Bearer\0abc", 10, GK_E_JWT_FORM, NULL},
};

START_TEST(authorization_header_case)
{
    const char *v = authz_cases[_i].value;
    size_t len = authz_cases[_i].len ? authz_cases[_i].len : strlen(v);
    struct gk_span tok = {NULL, 0};
    enum gk_status st = gk_jwt_from_authorization(gk_span_make(v, len), &tok);
    CHECK_STATUS(st, authz_cases[_i].want, v);
    if (authz_cases[_i].token) {
        ck_assert_uint_eq(tok.len, strlen(authz_cases[_i].token));
        ck_assert_int_eq(memcmp(tok.p, authz_cases[_i].token, tok.len), 0);
        ck_assert_ptr_eq(tok.p, v + 7);
    }
}
END_TEST

static Suite *jwt_suite(void)
{
    Suite *s = suite_create("jwt");
    TCase *tc = tcase_create("jwt");
    tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, valid_token_for_every_alg_is_accepted_and_claims_filled, 0,
                        (int)(sizeof valid_cases / sizeof valid_cases[0]));
    tcase_add_loop_test(tc, header_case, 0, (int)(sizeof header_cases / sizeof header_cases[0]));
    tcase_add_test(tc, kid_at_max_length_accepted_one_past_refused);
    tcase_add_loop_test(tc, claim_case, 0, (int)(sizeof claim_cases / sizeof claim_cases[0]));
    tcase_add_test(tc, sub_and_roles_limits_exact_and_one_past);
    tcase_add_test(tc, policy_leeway_out_of_range_refused);
    tcase_add_loop_test(tc, malformed_compact_form, 0, M_COUNT);
    tcase_add_test(tc, json_serialization_refused);
    tcase_add_test(tc, token_at_max_length_accepted_one_past_refused);
    tcase_add_test(tc, ecdsa_psychic_and_out_of_range_signatures_refused);
    tcase_add_test(tc, ecdsa_der_and_wrong_length_signatures_refused);
    tcase_add_test(tc, rsa_signature_with_extra_leading_zero_refused);
    tcase_add_test(tc, jws_verify_returns_payload_and_key);
    tcase_add_test(tc, alg_parse_and_name_round_trip);
    tcase_add_loop_test(tc, authorization_header_case, 0,
                        (int)(sizeof authz_cases / sizeof authz_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jwt_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
