#!/usr/bin/env bash
# Style gate (curl style: a script, not a wiki page). Fails on banned string
# functions anywhere in our C, and on shell / PATH-searching exec in the
# reference server outside planted-bug code.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
src=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')
banned=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|strncpy|sscanf)\s*\(' $src | grep -v 'snprintf\|vsnprintf' || true)
if [ -n "$banned" ]; then
  echo "style: banned functions (see docs/STYLE notes in STYLE.md):"; echo "$banned"; fail=1
fi
server_src=$(echo "$src" | grep '^reference-server/' | grep -v '/plant' || true)
if [ -n "$server_src" ]; then
  shell=$(grep -nE '\b(system|popen|execl|execlp|execvp|posix_spawnp)\s*\(' $server_src || true)
  if [ -n "$shell" ]; then
    echo "style: shell or PATH-searching exec in reference-server/:"; echo "$shell"; fail=1
  fi
fi
[ $fail -eq 0 ] && echo "style: ok ($(echo "$src" | wc -l) files)"
exit $fail
