/* Unit tests for gk/policy.h: the full route × method × identity × admin ×
 * internal matrix against a literal table, path look-alikes, and agreement
 * with a second, deliberately naive model of the contract (the fuzz target
 * reuses the idea) over every combination and thousands of mutated paths. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gk/policy.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define N_METHODS (GK_HTTP_OTHER + 1)

static const enum gk_http_method METHODS[] = {GK_HTTP_GET,   GK_HTTP_HEAD,   GK_HTTP_POST,
                                              GK_HTTP_PUT,   GK_HTTP_DELETE, GK_HTTP_OPTIONS,
                                              GK_HTTP_PATCH, GK_HTTP_OTHER};
_Static_assert(N(METHODS) == N_METHODS, "every method is tested");

static struct gk_policy_decision decide(enum gk_http_method m, const char *path, size_t len, int id,
                                        int admin, int internal)
{
    /* Exact-size copy: ASan sees any read past the path. */
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    if (len)
        memcpy(copy, path, len);
    struct gk_policy_input in = {m, gk_span_make(len ? copy : NULL, len), id, admin, internal};
    struct gk_policy_decision d;
    memset(&d, 0xa5, sizeof(d));
    gk_policy_decide(&in, &d);
    /* files_rel must point into the caller's buffer, then copy is gone: keep
     * only its offset for the callers that check it. */
    if (d.files_rel.len > 0) {
        ck_assert(d.files_rel.p >= copy && d.files_rel.p + d.files_rel.len == copy + len);
        d.files_rel.p = (const uint8_t *)path + (d.files_rel.p - copy);
    }
    free(copy);
    return d;
}

/* ---- the literal matrix ------------------------------------------------------ */

/* Column index: id*4 + admin*2 + internal, for GET. Any other method is 405. */
static const struct {
    const char *path;
    enum gk_route route;
    int get[8];
} MATRIX[] = {
    {"/public", GK_ROUTE_PUBLIC, {200, 200, 200, 200, 200, 200, 200, 200}},
    {"/whoami", GK_ROUTE_WHOAMI, {200, 200, 200, 200, 200, 200, 200, 200}},
    {"/user", GK_ROUTE_USER, {401, 401, 401, 401, 200, 200, 200, 200}},
    {"/admin", GK_ROUTE_ADMIN, {401, 401, 401, 401, 403, 403, 200, 200}},
    {"/internal", GK_ROUTE_INTERNAL, {403, 200, 403, 200, 403, 200, 403, 200}},
    {"/files/index.html", GK_ROUTE_FILES, {401, 401, 401, 401, 200, 200, 200, 200}},
    {"/files/a/b/c.txt", GK_ROUTE_FILES, {401, 401, 401, 401, 200, 200, 200, 200}},
    {"/files/dir/", GK_ROUTE_FILES, {401, 401, 401, 401, 200, 200, 200, 200}},
    {"/run", GK_ROUTE_RUN, {401, 401, 401, 401, 200, 200, 200, 200}},
};

START_TEST(test_full_matrix_route_method_identity_admin_internal)
{
    const char *path = MATRIX[_i].path;
    for (size_t m = 0; m < N_METHODS; m++)
        for (int bits = 0; bits < 8; bits++) {
            int id = (bits >> 2) & 1, admin = (bits >> 1) & 1, internal = bits & 1;
            struct gk_policy_decision d =
                decide(METHODS[m], path, strlen(path), id, admin, internal);
            int want = METHODS[m] == GK_HTTP_GET ? MATRIX[_i].get[bits] : 405;
            ck_assert_msg(d.route == MATRIX[_i].route, "%s: route %s", path,
                          gk_route_name(d.route));
            ck_assert_msg(d.status == want, "%s method %zu id=%d admin=%d internal=%d: %d want %d",
                          path, m, id, admin, internal, d.status, want);
        }
}
END_TEST

/* Paths that look like routes but are not: 404 for every method and every
 * credential (never 405, never 2xx). Some are not normalized (the policy
 * must not "fix" them), some differ by case, suffix, separator or byte. */
