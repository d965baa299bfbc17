/* tests/unit/test_builder.c: material loading and case → request building
 * (harness/material.c, token.c, request.c).
 *
 * Fixtures are generated once into a temp dir with gc_fixtures_generate. The
 * certificate truth table (case.h GC_CERT_LIST) is proved by construction:
 * every built chain is judged here by plain OpenSSL X509_verify_cert plus a
 * small SPIFFE model written in this file, and must agree with its row. Tokens
 * are verified with OpenSSL against the fixture public keys; every mutation is
 * checked against the unmutated token. */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "build.h"
#include "fixtures.h"
#include "jose.h"
#include "pki.h"

#define PORT 8443
#define TOK_CAP 65536
#define SIG_MAX 1024
#define HOUR 3600
#define SSRF "http://127.0.0.1:9/jwks"
/* HUGE tokens: past an 8 KiB token limit, inside a 16 KiB header section. */
#define HUGE_MIN 8192
#define HUGE_MAX 12288

static char g_base[256];
static char g_dir[300];
static int64_t g_now;
static struct gc_material *g_m;

/* --- helpers ----------------------------------------------------------------------- */

static void fx_path(char *out, size_t cap, const char *rel)
{
    snprintf(out, cap, "%s/%s", g_dir, rel);
}

static uint8_t *read_all(const char *rel, size_t *len)
{
    char path[600];
    fx_path(path, sizeof(path), rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    uint8_t *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static EVP_PKEY *read_pub(const char *rel)
{
    char path[600];
    fx_path(path, sizeof(path), rel);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    ck_assert_ptr_nonnull(k);
    return k;
}

static EVP_PKEY *read_priv(const char *rel)
{
    char path[600];
    fx_path(path, sizeof(path), rel);
    EVP_PKEY *k = gc_pki_read_key_pem(path);
    ck_assert_ptr_nonnull(k);
    return k;
}

static int64_t epoch_of(const ASN1_TIME *t)
{
    struct tm tm;
    ck_assert_int_eq(ASN1_TIME_to_tm(t, &tm), 1);
    return (int64_t)timegm(&tm);
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

/* Decoded segment i (0 header, 1 payload, 2 signature) of a compact token. */
static int segment(const char *tok, int i, uint8_t *out, size_t cap)
{
    const char *s = tok;
    for (int k = 0; k < i; k++) {
        s = strchr(s, '.');
        if (s == NULL)
            return -1;
        s++;
    }
    const char *e = strchr(s, '.');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    return gc_b64url_decode(s, n, out, cap);
}

static json_t *payload_json(const char *tok)
{
    uint8_t buf[TOK_CAP];
    int n = segment(tok, 1, buf, sizeof(buf));
    ck_assert_int_ge(n, 0);
    json_t *j = json_loadb((const char *)buf, (size_t)n, 0, NULL);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* Independent JWS verification with OpenSSL (RFC 7518 §3). */
static int verify_jws(const char *tok, const char *alg, EVP_PKEY *pub, const uint8_t *secret,
                      size_t secret_len)
{
    const char *dot = strrchr(tok, '.');
    if (dot == NULL)
        return 0;
    uint8_t sig[SIG_MAX];
    int sn = gc_b64url_decode(dot + 1, strlen(dot + 1), sig, sizeof(sig));
    if (sn < 0)
        return 0;
    const uint8_t *msg = (const uint8_t *)tok;
    size_t msg_len = (size_t)(dot - tok);
    const char *md = strstr(alg, "256") ? "SHA256" : strstr(alg, "384") ? "SHA384" : "SHA512";
    if (strncmp(alg, "HS", 2) == 0) {
        uint8_t mac[EVP_MAX_MD_SIZE];
        unsigned int ml = 0;
        HMAC(EVP_get_digestbyname(md), secret, (int)secret_len, msg, msg_len, mac, &ml);
        return (int)ml == sn && CRYPTO_memcmp(mac, sig, ml) == 0;
    }
    uint8_t der[SIG_MAX];
    size_t der_len = (size_t)sn;
    memcpy(der, sig, (size_t)sn);
    if (strncmp(alg, "ES", 2) == 0) { /* raw r||s → DER for OpenSSL */
        ECDSA_SIG *es = ECDSA_SIG_new();
        size_t half = (size_t)sn / 2;
        ECDSA_SIG_set0(es, BN_bin2bn(sig, (int)half, NULL), BN_bin2bn(sig + half, (int)half, NULL));
        unsigned char *p = der;
        der_len = (size_t)i2d_ECDSA_SIG(es, &p);
        ECDSA_SIG_free(es);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = EVP_DigestVerifyInit_ex(ctx, &pctx, strcmp(alg, "EdDSA") == 0 ? NULL : md, NULL, NULL,
                                     pub, NULL) == 1;
    if (ok && strncmp(alg, "PS", 2) == 0)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    ok = ok && EVP_DigestVerify(ctx, der, der_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

static const char *const H_HS = "{\"alg\":\"HS256\",\"kid\":\"hs-1\",\"typ\":\"JWT\"}";
static const char *const P_STD =
    "{\"iss\":\"${ISS}\",\"aud\":\"${AUD}\",\"sub\":\"alice\",\"exp\":${EXP}}";

static char *tok_of(const char *h, const char *p, const char *alg, enum gc_sign_key key,
                    enum gc_token_mutation mut)
{
    struct gc_token_recipe r = {
        .header = h, .payload = p, .sign_alg = alg, .key = key, .mutation = mut};
    char err[256] = "";
    char *t = gc_build_token(g_m, &r, g_now, SSRF, err, sizeof(err));
    ck_assert_msg(t != NULL, "build failed: %s", err);
    return t;
}

/* --- the certificate truth table ------------------------------------------------- */

static const struct {
    const char *name;
    int valid;
    const char *identity;
    int admin;
} TRUTH[] = {
#define ROW(name, valid, id, admin) {#name, valid, id, admin},
    GC_CERT_LIST(ROW)
#undef ROW
};

/* The one OpenSSL verdict each kind must get (X509_V_OK: the chain is fine and
 * the defect, if any, is in the identity rules). */
static int expected_verify_error(enum gc_cert_kind k)
{
    switch (k) {
    case GC_CERT_ROGUE_CA_ADMIN:
        return X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
    case GC_CERT_SELF_SIGNED_ADMIN:
        return X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
    case GC_CERT_EXPIRED_ADMIN:
        return X509_V_ERR_CERT_HAS_EXPIRED;
    case GC_CERT_NOT_YET_VALID_ADMIN:
        return X509_V_ERR_CERT_NOT_YET_VALID;
    case GC_CERT_SERVER_AUTH_ONLY_ADMIN:
        return X509_V_ERR_INVALID_PURPOSE;
    case GC_CERT_LEAF_AS_CA_ADMIN:
        return X509_V_ERR_INVALID_CA;
    case GC_CERT_TOO_DEEP_ADMIN:
        return X509_V_ERR_CERT_CHAIN_TOO_LONG;
    case GC_CERT_PATHLEN_EXCEEDED_ADMIN:
        return X509_V_ERR_PATH_LENGTH_EXCEEDED;
    case GC_CERT_UNKNOWN_CRITICAL_ADMIN:
        return X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION;
    case GC_CERT_RSA1024_ADMIN:
        return X509_V_ERR_EE_KEY_TOO_SMALL;
    case GC_CERT_SHA1_ADMIN:
        return X509_V_ERR_CA_MD_TOO_WEAK;
    default:
        return X509_V_OK;
    }
}

/* Chain verification as the contract states it: anchor client-ca.pem only,
 * SSL client purpose, at most `cas_above` CAs above the leaf (anchor included;
 * OpenSSL's depth counts intermediates only), security level 2 (RSA >= 2048,
 * no SHA-1), strict RFC 5280 checks, at time t. */
static int chain_verify_flags(X509 *leaf, STACK_OF(X509) * chain, int cas_above, int64_t t,
                              unsigned long flags)
{
    char path[600];
    fx_path(path, sizeof(path), GC_FX_CLIENT_CA);
    X509_STORE *store = X509_STORE_new();
    ck_assert_int_eq(X509_STORE_load_file(store, path), 1);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    ck_assert_int_eq(X509_STORE_CTX_init(ctx, store, leaf, chain), 1);
    X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_SSL_CLIENT);
    X509_VERIFY_PARAM_set_depth(p, cas_above - 1);
    X509_VERIFY_PARAM_set_auth_level(p, 2);
    if (!(flags & X509_V_FLAG_NO_CHECK_TIME)) /* USE_CHECK_TIME would override it */
        X509_VERIFY_PARAM_set_time(p, (time_t)t);
    X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_X509_STRICT | flags);
    int rc = X509_verify_cert(ctx);
    int e = rc == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    ERR_clear_error();
    return e;
}

static int chain_verify(X509 *leaf, STACK_OF(X509) * chain, int cas_above, int64_t t)
{
    return chain_verify_flags(leaf, chain, cas_above, t, 0);
}

/* Our own model of a SPIFFE ID (SPIFFE-ID §2): lower-case scheme, trust
 * domain [a-z0-9.-_], one or more non-empty path segments of [A-Za-z0-9.-_]
 * that are not "." or "..", no trailing '/'. */
static int spiffe_ok(const char *u)
{
    if (strncmp(u, "spiffe://", 9) != 0)
        return 0;
    const char *p = u + 9, *slash = strchr(p, '/');
    if (slash == NULL || slash == p)
        return 0;
    for (; p < slash; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || strchr(".-_", *p)))
            return 0;
    while (*p != '\0') {
        if (*p != '/')
            return 0;
        const char *s = ++p;
        while (*p && *p != '/') {
            if (!(isalnum((unsigned char)*p) || strchr(".-_", *p)))
                return 0;
            p++;
        }
        size_t n = (size_t)(p - s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return 0;
    }
    return 1;
}

/* Exactly one URI SAN (copied into out) or 0. */
static int one_uri_san(X509 *leaf, char *out, size_t cap)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    int uris = 0;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type != GEN_URI)
            continue;
        uris++;
        snprintf(out, cap, "%.*s", ASN1_STRING_length(gn->d.uniformResourceIdentifier),
                 (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier));
    }
    GENERAL_NAMES_free(names);
    return uris == 1;
}

START_TEST(every_kind_has_a_shared_client)
{
    enum gc_cert_kind k = (enum gc_cert_kind)_i;
    struct gc_client *c = gc_material_client(g_m, k);
    ck_assert_msg(c != NULL, "no client for %s", TRUTH[k].name);
    ck_assert_ptr_eq(gc_material_client(g_m, k), c);
}
END_TEST

START_TEST(every_chain_matches_its_truth_row)
{
    enum gc_cert_kind k = (enum gc_cert_kind)_i;
    X509 *leaf = NULL;
    STACK_OF(X509) *chain = NULL;
    EVP_PKEY *key = NULL;
    ck_assert_int_eq(gc_material_cred(g_m, k, &leaf, &chain, &key), 0);
    ck_assert_int_eq(X509_check_private_key(leaf, key), 1);

    int e = chain_verify(leaf, chain, GC_FX_MAX_CHAIN_DEPTH, g_now);
    ck_assert_msg(e == expected_verify_error(k), "%s: OpenSSL said %d (%s), expected %d",
                  TRUTH[k].name, e, X509_verify_cert_error_string(e), expected_verify_error(k));
    int eku = (X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) &&
              (X509_get_extended_key_usage(leaf) & XKU_SSL_CLIENT);
    char uri[512] = "";
    int one = one_uri_san(leaf, uri, sizeof(uri));
    int valid = e == X509_V_OK && eku && one && spiffe_ok(uri);
    ck_assert_msg(valid == TRUTH[k].valid, "%s: model says %d, truth row %d", TRUTH[k].name, valid,
                  TRUTH[k].valid);
    if (valid) {
        ck_assert_str_eq(uri, TRUTH[k].identity);
        ck_assert_int_eq(strcmp(uri, GC_FX_ID_ADMIN) == 0, TRUTH[k].admin);
    }
}
END_TEST

/* The defect each kind carries is the only one: fix it and the chain passes. */
START_TEST(each_defect_is_the_only_one)
{
    X509 *leaf;
    STACK_OF(X509) * chain;
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_TOO_DEEP_ADMIN, &leaf, &chain, NULL), 0);
    ck_assert_int_eq(sk_X509_num(chain), GC_FX_MAX_CHAIN_DEPTH);
    ck_assert_int_eq(chain_verify(leaf, chain, GC_FX_MAX_CHAIN_DEPTH + 1, g_now), X509_V_OK);
    /* Time kinds: without the time check they pass; the edge is an hour away. */
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_EXPIRED_ADMIN, &leaf, &chain, NULL), 0);
    ck_assert_int_eq(
        chain_verify_flags(leaf, chain, GC_FX_MAX_CHAIN_DEPTH, g_now, X509_V_FLAG_NO_CHECK_TIME),
        X509_V_OK);
    ck_assert_int_eq(epoch_of(X509_get0_notAfter(leaf)), g_now - HOUR);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_NOT_YET_VALID_ADMIN, &leaf, &chain, NULL), 0);
    ck_assert_int_eq(
        chain_verify_flags(leaf, chain, GC_FX_MAX_CHAIN_DEPTH, g_now, X509_V_FLAG_NO_CHECK_TIME),
        X509_V_OK);
    ck_assert_int_eq(epoch_of(X509_get0_notBefore(leaf)), g_now + HOUR);
    /* The pathlen chain is within depth: only pathLenConstraint 0 breaks it. */
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_PATHLEN_EXCEEDED_ADMIN, &leaf, &chain, NULL), 0);
    ck_assert_int_eq(sk_X509_num(chain), 2);
    /* The leaf-as-CA admin is really signed by alice's leaf. */
    X509 *alice;
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_LEAF_AS_CA_ADMIN, &leaf, NULL, NULL), 0);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_ALICE, &alice, NULL, NULL), 0);
    ck_assert_int_eq(X509_verify(leaf, X509_get0_pubkey(alice)), 1);
    /* Rogue CA: same subject as the real client CA, other key. */
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_ROGUE_CA_ADMIN, &leaf, &chain, NULL), 0);
    ck_assert_int_eq(sk_X509_num(chain), 1);
    char path[600];
    fx_path(path, sizeof(path), GC_FX_CLIENT_CA);
    X509 *ca = gc_pki_read_cert_pem(path);
    ck_assert_int_eq(
        X509_NAME_cmp(X509_get_subject_name(ca), X509_get_subject_name(sk_X509_value(chain, 0))),
        0);
    ck_assert_int_ne(X509_verify(leaf, X509_get0_pubkey(ca)), 1);
    X509_free(ca);
    ERR_clear_error();
}
END_TEST

