/* test_b64url.c: strict base64url (gk/b64url.h). Vectors, every refusal, and a
 * round trip over every length 0..300. */
#include <check.h>
#include <string.h>

#include "gk/b64url.h"

#define ROUND_TRIP_MAX 300
#define BUF 512

/* RFC 4648 §10 test vectors, url alphabet, no padding. */
static const struct {
    const char *raw, *enc;
} vectors[] = {
    {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

START_TEST(rfc4648_vectors_decode_and_encode)
{
    uint8_t out[BUF];
    size_t n = 99;
    const char *enc = vectors[_i].enc, *raw = vectors[_i].raw;
    ck_assert_int_eq(gk_b64url_decode((const uint8_t *)enc, strlen(enc), out, sizeof out, &n), GK_OK);
    ck_assert_uint_eq(n, strlen(raw));
    ck_assert_int_eq(memcmp(out, raw, n), 0);
    ck_assert_int_eq(gk_b64url_encode((const uint8_t *)raw, strlen(raw), out, sizeof out, &n), GK_OK);
    ck_assert_uint_eq(n, strlen(enc));
    ck_assert_int_eq(memcmp(out, enc, n), 0);
    ck_assert_uint_eq(gk_b64url_encoded_len(strlen(raw)), strlen(enc));
}
END_TEST

START_TEST(url_alphabet_chars_62_and_63)
{
    static const uint8_t raw[] = {0xfb, 0xff, 0xbf, 0xfe};
    uint8_t out[BUF];
    size_t n = 0;
    ck_assert_int_eq(gk_b64url_encode(raw, sizeof raw, out, sizeof out, &n), GK_OK);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(memcmp(out, "-_-__g", 6), 0);
    ck_assert_int_eq(gk_b64url_decode(out, n, out + 8, sizeof out - 8, &n), GK_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(out + 8, raw, 4), 0);
}
END_TEST

static const struct {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    enum gk_status want;
} refusals[] = {
    {"padding_after_two_chars", "Zg==", 0, GK_E_B64_PADDING},
    {"padding_after_three_chars", "Zm8=", 0, GK_E_B64_PADDING},
    {"lone_padding", "=", 0, GK_E_B64_PADDING},
    {"padding_in_the_middle", "Zg==Zm9v", 0, GK_E_B64_PADDING},
    {"plus_from_std_alphabet", "+_-_", 0, GK_E_B64_ALPHABET},
    {"slash_from_std_alphabet", "-/-_", 0, GK_E_B64_ALPHABET},
    {"space", "Zm9 v", 0, GK_E_B64_ALPHABET},
    {"trailing_newline", "Zm9v\n", 0, GK_E_B64_ALPHABET},
    {"leading_tab", "\tZm9v", 0, GK_E_B64_ALPHABET},
    {"carriage_return", "Zm\r9v", 0, GK_E_B64_ALPHABET},
    {"nul_byte", "Zm\0v", 4, GK_E_B64_ALPHABET},
    {"del_byte", "Zm\x7fv", 0, GK_E_B64_ALPHABET},
    {"high_bit_byte", "Zm\xc3v", 0, GK_E_B64_ALPHABET},
    {"dot", "Zm.v", 0, GK_E_B64_ALPHABET},
    {"ctl_byte", "Zm\x01v", 0, GK_E_B64_ALPHABET},
    {"length_1", "Z", 0, GK_E_B64_LENGTH},
    {"length_5", "Zm9vY", 0, GK_E_B64_LENGTH},
    {"length_9", "Zm9vYmFyZ", 0, GK_E_B64_LENGTH},
    {"trailing_bits_in_2_char_tail", "Zh", 0, GK_E_B64_PADDING},
    {"trailing_low_bit_2_char_tail", "QB", 0, GK_E_B64_PADDING},
    {"trailing_bits_in_3_char_tail", "Zm9", 0, GK_E_B64_PADDING},
    {"trailing_bits_dash_3_char_tail", "Zm-", 0, GK_E_B64_PADDING},
    {"trailing_bits_after_full_quantum", "Zm9vYh", 0, GK_E_B64_PADDING},
};

START_TEST(refuses_non_canonical_input)
{
    uint8_t out[BUF];
    size_t n = 12345;
    const char *in = refusals[_i].in;
    size_t len = refusals[_i].len ? refusals[_i].len : strlen(in);
    enum gk_status st = gk_b64url_decode((const uint8_t *)in, len, out, sizeof out, &n);
    ck_assert_msg(st == refusals[_i].want, "%s: got %s", refusals[_i].name, gk_status_name(st));
    ck_assert_uint_eq(n, 12345); /* out_len untouched on failure */
}
END_TEST

START_TEST(every_trailing_bit_pattern_but_zero_is_refused)
{
    /* For a 2-char tail the second char's low 4 bits, for 3 chars the third's low 2. */
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t out[8];
    size_t n;
    int ok2 = 0, ok3 = 0;
    for (int v = 0; v < 64; v++) {
        uint8_t in2[2] = {'Q', (uint8_t)alpha[v]};
        uint8_t in3[3] = {'Q', 'Q', (uint8_t)alpha[v]};
        enum gk_status s2 = gk_b64url_decode(in2, 2, out, sizeof out, &n);
        enum gk_status s3 = gk_b64url_decode(in3, 3, out, sizeof out, &n);
        ck_assert_int_eq(s2, (v & 0x0f) ? GK_E_B64_PADDING : GK_OK);
        ck_assert_int_eq(s3, (v & 0x03) ? GK_E_B64_PADDING : GK_OK);
        ok2 += s2 == GK_OK;
        ok3 += s3 == GK_OK;
    }
    ck_assert_int_eq(ok2, 4);
    ck_assert_int_eq(ok3, 16);
}
END_TEST

START_TEST(every_byte_outside_the_alphabet_is_refused)
{
    uint8_t out[8];
    size_t n;
    int accepted = 0;
    for (int b = 0; b < 256; b++) {
        uint8_t in[4] = {'A', 'A', 'A', (uint8_t)b};
        enum gk_status st = gk_b64url_decode(in, 4, out, sizeof out, &n);
        int in_alpha = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                       b == '-' || b == '_';
        if (in_alpha) {
            ck_assert_int_eq(st, GK_OK);
            accepted++;
        } else {
            ck_assert_int_eq(st, b == '=' ? GK_E_B64_PADDING : GK_E_B64_ALPHABET);
        }
    }
    ck_assert_int_eq(accepted, 64);
}
END_TEST

START_TEST(output_capacity_exact_and_one_short)
{
    uint8_t out[6];
    size_t n = 0;
    ck_assert_int_eq(gk_b64url_decode((const uint8_t *)"Zm9vYmFy", 8, out, 6, &n), GK_OK);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(gk_b64url_decode((const uint8_t *)"Zm9vYmFy", 8, out, 5, &n), GK_E_SPACE);
    ck_assert_int_eq(gk_b64url_decode((const uint8_t *)"Zm9vYmE", 7, out, 5, &n), GK_OK);
    ck_assert_int_eq(gk_b64url_decode((const uint8_t *)"Zm9vYmE", 7, out, 4, &n), GK_E_SPACE);
    ck_assert_int_eq(gk_b64url_encode((const uint8_t *)"foob", 4, out, 6, &n), GK_OK);
    ck_assert_int_eq(gk_b64url_encode((const uint8_t *)"foob", 4, out, 5, &n), GK_E_SPACE);
    ck_assert_int_eq(gk_b64url_decode(NULL, 0, NULL, 0, &n), GK_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(gk_b64url_decode((const uint8_t *)"Zg", 2, out, 6, NULL), GK_E_ARG);
}
END_TEST

START_TEST(round_trip_every_length_0_to_300)
{
    uint8_t raw[ROUND_TRIP_MAX] = {0}, enc[BUF], dec[BUF];
    uint32_t x = 0x9e3779b9u; /* deterministic xorshift */
    for (size_t len = 0; len <= ROUND_TRIP_MAX; len++) {
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            raw[i] = (uint8_t)x;
        }
        size_t elen = 0, dlen = 0;
        ck_assert_int_eq(gk_b64url_encode(raw, len, enc, sizeof enc, &elen), GK_OK);
        ck_assert_uint_eq(elen, gk_b64url_encoded_len(len));
        ck_assert_uint_ne(elen % 4, 1);
        ck_assert_uint_le(len, gk_b64url_decoded_max(elen));
        ck_assert_int_eq(gk_b64url_decode(enc, elen, dec, sizeof dec, &dlen), GK_OK);
        ck_assert_uint_eq(dlen, len);
        ck_assert_int_eq(memcmp(dec, raw, len), 0);
        /* Exactly `len` bytes of room suffices. */
        ck_assert_int_eq(gk_b64url_decode(enc, elen, dec, len, &dlen), GK_OK);
    }
}
END_TEST

static Suite *b64url_suite(void)
{
    Suite *s = suite_create("b64url");
    TCase *tc = tcase_create("b64url");
    tcase_add_loop_test(tc, rfc4648_vectors_decode_and_encode, 0,
                        (int)(sizeof vectors / sizeof vectors[0]));
    tcase_add_test(tc, url_alphabet_chars_62_and_63);
    tcase_add_loop_test(tc, refuses_non_canonical_input, 0,
                        (int)(sizeof refusals / sizeof refusals[0]));
    tcase_add_test(tc, every_trailing_bit_pattern_but_zero_is_refused);
    tcase_add_test(tc, every_byte_outside_the_alphabet_is_refused);
    tcase_add_test(tc, output_capacity_exact_and_one_short);
    tcase_add_test(tc, round_trip_every_length_0_to_300);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(b64url_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
