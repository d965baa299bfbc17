/* test_oracles.c: the nine property oracles (harness/oracle_*.c), gc_judge_all
 * and gc_posture_read.
 *
 * One table: every oracle has rows where it must fire and rows where it must
 * stay quiet, with the exact signature expected and a phrase the evidence
 * must hold. Every row is also checked for what must hold of any verdict:
 * evidence and signature are printable one-liners, the signature holds no
 * port, pid or temp dir, the evidence never holds a secret, and judging the
 * same inputs twice gives the same verdict. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"
#include "oracle_internal.h"

/* --- the judge context every row starts from ---------------------------------- */

#define HELPER "/opt/gc/bin/gk-echo"
#define HELPER_HEX "2f6f70742f67632f62696e2f676b2d6563686f"
#define TARGET_BIN "/opt/gc/bin/gatekeeper"
#define FXROOT "/tmp/gcfx-Ab12"
#define FX FXROOT "/target"
#define CANARY0 "GCCANARY-0123456789abcdef0123456789abcdef"
#define CANARY1 "GCCANARY-fedcba9876543210fedcba9876543210"
#define PORT "41234"
#define CANARY_ADDR "127.0.0.1:" PORT
#define PID 31337
#define SECRET_SIG "sIgNaTuRe_AbC123-xyzQ"
#define SECRET_HEX "00112233445566778899aabbccddeeff"
#define SECRET_HEX_HEX "3030313132323333343435353636373738383939616162626363646465656666"

#define ID_ALICE "spiffe://gatecrash.test/user/alice"
#define ID_BOB "spiffe://gatecrash.test/user/bob"
#define ID_ADMIN "spiffe://gatecrash.test/admin"
#define JWT_SUB "jwt-user-7"

static const struct gc_canary CANARIES[] = {
    {CANARY0, FX "/canary.txt"},
    {CANARY1, FXROOT "/outside-canary.txt"},
};
/* The empty third secret must never match anything. */
static const char *const SECRETS[] = {SECRET_SIG, SECRET_HEX, ""};
static const char *const LABELS[] = {"token signature", "hs-1 key hex", "empty"};

/* --- cases, built by hand ------------------------------------------------------ */

#define RS256_TOKEN                                                                                \
    {                                                                                              \
        .header = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", .payload = "{}", .sign_alg = "RS256",   \
        .key = GC_KEY_FIXTURE                                                                      \
    }

static const struct gc_case C_ROGUE_ADMIN = {.id = "cert.chain.rogue-ca",
                                             .family = GC_FAM_CERT,
                                             .cert = GC_CERT_ROGUE_CA_ADMIN,
                                             .target = "/admin",
                                             .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_ADMIN_OK = {
    .id = "cert.ok.admin",
    .family = GC_FAM_CERT,
    .cert = GC_CERT_ADMIN,
    .target = "/admin",
    .expect = {
        .kind = GC_EXPECT_ALLOW, .identity = ID_ADMIN, .source = "cert", .admin = GC_ADMIN_YES}};
static const struct gc_case C_ADMIN_SLASH = {.id = "route.admin-trailing-slash",
                                             .family = GC_FAM_ROUTE,
                                             .cert = GC_CERT_ADMIN,
                                             .target = "/admin/",
                                             .expect = {.kind = GC_EXPECT_STATUS, .status = 404}};
static const struct gc_case C_ADMIN_AS_ALICE = {
    .id = "t.admin-allowed-for-alice",
    .family = GC_FAM_ROUTE,
    .cert = GC_CERT_ALICE,
    .target = "/admin",
    .expect = {.kind = GC_EXPECT_ALLOW, .identity = ID_ALICE, .admin = GC_ADMIN_NO}};
static const struct gc_case C_ADMIN_UNSTATED = {
    .id = "t.admin-allowed-unstated",
    .family = GC_FAM_ROUTE,
    .cert = GC_CERT_ADMIN,
    .target = "/admin",
    .expect = {.kind = GC_EXPECT_ALLOW, .identity = ID_ADMIN}};
static const struct gc_case C_RAW_ADMIN = {.id = "route.raw-admin",
                                           .family = GC_FAM_ROUTE,
                                           .raw =
                                               "GET /admin?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                           .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_ABS_ADMIN = {.id = "route.absolute-form",
                                           .family = GC_FAM_ROUTE,
                                           .cert = GC_CERT_ALICE,
                                           .target = "https://localhost:8443/admin",
                                           .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_PIPE_ADMIN = {.id = "route.pipeline.admin-token-then-none",
                                            .family = GC_FAM_ROUTE,
                                            .cert = GC_CERT_ALICE,
                                            .token = RS256_TOKEN,
                                            .target = "/admin",
                                            .action = GC_ACT_PIPELINE,
                                            .second_target = "/admin",
                                            .expect = {.kind = GC_EXPECT_ALLOW,
                                                       .identity = JWT_SUB,
                                                       .source = "jwt",
                                                       .admin = GC_ADMIN_YES},
                                            .expect_second = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_PIPE_WHOAMI = {
    .id = "route.pipeline.whoami",
    .family = GC_FAM_ROUTE,
    .cert = GC_CERT_ALICE,
    .token = RS256_TOKEN,
    .target = "/whoami",
    .action = GC_ACT_PIPELINE,
    .second_target = "/whoami",
    .expect = {.kind = GC_EXPECT_ALLOW, .identity = JWT_SUB, .source = "jwt"},
    .expect_second = {.kind = GC_EXPECT_ALLOW, .identity = ID_ALICE, .source = "cert"}};
static const struct gc_case C_USER_ALICE = {
    .id = "cert.ok.alice-user",
    .family = GC_FAM_CERT,
    .cert = GC_CERT_ALICE,
    .target = "/user",
    .expect = {
        .kind = GC_EXPECT_ALLOW, .identity = ID_ALICE, .source = "cert", .admin = GC_ADMIN_NO}};
static const struct gc_case C_WHOAMI_ALICE = {.id = "cert.ok.alice-whoami",
                                              .family = GC_FAM_CERT,
                                              .cert = GC_CERT_ALICE,
                                              .target = "/whoami",
                                              .expect = {.kind = GC_EXPECT_ALLOW,
                                                         .identity = ID_ALICE,
                                                         .source = "cert",
                                                         .client_addr = "127.0.0.1"}};
static const struct gc_case C_WHOAMI_ROGUE = {
    .id = "cert.chain.rogue-ca-whoami",
    .family = GC_FAM_CERT,
    .cert = GC_CERT_ROGUE_CA_ADMIN,
    .target = "/whoami",
    .expect = {.kind = GC_EXPECT_ALLOW, .identity = NULL, .source = "none"}};
static const struct gc_case C_FILES_DOTDOT = {.id = "path.dotdot.encoded",
                                              .family = GC_FAM_PATH,
                                              .cert = GC_CERT_ALICE,
                                              .target = "/files/%2e%2e/canary.txt",
                                              .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_FILES_ETC = {.id = "path.dotdot.etc-passwd",
                                           .family = GC_FAM_PATH,
                                           .cert = GC_CERT_ALICE,
                                           .target = "/files/..%2f..%2fetc/passwd",
                                           .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_FILES_HELLO = {
    .id = "path.ok.hello",
    .family = GC_FAM_PATH,
    .cert = GC_CERT_ALICE,
    .target = "/files/hello.txt",
    .expect = {.kind = GC_EXPECT_ALLOW, .identity = ID_ALICE}};
static const struct gc_case C_FILES_REFLECT = {.id = "path.reflect.canary",
                                               .family = GC_FAM_PATH,
                                               .cert = GC_CERT_ALICE,
                                               .target = "/files/" CANARY0,
                                               .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_RUN_SEMI = {
    .id = "run.shell.semicolon",
    .family = GC_FAM_RUN,
    .cert = GC_CERT_ALICE,
    .run_arg = "a;id",
    .expect = {.kind = GC_EXPECT_ALLOW, .identity = ID_ALICE}};
static const struct gc_case C_RUN_PASSWD = {.id = "run.text.passwd-line",
                                            .family = GC_FAM_RUN,
                                            .cert = GC_CERT_ALICE,
                                            .run_arg = "root:x:0:0:root:/root:/bin/bash",
                                            .expect = {.kind = GC_EXPECT_ALLOW}};
static const struct gc_case C_RUN_DASH = {.id = "run.option.leading-dash",
                                          .family = GC_FAM_RUN,
                                          .cert = GC_CERT_ALICE,
                                          .run_arg = "--help",
                                          .expect = {.kind = GC_EXPECT_ALLOW}};
static const struct gc_case C_RUN_BYTES = {.id = "run.bytes.ctl-and-high",
                                           .family = GC_FAM_RUN,
                                           .cert = GC_CERT_ALICE,
                                           .run_arg = "a\x01"
                                                      "b\xff",
                                           .run_arg_len = 4,
                                           .expect = {.kind = GC_EXPECT_ALLOW}};
static const struct gc_case C_RUN_SECRET = {.id = "leak.run-echo-secret",
                                            .family = GC_FAM_LEAK,
                                            .cert = GC_CERT_ALICE,
                                            .run_arg = SECRET_HEX,
                                            .expect = {.kind = GC_EXPECT_ALLOW}};
static const struct gc_case C_RUN_NUL = {.id = "run.nul.refused",
                                         .family = GC_FAM_RUN,
                                         .cert = GC_CERT_ALICE,
                                         .target = "/run?arg=a%00id",
                                         .expect = {.kind = GC_EXPECT_STATUS, .status = 400}};
static const struct gc_case C_ROUTE_RUN = {.id = "route.run-double-slash",
                                           .family = GC_FAM_ROUTE,
                                           .cert = GC_CERT_ALICE,
                                           .target = "/run?arg=x",
                                           .expect = {.kind = GC_EXPECT_ALLOW}};
static const struct gc_case C_PUBLIC = {.id = "robust.public",
                                        .family = GC_FAM_ROBUST,
                                        .target = "/public",
                                        .expect = {.kind = GC_EXPECT_ALLOW}};
static const struct gc_case C_SLOW = {.id = "robust.slow-headers",
                                      .family = GC_FAM_ROBUST,
                                      .target = "/public",
                                      .action = GC_ACT_SLOW_HEADERS,
                                      .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_PARTIAL = {.id = "robust.partial-close",
                                         .family = GC_FAM_ROBUST,
                                         .target = "/public",
                                         .action = GC_ACT_PARTIAL_CLOSE,
                                         .expect = {.kind = GC_EXPECT_DENY}};
static const struct gc_case C_FLOOD = {.id = "robust.conn-flood",
                                       .family = GC_FAM_ROBUST,
                                       .target = "/public",
                                       .action = GC_ACT_CONN_FLOOD,
                                       .expect = {.kind = GC_EXPECT_ALLOW}};
static const struct gc_case C_JKU = {.id = "jwt.jku.canary",
                                     .family = GC_FAM_JWT,
                                     .token = RS256_TOKEN,
                                     .target = "/user",
                                     .expect = {.kind = GC_EXPECT_DENY}};
#define POSTURE_CASE(name, check)                                                                  \
    {                                                                                              \
        .id = "hardening." name, .family = GC_FAM_HARDENING, .action = GC_ACT_POSTURE,             \
        .posture = check                                                                           \
    }
static const struct gc_case C_P_ROOT = POSTURE_CASE("not-root", GC_POSTURE_NOT_ROOT);
static const struct gc_case C_P_ROOT_BY_ID = POSTURE_CASE("not-root", GC_POSTURE_NONE);
static const struct gc_case C_P_UNKNOWN_ID = POSTURE_CASE("no-such-check", GC_POSTURE_NONE);
static const struct gc_case C_P_CAPS = POSTURE_CASE("x", GC_POSTURE_NO_CAPABILITIES);
static const struct gc_case C_P_NNP = POSTURE_CASE("x", GC_POSTURE_NO_NEW_PRIVS);
static const struct gc_case C_P_SECCOMP = POSTURE_CASE("x", GC_POSTURE_SECCOMP_FILTER);
static const struct gc_case C_P_OUTSIDE = POSTURE_CASE("x", GC_POSTURE_NO_REACH_OUTSIDE);

/* --- postures ------------------------------------------------------------------- */

/* uid euid CapEff CapPrm NoNewPrivs Seccomp filters launcher's nnp-by-launcher
 * landlock root-is-host outside-read */
#define POSTURE(u, eu, eff, prm, nnp, mode, filt, lf, nnpl, ll, root, out)                         \
    {                                                                                              \
        .known = 1, .uid = u, .euid = eu, .cap_eff = eff, .cap_prm = prm,                          \
        .cap_bnd = 0x1ffffffffffULL, .no_new_privs = nnp, .seccomp_mode = mode,                    \
        .seccomp_filters = filt, .launcher_filters = lf, .nnp_by_launcher = nnpl,                  \
        .landlock_known = ll, .root_is_host = root, .outside_read_ok = out                         \
    }
#define NOBODY 65534
static const struct gc_posture P_GOOD = POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 2, 1, 0, 1, 1, -1);
static const struct gc_posture P_ROOT = POSTURE(0, 0, 0, 0, 1, 2, 2, 1, 0, 1, 1, -1);
static const struct gc_posture P_EUID0 = POSTURE(NOBODY, 0, 0, 0, 1, 2, 2, 1, 0, 1, 1, -1);
static const struct gc_posture P_CAPEFF =
    POSTURE(NOBODY, NOBODY, 0x400, 0x400, 1, 2, 2, 1, 0, 1, 1, -1);
static const struct gc_posture P_CAPPRM = POSTURE(NOBODY, NOBODY, 0, 0x2, 1, 2, 2, 1, 0, 1, 1, -1);
static const struct gc_posture P_NO_NNP = POSTURE(NOBODY, NOBODY, 0, 0, 0, 2, 2, 1, 0, 1, 1, -1);
static const struct gc_posture P_NNP_LAUNCHER =
    POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 2, 1, 1, 1, 1, -1);
static const struct gc_posture P_SC_LAUNCHER_ONLY =
    POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 1, 1, 0, 1, 1, -1);
static const struct gc_posture P_SC_NONE = POSTURE(NOBODY, NOBODY, 0, 0, 1, 0, 0, 0, 0, 1, 1, -1);
static const struct gc_posture P_SC_NO_COUNT =
    POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, -1, 1, 0, 1, 1, -1);
static const struct gc_posture P_OUT_READ = POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 2, 1, 0, 1, 1, 1);
static const struct gc_posture P_OUT_BLOCKED =
    POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 2, 1, 0, 0, 1, 0);
static const struct gc_posture P_UNCONFINED =
    POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 2, 1, 0, 0, 1, -1);
static const struct gc_posture P_CHROOT = POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 2, 1, 0, 0, 0, -1);
static const struct gc_posture P_CONF_UNKNOWN =
    POSTURE(NOBODY, NOBODY, 0, 0, 1, 2, 2, 1, 0, -1, 1, -1);
