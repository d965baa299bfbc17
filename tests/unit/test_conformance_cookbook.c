/* test_conformance_cookbook.c: RFC 7520 ("JOSE cookbook") §4 JWS examples
 * through gk_jws_verify, with the keys of §3 (jose-cookbook/jwk/).
 *  4.1 RS256, 4.2 PS384, 4.4 HS256: compact form verifies, payload matches.
 *  4.3 ES512: not implemented (ES256/ES384 only): refused with GK_E_JWT_ALG.
 *  4.5 detached content: the compact form has an empty payload segment and the
 *      signature covers content we are not given: refused.
 *  4.6, 4.7, 4.8: JSON serialization only (unprotected headers, multiple
 *      signatures): refused with GK_E_JWT_FORM. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gk/jwt.h"
#include "jose.h"

#define COOKBOOK GC_VECTORS_DIR "/jose-cookbook"
#define SECRET_CAP 256
#define TOK_CAP (GK_JWT_MAX_TOKEN)

enum expect { E_VERIFY, E_ALG_UNSUPPORTED, E_REFUSED, E_JSON_ONLY };

static const struct {
    const char *name;
    const char *jws;
    const char *jwk;
    const char *alg; /* configured algorithm for the key */
    enum expect expect;
} cases[] = {
    {"4.1 RS256", "4_1.rsa_v15_signature.json", "3_3.rsa_public_key.json", "RS256", E_VERIFY},
    {"4.2 PS384", "4_2.rsa-pss_signature.json", "3_3.rsa_public_key.json", "PS384", E_VERIFY},
    {"4.3 ES512", "4_3.ecdsa_signature.json", "3_1.ec_public_key.json", "ES512", E_ALG_UNSUPPORTED},
    {"4.4 HS256", "4_4.hmac-sha2_integrity_protection.json",
     "3_5.symmetric_key_mac_computation.json", "HS256", E_VERIFY},
    {"4.5 detached", "4_5.signature_with_detached_content.json",
     "3_5.symmetric_key_mac_computation.json", "HS256", E_REFUSED},
    {"4.6 protected fields", "4_6.protecting_specific_header_fields.json",
     "3_5.symmetric_key_mac_computation.json", "HS256", E_JSON_ONLY},
    {"4.7 content only", "4_7.protecting_content_only.json",
     "3_5.symmetric_key_mac_computation.json", "HS256", E_JSON_ONLY},
    {"4.8 multiple signatures", "4_8.multiple_signatures.json",
     "3_5.symmetric_key_mac_computation.json", "HS256", E_JSON_ONLY},
};

static json_t *load(const char *dir, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", COOKBOOK, dir, file);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    ck_assert_msg(j != NULL, "%s: %s", path, err.text);
    return j;
}

struct loaded_key {
    struct gk_jwt_key key;
    uint8_t secret[SECRET_CAP];
};

static void load_key(json_t *jwk, const char *alg, struct loaded_key *lk)
{
    memset(lk, 0, sizeof *lk);
    size_t slen = 0;
    ck_assert_int_eq(gc_jwk_load(jwk, &lk->key.pkey, lk->secret, sizeof lk->secret, &slen), 0);
    if (lk->key.pkey == NULL) {
        lk->key.secret = lk->secret;
        lk->key.secret_len = slen;
    }
    const char *kid = json_string_value(json_object_get(jwk, "kid"));
    ck_assert_ptr_nonnull(kid);
    lk->key.kid = (const uint8_t *)kid;
    lk->key.kid_len = strlen(kid);
    ck_assert_int_eq(gk_jwt_alg_parse((const uint8_t *)alg, strlen(alg), &lk->key.alg), GK_OK);
}

