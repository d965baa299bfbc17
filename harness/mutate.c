/* harness/mutate.c: network fuzzing operators and the models that decide
 * their ground truth (mutate.h, docs/NETFUZZ.md).
 *
 * The models restate the target contract (docs/CONTRACT.md) in the harness's
 * own words; they never call libgkcore. Where the contract leaves a choice
 * open (an empty path segment, a malformed forwarding header from the trusted
 * proxy, a token that names a jku), the model answers "unknown" and the case
 * is judged by the model-free oracles only. */
#include "util.h"
#include "mutate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "build.h" /* gc_pct_encode */

#define MUT_MAX_SEGS 512         /* path segments the model keeps */
#define MUT_PARAM_RANGE 256      /* random a/b/c are drawn below this */
#define MUT_SHORT_ARG 32         /* most random /run arguments are short */
#define MUT_MEDIUM_ARG 512
#define MUT_HEX_DIGITS "0123456789ABCDEF"
#define MUT_HEX_LOWER "0123456789abcdef"
#define MUT_LOOPBACK "127.0.0.1"
#define MUT_PROXY_ID "spiffe://gatecrash.test/proxy"

static const char *const KIND_NAMES[] = {
#define GC_MUT_NAME(e, name) name,
    GC_MUT_OP_LIST(GC_MUT_NAME)
#undef GC_MUT_NAME
};

const char *gc_mut_kind_name(enum gc_mut_kind k)
{
    return (unsigned)k < GC_MUT_KIND_COUNT ? KIND_NAMES[k] : "?";
}

const char *gc_mut_route_name(enum gc_mut_route r)
{
    static const char *const N[GC_ROUTE_COUNT] = {"other", "/public",   "/whoami", "/user",
                                                  "/admin", "/internal", "/files",  "/run"};
    return (unsigned)r < GC_ROUTE_COUNT ? N[r] : "other";
}

enum gc_mut_effect gc_mut_effect_of(enum gc_mut_kind k)
{
    switch (k) {
    case GC_MUT_FWD_NAME_CASE: /* RFC 9110 §5.1: field names are case-insensitive */
    case GC_MUT_FWD_ADD:       /* decided against the final certificate, see decide() */
        return GC_MUT_PRESERVE;
    case GC_MUT_JWT_URL: /* a jku/x5u the target must ignore: is the token then valid? open */
        return GC_MUT_UNKNOWN;
    case GC_MUT_FRAME:
        return GC_MUT_FORCE_DENY;
    default:
        return GC_MUT_MODEL;
    }
}

/* --- entries ------------------------------------------------------------------------- */

void gc_mut_entry_free(struct gc_mut_entry *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n_ops && i < GC_MUT_MAX_OPS; i++) {
        free(e->ops[i].bytes);
        e->ops[i].bytes = NULL;
    }
    e->n_ops = 0;
}

int gc_mut_entry_copy(struct gc_mut_entry *dst, const struct gc_mut_entry *src)
{
    memcpy(dst->base, src->base, sizeof(dst->base));
    dst->n_ops = 0;
    for (size_t i = 0; i < src->n_ops && i < GC_MUT_MAX_OPS; i++) {
        dst->ops[i] = src->ops[i];
        dst->ops[i].bytes = NULL;
        if (src->ops[i].bytes != NULL) {
            dst->ops[i].bytes = malloc(src->ops[i].len > 0 ? src->ops[i].len : 1);
            if (dst->ops[i].bytes == NULL) {
                gc_mut_entry_free(dst);
                return -1;
            }
            memcpy(dst->ops[i].bytes, src->ops[i].bytes, src->ops[i].len);
        }
        dst->n_ops = i + 1;
    }
    return 0;
}

void gc_mut_entry_drop(struct gc_mut_entry *e, size_t i)
{
    if (i >= e->n_ops)
        return;
    free(e->ops[i].bytes);
    memmove(&e->ops[i], &e->ops[i + 1], (e->n_ops - i - 1) * sizeof(e->ops[0]));
    e->n_ops--;
    memset(&e->ops[e->n_ops], 0, sizeof(e->ops[0]));
}

/* --- bases ------------------------------------------------------------------------------- */

int gc_mut_base_ok(const struct gc_case *c)
{
    if (c == NULL || c->action != GC_ACT_REQUEST || c->raw != NULL)
        return 0;
    if (c->method != NULL && strcmp(c->method, "GET") != 0)
        return 0;
    if (c->target == NULL && c->run_arg == NULL)
        return 0;
    switch (c->family) {
    case GC_FAM_CERT:
    case GC_FAM_JWT:
    case GC_FAM_FWD:
    case GC_FAM_PATH:
    case GC_FAM_RUN:
    case GC_FAM_ROUTE:
        return 1;
    default:
        return 0;
    }
}

const struct gc_case *gc_mut_find_base(const char *id)
{
    size_t n = 0;
    const struct gc_case *cat = gc_catalogue(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(cat[i].id, id) == 0)
            return &cat[i];
    return NULL;
}

/* --- the token model ---------------------------------------------------------------------- */

static const struct {
    const char *kid, *alg;
} KIDS[] = {{"rsa-1", "RS256"}, {"ec-1", "ES256"}, {"ed-1", "EdDSA"}, {"hs-1", "HS256"}};
#define N_KIDS (sizeof(KIDS) / sizeof(KIDS[0]))

/* Header alg variants; 0 = the kid's own. */
static const char *const ALGS[] = {NULL,    "none",  "None",  "NONE",  "nOnE", "HS256",
                                   "RS256", "ES256", "EdDSA", "PS256", "RS512", "HS512"};
#define N_ALGS (sizeof(ALGS) / sizeof(ALGS[0]))
#define N_KEYS 4 /* fixture, attacker, none, rsa-1 PEM as an HMAC secret */

static const char *const ISS_V[] = {"\"iss\":\"${ISS}\",", "\"iss\":\"https://evil.gatecrash.test\",",
                                    "", "\"iss\":\"${ISS}/\","};
static const char *const AUD_V[] = {"\"aud\":\"${AUD}\",", "\"aud\":\"gatecrash-target-x\",", "",
                                    "\"aud\":[\"other\",\"${AUD}\"],", "\"aud\":[\"other\"],"};
static const char *const EXP_V[] = {"\"exp\":${EXP},", "\"exp\":${PAST},", "",
                                    "\"exp\":${LEEWAY_EDGE_OK},", "\"exp\":${LEEWAY_EDGE_BAD},"};
static const char *const NBF_V[] = {"", "\"nbf\":${FUTURE},", "\"nbf\":${PAST},"};
static const char *const SUBS[] = {"carol@gatecrash.test", "dave@gatecrash.test",
                                   "spiffe://gatecrash.test/admin", "x"};