static const struct gc_posture P_UNKNOWN = {.known = 0};

/* --- gk-echo bodies ------------------------------------------------------------- */

#define ECHO(argv, hex) "{\"argv\":[" argv "],\"argv_hex\":[" hex "]}\n"
#define ECHO_SEMI ECHO("\"" HELPER "\",\"--\",\"a;id\"", "\"" HELPER_HEX "\",\"2d2d\",\"613b6964\"")
#define ECHO_SPLIT ECHO("\"" HELPER "\",\"--\",\"a\"", "\"" HELPER_HEX "\",\"2d2d\",\"61\"")
#define ECHO_PASSWD                                                                                \
    ECHO("\"" HELPER "\",\"--\",\"root:x:0:0:root:/root:/bin/bash\"",                              \
         "\"" HELPER_HEX "\",\"2d2d\",\"726f6f743a783a303a303a726f6f743a2f726f6f743a"              \
         "2f62696e2f62617368\"")
#define ECHO_DASH_DROPPED ECHO("\"" HELPER "\",\"--help\"", "\"" HELPER_HEX "\",\"2d2d68656c70\"")
#define ECHO_BYTES_OK                                                                              \
    ECHO("\"" HELPER "\",\"--\",\"a\\u0001b\\u00ff\"", "\"" HELPER_HEX "\",\"2d2d\",\"610162ff\"")
#define ECHO_BYTES_LOSSY                                                                           \
    ECHO("\"" HELPER "\",\"--\",\"a\"", "\"" HELPER_HEX "\",\"2d2d\",\"610162\"")
#define ECHO_SECRET                                                                                \
    ECHO("\"" HELPER "\",\"--\",\"" SECRET_HEX "\"",                                               \
         "\"" HELPER_HEX "\",\"2d2d\",\"" SECRET_HEX_HEX "\"")

#define WHOAMI(id, src, addr)                                                                      \
    "{\"identity\":" id ",\"source\":\"" src "\",\"roles\":[],\"client_addr\":\"" addr "\"}"

/* --- table ---------------------------------------------------------------------- */

struct rsp {
    int status;
    const char *headers;
    const char *body;
    size_t body_len; /* 0 = strlen(body) */
};
struct obs {
    int no_connect;
    int hs_fail;
    int timed_out;
    struct rsp r[2]; /* status 0 = no such response */
};
struct extra {
    const char *log;
    unsigned hits;
    int died, wstatus, liveness, marker, target_pid, no_labels;
    const struct gc_posture *posture;
};
struct row {
    const char *name;
    enum gc_oracle oracle;
    const struct gc_case *c;
    struct obs o;
    const struct gc_event *ev;
    size_t n_ev;
    struct extra x;
    int fire;
    int inconclusive;
    const char *sig;    /* exact signature when it fires */
    const char *ev_has; /* phrase the evidence must hold */
};

#define EVENTS(...)                                                                                \
    .ev = (const struct gc_event[]){__VA_ARGS__},                                                  \
    .n_ev = sizeof((const struct gc_event[]){__VA_ARGS__}) / sizeof(struct gc_event)
#define R200(b)                                                                                    \
    {                                                                                              \
        .r = { {200, "Content-Type: text/plain\r\n", b} }                                          \
    }
#define OPEN(p)                                                                                    \
    {                                                                                              \
        .kind = GC_EV_OPEN, .pid = PID, .path = p                                                  \
    }
#define EXEC3(p, a0, a1, a2)                                                                       \
    {                                                                                              \
        .kind = GC_EV_EXEC, .pid = PID, .path = p, .argv = {a0, a1, a2}, .argc = 3                 \
    }
