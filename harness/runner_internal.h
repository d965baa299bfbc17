/* harness/runner_internal.h: the runner's network half (runner_net.c) seen
 * from its judging half (runner.c).
 *
 * Why two files: client.h and oracle.h both define `struct gc_response`
 * (different shapes), so no translation unit can include both. runner_net.c
 * talks TLS through client.h and hands back this neutral result; runner.c
 * turns it into a struct gc_observation. */
#ifndef GC_RUNNER_INTERNAL_H
#define GC_RUNNER_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

struct gc_client;

#define GC__NET_MAX_REQ 2
#define GC__NET_ERR_MAX 256
#define GC__FLOOD_MAX_CONNS 200     /* hard cap on a connection flood (brief: <= 200) */
#define GC__FLOOD_CONNS 128         /* idle TLS connections a flood case opens */
#define GC__SLOW_BYTE_MS 100        /* one header byte per 100 ms */
#define GC__SLOW_READ_MS 1000       /* slow connection: handshake, and the final read */
#define GC__SLOW_PROBE_AFTER_MS 300 /* the concurrent GET /public starts here */
#define GC__BAD_TLS_BYTES 512       /* garbage instead of a ClientHello */

struct gc__rx {
    int status;    /* 0 = none */
    char *headers; /* "Name: value\r\n"..., NUL-terminated, owned */
    size_t headers_len;
    uint8_t *body; /* owned, NUL-terminated (not counted) */
    size_t body_len;
};

struct gc__net_result {
    int connect_ok;
    int handshake_ok;
    int timed_out;
    struct gc__rx rx[GC__NET_MAX_REQ];
    size_t n_rx;
    char error[GC__NET_ERR_MAX];
    int slow_closed_by_peer; /* SLOW_HEADERS: the target closed the dribbling connection */
    unsigned flood_opened;   /* CONN_FLOOD: idle connections actually established */
    int probe_failed;        /* SLOW / PARTIAL: GET /public from another client failed */
};

enum gc__net_action {
    GC__NET_REQUEST = 0, /* req[0] on one connection, read one response */
    GC__NET_PIPELINE,    /* req[0] and req[1] in one write, read two */
    GC__NET_SLOW,        /* dribble req[0] (never its last byte); meanwhile GET /public */
    GC__NET_PARTIAL,     /* half of req[0], close; then GET /public */
    GC__NET_FLOOD,       /* GC__FLOOD_CONNS idle TLS connections, then req[0] */
    GC__NET_BAD_TLS,     /* raw TCP garbage, then req[0] */
};

struct gc__net_req {
    const uint8_t *req[GC__NET_MAX_REQ];
    size_t req_len[GC__NET_MAX_REQ];
    int head[GC__NET_MAX_REQ];
    size_t n_req;
};

/* Run one action against 127.0.0.1:port. Fills *out (free with
 * gc__net_result_free). Never fails outright: errors land in out->error. */
void gc__net_run(struct gc_client *cl, uint16_t port, int timeout_ms, enum gc__net_action a,
                 const struct gc__net_req *r, const volatile int *stop, struct gc__net_result *out);
void gc__net_result_free(struct gc__net_result *r);

/* GET /public with client cl: 1 when the answer is 200. */
int gc__net_public_ok(struct gc_client *cl, uint16_t port, int timeout_ms);

/* TCP connect to 127.0.0.1:port succeeds within timeout_ms: 1, else 0. */
int gc__net_port_open(uint16_t port, int timeout_ms);

/* A free loopback port (bind 127.0.0.1:0, read, close): > 0, or -1. */
int gc__net_free_port(void);

/* rm -r PATH (no symlink following): 0 or -1. */
int gc__remove_tree(const char *path);

/* --- Added (gatecrash fuzz, harness/fuzz.c): the runner's set-up, per-case
 * execution and judging, for callers that make their own cases. ------------ */
struct gc_case;
struct gc_observation;
struct gc_verdict;
struct gc_built;
struct gc_run;
struct gc_run_opts;
struct gc_material;
struct gc__session;

/* Called on the executing thread after the oracles ran over case c in slot
 * `slot`. v[GC_OR_COUNT] may be edited (clear a verdict to drop it). Return 1
 * to record the remaining verdicts as findings (with reproducers in the run
 * dir), 0 to record nothing. */
typedef int gc__judged_fn(void *arg, size_t slot, const struct gc_case *c,
                          const struct gc_observation *o, struct gc_verdict *v,
                          const struct gc_built *b);

/* Fixtures, material, canary listener, target, as gc_run_cases does (same
 * options; prefixes, xfail, baseline and reports are ignored). `slots`
 * result slots, one per concurrent caller of gc__run_one. 0, or 2 with err. */
int gc__session_open(const struct gc_run_opts *o, size_t slots, gc__judged_fn *fn, void *arg,
                     struct gc_run *run, struct gc__session **out, char *err, size_t err_cap);
/* Run case c (alive until it returns; a recorded finding keeps pointing at c)
 * in `slot`. serial = 1 only on the thread that opened the session: it then
 * owns the evidence window (supervisor events, canary hits) and may restart
 * the target itself. */
void gc__run_one(struct gc__session *s, size_t slot, const struct gc_case *c, int serial);
/* Opening thread, periodically while others run cases: restart the target
 * when a worker saw it die; refresh the clock tokens are built with. */
void gc__session_tick(struct gc__session *s);
int gc__session_stopping(void); /* SIGINT or SIGTERM seen */
struct gc_material *gc__session_material(struct gc__session *s);
const char *gc__session_run_dir(const struct gc__session *s);
int gc__session_supervised(const struct gc__session *s);
/* Stop the target and free; run keeps its findings. */
void gc__session_close(struct gc__session *s);

/* --- Added (gatecrash fuzz: connection reuse, docs/NETFUZZ.md "Connection
 * reuse"). A pool belongs to one fuzz job (one thread); it keeps at most one
 * open connection per (TLS client = certificate kind, port). The runner's
 * per-case path (runner.c) is unchanged: the fuzzer binds its pool to the
 * calling thread around gc__run_one, and gc__net_run's plain-request path
 * (GC__NET_REQUEST) then sends on the kept connection when `reuse` is 1. --- */
#define GC__POOL_MAX 32 /* kept connections per pool (>= certificate kinds) */

struct gc__pool_conn {
    struct gc_client *cl;
    uint16_t port;
    struct gc_conn *conn; /* NULL: none kept */
};

struct gc__conn_pool {
    struct gc__pool_conn kept[GC__POOL_MAX];
    size_t opened;   /* TLS connections the bound executions opened */
    size_t requests; /* requests they sent */
    size_t reused;   /* requests sent on a kept connection */
    size_t retried;  /* reused connections that failed: retried on a fresh one */
};

/* Bind p (NULL = unbind) to the calling thread. reuse = 1: this execution
 * may send on, and keep, a connection of p; 0: fresh connection, closed after
 * (counted all the same). */
void gc__net_pool_bind(struct gc__conn_pool *p, int reuse);
/* Close every kept connection (before the TLS clients are freed). */
void gc__net_pool_close(struct gc__conn_pool *p);

#endif
