/* tests/unit/test_pki.c: the harness's certificate factory. Every spec flag is
 * read back from the issued certificate with OpenSSL's own parsers, and every
 * signature is checked with OpenSSL's verifier. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "pki.h"

#define DAY (24 * 3600)
/* 2050-01-01T00:00:00Z: the first instant RFC 5280 §4.1.2.5 encodes as GeneralizedTime. */
#define T_2050 INT64_C(2524608000)

static EVP_PKEY *ca_key;
static X509 *ca_cert;

static struct gc_cert_spec base_spec(void)
{
    int64_t now = (int64_t)time(NULL);
    struct gc_cert_spec s = {.subject_cn = "test",
                             .path_len = -1,
                             .not_before = now - 3600,
                             .not_after = now + 365 * DAY};
    return s;
}

static void setup_ca(void)
{
    ca_key = gc_pki_keygen(GC_KEY_EC_P256);
    ck_assert_ptr_nonnull(ca_key);
    struct gc_cert_spec s = base_spec();
    s.subject_cn = "Test CA";
    s.subject_o = "gatecrash";
    s.is_ca = 1;
    s.path_len = 1;
    ca_cert = gc_pki_issue(&s, ca_key, NULL, ca_key);
    ck_assert_ptr_nonnull(ca_cert);
}

static void teardown_ca(void)
{
    X509_free(ca_cert);
    EVP_PKEY_free(ca_key);
    ca_cert = NULL;
    ca_key = NULL;
}

static X509 *issue_leaf(const struct gc_cert_spec *s)
{
    EVP_PKEY *k = gc_pki_keygen(GC_KEY_EC_P256);
    ck_assert_ptr_nonnull(k);
    X509 *c = gc_pki_issue(s, k, ca_cert, ca_key);
    EVP_PKEY_free(k);
    return c;
}

static int ext_critical(X509 *c, int nid)
{
    int idx = X509_get_ext_by_NID(c, nid, -1);
    if (idx < 0)
        return -1;
    return X509_EXTENSION_get_critical(X509_get_ext(c, idx));
}

static int verify_chain(X509 *leaf, X509 *root)
{
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    ck_assert(st && ctx);
    X509_STORE_add_cert(st, root);
    X509_STORE_CTX_init(ctx, st, leaf, NULL);
    int ok = X509_verify_cert(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    return ok;
}

/* --- keys ------------------------------------------------------------------ */

static const struct {
    enum gc_key_type type;
    int base_id;
    int bits;
} KEY_TABLE[] = {
    {GC_KEY_EC_P256, EVP_PKEY_EC, 256},      {GC_KEY_EC_P384, EVP_PKEY_EC, 384},
    {GC_KEY_RSA2048, EVP_PKEY_RSA, 2048},    {GC_KEY_RSA1024, EVP_PKEY_RSA, 1024},
    {GC_KEY_ED25519, EVP_PKEY_ED25519, 256},
};

START_TEST(keygen_makes_the_requested_type_and_size)
{
    EVP_PKEY *k = gc_pki_keygen(KEY_TABLE[_i].type);
    ck_assert_ptr_nonnull(k);
    ck_assert_int_eq(EVP_PKEY_get_base_id(k), KEY_TABLE[_i].base_id);
    ck_assert_int_eq(EVP_PKEY_get_bits(k), KEY_TABLE[_i].bits);
    if (KEY_TABLE[_i].base_id == EVP_PKEY_RSA) {
        BIGNUM *e = NULL;
        ck_assert(EVP_PKEY_get_bn_param(k, "e", &e));
        ck_assert(BN_is_word(e, 65537));
        BN_free(e);
    }
    EVP_PKEY_free(k);
}
END_TEST

START_TEST(keygen_rejects_an_unknown_type)
{
    ck_assert_ptr_null(gc_pki_keygen((enum gc_key_type)99));
}
END_TEST

/* --- self-signed CA ---------------------------------------------------------- */

START_TEST(self_signed_ca_verifies_and_has_ca_extensions)
{
    ck_assert_int_eq(X509_get_version(ca_cert), X509_VERSION_3);
    ck_assert_int_eq(X509_verify(ca_cert, ca_key), 1);
    ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(ca_cert), X509_get_issuer_name(ca_cert)),
                     0);
    ck_assert_int_eq(verify_chain(ca_cert, ca_cert), 1);
    ck_assert_int_eq(X509_check_ca(ca_cert), 1);
    ck_assert_int_eq(ext_critical(ca_cert, NID_basic_constraints), 1);
    ck_assert_int_eq(X509_get_pathlen(ca_cert), 1);
    ck_assert_int_eq(ext_critical(ca_cert, NID_key_usage), 1);
    ck_assert_uint_eq(X509_get_key_usage(ca_cert), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
    ck_assert_int_eq(ext_critical(ca_cert, NID_ext_key_usage), -1);
    ck_assert_int_eq(ext_critical(ca_cert, NID_subject_alt_name), -1);
    const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(ca_cert);
    const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(ca_cert);
    ck_assert_ptr_nonnull(ski);
    ck_assert_ptr_nonnull(aki);
    ck_assert_int_eq(ASN1_OCTET_STRING_cmp(ski, aki), 0);
    char cn[64];
    ck_assert_int_gt(
        X509_NAME_get_text_by_NID(X509_get_subject_name(ca_cert), NID_commonName, cn, sizeof(cn)),
        0);
    ck_assert_str_eq(cn, "Test CA");
    ck_assert_int_gt(X509_NAME_get_text_by_NID(X509_get_subject_name(ca_cert), NID_organizationName,
                                               cn, sizeof(cn)),
                     0);
    ck_assert_str_eq(cn, "gatecrash");
}
END_TEST

