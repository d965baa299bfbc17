/* harness/export.c: `gatecrash export [--out DIR] [--cases-dir DIR] [PREFIX...]`.
 *
 * Writes the case catalogue and the network regression cases (corpora/cases)
 * as test vectors that another implementation of the target contract (Rust,
 * Go, Node, an nginx/HAProxy front end) can replay without gatecrash:
 *   DIR/cases.json         {"format": "gatecrash-vectors", "version": 1, ...}
 *   DIR/cases.schema.json  a JSON Schema (draft 2020-12) of that file
 *   DIR/README.md          how to build the requests and judge the answers
 * Each case starts from the object `gatecrash list --json` prints
 * (gc_case_json, list.c) and gains what a foreign harness cannot know: where
 * each client certificate comes from, the /run argument and raw requests as
 * exact bytes (base64), and the placeholder rules. The schema's enum lists
 * come from the same name functions, so the three files cannot drift apart.
 * Nothing depends on time or environment: the committed corpora/vectors/ is
 * compared byte for byte with a fresh export by unit.export. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "util.h"
#include "case.h"
#include "case_json.h"
#include "cli.h"
#include "export.h"
#include "fixtures.h"
#include "fuzz.h"
#include "mutate.h"
#include "pki.h"

#define EXPORT_EXIT_OK 0
#define EXPORT_EXIT_ERR 2
#define EXPORT_TOOL_VERSION "0.1.0" /* as `gatecrash version` prints it */
#define EXPORT_CONTRACT 1
#define EXPORT_SCHEMA_DIALECT "https://json-schema.org/draft/2020-12/schema"
#define EXPORT_SCHEMA_ID "urn:gatecrash:vectors:1"
#define EXPORT_FILE_MODE 0644
#define EXPORT_DIR_MODE 0755
#define EXPORT_MAX_REGRESSION 4096           /* regression case files */
#define EXPORT_JSON_FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII)
#define EXPORT_ERR_MAX 512

/* --- where each client credential comes from ------------------------------------------ */

#define ADMIN_ID GC_FX_ID_ADMIN
#define BY_CA "leaf issued by the client CA (" GC_FX_CLIENT_CA ", key " GC_FX_CLIENT_CA_KEY ")"

/* A fixture file pair, or a recipe for a certificate `gatecrash fixtures`
 * does not write (harness/material.c builds those at run start). Derived
 * leaves share the defaults README.md states: EC P-256 key, valid from
 * now-1h to now+30d, EKU clientAuth only, one URI SAN, sent alone. */
struct cert_origin {
    const char *cert; /* PEM file relative to the fixture dir: leaf, then intermediates */
    const char *key;
    const char *derived;
};

static const struct cert_origin ORIGINS[GC_CERT_COUNT] = {
    [GC_CERT_NONE] = {NULL, NULL, "no client certificate is sent"},
    [GC_CERT_ALICE] = {GC_FX_CLIENTS_DIR "/alice.pem", GC_FX_CLIENTS_DIR "/alice.key", NULL},
    [GC_CERT_BOB] = {GC_FX_CLIENTS_DIR "/bob.pem", GC_FX_CLIENTS_DIR "/bob.key", NULL},
    [GC_CERT_ADMIN] = {GC_FX_CLIENTS_DIR "/admin.pem", GC_FX_CLIENTS_DIR "/admin.key", NULL},
    [GC_CERT_PROXY] = {GC_FX_CLIENTS_DIR "/proxy.pem", GC_FX_CLIENTS_DIR "/proxy.key", NULL},
    [GC_CERT_ROGUE_CA_ADMIN] = {GC_FX_ROGUE_ADMIN_CERT, GC_FX_ROGUE_ADMIN_KEY, NULL},
    [GC_CERT_INTERMEDIATE_ALICE] = {GC_FX_CLIENTS_DIR "/alice.pem", GC_FX_CLIENTS_DIR "/alice.key",
                                    NULL},
    [GC_CERT_SELF_SIGNED_ADMIN] = {NULL, NULL,
                                   "self-signed leaf (issuer = subject, signed with its own key), "
                                   "URI SAN " ADMIN_ID},
    [GC_CERT_EXPIRED_ADMIN] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID
                               ", valid from now-30d to now-1h"},
    [GC_CERT_NOT_YET_VALID_ADMIN] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID
                                     ", notBefore now+1h"},
    [GC_CERT_SERVER_AUTH_ONLY_ADMIN] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID
                                        ", EKU serverAuth only"},
    [GC_CERT_NO_EKU_ADMIN] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID
                              ", no extendedKeyUsage extension"},
    [GC_CERT_LEAF_AS_CA_ADMIN] = {NULL, NULL,
                                  "leaf with URI SAN " ADMIN_ID " issued by alice's leaf (key "
                                  GC_FX_CLIENTS_DIR "/alice.key, CA:FALSE); sent with alice's "
                                  "leaf and intermediate after it"},
    [GC_CERT_TOO_DEEP_ADMIN] = {NULL, NULL,
                                "client CA -> three CAs (CA:TRUE, no pathLenConstraint) -> leaf "
                                "with URI SAN " ADMIN_ID "; the three CAs are sent after the "
                                "leaf: four CAs above the leaf counting the anchor, one more "
                                "than max_chain_depth 3"},
    [GC_CERT_PATHLEN_EXCEEDED_ADMIN] = {NULL, NULL,
                                        "client CA -> intermediate " GC_FX_CLIENT_INT_CERT
                                        " (pathLenConstraint 0, key " GC_FX_CLIENT_INT_KEY
                                        ") -> a CA under it -> leaf with URI SAN " ADMIN_ID
                                        "; both CAs sent after the leaf"},
    [GC_CERT_NO_URI_SAN] = {NULL, NULL, BY_CA ", no subjectAltName at all, CN " ADMIN_ID},
    [GC_CERT_TWO_URI_SANS] = {NULL, NULL, BY_CA ", two URI SANs: " ADMIN_ID " and "
                              GC_FX_ID_ALICE},
    [GC_CERT_CN_ADMIN_SAN_ALICE] = {NULL, NULL, BY_CA ", CN " ADMIN_ID ", URI SAN "
                                    GC_FX_ID_ALICE},
    [GC_CERT_DNS_SAN_ONLY_ADMIN] = {NULL, NULL, BY_CA ", CN admin, one DNS SAN gatecrash.test, "
                                    "no URI SAN"},
    [GC_CERT_LOOKALIKE_UPPER_SCHEME] = {NULL, NULL, BY_CA ", URI SAN SPIFFE://gatecrash.test/admin"},
    [GC_CERT_LOOKALIKE_TRAILING_SLASH] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID "/"},
    [GC_CERT_LOOKALIKE_SUFFIX_DOMAIN] = {NULL, NULL,
                                         BY_CA ", URI SAN spiffe://gatecrash.test.evil/admin"},
    [GC_CERT_LOOKALIKE_ADMIN_PREFIX] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID "istrator"},
    [GC_CERT_LOOKALIKE_ADMIN_CHILD] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID "/x"},
    [GC_CERT_UNKNOWN_CRITICAL_ADMIN] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID
                                        ", plus an extension with an unregistered OID marked "
                                        "critical"},
    [GC_CERT_RSA1024_ADMIN] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID ", a 1024-bit RSA key"},
    [GC_CERT_SHA1_ADMIN] = {NULL, NULL, BY_CA ", URI SAN " ADMIN_ID ", signed ecdsa-with-SHA1"},
};

