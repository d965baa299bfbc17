/* harness/mutate.h: the network fuzzer's mutation operators and the small
 * models that keep its oracles exact (docs/NETFUZZ.md).
 *
 * A fuzz case is a catalogue case (the base) plus a list of operators with
 * concrete parameters. Applying them is deterministic: the same base and ops
 * give the same bytes (up to the times and keys of the current fixtures).
 * Every operator declares its effect on the ground truth:
 *   PRESERVE    the base's expectation still holds (a header name's case,
 *               a forwarding header from a peer that is not a trusted proxy);
 *   MODEL       the expectation is recomputed by the harness's own small model
 *               of the contract (identity, routes, /files paths, /run argument,
 *               tokens it built field by field);
 *   FORCE_DENY  the request is malformed HTTP: any 2xx is a bypass;
 *   UNKNOWN     nobody knows: the case is "deny-or-allow" and only the
 *               model-free oracles (traversal, unsafe-exec, ssrf, crash, hang,
 *               leak) judge it, never authz-bypass or identity-confusion.
 * The model never asks a target (DESIGN.md "Oracle independence"). Pure: no
 * I/O, no clock, no randomness except the caller's PRNG. */
#ifndef GC_MUTATE_H
#define GC_MUTATE_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "case.h"

#define GC_MUT_MAX_OPS 8         /* operators on one base */
#define GC_MUT_RUN_MAX_ARG 4096  /* contract: longest /run argument that must work */
#define GC_MUT_MAX_BYTES 4100    /* bytes an operator may carry (a run arg one past the limit) */
#define GC_MUT_MAX_TARGET 2048   /* request-target bytes a path operator may grow to */
#define GC_MUT_ID_MAX 160
#define GC_MUT_HASH_HEX 16       /* hex chars of an entry's hash (file names, ids) */

#define GC_MUT_OP_LIST(X)                                                   \
    /* enum,           json name,          family of bases it applies to */ \
    X(CERT_SWAP,       "cert.swap")       /* a: cert kind */                  \
    X(JWT_SET,         "jwt.set")         /* a: kid, b: sub, c: roles */      \
    X(JWT_CLAIM,       "jwt.claim")       /* a: claim, b: variant */          \
    X(JWT_KEY,         "jwt.key")         /* a: signing key */                \
    X(JWT_ALG,         "jwt.alg")         /* a: header alg */                 \
    X(JWT_URL,         "jwt.url")         /* a: jku / x5u pointing at the canary */ \
    X(FWD_ADD,         "fwd.add")         /* a: header, b: grammar bits, c: name case */ \
    X(FWD_NAME_CASE,   "fwd.case")        /* a: case variant of forwarding names */ \
    X(PATH_PCT,        "path.pct")        /* a: seg, b: byte, c: upper hex */ \
    X(PATH_DOT,        "path.dot")        /* a: seg */                        \
    X(PATH_DOTDOT,     "path.dotdot")     /* a: seg, b: name */               \
    X(PATH_UP,         "path.up")         /* a: seg, b: count */              \
    X(PATH_DOUBLE,     "path.double")     /* a: seg, b: byte */               \
    X(PATH_SEP,        "path.sep")        /* a: seg, b: byte, c: separator */ \
    X(PATH_OVERLONG,   "path.overlong")   /* a: seg, b: byte, c: form */      \
    X(PATH_CASE,       "path.case")       /* a: seg, b: byte */               \
    X(RUN_ARG,         "run.arg")         /* bytes: the new argument */       \
    X(FRAME,           "http.frame")      /* a: framing variant */

enum gc_mut_kind {
#define GC_MUT_ENUM(e, name) GC_MUT_##e,
    GC_MUT_OP_LIST(GC_MUT_ENUM)
#undef GC_MUT_ENUM
        GC_MUT_KIND_COUNT
};
const char *gc_mut_kind_name(enum gc_mut_kind k);

struct gc_mut_op {
    enum gc_mut_kind kind;
    uint32_t a, b, c;      /* taken modulo the range that applies when used */
    uint8_t *bytes;        /* owned; RUN_ARG only */
    size_t len;
};

/* A fuzz corpus entry: a base case and its operators. */
struct gc_mut_entry {
    char base[GC_MUT_ID_MAX];
    struct gc_mut_op ops[GC_MUT_MAX_OPS];
    size_t n_ops;
};
void gc_mut_entry_free(struct gc_mut_entry *e);
int gc_mut_entry_copy(struct gc_mut_entry *dst, const struct gc_mut_entry *src);
/* Remove op i (shifting the rest); frees its bytes. */
void gc_mut_entry_drop(struct gc_mut_entry *e, size_t i);

enum gc_mut_truth {
    GC_MUT_TRUTH_EXACT = 0, /* c.expect is the ground truth */
    GC_MUT_TRUTH_UNKNOWN,   /* deny-or-allow: model-free oracles only */
};

