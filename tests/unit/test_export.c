/* tests/unit/test_export.c: `gatecrash export` (harness/export.c).
 *
 * Exports into a temp dir and checks: cases.json validates against the
 * cases.schema.json written beside it (with a small checker of exactly the
 * keywords that schema uses, which refuses any other keyword and is shown to
 * reject broken documents); every catalogue case appears exactly once with
 * its bytes intact; the schema's enums and the README cover every value of
 * the case model's enums; prefixes select; output is deterministic; and the
 * committed corpora/vectors/ equals a fresh export. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "case.h"
#include "case_json.h"
#include "export.h"

#ifndef GC_VECTORS_OUT
#error "GC_VECTORS_OUT (the committed corpora/vectors) must be defined by the build"
#endif
#ifndef GC_SOURCE_CASES
#error "GC_SOURCE_CASES (corpora/cases in the source tree) must be defined by the build"
#endif

#define EX_TMP_MAX 256
#define FILE_MAX (64 * 1024 * 1024)
#define PATH_TXT_MAX 512
#define ERR_TXT_MAX 1024
#define REF_PREFIX "#/$defs/"
#define N_MARKER_CASES 6

/* --- helpers -------------------------------------------------------------------------- */

static int rm_entry(const char *p, const struct stat *st, int fl, struct FTW *ftw)
{
    (void)st;
    (void)fl;
    (void)ftw;
    return remove(p);
}

struct tmpdir {
    char path[EX_TMP_MAX];
};

