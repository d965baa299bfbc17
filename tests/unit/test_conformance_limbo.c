/* test_conformance_limbo.c: x509-limbo (C2SP) through gk_x509_chain_verify,
 * the path-validation half of gk_x509id_verify, i.e. the code the server runs.
 *
 * Selection rule (docs/conformance/x509-limbo.md says why):
 *   - a case tagged with a feature we do not implement is skipped ("feature:<f>");
 *   - a case whose outcome is decided by matching expected_peer_name (RFC 6125
 *     server identity: webpki::san::*, webpki::cn::*, rfc5280::ca-as-leaf-wrong-san)
 *     is skipped ("peer-name"): client-certificate validation never matches a
 *     name, our identity is the URI SAN checked by gk_x509id_verify;
 *   - everything else runs: validation_kind CLIENT with EKU clientAuth, SERVER
 *     with EKU serverAuth (the purpose is the only thing the kind changes).
 * Mapping: limbo's max_chain_depth counts intermediates; ours counts every CA
 * above the leaf, anchor included, so ours = limbo + 1; null = no limit beyond
 * GK_X509_MAX_CHAIN. validation_time is floored to the second (the
 * rfc5280::validity::*-fractional cases say so); null = the wall clock.
 * Every disagreement must be listed in gk_limbo_divergences with its reason;
 * an unlisted disagreement, or a listed case that now agrees, fails the test. */
#include <check.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gk/x509id.h"

#define LIMBO_PATH GC_VECTORS_DIR "/x509-limbo/limbo.json"
#define LIMBO_MAX_REASONS 16
#define LIMBO_TIME_LEN_MIN 19 /* "YYYY-MM-DDTHH:MM:SS" */

/* Features (limbo-schema.json "Feature") whose cases we skip: optional
 * functionality we do not implement, or web-PKI pedantry for server names. */
struct limbo_skip_feature {
    const char *feature;
    const char *label; /* "feature:<feature>", spelled out so it is a static string */
};

static const struct limbo_skip_feature limbo_skip_features[] = {
    /* no revocation checking in the contract (the client CA publishes no CRL) */
    {"has-crl", "feature:has-crl"},
    /* no certificate-policy processing (RFC 5280 §6.1.3(d)) */
    {"has-policy-constraints", "feature:has-policy-constraints"},
    {"has-cert-policies", "feature:has-cert-policies"},
    {"no-cert-policies", "feature:no-cert-policies"},
    /* server-name wildcard pedantry */
    {"pedantic-public-suffix-wildcard", "feature:pedantic-public-suffix-wildcard"},
    /* serverAuth EKU pedantry; our EKU-presence rule is in the leaf profile */
    {"pedantic-webpki-eku", "feature:pedantic-webpki-eku"},
    /* serial-number encoding: OpenSSL 3.0 does not check it, neither do we */
    {"pedantic-serial-number", "feature:pedantic-serial-number"},
    {"pedantic-rfc5280", "feature:pedantic-rfc5280"},
    /* conflicts with a webpki:: case that we run */
    {"rfc5280-incompatible-with-webpki", "feature:rfc5280-incompatible-with-webpki"},
};

static const char *const limbo_peer_name_prefixes[] = {
    "webpki::san::",
    "webpki::cn::",
    "rfc5280::ca-as-leaf-wrong-san",
};

/* Known, explained disagreements between our verdict and limbo's. */
struct limbo_divergence {
    const char *id;
    const char *reason;
};

/* "stricter": we refuse a chain limbo accepts (fail closed).
 * "laxer": we accept a chain limbo refuses; each says why that is harmless
 * for client-certificate identity, or which later check refuses it. */
