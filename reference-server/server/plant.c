/* plant.c: gatekeeper's planted bugs (plant.h, docs/PLANTED.md).
 *
 * Everything here is WRONG ON PURPOSE, each function in exactly the way its
 * comment says and no other: it is what the harness must catch. It runs only
 * when `--plant NAME` named the bug; the correct code in libgkcore and the
 * rest of the server is untouched, and most planted paths start from the
 * correct verdict and deviate only where their mistake applies, so that one
 * bug gives findings for that mistake and not for unrelated ones.
 *
 * Without GK_PLANTED_BUGS (the release preset) only gk_plant_enable is
 * compiled, and it refuses every name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "plant.h"

#ifndef GK_PLANTED_BUGS

int gk_plant_enable(const char *name)
{
    fprintf(stderr,
            "gatekeeper: --plant %s: built without planted bugs (configure with "
            "-DGK_PLANTED_BUGS=ON, e.g. the dev or asan preset)\n",
            name);
    return -1;
}

#else /* GK_PLANTED_BUGS */

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/x509v3.h>
#include "gk/argv.h"
#include "gk/b64url.h"
#include "gk/config.h"
#include "gk/jwt.h"
#include "gk/path.h"

#define PLANT_KEY_FILE_MAX 16384 /* bytes read from a key file (kid-path, hs-rs-confusion) */
#define PLANT_JKU_TIMEOUT_MS 500 /* jku-fetch: connect + request + first bytes */
#define PLANT_JKU_URL_MAX 512
#define PLANT_SHELL_CMD_MAX (GK_FIXTURE_PATH_MAX + GK_RUN_MAX_ARG + 8)
#define PLANT_JSON_MAX GK_JWT_MAX_TOKEN
#define PLANT_SIG_MAX 1024
#define PLANT_EC_P256_RAW 64

static const char *const plant_names[GK_PLANT_COUNT] = {
#define GK_PLANT_NAME(e, name, oracle) name,
    GK_PLANT_LIST(GK_PLANT_NAME)
#undef GK_PLANT_NAME
};

static int g_plant[GK_PLANT_COUNT];
static int g_sticky_idx = -1; /* SSL ex_data slot for sticky-token */

int gk_plant_on(enum gk_plant p)
{
    return (unsigned)p < GK_PLANT_COUNT && g_plant[p];
}

static int any_of(const enum gk_plant *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (g_plant[ps[i]])
            return 1;
    return 0;
}
#define ANY_OF(...)                                                                                \
    any_of((const enum gk_plant[]){__VA_ARGS__},                                                   \
           sizeof((const enum gk_plant[]){__VA_ARGS__}) / sizeof(enum gk_plant))

int gk_plant_cert_any(void)
{
    return ANY_OF(GK_PLANT_VERIFY_ANY, GK_PLANT_NO_EKU, GK_PLANT_NO_EXPIRY, GK_PLANT_CN_IDENTITY,
                  GK_PLANT_LEAF_AS_CA, GK_PLANT_NO_DEPTH_LIMIT);
}
int gk_plant_admin_any(void)
{
    return ANY_OF(GK_PLANT_ANY_CLIENT_IS_ADMIN, GK_PLANT_SAN_SUBSTRING);
}
int gk_plant_fwd_any(void)
{
    return ANY_OF(GK_PLANT_XFCC_FROM_ANYONE, GK_PLANT_XFF_FROM_ANYONE, GK_PLANT_XFF_LEFTMOST,
                  GK_PLANT_SSL_CLIENT_HEADER);
}
int gk_plant_jwt_any(void)
{
    return ANY_OF(GK_PLANT_ALG_NONE, GK_PLANT_HS_RS_CONFUSION, GK_PLANT_NO_AUD, GK_PLANT_NO_ISS,
                  GK_PLANT_NO_EXP, GK_PLANT_ROLES_BEFORE_VERIFY, GK_PLANT_KID_PATH,
                  GK_PLANT_JKU_FETCH, GK_PLANT_EMBEDDED_JWK, GK_PLANT_PSYCHIC_ECDSA,
                  GK_PLANT_STICKY_TOKEN, GK_PLANT_PROXY_TOKEN_SIG_ONLY);
}
int gk_plant_files_any(void)
{
    return ANY_OF(GK_PLANT_NAIVE_JOIN, GK_PLANT_DOUBLE_DECODE, GK_PLANT_PREFIX_SIBLING,
                  GK_PLANT_FOLLOW_SYMLINK, GK_PLANT_BACKSLASH_SEPARATOR,
                  GK_PLANT_TOKEN_FILES_REDECODE);
}
int gk_plant_run_any(void)
{
    return ANY_OF(GK_PLANT_SHELL, GK_PLANT_NO_DOUBLE_DASH);
}
int gk_plant_route_any(void)
{
    return ANY_OF(GK_PLANT_TRAILING_SLASH, GK_PLANT_CASE_INSENSITIVE, GK_PLANT_METHOD_BYPASS,
                  GK_PLANT_ADMIN_SKIPS_CERT);
}

static void sticky_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    (void)argl;
    (void)argp;
    if (ptr) {
        OPENSSL_cleanse(ptr, sizeof(struct gk_jwt_claims));
        free(ptr);
    }
}

int gk_plant_enable(const char *name)
{
    for (size_t i = 0; i < GK_PLANT_COUNT; i++) {
        if (strcmp(name, plant_names[i]) != 0)
            continue;
        g_plant[i] = 1;
        if (i == GK_PLANT_STICKY_TOKEN && g_sticky_idx < 0) {
            g_sticky_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, sticky_free);
            if (g_sticky_idx < 0) {
                fprintf(stderr, "gatekeeper: --plant %s: no SSL ex_data slot\n", name);
                return -1;
            }
        }
        fprintf(stderr, "gatekeeper: WARNING: planted bug %s is active\n", name);
        return 0;
    }
    fprintf(stderr, "gatekeeper: --plant %s: unknown planted bug; known:", name);
    for (size_t i = 0; i < GK_PLANT_COUNT; i++)
        fprintf(stderr, " %s", plant_names[i]);
    fputc('\n', stderr);
    return -1;
}

void gk_plant_sandbox(struct gk_sandbox_opts *sb)
{
    if (g_plant[GK_PLANT_JKU_FETCH])
        sb->allow_connect = 1;
    if (g_plant[GK_PLANT_SHELL])
        sb->allow_shell = 1;
}

/* ---------------------------------------------------------------- small helpers */

static int span_eq(struct gk_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.p, lit, n) == 0;
}

/* A whole file into buf (at most cap bytes); -1 on error. `path` relative to
 * the fixture dir unless absolute. */
static ssize_t read_fixture_file(const struct gk_server_ctx *ctx, const char *path, uint8_t *buf,
                                 size_t cap)
{
    char full[GK_FIXTURE_PATH_MAX * 2];
    int n = path[0] == '/' ? snprintf(full, sizeof full, "%s", path)
                           : snprintf(full, sizeof full, "%s/%s", ctx->fixtures_dir, path);
    if (n < 0 || (size_t)n >= sizeof full)
        return -1;
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return (ssize_t)got;
}

