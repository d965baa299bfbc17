/* tests/integration/itest_util.h: what every integration test needs around
 * the real binaries: paths, whole files, temp-dir removal, and running a tool
 * with a timeout while capturing its output. Test-only code (links Check). */
#ifndef ITEST_UTIL_H
#define ITEST_UTIL_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>

/* "a/b" into out; 0, or -1 when it does not fit. */
int it_path_join(char *out, size_t cap, const char *a, const char *b);

/* it_path_join that fails the current test when the path does not fit. */
#define IT_PATH_JOIN_CK(out, cap, a, b)                                                    \
    ck_assert_msg(it_path_join((out), (cap), (a), (b)) == 0, "path too long: %s/%s", (a), \
                  (b))

/* A whole file in a NUL-terminated heap buffer (length in *len_out when not
 * NULL), or NULL when unreadable. */
char *it_slurp(const char *path, size_t *len_out);

/* Remove dir and everything below it (links are not followed); 0 or -1. */
int it_rm_tree(const char *dir);

/* Regular-looking *.json entries (not dot-files) directly in dir; 0 when unreadable. */
size_t it_count_json(const char *dir);

/* dst = {first, second (when not NULL), args..., NULL}; 0, or -1 when more
 * than cap - 1 pointers. */
int it_argv(const char **dst, size_t cap, const char *first, const char *second,
            const char *const *args);

/* mkdtemp "/tmp/gc-itest-<name>-XXXXXX" into buf, mode 0755 (gatekeeper
 * drops to nobody when run as root and must reach what is below); 0 or -1. */
int it_make_tmp(char *buf, size_t cap, const char *name);

/* Run suite s in this process (CK_NOFORK: the tests share tmp), free it,
 * remove tmp; 1 when any test failed, else 0. */
int it_run_suite_nofork(Suite *s, const char *tmp);

/* How to run one child process. */
struct it_run_opts {
    const char *const *argv; /* argv[0] is the program's path; NULL-terminated */
    int timeout_ms;          /* SIGKILL after this long, counted from the wait */
    int sigint_after_ms;     /* > 0: one SIGINT after this long, counted from the wait */
    const char *cwd;         /* chdir here in the child, or NULL */
    const char *const *env;  /* "NAME=value" set on top of our environment, or NULL */
    const char *out_path;    /* stdout (stderr too when err_path is NULL); NULL: /dev/null */
    const char *err_path;    /* stderr apart, or NULL: merged into stdout */
};

/* Start the child (stdin /dev/null); its pid, or -1. */
pid_t it_start(const struct it_run_opts *o);

/* Wait for pid, SIGINT after sigint_after_ms when > 0; its wait status, or
 * -1 after SIGKILL at timeout_ms (or when it cannot be waited for). */
int it_wait(pid_t pid, int timeout_ms, int sigint_after_ms);

/* A wait status as a tool exit code: the exit code, 128 + signal when
 * killed, -1 for -1. */
int it_exit_code(int status);

/* it_start, it_wait, then the captured files into *out / *err (either NULL
 * to skip; NULL also when a file is unreadable). The exit code as
 * it_exit_code: -1 after the timeout or when it could not start. */
int it_run(const struct it_run_opts *o, char **out, char **err);

/* it_run of argv with no cwd or env change, stdout and stderr apart into
 * <dir>/<tag>.stdout and <dir>/<tag>.stderr. */
int it_run_tool(char *const argv[], const char *dir, const char *tag, int timeout_ms, char **out,
                char **err);

#endif
