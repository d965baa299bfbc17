/* gk/cursor.h: bounds-checked read cursor (s2n "stuffer" style).
 * Every read checks what is left first and leaves the cursor unchanged on failure.
 * No core code does raw pointer arithmetic on untrusted input outside this. */
#ifndef GK_CURSOR_H
#define GK_CURSOR_H
#include "gk/span.h"
#include "gk/status.h"

struct gk_cursor {
    const uint8_t *base;
    size_t len;
    size_t pos;
};

static inline void gk_cursor_init(struct gk_cursor *c, const uint8_t *p, size_t len)
{
    c->base = p;
    c->len = len;
    c->pos = 0;
}
static inline size_t gk_cursor_left(const struct gk_cursor *c) { return c->len - c->pos; }
static inline int gk_cursor_eof(const struct gk_cursor *c) { return c->pos >= c->len; }

/* Peek the next byte without consuming; GK_E_SHORT at end. */
GK_MUST_CHECK enum gk_status gk_cursor_peek(const struct gk_cursor *c, uint8_t *out);
GK_MUST_CHECK enum gk_status gk_cursor_u8(struct gk_cursor *c, uint8_t *out);
/* Take exactly n bytes as a span. */
GK_MUST_CHECK enum gk_status gk_cursor_take(struct gk_cursor *c, size_t n, struct gk_span *out);
/* Take bytes up to (not including) the first `delim`; consumes the delimiter too.
 * GK_E_SHORT (cursor unchanged) if the delimiter does not occur. */
GK_MUST_CHECK enum gk_status gk_cursor_until(struct gk_cursor *c, uint8_t delim, struct gk_span *out);
/* Take the rest. Never fails. */
struct gk_span gk_cursor_rest(struct gk_cursor *c);
/* Consume `lit` if the input continues with it; returns 1 if consumed, 0 otherwise. */
int gk_cursor_accept(struct gk_cursor *c, const char *lit);

#endif
