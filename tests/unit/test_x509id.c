/* test_x509id.c: gk_x509id_verify / _der, gk_x509_chain_verify, gk_spiffe_id_valid.
 * Certificates come from the harness PKI factory (harness/pki.h), built once in
 * an unchecked fixture; every case names what it proves. */
#include <check.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gk/x509id.h"
#include "pki.h"

#define NOW INT64_C(1767225600) /* 2026-01-01T00:00:00Z */
#define DAY INT64_C(86400)
#define NOT_BEFORE (NOW - DAY)
#define NOT_AFTER (NOW + 365 * DAY)
#define ALICE "spiffe://gatecrash.test/user/alice"
#define ADMIN "spiffe://gatecrash.test/admin"
#define CA_CN "gatecrash client CA"
#define DEFAULT_DEPTH 3
#define MAX_UNTRUSTED (GK_X509_MAX_CHAIN + 1)
#define GARBAGE_LEN 1

/* ---- PKI fixture ------------------------------------------------------------ */

static EVP_PKEY *ca_key, *int_key, *int2_key, *int3_key, *leaf_key, *rogue_key, *rsa1024_key,
    *rsa2048_key, *p384_key, *ed_key;
static X509 *ca, *int1, *int2, *int3, *rogue_ca, *lookalike_ca, *rsa_int;
static X509_STORE *store;

static struct gc_cert_spec ca_spec(const char *cn)
{
    struct gc_cert_spec s;

    memset(&s, 0, sizeof(s));
    s.subject_cn = cn;
    s.subject_o = "gatecrash";
    s.is_ca = 1;
    s.path_len = -1;
    s.not_before = NOT_BEFORE;
    s.not_after = NOT_AFTER;
    return s;
}

static struct gc_cert_spec leaf_spec(void)
{
    struct gc_cert_spec s;

    memset(&s, 0, sizeof(s));
    s.subject_cn = "alice";
    s.uri_sans[0] = ALICE;
    s.n_uri_sans = 1;
    s.path_len = -1;
    s.eku_client_auth = 1;
    s.not_before = NOT_BEFORE;
    s.not_after = NOT_AFTER;
    return s;
}

static X509 *must(X509 *x)
{
    if (x == NULL) {
        ERR_print_errors_fp(stderr);
        abort();
    }
    return x;
}

static EVP_PKEY *must_key(enum gc_key_type t)
{
    EVP_PKEY *k = gc_pki_keygen(t);

    if (k == NULL)
        abort();
    return k;
}

static void pki_setup(void)
{
    struct gc_cert_spec s;

    ca_key = must_key(GC_KEY_EC_P256);
    int_key = must_key(GC_KEY_EC_P256);
    int2_key = must_key(GC_KEY_EC_P256);
    int3_key = must_key(GC_KEY_EC_P256);
    leaf_key = must_key(GC_KEY_EC_P256);
    rogue_key = must_key(GC_KEY_EC_P256);
    rsa1024_key = must_key(GC_KEY_RSA1024);
    rsa2048_key = must_key(GC_KEY_RSA2048);
    p384_key = must_key(GC_KEY_EC_P384);
    ed_key = must_key(GC_KEY_ED25519);

    s = ca_spec(CA_CN);
    ca = must(gc_pki_issue(&s, ca_key, NULL, ca_key));
    s = ca_spec("intermediate 1");
    int1 = must(gc_pki_issue(&s, int_key, ca, ca_key));
    s = ca_spec("intermediate 2");
    int2 = must(gc_pki_issue(&s, int2_key, int1, int_key));
    s = ca_spec("intermediate 3");
    int3 = must(gc_pki_issue(&s, int3_key, int2, int2_key));
    s = ca_spec("rogue CA");
    rogue_ca = must(gc_pki_issue(&s, rogue_key, NULL, rogue_key));
    /* Same subject as the real CA, self-signed with another key. */
    s = ca_spec(CA_CN);
    lookalike_ca = must(gc_pki_issue(&s, rogue_key, NULL, rogue_key));
    s = ca_spec("rsa intermediate");
    rsa_int = must(gc_pki_issue(&s, rsa2048_key, ca, ca_key));

    store = X509_STORE_new();
    if (store == NULL || X509_STORE_add_cert(store, ca) != 1)
        abort();
}

static void pki_teardown(void)
{
    X509_STORE_free(store);
    X509 *certs[] = {ca, int1, int2, int3, rogue_ca, lookalike_ca, rsa_int};
    for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++)
        X509_free(certs[i]);
    EVP_PKEY *keys[] = {ca_key,    int_key,     int2_key,    int3_key, leaf_key,
                        rogue_key, rsa1024_key, rsa2048_key, p384_key, ed_key};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        EVP_PKEY_free(keys[i]);
}

/* ---- a case: a leaf + untrusted chain built on demand ---------------------- */

struct chain {
    X509 *leaf;
    STACK_OF(X509) *untrusted;
};

static void chain_push(struct chain *c, X509 *x)
{
    if (c->untrusted == NULL)
        c->untrusted = sk_X509_new_null();
    ck_assert_ptr_nonnull(c->untrusted);
    ck_assert_int_gt(X509_up_ref(x), 0);
    ck_assert_int_gt(sk_X509_push(c->untrusted, x), 0);
}

static void chain_free(struct chain *c)
{
    X509_free(c->leaf);
    sk_X509_pop_free(c->untrusted, X509_free);
}

/* Leaf from `s` with leaf_key, issued by issuer (NULL → self-signed). */
static X509 *issue(const struct gc_cert_spec *s, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
    return must(gc_pki_issue(s, key, issuer, issuer_key));
}

