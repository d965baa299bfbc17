/* plant.h: gatekeeper's planted bugs (`--plant NAME`, DESIGN.md "planted bugs").
 *
 * Each planted bug re-creates one mistake seen in real services, while
 * everything else stays correct. The code lives in plant.c only: libgkcore is
 * never changed, a planted bug is a deliberately wrong re-implementation used
 * instead of (or after) the correct call, behind `#ifdef GK_PLANTED_BUGS`
 * hooks in conn.c, routes.c and main.c. Built only with the CMake option
 * GK_PLANTED_BUGS (test presets); the release preset compiles none of it, and
 * `--plant` then fails with "built without planted bugs". docs/PLANTED.md
 * lists each bug, its real-world origin and the oracle that must catch it. */
#ifndef GK_PLANT_H
#define GK_PLANT_H
#include "conn.h"

/* Parse one --plant NAME (repeatable). 0, or -1 after a message on stderr
 * (unknown name, or a build without planted bugs). */
int gk_plant_enable(const char *name);

#ifdef GK_PLANTED_BUGS
#include "gk/forwarded.h"
#include "gk/policy.h"

/*     enum,                 --plant name,          the oracle that must catch it */
#define GK_PLANT_LIST(X)                                                                           \
    X(VERIFY_ANY, "verify-any", "authz-bypass")                                                    \
    X(ADMIN_SKIPS_CERT, "admin-skips-cert", "authz-bypass")                                        \
    X(ANY_CLIENT_IS_ADMIN, "any-client-is-admin", "authz-bypass")                                  \
    X(NO_EKU, "no-eku", "authz-bypass")                                                            \
    X(NO_EXPIRY, "no-expiry", "authz-bypass")                                                      \
    X(CN_IDENTITY, "cn-identity", "identity-confusion")                                            \
    X(SAN_SUBSTRING, "san-substring", "authz-bypass")                                              \
    X(LEAF_AS_CA, "leaf-as-ca", "authz-bypass")                                                    \
    X(NO_DEPTH_LIMIT, "no-depth-limit", "authz-bypass")                                            \
    X(XFCC_FROM_ANYONE, "xfcc-from-anyone", "authz-bypass")                                        \
    X(XFF_FROM_ANYONE, "xff-from-anyone", "authz-bypass")                                          \
    X(XFF_LEFTMOST, "xff-leftmost", "authz-bypass")                                                \
    X(SSL_CLIENT_HEADER, "ssl-client-header", "authz-bypass")                                      \
    X(ALG_NONE, "alg-none", "authz-bypass")                                                        \
    X(HS_RS_CONFUSION, "hs-rs-confusion", "authz-bypass")                                          \
    X(NO_AUD, "no-aud", "authz-bypass")                                                            \
    X(NO_ISS, "no-iss", "authz-bypass")                                                            \
    X(NO_EXP, "no-exp", "authz-bypass")                                                            \
    X(ROLES_BEFORE_VERIFY, "roles-before-verify", "authz-bypass")                                  \
    X(KID_PATH, "kid-path", "authz-bypass")                                                        \
    X(JKU_FETCH, "jku-fetch", "ssrf")                                                              \
    X(EMBEDDED_JWK, "embedded-jwk", "authz-bypass")                                                \
    X(PSYCHIC_ECDSA, "psychic-ecdsa", "authz-bypass")                                              \
    X(NAIVE_JOIN, "naive-join", "traversal")                                                       \
    X(DOUBLE_DECODE, "double-decode", "traversal")                                                 \
    X(PREFIX_SIBLING, "prefix-sibling", "traversal")                                               \
    X(FOLLOW_SYMLINK, "follow-symlink", "traversal")                                               \
    X(BACKSLASH_SEPARATOR, "backslash-separator", "traversal")                                     \
    X(SHELL, "shell", "unsafe-exec")                                                               \
    X(NO_DOUBLE_DASH, "no-double-dash", "unsafe-exec")                                             \
    X(TRAILING_SLASH, "trailing-slash", "authz-bypass")                                            \
    X(CASE_INSENSITIVE, "case-insensitive", "authz-bypass")                                        \
    X(METHOD_BYPASS, "method-bypass", "authz-bypass")                                              \
    X(STICKY_TOKEN, "sticky-token", "identity-confusion")                                          \
    X(LOG_TOKEN, "log-token", "leak")                                                              \
    X(KEEP_ROOT, "keep-root", "hardening")                                                         \
    /* combination bugs (docs/PLANTED.md "Combination bugs"): each needs two or                    \
     * three conditions at once that no catalogue case combines; harness/selftest.c                \
     * `selftest --combination` proves the catalogue misses them and the fuzzer                    \
     * finds them. */                                                                              \
    X(TOKEN_FILES_REDECODE, "token-files-redecode", "traversal")                                   \
    X(PROXY_TOKEN_SIG_ONLY, "proxy-token-sig-only", "authz-bypass")                                \
    X(TOKEN_XFF_TRUSTED, "token-xff-trusted", "authz-bypass")

