/* harness/covmap.c: the harness's side of grey-box feedback (covmap.h). */
#include "covmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define COVMAP_VIRGIN 0xffu
#define COVMAP_SHM_MODE 0600 /* the target runs as us until it drops privileges */

static _Atomic unsigned g_serial; /* distinct shm names within one process */

/* AFL's hit-count classes: a loop running 5 or 6 times is the same behaviour,
 * 1 vs 2 vs 3 is not. */
uint8_t gc_covmap_bucket(uint8_t hits)
{
    if (hits <= 2)
        return hits;
    if (hits == 3)
        return 4;
    if (hits <= 7)
        return 8;
    if (hits <= 15)
        return 16;
    if (hits <= 31)
        return 32;
    if (hits <= 127)
        return 64;
    return 128;
}

size_t gc_covmap_merge(uint8_t *virgin, const uint8_t *trace, size_t n, size_t *new_counts)
{
    size_t fresh = 0, counts = 0;
    size_t i = 0;
    while (i < n) {
        /* Maps are sparse: skip eight untouched counters at a time. */
        if (i + sizeof(uint64_t) <= n) {
            uint64_t w;
            memcpy(&w, trace + i, sizeof(w));
            if (w == 0) {
                i += sizeof(uint64_t);
                continue;
            }
        }
        uint8_t b = gc_covmap_bucket(trace[i]);
        if (b != 0 && (virgin[i] & b) != 0) {
            if (virgin[i] == COVMAP_VIRGIN)
                fresh++;
            else
                counts++;
            virgin[i] &= (uint8_t)~b;
        }
        i++;
    }
    if (new_counts != NULL)
        *new_counts = counts;
    return fresh;
}

int gc_covmap_open(size_t size, enum gc_covmap_kind kind, struct gc_covmap *cm, char *err,
                   size_t err_cap)
{
    memset(cm, 0, sizeof(*cm));
    cm->fd = -1;
    if (size < GC_COVMAP_MIN_SIZE || size > GC_COVMAP_MAX_SIZE || (size & (size - 1)) != 0) {
        snprintf(err, err_cap, "covmap size %zu: want a power of two in [%u, %u]", size,
                 GC_COVMAP_MIN_SIZE, GC_COVMAP_MAX_SIZE);
        return -1;
    }
    int fd;
    if (kind == GC_COVMAP_MEMFD) {
        /* No MFD_CLOEXEC: the target inherits it across exec. */
        fd = memfd_create("gatecrash-covmap", 0);
        if (fd < 0) {
            snprintf(err, err_cap, "memfd_create: %s", strerror(errno));
            return -1;
        }
        snprintf(cm->env, sizeof(cm->env), "%s=%d", GC_COVMAP_ENV_FD, fd);
    } else {
        snprintf(cm->name, sizeof(cm->name), "/gatecrash-cov-%d-%u", (int)getpid(),
                 atomic_fetch_add(&g_serial, 1));
        fd = shm_open(cm->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, COVMAP_SHM_MODE);
        if (fd < 0) {
            snprintf(err, err_cap, "shm_open %s: %s", cm->name, strerror(errno));
            cm->name[0] = '\0';
            return -1;
        }
        snprintf(cm->env, sizeof(cm->env), "%s=%s", GC_COVMAP_ENV_NAME, cm->name);
    }
    void *p = MAP_FAILED;
    if (ftruncate(fd, (off_t)size) == 0)
        p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    cm->virgin = malloc(size);
    if (p == MAP_FAILED || cm->virgin == NULL) {
        snprintf(err, err_cap, "covmap of %zu bytes: %s", size,
                 cm->virgin == NULL ? "out of memory" : strerror(errno));
        if (p != MAP_FAILED)
            munmap(p, size);
        close(fd);
        if (cm->name[0] != '\0')
            (void)shm_unlink(cm->name);
        free(cm->virgin);
        memset(cm, 0, sizeof(*cm));
        cm->fd = -1;
        return -1;
    }
    cm->trace = p;
    cm->size = size;
    memset(cm->virgin, COVMAP_VIRGIN, size);
    if (kind == GC_COVMAP_MEMFD)
        cm->fd = fd;
    else
        close(fd); /* the name stays until close: a restarted target maps it again */
    return 0;
}

const char *gc_covmap_env(const struct gc_covmap *cm)
{
    return cm->env;
}

void gc_covmap_reset(struct gc_covmap *cm)
{
    if (cm->trace != NULL)
        memset(cm->trace, 0, cm->size);
}

size_t gc_covmap_new_edges(struct gc_covmap *cm, size_t *new_counts)
{
    if (cm->trace == NULL) {
        if (new_counts != NULL)
            *new_counts = 0;
        return 0;
    }
    size_t fresh = gc_covmap_merge(cm->virgin, cm->trace, cm->size, new_counts);
    memset(cm->trace, 0, cm->size);
    return fresh;
}

size_t gc_covmap_edges_seen(const struct gc_covmap *cm)
{
    size_t n = 0;
    for (size_t i = 0; cm->virgin != NULL && i < cm->size; i++)
        n += cm->virgin[i] != COVMAP_VIRGIN;
    return n;
}

void gc_covmap_close(struct gc_covmap *cm)
{
    if (cm->trace != NULL)
        munmap(cm->trace, cm->size);
    if (cm->fd >= 0)
        close(cm->fd);
    if (cm->name[0] != '\0')
        (void)shm_unlink(cm->name);
    free(cm->virgin);
    memset(cm, 0, sizeof(*cm));
    cm->fd = -1;
}
