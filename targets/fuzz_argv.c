/* fuzz_argv: gk_run_arg_from_query, gk_run_arg_check and gk_run_argv
 * (reference-server/core/src/argv.c).
 *
 * Input: the query string of a /run request.
 * Properties besides "no crash", on GK_OK:
 *  - the decoded arg has no NUL and is at most GK_RUN_MAX_ARG bytes, and
 *    gk_run_arg_check agrees;
 *  - percent-encoding every byte of it ("%XX") into "arg=<enc>" and extracting
 *    again returns the same bytes (decoding is exactly once, lossless);
 *  - gk_run_argv gives exactly {helper, "--", arg, NULL}, the very pointers. */
#include "fuzz_common.h"
#include "gk/argv.h"

#define FZ_HELPER "/usr/libexec/gk-echo"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t arg[GK_RUN_MAX_ARG + 1], again[GK_RUN_MAX_ARG + 1];
    static char enc[4 + 3 * GK_RUN_MAX_ARG];
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0, n2 = 0;
    if (gk_run_arg_from_query(data, size, arg, GK_RUN_MAX_ARG, &n) != GK_OK)
        return 0;
    FZ_CHECK(n <= GK_RUN_MAX_ARG, "arg length <= GK_RUN_MAX_ARG");
    FZ_CHECK(memchr(arg, 0, n) == NULL, "no NUL in arg");
    FZ_CHECK(gk_run_arg_check(arg, n) == GK_OK, "gk_run_arg_check accepts the extracted arg");

    size_t e = 0;
    memcpy(enc, "arg=", 4);
    e = 4;
    for (size_t i = 0; i < n; i++) {
        enc[e++] = '%';
        enc[e++] = hex[arg[i] >> 4];
        enc[e++] = hex[arg[i] & 15];
    }
    uint8_t *q = fz_dup((const uint8_t *)enc, e);
    enum gk_status st = gk_run_arg_from_query(q, e, again, GK_RUN_MAX_ARG, &n2);
    free(q);
    /* 3 bytes per byte can exceed GK_RUN_MAX_QUERY for a long arg: that is the
     * query limit, not a decoding difference. */
    if (e <= GK_RUN_MAX_QUERY) {
        FZ_CHECK(st == GK_OK, "fully percent-encoded arg is accepted");
        FZ_CHECK(n2 == n && memcmp(again, arg, n) == 0, "encode-decode round trip");
    }

    arg[n] = '\0';
    char *argv[4] = {(char *)1, (char *)1, (char *)1, (char *)1};
    gk_run_argv(FZ_HELPER, (const char *)arg, argv);
    FZ_CHECK(argv[0] != NULL && strcmp(argv[0], FZ_HELPER) == 0, "argv[0] is the helper");
    FZ_CHECK(argv[1] != NULL && strcmp(argv[1], "--") == 0, "argv[1] is \"--\"");
    FZ_CHECK(argv[2] == (char *)arg, "argv[2] is the arg itself");
    FZ_CHECK(argv[3] == NULL, "argv[3] is NULL");
    return 0;
}