/* ---------------------------------------------------------------- certificates */

struct cert_leniency {
    int ignore_time;    /* no-expiry */
    int ignore_purpose; /* no-eku */
    int ignore_ca;      /* leaf-as-ca */
};
static struct cert_leniency g_lenient; /* read by the verify callback (one worker thread) */

static int lenient_verify_cb(int ok, X509_STORE_CTX *ctx)
{
    if (ok)
        return 1;
    switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return g_lenient.ignore_time; /* PLANTED no-expiry: validity dates ignored */
    case X509_V_ERR_INVALID_PURPOSE:
        return g_lenient.ignore_purpose; /* PLANTED no-eku: any EKU will do */
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_INVALID_NON_CA:
        return g_lenient.ignore_ca; /* PLANTED leaf-as-ca: basicConstraints ignored */
    default:
        return 0;
    }
}

/* The leaf's URI SANs: the first into out, the count returned. */
static int leaf_uri_san(X509 *leaf, char *out, size_t cap, size_t *out_len)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    int count = 0;
    *out_len = 0;
    out[0] = '\0';
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type != GEN_URI)
            continue;
        const ASN1_IA5STRING *s = g->d.uniformResourceIdentifier;
        if (count++ == 0 && (size_t)s->length < cap && !memchr(s->data, 0, (size_t)s->length)) {
            memcpy(out, s->data, (size_t)s->length);
            out[s->length] = '\0';
            *out_len = (size_t)s->length;
        }
    }
    GENERAL_NAMES_free(gens);
    return count;
}

/* Chain validation with OpenSSL, each leniency forgiving its own errors. */
static enum gk_status lenient_chain(X509 *leaf, STACK_OF(X509) * untrusted,
                                    const struct gk_x509id_policy *pol, int64_t now,
                                    int depth_limit)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!ctx || X509_STORE_CTX_init(ctx, pol->trust, leaf, untrusted) != 1) {
        X509_STORE_CTX_free(ctx);
        return GK_E_NOMEM;
    }
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_X509_STRICT);
    X509_VERIFY_PARAM_set_time(vp, (time_t)now);
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
    X509_STORE_CTX_set_verify_cb(ctx, lenient_verify_cb);
    int ok = X509_verify_cert(ctx) == 1;
    int cas = ok ? sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) - 1 : 0;
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    if (!ok)
        return GK_E_X509_CHAIN;
    if (depth_limit && cas > pol->max_chain_depth)
        return GK_E_X509_DEPTH;
    return GK_OK;
}

static int has_client_auth_eku(X509 *leaf)
{
    return (X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) &&
           (X509_get_extended_key_usage(leaf) & XKU_SSL_CLIENT);
}

enum gk_status gk_plant_x509id_verify(enum gk_status core, X509 *leaf, STACK_OF(X509) * untrusted,
                                      const struct gk_x509id_policy *pol, int64_t now,
                                      struct gk_x509id *out)
{
    if (!leaf)
        return core;
    char uri[GK_X509_MAX_IDENTITY + 1];
    size_t uri_len = 0;
    int n_uri = leaf_uri_san(leaf, uri, sizeof uri, &uri_len);

    /* PLANTED cn-identity: the subject CN is the identity (RFC 6125 §6.4.4 and
     * SPIFFE X509-SVID §2 say the URI SAN), even for a certificate that also
     * carries a valid URI SAN, and for one that carries none. */
    if (g_plant[GK_PLANT_CN_IDENTITY] && (core == GK_OK || core == GK_E_X509_SAN)) {
        g_lenient = (struct cert_leniency){0}; /* strict chain: only the name is wrong */
        char cn[GK_X509_MAX_IDENTITY + 1];
        int n = X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn,
                                          (int)sizeof cn);
        if (n > 0 && (core == GK_OK || lenient_chain(leaf, untrusted, pol, now, 1) == GK_OK)) {
            memcpy(out->identity, cn, (size_t)n + 1);
            out->identity_len = (size_t)n;
            return GK_OK;
        }
        return core;
    }
    if (core == GK_OK)
        return core;

    /* PLANTED verify-any: the verify callback returns 1 for every chain, so
     * any certificate that names someone is believed (CWE-295). */
    if (g_plant[GK_PLANT_VERIFY_ANY] && n_uri == 1) {
        memcpy(out->identity, uri, uri_len + 1);
        out->identity_len = uri_len;
        return GK_OK;
    }

    /* The other leniencies re-validate, forgiving only their own error. */
    int retry = (g_plant[GK_PLANT_NO_EXPIRY] && core == GK_E_X509_TIME) ||
                (g_plant[GK_PLANT_NO_EKU] && core == GK_E_X509_EKU) ||
                (g_plant[GK_PLANT_LEAF_AS_CA] && core == GK_E_X509_CHAIN) ||
                (g_plant[GK_PLANT_NO_DEPTH_LIMIT] && core == GK_E_X509_DEPTH);
    if (!retry)
        return core;
    g_lenient = (struct cert_leniency){
        .ignore_time = g_plant[GK_PLANT_NO_EXPIRY],
        .ignore_purpose = g_plant[GK_PLANT_NO_EKU],
        .ignore_ca = g_plant[GK_PLANT_LEAF_AS_CA],
    };
    enum gk_status st = lenient_chain(leaf, untrusted, pol, now, !g_plant[GK_PLANT_NO_DEPTH_LIMIT]);
    if (st != GK_OK)
        return core;
    /* PLANTED no-eku: EKU "checked if present" became "not checked". */
    if (!g_plant[GK_PLANT_NO_EKU] && !has_client_auth_eku(leaf))
        return core;
    if (n_uri != 1 || !gk_spiffe_id_valid((const uint8_t *)uri, uri_len))
        return core;
    memcpy(out->identity, uri, uri_len + 1);
    out->identity_len = uri_len;
    return GK_OK;
}

/* ---------------------------------------------------------------- admin mapping */

int gk_plant_is_admin(const struct gk_config *cfg, const char *identity, size_t len)
{
    /* PLANTED any-client-is-admin: "authenticated" taken for "authorized", no
     * identity mapping at all. */
    if (g_plant[GK_PLANT_ANY_CLIENT_IS_ADMIN])
        return len > 0;
    /* PLANTED san-substring: strstr instead of equality, so
     * spiffe://gatecrash.test/administrator is the admin. */
    if (g_plant[GK_PLANT_SAN_SUBSTRING]) {
        for (size_t i = 0; i < cfg->n_admin_identities; i++) {
            size_t n = strlen(cfg->admin_identities[i]);
            if (n > 0 && memmem(identity, len, cfg->admin_identities[i], n) != NULL)
                return 1;
        }
        return 0;
    }
    return gk_config_is_admin(cfg, identity, len);
}

