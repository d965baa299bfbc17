/* harness/supervisor.c: launch a target under a seccomp user-notification
 * filter and record what it executes and connects to, whether it crashed, and
 * what it printed. See supervisor.h for the contract, docs/SUPERVISOR.md for
 * the design, cost and limits.
 *
 * Threads per running target:
 *  - notify: SECCOMP_IOCTL_NOTIF_RECV → read arguments from /proc/<pid>/mem →
 *    SECCOMP_IOCTL_NOTIF_ID_VALID → record → SECCOMP_USER_NOTIF_FLAG_CONTINUE.
 *  - waiter: waitpid() on the target → GC_EV_EXIT.
 *  - output: drains the stdout+stderr pipe (the target never blocks on a full
 *    pipe), keeps the log, scans lines for sanitizer reports and the
 *    "listening on 127.0.0.1:PORT" readiness line. */
#include "util.h"
#include "supervisor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SUP_LINE_MAX 1024            /* bytes of one output line kept for scanning */
#define SUP_READ_CHUNK 16384         /* output pipe read size */
#define SUP_PAGE 4096                /* /proc/<pid>/mem reads never cross this boundary */
#define SUP_POLL_STEP_MS 10          /* readiness poll interval */
#define SUP_HANDSHAKE_MS 5000        /* child → parent listener fd hand-over */
#define SUP_DRAIN_MS 1000            /* wait for the output pipe's EOF after exit */
#define SUP_KILL_WAIT_MS 3000        /* wait for the reap after SIGKILL */
#define SUP_MAX_FILTER 64            /* BPF instructions */
#define SUP_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define SUP_READY_NEEDLE "listening on 127.0.0.1:"
#define SUP_MAX_PORT 65535

/* ---- syscall table --------------------------------------------------------- */

enum sup_call { SC_EXECVE, SC_EXECVEAT, SC_CONNECT, SC_OPEN, SC_CREAT, SC_OPENAT, SC_OPENAT2 };

struct sup_sys {
    uint32_t arch;
    int nr;
    enum sup_call call;
    unsigned ptr_size; /* pointer width of the calling ABI */
    int is_open;       /* only with watch_open */
};

#if defined(__x86_64__)
#define SUP_NATIVE_ARCH AUDIT_ARCH_X86_64
#define SUP_X32 0x40000000
/* Native x86_64, the x32 ABI (same audit arch, numbers with bit 30 set) and
 * the i386 compat ABI: a target could otherwise exec or connect through
 * int 0x80 unseen. Numbers: arch/x86/entry/syscalls/syscall_{64,32}.tbl. */
static const struct sup_sys SUP_SYSCALLS[] = {
    {AUDIT_ARCH_X86_64, 59, SC_EXECVE, 8, 0},
    {AUDIT_ARCH_X86_64, 322, SC_EXECVEAT, 8, 0},
    {AUDIT_ARCH_X86_64, 42, SC_CONNECT, 8, 0},
    {AUDIT_ARCH_X86_64, 2, SC_OPEN, 8, 1},
    {AUDIT_ARCH_X86_64, 85, SC_CREAT, 8, 1},
    {AUDIT_ARCH_X86_64, 257, SC_OPENAT, 8, 1},
    {AUDIT_ARCH_X86_64, 437, SC_OPENAT2, 8, 1},
    {AUDIT_ARCH_X86_64, SUP_X32 | 520, SC_EXECVE, 4, 0},
    {AUDIT_ARCH_X86_64, SUP_X32 | 545, SC_EXECVEAT, 4, 0},
    {AUDIT_ARCH_X86_64, SUP_X32 | 42, SC_CONNECT, 4, 0},
    {AUDIT_ARCH_X86_64, SUP_X32 | 2, SC_OPEN, 4, 1},
    {AUDIT_ARCH_X86_64, SUP_X32 | 85, SC_CREAT, 4, 1},
    {AUDIT_ARCH_X86_64, SUP_X32 | 257, SC_OPENAT, 4, 1},
    {AUDIT_ARCH_X86_64, SUP_X32 | 437, SC_OPENAT2, 4, 1},
    {AUDIT_ARCH_I386, 11, SC_EXECVE, 4, 0},
    {AUDIT_ARCH_I386, 358, SC_EXECVEAT, 4, 0},
    {AUDIT_ARCH_I386, 362, SC_CONNECT, 4, 0},
    {AUDIT_ARCH_I386, 5, SC_OPEN, 4, 1},
    {AUDIT_ARCH_I386, 8, SC_CREAT, 4, 1},
    {AUDIT_ARCH_I386, 295, SC_OPENAT, 4, 1},
    {AUDIT_ARCH_I386, 437, SC_OPENAT2, 4, 1},
};
static const uint32_t SUP_ARCHES[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386};
#elif defined(__aarch64__)
#define SUP_NATIVE_ARCH AUDIT_ARCH_AARCH64
/* arm64 has no open/creat; the arm32 compat ABI is not watched (documented). */
static const struct sup_sys SUP_SYSCALLS[] = {
    {AUDIT_ARCH_AARCH64, 221, SC_EXECVE, 8, 0},
    {AUDIT_ARCH_AARCH64, 281, SC_EXECVEAT, 8, 0},
    {AUDIT_ARCH_AARCH64, 203, SC_CONNECT, 8, 0},
    {AUDIT_ARCH_AARCH64, 56, SC_OPENAT, 8, 1},
    {AUDIT_ARCH_AARCH64, 437, SC_OPENAT2, 8, 1},
};
static const uint32_t SUP_ARCHES[] = {AUDIT_ARCH_AARCH64};
#else
#define SUP_NO_ARCH 1
#endif

#define SUP_N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the target ------------------------------------------------------------ */

struct sup_slot {
    struct gc_event ev;
    size_t bytes; /* argv bytes owned by ev */
};

struct gc_target {
    /* Options, deep copies (kept for restart). */
    char **argv;
    char **env_extra;
    char *exe;       /* argv[0] resolved */
    char *log_path;
    char *cwd;
    char *log_partial;
    int opt_port, ready_ms, supervise, watch_open;

    /* Current run. */
    pid_t pid;
    int port;
    int listener;    /* seccomp notification fd, -1 when unsupervised */
    int out_fd;      /* read end of the output pipe */
    int wake_fd;     /* eventfd: wakes the notify and output threads on stop */
    int log_fd;
    pthread_t th_notify, th_wait, th_out;
    int have_notify, have_wait, have_out;
    int supervised;
    int nnp_by_launcher;
    char reason[192];
    char lost[96];   /* set if the notify thread had to give up (guarded by mu) */
    int stopped;     /* stop() finished for this run */
    int stop_status;

