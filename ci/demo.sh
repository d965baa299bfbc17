#!/usr/bin/env bash
# Main job: build, write fixtures, start gatekeeper on loopback, drive each route
# with real TLS clients (curl + the generated certificates and tokens), and write
# a report under reports/runs/<id>/ (reports/latest points at it).
#   ci/demo.sh            run and stop
#   ci/demo.sh --serve    keep gatekeeper running until Ctrl-C and print curl commands
#   ci/demo.sh --no-deps  skip ci/deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."
serve=0; deps=1
for a in "$@"; do
  case "$a" in
    --serve) serve=1 ;;
    --no-deps) deps=0 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "ci/demo.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
[ $deps -eq 1 ] && bash ci/deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)" >/dev/null
B=build/dev
run_id=$(date -u +%Y%m%dT%H%M%SZ)-$$
out=reports/runs/$run_id
mkdir -p "$out"
fx=$out/fixtures
"$B/harness/gatecrash" fixtures "$fx" --helper "$PWD/$B/reference-server/helper/gk-echo" >/dev/null
fx=$(cd "$fx" && pwd)

"$B/reference-server/server/gatekeeper" --fixtures "$fx/target" --port 0 2>"$out/gatekeeper.log" &
gk=$!
trap 'kill -TERM $gk 2>/dev/null; wait $gk 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^gatekeeper: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/gatekeeper.log")
  [ -n "$port" ] && break
  kill -0 $gk 2>/dev/null || { echo "gatekeeper exited:"; cat "$out/gatekeeper.log"; exit 2; }
  sleep 0.1
done
[ -n "$port" ] || { echo "gatekeeper did not start"; exit 2; }
base=https://localhost:$port
C=(curl -sS --max-time 5 --cacert "$fx/target/tls/server-ca.pem" --resolve "localhost:$port:127.0.0.1")
alice=(--cert "$fx/harness/clients/alice.pem" --key "$fx/harness/clients/alice.key")
admin=(--cert "$fx/harness/clients/admin.pem" --key "$fx/harness/clients/admin.key")

if [ $serve -eq 1 ]; then
  cat <<MSG
gatekeeper is serving on $base (fixtures: $fx/target, log: $out/gatekeeper.log)
  ${C[*]} $base/public
  ${C[*]} ${alice[*]} $base/whoami
  ${C[*]} ${admin[*]} $base/admin
Ctrl-C stops it.
MSG
  wait $gk
  exit 0
fi

pass=0; fail=0
check() { # name expected-status curl-args...
  local name=$1 want=$2; shift 2
  local got
  got=$("${C[@]}" -o "$out/body.tmp" -w '%{http_code}' "$@" || echo 000)
  if [ "$got" = "$want" ]; then pass=$((pass+1)); r=ok; else fail=$((fail+1)); r=FAIL; fi
  printf '%-4s %-34s want %s got %s\n' "$r" "$name" "$want" "$got" | tee -a "$out/summary.txt"
}
: > "$out/summary.txt"
check public-anonymous        200 "$base/public"
check whoami-anonymous        200 "$base/whoami"
check user-anonymous          401 "$base/user"
check user-alice-cert         200 "${alice[@]}" "$base/user"
check admin-alice-cert        403 "${alice[@]}" "$base/admin"
check admin-admin-cert        200 "${admin[@]}" "$base/admin"
check admin-trailing-slash    404 "${admin[@]}" "$base/admin/"
check files-hello             200 "${alice[@]}" "$base/files/hello.txt"
check files-dotdot-encoded    400 "${alice[@]}" --path-as-is "$base/files/%2e%2e/canary.txt"
check files-symlink-escape    404 "${alice[@]}" "$base/files/escape"
check run-shell-chars         200 "${alice[@]}" "$base/run?arg=%3Bid%20%24(id)"
check internal-direct         403 "${alice[@]}" "$base/internal"
check xfcc-from-non-proxy     403 "${alice[@]}" -H "X-Forwarded-Client-Cert: URI=spiffe://gatecrash.test/admin" "$base/admin"
rm -f "$out/body.tmp"
echo "$pass passed, $fail failed" | tee -a "$out/summary.txt"
ln -sfn "runs/$run_id" reports/latest
echo "report: $out/summary.txt"
[ $fail -eq 0 ]
