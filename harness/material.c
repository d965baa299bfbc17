/* harness/material.c: everything a case needs from a fixture directory, loaded
 * once, plus the client certificates `gatecrash fixtures` does not write.
 *
 * Each derived certificate is built so that its row in GC_CERT_LIST (case.h)
 * is true by construction: the one defect the kind names, nothing else. The
 * leaves share one P-256 key (the defect is never the key, except RSA1024);
 * every leaf is valid from now-1h to now+30d and carries EKU clientAuth unless
 * the kind says otherwise. */
#include "build_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "fixtures.h"
#include "jose.h"
#include "material_tls.h"
#include "pki.h"

#define MAT_HOUR 3600
#define MAT_DAY (24 * MAT_HOUR)
#define MAT_LEAF_DAYS 30
#define MAT_MAX_FILE (1024 * 1024) /* largest fixture file we read */
#define MAT_MAX_CHAIN 8            /* certificates in one fixture PEM file */
#define MAT_P256_COORD 32
#define MAT_ERR_MAX 256
#define MAT_MARKER_PKCS8 "-----BEGIN PRIVATE KEY-----"
#define MAT_MARKER_EC "-----BEGIN EC PRIVATE KEY-----"
#define MAT_MARKER_RSA "-----BEGIN RSA PRIVATE KEY-----"

/* Loader state: the material being filled and the error sink. */
struct ld {
    struct gc_material *m;
    int64_t now;
    char *err;
    size_t err_cap;
    X509 *ca; /* client CA */
    EVP_PKEY *ca_key;
    X509 *int_ca; /* fixture intermediate, pathLenConstraint 0 */
    EVP_PKEY *int_key;
    EVP_PKEY *leaf_key; /* shared by every derived P-256 leaf */
};

static int ld_fail(struct ld *l, const char *rel, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char ossl[160] = "";
    if (e != 0)
        ERR_error_string_n(e, ossl, sizeof(ossl));
    snprintf(l->err, l->err_cap, "%s: %s%s%s", rel, what, ossl[0] ? ": " : "", ossl);
    ERR_clear_error();
    return -1;
}