START_TEST(ca_without_path_len_has_no_constraint)
{
    struct gc_cert_spec s = base_spec();
    s.is_ca = 1;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(X509_check_ca(c), 1);
    ck_assert_int_eq(X509_get_pathlen(c), -1);
    X509_free(c);
}
END_TEST

/* --- issued leaves ----------------------------------------------------------- */

START_TEST(leaf_verifies_against_its_issuer_only)
{
    struct gc_cert_spec s = base_spec();
    s.uri_sans[0] = "spiffe://gatecrash.test/user/alice";
    s.n_uri_sans = 1;
    s.eku_client_auth = 1;
    X509 *leaf = issue_leaf(&s);
    ck_assert_ptr_nonnull(leaf);
    ck_assert_int_eq(X509_verify(leaf, ca_key), 1);
    ck_assert_int_eq(verify_chain(leaf, ca_cert), 1);
    ck_assert_int_eq(X509_NAME_cmp(X509_get_issuer_name(leaf), X509_get_subject_name(ca_cert)), 0);
    ck_assert_int_eq(
        ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf), X509_get0_subject_key_id(ca_cert)),
        0);
    /* Leaf defaults: CA:FALSE critical, digitalSignature only. */
    ck_assert_int_eq(X509_check_ca(leaf), 0);
    ck_assert_int_eq(ext_critical(leaf, NID_basic_constraints), 1);
    ck_assert_uint_eq(X509_get_key_usage(leaf), KU_DIGITAL_SIGNATURE);

    EVP_PKEY *other = gc_pki_keygen(GC_KEY_EC_P256);
    ck_assert_int_eq(X509_verify(leaf, other), 0);
    EVP_PKEY_free(other);
    X509_free(leaf);
}
END_TEST

/* One row per EKU flag combination: the extension is absent when none is set. */
static const struct {
    int client, server;
    uint32_t want;
    int present;
} EKU_TABLE[] = {
    {0, 0, 0, 0},
    {1, 0, XKU_SSL_CLIENT, 1},
    {0, 1, XKU_SSL_SERVER, 1},
    {1, 1, XKU_SSL_CLIENT | XKU_SSL_SERVER, 1},
};

