/* tests/integration/test_gatekeeper.c: gatekeeper end to end.
 *
 * Generates fixtures with the real `gatecrash fixtures` binary, starts the real
 * gatekeeper on a random loopback port, and drives every contract route over
 * real TLS (harness/client.c) with certificates from the fixtures or made here
 * with harness/pki.c, and tokens signed with harness/jose.c. Expected outcomes
 * come from how each request was built (docs/CONTRACT.md), never from
 * gatekeeper's own validators. A failed handshake counts as deny. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "client.h"
#include "itest_util.h"
#include "fixtures.h"
#include "jose.h"
#include "pki.h"


#define IT_TIMEOUT_MS 5000
#define IT_START_TIMEOUT_MS 15000
#define IT_EXIT_TIMEOUT_MS 10000
#define IT_POLL_MS 20
#define IT_REQ_MAX 16384
#define IT_TOKEN_MAX 8192
#define IT_LISTEN_PREFIX "gatekeeper: listening on 127.0.0.1:"
#define IT_DAY INT64_C(86400)

/* Kept well below PATH_MAX so that every derived path fits a PATH_MAX buffer. */
#define IT_ROOT_MAX 256
static char g_tmp[IT_ROOT_MAX / 2]; /* mkdtemp root, removed at the end */
static char g_fx[IT_ROOT_MAX];      /* fixture DIR */
static char g_target[IT_ROOT_MAX];
static char g_helper[PATH_MAX]; /* helper path exactly as policy.json names it */
static char g_setup_err[512];
static pid_t g_gk_pid = -1;
static uint16_t g_port;
static char g_canaries[GC_FX_N_CANARIES][GC_FX_CANARY_LEN + 1];
static size_t g_n_canaries;

enum who {
    C_NONE,
    C_ALICE,
    C_BOB,
    C_ADMIN,
    C_PROXY,
    C_ROGUE,
    C_SELFSIGNED,
    C_EXPIRED,
    C_SERVERAUTH,
    C_N
};
static const char *const WHO_NAME[C_N] = {
    "none",    "alice",          "bob", "admin", "proxy", "rogue-admin", "selfsigned-admin",
    "expired", "serverauth-only"};
static struct gc_client *g_clients[C_N];

/* --- small utilities ------------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Extra environment for gatekeeper: ASAN_OPTIONS=detect_leaks=0 unless the
 * caller set ASAN_OPTIONS. Under the asan preset LeakSanitizer's exit-time scan
 * needs /proc/<pid>/task, which gatekeeper's sandbox (setuid to nobody,
 * Landlock) forbids, so every sandboxed process would exit non-zero. */
static const char *const *gatekeeper_env(void)
{
    static const char *const no_leak_check[] = {"ASAN_OPTIONS=detect_leaks=0", NULL};
    return getenv("ASAN_OPTIONS") == NULL ? no_leak_check : NULL;
}

/* Start argv with stdout+stderr into log_path (or /dev/null), env on top of ours. */
static pid_t spawn_env(char *const argv[], const char *log_path, const char *const *env)
{
    struct it_run_opts o = {.argv = (const char *const *)argv, .env = env, .out_path = log_path};
    return it_start(&o);
}

static pid_t spawn(char *const argv[], const char *log_path)
{
    return spawn_env(argv, log_path, NULL);
}

/* Wait for exit; returns the wait status, or -1 after killing it on timeout. */
static int wait_exit(pid_t pid, int timeout_ms)
{
    return it_wait(pid, timeout_ms, 0);
}

