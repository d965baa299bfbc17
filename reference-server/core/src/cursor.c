#include "gk/cursor.h"

enum gk_status gk_cursor_peek(const struct gk_cursor *c, uint8_t *out)
{
    GK_ENSURE(c->pos < c->len, GK_E_SHORT);
    *out = c->base[c->pos];
    return GK_OK;
}

enum gk_status gk_cursor_u8(struct gk_cursor *c, uint8_t *out)
{
    GK_GUARD(gk_cursor_peek(c, out));
    c->pos++;
    return GK_OK;
}

enum gk_status gk_cursor_take(struct gk_cursor *c, size_t n, struct gk_span *out)
{
    GK_ENSURE(n <= gk_cursor_left(c), GK_E_SHORT);
    *out = gk_span_make(c->base + c->pos, n);
    c->pos += n;
    return GK_OK;
}

enum gk_status gk_cursor_until(struct gk_cursor *c, uint8_t delim, struct gk_span *out)
{
    /* An empty cursor may have a NULL base: no pointer arithmetic on it. */
    GK_ENSURE(gk_cursor_left(c) > 0, GK_E_SHORT);
    const uint8_t *start = c->base + c->pos;
    const uint8_t *hit = memchr(start, delim, gk_cursor_left(c));
    GK_ENSURE(hit != NULL, GK_E_SHORT);
    *out = gk_span_make(start, (size_t)(hit - start));
    c->pos += out->len + 1;
    return GK_OK;
}

struct gk_span gk_cursor_rest(struct gk_cursor *c)
{
    if (gk_cursor_left(c) == 0)
        return gk_span_make(c->base, 0);
    struct gk_span s = gk_span_make(c->base + c->pos, gk_cursor_left(c));
    c->pos = c->len;
    return s;
}

int gk_cursor_accept(struct gk_cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if (n > gk_cursor_left(c) || memcmp(c->base + c->pos, lit, n) != 0)
        return 0;
    c->pos += n;
    return 1;
}
