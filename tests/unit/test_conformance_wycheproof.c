/* test_conformance_wycheproof.c: every test of Wycheproof's
 * json_web_signature_test.json through gk_jws_verify.
 *
 * Each group's JWK (public part; the private one only when there is no
 * public) becomes a one-key keyset, exactly as gatekeeper would configure it:
 * the key's algorithm is the JWK's "alg"; a JWK meant for encryption ("use"
 * other than "sig", or "key_ops" without "verify", RFC 7517 §4.2-4.3), or
 * with an algorithm we do not implement, is never configured, so its tokens
 * are refused. "valid" must verify, "invalid" must not, "acceptable" may go
 * either way. Known, reasoned divergences are listed below; any other
 * disagreement fails, and so does a listed divergence that stops diverging. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gk/jwt.h"
#include "jose.h"

#define WYCHEPROOF_JWS GC_VECTORS_DIR "/wycheproof/testvectors_v1/json_web_signature_test.json"
#define SECRET_CAP 1024
#define PAYLOAD_CAP (GK_JWT_MAX_TOKEN)

static const struct {
    int tc_id;
    const char *reason;
} divergences[] = {
    {346, "RFC 7520 Figure 20 is a PS384 token, but the group's JWK says alg PS256: the "
          "key's algorithm is authoritative, so alg PS384 is refused (GK_E_JWT_ALG)"},
    {350, "same as 346 (the key_ops variant of the group)"},
    {347, "RFC 7520 Figure 27 is ES512 on P-521 (JWK alg \"ES521\"); gatekeeper implements "
          "ES256/ES384 only, so the key cannot be configured and the token is refused"},
    {351, "same as 347 (the key_ops variant of the group)"},
    {367, "labelled invalid (\"invalidBase64Padding\") but the token is byte-identical to "
          "tcId 357 (valid): whatever padding it once had was lost; we accept it"},
    {370, "labelled invalid (\"invalidBase64PaddingInPayload\") but byte-identical to tcId 357; "
          "we accept it"},
    {372, "labelled valid although its comment says an invalid character ('?') was inserted "
          "into the header; strict base64url refuses it (GK_E_B64_ALPHABET)"},
    {373, "labelled valid although its comment says an invalid character ('?') was inserted "
          "into the payload; strict base64url refuses it (GK_E_B64_ALPHABET)"},
};
#define N_DIVERGENCES (sizeof divergences / sizeof divergences[0])

static const char *divergence_reason(int tc_id)
{
    for (size_t i = 0; i < N_DIVERGENCES; i++)
        if (divergences[i].tc_id == tc_id)
            return divergences[i].reason;
    return NULL;
}

/* RFC 7517 §4.2 "use" and §4.3 "key_ops": a key not meant for verifying
 * signatures is never a verification key. */
static int jwk_is_for_verification(const json_t *jwk)
{
    const json_t *use = json_object_get(jwk, "use");
    if (use != NULL && !(json_is_string(use) && strcmp(json_string_value(use), "sig") == 0))
        return 0;
    const json_t *ops = json_object_get(jwk, "key_ops");
    if (ops == NULL)
        return 1;
    size_t i;
    const json_t *op;
    json_array_foreach(ops, i, op)
    {
        if (json_is_string(op) && strcmp(json_string_value(op), "verify") == 0)
            return 1;
    }
    return 0;
}

struct group_key {
    struct gk_jwt_key key;
    uint8_t secret[SECRET_CAP];
    int configured;
    const char *why_not;
};

static void group_key_load(const json_t *group, struct group_key *gk)
{
    memset(gk, 0, sizeof *gk);
    const json_t *jwk = json_object_get(group, "public");
    if (jwk == NULL)
        jwk = json_object_get(group, "private");
    if (!json_is_object(jwk)) {
        gk->why_not = "no JWK";
        return;
    }
    if (!jwk_is_for_verification(jwk)) {
        gk->why_not = "JWK not for signature verification";
        return;
    }
    const json_t *alg = json_object_get(jwk, "alg");
    if (!json_is_string(alg) ||
        gk_jwt_alg_parse((const uint8_t *)json_string_value(alg), json_string_length(alg),
                         &gk->key.alg) != GK_OK) {
        gk->why_not = "no supported alg";
        return;
    }
    size_t slen = 0;
    if (gc_jwk_load(jwk, &gk->key.pkey, gk->secret, sizeof gk->secret, &slen) != 0) {
        gk->why_not = "JWK does not load";
        return;
    }
    if (gk->key.pkey == NULL) {
        gk->key.secret = gk->secret;
        gk->key.secret_len = slen;
    }
    const json_t *kid = json_object_get(jwk, "kid");
    if (json_is_string(kid)) {
        gk->key.kid = (const uint8_t *)json_string_value(kid);
        gk->key.kid_len = json_string_length(kid);
    }
    gk->configured = 1;
}

