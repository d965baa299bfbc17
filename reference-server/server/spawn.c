/* spawn.c: GET /run: the one sanctioned subprocess.
 *
 * posix_spawn (never posix_spawnp: no PATH search) of the absolute helper path
 * with exactly { helper, "--", arg, NULL } (gk_run_argv) and a fixed
 * environment; no shell is ever involved, so the argument reaches the helper
 * byte for byte. The child starts with an empty signal mask and default
 * dispositions; stdin and stderr are /dev/null (opened before the sandbox),
 * stdout a pipe whose read end sits in the worker's epoll, so the request path
 * never blocks: the connection waits for EOF, then for the exit status
 * (waitpid WNOHANG, polled), bounded by GK_RUN_TIMEOUT_MS. Every other
 * descriptor is close-on-exec. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>
#include "conn.h"
#include "gk/argv.h"

static char *const helper_envp[] = {"PATH=/usr/bin:/bin", "LANG=C", NULL};

static void spawn_release(struct gk_conn *c)
{
    struct gk_spawn *s = &c->spawn;
    if (s->fd >= 0) {
        (void)epoll_ctl(c->w->epfd, EPOLL_CTL_DEL, s->fd, NULL);
        close(s->fd);
        s->fd = -1;
    }
    free(s->buf);
    s->buf = NULL;
    s->len = 0;
    if (s->active)
        c->w->n_spawns--;
    s->active = 0;
}

int gk_spawn_exec(struct gk_conn *c, const char *path, char *const argv[])
{
    struct gk_worker *w = c->w;
    struct gk_spawn *s = &c->spawn;
    if (w->n_spawns >= GK_RUN_MAX_CONCURRENT)
        return 503;
    s->buf = malloc(GK_RUN_MAX_OUTPUT);
    if (!s->buf)
        return 500;

    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        free(s->buf);
        s->buf = NULL;
        gk_log("error", "pipe2: %s", strerror(errno));
        return 500;
    }
    if (fcntl(p[0], F_SETFL, O_NONBLOCK) != 0) {
        close(p[0]);
        close(p[1]);
        free(s->buf);
        s->buf = NULL;
        return 500;
    }

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) {
        rc = posix_spawnattr_init(&attr);
        if (rc != 0)
            posix_spawn_file_actions_destroy(&fa);
    }
    if (rc != 0) {
        close(p[0]);
        close(p[1]);
        free(s->buf);
        s->buf = NULL;
        return 500;
    }
    /* dup2 clears FD_CLOEXEC on the target, so exactly 0, 1, 2 survive exec. */
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, w->devnull_fd, STDIN_FILENO);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, w->devnull_fd, STDERR_FILENO);
    if (rc == 0)
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (rc == 0)
        rc = posix_spawnattr_setsigmask(&attr, &none);
    if (rc == 0)
        rc = posix_spawnattr_setsigdefault(&attr, &all);

    pid_t pid = -1;
    if (rc == 0)
        rc = posix_spawn(&pid, path, &fa, &attr, argv, helper_envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        free(s->buf);
        s->buf = NULL;
        gk_log("error", "posix_spawn %s: %s", path, strerror(rc));
        return 500;
    }

    s->pid = pid;
    s->fd = p[0];
    s->len = 0;
    s->overflow = 0;
    s->exited = 0;
    s->wstatus = 0;
    s->active = 1;
    w->n_spawns++;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = &s->ev};
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, s->fd, &ev) != 0) {
        gk_spawn_abort(c);
        return 500;
    }
    gk_timer_clear(c);
    gk_timer_set(c, GK_TIMER_SPAWN);
    return 0;
}

int gk_spawn_start(struct gk_conn *c, const char *arg)
{
    char *argv[4];
    gk_run_argv(c->w->ctx->helper_abs, arg, argv);
    return gk_spawn_exec(c, c->w->ctx->helper_abs, argv);
}

/* Both EOF and the exit status are in: answer. */
static void spawn_finish(struct gk_conn *c)
{
    struct gk_spawn *s = &c->spawn;
    int status;
    const char *note = NULL;
    if (s->overflow) {
        status = 500;
        note = "helper-output-too-large";
    } else if (WIFEXITED(s->wstatus) && WEXITSTATUS(s->wstatus) == 0) {
        status = 200;
    } else {
        status = 500;
        note = "helper-failed";
    }
    if (status == 200)
        (void)gk_conn_respond(c, 200, "application/json", s->buf, s->len, c->run.keep_alive);
    else
        gk_conn_respond_status(c, status, c->run.keep_alive);
    spawn_release(c);
    gk_timer_clear(c);
    gk_log_request(&(struct gk_req_log){.c = c,
                                        .method = GK_SPAN_LIT("GET"),
                                        .path = (const uint8_t *)"/run",
                                        .path_len = 4,
                                        .status = status,
                                        .src = c->run.src,
                                        .identity = c->run.identity[0] ? c->run.identity : NULL,
                                        .note = note,
                                        .start_ns = c->run.start_ns});
    gk_conn_drive(c);
}

void gk_spawn_poll_exit(struct gk_conn *c)
{
    struct gk_spawn *s = &c->spawn;
    if (!s->active || s->fd >= 0 || s->exited)
        return;
    pid_t r = waitpid(s->pid, &s->wstatus, WNOHANG);
    if (r == s->pid || (r < 0 && errno == ECHILD)) {
        s->exited = 1;
        if (r < 0)
            s->wstatus = 0x7f00; /* lost: treat as failure (exit 127) */
        spawn_finish(c);
    }
}

void gk_spawn_on_readable(struct gk_conn *c)
{
    struct gk_spawn *s = &c->spawn;
    if (!s->active || s->fd < 0)
        return;
    for (;;) {
        uint8_t sink[4096];
        uint8_t *dst = s->len < GK_RUN_MAX_OUTPUT ? s->buf + s->len : sink;
        size_t room = s->len < GK_RUN_MAX_OUTPUT ? GK_RUN_MAX_OUTPUT - s->len : sizeof sink;
        ssize_t r = read(s->fd, dst, room);
        if (r > 0) {
            if (dst == sink) {
                /* Over the cap: stop the helper, answer 500. */
                s->overflow = 1;
                (void)kill(s->pid, SIGKILL);
                continue;
            }
            s->len += (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        break; /* EOF (or an error, treated as EOF) */
    }
    (void)epoll_ctl(c->w->epfd, EPOLL_CTL_DEL, s->fd, NULL);
    close(s->fd);
    s->fd = -1;
    gk_spawn_poll_exit(c);
}

void gk_spawn_abort(struct gk_conn *c)
{
    struct gk_spawn *s = &c->spawn;
    if (!s->active)
        return;
    if (!s->exited) {
        (void)kill(s->pid, SIGKILL);
        gk_worker_reap_later(c->w, s->pid);
    }
    spawn_release(c);
}
