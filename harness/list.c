/* harness/list.c: `gatecrash list`, the catalogue as aligned text, as JSON
 * (every field, for other implementations and tools) or as docs/CASES.md.
 * Output order is the catalogue's order; nothing here depends on time or
 * environment, so the Markdown is reproducible byte for byte. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "case.h"
#include "case_json.h"
#include "cli.h"

#define LIST_EXIT_OK 0
#define LIST_EXIT_USAGE 2
#define LIST_EXPECT_MAX 512  /* one rendered expectation */
#define LIST_CELL_MAX 2048   /* one escaped Markdown table cell */

/* --- names --------------------------------------------------------------------- */

const char *gc_action_name(enum gc_action a)
{
    switch (a) {
    case GC_ACT_REQUEST: return "request";
    case GC_ACT_PIPELINE: return "pipeline";
    case GC_ACT_SLOW_HEADERS: return "slow-headers";
    case GC_ACT_PARTIAL_CLOSE: return "partial-close";
    case GC_ACT_CONN_FLOOD: return "conn-flood";
    case GC_ACT_BAD_TLS: return "bad-tls";
    case GC_ACT_POSTURE: return "posture";
    }
    return GC_ENUM_NAME_UNKNOWN;
}

const char *gc_sign_key_name(enum gc_sign_key k)
{
    switch (k) {
    case GC_KEY_NONE: return "none";
    case GC_KEY_FIXTURE: return "fixture";
    case GC_KEY_ATTACKER: return "attacker";
    case GC_KEY_RSA_PUB_PEM_AS_HMAC: return "rsa-pub-pem-as-hmac";
    case GC_KEY_RSA_PUB_DER_AS_HMAC: return "rsa-pub-der-as-hmac";
    case GC_KEY_EC_PUB_PEM_AS_HMAC: return "ec-pub-pem-as-hmac";
    case GC_KEY_EMPTY_HMAC: return "empty-hmac";
    }
    return GC_ENUM_NAME_UNKNOWN;
}

const char *gc_token_mutation_name(enum gc_token_mutation m)
{
    switch (m) {
    case GC_TOKMUT_NONE: return "none";
    case GC_TOKMUT_STRIP_SIG: return "strip-sig";
    case GC_TOKMUT_DROP_SIG_SEGMENT: return "drop-sig-segment";
    case GC_TOKMUT_EXTRA_SEGMENT: return "extra-segment";
    case GC_TOKMUT_PAD_B64: return "pad-b64";
    case GC_TOKMUT_STD_B64: return "std-b64";
    case GC_TOKMUT_PSYCHIC_ECDSA: return "psychic-ecdsa";
    case GC_TOKMUT_DER_ECDSA: return "der-ecdsa";
    case GC_TOKMUT_JSON_SERIALIZATION: return "json-serialization";
    case GC_TOKMUT_FLIP_SIG_BIT: return "flip-sig-bit";
    case GC_TOKMUT_HUGE: return "huge";
    }
    return GC_ENUM_NAME_UNKNOWN;
}

const char *gc_expect_kind_name(enum gc_expect_kind k)
{
    switch (k) {
    case GC_EXPECT_DENY: return "deny";
    case GC_EXPECT_ALLOW: return "allow";
    case GC_EXPECT_STATUS: return "status";
    case GC_EXPECT_POSTURE_OK: return "posture-ok";
    }
    return GC_ENUM_NAME_UNKNOWN;
}

const char *gc_admin_truth_name(enum gc_admin_truth a)
{
    switch (a) {
    case GC_ADMIN_UNSTATED: return NULL;
    case GC_ADMIN_NO: return "no";
    case GC_ADMIN_YES: return "yes";
    }
    return GC_ENUM_NAME_UNKNOWN;
}