static int exited_with(int status, int code)
{
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/* Run `gatecrash fixtures DIR --helper GK_ECHO_BIN [extra...]`; returns wait status. */
static int run_fixtures(const char *dir, const char *extra1, const char *extra2)
{
    char *argv[] = {
        (char *)GC_GATECRASH_BIN, (char *)"fixtures", (char *)dir,    (char *)"--helper",
        (char *)GK_ECHO_BIN,      (char *)extra1,     (char *)extra2, NULL};
    pid_t pid = spawn(argv, NULL);
    return pid < 0 ? -1 : wait_exit(pid, IT_EXIT_TIMEOUT_MS);
}

/* Start gatekeeper on `target`; returns pid and sets *port, or -1. */
static pid_t start_gatekeeper(const char *target, const char *log_path, uint16_t *port)
{
    char *argv[] = {(char *)GK_GATEKEEPER_BIN,
                    (char *)"--fixtures",
                    (char *)target,
                    (char *)"--port",
                    (char *)"0",
                    (char *)"--workers",
                    (char *)"2",
                    NULL};
    pid_t pid = spawn_env(argv, log_path, gatekeeper_env());
    if (pid < 0)
        return -1;
    int64_t deadline = now_ms() + IT_START_TIMEOUT_MS;
    while (now_ms() < deadline) {
        char *log = it_slurp(log_path, NULL);
        const char *at = log ? strstr(log, IT_LISTEN_PREFIX) : NULL;
        if (at != NULL) {
            char *end = NULL;
            errno = 0;
            long p = strtol(at + strlen(IT_LISTEN_PREFIX), &end, 10);
            int ok = errno == 0 && end != at + strlen(IT_LISTEN_PREFIX) && p > 0 && p < 65536;
            free(log);
            if (ok) {
                *port = (uint16_t)p;
                return pid;
            }
            break;
        }
        free(log);
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -1;
        sleep_ms(IT_POLL_MS);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* --- certificates made here (not in the fixture set) --------------------------------- */

static int write_leaf(const char *dir, const char *name, const struct gc_cert_spec *spec,
                      X509 *issuer, EVP_PKEY *issuer_key)
{
    EVP_PKEY *k = gc_pki_keygen(GC_KEY_EC_P256);
    if (k == NULL)
        return -1;
    X509 *c = gc_pki_issue(spec, k, issuer, issuer_key ? issuer_key : k);
    char pem[PATH_MAX], key[PATH_MAX];
    snprintf(pem, sizeof(pem), "%s/%s.pem", dir, name);
    snprintf(key, sizeof(key), "%s/%s.key", dir, name);
    int rc =
        c != NULL && gc_pki_write_cert_pem(pem, &c, 1) == 0 && gc_pki_write_key_pem(key, k) == 0
            ? 0
            : -1;
    X509_free(c);
    EVP_PKEY_free(k);
    return rc;
}

static int make_extra_certs(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/" GC_FX_CLIENT_CA, g_fx);
    X509 *ca = gc_pki_read_cert_pem(p);
    snprintf(p, sizeof(p), "%s/" GC_FX_CLIENT_CA_KEY, g_fx);
    EVP_PKEY *ca_key = gc_pki_read_key_pem(p);
    int rc = -1;
    if (ca == NULL || ca_key == NULL || mkdir(dir, 0755) != 0)
        goto out;
    int64_t now = (int64_t)time(NULL);
    /* Self-signed look-alike: the admin's SAN, clientAuth, its own issuer. */
    struct gc_cert_spec ss = {.subject_cn = "admin",
                              .subject_o = "gatecrash",
                              .uri_sans = {GC_FX_ID_ADMIN},
                              .n_uri_sans = 1,
                              .eku_client_auth = 1,
                              .path_len = -1,
                              .not_before = now - 3600,
                              .not_after = now + 30 * IT_DAY};
    /* Expired: issued by the real client CA, ended yesterday (beyond any leeway). */
    struct gc_cert_spec ex = ss;
    ex.subject_cn = "bob";
    ex.uri_sans[0] = GC_FX_ID_BOB;
    ex.not_before = now - 30 * IT_DAY;
    ex.not_after = now - IT_DAY;
    /* serverAuth only: right CA, right SAN, wrong purpose (RFC 5280 §4.2.1.12). */
    struct gc_cert_spec sa = ss;
    sa.subject_cn = "alice";
    sa.uri_sans[0] = GC_FX_ID_ALICE;
    sa.eku_client_auth = 0;
    sa.eku_server_auth = 1;
    if (write_leaf(dir, "selfsigned-admin", &ss, NULL, NULL) == 0 &&
        write_leaf(dir, "expired", &ex, ca, ca_key) == 0 &&
        write_leaf(dir, "serverauth-only", &sa, ca, ca_key) == 0)
        rc = 0;
out:
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    return rc;
}

static struct gc_client *make_client(const char *cert, const char *key)
{
    char ca[PATH_MAX];
    snprintf(ca, sizeof(ca), "%s/" GC_FX_SERVER_CA, g_fx);
    struct gc_client_opts o = {.ca_file = ca, .cert_file = cert, .key_file = key};
    char err[GC_CLIENT_ERR_MAX];
    struct gc_client *c = gc_client_new(&o, err, sizeof(err));
    if (c == NULL)
        snprintf(g_setup_err, sizeof(g_setup_err), "client %s: %s", cert ? cert : "-", err);
    return c;
}

static int make_clients(void)
{
    char extra[IT_ROOT_MAX];
    IT_PATH_JOIN_CK(extra, sizeof(extra), g_tmp, "extra");
    for (int i = 0; i < C_N; i++) {
        char cert[PATH_MAX], key[PATH_MAX];
        const char *dir = NULL;
        const char *name = WHO_NAME[i];
        if (i == C_NONE) {
            g_clients[i] = make_client(NULL, NULL);
        } else {
            if (i <= C_PROXY)
                dir = GC_FX_CLIENTS_DIR;
            else if (i == C_ROGUE)
                dir = "harness/rogue", name = "admin";
            if (dir != NULL) {
                snprintf(cert, sizeof(cert), "%s/%s/%s.pem", g_fx, dir, name);
                snprintf(key, sizeof(key), "%s/%s/%s.key", g_fx, dir, name);
            } else {
                snprintf(cert, sizeof(cert), "%s/%s.pem", extra, name);
                snprintf(key, sizeof(key), "%s/%s.key", extra, name);
            }
            g_clients[i] = make_client(cert, key);
        }
        if (g_clients[i] == NULL)
            return -1;
    }
    return 0;
}

static int load_canaries(void)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/" GC_FX_CANARIES, g_fx);
    json_t *doc = json_load_file(p, 0, NULL);
    json_t *list = json_object_get(doc, "canaries");
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *t = json_string_value(json_object_get(e, "token"));
        if (t == NULL || strlen(t) != GC_FX_CANARY_LEN || g_n_canaries == GC_FX_N_CANARIES)
            break;
        memcpy(g_canaries[g_n_canaries++], t, GC_FX_CANARY_LEN + 1);
    }
    json_decref(doc);
    return g_n_canaries == GC_FX_N_CANARIES ? 0 : -1;
}

static int load_helper(void)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/" GC_FX_POLICY, g_fx);
    json_t *doc = json_load_file(p, 0, NULL);
    const char *h = json_string_value(json_object_get(doc, "helper"));
    int rc = h != NULL && strlen(h) < sizeof(g_helper) ? 0 : -1;
    if (rc == 0)
        memcpy(g_helper, h, strlen(h) + 1);
    json_decref(doc);
    return rc;
}

/* --- suite-wide fixture (runs in the parent, before the forked tests) ------------------ */

static int g_fx_done;

/* Fixtures, extra certificates and clients: shared by both test cases. */
static void setup_fixtures(void)
{
    if (g_fx_done++)
        return;
    signal(SIGPIPE, SIG_IGN);
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/gc-itest-XXXXXX");
    if (mkdtemp(g_tmp) == NULL || chmod(g_tmp, 0755) != 0) { /* gatekeeper may run as nobody */
        snprintf(g_setup_err, sizeof(g_setup_err), "mkdtemp: %s", strerror(errno));
        return;
    }
    IT_PATH_JOIN_CK(g_fx, sizeof(g_fx), g_tmp, "fx");
    IT_PATH_JOIN_CK(g_target, sizeof(g_target), g_fx, GC_FX_TARGET);
    if (!exited_with(run_fixtures(g_fx, NULL, NULL), 0)) {
        snprintf(g_setup_err, sizeof(g_setup_err), "gatecrash fixtures %s failed", g_fx);
        return;
    }
    char extra[IT_ROOT_MAX];
    IT_PATH_JOIN_CK(extra, sizeof(extra), g_tmp, "extra");
    if (make_extra_certs(extra) != 0) {
        snprintf(g_setup_err, sizeof(g_setup_err), "making extra certificates failed");
        return;
    }
    if (load_canaries() != 0 || load_helper() != 0) {
        snprintf(g_setup_err, sizeof(g_setup_err), "reading canaries.json / policy.json failed");
        return;
    }
    (void)make_clients();
}

static void setup_all(void)
{
    setup_fixtures();
    if (g_setup_err[0] != '\0')
        return;
    char log[PATH_MAX];
    IT_PATH_JOIN_CK(log, sizeof(log), g_tmp, "gatekeeper.log");
    g_gk_pid = start_gatekeeper(g_target, log, &g_port);
    if (g_gk_pid < 0) {
        char *text = it_slurp(log, NULL);
        snprintf(g_setup_err, sizeof(g_setup_err), "gatekeeper did not start: %.400s",
                 text ? text : "(no output)");
        free(text);
    }
}

static void teardown_all(void)
{
    if (g_gk_pid > 0) {
        kill(g_gk_pid, SIGTERM);
        int st = wait_exit(g_gk_pid, IT_EXIT_TIMEOUT_MS);
        if (!exited_with(st, 0))
            fprintf(stderr, "warning: gatekeeper did not exit 0 on SIGTERM (status %d)\n", st);
        g_gk_pid = -1;
    }
    for (int i = 0; i < C_N; i++) {
        gc_client_free(g_clients[i]);
        g_clients[i] = NULL;
    }
    if (g_tmp[0] != '\0' && getenv("GC_ITEST_KEEP") == NULL)
        (void)it_rm_tree(g_tmp);
}

static void require_fixtures(void)
{
    ck_assert_msg(g_setup_err[0] == '\0', "setup failed: %s", g_setup_err);
}

