/* harness/request.c: a case → the exact request bytes (RFC 9112 §3: request
 * line, header fields, empty line), its token, and the secrets the leak oracle
 * must look for. */
#include "util.h"
#include "build_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REQ_MAX (1024 * 1024) /* bytes of one built request */
#define REQ_MIN_SECRET 16     /* shorter signature segments are too common to flag */
#define REQ_HOST_FMT "localhost:%u"
#define REQ_HOST_MAX 32
#define REQ_RUN_PREFIX "/run?arg="

struct rbuf {
    uint8_t *p;
    size_t len, cap;
    int failed;
};

static void rb_put(struct rbuf *b, const void *data, size_t n)
{
    if (b->failed || n > REQ_MAX || b->len > REQ_MAX - n) {
        b->failed = 1;
        return;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 512;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void rb_str(struct rbuf *b, const char *s)
{
    rb_put(b, s, strlen(s));
}

/* RFC 3986 §2.3 unreserved characters pass; every other byte becomes %XX
 * (§2.1, upper-case hex), so the query value survives any byte. */
size_t gc_pct_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~';
        char enc[3] = {(char)c, 0, 0};
        size_t n = 1;
        if (!keep) {
            enc[0] = '%';
            enc[1] = HEX[c >> 4];
            enc[2] = HEX[c & 15];
            n = 3;
        }
        for (size_t k = 0; k < n; k++, o++)
            if (o + 1 < cap)
                out[o] = enc[k];
    }
    if (cap > 0)
        out[o < cap ? o : cap - 1] = '\0';
    return o;
}

/* Does one of the case's extra lines set header `name`? Then it replaces
 * the default one (Host variants, Connection: close). */
static int has_header(const struct gc_case *c, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS && c->headers[i]; i++)
        if (strncasecmp(c->headers[i], name, n) == 0 && c->headers[i][n] == ':')
            return 1;
    return 0;
}

/* RFC 9112 §3.2: the Host field every HTTP/1.1 request carries. */
static void add_host(struct rbuf *b, const char *host)
{
    rb_str(b, "Host: ");
    rb_str(b, host);
    rb_str(b, "\r\n");
}

/* The signature segment of a compact token, or of the "signature" member of
 * a JSON-serialized one: what a target that logs tokens would leak. */