const char *gc_posture_check_name(enum gc_posture_check p)
{
    switch (p) {
    case GC_POSTURE_NONE: return NULL;
    case GC_POSTURE_NOT_ROOT: return "not-root";
    case GC_POSTURE_NO_CAPABILITIES: return "no-capabilities";
    case GC_POSTURE_NO_NEW_PRIVS: return "no-new-privs";
    case GC_POSTURE_SECCOMP_FILTER: return "seccomp-filter";
    case GC_POSTURE_NO_REACH_OUTSIDE: return "no-reach-outside";
    }
    return GC_ENUM_NAME_UNKNOWN;
}

static const struct {
    unsigned bit;
    const char *name;
} PARTS[] = {
    {GC_PART_CERT, "cert"},         {GC_PART_JWT, "jwt"},  {GC_PART_FORWARDED, "forwarded"},
    {GC_PART_FILES, "files"},       {GC_PART_RUN, "run"},  {GC_PART_INTERNAL, "internal"},
};
#define N_PARTS (sizeof(PARTS) / sizeof(PARTS[0]))

unsigned gc_part_bit(size_t i)
{
    return i < N_PARTS ? PARTS[i].bit : 0;
}

const char *gc_part_name(size_t i)
{
    return i < N_PARTS ? PARTS[i].name : NULL;
}

/* --- expectations -------------------------------------------------------------- */

const char *gc_expect_short(const struct gc_expect *e, char *buf, size_t cap)
{
    switch (e->kind) {
    case GC_EXPECT_STATUS:
        snprintf(buf, cap, "%d", e->status);
        break;
    case GC_EXPECT_POSTURE_OK:
        snprintf(buf, cap, "posture ok");
        break;
    default:
        snprintf(buf, cap, "%s", gc_expect_kind_name(e->kind));
        break;
    }
    return buf;
}

static const char *case_expect_short(const struct gc_case *c, char *buf, size_t cap)
{
    char a[32], b[32];
    if (c->action != GC_ACT_PIPELINE)
        return gc_expect_short(&c->expect, buf, cap);
    snprintf(buf, cap, "%s/%s", gc_expect_short(&c->expect, a, sizeof(a)),
             gc_expect_short(&c->expect_second, b, sizeof(b)));
    return buf;
}

/* "allow as `spiffe://...` (cert, admin) from 10.99.0.1" */
static void expect_long(const struct gc_expect *e, char *buf, size_t cap)
{
    char s[32];
    int n = snprintf(buf, cap, "%s", gc_expect_short(e, s, sizeof(s)));
    if (n < 0 || (size_t)n >= cap)
        return;
    size_t w = (size_t)n;
    if (e->source != NULL) {
        const char *adm = e->admin == GC_ADMIN_YES ? ", admin" : "";
        if (e->identity != NULL)
            n = snprintf(buf + w, cap - w, " as `%s` (%s%s)", e->identity, e->source, adm);
        else
            n = snprintf(buf + w, cap - w, " as nobody (%s)", e->source);
        if (n < 0 || (size_t)n >= cap - w)
            return;
        w += (size_t)n;
    }
    if (e->client_addr != NULL)
        snprintf(buf + w, cap - w, " from `%s`", e->client_addr);
}

/* --- JSON ---------------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* Byte strings (targets, raw requests, /run arguments) as JSON strings; bytes
 * that are not UTF-8 go to "<key>_hex" instead. */
static void set_bytes(json_t *o, const char *key, const char *p, size_t len)
{
    if (p == NULL) {
        json_object_set_new(o, key, json_null());
        return;
    }
    json_t *s = json_stringn(p, len);
    if (s != NULL) {
        json_object_set_new(o, key, s);
        return;
    }
    char *hex = malloc(len * 2 + 1);
    char hkey[64];
    if (hex == NULL)
        return;
    for (size_t i = 0; i < len; i++)
        snprintf(hex + i * 2, 3, "%02x", (unsigned char)p[i]);
    hex[len * 2] = '\0';
    snprintf(hkey, sizeof(hkey), "%s_hex", key);
    json_object_set_new(o, key, json_null());
    json_object_set_new(o, hkey, json_string(hex));
    free(hex);
}

