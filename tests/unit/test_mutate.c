/* tests/unit/test_mutate.c: the network fuzzer's operators declare their
 * effect on the ground truth correctly (mutate.h), the models agree with the
 * contract on examples, the PRNG is deterministic, corpus entries survive a
 * JSON round trip, and regression files load as "regress.<id>" cases. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "mutate.h"

#define ID_ALICE "spiffe://gatecrash.test/user/alice"
#define SUB_CAROL "carol@gatecrash.test"
#define TMP_TEMPLATE "/tmp/gc-test-mutate-XXXXXX"
#define DETERMINISM_OPS 200

/* --- the path model ---------------------------------------------------------------------- */

static const struct {
    const char *target;
    int want;          /* 1 allow, 0 deny, -1 unknown */
    const char *file;  /* on allow */
} PATHS[] = {
    {"/files/hello.txt", 1, "hello.txt"},
    {"/files/sub/./dir/../dir/nested.txt", 1, "sub/dir/nested.txt"},
    {"/files/x/../hello.txt", 1, "hello.txt"},
    {"/files/%2e/hello.txt", 1, "hello.txt"},
    {"/files/sub/%2E%2e/hello.txt", 1, "hello.txt"},
    {"/files/hell%6F.txt", 1, "hello.txt"},
    {"/files/sub//dir/nested.txt", 1, "sub/dir/nested.txt"},
    {"/files/%2e%2e/canary.txt", 0, NULL},
    {"/files/../../canary.txt", 0, NULL},
    {"/files/../www-x/canary.txt", 0, NULL},
    {"/files/%252e%252e/canary.txt", 0, NULL},
    {"/files/sub%2fdir%2fnested.txt", 0, NULL},
    {"/files/..%5c..%5ccanary.txt", 0, NULL},
    {"/files/sub\\dir\\nested.txt", 0, NULL},
    {"/files/hello.txt%00", 0, NULL},
    {"/files/hello.txt%0a", 0, NULL},
    {"/files/%c0%ae%c0%ae/canary.txt", 0, NULL},
    {"/files/%e0%80%ae%e0%80%ae/canary.txt", 0, NULL},
    {"/files/..%c0%afcanary.txt", 0, NULL},
    {"/files/hello.txt/", 0, NULL},
    {"/files/sub/dir/nested.txt/.", 0, NULL},
    {"/files/sub", 0, NULL},
    {"/files/escape", 0, NULL},
    {"/files/etc-link/passwd", 0, NULL},
    {"/files/Hello.txt", 0, NULL},
    {"/files/%zz", 0, NULL},
    {"/files/../public", -1, NULL},               /* another route answers */
    {"/files/sub/dir//../nested.txt", -1, NULL},  /* "//" then "..": interpretations differ */
};

START_TEST(path_model_matches_the_contract_examples)
{
    const char *t = PATHS[_i].target;
    const char *file = NULL;
    int got = gc_mut_path_model(t, strlen(t), &file);
    ck_assert_msg(got == PATHS[_i].want, "%s: got %d want %d", t, got, PATHS[_i].want);
    if (PATHS[_i].file != NULL)
        ck_assert_str_eq(file, PATHS[_i].file);
    else
        ck_assert_ptr_null(file);
}
END_TEST

/* --- the token model ----------------------------------------------------------------------- */