static void tmp_make(struct tmpdir *t)
{
    snprintf(t->path, sizeof(t->path), "/tmp/gc-utest-export-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->path));
}

static void tmp_remove(struct tmpdir *t)
{
    nftw(t->path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, FILE_MAX, f) : 0;
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static void export_into(const char *dir, const char *const *prefixes, size_t n_prefixes,
                        size_t *n_cases)
{
    struct gc_export_opts o = {.out_dir = dir, .cases_dir = GC_SOURCE_CASES,
                               .prefixes = prefixes, .n_prefixes = n_prefixes};
    char err[ERR_TXT_MAX] = "";
    ck_assert_msg(gc_export_write(&o, n_cases, err, sizeof(err)) == 0, "export: %s", err);
}

static json_t *load_json(const char *dir, const char *name)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    json_error_t je;
    json_t *j = json_load_file(p, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    ck_assert_msg(j != NULL, "%s: line %d: %s", p, je.line, je.text);
    return j;
}

/* One export of the whole catalogue, shared by the read-only tests. */
static struct tmpdir g_full;
static json_t *g_doc, *g_schema;

static void full_setup(void)
{
    tmp_make(&g_full);
    export_into(g_full.path, NULL, 0, NULL);
    g_doc = load_json(g_full.path, GC_EXPORT_CASES_FILE);
    g_schema = load_json(g_full.path, GC_EXPORT_SCHEMA_FILE);
}

static void full_teardown(void)
{
    json_decref(g_doc);
    json_decref(g_schema);
    tmp_remove(&g_full);
}

/* --- a checker for the schema's keywords ----------------------------------------------- */

static int type_is(const char *t, const json_t *v)
{
    if (strcmp(t, "string") == 0)
        return json_is_string(v);
    if (strcmp(t, "integer") == 0)
        return json_is_integer(v);
    if (strcmp(t, "number") == 0)
        return json_is_number(v);
    if (strcmp(t, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(t, "null") == 0)
        return json_is_null(v);
    if (strcmp(t, "object") == 0)
        return json_is_object(v);
    if (strcmp(t, "array") == 0)
        return json_is_array(v);
    return -1; /* not a JSON Schema type */
}

struct vctx {
    const json_t *root; /* the schema document, for $ref */
    char err[ERR_TXT_MAX];
};

static int vfail(struct vctx *x, const char *path, const char *what)
{
    if (x->err[0] == '\0')
        snprintf(x->err, sizeof(x->err), "%s: %s", path[0] ? path : "(root)", what);
    return -1;
}

/* Keywords the checker understands; anything else in the schema fails it. */
static const char *const KNOWN[] = {"$schema", "$id", "title", "description", "$defs", "$ref",
                                    "type", "enum", "const", "properties", "required",
                                    "additionalProperties", "items"};

static int validate(struct vctx *x, const json_t *s, const json_t *v, const char *path)
{
    if (!json_is_object(s))
        return vfail(x, path, "schema is not an object");
    const char *kw;
    const json_t *arg;
    json_object_foreach((json_t *)s, kw, arg)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof(KNOWN) / sizeof(KNOWN[0]); i++)
            known |= strcmp(kw, KNOWN[i]) == 0;
        if (!known)
            return vfail(x, path, "schema uses a keyword the checker does not know");
    }
    const json_t *ref = json_object_get(s, "$ref");
    if (ref != NULL) {
        const char *r = json_string_value(ref);
        if (r == NULL || strncmp(r, REF_PREFIX, strlen(REF_PREFIX)) != 0)
            return vfail(x, path, "$ref not into #/$defs");
        const json_t *def = json_object_get(json_object_get(x->root, "$defs"), r + strlen(REF_PREFIX));
        if (def == NULL)
            return vfail(x, path, "$ref to a missing definition");
        if (validate(x, def, v, path) != 0)
            return -1;
    }
    const json_t *type = json_object_get(s, "type");
    if (type != NULL) {
        int ok = 0;
        if (json_is_string(type)) {
            ok = type_is(json_string_value(type), v);
        } else {
            size_t i;
            const json_t *t;
            json_array_foreach(type, i, t) ok |= type_is(json_string_value(t), v) == 1;
        }
        if (ok < 0)
            return vfail(x, path, "schema names an unknown type");
        if (!ok)
            return vfail(x, path, "wrong type");
    }
    const json_t *en = json_object_get(s, "enum");
    if (en != NULL) {
        int hit = 0;
        size_t i;
        const json_t *e;
        json_array_foreach(en, i, e) hit |= json_equal(e, v);
        if (!hit)
            return vfail(x, path, "value not in enum");
    }
    const json_t *cst = json_object_get(s, "const");
    if (cst != NULL && !json_equal(cst, v))
        return vfail(x, path, "value differs from const");
    if (json_is_object(v)) {
        const json_t *props = json_object_get(s, "properties");
        size_t i;
        const json_t *req;
        json_array_foreach(json_object_get(s, "required"), i, req)
        {
            if (json_object_get(v, json_string_value(req)) == NULL) {
                char what[PATH_TXT_MAX];
                snprintf(what, sizeof(what), "required member \"%s\" missing",
                         json_string_value(req));
                return vfail(x, path, what);
            }
        }
        const char *k;
        const json_t *mv;
        json_object_foreach((json_t *)v, k, mv)
        {
            char sub[PATH_TXT_MAX];
            snprintf(sub, sizeof(sub), "%s.%s", path, k);
            const json_t *ps = props ? json_object_get(props, k) : NULL;
            if (ps == NULL && json_is_false(json_object_get(s, "additionalProperties")))
                return vfail(x, sub, "member not allowed");
            if (ps != NULL && validate(x, ps, mv, sub) != 0)
                return -1;
        }
    }
    const json_t *items = json_object_get(s, "items");
    if (items != NULL && json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            char sub[PATH_TXT_MAX];
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            if (validate(x, items, e, sub) != 0)
                return -1;
        }
    }
    return 0;
}

static int check_doc(const json_t *schema, const json_t *doc, char *err, size_t cap)
{
    struct vctx x = {.root = schema};
    int rc = validate(&x, schema, doc, "");
    snprintf(err, cap, "%s", x.err);
    return rc;
}

/* --- the schema and the document --------------------------------------------------------- */

START_TEST(cases_json_validates_against_its_schema)
{
    char err[ERR_TXT_MAX];
    ck_assert_msg(check_doc(g_schema, g_doc, err, sizeof(err)) == 0, "%s", err);
    ck_assert_str_eq(json_string_value(json_object_get(g_schema, "$schema")),
                     "https://json-schema.org/draft/2020-12/schema");
    ck_assert_str_eq(json_string_value(json_object_get(g_doc, "format")), GC_EXPORT_FORMAT);
    ck_assert_int_eq(json_integer_value(json_object_get(g_doc, "version")), GC_EXPORT_VERSION);
    ck_assert_int_eq(json_integer_value(json_object_get(g_doc, "contract")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(g_doc, "generated_by")), "gatecrash 0.1.0");
}
END_TEST