static json_t *expect_json(const struct gc_expect *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(gc_expect_kind_name(e->kind)));
    json_object_set_new(o, "status", e->kind == GC_EXPECT_STATUS ? json_integer(e->status) : json_null());
    json_object_set_new(o, "identity", jstr(e->identity));
    json_object_set_new(o, "source", jstr(e->source));
    json_object_set_new(o, "client_addr", jstr(e->client_addr));
    json_object_set_new(o, "admin", jstr(gc_admin_truth_name(e->admin)));
    return o;
}

json_t *gc_case_json(const struct gc_case *c)
{
    json_t *o = json_object();
    const struct gc_cert_truth *t = gc_cert_truth(c->cert);
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "family", json_string(gc_family_name(c->family)));
    json_object_set_new(o, "title", json_string(c->title));
    json_object_set_new(o, "refs", json_string(c->refs));
    json_t *cert = json_object();
    json_object_set_new(cert, "kind", json_string(t->name));
    json_object_set_new(cert, "valid", json_boolean(t->valid));
    json_object_set_new(cert, "identity", jstr(t->identity));
    json_object_set_new(cert, "admin", json_boolean(t->admin));
    json_object_set_new(o, "cert", cert);
    if (c->token.header != NULL) {
        json_t *tok = json_object();
        json_object_set_new(tok, "header", json_string(c->token.header));
        json_object_set_new(tok, "payload", jstr(c->token.payload));
        json_object_set_new(tok, "sign_alg", jstr(c->token.sign_alg));
        json_object_set_new(tok, "key", json_string(gc_sign_key_name(c->token.key)));
        json_object_set_new(tok, "mutation", json_string(gc_token_mutation_name(c->token.mutation)));
        json_object_set_new(tok, "scheme", json_string(c->token.scheme ? c->token.scheme : "Bearer"));
        json_object_set_new(o, "token", tok);
    } else {
        json_object_set_new(o, "token", json_null());
    }
    json_object_set_new(o, "method", jstr(c->method));
    set_bytes(o, "target", c->target, c->target ? strlen(c->target) : 0);
    json_t *hdrs = json_array();
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS && c->headers[i] != NULL; i++)
        json_array_append_new(hdrs, json_string(c->headers[i]));
    json_object_set_new(o, "headers", hdrs);
    set_bytes(o, "raw", c->raw, c->raw_len);
    set_bytes(o, "run_arg", c->run_arg, c->run_arg_len);
    json_object_set_new(o, "action", json_string(gc_action_name(c->action)));
    json_object_set_new(o, "second_target", jstr(c->second_target));
    json_object_set_new(o, "expect", expect_json(&c->expect));
    json_object_set_new(o, "expect_second",
                        c->action == GC_ACT_PIPELINE ? expect_json(&c->expect_second) : json_null());
    json_t *parts = json_array();
    for (size_t i = 0; i < N_PARTS; i++) {
        if (c->contract_part & PARTS[i].bit)
            json_array_append_new(parts, json_string(PARTS[i].name));
    }
    json_object_set_new(o, "contract_parts", parts);
    json_object_set_new(o, "posture", jstr(gc_posture_check_name(c->posture)));
    return o;
}

/* --- Markdown ------------------------------------------------------------------- */

/* Escape a table cell: Markdown punctuation and '|' get a backslash. */
static const char *md_cell(const char *s, char *buf, size_t cap)
{
    size_t w = 0;
    for (; *s != '\0' && w + 3 < cap; s++) {
        if (strchr("\\|*_`<>[]", *s) != NULL)
            buf[w++] = '\\';
        buf[w++] = *s;
    }
    buf[w] = '\0';
    return buf;
}

/* The expectation cell keeps its own code spans; only '|' needs escaping. */
static const char *md_pipe(const char *s, char *buf, size_t cap)
{
    size_t w = 0;
    for (; *s != '\0' && w + 3 < cap; s++) {
        if (*s == '|')
            buf[w++] = '\\';
        buf[w++] = *s;
    }
    buf[w] = '\0';
    return buf;
}

