/* harness/oracle_authz_bypass.c: a 2xx where the case's ground truth is deny.
 *
 * The ground truth comes from how the harness built the case (case.h): DENY,
 * or STATUS with a non-2xx status (e.g. 404 for "/ADMIN", 405 for POST). A
 * failed handshake or no response at all is a deny (target contract §4), so
 * it is always quiet here. A pipelined second request is judged against
 * expect_second: identity must not leak from the first request to the second.
 *
 * Division of labour with identity-confusion: a 2xx on a deny case is this
 * oracle's finding only; identity-confusion judges 2xx answers the ground
 * truth allows (who the target says you are). */
#include <stdio.h>

#include "oracle.h"
#include "oracle_internal.h"

void gc_oracle_authz_bypass(const struct gc_case *c, const struct gc_observation *o,
                            const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    (void)j;
    gc__verdict_start(v, GC_OR_AUTHZ_BYPASS);
    if (c->action == GC_ACT_POSTURE || !o->handshake_ok)
        return;
    size_t n = gc__n_resp(o);
    if (c->action != GC_ACT_PIPELINE && n > 1)
        n = 1; /* only a pipelined case sends a second request with its own truth */
    for (size_t i = 0; i < n; i++) {
        enum gc__req r = i == 0 ? GC__REQ_FIRST : GC__REQ_SECOND;
        const struct gc_expect *e = gc__expect_for(c, r);
        int st = o->resp[i].status;
        if (!gc__expect_deny(e) || !gc__is_2xx(st))
            continue;
        char route[GC__ROUTE_MAX * 4 + 4], desc[GC__DESC_MAX * 4], truth[32];
        if (e->kind == GC_EXPECT_STATUS)
            snprintf(truth, sizeof(truth), "status %d", e->status);
        else
            snprintf(truth, sizeof(truth), "deny");
        gc__fire(v, "%sstatus=%d route=%s", i == 1 ? "req=2 " : "", st,
                 gc__route(c, r, route, sizeof(route)));
        gc__evidence(v, "%s answered %d, ground truth %s", gc__describe(c, r, desc, sizeof(desc)),
                     st, truth);
        return;
    }
}
