/* files.c: GET /files/<rel>. The normalized, policy-checked relative path is
 * opened with openat2(2) beneath files_root, and the kernel, not string code,
 * enforces confinement: RESOLVE_BENEATH refuses any component (including "..",
 * absolute symlinks or a rename race) that would leave the root,
 * RESOLVE_NO_SYMLINKS refuses every symlink (even one pointing back inside),
 * RESOLVE_NO_MAGICLINKS refuses /proc-style magic links. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "conn.h"
#include "gk/path.h"

static int open_beneath(int root_fd, const char *rel)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    /* O_NONBLOCK: opening a FIFO must not block the worker (it is then refused
     * by the regular-file check). */
    how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        long fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
        if (fd >= 0 || errno != EINTR)
            return (int)fd;
    }
}

int gk_files_read(int root_fd, struct gk_span rel, uint8_t *buf, size_t cap, size_t *len)
{
    char path[GK_PATH_MAX + 1];
    *len = 0;
    /* A relative path with no NUL inside (the normalizer refuses %00), no
     * leading '/': anything else is not a file we serve. */
    if (rel.len == 0 || rel.len > GK_PATH_MAX || rel.p[0] == '/' || memchr(rel.p, '\0', rel.len))
        return 404;
    memcpy(path, rel.p, rel.len);
    path[rel.len] = '\0';

    int fd = open_beneath(root_fd, path);
    if (fd < 0) {
        switch (errno) {
        case ENOENT:
        case ENOTDIR:
        case ELOOP:
        case EXDEV:
        case EACCES:
        case EPERM:
        case ENAMETOOLONG:
        case ENXIO:
            return 404;
        default:
            gk_log("error", "openat2 under files_root: %s", strerror(errno));
            return 500;
        }
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return 404;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > cap || (uint64_t)st.st_size > GK_FILES_MAX_SIZE) {
        close(fd);
        return 413;
    }
    /* Read what is there now, never more than the cap (the file may change). */
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return 500;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return 200;
}