int gc_cases_markdown(FILE *out)
{
    size_t n;
    const struct gc_case *cs = gc_catalogue(&n);
    size_t per[GC_FAM_COUNT] = {0};
    for (size_t i = 0; i < n; i++)
        per[cs[i].family]++;

    fprintf(out,
            "# Case catalogue\n\n"
            "<!-- GENERATED FILE: do not edit. Source: harness/catalogue.c. -->\n\n"
            "Generated from the case catalogue (`harness/catalogue.c`) by `gatecrash list --markdown`.\n"
            "Do not edit by hand: regenerate with `ci/gen-cases.sh [BUILD_DIR]`. The unit test\n"
            "`unit.catalogue` fails while this file differs from the catalogue.\n\n"
            "%zu cases. Expected outcomes are decided by construction from the target contract\n"
            "(DESIGN.md), never by asking a target: **allow** is a 2xx; **deny** is any non-2xx or a\n"
            "failed TLS handshake; a number is exactly that status; **posture ok** is a hardening\n"
            "check on the launched target. An allowed request lists the identity it validly holds and\n"
            "its source (`cert`, `jwt`, `forwarded`, `none`) where the oracles check it; `a/b` is a\n"
            "pipelined pair of requests.\n\n"
            "| family | cases |\n|---|---:|\n",
            n);
    for (int f = 0; f < GC_FAM_COUNT; f++)
        fprintf(out, "| [%s](#%s) | %zu |\n", gc_family_name((enum gc_family)f),
                gc_family_name((enum gc_family)f), per[f]);

    char title[LIST_CELL_MAX], refs[LIST_CELL_MAX], ex[LIST_EXPECT_MAX], ex2[LIST_EXPECT_MAX],
        both[2 * LIST_EXPECT_MAX + 16], cell[LIST_CELL_MAX];
    for (int f = 0; f < GC_FAM_COUNT; f++) {
        fprintf(out, "\n## %s\n\n%zu cases.\n\n| id | title | expected | refs |\n|---|---|---|---|\n",
                gc_family_name((enum gc_family)f), per[f]);
        for (size_t i = 0; i < n; i++) {
            const struct gc_case *c = &cs[i];
            if ((int)c->family != f)
                continue;
            expect_long(&c->expect, ex, sizeof(ex));
            if (c->action == GC_ACT_PIPELINE) {
                expect_long(&c->expect_second, ex2, sizeof(ex2));
                snprintf(both, sizeof(both), "%s / then %s", ex, ex2);
            } else {
                snprintf(both, sizeof(both), "%s", ex);
            }
            fprintf(out, "| `%s` | %s | %s | %s |\n", c->id, md_cell(c->title, title, sizeof(title)),
                    md_pipe(both, cell, sizeof(cell)), md_cell(c->refs, refs, sizeof(refs)));
        }
    }
    return ferror(out) ? -1 : 0;
}

/* --- the subcommand ------------------------------------------------------------ */

static void list_usage(FILE *out)
{
    fprintf(out,
            "usage: gatecrash list [PREFIX...] [--family F] [--json | --markdown]\n\n"
            "List the case catalogue: one line per case (id, family, expected, title).\n"
            "  PREFIX        only ids starting with one of the prefixes (\"jwt.alg\", \"path.\")\n"
            "  --family F    only family F (cert jwt fwd path run route ssrf leak hardening robust)\n"
            "  --json        the selected cases as JSON, every field\n"
            "  --markdown    docs/CASES.md (the whole catalogue; filters do not apply)\n"
            "The number of cases listed goes to stderr.\n");
}

static int family_by_name(const char *s)
{
    for (int f = 0; f < GC_FAM_COUNT; f++) {
        if (strcmp(gc_family_name((enum gc_family)f), s) == 0)
            return f;
    }
    return -1;
}

