/* loop.c: one worker's event loop. One epoll instance per worker; the shared
 * listening socket is registered with EPOLLEXCLUSIVE so a new connection wakes
 * one worker, not all. Connections are edge-triggered and driven until they
 * would block (conn.c). Timers are FIFO lists, one per timeout length, so the
 * loop only ever looks at list heads. Shutdown: SIGTERM/SIGINT (delivered only
 * inside epoll_pwait, so there is no race between the check and the wait)
 * stops accepting, lets in-flight requests finish for GK_DRAIN_TIMEOUT_MS,
 * then exits 0. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "conn.h"

#define GK_EVENTS_MAX 256
#define GK_ACCEPT_PAUSE_MS 100 /* after EMFILE/ENFILE: let descriptors free up */

static volatile sig_atomic_t g_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

int64_t gk_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t gk_now_ms(void)
{
    return gk_now_ns() / 1000000;
}

/* ---------------------------------------------------------------- timers */

void gk_timer_clear(struct gk_conn *c)
{
    struct gk_worker *w = c->w;
    if (c->timer == GK_TIMER_NONE)
        return;
    enum gk_timer_kind k = c->timer;
    if (c->tprev)
        c->tprev->tnext = c->tnext;
    else
        w->thead[k] = c->tnext;
    if (c->tnext)
        c->tnext->tprev = c->tprev;
    else
        w->ttail[k] = c->tprev;
    c->tprev = c->tnext = NULL;
    c->timer = GK_TIMER_NONE;
}

/* Arm `kind` unless it is already armed (a timer measures from the moment its
 * state was entered, e.g. the header timer from a request's first byte). */
void gk_timer_set(struct gk_conn *c, enum gk_timer_kind kind)
{
    struct gk_worker *w = c->w;
    if (c->timer == kind)
        return;
    gk_timer_clear(c);
    c->timer = kind;
    c->deadline_ms = w->now_ms + w->timeout_ms[kind];
    c->tprev = w->ttail[kind];
    c->tnext = NULL;
    if (w->ttail[kind])
        w->ttail[kind]->tnext = c;
    else
        w->thead[kind] = c;
    w->ttail[kind] = c;
}

static void expire_timers(struct gk_worker *w)
{
    for (int k = 0; k < GK_TIMER_COUNT; k++) {
        struct gk_conn *c;
        while ((c = w->thead[k]) != NULL && c->deadline_ms <= w->now_ms) {
            gk_timer_clear(c);
            gk_conn_on_timeout(c, (enum gk_timer_kind)k);
        }
    }
}

/* Helpers that closed stdout but have not been reaped yet. */
static int poll_spawn_exits(struct gk_worker *w)
{
    int waiting = 0;
    struct gk_conn *c = w->thead[GK_TIMER_SPAWN];
    while (c) {
        struct gk_conn *next = c->tnext;
        if (c->spawn.active && c->spawn.fd < 0 && !c->spawn.exited) {
            gk_spawn_poll_exit(c);
            if (c->spawn.active && !c->spawn.exited)
                waiting = 1;
        }
        c = next;
    }
    return waiting;
}

