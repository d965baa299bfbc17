/* harness/case_json.h: one catalogue case as JSON, and the names of the case
 * model's enums (case.h). `gatecrash list --json` prints gc_case_json()
 * as is; `gatecrash export` (export.c) starts from the same object and adds
 * what a foreign implementation needs to replay the case. One serializer, so
 * the two can never disagree about a field. (list.c) */
#ifndef GC_CASE_JSON_H
#define GC_CASE_JSON_H
#include <jansson.h>

#include "case.h"

/* Every name function returns GC_ENUM_NAME_UNKNOWN for a value outside its
 * enum, so a caller can enumerate an enum by counting up from 0 until it
 * sees it (the schema's enum lists are built that way). */
#define GC_ENUM_NAME_UNKNOWN "?"
#define GC_ENUM_SCAN_MAX 64 /* no case-model enum has more values */

const char *gc_action_name(enum gc_action a);             /* "request", "pipeline", ... */
const char *gc_sign_key_name(enum gc_sign_key k);         /* "fixture", "attacker", ... */
const char *gc_token_mutation_name(enum gc_token_mutation m); /* "none", "strip-sig", ... */
const char *gc_expect_kind_name(enum gc_expect_kind k);   /* "deny", "allow", "status", ... */
/* NULL for the "not stated" values (GC_ADMIN_UNSTATED, GC_POSTURE_NONE). */
const char *gc_admin_truth_name(enum gc_admin_truth a);   /* "yes", "no" */
const char *gc_posture_check_name(enum gc_posture_check p); /* "not-root", ... */
/* Contract part i (0-based, in GC_PART_* bit order): its bit and name; 0 and
 * NULL past the last. */
unsigned gc_part_bit(size_t i);
const char *gc_part_name(size_t i);

/* The case as a JSON object (new reference), every field of struct gc_case:
 * id, family, title, refs, cert {kind, valid, identity, admin}, token (null or
 * the recipe), method, target, headers, raw, run_arg, action, second_target,
 * expect, expect_second, contract_parts, posture. Byte strings that are not
 * UTF-8 are null with a "<key>_hex" member beside them. NULL on allocation
 * failure. */
json_t *gc_case_json(const struct gc_case *c);

#endif
