/* config.c: policy.json (target contract v1, DESIGN.md "The exact shapes"),
 * parsed from bytes with jansson. Strict: duplicate members refused
 * (JSON_REJECT_DUPLICATES), every contract field required and type-checked,
 * numbers must be JSON integers (1.0 is not 1), strings must hold no NUL.
 * Unknown members are ignored so later contract additions do not break us. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include "gk/config.h"
#include "gk/x509id.h"

_Static_assert(GK_CFG_MAX_CHAIN_DEPTH == GK_X509_MAX_CHAIN - 1,
               "max_chain_depth counts CA certificates above the leaf");

#define GK_CFG_MAX_ALG_NAME 16 /* longer than any JWS alg name we know */

struct cfg_err {
    char *buf;
    size_t cap;
};

__attribute__((format(printf, 3, 4))) static enum gk_status
cfg_fail(struct cfg_err *e, enum gk_status st, const char *fmt, ...)
{
    if (e->buf != NULL && e->cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->buf, e->cap, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* A JSON string of min..cap-1 bytes without NUL, copied NUL-terminated. */
static enum gk_status cfg_str(const json_t *v, size_t min, char *dst, size_t cap)
{
    GK_ENSURE(json_is_string(v), GK_E_CFG_FIELD);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    GK_ENSURE(memchr(s, '\0', n) == NULL, GK_E_CFG_FIELD);
    GK_ENSURE(n >= min && n < cap, GK_E_CFG_FIELD);
    memcpy(dst, s, n);
    dst[n] = '\0';
    return GK_OK;
}

/* A JSON integer (not a real, not a boolean) within lo..hi. */
static enum gk_status cfg_int(const json_t *v, json_int_t lo, json_int_t hi, json_int_t *out)
{
    GK_ENSURE(json_is_integer(v), GK_E_CFG_FIELD);
    json_int_t x = json_integer_value(v);
    GK_ENSURE(x >= lo && x <= hi, GK_E_CFG_FIELD);
    *out = x;
    return GK_OK;
}

static enum gk_status cfg_ids(const json_t *root, const char *name, char (*dst)[GK_CFG_MAX_STR],
                              size_t *n, struct cfg_err *e)
{
    const json_t *a = json_object_get(root, name);
    if (!json_is_array(a) || json_array_size(a) > GK_CFG_MAX_LIST)
        return cfg_fail(e, GK_E_CFG_FIELD, "%s", name);
    for (size_t i = 0; i < json_array_size(a); i++)
        if (cfg_str(json_array_get(a, i), 1, dst[i], GK_CFG_MAX_STR) != GK_OK)
            return cfg_fail(e, GK_E_CFG_FIELD, "%s[%zu]", name, i);
    *n = json_array_size(a);
    return GK_OK;
}

static enum gk_status cfg_networks(const json_t *root, struct gk_config *out, struct cfg_err *e)
{
    static const char name[] = "internal_networks";
    const json_t *a = json_object_get(root, name);
    if (!json_is_array(a) || json_array_size(a) > GK_CFG_MAX_LIST)
        return cfg_fail(e, GK_E_CFG_FIELD, "%s", name);
    for (size_t i = 0; i < json_array_size(a); i++) {
        char text[GK_CFG_MAX_STR];
        if (cfg_str(json_array_get(a, i), 1, text, sizeof(text)) != GK_OK ||
            gk_cidr_parse((const uint8_t *)text, strlen(text), &out->internal_networks[i]) != GK_OK)
            return cfg_fail(e, GK_E_CFG_FIELD, "%s[%zu]", name, i);
    }
    out->n_internal_networks = json_array_size(a);
    return GK_OK;
}

static enum gk_status cfg_key(const json_t *k, size_t i, struct gk_config *out, struct cfg_err *e)
{
    struct gk_config_key *key = &out->keys[i];
    char alg[GK_CFG_MAX_ALG_NAME];
    if (!json_is_object(k))
        return cfg_fail(e, GK_E_CFG_FIELD, "keys[%zu]", i);
    if (cfg_str(json_object_get(k, "kid"), 1, key->kid, sizeof(key->kid)) != GK_OK)
        return cfg_fail(e, GK_E_CFG_FIELD, "keys[%zu].kid", i);
    /* The key chooses the algorithm (RFC 8725 §3.1): a kid must name one key. */
    for (size_t j = 0; j < i; j++)
        if (strcmp(out->keys[j].kid, key->kid) == 0)
            return cfg_fail(e, GK_E_CFG_FIELD, "keys[%zu].kid", i);
    if (cfg_str(json_object_get(k, "alg"), 1, alg, sizeof(alg)) != GK_OK ||
        gk_jwt_alg_parse((const uint8_t *)alg, strlen(alg), &key->alg) != GK_OK)
        return cfg_fail(e, GK_E_CFG_FIELD, "keys[%zu].alg", i);
    if (cfg_str(json_object_get(k, "file"), 1, key->file, sizeof(key->file)) != GK_OK)
        return cfg_fail(e, GK_E_CFG_FIELD, "keys[%zu].file", i);
    return GK_OK;
}

static enum gk_status cfg_keys(const json_t *root, struct gk_config *out, struct cfg_err *e)
{
    const json_t *a = json_object_get(root, "keys");
    if (!json_is_array(a) || json_array_size(a) < 1 || json_array_size(a) > GK_JWT_MAX_KEYS)
        return cfg_fail(e, GK_E_CFG_FIELD, "keys");
    for (size_t i = 0; i < json_array_size(a); i++)
        GK_GUARD(cfg_key(json_array_get(a, i), i, out, e));
    out->n_keys = json_array_size(a);
    return GK_OK;
}

#define CFG_FIELD(e, expr, name)                                                                   \
    do {                                                                                           \
        if ((expr) != GK_OK)                                                                       \
            return cfg_fail((e), GK_E_CFG_FIELD, "%s", (name));                                    \
    } while (0)

static enum gk_status cfg_object(const json_t *root, struct gk_config *out, struct cfg_err *e)
{
    json_int_t x;
    CFG_FIELD(e, cfg_int(json_object_get(root, "contract"), GK_CFG_CONTRACT, GK_CFG_CONTRACT, &x),
              "contract");
    out->contract = (int)x;
    CFG_FIELD(e, cfg_str(json_object_get(root, "issuer"), 1, out->issuer, sizeof(out->issuer)),
              "issuer");
    CFG_FIELD(e,
              cfg_str(json_object_get(root, "audience"), 1, out->audience, sizeof(out->audience)),
              "audience");
    CFG_FIELD(e, cfg_int(json_object_get(root, "leeway_s"), 0, GK_CFG_MAX_LEEWAY_S, &x),
              "leeway_s");
    out->leeway_s = (int64_t)x;
    CFG_FIELD(e, cfg_int(json_object_get(root, "max_chain_depth"), 1, GK_CFG_MAX_CHAIN_DEPTH, &x),
              "max_chain_depth");
    out->max_chain_depth = (int)x;
    GK_GUARD(cfg_keys(root, out, e));
    GK_GUARD(cfg_ids(root, "admin_identities", out->admin_identities, &out->n_admin_identities, e));
    GK_GUARD(cfg_ids(root, "trusted_proxies", out->trusted_proxies, &out->n_trusted_proxies, e));
    GK_GUARD(cfg_networks(root, out, e));
    /* An empty files_root would serve the fixture directory itself (keys!). */
    CFG_FIELD(
        e,
        cfg_str(json_object_get(root, "files_root"), 1, out->files_root, sizeof(out->files_root)),
        "files_root");
    /* The helper is executed without PATH search: it must be absolute. */
    CFG_FIELD(e, cfg_str(json_object_get(root, "helper"), 1, out->helper, sizeof(out->helper)),
              "helper");
    if (out->helper[0] != '/')
        return cfg_fail(e, GK_E_CFG_FIELD, "helper");
    return GK_OK;
}

static enum gk_status cfg_parse(const uint8_t *json, size_t len, struct gk_config *out,
                                struct cfg_err *e)
{
    if (len > GK_CFG_MAX_JSON)
        return cfg_fail(e, GK_E_LIMIT, "(document): larger than %d bytes", GK_CFG_MAX_JSON);
    if (len == 0)
        return cfg_fail(e, GK_E_CFG_JSON, "(document): empty");
    json_error_t jerr;
    json_t *root = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return cfg_fail(e, GK_E_CFG_JSON, "(document): line %d column %d: %s", jerr.line,
                        jerr.column, jerr.text);
    enum gk_status st = GK_OK;
    if (json_is_object(root))
        st = cfg_object(root, out, e);
    else
        st = cfg_fail(e, GK_E_CFG_JSON, "(document): top level is not an object");
    json_decref(root);
    return st;
}

enum gk_status gk_config_parse(const uint8_t *json, size_t len, struct gk_config *out,
                               char *err_field, size_t err_cap)
{
    struct cfg_err e = {err_field, err_cap};
    memset(out, 0, sizeof(*out));
    if (err_field != NULL && err_cap > 0)
        err_field[0] = '\0';
    enum gk_status st = cfg_parse(json, len, out, &e);
    if (st != GK_OK)
        memset(out, 0, sizeof(*out));
    return st;
}

static int cfg_in_list(const char (*list)[GK_CFG_MAX_STR], size_t n, const char *id, size_t len)
{
    if (id == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], id, len) == 0)
            return 1;
    return 0;
}

int gk_config_is_admin(const struct gk_config *c, const char *identity, size_t len)
{
    return cfg_in_list((const char(*)[GK_CFG_MAX_STR])c->admin_identities, c->n_admin_identities,
                       identity, len);
}

int gk_config_is_trusted_proxy(const struct gk_config *c, const char *identity, size_t len)
{
    return cfg_in_list((const char(*)[GK_CFG_MAX_STR])c->trusted_proxies, c->n_trusted_proxies,
                       identity, len);
}

int gk_config_is_internal(const struct gk_config *c, const struct gk_addr *a)
{
    if (a == NULL || (a->family != 4 && a->family != 6))
        return 0;
    for (size_t i = 0; i < c->n_internal_networks; i++)
        if (gk_cidr_contains(&c->internal_networks[i], a))
            return 1;
    return 0;
}
