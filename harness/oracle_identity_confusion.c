/* harness/oracle_identity_confusion.c: the target names an identity the
 * request held no valid credential for.
 *
 * - A 2xx /whoami (target contract §4) must say exactly who the request is:
 *   identity equal to expect.identity (NULL <-> JSON null), source equal to
 *   expect.source when set, client_addr equal to expect.client_addr when set.
 *   A 2xx /whoami whose body is not that JSON object fires too: a target that
 *   cannot say who you are is confused about it.
 * - A 2xx /user, /admin or /internal that the ground truth allows: when its
 *   body is a JSON object with "identity" (a shape the contract leaves open),
 *   that identity must match too; other bodies are not judged.
 * - A 2xx /admin that the ground truth allows although the expected identity
 *   is none or not admin (expect.admin == GC_ADMIN_NO).
 *
 * A 2xx on a case whose ground truth is deny is authz-bypass's finding, not
 * this one (see oracle_authz_bypass.c): /user, /admin, /internal are judged
 * here only when allowed, so one bug gives one finding. /whoami is always
 * judged: it is never denied. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "oracle.h"
#include "oracle_internal.h"

#define SHOW 64 /* bytes of an identity shown in evidence and signature */

struct whoami {
    json_t *root;
    const char *identity; /* NULL for JSON null */
    size_t identity_len;
    const char *source;
    size_t source_len;
    const char *client_addr;
    size_t client_addr_len;
};

/* Parse and type-check a /whoami body. Returns NULL on success, or a short
 * reason. Duplicate keys are malformed: which one would a client believe? */
