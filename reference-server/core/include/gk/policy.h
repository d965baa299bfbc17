/* gk/policy.h: route policy. (method, normalized path, identity, roles, client
 * address) → which route and which status. Routes match exactly: no prefix,
 * case folding or trailing-slash leniency ("/admin/" and "/ADMIN" are 404), and
 * only GET is served (HEAD and others get 405 before any handler runs, so no
 * method can skip a check). */
#ifndef GK_POLICY_H
#define GK_POLICY_H
#include "gk/http.h"
#include "gk/span.h"
#include "gk/status.h"

enum gk_route {
    GK_ROUTE_NONE = 0,
    GK_ROUTE_PUBLIC,
    GK_ROUTE_WHOAMI,
    GK_ROUTE_USER,
    GK_ROUTE_ADMIN,
    GK_ROUTE_INTERNAL,
    GK_ROUTE_FILES,
    GK_ROUTE_RUN,
};

enum gk_id_source { GK_SRC_NONE = 0, GK_SRC_CERT, GK_SRC_JWT, GK_SRC_FORWARDED };

struct gk_policy_input {
    enum gk_http_method method;
    struct gk_span path;      /* output of gk_path_normalize */
    int has_identity;         /* a valid credential named someone */
    int is_admin;             /* decided by the caller from identity + roles */
    int client_is_internal;   /* client address inside internal_networks */
};

struct gk_policy_decision {
    enum gk_route route;
    int status;               /* 200 allow, 401, 403, 404, 405 */
    struct gk_span files_rel; /* for GK_ROUTE_FILES: relative path under files_root */
};

/* Never fails: every input maps to a decision. */
void gk_policy_decide(const struct gk_policy_input *in, struct gk_policy_decision *out);
const char *gk_route_name(enum gk_route r);
const char *gk_id_source_name(enum gk_id_source s);

#endif
