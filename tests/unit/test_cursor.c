/* Unit tests for gk/cursor.h and gk/status.h: every read checks what is left
 * and leaves the cursor unchanged on failure. */
#include <check.h>
#include <stdlib.h>
#include "gk/cursor.h"
#include "gk/status.h"

static const uint8_t ABC[] = {'a', 'b', 'c'};

START_TEST(test_u8_reads_until_end_then_fails_without_moving)
{
    struct gk_cursor c;
    uint8_t b = 0;
    gk_cursor_init(&c, ABC, sizeof(ABC));
    for (size_t i = 0; i < sizeof(ABC); i++) {
        ck_assert_int_eq(gk_cursor_u8(&c, &b), GK_OK);
        ck_assert_int_eq(b, ABC[i]);
    }
    ck_assert(gk_cursor_eof(&c));
    ck_assert_int_eq(gk_cursor_u8(&c, &b), GK_E_SHORT);
    ck_assert_int_eq(gk_cursor_peek(&c, &b), GK_E_SHORT);
    ck_assert_uint_eq(c.pos, sizeof(ABC));
}
END_TEST

START_TEST(test_take_exactly_left_succeeds_one_more_fails_unchanged)
{
    struct gk_cursor c;
    struct gk_span s;
    gk_cursor_init(&c, ABC, sizeof(ABC));
    ck_assert_int_eq(gk_cursor_take(&c, 4, &s), GK_E_SHORT);
    ck_assert_uint_eq(c.pos, 0);
    ck_assert_int_eq(gk_cursor_take(&c, 3, &s), GK_OK);
    ck_assert_uint_eq(s.len, 3);
    ck_assert_ptr_eq(s.p, ABC);
    ck_assert_int_eq(gk_cursor_take(&c, 1, &s), GK_E_SHORT);
    ck_assert_int_eq(gk_cursor_take(&c, 0, &s), GK_OK);
    ck_assert_uint_eq(s.len, 0);
}
END_TEST

START_TEST(test_until_consumes_delimiter_and_missing_delimiter_leaves_cursor)
{
    static const uint8_t in[] = "k=v;x";
    struct gk_cursor c;
    struct gk_span s;
    gk_cursor_init(&c, in, sizeof(in) - 1);
    ck_assert_int_eq(gk_cursor_until(&c, '=', &s), GK_OK);
    ck_assert(gk_span_eq(s, GK_SPAN_LIT("k")));
    ck_assert_int_eq(gk_cursor_until(&c, ';', &s), GK_OK);
    ck_assert(gk_span_eq(s, GK_SPAN_LIT("v")));
    size_t before = c.pos;
    ck_assert_int_eq(gk_cursor_until(&c, ';', &s), GK_E_SHORT);
    ck_assert_uint_eq(c.pos, before);
    s = gk_cursor_rest(&c);
    ck_assert(gk_span_eq(s, GK_SPAN_LIT("x")));
    ck_assert(gk_cursor_eof(&c));
}
END_TEST

START_TEST(test_accept_literal_only_on_full_match)
{
    static const uint8_t in[] = "Bearer";
    struct gk_cursor c;
    gk_cursor_init(&c, in, 6);
    ck_assert_int_eq(gk_cursor_accept(&c, "Bearer "), 0); /* one past the end */
    ck_assert_uint_eq(c.pos, 0);
    ck_assert_int_eq(gk_cursor_accept(&c, "Bear"), 1);
    ck_assert_uint_eq(c.pos, 4);
}
END_TEST

START_TEST(test_empty_input_has_nothing_to_read)
{
    struct gk_cursor c;
    uint8_t b;
    gk_cursor_init(&c, NULL, 0);
    ck_assert(gk_cursor_eof(&c));
    ck_assert_int_eq(gk_cursor_u8(&c, &b), GK_E_SHORT);
    ck_assert_uint_eq(gk_cursor_rest(&c).len, 0);
}
END_TEST

START_TEST(test_every_status_has_a_distinct_name_and_text)
{
    for (int i = 0; i < GK_STATUS_COUNT; i++) {
        ck_assert_ptr_nonnull(gk_status_name((enum gk_status)i));
        ck_assert_int_gt((int)strlen(gk_status_text((enum gk_status)i)), 0);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(gk_status_name((enum gk_status)i), gk_status_name((enum gk_status)j));
    }
    ck_assert_str_eq(gk_status_name(GK_OK), "GK_OK");
    ck_assert_str_eq(gk_status_name((enum gk_status)GK_STATUS_COUNT), "GK_E_UNKNOWN");
}
END_TEST

START_TEST(test_span_nocase_compares_ascii_only)
{
    ck_assert(gk_span_eq_nocase(GK_SPAN_LIT("Host"), GK_SPAN_LIT("hOST")));
    ck_assert(!gk_span_eq_nocase(GK_SPAN_LIT("Host"), GK_SPAN_LIT("Hos")));
    ck_assert(!gk_span_eq_nocase(GK_SPAN_LIT("\xc0"), GK_SPAN_LIT("\xe0")));
    ck_assert(!gk_span_eq_nocase(GK_SPAN_LIT("@"), GK_SPAN_LIT("`")));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cursor");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_u8_reads_until_end_then_fails_without_moving);
    tcase_add_test(tc, test_take_exactly_left_succeeds_one_more_fails_unchanged);
    tcase_add_test(tc, test_until_consumes_delimiter_and_missing_delimiter_leaves_cursor);
    tcase_add_test(tc, test_accept_literal_only_on_full_match);
    tcase_add_test(tc, test_empty_input_has_nothing_to_read);
    tcase_add_test(tc, test_every_status_has_a_distinct_name_and_text);
    tcase_add_test(tc, test_span_nocase_compares_ascii_only);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
