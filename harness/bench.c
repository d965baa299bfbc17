/* harness/bench.c: `gatecrash bench` (bench.h).
 *
 * Modes, each for --time seconds except the catalogue:
 *   catalogue   the whole catalogue through `gatecrash run`'s runner (embedded,
 *               supervised gatekeeper; no reports): wall time and cases/s;
 *   full        every case opens a new TCP + TLS connection with a full mTLS
 *               handshake (no session resumption: the client never offers a
 *               session and gatekeeper keeps none), one request, close;
 *   keep        one connection per worker, a window of pipelined requests per
 *               write (RFC 9112 §9.3.2), every response judged on its own;
 *   s_time_new / s_time_reuse
 *               `openssl s_time -new` / `-reuse` against the same gatekeeper,
 *               as a subprocess, with the same client certificate.
 * full and keep run against a gatekeeper started here with --quiet and
 * --workers = CPUs, on freshly generated fixtures, one harness thread per job.
 * A case there is cert.valid.bob-whoami: built once before the clock starts
 * (bob's leaf is ECDSA P-256 and issued by the client root, so s_time, which
 * sends no intermediates, can present the very same credential), sent,
 * answered, then judged by all nine oracles (gc_judge_all) on a response read
 * without allocation (gc_conn_read_view). */
#include "util.h"
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "case.h"
#include "client.h"
#include "fixtures.h"
#include "oracle.h"
#include "result.h"
#include "runner.h"
#include "runner_internal.h"
#include "supervisor.h"

#define BENCH_EXIT_OK 0
#define BENCH_EXIT_ERR 2
#define BENCH_ERR_MAX 1024
#define BENCH_MAX_JOBS 64
#define BENCH_TIMEOUT_MS 5000
#define BENCH_READY_MS 20000
#define BENCH_TMP "/tmp/gatecrash-bench-XXXXXX"
#define BENCH_STIME_GRACE_S 30         /* s_time gets --time plus this, then SIGKILL */
#define BENCH_STIME_OUT_MAX (4u << 20) /* bytes of s_time output kept */
#define BENCH_STIME_READ_CHUNK 4096
#define BENCH_MAX_SECRETS 16
#define BENCH_NOTE_MAX 160
#define BENCH_RETRY_PAUSE_MS 10 /* after a failed connect, before the next */
#define BENCH_MODE_NAME_MAX 16
#define BENCH_PROC_READ_MAX 4096  /* /proc/<pid>/stat and .../children */
#define BENCH_STAT_UTIME_FIELD 14 /* proc(5): utime, then stime, in clock ticks */
#define BENCH_MAX_TARGET_PROCS 256

enum bench_mode { M_CATALOGUE, M_FULL, M_KEEP, M_STIME_NEW, M_STIME_REUSE, M_COUNT };
static const char *const MODE_NAMES[M_COUNT] = {"catalogue", "full", "keep", "s_time_new",
                                                "s_time_reuse"};

struct figure {
    int ran;
    size_t count;  /* cases, or connections for s_time */
    double secs;   /* wall time the rate is over */
    double rate;   /* count / secs */
    size_t errors; /* cases that got no judged response */
    size_t findings;
    int have_cpu;        /* CPU seconds below were measured */
    double cpu_client_s; /* harness (or s_time) user + system */
    double cpu_target_s; /* gatekeeper, all its processes */
    char note[BENCH_NOTE_MAX];
};

struct bench_opts {
    int time_s;
    int jobs;
    int window;
    unsigned modes; /* bit per enum bench_mode */
    const char *json_path;
    const char *gatekeeper;
    const char *openssl;
};

extern char **environ;

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !g_stop) {
    }
}

static int ncpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > BENCH_MAX_JOBS ? BENCH_MAX_JOBS : (int)n;
}

static void set_rate(struct figure *f)
{
    f->ran = 1;
    f->rate = f->secs > 0 ? (double)f->count / f->secs : 0.0;
}

/* --- CPU accounting ------------------------------------------------------------------
 * Other work on the machine steals CPU from both sides, so every timed mode
 * also reports CPU time per case, for the harness and for gatekeeper: that,
 * unlike the rate, does not depend on what else runs. */

static double tv_s(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static double self_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
}

/* Read a small /proc file into buf (NUL-terminated): length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

/* utime + stime of one process (proc(5) fields 14 and 15), seconds. */
static double proc_cpu_s(long pid)
{
    char path[64], buf[BENCH_PROC_READ_MAX];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    if (read_small(path, buf, sizeof(buf)) < 0)
        return 0.0;
    const char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
    if (p == NULL)
        return 0.0;
    p++;
    double ticks = 0.0;
    for (int field = 3; field <= BENCH_STAT_UTIME_FIELD + 1 && *p != '\0'; field++) {
        while (*p == ' ')
            p++;
        char *end = NULL;
        unsigned long long v = strtoull(p, &end, 10);
        if (field >= BENCH_STAT_UTIME_FIELD && end != p)
            ticks += (double)v;
        p = strchr(p, ' ');
        if (p == NULL)
            break;
    }
    long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? ticks / (double)hz : 0.0;
}