static void require_setup(void)
{
    ck_assert_msg(g_setup_err[0] == '\0' && g_gk_pid > 0, "setup failed: %s", g_setup_err);
}

/* --- requests ----------------------------------------------------------------------- */

/* GET `path` as `who`, optional extra header lines (each ending in \r\n). */
static enum gc_conn_status get(enum who who, const char *path, const char *extra,
                               struct gc_response *r)
{
    char req[IT_REQ_MAX];
    int n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.1\r\nHost: localhost\r\n%sConnection: close\r\n\r\n", path,
                     extra ? extra : "");
    ck_assert(n > 0 && (size_t)n < sizeof(req));
    return gc_client_request(g_clients[who], g_port, IT_TIMEOUT_MS, req, (size_t)n, r);
}

/* Status of GET, or 0 for "no response" (handshake failure, closed: deny). */
static int status_of(enum who who, const char *path, const char *extra)
{
    struct gc_response r;
    enum gc_conn_status st = get(who, path, extra, &r);
    int code = st == GC_CONN_OK ? r.status : 0;
    ck_assert_msg(st == GC_CONN_OK || st == GC_CONN_HANDSHAKE || st == GC_CONN_CLOSED, "%s %s: %s",
                  WHO_NAME[who], path, gc_conn_status_str(st));
    gc_response_free(&r);
    return code;
}

static void expect_status(enum who who, const char *path, const char *extra, int want)
{
    struct gc_response r;
    enum gc_conn_status st = get(who, path, extra, &r);
    ck_assert_msg(st == GC_CONN_OK, "%s %s: %s", WHO_NAME[who], path, gc_conn_status_str(st));
    ck_assert_msg(r.status == want, "%s GET %s: status %d, want %d; body %.200s", WHO_NAME[who],
                  path, r.status, want, (const char *)r.body);
    gc_response_free(&r);
}

struct whoami {
    char identity[512]; /* "" when null */
    int identity_null;
    char source[32];
    char client_addr[64];
    int has_admin_role;
};

static void parse_whoami(const struct gc_response *r, struct whoami *w)
{
    memset(w, 0, sizeof(*w));
    ck_assert_msg(r->status == 200, "/whoami status %d", r->status);
    json_error_t je;
    json_t *doc = json_loadb((const char *)r->body, r->body_len, 0, &je);
    ck_assert_msg(doc != NULL, "/whoami body is not JSON: %s", je.text);
    json_t *id = json_object_get(doc, "identity");
    ck_assert_msg(id != NULL && (json_is_null(id) || json_is_string(id)), "identity member");
    w->identity_null = json_is_null(id);
    if (!w->identity_null)
        snprintf(w->identity, sizeof(w->identity), "%s", json_string_value(id));
    const char *src = json_string_value(json_object_get(doc, "source"));
    const char *addr = json_string_value(json_object_get(doc, "client_addr"));
    json_t *roles = json_object_get(doc, "roles");
    ck_assert_msg(src && addr && json_is_array(roles), "whoami shape: %s", (const char *)r->body);
    snprintf(w->source, sizeof(w->source), "%s", src);
    snprintf(w->client_addr, sizeof(w->client_addr), "%s", addr);
    size_t i;
    json_t *e;
    json_array_foreach(roles, i, e)
    {
        if (json_is_string(e) && strcmp(json_string_value(e), "admin") == 0)
            w->has_admin_role = 1;
    }
    json_decref(doc);
}

static void whoami(enum who who, const char *extra, struct whoami *w)
{
    struct gc_response r;
    enum gc_conn_status st = get(who, "/whoami", extra, &r);
    ck_assert_msg(st == GC_CONN_OK, "%s /whoami: %s", WHO_NAME[who], gc_conn_status_str(st));
    parse_whoami(&r, w);
    gc_response_free(&r);
}

static void expect_identity(const struct whoami *w, const char *id, const char *source)
{
    if (id == NULL)
        ck_assert_msg(w->identity_null, "identity %s, want null", w->identity);
    else
        ck_assert_msg(!w->identity_null && strcmp(w->identity, id) == 0, "identity %s, want %s",
                      w->identity_null ? "null" : w->identity, id);
    ck_assert_str_eq(w->source, source);
}

/* --- tokens ------------------------------------------------------------------------- */

static EVP_PKEY *jwt_key(const char *kid)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/" GC_FX_JWT_PRIV_DIR "/%s.key.pem", g_fx, kid);
    EVP_PKEY *k = gc_pki_read_key_pem(p);
    ck_assert_msg(k != NULL, "cannot read %s", p);
    return k;
}

static size_t hs_secret(uint8_t *out, size_t cap)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/" GC_FX_JWT_PUB_DIR "/hs-1.key", g_fx);
    size_t len = 0;
    char *s = it_slurp(p, &len);
    ck_assert(s != NULL && len > 0 && len <= cap);
    memcpy(out, s, len);
    free(s);
    return len;
}

/* Standard claims with overrides: NULL iss/aud omit them; exp 0 omits it. */
static void claims(char *out, size_t cap, const char *sub, const char *iss, const char *aud,
                   int64_t exp, const char *roles_json)
{
    char iss_m[256] = "", aud_m[256] = "", exp_m[64] = "", roles_m[256] = "";
    if (iss)
        snprintf(iss_m, sizeof(iss_m), "\"iss\":\"%s\",", iss);
    if (aud)
        snprintf(aud_m, sizeof(aud_m), "\"aud\":\"%s\",", aud);
    if (exp)
        snprintf(exp_m, sizeof(exp_m), "\"exp\":%lld,", (long long)exp);
    if (roles_json)
        snprintf(roles_m, sizeof(roles_m), "\"roles\":%s,", roles_json);
    int n = snprintf(out, cap, "{%s%s%s%s\"iat\":%lld,\"sub\":\"%s\"}", iss_m, aud_m, exp_m,
                     roles_m, (long long)time(NULL), sub);
    ck_assert(n > 0 && (size_t)n < cap);
}

/* Sign payload with the fixture key `kid` under `alg` (the header says alg too). */
static void sign_token(const char *kid, const char *alg, const char *payload, char *out, size_t cap)
{
    char header[256];
    snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", alg, kid);
    uint8_t secret[256];
    size_t slen = 0;
    EVP_PKEY *k = NULL;
    if (strncmp(alg, "HS", 2) == 0)
        slen = hs_secret(secret, sizeof(secret));
    else if (strcmp(alg, "none") != 0)
        k = jwt_key(kid);
    int rc = gc_jws_sign(header, payload, alg, k, secret, slen, out, cap);
    EVP_PKEY_free(k);
    ck_assert_msg(rc == 0, "gc_jws_sign %s failed", alg);
}

static void bearer(char *out, size_t cap, const char *token)
{
    int n = snprintf(out, cap, "Authorization: Bearer %s\r\n", token);
    ck_assert(n > 0 && (size_t)n < cap);
}

