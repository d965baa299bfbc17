/* log.c: one line per event on stderr, "ts level worker msg", each written
 * with a single write(2) so lines from several workers never interleave.
 *
 * What is never logged: Authorization values, tokens, keys, secrets, request
 * headers, and the query string of any request (the /run argument lives
 * there). Callers that must refer to a credential log gk_log_redact's
 * fingerprint instead. Identities (SPIFFE IDs, JWT subjects) are not secrets. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "conn.h"

#define GK_LOG_LINE_MAX 4096
#define GK_LOG_FP_HEX 8 /* hex digits of the sha256 fingerprint */

static int g_worker = -1;
static int g_quiet;

void gk_log_set_worker(int id)
{
    g_worker = id;
}
void gk_log_set_quiet(int quiet)
{
    g_quiet = quiet;
}

/* "2026-11-21T08:05:40.123Z info w0 " into buf; returns length. */
static size_t log_prefix(char *buf, size_t cap, const char *level)
{
    struct timespec ts;
    struct tm tm;
    char who[16];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    if (g_worker < 0)
        snprintf(who, sizeof who, "main");
    else
        snprintf(who, sizeof who, "w%d", g_worker);
    int n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     ts.tv_nsec / 1000000, level, who);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

static void log_emit(char *buf, size_t len)
{
    /* Always end with exactly one newline, even when truncated. */
    if (len >= GK_LOG_LINE_MAX)
        len = GK_LOG_LINE_MAX - 1;
    buf[len++] = '\n';
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(STDERR_FILENO, buf + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

void gk_log(const char *level, const char *fmt, ...)
{
    char buf[GK_LOG_LINE_MAX + 1];
    int saved = errno;
    size_t n = log_prefix(buf, GK_LOG_LINE_MAX, level);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, GK_LOG_LINE_MAX - n, fmt, ap);
    va_end(ap);
    if (m > 0)
        n += (size_t)m;
    log_emit(buf, n);
    errno = saved;
}

void gk_log_redact(const uint8_t *secret, size_t len, char out[24])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!EVP_Digest(secret, len, md, &md_len, EVP_sha256(), NULL) || md_len < GK_LOG_FP_HEX / 2) {
        snprintf(out, 24, "sha256:?");
        return;
    }
    memcpy(out, "sha256:", 7);
    for (size_t i = 0; i < GK_LOG_FP_HEX / 2; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[8 + 2 * i] = hex[md[i] & 0xf];
    }
    out[7 + GK_LOG_FP_HEX] = '\0';
}

/* Copy untrusted bytes for a log line: printable ASCII except space, '"' and
 * '%' pass; everything else becomes %XX, so a line cannot be split or forged.
 * At most GK_LOG_PATH_MAX input bytes; "..." marks truncation. */
static size_t log_escape(char *out, size_t cap, const uint8_t *in, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    size_t n = len > GK_LOG_PATH_MAX ? GK_LOG_PATH_MAX : len;
    for (size_t i = 0; i < n && o + 4 < cap; i++) {
        uint8_t b = in[i];
        if (b > 0x20 && b < 0x7f && b != '"' && b != '%') {
            out[o++] = (char)b;
        } else {
            out[o++] = '%';
            out[o++] = hex[b >> 4];
            out[o++] = hex[b & 0xf];
        }
    }
    if (n < len && o + 4 < cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return o;
}

void gk_log_request(const struct gk_req_log *r)
{
    if (g_quiet)
        return;
    char path[3 * GK_LOG_PATH_MAX + 8];
    char ident[3 * GK_LOG_PATH_MAX + 8];
    char method[3 * 16 + 8];
    if (r->path)
        log_escape(path, sizeof path, r->path, r->path_len);
    else
        snprintf(path, sizeof path, "-");
    if (r->identity)
        log_escape(ident, sizeof ident, (const uint8_t *)r->identity, strlen(r->identity));
    else
        snprintf(ident, sizeof ident, "-");
    if (r->method.len)
        log_escape(method, sizeof method, r->method.p, r->method.len > 16 ? 16 : r->method.len);
    else
        snprintf(method, sizeof method, "-");
    int64_t dur_us = (gk_now_ns() - r->start_ns) / 1000;
    gk_log("req", "peer=%s method=%s path=%s status=%d source=%s identity=%s%s%s dur_us=%lld",
           r->c->peer_str, method, path, r->status, gk_id_source_name(r->src), ident,
           r->note ? " note=" : "", r->note ? r->note : "", (long long)dur_us);
}