/* ---------------------------------------------------------------- forwarded */

enum gk_status gk_plant_fwd_decide(const struct gk_conn *c, const struct gk_http_request *req,
                                   const struct gk_fwd_input *in, struct gk_fwd_result *out,
                                   enum gk_status core)
{
    if (core != GK_OK)
        return core;
    /* PLANTED xfcc-from-anyone: XFCC believed whoever sent it (the proxy check
     * is missing), as if every peer were the trusted proxy. */
    if (g_plant[GK_PLANT_XFCC_FROM_ANYONE] && !in->peer_is_trusted_proxy && in->xfcc.len > 0) {
        struct gk_fwd_input f = {
            .peer_is_trusted_proxy = 1, .peer_addr = in->peer_addr, .xfcc = in->xfcc};
        struct gk_fwd_result r;
        if (gk_fwd_decide(&f, &r) == GK_OK && r.identity_set) {
            out->identity_set = 1;
            memcpy(out->identity, r.identity, r.identity_len);
            out->identity_len = r.identity_len;
        }
    }
    /* PLANTED xff-from-anyone: X-Forwarded-For / Forwarded give the client
     * address whoever sent them. */
    if (g_plant[GK_PLANT_XFF_FROM_ANYONE] && !in->peer_is_trusted_proxy &&
        (in->xff.len > 0 || in->forwarded.len > 0)) {
        struct gk_fwd_input f = *in;
        f.peer_is_trusted_proxy = 1;
        f.xfcc = (struct gk_span){NULL, 0};
        struct gk_fwd_result r;
        if (gk_fwd_decide(&f, &r) == GK_OK)
            out->client_addr = r.client_addr;
    }
    /* PLANTED xff-leftmost: behind the proxy, the left-most hop (which the
     * client wrote) is taken instead of the right-most untrusted one. */
    if (g_plant[GK_PLANT_XFF_LEFTMOST] && in->peer_is_trusted_proxy &&
        (in->xff.len > 0 || in->forwarded.len > 0)) {
        struct gk_addr hops[GK_FWD_MAX_HOPS];
        size_t n = 0;
        enum gk_status st =
            in->forwarded.len > 0
                ? gk_forwarded_parse(in->forwarded.p, in->forwarded.len, hops, GK_FWD_MAX_HOPS, &n)
                : gk_xff_parse(in->xff.p, in->xff.len, hops, GK_FWD_MAX_HOPS, &n);
        if (st == GK_OK && n > 0 && hops[0].family != 0)
            out->client_addr = hops[0];
    }
    /* PLANTED ssl-client-header: X-SSL-Client-S-DN (what a TLS-terminating
     * front end would set) is read from the request and its CN mapped into
     * our trust domain, from any peer. */
    const struct gk_http_header *dn = NULL;
    if (g_plant[GK_PLANT_SSL_CLIENT_HEADER] &&
        (dn = gk_http_find(req, "X-SSL-Client-S-DN")) != NULL) {
        const uint8_t *p = dn->value.p;
        size_t len = dn->value.len;
        const uint8_t *cn = NULL;
        size_t cn_len = 0;
        for (size_t i = 0; i + 3 <= len; i++) {
            if ((i == 0 || p[i - 1] == ',' || p[i - 1] == '/' || p[i - 1] == ' ') &&
                strncasecmp((const char *)p + i, "CN=", 3) == 0) {
                cn = p + i + 3;
                while (cn + cn_len < p + len && cn[cn_len] != ',' && cn[cn_len] != '/')
                    cn_len++;
                break;
            }
        }
        const struct gk_config *cfg = &c->w->ctx->cfg;
        /* trust domain = the first admin identity up to its path */
        const char *td = cfg->n_admin_identities ? cfg->admin_identities[0] : "spiffe://x/";
        const char *slash = strchr(td + strlen("spiffe://"), '/');
        size_t td_len = slash ? (size_t)(slash - td) : strlen(td);
        if (cn && cn_len > 0 && td_len + 1 + cn_len <= sizeof out->identity) {
            memcpy(out->identity, td, td_len);
            out->identity[td_len] = '/';
            memcpy(out->identity + td_len + 1, cn, cn_len);
            out->identity_len = td_len + 1 + cn_len;
            out->identity_set = 1;
        }
    }
    return GK_OK;
}

/* PLANTED token-xff-trusted (combination: a valid bearer token AND
 * X-Forwarded-For / Forwarded from a peer that is not the trusted proxy).
 * "Token clients come through the CDN": once a token is accepted the client
 * address is taken from the forwarding headers, whoever sent them (CWE-348,
 * RFC 7239 §8.1: trust depends on the peer, not on how the user
 * authenticated). Certificate clients keep the peer address. */
void gk_plant_token_client_addr(const struct gk_fwd_input *fin, struct gk_addr *client_addr)
{
    if (!g_plant[GK_PLANT_TOKEN_XFF_TRUSTED] || fin->peer_is_trusted_proxy ||
        (fin->xff.len == 0 && fin->forwarded.len == 0))
        return;
    struct gk_fwd_input f = *fin;
    f.peer_is_trusted_proxy = 1;
    f.xfcc = (struct gk_span){NULL, 0};
    struct gk_fwd_result r;
    if (gk_fwd_decide(&f, &r) == GK_OK)
        *client_addr = r.client_addr;
}

/* ---------------------------------------------------------------- tokens */

struct jws_parts {
    const uint8_t *tok;
    size_t len;
    size_t dot1, dot2; /* positions of the two dots */
    json_t *header;    /* owned */
    uint8_t sig[PLANT_SIG_MAX];
    size_t sig_len;
};

static int jws_split(const uint8_t *tok, size_t len, struct jws_parts *j)
{
    memset(j, 0, sizeof *j);
    j->tok = tok;
    j->len = len;
    const uint8_t *d1 = memchr(tok, '.', len);
    if (!d1)
        return -1;
    j->dot1 = (size_t)(d1 - tok);
    const uint8_t *d2 = memchr(d1 + 1, '.', len - j->dot1 - 1);
    if (!d2 || memchr(d2 + 1, '.', len - (size_t)(d2 - tok) - 1))
        return -1;
    j->dot2 = (size_t)(d2 - tok);
    uint8_t buf[PLANT_JSON_MAX];
    size_t n = 0;
    if (gk_b64url_decode(tok, j->dot1, buf, sizeof buf, &n) != GK_OK)
        return -1;
    j->header = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(j->header)) {
        json_decref(j->header);
        j->header = NULL;
        return -1;
    }
    if (gk_b64url_decode(tok + j->dot2 + 1, len - j->dot2 - 1, j->sig, sizeof j->sig,
                         &j->sig_len) != GK_OK)
        j->sig_len = 0;
    return 0;
}

static const char *hdr_str(const struct jws_parts *j, const char *key)
{
    return json_string_value(json_object_get(j->header, key));
}