    /* Shared state below: guarded by mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int exited;
    int status;
    int out_eof;
    int ready_port;  /* from the "listening on" line, 0 until seen */
    struct sup_slot *ring;
    uint64_t first_seq, next_seq;
    size_t ring_bytes;
    struct gc_sup_stats st;
    uint8_t *log;
    size_t log_len, log_cap;
    struct timespec t0;

    /* Output thread only. */
    char line[SUP_LINE_MAX];
    size_t line_len;
};

static void count_unreadable(struct gc_target *t);

static double ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static int past(const struct timespec *dl)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > dl->tv_sec || (now.tv_sec == dl->tv_sec && now.tv_nsec >= dl->tv_nsec);
}

static void event_release(struct gc_event *ev)
{
    for (size_t i = 0; i < ev->argc && i < GC_EV_MAX_ARGV; i++) {
        free(ev->argv[i]);
        ev->argv[i] = NULL;
    }
    ev->argc = 0;
}

void gc_events_free(struct gc_event *ev, size_t n)
{
    for (size_t i = 0; ev != NULL && i < n; i++)
        event_release(&ev[i]);
}

/* Append one event (takes ownership of its argv). Drops the oldest events when
 * the ring is full or holds more than GC_SUP_MAX_RING_BYTES of argv. */
static void record(struct gc_target *t, struct gc_event *ev)
{
    size_t bytes = 0;
    for (size_t i = 0; i < ev->argc; i++)
        bytes += ev->argv_len[i] + 1;
    pthread_mutex_lock(&t->mu);
    ev->t_ms = ms_since(&t->t0);
    while (t->next_seq - t->first_seq >= GC_SUP_MAX_EVENTS ||
           (t->next_seq > t->first_seq && t->ring_bytes + bytes > GC_SUP_MAX_RING_BYTES)) {
        struct sup_slot *old = &t->ring[t->first_seq % GC_SUP_MAX_EVENTS];
        event_release(&old->ev);
        t->ring_bytes -= old->bytes;
        t->first_seq++;
        t->st.dropped++;
    }
    struct sup_slot *s = &t->ring[t->next_seq % GC_SUP_MAX_EVENTS];
    s->ev = *ev;
    s->bytes = bytes;
    t->ring_bytes += bytes;
    t->next_seq++;
    t->st.recorded++;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    memset(ev, 0, sizeof *ev);
}

static void count_unreadable(struct gc_target *t)
{
    pthread_mutex_lock(&t->mu);
    t->st.unreadable++;
    pthread_mutex_unlock(&t->mu);
}

/* ---- reading the target's memory ---------------------------------------------- */

/* Read up to n bytes at addr, never across a page boundary in one pread, so a
 * string that ends just before an unmapped page still reads. Returns bytes
 * read (short at the first unreadable page), or -1 if none. */
static ssize_t mem_read(int memfd, uint64_t addr, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        uint64_t a = addr + got;
        size_t chunk = SUP_PAGE - (size_t)(a % SUP_PAGE);
        if (chunk > n - got)
            chunk = n - got;
        if (a > (uint64_t)INT64_MAX)
            break;
        ssize_t r = pread(memfd, (uint8_t *)buf + got, chunk, (off_t)a);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got == 0 && n > 0 ? -1 : (ssize_t)got;
}

/* Read a NUL-terminated string at addr into a fresh buffer of at most
 * `max` bytes (+1 for the NUL). Returns 0, or -1 when unreadable. */
static int mem_read_str(int memfd, uint64_t addr, size_t max, char **out, size_t *len)
{
    char *buf = malloc(max + 1);
    if (buf == NULL)
        return -1;
    size_t got = 0;
    while (got < max) {
        uint64_t a = addr + got;
        size_t chunk = SUP_PAGE - (size_t)(a % SUP_PAGE);
        if (chunk > max - got)
            chunk = max - got;
        ssize_t r = mem_read(memfd, a, buf + got, chunk);
        if (r <= 0)
            break;
        char *nul = memchr(buf + got, '\0', (size_t)r);
        if (nul != NULL) {
            got = (size_t)(nul - buf);
            buf[got] = '\0';
            *out = buf;
            *len = got;
            return 0;
        }
        got += (size_t)r;
    }
    if (got == 0 && max > 0) {
        free(buf);
        return -1;
    }
    buf[got] = '\0'; /* capped at max (or the readable part): truncated */
    *out = buf;
    *len = got;
    return 0;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t len)
{
    if (cap == 0)
        return;
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* The directory a relative path of `pid` resolves against: its cwd for
 * AT_FDCWD, else the open directory fd. */
static int dir_of(pid_t pid, int64_t dirfd, char *out, size_t cap)
{
    char link[64];
    if ((int)dirfd == AT_FDCWD)
        snprintf(link, sizeof link, "/proc/%d/cwd", (int)pid);
    else
        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, (int)dirfd);
    ssize_t n = readlink(link, out, cap - 1);
    if (n < 0)
        return -1;
    out[n] = '\0';
    return 0;
}

/* ev->path = path as the kernel will resolve it: absolute paths as given,
 * relative ones joined to their directory when resolve_rel is set. */
static void set_path(struct gc_event *ev, pid_t pid, int64_t dirfd, const char *p, size_t plen,
                     int resolve_rel, int empty_path)
{
    char dir[PATH_MAX];
    if ((plen == 0 && empty_path) && dir_of(pid, dirfd, dir, sizeof dir) == 0) {
        copy_str(ev->path, sizeof ev->path, dir, strlen(dir));
        return;
    }
    if (!resolve_rel || plen == 0 || p[0] == '/' || dir_of(pid, dirfd, dir, sizeof dir) != 0) {
        copy_str(ev->path, sizeof ev->path, p, plen);
        return;
    }
    /* dir + "/" + p, truncated to the field (an over-long path is evidence
     * enough by its prefix). */
    size_t dl = strlen(dir);
    copy_str(ev->path, sizeof ev->path, dir, dl);
    size_t at = strlen(ev->path);
    if (at + 1 < sizeof ev->path) {
        ev->path[at++] = '/';
        copy_str(ev->path + at, sizeof ev->path - at, p, plen);
    }
}

static uint64_t arg_ptr(uint64_t v, unsigned ptr_size)
{
    return ptr_size == 4 ? (v & 0xffffffffu) : v;
}

