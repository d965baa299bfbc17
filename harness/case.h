/* harness/case.h: the case catalogue's data model.
 *
 * A case is data: a stable hierarchical id, a family, references, what to send
 * (a credential, a token recipe, a request), and the expected outcome, decided
 * by construction: the harness knows whether the certificate it built chains to
 * the client CA, whether it signed the token with the kid's own key, whether the
 * path it sent names a file inside www. It never asks the target's validators. */
#ifndef GC_CASE_H
#define GC_CASE_H
#include <stddef.h>
#include <stdint.h>

enum gc_family {
    GC_FAM_CERT, GC_FAM_JWT, GC_FAM_FWD, GC_FAM_PATH, GC_FAM_RUN, GC_FAM_ROUTE,
    GC_FAM_SSRF, GC_FAM_LEAK, GC_FAM_HARDENING, GC_FAM_ROBUST, GC_FAM_COUNT
};
const char *gc_family_name(enum gc_family f);

/* Client certificates a case can present. The fixture ones come from
 * DIR/harness/clients; the others are built at run start from the fixture CA
 * keys, a rogue CA or attacker keys (material.c), before any clock starts. */
#define GC_CERT_LIST(X)                                                             \
    /* name,                     valid, identity (when valid),          admin */     \
    X(NONE,                      0, NULL,                               0)          \
    X(ALICE,                     1, "spiffe://gatecrash.test/user/alice", 0)        \
    X(BOB,                       1, "spiffe://gatecrash.test/user/bob",   0)        \
    X(ADMIN,                     1, "spiffe://gatecrash.test/admin",      1)        \
    X(PROXY,                     1, "spiffe://gatecrash.test/proxy",      0)        \
    X(ROGUE_CA_ADMIN,            0, NULL, 0) /* same CA subject, other key */       \
    X(SELF_SIGNED_ADMIN,         0, NULL, 0)                                        \
    X(EXPIRED_ADMIN,             0, NULL, 0)                                        \
    X(NOT_YET_VALID_ADMIN,       0, NULL, 0)                                        \
    X(SERVER_AUTH_ONLY_ADMIN,    0, NULL, 0)                                        \
    X(NO_EKU_ADMIN,              0, NULL, 0)                                        \
    X(LEAF_AS_CA_ADMIN,          0, NULL, 0) /* issued by alice's leaf */           \
    X(TOO_DEEP_ADMIN,            0, NULL, 0) /* one CA more than max depth */        \
    X(PATHLEN_EXCEEDED_ADMIN,    0, NULL, 0) /* under the pathlen-0 intermediate */  \
    X(NO_URI_SAN,                0, NULL, 0)                                        \
    X(TWO_URI_SANS,              0, NULL, 0)                                        \
    X(CN_ADMIN_SAN_ALICE,        1, "spiffe://gatecrash.test/user/alice", 0)        \
    X(DNS_SAN_ONLY_ADMIN,        0, NULL, 0)                                        \
    X(LOOKALIKE_UPPER_SCHEME,    0, NULL, 0) /* SPIFFE://gatecrash.test/admin */     \
    X(LOOKALIKE_TRAILING_SLASH,  0, NULL, 0)                                        \
    X(LOOKALIKE_SUFFIX_DOMAIN,   1, "spiffe://gatecrash.test.evil/admin", 0)        \
    X(LOOKALIKE_ADMIN_PREFIX,    1, "spiffe://gatecrash.test/administrator", 0)     \
    X(LOOKALIKE_ADMIN_CHILD,     1, "spiffe://gatecrash.test/admin/x", 0)           \
    X(UNKNOWN_CRITICAL_ADMIN,    0, NULL, 0)                                        \
    X(RSA1024_ADMIN,             0, NULL, 0)                                        \
    X(SHA1_ADMIN,                0, NULL, 0)                                        \
    X(INTERMEDIATE_ALICE,        1, "spiffe://gatecrash.test/user/alice", 0)

