/* fuzz_seedgen: writes the signed seeds of the jwt and x509id targets (tokens
 * for every alg of the keyset and attacks on them; certificates valid and
 * wrong in one way each), signed with the embedded keys of fuzz_keys.h.
 * Called by ci/gen-seeds.sh. Usage: fuzz_seedgen JWT_DIR X509_DIR */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "fuzz_fixture.h"

#define FZ_PATH_MAX 4096
#define FZ_CLAIMS_MAX 1024

/* Atomic write: temp file, fsync, rename. */
static int fz_write(const char *dir, const char *name, const void *p, size_t n)
{
    char path[FZ_PATH_MAX], tmp[FZ_PATH_MAX];
    int a = snprintf(path, sizeof(path), "%s/%s", dir, name);
    int b = snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
    if (a <= 0 || b <= 0 || (size_t)a >= sizeof(path) || (size_t)b >= sizeof(tmp))
        return 1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return 1;
    int ok = write(fd, p, n) == (ssize_t)n && fsync(fd) == 0;
    ok &= close(fd) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return 1;
    }
    return 0;
}

struct fz_tok {
    const char *name, *alg, *kid, *extra_hdr, *claims_fmt;
    enum fz_signer signer;
};

/* fmt with its one "EXP" replaced by the decimal value (no format strings
 * from data: -Wformat=2). */
static int fz_subst_exp(const char *fmt, long long v, char *out, size_t cap)
{
    const char *at = strstr(fmt, "EXP");
    if (at == NULL)
        return 1;
    int n = snprintf(out, cap, "%.*s%lld%s", (int)(at - fmt), fmt, v, at + 3);
    return n > 0 && (size_t)n < cap ? 0 : 1;
}

static int fz_jwt_seeds(const char *dir)
{
    /* "EXP" in claims_fmt is replaced by the exp value. */
    static const char STD[] = "{\"aud\":\"gatecrash-target\",\"exp\":EXP,\"iat\":1799999000,"
                              "\"iss\":\"https://issuer.gatecrash.test\",\"roles\":[\"user\"],"
                              "\"sub\":\"alice\"}";
    static const struct fz_tok toks[] = {
        {"valid-hs256", "HS256", "hs-1", "", STD, FZ_SIGN_KID_KEY},
        {"valid-es256", "ES256", "ec-1", "", STD, FZ_SIGN_KID_KEY},
        {"valid-rs256", "RS256", "rsa-1", "", STD, FZ_SIGN_KID_KEY},
        {"valid-admin-hs256", "HS256", "hs-1", "",
         "{\"aud\":[\"x\",\"gatecrash-target\"],\"exp\":EXP,\"iss\":\"https://issuer.gatecrash.test\","
         "\"roles\":[\"admin\"],\"sub\":\"spiffe://gatecrash.test/admin\"}",
         FZ_SIGN_KID_KEY},
        {"alg-none", "none", "hs-1", "", STD, FZ_SIGN_EMPTY},
        {"alg-confusion-rs-as-hs", "HS256", "rsa-1", "", STD, FZ_SIGN_CONFUSION},
        {"alg-mismatch-es-kid-hs", "ES256", "hs-1", "", STD, FZ_SIGN_AS_HEADER},
        {"attacker-key", "ES256", "ec-1", "", STD, FZ_SIGN_ATTACKER},
        {"jku", "HS256", "hs-1", ",\"jku\":\"https://attacker.test/jwks\"", STD, FZ_SIGN_KID_KEY},
        {"crit-exp", "HS256", "hs-1", ",\"crit\":[\"exp\"]", STD, FZ_SIGN_KID_KEY},
        {"kid-unknown", "HS256", "hs-2", "", STD, FZ_SIGN_AS_HEADER},
        {"exp-missing", "HS256", "hs-1", "",
         "{\"aud\":\"gatecrash-target\",\"iss\":\"https://issuer.gatecrash.test\",\"n\":EXP,\"sub\":\"a\"}",
         FZ_SIGN_KID_KEY},
        {"sub-empty", "HS256", "hs-1", "",
         "{\"aud\":\"gatecrash-target\",\"exp\":EXP,\"iss\":\"https://issuer.gatecrash.test\",\"sub\":\"\"}",
         FZ_SIGN_KID_KEY},
        {"roles-not-strings", "HS256", "hs-1", "",
         "{\"aud\":\"gatecrash-target\",\"exp\":EXP,\"iss\":\"https://issuer.gatecrash.test\","
         "\"roles\":[\"admin\",1],\"sub\":\"a\"}",
         FZ_SIGN_KID_KEY},
        {"dup-member", "HS256", "hs-1", ",\"alg\":\"none\"", STD, FZ_SIGN_KID_KEY},
        {"nbf-future", "HS256", "hs-1", "",
         "{\"aud\":\"gatecrash-target\",\"exp\":EXP,\"iss\":\"https://issuer.gatecrash.test\","
         "\"nbf\":1800001000,\"sub\":\"a\"}",
         FZ_SIGN_KID_KEY},
    };
    static const long long exps[] = {FZ_NOW + 3600, FZ_NOW - FZ_LEEWAY_S, FZ_NOW - FZ_LEEWAY_S - 1};
    static const char *const exp_names[] = {"", "-exp-at-leeway", "-expired"};
    int rc = 0;
    for (size_t i = 0; i < sizeof(toks) / sizeof(*toks); i++) {
        for (size_t e = 0; e < 3; e++) {
            if (e > 0 && i > 2)
                continue; /* expiry edges only on the three valid tokens */
            char hdr[256], claims[FZ_CLAIMS_MAX], tok[FZ_JWT_MAX + 1], name[128];
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"%s}",
                     toks[i].alg, toks[i].kid, toks[i].extra_hdr);
            if (fz_subst_exp(toks[i].claims_fmt, exps[e], claims, sizeof(claims)) != 0)
                return 1;
            size_t n = fz_jwt_sign(hdr, claims, toks[i].signer, tok, sizeof(tok));
            snprintf(name, sizeof(name), "%s%s", toks[i].name, exp_names[e]);
            rc |= n == 0 || fz_write(dir, name, tok, n);
        }
    }
    return rc;
}

