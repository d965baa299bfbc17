#!/usr/bin/env bash
# Generates the seed corpora of the in-process fuzz targets into
# corpora/seeds/<target>/ (docs/FUZZING.md):
#  - hand-written seeds (requests, paths, forwarding headers, queries, policy
#    inputs) from the case catalogue's ideas;
#  - tokens for every alg and certificates valid / wrong in one way each, signed
#    with the targets' embedded keys (fuzz_seedgen, targets/fuzz_keys.h);
#  - the client certificates of a `gatecrash fixtures` directory, as DER;
# then minimizes each corpus with libFuzzer -merge=1 when a libFuzzer build
# exists, and checks the size caps (<= 200 files, <= 2 MB per target).
#
# Usage: ci/gen-seeds.sh [--no-merge] [--new-keys]
#   GK_BUILD     build dir with fuzz_seedgen and harness/gatecrash (default build/dev)
#   GK_FUZZ_BUILD libFuzzer build dir for -merge=1 (default build/libfuzzer)
#   --new-keys   regenerate targets/fuzz_keys.h with the openssl CLI first (this
#                invalidates every signed seed: run it only on purpose)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${GK_BUILD:-build/dev}
fuzz_build=${GK_FUZZ_BUILD:-build/libfuzzer}
merge=1; new_keys=0
for a in "$@"; do
  case "$a" in
    --no-merge) merge=0 ;;
    --new-keys) new_keys=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "gen-seeds: unknown option $a" >&2; exit 2 ;;
  esac
done
TARGETS="http path forwarded argv policy jwt x509id"
MAX_FILES=200
MAX_BYTES=$((2 * 1024 * 1024))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

new_keys_header() {
  local k=$work/keys out=targets/fuzz_keys.h
  mkdir -p "$k"
  openssl ecparam -name prime256v1 -genkey -noout -out "$k/ca.key" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$k/ca.key" -out "$k/ca.p8"
  openssl req -x509 -new -key "$k/ca.p8" -subj "/CN=gatecrash fuzz client CA" -days 10000 \
    -sha256 -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$k/ca.pem"
  for n in rogue ec1 attacker; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k/$n.key"
  done
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$k/rsa1.key" 2>/dev/null
  openssl pkey -in "$k/rsa1.key" -pubout -out "$k/rsa1.pub"
  emit() { echo "static const char $1[] ="; sed 's/^/    "/; s/$/\\n"/' "$2"; echo '    ;'; }
  {
    echo '/* fuzz_keys.h: fixed key material of the in-process fuzz targets (test-only,'
    echo ' * never used by gatekeeper). Generated once by `ci/gen-seeds.sh --new-keys`'
    echo ' * with the openssl CLI and committed: the seeds in corpora/seeds/{jwt,x509id}'
    echo ' * are signed with these keys, so regenerating them invalidates those seeds. */'
    echo '#ifndef GK_FUZZ_KEYS_H'
    echo '#define GK_FUZZ_KEYS_H'
    emit FZ_CLIENT_CA_PEM "$k/ca.pem"
    emit FZ_CLIENT_CA_KEY_PEM "$k/ca.p8"
    emit FZ_ROGUE_KEY_PEM "$k/rogue.key"
    emit FZ_JWT_EC1_KEY_PEM "$k/ec1.key"
    emit FZ_JWT_RSA1_KEY_PEM "$k/rsa1.key"
    emit FZ_JWT_RSA1_PUB_PEM "$k/rsa1.pub"
    emit FZ_ATTACKER_KEY_PEM "$k/attacker.key"
    echo '/* HS256 secret of kid "hs-1" (32 bytes). */'
    echo 'static const char FZ_JWT_HS1_SECRET[] = "gatecrash-fuzz-hs1-secret-32byte";'
    echo '#endif'
  } > "$out.tmp"
  mv "$out.tmp" "$out"
  echo "gen-seeds: wrote $out (rebuild, then regenerate the signed seeds)"
}
[ $new_keys -eq 1 ] && new_keys_header

# seed TARGET NAME BYTES: BYTES is a printf %b string (\r \n \xNN).
seed() {
  local dir=$work/stage/$1
  mkdir -p "$dir"
  printf '%b' "$3" > "$dir/.$2.tmp"
  mv "$dir/.$2.tmp" "$dir/$2"
}

