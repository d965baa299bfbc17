/* test_catalogue.c: the case catalogue (harness/catalogue.c), `gatecrash list`
 * (harness/list.c) and docs/CASES.md.
 *
 * What it proves: ids are unique, well-formed and name their family; every
 * family reaches its minimum; every case has a title and well-formed refs;
 * every certificate kind is used; the expectations agree with a small model
 * of the contract written here independently of the catalogue (certificate
 * truth per route, tokens that cannot be valid never allow, /files allows only
 * paths that normalize to a file inside www, /run allows everything but the
 * limits); `list` filters, prints JSON and rejects bad options; and the
 * committed docs/CASES.md equals the freshly generated Markdown. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "case.h"
#include "cli.h"

#ifndef GC_CASES_MD
#error "GC_CASES_MD (path of docs/CASES.md) must be defined by the build"
#endif

#define RUN_MAX_ARG 4096 /* the contract's /run argument limit (brief) */
#define TOTAL_MIN 250
#define PATH_MAX_SEGS 64
#define CAPTURE_MAX (4 * 1024 * 1024)

static const struct gc_case *cat(size_t *n)
{
    const struct gc_case *c = gc_catalogue(n);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_gt(*n, 0);
    return c;
}

/* --- ids ------------------------------------------------------------------------ */

START_TEST(ids_are_unique_well_formed_and_name_their_family)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const char *id = cs[i].id;
        ck_assert_ptr_nonnull(id);
        size_t len = strlen(id), comps = 1;
        ck_assert_msg(len > 0 && id[0] != '.' && id[len - 1] != '.', "bad id \"%s\"", id);
        for (size_t k = 0; k < len; k++) {
            char ch = id[k];
            ck_assert_msg((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                              ch == '-',
                          "id \"%s\": byte 0x%02x not in [a-z0-9.-]", id, (unsigned char)ch);
            if (ch == '.') {
                ck_assert_msg(id[k + 1] != '.', "id \"%s\": empty component", id);
                comps++;
            }
        }
        ck_assert_msg(comps >= 3, "id \"%s\": want family.group.name", id);
        const char *fam = gc_family_name(cs[i].family);
        size_t fl = strlen(fam);
        ck_assert_msg(strncmp(id, fam, fl) == 0 && id[fl] == '.',
                      "id \"%s\" is not in its family %s", id, fam);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(strcmp(cs[j].id, id) != 0, "duplicate id \"%s\"", id);
    }
}
END_TEST

START_TEST(catalogue_is_stable_between_calls)
{
    size_t n1, n2;
    const struct gc_case *a = cat(&n1);
    const struct gc_case *b = cat(&n2);
    ck_assert_ptr_eq(a, b);
    ck_assert_uint_eq(n1, n2);
    /* Family blocks are contiguous and in enum order. */
    for (size_t i = 1; i < n1; i++)
        ck_assert_msg(a[i].family >= a[i - 1].family, "%s breaks the family order", a[i].id);
}
END_TEST

/* --- counts --------------------------------------------------------------------- */

static const size_t FAMILY_MIN[GC_FAM_COUNT] = {
    [GC_FAM_CERT] = 35, [GC_FAM_JWT] = 70,  [GC_FAM_FWD] = 30,       [GC_FAM_PATH] = 45,
    [GC_FAM_RUN] = 25,  [GC_FAM_ROUTE] = 20, [GC_FAM_SSRF] = 6,      [GC_FAM_LEAK] = 3,
    [GC_FAM_HARDENING] = 5, [GC_FAM_ROBUST] = 8,
};

START_TEST(every_family_reaches_its_minimum)
{
    size_t n, per[GC_FAM_COUNT] = {0};
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_lt(cs[i].family, GC_FAM_COUNT);
        per[cs[i].family]++;
    }
    for (int f = 0; f < GC_FAM_COUNT; f++)
        ck_assert_msg(per[f] >= FAMILY_MIN[f], "family %s: %zu cases, minimum %zu",
                      gc_family_name((enum gc_family)f), per[f], FAMILY_MIN[f]);
    ck_assert_uint_ge(n, TOTAL_MIN);
}
END_TEST

START_TEST(family_names_are_distinct_and_bounded)
{
    for (int f = 0; f < GC_FAM_COUNT; f++) {
        const char *a = gc_family_name((enum gc_family)f);
        ck_assert_str_ne(a, "?");
        for (int g = 0; g < f; g++)
            ck_assert_str_ne(a, gc_family_name((enum gc_family)g));
    }
    ck_assert_str_eq(gc_family_name(GC_FAM_COUNT), "?");
    ck_assert_str_eq(gc_family_name((enum gc_family)-1), "?");
}
END_TEST

