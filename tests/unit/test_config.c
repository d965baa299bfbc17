/* Unit tests for gk/config.h: the contract's policy.json (DESIGN.md) parses
 * field by field; every field missing, of the wrong type or out of range is
 * refused naming the right err_field; duplicate members, NUL, size limits;
 * exact-byte membership and CIDR lookups.
 * Mutations are applied to the valid document with jansson and re-serialized,
 * so each case changes exactly one thing. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "gk/config.h"

#define ERR_CAP 256

/* The example of DESIGN.md "The exact shapes", verbatim. */
static const char VALID[] =
    "{\"contract\":1, \"issuer\":\"https://issuer.gatecrash.test\", "
    "\"audience\":\"gatecrash-target\",\n"
    "  \"leeway_s\":60, \"max_chain_depth\":3, "
    "\"keys\":[{\"kid\":\"rsa-1\",\"alg\":\"RS256\",\"file\":\"jwt/rsa-1.pub.pem\"},\n"
    "  {\"kid\":\"ec-1\",\"alg\":\"ES256\",\"file\":\"jwt/ec-1.pub.pem\"}, "
    "{\"kid\":\"ed-1\",\"alg\":\"EdDSA\",\"file\":\"jwt/ed-1.pub.pem\"},\n"
    "  {\"kid\":\"hs-1\",\"alg\":\"HS256\",\"file\":\"jwt/hs-1.key\"}], "
    "\"admin_identities\":[\"spiffe://gatecrash.test/admin\"],\n"
    "  \"trusted_proxies\":[\"spiffe://gatecrash.test/proxy\"], "
    "\"internal_networks\":[\"10.99.0.0/16\"],\n"
    "  \"files_root\":\"www\", \"helper\":\"/absolute/path/to/gk-echo\"}";

static struct gk_config *new_cfg(void)
{
    struct gk_config *c = calloc(1, sizeof(*c));
    ck_assert_ptr_nonnull(c);
    return c;
}

static enum gk_status parse_bytes(const char *p, size_t len, struct gk_config *c, char *err)
{
    /* Exact-size copy: ASan sees any read past the end. */
    char *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    if (len)
        memcpy(copy, p, len);
    enum gk_status st = gk_config_parse((const uint8_t *)copy, len, c, err, ERR_CAP);
    free(copy);
    return st;
}

static enum gk_status parse_json(json_t *root, struct gk_config *c, char *err)
{
    char *text = json_dumps(root, JSON_COMPACT);
    ck_assert_ptr_nonnull(text);
    enum gk_status st = parse_bytes(text, strlen(text), c, err);
    free(text);
    return st;
}

static json_t *valid_doc(void)
{
    json_error_t jerr;
    json_t *root = json_loads(VALID, 0, &jerr);
    ck_assert_ptr_nonnull(root);
    return root;
}

static json_t *string_of(size_t n, char fill)
{
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    memset(s, fill, n);
    s[n] = '\0';
    json_t *v = json_stringn(s, n);
    free(s);
    ck_assert_ptr_nonnull(v);
    return v;
}

START_TEST(test_contract_example_parses_every_field)
{
    struct gk_config *c = new_cfg();
    char err[ERR_CAP];
    ck_assert_int_eq(parse_bytes(VALID, strlen(VALID), c, err), GK_OK);
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(c->contract, 1);
    ck_assert_str_eq(c->issuer, "https://issuer.gatecrash.test");
    ck_assert_str_eq(c->audience, "gatecrash-target");
    ck_assert_int_eq(c->leeway_s, 60);
    ck_assert_int_eq(c->max_chain_depth, 3);
    ck_assert_uint_eq(c->n_keys, 4);
    static const struct {
        const char *kid;
        enum gk_jwt_alg alg;
        const char *file;
    } want[] = {{"rsa-1", GK_JWT_RS256, "jwt/rsa-1.pub.pem"},
                {"ec-1", GK_JWT_ES256, "jwt/ec-1.pub.pem"},
                {"ed-1", GK_JWT_EDDSA, "jwt/ed-1.pub.pem"},
                {"hs-1", GK_JWT_HS256, "jwt/hs-1.key"}};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(c->keys[i].kid, want[i].kid);
        ck_assert_int_eq(c->keys[i].alg, want[i].alg);
        ck_assert_str_eq(c->keys[i].file, want[i].file);
    }
    ck_assert_uint_eq(c->n_admin_identities, 1);
    ck_assert_str_eq(c->admin_identities[0], "spiffe://gatecrash.test/admin");
    ck_assert_uint_eq(c->n_trusted_proxies, 1);
    ck_assert_str_eq(c->trusted_proxies[0], "spiffe://gatecrash.test/proxy");
    ck_assert_uint_eq(c->n_internal_networks, 1);
    ck_assert_int_eq(c->internal_networks[0].net.family, 4);
    ck_assert_uint_eq(c->internal_networks[0].prefix, 16);
    ck_assert_str_eq(c->files_root, "www");
    ck_assert_str_eq(c->helper, "/absolute/path/to/gk-echo");
    free(c);
}
END_TEST