static int selected(const struct gc_case *c, char **prefixes, int n_prefixes, int family)
{
    if (family >= 0 && (int)c->family != family)
        return 0;
    if (n_prefixes == 0)
        return 1;
    for (int i = 0; i < n_prefixes; i++) {
        if (strncmp(c->id, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    }
    return 0;
}

int gc_cmd_list(int argc, char **argv)
{
    enum { OPT_JSON = 0x100, OPT_MARKDOWN, OPT_FAMILY, OPT_HELP }; /* 1 = an operand */
    static const struct option LONG_OPTS[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"markdown", no_argument, NULL, OPT_MARKDOWN},
        {"family", required_argument, NULL, OPT_FAMILY},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int json = 0, markdown = 0, family = -1, opt;
    /* Operands (prefixes) come back in order as option 1 ("-" optstring). */
    char **prefixes = calloc((size_t)argc + 1, sizeof(*prefixes));
    int n_prefixes = 0;
    if (prefixes == NULL)
        return LIST_EXIT_USAGE;
    optind = 0; /* glibc: full reset, main may have parsed its own options */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "-:", LONG_OPTS, NULL)) != -1) {
        switch (opt) {
        case 1:
            prefixes[n_prefixes++] = optarg;
            break;
        case OPT_JSON:
            json = 1;
            break;
        case OPT_MARKDOWN:
            markdown = 1;
            break;
        case OPT_FAMILY:
            family = family_by_name(optarg);
            if (family < 0) {
                fprintf(stderr, "gatecrash list: unknown family \"%s\"\n\n", optarg);
                list_usage(stderr);
                free(prefixes);
                return LIST_EXIT_USAGE;
            }
            break;
        case OPT_HELP:
            list_usage(stdout);
            free(prefixes);
            return LIST_EXIT_OK;
        default:
            fprintf(stderr, "gatecrash list: unknown option or missing value: \"%s\"\n\n",
                    argv[optind - 1]);
            list_usage(stderr);
            free(prefixes);
            return LIST_EXIT_USAGE;
        }
    }
    for (; optind < argc; optind++) /* after "--" */
        prefixes[n_prefixes++] = argv[optind];
    if (json && markdown) {
        fprintf(stderr, "gatecrash list: --json and --markdown exclude each other\n\n");
        list_usage(stderr);
        free(prefixes);
        return LIST_EXIT_USAGE;
    }

    size_t n, shown = 0;
    const struct gc_case *cs = gc_catalogue(&n);
    int rc = LIST_EXIT_OK;
    if (markdown) {
        rc = gc_cases_markdown(stdout) == 0 ? LIST_EXIT_OK : LIST_EXIT_USAGE;
        shown = n;
    } else if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            if (selected(&cs[i], prefixes, n_prefixes, family)) {
                json_array_append_new(arr, gc_case_json(&cs[i]));
                shown++;
            }
        }
        json_t *root = json_pack("{s:i, s:I, s:o}", "contract", 1, "count", (json_int_t)shown,
                                 "cases", arr);
        if (root == NULL || json_dumpf(root, stdout, JSON_INDENT(2)) != 0)
            rc = LIST_EXIT_USAGE;
        fputc('\n', stdout);
        json_decref(root);
    } else {
        size_t w_id = 2, w_fam = 6, w_ex = 8;
        char ex[64];
        for (size_t i = 0; i < n; i++) {
            const struct gc_case *c = &cs[i];
            if (!selected(c, prefixes, n_prefixes, family))
                continue;
            size_t l = strlen(c->id);
            w_id = l > w_id ? l : w_id;
            l = strlen(gc_family_name(c->family));
            w_fam = l > w_fam ? l : w_fam;
            l = strlen(case_expect_short(c, ex, sizeof(ex)));
            w_ex = l > w_ex ? l : w_ex;
        }
        for (size_t i = 0; i < n; i++) {
            const struct gc_case *c = &cs[i];
            if (!selected(c, prefixes, n_prefixes, family))
                continue;
            printf("%-*s  %-*s  %-*s  %s\n", (int)w_id, c->id, (int)w_fam,
                   gc_family_name(c->family), (int)w_ex, case_expect_short(c, ex, sizeof(ex)),
                   c->title);
            shown++;
        }
    }
    free(prefixes);
    if (fflush(stdout) != 0)
        rc = LIST_EXIT_USAGE;
    fprintf(stderr, "%zu cases\n", shown);
    return rc;
}
