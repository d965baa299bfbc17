/* policy.c: route policy of the target contract v1 (DESIGN.md "Routes").
 *
 * The path is already normalized (gk_path_normalize); routes match it exactly:
 * no prefix match, no case folding, no trailing-slash leniency, no ';' params.
 * Order of checks: route (404) → method (405, so no method reaches a handler
 * without its check) → credential (401) → right (403). */
#include "gk/policy.h"
#include "gk/path.h"

#define GK_FILES_PREFIX "/files/"

static const struct {
    const char *path;
    enum gk_route route;
} GK_EXACT_ROUTES[] = {
    {"/public", GK_ROUTE_PUBLIC}, {"/whoami", GK_ROUTE_WHOAMI},     {"/user", GK_ROUTE_USER},
    {"/admin", GK_ROUTE_ADMIN},   {"/internal", GK_ROUTE_INTERNAL}, {"/run", GK_ROUTE_RUN},
};

static enum gk_route policy_route(struct gk_span path, struct gk_span *rel)
{
    if (path.len == 0)
        return GK_ROUTE_NONE;
    for (size_t i = 0; i < sizeof(GK_EXACT_ROUTES) / sizeof(GK_EXACT_ROUTES[0]); i++) {
        struct gk_span want =
            gk_span_make(GK_EXACT_ROUTES[i].path, strlen(GK_EXACT_ROUTES[i].path));
        if (gk_span_eq(path, want))
            return GK_EXACT_ROUTES[i].route;
    }
    /* "/files/<rel>" with rel non-empty; gk_path_under refuses an empty rel
     * and anything not under the prefix. */
    if (gk_path_under(path, GK_FILES_PREFIX, rel) == GK_OK && rel->len > 0)
        return GK_ROUTE_FILES;
    return GK_ROUTE_NONE;
}

static int policy_status(enum gk_route r, const struct gk_policy_input *in)
{
    switch (r) {
    case GK_ROUTE_PUBLIC:
    case GK_ROUTE_WHOAMI:
        return 200;
    case GK_ROUTE_USER:
    case GK_ROUTE_FILES:
    case GK_ROUTE_RUN:
        return in->has_identity ? 200 : 401;
    case GK_ROUTE_ADMIN:
        /* Admin is a right of an identity: no identity, no admin, whatever
         * is_admin says. */
        if (!in->has_identity)
            return 401;
        return in->is_admin ? 200 : 403;
    case GK_ROUTE_INTERNAL:
        /* Network-based: the address decides, no identity needed. */
        return in->client_is_internal ? 200 : 403;
    case GK_ROUTE_NONE:
    default:
        return 404;
    }
}

void gk_policy_decide(const struct gk_policy_input *in, struct gk_policy_decision *out)
{
    struct gk_span rel = {NULL, 0};
    out->route = policy_route(in->path, &rel);
    out->files_rel = out->route == GK_ROUTE_FILES ? rel : (struct gk_span){NULL, 0};
    out->status = 404;
    if (out->route == GK_ROUTE_NONE)
        return;
    if (in->method != GK_HTTP_GET) {
        out->status = 405;
        return;
    }
    out->status = policy_status(out->route, in);
}

const char *gk_route_name(enum gk_route r)
{
    switch (r) {
    case GK_ROUTE_NONE:
        return "none";
    case GK_ROUTE_PUBLIC:
        return "public";
    case GK_ROUTE_WHOAMI:
        return "whoami";
    case GK_ROUTE_USER:
        return "user";
    case GK_ROUTE_ADMIN:
        return "admin";
    case GK_ROUTE_INTERNAL:
        return "internal";
    case GK_ROUTE_FILES:
        return "files";
    case GK_ROUTE_RUN:
        return "run";
    }
    return "unknown";
}

const char *gk_id_source_name(enum gk_id_source s)
{
    switch (s) {
    case GK_SRC_NONE:
        return "none";
    case GK_SRC_CERT:
        return "cert";
    case GK_SRC_JWT:
        return "jwt";
    case GK_SRC_FORWARDED:
        return "forwarded";
    }
    return "unknown";
}
