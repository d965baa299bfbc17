/* harness/fixtures.c: writes a fixture directory (layout in fixtures.h and
 * docs/CONTRACT.md). The tree is built under DIR.tmp-XXXXXX and moved onto DIR
 * in one rename, so an interrupted run never leaves a half-written DIR. */
#include "fixtures.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "pki.h"

#define FX_DRBG_LABEL "gatecrash-drbg-v1"
#define FX_HOUR INT64_C(3600)
#define FX_YEAR (365 * 24 * FX_HOUR)
#define FX_CA_YEARS 10
#define FX_NFTW_FDS 16
#define FX_ERR_OPENSSL_MAX 256

/* --- DRBG ---------------------------------------------------------------------- */

void gc_drbg_init(struct gc_drbg *d, const void *seed, size_t seed_len)
{
    memset(d, 0, sizeof(*d));
    if (seed == NULL)
        return;
    d->seeded = 1;
    unsigned int len = 0;
    (void)EVP_Digest(seed, seed_len, d->key, &len, EVP_sha256(), NULL);
    d->used = sizeof(d->block); /* empty */
}

static int drbg_refill(struct gc_drbg *d)
{
    uint8_t ctr[8];
    for (int i = 0; i < 8; i++)
        ctr[i] = (uint8_t)(d->counter >> (56 - 8 * i));
    d->counter++;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok = m != NULL && EVP_DigestInit_ex(m, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(m, FX_DRBG_LABEL, sizeof(FX_DRBG_LABEL) - 1) == 1 &&
             EVP_DigestUpdate(m, d->key, sizeof(d->key)) == 1 &&
             EVP_DigestUpdate(m, ctr, sizeof(ctr)) == 1 &&
             EVP_DigestFinal_ex(m, d->block, &len) == 1;
    EVP_MD_CTX_free(m);
    d->used = 0;
    return ok ? 0 : -1;
}

int gc_drbg_bytes(struct gc_drbg *d, void *out, size_t n)
{
    if (!d->seeded)
        return n == 0 || RAND_bytes(out, (int)n) == 1 ? 0 : -1;
    uint8_t *p = out;
    while (n > 0) {
        if (d->used == sizeof(d->block) && drbg_refill(d) != 0)
            return -1;
        size_t take = sizeof(d->block) - d->used;
        if (take > n)
            take = n;
        memcpy(p, d->block + d->used, take);
        d->used += take;
        p += take;
        n -= take;
    }
    return 0;
}

/* --- generation context -------------------------------------------------------- */

struct fx {
    char tmp[PATH_MAX]; /* where we write */
    const char *final;  /* DIR, for error messages */
    struct gc_drbg drbg;
    char *err;
    size_t err_cap;
    int64_t now;
    char helper[PATH_MAX];
    /* CAs kept for issuing */
    EVP_PKEY *server_ca_key, *client_ca_key, *int_key;
    X509 *server_ca, *client_ca, *int_ca;
    struct {
        char token[GC_FX_CANARY_LEN + 1];
        const char *path;
    } canaries[GC_FX_N_CANARIES];
    size_t n_canaries;
};

static int fx_fail(struct fx *f, const char *rel, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fx_fail(struct fx *f, const char *rel, const char *fmt, ...)
{
    char why[FX_ERR_OPENSSL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (rel != NULL)
        snprintf(f->err, f->err_cap, "%s/%s: %s", f->final, rel, why);
    else
        snprintf(f->err, f->err_cap, "%s: %s", f->final, why);
    return -1;
}

static int fx_fail_errno(struct fx *f, const char *rel)
{
    return fx_fail(f, rel, "%s", strerror(errno));
}

static int fx_fail_ssl(struct fx *f, const char *rel, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[FX_ERR_OPENSSL_MAX];
    ERR_error_string_n(e, buf, sizeof(buf));
    ERR_clear_error();
    return fx_fail(f, rel, "%s: %s", what, e ? buf : "failed");
}

static int fx_path(struct fx *f, const char *rel, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", f->tmp, rel);
    if (n < 0 || (size_t)n >= cap) {
        errno = ENAMETOOLONG;
        return fx_fail_errno(f, rel);
    }
    return 0;
}

static int fx_mkdir(struct fx *f, const char *rel)
{
    char p[PATH_MAX];
    if (fx_path(f, rel, p, sizeof(p)) != 0)
        return -1;
    /* chmod: mkdir's mode is filtered by the umask, the contract's is not. */
    if (mkdir(p, 0755) != 0 || chmod(p, 0755) != 0)
        return fx_fail_errno(f, rel);
    return 0;
}

static int fx_write(struct fx *f, const char *rel, const void *data, size_t len, int mode)
{
    char p[PATH_MAX];
    if (fx_path(f, rel, p, sizeof(p)) != 0)
        return -1;
    if (gc_write_file_atomic(p, data, len, mode) != 0)
        return fx_fail_errno(f, rel);
    return 0;
}

static int fx_symlink(struct fx *f, const char *target, const char *rel)
{
    char p[PATH_MAX];
    if (fx_path(f, rel, p, sizeof(p)) != 0)
        return -1;
    if (symlink(target, p) != 0)
        return fx_fail_errno(f, rel);
    return 0;
}

static int fx_certs(struct fx *f, const char *rel, X509 *const *certs, size_t n)
{
    char p[PATH_MAX];
    if (fx_path(f, rel, p, sizeof(p)) != 0)
        return -1;
    errno = 0;
    if (gc_pki_write_cert_pem(p, certs, n) != 0)
        return errno ? fx_fail_errno(f, rel) : fx_fail_ssl(f, rel, "writing certificate");
    return 0;
}

static int fx_key(struct fx *f, const char *rel, EVP_PKEY *key)
{
    char p[PATH_MAX];
    if (fx_path(f, rel, p, sizeof(p)) != 0)
        return -1;
    errno = 0;
    if (gc_pki_write_key_pem(p, key) != 0)
        return errno ? fx_fail_errno(f, rel) : fx_fail_ssl(f, rel, "writing key");
    return 0;
}

static int fx_pub(struct fx *f, const char *rel, EVP_PKEY *key)
{
    char p[PATH_MAX];
    if (fx_path(f, rel, p, sizeof(p)) != 0)
        return -1;
    errno = 0;
    if (gc_pki_write_pubkey_pem(p, key) != 0)
        return errno ? fx_fail_errno(f, rel) : fx_fail_ssl(f, rel, "writing public key");
    return 0;
}

static EVP_PKEY *fx_keygen(struct fx *f, enum gc_key_type t, const char *rel)
{
    EVP_PKEY *k = gc_pki_keygen(t);
    if (k == NULL)
        fx_fail_ssl(f, rel, "key generation");
    return k;
}

/* A positive serial from the DRBG, so --seed reproduces it. */
static int fx_serial(struct fx *f, uint64_t *out)
{
    do {
        if (gc_drbg_bytes(&f->drbg, out, sizeof(*out)) != 0)
            return -1;
        *out &= (uint64_t)INT64_MAX;
    } while (*out == 0);
    return 0;
}

static X509 *fx_issue(struct fx *f, struct gc_cert_spec *s, EVP_PKEY *subject, X509 *issuer,
                      EVP_PKEY *issuer_key, const char *rel)
{
    if (fx_serial(f, &s->serial) != 0) {
        fx_fail_ssl(f, rel, "random serial");
        return NULL;
    }
    X509 *c = gc_pki_issue(s, subject, issuer, issuer_key);
    if (c == NULL)
        fx_fail_ssl(f, rel, "issuing certificate");
    return c;
}

static struct gc_cert_spec ca_spec(struct fx *f, const char *cn, int path_len)
{
    struct gc_cert_spec s = {.subject_cn = cn,
                             .subject_o = "gatecrash",
                             .is_ca = 1,
                             .path_len = path_len,
                             .not_before = f->now - FX_HOUR,
                             .not_after = f->now + FX_CA_YEARS * FX_YEAR};
    return s;
}

static struct gc_cert_spec leaf_spec(struct fx *f, const char *cn)
{
    struct gc_cert_spec s = {.subject_cn = cn,
                             .subject_o = "gatecrash",
                             .path_len = -1,
                             .not_before = f->now - FX_HOUR,
                             .not_after = f->now - FX_HOUR + FX_YEAR};
    return s;
}

/* --- pieces of the tree -------------------------------------------------------- */

static const char *const FX_DIRS[] = {
    GC_FX_TARGET,         "target/tls",       GC_FX_JWT_PUB_DIR,  GC_FX_WWW,    "target/www/sub",
    "target/www/sub/dir", "target/www-x",     GC_FX_HARNESS,      "harness/ca", GC_FX_CLIENTS_DIR,
    "harness/rogue",      "harness/attacker", GC_FX_JWT_PRIV_DIR,
};

static int fx_server_tls(struct fx *f)
{
    int rc = -1;
    EVP_PKEY *leaf_key = NULL;
    X509 *leaf = NULL;
    f->server_ca_key = fx_keygen(f, GC_KEY_EC_P256, GC_FX_SERVER_CA_KEY);
    if (f->server_ca_key == NULL)
        return -1;
    struct gc_cert_spec cs = ca_spec(f, "gatecrash server CA", 0);
    f->server_ca = fx_issue(f, &cs, f->server_ca_key, NULL, f->server_ca_key, GC_FX_SERVER_CA);
    if (f->server_ca == NULL)
        return -1;
    leaf_key = fx_keygen(f, GC_KEY_EC_P256, GC_FX_SERVER_KEY);
    if (leaf_key == NULL)
        goto out;
    struct gc_cert_spec ls = leaf_spec(f, "localhost");
    ls.dns_sans[0] = "localhost";
    ls.n_dns_sans = 1;
    ls.ip_sans[0] = "127.0.0.1";
    ls.n_ip_sans = 1;
    ls.eku_server_auth = 1;
    leaf = fx_issue(f, &ls, leaf_key, f->server_ca, f->server_ca_key, GC_FX_SERVER_CERT);
    if (leaf == NULL)
        goto out;
    if (fx_certs(f, GC_FX_SERVER_CA, &f->server_ca, 1) != 0 ||
        fx_certs(f, GC_FX_SERVER_CERT, &leaf, 1) != 0 ||
        fx_key(f, GC_FX_SERVER_KEY, leaf_key) != 0 ||
        fx_key(f, GC_FX_SERVER_CA_KEY, f->server_ca_key) != 0)
        goto out;
    rc = 0;
out:
    X509_free(leaf);
    EVP_PKEY_free(leaf_key);
    return rc;
}

static int fx_client_cas(struct fx *f)
{
    f->client_ca_key = fx_keygen(f, GC_KEY_EC_P256, GC_FX_CLIENT_CA_KEY);
    if (f->client_ca_key == NULL)
        return -1;
    struct gc_cert_spec cs = ca_spec(f, "gatecrash client CA", -1);
    f->client_ca = fx_issue(f, &cs, f->client_ca_key, NULL, f->client_ca_key, GC_FX_CLIENT_CA);
    if (f->client_ca == NULL)
        return -1;
    f->int_key = fx_keygen(f, GC_KEY_EC_P256, GC_FX_CLIENT_INT_KEY);
    if (f->int_key == NULL)
        return -1;
    struct gc_cert_spec is = ca_spec(f, "gatecrash client intermediate", 0);
    f->int_ca = fx_issue(f, &is, f->int_key, f->client_ca, f->client_ca_key, GC_FX_CLIENT_INT_CERT);
    if (f->int_ca == NULL)
        return -1;
    if (fx_certs(f, GC_FX_CLIENT_CA, &f->client_ca, 1) != 0 ||
        fx_key(f, GC_FX_CLIENT_CA_KEY, f->client_ca_key) != 0 ||
        fx_certs(f, GC_FX_CLIENT_INT_CERT, &f->int_ca, 1) != 0 ||
        fx_key(f, GC_FX_CLIENT_INT_KEY, f->int_key) != 0)
        return -1;
    return 0;
}

/* A client leaf with one URI SAN and EKU clientAuth, written as
 * <dir>/<name>.pem (leaf, then `extra` if any) and <dir>/<name>.key. */
static int fx_client_leaf(struct fx *f, const char *dir, const char *name, const char *uri,
                          X509 *issuer, EVP_PKEY *issuer_key, X509 *extra)
{
    char pem[PATH_MAX / 2], key[PATH_MAX / 2];
    snprintf(pem, sizeof(pem), "%s/%s.pem", dir, name);
    snprintf(key, sizeof(key), "%s/%s.key", dir, name);
    EVP_PKEY *k = fx_keygen(f, GC_KEY_EC_P256, key);
    if (k == NULL)
        return -1;
    struct gc_cert_spec s = leaf_spec(f, name);
    s.uri_sans[0] = uri;
    s.n_uri_sans = 1;
    s.eku_client_auth = 1;
    X509 *c = fx_issue(f, &s, k, issuer, issuer_key, pem);
    int rc = -1;
    if (c != NULL) {
        X509 *chain[2] = {c, extra};
        rc = fx_certs(f, pem, chain, extra ? 2 : 1) == 0 && fx_key(f, key, k) == 0 ? 0 : -1;
    }
    X509_free(c);
    EVP_PKEY_free(k);
    return rc;
}

static int fx_clients(struct fx *f)
{
    if (fx_client_leaf(f, GC_FX_CLIENTS_DIR, "alice", GC_FX_ID_ALICE, f->int_ca, f->int_key,
                       f->int_ca) != 0 ||
        fx_client_leaf(f, GC_FX_CLIENTS_DIR, "bob", GC_FX_ID_BOB, f->client_ca, f->client_ca_key,
                       NULL) != 0 ||
        fx_client_leaf(f, GC_FX_CLIENTS_DIR, "admin", GC_FX_ID_ADMIN, f->client_ca,
                       f->client_ca_key, NULL) != 0 ||
        fx_client_leaf(f, GC_FX_CLIENTS_DIR, "proxy", GC_FX_ID_PROXY, f->client_ca,
                       f->client_ca_key, NULL) != 0)
        return -1;
    return 0;
}

/* A rogue CA whose subject name equals the real client CA's: a verifier that
 * matches issuers by name only would accept its leaves. */
static int fx_rogue(struct fx *f)
{
    EVP_PKEY *k = fx_keygen(f, GC_KEY_EC_P256, GC_FX_ROGUE_CA_KEY);
    if (k == NULL)
        return -1;
    struct gc_cert_spec cs = ca_spec(f, "gatecrash client CA", -1);
    X509 *ca = fx_issue(f, &cs, k, NULL, k, GC_FX_ROGUE_CA_CERT);
    int rc = -1;
    if (ca != NULL && fx_certs(f, GC_FX_ROGUE_CA_CERT, &ca, 1) == 0 &&
        fx_key(f, GC_FX_ROGUE_CA_KEY, k) == 0 &&
        fx_client_leaf(f, "harness/rogue", "admin", GC_FX_ID_ADMIN, ca, k, ca) == 0)
        rc = 0;
    X509_free(ca);
    EVP_PKEY_free(k);
    return rc;
}

static int fx_attacker(struct fx *f)
{
    EVP_PKEY *ec = fx_keygen(f, GC_KEY_EC_P256, GC_FX_ATTACKER_EC_KEY);
    EVP_PKEY *rsa = ec ? fx_keygen(f, GC_KEY_RSA2048, GC_FX_ATTACKER_RSA_KEY) : NULL;
    int rc = rsa != NULL && fx_key(f, GC_FX_ATTACKER_EC_KEY, ec) == 0 &&
                     fx_key(f, GC_FX_ATTACKER_RSA_KEY, rsa) == 0
                 ? 0
                 : -1;
    EVP_PKEY_free(ec);
    EVP_PKEY_free(rsa);
    return rc;
}

static const struct {
    const char *kid;
    const char *alg;
    enum gc_key_type type;
} FX_JWT_KEYS[] = {
    {"rsa-1", "RS256", GC_KEY_RSA2048},
    {"ec-1", "ES256", GC_KEY_EC_P256},
    {"ed-1", "EdDSA", GC_KEY_ED25519},
};

static int fx_jwt(struct fx *f)
{
    for (size_t i = 0; i < sizeof(FX_JWT_KEYS) / sizeof(FX_JWT_KEYS[0]); i++) {
        char pub[64], priv[64];
        snprintf(pub, sizeof(pub), GC_FX_JWT_PUB_DIR "/%s.pub.pem", FX_JWT_KEYS[i].kid);
        snprintf(priv, sizeof(priv), GC_FX_JWT_PRIV_DIR "/%s.key.pem", FX_JWT_KEYS[i].kid);
        EVP_PKEY *k = fx_keygen(f, FX_JWT_KEYS[i].type, priv);
        if (k == NULL)
            return -1;
        int rc = fx_pub(f, pub, k) == 0 && fx_key(f, priv, k) == 0 ? 0 : -1;
        EVP_PKEY_free(k);
        if (rc != 0)
            return -1;
    }
    uint8_t secret[GC_FX_HMAC_LEN];
    if (gc_drbg_bytes(&f->drbg, secret, sizeof(secret)) != 0)
        return fx_fail_ssl(f, GC_FX_JWT_PUB_DIR "/hs-1.key", "random secret");
    int rc = fx_write(f, GC_FX_JWT_PUB_DIR "/hs-1.key", secret, sizeof(secret), 0600) == 0 &&
                     fx_write(f, GC_FX_JWT_PRIV_DIR "/hs-1.key", secret, sizeof(secret), 0600) == 0
                 ? 0
                 : -1;
    OPENSSL_cleanse(secret, sizeof(secret));
    return rc;
}

static int fx_json(struct fx *f, const char *rel, json_t *doc)
{
    if (doc == NULL)
        return fx_fail(f, rel, "out of memory");
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (text == NULL)
        return fx_fail(f, rel, "out of memory");
    size_t len = strlen(text);
    char *withnl = realloc(text, len + 2);
    if (withnl == NULL) {
        free(text);
        return fx_fail(f, rel, "out of memory");
    }
    withnl[len] = '\n';
    withnl[len + 1] = '\0';
    int rc = fx_write(f, rel, withnl, len + 1, 0644);
    free(withnl);
    return rc;
}

/* policy.json exactly as DESIGN.md "The exact shapes" gives it. */
static int fx_policy(struct fx *f)
{
    json_t *keys = json_array();
    for (size_t i = 0; keys && i < sizeof(FX_JWT_KEYS) / sizeof(FX_JWT_KEYS[0]); i++) {
        char file[64];
        snprintf(file, sizeof(file), "jwt/%s.pub.pem", FX_JWT_KEYS[i].kid);
        json_array_append_new(keys, json_pack("{s:s, s:s, s:s}", "kid", FX_JWT_KEYS[i].kid, "alg",
                                              FX_JWT_KEYS[i].alg, "file", file));
    }
    if (keys)
        json_array_append_new(keys, json_pack("{s:s, s:s, s:s}", "kid", "hs-1", "alg", "HS256",
                                              "file", "jwt/hs-1.key"));
    json_t *doc =
        json_pack("{s:i, s:s, s:s, s:i, s:i, s:o, s:[s], s:[s], s:[s], s:s, s:s}", "contract", 1,
                  "issuer", GC_FX_ISSUER, "audience", GC_FX_AUDIENCE, "leeway_s", GC_FX_LEEWAY_S,
                  "max_chain_depth", GC_FX_MAX_CHAIN_DEPTH, "keys", keys, "admin_identities",
                  GC_FX_ID_ADMIN, "trusted_proxies", GC_FX_ID_PROXY, "internal_networks",
                  GC_FX_INTERNAL_NET, "files_root", "www", "helper", f->helper);
    return fx_json(f, GC_FX_POLICY, doc);
}

static int fx_canary(struct fx *f, const char *rel)
{
    static const char HEX[] = "0123456789abcdef";
    uint8_t raw[16];
    if (gc_drbg_bytes(&f->drbg, raw, sizeof(raw)) != 0)
        return fx_fail_ssl(f, rel, "random token");
    char *tok = f->canaries[f->n_canaries].token;
    size_t plen = sizeof(GC_FX_CANARY_PREFIX) - 1;
    memcpy(tok, GC_FX_CANARY_PREFIX, plen);
    for (size_t i = 0; i < sizeof(raw); i++) {
        tok[plen + 2 * i] = HEX[raw[i] >> 4];
        tok[plen + 2 * i + 1] = HEX[raw[i] & 15];
    }
    tok[GC_FX_CANARY_LEN] = '\0';
    f->canaries[f->n_canaries].path = rel;
    f->n_canaries++;
    char line[GC_FX_CANARY_LEN + 2];
    snprintf(line, sizeof(line), "%s\n", tok);
    return fx_write(f, rel, line, GC_FX_CANARY_LEN + 1, 0644);
}

static int fx_www(struct fx *f)
{
    if (fx_write(f, GC_FX_WWW "/index.html", GC_FX_INDEX_HTML, strlen(GC_FX_INDEX_HTML), 0644) ||
        fx_write(f, GC_FX_WWW "/hello.txt", GC_FX_HELLO_TXT, strlen(GC_FX_HELLO_TXT), 0644) ||
        fx_write(f, GC_FX_WWW "/sub/dir/nested.txt", GC_FX_NESTED_TXT, strlen(GC_FX_NESTED_TXT),
                 0644) ||
        fx_symlink(f, "../canary.txt", GC_FX_WWW "/escape") ||
        fx_symlink(f, "/etc", GC_FX_WWW "/etc-link"))
        return -1;
    if (fx_canary(f, GC_FX_CANARY) || fx_canary(f, GC_FX_SIBLING_CANARY) ||
        fx_canary(f, GC_FX_OUTSIDE_CANARY))
        return -1;
    json_t *list = json_array();
    for (size_t i = 0; list && i < f->n_canaries; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "token", f->canaries[i].token, "path",
                                              f->canaries[i].path));
    return fx_json(f, GC_FX_CANARIES, json_pack("{s:o}", "canaries", list));
}

/* --- the temp tree and the final rename ---------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *path)
{
    (void)nftw(path, rm_entry, FX_NFTW_FDS, FTW_DEPTH | FTW_PHYS);
}

/* 1 = empty directory, 0 = non-empty, -1 = error (errno). */
static int dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

/* Check DIR before spending time: 0 = absent, 1 = empty dir, 2 = to replace. */
static int check_target(struct fx *f, int force)
{
    struct stat st;
    if (lstat(f->final, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return fx_fail_errno(f, NULL);
    }
    if (!S_ISDIR(st.st_mode))
        return fx_fail(f, NULL, "exists and is not a directory");
    int empty = dir_is_empty(f->final);
    if (empty < 0)
        return fx_fail_errno(f, NULL);
    if (empty)
        return 1;
    if (!force)
        return fx_fail(f, NULL, "exists and is not empty (use --force to replace it)");
    return 2;
}

static void fx_free(struct fx *f)
{
    X509_free(f->server_ca);
    X509_free(f->client_ca);
    X509_free(f->int_ca);
    EVP_PKEY_free(f->server_ca_key);
    EVP_PKEY_free(f->client_ca_key);
    EVP_PKEY_free(f->int_key);
}

int gc_fixtures_find_helper(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    static const char *const CANDIDATES[] = {"/../reference-server/helper/gk-echo", "/gk-echo"};
    for (size_t i = 0; i < sizeof(CANDIDATES) / sizeof(CANDIDATES[0]); i++) {
        char p[PATH_MAX * 2];
        snprintf(p, sizeof(p), "%s%s", exe, CANDIDATES[i]);
        char real[PATH_MAX];
        if (access(p, X_OK) == 0 && realpath(p, real) != NULL && strlen(real) < cap) {
            memcpy(out, real, strlen(real) + 1);
            return 0;
        }
    }
    return -1;
}

static int resolve_helper(struct fx *f, const char *given)
{
    if (given == NULL) {
        if (gc_fixtures_find_helper(f->helper, sizeof(f->helper)) != 0) {
            snprintf(f->err, f->err_cap,
                     "gk-echo not found next to the gatecrash executable; pass --helper PATH");
            return -1;
        }
        return 0;
    }
    struct stat st;
    if (realpath(given, f->helper) == NULL || stat(f->helper, &st) != 0) {
        snprintf(f->err, f->err_cap, "%s: %s", given, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || access(f->helper, X_OK) != 0) {
        snprintf(f->err, f->err_cap, "%s: not an executable file", given);
        return -1;
    }
    return 0;
}

static int fx_build(struct fx *f)
{
    for (size_t i = 0; i < sizeof(FX_DIRS) / sizeof(FX_DIRS[0]); i++)
        if (fx_mkdir(f, FX_DIRS[i]) != 0)
            return -1;
    if (fx_server_tls(f) || fx_client_cas(f) || fx_clients(f) || fx_rogue(f) || fx_attacker(f) ||
        fx_jwt(f) || fx_policy(f) || fx_www(f))
        return -1;
    return 0;
}

int gc_fixtures_generate(const struct gc_fixtures_opts *opts, char *err, size_t err_cap)
{
    struct fx f;
    memset(&f, 0, sizeof(f));
    f.err = err;
    f.err_cap = err_cap;
    f.final = opts->dir;
    f.now = (int64_t)time(NULL);
    if (opts->dir == NULL || opts->dir[0] == '\0') {
        snprintf(err, err_cap, "no directory given");
        return -1;
    }
    gc_drbg_init(&f.drbg, opts->seed, opts->seed ? strlen(opts->seed) : 0);
    if (resolve_helper(&f, opts->helper) != 0)
        return -1;
    int state = check_target(&f, opts->force);
    if (state < 0)
        return -1;

    /* Strip trailing slashes so "DIR/" gives the sibling "DIR.tmp-…". */
    char base[PATH_MAX];
    size_t blen = strlen(opts->dir);
    while (blen > 1 && opts->dir[blen - 1] == '/')
        blen--;
    if (blen >= sizeof(base) - 16) {
        errno = ENAMETOOLONG;
        return fx_fail_errno(&f, NULL);
    }
    memcpy(base, opts->dir, blen);
    base[blen] = '\0';
    int tn = snprintf(f.tmp, sizeof(f.tmp), "%s.tmp-XXXXXX", base);
    if (tn < 0 || (size_t)tn >= sizeof(f.tmp)) {
        errno = ENAMETOOLONG;
        return fx_fail_errno(&f, NULL);
    }
    if (mkdtemp(f.tmp) == NULL)
        return fx_fail_errno(&f, NULL);

    int rc = -1;
    if (chmod(f.tmp, 0755) != 0) {
        fx_fail_errno(&f, NULL);
        goto out;
    }
    if (fx_build(&f) != 0)
        goto out;
    if (state == 2) {
        /* Swap atomically; the old tree ends up at f.tmp and is removed. */
        if (renameat2(AT_FDCWD, f.tmp, AT_FDCWD, base, RENAME_EXCHANGE) != 0) {
            fx_fail_errno(&f, NULL);
            goto out;
        }
    } else if (rename(f.tmp, base) != 0) { /* replaces an empty directory */
        fx_fail_errno(&f, NULL);
        goto out;
    } else {
        f.tmp[0] = '\0';
    }
    rc = 0;
out:
    if (f.tmp[0] != '\0')
        rm_tree(f.tmp);
    fx_free(&f);
    return rc;
}