/* --- titles and refs ----------------------------------------------------------- */

static int all_digits(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return 0;
    }
    return 1;
}

/* One ref item: "CWE-<n>", "CVE-<yyyy>-<n>", "RFC <n> §<sec>", or free text
 * (a spec or man page name) that is not a malformed CWE/CVE/RFC. */
static int ref_item_ok(const char *p, size_t n)
{
    if (n == 0 || isspace((unsigned char)p[0]) || isspace((unsigned char)p[n - 1]))
        return 0;
    if (n >= 4 && memcmp(p, "CWE-", 4) == 0)
        return all_digits(p + 4, n - 4);
    if (n >= 4 && memcmp(p, "CVE-", 4) == 0)
        return n >= 13 && all_digits(p + 4, 4) && p[8] == '-' && all_digits(p + 9, n - 9);
    if (n >= 4 && memcmp(p, "RFC ", 4) == 0) {
        size_t d = 4;
        while (d < n && isdigit((unsigned char)p[d]))
            d++;
        /* "RFC 9110 §9.1": the section sign is two bytes in UTF-8. */
        return d > 4 && n > d + 3 && p[d] == ' ' && memcmp(p + d + 1, "\xc2\xa7", 2) == 0;
    }
    return 1;
}

START_TEST(every_case_has_a_title_and_well_formed_refs)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    size_t with_cwe[GC_FAM_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        ck_assert_msg(c->title != NULL && c->title[0] != '\0', "%s: no title", c->id);
        ck_assert_msg(strpbrk(c->title, "\r\n") == NULL, "%s: title spans lines", c->id);
        ck_assert_msg(c->refs != NULL && c->refs[0] != '\0', "%s: no refs", c->id);
        const char *p = c->refs;
        for (;;) {
            const char *semi = strstr(p, "; ");
            size_t len = semi ? (size_t)(semi - p) : strlen(p);
            ck_assert_msg(ref_item_ok(p, len), "%s: malformed ref \"%.*s\"", c->id, (int)len, p);
            if (len >= 4 && memcmp(p, "CWE-", 4) == 0)
                with_cwe[c->family]++;
            if (semi == NULL)
                break;
            p = semi + 2;
        }
    }
    for (int f = 0; f < GC_FAM_COUNT; f++)
        ck_assert_msg(with_cwe[f] > 0, "family %s cites no CWE", gc_family_name((enum gc_family)f));
}
END_TEST

/* --- certificates ---------------------------------------------------------------- */

START_TEST(every_cert_kind_is_used)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    int used[GC_CERT_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_lt(cs[i].cert, GC_CERT_COUNT);
        used[cs[i].cert]++;
    }
    for (int k = 0; k < GC_CERT_COUNT; k++)
        ck_assert_msg(used[k] > 0, "certificate kind %s unused", gc_cert_truth((enum gc_cert_kind)k)->name);
}
END_TEST

START_TEST(cert_truth_names_and_identities)
{
    ck_assert_str_eq(gc_cert_truth(GC_CERT_NONE)->name, "none");
    ck_assert_str_eq(gc_cert_truth(GC_CERT_ALICE)->name, "alice");
    ck_assert_str_eq(gc_cert_truth(GC_CERT_ROGUE_CA_ADMIN)->name, "rogue-ca-admin");
    ck_assert_str_eq(gc_cert_truth(GC_CERT_INTERMEDIATE_ALICE)->name, "intermediate-alice");
    ck_assert_str_eq(gc_cert_truth(GC_CERT_ADMIN)->identity, "spiffe://gatecrash.test/admin");
    ck_assert_ptr_null(gc_cert_truth(GC_CERT_COUNT));
    for (int k = 0; k < GC_CERT_COUNT; k++) {
        const struct gc_cert_truth *t = gc_cert_truth((enum gc_cert_kind)k);
        ck_assert_ptr_nonnull(t->name);
        for (const char *p = t->name; *p; p++)
            ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-',
                          "cert name %s", t->name);
        /* An identity exactly when valid; admin only when valid. */
        ck_assert_int_eq(t->valid, t->identity != NULL);
        ck_assert(!t->admin || t->valid);
        if (t->admin)
            ck_assert_str_eq(t->identity, "spiffe://gatecrash.test/admin");
        for (int j = 0; j < k; j++)
            ck_assert_str_ne(t->name, gc_cert_truth((enum gc_cert_kind)j)->name);
    }
}
END_TEST

/* --- the expectation model ------------------------------------------------------- */