#define P(lit)                                                                                     \
    {                                                                                              \
        (lit), sizeof(lit) - 1                                                                     \
    }
static const struct {
    const char *p;
    size_t len;
} LOOKALIKES[] = {
    P(""),
    P("/"),
    P("admin"),
    P("/admin/"),
    P("/ADMIN"),
    P("/Admin"),
    P("/admin;x"),
    P("/admin;"),
    P("//admin"),
    P("/./admin"),
    P("/public/../admin"),
    P("/admin/."),
    P("/admin."),
    P("/admin "),
    P(" /admin"),
    P("/adminx"),
    P("/admi"),
    P("/admin\0"),
    P("/admin\0x"),
    P("/admin%00"),
    P("/%61dmin"),
    P("/admin?x=1"),
    P("/admin#x"),
    P("/admin\n"),
    P("/admin\xc0\xaf"),
    P("/public/"),
    P("/PUBLIC"),
    P("/user/"),
    P("/users"),
    P("/whoami/"),
    P("/internal/"),
    P("/Internal"),
    P("/run/"),
    P("/run?arg=x"),
    P("/runx"),
    P("/files"),
    P("/files/"),
    P("/FILES/a"),
    P("/Files/a"),
    P("/file/a"),
    P("/filesx/a"),
    P("/files-x/a"),
    P("/files//a"),
    P("/files/./a"),
    P("/files/../a"),
    P("/files/a/../b"),
    P("/files/a//b"),
    P("/files/a/."),
    P("/files/.."),
    P("//files/a"),
    P("files/a"),
    P("/files\\a"),
    P("/\0files/a"),
};

START_TEST(test_lookalike_paths_are_404_for_everyone)
{
    for (size_t m = 0; m < N_METHODS; m++)
        for (int bits = 0; bits < 8; bits++) {
            struct gk_policy_decision d = decide(METHODS[m], LOOKALIKES[_i].p, LOOKALIKES[_i].len,
                                                 bits >> 2 & 1, bits >> 1 & 1, bits & 1);
            ck_assert_msg(d.route == GK_ROUTE_NONE && d.status == 404, "lookalike %d: %s %d", _i,
                          gk_route_name(d.route), d.status);
            ck_assert_ptr_null(d.files_rel.p);
            ck_assert_uint_eq(d.files_rel.len, 0);
        }
}
END_TEST

START_TEST(test_files_rel_is_the_remainder_after_prefix)
{
    static const char path[] = "/files/a/b.txt";
    struct gk_policy_decision d = decide(GK_HTTP_GET, path, strlen(path), 1, 0, 0);
    ck_assert_int_eq(d.route, GK_ROUTE_FILES);
    ck_assert_int_eq(d.status, 200);
    ck_assert_ptr_eq(d.files_rel.p, path + 7);
    ck_assert_uint_eq(d.files_rel.len, 7);
    /* Other routes leave it empty. */
    d = decide(GK_HTTP_GET, "/user", 5, 1, 0, 0);
    ck_assert_ptr_null(d.files_rel.p);
    ck_assert_uint_eq(d.files_rel.len, 0);
}
END_TEST

START_TEST(test_null_empty_path_is_404)
{
    struct gk_policy_input in = {GK_HTTP_GET, {NULL, 0}, 1, 1, 1};
    struct gk_policy_decision d;
    gk_policy_decide(&in, &d);
    ck_assert_int_eq(d.route, GK_ROUTE_NONE);
    ck_assert_int_eq(d.status, 404);
}
END_TEST

