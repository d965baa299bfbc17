/* conn.h: private declarations shared by gatekeeper's I/O modules (main, log,
 * loop, conn, routes, files, spawn). Not part of the cross-helper contract
 * (that is gatekeeper.h); nothing here parses requests. */
#ifndef GK_CONN_H
#define GK_CONN_H
#include <stdint.h>
#include <sys/types.h>
#include <openssl/ssl.h>
#include "gatekeeper.h"
#include "gk/addr.h"
#include "gk/http.h"
#include "gk/policy.h"
#include "gk/x509id.h"

/* Limits. Every one is a named constant (STYLE.md). */
#define GK_MAX_WORKERS 256
#define GK_MAX_CONNS_PER_WORKER 4096 /* accepted beyond this are closed at once */
#define GK_ACCEPT_BATCH 32           /* accepts per wake-up, so workers share the load */
#define GK_LISTEN_BACKLOG 4096
#define GK_CONN_IN_CAP (GK_HTTP_MAX_HEADER_BYTES + GK_HTTP_MAX_BODY)
#define GK_RESP_HEAD_MAX 512 /* status line + our fixed header fields */
#define GK_FILES_MAX_SIZE (1024 * 1024)
#define GK_RUN_MAX_OUTPUT (64 * 1024)
#define GK_RUN_TIMEOUT_MS 5000
#define GK_RUN_MAX_CONCURRENT 64 /* helper processes per worker; beyond → 503 */
#define GK_OUT_INITIAL 16384
#define GK_OUT_KEEP_MAX 65536 /* a bigger output buffer is freed once flushed */
#define GK_OUT_FLUSH_AT 65536 /* pipelined responses are batched up to this */
/* Batching stops at GK_OUT_FLUSH_AT, so the largest response always fits after it. */
#define GK_OUT_CAP (GK_OUT_FLUSH_AT + GK_FILES_MAX_SIZE + GK_RESP_HEAD_MAX)
#define GK_SCRATCH_CAP (GK_FILES_MAX_SIZE) /* per-worker body scratch (files, JSON) */
#define GK_DRAIN_TIMEOUT_MS 2000
#define GK_LINGER_MS 1000    /* read-and-discard after a closing response */
#define GK_MAX_REAP 4096     /* killed helpers awaiting waitpid */
#define GK_TICK_MAX_MS 1000  /* longest epoll wait */
#define GK_EXIT_POLL_MS 2    /* waitpid polling interval after helper EOF */
#define GK_LOG_PATH_MAX 1024 /* bytes of a path or identity shown in a log line */

#define GK_DEFAULT_HANDSHAKE_TIMEOUT_MS 5000
#define GK_DEFAULT_HEADER_TIMEOUT_MS 10000
#define GK_DEFAULT_IDLE_TIMEOUT_MS 30000
#define GK_TIMEOUT_MAX_MS 3600000

struct gk_opts {
    const char *fixtures;
    int port;
    int workers;
    int handshake_timeout_ms;
    int header_timeout_ms;
    int idle_timeout_ms;
    int quiet;
};

/* epoll_data.ptr always points at one of these, so one wait serves every kind. */
enum gk_ev_kind { GK_EV_LISTEN, GK_EV_CONN, GK_EV_PIPE };
struct gk_conn;
struct gk_ev {
    enum gk_ev_kind kind;
    struct gk_conn *conn;
};

/* One timer list per timeout length: each list is FIFO and therefore sorted by
 * deadline, so expiry is O(1) per connection (no heap, no scan). */
enum gk_timer_kind {
    GK_TIMER_HANDSHAKE,
    GK_TIMER_HEADER,
    GK_TIMER_IDLE,
    GK_TIMER_SPAWN,
    GK_TIMER_LINGER,
    GK_TIMER_COUNT,
    GK_TIMER_NONE = -1,
};

enum gk_conn_state { GK_CONN_HANDSHAKE, GK_CONN_OPEN, GK_CONN_LINGER };

/* What is remembered about a /run request while its helper runs. */
struct gk_pending_run {
    int keep_alive;
    int64_t start_ns;
    enum gk_id_source src;
    char identity[GK_X509_MAX_IDENTITY + 1];
};

struct gk_spawn {
    int active;
    pid_t pid;
    int fd; /* read end of the helper's stdout, -1 once closed */
    struct gk_ev ev;
    uint8_t *buf; /* GK_RUN_MAX_OUTPUT bytes while active */
    size_t len;
    int overflow;
    int exited;
    int wstatus;
};

struct gk_worker;

struct gk_conn {
    struct gk_ev ev;
    struct gk_worker *w;
    int fd;
    SSL *ssl;
    enum gk_conn_state state;
    int ssl_fatal;         /* no SSL_shutdown after a fatal error */
    unsigned long ssl_err; /* first OpenSSL error of that failure, for the log */
    int closed;            /* freed at the end of the event batch */
    struct gk_addr peer;
    char peer_str[GK_ADDR_STR_MAX + 8];

    /* The certificate result: the only identity kept per connection. */
    enum gk_status cert_status;
    struct gk_x509id cert;

