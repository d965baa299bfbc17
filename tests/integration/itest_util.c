/* tests/integration/itest_util.c: see itest_util.h. */
#include "itest_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define IT_UTIL_POLL_MS 20      /* how often a waiting test looks at its child */
#define IT_UTIL_SLURP_START 4096 /* first buffer size; doubled as needed */
#define IT_UTIL_NFTW_FDS 16
#define IT_UTIL_TAG_MAX 96

int it_path_join(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

char *it_slurp(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = IT_UTIL_SLURP_START, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        if (n + 1 >= cap) {
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
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    if (buf == NULL)
        return NULL;
    buf[n] = '\0';
    if (len_out != NULL)
        *len_out = n;
    return buf;
}

static int rm_entry(const char *p, const struct stat *st, int fl, struct FTW *ftw)
{
    (void)st;
    (void)fl;
    (void)ftw;
    return remove(p);
}

int it_rm_tree(const char *dir)
{
    return nftw(dir, rm_entry, IT_UTIL_NFTW_FDS, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

size_t it_count_json(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        n += e->d_name[0] != '.' && l > 5 && strcmp(e->d_name + l - 5, ".json") == 0;
    }
    closedir(d);
    return n;
}

int it_make_tmp(char *buf, size_t cap, const char *name)
{
    int n = snprintf(buf, cap, "/tmp/gc-itest-%s-XXXXXX", name);
    if (n <= 0 || (size_t)n >= cap || mkdtemp(buf) == NULL)
        return -1;
    (void)chmod(buf, 0755);
    return 0;
}

int it_run_suite_nofork(Suite *s, const char *tmp)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    it_rm_tree(tmp);
    return failed ? 1 : 0;
}

int it_argv(const char **dst, size_t cap, const char *first, const char *second,
            const char *const *args)
{
    size_t n = 0;
    if (cap < 3)
        return -1;
    dst[n++] = first;
    if (second != NULL)
        dst[n++] = second;
    for (size_t i = 0; args[i] != NULL; i++) {
        if (n + 1 >= cap)
            return -1;
        dst[n++] = args[i];
    }
    dst[n] = NULL;
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Our environment with each "NAME=value" of extra replacing NAME or added:
 * a heap array of borrowed pointers (free only the array), or NULL. Built in
 * the parent so the child does nothing but async-signal-safe calls. */
static char **merged_env(const char *const *extra)
{
    size_t n_env = 0, n_extra = 0;
    while (environ[n_env] != NULL)
        n_env++;
    while (extra != NULL && extra[n_extra] != NULL)
        n_extra++;
    char **envp = calloc(n_env + n_extra + 1, sizeof(*envp));
    if (envp == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_env; i++) {
        int replaced = 0;
        for (size_t j = 0; j < n_extra && !replaced; j++) {
            size_t name_len = strcspn(extra[j], "=");
            replaced = strncmp(environ[i], extra[j], name_len) == 0 &&
                       environ[i][name_len] == '=';
        }
        if (!replaced)
            envp[n++] = environ[i];
    }
    for (size_t j = 0; j < n_extra; j++)
        envp[n++] = (char *)extra[j];
    envp[n] = NULL;
    return envp;
}

pid_t it_start(const struct it_run_opts *o)
{
    char **envp = merged_env(o->env);
    if (envp == NULL)
        return -1;
    const char *out_path = o->out_path != NULL ? o->out_path : "/dev/null";
    pid_t pid = fork();
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = o->err_path != NULL ? open(o->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644)
                                      : out;
        if (in < 0 || out < 0 || err < 0 || (o->cwd != NULL && chdir(o->cwd) != 0))
            _exit(127);
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        execve(o->argv[0], (char *const *)o->argv, envp);
        _exit(127);
    }
    free(envp);
    return pid;
}

int it_wait(pid_t pid, int timeout_ms, int sigint_after_ms)
{
    if (pid < 0)
        return -1;
    int64_t t0 = now_ms();
    int status = 0, sent = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        int64_t elapsed = now_ms() - t0;
        if (sigint_after_ms > 0 && !sent && elapsed >= sigint_after_ms) {
            kill(pid, SIGINT);
            sent = 1;
        }
        if (elapsed > timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        struct timespec step = {.tv_sec = 0, .tv_nsec = IT_UTIL_POLL_MS * 1000000L};
        nanosleep(&step, NULL);
    }
}

int it_exit_code(int status)
{
    if (status == -1)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int it_run(const struct it_run_opts *o, char **out, char **err)
{
    pid_t pid = it_start(o);
    if (pid < 0)
        return -1;
    int status = it_wait(pid, o->timeout_ms, o->sigint_after_ms);
    if (out != NULL)
        *out = o->out_path != NULL ? it_slurp(o->out_path, NULL) : NULL;
    if (err != NULL)
        *err = o->err_path != NULL ? it_slurp(o->err_path, NULL) : NULL;
    return it_exit_code(status);
}

int it_run_tool(char *const argv[], const char *dir, const char *tag, int timeout_ms, char **out,
                char **err)
{
    char out_path[PATH_MAX], err_path[PATH_MAX], name[IT_UTIL_TAG_MAX];
    snprintf(name, sizeof(name), "%s.stdout", tag);
    if (it_path_join(out_path, sizeof(out_path), dir, name) != 0)
        return -1;
    snprintf(name, sizeof(name), "%s.stderr", tag);
    if (it_path_join(err_path, sizeof(err_path), dir, name) != 0)
        return -1;
    struct it_run_opts o = {.argv = (const char *const *)argv,
                            .timeout_ms = timeout_ms,
                            .out_path = out_path,
                            .err_path = err_path};
    return it_run(&o, out, err);
}
