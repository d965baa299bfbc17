/* gk/span.h: a pointer + length into a caller's buffer. Never owns memory,
 * never NUL-terminated by contract. */
#ifndef GK_SPAN_H
#define GK_SPAN_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct gk_span {
    const uint8_t *p;
    size_t len;
};

#define GK_SPAN_LIT(s) ((struct gk_span){(const uint8_t *)(s), sizeof(s) - 1})

static inline struct gk_span gk_span_make(const void *p, size_t len)
{
    return (struct gk_span){(const uint8_t *)p, len};
}

static inline int gk_span_eq(struct gk_span a, struct gk_span b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* ASCII case-insensitive compare (header names). */
int gk_span_eq_nocase(struct gk_span a, struct gk_span b);

#endif