/* Each broken document must fail the checker: the validation above could fail. */
static const struct {
    const char *what;
    const char *member;   /* in cases[0] (or top level when in_case is 0) */
    int in_case;
    const char *replacement; /* JSON text; NULL = delete the member */
} BREAKS[] = {
    {"missing required case member", "expect", 1, NULL},
    {"family outside its enum", "family", 1, "\"dns\""},
    {"action outside its enum", "action", 1, "\"teleport\""},
    {"wrong type for title", "title", 1, "42"},
    {"unknown case member", "surprise", 1, "true"},
    {"null where an object is required", "cert", 1, "null"},
    {"non-string header line", "headers", 1, "[1]"},
    {"contract part outside its enum", "contract_parts", 1, "[\"dns\"]"},
    {"format differs from const", "format", 0, "\"other\""},
    {"version differs from const", "version", 0, "2"},
    {"missing cases", "cases", 0, NULL},
};

START_TEST(schema_checker_rejects_broken_documents)
{
    json_t *doc = json_deep_copy(g_doc);
    json_t *target = BREAKS[_i].in_case ? json_array_get(json_object_get(doc, "cases"), 0) : doc;
    if (BREAKS[_i].replacement == NULL) {
        json_object_del(target, BREAKS[_i].member);
    } else {
        json_t *r = json_loads(BREAKS[_i].replacement, JSON_DECODE_ANY, NULL);
        ck_assert_ptr_nonnull(r);
        json_object_set_new(target, BREAKS[_i].member, r);
    }
    char err[ERR_TXT_MAX];
    ck_assert_msg(check_doc(g_schema, doc, err, sizeof(err)) != 0, "%s: accepted",
                  BREAKS[_i].what);
    json_decref(doc);
}
END_TEST

START_TEST(schema_checker_rejects_nested_breaks)
{
    static const struct {
        const char *obj, *member, *replacement;
    } NESTED[] = {
        {"cert", "kind", "\"made-up\""},
        {"cert", "valid", "\"yes\""},
        {"expect", "kind", "\"maybe\""},
        {"expect", "source", "\"dns\""},
        {"expect", "admin", "true"},
    };
    for (size_t k = 0; k < sizeof(NESTED) / sizeof(NESTED[0]); k++) {
        json_t *doc = json_deep_copy(g_doc);
        json_t *c0 = json_array_get(json_object_get(doc, "cases"), 0);
        json_object_set_new(json_object_get(c0, NESTED[k].obj), NESTED[k].member,
                            json_loads(NESTED[k].replacement, JSON_DECODE_ANY, NULL));
        char err[ERR_TXT_MAX];
        ck_assert_msg(check_doc(g_schema, doc, err, sizeof(err)) != 0, "%s.%s = %s accepted",
                      NESTED[k].obj, NESTED[k].member, NESTED[k].replacement);
        json_decref(doc);
    }
}
END_TEST

START_TEST(schema_checker_refuses_keywords_it_does_not_know)
{
    json_t *s = json_deep_copy(g_schema);
    json_object_set_new(s, "minProperties", json_integer(1));
    char err[ERR_TXT_MAX];
    ck_assert_int_ne(check_doc(s, g_doc, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "keyword"));
    json_decref(s);
}
END_TEST

/* The enum lists come from the name functions: each covers every value. */
static size_t enum_len(const char *def, const char *member)
{
    json_t *d = json_object_get(json_object_get(g_schema, "$defs"), def);
    json_t *m = json_object_get(json_object_get(d, "properties"), member);
    ck_assert_msg(json_is_array(json_object_get(m, "enum")), "%s.%s has no enum", def, member);
    return json_array_size(json_object_get(m, "enum"));
}