static void decode_exec(struct gc_target *t, int memfd, pid_t pid, const struct sup_sys *sc,
                        const struct seccomp_data *d, struct gc_event *ev)
{
    ev->kind = GC_EV_EXEC;
    int at = sc->call == SC_EXECVEAT;
    uint64_t path_p = arg_ptr(d->args[at ? 1 : 0], sc->ptr_size);
    uint64_t argv_p = arg_ptr(d->args[at ? 2 : 1], sc->ptr_size);
    int flags = at ? (int)d->args[4] : 0;
    char *s = NULL;
    size_t n = 0;
    if (mem_read_str(memfd, path_p, GC_SUP_MAX_ARG_LEN, &s, &n) == 0) {
        /* execve takes the path as given (its exactness is the evidence);
         * execveat's relative path only means something with its dirfd. */
        set_path(ev, pid, at ? (int)d->args[0] : AT_FDCWD, s, n, at, at && (flags & AT_EMPTY_PATH));
        free(s);
    } else {
        snprintf(ev->path, sizeof ev->path, "<unreadable>");
        count_unreadable(t);
    }
    for (size_t i = 0; i < GC_EV_MAX_ARGV && argv_p != 0; i++) {
        uint8_t raw[8] = {0};
        if (mem_read(memfd, argv_p + i * sc->ptr_size, raw, sc->ptr_size) != (ssize_t)sc->ptr_size) {
            count_unreadable(t);
            break;
        }
        uint64_t p = 0;
        if (sc->ptr_size == 4) {
            uint32_t p32;
            memcpy(&p32, raw, 4);
            p = p32;
        } else {
            memcpy(&p, raw, 8);
        }
        if (p == 0)
            break;
        if (mem_read_str(memfd, p, GC_SUP_MAX_ARG_LEN, &s, &n) != 0) {
            count_unreadable(t);
            break;
        }
        ev->argv[i] = s;
        ev->argv_len[i] = n;
        ev->argc = i + 1;
    }
}

static void decode_connect(struct gc_target *t, int memfd, const struct sup_sys *sc,
                           const struct seccomp_data *d, struct gc_event *ev)
{
    ev->kind = GC_EV_CONNECT;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    uint64_t len = d->args[2] & 0xffffffffu;
    if (len > sizeof ss)
        len = sizeof ss;
    uint64_t p = arg_ptr(d->args[1], sc->ptr_size);
    ssize_t r = len >= sizeof(sa_family_t) ? mem_read(memfd, p, &ss, (size_t)len) : -1;
    if (r < (ssize_t)sizeof(sa_family_t)) {
        snprintf(ev->addr, sizeof ev->addr, "<unreadable>");
        count_unreadable(t);
        return;
    }
    char ip[INET6_ADDRSTRLEN];
    if (ss.ss_family == AF_INET && (size_t)r >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        snprintf(ev->addr, sizeof ev->addr, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
    } else if (ss.ss_family == AF_INET6 && (size_t)r >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        snprintf(ev->addr, sizeof ev->addr, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
    } else if (ss.ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        size_t plen = (size_t)r > off ? (size_t)r - off : 0;
        snprintf(ev->addr, sizeof ev->addr, "unix");
        if (plen > 0 && un->sun_path[0] == '\0') {
            /* Abstract namespace (unix(7)): shown as "@name". */
            ev->path[0] = '@';
            copy_str(ev->path + 1, sizeof ev->path - 1, un->sun_path + 1, plen - 1);
        } else {
            size_t l = strnlen(un->sun_path, plen);
            copy_str(ev->path, sizeof ev->path, un->sun_path, l);
        }
    } else {
        snprintf(ev->addr, sizeof ev->addr, "family:%u", (unsigned)ss.ss_family);
    }
}

static void decode_open(struct gc_target *t, int memfd, pid_t pid, const struct sup_sys *sc,
                        const struct seccomp_data *d, struct gc_event *ev)
{
    ev->kind = GC_EV_OPEN;
    int at = sc->call == SC_OPENAT || sc->call == SC_OPENAT2;
    int64_t dirfd = at ? (int64_t)(int)d->args[0] : AT_FDCWD;
    char *s = NULL;
    size_t n = 0;
    if (mem_read_str(memfd, arg_ptr(d->args[at ? 1 : 0], sc->ptr_size), PATH_MAX, &s, &n) != 0) {
        snprintf(ev->path, sizeof ev->path, "<unreadable>");
        count_unreadable(t);
        return;
    }
    set_path(ev, pid, dirfd, s, n, 1, 0);
    free(s);
}

static const struct sup_sys *lookup(uint32_t arch, int nr, int watch_open)
{
#ifndef SUP_NO_ARCH
    for (size_t i = 0; i < SUP_N(SUP_SYSCALLS); i++)
        if (SUP_SYSCALLS[i].arch == arch && SUP_SYSCALLS[i].nr == nr &&
            (watch_open || !SUP_SYSCALLS[i].is_open))
            return &SUP_SYSCALLS[i];
#else
    (void)arch, (void)nr, (void)watch_open;
#endif
    return NULL;
}

/* ---- the notify thread ------------------------------------------------------- */

static void handle_notification(struct gc_target *t, struct seccomp_notif *req)
{
    struct gc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.pid = (int)req->pid;
    const struct sup_sys *sc = lookup(req->data.arch, req->data.nr, t->watch_open);
    if (sc == NULL)
        return; /* not ours (cannot happen with our filter): just continue it */
    char mp[64];
    snprintf(mp, sizeof mp, "/proc/%d/mem", (int)req->pid);
    int memfd = open(mp, O_RDONLY | O_CLOEXEC);
    if (memfd < 0) {
        /* Seen but not readable (e.g. a non-root supervisor and a target that
         * changed uid or is non-dumpable): record the call with a marker, so an
         * oracle treats it as unexplained rather than missing it. */
        count_unreadable(t);
        ev.kind = sc->call == SC_CONNECT ? GC_EV_CONNECT
                  : (sc->call == SC_EXECVE || sc->call == SC_EXECVEAT) ? GC_EV_EXEC
                                                                       : GC_EV_OPEN;
        snprintf(ev.path, sizeof ev.path, "<unreadable: %s>", strerror(errno));
        if (ev.kind == GC_EV_CONNECT)
            snprintf(ev.addr, sizeof ev.addr, "<unreadable>");
    } else {
        switch (sc->call) {
        case SC_EXECVE:
        case SC_EXECVEAT: decode_exec(t, memfd, (pid_t)req->pid, sc, &req->data, &ev); break;
        case SC_CONNECT: decode_connect(t, memfd, sc, &req->data, &ev); break;
        default: decode_open(t, memfd, (pid_t)req->pid, sc, &req->data, &ev); break;
        }
        close(memfd);
    }
    /* TOCTOU rule (seccomp_unotify(2)): what we read is only known to belong
     * to the notifying task if its notification is still pending now; a dead
     * task's pid may have been reused. */
    if (ioctl(t->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) != 0) {
        pthread_mutex_lock(&t->mu);
        t->st.invalid++;
        pthread_mutex_unlock(&t->mu);
        event_release(&ev);
        return;
    }
    record(t, &ev);
}

static void *notify_main(void *arg)
{
    struct gc_target *t = arg;
    struct seccomp_notif_sizes sz;
    memset(&sz, 0, sizeof sz);
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) != 0) {
        sz.seccomp_notif = sizeof(struct seccomp_notif);
        sz.seccomp_notif_resp = sizeof(struct seccomp_notif_resp);
    }
    /* The kernel's structs may be larger than our headers': allocate the max. */
    size_t req_sz = sz.seccomp_notif > sizeof(struct seccomp_notif) ? sz.seccomp_notif
                                                                     : sizeof(struct seccomp_notif);
    size_t resp_sz = sz.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
                         ? sz.seccomp_notif_resp
                         : sizeof(struct seccomp_notif_resp);
    int broken = 0;
    struct seccomp_notif *req = malloc(req_sz);
    struct seccomp_notif_resp *resp = malloc(resp_sz);
    while (req != NULL && resp != NULL) {
        struct pollfd pf[2] = {{t->listener, POLLIN, 0}, {t->wake_fd, POLLIN, 0}};
        int pr = poll(pf, 2, -1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0 || (pf[1].revents & POLLIN))
            break;
        if (!(pf[0].revents & POLLIN)) {
            if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL))
                break; /* no task uses the filter any more */
            continue;
        }
        memset(req, 0, req_sz); /* NOTIF_RECV requires a zeroed buffer */
        if (ioctl(t->listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
            if (errno == EINTR || errno == ENOENT)
                continue; /* ENOENT: the task died before we received */
            broken = errno;
            break;
        }
        pthread_mutex_lock(&t->mu);
        t->st.notifications++;
        pthread_mutex_unlock(&t->mu);
        handle_notification(t, req);
        memset(resp, 0, resp_sz);
        resp->id = req->id;
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE; /* observe, never change */
        if (ioctl(t->listener, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0 && errno != ENOENT) {
            broken = errno;
            break;
        }
    }
    if (req == NULL || resp == NULL)
        broken = ENOMEM;
    if (broken != 0) {
        /* We can no longer answer: close the listener so the target's watched
         * calls fail with ENOSYS instead of blocking forever. */
        pthread_mutex_lock(&t->mu);
        snprintf(t->lost, sizeof t->lost, "supervisor stopped answering: %s", strerror(broken));
        close(t->listener);
        t->listener = -1;
        pthread_mutex_unlock(&t->mu);
    }
    free(req);
    free(resp);
    return NULL;
}

