/* argv.c: the /run argument, taken from a URI query (RFC 3986 §3.4).
 *
 * The query is split on '&' into name[=value] pairs. This is a URI query,
 * not an HTML form: '+' is a literal plus, and each %XX is decoded exactly
 * once. The argument is handed to execve as a single argv element, so shell
 * metacharacters, quotes, newlines and leading '-' are all passed unchanged:
 * the only byte an argv element cannot carry is NUL. */
#include "gk/argv.h"

#include "gk/cursor.h"

static const char ARGV_NAME[] = "arg";
enum {
    ARGV_NAME_LEN = sizeof ARGV_NAME - 1,
    ARGV_HEX_INVALID = 0x100,
    ARGV_ESCAPE_LEN = 3, /* "%XX" */
};

static unsigned argv_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A' + 10);
    return ARGV_HEX_INVALID;
}

/* Decodes one byte at in[*i] ('%XX' or a literal byte). */
static enum gk_status argv_decode_byte(const uint8_t *in, size_t len, size_t *i, uint8_t *out)
{
    if (in[*i] != '%') {
        *out = in[*i];
        *i += 1;
        return GK_OK;
    }
    GK_ENSURE(len - *i >= ARGV_ESCAPE_LEN, GK_E_RUN_ENCODING);
    unsigned hi = argv_hex(in[*i + 1]);
    unsigned lo = argv_hex(in[*i + 2]);
    GK_ENSURE(hi != ARGV_HEX_INVALID && lo != ARGV_HEX_INVALID, GK_E_RUN_ENCODING);
    *out = (uint8_t)(hi << 4 | lo);
    *i += ARGV_ESCAPE_LEN;
    return GK_OK;
}

/* A name is compared after decoding it once: "%61rg" and "arg" are the same
 * name (RFC 3986 §2.3, 'a' is unreserved), so it cannot be used to smuggle a
 * second arg past the duplicate check. A name that does not decode is not
 * "arg" under any reading. */
static int argv_name_is_arg(struct gk_span name)
{
    if (name.len > ARGV_NAME_LEN * ARGV_ESCAPE_LEN)
        return 0;
    size_t i = 0;
    size_t n = 0;
    while (i < name.len) {
        uint8_t d;
        if (argv_decode_byte(name.p, name.len, &i, &d) != GK_OK)
            return 0;
        if (n >= ARGV_NAME_LEN || d != (uint8_t)ARGV_NAME[n])
            return 0;
        n++;
    }
    return n == ARGV_NAME_LEN;
}

enum gk_status gk_run_arg_check(const uint8_t *arg, size_t len)
{
    GK_ENSURE(arg != NULL || len == 0, GK_E_ARG);
    GK_ENSURE(len <= GK_RUN_MAX_ARG, GK_E_RUN_TOO_LONG);
    GK_ENSURE(len == 0 || memchr(arg, 0, len) == NULL, GK_E_RUN_NUL);
    return GK_OK;
}

enum gk_status gk_run_arg_from_query(const uint8_t *query, size_t len, uint8_t *out, size_t out_cap,
                                     size_t *out_len)
{
    GK_ENSURE(out_len != NULL && (out != NULL || out_cap == 0), GK_E_ARG);
    GK_ENSURE(query != NULL || len == 0, GK_E_ARG);
    GK_ENSURE(len <= GK_RUN_MAX_QUERY, GK_E_LIMIT);

    /* Find the one pair named arg; every pair is looked at so that a second
     * one anywhere is refused, whichever copy a front end would pick. */
    struct gk_cursor c;
    gk_cursor_init(&c, query, len);
    struct gk_span value = {0};
    size_t found = 0;
    while (!gk_cursor_eof(&c)) {
        struct gk_span pair;
        if (gk_cursor_until(&c, '&', &pair) != GK_OK)
            pair = gk_cursor_rest(&c);
        struct gk_cursor pc;
        gk_cursor_init(&pc, pair.p, pair.len);
        struct gk_span name;
        struct gk_span v = {0};
        if (gk_cursor_until(&pc, '=', &name) == GK_OK)
            v = gk_cursor_rest(&pc); /* "arg=" is an empty argument */
        else
            name = gk_cursor_rest(&pc); /* "arg" alone: empty value (WHATWG urlencoded) */
        if (!argv_name_is_arg(name))
            continue;
        found++;
        value = v;
    }
    GK_ENSURE(found > 0, GK_E_RUN_MISSING);
    GK_ENSURE(found == 1, GK_E_RUN_DUPLICATE);

    /* First pass: validate and measure, so the caller learns the real reason
     * (bad escape, NUL, too long) before any question of buffer space. */
    size_t n = 0;
    for (size_t i = 0; i < value.len;) {
        uint8_t d;
        GK_GUARD(argv_decode_byte(value.p, value.len, &i, &d));
        GK_ENSURE(d != 0, GK_E_RUN_NUL);
        n++;
    }
    GK_ENSURE(n <= GK_RUN_MAX_ARG, GK_E_RUN_TOO_LONG);
    GK_ENSURE(n <= out_cap, GK_E_SPACE);

    size_t w = 0;
    for (size_t i = 0; i < value.len;)
        GK_GUARD(argv_decode_byte(value.p, value.len, &i, &out[w++]));
    GK_GUARD(gk_run_arg_check(out, w));
    *out_len = w;
    return GK_OK;
}

void gk_run_argv(const char *helper, const char *arg, char *argv[4])
{
    /* execve takes char *const[] but never writes through it (POSIX). */
    argv[0] = (char *)helper;
    argv[1] = (char *)"--";
    argv[2] = (char *)arg;
    argv[3] = NULL;
}
