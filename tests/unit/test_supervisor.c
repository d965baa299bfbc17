/* tests/unit/test_supervisor.c: the target launcher, the seccomp
 * user-notification supervisor and the SSRF canary listener, with real
 * subprocesses (no mocks). The test binary is also its own helper target:
 * run as `test_supervisor --helper MODE ...` it connects, opens, execveat()s,
 * listens or prints, so every decoder is exercised by a real syscall.
 *
 * If the kernel refuses seccomp user notification, the supervision cases are
 * not run, the reason is printed and the suite exits 77 (skipped). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ssrf_listener.h"
#include "supervisor.h"

#define T_WAIT_MS 5000        /* a short-lived target must be gone by then */
#define T_EV_CAP 64
#define T_TIMEOUT_S 20        /* per test case (Check's default is 4 s) */
#define T_STOP_SLACK_MS 1500  /* SIGKILL after the grace period lands within this */

extern char **environ;
static char g_self[PATH_MAX];

/* ---- the helper side ------------------------------------------------------- */

static int helper_connect(int family, const char *where)
{
    struct sockaddr_storage ss;
    socklen_t len = 0;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)strtol(where, NULL, 10));
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)strtol(where, NULL, 10));
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_un *a = (struct sockaddr_un *)&ss;
        size_t n = strlen(where);
        a->sun_family = AF_UNIX;
        memcpy(a->sun_path, where, n); /* short test paths */
        if (where[0] == '@')
            a->sun_path[0] = '\0';
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (where[0] == '@' ? 0 : 1));
    }
    int s = socket(family, SOCK_STREAM, 0);
    if (s < 0)
        return 1;
    if (connect(s, (struct sockaddr *)&ss, len) == 0 && family == AF_INET) {
        static const char req[] = "GET /jwks.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        (void)!write(s, req, sizeof req - 1);
        char b[16];
        (void)!read(s, b, sizeof b); /* until the listener closes */
    }
    close(s);
    return 0;
}

static int helper_listen(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 8) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &al) != 0)
        return 1;
    fprintf(stderr, "helper: listening on 127.0.0.1:%d workers=1\n", ntohs(a.sin_port));
    fflush(stderr);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c >= 0)
            close(c);
    }
}

static int run_helper(int argc, char **argv)
{
    const char *mode = argc > 2 ? argv[2] : "";
    const char *arg = argc > 3 ? argv[3] : "";
    if (strcmp(mode, "connect4") == 0)
        return helper_connect(AF_INET, arg);
    if (strcmp(mode, "connect6") == 0)
        return helper_connect(AF_INET6, arg);
    if (strcmp(mode, "connect-unix") == 0)
        return helper_connect(AF_UNIX, arg);
    if (strcmp(mode, "listen") == 0)
        return helper_listen((int)strtol(arg, NULL, 10));
    if (strcmp(mode, "open") == 0) {
        int fd = open(arg, O_RDONLY);
        if (fd >= 0)
            close(fd);
        return 0;
    }
    if (strcmp(mode, "execveat") == 0) {
        int d = open("/bin", O_PATH | O_DIRECTORY);
        char *const av[] = {(char *)"echo", (char *)"via-execveat", NULL};
        syscall(SYS_execveat, d, "echo", av, environ, 0);
        return 1;
    }
    if (strcmp(mode, "ignore-term") == 0) {
        signal(SIGTERM, SIG_IGN);
        fprintf(stderr, "helper: listening on 127.0.0.1:1\n");
        fflush(stderr);
        for (;;)
            pause();
    }
    if (strcmp(mode, "spam") == 0) {
        long n = strtol(arg, NULL, 10);
        for (long i = 0; i < n; i++)
            fprintf(stderr, "==77==ERROR: AddressSanitizer: spam %ld\n", i);
        fflush(stderr);
        _exit(0);
    }
    return 2;
}

/* ---- test utilities ------------------------------------------------------------ */

static int g_supervision_ok;

static struct gc_target *launch(const char *const *argv, int port, int supervise, int watch_open,
                                const char *const *env)
{
    struct gc_launch_opts o = {.argv = argv, .env = env, .port = port, .supervise = supervise,
                               .watch_open = watch_open, .ready_timeout_ms = T_WAIT_MS};
    struct gc_target *t = NULL;
    char err[256] = "";
    int rc = gc_target_launch(&o, &t, err, sizeof err);
    ck_assert_msg(rc == 0, "launch %s: %s", argv[0], err);
    if (supervise)
        ck_assert_msg(gc_target_supervised(t), "not supervised: %s",
                      gc_target_unsupervised_reason(t));
    return t;
}

