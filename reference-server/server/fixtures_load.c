/* fixtures_load.c: read and validate the fixture directory (target contract v1)
 * before the sandbox closes the filesystem.
 *
 * Layout: tls/server.pem (leaf, then optional chain), tls/server.key,
 * tls/client-ca.pem (the only client trust anchors), jwt/<keys>, policy.json,
 * and the files root (www/). Every file is read with a bounded read (open,
 * fstat, read loop up to a named limit) and parsed from memory. Every error
 * names the file and the field: "FILE: FIELD: reason". Key material is never
 * printed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "gatekeeper.h"
#include "gk/x509id.h"

#define GK_FIX_MAX_PEM (256 * 1024) /* a certificate chain, a CA bundle or one key */
#define GK_FIX_MAX_HMAC_KEY 1024    /* raw HMAC secret bytes */
#define GK_FIX_MAX_CLIENT_CAS 64    /* certificates in tls/client-ca.pem */
#define GK_FIX_MAX_SERVER_CHAIN 9   /* certificates after the leaf in tls/server.pem */
#define GK_FIX_MAX_FIELD 512        /* "keys[31].file", or jansson's message */

#define GK_FIX_POLICY "policy.json"
#define GK_FIX_SERVER_CERT "tls/server.pem"
#define GK_FIX_SERVER_KEY "tls/server.key"
#define GK_FIX_CLIENT_CA "tls/client-ca.pem"

/* RFC 7518 §3.2: "A key of the same size as the hash output ... or larger MUST
 * be used with this algorithm." */
#define GK_FIX_HS256_MIN 32
#define GK_FIX_HS384_MIN 48
#define GK_FIX_HS512_MIN 64

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cap > 0)
        vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    ERR_clear_error(); /* leave no stale OpenSSL errors for later callers */
    return -1;
}

/* Read a whole regular file of at most `max` bytes. `path` is relative to
 * dirfd unless absolute (openat ignores dirfd then), which is exactly the
 * contract's "relative to the fixture dir unless absolute". `label` names the
 * file in errors. The buffer is NUL-terminated for convenience (not counted). */
static int read_bounded(int dirfd, const char *path, const char *label, size_t max, uint8_t **out,
                        size_t *out_len, char *err, size_t cap)
{
    /* O_NONBLOCK: a FIFO planted in place of a key must not hang startup; it is
     * refused by the S_ISREG check below (non-blocking is moot for regular files). */
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return fail(err, cap, "%s: cannot read: %s", label, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail(err, cap, "%s: cannot stat: %s", label, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, cap, "%s: not a regular file", label);
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        close(fd);
        return fail(err, cap, "%s: larger than %zu bytes", label, max);
    }
    /* The file may grow between fstat and read: never read more than max + 1. */
    uint8_t *buf = malloc(max + 1);
    if (buf == NULL) {
        close(fd);
        return fail(err, cap, "%s: out of memory", label);
    }
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, max + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            OPENSSL_clear_free(buf, max + 1);
            return fail(err, cap, "%s: cannot read: %s", label, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max) {
            close(fd);
            OPENSSL_clear_free(buf, max + 1);
            return fail(err, cap, "%s: larger than %zu bytes", label, max);
        }
    }
    close(fd);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

/* Key files may hold secrets: wipe the whole allocation (max + 1). */
static void free_bounded(uint8_t *buf, size_t max)
{
    if (buf != NULL)
        OPENSSL_clear_free(buf, max + 1);
}

static int path_abs(char *dst, size_t cap, const char *path, const char *label, char *err,
                    size_t err_cap)
{
    char *r = realpath(path, NULL);
    if (r == NULL)
        return fail(err, err_cap, "%s: cannot resolve: %s", label, strerror(errno));
    size_t n = strlen(r);
    if (n >= cap) {
        free(r);
        return fail(err, err_cap, "%s: path longer than %zu bytes", label, cap - 1);
    }
    memcpy(dst, r, n + 1);
    free(r);
    return 0;
}