/* ---- the waiter thread ------------------------------------------------------- */

static void *wait_main(void *arg)
{
    struct gc_target *t = arg;
    int st = 0;
    pid_t r;
    do
        r = waitpid(t->pid, &st, 0);
    while (r < 0 && errno == EINTR);
    struct gc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = GC_EV_EXIT;
    ev.pid = (int)t->pid;
    int status = r == t->pid ? st : -1;
    ev.status = status;
    record(t, &ev);
    pthread_mutex_lock(&t->mu);
    t->exited = 1;
    t->status = status;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* ---- the output thread ------------------------------------------------------- */

static const char *const SUP_SANITIZER_MARKS[] = {
    "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "ERROR: HWAddressSanitizer",
    "WARNING: MemorySanitizer", "WARNING: ThreadSanitizer", "runtime error:",
};

/* Port from "... listening on 127.0.0.1:PORT ..." (the contract's readiness
 * line), 0 if the line is not one. */
static int ready_port_of(const char *line)
{
    const char *p = strstr(line, SUP_READY_NEEDLE);
    if (p == NULL)
        return 0;
    p += strlen(SUP_READY_NEEDLE);
    int port = 0;
    size_t digits = 0;
    while (p[digits] >= '0' && p[digits] <= '9' && digits < 6) {
        port = port * 10 + (p[digits] - '0');
        digits++;
    }
    if (digits == 0 || digits > 5 || port < 1 || port > SUP_MAX_PORT)
        return 0;
    return port;
}

/* "==1234==ERROR: ..." names the reporting process. */
static int sanitizer_pid(const char *line, int dflt)
{
    if (line[0] != '=' || line[1] != '=')
        return dflt;
    char *end = NULL;
    errno = 0;
    long v = strtol(line + 2, &end, 10);
    if (errno != 0 || end == line + 2 || end[0] != '=' || v <= 0 || v > INT_MAX)
        return dflt;
    return (int)v;
}

static void scan_line(struct gc_target *t)
{
    t->line[t->line_len] = '\0';
    for (size_t i = 0; i < SUP_N(SUP_SANITIZER_MARKS); i++) {
        if (strstr(t->line, SUP_SANITIZER_MARKS[i]) == NULL)
            continue;
        struct gc_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = GC_EV_SANITIZER;
        ev.pid = sanitizer_pid(t->line, (int)t->pid);
        copy_str(ev.path, sizeof ev.path, t->line, t->line_len);
        record(t, &ev);
        break;
    }
    int port = ready_port_of(t->line);
    if (port != 0) {
        pthread_mutex_lock(&t->mu);
        if (t->ready_port == 0)
            t->ready_port = port;
        pthread_cond_broadcast(&t->cv);
        pthread_mutex_unlock(&t->mu);
    }
    t->line_len = 0;
}

static void take_output(struct gc_target *t, const uint8_t *b, size_t n)
{
    pthread_mutex_lock(&t->mu);
    size_t keep = n;
    if (t->log_len + keep > GC_SUP_LOG_CAP)
        keep = GC_SUP_LOG_CAP - t->log_len;
    if (t->log_len + keep + 1 > t->log_cap) {
        size_t nc = t->log_cap == 0 ? SUP_READ_CHUNK : t->log_cap;
        while (nc < t->log_len + keep + 1)
            nc *= 2;
        if (nc > GC_SUP_LOG_CAP + 1)
            nc = GC_SUP_LOG_CAP + 1;
        uint8_t *nb = realloc(t->log, nc);
        if (nb == NULL) {
            keep = 0;
        } else {
            t->log = nb;
            t->log_cap = nc;
        }
    }
    if (keep > 0) {
        memcpy(t->log + t->log_len, b, keep);
        t->log_len += keep;
    }
    t->st.log_truncated += n - keep;
    pthread_mutex_unlock(&t->mu);

    if (t->log_fd >= 0) {
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(t->log_fd, b + off, n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break; /* the in-memory log is still complete */
            off += (size_t)w;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (b[i] == '\n') {
            scan_line(t);
            continue;
        }
        if (t->line_len < SUP_LINE_MAX - 1)
            t->line[t->line_len++] = (char)(b[i] == '\0' ? ' ' : b[i]);
    }
}

static void *out_main(void *arg)
{
    struct gc_target *t = arg;
    uint8_t *buf = malloc(SUP_READ_CHUNK);
    while (buf != NULL) {
        struct pollfd pf[2] = {{t->out_fd, POLLIN, 0}, {t->wake_fd, POLLIN, 0}};
        int pr = poll(pf, 2, -1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0 || ((pf[1].revents & POLLIN) && !(pf[0].revents & POLLIN)))
            break;
        ssize_t r = read(t->out_fd, buf, SUP_READ_CHUNK);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            break;
        take_output(t, buf, (size_t)r);
    }
    free(buf);
    if (t->line_len > 0)
        scan_line(t);
    pthread_mutex_lock(&t->mu);
    t->out_eof = 1;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* ---- launching --------------------------------------------------------------- */

int gc_split_cmd(const char *cmd, char *buf, size_t cap, const char **out, size_t out_cap)
{
    size_t len = cmd != NULL ? strlen(cmd) : 0;
    if (cmd == NULL || len + 1 > cap || out_cap == 0)
        return -1;
    memcpy(buf, cmd, len + 1);
    size_t n = 0;
    char *p = buf;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (*p == '\0')
            break;
        if (n + 1 >= out_cap || n >= GC_SUP_MAX_ARGS)
            return -1;
        out[n++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
    }
    if (n == 0)
        return -1;
    out[n] = NULL;
    return (int)n;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

static char **dup_strv(const char *const *v, size_t max, size_t *n_out)
{
    size_t n = 0;
    while (v != NULL && v[n] != NULL)
        n++;
    if (n > max)
        return NULL;
    char **c = calloc(n + 1, sizeof *c);
    for (size_t i = 0; c != NULL && i < n; i++) {
        c[i] = strdup(v[i]);
        if (c[i] == NULL) {
            free_strv(c);
            return NULL;
        }
    }
    if (n_out != NULL)
        *n_out = n;
    return c;
}

/* argv[0] as execve will take it: with a '/' as is, otherwise the first
 * executable regular file of that name in $PATH (done here, before fork). */
static char *resolve_exe(const char *name)
{
    if (strchr(name, '/') != NULL)
        return strdup(name);
    const char *path = getenv("PATH");
    if (path == NULL || path[0] == '\0')
        path = SUP_DEFAULT_PATH;
    const char *p = path;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t dl = colon != NULL ? (size_t)(colon - p) : strlen(p);
        char cand[PATH_MAX];
        int n = snprintf(cand, sizeof cand, "%.*s/%s", (int)(dl == 0 ? 1 : dl), dl == 0 ? "." : p,
                         name);
        struct stat sb;
        if (n > 0 && (size_t)n < sizeof cand && stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) &&
            access(cand, X_OK) == 0)
            return strdup(cand);
        if (colon == NULL)
            return NULL;
        p = colon + 1;
    }
}

static int env_name_eq(const char *a, const char *b)
{
    const char *ea = strchr(a, '=');
    const char *eb = strchr(b, '=');
    size_t la = ea != NULL ? (size_t)(ea - a) : strlen(a);
    size_t lb = eb != NULL ? (size_t)(eb - b) : strlen(b);
    return la == lb && memcmp(a, b, la) == 0;
}

/* environ minus the names in extra, plus extra. Pointers only (not owned). */
static char **build_envp(char **extra)
{
    size_t ne = 0, nx = 0;
    while (environ != NULL && environ[ne] != NULL)
        ne++;
    while (extra != NULL && extra[nx] != NULL)
        nx++;
    char **e = calloc(ne + nx + 1, sizeof *e);
    if (e == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < ne; i++) {
        int shadowed = 0;
        for (size_t j = 0; j < nx && !shadowed; j++)
            shadowed = env_name_eq(environ[i], extra[j]);
        if (!shadowed)
            e[k++] = environ[i];
    }
    for (size_t j = 0; j < nx; j++)
        e[k++] = extra[j];
    e[k] = NULL;
    return e;
}

/* The filter: SECCOMP_RET_USER_NOTIF for the watched calls of each ABI,
 * SECCOMP_RET_ALLOW for everything else. Returns the instruction count. */
static size_t build_filter(struct sock_filter *f, int watch_open)
{
    size_t n = 0;
#ifndef SUP_NO_ARCH
    size_t notify_at = 0;
    /* Instruction indexes of the jumps to patch once the RET_NOTIFY index is known. */
    size_t patch[SUP_MAX_FILTER];
    size_t np = 0;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch));
    for (size_t a = 0; a < SUP_N(SUP_ARCHES); a++) {
        size_t cnt = 0;
        for (size_t i = 0; i < SUP_N(SUP_SYSCALLS); i++)
            if (SUP_SYSCALLS[i].arch == SUP_ARCHES[a] && (watch_open || !SUP_SYSCALLS[i].is_open))
                cnt++;
        /* jeq arch → fall into this block, else skip it (ld nr + cnt jeq + ret). */
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SUP_ARCHES[a], 0,
                                              (uint8_t)(cnt + 2));
        f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                              offsetof(struct seccomp_data, nr));
        for (size_t i = 0; i < SUP_N(SUP_SYSCALLS); i++) {
            if (SUP_SYSCALLS[i].arch != SUP_ARCHES[a] || (!watch_open && SUP_SYSCALLS[i].is_open))
                continue;
            patch[np++] = n;
            f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                                  (uint32_t)SUP_SYSCALLS[i].nr, 0, 0);
        }
        f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW); /* other ABIs */
    notify_at = n;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
    for (size_t i = 0; i < np; i++)
        f[patch[i]].jt = (uint8_t)(notify_at - patch[i] - 1);