static void wait_dead(struct gc_target *t)
{
    for (int i = 0; i < T_WAIT_MS / 10 && gc_target_alive(t); i++) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert_msg(!gc_target_alive(t), "target still alive");
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Stop (reaps and joins, so every event is in), then copy all events. */
static size_t all_events(struct gc_target *t, struct gc_event *ev, size_t cap)
{
    gc_target_stop(t);
    return gc_target_events_since(t, 0, ev, cap, NULL, NULL);
}

static size_t count_kind(const struct gc_event *ev, size_t n, enum gc_event_kind k)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ev[i].kind == k;
    return c;
}

static const struct gc_event *find_exec(const struct gc_event *ev, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == GC_EV_EXEC && strcmp(ev[i].path, path) == 0)
            return &ev[i];
    return NULL;
}

static const struct gc_event *find_connect(const struct gc_event *ev, size_t n, const char *addr,
                                           const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == GC_EV_CONNECT && strcmp(ev[i].addr, addr) == 0 &&
            (path == NULL || strcmp(ev[i].path, path) == 0))
            return &ev[i];
    return NULL;
}

static void check_argv(const struct gc_event *e, const char *const *want)
{
    size_t n = 0;
    while (want[n] != NULL)
        n++;
    ck_assert_uint_eq(e->argc, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(e->argv_len[i], strlen(want[i]));
        ck_assert_msg(memcmp(e->argv[i], want[i], e->argv_len[i]) == 0, "argv[%zu] differs", i);
    }
}

static int log_contains(struct gc_target *t, const char *needle)
{
    uint8_t *b = NULL;
    size_t len = 0;
    ck_assert_int_eq(gc_target_log(t, &b, &len), 0);
    int found = memmem(b, len, needle, strlen(needle)) != NULL;
    free(b);
    return found;
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &al), 0);
    close(s);
    return ntohs(a.sin_port);
}

/* ---- gc_split_cmd ------------------------------------------------------------------ */

START_TEST(split_cmd_splits_on_whitespace_without_quoting)
{
    static const struct {
        const char *cmd;
        int n;
        const char *want[5];
    } cases[] = {
        {"gatekeeper --port 8443", 3, {"gatekeeper", "--port", "8443"}},
        {"  a\t\tb  ", 2, {"a", "b"}},
        {"sh -c 'echo hi'", 4, {"sh", "-c", "'echo", "hi'"}}, /* no shell quoting */
        {"a\\ b", 2, {"a\\", "b"}},                          /* no escapes */
        {"$HOME;x", 1, {"$HOME;x"}},                          /* no expansion */
        {"", -1, {NULL}},
        {" \t ", -1, {NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        const char *out[8];
        int n = gc_split_cmd(cases[i].cmd, buf, sizeof buf, out, 8);
        ck_assert_msg(n == cases[i].n, "case %zu: n=%d", i, n);
        for (int k = 0; k < n; k++)
            ck_assert_str_eq(out[k], cases[i].want[k]);
        if (n > 0)
            ck_assert_ptr_null(out[n]);
    }
}
END_TEST

START_TEST(split_cmd_limits_exact_and_one_past)
{
    char cmd[4 * (GC_SUP_MAX_ARGS + 2)];
    char buf[sizeof cmd];
    const char *out[GC_SUP_MAX_ARGS + 3];
    size_t len = 0;
    for (int i = 0; i < GC_SUP_MAX_ARGS; i++)
        len += (size_t)snprintf(cmd + len, sizeof cmd - len, "x ");
    ck_assert_int_eq(gc_split_cmd(cmd, buf, sizeof buf, out, GC_SUP_MAX_ARGS + 3), GC_SUP_MAX_ARGS);
    snprintf(cmd + len, sizeof cmd - len, "y");
    ck_assert_int_eq(gc_split_cmd(cmd, buf, sizeof buf, out, GC_SUP_MAX_ARGS + 3), -1);
    /* out must hold the fields plus the NULL. */
    ck_assert_int_eq(gc_split_cmd("a b", buf, sizeof buf, out, 3), 2);
    ck_assert_int_eq(gc_split_cmd("a b", buf, sizeof buf, out, 2), -1);
    /* buf must hold the string and its NUL. */
    ck_assert_int_eq(gc_split_cmd("abc", buf, 4, out, 3), 1);
    ck_assert_int_eq(gc_split_cmd("abc", buf, 3, out, 3), -1);
}
END_TEST

/* ---- launching, unsupervised ------------------------------------------------------ */

START_TEST(launch_fails_cleanly_for_missing_programs)
{
    static const struct {
        const char *prog;
        const char *msg;
    } cases[] = {
        {"/nonexistent/gc-target", "execve"},
        {"gc-no-such-program-in-path", "not found in PATH"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {cases[i].prog, NULL};
        struct gc_launch_opts o = {.argv = argv, .port = GC_SUP_PORT_NONE, .supervise = (int)i};
        struct gc_target *t = NULL;
        char err[256] = "";
        ck_assert_int_eq(gc_target_launch(&o, &t, err, sizeof err), -1);
        ck_assert_ptr_null(t);
        ck_assert_msg(strstr(err, cases[i].msg) != NULL, "err: %s", err);
    }
}
END_TEST

START_TEST(launch_resolves_path_and_passes_extra_env)
{
    const char *argv[] = {"sh", "-c", "echo \"[$GATECRASH_PORT][$GATECRASH_FIXTURES][$HOME]\"", NULL};
    const char *env[] = {"GATECRASH_PORT=8443", "GATECRASH_FIXTURES=/tmp/fx dir", "HOME=/gc-home",
                         NULL};
    struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 0, 0, env);
    wait_dead(t);
    int st = gc_target_stop(t);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert(log_contains(t, "[8443][/tmp/fx dir][/gc-home]\n")); /* HOME replaced, not doubled */
    ck_assert_int_eq(gc_target_supervised(t), 0);
    ck_assert_str_eq(gc_target_unsupervised_reason(t), "supervision not requested");
    gc_target_free(t);
}
END_TEST

/* Relative writes of a launched target land in its cwd (the run dir), never in
 * the harness's own working directory; a missing cwd is a launch error. */
START_TEST(launch_runs_the_target_in_the_given_working_directory)
{
    char dir[] = "/tmp/gc-sup-cwd-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *argv[] = {"sh", "-c", "pwd; touch relative-file", NULL};
    struct gc_launch_opts o = {.argv = argv, .port = GC_SUP_PORT_NONE, .cwd = dir};
    struct gc_target *t = NULL;
    char err[256] = "";
    ck_assert_msg(gc_target_launch(&o, &t, err, sizeof err) == 0, "%s", err);
    wait_dead(t);
    int st = gc_target_stop(t);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char want[64];
    snprintf(want, sizeof want, "%s\n", dir);
    ck_assert(log_contains(t, want));
    gc_target_free(t);
    char path[96];
    snprintf(path, sizeof path, "%s/relative-file", dir);
    ck_assert_int_eq(access(path, F_OK), 0);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);

    o.cwd = "/nonexistent/gc-cwd";
    t = NULL;
    ck_assert_int_eq(gc_target_launch(&o, &t, err, sizeof err), -1);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err, "working directory") != NULL, "err: %s", err);
}
END_TEST

