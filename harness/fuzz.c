/* harness/fuzz.c: `gatecrash fuzz` (fuzz.h, docs/NETFUZZ.md).
 *
 * Flow: options → the runner's session (fixtures, material, canary listener,
 * target under the supervisor; credentials loaded before the clock starts) →
 * seeds (every eligible catalogue case of this shard, plus the corpus on
 * --resume), each run once → jobs pick a corpus entry, add one to three
 * operators, run it, and keep it when its (route, status, identity source,
 * oracle signal) tuple is new, or (grey-box, a coverage-instrumented target)
 * it was running when the shared coverage map showed news → a finding (after the ground-truth filter) is
 * minimized, saved as a regression case and recorded with a reproducer.
 *
 * Determinism: each job has its own PRNG seeded from (seed, job index); the
 * operators carry concrete parameters, so an entry rebuilds the same request.
 * With --jobs 1 the whole run is a function of the seed and the target's
 * answers. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "build.h"
#include "covmap.h"
#include "mutate.h"
#include "result.h"
#include "runner.h"
#include "runner_internal.h"

#define FZ_EXIT_OK 0
#define FZ_EXIT_FINDINGS 1
#define FZ_EXIT_ERR 2
#define FZ_ERR_MAX 1024
#define FZ_DEFAULT_TIME_S 60
#define FZ_MAX_TIME_S (7 * 24 * 3600)
#define FZ_MAX_JOBS 64
#define FZ_MAX_SHARDS 1024
#define FZ_MAX_CORPUS 100000      /* entries kept in memory */
#define FZ_MAX_FINDINGS 256       /* distinct findings minimized per run */
#define FZ_NEW_OPS_MAX 3          /* operators added per iteration: 1..3 */
#define FZ_SHORTEN_TRIES 12       /* halvings of a byte-carrying operator */
#define FZ_SET_INIT 1024          /* hash set slots (power of two) */
#define FZ_PROGRESS_TTY_MS 100
#define FZ_PROGRESS_PLAIN_MS 5000
#define FZ_TICK_MS 20
#define FZ_SOURCE_MAX 16
#define FZ_STEM_MAX 128
#define FZ_PATH_MAX 4096

/* --- small utilities ---------------------------------------------------------------------- */

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int mkdir_p(const char *path)
{
    char tmp[FZ_PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        char saved = tmp[i];
        tmp[i] = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        tmp[i] = saved;
    }
    return 0;
}