START_TEST(schema_enums_cover_every_value)
{
    ck_assert_uint_eq(enum_len("case", "family"), GC_FAM_COUNT);
    ck_assert_uint_eq(enum_len("cert", "kind"), GC_CERT_COUNT);
    ck_assert_uint_eq(enum_len("token", "key"), GC_KEY_EMPTY_HMAC + 1);
    ck_assert_uint_eq(enum_len("token", "mutation"), GC_TOKMUT_HUGE + 1);
    ck_assert_uint_eq(enum_len("case", "action"), GC_ACT_POSTURE + 1);
    ck_assert_uint_eq(enum_len("expect", "kind"), GC_EXPECT_POSTURE_OK + 1);
    ck_assert_uint_eq(enum_len("expect", "admin"), 3);    /* yes, no, null */
    ck_assert_uint_eq(enum_len("expect", "source"), 5);   /* cert jwt forwarded none, null */
    ck_assert_uint_eq(enum_len("case", "posture"), GC_POSTURE_NO_REACH_OUTSIDE + 1); /* + null */
}
END_TEST

/* --- the cases ------------------------------------------------------------------------------ */

static const json_t *find_case(const char *id, size_t *count)
{
    const json_t *hit = NULL;
    size_t i;
    json_t *c;
    *count = 0;
    json_array_foreach(json_object_get(g_doc, "cases"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0) {
            hit = c;
            (*count)++;
        }
    }
    return hit;
}

static uint8_t *unb64(const char *s, size_t *len)
{
    size_t n = strlen(s);
    uint8_t *out = malloc(n / 4 * 3 + 4);
    ck_assert_ptr_nonnull(out);
    int got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
    ck_assert_int_ge(got, 0);
    size_t pad = n >= 2 && s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    *len = (size_t)got - pad;
    return out;
}

START_TEST(every_catalogue_case_is_exported_exactly_once)
{
    size_t n;
    const struct gc_case *cs = gc_catalogue(&n);
    ck_assert_uint_eq(json_array_size(json_object_get(g_doc, "cases")), n);
    ck_assert_int_eq(json_integer_value(json_object_get(g_doc, "count")), (json_int_t)n);
    for (size_t i = 0; i < n; i++) {
        size_t count;
        const json_t *c = find_case(cs[i].id, &count);
        ck_assert_msg(count == 1, "%s exported %zu times", cs[i].id, count);
        ck_assert_str_eq(json_string_value(json_object_get(c, "family")),
                         gc_family_name(cs[i].family));
        /* order is the catalogue's */
        ck_assert_str_eq(json_string_value(json_object_get(
                             json_array_get(json_object_get(g_doc, "cases"), i), "id")),
                         cs[i].id);
    }
}
END_TEST

START_TEST(bytes_survive_exactly)
{
    size_t n;
    const struct gc_case *cs = gc_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        size_t count;
        const json_t *c = find_case(cs[i].id, &count);
        const struct {
            const char *member;
            const char *p;
            size_t len;
        } F[] = {{"raw", cs[i].raw, cs[i].raw_len}, {"run_arg", cs[i].run_arg, cs[i].run_arg_len}};
        for (size_t k = 0; k < 2; k++) {
            const json_t *o = json_object_get(c, F[k].member);
            if (F[k].p == NULL) {
                ck_assert_msg(json_is_null(o), "%s: %s should be null", cs[i].id, F[k].member);
                continue;
            }
            size_t len;
            uint8_t *b = unb64(json_string_value(json_object_get(o, "base64")), &len);
            ck_assert_msg(len == F[k].len && memcmp(b, F[k].p, len) == 0, "%s: %s bytes differ",
                          cs[i].id, F[k].member);
            ck_assert_int_eq(json_integer_value(json_object_get(o, "length")), (json_int_t)len);
            free(b);
        }
        /* A request that is not raw or posture says its method. */
        if (cs[i].raw == NULL && cs[i].action != GC_ACT_POSTURE)
            ck_assert_msg(json_is_string(json_object_get(c, "method")), "%s: no method", cs[i].id);
    }
}
END_TEST