# ---- http ------------------------------------------------------------------
H='GET /public HTTP/1.1\r\nHost: localhost\r\n\r\n'
seed http get-public "$H"
seed http get-whoami-bearer 'GET /whoami HTTP/1.1\r\nHost: localhost:8443\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln\r\nUser-Agent: gatecrash\r\nAccept: */*\r\n\r\n'
seed http get-run-query 'GET /run?arg=hello%20world&x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
seed http post-body 'POST /user HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello'
seed http pipelined "${H}${H}"
seed http http10 'GET /files/hello.txt HTTP/1.0\r\n\r\n'
seed http leading-crlf "\r\n${H}"
seed http xfcc-xff-forwarded 'GET /whoami HTTP/1.1\r\nHost: a\r\nX-Forwarded-Client-Cert: By=spiffe://gatecrash.test/gk;URI=spiffe://gatecrash.test/admin\r\nX-Forwarded-For: 10.99.0.1, 1.2.3.4\r\nForwarded: for="[2001:db8::1]:443";proto=https\r\n\r\n'
seed http te-chunked 'POST /user HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
seed http cl-and-te 'POST /user HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello'
seed http two-cl 'POST /user HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx'
seed http dup-host 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
seed http no-host 'GET / HTTP/1.1\r\n\r\n'
seed http obs-fold 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n'
seed http bare-lf 'GET / HTTP/1.1\nHost: a\n\n'
seed http space-before-colon 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'
seed http absolute-form 'GET http://localhost/admin HTTP/1.1\r\nHost: localhost\r\n\r\n'
seed http asterisk-form 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n'
seed http unknown-method 'BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n'
seed http http2-version 'GET / HTTP/2.0\r\nHost: a\r\n\r\n'
seed http obs-text-value 'GET / HTTP/1.1\r\nHost: a\r\nX-A: \xc3\xa9\xff\r\n\r\n'
seed http incomplete 'GET /public HTTP/1.1\r\nHost: local'

# ---- path ------------------------------------------------------------------
i=0
for p in / /public /files/hello.txt /files/sub/./dir/nested.txt /files/sub/dir/../dir/nested.txt \
         /files/sub/%2e%2e/hello.txt /files/%2e/hello.txt /files/../canary.txt /files/%2e%2e/canary.txt \
         /files/%252e%252e/canary.txt /files/..%2fcanary.txt /files/..%5ccanary.txt '/files/..\\canary.txt' \
         /files/%c0%ae%c0%ae/canary.txt /files/%e0%80%ae/x /files//hello.txt /files/hello.txt/ \
         /files/a/b/c/../../../../x /files/%00 /files/caf%c3%a9.txt '/files/a;b?c' \
         /files/%ed%a0%80 /files/%f4%90%80%80 /files/%2 /a/./b/../../c/. relative /proc/self/root/etc/passwd \
         /files/www-x/../../www-x/canary.txt; do
  i=$((i + 1)); seed path "p$(printf %02d $i)" "$p"
done
seed path ctl '/files/a\x01b'
seed path del '/files/a\x7fb'
seed path high-raw '/files/\xc3\xa9'
seed path overlong-raw '/files/\xc0\xae\xc0\xae'

# ---- forwarded: flags, peer, "xfcc\nxff\nforwarded" -------------------------
seed forwarded xfcc-uri '\x00\x07By=spiffe://gatecrash.test/gk;URI=spiffe://gatecrash.test/admin\n\n'
seed forwarded xfcc-quoted '\x00\x07Hash=abc;Subject="CN=admin,O=x";URI="spiffe://gatecrash.test/user/alice"\n\n'
seed forwarded xfcc-two-elements '\x00\x07URI=spiffe://gatecrash.test/admin,URI=spiffe://gatecrash.test/user/alice\n\n'
seed forwarded xfcc-two-uris '\x00\x07URI=a;URI=b\n\n'
seed forwarded xfcc-unterminated '\x00\x07URI="spiffe://x/a\n\n'
seed forwarded xff-one '\x00\x01\n10.99.0.1\n'
seed forwarded xff-list '\x00\x01\n 10.99.0.7 ,10.99.0.9 \n'
seed forwarded xff-v6-port '\x00\x81\n[2001:db8::1]:443, 1.2.3.4:80\n'
seed forwarded xff-garbage '\x00\x01\nnot-an-address\n'
seed forwarded xff-octal '\x00\x01\n010.99.0.1\n'
seed forwarded xff-two-fields '\x04\x01\n10.99.0.1\n'
seed forwarded fwd-for '\x00\x01\n\nfor=10.99.0.1'
seed forwarded fwd-quoted-port '\x00\x01\n\nfor="10.99.0.1:4711";proto=https;by=_gk'
seed forwarded fwd-v6 '\x00\x81\n\nfor="[2001:db8::1]", for=unknown'
seed forwarded fwd-unknown-last '\x00\x01\n\nfor=10.99.0.1, for=unknown'
seed forwarded fwd-and-xff '\x00\x01URI=spiffe://gatecrash.test/user/bob\n1.2.3.4\nfor=10.99.0.2'
seed forwarded mapped-v4 '\x00\x01\n::ffff:10.99.0.1\n'

