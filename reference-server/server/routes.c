/* routes.c: per-request identity, policy and the route handlers.
 *
 * Identity is decided afresh for every request from three sources, in this
 * order (target contract v1, DESIGN.md):
 *   1. the connection's certificate verdict (gk_x509id_verify, once per connection);
 *   2. forwarding headers, which count only when that certificate names a
 *      trusted proxy (gk_fwd_decide);
 *   3. an Authorization header: a valid token wins for this request only; a
 *      present but invalid token leaves the request with no identity at all,
 *      never falling back to the certificate.
 * Nothing decided here is stored on the connection, so nothing can leak from
 * one pipelined request into the next. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "conn.h"
#include "plant.h"
#include "gk/argv.h"
#include "gk/config.h"
#include "gk/forwarded.h"
#include "gk/jwt.h"
#include "gk/path.h"
#include "gk/policy.h"
#include "gk/x509id.h"

#define GK_ADMIN_ROLE "admin"
#define GK_CT_JSON "application/json"
#define GK_CT_TEXT "text/plain; charset=utf-8"
#define GK_CT_OCTETS "application/octet-stream"

struct req_identity {
    enum gk_id_source src;
    char identity[GK_X509_MAX_IDENTITY + 1]; /* NUL-terminated; "" when none */
    size_t identity_len;
    const char (*roles)[GK_JWT_MAX_ROLE + 1]; /* JWT roles, or NULL */
    size_t n_roles;
    int is_admin;
    struct gk_addr client_addr;
    const char *note; /* why a credential was refused (a status name), or NULL */
};

_Static_assert(GK_FWD_MAX_IDENTITY <= GK_X509_MAX_IDENTITY, "forwarded identity fits");
_Static_assert(GK_JWT_MAX_SUB <= GK_X509_MAX_IDENTITY, "JWT subject fits");

static void set_identity(struct req_identity *id, enum gk_id_source src, const void *p, size_t len)
{
    id->src = src;
    id->identity_len = len;
    memcpy(id->identity, p, len);
    id->identity[len] = '\0';
}

static void clear_identity(struct req_identity *id)
{
    id->src = GK_SRC_NONE;
    id->identity_len = 0;
    id->identity[0] = '\0';
    id->roles = NULL;
    id->n_roles = 0;
    id->is_admin = 0;
}

static int has_role(const struct gk_jwt_claims *cl, const char *role)
{
    for (size_t i = 0; i < cl->n_roles; i++)
        if (strcmp(cl->roles[i], role) == 0)
            return 1;
    return 0;
}

/* Returns 0, or an HTTP status (400) when a trusted proxy sent malformed
 * forwarding headers. */
static int decide_identity(const struct gk_conn *c, const struct gk_http_request *req,
                           struct gk_jwt_claims *claims, struct req_identity *id)
{
    const struct gk_worker *w = c->w;
    const struct gk_config *cfg = &w->ctx->cfg;
    clear_identity(id);
    id->client_addr = c->peer;

    /* 1. certificate */
    if (c->cert_status == GK_OK)
        set_identity(id, GK_SRC_CERT, c->cert.identity, c->cert.identity_len);
    else if (c->cert_status != GK_E_X509_NO_CERT)
        id->note = gk_status_name(c->cert_status);

    /* 2. forwarded: only a trusted proxy's headers are even parsed. */
    struct gk_fwd_input fin = {
        .peer_is_trusted_proxy = id->src == GK_SRC_CERT &&
                                 gk_config_is_trusted_proxy(cfg, id->identity, id->identity_len),
        .peer_addr = c->peer,
        .xfcc = req->xfcc,
        .xff = req->x_forwarded_for,
        .n_xff_fields = req->n_x_forwarded_for,
        .forwarded = req->forwarded,
        .n_forwarded_fields = req->n_forwarded,
    };
    struct gk_fwd_result fres;
    enum gk_status st = gk_fwd_decide(&fin, &fres);
#ifdef GK_PLANTED_BUGS
    if (gk_plant_fwd_any())
        st = gk_plant_fwd_decide(c, req, &fin, &fres, st);
#endif
    if (st != GK_OK) {
        id->note = gk_status_name(st);
        return 400;
    }
    id->client_addr = fres.client_addr;
    if (fres.identity_set) {
        /* The proxy vouches for the end client, who must still have a name we
         * accept from a certificate: a SPIFFE ID. */
        if (fres.identity_len > GK_FWD_MAX_IDENTITY ||
            !gk_spiffe_id_valid(fres.identity, fres.identity_len)) {
            id->note = "xfcc-uri-not-spiffe";
            return 400;
        }
        set_identity(id, GK_SRC_FORWARDED, fres.identity, fres.identity_len);
    }

