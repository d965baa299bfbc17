/* test_addr.c: IP addresses and CIDR networks (gk/addr.h). Strict IPv4 (no
 * leading zeros, no shorthand), IPv6 without zone ids, IPv4-mapped containment,
 * prefix ranges at and past their limits, host bits refused, formatting. */
#include <check.h>
#include <string.h>

#include "gk/addr.h"

static const struct {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    enum gk_status want;
    int family;
    const char *canon; /* gk_addr_format output when accepted */
} addr_cases[] = {
    {"v4_plain", "10.99.1.2", 0, GK_OK, 4, "10.99.1.2"},
    {"v4_zero", "0.0.0.0", 0, GK_OK, 4, "0.0.0.0"},
    {"v4_max", "255.255.255.255", 0, GK_OK, 4, "255.255.255.255"},
    {"v4_loopback", "127.0.0.1", 0, GK_OK, 4, "127.0.0.1"},
    {"v4_octet_256", "10.0.0.256", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_octet_999", "999.0.0.1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_leading_zero_octal_look", "010.0.0.1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_leading_zero_last", "10.0.0.01", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_double_zero", "10.00.0.1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_four_digits", "10.0.0.0001", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_hex_octet", "0x7f.0.0.1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_three_parts", "127.0.1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_one_number", "2130706433", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_five_parts", "1.2.3.4.5", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_trailing_dot", "1.2.3.4.", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_leading_dot", ".1.2.3.4", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_empty_octet", "1..3.4", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_space", "1.2.3.4 ", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_sign", "+1.2.3.4", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_nul_inside",
     "1.2.3.4\0"
     "5",
     9, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_high_byte", "1.2.3.\xb9", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"empty", "", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_loopback", "::1", 0, GK_OK, 6, "::1"},
    {"v6_any", "::", 0, GK_OK, 6, "::"},
    {"v6_full", "2001:0db8:0000:0000:0000:0000:0000:0001", 0, GK_OK, 6, "2001:db8::1"},
    {"v6_upper_hex", "2001:DB8::A", 0, GK_OK, 6, "2001:db8::a"},
    {"v6_mapped_v4", "::ffff:10.99.1.2", 0, GK_OK, 6, "::ffff:10.99.1.2"},
    {"v6_embedded_v4_longest", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 0, GK_OK, 6,
     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"v6_mapped_leading_zero_octet", "::ffff:010.0.0.1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_mapped_short_v4", "::ffff:10.1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_zone_id", "fe80::1%eth0", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_zone_id_numeric", "fe80::1%1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_brackets", "[::1]", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_two_double_colons", "1::2::3", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_five_hex_digits", "12345::1", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_nine_groups", "1:2:3:4:5:6:7:8:9", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_non_hex", "::g", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_dot_before_colon", "1.2::3", 0, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v6_too_long_text", "0000:0000:0000:0000:0000:0000:0000:0000:0000:0", 0, GK_E_ADDR_SYNTAX, 0,
     NULL},
    {"v6_nul_inside", "::1\0", 4, GK_E_ADDR_SYNTAX, 0, NULL},
    {"v4_port_suffix", "1.2.3.4:80", 0, GK_E_ADDR_SYNTAX, 0, NULL},
};

START_TEST(addr_table)
{
    struct gk_addr a;
    memset(&a, 0xaa, sizeof a);
    const char *in = addr_cases[_i].in;
    size_t len = addr_cases[_i].len ? addr_cases[_i].len : strlen(in);
    enum gk_status st = gk_addr_parse((const uint8_t *)in, len, &a);
    ck_assert_msg(st == addr_cases[_i].want, "%s: got %s", addr_cases[_i].name, gk_status_name(st));
    if (st != GK_OK)
        return;
    ck_assert_int_eq(a.family, addr_cases[_i].family);
    char text[GK_ADDR_STR_MAX];
    gk_addr_format(&a, text);
    ck_assert_str_eq(text, addr_cases[_i].canon);
    /* The canonical text parses back to the same address. */
    struct gk_addr b;
    ck_assert_int_eq(gk_addr_parse((const uint8_t *)text, strlen(text), &b), GK_OK);
    ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
}
END_TEST

START_TEST(input_is_not_read_past_len)
{
    /* "10.0.0.1" followed by more digits that must not be read. */
    struct gk_addr a;
    ck_assert_int_eq(gk_addr_parse((const uint8_t *)"10.0.0.12", 8, &a), GK_OK);
    ck_assert_int_eq(a.bytes[3], 1);
    ck_assert_int_eq(gk_addr_parse((const uint8_t *)"::1234", 3, &a), GK_OK);
    ck_assert_int_eq(a.bytes[15], 1);
}
END_TEST

START_TEST(addr_null_arguments)
{
    struct gk_addr a;
    ck_assert_int_eq(gk_addr_parse(NULL, 0, &a), GK_E_ADDR_SYNTAX);
    ck_assert_int_eq(gk_addr_parse((const uint8_t *)"::1", 3, NULL), GK_E_ARG);
    struct gk_cidr c;
    ck_assert_int_eq(gk_cidr_parse(NULL, 0, &c), GK_E_ADDR_SYNTAX);
    ck_assert_int_eq(gk_cidr_parse((const uint8_t *)"::/0", 4, NULL), GK_E_ARG);
}
END_TEST

