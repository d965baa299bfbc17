/* path.c: request path normalization (RFC 3986 §2.1, §2.4, §5.2.4; RFC 3629 §4).
 *
 * One pass over the input, no allocation. Each raw segment is percent-decoded
 * straight into the output buffer behind a tentative '/', validated as it is
 * written, and then either kept, dropped ("." and empty segments) or used to
 * pop the previous kept segment (".."). The output is never longer than the
 * input: decoding shrinks, dot removal shrinks, and a trailing '/' is only
 * written where the input ended in an empty, "." or ".." segment. */
#include "gk/path.h"

enum {
    PATH_HEX_INVALID = 0x100, /* outside any byte value */
    ASCII_DEL = 0x7f,
    ASCII_CTL_END = 0x20, /* bytes below this are C0 controls */
};

static unsigned path_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A' + 10);
    return PATH_HEX_INVALID;
}

static int path_is_ctl(uint8_t c)
{
    return c < ASCII_CTL_END || c == ASCII_DEL;
}

/* Incremental UTF-8 validator (RFC 3629 §4 "UTF8-octets" grammar). The grammar
 * restricts the first continuation byte after E0, ED, F0 and F4, which is what
 * rules out overlong forms, surrogates and code points above U+10FFFF; C0, C1
 * and F5..FF never start a sequence. */
struct path_utf8 {
    unsigned need;  /* continuation bytes still expected */
    uint8_t lo, hi; /* allowed range of the next continuation byte */
};

static enum gk_status path_utf8_step(struct path_utf8 *u, uint8_t b)
{
    if (u->need > 0) {
        GK_ENSURE(b >= u->lo && b <= u->hi, GK_E_PATH_UTF8);
        u->need--;
        u->lo = 0x80;
        u->hi = 0xbf;
        return GK_OK;
    }
    if (b < 0x80)
        return GK_OK;
    u->lo = 0x80;
    u->hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
        u->need = 1;
    } else if (b == 0xe0) {
        u->need = 2;
        u->lo = 0xa0; /* E0 80..9F would be overlong */
    } else if (b == 0xed) {
        u->need = 2;
        u->hi = 0x9f; /* ED A0..BF would be a surrogate (U+D800..DFFF) */
    } else if (b >= 0xe1 && b <= 0xef) {
        u->need = 2;
    } else if (b == 0xf0) {
        u->need = 3;
        u->lo = 0x90; /* F0 80..8F would be overlong */
    } else if (b >= 0xf1 && b <= 0xf3) {
        u->need = 3;
    } else if (b == 0xf4) {
        u->need = 3;
        u->hi = 0x8f; /* F4 90.. would exceed U+10FFFF */
    } else {
        return GK_E_PATH_UTF8; /* 80..C1 (continuation, overlong C0/C1), F5..FF */
    }
    return GK_OK;
}

/* Reads one byte of the segment at in[*i], percent-decoding it (exactly once:
 * the decoded byte is never looked at as '%' again, RFC 3986 §2.4). */
static enum gk_status path_decode_byte(const uint8_t *in, size_t in_len, size_t *i, uint8_t *out)
{
    uint8_t b = in[*i];
    if (b != '%') {
        GK_ENSURE(!path_is_ctl(b), GK_E_PATH_CONTROL);
        GK_ENSURE(b != '\\', GK_E_PATH_BACKSLASH);
        *out = b;
        *i += 1;
        return GK_OK;
    }
    GK_ENSURE(in_len - *i >= 3, GK_E_PATH_ENCODING);
    unsigned hi = path_hex(in[*i + 1]);
    unsigned lo = path_hex(in[*i + 2]);
    GK_ENSURE(hi != PATH_HEX_INVALID && lo != PATH_HEX_INVALID, GK_E_PATH_ENCODING);
    uint8_t d = (uint8_t)(hi << 4 | lo);
    /* An encoded separator (or NUL, which ends a C string) would change the
     * segment structure seen by whatever consumes the decoded path. */
    GK_ENSURE(d != '/' && d != '\\' && d != 0, GK_E_PATH_ENCODED_SEP);
    /* A decoded '%' would make the output a second encoding layer ("%252e" ->
     * "%2e"): whoever decodes it again sees a dot. Refusing it keeps the
     * output free of '%', so normalizing any output again changes nothing. */
    GK_ENSURE(d != '%', GK_E_PATH_DOUBLE_ENCODED);
    GK_ENSURE(!path_is_ctl(d), GK_E_PATH_CONTROL);
    *out = d;
    *i += 3;
    return GK_OK;
}