START_TEST(token_model_decides_validity_field_by_field)
{
    const char *id;
    int admin;
    struct gc_mut_token t = {.roles = 2}; /* rsa-1, fixture key, carol, ["admin"] */
    ck_assert_int_eq(gc_mut_token_valid(&t, &id, &admin), 1);
    ck_assert_str_eq(id, SUB_CAROL);
    ck_assert_int_eq(admin, 1);
    struct gc_mut_token u = t;
    u.aud = 1; /* wrong aud */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 0);
    u = t;
    u.aud = 3; /* array containing the audience */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 1);
    u = t;
    u.key = 1; /* attacker key */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 0);
    u = t;
    u.alg = 1; /* "none" */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 0);
    u = t;
    u.kid = 3; /* hs-1 with its own HS256 */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 1);
    u.alg = 5; /* "HS256" spelled out under hs-1: still its own alg */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 1);
    u = t;
    u.exp = 2; /* exp missing */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 0);
    u = t;
    u.roles = 4; /* ["Admin"]: not admin */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), 1);
    ck_assert_int_eq(admin, 0);
    u = t;
    u.url = 1; /* jku: unknown */
    ck_assert_int_eq(gc_mut_token_valid(&u, &id, &admin), -1);
}
END_TEST

/* --- operators on cases -------------------------------------------------------------------- */

static struct gc_mut_case mat(const char *base, const struct gc_mut_op *ops, size_t n)
{
    struct gc_mut_entry e = {0};
    snprintf(e.base, sizeof(e.base), "%s", base);
    for (size_t i = 0; i < n; i++)
        e.ops[i] = ops[i];
    e.n_ops = n;
    struct gc_mut_case mc;
    char err[256];
    ck_assert_msg(gc_mut_materialize(&e, NULL, NULL, &mc, err, sizeof(err)) == 0, "%s", err);
    return mc;
}

#define OP(k, a_, b_, c_) {.kind = GC_MUT_##k, .a = (a_), .b = (b_), .c = (c_)}

START_TEST(jwt_roles_on_a_fixture_signed_token_allow_with_those_roles)
{
    struct gc_mut_op ops[] = {OP(JWT_SET, 0, 0, 2)}; /* rsa-1, carol, ["admin"] */
    struct gc_mut_case mc = mat("cert.valid.alice-admin", ops, 1);
    ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_EXACT);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_ALLOW);
    ck_assert_str_eq(mc.c.expect.identity, SUB_CAROL);
    ck_assert_str_eq(mc.c.expect.source, "jwt");
    ck_assert_int_eq(mc.c.expect.admin, GC_ADMIN_YES);
    ck_assert_ptr_nonnull(strstr(mc.c.token.payload, "\"roles\":[\"admin\"]"));
    ck_assert_int_eq(mc.c.token.key, GC_KEY_FIXTURE);
    gc_mut_case_free(&mc);
}
END_TEST

START_TEST(jwt_wrong_aud_attacker_key_or_alg_none_deny)
{
    const struct gc_mut_op variants[][2] = {
        {OP(JWT_SET, 0, 0, 2), OP(JWT_CLAIM, 1, 1, 0)}, /* aud wrong */
        {OP(JWT_SET, 1, 0, 2), OP(JWT_KEY, 1, 0, 0)},   /* ec-1 signed by the attacker */
        {OP(JWT_SET, 2, 0, 2), OP(JWT_ALG, 1, 0, 0)},   /* alg "none" */
        {OP(JWT_SET, 0, 0, 2), OP(JWT_KEY, 3, 0, 0)},   /* HS256 keyed with the RSA PEM */
    };
    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        struct gc_mut_case mc = mat("cert.valid.admin-admin", variants[i], 2);
        ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_EXACT);
        /* an invalid token leaves no identity, even beside the admin certificate */
        ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_STATUS);
        ck_assert_int_eq(mc.c.expect.status, 401);
        gc_mut_case_free(&mc);
    }
    struct gc_mut_op who[] = {OP(JWT_SET, 0, 0, 2), OP(JWT_CLAIM, 1, 1, 0)};
    struct gc_mut_case mc = mat("cert.valid.alice-whoami", who, 2);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_ALLOW);
    ck_assert_ptr_null(mc.c.expect.identity);
    ck_assert_str_eq(mc.c.expect.source, "none");
    gc_mut_case_free(&mc);
}
END_TEST

