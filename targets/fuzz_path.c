/* fuzz_path: gk_path_normalize and gk_path_under (reference-server/core/src/path.c).
 *
 * Properties besides "no crash", on every GK_OK output:
 *  - starts with '/', length <= input length;
 *  - no "." or ".." segment, no empty segment except a trailing one;
 *  - no '%', no NUL, CTL, DEL or backslash;
 *  - normalizing it again returns it byte-identical (idempotence; holds for
 *    every output because a decoded '%' is refused);
 *  - gk_path_under(out, "/files/") either fails or gives a rel with no leading
 *    '/', no "." / ".." / empty segment (except trailing), lying inside out;
 *  - an input that climbs above "/" is never accepted: an independent walk
 *    over the raw segments (each percent-decoded here, so "%2e%2e" is "..")
 *    tracks the depth, and GK_OK with a negative depth at any point is a
 *    violation (the contract refuses; clamping at the root is a bug too). */
#include "fuzz_common.h"
#include "gk/path.h"

FZ_NO_COVERAGE static void fz_check_segments(const uint8_t *p, size_t len, size_t start, const char *what)
{
    /* Segments of p[start..len), split on '/'. */
    size_t i = start;
    while (i <= len) {
        size_t j = i;
        while (j < len && p[j] != '/')
            j++;
        size_t seg = j - i;
        int last = j >= len;
        FZ_CHECK(!(seg == 1 && p[i] == '.'), what);
        FZ_CHECK(!(seg == 2 && p[i] == '.' && p[i + 1] == '.'), what);
        FZ_CHECK(seg > 0 || last, what);
        i = j + 1;
    }
}

FZ_NO_COVERAGE static int fz_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 1 if some prefix of the raw path climbs above the root. Dot segments are
 * recognised after one percent-decoding of the segment (RFC 3986 §2.3). */
FZ_NO_COVERAGE static int fz_climbs_above_root(const uint8_t *p, size_t n)
{
    long depth = 0;
    size_t i = 1;
    while (i <= n) {
        size_t len = 0, j = i;
        int other = 0;
        while (j < n && p[j] != '/') {
            uint8_t c = p[j];
            if (c == '%' && j + 2 < n && fz_hex(p[j + 1]) >= 0 && fz_hex(p[j + 2]) >= 0) {
                c = (uint8_t)(fz_hex(p[j + 1]) * 16 + fz_hex(p[j + 2]));
                j += 2;
            }
            len++;
            other |= c != '.';
            j++;
        }
        if (len == 2 && !other) {
            if (--depth < 0)
                return 1;
        } else if (len > 0 && !(len == 1 && !other)) {
            depth++;
        }
        i = j + 1;
    }
    return 0;
}

FZ_NO_COVERAGE static void fz_check_output(const uint8_t *out, size_t out_len, size_t in_len)
{
    FZ_CHECK(out_len >= 1 && out[0] == '/', "output starts with '/'");
    FZ_CHECK(out_len <= in_len, "output never longer than input");
    for (size_t i = 0; i < out_len; i++) {
        FZ_CHECK(out[i] != '%', "no '%' in output");
        FZ_CHECK(out[i] >= 0x20 && out[i] != 0x7f, "no NUL/CTL/DEL in output");
        FZ_CHECK(out[i] != '\\', "no backslash in output");
    }
    /* "/" alone: one empty trailing segment. Otherwise every segment after the
     * leading '/' is checked. */
    if (out_len > 1)
        fz_check_segments(out, out_len, 1, "no '.', '..' or empty (non-trailing) segment");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[GK_PATH_MAX], again[GK_PATH_MAX];
    size_t out_len = 0, again_len = 0;
    if (gk_path_normalize(data, size, out, sizeof(out), &out_len) != GK_OK)
        return 0;
    FZ_CHECK(!fz_climbs_above_root(data, size), "a path climbing above / is refused");
    fz_check_output(out, out_len, size);

    uint8_t *copy = fz_dup(out, out_len);
    enum gk_status st = gk_path_normalize(copy, out_len, again, sizeof(again), &again_len);
    FZ_CHECK(st == GK_OK, "normalized output normalizes again");
    FZ_CHECK(again_len == out_len && memcmp(again, out, out_len) == 0,
             "normalization is idempotent");
    free(copy);

    struct gk_span rel = {NULL, 0};
    if (gk_path_under(gk_span_make(out, out_len), "/files/", &rel) == GK_OK) {
        FZ_CHECK(rel.len == 0 || (rel.p >= out && rel.p + rel.len <= out + out_len),
                 "rel inside the normalized path");
        FZ_CHECK(rel.len == 0 || rel.p[0] != '/', "rel is relative");
        if (rel.len > 0)
            fz_check_segments(rel.p, rel.len, 0, "rel has no '.', '..' or empty segment");
    }
    return 0;
}