static const struct {
    const char *json;
    int admin;
} ROLES[] = {
    {"[]", 0},          {"[\"user\"]", 0},  {"[\"admin\"]", 1},  {"[\"user\",\"admin\"]", 1},
    {"[\"Admin\"]", 0}, {"[\"admin \"]", 0}, {"[\"ADMIN\"]", 0}, {"[\"admin\",\"admin\"]", 1},
};
#define NV(a) (sizeof(a) / sizeof((a)[0]))

static const char *tok_alg(const struct gc_mut_token *t)
{
    unsigned a = t->alg % N_ALGS;
    return a == 0 ? KIDS[t->kid % N_KIDS].alg : ALGS[a];
}

int gc_mut_token_valid(const struct gc_mut_token *t, const char **identity, int *admin)
{
    *identity = NULL;
    *admin = 0;
    if (t->url % 3 != 0)
        return -1; /* the contract says jku/x5u are never used; not whether they void the token */
    /* Contract §3.3: key by kid, alg from the key and equal to the header's,
     * iss equal, aud equal or containing, exp required, exp/nbf with leeway. */
    int ok = t->key % N_KEYS == 0 && strcmp(tok_alg(t), KIDS[t->kid % N_KIDS].alg) == 0 &&
             t->iss % NV(ISS_V) == 0 && (t->aud % NV(AUD_V) == 0 || t->aud % NV(AUD_V) == 3) &&
             (t->exp % NV(EXP_V) == 0 || t->exp % NV(EXP_V) == 3) && t->nbf % NV(NBF_V) != 1;
    if (!ok)
        return 0;
    *identity = SUBS[t->sub % NV(SUBS)];
    *admin = ROLES[t->roles % NV(ROLES)].admin;
    return 1;
}

/* --- the path model ------------------------------------------------------------------------- */

/* The regular files inside www/ (docs/CONTRACT.md §1); anything else is not served. */
static const char *const WWW_FILES[] = {"index.html", "hello.txt", "sub/dir/nested.txt"};
static const char *const ROUTE_PATHS[] = {"public", "whoami", "user", "admin", "internal", "run"};

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 3629 §4: strict UTF-8 (no overlong forms, surrogates, or > U+10FFFF). */
static int utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t need;
        uint8_t lo = 0x80, hi = 0xbf;
        if (b < 0x80) {
            i++;
            continue;
        }
        if (b >= 0xc2 && b <= 0xdf) {
            need = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            lo = b == 0xe0 ? 0xa0 : 0x80;
            hi = b == 0xed ? 0x9f : 0xbf;
        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            lo = b == 0xf0 ? 0x90 : 0x80;
            hi = b == 0xf4 ? 0x8f : 0xbf;
        } else {
            return 0;
        }
        if (n - i - 1 < need)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                return 0;
        i += need + 1;
    }
    return 1;
}

struct pseg {
    size_t off, len; /* into the decoded buffer */
};

/* One interpretation of empty segments: keep_empty 0 drops them (RFC 3986
 * §5.2.4 is silent; most servers collapse "//"), 1 keeps them as segments a
 * ".." can pop (then the file system collapses them). 1 allow, 0 deny,
 * -1 unknown; *file on allow. */
static int path_eval(const char *t, size_t len, int keep_empty, const char **file)
{
    *file = NULL;
    if (len == 0 || t[0] != '/')
        return 0;
    if (memchr(t, '?', len) != NULL || memchr(t, '#', len) != NULL)
        return -1;
    uint8_t *dec = malloc(len + 1);
    struct pseg *st = malloc(MUT_MAX_SEGS * sizeof(*st));
    if (dec == NULL || st == NULL) {
        free(dec);
        free(st);
        return -1;
    }
    int verdict = 0, trailing = 0;
    size_t w = 0, n = 0, i = 1;
    for (;;) {
        size_t start = w;
        while (i < len && t[i] != '/') {
            unsigned char b = (unsigned char)t[i];
            if (b == '%') {
                int h = i + 2 < len ? hexval((unsigned char)t[i + 1]) : -1;
                int l = i + 2 < len ? hexval((unsigned char)t[i + 2]) : -1;
                if (h < 0 || l < 0)
                    goto out; /* a bad escape: 400 */
                b = (unsigned char)(h << 4 | l);
                /* Contract §4 /files: an encoded '/', '\' or NUL is refused. */
                if (b == '/' || b == '\\' || b == 0)
                    goto out;
                i += 3;
            } else {
                if (b == '\\')
                    goto out; /* raw backslash refused */
                i++;
            }
            if (b < 0x20 || b == 0x7f)
                goto out; /* control bytes refused */
            dec[w++] = b;
        }
        size_t sl = w - start;
        if (!utf8_ok(dec + start, sl))
            goto out; /* invalid UTF-8 (overlong forms included) refused */
        int last = i >= len;
        trailing = 0;
        if (sl == 0) {
            if (last)
                trailing = 1;
            else if (keep_empty && n < MUT_MAX_SEGS)
                st[n++] = (struct pseg){start, 0};
            w = start;
        } else if (sl == 1 && dec[start] == '.') {
            trailing = last;
            w = start;
        } else if (sl == 2 && dec[start] == '.' && dec[start + 1] == '.') {
            if (n == 0)
                goto out; /* climbs above the root */
            n--;
            trailing = last;
            w = start;
        } else {
            if (n >= MUT_MAX_SEGS) {
                verdict = -1;
                goto out;
            }
            st[n++] = (struct pseg){start, sl};
        }
        if (last)
            break;
        i++;
    }
    /* Join the non-empty segments. */
    char joined[GC_MUT_MAX_TARGET + 1];
    size_t jl = 0, first = 0;
    while (first < n && st[first].len == 0)
        first++;
    if (trailing) /* names a directory (or a file used as one): not a regular file */
        goto out;
    if (first >= n)
        goto out;
    size_t k0 = first;
    int in_files = st[k0].len == 5 && memcmp(dec + st[k0].off, "files", 5) == 0;
    for (size_t k = in_files ? k0 + 1 : k0; k < n; k++) {
        if (st[k].len == 0)
            continue;
        if (jl + st[k].len + 1 > GC_MUT_MAX_TARGET) {
            verdict = -1;
            goto out;
        }
        if (jl > 0)
            joined[jl++] = '/';
        memcpy(joined + jl, dec + st[k].off, st[k].len);
        jl += st[k].len;
    }
    joined[jl] = '\0';
    if (!in_files) {
        /* Normalized out of /files: another route answers (unknown here), or none (404). */
        for (size_t r = 0; r < NV(ROUTE_PATHS); r++)
            if (strcmp(joined, ROUTE_PATHS[r]) == 0)
                verdict = -1;
        goto out;
    }
    for (size_t f = 0; f < NV(WWW_FILES); f++)
        if (strlen(WWW_FILES[f]) == jl && memcmp(joined, WWW_FILES[f], jl) == 0) {
            *file = WWW_FILES[f];
            verdict = 1;
        }
out:
    free(dec);
    free(st);
    return verdict;
}