/* One mutation of the valid document: set `member` (of the top object, or of
 * keys[key] when key >= 0) to the JSON text `value`, or delete it when value
 * is NULL. want_field NULL means the result must still parse. */
struct mut_case {
    const char *name;
    int key;
    const char *member;
    const char *value;
    const char *want_field;
};

static const struct mut_case MUT_CASES[] = {
    {"contract missing", -1, "contract", NULL, "contract"},
    {"contract as string", -1, "contract", "\"1\"", "contract"},
    {"contract as real", -1, "contract", "1.0", "contract"},
    {"contract 2", -1, "contract", "2", "contract"},
    {"contract 0", -1, "contract", "0", "contract"},
    {"contract true", -1, "contract", "true", "contract"},
    {"contract null", -1, "contract", "null", "contract"},
    {"issuer missing", -1, "issuer", NULL, "issuer"},
    {"issuer number", -1, "issuer", "5", "issuer"},
    {"issuer empty", -1, "issuer", "\"\"", "issuer"},
    {"issuer array", -1, "issuer", "[\"https://issuer.gatecrash.test\"]", "issuer"},
    {"issuer null", -1, "issuer", "null", "issuer"},
    {"audience missing", -1, "audience", NULL, "audience"},
    {"audience empty", -1, "audience", "\"\"", "audience"},
    {"audience array", -1, "audience", "[\"gatecrash-target\"]", "audience"},
    {"leeway_s missing", -1, "leeway_s", NULL, "leeway_s"},
    {"leeway_s -1", -1, "leeway_s", "-1", "leeway_s"},
    {"leeway_s 3601", -1, "leeway_s", "3601", "leeway_s"},
    {"leeway_s real", -1, "leeway_s", "60.0", "leeway_s"},
    {"leeway_s string", -1, "leeway_s", "\"60\"", "leeway_s"},
    {"leeway_s huge", -1, "leeway_s", "9223372036854775807", "leeway_s"},
    {"leeway_s 0 ok", -1, "leeway_s", "0", NULL},
    {"leeway_s 3600 ok", -1, "leeway_s", "3600", NULL},
    {"max_chain_depth missing", -1, "max_chain_depth", NULL, "max_chain_depth"},
    {"max_chain_depth 0", -1, "max_chain_depth", "0", "max_chain_depth"},
    {"max_chain_depth 10", -1, "max_chain_depth", "10", "max_chain_depth"},
    {"max_chain_depth bool", -1, "max_chain_depth", "false", "max_chain_depth"},
    {"max_chain_depth 1 ok", -1, "max_chain_depth", "1", NULL},
    {"max_chain_depth 9 ok", -1, "max_chain_depth", "9", NULL},
    {"keys missing", -1, "keys", NULL, "keys"},
    {"keys object", -1, "keys", "{}", "keys"},
    {"keys empty", -1, "keys", "[]", "keys"},
    {"keys one ok", -1, "keys", "[{\"kid\":\"a\",\"alg\":\"PS384\",\"file\":\"/k\"}]", NULL},
    {"key not object", -1, "keys", "[{\"kid\":\"a\",\"alg\":\"HS256\",\"file\":\"k\"}, \"b\"]",
     "keys[1]"},
    {"duplicate kid", -1, "keys",
     "[{\"kid\":\"a\",\"alg\":\"HS256\",\"file\":\"k\"},{\"kid\":\"a\",\"alg\":\"HS256\",\"file\":"
     "\"k\"}]",
     "keys[1].kid"},
    {"kid missing", 0, "kid", NULL, "keys[0].kid"},
    {"kid empty", 1, "kid", "\"\"", "keys[1].kid"},
    {"kid number", 2, "kid", "7", "keys[2].kid"},
    {"kid differing only in case ok", 3, "kid", "\"RSA-1\"", NULL},
    {"alg missing", 2, "alg", NULL, "keys[2].alg"},
    {"alg none", 2, "alg", "\"none\"", "keys[2].alg"},
    {"alg lower case", 3, "alg", "\"hs256\"", "keys[3].alg"},
    {"alg trailing space", 0, "alg", "\"RS256 \"", "keys[0].alg"},
    {"alg empty", 0, "alg", "\"\"", "keys[0].alg"},
    {"alg array", 0, "alg", "[\"RS256\"]", "keys[0].alg"},
    {"alg very long", 0, "alg", "\"RS256RS256RS256RS256RS256\"", "keys[0].alg"},
    {"file missing", 3, "file", NULL, "keys[3].file"},
    {"file empty", 3, "file", "\"\"", "keys[3].file"},
    {"file number", 3, "file", "1", "keys[3].file"},
    {"key extra member ignored", 0, "use", "\"sig\"", NULL},
    {"admin_identities missing", -1, "admin_identities", NULL, "admin_identities"},
    {"admin_identities string", -1, "admin_identities", "\"spiffe://gatecrash.test/admin\"",
     "admin_identities"},
    {"admin_identities empty entry", -1, "admin_identities", "[\"\"]", "admin_identities[0]"},
    {"admin_identities second entry number", -1, "admin_identities", "[\"a\", 2]",
     "admin_identities[1]"},
    {"admin_identities null entry", -1, "admin_identities", "[null]", "admin_identities[0]"},
    {"admin_identities empty list ok", -1, "admin_identities", "[]", NULL},
    {"trusted_proxies missing", -1, "trusted_proxies", NULL, "trusted_proxies"},
    {"trusted_proxies object", -1, "trusted_proxies", "{}", "trusted_proxies"},
    {"trusted_proxies nested array", -1, "trusted_proxies", "[[\"a\"]]", "trusted_proxies[0]"},
    {"trusted_proxies empty list ok", -1, "trusted_proxies", "[]", NULL},
    {"internal_networks missing", -1, "internal_networks", NULL, "internal_networks"},
    {"internal_networks string", -1, "internal_networks", "\"10.99.0.0/16\"", "internal_networks"},
    {"internal_networks no prefix", -1, "internal_networks", "[\"10.99.0.0\"]",
     "internal_networks[0]"},
    {"internal_networks prefix 33", -1, "internal_networks", "[\"10.0.0.0/8\", \"10.99.0.0/33\"]",
     "internal_networks[1]"},
    {"internal_networks hostname", -1, "internal_networks", "[\"localhost/8\"]",
     "internal_networks[0]"},
    {"internal_networks empty entry", -1, "internal_networks", "[\"\"]", "internal_networks[0]"},
    {"internal_networks number", -1, "internal_networks", "[10]", "internal_networks[0]"},
    {"internal_networks v6 ok", -1, "internal_networks", "[\"fd00::/8\", \"127.0.0.0/8\"]", NULL},
    {"internal_networks empty list ok", -1, "internal_networks", "[]", NULL},
    {"files_root missing", -1, "files_root", NULL, "files_root"},
    {"files_root empty", -1, "files_root", "\"\"", "files_root"},
    {"files_root number", -1, "files_root", "0", "files_root"},
    {"files_root absolute ok", -1, "files_root", "\"/srv/www\"", NULL},
    {"helper missing", -1, "helper", NULL, "helper"},
    {"helper relative", -1, "helper", "\"gk-echo\"", "helper"},
    {"helper dot relative", -1, "helper", "\"./gk-echo\"", "helper"},
    {"helper empty", -1, "helper", "\"\"", "helper"},
    {"helper array", -1, "helper", "[\"/bin/gk-echo\"]", "helper"},
    {"unknown top-level member ignored", -1, "x-future", "{\"a\":[1,2]}", NULL},
};

