/* harness/report.c: names, stable finding ids, the escaping and buffer helpers
 * every report writer shares, and gc_report_all (the four reports, then the
 * reports/latest symlink). */
#include "report_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "pki.h"

#define GC_REPORT_BUF_MIN 4096
#define GC_REPORT_LATEST "latest"
#define GC_REPORT_LATEST_TMP "latest.tmp"
#define GC_REPORT_HISTORY_SUBDIR "runs"
#define GC_REPORT_MAX_DEPTH 256 /* path components when relativizing a symlink */

/* ---- names ------------------------------------------------------------- */

const char *gc_outcome_name(enum gc_outcome o)
{
    switch (o) {
    case GC_OUT_PASS:
        return "PASS";
    case GC_OUT_FINDING:
        return "FINDING";
    case GC_OUT_XFAIL:
        return "XFAIL";
    case GC_OUT_XPASS:
        return "XPASS";
    case GC_OUT_BASELINE:
        return "BASELINE";
    case GC_OUT_UNIMPLEMENTED:
        return "UNIMPLEMENTED";
    case GC_OUT_ERROR:
        return "ERROR";
    }
    return "UNKNOWN";
}

const char *gc_severity_name(enum gc_severity s)
{
    switch (s) {
    case GC_SEV_LOW:
        return "low";
    case GC_SEV_MEDIUM:
        return "medium";
    case GC_SEV_HIGH:
        return "high";
    case GC_SEV_CRITICAL:
        return "critical";
    }
    return "unknown";
}

const char *gc__family(enum gc_family f)
{
    if ((unsigned)f >= (unsigned)GC_FAM_COUNT)
        return "unknown";
    const char *s = gc_family_name(f);
    return s != NULL ? s : "unknown";
}

const char *gc__oracle(enum gc_oracle o)
{
    if ((unsigned)o >= (unsigned)GC_OR_COUNT)
        return "unknown";
    const char *s = gc_oracle_name(o);
    return s != NULL ? s : "unknown";
}

const char *gc__case_id(const struct gc_case *c)
{
    return c != NULL && c->id != NULL ? c->id : "?";
}

/* What each oracle proves (DESIGN.md "Oracles"), and what to do about it.
 * Indexed by enum gc_oracle; a test checks that every oracle has both. */
static const struct {
    const char *summary;
    const char *help;
} GC_ORACLE_TEXT[GC_OR_COUNT] = {
    [GC_OR_AUTHZ_BYPASS] =
        {"The target allowed (2xx) a request whose ground truth is deny.",
         "The case built a request that holds no valid credential for the route (or the wrong "
         "role). Check certificate-chain and token validation and the route policy; replay the "
         "finding to see the exact request and answer."},
    [GC_OR_IDENTITY_CONFUSION] =
        {"The target named an identity the request held no valid credential for.",
         "The identity must come from the leaf's single URI SAN, the verified token's sub, or "
         "X-Forwarded-Client-Cert only from a trusted proxy. Never from the CN or untrusted "
         "headers."},
    [GC_OR_TRAVERSAL] =
        {"A file outside files_root was served or opened.",
         "Normalize the path once, refuse encoded separators and dot-segments that climb out, and "
         "open relative to the root without following symlinks that leave it."},
    [GC_OR_UNSAFE_EXEC] =
        {"The target executed something other than [helper, \"--\", arg].",
         "Run exactly the configured helper with execve, no shell, no PATH search, a fixed "
         "environment, and the argument as one argv element after \"--\"."},
    [GC_OR_SSRF] =
        {"The target connected to an address a request named (canary listener contacted).",
         "Never fetch jku, x5u, or any URL taken from a token or request; keys come from the "
         "policy only."},
    [GC_OR_CRASH] =
        {"The target died or a sanitizer reported an error.",
         "Replay the finding against a sanitizer build of the target; the reproducer holds the "
         "exact bytes sent."},
    [GC_OR_HANG] =
        {"The target stopped answering within the timeout.",
         "Look for blocking calls on the request path and unbounded reads; every connection needs "
         "a header timeout and a size cap."},
    [GC_OR_LEAK] =
        {"A secret or token signature appeared in the target's output or a response.",
         "Never log tokens, signatures or key material; redact credentials before writing logs or "
         "error bodies."},
    [GC_OR_HARDENING] =
        {"The launched target's runtime posture failed a check.",
         "Drop root and capabilities, set no_new_privs, install a seccomp filter and confine "
         "filesystem access to the fixture directory."},
};

