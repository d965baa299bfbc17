/* conn.c: one TLS connection: non-blocking handshake, the certificate verdict
 * (once per connection), reading into a bounded buffer, request assembly via
 * gk_http_parse_request, pipelining in order, whole-response writes, and the
 * closing dance (close_notify, then read-and-discard so the peer is not reset
 * before it has read our last answer).
 *
 * The drive function is a loop that only returns when the connection waits on
 * the network (WANT_READ / WANT_WRITE), on a helper process, or is closed; with
 * edge-triggered epoll that is the invariant that keeps events from being lost. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include "conn.h"
#include "plant.h"

/* ---------------------------------------------------------------- TLS context */

/* The handshake asks for a client certificate but accepts whatever arrives
 * (or nothing): per-route rules decide, and chain validation is done once per
 * connection by gk_x509id_verify after the handshake. Possession of the key is
 * still proven by libssl's CertificateVerify check, which this does not skip. */
static int accept_any_cert(X509_STORE_CTX *store_ctx, void *arg)
{
    (void)store_ctx;
    (void)arg;
    return 1;
}

static int verify_cb_accept(int preverify_ok, X509_STORE_CTX *store_ctx)
{
    (void)preverify_ok;
    (void)store_ctx;
    return 1;
}

/* Advertise the client CA names (RFC 8446 §4.2.4 certificate_authorities /
 * RFC 5246 §7.4.4) from the subjects in the client trust store. */
static int set_client_ca_names(SSL_CTX *sctx, X509_STORE *store)
{
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    if (!names)
        return -1;
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
        X509 *ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
        if (!ca)
            continue;
        X509_NAME *dup = X509_NAME_dup(X509_get_subject_name(ca));
        if (!dup || !sk_X509_NAME_push(names, dup)) {
            X509_NAME_free(dup);
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            return -1;
        }
    }
    SSL_CTX_set_client_CA_list(sctx, names);
    return 0;
}

SSL_CTX *gk_tls_ctx_new(const struct gk_server_ctx *ctx, char *err, size_t err_cap)
{
    SSL_CTX *s = SSL_CTX_new(TLS_server_method());
    if (!s) {
        snprintf(err, err_cap, "tls: SSL_CTX_new failed");
        return NULL;
    }
    const char *what = NULL;
    if (!SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION) ||
        !SSL_CTX_set_max_proto_version(s, TLS1_3_VERSION))
        what = "protocol versions";
    else if (SSL_CTX_use_certificate(s, ctx->server_cert) != 1)
        what = "tls/server.pem";
    else if (SSL_CTX_use_PrivateKey(s, ctx->server_key) != 1 || SSL_CTX_check_private_key(s) != 1)
        what = "tls/server.key does not match tls/server.pem";
    else if (ctx->server_chain && SSL_CTX_set1_chain(s, ctx->server_chain) != 1)
        what = "server chain";
    else if (set_client_ca_names(s, ctx->client_trust) != 0)
        what = "client CA names";
    if (what) {
        snprintf(err, err_cap, "tls: %s: %s", what, ERR_reason_error_string(ERR_peek_last_error()));
        SSL_CTX_free(s);
        return NULL;
    }
    /* No renegotiation (identity must not change mid-connection), no session
     * resumption of any kind: identity is decided per connection from a fresh
     * handshake. */
    SSL_CTX_set_options(s, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(s, 0);
    SSL_CTX_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(s, SSL_VERIFY_PEER, verify_cb_accept);
    SSL_CTX_set_cert_verify_callback(s, accept_any_cert, NULL);
    return s;
}

/* ---------------------------------------------------------------- responses */

const char *gk_reason_phrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

static int out_reserve(struct gk_conn *c, size_t need)
{
    if (c->out_len + need <= c->out_cap)
        return 0;
    if (c->out_len + need > GK_OUT_CAP)
        return -1;
    size_t cap = c->out_cap ? c->out_cap : GK_OUT_INITIAL;
    while (cap < c->out_len + need)
        cap *= 2;
    if (cap > GK_OUT_CAP)
        cap = GK_OUT_CAP;
    uint8_t *p = realloc(c->out, cap);
    if (!p)
        return -1;
    c->out = p;
    c->out_cap = cap;
    return 0;
}