# ---- argv: the /run query -----------------------------------------------------
i=0
for q in 'arg=hello' 'arg=' 'arg' 'arg=a+b' 'arg=%2d%2dhelp' 'arg=-rf%20/' 'arg=$(id)' 'arg=a;b|c`d`' \
         'x=1&arg=%0a%0d' '%61rg=dup&arg=x' 'arg=1&arg=2' 'arg=%00' 'arg=%zz' 'arg=%' 'arg=%25' \
         'arg=%c3%a9' 'foo=bar' 'arg=a=b=c' '&&arg=x&&' 'ARG=x'; do
  i=$((i + 1)); seed argv "q$(printf %02d $i)" "$q"
done

# ---- policy: method byte, flags byte, raw path ----------------------------------
i=0
for p in /public /whoami /user /admin /internal /run /files/hello.txt /files/ /files /ADMIN /admin/ \
         /admin/. /%61dmin /files/../admin /files/sub/dir/nested.txt /files-x/a /runx /; do
  for mf in '\x00\x00' '\x00\x01' '\x00\x03' '\x00\x04' '\x01\x03'; do
    i=$((i + 1)); seed policy "r$(printf %03d $i)" "$mf$p"
  done
done
seed policy post-admin '\x02\x03/admin'
seed policy other-method '\x07\x07/public'

# ---- jwt + x509id: signed with the embedded keys ---------------------------------
if [ ! -x "$build/targets/fuzz_seedgen" ] || [ ! -x "$build/harness/gatecrash" ]; then
  echo "gen-seeds: building fuzz_seedgen and gatecrash in $build"
  [ -f "$build/CMakeCache.txt" ] || cmake --preset dev -B "$build" >/dev/null
  cmake --build "$build" -j2 --target fuzz_seedgen gatecrash >/dev/null
fi
mkdir -p "$work/stage/jwt" "$work/stage/x509id"
"$build/targets/fuzz_seedgen" "$work/stage/jwt" "$work/stage/x509id"
seed jwt not-a-token 'not.a.token'
seed jwt json-serialization '{"payload":"e30","signatures":[]}'
seed jwt padded 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImhzLTEifQ==.e30=.c2ln'

# The fixture's client certificates (another CA: they must be refused here,
# but they are real-world shaped DER).
"$build/harness/gatecrash" fixtures --helper /bin/true "$work/fx" >/dev/null
for c in "$work"/fx/harness/clients/*.pem "$work"/fx/harness/rogue/*.pem; do
  [ -f "$c" ] || continue
  n=$(basename "$(dirname "$c")")-$(basename "$c" .pem)
  openssl x509 -in "$c" -outform DER -out "$work/stage/x509id/fixture-$n"
done
if [ -f "$work/fx/harness/ca/client-int.pem" ] && [ -f "$work/fx/harness/clients/alice.pem" ]; then
  cat "$work/stage/x509id/fixture-clients-alice" \
      <(openssl x509 -in "$work/fx/harness/ca/client-int.pem" -outform DER) \
      > "$work/stage/x509id/fixture-alice-with-intermediate"
fi

# ---- install, minimize, check caps ---------------------------------------------------
rc=0
for t in $TARGETS; do
  dst=corpora/seeds/$t
  mkdir -p "$dst" "corpora/regression/$t"
  if [ $merge -eq 1 ] && [ -x "$fuzz_build/targets/fuzz_$t" ]; then
    # Keep only inputs that add coverage over what is already committed.
    mkdir -p "$work/merged/$t"
    cp "$dst"/* "$work/merged/$t/" 2>/dev/null || true
    "$fuzz_build/targets/fuzz_$t" -merge=1 "$work/merged/$t" "$work/stage/$t" \
      >"$work/merge-$t.log" 2>&1 || { echo "gen-seeds: merge failed for $t"; tail "$work/merge-$t.log"; rc=1; continue; }
    # Named seeds stay readable; merge only decides which ones carry new features.
    for f in "$work/stage/$t"/*; do
      h=$(sha1sum "$f" | cut -d' ' -f1)
      [ -f "$work/merged/$t/$h" ] && cp "$f" "$dst/$(basename "$f")"
    done
  else
    cp "$work/stage/$t"/* "$dst/"
  fi
  files=$(find "$dst" -type f | wc -l)
  bytes=$(du -sb "$dst" | cut -f1)
  printf 'gen-seeds: %-10s %4d files %8d bytes\n' "$t" "$files" "$bytes"
  if [ "$files" -gt $MAX_FILES ] || [ "$bytes" -gt $MAX_BYTES ]; then
    echo "gen-seeds: $dst exceeds $MAX_FILES files or $MAX_BYTES bytes"; rc=1
  fi
done
exit $rc