typedef void (*build_fn)(struct chain *c);

static void b_direct(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, leaf_key, ca, ca_key);
}

static void b_via_int1(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, leaf_key, int1, int_key);
    chain_push(c, int1);
}

/* leaf ← int2 ← int1 ← CA: three CAs above the leaf. */
static void b_via_int2(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, leaf_key, int2, int2_key);
    chain_push(c, int2);
    chain_push(c, int1);
}

/* leaf ← int3 ← int2 ← int1 ← CA: four CAs above the leaf. */
static void b_via_int3(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, leaf_key, int3, int3_key);
    chain_push(c, int3);
    chain_push(c, int2);
    chain_push(c, int1);
}

static void b_lookalike_leaf(struct chain *c)
{
    /* Self-signed, same subject as the CA, and otherwise a perfect client cert. */
    struct gc_cert_spec s = leaf_spec();
    s.subject_cn = CA_CN;
    s.subject_o = "gatecrash";
    c->leaf = issue(&s, rogue_key, NULL, rogue_key);
}

static void b_lookalike_issuer(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, leaf_key, lookalike_ca, rogue_key);
    chain_push(c, lookalike_ca);
}

static void b_rogue_ca(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, leaf_key, rogue_ca, rogue_key);
    chain_push(c, rogue_ca);
}

#define LEAF_BUILDER(name, stmt)                                                                   \
    static void name(struct chain *c)                                                              \
    {                                                                                              \
        struct gc_cert_spec s = leaf_spec();                                                       \
        stmt;                                                                                      \
        c->leaf = issue(&s, leaf_key, ca, ca_key);                                                 \
    }

LEAF_BUILDER(b_expired, s.not_after = NOW - 1)
LEAF_BUILDER(b_not_yet_valid, s.not_before = NOW + 1)
LEAF_BUILDER(b_not_before_is_now, s.not_before = NOW)
LEAF_BUILDER(b_not_after_is_now, s.not_after = NOW)
LEAF_BUILDER(b_not_after_is_now_plus_1, s.not_after = NOW + 1)
LEAF_BUILDER(b_server_auth_only, (s.eku_client_auth = 0, s.eku_server_auth = 1))
LEAF_BUILDER(b_client_and_server_auth, s.eku_server_auth = 1)
LEAF_BUILDER(b_no_eku, s.eku_client_auth = 0)
LEAF_BUILDER(b_leaf_is_ca,
             (s.is_ca = 1, s.key_usage = X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_KEY_CERT_SIGN))
LEAF_BUILDER(b_leaf_ca_false_no_bc, s.no_basic_constraints = 1)
LEAF_BUILDER(b_leaf_ku_cert_sign_only, s.key_usage = X509v3_KU_KEY_CERT_SIGN)
LEAF_BUILDER(b_leaf_ku_key_encipherment_only, s.key_usage = X509v3_KU_KEY_ENCIPHERMENT)
LEAF_BUILDER(b_no_san, s.n_uri_sans = 0)
LEAF_BUILDER(b_dns_san_only,
             (s.n_uri_sans = 0, s.dns_sans[0] = "alice.gatecrash.test", s.n_dns_sans = 1))
LEAF_BUILDER(b_two_uri_sans, (s.uri_sans[1] = ADMIN, s.n_uri_sans = 2))
LEAF_BUILDER(b_two_identical_uri_sans, (s.uri_sans[1] = ALICE, s.n_uri_sans = 2))
LEAF_BUILDER(b_uri_dns_ip_sans, (s.dns_sans[0] = "alice.gatecrash.test", s.n_dns_sans = 1,
                                 s.ip_sans[0] = "127.0.0.1", s.n_ip_sans = 1))
LEAF_BUILDER(b_cn_admin_san_user, s.subject_cn = ADMIN)
LEAF_BUILDER(b_no_subject, (s.subject_cn = NULL, s.subject_o = NULL))
LEAF_BUILDER(b_san_uppercase_scheme, s.uri_sans[0] = "SPIFFE://gatecrash.test/user/alice")
LEAF_BUILDER(b_san_https, s.uri_sans[0] = "https://gatecrash.test/user/alice")
LEAF_BUILDER(b_san_evil_td, s.uri_sans[0] = "spiffe://gatecrash.test.evil/admin")
LEAF_BUILDER(b_unknown_critical, s.unknown_critical_ext = 1)
LEAF_BUILDER(b_sha1_leaf, s.md = EVP_sha1())
LEAF_BUILDER(b_sha384_leaf, s.md = EVP_sha384())

static void b_rsa1024_leaf(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, rsa1024_key, ca, ca_key);
}

static void b_rsa2048_leaf(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, rsa2048_key, ca, ca_key);
}

static void b_p384_leaf(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, p384_key, ca, ca_key);
}

static void b_ed25519_leaf(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, ed_key, ca, ca_key);
}

/* Intermediate whose own certificate is fine but which signs the leaf with MD5. */
static void b_md5_signed_by_rsa_int(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    s.md = EVP_md5();
    c->leaf = issue(&s, leaf_key, rsa_int, rsa2048_key);
    chain_push(c, rsa_int);
}

static void b_sha256_signed_by_rsa_int(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    c->leaf = issue(&s, leaf_key, rsa_int, rsa2048_key);
    chain_push(c, rsa_int);
}