START_TEST(test_names_are_stable)
{
    static const struct {
        enum gk_route r;
        const char *name;
    } routes[] = {{GK_ROUTE_NONE, "none"},        {GK_ROUTE_PUBLIC, "public"},
                  {GK_ROUTE_WHOAMI, "whoami"},    {GK_ROUTE_USER, "user"},
                  {GK_ROUTE_ADMIN, "admin"},      {GK_ROUTE_INTERNAL, "internal"},
                  {GK_ROUTE_FILES, "files"},      {GK_ROUTE_RUN, "run"},
                  {(enum gk_route)99, "unknown"}, {(enum gk_route) - 1, "unknown"}};
    for (size_t i = 0; i < N(routes); i++)
        ck_assert_str_eq(gk_route_name(routes[i].r), routes[i].name);
    static const struct {
        enum gk_id_source s;
        const char *name;
    } srcs[] = {{GK_SRC_NONE, "none"},
                {GK_SRC_CERT, "cert"},
                {GK_SRC_JWT, "jwt"},
                {GK_SRC_FORWARDED, "forwarded"},
                {(enum gk_id_source)42, "unknown"}};
    for (size_t i = 0; i < N(srcs); i++)
        ck_assert_str_eq(gk_id_source_name(srcs[i].s), srcs[i].name);
}
END_TEST

/* ---- the naive model ----------------------------------------------------------
 * Written from DESIGN.md "Routes" as a table, independent of policy.c:
 *   GET /public, /whoami → anyone; /user, /run, /files/<path> → any identity;
 *   /admin → role admin (an identity that is admin); /internal → internal address.
 *   Exact paths only; any other method on a route → 405; no route → 404.
 *   /files/<path>: a non-empty path below the root, as the normalizer leaves it:
 *   no empty, "." or ".." segment (a trailing '/' allowed). */
enum model_need { NEED_ANYONE, NEED_IDENTITY, NEED_ADMIN, NEED_INTERNAL };

static const struct {
    const char *path;
    int is_prefix;
    enum gk_route route;
    enum model_need need;
} MODEL[] = {
    {"/public", 0, GK_ROUTE_PUBLIC, NEED_ANYONE},
    {"/whoami", 0, GK_ROUTE_WHOAMI, NEED_ANYONE},
    {"/user", 0, GK_ROUTE_USER, NEED_IDENTITY},
    {"/admin", 0, GK_ROUTE_ADMIN, NEED_ADMIN},
    {"/internal", 0, GK_ROUTE_INTERNAL, NEED_INTERNAL},
    {"/run", 0, GK_ROUTE_RUN, NEED_IDENTITY},
    {"/files/", 1, GK_ROUTE_FILES, NEED_IDENTITY},
};

static int model_rel_ok(const char *rel, size_t len)
{
    if (len == 0)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && rel[i] != '/')
            continue;
        size_t seg = i - start;
        int trailing = i == len && seg == 0;
        if (!trailing && (seg == 0 || (seg == 1 && rel[start] == '.') ||
                          (seg == 2 && rel[start] == '.' && rel[start + 1] == '.')))
            return 0;
        start = i + 1;
    }
    return 1;
}

static void model(enum gk_http_method m, const char *path, size_t len, int id, int admin,
                  int internal, enum gk_route *route, int *status)
{
    *route = GK_ROUTE_NONE;
    *status = 404;
    for (size_t i = 0; i < N(MODEL); i++) {
        size_t n = strlen(MODEL[i].path);
        int hit = MODEL[i].is_prefix ? len > n && memcmp(path, MODEL[i].path, n) == 0 &&
                                           model_rel_ok(path + n, len - n)
                                     : len == n && memcmp(path, MODEL[i].path, n) == 0;
        if (!hit)
            continue;
        *route = MODEL[i].route;
        if (m != GK_HTTP_GET) {
            *status = 405;
            return;
        }
        switch (MODEL[i].need) {
        case NEED_ANYONE:
            *status = 200;
            break;
        case NEED_IDENTITY:
            *status = id ? 200 : 401;
            break;
        case NEED_ADMIN:
            *status = !id ? 401 : admin ? 200 : 403;
            break;
        case NEED_INTERNAL:
            *status = internal ? 200 : 403;
            break;
        }
        return;
    }
}

static size_t g_compared;

