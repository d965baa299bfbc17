/* harness/main.c: the `gatecrash` command line. One table of subcommands;
 * each takes (argc, argv) starting at its own name and returns the exit code
 * (0 clean, 1 findings, 2 harness or setup error; DESIGN.md "Reports and CLI"). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fixtures.h"

#define GC_EXIT_OK 0
#define GC_EXIT_USAGE 2
#define GC_ERR_MAX 1024

struct gc_cmd {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

static int cmd_fixtures(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct gc_cmd CMDS[] = {
    {"run", "run the case catalogue against a target and judge it (default: gatekeeper)", gc_cmd_run},
    {"list", "list case ids (prefix filter)", gc_cmd_list},
    {"fixtures", "write a fixture directory (keys, certificates, policy.json, www/)", cmd_fixtures},
    {"bench", "throughput: catalogue, full-handshake and kept-alive cases/s beside openssl s_time", gc_cmd_bench},
    {"replay", "re-run a finding from its reproducer folder: REPRODUCED, FIXED or FLAKY", gc_cmd_replay},
    {"export", "write the cases as JSON vectors + schema for other implementations", gc_cmd_export},
    {"selftest", "prove each oracle catches its planted gatekeeper bug", gc_cmd_selftest},
    {"fuzz", "mutate cases with truth-preserving operators and judge the answers", gc_cmd_fuzz},
    {"help", "show this help", cmd_help},
    {"version", "print the version", cmd_version},
};
#define N_CMDS (sizeof(CMDS) / sizeof(CMDS[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: gatecrash COMMAND [ARGS]\n\n"
                 "mTLS + JWT HTTPS conformance and fuzzing harness.\n\ncommands:\n");
    for (size_t i = 0; i < N_CMDS; i++)
        fprintf(out, "  %-10s %s\n", CMDS[i].name, CMDS[i].summary);
    fprintf(out, "\n`gatecrash COMMAND --help` describes a command.\n");
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    usage(stdout);
    return GC_EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("gatecrash 0.1.0 (target contract 1)\n");
    return GC_EXIT_OK;
}

static void fixtures_usage(FILE *out)
{
    fprintf(out, "usage: gatecrash fixtures DIR [--seed S] [--helper PATH] [--force]\n\n"
                 "Write a fixture directory for target contract v1:\n"
                 "  DIR/target/   what a target reads (point GATECRASH_FIXTURES here):\n"
                 "                tls/, jwt/, policy.json, www/, canaries\n"
                 "  DIR/harness/  harness-only material: CA keys, client certificates and keys,\n"
                 "                rogue CA, attacker keys, JWT private keys, canaries.json\n"
                 "  DIR/outside-canary.txt\n\n"
                 "options:\n"
                 "  --seed S       make canary tokens, certificate serials and the HMAC secret\n"
                 "                 deterministic; asymmetric keys are always freshly random\n"
                 "  --helper PATH  gk-echo to name in policy.json (default: found next to the\n"
                 "                 gatecrash executable)\n"
                 "  --force        replace DIR even if it is not empty\n\n"
                 "DIR must not exist or be empty unless --force. The tree is built in\n"
                 "DIR.tmp-XXXXXX and renamed onto DIR at the end.\n");
}

static int cmd_fixtures(int argc, char **argv)
{
    enum { OPT_SEED = 1, OPT_HELPER, OPT_FORCE, OPT_HELP };
    static const struct option LONG_OPTS[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"helper", required_argument, NULL, OPT_HELPER},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct gc_fixtures_opts o = {0};
    optind = 1;
    opterr = 0;
    int c;
    /* GNU getopt permutes, so options may come before or after DIR. */
    while ((c = getopt_long(argc, argv, "h", LONG_OPTS, NULL)) != -1) {
        switch (c) {
        case OPT_SEED:
            o.seed = optarg;
            break;
        case OPT_HELPER:
            o.helper = optarg;
            break;
        case OPT_FORCE:
            o.force = 1;
            break;
        case OPT_HELP:
        case 'h':
            fixtures_usage(stdout);
            return GC_EXIT_OK;
        default:
            fprintf(stderr, "gatecrash fixtures: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            fixtures_usage(stderr);
            return GC_EXIT_USAGE;
        }
    }
    if (optind < argc)
        o.dir = argv[optind++];
    if (o.dir == NULL || optind != argc) {
        fprintf(stderr, "gatecrash fixtures: %s\n",
                o.dir == NULL ? "missing DIR" : "too many arguments");
        fixtures_usage(stderr);
        return GC_EXIT_USAGE;
    }
    char err[GC_ERR_MAX];
    if (gc_fixtures_generate(&o, err, sizeof(err)) != 0) {
        fprintf(stderr, "gatecrash fixtures: %s\n", err);
        return GC_EXIT_USAGE;
    }
    printf("gatecrash fixtures: wrote %s (target dir: %s/" GC_FX_TARGET ")\n", o.dir, o.dir);
    return GC_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GC_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return cmd_help(argc - 1, argv + 1);
    if (strcmp(name, "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < N_CMDS; i++)
        if (strcmp(name, CMDS[i].name) == 0)
            return CMDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "gatecrash: unknown command '%s'\n\n", name);
    usage(stderr);
    return GC_EXIT_USAGE;
}
