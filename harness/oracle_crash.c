/* harness/oracle_crash.c: the target (or a process it started) died badly,
 * or a sanitizer reported an error.
 *
 * Evidence, most informative first:
 * 1. GC_EV_SANITIZER: the report's first line (gc_event.path). The signature
 *    keeps the sanitizer's own words and drops what changes between runs:
 *    "==<pid>==" prefixes, hex addresses, "pid"/"thread T<n>" numbers.
 * 2. GC_EV_EXIT with a signal, or a non-zero exit status. An exit of the
 *    target itself (j->target_pid) while the case ran is a death even with
 *    status 0: a server must not stop serving.
 * 3. j->target_died: the runner saw the target go (e.g. no supervisor). */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "oracle.h"
#include "oracle_internal.h"

#define SAN_SIG_MAX 96 /* bytes of the normalized sanitizer line in a signature */

static int is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}
static int is_dec(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Drop "==123==" and "ERROR: " prefixes, collapse "0x<hex>" to "0x", numbers
 * after "pid " / "thread T" to "N"; printable ASCII only. */
static void normalize_sanitizer(const char *line, size_t n, char *out, size_t cap)
{
    size_t i = 0, o = 0;
    while (i < n && line[i] == '=') { /* "==12==" */
        size_t k = i;
        while (k < n && line[k] == '=')
            k++;
        while (k < n && is_dec(line[k]))
            k++;
        while (k < n && line[k] == '=')
            k++;
        i = k;
    }
    if (n - i >= 7 && memcmp(line + i, "ERROR: ", 7) == 0)
        i += 7;
    while (i < n && o + 2 < cap && o < SAN_SIG_MAX) {
        char ch = line[i];
        if (ch == '0' && i + 1 < n && (line[i + 1] == 'x' || line[i + 1] == 'X')) {
            out[o++] = '0';
            out[o++] = 'x';
            i += 2;
            while (i < n && is_hex(line[i]))
                i++;
            continue;
        }
        int after_pid = (i >= 4 && memcmp(line + i - 4, "pid ", 4) == 0) ||
                        (i >= 8 && memcmp(line + i - 8, "thread T", 8) == 0);
        if (after_pid && is_dec(ch)) {
            out[o++] = 'N';
            while (i < n && is_dec(line[i]))
                i++;
            continue;
        }
        out[o++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
        i++;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

/* "killed by SIGSEGV" / "exited with status 3"; sig part for the signature. */
static void describe_status(int status, char *human, size_t hcap, char *sig, size_t scap)
{
    char name[16];
    if (WIFSIGNALED(status)) {
        gc__signal_name(WTERMSIG(status), name);
        snprintf(human, hcap, "killed by %s%s", name, WCOREDUMP(status) ? " (core dumped)" : "");
        snprintf(sig, scap, "signal=%s", name);
    } else if (WIFEXITED(status)) {
        snprintf(human, hcap, "exited with status %d", WEXITSTATUS(status));
        snprintf(sig, scap, "exit=%d", WEXITSTATUS(status));
    } else {
        snprintf(human, hcap, "stopped (wait status 0x%x)", (unsigned)status);
        snprintf(sig, scap, "wait=0x%x", (unsigned)status);
    }
}

void gc_oracle_crash(const struct gc_case *c, const struct gc_observation *o,
                     const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    char desc[GC__DESC_MAX * 4], human[64], sig[32];
    (void)o;
    gc__verdict_start(v, GC_OR_CRASH);
    gc__describe(c, GC__REQ_FIRST, desc, sizeof(desc));
    for (size_t k = 0; k < j->n_events; k++) {
        const struct gc_event *ev = &j->events[k];
        if (ev->kind != GC_EV_SANITIZER)
            continue;
        char norm[SAN_SIG_MAX + 4], shown[GC__SHOW_MAX * 4 + 8];
        size_t pn = strnlen(ev->path, sizeof(ev->path));
        normalize_sanitizer(ev->path, pn, norm, sizeof(norm));
        gc__fire(v, "sanitizer %s", norm);
        gc__evidence(v, "during %s pid %d: %s", desc, ev->pid,
                     gc__escape(shown, sizeof(shown), ev->path, pn, GC__SHOW_MAX));
        return;
    }
    for (size_t k = 0; k < j->n_events; k++) {
        const struct gc_event *ev = &j->events[k];
        if (ev->kind != GC_EV_EXIT)
            continue;
        int is_target = j->target_pid != 0 && ev->pid == j->target_pid;
        int bad = WIFSIGNALED(ev->status) || (WIFEXITED(ev->status) && WEXITSTATUS(ev->status));
        if (!bad && !is_target)
            continue;
        describe_status(ev->status, human, sizeof(human), sig, sizeof(sig));
        gc__fire(v, "%s %s", is_target ? "target" : "child", sig);
        gc__evidence(v, "during %s %s pid %d %s", desc, is_target ? "the target" : "child", ev->pid,
                     human);
        return;
    }
    if (j->target_died) {
        describe_status(j->target_wait_status, human, sizeof(human), sig, sizeof(sig));
        gc__fire(v, "target %s", sig);
        gc__evidence(v, "during %s the target %s", desc, human);
    }
}