static const struct limbo_divergence gk_limbo_divergences[] = {
    /* stricter */
    {"cve::cve-2024-0567", "stricter: OpenSSL 3.0 path building does not backtrack out of the "
                           "A<->B<->C cross-signing cycle to the self-signed A in the store"},
    {"rfc5280::nc::nc-forbids-alternate-chain-ica",
     "stricter: OpenSSL 3.0 builds one path (no backtracking) and picks the dead-end ICA"},
    {"rfc5280::nc::nc-forbids-same-chain-ica",
     "stricter: OpenSSL 3.0 builds one path (no backtracking) and picks the NC-forbidden ICA"},
    {"rfc5280::root-and-intermediate-swapped", "stricter, by design: no X509_V_FLAG_PARTIAL_CHAIN, "
                                               "the anchor must be the self-signed client CA"},
    {"pathlen::max-chain-depth-1-self-issued",
     "stricter: OpenSSL's depth counts self-issued intermediates, limbo's does not"},
    {"rfc5280::validity::notafter-exact",
     "stricter by one second: OpenSSL's X509_cmp_time treats now == notAfter as expired "
     "(RFC 5280 4.1.2.5 says inclusive)"},
    {"rfc5280::validity::notafter-fractional",
     "stricter by one second: floored time == notAfter, which OpenSSL treats as expired"},
    {"pathlen::validation-ignores-pathlen-in-leaf",
     "stricter: CA leaf with keyUsage keyCertSign only fails OpenSSL's SSL purpose "
     "(needs digitalSignature); gk_x509id_verify refuses CA leaves anyway"},
    {"rfc5280::ca-as-leaf",
     "stricter: CA leaf with keyUsage keyCertSign only fails OpenSSL's SSL "
     "purpose; gk_x509id_verify refuses CA leaves anyway (GK_E_X509_CA_LEAF)"},
    /* laxer */
    {"webpki::ee-basicconstraints-ca", "laxer here only: RFC 5280 path validation allows it; "
                                       "gk_x509id_verify refuses (GK_E_X509_CA_LEAF)"},
    {"webpki::v1-cert", "laxer here only: OpenSSL accepts a v1 leaf; it has no extensions, so "
                        "gk_x509id_verify refuses it (no EKU: GK_E_X509_EKU)"},
    {"cve::cve-2025-61727", "laxer: OpenSSL 3.0 does not apply a DNS excludedSubtree to a wildcard "
                            "DNS SAN; DNS SANs never make an identity here"},
    {"rfc5280::nc::invalid-dnsname-leading-period",
     "laxer: OpenSSL 3.0 accepts a malformed DNS name constraint; DNS SANs never make an identity "
     "here"},
    {"rfc5280::nc::not-allowed-in-ee-noncritical",
     "laxer: OpenSSL 3.0 does not refuse nameConstraints in an EE (RFC 5280 4.2.1.10 MUST NOT)"},
    {"rfc5280::nc::not-allowed-in-ee-critical",
     "laxer: OpenSSL 3.0 does not refuse nameConstraints in an EE (RFC 5280 4.2.1.10 MUST NOT)"},
    {"rfc5280::nc::nc-permits-invalid-dns-san",
     "laxer: OpenSSL 3.0 does not syntax-check a DNS SAN under a permitted subtree; ignored here"},
    {"rfc5280::nc::nc-permits-invalid-email-san",
     "laxer: OpenSSL 3.0 does not syntax-check an rfc822 SAN under a permitted subtree; ignored "
     "here"},
    {"rfc5280::nc::nc-forbids-dnsname-wildcard-san",
     "laxer: OpenSSL 3.0 does not match a wildcard DNS SAN against an excluded subtree; ignored "
     "here"},
    {"rfc5280::san::underscore-dns", "laxer: OpenSSL does not check dNSName syntax (RFC 1034 "
                                     "preferred name); DNS SANs are ignored here"},
    {"rfc5280::san::ip-in-dns",
     "laxer: OpenSSL does not check dNSName syntax; DNS SANs are ignored here"},
    {"webpki::aki::root-with-aki-missing-keyidentifier",
     "laxer: CABF profile rule for roots (AKI keyIdentifier); not RFC 5280 path validation"},
    {"webpki::nc::intermediate-permitted-excluded-subtrees-both-null",
     "laxer: CABF profile rule (empty nameConstraints); OpenSSL treats it as no constraint"},
    {"webpki::nc::intermediate-permitted-excluded-subtrees-both-empty-sequences",
     "laxer: CABF profile rule (empty nameConstraints); OpenSSL treats it as no constraint"},
    {"webpki::malformed-aia", "laxer: OpenSSL never parses a non-critical AIA; we never fetch AIA"},
    {"webpki::forbidden-rsa-not-divisible-by-8-in-root",
     "laxer: CABF modulus-size rule; the key is >= GK_X509_MIN_RSA_BITS, which is our floor"},
    {"webpki::forbidden-rsa-key-not-divisible-by-8-in-leaf",
     "laxer: CABF modulus-size rule; the key is >= GK_X509_MIN_RSA_BITS, which is our floor"},
    {NULL, NULL},
};