static const EVP_MD *alg_md(const char *alg)
{
    if (!alg || strlen(alg) != 5)
        return NULL;
    if (strcmp(alg + 2, "256") == 0)
        return EVP_sha256();
    if (strcmp(alg + 2, "384") == 0)
        return EVP_sha384();
    if (strcmp(alg + 2, "512") == 0)
        return EVP_sha512();
    return NULL;
}

static int hmac_ok(const char *alg, const uint8_t *key, size_t key_len, const struct jws_parts *j)
{
    const EVP_MD *md = alg_md(alg);
    if (!md || strncmp(alg, "HS", 2) != 0)
        return 0;
    static const uint8_t empty[1];
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    if (!HMAC(md, key_len ? key : empty, (int)key_len, j->tok, j->dot2, mac, &mac_len))
        return 0;
    return mac_len == j->sig_len && CRYPTO_memcmp(mac, j->sig, mac_len) == 0;
}

/* RS*, ES256/384 (raw r||s) and EdDSA with a public key. */
static int pkey_sig_ok(const char *alg, EVP_PKEY *pkey, const struct jws_parts *j)
{
    const EVP_MD *md = NULL;
    uint8_t der[PLANT_SIG_MAX];
    const uint8_t *sig = j->sig;
    size_t sig_len = j->sig_len;
    if (!alg)
        return 0;
    if (strcmp(alg, "EdDSA") == 0) {
        md = NULL;
    } else if ((md = alg_md(alg)) == NULL) {
        return 0;
    } else if (strncmp(alg, "ES", 2) == 0) {
        size_t half = sig_len / 2;
        if (sig_len == 0 || sig_len % 2)
            return 0;
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(j->sig, (int)half, NULL),
               *s = BN_bin2bn(j->sig + half, (int)half, NULL);
        if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
            BN_free(r);
            BN_free(s);
            ECDSA_SIG_free(es);
            return 0;
        }
        uint8_t *p = der;
        int n = i2d_ECDSA_SIG(es, NULL);
        if (n <= 0 || (size_t)n > sizeof der || i2d_ECDSA_SIG(es, &p) != n) {
            ECDSA_SIG_free(es);
            return 0;
        }
        ECDSA_SIG_free(es);
        sig = der;
        sig_len = (size_t)n;
    } else if (strncmp(alg, "RS", 2) != 0) {
        return 0;
    }
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m && EVP_DigestVerifyInit(m, NULL, md, NULL, pkey) == 1 &&
             EVP_DigestVerify(m, sig, sig_len, j->tok, j->dot2) == 1;
    EVP_MD_CTX_free(m);
    ERR_clear_error();
    return ok;
}

static BIGNUM *jwk_bn(json_t *jwk, const char *key)
{
    const char *s = json_string_value(json_object_get(jwk, key));
    uint8_t buf[1024];
    size_t n = 0;
    if (!s || gk_b64url_decode((const uint8_t *)s, strlen(s), buf, sizeof buf, &n) != GK_OK)
        return NULL;
    return BN_bin2bn(buf, (int)n, NULL);
}

/* A public key from a JWK (RFC 7517): RSA n/e or EC P-256 x/y. */
static EVP_PKEY *jwk_to_pkey(json_t *jwk)
{
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    if (!kty)
        return NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *pc = NULL;
    BIGNUM *a = NULL, *b = NULL;
    uint8_t pub[1 + 2 * 66];
    if (!bld)
        return NULL;
    if (strcmp(kty, "RSA") == 0) {
        a = jwk_bn(jwk, "n");
        b = jwk_bn(jwk, "e");
        if (a && b && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, a) &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, b))
            pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    } else if (strcmp(kty, "EC") == 0) {
        a = jwk_bn(jwk, "x");
        b = jwk_bn(jwk, "y");
        const char *crv = json_string_value(json_object_get(jwk, "crv"));
        if (a && b && crv && strcmp(crv, "P-256") == 0) {
            pub[0] = 0x04;
            if (BN_bn2binpad(a, pub + 1, 32) == 32 && BN_bn2binpad(b, pub + 33, 32) == 32 &&
                OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
                OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65))
                pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        }
    }
    if (pc && (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(pc) == 1)
        (void)EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(pc);
    OSSL_PARAM_BLD_free(bld);
    BN_free(a);
    BN_free(b);
    ERR_clear_error();
    return pkey;
}

static const struct gk_jwt_key *key_by_kid(const struct gk_jwt_policy *pol, const char *kid)
{
    for (size_t i = 0; kid && i < pol->keys.n_keys; i++) {
        const struct gk_jwt_key *k = &pol->keys.keys[i];
        if (k->kid_len == strlen(kid) && memcmp(k->kid, kid, k->kid_len) == 0)
            return k;
    }
    return NULL;
}

/* The configured key file of a key (policy.json keys[].file). */
static const char *key_file(const struct gk_server_ctx *ctx, const struct gk_jwt_key *k)
{
    for (size_t i = 0; i < ctx->cfg.n_keys; i++)
        if (strlen(ctx->cfg.keys[i].kid) == k->kid_len &&
            memcmp(ctx->cfg.keys[i].kid, k->kid, k->kid_len) == 0)
            return ctx->cfg.keys[i].file;
    return NULL;
}

/* PLANTED jku-fetch: the JWKS URL from the header is fetched (only
 * http://<IPv4 literal>:<port>/..., which is what a test can point at its own
 * loopback listener; a real client would resolve names too). */
static void jku_fetch(const char *url)
{
    char host[64];
    const char *p = url + strlen("http://");
    if (strncmp(url, "http://", 7) != 0)
        return;
    size_t h = strcspn(p, ":/");
    if (h == 0 || h >= sizeof host)
        return;
    memcpy(host, p, h);
    host[h] = '\0';
    long port = 80;
    const char *path = p + h;
    if (*path == ':') {
        char *end = NULL;
        port = strtol(path + 1, &end, 10);
        if (end == path + 1 || port <= 0 || port > 65535)
            return;
        path = end;
    }
    if (*path != '/')
        path = "/";
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
        return;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    if ((connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 || errno == EINPROGRESS) &&
        poll(&pfd, 1, PLANT_JKU_TIMEOUT_MS) == 1) {
        char req[PLANT_JKU_URL_MAX + 64];
        int n = snprintf(req, sizeof req, "GET %.*s HTTP/1.0\r\nHost: %s\r\n\r\n",
                         (int)strcspn(path, " \r\n"), path, host);
        if (n > 0 && (size_t)n < sizeof req && send(fd, req, (size_t)n, MSG_NOSIGNAL) > 0) {
            pfd.events = POLLIN;
            char sink[512];
            if (poll(&pfd, 1, PLANT_JKU_TIMEOUT_MS) == 1)
                (void)recv(fd, sink, sizeof sink, 0);
        }
    }
    close(fd);
    gk_log("info", "planted jku-fetch: fetched %s", url);
}

