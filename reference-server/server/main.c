/* main.c: gatekeeper's command line, startup and supervisor.
 *
 * Order matters: load every fixture (files, keys, certificates) and open what
 * the workers will need (/dev/null, the listening socket), then apply the
 * sandbox, then fork the workers so all of them inherit it. The parent only
 * supervises: it forwards SIGTERM/SIGINT, reaps, and restarts a worker that
 * died unexpectedly. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/ssl.h>
#include "conn.h"
#include "plant.h"

#define GK_SUMMARY_MAX 512
#define GK_ERR_MAX 1024
#define GK_NOFILE_WANT 65536
#define GK_STOP_GRACE_MS 5000   /* after this, workers still alive get SIGKILL */
#define GK_RESTART_FAST_MS 1000 /* a worker dying sooner than this is crash-looping */
#define GK_RESTART_BACKOFF_MS 1000

static const char usage_text[] =
    "usage: gatekeeper --fixtures DIR --port N [--workers N] [--handshake-timeout-ms N]\n"
    "                  [--header-timeout-ms N] [--idle-timeout-ms N] [--quiet] [--help]\n"
    "  --fixtures DIR   contract fixture directory (default: $GATECRASH_FIXTURES)\n"
    "  --port N         TCP port on 127.0.0.1, 0 picks a free one (default: $GATECRASH_PORT)\n"
    "  --workers N      worker processes (default: number of CPUs)\n"
    "  --handshake-timeout-ms N, --header-timeout-ms N, --idle-timeout-ms N\n"
    "                   connection timeouts (defaults 5000, 10000, 30000)\n"
    "  --quiet          no per-request log lines\n"
    "  --plant NAME     activate a planted bug (test builds only; repeatable; docs/PLANTED.md)\n";

enum {
    OPT_FIXTURES = 256,
    OPT_PORT,
    OPT_WORKERS,
    OPT_HS_TMO,
    OPT_HDR_TMO,
    OPT_IDLE_TMO,
    OPT_QUIET,
    OPT_PLANT
};

static const struct option long_opts[] = {
    {"fixtures", required_argument, NULL, OPT_FIXTURES},
    {"port", required_argument, NULL, OPT_PORT},
    {"workers", required_argument, NULL, OPT_WORKERS},
    {"handshake-timeout-ms", required_argument, NULL, OPT_HS_TMO},
    {"header-timeout-ms", required_argument, NULL, OPT_HDR_TMO},
    {"idle-timeout-ms", required_argument, NULL, OPT_IDLE_TMO},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"plant", required_argument, NULL, OPT_PLANT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#if defined(__SANITIZE_ADDRESS__)
#define GK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GK_ASAN 1
#endif
#endif
#ifdef GK_ASAN
/* LeakSanitizer's exit-time scan needs /proc/<pid>/task and ptrace, both of
 * which the sandbox forbids by design; it would turn every clean exit into a
 * fatal error. ASan's other checks stay on. Overridable via ASAN_OPTIONS. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}
#endif

/* Whole-string decimal in [min, max]; 0 on success. */
static int parse_int(const char *s, long min, long max, int *out)
{
    if (!s || !*s)
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static int default_workers(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int parse_args(int argc, char **argv, struct gk_opts *o)
{
    o->port = -1;
    o->workers = 0;
    o->handshake_timeout_ms = GK_DEFAULT_HANDSHAKE_TIMEOUT_MS;
    o->header_timeout_ms = GK_DEFAULT_HEADER_TIMEOUT_MS;
    o->idle_timeout_ms = GK_DEFAULT_IDLE_TIMEOUT_MS;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case OPT_FIXTURES:
            o->fixtures = optarg;
            break;
        case OPT_PORT:
            bad = parse_int(optarg, 0, 65535, &o->port);
            break;
        case OPT_WORKERS:
            bad = parse_int(optarg, 1, GK_MAX_WORKERS, &o->workers);
            break;
        case OPT_HS_TMO:
            bad = parse_int(optarg, 1, GK_TIMEOUT_MAX_MS, &o->handshake_timeout_ms);
            break;
        case OPT_HDR_TMO:
            bad = parse_int(optarg, 1, GK_TIMEOUT_MAX_MS, &o->header_timeout_ms);
            break;
        case OPT_IDLE_TMO:
            bad = parse_int(optarg, 1, GK_TIMEOUT_MAX_MS, &o->idle_timeout_ms);
            break;
        case OPT_QUIET:
            o->quiet = 1;
            break;
        case OPT_PLANT:
            if (gk_plant_enable(optarg) != 0)
                return -1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        default:
            fprintf(stderr, "gatekeeper: unknown or incomplete option\n");
            return -1;
        }
        if (bad) {
            fprintf(stderr, "gatekeeper: bad value for --%s: %s\n",
                    long_opts[c - OPT_FIXTURES].name, optarg);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "gatekeeper: unexpected argument: %s\n", argv[optind]);
        return -1;
    }
    if (!o->fixtures)
        o->fixtures = getenv("GATECRASH_FIXTURES");
    if (o->port < 0 && getenv("GATECRASH_PORT") &&
        parse_int(getenv("GATECRASH_PORT"), 0, 65535, &o->port) != 0) {
        fprintf(stderr, "gatekeeper: bad GATECRASH_PORT\n");
        return -1;
    }
    if (!o->fixtures || !*o->fixtures || o->port < 0) {
        fprintf(stderr, "gatekeeper: --fixtures and --port are required\n");
        return -1;
    }
    if (o->workers == 0)
        o->workers = default_workers();
    if (o->workers > GK_MAX_WORKERS)
        o->workers = GK_MAX_WORKERS;
    return 0;
}

static int listen_on(int port, int *bound_port, char *err, size_t err_cap)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_cap, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sin;
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(fd, GK_LISTEN_BACKLOG) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &sl) != 0) {
        snprintf(err, err_cap, "127.0.0.1:%d: %s", port, strerror(errno));
        close(fd);
        return -1;
    }
    *bound_port = ntohs(sin.sin_port);
    return fd;
}