/* Intermediate signed with SHA-1 by the CA; the leaf itself is SHA-256. */
static void b_sha1_intermediate(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("sha1 intermediate");
    s.md = EVP_sha1();
    X509 *i = issue(&s, int_key, ca, ca_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, i, int_key);
    chain_push(c, i);
    X509_free(i);
}

/* Intermediate with a weak RSA-1024 key (CA's signature over it is SHA-256). */
static void b_rsa1024_intermediate(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("weak intermediate");
    X509 *i = issue(&s, rsa1024_key, ca, ca_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, i, rsa1024_key);
    chain_push(c, i);
    X509_free(i);
}

static void b_int_ca_false(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("not a CA");
    s.is_ca = 0;
    s.key_usage = X509v3_KU_KEY_CERT_SIGN | X509v3_KU_DIGITAL_SIGNATURE;
    X509 *i = issue(&s, int_key, ca, ca_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, i, int_key);
    chain_push(c, i);
    X509_free(i);
}

static void b_int_no_basic_constraints(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("no basicConstraints");
    s.no_basic_constraints = 1;
    s.key_usage = X509v3_KU_KEY_CERT_SIGN;
    X509 *i = issue(&s, int_key, ca, ca_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, i, int_key);
    chain_push(c, i);
    X509_free(i);
}

static void b_int_unknown_critical(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("critical intermediate");
    s.unknown_critical_ext = 1;
    X509 *i = issue(&s, int_key, ca, ca_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, i, int_key);
    chain_push(c, i);
    X509_free(i);
}

static void b_int_eku_server_only(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("serverAuth intermediate");
    s.eku_server_auth = 1;
    X509 *i = issue(&s, int_key, ca, ca_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, i, int_key);
    chain_push(c, i);
    X509_free(i);
}

/* pathLen 0 on the first intermediate, yet a second intermediate under it. */
static void b_pathlen_exceeded(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("pathlen 0");
    s.path_len = 0;
    X509 *a = issue(&s, int_key, ca, ca_key);
    s = ca_spec("below pathlen 0");
    X509 *b = issue(&s, int_key, a, int_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, b, int_key);
    chain_push(c, b);
    chain_push(c, a);
    X509_free(a);
    X509_free(b);
}

/* pathLen 0 with the leaf directly below: exactly at the limit. */
static void b_pathlen_at_limit(struct chain *c)
{
    struct gc_cert_spec s = ca_spec("pathlen 0");
    s.path_len = 0;
    X509 *a = issue(&s, int_key, ca, ca_key);
    s = leaf_spec();
    c->leaf = issue(&s, leaf_key, a, int_key);
    chain_push(c, a);
    X509_free(a);
}

static void b_untrusted_at_limit(struct chain *c)
{
    b_via_int1(c);
    for (int i = 1; i < GK_X509_MAX_CHAIN; i++)
        chain_push(c, rogue_ca); /* unrelated extras: path building ignores them */
}

static void b_untrusted_past_limit(struct chain *c)
{
    b_untrusted_at_limit(c);
    chain_push(c, rogue_ca);
}

/* Leaf whose URI SAN is replaced with `uri` of length `len` (may hold NUL),
 * then re-signed by the CA: pki.h takes C strings, so bytes go in here. */
static X509 *leaf_with_raw_uri(const char *uri, int len)
{
    struct gc_cert_spec s = leaf_spec();
    X509 *x = issue(&s, leaf_key, ca, ca_key);
    GENERAL_NAMES *names = GENERAL_NAMES_new();
    GENERAL_NAME *gn = GENERAL_NAME_new();
    ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();

    ck_assert(names && gn && ia5);
    ck_assert_int_eq(ASN1_STRING_set(ia5, uri, len), 1);
    GENERAL_NAME_set0_value(gn, GEN_URI, ia5);
    ck_assert_int_gt(sk_GENERAL_NAME_push(names, gn), 0);
    ck_assert_int_eq(X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_REPLACE), 1);
    GENERAL_NAMES_free(names);
    ck_assert_int_gt(X509_sign(x, ca_key, EVP_sha256()), 0);
    return x;
}

static void b_san_embedded_nul(struct chain *c)
{
    static const char uri[] = "spiffe://gatecrash.test/admin\0/user/alice";
    c->leaf = leaf_with_raw_uri(uri, (int)sizeof(uri) - 1);
}

static char long_uri[GK_X509_MAX_IDENTITY + 2];

/* "spiffe://gatecrash.test/aaaa…" of exactly `len` bytes. */
static const char *make_long_uri(size_t len)
{
    static const char prefix[] = "spiffe://gatecrash.test/";

    ck_assert_uint_lt(len, sizeof(long_uri));
    memcpy(long_uri, prefix, sizeof(prefix) - 1);
    memset(long_uri + sizeof(prefix) - 1, 'a', len - (sizeof(prefix) - 1));
    long_uri[len] = '\0';
    return long_uri;
}

static void b_identity_at_limit(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    s.uri_sans[0] = make_long_uri(GK_X509_MAX_IDENTITY);
    c->leaf = issue(&s, leaf_key, ca, ca_key);
}

static void b_identity_past_limit(struct chain *c)
{
    struct gc_cert_spec s = leaf_spec();
    s.uri_sans[0] = make_long_uri(GK_X509_MAX_IDENTITY + 1);
    c->leaf = issue(&s, leaf_key, ca, ca_key);
}

/* ---- the table ------------------------------------------------------------------ */

struct vcase {
    const char *name;
    build_fn build;
    int64_t now;
    int max_depth;
    enum gk_status want;
    const char *identity; /* when want == GK_OK */
    int want_verr;        /* X509_V_ERR_* expected in openssl_verify_error, -1 = don't care */
};