static int signature_span(const char *tok, const char **s, size_t *n)
{
    if (tok[0] == '{') {
        static const char KEY[] = "\"signature\":\"";
        const char *p = strstr(tok, KEY);
        const char *e = p ? strchr(p + sizeof(KEY) - 1, '"') : NULL;
        if (e == NULL)
            return -1;
        *s = p + sizeof(KEY) - 1;
        *n = (size_t)(e - *s);
        return 0;
    }
    const char *d1 = strchr(tok, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (d2 == NULL)
        return -1;
    const char *end = strchr(d2 + 1, '.');
    *s = d2 + 1;
    *n = end ? (size_t)(end - *s) : strlen(*s);
    return 0;
}

static int add_token_secret(struct gc_built *out)
{
    const char *s;
    size_t n;
    if (out->token == NULL || signature_span(out->token, &s, &n) != 0 || n < REQ_MIN_SECRET)
        return 0;
    /* A constant run (psychic ECDSA's zeros) is not a secret anyone could leak. */
    size_t same = 1;
    while (same < n && s[same] == s[0])
        same++;
    if (same == n)
        return 0;
    if (out->n_secrets >= GC_BUILD_MAX_SECRETS)
        return 0;
    out->secrets[out->n_secrets] = strndup(s, n);
    if (out->secrets[out->n_secrets] == NULL)
        return -1;
    out->n_secrets++;
    return 0;
}

/* Placeholders in c->raw and c->headers: ${HOST}, ${TOKEN}, ${HMAC_SECRET_HEX}
 * and every token placeholder (case.h). Any other "${...}" is sent as is:
 * those bytes are literal by design (a "${jndi:...}" header is a case). */
struct req_vars {
    const struct gc_material *m;
    int64_t now;
    const char *ssrf_url;
    const char *host;     /* ${HOST} */
    const char *token;    /* ${TOKEN}: NULL when the case sends none */
    const char *hmac_hex; /* ${HMAC_SECRET_HEX}: the fixture secret (leak cases) */
    const char *run_arg;  /* the /run argument as sent (subst_run_arg) */
    size_t run_arg_len;
};

static const char *req_var(const struct req_vars *v, const char *name, size_t n,
                           char num[GC_PLACEHOLDER_NUM_MAX])
{
    const struct {
        const char *name;
        const char *value;
    } VARS[] = {{"HOST", v->host}, {"TOKEN", v->token}, {"HMAC_SECRET_HEX", v->hmac_hex}};
    for (size_t k = 0; k < sizeof(VARS) / sizeof(VARS[0]); k++)
        if (strlen(VARS[k].name) == n && memcmp(VARS[k].name, name, n) == 0)
            return VARS[k].value;
    const char *why;
    return gc__placeholder(v->m, name, n, v->now, v->ssrf_url, num, &why);
}

static void put_subst(struct rbuf *b, const void *data, size_t len, const struct req_vars *v)
{
    const char *p = data;
    size_t i = 0, from = 0;
    while (i + 1 < len) {
        const char *end =
            p[i] == '$' && p[i + 1] == '{' ? memchr(p + i + 2, '}', len - i - 2) : NULL;
        char num[GC_PLACEHOLDER_NUM_MAX];
        const char *val = end ? req_var(v, p + i + 2, (size_t)(end - p - i - 2), num) : NULL;
        if (val == NULL) {
            i++;
            continue;
        }
        rb_put(b, p + from, i - from);
        rb_str(b, val);
        i = (size_t)(end - p) + 1;
        from = i;
    }
    rb_put(b, p + from, len - from);
}

/* The /run argument as sent: c->run_arg with every ${EXEC_MARKER} replaced
 * by the run's marker path. Nothing else is substituted: "${IFS}" and the
 * token placeholders are the argument's own bytes. Unset marker: the
 * argument goes out unchanged. */
#define REQ_MARKER_VAR "${EXEC_MARKER}"
static int subst_run_arg(const struct gc_material *m, const struct gc_case *c, struct gc_built *out)
{
    static const char VAR[] = REQ_MARKER_VAR;
    const size_t vn = sizeof(VAR) - 1;
    const char *p = c->run_arg;
    size_t n = c->run_arg_len ? c->run_arg_len : strlen(c->run_arg);
    const char *val = m->exec_marker;
    struct rbuf b = {0};
    size_t i = 0, from = 0;
    while (val[0] != '\0' && i + vn <= n) {
        if (memcmp(p + i, VAR, vn) != 0) {
            i++;
            continue;
        }
        rb_put(&b, p + from, i - from);
        rb_str(&b, val);
        i += vn;
        from = i;
    }
    rb_put(&b, p + from, n - from);
    rb_put(&b, "", 1); /* NUL terminator, not counted */
    if (b.failed) {
        free(b.p);
        return -1;
    }
    out->run_arg = (char *)b.p;
    out->run_arg_len = b.len - 1;
    return 0;
}

static int build_first(struct rbuf *b, const struct gc_case *c, const struct req_vars *v, char *err,
                       size_t err_cap)
{
    const char *method = c->method ? c->method : "GET";
    rb_str(b, method);
    rb_str(b, " ");
    if (v->run_arg != NULL) {
        size_t n = v->run_arg_len;
        size_t need = gc_pct_encode((const uint8_t *)v->run_arg, n, NULL, 0);
        char *enc = need < REQ_MAX ? malloc(need + 1) : NULL;
        if (enc == NULL) {
            gc_errf(err, err_cap, "run_arg too long to encode");
            return -1;
        }
        gc_pct_encode((const uint8_t *)v->run_arg, n, enc, need + 1);
        rb_str(b, REQ_RUN_PREFIX);
        rb_put(b, enc, need);
        free(enc);
    } else if (c->target != NULL) {
        rb_str(b, c->target);
    } else {
        gc_errf(err, err_cap, "case has neither target, run_arg nor raw");
        return -1;
    }
    rb_str(b, " HTTP/1.1\r\n");
    if (!has_header(c, "Host"))
        add_host(b, v->host);
    if (v->token != NULL) {
        const char *scheme = c->token.scheme ? c->token.scheme : "Bearer";
        rb_str(b, "Authorization: ");
        rb_str(b, scheme);
        if (scheme[0] != '\0') /* "" = the token alone, no scheme */
            rb_str(b, " ");
        rb_str(b, v->token);
        rb_str(b, "\r\n");
    }
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS && c->headers[i]; i++) {
        put_subst(b, c->headers[i], strlen(c->headers[i]), v);
        rb_str(b, "\r\n");
    }
    if (!has_header(c, "Connection"))
        rb_str(b, "Connection: keep-alive\r\n");
    rb_str(b, "\r\n");
    return 0;
}

