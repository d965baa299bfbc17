/* harness/pki.c: the certificate and key factory (see pki.h).
 * Everything the harness writes goes through gc_write_file_atomic so that an
 * interrupted run never leaves a half-written key or certificate behind. */
#include "pki.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

/* Private OID for the "unknown critical extension" case (RFC 5280 §4.2: a
 * relying party MUST reject a certificate with an unrecognized critical one). */
#define GC_PKI_UNKNOWN_EXT_OID "1.3.6.1.4.1.55738.666"
#define GC_PKI_TMP_SUFFIX ".tmp-XXXXXX"
#define GC_PKI_EXT_CONF_MAX 64

EVP_PKEY *gc_pki_keygen(enum gc_key_type type)
{
    switch (type) {
    case GC_KEY_EC_P256:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    case GC_KEY_EC_P384:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    case GC_KEY_RSA2048:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048); /* e = 65537 by default */
    case GC_KEY_RSA1024:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    case GC_KEY_ED25519:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    }
    return NULL;
}

static int set_serial(X509 *cert, uint64_t serial)
{
    if (serial == 0) {
        /* RFC 5280 §4.1.2.2: positive, at most 20 octets. 63 random bits,
         * never zero. */
        uint8_t b[8];
        do {
            if (RAND_bytes(b, sizeof(b)) != 1)
                return -1;
            serial = 0;
            for (size_t i = 0; i < sizeof(b); i++)
                serial = (serial << 8) | b[i];
            serial &= INT64_MAX;
        } while (serial == 0);
    }
    ASN1_INTEGER *ai = ASN1_INTEGER_new();
    if (ai == NULL)
        return -1;
    int ok = ASN1_INTEGER_set_uint64(ai, serial) == 1 && X509_set_serialNumber(cert, ai) == 1;
    ASN1_INTEGER_free(ai);
    return ok ? 0 : -1;
}

/* ASN1_TIME_set picks UTCTime for 1950..2049 and GeneralizedTime otherwise,
 * exactly as RFC 5280 §4.1.2.5 requires. */
static int set_time(X509 *cert, int64_t t, int after)
{
    ASN1_TIME *tm = ASN1_TIME_set(NULL, (time_t)t);
    if (tm == NULL)
        return -1;
    int ok = after ? X509_set1_notAfter(cert, tm) : X509_set1_notBefore(cert, tm);
    ASN1_TIME_free(tm);
    return ok == 1 ? 0 : -1;
}

static int add_conf_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (ext == NULL)
        return -1;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1 ? 0 : -1;
}

static int add_basic_constraints(X509 *cert, X509V3_CTX *ctx, const struct gc_cert_spec *spec)
{
    char conf[GC_PKI_EXT_CONF_MAX];
    if (spec->is_ca && spec->path_len >= 0)
        snprintf(conf, sizeof(conf), "critical,CA:TRUE,pathlen:%d", spec->path_len);
    else if (spec->is_ca)
        snprintf(conf, sizeof(conf), "critical,CA:TRUE");
    else
        snprintf(conf, sizeof(conf), "critical,CA:FALSE");
    return add_conf_ext(cert, ctx, NID_basic_constraints, conf);
}

/* X509v3_KU_* flag → bit number in the KeyUsage BIT STRING (RFC 5280 §4.2.1.3). */
static const struct {
    int flag;
    int bit;
} KU_BITS[] = {
    {X509v3_KU_DIGITAL_SIGNATURE, 0}, {X509v3_KU_NON_REPUDIATION, 1},
    {X509v3_KU_KEY_ENCIPHERMENT, 2},  {X509v3_KU_DATA_ENCIPHERMENT, 3},
    {X509v3_KU_KEY_AGREEMENT, 4},     {X509v3_KU_KEY_CERT_SIGN, 5},
    {X509v3_KU_CRL_SIGN, 6},          {X509v3_KU_ENCIPHER_ONLY, 7},
    {X509v3_KU_DECIPHER_ONLY, 8},
};

static int add_key_usage(X509 *cert, const struct gc_cert_spec *spec)
{
    int ku = spec->key_usage;
    if (ku == 0)
        ku = spec->is_ca ? (X509v3_KU_KEY_CERT_SIGN | X509v3_KU_CRL_SIGN)
                         : X509v3_KU_DIGITAL_SIGNATURE;
    ASN1_BIT_STRING *bs = ASN1_BIT_STRING_new();
    if (bs == NULL)
        return -1;
    int ok = 1;
    for (size_t i = 0; i < sizeof(KU_BITS) / sizeof(KU_BITS[0]); i++)
        if (ku & KU_BITS[i].flag)
            ok &= ASN1_BIT_STRING_set_bit(bs, KU_BITS[i].bit, 1);
    ok = ok && X509_add1_ext_i2d(cert, NID_key_usage, bs, 1, X509V3_ADD_DEFAULT) == 1;
    ASN1_BIT_STRING_free(bs);
    return ok ? 0 : -1;
}