/* Atomic write: temp in the same dir, fsync, rename, fsync the dir. */
static int write_atomic(const char *dir, const char *name, const char *data, size_t len)
{
    char path[FZ_PATH_MAX], tmp[FZ_PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
        snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", dir, name) >= (int)sizeof(tmp))
        return -1;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

static int write_json(const char *dir, const char *name, json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (text == NULL)
        return -1;
    size_t n = strlen(text);
    char *nl = realloc(text, n + 2);
    if (nl == NULL) {
        free(text);
        return -1;
    }
    nl[n] = '\n';
    nl[n + 1] = '\0';
    int rc = write_atomic(dir, name, nl, n + 1);
    free(nl);
    return rc;
}

/* 64-bit FNV-1a: set keys (tuples, entry hashes, finding keys). */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define FNV_INIT 0xcbf29ce484222325ULL

/* Open-addressing set of non-zero 64-bit keys. */
struct set {
    uint64_t *k;
    size_t cap, n;
};

static int set_add(struct set *s, uint64_t key) /* 1 new, 0 present, -1 OOM */
{
    if (key == 0)
        key = 1;
    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : FZ_SET_INIT;
        uint64_t *nk = calloc(cap, sizeof(*nk));
        if (nk == NULL)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (s->k[i] == 0)
                continue;
            size_t j = (size_t)s->k[i] & (cap - 1);
            while (nk[j] != 0)
                j = (j + 1) & (cap - 1);
            nk[j] = s->k[i];
        }
        free(s->k);
        s->k = nk;
        s->cap = cap;
    }
    size_t j = (size_t)key & (s->cap - 1);
    while (s->k[j] != 0) {
        if (s->k[j] == key)
            return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->k[j] = key;
    s->n++;
    return 1;
}

/* --- grey-box: mode and edge attribution (fuzz.h; pure) ----------------------------------- */

int gc_fuzz_greybox_parse(const char *s, enum gc_fuzz_greybox *out)
{
    static const char *const NAMES[] = {"auto", "on", "off"};
    for (size_t i = 0; s != NULL && i < sizeof(NAMES) / sizeof(NAMES[0]); i++)
        if (strcmp(s, NAMES[i]) == 0) {
            *out = (enum gc_fuzz_greybox)i;
            return 0;
        }
    return -1;
}

int gc_fuzz_greybox_decide(enum gc_fuzz_greybox mode, size_t startup_edges)
{
    if (mode == GC_FUZZ_GREYBOX_OFF)
        return 0;
    if (startup_edges > 0)
        return 1;
    return mode == GC_FUZZ_GREYBOX_ON ? -1 : 0;
}

static uint64_t job_bit(size_t job)
{
    return job < GC_FUZZ_CREDIT_MAX_JOBS ? UINT64_C(1) << job : 0;
}

void gc_fuzz_credit_start(struct gc_fuzz_credit *c, size_t job)
{
    c->running |= job_bit(job);
    c->owed &= ~job_bit(job);
}

void gc_fuzz_credit_news(struct gc_fuzz_credit *c)
{
    c->owed |= c->running;
}

int gc_fuzz_credit_end(struct gc_fuzz_credit *c, size_t job)
{
    int owed = (c->owed & job_bit(job)) != 0;
    c->running &= ~job_bit(job);
    c->owed &= ~job_bit(job);
    return owed;
}

/* --- state --------------------------------------------------------------------------------- */

struct fz_opts {
    struct gc_run_opts run;
    double time_s;
    int jobs;
    unsigned shard_k, shard_n; /* 1-based k of n */
    const char *corpus_dir;
    const char *cases_dir;
    int resume;
    int stop_on_finding; /* end the run once the first finding is recorded */
    enum gc_fuzz_greybox greybox;
};

struct fz_entry {
    struct gc_mut_entry e;
    const struct gc_case *base;
};

/* What one execution showed (filled by the judge hook). */
struct fz_seen {
    int status;                   /* first response, 0 none, -1 handshake failed */
    char source[FZ_SOURCE_MAX];   /* /whoami-like body "source", "-" otherwise */
    unsigned mask;                /* oracles that fired (after the truth filter) */
    struct gc_verdict v[GC_OR_COUNT];
};

struct fz_finding {
    char id[GC_FINDING_ID_LEN + 1]; /* regression case regress.<id> */
    enum gc_oracle oracle;
    char base[GC_MUT_ID_MAX];
    char evidence[512];
    char signature[128];
    size_t n_ops;
    double first_ms; /* since the fuzzing clock started, when first sighted */
    int flaky;       /* did not fire again on re-execution: reported, not saved, not failing */
};

struct fuzzer;
struct fz_job {
    struct fuzzer *f;
    size_t slot;
    struct gc_prng rng;
    int record;      /* the next exec records its findings (a minimized finding) */
    struct fz_seen seen;
    struct gc__conn_pool pool; /* kept connections, one per certificate kind */
    pthread_t th;
};

struct fuzzer {
    const struct fz_opts *o;
    struct gc__session *sess;
    struct gc_run run;
    const struct gc_case **bases;
    size_t n_bases;
    pthread_mutex_t mu;
    struct fz_entry *corpus;
    size_t n_corpus, cap_corpus, n_loaded, n_saved;
    struct set entries, tuples, keys;
    size_t seed_tuples;
    struct fz_finding findings[FZ_MAX_FINDINGS];
    size_t n_findings;
    struct gc_mut_case **kept; /* cases findings point at (live until the end) */
    size_t n_kept;
    _Atomic size_t execs;
    _Atomic size_t errors; /* executions the harness could not run (GC_OUT_ERROR) */
    _Atomic int stop;
    _Atomic int halt;      /* --stop-on-finding: a finding was recorded */
    double t0, deadline, last_progress;
    int tty, quiet;
    size_t next_seed; /* seeds run first, shared by the jobs */
    /* Grey-box (docs/NETFUZZ.md "Grey-box feedback"); under mu. */
    struct gc_covmap cm;
    int map_open;              /* cm is open (and its shm name exists) */
    int greybox;               /* the target writes into cm: edge feedback on */
    struct gc_fuzz_credit credit;
    size_t edges_seen;         /* map positions ever hit (start-up included) */
    size_t kept_tuple;         /* mutated entries kept for a new tuple */
    size_t kept_edges;         /* ... kept for edges alone (the tuple was known) */
    struct fz_job jobs[FZ_MAX_JOBS];
    size_t n_jobs;
    char err[FZ_ERR_MAX];
};

static void progress(struct fuzzer *f, int final)
{
    if (f->quiet)
        return;
    double now = mono_ms();
    if (!final && now - f->last_progress < (f->tty ? FZ_PROGRESS_TTY_MS : FZ_PROGRESS_PLAIN_MS))
        return;
    f->last_progress = now;
    double secs = (now - f->t0) / 1000.0;
    size_t ex = atomic_load(&f->execs);
    pthread_mutex_lock(&f->mu);
    size_t nc = f->n_corpus, nt = f->tuples.n, nf = f->n_findings, ne = f->edges_seen;
    pthread_mutex_unlock(&f->mu);
    double rate = secs > 0 ? (double)ex / secs : 0.0;
    char edges[48] = "";
    if (f->greybox)
        snprintf(edges, sizeof(edges), ", edges %zu", ne);
    if (f->tty)
        fprintf(stderr, "\r\033[K[fuzz %.0f/%.0f s] %zu execs, %.0f/s, corpus %zu, tuples %zu%s, "
                        "%zu finding%s%s",
                secs, f->o->time_s, ex, rate, nc, nt, edges, nf, nf == 1 ? "" : "s",
                final ? "\n" : "");
    else
        fprintf(stderr, "gatecrash fuzz: [%.0f/%.0f s] %zu execs, %.0f/s, corpus %zu, tuples %zu%s, "
                        "%zu finding%s\n",
                secs, f->o->time_s, ex, rate, nc, nt, edges, nf, nf == 1 ? "" : "s");
    fflush(stderr);
}

/* --- the judge hook ---------------------------------------------------------------------------- */

/* "source" of a JSON body (/whoami, /user, /admin answer one), or "-". */
static void body_source(const uint8_t *body, size_t len, char out[FZ_SOURCE_MAX])
{
    snprintf(out, FZ_SOURCE_MAX, "-");
    if (body == NULL || len == 0 || body[0] != '{')
        return;
    json_t *j = json_loadb((const char *)body, len, 0, NULL);
    const char *s = json_string_value(json_object_get(j, "source"));
    if (s != NULL)
        snprintf(out, FZ_SOURCE_MAX, "%s", s);
    json_decref(j);
}

static int on_judged(void *arg, size_t slot, const struct gc_case *c, const struct gc_observation *o,
                     struct gc_verdict *v, const struct gc_built *b)
{
    (void)c;
    (void)b;
    struct fuzzer *f = arg;
    struct fz_job *j = &f->jobs[slot];
    struct fz_seen *s = &j->seen;
    s->status = o->n_resp > 0 ? o->resp[0].status : (o->connect_ok && !o->handshake_ok ? -1 : 0);
    s->mask = 0;
    for (size_t i = 0; i < GC_OR_COUNT; i++) {
        s->v[i] = v[i];
        if (v[i].fired)
            s->mask |= 1u << i;
    }
    if (o->n_resp > 0 && o->resp[0].status >= 200 && o->resp[0].status < 300)
        body_source(o->resp[0].body, o->resp[0].body_len, s->source);
    else
        snprintf(s->source, sizeof(s->source), "-");
    return j->record;
}

/* --- executing one entry ------------------------------------------------------------------- */

/* Evidence a serial window gives (supervisor exec/connect events, canary
 * hits) is worth the per-case liveness probe only where it judges. */
static int wants_serial(const struct fuzzer *f, const struct gc_mut_case *mc)
{
    return f->n_jobs == 1 && (mc->route == GC_ROUTE_RUN || mc->truth == GC_MUT_TRUTH_UNKNOWN);
}

/* May this execution send on a kept connection (docs/NETFUZZ.md "Connection
 * reuse")? Only a plain single request: framing variants may leave the
 * stream desynchronized, and the serial-evidence families (run, ssrf, leak,
 * hardening/posture, robust) need their own window per case. */
static int may_reuse(const struct gc_mut_entry *e, const struct gc_mut_case *mc, int serial)
{
    const struct gc_case *c = &mc->c;
    if (serial || c->action != GC_ACT_REQUEST || c->raw != NULL || mc->route == GC_ROUTE_RUN)
        return 0;
    switch (c->family) {
    case GC_FAM_RUN:
    case GC_FAM_SSRF:
    case GC_FAM_LEAK:
    case GC_FAM_HARDENING:
    case GC_FAM_ROBUST:
        return 0;
    default:
        break;
    }
    for (size_t i = 0; i < e->n_ops; i++)
        if (e->ops[i].kind == GC_MUT_FRAME || e->ops[i].kind == GC_MUT_JWT_URL)
            return 0; /* framing; a jku/x5u fetch is canary (ssrf) evidence */
    return 1;
}

/* Run e; j->seen tells what happened. record: keep the case alive and let the
 * runner record its findings. 0, or -1 when the entry does not build. */
static int exec_entry(struct fz_job *j, const struct gc_mut_entry *e, const struct gc_case *base,
                      const char *id, int record, struct gc_mut_case *keep_out)
{
    struct fuzzer *f = j->f;
    struct gc_mut_case *mc = calloc(1, sizeof(*mc));
    char err[256];
    if (mc == NULL || gc_mut_materialize(e, base, id, mc, err, sizeof(err)) != 0) {
        free(mc);
        return -1;
    }
    memset(&j->seen, 0, sizeof(j->seen));
    j->record = record;
    int serial = wants_serial(f, mc);
    gc__net_pool_bind(&j->pool, may_reuse(e, mc, serial));
    gc__run_one(f->sess, j->slot, &mc->c, serial);
    gc__net_pool_bind(NULL, 0);
    j->record = 0;
    atomic_fetch_add(&f->execs, 1);
    if (f->run.results != NULL && f->run.results[j->slot].outcome == GC_OUT_ERROR)
        atomic_fetch_add(&f->errors, 1);
    if (keep_out != NULL)
        *keep_out = *mc; /* route/truth for the tuple; pointers not used after */
    if (record) {
        pthread_mutex_lock(&f->mu);
        struct gc_mut_case **nk = realloc(f->kept, (f->n_kept + 1) * sizeof(*nk));
        if (nk != NULL) {
            f->kept = nk;
            f->kept[f->n_kept++] = mc;
            mc = NULL;
        }
        pthread_mutex_unlock(&f->mu);
        if (mc == NULL)
            return 0;
    }
    gc_mut_case_free(mc);
    free(mc);
    return 0;
}

/* --- corpus on disk ----------------------------------------------------------------------------- */

static uint64_t entry_key(const struct gc_mut_entry *e, char hex[GC_MUT_HASH_HEX + 1])
{
    if (gc_mut_entry_hash(e, hex) != 0)
        return 0;
    return fnv(FNV_INIT, hex, GC_MUT_HASH_HEX);
}

/* Add to the in-memory corpus (deduplicated) and, when save, to the corpus
 * dir as <hash>.json. Takes ownership of e's bytes. Caller holds f->mu. */
static int corpus_add_locked(struct fuzzer *f, struct gc_mut_entry *e, const struct gc_case *base,
                             int save)
{
    char hex[GC_MUT_HASH_HEX + 1];
    uint64_t k = entry_key(e, hex);
    if (k == 0 || f->n_corpus >= FZ_MAX_CORPUS || set_add(&f->entries, k) != 1) {
        gc_mut_entry_free(e);
        return 0;
    }
    if (f->n_corpus == f->cap_corpus) {
        size_t cap = f->cap_corpus ? f->cap_corpus * 2 : 256;
        struct fz_entry *nc = realloc(f->corpus, cap * sizeof(*nc));
        if (nc == NULL) {
            gc_mut_entry_free(e);
            return -1;
        }
        f->corpus = nc;
        f->cap_corpus = cap;
    }
    f->corpus[f->n_corpus].e = *e;
    f->corpus[f->n_corpus].base = base;
    f->n_corpus++;
    if (save && e->n_ops > 0) {
        json_t *j = gc_mut_entry_to_json(e);
        char name[GC_MUT_HASH_HEX + 8];
        snprintf(name, sizeof(name), "%s.json", hex);
        if (j != NULL && write_json(f->o->corpus_dir, name, j) == 0)
            f->n_saved++;
        json_decref(j);
    }
    memset(e, 0, sizeof(*e));
    return 1;
}

static const struct gc_case *find_base(const struct fuzzer *f, const char *id)
{
    for (size_t i = 0; i < f->n_bases; i++)
        if (strcmp(f->bases[i]->id, id) == 0)
            return f->bases[i];
    return NULL;
}

static int load_corpus(struct fuzzer *f)
{
    DIR *d = opendir(f->o->corpus_dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : -1;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        char **nn = realloc(names, (n + 1) * sizeof(*nn));
        if (nn == NULL)
            break;
        names = nn;
        if ((names[n] = strdup(de->d_name)) != NULL)
            n++;
    }
    closedir(d);
    /* Sorted, so the corpus order (and with it the run) is a function of the dir. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            char *t = names[k];
            names[k] = names[k - 1];
            names[k - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        char path[FZ_PATH_MAX], err[256];
        snprintf(path, sizeof(path), "%s/%s", f->o->corpus_dir, names[i]);
        json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
        struct gc_mut_entry e;
        if (j != NULL && gc_mut_entry_from_json(j, &e, err, sizeof(err)) == 0) {
            const struct gc_case *b = find_base(f, e.base);
            if (b != NULL) { /* another shard's, or a base no longer eligible: skipped */
                pthread_mutex_lock(&f->mu);
                f->n_loaded += (size_t)(corpus_add_locked(f, &e, b, 0) == 1);
                pthread_mutex_unlock(&f->mu);
            } else {
                gc_mut_entry_free(&e);
            }
        }
        json_decref(j);
        free(names[i]);
    }
    free(names);
    return 0;
}