static void mark_inherited_cloexec(void)
{
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return;
    struct rlimit rl;
    rlim_t max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < GK_NOFILE_WANT
                     ? rl.rlim_cur
                     : GK_NOFILE_WANT;
    for (rlim_t fd = 3; fd < max; fd++) {
        int fl = fcntl((int)fd, F_GETFD);
        if (fl >= 0 && !(fl & FD_CLOEXEC))
            (void)fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC);
    }
}

static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want =
        rl.rlim_max == RLIM_INFINITY || rl.rlim_max > GK_NOFILE_WANT ? GK_NOFILE_WANT : rl.rlim_max;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = want;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Is `path` the directory `dir` or inside it? Both absolute and realpath'd. */
static int path_is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* ---------------------------------------------------------------- supervisor */

struct worker_slot {
    pid_t pid; /* 0: not running */
    int64_t started_ms;
    int64_t restart_at_ms;
};

struct startup {
    const struct gk_server_ctx *ctx;
    SSL_CTX *ssl_ctx;
    int listen_fd;
    int devnull_fd;
    const struct gk_opts *opts;
    pid_t parent;
};

static pid_t start_worker(const struct startup *st, int id, struct worker_slot *slot)
{
    pid_t pid = fork();
    if (pid < 0) {
        gk_log("error", "fork worker %d: %s", id, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* A worker must not outlive its supervisor. */
        (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != st->parent)
            _exit(0);
        int rc = gk_worker_run(id, st->ctx, st->ssl_ctx, st->listen_fd, st->devnull_fd, st->opts);
        SSL_CTX_free(st->ssl_ctx);
        gk_fixtures_free((struct gk_server_ctx *)st->ctx);
        exit(rc);
    }
    slot->pid = pid;
    slot->started_ms = gk_now_ms();
    slot->restart_at_ms = 0;
    return pid;
}

static void describe_status(int wstatus, char *out, size_t cap)
{
    if (WIFEXITED(wstatus))
        snprintf(out, cap, "exit %d", WEXITSTATUS(wstatus));
    else if (WIFSIGNALED(wstatus))
        snprintf(out, cap, "signal %d (%s)", WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
    else
        snprintf(out, cap, "status 0x%x", (unsigned)wstatus);
}

/* Signals reach the supervisor only inside ppoll (they are blocked
 * otherwise), so a flag cannot be set between its check and the wait. */
static volatile sig_atomic_t g_stop_sig;
static volatile sig_atomic_t g_child;

static void on_signal(int sig)
{
    if (sig == SIGCHLD)
        g_child = 1;
    else
        g_stop_sig = sig;
}

static int supervise(const struct startup *st, struct worker_slot *slots, int n,
                     const sigset_t *waitmask)
{
    int stopping = 0;
    int64_t kill_at = 0;
    for (;;) {
        int64_t now = gk_now_ms();
        int64_t wait_ms = GK_TICK_MAX_MS;
        for (int i = 0; i < n; i++)
            if (!stopping && slots[i].pid == 0 && slots[i].restart_at_ms - now < wait_ms)
                wait_ms = slots[i].restart_at_ms - now;
        if (wait_ms < 0)
            wait_ms = 0;
        struct timespec ts = {.tv_sec = wait_ms / 1000, .tv_nsec = (wait_ms % 1000) * 1000000};
        if (!g_stop_sig && !g_child)
            (void)ppoll(NULL, 0, &ts, waitmask);
        now = gk_now_ms();
        if (g_stop_sig && !stopping) {
            stopping = 1;
            kill_at = now + GK_STOP_GRACE_MS;
            gk_log("info", "signal %d: draining workers", (int)g_stop_sig);
            for (int i = 0; i < n; i++)
                if (slots[i].pid > 0)
                    (void)kill(slots[i].pid, SIGTERM);
        }
        g_child = 0;
        int wstatus;
        pid_t pid;
        while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
            for (int i = 0; i < n; i++) {
                if (slots[i].pid != pid)
                    continue;
                slots[i].pid = 0;
                if (stopping)
                    break;
                char why[96];
                describe_status(wstatus, why, sizeof why);
                int fast = now - slots[i].started_ms < GK_RESTART_FAST_MS;
                gk_log("error", "worker %d (pid %d) died unexpectedly: %s; restarting%s", i,
                       (int)pid, why, fast ? " after a back-off" : "");
                slots[i].restart_at_ms = now + (fast ? GK_RESTART_BACKOFF_MS : 0);
                break;
            }
        }
        int live = 0;
        for (int i = 0; i < n; i++) {
            if (!stopping && slots[i].pid == 0 && slots[i].restart_at_ms <= now)
                (void)start_worker(st, i, &slots[i]);
            live += slots[i].pid > 0;
        }
        if (stopping && live == 0)
            return 0;
        if (stopping && now >= kill_at) {
            for (int i = 0; i < n; i++)
                if (slots[i].pid > 0)
                    (void)kill(slots[i].pid, SIGKILL);
            kill_at = now + GK_STOP_GRACE_MS;
        }
    }
}

int main(int argc, char **argv)
{
    static struct gk_opts opts;
    static struct gk_server_ctx ctx;
    static struct worker_slot slots[GK_MAX_WORKERS];
    char err[GK_ERR_MAX];
    char summary[GK_SUMMARY_MAX];

    /* Descriptors inherited from whoever started us must not reach the
     * helper: mark them all close-on-exec before opening anything. */
    mark_inherited_cloexec();
    if (parse_args(argc, argv, &opts) != 0) {
        fputs(usage_text, stderr);
        return 2;
    }
    gk_log_set_worker(-1);
    gk_log_set_quiet(opts.quiet);
    /* Writes to a peer that went away must fail with EPIPE, not kill us. The
     * helper gets default dispositions back (POSIX_SPAWN_SETSIGDEF). */
    signal(SIGPIPE, SIG_IGN);
    raise_nofile();
    if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) !=
        1) {
        fprintf(stderr, "gatekeeper: OpenSSL initialisation failed\n");
        return 2;
    }

    err[0] = '\0';
    if (gk_fixtures_load(opts.fixtures, &ctx, err, sizeof err) != 0) {
        fprintf(stderr, "gatekeeper: %s\n", err[0] ? err : "cannot load fixtures");
        return 2;
    }
    SSL_CTX *ssl_ctx = gk_tls_ctx_new(&ctx, err, sizeof err);
    if (!ssl_ctx) {
        fprintf(stderr, "gatekeeper: %s\n", err);
        gk_fixtures_free(&ctx);
        return 2;
    }
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    int port = 0;
    int lfd = devnull < 0 ? -1 : listen_on(opts.port, &port, err, sizeof err);
    if (devnull < 0 || lfd < 0) {
        fprintf(stderr, "gatekeeper: %s\n", devnull < 0 ? "cannot open /dev/null" : err);
        SSL_CTX_free(ssl_ctx);
        gk_fixtures_free(&ctx);
        return 2;
    }

    struct gk_sandbox_opts sb = {
        .fixtures_dir = ctx.fixtures_dir,
        .helper_path = ctx.helper_abs,
        .allow_spawn = 1,
        .files_root =
            path_is_under(ctx.files_root_abs, ctx.fixtures_dir) ? NULL : ctx.files_root_abs,
    };
    summary[0] = '\0';
    err[0] = '\0';