int gc_mut_path_model(const char *target, size_t len, const char **file)
{
    const char *f1 = NULL, *f2 = NULL;
    int a = path_eval(target, len, 0, &f1);
    int b = path_eval(target, len, 1, &f2);
    *file = NULL;
    if (a < 0 || b < 0)
        return -1;
    if (a == 0 && b == 0)
        return 0;
    if (a == 1 && b == 1 && f1 == f2) {
        *file = f1;
        return 1;
    }
    return -1; /* the interpretations disagree: the contract does not decide */
}

/* --- a growable string ---------------------------------------------------------------------- */

struct str {
    char *p;
    size_t len, cap;
    int failed;
};

static void s_put(struct str *s, const void *d, size_t n)
{
    if (s->failed)
        return;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 128;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *p = realloc(s->p, cap);
        if (p == NULL) {
            s->failed = 1;
            return;
        }
        s->p = p;
        s->cap = cap;
    }
    if (n > 0)
        memcpy(s->p + s->len, d, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void s_str(struct str *s, const char *z)
{
    s_put(s, z, strlen(z));
}

static char *s_take(struct str *s)
{
    if (s->failed) {
        free(s->p);
        return NULL;
    }
    if (s->p == NULL)
        return strdup("");
    return s->p;
}

/* --- materializing ------------------------------------------------------------------------- */

#define N_FRAMES 9
#define N_FWD_HEADERS 4
#define N_DOTDOT_NAMES 4
#define N_SEPS 6
#define N_OVERLONG 3

static const char *const DOTDOT_NAMES[N_DOTDOT_NAMES] = {"x", "nosuch", "sub", "escape"};
static const char *const SEPS[N_SEPS] = {"%2f", "%2F", "%5c", "%5C", "\\", "%00"};

struct state {
    enum gc_cert_kind cert;
    int base_token;          /* the base's catalogue token is still sent */
    int tok_set;             /* a structured token replaces it */
    struct gc_mut_token tok;
    char *target;            /* owned; NULL for /run bases */
    uint8_t *run_arg;        /* owned */
    size_t run_len;
    int has_run;
    char *headers[GC_CASE_MAX_HEADERS];
    size_t n_headers;
    int frame;               /* -1 none */
    int any_model, any_unknown, fwd_added;
};

static void state_free(struct state *s)
{
    free(s->target);
    free(s->run_arg);
    for (size_t i = 0; i < s->n_headers; i++)
        free(s->headers[i]);
    memset(s, 0, sizeof(*s));
}

/* A forwarding header the contract gives meaning to (§3.2). */
static int is_fwd_name(const char *h, size_t n)
{
    static const char *const N[] = {"X-Forwarded-Client-Cert", "X-Forwarded-For", "Forwarded"};
    for (size_t i = 0; i < NV(N); i++)
        if (strlen(N[i]) == n && strncasecmp(h, N[i], n) == 0)
            return 1;
    return 0;
}

static size_t name_len(const char *h)
{
    const char *colon = strchr(h, ':');
    return colon != NULL ? (size_t)(colon - h) : 0;
}

static int state_has_fwd(const struct state *s)
{
    for (size_t i = 0; i < s->n_headers; i++)
        if (is_fwd_name(s->headers[i], name_len(s->headers[i])))
            return 1;
    return 0;
}

/* The k-th raw segment after "/files/" (k taken modulo their count). */
static int files_seg(const char *t, uint32_t k, size_t *start, size_t *end)
{
    static const char PFX[] = "/files/";
    if (t == NULL || strncmp(t, PFX, sizeof(PFX) - 1) != 0)
        return -1;
    size_t base = sizeof(PFX) - 1, len = strlen(t), count = 1;
    for (size_t i = base; i < len; i++)
        count += t[i] == '/';
    size_t want = k % count, seen = 0, s = base;
    for (size_t i = base; i <= len; i++) {
        if (i < len && t[i] != '/')
            continue;
        if (seen == want) {
            *start = s;
            *end = i;
            return 0;
        }
        seen++;
        s = i + 1;
    }
    return -1;
}

/* Replace t[at, at+cut) with ins: new owned string, or NULL (too long or OOM). */
static char *splice(const char *t, size_t at, size_t cut, const char *ins)
{
    size_t len = strlen(t), il = strlen(ins);
    if (len - cut + il > GC_MUT_MAX_TARGET)
        return NULL;
    struct str s = {0};
    s_put(&s, t, at);
    s_put(&s, ins, il);
    s_str(&s, t + at + cut);
    return s_take(&s);
}

/* Inside a %XX escape (at its '%' or one of its digits)? */
static int in_escape(const char *t, size_t at, size_t seg_start)
{
    for (size_t k = 0; k < 3 && at >= seg_start + k; k++)
        if (t[at - k] == '%')
            return 1;
    return 0;
}

static int apply_path(struct state *s, const struct gc_mut_op *op)
{
    size_t a, z;
    if (files_seg(s->target, op->a, &a, &z) != 0)
        return 0;
    size_t sl = z - a;
    char ins[32];
    char *nt = NULL;
    switch (op->kind) {
    case GC_MUT_PATH_PCT: {
        if (sl == 0)
            return 0;
        size_t at = a + op->b % sl;
        if (in_escape(s->target, at, a))
            return 0;
        const char *hx = op->c & 1 ? MUT_HEX_DIGITS : MUT_HEX_LOWER;
        unsigned char ch = (unsigned char)s->target[at];
        snprintf(ins, sizeof(ins), "%%%c%c", hx[ch >> 4], hx[ch & 15]);
        nt = splice(s->target, at, 1, ins);
        break;
    }
    case GC_MUT_PATH_DOUBLE: {
        if (sl == 0)
            return 0;
        size_t at = a + op->b % sl;
        if (in_escape(s->target, at, a))
            return 0;
        unsigned char ch = (unsigned char)s->target[at];
        snprintf(ins, sizeof(ins), "%%25%c%c", MUT_HEX_DIGITS[ch >> 4], MUT_HEX_DIGITS[ch & 15]);
        nt = splice(s->target, at, 1, ins);
        break;
    }
    case GC_MUT_PATH_DOT:
        nt = splice(s->target, a, 0, "./");
        break;
    case GC_MUT_PATH_DOTDOT:
        snprintf(ins, sizeof(ins), "%s/../", DOTDOT_NAMES[op->b % N_DOTDOT_NAMES]);
        nt = splice(s->target, a, 0, ins);
        break;
    case GC_MUT_PATH_UP: {
        static const char *const UP[] = {"../", "../../", "../../../"};
        nt = splice(s->target, a, 0, UP[op->b % NV(UP)]);
        break;
    }
    case GC_MUT_PATH_SEP: {
        size_t at = a + op->b % (sl + 1);
        if (at < z && in_escape(s->target, at, a) && s->target[at] != '%')
            return 0;
        nt = splice(s->target, at, 0, SEPS[op->c % N_SEPS]);
        break;
    }
    case GC_MUT_PATH_OVERLONG: {
        unsigned form = op->c % N_OVERLONG;
        if (form == 2) { /* an overlong '/' (C0 AF) inserted */
            size_t at = a + op->b % (sl + 1);
            if (at < z && in_escape(s->target, at, a) && s->target[at] != '%')
                return 0;
            nt = splice(s->target, at, 0, "%c0%af");
            break;
        }
        size_t dots = 0;
        for (size_t i = a; i < z; i++)
            dots += s->target[i] == '.';
        if (dots == 0)
            return 0;
        size_t want = op->b % dots, seen = 0, at = a;
        for (size_t i = a; i < z; i++)
            if (s->target[i] == '.' && seen++ == want) {
                at = i;
                break;
            }
        nt = splice(s->target, at, 1, form == 0 ? "%c0%ae" : "%e0%80%ae");
        break;
    }
    case GC_MUT_PATH_CASE: {
        if (sl == 0)
            return 0;
        size_t at = a + op->b % sl;
        char ch = s->target[at];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
            return 0;
        nt = strdup(s->target);
        if (nt != NULL)
            nt[at] = (char)(ch ^ 0x20);
        break;
    }
    default:
        return 0;
    }
    if (nt == NULL)
        return 0;
    free(s->target);
    s->target = nt;
    return 1;
}

/* A forwarding header in a grammar variant (RFC 7239 §4, Envoy XFCC): bits of
 * g quote, duplicate elements, add whitespace, swap separators, change key
 * case, add a trailing separator, pad the value. */
static char *fwd_value(unsigned which, unsigned g)
{
    static const char *const BASE[N_FWD_HEADERS] = {
        "By=" MUT_PROXY_ID ";Hash=3f2a9c1d;URI=spiffe://gatecrash.test/admin", "10.99.0.1",
        "for=10.99.0.1;proto=https", "URI=spiffe://gatecrash.test/user/alice"};
    const char *v = BASE[which];
    struct str s = {0};
    for (const char *p = v; *p != '\0'; p++) {
        char ch = *p;
        if ((g & 8) && ch == ';') {
            s_str(&s, ",");
            continue;
        }
        if ((g & 4) && (ch == ';' || ch == ','))
            s_str(&s, " ");
        if ((g & 16) && (strncmp(p, "URI=", 4) == 0 || strncmp(p, "for=", 4) == 0)) {
            s_str(&s, p[0] == 'U' ? "uri=" : "FOR=");
            p += 3;
            if (g & 1)
                s_str(&s, "\"");
            continue;
        }
        s_put(&s, &ch, 1);
        if ((g & 4) && (ch == ';' || ch == ','))
            s_str(&s, " ");
        if ((g & 1) && ch == '=' && p >= v + 3 &&
            (strncmp(p - 3, "URI", 3) == 0 || strncmp(p - 3, "for", 3) == 0))
            s_str(&s, "\"");
    }
    if (g & 1)
        s_str(&s, "\"");
    if (g & 2)
        s_str(&s, which == 1 ? ", 1.2.3.4" : ",URI=spiffe://gatecrash.test/admin");
    if (g & 64)
        s_str(&s, ";");
    char *body = s_take(&s);
    if (body == NULL || !(g & 128))
        return body;
    struct str t = {0};
    s_str(&t, " \t");
    s_str(&t, body);
    s_str(&t, "\t ");
    free(body);
    return s_take(&t);
}

static void recase(char *name, size_t n, unsigned how)
{
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        int letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (!letter)
            continue;
        int upper = how == 1 ? 1 : how == 0 ? 0 : (int)(i & 1);
        name[i] = upper ? (char)(ch & ~0x20) : (char)(ch | 0x20);
    }
}