START_TEST(ready_from_listening_line_when_port_is_zero)
{
    const char *argv[] = {g_self, "--helper", "listen", "0", NULL};
    struct gc_target *t = launch(argv, 0, 0, 0, NULL);
    int port = gc_target_port(t);
    ck_assert_int_gt(port, 0);
    char line[64];
    snprintf(line, sizeof line, "listening on 127.0.0.1:%d ", port);
    ck_assert(log_contains(t, line));
    ck_assert(gc_target_alive(t));
    int st = gc_target_stop(t);
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    ck_assert(!gc_target_alive(t));
    gc_target_free(t);
}
END_TEST

START_TEST(ready_by_connect_poll_when_port_is_given)
{
    int port = free_port();
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    const char *argv[] = {"sh", "-c", "sleep 0.2; exec \"$0\" --helper listen \"$1\"", g_self, ps,
                          NULL};
    double t0 = now_ms();
    struct gc_target *t = launch(argv, port, 0, 0, NULL);
    ck_assert_msg(now_ms() - t0 >= 200, "ready before the target listened");
    ck_assert_int_eq(gc_target_port(t), port);
    gc_target_free(t);
}
END_TEST

START_TEST(target_exiting_before_ready_is_an_error_with_its_last_line)
{
    const char *argv[] = {"sh", "-c", "echo first; echo 'boom: bad config' >&2; exit 3", NULL};
    struct gc_launch_opts o = {.argv = argv, .port = 0, .ready_timeout_ms = T_WAIT_MS};
    struct gc_target *t = NULL;
    char err[256] = "";
    ck_assert_int_eq(gc_target_launch(&o, &t, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "exit status 3") != NULL && strstr(err, "boom: bad config") != NULL,
                  "err: %s", err);
}
END_TEST