    /* timers and the worker's list of live connections */
    enum gk_timer_kind timer;
    int64_t deadline_ms;
    struct gk_conn *tprev, *tnext;
    struct gk_conn *aprev, *anext;
    struct gk_conn *cnext; /* closed list */

    /* output: whole responses, in request order */
    uint8_t *out;
    size_t out_len, out_off, out_cap;
    int close_after;
    int head_request; /* answering HEAD: headers only (RFC 9110 §9.3.2) */

    struct gk_spawn spawn;
    struct gk_pending_run run;

    /* input: [in_off, in_len) not yet consumed */
    size_t in_len, in_off;
    int parse_pending;
    uint8_t in[GK_CONN_IN_CAP];
};

struct gk_worker {
    int id;
    int epfd;
    int listen_fd;
    struct gk_ev listen_ev;
    int accept_paused;
    int64_t accept_resume_ms;
    SSL_CTX *ssl_ctx;
    const struct gk_server_ctx *ctx;
    const struct gk_opts *opts;
    int devnull_fd;
    struct gk_jwt_policy jwt_pol;
    struct gk_x509id_policy x509_pol;
    int64_t now_ms;
    int draining;
    int64_t drain_deadline_ms;
    size_t n_conns;
    size_t n_spawns;
    struct gk_conn *all;
    struct gk_conn *closed;
    struct gk_conn *thead[GK_TIMER_COUNT], *ttail[GK_TIMER_COUNT];
    int timeout_ms[GK_TIMER_COUNT];
    pid_t reap[GK_MAX_REAP];
    size_t n_reap;
    uint8_t *scratch; /* GK_SCRATCH_CAP */
};

/* ---- log.c ---- */
void gk_log_set_worker(int id); /* -1: supervisor */
void gk_log_set_quiet(int quiet);
struct gk_req_log {
    const struct gk_conn *c;
    struct gk_span method;
    const uint8_t *path; /* normalized path, or NULL → "-" */
    size_t path_len;
    int status;
    enum gk_id_source src;
    const char *identity; /* NUL-terminated or NULL */
    const char *note;     /* short reason (a status name) or NULL */
    int64_t start_ns;
};
void gk_log_request(const struct gk_req_log *r);

/* ---- loop.c ---- */
int64_t gk_now_ms(void);
int64_t gk_now_ns(void);
void gk_timer_set(struct gk_conn *c, enum gk_timer_kind kind);
void gk_timer_clear(struct gk_conn *c);
/* Runs one worker until drained; returns the process exit code. */
int gk_worker_run(int id, const struct gk_server_ctx *ctx, SSL_CTX *ssl_ctx, int listen_fd,
                  int devnull_fd, const struct gk_opts *opts);
void gk_worker_reap_later(struct gk_worker *w, pid_t pid);

/* ---- conn.c ---- */
SSL_CTX *gk_tls_ctx_new(const struct gk_server_ctx *ctx, char *err, size_t err_cap);
struct gk_conn *gk_conn_new(struct gk_worker *w, int fd, const struct gk_addr *peer,
                            unsigned peer_port);
void gk_conn_drive(struct gk_conn *c);
void gk_conn_close(struct gk_conn *c);
void gk_conn_on_timeout(struct gk_conn *c, enum gk_timer_kind kind);
/* Append one complete response to the output; keep_alive 0 closes after it.
 * Returns 0, or -1 if it cannot fit (the connection is then closed). */
int gk_conn_respond(struct gk_conn *c, int status, const char *content_type, const void *body,
                    size_t len, int keep_alive);
/* The same with a short text/plain body naming the status. */
void gk_conn_respond_status(struct gk_conn *c, int status, int keep_alive);
const char *gk_reason_phrase(int status);

/* ---- routes.c ---- */
/* Decide identity and route for one parsed request and answer it (or start the
 * helper for /run, which answers later). */
void gk_routes_handle(struct gk_conn *c, const struct gk_http_request *req, int64_t start_ns);

/* ---- files.c ---- */
/* Read files_root/rel into buf (cap GK_FILES_MAX_SIZE); returns the HTTP status
 * (200, 404, 413, 500) and *len on 200. rel need not be NUL-terminated. */
int gk_files_read(int root_fd, struct gk_span rel, uint8_t *buf, size_t cap, size_t *len);

/* ---- spawn.c ---- */
/* Start the helper for a /run request. Returns 0 when started (the response
 * comes later), or an HTTP status to answer now (500, 503). */
int gk_spawn_start(struct gk_conn *c, const char *arg);
/* The mechanism behind gk_spawn_start: spawn `path` with argv (no PATH search,
 * fixed environment, stdout a pipe in the worker's epoll). The planted /run
 * bugs call it with their own argv. Returns 0, or an HTTP status (500, 503). */
int gk_spawn_exec(struct gk_conn *c, const char *path, char *const argv[]);
void gk_spawn_on_readable(struct gk_conn *c);
/* Called each tick for helpers that closed stdout but have not been reaped. */
void gk_spawn_poll_exit(struct gk_conn *c);
/* Kill the helper (timeout or connection gone); the pid is reaped later. */
void gk_spawn_abort(struct gk_conn *c);

#endif
