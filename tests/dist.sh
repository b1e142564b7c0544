#!/bin/sh
# Release builds (`make dist`, issue 20): stripped static musl binaries of
# the last commit, packed reproducibly with their man pages, completion
# scripts, README and licence, and a SHA256SUMS over the tarballs.
#
#   sh tests/dist.sh build OUT ARCH...   ARCH: x86_64, aarch64
#   sh tests/dist.sh compare OUT1 OUT2 [ARCH...]
#
# build exports HEAD (git archive, so a dirty tree cannot leak in) to
# OUT/src and builds it with OUT/cargo as its target directory, so two
# builds into different OUTs share nothing but the toolchain and the
# registry sources in CARGO_HOME: the honest test of reproducibility.
# Every path that could reach the binary (the source, CARGO_HOME, the
# target directory) is remapped, in Rust and in the C of ring alike;
# SOURCE_DATE_EPOCH is the commit's time and is every tar member's mtime;
# members are sorted, owned by 0:0, with fixed modes; gzip stores no name
# or time. A binary over MAX_BYTES (3 MiB) fails the build.
#
# compare checks that two OUTs hold identical binaries and tarballs for
# each ARCH (default: both) and, when both were built for every ARCH,
# identical SHA256SUMS; it prints each file's sha256 as the evidence.
set -eu

MAX_BYTES=3145728
fail() { echo "dist: $*" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
[ -n "$version" ] || fail "no version in Cargo.toml"

triple() {
  case $1 in
    x86_64 | aarch64) echo "$1-unknown-linux-musl" ;;
    *) fail "unknown architecture $1 (x86_64 or aarch64)" ;;
  esac
}

# The size flags, each measured in README's "Release" section: no unwind
# tables (panic=abort never unwinds; a stripped binary's backtrace names
# nothing anyway) and relative relocations packed as RELR (musl's static
# start-up applies them; the x86_64 binary stays position-independent).
# DIST_SIZE_FLAGS replaces them, to measure what each one saves.
SIZE_FLAGS=${DIST_SIZE_FLAGS-"-C link-arg=-Wl,-z,pack-relative-relocs"}

# build_arch OUT ARCH: builds OUT/src for ARCH, leaving the binary in
# OUT/oar-VERSION-linux-ARCH/oar.
build_arch() {
  out=$1 arch=$2 t=$(triple "$2")
  upper=$(echo "$t" | tr 'a-z-' 'A-Z_')
  lower=$(echo "$t" | tr '-' '_')
  cargo_home=${CARGO_HOME:-$HOME/.cargo}
  maps="--remap-path-prefix=$out/src=/oar-$version --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$out/cargo=/target"
  cmaps="-ffile-prefix-map=$out/src=/oar-$version -ffile-prefix-map=$cargo_home=/cargo -ffile-prefix-map=$out/cargo=/target"
  if [ "$arch" = x86_64 ]; then cc=gcc; else cc=$arch-linux-gnu-gcc; fi
  command -v "$cc" >/dev/null || fail "$cc missing: run make dist-deps"
  rustup target list --installed 2>/dev/null | grep -qx "$t" || fail "Rust target $t missing: run make dist-deps"
  echo "dist: building $t" >&2
  start=$(date +%s)
  (
    cd "$out/src"
    export CARGO_TARGET_DIR="$out/cargo" SOURCE_DATE_EPOCH="$epoch"
    export "CC_$lower=$cc" "CFLAGS_$lower=$cmaps" "CARGO_TARGET_${upper}_LINKER=$cc"
    export "CARGO_TARGET_${upper}_RUSTFLAGS=$maps $SIZE_FLAGS"
    cargo build --quiet --release --locked --target "$t"
  )
  echo "dist: built $t in $(($(date +%s) - start)) s" >&2
  stage=$out/oar-$version-linux-$arch
  rm -rf "$stage"
  mkdir -p "$stage"
  cp "$out/cargo/$t/release/oar" "$stage/oar"
  size=$(wc -c < "$stage/oar")
  echo "dist: $t binary: $size bytes (limit $MAX_BYTES)" >&2
  [ "$size" -le "$MAX_BYTES" ] || fail "$t binary is $size bytes, over $MAX_BYTES"
  # A path of this machine in the binary would make it depend on where it
  # was built.
  ! grep -q -a -e "$out" -e "$cargo_home" "$stage/oar" || fail "$t binary names a build path"
}