struct limbo_counts {
    int total, ran, agree, divergent, disagree;
    int by_status[GK_STATUS_COUNT]; /* verdicts of the cases that ran */
    int skipped;
    const char *reason[LIMBO_MAX_REASONS];
    int reason_n[LIMBO_MAX_REASONS];
    size_t n_reasons;
};

static void count_skip(struct limbo_counts *c, const char *reason)
{
    size_t i;

    c->skipped++;
    for (i = 0; i < c->n_reasons; i++)
        if (strcmp(c->reason[i], reason) == 0)
            break;
    if (i == c->n_reasons) {
        ck_assert_uint_lt(c->n_reasons, LIMBO_MAX_REASONS);
        c->reason[i] = reason;
        c->reason_n[i] = 0;
        c->n_reasons++;
    }
    c->reason_n[i]++;
}

static const char *skip_reason(json_t *tc)
{
    const char *id = json_string_value(json_object_get(tc, "id"));
    json_t *features = json_object_get(tc, "features");
    size_t i;
    json_t *f;

    json_array_foreach(features, i, f)
    {
        for (size_t k = 0; k < sizeof(limbo_skip_features) / sizeof(limbo_skip_features[0]); k++)
            if (strcmp(json_string_value(f), limbo_skip_features[k].feature) == 0)
                return limbo_skip_features[k].label;
    }
    for (size_t k = 0; k < sizeof(limbo_peer_name_prefixes) / sizeof(limbo_peer_name_prefixes[0]);
         k++)
        if (strncmp(id, limbo_peer_name_prefixes[k], strlen(limbo_peer_name_prefixes[k])) == 0)
            return "peer-name";
    return NULL;
}

static const char *divergence_reason(const char *id)
{
    for (size_t i = 0; gk_limbo_divergences[i].id != NULL; i++)
        if (strcmp(gk_limbo_divergences[i].id, id) == 0)
            return gk_limbo_divergences[i].reason;
    return NULL;
}

static X509 *pem_cert(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *cert;

    ck_assert_ptr_nonnull(bio);
    cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return cert;
}

