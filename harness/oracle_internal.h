/* harness/oracle_internal.h: helpers shared by the oracles (oracle.c and
 * oracle_<name>.c). Not part of the public harness API: internal-shared names
 * carry the gc__ prefix.
 *
 * Everything here is pure: no I/O, no clock, no globals that change. Every
 * byte a target sent is untrusted: it reaches evidence only through
 * gc__escape, which writes printable ASCII and truncates. */
#ifndef GC_ORACLE_INTERNAL_H
#define GC_ORACLE_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "oracle.h"

#define GC__ROUTE_MAX 48 /* bytes of a request path kept in a signature */
#define GC__DESC_MAX 200 /* "GET /admin with cert rogue-ca-admin, token RS256" */
#define GC__SHOW_MAX 80  /* target bytes shown in evidence before "..." (<= 4x escaped) */
#define GC__FP_LEN 15    /* "sha256:" + 8 hex digits */

/* Which request of a case: the first, or the pipelined second. */
enum gc__req { GC__REQ_FIRST = 0, GC__REQ_SECOND = 1 };

void gc__verdict_start(struct gc_verdict *v, enum gc_oracle o);
/* Set fired and the signature; gc__evidence sets the one-line evidence. */
void gc__fire(struct gc_verdict *v, const char *sig_fmt, ...) __attribute__((format(printf, 2, 3)));
void gc__evidence(struct gc_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Printable rendering of untrusted bytes: ASCII 0x20..0x7e except '\' as is,
 * others as \xHH; at most `max` input bytes, then "...". Always NUL-terminates
 * (cap >= 1). Returns out. */
char *gc__escape(char *out, size_t cap, const void *p, size_t n, size_t max);

/* Responses the oracles look at: n_resp, capped at 2. */
size_t gc__n_resp(const struct gc_observation *o);
const struct gc_expect *gc__expect_for(const struct gc_case *c, enum gc__req r);
int gc__is_2xx(int status);
/* The ground truth is deny: DENY, or STATUS with a non-2xx status. */
int gc__expect_deny(const struct gc_expect *e);
/* The ground truth is a 2xx: ALLOW, or STATUS with a 2xx status. */
int gc__expect_allow(const struct gc_expect *e);

/* The request path (no query, no scheme/authority of an absolute-form
 * target) of request r, as sent: span into the case's data. /run cases built
 * from run_arg give "/run". *len = 0 when unknown. */
const char *gc__path(const struct gc_case *c, enum gc__req r, size_t *len);
int gc__path_is(const struct gc_case *c, enum gc__req r, const char *want);
/* Escaped, truncated path for signatures ("-" when unknown). */
char *gc__route(const struct gc_case *c, enum gc__req r, char *out, size_t cap);
/* "GET /admin with cert rogue-ca-admin, token RS256" (escaped). */
char *gc__describe(const struct gc_case *c, enum gc__req r, char *out, size_t cap);
/* "rogue-ca-admin": the GC_CERT_LIST name, lowercase, "_" -> "-". */
char *gc__cert_name(enum gc_cert_kind k, char *out, size_t cap);

size_t gc__run_arg_len(const struct gc_case *c);
/* The request the harness sent (target, second target, headers, raw bytes,
 * run_arg) contains needle: a target that reflects it is not leaking it. */
int gc__request_contains(const struct gc_case *c, const void *needle, size_t n);

/* memmem with n == 0 -> NULL. */
const uint8_t *gc__find(const void *hay, size_t hn, const void *needle, size_t n);
/* Find needle in a response's header block or body: returns "headers",
 * "body" or NULL. */
const char *gc__resp_find(const struct gc_obs_response *r, const void *needle, size_t n);

/* Path for a signature: fixtures_dir prefix -> "$FX", its parent -> "$FX/..",
 * helper_path -> "$HELPER" (temp dirs differ between runs). */
char *gc__stable_path(const struct gc_judge_ctx *j, const char *path, char *out, size_t cap);
/* Lexical normalization of an absolute path ("//", "/./", "/x/.." removed;
 * ".." at the root stays at the root). Relative paths: "." and ".." folded,
 * a leading ".." kept. Returns 0, or -1 if out is too small. */
int gc__normalize_path(const char *in, char *out, size_t cap);
/* path equals dir or lies under it, component-wise ("/a/b" is not under "/a/bc"). */
int gc__path_under(const char *path, const char *dir);

/* "sha256:1a2b3c4d": a short fingerprint naming a secret without showing it. */
void gc__fingerprint(const void *p, size_t n, char out[GC__FP_LEN + 1]);
/* Lowercase hex of b[0..n) equals hex[0..hn)? */
int gc__hex_equals(const char *hex, size_t hn, const void *b, size_t n);
/* "SIGSEGV", or "SIG<n>" for one not in the table; out has room for 16. */
const char *gc__signal_name(int sig, char out[16]);

#endif
