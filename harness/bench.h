/* harness/bench.h: `gatecrash bench` (bench.c) and its testable pieces.
 *
 * The command prints, in one table, on one machine and in one run: the
 * catalogue's wall time and cases/s, full-handshake cases/s, kept-alive
 * cases/s, and `openssl s_time -new` / `-reuse` against the same gatekeeper
 * as baselines. A "case" is: request (built before the clock starts) → TLS →
 * response → judged by every oracle. Figures only, never pass/fail
 * (DESIGN.md "Performance"; docs/PERFORMANCE.md). */
#ifndef GC_BENCH_H
#define GC_BENCH_H
#include <stddef.h>

#define GC_BENCH_DEFAULT_TIME_S 5
#define GC_BENCH_MAX_TIME_S 600
#define GC_BENCH_DEFAULT_WINDOW 16 /* kept-alive: requests in flight per connection */
#define GC_BENCH_MAX_WINDOW 256
#define GC_BENCH_CASE_ID "cert.valid.bob-whoami" /* ECDSA P-256 leaf issued by the root */

/* gatecrash bench [--time S] [--jobs N] [--window W] [--modes LIST] [--json FILE]
 *                 [--gatekeeper PATH] [--openssl PATH]. 0, or 2 on a set-up error. */
int gc__bench_main(int argc, char **argv);

/* From `openssl s_time` output, the last "N connections in T real seconds"
 * line: 0 with *conns and *secs set, -1 when there is none (or it is garbled).
 * *resumed (may be NULL) gets the number of 'r' progress marks (sessions
 * actually resumed) after the last "session id reuse" banner, 0 without it. */
int gc__bench_parse_s_time(const char *out, size_t len, long *conns, long *secs, long *resumed);

#endif