enum gk_plant {
#define GK_PLANT_ENUM(e, name, oracle) GK_PLANT_##e,
    GK_PLANT_LIST(GK_PLANT_ENUM)
#undef GK_PLANT_ENUM
        GK_PLANT_COUNT
};

int gk_plant_on(enum gk_plant p);
/* Any bug of a group planted (one test per hook on the hot path). */
int gk_plant_cert_any(void);
int gk_plant_admin_any(void);
int gk_plant_fwd_any(void);
int gk_plant_jwt_any(void);
int gk_plant_files_any(void);
int gk_plant_run_any(void);
int gk_plant_route_any(void);

/* main.c: sandbox options the planted bugs need (allow_connect for
 * jku-fetch, allow_shell for shell). keep-root skips gk_sandbox_apply. */
void gk_plant_sandbox(struct gk_sandbox_opts *sb);

/* conn.c, after gk_x509id_verify: the planted certificate checks. */
enum gk_status gk_plant_x509id_verify(enum gk_status core, X509 *leaf, STACK_OF(X509) *untrusted,
                                      const struct gk_x509id_policy *pol, int64_t now,
                                      struct gk_x509id *out);

/* routes.c: forwarded headers (after gk_fwd_decide), admin mapping, bearer
 * tokens (after gk_jwt_verify; `core` is its verdict), the sticky token,
 * route policy (after the GET-only rule), /files (whole request), /run. */
enum gk_status gk_plant_fwd_decide(const struct gk_conn *c, const struct gk_http_request *req,
                                   const struct gk_fwd_input *in, struct gk_fwd_result *out,
                                   enum gk_status core);
int gk_plant_is_admin(const struct gk_config *cfg, const char *identity, size_t len);
enum gk_status gk_plant_jwt_verify(const struct gk_conn *c, const struct gk_http_request *req,
                                   const struct gk_jwt_policy *pol, int64_t now,
                                   enum gk_status core, struct gk_jwt_claims *out);
int gk_plant_sticky_has(const struct gk_conn *c);
void gk_plant_policy(const struct gk_conn *c, const struct gk_http_request *req,
                     const struct gk_policy_input *in, struct gk_policy_decision *dec);
/* 1 when it answered (and logged) the request itself. */
int gk_plant_files_handle(struct gk_conn *c, const struct gk_http_request *req, int64_t start_ns);
int gk_plant_spawn_start(struct gk_conn *c, const char *arg);
/* log-token: writes the Authorization value into the log. */
void gk_plant_log_request_auth(const struct gk_http_request *req);
/* token-xff-trusted: after a bearer token was accepted, the client address
 * (routes.c decide_identity; fin is what gk_fwd_decide saw). */
void gk_plant_token_client_addr(const struct gk_fwd_input *fin, struct gk_addr *client_addr);
#endif /* GK_PLANTED_BUGS */

#endif
