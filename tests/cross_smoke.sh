#!/bin/sh
# The release binary where it runs (issue 20): `make test` runs the aarch64
# binary of `make dist` under qemu-aarch64-static (and the x86_64 one
# natively) against Debian's docker-registry on loopback ports:
#
#   version        names the platform the binary was built for;
#   push, pull     an 8 MiB random file; the manifest's layer digest is the
#                  file's sha256 and the pulled bytes are the pushed ones;
#   directory      a tree pushed as one layer comes back identical;
#   backup|restore `backup -o - | restore --input -` into another
#                  repository, then pulled back byte for byte;
#   login          against an htpasswd registry: a wrong password fails,
#                  the right one logs in and its stored credentials push
#                  and pull.
#
#   sh tests/cross_smoke.sh ARCH BINARY    ARCH: x86_64 or aarch64
#
# Each step's wall time is printed (emulation makes it slow; the README
# gives the measured times). Any failure stops the script with exit 1.
set -eu

fail() { echo "cross-smoke: $*" >&2; exit 1; }
[ $# -eq 2 ] || fail "usage: cross_smoke.sh ARCH BINARY"
arch=$1
bin=$(readlink -f "$2") || fail "no binary $2"
[ -x "$bin" ] || fail "$bin is not an executable"
case $arch in
  x86_64) platform=linux/amd64 ;;
  aarch64) platform=linux/arm64 ;;
  *) fail "unknown architecture $arch" ;;
esac
run=
if [ "$(uname -m)" != "$arch" ]; then
  run=qemu-$arch-static
  command -v "$run" >/dev/null || fail "$run missing: run make dist-deps"
fi
for c in docker-registry htpasswd curl python3 sha256sum; do
  command -v $c >/dev/null || fail "$c missing: run make test-deps"
done

work=$(mktemp -d)
. "$(dirname "$0")/registry.sh"
trap 'stop_registries; rm -rf "$work"' EXIT
trap 'exit 130' HUP INT PIPE TERM

htpasswd -Bbc "$work/htpasswd" smoke 'smoke pass' 2>/dev/null
start_registry plain reg
start_registry auth areg "$work/htpasswd"

cd "$work"
export XDG_CACHE_HOME="$work/cache" HOME="$work/home"
mkdir -p "$HOME"
# oar ARGS...: the binary under test, emulated if it must be.
oar() { $run "$bin" "$@"; }
# step NAME CMD...: runs CMD (a shell function), printing its wall time.
step() {
  name=$1
  shift
  t0=$(date +%s%N)
  "$@" || fail "$name failed"
  echo "cross-smoke $arch: $name: $((($(date +%s%N) - t0) / 1000000)) ms"
}

version() {
  oar version > version.out
  grep -qx "OS/Arch: *$platform" version.out || fail "version says $(cat version.out), not $platform"
}

push_pull() {
  head -c $((8 * 1024 * 1024)) /dev/urandom > blob.bin
  sum=$(sha256sum < blob.bin | cut -d' ' -f1)
  oar push --plain-http --no-tty "$reg/smoke:v1" blob.bin > push.out
  oar manifest fetch --plain-http "$reg/smoke:v1" > manifest.json
  grep -q "\"digest\":\"sha256:$sum\"" manifest.json || fail "the manifest does not name sha256:$sum: $(cat manifest.json)"
  oar pull --plain-http --no-tty -o pulled "$reg/smoke:v1" > pull.out
  cmp blob.bin pulled/blob.bin || fail "the pulled file differs from the pushed one"
}

directory() {
  mkdir -p tree/a/b tree/c
  echo one > tree/a/one.txt
  head -c 100000 /dev/urandom > tree/a/b/two.bin
  printf '' > tree/c/empty
  oar push --plain-http --no-tty "$reg/smoke:dir" tree > push-dir.out
  oar pull --plain-http --no-tty -o dirout "$reg/smoke:dir" > pull-dir.out
  diff -r tree dirout/tree || fail "the pulled directory differs from the pushed one"
}

backup_restore() {
  oar backup --plain-http --no-tty -o - "$reg/smoke:v1" 2>backup.err | oar restore --plain-http --no-tty --input - "$reg/restored" > restore.out
  oar pull --plain-http --no-tty -o restored "$reg/restored:v1" > pull-restored.out
  cmp blob.bin restored/blob.bin || fail "the restored artifact differs from the backed-up one"
}

login() {
  if oar login --plain-http --registry-config auth.json -u smoke -p wrong "$areg" > bad.out 2>&1; then
    fail "login with a wrong password succeeded"
  fi
  oar login --plain-http --registry-config auth.json -u smoke -p 'smoke pass' "$areg" > login.out 2>&1
  grep -qx 'Login Succeeded' login.out || fail "login said: $(cat login.out)"
  oar push --plain-http --no-tty --registry-config auth.json "$areg/private:v1" blob.bin > push-auth.out
  oar pull --plain-http --no-tty --registry-config auth.json -o private "$areg/private:v1" > pull-auth.out
  cmp blob.bin private/blob.bin || fail "the file pulled with stored credentials differs"
}

step version version
step "push and pull 8 MiB" push_pull
step "directory round trip" directory
step "backup -o - | restore --input -" backup_restore
step "login (htpasswd), push, pull" login
echo "cross-smoke $arch: all passed${run:+ under $run}"