/* Claims as the contract says, minus what no-aud / no-iss / no-exp forget;
 * unverified payloads (roles-before-verify) skip everything but sub/roles. */
static enum gk_status claims_check(const uint8_t *payload, size_t len,
                                   const struct gk_jwt_policy *pol, int64_t now, int verified,
                                   struct gk_jwt_claims *out)
{
    json_t *o = json_loadb((const char *)payload, len, JSON_REJECT_DUPLICATES, NULL);
    enum gk_status st = GK_OK;
    if (!json_is_object(o)) {
        json_decref(o);
        return GK_E_JWT_JSON;
    }
    memset(out, 0, sizeof *out);
    if (verified && !g_plant[GK_PLANT_NO_ISS]) {
        const char *iss = json_string_value(json_object_get(o, "iss"));
        if (!iss || strlen(iss) != pol->issuer.len || memcmp(iss, pol->issuer.p, pol->issuer.len))
            st = GK_E_JWT_ISS;
    }
    if (st == GK_OK && verified && !g_plant[GK_PLANT_NO_AUD]) {
        json_t *aud = json_object_get(o, "aud");
        int ok = 0;
        if (json_is_string(aud))
            ok = span_eq(pol->audience, json_string_value(aud)) &&
                 json_string_length(aud) == pol->audience.len;
        for (size_t i = 0; json_is_array(aud) && i < json_array_size(aud); i++) {
            json_t *a = json_array_get(aud, i);
            ok |= json_is_string(a) && json_string_length(a) == pol->audience.len &&
                  span_eq(pol->audience, json_string_value(a));
        }
        if (!ok)
            st = GK_E_JWT_AUD;
    }
    json_t *exp = json_object_get(o, "exp");
    if (st == GK_OK && verified && !g_plant[GK_PLANT_NO_EXP]) {
        if (!json_is_integer(exp) || now > json_integer_value(exp) + pol->leeway_s)
            st = GK_E_JWT_EXP;
    }
    json_t *nbf = json_object_get(o, "nbf");
    if (st == GK_OK && verified && nbf &&
        (!json_is_integer(nbf) || json_integer_value(nbf) - pol->leeway_s > now))
        st = GK_E_JWT_NBF;
    json_t *iat = json_object_get(o, "iat");
    if (st == GK_OK && verified && iat &&
        (!json_is_integer(iat) || json_integer_value(iat) > now + pol->leeway_s))
        st = GK_E_JWT_IAT;
    json_t *sub = json_object_get(o, "sub");
    if (st == GK_OK && (!json_is_string(sub) || json_string_length(sub) == 0 ||
                        json_string_length(sub) > GK_JWT_MAX_SUB ||
                        memchr(json_string_value(sub), 0, json_string_length(sub))))
        st = GK_E_JWT_SUB;
    json_t *roles = json_object_get(o, "roles");
    if (st == GK_OK && roles &&
        (!json_is_array(roles) || json_array_size(roles) > GK_JWT_MAX_ROLES))
        st = GK_E_JWT_ROLES;
    for (size_t i = 0; st == GK_OK && roles && i < json_array_size(roles); i++) {
        json_t *r = json_array_get(roles, i);
        if (!json_is_string(r) || json_string_length(r) > GK_JWT_MAX_ROLE)
            st = GK_E_JWT_ROLES;
        else
            memcpy(out->roles[out->n_roles++], json_string_value(r), json_string_length(r) + 1);
    }
    if (st == GK_OK) {
        out->sub_len = json_string_length(sub);
        memcpy(out->sub, json_string_value(sub), out->sub_len + 1);
        out->exp = json_is_integer(exp) ? json_integer_value(exp) : 0;
    }
    json_decref(o);
    return st;
}

/* The signature layer with the planted mistakes; 1 when "verified". */
static int planted_signature_ok(const struct gk_conn *c, const struct gk_jwt_policy *pol,
                                const struct jws_parts *j)
{
    const char *alg = hdr_str(j, "alg");
    const char *kid = hdr_str(j, "kid");
    const struct gk_jwt_key *k = key_by_kid(pol, kid);

    /* PLANTED alg-none: "none" (any case) means "no signature to check"
     * (CVE-2015-9235 family). */
    if (g_plant[GK_PLANT_ALG_NONE] && alg && strcasecmp(alg, "none") == 0)
        return 1;
    /* PLANTED embedded-jwk: the key to verify with comes from the token
     * itself (CVE-2018-0114). */
    json_t *jwk = json_object_get(j->header, "jwk");
    if (g_plant[GK_PLANT_EMBEDDED_JWK] && json_is_object(jwk)) {
        EVP_PKEY *pk = jwk_to_pkey(jwk);
        int ok = pk && pkey_sig_ok(alg, pk, j);
        EVP_PKEY_free(pk);
        if (ok)
            return 1;
    }
    /* PLANTED psychic-ecdsa: r = s = 0 passes (CVE-2022-21449: the range
     * check 0 < r, s < n is missing). */
    if (g_plant[GK_PLANT_PSYCHIC_ECDSA] && alg && strncmp(alg, "ES", 2) == 0 && k && k->pkey &&
        j->sig_len > 0 && j->sig_len % 2 == 0) {
        int zero = 1;
        for (size_t i = 0; i < j->sig_len; i++)
            zero &= j->sig[i] == 0;
        if (zero)
            return 1;
    }
    /* PLANTED hs-rs-confusion: the algorithm comes from the header, so HS256
     * "verifies" with the public key file's bytes as the HMAC secret
     * (CVE-2016-10555). */
    if (g_plant[GK_PLANT_HS_RS_CONFUSION] && alg && strncmp(alg, "HS", 2) == 0) {
        const struct gk_jwt_key *pk = k;
        for (size_t i = 0; !pk && i < pol->keys.n_keys; i++)
            if (pol->keys.keys[i].pkey)
                pk = &pol->keys.keys[i];
        const char *file = pk && pk->pkey ? key_file(c->w->ctx, pk) : NULL;
        uint8_t buf[PLANT_KEY_FILE_MAX];
        ssize_t n = file ? read_fixture_file(c->w->ctx, file, buf, sizeof buf) : -1;
        if (n >= 0 && hmac_ok(alg, buf, (size_t)n, j))
            return 1;
    }
    /* PLANTED kid-path: an unknown kid is a key file name, joined to the
     * fixture dir like os.path.join (an absolute kid replaces it), and its
     * bytes are the HMAC secret (CVE-2019-20933 style; /dev/null = ""). */
    if (g_plant[GK_PLANT_KID_PATH] && kid && !k && alg && strncmp(alg, "HS", 2) == 0) {
        uint8_t buf[PLANT_KEY_FILE_MAX];
        ssize_t n = read_fixture_file(c->w->ctx, kid, buf, sizeof buf);
        if (n >= 0 && hmac_ok(alg, buf, (size_t)n, j))
            return 1;
    }
    /* Otherwise the correct signature layer. */
    uint8_t payload[PLANT_JSON_MAX];
    size_t plen = 0;
    const struct gk_jwt_key *used = NULL;
    return gk_jws_verify(j->tok, j->len, &pol->keys, payload, sizeof payload, &plen, &used) ==
           GK_OK;
}