enum gc_cert_kind {
#define GC_CERT_ENUM(name, valid, id, admin) GC_CERT_##name,
    GC_CERT_LIST(GC_CERT_ENUM)
#undef GC_CERT_ENUM
        GC_CERT_COUNT
};
struct gc_cert_truth {
    const char *name;      /* "alice", "rogue-ca-admin" ... */
    int valid;             /* chains to client-ca, clientAuth, in validity, one URI SAN */
    const char *identity;  /* the URI SAN that must become the identity when valid */
    int admin;             /* identity is in admin_identities */
};
const struct gc_cert_truth *gc_cert_truth(enum gc_cert_kind k);

/* Token recipes. Templates are JSON text with placeholders substituted at
 * build time (token.c): ${ISS} issuer, ${AUD} audience, ${NOW}, ${EXP} now+600,
 * ${PAST} now-3600, ${FUTURE} now+3600, ${LEEWAY_EDGE_OK} now-leeway+5 (expired
 * but inside the leeway), ${LEEWAY_EDGE_BAD} now-leeway-5 (outside it; the
 * 5 s margin, GC_LEEWAY_MARGIN_S, absorbs the time between signing and checking), ${SSRF_URL} URL of the harness's
 * loopback canary listener, ${ATTACKER_JWK} the attacker's public key as a JWK
 * object, ${EXEC_MARKER} the absolute path of the run's exec marker file
 * (runner: <run_dir>/marker/exec-marker, the directory mode 1777 so that a
 * target that dropped privileges could still create it; unset = left as is). */
enum gc_sign_key {
    GC_KEY_NONE = 0,     /* no signing (empty or literal signature) */
    GC_KEY_FIXTURE,      /* the fixture private key of the alg's family (rsa-1, ec-1, ed-1, hs-1) */
    GC_KEY_ATTACKER,     /* attacker key of the same type */
    GC_KEY_RSA_PUB_PEM_AS_HMAC,  /* HMAC keyed with rsa-1.pub.pem bytes */
    GC_KEY_RSA_PUB_DER_AS_HMAC,
    GC_KEY_EC_PUB_PEM_AS_HMAC,
    GC_KEY_EMPTY_HMAC,   /* HMAC keyed with the empty string (what a kid naming /dev/null reads) */
};
enum gc_token_mutation {
    GC_TOKMUT_NONE = 0,
    GC_TOKMUT_STRIP_SIG,        /* "h.p." */
    GC_TOKMUT_DROP_SIG_SEGMENT, /* "h.p" */
    GC_TOKMUT_EXTRA_SEGMENT,    /* "h.p.s.x" */
    GC_TOKMUT_PAD_B64,          /* '=' padding on the signature */
    GC_TOKMUT_STD_B64,          /* '+' '/' alphabet in the payload */
    GC_TOKMUT_PSYCHIC_ECDSA,    /* r = s = 0 */
    GC_TOKMUT_DER_ECDSA,        /* DER-encoded ECDSA signature */
    GC_TOKMUT_JSON_SERIALIZATION,
    GC_TOKMUT_FLIP_SIG_BIT,
    GC_TOKMUT_HUGE,             /* payload padded past the target's size limit */
};
struct gc_token_recipe {
    const char *header;    /* JSON template; NULL = no token at all */
    const char *payload;   /* JSON template */
    const char *sign_alg;  /* algorithm actually used to sign ("RS256", "none", ...) */
    enum gc_sign_key key;
    enum gc_token_mutation mutation;
    const char *scheme;    /* Authorization scheme; NULL = "Bearer"; "" = the token alone */
};

/* Whether the expected identity holds role admin (oracle identity-confusion).
 * UNSTATED (the zero value) never fires on its own. */
enum gc_admin_truth { GC_ADMIN_UNSTATED = 0, GC_ADMIN_NO, GC_ADMIN_YES };

/* GC_ACT_POSTURE cases: which check (oracle hardening). NONE = derived from
 * the id's last component ("hardening.not-root" -> NOT_ROOT). */
enum gc_posture_check {
    GC_POSTURE_NONE = 0,
    GC_POSTURE_NOT_ROOT,        /* "not-root": uid and euid != 0 */
    GC_POSTURE_NO_CAPABILITIES, /* "no-capabilities": CapEff and CapPrm empty */
    GC_POSTURE_NO_NEW_PRIVS,    /* "no-new-privs": NoNewPrivs 1 */
    GC_POSTURE_SECCOMP_FILTER,  /* "seccomp-filter": a filter of the target's own */
    GC_POSTURE_NO_REACH_OUTSIDE,/* "no-reach-outside": cannot read outside the fixture dir */
};

