/* x509id.c: client-certificate identity (gk/x509id.h).
 *
 * Two layers, so that the x509-limbo conformance suite runs the very path
 * validation the server runs:
 *   gk_x509_chain_verify  RFC 5280 §6 path validation by OpenSSL's X509_STORE_CTX
 *                         (X509_V_FLAG_X509_STRICT, caller's `now`, depth limit,
 *                         SSL purpose) plus our algorithm floor on every
 *                         certificate of the verified chain;
 *   gk_x509id_verify      the above, then the gatekeeper leaf profile: EKU present
 *                         and containing clientAuth, not a CA, exactly one URI SAN
 *                         that is a SPIFFE ID. The subject CN is never read.
 *
 * Shared state: the X509_STORE is shared by workers, so nothing here mutates it.
 * Every setting lives in the X509_STORE_CTX's own VERIFY_PARAM (a copy made by
 * X509_STORE_CTX_init), there is no verify callback, and the thread's OpenSSL
 * error queue is left as it was found (ERR_set_mark / ERR_pop_to_mark). */
#include "gk/x509id.h"

#include <limits.h>
#include <string.h>
#include <time.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#define GK_SPIFFE_SCHEME "spiffe://"
#define GK_SPIFFE_SCHEME_LEN (sizeof(GK_SPIFFE_SCHEME) - 1)
#define GK_X509_CURVE_NAME_MAX 64 /* longest OpenSSL curve short name is ~25 */

/* ---- SPIFFE ID syntax (SPIFFE-ID §2) ------------------------------------ */

/* §2.1: trust domain names use lower-case letters, digits, '.', '-', '_' only.
 * This alone excludes userinfo ('@'), a port (':'), percent-encoding ('%'),
 * query ('?'), fragment ('#') and upper case. */
static int gk_spiffe_td_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/* §2.2: path segments use letters, digits, '.', '-', '_' only. */
static int gk_spiffe_path_char(uint8_t c)
{
    return gk_spiffe_td_char(c) || (c >= 'A' && c <= 'Z');
}

int gk_spiffe_id_valid(const uint8_t *uri, size_t len)
{
    size_t i = GK_SPIFFE_SCHEME_LEN;

    /* §2.3: at most 2048 bytes. §2: the scheme is "spiffe", compared exactly
     * (no case folding: "SPIFFE://" names a different string, and identities
     * are compared byte for byte downstream). */
    if (uri == NULL || len > GK_X509_MAX_IDENTITY || len < GK_SPIFFE_SCHEME_LEN ||
        memcmp(uri, GK_SPIFFE_SCHEME, GK_SPIFFE_SCHEME_LEN) != 0)
        return 0;
    while (i < len && uri[i] != '/') {
        if (!gk_spiffe_td_char(uri[i]))
            return 0;
        i++;
    }
    if (i == GK_SPIFFE_SCHEME_LEN || i - GK_SPIFFE_SCHEME_LEN > GK_SPIFFE_MAX_TRUST_DOMAIN)
        return 0;
    /* X509-SVID §2: a leaf SVID's SPIFFE ID has a non-root path. */
    if (i == len)
        return 0;
    while (i < len) {
        size_t seg;

        i++; /* uri[i] was '/' */
        seg = i;
        while (i < len && uri[i] != '/') {
            if (!gk_spiffe_path_char(uri[i]))
                return 0;
            i++;
        }
        /* §2.2: no empty segment ("//", trailing '/'), no "." or "..". */
        if (i == seg)
            return 0;
        if (i - seg == 1 && uri[seg] == '.')
            return 0;
        if (i - seg == 2 && uri[seg] == '.' && uri[seg + 1] == '.')
            return 0;
    }
    return 1;
}

/* ---- algorithm floor ------------------------------------------------------ */

static int gk_x509_curve_ok(const EVP_PKEY *pk)
{
    char name[GK_X509_CURVE_NAME_MAX];
    size_t name_len = 0;
    int nid;

    /* Explicit curve parameters have no group name: refused. */
    if (EVP_PKEY_get_group_name(pk, name, sizeof(name), &name_len) != 1 || name_len == 0)
        return 0;
    nid = OBJ_sn2nid(name);
    if (nid == NID_undef)
        nid = EC_curve_nist2nid(name);
    return nid == NID_X9_62_prime256v1 || nid == NID_secp384r1 || nid == NID_secp521r1;
}

/* Allow-list, so that key types nobody thought about (DSA, GOST, SM2...) fail. */
static int gk_x509_key_ok(const X509 *cert)
{
    const EVP_PKEY *pk = X509_get0_pubkey(cert);

    if (pk == NULL)
        return 0;
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        return EVP_PKEY_get_bits(pk) >= GK_X509_MIN_RSA_BITS;
    case EVP_PKEY_EC:
        return gk_x509_curve_ok(pk);
    case EVP_PKEY_ED25519:
    case EVP_PKEY_ED448:
        return 1;
    default:
        return 0;
    }
}