/* --- placeholders (case.h, token.c, request.c) --------------------------------------- */

enum { WHERE_TOKEN = 1, WHERE_HEADERS = 2, WHERE_RAW = 4, WHERE_RUN_ARG = 8 };
#define WHERE_REQ (WHERE_TOKEN | WHERE_HEADERS | WHERE_RAW)
static const char *const WHERE_NAMES[] = {"token", "headers", "raw", "run_arg"};
#define N_WHERE (sizeof(WHERE_NAMES) / sizeof(WHERE_NAMES[0]))

static const struct {
    const char *name;
    unsigned where;
    const char *value;
} PLACEHOLDERS[] = {
    {"ISS", WHERE_REQ, "policy.json issuer (\"" GC_FX_ISSUER "\")"},
    {"AUD", WHERE_REQ, "policy.json audience (\"" GC_FX_AUDIENCE "\")"},
    {"NOW", WHERE_REQ, "the time the case is built, integer seconds since the epoch"},
    {"EXP", WHERE_REQ, "NOW + 600"},
    {"PAST", WHERE_REQ, "NOW - 3600"},
    {"FUTURE", WHERE_REQ, "NOW + 3600"},
    {"LEEWAY_EDGE_OK", WHERE_REQ, "NOW - leeway_s + 5: expired, but inside the leeway"},
    {"LEEWAY_EDGE_BAD", WHERE_REQ, "NOW - leeway_s - 5: outside the leeway"},
    {"SSRF_URL", WHERE_REQ,
     "http://127.0.0.1:<port>/<path> of a loopback listener you run: any connection to it is "
     "an SSRF finding"},
    {"ATTACKER_JWK", WHERE_REQ,
     "the public half of " GC_FX_ATTACKER_EC_KEY " as a JWK object "
     "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":...,\"y\":...} (inserted as JSON, unquoted)"},
    {"EXEC_MARKER", WHERE_REQ | WHERE_RUN_ARG,
     "absolute path of the exec marker file, in a directory of mode 1777 you create per run; "
     "the file must not exist after the case"},
    {"HOST", WHERE_HEADERS | WHERE_RAW, "localhost:<port>"},
    {"TOKEN", WHERE_HEADERS | WHERE_RAW, "the token built from the case's recipe"},
    {"HMAC_SECRET_HEX", WHERE_HEADERS | WHERE_RAW,
     "the hs-1 HMAC secret (" GC_FX_JWT_PUB_DIR "/hs-1.key) in lowercase hex"},
};
#define N_PLACEHOLDERS (sizeof(PLACEHOLDERS) / sizeof(PLACEHOLDERS[0]))

/* Identity sources a /whoami answer may name (target contract §3). */
static const char *const SOURCES[] = {"cert", "jwt", "forwarded", "none"};
#define N_SOURCES (sizeof(SOURCES) / sizeof(SOURCES[0]))

/* --- bytes ---------------------------------------------------------------------------- */

/* RFC 4648 §4 base64 with padding; owned string or NULL. */
static char *b64_std(const uint8_t *p, size_t n)
{
    if (n > (size_t)INT32_MAX / 2)
        return NULL;
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out != NULL)
        EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    return out;
}

static int is_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\r' || p[i] == '\n' || p[i] == '\t'))
            return 0;
    return 1;
}

/* ASCII only: printable bytes as is, '\\' doubled, \n \r \t, else \xHH. */
static char *printable(const uint8_t *p, size_t n)
{
    char *out = malloc(4 * n + 1);
    size_t w = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        const char *esc = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (esc != NULL) {
            memcpy(out + w, esc, 2);
            w += 2;
        } else if (c >= 0x20 && c < 0x7f) {
            out[w++] = (char)c;
        } else {
            snprintf(out + w, 5, "\\x%02x", c);
            w += 4;
        }
    }
    out[w] = '\0';
    return out;
}

/* {"length": n, "base64": ..., "text"|"printable": ...}; NULL bytes -> JSON null. */
static json_t *bytes_json(const char *p, size_t n, int want_printable)
{
    if (p == NULL)
        return json_null();
    const uint8_t *u = (const uint8_t *)p;
    char *b = b64_std(u, n);
    char *pr = want_printable ? printable(u, n) : NULL;
    json_t *o = NULL;
    if (b != NULL && (pr != NULL || !want_printable)) {
        o = json_pack("{s:I, s:s}", "length", (json_int_t)n, "base64", b);
        if (o != NULL && want_printable)
            json_object_set_new(o, "printable", json_string(pr));
        else if (o != NULL)
            json_object_set_new(o, "text", is_text(u, n) ? json_stringn(p, n) : json_null());
    }
    free(b);
    free(pr);
    return o;
}

