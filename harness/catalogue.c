/* harness/catalogue.c: the case catalogue (DESIGN.md "Cases").
 *
 * Cases are data: one static table per family, in a stable order, plus a few
 * variants generated once from small tables (every client-certificate kind ×
 * route, long inputs that are easier to build than to spell). gc_catalogue()
 * assembles them, in family order, into one array on first use.
 *
 * Every expected outcome is decided here from how the case is built and from
 * the target contract (DESIGN.md "The target contract"), never by asking a
 * target: a certificate's truth comes from GC_CERT_LIST, a token is valid only
 * when it is signed with the kid's own fixture key under the kid's algorithm
 * with every claim right, a path is allowed only when it names a regular file
 * inside www/. Exact statuses (GC_EXPECT_STATUS) are used only where the
 * contract fixes them: 400 rejected input, 401 no identity, 403 identity
 * without the right, 404 unknown route, 405 non-GET, and the HTTP limits the
 * brief names (414, 431); elsewhere DENY / ALLOW.
 *
 * Fixture facts relied on (written by `gatecrash fixtures`): issuer
 * https://issuer.gatecrash.test, audience gatecrash-target, leeway 60 s, keys
 * rsa-1 RS256, ec-1 ES256, ed-1 EdDSA, hs-1 HS256; admin identity
 * spiffe://gatecrash.test/admin; trusted proxy spiffe://gatecrash.test/proxy;
 * internal network 10.99.0.0/16; www/ holds index.html, hello.txt,
 * sub/dir/nested.txt, symlinks escape -> ../canary.txt and etc-link -> /etc;
 * canaries target/canary.txt and target/www-x/canary.txt. The harness
 * connects from 127.0.0.1. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

#define GC_CATALOGUE_MAX 640          /* cases; the unit test checks the headroom */
#define GC_CATALOGUE_ARENA (160 * 1024) /* bytes for generated ids, titles, long inputs */

/* Contract limits the catalogue probes (brief; the harness's own numbers, not
 * read from any target). */
#define GC_RUN_MAX_ARG 4096           /* /run: longest argument that must work */
#define GC_LONG_HEADER_BYTES (32 * 1024) /* one header field: far past any sane limit -> 431 */
#define GC_MANY_HEADERS 200           /* header fields in one request -> 431 */
#define GC_LONG_LINE_BYTES (16 * 1024) /* request line -> 414 */
#define GC_LONG_PATH_DOTDOTS 1400     /* "../" repeated: 4200 bytes */
#define GC_LONG_PATH_NAME 300         /* one segment longer than NAME_MAX (255) */
#define GC_LONG_PATH_DIRS 2000        /* "x/" repeated: a deep path that does not exist */

/* --- identities and shared fragments ----------------------------------------- */
#define ID_ALICE "spiffe://gatecrash.test/user/alice"
#define ID_BOB "spiffe://gatecrash.test/user/bob"
#define ID_ADMIN "spiffe://gatecrash.test/admin"
#define ID_PROXY "spiffe://gatecrash.test/proxy"
#define SUB_USER "carol@gatecrash.test" /* JWT sub with roles ["user"] */
#define SUB_ADMIN "dave@gatecrash.test" /* JWT sub with roles ["admin"] */
#define LOOPBACK "127.0.0.1"

/* Expectations. */
#define E_DENY {.kind = GC_EXPECT_DENY}
#define E_ALLOW {.kind = GC_EXPECT_ALLOW}
#define E_ST(s) {.kind = GC_EXPECT_STATUS, .status = (s)}
/* An allowed request that validly holds `id` from `src`, admin or not. */
#define E_AS(id, src, adm) {.kind = GC_EXPECT_ALLOW, .identity = (id), .source = (src), .admin = (adm)}
#define E_AS_AT(id, src, adm, addr)                                                      \
    {.kind = GC_EXPECT_ALLOW, .identity = (id), .source = (src), .admin = (adm),          \
     .client_addr = (addr)}
#define E_ANON E_AS(NULL, "none", GC_ADMIN_NO)
#define E_ANON_AT(addr) E_AS_AT(NULL, "none", GC_ADMIN_NO, addr)
#define YES GC_ADMIN_YES
#define NO GC_ADMIN_NO

/* Token recipes. JOSE headers. */
#define H(alg, kid) "{\"alg\":\"" alg "\",\"typ\":\"JWT\",\"kid\":\"" kid "\"}"
#define H_RS H("RS256", "rsa-1")
#define H_ES H("ES256", "ec-1")
#define H_ED H("EdDSA", "ed-1")
#define H_HS H("HS256", "hs-1")
/* Claims fragments, each ending in ',' so a payload can leave any out; jti
 * closes every payload. */
#define F_ISS "\"iss\":\"${ISS}\","
#define F_AUD "\"aud\":\"${AUD}\","
#define F_SUBU "\"sub\":\"" SUB_USER "\","
#define F_SUBA "\"sub\":\"" SUB_ADMIN "\","
#define F_IAT "\"iat\":${NOW},"
#define F_EXP "\"exp\":${EXP},"
#define F_RU "\"roles\":[\"user\"],"
#define F_RA "\"roles\":[\"admin\"],"
#define PAY(...) "{" __VA_ARGS__ "\"jti\":\"gatecrash\"}"
#define P_ADMIN PAY(F_ISS F_AUD F_SUBA F_IAT F_EXP F_RA)
#define P_USER PAY(F_ISS F_AUD F_SUBU F_IAT F_EXP F_RU)
/* An admin-role payload with one claim replaced. */
#define P_ADMIN_EXP(e) PAY(F_ISS F_AUD F_SUBA F_IAT "\"exp\":" e "," F_RA)
#define P_ADMIN_NBF(n) PAY(F_ISS F_AUD F_SUBA F_IAT F_EXP "\"nbf\":" n "," F_RA)
#define P_ADMIN_IAT(i) PAY(F_ISS F_AUD F_SUBA "\"iat\":" i "," F_EXP F_RA)
#define P_ADMIN_ISS(i) PAY(i F_AUD F_SUBA F_IAT F_EXP F_RA)
#define P_ADMIN_AUD(a) PAY(F_ISS a F_SUBA F_IAT F_EXP F_RA)
#define P_ADMIN_SUB(s) PAY(F_ISS F_AUD s F_IAT F_EXP F_RA)
#define P_ROLES(r) PAY(F_ISS F_AUD F_SUBA F_IAT F_EXP r)
#define TOK(h_, p_, a_, k_, m_)                                                           \
    {.header = (h_), .payload = (p_), .sign_alg = (a_), .key = (k_), .mutation = (m_)}
#define TOK_S(h_, p_, a_, k_, m_, s_)                                                     \
    {.header = (h_), .payload = (p_), .sign_alg = (a_), .key = (k_), .mutation = (m_),     \
     .scheme = (s_)}
/* Signed with the kid's own fixture key: valid unless the claims say otherwise. */
#define TOK_OK(h_, p_, a_) TOK(h_, p_, a_, GC_KEY_FIXTURE, GC_TOKMUT_NONE)
#define TOK_RS(p_) TOK_OK(H_RS, p_, "RS256")
#define TOK_ATT(h_, p_, a_) TOK(h_, p_, a_, GC_KEY_ATTACKER, GC_TOKMUT_NONE)

/* XFCC elements (Envoy syntax: key=value pairs split by ';', elements by ','). */
#define XFCC "X-Forwarded-Client-Cert: "
#define XFCC_BY "By=" ID_PROXY ";Hash=3f2a9c1d0b7e4a6f;"
#define XFCC_ALICE XFCC XFCC_BY "URI=" ID_ALICE
#define XFCC_ADMIN XFCC XFCC_BY "URI=" ID_ADMIN

/* References used by many cases. */
#define R_CERT_CHAIN "CWE-295; RFC 5280 §6.1"
#define R_NONE "CWE-347; RFC 7515 §4.1.1; RFC 8725 §3.1; CVE-2015-9235"
#define R_SIG "CWE-347; RFC 7515 §5.2"
#define R_CONFUSION "CWE-347; RFC 8725 §2.1; RFC 7518 §3.2; CVE-2016-10555; CVE-2017-11424"
#define R_ALGKEY "CWE-347; RFC 8725 §3.1; RFC 7515 §4.1.1"
#define R_KID "CWE-347; RFC 7515 §4.1.4"
#define R_KID_PATH "CWE-22; CWE-347; RFC 7515 §4.1.4; RFC 8725 §3.10"
#define R_EXP "CWE-613; RFC 7519 §4.1.4"
#define R_NBF "CWE-347; RFC 7519 §4.1.5"
#define R_DATE "CWE-843; RFC 7519 §2; RFC 7519 §4.1.4"
#define R_ISS "CWE-345; RFC 7519 §4.1.1; RFC 8725 §3.8"
#define R_AUD "CWE-345; RFC 7519 §4.1.3; RFC 8725 §3.9"
#define R_ROLES "CWE-843; CWE-863; RFC 7519 §4"
#define R_SUB "CWE-287; RFC 7519 §4.1.2"
#define R_DUP "CWE-347; RFC 7515 §5.2; RFC 7519 §4; RFC 8259 §4"
#define R_B64 "CWE-347; RFC 7515 §2; RFC 4648 §5"
#define R_VALID "RFC 7515 §7.1; RFC 7519 §7.2"
#define R_SCHEME "RFC 6750 §2.1; RFC 9110 §11.1; RFC 9110 §11.6.2"
#define R_PREC "CWE-287; CWE-863; target contract: token beats certificate"
#define R_FWD_UNTRUSTED "CWE-290; CWE-348; RFC 7239 §8.1"
#define R_XFCC "CWE-290; CWE-348; Envoy x-forwarded-client-cert"
#define R_XFF "CWE-348; RFC 7239 §5.2; RFC 7239 §8.1"
#define R_DOTDOT "CWE-22; CWE-23; RFC 3986 §5.2.4"
#define R_PCT_DOT "CWE-22; CWE-174; RFC 3986 §2.1; RFC 3986 §5.2.4; CVE-2021-41773"
#define R_DOUBLE "CWE-22; CWE-174; RFC 3986 §2.4; CVE-2021-42013; CVE-2001-0333"
#define R_SEP "CWE-22; CWE-41; RFC 3986 §2.2; RFC 3986 §3.3"
#define R_NUL "CWE-158; CWE-22; RFC 3986 §2.1"
#define R_UTF8 "CWE-22; CWE-176; RFC 3629 §10; CVE-2000-0884"
#define R_LINK "CWE-59; CWE-61; CWE-22"
#define R_FILE_OK "RFC 3986 §5.2.4; target contract: /files"
#define R_RUN "CWE-78; CWE-88; target contract: /run"
#define R_ROUTE "CWE-288; CWE-647; RFC 9110 §4.2.3"
#define R_METHOD "CWE-650; RFC 9110 §9.1; RFC 9110 §15.5.6"
#define R_PIPE "CWE-488; CWE-287; RFC 9112 §9.3.2"
#define R_SSRF "CWE-918; RFC 8725 §3.10"
#define R_LEAK "CWE-532; RFC 6750 §5.3"
#define R_HARD "CWE-250; CWE-272"
#define R_DOS "CWE-400; CWE-770"
#define R_SMUGGLE "CWE-444; RFC 9112 §6.3"

/* --- cert: every certificate kind, generated ------------------------------------ */

struct cert_row {
    enum gc_cert_kind kind;
    const char *group;    /* id component */
    const char *what;     /* title: what the certificate is */
    const char *refs;
};

static const struct cert_row CERT_ROWS[] = {
    {GC_CERT_ALICE, "valid", "valid user certificate (alice, via the intermediate)",
     "RFC 5280 §6.1; SPIFFE X509-SVID §4"},
    {GC_CERT_BOB, "valid", "valid user certificate (bob, issued by the root)",
     "RFC 5280 §6.1; SPIFFE X509-SVID §4"},
    {GC_CERT_ADMIN, "valid", "valid admin certificate", "RFC 5280 §6.1; SPIFFE X509-SVID §4"},
    {GC_CERT_PROXY, "valid", "valid proxy certificate (trusted proxy, not admin)",
     "RFC 5280 §6.1; SPIFFE X509-SVID §4"},
    {GC_CERT_INTERMEDIATE_ALICE, "valid", "alice's leaf sent with its intermediate",
     "RFC 5280 §6.1; RFC 8446 §4.4.2"},
    {GC_CERT_ROGUE_CA_ADMIN, "chain",
     "admin leaf from a rogue CA that copies the client CA's subject", R_CERT_CHAIN},
    {GC_CERT_SELF_SIGNED_ADMIN, "chain", "self-signed admin look-alike",
     R_CERT_CHAIN "; CWE-296"},
    {GC_CERT_LEAF_AS_CA_ADMIN, "chain", "admin leaf issued by alice's end-entity certificate",
     "CWE-296; RFC 5280 §4.2.1.9; CVE-2002-0862"},
    {GC_CERT_TOO_DEEP_ADMIN, "chain", "admin leaf one CA deeper than max_chain_depth 3",
     "CWE-295; RFC 5280 §6.1; target contract: max_chain_depth"},
    {GC_CERT_PATHLEN_EXCEEDED_ADMIN, "chain",
     "admin leaf under a CA below the pathLenConstraint 0 intermediate",
     "CWE-295; RFC 5280 §4.2.1.9"},
    {GC_CERT_EXPIRED_ADMIN, "validity", "expired admin certificate",
     "CWE-298; RFC 5280 §4.1.2.5"},
    {GC_CERT_NOT_YET_VALID_ADMIN, "validity", "admin certificate not yet valid",
     "CWE-298; RFC 5280 §4.1.2.5"},
    {GC_CERT_SERVER_AUTH_ONLY_ADMIN, "eku", "admin certificate with EKU serverAuth only",
     "CWE-295; RFC 5280 §4.2.1.12"},
    {GC_CERT_NO_EKU_ADMIN, "eku", "admin certificate without an EKU extension",
     "CWE-295; RFC 5280 §4.2.1.12; target contract: EKU clientAuth"},
    {GC_CERT_UNKNOWN_CRITICAL_ADMIN, "ext", "admin certificate with an unknown critical extension",
     "CWE-295; RFC 5280 §4.2"},
    {GC_CERT_RSA1024_ADMIN, "crypto", "admin certificate with a 1024-bit RSA key",
     "CWE-326; NIST SP 800-131A"},
    {GC_CERT_SHA1_ADMIN, "crypto", "admin certificate signed with SHA-1",
     "CWE-327; RFC 9155 §2"},
    {GC_CERT_NO_URI_SAN, "san", "certificate without a URI SAN", "CWE-287; SPIFFE X509-SVID §2"},
    {GC_CERT_TWO_URI_SANS, "san", "certificate with two URI SANs (user and admin)",
     "CWE-287; SPIFFE X509-SVID §2"},
    {GC_CERT_CN_ADMIN_SAN_ALICE, "san", "CN says admin, URI SAN says alice: the CN never counts",
     "CWE-287; RFC 6125 §6.4.4; SPIFFE X509-SVID §2"},
    {GC_CERT_DNS_SAN_ONLY_ADMIN, "san", "admin name only in a DNS SAN, no URI SAN",
     "CWE-287; RFC 5280 §4.2.1.6; SPIFFE X509-SVID §2"},
    {GC_CERT_LOOKALIKE_UPPER_SCHEME, "spiffe", "URI SAN SPIFFE://gatecrash.test/admin (upper-case scheme)",
     "CWE-178; CWE-287; SPIFFE-ID §2.1"},
    {GC_CERT_LOOKALIKE_TRAILING_SLASH, "spiffe", "URI SAN spiffe://gatecrash.test/admin/ (trailing slash)",
     "CWE-287; SPIFFE-ID §2.2"},
    {GC_CERT_LOOKALIKE_SUFFIX_DOMAIN, "spiffe",
     "URI SAN spiffe://gatecrash.test.evil/admin (other trust domain)",
     "CWE-287; CWE-1023; SPIFFE-ID §2.1"},
    {GC_CERT_LOOKALIKE_ADMIN_PREFIX, "spiffe",
     "URI SAN spiffe://gatecrash.test/administrator (prefix of admin)",
     "CWE-1023; CWE-863; SPIFFE-ID §2.2"},
    {GC_CERT_LOOKALIKE_ADMIN_CHILD, "spiffe", "URI SAN spiffe://gatecrash.test/admin/x (child of admin)",
     "CWE-1023; CWE-863; SPIFFE-ID §2.2"},
};
#define N_CERT_ROWS (sizeof(CERT_ROWS) / sizeof(CERT_ROWS[0]))

