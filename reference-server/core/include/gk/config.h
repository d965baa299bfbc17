/* gk/config.h: policy.json (target contract v1), parsed from bytes.
 * The I/O side (gatekeeper) reads the file, calls gk_config_parse, then loads
 * the key files it names. On error, `err_field` names the JSON field at fault
 * (e.g. "keys[2].alg") so startup can say exactly what is wrong. */
#ifndef GK_CONFIG_H
#define GK_CONFIG_H
#include "gk/addr.h"
#include "gk/jwt.h"
#include "gk/status.h"

#define GK_CFG_MAX_JSON (256 * 1024)
#define GK_CFG_MAX_STR 1024
#define GK_CFG_MAX_LIST 32   /* admin_identities, trusted_proxies, internal_networks */
#define GK_CFG_MAX_PATH 4096
#define GK_CFG_CONTRACT 1            /* the only contract version understood */
#define GK_CFG_MAX_LEEWAY_S 3600
#define GK_CFG_MAX_CHAIN_DEPTH 9     /* GK_X509_MAX_CHAIN - 1 (checked in config.c) */

struct gk_config_key {
    char kid[GK_JWT_MAX_KID + 1];
    enum gk_jwt_alg alg;
    char file[GK_CFG_MAX_PATH]; /* as written; relative to the fixture dir unless absolute */
};

struct gk_config {
    int contract;                            /* must be 1 */
    char issuer[GK_CFG_MAX_STR];
    char audience[GK_CFG_MAX_STR];
    int64_t leeway_s;                        /* 0..3600 */
    int max_chain_depth;                     /* 1..GK_X509_MAX_CHAIN-1 */
    struct gk_config_key keys[GK_JWT_MAX_KEYS];
    size_t n_keys;
    char admin_identities[GK_CFG_MAX_LIST][GK_CFG_MAX_STR];
    size_t n_admin_identities;
    char trusted_proxies[GK_CFG_MAX_LIST][GK_CFG_MAX_STR];
    size_t n_trusted_proxies;
    struct gk_cidr internal_networks[GK_CFG_MAX_LIST];
    size_t n_internal_networks;
    char files_root[GK_CFG_MAX_PATH];
    char helper[GK_CFG_MAX_PATH];            /* must be absolute */
};

/* Unknown top-level fields are ignored (forward compatible); wrong types, missing
 * required fields, duplicate kids and duplicate JSON members are errors. Every
 * field of the contract is required; the three lists may be empty, keys may not.
 * err_field (NUL-terminated, truncated to err_cap) gets the path of the field at
 * fault ("issuer", "keys[2].alg", "internal_networks[0]"), or "(document): ..."
 * with jansson's line and column when the bytes are not a JSON object.
 * GK_E_LIMIT if len > GK_CFG_MAX_JSON. On error *out is zeroed. */
GK_MUST_CHECK enum gk_status gk_config_parse(const uint8_t *json, size_t len, struct gk_config *out,
                                             char *err_field, size_t err_cap);

/* Exact membership (byte-for-byte, no case folding, no prefix). */
int gk_config_is_admin(const struct gk_config *c, const char *identity, size_t len);
int gk_config_is_trusted_proxy(const struct gk_config *c, const char *identity, size_t len);
int gk_config_is_internal(const struct gk_config *c, const struct gk_addr *a);

#endif
