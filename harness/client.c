/* harness/client.c: TLS client over non-blocking sockets (see client.h).
 * Responses are framed by llhttp (RFC 9112 §6: Content-Length, chunked, or
 * close-delimited); nothing here parses HTTP by hand. */
#include "client.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <llhttp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#define GC_CLIENT_READ_CHUNK 16384

struct gc_client {
    SSL_CTX *ctx;
    char server_name[256];
    int verify;
};

struct gc_conn {
    int fd;
    SSL *ssl;
    int timeout_ms;
    uint8_t *buf; /* received, not yet consumed bytes */
    size_t len;
    int eof;
    size_t responses; /* complete responses read so far */
};

const char *gc_conn_status_str(enum gc_conn_status st)
{
    switch (st) {
    case GC_CONN_OK:
        return "ok";
    case GC_CONN_CONNECT:
        return "connect failed";
    case GC_CONN_HANDSHAKE:
        return "TLS handshake failed";
    case GC_CONN_TIMEOUT:
        return "timeout";
    case GC_CONN_CLOSED:
        return "connection closed";
    case GC_CONN_PROTOCOL:
        return "invalid HTTP response";
    case GC_CONN_TOO_LARGE:
        return "response too large";
    case GC_CONN_IO:
        return "I/O error";
    case GC_CONN_USAGE:
        return "usage error";
    }
    return "?";
}

static void set_err(char *err, size_t cap, const char *what)
{
    if (err == NULL || cap == 0)
        return;
    unsigned long e = ERR_peek_last_error();
    char ssl[GC_CLIENT_ERR_MAX] = "";
    if (e != 0)
        ERR_error_string_n(e, ssl, sizeof(ssl));
    snprintf(err, cap, "%s%s%s", what, e ? ": " : "", ssl);
}

/* --- client context ------------------------------------------------------------- */

struct gc_client *gc_client_new(const struct gc_client_opts *o, char *err, size_t err_cap)
{
    struct gc_client *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        set_err(err, err_cap, "out of memory");
        return NULL;
    }
    const char *name = o->server_name ? o->server_name : "localhost";
    if (strlen(name) >= sizeof(c->server_name)) {
        set_err(err, err_cap, "server name too long");
        goto fail;
    }
    memcpy(c->server_name, name, strlen(name) + 1);
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->ctx == NULL) {
        set_err(err, err_cap, "SSL_CTX_new");
        goto fail;
    }
    if (o->weak_ok)
        SSL_CTX_set_security_level(c->ctx, 0);
    if (!SSL_CTX_set_min_proto_version(c->ctx, o->min_version ? o->min_version : TLS1_2_VERSION) ||
        !SSL_CTX_set_max_proto_version(c->ctx, o->max_version ? o->max_version : TLS1_3_VERSION)) {
        set_err(err, err_cap, "protocol version");
        goto fail;
    }
    /* A peer that closes without close_notify reads as plain EOF. */
    SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(c->ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (o->ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(c->ctx, o->ca_file, NULL) != 1) {
            set_err(err, err_cap, o->ca_file);
            goto fail;
        }
        SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
        c->verify = 1;
    }
    if (o->cert_file != NULL) {
        if (o->key_file == NULL) {
            set_err(err, err_cap, "cert_file without key_file");
            goto fail;
        }
        if (SSL_CTX_use_certificate_chain_file(c->ctx, o->cert_file) != 1) {
            set_err(err, err_cap, o->cert_file);
            goto fail;
        }
        if (SSL_CTX_use_PrivateKey_file(c->ctx, o->key_file, SSL_FILETYPE_PEM) != 1) {
            set_err(err, err_cap, o->key_file);
            goto fail;
        }
    } else if (o->cert != NULL) {
        if (o->key == NULL || SSL_CTX_use_certificate(c->ctx, o->cert) != 1) {
            set_err(err, err_cap, "client certificate");
            goto fail;
        }
        for (int i = 0; o->chain && i < sk_X509_num(o->chain); i++)
            if (SSL_CTX_add1_chain_cert(c->ctx, sk_X509_value(o->chain, i)) != 1) {
                set_err(err, err_cap, "client chain");
                goto fail;
            }
        if (SSL_CTX_use_PrivateKey(c->ctx, o->key) != 1) {
            set_err(err, err_cap, "client key");
            goto fail;
        }
    }
    ERR_clear_error();
    return c;
