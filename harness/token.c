/* harness/token.c: a token recipe (case.h) → a compact JWS, signed by the
 * harness's own signer (jose.c) with the key the recipe names, then damaged
 * exactly as its mutation says. The expected verdict of every case rests on
 * this file doing what the recipe says and nothing more. */
#include "util.h"
#include "build_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ecdsa.h>

#include "jose.h"

#define TOK_MAX_JSON (64 * 1024) /* a substituted header or payload template */
#define TOK_MAX_SIG 1024         /* signature bytes (RSA-8192), as in jose.c */
#define TOK_EXP_S 600            /* ${EXP} = now + 10 min */
#define TOK_PAST_S 3600          /* ${PAST} = now - 1 h */
#define TOK_FUTURE_S 3600        /* ${FUTURE} = now + 1 h */
/* GC_TOKMUT_HUGE: a "pad" claim this long makes the token about 10 KiB:
 * past an 8 KiB token limit, inside a 16 KiB header section, so the case
 * tests the token limit and not the HTTP one. */
#define TOK_HUGE_PAD 7300
/* GC_TOKMUT_STD_B64: six '?' (0x3f) hold at least one aligned 3-byte group,
 * which base64url encodes as "Pz8_": a '_' is then guaranteed in the payload. */
#define TOK_STD_B64_CLAIM "\"b64\":\"??????\""
#define TOK_EXTRA_SEGMENT ".x"
#define TOK_ES256_COORD 32
#define TOK_ES384_COORD 48

/* --- a growable string with a hard cap ------------------------------------------ */

struct sbuf {
    char *p;
    size_t len, cap, max;
};