# pack OUT ARCH COMPLETER: fills the staging directory and packs it;
# COMPLETER is an oar that runs here, to write the completion scripts.
pack() {
  out=$1 arch=$2 completer=$3
  name=oar-$version-linux-$arch
  stage=$out/$name
  mkdir -p "$stage/man/man1" "$stage/completions"
  cp "$out/src/man/"*.1 "$stage/man/man1/"
  cp "$out/src/README.md" "$out/src/LICENSE" "$stage/"
  "$completer" completion bash > "$stage/completions/oar.bash"
  "$completer" completion zsh > "$stage/completions/_oar"
  "$completer" completion fish > "$stage/completions/oar.fish"
  "$completer" completion powershell > "$stage/completions/oar.ps1"
  find "$stage" -type d -exec chmod 0755 {} +
  find "$stage" -type f -exec chmod 0644 {} +
  chmod 0755 "$stage/oar"
  (
    cd "$out"
    LC_ALL=C tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner \
      --mtime="@$epoch" -cf - "$name" | gzip -9 -n > "$name.tar.gz"
  )
}

build() {
  [ $# -ge 2 ] || fail "usage: dist.sh build OUT ARCH..."
  mkdir -p "$1"
  out=$(cd "$1" && pwd)
  shift
  epoch=$(git -C "$root" log -1 --format=%ct)
  rm -rf "$out/src" "$out"/oar-*
  mkdir -p "$out/src"
  git -C "$root" archive --format=tar HEAD | tar -xf - -C "$out/src"
  for arch in "$@"; do build_arch "$out" "$arch"; done
  # Completion scripts are the same text on every platform: the x86_64
  # binary (this machine's) writes them when it was built, else the first.
  completer=$out/oar-$version-linux-$1/oar
  [ -x "$out/oar-$version-linux-x86_64/oar" ] && completer=$out/oar-$version-linux-x86_64/oar
  for arch in "$@"; do pack "$out" "$arch" "$completer"; done
  (cd "$out" && LC_ALL=C sha256sum oar-"$version"-linux-*.tar.gz > SHA256SUMS)
  cat "$out/SHA256SUMS"
}

compare() {
  [ $# -ge 2 ] || fail "usage: dist.sh compare OUT1 OUT2 [ARCH...]"
  a=$1 b=$2
  shift 2
  [ $# -gt 0 ] || set -- x86_64 aarch64
  files=
  for arch in "$@"; do
    files="$files oar-$version-linux-$arch/oar oar-$version-linux-$arch.tar.gz"
  done
  # SHA256SUMS covers whatever tarballs were built: compare it when both
  # OUTs hold exactly the tarballs asked for.
  n=$(ls "$a"/oar-"$version"-linux-*.tar.gz "$b"/oar-"$version"-linux-*.tar.gz | wc -l)
  [ "$n" -eq $((2 * $#)) ] && files="$files SHA256SUMS"
  for f in $files; do
    cmp "$a/$f" "$b/$f" || fail "$f differs between $a and $b: not reproducible"
    echo "identical  $(sha256sum < "$a/$f" | cut -d' ' -f1)  $(wc -c < "$a/$f") bytes  $f"
  done
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
  build) build "$@" ;;
  compare) compare "$@" ;;
  *) fail "usage: dist.sh build OUT ARCH... | compare OUT1 OUT2 [ARCH...]" ;;
esac