/* gk_config_parse names the field at fault; say what the contract expects of it. */
static const char *field_reason(const char *field, enum gk_status st)
{
    static const struct {
        const char *suffix;
        const char *reason;
    } reasons[] = {
        {"contract", "must be the integer 1"},
        {"issuer", "must be a non-empty string"},
        {"audience", "must be a non-empty string"},
        {"leeway_s", "must be an integer 0..3600"},
        {"max_chain_depth", "must be an integer 1..9"},
        {".kid", "must be a non-empty string, unique among keys"},
        {".alg", "must be one of HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 "
                 "ES384 EdDSA"},
        {".file", "must be a non-empty path"},
        {"]", "must be a non-empty string (internal_networks: a CIDR such as 10.99.0.0/16)"},
        {"keys", "must be an array of 1..32 objects {kid, alg, file}"},
        {"admin_identities", "must be an array of at most 32 strings"},
        {"trusted_proxies", "must be an array of at most 32 strings"},
        {"internal_networks", "must be an array of at most 32 CIDRs"},
        {"files_root", "must be a non-empty path"},
        {"helper", "must be an absolute path"},
    };
    size_t flen = strlen(field);
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        size_t slen = strlen(reasons[i].suffix);
        if (flen >= slen && strcmp(field + flen - slen, reasons[i].suffix) == 0)
            return reasons[i].reason;
    }
    return gk_status_text(st);
}

static int load_policy(int dirfd, struct gk_server_ctx *ctx, char *err, size_t cap)
{
    uint8_t *json = NULL;
    size_t len = 0;
    if (read_bounded(dirfd, GK_FIX_POLICY, GK_FIX_POLICY, GK_CFG_MAX_JSON, &json, &len, err, cap) !=
        0)
        return -1;
    char field[GK_FIX_MAX_FIELD] = "";
    enum gk_status st = gk_config_parse(json, len, &ctx->cfg, field, sizeof(field));
    free_bounded(json, GK_CFG_MAX_JSON);
    if (st == GK_OK)
        return 0;
    if (field[0] == '\0')
        return fail(err, cap, GK_FIX_POLICY ": %s", gk_status_text(st));
    if (field[0] == '(') /* "(document): line L column C: what" */
        return fail(err, cap, GK_FIX_POLICY ": %s", field);
    return fail(err, cap, GK_FIX_POLICY ": %s: %s", field, field_reason(field, st));
}

static size_t hmac_min_len(enum gk_jwt_alg alg)
{
    switch (alg) {
    case GK_JWT_HS256:
        return GK_FIX_HS256_MIN;
    case GK_JWT_HS384:
        return GK_FIX_HS384_MIN;
    default:
        return GK_FIX_HS512_MIN;
    }
}

static int is_hmac(enum gk_jwt_alg alg)
{
    return alg == GK_JWT_HS256 || alg == GK_JWT_HS384 || alg == GK_JWT_HS512;
}

static int curve_nid(const EVP_PKEY *pk)
{
    char name[64];
    size_t n = 0;
    if (EVP_PKEY_get_group_name(pk, name, sizeof(name), &n) != 1)
        return NID_undef;
    return OBJ_txt2nid(name);
}

/* Does the public key's type fit the algorithm the policy gives it?
 * RFC 7518 §3.3/§3.5 (RSA ≥ 2048 bits), §3.4 (ES256 on P-256, ES384 on P-384),
 * RFC 8037 §3.1 (EdDSA on Ed25519 or Ed448). */
static int check_pubkey_fits(const EVP_PKEY *pk, enum gk_jwt_alg alg, const char *label, char *err,
                             size_t cap)
{
    int id = EVP_PKEY_get_base_id(pk);
    const char *tname = EVP_PKEY_get0_type_name(pk);
    const char *aname = gk_jwt_alg_name(alg);
    int fits;
    int want_nid = NID_undef;
    switch (alg) {
    case GK_JWT_RS256:
    case GK_JWT_RS384:
    case GK_JWT_RS512:
        fits = id == EVP_PKEY_RSA;
        break;
    case GK_JWT_PS256:
    case GK_JWT_PS384:
    case GK_JWT_PS512:
        fits = id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
        break;
    case GK_JWT_ES256:
        fits = id == EVP_PKEY_EC;
        want_nid = NID_X9_62_prime256v1;
        break;
    case GK_JWT_ES384:
        fits = id == EVP_PKEY_EC;
        want_nid = NID_secp384r1;
        break;
    case GK_JWT_EDDSA:
        fits = id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448;
        break;
    default:
        fits = 0;
        break;
    }
    if (!fits)
        return fail(err, cap, "%s: key type %s does not fit alg %s", label,
                    tname != NULL ? tname : "unknown", aname);
    if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
        int bits = EVP_PKEY_get_bits(pk);
        if (bits < GK_X509_MIN_RSA_BITS)
            return fail(err, cap, "%s: RSA key of %d bits is below %d for alg %s", label, bits,
                        GK_X509_MIN_RSA_BITS, aname);
    }
    if (want_nid != NID_undef) {
        int nid = curve_nid(pk);
        if (nid != want_nid)
            return fail(err, cap, "%s: EC curve %s does not fit alg %s", label,
                        nid != NID_undef ? OBJ_nid2sn(nid) : "unknown", aname);
    }
    return 0;
}

