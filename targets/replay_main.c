/* replay_main.c: the standalone driver (OpenSSL fuzz/ style). Linked with one
 * target instead of a fuzzing engine: runs LLVMFuzzerInitialize if the target
 * defines it, then LLVMFuzzerTestOneInput once on every file named on the
 * command line or found (non-recursively) in a named directory. A property
 * violation aborts, a sanitizer report aborts: ctest sees the crash.
 *
 * Usage: replay_<target> FILE|DIR...   (exit 0 = every input ran clean) */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FZ_REPLAY_MAX_INPUT (1u << 20) /* 1 MiB: corpora hold small files */
#define FZ_REPLAY_MAX_PATH 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint8_t *buf = malloc(FZ_REPLAY_MAX_INPUT);
    if (buf == NULL) {
        fclose(f);
        return 1;
    }
    size_t n = fread(buf, 1, FZ_REPLAY_MAX_INPUT, f);
    int err = ferror(f) || !feof(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "replay: %s: unreadable or over %u bytes\n", path, FZ_REPLAY_MAX_INPUT);
        free(buf);
        return 1;
    }
    /* An exact-size copy, as the engines pass it: an over-read trips ASan. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact == NULL) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, n);
    free(buf);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
    (void)LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    (*count)++;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* Skip dot files and the README that documents a regression folder. */
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof(*names));
            if (nn == NULL) {
                rc = 1;
                break;
            }
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = 1;
            break;
        }
        n++;
    }
    closedir(d);
    /* Sorted, so a failing run names the same input every time. */
    if (n > 0)
        qsort(names, n, sizeof(*names), name_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[FZ_REPLAY_MAX_PATH];
        struct stat st;
        int w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (rc == 0 && w > 0 && (size_t)w < sizeof(path) && stat(path, &st) == 0 &&
            S_ISREG(st.st_mode))
            rc |= replay_file(path, count);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize != NULL)
        (void)LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            /* A regression folder may not exist yet for a new target. */
            fprintf(stderr, "replay: %s: %s (skipped)\n", argv[i], strerror(errno));
            continue;
        }
        rc |= S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) : replay_file(argv[i], &count);
    }
    fprintf(stderr, "replay: %zu inputs, %s\n", count, rc ? "errors" : "all clean");
    return rc;
}
