/* harness/fixtures.h: `gatecrash fixtures DIR`, the generator of a fixture
 * directory (target contract v1, docs/CONTRACT.md).
 *
 * DIR/target/   what a target reads (GATECRASH_FIXTURES points here)
 * DIR/harness/  harness-only material: CA keys, client leaves and keys, rogue
 *               CA, attacker keys, JWT private keys, canaries.json
 * DIR/outside-canary.txt  a canary outside the target dir altogether
 *
 * All paths below are relative to DIR. */
#ifndef GC_FIXTURES_H
#define GC_FIXTURES_H
#include <stddef.h>
#include <stdint.h>

/* --- layout ------------------------------------------------------------------ */
#define GC_FX_TARGET "target"
#define GC_FX_HARNESS "harness"

#define GC_FX_SERVER_CA "target/tls/server-ca.pem"
#define GC_FX_SERVER_CERT "target/tls/server.pem"
#define GC_FX_SERVER_KEY "target/tls/server.key"
#define GC_FX_CLIENT_CA "target/tls/client-ca.pem"
#define GC_FX_POLICY "target/policy.json"
#define GC_FX_WWW "target/www"
#define GC_FX_CANARY "target/canary.txt"
#define GC_FX_SIBLING_CANARY "target/www-x/canary.txt"
#define GC_FX_OUTSIDE_CANARY "outside-canary.txt"

#define GC_FX_CLIENT_CA_KEY "harness/ca/client-ca.key"
#define GC_FX_CLIENT_INT_CERT "harness/ca/client-int.pem"
#define GC_FX_CLIENT_INT_KEY "harness/ca/client-int.key"
#define GC_FX_SERVER_CA_KEY "harness/ca/server-ca.key"
/* Client leaves: harness/clients/<name>.pem (leaf, then any intermediates) and
 * <name>.key. alice: via the intermediate; bob, admin, proxy: by the root. */
#define GC_FX_CLIENTS_DIR "harness/clients"
#define GC_FX_ROGUE_CA_CERT "harness/rogue/ca.pem"
#define GC_FX_ROGUE_CA_KEY "harness/rogue/ca.key"
#define GC_FX_ROGUE_ADMIN_CERT "harness/rogue/admin.pem" /* leaf + rogue CA */
#define GC_FX_ROGUE_ADMIN_KEY "harness/rogue/admin.key"
#define GC_FX_ATTACKER_EC_KEY "harness/attacker/ec.key.pem"
#define GC_FX_ATTACKER_RSA_KEY "harness/attacker/rsa.key.pem"
/* JWT: target/jwt/<kid>.pub.pem (SPKI), target/jwt/hs-1.key (raw secret);
 * private keys harness/jwt/<kid>.key.pem; harness/jwt/hs-1.key (same secret). */
#define GC_FX_JWT_PUB_DIR "target/jwt"
#define GC_FX_JWT_PRIV_DIR "harness/jwt"
#define GC_FX_CANARIES "harness/canaries.json"

/* Identities and policy values written into policy.json. */
#define GC_FX_TRUST_DOMAIN "spiffe://gatecrash.test"
#define GC_FX_ID_ALICE "spiffe://gatecrash.test/user/alice"
#define GC_FX_ID_BOB "spiffe://gatecrash.test/user/bob"
#define GC_FX_ID_ADMIN "spiffe://gatecrash.test/admin"
#define GC_FX_ID_PROXY "spiffe://gatecrash.test/proxy"
#define GC_FX_ISSUER "https://issuer.gatecrash.test"
#define GC_FX_AUDIENCE "gatecrash-target"
#define GC_FX_LEEWAY_S 60
#define GC_FX_MAX_CHAIN_DEPTH 3
#define GC_FX_INTERNAL_NET "10.99.0.0/16"
#define GC_FX_HMAC_LEN 32

/* Known contents of the served files (tests compare against them). */
#define GC_FX_INDEX_HTML                                                                           \
    "<!doctype html>\n<title>gatecrash</title>\n<p>gatecrash fixture root</p>\n"
#define GC_FX_HELLO_TXT "hello from the gatecrash fixture root\n"
#define GC_FX_NESTED_TXT "nested file at sub/dir/nested.txt\n"

/* Canary tokens: "GCCANARY-" + 32 lowercase hex digits. */
#define GC_FX_CANARY_PREFIX "GCCANARY-"
#define GC_FX_CANARY_LEN (sizeof(GC_FX_CANARY_PREFIX) - 1 + 32)
#define GC_FX_N_CANARIES 3

/* --- deterministic randomness -------------------------------------------------- */
/* SHA-256 in counter mode over SHA-256(seed): block i = SHA-256(label || key ||
 * be64(i)). Unseeded, it reads OpenSSL's RAND_bytes. Not for keys. */
struct gc_drbg {
    int seeded;
    uint8_t key[32];
    uint64_t counter;
    uint8_t block[32];
    size_t used; /* bytes of block already handed out */
};
void gc_drbg_init(struct gc_drbg *d, const void *seed, size_t seed_len); /* seed NULL: random */
int gc_drbg_bytes(struct gc_drbg *d, void *out, size_t n);               /* 0 or -1 */

/* --- generator ----------------------------------------------------------------- */
struct gc_fixtures_opts {
    const char *dir;    /* DIR: must not exist or be empty, unless force */
    const char *helper; /* gk-echo path; NULL = look next to the running executable */
    const char *seed;   /* NULL = random tokens/serials/HMAC secret */
    int force;          /* replace a non-empty DIR */
};

/* Build the whole tree in DIR.tmp-XXXXXX, then rename it onto DIR (atomic
 * exchange with --force). On error returns -1, removes the temp tree, and writes
 * "PATH: reason" into err. */
int gc_fixtures_generate(const struct gc_fixtures_opts *opts, char *err, size_t err_cap);

/* Find gk-echo next to the executable: <exe dir>/../reference-server/helper/gk-echo
 * (the build tree), then <exe dir>/gk-echo. Writes an absolute path; 0 or -1. */
int gc_fixtures_find_helper(char *out, size_t cap);

#endif
