/* sandbox.c: the posture gatekeeper takes after loading its fixtures and
 * binding its socket, before forking workers (they inherit all of it).
 *
 * In order (docs/SANDBOX.md explains why and how to check each):
 *  1. root → an unprivileged user ($GK_RUN_AS_USER or "nobody"), no groups,
 *     empty capability bounding, ambient, permitted and effective sets;
 *  2. no_new_privs (required by Landlock and seccomp for an unprivileged user,
 *     and it makes set-uid binaries inert for the helper);
 *  3. Landlock (best effort): read-only fixtures, read+execute of the helper and
 *     its ELF interpreter, read of the system libraries, /dev/null; no writes,
 *     and where the ABI has them, no TCP bind/connect and no signals or abstract
 *     unix sockets outside the sandbox;
 *  4. seccomp: an allow-list. socket/connect/bind/listen are gone, so SSRF is
 *     impossible at the kernel level whatever the request code does.
 * Steps 1, 2 and 4 are fatal on failure. Landlock's absence is not (old kernel or
 * LSM not enabled); a Landlock failure on a kernel that has it is. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>

#include "gatekeeper.h"

/* AddressSanitizer builds (gcc defines __SANITIZE_ADDRESS__, clang has
 * __has_feature). LeakSanitizer's exit-time check needs /proc/<pid>/task and
 * ptrace, both closed by the sandbox; see leak_check_now(). */
#if defined(__SANITIZE_ADDRESS__)
#define GK_SBX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GK_SBX_ASAN 1
#endif
#endif
#ifdef GK_SBX_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#define GK_SBX_USER_ENV "GK_RUN_AS_USER"
#define GK_SBX_DEFAULT_USER "nobody"
#define GK_SBX_FALLBACK_ID 65534 /* nobody / nogroup on Debian */
#define GK_SBX_PWBUF 16384
#define GK_SBX_MAX_CAP 63     /* highest capability number we try to drop */
#define GK_SBX_MAX_PHDRS 64   /* program headers read from the helper */
#define GK_SBX_INTERP_MAX 512 /* PT_INTERP path length */

/* Landlock constants newer than Debian 12's linux-libc-dev (6.1, ABI 2). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0) /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#define GK_LL_ABI_NET 4
#define GK_LL_ABI_SCOPE 6

/* Our own copy of struct landlock_ruleset_attr as of ABI 6; the size we pass
 * tells the kernel how much of it we use. */
struct gk_ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};

/* Rights that apply to a file (not a directory); a rule on a file may hold no
 * others (the kernel answers EINVAL). */
#define GK_LL_FILE_RIGHTS                                                                          \
    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |   \
     LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define GK_LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define GK_LL_EXEC (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE)

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cap > 0)
        vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* Append to the summary line; truncation only shortens the summary. */
__attribute__((format(printf, 3, 4))) static void say(char *sum, size_t cap, const char *fmt, ...)
{
    size_t used = strnlen(sum, cap);
    if (cap == 0 || used + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sum + used, cap - used, fmt, ap);
    va_end(ap);
}

/* ---- 1. user and capabilities ------------------------------------------- */

static int caps_clear(char *err, size_t cap)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof(data));
    if (syscall(SYS_capset, &hdr, data) != 0)
        return fail(err, cap, "sandbox: capset: %s", strerror(errno));
    if (syscall(SYS_capget, &hdr, data) != 0)
        return fail(err, cap, "sandbox: capget: %s", strerror(errno));
    for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        if (data[i].effective != 0 || data[i].permitted != 0 || data[i].inheritable != 0)
            return fail(err, cap, "sandbox: capabilities: still held after capset");
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return fail(err, cap, "sandbox: ambient capabilities: %s", strerror(errno));
    return 0;
}

/* Empty the bounding set while we still hold CAP_SETPCAP (before the uid
 * change), so nothing exec'd later can regain a capability from file caps. */
static int capbset_drop_all(char *err, size_t cap)
{
    for (int c = 0; c <= GK_SBX_MAX_CAP; c++) {
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0)
            break; /* EINVAL: past the kernel's last capability */
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
            return fail(err, cap, "sandbox: drop bounding capability %d: %s", c, strerror(errno));
    }
    return 0;
}