/* The digest inside the signature algorithm (for RSA-PSS, from its parameters).
 * Collision-broken digests are refused whatever OpenSSL's security level is. */
static int gk_x509_sig_ok(X509 *cert)
{
    int mdnid = NID_undef, pknid = NID_undef, secbits = 0;
    uint32_t flags = 0;

    if (X509_get_signature_info(cert, &mdnid, &pknid, &secbits, &flags) != 1)
        return 0;
    switch (mdnid) {
    case NID_md2:
    case NID_md4:
    case NID_md5:
    case NID_md5_sha1:
    case NID_mdc2:
    case NID_sha1:
        return 0;
    default:
        return 1;
    }
}

/* chain[0] is the leaf, chain[num-1] the trust anchor (without
 * X509_V_FLAG_PARTIAL_CHAIN it is always a self-signed store certificate).
 * Every key is checked; every signature but the anchor's self-signature, which
 * path validation never relies on (RFC 5280 §6.1.1(d)). */
static enum gk_status gk_x509_chain_algorithms(STACK_OF(X509) *chain)
{
    int num = sk_X509_num(chain);

    GK_ENSURE(num >= 1, GK_E_INTERNAL);
    for (int i = 0; i < num; i++) {
        X509 *cert = sk_X509_value(chain, i);

        GK_ENSURE(gk_x509_key_ok(cert), GK_E_X509_WEAK);
        GK_ENSURE(i == num - 1 || gk_x509_sig_ok(cert), GK_E_X509_WEAK);
    }
    return GK_OK;
}

/* ---- path validation ------------------------------------------------------ */

static enum gk_status gk_x509_map_verify_error(int err, int err_depth)
{
    switch (err) {
    case X509_V_ERR_INVALID_PURPOSE:
        /* At depth 0 OpenSSL's SSL client purpose refused the leaf itself: its
         * EKU lacks clientAuth (or its keyUsage forbids signing). Higher up it
         * is a CA whose EKU excludes clientAuth: a chain problem. */
        return err_depth == 0 ? GK_E_X509_EKU : GK_E_X509_CHAIN;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return GK_E_X509_TIME;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        return GK_E_X509_DEPTH;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
        return GK_E_X509_WEAK;
    case X509_V_ERR_OUT_OF_MEM:
        return GK_E_NOMEM;
    default:
        /* Includes X509_V_OK with a failed verify (internal error): refuse. */
        return GK_E_X509_CHAIN;
    }
}

static enum gk_status gk_x509_purpose(int eku_nid, int *purpose, int *trust)
{
    switch (eku_nid) {
    case NID_client_auth:
        *purpose = X509_PURPOSE_SSL_CLIENT;
        *trust = X509_TRUST_SSL_CLIENT;
        return GK_OK;
    case NID_server_auth:
        *purpose = X509_PURPOSE_SSL_SERVER;
        *trust = X509_TRUST_SSL_SERVER;
        return GK_OK;
    default:
        return GK_E_ARG;
    }
}

/* Depth: OpenSSL's X509_VERIFY_PARAM depth counts intermediates only; a chain
 * of depth d holds up to d + 2 certificates (leaf and anchor are free). Our
 * max_chain_depth counts every CA above the leaf, anchor included, so a chain
 * holds up to max_chain_depth + 1 certificates: OpenSSL depth = max - 1. */
static enum gk_status gk_x509_run_verify(X509_STORE_CTX *ctx, X509 *leaf,
                                         STACK_OF(X509) *untrusted, X509_STORE *trust,
                                         int max_chain_depth, time_t now, int purpose, int trust_id,
                                         int *verify_error)
{
    X509_VERIFY_PARAM *vp;

    GK_ENSURE(X509_STORE_CTX_init(ctx, trust, leaf, untrusted) == 1, GK_E_NOMEM);
    vp = X509_STORE_CTX_get0_param(ctx); /* the ctx's own copy, not the store's */
    GK_ENSURE(vp != NULL, GK_E_INTERNAL);
    /* Whatever the shared store was configured with, these are ours: no
     * partial chains (the client CA is the only anchor), no skipped time or
     * critical-extension checks, no proxy certificates. */
    GK_ENSURE(X509_VERIFY_PARAM_clear_flags(
                  vp, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME |
                          X509_V_FLAG_IGNORE_CRITICAL | X509_V_FLAG_ALLOW_PROXY_CERTS) == 1,
              GK_E_INTERNAL);
    GK_ENSURE(
        X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_X509_STRICT | X509_V_FLAG_USE_CHECK_TIME) == 1,
        GK_E_INTERNAL);
    X509_VERIFY_PARAM_set_time(vp, now);
    X509_VERIFY_PARAM_set_depth(vp, max_chain_depth - 1);
    GK_ENSURE(X509_VERIFY_PARAM_set_purpose(vp, purpose) == 1, GK_E_INTERNAL);
    GK_ENSURE(X509_VERIFY_PARAM_set_trust(vp, trust_id) == 1, GK_E_INTERNAL);

    if (X509_verify_cert(ctx) != 1) {
        *verify_error = X509_STORE_CTX_get_error(ctx);
        return gk_x509_map_verify_error(*verify_error, X509_STORE_CTX_get_error_depth(ctx));
    }
    return gk_x509_chain_algorithms(X509_STORE_CTX_get0_chain(ctx));
}