START_TEST(ready_timeout_is_an_error)
{
    const char *argv[] = {"sleep", "5", NULL};
    struct gc_launch_opts o = {.argv = argv, .port = 0, .ready_timeout_ms = 200};
    struct gc_target *t = NULL;
    char err[256] = "";
    double t0 = now_ms();
    ck_assert_int_eq(gc_target_launch(&o, &t, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not ready after 200 ms") != NULL, "err: %s", err);
    ck_assert_msg(now_ms() - t0 < 2000, "launch did not give up in time");
}
END_TEST

START_TEST(sigsegv_death_is_an_exit_event_with_the_signal)
{
    const char *argv[] = {"sh", "-c", "kill -SEGV $$", NULL};
    struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, g_supervision_ok, 0, NULL);
    int pid = gc_target_pid(t);
    wait_dead(t);
    struct gc_event ev[T_EV_CAP];
    size_t n = all_events(t, ev, T_EV_CAP);
    ck_assert_uint_eq(count_kind(ev, n, GC_EV_EXIT), 1);
    const struct gc_event *e = &ev[n - 1];
    ck_assert_int_eq(e->kind, GC_EV_EXIT);
    ck_assert_int_eq(e->pid, pid);
    ck_assert(WIFSIGNALED(e->status) && WTERMSIG(e->status) == SIGSEGV);
    ck_assert_int_eq(gc_target_stop(t), e->status); /* idempotent, same status */
    gc_events_free(ev, n);
    gc_target_free(t);
}
END_TEST

START_TEST(sanitizer_report_lines_become_events)
{
    static const char script[] =
        "echo '==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020' >&2;"
        "echo 'READ of size 4 at 0x6020 thread T0' >&2;"
        "echo 'src/x.c:10:5: runtime error: signed integer overflow' >&2;"
        "echo '==17==ERROR: LeakSanitizer: detected memory leaks';"
        "echo 'an ERROR: AddressSanitize typo and a runtime-error: are not reports' >&2;"
        "printf 'no newline: ERROR: AddressSanitizer: SEGV'";
    const char *argv[] = {"sh", "-c", script, NULL};
    struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 0, 0, NULL);
    int pid = gc_target_pid(t);
    wait_dead(t);
    struct gc_event ev[T_EV_CAP];
    size_t n = all_events(t, ev, T_EV_CAP);
    static const struct {
        const char *line;
        int pid; /* 0 = the target's */
    } want[] = {
        {"==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020", 4242},
        {"src/x.c:10:5: runtime error: signed integer overflow", 0},
        {"==17==ERROR: LeakSanitizer: detected memory leaks", 17},
        {"no newline: ERROR: AddressSanitizer: SEGV", 0},
    };
    ck_assert_uint_eq(count_kind(ev, n, GC_EV_SANITIZER), 4);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind != GC_EV_SANITIZER)
            continue;
        ck_assert_str_eq(ev[i].path, want[k].line);
        ck_assert_int_eq(ev[i].pid, want[k].pid != 0 ? want[k].pid : pid);
        k++;
    }
    gc_events_free(ev, n);
    gc_target_free(t);
}
END_TEST

START_TEST(stop_sends_sigterm_first)
{
    const char *argv[] = {"sleep", "30", NULL};
    struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 0, 0, NULL);
    double t0 = now_ms();
    int st = gc_target_stop(t);
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    ck_assert_msg(now_ms() - t0 < 1000, "SIGTERM stop took %.0f ms", now_ms() - t0);
    gc_target_free(t);
}
END_TEST

START_TEST(stop_kills_a_target_that_ignores_sigterm_within_the_bound)
{
    const char *argv[] = {g_self, "--helper", "ignore-term", NULL};
    struct gc_target *t = launch(argv, 0, 0, 0, NULL); /* ready = its handler is installed */
    double t0 = now_ms();
    int st = gc_target_stop(t);
    double took = now_ms() - t0;
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    ck_assert_msg(took >= GC_SUP_STOP_GRACE_MS - 50 && took < GC_SUP_STOP_GRACE_MS + T_STOP_SLACK_MS,
                  "stop took %.0f ms", took);
    gc_target_free(t);
}
END_TEST