int gk_conn_respond(struct gk_conn *c, int status, const char *content_type, const void *body,
                    size_t len, int keep_alive)
{
    if (c->w->draining || c->close_after)
        keep_alive = 0;
    const char *extra = "";
    if (status == 401)
        extra = "WWW-Authenticate: Bearer\r\n"; /* RFC 6750 §3 */
    else if (status == 405)
        extra = "Allow: GET\r\n"; /* RFC 9110 §15.5.6 */
    if (out_reserve(c, GK_RESP_HEAD_MAX + len) != 0) {
        gk_log("error", "peer=%s response of %zu bytes does not fit", c->peer_str, len);
        c->close_after = 1;
        return -1;
    }
    int n = snprintf((char *)c->out + c->out_len, GK_RESP_HEAD_MAX,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "%sConnection: %s\r\n\r\n",
                     status, gk_reason_phrase(status), content_type, len, extra,
                     keep_alive ? "keep-alive" : "close");
    if (n < 0 || n >= GK_RESP_HEAD_MAX) {
        c->close_after = 1;
        return -1;
    }
    c->out_len += (size_t)n;
    /* A response to HEAD carries the header fields (Content-Length included)
     * but never the content, or the next response would be misread. */
    if (len && !c->head_request) {
        memcpy(c->out + c->out_len, body, len);
        c->out_len += len;
    }
    if (!keep_alive)
        c->close_after = 1;
    return 0;
}

void gk_conn_respond_status(struct gk_conn *c, int status, int keep_alive)
{
    char body[64];
    int n = snprintf(body, sizeof body, "%s\n", gk_reason_phrase(status));
    (void)gk_conn_respond(c, status, "text/plain; charset=utf-8", body, n > 0 ? (size_t)n : 0,
                          keep_alive);
}

/* ---------------------------------------------------------------- lifecycle */

struct gk_conn *gk_conn_new(struct gk_worker *w, int fd, const struct gk_addr *peer,
                            unsigned peer_port)
{
    struct gk_conn *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    /* Only the header part is cleared: the 80 KiB input buffer needs no zeroing. */
    memset(c, 0, offsetof(struct gk_conn, in));
    c->ssl = SSL_new(w->ssl_ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
        SSL_free(c->ssl);
        free(c);
        return NULL;
    }
    SSL_set_accept_state(c->ssl);
    c->ev.kind = GK_EV_CONN;
    c->ev.conn = c;
    c->w = w;
    c->fd = fd;
    c->state = GK_CONN_HANDSHAKE;
    c->peer = *peer;
    c->cert_status = GK_E_X509_NO_CERT;
    c->timer = GK_TIMER_NONE;
    c->spawn.fd = -1;
    c->spawn.ev.kind = GK_EV_PIPE;
    c->spawn.ev.conn = c;
    char ip[GK_ADDR_STR_MAX];
    gk_addr_format(peer, ip);
    snprintf(c->peer_str, sizeof c->peer_str, "%s:%u", ip, peer_port);

    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                             .data.ptr = &c->ev};
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        SSL_free(c->ssl);
        free(c);
        return NULL;
    }
    c->anext = w->all;
    if (w->all)
        w->all->aprev = c;
    w->all = c;
    w->n_conns++;
    gk_timer_set(c, GK_TIMER_HANDSHAKE);
    return c;
}

/* Unhook from epoll, timers and the live list, close the socket; the memory is
 * freed by the loop after the current event batch (another event in the same
 * batch may still point at it). */
void gk_conn_close(struct gk_conn *c)
{
    struct gk_worker *w = c->w;
    if (c->closed)
        return;
    c->closed = 1;
    if (c->spawn.active)
        gk_spawn_abort(c);
    gk_timer_clear(c);
    if (c->aprev)
        c->aprev->anext = c->anext;
    else
        w->all = c->anext;
    if (c->anext)
        c->anext->aprev = c->aprev;
    (void)epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    w->n_conns--;
    c->cnext = w->closed;
    w->closed = c;
}

/* ---------------------------------------------------------------- handshake */