fail:
    ERR_clear_error();
    gc_client_free(c);
    return NULL;
}

void gc_client_free(struct gc_client *c)
{
    if (c == NULL)
        return;
    SSL_CTX_free(c->ctx);
    free(c);
}

/* --- waiting ---------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0 ready, 1 timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 1;
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, (int)left);
        if (r > 0)
            return 0;
        if (r == 0)
            return 1;
        if (errno != EINTR)
            return -1;
    }
}

/* After an SSL_* call returned r <= 0: wait as OpenSSL asks. 0 = retry,
 * otherwise a status. */
static enum gc_conn_status ssl_wait(struct gc_conn *conn, int r, int64_t deadline)
{
    int e = SSL_get_error(conn->ssl, r);
    short ev;
    if (e == SSL_ERROR_WANT_READ)
        ev = POLLIN;
    else if (e == SSL_ERROR_WANT_WRITE)
        ev = POLLOUT;
    else if (e == SSL_ERROR_ZERO_RETURN)
        return GC_CONN_CLOSED;
    else
        return GC_CONN_IO;
    int w = wait_fd(conn->fd, ev, deadline);
    return w == 0 ? GC_CONN_OK : w == 1 ? GC_CONN_TIMEOUT : GC_CONN_IO;
}

/* --- connections ------------------------------------------------------------------ */

static enum gc_conn_status tcp_connect(uint16_t port, int64_t deadline, int *out, char *err,
                                       size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, cap, "socket: %s", strerror(errno));
        return GC_CONN_IO;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        if (errno != EINPROGRESS) {
            snprintf(err, cap, "connect 127.0.0.1:%u: %s", port, strerror(errno));
            close(fd);
            return GC_CONN_CONNECT;
        }
        int w = wait_fd(fd, POLLOUT, deadline);
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (w != 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
            snprintf(err, cap, "connect 127.0.0.1:%u: %s", port,
                     w == 1 ? "timed out" : strerror(soerr ? soerr : errno));
            close(fd);
            return w == 1 ? GC_CONN_TIMEOUT : GC_CONN_CONNECT;
        }
    }
    *out = fd;
    return GC_CONN_OK;
}

static void handshake_err(struct gc_conn *conn, char *err, size_t cap)
{
    long vr = SSL_get_verify_result(conn->ssl);
    if (vr != X509_V_OK) {
        snprintf(err, cap, "TLS handshake: server certificate: %s",
                 X509_verify_cert_error_string(vr));
        return;
    }
    set_err(err, cap, "TLS handshake");
}