/* Expected outcome, by construction. */
enum gc_expect_kind {
    GC_EXPECT_DENY = 0,    /* any non-2xx or a failed handshake */
    GC_EXPECT_ALLOW,       /* a 2xx */
    GC_EXPECT_STATUS,      /* exactly `status` (e.g. 400, 404, 405) */
    GC_EXPECT_POSTURE_OK,  /* GC_ACT_POSTURE: the case's posture check passes (no request) */
};
struct gc_expect {
    enum gc_expect_kind kind;
    int status;
    /* For /whoami and allowed requests: the identity the request validly holds
     * (NULL = none), its source, whether it is admin. identity-confusion fires
     * when the target names another. */
    const char *identity;
    const char *source;    /* "cert" "jwt" "forwarded" "none"; NULL = don't check */
    const char *client_addr; /* NULL = don't check */
    enum gc_admin_truth admin; /* identity-confusion fires on an allowed 2xx /admin when NO */
};

#define GC_CASE_MAX_HEADERS 8
#define GC_LEEWAY_MARGIN_S 5

/* How the client sends the request. Most cases: one request, read one answer. */
enum gc_action {
    GC_ACT_REQUEST = 0,
    GC_ACT_PIPELINE,        /* request, then a second one (second_target, no token) on the same write */
    GC_ACT_SLOW_HEADERS,    /* dribble the header section one byte per 100 ms past the header timeout */
    GC_ACT_PARTIAL_CLOSE,   /* send half a request, close */
    GC_ACT_CONN_FLOOD,      /* open many idle TLS connections, then a normal request must still work */
    GC_ACT_BAD_TLS,         /* garbage bytes instead of a ClientHello, then a normal request */
    GC_ACT_POSTURE,         /* no request: hardening checks on the launched target's /proc */
};

struct gc_case {
    const char *id;        /* "jwt.alg.none-lowercase" */
    enum gc_family family;
    const char *title;     /* one line: what is wrong */
    const char *refs;      /* "CWE-347; RFC 7515 §4.1.1; CVE-2015-9235" */
    enum gc_cert_kind cert;
    struct gc_token_recipe token;
    const char *method;    /* NULL = GET */
    const char *target;    /* request-target as sent, e.g. "/files/%2e%2e/canary.txt" */
    const char *headers[GC_CASE_MAX_HEADERS]; /* extra "Name: value" lines; may hold the
                              token placeholders and ${HMAC_SECRET_HEX} (hs-1's secret, hex) */
    const char *raw;       /* if set: exact request bytes (C escapes), overrides the rest */
    /* raw and headers: ${HOST} (localhost:<port>), ${TOKEN}, ${HMAC_SECRET_HEX} and the
     * token placeholders are replaced (request.c); any other ${...} is sent as is. */
    size_t raw_len;        /* 0 = strlen(raw) */
    const char *run_arg;   /* /run cases: the exact argument; target built from it. Only
                              ${EXEC_MARKER} is substituted in it (request.c); any other
                              "${...}" (e.g. "${IFS}") is part of the argument */
    size_t run_arg_len;
    enum gc_action action;
    const char *second_target; /* GC_ACT_PIPELINE: target of the second request */
    struct gc_expect expect;
    struct gc_expect expect_second;
    unsigned contract_part; /* GC_PART_* bit the target must implement */
    enum gc_posture_check posture; /* GC_ACT_POSTURE: which check */
};

enum gc_part {
    GC_PART_CERT = 1u << 0, GC_PART_JWT = 1u << 1, GC_PART_FORWARDED = 1u << 2,
    GC_PART_FILES = 1u << 3, GC_PART_RUN = 1u << 4, GC_PART_INTERNAL = 1u << 5,
};

/* The catalogue: all cases in a stable order, ids unique (a test checks). */
const struct gc_case *gc_catalogue(size_t *n);

#endif