#define OK_(n, b, d)                                                                               \
    {                                                                                              \
        n, b, NOW, d, GK_OK, ALICE, X509_V_OK                                                      \
    }
#define NO_(n, b, st, verr)                                                                        \
    {                                                                                              \
        n, b, NOW, DEFAULT_DEPTH, st, NULL, verr                                                   \
    }

static const struct vcase vcases[] = {
    OK_("valid leaf issued directly by the client CA", b_direct, DEFAULT_DEPTH),
    OK_("valid leaf via one untrusted intermediate", b_via_int1, DEFAULT_DEPTH),
    OK_("direct leaf at max_chain_depth 1 (anchor only)", b_direct, 1),
    {"one intermediate is one past max_chain_depth 1", b_via_int1, NOW, 1, GK_E_X509_DEPTH, NULL,
     X509_V_ERR_CERT_CHAIN_TOO_LONG},
    OK_("one intermediate at max_chain_depth 2", b_via_int1, 2),
    OK_("three CAs above the leaf at max_chain_depth 3", b_via_int2, 3),
    {"three CAs above the leaf is one past max_chain_depth 2", b_via_int2, NOW, 2, GK_E_X509_DEPTH,
     NULL, X509_V_ERR_CERT_CHAIN_TOO_LONG},
    OK_("four CAs above the leaf at max_chain_depth 4", b_via_int3, 4),
    {"four CAs above the leaf is one past max_chain_depth 3", b_via_int3, NOW, 3, GK_E_X509_DEPTH,
     NULL, X509_V_ERR_CERT_CHAIN_TOO_LONG},
    {"max_chain_depth 0 is not a policy", b_direct, NOW, 0, GK_E_ARG, NULL, X509_V_OK},
    {"negative max_chain_depth is not a policy", b_direct, NOW, -1, GK_E_ARG, NULL, X509_V_OK},
    NO_("self-signed look-alike of the CA as the leaf", b_lookalike_leaf, GK_E_X509_CHAIN, -1),
    NO_("leaf issued by a look-alike of the CA (same subject, other key)", b_lookalike_issuer,
        GK_E_X509_CHAIN, -1),
    NO_("leaf issued by a rogue CA", b_rogue_ca, GK_E_X509_CHAIN, -1),
    NO_("expired leaf (notAfter = now - 1)", b_expired, GK_E_X509_TIME,
        X509_V_ERR_CERT_HAS_EXPIRED),
    NO_("not yet valid leaf (notBefore = now + 1)", b_not_yet_valid, GK_E_X509_TIME,
        X509_V_ERR_CERT_NOT_YET_VALID),
    OK_("valid at exactly notBefore (RFC 5280 4.1.2.5 inclusive)", b_not_before_is_now,
        DEFAULT_DEPTH),
    OK_("valid one second before notAfter", b_not_after_is_now_plus_1, DEFAULT_DEPTH),
    /* OpenSSL's X509_cmp_time counts now == notAfter as expired, one second
     * stricter than RFC 5280 4.1.2.5; documented in docs/conformance/x509-limbo.md. */
    NO_("refused at exactly notAfter (OpenSSL: notAfter exclusive)", b_not_after_is_now,
        GK_E_X509_TIME, X509_V_ERR_CERT_HAS_EXPIRED),
    NO_("EKU serverAuth only", b_server_auth_only, GK_E_X509_EKU, X509_V_ERR_INVALID_PURPOSE),
    OK_("EKU clientAuth and serverAuth", b_client_and_server_auth, DEFAULT_DEPTH),
    NO_("no EKU extension (OpenSSL accepts, we do not)", b_no_eku, GK_E_X509_EKU, X509_V_OK),
    NO_("leaf keyUsage keyEncipherment only fails the SSL client purpose",
        b_leaf_ku_key_encipherment_only, GK_E_X509_EKU, X509_V_ERR_INVALID_PURPOSE),
    NO_("non-CA leaf with keyUsage keyCertSign (X509_STRICT)", b_leaf_ku_cert_sign_only,
        GK_E_X509_CHAIN, X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA),
    NO_("leaf with basicConstraints CA:TRUE", b_leaf_is_ca, GK_E_X509_CA_LEAF, X509_V_OK),
    OK_("leaf without basicConstraints", b_leaf_ca_false_no_bc, DEFAULT_DEPTH),
    NO_("intermediate with CA:FALSE", b_int_ca_false, GK_E_X509_CHAIN, X509_V_ERR_INVALID_CA),
    NO_("intermediate without basicConstraints", b_int_no_basic_constraints, GK_E_X509_CHAIN,
        X509_V_ERR_INVALID_CA),
    NO_("intermediate with EKU serverAuth only", b_int_eku_server_only, GK_E_X509_CHAIN,
        X509_V_ERR_INVALID_PURPOSE),
    NO_("pathLenConstraint 0 with an intermediate below", b_pathlen_exceeded, GK_E_X509_CHAIN,
        X509_V_ERR_PATH_LENGTH_EXCEEDED),
    OK_("pathLenConstraint 0 with the leaf directly below", b_pathlen_at_limit, DEFAULT_DEPTH),
    NO_("no subjectAltName", b_no_san, GK_E_X509_SAN, X509_V_OK),
    NO_("zero URI SANs (DNS SAN only)", b_dns_san_only, GK_E_X509_SAN, X509_V_OK),
    NO_("two URI SANs", b_two_uri_sans, GK_E_X509_SAN, X509_V_OK),
    NO_("two identical URI SANs", b_two_identical_uri_sans, GK_E_X509_SAN, X509_V_OK),
    OK_("one URI SAN beside DNS and IP SANs", b_uri_dns_ip_sans, DEFAULT_DEPTH),
    OK_("CN says admin, SAN says alice: identity is the SAN", b_cn_admin_san_user, DEFAULT_DEPTH),
    OK_("empty subject, critical SAN", b_no_subject, DEFAULT_DEPTH),
    NO_("URI SAN with upper-case scheme", b_san_uppercase_scheme, GK_E_X509_SAN, X509_V_OK),
    NO_("URI SAN that is not spiffe", b_san_https, GK_E_X509_SAN, X509_V_OK),
    {"look-alike trust domain is a valid, different identity", b_san_evil_td, NOW, DEFAULT_DEPTH,
     GK_OK, "spiffe://gatecrash.test.evil/admin", X509_V_OK},
    NO_("URI SAN with an embedded NUL", b_san_embedded_nul, GK_E_X509_SAN, X509_V_OK),
    {"identity of exactly GK_X509_MAX_IDENTITY bytes", b_identity_at_limit, NOW, DEFAULT_DEPTH,
     GK_OK, NULL, X509_V_OK},
    NO_("identity one byte past GK_X509_MAX_IDENTITY", b_identity_past_limit, GK_E_X509_SAN,
        X509_V_OK),
    NO_("unknown critical extension on the leaf", b_unknown_critical, GK_E_X509_CHAIN,
        X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION),
    NO_("unknown critical extension on the intermediate", b_int_unknown_critical, GK_E_X509_CHAIN,
        X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION),
    NO_("RSA-1024 leaf key", b_rsa1024_leaf, GK_E_X509_WEAK, X509_V_OK),
    OK_("RSA-2048 leaf key", b_rsa2048_leaf, DEFAULT_DEPTH),
    OK_("P-384 leaf key", b_p384_leaf, DEFAULT_DEPTH),
    OK_("Ed25519 leaf key", b_ed25519_leaf, DEFAULT_DEPTH),
    NO_("RSA-1024 intermediate key", b_rsa1024_intermediate, GK_E_X509_WEAK, X509_V_OK),
    NO_("leaf signed with SHA-1", b_sha1_leaf, GK_E_X509_WEAK, X509_V_OK),
    OK_("leaf signed with SHA-384", b_sha384_leaf, DEFAULT_DEPTH),
    NO_("intermediate signed with SHA-1", b_sha1_intermediate, GK_E_X509_WEAK, X509_V_OK),
    NO_("leaf signed with MD5 by an RSA intermediate", b_md5_signed_by_rsa_int, GK_E_X509_WEAK, -1),
    OK_("leaf signed with SHA-256 by an RSA intermediate", b_sha256_signed_by_rsa_int,
        DEFAULT_DEPTH),
    OK_("GK_X509_MAX_CHAIN untrusted certificates", b_untrusted_at_limit, DEFAULT_DEPTH),
    NO_("GK_X509_MAX_CHAIN + 1 untrusted certificates", b_untrusted_past_limit, GK_E_LIMIT,
        X509_V_OK),
};