const char *gc__oracle_summary(enum gc_oracle o)
{
    if ((unsigned)o >= (unsigned)GC_OR_COUNT || GC_ORACLE_TEXT[o].summary == NULL)
        return "Unknown oracle.";
    return GC_ORACLE_TEXT[o].summary;
}

const char *gc__oracle_help(enum gc_oracle o)
{
    if ((unsigned)o >= (unsigned)GC_OR_COUNT || GC_ORACLE_TEXT[o].help == NULL)
        return "No help available.";
    return GC_ORACLE_TEXT[o].help;
}

/* ---- finding id -------------------------------------------------------- */

void gc_finding_id(const char *case_id, enum gc_oracle o, const char *signature,
                   char out[GC_FINDING_ID_LEN + 1])
{
    static const char HEX[] = "0123456789abcdef";
    struct gc__buf in = {0};
    gc__buf_puts(&in, case_id != NULL ? case_id : "");
    gc__buf_puts(&in, "|");
    gc__buf_puts(&in, gc__oracle(o));
    gc__buf_puts(&in, "|");
    gc__buf_puts(&in, signature != NULL ? signature : "");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int ok = in.err == 0 && EVP_Digest(in.p, in.len, md, &md_len, EVP_sha256(), NULL) == 1 &&
             md_len * 2 >= GC_FINDING_ID_LEN;
    gc__buf_free(&in);
    if (!ok) {
        /* Out of memory or no SHA-256: an all-zero id is visibly wrong and
         * still a valid file name. */
        memset(out, '0', GC_FINDING_ID_LEN);
        out[GC_FINDING_ID_LEN] = '\0';
        return;
    }
    for (size_t i = 0; i < GC_FINDING_ID_LEN / 2; i++) {
        out[2 * i] = HEX[md[i] >> 4];
        out[2 * i + 1] = HEX[md[i] & 0x0f];
    }
    out[GC_FINDING_ID_LEN] = '\0';
}

int gc__valid_finding_id(const char *s)
{
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < GC_FINDING_ID_LEN; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return s[GC_FINDING_ID_LEN] == '\0';
}

/* ---- buffer ------------------------------------------------------------ */