static int fz_x509_seeds(const char *dir)
{
    const int64_t nb = FZ_NOW - 86400 * 30, na = FZ_NOW + 86400 * 365;
    static const char ALICE[] = "spiffe://gatecrash.test/user/alice";
    const struct {
        const char *name;
        struct fz_leaf_spec s;
    } certs[] = {
        {"valid-alice", {.uri1 = ALICE, .eku = 1, .ca = 1, .not_before = nb, .not_after = na}},
        {"valid-admin", {.uri1 = "spiffe://gatecrash.test/admin", .eku = 1, .ca = 1,
                         .not_before = nb, .not_after = na}},
        {"valid-with-dns", {.uri1 = ALICE, .dns = "localhost", .eku = 3, .not_before = nb,
                            .not_after = na}},
        {"eku-server-only", {.uri1 = ALICE, .eku = 2, .ca = 1, .not_before = nb, .not_after = na}},
        {"eku-absent", {.uri1 = ALICE, .ca = 1, .not_before = nb, .not_after = na}},
        {"eku-any", {.uri1 = ALICE, .eku = 4, .ca = 1, .not_before = nb, .not_after = na}},
        {"ca-leaf", {.uri1 = ALICE, .eku = 1, .ca = 2, .not_before = nb, .not_after = na}},
        {"two-uris", {.uri1 = ALICE, .uri2 = "spiffe://gatecrash.test/admin", .eku = 1,
                      .not_before = nb, .not_after = na}},
        {"no-san-cn-only", {.cn = "spiffe://gatecrash.test/admin", .eku = 1, .not_before = nb,
                            .not_after = na}},
        {"uri-not-spiffe", {.uri1 = "https://gatecrash.test/admin", .eku = 1, .not_before = nb,
                            .not_after = na}},
        {"uri-dotdot", {.uri1 = "spiffe://gatecrash.test/a/../admin", .eku = 1,
                        .not_before = nb, .not_after = na}},
        {"expired", {.uri1 = ALICE, .eku = 1, .not_before = nb, .not_after = FZ_NOW - 1}},
        {"not-yet-valid", {.uri1 = ALICE, .eku = 1, .not_before = FZ_NOW + 1, .not_after = na}},
        {"unknown-critical", {.uri1 = ALICE, .eku = 1, .unknown_critical = 1, .not_before = nb,
                              .not_after = na}},
        {"rogue-signed", {.uri1 = "spiffe://gatecrash.test/admin", .eku = 1, .rogue = 1,
                          .not_before = nb, .not_after = na}},
    };
    static uint8_t der[FZ_DER_MAX];
    int rc = 0;
    for (size_t i = 0; i < sizeof(certs) / sizeof(*certs); i++) {
        size_t n = fz_leaf_der(&certs[i].s, der, sizeof(der));
        rc |= n == 0 || fz_write(dir, certs[i].name, der, n);
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s JWT_DIR X509_DIR\n", argv[0]);
        return 2;
    }
    int rc = fz_jwt_seeds(argv[1]) | fz_x509_seeds(argv[2]);
    if (rc)
        fprintf(stderr, "fuzz_seedgen: some seeds could not be written (%s)\n", strerror(errno));
    return rc;
}