/* Decimal field of fixed width at s[0..w), strtol-free and exact. */
static int digits(const char *s, int w, int *out)
{
    int v = 0;

    for (int i = 0; i < w; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff](+00:00|Z)", floored to the second. */
static int parse_time(const char *s, int64_t *out)
{
    struct tm tm;
    int y, mo, d, h, mi, se;
    size_t len = strlen(s), i = LIMBO_TIME_LEN_MIN;

    memset(&tm, 0, sizeof(tm));
    if (len < LIMBO_TIME_LEN_MIN || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
        return -1;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    if (strcmp(s + i, "+00:00") != 0 && strcmp(s + i, "Z") != 0)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = (int64_t)timegm(&tm);
    return 0;
}

/* Runs one case; returns 1 for SUCCESS, 0 for FAILURE, -1 if it cannot be loaded. */
static int run_case(json_t *tc, enum gk_status *st_out, int *verr_out)
{
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509 *leaf = pem_cert(json_string_value(json_object_get(tc, "peer_certificate")));
    json_t *depth = json_object_get(tc, "max_chain_depth");
    json_t *vt = json_object_get(tc, "validation_time");
    const char *kind = json_string_value(json_object_get(tc, "validation_kind"));
    int64_t now = (int64_t)time(NULL);
    int max_depth = GK_X509_MAX_CHAIN + 1, result = -1;
    size_t i;
    json_t *pem;

    ck_assert_ptr_nonnull(store);
    ck_assert_ptr_nonnull(untrusted);
    if (leaf == NULL)
        goto out;
    json_array_foreach(json_object_get(tc, "trusted_certs"), i, pem)
    {
        X509 *c = pem_cert(json_string_value(pem));

        if (c == NULL || X509_STORE_add_cert(store, c) != 1) {
            X509_free(c);
            goto out;
        }
        X509_free(c);
    }
    json_array_foreach(json_object_get(tc, "untrusted_intermediates"), i, pem)
    {
        X509 *c = pem_cert(json_string_value(pem));

        if (c == NULL || sk_X509_push(untrusted, c) <= 0) {
            X509_free(c);
            goto out;
        }
    }
    if (json_is_integer(depth))
        max_depth = (int)json_integer_value(depth) + 1;
    if (json_is_string(vt) && parse_time(json_string_value(vt), &now) != 0)
        goto out;
    *st_out = gk_x509_chain_verify(leaf, untrusted, store, max_depth, now,
                                   strcmp(kind, "CLIENT") == 0 ? NID_client_auth : NID_server_auth,
                                   verr_out);
    result = *st_out == GK_OK;
out:
    ERR_clear_error();
    X509_free(leaf);
    sk_X509_pop_free(untrusted, X509_free);
    X509_STORE_free(store);
    return result;
}

static json_t *limbo_root;

START_TEST(limbo_agrees_except_documented_divergences)
{
    struct limbo_counts c;
    json_t *cases = json_object_get(limbo_root, "testcases");
    json_t *tc;
    size_t i;

    memset(&c, 0, sizeof(c));
    ck_assert(json_is_array(cases));
    json_array_foreach(cases, i, tc)
    {
        const char *id = json_string_value(json_object_get(tc, "id"));
        const char *expected = json_string_value(json_object_get(tc, "expected_result"));
        const char *skip = skip_reason(tc);
        const char *why;
        enum gk_status st = GK_OK;
        int verr = 0, got, agree;

        c.total++;
        if (skip != NULL) {
            count_skip(&c, skip);
            continue;
        }
        got = run_case(tc, &st, &verr);
        ck_assert_msg(got >= 0, "limbo case %s does not load", id);
        c.ran++;
        c.by_status[st]++;
        if (getenv("GK_LIMBO_VERBOSE") != NULL)
            printf("limbo: %s expected %s got %s (X509_V_ERR %d)\n", id, expected,
                   gk_status_name(st), verr);
        agree = (got == 1) == (strcmp(expected, "SUCCESS") == 0);
        why = divergence_reason(id);
        if (agree && why == NULL) {
            c.agree++;
        } else if (!agree && why != NULL) {
            c.divergent++;
        } else {
            c.disagree++;
            printf("limbo: %s %s: expected %s, got %s (%s, X509_V_ERR %d: %s)\n", id,
                   agree ? "listed as divergent but AGREES" : "DISAGREES", expected,
                   got ? "SUCCESS" : "FAILURE", gk_status_name(st), verr,
                   X509_verify_cert_error_string(verr));
        }
    }
    printf("limbo: %d total, %d ran, %d agree, %d documented-divergent, %d skipped (by reason:",
           c.total, c.ran, c.agree, c.divergent, c.skipped);
    for (size_t k = 0; k < c.n_reasons; k++)
        printf("%s %s=%d", k ? "," : "", c.reason[k], c.reason_n[k]);
    printf(")\nlimbo: verdicts:");
    for (int k = 0; k < GK_STATUS_COUNT; k++)
        if (c.by_status[k] != 0)
            printf(" %s=%d", gk_status_name((enum gk_status)k), c.by_status[k]);
    printf("\n");
    fflush(stdout);
    ck_assert_int_eq(c.disagree, 0);
    ck_assert_int_eq(c.total, c.ran + c.skipped);
}
END_TEST

int main(void)
{
    json_error_t err;
    Suite *s;
    SRunner *sr;
    int failures;

    limbo_root = json_load_file(LIMBO_PATH, 0, &err);
    if (limbo_root == NULL) {
        printf("skip: cannot load %s: %s\n", LIMBO_PATH, err.text);
        return 77;
    }
    s = suite_create("conformance_limbo");
    TCase *tc = tcase_create("limbo");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, limbo_agrees_except_documented_divergences);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    json_decref(limbo_root);
    return failures ? 1 : 0;
}
