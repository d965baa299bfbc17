/* gk-echo: the one subprocess gatekeeper may run (target contract, GET /run).
 *
 * Prints {"argv":[...],"argv_hex":[...]} and a newline on stdout and exits 0.
 * argv includes argv[0]. It interprets nothing: no options, "--" is printed
 * like any other argument. "argv" is for humans: strings escaped per RFC 8259
 * §7, with bytes that are not valid UTF-8 (RFC 3629 §4) written as \u00XX of
 * the raw byte, which is lossy. "argv_hex" holds each argument's exact bytes as
 * lowercase hex so a harness can compare byte for byte.
 *
 * libc only. Exit codes: 0 printed, 1 write error, 2 argv too large. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GK_ECHO_MAX_ARGV_BYTES (1024u * 1024u) /* sum of strlen(arg) + 1 */
#define GK_ECHO_OUT_BUF 65536u
#define GK_ECHO_MAX_ESCAPE 6u /* longest output for one input byte: \u00XX */

/* Under ASan, LeakSanitizer's exit-time check needs /proc and ptrace, which
 * gatekeeper's sandbox (inherited across execve) denies: it would fail and exit
 * 1 after a correct run. gk-echo frees nothing worth checking; turn it off. */
#if defined(__SANITIZE_ADDRESS__)
#define GK_ECHO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GK_ECHO_ASAN 1
#endif
#endif
#ifdef GK_ECHO_ASAN
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
    return 1;
}
#endif

static unsigned char out_buf[GK_ECHO_OUT_BUF];
static size_t out_len;

/* write(2) may write less than asked (pipes, signals): loop until done. */
static int flush_out(void)
{
    size_t off = 0;
    while (off < out_len) {
        ssize_t n = write(STDOUT_FILENO, out_buf + off, out_len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    out_len = 0;
    return 0;
}

static int put(const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n > 0) {
        if (out_len == sizeof(out_buf) && flush_out() != 0)
            return -1;
        size_t room = sizeof(out_buf) - out_len;
        size_t k = n < room ? n : room;
        memcpy(out_buf + out_len, b, k);
        out_len += k;
        b += k;
        n -= k;
    }
    return 0;
}

static int put_str(const char *s)
{
    return put(s, strlen(s));
}

static const char HEX[] = "0123456789abcdef";

static int put_u00(unsigned char c)
{
    const char esc[GK_ECHO_MAX_ESCAPE] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 0xf]};
    return put(esc, sizeof(esc));
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none. */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        if (c == 0xed)
            hi = 0x9f; /* UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        if (c == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (left < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    }
    return n;
}

/* RFC 8259 §7: '"' and '\' escaped, control characters as \u00XX. DEL is
 * escaped too so the output stays printable. */
static int put_json_string(const unsigned char *s, size_t len)
{
    if (put("\"", 1) != 0)
        return -1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        int rc;
        if (c == '"' || c == '\\') {
            const char esc[2] = {'\\', (char)c};
            rc = put(esc, sizeof(esc));
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            rc = put_u00(c);
            i++;
        } else if (c < 0x80) {
            rc = put(&s[i], 1);
            i++;
        } else {
            size_t n = utf8_seq_len(&s[i], len - i);
            if (n == 0) {
                rc = put_u00(c); /* lossy; argv_hex has the exact byte */
                i++;
            } else {
                rc = put(&s[i], n);
                i += n;
            }
        }
        if (rc != 0)
            return -1;
    }
    return put("\"", 1);
}

static int put_hex_string(const unsigned char *s, size_t len)
{
    if (put("\"", 1) != 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        const char h[2] = {HEX[s[i] >> 4], HEX[s[i] & 0xf]};
        if (put(h, sizeof(h)) != 0)
            return -1;
    }
    return put("\"", 1);
}

static int put_array(const char *name, int argc, char **argv,
                     int (*emit)(const unsigned char *, size_t))
{
    if (put_str("\"") != 0 || put_str(name) != 0 || put_str("\":[") != 0)
        return -1;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && put(",", 1) != 0)
            return -1;
        if (emit((const unsigned char *)argv[i], strlen(argv[i])) != 0)
            return -1;
    }
    return put("]", 1);
}

int main(int argc, char **argv)
{
    size_t total = 0;
    for (int i = 0; i < argc; i++) {
        total += strlen(argv[i]) + 1;
        if (total > GK_ECHO_MAX_ARGV_BYTES) {
            static const char msg[] = "gk-echo: argv larger than 1 MiB\n";
            (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
            return 2;
        }
    }
    if (put("{", 1) != 0 || put_array("argv", argc, argv, put_json_string) != 0 ||
        put(",", 1) != 0 || put_array("argv_hex", argc, argv, put_hex_string) != 0 ||
        put("}\n", 2) != 0 || flush_out() != 0)
        return 1;
    return 0;
}