static int is_deny(const struct gc_expect *e)
{
    return e->kind == GC_EXPECT_DENY || (e->kind == GC_EXPECT_STATUS && (e->status < 200 || e->status > 299));
}

static int is_allow(const struct gc_expect *e)
{
    return e->kind == GC_EXPECT_ALLOW || (e->kind == GC_EXPECT_STATUS && e->status >= 200 && e->status <= 299);
}

static int has_headers(const struct gc_case *c) { return c->headers[0] != NULL; }

static int has_token(const struct gc_case *c) { return c->token.header != NULL; }

/* A token this model knows can never verify: unsigned, attacker- or
 * confusion-keyed, or damaged on purpose. */
static int token_cannot_verify(const struct gc_token_recipe *t)
{
    if (t->header == NULL)
        return 0;
    return t->key != GC_KEY_FIXTURE || t->mutation != GC_TOKMUT_NONE ||
           (t->sign_alg != NULL && strcasecmp(t->sign_alg, "none") == 0);
}

/* A plain request: GET, no token, no extra headers, no raw bytes. */
static int plain(const struct gc_case *c)
{
    return c->action == GC_ACT_REQUEST && c->raw == NULL && c->method == NULL && !has_token(c) &&
           !has_headers(c) && c->target != NULL;
}

START_TEST(plain_cert_requests_follow_the_cert_truth)
{
    size_t n, checked = 0;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        if (!plain(c))
            continue;
        const struct gc_cert_truth *t = gc_cert_truth(c->cert);
        const struct gc_expect *e = &c->expect;
        if (strcmp(c->target, "/user") == 0) {
            checked++;
            if (c->cert == GC_CERT_NONE)
                ck_assert_msg(e->kind == GC_EXPECT_STATUS && e->status == 401, "%s", c->id);
            else if (!t->valid)
                ck_assert_msg(is_deny(e), "%s: invalid certificate must be denied /user", c->id);
            else
                ck_assert_msg(is_allow(e), "%s: valid certificate must reach /user", c->id);
        } else if (strcmp(c->target, "/admin") == 0) {
            checked++;
            if (c->cert == GC_CERT_NONE)
                ck_assert_msg(e->kind == GC_EXPECT_STATUS && e->status == 401, "%s", c->id);
            else if (!t->valid)
                ck_assert_msg(is_deny(e), "%s: invalid certificate must be denied /admin", c->id);
            else if (!t->admin)
                ck_assert_msg(e->kind == GC_EXPECT_STATUS && e->status == 403, "%s", c->id);
            else
                ck_assert_msg(is_allow(e) && e->admin == GC_ADMIN_YES, "%s", c->id);
        } else if (strcmp(c->target, "/whoami") == 0) {
            checked++;
            ck_assert_msg(t->valid || c->cert == GC_CERT_NONE,
                          "%s: an invalid certificate on /whoami has no single truth", c->id);
            ck_assert_msg(is_allow(e) && e->source != NULL, "%s", c->id);
            if (t->valid) {
                ck_assert_str_eq(e->source, "cert");
                ck_assert_str_eq(e->identity, t->identity);
                ck_assert_int_eq(e->admin, t->admin ? GC_ADMIN_YES : GC_ADMIN_NO);
            } else {
                ck_assert_str_eq(e->source, "none");
                ck_assert_ptr_null(e->identity);
            }
        }
    }
    ck_assert_uint_ge(checked, 35);
}
END_TEST

START_TEST(invalid_credentials_never_allow_protected_routes)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        const struct gc_cert_truth *t = gc_cert_truth(c->cert);
        int proxy_forwarding = c->cert == GC_CERT_PROXY && has_headers(c);
        int no_valid_credential = !t->valid && (!has_token(c) || token_cannot_verify(&c->token));
        int bad_token = token_cannot_verify(&c->token);
        if (c->target == NULL || c->raw != NULL)
            continue;
        int protected_route = strcmp(c->target, "/user") == 0 || strcmp(c->target, "/admin") == 0;
        if (protected_route && (no_valid_credential || bad_token) && !proxy_forwarding)
            ck_assert_msg(is_deny(&c->expect), "%s: no valid credential but expects allow", c->id);
        /* A present but invalid token means no identity: /whoami names nobody. */
        if (bad_token && strcmp(c->target, "/whoami") == 0) {
            ck_assert_msg(is_allow(&c->expect), "%s", c->id);
            ck_assert_ptr_null(c->expect.identity);
            ck_assert_str_eq(c->expect.source, "none");
        }
    }
}
END_TEST

