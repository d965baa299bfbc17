/* harness/oracle.c: oracle names, the table that runs every oracle over one
 * case, and the pure helpers the oracles share (oracle_internal.h). */
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "oracle.h"
#include "oracle_internal.h"

#define GC__PATH_BUF 4096 /* normalized fixture dir / path scratch */

static const char *const ORACLE_NAMES[GC_OR_COUNT] = {
    [GC_OR_AUTHZ_BYPASS] = "authz-bypass",
    [GC_OR_IDENTITY_CONFUSION] = "identity-confusion",
    [GC_OR_TRAVERSAL] = "traversal",
    [GC_OR_UNSAFE_EXEC] = "unsafe-exec",
    [GC_OR_SSRF] = "ssrf",
    [GC_OR_CRASH] = "crash",
    [GC_OR_HANG] = "hang",
    [GC_OR_LEAK] = "leak",
    [GC_OR_HARDENING] = "hardening",
};

static gc_oracle_fn *const ORACLE_FNS[GC_OR_COUNT] = {
    [GC_OR_AUTHZ_BYPASS] = gc_oracle_authz_bypass,
    [GC_OR_IDENTITY_CONFUSION] = gc_oracle_identity_confusion,
    [GC_OR_TRAVERSAL] = gc_oracle_traversal,
    [GC_OR_UNSAFE_EXEC] = gc_oracle_unsafe_exec,
    [GC_OR_SSRF] = gc_oracle_ssrf,
    [GC_OR_CRASH] = gc_oracle_crash,
    [GC_OR_HANG] = gc_oracle_hang,
    [GC_OR_LEAK] = gc_oracle_leak,
    [GC_OR_HARDENING] = gc_oracle_hardening,
};

const char *gc_oracle_name(enum gc_oracle o)
{
    if ((unsigned)o >= GC_OR_COUNT)
        return "unknown";
    return ORACLE_NAMES[o];
}

gc_oracle_fn *gc_oracle_get(enum gc_oracle o)
{
    if ((unsigned)o >= GC_OR_COUNT)
        return NULL;
    return ORACLE_FNS[o];
}

size_t gc_judge_all(const struct gc_case *c, const struct gc_observation *o,
                    const struct gc_judge_ctx *j, struct gc_verdict out[GC_OR_COUNT])
{
    size_t fired = 0;
    for (unsigned k = 0; k < GC_OR_COUNT; k++) {
        ORACLE_FNS[k](c, o, j, &out[k]);
        out[k].oracle = (enum gc_oracle)k;
        fired += out[k].fired ? 1 : 0;
    }
    return fired;
}

/* --- verdicts ---------------------------------------------------------------- */

void gc__verdict_start(struct gc_verdict *v, enum gc_oracle o)
{
    memset(v, 0, sizeof(*v));
    v->oracle = o;
}

void gc__fire(struct gc_verdict *v, const char *sig_fmt, ...)
{
    va_list ap;
    va_start(ap, sig_fmt);
    vsnprintf(v->signature, sizeof(v->signature), sig_fmt, ap);
    va_end(ap);
    v->fired = 1;
    v->inconclusive = 0;
}

void gc__evidence(struct gc_verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->evidence, sizeof(v->evidence), fmt, ap);
    va_end(ap);
}