static int resolve_user(uid_t *uid, gid_t *gid, const char **name, char *err, size_t cap)
{
    const char *want = getenv(GK_SBX_USER_ENV);
    if (want == NULL || want[0] == '\0')
        want = GK_SBX_DEFAULT_USER;
    *name = want;
    static char buf[GK_SBX_PWBUF];
    struct passwd pw, *res = NULL;
    int rc = getpwnam_r(want, &pw, buf, sizeof(buf), &res);
    if (rc != 0 || res == NULL) {
        /* No passwd entry (minimal containers): the conventional nobody ids. */
        gk_log("warn", "sandbox: user %s not found (%s), using %d:%d", want,
               rc != 0 ? strerror(rc) : "no entry", GK_SBX_FALLBACK_ID, GK_SBX_FALLBACK_ID);
        *uid = GK_SBX_FALLBACK_ID;
        *gid = GK_SBX_FALLBACK_ID;
        *name = "(fallback)";
        return 0;
    }
    if (res->pw_uid == 0 || res->pw_gid == 0)
        return fail(err, cap, "sandbox: %s: user %s is root-equivalent", GK_SBX_USER_ENV, want);
    *uid = res->pw_uid;
    *gid = res->pw_gid;
    return 0;
}

static int drop_root(char *sum, size_t sum_cap, char *err, size_t cap)
{
    if (geteuid() != 0) {
        /* Not root: keep the user, still give up any capability we were handed. */
        if (caps_clear(err, cap) != 0)
            return -1;
        say(sum, sum_cap, "uid=%u gid=%u (unchanged) caps=none", (unsigned)getuid(),
            (unsigned)getgid());
        return 0;
    }
    uid_t uid = GK_SBX_FALLBACK_ID;
    gid_t gid = GK_SBX_FALLBACK_ID;
    const char *name = GK_SBX_DEFAULT_USER;
    if (resolve_user(&uid, &gid, &name, err, cap) != 0 || capbset_drop_all(err, cap) != 0)
        return -1;
    if (setgroups(0, NULL) != 0)
        return fail(err, cap, "sandbox: setgroups: %s", strerror(errno));
    if (setresgid(gid, gid, gid) != 0)
        return fail(err, cap, "sandbox: setresgid(%u): %s", (unsigned)gid, strerror(errno));
    if (setresuid(uid, uid, uid) != 0)
        return fail(err, cap, "sandbox: setresuid(%u): %s", (unsigned)uid, strerror(errno));
    /* Prove the way back is closed. */
    if (setuid(0) == 0 || setgid(0) == 0 || seteuid(0) == 0)
        return fail(err, cap, "sandbox: could regain root after dropping to %s", name);
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid ||
        getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid)
        return fail(err, cap, "sandbox: uid/gid not fully changed to %u:%u", (unsigned)uid,
                    (unsigned)gid);
    /* setresuid from 0 already cleared permitted/effective; make sure of it. */
    if (caps_clear(err, cap) != 0)
        return -1;
    say(sum, sum_cap, "uid=%u gid=%u user=%s caps=none", (unsigned)uid, (unsigned)gid, name);
    return 0;
}

/* ---- 3. Landlock --------------------------------------------------------- */

static int ll_abi(void)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

static uint64_t ll_fs_rights(int abi)
{
    uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */
    if (abi >= 2)
        r |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        r |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5)
        r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return r;
}

/* Allow `want` beneath path (or on the file itself). Missing optional paths are
 * skipped; missing required ones are errors. */
static int ll_allow(int ruleset, const char *path, uint64_t want, uint64_t handled, int required,
                    int *n_rules, char *err, size_t cap)
{
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if (!required && errno == ENOENT)
            return 0;
        return fail(err, cap, "sandbox: landlock: %s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail(err, cap, "sandbox: landlock: %s: %s", path, strerror(e));
    }
    struct landlock_path_beneath_attr pb = {
        .allowed_access = want & handled & (S_ISDIR(st.st_mode) ? ~0ULL : GK_LL_FILE_RIGHTS),
        .parent_fd = fd,
    };
    long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int e = errno;
    close(fd);
    if (rc != 0)
        return fail(err, cap, "sandbox: landlock: rule for %s: %s", path, strerror(e));
    (*n_rules)++;
    return 0;
}