START_TEST(printable_forms_escape_control_and_high_bytes)
{
    size_t count;
    const json_t *c = find_case("run.limit.nul", &count);
    ck_assert_uint_eq(count, 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "run_arg"), "printable")),
                     "a\\x00b");
    c = find_case("run.text.unicode", &count);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "run_arg"), "printable")),
                     "h\\xc3\\xa9llo \\xe6\\x97\\xa5\\xe6\\x9c\\xac \\xf0\\x9f\\x94\\x91");
    c = find_case("run.shell.newline", &count);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "run_arg"), "printable")),
                     "a\\nid");
    /* raw text only when every byte is printable ASCII, CR, LF or TAB */
    size_t n;
    const struct gc_case *cs = gc_catalogue(&n);
    size_t with_text = 0;
    for (size_t i = 0; i < n; i++) {
        if (cs[i].raw == NULL)
            continue;
        const json_t *raw = json_object_get(find_case(cs[i].id, &count), "raw");
        int printable = 1;
        for (size_t k = 0; k < cs[i].raw_len; k++) {
            unsigned char ch = (unsigned char)cs[i].raw[k];
            printable &= (ch >= 0x20 && ch < 0x7f) || ch == '\r' || ch == '\n' || ch == '\t';
        }
        const json_t *text = json_object_get(raw, "text");
        ck_assert_msg(printable ? json_is_string(text) : json_is_null(text), "%s: raw text",
                      cs[i].id);
        if (printable)
            ck_assert(json_string_length(text) == cs[i].raw_len &&
                      memcmp(json_string_value(text), cs[i].raw, cs[i].raw_len) == 0);
        with_text += printable;
    }
    ck_assert_uint_gt(with_text, 0);
}
END_TEST

START_TEST(credentials_name_their_origin)
{
    size_t count;
    const json_t *alice = json_object_get(find_case("cert.valid.alice-user", &count), "cert");
    ck_assert_uint_eq(count, 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(alice, "fixture"), "cert")),
                     "harness/clients/alice.pem");
    ck_assert(json_is_null(json_object_get(alice, "derived")));
    ck_assert(json_is_true(json_object_get(alice, "valid")));
    const json_t *exp = json_object_get(find_case("cert.validity.expired-admin-admin", &count),
                                        "cert");
    ck_assert_uint_eq(count, 1);
    ck_assert(json_is_null(json_object_get(exp, "fixture")));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(exp, "derived")), "now-1h"));
    ck_assert(json_is_false(json_object_get(exp, "valid")));
    /* every kind that a case uses has exactly one origin (export refuses otherwise) */
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(g_doc, "cases"), i, c)
    {
        const json_t *cert = json_object_get(c, "cert");
        ck_assert(json_is_null(json_object_get(cert, "fixture")) !=
                  json_is_null(json_object_get(cert, "derived")));
    }
}
END_TEST

START_TEST(marker_cases_carry_the_placeholder)
{
    size_t n, found = 0;
    const struct gc_case *cs = gc_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(cs[i].id, "run.marker.", 11) != 0)
            continue;
        size_t count;
        const json_t *c = find_case(cs[i].id, &count);
        const char *pr =
            json_string_value(json_object_get(json_object_get(c, "run_arg"), "printable"));
        ck_assert_msg(pr != NULL && strstr(pr, "touch ${EXEC_MARKER}") != NULL, "%s", cs[i].id);
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "expect"), "kind")),
                         "allow");
        found++;
    }
    ck_assert_uint_eq(found, N_MARKER_CASES);
    /* and the placeholder table documents it for run_arg */
    size_t i;
    json_t *p;
    int documented = 0;
    json_array_foreach(json_object_get(g_doc, "placeholders"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "name")), "EXEC_MARKER") != 0)
            continue;
        size_t k;
        json_t *w;
        json_array_foreach(json_object_get(p, "where"), k, w)
            documented |= strcmp(json_string_value(w), "run_arg") == 0;
    }
    ck_assert(documented);
}
END_TEST

/* Every ${NAME} the catalogue's templates use is in the placeholder table
 * (run_arg excepted: there only EXEC_MARKER is one; ${IFS} is the argument). */
