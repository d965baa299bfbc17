/* harness/util.h: small helpers every harness module uses. */
#ifndef GC_UTIL_H
#define GC_UTIL_H
#include <stddef.h>

/* Format a one-line error into err[cap] (no-op when err is NULL or cap 0). */
void gc_errf(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* mkdir -p: create path and its missing parents with `mode`. 0, or -1 with
 * errno (ENAMETOOLONG beyond PATH_MAX). */
int gc_mkdir_p(const char *path, unsigned mode);

/* The whole string s as a decimal long within [lo, hi]. 0, or -1. */
int gc_parse_long(const char *s, long lo, long hi, long *out);

#endif