enum gc_conn_status gc_conn_open(struct gc_client *c, uint16_t port, int timeout_ms,
                                 struct gc_conn **out, char *err, size_t err_cap)
{
    char dummy[GC_CLIENT_ERR_MAX];
    if (err == NULL) {
        err = dummy;
        err_cap = sizeof(dummy);
    }
    err[0] = '\0';
    *out = NULL;
    if (c == NULL || port == 0) {
        snprintf(err, err_cap, "bad arguments");
        return GC_CONN_USAGE;
    }
    if (timeout_ms <= 0)
        timeout_ms = GC_CLIENT_DEFAULT_TIMEOUT_MS;
    int64_t deadline = now_ms() + timeout_ms;
    struct gc_conn *conn = calloc(1, sizeof(*conn));
    uint8_t *buf = malloc(GC_CLIENT_MAX_RESPONSE);
    if (conn == NULL || buf == NULL) {
        free(conn);
        free(buf);
        snprintf(err, err_cap, "out of memory");
        return GC_CONN_USAGE;
    }
    conn->buf = buf;
    conn->fd = -1;
    conn->timeout_ms = timeout_ms;
    enum gc_conn_status st = tcp_connect(port, deadline, &conn->fd, err, err_cap);
    if (st != GC_CONN_OK)
        goto fail;
    ERR_clear_error();
    conn->ssl = SSL_new(c->ctx);
    if (conn->ssl == NULL || SSL_set_fd(conn->ssl, conn->fd) != 1 ||
        SSL_set_tlsext_host_name(conn->ssl, c->server_name) != 1 ||
        (c->verify && SSL_set1_host(conn->ssl, c->server_name) != 1)) {
        set_err(err, err_cap, "SSL setup");
        st = GC_CONN_USAGE;
        goto fail;
    }
    SSL_set_connect_state(conn->ssl);
    for (;;) {
        int r = SSL_do_handshake(conn->ssl);
        if (r == 1)
            break;
        st = ssl_wait(conn, r, deadline);
        if (st == GC_CONN_TIMEOUT) {
            snprintf(err, err_cap, "TLS handshake: timed out");
            goto fail;
        }
        if (st != GC_CONN_OK) {
            handshake_err(conn, err, err_cap);
            st = GC_CONN_HANDSHAKE;
            goto fail;
        }
    }
    ERR_clear_error();
    *out = conn;
    return GC_CONN_OK;
fail:
    ERR_clear_error();
    gc_conn_close(conn);
    return st;
}

void gc_conn_close(struct gc_conn *conn)
{
    if (conn == NULL)
        return;
    if (conn->ssl != NULL) {
        (void)SSL_shutdown(conn->ssl); /* one non-blocking attempt at close_notify */
        SSL_free(conn->ssl);
    }
    if (conn->fd >= 0)
        close(conn->fd);
    ERR_clear_error();
    free(conn->buf);
    free(conn);
}

X509 *gc_conn_peer_cert(struct gc_conn *conn)
{
    return SSL_get0_peer_certificate(conn->ssl);
}

const SSL *gc_conn_ssl(const struct gc_conn *conn)
{
    return conn->ssl;
}

enum gc_conn_status gc_conn_send(struct gc_conn *conn, const void *buf, size_t len)
{
    if (conn == NULL || (buf == NULL && len > 0) || len > INT32_MAX)
        return GC_CONN_USAGE;
    int64_t deadline = now_ms() + conn->timeout_ms;
    const uint8_t *p = buf;
    while (len > 0) {
        ERR_clear_error();
        int r = SSL_write(conn->ssl, p, (int)len);
        if (r > 0) {
            p += r;
            len -= (size_t)r;
            continue;
        }
        enum gc_conn_status st = ssl_wait(conn, r, deadline);
        if (st != GC_CONN_OK)
            return st;
    }
    return GC_CONN_OK;
}

/* --- response framing (llhttp) ------------------------------------------------------ */

struct parse {
    const uint8_t *base;
    int head_request;
    int complete;
    int keep_alive;
    int status;
    struct {
        const char *name, *value;
        size_t name_len, value_len;
    } h[GC_CLIENT_MAX_HEADERS];
    size_t n;
    int too_many;
    uint8_t *body; /* capacity >= the whole input, so never overflows */
    size_t body_len;
};

static struct parse *P(llhttp_t *p)
{
    return p->data;
}

static int on_header_field(llhttp_t *p, const char *at, size_t len)
{
    struct parse *s = P(p);
    /* A field continues only when llhttp splits it; with one contiguous buffer
     * that means at == end of the previous piece. */
    if (s->n > 0 && s->h[s->n - 1].value == NULL &&
        s->h[s->n - 1].name + s->h[s->n - 1].name_len == at) {
        s->h[s->n - 1].name_len += len;
        return 0;
    }
    if (s->n == GC_CLIENT_MAX_HEADERS) {
        s->too_many = 1;
        return -1;
    }
    s->h[s->n].name = at;
    s->h[s->n].name_len = len;
    s->h[s->n].value = NULL;
    s->h[s->n].value_len = 0;
    s->n++;
    return 0;
}

