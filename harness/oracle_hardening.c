/* harness/oracle_hardening.c: posture checks on a target the harness
 * launched (GC_ACT_POSTURE cases). The runner reads the posture with
 * gc_posture_read() (posture.c: the I/O) and passes it in j->posture; this
 * file only judges it.
 *
 * Checks (gc_case.posture, or the id's last component when NONE):
 * - not-root: uid and euid are not 0.
 * - no-capabilities: CapEff and CapPrm are empty (a permitted capability can
 *   be raised back to effective at any time).
 * - no-new-privs: NoNewPrivs is 1. If the launcher set it (an unprivileged
 *   launcher must, for its own seccomp filter) we cannot tell whether the
 *   target would have: inconclusive.
 * - seccomp-filter: Seccomp is 2 and the target has a filter of its own:
 *   Seccomp_filters minus the launcher's filters >= 1. Without the
 *   Seccomp_filters line (Linux < 5.9) a mode 2 under a supervising launcher
 *   is inconclusive.
 * - no-reach-outside: the runner's probe read outside the fixture dir (fire),
 *   or was refused (quiet); without a probe, a Landlock domain or a root that
 *   is not the host's "/" is quiet, Landlock known absent with the host root
 *   fires, anything else is inconclusive.
 * An unknown posture (no launched target, /proc unreadable) is inconclusive,
 * never a finding. */
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_internal.h"

static const char *const CHECK_NAMES[] = {
    [GC_POSTURE_NONE] = "none",
    [GC_POSTURE_NOT_ROOT] = "not-root",
    [GC_POSTURE_NO_CAPABILITIES] = "no-capabilities",
    [GC_POSTURE_NO_NEW_PRIVS] = "no-new-privs",
    [GC_POSTURE_SECCOMP_FILTER] = "seccomp-filter",
    [GC_POSTURE_NO_REACH_OUTSIDE] = "no-reach-outside",
};
#define N_CHECKS (sizeof(CHECK_NAMES) / sizeof(CHECK_NAMES[0]))

static enum gc_posture_check which_check(const struct gc_case *c)
{
    if (c->posture != GC_POSTURE_NONE)
        return (unsigned)c->posture < N_CHECKS ? c->posture : GC_POSTURE_NONE;
    const char *dot = c->id ? strrchr(c->id, '.') : NULL;
    const char *last = dot ? dot + 1 : c->id;
    for (size_t k = 1; last != NULL && k < N_CHECKS; k++) {
        if (strcmp(last, CHECK_NAMES[k]) == 0)
            return (enum gc_posture_check)k;
    }
    return GC_POSTURE_NONE;
}

static void inconclusive(struct gc_verdict *v, const char *check, const char *why)
{
    v->inconclusive = 1;
    gc__evidence(v, "%s: inconclusive, %s", check, why);
}

void gc_oracle_hardening(const struct gc_case *c, const struct gc_observation *o,
                         const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    (void)o;
    gc__verdict_start(v, GC_OR_HARDENING);
    if (c->action != GC_ACT_POSTURE)
        return;
    enum gc_posture_check k = which_check(c);
    const char *name = CHECK_NAMES[k];
    const struct gc_posture *p = j->posture;
    if (k == GC_POSTURE_NONE) {
        inconclusive(v, "posture", "the case names no known check");
        return;
    }
    if (p == NULL || !p->known) {
        inconclusive(v, name,
                     "the target's posture is unknown (not launched by the harness, or "
                     "/proc unreadable)");
        return;
    }
    switch (k) {
    case GC_POSTURE_NOT_ROOT:
        if (p->uid == 0 || p->euid == 0) {
            gc__fire(v, "check=not-root");
            gc__evidence(v, "not-root: the target runs with uid %ld euid %ld", p->uid, p->euid);
        }
        return;
    case GC_POSTURE_NO_CAPABILITIES:
        if (p->cap_eff != 0 || p->cap_prm != 0) {
            gc__fire(v, "check=no-capabilities");
            gc__evidence(v, "no-capabilities: CapEff %016llx CapPrm %016llx (CapBnd %016llx)",
                         (unsigned long long)p->cap_eff, (unsigned long long)p->cap_prm,
                         (unsigned long long)p->cap_bnd);
        }
        return;
    case GC_POSTURE_NO_NEW_PRIVS:
        if (p->no_new_privs == 0) {
            gc__fire(v, "check=no-new-privs");
            gc__evidence(v, "no-new-privs: NoNewPrivs is 0");
        } else if (p->no_new_privs < 0) {
            inconclusive(v, name, "NoNewPrivs unknown");
        } else if (p->nnp_by_launcher) {
            inconclusive(v, name, "NoNewPrivs is 1 but the launcher set it");
        }
        return;
    case GC_POSTURE_SECCOMP_FILTER: {
        int own = p->seccomp_filters >= 0 ? p->seccomp_filters - p->launcher_filters : -1;
        if (p->seccomp_mode < 0) {
            inconclusive(v, name, "Seccomp unknown");
        } else if (p->seccomp_mode != 2 || own == 0) {
            gc__fire(v, "check=seccomp-filter");
            gc__evidence(v, "seccomp-filter: Seccomp %d, %d filter(s), %d of them the launcher's",
                         p->seccomp_mode, p->seccomp_filters, p->launcher_filters);
        } else if (own < 0 && p->launcher_filters > 0) {
            inconclusive(v, name,
                         "Seccomp 2 but no Seccomp_filters count to discount the "
                         "launcher's filter");
        }
        return;
    }
    case GC_POSTURE_NO_REACH_OUTSIDE:
        if (p->outside_read_ok == 1) {
            gc__fire(v, "check=no-reach-outside probe=read");
            gc__evidence(v, "no-reach-outside: a read outside the fixture dir succeeded");
        } else if (p->outside_read_ok == 0 || p->landlock_known == 1 || p->root_is_host == 0) {
            /* confined */
        } else if (p->landlock_known == 0 && p->root_is_host == 1) {
            gc__fire(v, "check=no-reach-outside confinement=none");
            gc__evidence(v, "no-reach-outside: no Landlock domain and the root is the host's /");
        } else {
            inconclusive(v, name, "no probe and no evidence of confinement either way");
        }
        return;
    case GC_POSTURE_NONE:
        return;
    }
}