static int add_header(struct state *s, char *h)
{
    if (h == NULL || s->n_headers >= GC_CASE_MAX_HEADERS) {
        free(h);
        return 0;
    }
    s->headers[s->n_headers++] = h;
    return 1;
}

static int apply_fwd_add(struct state *s, const struct gc_mut_op *op)
{
    static const char *const NAMES[N_FWD_HEADERS] = {"X-Forwarded-Client-Cert", "X-Forwarded-For",
                                                     "Forwarded", "X-Forwarded-Client-Cert"};
    unsigned which = op->a % N_FWD_HEADERS, g = op->b % MUT_PARAM_RANGE;
    char *v = fwd_value(which, g);
    if (v == NULL)
        return 0;
    size_t times = (g & 32) ? 2 : 1, added = 0;
    for (size_t k = 0; k < times; k++) {
        struct str h = {0};
        s_str(&h, NAMES[which]);
        s_str(&h, ": ");
        s_str(&h, v);
        char *line = s_take(&h);
        if (line != NULL && op->c % 4 != 0)
            recase(line, strlen(NAMES[which]), op->c % 4 - 1);
        added += (size_t)add_header(s, line);
    }
    free(v);
    return added > 0;
}

static int apply_op(struct state *s, const struct gc_mut_op *op)
{
    switch (op->kind) {
    case GC_MUT_CERT_SWAP:
        s->cert = (enum gc_cert_kind)(op->a % GC_CERT_COUNT);
        return 1;
    case GC_MUT_JWT_SET:
        memset(&s->tok, 0, sizeof(s->tok));
        s->tok.kid = op->a % N_KIDS;
        s->tok.sub = op->b % NV(SUBS);
        s->tok.roles = op->c % NV(ROLES);
        s->tok_set = 1;
        return 1;
    case GC_MUT_JWT_CLAIM:
    case GC_MUT_JWT_KEY:
    case GC_MUT_JWT_ALG:
    case GC_MUT_JWT_URL:
        if (!s->tok_set) { /* a fixture-signed token to mutate: kid rsa-1, carol, ["user"] */
            memset(&s->tok, 0, sizeof(s->tok));
            s->tok.roles = 1;
            s->tok_set = 1;
        }
        if (op->kind == GC_MUT_JWT_KEY)
            s->tok.key = op->a % N_KEYS;
        else if (op->kind == GC_MUT_JWT_ALG)
            s->tok.alg = op->a % N_ALGS;
        else if (op->kind == GC_MUT_JWT_URL)
            s->tok.url = 1 + op->a % 2;
        else {
            unsigned v = op->b;
            switch (op->a % 6) {
            case 0: s->tok.iss = v % NV(ISS_V); break;
            case 1: s->tok.aud = v % NV(AUD_V); break;
            case 2: s->tok.exp = v % NV(EXP_V); break;
            case 3: s->tok.nbf = v % NV(NBF_V); break;
            case 4: s->tok.sub = v % NV(SUBS); break;
            default: s->tok.roles = v % NV(ROLES); break;
            }
        }
        return 1;
    case GC_MUT_FWD_ADD:
        if (!apply_fwd_add(s, op))
            return 0;
        s->fwd_added = 1;
        return 1;
    case GC_MUT_FWD_NAME_CASE: {
        int any = 0;
        for (size_t i = 0; i < s->n_headers; i++) {
            size_t n = name_len(s->headers[i]);
            if (is_fwd_name(s->headers[i], n)) {
                recase(s->headers[i], n, op->a % 3);
                any = 1;
            }
        }
        return any;
    }
    case GC_MUT_RUN_ARG:
        if (!s->has_run || op->len > GC_MUT_MAX_BYTES)
            return 0;
        free(s->run_arg);
        s->run_arg = malloc(op->len > 0 ? op->len : 1);
        if (s->run_arg == NULL)
            return 0;
        if (op->len > 0)
            memcpy(s->run_arg, op->bytes, op->len);
        s->run_len = op->len;
        return 1;
    case GC_MUT_FRAME:
        s->frame = (int)(op->a % N_FRAMES);
        return 1;
    default:
        return apply_path(s, op);
    }
}