/* The TLS peer's verified certificate names a trusted proxy. */
static int peer_is_trusted_proxy(const struct gk_conn *c)
{
    return c->cert_status == GK_OK &&
           gk_config_is_trusted_proxy(&c->w->ctx->cfg, c->cert.identity, c->cert.identity_len);
}

static int sticky_load(const struct gk_conn *c, struct gk_jwt_claims *out)
{
    const struct gk_jwt_claims *s =
        g_sticky_idx >= 0 ? SSL_get_ex_data(c->ssl, g_sticky_idx) : NULL;
    if (!s)
        return 0;
    memcpy(out, s, sizeof *out);
    return 1;
}

/* PLANTED sticky-token: the first valid token's identity is kept on the
 * connection and reused by later requests that carry none. */
static void sticky_save(const struct gk_conn *c, const struct gk_jwt_claims *cl)
{
    if (!g_plant[GK_PLANT_STICKY_TOKEN] || g_sticky_idx < 0)
        return;
    struct gk_jwt_claims *s = SSL_get_ex_data(c->ssl, g_sticky_idx);
    if (!s && (s = malloc(sizeof *s)) != NULL && SSL_set_ex_data(c->ssl, g_sticky_idx, s) != 1) {
        free(s);
        s = NULL;
    }
    if (s)
        memcpy(s, cl, sizeof *s);
}

int gk_plant_sticky_has(const struct gk_conn *c)
{
    return g_plant[GK_PLANT_STICKY_TOKEN] && g_sticky_idx >= 0 &&
           SSL_get_ex_data(c->ssl, g_sticky_idx) != NULL;
}

enum gk_status gk_plant_jwt_verify(const struct gk_conn *c, const struct gk_http_request *req,
                                   const struct gk_jwt_policy *pol, int64_t now,
                                   enum gk_status core, struct gk_jwt_claims *out)
{
    if (core == GK_OK) {
        sticky_save(c, out);
        return GK_OK;
    }
    if (gk_http_find(req, "Authorization") == NULL)
        return sticky_load(c, out) ? GK_OK : core;
    /* proxy-token-sig-only alone: every other peer gets the core's verdict
     * untouched (this re-implementation is not consulted at all). */
    if (g_plant[GK_PLANT_PROXY_TOKEN_SIG_ONLY] && !peer_is_trusted_proxy(c) &&
        !ANY_OF(GK_PLANT_ALG_NONE, GK_PLANT_HS_RS_CONFUSION, GK_PLANT_NO_AUD, GK_PLANT_NO_ISS,
                GK_PLANT_NO_EXP, GK_PLANT_ROLES_BEFORE_VERIFY, GK_PLANT_KID_PATH,
                GK_PLANT_JKU_FETCH, GK_PLANT_EMBEDDED_JWK, GK_PLANT_PSYCHIC_ECDSA))
        return core;
    struct gk_span tok;
    struct jws_parts j;
    if (gk_jwt_from_authorization(req->authorization, &tok) != GK_OK ||
        tok.len > GK_JWT_MAX_TOKEN || jws_split(tok.p, tok.len, &j) != 0)
        return core;
    const char *jku = hdr_str(&j, "jku");
    if (g_plant[GK_PLANT_JKU_FETCH] && jku && strlen(jku) < PLANT_JKU_URL_MAX)
        jku_fetch(jku);

    uint8_t payload[PLANT_JSON_MAX];
    size_t plen = 0;
    enum gk_status st = core;
    if (gk_b64url_decode(j.tok + j.dot1 + 1, j.dot2 - j.dot1 - 1, payload, sizeof payload, &plen) ==
        GK_OK) {
        int sig_ok = planted_signature_ok(c, pol, &j);
        if (sig_ok)
            st = claims_check(payload, plen, pol, now, 1, out);
        /* PLANTED proxy-token-sig-only (combination: the trusted proxy as the
         * TLS peer AND a token whose claims are wrong): "the edge gateway
         * already validated iss/aud/exp", so a token relayed by it is only
         * checked for its signature (RFC 8725 §3.8-3.10 ask every recipient
         * to validate them; CWE-287). Only sub and roles are read. */
        if (st != GK_OK && sig_ok && g_plant[GK_PLANT_PROXY_TOKEN_SIG_ONLY] &&
            peer_is_trusted_proxy(c))
            st = claims_check(payload, plen, pol, now, 0, out);
        /* PLANTED roles-before-verify: roles were read from the payload
         * before the signature was checked; when the check fails the request
         * falls back to the certificate's identity, keeping those roles. */
        if (st != GK_OK && g_plant[GK_PLANT_ROLES_BEFORE_VERIFY] && c->cert_status == GK_OK &&
            c->cert.identity_len <= GK_JWT_MAX_SUB &&
            claims_check(payload, plen, pol, now, 0, out) == GK_OK) {
            memcpy(out->sub, c->cert.identity, c->cert.identity_len + 1);
            out->sub_len = c->cert.identity_len;
            st = GK_OK;
        }
    }
    json_decref(j.header);
    if (st == GK_OK) {
        sticky_save(c, out);
        return GK_OK;
    }
    return core;
}

/* ---------------------------------------------------------------- routes */

static uint8_t g_path_buf[GK_PATH_MAX]; /* case-insensitive: lower-cased path (one worker thread) */

