/* gk/b64url.h: strict base64url (RFC 4648 §5) without padding, as JWS requires
 * (RFC 7515 §2, Appendix C). Rejects '=', '+', '/', whitespace, any non-alphabet
 * byte, impossible lengths (len % 4 == 1) and non-zero trailing bits, so each
 * byte string has exactly one accepted encoding. */
#ifndef GK_B64URL_H
#define GK_B64URL_H
#include <stddef.h>
#include <stdint.h>
#include "gk/status.h"

/* Upper bound of the decoded size of `in_len` encoded bytes. */
static inline size_t gk_b64url_decoded_max(size_t in_len) { return (in_len / 4) * 3 + 2; }
static inline size_t gk_b64url_encoded_len(size_t raw_len) { return (raw_len / 3) * 4 + ((raw_len % 3) ? (raw_len % 3) + 1 : 0); }

GK_MUST_CHECK enum gk_status gk_b64url_decode(const uint8_t *in, size_t in_len, uint8_t *out,
                                              size_t out_cap, size_t *out_len);
GK_MUST_CHECK enum gk_status gk_b64url_encode(const uint8_t *in, size_t in_len, uint8_t *out,
                                              size_t out_cap, size_t *out_len);
#endif