/* --- one case --------------------------------------------------------------------------- */

static json_t *cert_origin_json(enum gc_cert_kind k, json_t *cert)
{
    const struct cert_origin *og = &ORIGINS[k];
    json_object_set_new(cert, "fixture",
                        og->cert != NULL ? json_pack("{s:s, s:s}", "cert", og->cert, "key", og->key)
                                         : json_null());
    json_object_set_new(cert, "derived", og->derived ? json_string(og->derived) : json_null());
    return cert;
}

static json_t *case_vector(const struct gc_case *c, char *err, size_t cap)
{
    json_t *o = gc_case_json(c);
    if (o == NULL) {
        gc_errf(err, cap, "%s: out of memory", c->id);
        return NULL;
    }
    size_t n_hdr = 0;
    while (n_hdr < GC_CASE_MAX_HEADERS && c->headers[n_hdr] != NULL)
        n_hdr++;
    /* Targets and header lines are text in every catalogue case; a case that
     * breaks that needs a byte encoding here first. */
    if (json_object_get(o, "target_hex") != NULL || json_object_get(o, "second_target_hex") != NULL ||
        json_array_size(json_object_get(o, "headers")) != n_hdr) {
        gc_errf(err, cap, "%s: target or header is not UTF-8", c->id);
        json_decref(o);
        return NULL;
    }
    json_object_del(o, "raw_hex");
    json_object_del(o, "run_arg_hex");
    json_object_set_new(o, "raw", bytes_json(c->raw, c->raw_len, 0));
    json_object_set_new(o, "run_arg", bytes_json(c->run_arg, c->run_arg_len, 1));
    if (c->method == NULL && c->raw == NULL && c->action != GC_ACT_POSTURE)
        json_object_set_new(o, "method", json_string("GET"));
    if ((unsigned)c->cert >= GC_CERT_COUNT ||
        (ORIGINS[c->cert].cert == NULL) == (ORIGINS[c->cert].derived == NULL)) {
        gc_errf(err, cap, "%s: certificate kind %d has no origin in export.c", c->id, (int)c->cert);
        json_decref(o);
        return NULL;
    }
    cert_origin_json(c->cert, json_object_get(o, "cert"));
    return o;
}

/* --- regression cases ------------------------------------------------------------------- */

/* Every regression file in dir (netfuzz's loader, fuzz.h: a corpus entry
 * rebuilt into a case, id "regress.<file stem>"), as case vectors in file
 * name order. A missing directory means none; a file the loader cannot read
 * is skipped with its note on stderr, as `gatecrash run` does. */
static json_t *regression_cases(const char *dir, size_t *n_out, char *err, size_t cap)
{
    json_t *arr = json_array();
    struct stat st;
    *n_out = 0;
    if (stat(dir, &st) != 0 && errno == ENOENT)
        return arr;
    struct gc_fuzz_cases *fc = NULL;
    char lerr[EXPORT_ERR_MAX];
    if (gc_fuzz_cases_load(dir, &fc, lerr, sizeof(lerr)) != 0) {
        gc_errf(err, cap, "regression cases: %s", lerr);
        json_decref(arr);
        return NULL;
    }
    size_t n = 0;
    const struct gc_case *cs = gc_fuzz_cases_get(fc, &n, NULL);
    for (size_t i = 0; i < n; i++) {
        json_t *v = case_vector(&cs[i], err, cap);
        if (v == NULL) {
            json_decref(arr);
            gc_fuzz_cases_free(fc);
            return NULL;
        }
        json_array_append_new(arr, v);
    }
    gc_fuzz_cases_free(fc);
    *n_out = n;
    return arr;
}

/* --- cases.json ------------------------------------------------------------------------- */

static int selected(const struct gc_case *c, const struct gc_export_opts *o)
{
    if (o->n_prefixes == 0)
        return 1;
    for (size_t i = 0; i < o->n_prefixes; i++)
        if (strncmp(c->id, o->prefixes[i], strlen(o->prefixes[i])) == 0)
            return 1;
    return 0;
}

static json_t *where_json(unsigned where)
{
    json_t *a = json_array();
    for (size_t i = 0; i < N_WHERE; i++)
        if (where & (1u << i))
            json_array_append_new(a, json_string(WHERE_NAMES[i]));
    return a;
}

static json_t *cases_doc(const struct gc_export_opts *o, const char *cases_dir, size_t *n_out,
                         char *err, size_t cap)
{
    size_t n;
    const struct gc_case *cs = gc_catalogue(&n);
    json_t *arr = json_array(), *ph = json_array();
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!selected(&cs[i], o))
            continue;
        json_t *v = case_vector(&cs[i], err, cap);
        if (v == NULL) {
            json_decref(arr);
            json_decref(ph);
            return NULL;
        }
        json_array_append_new(arr, v);
        shown++;
    }
    size_t n_reg = 0;
    json_t *reg = regression_cases(cases_dir, &n_reg, err, cap);
    if (reg == NULL) {
        json_decref(arr);
        json_decref(ph);
        return NULL;
    }
    for (size_t i = 0; i < N_PLACEHOLDERS; i++)
        json_array_append_new(ph, json_pack("{s:s, s:o, s:s}", "name", PLACEHOLDERS[i].name,
                                            "where", where_json(PLACEHOLDERS[i].where), "value",
                                            PLACEHOLDERS[i].value));
    *n_out = shown;
    return json_pack("{s:s, s:i, s:i, s:s, s:I, s:o, s:o, s:o}", "format", GC_EXPORT_FORMAT,
                     "version", GC_EXPORT_VERSION, "contract", EXPORT_CONTRACT, "generated_by",
                     "gatecrash " EXPORT_TOOL_VERSION, "count", (json_int_t)shown, "placeholders",
                     ph, "cases", arr, "regression_cases", reg);
}