/* The helper's ELF interpreter (PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2)
 * needs EXECUTE: the kernel opens it for exec. Shared libraries are only
 * mmap'd, which Landlock does not restrict, so they need READ_FILE alone. By
 * granting EXECUTE to these two files only, no shell or other binary can be
 * started even if the spawn code were tricked. out is "" for a static binary. */
static int elf_interp(const char *exe, char *out, size_t cap, char *err, size_t err_cap)
{
    out[0] = '\0';
    int fd = open(exe, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, err_cap, "sandbox: helper %s: %s", exe, strerror(errno));
    Elf64_Ehdr eh;
    int rc = 0;
    if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > GK_SBX_MAX_PHDRS) {
        close(fd);
        return 0; /* not an ELF64 we understand: no interpreter rule (exec will fail) */
    }
    for (unsigned i = 0; i < eh.e_phnum && rc == 0; i++) {
        Elf64_Phdr ph;
        off_t off = (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph));
        if (pread(fd, &ph, sizeof(ph), off) != (ssize_t)sizeof(ph))
            break;
        if (ph.p_type != PT_INTERP)
            continue;
        if (ph.p_filesz < 2 || ph.p_filesz > cap ||
            pread(fd, out, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz ||
            out[ph.p_filesz - 1] != '\0' || out[0] != '/')
            rc = fail(err, err_cap, "sandbox: helper %s: malformed PT_INTERP", exe);
        break;
    }
    close(fd);
    if (rc != 0)
        out[0] = '\0';
    return rc;
}

static int landlock_apply(const struct gk_sandbox_opts *o, char *sum, size_t sum_cap, char *err,
                          size_t cap)
{
    int abi = ll_abi();
    if (abi < 0) {
        if (abi == -ENOSYS || abi == -EOPNOTSUPP) {
            gk_log("warn", "sandbox: landlock unavailable (%s); filesystem not confined",
                   strerror(-abi));
            say(sum, sum_cap, " landlock=unavailable");
            return 0;
        }
        return fail(err, cap, "sandbox: landlock: version: %s", strerror(-abi));
    }
    char interp[GK_SBX_INTERP_MAX];
    if (o->helper_path != NULL && elf_interp(o->helper_path, interp, sizeof(interp), err, cap) != 0)
        return -1;

    struct gk_ll_ruleset_attr attr = {.handled_access_fs = ll_fs_rights(abi)};
    size_t attr_size = sizeof(attr.handled_access_fs);
    if (abi >= GK_LL_ABI_NET) {
        /* No TCP bind or connect at all (the listener is already bound). */
        if (!o->allow_connect)
            attr.handled_access_net =
                LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
        attr_size = offsetof(struct gk_ll_ruleset_attr, scoped);
    }
    if (abi >= GK_LL_ABI_SCOPE) {
        /* Signals only to processes in this sandbox (our workers and helper):
         * this is what confines kill/tgkill to "own pids". */
        attr.scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
        attr_size = sizeof(attr);
    }
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
    if (rs < 0)
        return fail(err, cap, "sandbox: landlock: create ruleset: %s", strerror(errno));

    const uint64_t h = attr.handled_access_fs;
    int n = 0;
    int rc = ll_allow(rs, o->fixtures_dir, GK_LL_READ, h, 1, &n, err, cap);
    if (rc == 0 && o->files_root != NULL)
        rc = ll_allow(rs, o->files_root, GK_LL_READ, h, 1, &n, err, cap);
    if (rc == 0 && o->helper_path != NULL)
        rc = ll_allow(rs, o->helper_path, GK_LL_EXEC, h, 1, &n, err, cap);
    if (rc == 0 && interp[0] != '\0')
        rc = ll_allow(rs, interp, GK_LL_EXEC, h, 1, &n, err, cap);
    /* Planted-bug builds only (the shell plant): a shell and what it runs. */
    if (rc == 0 && o->allow_shell)
        rc = ll_allow(rs, "/usr/bin", GK_LL_EXEC, h, 0, &n, err, cap);
    if (rc == 0 && o->allow_shell)
        rc = ll_allow(rs, "/bin", GK_LL_EXEC, h, 0, &n, err, cap);
    /* System libraries for the helper's loader: read, never execute. */
    static const char *const libdirs[] = {"/usr", "/lib", "/lib64", "/etc/ld.so.cache"};
    for (size_t i = 0; rc == 0 && i < sizeof(libdirs) / sizeof(libdirs[0]); i++)
        rc = ll_allow(rs, libdirs[i], GK_LL_READ, h, 0, &n, err, cap);
    if (rc == 0)
        rc = ll_allow(rs, "/dev/null", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE,
                      h, 1, &n, err, cap);
    if (rc == 0 && syscall(SYS_landlock_restrict_self, rs, 0) != 0)
        rc = fail(err, cap, "sandbox: landlock: restrict_self: %s", strerror(errno));
    close(rs);
    if (rc != 0)
        return -1;
    say(sum, sum_cap, " landlock=abi%d(%d rules%s%s)", abi, n,
        attr.handled_access_net != 0 ? ",no-tcp" : "", attr.scoped != 0 ? ",scoped" : "");
    return 0;
}