static void valid_bearer(char *out, size_t cap, const char *kid, const char *alg, const char *sub,
                         const char *roles)
{
    char payload[1024], tok[IT_TOKEN_MAX];
    claims(payload, sizeof(payload), sub, GC_FX_ISSUER, GC_FX_AUDIENCE, (int64_t)time(NULL) + 600,
           roles);
    sign_token(kid, alg, payload, tok, sizeof(tok));
    bearer(out, cap, tok);
}

/* ====================================================================================
 * fixtures CLI
 * ==================================================================================== */

static const struct {
    const char *rel;
    int mode; /* 0: just exists */
} FX_FILES[] = {
    {GC_FX_SERVER_CA, 0644},
    {GC_FX_SERVER_CERT, 0644},
    {GC_FX_SERVER_KEY, 0600},
    {GC_FX_CLIENT_CA, 0644},
    {GC_FX_POLICY, 0644},
    {"target/jwt/rsa-1.pub.pem", 0644},
    {"target/jwt/ec-1.pub.pem", 0644},
    {"target/jwt/ed-1.pub.pem", 0644},
    {"target/jwt/hs-1.key", 0600},
    {GC_FX_WWW "/index.html", 0644},
    {GC_FX_WWW "/hello.txt", 0644},
    {GC_FX_WWW "/sub/dir/nested.txt", 0644},
    {GC_FX_CANARY, 0644},
    {GC_FX_SIBLING_CANARY, 0644},
    {GC_FX_OUTSIDE_CANARY, 0644},
    {GC_FX_CLIENT_CA_KEY, 0600},
    {GC_FX_CLIENT_INT_CERT, 0644},
    {GC_FX_CLIENT_INT_KEY, 0600},
    {GC_FX_SERVER_CA_KEY, 0600},
    {"harness/clients/alice.pem", 0644},
    {"harness/clients/alice.key", 0600},
    {"harness/clients/proxy.key", 0600},
    {GC_FX_ROGUE_CA_CERT, 0644},
    {GC_FX_ROGUE_ADMIN_CERT, 0644},
    {GC_FX_ATTACKER_EC_KEY, 0600},
    {GC_FX_ATTACKER_RSA_KEY, 0600},
    {"harness/jwt/rsa-1.key.pem", 0600},
    {"harness/jwt/ed-1.key.pem", 0600},
    {GC_FX_CANARIES, 0644},
    {GC_FX_TARGET, 0755},
    {GC_FX_HARNESS, 0755},
    {GC_FX_WWW "/sub/dir", 0755},
};

START_TEST(fixtures_layout_has_every_file_with_its_mode)
{
    require_fixtures();
    char p[PATH_MAX];
    IT_PATH_JOIN_CK(p, sizeof(p), g_fx, FX_FILES[_i].rel);
    struct stat st;
    ck_assert_msg(lstat(p, &st) == 0, "%s missing", FX_FILES[_i].rel);
    ck_assert_msg((int)(st.st_mode & 07777) == FX_FILES[_i].mode, "%s mode %o want %o",
                  FX_FILES[_i].rel, st.st_mode & 07777, FX_FILES[_i].mode);
}
END_TEST

START_TEST(fixtures_symlinks_canaries_and_policy_follow_the_contract)
{
    require_fixtures();
    char p[PATH_MAX], link[PATH_MAX];
    IT_PATH_JOIN_CK(p, sizeof(p), g_fx, GC_FX_WWW "/escape");
    ssize_t n = readlink(p, link, sizeof(link) - 1);
    ck_assert_int_gt(n, 0);
    link[n] = '\0';
    ck_assert_str_eq(link, "../canary.txt");
    IT_PATH_JOIN_CK(p, sizeof(p), g_fx, GC_FX_WWW "/etc-link");
    n = readlink(p, link, sizeof(link) - 1);
    ck_assert_int_gt(n, 0);
    link[n] = '\0';
    ck_assert_str_eq(link, "/etc");

    /* Each canary file holds its token; canaries.json lists it with its path. */
    const char *rels[] = {GC_FX_CANARY, GC_FX_SIBLING_CANARY, GC_FX_OUTSIDE_CANARY};
    for (size_t i = 0; i < GC_FX_N_CANARIES; i++) {
        IT_PATH_JOIN_CK(p, sizeof(p), g_fx, rels[i]);
        char *text = it_slurp(p, NULL);
        ck_assert_ptr_nonnull(text);
        ck_assert_msg(strstr(text, g_canaries[i]) != NULL, "%s lacks its token", rels[i]);
        ck_assert(strncmp(g_canaries[i], GC_FX_CANARY_PREFIX, strlen(GC_FX_CANARY_PREFIX)) == 0);
        free(text);
    }

    IT_PATH_JOIN_CK(p, sizeof(p), g_fx, GC_FX_POLICY);
    json_error_t je;
    json_t *doc = json_load_file(p, JSON_REJECT_DUPLICATES, &je);
    ck_assert_msg(doc != NULL, "policy.json: %s", je.text);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "contract")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "issuer")), GC_FX_ISSUER);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "audience")), GC_FX_AUDIENCE);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "leeway_s")), 60);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "max_chain_depth")), 3);
    ck_assert_int_eq(json_array_size(json_object_get(doc, "keys")), 4);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "admin_identities"), 0)),
                     GC_FX_ID_ADMIN);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "trusted_proxies"), 0)),
                     GC_FX_ID_PROXY);
    ck_assert_str_eq(
        json_string_value(json_array_get(json_object_get(doc, "internal_networks"), 0)),
        GC_FX_INTERNAL_NET);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "files_root")), "www");
    const char *helper = json_string_value(json_object_get(doc, "helper"));
    ck_assert(helper != NULL && helper[0] == '/');
    char real[PATH_MAX];
    ck_assert_ptr_nonnull(realpath(GK_ECHO_BIN, real));
    ck_assert_str_eq(helper, real);
    json_decref(doc);
}
END_TEST

START_TEST(fixtures_chains_verify_and_the_rogue_ca_does_not)
{
    require_fixtures();
    char p[PATH_MAX];
    IT_PATH_JOIN_CK(p, sizeof(p), g_fx, GC_FX_CLIENT_CA);
    X509 *ca = gc_pki_read_cert_pem(p);
    IT_PATH_JOIN_CK(p, sizeof(p), g_fx, GC_FX_ROGUE_CA_CERT);
    X509 *rogue = gc_pki_read_cert_pem(p);
    ck_assert(ca && rogue);
    /* Same subject name, different key: only a name-matching verifier is fooled. */
    ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(ca), X509_get_subject_name(rogue)), 0);
    ck_assert_int_ne(EVP_PKEY_eq(X509_get0_pubkey(ca), X509_get0_pubkey(rogue)), 1);
    X509_free(ca);
    X509_free(rogue);
    /* server.pem is the leaf only, and it is for localhost and 127.0.0.1. */
    IT_PATH_JOIN_CK(p, sizeof(p), g_fx, GC_FX_SERVER_CERT);
    size_t len;
    char *text = it_slurp(p, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_null(strstr(strstr(text, "BEGIN CERTIFICATE") + 1, "BEGIN CERTIFICATE"));
    free(text);
    X509 *srv = gc_pki_read_cert_pem(p);
    ck_assert_int_eq(X509_check_host(srv, "localhost", 0, 0, NULL), 1);
    ck_assert_int_eq(X509_check_ip_asc(srv, "127.0.0.1", 0), 1);
    X509_free(srv);
}
END_TEST