#else
    (void)f, (void)watch_open;
#endif
    return n;
}

struct child_msg {
    int seccomp_errno; /* 0 = filter installed, listener fd attached */
    int nnp;           /* we set no_new_privs */
    int exec_errno;    /* second message: execve failed */
};

/* Runs in the forked child: async-signal-safe calls only (the parent has
 * threads). Never returns. */
static void child_exec(struct gc_target *t, char **envp, int sock, int out_w, int devnull,
                       const struct sock_fprog *prog, pid_t parent)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127); /* the launcher died before prctl took effect */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        sigaction(s, &sa, NULL); /* an ignored SIGPIPE/SIGTERM would be inherited */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    dup2(devnull, STDIN_FILENO);
    dup2(out_w, STDOUT_FILENO);
    dup2(out_w, STDERR_FILENO);

    struct child_msg m = {0, 0, 0};
    int lfd = -1;
    if (prog != NULL) {
        lfd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                           prog);
        if (lfd < 0 && errno == EACCES) {
            /* Without CAP_SYS_ADMIN a filter needs no_new_privs (seccomp(2)). Only
             * then do we set it, so a privileged launch leaves the target's own
             * NoNewPrivs observable for the posture checks. */
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
                m.nnp = 1;
                lfd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                   SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
            }
        }
        m.seccomp_errno = lfd < 0 ? errno : 0;
    } else {
        m.seccomp_errno = ENOSYS;
    }
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {&m, sizeof m};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (lfd >= 0) {
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &lfd, sizeof(int));
    }
    if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
        _exit(127);
    if (lfd >= 0)
        close(lfd); /* the target must never hold its own listener */
    /* Everything else the harness had open stays out of the target. */
    syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);
    if (t->cwd != NULL && chdir(t->cwd) != 0) {
        m.exec_errno = errno;
        (void)!write(sock, &m, sizeof m);
        _exit(127);
    }
    execve(t->exe, t->argv, envp);
    m.exec_errno = errno;
    (void)!write(sock, &m, sizeof m);
    _exit(127);
}

