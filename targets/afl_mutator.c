/* afl_mutator.c: AFL++ custom mutator API (AFL_CUSTOM_MUTATOR_LIBRARY) around
 * the structure-aware mutators that LLVMFuzzerCustomMutator also uses, so one
 * code base serves both engines. Built as libfz_mutator_<target>.so with
 * FZ_MUTATE defined to fz_jwt_mutate or fz_x509_mutate. AFL++ keeps running
 * its own havoc stage besides (unless AFL_CUSTOM_MUTATOR_ONLY=1). */
#include "fuzz_common.h"

#ifndef FZ_MUTATE
#error "define FZ_MUTATE to the mutator function"
#endif

#define FZ_AFL_MAX 65536

size_t FZ_MUTATE(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

struct fz_afl {
    struct fz_rng rng;
    uint8_t buf[FZ_AFL_MAX];
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                       uint8_t *add_buf, size_t add_buf_size, size_t max_size);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
    (void)afl;
    struct fz_afl *m = calloc(1, sizeof(*m));
    if (m != NULL)
        fz_rng_seed(&m->rng, seed);
    return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
    struct fz_afl *m = data;
    (void)add_buf;
    (void)add_buf_size;
    size_t cap = max_size < FZ_AFL_MAX ? max_size : FZ_AFL_MAX;
    size_t n = buf_size < cap ? buf_size : cap;
    memcpy(m->buf, buf, n);
    n = FZ_MUTATE(m->buf, n, cap, (unsigned int)fz_rng_next(&m->rng));
    *out_buf = m->buf;
    return n;
}

void afl_custom_deinit(void *data)
{
    free(data);
}