/* gatekeeper's supervisor and its workers (its live children). */
static double tree_cpu_s(int pid)
{
    if (pid <= 0)
        return 0.0;
    double total = proc_cpu_s(pid);
    char path[96], buf[BENCH_PROC_READ_MAX];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
    if (read_small(path, buf, sizeof(buf)) < 0)
        return total;
    char *p = buf;
    for (int k = 0; k < BENCH_MAX_TARGET_PROCS; k++) {
        char *end = NULL;
        errno = 0;
        long child = strtol(p, &end, 10);
        if (end == p || errno != 0)
            break;
        if (child > 0)
            total += proc_cpu_s(child);
        p = end;
    }
    return total;
}

/* --- s_time output ------------------------------------------------------------------ */

/* s_time's progress marks: '*' new TLS 1.2+ session, 'r' resumed, 't' TLS 1.0,
 * '3' SSL 3. */
#define STIME_MARKS "*rt3"

/* How many leading bytes of l[0..n) are in set (l need not be NUL-terminated). */
static size_t strspn_n(const char *l, size_t n, const char *set)
{
    size_t i = 0;
    while (i < n && l[i] != '\0' && strchr(set, l[i]) != NULL)
        i++;
    return i;
}

int gc__bench_parse_s_time(const char *out, size_t len, long *conns, long *secs, long *resumed)
{
    static const char MID[] = " connections in ";
    static const char END[] = " real seconds";
    static const char REUSE[] = "session id reuse";
    int found = 0;
    size_t line = 0;
    long reuse_marks = 0;
    int in_reuse = 0;
    while (line < len) {
        const char *nl = memchr(out + line, '\n', len - line);
        size_t n = nl != NULL ? (size_t)(nl - (out + line)) : len - line;
        const char *l = out + line;
        if (memmem(l, n, REUSE, sizeof(REUSE) - 1) != NULL) {
            in_reuse = 1;
            reuse_marks = 0;
        } else if (in_reuse && n > 0 && strspn_n(l, n, STIME_MARKS) == n) {
            /* A progress line: one mark per connection, 'r' = resumed. */
            for (size_t i = 0; i < n; i++)
                reuse_marks += l[i] == 'r';
        }
        const char *mid = memmem(l, n, MID, sizeof(MID) - 1);
        const char *end = memmem(l, n, END, sizeof(END) - 1);
        if (mid != NULL && end != NULL && mid > l && end > mid + sizeof(MID) - 1) {
            /* "<N> connections in <T> real seconds, ..." : N at the line start. */
            char num[32];
            size_t nl1 = (size_t)(mid - l);
            size_t nl2 = (size_t)(end - (mid + sizeof(MID) - 1));
            if (nl1 < sizeof(num) && nl2 < sizeof(num)) {
                char *e1 = NULL, *e2 = NULL;
                memcpy(num, l, nl1);
                num[nl1] = '\0';
                errno = 0;
                long c = strtol(num, &e1, 10);
                int ok1 = errno == 0 && e1 != num && *e1 == '\0' && c >= 0;
                memcpy(num, mid + sizeof(MID) - 1, nl2);
                num[nl2] = '\0';
                errno = 0;
                long s = strtol(num, &e2, 10);
                int ok2 = errno == 0 && e2 != num && *e2 == '\0' && s >= 0;
                if (ok1 && ok2) {
                    *conns = c;
                    *secs = s;
                    found = 1;
                }
            }
        }
        line += n + 1;
    }
    if (resumed != NULL)
        *resumed = in_reuse ? reuse_marks : 0;
    return found ? 0 : -1;
}