/* The harness's model of contract §3-§4 for a GET it can classify. 0 with
 * *e set, or -1 unknown. */
static int model(const struct state *s, struct gc_mut_case *mc, struct gc_expect *e)
{
    memset(e, 0, sizeof(*e));
    if (s->base_token && !s->tok_set)
        return -1; /* a catalogue token the model does not describe */
    if (s->cert == GC_CERT_PROXY && state_has_fwd(s))
        return -1; /* trusted proxy + forwarding headers: outside the small model */
    const char *identity = NULL, *source = "none";
    int admin = 0;
    if (s->tok_set) {
        int v = gc_mut_token_valid(&s->tok, &identity, &admin);
        if (v < 0)
            return -1;
        if (v == 1)
            source = "jwt";
    } else {
        const struct gc_cert_truth *ct = gc_cert_truth(s->cert);
        if (ct != NULL && ct->valid) {
            identity = ct->identity;
            admin = ct->admin;
            source = "cert";
        }
    }
    struct gc_expect allow = {.kind = GC_EXPECT_ALLOW, .identity = identity, .source = source,
                              .client_addr = MUT_LOOPBACK, .admin = admin ? GC_ADMIN_YES : GC_ADMIN_NO};
    struct gc_expect deny = {.kind = GC_EXPECT_DENY};
    if (s->has_run) {
        mc->route = GC_ROUTE_RUN;
        if (identity == NULL) {
            *e = deny;
            return 0;
        }
        /* Contract §4 /run: NUL or more than 4096 decoded bytes → 400. */
        int bad = s->run_len > GC_MUT_RUN_MAX_ARG || (s->run_len > 0 && memchr(s->run_arg, 0, s->run_len));
        if (bad) {
            *e = (struct gc_expect){.kind = GC_EXPECT_STATUS, .status = 400};
            return 0;
        }
        *e = allow;
        return 0;
    }
    const char *t = s->target;
    static const struct {
        const char *path;
        enum gc_mut_route r;
    } R[] = {{"/public", GC_ROUTE_PUBLIC}, {"/whoami", GC_ROUTE_WHOAMI}, {"/user", GC_ROUTE_USER},
             {"/admin", GC_ROUTE_ADMIN},   {"/internal", GC_ROUTE_INTERNAL}};
    for (size_t i = 0; i < NV(R); i++) {
        if (strcmp(t, R[i].path) != 0)
            continue;
        mc->route = R[i].r;
        switch (R[i].r) {
        case GC_ROUTE_PUBLIC:
            *e = (struct gc_expect){.kind = GC_EXPECT_ALLOW};
            return 0;
        case GC_ROUTE_WHOAMI:
            *e = allow;
            return 0;
        case GC_ROUTE_USER:
            *e = identity != NULL ? allow : (struct gc_expect){.kind = GC_EXPECT_STATUS, .status = 401};
            return 0;
        case GC_ROUTE_ADMIN:
            if (identity == NULL)
                *e = (struct gc_expect){.kind = GC_EXPECT_STATUS, .status = 401};
            else
                *e = admin ? allow : (struct gc_expect){.kind = GC_EXPECT_STATUS, .status = 403};
            return 0;
        default: /* /internal from 127.0.0.1: not an internal network */
            *e = deny;
            return 0;
        }
    }
    if (strncmp(t, "/files/", 7) != 0)
        return -1;
    mc->route = GC_ROUTE_FILES;
    const char *file = NULL;
    int p = gc_mut_path_model(t, strlen(t), &file);
    if (p < 0)
        return -1; /* e.g. normalized onto another route: /public answers anyone */
    if (identity == NULL || p == 0) {
        *e = deny;
        return 0;
    }
    mc->expect_file = file;
    *e = allow;
    return 0;
}

static void classify_route(const struct state *s, struct gc_mut_case *mc)
{
    if (s->has_run) {
        mc->route = GC_ROUTE_RUN;
        return;
    }
    const char *t = s->target;
    mc->route = strncmp(t, "/files/", 7) == 0 ? GC_ROUTE_FILES
                : strcmp(t, "/public") == 0   ? GC_ROUTE_PUBLIC
                : strcmp(t, "/whoami") == 0   ? GC_ROUTE_WHOAMI
                : strcmp(t, "/user") == 0     ? GC_ROUTE_USER
                : strcmp(t, "/admin") == 0    ? GC_ROUTE_ADMIN
                : strcmp(t, "/internal") == 0 ? GC_ROUTE_INTERNAL
                                              : GC_ROUTE_OTHER;
}

static char *token_header(const struct gc_mut_token *t)
{
    struct str s = {0};
    s_str(&s, "{\"alg\":\"");
    s_str(&s, tok_alg(t));
    s_str(&s, "\",\"typ\":\"JWT\",\"kid\":\"");
    s_str(&s, KIDS[t->kid % N_KIDS].kid);
    s_str(&s, "\"");
    if (t->url % 3 == 1)
        s_str(&s, ",\"jku\":\"${SSRF_URL}\"");
    else if (t->url % 3 == 2)
        s_str(&s, ",\"x5u\":\"${SSRF_URL}\"");
    s_str(&s, "}");
    return s_take(&s);
}