START_TEST(test_mutation_names_the_field)
{
    const struct mut_case *tc = &MUT_CASES[_i];
    json_t *root = valid_doc();
    json_t *target = root;
    if (tc->key >= 0)
        target = json_array_get(json_object_get(root, "keys"), (size_t)tc->key);
    ck_assert_ptr_nonnull(target);
    if (tc->value == NULL) {
        ck_assert_int_eq(json_object_del(target, tc->member), 0);
    } else {
        json_error_t jerr;
        json_t *v = json_loads(tc->value, JSON_DECODE_ANY, &jerr);
        ck_assert_msg(v != NULL, "%s: bad test value", tc->name);
        ck_assert_int_eq(json_object_set_new(target, tc->member, v), 0);
    }
    struct gk_config *c = new_cfg();
    char err[ERR_CAP];
    enum gk_status st = parse_json(root, c, err);
    json_decref(root);
    if (tc->want_field == NULL) {
        ck_assert_msg(st == GK_OK, "%s: %s at %s", tc->name, gk_status_name(st), err);
    } else {
        ck_assert_msg(st == GK_E_CFG_FIELD, "%s: got %s", tc->name, gk_status_name(st));
        ck_assert_msg(strcmp(err, tc->want_field) == 0, "%s: err_field '%s' want '%s'", tc->name,
                      err, tc->want_field);
        /* Nothing half-parsed is left behind. */
        ck_assert_int_eq(c->contract, 0);
        ck_assert_uint_eq(c->n_keys, 0);
    }
    free(c);
}
END_TEST

