/* harness/oracle.h: what the harness saw for one case, and the oracles that
 * judge it. Oracles are pure functions of (case, expectation, observation,
 * supervisor events, canaries): no I/O, so each is unit-tested with a case where
 * it must fire and one where it must stay quiet. */
#ifndef GC_ORACLE_H
#define GC_ORACLE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "case.h"

#define GC_OBS_MAX_BODY (256 * 1024)

struct gc_obs_response {
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
    struct gc_obs_response resp[2]; /* [1] for pipelined second request */
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
/* GC_EV_SANITIZER: path holds the report's first line
 * ("==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x..."). */

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
    const uint8_t *target_log;      /* target output written while THIS case ran (a slice,
                                       not the whole log: a secret logged once would
                                       otherwise fire on every later case) */
    size_t target_log_len;
    /* Added by the oracles (docs/ORACLES.md). Zero/NULL = not known. */
    const char *const *secret_labels; /* parallel to secrets, may be NULL: "hs-1 key hex",
                                       "token signature"; used in signatures instead of #i */
    const char *target_binary;      /* the target's own executable: its exec is not /run's */
    int target_pid;                 /* the launched target's pid; 0 = unknown */
    unsigned ssrf_listener_hits;    /* connections the canary listener accepted during the case */
    int target_died;                /* the runner saw the target exit during or after the case */
    int target_wait_status;         /* its wait status when target_died */
    int liveness_failed;            /* a GET /public probe after the case got no answer */
    int exec_marker_seen;           /* the marker file a /run injection would create appeared */
    const struct gc_posture *posture; /* GC_ACT_POSTURE cases: read by gc_posture_read() */
};

/* The launched target's security posture, from /proc/<pid>/status and
 * /proc/<pid>/root (harness/posture.c). Tri-state ints: -1 = unknown. */
struct gc_posture {
    int known;                  /* 1 = /proc/<pid>/status was read and parsed */
    long uid, euid;             /* "Uid:" real and effective */
    uint64_t cap_eff, cap_prm, cap_bnd; /* "CapEff:" "CapPrm:" "CapBnd:" */
    int no_new_privs;           /* "NoNewPrivs:" 0/1, -1 unknown */
    int seccomp_mode;           /* "Seccomp:" 0 none, 1 strict, 2 filter; -1 unknown */
    int seccomp_filters;        /* "Seccomp_filters:" (Linux >= 5.9), -1 unknown */
    int launcher_filters;       /* filters the launcher itself added (the supervisor's one);
                                   runner copies gc_target_supervisor_filters() */
    int nnp_by_launcher;        /* the launcher set no_new_privs (gc_target_nnp_set_by_launcher) */
    int landlock_known;         /* 1 = a Landlock domain is known to confine the target,
                                   0 = known absent, -1 unknown (runner: target's own report) */
    int root_is_host;           /* /proc/<pid>/root is "/": 1, chrooted/pivoted: 0, -1 unknown */
    int outside_read_ok;        /* the runner's probe read outside the fixture dir: 1, it was
                                   refused: 0, -1 not probed */
};
/* Read /proc/<pid>/status (and /proc/<pid>/root) into *out; landlock_known,
 * outside_read_ok, launcher_filters and nnp_by_launcher are left for the
 * runner (-1/0). Returns 0, or -1 with errno (out->known = 0). I/O: lives in
 * posture.c, not in an oracle. */
int gc_posture_read(pid_t pid, struct gc_posture *out);

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
    int inconclusive;           /* quiet, but the oracle could not decide (evidence says why) */
};

/* Each oracle: fills *v (fired=0 when quiet). One file each: oracle_<name>.c. */
typedef void gc_oracle_fn(const struct gc_case *c, const struct gc_observation *o,
                          const struct gc_judge_ctx *j, struct gc_verdict *v);
gc_oracle_fn gc_oracle_authz_bypass, gc_oracle_identity_confusion, gc_oracle_traversal,
    gc_oracle_unsafe_exec, gc_oracle_ssrf, gc_oracle_crash, gc_oracle_hang, gc_oracle_leak,
    gc_oracle_hardening;

/* The oracle function for o (NULL when out of range). */
gc_oracle_fn *gc_oracle_get(enum gc_oracle o);
/* Run every oracle over one case: out[k] is oracle k's verdict. Returns how
 * many fired. */
size_t gc_judge_all(const struct gc_case *c, const struct gc_observation *o,
                    const struct gc_judge_ctx *j, struct gc_verdict out[GC_OR_COUNT]);

#endif