/* ---- 4. seccomp ---------------------------------------------------------- */

/* Default for syscalls not listed: fail with EPERM rather than kill. glibc,
 * OpenSSL and the sanitizer runtimes probe optional syscalls (uname, sysinfo,
 * statx, readlink, TCGETS ...) and cope with an error; a kill would turn every
 * such probe into an outage and, worse, would kill a sanitizer in the middle of
 * writing its report. The syscalls that only an attacker wants are listed
 * explicitly with KILL_PROCESS below, so trying them is loud. */
#define GK_SBX_DEFAULT_ACTION SCMP_ACT_ERRNO(EPERM)

#define GK_SBX_CLONE_FORBIDDEN                                                                     \
    (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |  \
     CLONE_NEWNET | CLONE_PTRACE)

/* What the server and the helper's start-up need, nothing for making sockets. */
static const int sc_allow[] = {
    /* I/O on descriptors we already hold */
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(pread64),
    SCMP_SYS(close),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(statx),
    SCMP_SYS(lseek),
    SCMP_SYS(fcntl),
    SCMP_SYS(dup),
    SCMP_SYS(dup2),
    SCMP_SYS(dup3),
    SCMP_SYS(pipe2),
    SCMP_SYS(sendfile),
    SCMP_SYS(close_range),
    /* files route (Landlock confines the paths) and the helper's loader */
    SCMP_SYS(openat),
    SCMP_SYS(openat2),
    SCMP_SYS(access),
    SCMP_SYS(faccessat),
    SCMP_SYS(faccessat2),
    SCMP_SYS(readlink),
    SCMP_SYS(readlinkat),
    /* memory */
    SCMP_SYS(mmap),
    SCMP_SYS(munmap),
    SCMP_SYS(mprotect),
    SCMP_SYS(brk),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    /* event loop and sockets that exist */
    SCMP_SYS(epoll_create1),
    SCMP_SYS(epoll_ctl),
    SCMP_SYS(epoll_wait),
    SCMP_SYS(epoll_pwait),
    SCMP_SYS(epoll_pwait2),
    SCMP_SYS(poll),
    SCMP_SYS(ppoll),
    SCMP_SYS(accept4),
    SCMP_SYS(recvfrom),
    SCMP_SYS(sendto),
    SCMP_SYS(recvmsg),
    SCMP_SYS(sendmsg),
    SCMP_SYS(setsockopt),
    SCMP_SYS(getsockopt),
    SCMP_SYS(getsockname),
    SCMP_SYS(getpeername),
    SCMP_SYS(shutdown),
    SCMP_SYS(timerfd_create),
    SCMP_SYS(timerfd_settime),
    SCMP_SYS(timerfd_gettime),
    SCMP_SYS(eventfd2),
    /* time */
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_getres),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(time),
    SCMP_SYS(nanosleep),
    SCMP_SYS(clock_nanosleep),
    /* threads, signals, processes */
    SCMP_SYS(futex),
    SCMP_SYS(rt_sigaction),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(sigaltstack),
    SCMP_SYS(rt_sigsuspend),
    SCMP_SYS(rt_sigtimedwait),
    SCMP_SYS(rt_sigpending),
    SCMP_SYS(pselect6),
    SCMP_SYS(tgkill),
    SCMP_SYS(wait4),
    SCMP_SYS(waitid),
    SCMP_SYS(restart_syscall),
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(getppid),
    SCMP_SYS(getuid),
    SCMP_SYS(geteuid),
    SCMP_SYS(getgid),
    SCMP_SYS(getegid),
    SCMP_SYS(getresuid),
    SCMP_SYS(getresgid),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(getrandom),
    SCMP_SYS(prlimit64),
    SCMP_SYS(sched_getaffinity),
    SCMP_SYS(sched_yield),
    /* what a freshly exec'd dynamic binary (the helper) does before main */
    SCMP_SYS(arch_prctl),
    SCMP_SYS(set_tid_address),
    SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq),
};