/* A string member set to n bytes of 'a': ok at the limit, refused one past. */
struct len_case {
    const char *name;
    int key;
    const char *member;
    size_t max_ok;
    const char *want_field;
    char fill_first; /* '/' for helper, which must be absolute */
};

static const struct len_case LEN_CASES[] = {
    {"issuer", -1, "issuer", GK_CFG_MAX_STR - 1, "issuer", 'a'},
    {"audience", -1, "audience", GK_CFG_MAX_STR - 1, "audience", 'a'},
    {"files_root", -1, "files_root", GK_CFG_MAX_PATH - 1, "files_root", 'a'},
    {"helper", -1, "helper", GK_CFG_MAX_PATH - 1, "helper", '/'},
    {"kid", 1, "kid", GK_JWT_MAX_KID, "keys[1].kid", 'a'},
    {"file", 2, "file", GK_CFG_MAX_PATH - 1, "keys[2].file", 'a'},
};

START_TEST(test_string_length_limit_exact_ok_one_more_refused)
{
    const struct len_case *tc = &LEN_CASES[_i];
    for (size_t n = tc->max_ok; n <= tc->max_ok + 1; n++) {
        json_t *root = valid_doc();
        json_t *target =
            tc->key >= 0 ? json_array_get(json_object_get(root, "keys"), (size_t)tc->key) : root;
        json_t *v = string_of(n, tc->fill_first);
        ck_assert_int_eq(json_object_set_new(target, tc->member, v), 0);
        struct gk_config *c = new_cfg();
        char err[ERR_CAP];
        enum gk_status st = parse_json(root, c, err);
        json_decref(root);
        if (n == tc->max_ok) {
            ck_assert_msg(st == GK_OK, "%s at %zu: %s (%s)", tc->name, n, gk_status_name(st), err);
        } else {
            ck_assert_msg(st == GK_E_CFG_FIELD, "%s at %zu: %s", tc->name, n, gk_status_name(st));
            ck_assert_str_eq(err, tc->want_field);
        }
        free(c);
    }
}
END_TEST

/* Lists: exactly the limit parses, one more names the list. */
struct count_case {
    const char *member;
    size_t max_ok;
};

static const struct count_case COUNT_CASES[] = {
    {"keys", GK_JWT_MAX_KEYS},
    {"admin_identities", GK_CFG_MAX_LIST},
    {"trusted_proxies", GK_CFG_MAX_LIST},
    {"internal_networks", GK_CFG_MAX_LIST},
};

static json_t *list_entry(const char *member, size_t i)
{
    char buf[64];
    if (strcmp(member, "keys") == 0) {
        snprintf(buf, sizeof(buf), "k%zu", i);
        return json_pack("{s:s, s:s, s:s}", "kid", buf, "alg", "ES256", "file", "jwt/k.pem");
    }
    if (strcmp(member, "internal_networks") == 0) {
        snprintf(buf, sizeof(buf), "10.%zu.0.0/16", i);
        return json_string(buf);
    }
    snprintf(buf, sizeof(buf), "spiffe://gatecrash.test/id/%zu", i);
    return json_string(buf);
}

