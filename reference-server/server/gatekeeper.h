/* gatekeeper.h: shared declarations of the reference server's I/O side.
 * Nothing here parses requests; that is libgkcore's job. */
#ifndef GK_GATEKEEPER_H
#define GK_GATEKEEPER_H
#include <stdint.h>
#include <openssl/ssl.h>
#include "gk/config.h"
#include "gk/jwt.h"

#define GK_FIXTURE_PATH_MAX 4096

/* Everything loaded from the fixture dir at startup, before the sandbox closes
 * the filesystem. Read-only afterwards; shared by all workers (fork). */
struct gk_server_ctx {
    char fixtures_dir[GK_FIXTURE_PATH_MAX]; /* absolute, realpath'd */
    struct gk_config cfg;
    struct gk_jwt_key jwt_keys[GK_JWT_MAX_KEYS];
    uint8_t *jwt_secrets[GK_JWT_MAX_KEYS]; /* owned HMAC secrets (zeroized on free) */
    size_t n_jwt_keys;
    X509_STORE *client_trust;  /* only tls/client-ca.pem */
    X509 *server_cert;
    STACK_OF(X509) *server_chain;
    EVP_PKEY *server_key;
    int files_root_fd;         /* O_PATH | O_DIRECTORY of cfg.files_root */
    char files_root_abs[GK_FIXTURE_PATH_MAX];
    char helper_abs[GK_FIXTURE_PATH_MAX];
};

/* Load and validate the fixture dir. On error writes "FILE: FIELD: reason" into
 * err and returns -1 (main exits 2). */
int gk_fixtures_load(const char *dir, struct gk_server_ctx *ctx, char *err, size_t err_cap);
void gk_fixtures_free(struct gk_server_ctx *ctx);

struct gk_sandbox_opts {
    const char *fixtures_dir;  /* read-only access */
    const char *helper_path;   /* read + execute */
    int allow_spawn;           /* seccomp permits clone/execve for /run */
    const char *files_root;    /* read-only access; NULL if it lies inside fixtures_dir */
    int allow_connect;         /* planted-bug builds only: keep socket/connect (ssrf plants) */
    int allow_shell;           /* planted-bug builds only: EXECUTE on /bin, /usr/bin (shell plant) */
};
/* Drop root (to nobody/nogroup, or $GK_RUN_AS_USER) if uid 0, set no_new_privs,
 * apply Landlock (best effort: logs and continues where the kernel lacks it),
 * load the seccomp allow-list. Returns 0, or -1 with err filled. Writes a
 * one-line summary of what was applied into summary. */
int gk_sandbox_apply(const struct gk_sandbox_opts *opts, char *summary, size_t sum_cap,
                     char *err, size_t err_cap);

/* Logging: one line per event on stderr, "ts level worker msg". Callers must never
 * pass tokens, keys or secrets; gk_log_redact replaces a credential with a
 * fingerprint ("sha256:ab12cd34") fit for logs. */
void gk_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gk_log_redact(const uint8_t *secret, size_t len, char out[24]);

#endif