/* --- feedback and findings ---------------------------------------------------------------------- */

/* The signature without its route (a mutated path makes every route new). */
static void stem(const char *sig, char out[FZ_STEM_MAX])
{
    size_t w = 0;
    const char *p = sig;
    while (*p != '\0') {
        const char *sp = strchr(p, ' ');
        size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);
        if (strncmp(p, "route=", 6) != 0 && w + n + 2 < FZ_STEM_MAX) {
            if (w > 0)
                out[w++] = ' ';
            memcpy(out + w, p, n);
            w += n;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    out[w] = '\0';
}

static uint64_t tuple_key(enum gc_mut_route route, const struct fz_seen *s)
{
    uint64_t h = fnv(FNV_INIT, &route, sizeof(route));
    h = fnv(h, &s->status, sizeof(s->status));
    h = fnv(h, s->source, strlen(s->source));
    return fnv(h, &s->mask, sizeof(s->mask));
}

static int fires(const struct fz_seen *s, enum gc_oracle o)
{
    return (s->mask >> o) & 1u;
}

/* Drop operators one by one while the oracle still fires, then halve the
 * bytes an operator carries. *e is replaced by the minimized entry. */
static void minimize(struct fz_job *j, struct gc_mut_entry *e, const struct gc_case *base,
                     enum gc_oracle o)
{
    struct fuzzer *f = j->f;
    for (size_t i = e->n_ops; i-- > 0 && !atomic_load(&f->stop);) {
        struct gc_mut_entry cand;
        if (gc_mut_entry_copy(&cand, e) != 0)
            return;
        gc_mut_entry_drop(&cand, i);
        if (exec_entry(j, &cand, base, NULL, 0, NULL) == 0 && fires(&j->seen, o)) {
            gc_mut_entry_free(e);
            *e = cand;
        } else {
            gc_mut_entry_free(&cand);
        }
    }
    for (size_t i = 0; i < e->n_ops; i++) {
        for (size_t t = 0; t < FZ_SHORTEN_TRIES && e->ops[i].len > 1 && !atomic_load(&f->stop);
             t++) {
            struct gc_mut_entry cand;
            if (gc_mut_entry_copy(&cand, e) != 0)
                return;
            cand.ops[i].len /= 2;
            if (exec_entry(j, &cand, base, NULL, 0, NULL) == 0 && fires(&j->seen, o)) {
                gc_mut_entry_free(e);
                *e = cand;
            } else {
                gc_mut_entry_free(&cand);
                break;
            }
        }
    }
}

static void save_regression(struct fuzzer *f, const struct gc_mut_entry *e, const char *id,
                            enum gc_oracle o, const struct gc_verdict *v, const char *truth)
{
    json_t *j = gc_mut_entry_to_json(e);
    if (j == NULL)
        return;
    char seed[32];
    snprintf(seed, sizeof(seed), "%" PRIu64, f->run.seed);
    json_object_set_new(j, "id", json_string(id));
    json_object_set_new(j, "oracle", json_string(gc_oracle_name(o)));
    json_object_set_new(j, "signature", json_string(v->signature));
    json_object_set_new(j, "evidence", json_string(v->evidence));
    json_object_set_new(j, "truth", json_string(truth));
    json_object_set_new(j, "found_by", json_string("gatecrash fuzz"));
    json_object_set_new(j, "found_against", json_string(f->run.target_name));
    json_object_set_new(j, "seed", json_string(seed));
    char name[GC_FINDING_ID_LEN + 8];
    snprintf(name, sizeof(name), "%s.json", id);
    if (mkdir_p(f->o->cases_dir) != 0 || write_json(f->o->cases_dir, name, j) != 0)
        fprintf(stderr, "%sgatecrash fuzz: writing %s/%s: %s\n", f->tty ? "\n" : "",
                f->o->cases_dir, name, strerror(errno));
    json_decref(j);
}

/* A fired oracle on entry e: new (family, oracle, signature stem)? Then
 * minimize, save the regression case and record it with a reproducer. */
static void on_finding(struct fz_job *j, const struct gc_mut_entry *e, const struct gc_case *base,
                       enum gc_oracle o)
{
    struct fuzzer *f = j->f;
    char st[FZ_STEM_MAX];
    stem(j->seen.v[o].signature, st);
    uint64_t k = fnv(FNV_INIT, gc_family_name(base->family), strlen(gc_family_name(base->family)));
    k = fnv(k, &o, sizeof(o));
    k = fnv(k, st, strlen(st));
    pthread_mutex_lock(&f->mu);
    int fresh = f->n_findings < FZ_MAX_FINDINGS && set_add(&f->keys, k) == 1;
    pthread_mutex_unlock(&f->mu);
    if (!fresh)
        return;
    double first_ms = mono_ms() - f->t0;
    struct gc_mut_entry m;
    if (gc_mut_entry_copy(&m, e) != 0)
        return;
    minimize(j, &m, base, o);
    /* The finding id: the minimized entry, the oracle and the signature stem. */
    json_t *mj = gc_mut_entry_to_json(&m);
    char *canon = mj != NULL ? json_dumps(mj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(mj);
    char id[GC_FINDING_ID_LEN + 1], cid[GC_MUT_ID_MAX];
    gc_finding_id(canon != NULL ? canon : base->id, o, st, id);
    free(canon);
    snprintf(cid, sizeof(cid), GC_FUZZ_REGRESS_PREFIX "%s", id);
    /* Record: the runner writes findings/<finding id>/ for the minimized case. */
    struct gc_mut_case mc;
    exec_entry(j, &m, base, cid, 1, &mc);
    const struct gc_verdict *v = fires(&j->seen, o) ? &j->seen.v[o] : NULL;
    struct gc_verdict vv;
    /* A signal that does not come back when the minimized case runs again is
     * flaky. Timing oracles (hang) are the usual source under load: such a
     * finding is reported but neither saved as a permanent regression case nor
     * allowed to fail the run. A crash counts even once. */
    int flaky = v == NULL && o != GC_OR_CRASH;
    if (v == NULL) { /* keep what the first sighting said */
        memset(&vv, 0, sizeof(vv));
        snprintf(vv.signature, sizeof(vv.signature), "%s", st);
        snprintf(vv.evidence, sizeof(vv.evidence), "(did not fire again after minimization)");
        v = &vv;
    }
    if (!flaky)
        save_regression(f, &m, id, o, v,
                        mc.truth == GC_MUT_TRUTH_UNKNOWN ? "deny-or-allow" : "exact");
    pthread_mutex_lock(&f->mu);
    struct fz_finding *fd = &f->findings[f->n_findings++];
    memcpy(fd->id, id, sizeof(fd->id));
    fd->oracle = o;
    snprintf(fd->base, sizeof(fd->base), "%s", base->id);
    snprintf(fd->evidence, sizeof(fd->evidence), "%s", v->evidence);
    snprintf(fd->signature, sizeof(fd->signature), "%s", v->signature);
    fd->n_ops = m.n_ops;
    fd->first_ms = first_ms;
    fd->flaky = flaky;
    pthread_mutex_unlock(&f->mu);
    if (f->o->stop_on_finding)
        atomic_store(&f->halt, 1);
    gc_mut_entry_free(&m);
}

/* Grey-box: fold what the map gained since the last read into the virgin map
 * and credit any news (new edges, or known edges in a new hit-count bucket)
 * to every case running now (gc_fuzz_credit). Caller holds f->mu. */
static void cov_read_locked(struct fuzzer *f)
{
    if (!f->greybox)
        return;
    size_t counts = 0;
    size_t fresh = gc_covmap_new_edges(&f->cm, &counts);
    f->edges_seen += fresh;
    if (fresh + counts > 0)
        gc_fuzz_credit_news(&f->credit);
}

/* Judge what exec_entry saw for e: new tuple or new edges → corpus; fired →
 * finding. */
static void evaluate(struct fz_job *j, struct gc_mut_entry *e, const struct gc_case *base,
                     enum gc_mut_route route, int keep)
{
    struct fuzzer *f = j->f;
    struct fz_seen seen = j->seen; /* on_finding's execs overwrite j->seen */
    uint64_t tk = tuple_key(route, &seen);
    pthread_mutex_lock(&f->mu);
    int new_tuple = set_add(&f->tuples, tk) == 1;
    cov_read_locked(f);
    int new_edges = gc_fuzz_credit_end(&f->credit, j->slot);
    pthread_mutex_unlock(&f->mu);
    int found = 0;
    for (size_t o = 0; o < GC_OR_COUNT && !atomic_load(&f->stop); o++) {
        j->seen = seen;
        if (fires(&seen, (enum gc_oracle)o)) {
            on_finding(j, e, base, (enum gc_oracle)o);
            found = 1;
        }
    }
    if (found) {
        /* Minimization's edges are its variants', not e's: fold them now
         * (crediting other jobs' running cases) so no later case gets them. */
        pthread_mutex_lock(&f->mu);
        cov_read_locked(f);
        pthread_mutex_unlock(&f->mu);
    }
    if (keep && (new_tuple || new_edges)) {
        pthread_mutex_lock(&f->mu);
        if (corpus_add_locked(f, e, base, 1) == 1) {
            if (new_tuple)
                f->kept_tuple++;
            else
                f->kept_edges++;
        }
        pthread_mutex_unlock(&f->mu);
    }
}

/* --- jobs ---------------------------------------------------------------------------------------- */

static int time_up(struct fuzzer *f)
{
    return atomic_load(&f->stop) || atomic_load(&f->halt) || gc__session_stopping() ||
           mono_ms() >= f->deadline;
}

/* One step: a seed not yet run, else a mutated corpus entry. 0, or -1 when
 * the job should stop. */
static int step(struct fz_job *j)
{
    struct fuzzer *f = j->f;
    if (time_up(f))
        return -1;
    struct gc_mut_entry e;
    const struct gc_case *base;
    int is_seed = 0;
    pthread_mutex_lock(&f->mu);
    size_t pick;
    if (f->next_seed < f->n_corpus) {
        pick = f->next_seed++;
        is_seed = 1;
    } else {
        pick = f->n_corpus > 0 ? gc_prng_below(&j->rng, (uint32_t)f->n_corpus) : 0;
    }
    int ok = f->n_corpus > 0 && gc_mut_entry_copy(&e, &f->corpus[pick].e) == 0;
    base = ok ? f->corpus[pick].base : NULL;
    if (ok)
        gc_fuzz_credit_start(&f->credit, j->slot);
    pthread_mutex_unlock(&f->mu);
    if (!ok)
        return -1;
    if (!is_seed) {
        uint32_t add = 1 + gc_prng_below(&j->rng, FZ_NEW_OPS_MAX);
        for (uint32_t i = 0; i < add; i++)
            if (gc_mut_random_op(&j->rng, &e) != 0)
                break;
    }
    struct gc_mut_case mc;
    if (exec_entry(j, &e, base, NULL, 0, &mc) == 0) {
        evaluate(j, &e, base, mc.route, !is_seed);
    } else {
        pthread_mutex_lock(&f->mu);
        (void)gc_fuzz_credit_end(&f->credit, j->slot);
        pthread_mutex_unlock(&f->mu);
    }
    gc_mut_entry_free(&e);
    return 0;
}

static void *job_main(void *arg)
{
    struct fz_job *j = arg;
    while (step(j) == 0) {
    }
    return NULL;
}

/* --- set-up ---------------------------------------------------------------------------------------- */

static int select_bases(struct fuzzer *f)
{
    size_t n = 0;
    const struct gc_case *cat = gc_catalogue(&n);
    f->bases = calloc(n > 0 ? n : 1, sizeof(*f->bases));
    if (f->bases == NULL)
        return -1;
    size_t eligible = 0;
    for (size_t i = 0; i < n; i++) {
        if (!gc_mut_base_ok(&cat[i]))
            continue;
        /* --shard K/N: every N-th eligible base, starting at the K-th */
        if (eligible++ % f->o->shard_n == f->o->shard_k - 1)
            f->bases[f->n_bases++] = &cat[i];
    }
    return 0;
}

static void fuzz_usage(FILE *out)
{
    fprintf(out,
            "usage: gatecrash fuzz [options]\n\n"
            "Mutate catalogue cases (certificates, tokens, forwarding headers, paths, /run\n"
            "arguments, HTTP framing) with operators that declare their effect on the ground\n"
            "truth, send them to a target and judge every answer with the oracles. A case is\n"
            "kept when it yields a new (route, status, identity source, oracle signal) tuple,\n"
            "or (grey-box) reaches new edges of a coverage-instrumented gatekeeper;\n"
            "each finding is minimized and saved as a regression case that `gatecrash run`\n"
            "replays. Exit 0 clean, 1 findings, 2 harness error. See docs/NETFUZZ.md.\n\n"
            "  --time T               seconds of fuzzing (default %d)\n"
            "  --seed S               PRNG and fixture seed (default: from the clock; printed)\n"
            "  --jobs N               workers (default: number of CPUs); --jobs 1 is fully\n"
            "                         deterministic and judges supervisor evidence of /run\n"
            "  --shard K/N            fuzz only the K-th of N slices of the base cases\n"
            "  --corpus DIR           corpus of kept cases (default %s)\n"
            "  --resume               load the corpus in DIR first and continue from it\n"
            "  --cases-dir DIR        where findings become regression cases (default %s)\n"
            "  --target-cmd CMD       start CMD with GATECRASH_FIXTURES and GATECRASH_PORT\n"
            "  --target-url URL       a running target (loopback; needs --fixtures)\n"
            "  --fixtures DIR         existing fixture dir (default: generated in the run dir)\n"
            "  --gatekeeper PATH      gatekeeper binary (default: next to gatecrash)\n"
            "  --gatekeeper-arg ARG   extra gatekeeper argument, repeatable\n"
            "  --no-supervise         launch without the seccomp supervisor\n"
            "  --out DIR              run directory (reproducers; default reports/runs/<id>)\n"
            "  --reports DIR          reports root (default reports)\n"
            "  --timeout MS           per request (default 5000)\n"
            "  --stop-on-finding      end the run once the first finding is recorded\n"
            "  --greybox auto|on|off  also keep cases that reach new edges of a coverage-\n"
            "                         instrumented target (gatekeeper of the netfuzz preset)\n"
            "                         through a shared-memory map; auto (default) uses it\n"
            "                         when the target writes into it, on requires it\n"
            "  --quiet                no progress line\n",
            FZ_DEFAULT_TIME_S, GC_FUZZ_DEFAULT_CORPUS, GC_FUZZ_DEFAULT_CASES);
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct fz_opts *o)
{
    enum {
        O_TIME = 1, O_SEED, O_JOBS, O_SHARD, O_CORPUS, O_RESUME, O_CASES, O_TCMD, O_TURL,
        O_FIX, O_GK, O_GKARG, O_NOSUP, O_OUT, O_REPORTS, O_TIMEOUT, O_QUIET, O_HELP, O_STOP,
        O_GREYBOX
    };
    static const struct option L[] = {
        {"time", required_argument, NULL, O_TIME},
        {"seed", required_argument, NULL, O_SEED},
        {"jobs", required_argument, NULL, O_JOBS},
        {"shard", required_argument, NULL, O_SHARD},
        {"corpus", required_argument, NULL, O_CORPUS},
        {"resume", no_argument, NULL, O_RESUME},
        {"cases-dir", required_argument, NULL, O_CASES},
        {"target-cmd", required_argument, NULL, O_TCMD},
        {"target-url", required_argument, NULL, O_TURL},
        {"fixtures", required_argument, NULL, O_FIX},
        {"gatekeeper", required_argument, NULL, O_GK},
        {"gatekeeper-arg", required_argument, NULL, O_GKARG},
        {"no-supervise", no_argument, NULL, O_NOSUP},
        {"out", required_argument, NULL, O_OUT},
        {"reports", required_argument, NULL, O_REPORTS},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"quiet", no_argument, NULL, O_QUIET},
        {"stop-on-finding", no_argument, NULL, O_STOP},
        {"greybox", required_argument, NULL, O_GREYBOX},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "h", L, NULL)) != -1) {
        switch (c) {
        case O_TIME:
            if (parse_long(optarg, 1, FZ_MAX_TIME_S, &v) != 0) {
                fprintf(stderr, "gatecrash fuzz: --time %s: want 1..%d seconds\n", optarg,
                        FZ_MAX_TIME_S);
                return FZ_EXIT_ERR;
            }
            o->time_s = (double)v;
            break;
        case O_SEED: {
            char *end = NULL;
            errno = 0;
            unsigned long long s = strtoull(optarg, &end, 0);
            if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' || s == 0) {
                fprintf(stderr, "gatecrash fuzz: --seed %s: want a non-zero integer\n", optarg);
                return FZ_EXIT_ERR;
            }
            o->run.seed = (uint64_t)s;
            break;
        }
        case O_JOBS:
            if (parse_long(optarg, 1, FZ_MAX_JOBS, &v) != 0) {
                fprintf(stderr, "gatecrash fuzz: --jobs %s: want 1..%d\n", optarg, FZ_MAX_JOBS);
                return FZ_EXIT_ERR;
            }
            o->jobs = (int)v;
            break;
        case O_SHARD: {
            char *slash = strchr(optarg, '/');
            long k = 0, n = 0;
            if (slash == NULL) {
                k = -1;
            } else {
                *slash = '\0';
                if (parse_long(optarg, 1, FZ_MAX_SHARDS, &k) != 0 ||
                    parse_long(slash + 1, 1, FZ_MAX_SHARDS, &n) != 0)
                    k = -1;
                *slash = '/';
            }
            if (k < 1 || k > n) {
                fprintf(stderr, "gatecrash fuzz: --shard %s: want K/N with 1 <= K <= N\n", optarg);
                return FZ_EXIT_ERR;
            }
            o->shard_k = (unsigned)k;
            o->shard_n = (unsigned)n;
            break;
        }
        case O_CORPUS:
            o->corpus_dir = optarg;
            break;
        case O_RESUME:
            o->resume = 1;
            break;
        case O_CASES:
            o->cases_dir = optarg;
            break;
        case O_TCMD:
        case O_TURL:
            if (o->run.mode != GC_TARGET_EMBEDDED) {
                fprintf(stderr, "gatecrash fuzz: --target-cmd and --target-url exclude each other\n");
                return FZ_EXIT_ERR;
            }
            o->run.mode = c == O_TCMD ? GC_TARGET_CMD : GC_TARGET_URL;
            if (c == O_TCMD)
                o->run.target_cmd = optarg;
            else
                o->run.target_url = optarg;
            break;
        case O_FIX:
            o->run.fixtures_dir = optarg;
            break;
        case O_GK:
            o->run.gatekeeper_bin = optarg;
            break;
        case O_GKARG:
            if (o->run.n_gatekeeper_args >= GC_RUN_MAX_TARGET_ARGS) {
                fprintf(stderr, "gatecrash fuzz: at most %d --gatekeeper-arg\n",
                        GC_RUN_MAX_TARGET_ARGS);
                return FZ_EXIT_ERR;
            }
            o->run.gatekeeper_args[o->run.n_gatekeeper_args++] = optarg;
            break;
        case O_NOSUP:
            o->run.supervise = 0;
            break;
        case O_OUT:
            o->run.run_dir = optarg;
            break;
        case O_REPORTS:
            o->run.reports_root = optarg;
            break;
        case O_TIMEOUT:
            if (parse_long(optarg, 1, 600000, &v) != 0) {
                fprintf(stderr, "gatecrash fuzz: --timeout %s: want 1..600000 ms\n", optarg);
                return FZ_EXIT_ERR;
            }
            o->run.timeout_ms = (int)v;
            break;
        case O_QUIET:
            o->run.quiet = 1;
            break;
        case O_STOP:
            o->stop_on_finding = 1;
            break;
        case O_GREYBOX:
            if (gc_fuzz_greybox_parse(optarg, &o->greybox) != 0) {
                fprintf(stderr, "gatecrash fuzz: --greybox %s: want auto, on or off\n", optarg);
                return FZ_EXIT_ERR;
            }
            break;
        case O_HELP:
        case 'h':
            fuzz_usage(stdout);
            return -1;
        default:
            fprintf(stderr, "gatecrash fuzz: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            fuzz_usage(stderr);
            return FZ_EXIT_ERR;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "gatecrash fuzz: unexpected argument '%s'\n", argv[optind]);
        return FZ_EXIT_ERR;
    }
    return 0;
}