static int recv_msg(int sock, struct child_msg *m, int *fd, int timeout_ms)
{
    struct pollfd pf = {sock, POLLIN, 0};
    int pr;
    do
        pr = poll(&pf, 1, timeout_ms);
    while (pr < 0 && errno == EINTR);
    if (pr <= 0)
        return -1;
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {m, sizeof *m};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t r;
    do
        r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return 0; /* EOF */
    if (r != (ssize_t)sizeof *m)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && fd != NULL)
            memcpy(fd, CMSG_DATA(c), sizeof(int));
    return 1;
}

static int port_accepts(int port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return 0;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    close(s);
    return ok;
}

/* Last line of the log, for error messages. */
static void log_tail(struct gc_target *t, char *out, size_t cap)
{
    pthread_mutex_lock(&t->mu);
    /* The exit may be seen before the output thread drained the pipe. */
    struct timespec dl;
    deadline_in(&dl, SUP_DRAIN_MS);
    while (!t->out_eof && pthread_cond_timedwait(&t->cv, &t->mu, &dl) != ETIMEDOUT) {
    }
    if (t->log == NULL) {
        pthread_mutex_unlock(&t->mu);
        copy_str(out, cap, "", 0);
        return;
    }
    size_t end = t->log_len;
    while (end > 0 && (t->log[end - 1] == '\n' || t->log[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && t->log[start - 1] != '\n')
        start--;
    copy_str(out, cap, (const char *)t->log + start, end - start);
    pthread_mutex_unlock(&t->mu);
}

static void describe_status(int st, char *out, size_t cap)
{
    if (st < 0)
        snprintf(out, cap, "unknown status");
    else if (WIFSIGNALED(st))
        snprintf(out, cap, "killed by signal %d", WTERMSIG(st));
    else
        snprintf(out, cap, "exit status %d", WEXITSTATUS(st));
}

/* Wait for readiness. Returns 0, or -1 with err. */
static int wait_ready(struct gc_target *t, char *err, size_t cap)
{
    struct timespec dl;
    deadline_in(&dl, t->ready_ms);
    for (;;) {
        pthread_mutex_lock(&t->mu);
        int exited = t->exited, st = t->status, rp = t->ready_port;
        pthread_mutex_unlock(&t->mu);
        if (t->opt_port > 0 && port_accepts(t->opt_port)) {
            t->port = t->opt_port;
            return 0;
        }
        if (t->opt_port == 0 && rp != 0) {
            t->port = rp;
            return 0;
        }
        if (exited) {
            char how[64], tail[200];
            describe_status(st, how, sizeof how);
            log_tail(t, tail, sizeof tail);
            gc_errf(err, cap, "target exited before it was ready (%s)%s%s", how,
                 tail[0] != '\0' ? ": " : "", tail);
            return -1;
        }
        if (past(&dl)) {
            gc_errf(err, cap, "target not ready after %d ms (%s)", t->ready_ms,
                 t->opt_port > 0 ? "port does not accept" : "no \"listening on\" line");
            return -1;
        }
        if (t->opt_port > 0) {
            struct timespec ts = {0, SUP_POLL_STEP_MS * 1000000L};
            nanosleep(&ts, NULL);
        } else {
            struct timespec step;
            deadline_in(&step, SUP_POLL_STEP_MS * 10);
            pthread_mutex_lock(&t->mu);
            if (t->ready_port == 0 && !t->exited)
                pthread_cond_timedwait(&t->cv, &t->mu, &step);
            pthread_mutex_unlock(&t->mu);
        }
    }
}

static void join_run(struct gc_target *t);

/* SECCOMP_USER_NOTIF_FLAG_CONTINUE exists since Linux 5.5; without it a
 * notified call could only be emulated or failed, never let through, so we
 * do not supervise at all. It cannot be probed without a notification. */
static int kernel_has_continue(void)
{
    struct utsname u;
    if (uname(&u) != 0)
        return 0;
    char *end = NULL;
    long major = strtol(u.release, &end, 10);
    if (end == u.release || *end != '.')
        return 0;
    const char *mp = end + 1;
    long minor = strtol(mp, &end, 10);
    if (end == mp)
        return 0;
    return major > 5 || (major == 5 && minor >= 5);
}

static int start_run(struct gc_target *t, char *err, size_t cap)
{
    int sp[2] = {-1, -1}, op[2] = {-1, -1};
    int devnull = -1;
    char **envp = NULL;
    struct sock_filter filt[SUP_MAX_FILTER];
    struct sock_fprog prog = {0, filt};
    const struct sock_fprog *progp = NULL;

    t->pid = -1;
    t->listener = -1;
    t->out_fd = -1;
    t->wake_fd = -1;
    t->log_fd = -1;
    t->have_notify = t->have_wait = t->have_out = 0;
    t->supervised = 0;
    t->nnp_by_launcher = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
    t->reason[0] = '\0';
    t->lost[0] = '\0';
    t->stopped = 0;
    t->stop_status = -1;
    t->exited = 0;
    t->status = -1;
    t->out_eof = 0;
    t->ready_port = 0;
    t->port = 0;
    t->line_len = 0;

#ifdef SUP_NO_ARCH
    if (t->supervise)
        snprintf(t->reason, sizeof t->reason, "supervisor: architecture not supported");
#else
    if (t->supervise && !kernel_has_continue()) {
        snprintf(t->reason, sizeof t->reason,
                 "kernel older than 5.5: no SECCOMP_USER_NOTIF_FLAG_CONTINUE");
    } else if (t->supervise) {
        prog.len = (unsigned short)build_filter(filt, t->watch_open);
        progp = &prog;
    }
#endif
    if (!t->supervise)
        snprintf(t->reason, sizeof t->reason, "supervision not requested");

    envp = build_envp(t->env_extra);
    if (envp == NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0 ||
        pipe2(op, O_CLOEXEC) != 0 || (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
        (t->wake_fd = eventfd(0, EFD_CLOEXEC)) < 0) {
        gc_errf(err, cap, "launch: setup: %s", strerror(errno));
        goto fail_early;
    }
    if (t->log_partial != NULL) {
        t->log_fd = open(t->log_partial, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (t->log_fd < 0) {
            gc_errf(err, cap, "launch: log %s: %s", t->log_partial, strerror(errno));
            goto fail_early;
        }
    }

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        gc_errf(err, cap, "launch: fork: %s", strerror(errno));
        goto fail_early;
    }
    if (pid == 0)
        child_exec(t, envp, sp[1], op[1], devnull, progp, parent);
    /* Also from here, so a kill(-pid) right after launch cannot miss. */
    setpgid(pid, pid);
    t->pid = pid;
    close(sp[1]);
    close(op[1]);
    close(devnull);
    sp[1] = op[1] = devnull = -1;
    free(envp);
    envp = NULL;
    t->out_fd = op[0];
    op[0] = -1;

    t->have_out = pthread_create(&t->th_out, NULL, out_main, t) == 0;
    t->have_wait = pthread_create(&t->th_wait, NULL, wait_main, t) == 0;
    if (!t->have_out || !t->have_wait) {
        gc_errf(err, cap, "launch: threads: %s", strerror(errno));
        goto fail_run;
    }

    struct child_msg m = {0, 0, 0};
    int lfd = -1;
    if (recv_msg(sp[0], &m, &lfd, SUP_HANDSHAKE_MS) != 1) {
        gc_errf(err, cap, "launch: no word from the child");
        goto fail_run;
    }
    t->nnp_by_launcher |= m.nnp;
    if (lfd >= 0) {
        t->listener = lfd;
        t->supervised = 1;
        t->have_notify = pthread_create(&t->th_notify, NULL, notify_main, t) == 0;
        if (!t->have_notify) {
            gc_errf(err, cap, "launch: notify thread: %s", strerror(errno));
            goto fail_run;
        }
    } else if (t->supervise && t->reason[0] == '\0') {
        snprintf(t->reason, sizeof t->reason, "seccomp user notification unavailable: %s",
                 strerror(m.seccomp_errno));
    }
    /* EOF = execve succeeded (the socket is close-on-exec); a message = it
     * failed. With supervision the execve waits for the notify thread, which
     * is running now. */
    m.exec_errno = 0;
    int r = recv_msg(sp[0], &m, NULL, t->ready_ms);
    if (r != 0) {
        if (r > 0)
            gc_errf(err, cap, "launch: execve %s: %s", t->exe, strerror(m.exec_errno));
        else
            gc_errf(err, cap, "launch: execve %s did not complete", t->exe);
        goto fail_run;
    }
    close(sp[0]);
    sp[0] = -1;
    if (t->opt_port != GC_SUP_PORT_NONE && wait_ready(t, err, cap) != 0)
        goto fail_run;
    return 0;

fail_run:
    kill(-t->pid, SIGKILL); /* t->pid > 0 here: set right after fork */
    join_run(t);
fail_early:
    t->stopped = 1; /* nothing left to stop: stop()/free() must not signal */
    t->stop_status = -1;
    if (sp[0] >= 0)
        close(sp[0]);
    if (sp[1] >= 0)
        close(sp[1]);
    if (op[0] >= 0)
        close(op[0]);
    if (op[1] >= 0)
        close(op[1]);
    if (devnull >= 0)
        close(devnull);
    free(envp);
    if (t->wake_fd >= 0)
        close(t->wake_fd);
    t->wake_fd = -1;
    if (t->log_fd >= 0)
        close(t->log_fd);
    t->log_fd = -1;
    return -1;
}

static void target_destroy(struct gc_target *t)
{
    free_strv(t->argv);
    free_strv(t->env_extra);
    free(t->exe);
    free(t->log_path);
    free(t->cwd);
    free(t->log_partial);
    if (t->ring != NULL)
        for (uint64_t s = t->first_seq; s < t->next_seq; s++)
            event_release(&t->ring[s % GC_SUP_MAX_EVENTS].ev);
    free(t->ring);
    free(t->log);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}

int gc_target_launch(const struct gc_launch_opts *o, struct gc_target **out, char *err,
                     size_t cap)
{
    if (o == NULL || out == NULL || o->argv == NULL || o->argv[0] == NULL) {
        gc_errf(err, cap, "launch: no command");
        return -1;
    }
    if (o->port < GC_SUP_PORT_NONE || o->port > SUP_MAX_PORT || o->ready_timeout_ms < 0) {
        gc_errf(err, cap, "launch: bad port or timeout");
        return -1;
    }
    struct gc_target *t = calloc(1, sizeof *t);
    if (t == NULL) {
        gc_errf(err, cap, "launch: out of memory");
        return -1;
    }
    pthread_mutex_init(&t->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    clock_gettime(CLOCK_MONOTONIC, &t->t0);
    t->opt_port = o->port;
    t->ready_ms = o->ready_timeout_ms > 0 ? o->ready_timeout_ms : GC_SUP_DEFAULT_READY_MS;
    t->supervise = o->supervise;
    t->watch_open = o->watch_open;
    t->argv = dup_strv(o->argv, GC_SUP_MAX_ARGS, NULL);
    t->env_extra = dup_strv(o->env, GC_SUP_MAX_ENV, NULL);
    t->ring = calloc(GC_SUP_MAX_EVENTS, sizeof *t->ring);
    if (t->argv == NULL || t->env_extra == NULL || t->ring == NULL) {
        gc_errf(err, cap, "launch: too many arguments/environment entries, or out of memory");
        target_destroy(t);
        return -1;
    }
    t->exe = resolve_exe(t->argv[0]);
    if (t->exe == NULL) {
        gc_errf(err, cap, "launch: %s: not found in PATH", t->argv[0]);
        target_destroy(t);
        return -1;
    }
    if (o->cwd != NULL) {
        struct stat cst;
        const char *why = stat(o->cwd, &cst) != 0 ? strerror(errno)
                          : !S_ISDIR(cst.st_mode) ? "not a directory"
                                                  : NULL;
        t->cwd = why == NULL ? strdup(o->cwd) : NULL;
        if (t->cwd == NULL) {
            gc_errf(err, cap, "launch: working directory %s: %s", o->cwd,
                 why != NULL ? why : "out of memory");
            target_destroy(t);
            return -1;
        }
    }
    if (o->log_path != NULL) {
        size_t n = strlen(o->log_path) + sizeof ".partial";
        t->log_path = strdup(o->log_path);
        t->log_partial = malloc(n);
        if (t->log_path == NULL || t->log_partial == NULL) {
            gc_errf(err, cap, "launch: out of memory");
            target_destroy(t);
            return -1;
        }
        snprintf(t->log_partial, n, "%s.partial", o->log_path);
        /* A fresh log per launch; restarts append to it. */
        int fd = open(t->log_partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) {
            gc_errf(err, cap, "launch: log %s: %s", t->log_partial, strerror(errno));
            target_destroy(t);
            return -1;
        }
        close(fd);
    }
    if (start_run(t, err, cap) != 0) {
        if (t->log_partial != NULL)
            unlink(t->log_partial);
        target_destroy(t);
        return -1;
    }
    *out = t;
    return 0;
}

/* Wait (bounded) until the target is reaped. Returns 1 if it was. */
static int wait_exit(struct gc_target *t, int ms)
{
    struct timespec dl;
    deadline_in(&dl, ms);
    pthread_mutex_lock(&t->mu);
    while (!t->exited) {
        if (pthread_cond_timedwait(&t->cv, &t->mu, &dl) == ETIMEDOUT)
            break;
    }
    int done = t->exited;
    pthread_mutex_unlock(&t->mu);
    return done;
}

/* After the target is gone (or given up on): stop and join the threads. */
static void join_run(struct gc_target *t)
{
    if (t->have_wait) {
        if (!wait_exit(t, SUP_KILL_WAIT_MS)) {
            /* Unreapable within the bound (e.g. stuck in uninterruptible
             * sleep): leave the waiter detached rather than hang the harness. */
            pthread_detach(t->th_wait);
        } else {
            pthread_join(t->th_wait, NULL);
        }
        t->have_wait = 0;
    }
    /* Stragglers in the process group (children of the target) hold the
     * output pipe and the filter: they go too. */
    if (t->pid > 0)
        kill(-t->pid, SIGKILL);
    if (t->have_out) {
        struct timespec dl;
        deadline_in(&dl, SUP_DRAIN_MS);
        pthread_mutex_lock(&t->mu);
        while (!t->out_eof && pthread_cond_timedwait(&t->cv, &t->mu, &dl) != ETIMEDOUT) {
        }
        pthread_mutex_unlock(&t->mu);
    }
    if (t->wake_fd >= 0) {
        uint64_t one = 1;
        (void)!write(t->wake_fd, &one, sizeof one);
    }
    if (t->have_out)
        pthread_join(t->th_out, NULL);
    if (t->have_notify)
        pthread_join(t->th_notify, NULL);
    t->have_out = t->have_notify = 0;
    if (t->listener >= 0)
        close(t->listener);
    if (t->out_fd >= 0)
        close(t->out_fd);
    if (t->wake_fd >= 0)
        close(t->wake_fd);
    t->listener = t->out_fd = t->wake_fd = -1;
}

int gc_target_stop(struct gc_target *t)
{
    if (t == NULL)
        return -1;
    if (t->stopped || t->pid <= 0)
        return t->stopped ? t->stop_status : -1;
    if (!wait_exit(t, 0)) {
        kill(-t->pid, SIGTERM);
        if (!wait_exit(t, GC_SUP_STOP_GRACE_MS))
            kill(-t->pid, SIGKILL);
    }
    join_run(t);
    pthread_mutex_lock(&t->mu);
    t->stop_status = t->exited ? t->status : -1;
    pthread_mutex_unlock(&t->mu);
    t->stopped = 1;
    if (t->log_fd >= 0) {
        /* Atomic publication of the log: fsync the partial file, rename. */
        fsync(t->log_fd);
        close(t->log_fd);
        t->log_fd = -1;
        if (t->log_path != NULL)
            rename(t->log_partial, t->log_path);
    }
    return t->stop_status;
}

int gc_target_restart(struct gc_target *t, char *err, size_t cap)
{
    if (t == NULL) {
        gc_errf(err, cap, "restart: no target");
        return -1;
    }
    gc_target_stop(t);
    if (t->log_path != NULL && rename(t->log_path, t->log_partial) != 0 && errno != ENOENT) {
        gc_errf(err, cap, "restart: log: %s", strerror(errno));
        return -1;
    }
    return start_run(t, err, cap);
}

void gc_target_free(struct gc_target *t)
{
    if (t == NULL)
        return;
    gc_target_stop(t);
    target_destroy(t);
}

int gc_target_pid(const struct gc_target *t) { return t != NULL ? (int)t->pid : -1; }
int gc_target_port(const struct gc_target *t) { return t != NULL ? t->port : 0; }
int gc_target_supervised(const struct gc_target *t) { return t != NULL && t->supervised; }
const char *gc_target_unsupervised_reason(const struct gc_target *t)
{
    return t == NULL ? "no target" : t->supervised ? "" : t->reason;
}

const char *gc_target_supervision_lost(struct gc_target *t)
{
    if (t == NULL)
        return "";
    pthread_mutex_lock(&t->mu);
    const char *r = t->lost; /* written once per run, before the notify thread exits */
    pthread_mutex_unlock(&t->mu);
    return r;
}
int gc_target_supervisor_filters(const struct gc_target *t) { return gc_target_supervised(t); }
int gc_target_nnp_set_by_launcher(const struct gc_target *t) { return t != NULL && t->nnp_by_launcher; }

int gc_target_alive(struct gc_target *t)
{
    if (t == NULL)
        return 0;
    pthread_mutex_lock(&t->mu);
    int alive = !t->exited && t->pid > 0;
    pthread_mutex_unlock(&t->mu);
    return alive;
}

void gc_target_stats(struct gc_target *t, struct gc_sup_stats *s)
{
    pthread_mutex_lock(&t->mu);
    *s = t->st;
    pthread_mutex_unlock(&t->mu);
}

uint64_t gc_target_seq(struct gc_target *t)
{
    pthread_mutex_lock(&t->mu);
    uint64_t s = t->next_seq;
    pthread_mutex_unlock(&t->mu);
    return s;
}

size_t gc_target_events_since(struct gc_target *t, uint64_t seq, struct gc_event *out,
                              size_t cap, uint64_t *next, uint64_t *dropped)
{
    size_t n = 0;
    pthread_mutex_lock(&t->mu);
    uint64_t s = seq < t->first_seq ? t->first_seq : seq;
    if (dropped != NULL)
        *dropped = seq < t->first_seq ? t->first_seq - seq : 0;
    for (; s < t->next_seq && n < cap; s++, n++) {
        const struct gc_event *src = &t->ring[s % GC_SUP_MAX_EVENTS].ev;
        struct gc_event *d = &out[n];
        *d = *src;
        memset(d->argv, 0, sizeof d->argv);
        for (size_t i = 0; i < src->argc; i++) {
            d->argv[i] = malloc(src->argv_len[i] + 1);
            if (d->argv[i] == NULL) {
                d->argc = i; /* keep what fits; the oracle sees a short argv */
                break;
            }
            memcpy(d->argv[i], src->argv[i], src->argv_len[i] + 1);
        }
    }
    if (next != NULL)
        *next = s;
    pthread_mutex_unlock(&t->mu);
    return n;
}

int gc_target_log(struct gc_target *t, uint8_t **buf, size_t *len)
{
    pthread_mutex_lock(&t->mu);
    uint8_t *c = malloc(t->log_len + 1);
    if (c != NULL) {
        if (t->log_len > 0)
            memcpy(c, t->log, t->log_len);
        c[t->log_len] = '\0';
        *buf = c;
        *len = t->log_len;
    }
    pthread_mutex_unlock(&t->mu);
    return c != NULL ? 0 : -1;
}