char *gc__escape(char *out, size_t cap, const void *p, size_t n, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *b = p;
    size_t o = 0;
    if (cap == 0)
        return out;
    size_t shown = n < max ? n : max;
    for (size_t i = 0; i < shown; i++) {
        uint8_t ch = b[i];
        int plain = ch >= 0x20 && ch < 0x7f && ch != '\\';
        size_t need = plain ? 1 : 4;
        if (o + need + 1 > cap)
            break;
        if (plain) {
            out[o++] = (char)ch;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 0xf];
        }
    }
    if (shown < n && o + 4 <= cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

/* --- the case and its expectations ------------------------------------------ */

size_t gc__n_resp(const struct gc_observation *o)
{
    return o->n_resp < 2 ? o->n_resp : 2;
}

const struct gc_expect *gc__expect_for(const struct gc_case *c, enum gc__req r)
{
    return r == GC__REQ_SECOND ? &c->expect_second : &c->expect;
}

int gc__is_2xx(int status)
{
    return status >= 200 && status <= 299;
}

int gc__expect_deny(const struct gc_expect *e)
{
    return e->kind == GC_EXPECT_DENY || (e->kind == GC_EXPECT_STATUS && !gc__is_2xx(e->status));
}

int gc__expect_allow(const struct gc_expect *e)
{
    return e->kind == GC_EXPECT_ALLOW || (e->kind == GC_EXPECT_STATUS && gc__is_2xx(e->status));
}

size_t gc__run_arg_len(const struct gc_case *c)
{
    if (c->run_arg == NULL)
        return 0;
    return c->run_arg_len ? c->run_arg_len : strlen(c->run_arg);
}

static size_t raw_len(const struct gc_case *c)
{
    return c->raw_len ? c->raw_len : strlen(c->raw);
}

/* The request-target of request r: from the raw request line
 * ("METHOD SP target SP version", RFC 9112 §3) or the case's fields. */
static const char *request_target(const struct gc_case *c, enum gc__req r, size_t *len)
{
    *len = 0;
    if (r == GC__REQ_SECOND) {
        if (c->second_target == NULL)
            return NULL;
        *len = strlen(c->second_target);
        return c->second_target;
    }
    if (c->raw != NULL) {
        size_t n = raw_len(c), i = 0;
        while (i < n && c->raw[i] != ' ')
            i++;
        if (i == n)
            return NULL;
        size_t start = ++i;
        while (i < n && c->raw[i] != ' ' && c->raw[i] != '\r' && c->raw[i] != '\n')
            i++;
        *len = i - start;
        return c->raw + start;
    }
    if (c->target != NULL) {
        *len = strlen(c->target);
        return c->target;
    }
    return NULL;
}

static int starts_with_ci(const char *s, size_t n, const char *prefix)
{
    size_t pn = strlen(prefix);
    return n >= pn && strncasecmp(s, prefix, pn) == 0;
}

const char *gc__path(const struct gc_case *c, enum gc__req r, size_t *len)
{
    size_t n;
    const char *t = request_target(c, r, &n);
    if (t == NULL && r == GC__REQ_FIRST && c->run_arg != NULL) {
        *len = 4;
        return "/run";
    }
    *len = 0;
    if (t == NULL)
        return NULL;
    /* absolute-form (RFC 9112 §3.2.2): skip scheme and authority. */
    size_t skip = 0;
    if (starts_with_ci(t, n, "http://"))
        skip = 7;
    else if (starts_with_ci(t, n, "https://"))
        skip = 8;
    if (skip) {
        while (skip < n && t[skip] != '/')
            skip++;
    }
    size_t end = skip;
    while (end < n && t[end] != '?' && t[end] != '#')
        end++;
    *len = end - skip;
    return t + skip;
}

int gc__path_is(const struct gc_case *c, enum gc__req r, const char *want)
{
    size_t n;
    const char *p = gc__path(c, r, &n);
    return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

char *gc__route(const struct gc_case *c, enum gc__req r, char *out, size_t cap)
{
    size_t n;
    const char *p = gc__path(c, r, &n);
    if (p == NULL || n == 0)
        return gc__escape(out, cap, "-", 1, 1);
    return gc__escape(out, cap, p, n, GC__ROUTE_MAX);
}

#define GC__CERT_NAME(name, valid, id, admin) #name,
static const char *const CERT_NAMES[GC_CERT_COUNT] = {GC_CERT_LIST(GC__CERT_NAME)};
#undef GC__CERT_NAME

char *gc__cert_name(enum gc_cert_kind k, char *out, size_t cap)
{
    const char *name = (unsigned)k < GC_CERT_COUNT ? CERT_NAMES[k] : "UNKNOWN";
    size_t i = 0;
    if (cap == 0)
        return out;
    for (; name[i] != '\0' && i + 1 < cap; i++)
        out[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
    out[i] = '\0';
    return out;
}

char *gc__describe(const struct gc_case *c, enum gc__req r, char *out, size_t cap)
{
    char method[24], target[GC__SHOW_MAX * 4 + 16], cert[48];
    const char *m = c->method ? c->method : "GET";
    size_t mlen = strlen(m);
    if (r == GC__REQ_FIRST && c->raw != NULL) {
        size_t n = raw_len(c), i = 0;
        while (i < n && c->raw[i] != ' ')
            i++;
        m = c->raw;
        mlen = i;
    }
    gc__escape(method, sizeof(method), m, mlen, 16);
    size_t tn;
    const char *t = request_target(c, r, &tn);
    if (t != NULL) {
        gc__escape(target, sizeof(target), t, tn, GC__SHOW_MAX);
    } else if (r == GC__REQ_FIRST && c->run_arg != NULL) {
        char arg[GC__SHOW_MAX * 4 + 4];
        gc__escape(arg, sizeof(arg), c->run_arg, gc__run_arg_len(c), GC__SHOW_MAX);
        snprintf(target, sizeof(target), "/run?arg=%s", arg);
    } else {
        snprintf(target, sizeof(target), "-");
    }
    const char *token = "";
    char tok[48] = "";
    if (r == GC__REQ_FIRST && c->token.header != NULL) {
        snprintf(tok, sizeof(tok), ", token %s", c->token.sign_alg ? c->token.sign_alg : "?");
        token = tok;
    }
    if (c->cert == GC_CERT_NONE)
        snprintf(out, cap, "%s%s %s without cert%s", r == GC__REQ_SECOND ? "second request " : "",
                 method, target, token);
    else
        snprintf(out, cap, "%s%s %s with cert %s%s", r == GC__REQ_SECOND ? "second request " : "",
                 method, target, gc__cert_name(c->cert, cert, sizeof(cert)), token);
    return out;
}

/* --- searching ---------------------------------------------------------------- */

const uint8_t *gc__find(const void *hay, size_t hn, const void *needle, size_t n)
{
    if (n == 0 || hay == NULL || hn < n)
        return NULL;
    return memmem(hay, hn, needle, n);
}

const char *gc__resp_find(const struct gc_obs_response *r, const void *needle, size_t n)
{
    if (gc__find(r->headers, r->headers ? r->headers_len : 0, needle, n))
        return "headers";
    if (gc__find(r->body, r->body ? r->body_len : 0, needle, n))
        return "body";
    return NULL;
}

int gc__request_contains(const struct gc_case *c, const void *needle, size_t n)
{
    const char *strs[] = {c->target, c->second_target};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (strs[i] && gc__find(strs[i], strlen(strs[i]), needle, n))
            return 1;
    }
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS; i++) {
        if (c->headers[i] && gc__find(c->headers[i], strlen(c->headers[i]), needle, n))
            return 1;
    }
    if (c->raw && gc__find(c->raw, raw_len(c), needle, n))
        return 1;
    return c->run_arg && gc__find(c->run_arg, gc__run_arg_len(c), needle, n);
}

/* --- paths ------------------------------------------------------------------- */

int gc__normalize_path(const char *in, char *out, size_t cap)
{
    int abs = in[0] == '/';
    size_t o = 0, ncomp = 0, nkept = 0; /* nkept: leading ".." of a relative path */
    if (cap < 2)
        return -1;
    if (abs)
        out[o++] = '/';
    size_t base = o;
    const char *s = in;
    while (*s != '\0') {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e != '\0' && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (len == 0 || (len == 1 && s[0] == '.')) {
            s = e;
            continue;
        }
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (ncomp > nkept) { /* pop the last real component */
                while (o > base && out[o - 1] != '/')
                    o--;
                if (o > base)
                    o--;
                ncomp--;
                s = e;
                continue;
            }
            if (abs) { /* ".." at the root stays at the root */
                s = e;
                continue;
            }
            nkept++;
        }
        size_t need = len + (o > base ? 1 : 0);
        if (o + need + 1 > cap)
            return -1;
        if (o > base)
            out[o++] = '/';
        memcpy(out + o, s, len);
        o += len;
        ncomp++;
        s = e;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return 0;
}

int gc__path_under(const char *path, const char *dir)
{
    char d[GC__PATH_BUF];
    if (dir == NULL || dir[0] == '\0' || gc__normalize_path(dir, d, sizeof(d)) != 0)
        return 0;
    size_t n = strlen(d);
    if (n == 1 && d[0] == '/')
        return path[0] == '/';
    return strncmp(path, d, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

char *gc__stable_path(const struct gc_judge_ctx *j, const char *path, char *out, size_t cap)
{
    char norm[GC__PATH_BUF], parent[GC__PATH_BUF], rest[GC__ROUTE_MAX * 4 + 4];
    if (j->helper_path && strcmp(path, j->helper_path) == 0) {
        snprintf(out, cap, "$HELPER");
        return out;
    }
    if (gc__normalize_path(path, norm, sizeof(norm)) != 0)
        return gc__escape(out, cap, path, strlen(path), GC__ROUTE_MAX);
    if (j->fixtures_dir && j->fixtures_dir[0] &&
        gc__normalize_path(j->fixtures_dir, parent, sizeof(parent)) == 0) {
        size_t n = strlen(parent);
        if (gc__path_under(norm, parent)) {
            const char *r = norm + (n == 1 ? 0 : n);
            snprintf(out, cap, "$FX%s",
                     gc__escape(rest, sizeof(rest), r, strlen(r), GC__ROUTE_MAX));
            return out;
        }
        char *slash = strrchr(parent, '/');
        if (slash != NULL && slash != parent) {
            *slash = '\0';
            n = strlen(parent);
            if (gc__path_under(norm, parent)) {
                const char *r = norm + n;
                snprintf(out, cap, "$FX/..%s",
                         gc__escape(rest, sizeof(rest), r, strlen(r), GC__ROUTE_MAX));
                return out;
            }
        }
    }
    return gc__escape(out, cap, norm, strlen(norm), GC__ROUTE_MAX);
}

/* --- small pure utilities ----------------------------------------------------- */

void gc__fingerprint(const void *p, size_t n, char out[GC__FP_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    memcpy(out, "sha256:", 7);
    if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 4) {
        memcpy(out + 7, "????????", 8);
    } else {
        for (size_t i = 0; i < 4; i++) {
            out[7 + 2 * i] = hex[md[i] >> 4];
            out[8 + 2 * i] = hex[md[i] & 0xf];
        }
    }
    out[GC__FP_LEN] = '\0';
}

int gc__hex_equals(const char *hex, size_t hn, const void *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *p = b;
    if (hn != 2 * n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (hex[2 * i] != digits[p[i] >> 4] || hex[2 * i + 1] != digits[p[i] & 0xf])
            return 0;
    }
    return 1;
}

const char *gc__signal_name(int sig, char out[16])
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {
        {SIGSEGV, "SIGSEGV"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
        {SIGILL, "SIGILL"},   {SIGKILL, "SIGKILL"}, {SIGTERM, "SIGTERM"}, {SIGTRAP, "SIGTRAP"},
        {SIGSYS, "SIGSYS"},   {SIGPIPE, "SIGPIPE"}, {SIGINT, "SIGINT"},   {SIGHUP, "SIGHUP"},
        {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].sig == sig) {
            snprintf(out, 16, "%s", names[i].name);
            return out;
        }
    }
    snprintf(out, 16, "SIG%d", sig);
    return out;
}