static const char *parse_whoami(const struct gc_obs_response *r, struct whoami *w, char *why,
                                size_t why_cap)
{
    json_error_t err;
    memset(w, 0, sizeof(*w));
    w->root = json_loadb((const char *)r->body, r->body ? r->body_len : 0,
                         JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (w->root == NULL) {
        snprintf(why, why_cap, "not JSON (%s)", err.text);
        return why;
    }
    if (!json_is_object(w->root))
        return "not a JSON object";
    json_t *id = json_object_get(w->root, "identity");
    json_t *src = json_object_get(w->root, "source");
    json_t *roles = json_object_get(w->root, "roles");
    json_t *addr = json_object_get(w->root, "client_addr");
    if (id == NULL || !(json_is_string(id) || json_is_null(id)))
        return "\"identity\" missing or not a string/null";
    if (!json_is_string(src))
        return "\"source\" missing or not a string";
    if (!json_is_array(roles))
        return "\"roles\" missing or not an array";
    for (size_t i = 0; i < json_array_size(roles); i++) {
        if (!json_is_string(json_array_get(roles, i)))
            return "\"roles\" holds a non-string";
    }
    if (!json_is_string(addr))
        return "\"client_addr\" missing or not a string";
    if (json_is_string(id)) {
        w->identity = json_string_value(id);
        w->identity_len = json_string_length(id);
    }
    w->source = json_string_value(src);
    w->source_len = json_string_length(src);
    w->client_addr = json_string_value(addr);
    w->client_addr_len = json_string_length(addr);
    return NULL;
}

static int same(const char *got, size_t got_len, const char *want)
{
    if (got == NULL || want == NULL)
        return got == want;
    return got_len == strlen(want) && memcmp(got, want, got_len) == 0;
}

static char *show(char *out, size_t cap, const char *s, size_t n)
{
    if (s == NULL) {
        snprintf(out, cap, "null");
        return out;
    }
    return gc__escape(out, cap, s, n, SHOW);
}

/* Compare one field; fire and return 1 on a mismatch. */
static int check_field(struct gc_verdict *v, const char *route, const char *desc, const char *field,
                       const char *got, size_t got_len, const char *want)
{
    char g[SHOW * 4 + 8], w[SHOW * 4 + 8];
    if (same(got, got_len, want))
        return 0;
    show(g, sizeof(g), got, got_len);
    show(w, sizeof(w), want, want ? strlen(want) : 0);
    gc__fire(v, "route=%s %s=%s want=%s", route, field, g, w);
    gc__evidence(v, "%s: target says %s %s, ground truth %s", desc, field, g, w);
    return 1;
}

/* The route for a signature; the pipelined second request says so. */
static char *sig_route(const struct gc_case *c, enum gc__req r, char *out, size_t cap)
{
    char route[GC__ROUTE_MAX * 4 + 4];
    snprintf(out, cap, "%s%s", gc__route(c, r, route, sizeof(route)),
             r == GC__REQ_SECOND ? " req=2" : "");
    return out;
}

/* Returns 1 when it fired. */
static int judge_whoami(const struct gc_case *c, enum gc__req r, const struct gc_obs_response *resp,
                        struct gc_verdict *v)
{
    const struct gc_expect *e = gc__expect_for(c, r);
    char route[GC__ROUTE_MAX * 4 + 16], desc[GC__DESC_MAX * 4];
    char reason[JSON_ERROR_TEXT_LENGTH + 32];
    struct whoami w;
    sig_route(c, r, route, sizeof(route));
    gc__describe(c, r, desc, sizeof(desc));
    const char *why = parse_whoami(resp, &w, reason, sizeof(reason));
    int fired = 0;
    if (why != NULL) {
        gc__fire(v, "route=%s whoami=malformed", route);
        gc__evidence(v, "%s answered %d with a malformed /whoami body: %s", desc, resp->status,
                     why);
        fired = 1;
    } else {
        fired = check_field(v, route, desc, "identity", w.identity, w.identity_len, e->identity) ||
                (e->source &&
                 check_field(v, route, desc, "source", w.source, w.source_len, e->source)) ||
                (e->client_addr && check_field(v, route, desc, "client_addr", w.client_addr,
                                               w.client_addr_len, e->client_addr));
    }
    json_decref(w.root);
    return fired;
}

/* /user, /admin, /internal allowed: best-effort identity check of a JSON
 * body, then the admin rule. Returns 1 when it fired. */
static int judge_granted(const struct gc_case *c, enum gc__req r, const struct gc_obs_response *resp,
                         struct gc_verdict *v)
{
    const struct gc_expect *e = gc__expect_for(c, r);
    char route[GC__ROUTE_MAX * 4 + 16], desc[GC__DESC_MAX * 4];
    sig_route(c, r, route, sizeof(route));
    gc__describe(c, r, desc, sizeof(desc));
    int fired = 0;
    json_t *root =
        json_loadb((const char *)resp->body, resp->body ? resp->body_len : 0, JSON_ALLOW_NUL, NULL);
    json_t *id = json_object_get(root, "identity"); /* NULL-safe: root may be NULL */
    if (id != NULL && (json_is_string(id) || json_is_null(id))) {
        const char *s = json_is_string(id) ? json_string_value(id) : NULL;
        size_t n = json_is_string(id) ? json_string_length(id) : 0;
        fired = check_field(v, route, desc, "identity", s, n, e->identity);
    }
    json_decref(root);
    if (fired || !gc__path_is(c, r, "/admin"))
        return fired;
    if (e->identity == NULL || e->admin == GC_ADMIN_NO) {
        char w[SHOW * 4 + 8];
        show(w, sizeof(w), e->identity, e->identity ? strlen(e->identity) : 0);
        gc__fire(v, "route=%s admin-granted identity=%s", route, w);
        gc__evidence(v, "%s answered %d: admin granted to %s, which does not hold role admin", desc,
                     resp->status, w);
        return 1;
    }
    return 0;
}

void gc_oracle_identity_confusion(const struct gc_case *c, const struct gc_observation *o,
                                  const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    (void)j;
    gc__verdict_start(v, GC_OR_IDENTITY_CONFUSION);
    if (c->action == GC_ACT_POSTURE || !o->handshake_ok)
        return;
    size_t n = gc__n_resp(o);
    if (c->action != GC_ACT_PIPELINE && n > 1)
        n = 1;
    for (size_t i = 0; i < n; i++) {
        enum gc__req r = i == 0 ? GC__REQ_FIRST : GC__REQ_SECOND;
        const struct gc_obs_response *resp = &o->resp[i];
        if (!gc__is_2xx(resp->status))
            continue;
        if (gc__path_is(c, r, "/whoami")) {
            if (judge_whoami(c, r, resp, v))
                return;
            continue;
        }
        if (!gc__expect_allow(gc__expect_for(c, r)))
            continue; /* authz-bypass's finding */
        if ((gc__path_is(c, r, "/user") || gc__path_is(c, r, "/admin") ||
             gc__path_is(c, r, "/internal")) &&
            judge_granted(c, r, resp, v))
            return;
    }
}