#ifdef GK_PLANTED_BUGS
    gk_plant_sandbox(&sb);
    int keep_root = gk_plant_on(GK_PLANT_KEEP_ROOT); /* planted: root, capabilities, no sandbox */
#else
    int keep_root = 0;
#endif
    if (keep_root) {
        snprintf(summary, sizeof summary, "none (planted bug keep-root)");
    } else if (gk_sandbox_apply(&sb, summary, sizeof summary, err, sizeof err) != 0) {
        fprintf(stderr, "gatekeeper: sandbox: %s\n", err[0] ? err : "failed");
        return 2;
    }
    gk_log("info", "sandbox: %s", summary);

    sigset_t sigs, waitmask;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGCHLD);
    sigprocmask(SIG_BLOCK, &sigs, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    sigdelset(&waitmask, SIGCHLD);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);

    struct startup st = {&ctx, ssl_ctx, lfd, devnull, &opts, getpid()};
    for (int i = 0; i < opts.workers; i++) {
        if (start_worker(&st, i, &slots[i]) < 0) {
            for (int j = 0; j < i; j++)
                (void)kill(slots[j].pid, SIGKILL);
            return 2;
        }
    }
    char line[128];
    int n = snprintf(line, sizeof line, "gatekeeper: listening on 127.0.0.1:%d workers=%d\n", port,
                     opts.workers);
    if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0)
        gk_log("warn", "cannot write the startup line");

    int rc = supervise(&st, slots, opts.workers, &waitmask);
    close(lfd);
    close(devnull);
    SSL_CTX_free(ssl_ctx);
    gk_fixtures_free(&ctx);
    gk_log("info", "stopped");
    return rc;
}