START_TEST(eku_flags_map_to_the_extension)
{
    struct gc_cert_spec s = base_spec();
    s.eku_client_auth = EKU_TABLE[_i].client;
    s.eku_server_auth = EKU_TABLE[_i].server;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ext_critical(c, NID_ext_key_usage) >= 0, EKU_TABLE[_i].present);
    if (EKU_TABLE[_i].present)
        ck_assert_uint_eq(X509_get_extended_key_usage(c), EKU_TABLE[_i].want);
    X509_free(c);
}
END_TEST

START_TEST(sans_of_every_kind_come_back_in_order)
{
    struct gc_cert_spec s = base_spec();
    s.uri_sans[0] = "spiffe://gatecrash.test/a";
    s.uri_sans[1] = "spiffe://gatecrash.test/b,c:d"; /* comma survives: not a conf string */
    s.n_uri_sans = 2;
    s.dns_sans[0] = "localhost";
    s.n_dns_sans = 1;
    s.ip_sans[0] = "127.0.0.1";
    s.ip_sans[1] = "::1";
    s.n_ip_sans = 2;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ext_critical(c, NID_subject_alt_name), 0);
    GENERAL_NAMES *gns = X509_get_ext_d2i(c, NID_subject_alt_name, NULL, NULL);
    ck_assert_ptr_nonnull(gns);
    ck_assert_int_eq(sk_GENERAL_NAME_num(gns), 5);
    const int types[] = {GEN_URI, GEN_URI, GEN_DNS, GEN_IPADD, GEN_IPADD};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(sk_GENERAL_NAME_value(gns, i)->type, types[i]);
    ASN1_IA5STRING *u = sk_GENERAL_NAME_value(gns, 1)->d.uniformResourceIdentifier;
    ck_assert_int_eq(ASN1_STRING_length(u), (int)strlen(s.uri_sans[1]));
    ck_assert_mem_eq(ASN1_STRING_get0_data(u), s.uri_sans[1], strlen(s.uri_sans[1]));
    ck_assert_int_eq(ASN1_STRING_length(sk_GENERAL_NAME_value(gns, 3)->d.iPAddress), 4);
    ck_assert_int_eq(ASN1_STRING_length(sk_GENERAL_NAME_value(gns, 4)->d.iPAddress), 16);
    GENERAL_NAMES_free(gns);
    ck_assert_int_eq(X509_check_host(c, "localhost", 0, 0, NULL), 1);
    ck_assert_int_eq(X509_check_ip_asc(c, "127.0.0.1", 0), 1);
    X509_free(c);
}
END_TEST

START_TEST(san_count_at_limit_is_accepted_and_one_past_is_refused)
{
    struct gc_cert_spec s = base_spec();
    for (size_t i = 0; i < GC_PKI_MAX_SANS; i++)
        s.uri_sans[i] = "spiffe://gatecrash.test/x";
    s.n_uri_sans = GC_PKI_MAX_SANS;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    X509_free(c);
    s.n_uri_sans = GC_PKI_MAX_SANS + 1;
    ck_assert_ptr_null(issue_leaf(&s));
    s.n_uri_sans = 1;
    s.uri_sans[0] = NULL; /* counted but missing */
    ck_assert_ptr_null(issue_leaf(&s));
    s.n_uri_sans = 0;
    s.ip_sans[0] = "not-an-ip";
    s.n_ip_sans = 1;
    ck_assert_ptr_null(issue_leaf(&s));
    ERR_clear_error();
}
END_TEST

START_TEST(empty_subject_makes_san_critical)
{
    struct gc_cert_spec s = base_spec();
    s.subject_cn = NULL;
    s.uri_sans[0] = "spiffe://gatecrash.test/x";
    s.n_uri_sans = 1;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(X509_NAME_entry_count(X509_get_subject_name(c)), 0);
    ck_assert_int_eq(ext_critical(c, NID_subject_alt_name), 1);
    X509_free(c);
}
END_TEST