#define CONNECT(a)                                                                                 \
    {                                                                                              \
        .kind = GC_EV_CONNECT, .pid = PID, .addr = a                                               \
    }

static const struct row ROWS[] = {
    /* authz-bypass */
    {"authz: rogue-CA admin answered 200 fires", GC_OR_AUTHZ_BYPASS, &C_ROGUE_ADMIN, R200("ok"),
     .fire = 1, .sig = "status=200 route=/admin",
     .ev_has = "GET /admin with cert rogue-ca-admin answered 200, ground truth deny"},
    {"authz: rogue-CA admin answered 403 is quiet",
     GC_OR_AUTHZ_BYPASS,
     &C_ROGUE_ADMIN,
     {.r = {{403, "", "no"}}}},
    {"authz: failed handshake is a deny", GC_OR_AUTHZ_BYPASS, &C_ROGUE_ADMIN, {.hs_fail = 1}},
    {"authz: failed handshake with a stray 200 is still a deny",
     GC_OR_AUTHZ_BYPASS,
     &C_ROGUE_ADMIN,
     {.hs_fail = 1, .r = {{200, "", "x"}}}},
    {"authz: no response is a deny", GC_OR_AUTHZ_BYPASS, &C_ROGUE_ADMIN, {.timed_out = 1}},
    {"authz: admin cert answered 200 is quiet", GC_OR_AUTHZ_BYPASS, &C_ADMIN_OK, R200("ok")},
    {"authz: expected 404 answered 200 fires", GC_OR_AUTHZ_BYPASS, &C_ADMIN_SLASH, R200("ok"),
     .fire = 1, .sig = "status=200 route=/admin/",
     .ev_has = "answered 200, ground truth status 404"},
    {"authz: expected 404 answered 404 is quiet",
     GC_OR_AUTHZ_BYPASS,
     &C_ADMIN_SLASH,
     {.r = {{404, "", ""}}}},
    {"authz: expected 404 answered 403 is quiet (a deny)",
     GC_OR_AUTHZ_BYPASS,
     &C_ADMIN_SLASH,
     {.r = {{403, "", ""}}}},
    {"authz: 299 counts as 2xx",
     GC_OR_AUTHZ_BYPASS,
     &C_ROGUE_ADMIN,
     {.r = {{299, "", ""}}},
     .fire = 1,
     .sig = "status=299 route=/admin"},
    {"authz: 300 is not 2xx", GC_OR_AUTHZ_BYPASS, &C_ROGUE_ADMIN, {.r = {{300, "", ""}}}},
    {"authz: pipelined second request answered 200 fires",
     GC_OR_AUTHZ_BYPASS,
     &C_PIPE_ADMIN,
     {.r = {{200, "", "ok"}, {200, "", "ok"}}},
     .fire = 1,
     .sig = "req=2 status=200 route=/admin",
     .ev_has = "second request GET /admin with cert alice answered 200"},
    {"authz: pipelined second request answered 403 is quiet",
     GC_OR_AUTHZ_BYPASS,
     &C_PIPE_ADMIN,
     {.r = {{200, "", "ok"}, {403, "", ""}}}},
    {"authz: second response of a non-pipelined case is not judged",
     GC_OR_AUTHZ_BYPASS,
     &C_ADMIN_OK,
     {.r = {{200, "", ""}, {200, "", ""}}}},
    {"authz: raw request's path is taken from its request line", GC_OR_AUTHZ_BYPASS, &C_RAW_ADMIN,
     R200("ok"), .fire = 1, .sig = "status=200 route=/admin",
     .ev_has = "GET /admin?x=1 without cert answered 200"},
    {"authz: absolute-form target's path", GC_OR_AUTHZ_BYPASS, &C_ABS_ADMIN, R200("ok"), .fire = 1,
     .sig = "status=200 route=/admin"},

    /* identity-confusion */
    {"identity: /whoami names the expected identity", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200(WHOAMI("\"" ID_ALICE "\"", "cert", "127.0.0.1"))},
    {"identity: /whoami names another identity fires", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200(WHOAMI("\"" ID_BOB "\"", "cert", "127.0.0.1")), .fire = 1,
     .sig = "route=/whoami identity=" ID_BOB " want=" ID_ALICE,
     .ev_has = "target says identity " ID_BOB ", ground truth " ID_ALICE},
    {"identity: /whoami names an identity where null is due fires", GC_OR_IDENTITY_CONFUSION,
     &C_WHOAMI_ROGUE, R200(WHOAMI("\"" ID_ADMIN "\"", "cert", "127.0.0.1")), .fire = 1,
     .sig = "route=/whoami identity=" ID_ADMIN " want=null"},
    {"identity: /whoami null where null is due is quiet", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ROGUE,
     R200(WHOAMI("null", "none", "127.0.0.1"))},
    {"identity: /whoami null where alice is due fires", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200(WHOAMI("null", "none", "127.0.0.1")), .fire = 1,
     .sig = "route=/whoami identity=null want=" ID_ALICE},
    {"identity: /whoami wrong source fires", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200(WHOAMI("\"" ID_ALICE "\"", "forwarded", "127.0.0.1")), .fire = 1,
     .sig = "route=/whoami source=forwarded want=cert"},
    {"identity: /whoami wrong client_addr fires", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200(WHOAMI("\"" ID_ALICE "\"", "cert", "10.99.0.1")), .fire = 1,
     .sig = "route=/whoami client_addr=10.99.0.1 want=127.0.0.1"},
    {"identity: /whoami client_addr unchecked when not expected", GC_OR_IDENTITY_CONFUSION,
     &C_WHOAMI_ROGUE, R200(WHOAMI("null", "none", "10.99.0.1"))},
    {"identity: identity with a NUL byte differs", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200(WHOAMI("\"" ID_ALICE "\\u0000x\"", "cert", "127.0.0.1")), .fire = 1,
     .sig = "route=/whoami identity=" ID_ALICE "\\x00x want=" ID_ALICE},
    {"identity: malformed /whoami JSON fires", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200("identity=alice"), .fire = 1, .sig = "route=/whoami whoami=malformed",
     .ev_has = "malformed /whoami body: not JSON"},
    {"identity: /whoami duplicate keys are malformed", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200("{\"identity\":\"" ID_ALICE "\",\"identity\":\"" ID_ADMIN
          "\",\"source\":\"cert\",\"roles\":[],\"client_addr\":\"127.0.0.1\"}"),
     .fire = 1, .sig = "route=/whoami whoami=malformed"},
    {"identity: /whoami roles not an array is malformed", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200("{\"identity\":\"" ID_ALICE "\",\"source\":\"cert\",\"roles\":\"admin\","
          "\"client_addr\":\"127.0.0.1\"}"),
     .fire = 1, .sig = "route=/whoami whoami=malformed", .ev_has = "\"roles\""},
    {"identity: /whoami identity a number is malformed", GC_OR_IDENTITY_CONFUSION, &C_WHOAMI_ALICE,
     R200(WHOAMI("7", "cert", "127.0.0.1")), .fire = 1, .sig = "route=/whoami whoami=malformed"},
    {"identity: /whoami non-2xx is not judged",
     GC_OR_IDENTITY_CONFUSION,
     &C_WHOAMI_ALICE,
     {.r = {{500, "", "oops"}}}},
    {"identity: pipelined second /whoami keeps the token's identity fires",
     GC_OR_IDENTITY_CONFUSION,
     &C_PIPE_WHOAMI,
     {.r = {{200, "", WHOAMI("\"" JWT_SUB "\"", "jwt", "127.0.0.1")},
            {200, "", WHOAMI("\"" JWT_SUB "\"", "jwt", "127.0.0.1")}}},
     .fire = 1,
     .sig = "route=/whoami req=2 identity=" JWT_SUB " want=" ID_ALICE},
    {"identity: pipelined /whoami pair correct is quiet",
     GC_OR_IDENTITY_CONFUSION,
     &C_PIPE_WHOAMI,
     {.r = {{200, "", WHOAMI("\"" JWT_SUB "\"", "jwt", "127.0.0.1")},
            {200, "", WHOAMI("\"" ID_ALICE "\"", "cert", "127.0.0.1")}}}},
    {"identity: allowed /user whose JSON names another identity fires", GC_OR_IDENTITY_CONFUSION,
     &C_USER_ALICE, R200("{\"route\":\"/user\",\"identity\":\"" ID_BOB "\"}"), .fire = 1,
     .sig = "route=/user identity=" ID_BOB " want=" ID_ALICE},
    {"identity: allowed /user with a non-JSON body is not judged", GC_OR_IDENTITY_CONFUSION,
     &C_USER_ALICE, R200("hello alice")},
    {"identity: admin granted to a non-admin identity fires", GC_OR_IDENTITY_CONFUSION,
     &C_ADMIN_AS_ALICE, R200("ok"), .fire = 1,
     .sig = "route=/admin admin-granted identity=" ID_ALICE,
     .ev_has = "admin granted to " ID_ALICE},
    {"identity: admin with unstated admin truth is quiet", GC_OR_IDENTITY_CONFUSION,
     &C_ADMIN_UNSTATED, R200("ok")},
    {"identity: admin granted to the admin is quiet", GC_OR_IDENTITY_CONFUSION, &C_ADMIN_OK,
     R200("{\"route\":\"/admin\",\"identity\":\"" ID_ADMIN "\"}")},
    {"identity: 2xx on a deny case is left to authz-bypass", GC_OR_IDENTITY_CONFUSION,
     &C_ROGUE_ADMIN, R200("{\"route\":\"/admin\",\"identity\":\"" ID_ADMIN "\"}")},

    /* traversal */
    {"traversal: canary token in a body fires", GC_OR_TRAVERSAL, &C_FILES_DOTDOT,
     R200("secret " CANARY0 "\n"), .fire = 1,
     .sig = "canary=0 in=body route=/files/%2e%2e/canary.txt",
     .ev_has = "canary token #0 ($FX/canary.txt) in its body"},
    {"traversal: canary token in a header fires",
     GC_OR_TRAVERSAL,
     &C_FILES_DOTDOT,
     {.r = {{404, "X-Debug: " CANARY1 "\r\n", "not found"}}},
     .fire = 1,
     .sig = "canary=1 in=headers route=/files/%2e%2e/canary.txt",
     .ev_has = "($FX/../outside-canary.txt)"},
    {"traversal: canary token after NUL bytes fires",
     GC_OR_TRAVERSAL,
     &C_FILES_DOTDOT,
     {.r = {{200, "", "\0\0\x01" CANARY0, 3 + sizeof(CANARY0) - 1}}},
     .fire = 1,
     .sig = "canary=0 in=body route=/files/%2e%2e/canary.txt"},
    {"traversal: canary token the request carried is a reflection",
     GC_OR_TRAVERSAL,
     &C_FILES_REFLECT,
     {.r = {{404, "", "no such file: /" CANARY0}}}},
    {"traversal: a plain fixture file is quiet", GC_OR_TRAVERSAL, &C_FILES_HELLO,
     R200("hello from the gatecrash fixture root\n")},
    {"traversal: canary prefix without the full token is quiet", GC_OR_TRAVERSAL, &C_FILES_DOTDOT,
     R200("GCCANARY-0123456789abcdef0123456789abcde")},
    {"traversal: /etc/passwd contents fire", GC_OR_TRAVERSAL, &C_FILES_ETC,
     R200("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\n"), .fire = 1,
     .sig = "hostfile=passwd route=/files/..%2f..%2fetc/passwd", .ev_has = "passwd marker"},
    {"traversal: /etc/passwd line not at the start fires", GC_OR_TRAVERSAL, &C_FILES_ETC,
     R200("x\nroot::0:0::/root:/bin/sh\n"), .fire = 1,
     .sig = "hostfile=passwd route=/files/..%2f..%2fetc/passwd"},
    {"traversal: /etc/shadow contents fire", GC_OR_TRAVERSAL, &C_FILES_ETC,
     R200("root:$y$j9T$abc$def:19000:0:99999:7:::\n"), .fire = 1,
     .sig = "hostfile=shadow route=/files/..%2f..%2fetc/passwd"},
    {"traversal: /proc/self/environ contents fire",
     GC_OR_TRAVERSAL,
     &C_FILES_ETC,
     {.r = {{200, "", "HOME=/root\0PATH=/usr/bin:/bin\0", 30}}},
     .fire = 1,
     .sig = "hostfile=environ route=/files/..%2f..%2fetc/passwd"},
    {"traversal: text mentioning root and 0:0 is quiet", GC_OR_TRAVERSAL, &C_FILES_HELLO,
     R200("the root: of it\nratio 0:0: tie\nPATH=/usr/bin\n")},
    {"traversal: gk-echo echoing a passwd-line run_arg is quiet", GC_OR_TRAVERSAL, &C_RUN_PASSWD,
     R200(ECHO_PASSWD)},
    {"traversal: raw echo of a passwd-line run_arg is a reflection", GC_OR_TRAVERSAL, &C_RUN_PASSWD,
     R200("root:x:0:0:root:/root:/bin/bash\n")},
    {"traversal: /run answer with passwd the arg lacks fires", GC_OR_TRAVERSAL, &C_RUN_SEMI,
     R200(ECHO("\"a\"", "\"61\"") "root:x:0:0:root:/root:/bin/bash\n"), .fire = 1,
     .sig = "hostfile=passwd route=/run"},
    {"traversal: open of /etc/shadow fires",
     GC_OR_TRAVERSAL,
     &C_FILES_ETC,
     {.r = {{404}}},
     EVENTS(OPEN("/etc/shadow")),
     .fire = 1,
     .sig = "open=/etc/shadow",
     .ev_has = "opened /etc/shadow: outside the fixture dir"},
    {"traversal: open climbing out of the fixture dir fires",
     GC_OR_TRAVERSAL,
     &C_FILES_DOTDOT,
     {.r = {{404}}},
     EVENTS(OPEN(FX "/www/../../outside-canary.txt")),
     .fire = 1,
     .sig = "open=$FX/../outside-canary.txt"},
    {"traversal: open of a sibling of the fixture dir fires",
     GC_OR_TRAVERSAL,
     &C_FILES_DOTDOT,
     {.r = {{404}}},
     EVENTS(OPEN(FX "-x/canary.txt")),
     .fire = 1,
     .sig = "open=$FX/../target-x/canary.txt"},
    {"traversal: open via /proc/self/root fires",
     GC_OR_TRAVERSAL,
     &C_FILES_DOTDOT,
     {.r = {{404}}},
     EVENTS(OPEN("/proc/self/root/etc/passwd")),
     .fire = 1,
     .sig = "open=/proc/self/root/etc/passwd"},
    {"traversal: relative open that climbs fires",
     GC_OR_TRAVERSAL,
     &C_FILES_DOTDOT,
     {.r = {{404}}},
     EVENTS(OPEN("www/../../../etc/passwd")),
     .fire = 1,
     .sig = "open=../../etc/passwd"},
    {"traversal: opens inside the fixture dir and on the allowlist are quiet", GC_OR_TRAVERSAL,
     &C_FILES_HELLO, R200("hello"),
     EVENTS(OPEN(FX "/www/hello.txt"), OPEN(FX "/www/./sub//dir/nested.txt"),
            OPEN("/usr/lib/x86_64-linux-gnu/libc.so.6"), OPEN("/dev/null"),
            OPEN("/etc/ld.so.cache"), OPEN("/proc/self/status"), OPEN("www/hello.txt"),
            OPEN(HELPER))},

    /* unsafe-exec */
    {"unsafe-exec: a shell was executed fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI, R200(ECHO_SPLIT),
     EVENTS(EXEC3("/bin/sh", "sh", "-c", HELPER " -- a;id")), .fire = 1, .sig = "exec=/bin/sh",
     .ev_has = "executed /bin/sh argv [sh, -c, " HELPER " -- a;id]: not the helper"},
    {"unsafe-exec: helper with the exact argv is quiet", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO_SEMI), EVENTS(EXEC3(HELPER, HELPER, "--", "a;id"))},
    {"unsafe-exec: helper with a split argument fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO_SEMI),
     EVENTS({.kind = GC_EV_EXEC,
             .pid = PID,
             .path = HELPER,
             .argv = {HELPER, "--", "a;id", "x"},
             .argc = 4}),
     .fire = 1, .sig = "exec=$HELPER argv-mismatch at=3 argc=4"},
    {"unsafe-exec: helper without -- fires", GC_OR_UNSAFE_EXEC, &C_RUN_DASH, R200(ECHO_SEMI),
     EVENTS(
         {.kind = GC_EV_EXEC, .pid = PID, .path = HELPER, .argv = {HELPER, "--help"}, .argc = 2}),
     .fire = 1, .sig = "exec=$HELPER argv-mismatch at=1 argc=2"},
    {"unsafe-exec: helper with a changed argument fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO_SEMI), EVENTS(EXEC3(HELPER, HELPER, "--", "a")), .fire = 1,
     .sig = "exec=$HELPER argv-mismatch at=2 argc=3"},
    {"unsafe-exec: helper argv[0] other than the helper path fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO_SEMI), EVENTS(EXEC3(HELPER, "gk-echo", "--", "a;id")), .fire = 1,
     .sig = "exec=$HELPER argv-mismatch at=0 argc=3"},
    {"unsafe-exec: argument with 0x01 and 0xff byte-equal is quiet", GC_OR_UNSAFE_EXEC,
     &C_RUN_BYTES, R200(ECHO_BYTES_OK),
     EVENTS({.kind = GC_EV_EXEC,
             .pid = PID,
             .path = HELPER,
             .argv = {HELPER, "--",
                      "a\x01"
                      "b\xff"},
             .argv_len = {sizeof(HELPER) - 1, 2, 4},
             .argc = 3})},
    {"unsafe-exec: argument cut short fires", GC_OR_UNSAFE_EXEC, &C_RUN_BYTES, R200(ECHO_BYTES_OK),
     EVENTS({.kind = GC_EV_EXEC,
             .pid = PID,
             .path = HELPER,
             .argv = {HELPER, "--", "a"},
             .argv_len = {sizeof(HELPER) - 1, 2, 1},
             .argc = 3}),
     .fire = 1, .sig = "exec=$HELPER argv-mismatch at=2 argc=3"},
    {"unsafe-exec: the target's own exec is ignored", GC_OR_UNSAFE_EXEC, &C_PUBLIC,
     R200("public\n"), EVENTS(EXEC3(TARGET_BIN, TARGET_BIN, "--fixtures", FX))},
    {"unsafe-exec: the marker file appeared fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI, R200(ECHO_SEMI),
     .x = {.marker = 1}, .fire = 1, .sig = "marker-file"},
    {"unsafe-exec: gk-echo argv_hex equal is quiet", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO_SEMI)},
    {"unsafe-exec: gk-echo argv_hex mismatch fires (black box)", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO_SPLIT), .fire = 1, .sig = "run-argv mismatch at=2 argc=3",
     .ev_has = "gk-echo received argv [" HELPER ", --, a]"},
    {"unsafe-exec: gk-echo output followed by other output fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO_SPLIT "uid=1000(u) gid=1000(u)\n"), .fire = 1, .sig = "run-body=extra-output",
     .ev_has = "something else ran too"},
    {"unsafe-exec: leading-dash arg parsed as an option fires", GC_OR_UNSAFE_EXEC, &C_RUN_DASH,
     R200(ECHO_DASH_DROPPED), .fire = 1, .sig = "run-argv mismatch at=1 argc=2"},
    {"unsafe-exec: 0x01 and 0xff echoed byte-exact is quiet", GC_OR_UNSAFE_EXEC, &C_RUN_BYTES,
     R200(ECHO_BYTES_OK)},
    {"unsafe-exec: lossy argument bytes fire", GC_OR_UNSAFE_EXEC, &C_RUN_BYTES,
     R200(ECHO_BYTES_LOSSY), .fire = 1, .sig = "run-argv mismatch at=2 argc=3"},
    {"unsafe-exec: uppercase hex is not byte-equal hex", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200(ECHO("\"x\"", "\"" HELPER_HEX "\",\"2d2d\",\"613B6964\"")), .fire = 1,
     .sig = "run-argv mismatch at=2 argc=3"},
    {"unsafe-exec: a /run body that is not gk-echo JSON fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200("a\nuid=0(root)\n"), .fire = 1, .sig = "run-body=not-gk-echo"},
    {"unsafe-exec: gk-echo JSON without argv_hex fires", GC_OR_UNSAFE_EXEC, &C_RUN_SEMI,
     R200("{\"argv\":[\"a\"]}"), .fire = 1, .sig = "run-argv mismatch at=0 argc=0"},
    {"unsafe-exec: /run refused with 400 is quiet",
     GC_OR_UNSAFE_EXEC,
     &C_RUN_NUL,
     {.r = {{400, "", "bad arg"}}}},
    {"unsafe-exec: /run reached by a route case checks the shape only", GC_OR_UNSAFE_EXEC,
     &C_ROUTE_RUN, R200(ECHO("\"x\"", "\"" HELPER_HEX "\",\"2d2d\",\"78\""))},
    {"unsafe-exec: a non-/run 2xx is not judged", GC_OR_UNSAFE_EXEC, &C_USER_ALICE,
     R200("not json")},

    /* ssrf */
    {"ssrf: connect to the canary listener fires",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     EVENTS(CONNECT(CANARY_ADDR)),
     .fire = 1,
     .sig = "connect=canary",
     .ev_has = "connected to the canary listener " CANARY_ADDR},
    {"ssrf: connect to a non-loopback IPv4 address fires",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     EVENTS(CONNECT("203.0.113.9:443")),
     .fire = 1,
     .sig = "connect=non-loopback host=203.0.113.9"},
    {"ssrf: connect to a non-loopback IPv6 address fires",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     EVENTS(CONNECT("[2001:db8::1]:80")),
     .fire = 1,
     .sig = "connect=non-loopback host=2001:db8::1"},
    {"ssrf: loopback connects elsewhere are quiet",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     EVENTS(CONNECT("127.0.0.1:5432"), CONNECT("127.8.9.1:80"), CONNECT("[::1]:80"),
            CONNECT("[::ffff:127.0.0.1]:80"))},
    {"ssrf: connect to a unix socket fires",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     EVENTS({.kind = GC_EV_CONNECT, .pid = PID, .path = "/run/docker.sock"}),
     .fire = 1,
     .sig = "connect=unix path=/run/docker.sock"},
    {"ssrf: connect to the nscd socket is quiet",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     EVENTS({.kind = GC_EV_CONNECT, .pid = PID, .path = "/var/run/nscd/socket"})},
    {"ssrf: the canary listener saw a connection fires",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     .x = {.hits = 2},
     .fire = 1,
     .sig = "listener-hit",
     .ev_has = "the canary listener accepted 2 connection(s)"},
    {"ssrf: no connects and no listener hits is quiet",
     GC_OR_SSRF,
     &C_JKU,
     {.r = {{401}}},
     EVENTS(OPEN("/etc/shadow"))},

    /* crash */
    {"crash: a child killed by SIGSEGV fires",
     GC_OR_CRASH,
     &C_RUN_SEMI,
     {.r = {{502}}},
     EVENTS({.kind = GC_EV_EXIT, .pid = PID, .status = SIGSEGV}),
     .fire = 1,
     .sig = "child signal=SIGSEGV",
     .ev_has = "killed by SIGSEGV"},
    {"crash: the target killed by SIGSEGV fires",
     GC_OR_CRASH,
     &C_PUBLIC,
     {.timed_out = 1},
     EVENTS({.kind = GC_EV_EXIT, .pid = PID, .status = SIGSEGV}),
     .x = {.target_pid = PID},
     .fire = 1,
     .sig = "target signal=SIGSEGV"},
    {"crash: a child exiting 3 fires",
     GC_OR_CRASH,
     &C_RUN_SEMI,
     {.r = {{502}}},
     EVENTS({.kind = GC_EV_EXIT, .pid = PID, .status = 3 << 8}),
     .fire = 1,
     .sig = "child exit=3"},
    {"crash: a child exiting 0 is quiet", GC_OR_CRASH, &C_RUN_SEMI, R200(ECHO_SEMI),
     EVENTS({.kind = GC_EV_EXIT, .pid = PID + 1, .status = 0}), .x = {.target_pid = PID}},
    {"crash: the target exiting 0 mid-case fires",
     GC_OR_CRASH,
     &C_PUBLIC,
     {.timed_out = 1},
     EVENTS({.kind = GC_EV_EXIT, .pid = PID, .status = 0}),
     .x = {.target_pid = PID},
     .fire = 1,
     .sig = "target exit=0"},
    {"crash: a sanitizer report fires",
     GC_OR_CRASH,
     &C_FILES_DOTDOT,
     {.timed_out = 1},
     EVENTS({.kind = GC_EV_SANITIZER,
             .pid = PID,
             .path = "==31337==ERROR: AddressSanitizer: heap-buffer-overflow on address "
                     "0x602000000011 at pc 0x55d4aa bp 0x7ffd sp 0x7ffc"}),
     .fire = 1,
     .sig = "sanitizer AddressSanitizer: heap-buffer-overflow on address 0x at pc 0x bp 0x sp 0x",
     .ev_has = "==31337==ERROR: AddressSanitizer"},
    {"crash: the runner saw the target die of SIGABRT",
     GC_OR_CRASH,
     &C_PUBLIC,
     {.no_connect = 1},
     .x = {.died = 1, .wstatus = SIGABRT},
     .fire = 1,
     .sig = "target signal=SIGABRT",
     .ev_has = "the target killed by SIGABRT"},
    {"crash: nothing died is quiet", GC_OR_CRASH, &C_PUBLIC, R200("public\n"),
     EVENTS(OPEN("/dev/null"))},

    /* hang */
    {"hang: accepted, no response in time fires",
     GC_OR_HANG,
     &C_PUBLIC,
     {.timed_out = 1},
     .fire = 1,
     .sig = "timeout stage=response route=/public",
     .ev_has = "no response within"},
    {"hang: accepted, no TLS handshake in time fires",
     GC_OR_HANG,
     &C_PUBLIC,
     {.hs_fail = 1, .timed_out = 1},
     .fire = 1,
     .sig = "timeout stage=handshake route=/public",
     .ev_has = "no TLS handshake within"},
    {"hang: pipelined second response missing fires",
     GC_OR_HANG,
     &C_PIPE_WHOAMI,
     {.timed_out = 1, .r = {{200, "", WHOAMI("\"" JWT_SUB "\"", "jwt", "127.0.0.1")}}},
     .fire = 1,
     .sig = "timeout stage=second-response route=/whoami"},
    {"hang: slow-headers timeout is expected", GC_OR_HANG, &C_SLOW, {.timed_out = 1}},
    {"hang: partial-close timeout is expected", GC_OR_HANG, &C_PARTIAL, {.timed_out = 1}},
    {"hang: conn-flood's final request timing out fires",
     GC_OR_HANG,
     &C_FLOOD,
     {.timed_out = 1},
     .fire = 1,
     .sig = "timeout stage=response route=/public"},
    {"hang: refused connect is not a hang",
     GC_OR_HANG,
     &C_PUBLIC,
     {.no_connect = 1, .timed_out = 1}},
    {"hang: failed liveness probe fires, even after slow headers",
     GC_OR_HANG,
     &C_SLOW,
     {.timed_out = 1},
     .x = {.liveness = 1},
     .fire = 1,
     .sig = "liveness route=/public"},
    {"hang: answered in time is quiet", GC_OR_HANG, &C_PUBLIC, R200("public\n")},

    /* leak */
    {"leak: token signature in the target log fires",
     GC_OR_LEAK,
     &C_JKU,
     {.r = {{401}}},
     .x = {.log = "08:00 info auth header Bearer eyJ.eyJ." SECRET_SIG " rejected\n"},
     .fire = 1,
     .sig = "secret=token signature in=log",
     .ev_has = "output held secret token signature (sha256:"},
    {"leak: HMAC key in a response body fires",
     GC_OR_LEAK,
     &C_USER_ALICE,
     {.r = {{500, "", "debug: key=" SECRET_HEX}}},
     .fire = 1,
     .sig = "secret=hs-1 key hex in=body route=/user"},
    {"leak: secret in a response header fires",
     GC_OR_LEAK,
     &C_USER_ALICE,
     {.r = {{401, "WWW-Authenticate: Bearer error=\"" SECRET_SIG "\"\r\n", ""}}},
     .fire = 1,
     .sig = "secret=token signature in=headers route=/user"},
    {"leak: without labels the secret is named by index",
     GC_OR_LEAK,
     &C_USER_ALICE,
     {.r = {{401}}},
     .x = {.log = SECRET_HEX, .no_labels = 1},
     .fire = 1,
     .sig = "secret=#1 in=log"},
    {"leak: private key PEM in a body fires", GC_OR_LEAK, &C_FILES_DOTDOT,
     R200("-----BEGIN EC PRIVATE KEY-----\nMHc...\n"), .fire = 1,
     .sig = "secret=private-key-pem in=body route=/files/%2e%2e/canary.txt"},
    {"leak: gk-echo echoing a run_arg that holds the secret is quiet", GC_OR_LEAK, &C_RUN_SECRET,
     R200(ECHO_SECRET)},
    {"leak: the same echo in the log still fires", GC_OR_LEAK, &C_RUN_SECRET, R200(ECHO_SECRET),
     .x = {.log = "run arg " SECRET_HEX "\n"}, .fire = 1, .sig = "secret=hs-1 key hex in=log"},
    {"leak: a partial secret is quiet",
     GC_OR_LEAK,
     &C_USER_ALICE,
     {.r = {{200, "", "00112233445566778899aabbccddeef"}}},
     .x = {.log = "sIgNaTuRe_AbC123-xyz"}},
    {"leak: the gatekeeper-style fingerprint is not the secret", GC_OR_LEAK, &C_USER_ALICE,
     R200("ok"), .x = {.log = "token rejected (sha256:1a2b3c4d)\n"}},

    /* hardening */
    {"hardening: root fires not-root", GC_OR_HARDENING, &C_P_ROOT, .x = {.posture = &P_ROOT},
     .fire = 1, .sig = "check=not-root", .ev_has = "uid 0 euid 0"},
    {"hardening: euid 0 alone fires not-root", GC_OR_HARDENING, &C_P_ROOT,
     .x = {.posture = &P_EUID0}, .fire = 1, .sig = "check=not-root"},
    {"hardening: nobody is quiet for not-root", GC_OR_HARDENING, &C_P_ROOT,
     .x = {.posture = &P_GOOD}},
    {"hardening: the check comes from the id when unset", GC_OR_HARDENING, &C_P_ROOT_BY_ID,
     .x = {.posture = &P_ROOT}, .fire = 1, .sig = "check=not-root"},
    {"hardening: an unknown check is inconclusive", GC_OR_HARDENING, &C_P_UNKNOWN_ID,
     .x = {.posture = &P_ROOT}, .inconclusive = 1},
    {"hardening: an effective capability fires", GC_OR_HARDENING, &C_P_CAPS,
     .x = {.posture = &P_CAPEFF}, .fire = 1, .sig = "check=no-capabilities",
     .ev_has = "CapEff 0000000000000400"},
    {"hardening: a permitted capability fires", GC_OR_HARDENING, &C_P_CAPS,
     .x = {.posture = &P_CAPPRM}, .fire = 1, .sig = "check=no-capabilities"},
    {"hardening: bounding set alone is quiet", GC_OR_HARDENING, &C_P_CAPS,
     .x = {.posture = &P_GOOD}},
    {"hardening: NoNewPrivs 0 fires", GC_OR_HARDENING, &C_P_NNP, .x = {.posture = &P_NO_NNP},
     .fire = 1, .sig = "check=no-new-privs"},
    {"hardening: NoNewPrivs set by the launcher is inconclusive", GC_OR_HARDENING, &C_P_NNP,
     .x = {.posture = &P_NNP_LAUNCHER}, .inconclusive = 1},
    {"hardening: NoNewPrivs set by the target is quiet", GC_OR_HARDENING, &C_P_NNP,
     .x = {.posture = &P_GOOD}},
    {"hardening: only the launcher's seccomp filter fires", GC_OR_HARDENING, &C_P_SECCOMP,
     .x = {.posture = &P_SC_LAUNCHER_ONLY}, .fire = 1, .sig = "check=seccomp-filter",
     .ev_has = "1 filter(s), 1 of them the launcher's"},
    {"hardening: no seccomp at all fires", GC_OR_HARDENING, &C_P_SECCOMP,
     .x = {.posture = &P_SC_NONE}, .fire = 1, .sig = "check=seccomp-filter"},
    {"hardening: a filter of its own is quiet", GC_OR_HARDENING, &C_P_SECCOMP,
     .x = {.posture = &P_GOOD}},
    {"hardening: seccomp 2 without a filter count is inconclusive", GC_OR_HARDENING, &C_P_SECCOMP,
     .x = {.posture = &P_SC_NO_COUNT}, .inconclusive = 1},
    {"hardening: a read outside the fixture dir fires", GC_OR_HARDENING, &C_P_OUTSIDE,
     .x = {.posture = &P_OUT_READ}, .fire = 1, .sig = "check=no-reach-outside probe=read"},
    {"hardening: refused probe is quiet", GC_OR_HARDENING, &C_P_OUTSIDE,
     .x = {.posture = &P_OUT_BLOCKED}},
    {"hardening: Landlock known absent and host root fires", GC_OR_HARDENING, &C_P_OUTSIDE,
     .x = {.posture = &P_UNCONFINED}, .fire = 1, .sig = "check=no-reach-outside confinement=none"},
    {"hardening: a Landlock domain is quiet", GC_OR_HARDENING, &C_P_OUTSIDE,
     .x = {.posture = &P_GOOD}},
    {"hardening: a chroot is quiet", GC_OR_HARDENING, &C_P_OUTSIDE, .x = {.posture = &P_CHROOT}},
    {"hardening: no evidence either way is inconclusive", GC_OR_HARDENING, &C_P_OUTSIDE,
     .x = {.posture = &P_CONF_UNKNOWN}, .inconclusive = 1},
    {"hardening: unknown posture is inconclusive, not a finding", GC_OR_HARDENING, &C_P_ROOT,
     .x = {.posture = &P_UNKNOWN}, .inconclusive = 1},
    {"hardening: no posture at all is inconclusive", GC_OR_HARDENING, &C_P_ROOT, .inconclusive = 1},
    {"hardening: a request case is not judged", GC_OR_HARDENING, &C_PUBLIC, R200("public\n"),
     .x = {.posture = &P_ROOT}},
};
#define N_ROWS (sizeof(ROWS) / sizeof(ROWS[0]))