START_TEST(verify_table)
{
    const struct vcase *v = &vcases[_i];
    struct chain c = {NULL, NULL};
    struct gk_x509id_policy pol = {store, v->max_depth};
    struct gk_x509id out;
    enum gk_status st;

    v->build(&c);
    ERR_clear_error(); /* whatever the factory left; the verifier must add nothing */
    memset(&out, 0x5a, sizeof(out));
    st = gk_x509id_verify(c.leaf, c.untrusted, &pol, v->now, &out);
    ck_assert_msg(st == v->want, "%s: got %s (X509_V_ERR %d), want %s", v->name, gk_status_name(st),
                  out.openssl_verify_error, gk_status_name(v->want));
    if (v->want_verr >= 0)
        ck_assert_msg(out.openssl_verify_error == v->want_verr, "%s: X509_V_ERR %d, want %d",
                      v->name, out.openssl_verify_error, v->want_verr);
    if (st == GK_OK) {
        const char *want = v->identity ? v->identity : long_uri;
        ck_assert_str_eq(out.identity, want);
        ck_assert_uint_eq(out.identity_len, strlen(want));
    } else {
        ck_assert_uint_eq(out.identity_len, 0);
        ck_assert_int_eq(out.identity[0], '\0');
    }
    /* Nothing left on the thread's OpenSSL error queue. */
    ck_assert_uint_eq(ERR_peek_error(), 0);
    chain_free(&c);
}
END_TEST

/* ---- argument and DER entry points ---------------------------------------------- */

START_TEST(null_leaf_is_no_cert)
{
    struct gk_x509id_policy pol = {store, DEFAULT_DEPTH};
    struct gk_x509id out;

    ck_assert_int_eq(gk_x509id_verify(NULL, NULL, &pol, NOW, &out), GK_E_X509_NO_CERT);
    ck_assert_int_eq(gk_x509id_verify_der(NULL, NULL, 0, &pol, NOW, &out), GK_E_X509_NO_CERT);
    ck_assert_int_eq(
        gk_x509_chain_verify(NULL, NULL, store, DEFAULT_DEPTH, NOW, NID_client_auth, NULL),
        GK_E_X509_NO_CERT);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
    struct chain c = {NULL, NULL};
    struct gk_x509id_policy nostore = {NULL, DEFAULT_DEPTH};
    struct gk_x509id out;

    b_direct(&c);
    ck_assert_int_eq(gk_x509id_verify(c.leaf, NULL, NULL, NOW, &out), GK_E_ARG);
    ck_assert_int_eq(gk_x509id_verify(c.leaf, NULL, &nostore, NOW, &out), GK_E_ARG);
    ck_assert_int_eq(gk_x509_chain_verify(c.leaf, NULL, store, DEFAULT_DEPTH, NOW, NID_undef, NULL),
                     GK_E_ARG);
    ck_assert_int_eq(
        gk_x509_chain_verify(c.leaf, NULL, store, DEFAULT_DEPTH, NOW, NID_code_sign, NULL),
        GK_E_ARG);
    chain_free(&c);
}
END_TEST