START_TEST(derived_leaves_have_the_stated_shape)
{
    X509 *leaf;
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_CN_ADMIN_SAN_ALICE, &leaf, NULL, NULL), 0);
    char cn[256];
    X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof(cn));
    ck_assert_str_eq(cn, GC_FX_ID_ADMIN);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_NO_EKU_ADMIN, &leaf, NULL, NULL), 0);
    ck_assert_int_eq(X509_get_ext_by_NID(leaf, NID_ext_key_usage, -1), -1);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_SERVER_AUTH_ONLY_ADMIN, &leaf, NULL, NULL), 0);
    ck_assert_uint_eq(X509_get_extended_key_usage(leaf), XKU_SSL_SERVER);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_RSA1024_ADMIN, &leaf, NULL, NULL), 0);
    ck_assert_int_eq(EVP_PKEY_get_bits(X509_get0_pubkey(leaf)), 1024);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_SHA1_ADMIN, &leaf, NULL, NULL), 0);
    ck_assert_int_eq(X509_get_signature_nid(leaf), NID_ecdsa_with_SHA1);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_TWO_URI_SANS, &leaf, NULL, NULL), 0);
    char uri[512];
    ck_assert_int_eq(one_uri_san(leaf, uri, sizeof(uri)), 0);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_DNS_SAN_ONLY_ADMIN, &leaf, NULL, NULL), 0);
    ck_assert_int_ge(X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1), 0);
    ck_assert_int_eq(one_uri_san(leaf, uri, sizeof(uri)), 0);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_NO_URI_SAN, &leaf, NULL, NULL), 0);
    ck_assert_int_eq(X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1), -1);
    /* Derived leaves: valid from now-1h to now+30d. */
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_TWO_URI_SANS, &leaf, NULL, NULL), 0);
    ck_assert_int_eq(epoch_of(X509_get0_notBefore(leaf)), g_now - HOUR);
    ck_assert_int_eq(epoch_of(X509_get0_notAfter(leaf)), g_now + 30 * 24 * HOUR);
}
END_TEST