START_TEST(no_basic_constraints_omits_the_extension)
{
    struct gc_cert_spec s = base_spec();
    s.no_basic_constraints = 1;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ext_critical(c, NID_basic_constraints), -1);
    X509_free(c);
}
END_TEST

START_TEST(leaf_as_ca_with_path_len_zero)
{
    struct gc_cert_spec s = base_spec();
    s.is_ca = 1;
    s.path_len = 0;
    s.eku_client_auth = 1;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(X509_check_ca(c), 1);
    ck_assert_int_eq(X509_get_pathlen(c), 0);
    X509_free(c);
}
END_TEST

static const struct {
    int flags;
    uint32_t want;
} KU_TABLE[] = {
    {X509v3_KU_DIGITAL_SIGNATURE, KU_DIGITAL_SIGNATURE},
    {X509v3_KU_KEY_ENCIPHERMENT, KU_KEY_ENCIPHERMENT},
    {X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_KEY_AGREEMENT,
     KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT},
    {X509v3_KU_KEY_CERT_SIGN, KU_KEY_CERT_SIGN},
    {X509v3_KU_DECIPHER_ONLY | X509v3_KU_KEY_AGREEMENT, KU_DECIPHER_ONLY | KU_KEY_AGREEMENT},
};

START_TEST(explicit_key_usage_bits_are_encoded_exactly)
{
    struct gc_cert_spec s = base_spec();
    s.key_usage = KU_TABLE[_i].flags;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ext_critical(c, NID_key_usage), 1);
    ck_assert_uint_eq(X509_get_key_usage(c), KU_TABLE[_i].want);
    X509_free(c);
}
END_TEST

START_TEST(unknown_critical_extension_is_present_and_rejected_by_verifier)
{
    struct gc_cert_spec s = base_spec();
    s.eku_client_auth = 1;
    s.unknown_critical_ext = 1;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55738.666", 1);
    int idx = X509_get_ext_by_OBJ(c, obj, -1);
    ASN1_OBJECT_free(obj);
    ck_assert_int_ge(idx, 0);
    ck_assert_int_eq(X509_EXTENSION_get_critical(X509_get_ext(c, idx)), 1);
    ck_assert_int_ne(X509_get_extension_flags(c) & EXFLAG_CRITICAL, 0);
    ck_assert_int_eq(verify_chain(c, ca_cert), 0);
    X509_free(c);
}
END_TEST

START_TEST(explicit_serial_is_used_and_random_serial_is_positive)
{
    struct gc_cert_spec s = base_spec();
    s.serial = UINT64_C(0xfedcba9876543210);
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    uint64_t got = 0;
    ck_assert_int_eq(ASN1_INTEGER_get_uint64(&got, X509_get0_serialNumber(c)), 1);
    ck_assert(got == s.serial);
    X509_free(c);

    s.serial = 0;
    uint64_t prev = 0;
    for (int i = 0; i < 8; i++) {
        c = issue_leaf(&s);
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(ASN1_INTEGER_get_uint64(&got, X509_get0_serialNumber(c)), 1);
        ck_assert(got != 0 && got <= (uint64_t)INT64_MAX);
        ck_assert(got != prev);
        prev = got;
        X509_free(c);
    }
}
END_TEST

/* RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
static const struct {
    int64_t t;
    int type;
} TIME_TABLE[] = {
    {INT64_C(0), V_ASN1_UTCTIME},
    {T_2050 - 1, V_ASN1_UTCTIME},
    {T_2050, V_ASN1_GENERALIZEDTIME},
    {INT64_C(253402300799), V_ASN1_GENERALIZEDTIME}, /* 9999-12-31T23:59:59Z */
};