void gk_plant_policy(const struct gk_conn *c, const struct gk_http_request *req,
                     const struct gk_policy_input *in, struct gk_policy_decision *dec)
{
    /* What the route would be with every check passed: the handler's view. */
    struct gk_policy_input open = *in;
    open.method = GK_HTTP_GET;
    open.has_identity = 1;
    open.is_admin = 1;
    open.client_is_internal = 1;
    struct gk_policy_decision d;

    /* PLANTED method-bypass: the access check is registered for GET only;
     * HEAD and OPTIONS reach the handler unchecked. */
    if (g_plant[GK_PLANT_METHOD_BYPASS] &&
        (req->method == GK_HTTP_HEAD || req->method == GK_HTTP_OPTIONS)) {
        gk_policy_decide(&open, &d);
        if (d.status == 200 && d.route != GK_ROUTE_NONE) {
            *dec = d;
            return;
        }
    }
    /* PLANTED trailing-slash: the access rule matches "/admin" exactly, the
     * router also serves "/admin/" (no rule matched: allowed). */
    if (g_plant[GK_PLANT_TRAILING_SLASH] && dec->route == GK_ROUTE_NONE && in->path.len > 1 &&
        in->path.p[in->path.len - 1] == '/' && req->method == GK_HTTP_GET) {
        open.path.len = in->path.len - 1;
        gk_policy_decide(&open, &d);
        if (d.status == 200 && d.route != GK_ROUTE_NONE) {
            *dec = d;
            return;
        }
    }
    /* PLANTED case-insensitive: the rule compares case-sensitively, the router
     * does not, so "/ADMIN" is served without the admin check. */
    if (g_plant[GK_PLANT_CASE_INSENSITIVE] && dec->route == GK_ROUTE_NONE &&
        in->path.len <= sizeof g_path_buf && req->method == GK_HTTP_GET) {
        for (size_t i = 0; i < in->path.len; i++)
            g_path_buf[i] = (uint8_t)tolower(in->path.p[i]);
        open.path = gk_span_make(g_path_buf, in->path.len);
        gk_policy_decide(&open, &d);
        if (d.status == 200 && d.route != GK_ROUTE_NONE) {
            *dec = d;
            return;
        }
    }
    /* PLANTED admin-skips-cert: the admin route reads the client
     * certificate's URI SAN but never looks at the verification result. */
    if (g_plant[GK_PLANT_ADMIN_SKIPS_CERT] && dec->route == GK_ROUTE_ADMIN && dec->status != 200 &&
        req->method == GK_HTTP_GET && gk_http_find(req, "Authorization") == NULL) {
        X509 *leaf = SSL_get0_peer_certificate(c->ssl);
        char uri[GK_X509_MAX_IDENTITY + 1];
        size_t uri_len = 0;
        if (leaf && leaf_uri_san(leaf, uri, sizeof uri, &uri_len) >= 1 &&
            gk_config_is_admin(&c->w->ctx->cfg, uri, uri_len))
            dec->status = 200;
    }
}

/* ---------------------------------------------------------------- files */

/* %XX decoding, lenient: a bad escape stays as it is. -1 on a decoded NUL. */
static int pct_decode(const uint8_t *in, size_t len, char *out, size_t cap, size_t *out_len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = in[i];
        if (b == '%' && i + 2 < len && isxdigit(in[i + 1]) && isxdigit(in[i + 2])) {
            char hx[3] = {(char)in[i + 1], (char)in[i + 2], 0};
            b = (uint8_t)strtol(hx, NULL, 16);
            i += 2;
        }
        if (b == 0 || o + 1 >= cap)
            return -1;
        out[o++] = (char)b;
    }
    out[o] = '\0';
    *out_len = o;
    return 0;
}

/* Removes "." and ".." segments of a relative path, '/' as the only
 * separator; -1 if ".." would climb above the start (so these plants keep the
 * check that their own mistake then defeats). */