static void greybox_close(struct fuzzer *f)
{
    if (!f->map_open)
        return;
    gc_covmap_close(&f->cm); /* shm_unlink */
    (void)unsetenv(GC_COVMAP_ENV_NAME);
    f->map_open = 0;
    f->greybox = 0;
}

/* Grey-box set-up, before the target starts: its coverage runtime maps the
 * map in a constructor (before its sandbox), named in GATECRASH_COVMAP; the
 * launcher passes our environment on, also on restarts. A shm name, not an
 * inherited descriptor: the supervisor closes those before exec. 0, or -1
 * (reported) when --greybox on cannot have a map. */
static int greybox_open(struct fuzzer *f)
{
    const struct fz_opts *o = f->o;
    (void)unsetenv(GC_COVMAP_ENV_FD); /* the name below, or nothing, is what the target maps */
    if (o->greybox == GC_FUZZ_GREYBOX_OFF || o->run.mode == GC_TARGET_URL) {
        (void)unsetenv(GC_COVMAP_ENV_NAME);
        if (o->greybox == GC_FUZZ_GREYBOX_ON) {
            fprintf(stderr, "gatecrash fuzz: --greybox on needs a target gatecrash starts "
                            "(not --target-url)\n");
            return -1;
        }
        return 0;
    }
    char err[256];
    if (gc_covmap_open(GC_COVMAP_DEFAULT_SIZE, GC_COVMAP_SHM, &f->cm, err, sizeof(err)) != 0) {
        (void)unsetenv(GC_COVMAP_ENV_NAME);
        fprintf(stderr, "gatecrash fuzz: %scoverage map: %s\n",
                o->greybox == GC_FUZZ_GREYBOX_ON ? "" : "note: no grey-box feedback: ", err);
        return o->greybox == GC_FUZZ_GREYBOX_ON ? -1 : 0;
    }
    f->map_open = 1;
    if (setenv(GC_COVMAP_ENV_NAME, f->cm.name, 1) != 0) {
        fprintf(stderr, "gatecrash fuzz: setenv %s: %s\n", GC_COVMAP_ENV_NAME, strerror(errno));
        greybox_close(f);
        return o->greybox == GC_FUZZ_GREYBOX_ON ? -1 : 0;
    }
    return 0;
}

