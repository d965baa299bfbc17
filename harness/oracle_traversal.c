/* harness/oracle_traversal.c: the target served or opened something outside
 * the fixture dir.
 *
 * Evidence, in order:
 * 1. A canary token (j->canaries: random "GCCANARY-<hex>" strings written into
 *    files outside www/) in any response header block or body. A token that
 *    the request itself carried is a reflection, not a read: ignored.
 * 2. A well-known host file in a response body: a /etc/passwd line for root
 *    ("root:<pw>:0:0:"), a /etc/shadow line for root (root:<hash>: then the
 *    numeric date/age fields), or /proc/<pid>/environ (NUL-separated entries,
 *    one of them "PATH=/..."). A marker that also matches the bytes of the
 *    request is ignored: gk-echo answering /run?arg=root:x:0:0:... echoes it,
 *    legitimately.
 * 3. A supervisor GC_EV_OPEN attributed to the case whose path, normalized
 *    lexically, is outside j->fixtures_dir and not on the allowlist below.
 *
 * Allowlist (what a libc/OpenSSL program and a /run helper legitimately open
 * while serving): /usr/, /lib/, /lib32/, /lib64/, /etc/ld.so.cache,
 * /etc/ld.so.preload, /etc/localtime, /etc/ssl/, /dev/null, /dev/urandom,
 * /dev/random, /proc/self/{status,maps,stat,limits,cgroup,mountinfo},
 * /sys/devices/system/cpu/, and the helper itself. Not on it, on purpose:
 * /proc/self/root, /proc/self/cwd, /proc/self/fd/ (classic escapes) and
 * /etc/passwd (a target reads it at start, attributed to no case). */
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_internal.h"

#define PATH_BUF 4096

static const char *const ALLOW_PREFIX[] = {
    "/usr/", "/lib/", "/lib32/", "/lib64/", "/etc/ssl/", "/sys/devices/system/cpu/",
};
static const char *const ALLOW_EXACT[] = {
    "/etc/ld.so.cache", "/etc/ld.so.preload", "/etc/localtime",    "/dev/null",
    "/dev/urandom",     "/dev/random",        "/proc/self/status", "/proc/self/maps",
    "/proc/self/stat",  "/proc/self/limits",  "/proc/self/cgroup", "/proc/self/mountinfo",
};

static int allowed_open(const char *norm, const struct gc_judge_ctx *j)
{
    for (size_t i = 0; i < sizeof(ALLOW_PREFIX) / sizeof(ALLOW_PREFIX[0]); i++) {
        if (strncmp(norm, ALLOW_PREFIX[i], strlen(ALLOW_PREFIX[i])) == 0)
            return 1;
    }
    for (size_t i = 0; i < sizeof(ALLOW_EXACT) / sizeof(ALLOW_EXACT[0]); i++) {
        if (strcmp(norm, ALLOW_EXACT[i]) == 0)
            return 1;
    }
    return j->helper_path != NULL && strcmp(norm, j->helper_path) == 0;
}

/* --- host-file markers ------------------------------------------------------- */

static int is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

/* At line start p: "root:" FIELD ":0:0:" (passwd, field 2 any, uid/gid 0). */
static int passwd_line(const uint8_t *p, size_t n)
{
    if (n < 5 || memcmp(p, "root:", 5) != 0)
        return 0;
    size_t i = 5;
    while (i < n && p[i] != ':' && p[i] != '\n')
        i++;
    return n - i >= 5 && memcmp(p + i, ":0:0:", 5) == 0;
}

/* At line start p: "root:" HASH ":" then four all-digit (possibly empty)
 * fields, each ending in ':' (shadow: lastchg, min, max, warn). */
static int shadow_line(const uint8_t *p, size_t n)
{
    if (n < 5 || memcmp(p, "root:", 5) != 0)
        return 0;
    size_t i = 5;
    while (i < n && p[i] != ':' && p[i] != '\n')
        i++;
    if (i == n || p[i] != ':')
        return 0;
    i++;
    int digits = 0;
    for (int field = 0; field < 4; field++) {
        while (i < n && is_digit(p[i])) {
            i++;
            digits++;
        }
        if (i == n || p[i] != ':')
            return 0;
        i++;
    }
    return digits > 0; /* "root:x::::" is not a shadow line */
}

enum marker { MK_NONE, MK_PASSWD, MK_SHADOW, MK_ENVIRON };
static const char *const MARKER_NAMES[] = {"none", "passwd", "shadow", "environ"};

/* /proc/<pid>/environ: entries separated by NUL; one is "PATH=/", and at
 * least one other entry has '='. */
static int environ_like(const uint8_t *p, size_t n)
{
    int path = 0, others = 0;
    size_t i = 0;
    if (memchr(p, '\0', n) == NULL)
        return 0;
    while (i < n) {
        const uint8_t *end = memchr(p + i, '\0', n - i);
        size_t len = end ? (size_t)(end - (p + i)) : n - i;
        if (len >= 6 && memcmp(p + i, "PATH=/", 6) == 0)
            path = 1;
        else if (len > 1 && memchr(p + i, '=', len) != NULL)
            others++;
        i += len + 1;
    }
    return path && others > 0;
}