START_TEST(none_has_no_credential)
{
    X509 *leaf = NULL;
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_NONE, &leaf, NULL, NULL), -1);
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_COUNT, &leaf, NULL, NULL), -1);
    ck_assert_ptr_null(gc_material_client(g_m, GC_CERT_COUNT));
    ck_assert_int_eq(gc_material_write_cred(g_m, GC_CERT_NONE, "/tmp/x", "/tmp/y"), -1);
}
END_TEST

static void *client_thread(void *arg)
{
    return gc_material_client(g_m, *(enum gc_cert_kind *)arg);
}

START_TEST(concurrent_client_calls_share_one_client)
{
    enum { N = 8 };
    enum gc_cert_kind k = GC_CERT_BOB;
    pthread_t t[N];
    void *got[N];
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, client_thread, &k), 0);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(pthread_join(t[i], &got[i]), 0);
    for (int i = 0; i < N; i++)
        ck_assert_ptr_eq(got[i], got[0]);
    ck_assert_ptr_nonnull(got[0]);
}
END_TEST

START_TEST(write_cred_round_trips)
{
    char cert[400], key[400];
    snprintf(cert, sizeof(cert), "%s/cred.pem", g_base);
    snprintf(key, sizeof(key), "%s/cred.key", g_base);
    ck_assert_int_eq(gc_material_write_cred(g_m, GC_CERT_TOO_DEEP_ADMIN, cert, key), 0);
    X509 *leaf;
    STACK_OF(X509) * chain;
    EVP_PKEY *k;
    ck_assert_int_eq(gc_material_cred(g_m, GC_CERT_TOO_DEEP_ADMIN, &leaf, &chain, &k), 0);
    FILE *f = fopen(cert, "r");
    ck_assert_ptr_nonnull(f);
    X509 *c;
    int n = 0;
    while ((c = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        ck_assert_int_eq(X509_cmp(c, n == 0 ? leaf : sk_X509_value(chain, n - 1)), 0);
        X509_free(c);
        n++;
    }
    fclose(f);
    ERR_clear_error();
    ck_assert_int_eq(n, 1 + sk_X509_num(chain));
    EVP_PKEY *back = gc_pki_read_key_pem(key);
    ck_assert_int_eq(EVP_PKEY_eq(back, k), 1);
    EVP_PKEY_free(back);
}
END_TEST

START_TEST(load_fails_cleanly)
{
    char err[512] = "";
    ck_assert_ptr_null(gc_material_load("/nonexistent/gatecrash", g_now, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    err[0] = '\0';
    ck_assert_ptr_null(gc_material_load(g_base, g_now, err, sizeof(err))); /* no target/ */
    ck_assert_int_ne(err[0], '\0');
    ck_assert_ptr_null(gc_material_load(NULL, g_now, err, sizeof(err)));
}
END_TEST

START_TEST(paths_canaries_and_secrets)
{
    ck_assert_ptr_nonnull(strstr(gc_material_target_dir(g_m), "/fx/target"));
    ck_assert_int_eq(gc_material_dir(g_m)[0], '/');
    ck_assert_str_eq(gc_material_helper(g_m), "/usr/bin/true");
    size_t n = 0;
    const struct gc_canary *cn = gc_material_canaries(g_m, &n);
    ck_assert_uint_eq(n, GC_FX_N_CANARIES);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(strlen(cn[i].token), GC_FX_CANARY_LEN);
        ck_assert_int_eq(cn[i].path[0], '/');
        FILE *f = fopen(cn[i].path, "r");
        ck_assert_ptr_nonnull(f);
        char line[128] = "";
        ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
        fclose(f);
        ck_assert_int_eq(strncmp(line, cn[i].token, GC_FX_CANARY_LEN), 0);
    }
    size_t ns = 0, nl = 0;
    const char *const *s = gc_material_secrets(g_m, &ns);
    const char *const *l = gc_material_secret_labels(g_m, &nl);
    ck_assert_uint_eq(ns, 5);
    ck_assert_uint_eq(nl, ns);
    size_t len;
    uint8_t *hs = read_all(GC_FX_JWT_PUB_DIR "/hs-1.key", &len);
    ck_assert_uint_eq(len, GC_FX_HMAC_LEN);
    char hex[2 * GC_FX_HMAC_LEN + 1];
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", hs[i]);
    ck_assert_str_eq(s[0], hex);
    uint8_t dec[64];
    ck_assert_int_eq(gc_b64url_decode(s[1], strlen(s[1]), dec, sizeof(dec)), (int)len);
    ck_assert_mem_eq(dec, hs, len);
    ck_assert_str_eq(s[2], "-----BEGIN PRIVATE KEY-----");
    ck_assert_str_eq(s[3], "-----BEGIN EC PRIVATE KEY-----");
    ck_assert_str_eq(s[4], "-----BEGIN RSA PRIVATE KEY-----");
    for (size_t i = 0; i < nl; i++)
        ck_assert_ptr_nonnull(l[i]);
    free(hs);
}
END_TEST

/* --- tokens ------------------------------------------------------------------------- */

static const struct {
    const char *alg;
    const char *kid;
} POSITIVE[] = {
    {"RS256", "rsa-1"}, {"RS384", "rsa-1"}, {"RS512", "rsa-1"}, {"PS256", "rsa-1"},
    {"PS384", "rsa-1"}, {"PS512", "rsa-1"}, {"ES256", "ec-1"},  {"EdDSA", "ed-1"},
    {"HS256", "hs-1"},  {"HS384", "hs-1"},  {"HS512", "hs-1"},
};

static int fixture_verifies(const char *tok, const char *alg, const char *kid)
{
    if (strncmp(alg, "HS", 2) == 0) {
        size_t len;
        uint8_t *hs = read_all(GC_FX_JWT_PUB_DIR "/hs-1.key", &len);
        int ok = verify_jws(tok, alg, NULL, hs, len);
        free(hs);
        return ok;
    }
    char rel[128];
    snprintf(rel, sizeof(rel), GC_FX_JWT_PUB_DIR "/%s.pub.pem", kid);
    EVP_PKEY *pub = read_pub(rel);
    int ok = verify_jws(tok, alg, pub, NULL, 0);
    EVP_PKEY_free(pub);
    return ok;
}

START_TEST(fixture_key_tokens_verify_with_the_public_key)
{
    const char *alg = POSITIVE[_i].alg, *kid = POSITIVE[_i].kid;
    char h[128];
    snprintf(h, sizeof(h), "{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
    char *t = tok_of(h, P_STD, alg, GC_KEY_FIXTURE, GC_TOKMUT_NONE);
    ck_assert_uint_eq(count_char(t, '.'), 2);
    ck_assert_msg(fixture_verifies(t, alg, kid), "%s token does not verify", alg);
    uint8_t hb[256];
    int hn = segment(t, 0, hb, sizeof(hb));
    ck_assert_int_eq(hn, (int)strlen(h));
    ck_assert_mem_eq(hb, h, strlen(h)); /* header bytes exactly as written */
    free(t);
}
END_TEST

START_TEST(attacker_key_tokens_do_not_verify)
{
    const char *alg = POSITIVE[_i].alg, *kid = POSITIVE[_i].kid;
    char *t = tok_of("{\"alg\":\"x\"}", P_STD, alg, GC_KEY_ATTACKER, GC_TOKMUT_NONE);
    ck_assert_msg(!fixture_verifies(t, alg, kid), "%s attacker token verifies", alg);
    const char *rel = strncmp(alg, "ES", 2) == 0 ? GC_FX_ATTACKER_EC_KEY
                      : strncmp(alg, "HS", 2) == 0 || strcmp(alg, "EdDSA") == 0
                          ? NULL
                          : GC_FX_ATTACKER_RSA_KEY;
    if (rel != NULL) { /* ... but does with the attacker's own key */
        EVP_PKEY *k = read_priv(rel);
        ck_assert(verify_jws(t, alg, k, NULL, 0));
        EVP_PKEY_free(k);
    }
    free(t);
}
END_TEST

START_TEST(attacker_es384_signs_with_a_p384_key)
{
    char *t = tok_of("{}", "{}", "ES384", GC_KEY_ATTACKER, GC_TOKMUT_NONE);
    uint8_t sig[SIG_MAX];
    ck_assert_int_eq(segment(t, 2, sig, sizeof(sig)), 96);
    free(t);
}
END_TEST

static void check_hmac_over(const char *tok, const uint8_t *key, size_t key_len)
{
    ck_assert(verify_jws(tok, "HS256", NULL, key, key_len));
}

START_TEST(confusion_tokens_are_hmacs_over_public_key_bytes)
{
    size_t rl, el;
    uint8_t *rsa_pem = read_all(GC_FX_JWT_PUB_DIR "/rsa-1.pub.pem", &rl);
    uint8_t *ec_pem = read_all(GC_FX_JWT_PUB_DIR "/ec-1.pub.pem", &el);
    const char *h = "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}";
    char *t = tok_of(h, P_STD, "HS256", GC_KEY_RSA_PUB_PEM_AS_HMAC, GC_TOKMUT_NONE);
    check_hmac_over(t, rsa_pem, rl);
    free(t);
    t = tok_of(h, P_STD, "HS256", GC_KEY_EC_PUB_PEM_AS_HMAC, GC_TOKMUT_NONE);
    check_hmac_over(t, ec_pem, el);
    free(t);
    EVP_PKEY *pub = read_pub(GC_FX_JWT_PUB_DIR "/rsa-1.pub.pem");
    unsigned char *der = NULL;
    int dl = i2d_PUBKEY(pub, &der);
    t = tok_of(h, P_STD, "HS256", GC_KEY_RSA_PUB_DER_AS_HMAC, GC_TOKMUT_NONE);
    check_hmac_over(t, der, (size_t)dl);
    ck_assert(!verify_jws(t, "HS256", NULL, rsa_pem, rl)); /* PEM and DER differ */
    free(t);
    OPENSSL_free(der);
    EVP_PKEY_free(pub);
    free(rsa_pem);
    free(ec_pem);
}
END_TEST

START_TEST(empty_hmac_key_is_the_empty_string)
{
    char *t = tok_of("{\"alg\":\"HS256\",\"kid\":\"/dev/null\"}", P_STD, "HS256", GC_KEY_EMPTY_HMAC,
                     GC_TOKMUT_NONE);
    ck_assert(verify_jws(t, "HS256", NULL, (const uint8_t *)"", 0));
    ck_assert(!fixture_verifies(t, "HS256", "hs-1"));
    free(t);
}
END_TEST

START_TEST(key_none_gives_an_empty_signature)
{
    char *t = tok_of("{\"alg\":\"none\"}", P_STD, "none", GC_KEY_NONE, GC_TOKMUT_NONE);
    ck_assert_uint_eq(count_char(t, '.'), 2);
    ck_assert_int_eq(t[strlen(t) - 1], '.');
    free(t);
    t = tok_of("{\"alg\":\"nOnE\"}", P_STD, NULL, GC_KEY_NONE, GC_TOKMUT_NONE);
    ck_assert_int_eq(t[strlen(t) - 1], '.');
    free(t);
}
END_TEST

START_TEST(placeholders_are_substituted)
{
    const char *p = "{\"iss\":\"${ISS}\",\"aud\":\"${AUD}\",\"now\":${NOW},\"exp\":${EXP},"
                    "\"past\":${PAST},\"fut\":${FUTURE},\"ok\":${LEEWAY_EDGE_OK},"
                    "\"bad\":${LEEWAY_EDGE_BAD},\"u\":\"${SSRF_URL}\",\"jwk\":${ATTACKER_JWK}}";
    char *t = tok_of(H_HS, p, "HS256", GC_KEY_FIXTURE, GC_TOKMUT_NONE);
    json_t *j = payload_json(t);
    ck_assert_str_eq(json_string_value(json_object_get(j, "iss")), GC_FX_ISSUER);
    ck_assert_str_eq(json_string_value(json_object_get(j, "aud")), GC_FX_AUDIENCE);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "now")), g_now);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "exp")), g_now + 600);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "past")), g_now - 3600);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "fut")), g_now + 3600);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "ok")),
                     g_now - GC_FX_LEEWAY_S + GC_LEEWAY_MARGIN_S);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "bad")),
                     g_now - GC_FX_LEEWAY_S - GC_LEEWAY_MARGIN_S);
    ck_assert_str_eq(json_string_value(json_object_get(j, "u")), SSRF);
    /* ${ATTACKER_JWK} is the attacker's EC public key. */
    EVP_PKEY *pk = NULL;
    uint8_t sec[8];
    size_t sl = 0;
    ck_assert_int_eq(gc_jwk_load(json_object_get(j, "jwk"), &pk, sec, sizeof(sec), &sl), 0);
    EVP_PKEY *att = read_priv(GC_FX_ATTACKER_EC_KEY);
    ck_assert_int_eq(EVP_PKEY_eq(pk, att), 1);
    ck_assert_uint_eq(json_object_size(json_object_get(j, "jwk")), 4); /* no private "d" */
    EVP_PKEY_free(att);
    EVP_PKEY_free(pk);
    json_decref(j);
    free(t);
}
END_TEST