START_TEST(jwt_url_makes_the_truth_unknown)
{
    struct gc_mut_op ops[] = {OP(JWT_URL, 0, 0, 0)};
    struct gc_mut_case mc = mat("cert.valid.alice-admin", ops, 1);
    ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_UNKNOWN);
    ck_assert_str_eq(mc.c.refs, GC_MUT_REFS_UNKNOWN);
    ck_assert_ptr_nonnull(strstr(mc.c.token.header, "${SSRF_URL}"));
    gc_mut_case_free(&mc);
}
END_TEST

START_TEST(cert_swap_follows_the_truth_table)
{
    struct gc_mut_op ops[] = {OP(CERT_SWAP, GC_CERT_ADMIN, 0, 0)};
    struct gc_mut_case mc = mat("cert.valid.alice-admin", ops, 1);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_ALLOW);
    ck_assert_str_eq(mc.c.expect.identity, "spiffe://gatecrash.test/admin");
    gc_mut_case_free(&mc);
    struct gc_mut_op rogue[] = {OP(CERT_SWAP, GC_CERT_ROGUE_CA_ADMIN, 0, 0)};
    mc = mat("cert.valid.alice-admin", rogue, 1);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_STATUS);
    ck_assert_int_eq(mc.c.expect.status, 401);
    gc_mut_case_free(&mc);
    /* a swap onto the proxy with forwarding headers present: outside the model */
    struct gc_mut_op proxy[] = {OP(CERT_SWAP, GC_CERT_PROXY, 0, 0)};
    mc = mat("fwd.untrusted.xfcc-admin-whoami", proxy, 1);
    ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_UNKNOWN);
    gc_mut_case_free(&mc);
}
END_TEST

START_TEST(forwarding_headers_from_a_non_proxy_change_nothing)
{
    for (uint32_t g = 0; g < 256; g += 17) {
        struct gc_mut_op ops[] = {OP(FWD_ADD, g % 4, g, g % 4)};
        struct gc_mut_case mc = mat("cert.valid.alice-whoami", ops, 1);
        ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_EXACT);
        ck_assert_str_eq(mc.c.expect.identity, ID_ALICE);
        ck_assert_str_eq(mc.c.expect.source, "cert");
        ck_assert_ptr_nonnull(mc.c.headers[0]);
        ck_assert_ptr_null(strpbrk(mc.c.headers[0], "\r\n"));
        gc_mut_case_free(&mc);
    }
    /* from the proxy: grammar variants are unknown, a name's case is not */
    struct gc_mut_op add[] = {OP(FWD_ADD, 1, 4, 0)};
    struct gc_mut_case mc = mat("fwd.proxy.no-xfcc-whoami", add, 1);
    ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_UNKNOWN);
    gc_mut_case_free(&mc);
    struct gc_mut_op cs[] = {OP(FWD_NAME_CASE, 0, 0, 0)};
    mc = mat("fwd.proxy.xfcc-alice-whoami", cs, 1);
    ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_EXACT);
    ck_assert_str_eq(mc.c.expect.source, "forwarded");
    ck_assert_int_eq(strncmp(mc.c.headers[0], "x-forwarded-client-cert:", 24), 0);
    gc_mut_case_free(&mc);
}
END_TEST

START_TEST(path_operators_are_judged_by_the_path_model)
{
    struct gc_mut_op keep[] = {OP(PATH_DOT, 1, 0, 0), OP(PATH_DOTDOT, 2, 0, 0),
                               OP(PATH_PCT, 0, 1, 1)};
    struct gc_mut_case mc = mat("path.ok.nested", keep, 3);
    ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_EXACT);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_ALLOW);
    ck_assert_str_eq(mc.expect_file, "sub/dir/nested.txt");
    ck_assert_str_eq(mc.c.target, "/files/s%75b/./x/../dir/nested.txt");
    gc_mut_case_free(&mc);
    const struct gc_mut_op bad[] = {OP(PATH_UP, 0, 0, 0), OP(PATH_SEP, 0, 3, 0),
                                    OP(PATH_DOUBLE, 0, 0, 0), OP(PATH_OVERLONG, 0, 0, 2)};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        mc = mat("path.ok.hello", &bad[i], 1);
        ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_EXACT);
        ck_assert_msg(mc.c.expect.kind == GC_EXPECT_DENY, "%s", mc.c.target);
        gc_mut_case_free(&mc);
    }
}
END_TEST