static int load_hmac_key(int dirfd, size_t i, struct gk_server_ctx *ctx, char *err, size_t cap)
{
    const struct gk_config_key *ck = &ctx->cfg.keys[i];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (read_bounded(dirfd, ck->file, ck->file, GK_FIX_MAX_HMAC_KEY, &buf, &len, err, cap) != 0)
        return -1;
    size_t min = hmac_min_len(ck->alg);
    if (len == 0 || len < min) {
        free_bounded(buf, GK_FIX_MAX_HMAC_KEY);
        if (len == 0)
            return fail(err, cap, GK_FIX_POLICY ": keys[%zu].file: HMAC key file %s is empty", i,
                        ck->file);
        return fail(err, cap,
                    GK_FIX_POLICY ": keys[%zu].file: HMAC key shorter than %zu bytes for %s "
                                  "(RFC 7518 section 3.2)",
                    i, min, gk_jwt_alg_name(ck->alg));
    }
    /* Keep exactly len bytes; wipe the read buffer. */
    uint8_t *secret = malloc(len);
    if (secret == NULL) {
        free_bounded(buf, GK_FIX_MAX_HMAC_KEY);
        return fail(err, cap, "%s: out of memory", ck->file);
    }
    memcpy(secret, buf, len);
    free_bounded(buf, GK_FIX_MAX_HMAC_KEY);
    ctx->jwt_secrets[i] = secret;
    ctx->jwt_keys[i].secret = secret;
    ctx->jwt_keys[i].secret_len = len;
    return 0;
}

static int load_public_key(int dirfd, size_t i, struct gk_server_ctx *ctx, char *err, size_t cap)
{
    const struct gk_config_key *ck = &ctx->cfg.keys[i];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (read_bounded(dirfd, ck->file, ck->file, GK_FIX_MAX_PEM, &buf, &len, err, cap) != 0)
        return -1;
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    EVP_PKEY *pk = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    free_bounded(buf, GK_FIX_MAX_PEM);
    if (pk == NULL)
        return fail(err, cap, "%s: keys[%zu].file: not a PEM SubjectPublicKeyInfo (PUBLIC KEY)",
                    ck->file, i);
    if (check_pubkey_fits(pk, ck->alg, ck->file, err, cap) != 0) {
        EVP_PKEY_free(pk);
        return -1;
    }
    ctx->jwt_keys[i].pkey = pk;
    return 0;
}

static int load_jwt_keys(int dirfd, struct gk_server_ctx *ctx, char *err, size_t cap)
{
    if (ctx->cfg.n_keys > GK_JWT_MAX_KEYS)
        return fail(err, cap, GK_FIX_POLICY ": keys: more than %d keys", GK_JWT_MAX_KEYS);
    for (size_t i = 0; i < ctx->cfg.n_keys; i++) {
        const struct gk_config_key *ck = &ctx->cfg.keys[i];
        struct gk_jwt_key *k = &ctx->jwt_keys[i];
        if (ck->file[0] == '\0')
            return fail(err, cap, GK_FIX_POLICY ": keys[%zu].file: empty", i);
        k->kid = (const uint8_t *)ck->kid;
        k->kid_len = strnlen(ck->kid, sizeof(ck->kid));
        k->alg = ck->alg;
        int rc = is_hmac(ck->alg) ? load_hmac_key(dirfd, i, ctx, err, cap)
                                  : load_public_key(dirfd, i, ctx, err, cap);
        if (rc != 0)
            return -1;
        ctx->n_jwt_keys = i + 1;
    }
    return 0;
}