/* --- building the inputs of a row ---------------------------------------------- */

struct built {
    struct gc_observation o;
    struct gc_event ev[16];
    struct gc_judge_ctx j;
};

static void build(const struct row *r, struct built *b)
{
    memset(b, 0, sizeof(*b));
    b->o.connect_ok = !r->o.no_connect;
    b->o.handshake_ok = !r->o.no_connect && !r->o.hs_fail;
    b->o.timed_out = r->o.timed_out;
    b->o.elapsed_ms = 5000.0;
    for (size_t i = 0; i < 2 && r->o.r[i].status != 0; i++) {
        struct gc_obs_response *resp = &b->o.resp[i];
        resp->status = r->o.r[i].status;
        resp->headers = (char *)(r->o.r[i].headers ? r->o.r[i].headers : "");
        resp->headers_len = strlen(resp->headers);
        resp->body = (uint8_t *)(r->o.r[i].body ? r->o.r[i].body : "");
        resp->body_len = r->o.r[i].body_len ? r->o.r[i].body_len : strlen((char *)resp->body);
        b->o.n_resp = i + 1;
    }
    ck_assert_uint_le(r->n_ev, 16);
    for (size_t k = 0; k < r->n_ev; k++) {
        b->ev[k] = r->ev[k];
        for (size_t a = 0; a < b->ev[k].argc; a++) {
            if (b->ev[k].argv[a] && b->ev[k].argv_len[a] == 0)
                b->ev[k].argv_len[a] = strlen(b->ev[k].argv[a]);
        }
    }
    b->j = (struct gc_judge_ctx){
        .helper_path = HELPER,
        .canaries = CANARIES,
        .n_canaries = sizeof(CANARIES) / sizeof(CANARIES[0]),
        .fixtures_dir = FX,
        .events = b->ev,
        .n_events = r->n_ev,
        .ssrf_canary_addr = CANARY_ADDR,
        .secrets = SECRETS,
        .n_secrets = sizeof(SECRETS) / sizeof(SECRETS[0]),
        .target_log = (const uint8_t *)r->x.log,
        .target_log_len = r->x.log ? strlen(r->x.log) : 0,
        .secret_labels = r->x.no_labels ? NULL : LABELS,
        .target_binary = TARGET_BIN,
        .target_pid = r->x.target_pid,
        .ssrf_listener_hits = r->x.hits,
        .target_died = r->x.died,
        .target_wait_status = r->x.wstatus,
        .liveness_failed = r->x.liveness,
        .exec_marker_seen = r->x.marker,
        .posture = r->x.posture,
    };
}