static const struct {
    const char *name;
    const char *header, *payload;
    const char *alg;
    enum gc_sign_key key;
    const char *ssrf;
    const char *err_has;
} BAD_RECIPES[] = {
    {"unknown placeholder", "{}", "{\"sub\":\"${SUB}\"}", "HS256", GC_KEY_FIXTURE, SSRF, "${SUB}"},
    {"unknown placeholder in header", "{\"kid\":\"${KID}\"}", "{}", "HS256", GC_KEY_FIXTURE, SSRF,
     "${KID}"},
    {"lower-case placeholder", "{}", "{\"iss\":\"${iss}\"}", "HS256", GC_KEY_FIXTURE, SSRF,
     "unknown"},
    {"empty placeholder", "{}", "{\"x\":\"${}\"}", "HS256", GC_KEY_FIXTURE, SSRF, "unknown"},
    {"placeholder name running into JSON", "{}", "{\"iss\":\"${ISS\"}", "HS256", GC_KEY_FIXTURE,
     SSRF, "${ISS\"}"},
    {"unterminated placeholder", "{}", "{\"iss\":\"${ISS", "HS256", GC_KEY_FIXTURE, SSRF,
     "unterminated"},
    {"SSRF_URL without a listener", "{\"jku\":\"${SSRF_URL}\"}", "{}", "RS256", GC_KEY_FIXTURE,
     NULL, "SSRF"},
    {"no fixture ES384 key", "{}", "{}", "ES384", GC_KEY_FIXTURE, SSRF, "no fixture key"},
    {"unknown alg", "{}", "{}", "XS256", GC_KEY_FIXTURE, SSRF, "no fixture key"},
    {"confusion with RS256", "{}", "{}", "RS256", GC_KEY_RSA_PUB_PEM_AS_HMAC, SSRF, "HS"},
    {"no sign_alg", "{}", "{}", NULL, GC_KEY_FIXTURE, SSRF, "sign_alg"},
    {"no payload", "{}", NULL, "HS256", GC_KEY_FIXTURE, SSRF, "payload"},
    {"no header", NULL, "{}", "HS256", GC_KEY_FIXTURE, SSRF, "header"},
};

