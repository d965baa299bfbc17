/* harness/client.c: TLS client over non-blocking sockets (see client.h).
 * Responses are framed by llhttp (RFC 9112 §6: Content-Length, chunked, or
 * close-delimited); nothing here parses HTTP by hand. */
#include "client.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
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
#define GC_CLIENT_BODY_INITIAL 4096

struct gc_client {
    SSL_CTX *ctx;
    char server_name[256];
    int verify;
};

/* Receive buffer: buf[off, len) holds received bytes not yet consumed.
 * It grows on demand up to GC_CLIENT_MAX_RESPONSE (most connections never need
 * more than one read chunk, and a full-handshake loop opens thousands a second:
 * a 1 MiB buffer per connection cost an mmap, page faults and an munmap each).
 * Consumed bytes are dropped lazily, before the next read, so a view returned
 * by gc_conn_read_view() stays valid until then. */
struct gc_conn {
    int fd;
    SSL *ssl;
    int timeout_ms;
    uint8_t *buf;
    size_t cap;
    size_t off;
    size_t len;
    uint8_t *body; /* gc_conn_read_view: the last body, NUL-terminated */
    size_t body_cap;
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
    if (conn == NULL) {
        snprintf(err, err_cap, "out of memory");
        return GC_CONN_USAGE;
    }
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
    free(conn->body);
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

/* The callbacks never change: built once (llhttp only reads them). */
static llhttp_settings_t g_settings;
static pthread_once_t g_settings_once = PTHREAD_ONCE_INIT;

static void settings_init(void)
{
    llhttp_settings_init(&g_settings);
    g_settings.on_header_field = on_header_field;
    g_settings.on_header_value = on_header_value;
    g_settings.on_headers_complete = on_headers_complete;
    g_settings.on_body = on_body;
    g_settings.on_message_complete = on_message_complete;
}

/* Parse buf[off, len) from its start. 0 with *consumed set when a whole
 * response is there; 1 for "need more"; otherwise a gc_conn_status
 * (GC_CONN_CLOSED when EOF came first, GC_CONN_PROTOCOL). */
static int try_parse(struct gc_conn *conn, struct parse *s, size_t *consumed)
{
    (void)pthread_once(&g_settings_once, settings_init);
    const uint8_t *start = conn->buf + conn->off;
    size_t avail = conn->len - conn->off;
    llhttp_t parser;
    llhttp_init(&parser, HTTP_RESPONSE, &g_settings);
    parser.data = s;
    llhttp_errno_t e = llhttp_execute(&parser, (const char *)start, avail);
    if (e == HPE_PAUSED && s->complete) {
        *consumed = (size_t)((const uint8_t *)llhttp_get_error_pos(&parser) - start);
        return 0;
    }
    if (e == HPE_OK && conn->eof) {
        e = llhttp_finish(&parser); /* close-delimited body (RFC 9112 §6.3 item 8) */
        if (e == HPE_PAUSED && s->complete) {
            *consumed = avail;
            return 0;
        }
        return avail == 0 ? GC_CONN_CLOSED : e == HPE_OK ? GC_CONN_CLOSED : GC_CONN_PROTOCOL;
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

/* Grow *buf to at least want bytes (capacity doubles, so growth is rare). */
static int grow(uint8_t **buf, size_t *cap, size_t want)
{
    if (*cap >= want)
        return 0;
    size_t n = *cap > 0 ? *cap : GC_CLIENT_BODY_INITIAL;
    while (n < want)
        n *= 2;
    uint8_t *p = realloc(*buf, n);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* Read more bytes; GC_CONN_OK also when EOF was reached (conn->eof set).
 * First drops the consumed prefix (this is what ends a view's life). */
static enum gc_conn_status read_more(struct gc_conn *conn, int64_t deadline)
{
    if (conn->off > 0) {
        memmove(conn->buf, conn->buf + conn->off, conn->len - conn->off);
        conn->len -= conn->off;
        conn->off = 0;
    }
    if (conn->len == GC_CLIENT_MAX_RESPONSE)
        return GC_CONN_TOO_LARGE;
    size_t want = conn->len + GC_CLIENT_READ_CHUNK;
    if (want > GC_CLIENT_MAX_RESPONSE)
        want = GC_CLIENT_MAX_RESPONSE;
    if (grow(&conn->buf, &conn->cap, want) != 0)
        return GC_CONN_USAGE;
    for (;;) {
        size_t room = conn->cap - conn->len;
        if (room > GC_CLIENT_MAX_RESPONSE - conn->len)
            room = GC_CLIENT_MAX_RESPONSE - conn->len;
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

/* Read until one whole response is parsed into *s; *consumed is its length
 * from buf + off (not yet dropped). view: the body goes into conn->body
 * (reused); otherwise into a fresh s->body the caller owns on success. */
static enum gc_conn_status next_response(struct gc_conn *conn, struct parse *s, int head_request,
                                         int view, size_t *consumed)
{
    int64_t deadline = now_ms() + conn->timeout_ms;
    for (;;) {
        size_t avail = conn->len - conn->off;
        if (avail > 0 || conn->eof) {
            s->head_request = head_request;
            s->complete = s->keep_alive = s->status = s->too_many = 0;
            s->n = 0;
            s->body_len = 0;
            if (view) {
                if (grow(&conn->body, &conn->body_cap, avail + 1) != 0)
                    return GC_CONN_USAGE;
                s->body = conn->body;
            } else if ((s->body = malloc(avail + 1)) == NULL) {
                return GC_CONN_USAGE;
            }
            int r = try_parse(conn, s, consumed);
            if (r == 0)
                return GC_CONN_OK;
            if (!view)
                free(s->body);
            s->body = NULL;
            if (r != 1)
                return s->too_many ? GC_CONN_TOO_LARGE : (enum gc_conn_status)r;
        }
        enum gc_conn_status st = read_more(conn, deadline);
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
    struct parse s;
    size_t consumed = 0;
    enum gc_conn_status st = next_response(conn, &s, head_request, 0, &consumed);
    if (st != GC_CONN_OK)
        return st;
    st = fill_response(&s, resp);
    free(s.body); /* NULL when fill_response took it */
    if (st != GC_CONN_OK) {
        gc_response_free(resp);
        return st;
    }
    conn->off += consumed;
    conn->responses++;
    return GC_CONN_OK;
}

enum gc_conn_status gc_conn_read_view(struct gc_conn *conn, struct gc_response_view *v,
                                      int head_request)
{
    static const char NO_HEADERS[] = "";
    static const uint8_t CRLFCRLF[] = {'\r', '\n', '\r', '\n'};
    memset(v, 0, sizeof(*v));
    if (conn == NULL)
        return GC_CONN_USAGE;
    struct parse s;
    size_t consumed = 0;
    enum gc_conn_status st = next_response(conn, &s, head_request, 1, &consumed);
    if (st != GC_CONN_OK)
        return st;
    uint8_t *start = conn->buf + conn->off;
    v->head = NO_HEADERS;
    if (s.n > 0) {
        /* The field lines run from the first name to the empty line (RFC 9112
         * §2.1); llhttp in strict mode allows only CRLF line ends, and no field
         * value holds CR, so the first CRLF CRLF after the first name ends them. */
        uint8_t *first = (uint8_t *)s.h[0].name;
        uint8_t *end =
            memmem(first, (size_t)(start + consumed - first), CRLFCRLF, sizeof(CRLFCRLF));
        if (end == NULL)
            return GC_CONN_PROTOCOL;
        /* NUL over the empty line's CR: consumed bytes are never parsed again. */
        end[2] = '\0';
        v->head = (const char *)first;
        v->head_len = (size_t)(end + 2 - first);
    }
    v->status = s.status;
    v->keep_alive = s.keep_alive;
    conn->body[s.body_len] = '\0';
    v->body = conn->body;
    v->body_len = s.body_len;
    conn->off += consumed;
    conn->responses++;
    return GC_CONN_OK;
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