static const struct {
    const char *name;
    const char *in;
    enum gk_status want;
    unsigned prefix;
} cidr_cases[] = {
    {"v4_16", "10.99.0.0/16", GK_OK, 16},
    {"v4_prefix_0", "0.0.0.0/0", GK_OK, 0},
    {"v4_prefix_32_max", "10.99.1.2/32", GK_OK, 32},
    {"v4_prefix_33_past_max", "10.99.1.2/33", GK_E_ADDR_SYNTAX, 0},
    {"v4_host_bits_set", "10.99.1.0/16", GK_E_ADDR_SYNTAX, 0},
    {"v4_host_bit_last", "10.99.0.1/31", GK_E_ADDR_SYNTAX, 0},
    {"v4_host_bit_zero_prefix", "0.0.0.1/0", GK_E_ADDR_SYNTAX, 0},
    {"v4_odd_prefix_clean", "10.98.0.0/15", GK_OK, 15},
    {"v4_odd_prefix_host_bit", "10.99.0.0/15", GK_E_ADDR_SYNTAX, 0},
    {"v4_no_prefix", "10.99.0.0", GK_E_ADDR_SYNTAX, 0},
    {"v4_empty_prefix", "10.99.0.0/", GK_E_ADDR_SYNTAX, 0},
    {"v4_prefix_leading_zero", "10.99.0.0/016", GK_E_ADDR_SYNTAX, 0},
    {"v4_prefix_sign", "10.99.0.0/+16", GK_E_ADDR_SYNTAX, 0},
    {"v4_prefix_negative", "10.99.0.0/-1", GK_E_ADDR_SYNTAX, 0},
    {"v4_prefix_netmask_form", "10.99.0.0/255.255.0.0", GK_E_ADDR_SYNTAX, 0},
    {"v4_prefix_huge", "10.99.0.0/4294967312", GK_E_ADDR_SYNTAX, 0},
    {"v4_two_slashes", "10.99.0.0/16/8", GK_E_ADDR_SYNTAX, 0},
    {"v4_bad_address", "010.99.0.0/16", GK_E_ADDR_SYNTAX, 0},
    {"v6_64", "2001:db8::/64", GK_OK, 64},
    {"v6_prefix_0", "::/0", GK_OK, 0},
    {"v6_prefix_128_max", "::1/128", GK_OK, 128},
    {"v6_prefix_129_past_max", "::1/129", GK_E_ADDR_SYNTAX, 0},
    {"v6_host_bits_set", "2001:db8::1/64", GK_E_ADDR_SYNTAX, 0},
    {"v6_zone_id", "fe80::%eth0/64", GK_E_ADDR_SYNTAX, 0},
    {"v6_mapped_net", "::ffff:10.99.0.0/112", GK_OK, 112},
    {"empty", "", GK_E_ADDR_SYNTAX, 0},
    {"slash_only", "/8", GK_E_ADDR_SYNTAX, 0},
};

START_TEST(cidr_table)
{
    struct gk_cidr c;
    const char *in = cidr_cases[_i].in;
    enum gk_status st = gk_cidr_parse((const uint8_t *)in, strlen(in), &c);
    ck_assert_msg(st == cidr_cases[_i].want, "%s: got %s", cidr_cases[_i].name, gk_status_name(st));
    if (st == GK_OK)
        ck_assert_uint_eq(c.prefix, cidr_cases[_i].prefix);
}
END_TEST

static const struct {
    const char *name;
    const char *net;
    const char *addr;
    int want;
} contains_cases[] = {
    {"v4_inside", "10.99.0.0/16", "10.99.255.1", 1},
    {"v4_first", "10.99.0.0/16", "10.99.0.0", 1},
    {"v4_last", "10.99.0.0/16", "10.99.255.255", 1},
    {"v4_just_below", "10.99.0.0/16", "10.98.255.255", 0},
    {"v4_just_above", "10.99.0.0/16", "10.100.0.0", 0},
    {"v4_odd_prefix_inside", "10.98.0.0/15", "10.99.3.4", 1},
    {"v4_odd_prefix_outside", "10.98.0.0/15", "10.100.0.0", 0},
    {"v4_slash_0_contains_all", "0.0.0.0/0", "203.0.113.9", 1},
    {"v4_slash_32_exact", "10.99.1.2/32", "10.99.1.2", 1},
    {"v4_slash_32_neighbour", "10.99.1.2/32", "10.99.1.3", 0},
    {"v4_mapped_host_in_v4_net", "10.99.0.0/16", "::ffff:10.99.7.7", 1},
    {"v4_mapped_host_outside_v4_net", "10.99.0.0/16", "::ffff:10.98.7.7", 0},
    {"v4_host_in_mapped_net", "::ffff:10.99.0.0/112", "10.99.1.1", 1},
    {"v4_host_outside_mapped_net", "::ffff:10.99.0.0/112", "10.100.1.1", 0},
    {"v4_host_not_in_v6_any", "::/0", "10.99.1.1", 0},
    {"v4_compatible_not_mapped", "10.99.0.0/16", "::10.99.1.1", 0},
    {"v6_host_not_in_v4_net", "0.0.0.0/0", "::1", 0},
    {"v6_inside", "2001:db8::/32", "2001:db8:ffff::1", 1},
    {"v6_outside", "2001:db8::/32", "2001:db9::1", 0},
    {"v6_slash_128", "::1/128", "::1", 1},
    {"v6_slash_128_neighbour", "::1/128", "::2", 0},
    {"v6_any_contains_v6", "::/0", "2001:db8::1", 1},
};

