/* fuzz_policy: gk_policy_decide (reference-server/core/src/policy.c) over paths
 * that went through gk_path_normalize, exactly as gatekeeper calls it.
 *
 * Input: byte 0 = method (low 3 bits, enum gk_http_method); byte 1 = bit 0
 * has_identity, bit 1 is_admin, bit 2 client_is_internal; rest = raw path.
 *
 * Property besides "no crash": the decision equals a small model written here
 * from the contract (DESIGN.md "Routes", gk/policy.h), not from policy.c:
 * exact routes only; "/files/<rel>" with a non-empty rel of clean segments;
 * unknown path 404 before anything; then non-GET 405; then /public and /whoami
 * 200; /user, /files, /run 401 without identity; /admin 401 without identity,
 * 403 without admin; /internal 403 unless the client is internal. For /files
 * the decision's files_rel is exactly the bytes after "/files/"; route and
 * identity-source names (gk_route_name, gk_id_source_name) are never empty. */
#include "fuzz_common.h"
#include "gk/path.h"
#include "gk/policy.h"

#define FZ_FILES "/files/"
#define FZ_FILES_LEN (sizeof(FZ_FILES) - 1)

struct fz_model {
    enum gk_route route;
    int status;
};

FZ_NO_COVERAGE static int fz_is(const uint8_t *p, size_t n, const char *lit)
{
    return n == strlen(lit) && memcmp(p, lit, n) == 0;
}

/* A relative path with no empty, "." or ".." segment (a trailing '/' allowed). */
FZ_NO_COVERAGE static int fz_clean_rel(const uint8_t *p, size_t n)
{
    size_t i = 0;
    if (n == 0)
        return 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        size_t seg = j - i;
        if (seg == 0 || (seg == 1 && p[i] == '.') || (seg == 2 && p[i] == '.' && p[i + 1] == '.'))
            return 0;
        i = j + 1;
    }
    return 1;
}

FZ_NO_COVERAGE static struct fz_model fz_decide(enum gk_http_method m, const uint8_t *p, size_t n, int id,
                                 int admin, int internal)
{
    struct fz_model r = {GK_ROUTE_NONE, 404};
    if (fz_is(p, n, "/public"))
        r.route = GK_ROUTE_PUBLIC;
    else if (fz_is(p, n, "/whoami"))
        r.route = GK_ROUTE_WHOAMI;
    else if (fz_is(p, n, "/user"))
        r.route = GK_ROUTE_USER;
    else if (fz_is(p, n, "/admin"))
        r.route = GK_ROUTE_ADMIN;
    else if (fz_is(p, n, "/internal"))
        r.route = GK_ROUTE_INTERNAL;
    else if (fz_is(p, n, "/run"))
        r.route = GK_ROUTE_RUN;
    else if (n > FZ_FILES_LEN && memcmp(p, FZ_FILES, FZ_FILES_LEN) == 0 &&
             fz_clean_rel(p + FZ_FILES_LEN, n - FZ_FILES_LEN))
        r.route = GK_ROUTE_FILES;
    if (r.route == GK_ROUTE_NONE)
        return r;
    if (m != GK_HTTP_GET) {
        r.status = 405;
        return r;
    }
    switch (r.route) {
    case GK_ROUTE_PUBLIC:
    case GK_ROUTE_WHOAMI:
        r.status = 200;
        break;
    case GK_ROUTE_USER:
    case GK_ROUTE_FILES:
    case GK_ROUTE_RUN:
        r.status = id ? 200 : 401;
        break;
    case GK_ROUTE_ADMIN:
        r.status = !id ? 401 : admin ? 200 : 403;
        break;
    case GK_ROUTE_INTERNAL:
        r.status = internal ? 200 : 403;
        break;
    case GK_ROUTE_NONE:
        break;
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t norm[GK_PATH_MAX];
    struct fz_in in = {data, size};
    enum gk_http_method m = (enum gk_http_method)(fz_take_byte(&in) & 7);
    uint8_t flags = fz_take_byte(&in);
    size_t n = 0;
    if (gk_path_normalize(in.p, in.len, norm, sizeof(norm), &n) != GK_OK)
        return 0;
    uint8_t *path = fz_dup(norm, n);
    struct gk_policy_input pi = {
        .method = m,
        .path = gk_span_make(path, n),
        .has_identity = flags & 1,
        .is_admin = (flags >> 1) & 1,
        .client_is_internal = (flags >> 2) & 1,
    };
    struct gk_policy_decision d;
    memset(&d, 0xA5, sizeof(d));
    gk_policy_decide(&pi, &d);
    struct fz_model want = fz_decide(m, path, n, pi.has_identity, pi.is_admin,
                                     pi.client_is_internal);
    FZ_CHECK(d.route == want.route, "route equals the model's");
    FZ_CHECK(d.status == want.status, "status equals the model's");
    if (d.route == GK_ROUTE_FILES) {
        FZ_CHECK(d.files_rel.p == path + FZ_FILES_LEN && d.files_rel.len == n - FZ_FILES_LEN,
                 "files_rel is the remainder after /files/");
    } else {
        FZ_CHECK(d.files_rel.len == 0, "files_rel empty off /files");
    }
    FZ_CHECK(d.status != 200 || d.route != GK_ROUTE_NONE, "never 200 without a route");
    /* Names land in logs and /whoami: never NULL or empty, "unknown" only off the enums. */
    FZ_CHECK(gk_route_name(d.route)[0] != '\0' && strcmp(gk_route_name(d.route), "unknown") != 0,
             "every route has a name");
    enum gk_id_source src = (enum gk_id_source)(flags >> 3 & 3);
    FZ_CHECK(gk_id_source_name(src)[0] != '\0' && strcmp(gk_id_source_name(src), "unknown") != 0,
             "every identity source has a name");
    free(path);
    return 0;
}