/* PEM_read_bio_* reports "no more PEM blocks" as PEM_R_NO_START_LINE. */
static int pem_at_end(void)
{
    unsigned long e = ERR_peek_last_error();
    return ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

/* Read every certificate of a PEM file into a new stack (at least one). */
static STACK_OF(X509) *
    read_certs(int dirfd, const char *file, size_t max_certs, char *err, size_t cap)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (read_bounded(dirfd, file, file, GK_FIX_MAX_PEM, &buf, &len, err, cap) != 0)
        return NULL;
    STACK_OF(X509) *certs = sk_X509_new_null();
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    if (certs == NULL || bio == NULL) {
        fail(err, cap, "%s: out of memory", file);
        goto bad;
    }
    ERR_clear_error();
    for (;;) {
        X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (x == NULL) {
            if (pem_at_end() && sk_X509_num(certs) > 0)
                break;
            if (sk_X509_num(certs) == 0)
                fail(err, cap, "%s: certificate 1: no PEM certificate found", file);
            else
                fail(err, cap, "%s: certificate %d: does not decode", file, sk_X509_num(certs) + 1);
            goto bad;
        }
        if ((size_t)sk_X509_num(certs) >= max_certs || sk_X509_push(certs, x) <= 0) {
            X509_free(x);
            fail(err, cap, "%s: more than %zu certificates", file, max_certs);
            goto bad;
        }
    }
    ERR_clear_error();
    BIO_free(bio);
    free_bounded(buf, GK_FIX_MAX_PEM);
    return certs;
bad:
    BIO_free(bio);
    sk_X509_pop_free(certs, X509_free);
    free_bounded(buf, GK_FIX_MAX_PEM);
    return NULL;
}

static int load_client_trust(int dirfd, struct gk_server_ctx *ctx, char *err, size_t cap)
{
    STACK_OF(X509) *cas = read_certs(dirfd, GK_FIX_CLIENT_CA, GK_FIX_MAX_CLIENT_CAS, err, cap);
    if (cas == NULL)
        return -1;
    /* A fresh store with no default paths: tls/client-ca.pem is the only anchor. */
    X509_STORE *store = X509_STORE_new();
    int rc = store != NULL ? 0 : fail(err, cap, GK_FIX_CLIENT_CA ": out of memory");
    for (int i = 0; rc == 0 && i < sk_X509_num(cas); i++) {
        if (X509_STORE_add_cert(store, sk_X509_value(cas, i)) != 1)
            rc =
                fail(err, cap, GK_FIX_CLIENT_CA ": certificate %d: cannot add to the store", i + 1);
    }
    sk_X509_pop_free(cas, X509_free); /* the store holds its own references */
    if (rc != 0) {
        X509_STORE_free(store);
        return -1;
    }
    ctx->client_trust = store;
    return 0;
}

/* Encrypted keys must fail, not prompt on a terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static int load_server_identity(int dirfd, struct gk_server_ctx *ctx, char *err, size_t cap)
{
    STACK_OF(X509) *certs =
        read_certs(dirfd, GK_FIX_SERVER_CERT, GK_FIX_MAX_SERVER_CHAIN + 1, err, cap);
    if (certs == NULL)
        return -1;
    ctx->server_cert = sk_X509_shift(certs); /* first = leaf, rest = chain */
    ctx->server_chain = certs;

    uint8_t *buf = NULL;
    size_t len = 0;
    if (read_bounded(dirfd, GK_FIX_SERVER_KEY, GK_FIX_SERVER_KEY, GK_FIX_MAX_PEM, &buf, &len, err,
                     cap) != 0)
        return -1;
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    EVP_PKEY *key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL) : NULL;
    BIO_free(bio);
    free_bounded(buf, GK_FIX_MAX_PEM);
    if (key == NULL)
        return fail(err, cap, GK_FIX_SERVER_KEY ": private key: not an unencrypted PEM key");
    ctx->server_key = key;
    if (X509_check_private_key(ctx->server_cert, key) != 1)
        return fail(err, cap, GK_FIX_SERVER_KEY ": does not match " GK_FIX_SERVER_CERT);
    return 0;
}