/* --- cases.schema.json -------------------------------------------------------------------- */

static json_t *s_type(const char *t, const char *desc)
{
    json_t *s = json_pack("{s:s}", "type", t);
    if (desc != NULL)
        json_object_set_new(s, "description", json_string(desc));
    return s;
}

static json_t *s_nullable(const char *t, const char *desc)
{
    json_t *s = json_pack("{s:[s,s]}", "type", t, "null");
    if (desc != NULL)
        json_object_set_new(s, "description", json_string(desc));
    return s;
}

static json_t *s_enum(json_t *values, const char *desc)
{
    json_t *s = json_pack("{s:o}", "enum", values);
    if (desc != NULL)
        json_object_set_new(s, "description", json_string(desc));
    return s;
}

static json_t *s_ref(const char *def)
{
    char r[128];
    snprintf(r, sizeof(r), "#/$defs/%s", def);
    return json_pack("{s:s}", "$ref", r);
}

/* An object (or object-or-null) whose every property is required and no
 * other is allowed. props: name, schema pairs, NULL-terminated. */
static json_t *s_object(int nullable, const char *desc, ...)
{
    json_t *props = json_object(), *req = json_array();
    va_list ap;
    va_start(ap, desc);
    for (const char *k; (k = va_arg(ap, const char *)) != NULL;) {
        json_object_set_new(props, k, va_arg(ap, json_t *));
        json_array_append_new(req, json_string(k));
    }
    va_end(ap);
    json_t *s = nullable ? json_pack("{s:[s,s]}", "type", "object", "null")
                         : json_pack("{s:s}", "type", "object");
    if (desc != NULL)
        json_object_set_new(s, "description", json_string(desc));
    json_object_set_new(s, "properties", props);
    json_object_set_new(s, "required", req);
    json_object_set_new(s, "additionalProperties", json_false());
    return s;
}

/* Scan an enum's name function from `first` until it answers "?" (or NULL). */
#define ENUM_NAMES(arr, fn, type, first)                                                    \
    do {                                                                                    \
        for (int i_ = (first); i_ < GC_ENUM_SCAN_MAX; i_++) {                               \
            const char *n_ = fn((type)i_);                                                  \
            if (n_ == NULL || strcmp(n_, GC_ENUM_NAME_UNKNOWN) == 0)                        \
                break;                                                                      \
            json_array_append_new((arr), json_string(n_));                                  \
        }                                                                                   \
    } while (0)

static json_t *expect_schema(int nullable)
{
    json_t *kinds = json_array(), *admin = json_array(), *src = json_array();
    ENUM_NAMES(kinds, gc_expect_kind_name, enum gc_expect_kind, 0);
    ENUM_NAMES(admin, gc_admin_truth_name, enum gc_admin_truth, 1);
    json_array_append_new(admin, json_null());
    for (size_t i = 0; i < N_SOURCES; i++)
        json_array_append_new(src, json_string(SOURCES[i]));
    json_array_append_new(src, json_null());
    return s_object(
        nullable, "Expected outcome, decided by construction (README.md, \"Judging\")",
        "kind", s_enum(kinds, "deny: non-2xx or failed handshake; allow: 2xx; status: exactly "
                              "`status`; posture-ok: the posture check passes"),
        "status", s_nullable("integer", "the exact status when kind is \"status\""),
        "identity", s_nullable("string", "identity the request validly holds (null = none)"),
        "source", s_enum(src, "/whoami source to expect; null = not checked"),
        "client_addr", s_nullable("string", "/whoami client_addr to expect; null = not checked"),
        "admin", s_enum(admin, "whether the identity holds role admin; null = not stated"), NULL);
}

