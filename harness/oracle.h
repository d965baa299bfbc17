/* harness/oracle.h: what the harness saw for one case, and the oracles that
 * judge it. Oracles are pure functions of (case, expectation, observation,
 * supervisor events, canaries): no I/O, so each is unit-tested with a case where
 * it must fire and one where it must stay quiet. */
#ifndef GC_ORACLE_H
#define GC_ORACLE_H
#include <stddef.h>
#include <stdint.h>
#include "case.h"

#define GC_OBS_MAX_BODY (256 * 1024)

struct gc_response {
    int status;                 /* 0 = no response */
    char *headers;              /* raw header block, NUL-terminated; owned */
    size_t headers_len;
    uint8_t *body;              /* owned */
    size_t body_len;
};

struct gc_observation {
    int connect_ok;
    int handshake_ok;           /* 0 = TLS handshake failed: counts as deny */
    int timed_out;              /* no complete answer within the timeout */
    struct gc_response resp[2]; /* [1] for pipelined second request */
    size_t n_resp;
    double elapsed_ms;
    char error[256];            /* client-side error text, "" if none */
};

/* What the supervisor recorded while a launched target ran. */
enum gc_event_kind { GC_EV_EXEC, GC_EV_CONNECT, GC_EV_OPEN, GC_EV_EXIT, GC_EV_SANITIZER };
#define GC_EV_MAX_ARGV 16
struct gc_event {
    enum gc_event_kind kind;
    int pid;
    double t_ms;                /* since target start */
    char path[512];             /* exec path / open path / unix socket path */
    char *argv[GC_EV_MAX_ARGV]; /* exec argv (owned, may be truncated) */
    size_t argv_len[GC_EV_MAX_ARGV];
    size_t argc;
    char addr[64];              /* connect: "127.0.0.1:4444" */
    int status;                 /* exit: wait status */
};

struct gc_canary {
    char token[80];             /* "GCCANARY-<hex>" */
    char path[512];
};

/* The context oracles judge against. */
struct gc_judge_ctx {
    const char *helper_path;    /* the only program /run may execute */
    const struct gc_canary *canaries;
    size_t n_canaries;
    const char *fixtures_dir;   /* the target dir: opens outside it are traversal evidence */
    const struct gc_event *events;
    size_t n_events;
    const char *ssrf_canary_addr;   /* "127.0.0.1:PORT" of the canary listener */
    const char *const *secrets;     /* byte strings that must never appear (token signatures, HMAC key hex) */
    size_t n_secrets;
    const uint8_t *target_log;      /* target stderr captured so far */
    size_t target_log_len;
};

enum gc_oracle {
    GC_OR_AUTHZ_BYPASS, GC_OR_IDENTITY_CONFUSION, GC_OR_TRAVERSAL, GC_OR_UNSAFE_EXEC,
    GC_OR_SSRF, GC_OR_CRASH, GC_OR_HANG, GC_OR_LEAK, GC_OR_HARDENING, GC_OR_COUNT
};
const char *gc_oracle_name(enum gc_oracle o);

struct gc_verdict {
    int fired;
    enum gc_oracle oracle;
    char evidence[512];         /* one line naming the evidence */
    char signature[128];        /* stable part of the evidence for the finding id */
};

/* Each oracle: fills *v (fired=0 when quiet). One file each: oracle_<name>.c. */
typedef void gc_oracle_fn(const struct gc_case *c, const struct gc_observation *o,
                          const struct gc_judge_ctx *j, struct gc_verdict *v);
gc_oracle_fn gc_oracle_authz_bypass, gc_oracle_identity_confusion, gc_oracle_traversal,
    gc_oracle_unsafe_exec, gc_oracle_ssrf, gc_oracle_crash, gc_oracle_hang, gc_oracle_leak,
    gc_oracle_hardening;

#endif