static int add_eku(X509 *cert, X509V3_CTX *ctx, const struct gc_cert_spec *spec)
{
    if (!spec->eku_client_auth && !spec->eku_server_auth)
        return 0;
    const char *conf = spec->eku_client_auth && spec->eku_server_auth ? "clientAuth,serverAuth"
                       : spec->eku_client_auth                        ? "clientAuth"
                                                                      : "serverAuth";
    return add_conf_ext(cert, ctx, NID_ext_key_usage, conf);
}

static int push_ia5_name(GENERAL_NAMES *names, int type, const char *value)
{
    GENERAL_NAME *gn = GENERAL_NAME_new();
    ASN1_IA5STRING *s = ASN1_IA5STRING_new();
    if (gn == NULL || s == NULL || ASN1_STRING_set(s, value, (int)strlen(value)) != 1) {
        GENERAL_NAME_free(gn);
        ASN1_IA5STRING_free(s);
        return -1;
    }
    GENERAL_NAME_set0_value(gn, type, s);
    if (sk_GENERAL_NAME_push(names, gn) <= 0) {
        GENERAL_NAME_free(gn);
        return -1;
    }
    return 0;
}

static int push_ip_name(GENERAL_NAMES *names, const char *text)
{
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(text);
    GENERAL_NAME *gn = GENERAL_NAME_new();
    if (ip == NULL || gn == NULL) {
        ASN1_OCTET_STRING_free(ip);
        GENERAL_NAME_free(gn);
        return -1;
    }
    GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    if (sk_GENERAL_NAME_push(names, gn) <= 0) {
        GENERAL_NAME_free(gn);
        return -1;
    }
    return 0;
}

/* Built from GENERAL_NAME objects rather than a config string so that SAN
 * values with commas or colons (look-alike cases) survive unchanged. */
static int add_san(X509 *cert, const struct gc_cert_spec *spec)
{
    if (spec->n_uri_sans > GC_PKI_MAX_SANS || spec->n_dns_sans > GC_PKI_MAX_SANS ||
        spec->n_ip_sans > GC_PKI_MAX_SANS)
        return -1;
    if (spec->n_uri_sans + spec->n_dns_sans + spec->n_ip_sans == 0)
        return 0;
    GENERAL_NAMES *names = GENERAL_NAMES_new();
    if (names == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < spec->n_uri_sans; i++)
        rc = spec->uri_sans[i] ? push_ia5_name(names, GEN_URI, spec->uri_sans[i]) : -1;
    for (size_t i = 0; rc == 0 && i < spec->n_dns_sans; i++)
        rc = spec->dns_sans[i] ? push_ia5_name(names, GEN_DNS, spec->dns_sans[i]) : -1;
    for (size_t i = 0; rc == 0 && i < spec->n_ip_sans; i++)
        rc = spec->ip_sans[i] ? push_ip_name(names, spec->ip_sans[i]) : -1;
    /* RFC 5280 §4.2.1.6: critical when the subject name is empty. */
    int critical = X509_NAME_entry_count(X509_get_subject_name(cert)) == 0;
    if (rc == 0 &&
        X509_add1_ext_i2d(cert, NID_subject_alt_name, names, critical, X509V3_ADD_DEFAULT) != 1)
        rc = -1;
    GENERAL_NAMES_free(names);
    return rc;
}

static int add_unknown_critical(X509 *cert)
{
    static const uint8_t DER_NULL[] = {0x05, 0x00};
    ASN1_OBJECT *obj = OBJ_txt2obj(GC_PKI_UNKNOWN_EXT_OID, 1);
    ASN1_OCTET_STRING *data = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    int rc = -1;
    if (obj != NULL && data != NULL && ASN1_OCTET_STRING_set(data, DER_NULL, sizeof(DER_NULL)) == 1)
        ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 1, data);
    if (ext != NULL && X509_add_ext(cert, ext, -1) == 1)
        rc = 0;
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(data);
    ASN1_OBJECT_free(obj);
    return rc;
}

static int set_subject(X509 *cert, const struct gc_cert_spec *spec)
{
    X509_NAME *name = X509_get_subject_name(cert);
    if (spec->subject_o != NULL &&
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)spec->subject_o,
                                   -1, -1, 0) != 1)
        return -1;
    if (spec->subject_cn != NULL &&
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   (const unsigned char *)spec->subject_cn, -1, -1, 0) != 1)
        return -1;
    return 0;
}

static int is_md_less(EVP_PKEY *key)
{
    int id = EVP_PKEY_get_id(key);
    return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448;
}