static int on_header_value(llhttp_t *p, const char *at, size_t len)
{
    struct parse *s = P(p);
    if (s->n == 0)
        return -1;
    if (s->h[s->n - 1].value == NULL)
        s->h[s->n - 1].value = at;
    s->h[s->n - 1].value_len += len;
    return 0;
}

static int on_headers_complete(llhttp_t *p)
{
    struct parse *s = P(p);
    s->status = p->status_code;
    return s->head_request ? 1 : 0; /* 1: no body follows (RFC 9112 §6.3) */
}

static int on_body(llhttp_t *p, const char *at, size_t len)
{
    struct parse *s = P(p);
    memcpy(s->body + s->body_len, at, len);
    s->body_len += len;
    return 0;
}

static int on_message_complete(llhttp_t *p)
{
    struct parse *s = P(p);
    s->complete = 1;
    s->keep_alive = llhttp_should_keep_alive(p);
    return HPE_PAUSED; /* stop here: what follows is the next response */
}

/* Parse conn->buf from the start. Returns OK with *consumed set when a whole
 * response is there, TIMEOUT-free "need more" as GC_CONN_CLOSED when eof and
 * incomplete, and 1 (as int) for "need more". */
static int try_parse(struct gc_conn *conn, struct parse *s, size_t *consumed)
{
    llhttp_settings_t set;
    llhttp_settings_init(&set);
    set.on_header_field = on_header_field;
    set.on_header_value = on_header_value;
    set.on_headers_complete = on_headers_complete;
    set.on_body = on_body;
    set.on_message_complete = on_message_complete;
    llhttp_t parser;
    llhttp_init(&parser, HTTP_RESPONSE, &set);
    parser.data = s;
    llhttp_errno_t e = llhttp_execute(&parser, (const char *)conn->buf, conn->len);
    if (e == HPE_PAUSED && s->complete) {
        *consumed = (size_t)((const uint8_t *)llhttp_get_error_pos(&parser) - conn->buf);
        return 0;
    }
    if (e == HPE_OK && conn->eof) {
        e = llhttp_finish(&parser); /* close-delimited body (RFC 9112 §6.3 item 8) */
        if (e == HPE_PAUSED && s->complete) {
            *consumed = conn->len;
            return 0;
        }
        return conn->len == 0 ? GC_CONN_CLOSED : e == HPE_OK ? GC_CONN_CLOSED : GC_CONN_PROTOCOL;
    }
    if (e == HPE_OK)
        return 1;
    return GC_CONN_PROTOCOL;
}

static enum gc_conn_status fill_response(struct parse *s, struct gc_response *resp)
{
    size_t total = 0;
    for (size_t i = 0; i < s->n; i++)
        total += s->h[i].name_len + s->h[i].value_len + 2;
    resp->store = malloc(total + 1);
    if (resp->store == NULL)
        return GC_CONN_USAGE;
    char *w = resp->store;
    for (size_t i = 0; i < s->n; i++) {
        resp->headers[i].name = w;
        memcpy(w, s->h[i].name, s->h[i].name_len);
        w += s->h[i].name_len;
        *w++ = '\0';
        resp->headers[i].value = w;
        if (s->h[i].value_len)
            memcpy(w, s->h[i].value, s->h[i].value_len);
        w += s->h[i].value_len;
        *w++ = '\0';
    }
    resp->n_headers = s->n;
    resp->status = s->status;
    resp->keep_alive = s->keep_alive;
    resp->body = s->body;
    resp->body_len = s->body_len;
    resp->body[resp->body_len] = '\0';
    s->body = NULL;
    return GC_CONN_OK;
}