static char *token_payload(const struct gc_mut_token *t)
{
    struct str s = {0};
    s_str(&s, "{");
    s_str(&s, ISS_V[t->iss % NV(ISS_V)]);
    s_str(&s, AUD_V[t->aud % NV(AUD_V)]);
    s_str(&s, "\"sub\":\"");
    s_str(&s, SUBS[t->sub % NV(SUBS)]);
    s_str(&s, "\",\"iat\":${NOW},");
    s_str(&s, EXP_V[t->exp % NV(EXP_V)]);
    s_str(&s, NBF_V[t->nbf % NV(NBF_V)]);
    s_str(&s, "\"roles\":");
    s_str(&s, ROLES[t->roles % NV(ROLES)].json);
    s_str(&s, ",\"jti\":\"gatecrash-fuzz\"}");
    return s_take(&s);
}

static void token_recipe(const struct gc_mut_token *t, struct gc_token_recipe *r)
{
    switch (t->key % N_KEYS) {
    case 0:
        r->sign_alg = KIDS[t->kid % N_KIDS].alg;
        r->key = GC_KEY_FIXTURE;
        break;
    case 1:
        r->sign_alg = KIDS[t->kid % N_KIDS].alg;
        r->key = GC_KEY_ATTACKER;
        break;
    case 2:
        r->sign_alg = "none";
        r->key = GC_KEY_NONE;
        break;
    default: /* RFC 8725 §2.1: the RSA public key file as an HMAC secret */
        r->sign_alg = "HS256";
        r->key = GC_KEY_RSA_PUB_PEM_AS_HMAC;
        break;
    }
    r->mutation = GC_TOKMUT_NONE;
    r->scheme = NULL;
}

/* The request-target as sent: a /run argument percent-encoded (build.h). */
static char *full_target(const struct state *s)
{
    if (!s->has_run)
        return strdup(s->target);
    size_t need = gc_pct_encode(s->run_arg, s->run_len, NULL, 0);
    char *enc = malloc(need + 1);
    if (enc == NULL)
        return NULL;
    gc_pct_encode(s->run_arg, s->run_len, enc, need + 1);
    struct str o = {0};
    s_str(&o, "/run?arg=");
    s_put(&o, enc, need);
    free(enc);
    return s_take(&o);
}

/* RFC 9112 framing variants that every target must refuse (4xx). */
static char *framed(const struct state *s, int has_token, const char *scheme)
{
    char *t = full_target(s);
    if (t == NULL)
        return NULL;
    struct str o = {0};
    switch (s->frame) {
    case 0: /* RFC 9110 §9.1: methods are case-sensitive */
        s_str(&o, "get ");
        s_str(&o, t);
        s_str(&o, " HTTP/1.1\r\n");
        break;
    case 1: /* RFC 9112 §3: exactly one SP */
        s_str(&o, "GET  ");
        s_str(&o, t);
        s_str(&o, " HTTP/1.1\r\n");
        break;
    case 2: /* absolute-form: the catalogue's route.form.absolute says 400 */
        s_str(&o, "GET https://${HOST}");
        s_str(&o, t);
        s_str(&o, " HTTP/1.1\r\n");
        break;
    case 8: /* RFC 9112 §2.3 */
        s_str(&o, "GET ");
        s_str(&o, t);
        s_str(&o, " HTTP/1.7\r\n");
        break;
    default:
        s_str(&o, "GET ");
        s_str(&o, t);
        s_str(&o, " HTTP/1.1\r\n");
        break;
    }
    s_str(&o, "Host: ${HOST}\r\n");
    if (s->frame == 3) /* RFC 9112 §3.2: two Host fields */
        s_str(&o, "Host: evil.example\r\n");
    if (has_token) {
        s_str(&o, "Authorization: ");
        s_str(&o, scheme != NULL ? scheme : "Bearer");
        if (scheme == NULL || scheme[0] != '\0')
            s_str(&o, " ");
        s_str(&o, "${TOKEN}\r\n");
    }
    for (size_t i = 0; i < s->n_headers; i++) {
        s_str(&o, s->headers[i]);
        s_str(&o, "\r\n");
    }
    if (s->frame == 4) /* RFC 9112 §5.2: obs-fold */
        s_str(&o, "X-Folded: a\r\n b\r\n");
    if (s->frame == 6) /* RFC 9112 §5.1: no whitespace before the colon */
        s_str(&o, "X-Gap : 1\r\n");
    if (s->frame == 5) /* RFC 9112 §6.3: CL and TE together */
        s_str(&o, "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    else if (s->frame == 7)
        s_str(&o, "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    else
        s_str(&o, "\r\n");
    free(t);
    return s_take(&o);
}

void gc_mut_case_free(struct gc_mut_case *mc)
{
    if (mc == NULL)
        return;
    free(mc->target);
    free(mc->raw);
    free(mc->tok_header);
    free(mc->tok_payload);
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS; i++)
        free(mc->headers[i]);
    free(mc->run_arg);
    memset(mc, 0, sizeof(*mc));
}

int gc_mut_materialize(const struct gc_mut_entry *e, const struct gc_case *base, const char *id,
                       struct gc_mut_case *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    if (base == NULL)
        base = gc_mut_find_base(e->base);
    if (base == NULL || !gc_mut_base_ok(base)) {
        gc_errf(err, err_cap, "base case %s: not in the catalogue or not a plain GET", e->base);
        return -1;
    }
    struct state s = {.cert = base->cert, .frame = -1, .base_token = base->token.header != NULL};
    if (base->run_arg != NULL) {
        s.has_run = 1;
        s.run_len = base->run_arg_len ? base->run_arg_len : strlen(base->run_arg);
        s.run_arg = malloc(s.run_len > 0 ? s.run_len : 1);
        if (s.run_arg != NULL && s.run_len > 0)
            memcpy(s.run_arg, base->run_arg, s.run_len);
    } else {
        s.target = strdup(base->target);
    }
    int oom = s.has_run ? s.run_arg == NULL : s.target == NULL;
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS && base->headers[i] != NULL && !oom; i++) {
        s.headers[s.n_headers] = strdup(base->headers[i]);
        oom = s.headers[s.n_headers++] == NULL;
    }
    if (oom) {
        state_free(&s);
        gc_errf(err, err_cap, "out of memory");
        return -1;
    }
    int force_deny = 0;
    for (size_t i = 0; i < e->n_ops && i < GC_MUT_MAX_OPS; i++) {
        if (!apply_op(&s, &e->ops[i]))
            continue; /* did not apply to this state: no effect */
        switch (gc_mut_effect_of(e->ops[i].kind)) {
        case GC_MUT_MODEL:
            s.any_model = 1;
            break;
        case GC_MUT_UNKNOWN:
            s.any_unknown = 1;
            break;
        case GC_MUT_FORCE_DENY:
            force_deny = 1;
            break;
        default:
            break;
        }
    }
    /* Decide the ground truth. */
    struct gc_expect ex = base->expect;
    out->truth = GC_MUT_TRUTH_EXACT;
    classify_route(&s, out);
    if (force_deny) {
        ex = (struct gc_expect){.kind = GC_EXPECT_DENY};
    } else if (s.any_unknown) {
        out->truth = GC_MUT_TRUTH_UNKNOWN;
    } else if (s.any_model) {
        if (model(&s, out, &ex) != 0)
            out->truth = GC_MUT_TRUTH_UNKNOWN;
    } else if (s.fwd_added && s.cert == GC_CERT_PROXY) {
        /* Contract §3.2: from the trusted proxy, a grammar variant may be
         * honoured or refused with 400; the small model does not say which. */
        out->truth = GC_MUT_TRUTH_UNKNOWN;
    }
    if (out->truth == GC_MUT_TRUTH_UNKNOWN)
        ex = (struct gc_expect){.kind = GC_EXPECT_DENY};

    /* The case. */
    struct gc_case *c = &out->c;
    snprintf(out->id, sizeof(out->id), "%s", id != NULL ? id : "");
    if (id == NULL)
        snprintf(out->id, sizeof(out->id), "fuzz.%s", base->id);
    snprintf(out->title, sizeof(out->title), "%s + %zu mutation%s", base->id, e->n_ops,
             e->n_ops == 1 ? "" : "s");
    c->id = out->id;
    c->title = out->title;
    c->family = base->family;
    c->refs = out->truth == GC_MUT_TRUTH_UNKNOWN ? GC_MUT_REFS_UNKNOWN : GC_MUT_REFS_EXACT;
    c->cert = s.cert;
    c->action = GC_ACT_REQUEST;
    c->contract_part = base->contract_part;
    c->expect = ex;
    if (s.tok_set) {
        out->tok_header = token_header(&s.tok);
        out->tok_payload = token_payload(&s.tok);
        if (out->tok_header == NULL || out->tok_payload == NULL)
            goto oom;
        token_recipe(&s.tok, &c->token);
        c->token.header = out->tok_header;
        c->token.payload = out->tok_payload;
    } else {
        c->token = base->token;
    }
    if (s.frame >= 0) {
        out->raw = framed(&s, c->token.header != NULL, c->token.scheme);
        if (out->raw == NULL)
            goto oom;
        c->raw = out->raw;
        /* run_arg stays known to unsafe-exec (a 2xx /run must still echo it exactly) */
    }
    if (s.has_run) {
        out->run_arg = s.run_arg;
        s.run_arg = NULL;
        c->run_arg = (const char *)out->run_arg;
        c->run_arg_len = s.run_len;
        /* run_arg_len 0 means strlen: an empty argument is "" */
        if (s.run_len == 0) {
            free(out->run_arg);
            out->run_arg = (uint8_t *)strdup("");
            if (out->run_arg == NULL)
                goto oom;
            c->run_arg = (const char *)out->run_arg;
        }
    } else {
        out->target = s.target;
        s.target = NULL;
        c->target = out->target;
    }
    for (size_t i = 0; i < s.n_headers; i++) {
        out->headers[i] = s.headers[i];
        s.headers[i] = NULL;
        c->headers[i] = out->headers[i];
    }
    s.n_headers = 0;
    state_free(&s);
    return 0;
oom:
    state_free(&s);
    gc_mut_case_free(out);
    gc_errf(err, err_cap, "out of memory");
    return -1;
}

