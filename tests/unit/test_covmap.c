/* tests/unit/test_covmap.c: the harness side of grey-box feedback
 * (harness/covmap.h): AFL hit-count buckets, the virgin-map merge, and the
 * shared map as a target sees it (a forked child maps it the way
 * reference-server/server/covmap.c does and writes hits). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "covmap.h"

#define T_ERR 256
#define T_SMALL 64 /* GC_COVMAP_MIN_SIZE */

/* ---- buckets ---------------------------------------------------------------- */

static const struct {
    uint8_t hits, bucket;
} BUCKETS[] = {
    {0, 0},   {1, 1},   {2, 2},   {3, 4},   {4, 8},    {7, 8},     {8, 16},
    {15, 16}, {16, 32}, {31, 32}, {32, 64}, {127, 64}, {128, 128}, {255, 128},
};

START_TEST(bucket_boundaries_match_afl_classes)
{
    for (size_t i = 0; i < sizeof(BUCKETS) / sizeof(BUCKETS[0]); i++)
        ck_assert_msg(gc_covmap_bucket(BUCKETS[i].hits) == BUCKETS[i].bucket,
                      "hits %u: got %u want %u", BUCKETS[i].hits, gc_covmap_bucket(BUCKETS[i].hits),
                      BUCKETS[i].bucket);
}
END_TEST

START_TEST(every_nonzero_count_has_exactly_one_bucket_bit)
{
    for (unsigned h = 1; h <= 255; h++) {
        uint8_t b = gc_covmap_bucket((uint8_t)h);
        ck_assert_msg(b != 0 && (b & (b - 1)) == 0, "hits %u -> %u", h, b);
    }
}
END_TEST

/* ---- merge ------------------------------------------------------------------ */

static void virgin_init(uint8_t *v, size_t n)
{
    memset(v, 0xff, n);
}

START_TEST(first_hit_of_an_edge_is_new_and_only_once)
{
    uint8_t virgin[T_SMALL], trace[T_SMALL] = {0};
    virgin_init(virgin, sizeof(virgin));
    trace[5] = 1;
    trace[40] = 9;
    size_t counts = 99;
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, sizeof(trace), &counts), 2);
    ck_assert_uint_eq(counts, 0);
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, sizeof(trace), &counts), 0);
    ck_assert_uint_eq(counts, 0);
    ck_assert_uint_eq(trace[5], 1); /* merge only reads the trace */
    ck_assert_uint_eq(virgin[5], 0xff & ~1u);
    ck_assert_uint_eq(virgin[40], 0xff & ~16u);
}
END_TEST

START_TEST(known_edge_in_a_new_bucket_counts_as_new_count_not_new_edge)
{
    uint8_t virgin[T_SMALL], trace[T_SMALL] = {0};
    virgin_init(virgin, sizeof(virgin));
    trace[3] = 1;
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, sizeof(trace), NULL), 1);
    trace[3] = 2; /* bucket 2: new */
    size_t counts = 0;
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, sizeof(trace), &counts), 0);
    ck_assert_uint_eq(counts, 1);
    trace[3] = 6; /* bucket 8: new */
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, sizeof(trace), &counts), 0);
    ck_assert_uint_eq(counts, 1);
    trace[3] = 5; /* bucket 8 again: nothing new */
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, sizeof(trace), &counts), 0);
    ck_assert_uint_eq(counts, 0);
}
END_TEST

START_TEST(hits_in_every_position_including_a_partial_last_word_are_seen)
{
    /* 61 bytes: seven whole words and a 5-byte tail the word skip must not miss. */
    enum { N = 61 };
    uint8_t virgin[N], trace[N];
    virgin_init(virgin, N);
    memset(trace, 0, N);
    trace[0] = 1;
    trace[7] = 200; /* last byte of the first word */
    trace[8] = 3;   /* first byte of the second word */
    trace[N - 1] = 1;
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, N, NULL), 4);
    memset(trace, 1, N);
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, N, NULL), N - 4);
}
END_TEST

START_TEST(all_zero_trace_is_nothing_new)
{
    uint8_t virgin[T_SMALL], trace[T_SMALL] = {0};
    virgin_init(virgin, sizeof(virgin));
    size_t counts = 7;
    ck_assert_uint_eq(gc_covmap_merge(virgin, trace, sizeof(trace), &counts), 0);
    ck_assert_uint_eq(counts, 0);
    for (size_t i = 0; i < sizeof(virgin); i++)
        ck_assert_uint_eq(virgin[i], 0xff);
}
END_TEST