START_TEST(log_is_published_by_rename_and_restart_appends)
{
    char dir[] = "/tmp/gc-sup-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], partial[PATH_MAX];
    snprintf(path, sizeof path, "%s/target.log", dir);
    snprintf(partial, sizeof partial, "%s.partial", path);
    const char *argv[] = {"sh", "-c", "echo run-$$; exec sleep 30", NULL};
    struct gc_launch_opts o = {.argv = argv, .port = GC_SUP_PORT_NONE, .supervise = g_supervision_ok,
                               .log_path = path};
    struct gc_target *t = NULL;
    char err[256] = "";
    ck_assert_msg(gc_target_launch(&o, &t, err, sizeof err) == 0, "%s", err);
    int pid1 = gc_target_pid(t);
    char want1[32], want2[32];
    snprintf(want1, sizeof want1, "run-%d\n", pid1);
    for (int i = 0; i < 300 && !log_contains(t, want1); i++)
        usleep(10000);
    ck_assert_int_eq(access(partial, F_OK), 0);
    ck_assert_int_ne(access(path, F_OK), 0);
    uint64_t mark = gc_target_seq(t);
    ck_assert_msg(gc_target_restart(t, err, sizeof err) == 0, "%s", err);
    int pid2 = gc_target_pid(t);
    ck_assert_int_ne(pid1, pid2);
    ck_assert(gc_target_alive(t));
    ck_assert_uint_gt(gc_target_seq(t), mark); /* exit of run 1, exec of run 2 */
    snprintf(want2, sizeof want2, "run-%d\n", pid2);
    for (int i = 0; i < 300 && !log_contains(t, want2); i++)
        usleep(10000);
    gc_target_stop(t);
    ck_assert_int_ne(access(partial, F_OK), 0);
    ck_assert(log_contains(t, want1) && log_contains(t, want2));
    /* The file holds exactly what gc_target_log returns. */
    uint8_t *b = NULL;
    size_t len = 0;
    ck_assert_int_eq(gc_target_log(t, &b, &len), 0);
    char fb[256];
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ssize_t r = read(fd, fb, sizeof fb);
    close(fd);
    ck_assert_int_eq(r, (ssize_t)len);
    ck_assert(memcmp(fb, b, len) == 0);
    free(b);
    gc_target_free(t);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* The ring holds GC_SUP_MAX_EVENTS; one more drops the oldest. Sanitizer lines
 * make events cheaply: n lines + the exit event (unsupervised: no exec). */
START_TEST(event_ring_limit_exact_and_one_past)
{
    static const long lines[] = {GC_SUP_MAX_EVENTS - 1, GC_SUP_MAX_EVENTS};
    static const uint64_t dropped[] = {0, 1};
    for (size_t i = 0; i < 2; i++) {
        char ns[16];
        snprintf(ns, sizeof ns, "%ld", lines[i]);
        const char *argv[] = {g_self, "--helper", "spam", ns, NULL};
        struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 0, 0, NULL);
        wait_dead(t);
        gc_target_stop(t);
        struct gc_sup_stats st;
        gc_target_stats(t, &st);
        ck_assert_uint_eq(st.recorded, (uint64_t)lines[i] + 1);
        ck_assert_uint_eq(st.dropped, dropped[i]);
        struct gc_event *ev = calloc(GC_SUP_MAX_EVENTS + 1, sizeof *ev);
        uint64_t next = 0, lost = 0;
        size_t n = gc_target_events_since(t, 0, ev, GC_SUP_MAX_EVENTS + 1, &next, &lost);
        ck_assert_uint_eq(n, GC_SUP_MAX_EVENTS);
        ck_assert_uint_eq(lost, dropped[i]);
        ck_assert_uint_eq(next, (uint64_t)lines[i] + 1);
        gc_events_free(ev, n);
        free(ev);
        gc_target_free(t);
    }
}
END_TEST

/* ---- supervision ----------------------------------------------------------------- */

START_TEST(exec_events_record_paths_and_argv_exactly_including_children)
{
    /* Spaces, quotes, shell metacharacters, a tab, a newline, DEL and a high-bit
     * byte: passed through sh's "$@" to /bin/echo unchanged. */
    static const char weird[] = "a b 'sq' \"dq\" ;|&$(id)`id`*?~<>\\ \t\n\x7f\xc3\xa9";
    const char *argv[] = {"/bin/sh", "-c", "/bin/true; exec /bin/echo \"$@\"", "sh", weird, "", NULL};
    struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 1, 0, NULL);
    int pid = gc_target_pid(t);
    wait_dead(t);
    struct gc_event ev[T_EV_CAP];
    size_t n = all_events(t, ev, T_EV_CAP);
    ck_assert_uint_eq(count_kind(ev, n, GC_EV_EXEC), 3);

    /* Event 0: the target's own starting execve. */
    ck_assert_int_eq(ev[0].kind, GC_EV_EXEC);
    ck_assert_str_eq(ev[0].path, "/bin/sh");
    ck_assert_int_eq(ev[0].pid, pid);
    check_argv(&ev[0], argv);

    /* A forked child: its own pid. */
    const struct gc_event *tr = find_exec(ev, n, "/bin/true");
    ck_assert_ptr_nonnull(tr);
    ck_assert_int_ne(tr->pid, pid);
    static const char *const want_true[] = {"/bin/true", NULL};
    check_argv(tr, want_true);

    /* exec replaces the shell: same pid. */
    const struct gc_event *ec = find_exec(ev, n, "/bin/echo");
    ck_assert_ptr_nonnull(ec);
    ck_assert_int_eq(ec->pid, pid);
    static const char *const want_echo[] = {"/bin/echo", weird, "", NULL};
    check_argv(ec, want_echo);
    ck_assert(tr < ec);
    ck_assert(log_contains(t, weird));
    gc_events_free(ev, n);
    gc_target_free(t);
}
END_TEST