START_TEST(run_argument_bytes_allow_up_to_4096_and_refuse_nul_or_more)
{
    uint8_t *arg = malloc(GC_MUT_RUN_MAX_ARG + 1);
    for (size_t i = 0; i <= GC_MUT_RUN_MAX_ARG; i++)
        arg[i] = (uint8_t)(1 + i % 255);
    struct gc_mut_op ok = {.kind = GC_MUT_RUN_ARG, .bytes = arg, .len = GC_MUT_RUN_MAX_ARG};
    struct gc_mut_case mc = mat("run.text.spaces", &ok, 1);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_ALLOW);
    ck_assert_uint_eq(mc.c.run_arg_len, GC_MUT_RUN_MAX_ARG);
    ck_assert_int_eq(memcmp(mc.c.run_arg, arg, GC_MUT_RUN_MAX_ARG), 0);
    gc_mut_case_free(&mc);
    struct gc_mut_op over = ok;
    over.len = GC_MUT_RUN_MAX_ARG + 1;
    mc = mat("run.text.spaces", &over, 1);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_STATUS);
    ck_assert_int_eq(mc.c.expect.status, 400);
    gc_mut_case_free(&mc);
    arg[7] = 0;
    struct gc_mut_op nul = ok;
    nul.len = 10;
    mc = mat("run.text.spaces", &nul, 1);
    ck_assert_int_eq(mc.c.expect.status, 400);
    gc_mut_case_free(&mc);
    free(arg);
}
END_TEST

START_TEST(framing_variants_expect_deny)
{
    for (uint32_t v = 0; v < 9; v++) {
        struct gc_mut_op ops[] = {OP(FRAME, v, 0, 0)};
        struct gc_mut_case mc = mat("route.basic.public-anonymous", ops, 1);
        ck_assert_int_eq(mc.truth, GC_MUT_TRUTH_EXACT);
        ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_DENY);
        ck_assert_ptr_nonnull(mc.c.raw);
        ck_assert_ptr_nonnull(strstr(mc.c.raw, "${HOST}"));
        gc_mut_case_free(&mc);
    }
}
END_TEST

START_TEST(no_operator_keeps_the_base_expectation)
{
    struct gc_mut_case mc = mat("path.dotdot.above-root", NULL, 0);
    ck_assert_int_eq(mc.c.expect.kind, GC_EXPECT_STATUS);
    ck_assert_int_eq(mc.c.expect.status, 400);
    ck_assert_str_eq(mc.c.id, "fuzz.path.dotdot.above-root");
    gc_mut_case_free(&mc);
}
END_TEST

/* --- determinism and entries ------------------------------------------------------------------ */

static char *ops_json(uint64_t seed, uint64_t stream)
{
    struct gc_prng p;
    gc_prng_seed(&p, seed, stream);
    struct gc_mut_entry e = {0};
    snprintf(e.base, sizeof(e.base), "run.text.spaces");
    json_t *all = json_array();
    for (size_t i = 0; i < DETERMINISM_OPS; i++) {
        ck_assert_int_eq(gc_mut_random_op(&p, &e), 0);
        json_array_append_new(all, gc_mut_entry_to_json(&e));
    }
    gc_mut_entry_free(&e);
    char *s = json_dumps(all, JSON_COMPACT);
    json_decref(all);
    return s;
}

