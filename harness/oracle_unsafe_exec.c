/* harness/oracle_unsafe_exec.c: the target ran something other than exactly
 * [helper, "--", arg] (target contract §4 /run).
 *
 * Evidence, in order:
 * 1. A supervisor GC_EV_EXEC attributed to the case (the runner attributes
 *    events by time window; the target's own start is not in it, and an exec
 *    of j->target_binary is skipped anyway) whose path is not exactly
 *    j->helper_path (a shell, another binary, a PATH search), or whose argv
 *    is not exactly [helper_path, "--", X] with X byte-equal to the case's
 *    run_arg. Without a run_arg (a route.* case reaching /run) X is not judged.
 * 2. j->exec_marker_seen: the marker file an injected command would create.
 * 3. Black-box, no supervisor needed: a 2xx to /run whose body is not exactly
 *    one gk-echo JSON line, or whose "argv_hex" differs from
 *    hex([helper_path, "--", run_arg]). A shell (`a;id` runs gk-echo "a" and
 *    then id: a shorter argv and extra output), word splitting, an option
 *    parser or a lost NUL/high byte all show up here. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "oracle.h"
#include "oracle_internal.h"

#define ARG_SHOW 40   /* bytes of each argv entry shown in evidence */
#define ARGV_SHOWN 4  /* argv entries shown in evidence */
#define ARGV_TEXT 400 /* evidence buffer for an argv list */

/* "[a, b, c]" from recorded exec argv. */
static char *show_event_argv(const struct gc_event *ev, char *out, size_t cap)
{
    size_t o = 0;
    char one[ARG_SHOW * 4 + 8];
    o += (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < ev->argc && i < GC_EV_MAX_ARGV && i < ARGV_SHOWN && o < cap; i++) {
        const char *a = ev->argv[i] ? ev->argv[i] : "";
        gc__escape(one, sizeof(one), a, ev->argv[i] ? ev->argv_len[i] : 0, ARG_SHOW);
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? ", " : "", one);
    }
    if (o < cap)
        snprintf(out + o, cap - o, "%s]", ev->argc > ARGV_SHOWN ? ", ..." : "");
    return out;
}

static int arg_is(const struct gc_event *ev, size_t i, const void *want, size_t n)
{
    return ev->argv[i] != NULL && ev->argv_len[i] == n && memcmp(ev->argv[i], want, n) == 0;
}

/* Index of the first argv entry that differs from [helper, "--", run_arg]
 * (3 when only the count differs), or -1 when it matches. */
static int event_argv_mismatch(const struct gc_event *ev, const struct gc_case *c,
                               const char *helper)
{
    if (ev->argc < 1 || !arg_is(ev, 0, helper, strlen(helper)))
        return 0;
    if (ev->argc < 2 || !arg_is(ev, 1, "--", 2))
        return 1;
    if (ev->argc < 3 || (c->run_arg && !arg_is(ev, 2, c->run_arg, gc__run_arg_len(c))))
        return 2;
    return ev->argc == 3 ? -1 : 3;
}

static int judge_events(const struct gc_case *c, const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    char desc[GC__DESC_MAX * 4], path[GC__SHOW_MAX * 4 + 8], stable[GC__ROUTE_MAX * 4 + 16];
    char argv[ARGV_TEXT];
    for (size_t k = 0; k < j->n_events; k++) {
        const struct gc_event *ev = &j->events[k];
        if (ev->kind != GC_EV_EXEC)
            continue;
        size_t pn = strnlen(ev->path, sizeof(ev->path));
        if (j->target_binary && strcmp(ev->path, j->target_binary) == 0)
            continue;
        gc__describe(c, GC__REQ_FIRST, desc, sizeof(desc));
        gc__escape(path, sizeof(path), ev->path, pn, GC__SHOW_MAX);
        show_event_argv(ev, argv, sizeof(argv));
        if (j->helper_path == NULL || strcmp(ev->path, j->helper_path) != 0) {
            gc__fire(v, "exec=%s", gc__stable_path(j, ev->path, stable, sizeof(stable)));
            gc__evidence(v, "during %s pid %d executed %s argv %s: not the helper", desc, ev->pid,
                         path, argv);
            return 1;
        }
        int at = event_argv_mismatch(ev, c, j->helper_path);
        if (at >= 0) {
            gc__fire(v, "exec=$HELPER argv-mismatch at=%d argc=%zu", at, ev->argc);
            gc__evidence(v,
                         "during %s the helper ran with argv %s, not [helper, --, arg] "
                         "(first difference at argv[%d])",
                         desc, argv, at);
            return 1;
        }
    }
    return 0;
}