START_TEST(validity_times_use_the_right_asn1_type_at_the_2050_boundary)
{
    struct gc_cert_spec s = base_spec();
    s.not_before = TIME_TABLE[_i].t;
    s.not_after = TIME_TABLE[_i].t;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    const ASN1_TIME *nb = X509_get0_notBefore(c);
    ck_assert_int_eq(ASN1_STRING_type(nb), TIME_TABLE[_i].type);
    ck_assert_int_eq(ASN1_TIME_cmp_time_t(nb, (time_t)TIME_TABLE[_i].t), 0);
    ck_assert_int_eq(ASN1_TIME_cmp_time_t(X509_get0_notAfter(c), (time_t)TIME_TABLE[_i].t), 0);
    X509_free(c);
}
END_TEST

START_TEST(expired_leaf_fails_verification)
{
    struct gc_cert_spec s = base_spec();
    s.not_before = (int64_t)time(NULL) - 10 * DAY;
    s.not_after = (int64_t)time(NULL) - DAY;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(verify_chain(c, ca_cert), 0);
    X509_free(c);
}
END_TEST

static const struct {
    int md_nid; /* NID of the digest asked for; 0 = default */
    int want_sig_nid;
} MD_TABLE[] = {
    {0, NID_ecdsa_with_SHA256},
    {NID_sha384, NID_ecdsa_with_SHA384},
    {NID_sha512, NID_ecdsa_with_SHA512},
};

START_TEST(digest_choice_sets_the_signature_algorithm)
{
    struct gc_cert_spec s = base_spec();
    s.md = MD_TABLE[_i].md_nid ? EVP_get_digestbynid(MD_TABLE[_i].md_nid) : NULL;
    X509 *c = issue_leaf(&s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(X509_get_signature_nid(c), MD_TABLE[_i].want_sig_nid);
    ck_assert_int_eq(X509_verify(c, ca_key), 1);
    X509_free(c);
}
END_TEST

START_TEST(ed25519_and_rsa_issuers_sign_verifiable_certs)
{
    const enum gc_key_type types[] = {GC_KEY_ED25519, GC_KEY_RSA2048};
    const int sig_nids[] = {NID_ED25519, NID_sha256WithRSAEncryption};
    for (size_t i = 0; i < 2; i++) {
        EVP_PKEY *k = gc_pki_keygen(types[i]);
        ck_assert_ptr_nonnull(k);
        struct gc_cert_spec s = base_spec();
        s.is_ca = 1;
        s.md = EVP_sha384(); /* ignored for Ed25519 */
        if (types[i] == GC_KEY_RSA2048)
            s.md = NULL;
        X509 *c = gc_pki_issue(&s, k, NULL, k);
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(X509_get_signature_nid(c), sig_nids[i]);
        ck_assert_int_eq(X509_verify(c, k), 1);
        X509_free(c);
        EVP_PKEY_free(k);
    }
}
END_TEST

START_TEST(issuer_without_ski_gives_a_leaf_without_aki)
{
    /* A CA built by hand without SKI: the leaf still issues, without AKI. */
    EVP_PKEY *k = gc_pki_keygen(GC_KEY_EC_P256);
    X509 *odd = X509_new();
    ck_assert(k && odd);
    X509_set_version(odd, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(odd), 7);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(odd), "CN", MBSTRING_ASC,
                               (const unsigned char *)"odd CA", -1, -1, 0);
    X509_set_issuer_name(odd, X509_get_subject_name(odd));
    X509_gmtime_adj(X509_getm_notBefore(odd), -3600);
    X509_gmtime_adj(X509_getm_notAfter(odd), 3600);
    X509_set_pubkey(odd, k);
    ck_assert_int_gt(X509_sign(odd, k, EVP_sha256()), 0);
    ck_assert_ptr_null(X509_get0_subject_key_id(odd));
    struct gc_cert_spec s = base_spec();
    EVP_PKEY *lk = gc_pki_keygen(GC_KEY_EC_P256);
    X509 *leaf = gc_pki_issue(&s, lk, odd, k);
    ck_assert_ptr_nonnull(leaf);
    ck_assert_ptr_null(X509_get0_authority_key_id(leaf));
    ck_assert_ptr_nonnull(X509_get0_subject_key_id(leaf));
    ck_assert_int_eq(X509_verify(leaf, k), 1);
    X509_free(leaf);
    X509_free(odd);
    EVP_PKEY_free(lk);
    EVP_PKEY_free(k);
}
END_TEST

