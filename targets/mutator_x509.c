/* mutator_x509.c: structure-aware certificate mutator, shared by libFuzzer
 * (LLVMFuzzerCustomMutator in fuzz_x509id.c) and AFL++ (afl_mutator.c).
 *
 * Decodes the leaf (the first DER certificate of the input), changes one to
 * three TBSCertificate fields (validity, EKU, SAN URIs, basicConstraints, an
 * unknown critical extension, the subject), then re-signs: with the embedded
 * client-CA key (most often, so the later checks are reached) or a rogue key.
 * Anything after the leaf (intermediates) is kept. A leaf that does not decode
 * is replaced by a fresh, valid one from fuzz_fixture.c. */
#include <openssl/x509v3.h>

#include "fuzz_common.h"
#include "fuzz_fixture.h"

static const char *const FZ_URIS[] = {
    "spiffe://gatecrash.test/user/alice", "spiffe://gatecrash.test/admin",
    "spiffe://gatecrash.test/proxy",      "spiffe://gatecrash.test/",
    "spiffe://gatecrash.test",            "SPIFFE://gatecrash.test/user/alice",
    "spiffe://gatecrash.test/a/../admin", "spiffe://gatecrash.test/user%2falice",
    "spiffe://user@gatecrash.test/a",     "spiffe://gatecrash.test:443/a",
    "spiffe://gatecrash.test/a?b",        "https://gatecrash.test/admin",
    "spiffe://GateCrash.test/a",          "spiffe://gatecrash.test//a",
};
#define FZ_N_URIS (sizeof(FZ_URIS) / sizeof(*FZ_URIS))

static int fz_del_ext(X509 *x, int nid)
{
    int i;
    while ((i = X509_get_ext_by_NID(x, nid, -1)) >= 0)
        X509_EXTENSION_free(X509_delete_ext(x, i));
    return 1;
}

static int fz_set_ext(X509 *x, int nid, const char *value)
{
    const struct fz_fixture *f = fz_fixture_get();
    X509V3_CTX ctx;
    fz_del_ext(x, nid);
    if (value == NULL)
        return 1;
    X509V3_set_ctx(&ctx, f->ca_cert, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = e != NULL && X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    return ok;
}

static void fz_mutate_tbs(X509 *x, struct fz_rng *r)
{
    static const int64_t deltas[] = {-400000000, -86400, -1, 0, 1, 86400, 400000000};
    static const char *const ekus[] = {NULL, "clientAuth", "serverAuth", "clientAuth,serverAuth",
                                       "anyExtendedKeyUsage", "critical,clientAuth",
                                       "codeSigning"};
    static const char *const bcs[] = {NULL, "critical,CA:FALSE", "critical,CA:TRUE", "CA:TRUE",
                                      "critical,CA:TRUE,pathlen:0"};
    char san[512];
    switch (fz_rng_below(r, 7)) {
    case 0:
        ASN1_TIME_set(X509_getm_notBefore(x),
                      (time_t)(FZ_NOW + deltas[fz_rng_below(r, sizeof(deltas) / sizeof(*deltas))]));
        break;
    case 1:
        ASN1_TIME_set(X509_getm_notAfter(x),
                      (time_t)(FZ_NOW + deltas[fz_rng_below(r, sizeof(deltas) / sizeof(*deltas))]));
        break;
    case 2:
        fz_set_ext(x, NID_ext_key_usage, ekus[fz_rng_below(r, sizeof(ekus) / sizeof(*ekus))]);
        break;
    case 3: {
        const char *u1 = FZ_URIS[fz_rng_below(r, FZ_N_URIS)];
        switch (fz_rng_below(r, 4)) {
        case 0:
            snprintf(san, sizeof(san), "URI:%s", u1);
            break;
        case 1:
            snprintf(san, sizeof(san), "URI:%s,URI:%s", u1, FZ_URIS[fz_rng_below(r, FZ_N_URIS)]);
            break;
        case 2:
            snprintf(san, sizeof(san), "DNS:localhost,URI:%s", u1);
            break;
        default:
            snprintf(san, sizeof(san), "DNS:localhost");
            break;
        }
        fz_set_ext(x, NID_subject_alt_name, fz_rng_below(r, 8) ? san : NULL);
        break;
    }
    case 4:
        fz_set_ext(x, NID_basic_constraints, bcs[fz_rng_below(r, sizeof(bcs) / sizeof(*bcs))]);
        break;
    case 5: {
        /* An extension nobody understands, critical or not (RFC 5280 §4.2). */
        ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55555.1", 1);
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        static const uint8_t null_der[] = {0x05, 0x00};
        X509_EXTENSION *e = NULL;
        if (obj && os && ASN1_OCTET_STRING_set(os, null_der, sizeof(null_der)) == 1 &&
            (e = X509_EXTENSION_create_by_OBJ(NULL, obj, (int)fz_rng_below(r, 2), os)) != NULL)
            X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
        ASN1_OCTET_STRING_free(os);
        ASN1_OBJECT_free(obj);
        break;
    }
    default: {
        /* The CN is never the identity: make it look like one. */
        X509_NAME *n = X509_NAME_new();
        if (n && X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                                            (const unsigned char *)FZ_URIS[fz_rng_below(r, FZ_N_URIS)],
                                            -1, -1, 0) == 1)
            X509_set_subject_name(x, n);
        X509_NAME_free(n);
        break;
    }
    }
}

size_t fz_x509_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    static uint8_t out[FZ_DER_MAX * 2];
    const struct fz_fixture *f = fz_fixture_get();
    struct fz_rng r;
    fz_rng_seed(&r, seed);
    const uint8_t *p = data;
    X509 *x = size ? d2i_X509(NULL, &p, (long)size) : NULL;
    size_t rest_off = x ? (size_t)(p - data) : size;
    if (x == NULL) {
        struct fz_leaf_spec spec = {.uri1 = FZ_URIS[0], .eku = 1, .ca = 1,
                                    .not_before = FZ_NOW - 86400, .not_after = FZ_NOW + 86400};
        size_t n = fz_leaf_der(&spec, out, sizeof(out));
        if (n == 0 || n > max_size)
            return size;
        memcpy(data, out, n);
        return n;
    }
    size_t n_mut = 1 + fz_rng_below(&r, 3);
    for (size_t i = 0; i < n_mut; i++)
        fz_mutate_tbs(x, &r);
    /* X509_sign refreshes the signature algorithm and the cached encoding. */
    EVP_PKEY *signer = fz_rng_below(&r, 8) ? f->ca_key : f->rogue_key;
    size_t n = 0;
    if (X509_sign(x, signer, EVP_sha256()) > 0) {
        int l = i2d_X509(x, NULL);
        uint8_t *q = out;
        if (l > 0 && (size_t)l <= sizeof(out) && i2d_X509(x, &q) == l)
            n = (size_t)l;
    }
    X509_free(x);
    size_t rest = size - rest_off;
    if (n == 0 || n + rest > max_size || n + rest > sizeof(out))
        return size;
    memcpy(out + n, data + rest_off, rest);
    memcpy(data, out, n + rest);
    return n + rest;
}