static int load_files_root(int dirfd, struct gk_server_ctx *ctx, char *err, size_t cap)
{
    const char *root = ctx->cfg.files_root;
    if (root[0] == '\0')
        return fail(err, cap, GK_FIX_POLICY ": files_root: empty");
    int fd = openat(dirfd, root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, cap, GK_FIX_POLICY ": files_root: cannot open %s: %s", root,
                    strerror(errno));
    ctx->files_root_fd = fd;
    /* The absolute path of what we opened, via the fd itself (no second lookup). */
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    char label[GK_FIX_MAX_FIELD];
    snprintf(label, sizeof(label), GK_FIX_POLICY ": files_root");
    return path_abs(ctx->files_root_abs, sizeof(ctx->files_root_abs), proc, label, err, cap);
}

static int check_helper(struct gk_server_ctx *ctx, char *err, size_t cap)
{
    const char *h = ctx->cfg.helper;
    size_t n = strnlen(h, sizeof(ctx->cfg.helper));
    if (n == 0 || h[0] != '/')
        return fail(err, cap, GK_FIX_POLICY ": helper: must be an absolute path");
    if (n >= sizeof(ctx->helper_abs))
        return fail(err, cap, GK_FIX_POLICY ": helper: path too long");
    struct stat st;
    if (stat(h, &st) != 0)
        return fail(err, cap, GK_FIX_POLICY ": helper: %s: %s", h, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, cap, GK_FIX_POLICY ": helper: %s: not a regular file", h);
    if (access(h, X_OK) != 0)
        return fail(err, cap, GK_FIX_POLICY ": helper: %s: not executable: %s", h, strerror(errno));
    /* Kept as written (absolute): the contract runs exactly [helper, "--", arg]. */
    memcpy(ctx->helper_abs, h, n + 1);
    return 0;
}

static void ctx_reset(struct gk_server_ctx *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->files_root_fd = -1;
}

int gk_fixtures_load(const char *dir, struct gk_server_ctx *ctx, char *err, size_t err_cap)
{
    ctx_reset(ctx);
    if (dir == NULL || dir[0] == '\0')
        return fail(err, err_cap, "fixtures: directory: not given");
    if (path_abs(ctx->fixtures_dir, sizeof(ctx->fixtures_dir), dir, dir, err, err_cap) != 0)
        return -1;
    int dirfd = open(ctx->fixtures_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return fail(err, err_cap, "%s: cannot open directory: %s", dir, strerror(errno));
    int rc = load_policy(dirfd, ctx, err, err_cap);
    if (rc == 0)
        rc = load_jwt_keys(dirfd, ctx, err, err_cap);
    if (rc == 0)
        rc = load_client_trust(dirfd, ctx, err, err_cap);
    if (rc == 0)
        rc = load_server_identity(dirfd, ctx, err, err_cap);
    if (rc == 0)
        rc = load_files_root(dirfd, ctx, err, err_cap);
    if (rc == 0)
        rc = check_helper(ctx, err, err_cap);
    close(dirfd);
    if (rc != 0)
        gk_fixtures_free(ctx);
    return rc;
}

void gk_fixtures_free(struct gk_server_ctx *ctx)
{
    if (ctx == NULL)
        return;
    for (size_t i = 0; i < GK_JWT_MAX_KEYS; i++) {
        EVP_PKEY_free(ctx->jwt_keys[i].pkey);
        if (ctx->jwt_secrets[i] != NULL)
            OPENSSL_clear_free(ctx->jwt_secrets[i], ctx->jwt_keys[i].secret_len);
    }
    X509_STORE_free(ctx->client_trust);
    X509_free(ctx->server_cert);
    sk_X509_pop_free(ctx->server_chain, X509_free);
    EVP_PKEY_free(ctx->server_key);
    if (ctx->files_root_fd >= 0)
        close(ctx->files_root_fd);
    OPENSSL_cleanse(ctx, sizeof(*ctx));
    ctx->files_root_fd = -1;
}