/* Only an attacker (or a planted bug) wants these: kill the process. */
static const int sc_kill[] = {
    SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev),
    SCMP_SYS(execveat),
    SCMP_SYS(mount),
    SCMP_SYS(umount2),
    SCMP_SYS(pivot_root),
    SCMP_SYS(chroot),
    SCMP_SYS(unshare),
    SCMP_SYS(setns),
    SCMP_SYS(bpf),
    SCMP_SYS(perf_event_open),
    SCMP_SYS(userfaultfd),
    SCMP_SYS(init_module),
    SCMP_SYS(finit_module),
    SCMP_SYS(delete_module),
    SCMP_SYS(kexec_load),
    SCMP_SYS(kexec_file_load),
    SCMP_SYS(keyctl),
    SCMP_SYS(add_key),
    SCMP_SYS(request_key),
    SCMP_SYS(setuid),
    SCMP_SYS(setgid),
    SCMP_SYS(setreuid),
    SCMP_SYS(setregid),
    SCMP_SYS(setresuid),
    SCMP_SYS(setresgid),
    SCMP_SYS(setgroups),
    SCMP_SYS(capset),
};

/* New outbound or listening sockets: the SSRF primitive. */
static const int sc_net[] = {
    SCMP_SYS(socket),
    SCMP_SYS(connect),
    SCMP_SYS(bind),
    SCMP_SYS(listen),
};

/* Starting the helper. */
static const int sc_spawn[] = {
    SCMP_SYS(execve),
    SCMP_SYS(fork),
    SCMP_SYS(vfork),
};

/* One rule with at most one argument comparison (arg_cnt 0 or 1). */
static int sc_rule(scmp_filter_ctx sc, uint32_t action, int nr, unsigned arg_cnt,
                   struct scmp_arg_cmp cmp, int *count, char *err, size_t cap)
{
    int rc = seccomp_rule_add_array(sc, action, nr, arg_cnt, &cmp);
    if (rc != 0) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        fail(err, cap, "sandbox: seccomp: rule for %s: %s", name != NULL ? name : "?",
             strerror(-rc));
        free(name);
        return -1;
    }
    (*count)++;
    return 0;
}

static int sc_add_list(scmp_filter_ctx sc, uint32_t action, const int *list, size_t n, int *count,
                       char *err, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] < 0)
            continue; /* not a syscall on this architecture (libseccomp pseudo number) */
        if (sc_rule(sc, action, list[i], 0, (struct scmp_arg_cmp){0}, count, err, cap) != 0)
            return -1;
    }
    return 0;
}

#define SC_NOARG ((struct scmp_arg_cmp){0})
#define SC_ADD(list, action)                                                                       \
    sc_add_list(sc, (action), (list), sizeof(list) / sizeof((list)[0]), &n, err, cap)