START_TEST(test_list_count_limit_exact_ok_one_more_refused)
{
    const struct count_case *tc = &COUNT_CASES[_i];
    for (size_t n = tc->max_ok; n <= tc->max_ok + 1; n++) {
        json_t *root = valid_doc();
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(json_array_append_new(a, list_entry(tc->member, i)), 0);
        ck_assert_int_eq(json_object_set_new(root, tc->member, a), 0);
        struct gk_config *c = new_cfg();
        char err[ERR_CAP];
        enum gk_status st = parse_json(root, c, err);
        json_decref(root);
        if (n == tc->max_ok) {
            ck_assert_msg(st == GK_OK, "%s x%zu: %s (%s)", tc->member, n, gk_status_name(st), err);
        } else {
            ck_assert_int_eq(st, GK_E_CFG_FIELD);
            ck_assert_str_eq(err, tc->member);
        }
        free(c);
    }
}
END_TEST

/* Documents that are not one well-formed JSON object with unique members. */
struct doc_case {
    const char *name;
    const char *in;
    size_t len;
    const char *err_prefix;
};

#define S(lit) (lit), (sizeof(lit) - 1)

static const struct doc_case DOC_CASES[] = {
    {"duplicate top-level member", S("{\"contract\":1,\"contract\":1}"),
     "(document): line 1 column"},
    {"duplicate member in a key",
     S("{\"contract\":1,\"keys\":[{\"kid\":\"a\",\"kid\":\"b\",\"alg\":\"HS256\",\"file\":\"k\"}]"
       "}"),
     "(document): line 1 column"},
    {"duplicate issuer on line 3", S("{\"contract\":1,\n\"issuer\":\"a\",\n\"issuer\":\"b\"}"),
     "(document): line 3 column"},
    {"syntax error on line 2", S("{\"contract\":1,\n  oops}"), "(document): line 2 column"},
    {"trailing garbage", S("{\"contract\":1} x"), "(document): line 1 column"},
    {"two documents", S("{} {}"), "(document): line 1 column"},
    {"top-level array", S("[1,2]"), "(document): top level is not an object"},
    {"top-level string", S("\"x\""), "(document): line 1 column"},
    {"empty", S(""), "(document): empty"},
    {"whitespace only", S("  \n "), "(document): line"},
    {"raw NUL byte", S("{\"contract\":1,\0\"x\":1}"), "(document): line 1 column"},
    {"escaped NUL in a string", S("{\"issuer\":\"a\\u0000b\"}"), "(document): line 1 column"},
    {"unterminated", S("{\"contract\":1"), "(document): line 1 column"},
    {"invalid UTF-8", S("{\"issuer\":\"\xc0\xaf\"}"), "(document): line 1 column"},
};

START_TEST(test_bad_document_refused_with_position)
{
    const struct doc_case *tc = &DOC_CASES[_i];
    struct gk_config *c = new_cfg();
    char err[ERR_CAP];
    enum gk_status st = parse_bytes(tc->in, tc->len, c, err);
    ck_assert_msg(st == GK_E_CFG_JSON, "%s: got %s", tc->name, gk_status_name(st));
    ck_assert_msg(strncmp(err, tc->err_prefix, strlen(tc->err_prefix)) == 0, "%s: err '%s'",
                  tc->name, err);
    free(c);
}
END_TEST

START_TEST(test_document_size_exact_ok_one_more_refused)
{
    size_t len = GK_CFG_MAX_JSON;
    char *buf = malloc(len + 1);
    ck_assert_ptr_nonnull(buf);
    memset(buf, ' ', len + 1);
    memcpy(buf, VALID, strlen(VALID)); /* trailing whitespace is allowed JSON */
    struct gk_config *c = new_cfg();
    char err[ERR_CAP];
    ck_assert_int_eq(parse_bytes(buf, len, c, err), GK_OK);
    ck_assert_int_eq(parse_bytes(buf, len + 1, c, err), GK_E_LIMIT);
    ck_assert_str_eq(err, "(document): larger than 262144 bytes");
    free(buf);
    free(c);
}
END_TEST

