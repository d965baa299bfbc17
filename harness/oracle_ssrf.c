/* harness/oracle_ssrf.c: the target made a connection the request steered.
 *
 * Nothing in the target contract makes a target connect anywhere while it
 * serves: jku, x5u, jwk and x5c are never fetched, iss is never resolved
 * (target contract §3). Evidence:
 * 1. j->ssrf_listener_hits > 0: the harness's loopback canary listener (the
 *    ${SSRF_URL} of jwt.jku.* / ssrf.* tokens) accepted a connection while
 *    the case ran. Works without the supervisor.
 * 2. A supervisor GC_EV_CONNECT attributed to the case: to the canary
 *    listener's address, to any address that is not loopback (127.0.0.0/8,
 *    ::1, ::ffff:127.0.0.0/104), or to a unix socket other than glibc's nscd
 *    socket (a passwd lookup, harmless). A loopback connect to another port is
 *    not judged: the case cannot have pointed it there. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_internal.h"

#define HOST_MAX 64 /* sizeof(gc_event.addr) */

static const char *const UNIX_ALLOW[] = {"/var/run/nscd/socket", "/run/nscd/socket"};

/* Split "1.2.3.4:80" / "[::1]:80" / "::1" into host. Returns 0 or -1. */
static int addr_host(const char *addr, char host[HOST_MAX])
{
    size_t n = strnlen(addr, HOST_MAX);
    if (n == 0 || n == HOST_MAX)
        return -1;
    if (addr[0] == '[') {
        const char *end = memchr(addr, ']', n);
        if (end == NULL || (size_t)(end - addr - 1) >= HOST_MAX)
            return -1;
        memcpy(host, addr + 1, (size_t)(end - addr - 1));
        host[end - addr - 1] = '\0';
        return 0;
    }
    const char *colon = memchr(addr, ':', n);
    const char *last = strrchr(addr, ':');
    size_t hn = (colon != NULL && colon == last) ? (size_t)(colon - addr) : n; /* v4:port */
    memcpy(host, addr, hn);
    host[hn] = '\0';
    return 0;
}

/* 1 loopback, 0 not, -1 unparseable. */
static int is_loopback(const char *host)
{
    uint8_t a[16];
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, host, a) != 1)
        return -1;
    static const uint8_t loop6[16] = {[15] = 1};
    static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
    if (memcmp(a, loop6, 16) == 0)
        return 1;
    return memcmp(a, mapped, 12) == 0 && a[12] == 127;
}

void gc_oracle_ssrf(const struct gc_case *c, const struct gc_observation *o,
                    const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    char desc[GC__DESC_MAX * 4], shown[GC__SHOW_MAX * 4 + 8], stable[GC__ROUTE_MAX * 4 + 16];
    char host[HOST_MAX];
    (void)o;
    gc__verdict_start(v, GC_OR_SSRF);
    gc__describe(c, GC__REQ_FIRST, desc, sizeof(desc));
    for (size_t k = 0; k < j->n_events; k++) {
        const struct gc_event *ev = &j->events[k];
        if (ev->kind != GC_EV_CONNECT)
            continue;
        size_t an = strnlen(ev->addr, sizeof(ev->addr));
        size_t pn = strnlen(ev->path, sizeof(ev->path));
        if (an == 0 && pn > 0) { /* AF_UNIX */
            int ok = 0;
            for (size_t i = 0; i < sizeof(UNIX_ALLOW) / sizeof(UNIX_ALLOW[0]); i++)
                ok |= strcmp(ev->path, UNIX_ALLOW[i]) == 0;
            if (ok)
                continue;
            gc__fire(v, "connect=unix path=%s",
                     gc__stable_path(j, ev->path, stable, sizeof(stable)));
            gc__evidence(v, "during %s pid %d connected to unix socket %s", desc, ev->pid,
                         gc__escape(shown, sizeof(shown), ev->path, pn, GC__SHOW_MAX));
            return;
        }
        gc__escape(shown, sizeof(shown), ev->addr, an, GC__SHOW_MAX);
        if (j->ssrf_canary_addr && an > 0 && strcmp(ev->addr, j->ssrf_canary_addr) == 0) {
            gc__fire(v, "connect=canary");
            gc__evidence(v, "during %s pid %d connected to the canary listener %s", desc, ev->pid,
                         shown);
            return;
        }
        if (an == 0 || addr_host(ev->addr, host) != 0 || is_loopback(host) == 1)
            continue;
        gc__fire(v, "connect=non-loopback host=%s",
                 gc__escape(stable, sizeof(stable), host, strlen(host), GC__ROUTE_MAX));
        gc__evidence(v, "during %s pid %d connected to %s: not loopback", desc, ev->pid, shown);
        return;
    }
    if (j->ssrf_listener_hits > 0) {
        gc__fire(v, "listener-hit");
        gc__evidence(v, "during %s the canary listener accepted %u connection(s)", desc,
                     j->ssrf_listener_hits);
    }
}
