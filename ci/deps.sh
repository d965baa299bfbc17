#!/usr/bin/env bash
# Install every Debian package gatecrash needs. Idempotent: re-running on a
# machine that already has them only checks and exits. Needs root (or sudo).
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git ca-certificates
  libssl-dev openssl          # TLS, X.509, JOSE crypto
  libjansson-dev              # JSON
  node-llhttp                 # llhttp C sources in /usr/share/llhttp
  libseccomp-dev              # sandbox + supervisor
  check                       # unit tests
  clang-14 libclang-rt-14-dev llvm-14   # libFuzzer, sanitizers, llvm-cov
  afl++                       # AFL++ engine
  python3 curl xmllint-dummy
  nodejs                      # tests/broken-target (integration.broken)
)
# xmllint comes from libxml2-utils; the placeholder above is replaced here so the
# list reads as one block.
PKGS=("${PKGS[@]/xmllint-dummy/libxml2-utils}")

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