START_TEST(fixtures_refuses_a_nonempty_dir_without_force_and_seed_is_deterministic)
{
    require_fixtures();
    char a[PATH_MAX], b[PATH_MAX], p[PATH_MAX];
    IT_PATH_JOIN_CK(a, sizeof(a), g_tmp, "seed-a");
    IT_PATH_JOIN_CK(b, sizeof(b), g_tmp, "seed-b");
    ck_assert(exited_with(run_fixtures(a, "--seed", "s1"), 0));
    ck_assert(exited_with(run_fixtures(b, "--seed", "s1"), 0));
    const char *same[] = {GC_FX_CANARY, GC_FX_OUTSIDE_CANARY, "target/jwt/hs-1.key"};
    for (size_t i = 0; i < 3; i++) {
        char pa[PATH_MAX], pb[PATH_MAX];
        size_t la, lb;
        IT_PATH_JOIN_CK(pa, sizeof(pa), a, same[i]);
        IT_PATH_JOIN_CK(pb, sizeof(pb), b, same[i]);
        char *ta = it_slurp(pa, &la), *tb = it_slurp(pb, &lb);
        ck_assert(ta && tb && la == lb && memcmp(ta, tb, la) == 0);
        free(ta);
        free(tb);
    }
    /* Non-empty without --force: exit 2, nothing changed. */
    IT_PATH_JOIN_CK(p, sizeof(p), a, GC_FX_CANARY);
    char *before = it_slurp(p, NULL);
    ck_assert(exited_with(run_fixtures(a, NULL, NULL), 2));
    char *after = it_slurp(p, NULL);
    ck_assert(before && after && strcmp(before, after) == 0);
    free(after);
    /* --force replaces it; without a seed the token is new. */
    ck_assert(exited_with(run_fixtures(a, "--force", NULL), 0));
    after = it_slurp(p, NULL);
    ck_assert(after && strcmp(before, after) != 0);
    free(before);
    free(after);
    (void)it_rm_tree(a);
    (void)it_rm_tree(b);
}
END_TEST

/* ====================================================================================
 * routes and identities
 * ==================================================================================== */

START_TEST(public_is_200_without_any_credential)
{
    require_setup();
    expect_status(C_NONE, "/public", NULL, 200);
}
END_TEST

START_TEST(whoami_without_credentials_is_source_none)
{
    require_setup();
    struct whoami w;
    whoami(C_NONE, NULL, &w);
    expect_identity(&w, NULL, "none");
    ck_assert_str_eq(w.client_addr, "127.0.0.1");
}
END_TEST

START_TEST(whoami_with_alice_cert_is_her_uri_san)
{
    require_setup();
    struct whoami w;
    whoami(C_ALICE, NULL, &w);
    expect_identity(&w, GC_FX_ID_ALICE, "cert");
    ck_assert_str_eq(w.client_addr, "127.0.0.1");
    ck_assert(!w.has_admin_role);
    whoami(C_BOB, NULL, &w); /* issued by the root directly */
    expect_identity(&w, GC_FX_ID_BOB, "cert");
}
END_TEST

START_TEST(user_needs_an_identity_and_admin_needs_the_role)
{
    require_setup();
    expect_status(C_ALICE, "/user", NULL, 200);
    expect_status(C_NONE, "/user", NULL, 401);
    expect_status(C_ALICE, "/admin", NULL, 403);
    expect_status(C_NONE, "/admin", NULL, 401);
    expect_status(C_ADMIN, "/admin", NULL, 200);
    struct whoami w;
    whoami(C_ADMIN, NULL, &w);
    expect_identity(&w, GC_FX_ID_ADMIN, "cert");
    ck_assert(w.has_admin_role);
}
END_TEST

START_TEST(routes_match_exactly_and_only_get_is_served)
{
    require_setup();
    /* Even the admin gets no lenient matching (docs/CONTRACT.md §4). */
    expect_status(C_ADMIN, "/admin/", NULL, 404);
    expect_status(C_ADMIN, "/ADMIN", NULL, 404);
    expect_status(C_ADMIN, "/admin;x", NULL, 404);
    expect_status(C_ADMIN, "/nope", NULL, 404);
    const char req[] = "POST /public HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                       "Connection: close\r\n\r\n";
    struct gc_response r;
    ck_assert_int_eq(
        gc_client_request(g_clients[C_ADMIN], g_port, IT_TIMEOUT_MS, req, sizeof(req) - 1, &r),
        GC_CONN_OK);
    ck_assert_int_eq(r.status, 405);
    gc_response_free(&r);
}
END_TEST

/* Certificates that must give no identity: 401, or a failed handshake. */
static const enum who BAD_CERTS[] = {C_ROGUE, C_SELFSIGNED, C_EXPIRED, C_SERVERAUTH};

START_TEST(untrusted_or_unfit_certificates_give_no_identity)
{
    require_setup();
    enum who who = BAD_CERTS[_i];
    int code = status_of(who, "/user", NULL);
    ck_assert_msg(code == 0 || code == 401, "%s: /user %d", WHO_NAME[who], code);
    code = status_of(who, "/admin", NULL);
    ck_assert_msg(code == 0 || code == 401, "%s: /admin %d", WHO_NAME[who], code);
    struct gc_response r;
    if (get(who, "/whoami", NULL, &r) == GC_CONN_OK) {
        struct whoami w;
        parse_whoami(&r, &w);
        expect_identity(&w, NULL, "none");
    }
    gc_response_free(&r);
}
END_TEST

/* ====================================================================================
 * JWT
 * ==================================================================================== */

static const struct {
    const char *kid, *alg;
} GOOD_KEYS[] = {{"rsa-1", "RS256"}, {"ec-1", "ES256"}, {"ed-1", "EdDSA"}, {"hs-1", "HS256"}};

START_TEST(valid_tokens_of_every_key_identify_by_sub)
{
    require_setup();
    char h[IT_TOKEN_MAX + 64], sub[128];
    snprintf(sub, sizeof(sub), "user-%s", GOOD_KEYS[_i].kid);
    valid_bearer(h, sizeof(h), GOOD_KEYS[_i].kid, GOOD_KEYS[_i].alg, sub, NULL);
    struct whoami w;
    whoami(C_NONE, h, &w);
    expect_identity(&w, sub, "jwt");
    ck_assert(!w.has_admin_role);
    expect_status(C_NONE, "/user", h, 200);
    expect_status(C_NONE, "/admin", h, 403);
}
END_TEST