START_TEST(allowed_whoami_states_who_and_how)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        for (int r = 0; r < 2; r++) {
            const char *target = r == 0 ? c->target : c->second_target;
            const struct gc_expect *e = r == 0 ? &c->expect : &c->expect_second;
            if (target == NULL || strcmp(target, "/whoami") != 0 || c->raw != NULL || !is_allow(e))
                continue;
            ck_assert_msg(e->source != NULL, "%s: allowed /whoami without a source", c->id);
            ck_assert_msg(e->admin != GC_ADMIN_UNSTATED, "%s: admin truth unstated", c->id);
            const char *src = e->source;
            int tok = r == 0 && has_token(c);
            if (strcmp(src, "none") == 0) {
                ck_assert_ptr_null(e->identity);
            } else if (strcmp(src, "cert") == 0) {
                ck_assert_msg(!tok, "%s: token present but source cert", c->id);
                ck_assert_ptr_nonnull(gc_cert_truth(c->cert)->identity);
                ck_assert_str_eq(e->identity, gc_cert_truth(c->cert)->identity);
            } else if (strcmp(src, "jwt") == 0) {
                ck_assert_msg(tok && !token_cannot_verify(&c->token), "%s", c->id);
                ck_assert_ptr_nonnull(e->identity);
            } else {
                ck_assert_str_eq(src, "forwarded");
                ck_assert_int_eq(c->cert, GC_CERT_PROXY);
                ck_assert_ptr_nonnull(e->identity);
            }
        }
    }
}
END_TEST

/* identity-confusion judges every allowed /user, /admin, /internal answer that
 * carries an identity against expect.identity: it must be stated. */
START_TEST(allowed_protected_routes_state_the_identity)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        for (int r = 0; r < 2; r++) {
            const char *target = r == 0 ? c->target : c->second_target;
            const struct gc_expect *e = r == 0 ? &c->expect : &c->expect_second;
            if (target == NULL || !is_allow(e))
                continue;
            if (strcmp(target, "/user") != 0 && strcmp(target, "/admin") != 0 &&
                strcmp(target, "/internal") != 0)
                continue;
            ck_assert_msg(e->identity != NULL && e->source != NULL && e->admin != GC_ADMIN_UNSTATED,
                          "%s: allowed %s without identity, source and admin truth", c->id, target);
        }
    }
}
END_TEST

START_TEST(allowed_admin_has_an_admin_credential)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        if (c->target == NULL || strcmp(c->target, "/admin") != 0 || !is_allow(&c->expect))
            continue;
        ck_assert_msg(c->expect.admin == GC_ADMIN_YES, "%s: allowed /admin, admin truth not YES", c->id);
        int cert_admin = gc_cert_truth(c->cert)->admin && !has_token(c);
        int token_admin = has_token(c) && !token_cannot_verify(&c->token) &&
                          strstr(c->token.payload, "\"admin\"") != NULL;
        int fwd_admin = c->cert == GC_CERT_PROXY && has_headers(c) &&
                        strstr(c->headers[0], "spiffe://gatecrash.test/admin") != NULL;
        ck_assert_msg(cert_admin || token_admin || fwd_admin, "%s: allowed /admin without admin", c->id);
    }
}
END_TEST

static const int KNOWN_STATUS[] = {400, 401, 403, 404, 405, 414, 431};

START_TEST(statuses_and_actions_are_consistent)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        for (int r = 0; r < 2; r++) {
            const struct gc_expect *e = r == 0 ? &c->expect : &c->expect_second;
            if (e->kind != GC_EXPECT_STATUS)
                continue;
            int ok = 0;
            for (size_t k = 0; k < sizeof(KNOWN_STATUS) / sizeof(KNOWN_STATUS[0]); k++)
                ok |= e->status == KNOWN_STATUS[k];
            ck_assert_msg(ok, "%s: status %d is not one the contract fixes", c->id, e->status);
        }
        int posture = c->action == GC_ACT_POSTURE;
        ck_assert_int_eq(posture, c->family == GC_FAM_HARDENING);
        ck_assert_int_eq(posture, c->expect.kind == GC_EXPECT_POSTURE_OK);
        ck_assert_int_eq(posture, c->posture != GC_POSTURE_NONE);
        ck_assert_int_eq(c->action == GC_ACT_PIPELINE, c->second_target != NULL);
        if (c->action == GC_ACT_PIPELINE)
            ck_assert_msg(has_token(c), "%s: a pipeline case must carry a token to leak", c->id);
        if (c->raw != NULL)
            ck_assert_uint_eq(c->raw_len, strlen(c->raw));
        /* Something to send: a target, a run argument, raw bytes, or nothing at all. */
        ck_assert_msg(posture || c->target != NULL || c->run_arg != NULL || c->raw != NULL,
                      "%s: nothing to send", c->id);
        for (size_t h = 0; h < GC_CASE_MAX_HEADERS && c->headers[h] != NULL; h++)
            ck_assert_msg(strstr(c->headers[h], ": ") != NULL, "%s: header \"%s\"", c->id, c->headers[h]);
    }
}
END_TEST