enum gc_mut_effect { GC_MUT_PRESERVE, GC_MUT_MODEL, GC_MUT_FORCE_DENY, GC_MUT_UNKNOWN };

/* The route a request reaches, for the fuzzer's feedback tuple. */
enum gc_mut_route {
    GC_ROUTE_OTHER = 0, GC_ROUTE_PUBLIC, GC_ROUTE_WHOAMI, GC_ROUTE_USER, GC_ROUTE_ADMIN,
    GC_ROUTE_INTERNAL, GC_ROUTE_FILES, GC_ROUTE_RUN, GC_ROUTE_COUNT
};
const char *gc_mut_route_name(enum gc_mut_route r);

/* A materialized fuzz case: c is ready for gc_build_case and the oracles. */
struct gc_mut_case {
    struct gc_case c;
    enum gc_mut_truth truth;
    enum gc_mut_route route;
    const char *expect_file;  /* /files allow: the www/ file it must serve, else NULL */
    char id[GC_MUT_ID_MAX];
    char title[GC_MUT_ID_MAX];
    /* owned storage behind c's pointers */
    char *target, *raw, *tok_header, *tok_payload;
    char *headers[GC_CASE_MAX_HEADERS];
    uint8_t *run_arg;
};

/* The refs string of every fuzz case whose truth is unknown; the runner's
 * filter (gc_fuzz_filter_verdicts) recognizes regression cases by it. */
#define GC_MUT_REFS_EXACT "gatecrash fuzz; ground truth by construction"
#define GC_MUT_REFS_UNKNOWN "gatecrash fuzz; truth: deny-or-allow"

/* Bases the fuzzer may start from: GET requests, no raw bytes, one request. */
int gc_mut_base_ok(const struct gc_case *c);
const struct gc_case *gc_mut_find_base(const char *id);

/* Apply e's ops to its base (looked up in the catalogue, or `base` when not
 * NULL) and decide the expectation. id: the case id to give it (NULL =
 * "fuzz.<base>"). 0, or -1 with err. Free with gc_mut_case_free. */
int gc_mut_materialize(const struct gc_mut_entry *e, const struct gc_case *base, const char *id,
                       struct gc_mut_case *out, char *err, size_t err_cap);
void gc_mut_case_free(struct gc_mut_case *mc);

/* The effect op k declares (independent of the state). */
enum gc_mut_effect gc_mut_effect_of(enum gc_mut_kind k);

/* --- the small models (exposed for the unit tests) ---------------------------------- */

/* /files path model: the raw request-target (with "/files/" after
 * normalization or not). Returns 1 allow (*file = the www/ file it names),
 * 0 deny, -1 unknown. */
int gc_mut_path_model(const char *target, size_t len, const char **file);

/* JWT model: the token an entry's JWT_* ops describe. */
struct gc_mut_token {
    unsigned kid;        /* index into the fixture kids: rsa-1 ec-1 ed-1 hs-1 */
    unsigned alg;        /* header alg variant (0 = the kid's own) */
    unsigned key;        /* 0 fixture, 1 attacker, 2 none, 3 rsa-1 PEM as HMAC secret */
    unsigned iss, aud, exp, nbf, sub, roles; /* claim variants (0 = right) */
    unsigned url;        /* 0 none, 1 jku, 2 x5u (canary URL) */
};
/* 1 valid, 0 invalid, -1 unknown; *identity the sub, *admin "admin" in roles. */
int gc_mut_token_valid(const struct gc_mut_token *t, const char **identity, int *admin);

/* --- random operators ------------------------------------------------------------------ */

/* xoshiro256** seeded through splitmix64: one per job, from (seed, job). */
struct gc_prng {
    uint64_t s[4];
};
void gc_prng_seed(struct gc_prng *p, uint64_t seed, uint64_t stream);
uint64_t gc_prng_next(struct gc_prng *p);
uint32_t gc_prng_below(struct gc_prng *p, uint32_t n); /* 0..n-1, n > 0 */

/* Append one random operator suited to e's base (or replace one when full).
 * 0, or -1 out of memory. */
int gc_mut_random_op(struct gc_prng *p, struct gc_mut_entry *e);

/* --- corpus entries as JSON -------------------------------------------------------------- */

/* {"format":1,"base":"...","ops":[{"op":"path.pct","a":1,"b":2,"c":0},
 *  {"op":"run.arg","hex":"613b6964"}]}. New reference, or NULL. */
json_t *gc_mut_entry_to_json(const struct gc_mut_entry *e);
/* From such an object (extra members ignored). 0, or -1 with err. */
int gc_mut_entry_from_json(const json_t *j, struct gc_mut_entry *e, char *err, size_t err_cap);
/* Hash of the canonical form (sorted keys, compact): GC_MUT_HASH_HEX hex + NUL. */
int gc_mut_entry_hash(const struct gc_mut_entry *e, char out[GC_MUT_HASH_HEX + 1]);

#endif
