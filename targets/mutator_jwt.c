/* mutator_jwt.c: structure-aware JWT mutator, shared by libFuzzer
 * (LLVMFuzzerCustomMutator in fuzz_jwt.c) and AFL++ (afl_mutator.c).
 *
 * Splits the token, decodes header and claims (jansson; a default pair if they
 * do not decode), changes one to three things an attacker would (alg, kid,
 * exp/nbf/iat, aud, iss, sub, roles types, crit, jku/x5u/jwk, typ), then
 * re-signs: with the kid's own key (most often, so the claim checks are
 * reached), with the key of the header's alg, a confusion key (HMAC over the
 * RSA public PEM), an attacker key, or not at all. Deterministic for a seed. */
#include <jansson.h>

#include "fuzz_common.h"
#include "fuzz_fixture.h"

#define FZ_JSON_MAX 4096

static json_t *fz_pick_value(struct fz_rng *r)
{
    switch (fz_rng_below(r, 9)) {
    case 0: return json_null();
    case 1: return json_true();
    case 2: return json_integer((json_int_t)fz_rng_below(r, 3) - 1);
    case 3: return json_real(1.5);
    case 4: return json_string("");
    case 5: return json_array();
    case 6: return json_object();
    case 7: return json_integer(FZ_NOW);
    default: return json_string("x");
    }
}

static void fz_mutate_header(json_t *h, struct fz_rng *r)
{
    static const char *const algs[] = {"HS256", "ES256", "RS256", "none", "None", "hs256",
                                       "HS384", "RS512", "PS256", "ES384", "EdDSA", ""};
    static const char *const kids[] = {"hs-1", "ec-1", "rsa-1", "", "HS-1", "hs-1 ",
                                       "../hs-1", "rsa-2", "hs-1/"};
    switch (fz_rng_below(r, 8)) {
    case 0:
        json_object_set_new(h, "alg", json_string(algs[fz_rng_below(r, sizeof(algs) / sizeof(*algs))]));
        break;
    case 1:
        json_object_set_new(h, "kid", json_string(kids[fz_rng_below(r, sizeof(kids) / sizeof(*kids))]));
        break;
    case 2:
        json_object_set_new(h, fz_rng_below(r, 2) ? "alg" : "kid", fz_pick_value(r));
        break;
    case 3: {
        json_t *crit = json_array();
        if (fz_rng_below(r, 2))
            json_array_append_new(crit, json_string(fz_rng_below(r, 2) ? "exp" : "b64"));
        json_object_set_new(h, "crit", crit);
        break;
    }
    case 4:
        json_object_set_new(h, "jku", json_string("https://attacker.test/jwks.json"));
        break;
    case 5:
        json_object_set_new(h, fz_rng_below(r, 2) ? "x5u" : "jwk",
                            json_string("https://attacker.test/k"));
        break;
    case 6:
        json_object_set_new(h, "typ", fz_rng_below(r, 2) ? json_string("JWT") : fz_pick_value(r));
        break;
    default:
        json_object_del(h, fz_rng_below(r, 2) ? "alg" : "kid");
        break;
    }
}

static void fz_mutate_claims(json_t *c, struct fz_rng *r)
{
    static const int64_t deltas[] = {-100000, -61, -60, -59, 0, 59, 60, 61, 3600, INT64_MAX / 2};
    int64_t d = deltas[fz_rng_below(r, sizeof(deltas) / sizeof(*deltas))];
    switch (fz_rng_below(r, 10)) {
    case 0:
        json_object_set_new(c, "exp", json_integer(FZ_NOW + d));
        break;
    case 1:
        json_object_set_new(c, "nbf", json_integer(FZ_NOW + d));
        break;
    case 2:
        json_object_set_new(c, "iat", json_integer(FZ_NOW + d));
        break;
    case 3:
        json_object_set_new(c, fz_rng_below(r, 2) ? "exp" : "nbf", fz_pick_value(r));
        break;
    case 4:
        if (fz_rng_below(r, 3)) {
            json_t *aud = json_array();
            json_array_append_new(aud, json_string("other"));
            if (fz_rng_below(r, 2))
                json_array_append_new(aud, json_string(FZ_AUDIENCE));
            json_object_set_new(c, "aud", aud);
        } else {
            json_object_set_new(c, "aud", fz_pick_value(r));
        }
        break;
    case 5:
        json_object_set_new(c, "iss", fz_rng_below(r, 2) ? json_string(FZ_ISSUER "/")
                                                          : fz_pick_value(r));
        break;
    case 6:
        json_object_set_new(c, "sub", fz_rng_below(r, 2) ? json_string("") : fz_pick_value(r));
        break;
    case 7: {
        json_t *roles = json_array();
        json_array_append_new(roles, json_string("admin"));
        if (fz_rng_below(r, 2))
            json_array_append_new(roles, fz_pick_value(r));
        json_object_set_new(c, "roles", roles);
        break;
    }
    case 8:
        json_object_set_new(c, "roles", fz_pick_value(r));
        break;
    default:
        json_object_del(c, fz_rng_below(r, 2) ? "exp" : fz_rng_below(r, 2) ? "sub" : "aud");
        break;
    }
}