/* After start-up (the session has seen GET /public answered): an
 * instrumented target has written edges by now; an uninstrumented one
 * ignored the variable. Start-up edges are folded in, credited to no case. */
static int greybox_decide(struct fuzzer *f)
{
    if (!f->map_open)
        return 0;
    size_t startup = gc_covmap_new_edges(&f->cm, NULL);
    int d = gc_fuzz_greybox_decide(f->o->greybox, startup);
    if (d < 0) {
        fprintf(stderr, "gatecrash fuzz: --greybox on: the target wrote no edge into the "
                        "coverage map (gatekeeper not built with the netfuzz preset, "
                        "-DGK_COVMAP=ON?)\n");
        return -1;
    }
    if (d == 1) {
        f->greybox = 1;
        f->edges_seen = startup;
    } else {
        greybox_close(f); /* restarts get no variable either */
    }
    return 0;
}

static void fuzzer_free(struct fuzzer *f)
{
    for (size_t i = 0; i < f->n_corpus; i++)
        gc_mut_entry_free(&f->corpus[i].e);
    free(f->corpus);
    for (size_t i = 0; i < f->n_kept; i++) {
        gc_mut_case_free(f->kept[i]);
        free(f->kept[i]);
    }
    free(f->kept);
    free(f->entries.k);
    free(f->tuples.k);
    free(f->keys.k);
    free(f->bases);
    pthread_mutex_destroy(&f->mu);
}

