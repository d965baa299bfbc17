/* harness/runner_net.c: the runner's wire actions (runner_internal.h).
 *
 * Every connection goes to 127.0.0.1 only, every wait is bounded by the
 * case timeout, and every connection opened here is closed before returning
 * (a flood is capped at GC__FLOOD_MAX_CONNS). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <openssl/rand.h>

#include "client.h"
#include "runner_internal.h"

#define NET_PUBLIC_REQ "GET /public HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
#define NET_HEADER_LINE_EXTRA 4 /* ": " and CRLF */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void seterr(struct gc__net_result *out, const char *what, enum gc_conn_status st,
                   const char *detail)
{
    if (out->error[0] != '\0')
        return; /* keep the first error: it is the cause */
    snprintf(out->error, sizeof(out->error), "%s: %s%s%s", what, gc_conn_status_str(st),
             detail != NULL && detail[0] != '\0' ? ": " : "", detail != NULL ? detail : "");
}

/* client.h's parsed headers back into a raw block the oracles can search. */
static int take_response(struct gc_response *resp, struct gc__rx *rx)
{
    size_t total = 1;
    for (size_t i = 0; i < resp->n_headers; i++)
        total +=
            strlen(resp->headers[i].name) + strlen(resp->headers[i].value) + NET_HEADER_LINE_EXTRA;
    char *h = malloc(total);
    if (h == NULL)
        return -1;
    size_t w = 0;
    for (size_t i = 0; i < resp->n_headers; i++) {
        int n =
            snprintf(h + w, total - w, "%s: %s\r\n", resp->headers[i].name, resp->headers[i].value);
        if (n < 0 || (size_t)n >= total - w)
            break;
        w += (size_t)n;
    }
    h[w] = '\0';
    rx->status = resp->status;
    rx->headers = h;
    rx->headers_len = w;
    rx->body = resp->body; /* client.c keeps it NUL-terminated */
    rx->body_len = resp->body_len;
    resp->body = NULL;
    gc_response_free(resp);
    return 0;
}

static void note_status(struct gc__net_result *out, enum gc_conn_status st)
{
    if (st == GC_CONN_TIMEOUT)
        out->timed_out = 1;
    if (st == GC_CONN_HANDSHAKE)
        out->handshake_ok = 0;
}

/* The calling thread's connection pool (gc__net_pool_bind). */
static _Thread_local struct gc__conn_pool *t_pool;
static _Thread_local int t_reuse;

/* Open a connection: fills connect_ok / handshake_ok. */
static struct gc_conn *open_conn(struct gc_client *cl, uint16_t port, int timeout_ms,
                                 struct gc__net_result *out, const char *what)
{
    struct gc_conn *conn = NULL;
    char err[GC_CLIENT_ERR_MAX] = "";
    enum gc_conn_status st = gc_conn_open(cl, port, timeout_ms, &conn, err, sizeof(err));
    if (t_pool != NULL)
        t_pool->opened++;
    if (st == GC_CONN_OK) {
        out->connect_ok = 1;
        out->handshake_ok = 1;
        return conn;
    }
    out->connect_ok = st != GC_CONN_CONNECT;
    out->handshake_ok = 0;
    if (st == GC_CONN_TIMEOUT)
        out->timed_out = 1;
    seterr(out, what, st, err);
    return NULL;
}

/* The connection may carry another request after resp: the target said
 * keep-alive (llhttp's verdict, RFC 9112 §9.3), did not say
 * `Connection: close`, and answered 2xx or 4xx (a 5xx or 3xx may come from a
 * state we do not want to inherit). */
static int reusable(const struct gc_response *resp)
{
    if (!resp->keep_alive)
        return 0;
    if (!((resp->status >= 200 && resp->status < 300) ||
          (resp->status >= 400 && resp->status < 500)))
        return 0;
    for (size_t i = 0; i < resp->n_headers; i++)
        if (strcasecmp(resp->headers[i].name, "Connection") == 0 &&
            strcasestr(resp->headers[i].value, "close") != NULL)
            return 0;
    return 1;
}

/* Send n requests on conn (one write when pipelined), read n answers into
 * out. *keep: the last answer leaves conn fit for another request. */
