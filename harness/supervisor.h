/* harness/supervisor.h: launch a target and watch what it does.
 *
 * A launched target runs under a seccomp filter that returns
 * SECCOMP_RET_USER_NOTIF for execve, execveat and connect (and, on request,
 * the open family). A supervisor thread receives each notification, reads the
 * arguments out of /proc/<pid>/mem, confirms the notification is still live
 * (SECCOMP_IOCTL_NOTIF_ID_VALID, the TOCTOU rule), records a struct gc_event
 * (harness/oracle.h) and lets the call proceed unchanged
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE): the supervisor observes, it never
 * changes behaviour. Another thread waits for the target to exit (GC_EV_EXIT)
 * and a third drains its stdout+stderr into a log, scanning each line for
 * sanitizer reports (GC_EV_SANITIZER). See docs/SUPERVISOR.md.
 *
 * Events carry a sequence number: take gc_target_seq() before a case and
 * gc_target_events_since() after it to get the events of that case's window.
 * Notified calls block until recorded, so an exec or connect that caused a
 * response is always recorded before the response arrives. */
#ifndef GC_SUPERVISOR_H
#define GC_SUPERVISOR_H
#include <stddef.h>
#include <stdint.h>
#include "oracle.h"

#define GC_SUP_MAX_ARGS 64            /* launch argv entries, incl. argv[0] */
#define GC_SUP_MAX_ENV 16             /* extra environment entries */
#define GC_SUP_MAX_EVENTS 4096        /* ring of recorded events; older ones are dropped */
/* Bytes kept of each recorded exec path/argv string: above any request line a
 * target accepts, so a /run argument is compared whole, never truncated. */
#define GC_SUP_MAX_ARG_LEN 65536
#define GC_SUP_MAX_RING_BYTES (32u << 20) /* argv bytes held by the ring; oldest dropped past it */
#define GC_SUP_LOG_CAP (8u << 20)     /* bytes of target output kept in memory */
#define GC_SUP_DEFAULT_READY_MS 10000 /* wait for the port by default */
#define GC_SUP_STOP_GRACE_MS 3000     /* SIGTERM → SIGKILL after this */
#define GC_SUP_PORT_NONE (-1)         /* opts.port: do not wait for readiness */

struct gc_launch_opts {
    /* NULL-terminated argv. argv[0] with a '/' is used as is; otherwise it is
     * looked up in $PATH by the parent before fork. No shell is involved. */
    const char *const *argv;
    /* NULL-terminated "NAME=value" entries added to the inherited environment
     * (replacing an inherited entry of the same name), e.g. GATECRASH_PORT. */
    const char *const *env;
    /* > 0: poll-connect to 127.0.0.1:port until it accepts. 0: wait for a
     * "listening on 127.0.0.1:PORT" line on the target's output and use that
     * port. GC_SUP_PORT_NONE: return as soon as the target was executed. */
    int port;
    int ready_timeout_ms;  /* 0 = GC_SUP_DEFAULT_READY_MS */
    int supervise;         /* install the seccomp user-notification filter */
    int watch_open;        /* also notify open/openat/openat2/creat (costs every open) */
    /* Captured stdout+stderr. Written to "<log_path>.partial" while the target
     * runs, fsync'ed and renamed to log_path by gc_target_stop(). NULL = keep
     * the log in memory only. */
    const char *log_path;
    /* Working directory of the target (NULL = inherit). The runner points it
     * into the run directory so that anything a misbehaving target writes by
     * relative path (a shell told to `touch x`) lands there, not in the
     * caller's tree. */
    const char *cwd;
};

/* Split a --target-cmd string into argv: fields separated by runs of spaces
 * and tabs, no quoting, no escapes, no expansion (there is no shell). Fills
 * out[0..n-1] with pointers into `buf` (a modified copy of cmd of size cap)
 * and out[n] = NULL. Returns n, or -1 if empty, too many fields
 * (> GC_SUP_MAX_ARGS) or buf too small. */
