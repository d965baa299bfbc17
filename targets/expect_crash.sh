#!/bin/sh
# expect_crash.sh WANT BINARY INPUT: passes only if BINARY crashes on INPUT.
# WANT=crash: killed by a signal (abort) or a sanitizer report;
# WANT=asan:  an AddressSanitizer report is required (the sanitizer wiring works).
want=$1; bin=$2; input=$3
[ -f "$input" ] || { echo "expect_crash: missing input $input"; exit 1; }
out=$("$bin" "$input" 2>&1); rc=$?
echo "$out" | tail -n 20
echo "expect_crash: exit status $rc"
if echo "$out" | grep -q "ERROR: AddressSanitizer"; then
  echo "expect_crash: ASan report seen: PASS"; exit 0
fi
if [ "$want" = crash ] && [ $rc -ge 128 ]; then
  echo "expect_crash: died by signal $((rc - 128)): PASS"; exit 0
fi
echo "expect_crash: the canary did NOT crash as required ($want): FAIL"
exit 1