static int seccomp_apply(const struct gk_sandbox_opts *o, char *sum, size_t sum_cap, char *err,
                         size_t cap)
{
    scmp_filter_ctx sc = seccomp_init(GK_SBX_DEFAULT_ACTION);
    if (sc == NULL)
        return fail(err, cap, "sandbox: seccomp: init failed");
    int n = 0;
    int rc = 0;
    /* Foreign-ABI syscalls (i386 int 0x80, x32) would dodge the filter's numbers. */
    if (seccomp_attr_set(sc, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0 ||
        seccomp_attr_set(sc, SCMP_FLTATR_CTL_TSYNC, 1) != 0)
        rc = fail(err, cap, "sandbox: seccomp: attributes refused");
    if (rc == 0)
        rc = SC_ADD(sc_allow, SCMP_ACT_ALLOW);
    if (rc == 0)
        rc = SC_ADD(sc_kill, SCMP_ACT_KILL_PROCESS);
    if (rc == 0)
        rc = SC_ADD(sc_net, o->allow_connect ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS);
    /* kill(2) with pid > 0 or 0 (own group); never -1 (everyone we may signal)
     * or another group. Landlock's signal scope narrows it further. */
    if (rc == 0) {
        rc = sc_rule(sc, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
                     SCMP_A0(SCMP_CMP_MASKED_EQ, 0x80000000u, 0), &n, err, cap);
    }
    /* ioctl: only "how many bytes can I read" and non-blocking mode. */
    static const unsigned long ioctls[] = {FIONREAD, FIONBIO, FIOCLEX};
    for (size_t i = 0; rc == 0 && i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
        rc = sc_rule(sc, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, ioctls[i]), &n,
                     err, cap);
    }
    /* prctl: only what a worker does after fork (parent-death signal, a name);
     * never PR_SET_DUMPABLE, PR_SET_PTRACER or the capability operations. */
    static const int prctl_ops[] = {PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_SET_NAME, PR_GET_NAME};
    for (size_t i = 0; rc == 0 && i < sizeof(prctl_ops) / sizeof(prctl_ops[0]); i++) {
        rc = sc_rule(sc, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
                     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)prctl_ops[i]), &n, err, cap);
    }
    /* socketpair(AF_UNIX) only: local, reaches nothing outside the process. */
    if (rc == 0) {
        rc = sc_rule(sc, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX), &n,
                     err, cap);
    }
    if (rc == 0 && o->allow_spawn) {
        rc = SC_ADD(sc_spawn, SCMP_ACT_ALLOW);
        /* clone3 passes its flags in memory, which seccomp cannot read; ENOSYS
         * makes glibc (posix_spawn, fork) fall back to clone(2), whose flags
         * we can check: no new namespaces, no ptrace. */
        if (rc == 0) {
            rc = sc_rule(sc, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, SC_NOARG, &n, err, cap);
        }
        if (rc == 0) {
            rc = sc_rule(sc, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, GK_SBX_CLONE_FORBIDDEN, 0), &n, err, cap);
        }
    } else if (rc == 0) {
        rc = SC_ADD(sc_spawn, SCMP_ACT_KILL_PROCESS);
        if (rc == 0) {
            rc = sc_rule(sc, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone3), 0, SC_NOARG, &n, err, cap);
        }
    }
    if (rc == 0) {
        int lr = seccomp_load(sc);
        if (lr != 0)
            rc = fail(err, cap, "sandbox: seccomp: load: %s", strerror(-lr));
    }
    seccomp_release(sc);
    if (rc != 0)
        return -1;
    say(sum, sum_cap, " seccomp=on(%d rules,default=EPERM%s%s)", n, o->allow_spawn ? ",spawn" : "",
        o->allow_connect ? ",connect" : "");
    return 0;
}

/* Under ASan, LeakSanitizer would run at exit, fail to open /proc/<pid>/task
 * (Landlock) or to ptrace (seccomp), and print "LeakSanitizer has encountered a
 * fatal error" with exit code 1, which a harness rightly reads as a sanitizer
 * report. Opening /proc and ptrace for it would weaken exactly what the
 * hardening cases check, so instead we check for leaks once now, while we
 * still can; LSan then skips its exit-time check (in workers too, which fork
 * from here). Request-path leaks are found by the unit tests and fuzz targets,
 * which run unsandboxed. */
static void leak_check_now(char *sum, size_t sum_cap)
{
#ifdef GK_SBX_ASAN
    __lsan_do_leak_check();
    say(sum, sum_cap, " lsan=exit-check-off");
#else
    (void)sum;
    (void)sum_cap;
#endif
}

int gk_sandbox_apply(const struct gk_sandbox_opts *opts, char *summary, size_t sum_cap, char *err,
                     size_t err_cap)
{
    if (sum_cap > 0)
        summary[0] = '\0';
    if (opts == NULL || opts->fixtures_dir == NULL)
        return fail(err, err_cap, "sandbox: fixtures_dir: not given");
    if (drop_root(summary, sum_cap, err, err_cap) != 0)
        return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return fail(err, err_cap, "sandbox: no_new_privs: %s", strerror(errno));
    say(summary, sum_cap, " no_new_privs=1");
    leak_check_now(summary, sum_cap);
    if (landlock_apply(opts, summary, sum_cap, err, err_cap) != 0)
        return -1;
    return seccomp_apply(opts, summary, sum_cap, err, err_cap);
}