static void agree(const char *path, size_t len)
{
    for (size_t m = 0; m < N_METHODS; m++)
        for (int bits = 0; bits < 8; bits++) {
            int id = bits >> 2 & 1, admin = bits >> 1 & 1, internal = bits & 1;
            struct gk_policy_decision d = decide(METHODS[m], path, len, id, admin, internal);
            enum gk_route r;
            int st;
            model(METHODS[m], path, len, id, admin, internal, &r, &st);
            ck_assert_msg(d.route == r && d.status == st,
                          "disagree on '%.*s' method %zu bits %d: impl %s/%d model %s/%d", (int)len,
                          path, m, bits, gk_route_name(d.route), d.status, gk_route_name(r), st);
            g_compared++;
        }
}

/* Seeds: every route path and look-alike; then every deletion, every
 * substitution and every one-byte insertion (from an alphabet of bytes
 * that matter to paths) of each seed. */
static const char *const SEEDS[] = {"/public", "/whoami",  "/user",      "/admin",    "/internal",
                                    "/run",    "/files/a", "/files/a/b", "/files/./", "/files/ab/"};
static const char ALPHABET[] = "/.aAsx;%\\?\0 \x7f\xff";

START_TEST(test_model_agrees_on_all_combinations_and_mutated_paths)
{
    char buf[64];
    g_compared = 0;
    for (size_t i = 0; i < N(MATRIX); i++)
        agree(MATRIX[i].path, strlen(MATRIX[i].path));
    for (size_t i = 0; i < N(LOOKALIKES); i++)
        agree(LOOKALIKES[i].p, LOOKALIKES[i].len);
    for (size_t s = 0; s < N(SEEDS); s++) {
        const char *seed = SEEDS[s];
        size_t n = strlen(seed);
        agree(seed, n);
        for (size_t pos = 0; pos <= n; pos++) {
            if (pos < n) { /* deletion */
                memcpy(buf, seed, pos);
                memcpy(buf + pos, seed + pos + 1, n - pos - 1);
                agree(buf, n - 1);
            }
            for (size_t a = 0; a < sizeof(ALPHABET) - 1; a++) {
                if (pos < n) { /* substitution */
                    memcpy(buf, seed, n);
                    buf[pos] = ALPHABET[a];
                    agree(buf, n);
                }
                /* insertion */
                memcpy(buf, seed, pos);
                buf[pos] = ALPHABET[a];
                memcpy(buf + pos + 1, seed + pos, n - pos);
                agree(buf, n + 1);
            }
        }
    }
    /* Every path of up to 4 bytes over a small alphabet. */
    static const char small[] = "/.a";
    for (size_t len = 0; len <= 4; len++) {
        size_t total = 1;
        for (size_t k = 0; k < len; k++)
            total *= 3;
        for (size_t v = 0; v < total; v++) {
            size_t x = v;
            for (size_t k = 0; k < len; k++) {
                buf[k] = small[x % 3];
                x /= 3;
            }
            agree(buf, len);
        }
    }
    ck_assert_uint_gt(g_compared, 50000);
}
END_TEST

/* The model is not vacuous: it tells apart exactly what the matrix says. */
START_TEST(test_model_matches_literal_matrix)
{
    for (size_t i = 0; i < N(MATRIX); i++)
        for (int bits = 0; bits < 8; bits++) {
            enum gk_route r;
            int st;
            model(GK_HTTP_GET, MATRIX[i].path, strlen(MATRIX[i].path), bits >> 2 & 1, bits >> 1 & 1,
                  bits & 1, &r, &st);
            ck_assert_int_eq(r, MATRIX[i].route);
            ck_assert_int_eq(st, MATRIX[i].get[bits]);
        }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_full_matrix_route_method_identity_admin_internal, 0,
                        (int)N(MATRIX));
    tcase_add_loop_test(tc, test_lookalike_paths_are_404_for_everyone, 0, (int)N(LOOKALIKES));
    tcase_add_test(tc, test_files_rel_is_the_remainder_after_prefix);
    tcase_add_test(tc, test_null_empty_path_is_404);
    tcase_add_test(tc, test_names_are_stable);
    tcase_add_test(tc, test_model_matches_literal_matrix);
    tcase_add_test(tc, test_model_agrees_on_all_combinations_and_mutated_paths);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