START_TEST(event_window_after_launch_excludes_the_starting_exec)
{
    /* The target blocks on a FIFO until the window is open, so the exec of
     * /bin/true falls inside it deterministically. */
    char dir[] = "/tmp/gc-sup-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/go", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    const char *argv[] = {"/bin/sh", "-c", "read x < \"$0\"; exec /bin/true", fifo, NULL};
    struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 1, 0, NULL);
    uint64_t mark = gc_target_seq(t);
    ck_assert_uint_ge(mark, 1);
    int fd = open(fifo, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "go\n", 3), 3);
    close(fd);
    unlink(fifo);
    rmdir(dir);
    wait_dead(t);
    gc_target_stop(t);
    struct gc_event ev[T_EV_CAP];
    uint64_t next = 0;
    size_t n = gc_target_events_since(t, mark, ev, T_EV_CAP, &next, NULL);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_ne(ev[i].path, "/bin/sh");
    ck_assert_ptr_nonnull(find_exec(ev, n, "/bin/true"));
    ck_assert_uint_eq(next, mark + n);
    gc_events_free(ev, n);
    /* Continuing from `next` yields nothing new. */
    ck_assert_uint_eq(gc_target_events_since(t, next, ev, T_EV_CAP, NULL, NULL), 0);
    gc_target_free(t);
}
END_TEST

START_TEST(exec_argument_length_cap_exact_and_one_past)
{
    static const size_t lens[] = {GC_SUP_MAX_ARG_LEN, GC_SUP_MAX_ARG_LEN + 1};
    for (size_t i = 0; i < 2; i++) {
        char *big = malloc(lens[i] + 1);
        memset(big, 'A', lens[i]);
        big[lens[i]] = '\0';
        const char *argv[] = {"/bin/true", big, NULL};
        struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 1, 0, NULL);
        wait_dead(t);
        struct gc_event ev[T_EV_CAP];
        size_t n = all_events(t, ev, T_EV_CAP);
        ck_assert_uint_eq(ev[0].argc, 2);
        ck_assert_uint_eq(ev[0].argv_len[1], GC_SUP_MAX_ARG_LEN); /* whole, then capped */
        ck_assert_uint_eq(strlen(ev[0].argv[1]), GC_SUP_MAX_ARG_LEN);
        gc_events_free(ev, n);
        gc_target_free(t);
        free(big);
    }
}
END_TEST

START_TEST(exec_argv_count_cap_exact_and_one_past)
{
    for (size_t extra = 0; extra < 2; extra++) {
        const char *argv[GC_EV_MAX_ARGV + 2];
        size_t k = 0;
        argv[k++] = "/bin/true";
        while (k < GC_EV_MAX_ARGV + extra)
            argv[k++] = "x";
        argv[k] = NULL;
        struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 1, 0, NULL);
        wait_dead(t);
        struct gc_event ev[T_EV_CAP];
        size_t n = all_events(t, ev, T_EV_CAP);
        ck_assert_uint_eq(ev[0].argc, GC_EV_MAX_ARGV);
        gc_events_free(ev, n);
        gc_target_free(t);
    }
}
END_TEST

START_TEST(execveat_path_is_resolved_against_its_dirfd)
{
    const char *argv[] = {g_self, "--helper", "execveat", NULL};
    struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 1, 0, NULL);
    wait_dead(t);
    struct gc_event ev[T_EV_CAP];
    size_t n = all_events(t, ev, T_EV_CAP);
    char bin[PATH_MAX], want[PATH_MAX + 8];
    ck_assert_ptr_nonnull(realpath("/bin", bin));
    snprintf(want, sizeof want, "%s/echo", bin);
    const struct gc_event *e = find_exec(ev, n, want);
    ck_assert_msg(e != NULL, "no exec of %s", want);
    static const char *const av[] = {"echo", "via-execveat", NULL};
    check_argv(e, av);
    ck_assert(log_contains(t, "via-execveat\n"));
    gc_events_free(ev, n);
    gc_target_free(t);
}
END_TEST