enum gk_status gk_x509_chain_verify(X509 *leaf, STACK_OF(X509) *untrusted, X509_STORE *trust,
                                    int max_chain_depth, int64_t now, int eku_nid,
                                    int *verify_error)
{
    int purpose = 0, trust_id = 0, ignored = X509_V_OK;
    X509_STORE_CTX *ctx;
    enum gk_status st;

    if (verify_error == NULL)
        verify_error = &ignored;
    *verify_error = X509_V_OK;
    GK_ENSURE(leaf != NULL, GK_E_X509_NO_CERT);
    GK_ENSURE(untrusted == NULL || sk_X509_num(untrusted) <= GK_X509_MAX_CHAIN, GK_E_LIMIT);
    GK_ENSURE(trust != NULL && max_chain_depth >= 1, GK_E_ARG);
    GK_ENSURE((int64_t)(time_t)now == now, GK_E_ARG);
    GK_GUARD(gk_x509_purpose(eku_nid, &purpose, &trust_id));

    ctx = X509_STORE_CTX_new();
    GK_ENSURE(ctx != NULL, GK_E_NOMEM);
    ERR_set_mark();
    st = gk_x509_run_verify(ctx, leaf, untrusted, trust, max_chain_depth, (time_t)now, purpose,
                            trust_id, verify_error);
    ERR_pop_to_mark();
    X509_STORE_CTX_free(ctx);
    return st;
}

/* ---- leaf profile ------------------------------------------------------------ */

/* RFC 5280 §4.2.1.12 lets a leaf without EKU serve any purpose, and OpenSSL's
 * purpose check follows it; we require the extension and id-kp-clientAuth in it. */
static enum gk_status gk_x509_leaf_eku(X509 *leaf)
{
    int crit = 0, found = 0;
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(leaf, NID_ext_key_usage, &crit, NULL);

    GK_ENSURE(eku != NULL, GK_E_X509_EKU); /* absent, duplicated or malformed */
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
        if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == NID_client_auth)
            found = 1;
    EXTENDED_KEY_USAGE_free(eku);
    GK_ENSURE(found, GK_E_X509_EKU);
    return GK_OK;
}

/* A CA certificate is not a client (RFC 5280 §4.2.1.9 cA). */
static enum gk_status gk_x509_leaf_not_ca(X509 *leaf)
{
    int crit = 0, is_ca;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(leaf, NID_basic_constraints, &crit, NULL);

    if (bc == NULL) {
        /* -1: absent (fine for a leaf). -2 (duplicate) or a decode error: refuse. */
        GK_ENSURE(crit == -1, GK_E_X509_CA_LEAF);
        return GK_OK;
    }
    is_ca = bc->ca != 0;
    BASIC_CONSTRAINTS_free(bc);
    GK_ENSURE(!is_ca, GK_E_X509_CA_LEAF);
    return GK_OK;
}

static enum gk_status gk_x509_copy_identity(const ASN1_IA5STRING *uri, struct gk_x509id *out)
{
    const uint8_t *bytes;
    int len;

    GK_ENSURE(uri != NULL, GK_E_X509_SAN);
    bytes = ASN1_STRING_get0_data(uri);
    len = ASN1_STRING_length(uri);
    /* The IA5String carries its own length; a NUL inside it is just a byte that
     * gk_spiffe_id_valid refuses (never a terminator). */
    GK_ENSURE(bytes != NULL && len > 0 && (size_t)len <= GK_X509_MAX_IDENTITY, GK_E_X509_SAN);
    GK_ENSURE(gk_spiffe_id_valid(bytes, (size_t)len), GK_E_X509_SAN);
    memcpy(out->identity, bytes, (size_t)len);
    out->identity[len] = '\0';
    out->identity_len = (size_t)len;
    return GK_OK;
}

/* Exactly one uniformResourceIdentifier (RFC 5280 §4.2.1.6); other name
 * types are allowed alongside and ignored. */