void gc__buf_free(struct gc__buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static int buf_reserve(struct gc__buf *b, size_t more)
{
    if (b->err != 0)
        return -1;
    if (more > GC_REPORT_MAX_BYTES - b->len) {
        b->err = EFBIG;
        return -1;
    }
    size_t need = b->len + more + 1; /* always room for a terminator */
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap < GC_REPORT_BUF_MIN ? GC_REPORT_BUF_MIN : b->cap;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        b->err = ENOMEM;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void gc__buf_put(struct gc__buf *b, const void *data, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return;
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void gc__buf_puts(struct gc__buf *b, const char *s)
{
    gc__buf_put(b, s, strlen(s));
}

void gc__buf_printf(struct gc__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (b->err == 0)
            b->err = EINVAL;
        return;
    }
    if (buf_reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

size_t gc__field_len(const char *s, size_t cap)
{
    return s == NULL ? 0 : strnlen(s, cap);
}

/* ---- escaping ---------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629 §4), its code
 * point in *cp; 0 when the first byte starts no well-formed sequence. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1fu, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0fu, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

void gc__put_utf8(struct gc__buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0) {
            gc__buf_printf(b, "\\x%02X", u[i]);
            i++;
            continue;
        }
        gc__buf_put(b, u + i, len);
        i += len;
    }
}

/* Code points that are valid UTF-8 but must not reach a reader as such: not
 * XML 1.0 Chars (§2.2), discouraged controls, and the Unicode bidi controls
 * (UAX #9) that would let target bytes reorder the text around them. */
static int markup_hidden(uint32_t cp)
{
    return (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff || cp == 0x200e ||
           cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void gc__put_markup(struct gc__buf *b, const char *s, size_t n, int attr)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0) {
            gc__buf_printf(b, "\\x%02X", u[i]);
            i++;
            continue;
        }
        switch (cp) {
        case '&':
            gc__buf_puts(b, "&amp;");
            break;
        case '<':
            gc__buf_puts(b, "&lt;");
            break;
        case '>':
            gc__buf_puts(b, "&gt;");
            break;
        case '"':
            gc__buf_puts(b, "&quot;");
            break;
        case '\'':
            gc__buf_puts(b, "&#39;");
            break;
        case '\t':
        case '\n':
        case '\r':
            if (attr)
                gc__buf_printf(b, "&#%u;", (unsigned)cp);
            else
                gc__buf_put(b, u + i, 1);
            break;
        default:
            if (cp < 0x20)
                gc__buf_printf(b, "\\x%02X", (unsigned)cp);
            else if (markup_hidden(cp))
                gc__buf_printf(b, "\\u{%04X}", (unsigned)cp);
            else
                gc__buf_put(b, u + i, len);
        }
        i += len;
    }
}

void gc__put_text(struct gc__buf *b, const char *s)
{
    if (s != NULL)
        gc__put_markup(b, s, strlen(s), 0);
}

void gc__put_attr(struct gc__buf *b, const char *s)
{
    if (s != NULL)
        gc__put_markup(b, s, strlen(s), 1);
}

json_t *gc__json_str(const char *s, size_t n)
{
    struct gc__buf b = {0};
    gc__buf_put(&b, "", 0); /* a valid pointer even for "" */
    if (s != NULL)
        gc__put_utf8(&b, s, n);
    json_t *j = b.err == 0 ? json_stringn(b.p, b.len) : NULL;
    gc__buf_free(&b);
    return j;
}

/* Quote for a POSIX shell when needed, so that the command shown can be
 * pasted as is: '...' with each ' written as '\''. */
void gc__shell_word(struct gc__buf *b, const char *s)
{
    int plain = *s != '\0';
    for (const char *p = s; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_./:=@%+-,", c) != NULL))
            plain = 0;
    }
    if (plain) {
        gc__buf_puts(b, s);
        return;
    }
    gc__buf_puts(b, "'");
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\'')
            gc__buf_puts(b, "'\\''");
        else
            gc__buf_put(b, p, 1);
    }
    gc__buf_puts(b, "'");
}

/* ---- files ------------------------------------------------------------- */

void gc__iso8601(int64_t t, char out[32])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int gc__join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int gc__write_buf(const char *dir, const char *name, struct gc__buf *b)
{
    char path[GC_REPORT_PATH_MAX];
    int rc = -1;
    if (b->err != 0) {
        errno = b->err;
        goto out;
    }
    if (gc__join(path, sizeof(path), dir, name) != 0)
        goto out;
    rc = gc_write_file_atomic(path, b->p, b->len, GC_REPORT_FILE_MODE);
out:;
    int saved = errno;
    gc__buf_free(b);
    errno = saved;
    return rc;
}

size_t gc__result_findings(const struct gc_run *run, const struct gc_case_result *r,
                           const struct gc_finding **first)
{
    *first = NULL;
    if (r->n_findings == 0 || r->first_finding >= run->n_findings ||
        r->n_findings > run->n_findings - r->first_finding)
        return 0;
    *first = &run->findings[r->first_finding];
    return r->n_findings;
}

/* ---- reports/latest ---------------------------------------------------- */

/* Split an absolute canonical path into components (pointers into p, which
 * is modified). */
static size_t split_path(char *p, char *parts[GC_REPORT_MAX_DEPTH])
{
    size_t n = 0;
    for (char *s = p; *s != '\0' && n < GC_REPORT_MAX_DEPTH;) {
        while (*s == '/')
            *s++ = '\0';
        if (*s == '\0')
            break;
        parts[n++] = s;
        while (*s != '\0' && *s != '/')
            s++;
    }
    return n;
}

/* The path of `to` relative to directory `from`, both existing: a relative
 * symlink keeps working when the reports tree is moved or mounted elsewhere. */
static int relative_path(const char *from, const char *to, char *out, size_t cap)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (realpath(from, a) == NULL || realpath(to, b) == NULL)
        return -1;
    char *pa[GC_REPORT_MAX_DEPTH], *pb[GC_REPORT_MAX_DEPTH];
    size_t na = split_path(a, pa), nb = split_path(b, pb);
    size_t common = 0;
    while (common < na && common < nb && strcmp(pa[common], pb[common]) == 0)
        common++;
    struct gc__buf r = {0};
    for (size_t i = common; i < na; i++)
        gc__buf_puts(&r, i + 1 < na || nb > common ? "../" : "..");
    for (size_t i = common; i < nb; i++)
        gc__buf_printf(&r, "%s%s", pb[i], i + 1 < nb ? "/" : "");
    if (r.len == 0)
        gc__buf_puts(&r, ".");
    int rc = 0;
    if (r.err != 0 || r.len >= cap) {
        errno = r.err != 0 ? r.err : ENAMETOOLONG;
        rc = -1;
    } else {
        memcpy(out, r.p, r.len + 1);
    }
    gc__buf_free(&r);
    return rc;
}