START_TEST(hardening_ids_name_their_posture_check)
{
    static const struct {
        const char *last;
        enum gc_posture_check check;
    } MAP[] = {
        {"not-root", GC_POSTURE_NOT_ROOT},           {"no-capabilities", GC_POSTURE_NO_CAPABILITIES},
        {"no-new-privs", GC_POSTURE_NO_NEW_PRIVS},   {"seccomp-filter", GC_POSTURE_SECCOMP_FILTER},
        {"no-reach-outside", GC_POSTURE_NO_REACH_OUTSIDE},
    };
    size_t n, seen = 0;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        if (cs[i].action != GC_ACT_POSTURE)
            continue;
        const char *last = strrchr(cs[i].id, '.') + 1;
        int found = 0;
        for (size_t k = 0; k < sizeof(MAP) / sizeof(MAP[0]); k++) {
            if (strcmp(MAP[k].last, last) == 0) {
                ck_assert_int_eq(cs[i].posture, MAP[k].check);
                found = 1;
                seen |= 1u << k;
            }
        }
        ck_assert_msg(found, "%s: unknown posture check", cs[i].id);
    }
    ck_assert_uint_eq(seen, (1u << (sizeof(MAP) / sizeof(MAP[0]))) - 1);
}
END_TEST

START_TEST(run_allows_every_argument_but_the_limits)
{
    size_t n;
    int at_limit = 0, past_limit = 0, nul = 0;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        if (c->run_arg == NULL)
            continue;
        ck_assert_int_eq(c->family, GC_FAM_RUN);
        ck_assert_msg(c->run_arg_len > 0 || c->run_arg[0] == '\0', "%s: run_arg_len unset", c->id);
        ck_assert_msg(c->contract_part & GC_PART_RUN, "%s", c->id);
        int has_nul = memchr(c->run_arg, '\0', c->run_arg_len) != NULL;
        if (c->run_arg_len > RUN_MAX_ARG || has_nul) {
            ck_assert_msg(c->expect.kind == GC_EXPECT_STATUS && c->expect.status == 400, "%s", c->id);
        } else {
            ck_assert_msg(c->expect.kind == GC_EXPECT_ALLOW, "%s: the helper must get it unchanged", c->id);
            ck_assert_msg(c->cert != GC_CERT_NONE || has_token(c), "%s: /run needs an identity", c->id);
        }
        at_limit += c->run_arg_len == RUN_MAX_ARG;
        past_limit += c->run_arg_len == RUN_MAX_ARG + 1;
        nul += has_nul;
    }
    ck_assert_int_eq(at_limit, 1);
    ck_assert_int_eq(past_limit, 1);
    ck_assert_int_ge(nul, 1);
}
END_TEST

/* --- /files: an independent normalizer (RFC 3986 §2.1, §5.2.4) ------------------- */

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = (char)tolower((unsigned char)ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Decode once, refuse encoded separators / NUL / bytes >= 0x80 / '\\', remove
 * dot segments. Returns 1 with the normalized path in out, 0 if rejected or if
 * it would climb above "/". Deliberately simpler than any target's: it only has
 * to be right for the catalogue's inputs. */
static int model_normalize(const char *in, char *out, size_t cap)
{
    char dec[8192];
    size_t w = 0;
    const char *q = strchr(in, '?');
    size_t len = q ? (size_t)(q - in) : strlen(in);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch == '%') {
            if (i + 2 >= len)
                return 0;
            int hi = hexval(in[i + 1]), lo = hi < 0 ? -1 : hexval(in[i + 2]);
            if (hi < 0 || lo < 0)
                return 0;
            ch = (unsigned char)(hi * 16 + lo);
            if (ch == '/' || ch == '\\' || ch == 0)
                return 0;
            i += 2;
        } else if (ch == '\\') {
            return 0;
        }
        if (ch >= 0x80 || ch < 0x20 || w + 1 >= sizeof(dec))
            return 0;
        dec[w++] = (char)ch;
    }
    dec[w] = '\0';
    /* Segments between raw '/' of the decoded path (decoded '/' was refused). */
    /* A trailing '/', "." or ".." names a directory (RFC 3986 §5.2.4 keeps the slash). */
    const char *last = strrchr(dec, '/');
    int dir = last != NULL && (strcmp(last, "/") == 0 || strcmp(last, "/.") == 0 ||
                               strcmp(last, "/..") == 0);
    const char *segs[PATH_MAX_SEGS];
    size_t seglen[PATH_MAX_SEGS], ns = 0;
    const char *p = dec;
    while (*p == '/') {
        const char *s = p + 1;
        const char *e = strchr(s, '/');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (l == 2 && memcmp(s, "..", 2) == 0) {
            if (ns == 0)
                return 0;
            ns--;
        } else if (!(l == 1 && s[0] == '.') && l > 0) {
            if (ns == PATH_MAX_SEGS)
                return 0;
            segs[ns] = s;
            seglen[ns++] = l;
        }
        p = s + l;
    }
    size_t o = 0;
    for (size_t i = 0; i < ns; i++) {
        if (o + seglen[i] + 2 >= cap)
            return 0;
        out[o++] = '/';
        memcpy(out + o, segs[i], seglen[i]);
        o += seglen[i];
    }
    if (dir || o == 0) {
        if (o + 2 >= cap)
            return 0;
        out[o++] = '/';
    }
    out[o] = '\0';
    return 1;
}