START_TEST(bad_recipes_are_errors)
{
    struct gc_token_recipe r = {.header = BAD_RECIPES[_i].header,
                                .payload = BAD_RECIPES[_i].payload,
                                .sign_alg = BAD_RECIPES[_i].alg,
                                .key = BAD_RECIPES[_i].key};
    char err[256] = "";
    char *t = gc_build_token(g_m, &r, g_now, BAD_RECIPES[_i].ssrf, err, sizeof(err));
    ck_assert_msg(t == NULL, "%s: built %s", BAD_RECIPES[_i].name, t);
    ck_assert_msg(strstr(err, BAD_RECIPES[_i].err_has) != NULL, "%s: err \"%s\"",
                  BAD_RECIPES[_i].name, err);
}
END_TEST

/* Base and mutated token with the deterministic HS256 fixture key. */
static char *hs(enum gc_token_mutation mut)
{
    return tok_of(H_HS, P_STD, "HS256", GC_KEY_FIXTURE, mut);
}

static const char *sig_of(const char *t)
{
    return strrchr(t, '.') + 1;
}

START_TEST(mutation_strip_and_drop_signature)
{
    char *base = hs(GC_TOKMUT_NONE);
    char *strip = hs(GC_TOKMUT_STRIP_SIG), *drop = hs(GC_TOKMUT_DROP_SIG_SEGMENT);
    size_t hp = (size_t)(strrchr(base, '.') - base);
    ck_assert_uint_eq(strlen(strip), hp + 1);
    ck_assert_int_eq(strncmp(strip, base, hp + 1), 0);
    ck_assert_uint_eq(strlen(drop), hp);
    ck_assert_int_eq(strncmp(drop, base, hp), 0);
    ck_assert_uint_eq(count_char(drop, '.'), 1);
    free(base);
    free(strip);
    free(drop);
}
END_TEST

START_TEST(mutation_extra_segment_and_padding)
{
    char *base = hs(GC_TOKMUT_NONE), *extra = hs(GC_TOKMUT_EXTRA_SEGMENT),
         *pad = hs(GC_TOKMUT_PAD_B64);
    char want[TOK_CAP];
    snprintf(want, sizeof(want), "%s.x", base);
    ck_assert_str_eq(extra, want);
    ck_assert_uint_eq(count_char(extra, '.'), 3);
    /* HS256: 32 bytes → 43 base64url characters, one '=' of padding. */
    ck_assert_uint_eq(strlen(sig_of(base)), 43);
    snprintf(want, sizeof(want), "%s=", base);
    ck_assert_str_eq(pad, want);
    free(base);
    free(extra);
    free(pad);
    /* A signature that needs two: ES256 (64 bytes → 86 characters). */
    char *es = tok_of("{}", "{}", "ES256", GC_KEY_FIXTURE, GC_TOKMUT_PAD_B64);
    ck_assert_uint_eq(strlen(sig_of(es)), 88);
    ck_assert_str_eq(sig_of(es) + 86, "==");
    free(es);
}
END_TEST

static void check_std_b64(const char *payload)
{
    char *base = tok_of(H_HS, payload, "HS256", GC_KEY_FIXTURE, GC_TOKMUT_NONE);
    char *std = tok_of(H_HS, payload, "HS256", GC_KEY_FIXTURE, GC_TOKMUT_STD_B64);
    const char *p = strchr(std, '.') + 1;
    size_t pn = (size_t)(strchr(p, '.') - p);
    int std_chars = 0;
    for (size_t i = 0; i < pn; i++) {
        ck_assert(p[i] != '-' && p[i] != '_');
        std_chars += p[i] == '+' || p[i] == '/';
    }
    ck_assert_int_gt(std_chars, 0);
    /* Back to base64url, the payload holds every original claim. */
    char back[TOK_CAP];
    snprintf(back, sizeof(back), "%s", std);
    for (char *c = back; *c; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    json_t *orig = payload_json(base), *now_ = payload_json(back);
    const char *k;
    json_t *v;
    json_object_foreach(orig, k, v) ck_assert(json_equal(v, json_object_get(now_, k)));
    json_decref(orig);
    json_decref(now_);
    free(base);
    free(std);
}

START_TEST(mutation_std_base64_alphabet)
{
    /* "{}" encodes as "e30": no '-' or '_', so a filler claim is added. */
    check_std_b64("{}");
    check_std_b64(P_STD);
    check_std_b64("{\"sub\":\"??\?>>>\"}");
}
END_TEST

START_TEST(mutation_psychic_and_der_ecdsa)
{
    char *ps = tok_of("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", P_STD, "ES256", GC_KEY_FIXTURE,
                      GC_TOKMUT_PSYCHIC_ECDSA);
    uint8_t sig[SIG_MAX], zero[64] = {0};
    ck_assert_int_eq(segment(ps, 2, sig, sizeof(sig)), 64);
    ck_assert_mem_eq(sig, zero, 64);
    free(ps);

    char *der = tok_of("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", P_STD, "ES256", GC_KEY_FIXTURE,
                       GC_TOKMUT_DER_ECDSA);
    int n = segment(der, 2, sig, sizeof(sig));
    ck_assert_int_gt(n, 64 - 2);
    ck_assert_int_eq(sig[0], 0x30); /* SEQUENCE */
    const unsigned char *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, n);
    ck_assert_ptr_nonnull(es);
    ck_assert_ptr_eq(p, sig + n);
    ECDSA_SIG_free(es);
    /* It is the genuine signature: OpenSSL verifies the DER directly. */
    EVP_PKEY *pub = read_pub(GC_FX_JWT_PUB_DIR "/ec-1.pub.pem");
    const char *dot = strrchr(der, '.');
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    ck_assert_int_eq(EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, pub, NULL), 1);
    ck_assert_int_eq(
        EVP_DigestVerify(ctx, sig, (size_t)n, (const uint8_t *)der, (size_t)(dot - der)), 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pub);
    free(der);

    /* DER needs an ECDSA signature to start from. */
    struct gc_token_recipe r = {.header = "{}",
                                .payload = "{}",
                                .sign_alg = "HS256",
                                .key = GC_KEY_FIXTURE,
                                .mutation = GC_TOKMUT_DER_ECDSA};
    char err[256] = "";
    ck_assert_ptr_null(gc_build_token(g_m, &r, g_now, SSRF, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "DER_ECDSA"));
}
END_TEST