START_TEST(issue_refuses_null_arguments)
{
    struct gc_cert_spec s = base_spec();
    ck_assert_ptr_null(gc_pki_issue(NULL, ca_key, NULL, ca_key));
    ck_assert_ptr_null(gc_pki_issue(&s, NULL, NULL, ca_key));
    ck_assert_ptr_null(gc_pki_issue(&s, ca_key, NULL, NULL));
}
END_TEST

/* --- files ------------------------------------------------------------------- */

static char tmpdir[256];

static void setup_tmp(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/gc-test-pki-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown_tmp(void)
{
    DIR *d = opendir(tmpdir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
}

static int dir_entries(void)
{
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static const int MODE_TABLE[] = {0600, 0644, 0400, 0755};

START_TEST(atomic_write_leaves_only_the_target_with_its_mode)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/out.bin", tmpdir);
    const uint8_t data[] = {'a', 0, 0x7f, 0xff, '\n'};
    ck_assert_int_eq(gc_write_file_atomic(p, data, sizeof(data), MODE_TABLE[_i]), 0);
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, MODE_TABLE[_i]);
    ck_assert_int_eq(st.st_size, (off_t)sizeof(data));
    ck_assert_int_eq(dir_entries(), 1);
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t back[16];
    ck_assert_uint_eq(fread(back, 1, sizeof(back), f), sizeof(data));
    fclose(f);
    ck_assert_mem_eq(back, data, sizeof(data));
}
END_TEST

START_TEST(atomic_write_replaces_and_handles_empty_data)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/out.txt", tmpdir);
    ck_assert_int_eq(gc_write_file_atomic(p, "first", 5, 0644), 0);
    ck_assert_int_eq(gc_write_file_atomic(p, "", 0, 0644), 0);
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_size, 0);
    ck_assert_int_eq(dir_entries(), 1);
}
END_TEST