START_TEST(every_placeholder_used_is_documented)
{
    size_t n;
    const struct gc_case *cs = gc_catalogue(&n);
    json_t *table = json_object_get(g_doc, "placeholders");
    for (size_t i = 0; i < n; i++) {
        const char *texts[2 + GC_CASE_MAX_HEADERS + 1] = {cs[i].token.header, cs[i].token.payload};
        size_t nt = 2;
        for (size_t h = 0; h < GC_CASE_MAX_HEADERS && cs[i].headers[h]; h++)
            texts[nt++] = cs[i].headers[h];
        texts[nt++] = cs[i].raw;
        for (size_t t = 0; t < nt; t++) {
            for (const char *p = texts[t]; p != NULL && (p = strstr(p, "${")) != NULL; p += 2) {
                size_t len = strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
                if (len == 0 || p[2 + len] != '}')
                    continue; /* "${jndi:...}" and friends are literal bytes */
                int known = 0;
                size_t k;
                json_t *ph;
                json_array_foreach(table, k, ph)
                {
                    const char *nm = json_string_value(json_object_get(ph, "name"));
                    known |= strlen(nm) == len && memcmp(nm, p + 2, len) == 0;
                }
                ck_assert_msg(known, "%s: ${%.*s} not documented", cs[i].id, (int)len, p + 2);
            }
        }
    }
}
END_TEST

START_TEST(readme_explains_every_enum_value)
{
    size_t len;
    char *readme = slurp(g_full.path, GC_EXPORT_README_FILE, &len);
    ck_assert_ptr_nonnull(readme);
    char row[128];
    for (int i = 0; i < GC_ENUM_SCAN_MAX; i++) {
        const char *names[3] = {gc_sign_key_name((enum gc_sign_key)i),
                                gc_token_mutation_name((enum gc_token_mutation)i),
                                gc_action_name((enum gc_action)i)};
        for (size_t k = 0; k < 3; k++) {
            if (strcmp(names[k], GC_ENUM_NAME_UNKNOWN) == 0)
                continue;
            snprintf(row, sizeof(row), "| `%s` | ", names[k]);
            ck_assert_msg(strstr(readme, row) != NULL, "README has no row for %s", names[k]);
            snprintf(row, sizeof(row), "| `%s` | ? |", names[k]);
            ck_assert_msg(strstr(readme, row) == NULL, "README row for %s is empty", names[k]);
        }
    }
    for (int k = 0; k < GC_CERT_COUNT; k++) {
        snprintf(row, sizeof(row), "| `%s` |", gc_cert_truth((enum gc_cert_kind)k)->name);
        ck_assert_msg(strstr(readme, row) != NULL, "README has no row for cert %s", row);
    }
    ck_assert_ptr_nonnull(strstr(readme, "gatecrash fixtures"));
    ck_assert_ptr_nonnull(strstr(readme, "${EXEC_MARKER}"));
    free(readme);
}
END_TEST

/* --- selection, determinism, the committed copy --------------------------------------------- */

START_TEST(prefixes_select_cases)
{
    struct tmpdir t;
    tmp_make(&t);
    const char *pre[] = {"run.marker.", "cert.none."};
    size_t n = 0;
    export_into(t.path, pre, 2, &n);
    json_t *doc = load_json(t.path, GC_EXPORT_CASES_FILE);
    ck_assert_uint_eq(n, N_MARKER_CASES + 4);
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "cases")), n);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(doc, "cases"), i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        ck_assert(strncmp(id, pre[0], strlen(pre[0])) == 0 || strncmp(id, pre[1], strlen(pre[1])) == 0);
    }
    json_decref(doc);
    const char *none[] = {"no-such-family."};
    export_into(t.path, none, 1, &n);
    ck_assert_uint_eq(n, 0);
    tmp_remove(&t);
}
END_TEST