/* The chain layer alone: EKU absence is the leaf profile's business, and the
 * serverAuth purpose is selectable (what the limbo SERVER cases use). */
START_TEST(chain_verify_purpose_is_selectable)
{
    struct chain c = {NULL, NULL};
    int verr = -1;

    b_no_eku(&c);
    ck_assert_int_eq(gk_x509_chain_verify(c.leaf, NULL, store, 1, NOW, NID_client_auth, &verr),
                     GK_OK);
    ck_assert_int_eq(verr, X509_V_OK);
    chain_free(&c);
    memset(&c, 0, sizeof(c));
    b_server_auth_only(&c);
    ck_assert_int_eq(gk_x509_chain_verify(c.leaf, NULL, store, 1, NOW, NID_server_auth, &verr),
                     GK_OK);
    ck_assert_int_eq(gk_x509_chain_verify(c.leaf, NULL, store, 1, NOW, NID_client_auth, &verr),
                     GK_E_X509_EKU);
    ck_assert_int_eq(verr, X509_V_ERR_INVALID_PURPOSE);
    chain_free(&c);
}
END_TEST

/* The shared store is never changed, and its own settings cannot loosen ours. */
START_TEST(shared_store_is_not_mutated_and_cannot_loosen)
{
    struct chain c = {NULL, NULL};
    X509_STORE *partial = X509_STORE_new();
    struct gk_x509id_policy pol = {partial, DEFAULT_DEPTH};
    struct gk_x509id out;
    unsigned long flags_before;

    /* An intermediate as anchor plus PARTIAL_CHAIN, NO_CHECK_TIME and
     * IGNORE_CRITICAL on the store: gk_x509id_verify must still refuse. */
    ck_assert_ptr_nonnull(partial);
    ck_assert_int_eq(X509_STORE_add_cert(partial, int1), 1);
    ck_assert_int_eq(X509_STORE_set_flags(partial, X509_V_FLAG_PARTIAL_CHAIN |
                                                       X509_V_FLAG_NO_CHECK_TIME |
                                                       X509_V_FLAG_IGNORE_CRITICAL),
                     1);
    flags_before = X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(partial));
    b_via_int1(&c);
    ck_assert_int_eq(gk_x509id_verify(c.leaf, NULL, &pol, NOW, &out), GK_E_X509_CHAIN);
    ck_assert_uint_eq(X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(partial)), flags_before);
    ck_assert_int_eq(X509_VERIFY_PARAM_get_depth(X509_STORE_get0_param(partial)), -1);
    chain_free(&c);
    X509_STORE_free(partial);

    /* The real store: same flags and depth after a verification as before. */
    flags_before = X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(store));
    memset(&c, 0, sizeof(c));
    b_direct(&c);
    pol.trust = store;
    ck_assert_int_eq(gk_x509id_verify(c.leaf, NULL, &pol, NOW, &out), GK_OK);
    ck_assert_uint_eq(X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(store)), flags_before);
    ck_assert_int_eq(X509_VERIFY_PARAM_get_depth(X509_STORE_get0_param(store)), -1);
    chain_free(&c);
}
END_TEST

struct der {
    unsigned char *buf[MAX_UNTRUSTED + 1];
    size_t len[MAX_UNTRUSTED + 1];
    size_t n;
};

static void der_add(struct der *d, X509 *x, size_t extra)
{
    unsigned char *p = NULL;
    int len = i2d_X509(x, &p);

    ck_assert_int_gt(len, 0);
    d->buf[d->n] = OPENSSL_malloc((size_t)len + extra);
    ck_assert_ptr_nonnull(d->buf[d->n]);
    memcpy(d->buf[d->n], p, (size_t)len);
    memset(d->buf[d->n] + len, 0, extra);
    d->len[d->n] = (size_t)len + extra;
    d->n++;
    OPENSSL_free(p);
}

static void der_free(struct der *d)
{
    for (size_t i = 0; i < d->n; i++)
        OPENSSL_free(d->buf[i]);
}

static enum gk_status der_verify(struct der *d, struct gk_x509id *out)
{
    struct gk_x509id_policy pol = {store, DEFAULT_DEPTH};

    return gk_x509id_verify_der((const uint8_t *const *)d->buf, d->len, d->n, &pol, NOW, out);
}

START_TEST(der_chain_verifies)
{
    struct chain c = {NULL, NULL};
    struct der d = {{NULL}, {0}, 0};
    struct gk_x509id out;

    b_via_int1(&c);
    der_add(&d, c.leaf, 0);
    der_add(&d, int1, 0);
    ck_assert_int_eq(der_verify(&d, &out), GK_OK);
    ck_assert_str_eq(out.identity, ALICE);
    der_free(&d);
    chain_free(&c);
}
END_TEST