START_TEST(mutation_json_serialization)
{
    char *base = hs(GC_TOKMUT_NONE), *js = hs(GC_TOKMUT_JSON_SERIALIZATION);
    json_t *j = json_loads(js, JSON_REJECT_DUPLICATES, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_uint_eq(json_object_size(j), 3);
    char want[TOK_CAP];
    snprintf(want, sizeof(want), "%s.%s.%s", json_string_value(json_object_get(j, "protected")),
             json_string_value(json_object_get(j, "payload")),
             json_string_value(json_object_get(j, "signature")));
    ck_assert_str_eq(want, base);
    ck_assert_ptr_null(strpbrk(js, " \r\n"));
    json_decref(j);
    free(base);
    free(js);
}
END_TEST

START_TEST(mutation_flip_one_signature_bit)
{
    char *base = hs(GC_TOKMUT_NONE), *flip = hs(GC_TOKMUT_FLIP_SIG_BIT);
    uint8_t a[SIG_MAX], b[SIG_MAX];
    int an = segment(base, 2, a, sizeof(a)), bn = segment(flip, 2, b, sizeof(b));
    ck_assert_int_eq(an, 32);
    ck_assert_int_eq(bn, an);
    int bits = 0;
    for (int i = 0; i < an; i++)
        bits += __builtin_popcount((unsigned)(a[i] ^ b[i]));
    ck_assert_int_eq(bits, 1);
    ck_assert_int_eq(strncmp(base, flip, (size_t)(strrchr(base, '.') - base)), 0);
    ck_assert(!fixture_verifies(flip, "HS256", "hs-1"));
    free(base);
    free(flip);
}
END_TEST

START_TEST(mutation_huge_is_past_8k_and_still_signed)
{
    char *t = hs(GC_TOKMUT_HUGE);
    ck_assert_uint_gt(strlen(t), HUGE_MIN);
    ck_assert_uint_lt(strlen(t), HUGE_MAX);
    ck_assert(fixture_verifies(t, "HS256", "hs-1"));
    json_t *j = payload_json(t);
    ck_assert_str_eq(json_string_value(json_object_get(j, "sub")), "alice");
    ck_assert_uint_gt(strlen(json_string_value(json_object_get(j, "pad"))), 7000);
    json_decref(j);
    free(t);
    t = tok_of(H_HS, "{ }", "HS256", GC_KEY_FIXTURE, GC_TOKMUT_HUGE); /* empty object */
    j = payload_json(t);
    ck_assert_uint_eq(json_object_size(j), 1);
    json_decref(j);
    free(t);
}
END_TEST

/* --- requests ------------------------------------------------------------------------ */

static int build(const struct gc_case *c, struct gc_built *b)
{
    char err[256] = "";
    int rc = gc_build_case(g_m, c, g_now, PORT, SSRF, b, err, sizeof(err));
    if (rc == 0)
        return 0;
    ck_assert_int_ne(err[0], '\0');
    ck_assert_uint_eq(b->n_req, 0);
    ck_assert_ptr_null(b->token);
    return rc;
}

static void assert_req(const struct gc_built *b, size_t i, const char *want)
{
    ck_assert_uint_eq(b->req_len[i], strlen(want));
    ck_assert_msg(memcmp(b->req[i], want, strlen(want)) == 0, "got %.*s", (int)b->req_len[i],
                  (const char *)b->req[i]);
}

START_TEST(request_plain_get)
{
    struct gc_case c = {.id = "t", .target = "/public"};
    struct gc_built b;
    ck_assert_int_eq(build(&c, &b), 0);
    ck_assert_uint_eq(b.n_req, 1);
    assert_req(&b, 0,
               "GET /public HTTP/1.1\r\nHost: localhost:8443\r\n"
               "Connection: keep-alive\r\n\r\n");
    ck_assert_ptr_null(b.token);
    ck_assert_uint_eq(b.n_secrets, 0);
    ck_assert_int_eq(b.head_request[0], 0);
    gc_built_free(&b);
    gc_built_free(&b); /* idempotent */
}
END_TEST

START_TEST(request_with_token_headers_and_method)
{
    struct gc_case c = {
        .id = "t",
        .method = "HEAD",
        .target = "/whoami",
        .token = {.header = H_HS, .payload = P_STD, .sign_alg = "HS256", .key = GC_KEY_FIXTURE},
        .headers = {"X-Forwarded-For: 10.99.0.1", "X-A: b"}};
    struct gc_built b;
    ck_assert_int_eq(build(&c, &b), 0);
    char want[TOK_CAP];
    snprintf(want, sizeof(want),
             "HEAD /whoami HTTP/1.1\r\nHost: localhost:8443\r\nAuthorization: Bearer %s\r\n"
             "X-Forwarded-For: 10.99.0.1\r\nX-A: b\r\nConnection: keep-alive\r\n\r\n",
             b.token);
    assert_req(&b, 0, want);
    ck_assert_int_eq(b.head_request[0], 1);
    ck_assert(fixture_verifies(b.token, "HS256", "hs-1"));
    /* The leak oracle looks for the signature segment. */
    ck_assert_uint_eq(b.n_secrets, 1);
    ck_assert_str_eq(b.secrets[0], sig_of(b.token));
    gc_built_free(&b);

    c.token.scheme = "bearer";
    c.method = NULL;
    ck_assert_int_eq(build(&c, &b), 0);
    ck_assert_ptr_nonnull(memmem(b.req[0], b.req_len[0], "Authorization: bearer ey", 24));
    ck_assert_int_eq(b.head_request[0], 0);
    gc_built_free(&b);
    c.token.scheme = ""; /* the token alone */
    ck_assert_int_eq(build(&c, &b), 0);
    ck_assert_ptr_nonnull(memmem(b.req[0], b.req_len[0], "Authorization: ey", 17));
    gc_built_free(&b);
}
END_TEST

START_TEST(request_host_and_connection_overrides)
{
    struct gc_case c = {
        .id = "t", .target = "/admin", .headers = {"host: evil.test", "Connection: close"}};
    struct gc_built b;
    ck_assert_int_eq(build(&c, &b), 0);
    assert_req(&b, 0, "GET /admin HTTP/1.1\r\nhost: evil.test\r\nConnection: close\r\n\r\n");
    gc_built_free(&b);
    /* Known placeholders in header lines; anything else stays literal. */
    struct gc_case e = {.id = "t",
                        .target = "/public",
                        .headers = {"X-Api-Key: ${HMAC_SECRET_HEX}", "X-Log: ${jndi:x} ${HOST}",
                                    "X-Iss: ${ISS} ${NOW}$", "X-Open: ${HOST"}};
    size_t ns;
    const char *const *sec = gc_material_secrets(g_m, &ns);
    ck_assert_int_eq(build(&e, &b), 0);
    char want[1024];
    snprintf(want, sizeof(want),
             "GET /public HTTP/1.1\r\nHost: localhost:8443\r\nX-Api-Key: %s\r\n"
             "X-Log: ${jndi:x} localhost:8443\r\nX-Iss: " GC_FX_ISSUER " %lld$\r\n"
             "X-Open: ${HOST\r\nConnection: keep-alive\r\n\r\n",
             sec[0], (long long)g_now);
    assert_req(&b, 0, want);
    gc_built_free(&b);
    /* "Hostx:" is not Host. */
    struct gc_case d = {.id = "t", .target = "/", .headers = {"Hostx: a"}};
    ck_assert_int_eq(build(&d, &b), 0);
    assert_req(&b, 0,
               "GET / HTTP/1.1\r\nHost: localhost:8443\r\nHostx: a\r\n"
               "Connection: keep-alive\r\n\r\n");
    gc_built_free(&b);
}
END_TEST

START_TEST(request_pipelined_pair)
{
    struct gc_case c = {
        .id = "t",
        .target = "/whoami",
        .action = GC_ACT_PIPELINE,
        .second_target = "/whoami",
        .token = {.header = H_HS, .payload = P_STD, .sign_alg = "HS256", .key = GC_KEY_FIXTURE}};
    struct gc_built b;
    ck_assert_int_eq(build(&c, &b), 0);
    ck_assert_uint_eq(b.n_req, 2);
    ck_assert_ptr_nonnull(memmem(b.req[0], b.req_len[0], "Authorization: Bearer ", 22));
    assert_req(&b, 1,
               "GET /whoami HTTP/1.1\r\nHost: localhost:8443\r\n"
               "Connection: keep-alive\r\n\r\n");
    gc_built_free(&b);
    c.second_target = NULL;
    ck_assert_int_eq(build(&c, &b), -1);
}
END_TEST

START_TEST(request_raw_bytes_and_host_placeholder)
{
    static const char RAW[] = "GET /public HTTP/1.1\r\nHost: ${HOST}\r\nX: a\0b\r\n\r\n";
    struct gc_case c = {.id = "t", .raw = RAW, .raw_len = sizeof(RAW) - 1, .target = "/ignored"};
    struct gc_built b;
    ck_assert_int_eq(build(&c, &b), 0);
    static const char WANT[] = "GET /public HTTP/1.1\r\nHost: localhost:8443\r\nX: a\0b\r\n\r\n";
    ck_assert_uint_eq(b.req_len[0], sizeof(WANT) - 1);
    ck_assert_mem_eq(b.req[0], WANT, sizeof(WANT) - 1);
    gc_built_free(&b);
    /* raw_len 0 = strlen; ${TOKEN} takes the built token; HEAD detected. */
    struct gc_case d = {
        .id = "t",
        .raw = "HEAD / HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n",
        .token = {.header = H_HS, .payload = P_STD, .sign_alg = "HS256", .key = GC_KEY_FIXTURE}};
    ck_assert_int_eq(build(&d, &b), 0);
    char want[TOK_CAP];
    snprintf(want, sizeof(want), "HEAD / HTTP/1.1\r\nAuthorization: Bearer %s\r\n\r\n", b.token);
    assert_req(&b, 0, want);
    ck_assert_int_eq(b.head_request[0], 1);
    gc_built_free(&b);
}
END_TEST

START_TEST(request_errors_and_posture)
{
    struct gc_built b;
    struct gc_case none = {.id = "t"};
    ck_assert_int_eq(build(&none, &b), -1);
    struct gc_case posture = {.id = "hardening.not-root", .action = GC_ACT_POSTURE};
    ck_assert_int_eq(build(&posture, &b), 0);
    ck_assert_uint_eq(b.n_req, 0);
    gc_built_free(&b);
    struct gc_case badtok = {.id = "t",
                             .target = "/",
                             .token = {.header = "{}",
                                       .payload = "{\"a\":${NOPE}}",
                                       .sign_alg = "HS256",
                                       .key = GC_KEY_FIXTURE}};
    ck_assert_int_eq(build(&badtok, &b), -1);
}
END_TEST

START_TEST(request_no_secret_for_short_or_constant_signatures)
{
    struct gc_case c = {
        .id = "t",
        .target = "/",
        .token = {.header = "{\"alg\":\"none\"}", .payload = "{}", .key = GC_KEY_NONE}};
    struct gc_built b;
    ck_assert_int_eq(build(&c, &b), 0);
    ck_assert_uint_eq(b.n_secrets, 0);
    gc_built_free(&b);
    c.token = (struct gc_token_recipe){.header = "{}",
                                       .payload = "{}",
                                       .sign_alg = "ES256",
                                       .key = GC_KEY_NONE,
                                       .mutation = GC_TOKMUT_PSYCHIC_ECDSA};
    ck_assert_int_eq(build(&c, &b), 0);
    ck_assert_uint_eq(b.n_secrets, 0);
    gc_built_free(&b);
    c.token = (struct gc_token_recipe){.header = H_HS,
                                       .payload = "{}",
                                       .sign_alg = "HS256",
                                       .key = GC_KEY_FIXTURE,
                                       .mutation = GC_TOKMUT_JSON_SERIALIZATION};
    ck_assert_int_eq(build(&c, &b), 0);
    ck_assert_uint_eq(b.n_secrets, 1);
    ck_assert_uint_eq(strlen(b.secrets[0]), 43);
    ck_assert_ptr_nonnull(strstr(b.token, b.secrets[0]));
    gc_built_free(&b);
}
END_TEST

static int unhex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* RFC 3986 §2.1 decoder, upper-case hex only (what the encoder writes). */
static int pct_decode(const char *in, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o >= cap)
            return -1;
        if (in[i] != '%') {
            if (!(isalnum((unsigned char)in[i]) || strchr("-._~", in[i])) || in[i] == '\0')
                return -1;
            out[o++] = (uint8_t)in[i];
            continue;
        }
        if (i + 2 >= n)
            return -1;
        int hi = unhex(in[i + 1]), lo = unhex(in[i + 2]);
        if (hi < 0 || lo < 0)
            return -1;
        out[o++] = (uint8_t)(hi * 16 + lo);
        i += 2;
    }
    return (int)o;
}