static enum gc_conn_status talk(struct gc_conn *conn, const struct gc__net_req *r, size_t n,
                                struct gc__net_result *out, const char *what, int *keep)
{
    *keep = 0;
    enum gc_conn_status st;
    if (t_pool != NULL)
        t_pool->requests += n;
    if (n == 1) {
        st = gc_conn_send(conn, r->req[0], r->req_len[0]);
    } else {
        /* Both requests in one write: RFC 9112 §9.3.2 pipelining. */
        size_t total = r->req_len[0] + r->req_len[1];
        uint8_t *both = malloc(total > 0 ? total : 1);
        if (both == NULL) {
            seterr(out, what, GC_CONN_USAGE, "out of memory");
            return GC_CONN_USAGE;
        }
        memcpy(both, r->req[0], r->req_len[0]);
        memcpy(both + r->req_len[0], r->req[1], r->req_len[1]);
        st = gc_conn_send(conn, both, total);
        free(both);
    }
    if (st != GC_CONN_OK) {
        note_status(out, st);
        seterr(out, what, st, "send");
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        struct gc_response resp;
        st = gc_conn_read_response(conn, &resp, r->head[i]);
        if (st != GC_CONN_OK) {
            note_status(out, st);
            seterr(out, what, st, i == 0 ? "first response" : "second response");
            return st;
        }
        int ok = reusable(&resp);
        if (take_response(&resp, &out->rx[out->n_rx]) != 0) {
            gc_response_free(&resp);
            seterr(out, what, GC_CONN_USAGE, "out of memory");
            return GC_CONN_USAGE;
        }
        out->n_rx++;
        *keep = ok;
    }
    return GC_CONN_OK;
}

/* Send n requests on one connection (one write when pipelined), read n answers. */
static void exchange(struct gc_client *cl, uint16_t port, int timeout_ms,
                     const struct gc__net_req *r, size_t n, struct gc__net_result *out,
                     const char *what)
{
    struct gc_conn *conn = open_conn(cl, port, timeout_ms, out, what);
    if (conn == NULL)
        return;
    int keep;
    (void)talk(conn, r, n, out, what, &keep);
    gc_conn_close(conn);
}

/* The pool's place for (cl, port): its kept connection, or a free place.
 * NULL when the pool is full. A connection kept for another port (the
 * target was restarted elsewhere) is closed. */
static struct gc__pool_conn *pool_place(struct gc__conn_pool *p, struct gc_client *cl,
                                        uint16_t port)
{
    struct gc__pool_conn *free_place = NULL;
    for (size_t i = 0; i < GC__POOL_MAX; i++) {
        struct gc__pool_conn *k = &p->kept[i];
        if (k->cl == cl) {
            if (k->port != port && k->conn != NULL) {
                gc_conn_close(k->conn);
                k->conn = NULL;
            }
            k->port = port;
            return k;
        }
        if (k->cl == NULL && free_place == NULL)
            free_place = k;
    }
    if (free_place != NULL) {
        free_place->cl = cl;
        free_place->port = port;
        free_place->conn = NULL;
    }
    return free_place;
}

/* One plain request on the kept connection when there is one. Any failure
 * there (the target closed an idle connection, restarted, or the stream went
 * bad) is not the case's: close it and run the request once more on a fresh
 * connection, whose result is the observation. */
static void exchange_pooled(struct gc_client *cl, uint16_t port, int timeout_ms,
                            const struct gc__net_req *r, struct gc__net_result *out)
{
    struct gc__pool_conn *k = pool_place(t_pool, cl, port);
    if (k == NULL) {
        exchange(cl, port, timeout_ms, r, 1, out, "request");
        return;
    }
    struct gc_conn *conn = k->conn;
    k->conn = NULL;
    int keep = 0;
    if (conn != NULL) {
        t_pool->reused++;
        out->connect_ok = 1;
        out->handshake_ok = 1;
        if (talk(conn, r, 1, out, "request", &keep) == GC_CONN_OK) {
            if (keep)
                k->conn = conn;
            else
                gc_conn_close(conn);
            return;
        }
        gc_conn_close(conn);
        gc__net_result_free(out);
        memset(out, 0, sizeof(*out));
        t_pool->retried++;
    }
    conn = open_conn(cl, port, timeout_ms, out, "request");
    if (conn == NULL)
        return;
    if (talk(conn, r, 1, out, "request", &keep) == GC_CONN_OK && keep)
        k->conn = conn;
    else
        gc_conn_close(conn);
}