void gk_worker_reap_later(struct gk_worker *w, pid_t pid)
{
    if (w->n_reap < GK_MAX_REAP) {
        w->reap[w->n_reap++] = pid;
        return;
    }
    /* List full (cannot happen with GK_RUN_MAX_CONCURRENT below it): the
     * process was sent SIGKILL, so this wait is short. */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

static void reap_killed(struct gk_worker *w)
{
    for (size_t i = 0; i < w->n_reap;) {
        pid_t r = waitpid(w->reap[i], NULL, WNOHANG);
        if (r == w->reap[i] || (r < 0 && errno == ECHILD))
            w->reap[i] = w->reap[--w->n_reap];
        else
            i++;
    }
}

static int next_timeout_ms(struct gk_worker *w, int spawn_waiting)
{
    int64_t t = GK_TICK_MAX_MS;
    for (int k = 0; k < GK_TIMER_COUNT; k++)
        if (w->thead[k] && w->thead[k]->deadline_ms - w->now_ms < t)
            t = w->thead[k]->deadline_ms - w->now_ms;
    if ((spawn_waiting || w->n_reap) && t > GK_EXIT_POLL_MS)
        t = GK_EXIT_POLL_MS;
    if (w->accept_paused && w->accept_resume_ms - w->now_ms < t)
        t = w->accept_resume_ms - w->now_ms;
    if (w->draining && w->drain_deadline_ms - w->now_ms < t)
        t = w->drain_deadline_ms - w->now_ms;
    return t < 0 ? 0 : (int)t;
}

/* ---------------------------------------------------------------- accept */

static void peer_from_sockaddr(const struct sockaddr_storage *ss, struct gk_addr *a, unsigned *port)
{
    memset(a, 0, sizeof *a);
    *port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        a->family = 4;
        memcpy(a->bytes, &in->sin_addr, 4);
        *port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        a->family = 6;
        memcpy(a->bytes, &in6->sin6_addr, 16);
        *port = ntohs(in6->sin6_port);
    }
}

static void accept_pause(struct gk_worker *w)
{
    if (w->accept_paused || w->listen_fd < 0)
        return;
    (void)epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->listen_fd, NULL);
    w->accept_paused = 1;
    w->accept_resume_ms = w->now_ms + GK_ACCEPT_PAUSE_MS;
}

static int listen_register(struct gk_worker *w)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &w->listen_ev};
    return epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->listen_fd, &ev);
}

static void accept_some(struct gk_worker *w)
{
    for (int i = 0; i < GK_ACCEPT_BATCH && w->listen_fd >= 0; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(w->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                gk_log("warn", "accept: %s; pausing accepts", strerror(errno));
                accept_pause(w);
                return;
            }
            continue; /* ECONNABORTED, EINTR, EPROTO...: try the next one */
        }
        if (w->n_conns >= GK_MAX_CONNS_PER_WORKER) {
            close(fd); /* refused: over the per-worker bound */
            continue;
        }
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct gk_addr peer;
        unsigned port;
        peer_from_sockaddr(&ss, &peer, &port);
        struct gk_conn *c = gk_conn_new(w, fd, &peer, port);
        if (!c) {
            close(fd);
            continue;
        }
        gk_conn_drive(c); /* the ClientHello may already be here */
    }
}

/* ---------------------------------------------------------------- drain */

static void start_drain(struct gk_worker *w)
{
    w->draining = 1;
    w->drain_deadline_ms = w->now_ms + GK_DRAIN_TIMEOUT_MS;
    if (w->listen_fd >= 0) {
        if (!w->accept_paused)
            (void)epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->listen_fd, NULL);
        close(w->listen_fd);
        w->listen_fd = -1;
    }
    struct gk_conn *c = w->all;
    while (c) {
        struct gk_conn *next = c->anext;
        if (c->state == GK_CONN_HANDSHAKE)
            gk_conn_close(c);
        else if (c->state == GK_CONN_OPEN && c->in_len == 0 && c->out_off == c->out_len &&
                 !c->spawn.active)
            gk_conn_drive(c); /* idle: drive sees draining and closes it */
        c = next;
    }
}

static void free_closed(struct gk_worker *w)
{
    while (w->closed) {
        struct gk_conn *c = w->closed;
        w->closed = c->cnext;
        SSL_free(c->ssl);
        free(c->out);
        free(c);
    }
}

/* ---------------------------------------------------------------- main loop */

