/* harness/runner.c: run catalogue cases against a target, judge them, record
 * findings and their reproducers (runner.h).
 *
 * Flow: select cases → fixtures + material → canary listener → target
 * (embedded gatekeeper / --target-cmd under the supervisor, or --target-url)
 * → phase 1: cases judged from responses alone, on o->jobs threads →
 * phase 2: cases whose evidence is attributed by time (supervisor events,
 * canary hits, log slices, posture), one at a time → reports.
 *
 * Only the main thread launches or restarts the target: the supervisor's
 * PR_SET_PDEATHSIG is tied to the launching thread, so a worker that restarted
 * it would take the target down when it exits. Workers that see the target
 * gone ask the main thread and wait.
 *
 * Reproducer folder <run_dir>/findings/<id>/ (built in a temp dir, fsync'ed,
 * renamed into place as a whole, so an interrupted run keeps every finding):
 *   case.json      the fields below (format 1; replay reads them, keep stable)
 *   request.bin    the exact bytes sent: request 1, then request 2 if pipelined
 *   token.txt      the compact JWS, when the case sends one
 *   client.pem     the client chain (leaf first) and client.key, when a cert is used
 *   server-ca.pem  copy of <fixtures>/target/tls/server-ca.pem
 *   response.txt   status, headers, body (each body cut at 64 KiB)
 *   repro.sh       a one-line curl (or openssl s_client < request.bin) command
 *   README.txt     what this is and `gatecrash replay <this dir>`
 * case.json fields (format 1):
 *   "format": 1, "finding_id", "case_id", "family", "title", "refs", "oracle",
 *   "severity", "evidence", "signature", "expected", "seen", "seed" (decimal
 *   string, the run seed), "run_id", "action" ("request", "pipeline",
 *   "slow-headers", "partial-close", "conn-flood", "bad-tls", "posture"),
 *   "cert" (gc_cert_truth name, "none" without), "token": bool,
 *   "request_lengths": [n1] or [n1, n2] (split request.bin),
 *   "fixtures_dir": absolute DIR (parent of target/ and harness/),
 *   "target": {"mode": "embedded"|"cmd"|"url", "gatekeeper": path,
 *              "gatekeeper_args": [...extra args...], "argv": [the whole launch argv,
 *              embedded or cmd; [] for url], "cmd": string, "url": string,
 *              "port": port used in this run}. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"
#include "build.h"
#include "fixtures.h"
#include "fuzz.h"
#include "oracle.h"
#include "result.h"
#include "runner.h"
#include "runner_internal.h"
#include "ssrf_listener.h"
#include "supervisor.h"

#define RUN_VERSION "0.1.0"
#define RUN_DEFAULT_TIMEOUT_MS 5000
#define RUN_READY_TIMEOUT_MS 20000
#define RUN_LIVENESS_EVERY 50 /* parallel cases between liveness checks */
#define RUN_LIVENESS_TIMEOUT_MS 3000
#define RUN_MAX_CASE_EVENTS 512       /* supervisor events kept for one case */
#define RUN_RESP_SAVE_MAX (64 * 1024) /* body bytes in response.txt */
#define RUN_SEEN_BODY_MAX 160
#define RUN_REPRO_SCLIENT_S 10  /* repro.sh: bound on openssl s_client, seconds */
#define RUN_PROGRESS_TTY_MS 100 /* at most 10 updates a second */
#define RUN_PROGRESS_PLAIN_MS 5000
#define RUN_COORD_TICK_MS 20 /* main thread's wake-up in phase 1 */
#define RUN_MAX_JOBS 64
#define RUN_MAX_LIST_BYTES (16u << 20) /* xfail / manifest files */
#define RUN_GK_WORKERS "2"
#define RUN_GK_HEADER_TIMEOUT_MS "1000"
#define RUN_MAX_CHILDREN 64 /* target worker processes read for posture */
#define RUN_CMD_BUF 4096
#define RUN_SPEC_MAX 2048
#define RUN_MARKER_DIR "marker"        /* under the run dir */
#define RUN_MARKER_FILE "exec-marker"
#define RUN_MARKER_DIR_MODE 01777      /* world-writable, sticky: see setup_marker */
#define RUN_MARKER_SAFE_BYTES "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* --- small utilities ------------------------------------------------------------ */

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

static int join_path(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Whole file into a NUL-terminated buffer (at most RUN_MAX_LIST_BYTES). */
static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        if (n + 1 >= cap) {
            if (cap >= RUN_MAX_LIST_BYTES) {
                free(buf);
                buf = NULL;
                errno = EFBIG;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = buf != NULL && ferror(f);
    fclose(f);
    if (buf == NULL || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

/* Atomic file write: temp in the same dir, fsync, rename. */
static int write_atomic(const char *dir, const char *name, const void *data, size_t len,
                        mode_t mode)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    if (join_path(path, sizeof(path), dir, name) != 0 ||
        snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", dir, name) >= (int)sizeof(tmp))
        return -1;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    const uint8_t *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto bad;
        p += w;
        left -= (size_t)w;
    }
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
        goto bad;
    if (close(fd) != 0) {
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
bad:
    close(fd);
    unlink(tmp);
    return -1;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int gc__remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return unlink(path);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[PATH_MAX];
        if (join_path(sub, sizeof(sub), path, e->d_name) != 0)
            continue;
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            gc__remove_tree(sub);
        else
            unlink(sub);
    }
    closedir(d);
    return rmdir(path);
}

/* --- id lists: --xfail (case or finding ids) and --baseline (finding ids) ------- */

struct idlist {
    char **ids;
    size_t n;
};

static void idlist_free(struct idlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->ids[i]);
    free(l->ids);
    l->ids = NULL;
    l->n = 0;
}

static int idlist_add(struct idlist *l, const char *s, size_t n)
{
    char **nv = realloc(l->ids, (l->n + 1) * sizeof(*nv));
    if (nv == NULL)
        return -1;
    l->ids = nv;
    l->ids[l->n] = strndup(s, n);
    if (l->ids[l->n] == NULL)
        return -1;
    l->n++;
    return 0;
}

static int idlist_has(const struct idlist *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->ids[i], id) == 0)
            return 1;
    return 0;
}

/* One id per line; '#' starts a comment; blanks around ids ignored. */
static int idlist_read(struct idlist *l, const char *path)
{
    size_t len = 0;
    char *text = read_text(path, &len);
    if (text == NULL)
        return -1;
    size_t i = 0;
    int rc = 0;
    while (i < len && rc == 0) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        size_t a = i, z = end;
        for (size_t k = a; k < z; k++)
            if (text[k] == '#') {
                z = k;
                break;
            }
        while (a < z && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        while (z > a && (text[z - 1] == ' ' || text[z - 1] == '\t' || text[z - 1] == '\r'))
            z--;
        if (z > a)
            rc = idlist_add(l, text + a, z - a);
        i = end + 1;
    }
    free(text);
    return rc;
}

/* --- manifest: {"implements": ["cert", "jwt", ...]} ------------------------------ */

static const struct {
    const char *name;
    unsigned bit;
} PART_NAMES[] = {
    {"cert", GC_PART_CERT},         {"jwt", GC_PART_JWT},     {"forwarded", GC_PART_FORWARDED},
    {"fwd", GC_PART_FORWARDED},     {"files", GC_PART_FILES}, {"run", GC_PART_RUN},
    {"internal", GC_PART_INTERNAL},
};

static int read_manifest(const char *path, unsigned *parts, char *err, size_t cap)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        gc_errf(err, cap, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    json_t *arr = json_object_get(root, "implements");
    if (!json_is_array(arr)) {
        json_decref(root);
        gc_errf(err, cap, "%s: \"implements\" must be an array of part names", path);
        return -1;
    }
    *parts = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        unsigned bit = 0;
        for (size_t k = 0; s != NULL && k < sizeof(PART_NAMES) / sizeof(PART_NAMES[0]); k++)
            if (strcmp(s, PART_NAMES[k].name) == 0)
                bit = PART_NAMES[k].bit;
        if (bit == 0) {
            gc_errf(err, cap,
                 "%s: implements[%zu]: unknown part (cert jwt forwarded files run internal)", path,
                 i);
            json_decref(root);
            return -1;
        }
        *parts |= bit;
    }
    json_decref(root);
    return 0;
}

/* --- runner state ------------------------------------------------------------------ */