/* --- PRNG ------------------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void gc_prng_seed(struct gc_prng *p, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (size_t i = 0; i < 4; i++)
        p->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t gc_prng_next(struct gc_prng *p)
{
    uint64_t *s = p->s;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

uint32_t gc_prng_below(struct gc_prng *p, uint32_t n)
{
    return n == 0 ? 0 : (uint32_t)(gc_prng_next(p) % n);
}

/* /run arguments: shell metacharacters and arbitrary bytes (CWE-78, CWE-88). */
static int random_arg(struct gc_prng *p, struct gc_mut_op *op)
{
    static const char META[] = ";|&`$(){}[]<>*?~#!\\'\"\n\r\t -=+%/.,:^";
    uint32_t pick = gc_prng_below(p, 100);
    size_t len = pick < 70   ? gc_prng_below(p, MUT_SHORT_ARG + 1)
                 : pick < 90 ? MUT_SHORT_ARG + gc_prng_below(p, MUT_MEDIUM_ARG)
                 : pick < 95 ? GC_MUT_RUN_MAX_ARG
                             : GC_MUT_RUN_MAX_ARG + 1;
    op->bytes = malloc(len > 0 ? len : 1);
    if (op->bytes == NULL)
        return -1;
    op->len = len;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = gc_prng_below(p, 2) ? (uint8_t)META[gc_prng_below(p, sizeof(META) - 1)]
                                        : (uint8_t)(1 + gc_prng_below(p, 255));
        op->bytes[i] = b;
    }
    if (len > 0 && gc_prng_below(p, 100) < 3)
        op->bytes[gc_prng_below(p, (uint32_t)len)] = 0; /* → 400 */
    return 0;
}

int gc_mut_random_op(struct gc_prng *p, struct gc_mut_entry *e)
{
    const struct gc_case *b = gc_mut_find_base(e->base);
    int files = b != NULL && b->target != NULL && strncmp(b->target, "/files/", 7) == 0;
    int run = b != NULL && b->run_arg != NULL;
    /* Weighted choice: the base's own family first, then identity, then framing. */
    static const enum gc_mut_kind PATH_OPS[] = {
        GC_MUT_PATH_PCT,    GC_MUT_PATH_DOT,      GC_MUT_PATH_DOTDOT, GC_MUT_PATH_UP,
        GC_MUT_PATH_DOUBLE, GC_MUT_PATH_SEP,      GC_MUT_PATH_OVERLONG, GC_MUT_PATH_CASE};
    static const enum gc_mut_kind ID_OPS[] = {GC_MUT_CERT_SWAP, GC_MUT_JWT_SET,  GC_MUT_JWT_CLAIM,
                                              GC_MUT_JWT_CLAIM, GC_MUT_JWT_KEY,  GC_MUT_JWT_ALG,
                                              GC_MUT_JWT_URL,   GC_MUT_FWD_ADD,  GC_MUT_FWD_ADD,
                                              GC_MUT_FWD_NAME_CASE};
    enum gc_mut_kind k;
    uint32_t roll = gc_prng_below(p, 100);
    if (files && roll < 65)
        k = PATH_OPS[gc_prng_below(p, NV(PATH_OPS))];
    else if (run && roll < 60)
        k = GC_MUT_RUN_ARG;
    else if (roll < 95)
        k = ID_OPS[gc_prng_below(p, NV(ID_OPS))];
    else
        k = GC_MUT_FRAME;
    struct gc_mut_op op = {.kind = k,
                           .a = gc_prng_below(p, MUT_PARAM_RANGE),
                           .b = gc_prng_below(p, MUT_PARAM_RANGE),
                           .c = gc_prng_below(p, MUT_PARAM_RANGE)};
    if (k == GC_MUT_RUN_ARG) {
        op.a = op.b = op.c = 0;
        if (random_arg(p, &op) != 0)
            return -1;
    }
    size_t at = e->n_ops;
    if (at >= GC_MUT_MAX_OPS) {
        at = gc_prng_below(p, GC_MUT_MAX_OPS);
        free(e->ops[at].bytes);
    } else {
        e->n_ops++;
    }
    e->ops[at] = op;
    return 0;
}