START_TEST(atomic_write_into_missing_dir_fails_cleanly)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/nope/out.txt", tmpdir);
    errno = 0;
    ck_assert_int_eq(gc_write_file_atomic(p, "x", 1, 0644), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(dir_entries(), 0);
    ck_assert_int_eq(gc_write_file_atomic(NULL, "x", 1, 0644), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(pem_writers_round_trip_and_set_modes)
{
    char cp[512], kp[512], pp[512];
    snprintf(cp, sizeof(cp), "%s/chain.pem", tmpdir);
    snprintf(kp, sizeof(kp), "%s/key.pem", tmpdir);
    snprintf(pp, sizeof(pp), "%s/pub.pem", tmpdir);
    EVP_PKEY *k = gc_pki_keygen(GC_KEY_EC_P256);
    struct gc_cert_spec s = base_spec();
    X509 *leaf = gc_pki_issue(&s, k, ca_cert, ca_key);
    ck_assert_ptr_nonnull(leaf);
    X509 *chain[] = {leaf, ca_cert};
    ck_assert_int_eq(gc_pki_write_cert_pem(cp, chain, 2), 0);
    ck_assert_int_eq(gc_pki_write_key_pem(kp, k), 0);
    ck_assert_int_eq(gc_pki_write_pubkey_pem(pp, k), 0);
    ck_assert_int_eq(dir_entries(), 3);

    struct stat st;
    ck_assert_int_eq(stat(kp, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(stat(cp, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0644);

    X509 *back = gc_pki_read_cert_pem(cp); /* first certificate of the file */
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(X509_cmp(back, leaf), 0);
    X509_free(back);
    EVP_PKEY *kb = gc_pki_read_key_pem(kp);
    ck_assert_ptr_nonnull(kb);
    ck_assert_int_eq(EVP_PKEY_eq(kb, k), 1);
    EVP_PKEY_free(kb);

    FILE *f = fopen(kp, "r");
    char line[64] = {0};
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
    fclose(f);
    ck_assert_str_eq(line, "-----BEGIN PRIVATE KEY-----\n"); /* PKCS#8 */
    f = fopen(pp, "r");
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
    fclose(f);
    ck_assert_str_eq(line, "-----BEGIN PUBLIC KEY-----\n"); /* SPKI */

    ck_assert_ptr_null(gc_pki_read_cert_pem(kp));
    ck_assert_ptr_null(gc_pki_read_key_pem(cp));
    ck_assert_ptr_null(gc_pki_read_cert_pem("/nonexistent/x.pem"));
    ERR_clear_error();
    X509_free(leaf);
    EVP_PKEY_free(k);
}
END_TEST

static Suite *pki_suite(void)
{
    Suite *s = suite_create("pki");
    TCase *tk = tcase_create("keys");
    tcase_set_timeout(tk, 30);
    tcase_add_loop_test(tk, keygen_makes_the_requested_type_and_size, 0,
                        sizeof(KEY_TABLE) / sizeof(KEY_TABLE[0]));
    tcase_add_test(tk, keygen_rejects_an_unknown_type);
    suite_add_tcase(s, tk);

    TCase *tc = tcase_create("certs");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup_ca, teardown_ca);
    tcase_add_test(tc, self_signed_ca_verifies_and_has_ca_extensions);
    tcase_add_test(tc, ca_without_path_len_has_no_constraint);
    tcase_add_test(tc, leaf_verifies_against_its_issuer_only);
    tcase_add_loop_test(tc, eku_flags_map_to_the_extension, 0,
                        sizeof(EKU_TABLE) / sizeof(EKU_TABLE[0]));
    tcase_add_test(tc, sans_of_every_kind_come_back_in_order);
    tcase_add_test(tc, san_count_at_limit_is_accepted_and_one_past_is_refused);
    tcase_add_test(tc, empty_subject_makes_san_critical);
    tcase_add_test(tc, no_basic_constraints_omits_the_extension);
    tcase_add_test(tc, leaf_as_ca_with_path_len_zero);
    tcase_add_loop_test(tc, explicit_key_usage_bits_are_encoded_exactly, 0,
                        sizeof(KU_TABLE) / sizeof(KU_TABLE[0]));
    tcase_add_test(tc, unknown_critical_extension_is_present_and_rejected_by_verifier);
    tcase_add_test(tc, explicit_serial_is_used_and_random_serial_is_positive);
    tcase_add_loop_test(tc, validity_times_use_the_right_asn1_type_at_the_2050_boundary, 0,
                        sizeof(TIME_TABLE) / sizeof(TIME_TABLE[0]));
    tcase_add_test(tc, expired_leaf_fails_verification);
    tcase_add_loop_test(tc, digest_choice_sets_the_signature_algorithm, 0,
                        sizeof(MD_TABLE) / sizeof(MD_TABLE[0]));
    tcase_add_test(tc, ed25519_and_rsa_issuers_sign_verifiable_certs);
    tcase_add_test(tc, issuer_without_ski_gives_a_leaf_without_aki);
    tcase_add_test(tc, issue_refuses_null_arguments);
    suite_add_tcase(s, tc);

    TCase *tf = tcase_create("files");
    tcase_set_timeout(tf, 30);
    tcase_add_checked_fixture(tf, setup_ca, teardown_ca);
    tcase_add_checked_fixture(tf, setup_tmp, teardown_tmp);
    tcase_add_loop_test(tf, atomic_write_leaves_only_the_target_with_its_mode, 0,
                        sizeof(MODE_TABLE) / sizeof(MODE_TABLE[0]));
    tcase_add_test(tf, atomic_write_replaces_and_handles_empty_data);
    tcase_add_test(tf, atomic_write_into_missing_dir_fails_cleanly);
    tcase_add_test(tf, pem_writers_round_trip_and_set_modes);
    suite_add_tcase(s, tf);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pki_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