X509 *gc_pki_issue(const struct gc_cert_spec *spec, EVP_PKEY *subject_key, X509 *issuer_cert,
                   EVP_PKEY *issuer_key)
{
    if (spec == NULL || subject_key == NULL || issuer_key == NULL)
        return NULL;
    X509 *cert = X509_new();
    if (cert == NULL)
        goto fail;
    if (X509_set_version(cert, X509_VERSION_3) != 1 || set_serial(cert, spec->serial) != 0 ||
        set_time(cert, spec->not_before, 0) != 0 || set_time(cert, spec->not_after, 1) != 0 ||
        X509_set_pubkey(cert, subject_key) != 1 || set_subject(cert, spec) != 0)
        goto fail;
    X509 *issuer = issuer_cert != NULL ? issuer_cert : cert;
    if (X509_set_issuer_name(cert, X509_get_subject_name(issuer)) != 1)
        goto fail;

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    if (issuer_cert == NULL)
        X509V3_set_issuer_pkey(&ctx, issuer_key); /* AKI of a self-signed cert */
    if (!spec->no_basic_constraints && add_basic_constraints(cert, &ctx, spec) != 0)
        goto fail;
    if (add_key_usage(cert, spec) != 0 || add_eku(cert, &ctx, spec) != 0 ||
        add_san(cert, spec) != 0)
        goto fail;
    /* RFC 5280 §4.2.1.2 / §4.2.1.1: SKI (method 1 hash) first so a self-signed
     * AKI can refer to it. */
    if (add_conf_ext(cert, &ctx, NID_subject_key_identifier, "hash") != 0)
        goto fail;
    /* An issuer without SKI (a deliberately odd CA) gets no AKI rather than a
     * failure: the case decides what is wrong, not the factory. */
    if ((issuer_cert == NULL || X509_get0_subject_key_id(issuer_cert) != NULL) &&
        add_conf_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always") != 0)
        goto fail;
    if (spec->unknown_critical_ext && add_unknown_critical(cert) != 0)
        goto fail;

    const EVP_MD *md = is_md_less(issuer_key) ? NULL : (spec->md ? spec->md : EVP_sha256());
    if (X509_sign(cert, issuer_key, md) <= 0)
        goto fail;
    return cert;
fail:
    X509_free(cert);
    return NULL;
}

int gc_write_file_atomic(const char *path, const void *data, size_t len, int mode)
{
    if (path == NULL || (data == NULL && len > 0)) {
        errno = EINVAL;
        return -1;
    }
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof(tmp), "%s" GC_PKI_TMP_SUFFIX, path);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char dir[PATH_MAX];
    memcpy(dir, path, strlen(path) + 1); /* fits: shorter than tmp */
    const char *dname = dirname(dir);

    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -1;
    const uint8_t *p = data;
    size_t left = len;
    if (fchmod(fd, (mode_t)mode) != 0)
        goto fail;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    /* Make the rename itself durable. */
    int dfd = open(dname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
fail:;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = saved;
    return -1;
}

/* Flush a memory BIO to path atomically. */
static int write_bio(const char *path, BIO *bio, int mode)
{
    char *buf = NULL;
    long len = BIO_get_mem_data(bio, &buf);
    if (len < 0)
        return -1;
    return gc_write_file_atomic(path, buf, (size_t)len, mode);
}

int gc_pki_write_cert_pem(const char *path, X509 *const *certs, size_t n)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (certs[i] == NULL || PEM_write_bio_X509(bio, certs[i]) != 1)
            rc = -1;
    if (rc == 0)
        rc = write_bio(path, bio, 0644);
    BIO_free(bio);
    return rc;
}

int gc_pki_write_key_pem(const char *path, EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return -1;
    /* PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"). */
    int rc = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1 ? 0 : -1;
    if (rc == 0)
        rc = write_bio(path, bio, 0600);
    char *buf = NULL;
    long len = BIO_get_mem_data(bio, &buf);
    if (buf != NULL && len > 0)
        OPENSSL_cleanse(buf, (size_t)len); /* no private key left in freed heap */
    BIO_free(bio);
    return rc;
}

int gc_pki_write_pubkey_pem(const char *path, EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return -1;
    int rc = PEM_write_bio_PUBKEY(bio, key) == 1 ? 0 : -1;
    if (rc == 0)
        rc = write_bio(path, bio, 0644);
    BIO_free(bio);
    return rc;
}

X509 *gc_pki_read_cert_pem(const char *path)
{
    BIO *bio = BIO_new_file(path, "rb");
    if (bio == NULL)
        return NULL;
    X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return cert;
}

EVP_PKEY *gc_pki_read_key_pem(const char *path)
{
    BIO *bio = BIO_new_file(path, "rb");
    if (bio == NULL)
        return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}