static void on_handshake_done(struct gk_conn *c)
{
    c->state = GK_CONN_OPEN;
    X509 *leaf = SSL_get1_peer_certificate(c->ssl);
    /* Server side: the peer's chain without its leaf (SSL_get_peer_cert_chain(3)). */
    STACK_OF(X509) *untrusted = SSL_get_peer_cert_chain(c->ssl);
    c->cert_status =
        gk_x509id_verify(leaf, untrusted, &c->w->x509_pol, (int64_t)time(NULL), &c->cert);
#ifdef GK_PLANTED_BUGS
    if (gk_plant_cert_any())
        c->cert_status = gk_plant_x509id_verify(c->cert_status, leaf, untrusted, &c->w->x509_pol,
                                                (int64_t)time(NULL), &c->cert);
#endif
    X509_free(leaf);
    if (c->cert_status != GK_OK)
        c->cert.identity[0] = '\0';
    gk_timer_clear(c);
}

/* ---------------------------------------------------------------- I/O */

/* 1: progress, 0: would block, -1: connection is done. */
static int ssl_io_result(struct gk_conn *c, int r)
{
    int e = SSL_get_error(c->ssl, r);
    switch (e) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return 0;
    case SSL_ERROR_ZERO_RETURN: /* close_notify received */
        return -1;
    default:
        c->ssl_fatal = 1;
        c->ssl_err = ERR_peek_error();
        ERR_clear_error();
        return -1;
    }
}

static int flush_out(struct gk_conn *c)
{
    while (c->out_off < c->out_len) {
        size_t n = c->out_len - c->out_off;
        int r = SSL_write(c->ssl, c->out + c->out_off, n > INT_MAX ? INT_MAX : (int)n);
        if (r > 0) {
            c->out_off += (size_t)r;
            continue;
        }
        return ssl_io_result(c, r);
    }
    c->out_len = c->out_off = 0;
    if (c->out_cap > GK_OUT_KEEP_MAX) {
        free(c->out);
        c->out = NULL;
        c->out_cap = 0;
    }
    return 1;
}

static int read_in(struct gk_conn *c)
{
    size_t room = GK_CONN_IN_CAP - c->in_len;
    if (room == 0)
        return 0; /* process_requests answers a full buffer; never reached */
    int r = SSL_read(c->ssl, c->in + c->in_len, (int)room);
    if (r > 0) {
        c->in_len += (size_t)r;
        c->parse_pending = 1;
        return 1;
    }
    return ssl_io_result(c, r);
}

/* Parse and answer every complete request already buffered, in order, until
 * the output batch is large, a helper runs, or the connection must close. */
static void process_requests(struct gk_conn *c)
{
    while (c->in_off < c->in_len && !c->close_after && !c->spawn.active &&
           c->out_len < GK_OUT_FLUSH_AT) {
        struct gk_http_request req;
        int http_status = 400;
        const uint8_t *p = c->in + c->in_off;
        size_t avail = c->in_len - c->in_off;
        enum gk_status st = gk_http_parse_request(p, avail, &req, &http_status);
        if (st == GK_E_HTTP_INCOMPLETE) {
            if (c->in_off == 0 && c->in_len == GK_CONN_IN_CAP) {
                /* The parser's own limits fit in the buffer, so this means a
                 * limit it did not see; answer rather than wait forever. */
                gk_conn_respond_status(c, 431, 0);
                break;
            }
            c->parse_pending = 0;
            break;
        }
        int64_t start_ns = gk_now_ns();
        if (st != GK_OK) {
            if (http_status < 400 || http_status > 599)
                http_status = 400;
            gk_conn_respond_status(c, http_status, 0);
            gk_log_request(&(struct gk_req_log){
                .c = c, .status = http_status, .note = gk_status_name(st), .start_ns = start_ns});
            break;
        }
        if (req.consumed == 0 || req.consumed > avail) {
            gk_conn_respond_status(c, 500, 0);
            break;
        }
        gk_timer_clear(c); /* the next request's header timer starts afresh */
        c->head_request = req.method == GK_HTTP_HEAD;
        gk_routes_handle(c, &req, start_ns);
        c->head_request = 0;
        c->in_off += req.consumed;
    }
    if (c->in_off == c->in_len) {
        c->in_off = c->in_len = 0;
        c->parse_pending = 0;
    } else if (c->in_off > 0) {
        memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
        c->in_len -= c->in_off;
        c->in_off = 0;
    }
}