/* reports_root/latest -> run_dir, replaced atomically: a new symlink under a
 * temporary name, then rename(2) over the old one (POSIX: rename replaces
 * the target atomically), then fsync the directory. */
static int point_latest(const char *run_dir, const char *reports_root)
{
    char target[PATH_MAX], tmp[GC_REPORT_PATH_MAX], latest[GC_REPORT_PATH_MAX];
    if (relative_path(reports_root, run_dir, target, sizeof(target)) != 0 ||
        gc__join(tmp, sizeof(tmp), reports_root, GC_REPORT_LATEST_TMP) != 0 ||
        gc__join(latest, sizeof(latest), reports_root, GC_REPORT_LATEST) != 0)
        return -1;
    if (unlink(tmp) != 0 && errno != ENOENT) /* left by an interrupted run */
        return -1;
    if (symlink(target, tmp) != 0)
        return -1;
    if (rename(tmp, latest) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    int dfd = open(reports_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int gc_report_all(const struct gc_run *run, const char *run_dir, const char *reports_root)
{
    if (run == NULL || run_dir == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (mkdir(run_dir, GC_REPORT_DIR_MODE) != 0 && errno != EEXIST)
        return -1;
    char history[GC_REPORT_PATH_MAX];
    const char *history_dir = NULL;
    if (reports_root != NULL) {
        if (gc__join(history, sizeof(history), reports_root, GC_REPORT_HISTORY_SUBDIR) != 0)
            return -1;
        history_dir = history;
    }
    /* Write every report even when one fails: an interrupted or degraded run
     * keeps as much as it can. The first error is the one returned. */
    int first_errno = 0;
    if (gc_report_json(run, run_dir) != 0 && first_errno == 0)
        first_errno = errno;
    if (gc_report_junit(run, run_dir) != 0 && first_errno == 0)
        first_errno = errno;
    if (gc_report_sarif(run, run_dir) != 0 && first_errno == 0)
        first_errno = errno;
    if (gc_report_html(run, run_dir, history_dir) != 0 && first_errno == 0)
        first_errno = errno;
    if (reports_root != NULL && point_latest(run_dir, reports_root) != 0 && first_errno == 0)
        first_errno = errno;
    if (first_errno != 0) {
        errno = first_errno;
        return -1;
    }
    return 0;
}
