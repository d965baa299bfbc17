/* harness/client.h: a real TLS client (OpenSSL) for tests and the harness.
 *
 * A gc_client holds an SSL_CTX (trust anchor, optional client chain and key)
 * and is reused for many connections. A gc_conn is one TCP+TLS connection to
 * 127.0.0.1:port; it sends raw request bytes and reads complete HTTP/1.1
 * responses (llhttp), keeping bytes that belong to the next response, so
 * pipelined requests work: send two, then read two.
 *
 * Every wait is bounded by the timeout given at open. A failed handshake is
 * reported distinctly (GC_CONN_HANDSHAKE): the contract counts it as deny. */
#ifndef GC_CLIENT_H
#define GC_CLIENT_H
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

#define GC_CLIENT_MAX_RESPONSE (1024 * 1024) /* bytes of one response, head + body */
#define GC_CLIENT_MAX_HEADERS 64
#define GC_CLIENT_DEFAULT_TIMEOUT_MS 5000
#define GC_CLIENT_ERR_MAX 256

enum gc_conn_status {
    GC_CONN_OK = 0,
    GC_CONN_CONNECT,   /* TCP connect failed (refused, unreachable) */
    GC_CONN_HANDSHAKE, /* TLS handshake failed, or (TLS 1.3) the server rejected our
                          certificate with an alert right after it */
    GC_CONN_TIMEOUT,   /* no progress within the timeout */
    GC_CONN_CLOSED,    /* peer closed before a complete response */
    GC_CONN_PROTOCOL,  /* the bytes were not a valid HTTP/1.1 response */
    GC_CONN_TOO_LARGE, /* response beyond GC_CLIENT_MAX_RESPONSE */
    GC_CONN_IO,        /* other socket / TLS error */
    GC_CONN_USAGE,     /* bad arguments, unreadable files, out of memory */
};
const char *gc_conn_status_str(enum gc_conn_status st);

struct gc_client_opts {
    const char *ca_file;     /* trust anchor for the server; NULL = do not verify */
    const char *server_name; /* SNI and hostname check; NULL = "localhost" */
    const char *cert_file;   /* client chain PEM: leaf first, then intermediates */
    const char *key_file;    /* its private key; required with cert_file */
    X509 *cert;              /* or in memory (not owned; refcount taken) */
    STACK_OF(X509) * chain;  /* intermediates, may be NULL (not owned) */
    EVP_PKEY *key;
    int min_version; /* 0 = TLS1_2_VERSION */
    int max_version; /* 0 = TLS1_3_VERSION */
    int weak_ok;     /* 1 = security level 0, so a weak key or SHA-1 certificate
                        (cert.weak-* cases) can be presented at all */
};

struct gc_client;
struct gc_conn;

/* NULL on failure with err filled. */
struct gc_client *gc_client_new(const struct gc_client_opts *opts, char *err, size_t err_cap);
void gc_client_free(struct gc_client *c);

/* Connect to 127.0.0.1:port and complete the handshake. *conn is NULL unless
 * GC_CONN_OK. err (may be NULL) receives a one-line reason. */
enum gc_conn_status gc_conn_open(struct gc_client *c, uint16_t port, int timeout_ms,
                                 struct gc_conn **conn, char *err, size_t err_cap);
void gc_conn_close(struct gc_conn *conn); /* sends close_notify best effort */

/* Send all bytes (one or more requests). */
enum gc_conn_status gc_conn_send(struct gc_conn *conn, const void *buf, size_t len);

struct gc_header {
    const char *name; /* NUL-terminated copies, owned by the response */
    const char *value;
};

struct gc_response {
    int status;
    int keep_alive; /* llhttp's verdict: the connection may be reused */
    struct gc_header headers[GC_CLIENT_MAX_HEADERS];
    size_t n_headers;
    uint8_t *body; /* NUL-terminated for convenience (not counted in body_len) */
    size_t body_len;
    char *store; /* backing storage for header strings */
};

/* Read exactly one response. head_request: the matching request was HEAD (no
 * body follows). On anything but GC_CONN_OK, resp is empty. */
enum gc_conn_status gc_conn_read_response(struct gc_conn *conn, struct gc_response *resp,
                                          int head_request);
void gc_response_free(struct gc_response *resp);

/* Added (bench, network fuzzer): one response without allocating. Spans point
 * into the connection's own buffers and stay valid until the next read, send
 * or close on conn; once the buffers have grown to the largest response seen,
 * reading allocates nothing. */
struct gc_response_view {
    int status;
    int keep_alive;
    const char *head; /* the field lines as received, "Name: value\r\n"...,
                         NUL-terminated ("" when there are none) */
    size_t head_len;
    const uint8_t *body; /* de-chunked, NUL-terminated (not counted) */
    size_t body_len;
};
enum gc_conn_status gc_conn_read_view(struct gc_conn *conn, struct gc_response_view *v,
                                      int head_request);

/* Case-insensitive header lookup (first match) or NULL. */
const char *gc_response_header(const struct gc_response *resp, const char *name);

/* One-shot: open, send, read one response, close. */
enum gc_conn_status gc_client_request(struct gc_client *c, uint16_t port, int timeout_ms,
                                      const void *req, size_t req_len, struct gc_response *resp);

/* Peer (server) certificate of an open connection; not owned. */
X509 *gc_conn_peer_cert(struct gc_conn *conn);
const SSL *gc_conn_ssl(const struct gc_conn *conn);

#endif