START_TEST(connect_events_name_the_address_and_the_canary_sees_the_fetch)
{
    struct gc_ssrf_listener *l = NULL;
    char err[256] = "";
    ck_assert_msg(gc_ssrf_listener_start(&l, err, sizeof err) == 0, "%s", err);
    char ps[16], want4[64], want6[64];
    snprintf(ps, sizeof ps, "%d", gc_ssrf_listener_port(l));
    snprintf(want4, sizeof want4, "127.0.0.1:%s", ps);
    snprintf(want6, sizeof want6, "[::1]:%s", ps);
    ck_assert_str_eq(gc_ssrf_listener_addr(l), want4);
    uint64_t mark = gc_ssrf_seq(l);

    static const struct {
        const char *mode;
        const char *arg; /* NULL = the listener port */
        const char *addr;
        const char *path;
    } cases[] = {
        {"connect4", NULL, NULL, ""},
        {"connect6", NULL, NULL, ""},
        {"connect-unix", "/tmp/gc-sup-no.sock", "unix", "/tmp/gc-sup-no.sock"},
        {"connect-unix", "@gc-sup-abstract", "unix", "@gc-sup-abstract"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {g_self, "--helper", cases[i].mode,
                              cases[i].arg != NULL ? cases[i].arg : ps, NULL};
        struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 1, 0, NULL);
        int pid = gc_target_pid(t);
        wait_dead(t);
        struct gc_event ev[T_EV_CAP];
        size_t n = all_events(t, ev, T_EV_CAP);
        const char *addr = cases[i].addr != NULL ? cases[i].addr : i == 0 ? want4 : want6;
        const struct gc_event *e = find_connect(ev, n, addr, cases[i].path);
        ck_assert_msg(e != NULL, "case %zu: no connect to %s", i, addr);
        ck_assert_int_eq(e->pid, pid);
        ck_assert_uint_eq(count_kind(ev, n, GC_EV_CONNECT), 1);
        gc_events_free(ev, n);
        gc_target_free(t);
    }
    ck_assert_uint_eq(gc_ssrf_hits_since(l, mark), 1); /* only the IPv4 one reached it */
    struct gc_ssrf_hit h;
    ck_assert_uint_eq(gc_ssrf_hits_copy(l, mark, &h, 1), 1);
    static const char line[] = "GET /jwks.json HTTP/1.1\r\n";
    ck_assert(h.len >= sizeof line - 1 && memcmp(h.data, line, sizeof line - 1) == 0);
    gc_ssrf_listener_stop(l);
}
END_TEST

START_TEST(open_events_only_when_watched_and_relative_paths_resolved)
{
    char cwd[PATH_MAX], want[PATH_MAX + 32];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(want, sizeof want, "%s/gc-sup-relative-name", cwd);
    static const struct {
        const char *file;
        int watch;
    } cases[] = {{"/etc/hostname-gc-sup", 0}, {"/etc/hostname-gc-sup", 1}, {"gc-sup-relative-name", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {g_self, "--helper", "open", cases[i].file, NULL};
        struct gc_target *t = launch(argv, GC_SUP_PORT_NONE, 1, cases[i].watch, NULL);
        wait_dead(t);
        struct gc_event *ev = calloc(GC_SUP_MAX_EVENTS, sizeof *ev);
        size_t n = all_events(t, ev, GC_SUP_MAX_EVENTS);
        const char *w = cases[i].file[0] == '/' ? cases[i].file : want;
        int seen = 0;
        for (size_t k = 0; k < n; k++)
            seen |= ev[k].kind == GC_EV_OPEN && strcmp(ev[k].path, w) == 0;
        ck_assert_msg(seen == cases[i].watch, "case %zu: open of %s seen=%d", i, w, seen);
        if (!cases[i].watch)
            ck_assert_uint_eq(count_kind(ev, n, GC_EV_OPEN), 0);
        gc_events_free(ev, n);
        free(ev);
        gc_target_free(t);
    }
}
END_TEST

/* ---- the canary listener alone ------------------------------------------------------ */

static void poke(int port, const char *data)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(s, (struct sockaddr *)&a, sizeof a), 0);
    if (data != NULL)
        ck_assert_int_eq(write(s, data, strlen(data)), (ssize_t)strlen(data));
    close(s);
}