void gc__net_pool_bind(struct gc__conn_pool *p, int reuse)
{
    t_pool = p;
    t_reuse = p != NULL && reuse;
}

void gc__net_pool_close(struct gc__conn_pool *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < GC__POOL_MAX; i++) {
        if (p->kept[i].conn != NULL)
            gc_conn_close(p->kept[i].conn);
        p->kept[i] = (struct gc__pool_conn){0};
    }
}

/* A plain TCP socket connected to 127.0.0.1:port, or -1. */
static int tcp_connect(uint16_t port, int timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
        soerr != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int gc__net_port_open(uint16_t port, int timeout_ms)
{
    int fd = tcp_connect(port, timeout_ms);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

int gc__net_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    int port = -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

/* Write all of buf to a non-blocking socket within timeout_ms: 0 or -1. */
static int raw_send(int fd, const uint8_t *buf, size_t len, int timeout_ms)
{
    int64_t deadline = mono_ms() + timeout_ms;
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
        int left = (int)(deadline - mono_ms());
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (left <= 0 || poll(&p, 1, left) != 1)
            return -1;
    }
    return 0;
}

/* The peer closed (or reset) fd: read and discard what is there, 1 on EOF. */
static int peer_closed(int fd)
{
    uint8_t scratch[512];
    for (;;) {
        ssize_t n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT);
        if (n == 0)
            return 1;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
    }
}

/* GET /public on a fresh connection while (or after) the case's own
 * connection misbehaves: the target must keep serving others. */
static void probe_public(struct gc_client *cl, uint16_t port, int timeout_ms,
                         struct gc__net_result *out)
{
    if (!gc__net_public_ok(cl, port, timeout_ms))
        out->probe_failed = 1;
}

/* Robustness (slowloris, CVE-2007-6750): dribble the header section one byte
 * per GC__SLOW_BYTE_MS, never its last byte, until the target closes the
 * connection or timeout_ms passes; meanwhile another client asks for /public.
 * The observation is the slow connection's: any answer must not be a 2xx
 * (the request never completed). */
static void slow_headers(struct gc_client *cl, uint16_t port, int timeout_ms,
                         const struct gc__net_req *r, const volatile int *stop,
                         struct gc__net_result *out)
{
    struct gc_conn *conn = open_conn(cl, port, GC__SLOW_READ_MS, out, "slow connection");
    if (conn == NULL)
        return;
    int64_t start = mono_ms();
    int probed = 0;
    size_t sent = 0;
    while (mono_ms() - start < timeout_ms && (stop == NULL || !*stop)) {
        if (!probed && mono_ms() - start >= GC__SLOW_PROBE_AFTER_MS) {
            probe_public(cl, port, timeout_ms, out);
            probed = 1;
        }
        if (sent + 1 >= r->req_len[0])
            break;
        if (gc_conn_send(conn, r->req[0] + sent, 1) != GC_CONN_OK) {
            out->slow_closed_by_peer = 1;
            break;
        }
        sent++;
        sleep_ms(GC__SLOW_BYTE_MS);
    }
    /* Whatever the target said before or when it gave up (e.g. 408). */
    struct gc_response resp;
    enum gc_conn_status st = gc_conn_read_response(conn, &resp, r->head[0]);
    if (st == GC_CONN_OK) {
        if (take_response(&resp, &out->rx[0]) == 0)
            out->n_rx = 1;
        else
            gc_response_free(&resp);
    } else if (st == GC_CONN_TIMEOUT) {
        out->timed_out = 1; /* still open: hang judges the probe, not this */
    } else if (st != GC_CONN_CLOSED) {
        seterr(out, "slow connection", st, "read");
    }
    gc_conn_close(conn);
    if (!probed)
        probe_public(cl, port, timeout_ms, out);
}