int gc_split_cmd(const char *cmd, char *buf, size_t cap, const char **out, size_t out_cap);

struct gc_target;

/* Start the target, wait until it is ready (see opts.port). On failure
 * returns -1 with a message in err and *out untouched. If seccomp user
 * notification is unavailable (old kernel, a filter that forbids seccomp(2),
 * unsupported architecture) the target is launched unsupervised: check
 * gc_target_supervised() and say in the report which evidence is missing.
 * Note: PR_SET_PDEATHSIG fires when the *thread* that called launch exits;
 * call it from a thread that outlives the target. */
int gc_target_launch(const struct gc_launch_opts *o, struct gc_target **out, char *err,
                     size_t cap);

/* Stop (if running) and start again with the same options; events, log and
 * sequence numbers continue. Returns 0 or -1 with err. */
int gc_target_restart(struct gc_target *t, char *err, size_t cap);

/* SIGTERM to the target's process group, wait up to GC_SUP_STOP_GRACE_MS,
 * then SIGKILL. Returns the wait status (as from waitpid), or -1 if it was
 * never reaped. Idempotent: a second call returns the same status. */
int gc_target_stop(struct gc_target *t);

/* Stop if needed and release everything. NULL is fine. */
void gc_target_free(struct gc_target *t);

int gc_target_pid(const struct gc_target *t);
int gc_target_port(const struct gc_target *t);  /* port waited for, 0 if none */
int gc_target_alive(struct gc_target *t);
int gc_target_supervised(const struct gc_target *t);
/* Why supervision is off ("" when supervised). */
const char *gc_target_unsupervised_reason(const struct gc_target *t);
/* "" normally; otherwise why the notify thread gave up mid-run (its listener
 * is then closed and the target's watched calls fail with ENOSYS). */
const char *gc_target_supervision_lost(struct gc_target *t);
/* Posture checks must discount what the launcher itself did: our filter adds
 * one to /proc/<pid>/status Seccomp_filters, and no_new_privs was set by us
 * when the filter needed it (an unprivileged launcher). */
int gc_target_supervisor_filters(const struct gc_target *t);
int gc_target_nnp_set_by_launcher(const struct gc_target *t);

/* Counters for the report. */
struct gc_sup_stats {
    uint64_t notifications;   /* received */
    uint64_t recorded;        /* events appended (all kinds) */
    uint64_t dropped;         /* overwritten in the ring before anyone could read them */
    uint64_t invalid;         /* notification died between read and ID_VALID: discarded */
    uint64_t unreadable;      /* arguments could not be read (recorded with a marker) */
    uint64_t log_truncated;   /* output bytes not kept in memory past GC_SUP_LOG_CAP */
};
void gc_target_stats(struct gc_target *t, struct gc_sup_stats *s);

/* Sequence number the next event will get. Events have numbers 0, 1, ...;
 * the target's own starting execve is event 0 of a supervised launch, so a
 * mark taken after launch excludes it. */
uint64_t gc_target_seq(struct gc_target *t);

/* Copy events with sequence >= seq (oldest first) into out[0..cap-1]; the
 * argv strings are fresh copies: release with gc_events_free(). Returns the
 * number copied. *next (may be NULL) receives the sequence number after the
 * last one copied, to continue from. *dropped (may be NULL) receives how many
 * events of the window were already overwritten. */
size_t gc_target_events_since(struct gc_target *t, uint64_t seq, struct gc_event *out,
                              size_t cap, uint64_t *next, uint64_t *dropped);
void gc_events_free(struct gc_event *ev, size_t n);

/* Captured output so far (stdout and stderr interleaved), a fresh malloc'd
 * copy, NUL-terminated (the NUL not counted). Returns 0, or -1 on ENOMEM. */
int gc_target_log(struct gc_target *t, uint8_t **buf, size_t *len);

#endif