/* Read more bytes; GC_CONN_OK also when EOF was reached (conn->eof set). */
static enum gc_conn_status read_more(struct gc_conn *conn, int64_t deadline)
{
    if (conn->len == GC_CLIENT_MAX_RESPONSE)
        return GC_CONN_TOO_LARGE;
    for (;;) {
        size_t room = GC_CLIENT_MAX_RESPONSE - conn->len;
        if (room > GC_CLIENT_READ_CHUNK)
            room = GC_CLIENT_READ_CHUNK;
        ERR_clear_error();
        int r = SSL_read(conn->ssl, conn->buf + conn->len, (int)room);
        if (r > 0) {
            conn->len += (size_t)r;
            return GC_CONN_OK;
        }
        int e = SSL_get_error(conn->ssl, r);
        if (e == SSL_ERROR_ZERO_RETURN ||
            (e == SSL_ERROR_SYSCALL && (errno == 0 || errno == ECONNRESET || errno == EPIPE))) {
            conn->eof = 1;
            return GC_CONN_OK;
        }
        if (e == SSL_ERROR_SSL) {
            /* TLS 1.3: the server verifies our certificate after our Finished
             * and answers with an alert, which surfaces on the first read. */
            unsigned long err = ERR_peek_error();
            if (ERR_GET_LIB(err) == ERR_LIB_SSL && ERR_GET_REASON(err) >= SSL_AD_REASON_OFFSET &&
                conn->responses == 0 && conn->len == 0)
                return GC_CONN_HANDSHAKE;
            return GC_CONN_IO;
        }
        enum gc_conn_status st = ssl_wait(conn, r, deadline);
        if (st != GC_CONN_OK)
            return st;
    }
}

enum gc_conn_status gc_conn_read_response(struct gc_conn *conn, struct gc_response *resp,
                                          int head_request)
{
    memset(resp, 0, sizeof(*resp));
    if (conn == NULL)
        return GC_CONN_USAGE;
    int64_t deadline = now_ms() + conn->timeout_ms;
    struct parse *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return GC_CONN_USAGE;
    enum gc_conn_status st = GC_CONN_OK;
    for (;;) {
        if (conn->len > 0 || conn->eof) {
            memset(s, 0, sizeof(*s));
            s->head_request = head_request;
            s->body = malloc(conn->len + 1);
            if (s->body == NULL) {
                st = GC_CONN_USAGE;
                break;
            }
            size_t consumed = 0;
            int r = try_parse(conn, s, &consumed);
            if (r == 0) {
                st = fill_response(s, resp);
                memmove(conn->buf, conn->buf + consumed, conn->len - consumed);
                conn->len -= consumed;
                conn->responses++;
                break;
            }
            free(s->body);
            s->body = NULL;
            if (r != 1) {
                st = s->too_many ? GC_CONN_TOO_LARGE : (enum gc_conn_status)r;
                break;
            }
        }
        st = read_more(conn, deadline);
        if (st != GC_CONN_OK)
            break;
    }
    free(s->body);
    free(s);
    if (st != GC_CONN_OK)
        gc_response_free(resp);
    return st;
}

void gc_response_free(struct gc_response *resp)
{
    if (resp == NULL)
        return;
    free(resp->body);
    free(resp->store);
    memset(resp, 0, sizeof(*resp));
}

const char *gc_response_header(const struct gc_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->n_headers; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

enum gc_conn_status gc_client_request(struct gc_client *c, uint16_t port, int timeout_ms,
                                      const void *req, size_t req_len, struct gc_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    struct gc_conn *conn = NULL;
    enum gc_conn_status st = gc_conn_open(c, port, timeout_ms, &conn, NULL, 0);
    if (st != GC_CONN_OK)
        return st;
    st = gc_conn_send(conn, req, req_len);
    if (st == GC_CONN_OK)
        st = gc_conn_read_response(conn, resp, 0);
    gc_conn_close(conn);
    return st;
}