START_TEST(der_trailing_garbage_is_refused)
{
    struct chain c = {NULL, NULL};
    struct der d = {{NULL}, {0}, 0};
    struct gk_x509id out;

    b_via_int1(&c);
    der_add(&d, c.leaf, GARBAGE_LEN);
    der_add(&d, int1, 0);
    ck_assert_int_eq(der_verify(&d, &out), GK_E_X509_DECODE);
    der_free(&d);
    memset(&d, 0, sizeof(d));
    /* garbage after the intermediate, not the leaf */
    der_add(&d, c.leaf, 0);
    der_add(&d, int1, GARBAGE_LEN);
    ck_assert_int_eq(der_verify(&d, &out), GK_E_X509_DECODE);
    ck_assert_uint_eq(ERR_peek_error(), 0);
    der_free(&d);
    chain_free(&c);
}
END_TEST

START_TEST(der_truncated_or_empty_is_refused)
{
    struct chain c = {NULL, NULL};
    struct der d = {{NULL}, {0}, 0};
    struct gk_x509id out;

    b_direct(&c);
    der_add(&d, c.leaf, 0);
    d.len[0]--;
    ck_assert_int_eq(der_verify(&d, &out), GK_E_X509_DECODE);
    d.len[0] = 0;
    ck_assert_int_eq(der_verify(&d, &out), GK_E_X509_DECODE);
    ck_assert_uint_eq(ERR_peek_error(), 0);
    der_free(&d);
    chain_free(&c);
}
END_TEST

START_TEST(der_chain_length_limit)
{
    struct chain c = {NULL, NULL};
    struct der d = {{NULL}, {0}, 0};
    struct gk_x509id out;

    b_via_int1(&c);
    der_add(&d, c.leaf, 0);
    der_add(&d, int1, 0);
    while (d.n < GK_X509_MAX_CHAIN + 1)
        der_add(&d, rogue_ca, 0);
    ck_assert_int_eq(der_verify(&d, &out), GK_OK); /* leaf + GK_X509_MAX_CHAIN */
    der_add(&d, rogue_ca, 0);
    ck_assert_int_eq(der_verify(&d, &out), GK_E_LIMIT);
    der_free(&d);
    chain_free(&c);
}
END_TEST

/* ---- SPIFFE ID syntax ---------------------------------------------------------------- */

struct scase {
    const char *s;
    size_t len; /* 0 → strlen */
    int valid;
};

static const struct scase scases[] = {
    {"spiffe://gatecrash.test/admin", 0, 1},
    {"spiffe://gatecrash.test/user/alice", 0, 1},
    {"spiffe://a/b", 0, 1},
    {"spiffe://gatecrash.test.evil/admin", 0, 1}, /* valid syntax, different identity */
    {"spiffe://td-_.0/A-Z.a_z-0.9", 0, 1},
    {"spiffe://gatecrash.test/...", 0, 1}, /* "..." is an ordinary segment */
    {"spiffe://gatecrash.test/.a", 0, 1},
    {"SPIFFE://gatecrash.test/admin", 0, 0},
    {"Spiffe://gatecrash.test/admin", 0, 0},
    {"spiffe:/gatecrash.test/admin", 0, 0},
    {"spiffe:gatecrash.test/admin", 0, 0},
    {"https://gatecrash.test/admin", 0, 0},
    {"spiffe://", 0, 0},
    {"spiffe:///admin", 0, 0},         /* empty trust domain */
    {"spiffe://gatecrash.test", 0, 0}, /* no path */
    {"spiffe://gatecrash.test/", 0, 0},
    {"spiffe://gatecrash.test/admin/", 0, 0}, /* trailing '/' */
    {"spiffe://gatecrash.test//admin", 0, 0}, /* empty segment */
    {"spiffe://gatecrash.test/./admin", 0, 0},
    {"spiffe://gatecrash.test/admin/.", 0, 0},
    {"spiffe://gatecrash.test/../admin", 0, 0},
    {"spiffe://gatecrash.test/user/..", 0, 0},
    {"spiffe://gatecrash.test/admin%00", 0, 0},
    {"spiffe://gatecrash.test/%61dmin", 0, 0},
    {"spiffe://gatecrash%2etest/admin", 0, 0},
    {"spiffe://user@gatecrash.test/admin", 0, 0},
    {"spiffe://gatecrash.test:443/admin", 0, 0},
    {"spiffe://gatecrash.test:/admin", 0, 0},
    {"spiffe://gatecrash.test/admin?x=1", 0, 0},
    {"spiffe://gatecrash.test/admin#frag", 0, 0},
    {"spiffe://Gatecrash.test/admin", 0, 0}, /* upper case trust domain */
    {"spiffe://[::1]/admin", 0, 0},
    {"spiffe://gatecrash.test/ad min", 0, 0},
    {"spiffe://gatecrash.test/ad~min", 0, 0},
    {"spiffe://gatecrash.test/admin\\x", 0, 0},
    {"spiffe://gatecrash.test/admin\0", 30, 0}, /* NUL byte inside the length */
    {"spiffe://gatecrash.test/ad\0min", 32, 0},
    {"spiffe://gatecrash.test/admin\x01", 0, 0}, /* CTL */
    {"spiffe://gatecrash.test/admin\x7f", 0, 0}, /* DEL */
    {"spiffe://gatecrash.test/admin\x80", 0, 0}, /* high bit */
    {"spiffe://gatecrash.test/adm\xc3\xafn", 0, 0},
    {"spiffe://gatecr\xff"
     "ash.test/admin",
     0, 0},
    {"spiffe://gatecrash.test\t/admin", 0, 0},
    {"spiffe://gatecrash.test/admin\n", 0, 0},
    {":443", 0, 0},
    {"", 0, 0},
};