START_TEST(model_normalizer_self_check)
{
    char out[256];
    ck_assert_int_eq(model_normalize("/files/sub/dir/../dir/nested.txt", out, sizeof(out)), 1);
    ck_assert_str_eq(out, "/files/sub/dir/nested.txt");
    ck_assert_int_eq(model_normalize("/files/%2e%2e/x", out, sizeof(out)), 1);
    ck_assert_str_eq(out, "/x");
    ck_assert_int_eq(model_normalize("/files/../../x", out, sizeof(out)), 0);
    ck_assert_int_eq(model_normalize("/files/a%2fb", out, sizeof(out)), 0);
    ck_assert_int_eq(model_normalize("/files/a%00", out, sizeof(out)), 0);
    ck_assert_int_eq(model_normalize("/files/a%c0%ae", out, sizeof(out)), 0);
    ck_assert_int_eq(model_normalize("/files/a%2", out, sizeof(out)), 0);
    ck_assert_int_eq(model_normalize("/files/hello.txt/", out, sizeof(out)), 1);
    ck_assert_str_eq(out, "/files/hello.txt/");
    ck_assert_int_eq(model_normalize("/files/sub/..", out, sizeof(out)), 1);
    ck_assert_str_eq(out, "/files/");
    ck_assert_int_eq(model_normalize("/files/%252e", out, sizeof(out)), 1);
    ck_assert_str_eq(out, "/files/%2e");
}
END_TEST

static const char *const WWW_FILES[] = {"/files/hello.txt", "/files/index.html",
                                        "/files/sub/dir/nested.txt"};

START_TEST(files_allow_only_regular_files_inside_www)
{
    size_t n, allowed = 0;
    const struct gc_case *cs = cat(&n);
    char norm[8192];
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        if (c->target == NULL || strncmp(c->target, "/files", 6) != 0)
            continue;
        ck_assert_msg(c->contract_part & GC_PART_FILES, "%s", c->id);
        int inside = 0;
        if (model_normalize(c->target, norm, sizeof(norm))) {
            for (size_t k = 0; k < sizeof(WWW_FILES) / sizeof(WWW_FILES[0]); k++)
                inside |= strcmp(norm, WWW_FILES[k]) == 0;
        }
        int identity = c->cert != GC_CERT_NONE && gc_cert_truth(c->cert)->valid;
        if (is_allow(&c->expect)) {
            ck_assert_msg(inside && identity, "%s: allows %s", c->id, c->target);
            allowed++;
        } else if (inside && identity) {
            ck_assert_msg(0, "%s: denies %s, a file inside www", c->id, c->target);
        }
    }
    ck_assert_uint_ge(allowed, 5);
}
END_TEST

START_TEST(contract_parts_follow_what_is_sent)
{
    size_t n;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++) {
        const struct gc_case *c = &cs[i];
        ck_assert_int_eq(!!(c->contract_part & GC_PART_CERT), c->cert != GC_CERT_NONE);
        ck_assert_int_eq(!!(c->contract_part & GC_PART_JWT), has_token(c));
        if (c->target != NULL && strncmp(c->target, "/internal", 9) == 0)
            ck_assert(c->contract_part & GC_PART_INTERNAL);
        if (c->contract_part & GC_PART_FORWARDED)
            ck_assert_int_eq(c->cert, GC_CERT_PROXY);
    }
}
END_TEST

/* --- `gatecrash list` ------------------------------------------------------------ */

struct captured {
    int rc;
    char *out;
    char *err;
};