START_TEST(cookbook_example)
{
    json_t *ex = load("jws", cases[_i].jws);
    json_t *jwk = load("jwk", cases[_i].jwk);
    json_t *out = json_object_get(ex, "output");
    const char *compact = json_string_value(json_object_get(out, "compact"));
    const char *payload = json_string_value(json_object_get(json_object_get(ex, "input"), "payload"));
    struct loaded_key lk;
    uint8_t buf[TOK_CAP];
    size_t pl = 0;
    enum gk_status st;

    switch (cases[_i].expect) {
    case E_VERIFY:
        load_key(jwk, cases[_i].alg, &lk);
        ck_assert_ptr_nonnull(compact);
        ck_assert_ptr_nonnull(payload);
        st = gk_jws_verify((const uint8_t *)compact, strlen(compact), &(struct gk_jwt_keyset){&lk.key, 1},
                           buf, sizeof buf, &pl, NULL);
        ck_assert_msg(st == GK_OK, "%s: %s", cases[_i].name, gk_status_name(st));
        ck_assert_uint_eq(pl, strlen(payload));
        ck_assert_int_eq(memcmp(buf, payload, pl), 0);
        break;
    case E_ALG_UNSUPPORTED: {
        /* ES512 cannot even be named in a key; configured as the nearest we have
         * (ES256, same kid), the token's alg does not match it. */
        enum gk_jwt_alg a;
        ck_assert_int_eq(gk_jwt_alg_parse((const uint8_t *)cases[_i].alg, strlen(cases[_i].alg), &a),
                         GK_E_JWT_ALG);
        load_key(jwk, "ES256", &lk);
        st = gk_jws_verify((const uint8_t *)compact, strlen(compact), &(struct gk_jwt_keyset){&lk.key, 1},
                           buf, sizeof buf, &pl, NULL);
        ck_assert_msg(st == GK_E_JWT_ALG, "%s: %s", cases[_i].name, gk_status_name(st));
        break;
    }
    case E_REFUSED:
        load_key(jwk, cases[_i].alg, &lk);
        ck_assert_ptr_nonnull(compact);
        st = gk_jws_verify((const uint8_t *)compact, strlen(compact), &(struct gk_jwt_keyset){&lk.key, 1},
                           buf, sizeof buf, &pl, NULL);
        ck_assert_msg(st == GK_E_JWT_SIGNATURE, "%s: %s", cases[_i].name, gk_status_name(st));
        break;
    case E_JSON_ONLY: {
        load_key(jwk, cases[_i].alg, &lk);
        ck_assert_ptr_null(compact);
        const char *forms[] = {"json", "json_flat"};
        for (size_t f = 0; f < 2; f++) {
            json_t *j = json_object_get(out, forms[f]);
            if (j == NULL)
                continue;
            char *text = json_dumps(j, JSON_COMPACT);
            ck_assert_ptr_nonnull(text);
            st = gk_jws_verify((const uint8_t *)text, strlen(text), &(struct gk_jwt_keyset){&lk.key, 1},
                               buf, sizeof buf, &pl, NULL);
            ck_assert_msg(st == GK_E_JWT_FORM, "%s %s: %s", cases[_i].name, forms[f],
                          gk_status_name(st));
            free(text);
        }
        break;
    }
    }
    EVP_PKEY_free(lk.key.pkey);
    json_decref(jwk);
    json_decref(ex);
}
END_TEST

/* The harness signer reproduces the deterministic HS256 example byte for byte
 * (RFC 7520 §4.4.3): an independent check of gc_jws_sign. */
START_TEST(harness_signer_reproduces_hs256_example)
{
    json_t *ex = load("jws", "4_4.hmac-sha2_integrity_protection.json");
    json_t *jwk = load("jwk", "3_5.symmetric_key_mac_computation.json");
    const char *compact = json_string_value(json_object_get(json_object_get(ex, "output"), "compact"));
    const char *payload = json_string_value(json_object_get(json_object_get(ex, "input"), "payload"));
    const char *prot_b64 =
        json_string_value(json_object_get(json_object_get(ex, "signing"), "protected_b64u"));
    char hdr[256];
    int hl = gc_b64url_decode(prot_b64, strlen(prot_b64), (uint8_t *)hdr, sizeof hdr - 1);
    ck_assert_int_gt(hl, 0);
    hdr[hl] = '\0';
    uint8_t secret[SECRET_CAP];
    size_t slen = 0;
    EVP_PKEY *pk = NULL;
    ck_assert_int_eq(gc_jwk_load(jwk, &pk, secret, sizeof secret, &slen), 0);
    char tok[TOK_CAP];
    ck_assert_int_eq(gc_jws_sign(hdr, payload, "HS256", NULL, secret, slen, tok, sizeof tok), 0);
    ck_assert_str_eq(tok, compact);
    json_decref(jwk);
    json_decref(ex);
}
END_TEST

int main(void)
{
    FILE *f = fopen(COOKBOOK "/jws/4_1.rsa_v15_signature.json", "rb");
    if (f == NULL) {
        printf("skipped: %s not found (public vectors not installed on this machine)\n", COOKBOOK);
        return 77;
    }
    fclose(f);
    Suite *s = suite_create("conformance_cookbook");
    TCase *tc = tcase_create("rfc7520");
    tcase_add_loop_test(tc, cookbook_example, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, harness_signer_reproduces_hs256_example);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