START_TEST(random_operators_are_a_function_of_seed_and_job)
{
    char *a = ops_json(1, 0), *b = ops_json(1, 0), *c = ops_json(1, 1), *d = ops_json(2, 0);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_str_ne(a, d);
    free(a);
    free(b);
    free(c);
    free(d);
    struct gc_prng p;
    gc_prng_seed(&p, 7, 0);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_lt(gc_prng_below(&p, 3), 3);
}
END_TEST

START_TEST(corpus_entry_round_trips_through_json)
{
    static const uint8_t ARG[] = {'a', 0, 0xff, ';', '\n'};
    struct gc_mut_entry e = {0};
    snprintf(e.base, sizeof(e.base), "run.text.spaces");
    e.ops[0] = (struct gc_mut_op)OP(PATH_SEP, 3, 4, 5);
    e.ops[1] = (struct gc_mut_op){.kind = GC_MUT_RUN_ARG, .bytes = malloc(sizeof(ARG)),
                                  .len = sizeof(ARG)};
    memcpy(e.ops[1].bytes, ARG, sizeof(ARG));
    e.ops[2] = (struct gc_mut_op)OP(FRAME, 2, 0, 0);
    e.n_ops = 3;
    json_t *j = gc_mut_entry_to_json(&e);
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    json_t *back = json_loads(text, 0, NULL);
    struct gc_mut_entry f;
    char err[128];
    ck_assert_int_eq(gc_mut_entry_from_json(back, &f, err, sizeof(err)), 0);
    json_decref(back);
    ck_assert_str_eq(f.base, e.base);
    ck_assert_uint_eq(f.n_ops, 3);
    ck_assert_int_eq(f.ops[0].kind, GC_MUT_PATH_SEP);
    ck_assert_uint_eq(f.ops[0].c, 5);
    ck_assert_uint_eq(f.ops[1].len, sizeof(ARG));
    ck_assert_int_eq(memcmp(f.ops[1].bytes, ARG, sizeof(ARG)), 0);
    char h1[GC_MUT_HASH_HEX + 1], h2[GC_MUT_HASH_HEX + 1];
    ck_assert_int_eq(gc_mut_entry_hash(&e, h1), 0);
    ck_assert_int_eq(gc_mut_entry_hash(&f, h2), 0);
    ck_assert_str_eq(h1, h2);
    gc_mut_entry_drop(&f, 0);
    ck_assert_int_eq(gc_mut_entry_hash(&f, h2), 0);
    ck_assert_str_ne(h1, h2);
    free(text);
    gc_mut_entry_free(&e);
    gc_mut_entry_free(&f);
    /* malformed entries are refused */
    static const char *const BAD[] = {
        "{\"format\":2,\"base\":\"x\",\"ops\":[]}",
        "{\"format\":1,\"ops\":[]}",
        "{\"format\":1,\"base\":\"x\",\"ops\":[{\"op\":\"nope\"}]}",
        "{\"format\":1,\"base\":\"x\",\"ops\":[{\"op\":\"run.arg\",\"hex\":\"abc\"}]}",
        "{\"format\":1,\"base\":\"x\",\"ops\":[{\"op\":\"run.arg\",\"hex\":\"zz\"}]}",
        "{\"format\":1,\"base\":\"x\",\"ops\":[{\"op\":\"path.pct\",\"a\":-1}]}",
        "{\"format\":1,\"base\":\"x\",\"ops\":[{},{},{},{},{},{},{},{},{}]}",
    };
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        json_t *bj = json_loads(BAD[i], 0, NULL);
        ck_assert_ptr_nonnull(bj);
        ck_assert_msg(gc_mut_entry_from_json(bj, &f, err, sizeof(err)) == -1, "%s", BAD[i]);
        json_decref(bj);
    }
}
END_TEST

/* --- the runner's side: filter and regression loader ---------------------------------------------- */