/* --- jwt ----------------------------------------------------------------------- */

static const struct gc_case JWT_CASES[] = {
    /* alg none in every spelling, with ("h.p.") and without ("h.p") the empty third segment. */
    {.id = "jwt.alg.none-lower", .title = "alg \"none\", empty signature after the trailing dot",
     .refs = R_NONE, .token = TOK(H("none", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.none-lower-no-dot", .title = "alg \"none\", two segments (no trailing dot)",
     .refs = R_NONE,
     .token = TOK(H("none", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, GC_TOKMUT_DROP_SIG_SEGMENT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.none-capitalized", .title = "alg \"None\", empty signature", .refs = R_NONE,
     .token = TOK(H("None", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, 0), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.alg.none-capitalized-no-dot", .title = "alg \"None\", two segments",
     .refs = R_NONE,
     .token = TOK(H("None", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, GC_TOKMUT_DROP_SIG_SEGMENT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.none-upper", .title = "alg \"NONE\", empty signature", .refs = R_NONE,
     .token = TOK(H("NONE", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, 0), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.alg.none-upper-no-dot", .title = "alg \"NONE\", two segments", .refs = R_NONE,
     .token = TOK(H("NONE", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, GC_TOKMUT_DROP_SIG_SEGMENT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.none-mixed", .title = "alg \"nOnE\", empty signature", .refs = R_NONE,
     .token = TOK(H("nOnE", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, 0), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.alg.none-mixed-no-dot", .title = "alg \"nOnE\", two segments", .refs = R_NONE,
     .token = TOK(H("nOnE", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, GC_TOKMUT_DROP_SIG_SEGMENT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.none-hmac-kid", .title = "alg \"none\" under the HMAC kid hs-1", .refs = R_NONE,
     .token = TOK(H("none", "hs-1"), P_ADMIN, "none", GC_KEY_NONE, 0), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.alg.none-no-kid", .title = "alg \"none\" and no kid", .refs = R_NONE,
     .token = TOK("{\"alg\":\"none\",\"typ\":\"JWT\"}", P_ADMIN, "none", GC_KEY_NONE, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.none-with-cert-whoami",
     .title = "alg \"none\" token beside alice's certificate: no identity at all (no fallback)",
     .refs = R_NONE "; " R_PREC, .cert = GC_CERT_ALICE,
     .token = TOK(H("none", "rsa-1"), P_ADMIN, "none", GC_KEY_NONE, 0), .target = "/whoami",
     .expect = E_ANON},
    {.id = "jwt.alg.missing", .title = "no alg member; RS256 signature by rsa-1",
     .refs = R_ALGKEY,
     .token = TOK_OK("{\"typ\":\"JWT\",\"kid\":\"rsa-1\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.empty", .title = "alg \"\"; RS256 signature by rsa-1", .refs = R_ALGKEY,
     .token = TOK_OK(H("", "rsa-1"), P_ADMIN, "RS256"), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.alg.array", .title = "alg [\"RS256\"] (array); RS256 signature by rsa-1",
     .refs = R_ALGKEY "; CWE-843",
     .token = TOK_OK("{\"alg\":[\"RS256\"],\"typ\":\"JWT\",\"kid\":\"rsa-1\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},

    /* The algorithm comes from the key, never from the header. */
    {.id = "jwt.algkey.es256-under-rsa-kid",
     .title = "kid rsa-1 but alg ES256, validly signed by ec-1", .refs = R_ALGKEY,
     .token = TOK_OK(H("ES256", "rsa-1"), P_ADMIN, "ES256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.algkey.rs256-under-ec-kid",
     .title = "kid ec-1 but alg RS256, validly signed by rsa-1", .refs = R_ALGKEY,
     .token = TOK_OK(H("RS256", "ec-1"), P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.algkey.es256-under-ed-kid",
     .title = "kid ed-1 but alg ES256, validly signed by ec-1", .refs = R_ALGKEY,
     .token = TOK_OK(H("ES256", "ed-1"), P_ADMIN, "ES256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.algkey.rs256-under-hmac-kid",
     .title = "kid hs-1 but alg RS256, validly signed by rsa-1", .refs = R_ALGKEY,
     .token = TOK_OK(H("RS256", "hs-1"), P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.algkey.ps256-under-rsa-kid",
     .title = "kid rsa-1 (RS256) but alg PS256, signed by rsa-1's own key", .refs = R_ALGKEY,
     .token = TOK_OK(H("PS256", "rsa-1"), P_ADMIN, "PS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.algkey.rs512-under-rsa-kid",
     .title = "kid rsa-1 (RS256) but alg RS512, signed by rsa-1's own key", .refs = R_ALGKEY,
     .token = TOK_OK(H("RS512", "rsa-1"), P_ADMIN, "RS512"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.algkey.hs512-under-hmac-kid",
     .title = "kid hs-1 (HS256) but alg HS512, keyed with hs-1's secret", .refs = R_ALGKEY,
     .token = TOK_OK(H("HS512", "hs-1"), P_ADMIN, "HS512"), .target = "/admin",
     .expect = E_ST(401)},

    /* HS/RS key confusion: HMAC keyed with the public key's bytes. */
    {.id = "jwt.confusion.hs256-rsa-pem", .title = "HS256 under kid rsa-1, HMAC key = rsa-1.pub.pem",
     .refs = R_CONFUSION,
     .token = TOK(H("HS256", "rsa-1"), P_ADMIN, "HS256", GC_KEY_RSA_PUB_PEM_AS_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.confusion.hs256-rsa-der",
     .title = "HS256 under kid rsa-1, HMAC key = rsa-1 SubjectPublicKeyInfo DER",
     .refs = R_CONFUSION,
     .token = TOK(H("HS256", "rsa-1"), P_ADMIN, "HS256", GC_KEY_RSA_PUB_DER_AS_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.confusion.hs256-ec-pem", .title = "HS256 under kid ec-1, HMAC key = ec-1.pub.pem",
     .refs = R_CONFUSION "; CVE-2022-29217",
     .token = TOK(H("HS256", "ec-1"), P_ADMIN, "HS256", GC_KEY_EC_PUB_PEM_AS_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.confusion.hs512-rsa-pem", .title = "HS512 under kid rsa-1, HMAC key = rsa-1.pub.pem",
     .refs = R_CONFUSION,
     .token = TOK(H("HS512", "rsa-1"), P_ADMIN, "HS512", GC_KEY_RSA_PUB_PEM_AS_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.confusion.hs256-rsa-pem-no-kid",
     .title = "HS256 without kid, HMAC key = rsa-1.pub.pem", .refs = R_CONFUSION,
     .token = TOK("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", P_ADMIN, "HS256",
                  GC_KEY_RSA_PUB_PEM_AS_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.confusion.hs256-hmac-kid-rsa-pem",
     .title = "HS256 under kid hs-1 but keyed with rsa-1.pub.pem (wrong secret)",
     .refs = R_CONFUSION,
     .token = TOK(H_HS, P_ADMIN, "HS256", GC_KEY_RSA_PUB_PEM_AS_HMAC, 0), .target = "/admin",
     .expect = E_ST(401)},

    /* Signature missing, empty, wrong or damaged. */
    {.id = "jwt.sig.rs256-stripped", .title = "RS256 token with the signature removed (\"h.p.\")",
     .refs = R_SIG "; CVE-2020-28042",
     .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_STRIP_SIG),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.rs256-segment-dropped", .title = "RS256 token with two segments (\"h.p\")",
     .refs = R_SIG "; RFC 7515 §7.1",
     .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_DROP_SIG_SEGMENT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.hs256-stripped", .title = "HS256 token with the signature removed",
     .refs = R_SIG "; CVE-2020-28042",
     .token = TOK(H_HS, P_ADMIN, "HS256", GC_KEY_FIXTURE, GC_TOKMUT_STRIP_SIG),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.es256-stripped", .title = "ES256 token with the signature removed",
     .refs = R_SIG, .token = TOK(H_ES, P_ADMIN, "ES256", GC_KEY_FIXTURE, GC_TOKMUT_STRIP_SIG),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.rs256-attacker-key", .title = "RS256 under kid rsa-1 signed by an attacker RSA key",
     .refs = R_SIG, .token = TOK_ATT(H_RS, P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.sig.es256-attacker-key", .title = "ES256 under kid ec-1 signed by an attacker P-256 key",
     .refs = R_SIG, .token = TOK_ATT(H_ES, P_ADMIN, "ES256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.sig.eddsa-attacker-key", .title = "EdDSA under kid ed-1 signed by an attacker Ed25519 key",
     .refs = R_SIG, .token = TOK_ATT(H_ED, P_ADMIN, "EdDSA"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.sig.hs256-attacker-secret", .title = "HS256 under kid hs-1 keyed with an attacker secret",
     .refs = R_SIG, .token = TOK_ATT(H_HS, P_ADMIN, "HS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.sig.rs256-bit-flip", .title = "RS256 token with one signature bit flipped",
     .refs = R_SIG, .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_FLIP_SIG_BIT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.es256-bit-flip", .title = "ES256 token with one signature bit flipped",
     .refs = R_SIG, .token = TOK(H_ES, P_ADMIN, "ES256", GC_KEY_FIXTURE, GC_TOKMUT_FLIP_SIG_BIT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.eddsa-bit-flip", .title = "EdDSA token with one signature bit flipped",
     .refs = R_SIG, .token = TOK(H_ED, P_ADMIN, "EdDSA", GC_KEY_FIXTURE, GC_TOKMUT_FLIP_SIG_BIT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.hs256-bit-flip", .title = "HS256 token with one signature bit flipped",
     .refs = R_SIG, .token = TOK(H_HS, P_ADMIN, "HS256", GC_KEY_FIXTURE, GC_TOKMUT_FLIP_SIG_BIT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.psychic-ecdsa", .title = "ES256 signature r = s = 0 (psychic signature)",
     .refs = "CWE-347; RFC 7518 §3.4; RFC 8725 §3.4; CVE-2022-21449",
     .token = TOK(H_ES, P_ADMIN, "ES256", GC_KEY_FIXTURE, GC_TOKMUT_PSYCHIC_ECDSA),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.sig.ecdsa-der", .title = "ES256 signature by ec-1 but DER-encoded instead of raw r||s",
     .refs = "CWE-347; RFC 7518 §3.4",
     .token = TOK(H_ES, P_ADMIN, "ES256", GC_KEY_FIXTURE, GC_TOKMUT_DER_ECDSA),
     .target = "/admin", .expect = E_ST(401)},

    /* kid: unknown, look-alike, path, NUL. */
    {.id = "jwt.kid.unknown", .title = "unknown kid rsa-2, attacker-signed", .refs = R_KID,
     .token = TOK_ATT(H("RS256", "rsa-2"), P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.kid.missing", .title = "no kid; RS256 signature by rsa-1 (no key to try)",
     .refs = R_KID, .token = TOK_OK("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.kid.empty", .title = "kid \"\"; RS256 signature by rsa-1", .refs = R_KID,
     .token = TOK_OK(H("RS256", ""), P_ADMIN, "RS256"), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.kid.upper-case", .title = "kid \"RSA-1\"; RS256 signature by rsa-1", .refs = R_KID "; CWE-178",
     .token = TOK_OK(H("RS256", "RSA-1"), P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.kid.trailing-space", .title = "kid \"rsa-1 \"; RS256 signature by rsa-1", .refs = R_KID,
     .token = TOK_OK(H("RS256", "rsa-1 "), P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.kid.nul-suffix", .title = "kid \"rsa-1\\u0000\" (escaped NUL); RS256 signature by rsa-1",
     .refs = R_KID "; CWE-158",
     .token = TOK_OK(H("RS256", "rsa-1\\u0000"), P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.kid.number", .title = "kid 1 (a number); RS256 signature by rsa-1",
     .refs = R_KID "; CWE-843",
     .token = TOK_OK("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":1}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.kid.traversal-dev-null", .title = "kid \"../../../dev/null\", HS256 keyed with the empty string",
     .refs = R_KID_PATH "; CVE-2019-20933",
     .token = TOK(H("HS256", "../../../dev/null"), P_ADMIN, "HS256", GC_KEY_EMPTY_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.kid.absolute-dev-null", .title = "kid \"/dev/null\", HS256 keyed with the empty string",
     .refs = R_KID_PATH,
     .token = TOK(H("HS256", "/dev/null"), P_ADMIN, "HS256", GC_KEY_EMPTY_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.kid.deep-traversal-dev-null",
     .title = "kid \"../../../../../../../../dev/null\", HS256 keyed with the empty string",
     .refs = R_KID_PATH,
     .token = TOK(H("HS256", "../../../../../../../../dev/null"), P_ADMIN, "HS256",
                  GC_KEY_EMPTY_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.kid.key-file-path", .title = "kid \"jwt/hs-1.key\" (the key's file), keyed with hs-1's secret",
     .refs = R_KID_PATH,
     .token = TOK_OK(H("HS256", "jwt/hs-1.key"), P_ADMIN, "HS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.kid.traversal-key-file", .title = "kid \"../jwt/hs-1.key\", keyed with hs-1's secret",
     .refs = R_KID_PATH,
     .token = TOK_OK(H("HS256", "../jwt/hs-1.key"), P_ADMIN, "HS256"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.kid.sql-injection", .title = "kid \"x' OR '1'='1\", HS256 keyed with the empty string",
     .refs = "CWE-89; CWE-347; RFC 7515 §4.1.4",
     .token = TOK(H("HS256", "x' OR '1'='1"), P_ADMIN, "HS256", GC_KEY_EMPTY_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},

    /* Key-carrying header parameters are never used. */
    /* ${ATTACKER_JWK} is the attacker's P-256 public key: ES256, signed by its private half. */
    {.id = "jwt.header.jwk-embedded", .title = "attacker P-256 key embedded as jwk, no kid, signed by it",
     .refs = "CWE-347; RFC 7515 §4.1.3; CVE-2018-0114",
     .token = TOK_ATT("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"jwk\":${ATTACKER_JWK}}", P_ADMIN, "ES256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.jwk-embedded-ec-kid",
     .title = "kid ec-1 plus the attacker's P-256 key embedded as jwk, signed by it",
     .refs = "CWE-347; RFC 7515 §4.1.3; CVE-2018-0114",
     .token = TOK_ATT("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"ec-1\",\"jwk\":${ATTACKER_JWK}}",
                      P_ADMIN, "ES256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.jwk-embedded-rsa-kid",
     .title = "kid rsa-1 with alg ES256 and the attacker's jwk, signed by it",
     .refs = "CWE-347; RFC 7515 §4.1.3; CVE-2018-0114",
     .token = TOK_ATT("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"jwk\":${ATTACKER_JWK}}",
                      P_ADMIN, "ES256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.jku-attacker", .title = "jku pointing at the canary listener, attacker-signed",
     .refs = "CWE-347; CWE-918; RFC 7515 §4.1.2",
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"jku\":\"${SSRF_URL}\"}",
                      P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.x5u-attacker", .title = "x5u pointing at the canary listener, attacker-signed",
     .refs = "CWE-347; CWE-918; RFC 7515 §4.1.5",
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"x5u\":\"${SSRF_URL}\"}",
                      P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.x5c-attacker", .title = "x5c chain present (junk certificate), attacker-signed",
     .refs = "CWE-347; CWE-295; RFC 7515 §4.1.6",
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"x5c\":[\"MIIBszCCAVmgAwIBAgIUAA==\"]}",
                      P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.crit-unknown", .title = "crit names an unknown extension; otherwise valid RS256",
     .refs = "CWE-347; RFC 7515 §4.1.11",
     .token = TOK_OK("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"crit\":[\"x-gatecrash\"],\"x-gatecrash\":1}",
                     P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.crit-not-array", .title = "crit is a string, not an array; otherwise valid RS256",
     .refs = "CWE-347; RFC 7515 §4.1.11",
     .token = TOK_OK("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"crit\":\"x-gatecrash\",\"x-gatecrash\":1}",
                     P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.duplicate-alg", .title = "header {alg RS256, ..., alg none}: last member wins or refused",
     .refs = R_DUP,
     .token = TOK_OK("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"alg\":\"none\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.header.duplicate-kid", .title = "header {kid rsa-1, ..., kid hs-1}, RS256 by rsa-1",
     .refs = R_DUP,
     .token = TOK_OK("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"JWT\",\"kid\":\"hs-1\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},

    /* exp / nbf / iat: edges and types. */
    {.id = "jwt.exp.missing", .title = "no exp claim (exp is required)", .refs = R_EXP,
     .token = TOK_RS(PAY(F_ISS F_AUD F_SUBA F_IAT F_RA)), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.past", .title = "exp an hour ago", .refs = R_EXP,
     .token = TOK_RS(P_ADMIN_EXP("${PAST}")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.leeway-edge-ok", .title = "exp exactly leeway (60 s) ago: still valid",
     .refs = R_EXP, .token = TOK_RS(P_ADMIN_EXP("${LEEWAY_EDGE_OK}")), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.exp.leeway-edge-bad", .title = "exp leeway + 1 s (61 s) ago: expired",
     .refs = R_EXP, .token = TOK_RS(P_ADMIN_EXP("${LEEWAY_EDGE_BAD}")), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.exp.zero", .title = "exp 0 (the epoch)", .refs = R_EXP,
     .token = TOK_RS(P_ADMIN_EXP("0")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.negative-huge", .title = "exp -99999999999999999999 (below int64)",
     .refs = R_DATE "; CWE-190", .token = TOK_RS(P_ADMIN_EXP("-99999999999999999999")),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.string", .title = "exp a future date as a string", .refs = R_DATE,
     .token = TOK_RS(P_ADMIN_EXP("\"${EXP}\"")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.float-past", .title = "exp a past date with a fraction (${PAST}.5)", .refs = R_DATE,
     .token = TOK_RS(P_ADMIN_EXP("${PAST}.5")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.bool", .title = "exp true", .refs = R_DATE,
     .token = TOK_RS(P_ADMIN_EXP("true")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.null", .title = "exp null", .refs = R_DATE,
     .token = TOK_RS(P_ADMIN_EXP("null")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.array", .title = "exp [future date] (array)", .refs = R_DATE,
     .token = TOK_RS(P_ADMIN_EXP("[${EXP}]")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.exp.object", .title = "exp {\"t\": future date} (object)", .refs = R_DATE,
     .token = TOK_RS(P_ADMIN_EXP("{\"t\":${EXP}}")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.nbf.future", .title = "nbf an hour ahead", .refs = R_NBF,
     .token = TOK_RS(P_ADMIN_NBF("${FUTURE}")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.nbf.now", .title = "nbf now: valid", .refs = R_NBF,
     .token = TOK_RS(P_ADMIN_NBF("${NOW}")), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.nbf.huge", .title = "nbf 99999999999999999999 (beyond int64: far future)",
     .refs = R_NBF "; CWE-190", .token = TOK_RS(P_ADMIN_NBF("99999999999999999999")),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.nbf.string", .title = "nbf a past date as a string", .refs = R_NBF "; CWE-843",
     .token = TOK_RS(P_ADMIN_NBF("\"${PAST}\"")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.nbf.past", .title = "nbf an hour ago: valid", .refs = R_NBF,
     .token = TOK_RS(P_ADMIN_NBF("${PAST}")), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.iat.past", .title = "iat an hour ago: valid", .refs = "RFC 7519 §4.1.6",
     .token = TOK_RS(P_ADMIN_IAT("${PAST}")), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.iat.string", .title = "iat a string (not a NumericDate)", .refs = "CWE-843; RFC 7519 §4.1.6",
     .token = TOK_RS(P_ADMIN_IAT("\"yesterday\"")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.iat.bool", .title = "iat false (not a NumericDate)", .refs = "CWE-843; RFC 7519 §4.1.6",
     .token = TOK_RS(P_ADMIN_IAT("false")), .target = "/admin", .expect = E_ST(401)},

    /* iss. */
    {.id = "jwt.iss.missing", .title = "no iss claim", .refs = R_ISS,
     .token = TOK_RS(P_ADMIN_ISS("")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.iss.wrong", .title = "iss https://evil.example", .refs = R_ISS,
     .token = TOK_RS(P_ADMIN_ISS("\"iss\":\"https://evil.example\",")), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.iss.upper-case", .title = "iss HTTPS://ISSUER.GATECRASH.TEST (case differs)",
     .refs = R_ISS "; CWE-178",
     .token = TOK_RS(P_ADMIN_ISS("\"iss\":\"HTTPS://ISSUER.GATECRASH.TEST\",")),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.iss.trailing-slash", .title = "iss with a trailing slash", .refs = R_ISS,
     .token = TOK_RS(P_ADMIN_ISS("\"iss\":\"${ISS}/\",")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.iss.array", .title = "iss [issuer] (array)", .refs = R_ISS "; CWE-843",
     .token = TOK_RS(P_ADMIN_ISS("\"iss\":[\"${ISS}\"],")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.iss.number", .title = "iss 1 (a number)", .refs = R_ISS "; CWE-843",
     .token = TOK_RS(P_ADMIN_ISS("\"iss\":1,")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.iss.nul-suffix", .title = "iss followed by an escaped NUL and junk", .refs = R_ISS "; CWE-158",
     .token = TOK_RS(P_ADMIN_ISS("\"iss\":\"${ISS}\\u0000.evil\",")), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.iss.duplicate", .title = "payload {iss ours, ..., iss evil}", .refs = R_DUP,
     .token = TOK_RS(PAY(F_ISS F_AUD F_SUBA F_IAT F_EXP F_RA "\"iss\":\"https://evil.example\",")),
     .target = "/admin", .expect = E_ST(401)},

    /* aud. */
    {.id = "jwt.aud.missing", .title = "no aud claim", .refs = R_AUD,
     .token = TOK_RS(P_ADMIN_AUD("")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.aud.wrong", .title = "aud other-service", .refs = R_AUD,
     .token = TOK_RS(P_ADMIN_AUD("\"aud\":\"other-service\",")), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.aud.upper-case", .title = "aud GATECRASH-TARGET (case differs)", .refs = R_AUD "; CWE-178",
     .token = TOK_RS(P_ADMIN_AUD("\"aud\":\"GATECRASH-TARGET\",")), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.aud.prefix", .title = "aud gatecrash (a prefix of the audience)", .refs = R_AUD,
     .token = TOK_RS(P_ADMIN_AUD("\"aud\":\"gatecrash\",")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.aud.suffixed", .title = "aud gatecrash-target-evil (the audience plus a suffix)",
     .refs = R_AUD, .token = TOK_RS(P_ADMIN_AUD("\"aud\":\"gatecrash-target-evil\",")),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.aud.array-with-ours", .title = "aud [other, ours]: contains the audience, valid",
     .refs = R_AUD, .token = TOK_RS(P_ADMIN_AUD("\"aud\":[\"other-service\",\"${AUD}\"],")),
     .target = "/admin", .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.aud.array-without-ours", .title = "aud [other, another]", .refs = R_AUD,
     .token = TOK_RS(P_ADMIN_AUD("\"aud\":[\"other-service\",\"another\"],")), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.aud.empty-array", .title = "aud []", .refs = R_AUD,
     .token = TOK_RS(P_ADMIN_AUD("\"aud\":[],")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.aud.number", .title = "aud 1 (a number)", .refs = R_AUD "; CWE-843",
     .token = TOK_RS(P_ADMIN_AUD("\"aud\":1,")), .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.aud.object", .title = "aud {\"gatecrash-target\": true} (object)", .refs = R_AUD "; CWE-843",
     .token = TOK_RS(P_ADMIN_AUD("\"aud\":{\"${AUD}\":true},")), .target = "/admin",
     .expect = E_ST(401)},

    /* roles: only an array of strings holding "admin" grants admin. */
    {.id = "jwt.roles.string", .title = "roles \"admin\" (a string, not an array)", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"roles\":\"admin\",")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.roles.number-element", .title = "roles [1]", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"roles\":[1],")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.roles.nested-array", .title = "roles [[\"admin\"]]", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"roles\":[[\"admin\"]],")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.roles.object", .title = "roles {\"admin\": true}", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"roles\":{\"admin\":true},")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.roles.capitalized", .title = "roles [\"Admin\"]: a role name is exact", .refs = R_ROLES "; CWE-178",
     .token = TOK_RS(P_ROLES("\"roles\":[\"Admin\"],")), .target = "/admin", .expect = E_ST(403)},
    {.id = "jwt.roles.padded", .title = "roles [\"admin \"] (trailing space)", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"roles\":[\"admin \"],")), .target = "/admin", .expect = E_ST(403)},
    {.id = "jwt.roles.prefix", .title = "roles [\"administrator\"]", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"roles\":[\"administrator\"],")), .target = "/admin",
     .expect = E_ST(403)},
    {.id = "jwt.roles.missing", .title = "no roles claim: valid identity, not admin", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("")), .target = "/admin", .expect = E_ST(403)},
    {.id = "jwt.roles.singular-role-claim", .title = "\"role\": \"admin\" (another claim name)",
     .refs = R_ROLES, .token = TOK_RS(P_ROLES("\"role\":\"admin\",")), .target = "/admin",
     .expect = E_ST(403)},
    {.id = "jwt.roles.scope-admin", .title = "\"scope\": \"admin\" (another claim name)", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"scope\":\"admin\",")), .target = "/admin", .expect = E_ST(403)},
    {.id = "jwt.roles.duplicate", .title = "payload {roles [admin], ..., roles [user]}: never admin",
     .refs = R_DUP, .token = TOK_RS(P_ROLES(F_RA "\"x\":1," F_RU)), .target = "/admin",
     .expect = E_DENY},
    {.id = "jwt.roles.user-and-admin", .title = "roles [\"user\", \"admin\"]: admin", .refs = R_ROLES,
     .token = TOK_RS(P_ROLES("\"roles\":[\"user\",\"admin\"],")), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.roles.sub-is-admin-spiffe-id",
     .title = "sub is the admin SPIFFE ID but roles [\"user\"]: JWT admin comes from roles only",
     .refs = R_ROLES "; CWE-287",
     .token = TOK_RS(PAY(F_ISS F_AUD "\"sub\":\"" ID_ADMIN "\"," F_IAT F_EXP F_RU)),
     .target = "/admin", .expect = E_ST(403)},

    /* sub. */
    {.id = "jwt.sub.missing", .title = "no sub claim (no identity), roles [admin]", .refs = R_SUB,
     .token = TOK_RS(P_ADMIN_SUB("")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.sub.empty", .title = "sub \"\", roles [admin]", .refs = R_SUB,
     .token = TOK_RS(P_ADMIN_SUB("\"sub\":\"\",")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.sub.number", .title = "sub 42 (a number), roles [admin]", .refs = R_SUB "; CWE-843",
     .token = TOK_RS(P_ADMIN_SUB("\"sub\":42,")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.sub.null", .title = "sub null, roles [admin]", .refs = R_SUB "; CWE-843",
     .token = TOK_RS(P_ADMIN_SUB("\"sub\":null,")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.sub.array", .title = "sub [\"dave\"], roles [admin]", .refs = R_SUB "; CWE-843",
     .token = TOK_RS(P_ADMIN_SUB("\"sub\":[\"dave\"],")), .target = "/admin", .expect = E_DENY},
    {.id = "jwt.sub.nul-whoami", .title = "sub with an escaped NUL: no identity, not a truncated one",
     .refs = R_SUB "; CWE-158", .token = TOK_RS(P_ADMIN_SUB("\"sub\":\"" SUB_ADMIN "\\u0000x\",")),
     .target = "/whoami", .expect = E_ANON},

    /* Payload duplicates. */
    {.id = "jwt.payload.duplicate-exp", .title = "payload {exp future, ..., exp past}", .refs = R_DUP,
     .token = TOK_RS(PAY(F_ISS F_AUD F_SUBA F_IAT F_EXP F_RA "\"exp\":${PAST},")),
     .target = "/admin", .expect = E_ST(401)},

    /* Encoding and serialization. */
    {.id = "jwt.b64.padded-signature", .title = "'=' padding on the base64url signature", .refs = R_B64,
     .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_PAD_B64), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.b64.std-alphabet-payload", .title = "payload in the standard alphabet ('+', '/')",
     .refs = R_B64,
     .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_STD_B64),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.form.extra-segment", .title = "a fourth segment after a valid RS256 token",
     .refs = "CWE-347; RFC 7515 §7.1",
     .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_EXTRA_SEGMENT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "jwt.form.json-serialization", .title = "valid RS256 JWS in JSON serialization",
     .refs = "CWE-347; RFC 7515 §7.2; target contract: compact form only",
     .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_JSON_SERIALIZATION),
     .target = "/admin", .expect = E_DENY},
    {.id = "jwt.form.huge", .title = "RS256 token padded past any sane size limit",
     .refs = "CWE-400; CWE-770; RFC 7515 §7.1",
     .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_HUGE), .target = "/admin",
     .expect = E_DENY},

    /* Authorization scheme. */
    {.id = "jwt.scheme.lower-case", .title = "\"bearer\" scheme: case-insensitive, valid",
     .refs = R_SCHEME, .token = TOK_S(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, 0, "bearer"),
     .target = "/admin", .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.scheme.upper-case", .title = "\"BEARER\" scheme: case-insensitive, valid",
     .refs = R_SCHEME, .token = TOK_S(H_RS, P_USER, "RS256", GC_KEY_FIXTURE, 0, "BEARER"),
     .target = "/whoami", .expect = E_AS(SUB_USER, "jwt", NO)},
    {.id = "jwt.scheme.basic", .title = "valid token under the \"Basic\" scheme", .refs = R_SCHEME,
     .token = TOK_S(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, 0, "Basic"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.scheme.token", .title = "valid token under a \"Token\" scheme", .refs = R_SCHEME,
     .token = TOK_S(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, 0, "Token"), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "jwt.scheme.two-spaces", .title = "\"Bearer\" then two spaces before the token",
     .refs = R_SCHEME "; gk/jwt.h: exactly one SP",
     .token = TOK_S(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, 0, "Bearer "), .target = "/admin",
     .expect = E_ST(401)},

    /* Precedence: a valid token beats the certificate; an invalid one means no identity. */
    {.id = "jwt.precedence.user-token-over-admin-cert",
     .title = "admin certificate plus a valid user token: the token's identity, not admin",
     .refs = R_PREC, .cert = GC_CERT_ADMIN, .token = TOK_RS(P_USER), .target = "/admin",
     .expect = E_ST(403)},
    {.id = "jwt.precedence.user-token-over-admin-cert-whoami",
     .title = "admin certificate plus a valid user token: /whoami names the token's sub",
     .refs = R_PREC, .cert = GC_CERT_ADMIN, .token = TOK_RS(P_USER), .target = "/whoami",
     .expect = E_AS(SUB_USER, "jwt", NO)},
    {.id = "jwt.precedence.admin-token-over-user-cert",
     .title = "alice's certificate plus a valid admin token: admin for this request",
     .refs = R_PREC, .cert = GC_CERT_ALICE, .token = TOK_RS(P_ADMIN), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.precedence.bad-token-no-cert-fallback",
     .title = "alice's certificate plus an attacker-signed token: no identity (no fallback)",
     .refs = R_PREC, .cert = GC_CERT_ALICE, .token = TOK_ATT(H_RS, P_USER, "RS256"),
     .target = "/user", .expect = E_ST(401)},
    {.id = "jwt.precedence.bad-token-no-cert-fallback-whoami",
     .title = "admin certificate plus an expired token: /whoami names nobody",
     .refs = R_PREC, .cert = GC_CERT_ADMIN, .token = TOK_RS(P_ADMIN_EXP("${PAST}")),
     .target = "/whoami", .expect = E_ANON},

    /* Positive controls: every algorithm, with and without the admin role. */
    {.id = "jwt.valid.rs256-admin", .title = "valid RS256 admin token (positive control)",
     .refs = R_VALID, .token = TOK_OK(H_RS, P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.valid.rs256-user-whoami", .title = "valid RS256 user token: /whoami names its sub",
     .refs = R_VALID, .token = TOK_OK(H_RS, P_USER, "RS256"), .target = "/whoami",
     .expect = E_AS(SUB_USER, "jwt", NO)},
    {.id = "jwt.valid.rs256-user-admin-route", .title = "valid RS256 user token on /admin",
     .refs = R_VALID, .token = TOK_OK(H_RS, P_USER, "RS256"), .target = "/admin",
     .expect = E_ST(403)},
    {.id = "jwt.valid.es256-admin", .title = "valid ES256 admin token (positive control)",
     .refs = R_VALID "; RFC 7518 §3.4", .token = TOK_OK(H_ES, P_ADMIN, "ES256"), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.valid.es256-user-whoami", .title = "valid ES256 user token: /whoami names its sub",
     .refs = R_VALID, .token = TOK_OK(H_ES, P_USER, "ES256"), .target = "/whoami",
     .expect = E_AS(SUB_USER, "jwt", NO)},
    {.id = "jwt.valid.es256-user-admin-route", .title = "valid ES256 user token on /admin",
     .refs = R_VALID, .token = TOK_OK(H_ES, P_USER, "ES256"), .target = "/admin",
     .expect = E_ST(403)},
    {.id = "jwt.valid.eddsa-admin", .title = "valid EdDSA admin token (positive control)",
     .refs = R_VALID "; RFC 8037 §3.1", .token = TOK_OK(H_ED, P_ADMIN, "EdDSA"), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.valid.eddsa-user-whoami", .title = "valid EdDSA user token: /whoami names its sub",
     .refs = R_VALID, .token = TOK_OK(H_ED, P_USER, "EdDSA"), .target = "/whoami",
     .expect = E_AS(SUB_USER, "jwt", NO)},
    {.id = "jwt.valid.eddsa-user-admin-route", .title = "valid EdDSA user token on /admin",
     .refs = R_VALID, .token = TOK_OK(H_ED, P_USER, "EdDSA"), .target = "/admin",
     .expect = E_ST(403)},
    {.id = "jwt.valid.hs256-admin", .title = "valid HS256 admin token (positive control)",
     .refs = R_VALID "; RFC 7518 §3.2", .token = TOK_OK(H_HS, P_ADMIN, "HS256"), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "jwt.valid.hs256-user-whoami", .title = "valid HS256 user token: /whoami names its sub",
     .refs = R_VALID, .token = TOK_OK(H_HS, P_USER, "HS256"), .target = "/whoami",
     .expect = E_AS(SUB_USER, "jwt", NO)},
    {.id = "jwt.valid.hs256-user-admin-route", .title = "valid HS256 user token on /admin",
     .refs = R_VALID, .token = TOK_OK(H_HS, P_USER, "HS256"), .target = "/admin",
     .expect = E_ST(403)},
    {.id = "jwt.valid.rs256-user-route", .title = "valid RS256 user token on /user",
     .refs = R_VALID, .token = TOK_OK(H_RS, P_USER, "RS256"), .target = "/user",
     .expect = E_AS(SUB_USER, "jwt", NO)},
    {.id = "jwt.valid.no-typ", .title = "valid RS256 token without typ (typ is optional)",
     .refs = R_VALID "; RFC 7515 §4.1.9",
     .token = TOK_OK("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", P_ADMIN, "RS256"), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
};

/* --- fwd ----------------------------------------------------------------------- */

static const struct gc_case FWD_CASES[] = {
    /* From a peer that is not a trusted proxy, these headers change nothing. */
    {.id = "fwd.untrusted.xfcc-admin-whoami",
     .title = "alice sends XFCC naming admin: still alice, from the certificate",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/whoami", .headers = {XFCC_ADMIN},
     .expect = E_AS_AT(ID_ALICE, "cert", NO, LOOPBACK)},
    {.id = "fwd.untrusted.xfcc-admin-route", .title = "alice sends XFCC naming admin to /admin",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/admin", .headers = {XFCC_ADMIN},
     .expect = E_ST(403)},
    {.id = "fwd.untrusted.xfcc-no-cert", .title = "no certificate, XFCC naming admin, to /admin",
     .refs = R_FWD_UNTRUSTED, .target = "/admin", .headers = {XFCC_ADMIN}, .expect = E_ST(401)},
    {.id = "fwd.untrusted.xfcc-no-cert-whoami", .title = "no certificate, XFCC naming admin: nobody",
     .refs = R_FWD_UNTRUSTED, .target = "/whoami", .headers = {XFCC_ADMIN},
     .expect = E_ANON_AT(LOOPBACK)},
    {.id = "fwd.untrusted.xfcc-lower-case-name", .title = "alice sends x-forwarded-client-cert (lower case) naming admin",
     .refs = R_FWD_UNTRUSTED "; RFC 9110 §5.1", .cert = GC_CERT_ALICE, .target = "/admin",
     .headers = {"x-forwarded-client-cert: URI=" ID_ADMIN}, .expect = E_ST(403)},
    {.id = "fwd.untrusted.ssl-client-cert", .title = "alice sends X-SSL-Client-Cert with a PEM blob",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/admin",
     .headers = {"X-SSL-Client-Cert: -----BEGIN%20CERTIFICATE-----%0AMIIB%0A-----END%20CERTIFICATE-----"},
     .expect = E_ST(403)},
    {.id = "fwd.untrusted.ssl-client-s-dn", .title = "alice sends X-SSL-Client-S-DN: CN=admin",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/admin",
     .headers = {"X-SSL-Client-S-DN: CN=admin,O=gatecrash"}, .expect = E_ST(403)},
    {.id = "fwd.untrusted.ssl-client-verify", .title = "no certificate, X-SSL-Client-Verify: SUCCESS and S-DN admin",
     .refs = R_FWD_UNTRUSTED, .target = "/user",
     .headers = {"X-SSL-Client-Verify: SUCCESS", "X-SSL-Client-S-DN: CN=admin"},
     .expect = E_ST(401)},
    {.id = "fwd.untrusted.client-cert", .title = "alice sends X-Client-Cert naming admin",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/admin",
     .headers = {"X-Client-Cert: URI=" ID_ADMIN}, .expect = E_ST(403)},
    {.id = "fwd.untrusted.remote-user", .title = "no certificate, X-Remote-User / X-Forwarded-User: admin",
     .refs = R_FWD_UNTRUSTED, .target = "/admin",
     .headers = {"X-Remote-User: " ID_ADMIN, "X-Forwarded-User: admin"}, .expect = E_ST(401)},
    {.id = "fwd.untrusted.xff-internal", .title = "alice sends X-Forwarded-For 10.99.0.1 to /internal",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/internal",
     .headers = {"X-Forwarded-For: 10.99.0.1"}, .expect = E_DENY},
    {.id = "fwd.untrusted.xff-whoami", .title = "alice sends X-Forwarded-For 10.99.0.1: client_addr stays 127.0.0.1",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/whoami",
     .headers = {"X-Forwarded-For: 10.99.0.1"}, .expect = E_AS_AT(ID_ALICE, "cert", NO, LOOPBACK)},
    {.id = "fwd.untrusted.x-real-ip", .title = "alice sends X-Real-IP 10.99.0.1 to /internal",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/internal",
     .headers = {"X-Real-IP: 10.99.0.1"}, .expect = E_DENY},
    {.id = "fwd.untrusted.forwarded-internal", .title = "alice sends Forwarded: for=10.99.0.1 to /internal",
     .refs = R_FWD_UNTRUSTED, .cert = GC_CERT_ALICE, .target = "/internal",
     .headers = {"Forwarded: for=10.99.0.1;proto=https"}, .expect = E_DENY},
    {.id = "fwd.untrusted.forwarded-whoami", .title = "no certificate, Forwarded: for=10.99.0.1: client_addr stays 127.0.0.1",
     .refs = R_FWD_UNTRUSTED, .target = "/whoami", .headers = {"Forwarded: for=10.99.0.1"},
     .expect = E_ANON_AT(LOOPBACK)},
    {.id = "fwd.untrusted.duplicate-xfcc-admin", .title = "bob sends two XFCC fields naming admin to /admin",
     .refs = R_FWD_UNTRUSTED "; RFC 9110 §5.3", .cert = GC_CERT_BOB, .target = "/admin",
     .headers = {XFCC_ADMIN, XFCC_ADMIN}, .expect = E_DENY},

    /* From the trusted proxy: XFCC names the end client, XFF/Forwarded the address. */
    {.id = "fwd.proxy.xfcc-alice-whoami", .title = "proxy forwards alice in XFCC: identity alice, source forwarded",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/whoami", .headers = {XFCC_ALICE},
     .expect = E_AS(ID_ALICE, "forwarded", NO)},
    {.id = "fwd.proxy.xfcc-alice-admin-route", .title = "proxy forwards alice in XFCC to /admin",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/admin", .headers = {XFCC_ALICE},
     .expect = E_ST(403)},
    {.id = "fwd.proxy.xfcc-admin-route", .title = "proxy forwards admin in XFCC to /admin: allowed",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/admin", .headers = {XFCC_ADMIN},
     .expect = E_AS(ID_ADMIN, "forwarded", YES)},
    {.id = "fwd.proxy.xfcc-admin-whoami", .title = "proxy forwards admin in XFCC: /whoami names admin, forwarded",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/whoami", .headers = {XFCC_ADMIN},
     .expect = E_AS(ID_ADMIN, "forwarded", YES)},
    {.id = "fwd.proxy.xfcc-uri-only", .title = "proxy forwards XFCC with only URI=alice",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/whoami", .headers = {XFCC "URI=" ID_ALICE},
     .expect = E_AS(ID_ALICE, "forwarded", NO)},
    {.id = "fwd.proxy.xfcc-quoted-uri", .title = "proxy forwards XFCC with URI=\"alice\" quoted",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {XFCC XFCC_BY "URI=\"" ID_ALICE "\""}, .expect = E_AS(ID_ALICE, "forwarded", NO)},
    {.id = "fwd.proxy.xfcc-quoted-subject-comma",
     .title = "XFCC Subject=\"CN=admin,O=x\" (quoted comma) then URI=alice: one element, alice",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {XFCC XFCC_BY "Subject=\"CN=admin,O=x\";URI=" ID_ALICE},
     .expect = E_AS(ID_ALICE, "forwarded", NO)},
    {.id = "fwd.proxy.xfcc-two-elements-admin-first",
     .title = "XFCC elements admin then alice: the right-most (nearest) names the client",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/admin",
     .headers = {XFCC "URI=" ID_ADMIN "," XFCC_BY "URI=" ID_ALICE}, .expect = E_DENY},
    {.id = "fwd.proxy.xfcc-unterminated-quote", .title = "XFCC URI=\"alice (unterminated quote)",
     .refs = R_XFCC "; target contract: bad forwarded header is 400", .cert = GC_CERT_PROXY,
     .target = "/whoami", .headers = {XFCC XFCC_BY "URI=\"" ID_ADMIN}, .expect = E_ST(400)},
    {.id = "fwd.proxy.xfcc-duplicate", .title = "proxy sends two XFCC fields", .refs = R_XFCC "; RFC 9110 §5.3",
     .cert = GC_CERT_PROXY, .target = "/whoami", .headers = {XFCC_ALICE, XFCC_ADMIN},
     .expect = E_ST(400)},
    {.id = "fwd.proxy.xfcc-upper-scheme-admin", .title = "XFCC URI=SPIFFE://gatecrash.test/admin: not the admin identity",
     .refs = R_XFCC "; CWE-178", .cert = GC_CERT_PROXY, .target = "/admin",
     .headers = {XFCC "URI=SPIFFE://gatecrash.test/admin"}, .expect = E_DENY},
    {.id = "fwd.proxy.xfcc-admin-trailing-slash", .title = "XFCC URI=spiffe://gatecrash.test/admin/: not admin",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/admin", .headers = {XFCC "URI=" ID_ADMIN "/"},
     .expect = E_DENY},
    {.id = "fwd.proxy.xfcc-name-lower-case", .title = "proxy sends x-forwarded-client-cert (field names are case-insensitive)",
     .refs = R_XFCC "; RFC 9110 §5.1", .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {"x-forwarded-client-cert: URI=" ID_ALICE}, .expect = E_AS(ID_ALICE, "forwarded", NO)},
    {.id = "fwd.proxy.xfcc-name-upper-case", .title = "proxy sends X-FORWARDED-CLIENT-CERT",
     .refs = R_XFCC "; RFC 9110 §5.1", .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {"X-FORWARDED-CLIENT-CERT: URI=" ID_ADMIN}, .expect = E_AS(ID_ADMIN, "forwarded", YES)},
    {.id = "fwd.proxy.xfcc-underscore-name", .title = "proxy sends X_Forwarded_Client_Cert: another header, ignored",
     .refs = R_XFCC "; RFC 9110 §5.1", .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {"X_Forwarded_Client_Cert: URI=" ID_ADMIN}, .expect = E_AS(ID_PROXY, "cert", NO)},
    {.id = "fwd.proxy.xfcc-underscore-name-admin", .title = "proxy sends X_Forwarded_Client_Cert naming admin to /admin",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/admin",
     .headers = {"X_Forwarded_Client_Cert: URI=" ID_ADMIN}, .expect = E_ST(403)},
    {.id = "fwd.proxy.no-xfcc-whoami", .title = "proxy without XFCC: its own certificate identity",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/whoami",
     .expect = E_AS_AT(ID_PROXY, "cert", NO, LOOPBACK)},
    {.id = "fwd.proxy.ssl-client-s-dn", .title = "proxy sends X-SSL-Client-S-DN: CN=admin (not part of the contract)",
     .refs = R_XFCC, .cert = GC_CERT_PROXY, .target = "/admin",
     .headers = {"X-SSL-Client-S-DN: CN=admin"}, .expect = E_ST(403)},
    {.id = "fwd.proxy.xff-internal", .title = "proxy forwards X-Forwarded-For 10.99.0.1 to /internal: allowed",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Forwarded-For: 10.99.0.1"}, .expect = E_AS(ID_PROXY, "cert", NO)},
    {.id = "fwd.proxy.xff-whoami", .title = "proxy forwards X-Forwarded-For 10.99.0.1: client_addr 10.99.0.1",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {"X-Forwarded-For: 10.99.0.1"}, .expect = E_AS_AT(ID_PROXY, "cert", NO, "10.99.0.1")},
    {.id = "fwd.proxy.xff-right-most-external", .title = "XFF \"10.99.0.1, 1.2.3.4\": right-most 1.2.3.4 is not internal",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Forwarded-For: 10.99.0.1, 1.2.3.4"}, .expect = E_ST(403)},
    {.id = "fwd.proxy.xff-right-most-whoami", .title = "XFF \"10.99.0.1, 1.2.3.4\": client_addr 1.2.3.4",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {"X-Forwarded-For: 10.99.0.1, 1.2.3.4"}, .expect = E_AS_AT(ID_PROXY, "cert", NO, "1.2.3.4")},
    {.id = "fwd.proxy.xff-right-most-internal", .title = "XFF \"1.2.3.4, 10.99.0.1\": right-most is internal",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Forwarded-For: 1.2.3.4, 10.99.0.1"}, .expect = E_AS(ID_PROXY, "cert", NO)},
    {.id = "fwd.proxy.xff-spaces", .title = "XFF \" 10.99.0.7 ,10.99.0.9 \" (optional whitespace): client_addr 10.99.0.9",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {"X-Forwarded-For:  10.99.0.7 ,10.99.0.9 "}, .expect = E_AS_AT(ID_PROXY, "cert", NO, "10.99.0.9")},
    {.id = "fwd.proxy.xff-net-edge-high", .title = "XFF 10.99.255.255: last address inside 10.99.0.0/16",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Forwarded-For: 10.99.255.255"}, .expect = E_AS(ID_PROXY, "cert", NO)},
    {.id = "fwd.proxy.xff-net-edge-above", .title = "XFF 10.100.0.0: first address above 10.99.0.0/16",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Forwarded-For: 10.100.0.0"}, .expect = E_ST(403)},
    {.id = "fwd.proxy.xff-net-edge-below", .title = "XFF 10.98.255.255: last address below 10.99.0.0/16",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Forwarded-For: 10.98.255.255"}, .expect = E_ST(403)},
    {.id = "fwd.proxy.xff-lower-case-name", .title = "proxy sends x-forwarded-for 10.99.0.1 (lower-case name)",
     .refs = R_XFF "; RFC 9110 §5.1", .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"x-forwarded-for: 10.99.0.1"}, .expect = E_AS(ID_PROXY, "cert", NO)},
    {.id = "fwd.proxy.xff-underscore-name", .title = "proxy sends X_Forwarded_For 10.99.0.1: another header, ignored",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X_Forwarded_For: 10.99.0.1"}, .expect = E_ST(403)},
    {.id = "fwd.proxy.xff-duplicate", .title = "proxy sends two X-Forwarded-For fields", .refs = R_XFF,
     .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Forwarded-For: 1.2.3.4", "X-Forwarded-For: 10.99.0.1"}, .expect = E_ST(400)},
    {.id = "fwd.proxy.xff-garbage", .title = "proxy sends X-Forwarded-For: not-an-address",
     .refs = R_XFF "; target contract: bad forwarded header is 400", .cert = GC_CERT_PROXY,
     .target = "/whoami", .headers = {"X-Forwarded-For: not-an-address"}, .expect = E_ST(400)},
    {.id = "fwd.proxy.x-real-ip", .title = "proxy sends X-Real-IP 10.99.0.1 (not part of the contract)",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"X-Real-IP: 10.99.0.1"}, .expect = E_ST(403)},
    {.id = "fwd.proxy.forwarded-internal", .title = "proxy sends Forwarded: for=10.99.0.1: allowed",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"Forwarded: for=10.99.0.1;proto=https"}, .expect = E_AS(ID_PROXY, "cert", NO)},
    {.id = "fwd.proxy.forwarded-quoted-port", .title = "Forwarded: for=\"10.99.0.1:4711\": client_addr 10.99.0.1",
     .refs = R_XFF "; RFC 7239 §6", .cert = GC_CERT_PROXY, .target = "/whoami",
     .headers = {"Forwarded: for=\"10.99.0.1:4711\""}, .expect = E_AS_AT(ID_PROXY, "cert", NO, "10.99.0.1")},
    {.id = "fwd.proxy.forwarded-right-most", .title = "Forwarded: for=10.99.0.1, for=1.2.3.4: right-most wins",
     .refs = R_XFF, .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"Forwarded: for=10.99.0.1, for=1.2.3.4"}, .expect = E_ST(403)},
    {.id = "fwd.proxy.forwarded-ipv6", .title = "Forwarded: for=\"[2001:db8::1]\": outside the internal network",
     .refs = R_XFF "; RFC 7239 §6", .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"Forwarded: for=\"[2001:db8::1]\""}, .expect = E_ST(403)},
    {.id = "fwd.proxy.forwarded-duplicate", .title = "proxy sends two Forwarded fields", .refs = R_XFF,
     .cert = GC_CERT_PROXY, .target = "/internal",
     .headers = {"Forwarded: for=1.2.3.4", "Forwarded: for=10.99.0.1"}, .expect = E_ST(400)},
};

/* --- path ---------------------------------------------------------------------- */

#define FILE_OK(id_, title_, target_)                                                     \
    {.id = id_, .title = title_, .refs = R_FILE_OK, .cert = GC_CERT_ALICE, .target = target_, \
     .expect = E_ALLOW}
#define FILE_BAD(id_, title_, refs_, target_, ex_)                                        \
    {.id = id_, .title = title_, .refs = refs_, .cert = GC_CERT_ALICE, .target = target_,    \
     .expect = ex_}

static const struct gc_case PATH_CASES[] = {
    /* Positive controls: files inside www/, reached through forms that must normalize there. */
    FILE_OK("path.ok.hello", "www/hello.txt", "/files/hello.txt"),
    FILE_OK("path.ok.index", "www/index.html", "/files/index.html"),
    FILE_OK("path.ok.nested", "www/sub/dir/nested.txt", "/files/sub/dir/nested.txt"),
    FILE_OK("path.ok.dot-segment", "sub/./dir/nested.txt normalizes inside www", "/files/sub/./dir/nested.txt"),
    FILE_OK("path.ok.dotdot-inside", "sub/dir/../dir/nested.txt normalizes inside www",
            "/files/sub/dir/../dir/nested.txt"),
    FILE_OK("path.ok.encoded-dotdot-inside", "sub/%2e%2e/hello.txt: an encoded dot segment inside www",
            "/files/sub/%2e%2e/hello.txt"),
    FILE_OK("path.ok.encoded-dot", "%2e/hello.txt: an encoded single dot", "/files/%2e/hello.txt"),
    FILE_OK("path.ok.encoded-unreserved", "hell%6f.txt: percent-encoded unreserved letter",
            "/files/hell%6f.txt"),
    {.id = "path.ok.no-identity", .title = "www/hello.txt without any identity",
     .refs = "CWE-306; target contract: /files", .target = "/files/hello.txt", .expect = E_ST(401)},
    FILE_BAD("path.ok.missing-file", "a file that does not exist", "RFC 9110 §15.5.5",
             "/files/no-such-file.txt", E_ST(404)),

    /* Literal dot-dot. */
    FILE_BAD("path.dotdot.to-root", "/files/../canary.txt normalizes to /canary.txt (no route)",
             R_DOTDOT, "/files/../canary.txt", E_DENY),
    FILE_BAD("path.dotdot.above-root", "/files/../../canary.txt climbs above /", R_DOTDOT,
             "/files/../../canary.txt", E_ST(400)),
    FILE_BAD("path.dotdot.etc-passwd", "/files/../../../../etc/passwd", R_DOTDOT,
             "/files/../../../../etc/passwd", E_ST(400)),
    FILE_BAD("path.dotdot.from-subdir-above-root", "sub/dir/../../../../canary.txt climbs above /",
             R_DOTDOT, "/files/sub/dir/../../../../canary.txt", E_ST(400)),
    FILE_BAD("path.dotdot.from-subdir", "sub/dir/../../../canary.txt leaves www", R_DOTDOT,
             "/files/sub/dir/../../../canary.txt", E_DENY),
    FILE_BAD("path.dotdot.dot-then-dotdot", "/files/./../canary.txt", R_DOTDOT,
             "/files/./../canary.txt", E_DENY),
    FILE_BAD("path.dotdot.proc-self-root", "/files/../../proc/self/root/etc/passwd",
             R_DOTDOT "; CWE-36", "/files/../../proc/self/root/etc/passwd", E_ST(400)),
    FILE_BAD("path.dotdot.sibling-prefix", "/files/../www-x/canary.txt: www-x shares the prefix www",
             R_DOTDOT "; CWE-41", "/files/../www-x/canary.txt", E_DENY),
    FILE_BAD("path.dotdot.tomcat-semicolon", "/files/..;/canary.txt (\"..;\" is a name, not a dot segment)",
             R_DOTDOT "; CVE-2020-1957", "/files/..;/canary.txt", E_DENY),

    /* Percent-encoded dots in every case mix. */
    FILE_BAD("path.pct.dotdot-lower", "%2e%2e/canary.txt", R_PCT_DOT, "/files/%2e%2e/canary.txt", E_DENY),
    FILE_BAD("path.pct.dotdot-upper", "%2E%2E/canary.txt", R_PCT_DOT, "/files/%2E%2E/canary.txt", E_DENY),
    FILE_BAD("path.pct.dotdot-mixed-lu", "%2e%2E/canary.txt", R_PCT_DOT, "/files/%2e%2E/canary.txt", E_DENY),
    FILE_BAD("path.pct.dotdot-mixed-ul", "%2E%2e/canary.txt", R_PCT_DOT, "/files/%2E%2e/canary.txt", E_DENY),
    FILE_BAD("path.pct.dot-pct-lower", ".%2e/canary.txt", R_PCT_DOT, "/files/.%2e/canary.txt", E_DENY),
    FILE_BAD("path.pct.dot-pct-upper", ".%2E/canary.txt", R_PCT_DOT, "/files/.%2E/canary.txt", E_DENY),
    FILE_BAD("path.pct.pct-dot-lower", "%2e./canary.txt", R_PCT_DOT, "/files/%2e./canary.txt", E_DENY),
    FILE_BAD("path.pct.pct-dot-upper", "%2E./canary.txt", R_PCT_DOT, "/files/%2E./canary.txt", E_DENY),
    FILE_BAD("path.pct.twice-above-root", "%2e%2e/%2e%2e/canary.txt climbs above /", R_PCT_DOT,
             "/files/%2e%2e/%2e%2e/canary.txt", E_DENY),
    FILE_BAD("path.pct.etc-passwd", ".%2e/.%2e/.%2e/.%2e/etc/passwd (CVE-2021-41773 form)", R_PCT_DOT,
             "/files/.%2e/.%2e/.%2e/.%2e/etc/passwd", E_DENY),
    FILE_BAD("path.pct.sibling-prefix", "%2e%2e/www-x/canary.txt", R_PCT_DOT "; CWE-41",
             "/files/%2e%2e/www-x/canary.txt", E_DENY),

    /* Double encoding: decoded once, "%2e" is a literal name. */
    FILE_BAD("path.double.dotdot", "%252e%252e/canary.txt (double-encoded dots)", R_DOUBLE,
             "/files/%252e%252e/canary.txt", E_DENY),
    FILE_BAD("path.double.dotdot-twice", "%252e%252e/%252e%252e/canary.txt", R_DOUBLE,
             "/files/%252e%252e/%252e%252e/canary.txt", E_DENY),
    FILE_BAD("path.double.slash", "..%252f..%252fcanary.txt (double-encoded slash)", R_DOUBLE,
             "/files/..%252f..%252fcanary.txt", E_DENY),
    FILE_BAD("path.double.backslash", "..%255c..%255ccanary.txt (double-encoded backslash)", R_DOUBLE,
             "/files/..%255c..%255ccanary.txt", E_DENY),
    FILE_BAD("path.double.nibble", ".%%32%65/canary.txt (CVE-2021-42013 form, invalid escape)",
             R_DOUBLE, "/files/.%%32%65/canary.txt", E_DENY),

    /* Encoded or raw separators. */
    FILE_BAD("path.sep.encoded-slash", "..%2f..%2fcanary.txt: encoded '/'", R_SEP,
             "/files/..%2f..%2fcanary.txt", E_ST(400)),
    FILE_BAD("path.sep.encoded-slash-upper", "..%2F..%2Fcanary.txt: encoded '/'", R_SEP,
             "/files/..%2F..%2Fcanary.txt", E_ST(400)),
    FILE_BAD("path.sep.encoded-slash-dots", "%2e%2e%2f%2e%2e%2fcanary.txt", R_SEP,
             "/files/%2e%2e%2f%2e%2e%2fcanary.txt", E_ST(400)),
    FILE_BAD("path.sep.encoded-slash-inside", "sub%2fdir%2fnested.txt: encoded '/' even inside www", R_SEP,
             "/files/sub%2fdir%2fnested.txt", E_ST(400)),
    FILE_BAD("path.sep.encoded-absolute", "%2fetc%2fpasswd", R_SEP "; CWE-36",
             "/files/%2fetc%2fpasswd", E_ST(400)),
    FILE_BAD("path.sep.encoded-backslash", "..%5c..%5ccanary.txt: encoded '\\'", R_SEP,
             "/files/..%5c..%5ccanary.txt", E_ST(400)),
    FILE_BAD("path.sep.encoded-backslash-upper", "..%5C..%5Ccanary.txt: encoded '\\'", R_SEP,
             "/files/..%5C..%5Ccanary.txt", E_ST(400)),
    FILE_BAD("path.sep.encoded-backslash-canary",
             "..%5ccanary.txt: encoded '\\' one level up, onto the canary beside www", R_SEP,
             "/files/..%5ccanary.txt", E_ST(400)),
    FILE_BAD("path.sep.raw-backslash", "..\\..\\canary.txt: raw '\\'", R_SEP,
             "/files/..\\..\\canary.txt", E_ST(400)),
    FILE_BAD("path.sep.raw-backslash-inside", "sub\\dir\\nested.txt: raw '\\' even inside www", R_SEP,
             "/files/sub\\dir\\nested.txt", E_ST(400)),
    FILE_BAD("path.sep.double-slash-absolute", "/files//etc/passwd: an empty segment, not an absolute path",
             R_SEP "; CWE-36", "/files//etc/passwd", E_DENY),

    /* NUL and other odd bytes. */
    FILE_BAD("path.nul.extension", "hello.txt%00.png: encoded NUL", R_NUL, "/files/hello.txt%00.png",
             E_ST(400)),
    FILE_BAD("path.nul.dotdot", "..%00/canary.txt: encoded NUL", R_NUL, "/files/..%00/canary.txt",
             E_ST(400)),
    FILE_BAD("path.nul.trailing", "hello.txt%00: encoded NUL at the end", R_NUL, "/files/hello.txt%00",
             E_ST(400)),

    /* Overlong and look-alike UTF-8. */
    FILE_BAD("path.utf8.overlong-dot", "%c0%ae%c0%ae/canary.txt: overlong '.'", R_UTF8,
             "/files/%c0%ae%c0%ae/canary.txt", E_DENY),
    FILE_BAD("path.utf8.overlong-dot-upper", "%C0%AE%C0%AE/canary.txt", R_UTF8,
             "/files/%C0%AE%C0%AE/canary.txt", E_DENY),
    FILE_BAD("path.utf8.overlong-slash", "..%c0%af..%c0%afcanary.txt: overlong '/'", R_UTF8,
             "/files/..%c0%af..%c0%afcanary.txt", E_DENY),
    FILE_BAD("path.utf8.overlong-backslash", "..%c1%9c..%c1%9ccanary.txt: overlong '\\'", R_UTF8,
             "/files/..%c1%9c..%c1%9ccanary.txt", E_DENY),
    FILE_BAD("path.utf8.overlong-three-byte", "%e0%80%ae%e0%80%ae/canary.txt: three-byte overlong '.'",
             R_UTF8, "/files/%e0%80%ae%e0%80%ae/canary.txt", E_DENY),
    FILE_BAD("path.utf8.fullwidth-dot", "%ef%bc%8e%ef%bc%8e/canary.txt: U+FF0E is not '.'", R_UTF8,
             "/files/%ef%bc%8e%ef%bc%8e/canary.txt", E_DENY),

    /* Symlinks inside www that lead outside it. */
    FILE_BAD("path.link.escape", "www/escape -> ../canary.txt", R_LINK, "/files/escape", E_DENY),
    FILE_BAD("path.link.etc-passwd", "www/etc-link -> /etc, then passwd", R_LINK,
             "/files/etc-link/passwd", E_DENY),
    FILE_BAD("path.link.etc-hostname", "www/etc-link -> /etc, then hostname", R_LINK,
             "/files/etc-link/hostname", E_DENY),
    FILE_BAD("path.link.etc-dir", "www/etc-link itself (a directory outside www)", R_LINK,
             "/files/etc-link", E_DENY),
    FILE_BAD("path.link.escape-via-dot", "sub/../escape: the symlink through a dot segment", R_LINK,
             "/files/sub/../escape", E_DENY),

    /* Not a regular file. */
    FILE_BAD("path.kind.root-dir", "/files/ (a directory)", "target contract: regular files only",
             "/files/", E_DENY),
    FILE_BAD("path.kind.sub-dir", "/files/sub (a directory)", "target contract: regular files only",
             "/files/sub", E_DENY),
    FILE_BAD("path.kind.file-as-dir", "hello.txt/ (a file used as a directory)",
             "target contract: regular files only", "/files/hello.txt/", E_DENY),
};

/* --- run ----------------------------------------------------------------------- */

#define RUN(id_, title_, arg_)                                                            \
    {.id = id_, .title = title_, .refs = R_RUN, .cert = GC_CERT_ALICE, .run_arg = arg_,      \
     .expect = E_ALLOW}

#define RUN_MARKER(id_, title_, arg_)                                                     \
    {.id = id_, .title = title_, .refs = "CWE-78; CWE-77; target contract: /run",            \
     .cert = GC_CERT_ALICE,                                                                \
     .run_arg = arg_, .expect = E_ALLOW}

static const struct gc_case RUN_CASES[] = {
    RUN("run.shell.semicolon", "argument \"a;id\"", "a;id"),
    RUN("run.shell.pipe", "argument \"a|id\"", "a|id"),
    RUN("run.shell.and", "argument \"a&&id\"", "a&&id"),
    RUN("run.shell.background", "argument \"a&id&\"", "a&id&"),
    RUN("run.shell.backticks", "argument with backticks", "`id`"),
    RUN("run.shell.dollar-paren", "argument \"$(id)\"", "$(id)"),
    RUN("run.shell.newline", "argument with a newline before a command", "a\nid"),
    RUN("run.shell.carriage-return", "argument with a carriage return", "a\rid"),
    RUN("run.shell.single-quotes", "argument with single quotes", "'a' 'b'"),
    RUN("run.shell.double-quotes", "argument with double quotes", "\"a\" \"$HOME\""),
    RUN("run.shell.redirect", "argument \">/tmp/gatecrash-run-canary\"", ">/tmp/gatecrash-run-canary"),
    RUN("run.shell.glob-star", "argument \"*\"", "*"),
    RUN("run.shell.glob-class", "argument \"/etc/[a-p]*\"", "/etc/[a-p]*"),
    RUN("run.shell.ifs", "argument \"a$IFS;id\"", "a$IFS;id"),
    RUN("run.shell.ifs-braces", "argument \"${IFS}id\"", "${IFS}id"),
    RUN("run.shell.comment", "argument \"a #b\"", "a #b"),
    RUN("run.shell.tilde", "argument \"~root\"", "~root"),
    RUN("run.option.dash", "argument \"-\"", "-"),
    RUN("run.option.double-dash", "argument \"--\" (after the helper's own \"--\")", "--"),
    RUN("run.option.verbose", "argument \"-v\"", "-v"),
    RUN("run.option.long", "argument \"--output=/tmp/x\"", "--output=/tmp/x"),
    RUN("run.option.help", "argument \"--help\"", "--help"),
    RUN("run.text.spaces", "argument with spaces stays one argument", "a b  c"),
    RUN("run.text.tab", "argument with a tab", "a\tb"),
    RUN("run.text.empty", "empty argument (\"arg=\")", ""),
    RUN("run.text.unicode", "UTF-8 argument", "h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91"),
    RUN("run.text.percent", "argument \"100%\" (a literal percent sign)", "100%"),
    RUN("run.text.ampersand-equals", "argument \"x&arg=y\" (query delimiters inside the value)", "x&arg=y"),
    /* Secondary evidence (DESIGN.md "Oracles", unsafe-exec): each argument
     * would create the marker file if any shell ever saw it. ${EXEC_MARKER}
     * is the absolute path the runner picks per run (case.h); the helper must
     * receive the argument with that path substituted and nothing else. */
    RUN_MARKER("run.marker.semicolon", "argument \";touch ${EXEC_MARKER}\": a shell creates the marker",
               ";touch ${EXEC_MARKER}"),
    RUN_MARKER("run.marker.dollar-paren", "argument \"$(touch ${EXEC_MARKER})\": a shell creates the marker",
               "$(touch ${EXEC_MARKER})"),
    RUN_MARKER("run.marker.backticks", "argument \"`touch ${EXEC_MARKER}`\": a shell creates the marker",
               "`touch ${EXEC_MARKER}`"),
    RUN_MARKER("run.marker.pipe", "argument \"|touch ${EXEC_MARKER}\": a shell creates the marker",
               "|touch ${EXEC_MARKER}"),
    RUN_MARKER("run.marker.and", "argument \"&& touch ${EXEC_MARKER}\": a shell creates the marker",
               "&& touch ${EXEC_MARKER}"),
    RUN_MARKER("run.marker.newline", "argument \"a<LF>touch ${EXEC_MARKER}\": a shell creates the marker",
               "a\ntouch ${EXEC_MARKER}"),
    {.id = "run.limit.nul", .title = "argument with a NUL byte", .refs = R_RUN "; CWE-158",
     .cert = GC_CERT_ALICE, .run_arg = "a\0b", .run_arg_len = 3, .expect = E_ST(400)},
    {.id = "run.query.missing-arg", .title = "/run without arg", .refs = R_RUN,
     .cert = GC_CERT_ALICE, .target = "/run", .expect = E_ST(400)},
    {.id = "run.query.repeated-arg", .title = "/run?arg=a&arg=b (two arguments)", .refs = R_RUN "; CWE-88",
     .cert = GC_CERT_ALICE, .target = "/run?arg=a&arg=b", .expect = E_ST(400)},
    {.id = "run.query.bad-escape", .title = "/run?arg=%zz (invalid percent escape)", .refs = R_RUN "; RFC 3986 §2.1",
     .cert = GC_CERT_ALICE, .target = "/run?arg=%zz", .expect = E_ST(400)},
    {.id = "run.query.no-identity", .title = "/run?arg=a without any identity", .refs = "target contract: /run",
     .target = "/run?arg=a", .expect = E_ST(401)},
};

/* --- route --------------------------------------------------------------------- */

static const struct gc_case ROUTE_CASES[] = {
    {.id = "route.basic.public-anonymous", .title = "/public with no credential", .refs = "target contract: /public",
     .target = "/public", .expect = E_ALLOW},
    {.id = "route.basic.whoami-anonymous", .title = "/whoami with no credential: nobody, from 127.0.0.1",
     .refs = "target contract: /whoami", .target = "/whoami", .expect = E_ANON_AT(LOOPBACK)},
    {.id = "route.basic.user-anonymous", .title = "/user with no credential", .refs = "CWE-306; target contract: /user",
     .target = "/user", .expect = E_ST(401)},
    {.id = "route.basic.admin-as-alice", .title = "/admin with alice's certificate",
     .refs = "CWE-863; target contract: /admin", .cert = GC_CERT_ALICE, .target = "/admin",
     .expect = E_ST(403)},
    {.id = "route.basic.internal-from-loopback", .title = "/internal from 127.0.0.1 (not an internal network)",
     .refs = "CWE-863; target contract: /internal", .cert = GC_CERT_ALICE, .target = "/internal",
     .expect = E_DENY},
    {.id = "route.basic.unknown", .title = "an unknown path", .refs = "RFC 9110 §15.5.5",
     .cert = GC_CERT_ALICE, .target = "/no-such-route", .expect = E_ST(404)},
    {.id = "route.exact.admin-trailing-slash", .title = "/admin/ is not /admin", .refs = R_ROUTE,
     .cert = GC_CERT_ALICE, .target = "/admin/", .expect = E_ST(404)},
    {.id = "route.exact.admin-upper", .title = "/ADMIN is not /admin", .refs = R_ROUTE "; CWE-178",
     .cert = GC_CERT_ALICE, .target = "/ADMIN", .expect = E_ST(404)},
    {.id = "route.exact.admin-capitalized", .title = "/Admin is not /admin", .refs = R_ROUTE "; CWE-178",
     .cert = GC_CERT_ALICE, .target = "/Admin", .expect = E_ST(404)},
    {.id = "route.exact.admin-semicolon", .title = "/admin;x (path parameter) is not /admin",
     .refs = R_ROUTE "; CVE-2020-1957", .cert = GC_CERT_ALICE, .target = "/admin;x", .expect = E_ST(404)},
    {.id = "route.exact.admin-semicolon-no-identity", .title = "/admin;x with no credential",
     .refs = R_ROUTE "; CVE-2020-1957", .target = "/admin;x", .expect = E_DENY},
    {.id = "route.normalize.double-slash", .title = "//admin as alice", .refs = R_ROUTE,
     .cert = GC_CERT_ALICE, .target = "//admin", .expect = E_DENY},
    {.id = "route.normalize.public-dotdot-admin", .title = "/public/../admin normalizes to /admin: alice is not admin",
     .refs = R_ROUTE "; RFC 3986 §5.2.4", .cert = GC_CERT_ALICE, .target = "/public/../admin",
     .expect = E_DENY},
    {.id = "route.normalize.public-dotdot-admin-anonymous", .title = "/public/../admin with no credential",
     .refs = R_ROUTE "; RFC 3986 §5.2.4", .target = "/public/../admin", .expect = E_DENY},
    {.id = "route.normalize.public-pct-dotdot-admin", .title = "/public/%2e%2e/admin with no credential",
     .refs = R_ROUTE "; RFC 3986 §2.1", .target = "/public/%2e%2e/admin", .expect = E_DENY},
    {.id = "route.normalize.encoded-slash", .title = "/admin%2f: encoded '/'", .refs = R_ROUTE "; RFC 3986 §2.2",
     .cert = GC_CERT_ALICE, .target = "/admin%2f", .expect = E_ST(400)},
    {.id = "route.normalize.pct-letter", .title = "/%61dmin decodes to /admin: alice is not admin",
     .refs = R_ROUTE "; RFC 3986 §2.3", .cert = GC_CERT_ALICE, .target = "/%61dmin", .expect = E_DENY},
    {.id = "route.normalize.dot-suffix", .title = "/admin/. as alice", .refs = R_ROUTE,
     .cert = GC_CERT_ALICE, .target = "/admin/.", .expect = E_DENY},
    {.id = "route.normalize.empty-query", .title = "/admin? (empty query) as alice", .refs = R_ROUTE,
     .cert = GC_CERT_ALICE, .target = "/admin?", .expect = E_DENY},
    {.id = "route.normalize.query-admin", .title = "/public?/admin: the query is not the path",
     .refs = R_ROUTE "; RFC 3986 §3.4", .target = "/public?/admin", .expect = E_ALLOW},
    {.id = "route.header.x-original-url", .title = "/admin with X-Original-URL: /public, as alice",
     .refs = R_ROUTE, .cert = GC_CERT_ALICE, .target = "/admin",
     .headers = {"X-Original-URL: /public"}, .expect = E_ST(403)},
    {.id = "route.header.x-rewrite-url", .title = "/user with X-Rewrite-URL: /public and no credential: still /user",
     .refs = R_ROUTE, .target = "/user", .headers = {"X-Rewrite-URL: /public"}, .expect = E_ST(401)},
    {.id = "route.method.head-admin", .title = "HEAD /admin as admin", .refs = R_METHOD,
     .cert = GC_CERT_ADMIN, .method = "HEAD", .target = "/admin", .expect = E_ST(405)},
    {.id = "route.method.post-admin", .title = "POST /admin as admin", .refs = R_METHOD,
     .cert = GC_CERT_ADMIN, .method = "POST", .target = "/admin", .expect = E_ST(405)},
    {.id = "route.method.put-admin", .title = "PUT /admin as admin", .refs = R_METHOD,
     .cert = GC_CERT_ADMIN, .method = "PUT", .target = "/admin", .expect = E_ST(405)},
    {.id = "route.method.delete-admin", .title = "DELETE /admin as admin", .refs = R_METHOD,
     .cert = GC_CERT_ADMIN, .method = "DELETE", .target = "/admin", .expect = E_ST(405)},
    {.id = "route.method.options-admin", .title = "OPTIONS /admin as admin", .refs = R_METHOD,
     .cert = GC_CERT_ADMIN, .method = "OPTIONS", .target = "/admin", .expect = E_ST(405)},
    {.id = "route.method.patch-admin", .title = "PATCH /admin as admin", .refs = R_METHOD,
     .cert = GC_CERT_ADMIN, .method = "PATCH", .target = "/admin", .expect = E_ST(405)},
    {.id = "route.method.head-public", .title = "HEAD /public (GET only)", .refs = R_METHOD,
     .method = "HEAD", .target = "/public", .expect = E_ST(405)},
    {.id = "route.method.lower-case-get", .title = "\"get /admin\" as alice: methods are case-sensitive",
     .refs = R_METHOD "; CWE-178", .cert = GC_CERT_ALICE, .method = "get", .target = "/admin",
     .expect = E_DENY},
    {.id = "route.method.override-header", .title = "POST /admin with X-HTTP-Method-Override: GET, as admin",
     .refs = R_METHOD, .cert = GC_CERT_ADMIN, .method = "POST", .target = "/admin",
     .headers = {"X-HTTP-Method-Override: GET"}, .expect = E_ST(405)},
    {.id = "route.form.absolute", .title = "absolute-form GET https://localhost/admin as alice",
     .refs = R_ROUTE "; RFC 9112 §3.2.2", .cert = GC_CERT_ALICE,
     .raw = "GET https://localhost/admin HTTP/1.1\r\nHost: localhost\r\n\r\n", .expect = E_ST(400)},
    {.id = "route.form.asterisk", .title = "asterisk-form OPTIONS * as alice",
     .refs = R_METHOD "; RFC 9112 §3.2.4", .cert = GC_CERT_ALICE,
     .raw = "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", .expect = E_DENY},
    {.id = "route.form.authority", .title = "authority-form CONNECT localhost:443 as alice",
     .refs = R_METHOD "; RFC 9112 §3.2.3", .cert = GC_CERT_ALICE,
     .raw = "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n", .expect = E_DENY},
    {.id = "route.host.missing", .title = "HTTP/1.1 request without Host", .refs = "RFC 9112 §3.2",
     .cert = GC_CERT_ALICE, .raw = "GET /public HTTP/1.1\r\n\r\n", .expect = E_ST(400)},
    {.id = "route.host.admin-vhost", .title = "/admin with Host: admin.localhost, as alice",
     .refs = R_ROUTE "; RFC 9110 §7.2", .cert = GC_CERT_ALICE,
     .raw = "GET /admin HTTP/1.1\r\nHost: admin.localhost\r\n\r\n", .expect = E_DENY},
    {.id = "route.host.http10-admin", .title = "HTTP/1.0 GET /admin without Host, as alice",
     .refs = R_ROUTE "; RFC 9112 §2.3", .cert = GC_CERT_ALICE, .raw = "GET /admin HTTP/1.0\r\n\r\n",
     .expect = E_DENY},
    {.id = "route.pipeline.token-then-none-whoami",
     .title = "pipelined /whoami with an admin token, then /whoami without: the second names nobody",
     .refs = R_PIPE, .token = TOK_RS(P_ADMIN), .target = "/whoami", .action = GC_ACT_PIPELINE,
     .second_target = "/whoami", .expect = E_AS(SUB_ADMIN, "jwt", YES), .expect_second = E_ANON},
    {.id = "route.pipeline.token-then-cert-whoami",
     .title = "alice's certificate: /whoami with an admin token, then without: the second is alice",
     .refs = R_PIPE, .cert = GC_CERT_ALICE, .token = TOK_RS(P_ADMIN), .target = "/whoami",
     .action = GC_ACT_PIPELINE, .second_target = "/whoami", .expect = E_AS(SUB_ADMIN, "jwt", YES),
     .expect_second = E_AS(ID_ALICE, "cert", NO)},
    {.id = "route.pipeline.admin-token-then-admin",
     .title = "pipelined /admin with an admin token, then /admin without any credential",
     .refs = R_PIPE, .token = TOK_RS(P_ADMIN), .target = "/admin", .action = GC_ACT_PIPELINE,
     .second_target = "/admin", .expect = E_AS(SUB_ADMIN, "jwt", YES), .expect_second = E_ST(401)},
    {.id = "route.pipeline.admin-token-then-alice-admin",
     .title = "alice's certificate: /admin with an admin token, then /admin without it",
     .refs = R_PIPE, .cert = GC_CERT_ALICE, .token = TOK_RS(P_ADMIN), .target = "/admin",
     .action = GC_ACT_PIPELINE, .second_target = "/admin", .expect = E_AS(SUB_ADMIN, "jwt", YES),
     .expect_second = E_ST(403)},
};

/* --- ssrf ---------------------------------------------------------------------- */

static const struct gc_case SSRF_CASES[] = {
    {.id = "ssrf.jwt.jku", .title = "jku = canary URL, attacker-signed: never fetched", .refs = R_SSRF "; RFC 7515 §4.1.2",
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"jku\":\"${SSRF_URL}\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "ssrf.jwt.jku-no-kid", .title = "jku = canary URL and no kid, attacker-signed", .refs = R_SSRF "; RFC 7515 §4.1.2",
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"jku\":\"${SSRF_URL}/jwks.json\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "ssrf.jwt.x5u", .title = "x5u = canary URL, attacker-signed: never fetched", .refs = R_SSRF "; RFC 7515 §4.1.5",
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"x5u\":\"${SSRF_URL}/cert.pem\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "ssrf.jwt.x5u-ec", .title = "ES256 with x5u = canary URL, attacker-signed", .refs = R_SSRF "; RFC 7515 §4.1.5",
     .token = TOK_ATT("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"ec-1\",\"x5u\":\"${SSRF_URL}\"}", P_ADMIN, "ES256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "ssrf.jwt.kid-url", .title = "kid = canary URL, attacker-signed", .refs = R_SSRF "; RFC 7515 §4.1.4",
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"${SSRF_URL}\"}", P_ADMIN, "RS256"),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "ssrf.jwt.kid-url-hmac", .title = "HS256 with kid = canary URL, keyed with the empty string",
     .refs = R_SSRF "; RFC 7515 §4.1.4",
     .token = TOK("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"${SSRF_URL}\"}", P_ADMIN, "HS256", GC_KEY_EMPTY_HMAC, 0),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "ssrf.jwt.iss-url", .title = "iss = canary URL (OIDC discovery bait), signed by rsa-1",
     .refs = R_SSRF "; RFC 7519 §4.1.1", .token = TOK_RS(P_ADMIN_ISS("\"iss\":\"${SSRF_URL}\",")),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "ssrf.jwt.jku-whoami-with-cert", .title = "alice's certificate plus a jku token: no fetch, nobody",
     .refs = R_SSRF "; " R_PREC, .cert = GC_CERT_ALICE,
     .token = TOK_ATT("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"jku\":\"${SSRF_URL}\"}", P_USER, "RS256"),
     .target = "/whoami", .expect = E_ANON},
};

/* --- leak ---------------------------------------------------------------------- */

static const struct gc_case LEAK_CASES[] = {
    {.id = "leak.log.valid-token", .title = "valid HS256 admin token: its signature must not reach the log",
     .refs = R_LEAK, .token = TOK_OK(H_HS, P_ADMIN, "HS256"), .target = "/admin",
     .expect = E_AS(SUB_ADMIN, "jwt", YES)},
    {.id = "leak.log.valid-token-denied", .title = "valid RS256 user token denied on /admin: not logged",
     .refs = R_LEAK, .token = TOK_RS(P_USER), .target = "/admin", .expect = E_ST(403)},
    {.id = "leak.log.bad-token", .title = "RS256 token with a flipped signature bit: not logged",
     .refs = R_LEAK, .token = TOK(H_RS, P_ADMIN, "RS256", GC_KEY_FIXTURE, GC_TOKMUT_FLIP_SIG_BIT),
     .target = "/admin", .expect = E_ST(401)},
    {.id = "leak.log.alg-none-token", .title = "alg none token: not logged", .refs = R_LEAK,
     .token = TOK(H("none", "hs-1"), P_ADMIN, "none", GC_KEY_NONE, 0), .target = "/admin",
     .expect = E_ST(401)},
    {.id = "leak.log.secret-header", .title = "the HMAC secret (hex) in an X-Api-Key header: not logged",
     .refs = R_LEAK, .target = "/public", .headers = {"X-Api-Key: ${HMAC_SECRET_HEX}"},
     .expect = E_ALLOW},
};

/* --- hardening ------------------------------------------------------------------ */

#define POSTURE(id_, title_, refs_, check_)                                               \
    {.id = id_, .title = title_, .refs = refs_, .action = GC_ACT_POSTURE,                   \
     .expect = {.kind = GC_EXPECT_POSTURE_OK}, .posture = check_}

static const struct gc_case HARDENING_CASES[] = {
    POSTURE("hardening.posture.not-root", "the target does not run as root (uid, euid)",
            R_HARD, GC_POSTURE_NOT_ROOT),
    POSTURE("hardening.posture.no-capabilities", "no effective or permitted capabilities",
            R_HARD "; capabilities(7)", GC_POSTURE_NO_CAPABILITIES),
    POSTURE("hardening.posture.no-new-privs", "NoNewPrivs is set", R_HARD "; prctl(2) PR_SET_NO_NEW_PRIVS",
            GC_POSTURE_NO_NEW_PRIVS),
    POSTURE("hardening.posture.seccomp-filter", "a seccomp filter of the target's own is loaded",
            R_HARD "; seccomp(2)", GC_POSTURE_SECCOMP_FILTER),
    POSTURE("hardening.posture.no-reach-outside", "the target cannot read outside the fixture dir",
            R_HARD "; CWE-22; landlock(7)", GC_POSTURE_NO_REACH_OUTSIDE),
};

/* --- robust -------------------------------------------------------------------- */

static const struct gc_case ROBUST_CASES[] = {
    {.id = "robust.slow.headers", .title = "header section dribbled one byte per 100 ms past the header timeout",
     .refs = R_DOS "; CVE-2007-6750", .target = "/public", .action = GC_ACT_SLOW_HEADERS,
     .expect = E_DENY},
    {.id = "robust.slow.partial-close", .title = "half a request, then close: the target lives on",
     .refs = R_DOS, .target = "/public", .action = GC_ACT_PARTIAL_CLOSE, .expect = E_DENY},
    {.id = "robust.flood.idle-connections", .title = "many idle TLS connections, then /public still answers",
     .refs = R_DOS, .target = "/public", .action = GC_ACT_CONN_FLOOD, .expect = E_ALLOW},
    {.id = "robust.tls.garbage-client-hello", .title = "garbage instead of a ClientHello, then /public still answers",
     .refs = "CWE-20; RFC 8446 §5.1", .target = "/public", .action = GC_ACT_BAD_TLS, .expect = E_ALLOW},
    {.id = "robust.http.obs-fold", .title = "obsolete line folding in a header", .refs = "CWE-444; RFC 9112 §5.2",
     .raw = "GET /public HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n b\r\n\r\n", .expect = E_ST(400)},
    {.id = "robust.http.cl-te", .title = "Content-Length and Transfer-Encoding together", .refs = R_SMUGGLE,
     .raw = "GET /public HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
            "0\r\n\r\n",
     .expect = E_ST(400)},
    {.id = "robust.http.two-content-lengths", .title = "two different Content-Length fields", .refs = R_SMUGGLE,
     .raw = "GET /public HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
     .expect = E_ST(400)},
    {.id = "robust.http.duplicate-host", .title = "two Host fields", .refs = "CWE-444; RFC 9112 §3.2",
     .raw = "GET /public HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n", .expect = E_ST(400)},
    {.id = "robust.http.space-before-colon", .title = "whitespace between a field name and its colon",
     .refs = "CWE-444; RFC 9112 §5.1",
     .raw = "GET /public HTTP/1.1\r\nHost: localhost\r\nX-Gap : 1\r\n\r\n", .expect = E_ST(400)},
    {.id = "robust.http.http09", .title = "HTTP/0.9 simple request for /admin", .refs = "RFC 9112 §2.3",
     .raw = "GET /admin\r\n\r\n", .expect = E_DENY},
    {.id = "robust.http.bad-version", .title = "HTTP/1.7 request for /admin", .refs = "RFC 9112 §2.3",
     .raw = "GET /admin HTTP/1.7\r\nHost: localhost\r\n\r\n", .expect = E_DENY},
    {.id = "robust.http.h2-preface", .title = "HTTP/2 connection preface over HTTP/1.1 TLS", .refs = "RFC 9113 §3.4",
     .raw = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", .expect = E_DENY},
};

/* --- gc_family_name, gc_cert_truth --------------------------------------------- */

static const char *const FAMILY_NAMES[GC_FAM_COUNT] = {
    [GC_FAM_CERT] = "cert",   [GC_FAM_JWT] = "jwt",     [GC_FAM_FWD] = "fwd",
    [GC_FAM_PATH] = "path",   [GC_FAM_RUN] = "run",     [GC_FAM_ROUTE] = "route",
    [GC_FAM_SSRF] = "ssrf",   [GC_FAM_LEAK] = "leak",   [GC_FAM_HARDENING] = "hardening",
    [GC_FAM_ROBUST] = "robust",
};

const char *gc_family_name(enum gc_family f)
{
    if ((unsigned)f >= GC_FAM_COUNT)
        return "?";
    return FAMILY_NAMES[f];
}

#define GC_CERT_NAME_MAX 40
static const char *const CERT_ENUM_NAMES[GC_CERT_COUNT] = {
#define GC_CERT_STR(name, valid, id, admin) #name,
    GC_CERT_LIST(GC_CERT_STR)
#undef GC_CERT_STR
};
static char g_cert_names[GC_CERT_COUNT][GC_CERT_NAME_MAX];
static struct gc_cert_truth g_cert_truth[GC_CERT_COUNT] = {
#define GC_CERT_TRUTH(name, valid, id, admin) {NULL, valid, id, admin},
    GC_CERT_LIST(GC_CERT_TRUTH)
#undef GC_CERT_TRUTH
};

/* --- assembly ------------------------------------------------------------------- */

static struct gc_case g_cases[GC_CATALOGUE_MAX];
static size_t g_n;
static char g_arena[GC_CATALOGUE_ARENA];
static size_t g_arena_used;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* The catalogue is fixed at compile time: running out of room is a bug in this
 * file, caught by the first unit test run, not a runtime condition. */
static void die(const char *what)
{
    fprintf(stderr, "gatecrash: catalogue: %s\n", what);
    abort();
}

static char *arena_alloc(size_t n)
{
    if (n > sizeof(g_arena) - g_arena_used)
        die("arena exhausted (raise GC_CATALOGUE_ARENA)");
    char *p = g_arena + g_arena_used;
    g_arena_used += n;
    return p;
}

static const char *arena_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *arena_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("format error");
    char *p = arena_alloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* prefix, then `unit` repeated `times`, then suffix; NUL-terminated. */
static const char *arena_repeat(const char *prefix, const char *unit, size_t times,
                                const char *suffix, size_t *len_out)
{
    size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(suffix);
    size_t len = lp + lu * times + ls;
    char *p = arena_alloc(len + 1);
    memcpy(p, prefix, lp);
    for (size_t i = 0; i < times; i++)
        memcpy(p + lp + i * lu, unit, lu);
    memcpy(p + lp + lu * times, suffix, ls);
    p[len] = '\0';
    if (len_out)
        *len_out = len;
    return p;
}

static enum gc_family family_of(const char *id)
{
    const char *dot = strchr(id, '.');
    size_t n = dot ? (size_t)(dot - id) : strlen(id);
    for (int f = 0; f < GC_FAM_COUNT; f++) {
        if (strlen(FAMILY_NAMES[f]) == n && memcmp(FAMILY_NAMES[f], id, n) == 0)
            return (enum gc_family)f;
    }
    die("case id does not start with a family name");
    return GC_FAM_COUNT;
}

static int starts_with(const char *s, const char *prefix)
{
    return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The contract parts a case exercises, derived from what it sends. */
static unsigned parts_of(const struct gc_case *c)
{
    unsigned p = 0;
    if (c->cert != GC_CERT_NONE)
        p |= GC_PART_CERT;
    if (c->token.header != NULL)
        p |= GC_PART_JWT;
    if (c->family == GC_FAM_FWD && c->cert == GC_CERT_PROXY)
        p |= GC_PART_FORWARDED;
    if (starts_with(c->target, "/files"))
        p |= GC_PART_FILES;
    if (c->run_arg != NULL || starts_with(c->target, "/run"))
        p |= GC_PART_RUN;
    if (starts_with(c->target, "/internal"))
        p |= GC_PART_INTERNAL;
    return p;
}

/* Append one case: family from its id, explicit lengths, contract parts. */
static void add(const struct gc_case *src)
{
    if (g_n >= GC_CATALOGUE_MAX)
        die("too many cases (raise GC_CATALOGUE_MAX)");
    struct gc_case *c = &g_cases[g_n++];
    *c = *src;
    c->family = family_of(c->id);
    if (c->raw != NULL && c->raw_len == 0)
        c->raw_len = strlen(c->raw);
    if (c->run_arg != NULL && c->run_arg_len == 0)
        c->run_arg_len = strlen(c->run_arg);
    c->contract_part = parts_of(c);
}

static void add_table(const struct gc_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add(&t[i]);
}
#define ADD_TABLE(t) add_table((t), sizeof(t) / sizeof((t)[0]))

/* cert: the valid kinds on /whoami, /user and /admin; the invalid ones on /user
 * and /admin (a target may refuse them at the handshake or treat the request
 * as anonymous; either is a deny there); no certificate on all four routes. */
static void gen_cert(void)
{
    static const struct gc_case none_cases[] = {
        {.id = "cert.none.absent-whoami", .title = "no client certificate: /whoami names nobody",
         .refs = "target contract: /whoami", .target = "/whoami", .expect = E_ANON},
        {.id = "cert.none.absent-public", .title = "no client certificate: /public is for anyone",
         .refs = "target contract: /public", .target = "/public", .expect = E_ALLOW},
        {.id = "cert.none.absent-user", .title = "no client certificate: /user",
         .refs = "CWE-306; target contract: /user", .target = "/user", .expect = E_ST(401)},
        {.id = "cert.none.absent-admin", .title = "no client certificate: /admin",
         .refs = "CWE-306; target contract: /admin", .target = "/admin", .expect = E_ST(401)},
    };
    ADD_TABLE(none_cases);
    for (size_t i = 0; i < N_CERT_ROWS; i++) {
        const struct cert_row *r = &CERT_ROWS[i];
        const struct gc_cert_truth *t = &g_cert_truth[r->kind]; /* inside pthread_once */
        struct gc_case c = {.cert = r->kind, .refs = r->refs};
        if (t->valid) {
            enum gc_admin_truth adm = t->admin ? GC_ADMIN_YES : GC_ADMIN_NO;
            c.id = arena_printf("cert.%s.%s-whoami", r->group, t->name);
            c.title = arena_printf("%s: /whoami names its URI SAN", r->what);
            c.target = "/whoami";
            c.expect = (struct gc_expect)E_AS(t->identity, "cert", adm);
            add(&c);
            c.id = arena_printf("cert.%s.%s-user", r->group, t->name);
            c.title = arena_printf("%s: /user", r->what);
            c.target = "/user";
            c.expect = (struct gc_expect)E_AS(t->identity, "cert", adm);
            add(&c);
            c.id = arena_printf("cert.%s.%s-admin", r->group, t->name);
            c.title = arena_printf("%s: /admin", r->what);
            c.target = "/admin";
            if (t->admin)
                c.expect = (struct gc_expect)E_AS(t->identity, "cert", GC_ADMIN_YES);
            else
                c.expect = (struct gc_expect)E_ST(403);
            add(&c);
            continue;
        }
        c.id = arena_printf("cert.%s.%s-user", r->group, t->name);
        c.title = arena_printf("%s: /user", r->what);
        c.target = "/user";
        c.expect = (struct gc_expect)E_DENY;
        add(&c);
        c.id = arena_printf("cert.%s.%s-admin", r->group, t->name);
        c.title = arena_printf("%s: /admin", r->what);
        c.target = "/admin";
        add(&c);
    }
}

/* path: long inputs. */
static void gen_path(void)
{
    struct gc_case c = {.cert = GC_CERT_ALICE, .expect = E_DENY};
    c.id = "path.long.deep-dotdot";
    c.title = "\"../\" repeated 1400 times then etc/passwd (4 KiB of climbing)";
    c.refs = R_DOTDOT "; CWE-400";
    c.target = arena_repeat("/files/", "../", GC_LONG_PATH_DOTDOTS, "etc/passwd", NULL);
    add(&c);
    c.id = "path.long.name-past-name-max";
    c.title = "one 300-byte file name (past NAME_MAX 255)";
    c.refs = "CWE-20; POSIX NAME_MAX";
    c.target = arena_repeat("/files/", "n", GC_LONG_PATH_NAME, "", NULL);
    add(&c);
    c.id = "path.long.deep-nonexistent";
    c.title = "2000 nested directories that do not exist";
    c.refs = "CWE-400; CWE-20";
    c.target = arena_repeat("/files/", "x/", GC_LONG_PATH_DIRS, "hello.txt", NULL);
    add(&c);
}

/* run: the argument length limit, exactly and one past it. */
static void gen_run(void)
{
    struct gc_case c = {.cert = GC_CERT_ALICE, .refs = R_RUN "; CWE-770"};
    c.id = "run.limit.max-length";
    c.title = "argument of exactly 4096 bytes (the limit): passed unchanged";
    c.run_arg = arena_repeat("", "a", GC_RUN_MAX_ARG, "", &c.run_arg_len);
    c.expect = (struct gc_expect)E_ALLOW;
    add(&c);
    c.id = "run.limit.max-length-plus-one";
    c.title = "argument of 4097 bytes (one past the limit)";
    c.run_arg = arena_repeat("", "a", GC_RUN_MAX_ARG + 1, "", &c.run_arg_len);
    c.expect = (struct gc_expect)E_ST(400);
    add(&c);
}

/* robust: oversized request line and header section. */
static void gen_robust(void)
{
    struct gc_case c = {.refs = R_DOS "; RFC 6585 §5"};
    c.id = "robust.limit.oversized-header";
    c.title = "one 32 KiB header field";
    c.raw = arena_repeat("GET /public HTTP/1.1\r\nHost: localhost\r\nX-Big: ", "A",
                         GC_LONG_HEADER_BYTES, "\r\n\r\n", &c.raw_len);
    c.expect = (struct gc_expect)E_ST(431);
    add(&c);
    c.id = "robust.limit.too-many-headers";
    c.title = "200 header fields";
    c.raw = arena_repeat("GET /public HTTP/1.1\r\nHost: localhost\r\n", "X-Many: 1\r\n",
                         GC_MANY_HEADERS, "\r\n", &c.raw_len);
    add(&c);
    c.id = "robust.limit.request-line-too-long";
    c.title = "a 16 KiB request line";
    c.refs = R_DOS "; RFC 9110 §15.5.15; RFC 9112 §3";
    c.raw = arena_repeat("GET /public?", "q", GC_LONG_LINE_BYTES,
                         " HTTP/1.1\r\nHost: localhost\r\n\r\n", &c.raw_len);
    c.expect = (struct gc_expect)E_ST(414);
    add(&c);
}

static void build_once(void)
{
    for (int k = 0; k < GC_CERT_COUNT; k++) {
        const char *e = CERT_ENUM_NAMES[k];
        size_t n = strlen(e);
        if (n >= GC_CERT_NAME_MAX)
            die("certificate kind name too long");
        for (size_t i = 0; i < n; i++) {
            char ch = e[i];
            g_cert_names[k][i] = ch == '_' ? '-' : (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
        }
        g_cert_names[k][n] = '\0';
        g_cert_truth[k].name = g_cert_names[k];
    }

    gen_cert();
    ADD_TABLE(JWT_CASES);
    ADD_TABLE(FWD_CASES);
    ADD_TABLE(PATH_CASES);
    gen_path();
    ADD_TABLE(RUN_CASES);
    gen_run();
    ADD_TABLE(ROUTE_CASES);
    ADD_TABLE(SSRF_CASES);
    ADD_TABLE(LEAK_CASES);
    ADD_TABLE(HARDENING_CASES);
    ADD_TABLE(ROBUST_CASES);
    gen_robust();
}

const struct gc_cert_truth *gc_cert_truth(enum gc_cert_kind k)
{
    (void)pthread_once(&g_once, build_once);
    if ((unsigned)k >= GC_CERT_COUNT)
        return NULL;
    return &g_cert_truth[k];
}

const struct gc_case *gc_catalogue(size_t *n)
{
    (void)pthread_once(&g_once, build_once);
    *n = g_n;
    return g_cases;
}