/* Half a request, then close: no answer expected; the target must live on. */
static void partial_close(struct gc_client *cl, uint16_t port, int timeout_ms,
                          const struct gc__net_req *r, struct gc__net_result *out)
{
    struct gc_conn *conn = open_conn(cl, port, timeout_ms, out, "partial request");
    if (conn != NULL) {
        (void)gc_conn_send(conn, r->req[0], r->req_len[0] / 2);
        gc_conn_close(conn);
    }
    probe_public(cl, port, timeout_ms, out);
}

static void conn_flood(struct gc_client *cl, uint16_t port, int timeout_ms,
                       const struct gc__net_req *r, const volatile int *stop,
                       struct gc__net_result *out)
{
    struct gc_conn *idle[GC__FLOOD_MAX_CONNS] = {0};
    size_t n = 0;
    int64_t deadline = mono_ms() + timeout_ms;
    while (n < GC__FLOOD_CONNS && n < GC__FLOOD_MAX_CONNS && mono_ms() < deadline &&
           (stop == NULL || !*stop)) {
        int left = (int)(deadline - mono_ms());
        if (gc_conn_open(cl, port, left > 0 ? left : 1, &idle[n], NULL, 0) != GC_CONN_OK)
            break; /* the target may cap connections: that is allowed */
        n++;
    }
    out->flood_opened = (unsigned)n;
    exchange(cl, port, timeout_ms, r, 1, out, "request during a connection flood");
    for (size_t i = 0; i < n; i++)
        gc_conn_close(idle[i]);
}

static void bad_tls(struct gc_client *cl, uint16_t port, int timeout_ms,
                    const struct gc__net_req *r, struct gc__net_result *out)
{
    uint8_t junk[GC__BAD_TLS_BYTES];
    /* A record header that claims a huge handshake record, then noise. */
    junk[0] = 0x16;
    junk[1] = 0x03;
    junk[2] = 0x01;
    junk[3] = 0xff;
    junk[4] = 0xff;
    if (RAND_bytes(junk + 5, (int)sizeof(junk) - 5) != 1)
        memset(junk + 5, 0xa5, sizeof(junk) - 5);
    int fd = tcp_connect(port, timeout_ms);
    if (fd >= 0) {
        (void)raw_send(fd, junk, sizeof(junk), timeout_ms);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms / 4) == 1)
            (void)peer_closed(fd);
        close(fd);
    }
    exchange(cl, port, timeout_ms, r, 1, out, "request after malformed TLS");
}

void gc__net_run(struct gc_client *cl, uint16_t port, int timeout_ms, enum gc__net_action a,
                 const struct gc__net_req *r, const volatile int *stop, struct gc__net_result *out)
{
    memset(out, 0, sizeof(*out));
    if (cl == NULL || r == NULL || r->n_req == 0) {
        snprintf(out->error, sizeof(out->error), "no client or no request to send");
        return;
    }
    switch (a) {
    case GC__NET_REQUEST:
        if (t_pool != NULL && t_reuse)
            exchange_pooled(cl, port, timeout_ms, r, out);
        else
            exchange(cl, port, timeout_ms, r, 1, out, "request");
        break;
    case GC__NET_PIPELINE:
        exchange(cl, port, timeout_ms, r, r->n_req >= 2 ? 2 : 1, out, "pipelined requests");
        break;
    case GC__NET_SLOW:
        slow_headers(cl, port, timeout_ms, r, stop, out);
        break;
    case GC__NET_PARTIAL:
        partial_close(cl, port, timeout_ms, r, out);
        break;
    case GC__NET_FLOOD:
        conn_flood(cl, port, timeout_ms, r, stop, out);
        break;
    case GC__NET_BAD_TLS:
        bad_tls(cl, port, timeout_ms, r, out);
        break;
    }
}

void gc__net_result_free(struct gc__net_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < GC__NET_MAX_REQ; i++) {
        free(r->rx[i].headers);
        free(r->rx[i].body);
        r->rx[i] = (struct gc__rx){0};
    }
    r->n_rx = 0;
}

int gc__net_public_ok(struct gc_client *cl, uint16_t port, int timeout_ms)
{
    struct gc_response resp;
    enum gc_conn_status st =
        gc_client_request(cl, port, timeout_ms, NET_PUBLIC_REQ, strlen(NET_PUBLIC_REQ), &resp);
    int ok = st == GC_CONN_OK && resp.status == 200;
    gc_response_free(&resp);
    return ok;
}
