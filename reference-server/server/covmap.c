/* covmap.c: grey-box coverage feedback for the network fuzzer.
 *
 * Compiled only with -DGK_COVMAP=ON (the `netfuzz` preset), where gatekeeper
 * and its own copy of libgkcore are built with
 * -fsanitize-coverage=trace-pc-guard. Clang then calls the two functions
 * below: _init once per instrumented module (from a constructor, before main)
 * to number the edge guards, and the guard callback on every edge taken. Each
 * call bumps one byte of a bitmap the harness shares with us (harness/covmap.h,
 * docs/NETFUZZ.md "Grey-box feedback"):
 *   GATECRASH_COVMAP_FD=N  an inherited descriptor (memfd) to map, or
 *   GATECRASH_COVMAP=NAME  a POSIX shared-memory object (shm_open) to map.
 * The size is the object's size (fstat), rounded down to a power of two.
 *
 * Mapping happens here, in the constructor: before main, hence before the
 * sandbox (Landlock would refuse /dev/shm, seccomp the mmap of a new object),
 * and before the workers fork, so the MAP_SHARED mapping is the same pages in
 * every worker. Without either variable, or when mapping fails, hits go to a
 * private map and gatekeeper behaves exactly as before.
 *
 * This file itself must not be instrumented (the callback would call itself):
 * CMake compiles it with -fno-sanitize-coverage=trace-pc-guard. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GK_COVMAP_ENV_FD "GATECRASH_COVMAP_FD"
#define GK_COVMAP_ENV_NAME "GATECRASH_COVMAP"
#define GK_COVMAP_PRIVATE_SIZE 65536u /* fallback map: power of two */
#define GK_COVMAP_MIN_SIZE 64u
#define GK_COVMAP_MAX_SIZE (1u << 24)
#define GK_COVMAP_HIT_MAX 255u /* counters saturate instead of wrapping to 0 */

static uint8_t gk_cov_private[GK_COVMAP_PRIVATE_SIZE];
static uint8_t *gk_cov_map = gk_cov_private;
static size_t gk_cov_mask = GK_COVMAP_PRIVATE_SIZE - 1;
static uint32_t gk_cov_guards; /* guards numbered so far, across modules */
static int gk_cov_attached;    /* attach attempted (once per process image) */

void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);
void __sanitizer_cov_trace_pc_guard(uint32_t *guard);

/* Largest power of two <= n. */
static size_t pow2_floor(size_t n)
{
    size_t p = 1;
    while (p <= n / 2)
        p *= 2;
    return p;
}

static void cov_warn(const char *what, int e)
{
    char line[256];
    int n = snprintf(line, sizeof(line), "gatekeeper: covmap: %s: %s; coverage stays private\n",
                     what, strerror(e));
    if (n > 0)
        (void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* Map fd (not closed here) as the shared map. 0 or -1. */
static int cov_map_fd(int fd, const char *what)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cov_warn(what, errno);
        return -1;
    }
    if (st.st_size < (off_t)GK_COVMAP_MIN_SIZE || st.st_size > (off_t)GK_COVMAP_MAX_SIZE) {
        cov_warn(what, EINVAL);
        return -1;
    }
    size_t size = pow2_floor((size_t)st.st_size);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        cov_warn(what, errno);
        return -1;
    }
    gk_cov_map = p;
    gk_cov_mask = size - 1;
    return 0;
}

static void cov_attach(void)
{
    gk_cov_attached = 1;
    const char *fds = getenv(GK_COVMAP_ENV_FD);
    const char *name = getenv(GK_COVMAP_ENV_NAME);
    if (fds != NULL && fds[0] != '\0') {
        char *end = NULL;
        errno = 0;
        long fd = strtol(fds, &end, 10);
        if (errno != 0 || end == fds || *end != '\0' || fd < 0 || fd > INT32_MAX) {
            cov_warn(GK_COVMAP_ENV_FD, EINVAL);
            return;
        }
        if (cov_map_fd((int)fd, GK_COVMAP_ENV_FD) == 0)
            (void)close((int)fd); /* the mapping outlives the descriptor */
        return;
    }
    if (name != NULL && name[0] != '\0') {
        int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
        if (fd < 0) {
            cov_warn(name, errno);
            return;
        }
        (void)cov_map_fd(fd, name);
        (void)close(fd);
    }
}

/* Guard numbers start at 1 (0 means "off" to the callback); numbering runs on
 * across modules so two modules never share an index below the map size. */
void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop)
{
    if (start == stop || *start != 0)
        return; /* empty, or this module is already numbered */
    if (!gk_cov_attached)
        cov_attach();
    for (uint32_t *g = start; g < stop; g++)
        *g = ++gk_cov_guards;
}

/* Hot path: one load, one masked index, one saturating byte increment.
 * Workers race on the same bytes; a lost increment only blurs a hit count
 * (AFL's maps are just as lossy). */
void __sanitizer_cov_trace_pc_guard(uint32_t *guard)
{
    uint32_t g = *guard;
    if (g == 0)
        return;
    uint8_t *p = &gk_cov_map[g & gk_cov_mask];
    if (*p != GK_COVMAP_HIT_MAX)
        (*p)++;
}