START_TEST(token_with_admin_role_opens_admin)
{
    require_setup();
    char h[IT_TOKEN_MAX + 64];
    valid_bearer(h, sizeof(h), GOOD_KEYS[_i].kid, GOOD_KEYS[_i].alg, "ops", "[\"admin\"]");
    expect_status(C_NONE, "/admin", h, 200);
    struct whoami w;
    whoami(C_NONE, h, &w);
    expect_identity(&w, "ops", "jwt");
    ck_assert(w.has_admin_role);
}
END_TEST

enum bad_token {
    BT_ALG_NONE,
    BT_HS_WITH_RSA_PEM,
    BT_WRONG_AUD,
    BT_WRONG_ISS,
    BT_NO_EXP,
    BT_EXPIRED,
    BT_WRONG_KEY,
    BT_N
};
static const char *const BAD_TOKEN_NAME[BT_N] = {
    "alg none",    "HS256 keyed with rsa-1 PEM", "wrong aud",         "wrong iss",
    "missing exp", "expired beyond leeway",      "signed by attacker"};

static void bad_token(enum bad_token kind, char *out, size_t cap)
{
    char payload[1024], tok[IT_TOKEN_MAX];
    int64_t now = (int64_t)time(NULL);
    const char *roles = "[\"admin\"]"; /* would open /admin if accepted */
    claims(payload, sizeof(payload), GC_FX_ID_ADMIN, GC_FX_ISSUER, GC_FX_AUDIENCE, now + 600,
           roles);
    switch (kind) {
    case BT_ALG_NONE:
        sign_token("rsa-1", "none", payload, tok, sizeof(tok));
        break;
    case BT_HS_WITH_RSA_PEM: {
        /* RFC 8725 §2.1: the verifier must take the algorithm from the key. */
        char p[PATH_MAX], header[128];
        snprintf(p, sizeof(p), "%s/" GC_FX_JWT_PUB_DIR "/rsa-1.pub.pem", g_fx);
        size_t len;
        char *pem = it_slurp(p, &len);
        ck_assert_ptr_nonnull(pem);
        snprintf(header, sizeof(header), "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}");
        ck_assert_int_eq(gc_jws_sign(header, payload, "HS256", NULL, (const uint8_t *)pem, len, tok,
                                     sizeof(tok)),
                         0);
        free(pem);
        break;
    }
    case BT_WRONG_AUD:
        claims(payload, sizeof(payload), GC_FX_ID_ADMIN, GC_FX_ISSUER, "another-service", now + 600,
               roles);
        sign_token("ec-1", "ES256", payload, tok, sizeof(tok));
        break;
    case BT_WRONG_ISS:
        claims(payload, sizeof(payload), GC_FX_ID_ADMIN, "https://evil.example", GC_FX_AUDIENCE,
               now + 600, roles);
        sign_token("ec-1", "ES256", payload, tok, sizeof(tok));
        break;
    case BT_NO_EXP:
        claims(payload, sizeof(payload), GC_FX_ID_ADMIN, GC_FX_ISSUER, GC_FX_AUDIENCE, 0, roles);
        sign_token("ed-1", "EdDSA", payload, tok, sizeof(tok));
        break;
    case BT_EXPIRED:
        claims(payload, sizeof(payload), GC_FX_ID_ADMIN, GC_FX_ISSUER, GC_FX_AUDIENCE,
               now - GC_FX_LEEWAY_S - 120, roles);
        sign_token("hs-1", "HS256", payload, tok, sizeof(tok));
        break;
    case BT_WRONG_KEY: {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/" GC_FX_ATTACKER_EC_KEY, g_fx);
        EVP_PKEY *k = gc_pki_read_key_pem(p);
        ck_assert_ptr_nonnull(k);
        ck_assert_int_eq(gc_jws_sign("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", payload, "ES256", k,
                                     NULL, 0, tok, sizeof(tok)),
                         0);
        EVP_PKEY_free(k);
        break;
    }
    case BT_N:
        ck_abort();
    }
    bearer(out, cap, tok);
}

START_TEST(invalid_tokens_give_no_identity)
{
    require_setup();
    char h[IT_TOKEN_MAX + 64];
    bad_token((enum bad_token)_i, h, sizeof(h));
    struct gc_response r;
    ck_assert_int_eq(get(C_NONE, "/user", h, &r), GC_CONN_OK);
    ck_assert_msg(r.status == 401, "%s: /user %d", BAD_TOKEN_NAME[_i], r.status);
    gc_response_free(&r);
    ck_assert_int_eq(get(C_NONE, "/admin", h, &r), GC_CONN_OK);
    ck_assert_msg(r.status == 401, "%s: /admin %d", BAD_TOKEN_NAME[_i], r.status);
    gc_response_free(&r);
}
END_TEST

START_TEST(valid_cert_with_invalid_token_is_401_no_fallback)
{
    require_setup();
    char h[IT_TOKEN_MAX + 64];
    bad_token((enum bad_token)_i, h, sizeof(h));
    expect_status(C_ALICE, "/user", h, 401);
    struct whoami w;
    whoami(C_ALICE, h, &w);
    expect_identity(&w, NULL, "none");
}
END_TEST

START_TEST(token_wins_over_cert_for_that_request_only)
{
    require_setup();
    char h[IT_TOKEN_MAX + 64];
    valid_bearer(h, sizeof(h), "ec-1", "ES256", "carol", NULL);
    struct whoami w;
    whoami(C_ALICE, h, &w);
    expect_identity(&w, "carol", "jwt");
    whoami(C_ALICE, NULL, &w);
    expect_identity(&w, GC_FX_ID_ALICE, "cert");
}
END_TEST

/* ====================================================================================
 * forwarded identity
 * ==================================================================================== */

#define XFCC_ADMIN "X-Forwarded-Client-Cert: URI=" GC_FX_ID_ADMIN "\r\n"
#define XFF_INTERNAL "X-Forwarded-For: 10.99.1.2\r\n"

START_TEST(forwarded_headers_from_a_non_proxy_change_nothing)
{
    require_setup();
    struct whoami w;
    whoami(C_ALICE, XFCC_ADMIN XFF_INTERNAL, &w);
    expect_identity(&w, GC_FX_ID_ALICE, "cert");
    ck_assert_str_eq(w.client_addr, "127.0.0.1");
    ck_assert(!w.has_admin_role);
    expect_status(C_ALICE, "/internal", XFCC_ADMIN XFF_INTERNAL, 403);
    expect_status(C_ALICE, "/admin", XFCC_ADMIN XFF_INTERNAL, 403);
    /* No certificate at all: still nobody. */
    whoami(C_NONE, XFCC_ADMIN XFF_INTERNAL, &w);
    expect_identity(&w, NULL, "none");
    ck_assert_str_eq(w.client_addr, "127.0.0.1");
}
END_TEST