START_TEST(test_err_field_is_truncated_and_optional)
{
    struct gk_config *c = new_cfg();
    char small[5];
    static const char doc[] = "{\"contract\":2}";
    ck_assert_int_eq(gk_config_parse((const uint8_t *)doc, strlen(doc), c, small, sizeof(small)),
                     GK_E_CFG_FIELD);
    ck_assert_str_eq(small, "cont");
    ck_assert_int_eq(gk_config_parse((const uint8_t *)doc, strlen(doc), c, NULL, 0),
                     GK_E_CFG_FIELD);
    ck_assert_int_eq(gk_config_parse((const uint8_t *)VALID, strlen(VALID), c, NULL, 0), GK_OK);
    free(c);
}
END_TEST

START_TEST(test_membership_is_exact_bytes)
{
    struct gk_config *c = new_cfg();
    char err[ERR_CAP];
    ck_assert_int_eq(parse_bytes(VALID, strlen(VALID), c, err), GK_OK);
    static const char admin[] = "spiffe://gatecrash.test/admin";
    static const char proxy[] = "spiffe://gatecrash.test/proxy";
    ck_assert(gk_config_is_admin(c, admin, strlen(admin)));
    ck_assert(gk_config_is_trusted_proxy(c, proxy, strlen(proxy)));
    ck_assert(!gk_config_is_admin(c, proxy, strlen(proxy)));
    ck_assert(!gk_config_is_trusted_proxy(c, admin, strlen(admin)));
    static const struct {
        const char *s;
        size_t len;
    } near[] = {
        {S("spiffe://gatecrash.test/admin/")},
        {S("spiffe://gatecrash.test/admi")},
        {S("SPIFFE://gatecrash.test/admin")},
        {S("spiffe://gatecrash.test/Admin")},
        {S("spiffe://gatecrash.test/admin\0x")},
        {S(" spiffe://gatecrash.test/admin")},
        {S("spiffe://gatecrash.test/admin ")},
        {S("spiffe://gatecrash.test/admin%00")},
        {S("")},
    };
    for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++)
        ck_assert_msg(!gk_config_is_admin(c, near[i].s, near[i].len), "near-miss %zu accepted", i);
    /* A prefix of the right length must not match either. */
    ck_assert(!gk_config_is_admin(c, admin, strlen(admin) - 1));
    ck_assert(!gk_config_is_admin(c, NULL, 0));
    free(c);
}
END_TEST

START_TEST(test_internal_uses_the_cidr_list)
{
    struct gk_config *c = new_cfg();
    char err[ERR_CAP];
    ck_assert_int_eq(parse_bytes(VALID, strlen(VALID), c, err), GK_OK);
    static const struct {
        const char *addr;
        int internal;
    } cases[] = {
        {"10.99.0.0", 1},  {"10.99.0.1", 1}, {"10.99.255.255", 1}, {"10.98.255.255", 0},
        {"10.100.0.0", 0}, {"127.0.0.1", 0}, {"::1", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct gk_addr a;
        ck_assert_int_eq(gk_addr_parse((const uint8_t *)cases[i].addr, strlen(cases[i].addr), &a),
                         GK_OK);
        ck_assert_msg(gk_config_is_internal(c, &a) == cases[i].internal, "%s", cases[i].addr);
    }
    struct gk_addr none = {0};
    ck_assert(!gk_config_is_internal(c, &none));
    ck_assert(!gk_config_is_internal(c, NULL));
    free(c);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_contract_example_parses_every_field);
    tcase_add_loop_test(tc, test_mutation_names_the_field, 0, N(MUT_CASES));
    tcase_add_loop_test(tc, test_string_length_limit_exact_ok_one_more_refused, 0, N(LEN_CASES));
    tcase_add_loop_test(tc, test_list_count_limit_exact_ok_one_more_refused, 0, N(COUNT_CASES));
    tcase_add_loop_test(tc, test_bad_document_refused_with_position, 0, N(DOC_CASES));
    tcase_add_test(tc, test_document_size_exact_ok_one_more_refused);
    tcase_add_test(tc, test_err_field_is_truncated_and_optional);
    tcase_add_test(tc, test_membership_is_exact_bytes);
    tcase_add_test(tc, test_internal_uses_the_cidr_list);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
