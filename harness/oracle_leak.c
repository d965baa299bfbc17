/* harness/oracle_leak.c: a secret appeared where it must never be.
 *
 * Secrets: j->secrets (the runner passes the signatures of the tokens it
 * sends, the HMAC key in hex, ...) and, built in, the PEM private key marker
 * "PRIVATE KEY-----" (PKCS#8 "-----BEGIN PRIVATE KEY-----", "EC PRIVATE KEY",
 * "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"; RFC 7468 §10-11). Places: the
 * target's output written while the case ran (j->target_log) and every
 * response, headers and body. Exception: a response to a request whose
 * run_arg itself holds the secret (gk-echo echoes its argument, as it must).
 *
 * Evidence names the secret by label (j->secret_labels) or index and by
 * fingerprint ("sha256:1a2b3c4d", the same form gatekeeper's gk_log_redact
 * writes), never the secret's bytes, so reports and findings are safe to
 * publish. The signature has no fingerprint: secrets are random per fixture
 * dir, and the finding id must not change between runs. */
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_internal.h"

#define PEM_MARKER "PRIVATE KEY-----"
#define LABEL_MAX 40

static int run_arg_holds(const struct gc_case *c, const void *s, size_t n)
{
    return c->run_arg != NULL && gc__find(c->run_arg, gc__run_arg_len(c), s, n) != NULL;
}

/* Where the secret s appears ("log", "response headers", ...), or NULL. */
static const char *find_secret(const struct gc_case *c, const struct gc_observation *o,
                               const struct gc_judge_ctx *j, const void *s, size_t n,
                               size_t *which_resp)
{
    if (gc__find(j->target_log, j->target_log ? j->target_log_len : 0, s, n))
        return "log";
    size_t nr = gc__n_resp(o);
    for (size_t i = 0; i < nr; i++) {
        const char *in = gc__resp_find(&o->resp[i], s, n);
        if (in == NULL || (i == 0 && run_arg_holds(c, s, n)))
            continue;
        *which_resp = i;
        return in;
    }
    return NULL;
}

/* The request, described without its bytes when they hold the secret (a
 * /run arg or path the harness sent): evidence never shows a secret. */
static char *describe(const struct gc_case *c, enum gc__req r, const void *s, size_t n, char *out,
                      size_t cap)
{
    char route[GC__ROUTE_MAX * 4 + 4], cert[48];
    gc__describe(c, r, out, cap);
    if (gc__find(out, strlen(out), s, n) == NULL)
        return out;
    snprintf(out, cap, "%s %s (request bytes withheld: they hold the secret) with cert %s",
             c->method ? c->method : "GET", gc__route(c, r, route, sizeof(route)),
             gc__cert_name(c->cert, cert, sizeof(cert)));
    if (gc__find(out, strlen(out), s, n) != NULL)
        snprintf(out, cap, "a request that holds the secret");
    return out;
}

static void fire(struct gc_verdict *v, const struct gc_case *c, const struct gc_observation *o,
                 const void *s, size_t n, const char *label, const char *fp, const char *in,
                 size_t resp_i)
{
    char desc[GC__DESC_MAX * 4], route[GC__ROUTE_MAX * 4 + 4];
    enum gc__req r = resp_i == 0 ? GC__REQ_FIRST : GC__REQ_SECOND;
    describe(c, r, s, n, desc, sizeof(desc));
    if (strcmp(in, "log") == 0) {
        gc__fire(v, "secret=%s in=log", label);
        gc__evidence(v, "during %s the target's output held secret %s (%s)", desc, label, fp);
        return;
    }
    gc__fire(v, "secret=%s in=%s route=%s", label, in, gc__route(c, r, route, sizeof(route)));
    gc__evidence(v, "%s answered %d with secret %s (%s) in its %s", desc, o->resp[resp_i].status,
                 label, fp, in);
}

void gc_oracle_leak(const struct gc_case *c, const struct gc_observation *o,
                    const struct gc_judge_ctx *j, struct gc_verdict *v)
{
    char label[LABEL_MAX * 4 + 8], fp[GC__FP_LEN + 1];
    size_t resp_i = 0;
    gc__verdict_start(v, GC_OR_LEAK);
    for (size_t k = 0; k < j->n_secrets; k++) {
        const char *s = j->secrets[k];
        size_t n = s ? strlen(s) : 0;
        if (n == 0)
            continue;
        const char *in = find_secret(c, o, j, s, n, &resp_i);
        if (in == NULL)
            continue;
        if (j->secret_labels && j->secret_labels[k])
            gc__escape(label, sizeof(label), j->secret_labels[k], strlen(j->secret_labels[k]),
                       LABEL_MAX);
        else
            snprintf(label, sizeof(label), "#%zu", k);
        gc__fingerprint(s, n, fp);
        fire(v, c, o, s, n, label, fp, in, resp_i);
        return;
    }
    const char *in = find_secret(c, o, j, PEM_MARKER, strlen(PEM_MARKER), &resp_i);
    if (in != NULL) {
        fire(v, c, o, PEM_MARKER, strlen(PEM_MARKER), "private-key-pem", "PEM marker", in, resp_i);
    }
}