/* The earliest finding (they are recorded in order, but minimization of
 * one may finish after a later sighting of another with --jobs > 1). */
static const struct fz_finding *first_finding(const struct fuzzer *f)
{
    const struct fz_finding *best = NULL;
    for (size_t i = 0; i < f->n_findings; i++)
        if (best == NULL || f->findings[i].first_ms < best->first_ms)
            best = &f->findings[i];
    return best;
}

/* <run dir>/fuzz.json and fuzz.md: the figures of the summary line and every
 * finding with the time it was first sighted (docs/NETFUZZ.md). */
static int write_fuzz_report(struct fuzzer *f, double secs)
{
    const char *dir = gc__session_run_dir(f->sess);
    size_t ex = atomic_load(&f->execs), errs = atomic_load(&f->errors);
    const struct fz_finding *ff = first_finding(f);
    char seed[32];
    snprintf(seed, sizeof(seed), "%" PRIu64, f->run.seed);
    json_t *root = json_object(), *arr = json_array(), *args = json_array();
    if (root == NULL || arr == NULL || args == NULL) {
        json_decref(root);
        json_decref(arr);
        json_decref(args);
        return -1;
    }
    for (size_t i = 0; i < f->o->run.n_gatekeeper_args; i++)
        json_array_append_new(args, json_string(f->o->run.gatekeeper_args[i]));
    json_object_set_new(root, "format", json_integer(1));
    json_object_set_new(root, "run_id", json_string(f->run.run_id));
    json_object_set_new(root, "target", json_string(f->run.target_name));
    json_object_set_new(root, "gatekeeper_args", args);
    json_object_set_new(root, "seed", json_string(seed));
    json_object_set_new(root, "jobs", json_integer((json_int_t)f->n_jobs));
    json_object_set_new(root, "time_budget_s", json_real(f->o->time_s));
    json_object_set_new(root, "duration_s", json_real(secs));
    json_object_set_new(root, "execs", json_integer((json_int_t)ex));
    json_object_set_new(root, "execs_per_s", json_real(secs > 0 ? (double)ex / secs : 0.0));
    json_object_set_new(root, "corpus", json_integer((json_int_t)f->n_corpus));
    json_object_set_new(root, "tuples", json_integer((json_int_t)f->tuples.n));
    json_object_set_new(root, "harness_errors", json_integer((json_int_t)errs));
    /* Connection reuse (docs/NETFUZZ.md): read after the jobs ended. */
    size_t opened = 0, requests = 0, reused = 0, retried = 0;
    for (size_t i = 0; i < f->n_jobs; i++) {
        opened += f->jobs[i].pool.opened;
        requests += f->jobs[i].pool.requests;
        reused += f->jobs[i].pool.reused;
        retried += f->jobs[i].pool.retried;
    }
    json_object_set_new(root, "connections_opened", json_integer((json_int_t)opened));
    json_object_set_new(root, "requests", json_integer((json_int_t)requests));
    json_object_set_new(root, "requests_reused", json_integer((json_int_t)reused));
    json_object_set_new(root, "reuse_retries", json_integer((json_int_t)retried));
    json_object_set_new(root, "greybox", json_boolean(f->greybox));
    json_object_set_new(root, "edges", json_integer((json_int_t)f->edges_seen));
    json_object_set_new(root, "kept_tuple", json_integer((json_int_t)f->kept_tuple));
    json_object_set_new(root, "kept_edges", json_integer((json_int_t)f->kept_edges));
    json_object_set_new(root, "interrupted", json_boolean(gc__session_stopping()));
    json_object_set_new(root, "stopped_on_finding", json_boolean(atomic_load(&f->halt)));
    json_object_set_new(root, "first_finding_ms",
                        ff != NULL ? json_real(ff->first_ms) : json_null());
    json_object_set_new(root, "first_finding_oracle",
                        ff != NULL ? json_string(gc_oracle_name(ff->oracle)) : json_null());
    for (size_t i = 0; i < f->n_findings; i++) {
        const struct fz_finding *fd = &f->findings[i];
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(fd->id));
        json_object_set_new(e, "oracle", json_string(gc_oracle_name(fd->oracle)));
        json_object_set_new(e, "base", json_string(fd->base));
        json_object_set_new(e, "ops", json_integer((json_int_t)fd->n_ops));
        json_object_set_new(e, "first_seen_ms", json_real(fd->first_ms));
        json_object_set_new(e, "flaky", json_boolean(fd->flaky));
        json_object_set_new(
            e, "signature",
            json_stringn(fd->signature, strnlen(fd->signature, sizeof(fd->signature))));
        json_object_set_new(
            e, "evidence", json_stringn(fd->evidence, strnlen(fd->evidence, sizeof(fd->evidence))));
        json_array_append_new(arr, e);
    }
    json_object_set_new(root, "findings", arr);
    int rc = write_json(dir, "fuzz.json", root);
    json_decref(root);

    /* fuzz.md: the same as a table */
    char *md = NULL;
    size_t md_len = 0;
    FILE *m = open_memstream(&md, &md_len);
    if (m == NULL)
        return -1;
    fprintf(m, "# gatecrash fuzz %s\n\n", f->run.run_id);
    fprintf(m, "| target | seed | jobs | duration | execs | execs/s | corpus | tuples | edges | "
               "kept for edges | findings | harness errors | first finding |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    fprintf(m, "| %s | %s | %zu | %.1f s | %zu | %.0f | %zu | %zu | ", f->run.target_name, seed,
            f->n_jobs, secs, ex, secs > 0 ? (double)ex / secs : 0.0, f->n_corpus, f->tuples.n);
    if (f->greybox)
        fprintf(m, "%zu | %zu | ", f->edges_seen, f->kept_edges);
    else
        fprintf(m, "- (grey-box off) | - | ");
    fprintf(m, "%zu | %zu | ", f->n_findings, errs);
    if (ff != NULL)
        fprintf(m, "%.1f s (%s) |\n", ff->first_ms / 1000.0, gc_oracle_name(ff->oracle));
    else
        fprintf(m, "- |\n");
    if (f->n_findings > 0)
        fprintf(m, "\n| finding | oracle | base + ops | first seen |\n|---|---|---|---|\n");
    for (size_t i = 0; i < f->n_findings; i++) {
        const struct fz_finding *fd = &f->findings[i];
        fprintf(m, "| `%s` | %s%s | `%s` + %zu | %.1f s |\n", fd->id, gc_oracle_name(fd->oracle),
                fd->flaky ? " (flaky)" : "", fd->base, fd->n_ops, fd->first_ms / 1000.0);
    }
    if (fclose(m) != 0) {
        free(md);
        return -1;
    }
    rc |= write_atomic(dir, "fuzz.md", md, md_len);
    free(md);
    return rc;
}

