/* harness/build.h: turning a case into bytes on the wire.
 *
 * material: everything loaded from a fixture dir (DIR/target + DIR/harness),
 * plus the certificates the catalogue needs that `gatecrash fixtures` does not
 * write (expired, serverAuth-only, look-alikes ...), built once at load time
 * from the fixture CA keys, a rogue CA or attacker keys, before any clock starts.
 * build: a case → request bytes (one, or two when pipelined), its token, and the
 * secrets the leak oracle must look for. */
#ifndef GC_BUILD_H
#define GC_BUILD_H
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "case.h"
#include "oracle.h"

/* client.h is not included: its struct gc_response clashes with oracle.h's. */
struct gc_client;
struct gc_material;

/* Load DIR (the parent of target/ and harness/). now: seconds since the epoch,
 * used for derived certificate validity. NULL with err on failure. */
struct gc_material *gc_material_load(const char *fixtures_dir, int64_t now, char *err,
                                     size_t err_cap);
void gc_material_free(struct gc_material *m);

/* The TLS client presenting cert kind k (GC_CERT_NONE: no client certificate),
 * trusting target/tls/server-ca.pem. Built once per kind, shared by threads. */
struct gc_client *gc_material_client(struct gc_material *m, enum gc_cert_kind k);
/* Write kind k's chain (leaf first) and key as PEM, for reproducers. */
int gc_material_write_cred(const struct gc_material *m, enum gc_cert_kind k,
                           const char *cert_path, const char *key_path);
const char *gc_material_dir(const struct gc_material *m);        /* DIR */
const char *gc_material_target_dir(const struct gc_material *m); /* DIR/target, realpath */
const char *gc_material_helper(const struct gc_material *m);     /* policy.json helper */
const struct gc_canary *gc_material_canaries(const struct gc_material *m, size_t *n);
/* Fixture secrets that must never leak: the HMAC key (raw bytes as hex and as
 * base64url), private-key PEM markers. */
const char *const *gc_material_secrets(const struct gc_material *m, size_t *n);
/* Added: labels parallel to gc_material_secrets ("hs-1 key hex", ...), for
 * gc_judge_ctx.secret_labels. */
const char *const *gc_material_secret_labels(const struct gc_material *m, size_t *n);
/* Added: kind k's leaf, intermediates (leaf excluded; may be empty) and key,
 * not owned (valid until gc_material_free). -1 for GC_CERT_NONE or out of range. */
int gc_material_cred(const struct gc_material *m, enum gc_cert_kind k, X509 **leaf,
                     STACK_OF(X509) * *chain, EVP_PKEY **key);

#define GC_BUILD_MAX_SECRETS 4

struct gc_built {
    uint8_t *req[2];       /* owned request bytes */
    size_t req_len[2];
    size_t n_req;          /* 1, or 2 for GC_ACT_PIPELINE */
    int head_request[2];   /* request i is HEAD: its response has no body */
    char *token;           /* owned compact token, NULL when the case sends none */
    char *secrets[GC_BUILD_MAX_SECRETS]; /* owned: e.g. the token's signature segment */
    size_t n_secrets;
    /* Added: the /run argument as sent, c->run_arg with ${EXEC_MARKER}
     * substituted (owned, NUL-terminated, may hold NUL); NULL when the case
     * has none. The oracles judge the helper's argv against this. */
    char *run_arg;
    size_t run_arg_len;
};

/* Build case c at `now`. ssrf_url: the canary listener's URL for ${SSRF_URL}.
 * Host header: "localhost:<port>". 0, or -1 with err. */
int gc_build_case(struct gc_material *m, const struct gc_case *c, int64_t now, uint16_t port,
                  const char *ssrf_url, struct gc_built *out, char *err, size_t err_cap);
void gc_built_free(struct gc_built *b);

/* Added: the absolute path ${EXEC_MARKER} stands for from now on (the runner
 * sets it once per run, before any case is built; "" unsets it). 0, or -1
 * when it is not absolute or too long. (token.c) */
int gc_material_set_exec_marker(struct gc_material *m, const char *path);

/* Token only (also used by the network fuzzer later). Owned string or NULL with err. */
char *gc_build_token(struct gc_material *m, const struct gc_token_recipe *r, int64_t now,
                     const char *ssrf_url, char *err, size_t err_cap);

/* Percent-encode arbitrary bytes for a query value (unreserved kept, rest %XX).
 * Returns the length of the whole encoding (NUL excluded), like snprintf: the
 * output is complete only when the result is < cap; out is NUL-terminated
 * whenever cap > 0. out may be NULL when cap is 0 (size query). */
size_t gc_pct_encode(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