    /* 3. bearer token (RFC 6750 §2.1) */
    int has_token = gk_http_find(req, "Authorization") != NULL;
#ifdef GK_PLANTED_BUGS
    has_token = has_token || gk_plant_sticky_has(c);
#endif
    if (has_token) {
        struct gk_span tok;
        st = gk_jwt_from_authorization(req->authorization, &tok);
        if (st == GK_OK)
            st = gk_jwt_verify(tok.p, tok.len, &w->jwt_pol, (int64_t)time(NULL), claims);
#ifdef GK_PLANTED_BUGS
        if (gk_plant_jwt_any())
            st = gk_plant_jwt_verify(c, req, &w->jwt_pol, (int64_t)time(NULL), st, claims);
#endif
        if (st != GK_OK) {
            clear_identity(id);
            id->note = gk_status_name(st);
            return 0;
        }
        set_identity(id, GK_SRC_JWT, claims->sub, claims->sub_len);
#ifdef GK_PLANTED_BUGS
        gk_plant_token_client_addr(&fin, &id->client_addr);
#endif
        id->roles = claims->roles;
        id->n_roles = claims->n_roles;
        id->is_admin = has_role(claims, GK_ADMIN_ROLE);
        id->note = NULL;
        return 0;
    }

    /* 4. admin by name, for certificate and forwarded identities only */
    if (id->src != GK_SRC_NONE) {
        id->is_admin = gk_config_is_admin(cfg, id->identity, id->identity_len);
#ifdef GK_PLANTED_BUGS
        if (gk_plant_admin_any())
            id->is_admin = gk_plant_is_admin(cfg, id->identity, id->identity_len);
#endif
        id->note = NULL;
    }
    return 0;
}

/* ---------------------------------------------------------------- bodies */

/* Serialize into the worker's scratch buffer and answer 200; 500 if jansson
 * could not build or fit it. Takes the reference to root. */
static int respond_json(struct gk_conn *c, json_t *root, int keep_alive)
{
    if (!root) {
        gk_conn_respond_status(c, 500, keep_alive);
        return 500;
    }
    size_t n = json_dumpb(root, (char *)c->w->scratch, GK_SCRATCH_CAP - 1, JSON_COMPACT);
    json_decref(root);
    if (n == 0 || n >= GK_SCRATCH_CAP - 1) {
        gk_conn_respond_status(c, 500, keep_alive);
        return 500;
    }
    c->w->scratch[n++] = '\n';
    (void)gk_conn_respond(c, 200, GK_CT_JSON, c->w->scratch, n, keep_alive);
    return 200;
}