static void summary(struct fuzzer *f, double secs)
{
    size_t ex = atomic_load(&f->execs);
    char grey[96];
    if (f->greybox)
        snprintf(grey, sizeof(grey), "greybox %zu edges (%zu kept for edges)", f->edges_seen,
                 f->kept_edges);
    else
        snprintf(grey, sizeof(grey), "greybox off");
    printf("fuzz %s: %zu execs in %.1f s (%.0f execs/s), corpus %zu (%zu loaded, %zu new), "
           "%zu tuples, %zu findings, %zu harness errors, %s, seed %" PRIu64 "%s\n",
           f->run.run_id, ex, secs, secs > 0 ? (double)ex / secs : 0.0, f->n_corpus, f->n_loaded,
           f->n_saved, f->tuples.n, f->n_findings, atomic_load(&f->errors), grey, f->run.seed,
           gc__session_stopping() ? " [interrupted]" : "");
    const struct fz_finding *ff = first_finding(f);
    if (ff != NULL)
        printf("  first finding after %.1f s: %s %s%s\n", ff->first_ms / 1000.0,
               gc_oracle_name(ff->oracle), ff->id,
               atomic_load(&f->halt) ? " (--stop-on-finding)" : "");
    for (size_t i = 0; i < f->n_findings; i++) {
        const struct fz_finding *fd = &f->findings[i];
        if (fd->flaky)
            printf("  %s %-18s %s + %zu op%s (%.1f s): %s [flaky: not saved, not failing]\n",
                   fd->id, gc_oracle_name(fd->oracle), fd->base, fd->n_ops,
                   fd->n_ops == 1 ? "" : "s", fd->first_ms / 1000.0, fd->evidence);
        else
            printf("  %s %-18s %s + %zu op%s (%.1f s): %s -> %s/%s.json\n", fd->id,
                   gc_oracle_name(fd->oracle), fd->base, fd->n_ops, fd->n_ops == 1 ? "" : "s",
                   fd->first_ms / 1000.0, fd->evidence, f->o->cases_dir, fd->id);
    }
    if (f->n_findings > 0)
        printf("  reproducers: %s/findings/\n", gc__session_run_dir(f->sess));
    fflush(stdout);
}