/* After the last response: send close_notify, stop writing, and discard what
 * the peer still sends for a moment, so the kernel does not answer unread data
 * with a reset that would destroy our response in flight (RFC 9112 §9.6). */
static void start_linger(struct gk_conn *c)
{
    if (!c->ssl_fatal)
        (void)SSL_shutdown(c->ssl);
    ERR_clear_error();
    (void)shutdown(c->fd, SHUT_WR);
    c->state = GK_CONN_LINGER;
    gk_timer_clear(c);
    gk_timer_set(c, GK_TIMER_LINGER);
}

static void drive_linger(struct gk_conn *c)
{
    uint8_t sink[4096];
    for (;;) {
        ssize_t r = recv(c->fd, sink, sizeof sink, MSG_DONTWAIT);
        if (r > 0)
            continue;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        gk_conn_close(c);
        return;
    }
}

void gk_conn_drive(struct gk_conn *c)
{
    while (!c->closed) {
        if (c->state == GK_CONN_LINGER) {
            drive_linger(c);
            return;
        }
        if (c->state == GK_CONN_HANDSHAKE) {
            int r = SSL_accept(c->ssl);
            if (r == 1) {
                on_handshake_done(c);
                continue;
            }
            if (ssl_io_result(c, r) < 0) {
                if (c->w->opts->quiet == 0)
                    gk_log("tls", "peer=%s handshake failed: %s", c->peer_str,
                           c->ssl_err ? ERR_reason_error_string(c->ssl_err) : "connection closed");
                gk_conn_close(c);
            }
            return;
        }
        if (c->out_off < c->out_len) {
            int r = flush_out(c);
            if (r < 0) {
                gk_conn_close(c);
                return;
            }
            if (r == 0) {
                /* A stalled reader is idle, unless a helper runs: its own
                 * deadline applies until it has answered. */
                gk_timer_set(c, c->spawn.active ? GK_TIMER_SPAWN : GK_TIMER_IDLE);
                return;
            }
        }
        if (c->close_after) {
            start_linger(c);
            continue;
        }
        if (c->spawn.active) {
            gk_timer_set(c, GK_TIMER_SPAWN);
            return;
        }
        if (c->parse_pending) {
            process_requests(c);
            if (c->out_len > 0 || c->close_after || c->spawn.active)
                continue;
        }
        if (c->w->draining && c->in_len == 0) {
            /* Nothing in flight: a draining worker closes idle connections. */
            start_linger(c);
            continue;
        }
        int r = read_in(c);
        if (r < 0) {
            gk_conn_close(c);
            return;
        }
        if (r == 0) {
            gk_timer_set(c, c->in_len > 0 ? GK_TIMER_HEADER : GK_TIMER_IDLE);
            return;
        }
    }
}

void gk_conn_on_timeout(struct gk_conn *c, enum gk_timer_kind kind)
{
    switch (kind) {
    case GK_TIMER_HEADER:
        /* An incomplete request after a completed handshake gets a 408. */
        if (c->state == GK_CONN_OPEN && c->in_len > 0 && !c->close_after &&
            c->out_off == c->out_len) {
            c->in_len = c->in_off = 0;
            c->parse_pending = 0;
            gk_conn_respond_status(c, 408, 0);
            gk_log_request(&(struct gk_req_log){
                .c = c, .status = 408, .note = "header-timeout", .start_ns = gk_now_ns()});
            gk_conn_drive(c);
            return;
        }
        gk_conn_close(c);
        return;
    case GK_TIMER_SPAWN:
        if (c->spawn.active) {
            gk_spawn_abort(c);
            gk_conn_respond_status(c, 504, c->run.keep_alive);
            gk_log_request(
                &(struct gk_req_log){.c = c,
                                     .method = GK_SPAN_LIT("GET"),
                                     .path = (const uint8_t *)"/run",
                                     .path_len = 4,
                                     .status = 504,
                                     .src = c->run.src,
                                     .identity = c->run.identity[0] ? c->run.identity : NULL,
                                     .note = "helper-timeout",
                                     .start_ns = c->run.start_ns});
            gk_conn_drive(c);
            return;
        }
        gk_conn_close(c);
        return;
    case GK_TIMER_HANDSHAKE:
    case GK_TIMER_IDLE:
    case GK_TIMER_LINGER:
    default:
        gk_conn_close(c);
        return;
    }
}
