/* gk/path.h: request path normalization (RFC 3986 §2.1, §5.2.4).
 *
 * Percent-decodes exactly once, rejects encoded '/', '\\' and NUL (they would
 * change segment structure after decoding), raw backslashes and control bytes,
 * invalid or overlong UTF-8, then removes dot segments and refuses any path that
 * would climb above "/". The output always starts with '/', contains no "."
 * or ".." segment, no empty segment except a possible trailing slash
 * (collapsing "//" is the normalizer's job too), and normalizing it again
 * returns it unchanged.
 *
 * Precisely (helper "path", tests/unit/test_path.c):
 * - checks in this order: starts with '/' (GK_E_PATH_RELATIVE); in_len <=
 *   GK_PATH_MAX (GK_E_LIMIT); out_cap >= in_len (GK_E_SPACE: the output is
 *   never longer than the input); then one left-to-right pass, so the first
 *   offending byte decides the status. Segments are counted as raw '/' bytes
 *   ("/a/b" = 2, "/" = 1); more than GK_PATH_MAX_SEGMENTS is GK_E_LIMIT.
 * - raw CTL (00-1F, 7F) -> GK_E_PATH_CONTROL, raw '\\' -> GK_E_PATH_BACKSLASH,
 *   '%' not followed by two hex digits -> GK_E_PATH_ENCODING, decoded '/',
 *   '\\' or NUL -> GK_E_PATH_ENCODED_SEP, decoded CTL -> GK_E_PATH_CONTROL,
 *   decoded bytes not valid UTF-8 (RFC 3629 §4: overlong, surrogate,
 *   > U+10FFFF, truncated) -> GK_E_PATH_UTF8. Other bytes (space, '?', ';',
 *   high bytes forming valid UTF-8) are kept as they are.
 * - dot segments are recognised after decoding ("%2e%2e" is ".."); ".."
 *   above "/" is GK_E_PATH_ESCAPE (never clamped); empty segments collapse;
 *   an input ending in an empty, "." or ".." segment keeps a trailing '/'.
 * - a decoded '%' ("%25") is refused with GK_E_PATH_DOUBLE_ENCODED: it can
 *   only serve to smuggle a second encoding layer ("%252e" -> "%2e") past a
 *   component that decodes again. So no output contains '%', and every output
 *   re-normalizes byte-identical (tested on every input of the unit suite and
 *   on generated ones; the fuzz target asserts it). */
#ifndef GK_PATH_H
#define GK_PATH_H
#include "gk/span.h"
#include "gk/status.h"

#define GK_PATH_MAX 4096        /* bytes, encoded input and decoded output */
#define GK_PATH_MAX_SEGMENTS 256

/* in: the path part of an origin-form request-target (no query). out needs
 * GK_PATH_MAX bytes at most; out_len excludes any terminator (none written). */
GK_MUST_CHECK enum gk_status gk_path_normalize(const uint8_t *in, size_t in_len, uint8_t *out,
                                               size_t out_cap, size_t *out_len);

/* Given a normalized path and a route prefix such as "/files/", return in *rel
 * the remainder (a relative path with no leading '/', no "." / ".." segments),
 * which is safe to hand to openat2(RESOLVE_BENEATH). GK_E_PATH_ESCAPE if empty
 * or not under the prefix. prefix must start and end with '/' (else GK_E_ARG),
 * so "/files" never matches the sibling "/files-x/". As a second line of
 * defence, a remainder holding an empty, "." or ".." segment (other than a
 * trailing '/') is GK_E_PATH_ESCAPE even though a normalized path has none. */
GK_MUST_CHECK enum gk_status gk_path_under(struct gk_span normalized, const char *prefix,
                                           struct gk_span *rel);

#endif
