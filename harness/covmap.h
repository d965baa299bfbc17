/* harness/covmap.h: grey-box coverage feedback from an instrumented target.
 *
 * gatekeeper built with -DGK_COVMAP=ON (preset `netfuzz`) counts every edge it
 * takes in a byte map shared with the harness (reference-server/server/covmap.c).
 * The harness creates that map before it launches the target and hands it over
 * in the environment; after an input (or a batch of inputs) it asks which
 * edges, or which hit-count buckets of known edges, were never seen before:
 * AFL's "virgin map" scheme, with AFL's buckets (1, 2, 3, 4-7, 8-15, 16-31,
 * 32-127, 128+). docs/NETFUZZ.md "Grey-box feedback" (or docs/GREYBOX.md).
 *
 * Use:
 *   struct gc_covmap cm;
 *   gc_covmap_open(GC_COVMAP_DEFAULT_SIZE, GC_COVMAP_SHM, &cm, err, sizeof err);
 *   launch the target with gc_covmap_env(&cm) added to its environment;
 *   gc_covmap_reset(&cm);             (start-up edges are not an input's)
 *   ... send an input ...
 *   size_t fresh = gc_covmap_new_edges(&cm, &new_counts);  (also clears the trace)
 *   gc_covmap_close(&cm);
 *
 * Attribution: the map is one for all target workers and all connections. For
 * per-input feedback run one input at a time (jobs 1); with several in flight
 * the news belongs to the batch. Counters race between workers and reads race
 * with writes: a lost hit only blurs a count, as in AFL. */
#ifndef GC_COVMAP_H
#define GC_COVMAP_H
#include <stddef.h>
#include <stdint.h>

#define GC_COVMAP_DEFAULT_SIZE (1u << 16) /* 64 KiB: AFL's default, fits L2 */
#define GC_COVMAP_MIN_SIZE 64u            /* sizes are powers of two in [MIN, MAX] */
#define GC_COVMAP_MAX_SIZE (1u << 24)
#define GC_COVMAP_ENV_NAME "GATECRASH_COVMAP"  /* shm_open name */
#define GC_COVMAP_ENV_FD "GATECRASH_COVMAP_FD" /* inherited descriptor number */
#define GC_COVMAP_NAME_MAX 64
#define GC_COVMAP_ENV_MAX 96

enum gc_covmap_kind {
    /* A POSIX shared-memory object (/dev/shm) named in GATECRASH_COVMAP. Works
     * with any launcher, including the supervisor (gc_target_launch), which
     * closes every inherited descriptor before exec. Unlinked by close. */
    GC_COVMAP_SHM = 0,
    /* An anonymous memfd left open across exec, its number in
     * GATECRASH_COVMAP_FD: for launchers that keep descriptors (a plain
     * fork+exec or posix_spawn). Nothing to clean up if the harness dies. */
    GC_COVMAP_MEMFD = 1,
};

struct gc_covmap {
    uint8_t *trace;  /* shared with the target: hit counts since the last read */
    uint8_t *virgin; /* private: bits of (edge, bucket) never seen are 1 */
    size_t size;
    int fd; /* GC_COVMAP_MEMFD: the descriptor the target inherits; else -1 */
    char name[GC_COVMAP_NAME_MAX]; /* GC_COVMAP_SHM: "/gatecrash-cov-<pid>-<n>" */
    char env[GC_COVMAP_ENV_MAX];   /* "NAME=value" for the launch environment */
};

/* Create a zeroed shared map of size bytes (a power of two in [MIN, MAX]) and
 * a virgin map to match. 0, or -1 with err filled and *cm unusable. */
int gc_covmap_open(size_t size, enum gc_covmap_kind kind, struct gc_covmap *cm, char *err,
                   size_t err_cap);
/* The "NAME=value" entry to add to the target's environment. */
const char *gc_covmap_env(const struct gc_covmap *cm);
/* Forget the hits so far (e.g. the target's start-up), keep the virgin map. */
void gc_covmap_reset(struct gc_covmap *cm);
/* Fold the hits since the last call (or reset) into the virgin map and clear
 * them. Returns the number of edges never hit before; *new_counts (may be
 * NULL) receives the number of known edges hit in a new bucket. Either being
 * non-zero means "this input did something new". */
size_t gc_covmap_new_edges(struct gc_covmap *cm, size_t *new_counts);
/* Edges ever seen (map positions no longer virgin). */
size_t gc_covmap_edges_seen(const struct gc_covmap *cm);
void gc_covmap_close(struct gc_covmap *cm);

/* The pure parts, for tests and for callers with their own maps. */
uint8_t gc_covmap_bucket(uint8_t hits); /* 0→0, 1→1, 2→2, 3→4, 4-7→8, 8-15→16, 16-31→32,
                                           32-127→64, 128-255→128 */
/* virgin &= ~bucket(trace) over n bytes; the return value and *new_counts as
 * for gc_covmap_new_edges. trace is only read. */
size_t gc_covmap_merge(uint8_t *virgin, const uint8_t *trace, size_t n, size_t *new_counts);

#endif
