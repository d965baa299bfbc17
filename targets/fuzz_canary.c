/* fuzz_canary: a negative target that MUST crash. It covers no libgkcore
 * function: it proves the crash wiring works. An input starting with "CRASH"
 * overflows a heap block by one byte (ASan reports it) and then calls abort()
 * (so a build without sanitizers crashes too). ctest `fuzz.canary` runs
 * replay_canary on corpora/regression/canary/must-crash and passes only if
 * the replay fails; if someone breaks the sanitizer flags or the replay
 * driver's error reporting, that test goes red (s2n-tls keeps the same guard). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 5 && memcmp(data, "CRASH", 5) == 0) {
        char *p = malloc(size);
        if (p == NULL)
            abort();
        memcpy(p, data, size);
        /* One byte past the block: a heap-buffer-overflow under ASan. */
        volatile char c = p[size];
        (void)c;
        free(p);
        abort();
    }
    return 0;
}
