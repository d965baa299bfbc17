/* harness/ssrf_listener.c: loopback canary listener for the ssrf oracle
 * (see ssrf_listener.h). It never answers: a fetch that reaches it is the
 * finding, whatever the target does next. */
#include "util.h"
#include "ssrf_listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SSRF_BACKLOG SOMAXCONN /* a burst of fetches must not wait for SYN retries */
#define SSRF_SETTLE_MS 200   /* hits_since: wait this long for queued connections */
#define SSRF_SETTLE_STEP_MS 5

struct gc_ssrf_listener {
    int fd;
    int wake_fd;
    int port;
    char url[64];
    char addr[32];
    pthread_t th;
    int have_th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t accepted;           /* all connections, recorded or not */
    size_t n_hits;               /* recorded (complete) hits, ≤ GC_SSRF_MAX_HITS */
    struct gc_ssrf_hit hits[GC_SSRF_MAX_HITS];
    struct timespec t0;
};

static double ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Read what the client sends first: until GC_SSRF_MAX_DATA bytes, the end of
 * an HTTP header section, EOF, or GC_SSRF_READ_TIMEOUT_MS in total. */
static size_t read_first(int c, uint8_t *buf, const struct timespec *start)
{
    size_t len = 0;
    while (len < GC_SSRF_MAX_DATA) {
        int left = GC_SSRF_READ_TIMEOUT_MS - (int)ms_since(start);
        if (left <= 0)
            break;
        struct pollfd pf = {c, POLLIN, 0};
        int pr = poll(&pf, 1, left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
        ssize_t r = recv(c, buf + len, GC_SSRF_MAX_DATA - len, MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        if (len >= 4 && memmem(buf, len, "\r\n\r\n", 4) != NULL)
            break;
    }
    return len;
}

static void take(struct gc_ssrf_listener *l, int c)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    struct gc_ssrf_hit h;
    memset(&h, 0, sizeof h);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);

    pthread_mutex_lock(&l->mu);
    h.seq = l->accepted++;
    h.t_ms = ms_since(&l->t0);
    int keep = l->n_hits < GC_SSRF_MAX_HITS;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    if (!keep)
        return; /* counted only: bounded work per connection */

    if (getpeername(c, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        snprintf(h.peer, sizeof h.peer, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
    }
    h.len = read_first(c, h.data, &start);

    pthread_mutex_lock(&l->mu);
    if (l->n_hits < GC_SSRF_MAX_HITS)
        l->hits[l->n_hits++] = h;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

static void *accept_main(void *arg)
{
    struct gc_ssrf_listener *l = arg;
    for (;;) {
        struct pollfd pf[2] = {{l->fd, POLLIN, 0}, {l->wake_fd, POLLIN, 0}};
        int pr = poll(pf, 2, -1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0 || (pf[1].revents & POLLIN))
            break;
        int c = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue; /* EAGAIN (non-blocking listener), ECONNABORTED, EMFILE: try again */
        take(l, c);
        close(c);
    }
    return NULL;
}

int gc_ssrf_listener_start(struct gc_ssrf_listener **out, char *err, size_t cap)
{
    struct gc_ssrf_listener *l = calloc(1, sizeof *l);
    if (l == NULL) {
        gc_errf(err, cap, "ssrf listener: out of memory");
        return -1;
    }
    l->fd = l->wake_fd = -1;
    pthread_mutex_init(&l->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->cv, &ca);
    pthread_condattr_destroy(&ca);
    clock_gettime(CLOCK_MONOTONIC, &l->t0);

    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(l->fd, SSRF_BACKLOG) != 0 || getsockname(l->fd, (struct sockaddr *)&a, &al) != 0 ||
        (l->wake_fd = eventfd(0, EFD_CLOEXEC)) < 0) {
        gc_errf(err, cap, "ssrf listener: %s", strerror(errno));
        gc_ssrf_listener_stop(l);
        return -1;
    }
    l->port = ntohs(a.sin_port);
    snprintf(l->url, sizeof l->url, "http://127.0.0.1:%d%s", l->port, GC_SSRF_URL_PATH);
    snprintf(l->addr, sizeof l->addr, "127.0.0.1:%d", l->port);
    if (pthread_create(&l->th, NULL, accept_main, l) != 0) {
        gc_errf(err, cap, "ssrf listener: thread");
        gc_ssrf_listener_stop(l);
        return -1;
    }
    l->have_th = 1;
    *out = l;
    return 0;
}

void gc_ssrf_listener_stop(struct gc_ssrf_listener *l)
{
    if (l == NULL)
        return;
    if (l->have_th) {
        uint64_t one = 1;
        (void)!write(l->wake_fd, &one, sizeof one);
        pthread_join(l->th, NULL);
    }
    if (l->fd >= 0)
        close(l->fd);
    if (l->wake_fd >= 0)
        close(l->wake_fd);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    free(l);
}

int gc_ssrf_listener_port(const struct gc_ssrf_listener *l) { return l->port; }
const char *gc_ssrf_listener_url(const struct gc_ssrf_listener *l) { return l->url; }
const char *gc_ssrf_listener_addr(const struct gc_ssrf_listener *l) { return l->addr; }

/* A connection the kernel completed but the thread has not accepted yet must
 * still count for the window that caused it: wait (bounded) until the accept
 * queue is empty. */
static void settle(struct gc_ssrf_listener *l)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct pollfd pf = {l->fd, POLLIN, 0};
        if (poll(&pf, 1, 0) <= 0 || ms_since(&start) >= SSRF_SETTLE_MS)
            return;
        struct timespec ts = {0, SSRF_SETTLE_STEP_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
}

uint64_t gc_ssrf_seq(struct gc_ssrf_listener *l)
{
    settle(l);
    pthread_mutex_lock(&l->mu);
    uint64_t s = l->accepted;
    pthread_mutex_unlock(&l->mu);
    return s;
}

uint64_t gc_ssrf_hits_since(struct gc_ssrf_listener *l, uint64_t seq)
{
    uint64_t now = gc_ssrf_seq(l);
    return now > seq ? now - seq : 0;
}

size_t gc_ssrf_hits_copy(struct gc_ssrf_listener *l, uint64_t seq, struct gc_ssrf_hit *out,
                         size_t cap)
{
    settle(l);
    size_t n = 0;
    pthread_mutex_lock(&l->mu);
    for (size_t i = 0; i < l->n_hits && n < cap; i++)
        if (l->hits[i].seq >= seq)
            out[n++] = l->hits[i];
    pthread_mutex_unlock(&l->mu);
    return n;
}