struct runner {
    const struct gc_run_opts *o;
    struct gc_run *run;
    struct gc_material *m;
    struct gc_target *t; /* NULL for --target-url */
    struct gc_ssrf_listener *ssrf;
    int timeout_ms;
    _Atomic int port;
    char run_dir[PATH_MAX];
    char cwd_path[PATH_MAX];
    char fx_dir[PATH_MAX];     /* DIR (parent of target/) */
    char target_dir[PATH_MAX]; /* DIR/target */
    char gk_bin[PATH_MAX];
    char target_bin[PATH_MAX]; /* the launched program, for unsafe-exec */
    char marker_path[PATH_MAX]; /* ${EXEC_MARKER}: <run_dir>/marker/exec-marker */
    char spec_mode[16];
    /* launch argv and env storage (live as long as the target) */
    const char *argv[GC_SUP_MAX_ARGS + 1];
    char cmd_buf[RUN_CMD_BUF];
    char env_fx[PATH_MAX + 32], env_port[48];
    const char *envp[3];
    char log_path[PATH_MAX];
    /* selection */
    size_t *par, n_par, *ser, n_ser;
    struct idlist xfail, baseline;
    _Atomic int64_t now; /* atomic: the fuzzer refreshes it while workers build */
    double t0;
    /* phase 1 coordination */
    _Atomic size_t next;
    _Atomic size_t done;
    _Atomic size_t n_finding_cases;
    _Atomic unsigned generation; /* bumped at every restart */
    _Atomic int need_restart;    /* a worker saw the target gone */
    _Atomic int dead_status;     /* wait status of the last death */
    _Atomic unsigned workers_left;
    pthread_mutex_t mu; /* findings, reproducers */
    pthread_mutex_t restart_mu;
    pthread_cond_t restart_cv;
    pthread_t owner; /* gc__session_open's thread: it restarts (gatecrash fuzz --jobs 1) */
    int has_owner;
    const char *phase;
    gc__judged_fn *judged; /* gatecrash fuzz: sees every verdict first (runner_internal.h) */
    void *judged_arg;
    double last_progress;
    int tty;
    size_t total_to_run;
};

static const char *action_name(enum gc_action a)
{
    switch (a) {
    case GC_ACT_REQUEST:
        return "request";
    case GC_ACT_PIPELINE:
        return "pipeline";
    case GC_ACT_SLOW_HEADERS:
        return "slow-headers";
    case GC_ACT_PARTIAL_CLOSE:
        return "partial-close";
    case GC_ACT_CONN_FLOOD:
        return "conn-flood";
    case GC_ACT_BAD_TLS:
        return "bad-tls";
    case GC_ACT_POSTURE:
        return "posture";
    }
    return "unknown";
}

/* Evidence attributed by time needs the case to run alone. */
static int is_serial(const struct gc_case *c)
{
    switch (c->family) {
    case GC_FAM_RUN:
    case GC_FAM_SSRF:
    case GC_FAM_HARDENING:
    case GC_FAM_LEAK:
    case GC_FAM_ROBUST:
        return 1;
    default:
        break;
    }
    return c->action != GC_ACT_REQUEST && c->action != GC_ACT_PIPELINE;
}

static enum gc_severity severity_of(enum gc_oracle o)
{
    switch (o) {
    case GC_OR_AUTHZ_BYPASS:
    case GC_OR_IDENTITY_CONFUSION:
    case GC_OR_UNSAFE_EXEC:
    case GC_OR_TRAVERSAL:
        return GC_SEV_CRITICAL;
    case GC_OR_SSRF:
    case GC_OR_LEAK:
        return GC_SEV_HIGH;
    case GC_OR_CRASH:
    case GC_OR_HARDENING:
        return GC_SEV_MEDIUM;
    default:
        return GC_SEV_LOW;
    }
}

/* --- progress ------------------------------------------------------------------------ */

static void progress(struct runner *r, int final)
{
    if (r->o->quiet)
        return;
    double now = mono_ms();
    double every = r->tty ? RUN_PROGRESS_TTY_MS : RUN_PROGRESS_PLAIN_MS;
    if (!final && now - r->last_progress < every)
        return;
    r->last_progress = now;
    size_t done = atomic_load(&r->done);
    double secs = (now - r->t0) / 1000.0;
    double rate = secs > 0 ? (double)done / secs : 0.0;
    size_t nf = atomic_load(&r->n_finding_cases);
    if (r->tty)
        fprintf(stderr, "\r\033[K[%zu/%zu] %zu finding%s, %.0f cases/s, %s%s", done,
                r->total_to_run, nf, nf == 1 ? "" : "s", rate, r->phase, final ? "\n" : "");
    else
        fprintf(stderr, "gatecrash: [%zu/%zu] %zu finding%s, %.0f cases/s, %s\n", done,
                r->total_to_run, nf, nf == 1 ? "" : "s", rate, r->phase);
    fflush(stderr);
}

/* --- target ------------------------------------------------------------------------------ */

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

static int find_gatekeeper(struct runner *r, char *err, size_t cap)
{
    if (r->o->gatekeeper_bin != NULL) {
        if (realpath(r->o->gatekeeper_bin, r->gk_bin) == NULL || access(r->gk_bin, X_OK) != 0) {
            gc_errf(err, cap, "--gatekeeper %s: %s", r->o->gatekeeper_bin, strerror(errno));
            return -1;
        }
        return 0;
    }
    char dir[PATH_MAX], cand[PATH_MAX];
    if (exe_dir(dir, sizeof(dir)) != 0) {
        gc_errf(err, cap, "cannot find my own executable (/proc/self/exe)");
        return -1;
    }
    static const char *const REL[] = {"../reference-server/server/gatekeeper", "gatekeeper"};
    for (size_t i = 0; i < sizeof(REL) / sizeof(REL[0]); i++) {
        if (join_path(cand, sizeof(cand), dir, REL[i]) == 0 && access(cand, X_OK) == 0 &&
            realpath(cand, r->gk_bin) != NULL)
            return 0;
    }
    gc_errf(err, cap,
         "gatekeeper not found next to gatecrash (%s/../reference-server/server/ or %s/); "
         "use --gatekeeper PATH",
         dir, dir);
    return -1;
}

/* gk-echo beside gatekeeper: <dir>/../helper/gk-echo (build tree), <dir>/gk-echo. */
static int helper_near_gatekeeper(const char *gk, char *out, size_t cap)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof(dir), "%s", gk) >= (int)sizeof(dir))
        return -1;
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    static const char *const REL[] = {"../helper/gk-echo", "gk-echo"};
    char cand[PATH_MAX];
    for (size_t i = 0; i < sizeof(REL) / sizeof(REL[0]); i++)
        if (join_path(cand, sizeof(cand), dir, REL[i]) == 0 && access(cand, X_OK) == 0 &&
            realpath(cand, out) != NULL && strlen(out) < cap)
            return 0;
    return -1;
}

/* --target-url: https://127.0.0.1:PORT or https://localhost:PORT, optional "/". */
static int parse_url(const char *url, int *port, char *err, size_t cap)
{
    static const char PFX[] = "https://";
    if (strncmp(url, PFX, sizeof(PFX) - 1) != 0) {
        gc_errf(err, cap, "--target-url %s: must start with https://", url);
        return -1;
    }
    const char *h = url + sizeof(PFX) - 1;
    const char *colon;
    if (*h == '[') {
        const char *rb = strchr(h, ']');
        if (rb != NULL && (size_t)(rb - h) == 4 && strncmp(h, "[::1", 4) == 0) {
            gc_errf(err, cap,
                 "--target-url %s: IPv6 loopback is not supported by the client; "
                 "use https://127.0.0.1:PORT",
                 url);
            return -1;
        }
        gc_errf(err, cap,
             "--target-url %s: network traffic goes only to loopback "
             "(127.0.0.1 or localhost)",
             url);
        return -1;
    }
    colon = strchr(h, ':');
    size_t hl = colon != NULL ? (size_t)(colon - h) : strcspn(h, "/");
    int loop = (hl == 9 && strncmp(h, "127.0.0.1", 9) == 0) ||
               (hl == 9 && strncasecmp(h, "localhost", 9) == 0);
    if (!loop) {
        gc_errf(err, cap,
             "--target-url %s: network traffic goes only to loopback "
             "(127.0.0.1 or localhost)",
             url);
        return -1;
    }
    if (colon == NULL) {
        gc_errf(err, cap, "--target-url %s: a port is required", url);
        return -1;
    }
    char *end = NULL;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || p < 1 || p > 65535 ||
        (*end != '\0' && strcmp(end, "/") != 0)) {
        gc_errf(err, cap, "--target-url %s: bad port", url);
        return -1;
    }
    *port = (int)p;
    return 0;
}