int gk_worker_run(int id, const struct gk_server_ctx *ctx, SSL_CTX *ssl_ctx, int listen_fd,
                  int devnull_fd, const struct gk_opts *opts)
{
    static struct gk_worker w;
    memset(&w, 0, sizeof w);
    w.id = id;
    w.ctx = ctx;
    w.opts = opts;
    w.ssl_ctx = ssl_ctx;
    w.listen_fd = listen_fd;
    w.listen_ev.kind = GK_EV_LISTEN;
    w.devnull_fd = devnull_fd;
    w.timeout_ms[GK_TIMER_HANDSHAKE] = opts->handshake_timeout_ms;
    w.timeout_ms[GK_TIMER_HEADER] = opts->header_timeout_ms;
    w.timeout_ms[GK_TIMER_IDLE] = opts->idle_timeout_ms;
    w.timeout_ms[GK_TIMER_SPAWN] = GK_RUN_TIMEOUT_MS;
    w.timeout_ms[GK_TIMER_LINGER] = GK_LINGER_MS;
    w.jwt_pol.issuer = gk_span_make(ctx->cfg.issuer, strlen(ctx->cfg.issuer));
    w.jwt_pol.audience = gk_span_make(ctx->cfg.audience, strlen(ctx->cfg.audience));
    w.jwt_pol.leeway_s = ctx->cfg.leeway_s;
    w.jwt_pol.keys.keys = ctx->jwt_keys;
    w.jwt_pol.keys.n_keys = ctx->n_jwt_keys;
    w.x509_pol.trust = ctx->client_trust;
    w.x509_pol.max_chain_depth = ctx->cfg.max_chain_depth;
    w.now_ms = gk_now_ms();
    gk_log_set_worker(id);

    /* SIGTERM/SIGINT stay blocked except inside epoll_pwait. */
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* The supervisor's SIGCHLD handler is not ours: helpers are reaped by
     * polling waitpid, and SIGCHLD stays blocked and ignored here. */
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);

    w.scratch = malloc(GK_SCRATCH_CAP);
    w.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!w.scratch || w.epfd < 0 || listen_register(&w) != 0) {
        gk_log("error", "worker setup failed: %s", strerror(errno));
        free(w.scratch);
        return 1;
    }

    struct epoll_event events[GK_EVENTS_MAX];
    int spawn_waiting = 0;
    pid_t parent = getppid();
    int64_t parent_check_ms = 0;
    for (;;) {
        int n = epoll_pwait(w.epfd, events, GK_EVENTS_MAX, next_timeout_ms(&w, spawn_waiting),
                            &waitmask);
        w.now_ms = gk_now_ms();
        if (n < 0 && errno != EINTR) {
            gk_log("error", "epoll_pwait: %s", strerror(errno));
            break;
        }
        /* A worker must not outlive its supervisor (PR_SET_PDEATHSIG may be
         * refused by the sandbox, so also look once per tick). */
        if (!w.draining && w.now_ms >= parent_check_ms) {
            parent_check_ms = w.now_ms + GK_TICK_MAX_MS;
            if (getppid() != parent)
                g_stop = 1;
        }
        if (g_stop && !w.draining)
            start_drain(&w);
        for (int i = 0; i < n; i++) {
            struct gk_ev *ev = events[i].data.ptr;
            switch (ev->kind) {
            case GK_EV_LISTEN:
                if (!w.draining)
                    accept_some(&w);
                break;
            case GK_EV_CONN:
                if (!ev->conn->closed)
                    gk_conn_drive(ev->conn);
                break;
            case GK_EV_PIPE:
                if (!ev->conn->closed)
                    gk_spawn_on_readable(ev->conn);
                break;
            }
        }
        free_closed(&w);
        expire_timers(&w);
        spawn_waiting = poll_spawn_exits(&w);
        free_closed(&w);
        if (w.n_reap)
            reap_killed(&w);
        if (w.accept_paused && !w.draining && w.now_ms >= w.accept_resume_ms) {
            w.accept_paused = 0;
            if (listen_register(&w) != 0)
                accept_pause(&w);
        }
        if (w.draining && (w.n_conns == 0 || w.now_ms >= w.drain_deadline_ms))
            break;
    }

    while (w.all)
        gk_conn_close(w.all);
    free_closed(&w);
    for (size_t i = 0; i < w.n_reap; i++)
        while (waitpid(w.reap[i], NULL, 0) < 0 && errno == EINTR)
            ;
    if (w.listen_fd >= 0)
        close(w.listen_fd);
    close(w.epfd);
    free(w.scratch);
    return 0;
}