START_TEST(missing_regression_dir_means_none_and_output_is_deterministic)
{
    struct tmpdir t;
    tmp_make(&t);
    char out[PATH_MAX], missing[PATH_MAX];
    snprintf(out, sizeof(out), "%s/a/b", t.path); /* parents are created */
    snprintf(missing, sizeof(missing), "%s/no-cases", t.path);
    struct gc_export_opts o = {.out_dir = out, .cases_dir = missing};
    char err[ERR_TXT_MAX];
    ck_assert_msg(gc_export_write(&o, NULL, err, sizeof(err)) == 0, "%s", err);
    json_t *doc = load_json(out, GC_EXPORT_CASES_FILE);
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "regression_cases")), 0);
    json_decref(doc);
    /* twice into the same place: identical bytes (no time, no environment) */
    const char *names[] = {GC_EXPORT_CASES_FILE, GC_EXPORT_SCHEMA_FILE, GC_EXPORT_README_FILE};
    char *first[3];
    size_t flen[3];
    for (size_t k = 0; k < 3; k++)
        first[k] = slurp(out, names[k], &flen[k]);
    ck_assert_msg(gc_export_write(&o, NULL, err, sizeof(err)) == 0, "%s", err);
    for (size_t k = 0; k < 3; k++) {
        size_t l;
        char *again = slurp(out, names[k], &l);
        ck_assert_msg(l == flen[k] && memcmp(again, first[k], l) == 0, "%s changed", names[k]);
        free(again);
        free(first[k]);
    }
    tmp_remove(&t);
}
END_TEST

START_TEST(unwritable_out_dir_is_an_error)
{
    struct gc_export_opts o = {.out_dir = "/proc/self/gatecrash-vectors", .cases_dir = GC_SOURCE_CASES};
    char err[ERR_TXT_MAX] = "";
    ck_assert_int_ne(gc_export_write(&o, NULL, err, sizeof(err)), 0);
    ck_assert_str_ne(err, "");
}
END_TEST

START_TEST(committed_vectors_are_fresh)
{
    const char *names[] = {GC_EXPORT_CASES_FILE, GC_EXPORT_SCHEMA_FILE, GC_EXPORT_README_FILE};
    for (size_t k = 0; k < 3; k++) {
        size_t hl = 0, wl = 0;
        char *have = slurp(GC_VECTORS_OUT, names[k], &hl);
        char *want = slurp(g_full.path, names[k], &wl);
        ck_assert_ptr_nonnull(want);
        ck_assert_msg(have != NULL, "%s/%s missing: regenerate with %s (from the repository root)",
                      GC_VECTORS_OUT, names[k], GC_EXPORT_REGEN_CMD);
        if (hl != wl || memcmp(have, want, wl) != 0) {
            size_t i = 0, line = 1;
            while (i < hl && i < wl && have[i] == want[i])
                line += have[i++] == '\n';
            ck_abort_msg("%s/%s is stale (first difference at line %zu): regenerate with %s "
                         "(from the repository root)",
                         GC_VECTORS_OUT, names[k], line, GC_EXPORT_REGEN_CMD);
        }
        free(have);
        free(want);
    }
}
END_TEST

static Suite *export_suite(void)
{
    Suite *s = suite_create("export");
    TCase *t = tcase_create("export");
    tcase_add_unchecked_fixture(t, full_setup, full_teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, cases_json_validates_against_its_schema);
    tcase_add_loop_test(t, schema_checker_rejects_broken_documents, 0,
                        sizeof(BREAKS) / sizeof(BREAKS[0]));
    tcase_add_test(t, schema_checker_rejects_nested_breaks);
    tcase_add_test(t, schema_checker_refuses_keywords_it_does_not_know);
    tcase_add_test(t, schema_enums_cover_every_value);
    tcase_add_test(t, every_catalogue_case_is_exported_exactly_once);
    tcase_add_test(t, bytes_survive_exactly);
    tcase_add_test(t, printable_forms_escape_control_and_high_bytes);
    tcase_add_test(t, credentials_name_their_origin);
    tcase_add_test(t, marker_cases_carry_the_placeholder);
    tcase_add_test(t, every_placeholder_used_is_documented);
    tcase_add_test(t, readme_explains_every_enum_value);
    tcase_add_test(t, prefixes_select_cases);
    tcase_add_test(t, missing_regression_dir_means_none_and_output_is_deterministic);
    tcase_add_test(t, unwritable_out_dir_is_an_error);
    tcase_add_test(t, committed_vectors_are_fresh);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(export_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