/* --- JSON ----------------------------------------------------------------------------------------- */

json_t *gc_mut_entry_to_json(const struct gc_mut_entry *e)
{
    json_t *root = json_object(), *ops = json_array();
    if (root == NULL || ops == NULL) {
        json_decref(root);
        json_decref(ops);
        return NULL;
    }
    json_object_set_new(root, "format", json_integer(1));
    json_object_set_new(root, "base", json_string(e->base));
    for (size_t i = 0; i < e->n_ops && i < GC_MUT_MAX_OPS; i++) {
        const struct gc_mut_op *op = &e->ops[i];
        json_t *o = json_object();
        json_object_set_new(o, "op", json_string(gc_mut_kind_name(op->kind)));
        if (op->kind == GC_MUT_RUN_ARG) {
            char *hex = malloc(op->len * 2 + 1);
            if (hex == NULL) {
                json_decref(o);
                json_decref(ops);
                json_decref(root);
                return NULL;
            }
            for (size_t k = 0; k < op->len; k++) {
                hex[2 * k] = MUT_HEX_LOWER[op->bytes[k] >> 4];
                hex[2 * k + 1] = MUT_HEX_LOWER[op->bytes[k] & 15];
            }
            hex[op->len * 2] = '\0';
            json_object_set_new(o, "hex", json_string(hex));
            free(hex);
        } else {
            json_object_set_new(o, "a", json_integer(op->a));
            json_object_set_new(o, "b", json_integer(op->b));
            json_object_set_new(o, "c", json_integer(op->c));
        }
        json_array_append_new(ops, o);
    }
    json_object_set_new(root, "ops", ops);
    return root;
}

static int get_u32(const json_t *o, const char *k, uint32_t *out)
{
    json_t *v = json_object_get(o, k);
    if (v == NULL) {
        *out = 0;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
        return -1;
    *out = (uint32_t)json_integer_value(v);
    return 0;
}

int gc_mut_entry_from_json(const json_t *j, struct gc_mut_entry *e, char *err, size_t err_cap)
{
    memset(e, 0, sizeof(*e));
    json_t *fmt = json_object_get(j, "format");
    const char *base = json_string_value(json_object_get(j, "base"));
    json_t *ops = json_object_get(j, "ops");
    if (!json_is_integer(fmt) || json_integer_value(fmt) != 1 || base == NULL ||
        !json_is_array(ops)) {
        gc_errf(err, err_cap, "want {\"format\":1,\"base\":\"<case id>\",\"ops\":[...]}");
        return -1;
    }
    if (strlen(base) >= sizeof(e->base) || json_array_size(ops) > GC_MUT_MAX_OPS) {
        gc_errf(err, err_cap, "base id too long or more than %d ops", GC_MUT_MAX_OPS);
        return -1;
    }
    snprintf(e->base, sizeof(e->base), "%s", base);
    size_t i;
    json_t *o;
    json_array_foreach(ops, i, o)
    {
        const char *name = json_string_value(json_object_get(o, "op"));
        enum gc_mut_kind k = GC_MUT_KIND_COUNT;
        for (size_t q = 0; name != NULL && q < GC_MUT_KIND_COUNT; q++)
            if (strcmp(name, KIND_NAMES[q]) == 0)
                k = (enum gc_mut_kind)q;
        struct gc_mut_op *op = &e->ops[i];
        if (k == GC_MUT_KIND_COUNT || get_u32(o, "a", &op->a) || get_u32(o, "b", &op->b) ||
            get_u32(o, "c", &op->c)) {
            gc_errf(err, err_cap, "ops[%zu]: unknown op or bad parameter", i);
            gc_mut_entry_free(e);
            return -1;
        }
        op->kind = k;
        e->n_ops = i + 1;
        if (k != GC_MUT_RUN_ARG)
            continue;
        const char *hex = json_string_value(json_object_get(o, "hex"));
        size_t hl = hex != NULL ? strlen(hex) : 1;
        if (hl % 2 != 0 || hl / 2 > GC_MUT_MAX_BYTES) {
            gc_errf(err, err_cap, "ops[%zu]: \"hex\" must be an even-length hex string", i);
            gc_mut_entry_free(e);
            return -1;
        }
        op->len = hl / 2;
        op->bytes = malloc(op->len > 0 ? op->len : 1);
        for (size_t q = 0; op->bytes != NULL && q < op->len; q++) {
            int h = hexval((unsigned char)hex[2 * q]), l = hexval((unsigned char)hex[2 * q + 1]);
            if (h < 0 || l < 0) {
                gc_errf(err, err_cap, "ops[%zu]: bad hex digit", i);
                gc_mut_entry_free(e);
                return -1;
            }
            op->bytes[q] = (uint8_t)(h << 4 | l);
        }
        if (op->bytes == NULL) {
            gc_errf(err, err_cap, "out of memory");
            gc_mut_entry_free(e);
            return -1;
        }
    }
    return 0;
}

int gc_mut_entry_hash(const struct gc_mut_entry *e, char out[GC_MUT_HASH_HEX + 1])
{
    json_t *j = gc_mut_entry_to_json(e);
    char *text = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (text == NULL)
        return -1;
    uint8_t md[SHA256_DIGEST_LENGTH];
    SHA256((const uint8_t *)text, strlen(text), md);
    free(text);
    for (size_t i = 0; i < GC_MUT_HASH_HEX / 2; i++) {
        out[2 * i] = MUT_HEX_LOWER[md[i] >> 4];
        out[2 * i + 1] = MUT_HEX_LOWER[md[i] & 15];
    }
    out[GC_MUT_HASH_HEX] = '\0';
    return 0;
}
