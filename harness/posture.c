/* harness/posture.c: read a launched target's security posture from
 * /proc/<pid>/status and /proc/<pid>/root (proc(5)). The I/O half of the
 * hardening oracle; oracle_hardening.c judges what this reads. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"

#define STATUS_MAX 16384 /* /proc/<pid>/status is ~1.5 KiB */
#define PROC_PATH_MAX 64

/* Value of "Name:\t..." in status text, as a NUL-terminated line copy. */
static const char *field(const char *text, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = text;
    while (p != NULL && *p != '\0') {
        if (strncmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == '\t' || *v == ' ')
                v++;
            const char *end = strchr(v, '\n');
            size_t n = end ? (size_t)(end - v) : strlen(v);
            if (n >= cap)
                return NULL;
            memcpy(out, v, n);
            out[n] = '\0';
            return out;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return NULL;
}

static int parse_long(const char *s, char **end, long *out)
{
    errno = 0;
    long v = strtol(s, end, 10);
    if (errno != 0 || *end == s)
        return -1;
    *out = v;
    return 0;
}

/* A whole-line decimal int field; -1 when absent or malformed. */
static int int_field(const char *text, const char *name)
{
    char buf[32], *end;
    long v;
    if (field(text, name, buf, sizeof(buf)) == NULL || parse_long(buf, &end, &v) != 0 ||
        *end != '\0' || v < 0 || v > INT_MAX)
        return -1;
    return (int)v;
}

static int hex_field(const char *text, const char *name, uint64_t *out)
{
    char buf[32], *end;
    if (field(text, name, buf, sizeof(buf)) == NULL)
        return -1;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 16);
    if (errno != 0 || end == buf || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* "Uid:\treal\teffective\tsaved\tfs" */
static int uid_field(const char *text, long *uid, long *euid)
{
    char buf[96], *end;
    if (field(text, "Uid", buf, sizeof(buf)) == NULL || parse_long(buf, &end, uid) != 0)
        return -1;
    const char *p = end;
    return parse_long(p, &end, euid);
}

static int read_status(pid_t pid, char *buf, size_t cap)
{
    char path[PROC_PATH_MAX];
    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (n == 0 || len + (size_t)n == cap - 1) {
            len += (size_t)n;
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return 0;
}

int gc_posture_read(pid_t pid, struct gc_posture *out)
{
    char text[STATUS_MAX], path[PROC_PATH_MAX], root[8];
    memset(out, 0, sizeof(*out));
    out->no_new_privs = out->seccomp_mode = out->seccomp_filters = -1;
    out->landlock_known = out->root_is_host = out->outside_read_ok = -1;
    if (pid <= 0) {
        errno = EINVAL;
        return -1;
    }
    if (read_status(pid, text, sizeof(text)) != 0)
        return -1;
    if (uid_field(text, &out->uid, &out->euid) != 0 || hex_field(text, "CapEff", &out->cap_eff) ||
        hex_field(text, "CapPrm", &out->cap_prm) || hex_field(text, "CapBnd", &out->cap_bnd)) {
        errno = EPROTO;
        return -1;
    }
    out->no_new_privs = int_field(text, "NoNewPrivs");
    out->seccomp_mode = int_field(text, "Seccomp");
    out->seccomp_filters = int_field(text, "Seccomp_filters");
    snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
    ssize_t n = readlink(path, root, sizeof(root));
    if (n > 0)
        out->root_is_host = (n == 1 && root[0] == '/');
    out->known = 1;
    return 0;
}