static json_t *schema_doc(void)
{
    json_t *fam = json_array(), *kinds = json_array(), *keys = json_array(), *muts = json_array(),
           *acts = json_array(), *parts = json_array(), *posture = json_array(),
           *where = json_array();
    for (int f = 0; f < GC_FAM_COUNT; f++)
        json_array_append_new(fam, json_string(gc_family_name((enum gc_family)f)));
    for (int k = 0; k < GC_CERT_COUNT; k++)
        json_array_append_new(kinds, json_string(gc_cert_truth((enum gc_cert_kind)k)->name));
    ENUM_NAMES(keys, gc_sign_key_name, enum gc_sign_key, 0);
    ENUM_NAMES(muts, gc_token_mutation_name, enum gc_token_mutation, 0);
    ENUM_NAMES(acts, gc_action_name, enum gc_action, 0);
    ENUM_NAMES(posture, gc_posture_check_name, enum gc_posture_check, 1);
    json_array_append_new(posture, json_null());
    for (size_t i = 0; gc_part_name(i) != NULL; i++)
        json_array_append_new(parts, json_string(gc_part_name(i)));
    for (size_t i = 0; i < N_WHERE; i++)
        json_array_append_new(where, json_string(WHERE_NAMES[i]));

    json_t *defs = json_object();
    json_object_set_new(
        defs, "cert",
        s_object(0, "The client certificate chain presented in the TLS handshake",
                 "kind", s_enum(kinds, "certificate kind (README.md, \"Credentials\")"),
                 "valid", s_type("boolean", "chains to client-ca within max_chain_depth, "
                                            "clientAuth, in validity, exactly one URI SAN"),
                 "identity", s_nullable("string", "the identity it gives when valid"),
                 "admin", s_type("boolean", "that identity is in admin_identities"),
                 "fixture", s_object(1, "fixture files (relative to the fixture dir) providing it",
                                     "cert", s_type("string", "PEM: leaf, then intermediates"),
                                     "key", s_type("string", "PEM private key"), NULL),
                 "derived", s_nullable("string", "how to build it when no fixture file has it"),
                 NULL));
    json_object_set_new(
        defs, "token",
        s_object(1, "Token recipe; null = no Authorization header",
                 "header", s_type("string", "JOSE header JSON template"),
                 "payload", s_nullable("string", "claims JSON template"),
                 "sign_alg", s_nullable("string", "algorithm the signature is made with"),
                 "key", s_enum(keys, "signing key choice"),
                 "mutation", s_enum(muts, "damage applied after signing"),
                 "scheme", s_type("string", "Authorization scheme; \"\" = the token alone"), NULL));
    json_object_set_new(defs, "expect", expect_schema(0));
    json_object_set_new(defs, "expect_or_null", expect_schema(1));
    json_object_set_new(
        defs, "raw",
        s_object(1, "Exact request bytes (placeholders substituted) sent instead of a built request",
                 "length", s_type("integer", NULL),
                 "base64", s_type("string", "RFC 4648 section 4, padded"),
                 "text", s_nullable("string", "the same bytes when all are printable ASCII, "
                                              "CR, LF or TAB"), NULL));
    json_object_set_new(
        defs, "run_arg",
        s_object(1, "The /run argument (only ${EXEC_MARKER} is substituted)",
                 "length", s_type("integer", NULL),
                 "base64", s_type("string", "RFC 4648 section 4, padded: the exact bytes"),
                 "printable", s_type("string", "ASCII rendering: \\\\ \\n \\r \\t \\xHH escapes"),
                 NULL));
    json_t *str_items = json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string");
    json_t *part_items = json_pack("{s:s, s:{s:o}}", "type", "array", "items", "enum", parts);
    json_object_set_new(
        defs, "case",
        s_object(0, "One catalogue case",
                 "id", s_type("string", "stable hierarchical id, family.group.name"),
                 "family", s_enum(fam, NULL),
                 "title", s_type("string", NULL),
                 "refs", s_type("string", "CWE / CVE / RFC references, \"; \"-separated"),
                 "cert", s_ref("cert"),
                 "token", s_ref("token"),
                 "method", s_nullable("string", "null only for raw and posture cases"),
                 "target", s_nullable("string", "request-target; null for /run (built from "
                                                "run_arg), raw and posture cases"),
                 "headers", str_items,
                 "raw", s_ref("raw"),
                 "run_arg", s_ref("run_arg"),
                 "action", s_enum(acts, NULL),
                 "second_target", s_nullable("string", "pipeline: the second request-target"),
                 "expect", s_ref("expect"),
                 "expect_second", s_ref("expect_or_null"),
                 "contract_parts", part_items,
                 "posture", s_enum(posture, "posture action: the check"), NULL));
    json_object_set_new(
        defs, "placeholder",
        s_object(0, NULL, "name", s_type("string", NULL),
                 "where", json_pack("{s:s, s:{s:o}}", "type", "array", "items", "enum", where),
                 "value", s_type("string", NULL), NULL));

    json_t *root = s_object(
        0, "gatecrash test vectors: the case catalogue for target contract v1",
        "format", json_pack("{s:s}", "const", GC_EXPORT_FORMAT),
        "version", json_pack("{s:i}", "const", GC_EXPORT_VERSION),
        "contract", json_pack("{s:i}", "const", EXPORT_CONTRACT),
        "generated_by", s_type("string", NULL),
        "count", s_type("integer", "number of entries in cases"),
        "placeholders", json_pack("{s:s, s:o}", "type", "array", "items", s_ref("placeholder")),
        "cases", json_pack("{s:s, s:o}", "type", "array", "items", s_ref("case")),
        "regression_cases",
        json_pack("{s:s, s:o}", "type", "array", "items", s_ref("case")), NULL);
    json_t *doc = json_pack("{s:s, s:s, s:s}", "$schema", EXPORT_SCHEMA_DIALECT, "$id",
                            EXPORT_SCHEMA_ID, "title", "gatecrash-vectors v1");
    json_object_update(doc, root);
    json_decref(root);
    json_object_set_new(doc, "$defs", defs);
    return doc;
}

/* What each key choice, mutation and action means, for README.md (indexed
 * by the enum value; unit.export checks every value has a line). */
static const char *const KEY_WHAT[] = {
    [GC_KEY_NONE] = "no key: alg `none`, empty signature",
    [GC_KEY_FIXTURE] = "the fixture private key of the algorithm's family: "
                       "`harness/jwt/rsa-1.key.pem`, `ec-1.key.pem`, `ed-1.key.pem`, or the "
                       "hs-1 secret `harness/jwt/hs-1.key`",
    [GC_KEY_ATTACKER] = "a key nobody trusts, of the same type (`" GC_FX_ATTACKER_RSA_KEY
                        "`, `" GC_FX_ATTACKER_EC_KEY "`, or any fresh ES384 / Ed25519 key or "
                        "32-byte HMAC secret)",
    [GC_KEY_RSA_PUB_PEM_AS_HMAC] = "HMAC keyed with the exact bytes of `target/jwt/rsa-1.pub.pem`",
    [GC_KEY_RSA_PUB_DER_AS_HMAC] = "HMAC keyed with rsa-1's DER SubjectPublicKeyInfo",
    [GC_KEY_EC_PUB_PEM_AS_HMAC] = "HMAC keyed with the exact bytes of `target/jwt/ec-1.pub.pem`",
    [GC_KEY_EMPTY_HMAC] = "HMAC keyed with the empty string",
};
static const char *const MUT_WHAT[] = {
    [GC_TOKMUT_NONE] = "as signed",
    [GC_TOKMUT_STRIP_SIG] = "`h.p.` (empty signature)",
    [GC_TOKMUT_DROP_SIG_SEGMENT] = "`h.p` (two segments)",
    [GC_TOKMUT_EXTRA_SEGMENT] = "`h.p.s.x`",
    [GC_TOKMUT_PAD_B64] = "`=` padding after the signature (`==` when none would be needed)",
    [GC_TOKMUT_STD_B64] = "payload in the `+` `/` alphabet (a claim `\"b64\":\"??????\"` is "
                          "inserted first when the payload would have no `-` or `_`)",
    [GC_TOKMUT_PSYCHIC_ECDSA] = "signature r = s = 0 (64 zero bytes; 96 for ES384)",
    [GC_TOKMUT_DER_ECDSA] = "the ECDSA signature re-encoded as DER",
    [GC_TOKMUT_JSON_SERIALIZATION] = "RFC 7515 §7.2.2 flattened JSON "
                                     "`{\"payload\",\"protected\",\"signature\"}`",
    [GC_TOKMUT_FLIP_SIG_BIT] = "one bit flipped in the middle byte of the signature",
    [GC_TOKMUT_HUGE] = "a claim `\"pad\":\"AAAA…\"` (7300 `A`) inserted first in the payload "
                       "before signing: about 10 KiB",
};
static const char *const ACT_WHAT[] = {
    [GC_ACT_REQUEST] = "one TLS connection, one request, read one response",
    [GC_ACT_PIPELINE] = "the request, then `GET <second_target>` with no credentials of its own, "
                        "in one write on one connection; read two responses (identity must not "
                        "carry over)",
    [GC_ACT_SLOW_HEADERS] = "dribble the header section one byte per 100 ms, never finishing; "
                            "meanwhile `GET /public` from another connection must answer 200",
    [GC_ACT_PARTIAL_CLOSE] = "send half the request and close; then `GET /public` must answer 200",
    [GC_ACT_CONN_FLOOD] = "hold 128 idle TLS connections, then the request must still be answered",
    [GC_ACT_BAD_TLS] = "512 garbage bytes instead of a ClientHello on one TCP connection, then "
                       "the request",
    [GC_ACT_POSTURE] = "no request: check the running target's process (section 7)",
};