static void assert_printable(const char *what, const char *s, size_t cap, const char *row)
{
    size_t n = strnlen(s, cap);
    ck_assert_msg(n < cap, "%s: %s not NUL-terminated", row, what);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(s[i] >= 0x20 && s[i] < 0x7f, "%s: %s has byte 0x%02x at %zu", row, what,
                      (unsigned char)s[i], i);
}

START_TEST(test_row)
{
    const struct row *r = &ROWS[_i];
    struct built b;
    struct gc_verdict v, again;
    build(r, &b);
    gc_oracle_get(r->oracle)(r->c, &b.o, &b.j, &v);
    ck_assert_msg(v.oracle == r->oracle, "%s: verdict names oracle %d", r->name, v.oracle);
    ck_assert_msg(v.fired == r->fire, "%s: fired=%d (evidence \"%s\", signature \"%s\")", r->name,
                  v.fired, v.evidence, v.signature);
    ck_assert_msg(v.inconclusive == r->inconclusive, "%s: inconclusive=%d (%s)", r->name,
                  v.inconclusive, v.evidence);
    assert_printable("evidence", v.evidence, sizeof(v.evidence), r->name);
    assert_printable("signature", v.signature, sizeof(v.signature), r->name);
    if (r->fire) {
        ck_assert_msg(v.evidence[0] != '\0' && v.signature[0] != '\0', "%s: empty evidence",
                      r->name);
        if (r->sig)
            ck_assert_msg(strcmp(v.signature, r->sig) == 0, "%s: signature \"%s\", want \"%s\"",
                          r->name, v.signature, r->sig);
        /* Stable: no port, pid or temp dir in a signature. */
        ck_assert_msg(strstr(v.signature, PORT) == NULL, "%s: port in signature", r->name);
        ck_assert_msg(strstr(v.signature, "31337") == NULL, "%s: pid in signature", r->name);
        ck_assert_msg(strstr(v.signature, "gcfx-Ab12") == NULL, "%s: temp dir in signature",
                      r->name);
    } else {
        ck_assert_msg(v.signature[0] == '\0', "%s: quiet verdict has a signature", r->name);
    }
    if (r->ev_has)
        ck_assert_msg(strstr(v.evidence, r->ev_has) != NULL, "%s: evidence \"%s\" lacks \"%s\"",
                      r->name, v.evidence, r->ev_has);
    /* Evidence never holds a secret's bytes. */
    for (size_t k = 0; k < 2; k++)
        ck_assert_msg(strstr(v.evidence, SECRETS[k]) == NULL, "%s: evidence shows secret #%zu",
                      r->name, k);
    /* Pure: the same inputs give the same verdict. */
    memset(&again, 0x5a, sizeof(again));
    gc_oracle_get(r->oracle)(r->c, &b.o, &b.j, &again);
    ck_assert_msg(again.fired == v.fired && strcmp(again.signature, v.signature) == 0 &&
                      strcmp(again.evidence, v.evidence) == 0,
                  "%s: second run differs", r->name);
}
END_TEST

