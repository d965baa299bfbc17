/* harness/report_internal.h: helpers shared by the report writers (report.c,
 * report_json.c, report_junit.c, report_sarif.c, report_html.c). Not part of
 * the public harness API: internal-shared names carry the gc__ prefix.
 *
 * Every string a report shows may hold target-controlled bytes (evidence,
 * the response a target sent): invalid UTF-8, control bytes, markup. The
 * writers never copy such a string out verbatim; they go through
 * gc__put_utf8 (JSON) or gc__put_markup (XML/HTML), which always produce
 * valid UTF-8 and, for markup, only characters XML 1.0 §2.2 allows. */
#ifndef GC_REPORT_INTERNAL_H
#define GC_REPORT_INTERNAL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "result.h"

/* Cap on any one report file held in memory (a catalogue of thousands of
 * cases stays far below it; past it the writer fails with EFBIG). */
#define GC_REPORT_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define GC_REPORT_FILE_MODE 0644
#define GC_REPORT_DIR_MODE 0755
#define GC_REPORT_PATH_MAX 4096

/* Growable byte buffer with a size cap; errors are sticky (the writer checks
 * once, at the end), so the happy path of a writer reads straight down. */
struct gc__buf {
    char *p;
    size_t len;
    size_t cap;
    int err; /* 0, or the errno of the first failure (ENOMEM, EFBIG) */
};
void gc__buf_free(struct gc__buf *b);
void gc__buf_put(struct gc__buf *b, const void *data, size_t n);
void gc__buf_puts(struct gc__buf *b, const char *s);
void gc__buf_printf(struct gc__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Length of a fixed-size field that may lack its terminator. */
size_t gc__field_len(const char *s, size_t cap);

/* Append s[0..n) as valid UTF-8: every byte that does not start a well-formed
 * UTF-8 sequence (RFC 3629 §4: no overlongs, surrogates, or code points past
 * U+10FFFF) becomes the visible text "\xNN". */
void gc__put_utf8(struct gc__buf *b, const char *s, size_t n);

/* Append s[0..n) escaped for XML 1.0 / HTML text or attribute values:
 * & < > " ' become references; invalid UTF-8 and C0 controls other than
 * TAB LF CR become "\xNN"; DEL, C1 controls, U+FFFE/U+FFFF and the bidi
 * embedding/override/isolate controls become "\u{XXXX}" (they are not XML
 * characters, or they would let a target reorder what a reader sees). In an
 * attribute (attr != 0) TAB LF CR become character references so that
 * attribute-value normalization (XML 1.0 §3.3.3) keeps them. */
void gc__put_markup(struct gc__buf *b, const char *s, size_t n, int attr);
/* NUL-terminated convenience forms. */
void gc__put_text(struct gc__buf *b, const char *s);
void gc__put_attr(struct gc__buf *b, const char *s);

/* Append s as one POSIX shell word (single-quoted when it holds anything
 * but [A-Za-z0-9_./:=@%+,-]), so that a command shown can be pasted as is. */
void gc__shell_word(struct gc__buf *b, const char *s);

/* A JSON string with s[0..n) made valid UTF-8 as gc__put_utf8 does; NULL on
 * allocation failure. */
json_t *gc__json_str(const char *s, size_t n);
/* Same for a fixed-size char array field. */
#define GC__JSON_FIELD(f) gc__json_str((f), gc__field_len((f), sizeof(f)))

/* 1 if s is exactly GC_FINDING_ID_LEN lowercase hex digits: only such ids
 * become file names or links. */
int gc__valid_finding_id(const char *s);

/* Names that never return NULL (out-of-range values become "unknown"). */
const char *gc__family(enum gc_family f);
const char *gc__oracle(enum gc_oracle o);
/* One line on what an oracle proves, and what to do when it fires. */
const char *gc__oracle_summary(enum gc_oracle o);
const char *gc__oracle_help(enum gc_oracle o);

/* The case id of a result or finding ("?" when the case pointer is NULL). */
const char *gc__case_id(const struct gc_case *c);

/* "2026-11-21T08:15:00Z" for t (UTC). */
void gc__iso8601(int64_t t, char out[32]);

/* Write b to dir/name atomically; on b->err fails with that errno. Frees b. */
int gc__write_buf(const char *dir, const char *name, struct gc__buf *b);
/* dir/name into out; -1 ENAMETOOLONG if it does not fit. */
int gc__join(char *out, size_t cap, const char *dir, const char *name);

/* Findings of result r (empty range when the indices do not fit run). */
size_t gc__result_findings(const struct gc_run *run, const struct gc_case_result *r,
                           const struct gc_finding **first);

#endif