static int remove_dots(char *p)
{
    char out[GK_PATH_MAX + 1];
    size_t o = 0;
    const char *s = p;
    while (*s) {
        size_t n = strcspn(s, "/");
        if ((n == 1 && s[0] == '.') || n == 0) {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (o == 0)
                return -1;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            if (o + n + 2 > sizeof out)
                return -1;
            if (o > 0)
                out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s += n;
        if (*s == '/')
            s++;
    }
    out[o] = '\0';
    memcpy(p, out, o + 1);
    return 0;
}

/* Lexical normalization of an absolute path: ".." stops at "/". */
static void normalize_abs(char *p)
{
    char out[GK_FIXTURE_PATH_MAX * 2];
    size_t o = 0;
    const char *s = p;
    while (*s) {
        while (*s == '/')
            s++;
        size_t n = strcspn(s, "/");
        if (n == 0)
            break;
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if (!(n == 1 && s[0] == '.') && o + n + 2 < sizeof out) {
            out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s += n;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    memcpy(p, out, o + 1);
}

/* Who may read /files: any valid certificate or token (the correct rule). */
static int files_identity(const struct gk_conn *c, const struct gk_http_request *req)
{
    if (gk_http_find(req, "Authorization") != NULL) {
        struct gk_span tok;
        struct gk_jwt_claims cl;
        return gk_jwt_from_authorization(req->authorization, &tok) == GK_OK &&
               gk_jwt_verify(tok.p, tok.len, &c->w->jwt_pol, (int64_t)time(NULL), &cl) == GK_OK;
    }
    return c->cert_status == GK_OK;
}

/* Open the file the planted resolution names; 400 / 404 or an fd. */
static int planted_open(const struct gk_conn *c, const struct gk_http_request *req, int *status)
{
    const struct gk_server_ctx *ctx = c->w->ctx;
    const uint8_t *raw = req->path.p + strlen("/files/");
    size_t raw_len = req->path.len - strlen("/files/");
    char rel[GK_PATH_MAX + 1];
    size_t rel_len = 0;
    int fl = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    *status = 400;

    if (g_plant[GK_PLANT_FOLLOW_SYMLINK]) {
        /* PLANTED follow-symlink: correct normalization and confinement
         * check, then a plain openat that follows symlinks (CWE-61). */
        uint8_t norm[GK_PATH_MAX];
        size_t n = 0;
        struct gk_span r;
        if (gk_path_normalize(req->path.p, req->path.len, norm, sizeof norm, &n) != GK_OK)
            return -1;
        *status = 404;
        if (gk_path_under(gk_span_make(norm, n), "/files/", &r) != GK_OK || r.len > GK_PATH_MAX)
            return -1;
        memcpy(rel, r.p, r.len);
        rel[r.len] = '\0';
        return openat(ctx->files_root_fd, rel, fl);
    }
    if (pct_decode(raw, raw_len, rel, sizeof rel, &rel_len) != 0)
        return -1;
    *status = 404;
    if (g_plant[GK_PLANT_NAIVE_JOIN]) {
        /* PLANTED naive-join: root + "/" + decoded path, ".." and all
         * (CWE-22). */
        return openat(ctx->files_root_fd, rel, fl | O_NOFOLLOW);
    }
    if (g_plant[GK_PLANT_DOUBLE_DECODE]) {
        /* PLANTED double-decode: dot segments removed after one decoding,
         * then the file layer decodes again (CVE-2021-42013 family). */
        char twice[GK_PATH_MAX + 1];
        size_t n = 0;
        *status = 400;
        if (remove_dots(rel) != 0 ||
            pct_decode((const uint8_t *)rel, strlen(rel), twice, sizeof twice, &n) != 0)
            return -1;
        *status = 404;
        return openat(ctx->files_root_fd, twice, fl | O_NOFOLLOW);
    }
    if (g_plant[GK_PLANT_BACKSLASH_SEPARATOR]) {
        /* PLANTED backslash-separator: dot segments checked with '/' only,
         * then '\' is a separator too when the file is opened. */
        *status = 400;
        if (remove_dots(rel) != 0)
            return -1;
        *status = 404;
        for (char *p = rel; *p; p++)
            if (*p == '\\')
                *p = '/';
        return openat(ctx->files_root_fd, rel, fl | O_NOFOLLOW);
    }
    if (g_plant[GK_PLANT_PREFIX_SIBLING]) {
        /* PLANTED prefix-sibling: the resolved path must start with the
         * root's path, compared without a separator, so www-x passes for www
         * (CWE-22, the "startsWith" check). */
        char full[GK_FIXTURE_PATH_MAX * 2];
        int n = snprintf(full, sizeof full, "%s/%s", ctx->files_root_abs, rel);
        if (n < 0 || (size_t)n >= sizeof full)
            return -1;
        normalize_abs(full);
        if (strncmp(full, ctx->files_root_abs, strlen(ctx->files_root_abs)) != 0)
            return -1;
        return open(full, fl | O_NOFOLLOW);
    }
    return -1;
}

/* Answers a planted /files request from fd (or with status when fd < 0),
 * and logs it. */
static void files_answer(struct gk_conn *c, const struct gk_http_request *req,
                         struct gk_req_log *lg, int fd, int status)
{
    struct stat st;
    if (fd >= 0) {
        status = 404;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
            status = st.st_size >= 0 && (uint64_t)st.st_size <= GK_FILES_MAX_SIZE ? 200 : 413;
    }
    size_t got = 0;
    while (status == 200 && got < GK_FILES_MAX_SIZE) {
        ssize_t r = read(fd, c->w->scratch + got, GK_FILES_MAX_SIZE - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            status = 500;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (fd >= 0)
        close(fd);
    if (status == 200)
        (void)gk_conn_respond(c, 200, "application/octet-stream", c->w->scratch, got,
                              req->keep_alive);
    else
        gk_conn_respond_status(c, status, req->keep_alive);
    lg->status = status;
    gk_log_request(lg);
}

/* %XX decoding as a hand-written "unescape" that knows upper-case hex digits
 * only (what RFC 3986 §2.1 says producers SHOULD emit); anything else stays
 * as it is. -1 on a decoded NUL or when out is full. */
static int upper_unescape(const char *in, char *out, size_t cap)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; in[i] != '\0'; i++) {
        char b = in[i];
        const char *h = b == '%' && in[i + 1] ? strchr(HEX, in[i + 1]) : NULL;
        const char *l = h && in[i + 2] ? strchr(HEX, in[i + 2]) : NULL;
        if (h && l) {
            b = (char)((h - HEX) << 4 | (l - HEX));
            i += 2;
        }
        if (b == '\0' || o + 1 >= cap)
            return -1;
        out[o++] = b;
    }
    out[o] = '\0';
    return 0;
}

/* PLANTED token-files-redecode (combination: /files AND a valid bearer token
 * AND a double-encoded path in upper-case hex). Token clients are served by
 * the "API download" handler, written for an SDK that escaped file names
 * twice: it lets a decoded '%' through the one decoding the normal handler
 * does, removes dot segments, then unescapes once more with its own
 * upper-case-only decoder and opens the result (the CVE-2021-42013 class of
 * a second decoding after the dot-segment check, on one code path only).
 * 0 when the request is not one it takes (the correct handler answers it). */
static int token_files_handle(struct gk_conn *c, const struct gk_http_request *req,
                              struct gk_req_log *lg)
{
    uint8_t norm[GK_PATH_MAX];
    size_t n = 0;
    if (gk_http_find(req, "Authorization") == NULL || !files_identity(c, req) ||
        gk_path_normalize(req->path.p, req->path.len, norm, sizeof norm, &n) !=
            GK_E_PATH_DOUBLE_ENCODED)
        return 0; /* cert clients, bad tokens and every other path: the normal handler */
    const uint8_t *raw = req->path.p + strlen("/files/");
    size_t raw_len = req->path.len - strlen("/files/");
    char rel[GK_PATH_MAX + 1], twice[GK_PATH_MAX + 1];
    size_t rel_len = 0;
    int fd = -1, status = 400;
    if (pct_decode(raw, raw_len, rel, sizeof rel, &rel_len) == 0 && remove_dots(rel) == 0 &&
        upper_unescape(rel, twice, sizeof twice) == 0) {
        status = 404;
        fd = openat(c->w->ctx->files_root_fd, twice, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
                                                         O_NOCTTY | O_NOFOLLOW);
    }
    files_answer(c, req, lg, fd, status);
    return 1;
}

int gk_plant_files_handle(struct gk_conn *c, const struct gk_http_request *req, int64_t start_ns)
{
    if (req->method != GK_HTTP_GET || req->path.len <= strlen("/files/") ||
        memcmp(req->path.p, "/files/", strlen("/files/")) != 0)
        return 0;
    struct gk_req_log lg = {.c = c,
                            .method = req->method_text,
                            .path = req->path.p,
                            .path_len = req->path.len,
                            .note = "planted-files",
                            .start_ns = start_ns};
    if (g_plant[GK_PLANT_TOKEN_FILES_REDECODE] &&
        !ANY_OF(GK_PLANT_NAIVE_JOIN, GK_PLANT_DOUBLE_DECODE, GK_PLANT_PREFIX_SIBLING,
                GK_PLANT_FOLLOW_SYMLINK, GK_PLANT_BACKSLASH_SEPARATOR))
        return token_files_handle(c, req, &lg);
    int status = 401;
    int fd = -1;
    if (files_identity(c, req))
        fd = planted_open(c, req, &status);
    files_answer(c, req, &lg, fd, status);
    return 1;
}

/* ---------------------------------------------------------------- /run */

/* spawn.c's gk_spawn_start with the planted argv; the same spawn mechanism. */
int gk_plant_spawn_start(struct gk_conn *c, const char *arg)
{
    struct gk_worker *w = c->w;
    static char cmd[PLANT_SHELL_CMD_MAX];
    char *argv[4];
    const char *path = w->ctx->helper_abs;
    if (g_plant[GK_PLANT_SHELL]) {
        /* PLANTED shell: the argument is interpolated into a command line
         * for /bin/sh -c (CWE-78). */
        int n = snprintf(cmd, sizeof cmd, "%s -- %s", w->ctx->helper_abs, arg);
        if (n < 0 || (size_t)n >= sizeof cmd)
            return 500;
        path = "/bin/sh";
        argv[0] = "sh";
        argv[1] = "-c";
        argv[2] = cmd;
        argv[3] = NULL;
    } else {
        /* PLANTED no-double-dash: no "--" before the argument, so "-x" is an
         * option to the helper (CWE-88). */
        argv[0] = (char *)w->ctx->helper_abs;
        argv[1] = (char *)arg;
        argv[2] = NULL;
    }
    return gk_spawn_exec(c, path, argv);
}

/* ---------------------------------------------------------------- logs */

void gk_plant_log_request_auth(const struct gk_http_request *req)
{
    /* PLANTED log-token: the Authorization header goes to the log verbatim
     * (CWE-532), instead of gk_log_redact's fingerprint. */
    if (!g_plant[GK_PLANT_LOG_TOKEN] || req->authorization.len == 0)
        return;
    gk_log("debug", "request authorization=%.*s", (int)req->authorization.len,
           (const char *)req->authorization.p);
}

#endif /* GK_PLANTED_BUGS */