/* Every oracle has at least one firing and one quiet row. */
START_TEST(test_every_oracle_fires_and_stays_quiet)
{
    int fires[GC_OR_COUNT] = {0}, quiet[GC_OR_COUNT] = {0};
    for (size_t i = 0; i < N_ROWS; i++) {
        if (ROWS[i].fire)
            fires[ROWS[i].oracle]++;
        else
            quiet[ROWS[i].oracle]++;
    }
    for (int k = 0; k < GC_OR_COUNT; k++) {
        ck_assert_msg(fires[k] > 0, "%s has no firing row", gc_oracle_name(k));
        ck_assert_msg(quiet[k] > 0, "%s has no quiet row", gc_oracle_name(k));
    }
}
END_TEST

START_TEST(test_names_and_table)
{
    for (int k = 0; k < GC_OR_COUNT; k++) {
        ck_assert_ptr_nonnull(gc_oracle_get(k));
        for (int m = 0; m < k; m++)
            ck_assert_str_ne(gc_oracle_name(k), gc_oracle_name(m));
    }
    ck_assert_str_eq(gc_oracle_name(GC_OR_AUTHZ_BYPASS), "authz-bypass");
    ck_assert_str_eq(gc_oracle_name(GC_OR_IDENTITY_CONFUSION), "identity-confusion");
    ck_assert_str_eq(gc_oracle_name(GC_OR_UNSAFE_EXEC), "unsafe-exec");
    ck_assert_str_eq(gc_oracle_name(GC_OR_HARDENING), "hardening");
    ck_assert_str_eq(gc_oracle_name(GC_OR_COUNT), "unknown");
    ck_assert_str_eq(gc_oracle_name((enum gc_oracle) - 1), "unknown");
    ck_assert_ptr_null(gc_oracle_get(GC_OR_COUNT));
}
END_TEST