static int sb_put(struct sbuf *b, const void *data, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int sb_str(struct sbuf *b, const char *s)
{
    return sb_put(b, s, strlen(s));
}

/* --- placeholders ---------------------------------------------------------------- */

/* The value of token placeholder `name` (name_len bytes, without "${" "}"),
 * written into num when numeric. NULL when unknown or unavailable (*why says
 * which). Shared with request.c (header lines and raw requests). */
const char *gc__placeholder(const struct gc_material *m, const char *name, size_t name_len,
                            int64_t now, const char *ssrf_url, char num[GC_PLACEHOLDER_NUM_MAX],
                            const char **why)
{
    enum kind { K_TIME, K_ISS, K_AUD, K_SSRF, K_JWK, K_EDGE_OK, K_EDGE_BAD, K_MARKER };
    static const struct {
        const char *name;
        enum kind kind;
        int64_t delta; /* K_TIME: now + delta */
    } TABLE[] = {
        {"ISS", K_ISS, 0},
        {"AUD", K_AUD, 0},
        {"NOW", K_TIME, 0},
        {"EXP", K_TIME, TOK_EXP_S},
        {"PAST", K_TIME, -TOK_PAST_S},
        {"FUTURE", K_TIME, TOK_FUTURE_S},
        {"LEEWAY_EDGE_OK", K_EDGE_OK, 0},
        {"LEEWAY_EDGE_BAD", K_EDGE_BAD, 0},
        {"SSRF_URL", K_SSRF, 0},
        {"ATTACKER_JWK", K_JWK, 0},
        {"EXEC_MARKER", K_MARKER, 0},
    };
    *why = "unknown placeholder";
    for (size_t i = 0; i < sizeof(TABLE) / sizeof(TABLE[0]); i++) {
        if (strlen(TABLE[i].name) != name_len || memcmp(TABLE[i].name, name, name_len) != 0)
            continue;
        int64_t v = now + TABLE[i].delta;
        switch (TABLE[i].kind) {
        case K_ISS:
            return m->issuer;
        case K_AUD:
            return m->audience;
        case K_SSRF:
            *why = "no SSRF listener URL given";
            return ssrf_url;
        case K_JWK:
            return m->attacker_jwk;
        case K_MARKER:
            *why = "no exec marker path set";
            return m->exec_marker[0] != '\0' ? m->exec_marker : NULL;
        /* Network cases cannot pin the exact second: the target checks the
         * token a little after it was signed. So the edge cases sit
         * GC_LEEWAY_MARGIN_S inside and outside the leeway; the exact-second
         * boundary is pinned by libgkcore's unit tests (test_jwt.c). */
        case K_EDGE_OK: /* expired, but within the leeway (RFC 7519 §4.1.4) */
            v = now - m->leeway_s + GC_LEEWAY_MARGIN_S;
            break;
        case K_EDGE_BAD: /* past the leeway */
            v = now - m->leeway_s - GC_LEEWAY_MARGIN_S;
            break;
        case K_TIME:
            break;
        }
        snprintf(num, GC_PLACEHOLDER_NUM_MAX, "%" PRId64, v);
        return num;
    }
    return NULL;
}

int gc_material_set_exec_marker(struct gc_material *m, const char *path)
{
    if (m == NULL || path == NULL || (path[0] != '\0' && path[0] != '/') ||
        strlen(path) >= sizeof(m->exec_marker))
        return -1;
    memcpy(m->exec_marker, path, strlen(path) + 1);
    return 0;
}

/* Template → text, every ${NAME} replaced by its raw value (no JSON quoting:
 * templates write "iss":"${ISS}"). Unknown or unterminated → NULL with err. */
static char *substitute(const struct gc_material *m, const char *tpl, int64_t now,
                        const char *ssrf_url, char *err, size_t err_cap)
{
    struct sbuf b = {.max = TOK_MAX_JSON};
    const char *p = tpl;
    int ok = sb_put(&b, "", 0) == 0;
    while (ok && *p != '\0') {
        const char *start = strstr(p, "${");
        if (start == NULL) {
            ok = sb_str(&b, p) == 0;
            break;
        }
        const char *end = strchr(start + 2, '}');
        if (end == NULL) {
            gc_errf(err, err_cap, "unterminated placeholder in template: %.40s", start);
            free(b.p);
            return NULL;
        }
        char num[GC_PLACEHOLDER_NUM_MAX];
        const char *why = NULL;
        const char *v =
            gc__placeholder(m, start + 2, (size_t)(end - start - 2), now, ssrf_url, num, &why);
        if (v == NULL) {
            gc_errf(err, err_cap, "%s: %.*s", why, (int)(end - start + 1), start);
            free(b.p);
            return NULL;
        }
        ok = sb_put(&b, p, (size_t)(start - p)) == 0 && sb_str(&b, v) == 0;
        p = end + 1;
    }
    if (!ok) {
        gc_errf(err, err_cap, "template too long (over %d bytes)", TOK_MAX_JSON);
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* Insert `claim` ("name":value) as the first member of JSON object text. */
static char *insert_claim(char *json, const char *claim, size_t claim_len)
{
    char *brace = strchr(json, '{');
    if (brace == NULL)
        return NULL;
    const char *rest = brace + 1;
    while (*rest == ' ' || *rest == '\t' || *rest == '\r' || *rest == '\n')
        rest++;
    int empty = *rest == '}';
    struct sbuf b = {.max = TOK_MAX_JSON + claim_len + 2};
    if (sb_put(&b, json, (size_t)(brace - json) + 1) || sb_put(&b, claim, claim_len) ||
        (!empty && sb_put(&b, ",", 1)) || sb_str(&b, brace + 1)) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* --- keys ------------------------------------------------------------------------ */

enum tok_fam { FAM_OTHER, FAM_HS, FAM_RSA, FAM_ES256, FAM_ES384, FAM_ED };

static enum tok_fam alg_family(const char *alg)
{
    if (strncmp(alg, "HS", 2) == 0)
        return FAM_HS;
    if (strncmp(alg, "RS", 2) == 0 || strncmp(alg, "PS", 2) == 0)
        return FAM_RSA;
    if (strcmp(alg, "ES256") == 0)
        return FAM_ES256;
    if (strcmp(alg, "ES384") == 0)
        return FAM_ES384;
    if (strcmp(alg, "EdDSA") == 0)
        return FAM_ED;
    return FAM_OTHER;
}

struct tok_key {
    const char *alg;
    EVP_PKEY *pkey;
    const uint8_t *secret;
    size_t secret_len;
};

static int pick_key(const struct gc_material *m, const struct gc_token_recipe *r, struct tok_key *k,
                    char *err, size_t err_cap)
{
    const char *alg = r->sign_alg;
    k->alg = alg;
    if (r->key == GC_KEY_NONE) {
        k->alg = "none"; /* RFC 7518 §3.6: an empty signature */
        return 0;
    }
    if (alg == NULL) {
        gc_errf(err, err_cap, "recipe signs with a key but names no sign_alg");
        return -1;
    }
    enum tok_fam f = alg_family(alg);
    switch (r->key) {
    case GC_KEY_FIXTURE:
        if (f == FAM_HS) {
            k->secret = m->hs;
            k->secret_len = m->hs_len;
        } else {
            k->pkey = f == FAM_RSA     ? m->jwt_rsa
                      : f == FAM_ES256 ? m->jwt_ec
                      : f == FAM_ED    ? m->jwt_ed
                                       : NULL;
        }
        break;
    case GC_KEY_ATTACKER:
        if (f == FAM_HS) {
            k->secret = m->att_hs;
            k->secret_len = sizeof(m->att_hs);
        } else {
            k->pkey = f == FAM_RSA     ? m->att_rsa
                      : f == FAM_ES256 ? m->att_ec
                      : f == FAM_ES384 ? m->att_ec384
                      : f == FAM_ED    ? m->att_ed
                                       : NULL;
        }
        break;
    case GC_KEY_RSA_PUB_PEM_AS_HMAC: /* the exact bytes a confused verifier reads */
        k->secret = m->rsa_pub_pem;
        k->secret_len = m->rsa_pub_pem_len;
        break;
    case GC_KEY_RSA_PUB_DER_AS_HMAC: /* i2d_PUBKEY: DER SubjectPublicKeyInfo */
        k->secret = m->rsa_pub_der;
        k->secret_len = m->rsa_pub_der_len;
        break;
    case GC_KEY_EC_PUB_PEM_AS_HMAC:
        k->secret = m->ec_pub_pem;
        k->secret_len = m->ec_pub_pem_len;
        break;
    case GC_KEY_EMPTY_HMAC: /* what a verifier reading kid "/dev/null" as a key file gets */
        k->secret = (const uint8_t *)"";
        k->secret_len = 0;
        break;
    default:
        break;
    }
    if (r->key >= GC_KEY_RSA_PUB_PEM_AS_HMAC && f != FAM_HS) {
        gc_errf(err, err_cap, "key confusion recipes sign with HS*, not %s", alg);
        return -1;
    }
    if (k->pkey == NULL && k->secret == NULL) {
        gc_errf(err, err_cap, "no %s key for sign_alg %s",
                r->key == GC_KEY_FIXTURE ? "fixture" : "attacker", alg);
        return -1;
    }
    return 0;
}

/* --- mutations ------------------------------------------------------------------- */

struct segs {
    char *h, *p, *s; /* NUL-terminated copies of the three compact segments */
};

static void segs_free(struct segs *g)
{
    free(g->h);
    free(g->p);
    free(g->s);
}

static int split(const char *tok, struct segs *g)
{
    const char *d1 = strchr(tok, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (d2 == NULL)
        return -1;
    g->h = strndup(tok, (size_t)(d1 - tok));
    g->p = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    g->s = strdup(d2 + 1);
    return g->h && g->p && g->s ? 0 : -1;
}

static char *join3(const char *a, const char *sep1, const char *b, const char *sep2, const char *c,
                   const char *tail)
{
    struct sbuf o = {.max = SIZE_MAX / 2};
    if (sb_str(&o, a) || sb_str(&o, sep1) || sb_str(&o, b) || sb_str(&o, sep2) || sb_str(&o, c) ||
        sb_str(&o, tail)) {
        free(o.p);
        return NULL;
    }
    return o.p;
}

static char *b64(const uint8_t *in, size_t n)
{
    size_t cap = n / 3 * 4 + 5;
    char *out = malloc(cap);
    if (out != NULL && gc_b64url_encode(in, n, out, cap) < 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The raw r||s signature re-encoded as DER ECDSA-Sig-Value (RFC 3279 §2.2.3),
 * the form RFC 7518 §3.4 says a JWS must NOT carry. */
static char *der_ecdsa(const char *sig64)
{
    uint8_t raw[TOK_MAX_SIG];
    int n = gc_b64url_decode(sig64, strlen(sig64), raw, sizeof(raw));
    if (n != 2 * TOK_ES256_COORD && n != 2 * TOK_ES384_COORD)
        return NULL;
    size_t half = (size_t)n / 2;
    BIGNUM *r = BN_bin2bn(raw, (int)half, NULL), *s = BN_bin2bn(raw + half, (int)half, NULL);
    ECDSA_SIG *es = ECDSA_SIG_new();
    if (r == NULL || s == NULL || es == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        return NULL;
    }
    unsigned char *der = NULL;
    int dn = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    char *out = dn > 0 ? b64(der, (size_t)dn) : NULL;
    OPENSSL_free(der);
    return out;
}

static char *flip_bit(const char *sig64)
{
    uint8_t raw[TOK_MAX_SIG];
    int n = gc_b64url_decode(sig64, strlen(sig64), raw, sizeof(raw));
    if (n <= 0)
        return NULL;
    raw[n / 2] ^= 0x01;
    return b64(raw, (size_t)n);
}

static char *mutate(const char *tok, const struct gc_token_recipe *r, char *err, size_t err_cap)
{
    if (r->mutation == GC_TOKMUT_NONE || r->mutation == GC_TOKMUT_HUGE)
        return strdup(tok);
    struct segs g = {0};
    if (split(tok, &g) != 0) {
        segs_free(&g);
        gc_errf(err, err_cap, "signer output is not compact JWS");
        return NULL;
    }
    char *out = NULL, *sig = NULL;
    switch (r->mutation) {
    case GC_TOKMUT_STRIP_SIG:
        out = join3(g.h, ".", g.p, ".", "", "");
        break;
    case GC_TOKMUT_DROP_SIG_SEGMENT:
        out = join3(g.h, ".", g.p, "", "", "");
        break;
    case GC_TOKMUT_EXTRA_SEGMENT:
        out = join3(g.h, ".", g.p, ".", g.s, TOK_EXTRA_SEGMENT);
        break;
    case GC_TOKMUT_PAD_B64: {
        /* The '=' padding standard base64 would add (RFC 4648 §4); a segment
         * that needs none (length % 4 == 0) still gets "==". */
        static const char *const PAD[4] = {"==", "===", "==", "="};
        out = join3(g.h, ".", g.p, ".", g.s, PAD[strlen(g.s) % 4]);
        break;
    }
    case GC_TOKMUT_STD_B64:
        /* RFC 4648 §4 alphabet in the payload (§5 is the JWS one). */
        for (char *c = g.p; *c; c++)
            *c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
        out = join3(g.h, ".", g.p, ".", g.s, "");
        break;
    case GC_TOKMUT_PSYCHIC_ECDSA: { /* CVE-2022-21449: r = s = 0 */
        uint8_t zero[2 * TOK_ES384_COORD] = {0};
        size_t n = r->sign_alg && strcmp(r->sign_alg, "ES384") == 0 ? 2 * TOK_ES384_COORD
                                                                    : 2 * TOK_ES256_COORD;
        sig = b64(zero, n);
        out = sig ? join3(g.h, ".", g.p, ".", sig, "") : NULL;
        break;
    }
    case GC_TOKMUT_DER_ECDSA:
        sig = der_ecdsa(g.s);
        out = sig ? join3(g.h, ".", g.p, ".", sig, "") : NULL;
        if (sig == NULL)
            gc_errf(err, err_cap, "DER_ECDSA needs an ES256/ES384 signature");
        break;
    case GC_TOKMUT_JSON_SERIALIZATION: /* RFC 7515 §7.2.2 flattened syntax */
        out = join3("{\"payload\":\"", g.p, "\",\"protected\":\"", g.h, "\",\"signature\":\"", "");
        if (out != NULL) {
            char *full = join3(out, g.s, "\"}", "", "", "");
            free(out);
            out = full;
        }
        break;
    case GC_TOKMUT_FLIP_SIG_BIT:
        sig = flip_bit(g.s);
        out = sig ? join3(g.h, ".", g.p, ".", sig, "") : NULL;
        if (sig == NULL)
            gc_errf(err, err_cap, "FLIP_SIG_BIT needs a non-empty signature");
        break;
    default:
        gc_errf(err, err_cap, "unknown token mutation %d", (int)r->mutation);
        break;
    }
    free(sig);
    segs_free(&g);
    if (out == NULL && err && err[0] == '\0')
        gc_errf(err, err_cap, "out of memory");
    return out;
}

/* Whether payload_json already encodes with a '-' or '_'. */
static int b64_has_url_chars(const char *json)
{
    char *enc = b64((const uint8_t *)json, strlen(json));
    int has = enc != NULL && strpbrk(enc, "-_") != NULL;
    free(enc);
    return has;
}

char *gc_build_token(struct gc_material *m, const struct gc_token_recipe *r, int64_t now,
                     const char *ssrf_url, char *err, size_t err_cap)
{
    if (err && err_cap)
        err[0] = '\0';
    if (m == NULL || r == NULL || r->header == NULL || r->payload == NULL) {
        gc_errf(err, err_cap, "recipe has no header or payload template");
        return NULL;
    }
    struct tok_key key = {0};
    if (pick_key(m, r, &key, err, err_cap) != 0)
        return NULL;
    char *tok = NULL, *signed_tok = NULL, *extra = NULL;
    char *h = substitute(m, r->header, now, ssrf_url, err, err_cap);
    char *p = h ? substitute(m, r->payload, now, ssrf_url, err, err_cap) : NULL;
    if (p == NULL)
        goto out;
    if (r->mutation == GC_TOKMUT_HUGE) {
        char *pad = malloc(TOK_HUGE_PAD + 16);
        if (pad != NULL) {
            memcpy(pad, "\"pad\":\"", 7);
            memset(pad + 7, 'A', TOK_HUGE_PAD);
            memcpy(pad + 7 + TOK_HUGE_PAD, "\"", 2);
            extra = insert_claim(p, pad, strlen(pad));
        }
        free(pad);
    } else if (r->mutation == GC_TOKMUT_STD_B64 && !b64_has_url_chars(p)) {
        extra = insert_claim(p, TOK_STD_B64_CLAIM, strlen(TOK_STD_B64_CLAIM));
    } else {
        extra = strdup(p);
    }
    free(p);
    p = extra;
    if (p == NULL) {
        gc_errf(err, err_cap, "payload is not a JSON object or out of memory");
        goto out;
    }
    size_t cap = (strlen(h) + strlen(p)) / 3 * 4 + 16 + 2 * TOK_MAX_SIG;
    signed_tok = malloc(cap);
    if (signed_tok == NULL ||
        gc_jws_sign(h, p, key.alg, key.pkey, key.secret, key.secret_len, signed_tok, cap) != 0) {
        gc_errf(err, err_cap, "signing with %s failed (key does not fit the algorithm?)", key.alg);
        goto out;
    }
    tok = mutate(signed_tok, r, err, err_cap);
out:
    free(h);
    free(p);
    free(signed_tok);
    return tok;
}
