/* harness/util.h: small helpers every harness module uses. */
#ifndef GC_UTIL_H
#define GC_UTIL_H
#include <stddef.h>

/* Format a one-line error into err[cap] (no-op when err is NULL or cap 0). */
void gc_errf(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
