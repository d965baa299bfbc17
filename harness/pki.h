/* harness/pki.h: certificate and key factory for fixtures, cases and tests.
 * Builds X.509 v3 certificates exactly as a case needs them, including the
 * wrong ones (expired, serverAuth-only, leaf-as-CA, two URI SANs, unknown
 * critical extension, weak keys). OpenSSL-backed; no file I/O except the
 * explicit gc_pki_write_* helpers, which write atomically (temp, fsync, rename). */
#ifndef GC_PKI_H
#define GC_PKI_H
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

enum gc_key_type {
    GC_KEY_EC_P256 = 0,
    GC_KEY_EC_P384,
    GC_KEY_RSA2048,
    GC_KEY_RSA1024, /* weak, for cert.weak-key cases */
    GC_KEY_ED25519,
};

#define GC_PKI_MAX_SANS 4

struct gc_cert_spec {
    const char *subject_cn;           /* may be NULL */
    const char *subject_o;            /* may be NULL */
    const char *uri_sans[GC_PKI_MAX_SANS];
    size_t n_uri_sans;
    const char *dns_sans[GC_PKI_MAX_SANS];
    size_t n_dns_sans;
    const char *ip_sans[GC_PKI_MAX_SANS];   /* textual IPv4/IPv6 */
    size_t n_ip_sans;
    int is_ca;                        /* basicConstraints CA:TRUE (critical) */
    int path_len;                     /* -1: no pathLenConstraint */
    int no_basic_constraints;         /* omit the extension entirely */
    int eku_client_auth;              /* EKU entries to include; none set → no EKU ext */
    int eku_server_auth;
    int key_usage;                    /* 0 = default for the role; else X509v3_KU_* bits */
    int unknown_critical_ext;         /* add a critical extension with a private OID */
    int64_t not_before;               /* seconds since the epoch */
    int64_t not_after;
    uint64_t serial;                  /* 0 = random 64-bit */
    const EVP_MD *md;                 /* NULL = SHA-256 (ignored for Ed25519) */
};

/* New key; NULL on failure (OpenSSL error queue has why). */
EVP_PKEY *gc_pki_keygen(enum gc_key_type type);

/* Issue a certificate for subject_key signed by issuer_key. issuer_cert NULL →
 * self-signed (issuer name = subject name). Adds SKI/AKI. NULL on failure. */
X509 *gc_pki_issue(const struct gc_cert_spec *spec, EVP_PKEY *subject_key, X509 *issuer_cert,
                   EVP_PKEY *issuer_key);

/* PEM / DER writers and readers. 0 on success, -1 on error (errno or OpenSSL queue). */
int gc_pki_write_cert_pem(const char *path, X509 *const *certs, size_t n); /* concatenated */
int gc_pki_write_key_pem(const char *path, EVP_PKEY *key);                /* PKCS#8, mode 0600 */
int gc_pki_write_pubkey_pem(const char *path, EVP_PKEY *key);             /* SubjectPublicKeyInfo */
X509 *gc_pki_read_cert_pem(const char *path);
EVP_PKEY *gc_pki_read_key_pem(const char *path);

/* Atomic file write used by everything in the harness: temp file in the same
 * directory, write, fsync, rename, fsync dir. */
int gc_write_file_atomic(const char *path, const void *data, size_t len, int mode);

#endif