static char *slurp(FILE *f)
{
    rewind(f);
    char *buf = malloc(CAPTURE_MAX + 1);
    ck_assert_ptr_nonnull(buf);
    size_t len = fread(buf, 1, CAPTURE_MAX, f);
    buf[len] = '\0';
    return buf;
}

/* Run gc_cmd_list with stdout and stderr captured in temp files. */
static struct captured run_list(int argc, const char *const *args)
{
    char *argv[16];
    ck_assert_int_lt(argc, 16);
    for (int i = 0; i < argc; i++)
        argv[i] = (char *)args[i];
    argv[argc] = NULL;
    FILE *fo = tmpfile(), *fe = tmpfile();
    ck_assert(fo != NULL && fe != NULL);
    fflush(stdout);
    fflush(stderr);
    int so = dup(STDOUT_FILENO), se = dup(STDERR_FILENO);
    ck_assert(so >= 0 && se >= 0);
    ck_assert_int_ge(dup2(fileno(fo), STDOUT_FILENO), 0);
    ck_assert_int_ge(dup2(fileno(fe), STDERR_FILENO), 0);
    struct captured r = {.rc = gc_cmd_list(argc, argv)};
    fflush(stdout);
    fflush(stderr);
    dup2(so, STDOUT_FILENO);
    dup2(se, STDERR_FILENO);
    close(so);
    close(se);
    r.out = slurp(fo);
    r.err = slurp(fe);
    fclose(fo);
    fclose(fe);
    return r;
}

static void captured_free(struct captured *r)
{
    free(r->out);
    free(r->err);
}

static size_t count_lines(const char *s)
{
    size_t k = 0;
    for (; *s; s++)
        k += *s == '\n';
    return k;
}

START_TEST(list_prints_one_line_per_selected_case)
{
    size_t n, want = 0;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++)
        want += strncmp(cs[i].id, "jwt.alg.", 8) == 0 || strncmp(cs[i].id, "ssrf.", 5) == 0;
    const char *args[] = {"list", "jwt.alg.", "ssrf."};
    struct captured r = run_list(3, args);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_uint_eq(count_lines(r.out), want);
    char tail[64];
    snprintf(tail, sizeof(tail), "%zu cases\n", want);
    ck_assert_str_eq(r.err, tail);
    /* Every line starts with a selected id and names its family and expectation. */
    ck_assert_ptr_nonnull(strstr(r.out, "jwt.alg.none-lower "));
    ck_assert_ptr_nonnull(strstr(r.out, "  ssrf  "));
    ck_assert_ptr_null(strstr(r.out, "cert."));
    captured_free(&r);

    const char *all[] = {"list"};
    r = run_list(1, all);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_uint_eq(count_lines(r.out), n);
    captured_free(&r);

    const char *none[] = {"list", "no-such-prefix"};
    r = run_list(2, none);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "0 cases\n");
    captured_free(&r);
}
END_TEST

START_TEST(list_json_holds_every_selected_case)
{
    size_t n, want = 0;
    const struct gc_case *cs = cat(&n);
    for (size_t i = 0; i < n; i++)
        want += cs[i].family == GC_FAM_RUN;
    const char *args[] = {"list", "--json", "--family", "run"};
    struct captured r = run_list(4, args);
    ck_assert_int_eq(r.rc, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    ck_assert_msg(root != NULL, "JSON: %s", jerr.text);
    json_t *arr = json_object_get(root, "cases");
    ck_assert_uint_eq(json_array_size(arr), want);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "count")), (json_int_t)want);
    size_t i;
    json_t *c;
    int saw_nul = 0, saw_long = 0;
    json_array_foreach(arr, i, c)
    {
        ck_assert_str_eq(json_string_value(json_object_get(c, "family")), "run");
        ck_assert_ptr_nonnull(json_string_value(json_object_get(c, "id")));
        ck_assert_ptr_nonnull(json_object_get(json_object_get(c, "expect"), "kind"));
        json_t *arg = json_object_get(c, "run_arg");
        if (json_is_string(arg)) {
            saw_nul |= json_string_length(arg) == 3 && memcmp(json_string_value(arg), "a\0b", 3) == 0;
            saw_long |= json_string_length(arg) == RUN_MAX_ARG + 1;
        }
    }
    ck_assert(saw_nul && saw_long); /* bytes survive exactly, NUL included */
    json_decref(root);
    captured_free(&r);
}
END_TEST

