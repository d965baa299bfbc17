/* harness/ssrf_listener.h: the loopback canary for the ssrf oracle.
 *
 * A TCP listener on 127.0.0.1:<ephemeral>. Cases put its URL into jku, x5u,
 * kid or iss; a target that fetches it connects here. A thread accepts each
 * connection, reads what the client sends first (the request line of an HTTP
 * fetch) with a short timeout, closes it without answering, and records it
 * with a sequence number so the runner can attribute hits to a case window. */
#ifndef GC_SSRF_LISTENER_H
#define GC_SSRF_LISTENER_H
#include <stddef.h>
#include <stdint.h>

#define GC_SSRF_MAX_HITS 64          /* connections recorded; later ones only counted */
#define GC_SSRF_MAX_DATA 512         /* first bytes kept of each connection */
#define GC_SSRF_READ_TIMEOUT_MS 1000 /* per connection */
#define GC_SSRF_URL_PATH "/jwks.json"

struct gc_ssrf_hit {
    uint64_t seq;                    /* 0, 1, ... in accept order */
    double t_ms;                     /* since the listener started */
    char peer[64];                   /* "127.0.0.1:54321" */
    uint8_t data[GC_SSRF_MAX_DATA];  /* first bytes the client sent (not NUL-terminated) */
    size_t len;
};

struct gc_ssrf_listener;

/* Bind 127.0.0.1:0 and start the accept thread. Returns 0, or -1 with err. */
int gc_ssrf_listener_start(struct gc_ssrf_listener **out, char *err, size_t cap);
/* Stop the thread, close the socket, free. NULL is fine. */
void gc_ssrf_listener_stop(struct gc_ssrf_listener *l);

int gc_ssrf_listener_port(const struct gc_ssrf_listener *l);
/* "http://127.0.0.1:PORT/jwks.json" (the ${SSRF_URL} of case templates). */
const char *gc_ssrf_listener_url(const struct gc_ssrf_listener *l);
/* "127.0.0.1:PORT" (struct gc_judge_ctx.ssrf_canary_addr). */
const char *gc_ssrf_listener_addr(const struct gc_ssrf_listener *l);

/* Connections accepted so far (the next hit's seq): a mark for a case window. */
uint64_t gc_ssrf_seq(struct gc_ssrf_listener *l);
/* Number of connections with seq >= `seq` (including those past
 * GC_SSRF_MAX_HITS that were counted but not recorded). */
uint64_t gc_ssrf_hits_since(struct gc_ssrf_listener *l, uint64_t seq);
/* Copy recorded hits with seq >= `seq` into out[0..cap-1]; returns the count.
 * A hit is copied once its read finished (data complete or timed out). */
size_t gc_ssrf_hits_copy(struct gc_ssrf_listener *l, uint64_t seq, struct gc_ssrf_hit *out,
                         size_t cap);

#endif