START_TEST(run_arg_every_byte_round_trips)
{
    uint8_t arg[256];
    for (int i = 0; i < 256; i++)
        arg[i] = (uint8_t)i;
    struct gc_case c = {.id = "run.t", .run_arg = (const char *)arg + 1, .run_arg_len = 255};
    struct gc_built b;
    ck_assert_int_eq(build(&c, &b), 0);
    const char *pfx = "GET /run?arg=";
    ck_assert_int_eq(memcmp(b.req[0], pfx, strlen(pfx)), 0);
    const char *q = (const char *)b.req[0] + strlen(pfx);
    const char *sp = memchr(q, ' ', b.req_len[0] - strlen(pfx));
    ck_assert_ptr_nonnull(sp);
    uint8_t dec[512];
    ck_assert_int_eq(pct_decode(q, (size_t)(sp - q), dec, sizeof(dec)), 255);
    ck_assert_mem_eq(dec, arg + 1, 255);
    gc_built_free(&b);
    /* NUL itself (run_arg_len counts it). */
    struct gc_case z = {.id = "run.t", .run_arg = "a\0b", .run_arg_len = 3};
    ck_assert_int_eq(build(&z, &b), 0);
    assert_req(&b, 0,
               "GET /run?arg=a%00b HTTP/1.1\r\nHost: localhost:8443\r\n"
               "Connection: keep-alive\r\n\r\n");
    gc_built_free(&b);
}
END_TEST

START_TEST(pct_encode_each_single_byte)
{
    uint8_t in = (uint8_t)_i;
    char out[4];
    size_t n = gc_pct_encode(&in, 1, out, sizeof(out));
    int unreserved = isalnum(_i) || _i == '-' || _i == '.' || _i == '_' || _i == '~';
    ck_assert_uint_eq(n, unreserved ? 1 : 3);
    uint8_t dec[2];
    ck_assert_int_eq(pct_decode(out, n, dec, sizeof(dec)), 1);
    ck_assert_int_eq(dec[0], _i);
}
END_TEST