START_TEST(forwarded_headers_from_the_proxy_name_the_client)
{
    require_setup();
    struct whoami w;
    whoami(C_PROXY, XFCC_ADMIN XFF_INTERNAL, &w);
    expect_identity(&w, GC_FX_ID_ADMIN, "forwarded");
    ck_assert_str_eq(w.client_addr, "10.99.1.2");
    ck_assert(w.has_admin_role);
    expect_status(C_PROXY, "/internal", XFCC_ADMIN XFF_INTERNAL, 200);
    expect_status(C_PROXY, "/admin", XFCC_ADMIN, 200);
    /* The proxy without XFCC is itself. */
    whoami(C_PROXY, NULL, &w);
    expect_identity(&w, GC_FX_ID_PROXY, "cert");
    ck_assert_str_eq(w.client_addr, "127.0.0.1");
    expect_status(C_PROXY, "/internal", NULL, 403);
}
END_TEST

/* ====================================================================================
 * files
 * ==================================================================================== */

START_TEST(files_serves_regular_files_under_the_root)
{
    require_setup();
    const struct {
        const char *path, *body;
    } ok[] = {{"/files/hello.txt", GC_FX_HELLO_TXT},
              {"/files/sub/dir/nested.txt", GC_FX_NESTED_TXT}};
    for (size_t i = 0; i < 2; i++) {
        struct gc_response r;
        ck_assert_int_eq(get(C_ALICE, ok[i].path, NULL, &r), GC_CONN_OK);
        ck_assert_msg(r.status == 200, "%s: %d", ok[i].path, r.status);
        ck_assert_uint_eq(r.body_len, strlen(ok[i].body));
        ck_assert_mem_eq(r.body, ok[i].body, r.body_len);
        gc_response_free(&r);
    }
    expect_status(C_NONE, "/files/hello.txt", NULL, 401);
    expect_status(C_ALICE, "/files/no-such-file.txt", NULL, 404);
}
END_TEST

static const char *const ESCAPES[] = {
    "/files/../canary.txt",
    "/files/%2e%2e/canary.txt",
    "/files/escape",
    "/files/etc-link/passwd",
    "/files/..%2fcanary.txt",
    "/files/%2E%2E/%2E%2E/outside-canary.txt",
    "/files/../www-x/canary.txt",
    "/files/%252e%252e/canary.txt",
    "/files/sub/../../canary.txt",
    "/files//etc/passwd",
    "/files/..\\canary.txt",
    "/files/%2e%2e%5ccanary.txt",
};

START_TEST(files_never_leave_the_root)
{
    require_setup();
    const char *path = ESCAPES[_i];
    for (enum who who = C_NONE; who <= C_ALICE; who++) {
        struct gc_response r;
        enum gc_conn_status st = get(who, path, NULL, &r);
        if (st != GC_CONN_OK)
            continue; /* a refused request leaks nothing */
        ck_assert_msg(r.status != 200, "%s as %s: 200", path, WHO_NAME[who]);
        for (size_t i = 0; i < g_n_canaries; i++)
            ck_assert_msg(strstr((const char *)r.body, g_canaries[i]) == NULL,
                          "%s leaked canary %zu", path, i);
        ck_assert_msg(strstr((const char *)r.body, "root:") == NULL, "%s leaked /etc/passwd", path);
        gc_response_free(&r);
    }
}
END_TEST

/* ====================================================================================
 * /run
 * ==================================================================================== */

static const char *const RUN_ARGS[] = {
    "a;id", "$(id)", "|cat /etc/passwd",         "`id`", "a\nb", "-v",           "'\"quoted\"'",
    "*",    "$IFS",  "a && touch /tmp/gc-pwned", "--",   "x y",  "\xc3\xa9\xff",
};

static void url_encode(const char *in, char *out, size_t cap)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
        ck_assert(o + 4 < cap);
        if (plain) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = HEX[*p >> 4];
            out[o++] = HEX[*p & 15];
        }
    }
    out[o] = '\0';
}

static void hex_of(const char *s, char *out, size_t cap)
{
    static const char HEX[] = "0123456789abcdef";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        ck_assert(o + 3 < cap);
        out[o++] = HEX[*p >> 4];
        out[o++] = HEX[*p & 15];
    }
    out[o] = '\0';
}

START_TEST(run_passes_the_argument_unchanged_as_one_argv_entry)
{
    require_setup();
    const char *arg = RUN_ARGS[_i];
    char enc[512], path[600];
    url_encode(arg, enc, sizeof(enc));
    snprintf(path, sizeof(path), "/run?arg=%s", enc);
    struct gc_response r;
    ck_assert_int_eq(get(C_ALICE, path, NULL, &r), GC_CONN_OK);
    ck_assert_msg(r.status == 200, "%s: %d %.200s", path, r.status, (const char *)r.body);
    json_error_t je;
    json_t *doc = json_loadb((const char *)r.body, r.body_len, 0, &je);
    ck_assert_msg(doc != NULL, "gk-echo output not JSON: %s", je.text);
    json_t *hex = json_object_get(doc, "argv_hex");
    ck_assert_msg(json_is_array(hex) && json_array_size(hex) == 3, "argv_hex: %.200s",
                  (const char *)r.body);
    const char *want[3] = {g_helper, "--", arg};
    for (size_t i = 0; i < 3; i++) {
        char h[1024];
        hex_of(want[i], h, sizeof(h));
        const char *got = json_string_value(json_array_get(hex, i));
        ck_assert_msg(got && strcmp(got, h) == 0, "argv[%zu] = %s, want %s", i, got ? got : "?", h);
    }
    json_decref(doc);
    gc_response_free(&r);
    expect_status(C_NONE, path, NULL, 401);
}
END_TEST

/* ====================================================================================
 * connections
 * ==================================================================================== */