enum gk_status gk_path_normalize(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                                 size_t *out_len)
{
    GK_ENSURE(out != NULL && out_len != NULL, GK_E_ARG);
    GK_ENSURE(in != NULL && in_len > 0 && in[0] == '/', GK_E_PATH_RELATIVE);
    GK_ENSURE(in_len <= GK_PATH_MAX, GK_E_LIMIT);
    /* The output never exceeds the input, so this one check covers every write. */
    GK_ENSURE(out_cap >= in_len, GK_E_SPACE);

    struct path_utf8 u = {0};
    size_t w = 0;        /* out[0..w) is "" or "/seg/seg..." (kept segments) */
    size_t segments = 1; /* one per raw '/' */
    int trailing = 0;    /* last raw segment was empty, "." or ".." */
    size_t i = 1;        /* in[0] == '/' */
    for (;;) {
        size_t start = w;
        out[w++] = '/';
        while (i < in_len && in[i] != '/') {
            uint8_t d;
            GK_GUARD(path_decode_byte(in, in_len, &i, &d));
            GK_GUARD(path_utf8_step(&u, d));
            out[w++] = d;
        }
        /* A multi-byte sequence cannot continue across a '/'. */
        GK_ENSURE(u.need == 0, GK_E_PATH_UTF8);

        /* RFC 3986 §5.2.4 on the decoded segment: "%2e" is a dot here. */
        const uint8_t *seg = out + start + 1;
        size_t seg_len = w - start - 1;
        trailing = 1;
        if (seg_len == 0 || (seg_len == 1 && seg[0] == '.')) {
            w = start;
        } else if (seg_len == 2 && seg[0] == '.' && seg[1] == '.') {
            /* Reject instead of clamping at the root: a request that tries to
             * climb out is an attack or a bug, never a path we should serve. */
            GK_ENSURE(start > 0, GK_E_PATH_ESCAPE);
            w = start - 1;
            while (out[w] != '/')
                w--;
        } else {
            trailing = 0;
        }

        if (i >= in_len)
            break;
        i++; /* the '/' */
        segments++;
        GK_ENSURE(segments <= GK_PATH_MAX_SEGMENTS, GK_E_LIMIT);
    }

    if (w == 0 || trailing)
        out[w++] = '/';
    *out_len = w;
    return GK_OK;
}

enum gk_status gk_path_under(struct gk_span normalized, const char *prefix, struct gk_span *rel)
{
    GK_ENSURE(prefix != NULL && rel != NULL, GK_E_ARG);
    size_t plen = strlen(prefix);
    /* A prefix must be a whole directory ("/files/"), or "/files" would also
     * match the sibling "/files-x/...". */
    GK_ENSURE(plen >= 1 && prefix[0] == '/' && prefix[plen - 1] == '/', GK_E_ARG);
    GK_ENSURE(normalized.p != NULL || normalized.len == 0, GK_E_ARG);
    GK_ENSURE(normalized.len > plen, GK_E_PATH_ESCAPE);
    GK_ENSURE(memcmp(normalized.p, prefix, plen) == 0, GK_E_PATH_ESCAPE);

    /* Defence in depth: the caller promised a normalized path, but the
     * remainder goes to openat2, so check once more that it has no empty,
     * "." or ".." segment (a trailing '/' is allowed). */
    const uint8_t *r = normalized.p + plen;
    size_t rlen = normalized.len - plen;
    size_t seg = 0;
    for (size_t k = 0; k <= rlen; k++) {
        if (k < rlen && r[k] != '/')
            continue;
        size_t n = k - seg;
        int last_empty = (k == rlen && n == 0);
        GK_ENSURE(last_empty || n != 0, GK_E_PATH_ESCAPE);
        GK_ENSURE(!(n == 1 && r[seg] == '.'), GK_E_PATH_ESCAPE);
        GK_ENSURE(!(n == 2 && r[seg] == '.' && r[seg + 1] == '.'), GK_E_PATH_ESCAPE);
        seg = k + 1;
    }
    *rel = gk_span_make(r, rlen);
    return GK_OK;
}