static int start_target(struct runner *r, char *err, size_t cap)
{
    const struct gc_run_opts *o = r->o;
    struct gc_launch_opts lo = {0};
    size_t n = 0;
    if (o->mode == GC_TARGET_URL) {
        int port = 0;
        if (parse_url(o->target_url, &port, err, cap) != 0)
            return -1;
        atomic_store(&r->port, port);
        snprintf(r->spec_mode, sizeof(r->spec_mode), "url");
        return 0;
    }
    if (o->mode == GC_TARGET_EMBEDDED) {
        snprintf(r->spec_mode, sizeof(r->spec_mode), "embedded");
        snprintf(r->target_bin, sizeof(r->target_bin), "%s", r->gk_bin);
        r->argv[n++] = r->gk_bin;
        r->argv[n++] = "--fixtures";
        r->argv[n++] = r->target_dir;
        r->argv[n++] = "--port";
        r->argv[n++] = "0";
        r->argv[n++] = "--workers";
        r->argv[n++] = RUN_GK_WORKERS;
        /* A short header timeout keeps robust.slow.* to about a second; a
         * later --gatekeeper-arg may override it. */
        r->argv[n++] = "--header-timeout-ms";
        r->argv[n++] = RUN_GK_HEADER_TIMEOUT_MS;
        for (size_t i = 0; i < o->n_gatekeeper_args && n < GC_SUP_MAX_ARGS; i++)
            r->argv[n++] = o->gatekeeper_args[i];
        r->argv[n] = NULL;
        lo.port = 0; /* wait for "listening on 127.0.0.1:PORT" */
    } else {
        snprintf(r->spec_mode, sizeof(r->spec_mode), "cmd");
        int k = gc_split_cmd(o->target_cmd, r->cmd_buf, sizeof(r->cmd_buf), r->argv,
                             GC_SUP_MAX_ARGS + 1);
        if (k <= 0) {
            gc_errf(err, cap, "--target-cmd: empty, or more than %d fields", GC_SUP_MAX_ARGS);
            return -1;
        }
        snprintf(r->target_bin, sizeof(r->target_bin), "%s", r->argv[0]);
        int port = gc__net_free_port();
        if (port <= 0) {
            gc_errf(err, cap, "no free loopback port: %s", strerror(errno));
            return -1;
        }
        lo.port = port;
    }
    snprintf(r->env_fx, sizeof(r->env_fx), "GATECRASH_FIXTURES=%s", r->target_dir);
    snprintf(r->env_port, sizeof(r->env_port), "GATECRASH_PORT=%d", lo.port);
    r->envp[0] = r->env_fx;
    r->envp[1] = r->env_port;
    r->envp[2] = NULL;
    lo.argv = r->argv;
    lo.env = r->envp;
    lo.ready_timeout_ms = RUN_READY_TIMEOUT_MS;
    lo.supervise = o->supervise;
    lo.watch_open = 0; /* every open would stop in the supervisor: too costly for the catalogue */
    lo.log_path = join_path(r->log_path, sizeof(r->log_path), r->run_dir, "target.log") == 0
                      ? r->log_path
                      : NULL;
    /* The target's working directory is a folder of the run, so whatever a
     * misbehaving target writes by relative path stays there. */
    if (join_path(r->cwd_path, sizeof(r->cwd_path), r->run_dir, "target-cwd") != 0 ||
        gc_mkdir_p(r->cwd_path, 0755) != 0) {
        gc_errf(err, cap, "creating %s/target-cwd: %s", r->run_dir, strerror(errno));
        return -1;
    }
    lo.cwd = r->cwd_path;
    char lerr[512];
    if (gc_target_launch(&lo, &r->t, lerr, sizeof(lerr)) != 0) {
        int perm = geteuid() == 0 && strstr(lerr, "Permission denied") != NULL;
        gc_errf(err, cap, "starting the target: %s%s", lerr,
             perm ? " (run as root, gatekeeper drops to nobody: every directory above the "
                    "fixtures must be searchable by others)"
                  : "");
        return -1;
    }
    atomic_store(&r->port, gc_target_port(r->t));
    return 0;
}

/* Restart after a death or a hang; main thread only. */
static void restart_target(struct runner *r)
{
    if (r->t == NULL)
        return;
    char err[512];
    if (gc_target_restart(r->t, err, sizeof(err)) != 0) {
        fprintf(stderr, "%sgatecrash run: restarting the target failed: %s\n", r->tty ? "\n" : "",
                err);
        g_stop = 1; /* nothing left to test against */
    } else {
        atomic_store(&r->port, gc_target_port(r->t));
    }
    atomic_fetch_add(&r->generation, 1);
}

/* --- one case --------------------------------------------------------------------------- */

struct case_ctx {
    struct gc_observation obs;
    struct gc_event *ev;
    size_t n_ev;
    uint8_t *log;
    size_t log_len;
    struct gc_posture posture;
    int have_posture;
    int marker_seen; /* serial case: the exec marker file exists after it */
    char note[256];
};

static void obs_take(struct gc_observation *obs, struct gc__net_result *nr)
{
    obs->connect_ok = nr->connect_ok;
    obs->handshake_ok = nr->handshake_ok;
    obs->timed_out = nr->timed_out;
    obs->n_resp = nr->n_rx;
    for (size_t i = 0; i < nr->n_rx && i < 2; i++) {
        struct gc_obs_response *d = &obs->resp[i];
        d->status = nr->rx[i].status;
        d->headers = nr->rx[i].headers;
        d->headers_len = nr->rx[i].headers_len;
        d->body = nr->rx[i].body;
        d->body_len = nr->rx[i].body_len > GC_OBS_MAX_BODY ? GC_OBS_MAX_BODY : nr->rx[i].body_len;
        nr->rx[i] = (struct gc__rx){0};
    }
    snprintf(obs->error, sizeof(obs->error), "%s", nr->error);
}

static void obs_free(struct gc_observation *obs)
{
    for (size_t i = 0; i < 2; i++) {
        free(obs->resp[i].headers);
        free(obs->resp[i].body);
    }
    memset(obs, 0, sizeof(*obs));
}

/* Worker processes of the target: /proc/<pid>/task/<pid>/children. */
static size_t target_children(int pid, int *out, size_t cap)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
    char *text = read_text(path, NULL);
    if (text == NULL)
        return 0;
    size_t n = 0;
    char *p = text;
    while (*p != '\0' && n < cap) {
        char *end = NULL;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno != 0)
            break;
        if (v > 0 && v <= INT32_MAX)
            out[n++] = (int)v;
        p = end;
        while (*p == ' ' || *p == '\n')
            p++;
    }
    free(text);
    return n;
}

static void read_posture(struct runner *r, struct case_ctx *cx)
{
    memset(&cx->posture, 0, sizeof(cx->posture));
    cx->posture.known = 0;
    cx->have_posture = 0;
    if (r->t == NULL || !gc_target_alive(r->t)) {
        snprintf(cx->note, sizeof(cx->note), "no launched target: posture unknown");
        return;
    }
    int pid = gc_target_pid(r->t);
    int kids[RUN_MAX_CHILDREN];
    size_t nk = target_children(pid, kids, RUN_MAX_CHILDREN);
    /* The workers serve requests: judge the first one; a single-process target is itself. */
    int who = nk > 0 ? kids[0] : pid;
    if (gc_posture_read((pid_t)who, &cx->posture) != 0) {
        snprintf(cx->note, sizeof(cx->note), "posture of pid %d unreadable: %s", who,
                 strerror(errno));
        return;
    }
    cx->posture.launcher_filters = gc_target_supervisor_filters(r->t);
    cx->posture.nnp_by_launcher = gc_target_nnp_set_by_launcher(r->t);
    cx->have_posture = 1;
}

static enum gc__net_action net_action(enum gc_action a)
{
    switch (a) {
    case GC_ACT_PIPELINE:
        return GC__NET_PIPELINE;
    case GC_ACT_SLOW_HEADERS:
        return GC__NET_SLOW;
    case GC_ACT_PARTIAL_CLOSE:
        return GC__NET_PARTIAL;
    case GC_ACT_CONN_FLOOD:
        return GC__NET_FLOOD;
    case GC_ACT_BAD_TLS:
        return GC__NET_BAD_TLS;
    default:
        return GC__NET_REQUEST;
    }
}

static void describe_expect(const struct gc_expect *e, char *out, size_t cap)
{
    int n;
    switch (e->kind) {
    case GC_EXPECT_ALLOW:
        n = snprintf(out, cap, "allow");
        break;
    case GC_EXPECT_STATUS:
        n = snprintf(out, cap, "status %d", e->status);
        break;
    default:
        n = snprintf(out, cap, "deny");
        break;
    }
    if (n < 0 || (size_t)n >= cap)
        return;
    if (e->identity != NULL || e->source != NULL)
        snprintf(out + n, cap - (size_t)n, "; identity %s source %s",
                 e->identity != NULL ? e->identity : "none", e->source != NULL ? e->source : "any");
}

static void describe_seen(const struct gc_observation *obs, char *out, size_t cap)
{
    if (obs->n_resp == 0) {
        snprintf(out, cap, "%s",
                 !obs->connect_ok     ? "no connection"
                 : !obs->handshake_ok ? "handshake failed"
                 : obs->timed_out     ? "no answer (timeout)"
                                      : "no response");
        if (obs->error[0] != '\0') {
            size_t n = strlen(out);
            if (snprintf(out + n, cap - n, ": %s", obs->error) < 0)
                out[n] = '\0';
        }
        return;
    }
    const struct gc_obs_response *rs = &obs->resp[0];
    int n = snprintf(out, cap, "%d ", rs->status);
    if (n < 0 || (size_t)n >= cap)
        return;
    size_t w = (size_t)n;
    for (size_t i = 0; i < rs->body_len && i < RUN_SEEN_BODY_MAX && w + 5 < cap; i++) {
        unsigned char ch = rs->body[i];
        if (ch >= 0x20 && ch < 0x7f) {
            out[w++] = (char)ch;
        } else {
            int k = snprintf(out + w, cap - w, "\\x%02x", ch);
            if (k < 0 || (size_t)k >= cap - w)
                break;
            w += (size_t)k;
        }
    }
    out[w] = '\0';
}

/* Single-quote for sh. */
static void sh_quote(FILE *f, const char *s, size_t n)
{
    fputc('\'', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            fputs("'\\''", f);
        else
            fputc(s[i], f);
    }
    fputc('\'', f);
}

/* curl can send the case as is: one GET-like request with printable target and headers. */
static int curl_can(const struct gc_case *c)
{
    if (c->raw != NULL || c->action != GC_ACT_REQUEST || c->run_arg != NULL || c->target == NULL)
        return 0;
    for (const unsigned char *p = (const unsigned char *)c->target; *p != '\0'; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return 0;
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS && c->headers[i] != NULL; i++)
        for (const unsigned char *p = (const unsigned char *)c->headers[i]; *p != '\0'; p++)
            if (*p < 0x20 || *p >= 0x7f)
                return 0;
    return 1;
}