static json_t *roles_json(const struct req_identity *id)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    if (id->src == GK_SRC_JWT) {
        for (size_t i = 0; i < id->n_roles; i++)
            if (json_array_append_new(arr, json_string(id->roles[i])) != 0) {
                json_decref(arr);
                return NULL;
            }
    } else if (id->is_admin) {
        if (json_array_append_new(arr, json_string(GK_ADMIN_ROLE)) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static int handle_whoami(struct gk_conn *c, const struct req_identity *id, int keep_alive)
{
    char addr[GK_ADDR_STR_MAX];
    gk_addr_format(&id->client_addr, addr);
    json_t *roles = roles_json(id);
    if (!roles)
        return respond_json(c, NULL, keep_alive);
    json_t *root =
        json_pack("{s:s?, s:s, s:o, s:s}", "identity", id->src != GK_SRC_NONE ? id->identity : NULL,
                  "source", gk_id_source_name(id->src), "roles", roles, "client_addr", addr);
    return respond_json(c, root, keep_alive);
}

static int handle_named_route(struct gk_conn *c, enum gk_route route, const struct req_identity *id,
                              int keep_alive)
{
    char addr[GK_ADDR_STR_MAX];
    gk_addr_format(&id->client_addr, addr);
    json_t *root = json_pack("{s:s, s:s?, s:s, s:s}", "route", gk_route_name(route), "identity",
                             id->src != GK_SRC_NONE ? id->identity : NULL, "source",
                             gk_id_source_name(id->src), "client_addr", addr);
    return respond_json(c, root, keep_alive);
}

static int handle_files(struct gk_conn *c, struct gk_span rel, int keep_alive)
{
    size_t len = 0;
    int status =
        gk_files_read(c->w->ctx->files_root_fd, rel, c->w->scratch, GK_FILES_MAX_SIZE, &len);
    if (status != 200) {
        gk_conn_respond_status(c, status, keep_alive);
        return status;
    }
    (void)gk_conn_respond(c, 200, GK_CT_OCTETS, c->w->scratch, len, keep_alive);
    return 200;
}

/* Returns 0 when the helper was started (it answers and logs later). */
static int handle_run(struct gk_conn *c, const struct gk_http_request *req,
                      const struct req_identity *id, int64_t start_ns, const char **note)
{
    char arg[GK_RUN_MAX_ARG + 1];
    size_t arg_len = 0;
    enum gk_status st = gk_run_arg_from_query(req->query.p, req->query.len, (uint8_t *)arg,
                                              GK_RUN_MAX_ARG, &arg_len);
    if (st != GK_OK || arg_len > GK_RUN_MAX_ARG) {
        *note = gk_status_name(st);
        gk_conn_respond_status(c, 400, req->keep_alive);
        return 400;
    }
    arg[arg_len] = '\0';
    c->run.keep_alive = req->keep_alive;
    c->run.start_ns = start_ns;
    c->run.src = id->src;
    memcpy(c->run.identity, id->identity, id->identity_len + 1);
#ifdef GK_PLANTED_BUGS
    int status = gk_plant_run_any() ? gk_plant_spawn_start(c, arg) : gk_spawn_start(c, arg);
#else
    int status = gk_spawn_start(c, arg);
#endif
    if (status != 0)
        gk_conn_respond_status(c, status, req->keep_alive);
    return status;
}

void gk_routes_handle(struct gk_conn *c, const struct gk_http_request *req, int64_t start_ns)
{
    uint8_t norm[GK_PATH_MAX];
    size_t norm_len = 0;
    int keep_alive = req->keep_alive;
    struct gk_req_log lg = {.c = c, .method = req->method_text, .start_ns = start_ns};
#ifdef GK_PLANTED_BUGS
    gk_plant_log_request_auth(req);
    if (gk_plant_files_any() && gk_plant_files_handle(c, req, start_ns))
        return;
#endif

    enum gk_status st = gk_path_normalize(req->path.p, req->path.len, norm, sizeof norm, &norm_len);
    if (st != GK_OK || norm_len > sizeof norm) {
        gk_conn_respond_status(c, 400, keep_alive);
        lg.status = 400;
        lg.note = gk_status_name(st);
        gk_log_request(&lg);
        return;
    }
    lg.path = norm;
    lg.path_len = norm_len;

    struct gk_jwt_claims claims;
    struct req_identity id;
    int status = decide_identity(c, req, &claims, &id);
    lg.src = id.src;
    lg.identity = id.src != GK_SRC_NONE ? id.identity : NULL;
    lg.note = id.note;
    if (status != 0) {
        gk_conn_respond_status(c, status, keep_alive);
        lg.status = status;
        gk_log_request(&lg);
        return;
    }

    struct gk_policy_input pin = {
        .method = req->method,
        .path = gk_span_make(norm, norm_len),
        .has_identity = id.src != GK_SRC_NONE,
        .is_admin = id.is_admin,
        .client_is_internal = gk_config_is_internal(&c->w->ctx->cfg, &id.client_addr),
    };
    struct gk_policy_decision dec;
    gk_policy_decide(&pin, &dec);
    /* Only GET is served, whatever a policy bug might say (RFC 9110 §15.5.6). */
    if (req->method != GK_HTTP_GET && dec.status == 200)
        dec.status = 405;
#ifdef GK_PLANTED_BUGS
    if (gk_plant_route_any())
        gk_plant_policy(c, req, &pin, &dec);
#endif

    status = dec.status;
    if (status == 200) {
        switch (dec.route) {
        case GK_ROUTE_PUBLIC:
            (void)gk_conn_respond(c, 200, GK_CT_TEXT, "public\n", 7, keep_alive);
            break;
        case GK_ROUTE_WHOAMI:
            status = handle_whoami(c, &id, keep_alive);
            break;
        case GK_ROUTE_USER:
        case GK_ROUTE_ADMIN:
        case GK_ROUTE_INTERNAL:
            status = handle_named_route(c, dec.route, &id, keep_alive);
            break;
        case GK_ROUTE_FILES:
            status = handle_files(c, dec.files_rel, keep_alive);
            break;
        case GK_ROUTE_RUN:
            status = handle_run(c, req, &id, start_ns, &lg.note);
            if (status == 0)
                return; /* logged when the helper finishes */
            break;
        case GK_ROUTE_NONE:
        default:
            status = 404;
            gk_conn_respond_status(c, status, keep_alive);
            break;
        }
    } else {
        gk_conn_respond_status(c, status, keep_alive);
    }
    lg.status = status;
    gk_log_request(&lg);
}
