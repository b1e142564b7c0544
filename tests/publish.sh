#!/bin/sh
# Ships a release with the oar it contains (`make publish`, issue 20), as a
# multi-platform OCI index any oras client can pull with --platform:
#
#   one manifest per tarball of DIST, artifactType application/vnd.oar.
#   release.v1, its config an OCI image config naming the platform (what
#   `oras push --artifact-platform` writes; oar has no such flag, and
#   `manifest index create` reads the platform from the config), the
#   tarball its one layer, tagged VERSION-linux-ARCH;
#   an index over them (`manifest index create`), tagged VERSION and latest;
#   SHA256SUMS attached to the index as a referrer.
#
#   sh tests/publish.sh DIST HOST/REPO [OAR FLAGS...]   publish DIST there
#   sh tests/publish.sh --test DIST                     the round trip
#
# The oar that publishes is DIST's x86_64 binary. --test publishes to
# Debian's docker-registry on a loopback port, pulls each platform back
# from `latest` with --platform, checks it is the one tarball of that
# platform and matches SHA256SUMS, and pulls the attached SHA256SUMS back
# through the referrers of the index.
set -eu

fail() { echo "publish: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/../Cargo.toml" | head -n 1)
RELEASE_TYPE=application/vnd.oar.release.v1
SUMS_TYPE=application/vnd.oar.release.checksums.v1

# goarch ARCH: the OCI platform architecture of a tarball's ARCH.
goarch() {
  case $1 in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *) fail "unknown architecture $1" ;;
  esac
}

# publish DIST REF FLAGS...: pushes DIST's tarballs to REF (no tag).
publish() {
  dist=$(cd "$1" && pwd)
  ref=$2
  shift 2
  oar=$dist/oar-$version-linux-x86_64/oar
  [ -x "$oar" ] || fail "no $oar: run make dist"
  cfg=$(mktemp -d)
  tags=
  cd "$dist"
  for tarball in oar-"$version"-linux-*.tar.gz; do
    arch=${tarball#oar-"$version"-linux-}
    arch=${arch%.tar.gz}
    printf '{"architecture":"%s","os":"linux"}' "$(goarch "$arch")" > "$cfg/$arch.json"
    "$oar" push --no-tty "$@" --artifact-type "$RELEASE_TYPE" \
      --config "$cfg/$arch.json:application/vnd.oci.image.config.v1+json" \
      "$ref:$version-linux-$arch" "$tarball:application/vnd.oci.image.layer.v1.tar+gzip"
    tags="$tags $version-linux-$arch"
  done
  rm -rf "$cfg"
  # shellcheck disable=SC2086 # one argument per tag
  "$oar" manifest index create "$@" --artifact-type "$RELEASE_TYPE" "$ref:$version,latest" $tags
  "$oar" attach --no-tty "$@" --artifact-type "$SUMS_TYPE" "$ref:$version" SHA256SUMS
}

# roundtrip DIST: publishes DIST to a registry started here and pulls it
# back as a user would.
roundtrip() {
  dist=$(cd "$1" && pwd)
  oar=$dist/oar-$version-linux-x86_64/oar
  for c in docker-registry curl python3 sha256sum; do
    command -v $c >/dev/null || fail "$c missing: run make test-deps"
  done
  work=$(mktemp -d)
  . "$here/registry.sh"
  trap 'stop_registries; rm -rf "$work"' EXIT
  trap 'exit 130' HUP INT PIPE TERM
  start_registry releases reg
  (publish "$dist" "$reg/oar" --plain-http) > "$work/publish.out" ||
    fail "publishing failed: $(cat "$work/publish.out")"
  n=0
  for tarball in "$dist"/oar-"$version"-linux-*.tar.gz; do
    name=${tarball##*/}
    arch=${name#oar-"$version"-linux-}
    arch=${arch%.tar.gz}
    out=$work/pull-$arch
    "$oar" pull --plain-http --no-tty --platform "linux/$(goarch "$arch")" -o "$out" "$reg/oar:latest" > "$work/pull.out"
    [ "$(ls "$out")" = "$name" ] || fail "--platform linux/$(goarch "$arch") pulled $(ls "$out"), not $name"
    (cd "$out" && grep " $name\$" "$dist/SHA256SUMS" | sha256sum -c --quiet) ||
      fail "$name pulled back does not match SHA256SUMS"
    echo "publish: pulled $name back from $reg/oar:latest with --platform linux/$(goarch "$arch"): matches SHA256SUMS"
    n=$((n + 1))
  done
  [ $n -gt 0 ] || fail "no tarball in $dist"
  # The index lists each platform with the release's artifact type.
  "$oar" manifest fetch --plain-http "$reg/oar:$version" > "$work/index.json"
  for tarball in "$dist"/oar-"$version"-linux-*.tar.gz; do
    arch=${tarball##*-linux-}
    arch=${arch%.tar.gz}
    grep -q "\"platform\":{\"architecture\":\"$(goarch "$arch")\",\"os\":\"linux\"},\"artifactType\":\"$RELEASE_TYPE\"" "$work/index.json" ||
      fail "the index has no $RELEASE_TYPE entry for linux/$(goarch "$arch"): $(cat "$work/index.json")"
  done
  # SHA256SUMS is found among the referrers of the index (listed after
  # the index itself) and is the file.
  sums=$("$oar" discover --plain-http --artifact-type "$SUMS_TYPE" --format json "$reg/oar:$version" |
    sed -n 's/^ *"digest": *"\(sha256:[0-9a-f]*\)",*$/\1/p' | tail -n 1)
  [ -n "$sums" ] || fail "no $SUMS_TYPE referrer of $reg/oar:$version"
  "$oar" pull --plain-http --no-tty -o "$work/sums" "$reg/oar@$sums" > "$work/pull.out"
  cmp "$dist/SHA256SUMS" "$work/sums/SHA256SUMS" || fail "the attached SHA256SUMS differs"
  echo "publish: SHA256SUMS attached to $reg/oar:$version as $sums"
}

case ${1:-} in
  --test)
    [ $# -eq 2 ] || fail "usage: publish.sh --test DIST"
    roundtrip "$2"
    ;;
  '' | -*) fail "usage: publish.sh DIST HOST/REPO [OAR FLAGS...] | --test DIST" ;;
  *)
    [ $# -ge 2 ] || fail "usage: publish.sh DIST HOST/REPO [OAR FLAGS...]"
    publish "$@"
    ;;
esac