/* gc_judge_all runs all nine; one bug gives one finding (division of labour). */
START_TEST(test_judge_all_one_finding_per_bug)
{
    struct row r = {"rogue admin", GC_OR_AUTHZ_BYPASS, &C_ROGUE_ADMIN,
                    R200("{\"route\":\"/admin\",\"identity\":\"" ID_ADMIN "\"}")};
    struct built b;
    struct gc_verdict out[GC_OR_COUNT];
    build(&r, &b);
    memset(out, 0x5a, sizeof(out));
    ck_assert_uint_eq(gc_judge_all(r.c, &b.o, &b.j, out), 1);
    for (int k = 0; k < GC_OR_COUNT; k++) {
        ck_assert_int_eq(out[k].oracle, k);
        ck_assert_int_eq(out[k].fired, k == GC_OR_AUTHZ_BYPASS);
    }
}
END_TEST

START_TEST(test_judge_all_quiet_on_a_correct_answer)
{
    struct row r = {"alice whoami", GC_OR_AUTHZ_BYPASS, &C_WHOAMI_ALICE,
                    R200(WHOAMI("\"" ID_ALICE "\"", "cert", "127.0.0.1")),
                    EVENTS(OPEN(FX "/www/index.html"))};
    struct built b;
    struct gc_verdict out[GC_OR_COUNT];
    build(&r, &b);
    ck_assert_uint_eq(gc_judge_all(r.c, &b.o, &b.j, out), 0);
}
END_TEST

/* The same finding in two runs (other temp dir, port, pid, secrets, sanitizer
 * addresses) has the same signature, so the same finding id. */
START_TEST(test_signature_stable_across_runs)
{
    static const struct gc_case *cs[] = {&C_FILES_DOTDOT, &C_JKU, &C_FILES_DOTDOT, &C_JKU,
                                         &C_FILES_DOTDOT};
    static const enum gc_oracle os[] = {GC_OR_TRAVERSAL, GC_OR_SSRF, GC_OR_CRASH, GC_OR_LEAK,
                                        GC_OR_TRAVERSAL};
    static const char *const fx[2] = {"/tmp/gcfx-Ab12/target", "/var/tmp/run-77/fx/target"};
    static const char *const opens[2] = {"/tmp/gcfx-Ab12/outside-canary.txt",
                                         "/var/tmp/run-77/fx/outside-canary.txt"};
    static const char *const addrs[2] = {"127.0.0.1:41234", "127.0.0.1:50999"};
    static const char *const san[2] = {
        "==31337==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000010 (pc 0x5612 "
        "bp 0x7ffe sp 0x7ffd T0)",
        "==4242==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000010 (pc 0x55aa "
        "bp 0x7fff sp 0x7ff0 T0)"};
    static const char *const sec[2] = {"firstrunsecretAAAA", "otherrunsecretBBBB"};
    static const struct gc_canary can[2][1] = {{{CANARY0, "/tmp/gcfx-Ab12/target/canary.txt"}},
                                               {{CANARY1, "/var/tmp/run-77/fx/target/canary.txt"}}};
    for (size_t t = 0; t < sizeof(cs) / sizeof(cs[0]); t++) {
        char sig[2][128];
        for (int run = 0; run < 2; run++) {
            struct gc_event ev = {.pid = run ? 4242 : 31337};
            struct gc_observation o = {.connect_ok = 1, .handshake_ok = 1, .n_resp = 1};
            const char *const secrets[1] = {sec[run]};
            const char *const labels[1] = {"token signature"};
            char body[128], log[128];
            struct gc_judge_ctx j = {.helper_path = HELPER,
                                     .fixtures_dir = fx[run],
                                     .ssrf_canary_addr = addrs[run],
                                     .events = &ev,
                                     .n_events = 1,
                                     .secrets = secrets,
                                     .n_secrets = 1,
                                     .secret_labels = labels,
                                     .canaries = can[run],
                                     .n_canaries = 1};
            o.resp[0].status = 404;
            o.resp[0].headers = (char *)"";
            snprintf(body, sizeof(body), "x");
            o.resp[0].body = (uint8_t *)body;
            o.resp[0].body_len = 1;
            switch (t) {
            case 0:
                ev.kind = GC_EV_OPEN;
                snprintf(ev.path, sizeof(ev.path), "%s", opens[run]);
                break;
            case 1:
                ev.kind = GC_EV_CONNECT;
                snprintf(ev.addr, sizeof(ev.addr), "%s", addrs[run]);
                break;
            case 2:
                ev.kind = GC_EV_SANITIZER;
                snprintf(ev.path, sizeof(ev.path), "%s", san[run]);
                break;
            case 3:
                snprintf(log, sizeof(log), "bearer %s\n", sec[run]);
                j.target_log = (const uint8_t *)log;
                j.target_log_len = strlen(log);
                j.n_events = 0;
                break;
            case 4:
                j.n_events = 0;
                o.resp[0].body_len = strnlen(can[run][0].token, sizeof(can[run][0].token));
                memcpy(body, can[run][0].token, o.resp[0].body_len);
                o.resp[0].status = 200;
                break;
            }
            struct gc_verdict v;
            gc_oracle_get(os[t])(cs[t], &o, &j, &v);
            ck_assert_msg(v.fired, "stability row %zu run %d did not fire", t, run);
            memcpy(sig[run], v.signature, sizeof(sig[run]));
        }
        ck_assert_msg(strcmp(sig[0], sig[1]) == 0, "row %zu: \"%s\" vs \"%s\"", t, sig[0], sig[1]);
    }
}
END_TEST