START_TEST(wycheproof_json_web_signature_all_tests)
{
    json_error_t err;
    json_t *root = json_load_file(WYCHEPROOF_JWS, 0, &err);
    ck_assert_msg(root != NULL, "%s: %s", WYCHEPROOF_JWS, err.text);
    json_int_t declared = json_integer_value(json_object_get(root, "numberOfTests"));

    static uint8_t payload[PAYLOAD_CAP];
    size_t n = 0, agree = 0, documented = 0, disagree = 0, valid_seen = 0, invalid_seen = 0;
    size_t gi;
    json_t *group;
    json_array_foreach(json_object_get(root, "testGroups"), gi, group)
    {
        struct group_key gk;
        group_key_load(group, &gk);
        struct gk_jwt_keyset ks = {&gk.key, gk.configured ? 1 : 0};
        size_t ti;
        json_t *t;
        json_array_foreach(json_object_get(group, "tests"), ti, t)
        {
            int tc = (int)json_integer_value(json_object_get(t, "tcId"));
            const char *result = json_string_value(json_object_get(t, "result"));
            const json_t *jws = json_object_get(t, "jws");
            ck_assert_ptr_nonnull(result);
            n++;
            enum gk_status st = GK_E_JWT_FORM; /* a non-string jws is not compact */
            if (json_is_string(jws)) {
                size_t pl = 0;
                st = gk_jws_verify((const uint8_t *)json_string_value(jws), json_string_length(jws),
                                   &ks, payload, sizeof payload, &pl, NULL);
            }
            int accepted = st == GK_OK;
            int ok;
            if (strcmp(result, "valid") == 0) {
                ok = accepted;
                valid_seen++;
            } else if (strcmp(result, "invalid") == 0) {
                ok = !accepted;
                invalid_seen++;
            } else {
                ok = 1; /* acceptable */
            }
            const char *why = divergence_reason(tc);
            if (ok && why == NULL) {
                agree++;
            } else if (!ok && why != NULL) {
                documented++;
                printf("  documented divergence tcId %d (%s, got %s): %s\n", tc, result,
                       gk_status_name(st), why);
            } else if (ok) {
                disagree++;
                printf("  tcId %d: listed as divergent but now agrees (%s, got %s)\n", tc, result,
                       gk_status_name(st));
            } else {
                disagree++;
                printf("  DISAGREE tcId %d (%s, %s): got %s; key %s\n", tc,
                       json_string_value(json_object_get(t, "comment")), result,
                       gk_status_name(st), gk.configured ? "configured" : gk.why_not);
            }
        }
        EVP_PKEY_free(gk.key.pkey);
    }
    printf("wycheproof-jws: %zu tests, %zu agree, %zu documented-divergent, %zu disagree\n", n,
           agree, documented, disagree);
    fflush(stdout);
    json_decref(root);
    ck_assert_int_eq((json_int_t)n, declared);
    ck_assert_uint_gt(valid_seen, 0);
    ck_assert_uint_gt(invalid_seen, 0);
    ck_assert_uint_eq(documented, N_DIVERGENCES);
    ck_assert_uint_eq(disagree, 0);
}
END_TEST

int main(void)
{
    FILE *f = fopen(WYCHEPROOF_JWS, "rb");
    if (f == NULL) {
        printf("skipped: %s not found (public vectors not installed on this machine)\n",
               WYCHEPROOF_JWS);
        return 77;
    }
    fclose(f);
    Suite *s = suite_create("conformance_wycheproof");
    TCase *tc = tcase_create("jws");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, wycheproof_json_web_signature_all_tests);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