/* "[a, b, c]" from gk-echo's human "argv" array (or argv_hex if absent). */
static char *show_json_argv(json_t *root, char *out, size_t cap)
{
    json_t *a = json_object_get(root, "argv");
    if (!json_is_array(a))
        a = json_object_get(root, "argv_hex");
    size_t o = (size_t)snprintf(out, cap, "[");
    char one[ARG_SHOW * 4 + 8];
    for (size_t i = 0; i < json_array_size(a) && i < ARGV_SHOWN && o < cap; i++) {
        json_t *s = json_array_get(a, i);
        const char *t = json_is_string(s) ? json_string_value(s) : "?";
        size_t tn = json_is_string(s) ? json_string_length(s) : 1;
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? ", " : "",
                              gc__escape(one, sizeof(one), t, tn, ARG_SHOW));
    }
    if (o < cap)
        snprintf(out + o, cap - o, "%s]", json_array_size(a) > ARGV_SHOWN ? ", ..." : "");
    return out;
}

static int hex_entry_is(json_t *arr, size_t i, const void *b, size_t n)
{
    json_t *s = json_array_get(arr, i);
    return json_is_string(s) && gc__hex_equals(json_string_value(s), json_string_length(s), b, n);
}

static int judge_run_body(const struct gc_case *c, const struct gc_observation *o,
                          const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    const struct gc_obs_response *resp = &o->resp[0];
    char desc[GC__DESC_MAX * 4], argv[ARGV_TEXT];
    if (!o->handshake_ok || gc__n_resp(o) < 1 || !gc__is_2xx(resp->status) ||
        !gc__path_is(c, GC__REQ_FIRST, "/run"))
        return 0;
    gc__describe(c, GC__REQ_FIRST, desc, sizeof(desc));
    const char *body = (const char *)resp->body;
    size_t blen = resp->body ? resp->body_len : 0;
    json_error_t err;
    json_t *root = json_loadb(body, blen, JSON_ALLOW_NUL, &err);
    if (root == NULL) {
        json_t *first = json_loadb(body, blen, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, NULL);
        if (first != NULL) {
            gc__fire(v, "run-body=extra-output");
            gc__evidence(v,
                         "%s answered %d with output after gk-echo's JSON line (argv %s): "
                         "something else ran too",
                         desc, resp->status, show_json_argv(first, argv, sizeof(argv)));
            json_decref(first);
            return 1;
        }
        gc__fire(v, "run-body=not-gk-echo");
        gc__evidence(v, "%s answered %d with a body that is not gk-echo's JSON (%s)", desc,
                     resp->status, err.text);
        return 1;
    }
    json_t *hex = json_object_get(root, "argv_hex");
    size_t argc = json_array_size(hex); /* 0 when not an array */
    int at = -1;
    if (!json_is_array(hex))
        at = 0;
    else if (argc < 1 ||
             (j->helper_path && !hex_entry_is(hex, 0, j->helper_path, strlen(j->helper_path))))
        at = 0;
    else if (argc < 2 || !hex_entry_is(hex, 1, "--", 2))
        at = 1;
    else if (argc < 3 || (c->run_arg && !hex_entry_is(hex, 2, c->run_arg, gc__run_arg_len(c))))
        at = 2;
    else if (argc != 3)
        at = 3;
    if (at >= 0) {
        gc__fire(v, "run-argv mismatch at=%d argc=%zu", at, argc);
        gc__evidence(v,
                     "%s answered %d: gk-echo received argv %s, not [helper, --, arg] "
                     "(first difference at argv[%d])",
                     desc, resp->status, show_json_argv(root, argv, sizeof(argv)), at);
    }
    json_decref(root);
    return at >= 0;
}

void gc_oracle_unsafe_exec(const struct gc_case *c, const struct gc_observation *o,
                           const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    char desc[GC__DESC_MAX * 4];
    gc__verdict_start(v, GC_OR_UNSAFE_EXEC);
    if (judge_events(c, j, v))
        return;
    if (j->exec_marker_seen) {
        gc__fire(v, "marker-file");
        gc__evidence(v, "after %s the marker file an injected command creates exists",
                     gc__describe(c, GC__REQ_FIRST, desc, sizeof(desc)));
        return;
    }
    if (c->action != GC_ACT_POSTURE)
        judge_run_body(c, o, j, v);
}