/* ---- open: sizes ------------------------------------------------------------ */

static const struct {
    size_t size;
    int ok;
} SIZES[] = {
    {GC_COVMAP_MIN_SIZE, 1},
    {GC_COVMAP_MIN_SIZE - 1, 0},
    {GC_COVMAP_MIN_SIZE / 2, 0},
    {GC_COVMAP_MAX_SIZE, 1},
    {GC_COVMAP_MAX_SIZE + 1, 0},
    {GC_COVMAP_MAX_SIZE * 2u, 0},
    {GC_COVMAP_DEFAULT_SIZE + 64, 0},
    {0, 0},
    {96, 0},
};

START_TEST(sizes_must_be_powers_of_two_within_limits)
{
    for (size_t i = 0; i < sizeof(SIZES) / sizeof(SIZES[0]); i++) {
        struct gc_covmap cm;
        char err[T_ERR] = "";
        int rc = gc_covmap_open(SIZES[i].size, GC_COVMAP_SHM, &cm, err, sizeof(err));
        ck_assert_msg((rc == 0) == SIZES[i].ok, "size %zu: rc %d (%s)", SIZES[i].size, rc, err);
        if (rc == 0) {
            ck_assert_uint_eq(cm.size, SIZES[i].size);
            gc_covmap_close(&cm);
        } else {
            ck_assert_msg(err[0] != '\0', "size %zu: no error text", SIZES[i].size);
        }
    }
}
END_TEST

/* ---- the shared map as the target sees it ----------------------------------- */

/* In a child: map the object the way gatekeeper's covmap.c does and bump
 * counters at the given indexes, n times each. */
static void child_hits(const struct gc_covmap *cm, const size_t *idx, size_t k, unsigned n)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd;
        if (cm->fd >= 0)
            fd = cm->fd;
        else
            fd = shm_open(cm->name, O_RDWR, 0);
        if (fd < 0)
            _exit(3);
        struct stat st;
        if (fstat(fd, &st) != 0 || (size_t)st.st_size != cm->size)
            _exit(4);
        uint8_t *m = mmap(NULL, cm->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED)
            _exit(5);
        for (size_t i = 0; i < k; i++)
            for (unsigned j = 0; j < n; j++)
                m[idx[i]]++;
        _exit(0);
    }
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x", st);
}

static void shared_map_roundtrip(enum gc_covmap_kind kind)
{
    struct gc_covmap cm;
    char err[T_ERR] = "";
    ck_assert_msg(gc_covmap_open(GC_COVMAP_DEFAULT_SIZE, kind, &cm, err, sizeof(err)) == 0, "%s",
                  err);
    const size_t idx[] = {1, 777, GC_COVMAP_DEFAULT_SIZE - 1};
    /* Start-up noise, then reset: it must not count. */
    child_hits(&cm, &idx[0], 1, 1);
    gc_covmap_reset(&cm);
    ck_assert_uint_eq(gc_covmap_new_edges(&cm, NULL), 0);
    child_hits(&cm, idx, 3, 1);
    size_t counts = 9;
    ck_assert_uint_eq(gc_covmap_new_edges(&cm, &counts), 3);
    ck_assert_uint_eq(counts, 0);
    ck_assert_uint_eq(cm.trace[777], 0); /* consumed */
    ck_assert_uint_eq(gc_covmap_edges_seen(&cm), 3);
    child_hits(&cm, idx, 3, 1); /* same input again: nothing new */
    ck_assert_uint_eq(gc_covmap_new_edges(&cm, &counts), 0);
    ck_assert_uint_eq(counts, 0);
    child_hits(&cm, &idx[1], 1, 20); /* a loop that now runs 20 times */
    ck_assert_uint_eq(gc_covmap_new_edges(&cm, &counts), 0);
    ck_assert_uint_eq(counts, 1);
    ck_assert_uint_eq(gc_covmap_edges_seen(&cm), 3);
    gc_covmap_close(&cm);
}

START_TEST(shm_map_is_shared_with_a_child_that_opens_it_by_name)
{
    shared_map_roundtrip(GC_COVMAP_SHM);
}
END_TEST