/* --- README.md -------------------------------------------------------------------------- */

/* One row per value of an enum, named by its name function, explained by
 * `what` (indexed by the enum value). */
#define README_ENUM_TABLE(f, head, fn, type, what)                                          \
    do {                                                                                    \
        fprintf((f), "| %s | meaning |\n|---|---|\n", (head));                             \
        for (size_t i_ = 0; i_ < sizeof(what) / sizeof((what)[0]); i_++)                    \
            fprintf((f), "| `%s` | %s |\n", fn((type)i_), (what)[i_] ? (what)[i_] : "?");    \
        fputc('\n', (f));                                                                   \
    } while (0)

static char *readme_text(size_t n_cases, size_t n_reg, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (f == NULL)
        return NULL;
    fprintf(f,
            "# gatecrash test vectors\n\n"
            "<!-- GENERATED FILE: do not edit. Source: harness/export.c. -->\n\n"
            "Written by `gatecrash export` (format `" GC_EXPORT_FORMAT "` version %d, target "
            "contract %d):\n%zu catalogue cases and %zu regression cases. Regenerate from the "
            "repository root with\n`" GC_EXPORT_REGEN_CMD "`; the unit test `unit.export` fails "
            "while these files differ\nfrom the catalogue.\n\n"
            "- `" GC_EXPORT_CASES_FILE "`: the cases, as data another implementation of the target\n"
            "  contract (docs/CONTRACT.md) can replay without gatecrash.\n"
            "- `" GC_EXPORT_SCHEMA_FILE "`: its JSON Schema (draft 2020-12).\n"
            "- `" GC_EXPORT_README_FILE "`: this file.\n\n",
            GC_EXPORT_VERSION, EXPORT_CONTRACT, n_cases, n_reg);

    fprintf(f,
            "## 1. Fixtures\n\n"
            "Every case assumes the fixture tree `gatecrash fixtures DIR` writes (docs/CONTRACT.md "
            "§1):\n"
            "your server reads `DIR/target` (`GATECRASH_FIXTURES`), listens on 127.0.0.1 "
            "(`GATECRASH_PORT`)\nand serves TLS with `target/tls/server.pem` for `localhost`; your "
            "replay client trusts `target/tls/server-ca.pem` and takes client certificates, keys and "
            "the JWT\nsigning keys from `DIR/harness`. File names in the vectors are relative to "
            "DIR.\n\n");

    fprintf(f,
            "## 2. Fields of a case\n\n"
            "| field | meaning |\n|---|---|\n"
            "| `id` | stable hierarchical id `family.group.name`; never reused |\n"
            "| `family` | first component of the id |\n"
            "| `title`, `refs` | what is wrong; CWE / CVE / RFC references |\n"
            "| `contract_parts` | parts of the contract the case needs; a target that does not "
            "implement one reports the case as unimplemented, not failed |\n"
            "| `cert` | client certificate to present (section 3) |\n"
            "| `token` | token recipe (section 4); null = no `Authorization` header |\n"
            "| `method`, `target`, `headers` | request line and extra header lines (section 5) |\n"
            "| `raw` | when not null: the exact request bytes, sent instead of a built request |\n"
            "| `run_arg` | when not null: the `/run` argument; the request-target is built from it |\n"
            "| `action` | how to send (section 6) |\n"
            "| `second_target` | pipeline: request-target of the second request |\n"
            "| `expect`, `expect_second` | expected outcome of the (first, second) request "
            "(section 7) |\n"
            "| `posture` | posture action: which check |\n\n"
            "Top level: `count` cases in `cases`, the `placeholders` table (section 8), and "
            "`regression_cases`:\nthe network regression cases `gatecrash fuzz` left in "
            "`corpora/cases/` (ids `" GC_FUZZ_REGRESS_PREFIX "<file>`),\nin the same shape. "
            "When their `refs` is `" GC_MUT_REFS_UNKNOWN "`, the fuzzer\ncould not decide "
            "allow or deny: judge only the properties that need no model (no crash or hang, no\n"
            "canary or host file, no unsafe exec, no SSRF, no leak).\n\n");

    fprintf(f, "## 3. Credentials\n\n"
               "`cert.kind` names the chain; `valid`, `identity` and `admin` are its truth "
               "row (by construction).\n"
               "`fixture` names the PEM files that hold it (leaf first, then intermediates to send; "
               "and its key).\nOtherwise `derived` says how to build it from the fixture CA keys. "
               "Derived leaves, unless stated:\nEC P-256 key, valid from now-1h to now+30d, "
               "EKU clientAuth only, issued by the client CA, sent alone.\n\n"
               "| kind | valid | identity | admin | provided by |\n|---|---|---|---|---|\n");
    for (int k = 0; k < GC_CERT_COUNT; k++) {
        const struct gc_cert_truth *t = gc_cert_truth((enum gc_cert_kind)k);
        const struct cert_origin *og = &ORIGINS[k];
        fprintf(f, "| `%s` | %s | %s%s%s | %s | ", t->name, t->valid ? "yes" : "no",
                t->identity ? "`" : "", t->identity ? t->identity : "-", t->identity ? "`" : "",
                t->admin ? "yes" : "no");
        if (og->cert != NULL)
            fprintf(f, "`%s` + `%s` |\n", og->cert, og->key);
        else
            fprintf(f, "%s |\n", og->derived ? og->derived : "?");
    }

    fprintf(f,
            "\n## 4. Tokens\n\n"
            "Substitute the placeholders (section 8) in `header` and `payload`, then base64url "
            "(RFC 4648 §5,\nno padding) the exact resulting bytes, sign `h.p` with `sign_alg` and "
            "the key below (RS256 = RSASSA-PKCS1-v1_5\nSHA-256, ES256/ES384 = raw r‖s per RFC 7518 "
            "§3.4, EdDSA = Ed25519, HS256 = HMAC-SHA-256), then\napply the mutation. Send it as "
            "`Authorization: <scheme> <token>` (`scheme` \"\" = the token alone).\n\n");
    README_ENUM_TABLE(f, "key", gc_sign_key_name, enum gc_sign_key, KEY_WHAT);
    README_ENUM_TABLE(f, "mutation", gc_token_mutation_name, enum gc_token_mutation, MUT_WHAT);

    fprintf(f,
            "## 5. Building the request\n\n"
            "When `raw` is set: substitute placeholders in it and send the bytes as they are. "
            "Otherwise:\n\n"
            "```\n<method> <target> HTTP/1.1\\r\\n\n"
            "Host: localhost:<port>\\r\\n          (unless a headers line sets Host)\n"
            "Authorization: <scheme> <token>\\r\\n (when token is not null)\n"
            "<each headers line, placeholders substituted>\\r\\n\n"
            "Connection: keep-alive\\r\\n          (unless a headers line sets Connection)\n"
            "\\r\\n\n```\n\n"
            "For `/run` cases (`run_arg` not null) the target is `/run?arg=` followed by the "
            "argument\n(base64-decoded, `${EXEC_MARKER}` substituted) percent-encoded: RFC 3986 "
            "unreserved bytes\n(`A-Z a-z 0-9 - . _ ~`) as they are, every other byte as `%%XX` "
            "(upper-case hex).\n\n");

    fprintf(f, "## 6. Actions\n\n");
    README_ENUM_TABLE(f, "action", gc_action_name, enum gc_action, ACT_WHAT);

    fprintf(f,
            "## 7. Judging\n\n"
            "- `deny`: any non-2xx answer, or a failed TLS handshake (a target may refuse a bad "
            "client\n  certificate during the handshake instead of answering 401: both are "
            "deny). `allow`: a 2xx.\n  `status`: exactly that status. `posture-ok`: the check named "
            "by `posture` holds for the\n  target process (not-root: uid and euid not 0; "
            "no-capabilities: CapEff and CapPrm empty;\n  no-new-privs: NoNewPrivs 1; "
            "seccomp-filter: a seccomp filter of its own; no-reach-outside: it\n  cannot read "
            "outside the fixture dir).\n"
            "- `identity`, `source`, `client_addr`: when not null, a 2xx `/whoami` must name "
            "exactly that\n  identity (null = `\"identity\": null`), source and client address. "
            "An allowed answer naming\n  another identity is an identity-confusion finding, even "
            "if the status was right.\n"
            "- `admin` `no`: a 2xx `/admin` or `\"admin\"` in `/whoami` roles is a finding; "
            "`yes`: the identity\n  holds role admin.\n"
            "- `/run`: a 2xx body must be one gk-echo line whose `argv_hex` is exactly "
            "`[helper, \"--\", arg]`\n  with `arg` the decoded `run_arg` (`${EXEC_MARKER}` "
            "substituted), and the marker file must not\n  exist after the case.\n"
            "- On every case: no canary token (`GCCANARY-…`, `harness/canaries.json`) or host "
            "file in a\n  response, no secret (HMAC key, token signature) in a response or the "
            "target's log, no\n  connection to the SSRF listener, no crash, and `GET /public` "
            "still answers afterwards.\n\n");

    fprintf(f,
            "## 8. Placeholders\n\n"
            "`${NAME}` is replaced by its value, as raw text (templates already quote where "
            "JSON needs it).\nIn token templates an unknown `${...}` is an error. In `headers` "
            "and `raw` an unknown `${...}`\nis sent as it is (a `${jndi:…}` header is a case). "
            "In `run_arg` only `${EXEC_MARKER}` is\nsubstituted: `${IFS}` and the rest are the "
            "argument's own bytes.\n\n"
            "| placeholder | where | value |\n|---|---|---|\n");
    for (size_t i = 0; i < N_PLACEHOLDERS; i++) {
        fprintf(f, "| `${%s}` | ", PLACEHOLDERS[i].name);
        for (size_t w = 0, first = 1; w < N_WHERE; w++)
            if (PLACEHOLDERS[i].where & (1u << w)) {
                fprintf(f, "%s%s", first ? "" : ", ", WHERE_NAMES[w]);
                first = 0;
            }
        fprintf(f, " | %s |\n", PLACEHOLDERS[i].value);
    }
    fprintf(f,
            "\n### The exec marker\n\n"
            "`run.marker.*` arguments (`;touch ${EXEC_MARKER}`, `$(touch ${EXEC_MARKER})`, …) "
            "would create\nthe marker file if any shell ever saw them. Pick one absolute path "
            "per run inside a directory\nyou create with mode 1777 (world-writable and sticky, "
            "like /tmp), so that a target that dropped\nprivileges could still create it; keep "
            "the path to `A-Z a-z 0-9 / . _ - +`. Remove the file\nbefore each /run case and "
            "check after it: if it exists, something executed a shell (unsafe\nexec), whatever "
            "the response said. gatecrash uses `<run_dir>/marker/exec-marker`. The helper\nmust "
            "receive the argument with the path substituted and nothing else changed.\n");
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* --- writing -------------------------------------------------------------------------------- */

static int write_out(const char *dir, const char *name, const char *data, size_t len, char *err,
                     size_t cap)
{
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
        gc_errf(err, cap, "%s/%s: path too long", dir, name);
        return -1;
    }
    if (gc_write_file_atomic(path, data, len, EXPORT_FILE_MODE) != 0) {
        gc_errf(err, cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* JSON text with a final newline; owned. */
static char *dump(const json_t *j, size_t *len)
{
    char *s = j != NULL ? json_dumps(j, EXPORT_JSON_FLAGS) : NULL;
    if (s == NULL)
        return NULL;
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (t == NULL) {
        free(s);
        return NULL;
    }
    t[n] = '\n';
    t[n + 1] = '\0';
    *len = n + 1;
    return t;
}

int gc_export_write(const struct gc_export_opts *o, size_t *n_cases, char *err, size_t err_cap)
{
    const char *out = o->out_dir ? o->out_dir : GC_EXPORT_DEFAULT_OUT;
    const char *cases_dir = o->cases_dir ? o->cases_dir : GC_EXPORT_DEFAULT_CASES;
    size_t shown = 0, l_cases = 0, l_schema = 0, l_readme = 0;
    json_t *doc = cases_doc(o, cases_dir, &shown, err, err_cap);
    if (doc == NULL)
        return -1;
    json_t *schema = schema_doc();
    size_t n_reg = json_array_size(json_object_get(doc, "regression_cases"));
    char *t_cases = dump(doc, &l_cases), *t_schema = dump(schema, &l_schema);
    char *t_readme = readme_text(shown, n_reg, &l_readme);
    json_decref(doc);
    json_decref(schema);
    int rc = -1;
    if (t_cases == NULL || t_schema == NULL || t_readme == NULL)
        gc_errf(err, err_cap, "out of memory");
    else if (gc_mkdir_p(out, EXPORT_DIR_MODE) != 0)
        gc_errf(err, err_cap, "%s: %s", out, strerror(errno));
    else if (write_out(out, GC_EXPORT_SCHEMA_FILE, t_schema, l_schema, err, err_cap) == 0 &&
             write_out(out, GC_EXPORT_README_FILE, t_readme, l_readme, err, err_cap) == 0 &&
             write_out(out, GC_EXPORT_CASES_FILE, t_cases, l_cases, err, err_cap) == 0)
        rc = 0;
    free(t_cases);
    free(t_schema);
    free(t_readme);
    if (rc == 0 && n_cases != NULL)
        *n_cases = shown;
    return rc;
}

/* --- the subcommand ----------------------------------------------------------------------- */

static void export_usage(FILE *out)
{
    fprintf(out,
            "usage: gatecrash export [--out DIR] [--cases-dir DIR] [PREFIX...]\n\n"
            "Write the case catalogue and the network regression cases as test vectors for\n"
            "other implementations of the target contract:\n"
            "  DIR/" GC_EXPORT_CASES_FILE "         the cases (every field, bytes in base64)\n"
            "  DIR/" GC_EXPORT_SCHEMA_FILE "  its JSON Schema (draft 2020-12)\n"
            "  DIR/" GC_EXPORT_README_FILE "          how to replay and judge them\n"
            "options:\n"
            "  --out DIR        output directory (default " GC_EXPORT_DEFAULT_OUT ")\n"
            "  --cases-dir DIR  regression cases *.json (default " GC_EXPORT_DEFAULT_CASES ")\n"
            "  PREFIX           only case ids starting with one of the prefixes\n");
}

int gc_cmd_export(int argc, char **argv)
{
    enum { OPT_OUT = 0x100, OPT_CASES, OPT_HELP }; /* 1 = an operand */
    static const struct option LONG_OPTS[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"cases-dir", required_argument, NULL, OPT_CASES},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *prefixes[GC_EXPORT_MAX_PREFIXES];
    struct gc_export_opts o = {.prefixes = prefixes};
    int opt;
    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "-:", LONG_OPTS, NULL)) != -1) {
        switch (opt) {
        case 1:
            if (o.n_prefixes == GC_EXPORT_MAX_PREFIXES) {
                fprintf(stderr, "gatecrash export: more than %d prefixes\n", GC_EXPORT_MAX_PREFIXES);
                return EXPORT_EXIT_ERR;
            }
            prefixes[o.n_prefixes++] = optarg;
            break;
        case OPT_OUT:
            o.out_dir = optarg;
            break;
        case OPT_CASES:
            o.cases_dir = optarg;
            break;
        case OPT_HELP:
            export_usage(stdout);
            return EXPORT_EXIT_OK;
        default:
            fprintf(stderr, "gatecrash export: unknown option or missing value: \"%s\"\n\n",
                    argv[optind - 1]);
            export_usage(stderr);
            return EXPORT_EXIT_ERR;
        }
    }
    for (; optind < argc && o.n_prefixes < GC_EXPORT_MAX_PREFIXES; optind++)
        prefixes[o.n_prefixes++] = argv[optind];
    char err[EXPORT_ERR_MAX];
    size_t n = 0;
    if (gc_export_write(&o, &n, err, sizeof(err)) != 0) {
        fprintf(stderr, "gatecrash export: %s\n", err);
        return EXPORT_EXIT_ERR;
    }
    fprintf(stderr, "gatecrash export: %zu cases into %s\n", n,
            o.out_dir ? o.out_dir : GC_EXPORT_DEFAULT_OUT);
    return EXPORT_EXIT_OK;
}