static int ld_path(const struct ld *l, const char *rel, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", l->m->dir, rel);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Whole file into a fresh buffer (NUL-terminated for convenience). */
static int ld_read(struct ld *l, const char *rel, uint8_t **out, size_t *len)
{
    char path[PATH_MAX];
    if (ld_path(l, rel, path, sizeof(path)) != 0)
        return ld_fail(l, rel, "path too long");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ld_fail(l, rel, strerror(errno));
    uint8_t *buf = malloc(MAT_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, MAT_MAX_FILE + 1, f) : 0;
    int bad = buf == NULL || ferror(f) || n > MAT_MAX_FILE;
    fclose(f);
    if (bad) {
        free(buf);
        return ld_fail(l, rel, "unreadable or larger than 1 MiB");
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static EVP_PKEY *ld_key(struct ld *l, const char *rel)
{
    char path[PATH_MAX];
    if (ld_path(l, rel, path, sizeof(path)) != 0) {
        ld_fail(l, rel, "path too long");
        return NULL;
    }
    EVP_PKEY *k = gc_pki_read_key_pem(path);
    if (k == NULL)
        ld_fail(l, rel, "cannot read private key");
    return k;
}

/* Every certificate of a PEM file, in order. */
static int ld_certs(struct ld *l, const char *rel, X509 **certs, size_t cap, size_t *n)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (ld_read(l, rel, &buf, &len) != 0)
        return -1;
    BIO *b = BIO_new_mem_buf(buf, (int)len);
    *n = 0;
    X509 *c;
    while (b != NULL && *n < cap && (c = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
        certs[(*n)++] = c;
    ERR_clear_error(); /* the loop ends on "no start line" */
    BIO_free(b);
    free(buf);
    if (*n == 0)
        return ld_fail(l, rel, "no certificate");
    return 0;
}

static X509 *ld_cert(struct ld *l, const char *rel)
{
    X509 *certs[MAT_MAX_CHAIN];
    size_t n = 0;
    if (ld_certs(l, rel, certs, MAT_MAX_CHAIN, &n) != 0)
        return NULL;
    for (size_t i = 1; i < n; i++)
        X509_free(certs[i]);
    return certs[0];
}

/* --- credentials ----------------------------------------------------------------- */

/* For error messages; from the X-macro so it never depends on the catalogue. */
static const char *kind_name(enum gc_cert_kind k)
{
#define MAT_KIND_NAME(name, valid, id, admin) #name,
    static const char *const NAMES[GC_CERT_COUNT] = {GC_CERT_LIST(MAT_KIND_NAME)};
#undef MAT_KIND_NAME
    return (unsigned)k < GC_CERT_COUNT ? NAMES[k] : "?";
}

/* Takes ownership of leaf; extras and key are up-ref'd. */
static int cred_set(struct ld *l, enum gc_cert_kind k, X509 *leaf, X509 *const *extra,
                    size_t n_extra, EVP_PKEY *key)
{
    struct gc_cred *c = &l->m->cred[k];
    c->leaf = leaf;
    c->chain = sk_X509_new_null();
    if (c->chain == NULL || leaf == NULL)
        return ld_fail(l, kind_name(k), "building credential");
    for (size_t i = 0; i < n_extra; i++) {
        if (X509_up_ref(extra[i]) != 1)
            return ld_fail(l, kind_name(k), "X509_up_ref");
        if (sk_X509_push(c->chain, extra[i]) <= 0) {
            X509_free(extra[i]);
            return ld_fail(l, kind_name(k), "chain push");
        }
    }
    if (EVP_PKEY_up_ref(key) != 1)
        return ld_fail(l, kind_name(k), "EVP_PKEY_up_ref");
    c->key = key;
    return 0;
}

/* harness/clients/<name>.pem (leaf, then intermediates) and <name>.key. */
static int cred_from_files(struct ld *l, enum gc_cert_kind k, const char *pem, const char *keyf)
{
    X509 *certs[MAT_MAX_CHAIN];
    size_t n = 0;
    if (ld_certs(l, pem, certs, MAT_MAX_CHAIN, &n) != 0)
        return -1;
    EVP_PKEY *key = ld_key(l, keyf);
    int rc = key ? cred_set(l, k, certs[0], certs + 1, n - 1, key) : -1;
    if (key == NULL)
        X509_free(certs[0]);
    for (size_t i = 1; i < n; i++)
        X509_free(certs[i]);
    EVP_PKEY_free(key);
    return rc;
}

static struct gc_cert_spec leaf_spec(const struct ld *l, const char *cn, const char *uri)
{
    struct gc_cert_spec s = {.subject_cn = cn,
                             .subject_o = "gatecrash",
                             .path_len = -1,
                             .eku_client_auth = 1,
                             .not_before = l->now - MAT_HOUR,
                             .not_after = l->now + MAT_LEAF_DAYS * MAT_DAY};
    if (uri != NULL) {
        s.uri_sans[0] = uri;
        s.n_uri_sans = 1;
    }
    return s;
}

/* A CA certificate without a path length limit, valid like a leaf. */
static struct gc_cert_spec ca_spec(const struct ld *l, const char *cn)
{
    struct gc_cert_spec s = leaf_spec(l, cn, NULL);
    s.eku_client_auth = 0;
    s.is_ca = 1;
    return s;
}

/* Issue a leaf for kind k from spec s under issuer/issuer_key, with the
 * shared leaf key (or `key`), and the given intermediates after it. */
static int derive(struct ld *l, enum gc_cert_kind k, const struct gc_cert_spec *s, EVP_PKEY *key,
                  X509 *issuer, EVP_PKEY *issuer_key, X509 *const *extra, size_t n_extra)
{
    EVP_PKEY *subject = key ? key : l->leaf_key;
    X509 *leaf = gc_pki_issue(s, subject, issuer, issuer_key ? issuer_key : subject);
    if (leaf == NULL)
        return ld_fail(l, kind_name(k), "issuing certificate");
    return cred_set(l, k, leaf, extra, n_extra, subject);
}

/* Leaf straight under the client CA (the common shape). */
static int derive_root(struct ld *l, enum gc_cert_kind k, const struct gc_cert_spec *s)
{
    return derive(l, k, s, NULL, l->ca, l->ca_key, NULL, 0);
}

/* client CA -> int1 -> int2 -> int3 -> leaf: max_chain_depth + 1 CAs above
 * the leaf (anchor included), each CA:TRUE without pathLenConstraint so that
 * only the depth is wrong. */
static int derive_too_deep(struct ld *l)
{
    enum { N_INT = GC_FX_MAX_CHAIN_DEPTH };
    static const char *const NAMES[N_INT] = {"gatecrash deep CA 1", "gatecrash deep CA 2",
                                             "gatecrash deep CA 3"};
    X509 *ints[N_INT] = {0};
    EVP_PKEY *ca_key = gc_pki_keygen(GC_KEY_EC_P256);
    int rc = -1;
    if (ca_key == NULL) {
        ld_fail(l, "too-deep-admin", "keygen");
        goto out;
    }
    X509 *issuer = l->ca;
    EVP_PKEY *issuer_key = l->ca_key;
    for (size_t i = 0; i < N_INT; i++) {
        struct gc_cert_spec s = ca_spec(l, NAMES[i]);
        ints[i] = gc_pki_issue(&s, ca_key, issuer, issuer_key);
        if (ints[i] == NULL) {
            ld_fail(l, "too-deep-admin", "issuing intermediate");
            goto out;
        }
        issuer = ints[i];
        issuer_key = ca_key;
    }
    X509 *sent[N_INT] = {ints[2], ints[1], ints[0]}; /* leaf first, anchor's child last */
    struct gc_cert_spec s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    rc = derive(l, GC_CERT_TOO_DEEP_ADMIN, &s, NULL, ints[N_INT - 1], ca_key, sent, N_INT);
out:
    for (size_t i = 0; i < N_INT; i++)
        X509_free(ints[i]);
    EVP_PKEY_free(ca_key);
    return rc;
}

/* The fixture intermediate has pathLenConstraint 0 (RFC 5280 §4.2.1.9): a CA
 * under it, then a leaf, is one CA too many below it. Depth stays 3. */
static int derive_pathlen(struct ld *l)
{
    EVP_PKEY *ca_key = gc_pki_keygen(GC_KEY_EC_P256);
    if (ca_key == NULL)
        return ld_fail(l, "pathlen-exceeded-admin", "keygen");
    struct gc_cert_spec cs = ca_spec(l, "gatecrash sub-intermediate");
    X509 *sub = gc_pki_issue(&cs, ca_key, l->int_ca, l->int_key);
    int rc = -1;
    if (sub == NULL) {
        ld_fail(l, "pathlen-exceeded-admin", "issuing sub-intermediate");
    } else {
        X509 *sent[2] = {sub, l->int_ca};
        struct gc_cert_spec s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
        rc = derive(l, GC_CERT_PATHLEN_EXCEEDED_ADMIN, &s, NULL, sub, ca_key, sent, 2);
    }
    X509_free(sub);
    EVP_PKEY_free(ca_key);
    return rc;
}

/* alice's leaf (CA:FALSE, keyUsage digitalSignature) signs an admin leaf;
 * alice's own chain follows so a lenient verifier can reach the root. */
static int derive_leaf_as_ca(struct ld *l)
{
    const struct gc_cred *a = &l->m->cred[GC_CERT_ALICE];
    X509 *sent[MAT_MAX_CHAIN];
    size_t n = 0;
    sent[n++] = a->leaf;
    for (int i = 0; i < sk_X509_num(a->chain) && n < MAT_MAX_CHAIN; i++)
        sent[n++] = sk_X509_value(a->chain, i);
    struct gc_cert_spec s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    return derive(l, GC_CERT_LEAF_AS_CA_ADMIN, &s, NULL, a->leaf, a->key, sent, n);
}

static int derive_all(struct ld *l)
{
    const int64_t now = l->now;
    struct gc_cert_spec s;

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN); /* self-signed: issuer = subject */
    if (derive(l, GC_CERT_SELF_SIGNED_ADMIN, &s, NULL, NULL, NULL, NULL, 0))
        return -1;

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    s.not_before = now - MAT_LEAF_DAYS * MAT_DAY;
    s.not_after = now - MAT_HOUR;
    if (derive_root(l, GC_CERT_EXPIRED_ADMIN, &s))
        return -1;

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    s.not_before = now + MAT_HOUR;
    if (derive_root(l, GC_CERT_NOT_YET_VALID_ADMIN, &s))
        return -1;

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    s.eku_client_auth = 0;
    s.eku_server_auth = 1;
    if (derive_root(l, GC_CERT_SERVER_AUTH_ONLY_ADMIN, &s))
        return -1;

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    s.eku_client_auth = 0; /* no EKU extension at all */
    if (derive_root(l, GC_CERT_NO_EKU_ADMIN, &s))
        return -1;

    if (derive_leaf_as_ca(l) || derive_too_deep(l) || derive_pathlen(l))
        return -1;

    /* No subjectAltName at all; the CN spells the admin ID, so a verifier that
     * falls back to the CN (RFC 6125 §6.4.4 forbids it here) names admin. */
    s = leaf_spec(l, GC_FX_ID_ADMIN, NULL);
    if (derive_root(l, GC_CERT_NO_URI_SAN, &s))
        return -1;

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    s.uri_sans[1] = GC_FX_ID_ALICE;
    s.n_uri_sans = 2;
    if (derive_root(l, GC_CERT_TWO_URI_SANS, &s))
        return -1;

    s = leaf_spec(l, GC_FX_ID_ADMIN, GC_FX_ID_ALICE);
    if (derive_root(l, GC_CERT_CN_ADMIN_SAN_ALICE, &s))
        return -1;

    s = leaf_spec(l, "admin", NULL);
    s.dns_sans[0] = "gatecrash.test";
    s.n_dns_sans = 1;
    if (derive_root(l, GC_CERT_DNS_SAN_ONLY_ADMIN, &s))
        return -1;

    static const struct {
        enum gc_cert_kind k;
        const char *uri;
    } LOOKALIKES[] = {
        {GC_CERT_LOOKALIKE_UPPER_SCHEME, "SPIFFE://gatecrash.test/admin"},
        {GC_CERT_LOOKALIKE_TRAILING_SLASH, "spiffe://gatecrash.test/admin/"},
        {GC_CERT_LOOKALIKE_SUFFIX_DOMAIN, "spiffe://gatecrash.test.evil/admin"},
        {GC_CERT_LOOKALIKE_ADMIN_PREFIX, "spiffe://gatecrash.test/administrator"},
        {GC_CERT_LOOKALIKE_ADMIN_CHILD, "spiffe://gatecrash.test/admin/x"},
    };
    for (size_t i = 0; i < sizeof(LOOKALIKES) / sizeof(LOOKALIKES[0]); i++) {
        s = leaf_spec(l, "admin", LOOKALIKES[i].uri);
        if (derive_root(l, LOOKALIKES[i].k, &s))
            return -1;
    }

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    s.unknown_critical_ext = 1;
    if (derive_root(l, GC_CERT_UNKNOWN_CRITICAL_ADMIN, &s))
        return -1;

    EVP_PKEY *weak = gc_pki_keygen(GC_KEY_RSA1024);
    if (weak == NULL)
        return ld_fail(l, "rsa1024-admin", "keygen");
    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    int rc = derive(l, GC_CERT_RSA1024_ADMIN, &s, weak, l->ca, l->ca_key, NULL, 0);
    EVP_PKEY_free(weak);
    if (rc)
        return -1;

    s = leaf_spec(l, "admin", GC_FX_ID_ADMIN);
    s.md = EVP_sha1();
    if (derive_root(l, GC_CERT_SHA1_ADMIN, &s))
        return -1;

    /* alice's fixture credential already goes through the intermediate. */
    const struct gc_cred *a = &l->m->cred[GC_CERT_ALICE];
    X509 *sent[MAT_MAX_CHAIN];
    size_t n = 0;
    for (int i = 0; i < sk_X509_num(a->chain) && n < MAT_MAX_CHAIN; i++)
        sent[n++] = sk_X509_value(a->chain, i);
    if (X509_up_ref(a->leaf) != 1)
        return ld_fail(l, "intermediate-alice", "X509_up_ref");
    return cred_set(l, GC_CERT_INTERMEDIATE_ALICE, a->leaf, sent, n, a->key);
}

/* --- policy, keys, canaries, secrets -------------------------------------------- */

static int copy_str(struct ld *l, const json_t *doc, const char *field, char *out, size_t cap)
{
    const char *v = json_string_value(json_object_get(doc, field));
    if (v == NULL || strlen(v) >= cap) {
        char what[64];
        snprintf(what, sizeof(what), "%s: missing, not a string, or too long", field);
        return ld_fail(l, GC_FX_POLICY, what);
    }
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

static int load_jwt_key(struct ld *l, const char *kid, const char *alg, const char *file)
{
    struct gc_material *m = l->m;
    char rel[PATH_MAX];
    if (strcmp(alg, "HS256") == 0) {
        if (m->hs_len != 0)
            return 0; /* the first HMAC key is the fixture one */
        uint8_t *buf = NULL;
        size_t len = 0;
        snprintf(rel, sizeof(rel), "%s/%s", GC_FX_TARGET, file);
        if (ld_read(l, rel, &buf, &len) != 0)
            return -1;
        int ok = len > 0 && len <= sizeof(m->hs);
        if (ok)
            memcpy(m->hs, buf, len);
        m->hs_len = ok ? len : 0;
        free(buf);
        return ok ? 0 : ld_fail(l, rel, "HMAC secret empty or too long");
    }
    EVP_PKEY **slot = strcmp(alg, "RS256") == 0   ? &m->jwt_rsa
                      : strcmp(alg, "ES256") == 0 ? &m->jwt_ec
                      : strcmp(alg, "EdDSA") == 0 ? &m->jwt_ed
                                                  : NULL;
    if (slot == NULL || *slot != NULL)
        return 0; /* an algorithm we do not sign with, or a second key of a family */
    snprintf(rel, sizeof(rel), "%s/%s.key.pem", GC_FX_JWT_PRIV_DIR, kid);
    *slot = ld_key(l, rel);
    if (*slot == NULL)
        return -1;
    /* HS-keyed-with-a-public-key recipes need the exact public file bytes. */
    uint8_t **pem = strcmp(alg, "RS256") == 0   ? &m->rsa_pub_pem
                    : strcmp(alg, "ES256") == 0 ? &m->ec_pub_pem
                                                : NULL;
    size_t *pem_len = pem == &m->rsa_pub_pem ? &m->rsa_pub_pem_len : &m->ec_pub_pem_len;
    if (pem == NULL)
        return 0;
    snprintf(rel, sizeof(rel), "%s/%s", GC_FX_TARGET, file);
    if (ld_read(l, rel, pem, pem_len) != 0)
        return -1;
    if (pem == &m->rsa_pub_pem) {
        BIO *b = BIO_new_mem_buf(*pem, (int)*pem_len);
        EVP_PKEY *pub = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
        unsigned char *der = NULL;
        int n = pub ? i2d_PUBKEY(pub, &der) : -1;
        EVP_PKEY_free(pub);
        if (n <= 0)
            return ld_fail(l, rel, "not a PEM SubjectPublicKeyInfo");
        m->rsa_pub_der = malloc((size_t)n);
        if (m->rsa_pub_der != NULL)
            memcpy(m->rsa_pub_der, der, (size_t)n);
        m->rsa_pub_der_len = (size_t)n;
        OPENSSL_free(der);
        if (m->rsa_pub_der == NULL)
            return ld_fail(l, rel, "out of memory");
    }
    return 0;
}

static int load_policy(struct ld *l)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (ld_read(l, GC_FX_POLICY, &buf, &len) != 0)
        return -1;
    json_error_t je;
    json_t *doc = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &je);
    free(buf);
    if (doc == NULL)
        return ld_fail(l, GC_FX_POLICY, je.text);
    struct gc_material *m = l->m;
    int rc = -1;
    if (copy_str(l, doc, "issuer", m->issuer, sizeof(m->issuer)) ||
        copy_str(l, doc, "audience", m->audience, sizeof(m->audience)) ||
        copy_str(l, doc, "helper", m->helper, sizeof(m->helper)))
        goto out;
    json_t *lw = json_object_get(doc, "leeway_s"), *dp = json_object_get(doc, "max_chain_depth");
    if (!json_is_integer(lw) || !json_is_integer(dp)) {
        ld_fail(l, GC_FX_POLICY, "leeway_s / max_chain_depth: missing or not integers");
        goto out;
    }
    m->leeway_s = json_integer_value(lw);
    m->max_chain_depth = json_integer_value(dp);
    json_t *keys = json_object_get(doc, "keys"), *k;
    size_t i;
    if (!json_is_array(keys)) {
        ld_fail(l, GC_FX_POLICY, "keys: not an array");
        goto out;
    }
    json_array_foreach(keys, i, k)
    {
        const char *kid = json_string_value(json_object_get(k, "kid"));
        const char *alg = json_string_value(json_object_get(k, "alg"));
        const char *file = json_string_value(json_object_get(k, "file"));
        if (kid == NULL || alg == NULL || file == NULL) {
            ld_fail(l, GC_FX_POLICY, "keys: entry without kid/alg/file");
            goto out;
        }
        if (load_jwt_key(l, kid, alg, file) != 0)
            goto out;
    }
    if (m->jwt_rsa == NULL || m->jwt_ec == NULL || m->jwt_ed == NULL || m->hs_len == 0) {
        ld_fail(l, GC_FX_POLICY, "keys: need one RS256, ES256, EdDSA and HS256 key");
        goto out;
    }
    rc = 0;
out:
    json_decref(doc);
    return rc;
}

static int load_canaries(struct ld *l)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (ld_read(l, GC_FX_CANARIES, &buf, &len) != 0)
        return -1;
    json_error_t je;
    json_t *doc = json_loadb((const char *)buf, len, 0, &je);
    free(buf);
    json_t *list = json_object_get(doc, "canaries"), *c;
    if (!json_is_array(list)) {
        json_decref(doc);
        return ld_fail(l, GC_FX_CANARIES, doc ? "canaries: not an array" : je.text);
    }
    struct gc_material *m = l->m;
    m->canaries = calloc(json_array_size(list) + 1, sizeof(*m->canaries));
    int rc = m->canaries ? 0 : ld_fail(l, GC_FX_CANARIES, "out of memory");
    size_t i;
    json_array_foreach(list, i, c)
    {
        const char *tok = json_string_value(json_object_get(c, "token"));
        const char *rel = json_string_value(json_object_get(c, "path"));
        struct gc_canary *out = &m->canaries[m->n_canaries];
        if (rc != 0)
            break;
        if (tok == NULL || rel == NULL || strlen(tok) >= sizeof(out->token)) {
            rc = ld_fail(l, GC_FX_CANARIES, "entry without token/path");
            break;
        }
        memcpy(out->token, tok, strlen(tok) + 1);
        /* Absolute, so the traversal oracle can match supervisor open events. */
        int n = rel[0] == '/' ? snprintf(out->path, sizeof(out->path), "%s", rel)
                              : snprintf(out->path, sizeof(out->path), "%s/%s", m->dir, rel);
        if (n < 0 || (size_t)n >= sizeof(out->path)) {
            rc = ld_fail(l, GC_FX_CANARIES, "path too long");
            break;
        }
        m->n_canaries++;
    }
    json_decref(doc);
    return rc;
}

/* RFC 7518 §6.2.1: the attacker EC key as a public JWK object. */
static int attacker_jwk(struct ld *l)
{
    struct gc_material *m = l->m;
    BIGNUM *x = NULL, *y = NULL;
    uint8_t xb[MAT_P256_COORD], yb[MAT_P256_COORD];
    char xs[2 * MAT_P256_COORD], ys[2 * MAT_P256_COORD];
    int ok = EVP_PKEY_get_bn_param(m->att_ec, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
             EVP_PKEY_get_bn_param(m->att_ec, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
             BN_bn2binpad(x, xb, sizeof(xb)) == (int)sizeof(xb) &&
             BN_bn2binpad(y, yb, sizeof(yb)) == (int)sizeof(yb) &&
             gc_b64url_encode(xb, sizeof(xb), xs, sizeof(xs)) > 0 &&
             gc_b64url_encode(yb, sizeof(yb), ys, sizeof(ys)) > 0;
    BN_free(x);
    BN_free(y);
    if (!ok)
        return ld_fail(l, GC_FX_ATTACKER_EC_KEY, "not a P-256 key");
    int n = snprintf(m->attacker_jwk, sizeof(m->attacker_jwk),
                     "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}", xs, ys);
    return n > 0 && (size_t)n < sizeof(m->attacker_jwk) ? 0 : ld_fail(l, "jwk", "too long");
}

static int load_attacker(struct ld *l)
{
    struct gc_material *m = l->m;
    if ((m->att_ec = ld_key(l, GC_FX_ATTACKER_EC_KEY)) == NULL ||
        (m->att_rsa = ld_key(l, GC_FX_ATTACKER_RSA_KEY)) == NULL)
        return -1;
    m->att_ec384 = gc_pki_keygen(GC_KEY_EC_P384);
    m->att_ed = gc_pki_keygen(GC_KEY_ED25519);
    if (m->att_ec384 == NULL || m->att_ed == NULL)
        return ld_fail(l, "attacker", "keygen");
    /* The attacker's HMAC secret must differ from the fixture's, or an
     * "attacker-signed" token would be a valid one. */
    do {
        if (RAND_bytes(m->att_hs, sizeof(m->att_hs)) != 1)
            return ld_fail(l, "attacker", "RAND_bytes");
    } while (m->hs_len == sizeof(m->att_hs) && memcmp(m->att_hs, m->hs, m->hs_len) == 0);
    return attacker_jwk(l);
}

static int make_secrets(struct ld *l)
{
    static const char HEX[] = "0123456789abcdef";
    struct gc_material *m = l->m;
    char *hex = malloc(2 * m->hs_len + 1);
    char *b64 = malloc(2 * m->hs_len + 4);
    if (hex == NULL || b64 == NULL ||
        gc_b64url_encode(m->hs, m->hs_len, b64, 2 * m->hs_len + 4) < 0) {
        free(hex);
        free(b64);
        return ld_fail(l, "secrets", "out of memory");
    }
    for (size_t i = 0; i < m->hs_len; i++) {
        hex[2 * i] = HEX[m->hs[i] >> 4];
        hex[2 * i + 1] = HEX[m->hs[i] & 15];
    }
    hex[2 * m->hs_len] = '\0';
    const char *fixed[] = {MAT_MARKER_PKCS8, MAT_MARKER_EC, MAT_MARKER_RSA};
    static const char *const LABELS[GC_MAT_N_SECRETS] = {
        "hs-1 key hex", "hs-1 key base64url", "PKCS#8 private key PEM", "EC private key PEM",
        "RSA private key PEM"};
    m->secrets[GC_MAT_SECRET_HS_HEX] = hex;
    m->secrets[1] = b64;
    for (size_t i = 0; i < 3; i++) {
        m->secrets[2 + i] = strdup(fixed[i]);
        if (m->secrets[2 + i] == NULL)
            return ld_fail(l, "secrets", "out of memory");
    }
    for (size_t i = 0; i < GC_MAT_N_SECRETS; i++) {
        m->secret_view[i] = m->secrets[i];
        m->secret_labels[i] = LABELS[i];
    }
    return 0;
}

static int load_cas(struct ld *l)
{
    if ((l->ca = ld_cert(l, GC_FX_CLIENT_CA)) == NULL ||
        (l->ca_key = ld_key(l, GC_FX_CLIENT_CA_KEY)) == NULL ||
        (l->int_ca = ld_cert(l, GC_FX_CLIENT_INT_CERT)) == NULL ||
        (l->int_key = ld_key(l, GC_FX_CLIENT_INT_KEY)) == NULL)
        return -1;
    if ((l->leaf_key = gc_pki_keygen(GC_KEY_EC_P256)) == NULL)
        return ld_fail(l, "derived leaves", "keygen");
    return 0;
}

static int load_fixture_clients(struct ld *l)
{
    static const struct {
        enum gc_cert_kind k;
        const char *pem, *key;
    } FILES[] = {
        {GC_CERT_ALICE, GC_FX_CLIENTS_DIR "/alice.pem", GC_FX_CLIENTS_DIR "/alice.key"},
        {GC_CERT_BOB, GC_FX_CLIENTS_DIR "/bob.pem", GC_FX_CLIENTS_DIR "/bob.key"},
        {GC_CERT_ADMIN, GC_FX_CLIENTS_DIR "/admin.pem", GC_FX_CLIENTS_DIR "/admin.key"},
        {GC_CERT_PROXY, GC_FX_CLIENTS_DIR "/proxy.pem", GC_FX_CLIENTS_DIR "/proxy.key"},
        /* Leaf + rogue CA whose subject equals the real client CA's. */
        {GC_CERT_ROGUE_CA_ADMIN, GC_FX_ROGUE_ADMIN_CERT, GC_FX_ROGUE_ADMIN_KEY},
    };
    for (size_t i = 0; i < sizeof(FILES) / sizeof(FILES[0]); i++)
        if (cred_from_files(l, FILES[i].k, FILES[i].pem, FILES[i].key) != 0)
            return -1;
    return 0;
}

static int load_paths(struct ld *l, const char *dir)
{
    struct gc_material *m = l->m;
    char tmp[PATH_MAX];
    if (realpath(dir, m->dir) == NULL)
        return ld_fail(l, dir, strerror(errno));
    if (ld_path(l, GC_FX_TARGET, tmp, sizeof(tmp)) != 0 || realpath(tmp, m->target_dir) == NULL)
        return ld_fail(l, GC_FX_TARGET, strerror(errno));
    if (ld_path(l, GC_FX_SERVER_CA, m->server_ca, sizeof(m->server_ca)) != 0)
        return ld_fail(l, GC_FX_SERVER_CA, "path too long");
    return 0;
}

struct gc_material *gc_material_load(const char *fixtures_dir, int64_t now, char *err,
                                     size_t err_cap)
{
    char dummy[1];
    if (err == NULL || err_cap == 0) {
        err = dummy;
        err_cap = sizeof(dummy);
    }
    err[0] = '\0';
    struct gc_material *m = calloc(1, sizeof(*m));
    if (m == NULL || fixtures_dir == NULL) {
        snprintf(err, err_cap, "%s", m ? "no fixture directory" : "out of memory");
        free(m);
        return NULL;
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        snprintf(err, err_cap, "pthread_mutex_init failed");
        free(m);
        return NULL;
    }
    struct ld l = {.m = m, .now = now, .err = err, .err_cap = err_cap};
    int rc = load_paths(&l, fixtures_dir) || load_policy(&l) || load_cas(&l) ||
             load_fixture_clients(&l) || load_attacker(&l) || load_canaries(&l) || derive_all(&l) ||
             make_secrets(&l);
    X509_free(l.ca);
    X509_free(l.int_ca);
    EVP_PKEY_free(l.ca_key);
    EVP_PKEY_free(l.int_key);
    EVP_PKEY_free(l.leaf_key);
    if (rc != 0) {
        gc_material_free(m);
        return NULL;
    }
    return m;
}

void gc_material_free(struct gc_material *m)
{
    if (m == NULL)
        return;
    for (size_t k = 0; k < GC_CERT_COUNT; k++) {
        struct gc_cred *c = &m->cred[k];
        gc__material_client_free(c->client);
        X509_free(c->leaf);
        sk_X509_pop_free(c->chain, X509_free);
        EVP_PKEY_free(c->key);
    }
    EVP_PKEY_free(m->jwt_rsa);
    EVP_PKEY_free(m->jwt_ec);
    EVP_PKEY_free(m->jwt_ed);
    EVP_PKEY_free(m->att_rsa);
    EVP_PKEY_free(m->att_ec);
    EVP_PKEY_free(m->att_ec384);
    EVP_PKEY_free(m->att_ed);
    OPENSSL_cleanse(m->hs, sizeof(m->hs));
    OPENSSL_cleanse(m->att_hs, sizeof(m->att_hs));
    free(m->rsa_pub_pem);
    free(m->rsa_pub_der);
    free(m->ec_pub_pem);
    free(m->canaries);
    for (size_t i = 0; i < GC_MAT_N_SECRETS; i++)
        free(m->secrets[i]);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* --- accessors ------------------------------------------------------------------- */

struct gc_client *gc_material_client(struct gc_material *m, enum gc_cert_kind k)
{
    if (m == NULL || (unsigned)k >= GC_CERT_COUNT)
        return NULL;
    struct gc_cred *c = &m->cred[k];
    pthread_mutex_lock(&m->lock);
    if (c->client == NULL) {
        char err[MAT_ERR_MAX];
        /* The weak kinds must reach the server: its verdict is what we test. */
        int weak = k == GC_CERT_RSA1024_ADMIN || k == GC_CERT_SHA1_ADMIN;
        c->client = gc__material_client_new(m->server_ca, c->leaf, c->chain, c->key, weak, err,
                                            sizeof(err));
    }
    struct gc_client *out = c->client;
    pthread_mutex_unlock(&m->lock);
    return out;
}

int gc_material_cred(const struct gc_material *m, enum gc_cert_kind k, X509 **leaf,
                     STACK_OF(X509) * *chain, EVP_PKEY **key)
{
    if (m == NULL || (unsigned)k >= GC_CERT_COUNT || m->cred[k].leaf == NULL)
        return -1;
    if (leaf)
        *leaf = m->cred[k].leaf;
    if (chain)
        *chain = m->cred[k].chain;
    if (key)
        *key = m->cred[k].key;
    return 0;
}

int gc_material_write_cred(const struct gc_material *m, enum gc_cert_kind k, const char *cert_path,
                           const char *key_path)
{
    X509 *leaf = NULL;
    STACK_OF(X509) *chain = NULL;
    EVP_PKEY *key = NULL;
    if (cert_path == NULL || key_path == NULL || gc_material_cred(m, k, &leaf, &chain, &key)) {
        errno = EINVAL;
        return -1;
    }
    X509 *certs[MAT_MAX_CHAIN + 1];
    size_t n = 0;
    certs[n++] = leaf;
    for (int i = 0; i < sk_X509_num(chain) && n < MAT_MAX_CHAIN + 1; i++)
        certs[n++] = sk_X509_value(chain, i);
    if (gc_pki_write_cert_pem(cert_path, certs, n) != 0)
        return -1;
    return gc_pki_write_key_pem(key_path, key);
}

const char *gc_material_dir(const struct gc_material *m)
{
    return m->dir;
}

const char *gc_material_target_dir(const struct gc_material *m)
{
    return m->target_dir;
}

const char *gc_material_helper(const struct gc_material *m)
{
    return m->helper;
}

const struct gc_canary *gc_material_canaries(const struct gc_material *m, size_t *n)
{
    *n = m->n_canaries;
    return m->canaries;
}

const char *const *gc_material_secrets(const struct gc_material *m, size_t *n)
{
    *n = GC_MAT_N_SECRETS;
    return m->secret_view;
}

const char *const *gc_material_secret_labels(const struct gc_material *m, size_t *n)
{
    *n = GC_MAT_N_SECRETS;
    return m->secret_labels;
}