START_TEST(memfd_map_is_shared_with_a_child_through_the_inherited_fd)
{
    shared_map_roundtrip(GC_COVMAP_MEMFD);
}
END_TEST

START_TEST(shm_env_names_the_object_and_close_unlinks_it)
{
    struct gc_covmap cm;
    char err[T_ERR] = "";
    ck_assert_msg(gc_covmap_open(GC_COVMAP_MIN_SIZE, GC_COVMAP_SHM, &cm, err, sizeof(err)) == 0,
                  "%s", err);
    char want[GC_COVMAP_ENV_MAX];
    snprintf(want, sizeof(want), GC_COVMAP_ENV_NAME "=%s", cm.name);
    ck_assert_str_eq(gc_covmap_env(&cm), want);
    ck_assert_int_eq(strncmp(cm.name, "/gatecrash-cov-", 15), 0);
    char name[GC_COVMAP_NAME_MAX];
    memcpy(name, cm.name, sizeof(name));
    int fd = shm_open(name, O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    close(fd);
    gc_covmap_close(&cm);
    errno = 0;
    ck_assert_int_lt(shm_open(name, O_RDONLY, 0), 0);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(two_maps_in_one_process_get_distinct_names)
{
    struct gc_covmap a, b;
    char err[T_ERR] = "";
    ck_assert(gc_covmap_open(GC_COVMAP_MIN_SIZE, GC_COVMAP_SHM, &a, err, sizeof(err)) == 0);
    ck_assert(gc_covmap_open(GC_COVMAP_MIN_SIZE, GC_COVMAP_SHM, &b, err, sizeof(err)) == 0);
    ck_assert_str_ne(a.name, b.name);
    gc_covmap_close(&a);
    gc_covmap_close(&b);
}
END_TEST

START_TEST(memfd_env_names_an_fd_that_survives_exec)
{
    struct gc_covmap cm;
    char err[T_ERR] = "";
    ck_assert_msg(gc_covmap_open(GC_COVMAP_MIN_SIZE, GC_COVMAP_MEMFD, &cm, err, sizeof(err)) == 0,
                  "%s", err);
    char want[GC_COVMAP_ENV_MAX];
    snprintf(want, sizeof(want), GC_COVMAP_ENV_FD "=%d", cm.fd);
    ck_assert_str_eq(gc_covmap_env(&cm), want);
    int fl = fcntl(cm.fd, F_GETFD);
    ck_assert_int_ge(fl, 0);
    ck_assert_int_eq(fl & FD_CLOEXEC, 0);
    gc_covmap_close(&cm);
}
END_TEST

START_TEST(new_edges_on_a_closed_map_is_zero)
{
    struct gc_covmap cm;
    memset(&cm, 0, sizeof(cm));
    cm.fd = -1;
    size_t counts = 5;
    ck_assert_uint_eq(gc_covmap_new_edges(&cm, &counts), 0);
    ck_assert_uint_eq(counts, 0);
    gc_covmap_close(&cm); /* idempotent on an empty map */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("covmap");
    TCase *t = tcase_create("buckets");
    tcase_add_test(t, bucket_boundaries_match_afl_classes);
    tcase_add_test(t, every_nonzero_count_has_exactly_one_bucket_bit);
    suite_add_tcase(s, t);
    t = tcase_create("merge");
    tcase_add_test(t, first_hit_of_an_edge_is_new_and_only_once);
    tcase_add_test(t, known_edge_in_a_new_bucket_counts_as_new_count_not_new_edge);
    tcase_add_test(t, hits_in_every_position_including_a_partial_last_word_are_seen);
    tcase_add_test(t, all_zero_trace_is_nothing_new);
    suite_add_tcase(s, t);
    t = tcase_create("shared");
    tcase_add_test(t, sizes_must_be_powers_of_two_within_limits);
    tcase_add_test(t, shm_map_is_shared_with_a_child_that_opens_it_by_name);
    tcase_add_test(t, memfd_map_is_shared_with_a_child_through_the_inherited_fd);
    tcase_add_test(t, shm_env_names_the_object_and_close_unlinks_it);
    tcase_add_test(t, two_maps_in_one_process_get_distinct_names);
    tcase_add_test(t, memfd_env_names_an_fd_that_survives_exec);
    tcase_add_test(t, new_edges_on_a_closed_map_is_zero);
    tcase_set_timeout(t, 20);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