START_TEST(pct_encode_truncates_like_snprintf)
{
    const uint8_t in[] = "a b";
    char out[8];
    ck_assert_uint_eq(gc_pct_encode(in, 3, NULL, 0), 5);
    ck_assert_uint_eq(gc_pct_encode(in, 3, out, 6), 5); /* exactly fits */
    ck_assert_str_eq(out, "a%20b");
    ck_assert_uint_eq(gc_pct_encode(in, 3, out, 5), 5); /* one short: truncated */
    ck_assert_str_eq(out, "a%20");
    ck_assert_uint_eq(gc_pct_encode(in, 0, out, 1), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

/* --- the catalogue ------------------------------------------------------------------------ */

static const char *family_kid(const char *alg)
{
    return strncmp(alg, "HS", 2) == 0   ? "hs-1"
           : strncmp(alg, "ES", 2) == 0 ? "ec-1"
           : strcmp(alg, "EdDSA") == 0  ? "ed-1"
                                        : "rsa-1";
}

START_TEST(every_catalogue_case_builds)
{
    size_t n = 0;
    const struct gc_case *c = &gc_catalogue(&n)[_i];
    struct gc_built b;
    char err[256] = "";
    ck_assert_msg(gc_build_case(g_m, c, g_now, PORT, SSRF, &b, err, sizeof(err)) == 0, "%s: %s",
                  c->id, err);
    size_t want = c->action == GC_ACT_POSTURE ? 0 : c->action == GC_ACT_PIPELINE ? 2 : 1;
    ck_assert_msg(b.n_req == want, "%s: %zu requests", c->id, b.n_req);
    ck_assert_msg((b.token != NULL) == (c->token.header != NULL && want > 0), "%s: token", c->id);
    for (size_t i = 0; i < b.n_req && c->raw == NULL; i++)
        ck_assert_msg(b.req_len[i] >= 4 && memcmp(b.req[i] + b.req_len[i] - 4, "\r\n\r\n", 4) == 0,
                      "%s: request %zu does not end the header section", c->id, i);
    if (b.token != NULL && c->raw == NULL)
        ck_assert_msg(memmem(b.req[0], b.req_len[0], b.token, strlen(b.token)) != NULL,
                      "%s: token not sent", c->id);
    /* A fixture-signed, unmutated token really is signed by the family key. */
    if (b.token != NULL && c->token.key == GC_KEY_FIXTURE &&
        (c->token.mutation == GC_TOKMUT_NONE || c->token.mutation == GC_TOKMUT_HUGE))
        ck_assert_msg(fixture_verifies(b.token, c->token.sign_alg, family_kid(c->token.sign_alg)),
                      "%s: token does not verify with the %s fixture key", c->id,
                      c->token.sign_alg);
    ck_assert_msg(gc_material_client(g_m, c->cert) != NULL, "%s: no client", c->id);
    gc_built_free(&b);
}
END_TEST

/* The catalogue's truth table and ours come from the same X-macro. */
START_TEST(catalogue_truth_rows_match)
{
    enum gc_cert_kind k = (enum gc_cert_kind)_i;
    const struct gc_cert_truth *t = gc_cert_truth(k);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->valid, TRUTH[k].valid);
    ck_assert_int_eq(t->admin, TRUTH[k].admin);
    if (TRUTH[k].identity)
        ck_assert_str_eq(t->identity, TRUTH[k].identity);
    else
        ck_assert_ptr_null(t->identity);
}
END_TEST

/* --- suite ----------------------------------------------------------------------------- */

static Suite *builder_suite(void)
{
    Suite *s = suite_create("builder");
    TCase *m = tcase_create("material");
    tcase_add_loop_test(m, every_kind_has_a_shared_client, 0, GC_CERT_COUNT);
    tcase_add_loop_test(m, every_chain_matches_its_truth_row, 1, GC_CERT_COUNT);
    tcase_add_test(m, each_defect_is_the_only_one);
    tcase_add_test(m, derived_leaves_have_the_stated_shape);
    tcase_add_test(m, none_has_no_credential);
    tcase_add_test(m, concurrent_client_calls_share_one_client);
    tcase_add_test(m, write_cred_round_trips);
    tcase_add_test(m, load_fails_cleanly);
    tcase_add_test(m, paths_canaries_and_secrets);
    tcase_set_timeout(m, 60);
    suite_add_tcase(s, m);

    TCase *t = tcase_create("token");
    int npos = (int)(sizeof(POSITIVE) / sizeof(POSITIVE[0]));
    tcase_add_loop_test(t, fixture_key_tokens_verify_with_the_public_key, 0, npos);
    tcase_add_loop_test(t, attacker_key_tokens_do_not_verify, 0, npos);
    tcase_add_test(t, attacker_es384_signs_with_a_p384_key);
    tcase_add_test(t, confusion_tokens_are_hmacs_over_public_key_bytes);
    tcase_add_test(t, key_none_gives_an_empty_signature);
    tcase_add_test(t, empty_hmac_key_is_the_empty_string);
    tcase_add_test(t, placeholders_are_substituted);
    tcase_add_loop_test(t, bad_recipes_are_errors, 0,
                        (int)(sizeof(BAD_RECIPES) / sizeof(BAD_RECIPES[0])));
    tcase_add_test(t, mutation_strip_and_drop_signature);
    tcase_add_test(t, mutation_extra_segment_and_padding);
    tcase_add_test(t, mutation_std_base64_alphabet);
    tcase_add_test(t, mutation_psychic_and_der_ecdsa);
    tcase_add_test(t, mutation_json_serialization);
    tcase_add_test(t, mutation_flip_one_signature_bit);
    tcase_add_test(t, mutation_huge_is_past_8k_and_still_signed);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);

    TCase *r = tcase_create("request");
    tcase_add_test(r, request_plain_get);
    tcase_add_test(r, request_with_token_headers_and_method);
    tcase_add_test(r, request_host_and_connection_overrides);
    tcase_add_test(r, request_pipelined_pair);
    tcase_add_test(r, request_raw_bytes_and_host_placeholder);
    tcase_add_test(r, request_errors_and_posture);
    tcase_add_test(r, request_no_secret_for_short_or_constant_signatures);
    tcase_add_test(r, run_arg_every_byte_round_trips);
    tcase_add_loop_test(r, pct_encode_each_single_byte, 0, 256);
    tcase_add_test(r, pct_encode_truncates_like_snprintf);
    suite_add_tcase(s, r);

    TCase *c = tcase_create("catalogue");
    size_t n = 0;
    gc_catalogue(&n);
    tcase_add_loop_test(c, every_catalogue_case_builds, 0, (int)n);
    tcase_add_loop_test(c, catalogue_truth_rows_match, 0, GC_CERT_COUNT);
    tcase_set_timeout(c, 60);
    suite_add_tcase(s, c);
    return s;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(void)
{
    snprintf(g_base, sizeof(g_base), "/tmp/gc-builder-XXXXXX");
    if (mkdtemp(g_base) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(g_dir, sizeof(g_dir), "%s/fx", g_base);
    char err[512] = "";
    struct gc_fixtures_opts fo = {.dir = g_dir, .helper = "/bin/true"};
    if (gc_fixtures_generate(&fo, err, sizeof(err)) != 0) {
        fprintf(stderr, "fixtures: %s\n", err);
        return 1;
    }
    g_now = (int64_t)time(NULL);
    g_m = gc_material_load(g_dir, g_now, err, sizeof(err));
    if (g_m == NULL) {
        fprintf(stderr, "material: %s\n", err);
        return 1;
    }
    SRunner *sr = srunner_create(builder_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    gc_material_free(g_m);
    nftw(g_base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return failures ? 1 : 0;
}