START_TEST(list_rejects_bad_options_with_usage)
{
    const char *bad_opt[] = {"list", "--bogus"};
    struct captured r = run_list(2, bad_opt);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "usage: gatecrash list"));
    ck_assert_str_eq(r.out, "");
    captured_free(&r);

    const char *bad_fam[] = {"list", "--family", "nope"};
    r = run_list(3, bad_fam);
    ck_assert_int_eq(r.rc, 2);
    captured_free(&r);

    const char *missing[] = {"list", "--family"};
    r = run_list(2, missing);
    ck_assert_int_eq(r.rc, 2);
    captured_free(&r);

    const char *both[] = {"list", "--json", "--markdown"};
    r = run_list(3, both);
    ck_assert_int_eq(r.rc, 2);
    captured_free(&r);

    const char *help[] = {"list", "--help"};
    r = run_list(2, help);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: gatecrash list"));
    captured_free(&r);
}
END_TEST

/* --- docs/CASES.md --------------------------------------------------------------- */

static char *generated_markdown(size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(gc_cases_markdown(f), 0);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

START_TEST(markdown_is_deterministic_and_lists_every_case)
{
    size_t l1, l2, n;
    char *a = generated_markdown(&l1);
    char *b = generated_markdown(&l2);
    ck_assert_uint_eq(l1, l2);
    ck_assert(memcmp(a, b, l1) == 0);
    const struct gc_case *cs = cat(&n);
    char want[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(want, sizeof(want), "| `%s` |", cs[i].id);
        ck_assert_msg(strstr(a, want) != NULL, "%s missing from the Markdown", cs[i].id);
    }
    ck_assert_ptr_nonnull(strstr(a, "GENERATED FILE"));
    ck_assert_ptr_nonnull(strstr(a, "ci/gen-cases.sh"));
    const char *args[] = {"list", "--markdown"};
    struct captured r = run_list(2, args);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, a); /* the command and the function agree */
    captured_free(&r);
    free(a);
    free(b);
}
END_TEST

START_TEST(committed_cases_md_is_fresh)
{
    size_t len;
    char *want = generated_markdown(&len);
    FILE *f = fopen(GC_CASES_MD, "rb");
    ck_assert_msg(f != NULL, "%s missing: regenerate with %s", GC_CASES_MD, GC_CASES_REGEN_CMD);
    char *have = malloc(CAPTURE_MAX + 1);
    ck_assert_ptr_nonnull(have);
    size_t hl = fread(have, 1, CAPTURE_MAX, f);
    have[hl] = '\0';
    fclose(f);
    if (hl != len || memcmp(have, want, len) != 0) {
        size_t i = 0, line = 1;
        while (i < hl && i < len && have[i] == want[i])
            line += have[i++] == '\n';
        ck_abort_msg("%s is stale (first difference at line %zu): regenerate with %s", GC_CASES_MD,
                     line, GC_CASES_REGEN_CMD);
    }
    free(have);
    free(want);
}
END_TEST

static Suite *catalogue_suite(void)
{
    Suite *s = suite_create("catalogue");
    TCase *t = tcase_create("catalogue");
    tcase_add_test(t, ids_are_unique_well_formed_and_name_their_family);
    tcase_add_test(t, catalogue_is_stable_between_calls);
    tcase_add_test(t, every_family_reaches_its_minimum);
    tcase_add_test(t, family_names_are_distinct_and_bounded);
    tcase_add_test(t, every_case_has_a_title_and_well_formed_refs);
    tcase_add_test(t, every_cert_kind_is_used);
    tcase_add_test(t, cert_truth_names_and_identities);
    tcase_add_test(t, plain_cert_requests_follow_the_cert_truth);
    tcase_add_test(t, invalid_credentials_never_allow_protected_routes);
    tcase_add_test(t, allowed_whoami_states_who_and_how);
    tcase_add_test(t, allowed_protected_routes_state_the_identity);
    tcase_add_test(t, allowed_admin_has_an_admin_credential);
    tcase_add_test(t, statuses_and_actions_are_consistent);
    tcase_add_test(t, hardening_ids_name_their_posture_check);
    tcase_add_test(t, run_allows_every_argument_but_the_limits);
    tcase_add_test(t, model_normalizer_self_check);
    tcase_add_test(t, files_allow_only_regular_files_inside_www);
    tcase_add_test(t, contract_parts_follow_what_is_sent);
    suite_add_tcase(s, t);
    TCase *l = tcase_create("list");
    tcase_add_test(l, list_prints_one_line_per_selected_case);
    tcase_add_test(l, list_json_holds_every_selected_case);
    tcase_add_test(l, list_rejects_bad_options_with_usage);
    tcase_add_test(l, markdown_is_deterministic_and_lists_every_case);
    tcase_add_test(l, committed_cases_md_is_fresh);
    suite_add_tcase(s, l);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(catalogue_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