int gc_cmd_fuzz(int argc, char **argv)
{
    struct fz_opts o = {
        .run = {.mode = GC_TARGET_EMBEDDED, .supervise = 1, .reports_root = "reports"},
        .time_s = FZ_DEFAULT_TIME_S,
        .shard_k = 1,
        .shard_n = 1,
        .corpus_dir = GC_FUZZ_DEFAULT_CORPUS,
        .cases_dir = GC_FUZZ_DEFAULT_CASES,
    };
    int prc = parse_args(argc, argv, &o);
    if (prc != 0)
        return prc < 0 ? FZ_EXIT_OK : prc;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int jobs = o.jobs > 0 ? o.jobs : ncpu < 1 ? 1 : ncpu > FZ_MAX_JOBS ? FZ_MAX_JOBS : (int)ncpu;
    o.run.jobs = jobs;
    if (mkdir_p(o.corpus_dir) != 0) {
        fprintf(stderr, "gatecrash fuzz: --corpus %s: %s\n", o.corpus_dir, strerror(errno));
        return FZ_EXIT_ERR;
    }
    struct fuzzer *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return FZ_EXIT_ERR;
    f->o = &o;
    f->n_jobs = (size_t)jobs;
    f->tty = isatty(STDERR_FILENO);
    f->quiet = o.run.quiet;
    pthread_mutex_init(&f->mu, NULL);
    int rc = FZ_EXIT_ERR;
    if (select_bases(f) != 0 || f->n_bases == 0) {
        fprintf(stderr, "gatecrash fuzz: no base case in shard %u/%u\n", o.shard_k, o.shard_n);
        fuzzer_free(f);
        free(f);
        return FZ_EXIT_ERR;
    }
    char err[FZ_ERR_MAX];
    if (greybox_open(f) != 0) {
        fuzzer_free(f);
        free(f);
        return FZ_EXIT_ERR;
    }
    if (gc__session_open(&o.run, f->n_jobs, on_judged, f, &f->run, &f->sess, err, sizeof(err)) !=
        0) {
        fprintf(stderr, "gatecrash fuzz: %s\n", err);
        greybox_close(f);
        fuzzer_free(f);
        free(f);
        return FZ_EXIT_ERR;
    }
    if (greybox_decide(f) != 0) {
        gc__session_close(f->sess);
        gc_run_free(&f->run);
        greybox_close(f);
        fuzzer_free(f);
        free(f);
        return FZ_EXIT_ERR;
    }
    /* Credentials before the clock: every TLS client (certificate kind). */
    for (int k = 0; k < GC_CERT_COUNT; k++)
        (void)gc_material_client(gc__session_material(f->sess), (enum gc_cert_kind)k);
    /* Seeds: the bases, then the corpus on --resume. */
    for (size_t i = 0; i < f->n_bases; i++) {
        struct gc_mut_entry e = {0};
        snprintf(e.base, sizeof(e.base), "%s", f->bases[i]->id);
        corpus_add_locked(f, &e, f->bases[i], 0);
    }
    if (o.resume && load_corpus(f) != 0)
        fprintf(stderr, "gatecrash fuzz: note: --corpus %s unreadable: %s\n", o.corpus_dir,
                strerror(errno));
    if (!f->quiet)
        fprintf(stderr,
                "gatecrash fuzz: %zu base cases (shard %u/%u), %zu corpus entries loaded, %d "
                "job%s, seed %" PRIu64 ", %s%s%s\n",
                f->n_bases, o.shard_k, o.shard_n, f->n_loaded, jobs, jobs == 1 ? "" : "s",
                f->run.seed, f->run.target_name,
                gc__session_supervised(f->sess) ? " (supervised)" : "",
                f->greybox ? ", grey-box (coverage map)" : "");
    for (size_t i = 0; i < f->n_jobs; i++) {
        f->jobs[i].f = f;
        f->jobs[i].slot = i;
        gc_prng_seed(&f->jobs[i].rng, f->run.seed, i);
    }
    f->t0 = mono_ms();
    f->deadline = f->t0 + o.time_s * 1000.0;
    if (f->n_jobs == 1) {
        /* On the session's own thread: serial windows and restarts are ours. */
        double last_tick = 0;
        while (step(&f->jobs[0]) == 0) {
            double now = mono_ms();
            if (now - last_tick >= FZ_TICK_MS) {
                gc__session_tick(f->sess);
                last_tick = now;
            }
            progress(f, 0);
        }
    } else {
        size_t started = 0;
        for (size_t i = 0; i < f->n_jobs; i++)
            if (pthread_create(&f->jobs[i].th, NULL, job_main, &f->jobs[i]) == 0)
                started = i + 1;
            else
                break;
        while (started > 0 && !time_up(f)) {
            gc__session_tick(f->sess);
            progress(f, 0);
            struct timespec ts = {.tv_sec = 0, .tv_nsec = FZ_TICK_MS * 1000000L};
            nanosleep(&ts, NULL);
        }
        atomic_store(&f->stop, 1);
        /* Workers may wait for a restart: keep ticking until they are done. */
        for (size_t i = 0; i < started; i++) {
            while (pthread_tryjoin_np(f->jobs[i].th, NULL) != 0) {
                gc__session_tick(f->sess);
                struct timespec ts = {.tv_sec = 0, .tv_nsec = FZ_TICK_MS * 1000000L};
                nanosleep(&ts, NULL);
            }
        }
        if (started == 0)
            while (step(&f->jobs[0]) == 0)
                gc__session_tick(f->sess);
    }
    double secs = (mono_ms() - f->t0) / 1000.0;
    progress(f, 1);
    summary(f, secs);
    if (write_fuzz_report(f, secs) != 0)
        fprintf(stderr, "gatecrash fuzz: writing %s/fuzz.json: %s\n", gc__session_run_dir(f->sess),
                strerror(errno));
    else if (!f->quiet)
        fprintf(stderr, "gatecrash fuzz: report %s/fuzz.json\n", gc__session_run_dir(f->sess));
    size_t solid = 0;
    for (size_t i = 0; i < f->n_findings; i++)
        solid += !f->findings[i].flaky;
    rc = solid > 0 ? FZ_EXIT_FINDINGS : FZ_EXIT_OK;
    for (size_t i = 0; i < f->n_jobs; i++)
        gc__net_pool_close(&f->jobs[i].pool); /* before the session frees the TLS clients */
    gc__session_close(f->sess);
    gc_run_free(&f->run);
    greybox_close(f); /* after the target stopped; also after SIGINT (the loop ends) */
    fuzzer_free(f);
    free(f);
    return rc;
}