/* The route in a signature: GC__ROUTE_MAX bytes kept exactly, one more is cut. */
START_TEST(test_route_limit)
{
    char at[GC__ROUTE_MAX + 1], over[GC__ROUTE_MAX + 2], want[GC__ROUTE_MAX + 32];
    at[0] = over[0] = '/';
    memset(at + 1, 'a', GC__ROUTE_MAX - 1);
    at[GC__ROUTE_MAX] = '\0';
    memset(over + 1, 'a', GC__ROUTE_MAX);
    over[GC__ROUTE_MAX + 1] = '\0';
    struct gc_case c = {.id = "t.long", .target = at, .expect = {.kind = GC_EXPECT_DENY}};
    struct gc_observation o = {.connect_ok = 1, .handshake_ok = 1, .n_resp = 1};
    struct gc_judge_ctx j = {0};
    struct gc_verdict v;
    o.resp[0].status = 200;
    gc_oracle_authz_bypass(&c, &o, &j, &v);
    snprintf(want, sizeof(want), "status=200 route=%s", at);
    ck_assert_str_eq(v.signature, want);
    c.target = over;
    gc_oracle_authz_bypass(&c, &o, &j, &v);
    snprintf(want, sizeof(want), "status=200 route=%s...", at);
    ck_assert_str_eq(v.signature, want);
}
END_TEST

/* Evidence stays one bounded printable line whatever the target sent. */
START_TEST(test_evidence_bounded_and_escaped)
{
    static char target[2048];
    target[0] = '/';
    for (size_t i = 1; i < sizeof(target) - 1; i++)
        target[i] = (char)(i % 2 ? '\n' : 0xc3);
    target[sizeof(target) - 1] = '\0';
    struct gc_case c = {.id = "t.odd",
                        .target = target,
                        .cert = GC_CERT_LOOKALIKE_SUFFIX_DOMAIN,
                        .expect = {.kind = GC_EXPECT_DENY}};
    struct gc_observation o = {.connect_ok = 1, .handshake_ok = 1, .n_resp = 1};
    struct gc_judge_ctx j = {0};
    struct gc_verdict v;
    o.resp[0].status = 201;
    gc_oracle_authz_bypass(&c, &o, &j, &v);
    ck_assert_int_eq(v.fired, 1);
    assert_printable("evidence", v.evidence, sizeof(v.evidence), "odd bytes");
    assert_printable("signature", v.signature, sizeof(v.signature), "odd bytes");
    ck_assert_ptr_nonnull(strstr(v.evidence, "/\\x0a\\xc3"));
    ck_assert_ptr_nonnull(strstr(v.evidence, "cert lookalike-suffix-domain"));
}
END_TEST

static const struct {
    const char *in, *out;
} NORM[] = {
    {"/a/./b//c", "/a/b/c"},
    {"/a/../../b", "/b"},
    {"/", "/"},
    {"/..", "/"},
    {"a/../../b", "../b"},
    {"", "."},
    {"./", "."},
    {"../..", "../.."},
    {"a/b/../..", "."},
    {"/a/b/", "/a/b"},
    {"/a/..b/c", "/a/..b/c"},
};

START_TEST(test_normalize_path)
{
    char out[64];
    ck_assert_int_eq(gc__normalize_path(NORM[_i].in, out, sizeof(out)), 0);
    ck_assert_str_eq(out, NORM[_i].out);
}
END_TEST

START_TEST(test_normalize_path_capacity)
{
    char out[7];
    ck_assert_int_eq(gc__normalize_path("/abcde", out, sizeof(out)), 0); /* 6 + NUL: fits */
    ck_assert_str_eq(out, "/abcde");
    ck_assert_int_eq(gc__normalize_path("/abcdef", out, sizeof(out)), -1);
}
END_TEST

START_TEST(test_path_under)
{
    ck_assert_int_eq(gc__path_under("/a/b", "/a"), 1);
    ck_assert_int_eq(gc__path_under("/a", "/a"), 1);
    ck_assert_int_eq(gc__path_under("/a/b", "/a/b/"), 1);
    ck_assert_int_eq(gc__path_under("/a/bc", "/a/b"), 0);
    ck_assert_int_eq(gc__path_under("/a", "/a/b"), 0);
    ck_assert_int_eq(gc__path_under("/x", "/"), 1);
    ck_assert_int_eq(gc__path_under("/x", NULL), 0);
}
END_TEST

START_TEST(test_posture_read_self)
{
    struct gc_posture p;
    ck_assert_int_eq(gc_posture_read(getpid(), &p), 0);
    ck_assert_int_eq(p.known, 1);
    ck_assert_int_eq(p.uid, (long)getuid());
    ck_assert_int_eq(p.euid, (long)geteuid());
    ck_assert(p.no_new_privs == 0 || p.no_new_privs == 1);
    ck_assert(p.seccomp_mode >= 0 && p.seccomp_mode <= 2);
    ck_assert(p.root_is_host == 0 || p.root_is_host == 1);
    ck_assert_int_eq(p.landlock_known, -1);
    ck_assert_int_eq(p.outside_read_ok, -1);
    /* Effective and permitted are within the bounding set for a process
     * that did not gain capabilities by exec. */
    ck_assert((p.cap_eff & ~p.cap_prm) == 0);
    if (geteuid() != 0)
        ck_assert_uint_eq(p.cap_eff, 0);
}
END_TEST

START_TEST(test_posture_read_bad_pid)
{
    struct gc_posture p;
    ck_assert_int_eq(gc_posture_read(0, &p), -1);
    ck_assert_int_eq(p.known, 0);
    ck_assert_int_eq(gc_posture_read(-1, &p), -1);
    ck_assert_int_eq(gc_posture_read(0x7ffffff0, &p), -1); /* above any pid_max */
    ck_assert_int_eq(p.known, 0);
}
END_TEST

START_TEST(test_fingerprint_and_hex)
{
    char fp[GC__FP_LEN + 1];
    gc__fingerprint("abc", 3, fp); /* SHA-256("abc") = ba7816bf... (FIPS 180-2 B.1) */
    ck_assert_str_eq(fp, "sha256:ba7816bf");
    ck_assert_int_eq(gc__hex_equals("610062ff", 8, "a\0b\xff", 4), 1);
    ck_assert_int_eq(gc__hex_equals("610062FF", 8, "a\0b\xff", 4), 0);
    ck_assert_int_eq(gc__hex_equals("610062f", 7, "a\0b\xff", 4), 0);
    ck_assert_int_eq(gc__hex_equals("", 0, "", 0), 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("oracles");
    TCase *t = tcase_create("table");
    tcase_add_loop_test(t, test_row, 0, N_ROWS);
    tcase_add_test(t, test_every_oracle_fires_and_stays_quiet);
    suite_add_tcase(s, t);
    t = tcase_create("api");
    tcase_add_test(t, test_names_and_table);
    tcase_add_test(t, test_judge_all_one_finding_per_bug);
    tcase_add_test(t, test_judge_all_quiet_on_a_correct_answer);
    tcase_add_test(t, test_signature_stable_across_runs);
    tcase_add_test(t, test_route_limit);
    tcase_add_test(t, test_evidence_bounded_and_escaped);
    suite_add_tcase(s, t);
    t = tcase_create("helpers");
    tcase_add_loop_test(t, test_normalize_path, 0, sizeof(NORM) / sizeof(NORM[0]));
    tcase_add_test(t, test_normalize_path_capacity);
    tcase_add_test(t, test_path_under);
    tcase_add_test(t, test_fingerprint_and_hex);
    suite_add_tcase(s, t);
    t = tcase_create("posture");
    tcase_add_test(t, test_posture_read_self);
    tcase_add_test(t, test_posture_read_bad_pid);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
