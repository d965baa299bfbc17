/* gk_testutil.h: small header-only helpers for the unit suites.
 *
 * Guard-page copies (picohttpparser style): gk_guard_copy() places an input so
 * that its last byte sits flush against a PROT_NONE page, and makes the input
 * itself read-only. A parser that reads one byte past the end, or writes to
 * its const input, then dies with SIGSEGV even in a build without ASan.
 *
 *     uint8_t *p = gk_guard_copy(bytes, n);
 *     ... parse p[0..n) ...
 *     gk_guard_free(p, n);
 */
#ifndef GK_TESTUTIL_H
#define GK_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static inline size_t gk_guard__page(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? (size_t)ps : 4096;
}

/* Pages that hold n bytes of data (zero for an empty input). */
static inline size_t gk_guard__data_pages(size_t n)
{
    size_t ps = gk_guard__page();
    return (n + ps - 1) / ps;
}

/* Copy src[0..n) so that src[n] would be the first byte of an unreadable page.
 * Never returns NULL: a test cannot go on without its input, so it aborts. */
static inline uint8_t *gk_guard_copy(const void *src, size_t n)
{
    size_t ps = gk_guard__page();
    size_t data = gk_guard__data_pages(n) * ps;
    uint8_t *base =
        mmap(NULL, data + ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        perror("gk_guard_copy: mmap");
        abort();
    }
    if (mprotect(base + data, ps, PROT_NONE) != 0) {
        perror("gk_guard_copy: mprotect guard");
        abort();
    }
    uint8_t *p = base + data - n;
    if (n > 0)
        memcpy(p, src, n);
    if (data > 0 && mprotect(base, data, PROT_READ) != 0) {
        perror("gk_guard_copy: mprotect read-only");
        abort();
    }
    return p;
}

/* Release a copy made by gk_guard_copy(p's original n). */
static inline void gk_guard_free(uint8_t *p, size_t n)
{
    if (p == NULL)
        return;
    size_t ps = gk_guard__page();
    size_t data = gk_guard__data_pages(n) * ps;
    uint8_t *base = p + n - data;
    if (munmap(base, data + ps) != 0) {
        perror("gk_guard_free: munmap");
        abort();
    }
}

#endif