static enum marker find_marker(const uint8_t *p, size_t n)
{
    if (p == NULL || n == 0)
        return MK_NONE;
    for (size_t i = 0; i < n; i++) {
        if (i != 0 && p[i - 1] != '\n')
            continue;
        if (passwd_line(p + i, n - i))
            return MK_PASSWD;
        if (shadow_line(p + i, n - i))
            return MK_SHADOW;
    }
    return environ_like(p, n) ? MK_ENVIRON : MK_NONE;
}

/* Does the request carry the same kind of marker (a reflection)? */
static int request_has_marker(const struct gc_case *c, enum marker m)
{
    const char *strs[] = {c->target, c->second_target, c->raw, c->run_arg};
    size_t lens[] = {c->target ? strlen(c->target) : 0,
                     c->second_target ? strlen(c->second_target) : 0,
                     c->raw ? (c->raw_len ? c->raw_len : strlen(c->raw)) : 0, gc__run_arg_len(c)};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (strs[i] != NULL && find_marker((const uint8_t *)strs[i], lens[i]) == m)
            return 1;
    }
    for (size_t i = 0; i < GC_CASE_MAX_HEADERS; i++) {
        if (c->headers[i] &&
            find_marker((const uint8_t *)c->headers[i], strlen(c->headers[i])) == m)
            return 1;
    }
    return 0;
}

/* A normalized relative path that starts with a ".." component. */
static int climbs(const char *norm)
{
    return norm[0] == '.' && norm[1] == '.' && (norm[2] == '\0' || norm[2] == '/');
}

void gc_oracle_traversal(const struct gc_case *c, const struct gc_observation *o,
                         const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    char route[GC__ROUTE_MAX * 4 + 4], desc[GC__DESC_MAX * 4], where[GC__ROUTE_MAX * 4 + 16];
    gc__verdict_start(v, GC_OR_TRAVERSAL);
    size_t n = gc__n_resp(o);
    for (size_t i = 0; i < n; i++) {
        enum gc__req r = i == 0 ? GC__REQ_FIRST : GC__REQ_SECOND;
        const struct gc_obs_response *resp = &o->resp[i];
        for (size_t k = 0; k < j->n_canaries; k++) {
            const char *tok = j->canaries[k].token;
            size_t tn = strnlen(tok, sizeof(j->canaries[k].token));
            const char *in = gc__resp_find(resp, tok, tn);
            if (in == NULL || gc__request_contains(c, tok, tn))
                continue;
            gc__fire(v, "canary=%zu in=%s route=%s", k, in, gc__route(c, r, route, sizeof(route)));
            gc__evidence(v, "%s answered %d with canary token #%zu (%s) in its %s",
                         gc__describe(c, r, desc, sizeof(desc)), resp->status, k,
                         gc__stable_path(j, j->canaries[k].path, where, sizeof(where)), in);
            return;
        }
        enum marker m = find_marker(resp->body, resp->body ? resp->body_len : 0);
        if (m != MK_NONE && !request_has_marker(c, m)) {
            gc__fire(v, "hostfile=%s route=%s", MARKER_NAMES[m],
                     gc__route(c, r, route, sizeof(route)));
            gc__evidence(v,
                         "%s answered %d with the contents of a host file (%s marker) in its body",
                         gc__describe(c, r, desc, sizeof(desc)), resp->status, MARKER_NAMES[m]);
            return;
        }
    }
    for (size_t k = 0; k < j->n_events; k++) {
        const struct gc_event *ev = &j->events[k];
        char norm[PATH_BUF], shown[GC__SHOW_MAX * 4 + 8];
        if (ev->kind != GC_EV_OPEN)
            continue;
        size_t pn = strnlen(ev->path, sizeof(ev->path));
        if (pn == 0 || pn == sizeof(ev->path) || gc__normalize_path(ev->path, norm, sizeof(norm)))
            continue; /* unterminated or unreadable: nothing to judge */
        /* A relative path is relative to a cwd we do not know: only one that
         * climbs ("../x") is judged. */
        if (norm[0] != '/' && !climbs(norm))
            continue;
        if (norm[0] == '/' && (gc__path_under(norm, j->fixtures_dir) || allowed_open(norm, j)))
            continue;
        gc__fire(v, "open=%s", gc__stable_path(j, norm, where, sizeof(where)));
        gc__evidence(v, "during %s pid %d opened %s: outside the fixture dir",
                     gc__describe(c, GC__REQ_FIRST, desc, sizeof(desc)), ev->pid,
                     gc__escape(shown, sizeof(shown), ev->path, pn, GC__SHOW_MAX));
        return;
    }
}
