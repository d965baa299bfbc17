/* gk/status.h: the one status type of libgkcore.
 *
 * Every fallible core function returns `enum gk_status` marked GK_MUST_CHECK.
 * GK_OK is zero; everything else is a reason the input was refused. The enum and
 * the strings come from one X-macro list so they cannot drift (libuv style).
 * Sections are per module: add new codes only inside your module's section. */
#ifndef GK_STATUS_H
#define GK_STATUS_H

#define GK_MUST_CHECK __attribute__((warn_unused_result))

#define GK_STATUS_LIST(X)                                                          \
    X(GK_OK, "ok")                                                                 \
    /* generic */                                                                  \
    X(GK_E_ARG, "invalid argument")                                                \
    X(GK_E_NOMEM, "out of memory")                                                 \
    X(GK_E_SHORT, "input ends early")                                              \
    X(GK_E_LIMIT, "a size or count limit was exceeded")                            \
    X(GK_E_SPACE, "output buffer too small")                                       \
    X(GK_E_INTERNAL, "internal error")                                             \
    /* base64url */                                                                \
    X(GK_E_B64_ALPHABET, "byte outside the base64url alphabet")                    \
    X(GK_E_B64_LENGTH, "impossible base64url length")                              \
    X(GK_E_B64_PADDING, "padding or non-zero trailing bits in base64url")          \
    /* http */                                                                     \
    X(GK_E_HTTP_INCOMPLETE, "request incomplete, need more bytes")                 \
    X(GK_E_HTTP_SYNTAX, "malformed HTTP request")                                  \
    X(GK_E_HTTP_LINE_TOO_LONG, "request line too long")                            \
    X(GK_E_HTTP_TOO_MANY_HEADERS, "too many header fields")                        \
    X(GK_E_HTTP_HEADERS_TOO_LARGE, "header section too large")                     \
    X(GK_E_HTTP_BODY_TOO_LARGE, "body too large")                                  \
    X(GK_E_HTTP_DUP_HEADER, "duplicate Host, Authorization or XFCC header")        \
    X(GK_E_HTTP_OBS_FOLD, "obsolete line folding")                                 \
    X(GK_E_HTTP_FRAMING, "conflicting Content-Length / Transfer-Encoding")         \
    X(GK_E_HTTP_VERSION, "unsupported HTTP version")                               \
    X(GK_E_HTTP_METHOD, "unsupported method")                                      \
    X(GK_E_HTTP_TARGET, "unsupported request-target form")                         \
    X(GK_E_HTTP_NO_HOST, "HTTP/1.1 request without Host")                          \
    /* path */                                                                     \
    X(GK_E_PATH_ENCODING, "bad percent-encoding in path")                          \
    X(GK_E_PATH_ENCODED_SEP, "encoded '/', '\\' or NUL in path")                   \
    X(GK_E_PATH_BACKSLASH, "backslash in path")                                    \
    X(GK_E_PATH_CONTROL, "control byte in path")                                   \
    X(GK_E_PATH_UTF8, "invalid or overlong UTF-8 in path")                         \
    X(GK_E_PATH_ESCAPE, "path leaves the root")                                    \
    X(GK_E_PATH_RELATIVE, "path does not start with '/'")                          \
    X(GK_E_PATH_DOUBLE_ENCODED, "encoded '%' in path (double encoding)")            \
    /* addr */                                                                     \
    X(GK_E_ADDR_SYNTAX, "malformed IP address or CIDR")                            \
    /* forwarded */                                                                \
    X(GK_E_FWD_SYNTAX, "malformed forwarding header")                              \
    X(GK_E_FWD_XFCC_URI, "XFCC element without exactly one URI")                   \
    /* argv */                                                                     \
    X(GK_E_RUN_MISSING, "missing arg parameter")                                   \
    X(GK_E_RUN_DUPLICATE, "more than one arg parameter")                           \
    X(GK_E_RUN_NUL, "NUL in argument")                                             \
    X(GK_E_RUN_TOO_LONG, "argument too long")                                      \
    X(GK_E_RUN_ENCODING, "bad percent-encoding in arg")                            \
    /* jwt */                                                                      \
    X(GK_E_JWT_FORM, "not a JWS compact serialization")                            \
    X(GK_E_JWT_HEADER, "malformed JOSE header")                                    \
    X(GK_E_JWT_JSON, "malformed or duplicate-member JSON")                         \
    X(GK_E_JWT_KID, "unknown or missing kid")                                      \
    X(GK_E_JWT_ALG, "alg does not match the key's algorithm")                      \
    X(GK_E_JWT_CRIT, "unsupported crit header parameter")                          \
    X(GK_E_JWT_SIGNATURE, "bad signature")                                         \
    X(GK_E_JWT_ISS, "iss missing or wrong")                                        \
    X(GK_E_JWT_AUD, "aud missing or wrong")                                        \
    X(GK_E_JWT_EXP, "exp missing, malformed or past")                              \
    X(GK_E_JWT_NBF, "nbf malformed or in the future")                              \
    X(GK_E_JWT_IAT, "iat malformed")                                               \
    X(GK_E_JWT_SUB, "sub missing or malformed")                                    \
    X(GK_E_JWT_ROLES, "roles is not an array of strings")                          \
    X(GK_E_JWT_TYP, "bad typ header")                                              \
    /* x509id */                                                                   \
    X(GK_E_X509_NO_CERT, "no client certificate")                                  \
    X(GK_E_X509_DECODE, "certificate does not decode")                             \
    X(GK_E_X509_CHAIN, "chain does not verify to the client CA")                   \
    X(GK_E_X509_TIME, "certificate outside its validity")                          \
    X(GK_E_X509_EKU, "leaf lacks EKU clientAuth")                                  \
    X(GK_E_X509_CA_LEAF, "leaf is a CA certificate")                               \
    X(GK_E_X509_DEPTH, "chain longer than max_chain_depth")                        \
    X(GK_E_X509_SAN, "leaf does not carry exactly one valid URI SAN")              \
    X(GK_E_X509_WEAK, "weak key or signature algorithm")                           \
    /* config */                                                                   \
    X(GK_E_CFG_JSON, "policy.json is not valid JSON")                              \
    X(GK_E_CFG_FIELD, "policy.json field missing or wrong")                        \
    /* policy */                                                                   \
    X(GK_E_POLICY, "no route")

enum gk_status {
#define GK_STATUS_ENUM(name, text) name,
    GK_STATUS_LIST(GK_STATUS_ENUM)
#undef GK_STATUS_ENUM
        GK_STATUS_COUNT
};

/* Stable short name ("GK_E_JWT_ALG") and human text for a status. Never NULL. */
const char *gk_status_name(enum gk_status st);
const char *gk_status_text(enum gk_status st);

/* Guard macros (s2n style): the happy path reads straight down. */
#define GK_GUARD(expr)                                                             \
    do {                                                                           \
        enum gk_status gk__st = (expr);                                            \
        if (gk__st != GK_OK)                                                       \
            return gk__st;                                                         \
    } while (0)
#define GK_ENSURE(cond, err)                                                       \
    do {                                                                           \
        if (!(cond))                                                               \
            return (err);                                                          \
    } while (0)

#endif