static void pipelined_pair(enum who who, const char *second_source, const char *second_id)
{
    char h[IT_TOKEN_MAX + 64], req[IT_REQ_MAX];
    valid_bearer(h, sizeof(h), "hs-1", "HS256", "dave", NULL);
    int n = snprintf(req, sizeof(req),
                     "GET /whoami HTTP/1.1\r\nHost: localhost\r\n%s\r\n"
                     "GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                     h);
    ck_assert(n > 0 && (size_t)n < sizeof(req));
    struct gc_conn *conn = NULL;
    char err[GC_CLIENT_ERR_MAX];
    ck_assert_msg(gc_conn_open(g_clients[who], g_port, IT_TIMEOUT_MS, &conn, err, sizeof(err)) ==
                      GC_CONN_OK,
                  "open: %s", err);
    ck_assert_int_eq(gc_conn_send(conn, req, (size_t)n), GC_CONN_OK);
    struct gc_response r;
    struct whoami w;
    ck_assert_int_eq(gc_conn_read_response(conn, &r, 0), GC_CONN_OK);
    parse_whoami(&r, &w);
    expect_identity(&w, "dave", "jwt");
    gc_response_free(&r);
    enum gc_conn_status st = gc_conn_read_response(conn, &r, 0);
    ck_assert_msg(st == GC_CONN_OK, "second pipelined response: %s", gc_conn_status_str(st));
    parse_whoami(&r, &w);
    expect_identity(&w, second_id, second_source);
    gc_response_free(&r);
    gc_conn_close(conn);
}

START_TEST(pipelined_token_does_not_leak_into_the_next_request)
{
    require_setup();
    pipelined_pair(C_NONE, "none", NULL);
    pipelined_pair(C_ALICE, "cert", GC_FX_ID_ALICE);
}
END_TEST

START_TEST(keep_alive_serves_sequential_requests_on_one_connection)
{
    require_setup();
    struct gc_conn *conn = NULL;
    ck_assert_int_eq(gc_conn_open(g_clients[C_ALICE], g_port, IT_TIMEOUT_MS, &conn, NULL, 0),
                     GC_CONN_OK);
    const char *paths[] = {"/public", "/user", "/files/hello.txt", "/admin"};
    const int want[] = {200, 200, 200, 403};
    for (size_t i = 0; i < 4; i++) {
        char req[256];
        int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", paths[i]);
        ck_assert_int_eq(gc_conn_send(conn, req, (size_t)n), GC_CONN_OK);
        struct gc_response r;
        ck_assert_int_eq(gc_conn_read_response(conn, &r, 0), GC_CONN_OK);
        ck_assert_msg(r.status == want[i], "%s: %d", paths[i], r.status);
        ck_assert_msg(r.keep_alive, "%s closed the connection", paths[i]);
        gc_response_free(&r);
    }
    gc_conn_close(conn);
}
END_TEST

/* ====================================================================================
 * process lifecycle (own gatekeeper instances)
 * ==================================================================================== */

START_TEST(bad_policy_field_exits_2_naming_file_and_field)
{
    require_setup();
    char bad[PATH_MAX], target[PATH_MAX], policy[PATH_MAX], log[PATH_MAX];
    IT_PATH_JOIN_CK(bad, sizeof(bad), g_tmp, "bad");
    IT_PATH_JOIN_CK(target, sizeof(target), bad, GC_FX_TARGET);
    IT_PATH_JOIN_CK(policy, sizeof(policy), bad, GC_FX_POLICY);
    IT_PATH_JOIN_CK(log, sizeof(log), g_tmp, "gatekeeper-bad.log");
    ck_assert(exited_with(run_fixtures(bad, NULL, NULL), 0));
    json_t *doc = json_load_file(policy, 0, NULL);
    ck_assert_ptr_nonnull(doc);
    json_object_set_new(doc, "max_chain_depth", json_string("x"));
    char *text = json_dumps(doc, 0);
    json_decref(doc);
    ck_assert_int_eq(gc_write_file_atomic(policy, text, strlen(text), 0644), 0);
    free(text);

    char *argv[] = {
        (char *)GK_GATEKEEPER_BIN, (char *)"--fixtures", target, (char *)"--port", (char *)"0",
        (char *)"--workers",       (char *)"2",          NULL};
    pid_t pid = spawn_env(argv, log, gatekeeper_env());
    ck_assert_int_gt(pid, 0);
    int st = wait_exit(pid, IT_EXIT_TIMEOUT_MS);
    char *out = it_slurp(log, NULL);
    ck_assert_msg(exited_with(st, 2), "status %d, output %.300s", st, out ? out : "");
    ck_assert_msg(out && strstr(out, "policy.json") && strstr(out, "max_chain_depth"),
                  "stderr must name policy.json and max_chain_depth: %.300s", out ? out : "");
    free(out);
    (void)it_rm_tree(bad);
}
END_TEST

START_TEST(sigterm_stops_gatekeeper_with_exit_0)
{
    require_setup();
    char log[PATH_MAX];
    IT_PATH_JOIN_CK(log, sizeof(log), g_tmp, "gatekeeper-term.log");
    uint16_t port = 0;
    pid_t pid = start_gatekeeper(g_target, log, &port);
    ck_assert_msg(pid > 0, "second gatekeeper did not start");
    char req[] = "GET /public HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    struct gc_response r;
    enum gc_conn_status cst =
        gc_client_request(g_clients[C_NONE], port, IT_TIMEOUT_MS, req, sizeof(req) - 1, &r);
    int code = r.status;
    gc_response_free(&r);
    kill(pid, SIGTERM);
    int st = wait_exit(pid, IT_EXIT_TIMEOUT_MS);
    ck_assert_int_eq(cst, GC_CONN_OK);
    ck_assert_int_eq(code, 200);
    ck_assert_msg(exited_with(st, 0), "exit status %d", st);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *gatekeeper_suite(void)
{
    Suite *s = suite_create("gatekeeper");
    /* Test cases run in order; both share one fixture dir made by the first. */
    TCase *f = tcase_create("fixtures");
    tcase_set_timeout(f, 30);
    tcase_add_unchecked_fixture(f, setup_fixtures, NULL);
    tcase_add_loop_test(f, fixtures_layout_has_every_file_with_its_mode, 0, N(FX_FILES));
    tcase_add_test(f, fixtures_symlinks_canaries_and_policy_follow_the_contract);
    tcase_add_test(f, fixtures_chains_verify_and_the_rogue_ca_does_not);
    tcase_add_test(f, fixtures_refuses_a_nonempty_dir_without_force_and_seed_is_deterministic);
    suite_add_tcase(s, f);

    TCase *t = tcase_create("contract");
    tcase_set_timeout(t, 30);
    tcase_add_unchecked_fixture(t, setup_all, teardown_all);
    tcase_add_test(t, public_is_200_without_any_credential);
    tcase_add_test(t, whoami_without_credentials_is_source_none);
    tcase_add_test(t, whoami_with_alice_cert_is_her_uri_san);
    tcase_add_test(t, user_needs_an_identity_and_admin_needs_the_role);
    tcase_add_test(t, routes_match_exactly_and_only_get_is_served);
    tcase_add_loop_test(t, untrusted_or_unfit_certificates_give_no_identity, 0, N(BAD_CERTS));
    tcase_add_loop_test(t, valid_tokens_of_every_key_identify_by_sub, 0, N(GOOD_KEYS));
    tcase_add_loop_test(t, token_with_admin_role_opens_admin, 0, N(GOOD_KEYS));
    tcase_add_loop_test(t, invalid_tokens_give_no_identity, 0, BT_N);
    tcase_add_loop_test(t, valid_cert_with_invalid_token_is_401_no_fallback, 0, BT_N);
    tcase_add_test(t, token_wins_over_cert_for_that_request_only);
    tcase_add_test(t, forwarded_headers_from_a_non_proxy_change_nothing);
    tcase_add_test(t, forwarded_headers_from_the_proxy_name_the_client);
    tcase_add_test(t, files_serves_regular_files_under_the_root);
    tcase_add_loop_test(t, files_never_leave_the_root, 0, N(ESCAPES));
    tcase_add_loop_test(t, run_passes_the_argument_unchanged_as_one_argv_entry, 0, N(RUN_ARGS));
    tcase_add_test(t, pipelined_token_does_not_leak_into_the_next_request);
    tcase_add_test(t, keep_alive_serves_sequential_requests_on_one_connection);
    tcase_add_test(t, bad_policy_field_exits_2_naming_file_and_field);
    tcase_add_test(t, sigterm_stops_gatekeeper_with_exit_0);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(gatekeeper_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