START_TEST(spiffe_table)
{
    const struct scase *c = &scases[_i];
    size_t len = c->len ? c->len : strlen(c->s);

    ck_assert_msg(gk_spiffe_id_valid((const uint8_t *)c->s, len) == c->valid,
                  "case %d \"%s\": want %d", _i, c->s, c->valid);
}
END_TEST

START_TEST(spiffe_prefixes_of_a_valid_id_are_invalid_until_a_segment_starts)
{
    static const char id[] = "spiffe://gatecrash.test/user/alice";
    const size_t first_valid = sizeof("spiffe://gatecrash.test/u") - 1;
    const size_t slash2 = sizeof("spiffe://gatecrash.test/user") - 1;

    /* Every prefix: valid exactly when it ends inside a segment. */
    for (size_t n = 0; n <= sizeof(id) - 1; n++) {
        int want = n >= first_valid && n != slash2 + 1;
        ck_assert_msg(gk_spiffe_id_valid((const uint8_t *)id, n) == want, "prefix %zu", n);
    }
}
END_TEST

START_TEST(spiffe_length_limits)
{
    static char buf[GK_X509_MAX_IDENTITY + 2];
    static const char pre[] = "spiffe://";
    size_t td_at_limit = GK_SPIFFE_MAX_TRUST_DOMAIN;

    ck_assert_int_eq(gk_spiffe_id_valid((const uint8_t *)make_long_uri(GK_X509_MAX_IDENTITY),
                                        GK_X509_MAX_IDENTITY),
                     1);
    ck_assert_int_eq(gk_spiffe_id_valid((const uint8_t *)make_long_uri(GK_X509_MAX_IDENTITY + 1),
                                        GK_X509_MAX_IDENTITY + 1),
                     0);
    /* trust domain of exactly GK_SPIFFE_MAX_TRUST_DOMAIN bytes, then one more */
    for (size_t td = td_at_limit; td <= td_at_limit + 1; td++) {
        size_t n = 0;
        memcpy(buf, pre, sizeof(pre) - 1);
        n = sizeof(pre) - 1;
        memset(buf + n, 'a', td);
        n += td;
        memcpy(buf + n, "/x", 2);
        n += 2;
        ck_assert_int_eq(gk_spiffe_id_valid((const uint8_t *)buf, n), td == td_at_limit);
    }
    ck_assert_int_eq(gk_spiffe_id_valid(NULL, 0), 0);
    ck_assert_int_eq(gk_spiffe_id_valid(NULL, 10), 0);
}
END_TEST

/* Every byte value as the second byte of the segment "a?": only [A-Za-z0-9._-]
 * pass ('/' would leave a trailing slash). */
START_TEST(spiffe_every_byte_in_a_segment)
{
    uint8_t buf[] = "spiffe://gatecrash.test/a?";
    size_t pos = sizeof(buf) - 2;

    for (int b = 0; b < 256; b++) {
        int want = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                   b == '-' || b == '_' || b == '.';
        buf[pos] = (uint8_t)b;
        ck_assert_msg(gk_spiffe_id_valid(buf, sizeof(buf) - 1) == want, "byte 0x%02x", b);
    }
}
END_TEST

START_TEST(spiffe_every_byte_in_trust_domain)
{
    uint8_t buf[] = "spiffe://g?/admin";
    size_t pos = sizeof("spiffe://g") - 1;

    for (int b = 0; b < 256; b++) {
        /* '/' would end the trust domain early: "spiffe://g//admin", empty segment. */
        int want =
            (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.';
        buf[pos] = (uint8_t)b;
        ck_assert_msg(gk_spiffe_id_valid(buf, sizeof(buf) - 1) == want, "byte 0x%02x", b);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x509id");
    TCase *tv = tcase_create("verify");
    TCase *ta = tcase_create("api");
    TCase *ts = tcase_create("spiffe");
    SRunner *sr;
    int failures;

    tcase_add_unchecked_fixture(tv, pki_setup, pki_teardown);
    tcase_add_unchecked_fixture(ta, pki_setup, pki_teardown);
    tcase_set_timeout(tv, 60);
    tcase_set_timeout(ta, 60);
    tcase_add_loop_test(tv, verify_table, 0, (int)(sizeof(vcases) / sizeof(vcases[0])));
    tcase_add_test(ta, null_leaf_is_no_cert);
    tcase_add_test(ta, bad_arguments_are_refused);
    tcase_add_test(ta, chain_verify_purpose_is_selectable);
    tcase_add_test(ta, shared_store_is_not_mutated_and_cannot_loosen);
    tcase_add_test(ta, der_chain_verifies);
    tcase_add_test(ta, der_trailing_garbage_is_refused);
    tcase_add_test(ta, der_truncated_or_empty_is_refused);
    tcase_add_test(ta, der_chain_length_limit);
    tcase_add_loop_test(ts, spiffe_table, 0, (int)(sizeof(scases) / sizeof(scases[0])));
    tcase_add_test(ts, spiffe_prefixes_of_a_valid_id_are_invalid_until_a_segment_starts);
    tcase_add_test(ts, spiffe_length_limits);
    tcase_add_test(ts, spiffe_every_byte_in_a_segment);
    tcase_add_test(ts, spiffe_every_byte_in_trust_domain);
    suite_add_tcase(s, tv);
    suite_add_tcase(s, ta);
    suite_add_tcase(s, ts);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