static json_t *fz_decode_json(const uint8_t *p, size_t n)
{
    static uint8_t buf[FZ_JWT_MAX];
    long m = fz_b64url_dec(p, n, buf, sizeof(buf));
    json_t *j = m >= 0 ? json_loadb((const char *)buf, (size_t)m, 0, NULL) : NULL;
    if (json_is_object(j))
        return j;
    json_decref(j);
    return NULL;
}

/* Would this signer need a public-key signature (ES/RS/PS) for this header? */
static int fz_jwt_costly(const char *hs, enum fz_signer s)
{
    if (s == FZ_SIGN_KID_KEY)
        return strstr(hs, "\"ec-1\"") != NULL || strstr(hs, "\"rsa-1\"") != NULL;
    if (s == FZ_SIGN_AS_HEADER) {
        const char *a = strstr(hs, "\"alg\":\"");
        return a != NULL && (a[7] == 'E' || a[7] == 'R' || a[7] == 'P');
    }
    return 0;
}

/* header.payload with the input's old signature segment appended as is. */
static size_t fz_jwt_keep_sig(const char *hs, const char *cs, const uint8_t *sig, size_t sig_len,
                              char *out, size_t cap)
{
    size_t n = fz_jwt_sign(hs, cs, FZ_SIGN_EMPTY, out, cap);
    if (n == 0 || n + sig_len >= cap)
        return 0;
    memcpy(out + n, sig, sig_len);
    out[n + sig_len] = '\0';
    return n + sig_len;
}

size_t fz_jwt_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    static char out[FZ_JWT_MAX + 1];
    struct fz_rng r;
    fz_rng_seed(&r, seed);
    const uint8_t *d1 = size ? memchr(data, '.', size) : NULL;
    const uint8_t *d2 = d1 ? memchr(d1 + 1, '.', size - (size_t)(d1 + 1 - data)) : NULL;
    json_t *h = d1 ? fz_decode_json(data, (size_t)(d1 - data)) : NULL;
    json_t *c = d2 ? fz_decode_json(d1 + 1, (size_t)(d2 - d1 - 1)) : NULL;
    if (h == NULL) {
        static const char *const kids[] = {"hs-1", "ec-1", "rsa-1"};
        static const char *const algs[] = {"HS256", "ES256", "RS256"};
        size_t k = fz_rng_below(&r, 3);
        h = json_pack("{s:s, s:s, s:s}", "alg", algs[k], "typ", "JWT", "kid", kids[k]);
    }
    if (c == NULL)
        c = json_pack("{s:s, s:s, s:s, s:I, s:I, s:[s]}", "iss", FZ_ISSUER, "aud", FZ_AUDIENCE,
                      "sub", "alice", "exp", (json_int_t)(FZ_NOW + 3600), "iat",
                      (json_int_t)(FZ_NOW - 10), "roles", "user");
    size_t n_mut = 1 + fz_rng_below(&r, 3);
    for (size_t i = 0; i < n_mut; i++) {
        if (fz_rng_below(&r, 3) == 0)
            fz_mutate_header(h, &r);
        else
            fz_mutate_claims(c, &r);
    }
    char *hs = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);
    char *cs = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(h);
    json_decref(c);
    /* Mostly the kid's own key: an accepted token is where the properties bite.
     * Public-key signing costs 50x an HMAC, so a public-key signature is
     * made one time in eight; otherwise the old signature is kept (the claim checks come after the
     * signature, so a stale one only exercises the early exits). */
    static const enum fz_signer signers[] = {
        FZ_SIGN_KID_KEY,   FZ_SIGN_KID_KEY,   FZ_SIGN_KID_KEY, FZ_SIGN_KID_KEY,
        FZ_SIGN_KID_KEY,   FZ_SIGN_KID_KEY,   FZ_SIGN_KID_KEY, FZ_SIGN_AS_HEADER,
        FZ_SIGN_AS_HEADER, FZ_SIGN_CONFUSION, FZ_SIGN_CONFUSION, FZ_SIGN_EMPTY,
        FZ_SIGN_EMPTY,     FZ_SIGN_ATTACKER,  FZ_SIGN_KID_KEY, FZ_SIGN_KID_KEY};
    enum fz_signer s = signers[fz_rng_below(&r, sizeof(signers) / sizeof(*signers))];
    int costly = hs != NULL && (s == FZ_SIGN_ATTACKER || fz_jwt_costly(hs, s));
    size_t n = 0;
    if (costly && d2 != NULL && fz_rng_below(&r, 8) != 0)
        n = (hs && cs) ? fz_jwt_keep_sig(hs, cs, d2 + 1, size - (size_t)(d2 + 1 - data), out,
                                         sizeof(out))
                       : 0;
    else
        n = (hs && cs) ? fz_jwt_sign(hs, cs, s, out, sizeof(out)) : 0;
    free(hs);
    free(cs);
    if (n == 0 || n > max_size)
        return size; /* unchanged: nothing fitted */
    memcpy(data, out, n);
    return n;
}
