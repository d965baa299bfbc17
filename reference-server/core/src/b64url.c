/* b64url.c: strict base64url without padding (RFC 4648 §5, RFC 7515 §2 and
 * Appendix C). Strictness makes the encoding canonical: each byte string has
 * exactly one accepted spelling, so two differently-spelled tokens never carry
 * the same signed bytes (RFC 4648 §3.5 lets decoders refuse non-zero pad bits). */
#include "gk/b64url.h"

#define GK_B64_PAD_CHAR '='

static const char gk_b64url_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Alphabet value + 1 of each byte; 0 (the default) marks bytes outside it. */
static const uint8_t gk_b64url_value1[256] = {
    ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
    ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
    ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
    ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
    ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
    ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
    ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
    ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
    ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['-'] = 63, ['_'] = 64,
};

/* Value of a byte already known to be in the alphabet. */
static inline uint32_t gk_b64url_val(uint8_t c) { return (uint32_t)gk_b64url_value1[c] - 1; }

/* Exact decoded size of a valid length: 4 chars → 3 bytes, a 2- or 3-char tail
 * → 1 or 2 bytes. */
static size_t gk_b64url_decoded_len(size_t in_len)
{
    size_t tail = in_len % 4;
    return (in_len / 4) * 3 + (tail ? tail - 1 : 0);
}

enum gk_status gk_b64url_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                                size_t *out_len)
{
    GK_ENSURE(out_len != NULL && (in != NULL || in_len == 0), GK_E_ARG);
    /* First pass: classify every byte, so the reason for a refusal does not
     * depend on where the output buffer ran out. '=' gets its own code. */
    for (size_t i = 0; i < in_len; i++) {
        if (gk_b64url_value1[in[i]] != 0)
            continue;
        return in[i] == GK_B64_PAD_CHAR ? GK_E_B64_PADDING : GK_E_B64_ALPHABET;
    }
    /* One leftover character carries only 6 bits: never a whole byte. */
    GK_ENSURE(in_len % 4 != 1, GK_E_B64_LENGTH);
    size_t need = gk_b64url_decoded_len(in_len);
    GK_ENSURE(need <= out_cap, GK_E_SPACE);
    GK_ENSURE(out != NULL || need == 0, GK_E_ARG);

    size_t i = 0, o = 0;
    for (; i + 4 <= in_len; i += 4) {
        uint32_t v = ((uint32_t)gk_b64url_val(in[i]) << 18) |
                     ((uint32_t)gk_b64url_val(in[i + 1]) << 12) |
                     ((uint32_t)gk_b64url_val(in[i + 2]) << 6) | gk_b64url_val(in[i + 3]);
        out[o++] = (uint8_t)(v >> 16);
        out[o++] = (uint8_t)(v >> 8);
        out[o++] = (uint8_t)v;
    }
    size_t tail = in_len - i;
    if (tail == 2) {
        uint32_t v = ((uint32_t)gk_b64url_val(in[i]) << 6) | gk_b64url_val(in[i + 1]);
        /* 12 bits carry 8: the low 4 must be zero (RFC 4648 §3.5). */
        GK_ENSURE((v & 0x0f) == 0, GK_E_B64_PADDING);
        out[o++] = (uint8_t)(v >> 4);
    } else if (tail == 3) {
        uint32_t v = ((uint32_t)gk_b64url_val(in[i]) << 12) |
                     ((uint32_t)gk_b64url_val(in[i + 1]) << 6) | gk_b64url_val(in[i + 2]);
        /* 18 bits carry 16: the low 2 must be zero. */
        GK_ENSURE((v & 0x03) == 0, GK_E_B64_PADDING);
        out[o++] = (uint8_t)(v >> 10);
        out[o++] = (uint8_t)(v >> 2);
    }
    *out_len = o;
    return GK_OK;
}

enum gk_status gk_b64url_encode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                                size_t *out_len)
{
    GK_ENSURE(out_len != NULL && (in != NULL || in_len == 0), GK_E_ARG);
    /* gk_b64url_encoded_len would overflow past this. */
    GK_ENSURE(in_len <= (SIZE_MAX / 4) * 3 - 3, GK_E_LIMIT);
    size_t need = gk_b64url_encoded_len(in_len);
    GK_ENSURE(need <= out_cap, GK_E_SPACE);
    GK_ENSURE(out != NULL || need == 0, GK_E_ARG);

    size_t i = 0, o = 0;
    for (; i + 3 <= in_len; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 18) & 0x3f];
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 12) & 0x3f];
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 6) & 0x3f];
        out[o++] = (uint8_t)gk_b64url_alphabet[v & 0x3f];
    }
    size_t tail = in_len - i;
    if (tail == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 18) & 0x3f];
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 12) & 0x3f];
    } else if (tail == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 18) & 0x3f];
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 12) & 0x3f];
        out[o++] = (uint8_t)gk_b64url_alphabet[(v >> 6) & 0x3f];
    }
    *out_len = o;
    return GK_OK;
}
