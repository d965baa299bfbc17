/* gk/path.h: request path normalization (RFC 3986 §2.1, §5.2.4).
 *
 * Percent-decodes exactly once, rejects encoded '/', '\\' and NUL (they would
 * change segment structure after decoding), raw backslashes and control bytes,
 * invalid or overlong UTF-8, then removes dot segments and refuses any path that
 * would climb above "/". The output always starts with '/', contains no "."
 * or ".." segment, no empty segment except a possible trailing slash
 * (collapsing "//" is the normalizer's job too), and normalizing it again
 * returns it unchanged. */
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
 * or not under the prefix. */
GK_MUST_CHECK enum gk_status gk_path_under(struct gk_span normalized, const char *prefix,
                                           struct gk_span *rel);

#endif
