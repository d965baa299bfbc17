/* gk/argv.h: the /run argument. Extracts `arg` from a query string, decoding
 * %XX exactly once ('+' stays '+': this is a URI query, not a form), refuses a
 * missing or repeated arg, NUL, and anything over GK_RUN_MAX_ARG. The argv that
 * gatekeeper spawns is always exactly { helper, "--", arg, NULL }.
 *
 * Details: pairs are split on '&', then on the first '='. A name is compared
 * after decoding it once, so "%61rg" is "arg" too (RFC 3986 §2.3) and counts
 * toward GK_E_RUN_DUPLICATE; a bare "arg" (no '=') is an empty value, like
 * "arg=". Checks: query > GK_RUN_MAX_QUERY -> GK_E_LIMIT; bad %XX in the
 * value -> GK_E_RUN_ENCODING; NUL (raw or %00) -> GK_E_RUN_NUL; decoded
 * length > GK_RUN_MAX_ARG -> GK_E_RUN_TOO_LONG; then decoded length > out_cap
 * -> GK_E_SPACE. No terminator is written. Shell metacharacters, quotes,
 * newlines, a leading '-' are passed unchanged: that is the point. */
#ifndef GK_ARGV_H
#define GK_ARGV_H
#include "gk/span.h"
#include "gk/status.h"

#define GK_RUN_MAX_ARG 4096
#define GK_RUN_MAX_QUERY 16384

GK_MUST_CHECK enum gk_status gk_run_arg_from_query(const uint8_t *query, size_t len, uint8_t *out,
                                                   size_t out_cap, size_t *out_len);
/* Checks a decoded argument (length, NUL). */
GK_MUST_CHECK enum gk_status gk_run_arg_check(const uint8_t *arg, size_t len);

/* Builds argv into caller storage: argv[0]=helper, argv[1]="--", argv[2]=arg
 * (arg must be NUL-terminated by the caller at arg[len]), argv[3]=NULL. */
void gk_run_argv(const char *helper, const char *arg, char *argv[4]);

#endif