static enum gk_status gk_x509_leaf_identity(X509 *leaf, struct gk_x509id *out)
{
    int crit = 0, n_uri = 0;
    const ASN1_IA5STRING *uri = NULL;
    GENERAL_NAMES *names = X509_get_ext_d2i(leaf, NID_subject_alt_name, &crit, NULL);
    enum gk_status st;

    GK_ENSURE(names != NULL, GK_E_X509_SAN);
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);

        if (gn->type == GEN_URI) {
            n_uri++;
            uri = gn->d.uniformResourceIdentifier;
        }
    }
    st = gk_x509_copy_identity(n_uri == 1 ? uri : NULL, out);
    GENERAL_NAMES_free(names);
    return st;
}

static void gk_x509id_reset(struct gk_x509id *out)
{
    out->identity[0] = '\0';
    out->identity_len = 0;
    out->openssl_verify_error = X509_V_OK;
}

static enum gk_status gk_x509id_leaf_profile(X509 *leaf, struct gk_x509id *out)
{
    GK_GUARD(gk_x509_leaf_eku(leaf));
    GK_GUARD(gk_x509_leaf_not_ca(leaf));
    return gk_x509_leaf_identity(leaf, out);
}

enum gk_status gk_x509id_verify(X509 *leaf, STACK_OF(X509) *untrusted,
                                const struct gk_x509id_policy *pol, int64_t now,
                                struct gk_x509id *out)
{
    enum gk_status st;

    GK_ENSURE(out != NULL, GK_E_ARG);
    gk_x509id_reset(out);
    GK_ENSURE(leaf != NULL, GK_E_X509_NO_CERT);
    GK_ENSURE(pol != NULL, GK_E_ARG);
    GK_GUARD(gk_x509_chain_verify(leaf, untrusted, pol->trust, pol->max_chain_depth, now,
                                  NID_client_auth, &out->openssl_verify_error));
    ERR_set_mark();
    st = gk_x509id_leaf_profile(leaf, out);
    ERR_pop_to_mark();
    return st;
}

/* ---- DER entry point ----------------------------------------------------------- */

/* One certificate that fills its buffer exactly: trailing bytes are refused,
 * so that two parsers can never disagree about where a certificate ends. */
static enum gk_status gk_x509_decode(const uint8_t *der, size_t len, X509 **out)
{
    const unsigned char *p = der;
    X509 *cert;

    GK_ENSURE(der != NULL && len > 0 && len <= (size_t)LONG_MAX, GK_E_X509_DECODE);
    cert = d2i_X509(NULL, &p, (long)len);
    GK_ENSURE(cert != NULL, GK_E_X509_DECODE);
    if ((size_t)(p - der) != len) {
        X509_free(cert);
        return GK_E_X509_DECODE;
    }
    *out = cert;
    return GK_OK;
}

static enum gk_status gk_x509_decode_all(const uint8_t *const *ders, const size_t *lens, size_t n,
                                         X509 **leaf, STACK_OF(X509) *untrusted)
{
    GK_GUARD(gk_x509_decode(ders[0], lens[0], leaf));
    for (size_t i = 1; i < n; i++) {
        X509 *cert = NULL;

        GK_GUARD(gk_x509_decode(ders[i], lens[i], &cert));
        if (sk_X509_push(untrusted, cert) <= 0) {
            X509_free(cert);
            return GK_E_NOMEM;
        }
    }
    return GK_OK;
}

enum gk_status gk_x509id_verify_der(const uint8_t *const *ders, const size_t *lens, size_t n,
                                    const struct gk_x509id_policy *pol, int64_t now,
                                    struct gk_x509id *out)
{
    X509 *leaf = NULL;
    STACK_OF(X509) *untrusted;
    enum gk_status st;

    GK_ENSURE(out != NULL, GK_E_ARG);
    gk_x509id_reset(out);
    GK_ENSURE(n > 0, GK_E_X509_NO_CERT);
    GK_ENSURE(ders != NULL && lens != NULL, GK_E_ARG);
    /* Same bound as gk_x509_chain_verify, applied before any decoding work. */
    GK_ENSURE(n - 1 <= GK_X509_MAX_CHAIN, GK_E_LIMIT);
    untrusted = sk_X509_new_null();
    GK_ENSURE(untrusted != NULL, GK_E_NOMEM);
    ERR_set_mark();
    st = gk_x509_decode_all(ders, lens, n, &leaf, untrusted);
    ERR_pop_to_mark();
    if (st == GK_OK)
        st = gk_x509id_verify(leaf, untrusted, pol, now, out);
    X509_free(leaf);
    sk_X509_pop_free(untrusted, X509_free);
    return st;
}
