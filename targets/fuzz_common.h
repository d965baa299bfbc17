/* fuzz_common.h: what every in-process target shares: the libFuzzer entry
 * points, a fixed clock, a deterministic RNG for the mutators, an input
 * splitter and the property check macro.
 *
 * A property violation calls abort() after printing what was violated: every
 * engine (libFuzzer, AFL++, the replay driver under ctest) reports abort() as
 * a crash, with or without sanitizers. */
#ifndef GK_FUZZ_COMMON_H
#define GK_FUZZ_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixed `now` of every target (2027-01-15T08:00:00Z): inside the validity of
 * the embedded client CA and of every seed certificate, before every seed
 * token's exp. Coverage must not depend on the wall clock. */
#define FZ_NOW ((int64_t)1800000000)
#define FZ_LEEWAY_S 60
#define FZ_ISSUER "https://issuer.gatecrash.test"
#define FZ_AUDIENCE "gatecrash-target"
#define FZ_MAX_CHAIN_DEPTH 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
/* Provided by libFuzzer only; weak so the replay and AFL++ builds link without it. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));

/* Property checks and models are not what the engine should explore: keep
 * their comparisons out of the coverage feedback (and off the hot path). */
#if defined(__clang__)
#define FZ_NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))
#else
#define FZ_NO_COVERAGE
#endif

#define FZ_CHECK(cond, what)                                                              \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "fuzz property violated: %s (%s:%d: %s)\n", (what), __FILE__, \
                    __LINE__, #cond);                                                     \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* xorshift64*: deterministic, seeded by the engine, never by the clock. */
struct fz_rng {
    uint64_t s;
};
static inline void fz_rng_seed(struct fz_rng *r, uint64_t seed)
{
    r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    if (r->s == 0)
        r->s = 1;
}
static inline uint64_t fz_rng_next(struct fz_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}
/* Uniform-enough value in [0, n); n > 0. */
static inline size_t fz_rng_below(struct fz_rng *r, size_t n)
{
    return (size_t)(fz_rng_next(r) % (uint64_t)n);
}

/* Input splitter: consumes bytes up to the next `sep` (or the end). Lets a
 * target take several fields from one input while keeping them readable in a
 * seed file ("xfcc\nxff\nforwarded"). */
struct fz_in {
    const uint8_t *p;
    size_t len;
};
static inline size_t fz_take_until(struct fz_in *in, uint8_t sep, const uint8_t **field)
{
    const uint8_t *end = in->len ? memchr(in->p, sep, in->len) : NULL;
    size_t n = end ? (size_t)(end - in->p) : in->len;
    *field = in->p;
    in->p += n;
    in->len -= n;
    if (end != NULL) {
        in->p++;
        in->len--;
    }
    return n;
}
static inline uint8_t fz_take_byte(struct fz_in *in)
{
    if (in->len == 0)
        return 0;
    uint8_t b = in->p[0];
    in->p++;
    in->len--;
    return b;
}

/* Copy of `len` bytes in a heap block of exactly that size, so ASan sees a
 * one-byte over-read of the input (fuzzers hand out exact-size buffers, but
 * sub-fields of an input are not). */
static inline uint8_t *fz_dup(const uint8_t *p, size_t len)
{
    uint8_t *d = malloc(len ? len : 1);
    if (d == NULL)
        abort();
    if (len)
        memcpy(d, p, len);
    return d;
}

#endif
