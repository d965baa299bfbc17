/* harness/fuzz_cases.c: regression cases left by `gatecrash fuzz` (fuzz.h)
 * and the verdict filter for cases whose ground truth is unknown.
 *
 * A regression file is a corpus entry (mutate.h: base case + operators) plus
 * what the fuzzer saw; it is rebuilt with the current fixtures, so it stays
 * valid when keys and tokens change. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "mutate.h"

#define FC_MAX_FILES 4096      /* regression files read from one directory */
#define FC_NAME_MAX 256
#define FC_ERR_MAX 256
#define FC_JSON_SUFFIX ".json"

size_t gc_fuzz_filter_verdicts(const struct gc_case *c, struct gc_verdict v[GC_OR_COUNT])
{
    if (c != NULL && c->refs != NULL && strcmp(c->refs, GC_MUT_REFS_UNKNOWN) == 0) {
        /* deny-or-allow: a 2xx is no bypass and the model names no identity */
        v[GC_OR_AUTHZ_BYPASS].fired = 0;
        v[GC_OR_IDENTITY_CONFUSION].fired = 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < GC_OR_COUNT; i++)
        n += v[i].fired != 0;
    return n;
}

struct gc_fuzz_cases {
    struct gc_case *cases;    /* contiguous, what the runner indexes */
    struct gc_mut_case *mc;   /* owns every string the cases point at */
    size_t n, bad;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n > k && strcmp(s + n - k, suf) == 0;
}

/* One file → mc with id "regress.<name without .json>". */
static int load_one(const char *dir, const char *name, struct gc_mut_case *mc, char *err, size_t cap)
{
    char path[FC_NAME_MAX * 4], id[GC_MUT_ID_MAX];
    size_t stem = strlen(name) - strlen(FC_JSON_SUFFIX);
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
        snprintf(id, sizeof(id), GC_FUZZ_REGRESS_PREFIX "%.*s", (int)stem, name) >= (int)sizeof(id)) {
        snprintf(err, cap, "name too long");
        return -1;
    }
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        snprintf(err, cap, "%d: %s", je.line, je.text);
        return -1;
    }
    struct gc_mut_entry e;
    int rc = gc_mut_entry_from_json(root, &e, err, cap);
    json_decref(root);
    if (rc != 0)
        return -1;
    rc = gc_mut_materialize(&e, NULL, id, mc, err, cap);
    gc_mut_entry_free(&e);
    return rc;
}

int gc_fuzz_cases_load(const char *dir, struct gc_fuzz_cases **out, char *err, size_t err_cap)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (d == NULL) {
        snprintf(err, err_cap, "%s: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < FC_MAX_FILES) {
        if (de->d_name[0] == '.' || !has_suffix(de->d_name, FC_JSON_SUFFIX) ||
            strlen(de->d_name) >= FC_NAME_MAX)
            continue;
        char **nn = realloc(names, (n + 1) * sizeof(*nn));
        if (nn == NULL)
            break;
        names = nn;
        names[n] = strdup(de->d_name);
        if (names[n] != NULL)
            n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), by_name);
    struct gc_fuzz_cases *fc = calloc(1, sizeof(*fc));
    if (fc != NULL && n > 0) {
        fc->mc = calloc(n, sizeof(*fc->mc));
        fc->cases = calloc(n, sizeof(*fc->cases));
    }
    if (fc == NULL || (n > 0 && (fc->mc == NULL || fc->cases == NULL))) {
        snprintf(err, err_cap, "out of memory");
        gc_fuzz_cases_free(fc);
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char why[FC_ERR_MAX] = "";
        if (load_one(dir, names[i], &fc->mc[fc->n], why, sizeof(why)) == 0) {
            fc->cases[fc->n] = fc->mc[fc->n].c;
            fc->n++;
        } else {
            fc->bad++;
            fprintf(stderr, "gatecrash: note: regression case %s/%s skipped: %s\n", dir, names[i],
                    why);
        }
        free(names[i]);
    }
    free(names);
    *out = fc;
    return 0;
}

const struct gc_case *gc_fuzz_cases_get(const struct gc_fuzz_cases *fc, size_t *n, size_t *bad)
{
    *n = fc != NULL ? fc->n : 0;
    if (bad != NULL)
        *bad = fc != NULL ? fc->bad : 0;
    return fc != NULL ? fc->cases : NULL;
}

void gc_fuzz_cases_free(struct gc_fuzz_cases *fc)
{
    if (fc == NULL)
        return;
    for (size_t i = 0; i < fc->n; i++)
        gc_mut_case_free(&fc->mc[i]);
    free(fc->mc);
    free(fc->cases);
    free(fc);
}

/* --- the process-wide set the runner replays ---------------------------------------------- */

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static struct gc_fuzz_cases *g_cases; /* lives as long as the process */

static void load_default(void)
{
    const char *env = getenv(GC_FUZZ_CASES_ENV);
    const char *dir = NULL;
    struct stat st;
    if (env != NULL)
        dir = env[0] != '\0' ? env : NULL;
    else if (stat(GC_FUZZ_DEFAULT_CASES, &st) == 0 && S_ISDIR(st.st_mode))
        dir = GC_FUZZ_DEFAULT_CASES;
#ifdef GC_SOURCE_CASES_DIR
    else if (stat(GC_SOURCE_CASES_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        dir = GC_SOURCE_CASES_DIR;
#endif
    char err[FC_ERR_MAX];
    if (dir != NULL && gc_fuzz_cases_load(dir, &g_cases, err, sizeof(err)) != 0)
        fprintf(stderr, "gatecrash: note: regression cases not loaded: %s\n", err);
}

const struct gc_case *gc_fuzz_regression_cases(size_t *n)
{
    pthread_once(&g_once, load_default);
    return gc_fuzz_cases_get(g_cases, n, NULL);
}
