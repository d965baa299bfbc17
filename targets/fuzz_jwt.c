/* fuzz_jwt: gk_jwt_verify, and through it gk_jws_verify, gk_b64url_decode and
 * gk_jwt_alg_parse (reference-server/core/src/jwt.c, b64url.c).
 *
 * Fixed keyset (fuzz_keys.h): kid "hs-1" HS256 (fixed secret), "ec-1" ES256,
 * "rsa-1" RS256; issuer/audience of the contract, leeway 60 s, fixed now.
 * Input: a compact token. Structure-aware mutator: mutator_jwt.c.
 *
 * Properties besides "no crash", when the token is accepted (all recomputed
 * here with jansson and OpenSSL, never with libgkcore):
 *  - the header's alg is a string equal to the alg of the key its kid names,
 *    and claims.alg / claims.kid say the same;
 *  - the signature verifies independently (HMAC recomputed for HS256,
 *    EVP_DigestVerify for ES256 (raw r||s) and RS256);
 *  - the payload has a numeric exp and now <= exp + leeway;
 *  - sub is a non-empty string, equal to claims.sub; iss and aud match.
 * And on every input: if gk_b64url_decode accepts the first segment,
 * gk_b64url_encode of the result gives the segment back (one accepted
 * encoding per byte string, gk/b64url.h). */
#include "fuzz_common.h"
#include "fuzz_fixture.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include "gk/b64url.h"

#define FZ_SEG_MAX 8192

size_t fz_jwt_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* FZ_VERBOSE=1 replay_<t> FILE prints each verdict (seed debugging). */
static int fz_verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fz_fixture_get();
    fz_verbose = getenv("FZ_VERBOSE") != NULL;
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    /* Half the time libFuzzer's own byte mutations (they find parser bugs), half
     * the time a re-signed structural change (it reaches the claim checks). */
    if ((seed & 1) && LLVMFuzzerMutate != NULL)
        return LLVMFuzzerMutate(data, size, max_size);
    return fz_jwt_mutate(data, size, max_size, seed >> 1);
}

FZ_NO_COVERAGE static json_t *fz_seg_json(const uint8_t *p, size_t n, uint8_t *buf)
{
    long m = fz_b64url_dec(p, n, buf, FZ_SEG_MAX);
    FZ_CHECK(m >= 0, "accepted segment is base64url");
    return json_loadb((const char *)buf, (size_t)m, 0, NULL);
}