START_TEST(unknown_truth_keeps_only_model_free_oracles)
{
    struct gc_case c = {.id = "regress.x", .refs = GC_MUT_REFS_UNKNOWN};
    struct gc_verdict v[GC_OR_COUNT];
    memset(v, 0, sizeof(v));
    for (size_t i = 0; i < GC_OR_COUNT; i++)
        v[i].fired = 1;
    ck_assert_uint_eq(gc_fuzz_filter_verdicts(&c, v), GC_OR_COUNT - 2);
    ck_assert_int_eq(v[GC_OR_AUTHZ_BYPASS].fired, 0);
    ck_assert_int_eq(v[GC_OR_IDENTITY_CONFUSION].fired, 0);
    ck_assert_int_eq(v[GC_OR_TRAVERSAL].fired, 1);
    c.refs = GC_MUT_REFS_EXACT;
    v[GC_OR_AUTHZ_BYPASS].fired = 1;
    ck_assert_uint_eq(gc_fuzz_filter_verdicts(&c, v), GC_OR_COUNT - 1);
}
END_TEST

static void put(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

START_TEST(regression_files_load_as_regress_cases)
{
    char dir[] = TMP_TEMPLATE;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    put(dir, "b0b0.json",
        "{\"format\":1,\"base\":\"path.ok.hello\",\"ops\":[{\"op\":\"path.up\",\"a\":0,\"b\":0,"
        "\"c\":0}],\"oracle\":\"traversal\"}");
    put(dir, "a0a0.json", "{\"format\":1,\"base\":\"no.such.case\",\"ops\":[]}");
    put(dir, "notes.txt", "ignored");
    struct gc_fuzz_cases *fc = NULL;
    char err[128];
    ck_assert_int_eq(gc_fuzz_cases_load(dir, &fc, err, sizeof(err)), 0);
    size_t n = 0, bad = 0;
    const struct gc_case *cs = gc_fuzz_cases_get(fc, &n, &bad);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(bad, 1);
    ck_assert_str_eq(cs[0].id, "regress.b0b0");
    ck_assert_str_eq(cs[0].target, "/files/../hello.txt");
    ck_assert_int_eq(cs[0].expect.kind, GC_EXPECT_DENY);
    gc_fuzz_cases_free(fc);
    char path[512];
    snprintf(path, sizeof(path), "%s/b0b0.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/a0a0.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/notes.txt", dir);
    unlink(path);
    rmdir(dir);
    ck_assert_int_eq(gc_fuzz_cases_load("/nonexistent/gatecrash", &fc, err, sizeof(err)), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mutate");
    TCase *tc = tcase_create("models");
    tcase_add_loop_test(tc, path_model_matches_the_contract_examples, 0,
                        (int)(sizeof(PATHS) / sizeof(PATHS[0])));
    tcase_add_test(tc, token_model_decides_validity_field_by_field);
    suite_add_tcase(s, tc);
    tc = tcase_create("operators");
    tcase_add_test(tc, jwt_roles_on_a_fixture_signed_token_allow_with_those_roles);
    tcase_add_test(tc, jwt_wrong_aud_attacker_key_or_alg_none_deny);
    tcase_add_test(tc, jwt_url_makes_the_truth_unknown);
    tcase_add_test(tc, cert_swap_follows_the_truth_table);
    tcase_add_test(tc, forwarding_headers_from_a_non_proxy_change_nothing);
    tcase_add_test(tc, path_operators_are_judged_by_the_path_model);
    tcase_add_test(tc, run_argument_bytes_allow_up_to_4096_and_refuse_nul_or_more);
    tcase_add_test(tc, framing_variants_expect_deny);
    tcase_add_test(tc, no_operator_keeps_the_base_expectation);
    suite_add_tcase(s, tc);
    tc = tcase_create("entries");
    tcase_add_test(tc, random_operators_are_a_function_of_seed_and_job);
    tcase_add_test(tc, corpus_entry_round_trips_through_json);
    tcase_add_test(tc, unknown_truth_keeps_only_model_free_oracles);
    tcase_add_test(tc, regression_files_load_as_regress_cases);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