static char *repro_script(const struct gc_case *c, const struct gc_built *b, int has_cert, int port)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    fprintf(f,
            "#!/bin/sh\n# gatecrash reproducer for %s: start the target on PORT first.\n"
            "cd \"$(dirname \"$0\")\" && PORT=\"${PORT:-%d}\"\n",
            c->id, port);
    if (curl_can(c)) {
        fputs("curl -sS -i --path-as-is --cacert server-ca.pem", f);
        if (has_cert)
            fputs(" --cert client.pem --key client.key", f);
        if (c->method != NULL && strcmp(c->method, "GET") != 0) {
            fputs(" -X ", f);
            sh_quote(f, c->method, strlen(c->method));
        }
        for (size_t i = 0; i < GC_CASE_MAX_HEADERS && c->headers[i] != NULL; i++) {
            fputs(" -H ", f);
            sh_quote(f, c->headers[i], strlen(c->headers[i]));
        }
        if (b->token != NULL)
            fprintf(f, " -H \"Authorization: %s $(cat token.txt)\"",
                    c->token.scheme != NULL ? c->token.scheme : "Bearer");
        fputs(" --resolve \"localhost:$PORT:127.0.0.1\" ", f);
        fputs("\"https://localhost:$PORT\"", f);
        sh_quote(f, c->target, strlen(c->target));
        fputc('\n', f);
    } else {
        /* -quiet implies -ign_eof: the server's idle timeout would end it,
         * so bound it. -cert_chain: send the intermediates too (alice's). */
        fprintf(f,
                "timeout %d openssl s_client -connect \"127.0.0.1:$PORT\" -servername localhost "
                "-CAfile server-ca.pem",
                RUN_REPRO_SCLIENT_S);
        if (has_cert)
            fputs(" -cert client.pem -cert_chain client.pem -key client.key", f);
        fputs(" -quiet < request.bin\n", f);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *response_text(const struct gc_observation *obs)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    if (obs->n_resp == 0)
        fprintf(f, "no response: connect %s, handshake %s%s%s%s\n",
                obs->connect_ok ? "ok" : "failed", obs->handshake_ok ? "ok" : "failed",
                obs->timed_out ? ", timed out" : "", obs->error[0] ? ": " : "", obs->error);
    for (size_t i = 0; i < obs->n_resp; i++) {
        const struct gc_obs_response *rs = &obs->resp[i];
        fprintf(f, "%sstatus %d\n%s\n", i > 0 ? "\n--- response 2 ---\n" : "", rs->status,
                rs->headers != NULL ? rs->headers : "");
        size_t n = rs->body_len > RUN_RESP_SAVE_MAX ? RUN_RESP_SAVE_MAX : rs->body_len;
        if (n > 0)
            fwrite(rs->body, 1, n, f);
        if (n < rs->body_len)
            fprintf(f, "\n[... %zu more bytes cut]\n", rs->body_len - n);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int put_json(const char *dir, const struct runner *r, const struct gc_finding *fd,
                    const struct gc_built *b)
{
    const struct gc_case *c = fd->c;
    char seed[32];
    snprintf(seed, sizeof(seed), "%" PRIu64, r->run->seed);
    json_t *root = json_object();
    json_t *lens = json_array();
    for (size_t i = 0; b != NULL && i < b->n_req; i++)
        json_array_append_new(lens, json_integer((json_int_t)b->req_len[i]));
    json_t *target = json_object();
    json_t *args = json_array();
    for (size_t i = 0; i < r->o->n_gatekeeper_args; i++)
        json_array_append_new(args, json_string(r->o->gatekeeper_args[i]));
    json_object_set_new(target, "mode", json_string(r->spec_mode));
    json_object_set_new(target, "gatekeeper", json_string(r->gk_bin));
    json_object_set_new(target, "gatekeeper_args", args);
    json_t *argv = json_array();
    for (size_t i = 0; r->argv[0] != NULL && i < GC_SUP_MAX_ARGS && r->argv[i] != NULL; i++)
        json_array_append_new(argv, json_string(r->argv[i]));
    json_object_set_new(target, "argv", argv);
    json_object_set_new(target, "cmd",
                        json_string(r->o->target_cmd != NULL ? r->o->target_cmd : ""));
    json_object_set_new(target, "url",
                        json_string(r->o->target_url != NULL ? r->o->target_url : ""));
    json_object_set_new(target, "port", json_integer(atomic_load(&r->port)));
    json_object_set_new(root, "format", json_integer(1));
    json_object_set_new(root, "finding_id", json_string(fd->id));
    json_object_set_new(root, "case_id", json_string(c->id));
    json_object_set_new(root, "family", json_string(gc_family_name(c->family)));
    json_object_set_new(root, "title", json_string(c->title != NULL ? c->title : ""));
    json_object_set_new(root, "refs", json_string(c->refs != NULL ? c->refs : ""));
    json_object_set_new(root, "oracle", json_string(gc_oracle_name(fd->oracle)));
    json_object_set_new(root, "severity", json_string(gc_severity_name(fd->severity)));
    json_object_set_new(root, "evidence",
                        json_stringn(fd->evidence, strnlen(fd->evidence, sizeof(fd->evidence))));
    json_object_set_new(root, "signature",
                        json_stringn(fd->signature, strnlen(fd->signature, sizeof(fd->signature))));
    json_object_set_new(root, "expected", json_string(fd->expected));
    json_object_set_new(root, "seen", json_stringn(fd->seen, strnlen(fd->seen, sizeof(fd->seen))));
    json_object_set_new(root, "seed", json_string(seed));
    json_object_set_new(root, "run_id", json_string(r->run->run_id));
    json_object_set_new(root, "action", json_string(action_name(c->action)));
    json_object_set_new(
        root, "cert", json_string(c->cert == GC_CERT_NONE ? "none" : gc_cert_truth(c->cert)->name));
    json_object_set_new(root, "token", json_boolean(b != NULL && b->token != NULL));
    json_object_set_new(root, "request_lengths", lens);
    json_object_set_new(root, "fixtures_dir", json_string(r->fx_dir));
    json_object_set_new(root, "target", target);
    /* json_string() of invalid UTF-8 is NULL: the set_new calls above then
     * fail silently for that key; evidence is escaped ASCII by the oracles. */
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    if (text == NULL)
        return -1;
    size_t tl = strlen(text);
    char *with_nl = realloc(text, tl + 2);
    if (with_nl == NULL) {
        free(text);
        return -1;
    }
    with_nl[tl] = '\n';
    with_nl[tl + 1] = '\0';
    int rc = write_atomic(dir, "case.json", with_nl, tl + 1, 0644);
    free(with_nl);
    return rc;
}

/* Write findings/<id>/ as a whole: temp dir, files, fsync, rename. */
static void write_repro(struct runner *r, struct gc_finding *fd, const struct gc_built *b,
                        const struct gc_observation *obs)
{
    char fdir[PATH_MAX], final[PATH_MAX], tmp[PATH_MAX];
    if (join_path(fdir, sizeof(fdir), r->run_dir, "findings") != 0 || gc_mkdir_p(fdir, 0755) != 0 ||
        join_path(final, sizeof(final), fdir, fd->id) != 0 ||
        snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", fdir, fd->id) >= (int)sizeof(tmp))
        return;
    snprintf(fd->repro_dir, sizeof(fd->repro_dir), "findings/%s", fd->id);
    struct stat st;
    if (stat(final, &st) == 0)
        return; /* already written */
    if (mkdtemp(tmp) == NULL)
        return;
    chmod(tmp, 0755);
    const struct gc_case *c = fd->c;
    int ok = put_json(tmp, r, fd, b) == 0;
    if (ok && b != NULL && b->n_req > 0) {
        size_t total = 0;
        for (size_t i = 0; i < b->n_req; i++)
            total += b->req_len[i];
        uint8_t *all = malloc(total > 0 ? total : 1);
        size_t w = 0;
        for (size_t i = 0; all != NULL && i < b->n_req; i++) {
            memcpy(all + w, b->req[i], b->req_len[i]);
            w += b->req_len[i];
        }
        ok = all != NULL && write_atomic(tmp, "request.bin", all, total, 0644) == 0;
        free(all);
    }
    if (ok && b != NULL && b->token != NULL)
        ok = write_atomic(tmp, "token.txt", b->token, strlen(b->token), 0644) == 0;
    int has_cert = c->cert != GC_CERT_NONE;
    if (ok && has_cert) {
        char cp[PATH_MAX], kp[PATH_MAX];
        ok = join_path(cp, sizeof(cp), tmp, "client.pem") == 0 &&
             join_path(kp, sizeof(kp), tmp, "client.key") == 0 &&
             gc_material_write_cred(r->m, c->cert, cp, kp) == 0;
    }
    char ca[PATH_MAX];
    size_t ca_len = 0;
    char *ca_pem =
        join_path(ca, sizeof(ca), r->fx_dir, GC_FX_SERVER_CA) == 0 ? read_text(ca, &ca_len) : NULL;
    if (ok && ca_pem != NULL)
        ok = write_atomic(tmp, "server-ca.pem", ca_pem, ca_len, 0644) == 0;
    free(ca_pem);
    char *resp = response_text(obs);
    if (ok && resp != NULL)
        ok = write_atomic(tmp, "response.txt", resp, strlen(resp), 0644) == 0;
    free(resp);
    char *sh =
        repro_script(c, b != NULL ? b : &(struct gc_built){0}, has_cert, atomic_load(&r->port));
    if (ok && sh != NULL)
        ok = write_atomic(tmp, "repro.sh", sh, strlen(sh), 0755) == 0;
    free(sh);
    char readme[8192];
    int rl =
        snprintf(readme, sizeof(readme),
                 "gatecrash finding %s\n\ncase:     %s (%s)\n%s\noracle:   %s (%s)\nexpected: %s\n"
                 "seen:     %s\nevidence: %s\n\nReplay against a fresh target (REPRODUCED / FIXED "
                 "/ FLAKY):\n"
                 "    gatecrash replay %s/%s\n\nBy hand: start the target on the fixtures in %s,\n"
                 "then PORT=<its port> sh repro.sh (response.txt is what this run saw).\n",
                 fd->id, c->id, gc_family_name(c->family), c->title != NULL ? c->title : "",
                 gc_oracle_name(fd->oracle), gc_severity_name(fd->severity), fd->expected, fd->seen,
                 fd->evidence, r->run_dir, fd->repro_dir, r->fx_dir);
    if (rl < 0 || (size_t)rl >= sizeof(readme))
        ok = 0;
    if (ok)
        ok = write_atomic(tmp, "README.txt", readme, strlen(readme), 0644) == 0;
    fsync_dir(tmp);
    if (!ok || rename(tmp, final) != 0) {
        gc__remove_tree(tmp);
        return;
    }
    fsync_dir(fdir);
}

/* Liveness after a case: alive, and GET /public answered. 1 live. */
static int target_live(struct runner *r, int *died, int *status)
{
    *died = 0;
    if (r->t != NULL && !gc_target_alive(r->t)) {
        *died = 1;
        *status = gc_target_stop(r->t);
        return 0;
    }
    struct gc_client *cl = gc_material_client(r->m, GC_CERT_NONE);
    return cl != NULL &&
           gc__net_public_ok(cl, (uint16_t)atomic_load(&r->port), RUN_LIVENESS_TIMEOUT_MS);
}

/* Phase 1 worker: the target is gone; ask the main thread to restart, wait for it. */
static void await_restart(struct runner *r, unsigned gen)
{
    pthread_mutex_lock(&r->restart_mu);
    if (r->has_owner && pthread_equal(pthread_self(), r->owner)) {
        /* The restarting thread itself ran a non-serial case: waiting for
         * it would never end. */
        if (atomic_load(&r->generation) == gen && !g_stop)
            restart_target(r);
        pthread_cond_broadcast(&r->restart_cv);
        pthread_mutex_unlock(&r->restart_mu);
        return;
    }
    if (atomic_load(&r->generation) == gen)
        atomic_store(&r->need_restart, 1);
    while (atomic_load(&r->generation) == gen && !g_stop)
        pthread_cond_wait(&r->restart_cv, &r->restart_mu);
    pthread_mutex_unlock(&r->restart_mu);
}

static void record_case(struct runner *r, size_t k, struct case_ctx *cx, const struct gc_built *b,
                        int built_ok, const char *build_err, int died, int status, int hang,
                        unsigned ssrf_hits)
{
    const struct gc_case *c = r->run->results[k].c;
    struct gc_case_result *res = &r->run->results[k];
    const struct gc_observation *obs = &cx->obs;
    res->status =
        obs->n_resp > 0 ? obs->resp[0].status : (obs->connect_ok && !obs->handshake_ok ? -1 : 0);
    if (!built_ok) {
        res->outcome = GC_OUT_ERROR;
        snprintf(res->note, sizeof(res->note), "%s", build_err);
        return;
    }
    /* The judge's context. */
    size_t n_ms = 0, n_ml = 0;
    const char *const *ms = gc_material_secrets(r->m, &n_ms);
    const char *const *ml = gc_material_secret_labels(r->m, &n_ml);
    const char *secrets[16 + GC_BUILD_MAX_SECRETS];
    const char *labels[16 + GC_BUILD_MAX_SECRETS];
    size_t ns = 0;
    for (size_t i = 0; i < n_ms && ns < 16; i++, ns++) {
        secrets[ns] = ms[i];
        labels[ns] = ml != NULL && i < n_ml ? ml[i] : "fixture secret";
    }
    for (size_t i = 0; i < b->n_secrets && i < GC_BUILD_MAX_SECRETS; i++, ns++) {
        secrets[ns] = b->secrets[i];
        labels[ns] = "token signature";
    }
    size_t n_can = 0;
    const struct gc_canary *can = gc_material_canaries(r->m, &n_can);
    struct gc_judge_ctx j = {
        .helper_path = gc_material_helper(r->m),
        .canaries = can,
        .n_canaries = n_can,
        .fixtures_dir = gc_material_target_dir(r->m),
        .events = cx->ev,
        .n_events = cx->n_ev,
        .ssrf_canary_addr = gc_ssrf_listener_addr(r->ssrf),
        .secrets = secrets,
        .n_secrets = ns,
        .target_log = cx->log,
        .target_log_len = cx->log_len,
        .secret_labels = labels,
        .target_binary = r->target_bin[0] != '\0' ? r->target_bin : NULL,
        .target_pid = r->t != NULL ? gc_target_pid(r->t) : 0,
        .ssrf_listener_hits = ssrf_hits,
        .target_died = died,
        .target_wait_status = status,
        .liveness_failed = hang,
        .exec_marker_seen = cx->marker_seen,
        .posture = cx->have_posture ? &cx->posture : NULL,
    };
    /* The helper must receive the argument as sent (${EXEC_MARKER}
     * substituted), so the oracles judge that, not the template. */
    struct gc_case sent = *c;
    if (b->run_arg != NULL) {
        sent.run_arg = b->run_arg;
        sent.run_arg_len = b->run_arg_len;
    }
    struct gc_verdict v[GC_OR_COUNT];
    size_t fired = gc_judge_all(&sent, obs, &j, v);
    /* Fuzz cases: unknown ground truth keeps only the model-free oracles. */
    fired = gc_fuzz_filter_verdicts(c, v);
    if (r->judged != NULL && !r->judged(r->judged_arg, k, c, obs, v, b))
        return;
    fired = 0;
    for (size_t oi = 0; oi < GC_OR_COUNT; oi++)
        fired += v[oi].fired != 0;
    char expected[128], seen[256];
    describe_expect(&c->expect, expected, sizeof(expected));
    describe_seen(obs, seen, sizeof(seen));
    int any_new = 0, any_xfail = 0, case_listed = idlist_has(&r->xfail, c->id);
    pthread_mutex_lock(&r->mu);
    res->first_finding = r->run->n_findings;
    res->n_findings = 0;
    for (size_t oi = 0; oi < GC_OR_COUNT && fired > 0; oi++) {
        if (!v[oi].fired)
            continue;
        char id[GC_FINDING_ID_LEN + 1];
        gc_finding_id(c->id, (enum gc_oracle)oi, v[oi].signature, id);
        int dup = 0;
        for (size_t q = 0; q < r->run->n_findings; q++)
            dup |= strcmp(r->run->findings[q].id, id) == 0;
        if (dup)
            continue;
        struct gc_finding *nf = realloc(r->run->findings, (r->run->n_findings + 1) * sizeof(*nf));
        if (nf == NULL)
            break;
        r->run->findings = nf;
        struct gc_finding *fd = &nf[r->run->n_findings++];
        memset(fd, 0, sizeof(*fd));
        memcpy(fd->id, id, sizeof(fd->id));
        fd->c = c;
        fd->oracle = (enum gc_oracle)oi;
        fd->severity = severity_of(fd->oracle);
        snprintf(fd->evidence, sizeof(fd->evidence), "%s", v[oi].evidence);
        snprintf(fd->signature, sizeof(fd->signature), "%s", v[oi].signature);
        fd->seed = r->run->seed;
        snprintf(fd->expected, sizeof(fd->expected), "%s", expected);
        snprintf(fd->seen, sizeof(fd->seen), "%s", seen);
        fd->first_seen_ms = mono_ms() - r->t0;
        res->n_findings++;
        if (case_listed || idlist_has(&r->xfail, id))
            any_xfail = 1;
        else if (!idlist_has(&r->baseline, id))
            any_new = 1;
        write_repro(r, fd, b, obs);
    }
    pthread_mutex_unlock(&r->mu);
    if (res->n_findings > 0) {
        res->outcome = any_new ? GC_OUT_FINDING : any_xfail ? GC_OUT_XFAIL : GC_OUT_BASELINE;
        if (any_new)
            atomic_fetch_add(&r->n_finding_cases, 1);
    } else if (fired > 0) {
        /* Every verdict repeated a finding already recorded (restart windows). */
        res->outcome = GC_OUT_PASS;
    } else {
        res->outcome = case_listed ? GC_OUT_XPASS : GC_OUT_PASS;
    }
    if (res->note[0] == '\0') {
        if (cx->note[0] != '\0')
            snprintf(res->note, sizeof(res->note), "%s", cx->note);
        for (size_t oi = 0; oi < GC_OR_COUNT && res->note[0] == '\0'; oi++)
            if (v[oi].inconclusive)
                snprintf(res->note, sizeof(res->note), "%s inconclusive: %s",
                         gc_oracle_name((enum gc_oracle)oi), v[oi].evidence);
    }
}

static void run_one(struct runner *r, size_t k, int serial)
{
    const struct gc_case *c = r->run->results[k].c;
    struct case_ctx cx;
    memset(&cx, 0, sizeof(cx));
    double t_start = mono_ms();
    unsigned gen = atomic_load(&r->generation);
    uint64_t seq0 = r->t != NULL ? gc_target_seq(r->t) : 0;
    uint64_t ssrf0 = gc_ssrf_seq(r->ssrf);
    size_t log0 = 0;
    int want_log = serial && r->t != NULL && c->family == GC_FAM_LEAK;
    if (want_log) {
        uint8_t *lb = NULL;
        if (gc_target_log(r->t, &lb, &log0) != 0)
            log0 = 0;
        free(lb);
    }
    uint16_t port = (uint16_t)atomic_load(&r->port);
    struct gc_built b;
    memset(&b, 0, sizeof(b));
    char berr[256] = "";
    int probe_failed = 0;
    /* Serial cases own the exec marker: whatever created it before is not theirs. */
    int watch_marker = serial && r->marker_path[0] != '\0';
    if (watch_marker && unlink(r->marker_path) != 0 && errno != ENOENT)
        watch_marker = 0; /* cannot clear it: it proves nothing about this case */
    /* A posture case sends nothing: nothing to build. */
    int built = c->action == GC_ACT_POSTURE ||
                gc_build_case(r->m, c, r->now, port, gc_ssrf_listener_url(r->ssrf), &b, berr,
                              sizeof(berr)) == 0;
    if (built && c->action == GC_ACT_POSTURE) {
        read_posture(r, &cx);
    } else if (built) {
        struct gc_client *cl = gc_material_client(r->m, c->cert);
        if (cl == NULL) {
            built = 0;
            snprintf(berr, sizeof(berr), "no TLS client for certificate %s",
                     gc_cert_truth(c->cert)->name);
        } else {
            struct gc__net_req nr = {.n_req = b.n_req};
            for (size_t i = 0; i < b.n_req && i < GC__NET_MAX_REQ; i++) {
                nr.req[i] = b.req[i];
                nr.req_len[i] = b.req_len[i];
                nr.head[i] = b.head_request[i];
            }
            struct gc__net_result res;
            gc__net_run(cl, port, r->timeout_ms, net_action(c->action), &nr, &g_stop, &res);
            obs_take(&cx.obs, &res);
            probe_failed = res.probe_failed;
            gc__net_result_free(&res);
            if (c->action == GC_ACT_CONN_FLOOD)
                snprintf(cx.note, sizeof(cx.note), "%u idle connections held", res.flood_opened);
        }
    }
    cx.obs.elapsed_ms = mono_ms() - t_start;
    /* Liveness: after every serial case; in phase 1 when the case failed to
     * connect or every RUN_LIVENESS_EVERY cases. */
    int died = 0, status = 0, hang = probe_failed;
    size_t done_before = atomic_load(&r->done);
    int check = serial ||
                (built && c->action != GC_ACT_POSTURE && cx.obs.n_resp == 0 &&
                 !cx.obs.handshake_ok && !cx.obs.connect_ok) ||
                (done_before + 1) % RUN_LIVENESS_EVERY == 0;
    if (check && !g_stop) {
        if (serial) {
            int live = target_live(r, &died, &status);
            hang = hang || (!live && !died);
        } else if (r->t != NULL && atomic_load(&r->generation) == gen && !gc_target_alive(r->t)) {
            /* (a generation change means the main thread already restarted it:
             * never stop the new one) */
            died = 1;
            status = gc_target_stop(r->t); /* reaps it: the wait status is the evidence */
        } else if ((done_before + 1) % RUN_LIVENESS_EVERY == 0) {
            struct gc_client *pc = gc_material_client(r->m, GC_CERT_NONE);
            hang = pc != NULL && !gc__net_public_ok(pc, port, r->timeout_ms) &&
                   atomic_load(&r->generation) == gen;
        }
    }
    if (watch_marker) {
        struct stat mst;
        cx.marker_seen = lstat(r->marker_path, &mst) == 0;
    }
    if (!serial && atomic_load(&r->generation) != gen) {
        died = 1; /* the target was restarted while this case was in flight */
        status = atomic_load(&r->dead_status);
    }
    if (r->t != NULL) {
        /* Serial cases own their window; phase-1 cases overlap, so they only
         * take deaths and sanitizer reports from theirs. */
        cx.ev = calloc(RUN_MAX_CASE_EVENTS, sizeof(*cx.ev));
        if (cx.ev != NULL) {
            size_t n = gc_target_events_since(r->t, seq0, cx.ev, RUN_MAX_CASE_EVENTS, NULL, NULL);
            size_t w = 0;
            for (size_t i = 0; i < n; i++) {
                if (serial || cx.ev[i].kind == GC_EV_EXIT || cx.ev[i].kind == GC_EV_SANITIZER) {
                    if (w != i) {
                        cx.ev[w] = cx.ev[i];
                        memset(&cx.ev[i], 0, sizeof(cx.ev[i]));
                    }
                    w++;
                } else {
                    gc_events_free(&cx.ev[i], 1);
                }
            }
            cx.n_ev = w;
        }
        if (want_log) {
            uint8_t *lb = NULL;
            size_t ll = 0;
            if (gc_target_log(r->t, &lb, &ll) == 0 && ll >= log0) {
                memmove(lb, lb + log0, ll - log0);
                cx.log = lb;
                cx.log_len = ll - log0;
            } else {
                free(lb);
            }
        }
    }
    unsigned hits = serial ? (unsigned)gc_ssrf_hits_since(r->ssrf, ssrf0) : 0;
    r->run->results[k].elapsed_ms = mono_ms() - t_start;
    record_case(r, k, &cx, &b, built, berr, died, status, hang, hits);
    if (!serial && (died || hang) && r->t != NULL && atomic_load(&r->generation) == gen) {
        atomic_store(&r->dead_status, status);
        await_restart(r, gen);
    }
    if (serial && (died || hang) && !g_stop) {
        atomic_store(&r->dead_status, status);
        restart_target(r);
    }
    gc_built_free(&b);
    obs_free(&cx.obs);
    if (cx.ev != NULL) {
        gc_events_free(cx.ev, cx.n_ev);
        free(cx.ev);
    }
    free(cx.log);
    atomic_fetch_add(&r->done, 1);
}

static void *worker_main(void *arg)
{
    struct runner *r = arg;
    for (;;) {
        if (g_stop)
            break;
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->n_par)
            break;
        run_one(r, r->par[i], 0);
    }
    atomic_fetch_sub(&r->workers_left, 1);
    return NULL;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > RUN_MAX_JOBS ? RUN_MAX_JOBS : (int)n;
}

/* Phase 1 on worker threads; this (main) thread restarts and reports progress. */
static void run_parallel(struct runner *r)
{
    int jobs = r->o->jobs > 0 ? r->o->jobs : default_jobs();
    if (jobs > RUN_MAX_JOBS)
        jobs = RUN_MAX_JOBS;
    pthread_t th[RUN_MAX_JOBS];
    int started = 0;
    atomic_store(&r->workers_left, (unsigned)jobs);
    for (int i = 0; i < jobs; i++) {
        if (pthread_create(&th[i], NULL, worker_main, r) != 0)
            break;
        started++;
    }
    atomic_fetch_sub(&r->workers_left, (unsigned)(jobs - started));
    if (started == 0) { /* no threads: do it here */
        atomic_store(&r->workers_left, 1);
        worker_main(r);
    }
    while (atomic_load(&r->workers_left) > 0) {
        if (atomic_exchange(&r->need_restart, 0)) {
            pthread_mutex_lock(&r->restart_mu);
            restart_target(r);
            pthread_cond_broadcast(&r->restart_cv);
            pthread_mutex_unlock(&r->restart_mu);
        }
        if (g_stop) { /* release anyone waiting for a restart */
            pthread_mutex_lock(&r->restart_mu);
            pthread_cond_broadcast(&r->restart_cv);
            pthread_mutex_unlock(&r->restart_mu);
        }
        progress(r, 0);
        sleep_ms(RUN_COORD_TICK_MS);
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
}

/* --- selection ------------------------------------------------------------------------------ */

static int selected(const struct gc_run_opts *o, const struct gc_case *c)
{
    if (o->only_case != NULL)
        return strcmp(c->id, o->only_case) == 0;
    if (o->n_prefixes == 0)
        return 1;
    for (size_t i = 0; i < o->n_prefixes; i++)
        if (strncmp(c->id, o->prefixes[i], strlen(o->prefixes[i])) == 0)
            return 1;
    return 0;
}

static int select_cases(struct runner *r, unsigned parts, char *err, size_t cap)
{
    size_t n_cat = 0, n_reg = 0;
    const struct gc_case *cat = gc_catalogue(&n_cat);
    /* Network fuzzing findings replayed as regression cases (fuzz.h). */
    const struct gc_case *reg = gc_fuzz_regression_cases(&n_reg);
    size_t n_all = n_cat + n_reg;
    struct gc_run *run = r->run;
    run->results = calloc(n_all > 0 ? n_all : 1, sizeof(*run->results));
    r->par = calloc(n_all > 0 ? n_all : 1, sizeof(*r->par));
    r->ser = calloc(n_all > 0 ? n_all : 1, sizeof(*r->ser));
    if (run->results == NULL || r->par == NULL || r->ser == NULL) {
        gc_errf(err, cap, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n_all; i++) {
        const struct gc_case *c = i < n_cat ? &cat[i] : &reg[i - n_cat];
        if (!selected(r->o, c))
            continue;
        size_t k = run->n_results++;
        run->results[k].c = c;
        if (c->contract_part != 0 && (c->contract_part & parts) != c->contract_part) {
            run->results[k].outcome = GC_OUT_UNIMPLEMENTED;
            snprintf(run->results[k].note, sizeof(run->results[k].note),
                     "the manifest does not implement this part of the contract");
            continue;
        }
        if (c->action == GC_ACT_POSTURE && r->o->mode == GC_TARGET_URL) {
            run->results[k].outcome = GC_OUT_UNIMPLEMENTED;
            snprintf(run->results[k].note, sizeof(run->results[k].note),
                     "posture needs a launched target (--target-url is black-box)");
            continue;
        }
        if (is_serial(c))
            r->ser[r->n_ser++] = k;
        else
            r->par[r->n_par++] = k;
    }
    if (run->n_results == 0) {
        if (r->o->only_case != NULL)
            gc_errf(err, cap, "no case with id %s (see `gatecrash list`)", r->o->only_case);
        else
            gc_errf(err, cap, "no case matches the given prefixes (see `gatecrash list`)");
        return -1;
    }
    r->total_to_run = r->n_par + r->n_ser;
    return 0;
}

/* --- the run -------------------------------------------------------------------------------- */

static int setup_dirs(struct runner *r, char *err, size_t cap)
{
    const struct gc_run_opts *o = r->o;
    struct gc_run *run = r->run;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(run->run_id, sizeof(run->run_id), "%s-%d", stamp, (int)getpid());
    const char *root = o->reports_root != NULL ? o->reports_root : "reports";
    char want[PATH_MAX];
    if (o->run_dir != NULL) {
        if (snprintf(want, sizeof(want), "%s", o->run_dir) >= (int)sizeof(want))
            goto toolong;
    } else if (snprintf(want, sizeof(want), "%s/runs/%s", root, run->run_id) >= (int)sizeof(want)) {
        goto toolong;
    }
    if (gc_mkdir_p(want, 0755) != 0 || realpath(want, r->run_dir) == NULL) {
        gc_errf(err, cap, "%s: %s", want, strerror(errno));
        return -1;
    }
    return 0;
toolong:
    gc_errf(err, cap, "run directory path too long");
    return -1;
}

static int setup_fixtures(struct runner *r, char *err, size_t cap)
{
    const struct gc_run_opts *o = r->o;
    if (o->fixtures_dir != NULL) {
        if (realpath(o->fixtures_dir, r->fx_dir) == NULL) {
            gc_errf(err, cap, "--fixtures %s: %s", o->fixtures_dir, strerror(errno));
            return -1;
        }
    } else {
        if (o->mode == GC_TARGET_URL) {
            gc_errf(err, cap,
                 "--target-url needs --fixtures DIR: the fixtures the running target uses");
            return -1;
        }
        char dir[PATH_MAX], helper[PATH_MAX], seed[32];
        if (join_path(dir, sizeof(dir), r->run_dir, "fixtures") != 0) {
            gc_errf(err, cap, "fixture path too long");
            return -1;
        }
        snprintf(seed, sizeof(seed), "%" PRIu64, r->run->seed);
        struct gc_fixtures_opts fo = {.dir = dir, .seed = seed, .force = 1};
        if (o->mode == GC_TARGET_EMBEDDED &&
            helper_near_gatekeeper(r->gk_bin, helper, sizeof(helper)) == 0)
            fo.helper = helper;
        char ferr[512];
        if (gc_fixtures_generate(&fo, ferr, sizeof(ferr)) != 0) {
            gc_errf(err, cap, "generating fixtures: %s", ferr);
            return -1;
        }
        if (realpath(dir, r->fx_dir) == NULL) {
            gc_errf(err, cap, "%s: %s", dir, strerror(errno));
            return -1;
        }
    }
    if (join_path(r->target_dir, sizeof(r->target_dir), r->fx_dir, GC_FX_TARGET) != 0) {
        gc_errf(err, cap, "fixture path too long");
        return -1;
    }
    char merr[512];
    r->m = gc_material_load(r->fx_dir, r->now, merr, sizeof(merr));
    if (r->m == NULL) {
        gc_errf(err, cap, "loading fixtures %s: %s", r->fx_dir, merr);
        return -1;
    }
    return 0;
}

/* The exec marker (DESIGN.md "Oracles", unsafe-exec: "a canary marker file
 * appeared"): <run_dir>/marker/, mode 1777 like /tmp, so that a target that
 * dropped privileges could still create the file; run.marker.* arguments
 * would touch <run_dir>/marker/exec-marker if a shell ever saw them. Needs no
 * supervisor, so it works against --target-url too (same host). */
static int setup_marker(struct runner *r, char *err, size_t cap)
{
    char dir[PATH_MAX];
    if (join_path(dir, sizeof(dir), r->run_dir, RUN_MARKER_DIR) != 0 ||
        join_path(r->marker_path, sizeof(r->marker_path), dir, RUN_MARKER_FILE) != 0) {
        gc_errf(err, cap, "marker path too long");
        return -1;
    }
    if ((mkdir(dir, RUN_MARKER_DIR_MODE) != 0 && errno != EEXIST) ||
        chmod(dir, RUN_MARKER_DIR_MODE) != 0 ||
        (unlink(r->marker_path) != 0 && errno != ENOENT) ||
        gc_material_set_exec_marker(r->m, r->marker_path) != 0) {
        gc_errf(err, cap, "exec marker %s: %s", r->marker_path, strerror(errno));
        return -1;
    }
    /* The path reaches a shell only as a word of an injected command. */
    if (r->marker_path[strspn(r->marker_path, RUN_MARKER_SAFE_BYTES)] != '\0' && !r->o->quiet)
        fprintf(stderr, "gatecrash run: note: the exec marker path %s holds shell-special "
                        "bytes: marker evidence may be missed\n", r->marker_path);
    return 0;
}

/* Everything between case selection and the first case, shared by
 * gatecrash run and the fuzz session: target binary, directories, fixtures,
 * exec marker, canary listener, the target itself. 0, or -1 with err. */
static int bring_up(struct runner *r, struct gc_run *run, char *err, size_t cap)
{
    const struct gc_run_opts *o = r->o;
    if (o->mode == GC_TARGET_EMBEDDED && find_gatekeeper(r, err, cap) != 0)
        return -1;
    snprintf(run->target_name, sizeof(run->target_name), "%s",
             o->mode == GC_TARGET_EMBEDDED ? "gatekeeper"
             : o->mode == GC_TARGET_CMD    ? o->target_cmd
                                           : o->target_url);
    if (setup_dirs(r, err, cap) != 0 || setup_fixtures(r, err, cap) != 0 ||
        setup_marker(r, err, cap) != 0)
        return -1;
    char serr[256];
    if (gc_ssrf_listener_start(&r->ssrf, serr, sizeof(serr)) != 0) {
        gc_errf(err, cap, "canary listener: %s", serr);
        return -1;
    }
    if (start_target(r, err, cap) != 0)
        return -1;
    run->supervised = r->t != NULL && gc_target_supervised(r->t);
    return 0;
}

static int run_internal(const struct gc_run_opts *o, struct gc_run *run, char *err, size_t cap)
{
    memset(run, 0, sizeof(*run));
    struct runner *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        gc_errf(err, cap, "out of memory");
        return 2;
    }
    r->o = o;
    r->run = run;
    r->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : RUN_DEFAULT_TIMEOUT_MS;
    r->tty = isatty(STDERR_FILENO);
    r->phase = "starting";
    pthread_mutex_init(&r->mu, NULL);
    pthread_mutex_init(&r->restart_mu, NULL);
    pthread_cond_init(&r->restart_cv, NULL);
    snprintf(run->gatecrash_version, sizeof(run->gatecrash_version), "%s", RUN_VERSION);
    run->started_unix = (int64_t)time(NULL);
    r->now = run->started_unix;
    run->seed = o->seed;
    if (run->seed == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        run->seed = ((uint64_t)ts.tv_sec * 1000000007ULL) ^ (uint64_t)ts.tv_nsec ^
                    ((uint64_t)getpid() << 32);
        if (run->seed == 0)
            run->seed = 1;
    }
    int rc = 2;
    unsigned parts = ~0u;
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);

    if (o->mode == GC_TARGET_CMD && (o->target_cmd == NULL || o->target_cmd[0] == '\0')) {
        gc_errf(err, cap, "--target-cmd is empty");
        goto out;
    }
    if (o->mode == GC_TARGET_URL) {
        int port;
        if (o->target_url == NULL || parse_url(o->target_url, &port, err, cap) != 0) {
            if (o->target_url == NULL)
                gc_errf(err, cap, "--target-url is empty");
            goto out;
        }
    }
    if (o->manifest != NULL && read_manifest(o->manifest, &parts, err, cap) != 0)
        goto out;
    if (o->xfail_file != NULL && idlist_read(&r->xfail, o->xfail_file) != 0) {
        gc_errf(err, cap, "--xfail %s: %s", o->xfail_file, strerror(errno));
        goto out;
    }
    if (o->baseline_file != NULL) {
        char(*ids)[GC_FINDING_ID_LEN + 1] = NULL;
        size_t n = 0;
        if (gc_report_read_finding_ids(o->baseline_file, &ids, &n) != 0) {
            gc_errf(err, cap, "--baseline %s: %s", o->baseline_file,
                 errno == EINVAL ? "not a summary.json nor a list of finding ids"
                                 : strerror(errno));
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (idlist_add(&r->baseline, ids[i], strlen(ids[i])) != 0)
                break;
        free(ids);
    }
    if (select_cases(r, parts, err, cap) != 0)
        goto out;
    if (bring_up(r, run, err, cap) != 0)
        goto out;
    if (r->t != NULL && o->supervise && !run->supervised && !o->quiet)
        fprintf(stderr,
                "gatecrash run: note: target not supervised (%s): exec/connect evidence missing\n",
                gc_target_unsupervised_reason(r->t));
    {
        struct gc_client *cl = gc_material_client(r->m, GC_CERT_NONE);
        if (cl == NULL || !gc__net_public_ok(cl, (uint16_t)atomic_load(&r->port), r->timeout_ms)) {
            gc_errf(err, cap, "the target on 127.0.0.1:%d does not answer GET /public with 200",
                 atomic_load(&r->port));
            goto out;
        }
    }

    r->t0 = mono_ms();
    r->phase = "parallel";
    run_parallel(r);
    r->phase = "serial";
    for (size_t i = 0; i < r->n_ser && !g_stop; i++) {
        run_one(r, r->ser[i], 1);
        progress(r, 0);
    }
    r->phase = g_stop ? "interrupted" : "done";
    run->duration_ms = mono_ms() - r->t0;
    size_t ran = atomic_load(&r->done);
    run->cases_per_s = run->duration_ms > 0 ? (double)ran * 1000.0 / run->duration_ms : 0.0;
    progress(r, 1);
    if (g_stop) {
        run->partial = 1;
        /* Cases never started: say so rather than leave them PASS. */
        for (size_t k = 0; k < run->n_results; k++) {
            struct gc_case_result *res = &run->results[k];
            if (res->outcome == GC_OUT_PASS && res->elapsed_ms == 0 && res->note[0] == '\0') {
                res->outcome = GC_OUT_ERROR;
                snprintf(res->note, sizeof(res->note), "not run: interrupted");
            }
        }
    }
    if (r->t != NULL) {
        int st = gc_target_stop(r->t);
        if (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL && !o->quiet)
            fprintf(stderr,
                    "gatecrash run: note: the target died of signal %d when asked to stop\n",
                    WTERMSIG(st));
        else if (st != -1 && WIFSIGNALED(st) && !o->quiet)
            fprintf(stderr, "gatecrash run: note: the target ignored SIGTERM and was killed\n");
        else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0 && !o->quiet)
            fprintf(stderr, "gatecrash run: note: the target exited with status %d on SIGTERM\n",
                    WEXITSTATUS(st));
    }
    if (o->write_reports) {
        const char *root = o->reports_root != NULL ? o->reports_root : "reports";
        if (gc_mkdir_p(root, 0755) != 0 || gc_report_all(run, r->run_dir, root) != 0) {
            gc_errf(err, cap, "writing reports into %s: %s", r->run_dir, strerror(errno));
            goto out;
        }
    }
    rc = 0;
out:
    if (r->t != NULL)
        gc_target_free(r->t);
    gc_ssrf_listener_stop(r->ssrf);
    gc_material_free(r->m);
    idlist_free(&r->xfail);
    idlist_free(&r->baseline);
    free(r->par);
    free(r->ser);
    pthread_mutex_destroy(&r->mu);
    pthread_mutex_destroy(&r->restart_mu);
    pthread_cond_destroy(&r->restart_cv);
    free(r);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}

int gc_run_cases(const struct gc_run_opts *o, struct gc_run *run, char *err, size_t err_cap)
{
    return run_internal(o, run, err, err_cap);
}

void gc_run_free(struct gc_run *run)
{
    if (run == NULL)
        return;
    free(run->results);
    free(run->findings);
    run->results = NULL;
    run->findings = NULL;
    run->n_results = run->n_findings = 0;
}

int gc_run_exit_code(const struct gc_run *run)
{
    int rc = 0;
    for (size_t i = 0; i < run->n_results; i++) {
        switch (run->results[i].outcome) {
        case GC_OUT_FINDING:
        case GC_OUT_XPASS:
            if (rc < 1)
                rc = 1;
            break;
        case GC_OUT_ERROR:
            rc = 2;
            break;
        default:
            break;
        }
    }
    return rc;
}

/* --- Added (gatecrash fuzz): the runner as a session (runner_internal.h) --------------------- */

struct gc__session {
    struct runner *r;
    struct sigaction old_int, old_term;
};

int gc__session_open(const struct gc_run_opts *o, size_t slots, gc__judged_fn *fn, void *arg,
                     struct gc_run *run, struct gc__session **out, char *err, size_t cap)
{
    *out = NULL;
    memset(run, 0, sizeof(*run));
    struct gc__session *s = calloc(1, sizeof(*s));
    struct runner *r = calloc(1, sizeof(*r));
    if (s == NULL || r == NULL || slots == 0) {
        free(s);
        free(r);
        gc_errf(err, cap, "out of memory");
        return 2;
    }
    s->r = r;
    r->o = o;
    r->run = run;
    r->judged = fn;
    r->judged_arg = arg;
    r->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : RUN_DEFAULT_TIMEOUT_MS;
    r->tty = isatty(STDERR_FILENO);
    r->phase = "fuzz";
    r->owner = pthread_self();
    r->has_owner = 1;
    pthread_mutex_init(&r->mu, NULL);
    pthread_mutex_init(&r->restart_mu, NULL);
    pthread_cond_init(&r->restart_cv, NULL);
    snprintf(run->gatecrash_version, sizeof(run->gatecrash_version), "%s", RUN_VERSION);
    run->started_unix = (int64_t)time(NULL);
    r->now = run->started_unix;
    run->seed = o->seed != 0 ? o->seed : (uint64_t)run->started_unix;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &s->old_int);
    sigaction(SIGTERM, &sa, &s->old_term);
    signal(SIGPIPE, SIG_IGN);
    int port = 0;
    if (o->mode == GC_TARGET_CMD && (o->target_cmd == NULL || o->target_cmd[0] == '\0')) {
        gc_errf(err, cap, "--target-cmd is empty");
        goto bad;
    }
    if (o->mode == GC_TARGET_URL &&
        (o->target_url == NULL || parse_url(o->target_url, &port, err, cap) != 0))
        goto bad;
    run->results = calloc(slots, sizeof(*run->results));
    if (run->results == NULL) {
        gc_errf(err, cap, "out of memory");
        goto bad;
    }
    run->n_results = slots;
    if (bring_up(r, run, err, cap) != 0)
        goto bad;
    struct gc_client *cl = gc_material_client(r->m, GC_CERT_NONE);
    if (cl == NULL || !gc__net_public_ok(cl, (uint16_t)atomic_load(&r->port), r->timeout_ms)) {
        gc_errf(err, cap, "the target on 127.0.0.1:%d does not answer GET /public with 200",
             atomic_load(&r->port));
        goto bad;
    }
    r->t0 = mono_ms();
    *out = s;
    return 0;
bad:
    gc__session_close(s);
    return 2;
}

void gc__run_one(struct gc__session *s, size_t slot, const struct gc_case *c, int serial)
{
    struct gc_case_result *res = &s->r->run->results[slot];
    memset(res, 0, sizeof(*res));
    res->c = c;
    run_one(s->r, slot, serial);
}

void gc__session_tick(struct gc__session *s)
{
    struct runner *r = s->r;
    r->now = (int64_t)time(NULL);
    if (atomic_exchange(&r->need_restart, 0)) {
        pthread_mutex_lock(&r->restart_mu);
        restart_target(r);
        pthread_cond_broadcast(&r->restart_cv);
        pthread_mutex_unlock(&r->restart_mu);
    }
    if (g_stop) { /* release anyone waiting for a restart */
        pthread_mutex_lock(&r->restart_mu);
        pthread_cond_broadcast(&r->restart_cv);
        pthread_mutex_unlock(&r->restart_mu);
    }
}

int gc__session_stopping(void)
{
    return g_stop != 0;
}

struct gc_material *gc__session_material(struct gc__session *s)
{
    return s->r->m;
}

const char *gc__session_run_dir(const struct gc__session *s)
{
    return s->r->run_dir;
}

int gc__session_supervised(const struct gc__session *s)
{
    return s->r->run->supervised;
}

void gc__session_close(struct gc__session *s)
{
    if (s == NULL)
        return;
    struct runner *r = s->r;
    if (r->t0 > 0)
        r->run->duration_ms = mono_ms() - r->t0;
    if (r->t != NULL) {
        (void)gc_target_stop(r->t);
        gc_target_free(r->t);
    }
    gc_ssrf_listener_stop(r->ssrf);
    gc_material_free(r->m);
    pthread_mutex_destroy(&r->mu);
    pthread_mutex_destroy(&r->restart_mu);
    pthread_cond_destroy(&r->restart_cv);
    sigaction(SIGINT, &s->old_int, NULL);
    sigaction(SIGTERM, &s->old_term, NULL);
    free(r);
    free(s);
}