FZ_NO_COVERAGE static void fz_check_sig(const struct gk_jwt_key *k, const uint8_t *msg, size_t msg_len,
                         const uint8_t *sig, size_t sig_len)
{
    if (k->alg == GK_JWT_HS256) {
        uint8_t mac[EVP_MAX_MD_SIZE];
        unsigned int mac_len = 0;
        FZ_CHECK(HMAC(EVP_sha256(), k->secret, (int)k->secret_len, msg, msg_len, mac, &mac_len),
                 "HMAC computes");
        FZ_CHECK(sig_len == mac_len && CRYPTO_memcmp(sig, mac, mac_len) == 0,
                 "HS256 signature equals the recomputed HMAC");
        return;
    }
    uint8_t *der = NULL;
    size_t der_len = sig_len;
    const uint8_t *s = sig;
    if (k->alg == GK_JWT_ES256) {
        FZ_CHECK(fz_es256_raw_to_der(sig, sig_len, &der, &der_len), "ES256 signature is r||s");
        s = der;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
             EVP_DigestVerify(ctx, s, der_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    FZ_CHECK(ok, "signature verifies independently with the kid's key");
}

FZ_NO_COVERAGE static void fz_check_accepted(const struct fz_fixture *f, const uint8_t *tok, size_t len,
                              const struct gk_jwt_claims *c)
{
    static uint8_t buf[FZ_SEG_MAX];
    const uint8_t *d1 = memchr(tok, '.', len);
    FZ_CHECK(d1 != NULL, "accepted token has a first '.'");
    const uint8_t *d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok));
    FZ_CHECK(d2 != NULL, "accepted token has a second '.'");
    FZ_CHECK(memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)) == NULL, "exactly three segments");

    json_t *h = fz_seg_json(tok, (size_t)(d1 - tok), buf);
    FZ_CHECK(json_is_object(h), "header is a JSON object");
    const char *alg = json_string_value(json_object_get(h, "alg"));
    json_t *kidj = json_object_get(h, "kid");
    FZ_CHECK(alg != NULL && json_is_string(kidj), "header has string alg and kid");
    const struct gk_jwt_key *key = NULL;
    for (size_t i = 0; i < f->jwt_policy.keys.n_keys; i++) {
        const struct gk_jwt_key *k = &f->jwt_policy.keys.keys[i];
        if (json_string_length(kidj) == k->kid_len &&
            memcmp(json_string_value(kidj), k->kid, k->kid_len) == 0)
            key = k;
    }
    FZ_CHECK(key != NULL, "kid names a key of the keyset");
    const char *want = key->alg == GK_JWT_HS256 ? "HS256" : key->alg == GK_JWT_ES256 ? "ES256"
                                                                                     : "RS256";
    FZ_CHECK(strcmp(alg, want) == 0 && strlen(alg) == json_string_length(json_object_get(h, "alg")),
             "header alg equals the kid's key alg");
    FZ_CHECK(c->alg == key->alg, "claims.alg is the key's alg");
    FZ_CHECK(strlen(c->kid) == key->kid_len && memcmp(c->kid, key->kid, key->kid_len) == 0,
             "claims.kid is the kid");
    json_decref(h);

    long sig_len = fz_b64url_dec(d2 + 1, len - (size_t)(d2 + 1 - tok), buf, sizeof(buf));
    FZ_CHECK(sig_len >= 0, "signature segment is base64url");
    fz_check_sig(key, tok, (size_t)(d2 - tok), buf, (size_t)sig_len);

    json_t *p = fz_seg_json(d1 + 1, (size_t)(d2 - d1 - 1), buf);
    FZ_CHECK(json_is_object(p), "payload is a JSON object");
    json_t *exp = json_object_get(p, "exp");
    FZ_CHECK(json_is_number(exp), "exp present and numeric");
    FZ_CHECK((double)FZ_NOW <= json_number_value(exp) + FZ_LEEWAY_S, "now <= exp + leeway");
    const char *sub = json_string_value(json_object_get(p, "sub"));
    FZ_CHECK(sub != NULL && sub[0] != '\0', "sub is a non-empty string");
    FZ_CHECK(strcmp(sub, c->sub) == 0 && c->sub_len == strlen(sub), "claims.sub is sub");
    const char *iss = json_string_value(json_object_get(p, "iss"));
    FZ_CHECK(iss != NULL && strcmp(iss, FZ_ISSUER) == 0, "iss is the issuer");
    json_t *aud = json_object_get(p, "aud");
    int aud_ok = json_is_string(aud) && strcmp(json_string_value(aud), FZ_AUDIENCE) == 0;
    for (size_t i = 0; json_is_array(aud) && i < json_array_size(aud); i++) {
        const char *a = json_string_value(json_array_get(aud, i));
        aud_ok |= a != NULL && strcmp(a, FZ_AUDIENCE) == 0;
    }
    FZ_CHECK(aud_ok, "aud is or contains the audience");
    json_decref(p);
}

static void fz_check_b64_canonical(const uint8_t *seg, size_t n)
{
    static uint8_t raw[FZ_SEG_MAX], enc[FZ_SEG_MAX + 4];
    size_t raw_len = 0, enc_len = 0;
    if (n > FZ_SEG_MAX || gk_b64url_decode(seg, n, raw, sizeof(raw), &raw_len) != GK_OK)
        return;
    FZ_CHECK(gk_b64url_encode(raw, raw_len, enc, sizeof(enc), &enc_len) == GK_OK, "re-encodes");
    FZ_CHECK(enc_len == n && memcmp(enc, seg, n) == 0, "base64url decoding is canonical");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gk_jwt_claims claims;
    const struct fz_fixture *f = fz_fixture_get();
    uint8_t *tok = fz_dup(data, size);
    const uint8_t *dot = size ? memchr(tok, '.', size) : NULL;
    fz_check_b64_canonical(tok, dot ? (size_t)(dot - tok) : size);
    enum gk_status st = gk_jwt_verify(tok, size, &f->jwt_policy, FZ_NOW, &claims);
    if (fz_verbose)
        fprintf(stderr, "verdict: %s\n", gk_status_name(st));
    if (st == GK_OK)
        fz_check_accepted(f, tok, size, &claims);
    free(tok);
    return 0;
}