/* Run `openssl s_time -connect 127.0.0.1:PORT -new|-reuse ...`, bounded. */
static void run_s_time(const struct bench_opts *bo, uint16_t port, int target_pid, const char *fx,
                       int reuse, struct figure *f)
{
    char connect[32], cert[PATH_MAX + 64], key[PATH_MAX + 64], ca[PATH_MAX + 64], secs[16];
    snprintf(connect, sizeof(connect), "127.0.0.1:%u", port);
    snprintf(cert, sizeof(cert), "%s/" GC_FX_CLIENTS_DIR "/bob.pem", fx);
    snprintf(key, sizeof(key), "%s/" GC_FX_CLIENTS_DIR "/bob.key", fx);
    snprintf(ca, sizeof(ca), "%s/" GC_FX_SERVER_CA, fx);
    snprintf(secs, sizeof(secs), "%d", bo->time_s);
    const char *prog = bo->openssl != NULL ? bo->openssl : "openssl";
    char *const argv[] = {(char *)prog, "s_time", "-connect", connect, reuse ? "-reuse" : "-new",
                          "-cert",      cert,     "-key",     key,     "-CAfile",
                          ca,           "-time",  secs,       NULL};
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        snprintf(f->note, sizeof(f->note), "pipe: %s", strerror(errno));
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    double target_cpu0 = tree_cpu_s(target_pid);
    double t0 = mono_ms();
    int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        snprintf(f->note, sizeof(f->note), "%s: %s", prog, strerror(rc));
        return;
    }
    char *buf = malloc(BENCH_STIME_OUT_MAX);
    size_t len = 0;
    double deadline = t0 + (bo->time_s + BENCH_STIME_GRACE_S) * 1000.0;
    int killed = 0;
    for (;;) {
        double left = deadline - mono_ms();
        if (left <= 0) {
            (void)kill(pid, SIGKILL);
            killed = 1;
            break;
        }
        struct pollfd p = {.fd = pfd[0], .events = POLLIN};
        int pr = poll(&p, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        char chunk[BENCH_STIME_READ_CHUNK];
        ssize_t n = read(pfd[0], chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        /* Keep the last BENCH_STIME_OUT_MAX bytes: the figures come last,
         * after one progress mark per connection. */
        if (buf != NULL) {
            if (len + (size_t)n > BENCH_STIME_OUT_MAX) {
                size_t drop = len + (size_t)n - BENCH_STIME_OUT_MAX;
                memmove(buf, buf + drop, len - drop);
                len -= drop;
            }
            memcpy(buf + len, chunk, (size_t)n);
            len += (size_t)n;
        }
    }
    close(pfd[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    f->cpu_client_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
    f->cpu_target_s = tree_cpu_s(target_pid) - target_cpu0;
    double wall = (mono_ms() - t0) / 1000.0;
    long conns = 0, real_s = 0, resumed = 0;
    if (buf == NULL) {
        snprintf(f->note, sizeof(f->note), "out of memory");
    } else if (killed) {
        snprintf(f->note, sizeof(f->note), "killed after %d s", bo->time_s + BENCH_STIME_GRACE_S);
    } else if (gc__bench_parse_s_time(buf, len, &conns, &real_s, &resumed) != 0 || real_s <= 0) {
        snprintf(f->note, sizeof(f->note), "no \"connections in ... real seconds\" line (exit %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
        f->count = (size_t)conns;
        f->secs = (double)real_s;
        f->have_cpu = 1;
        set_rate(f);
        if (reuse)
            snprintf(f->note, sizeof(f->note), "%ld resumed; whole run %.1f s", resumed, wall);
        else
            snprintf(f->note, sizeof(f->note), "1 process; whole run %.1f s", wall);
    }
    free(buf);
}

/* --- full handshake and kept-alive --------------------------------------------------------- */

struct shared {
    const struct gc_case *c;
    struct gc_client *cl;
    uint16_t port;
    const uint8_t *req; /* one request */
    size_t req_len;
    uint8_t *win; /* `window` copies of it, back to back */
    size_t win_len;
    int window;
    struct gc_judge_ctx j;
    double deadline;
    int keep;
    int target_pid;
};

struct worker {
    struct shared *sh;
    size_t cases, errors, findings, not_ok, reconnects;
    char first_error[GC_CLIENT_ERR_MAX];
};

static void judge(struct worker *w, const struct gc_response_view *v)
{
    /* The observation borrows the view's spans: nothing to free. */
    struct gc_observation obs;
    memset(&obs, 0, sizeof(obs));
    obs.connect_ok = 1;
    obs.handshake_ok = 1;
    obs.n_resp = 1;
    obs.resp[0].status = v->status;
    obs.resp[0].headers = (char *)v->head;
    obs.resp[0].headers_len = v->head_len;
    obs.resp[0].body = (uint8_t *)v->body;
    obs.resp[0].body_len = v->body_len;
    struct gc_verdict verdicts[GC_OR_COUNT];
    size_t fired = gc_judge_all(w->sh->c, &obs, &w->sh->j, verdicts);
    w->cases++;
    w->findings += fired > 0;
    w->not_ok += v->status != 200;
}

static void note_error(struct worker *w, const char *what, enum gc_conn_status st)
{
    w->errors++;
    if (w->first_error[0] == '\0')
        snprintf(w->first_error, sizeof(w->first_error), "%s: %s", what, gc_conn_status_str(st));
}

static void full_loop(struct worker *w)
{
    struct shared *sh = w->sh;
    while (!g_stop && mono_ms() < sh->deadline) {
        struct gc_conn *conn = NULL;
        enum gc_conn_status st = gc_conn_open(sh->cl, sh->port, BENCH_TIMEOUT_MS, &conn, NULL, 0);
        if (st != GC_CONN_OK) {
            note_error(w, "connect", st);
            sleep_ms(BENCH_RETRY_PAUSE_MS);
            continue;
        }
        struct gc_response_view v;
        st = gc_conn_send(conn, sh->req, sh->req_len);
        if (st == GC_CONN_OK)
            st = gc_conn_read_view(conn, &v, 0);
        if (st == GC_CONN_OK)
            judge(w, &v);
        else
            note_error(w, "request", st);
        gc_conn_close(conn);
    }
}

static void keep_loop(struct worker *w)
{
    struct shared *sh = w->sh;
    struct gc_conn *conn = NULL;
    while (!g_stop && mono_ms() < sh->deadline) {
        if (conn == NULL) {
            enum gc_conn_status st =
                gc_conn_open(sh->cl, sh->port, BENCH_TIMEOUT_MS, &conn, NULL, 0);
            if (st != GC_CONN_OK) {
                note_error(w, "connect", st);
                sleep_ms(BENCH_RETRY_PAUSE_MS);
                continue;
            }
            w->reconnects++;
        }
        enum gc_conn_status st = gc_conn_send(conn, sh->win, sh->win_len);
        int reopen = st != GC_CONN_OK;
        if (reopen)
            note_error(w, "send", st);
        for (int i = 0; i < sh->window && !reopen; i++) {
            struct gc_response_view v;
            st = gc_conn_read_view(conn, &v, 0);
            if (st != GC_CONN_OK) {
                note_error(w, "read", st);
                reopen = 1;
                break;
            }
            judge(w, &v);
            if (!v.keep_alive)
                reopen = 1; /* the server ends the connection: start a new one */
        }
        if (reopen) {
            gc_conn_close(conn);
            conn = NULL;
        }
    }
    gc_conn_close(conn);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (w->sh->keep)
        keep_loop(w);
    else
        full_loop(w);
    return NULL;
}

static void run_threads(struct shared *sh, int jobs, int time_s, struct figure *f)
{
    struct worker ws[BENCH_MAX_JOBS];
    pthread_t th[BENCH_MAX_JOBS];
    memset(ws, 0, sizeof(ws));
    double cpu0 = self_cpu_s(), tcpu0 = tree_cpu_s(sh->target_pid);
    double t0 = mono_ms();
    sh->deadline = t0 + time_s * 1000.0;
    int started = 0;
    for (int i = 0; i < jobs; i++) {
        ws[i].sh = sh;
        if (pthread_create(&th[i], NULL, worker_main, &ws[i]) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker_main(&ws[started++]);
    else
        for (int i = 0; i < started; i++)
            pthread_join(th[i], NULL);
    f->secs = (mono_ms() - t0) / 1000.0;
    f->cpu_client_s = self_cpu_s() - cpu0;
    f->cpu_target_s = tree_cpu_s(sh->target_pid) - tcpu0;
    f->have_cpu = 1;
    size_t not_ok = 0, reconnects = 0;
    const char *first = "";
    for (int i = 0; i < started; i++) {
        f->count += ws[i].cases;
        f->errors += ws[i].errors;
        f->findings += ws[i].findings;
        not_ok += ws[i].not_ok;
        reconnects += ws[i].reconnects;
        if (first[0] == '\0')
            first = ws[i].first_error;
    }
    set_rate(f);
    int w = 0;
    if (sh->keep)
        w = snprintf(f->note, sizeof(f->note), "window %d, %zu connections; ", sh->window,
                     reconnects);
    if (w < 0 || (size_t)w >= sizeof(f->note))
        w = 0;
    snprintf(f->note + w, sizeof(f->note) - (size_t)w, "%zu errors, %zu findings, %zu not 200%s%s",
             f->errors, f->findings, not_ok, first[0] ? "; first: " : "", first);
}

/* --- the embedded gatekeeper for full / keep / s_time ---------------------------------------- */

static int exe_dir(char *out, size_t cap)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    return snprintf(out, cap, "%s", self) >= (int)cap ? -1 : 0;
}

static int find_gatekeeper(const char *given, char *out, char *err, size_t cap)
{
    if (given != NULL) {
        if (realpath(given, out) == NULL || access(out, X_OK) != 0) {
            snprintf(err, cap, "--gatekeeper %s: %s", given, strerror(errno));
            return -1;
        }
        return 0;
    }
    char dir[PATH_MAX], cand[PATH_MAX + 64];
    if (exe_dir(dir, sizeof(dir)) != 0) {
        snprintf(err, cap, "cannot find my own executable (/proc/self/exe)");
        return -1;
    }
    static const char *const REL[] = {"../reference-server/server/gatekeeper", "gatekeeper"};
    for (size_t i = 0; i < sizeof(REL) / sizeof(REL[0]); i++) {
        snprintf(cand, sizeof(cand), "%s/%s", dir, REL[i]);
        if (access(cand, X_OK) == 0 && realpath(cand, out) != NULL)
            return 0;
    }
    snprintf(err, cap, "gatekeeper not found next to gatecrash; use --gatekeeper PATH");
    return -1;
}

/* gk-echo beside gatekeeper (<dir>/../helper/gk-echo), else next to gatecrash. */
static int find_helper(const char *gk, char *out, size_t cap)
{
    char cand[PATH_MAX + 64];
    const char *slash = strrchr(gk, '/');
    if (slash != NULL) {
        snprintf(cand, sizeof(cand), "%.*s/../helper/gk-echo", (int)(slash - gk), gk);
        if (access(cand, X_OK) == 0 && realpath(cand, out) != NULL)
            return 0;
    }
    return gc_fixtures_find_helper(out, cap);
}

struct target_env {
    char tmp[sizeof(BENCH_TMP)];
    char fx[PATH_MAX];
    char target_dir[PATH_MAX];
    char gk[PATH_MAX];
    char workers[16];
    struct gc_material *m;
    struct gc_target *t;
    struct gc_built b;
};

static int target_up(const struct bench_opts *bo, struct target_env *te, int64_t now, char *err,
                     size_t cap)
{
    char helper[PATH_MAX], ferr[512];
    memcpy(te->tmp, BENCH_TMP, sizeof(BENCH_TMP));
    /* 0755: gatekeeper started as root reads the fixtures as nobody. */
    if (mkdtemp(te->tmp) == NULL || chmod(te->tmp, 0755) != 0) {
        snprintf(err, cap, "%s: %s", te->tmp, strerror(errno));
        te->tmp[0] = '\0';
        return -1;
    }
    if (find_gatekeeper(bo->gatekeeper, te->gk, err, cap) != 0)
        return -1;
    snprintf(te->fx, sizeof(te->fx), "%.64s/fixtures", te->tmp);
    struct gc_fixtures_opts fo = {.dir = te->fx, .force = 1};
    if (find_helper(te->gk, helper, sizeof(helper)) == 0)
        fo.helper = helper;
    if (gc_fixtures_generate(&fo, ferr, sizeof(ferr)) != 0) {
        snprintf(err, cap, "generating fixtures: %s", ferr);
        return -1;
    }
    if (snprintf(te->target_dir, sizeof(te->target_dir), "%s/" GC_FX_TARGET, te->fx) >=
        (int)sizeof(te->target_dir)) {
        snprintf(err, cap, "fixture path too long");
        return -1;
    }
    te->m = gc_material_load(te->fx, now, ferr, sizeof(ferr));
    if (te->m == NULL) {
        snprintf(err, cap, "loading fixtures: %s", ferr);
        return -1;
    }
    snprintf(te->workers, sizeof(te->workers), "%d", ncpus());
    const char *argv[] = {te->gk,      "--fixtures", te->target_dir, "--port", "0",
                          "--workers", te->workers,  "--quiet",      NULL};
    const char *envp[] = {NULL};
    struct gc_launch_opts lo = {
        .argv = argv, .env = envp, .port = 0, .ready_timeout_ms = BENCH_READY_MS, .supervise = 0};
    char lerr[512];
    if (gc_target_launch(&lo, &te->t, lerr, sizeof(lerr)) != 0) {
        te->t = NULL;
        snprintf(err, cap, "starting gatekeeper: %s", lerr);
        return -1;
    }
    return 0;
}

static void target_down(struct target_env *te)
{
    gc_built_free(&te->b);
    gc_target_free(te->t);
    gc_material_free(te->m);
    if (te->tmp[0] != '\0')
        (void)gc__remove_tree(te->tmp);
}

static const struct gc_case *find_case(const char *id)
{
    size_t n = 0;
    const struct gc_case *cat = gc_catalogue(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(cat[i].id, id) == 0)
            return &cat[i];
    return NULL;
}

static int run_throughput(const struct bench_opts *bo, struct figure fig[M_COUNT], char *err,
                          size_t cap)
{
    struct target_env te;
    memset(&te, 0, sizeof(te));
    int64_t now = (int64_t)time(NULL);
    int rc = -1;
    struct shared sh;
    memset(&sh, 0, sizeof(sh));
    const char *secrets[BENCH_MAX_SECRETS + GC_BUILD_MAX_SECRETS];
    const char *labels[BENCH_MAX_SECRETS + GC_BUILD_MAX_SECRETS];
    if (target_up(bo, &te, now, err, cap) != 0)
        goto out;
    sh.port = (uint16_t)gc_target_port(te.t);
    sh.target_pid = gc_target_pid(te.t);
    sh.c = find_case(GC_BENCH_CASE_ID);
    if (sh.c == NULL) {
        snprintf(err, cap, "case %s is not in the catalogue", GC_BENCH_CASE_ID);
        goto out;
    }
    /* Everything a case needs is made here, before any clock starts. */
    sh.cl = gc_material_client(te.m, sh.c->cert);
    char berr[256] = "";
    if (sh.cl == NULL ||
        gc_build_case(te.m, sh.c, now, sh.port, NULL, &te.b, berr, sizeof(berr)) != 0 ||
        te.b.n_req != 1) {
        snprintf(err, cap, "building %s: %s", GC_BENCH_CASE_ID, berr[0] ? berr : "no client");
        goto out;
    }
    sh.req = te.b.req[0];
    sh.req_len = te.b.req_len[0];
    sh.window = bo->window;
    sh.win_len = sh.req_len * (size_t)bo->window;
    sh.win = malloc(sh.win_len);
    if (sh.win == NULL) {
        snprintf(err, cap, "out of memory");
        goto out;
    }
    for (int i = 0; i < bo->window; i++)
        memcpy(sh.win + (size_t)i * sh.req_len, sh.req, sh.req_len);
    size_t n_ms = 0, n_ml = 0, ns = 0, n_can = 0;
    const char *const *ms = gc_material_secrets(te.m, &n_ms);
    const char *const *ml = gc_material_secret_labels(te.m, &n_ml);
    for (size_t i = 0; i < n_ms && ns < BENCH_MAX_SECRETS; i++, ns++) {
        secrets[ns] = ms[i];
        labels[ns] = ml != NULL && i < n_ml ? ml[i] : "fixture secret";
    }
    for (size_t i = 0; i < te.b.n_secrets && i < GC_BUILD_MAX_SECRETS; i++, ns++) {
        secrets[ns] = te.b.secrets[i];
        labels[ns] = "token signature";
    }
    sh.j = (struct gc_judge_ctx){
        .helper_path = gc_material_helper(te.m),
        .canaries = gc_material_canaries(te.m, &n_can),
        .fixtures_dir = gc_material_target_dir(te.m),
        .secrets = secrets,
        .secret_labels = labels,
        .n_secrets = ns,
        .target_binary = te.gk,
        .target_pid = gc_target_pid(te.t),
    };
    sh.j.n_canaries = n_can;
    int jobs = bo->jobs > 0 ? bo->jobs : ncpus();
    if (bo->modes & (1u << M_FULL) && !g_stop) {
        sh.keep = 0;
        run_threads(&sh, jobs, bo->time_s, &fig[M_FULL]);
    }
    if (bo->modes & (1u << M_KEEP) && !g_stop) {
        sh.keep = 1;
        run_threads(&sh, jobs, bo->time_s, &fig[M_KEEP]);
    }
    if (bo->modes & (1u << M_STIME_NEW) && !g_stop)
        run_s_time(bo, sh.port, gc_target_pid(te.t), te.fx, 0, &fig[M_STIME_NEW]);
    if (bo->modes & (1u << M_STIME_REUSE) && !g_stop)
        run_s_time(bo, sh.port, gc_target_pid(te.t), te.fx, 1, &fig[M_STIME_REUSE]);
    if (!gc_target_alive(te.t)) {
        snprintf(err, cap, "gatekeeper died during the benchmark");
        goto out;
    }
    rc = 0;
out:
    free(sh.win);
    target_down(&te);
    return rc;
}

/* --- catalogue ------------------------------------------------------------------------------- */

/* The runner's phase 2 (runner.c is_serial): cases judged one at a time,
 * because their evidence is attributed by time. */
static int serial_case(const struct gc_case *c)
{
    switch (c->family) {
    case GC_FAM_RUN:
    case GC_FAM_SSRF:
    case GC_FAM_HARDENING:
    case GC_FAM_LEAK:
    case GC_FAM_ROBUST:
        return 1;
    default:
        return c->action != GC_ACT_REQUEST && c->action != GC_ACT_PIPELINE;
    }
}

static int run_catalogue(const struct bench_opts *bo, struct figure *f, char *err, size_t cap)
{
    char tmp[] = BENCH_TMP;
    if (mkdtemp(tmp) == NULL || chmod(tmp, 0755) != 0) {
        snprintf(err, cap, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    struct gc_run_opts o = {.mode = GC_TARGET_EMBEDDED,
                            .gatekeeper_bin = bo->gatekeeper,
                            .supervise = 1,
                            .quiet = 1,
                            .write_reports = 0,
                            .jobs = bo->jobs,
                            .run_dir = tmp,
                            .reports_root = tmp};
    struct gc_run run;
    int rc = gc_run_cases(&o, &run, err, cap);
    if (rc == 0) {
        size_t errors = 0, findings = 0;
        double serial_ms = 0.0;
        const struct gc_case_result *slowest = NULL;
        for (size_t i = 0; i < run.n_results; i++) {
            const struct gc_case_result *r = &run.results[i];
            errors += r->outcome == GC_OUT_ERROR;
            findings += r->outcome == GC_OUT_FINDING;
            if (serial_case(r->c))
                serial_ms += r->elapsed_ms;
            if (slowest == NULL || r->elapsed_ms > slowest->elapsed_ms)
                slowest = r;
        }
        f->count = run.n_results;
        f->secs = run.duration_ms / 1000.0;
        f->errors = errors;
        f->findings = findings;
        set_rate(f);
        snprintf(f->note, sizeof(f->note),
                 "%zu with findings, %zu errors%s; serial phase %.1f s, slowest %s %.1f s",
                 findings, errors, run.partial ? ", interrupted" : "", serial_ms / 1000.0,
                 slowest != NULL ? slowest->c->id : "-",
                 slowest != NULL ? slowest->elapsed_ms / 1000.0 : 0.0);
    }
    gc_run_free(&run);
    (void)gc__remove_tree(tmp);
    return rc == 0 ? 0 : -1;
}

/* --- output ---------------------------------------------------------------------------------- */

static const char *const LABELS[M_COUNT] = {"catalogue (cases)", "full mTLS handshake (cases)",
                                            "kept-alive (cases)", "openssl s_time -new (conns)",
                                            "openssl s_time -reuse (conns)"};

/* CPU microseconds per case, and the rate the CPUs would allow if nothing
 * else ran: CPUs / (harness + gatekeeper CPU per case). */
static void per_case(const struct figure *f, double *us_client, double *us_target, double *bound)
{
    *us_client = *us_target = *bound = 0.0;
    if (!f->have_cpu || f->count == 0)
        return;
    *us_client = f->cpu_client_s * 1e6 / (double)f->count;
    *us_target = f->cpu_target_s * 1e6 / (double)f->count;
    double both = *us_client + *us_target;
    *bound = both > 0 ? (double)ncpus() * 1e6 / both : 0.0;
}

static void print_table(const struct bench_opts *bo, const struct figure fig[M_COUNT],
                        const double load[3])
{
    printf("gatecrash bench: %d CPUs (load average %.2f at start), %d jobs, %d s per timed mode,\n"
           "case %s (ECDSA P-256 client certificate), gatekeeper --workers %d --quiet\n",
           ncpus(), load[0], bo->jobs > 0 ? bo->jobs : ncpus(), bo->time_s, GC_BENCH_CASE_ID,
           ncpus());
    printf("%-29s %9s %7s %9s %9s %9s %9s  %s\n", "figure", "count", "seconds", "per s", "client",
           "server", "CPU-bound", "notes");
    printf("%-29s %9s %7s %9s %9s %9s %9s\n", "", "", "", "", "us/case", "us/case", "per s");
    for (int i = 0; i < M_COUNT; i++) {
        if (!(bo->modes & (1u << i)))
            continue;
        const struct figure *f = &fig[i];
        if (!f->ran) {
            printf("%-29s %9s %7s %9s %9s %9s %9s  %s\n", LABELS[i], "-", "-", "n/a", "-", "-", "-",
                   f->note[0] ? f->note : "not run");
            continue;
        }
        double uc, ut, bound;
        per_case(f, &uc, &ut, &bound);
        if (f->have_cpu)
            printf("%-29s %9zu %7.2f %9.0f %9.1f %9.1f %9.0f  %s\n", LABELS[i], f->count, f->secs,
                   f->rate, uc, ut, bound, f->note);
        else
            printf("%-29s %9zu %7.2f %9.0f %9s %9s %9s  %s\n", LABELS[i], f->count, f->secs,
                   f->rate, "-", "-", "-", f->note);
    }
    fflush(stdout);
}

/* Write path atomically: temp file in the same directory, fsync, rename. */
static int write_json(const struct bench_opts *bo, const struct figure fig[M_COUNT],
                      const double load[3])
{
    json_t *root = json_object();
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(root, "format", json_integer(1));
    json_object_set_new(root, "date", json_string(stamp));
    json_object_set_new(root, "cpus", json_integer(ncpus()));
    json_object_set_new(root, "load_average_at_start", json_real(load[0]));
    json_object_set_new(root, "jobs", json_integer(bo->jobs > 0 ? bo->jobs : ncpus()));
    json_object_set_new(root, "time_s", json_integer(bo->time_s));
    json_object_set_new(root, "window", json_integer(bo->window));
    json_object_set_new(root, "case", json_string(GC_BENCH_CASE_ID));
    json_t *figs = json_object();
    for (int i = 0; i < M_COUNT; i++) {
        if (!(bo->modes & (1u << i)))
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "ran", json_boolean(fig[i].ran));
        json_object_set_new(o, "count", json_integer((json_int_t)fig[i].count));
        json_object_set_new(o, "seconds", json_real(fig[i].secs));
        json_object_set_new(o, "per_second", json_real(fig[i].rate));
        json_object_set_new(o, "errors", json_integer((json_int_t)fig[i].errors));
        json_object_set_new(o, "findings", json_integer((json_int_t)fig[i].findings));
        if (fig[i].have_cpu) {
            double uc, ut, bound;
            per_case(&fig[i], &uc, &ut, &bound);
            json_object_set_new(o, "cpu_client_s", json_real(fig[i].cpu_client_s));
            json_object_set_new(o, "cpu_server_s", json_real(fig[i].cpu_target_s));
            json_object_set_new(o, "client_us_per_case", json_real(uc));
            json_object_set_new(o, "server_us_per_case", json_real(ut));
            json_object_set_new(o, "cpu_bound_per_second", json_real(bound));
        }
        json_object_set_new(o, "note", json_string(fig[i].note));
        json_object_set_new(figs, MODE_NAMES[i], o);
    }
    json_object_set_new(root, "figures", figs);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (text == NULL)
        return -1;
    char tmp[PATH_MAX];
    int rc = -1;
    if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", bo->json_path) < (int)sizeof(tmp)) {
        int fd = mkstemp(tmp);
        if (fd >= 0) {
            size_t len = strlen(text);
            int ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
                     fchmod(fd, 0644) == 0 && fsync(fd) == 0;
            ok = close(fd) == 0 && ok;
            if (ok && rename(tmp, bo->json_path) == 0)
                rc = 0;
            else
                (void)unlink(tmp);
        }
    }
    free(text);
    return rc;
}

/* --- command line ---------------------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gatecrash bench [--time S] [--jobs N] [--window W] [--modes LIST]\n"
            "                       [--json FILE] [--gatekeeper PATH] [--openssl PATH]\n\n"
            "Throughput figures, one table, no pass/fail (docs/PERFORMANCE.md):\n"
            "  catalogue     the whole catalogue as `gatecrash run` runs it (no reports)\n"
            "  full          cases each on a new connection: full mTLS handshake, no resumption\n"
            "  keep          cases on kept-alive connections, one per job, W pipelined\n"
            "  s_time_new    `openssl s_time -new` against the same gatekeeper (baseline)\n"
            "  s_time_reuse  `openssl s_time -reuse` (baseline)\n"
            "A case: %s built before the clock starts, sent, answered, judged by\n"
            "every oracle. full/keep/s_time run against gatekeeper --quiet --workers <CPUs>.\n\n"
            "  --time S        seconds per timed mode (default %d)\n"
            "  --jobs N        harness threads (default: number of CPUs)\n"
            "  --window W      kept-alive requests in flight per connection (default %d, max %d)\n"
            "  --modes LIST    comma-separated subset of the modes above (default: all)\n"
            "  --json FILE     also write the figures as JSON (atomically)\n"
            "  --gatekeeper P  gatekeeper binary (default: next to gatecrash in the build tree)\n"
            "  --openssl P     openssl binary for s_time (default: openssl from PATH)\n"
            "  --help          this text\n",
            GC_BENCH_CASE_ID, GC_BENCH_DEFAULT_TIME_S, GC_BENCH_DEFAULT_WINDOW,
            GC_BENCH_MAX_WINDOW);
}

static int parse_num(const char *s, long lo, long hi, int *out)
{
    long v = 0;
    if (gc_parse_long(s, lo, hi, &v) != 0)
        return -1;
    *out = (int)v; /* hi fits an int for every caller */
    return 0;
}

static int parse_modes(const char *s, unsigned *out)
{
    unsigned m = 0;
    while (*s != '\0') {
        size_t n = strcspn(s, ",");
        int hit = 0;
        for (int i = 0; i < M_COUNT; i++)
            if (strlen(MODE_NAMES[i]) == n && strncmp(s, MODE_NAMES[i], n) == 0) {
                m |= 1u << i;
                hit = 1;
            }
        if (!hit)
            return -1;
        s += n;
        if (*s == ',')
            s++;
    }
    if (m == 0)
        return -1;
    *out = m;
    return 0;
}

int gc__bench_main(int argc, char **argv)
{
    enum { O_TIME = 1, O_JOBS, O_WINDOW, O_MODES, O_JSON, O_GK, O_OPENSSL, O_HELP };
    static const struct option LONG_OPTS[] = {
        {"time", required_argument, NULL, O_TIME},
        {"jobs", required_argument, NULL, O_JOBS},
        {"window", required_argument, NULL, O_WINDOW},
        {"modes", required_argument, NULL, O_MODES},
        {"json", required_argument, NULL, O_JSON},
        {"gatekeeper", required_argument, NULL, O_GK},
        {"openssl", required_argument, NULL, O_OPENSSL},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct bench_opts bo = {.time_s = GC_BENCH_DEFAULT_TIME_S,
                            .window = GC_BENCH_DEFAULT_WINDOW,
                            .modes = (1u << M_COUNT) - 1};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", LONG_OPTS, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case O_TIME:
            bad = parse_num(optarg, 1, GC_BENCH_MAX_TIME_S, &bo.time_s);
            break;
        case O_JOBS:
            bad = parse_num(optarg, 1, BENCH_MAX_JOBS, &bo.jobs);
            break;
        case O_WINDOW:
            bad = parse_num(optarg, 1, GC_BENCH_MAX_WINDOW, &bo.window);
            break;
        case O_MODES:
            bad = parse_modes(optarg, &bo.modes);
            break;
        case O_JSON:
            bo.json_path = optarg;
            break;
        case O_GK:
            bo.gatekeeper = optarg;
            break;
        case O_OPENSSL:
            bo.openssl = optarg;
            break;
        case O_HELP:
        case 'h':
            usage(stdout);
            return BENCH_EXIT_OK;
        default:
            fprintf(stderr, "gatecrash bench: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return BENCH_EXIT_ERR;
        }
        if (bad) {
            fprintf(stderr, "gatecrash bench: bad value '%s' for --%s\n", optarg,
                    LONG_OPTS[c - O_TIME].name);
            return BENCH_EXIT_ERR;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "gatecrash bench: unexpected argument '%s'\n", argv[optind]);
        return BENCH_EXIT_ERR;
    }
    struct figure fig[M_COUNT];
    memset(fig, 0, sizeof(fig));
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) < 0)
        load[0] = -1;
    char err[BENCH_ERR_MAX] = "";
    int rc = BENCH_EXIT_OK;
    if (bo.modes & (1u << M_CATALOGUE)) {
        /* The runner installs (and restores) its own SIGINT handler. */
        if (run_catalogue(&bo, &fig[M_CATALOGUE], err, sizeof(err)) != 0) {
            fprintf(stderr, "gatecrash bench: catalogue: %s\n", err);
            return BENCH_EXIT_ERR;
        }
    }
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);
    if (bo.modes & ~(1u << M_CATALOGUE)) {
        err[0] = '\0';
        if (run_throughput(&bo, fig, err, sizeof(err)) != 0) {
            fprintf(stderr, "gatecrash bench: %s\n", err);
            rc = BENCH_EXIT_ERR;
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    print_table(&bo, fig, load);
    if (bo.json_path != NULL && write_json(&bo, fig, load) != 0) {
        fprintf(stderr, "gatecrash bench: writing %s: %s\n", bo.json_path, strerror(errno));
        rc = BENCH_EXIT_ERR;
    }
    return rc;
}