static int is_head(const uint8_t *req, size_t len)
{
    return len >= 5 && memcmp(req, "HEAD ", 5) == 0;
}

int gc_build_case(struct gc_material *m, const struct gc_case *c, int64_t now, uint16_t port,
                  const char *ssrf_url, struct gc_built *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (err && err_cap)
        err[0] = '\0';
    if (m == NULL || c == NULL) {
        gc_errf(err, err_cap, "no material or case");
        return -1;
    }
    if (c->action == GC_ACT_POSTURE)
        return 0; /* no request: the runner reads /proc */
    char host[REQ_HOST_MAX];
    snprintf(host, sizeof(host), REQ_HOST_FMT, (unsigned)port);
    if (c->token.header != NULL) {
        out->token = gc_build_token(m, &c->token, now, ssrf_url, err, err_cap);
        if (out->token == NULL)
            goto fail;
        if (add_token_secret(out) != 0) {
            gc_errf(err, err_cap, "out of memory");
            goto fail;
        }
    }
    if (c->run_arg != NULL && subst_run_arg(m, c, out) != 0) {
        gc_errf(err, err_cap, "run_arg: out of memory or over %d bytes", REQ_MAX);
        goto fail;
    }
    struct req_vars v = {.m = m,
                         .run_arg = out->run_arg,
                         .run_arg_len = out->run_arg_len,
                         .now = now,
                         .ssrf_url = ssrf_url,
                         .host = host,
                         .token = out->token,
                         .hmac_hex = m->secrets[GC_MAT_SECRET_HS_HEX]};
    struct rbuf b = {0};
    if (c->raw != NULL)
        put_subst(&b, c->raw, c->raw_len ? c->raw_len : strlen(c->raw), &v);
    else if (build_first(&b, c, &v, err, err_cap) != 0) {
        free(b.p);
        goto fail;
    }
    if (b.failed || b.len == 0) {
        free(b.p);
        gc_errf(err, err_cap, "request empty, over %d bytes or out of memory", REQ_MAX);
        goto fail;
    }
    out->req[0] = b.p;
    out->req_len[0] = b.len;
    out->head_request[0] = is_head(b.p, b.len);
    out->n_req = 1;
    if (c->action == GC_ACT_PIPELINE) {
        if (c->second_target == NULL) {
            gc_errf(err, err_cap, "pipelined case without second_target");
            goto fail;
        }
        /* Second request: bare GET, no credentials of its own (identity must
         * not carry over, CONTRACT.md §3). */
        struct rbuf s = {0};
        rb_str(&s, "GET ");
        rb_str(&s, c->second_target);
        rb_str(&s, " HTTP/1.1\r\n");
        add_host(&s, host);
        rb_str(&s, "Connection: keep-alive\r\n\r\n");
        if (s.failed) {
            free(s.p);
            gc_errf(err, err_cap, "second request: out of memory or too long");
            goto fail;
        }
        out->req[1] = s.p;
        out->req_len[1] = s.len;
        out->n_req = 2;
    }
    return 0;
fail:
    gc_built_free(out);
    return -1;
}

void gc_built_free(struct gc_built *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < 2; i++)
        free(b->req[i]);
    free(b->token);
    free(b->run_arg);
    for (size_t i = 0; i < b->n_secrets && i < GC_BUILD_MAX_SECRETS; i++)
        free(b->secrets[i]);
    memset(b, 0, sizeof(*b));
}