START_TEST(contains_table)
{
    struct gk_cidr c;
    struct gk_addr a;
    const char *n = contains_cases[_i].net, *h = contains_cases[_i].addr;
    ck_assert_int_eq(gk_cidr_parse((const uint8_t *)n, strlen(n), &c), GK_OK);
    ck_assert_int_eq(gk_addr_parse((const uint8_t *)h, strlen(h), &a), GK_OK);
    ck_assert_msg(gk_cidr_contains(&c, &a) == contains_cases[_i].want, "%s",
                  contains_cases[_i].name);
}
END_TEST

/* Every prefix length of a v4 /n network: the boundary addresses just inside
 * and just outside, built by bit arithmetic independent of the library. */
START_TEST(every_v4_prefix_boundary)
{
    unsigned prefix = (unsigned)_i;
    uint32_t base = 0xc0a80000u; /* 192.168.0.0 */
    uint32_t mask = prefix ? ~0u << (32 - prefix) : 0;
    base &= mask;
    uint32_t last = base | ~mask;
    struct gk_cidr c = {.net = {.family = 4}, .prefix = prefix};
    for (int k = 0; k < 4; k++)
        c.net.bytes[k] = (uint8_t)(base >> (24 - 8 * k));
    struct gk_addr a = {.family = 4};
    uint32_t probes[4] = {base, last, base - 1, last + 1};
    int inside[4] = {1, 1, prefix == 0, prefix == 0};
    for (int p = 0; p < 4; p++) {
        for (int k = 0; k < 4; k++)
            a.bytes[k] = (uint8_t)(probes[p] >> (24 - 8 * k));
        ck_assert_msg(gk_cidr_contains(&c, &a) == inside[p], "/%u probe %d", prefix, p);
    }
}
END_TEST

START_TEST(contains_null_and_empty_refused)
{
    struct gk_cidr c = {.net = {.family = 4}, .prefix = 0};
    struct gk_addr none = {0};
    ck_assert_int_eq(gk_cidr_contains(NULL, &none), 0);
    ck_assert_int_eq(gk_cidr_contains(&c, NULL), 0);
    ck_assert_int_eq(gk_cidr_contains(&c, &none), 0);
    struct gk_cidr bad = {.net = {.family = 4}, .prefix = 33};
    struct gk_addr a = {.family = 4};
    ck_assert_int_eq(gk_cidr_contains(&bad, &a), 0);
}
END_TEST

START_TEST(format_of_no_address_is_empty)
{
    char text[GK_ADDR_STR_MAX];
    struct gk_addr none = {0};
    memset(text, 'x', sizeof text);
    gk_addr_format(&none, text);
    ck_assert_str_eq(text, "");
    struct gk_addr odd = {.family = 5};
    gk_addr_format(&odd, text);
    ck_assert_str_eq(text, "");
}
END_TEST

/* Every single byte as a whole address: only the ten digits parse (never). */
START_TEST(every_single_byte_refused)
{
    uint8_t b = (uint8_t)_i;
    struct gk_addr a;
    ck_assert_int_eq(gk_addr_parse(&b, 1, &a), GK_E_ADDR_SYNTAX);
}
END_TEST

static Suite *addr_suite(void)
{
    Suite *s = suite_create("addr");
    TCase *t = tcase_create("addr");
    tcase_add_loop_test(t, addr_table, 0, (int)(sizeof addr_cases / sizeof addr_cases[0]));
    tcase_add_test(t, input_is_not_read_past_len);
    tcase_add_test(t, addr_null_arguments);
    tcase_add_loop_test(t, every_single_byte_refused, 0, 256);
    tcase_add_test(t, format_of_no_address_is_empty);
    suite_add_tcase(s, t);
    TCase *c = tcase_create("cidr");
    tcase_add_loop_test(c, cidr_table, 0, (int)(sizeof cidr_cases / sizeof cidr_cases[0]));
    tcase_add_loop_test(c, contains_table, 0,
                        (int)(sizeof contains_cases / sizeof contains_cases[0]));
    tcase_add_loop_test(c, every_v4_prefix_boundary, 0, 33);
    tcase_add_test(c, contains_null_and_empty_refused);
    suite_add_tcase(s, c);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(addr_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
