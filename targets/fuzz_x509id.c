/* fuzz_x509id: gk_x509id_verify_der, and through it gk_x509id_verify,
 * gk_x509_chain_verify and gk_spiffe_id_valid (reference-server/core/src/x509id.c).
 *
 * Fixed trust store: the client CA embedded in fuzz_keys.h; max_chain_depth 3;
 * fixed now. Input: DER certificates back to back (leaf first, then
 * intermediates, at most FZ_X509_MAX_CERTS; bytes that do not form a DER
 * SEQUENCE header end the list and are passed as one last blob).
 * Structure-aware mutator: mutator_x509.c.
 *
 * Properties besides "no crash", when accepted (recomputed with OpenSSL here):
 *  - the identity is a valid SPIFFE ID (gk_spiffe_id_valid) of identity_len bytes;
 *  - the leaf decodes and carries exactly one URI SAN, byte-equal to the identity;
 *  - the leaf has EKU clientAuth and is not a CA. */
#include "fuzz_common.h"
#include "fuzz_fixture.h"

#include <openssl/x509v3.h>

#define FZ_X509_MAX_CERTS 4

size_t fz_x509_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* FZ_VERBOSE=1 replay_<t> FILE prints each verdict (seed debugging). */
static int fz_verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fz_fixture_get();
    fz_verbose = getenv("FZ_VERBOSE") != NULL;
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    if ((seed & 1) && LLVMFuzzerMutate != NULL)
        return LLVMFuzzerMutate(data, size, max_size);
    return fz_x509_mutate(data, size, max_size, seed >> 1);
}

/* Length of the DER TLV at p (SEQUENCE, definite length), or 0. */
static size_t fz_der_len(const uint8_t *p, size_t n)
{
    if (n < 2 || p[0] != 0x30)
        return 0;
    if (p[1] < 0x80)
        return 2 + (size_t)p[1] <= n ? 2 + (size_t)p[1] : 0;
    size_t nb = p[1] & 0x7f, len = 0;
    if (nb == 0 || nb > 3 || n < 2 + nb)
        return 0;
    for (size_t i = 0; i < nb; i++)
        len = (len << 8) | p[2 + i];
    return 2 + nb + len <= n ? 2 + nb + len : 0;
}

FZ_NO_COVERAGE static void fz_check_accepted(const uint8_t *leaf_der, size_t leaf_len, const struct gk_x509id *id)
{
    FZ_CHECK(id->identity_len == strlen(id->identity), "identity_len matches the string");
    FZ_CHECK(gk_spiffe_id_valid((const uint8_t *)id->identity, id->identity_len),
             "identity is a valid SPIFFE ID");
    const uint8_t *p = leaf_der;
    X509 *leaf = d2i_X509(NULL, &p, (long)leaf_len);
    FZ_CHECK(leaf != NULL, "accepted leaf decodes");
    GENERAL_NAMES *sans = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    int n_uri = 0, equal = 0;
    for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
        if (g->type != GEN_URI)
            continue;
        n_uri++;
        const ASN1_IA5STRING *u = g->d.uniformResourceIdentifier;
        equal = (size_t)u->length == id->identity_len &&
                memcmp(u->data, id->identity, id->identity_len) == 0;
    }
    GENERAL_NAMES_free(sans);
    FZ_CHECK(n_uri == 1, "leaf has exactly one URI SAN");
    FZ_CHECK(equal, "the URI SAN is the identity");
    FZ_CHECK((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) &&
                 (X509_get_extended_key_usage(leaf) & XKU_SSL_CLIENT),
             "leaf has EKU clientAuth");
    FZ_CHECK(!X509_check_ca(leaf), "leaf is not a CA");
    X509_free(leaf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gk_x509id id;
    const struct fz_fixture *f = fz_fixture_get();
    uint8_t *certs[FZ_X509_MAX_CERTS];
    const uint8_t *ders[FZ_X509_MAX_CERTS];
    size_t lens[FZ_X509_MAX_CERTS], n = 0, off = 0;
    while (off < size && n < FZ_X509_MAX_CERTS) {
        size_t l = fz_der_len(data + off, size - off);
        if (l == 0 || n == FZ_X509_MAX_CERTS - 1)
            l = size - off;
        certs[n] = fz_dup(data + off, l);
        ders[n] = certs[n];
        lens[n] = l;
        n++;
        off += l;
    }
    enum gk_status st = gk_x509id_verify_der(ders, lens, n, &f->x509_policy, FZ_NOW, &id);
    if (fz_verbose)
        fprintf(stderr, "verdict: %s\n", gk_status_name(st));
    if (st == GK_OK) {
        FZ_CHECK(n > 0, "no certificate, no identity");
        fz_check_accepted(ders[0], lens[0], &id);
    }
    for (size_t i = 0; i < n; i++)
        free(certs[i]);
    return 0;
}
