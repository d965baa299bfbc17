/* harness/oracle_hang.c: the target accepted the connection but stopped
 * answering, or stopped answering anyone after the case.
 *
 * - o->timed_out with o->connect_ok for the actions that must be answered:
 *   GC_ACT_REQUEST and GC_ACT_PIPELINE (either response), GC_ACT_CONN_FLOOD
 *   and GC_ACT_BAD_TLS (their closing normal request must still work). A
 *   timeout in the TLS handshake counts too: the target took the connection.
 *   GC_ACT_SLOW_HEADERS times out by design (the client dribbles past the
 *   header timeout), GC_ACT_PARTIAL_CLOSE never waits for an answer, and
 *   GC_ACT_POSTURE sends nothing: quiet.
 * - j->liveness_failed, for every action: a GET /public probe after the case
 *   got no answer, so the case took the target down for everyone.
 * A refused connect (connect_ok 0) is not a hang: crash judges a dead target. */
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_internal.h"

static int must_answer(enum gc_action a)
{
    return a == GC_ACT_REQUEST || a == GC_ACT_PIPELINE || a == GC_ACT_CONN_FLOOD ||
           a == GC_ACT_BAD_TLS;
}

void gc_oracle_hang(const struct gc_case *c, const struct gc_observation *o,
                    const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    char desc[GC__DESC_MAX * 4], route[GC__ROUTE_MAX * 4 + 4];
    gc__verdict_start(v, GC_OR_HANG);
    gc__describe(c, GC__REQ_FIRST, desc, sizeof(desc));
    gc__route(c, GC__REQ_FIRST, route, sizeof(route));
    if (o->timed_out && o->connect_ok && must_answer(c->action)) {
        const char *stage = !o->handshake_ok               ? "handshake"
                            : gc__n_resp(o) == 0           ? "response"
                            : c->action == GC_ACT_PIPELINE ? "second-response"
                                                           : "response";
        gc__fire(v, "timeout stage=%s route=%s", stage, route);
        const char *what = !o->handshake_ok                        ? "TLS handshake"
                           : strcmp(stage, "second-response") == 0 ? "second response"
                                                                   : "response";
        gc__evidence(v, "%s: connection accepted, no %s within %.0f ms", desc, what, o->elapsed_ms);
        return;
    }
    if (j->liveness_failed) {
        gc__fire(v, "liveness route=%s", route);
        gc__evidence(v, "after %s the target no longer answered a liveness probe", desc);
    }
}