START_TEST(ssrf_listener_url_and_hit_limit_exact_and_one_past)
{
    struct gc_ssrf_listener *l = NULL;
    char err[256] = "";
    ck_assert_msg(gc_ssrf_listener_start(&l, err, sizeof err) == 0, "%s", err);
    char want[64];
    snprintf(want, sizeof want, "http://127.0.0.1:%d/jwks.json", gc_ssrf_listener_port(l));
    ck_assert_str_eq(gc_ssrf_listener_url(l), want);
    ck_assert_uint_eq(gc_ssrf_hits_since(l, 0), 0);

    /* A first hit with more than GC_SSRF_MAX_DATA bytes: the first 512 kept. */
    char big[GC_SSRF_MAX_DATA + 2];
    memset(big, 'B', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    poke(gc_ssrf_listener_port(l), big);
    for (int i = 1; i < GC_SSRF_MAX_HITS; i++)
        poke(gc_ssrf_listener_port(l), "x");
    struct gc_ssrf_hit *h = calloc(GC_SSRF_MAX_HITS + 1, sizeof *h);
    size_t n = 0;
    for (int i = 0; i < 200 && (n = gc_ssrf_hits_copy(l, 0, h, GC_SSRF_MAX_HITS + 1)) < GC_SSRF_MAX_HITS; i++)
        usleep(10000);
    ck_assert_uint_eq(n, GC_SSRF_MAX_HITS);
    ck_assert_uint_eq(h[0].len, GC_SSRF_MAX_DATA);
    ck_assert_uint_eq(h[0].seq, 0);
    ck_assert(strncmp(h[0].peer, "127.0.0.1:", 10) == 0);
    ck_assert_uint_eq(gc_ssrf_hits_since(l, 0), GC_SSRF_MAX_HITS);
    uint64_t mark = gc_ssrf_seq(l);
    poke(gc_ssrf_listener_port(l), "y"); /* one past: counted, not recorded */
    for (int i = 0; i < 100 && gc_ssrf_hits_since(l, mark) == 0; i++)
        usleep(10000);
    ck_assert_uint_eq(gc_ssrf_hits_since(l, mark), 1);
    ck_assert_uint_eq(gc_ssrf_hits_since(l, 0), GC_SSRF_MAX_HITS + 1);
    ck_assert_uint_eq(gc_ssrf_hits_copy(l, 0, h, GC_SSRF_MAX_HITS + 1), GC_SSRF_MAX_HITS);
    free(h);
    gc_ssrf_listener_stop(l);
}
END_TEST

/* ---- main ------------------------------------------------------------------------ */

/* Can this kernel (and whatever filter we already run under) give us a
 * user-notification listener? */
static int probe_supervision(char *why, size_t cap)
{
    const char *argv[] = {"/bin/true", NULL};
    struct gc_launch_opts o = {.argv = argv, .port = GC_SUP_PORT_NONE, .supervise = 1};
    struct gc_target *t = NULL;
    char err[256] = "";
    if (gc_target_launch(&o, &t, err, sizeof err) != 0) {
        snprintf(why, cap, "launch failed: %s", err);
        return 0;
    }
    int ok = gc_target_supervised(t);
    snprintf(why, cap, "%s", gc_target_unsupervised_reason(t));
    gc_target_free(t);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--helper") == 0)
        return run_helper(argc, argv);
    ssize_t sl = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
    if (sl <= 0)
        return 2;
    g_self[sl] = '\0';
    /* No core files from the SIGSEGV case (inherited by the target). */
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);

    char why[256] = "";
    g_supervision_ok = probe_supervision(why, sizeof why);

    Suite *s = suite_create("supervisor");
    TCase *tc = tcase_create("split");
    tcase_add_test(tc, split_cmd_splits_on_whitespace_without_quoting);
    tcase_add_test(tc, split_cmd_limits_exact_and_one_past);
    suite_add_tcase(s, tc);

    tc = tcase_create("launch");
    tcase_set_timeout(tc, T_TIMEOUT_S);
    tcase_add_test(tc, launch_fails_cleanly_for_missing_programs);
    tcase_add_test(tc, launch_resolves_path_and_passes_extra_env);
    tcase_add_test(tc, launch_runs_the_target_in_the_given_working_directory);
    tcase_add_test(tc, ready_from_listening_line_when_port_is_zero);
    tcase_add_test(tc, ready_by_connect_poll_when_port_is_given);
    tcase_add_test(tc, target_exiting_before_ready_is_an_error_with_its_last_line);
    tcase_add_test(tc, ready_timeout_is_an_error);
    tcase_add_test(tc, sigsegv_death_is_an_exit_event_with_the_signal);
    tcase_add_test(tc, sanitizer_report_lines_become_events);
    tcase_add_test(tc, stop_sends_sigterm_first);
    tcase_add_test(tc, stop_kills_a_target_that_ignores_sigterm_within_the_bound);
    tcase_add_test(tc, log_is_published_by_rename_and_restart_appends);
    tcase_add_test(tc, event_ring_limit_exact_and_one_past);
    tcase_add_test(tc, ssrf_listener_url_and_hit_limit_exact_and_one_past);
    suite_add_tcase(s, tc);

    if (g_supervision_ok) {
        tc = tcase_create("supervised");
        tcase_set_timeout(tc, T_TIMEOUT_S);
        tcase_add_test(tc, exec_events_record_paths_and_argv_exactly_including_children);
        tcase_add_test(tc, event_window_after_launch_excludes_the_starting_exec);
        tcase_add_test(tc, exec_argument_length_cap_exact_and_one_past);
        tcase_add_test(tc, exec_argv_count_cap_exact_and_one_past);
        tcase_add_test(tc, execveat_path_is_resolved_against_its_dirfd);
        tcase_add_test(tc, connect_events_name_the_address_and_the_canary_sees_the_fetch);
        tcase_add_test(tc, open_events_only_when_watched_and_relative_paths_resolved);
        suite_add_tcase(s, tc);
    } else {
        printf("SKIP supervision cases: %s\n", why);
    }

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (failures != 0)
        return 1;
    return g_supervision_ok ? 0 : 77;
}
